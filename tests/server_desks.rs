//! Several desks on one server database at once (real connections, at the same moment):
//! registrations get distinct membership numbers, and the audit trail stays one unbroken
//! chain, however their transactions interleave.
#![allow(clippy::unwrap_used)]

mod common;

use pantry::db::Engine;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn desks_registering_at_once_get_distinct_numbers_and_one_unbroken_trail() {
    let (_dir, db) = common::fresh_db_on(Engine::Postgres).await;
    pantry::settings::save(&db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    // Four desks, each with its own connection from the pool, registering at once.
    let desks: Vec<_> = (0..4)
        .map(|desk| {
            let db = db.clone();
            tokio::spawn(async move {
                let mut numbers = Vec::new();
                for i in 0..6 {
                    let form = common::household(&format!("Desk{desk} Member{i}"));
                    let h = pantry::members::register(
                        &db,
                        &form,
                        Some("a different household"),
                        &common::admin(),
                    )
                    .await
                    .unwrap();
                    numbers.push(h.membership_number);
                }
                numbers
            })
        })
        .collect();
    let mut numbers = Vec::new();
    for desk in desks {
        numbers.extend(desk.await.unwrap());
    }
    let distinct: std::collections::BTreeSet<_> = numbers.iter().collect();
    assert_eq!(distinct.len(), 24, "{numbers:?}");
    // Desks writing things that take no other turn (agencies) still add to one chain.
    let desks: Vec<_> = (0..4)
        .map(|desk| {
            let db = db.clone();
            tokio::spawn(async move {
                for i in 0..10 {
                    let form = pantry::referrals::AgencyForm {
                        name: format!("Advice Desk {desk}-{i}"),
                        kind: Some(pantry::referrals::AgencyKind::Money),
                        phone: "0161 496 0000".into(),
                        ..pantry::referrals::AgencyForm::default()
                    };
                    pantry::referrals::save_agency(&db, None, &form, &common::admin())
                        .await
                        .unwrap();
                }
            })
        })
        .collect();
    for desk in desks {
        desk.await.unwrap();
    }
    let check = pantry::audit::chain::verify(&db).await.unwrap();
    assert_eq!(check.broken, None);
    assert_eq!(check.head.entries, common::count(&db, "audit_log").await);
    assert!(check.head.entries >= 65);
    db.close().await;
}
