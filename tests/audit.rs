//! The audit trail: what is recorded, listing it with filters, and that it cannot be changed.
#![allow(clippy::unwrap_used)]

mod common;

use pantry::access::Role;
use pantry::backups::{self, BackupReason};
use pantry::members::{self, erasure};
use pantry::trail::{self, AuditFilter};
use pantry::{settings, visits, Error};

#[tokio::test(flavor = "multi_thread")]
async fn the_trail_lists_filters_and_refuses_changes() {
    let (_dir, db) = common::fresh_db().await;
    settings::save(&db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    backups::back_up(
        &db,
        BackupReason::Manual,
        &common::named("Alex", Role::Admin),
    )
    .await
    .unwrap();

    let all = trail::list(&db, &AuditFilter::default(), &common::manager())
        .await
        .unwrap();
    assert_eq!(all.matching, 2);
    assert_eq!(all.entries[0].action, "backups.taken");
    assert!(
        all.actions.contains(&"settings.saved".to_owned())
            || all.actions.iter().any(|a| a.starts_with("settings"))
    );

    let by_action = trail::list(
        &db,
        &AuditFilter {
            action: "backups.taken".into(),
            ..AuditFilter::default()
        },
        &common::manager(),
    )
    .await
    .unwrap();
    assert_eq!(
        (by_action.matching, by_action.entries[0].actor.as_str()),
        (1, "Alex")
    );
    let by_text = trail::list(
        &db,
        &AuditFilter {
            text: "settings".into(),
            ..AuditFilter::default()
        },
        &common::manager(),
    )
    .await
    .unwrap();
    assert_eq!(by_text.matching, 1);
    let none = trail::list(
        &db,
        &AuditFilter {
            from: "2999-01-01".into(),
            ..AuditFilter::default()
        },
        &common::manager(),
    )
    .await
    .unwrap();
    assert_eq!(none.matching, 0);
    let Error::Validation(fields) = trail::list(
        &db,
        &AuditFilter {
            to: "yesterday".into(),
            ..AuditFilter::default()
        },
        &common::manager(),
    )
    .await
    .unwrap_err() else {
        panic!()
    };
    assert_eq!(fields[0].field, "to");

    assert!(sqlx::query("UPDATE audit_log SET actor = 'someone else'")
        .execute(db.pool().unwrap())
        .await
        .is_err());
    assert!(sqlx::query("DELETE FROM audit_log")
        .execute(db.pool().unwrap())
        .await
        .is_err());
}

on_both_engines! {
async fn the_trail_reads_as_sentences_naming_what_it_is_about_as_it_is_now(engine) {
    let (_dir, db) = common::fresh_db_on(engine).await;
    settings::save(&db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    let pat = common::named("Pat", Role::Manager);
    let h = members::register(&db, &common::household("Zoë Öztürk"), None, &pat)
        .await
        .unwrap();
    let visit = common::visit(&db, h.id).await;
    visits::void_visit(&db, visit.id, "wrong household", &pat)
        .await
        .unwrap();
    let sentences = |page: trail::AuditPage| {
        page.entries
            .into_iter()
            .map(|e| e.sentence)
            .collect::<Vec<_>>()
    };
    let trail = sentences(
        trail::list(&db, &AuditFilter::default(), &common::manager())
            .await
            .unwrap(),
    );
    let number = &h.membership_number;
    assert_eq!(
        trail,
        [
            format!("Pat undid a visit of {number}: wrong household."),
            format!("Pat registered household {number}."),
            "test set up the pantry.".to_owned(),
        ]
    );

    // Once erased, the household is no longer named, nor the reason given about its visit.
    erasure::erase(&db, h.id, "the member asked", &common::admin())
        .await
        .unwrap();
    let trail = sentences(
        trail::list(&db, &AuditFilter::default(), &common::manager())
            .await
            .unwrap(),
    );
    assert_eq!(
        trail[..3],
        [
            "test erased a household's personal details on request.".to_owned(),
            "Pat undid a visit of an erased household.".to_owned(),
            "Pat registered an erased household.".to_owned(),
        ]
    );
}
}
