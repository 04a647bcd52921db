//! SQLCipher starts up once per process, before the first connection: a process that opens
//! several encrypted databases on several threads the moment it starts never finds SQLCipher
//! half set up ("sqlcipher not initialized", then "An error occurred with PRAGMA key").
//!
//! The race only exists in a process that has not opened a database yet, so the check runs
//! this test binary again, cold, many times over. Processes starting together on one data
//! folder make one key and upgrade the schema once.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Barrier};

use pantry::keys::{DatabaseKey, KeyStore};
use pantry::Db;

const THREADS: usize = 8;
const COLD_PROCESSES: usize = 50;

/// Eight threads, each with its own runtime, open a fresh encrypted database at the same
/// instant, write to it, read it back and close it.
#[test]
fn eight_threads_open_encrypted_databases_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let keys = KeyStore::Folder(dir.path().join("keys"));
    let start = Arc::new(Barrier::new(THREADS));
    let threads: Vec<_> = (0..THREADS)
        .map(|n| {
            let path = dir.path().join(format!("desk{n}/pantry.sqlite3"));
            let keys = keys.clone();
            let start = Arc::clone(&start);
            std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(1)
                    .enable_all()
                    .build()
                    .unwrap();
                runtime.block_on(async move {
                    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                    // The key is made beforehand, so that every thread reaches its first
                    // connection within moments of the others.
                    keys.put(&path, &DatabaseKey::generate()).unwrap();
                    start.wait();
                    let (db, _) = Db::open(&path, &keys)
                        .await
                        .map_err(|e| format!("desk {n}: {e}"))?;
                    sqlx::query("CREATE TABLE note (text TEXT); INSERT INTO note VALUES ('kept')")
                        .execute(db.pool().unwrap())
                        .await
                        .map_err(|e| format!("desk {n}: {e}"))?;
                    let kept: String = sqlx::query_scalar("SELECT text FROM note")
                        .fetch_one(db.pool().unwrap())
                        .await
                        .map_err(|e| format!("desk {n}: {e}"))?;
                    db.close().await;
                    assert_eq!(kept, "kept");
                    assert!(!pantry::db::is_plain_sqlite(&path), "desk {n} is encrypted");
                    Ok::<(), String>(())
                })
            })
        })
        .collect();
    let failures: Vec<String> = threads
        .into_iter()
        .filter_map(|t| t.join().unwrap().err())
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
}

/// The test above, each time in a new process that starts cold.
#[test]
fn fifty_cold_processes_each_open_eight_databases_at_once() {
    let this_test_binary = std::env::current_exe().unwrap();
    let mut failed = Vec::new();
    for run in 1..=COLD_PROCESSES {
        let out = Command::new(&this_test_binary)
            .args([
                "--exact",
                "eight_threads_open_encrypted_databases_at_once",
                "--test-threads=1",
                "--nocapture",
            ])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains("1 passed") || !out.status.success(),
            "run {run} ran no test: {stdout}"
        );
        if !out.status.success() {
            failed.push(format!(
                "run {run}:\n{stdout}\n{}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    println!(
        "{} of {COLD_PROCESSES} cold processes failed to open {THREADS} databases at once",
        failed.len()
    );
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

/// Starts `pantry init` on `data_dir` in `n` processes at once and waits for them all.
fn init_at_once(data_dir: &Path, n: usize) -> Vec<Output> {
    let children: Vec<_> = (0..n)
        .map(|_| {
            common::pantry_command(data_dir, None, &[], &["init"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect()
}

fn assert_all_succeeded(outputs: &[Output]) {
    for out in outputs {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Four windows (or commands) started at once on a new data folder: one key is made and
/// kept, and the database is made with it.
#[tokio::test(flavor = "multi_thread")]
async fn four_processes_starting_a_new_pantry_at_once_keep_one_key() {
    for _ in 0..5 {
        let dir = tempfile::tempdir().unwrap();
        assert_all_succeeded(&init_at_once(dir.path(), 4));
        let (db, opened) = Db::open_in(dir.path(), common::keys()).await.unwrap();
        assert_eq!(opened.migrations_applied, 0);
        db.close().await;
    }
}

/// Four processes opening a database that needs upgrading at once: one upgrades it (with
/// one copy taken first), the others wait and find it done.
#[tokio::test(flavor = "multi_thread")]
async fn four_processes_upgrading_at_once_upgrade_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(pantry::paths::DATABASE_FILE);
    // An encrypted database from before any of this build's migrations.
    common::keys().put(&path, &DatabaseKey::generate()).unwrap();
    common::older_database(
        common::raw_options(&path).journal_mode(sqlx::sqlite::SqliteJournalMode::Wal),
    )
    .await;

    let outputs = init_at_once(dir.path(), 4);
    assert_all_succeeded(&outputs);
    let told = |what: &str| {
        outputs
            .iter()
            .filter(|out| String::from_utf8_lossy(&out.stdout).contains(what))
            .count()
    };
    assert_eq!(told("Saved a copy of the database before upgrading it"), 1);
    assert_eq!(told("removed the copy from before the upgrade"), 1);
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("-before-upgrade-"))
        .collect();
    assert_eq!(
        left,
        Vec::<String>::new(),
        "the checked upgrade's copy is gone"
    );
    let (db, opened) = Db::open_in(dir.path(), common::keys()).await.unwrap();
    assert_eq!(opened.migrations_applied, 0);
    assert_eq!(common::count(&db, "old_notes").await, 1);
    db.close().await;
}
