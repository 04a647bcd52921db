//! Referrals against a real database: consent, the status flow, follow-up, and the slip
//! checked with pdftotext and zbarimg.
#![allow(clippy::unwrap_used)]

mod common;

use std::process::Command;

use pantry::access::Role;
use pantry::households::form::HouseholdForm;
use pantry::members;
use pantry::referrals::{
    self, AgencyForm, AgencyKind, Outcome, ReferralForm, ReferralReason, ReferralStatus, Urgency,
};
use pantry::settings::{self, SettingsForm};
use pantry::{Db, Error};

async fn pantry(
    engine: pantry::db::Engine,
    follow_up_days: &str,
) -> (tempfile::TempDir, Db, i64, i64) {
    let (dir, db) = common::fresh_db_on(engine).await;
    let form = SettingsForm {
        referral_follow_up_days: follow_up_days.into(),
        ..common::hillside_form()
    };
    settings::save(&db, &form, &common::admin()).await.unwrap();
    let h = members::register(
        &db,
        &HouseholdForm {
            lead_name: "Łucja Nowak-Wiśniewska".into(),
            adults: "1".into(),
            children: "2".into(),
            postcode: "OL1 3BQ".into(),
            consent_given: true,
            ..HouseholdForm::default()
        },
        None,
        &common::admin(),
    )
    .await
    .unwrap();
    let agency = referrals::save_agency(
        &db,
        None,
        &AgencyForm {
            name: "Hillside Money Advice".into(),
            kind: Some(AgencyKind::Money),
            phone: "0161 496 0000".into(),
            address: "2 Market Street, Hillside".into(),
            opening_hours: "Mon–Fri 9:30–16:00".into(),
            ..AgencyForm::default()
        },
        &common::admin(),
    )
    .await
    .unwrap();
    (dir, db, h.id, agency.id)
}

fn form(household_id: i64, agency_id: i64) -> ReferralForm {
    ReferralForm {
        household_id: Some(household_id),
        agency_id: Some(agency_id),
        reason: Some(ReferralReason::DebtAdvice),
        reason_detail: "Catalogue debt and council tax arrears".into(),
        urgency: Urgency::Soon,
        consent_given: true,
    }
}

on_both_engines! {
async fn no_referral_without_consent_and_bad_input_saves_nothing(engine) {
    let (_dir, db, h, a) = pantry(engine, "14").await;
    let no_consent = ReferralForm {
        consent_given: false,
        ..form(h, a)
    };
    let Error::Validation(fields) = referrals::make(&db, &no_consent, &common::admin())
        .await
        .unwrap_err()
    else {
        panic!()
    };
    assert_eq!(fields[0].field, "consentGiven");
    // Every mistake at once, the member not yet found among them.
    let empty = ReferralForm {
        household_id: None,
        agency_id: None,
        reason: None,
        consent_given: false,
        ..form(h, a)
    };
    let Error::Validation(fields) = referrals::make(&db, &empty, &common::admin())
        .await
        .unwrap_err()
    else {
        panic!()
    };
    assert_eq!(
        fields.iter().map(|f| f.field.as_str()).collect::<Vec<_>>(),
        ["householdId", "agencyId", "reason", "consentGiven"]
    );
    assert_eq!(common::count(&db, "referrals").await, 0);
    let no_contact = AgencyForm {
        name: "Nowhere".into(),
        kind: Some(AgencyKind::Other),
        ..AgencyForm::default()
    };
    assert!(matches!(
        referrals::save_agency(&db, None, &no_contact, &common::admin()).await,
        Err(Error::Validation(_))
    ));
}
}

on_both_engines! {
async fn made_then_contacted_then_outcome_and_it_leaves_the_follow_up_list(engine) {
    let (_dir, db, h, a) = pantry(engine, "0").await;
    let r = referrals::make(&db, &form(h, a), &common::admin())
        .await
        .unwrap();
    assert_eq!(r.status, ReferralStatus::Made);
    assert!(pantry::membership::is_valid_number(&r.reference));
    // People see it unlike a membership number; typed or scanned either way, it is found.
    assert_eq!(
        r.reference_shown,
        format!("R-{} {}", &r.reference[..4], &r.reference[4..])
    );
    for typed in [
        r.reference.clone(),
        r.reference_shown.clone(),
        format!(" r{} ", r.reference),
        r.reference_shown.replace(' ', ""),
    ] {
        assert_eq!(
            referrals::by_reference(&db, &typed, &common::admin())
                .await
                .unwrap()
                .id,
            r.id,
            "{typed:?}"
        );
    }
    assert_eq!(
        referrals::follow_up(&db, &common::admin())
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(referrals::open(&db, &common::admin()).await.unwrap()[0].due);

    let r = referrals::mark_contacted(&db, r.id, &common::named("Pat", Role::Manager))
        .await
        .unwrap();
    assert_eq!(
        (r.status.clone(), r.contacted_by.as_deref()),
        (ReferralStatus::Contacted, Some("Pat"))
    );
    assert!(matches!(
        referrals::mark_contacted(&db, r.id, &common::named("Pat", Role::Manager)).await,
        Err(Error::Conflict(_))
    ));
    assert!(
        referrals::record_outcome(
            &db,
            r.id,
            Outcome::Other,
            " ",
            &common::named("Pat", Role::Manager)
        )
        .await
        .is_err(),
        "'other' needs a note"
    );
    let r = referrals::record_outcome(
        &db,
        r.id,
        Outcome::DebtPlan,
        "Plan with 3 creditors",
        &common::named("Pat", Role::Manager),
    )
    .await
    .unwrap();
    assert_eq!(
        (r.status.clone(), r.outcome),
        (ReferralStatus::Closed, Some(Outcome::DebtPlan))
    );
    assert!(matches!(
        referrals::record_outcome(
            &db,
            r.id,
            Outcome::AdviceGiven,
            "",
            &common::named("Pat", Role::Manager)
        )
        .await,
        Err(Error::Conflict(_))
    ));
    assert!(matches!(
        referrals::mark_contacted(&db, r.id, &common::named("Pat", Role::Manager)).await,
        Err(Error::Conflict(_))
    ));
    assert!(referrals::follow_up(&db, &common::admin())
        .await
        .unwrap()
        .is_empty());

    // The audit trail says it in words, with the reference as people see it.
    let number = members::page(&db, h, &common::admin())
        .await
        .unwrap()
        .household
        .membership_number;
    let trail: Vec<String> = pantry::trail::list(
        &db,
        &pantry::trail::AuditFilter::default(),
        &common::manager(),
    )
    .await
    .unwrap()
    .entries
    .into_iter()
    .map(|e| e.sentence)
    .collect();
    let shown = &r.reference_shown;
    assert_eq!(
        trail[..3],
        [
            format!(
                "Pat recorded the outcome of {shown} to Hillside Money Advice: debt plan agreed."
            ),
            format!(
                "Pat recorded that Hillside Money Advice has contacted the member about {shown}."
            ),
            format!("test referred household {number} to Hillside Money Advice ({shown})."),
        ]
    );

    let history = members::page(&db, h, &common::admin())
        .await
        .unwrap()
        .history;
    assert_eq!(history[0].action, "referred");
    assert!(history[0]
        .after
        .as_deref()
        .unwrap()
        .contains("Hillside Money Advice"));
}
}

on_both_engines! {
async fn new_referrals_wait_the_follow_up_days_before_listing(engine) {
    let (_dir, db, h, a) = pantry(engine, "14").await;
    referrals::make(&db, &form(h, a), &common::admin())
        .await
        .unwrap();
    assert!(
        referrals::follow_up(&db, &common::admin())
            .await
            .unwrap()
            .is_empty(),
        "made today, followed up in 14 days"
    );
    let open = referrals::open(&db, &common::admin()).await.unwrap();
    assert_eq!((open.len(), open[0].due), (1, false), "open, not yet due");
}
}

on_both_engines! {
async fn the_slip_names_the_agency_and_its_reference_barcode_scans(engine) {
    let (dir, db, h, a) = pantry(engine, "14").await;
    let r = referrals::make(&db, &form(h, a), &common::admin())
        .await
        .unwrap();
    let pdf = dir.path().join("slip.pdf");
    std::fs::write(
        &pdf,
        referrals::slip(&db, r.id, &common::admin()).await.unwrap(),
    )
    .unwrap();
    let text = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    for wanted in [
        "Hillside Money Advice",
        &format!("Ref {}", r.reference_shown),
        "Łucja Nowak-Wiśniewska",
        "Agency's copy",
        "Member's copy",
        "Catalogue debt",
    ] {
        assert!(text.contains(wanted), "the slip says {wanted:?}:\n{text}");
    }
    let status = Command::new("pdftoppm")
        .args(["-r", "300", "-png"])
        .arg(&pdf)
        .arg(dir.path().join("slip"))
        .status()
        .unwrap();
    assert!(status.success());
    // Each half (the agency's copy and the member's) carries the reference barcode.
    for (half, geometry) in [("top", "100%x50%+0+0"), ("bottom", "100%x50%+0+1754")] {
        let image = dir.path().join(format!("{half}.png"));
        let cropped = Command::new("convert")
            .arg(dir.path().join("slip-1.png"))
            .args(["-crop", geometry, "+repage"])
            .arg(&image)
            .status()
            .unwrap();
        assert!(cropped.success());
        let scanned = Command::new("zbarimg")
            .args(["--quiet", "--raw"])
            .arg(&image)
            .output()
            .unwrap();
        let codes: Vec<String> = String::from_utf8_lossy(&scanned.stdout)
            .lines()
            .map(str::to_owned)
            .collect();
        assert_eq!(codes, std::slice::from_ref(&r.reference), "the {half} copy");
    }
}
}

on_both_engines! {
async fn the_agency_finder_folds_text_as_every_search_does_and_offers_only_agencies_in_use(engine) {
    let (_dir, db, _, money) = pantry(engine, "14").await;
    let add = |name: &str, kind: AgencyKind, active: bool| {
        let db = db.clone();
        let form = AgencyForm {
            name: name.into(),
            kind: Some(kind),
            phone: "0161 496 0000".into(),
            active,
            ..AgencyForm::default()
        };
        async move {
            // A new agency is in use; one no longer in use is saved again, switched off.
            let id = referrals::save_agency(&db, None, &form, &common::admin())
                .await
                .unwrap()
                .id;
            referrals::save_agency(&db, Some(id), &form, &common::admin())
                .await
                .unwrap();
            id
        }
    };
    let strasse = add("Beratung Weiße Straße", AgencyKind::Energy, true).await;
    let zofia = add("Żółta Ścieżka Wellbeing", AgencyKind::Wellbeing, true).await;
    let closed = add("Old Money Shop", AgencyKind::Money, false).await;
    let find = |text: &'static str| {
        let db = db.clone();
        async move {
            referrals::find_agencies(
                &db,
                text,
                &common::named("Sam", pantry::access::Role::Counter),
            )
            .await
            .unwrap()
        }
    };
    // The same folding as member search: ß is "ss", accents and case go, spaces squeeze.
    assert_eq!(find("STRASSE").await, vec![strasse]);
    assert_eq!(find("weisse   strasse").await, vec![strasse]);
    assert_eq!(find("zolta sciezka").await, vec![zofia]);
    // By kind, as its label reads; an agency no longer in use is never offered.
    assert_eq!(find("money").await, vec![money]);
    assert!(find("old money").await.is_empty(), "{closed} is not in use");
    // Blank: every agency in use, in directory order.
    let all = find("  ").await;
    assert_eq!(all.len(), 3, "{all:?}");
    assert!(!all.contains(&closed));
    assert!(find("nothing like it").await.is_empty());
}
}

on_both_engines! {
/// Eight desks making referrals at the same moment get eight different references, none
/// lost.
async fn referrals_made_at_once_at_eight_desks_get_distinct_references(engine) {
    let (_dir, db, h, a) = pantry(engine, "14").await;
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(8));
    let desks: Vec<_> = (0..8)
        .map(|_| {
            let (db, start) = (db.clone(), start.clone());
            tokio::spawn(async move {
                start.wait().await;
                referrals::make(&db, &form(h, a), &common::admin()).await
            })
        })
        .collect();
    let mut references = std::collections::BTreeSet::new();
    for desk in desks {
        references.insert(desk.await.unwrap().unwrap().reference);
    }
    assert_eq!(references.len(), 8, "{references:?}");
    assert_eq!(common::count(&db, "referrals").await, 8);
    db.close().await;
}
}
