//! Backups and restore against real files: a backup → change → restore round-trip gives back
//! exactly the backed-up data; only the last N backups are kept; bad files change nothing.
#![allow(clippy::unwrap_used)]

mod common;

use pantry::backups::{self, BackupReason, RestoreRequest};
use pantry::households::form::HouseholdForm;
use pantry::members;
use pantry::{households, settings, Db, Error};

async fn register(db: &Db, name: &str) -> i64 {
    members::register(db, &common::household(name), Some("test"), &common::admin())
        .await
        .unwrap()
        .id
}

/// Restores the backup at `from` over the database at `db_path`, asked for by an admin.
async fn restore(
    db_path: &std::path::Path,
    from: &std::path::Path,
    recovery: Option<&pantry::keys::DatabaseKey>,
) -> pantry::Result<backups::RestoreNotice> {
    let request = RestoreRequest::new(from, &common::named("Alex", pantry::access::Role::Admin));
    backups::restore(db_path, from, &request, common::keys(), recovery).await
}

async fn names(db: &Db) -> Vec<(String, i64)> {
    sqlx::query_as("SELECT lead_name, adults FROM households ORDER BY id")
        .fetch_all(db.pool().unwrap())
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
    let status = backups::status(&db, &common::admin()).await.unwrap();
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
    let notice = restore(&db_path, from, None).await.unwrap();
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
            .fetch_one(db.pool().unwrap())
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
    std::fs::create_dir(&usb).unwrap();
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
    assert_eq!(notice.by, common::admin().name(), "the admin who chose it");
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
    let err = restore(&db_path, &from, None).await.unwrap_err();
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

/// A USB stick not plugged in: Settings refuses its folder rather than make it on the
/// laptop's own disk, and a daily backup that cannot be taken is noted for admins (and in the
/// trail) until one is taken.
#[tokio::test(flavor = "multi_thread")]
async fn a_missing_backup_folder_is_never_made_and_a_missed_backup_is_shown() {
    let (dir, db) = common::fresh_db().await;
    settings::save(&db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    let usb = dir.path().join("usb-stick");
    let Error::Validation(fields) =
        backups::save_settings(&db, usb.to_str().unwrap(), "3", &common::admin())
            .await
            .unwrap_err()
    else {
        panic!()
    };
    assert_eq!(fields[0].field, "folder");
    assert!(
        fields[0].message.contains("not there"),
        "{}",
        fields[0].message
    );
    assert!(!usb.exists(), "the folder must not be made");

    std::fs::create_dir(&usb).unwrap();
    backups::save_settings(&db, usb.to_str().unwrap(), "3", &common::admin())
        .await
        .unwrap();
    std::fs::remove_dir(&usb).unwrap(); // the stick is unplugged
    let err = backups::back_up_if_due(&db, &common::admin())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not there"), "{err}");
    assert!(!usb.exists(), "the folder must not be made");
    let status = backups::status(&db, &common::admin()).await.unwrap();
    assert!(status.last.is_none());
    let failed = status.failed.expect("the missed backup is shown");
    assert_eq!(failed.problem, err.to_string());
    assert_eq!(
        common::count(&db, "audit_log WHERE action = 'backups.failed'").await,
        1
    );

    std::fs::create_dir(&usb).unwrap(); // plugged in again
    assert!(backups::back_up_if_due(&db, &common::admin())
        .await
        .unwrap()
        .is_some());
    assert_eq!(
        backups::status(&db, &common::admin()).await.unwrap().failed,
        None
    );
}

/// Backups taken after the one restored (and the safety copy) are still this pantry's own
/// in the restored database: recognised and pruned like the others, and no anchor of its trail.
#[tokio::test(flavor = "multi_thread")]
async fn backups_taken_before_a_restore_stay_this_pantrys_own() {
    let (dir, db) = common::fresh_db().await;
    settings::save(&db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    let usb = dir.path().join("usb-stick");
    std::fs::create_dir(&usb).unwrap();
    backups::save_settings(&db, usb.to_str().unwrap(), "3", &common::admin())
        .await
        .unwrap();
    let first = backups::back_up(&db, BackupReason::Manual, &common::admin())
        .await
        .unwrap();
    register(&db, "Amelia Smith").await;
    let second = backups::back_up(&db, BackupReason::Manual, &common::admin())
        .await
        .unwrap();
    let db_path = db.path().to_owned();
    db.close().await;
    let from = std::path::Path::new(&first.file);
    let notice = restore(&db_path, from, None).await.unwrap();

    let (db, _) = Db::open_in(dir.path(), common::keys()).await.unwrap();
    assert_eq!(
        backups::status(&db, &common::admin())
            .await
            .unwrap()
            .last
            .unwrap()
            .file,
        notice.safety_copy,
        "the safety copy is the last backup"
    );
    // Three kept: a fourth backup removes the oldest of the pantry's own, taken before.
    backups::back_up(&db, BackupReason::Manual, &common::admin())
        .await
        .unwrap();
    let mut left: Vec<String> = std::fs::read_dir(&usb)
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .collect();
    left.sort();
    assert_eq!(left.len(), 3, "{left:?}");
    assert!(!left.contains(&first.file), "{left:?}");
    assert!(left.contains(&second.file), "{left:?}");
    assert!(left.contains(&notice.safety_copy), "{left:?}");
    let chain = pantry::audit::chain::verify(&db).await.unwrap();
    assert_eq!(chain.broken, None);
}

/// Two pantries that chose the same short code are told apart by the id each was given at
/// set-up: a backup of the other one is refused, even with its recovery key.
#[tokio::test(flavor = "multi_thread")]
async fn another_pantrys_backup_is_refused_though_it_has_the_same_short_code() {
    let (dir, db) = common::fresh_db().await;
    settings::save(&db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    register(&db, "Amelia Smith").await;
    let ours = backups::back_up(&db, BackupReason::Manual, &common::admin())
        .await
        .unwrap();
    let (_other_dir, other) = common::fresh_db().await;
    settings::save(&other, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    register(&other, "Somebody Else").await;
    let theirs = backups::back_up(&other, BackupReason::Manual, &common::admin())
        .await
        .unwrap();
    let their_key = other.key().unwrap().clone();
    other.close().await;
    let before = names(&db).await;
    let db_path = db.path().to_owned();
    db.close().await;

    let from = std::path::Path::new(&theirs.file);
    let err = restore(&db_path, from, Some(&their_key)).await.unwrap_err();
    assert!(
        err.to_string()
            .contains("another pantry that also uses the short code"),
        "{err}"
    );
    let (db, _) = Db::open_in(dir.path(), common::keys()).await.unwrap();
    assert_eq!(names(&db).await, before);
    db.close().await;
    // The pantry's own backup still restores.
    let from = std::path::Path::new(&ours.file);
    restore(&db_path, from, None).await.unwrap();
}

/// On the command line too, a backup folder that is not there is refused, and never made.
#[tokio::test(flavor = "multi_thread")]
async fn the_command_line_refuses_a_backup_folder_that_is_not_there() {
    let (dir, db) = common::hillside_with_alex().await;
    db.close().await;
    let usb = dir.path().join("usb-stick");
    let set = |folder: &std::path::Path| {
        common::pantry(
            dir.path(),
            &["backup-settings", "--folder", folder.to_str().unwrap()],
        )
    };
    let refused = set(&usb);
    assert!(!refused.status.success());
    assert!(
        common::stderr(&refused).contains("That folder is not there"),
        "{}",
        common::stderr(&refused)
    );
    assert!(!usb.exists());
    std::fs::create_dir(&usb).unwrap();
    let done = set(&usb);
    assert!(done.status.success(), "{}", common::stderr(&done));
    assert!(common::stdout(&done).contains("keeping the last 14"));
}
