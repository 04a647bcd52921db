//! Counter benchmark (release build) on `demo-data` with 100,000 households and about a
//! million visits: the whole check-in path (card lookup → eligibility → visit committed with
//! synchronous=FULL) through the library on the encrypted database, against the bare SQLite
//! cost of the same statements run directly in the same process on an unencrypted copy of
//! the same rows (and, for information, on the encrypted file). Budget: p99 ≤ 1.5 × bare
//! unencrypted.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Instant;

use chrono::Utc;
use pantry::access::{Actor, Role};
use pantry::visits;
use pantry::Db;
use pantry::{cards, settings};

/// The statements the library runs for one check-in and one recorded visit (its own,
/// `visits::COUNTER_ROW_SQL` …), run bare with the same values.
async fn bare(db: &Db, id: i64, card: &str, week_start: &str, today: &str, request: &str) {
    let pool = db.pool().unwrap();
    sqlx::query(cards::LOOKUP_SQL)
        .bind(card)
        .fetch_optional(pool)
        .await
        .unwrap();
    for sql in settings::LOAD_SQL {
        sqlx::query(sql).fetch_all(pool).await.unwrap();
    }
    sqlx::query(visits::COUNTER_ROW_SQL)
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap();
    sqlx::query(visits::DATES_SINCE_SQL)
        .bind(id)
        .bind(week_start)
        .fetch_all(pool)
        .await
        .unwrap();
    sqlx::query(visits::LAST_DATE_SQL)
        .bind(id)
        .fetch_optional(pool)
        .await
        .unwrap();
    // Recording.
    for sql in settings::LOAD_SQL {
        sqlx::query(sql).fetch_all(pool).await.unwrap();
    }
    let mut tx = db.begin_write().await.unwrap();
    sqlx::query(visits::VISIT_FOR_REQUEST_SQL)
        .bind(request)
        .fetch_optional(tx.sqlite().unwrap())
        .await
        .unwrap();
    sqlx::query(cards::LOOKUP_SQL)
        .bind(card)
        .fetch_optional(tx.sqlite().unwrap())
        .await
        .unwrap();
    sqlx::query(visits::COUNTER_ROW_SQL)
        .bind(id)
        .fetch_one(tx.sqlite().unwrap())
        .await
        .unwrap();
    sqlx::query(visits::DATES_SINCE_SQL)
        .bind(id)
        .bind(week_start)
        .fetch_all(tx.sqlite().unwrap())
        .await
        .unwrap();
    sqlx::query(visits::LAST_DATE_SQL)
        .bind(id)
        .fetch_optional(tx.sqlite().unwrap())
        .await
        .unwrap();
    let visit: i64 = sqlx::query_scalar(visits::INSERT_VISIT_SQL)
        .bind(id)
        .bind(Utc::now())
        .bind(today)
        .bind(10)
        .bind(350)
        .bind("cash")
        .bind("bench")
        .bind("")
        .bind(2)
        .bind(1)
        .bind(1)
        .bind(true)
        .bind("en")
        .bind(card)
        .bind(request)
        .bind(None::<&str>)
        .bind("counter")
        .fetch_one(tx.sqlite().unwrap())
        .await
        .unwrap();
    sqlx::query(visits::VISIT_SQL)
        .bind(visit)
        .fetch_one(tx.sqlite().unwrap())
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

#[tokio::main]
async fn main() {
    let (dir, db) = common::encrypted_pantry().await;
    common::demo_until_yesterday(&db, 20, 5).await;
    let settings = pantry::settings::require(&db).await.unwrap();
    let today = settings.date_at(db.now());
    let (candidates, week_start) = common::may_shop_today(&db, 1800).await;
    // The same rows, unencrypted: the bare cost the budget is measured against.
    let plain_dir = tempfile::tempdir().unwrap();
    let plain_path = plain_dir.path().join("plain.sqlite3");
    pantry::encryption::export_plain(
        &db,
        &plain_path,
        pantry::output::Existing::Refuse,
        &Actor::for_tests("bench", Role::Admin),
    )
    .await
    .unwrap();
    let (plain, _) = Db::open_unencrypted(&plain_path).await.unwrap();
    let (warm, measured) = candidates.split_at(300);
    for (i, (id, card)) in warm.iter().enumerate() {
        if i % 3 == 0 {
            common::check_in(&db, card).await;
        } else {
            bare(
                if i % 3 == 1 { &plain } else { &db },
                *id,
                card,
                &week_start,
                &today.to_string(),
                &format!("warm{i}"),
            )
            .await;
        }
    }
    let (mut lib, mut raw, mut raw_encrypted) = (Vec::new(), Vec::new(), Vec::new());
    for (i, (id, card)) in measured.iter().enumerate() {
        let t = Instant::now();
        if i % 3 == 0 {
            common::check_in(&db, card).await;
            lib.push(t.elapsed());
        } else {
            bare(
                if i % 3 == 1 { &plain } else { &db },
                *id,
                card,
                &week_start,
                &today.to_string(),
                &format!("bare{i}"),
            )
            .await;
            if i % 3 == 1 {
                raw.push(t.elapsed());
            } else {
                raw_encrypted.push(t.elapsed());
            }
        }
    }
    lib.sort();
    raw.sort();
    raw_encrypted.sort();
    println!(
        "\ncheck-in path (scan → eligibility → visit committed, synchronous=FULL), {} each:",
        lib.len()
    );
    println!(
        "  library  p50 {:.3} ms  p99 {:.3} ms",
        common::p(&lib, 0.5),
        common::p(&lib, 0.99)
    );
    println!(
        "  bare, unencrypted copy  p50 {:.3} ms  p99 {:.3} ms",
        common::p(&raw, 0.5),
        common::p(&raw, 0.99)
    );
    println!(
        "  bare, encrypted file    p50 {:.3} ms  p99 {:.3} ms",
        common::p(&raw_encrypted, 0.5),
        common::p(&raw_encrypted, 0.99)
    );
    println!(
        "  ratio to bare unencrypted: p99 {:.2} (budget ≤ 1.5)   p50 {:.2}",
        common::p(&lib, 0.99) / common::p(&raw, 0.99),
        common::p(&lib, 0.5) / common::p(&raw, 0.5)
    );
    plain.close().await;
    db.close().await;

    // Opening the app to a usable counter: what the desktop shell does before its window shows
    // the counter (a pending restore looked for, the encrypted database opened with the key
    // from the key store, the audit chain checked), then the counter's first figures.
    let keys = pantry::keys::KeyStore::Folder(dir.path().join("keys"));
    let mut starts = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        pantry::backups::finish_pending_restore(
            &dir.path().join(pantry::paths::DATABASE_FILE),
            &keys,
        )
        .await
        .unwrap();
        let (db, _) = Db::open_in(dir.path(), &keys).await.unwrap();
        pantry::encryption::note_audit_break(&db).await.unwrap();
        pantry::settings::require(&db).await.unwrap();
        visits::today(&db, &common::volunteer()).await.unwrap();
        starts.push(t.elapsed());
        db.close().await;
    }
    starts.sort();
    println!(
        "\nopening to a usable counter (100,000 households, encrypted), 5 starts: median {:.0} ms  worst {:.0} ms (budget ≤ 1500 ms)",
        common::p(&starts, 0.5),
        common::p(&starts, 1.0)
    );
}
