//! Erasing one household at 100,000 households (budget ≤ 200 ms, release build): the whole
//! operation as a manager runs it, from the check of the role to the WAL truncated, search
//! indexes merged included. Run with `cargo bench --bench erasure`.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use pantry::access::{Actor, Role};
use pantry::members::erasure;

const HOUSEHOLDS: u32 = 100_000;
const ERASED: usize = 30;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let (_dir, db) = common::encrypted_pantry().await;
    common::demo_pantry(&db, HOUSEHOLDS, 4, 7).await;
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM households WHERE erased_at IS NULL ORDER BY random() LIMIT ?",
    )
    .bind(ERASED as i64)
    .fetch_all(db.pool().unwrap())
    .await
    .unwrap();
    let manager = Actor::for_tests("bench", Role::Manager);
    let mut times = Vec::with_capacity(ids.len());
    for id in ids {
        let started = Instant::now();
        erasure::erase(&db, id, "benchmark", &manager)
            .await
            .unwrap();
        times.push(started.elapsed());
    }
    times.sort();
    let p50 = times[times.len() / 2];
    let max = times[times.len() - 1];
    println!(
        "erase one household at {HOUSEHOLDS} households ({ERASED} erased): p50 {:.1} ms, max {:.1} ms (budget 200 ms)",
        ms(p50),
        ms(max)
    );
    db.close().await;
}
