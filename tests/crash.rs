//! Crash safety with the real CLI process: check-ins are recorded while the process is killed
//! with SIGKILL at random moments, 20 times; every visit acknowledged before a kill must be
//! there afterwards and the file must pass `PRAGMA integrity_check`. Two writers at once queue.
#![allow(clippy::unwrap_used)]

use sqlx::AssertSqlSafe;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use pantry::Db;

mod common;

const PANTRY: &str = env!("CARGO_BIN_EXE_pantry");

fn pantry(dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(PANTRY);
    c.arg("--data-dir")
        .arg(dir)
        .env("PANTRY_KEY_DIR", common::key_dir())
        .args(args)
        .env("PANTRY_VOLUNTEER", "Pat")
        .env("PANTRY_PIN", "2222");
    c
}

fn demo(dir: &Path) {
    let done = pantry(dir, &["demo-data", "--households", "30", "--weeks", "1"])
        .output()
        .unwrap();
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn visits_acknowledged_before_a_kill_survive_it() {
    let dir = tempfile::tempdir().unwrap();
    demo(dir.path());
    let mut rng = fastrand::Rng::with_seed(20);
    let mut acknowledged: Vec<i64> = Vec::new();
    for round in 1..=20 {
        let wait_for = rng.usize(1..=25);
        let mut child = common::exercise_counter(dir.path(), 100_000, "Pat", "2222")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut this_round = 0;
        while this_round < wait_for {
            let line = lines.next().unwrap().unwrap();
            acknowledged.push(line.trim().parse().unwrap());
            this_round += 1;
        }
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();

        let (db, _) = Db::open_in(dir.path(), common::keys()).await.unwrap();
        let verdict: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(db.pool().unwrap())
            .await
            .unwrap();
        assert_eq!(verdict, "ok");
        let present: i64 = sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM visits WHERE id IN ({})",
            acknowledged
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(",")
        )))
        .fetch_one(db.pool().unwrap())
        .await
        .unwrap();
        let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM visits")
            .fetch_one(db.pool().unwrap())
            .await
            .unwrap();
        println!("round {round:2}: killed after {this_round:2} acknowledged; {present} of {} acknowledged present, {stored} visits stored, integrity ok", acknowledged.len());
        assert_eq!(present as usize, acknowledged.len());
        db.close().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn two_command_line_writers_at_once_queue_rather_than_fail() {
    let dir = tempfile::tempdir().unwrap();
    demo(dir.path());
    let (db, _) = Db::open_in(dir.path(), common::keys()).await.unwrap();
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM visits")
        .fetch_one(db.pool().unwrap())
        .await
        .unwrap();
    let writers: Vec<_> = (0..2)
        .map(|_| {
            common::exercise_counter(dir.path(), 150, "Pat", "2222")
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for w in writers {
        let out = w.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM visits")
        .fetch_one(db.pool().unwrap())
        .await
        .unwrap();
    assert_eq!(after - before, 300);
}
