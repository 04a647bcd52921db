//! Reaching members who cannot come, against a real database: support needs and the welfare
//! contact list (a "needs help" call becomes a referral), delivery households, rounds packed
//! from stock (allergies respected, nothing past its use-by), outcomes by label (delivered =
//! a visit that counts towards the week; not in = stock back, still due), the papers, and
//! erasure and subject access of everything outreach holds.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::{Duration, NaiveDate};
use pantry::access::Role;
use pantry::files::Existing;
use pantry::households::form::{Allergen, HouseholdForm};
use pantry::members;
use pantry::output::Destination;
use pantry::outreach::{
    self, ContactForm, ContactOutcome, DeliveryOutcome, HomeDeliveryForm, NeedForm, ParcelLineForm,
    PlannedStop, RoundForm, StopOrder, SupportNeed,
};
use pantry::referrals::{self, AgencyForm, ReferralForm, ReferralReason, Urgency};
use pantry::stock::deliveries::{self, DeliveryLineForm, DeliverySource};
use pantry::stock::{self, CounterStock, ItemForm, StockSettingsForm};
use pantry::visits::FeeMethod;
use pantry::{settings, Db, Error};

/// Hillside on Monday 7 December 2026 at 10:00, recording items (or just their number),
/// with its clock stopped.
async fn pantry_recording(
    engine: pantry::db::Engine,
    counter_stock: CounterStock,
) -> (tempfile::TempDir, Db, pantry::clock::Clock, NaiveDate) {
    let (dir, db) = common::fresh_db_on(engine).await;
    let (db, clock) = common::at(db, "2026-12-07T10:00:00Z");
    let s = settings::save(&db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    stock::save_stock_settings(
        &db,
        &StockSettingsForm {
            counter_stock,
            points_per_visit: "0".into(),
            use_by_warning_days: "3".into(),
            bands: vec![],
        },
        &common::admin(),
    )
    .await
    .unwrap();
    let today = s.date_at(db.now());
    (dir, db, clock, today)
}

async fn pantry(
    engine: pantry::db::Engine,
) -> (tempfile::TempDir, Db, pantry::clock::Clock, NaiveDate) {
    pantry_recording(engine, CounterStock::Items).await
}

async fn item(db: &Db, name: &str) -> i64 {
    stock::save_item(
        db,
        &ItemForm {
            name: name.into(),
            category: "Tins".into(),
            unit: "tin".into(),
            value: "0.80".into(),
            reorder_level: "0".into(),
            active: true,
            ..ItemForm::default()
        },
        &common::admin(),
    )
    .await
    .unwrap()
    .id
}

async fn deliver(db: &Db, item_id: i64, quantity: u32, use_by: Option<NaiveDate>) {
    deliveries::record_delivery(
        db,
        &deliveries::DeliveryForm {
            source: Some(DeliverySource::FareShare),
            donor: "FareShare".into(),
            note: String::new(),
            lines: vec![DeliveryLineForm {
                item_id: Some(item_id),
                quantity: quantity.to_string(),
                best_before: String::new(),
                use_by: use_by
                    .map(|d| d.format("%d/%m/%Y").to_string())
                    .unwrap_or_default(),
                value: String::new(),
            }],
        },
        &common::manager(),
    )
    .await
    .unwrap();
}

async fn household(db: &Db, name: &str, people: u32, allergies: Vec<Allergen>) -> i64 {
    let form = HouseholdForm {
        adults: people.to_string(),
        allergies,
        ..common::household(name)
    };
    members::register(db, &form, None, &common::admin())
        .await
        .unwrap()
        .id
}

async fn set_delivery(db: &Db, id: i64) {
    outreach::set_delivery(
        db,
        &HomeDeliveryForm {
            household_id: id,
            until: String::new(),
            address: "Flat 3\n12 Mill Lane".into(),
            postcode: "ol1 3bq".into(),
            access_notes: "Side door, ring twice".into(),
            phone: "07700 900123".into(),
            fee_method: FeeMethod::Waived,
        },
        &common::manager(),
    )
    .await
    .unwrap();
}

fn round(day: NaiveDate, ids: &[i64]) -> RoundForm {
    RoundForm {
        date: day.format("%d/%m/%Y").to_string(),
        stops: ids
            .iter()
            .map(|&household_id| PlannedStop {
                household_id,
                parcels: 1,
            })
            .collect(),
        order: StopOrder::AsGiven,
    }
}

async fn on_hand(db: &Db, item_id: i64) -> i64 {
    let rows: Vec<(i64,)> = common::rows(
        db,
        "SELECT CAST(COALESCE(SUM(on_hand), 0) AS BIGINT) FROM batches WHERE item_id = $1",
        &[item_id],
    )
    .await;
    rows[0].0
}

on_both_engines! {
async fn a_round_is_packed_from_stock_and_its_outcomes_count_or_return(engine) {
    let (_dir, db, clock, today) = pantry(engine).await;
    let beans = item(&db, "Baked beans").await;
    let peanut = item(&db, "Peanut butter").await;
    let milk = item(&db, "UHT milk").await;
    // Milk: some already past its use-by on the round's date, some good.
    deliver(&db, beans, 40, None).await;
    deliver(&db, peanut, 10, None).await;
    deliver(&db, milk, 3, Some(today + Duration::days(1))).await;
    deliver(&db, milk, 20, Some(today + Duration::days(10))).await;
    outreach::set_standard_parcel(
        &db,
        &[
            ParcelLineForm {
                item_id: beans,
                per_household: 1,
                per_person: 1,
                ..ParcelLineForm::default()
            },
            ParcelLineForm {
                item_id: peanut,
                per_household: 1,
                per_person: 0,
                allergens: vec![Allergen::Peanuts],
                ..ParcelLineForm::default()
            },
            ParcelLineForm {
                item_id: milk,
                per_household: 0,
                per_person: 1,
                ..ParcelLineForm::default()
            },
        ],
        &common::manager(),
    )
    .await
    .unwrap();
    let ada = household(&db, "Ada Okafor", 2, vec![Allergen::Peanuts]).await;
    let ben = household(&db, "Ben Price", 1, vec![]).await;
    set_delivery(&db, ada).await;
    set_delivery(&db, ben).await;
    let day = today + Duration::days(2);

    let suggested = outreach::suggest_round(&db, &day.to_string(), &common::manager())
        .await
        .unwrap();
    assert_eq!(suggested.len(), 2);
    assert!(suggested.iter().all(|s| s.due));
    let planned = outreach::plan_round(&db, &round(day, &[ada, ben]), &common::manager())
        .await
        .unwrap();
    assert_eq!(planned.stops.len(), 2);
    assert_eq!(planned.stops[0].alerts, ["ALLERGY: Peanuts"]);

    let packed = outreach::pack_round(&db, day, &common::manager())
        .await
        .unwrap();
    // Ada (2 people, peanut allergy): 3 beans, 2 milk, no peanut butter; Ben: 2, 1, 1.
    assert_eq!(packed.stops[0].items, 5);
    assert_eq!(packed.stops[1].items, 4);
    assert_eq!(on_hand(&db, beans).await, 40 - 5);
    assert_eq!(on_hand(&db, peanut).await, 10 - 1);
    assert_eq!(on_hand(&db, milk).await, 23 - 3);
    // Never milk that is past its use-by on the day of the round: the 3 short-dated stay.
    let short_dated: Vec<(i64,)> = common::rows(
        &db,
        "SELECT on_hand FROM batches WHERE item_id = $1 AND use_by IS NOT NULL ORDER BY use_by LIMIT 1",
        &[milk],
    )
    .await;
    assert_eq!(short_dated, [(3,)], "the batch whose use-by is tomorrow");
    assert!(
        stock::ledger::balances_agree(&mut db.acquire().await.unwrap())
            .await
            .unwrap()
    );

    // The round day: Ada's label is scanned as delivered (twice: a fast scanner), Ben is not in.
    clock.set(
        chrono::DateTime::parse_from_rfc3339("2026-12-09T15:00:00Z")
            .unwrap()
            .into(),
    );
    let counter = common::named("Sam", Role::Counter);
    let delivered = outreach::scan_outcome(
        &db,
        &packed.stops[0].barcode,
        DeliveryOutcome::Delivered,
        &counter,
    )
    .await
    .unwrap();
    assert_eq!(delivered.outcome, DeliveryOutcome::Delivered);
    assert_eq!(
        delivered.reference, packed.stops[0].reference,
        "said by reference, not by name"
    );
    outreach::scan_outcome(
        &db,
        &packed.stops[0].barcode,
        DeliveryOutcome::Delivered,
        &counter,
    )
    .await
    .unwrap();
    let wrong = outreach::scan_outcome(
        &db,
        &packed.stops[0].barcode,
        DeliveryOutcome::NotIn,
        &counter,
    )
    .await
    .unwrap_err();
    assert!(matches!(wrong, Error::Conflict(_)), "{wrong:?}");
    outreach::record_outcome(&db, packed.stops[1].id, DeliveryOutcome::NotIn, &counter)
        .await
        .unwrap();

    // Delivered: one visit, by delivery, that counts towards the week.
    let visits: Vec<(i64, String, i64)> =
        common::rows(&db, "SELECT household_id, method, items FROM visits ORDER BY id", &[]).await;
    assert_eq!(visits, [(ada, "delivery".to_owned(), 5)]);
    let ada_now = pantry::visits::check_in(&db, ada, None, &common::admin())
        .await
        .unwrap();
    assert!(
        !ada_now.verdict.eligible,
        "a delivered parcel is the week's visit"
    );
    // Not in: its stock is back and the household is still due.
    assert_eq!(on_hand(&db, beans).await, 40 - 3);
    assert_eq!(on_hand(&db, milk).await, 23 - 2);
    assert_eq!(
        on_hand(&db, peanut).await,
        10,
        "Ben's jar came back; Ada had none"
    );
    let ben_now = pantry::visits::check_in(&db, ben, None, &common::admin())
        .await
        .unwrap();
    assert!(
        ben_now.verdict.eligible,
        "a parcel not delivered leaves the household due"
    );
    assert!(
        stock::ledger::balances_agree(&mut db.acquire().await.unwrap())
            .await
            .unwrap()
    );
    // The landlord summary counts the parcels, protected like every other cell: one parcel
    // is a small count, so it is hidden; nothing at all is shown as 0.
    let week =
        pantry::reports::Period::parse(&format!("{today}..{}", today + Duration::days(6))).unwrap();
    let summary = pantry::reports::summary(&db, &week, &common::admin())
        .await
        .unwrap();
    let cells: Vec<(&str, Option<i64>)> = summary
        .outreach
        .iter()
        .map(|c| (c.label.as_str(), c.count))
        .collect();
    assert_eq!(
        cells,
        [
            ("Parcels delivered", None),
            ("Parcels not delivered (not in or refused)", None),
            ("Households who had a parcel delivered", None),
            ("Welfare calls made", Some(0)),
            ("Households called", Some(0)),
        ]
    );
    // The week's next round cannot take Ada again; Ben can go on it.
    let again = outreach::plan_round(
        &db,
        &round(today + Duration::days(3), &[ada, ben]),
        &common::manager(),
    )
    .await
    .unwrap_err();
    let Error::Validation(problems) = again else {
        panic!("{again:?}")
    };
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].field, "stops.0");
    assert!(problems[0]
        .message
        .starts_with("Ada Okafor cannot have a parcel then"));
}
}

on_both_engines! {
async fn packing_refuses_the_whole_round_when_stock_is_short(engine) {
    let (_dir, db, _clock, today) = pantry(engine).await;
    let beans = item(&db, "Baked beans").await;
    deliver(&db, beans, 3, None).await;
    outreach::set_standard_parcel(
        &db,
        &[ParcelLineForm {
            item_id: beans,
            per_household: 2,
            per_person: 0,
            ..ParcelLineForm::default()
        }],
        &common::manager(),
    )
    .await
    .unwrap();
    let a = household(&db, "Ada Okafor", 1, vec![]).await;
    let b = household(&db, "Ben Price", 1, vec![]).await;
    set_delivery(&db, a).await;
    set_delivery(&db, b).await;
    outreach::plan_round(&db, &round(today, &[a, b]), &common::manager())
        .await
        .unwrap();
    let err = outreach::pack_round(&db, today, &common::manager())
        .await
        .unwrap_err();
    let Error::InsufficientStock { lines } = err else {
        panic!("{err:?}")
    };
    assert_eq!(lines.len(), 1);
    assert!(
        lines[0].message.starts_with("Baked beans"),
        "{}",
        lines[0].message
    );
    assert_eq!(on_hand(&db, beans).await, 3, "nothing moved");
    let round = outreach::round_on(&db, today, &common::manager())
        .await
        .unwrap()
        .unwrap();
    assert!(round.stops.iter().all(|s| !s.packed));
}
}

on_both_engines! {
async fn a_round_refuses_households_that_do_not_receive_deliveries_and_counter_volunteers(engine) {
    let (_dir, db, _clock, today) = pantry(engine).await;
    let a = household(&db, "Ada Okafor", 1, vec![]).await;
    let err = outreach::plan_round(&db, &round(today, &[a]), &common::manager())
        .await
        .unwrap_err();
    let Error::Validation(problems) = err else {
        panic!("{err:?}")
    };
    assert_eq!(
        problems[0].message,
        "Ada Okafor does not receive deliveries on this date."
    );
    let past = outreach::plan_round(
        &db,
        &round(today - Duration::days(1), &[a]),
        &common::manager(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(past, Error::Validation(ref p) if p[0].field == "date"),
        "{past:?}"
    );
    set_delivery(&db, a).await;
    let sam = common::named("Sam", Role::Counter);
    let refused = outreach::plan_round(&db, &round(today, &[a]), &sam)
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::Forbidden(_)), "{refused:?}");
    assert_eq!(common::count(&db, "delivery_rounds").await, 0);
    // A bad delivery form says what is wrong with each field and saves nothing.
    let bad = outreach::set_delivery(
        &db,
        &HomeDeliveryForm {
            household_id: a,
            until: "31/02/2026".into(),
            address: "  ".into(),
            postcode: "NOT A CODE".into(),
            access_notes: String::new(),
            phone: "12".into(),
            fee_method: FeeMethod::Waived,
        },
        &common::manager(),
    )
    .await
    .unwrap_err();
    let Error::Validation(problems) = bad else {
        panic!("{bad:?}")
    };
    let mut fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    fields.sort_unstable();
    assert_eq!(fields, ["address", "phone", "postcode", "until"]);
}
}

async fn agency(db: &Db) -> i64 {
    referrals::save_agency(
        db,
        None,
        &AgencyForm {
            name: "Hillside Wellbeing Hub".into(),
            kind: Some(referrals::AgencyKind::Wellbeing),
            phone: "0161 496 0001".into(),
            active: true,
            ..AgencyForm::default()
        },
        &common::manager(),
    )
    .await
    .unwrap()
    .id
}

on_both_engines! {
async fn the_contact_list_finds_the_unseen_and_a_needs_help_call_makes_a_referral(engine) {
    let (_dir, db, clock, _today) = pantry_recording(engine, CounterStock::Count).await;
    let agency = agency(&db).await;
    let ada = household(&db, "Ada Okafor", 1, vec![]).await;
    let ben = household(&db, "Ben Price", 1, vec![]).await;
    let manager = common::manager();
    // No consent: nothing recorded, and the message says why.
    let no = outreach::record_support_need(
        &db,
        &NeedForm {
            household_id: ada,
            need: Some(SupportNeed::Isolated),
            until: String::new(),
            reason: "Lives alone since March".into(),
            consent_given: false,
        },
        &manager,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(no, Error::Validation(ref p) if p[0].field == "consentGiven"),
        "{no:?}"
    );
    outreach::record_support_need(
        &db,
        &NeedForm {
            household_id: ada,
            need: Some(SupportNeed::Isolated),
            until: String::new(),
            reason: "Lives alone since March".into(),
            consent_given: true,
        },
        &manager,
    )
    .await
    .unwrap();
    common::visit(&db, ada).await;
    common::visit(&db, ben).await;
    assert!(outreach::contact_list(&db, &manager)
        .await
        .unwrap()
        .is_empty());
    // Three weeks later Ada (isolated) is due a call; Ben (no need recorded) is not.
    clock.set(clock.now() + Duration::weeks(3));
    let due = outreach::contact_list(&db, &manager).await.unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].household_id, ada);
    assert_eq!(due[0].reason, "Isolated; not seen for 3 weeks");
    // A counter volunteer does not see support needs.
    let sam = common::named("Sam", Role::Counter);
    assert!(matches!(
        outreach::contact_list(&db, &sam).await.unwrap_err(),
        Error::Forbidden(_)
    ));
    // No answer, try again in two days: off the list until then.
    let day = |d: NaiveDate| d.format("%d/%m/%Y").to_string();
    let now = settings::require(&db).await.unwrap().date_at(db.now());
    outreach::log_contact(
        &db,
        &ContactForm {
            household_id: ada,
            outcome: Some(ContactOutcome::NoAnswer),
            note: String::new(),
            follow_up_on: day(now + Duration::days(2)),
            referral: None,
        },
        &manager,
    )
    .await
    .unwrap();
    assert!(outreach::contact_list(&db, &manager)
        .await
        .unwrap()
        .is_empty());
    clock.set(clock.now() + Duration::days(2));
    let due = outreach::contact_list(&db, &manager).await.unwrap();
    assert!(due[0].reason.contains("Follow-up due"), "{}", due[0].reason);
    assert!(
        due[0].reason.contains("called – no answer"),
        "{}",
        due[0].reason
    );
    // Spoke, needs help: the referral is made with the call, in one go.
    let referral = ReferralForm {
        household_id: Some(ada),
        agency_id: Some(agency),
        reason: Some(ReferralReason::Loneliness),
        reason_detail: "Would like the Tuesday lunch club".into(),
        urgency: Urgency::Soon,
        consent_given: true,
    };
    // A referral form with a problem refuses the call too, naming the referral's field.
    let missing = outreach::log_contact(
        &db,
        &ContactForm {
            household_id: ada,
            outcome: Some(ContactOutcome::NeedsHelp),
            note: "Low, wants company".into(),
            follow_up_on: String::new(),
            referral: Some(ReferralForm {
                consent_given: false,
                ..referral.clone()
            }),
        },
        &manager,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(missing, Error::Validation(ref p) if p.iter().any(|e| e.field == "referral.consentGiven")),
        "{missing:?}"
    );
    assert_eq!(common::count(&db, "contact_attempts").await, 1);
    let call = outreach::log_contact(
        &db,
        &ContactForm {
            household_id: ada,
            outcome: Some(ContactOutcome::NeedsHelp),
            note: "Low, wants company".into(),
            follow_up_on: String::new(),
            referral: Some(referral),
        },
        &manager,
    )
    .await
    .unwrap();
    let made = referrals::for_household(&mut db.acquire().await.unwrap(), ada)
        .await
        .unwrap();
    assert_eq!(made.len(), 1);
    assert_eq!(
        call.referral.as_deref(),
        Some(made[0].reference_shown.as_str())
    );
    assert!(outreach::contact_list(&db, &manager)
        .await
        .unwrap()
        .is_empty());
}
}

#[tokio::test(flavor = "multi_thread")]
async fn erasure_and_subject_access_cover_needs_addresses_calls_and_deliveries() {
    let (dir, db, _clock, today) = pantry(pantry::db::Engine::Sqlite).await;
    let beans = item(&db, "Baked beans").await;
    deliver(&db, beans, 10, None).await;
    outreach::set_standard_parcel(
        &db,
        &[ParcelLineForm {
            item_id: beans,
            per_household: 1,
            per_person: 0,
            ..ParcelLineForm::default()
        }],
        &common::manager(),
    )
    .await
    .unwrap();
    let z = household(&db, "Zebulon Quixworth", 1, vec![]).await;
    let manager = common::manager();
    outreach::record_support_need(
        &db,
        &NeedForm {
            household_id: z,
            need: Some(SupportNeed::LimitedMobility),
            until: String::new(),
            reason: "Xylophonic knee after the fall".into(),
            consent_given: true,
        },
        &manager,
    )
    .await
    .unwrap();
    outreach::set_delivery(
        &db,
        &HomeDeliveryForm {
            household_id: z,
            until: String::new(),
            address: "Quixworth Cottage\n9 Zebra Row".into(),
            postcode: "OL1 3BQ".into(),
            access_notes: "Key safe 4471 behind the quince".into(),
            phone: "07700 900777".into(),
            fee_method: FeeMethod::Cash,
        },
        &manager,
    )
    .await
    .unwrap();
    outreach::log_contact(
        &db,
        &ContactForm {
            household_id: z,
            outcome: Some(ContactOutcome::Fine),
            note: "Quixworth says the quince is in bloom".into(),
            follow_up_on: String::new(),
            referral: None,
        },
        &manager,
    )
    .await
    .unwrap();
    outreach::plan_round(&db, &round(today, &[z]), &manager)
        .await
        .unwrap();
    outreach::pack_round(&db, today, &manager).await.unwrap();
    let sheet = dir.path().join("run.pdf");
    outreach::print_run_sheet(
        &db,
        today,
        &Destination::file(&sheet, Existing::Refuse),
        &manager,
    )
    .await
    .unwrap();
    assert!(sheet.exists());

    let access = members::protection::subject_access(&db, z, &manager)
        .await
        .unwrap();
    let json = serde_json::to_string(&access).unwrap();
    for held in [
        "Xylophonic knee after the fall",
        "Key safe 4471 behind the quince",
        "Quixworth Cottage",
        "Quixworth says the quince is in bloom",
        "P-0000 0001",
    ] {
        assert!(json.contains(held), "subject access lacks {held}");
    }
    let pdf = members::protection::subject_access_pdf(&access).unwrap();
    let pdf_file = dir.path().join("access.pdf");
    std::fs::write(&pdf_file, &pdf).unwrap();
    let text = common::run(
        std::process::Command::new("pdftotext")
            .arg(&pdf_file)
            .arg("-"),
    );
    assert!(text.contains("Limited mobility"), "{text}");
    assert!(text.contains("Zebra Row"), "{text}");

    members::erasure::erase(&db, z, "asked to be forgotten", &manager)
        .await
        .unwrap();
    assert!(
        !sheet.exists(),
        "the run sheet carrying the household is deleted"
    );
    for table in ["support_needs", "delivery_households"] {
        assert_eq!(common::count(&db, table).await, 0, "{table}");
    }
    let notes: Vec<String> = sqlx::query_scalar("SELECT note FROM contact_attempts")
        .fetch_all(db.pool().unwrap())
        .await
        .unwrap();
    assert_eq!(notes, [""]);
    // The counts stay: one call, one parcel on a round.
    assert_eq!(common::count(&db, "contact_attempts").await, 1);
    assert_eq!(common::count(&db, "home_deliveries").await, 1);
}

async fn need(db: &Db, household_id: i64, need: SupportNeed) {
    outreach::record_support_need(
        db,
        &NeedForm {
            household_id,
            need: Some(need),
            until: String::new(),
            reason: "Asked for a call".into(),
            consent_given: true,
        },
        &common::manager(),
    )
    .await
    .unwrap();
}

on_both_engines! {
async fn merging_duplicates_moves_their_needs_calls_deliveries_and_parcels(engine) {
    let (_dir, db, _clock, today) = pantry_recording(engine, CounterStock::Count).await;
    let keep = household(&db, "Ada Okafor", 1, vec![]).await;
    let twin = household(&db, "Ada Okafor-Twin", 1, vec![]).await;
    need(&db, keep, SupportNeed::Isolated).await;
    need(&db, twin, SupportNeed::Isolated).await;
    need(&db, twin, SupportNeed::Caring).await;
    set_delivery(&db, twin).await;
    outreach::plan_round(
        &db,
        &round(today + Duration::days(1), &[twin]),
        &common::manager(),
    )
    .await
    .unwrap();
    members::merge(&db, keep, twin, &common::manager())
        .await
        .unwrap();
    let needs: Vec<SupportNeed> = outreach::support_needs(&db, keep, &common::manager())
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.need)
        .collect();
    assert_eq!(needs, [SupportNeed::Caring, SupportNeed::Isolated]);
    assert!(outreach::delivery_of(&db, keep, &common::manager())
        .await
        .unwrap()
        .is_some());
    let round = outreach::round_on(&db, today + Duration::days(1), &common::manager())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(round.stops[0].household_id, keep);
}
}

on_both_engines! {
async fn a_counter_volunteer_settling_a_parcel_learns_only_its_reference(engine) {
    let (_dir, db, _clock, today) = pantry_recording(engine, CounterStock::Count).await;
    let beans = item(&db, "Baked beans").await;
    outreach::set_standard_parcel(
        &db,
        &[ParcelLineForm {
            item_id: beans,
            per_household: 1,
            per_person: 0,
            ..ParcelLineForm::default()
        }],
        &common::manager(),
    )
    .await
    .unwrap();
    let a = household(&db, "Zelda Quimby", 1, vec![]).await;
    set_delivery(&db, a).await;
    outreach::plan_round(&db, &round(today, &[a]), &common::manager())
        .await
        .unwrap();
    let packed = outreach::pack_round(&db, today, &common::manager())
        .await
        .unwrap();
    let sam = common::named("Sam", Role::Counter);
    let settled = outreach::record_outcome(&db, packed.stops[0].id, DeliveryOutcome::NotIn, &sam)
        .await
        .unwrap();
    let said = serde_json::to_string(&settled).unwrap();
    for private in ["Zelda", "Quimby", "Mill Lane", "Side door", "07700"] {
        assert!(!said.contains(private), "{said}");
    }
    let again = outreach::record_outcome(&db, packed.stops[0].id, DeliveryOutcome::Delivered, &sam)
        .await
        .unwrap_err();
    assert!(!again.to_string().contains("Zelda"), "{again}");
    // Sam cannot read the round itself.
    assert!(matches!(
        outreach::round_on(&db, today, &sam).await.unwrap_err(),
        Error::Forbidden(_)
    ));
}
}

on_both_engines! {
async fn an_unpacked_stop_of_a_past_round_does_not_block_the_next_round(engine) {
    let (_dir, db, clock, today) = pantry_recording(engine, CounterStock::Count).await;
    let a = household(&db, "Ada Okafor", 1, vec![]).await;
    set_delivery(&db, a).await;
    outreach::plan_round(&db, &round(today, &[a]), &common::manager())
        .await
        .unwrap();
    // The van broke down: the round was never packed. Next day, the household goes on the next.
    clock.set(clock.now() + Duration::days(1));
    outreach::plan_round(
        &db,
        &round(today + Duration::days(1), &[a]),
        &common::manager(),
    )
    .await
    .unwrap();
    // Stopping deliveries takes it off the round it is not packed for.
    outreach::stop_deliveries(&db, a, &common::manager())
        .await
        .unwrap();
    let next = outreach::round_on(&db, today + Duration::days(1), &common::manager())
        .await
        .unwrap()
        .unwrap();
    assert!(next.stops.is_empty());
}
}

on_both_engines! {
async fn a_shortage_is_told_for_the_whole_round(engine) {
    let (_dir, db, _clock, today) = pantry(engine).await;
    let beans = item(&db, "Baked beans").await;
    deliver(&db, beans, 6, None).await;
    outreach::set_standard_parcel(
        &db,
        &[ParcelLineForm {
            item_id: beans,
            per_household: 5,
            per_person: 0,
            ..ParcelLineForm::default()
        }],
        &common::manager(),
    )
    .await
    .unwrap();
    let mut ids = Vec::new();
    for name in ["Ada Okafor", "Ben Price", "Cy Young"] {
        let id = household(&db, name, 1, vec![]).await;
        set_delivery(&db, id).await;
        ids.push(id);
    }
    outreach::plan_round(&db, &round(today, &ids), &common::manager())
        .await
        .unwrap();
    let Error::InsufficientStock { lines } = outreach::pack_round(&db, today, &common::manager())
        .await
        .unwrap_err()
    else {
        panic!("not a shortage")
    };
    assert_eq!(
        lines[0].message,
        "Baked beans: the round needs 15, 6 can be packed"
    );
    assert_eq!(on_hand(&db, beans).await, 6);
}
}

on_both_engines! {
async fn an_admin_sets_the_weeks_unseen_that_put_a_household_on_the_contact_list(engine) {
    let (_dir, db, clock, _today) = pantry_recording(engine, CounterStock::Count).await;
    let ada = household(&db, "Ada Okafor", 1, vec![]).await;
    need(&db, ada, SupportNeed::Isolated).await;
    common::visit(&db, ada).await;
    clock.set(clock.now() + Duration::weeks(1));
    assert!(outreach::contact_list(&db, &common::manager())
        .await
        .unwrap()
        .is_empty());
    let refused = outreach::set_contact_after_weeks(&db, 1, &common::manager())
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::Forbidden(_)), "{refused:?}");
    let bad = outreach::set_contact_after_weeks(&db, 0, &common::admin())
        .await
        .unwrap_err();
    assert!(
        matches!(bad, Error::Validation(ref p) if p[0].field == "contactAfterWeeks"),
        "{bad:?}"
    );
    outreach::set_contact_after_weeks(&db, 1, &common::admin())
        .await
        .unwrap();
    assert_eq!(
        outreach::contact_after_weeks(&db, &common::admin())
            .await
            .unwrap(),
        1
    );
    let due = outreach::contact_list(&db, &common::manager())
        .await
        .unwrap();
    assert_eq!(due[0].reason, "Isolated; not seen for 1 week");
}
}
