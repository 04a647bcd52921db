//! Counter benchmark (release build) on `demo-data` with 100,000 households and about a
//! million visits: the whole check-in path (card lookup → eligibility → visit committed with
//! synchronous=FULL) through the library on the encrypted database, against the bare SQLite
//! cost of the same statements run directly in the same process on an unencrypted copy of
//! the same rows (and, for information, on the encrypted file). Budget: p99 ≤ 1.5 × bare
//! unencrypted.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use chrono::Utc;
use pantry::access::{Actor, Role};
use pantry::demo::{self, DemoSpec};
use pantry::visits::{self, FeeMethod, ScanOutcome, VisitForm};
use pantry::Db;

const SETTINGS_SQL: [&str; 3] = [
    "SELECT name, short_code, address, landlord_name, time_zone, weekly_fee_pence, items_per_visit, visits_per_week, membership_weeks, retention_months, visit_rule, week_start, days_between_visits, updated_at FROM pantry_settings WHERE id = 1",
    "SELECT id, name FROM neighbourhoods WHERE active = 1 ORDER BY position, id",
    "SELECT district, neighbourhood_id FROM postcode_districts ORDER BY district",
];
const CARD_SQL: &str =
    "SELECT household_id, card_number, revoked_at, revoke_reason FROM cards WHERE card_number = ?";
const HOUSEHOLD_SQL: &str = "SELECT h.id, h.membership_number, h.lead_name, h.adults, h.children, h.neighbourhood_id, h.landlord_tenant, n.name AS neighbourhood, h.allergies, h.dietary, h.dietary_notes, h.status, h.expires_on, h.consent_at IS NOT NULL AS has_consent, h.erased_at IS NOT NULL AS erased FROM households h LEFT JOIN neighbourhoods n ON n.id = h.neighbourhood_id WHERE h.id = ?";
const DATES_SQL: &str = "SELECT local_date FROM visits WHERE household_id = ? AND voided_at IS NULL AND local_date >= ?";
const LAST_SQL: &str = "SELECT local_date FROM visits WHERE household_id = ? AND voided_at IS NULL ORDER BY at DESC LIMIT 1";
const REQUEST_SQL: &str =
    "SELECT v.id FROM visits v JOIN households h ON h.id = v.household_id WHERE v.request_id = ?";
const INSERT_SQL: &str = "INSERT INTO visits (household_id, at, local_date, items, fee_pence, fee_method, volunteer, note, snap_adults, snap_children, snap_neighbourhood_id, snap_landlord_tenant, snap_language, card_number, request_id, override_reason) VALUES (?, ?, ?, 10, 350, 'cash', 'bench', '', 2, 1, 1, 1, 'en', ?, ?, NULL) RETURNING id";
const VISIT_SQL: &str = "SELECT v.id, v.household_id, h.lead_name, h.membership_number, v.at, v.local_date, v.items, v.fee_pence, v.fee_method, v.volunteer, v.note, v.override_reason, v.voided_at, v.void_reason FROM visits v JOIN households h ON h.id = v.household_id WHERE v.id = ?";

/// The statements the library runs for one check-in and one recorded visit, run bare.
async fn bare(db: &Db, id: i64, card: &str, week_start: &str, today: &str, request: &str) {
    let pool = db.pool();
    sqlx::query(CARD_SQL)
        .bind(card)
        .fetch_optional(pool)
        .await
        .unwrap();
    for sql in SETTINGS_SQL {
        sqlx::query(sql).fetch_all(pool).await.unwrap();
    }
    sqlx::query(HOUSEHOLD_SQL)
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap();
    sqlx::query(DATES_SQL)
        .bind(id)
        .bind(week_start)
        .fetch_all(pool)
        .await
        .unwrap();
    sqlx::query(LAST_SQL)
        .bind(id)
        .fetch_optional(pool)
        .await
        .unwrap();
    // Recording.
    for sql in SETTINGS_SQL {
        sqlx::query(sql).fetch_all(pool).await.unwrap();
    }
    let mut tx = db.begin_write().await.unwrap();
    sqlx::query(REQUEST_SQL)
        .bind(request)
        .fetch_optional(&mut *tx)
        .await
        .unwrap();
    sqlx::query(CARD_SQL)
        .bind(card)
        .fetch_optional(&mut *tx)
        .await
        .unwrap();
    sqlx::query(HOUSEHOLD_SQL)
        .bind(id)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    sqlx::query(DATES_SQL)
        .bind(id)
        .bind(week_start)
        .fetch_all(&mut *tx)
        .await
        .unwrap();
    sqlx::query(LAST_SQL)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await
        .unwrap();
    let visit: i64 = sqlx::query_scalar(INSERT_SQL)
        .bind(id)
        .bind(Utc::now().to_rfc3339())
        .bind(today)
        .bind(card)
        .bind(request)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    sqlx::query(VISIT_SQL)
        .bind(visit)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

async fn library(db: &Db, card: &str) {
    let ScanOutcome::Found { check_in } =
        visits::scan(db, card, &common::volunteer()).await.unwrap()
    else {
        panic!("card {card} not found")
    };
    assert!(check_in.verdict.eligible, "{:?}", check_in.verdict);
    let form = VisitForm {
        household_id: check_in.household.id,
        request_id: check_in.request_id.clone(),
        card_number: check_in.card_number.clone(),
        items: check_in.items_default.to_string(),
        fee_method: FeeMethod::Cash,
        note: String::new(),
        override_reason: None,
        lines: Vec::new(),
    };
    visits::record_visit(db, &form, &Actor::for_tests("bench", Role::Counter))
        .await
        .unwrap();
}

fn p(sorted: &[Duration], q: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * q).round() as usize].as_secs_f64() * 1000.0
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
    .fetch_all(db.pool())
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
            library(&db, card).await;
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
            library(&db, card).await;
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
        p(&lib, 0.5),
        p(&lib, 0.99)
    );
    println!(
        "  bare, unencrypted copy  p50 {:.3} ms  p99 {:.3} ms",
        p(&raw, 0.5),
        p(&raw, 0.99)
    );
    println!(
        "  bare, encrypted file    p50 {:.3} ms  p99 {:.3} ms",
        p(&raw_encrypted, 0.5),
        p(&raw_encrypted, 0.99)
    );
    println!(
        "  ratio to bare unencrypted: p99 {:.2} (budget ≤ 1.5)   p50 {:.2}",
        p(&lib, 0.99) / p(&raw, 0.99),
        p(&lib, 0.5) / p(&raw, 0.5)
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
        p(&starts, 0.5),
        p(&starts, 1.0)
    );
}
