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
use pantry::demo::{self, DemoSpec};
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
    let settings_today = Utc::now().date_naive();
    let until = settings_today.pred_opt().unwrap();
    let started = Instant::now();
    let summary = demo::generate(
        &db,
        &DemoSpec {
            households: 100_000,
            weeks: 20,
            seed: 5,
            until: Some(until),
            no_referrals: false,
        },
    )
    .await
    .unwrap();
    println!(
        "demo data: {} households, {} visits in {:.1} s",
        summary.households,
        summary.visits,
        started.elapsed().as_secs_f64()
    );
    let settings = pantry::settings::require(&db).await.unwrap();
    let today = settings.date_at(db.now());
    let week_start = pantry::clock::week_start_of(today, settings.week_start).to_string();

    // Households that may shop today (active, in date, not yet in this week).
    let candidates: Vec<(i64, String)> = sqlx::query_as(
        "SELECT h.id, c.card_number FROM households h JOIN cards c ON c.household_id = h.id AND c.revoked_at IS NULL
         WHERE h.status = 'active' AND h.expires_on >= ?1 AND h.consent_at IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM visits v WHERE v.household_id = h.id AND v.local_date >= ?2)
         ORDER BY random() LIMIT 1800",
    )
    .bind(today.to_string())
    .bind(&week_start)
    .fetch_all(db.pool().unwrap())
    .await
    .unwrap();
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
