//! Opening, migrating, refusing, backing up and writing to a real SQLite file.
#![allow(clippy::unwrap_used)]

mod common;

use pantry::output::Existing;
use pantry::{Db, Error};
use sqlx::Connection;

#[tokio::test(flavor = "multi_thread")]
async fn a_new_database_is_durable_and_checks_foreign_keys() {
    let (_dir, db) = common::fresh_db().await;
    let mut conn = db.pool().unwrap().acquire().await.unwrap();
    let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    let busy: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(journal, "wal");
    assert_eq!(synchronous, 2, "synchronous = FULL");
    assert_eq!(foreign_keys, 1);
    assert!(busy >= 5_000, "busy timeout {busy} ms");
}

#[tokio::test(flavor = "multi_thread")]
async fn opening_twice_applies_nothing_the_second_time_and_makes_no_backup() {
    let dir = tempfile::tempdir().unwrap();
    let (db, first) = Db::open_in(dir.path(), common::keys()).await.unwrap();
    assert!(first.migrations_applied > 0);
    assert_eq!(first.backup, None, "a brand-new file needs no backup");
    db.close().await;
    let (_db, second) = Db::open_in(dir.path(), common::keys()).await.unwrap();
    assert_eq!(second.migrations_applied, 0);
    assert_eq!(second.backup, None);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_existing_database_is_copied_before_it_is_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pantry.sqlite3");
    // An older file: it exists and holds data, but has none of this app's migrations.
    common::older_database(common::sqlite_options(&path)).await;

    let (db, opened) = Db::open(&path, common::keys()).await.unwrap();
    let backup = opened.backup.expect("a backup before migrating");
    assert_eq!(
        backup.parent(),
        path.parent(),
        "the backup sits beside the database"
    );
    let name = backup.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with("pantry-before-upgrade-") && name.ends_with(".sqlite3"),
        "{name}"
    );

    // The copy is encrypted with the database's key, never left plain.
    assert!(!pantry::db::is_plain_sqlite(&backup));
    let mut copy = sqlx::SqliteConnection::connect_with(
        &common::sqlite_options(&backup)
            .read_only(true)
            .pragma("key", db.key().unwrap().pragma()),
    )
    .await
    .unwrap();
    let kept: String = sqlx::query_scalar("SELECT text FROM old_notes")
        .fetch_one(&mut copy)
        .await
        .unwrap();
    assert_eq!(kept, "kept");
    let migrated: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = '_sqlx_migrations')",
    )
    .fetch_one(&mut copy)
    .await
    .unwrap();
    assert!(
        !migrated,
        "the backup is the database as it was before migrating"
    );
    assert_eq!(
        common::count(&db, "households").await,
        0,
        "the live file was migrated"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_database_from_a_newer_pantry_is_refused_in_plain_english_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = Db::open_in(dir.path(), common::keys()).await.unwrap();
    common::mark_as_newer(&db).await;
    db.close().await;
    let files_before = database_files(dir.path());

    let err = Db::open_in(dir.path(), common::keys()).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::SchemaTooNew {
                found: common::FUTURE_SCHEMA,
                ..
            }
        ),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(message.contains("newer version of Pantry"), "{message}");
    assert!(message.contains("Nothing was changed"), "{message}");
    let wire = serde_json::to_value(&err).unwrap();
    assert_eq!(wire["kind"], "schemaTooNew");
    assert_eq!(
        database_files(dir.path()),
        files_before,
        "no backup or other database file was written"
    );
}

/// The database files in a folder, leaving out SQLite's own -wal and -shm companions.
fn database_files(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".sqlite3"))
        .collect();
    names.sort();
    names
}

#[tokio::test(flavor = "multi_thread")]
async fn two_writers_at_once_queue_instead_of_failing() {
    let (_dir, db) = common::fresh_db().await;
    sqlx::query("CREATE TABLE counter (n INTEGER NOT NULL); INSERT INTO counter VALUES (0)")
        .execute(db.pool().unwrap())
        .await
        .unwrap();
    let bump = |db: Db| async move {
        for _ in 0..25 {
            let mut tx = db.begin_write().await.unwrap();
            let n: i64 = sqlx::query_scalar("SELECT n FROM counter")
                .fetch_one(tx.sqlite().unwrap())
                .await
                .unwrap();
            tokio::task::yield_now().await;
            sqlx::query("UPDATE counter SET n = ?")
                .bind(n + 1)
                .execute(tx.sqlite().unwrap())
                .await
                .unwrap();
            tx.commit().await.unwrap();
        }
    };
    let (a, b) = tokio::join!(
        tokio::spawn(bump(db.clone())),
        tokio::spawn(bump(db.clone()))
    );
    a.unwrap();
    b.unwrap();
    let n: i64 = sqlx::query_scalar("SELECT n FROM counter")
        .fetch_one(db.pool().unwrap())
        .await
        .unwrap();
    assert_eq!(n, 50, "no lost update, no busy error");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_backup_is_a_checked_copy_and_never_overwrites() {
    let (dir, db) = common::fresh_db().await;
    pantry::settings::save(&db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    let written = dir.path().join("copy.sqlite3");
    db.backup_to(&written, Existing::Refuse).await.unwrap();
    // The copy has the database's key; to open it as a database here, keep it for its path.
    common::keys().put(&written, db.key().unwrap()).unwrap();
    let (copy, _) = Db::open(&written, common::keys()).await.unwrap();
    let settings = pantry::settings::load(&copy).await.unwrap().unwrap();
    assert_eq!(settings.name, "Hillside Pantry");
    copy.close().await;
    let before = std::fs::read(&written).unwrap();
    let again = db.backup_to(&written, Existing::Refuse).await.unwrap_err();
    assert!(matches!(again, Error::Validation(_)), "{again:?}");
    assert_eq!(std::fs::read(&written).unwrap(), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn typed_dates_are_stored_as_the_text_earlier_versions_wrote() {
    // Rows written before dates were typed hold `to_rfc3339()` instants and `YYYY-MM-DD`
    // dates; typed binds must write the same text, or comparisons in SQL would go wrong.
    let (_dir, db) = common::fresh_db().await;
    let at = chrono::DateTime::parse_from_rfc3339("2026-11-25T14:52:47.123456789+00:00")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    let (at_text, day_text): (String, String) = sqlx::query_as("SELECT ?, ?")
        .bind(at)
        .bind(day)
        .fetch_one(db.pool().unwrap())
        .await
        .unwrap();
    assert_eq!(at_text, at.to_rfc3339());
    assert_eq!(day_text, "2026-03-01");
    let (back, back_day): (chrono::DateTime<chrono::Utc>, chrono::NaiveDate) =
        sqlx::query_as("SELECT ?, ?")
            .bind(&at_text)
            .bind(&day_text)
            .fetch_one(db.pool().unwrap())
            .await
            .unwrap();
    assert_eq!((back, back_day), (at, day));
}

/// A write killed half-way leaves its staged copy (and SQLite's journal beside it): the next
/// open removes them all at once when no other Pantry process has the database open, and
/// leaves a fresh one alone while another has (its write may still be going on).
#[tokio::test(flavor = "multi_thread")]
async fn staged_copies_left_by_a_killed_write_go_at_the_next_open() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = Db::open_in(dir.path(), common::keys()).await.unwrap();
    db.close().await;
    let leftovers = [
        dir.path().join(".pantry-a1b2c3.part"),
        dir.path().join(".pantry-a1b2c3.part-journal"),
        dir.path().join("backups/.pantry-d4e5f6.part"),
        dir.path().join("print/.pantry-g7h8i9.part"),
        dir.path().join("exports/.pantry-j0k1l2.part-wal"),
    ];
    let make = || {
        for file in &leftovers {
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, b"SQLite format 3\0half a copy").unwrap();
        }
    };
    make();
    let (db, _) = Db::open_in(dir.path(), common::keys()).await.unwrap();
    let left: Vec<_> = leftovers.iter().filter(|f| f.exists()).collect();
    assert!(left.is_empty(), "{left:?}");
    // Another process (here: another handle) has the database open: fresh ones stay.
    make();
    let (second, _) = Db::open_in(dir.path(), common::keys()).await.unwrap();
    assert!(leftovers.iter().all(|f| f.exists()));
    second.close().await;
    db.close().await;
}
