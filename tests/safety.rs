//! Nothing lost: what a careless user or a second process does to the pantry's own files.
//! Each case runs the real `pantry` command as a process (and the library where the app
//! path differs) and shows that every refusal leaves the database exactly as it was.
#![allow(clippy::unwrap_used)]

mod common;

use sqlx::AssertSqlSafe;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{household as form, pantry, stderr, stdout};

use pantry::backups::{self, BackupReason, RestoreRequest};
use pantry::households::form::HouseholdForm;
use pantry::members;
use pantry::output::{Destination, Existing};
use pantry::{households, settings, Db, Error};

fn db_path(dir: &Path) -> PathBuf {
    dir.join(pantry::paths::DATABASE_FILE)
}

/// The database's whole content as text (`.dump` in spirit): every column of every row, in
/// order. A command line's sign-in is left out (the audit entry of the sign-in and the
/// volunteer's attempt count): it is recorded whatever the command then does.
async fn dump(dir: &Path) -> String {
    let path = db_path(dir);
    let options = common::raw_options(&path).read_only(true);
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name NOT LIKE '%_fts%' AND name NOT LIKE '%_words%' ORDER BY name",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut out = String::new();
    for table in tables {
        let columns: Vec<String> = sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT name FROM pragma_table_info('{table}')"
        )))
        .fetch_all(&pool)
        .await
        .unwrap();
        let columns: Vec<String> = columns
            .into_iter()
            .filter(|c| {
                !(table == "volunteers"
                    && matches!(
                        c.as_str(),
                        "failed_attempts" | "locked_until" | "pin_checks" | "pin_checks_since"
                    ))
            })
            .map(|c| format!("quote(\"{c}\")"))
            .collect();
        let only = match table.as_str() {
            "audit_log" => "WHERE action NOT IN ('signed-in', 'sign-in-failed')",
            // …and those entries' links in the audit chain.
            "audit_chain" => {
                "WHERE entry_id IN (SELECT id FROM audit_log WHERE action NOT IN ('signed-in', 'sign-in-failed'))"
            }
            _ => "",
        };
        let rows: Vec<String> = sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT json_array({}) FROM \"{table}\" {only} ORDER BY 1",
            columns.join(", ")
        )))
        .fetch_all(&pool)
        .await
        .unwrap();
        out.push_str(&format!("{table}: {}\n", rows.join("\n")));
    }
    pool.close().await;
    out
}

/// A pantry with settings, an admin and two households, through the library; closed.
async fn pantry_with_households(dir: &Path) {
    let (db, _) = Db::open_in(dir, common::keys()).await.unwrap();
    settings::save(&db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    common::admin_alex(&db).await;
    for name in ["Amelia Smith", "Zoë Öztürk"] {
        register(&db, name).await;
    }
    db.close().await;
}

async fn register(db: &Db, name: &str) -> households::Household {
    members::register(db, &form(name), None, &common::admin())
        .await
        .unwrap()
}

async fn number_of_first(dir: &Path) -> String {
    let (db, _) = Db::open_in(dir, common::keys()).await.unwrap();
    let n: String = sqlx::query_scalar("SELECT membership_number FROM households ORDER BY id")
        .fetch_one(db.pool().unwrap())
        .await
        .unwrap();
    db.close().await;
    n
}

fn backup_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    files.sort();
    files
}

#[tokio::test(flavor = "multi_thread")]
async fn no_output_overwrites_the_pantrys_own_files() {
    let dir = tempfile::tempdir().unwrap();
    pantry_with_households(dir.path()).await;
    assert!(pantry(dir.path(), &["backup"]).status.success());
    let backup = backup_files(&dir.path().join("backups")).remove(0);
    let number = number_of_first(dir.path()).await;
    let before = dump(dir.path()).await;
    let backup_bytes = std::fs::read(&backup).unwrap();

    let db = db_path(dir.path()).display().to_string();
    let wal = format!("{db}-wal");
    let backup_text = backup.display().to_string();
    let month = common::this_month();
    for target in [&db, &wal, &backup_text] {
        for force in [false, true] {
            let mut attempts: Vec<Vec<&str>> = vec![
                vec!["print", "cards", "--household", &number, "--out", target],
                vec![
                    "report", "--period", &month, "--format", "csv", "--out", target,
                ],
                vec!["backup", "--out", target],
            ];
            if force {
                for a in &mut attempts {
                    a.push("--force");
                }
            }
            for args in attempts {
                let out = pantry(dir.path(), &args);
                assert!(!out.status.success(), "{args:?} must be refused");
                assert!(
                    stderr(&out).contains("never writes over"),
                    "{args:?}: {}",
                    stderr(&out)
                );
            }
        }
    }
    // The database holds what it held (each refused command's sign-in is recorded, nothing
    // else); the backup is byte for byte as it was.
    assert_eq!(dump(dir.path()).await, before);
    assert_eq!(std::fs::read(&backup).unwrap(), backup_bytes);
    // No card was marked printed by the refused prints.
    let (db, _) = Db::open_in(dir.path(), common::keys()).await.unwrap();
    assert_eq!(
        pantry::cards::unprinted_count(&db, &common::admin())
            .await
            .unwrap(),
        2
    );
    db.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_existing_file_is_replaced_only_with_force_and_whole() {
    let dir = tempfile::tempdir().unwrap();
    pantry_with_households(dir.path()).await;
    let number = number_of_first(dir.path()).await;
    let out_file = dir.path().join("letter.pdf");
    std::fs::write(&out_file, b"a letter the manager wrote").unwrap();
    let out = out_file.to_str().unwrap();

    let refused = pantry(
        dir.path(),
        &["print", "cards", "--household", &number, "--out", out],
    );
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("already exists"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(
        std::fs::read(&out_file).unwrap(),
        b"a letter the manager wrote"
    );
    let (db, _) = Db::open_in(dir.path(), common::keys()).await.unwrap();
    assert_eq!(
        pantry::cards::unprinted_count(&db, &common::admin())
            .await
            .unwrap(),
        2,
        "a refused print marks nothing printed"
    );
    db.close().await;

    let forced = pantry(
        dir.path(),
        &[
            "print",
            "cards",
            "--household",
            &number,
            "--out",
            out,
            "--force",
        ],
    );
    assert!(forced.status.success(), "{}", stderr(&forced));
    assert!(std::fs::read(&out_file).unwrap().starts_with(b"%PDF"));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".part"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_print_that_cannot_be_written_is_not_marked_printed() {
    let dir = tempfile::tempdir().unwrap();
    pantry_with_households(dir.path()).await;
    let before = dump(dir.path()).await;
    let missing = dir.path().join("usb-stick-not-plugged-in/cards.pdf");
    let out = pantry(
        dir.path(),
        &[
            "print",
            "cards",
            "--all-unprinted",
            "--out",
            missing.to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
    assert!(stderr(&out).contains("USB stick"), "{}", stderr(&out));
    assert!(!missing.parent().unwrap().exists(), "no folder is made up");
    assert_eq!(dump(dir.path()).await, before, "nothing marked printed");

    // The same through the library, and for a report recorded in the export history.
    let (db, _) = Db::open_in(dir.path(), common::keys()).await.unwrap();
    let to = Destination::file(&missing, Existing::Refuse);
    assert!(pantry::cards::print_unprinted(
        &db,
        pantry::print::cards::SheetLayout::Avery,
        &to,
        &common::admin()
    )
    .await
    .is_err());
    let period = pantry::reports::Period::parse(&common::this_month()).unwrap();
    assert!(pantry::reports::export::export_summary(
        &db,
        &period,
        pantry::reports::export::ReportFormat::Csv,
        Some((&missing, Existing::Refuse)),
        &common::manager(),
    )
    .await
    .is_err());
    db.close().await;
    assert_eq!(dump(dir.path()).await, before);
}

#[tokio::test(flavor = "multi_thread")]
async fn restoring_the_oldest_kept_backup_works_and_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    pantry_with_households(dir.path()).await;
    let (db, _) = Db::open_in(dir.path(), common::keys()).await.unwrap();
    backups::save_settings(&db, "", "2", &common::admin())
        .await
        .unwrap();
    for _ in 0..2 {
        backups::back_up(&db, BackupReason::Manual, &common::admin())
            .await
            .unwrap();
    }
    register(&db, "Hodan Kowalski").await;
    db.close().await;
    let folder = dir.path().join("backups");
    let oldest = backup_files(&folder).remove(0);

    let out = pantry(dir.path(), &["restore", oldest.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(oldest.exists(), "the backup restored from is still there");
    assert!(
        stdout(&out).contains("1 household registered or imported"),
        "what was undone is said: {}",
        stdout(&out)
    );
    let (db, _) = Db::open_in(dir.path(), common::keys()).await.unwrap();
    assert_eq!(common::count(&db, "households").await, 2);
    db.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn restore_carries_the_audit_trail_and_says_what_it_undid() {
    let dir = tempfile::tempdir().unwrap();
    pantry_with_households(dir.path()).await;
    let (db, _) = Db::open_in(dir.path(), common::keys()).await.unwrap();
    let taken = backups::back_up(&db, BackupReason::Manual, &common::admin())
        .await
        .unwrap();
    register(&db, "Hodan Kowalski").await;
    let since: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE at > (SELECT at FROM audit_log WHERE action = 'backups.taken') \
         ORDER BY id",
    )
    .fetch_all(db.pool().unwrap())
    .await
    .unwrap();
    assert!(since.contains(&"household.registered".to_owned()));
    db.close().await;

    let from = Path::new(&taken.file);
    let notice = backups::restore(
        &db_path(dir.path()),
        from,
        &RestoreRequest::new(from, &common::named("Alex", pantry::access::Role::Admin)),
        common::keys(),
        None,
    )
    .await
    .unwrap();
    assert_eq!(notice.by, "Alex");
    assert!(notice.undone.contains("1 household registered or imported"));
    assert!(
        notice.backup_taken_at.starts_with(&taken.at[..16]),
        "{notice:?}"
    );

    let (db, _) = Db::open_in(dir.path(), common::keys()).await.unwrap();
    let trail: Vec<(String, String)> =
        sqlx::query_as("SELECT actor, action FROM audit_log ORDER BY id")
            .fetch_all(db.pool().unwrap())
            .await
            .unwrap();
    for action in &since {
        assert!(
            trail.iter().any(|(_, a)| a == action),
            "{action} made after the backup is carried over"
        );
    }
    assert_eq!(
        trail.last().unwrap(),
        &("Alex".to_owned(), "backups.restored".to_owned())
    );
    assert_eq!(common::count(&db, "households").await, 2);
    db.close().await;
    // The staging copy is gone; the backup has no -wal/-shm beside it.
    assert!(!dir.path().join("pantry.restoring").exists());
    assert!(!PathBuf::from(format!("{}-wal", taken.file)).exists());
    assert!(!PathBuf::from(format!("{}-shm", taken.file)).exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_write_killed_half_way_leaves_no_copy_behind_after_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    pantry_with_households(dir.path()).await;
    let before = dump(dir.path()).await;
    // What a restore (or any write) killed between copying and renaming leaves behind. While
    // another Pantry process has the database open, one left an hour ago goes at the next
    // start and one that may still be being written stays; once nobody has it open, all go.
    let other = Db::open_in(dir.path(), common::keys()).await.unwrap().0;
    let stale = dir.path().join(".pantry-killed.part");
    std::fs::copy(db_path(dir.path()), &stale).unwrap();
    let two_hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
    std::fs::File::options()
        .write(true)
        .open(&stale)
        .unwrap()
        .set_modified(two_hours_ago)
        .unwrap();
    let fresh = dir.path().join(".pantry-writing.part");
    std::fs::write(&fresh, b"being written").unwrap();
    let (db, _) = Db::open_in(dir.path(), common::keys()).await.unwrap();
    db.close().await;
    assert!(!stale.exists());
    assert!(fresh.exists());
    other.close().await;
    let (db, _) = Db::open_in(dir.path(), common::keys()).await.unwrap();
    db.close().await;
    assert!(!fresh.exists());
    assert_eq!(dump(dir.path()).await, before);
}

#[tokio::test(flavor = "multi_thread")]
async fn restore_refuses_the_live_database_and_another_pantrys_backup() {
    let dir = tempfile::tempdir().unwrap();
    pantry_with_households(dir.path()).await;
    let other = tempfile::tempdir().unwrap();
    let (db, _) = Db::open_in(other.path(), common::keys()).await.unwrap();
    let form = pantry::settings::SettingsForm {
        name: "Second Pantry".into(),
        short_code: "sec2".into(),
        ..common::hillside_form()
    };
    settings::save(&db, &form, &common::admin()).await.unwrap();
    common::admin_alex(&db).await;
    let theirs = backups::back_up(&db, BackupReason::Manual, &common::admin())
        .await
        .unwrap();
    let their_key = db.key().unwrap().recovery_text();
    db.close().await;
    let before = dump(dir.path()).await;
    let live = db_path(dir.path());
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    let via_dots = dir.path().join("sub/../pantry.sqlite3");
    for (from, why) in [
        (live.clone(), "the pantry's own database"),
        (via_dots, "the pantry's own database"),
        // Another pantry's backup has another key: refused before anything else.
        (
            PathBuf::from(&theirs.file),
            "does not open with this pantry's key",
        ),
    ] {
        let out = pantry(dir.path(), &["restore", from.to_str().unwrap()]);
        assert!(!out.status.success(), "{from:?}");
        assert!(stderr(&out).contains(why), "{}", stderr(&out));
    }
    // With that pantry's recovery key it opens, and is refused as another pantry's.
    let out = common::pantry_with(
        dir.path(),
        Some(("Alex", "3333")),
        &[("PANTRY_RECOVERY_KEY", their_key.as_str())],
        &["restore", "--recovery-key", &theirs.file],
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("another pantry (SEC2)"),
        "{}",
        stderr(&out)
    );
    assert_eq!(dump(dir.path()).await, before);
}

#[tokio::test(flavor = "multi_thread")]
async fn rotation_removes_only_this_pantrys_own_backups() {
    let dir = tempfile::tempdir().unwrap();
    pantry_with_households(dir.path()).await;
    let shared = dir.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    let someone_elses = shared.join("pantry-backup-20200101T000000.000Z-daily.sqlite3");
    std::fs::write(&someone_elses, b"another pantry's backup").unwrap();
    let (db, _) = Db::open_in(dir.path(), common::keys()).await.unwrap();
    backups::save_settings(&db, shared.to_str().unwrap(), "1", &common::admin())
        .await
        .unwrap();
    for _ in 0..3 {
        backups::back_up(&db, BackupReason::Manual, &common::admin())
            .await
            .unwrap();
    }
    db.close().await;
    assert!(
        someone_elses.exists(),
        "a file this pantry did not write is kept"
    );
    assert_eq!(
        backup_files(&shared).len(),
        2,
        "its own newest one, and the other"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_restore_asked_for_twice_runs_once_and_a_damaged_one_is_abandoned() {
    let dir = tempfile::tempdir().unwrap();
    pantry_with_households(dir.path()).await;
    let (db, _) = Db::open_in(dir.path(), common::keys()).await.unwrap();
    let taken = backups::back_up(&db, BackupReason::Manual, &common::admin())
        .await
        .unwrap();
    register(&db, "Hodan Kowalski").await;
    db.close().await;
    let from = Path::new(&taken.file);
    let request = RestoreRequest::new(from, &common::named("Alex", pantry::access::Role::Admin));
    let first = backups::restore(&db_path(dir.path()), from, &request, common::keys(), None)
        .await
        .unwrap();
    // Pantry stopped before it tidied up, and the same restore is asked for again.
    let again = backups::restore(&db_path(dir.path()), from, &request, common::keys(), None)
        .await
        .unwrap();
    assert_eq!(first, again);
    let (db, _) = Db::open_in(dir.path(), common::keys()).await.unwrap();
    assert_eq!(common::count(&db, "restores").await, 1);
    // A chosen restore whose copy was damaged: abandoned, the database left as it is.
    backups::stage_restore(&db, from, None, &common::admin())
        .await
        .unwrap();
    assert!(backups::status(&db, &common::admin())
        .await
        .unwrap()
        .pending_restore
        .is_some());
    db.close().await;
    let pending = dir.path().join("pantry-restore-pending.sqlite3");
    std::fs::write(&pending, b"half a file").unwrap();
    let before = dump(dir.path()).await;
    let err = backups::finish_pending_restore(&db_path(dir.path()), common::keys())
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("not a sound Pantry database"),
        "{err}"
    );
    assert!(!pending.exists());
    assert_eq!(dump(dir.path()).await, before);
    let (db, _) = Db::open_in(dir.path(), common::keys()).await.unwrap();
    assert!(backups::status(&db, &common::admin())
        .await
        .unwrap()
        .pending_restore
        .is_none());
    db.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pipe_as_the_output_is_refused_without_waiting_on_it() {
    let dir = tempfile::tempdir().unwrap();
    pantry_with_households(dir.path()).await;
    let fifo = dir.path().join("out.csv");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let out = pantry(
        dir.path(),
        &[
            "report",
            "--period",
            &common::this_month(),
            "--force",
            "--out",
            fifo.to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("not an ordinary file"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn restore_is_refused_while_another_pantry_process_writes() {
    let dir = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(pantry_with_households(dir.path()));
    assert!(pantry(dir.path(), &["backup"]).status.success());
    let backup = backup_files(&dir.path().join("backups")).remove(0);

    let mut writer = common::exercise_counter(dir.path(), 100_000, "Alex", "3333")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(writer.stdout.take().unwrap()));
    // Wait for the writer's first acknowledged visit.
    let first = lines.next().unwrap().unwrap();
    let refused = pantry(dir.path(), &["restore", backup.to_str().unwrap()]);
    let mut acknowledged = vec![first];
    writer.kill().unwrap();
    writer.wait().unwrap();
    acknowledged.extend(lines.map_while(std::result::Result::ok));
    assert!(
        !refused.status.success(),
        "restore must not run under a writer"
    );
    assert!(
        stderr(&refused).contains("open in another window, or a pantry command is running"),
        "{}",
        stderr(&refused)
    );
    rt.block_on(async {
        let (db, _) = Db::open_in(dir.path(), common::keys()).await.unwrap();
        for id in &acknowledged {
            let found: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM visits WHERE id = ?")
                .bind(id.parse::<i64>().unwrap())
                .fetch_one(db.pool().unwrap())
                .await
                .unwrap();
            assert_eq!(found, 1, "acknowledged visit {id} is kept");
        }
        db.close().await;
    });
}

#[tokio::test(flavor = "multi_thread")]
async fn a_database_from_a_newer_pantry_is_refused_without_changing_a_byte() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(dir.path());
    {
        let (db, _) = Db::open(&path, common::keys()).await.unwrap();
        common::mark_as_newer(&db).await;
        db.close().await;
        // As a newer Pantry (or another tool) might leave it: a rollback-journal file.
        let options =
            common::raw_options(&path).journal_mode(sqlx::sqlite::SqliteJournalMode::Delete);
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .unwrap();
        pool.close().await;
    }
    // The file is encrypted, so its header says nothing: ask SQLite (read-only) instead.
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(common::raw_options(&path).read_only(true))
        .await
        .unwrap();
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    assert_eq!(mode, "delete", "a rollback-journal file");
    let bytes = std::fs::read(&path).unwrap();
    let out = pantry(dir.path(), &["init"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("newer version of Pantry"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&path).unwrap(), bytes, "not a byte changed");
    assert!(!PathBuf::from(format!("{}-wal", path.display())).exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn numbers_are_never_used_up_by_an_imported_number() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = Db::open_in(dir.path(), common::keys()).await.unwrap();
    settings::save(&db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    common::admin_alex(&db).await;
    let last = pantry::membership::number_for_serial(pantry::membership::MAX_SERIAL).unwrap();
    let csv = dir.path().join("members.csv");
    std::fs::write(
        &csv,
        format!(
            "Name,Postcode,Membership number\nIda Last,OL1 3BQ,{last}\nZero Person,OL1 3BQ,00000000\n"
        ),
    )
    .unwrap();
    db.close().await;
    let out = pantry(
        dir.path(),
        &["import", "members", csv.to_str().unwrap(), "--skip-bad"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("00000000 is reserved"),
        "{}",
        stdout(&out)
    );

    let (db, _) = Db::open_in(dir.path(), common::keys()).await.unwrap();
    assert_eq!(common::count(&db, "households").await, 1);
    let next = register(&db, "Amelia Smith").await;
    assert_eq!(
        next.membership_number,
        pantry::membership::number_for_serial(1).unwrap()
    );
    let after = register(&db, "Zoë Öztürk").await;
    assert_eq!(
        after.membership_number,
        pantry::membership::number_for_serial(2).unwrap()
    );
    let page = members::page(&db, after.id, &common::admin())
        .await
        .unwrap();
    assert_eq!(page.cards.len(), 1, "every household has its card");
    let zero = HouseholdForm {
        membership_number: "00000000".into(),
        ..form("Nobody Zero")
    };
    let Err(Error::Validation(fields)) =
        members::register(&db, &zero, None, &common::admin()).await
    else {
        panic!("the all-zero number is refused")
    };
    assert_eq!(fields[0].field, "membershipNumber");
    db.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn control_characters_are_refused_at_input_and_escaped_on_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = Db::open_in(dir.path(), common::keys()).await.unwrap();
    settings::save(&db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    common::admin_alex(&db).await;
    let Err(Error::Validation(fields)) =
        members::register(&db, &form("Amelia\u{1b}[2J Smith"), None, &common::admin()).await
    else {
        panic!("an escape sequence in a name is refused")
    };
    assert_eq!(fields[0].field, "leadName");
    assert!(fields[0].message.contains("escape character"), "{fields:?}");
    let notes = HouseholdForm {
        notes: "Prefers mornings.\nUses a walking frame.".into(),
        ..form("Amelia Smith")
    };
    members::register(&db, &notes, None, &common::admin())
        .await
        .unwrap();
    db.close().await;
    let before = dump(dir.path()).await;

    let csv = dir.path().join("members.csv");
    std::fs::write(
        &csv,
        "Name,Postcode\nGood Name,OL1 3BQ\n\"Bad\u{0}Name\",OL1 3BQ\n",
    )
    .unwrap();
    let out = pantry(dir.path(), &["import", "members", csv.to_str().unwrap()]);
    assert!(!out.status.success());
    let text = stdout(&out);
    assert!(
        text.contains("line 3, column \"Name\"") && text.contains("NUL"),
        "{text}"
    );
    assert!(!text.contains('\0'));
    assert_eq!(dump(dir.path()).await, before, "nothing imported");

    // A name that reached the database another way is escaped on the terminal.
    let evil = dir.path().join("evil\u{1b}[2J.pdf");
    let out = pantry(
        dir.path(),
        &[
            "report",
            "--period",
            &common::this_month(),
            "--out",
            evil.to_str().unwrap(),
        ],
    );
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(!all.contains('\u{1b}'), "{all:?}");
    assert!(all.contains("\\u{1b}"), "{all:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_data_on_a_set_up_pantry_says_plainly_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = Db::open_in(dir.path(), common::keys()).await.unwrap();
    settings::save(&db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    pantry::volunteers::create_first_admin(&db, &common::first_admin("Alex", "3333"))
        .await
        .unwrap();
    db.close().await;
    let before = dump(dir.path()).await;
    let out = pantry(dir.path(), &["demo-data", "--households", "10"]);
    assert!(!out.status.success());
    assert!(!stderr(&out).contains("UNIQUE"), "{}", stderr(&out));
    assert!(stderr(&out).contains("--data-dir"), "{}", stderr(&out));
    assert_eq!(dump(dir.path()).await, before);
}

/// A demo pantry stopped half-made (a terminal closed, a process killed) leaves the database
/// empty, as it was: the command simply runs again.
#[tokio::test(flavor = "multi_thread")]
async fn a_demo_pantry_stopped_half_made_can_be_made_again() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_pantry"))
        .env("PANTRY_KEY_DIR", common::key_dir())
        .arg("--data-dir")
        .arg(dir.path())
        .args(["demo-data", "--households", "50000"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Killed once it is writing households into its staged copy.
    let writing = || {
        std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .any(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.starts_with(".pantry-")
                    && name.ends_with("-wal")
                    && e.metadata().is_ok_and(|m| m.len() > 1_000_000)
            })
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while !writing() {
        assert!(std::time::Instant::now() < deadline, "the demo never began");
        assert!(child.try_wait().unwrap().is_none(), "the demo ended early");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();

    let out = common::pantry_as(
        dir.path(),
        None,
        &["demo-data", "--households", "30", "--weeks", "1"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let (db, _) = Db::open_in(dir.path(), common::keys()).await.unwrap();
    assert_eq!(common::count(&db, "households").await, 30);
    db.close().await;
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".pantry-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn faults_get_a_clear_message_and_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    pantry_with_households(dir.path()).await;
    let (db, _) = Db::open_in(dir.path(), common::keys()).await.unwrap();
    let usb = dir.path().join("usb");
    std::fs::create_dir(&usb).unwrap();
    backups::save_settings(&db, usb.to_str().unwrap(), "14", &common::admin())
        .await
        .unwrap();
    db.close().await;
    // The stick is pulled out.
    std::fs::remove_dir(&usb).unwrap();
    let before = dump(dir.path()).await;
    let out = pantry(dir.path(), &["backup"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("Is the USB stick plugged in?"),
        "{}",
        stderr(&out)
    );
    assert!(!usb.exists(), "no folder is made on the laptop's own disk");
    assert_eq!(dump(dir.path()).await, before);

    // A full disk: the file-size limit stops the write half-way (the limit is above what
    // opening the database writes, below the size of a report with charts).
    let out_file = dir.path().join("report.pdf");
    let out = Command::new("bash")
        .arg("-c")
        .arg(r#"trap '' XFSZ; ulimit -f 33; exec "$@""#)
        .arg("bash")
        .arg(env!("CARGO_BIN_EXE_pantry"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["report", "--period", &common::this_month(), "--out"])
        .arg(&out_file)
        .env_remove("PANTRY_DATA_DIR")
        .env("PANTRY_KEY_DIR", common::key_dir())
        .env("PANTRY_VOLUNTEER", "Alex")
        .env("PANTRY_PIN", "3333")
        .output()
        .unwrap();
    assert!(
        stderr(&out).contains("the disk is full"),
        "{}",
        stderr(&out)
    );
    assert!(!out.status.success());
    assert!(!out_file.exists(), "no half-written file");
    let parts: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".part"))
        .collect();
    assert!(parts.is_empty(), "{parts:?}");
    assert_eq!(dump(dir.path()).await, before, "no export recorded");
}
