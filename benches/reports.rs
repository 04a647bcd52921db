//! Landlord summary benchmark (release build): one quarter of `demo-data` with 100,000
//! households and about a million visits in the database, through the library, against the
//! bare SQLite cost of its main queries run directly in the same process. Budget: ≤ 1 s.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use pantry::demo::{self, DemoSpec};
use pantry::reports::{self, Period};

const RUNS: usize = 5;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

#[tokio::main]
async fn main() {
    let (_dir, db) = common::encrypted_pantry().await;
    let until = NaiveDate::from_ymd_opt(2026, 9, 30).unwrap();
    let spec = DemoSpec {
        households: 100_000,
        weeks: 20,
        seed: 7,
        until: Some(until),
        no_referrals: false,
    };
    let made = demo::generate(&db, &spec).await.unwrap();
    let period = Period::parse("2026-Q3").unwrap();
    let in_period: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM visits WHERE local_date BETWEEN ? AND ?")
            .bind(period.from.to_string())
            .bind(period.to.to_string())
            .fetch_one(db.pool().unwrap())
            .await
            .unwrap();

    let (from, to) = (period.from.to_string(), period.to.to_string());
    let mut bare = Vec::new();
    let mut library = Vec::new();
    let mut summary = None;
    for _ in 0..RUNS {
        let started = Instant::now();
        let pool = db.pool().unwrap();
        sqlx::query(reports::VISITS_SQL)
            .bind(&from)
            .bind(&to)
            .bind(100)
            .fetch_all(pool)
            .await
            .unwrap();
        sqlx::query(reports::HOUSEHOLDS_SQL)
            .bind(&from)
            .bind(&to)
            .fetch_all(pool)
            .await
            .unwrap();
        sqlx::query(reports::EVENTS_SQL)
            .bind(&from)
            .bind(&to)
            .fetch_all(pool)
            .await
            .unwrap();
        bare.push(started.elapsed());

        let started = Instant::now();
        summary = Some(
            reports::summary(&db, &period, &common::volunteer())
                .await
                .unwrap(),
        );
        library.push(started.elapsed());
    }
    let summary = summary.unwrap();
    let (bare, library) = (median(bare), median(library));
    println!(
        "landlord summary, {} ({} visits in the period, {} in the database, {} households):",
        period.label, in_period, made.visits, made.households
    );
    println!(
        "  library: {:.3} s (median of {RUNS}); bare SQLite of its main queries: {:.3} s",
        library.as_secs_f64(),
        bare.as_secs_f64()
    );
    let published = |measure: &str| {
        let i = summary.measures.iter().position(|m| m == measure).unwrap();
        summary.overall[i].unwrap()
    };
    println!(
        "  {} visits, {} households counted (as published: moved and rounded to base 5)",
        published("visits"),
        published("households")
    );
    let budget = Duration::from_secs(1);
    println!(
        "  budget ≤ {:.1} s: {}",
        budget.as_secs_f64(),
        if library <= budget { "met" } else { "MISSED" }
    );
    assert!(library <= budget, "the quarterly summary took {library:?}");
}
