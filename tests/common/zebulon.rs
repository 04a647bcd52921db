//! A household with something in every table that can refer to one: visits with notes, an
//! override and an undone visit, a referral with detail and outcome, a replaced card printed
//! alone and on a sheet with another household's, a printed slip and a subject-access export.
#![allow(dead_code, clippy::unwrap_used)]

use pantry::cards;
use pantry::households::form::{HouseholdForm, MemberForm};
use pantry::members::{self, protection};
use pantry::output::Destination;
use pantry::outreach;
use pantry::print::cards::SheetLayout;
use pantry::referrals::{
    self, AgencyForm, AgencyKind, Outcome, ReferralForm, ReferralReason, Urgency,
};
use pantry::visits::{self, FeeMethod, VisitForm};
use pantry::{settings, Db};

use super::common;

pub fn zebulon() -> HouseholdForm {
    HouseholdForm {
        lead_name: "Zebulon Quixworth".into(),
        adults: "2".into(),
        children: "1".into(),
        postcode: "OL1 3BQ".into(),
        landlord_tenant: true,
        tenancy_ref: "TQX-88231".into(),
        phone: "07700 900123".into(),
        email: "zeb.quix@example.org".into(),
        notes: "Prefers Thursdays, walks with a frame".into(),
        members: vec![MemberForm {
            first_name: "Ottoline".into(),
            birth_year: "2019".into(),
        }],
        consent_given: true,
        ..HouseholdForm::default()
    }
}

/// Zebulon's support need, delivery address, a welfare call and a parcel on next week's round.
async fn outreach_for(db: &Db, z: i64) {
    let manager = common::manager();
    outreach::record_support_need(
        db,
        &outreach::NeedForm {
            household_id: z,
            need: Some(outreach::SupportNeed::LimitedMobility),
            until: String::new(),
            reason: "knee gave way on the Xerxes stairs".into(),
            consent_given: true,
        },
        &manager,
    )
    .await
    .unwrap();
    outreach::set_delivery(
        db,
        &outreach::HomeDeliveryForm {
            household_id: z,
            until: String::new(),
            address: "4 Quillfeather Court".into(),
            postcode: "OL1 3BQ".into(),
            access_notes: "key safe behind the quince xq9".into(),
            phone: String::new(),
            fee_method: FeeMethod::Waived,
        },
        &manager,
    )
    .await
    .unwrap();
    outreach::log_contact(
        db,
        &outreach::ContactForm {
            household_id: z,
            outcome: Some(outreach::ContactOutcome::Fine),
            note: "chatted about the quince tree".into(),
            follow_up_on: String::new(),
            referral: None,
        },
        &manager,
    )
    .await
    .unwrap();
    let next_week =
        settings::require(db).await.unwrap().date_at(db.now()) + chrono::Duration::days(7);
    outreach::plan_round(
        db,
        &outreach::RoundForm {
            date: next_week.to_string(),
            stops: vec![outreach::PlannedStop {
                household_id: z,
                parcels: 2,
            }],
            order: outreach::StopOrder::AsGiven,
        },
        &manager,
    )
    .await
    .unwrap();
}

/// A pantry with Zebulon (everything filled in) and one other household; returns their ids.
pub async fn pantry_with_zebulon(db: &Db) -> (i64, i64) {
    settings::save(db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    let manager = common::manager();
    let z = members::register(db, &zebulon(), None, &manager)
        .await
        .unwrap()
        .id;
    let other = members::register(db, &common::household("Amelia Smith"), None, &manager)
        .await
        .unwrap()
        .id;
    // A visit with a note, a second one the same week (an override) that is then undone.
    let check_in = visits::check_in(db, z, None, &common::admin())
        .await
        .unwrap();
    let card = cards::for_household(&mut db.acquire().await.unwrap(), z)
        .await
        .unwrap()[0]
        .card_number
        .clone();
    let form = |request_id: String, note: &str, override_reason: Option<&str>| VisitForm {
        household_id: z,
        request_id,
        card_number: Some(card.clone()),
        items: "10".into(),
        fee_method: FeeMethod::Cash,
        note: note.into(),
        override_reason: override_reason.map(Into::into),
        lines: Vec::new(),
    };
    visits::record_visit(
        db,
        &form(
            check_in.request_id,
            "visit note: brought the pram back",
            None,
        ),
        &manager,
    )
    .await
    .unwrap();
    let again = visits::check_in(db, z, None, &common::admin())
        .await
        .unwrap();
    assert!(!again.verdict.eligible);
    let second = visits::record_visit(
        db,
        &form(
            again.request_id,
            "",
            Some("override because of the flood at home"),
        ),
        &manager,
    )
    .await
    .unwrap();
    visits::void_visit(db, second.id, "undone: typed twice by Quentin", &manager)
        .await
        .unwrap();
    // A referral with detail and an outcome note.
    let agency = referrals::save_agency(
        db,
        None,
        &AgencyForm {
            name: "Hillside Money Advice".into(),
            kind: Some(AgencyKind::Money),
            phone: "0161 496 0000".into(),
            ..AgencyForm::default()
        },
        &common::admin(),
    )
    .await
    .unwrap();
    let referral = referrals::make(
        db,
        &ReferralForm {
            household_id: Some(z),
            agency_id: Some(agency.id),
            reason: Some(ReferralReason::DebtAdvice),
            reason_detail: "owes 4000 GBP on a doorstep loan".into(),
            urgency: Urgency::Soon,
            consent_given: true,
        },
        &manager,
    )
    .await
    .unwrap();
    referrals::record_outcome(
        db,
        referral.id,
        Outcome::DebtPlan,
        "plan agreed with StepChange xq",
        &manager,
    )
    .await
    .unwrap();
    // Cards: one replaced (with a reason), printed alone and on a sheet with Amelia's.
    cards::reissue(db, z, "lost it on the 409 bus", &manager)
        .await
        .unwrap();
    cards::print_single(db, z, &Destination::print("card"), &manager)
        .await
        .unwrap();
    cards::print_sheets(
        db,
        &[z, other],
        SheetLayout::Avery,
        &Destination::print("cards"),
        &manager,
    )
    .await
    .unwrap();
    referrals::print_slip(db, referral.id, &Destination::print("slip"), &manager)
        .await
        .unwrap();
    outreach_for(db, z).await;
    protection::write_subject_access(db, z, None, &manager)
        .await
        .unwrap();
    (z, other)
}
