//! The two engines side by side (release build): one demo pantry of 100,000 households and
//! about 1.1 million visits, on the laptop's encrypted SQLite file and copied to a PostgreSQL
//! server on this computer (`make bench` starts a throwaway one; PANTRY_TEST_POSTGRES names
//! it). The same library calls on each: check-in at the counter (budget: the server's p99 ≤
//! 1.5 × the laptop's), type-ahead search (p99 ≤ 2 ms) and names typed with a typo (p99 ≤
//! 5 ms), the landlord summary of a quarter (≤ 1 s); and the copy itself (≤ 60 s).
#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use pantry::access::{Actor, Role};
use pantry::db::server::{self, ServerAddress};
use pantry::reports::{self, Period};
use pantry::Db;
use sqlx::Connection;

/// One engine's figures, in milliseconds.
struct Figures {
    check_in_p50: f64,
    check_in_p99: f64,
    search_p99: f64,
    typo_p99: f64,
    summary_median: f64,
    /// Search p99 by kind of query.
    search_kinds: Vec<(&'static str, f64)>,
}

/// An empty server database on the cluster PANTRY_TEST_POSTGRES names, with Pantry's schema.
async fn server_database() -> ServerAddress {
    let cluster = std::env::var("PANTRY_TEST_POSTGRES").unwrap_or_else(|_| {
        panic!(
            "PANTRY_TEST_POSTGRES is not set: run `make bench`, which starts a PostgreSQL server"
        )
    });
    let name = format!("pantry_bench_{}", fastrand::u64(..));
    let mut conn = sqlx::PgConnection::connect(&cluster).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'"
    )))
    .execute(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
    let (base, _) = cluster.rsplit_once('/').unwrap();
    let address = ServerAddress::parse(&format!("{base}/{name}")).unwrap();
    server::migrate(&address, None).await.unwrap();
    address
}

async fn measure(
    db: &Db,
    cards: &[(i64, String)],
    searches: &common::Searches,
    period: &Period,
) -> Figures {
    let (warm, measured) = cards.split_at(100);
    for (_, card) in warm {
        common::check_in(db, card).await;
    }
    let mut check_ins = Vec::new();
    for (_, card) in measured {
        let t = Instant::now();
        common::check_in(db, card).await;
        check_ins.push(t.elapsed());
    }
    check_ins.sort();
    let search = common::measure_search(db, searches).await;
    let mut summaries = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        reports::summary(db, period, &common::volunteer())
            .await
            .unwrap();
        summaries.push(t.elapsed());
    }
    summaries.sort();
    Figures {
        check_in_p50: common::p(&check_ins, 0.5),
        check_in_p99: common::p(&check_ins, 0.99),
        search_p99: common::p(&search.all, 0.99),
        typo_p99: common::p(&search.typo, 0.99),
        summary_median: common::p(&summaries, 0.5),
        search_kinds: search
            .by_kind
            .iter()
            .map(|(kind, times)| (*kind, common::p(times, 0.99)))
            .collect(),
    }
}

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "MISSED"
    }
}

#[tokio::main]
async fn main() {
    let (dir, db) = common::encrypted_pantry().await;
    let made = common::demo_until_yesterday(&db, 22, 13).await;
    let until = chrono::Utc::now().date_naive().pred_opt().unwrap();
    // Half for each engine.
    let (cards, _) = common::may_shop_today(&db, 1200).await;
    let searches = common::search_queries(&db).await;
    let period = Period::parse(&format!(
        "{}..{}",
        until - chrono::Duration::days(90),
        until
    ))
    .unwrap();

    let address = server_database().await;
    let admin = Actor::for_tests("bench", Role::Admin);
    let copied = pantry::backups::copy_to_server(&db, &address, &admin, |_, _| ())
        .await
        .unwrap();
    let copy = Duration::from_secs_f64(copied.seconds);
    let server = Db::open_server(
        &address,
        dir.path(),
        &pantry::keys::KeyStore::Folder(dir.path().join("keys")),
    )
    .await
    .unwrap();

    let (laptop_cards, server_cards) = cards.split_at(600);
    let laptop = measure(&db, laptop_cards, &searches, &period).await;
    let there = measure(&server, server_cards, &searches, &period).await;
    db.close().await;
    server.close().await;

    println!(
        "\n{} households, {} visits; the same library calls on each engine:",
        made.households, made.visits
    );
    println!("                              SQLite (laptop)   PostgreSQL (loopback)   budget");
    let row = |what: &str, a: f64, b: f64, budget: &str| {
        println!("  {what:<28}{a:>10.3} ms {b:>18.3} ms     {budget}");
    };
    row("check-in p50", laptop.check_in_p50, there.check_in_p50, "");
    let ratio = there.check_in_p99 / laptop.check_in_p99;
    row(
        "check-in p99",
        laptop.check_in_p99,
        there.check_in_p99,
        &format!(
            "server ≤ 1.5 × laptop: {ratio:.2} × {}",
            verdict(ratio <= 1.5)
        ),
    );
    for (what, a, b, budget) in [
        (
            "type-ahead search p99",
            laptop.search_p99,
            there.search_p99,
            2.0,
        ),
        ("typo search p99", laptop.typo_p99, there.typo_p99, 5.0),
        (
            "quarter summary (median)",
            laptop.summary_median,
            there.summary_median,
            1000.0,
        ),
    ] {
        row(
            what,
            a,
            b,
            &format!(
                "≤ {budget} ms: laptop {}, server {}",
                verdict(a <= budget),
                verdict(b <= budget)
            ),
        );
    }
    for ((kind, a), (_, b)) in laptop.search_kinds.iter().zip(&there.search_kinds) {
        row(&format!("  search p99: {kind}"), *a, *b, "");
    }
    println!(
        "  copy to the server: {:.1} s for {} households and {} visits   (budget ≤ 60 s: {})",
        copy.as_secs_f64(),
        copied.rows("households"),
        copied.rows("visits"),
        verdict(copy <= Duration::from_secs(60))
    );
}
