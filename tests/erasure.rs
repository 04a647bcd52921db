//! Erasure that leaves nothing: a household with visits and notes, an override and an undone
//! visit, a referral with detail and outcome, replaced and printed cards, a printed slip and
//! a subject-access export is erased; then no table, search-index shadow table, WAL, file in
//! the data folder or later backup holds any of its values (searched byte by byte on an
//! unencrypted database), and restoring a backup from before the erasure erases it again.
#![allow(clippy::unwrap_used)]

mod common;
#[path = "common/zebulon.rs"]
mod zebulon;

use sqlx::AssertSqlSafe;
use std::path::{Path, PathBuf};

use pantry::backups::{self, BackupReason};
use pantry::households::{self, erasure};
use pantry::output::Existing;
use pantry::Db;

/// Everything personal the test household has, as typed (and as the search keys fold it).
const VALUES: &[&str] = &[
    "Zebulon Quixworth",
    "zebulon quixworth",
    "Quixworth",
    "quixworth",
    "07700 900123",
    "07700900123",
    "zeb.quix@example.org",
    "TQX-88231",
    "Ottoline",
    "Prefers Thursdays, walks with a frame",
    "visit note: brought the pram back",
    "override because of the flood at home",
    "undone: typed twice by Quentin",
    "owes 4000 GBP on a doorstep loan",
    "plan agreed with StepChange xq",
    "lost it on the 409 bus",
    "knee gave way on the Xerxes stairs",
    "4 Quillfeather Court",
    "key safe behind the quince xq9",
    "chatted about the quince tree",
];

/// Trigrams of the name that the search index would hold (its shadow tables store terms,
/// each written after the part it shares with the term before, so a whole name may never
/// appear there). Three bytes turn up by chance in a file's binary parts (the audit chain's
/// hashes), so these are looked for in the index's own blocks, not in the whole file.
const TRIGRAMS: &[&str] = &["xwo", "uix", "ebu"];

/// The search index's shadow tables, whose blocks hold its terms.
const INDEX_BLOCKS: [&str; 2] = ["households_fts_data", "households_words_data"];

/// Every file under `dir`, except those in `skip`.
fn files_under(dir: &Path, skip: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if skip.contains(&path) {
            continue;
        }
        if path.is_dir() {
            out.extend(files_under(&path, skip));
        } else {
            out.push(path);
        }
    }
    out
}

/// The values found in a file's raw bytes (none in a file SQLite removed since it was
/// listed: a `-shm` or `-wal` when the last connection closed).
fn found_in(file: &Path) -> Vec<String> {
    match std::fs::read(file) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        read => holding(&read.unwrap(), VALUES),
    }
}

fn holding(bytes: &[u8], values: &[&str]) -> Vec<String> {
    values
        .iter()
        .filter(|v| bytes.windows(v.len()).any(|w| w == v.as_bytes()))
        .map(|v| (*v).to_owned())
        .collect()
}

/// The values and name trigrams found in the search index's blocks, byte by byte.
async fn in_index(db: &Db) -> Vec<String> {
    let all: Vec<&str> = VALUES.iter().chain(TRIGRAMS).copied().collect();
    index_holding(db, &all).await
}

/// Those of `values` found in the search index's blocks, byte by byte.
async fn index_holding(db: &Db, values: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for table in INDEX_BLOCKS {
        let blocks: Vec<Vec<u8>> =
            sqlx::query_scalar(AssertSqlSafe(format!("SELECT block FROM {table}")))
                .fetch_all(db.pool())
                .await
                .unwrap();
        found.extend(holding(&blocks.concat(), values));
    }
    found.sort();
    found.dedup();
    found
}

fn assert_nothing_left(dir: &Path, skip: &[PathBuf]) {
    let files = files_under(dir, skip);
    assert!(files.iter().any(|f| f.ends_with("pantry.sqlite3")));
    for file in files {
        let found = found_in(&file);
        assert!(found.is_empty(), "{} still holds {found:?}", file.display());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn erasure_leaves_nothing_in_tables_index_wal_files_or_later_backups() {
    let (dir, db) = common::fresh_plain_db().await;
    let (z, other) = zebulon::pantry_with_zebulon(&db).await;
    let before = backups::back_up(&db, BackupReason::Manual, &common::admin())
        .await
        .unwrap();
    let before = PathBuf::from(before.file);
    // The test means something: before erasing, the values are there to be found.
    let db_file = dir.path().join("pantry.sqlite3");
    let mut everywhere: Vec<String> = files_under(dir.path(), &[])
        .iter()
        .flat_map(|f| found_in(f))
        .collect();
    everywhere.sort();
    everywhere.dedup();
    assert_eq!(everywhere.len(), VALUES.len(), "{everywhere:?}");
    let indexed = in_index(&db).await;
    assert!(
        TRIGRAMS.iter().all(|t| indexed.contains(&(*t).to_owned())),
        "{indexed:?}"
    );
    assert!(!found_in(&before).is_empty());
    let printed = files_under(&dir.path().join("print"), &[]);
    assert_eq!(printed.len(), 3, "{printed:?}");

    let done = erasure::erase(&db, z, "the member asked", &common::manager())
        .await
        .unwrap();
    assert_eq!(done.files_deleted.len(), 5, "{done:?}");
    assert_eq!(
        done.shared_files_deleted.len(),
        1,
        "the sheet with Amelia's card"
    );
    assert!(done.files_left.is_empty());
    assert!(files_under(&dir.path().join("print"), &[]).is_empty());
    assert!(files_under(&dir.path().join("exports"), &[]).is_empty());

    // Anonymous counts stay: the visits (with their snapshots), the referral, the cards.
    assert_eq!(common::count(&db, "visits").await, 2);
    assert_eq!(common::count(&db, "referrals").await, 1);
    assert_eq!(common::count(&db, "cards WHERE household_id = 1").await, 2);
    // Amelia is untouched, and her search still works.
    let amelia = households::page(&db, other).await.unwrap().household;
    assert_eq!(amelia.lead_name, "Amelia Smith");
    assert_eq!(
        pantry::households::search::search(&db, "smith", 5)
            .await
            .unwrap()
            .len(),
        1
    );
    // The search index holds nothing of it, and is sound.
    assert_eq!(in_index(&db).await, Vec::<String>::new());
    for index in ["households_fts", "households_words"] {
        sqlx::query(AssertSqlSafe(format!(
            "INSERT INTO {index} ({index}) VALUES ('integrity-check')"
        )))
        .execute(db.pool())
        .await
        .unwrap();
    }
    // No audit entry holds any of its values (the trail is never changed: they were never in it).
    let audit: Vec<String> =
        sqlx::query_scalar("SELECT coalesce(subject, '') || ' ' || details FROM audit_log")
            .fetch_all(db.pool())
            .await
            .unwrap();
    for value in VALUES {
        assert!(
            !audit.iter().any(|a| a.contains(value)),
            "audit holds {value}"
        );
    }
    // …nor in the files: the database, its WAL, the data folder, a backup taken after.
    let after = backups::back_up(&db, BackupReason::Manual, &common::admin())
        .await
        .unwrap();
    assert_nothing_left(dir.path(), std::slice::from_ref(&before));
    assert!(found_in(&PathBuf::from(&after.file)).is_empty());

    // Restoring the backup from before the erasure erases the household again.
    // It runs as in the app, on the encrypted database: opened with a key store, Pantry
    // encrypts the plain database and its plain backups (the one from before included).
    db.close().await;
    let (db, _) = Db::open(&db_file, common::keys()).await.unwrap();
    db.close().await;
    let request = backups::RestoreRequest::new(&before, &common::admin());
    let notice = backups::restore(&db_file, &before, &request, common::keys(), None)
        .await
        .unwrap();
    let (db, _) = Db::open_in(dir.path(), common::keys()).await.unwrap();
    let back = households::page(&db, z).await.unwrap().household;
    assert!(back.erased, "{notice:?}");
    assert_eq!(back.lead_name, "Erased household");
    assert!(notice.undone.contains("erased again"), "{}", notice.undone);
    // The restored database's files are encrypted now: its values are searched for in a
    // plain copy of it.
    let outside = tempfile::tempdir().unwrap();
    let plain = outside.path().join("restored.sqlite3");
    pantry::encryption::export_plain(&db, &plain, Existing::Refuse, &common::admin())
        .await
        .unwrap();
    assert_eq!(found_in(&plain), Vec::<String>::new());
    // Its WAL too, while the database is open; then the file alone once closed. (The safety
    // copy taken before the restore is the erased database, so it is searched as well.)
    assert_nothing_left(dir.path(), std::slice::from_ref(&before));
    db.close().await;
    assert_nothing_left(dir.path(), std::slice::from_ref(&before));
}

#[tokio::test(flavor = "multi_thread")]
async fn backups_older_than_the_retention_period_and_verified_upgrade_copies_are_pruned() {
    let (dir, db) = common::fresh_plain_db().await;
    let (db, clock) = common::at(db, "2024-01-01T10:00:00Z");
    pantry::settings::save(&db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    let old = backups::back_up(&db, BackupReason::Manual, &common::admin())
        .await
        .unwrap();
    clock.advance(chrono::Duration::days(60));
    let recent = backups::back_up(&db, BackupReason::Manual, &common::admin())
        .await
        .unwrap();
    assert!(Path::new(&old.file).exists(), "within 24 months: kept");
    // 25 months on, the first backup holds households erased since: it goes.
    clock.advance(chrono::Duration::days(702));
    backups::back_up(&db, BackupReason::Manual, &common::admin())
        .await
        .unwrap();
    assert!(!Path::new(&old.file).exists());
    assert!(Path::new(&recent.file).exists(), "{}", recent.file);

    // A copy taken before an upgrade goes once the upgraded database is verified.
    let copy = dir
        .path()
        .join("pantry-before-upgrade-20240101T100000.000Z.sqlite3");
    db.backup_to(&copy, pantry::output::Existing::Refuse)
        .await
        .unwrap();
    let other = dir.path().join("notes-before-upgrade.txt");
    std::fs::write(&other, "not a copy").unwrap();
    let removed = backups::prune_after_upgrade(&db).await.unwrap();
    assert_eq!(removed, vec![copy.clone()]);
    assert!(!copy.exists() && other.exists());
}

/// All the pool's connections (four) at once: each a different one.
async fn all_connections(db: &Db) -> Vec<sqlx::pool::PoolConnection<sqlx::Sqlite>> {
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(db.pool().acquire().await.unwrap());
    }
    held
}

/// FTS5's `secure-delete` takes an erased household's terms out of the search index at once
/// (no merge of the whole index after each erasure), and every connection of the pool still
/// finds the index sound, those that had read it before the erasure too. (In SQLite 3.46,
/// such a connection found the trigram index "malformed" after another one erased.)
#[tokio::test(flavor = "multi_thread")]
async fn every_connection_finds_the_search_index_sound_after_erasures() {
    let (_dir, db) = common::fresh_db().await;
    pantry::settings::save(&db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    let manager = common::manager();
    let mut ids = Vec::new();
    for name in [
        "Zebulon Quixworth",
        "Amelia Smith",
        "Otto Smith",
        "Quentin Quixworth",
    ] {
        let form = common::household(name);
        let household = households::register(&db, &form, Some("neighbours"), &manager).await;
        ids.push(household.unwrap().id);
    }
    // Each of the pool's connections reads the index.
    for mut conn in all_connections(&db).await {
        let found: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM households_fts WHERE households_fts MATCH 'quixworth'",
        )
        .fetch_one(&mut *conn)
        .await
        .unwrap();
        assert_eq!(found, 2);
    }
    // Trigrams of Zebulon and Otto alone.
    assert_eq!(index_holding(&db, &["ebu", "o s"]).await, ["ebu", "o s"]);
    erasure::erase(&db, ids[0], "the member asked", &manager)
        .await
        .unwrap();
    erasure::erase(&db, ids[2], "the member asked", &manager)
        .await
        .unwrap();
    for mut conn in all_connections(&db).await {
        for index in INDEX_BLOCKS.map(|t| t.trim_end_matches("_data")) {
            sqlx::query(AssertSqlSafe(format!(
                "INSERT INTO {index} ({index}) VALUES ('integrity-check')"
            )))
            .execute(&mut *conn)
            .await
            .unwrap();
        }
        let found: Vec<i64> = sqlx::query_scalar(
            "SELECT rowid FROM households_fts WHERE households_fts MATCH 'quixworth'",
        )
        .fetch_all(&mut *conn)
        .await
        .unwrap();
        assert_eq!(found, [ids[3]]);
    }
    // Nothing of the two is left in the index's blocks: no merge was needed.
    assert_eq!(
        index_holding(&db, &["ebu", "o s"]).await,
        Vec::<String>::new()
    );
}
