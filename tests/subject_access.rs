//! Subject access covers everything held about a household. The schema is read
//! (`sqlite_master`, `pragma_foreign_key_list`) for every table that refers to a household,
//! directly or through one of its visits or referrals: each must have its section in the
//! export, holding every one of the household's rows; a new table cannot be forgotten.
#![allow(clippy::unwrap_used)]

mod common;
#[path = "common/zebulon.rs"]
mod zebulon;

use sqlx::AssertSqlSafe;
use std::process::Command;

use pantry::members::protection;

/// Where each table that refers to a household is found in the JSON export.
const COVERED: &[(&str, &str)] = &[
    ("household_members", "/household/members"),
    ("household_changes", "/history"),
    ("membership_events", "/membershipEvents"),
    ("visits", "/visits"),
    ("stock_movements", "/visitItems"),
    ("referrals", "/referrals"),
    ("cards", "/cards"),
    ("household_files", "/files"),
    ("support_needs", "/supportNeeds"),
    ("contact_attempts", "/contacts"),
    ("delivery_households", "/delivery"),
    ("home_deliveries", "/homeDeliveries"),
];

/// Tables with a foreign key to `households`, or to `visits` or `referrals`: (table,
/// column, the table it refers to).
async fn referring_tables(db: &pantry::Db) -> Vec<(String, String, String)> {
    sqlx::query_as(
        "SELECT m.name, f.\"from\", f.\"table\" FROM sqlite_master m, pragma_foreign_key_list(m.name) f
         WHERE m.type = 'table' AND f.\"table\" IN ('households', 'visits', 'referrals')
         ORDER BY m.name",
    )
    .fetch_all(db.pool().unwrap())
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn subject_access_covers_every_table_that_refers_to_a_household() {
    let (_dir, db) = common::fresh_db().await;
    let (z, _) = zebulon::pantry_with_zebulon(&db).await;
    let access = protection::subject_access(&db, z, &common::manager())
        .await
        .unwrap();
    let json = serde_json::to_value(&access).unwrap();
    let tables = referring_tables(&db).await;
    assert!(tables.len() >= COVERED.len(), "{tables:?}");
    for (table, column, refers_to) in &tables {
        let Some((_, pointer)) = COVERED.iter().find(|(t, _)| t == table) else {
            panic!(
                "{table}.{column} refers to {refers_to}, but subject access does not cover {table}: \
                 add it to the export (and to COVERED here)"
            );
        };
        // A row is the household's when any of the table's references leads to it.
        let any: Vec<String> = tables
            .iter()
            .filter(|(t, _, _)| t == table)
            .map(|(_, column, refers_to)| {
                format!(
                    "\"{column}\" IN (
                         SELECT ?1 WHERE '{refers_to}' = 'households'
                         UNION SELECT id FROM visits WHERE household_id = ?1 AND '{refers_to}' = 'visits'
                         UNION SELECT id FROM referrals WHERE household_id = ?1 AND '{refers_to}' = 'referrals')"
                )
            })
            .collect();
        let held: i64 = sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM \"{table}\" WHERE {}",
            any.join(" OR ")
        )))
        .bind(z)
        .fetch_one(db.pool().unwrap())
        .await
        .unwrap();
        let shown = json
            .pointer(pointer)
            .and_then(|v| v.as_array())
            .unwrap_or_else(|| panic!("no {pointer} in the export"))
            .len();
        assert_eq!(
            i64::try_from(shown).unwrap(),
            held,
            "{table}: the export shows {shown} of the household's {held} rows"
        );
    }
    // The household has rows in each (but items taken: this pantry counts items).
    for (table, pointer) in COVERED {
        let rows = json.pointer(pointer).unwrap().as_array().unwrap().len();
        assert!(rows > 0 || *table == "stock_movements", "{table} is empty");
    }
    // The values themselves are there: visit notes and reasons, referral detail and outcome.
    let visits = &json["visits"];
    assert!(visits.to_string().contains("brought the pram back"));
    assert!(visits.to_string().contains("flood at home"));
    assert!(visits.to_string().contains("typed twice by Quentin"));
    let referral = &json["referrals"][0];
    assert_eq!(referral["reasonDetail"], "owes 4000 GBP on a doorstep loan");
    assert_eq!(referral["outcomeNote"], "plan agreed with StepChange xq");
    assert_eq!(json["cards"][1]["revokeReason"], "lost it on the 409 bus");
    assert_eq!(json["household"]["consentVersion"], "2026-11");
    // Audit entries about it (the household and its referral), by subject.
    let audit = json["audit"].as_array().unwrap();
    assert!(audit.iter().any(|e| e["action"] == "household.registered"));
    assert!(audit.iter().any(|e| e["action"] == "referral.outcome"));
    assert!(audit.iter().all(|e| {
        let s = e["subject"].as_str().unwrap();
        s == format!("household:{z}") || s.starts_with("referral:")
    }));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_pdf_holds_visits_with_notes_referrals_cards_and_files() {
    let (dir, db) = common::fresh_db().await;
    let (z, _) = zebulon::pantry_with_zebulon(&db).await;
    let files = protection::write_subject_access(&db, z, Some(dir.path()), &common::manager())
        .await
        .unwrap();
    let text = Command::new("pdftotext")
        .arg("-layout")
        .arg(&files[1])
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    for words in [
        "What we hold about you",
        "Zebulon Quixworth",
        "Ottoline",
        "brought the pram back",
        "Undone by",
        "owes 4000 GBP",
        "StepChange",
        "lost it on the 409 bus",
        "Your referrals",
        "Documents we printed",
        "household.registered",
    ] {
        assert!(text.contains(words), "{words} missing from:\n{text}");
    }
}
