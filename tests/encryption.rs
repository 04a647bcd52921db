//! Encryption at rest, tried as a motivated intruder and a careless user would: the database,
//! its WAL and every backup are unreadable without the key (to `sqlite3` too); a backup
//! restores on a "new laptop" (an empty key store) with the recovery key and is refused
//! without it; a plain database from an earlier Pantry is encrypted on upgrade and leaves no
//! plain copy; the plain export is for admins only; the audit trail's hash chain shows an
//! edited, removed or slipped-in entry.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use pantry::access::Role;
use pantry::audit::chain;
use pantry::backups::{self, BackupReason, RestoreRequest};
use pantry::keys::{DatabaseKey, KeyStore};
use pantry::members;
use pantry::output::{Destination, Existing};
use pantry::{households, settings, Db, Error};

const PLAIN_HEADER: &[u8] = b"SQLite format 3\0";

fn starts_plain(path: &Path) -> bool {
    std::fs::read(path).unwrap().starts_with(PLAIN_HEADER)
}

/// What the standard `sqlite3` tool makes of a file: its output, or its error.
fn sqlite3(path: &Path, sql: &str) -> Result<String, String> {
    let out = Command::new("sqlite3").arg(path).arg(sql).output().unwrap();
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

async fn pantry_with_a_member(db: &Db) {
    settings::save(db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    members::register(
        db,
        &common::household("Zebulon Quixworth"),
        None,
        &common::admin(),
    )
    .await
    .unwrap();
}

/// Every file a byte search of the data folder would find the name in.
fn files_holding(dir: &Path, needle: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if common::holds(
                &std::fs::read(&path)
                    // A side file (journal, WAL) gone since the folder was listed holds nothing.
                    .or_else(|e| match e.kind() {
                        std::io::ErrorKind::NotFound => Ok(Vec::new()),
                        _ => Err(e),
                    })
                    .unwrap(),
                needle,
            ) {
                found.push(path.display().to_string());
            }
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread")]
async fn the_database_its_wal_and_backups_reveal_nothing_without_the_key() {
    let (dir, db) = common::fresh_db().await;
    pantry_with_a_member(&db).await;
    // While open, the WAL holds the latest pages: encrypted too.
    let wal = dir.path().join("pantry.sqlite3-wal");
    assert!(wal.exists());
    assert_eq!(
        files_holding(dir.path(), b"Quixworth"),
        Vec::<String>::new()
    );
    let backup = backups::back_up(&db, BackupReason::Manual, &common::admin())
        .await
        .unwrap();
    db.close().await;
    for file in [
        dir.path().join("pantry.sqlite3"),
        backup.file.clone().into(),
    ] {
        assert!(!starts_plain(&file), "{} is plain SQLite", file.display());
        let err = sqlite3(&file, "SELECT lead_name FROM households").unwrap_err();
        assert!(err.contains("not a database"), "{err}");
    }
    assert_eq!(
        files_holding(dir.path(), b"Quixworth"),
        Vec::<String>::new()
    );
    assert_eq!(files_holding(dir.path(), b"OL1 3BQ"), Vec::<String>::new());

    // With the key it is the pantry's database as ever.
    let (db, _) = Db::open_in(dir.path(), common::keys()).await.unwrap();
    assert_eq!(common::count(&db, "households").await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_backup_restores_on_a_new_laptop_with_the_recovery_key_only() {
    let (old_dir, old) = common::fresh_db().await;
    pantry_with_a_member(&old).await;
    let backup = backups::back_up(&old, BackupReason::Manual, &common::admin())
        .await
        .unwrap();
    let recovery = old.key().unwrap().recovery_text();
    old.close().await;
    // The USB stick goes to the new laptop; the old one (and its key store) is gone.
    let stick = tempfile::tempdir().unwrap();
    let on_stick = stick.path().join("pantry-backup-copy.sqlite3");
    std::fs::copy(&backup.file, &on_stick).unwrap();
    drop(old_dir);

    let laptop = tempfile::tempdir().unwrap();
    let new_keys = KeyStore::Folder(laptop.path().join("keys"));
    let data = laptop.path().join("data");
    let (db, _) = Db::open_in(&data, &new_keys).await.unwrap();
    settings::save(&db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    let db_path = db.path().to_owned();
    db.close().await;

    let request = RestoreRequest::new(&on_stick, &common::admin());
    let Error::KeyNeeded(message) =
        backups::restore(&db_path, &on_stick, &request, &new_keys, None)
            .await
            .unwrap_err()
    else {
        panic!("refused for want of the recovery key");
    };
    assert!(message.contains("recovery key"), "{message}");
    let wrong = DatabaseKey::generate();
    let Error::Validation(fields) =
        backups::restore(&db_path, &on_stick, &request, &new_keys, Some(&wrong))
            .await
            .unwrap_err()
    else {
        panic!("a wrong recovery key is named as such");
    };
    assert_eq!(fields[0].field, "recoveryKey");
    // Nothing changed so far: the new laptop's pantry is still empty.
    let (db, _) = Db::open(&db_path, &new_keys).await.unwrap();
    assert_eq!(common::count(&db, "households").await, 0);
    db.close().await;

    let typed = DatabaseKey::from_recovery_text(&recovery.to_lowercase()).unwrap();
    backups::restore(&db_path, &on_stick, &request, &new_keys, Some(&typed))
        .await
        .unwrap();
    // The restored database opens with the new laptop's own key.
    let (db, _) = Db::open(&db_path, &new_keys).await.unwrap();
    assert_eq!(common::count(&db, "households").await, 1);
    assert!(!starts_plain(&db_path));
    assert_eq!(chain::verify(&db).await.unwrap().broken, None);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_moved_data_folder_opens_again_with_the_recovery_key() {
    let (dir, db) = common::fresh_db().await;
    pantry_with_a_member(&db).await;
    let recovery = db.key().unwrap().recovery_text();
    db.close().await;
    let moved = tempfile::tempdir().unwrap();
    std::fs::copy(
        dir.path().join("pantry.sqlite3"),
        moved.path().join("pantry.sqlite3"),
    )
    .unwrap();
    let err = Db::open_in(moved.path(), common::keys()).await.unwrap_err();
    assert!(matches!(err, Error::KeyNeeded(_)), "{err}");
    // A wrong key is refused and not kept.
    let path = moved.path().join("pantry.sqlite3");
    let wrong = DatabaseKey::generate();
    assert!(pantry::db::unlock_with(&path, &wrong, common::keys())
        .await
        .is_err());
    assert!(Db::open_in(moved.path(), common::keys()).await.is_err());
    let key = DatabaseKey::from_recovery_text(&recovery).unwrap();
    pantry::db::unlock_with(&path, &key, common::keys())
        .await
        .unwrap();
    let (db, _) = Db::open_in(moved.path(), common::keys()).await.unwrap();
    assert_eq!(common::count(&db, "households").await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_plain_database_from_an_earlier_pantry_is_encrypted_with_its_copies() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pantry.sqlite3");
    {
        let (db, _) = Db::open_unencrypted(&path).await.unwrap();
        pantry_with_a_member(&db).await;
        db.close().await;
    }
    // As an earlier Pantry left it: plain, with a plain pre-upgrade copy and backups.
    let copy = dir
        .path()
        .join("pantry-before-upgrade-20261101T101500.000Z.sqlite3");
    std::fs::copy(&path, &copy).unwrap();
    std::fs::create_dir(dir.path().join("backups")).unwrap();
    let old_backup = dir
        .path()
        .join("backups/pantry-backup-20261101T101500.000Z-daily.sqlite3");
    std::fs::copy(&path, &old_backup).unwrap();
    assert!(starts_plain(&path));
    assert!(sqlite3(&path, "SELECT lead_name FROM households")
        .unwrap()
        .contains("Quixworth"));

    let (db, _) = Db::open(&path, common::keys()).await.unwrap();
    assert_eq!(common::count(&db, "households").await, 1);
    let found = households::search::search(&db, "Quixw", 5, &common::admin())
        .await
        .unwrap();
    assert_eq!(found.len(), 1, "search still works after encrypting");
    db.close().await;
    for file in [&path, &copy, &old_backup] {
        assert!(!starts_plain(file), "{} left plain", file.display());
    }
    assert_eq!(
        files_holding(dir.path(), b"Quixworth"),
        Vec::<String>::new()
    );
    // The encrypted copies open with the pantry's key (a restore can use them).
    let request = RestoreRequest::new(&old_backup, &common::admin());
    backups::restore(&path, &old_backup, &request, common::keys(), None)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_plain_backup_on_a_usb_stick_unplugged_at_the_upgrade_is_encrypted_when_it_is_back() {
    let dir = tempfile::tempdir().unwrap();
    let stick = tempfile::tempdir().unwrap();
    let usb = stick.path().join("PANTRY-USB");
    std::fs::create_dir(&usb).unwrap();
    let path = dir.path().join("pantry.sqlite3");
    let old_backup = {
        let (db, _) = Db::open_unencrypted(&path).await.unwrap();
        pantry_with_a_member(&db).await;
        backups::save_settings(&db, &usb.display().to_string(), "7", &common::admin())
            .await
            .unwrap();
        let taken = backups::back_up(&db, BackupReason::Manual, &common::admin())
            .await
            .unwrap();
        db.close().await;
        PathBuf::from(taken.file)
    };
    assert!(starts_plain(&old_backup));
    // The stick is out when the new Pantry encrypts the database…
    let away = stick.path().join("elsewhere");
    std::fs::rename(&usb, &away).unwrap();
    let (db, _) = Db::open(&path, common::keys()).await.unwrap();
    backups::prune_after_upgrade(&db).await.unwrap();
    std::fs::rename(&away, &usb).unwrap();
    assert!(
        starts_plain(&old_backup),
        "untouched while the stick was out"
    );
    // …and back for the next backup, which encrypts the plain one it finds there.
    backups::back_up(&db, BackupReason::Manual, &common::admin())
        .await
        .unwrap();
    db.close().await;
    assert!(!starts_plain(&old_backup), "the old backup is still plain");
    assert_eq!(files_holding(&usb, b"Quixworth"), Vec::<String>::new());
    let request = RestoreRequest::new(&old_backup, &common::admin());
    backups::restore(&path, &old_backup, &request, common::keys(), None)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn only_an_admin_takes_a_plain_copy_and_it_is_recorded() {
    let (dir, db) = common::fresh_db().await;
    pantry_with_a_member(&db).await;
    let out = dir.path().join("take-out.sqlite3");
    let manager = common::named("Pat", Role::Manager);
    let err = pantry::encryption::export_plain(&db, &out, Existing::Refuse, &manager)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Forbidden(_)), "{err}");
    assert!(!out.exists());
    // Never over the pantry's own database, whatever is said.
    let own = db.path().to_owned();
    assert!(
        pantry::encryption::export_plain(&db, &own, Existing::Replace, &common::admin())
            .await
            .is_err()
    );
    pantry::encryption::export_plain(&db, &out, Existing::Refuse, &common::admin())
        .await
        .unwrap();
    assert!(starts_plain(&out));
    assert!(sqlite3(&out, "SELECT lead_name FROM households")
        .unwrap()
        .contains("Zebulon Quixworth"));
    let exports: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'encryption.plain-export'",
    )
    .fetch_one(db.pool().unwrap())
    .await
    .unwrap();
    assert_eq!(exports, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_recovery_sheet_goes_only_away_from_the_data_and_counts_once_put_away() {
    let (dir, db) = common::fresh_db().await;
    pantry_with_a_member(&db).await;
    let status = pantry::encryption::security_status(&db, &common::admin())
        .await
        .unwrap();
    assert_eq!(status.sheet_printed_at, None, "not printed yet");
    let counter = common::named("Sam", Role::Counter);
    assert!(pantry::encryption::security_status(&db, &counter)
        .await
        .is_err());
    // Never beside the data: a copy of the data folder or of the backups would carry its key.
    for beside in [
        Destination::print("recovery-sheet"),
        Destination::file(dir.path().join("recovery.pdf"), Existing::Refuse),
        Destination::file(dir.path().join("backups/recovery.pdf"), Existing::Refuse),
        Destination::NewIn {
            dir: dir.path().join("print"),
            stem: "recovery".into(),
            extension: "pdf",
        },
    ] {
        let err = pantry::encryption::print_recovery_sheet(&db, &beside, &common::admin())
            .await
            .unwrap_err();
        assert!(matches!(&err, Error::Validation(_)), "{beside:?}: {err}");
        assert!(
            err.to_string().contains("never goes in the data folder"),
            "{err}"
        );
    }
    assert!(!dir.path().join("print").exists() && !dir.path().join("recovery.pdf").exists());
    let away = tempfile::tempdir().unwrap();
    let pdf = away.path().join("recovery.pdf");
    pantry::encryption::print_recovery_sheet(
        &db,
        &Destination::file(&pdf, Existing::Refuse),
        &common::admin(),
    )
    .await
    .unwrap();
    let text = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout).replace("  ", "-");
    let key = db.key().unwrap().recovery_text();
    let compact = |s: &str| {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
    };
    assert!(compact(&text).contains(&compact(&key)), "{text}");
    assert!(text.contains("Hillside Pantry"));
    // Written is not printed: only the admin's word that it is put away counts.
    let status = pantry::encryption::security_status(&db, &common::admin())
        .await
        .unwrap();
    assert_eq!(status.sheet_printed_at, None);
    assert!(
        pantry::encryption::confirm_recovery_sheet_put_away(&db, &common::manager())
            .await
            .is_err()
    );
    pantry::encryption::confirm_recovery_sheet_put_away(&db, &common::admin())
        .await
        .unwrap();
    let status = pantry::encryption::security_status(&db, &common::admin())
        .await
        .unwrap();
    assert!(status.sheet_printed_at.is_some());
    assert_eq!(status.fingerprint, db.key().unwrap().fingerprint());
}

/// Changes the trail behind Pantry's back, as someone with `sqlite3` and the key would.
async fn tamper(db: &Db, sql: &str) {
    let mut conn = db.pool().unwrap().acquire().await.unwrap();
    for statement in [
        "DROP TRIGGER IF EXISTS audit_log_append_only_update",
        "DROP TRIGGER IF EXISTS audit_log_append_only_delete",
        "DROP TRIGGER IF EXISTS audit_chain_append_only_delete",
        sql,
    ] {
        sqlx::query(sqlx::AssertSqlSafe(statement))
            .execute(&mut *conn)
            .await
            .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_edited_removed_or_added_audit_entry_is_found() {
    for (what, sql) in [
        (
            "edited",
            "UPDATE audit_log SET actor = 'Sam' WHERE id = 3",
        ),
        ("removed", "DELETE FROM audit_log WHERE id = 3"),
        (
            "slipped in",
            "INSERT INTO audit_log (id, at, actor, action, details) VALUES (1000, '2026-01-01T00:00:00Z', 'Sam', 'volunteers.saved', '{}')",
        ),
    ] {
        let (_dir, db) = common::fresh_db().await;
        pantry_with_a_member(&db).await;
        for n in 0..4 {
            members::register(&db, &common::household(&format!("Member {n}")), None, &common::admin())
                .await
                .unwrap();
        }
        let sound = chain::verify(&db).await.unwrap();
        assert_eq!(sound.broken, None, "{what}: sound before");
        let entries = sound.head.entries;
        if what == "removed" {
            tamper(&db, "DELETE FROM audit_chain WHERE entry_id = 3").await;
        }
        tamper(&db, sql).await;
        let check = chain::verify(&db).await.unwrap();
        let broken = check.broken.unwrap_or_else(|| panic!("{what}: not found"));
        let expected = match what {
            "edited" => 3,
            "removed" => 4,
            _ => 1000,
        };
        assert_eq!(broken.entry_id, expected, "{what}: {broken:?}");
        // The next backup records the break and the head up to it.
        let taken = backups::back_up(&db, BackupReason::Manual, &common::admin())
            .await
            .unwrap();
        assert!(!taken.file.is_empty());
        let breaks: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'audit.chain-broken'",
        )
        .fetch_one(db.pool().unwrap())
        .await
        .unwrap();
        assert_eq!(breaks, 1, "{what}");
        let head: i64 = sqlx::query_scalar("SELECT audit_entries FROM backups ORDER BY id DESC")
            .fetch_one(db.pool().unwrap())
            .await
            .unwrap();
        assert!(head < entries + 2, "{what}: the head stops at the break");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_backup_records_the_chain_head() {
    let (_dir, db) = common::fresh_db().await;
    pantry_with_a_member(&db).await;
    let before = chain::verify(&db).await.unwrap().head;
    backups::back_up(&db, BackupReason::Manual, &common::admin())
        .await
        .unwrap();
    let (entries, head): (i64, String) =
        sqlx::query_as("SELECT audit_entries, audit_head FROM backups")
            .fetch_one(db.pool().unwrap())
            .await
            .unwrap();
    assert_eq!((entries, head), (before.entries, before.hash));
}

/// The one key file in a key folder (beside it: the newest audit-trail head seen).
fn only_key_file(dir: &Path) -> PathBuf {
    let keys: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "key"))
        .collect();
    assert_eq!(keys.len(), 1, "{keys:?}");
    keys[0].clone()
}

/// An intruder (or a slip of the keyboard) aims an output at the key file: refused for every
/// role, the key untouched, and the pantry still opens.
#[tokio::test(flavor = "multi_thread")]
async fn no_output_ever_replaces_a_key_file_or_lands_in_the_key_folder() {
    let dir = tempfile::tempdir().unwrap();
    let key_dir = dir.path().join("keys");
    let keys = KeyStore::Folder(key_dir.clone());
    let data = dir.path().join("data");
    let (db, _) = Db::open_in(&data, &keys).await.unwrap();
    pantry_with_a_member(&db).await;
    common::admin_alex(&db).await;
    db.close().await;
    let key_file = only_key_file(&key_dir);
    let before = std::fs::read(&key_file).unwrap();
    let key_file_text = key_file.display().to_string();
    let in_key_folder = key_dir.join("cards.pdf").display().to_string();
    let key_dir_text = key_dir.display().to_string();
    for out in [&key_file_text, &in_key_folder] {
        let run = common::pantry_with(
            &data,
            Some(("Alex", "3333")),
            &[("PANTRY_KEY_DIR", &key_dir_text)],
            &["--force", "print", "cards", "--all-unprinted", "--out", out],
        );
        assert!(!run.status.success());
        assert!(
            common::stderr(&run).contains("keeps the database's key"),
            "{}",
            common::stderr(&run)
        );
    }
    assert_eq!(std::fs::read(&key_file).unwrap(), before);
    assert!(!key_dir.join("cards.pdf").exists());
    let (db, _) = Db::open_in(&data, &keys).await.unwrap();
    assert_eq!(common::count(&db, "households").await, 1);
    db.close().await;
}

/// A key file written over (by an older Pantry's bug, or by hand) is told in plain words
/// that lead to the recovery key, not as a text-encoding error; the recovery key mends it.
#[tokio::test(flavor = "multi_thread")]
async fn a_damaged_key_file_leads_to_the_recovery_key() {
    let dir = tempfile::tempdir().unwrap();
    let keys = KeyStore::Folder(dir.path().join("keys"));
    let data = dir.path().join("data");
    let (db, _) = Db::open_in(&data, &keys).await.unwrap();
    let recovery = db.key().unwrap().recovery_text();
    db.close().await;
    let key_file = only_key_file(&dir.path().join("keys"));
    for damage in [&b"%PDF-1.7\n\xff\xfe binary"[..], b"", b"not hex at all"] {
        std::fs::write(&key_file, damage).unwrap();
        let err = Db::open_in(&data, &keys).await.unwrap_err();
        assert!(matches!(err, Error::KeyNeeded(_)), "{err}");
        assert!(err.to_string().contains("recovery key"), "{err}");
        assert!(!err.to_string().contains("UTF-8"), "{err}");
    }
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_pantry"))
        .args(["--data-dir", data.to_str().unwrap(), "backup"])
        .env("PANTRY_KEY_DIR", dir.path().join("keys"))
        .env("PANTRY_VOLUNTEER", "Alex")
        .env("PANTRY_PIN", "3333")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&run.stderr);
    assert!(
        said.contains("pantry unlock") && said.contains("damaged"),
        "{said}"
    );
    let key = DatabaseKey::from_recovery_text(&recovery).unwrap();
    pantry::db::unlock_with(&data.join("pantry.sqlite3"), &key, &keys)
        .await
        .unwrap();
    let (db, _) = Db::open_in(&data, &keys).await.unwrap();
    db.close().await;
}

/// Links the whole trail again, as someone with the key and Pantry's source could: after
/// removing an entry, every link is recomputed so the chain alone looks sound.
async fn relink(db: &Db) {
    use sha2::Digest;
    let rows: Vec<(i64, String, String, String, Option<String>, String)> =
        sqlx::query_as("SELECT id, at, actor, action, subject, details FROM audit_log ORDER BY id")
            .fetch_all(db.pool().unwrap())
            .await
            .unwrap();
    tamper(db, "DELETE FROM audit_chain").await;
    let mut previous = vec![0u8; 32];
    for (id, at, actor, action, subject, details) in rows {
        let fields = serde_json::json!([id, at, actor, action, subject, details]);
        let mut hash = sha2::Sha256::new();
        hash.update(&previous);
        hash.update(fields.to_string().as_bytes());
        let link = hash.finalize().to_vec();
        sqlx::query("INSERT INTO audit_chain (entry_id, hash) VALUES (?, ?)")
            .bind(id)
            .bind(&link)
            .execute(db.pool().unwrap())
            .await
            .unwrap();
        previous = link;
    }
}

/// What an unkeyed chain cannot see alone: entries cut from its end, and a trail re-linked
/// after an entry was removed. The heads recorded with the backups and the landlord exports,
/// and the newest head seen
/// (kept beside the key, outside the data folder), see both; every command says so on
/// standard error, and `pantry backup` does not call the trail checked.
#[tokio::test(flavor = "multi_thread")]
async fn entries_cut_from_the_end_or_a_relinked_trail_are_noticed() {
    for (attack, anchor) in [
        ("cut", "backup"),
        ("cut", "remembered"),
        ("relinked", "backup"),
        ("relinked", "remembered"),
        ("cut", "export"),
        ("relinked", "export"),
    ] {
        let (dir, db) = common::fresh_db().await;
        pantry_with_a_member(&db).await;
        common::admin_alex(&db).await;
        for n in 0..4 {
            members::register(
                &db,
                &common::household(&format!("Member {n}")),
                None,
                &common::admin(),
            )
            .await
            .unwrap();
        }
        match anchor {
            "backup" => {
                backups::back_up(&db, BackupReason::Manual, &common::admin())
                    .await
                    .unwrap();
                common::keys().remember_head(db.path(), "");
            }
            "export" => {
                let month = chrono::Utc::now().format("%Y-%m").to_string();
                pantry::reports::export::export_summary(
                    &db,
                    &pantry::reports::Period::parse(&month).unwrap(),
                    pantry::reports::export::ReportFormat::Json,
                    Some((&dir.path().join("landlord.json"), Existing::Refuse)),
                    &common::manager(),
                )
                .await
                .unwrap();
                common::keys().remember_head(db.path(), "");
            }
            _ => assert_eq!(chain::verify(&db).await.unwrap().broken, None),
        }
        match attack {
            "cut" => {
                tamper(&db, "DELETE FROM audit_chain WHERE entry_id IN (SELECT id FROM audit_log ORDER BY id DESC LIMIT 3)").await;
                tamper(&db, "DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log ORDER BY id DESC LIMIT 3)").await;
            }
            _ => {
                tamper(&db, "DELETE FROM audit_chain WHERE entry_id = 3").await;
                tamper(&db, "DELETE FROM audit_log WHERE id = 3").await;
                relink(&db).await;
            }
        }
        let broken = chain::verify(&db)
            .await
            .unwrap()
            .broken
            .unwrap_or_else(|| panic!("{attack} against the {anchor} head: not noticed"));
        // A re-linked trail one entry shorter than the newest head is told as cut short.
        let told = broken.problem.contains("cut from its end")
            || (attack == "relinked" && broken.problem.contains("re-linked"));
        assert!(told, "{attack}/{anchor}: {broken:?}");
        db.close().await;

        let run = common::pantry(dir.path(), &["backup"]);
        assert!(run.status.success(), "{}", common::stderr(&run));
        assert!(
            common::stderr(&run).contains("the audit trail was changed outside Pantry"),
            "{}",
            common::stderr(&run)
        );
        assert!(!common::stdout(&run).contains("written and checked"));
    }
}
