//! `pantry`: the command line for the same library the desktop app uses.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use pantry::access::{Actor, Operation};
use pantry::backups;
use pantry::cards;
use pantry::db::server::ServerAddress;
use pantry::demo::{self, DemoSpec};
use pantry::encryption;
use pantry::import;
use pantry::keys::{DatabaseKey, KeyStore};
use pantry::members::{erasure, protection};
use pantry::output::{Destination, Existing, Guard};
use pantry::outreach;
use pantry::print::cards::SheetLayout;
use pantry::reports::export::{self, ReportFormat};
use pantry::reports::{self, rollup};
use pantry::stock::opening;
use pantry::text::shown;
use pantry::visits;

/// Prints a line with any control characters made visible, so a name or note can never
/// send escape sequences to the volunteer's terminal.
macro_rules! say {
    ($($arg:tt)*) => {
        println!("{}", shown(&format!($($arg)*)))
    };
}
use pantry::{paths, settings, Db, Error};

mod args;

use args::{Cli, Command, ImportWhat, Layout, PrintWhat, Who};

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("pantry: {}", shown(&err.to_string()));
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), Error> {
    let data_dir = paths::choose_data_dir(cli.data_dir, paths::os_data_dir).ok_or_else(|| {
        Error::invalid(
            "dataDir",
            "No app-data folder is known on this system; give one with --data-dir.",
        )
    })?;
    let existing = if cli.force {
        Existing::Replace
    } else {
        Existing::Refuse
    };
    let keys = KeyStore::from_env();
    // `migrate` needs the owner's address, given; the other commands use the server chosen in
    // the app when none is given.
    let server = match &cli.command {
        Command::Migrate { .. } => cli
            .database
            .as_deref()
            .map(ServerAddress::parse)
            .transpose()?,
        _ => pantry::db::choice::server_for(&data_dir, &keys, cli.database.as_deref())?,
    };
    if let Command::Migrate { app_role } = &cli.command {
        let Some(address) = &server else {
            return Err(Error::invalid(
                "database",
                "`pantry migrate` is for a server database: give its address with --database \
                 postgres://… (or PANTRY_DATABASE_URL). The laptop's own database is brought up \
                 to date whenever it is opened.",
            ));
        };
        let done = pantry::db::server::migrate(address, app_role.as_deref()).await?;
        say!(
            "The server database {} is at schema {} ({} migration{} applied).",
            address.shown(),
            done.version,
            done.applied,
            if done.applied == 1 { "" } else { "s" }
        );
        return Ok(());
    }
    if let Some(address) = &server {
        if matches!(
            cli.command,
            Command::Unlock | Command::Restore { .. } | Command::DemoData { .. }
        ) {
            return Err(Error::not_on_server());
        }
        let db = Db::open_server(address, &data_dir, &keys).await?;
        let result = run_on(&db, cli.command, &cli.who, existing).await;
        db.close().await;
        return result;
    }
    if let Command::Unlock = &cli.command {
        let key = recovery_key()?;
        pantry::db::unlock_with(&data_dir.join(paths::DATABASE_FILE), &key, &keys).await?;
        say!("The recovery key opens this pantry's database; Pantry opens it on this computer from now on.");
        return Ok(());
    }
    if let Command::Restore {
        file,
        recovery_key: ask,
    } = &cli.command
    {
        let db_path = data_dir.join(paths::DATABASE_FILE);
        let recovery = if *ask { Some(recovery_key()?) } else { None };
        let (db, _) = Db::open_in(&data_dir, &keys).await.map_err(unlock_hint)?;
        let signed_in = match sign_in(&db, cli.who.volunteer.as_deref()).await {
            Ok(actor) => actor
                .require(&db, Operation::RestoreBackup)
                .await
                .map(|()| actor),
            Err(err) => Err(err),
        };
        db.close().await;
        let request = backups::RestoreRequest::new(file, &signed_in?);
        say!("Restoring from {} (waiting up to 10 seconds for any other Pantry window or command on this database to close)…", file.display());
        let notice = backups::restore(&db_path, file, &request, &keys, recovery.as_ref())
            .await
            .map_err(|err| match err {
                Error::KeyNeeded(message) => {
                    Error::KeyNeeded(format!("{message} (give --recovery-key to type it)"))
                }
                other => other,
            })?;
        if !notice.safety_copy.is_empty() {
            say!("The database as it was is saved in {}", notice.safety_copy);
        }
        say!(
            "Restored {} from {} (taken {}).",
            db_path.display(),
            file.display(),
            chrono::DateTime::parse_from_rfc3339(&notice.backup_taken_at)
                .map(|t| t.format("%d/%m/%Y %H:%M UTC").to_string())
                .unwrap_or(notice.backup_taken_at.clone())
        );
        if !notice.undone.is_empty() {
            say!("Undone (made after the backup was taken):");
            for line in notice.undone.lines() {
                say!("  {line}");
            }
        }
        return Ok(());
    }
    if let Command::DemoData {
        households,
        weeks,
        seed,
        until,
        no_referrals,
    } = cli.command
    {
        let spec = DemoSpec {
            households,
            weeks,
            seed,
            until,
            no_referrals,
        };
        return demo_data(&data_dir, &keys, &spec).await;
    }
    let (db, opened) = Db::open_in(&data_dir, &keys).await.map_err(unlock_hint)?;
    if let Some(backup) = &opened.backup {
        say!(
            "Saved a copy of the database before upgrading it: {}",
            backup.display()
        );
    }
    // Once the upgrade checks out, the copies from before it go (they would keep households
    // erased since).
    for copy in backups::prune_after_upgrade(&db).await? {
        say!(
            "The upgraded database checks out; removed the copy from before the upgrade: {}",
            copy.display()
        );
    }
    // An erasure killed before its files were deleted is finished now.
    for file in pantry::members::erasure::finish_interrupted(&db).await? {
        say!("Finished an earlier erasure: deleted {file}");
    }
    // The audit trail is checked at every command, and a break is told loudly.
    if let Some(broken) = encryption::note_audit_break(&db).await? {
        eprintln!("{}", audit_break_warning(&broken));
    }
    let result = run_on(&db, cli.command, &cli.who, existing).await;
    db.close().await;
    result
}

/// Runs a command on the open database, at the desk `who` names (if any).
async fn run_on(db: &Db, command: Command, who: &Who, existing: Existing) -> Result<(), Error> {
    if let Some(desk) = &who.desk {
        db.at_desk(desk)?;
    }
    match command {
        Command::Init => init(db).await,
        // Every other command changes or shows the pantry's data: a volunteer signs in first.
        command => match sign_in(db, who.volunteer.as_deref()).await {
            Ok(actor) => signed_in(db, command, existing, &actor).await,
            Err(err) => Err(err),
        },
    }
}

/// Runs a command that needs a signed-in volunteer, as `actor`.
async fn signed_in(
    db: &Db,
    command: Command,
    existing: Existing,
    actor: &Actor,
) -> Result<(), Error> {
    match command {
        // Run before anyone signs in (restore signs in itself, with the database closed).
        Command::Init
        | Command::Migrate { .. }
        | Command::DemoData { .. }
        | Command::Restore { .. }
        | Command::Unlock => Ok(()),
        Command::RecoverySheetPutAway => {
            encryption::confirm_recovery_sheet_put_away(db, actor).await?;
            say!("Recorded: the recovery sheet for this key is printed and put away.");
            Ok(())
        }
        Command::ExportDatabase { out } => {
            encryption::export_plain(db, &out, existing, actor).await?;
            say!(
                "Unencrypted copy of the database written and checked: {}",
                out.display()
            );
            eprintln!(
                "Warning: the copy is not encrypted. Anyone who gets it can read every member's \
                 details; keep it safe and delete it when you are done."
            );
            Ok(())
        }
        Command::Backup { out } => backup(db, out, existing, actor).await,
        Command::CopyToServer { to } => {
            let address = ServerAddress::parse(&to)?;
            say!("Copying this pantry's database to {} …", address.shown());
            let copied = backups::copy_to_server(db, &address, actor, |table, rows| {
                say!("  {table}: {rows} row{}", if rows == 1 { "" } else { "s" });
            })
            .await?;
            say!(
                "Copied {} tables in {:.1} s; the audit trail on the server ends where this one \
                 does. Use the server with --database (or in the app) from now on.",
                copied.tables.len(),
                copied.seconds
            );
            Ok(())
        }
        Command::BackupSettings { folder, kept } => {
            let status = backups::save_settings(db, &folder, &kept.to_string(), actor).await?;
            say!(
                "Backups go to {}, keeping the last {}.",
                status.folder,
                status.kept
            );
            Ok(())
        }
        Command::Import {
            what:
                ImportWhat::Members {
                    file,
                    dry_run,
                    skip_bad,
                },
        } => import_members(db, &file, dry_run, skip_bad, actor).await,
        Command::Import {
            what:
                ImportWhat::Stock {
                    file,
                    dry_run,
                    skip_bad,
                },
        } => import_stock(db, &file, dry_run, skip_bad, actor).await,
        Command::Report {
            period,
            format,
            out,
        } => report(db, &period, format.as_deref(), &out, existing, actor).await,
        Command::Rollup { files, format, out } => {
            rollup(db, &files, format.as_deref(), &out, existing, actor).await
        }
        Command::Retention { dry_run } => retention(db, dry_run, actor).await,
        Command::SubjectAccess { household, out } => {
            subject_access(db, &household, out.as_deref(), actor).await
        }
        Command::Erase { household, reason } => erase(db, &household, &reason, actor).await,
        Command::Desk { name } => {
            if let Some(name) = name {
                pantry::app::name_desk(db, &name, actor).await?;
            }
            match db.desk() {
                Some(desk) => {
                    say!("This computer is {desk}: visits and the audit trail record it.")
                }
                None => {
                    say!("This computer has no desk name; give it one with `pantry desk NAME`.")
                }
            }
            Ok(())
        }
        Command::Visit {
            number,
            items,
            fee,
            override_reason,
        } => visit(db, &number, items, &fee, override_reason.as_deref(), actor).await,
        Command::Print {
            what:
                PrintWhat::Cards {
                    all_unprinted: _,
                    household,
                    layout,
                    out,
                },
        } => {
            let to = Destination::file(out, existing);
            print_cards(db, household.as_deref(), layout, &to, actor).await
        }
        Command::Print {
            what: PrintWhat::RecoverySheet { out },
        } => {
            let path =
                encryption::print_recovery_sheet(db, &Destination::file(out, existing), actor)
                    .await?;
            say!(
                "Recovery sheet written: {}. Print it, lock it away and delete the file; then run \
                 `pantry recovery-sheet-put-away` to record it.",
                path.display()
            );
            Ok(())
        }
        Command::Print {
            what: PrintWhat::Slip { referral, out },
        } => print_slip(db, &referral, &Destination::file(out, existing), actor).await,
        Command::Print {
            what: PrintWhat::Welcome { household, out },
        } => print_welcome(db, &household, &Destination::file(out, existing), actor).await,
        Command::Print {
            what: PrintWhat::Round { date, out },
        } => {
            let to = Destination::file(out, existing);
            let done = outreach::print_run_sheet(db, date, &to, actor).await?;
            say_printed("Run sheet", &done, "stops; destroy it after the round");
            Ok(())
        }
        Command::Print {
            what: PrintWhat::Labels { date, start, out },
        } => {
            let to = Destination::file(out, existing);
            let done = outreach::print_labels(db, date, start, &to, actor).await?;
            say_printed("Parcel labels", &done, "stops");
            Ok(())
        }
        Command::Print {
            what: PrintWhat::Packing { date, out },
        } => {
            let to = Destination::file(out, existing);
            let done = outreach::print_packing_lists(db, date, &to, actor).await?;
            say_printed("Packing lists", &done, "stops");
            Ok(())
        }
        Command::Print {
            what: PrintWhat::CallSheet { out },
        } => {
            let to = Destination::file(out, existing);
            let done = outreach::print_call_sheet(db, &to, actor).await?;
            say_printed("Call sheet", &done, "to call; destroy it after use");
            Ok(())
        }
    }
}

/// "Run sheet written: FILE (12 stops; …)": what an outreach paper printed.
fn say_printed(what: &str, done: &outreach::Printed, counted: &str) {
    say!(
        "{what} written: {} ({} {counted})",
        done.file,
        done.households
    );
}

async fn init(db: &Db) -> Result<(), Error> {
    say!("Database ready: {}", db.location());
    match settings::load(db).await? {
        Some(s) => say!("Pantry: {} ({})", s.name, s.short_code),
        None => say!("No pantry is set up yet: open the app to finish first-run setup."),
    }
    Ok(())
}

/// Makes the demo pantry whole or not at all (a demo stopped half-made can be run again).
async fn demo_data(data_dir: &Path, keys: &KeyStore, spec: &DemoSpec) -> Result<(), Error> {
    let started = Instant::now();
    let summary = demo::make(data_dir, keys, spec)
        .await
        .map_err(unlock_hint)?;
    say!(
        "Generated {} households, {} visits, {} referrals, {} renewals, {} delivery rounds, {} welfare calls, {} stock items and {} stock movements over {} weeks to {} (seed {}) in {:.2} s.",
        summary.households,
        summary.visits,
        summary.referrals,
        summary.renewals,
        summary.delivery_rounds,
        summary.welfare_calls,
        summary.items,
        summary.stock_movements,
        spec.weeks,
        summary.until,
        spec.seed,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn backup(
    db: &Db,
    out: Option<PathBuf>,
    existing: Existing,
    actor: &Actor,
) -> Result<(), Error> {
    let written = match out {
        Some(path) => {
            actor.require(db, Operation::TakeBackup).await?;
            Guard::of(db).await?.check(&path, existing)?;
            db.backup_to(&path, existing).await?;
            path
        }
        None => PathBuf::from(
            backups::back_up(db, backups::BackupReason::Manual, actor)
                .await?
                .file,
        ),
    };
    match pantry::audit::chain::verify(db).await?.broken {
        None => say!("Backup written and checked: {}", written.display()),
        Some(broken) => {
            say!(
                "Backup written: {} (the database checks out, but its audit trail does not)",
                written.display()
            );
            eprintln!("{}", audit_break_warning(&broken));
        }
    }
    Ok(())
}

/// A break in the audit trail, as every command tells it.
fn audit_break_warning(broken: &pantry::audit::chain::ChainBreak) -> String {
    format!(
        "Warning: the audit trail was changed outside Pantry (at entry {}: {}). Entries before \
         it are as written. Tell an admin: Settings → Encryption and the audit trail shows it.",
        broken.entry_id, broken.problem
    )
}

async fn import_members(
    db: &Db,
    file: &std::path::Path,
    dry_run: bool,
    skip_bad: bool,
    actor: &Actor,
) -> Result<(), Error> {
    let sheet = read_sheet(file)?;
    let mapping = import::suggest_mapping(&sheet.headers);
    for (header, field) in sheet.headers.iter().zip(&mapping) {
        match field {
            Some(f) => say!("  column \"{header}\" → {}", f.label()),
            None => say!("  column \"{header}\" → (not imported)"),
        }
    }
    let report = import::check(db, &sheet, &mapping, actor).await?;
    for p in &report.problems {
        say!("line {}, column \"{}\": {}", p.line, p.column, p.message);
    }
    say!(
        "{} rows ready, {} already registered, {} problems.",
        report.good,
        report.already_present,
        report.problems.len()
    );
    if dry_run {
        say!("Dry run: nothing was imported.");
        return Ok(());
    }
    if !report.problems.is_empty() && !skip_bad {
        return Err(Error::invalid(
            "file",
            "Nothing was imported: fix the rows listed above, or run again with --skip-bad to import the good rows only.",
        ));
    }
    let started = Instant::now();
    let done = import::import(db, &sheet, &mapping, actor, &mut |_| {}).await?;
    if !done.imported {
        return Err(Error::invalid(
            "file",
            "Nothing was imported: no row is ready (each has a problem or is already registered).",
        ));
    }
    say!(
        "Imported {} households in {:.2} s.",
        done.good,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn format_for(format: Option<&str>, out: &std::path::Path) -> Result<ReportFormat, Error> {
    let given = format
        .map(str::to_owned)
        .or_else(|| out.extension().and_then(|e| e.to_str()).map(str::to_owned))
        .unwrap_or_default();
    ReportFormat::parse(&given)
}

async fn report(
    db: &Db,
    period: &str,
    format: Option<&str>,
    out: &std::path::Path,
    existing: Existing,
    actor: &Actor,
) -> Result<(), Error> {
    let period = reports::Period::parse(period)?;
    let format = format_for(format, out)?;
    let done = export::export_summary(db, &period, format, Some((out, existing)), actor).await?;
    say!(
        "{} summary written: {} (sha256 {})",
        period.label,
        done.file,
        done.sha256
    );
    Ok(())
}

async fn rollup(
    db: &Db,
    files: &[PathBuf],
    format: Option<&str>,
    out: &std::path::Path,
    existing: Existing,
    actor: &Actor,
) -> Result<(), Error> {
    let format = format_for(format, out)?;
    let inputs = files
        .iter()
        .map(|f| {
            std::fs::read(f)
                .map(|bytes| (f.display().to_string(), bytes))
                .map_err(|e| pantry::files::file_error("read", f, &e))
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let (combined, done) =
        rollup::export_rollup(db, &inputs, format, Some((out, existing)), actor).await?;
    say!(
        "Roll-up of {} pantries written: {}",
        combined.pantries.len(),
        done.file
    );
    say!("{}", rollup::HOUSEHOLDS_ACROSS_PANTRIES);
    Ok(())
}

fn read_sheet(file: &std::path::Path) -> Result<import::Sheet, Error> {
    let bytes = std::fs::read(file).map_err(|e| pantry::files::file_error("read", file, &e))?;
    let name = file
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    import::read_sheet(&bytes, name)
}

async fn import_stock(
    db: &Db,
    file: &std::path::Path,
    dry_run: bool,
    skip_bad: bool,
    actor: &Actor,
) -> Result<(), Error> {
    let sheet = read_sheet(file)?;
    let report = opening::import_opening(db, &sheet, dry_run, skip_bad, actor).await?;
    for p in &report.problems {
        say!("line {}, column \"{}\": {}", p.line, p.column, p.message);
    }
    say!(
        "{} rows ready ({} new items, {} units), {} problems.",
        report.good,
        report.new_items,
        report.units,
        report.problems.len()
    );
    if report.imported {
        say!("Opening stock imported.");
        Ok(())
    } else if dry_run {
        say!("Dry run: nothing was imported.");
        Ok(())
    } else {
        Err(Error::invalid(
            "file",
            "Nothing was imported: fix the rows listed above, or run again with --skip-bad to import the good rows only.",
        ))
    }
}

async fn retention(db: &Db, dry_run: bool, actor: &Actor) -> Result<(), Error> {
    let preview = protection::retention_preview(db, actor).await?;
    for c in &preview.households {
        say!(
            "{}  {}  last visit: {}",
            c.household.membership_number,
            c.household.lead_name,
            c.last_visit.as_deref().unwrap_or("never")
        );
    }
    say!(
        "{} households have had no visit since {} ({} months).",
        preview.households.len(),
        preview.cutoff,
        preview.months
    );
    if dry_run {
        say!("Dry run: nothing was changed.");
        return Ok(());
    }
    let n = protection::apply_retention(db, actor).await?;
    say!("Anonymised {n} households.");
    Ok(())
}

async fn print_cards(
    db: &Db,
    household: Option<&str>,
    layout: Layout,
    to: &Destination,
    actor: &Actor,
) -> Result<(), Error> {
    let sheet = match layout {
        Layout::Avery => SheetLayout::Avery,
        Layout::CropMarks => SheetLayout::CropMarks,
    };
    let started = Instant::now();
    let print = match household {
        Some(number) => {
            let id = pantry::households::id_for_number(db, number, actor).await?;
            cards::print_single(db, id, to, actor).await?
        }
        None => cards::print_unprinted(db, sheet, to, actor).await?,
    };
    let bytes = std::fs::metadata(&print.path).map_or(0, |m| m.len());
    say!(
        "Wrote {} card(s) to {} ({} KB) in {:.2} s.",
        print.cards,
        print.path,
        bytes / 1024,
        started.elapsed().as_secs_f64()
    );
    if !print.replaced.is_empty() {
        say!(
            "Check these names: the font has no {}, printed as ?.",
            print.replaced
        );
    }
    Ok(())
}

async fn subject_access(
    db: &Db,
    number: &str,
    out: Option<&std::path::Path>,
    actor: &Actor,
) -> Result<(), Error> {
    let id = pantry::households::id_for_number(db, number, actor).await?;
    for file in protection::write_subject_access(db, id, out, actor).await? {
        say!("Wrote {}", file.display());
    }
    Ok(())
}

async fn erase(db: &Db, number: &str, reason: &str, actor: &Actor) -> Result<(), Error> {
    let id = pantry::households::id_for_number(db, number, actor).await?;
    let done = erasure::erase(db, id, reason, actor).await?;
    say!("Household {number}: {}", done.said);
    for file in &done.files_deleted {
        say!("Deleted {file}");
    }
    Ok(())
}

async fn visit(
    db: &Db,
    number: &str,
    items: Option<u32>,
    fee: &str,
    override_reason: Option<&str>,
    actor: &Actor,
) -> Result<(), Error> {
    let fee_method = visits::FeeMethod::from_code(fee.trim()).ok_or_else(|| {
        Error::invalid("fee", "The fee is paid by cash, card, voucher or waived.")
    })?;
    let visit =
        visits::record_scanned(db, number, items, fee_method, override_reason, actor).await?;
    say!(
        "Recorded: household {} checked in on {} ({} items, fee {}{}).",
        visit.membership_number,
        visit.local_date.format("%d/%m/%Y"),
        visit.items,
        fee_method.label().to_lowercase(),
        if visit.override_reason.is_some() {
            ", rules overridden"
        } else {
            ""
        }
    );
    Ok(())
}

async fn print_slip(
    db: &Db,
    reference: &str,
    to: &Destination,
    actor: &Actor,
) -> Result<(), Error> {
    let referral = pantry::referrals::by_reference(db, reference, actor).await?;
    let file = pantry::referrals::print_slip(db, referral.id, to, actor).await?;
    say!(
        "Wrote the slip for referral {} to {}.",
        referral.reference_shown,
        file.display()
    );
    Ok(())
}

/// The recovery key: from PANTRY_RECOVERY_KEY, or typed (not shown) at a terminal.
fn recovery_key() -> Result<DatabaseKey, Error> {
    let text = match std::env::var("PANTRY_RECOVERY_KEY") {
        Ok(text) => text,
        Err(_) if std::io::stdin().is_terminal() => {
            rpassword::prompt_password("Recovery key (from the recovery sheet): ")?
        }
        Err(_) => {
            return Err(Error::invalid(
                "recoveryKey",
                "No recovery key was given and there is no terminal to type it in: set \
                 PANTRY_RECOVERY_KEY.",
            ))
        }
    };
    DatabaseKey::from_recovery_text(&text)
}

/// A database this computer has no key for: say how to give the recovery key.
fn unlock_hint(err: Error) -> Error {
    match err {
        Error::KeyNeeded(message) => {
            Error::KeyNeeded(format!("{message} Run `pantry unlock` to type it."))
        }
        other => other,
    }
}

async fn print_welcome(
    db: &Db,
    number: &str,
    to: &Destination,
    actor: &Actor,
) -> Result<(), Error> {
    let id = pantry::households::id_for_number(db, number, actor).await?;
    let file = pantry::households::welcome::print_welcome(db, id, to, actor).await?;
    say!(
        "Wrote the welcome sheet for membership {number} to {}.",
        file.display()
    );
    Ok(())
}

/// Signs the volunteer in with their PIN: from PANTRY_PIN, or typed (not shown) when a
/// person is at a terminal. The library checks the PIN, locks out after repeated wrong ones
/// and records the sign-in.
async fn sign_in(db: &Db, volunteer: Option<&str>) -> Result<Actor, Error> {
    const HOW: &str = "give --volunteer NAME (or PANTRY_VOLUNTEER) and your PIN, typed when asked or in PANTRY_PIN";
    let name = volunteer
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| {
            Error::Forbidden(format!(
            "This command changes or shows the pantry's data, so a volunteer must sign in: {HOW}."
        ))
        })?;
    let pin = match std::env::var("PANTRY_PIN") {
        Ok(pin) => pin,
        Err(_) if std::io::stdin().is_terminal() => {
            rpassword::prompt_password(format!("PIN for {name}: "))?
        }
        Err(_) => {
            return Err(Error::Forbidden(format!(
                "No PIN was given for {name} and there is no terminal to type it in: {HOW}."
            )))
        }
    };
    pantry::volunteers::sign_in(db, name, &pin).await
}
