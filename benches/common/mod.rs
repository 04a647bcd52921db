//! What every benchmark starts from.

use std::time::Instant;

use chrono::NaiveDate;
use pantry::demo::{self, DemoSpec};
use pantry::keys::KeyStore;
use pantry::Db;

/// A new, empty pantry database in a temporary folder, encrypted as on a volunteer's laptop
/// (its key in a key folder beside it). The folder is removed when the first value is dropped.
pub async fn encrypted_pantry() -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = Db::open_in(dir.path(), &KeyStore::Folder(dir.path().join("keys")))
        .await
        .unwrap();
    (dir, db)
}

/// Fills `db` with a demo pantry of `households` and `weeks` of visits up to 21 November 2026,
/// and prints how long that took.
#[allow(dead_code)]
pub async fn demo_pantry(db: &Db, households: u32, weeks: u32, seed: u64) {
    let spec = DemoSpec {
        households,
        weeks,
        seed,
        until: NaiveDate::from_ymd_opt(2026, 11, 21),
        no_referrals: false,
    };
    let started = Instant::now();
    demo::generate(db, &spec).await.unwrap();
    println!(
        "demo data: {households} households, {weeks} weeks of visits in {:.2} s",
        started.elapsed().as_secs_f64()
    );
}

/// A counter volunteer signed in, for the reads every volunteer may make.
#[allow(dead_code)]
pub fn volunteer() -> pantry::access::Actor {
    pantry::access::Actor::for_tests("bench", pantry::access::Role::Counter)
}
