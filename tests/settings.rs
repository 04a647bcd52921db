//! First-run settings against a real database: saved, edited, audited, and never half-saved.
#![allow(clippy::unwrap_used)]

mod common;

use pantry::settings::{self, SettingsForm};
use pantry::Error;

on_both_engines! {
async fn a_new_pantry_has_no_settings_until_setup(engine) {
    let (_dir, db) = common::fresh_db_on(engine).await;
    assert_eq!(settings::load(&db).await.unwrap(), None);
    assert_eq!(settings::form(&db).await.unwrap(), SettingsForm::default());
    let err = settings::require(&db).await.unwrap_err();
    assert!(err.to_string().contains("first-run setup"), "{err}");
}
}

on_both_engines! {
async fn setup_saves_every_field(engine) {
    let (_dir, db) = common::fresh_db_on(engine).await;
    let saved = settings::save(&db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    assert_eq!(saved.name, "Hillside Pantry");
    assert_eq!(saved.short_code, "HILL1");
    assert_eq!(saved.address, "1 Chapel Street\nHillside");
    assert_eq!(saved.landlord_name, "Northern Homes");
    assert_eq!(saved.time_zone, "Europe/London");
    assert_eq!(saved.weekly_fee_pence, 400);
    assert_eq!(saved.items_per_visit, 10);
    assert_eq!(saved.visits_per_week, 1);
    assert_eq!(saved.membership_weeks, 52);
    let names: Vec<_> = saved
        .neighbourhoods
        .iter()
        .map(|n| n.name.as_str())
        .collect();
    assert_eq!(names, ["Hillside", "Brookfield", "St Anne's"]);
    assert_eq!(settings::load(&db).await.unwrap(), Some(saved));
    let form = settings::form(&db).await.unwrap();
    assert_eq!(
        (form.short_code.as_str(), form.weekly_fee.as_str()),
        ("HILL1", "4.00")
    );
}
}

on_both_engines! {
async fn editing_keeps_neighbourhood_ids_and_retires_removed_ones(engine) {
    let (_dir, db) = common::fresh_db_on(engine).await;
    let first = settings::save(&db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    let hillside_id = first.neighbourhoods[0].id;
    let brookfield_id = first.neighbourhoods[1].id;

    let edited = SettingsForm {
        neighbourhoods: "Moorside\nhillside".into(),
        items_per_visit: "12".into(),
        ..common::hillside_form()
    };
    let second = settings::save(&db, &edited, &common::admin())
        .await
        .unwrap();
    let names: Vec<_> = second
        .neighbourhoods
        .iter()
        .map(|n| n.name.as_str())
        .collect();
    assert_eq!(names, ["Moorside", "hillside"]);
    assert_eq!(
        second.neighbourhoods[1].id, hillside_id,
        "renaming the case keeps the id"
    );
    assert_eq!(second.items_per_visit, 12);
    let retired: Vec<(bool,)> = common::rows(
        &db,
        "SELECT active FROM neighbourhoods WHERE id = $1",
        &[brookfield_id],
    )
    .await;
    assert_eq!(retired, [(false,)], "a removed neighbourhood is kept, inactive");

    // Restoring it brings the same row back.
    let third = settings::save(&db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    assert_eq!(third.neighbourhoods[1].id, brookfield_id);
}
}

on_both_engines! {
async fn bad_input_is_refused_field_by_field_and_changes_nothing(engine) {
    let (_dir, db) = common::fresh_db_on(engine).await;
    let saved = settings::save(&db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    let audits_before = common::count(&db, "audit_log").await;

    let bad = SettingsForm {
        name: "Renamed".into(),
        weekly_fee: "lots".into(),
        time_zone: "Europe/Londn".into(),
        ..common::hillside_form()
    };
    let err = settings::save(&db, &bad, &common::admin())
        .await
        .unwrap_err();
    let Error::Validation(fields) = &err else {
        panic!("{err:?}")
    };
    let names: Vec<_> = fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(names, ["timeZone", "weeklyFee"]);
    let wire = serde_json::to_value(&err).unwrap();
    assert_eq!(wire["kind"], "validation");
    assert_eq!(wire["fields"][1]["field"], "weeklyFee");

    assert_eq!(
        settings::load(&db).await.unwrap(),
        Some(saved),
        "nothing was saved"
    );
    assert_eq!(common::count(&db, "audit_log").await, audits_before);
}
}

on_both_engines! {
async fn every_save_is_audited_with_before_and_after(engine) {
    let (_dir, db) = common::fresh_db_on(engine).await;
    settings::save(&db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    let renamed = SettingsForm {
        name: "Hillside Community Pantry".into(),
        ..common::hillside_form()
    };
    settings::save(&db, &renamed, &common::admin())
        .await
        .unwrap();

    let rows: Vec<(String, String, String)> =
        common::rows(&db, "SELECT actor, action, details FROM audit_log ORDER BY id", &[]).await;
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (rows[0].0.as_str(), rows[0].1.as_str()),
        ("test", "settings.created")
    );
    assert_eq!(
        (rows[1].0.as_str(), rows[1].1.as_str()),
        ("test", "settings.updated")
    );
    let details: serde_json::Value = serde_json::from_str(&rows[1].2).unwrap();
    assert_eq!(details["before"]["name"], "Hillside Pantry");
    assert_eq!(details["after"]["name"], "Hillside Community Pantry");

    // Refused by the trigger on a laptop; on a server, first by the app role's grants.
    let tamper = common::execute(&db, "UPDATE audit_log SET actor = 'someone else'").await;
    let refusal = tamper.unwrap_err();
    assert!(
        refusal.contains("append-only") || refusal.contains("permission denied"),
        "{refusal}"
    );
    assert!(common::execute(&db, "DELETE FROM audit_log").await.is_err());
}
}

on_both_engines! {
async fn first_run_setup_saves_the_settings_and_the_first_admin_or_neither(engine) {
    let (_dir, db) = common::fresh_db_on(engine).await;
    let bad = SettingsForm {
        name: String::new(),
        ..common::hillside_form()
    };
    let typo = pantry::volunteers::FirstAdmin {
        admin_pin_again: "13".into(),
        ..common::first_admin("", "12")
    };
    let Error::Validation(fields) = pantry::app::set_up(&db, &bad, &typo).await.unwrap_err() else {
        panic!("every mistake is reported")
    };
    let named: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
    for field in ["adminName", "adminPin", "adminPinAgain", "name"] {
        assert!(named.contains(&field), "{named:?}");
    }
    assert_eq!(common::count(&db, "pantry_settings").await, 0);
    assert_eq!(common::count(&db, "volunteers").await, 0);

    let (saved, admin) = pantry::app::set_up(
        &db,
        &common::hillside_form(),
        &common::first_admin("Alex", "2468"),
    )
    .await
    .unwrap();
    assert_eq!(saved.name, "Hillside Pantry");
    assert_eq!(admin.role(), pantry::access::Role::Admin);
    assert_eq!(common::count(&db, "volunteers").await, 1);
    let again = pantry::app::set_up(
        &db,
        &common::hillside_form(),
        &common::first_admin("Eve", "1357"),
    )
    .await
    .unwrap_err();
    assert!(matches!(again, Error::Conflict(_)), "{again:?}");
    assert_eq!(common::count(&db, "volunteers").await, 1);
}
}

/// The screens' "today" is the pantry's date in its own time zone, from the library: at
/// 23:30 UTC on 30 June it is already 1 July in London, whatever the computer's zone.
#[tokio::test(flavor = "multi_thread")]
async fn today_is_the_pantrys_date_in_its_own_time_zone() {
    let (_dir, db) = common::fresh_db().await;
    let (db, clock) = common::at(db, "2026-06-30T23:30:00Z");
    let before = pantry::app::status(Ok(&db), false, None).await.unwrap();
    assert_eq!(before.today, None, "no pantry yet, so no today");
    settings::save(&db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    let status = pantry::app::status(Ok(&db), false, None).await.unwrap();
    assert_eq!(status.today, chrono::NaiveDate::from_ymd_opt(2026, 7, 1));
    clock.set(clock.now() + chrono::Duration::hours(1));
    let status = pantry::app::status(Ok(&db), false, None).await.unwrap();
    assert_eq!(status.today, chrono::NaiveDate::from_ymd_opt(2026, 7, 1));
}
