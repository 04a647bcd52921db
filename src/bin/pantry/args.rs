//! The command line's arguments: every command, its options and their help text.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use pantry::paths;

/// Pantry: memberships, visits, stock and referrals for a community food pantry.
///
/// Every command works on the pantry's database in the data directory: the OS app-data
/// folder by default, or the folder given by --data-dir or PANTRY_DATA_DIR.
#[derive(Debug, Parser)]
#[command(name = "pantry", version)]
pub struct Cli {
    /// The folder holding the pantry's database (overrides PANTRY_DATA_DIR and the default).
    #[arg(long, global = true, value_name = "DIR", env = paths::DATA_DIR_ENV)]
    pub data_dir: Option<PathBuf>,

    /// Replace the --out file when it already exists (never the pantry's own files:
    /// its database, backups and safety copies are refused whatever is said).
    #[arg(long, global = true)]
    pub force: bool,

    #[command(flatten)]
    pub who: Who,

    /// The pantry's database on a PostgreSQL server (postgres://USER@HOST:PORT/DATABASE, or
    /// PANTRY_DATABASE_URL) instead of the encrypted file in the data folder. A server on
    /// another computer needs ?sslmode=verify-full&sslrootcert=CA-FILE.
    #[arg(
        long,
        global = true,
        value_name = "URL",
        env = "PANTRY_DATABASE_URL",
        hide_env_values = true
    )]
    pub database: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

/// Who runs a command, and where.
#[derive(Debug, clap::Args)]
pub struct Who {
    /// Who is running the command: a volunteer's name (or PANTRY_VOLUNTEER). Every command
    /// that changes or shows the pantry's data needs it, with the volunteer's PIN, typed when
    /// asked (or PANTRY_PIN for scripts). Their role decides what they may do.
    #[arg(long, global = true, value_name = "NAME", env = "PANTRY_VOLUNTEER")]
    pub volunteer: Option<String>,

    /// The desk this command runs at, recorded with its visits and audit entries (or
    /// PANTRY_DESK; default: this computer's desk name, set with `pantry desk NAME`).
    #[arg(long, global = true, value_name = "NAME", env = "PANTRY_DESK")]
    pub desk: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the database (or bring it up to date) and say where it is.
    Init,
    /// Copy this laptop's database into an empty server database (admins; give the server
    /// database's owner's address, after `pantry migrate`): every table with its ids, the
    /// audit trail checked identical at the end. Nothing is written to a database that is not
    /// empty.
    CopyToServer {
        /// The server database: postgres://OWNER@HOST:PORT/DATABASE (a server on another
        /// computer needs ?sslmode=verify-full&sslrootcert=CA-FILE).
        #[arg(long, value_name = "URL")]
        to: String,
    },
    /// Create or upgrade the schema of the server database given with --database, connected
    /// as the database's owner (the app itself connects as a role that only reads and writes
    /// rows, and never changes the schema).
    Migrate {
        /// The role the app connects as: it is allowed to read and write rows, and only to
        /// add to the audit trail and the stock ledger.
        #[arg(long, value_name = "ROLE")]
        app_role: Option<String>,
    },
    /// The anonymised landlord summary of a period, as CSV, XLSX, PDF or JSON.
    Report {
        /// 2026-10 (a month), 2026-Q3 (a quarter), week:2026-11-16, or 2026-10-01..2026-10-31.
        #[arg(long)]
        period: String,
        /// csv, xlsx, pdf or json (default: from the --out file's extension).
        #[arg(long)]
        format: Option<String>,
        #[arg(long)]
        out: PathBuf,
    },
    /// Combine several pantries' JSON summaries (same period) into one roll-up report.
    Rollup {
        /// JSON summaries exported with `pantry report --format json`.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// csv, xlsx, pdf or json (default: from the --out file's extension).
        #[arg(long)]
        format: Option<String>,
        #[arg(long)]
        out: PathBuf,
    },
    /// Fill an empty database with a synthetic demo pantry: settings, households, visits.
    DemoData {
        /// How many households to register.
        #[arg(long, default_value_t = 500)]
        households: u32,
        /// How many weeks of visits, ending on --until.
        #[arg(long, default_value_t = 12)]
        weeks: u32,
        /// Seed for the random choices; the same seed and --until give the same data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The last day with visits, as YYYY-MM-DD (default: today where the pantry is).
        #[arg(long, value_name = "DATE")]
        until: Option<NaiveDate>,
        /// Leave out the agency directory and referrals (to try the Referrals screen from empty).
        #[arg(long)]
        no_referrals: bool,
    },
    /// Import from a spreadsheet (CSV or .xlsx); columns are matched by their headers.
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Anonymise households with no visit for the retention period set in Settings.
    Retention {
        /// Only list who would be anonymised; change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Subject access: everything held about one household, as JSON and a readable PDF.
    SubjectAccess {
        /// The household's membership number.
        #[arg(value_name = "NUMBER")]
        household: String,
        /// The folder to write both files into (default: exports/ in the data directory).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Check a household in from its card or membership number, as the counter does (the
    /// same rules, roles and audit): prints the visit recorded, or why not and exits non-zero.
    Visit {
        /// The household's card or membership number.
        #[arg(value_name = "NUMBER")]
        number: String,
        /// Items taken (default: the pantry's usual number per visit).
        #[arg(long)]
        items: Option<u32>,
        /// How the weekly fee was paid: cash, card, voucher or waived.
        #[arg(long, default_value = "cash")]
        fee: String,
        /// Record the visit although the rules refuse it, for this reason (managers).
        #[arg(long = "override", value_name = "REASON")]
        override_reason: Option<String>,
    },
    /// Show this computer's desk name, or give it one (an admin; "" removes it): visits and
    /// audit entries written here record it, and another desk is told "checked in at Desk 2".
    Desk {
        /// The desk's name, like "Desk 2" or "Front door".
        #[arg(value_name = "NAME")]
        name: Option<String>,
    },
    /// Erase a household's personal details for good, everywhere (a manager): its details,
    /// members, notes, visit notes, referral details, card numbers, and the files Pantry wrote
    /// about it. Anonymous counts stay for reports.
    Erase {
        /// The household's membership number.
        #[arg(value_name = "NUMBER")]
        household: String,
        /// Why (kept in the household's history: write no personal details in it).
        #[arg(long)]
        reason: String,
    },
    /// Print to a PDF file (open it to print, or send it to a card printer).
    Print {
        #[command(subcommand)]
        what: PrintWhat,
    },
    /// Write a checked copy of the database.
    Backup {
        /// The file to write (default: the backup folder in the settings, keeping the last N).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Set where backups go and how many are kept (admins). The folder must be there: a
    /// folder on a USB stick that is not plugged in is never made on this computer.
    BackupSettings {
        /// The backup folder (an empty value: the backups folder beside the database).
        #[arg(long, value_name = "DIR")]
        folder: String,
        /// How many backups are kept.
        #[arg(long, default_value_t = 14)]
        kept: u32,
    },
    /// Replace the database with a backup (the current file is backed up first).
    Restore {
        /// A backup written by Pantry.
        file: PathBuf,
        /// The backup was made on another laptop: ask for the recovery key printed on the
        /// pantry's recovery sheet (typed unseen, or from PANTRY_RECOVERY_KEY).
        #[arg(long)]
        recovery_key: bool,
    },
    /// Open this pantry's database on a computer that does not have its key (the data folder
    /// was moved or copied here): asks for the recovery key and keeps it in this computer's
    /// key store.
    Unlock,
    /// Record that the recovery sheet (`pantry print recovery-sheet`) is printed and locked
    /// away, after deleting its file (admins). Until then Pantry reminds admins to print it.
    RecoverySheetPutAway,
    /// Write an unencrypted copy of the whole database that any SQLite tool opens (admins).
    /// Anyone with the copy can read every member's details: keep it safe and delete it after use.
    ExportDatabase {
        /// The file to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum ImportWhat {
    /// Members (households): needs at least a name and a postcode column.
    Members {
        /// The spreadsheet: .csv (UTF-8 or Windows-1252) or .xlsx.
        file: PathBuf,
        /// Check every row and report problems; import nothing.
        #[arg(long)]
        dry_run: bool,
        /// Import the good rows even when some rows have problems (they are left out).
        #[arg(long)]
        skip_bad: bool,
    },
    /// Opening stock: needs a name and a quantity column (category, unit, best before,
    /// use by, value, barcode, band, points and reorder level are optional).
    Stock {
        /// The spreadsheet: .csv (UTF-8 or Windows-1252) or .xlsx.
        file: PathBuf,
        /// Check every row and report problems; import nothing.
        #[arg(long)]
        dry_run: bool,
        /// Import the good rows even when some rows have problems (they are left out).
        #[arg(long)]
        skip_bad: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum PrintWhat {
    /// Membership cards: every card not printed yet, or one household's card.
    Cards {
        /// Every current card that has not been printed yet, on A4 sheets of ten.
        #[arg(
            long,
            conflicts_with = "household",
            required_unless_present = "household"
        )]
        all_unprinted: bool,
        /// One household's current card, by membership number, card-sized (for a card printer).
        #[arg(long, value_name = "NUMBER")]
        household: Option<String>,
        /// Sheet layout: avery (pre-cut Avery C32011 sheets) or crop-marks (plain paper).
        #[arg(long, value_enum, default_value_t = Layout::Avery)]
        layout: Layout,
        /// The PDF file to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// The recovery sheet: the key that opens the pantry's backups on another laptop (admins).
    RecoverySheet {
        /// The PDF file to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// A referral slip (agency's copy and member's tear-off copy on one A4 page).
    Slip {
        /// The referral's reference number.
        #[arg(long, value_name = "REFERENCE")]
        referral: String,
        /// The PDF file to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// A household's welcome and privacy sheet, in its preferred language then English.
    Welcome {
        /// The household's membership number.
        #[arg(long, value_name = "NUMBER")]
        household: String,
        /// The PDF file to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// The driver's run sheet for a delivery round (managers).
    Round {
        /// The round's date.
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: NaiveDate,
        /// The PDF file to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Parcel labels for a delivery round, on A4 sheets of 14 (Avery L7163) (managers).
    Labels {
        /// The round's date.
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: NaiveDate,
        /// The label of the first sheet to start at (1–14, left to right, row by row), for
        /// a sheet whose first labels are used already.
        #[arg(long, value_name = "N", default_value_t = 1)]
        start: u32,
        /// The PDF file to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Packing lists for a delivery round, one per stop (managers).
    Packing {
        /// The round's date.
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: NaiveDate,
        /// The PDF file to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Today's welfare call sheet: everyone due a call (managers).
    CallSheet {
        /// The PDF file to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Layout {
    Avery,
    CropMarks,
}
