//! The `pantry` command line, run as a real process against real files.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::Command;

use common::{pantry, stderr, stdout};

#[test]
fn help_documents_every_command() {
    let out = Command::new(env!("CARGO_BIN_EXE_pantry"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success());
    let help = stdout(&out);
    for word in [
        "init",
        "demo-data",
        "backup",
        "restore",
        "report",
        "rollup",
        "export-database",
        "unlock",
        "--data-dir",
        "PANTRY_DATA_DIR",
    ] {
        assert!(help.contains(word), "--help mentions {word}:\n{help}");
    }
    let demo = Command::new(env!("CARGO_BIN_EXE_pantry"))
        .args(["demo-data", "--help"])
        .output()
        .unwrap();
    for word in ["--households", "--weeks", "--seed", "--until"] {
        assert!(
            stdout(&demo).contains(word),
            "demo-data --help mentions {word}"
        );
    }
}

#[test]
fn init_creates_the_database_in_the_chosen_directory() {
    let dir = tempfile::tempdir().unwrap();
    let out = pantry(dir.path(), &["init"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(dir.path().join("pantry.sqlite3").exists());
    assert!(stdout(&out).contains("first-run setup"));
}

#[test]
fn the_environment_variable_chooses_the_directory_too() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_pantry"))
        .arg("init")
        .env("PANTRY_DATA_DIR", dir.path())
        .env("PANTRY_KEY_DIR", common::key_dir())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(dir.path().join("pantry.sqlite3").exists());
}

/// Two laptops sharing one data folder through Dropbox, OneDrive or a folder another sync
/// service keeps would corrupt the database: the command line refuses to make or open it
/// there, names the server instead, and writes nothing; a backup may still go there.
#[test]
fn a_data_folder_that_a_sync_service_keeps_is_refused() {
    let home = tempfile::tempdir().unwrap();
    for (synced, named) in [
        (home.path().join("Dropbox").join("Pantry"), "Dropbox syncs"),
        (
            home.path().join("OneDrive - Hillside").join("Pantry"),
            "OneDrive - Hillside syncs",
        ),
    ] {
        let out = pantry(&synced, &["init"]);
        assert!(!out.status.success());
        let said = stderr(&out);
        assert!(
            said.contains(named) && said.contains("pantry's server"),
            "{said}"
        );
        assert!(!synced.exists(), "the refused folder was made");
    }
    // Found by the marker Syncthing leaves at the top of the folder it syncs.
    let shared = home.path().join("Shared");
    std::fs::create_dir_all(&shared).unwrap();
    std::fs::write(shared.join(".stfolder"), "").unwrap();
    let out = pantry(&shared.join("Pantry"), &["init"]);
    assert!(stderr(&out).contains(".stfolder"), "{}", stderr(&out));
    assert!(!shared.join("Pantry").exists());
    // A pantry on this laptop backs up into the synced folder.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (dir, db) = rt.block_on(common::hillside_with_alex());
    rt.block_on(db.close());
    let backup = home.path().join("Dropbox").join("pantry-backup.sqlite3");
    std::fs::create_dir_all(backup.parent().unwrap()).unwrap();
    let out = common::pantry_as(
        dir.path(),
        Some(("Alex", "3333")),
        &["backup", "--out", backup.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(backup.exists());
}

/// Every row of the demo tables, in order, as text: equal text means equal data.
fn dump(dir: &Path) -> String {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let (db, _) = pantry::Db::open_in(dir, common::keys()).await.unwrap();
        let mut text = String::new();
        for sql in [
            "SELECT membership_number || lead_name || adults || children || postcode || neighbourhood_id \
             || landlord_tenant || joined_on || expires_on || status FROM households ORDER BY id",
            "SELECT household_id || at || local_date || items || fee_pence || fee_method || volunteer FROM visits ORDER BY id",
            "SELECT reference || household_id || agency_id || reason || made_at || COALESCE(contacted_at, '') \
             || COALESCE(outcome, '') FROM referrals ORDER BY id",
            "SELECT household_id || local_date FROM membership_events WHERE kind = 'renewed' ORDER BY id",
            "SELECT local_date || source FROM deliveries ORDER BY id",
        ] {
            let rows: Vec<String> = sqlx::query_scalar(sql).fetch_all(db.pool().unwrap()).await.unwrap();
            text.push_str(&rows.join("\n"));
        }
        db.close().await;
        text
    })
}

#[test]
fn demo_data_is_deterministic_realistic_and_only_goes_into_an_empty_pantry() {
    let args = [
        "demo-data",
        "--households",
        "300",
        "--weeks",
        "8",
        "--seed",
        "42",
        "--until",
        "2026-11-21",
    ];
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let out = pantry(a.path(), &args);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Generated 300 households"),
        "{}",
        stdout(&out)
    );
    assert!(pantry(b.path(), &args).status.success());
    let first = dump(a.path());
    assert_eq!(first, dump(b.path()), "same seed, same data");

    assert!(!first.is_ascii(), "names of many origins, with accents");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let (db, _) = pantry::Db::open_in(a.path(), common::keys()).await.unwrap();
        let numbers: Vec<String> = sqlx::query_scalar("SELECT membership_number FROM households")
            .fetch_all(db.pool().unwrap())
            .await
            .unwrap();
        assert!(numbers.iter().all(|n| pantry::membership::is_valid_number(n)));
        let areas: i64 = sqlx::query_scalar("SELECT COUNT(DISTINCT neighbourhood_id) FROM households")
            .fetch_one(db.pool().unwrap())
            .await
            .unwrap();
        assert!(areas >= 5, "households across neighbourhoods");
        let postcode_ok: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM households WHERE postcode GLOB '[A-Z][A-Z][0-9] [0-9][A-Z][A-Z]'",
        )
        .fetch_one(db.pool().unwrap())
        .await
        .unwrap();
        assert_eq!(postcode_ok, 300, "UK-style postcodes");
        let outside: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM visits WHERE local_date > '2026-11-21' OR local_date < '2026-09-26'",
        )
        .fetch_one(db.pool().unwrap())
        .await
        .unwrap();
        assert_eq!(outside, 0, "visits fall within the weeks asked for");
        let twice_a_week: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM (SELECT household_id, strftime('%W', local_date) w FROM visits
             GROUP BY household_id, w HAVING COUNT(*) > 1)",
        )
        .fetch_one(db.pool().unwrap())
        .await
        .unwrap();
        assert_eq!(twice_a_week, 0, "one visit a week at most");

        // Every screen has something to show: the agency directory, referrals in every
        // state across the period, renewals and deliveries from the first weeks to the last.
        let scalar = |sql: &'static str| {
            let pool = db.pool().unwrap().clone();
            async move { sqlx::query_scalar::<_, i64>(sql).fetch_one(&pool).await.unwrap() }
        };
        assert_eq!(scalar("SELECT COUNT(DISTINCT kind) FROM agencies").await, 5);
        assert!(scalar("SELECT COUNT(*) FROM referrals").await >= 20);
        assert!(scalar("SELECT COUNT(*) FROM referrals WHERE contacted_at IS NULL AND outcome IS NULL").await > 0, "made");
        assert!(scalar("SELECT COUNT(*) FROM referrals WHERE contacted_at IS NOT NULL AND outcome IS NULL").await > 0, "contacted");
        assert!(scalar("SELECT COUNT(DISTINCT outcome) FROM referrals").await >= 5, "outcomes of many kinds");
        assert!(scalar("SELECT COUNT(*) FROM referrals WHERE made_on < '2026-10-10'").await > 0, "early referrals");
        assert!(scalar("SELECT COUNT(*) FROM referrals WHERE made_on > '2026-11-07'").await > 0, "recent referrals");
        assert_eq!(
            scalar("SELECT COUNT(*) FROM referrals r JOIN visits v ON v.household_id = r.household_id AND v.local_date = r.made_on").await,
            scalar("SELECT COUNT(*) FROM referrals").await,
            "each referral made at a visit"
        );
        assert!(scalar("SELECT COUNT(*) FROM membership_events WHERE kind = 'renewed'").await > 0, "renewals");
        assert!(scalar("SELECT COUNT(*) FROM deliveries WHERE local_date < '2026-10-03'").await > 0, "deliveries in the first week");
        assert!(scalar("SELECT COUNT(*) FROM deliveries WHERE local_date > '2026-11-14'").await > 0, "deliveries in the last week");
        assert_eq!(
            scalar("SELECT COUNT(*) FROM (SELECT batch_id FROM stock_movements GROUP BY batch_id HAVING SUM(quantity) < 0)").await,
            0,
            "no batch goes below nothing"
        );
        db.close().await;
    });

    let again = pantry(a.path(), &args);
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains("only goes into an empty pantry"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn backup_writes_a_checked_copy() {
    let dir = tempfile::tempdir().unwrap();
    assert!(pantry(
        dir.path(),
        &["demo-data", "--households", "2", "--weeks", "1"]
    )
    .status
    .success());
    let out_file = dir.path().join("copy.sqlite3");
    let out = pantry(dir.path(), &["backup", "--out", out_file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out_file.exists());
    let refused = pantry(dir.path(), &["backup", "--out", out_file.to_str().unwrap()]);
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("never writes over"),
        "{}",
        stderr(&refused)
    );

    let default = pantry(dir.path(), &["backup"]);
    assert!(default.status.success(), "{}", stderr(&default));
    assert_eq!(
        std::fs::read_dir(dir.path().join("backups"))
            .unwrap()
            .count(),
        1
    );
}

#[test]
fn a_database_from_a_newer_pantry_is_refused_by_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    assert!(pantry(dir.path(), &["init"]).status.success());
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let (db, _) = pantry::Db::open_in(dir.path(), common::keys())
            .await
            .unwrap();
        common::mark_as_newer(&db).await;
        db.close().await;
    });
    let out = pantry(dir.path(), &["init"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("newer version of Pantry"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn import_members_checks_first_and_imports_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    assert!(pantry(
        dir.path(),
        &["demo-data", "--households", "3", "--weeks", "1"]
    )
    .status
    .success());
    let file = dir.path().join("members.csv");
    std::fs::write(&file, "Name,Postcode\nAmelia Smith,OL1 3BQ\nNo Postcode,\n").unwrap();
    let file = file.to_str().unwrap();

    let dry = pantry(dir.path(), &["import", "members", file, "--dry-run"]);
    assert!(dry.status.success(), "{}", stderr(&dry));
    assert!(
        stdout(&dry).contains("line 3, column \"Postcode\""),
        "{}",
        stdout(&dry)
    );
    assert!(stdout(&dry).contains("Dry run: nothing was imported."));

    let refused = pantry(dir.path(), &["import", "members", file]);
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("--skip-bad"),
        "{}",
        stderr(&refused)
    );

    let done = pantry(dir.path(), &["import", "members", file, "--skip-bad"]);
    assert!(done.status.success(), "{}", stderr(&done));
    assert!(
        stdout(&done).contains("Imported 1 households"),
        "{}",
        stdout(&done)
    );
    let again = pantry(dir.path(), &["import", "members", file, "--skip-bad"]);
    assert!(
        stdout(&again).contains("1 already registered"),
        "{}",
        stdout(&again)
    );
}

#[test]
fn retention_dry_run_lists_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    // Demo visits end long ago, so every household is past a 24-month retention period.
    let args = [
        "demo-data",
        "--households",
        "5",
        "--weeks",
        "2",
        "--until",
        "2020-01-31",
    ];
    assert!(pantry(dir.path(), &args).status.success());
    let dry = pantry(dir.path(), &["retention", "--dry-run"]);
    assert!(dry.status.success(), "{}", stderr(&dry));
    assert!(
        stdout(&dry).contains("5 households have had no visit since"),
        "{}",
        stdout(&dry)
    );
    let again = pantry(dir.path(), &["retention", "--dry-run"]);
    assert!(
        stdout(&again).contains("5 households"),
        "the dry run changed nothing"
    );
    let applied = pantry(dir.path(), &["retention"]);
    assert!(
        stdout(&applied).contains("Anonymised 5 households."),
        "{}",
        stdout(&applied)
    );
}

#[test]
fn print_cards_writes_a_pdf_for_unprinted_cards_or_one_household() {
    let dir = tempfile::tempdir().unwrap();
    assert!(pantry(
        dir.path(),
        &["demo-data", "--households", "2", "--weeks", "1"]
    )
    .status
    .success());
    let file = dir.path().join("new.csv");
    std::fs::write(&file, "Name,Postcode,Consent\nAmelia Smith,OL1 3BQ,yes\n").unwrap();
    assert!(
        pantry(dir.path(), &["import", "members", file.to_str().unwrap()])
            .status
            .success()
    );

    let sheet = dir.path().join("sheet.pdf");
    let out = pantry(
        dir.path(),
        &[
            "print",
            "cards",
            "--all-unprinted",
            "--out",
            sheet.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Wrote 1 card(s)"), "{}", stdout(&out));
    assert!(std::fs::read(&sheet).unwrap().starts_with(b"%PDF"));
    let none_left = pantry(
        dir.path(),
        &[
            "print",
            "cards",
            "--all-unprinted",
            "--out",
            sheet.to_str().unwrap(),
        ],
    );
    assert!(!none_left.status.success());
    assert!(stderr(&none_left).contains("printed already"));

    let single = dir.path().join("one.pdf");
    let number = pantry::membership::number_for_serial(1).unwrap();
    let out = pantry(
        dir.path(),
        &[
            "print",
            "cards",
            "--household",
            &number,
            "--out",
            single.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let missing = pantry(
        dir.path(),
        &["print", "cards", "--out", single.to_str().unwrap()],
    );
    assert!(
        !missing.status.success(),
        "--all-unprinted or --household is required"
    );
}

#[test]
fn import_stock_checks_first_and_report_and_rollup_write_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let out = pantry(
        dir.path(),
        &[
            "demo-data",
            "--households",
            "40",
            "--weeks",
            "8",
            "--until",
            "2026-11-21",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let csv = dir.path().join("opening.csv");
    std::fs::write(
        &csv,
        "Name,Category,Unit,Quantity,Use by\nCocoa,Drinks,tin,12,\nBad,Drinks,tin,many,\n",
    )
    .unwrap();
    let out = pantry(
        dir.path(),
        &["import", "stock", csv.to_str().unwrap(), "--dry-run"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("line 3, column \"Quantity\""),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("Dry run: nothing was imported."));
    let out = pantry(dir.path(), &["import", "stock", csv.to_str().unwrap()]);
    assert!(!out.status.success());
    let out = pantry(
        dir.path(),
        &["import", "stock", csv.to_str().unwrap(), "--skip-bad"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Opening stock imported."));

    for format in ["csv", "xlsx", "pdf", "json"] {
        let file = dir.path().join(format!("october.{format}"));
        let out = pantry(
            dir.path(),
            &[
                "report",
                "--period",
                "2026-10",
                "--format",
                format,
                "--out",
                file.to_str().unwrap(),
            ],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(std::fs::metadata(&file).unwrap().len() > 0);
    }
    let out = pantry(
        dir.path(),
        &[
            "report",
            "--period",
            "October",
            "--out",
            dir.path().join("x.csv").to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("2026-10 (a month)"),
        "{}",
        stderr(&out)
    );

    let json = dir.path().join("october.json");
    let rollup = dir.path().join("rollup.pdf");
    let out = pantry(
        dir.path(),
        &[
            "rollup",
            json.to_str().unwrap(),
            "--out",
            rollup.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("counted once per pantry"));
    let out = pantry(
        dir.path(),
        &[
            "rollup",
            json.to_str().unwrap(),
            json.to_str().unwrap(),
            "--out",
            rollup.to_str().unwrap(),
        ],
    );
    assert!(!out.status.success(), "the same pantry twice is refused");
}

#[test]
fn commands_that_touch_personal_data_need_a_signed_in_volunteer_with_the_right_role() {
    let dir = tempfile::tempdir().unwrap();
    let demo = pantry(
        dir.path(),
        &["demo-data", "--households", "5", "--weeks", "1"],
    );
    assert!(demo.status.success(), "{}", stderr(&demo));
    let csv = dir.path().join("new.csv");
    std::fs::write(&csv, "Name,Postcode,Consent\nNew Person,OL1 2AB,yes\n").unwrap();
    let csv = csv.to_str().unwrap();
    let out = dir.path().join("out");
    let out = out.to_str().unwrap();
    let commands: &[&[&str]] = &[
        &["report", "--period", "2026-10", "--out", out],
        &["import", "members", csv],
        &["retention", "--dry-run"],
        &["subject-access", "00000017"],
        &["print", "cards", "--all-unprinted", "--out", out],
        &["backup"],
        &["restore", out],
        &["export-database", "--out", out],
        &["print", "recovery-sheet", "--out", out],
    ];
    for (n, args) in commands.iter().enumerate() {
        // Nobody signed in: refused, saying how to sign in; nothing was written.
        let refused = common::pantry_as(dir.path(), None, args);
        assert!(!refused.status.success(), "{args:?}");
        assert!(
            stderr(&refused).contains("--volunteer NAME"),
            "{args:?}: {}",
            stderr(&refused)
        );
        // A wrong PIN is refused (and counts towards the lock-out). Three of them: more
        // would slow every sign-in at this pantry down (tests/roles.rs shows it).
        if n < 3 {
            let wrong = common::pantry_as(dir.path(), Some(("Alex", "9999")), args);
            assert!(!wrong.status.success(), "{args:?}");
            assert!(stderr(&wrong).contains("not right"), "{}", stderr(&wrong));
        }
        assert!(!std::path::Path::new(out).exists(), "{args:?}");
    }
    // A counter volunteer may not import members, anonymise or restore: the library says so.
    for args in [&commands[1], &commands[6]] {
        let counter = common::pantry_as(dir.path(), Some(("Sam", "1111")), args);
        assert!(!counter.status.success(), "{args:?}");
        assert!(
            stderr(&counter).contains("needs a"),
            "{args:?}: {}",
            stderr(&counter)
        );
    }
    // The plain copy and the recovery key are an admin's alone.
    for args in [&commands[7], &commands[8]] {
        let manager = common::pantry_as(dir.path(), Some(("Pat", "2222")), args);
        assert!(!manager.status.success(), "{args:?}");
        assert!(
            stderr(&manager).contains("needs an admin"),
            "{args:?}: {}",
            stderr(&manager)
        );
        assert!(!std::path::Path::new(out).exists(), "{args:?}");
    }
    // Signed in with the right role, the audit trail names the volunteer.
    let pat = common::pantry_as(
        dir.path(),
        Some(("Pat", "2222")),
        &["import", "members", csv],
    );
    assert!(pat.status.success(), "{}", stderr(&pat));
    let trail = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let (db, _) = pantry::Db::open_in(dir.path(), common::keys())
            .await
            .unwrap();
        let names: Vec<String> =
            sqlx::query_scalar("SELECT actor FROM audit_log WHERE action = 'households.imported'")
                .fetch_all(db.pool().unwrap())
                .await
                .unwrap();
        db.close().await;
        names
    });
    assert_eq!(trail, ["Pat"]);
}

#[test]
fn erase_and_subject_access_work_for_a_signed_in_manager_and_not_a_counter_volunteer() {
    let dir = tempfile::tempdir().unwrap();
    let demo = pantry(
        dir.path(),
        &["demo-data", "--households", "5", "--weeks", "1"],
    );
    assert!(demo.status.success(), "{}", stderr(&demo));
    let pat = Some(("Pat", "2222"));
    let sam = Some(("Sam", "1111"));
    for args in [
        &["subject-access", "00000018"][..],
        &["erase", "00000018", "--reason", "asked"][..],
    ] {
        let refused = common::pantry_as(dir.path(), sam, args);
        assert!(!refused.status.success(), "{args:?}");
        assert!(stderr(&refused).contains("needs a"), "{}", stderr(&refused));
    }
    let access = common::pantry_as(dir.path(), pat, &["subject-access", "00000018"]);
    assert!(access.status.success(), "{}", stderr(&access));
    assert_eq!(
        stdout(&access).matches("Wrote ").count(),
        2,
        "{}",
        stdout(&access)
    );
    let erased = common::pantry_as(
        dir.path(),
        pat,
        &["erase", "00000018", "--reason", "the member asked"],
    );
    assert!(erased.status.success(), "{}", stderr(&erased));
    let said = stdout(&erased);
    assert!(
        said.starts_with("Household 00000018: Personal details erased. 2 files"),
        "{said}"
    );
    assert_eq!(said.matches("Deleted ").count(), 2, "both exports: {said}");
    assert!(std::fs::read_dir(dir.path().join("exports"))
        .unwrap()
        .next()
        .is_none());
    // The number is gone with the rest: it finds nobody now.
    let again = common::pantry_as(dir.path(), pat, &["erase", "00000018", "--reason", "x"]);
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains("No household has"),
        "{}",
        stderr(&again)
    );
}
