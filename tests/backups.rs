//! Backups and restore against real files: a backup → change → restore round-trip gives back
//! exactly the backed-up data; only the last N backups are kept; bad files change nothing.
#![allow(clippy::unwrap_used)]

mod common;

use pantry::backups::{self, BackupReason, RestoreRequest};
use pantry::households::form::HouseholdForm;
use pantry::{households, settings, Db, Error};

async fn register(db: &Db, name: &str) -> i64 {
    households::register(db, &common::household(name), Some("test"), &common::admin())
        .await
        .unwrap()
        .id
}

async fn names(db: &Db) -> Vec<(String, i64)> {
    sqlx::query_as("SELECT lead_name, adults FROM households ORDER BY id")
        .fetch_all(db.pool())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn backup_change_restore_gives_back_exactly_the_backup() {
    let (dir, db) = common::fresh_db().await;
    settings::save(&db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    let amelia = register(&db, "Amelia Smith").await;
    let taken = backups::back_up(&db, BackupReason::Manual, &common::admin())
        .await
        .unwrap();
    let status = backups::status(&db).await.unwrap();
    assert!(!status.stale);
    assert_eq!(status.last.unwrap().file, taken.file);
    let backed_up = names(&db).await;

    register(&db, "Zoë Öztürk").await;
    let form = HouseholdForm {
        lead_name: "Amelia Jones".into(),
        adults: "3".into(),
        children: "0".into(),
        postcode: "OL1 3BQ".into(),
        consent_given: true,
        ..HouseholdForm::default()
    };
    households::update(&db, amelia, &form, &common::admin())
        .await
        .unwrap();
    let db_path = db.path().to_owned();
    db.close().await;

    let from = std::path::Path::new(&taken.file);
    let notice = backups::restore(
        &db_path,
        from,
        &RestoreRequest::new(from, &common::named("Alex", pantry::access::Role::Admin)),
        common::keys(),
        None,
    )
    .await
    .unwrap();
    assert_eq!(notice.by, "Alex");
    assert!(
        notice.undone.contains("1 household registered or imported"),
        "{}",
        notice.undone
    );
    let (db, _) = Db::open_in(dir.path(), common::keys()).await.unwrap();
    assert_eq!(names(&db).await, backed_up);
    assert_eq!(
        backups::unseen_restore(&db).await.unwrap(),
        Some(notice.clone())
    );
    backups::restore_seen(&db, notice.id, &common::admin())
        .await
        .unwrap();
    assert_eq!(backups::unseen_restore(&db).await.unwrap(), None);
    // The database as it was before the restore is kept.
    // (A backup has the database's key; to open it as a database here, keep it for its path.)
    let safety = std::path::Path::new(&notice.safety_copy);
    common::keys().put(safety, db.key().unwrap()).unwrap();
    let (before, _) = Db::open(safety, common::keys()).await.unwrap();
    assert_eq!(names(&before).await.len(), 2);
    let audit: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'backups.restored'")
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(audit, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn only_the_last_backups_are_kept_and_the_folder_is_checked() {
    let (dir, db) = common::fresh_db().await;
    settings::save(&db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    let Error::Validation(fields) =
        backups::save_settings(&db, "relative/folder", "3", &common::admin())
            .await
            .unwrap_err()
    else {
        panic!()
    };
    assert_eq!(fields[0].field, "folder");
    let usb = dir.path().join("usb-stick");
    backups::save_settings(&db, usb.to_str().unwrap(), "2", &common::admin())
        .await
        .unwrap();
    assert!(backups::back_up_if_due(&db, &common::admin())
        .await
        .unwrap()
        .is_some());
    assert!(
        backups::back_up_if_due(&db, &common::admin())
            .await
            .unwrap()
            .is_none(),
        "one a day"
    );
    for _ in 0..2 {
        backups::back_up(&db, BackupReason::Close, &common::admin())
            .await
            .unwrap();
    }
    let files = std::fs::read_dir(&usb).unwrap().count();
    assert_eq!(files, 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_that_is_not_a_pantry_backup_changes_nothing() {
    let (dir, db) = common::fresh_db().await;
    settings::save(&db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    register(&db, "Amelia Smith").await;
    let junk = dir.path().join("holiday.sqlite3");
    std::fs::write(&junk, b"not a database at all").unwrap();
    // Junk does not open with the pantry's key: it could be another laptop's backup, so the
    // message says both what it may be and what is needed.
    let Error::KeyNeeded(message) = backups::stage_restore(&db, &junk, None, &common::admin())
        .await
        .unwrap_err()
    else {
        panic!()
    };
    assert!(message.contains("Nothing was changed"), "{message}");
    assert!(message.contains("recovery key"), "{message}");
    assert!(backups::finish_pending_restore(db.path(), common::keys())
        .await
        .unwrap()
        .is_none());

    // A good backup chosen in the app is restored at the next start.
    let taken = backups::back_up(&db, BackupReason::Manual, &common::admin())
        .await
        .unwrap();
    register(&db, "Zoë Öztürk").await;
    backups::stage_restore(
        &db,
        std::path::Path::new(&taken.file),
        None,
        &common::admin(),
    )
    .await
    .unwrap();
    let path = db.path().to_owned();
    db.close().await;
    let notice = backups::finish_pending_restore(&path, common::keys())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(notice.by, common::admin().name, "the admin who chose it");
    let (db, _) = Db::open(&path, common::keys()).await.unwrap();
    assert_eq!(names(&db).await.len(), 1);
}

/// A backup damaged on its USB stick is refused in plain words (never an SQLite code), and
/// the pantry is left as it was.
#[tokio::test(flavor = "multi_thread")]
async fn a_damaged_backup_is_refused_in_plain_words() {
    let (_dir, db) = common::fresh_db().await;
    settings::save(&db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    for n in 0..40 {
        register(&db, &format!("Member {n}")).await;
    }
    let taken = backups::back_up(&db, BackupReason::Manual, &common::admin())
        .await
        .unwrap();
    let db_path = db.path().to_owned();
    db.close().await;
    let from = std::path::PathBuf::from(&taken.file);
    let mut bytes = std::fs::read(&from).unwrap();
    let middle = bytes.len() / 2;
    for b in &mut bytes[middle..middle + 512] {
        *b ^= 0x5a;
    }
    std::fs::write(&from, &bytes).unwrap();
    let err = backups::restore(
        &db_path,
        &from,
        &RestoreRequest::new(&from, &common::named("Alex", pantry::access::Role::Admin)),
        common::keys(),
        None,
    )
    .await
    .unwrap_err();
    let said = err.to_string();
    assert!(!said.to_lowercase().contains("code"), "{said}");
    assert!(
        said.contains("not a sound Pantry database") && said.contains("nothing was changed"),
        "{said}"
    );
    let (db, _) = Db::open(&db_path, common::keys()).await.unwrap();
    assert_eq!(common::count(&db, "households").await, 40);
    db.close().await;
}
