//! The counter story against a real database: register → check in → refuse a second visit
//! the same week → manager override → undo → cash-up.
#![allow(clippy::unwrap_used)]

mod common;

use pantry::households::form::HouseholdForm;
use pantry::members;
use pantry::visits::{self, FeeMethod, ReasonCode, ScanOutcome, VisitForm};
use pantry::{cards, households, settings, Db, Error};

async fn pantry_with(
    engine: pantry::db::Engine,
    name: &str,
) -> (tempfile::TempDir, Db, households::Household) {
    let (dir, db) = common::fresh_db_on(engine).await;
    settings::save(&db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    let form = HouseholdForm {
        lead_name: name.into(),
        adults: "2".into(),
        children: "3".into(),
        postcode: "OL1 3BQ".into(),
        consent_given: true,
        ..HouseholdForm::default()
    };
    let h = members::register(&db, &form, None, &common::admin())
        .await
        .unwrap();
    (dir, db, h)
}

async fn card_of(db: &Db, id: i64) -> String {
    members::page(db, id, &common::admin()).await.unwrap().cards[0]
        .card_number
        .clone()
}

fn found(outcome: ScanOutcome) -> visits::CheckIn {
    match outcome {
        ScanOutcome::Found { check_in } => *check_in,
        other => panic!("expected a household, got {other:?}"),
    }
}

fn visit_form(check_in: &visits::CheckIn, method: FeeMethod) -> VisitForm {
    VisitForm {
        household_id: check_in.household.id,
        request_id: check_in.request_id.clone(),
        card_number: check_in.card_number.clone(),
        items: check_in.items_default.to_string(),
        fee_method: method,
        note: String::new(),
        override_reason: None,
        lines: Vec::new(),
    }
}

on_both_engines! {
async fn register_check_in_refuse_override_void_and_cash_up(engine) {
    let (_dir, db, h) = pantry_with(engine, "Amelia Smith").await;
    let card = card_of(&db, h.id).await;

    let first = found(visits::scan(&db, &card, &common::admin()).await.unwrap());
    assert!(first.verdict.eligible, "{:?}", first.verdict);
    assert_eq!(first.household.people, "2 adults, 3 children");
    assert_eq!(first.fee_pence, 400);
    let visit = visits::record_visit(
        &db,
        &visit_form(&first, FeeMethod::Cash),
        &common::manager(),
    )
    .await
    .unwrap();
    assert_eq!(
        (visit.items, visit.fee_pence, visit.fee_method),
        (10, 400, FeeMethod::Cash)
    );

    // Pressing Enter twice records once.
    let again = visits::record_visit(
        &db,
        &visit_form(&first, FeeMethod::Cash),
        &common::manager(),
    )
    .await
    .unwrap();
    assert_eq!(again.id, visit.id);
    assert_eq!(common::count(&db, "visits").await, 1);

    // A second check-in the same week is refused, with the reason.
    let second = found(
        visits::scan(&db, &h.membership_number, &common::admin())
            .await
            .unwrap(),
    );
    assert!(!second.verdict.eligible);
    assert_eq!(second.verdict.reasons[0].code, ReasonCode::VisitLimit);
    assert_eq!(second.verdict.visits_this_period, 1);
    let refused = visits::record_visit(
        &db,
        &visit_form(&second, FeeMethod::Card),
        &common::manager(),
    )
    .await
    .unwrap_err();
    let Error::NotEligible { reasons } = &refused else {
        panic!("{refused:?}")
    };
    assert!(
        reasons[0].starts_with("Already visited this week"),
        "{reasons:?}"
    );
    assert_eq!(common::count(&db, "visits").await, 1);

    // A manager overrides with a reason, which is recorded.
    let overridden = VisitForm {
        override_reason: Some("Emergency: no food at home".into()),
        ..visit_form(&second, FeeMethod::Card)
    };
    let extra = visits::record_visit(&db, &overridden, &common::manager())
        .await
        .unwrap();
    assert_eq!(
        extra.override_reason.as_deref(),
        Some("Emergency: no food at home")
    );
    let audits: Vec<(i64,)> = common::rows(
        &db,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'visit.override'",
        &[],
    )
    .await;
    assert_eq!(audits, [(1,)]);

    // Undo keeps the visit, marked void, and it stops counting.
    assert!(
        visits::void_visit(&db, extra.id, " ", &common::manager())
            .await
            .is_err(),
        "a reason is needed"
    );
    let voided = visits::void_visit(
        &db,
        extra.id,
        "Recorded twice by mistake",
        &common::manager(),
    )
    .await
    .unwrap();
    assert!(voided.voided_at.is_some());
    assert!(matches!(
        visits::void_visit(&db, extra.id, "again", &common::manager()).await,
        Err(Error::Conflict(_))
    ));
    assert_eq!(
        common::count(&db, "visits").await,
        2,
        "voided, never deleted"
    );

    // Today and the cash-up count only what stands: one cash visit of £4.
    let today = visits::today(&db, &common::admin()).await.unwrap();
    assert_eq!(
        (today.visits, today.households, today.people, today.items),
        (1, 1, 5, 10)
    );
    assert_eq!(today.fees[0].pence, 400);
    assert_eq!(
        today.fees[1].visits, 0,
        "the voided card payment is not counted"
    );
    assert_eq!(today.recent.len(), 2, "the voided visit is listed, marked");
    let up = visits::cash_up(&db, "3.50", "Sam", &common::admin())
        .await
        .unwrap();
    assert_eq!(
        (up.expected_pence, up.counted_pence, up.difference_pence),
        (400, 350, -50)
    );
    assert_eq!(
        visits::today(&db, &common::admin())
            .await
            .unwrap()
            .cash_up
            .unwrap()
            .difference_pence,
        -50
    );
    assert!(matches!(
        visits::cash_up(&db, "lots", "Sam", &common::admin()).await,
        Err(Error::Validation(_))
    ));
}
}

on_both_engines! {
async fn a_visit_freezes_the_household_as_it_was(engine) {
    let (_dir, db, h) = pantry_with(engine, "Amelia Smith").await;
    let check_in = found(
        visits::scan(&db, &h.membership_number, &common::admin())
            .await
            .unwrap(),
    );
    visits::record_visit(
        &db,
        &visit_form(&check_in, FeeMethod::Waived),
        &common::manager(),
    )
    .await
    .unwrap();
    let mut form = members::page(&db, h.id, &common::admin())
        .await
        .unwrap()
        .form;
    form.children = "0".into();
    households::update(&db, h.id, &form, &common::admin())
        .await
        .unwrap();
    let visits: Vec<(i64, i64)> =
        common::rows(&db, "SELECT snap_children, fee_pence FROM visits", &[]).await;
    assert_eq!(visits, [(3, 0)], "snapshot kept; waived fee is 0");
}
}

on_both_engines! {
async fn scans_find_cards_numbers_and_names_and_explain_the_rest(engine) {
    let (_dir, db, h) = pantry_with(engine, "Zoë Öztürk").await;
    let old = card_of(&db, h.id).await;
    let new = cards::reissue(&db, h.id, "Lost", &common::admin())
        .await
        .unwrap();

    let revoked = found(visits::scan(&db, &old, &common::admin()).await.unwrap());
    assert_eq!(revoked.verdict.reasons[0].code, ReasonCode::CardRevoked);
    assert!(revoked.verdict.reasons[0]
        .message
        .contains(&new.card_number));
    let refused = visits::record_visit(
        &db,
        &visit_form(&revoked, FeeMethod::Cash),
        &common::manager(),
    )
    .await
    .unwrap_err();
    assert!(matches!(refused, Error::NotEligible { .. }));
    assert!(
        found(
            visits::scan(&db, &new.card_number, &common::admin())
                .await
                .unwrap()
        )
        .verdict
        .eligible
    );

    let Ok(ScanOutcome::Matches { households }) = visits::scan(&db, "zoe", &common::admin()).await
    else {
        panic!()
    };
    assert_eq!(households[0].id, h.id);
    let unknown_valid = pantry::membership::number_for_serial(4242).unwrap();
    let Ok(ScanOutcome::Unknown {
        message,
        number,
        register_number,
    }) = visits::scan(&db, &unknown_valid, &common::admin()).await
    else {
        panic!()
    };
    assert_eq!(number, unknown_valid);
    assert!(message.contains("Register them"), "{message}");
    assert_eq!(register_number.as_deref(), Some(unknown_valid.as_str()));
    // Registering with that number pre-filled gives the household exactly that number.
    let form = HouseholdForm {
        membership_number: unknown_valid.clone(),
        lead_name: "New Member".into(),
        adults: "1".into(),
        children: "0".into(),
        postcode: "M1 1AE".into(),
        consent_given: true,
        ..HouseholdForm::default()
    };
    let registered = members::register(&db, &form, None, &common::admin())
        .await
        .unwrap();
    assert_eq!(registered.membership_number, unknown_valid);
    assert!(
        found(
            visits::scan(&db, &unknown_valid, &common::admin())
                .await
                .unwrap()
        )
        .verdict
        .eligible
    );
    let again = HouseholdForm {
        lead_name: "Someone Else".into(),
        postcode: "M2 2BB".into(),
        ..form
    };
    let taken = members::register(&db, &again, None, &common::admin())
        .await
        .unwrap_err();
    assert!(
        taken.to_string().contains("already belongs to New Member"),
        "{taken}"
    );
    let Ok(ScanOutcome::Unknown { message, .. }) =
        visits::scan(&db, "12345678", &common::admin()).await
    else {
        panic!()
    };
    assert!(message.contains("not a valid"), "{message}");
}
}

on_both_engines! {
async fn bad_visit_input_is_refused_field_by_field_and_records_nothing(engine) {
    let (_dir, db, h) = pantry_with(engine, "Amelia Smith").await;
    let check_in = found(
        visits::scan(&db, &h.membership_number, &common::admin())
            .await
            .unwrap(),
    );
    let bad = VisitForm {
        items: "lots".into(),
        ..visit_form(&check_in, FeeMethod::Cash)
    };
    let Error::Validation(fields) = visits::record_visit(&db, &bad, &common::manager())
        .await
        .unwrap_err()
    else {
        panic!()
    };
    assert_eq!(
        fields.iter().map(|f| f.field.as_str()).collect::<Vec<_>>(),
        ["items"]
    );
    assert_eq!(common::count(&db, "visits").await, 0);
}
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreadable_stored_value_is_an_error_that_names_it_never_a_default() {
    let (_dir, db, h) = pantry_with(pantry::db::Engine::Sqlite, "Amelia Smith").await;
    // As another tool might leave it: no date where the membership's end should be.
    sqlx::query("UPDATE households SET expires_on = 'soon' WHERE id = ?")
        .bind(h.id)
        .execute(db.pool().unwrap())
        .await
        .unwrap();
    let err = visits::check_in(&db, h.id, None, &common::admin())
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains(&h.membership_number) && err.to_string().contains("soon"),
        "{err}"
    );
    // A status another tool wrote past the CHECK constraint is not taken as "active".
    let mut conn = db.pool().unwrap().acquire().await.unwrap();
    sqlx::query("PRAGMA ignore_check_constraints = ON")
        .execute(&mut *conn)
        .await
        .unwrap();
    sqlx::query("UPDATE households SET expires_on = '2099-01-01', status = 'gone' WHERE id = ?")
        .bind(h.id)
        .execute(&mut *conn)
        .await
        .unwrap();
    drop(conn);
    let err = visits::check_in(&db, h.id, None, &common::admin())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("\"gone\""), "{err}");
    sqlx::query("UPDATE pantry_settings SET time_zone = 'Mars/Olympus'")
        .execute(db.pool().unwrap())
        .await
        .unwrap();
    let err = settings::require(&db).await.unwrap_err();
    assert!(err.to_string().contains("Mars/Olympus"), "{err}");
}

on_both_engines! {
async fn the_library_tells_the_counter_what_was_typed(engine) {
    let (_dir, db, h) = pantry_with(engine, "Zoë Öztürk").await;
    let card = card_of(&db, h.id).await;
    // A scanner's number: the counter waits for the pause, then looks it up.
    for number in [card.as_str(), h.membership_number.as_str(), "5012345678900"] {
        assert_eq!(
            visits::type_ahead(&db, number, &common::admin())
                .await
                .unwrap(),
            visits::TypeAhead::Number,
            "{number}"
        );
    }
    // Words: the households that match so far; one letter lists none.
    let visits::TypeAhead::Matches { households } = visits::type_ahead(&db, "zo", &common::admin())
        .await
        .unwrap()
    else {
        panic!()
    };
    assert_eq!(households[0].id, h.id);
    assert_eq!(
        visits::type_ahead(&db, "z", &common::admin())
            .await
            .unwrap(),
        visits::TypeAhead::Matches {
            households: Vec::new()
        }
    );
    // An item's barcode scanned at the counter is named as one, not searched for.
    let Ok(ScanOutcome::Unknown {
        message,
        register_number,
        ..
    }) = visits::scan(&db, "5012345678900", &common::admin()).await
    else {
        panic!()
    };
    assert!(message.contains("item's barcode"), "{message}");
    assert_eq!(register_number, None);
    // Fee methods and their labels come from the library, once.
    assert_eq!(
        pantry::app::Labels::default()
            .fee_methods
            .iter()
            .map(|m| (m.value, m.label.as_str()))
            .collect::<Vec<_>>(),
        [
            (FeeMethod::Cash, "Cash"),
            (FeeMethod::Card, "Card"),
            (FeeMethod::Voucher, "Voucher"),
            (FeeMethod::Waived, "Waived")
        ]
    );
}
}
