//! Members benchmarks on generated data (release build): type-ahead search over 100,000
//! households (budget p99 ≤ 2 ms; names typed with a typo p99 ≤ 5 ms) and importing a
//! 100,000-row spreadsheet (budget ≤ 5 s).
//! Run with `make bench` or `cargo bench --bench members`.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Instant;

use pantry::access::{Actor, Role};
use pantry::{import, settings};

const HOUSEHOLDS: u32 = 100_000;

#[tokio::main]
async fn main() {
    let (_dir, db) = common::encrypted_pantry().await;
    common::demo_pantry(&db, HOUSEHOLDS, 1, 11).await;

    let searches = common::search_queries(&db).await;
    let times = common::measure_search(&db, &searches).await;
    println!(
        "\ntype-ahead search, {} households, {} queries:",
        HOUSEHOLDS,
        times.all.len()
    );
    println!(
        "  all            p50 {:.3} ms  p99 {:.3} ms  max {:.3} ms   (budget p99 ≤ 2 ms)",
        common::p(&times.all, 0.5),
        common::p(&times.all, 0.99),
        common::p(&times.all, 1.0)
    );
    for (kind, times) in &times.by_kind {
        println!(
            "  {kind:<16}p50 {:.3} ms  p99 {:.3} ms",
            common::p(times, 0.5),
            common::p(times, 0.99)
        );
    }
    println!(
        "  {:<16}p50 {:.3} ms  p99 {:.3} ms  max {:.3} ms   (budget p99 ≤ 5 ms; {} queries)",
        "typo",
        common::p(&times.typo, 0.5),
        common::p(&times.typo, 0.99),
        common::p(&times.typo, 1.0),
        times.typo.len()
    );
    db.close().await;

    // Import: 100,000 rows into an empty pantry.
    let (_dir, db) = common::encrypted_pantry().await;
    settings::save(
        &db,
        &pantry::demo::demo_settings_form(),
        &Actor::for_tests("bench", Role::Admin),
    )
    .await
    .unwrap();
    let mut csv = String::from("Name,Postcode,Adults,Children,Phone,Date joined,Consent\r\n");
    for i in 0..100_000u32 {
        csv.push_str(&format!(
            "Member{i} Surname{},OL{} {}AB,{},{},,{:02}/{:02}/2024,yes\r\n",
            i % 977,
            1 + i % 9,
            i % 10,
            1 + i % 3,
            i % 4,
            1 + i % 28,
            1 + i % 12
        ));
    }
    let started = Instant::now();
    let sheet = import::read_sheet(csv.as_bytes(), "big.csv").unwrap();
    let read = started.elapsed();
    let mapping = import::suggest_mapping(&sheet.headers);
    let report = import::import(
        &db,
        &sheet,
        &mapping,
        &Actor::for_tests("bench", Role::Manager),
        &mut |_| {},
    )
    .await
    .unwrap();
    let total = started.elapsed();
    assert_eq!(
        report.good,
        100_000,
        "{:?}",
        &report.problems[..report.problems.len().min(3)]
    );
    println!(
        "\nspreadsheet import: 100,000 rows ({:.1} MB CSV) read in {:.2} s, checked and imported in {:.2} s total   (budget ≤ 5 s)",
        csv.len() as f64 / 1e6,
        read.as_secs_f64(),
        total.as_secs_f64()
    );
    db.close().await;
}
