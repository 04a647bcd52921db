//! Volunteers and roles: every protected operation called as each role (refusals are
//! recorded), PINs only as hashes, lock-out after repeated wrong PINs, sign-ins audited.
#![allow(clippy::unwrap_used)]

mod common;

use common::household;
use pantry::access::{Actor, Role};
use pantry::members;
use std::path::{Path, PathBuf};

use pantry::access::Operation;
use pantry::backups;
use pantry::cards;
use pantry::households::form::HouseholdForm;
use pantry::households::Status;
use pantry::import;
use pantry::members::protection;
use pantry::output::{Destination, Existing};
use pantry::outreach::{
    self, ContactForm, ContactOutcome, DeliveryOutcome, NeedForm, ParcelLineForm, PlannedStop,
    RoundForm, StopOrder, SupportNeed,
};
use pantry::referrals::{self, AgencyForm, AgencyKind, ReferralForm, ReferralReason, Urgency};
use pantry::reports::export::{self, ReportFormat};
use pantry::reports::{self, Period};
use pantry::stock::deliveries::{
    self, DeliveryForm, DeliveryLineForm, DeliverySource, WasteForm, WasteLineForm,
};
use pantry::stock::{self, counts, opening, CounterStock, ItemForm, StockSettingsForm};
use pantry::trail::{self, AuditFilter};
use pantry::visits::{self, FeeMethod, VisitForm};
use pantry::volunteers::{self, VolunteerForm};
use pantry::{households, settings, Db, Error};

fn as_role(role: Role) -> Actor {
    Actor::for_tests(role.label(), role)
}

/// What each operation needs in place, made by an admin before the attempt.
struct Fixture {
    agency: i64,
    referral: i64,
    item: i64,
    visit: i64,
    backup: PathBuf,
}

async fn register(db: &Db, name: &str) -> i64 {
    members::register(db, &household(name), Some("test"), &common::admin())
        .await
        .unwrap()
        .id
}

async fn visit_form(db: &Db, id: i64, override_reason: Option<&str>) -> VisitForm {
    let check_in = visits::check_in(db, id, None, &common::admin())
        .await
        .unwrap();
    VisitForm {
        household_id: id,
        request_id: check_in.request_id,
        card_number: None,
        items: "10".into(),
        fee_method: FeeMethod::Cash,
        note: String::new(),
        override_reason: override_reason.map(str::to_owned),
        lines: Vec::new(),
    }
}

async fn fixture(db: &Db) -> Fixture {
    let admin = common::admin();
    let agency = referrals::save_agency(
        db,
        None,
        &AgencyForm {
            name: "Hillside Money Advice".into(),
            kind: Some(AgencyKind::Money),
            phone: "0161 496 0000".into(),
            ..AgencyForm::default()
        },
        &admin,
    )
    .await
    .unwrap()
    .id;
    let referred = register(db, "Referred Person").await;
    let referral = referrals::make(db, &referral_form(referred, agency), &admin)
        .await
        .unwrap()
        .id;
    let item = stock::save_item(
        db,
        &ItemForm {
            name: "Baked beans".into(),
            category: "Tins".into(),
            unit: "tin".into(),
            reorder_level: "5".into(),
            active: true,
            ..ItemForm::default()
        },
        &admin,
    )
    .await
    .unwrap()
    .id;
    deliveries::record_delivery(db, &delivery(item, "500"), &admin)
        .await
        .unwrap();
    let visitor = register(db, "Visiting Person").await;
    let visit = visits::record_visit(db, &visit_form(db, visitor, None).await, &admin)
        .await
        .unwrap()
        .id;
    let backup = PathBuf::from(
        backups::back_up(db, backups::BackupReason::Manual, &admin)
            .await
            .unwrap()
            .file,
    );
    Fixture {
        agency,
        referral,
        item,
        visit,
        backup,
    }
}

fn referral_form(household_id: i64, agency: i64) -> ReferralForm {
    ReferralForm {
        household_id: Some(household_id),
        agency_id: Some(agency),
        reason: Some(ReferralReason::DebtAdvice),
        reason_detail: "Arrears".into(),
        urgency: Urgency::Soon,
        consent_given: true,
    }
}

fn delivery(item: i64, quantity: &str) -> DeliveryForm {
    DeliveryForm {
        source: Some(DeliverySource::FareShare),
        donor: String::new(),
        note: String::new(),
        lines: vec![DeliveryLineForm {
            item_id: Some(item),
            quantity: quantity.into(),
            best_before: String::new(),
            use_by: String::new(),
            value: String::new(),
        }],
    }
}

/// Drops an operation's result, keeping whether it was allowed.
fn ok<T>(_: T) {}

/// Does `op` as `actor`. The match has no catch-all: a new operation in the role table
/// does not compile until it is called here, so every one is tried as every role.
async fn attempt(
    db: &Db,
    dir: &Path,
    f: &Fixture,
    op: Operation,
    actor: &Actor,
) -> Result<(), Error> {
    let tag = format!("{} {op:?}", actor.role().code());
    match op {
        Operation::RegisterHousehold => {
            members::register(db, &household(&tag), Some("test"), actor)
                .await
                .map(ok)
        }
        Operation::EditHousehold => {
            let id = register(db, &tag).await;
            let edited = HouseholdForm {
                children: "2".into(),
                ..household(&tag)
            };
            households::update(db, id, &edited, actor).await.map(ok)
        }
        Operation::RenewMembership => households::renew(db, register(db, &tag).await, actor)
            .await
            .map(ok),
        Operation::ChangeMembershipStatus => {
            let id = register(db, &tag).await;
            households::set_status(db, id, Status::Paused, Some("away"), actor)
                .await
                .map(ok)
        }
        Operation::PrintCards => {
            let id = register(db, &tag).await;
            cards::print_single(db, id, &Destination::print("card"), actor)
                .await
                .map(ok)
        }
        Operation::PrintWelcome => {
            let id = register(db, &tag).await;
            pantry::households::welcome::print_welcome(
                db,
                id,
                &Destination::print("welcome"),
                actor,
            )
            .await
            .map(ok)
        }
        Operation::PrintSlip => {
            referrals::print_slip(db, f.referral, &Destination::print("slip"), actor)
                .await
                .map(ok)
        }
        Operation::RecordVisit => {
            let id = register(db, &tag).await;
            visits::record_visit(db, &visit_form(db, id, None).await, actor)
                .await
                .map(ok)
        }
        Operation::CashUp => visits::cash_up(db, "0.00", "", actor).await.map(ok),
        Operation::MakeReferral => {
            let id = register(db, &tag).await;
            referrals::make(db, &referral_form(id, f.agency), actor)
                .await
                .map(ok)
        }
        Operation::RecordReferralProgress => {
            match referrals::mark_contacted(db, f.referral, actor).await {
                // Contact was recorded by a role before this one.
                Err(Error::Conflict(_)) => Ok(()),
                other => other.map(ok),
            }
        }
        Operation::ReceiveDelivery => {
            deliveries::record_delivery(db, &delivery(f.item, "3"), actor)
                .await
                .map(ok)
        }
        Operation::ReplaceCard => cards::reissue(db, register(db, &tag).await, "Lost", actor)
            .await
            .map(ok),
        Operation::MergeHouseholds => {
            let keep = register(db, &format!("{tag} kept")).await;
            let gone = register(db, &format!("{tag} merged")).await;
            members::merge(db, keep, gone, actor).await.map(ok)
        }
        Operation::EraseHousehold => {
            pantry::members::erasure::erase(db, register(db, &tag).await, "asked", actor)
                .await
                .map(ok)
        }
        Operation::AnonymiseAbsent => protection::apply_retention(db, actor).await.map(ok),
        Operation::SubjectAccess => protection::subject_access(db, register(db, &tag).await, actor)
            .await
            .map(ok),
        Operation::ImportMembers => {
            let csv = format!("Name,Postcode\n{tag} Import,OL1 3BQ\n");
            let sheet = import::read_sheet(csv.as_bytes(), "m.csv").unwrap();
            let mapping = import::suggest_mapping(&sheet.headers);
            import::import(db, &sheet, &mapping, actor, &mut |_| {})
                .await
                .map(ok)
        }
        Operation::ImportStock => {
            let sheet = import::read_sheet(b"Name,Quantity\nTea,1\n", "s.csv").unwrap();
            opening::import_opening(db, &sheet, true, false, actor)
                .await
                .map(ok)
        }
        Operation::OverrideVisit => {
            let id = register(db, &tag).await;
            visits::record_visit(db, &visit_form(db, id, Some("test")).await, actor)
                .await
                .map(ok)
        }
        Operation::VoidVisit => match visits::void_visit(db, f.visit, "mistake", actor).await {
            // Undone already by a role before this one.
            Err(Error::Conflict(_)) => Ok(()),
            other => other.map(ok),
        },
        Operation::EditAgencies => {
            let form = AgencyForm {
                name: tag.clone(),
                kind: Some(AgencyKind::Energy),
                phone: "0161 496 0001".into(),
                ..AgencyForm::default()
            };
            referrals::save_agency(db, None, &form, actor).await.map(ok)
        }
        Operation::EditItems => {
            let form = stock::item_form(db, f.item, &common::admin())
                .await
                .unwrap();
            stock::save_item(db, &form, actor).await.map(ok)
        }
        Operation::RecordWaste => {
            let form = WasteForm {
                reason: "damaged".into(),
                lines: vec![WasteLineForm {
                    item_id: f.item,
                    quantity: "1".into(),
                }],
            };
            deliveries::record_waste(db, &form, actor).await.map(ok)
        }
        Operation::StockCount => match counts::start_count(db, actor).await {
            Ok(c) => counts::cancel_count(db, c.id, actor).await.map(ok),
            other => other.map(ok),
        },
        Operation::ExportReport => {
            let period = Period::parse(&common::this_month()).unwrap();
            let out = dir.join(format!("{}.csv", actor.role().code()));
            export::export_summary(
                db,
                &period,
                ReportFormat::Csv,
                Some((&out, Existing::Refuse)),
                actor,
            )
            .await
            .map(ok)
        }
        Operation::ViewAudit => trail::list(db, &AuditFilter::default(), actor)
            .await
            .map(ok),
        Operation::ChangeSettings => settings::save(db, &common::hillside_form(), actor)
            .await
            .map(ok),
        Operation::ChangeStockSettings => {
            let form = StockSettingsForm {
                counter_stock: CounterStock::Count,
                points_per_visit: "0".into(),
                use_by_warning_days: "3".into(),
                bands: Vec::new(),
            };
            stock::save_stock_settings(db, &form, actor).await.map(ok)
        }
        Operation::ChangeReportSettings => {
            let form = reports::report_settings(db, &common::admin())
                .await
                .unwrap();
            reports::save_report_settings(db, &form, actor)
                .await
                .map(ok)
        }
        Operation::ChangeBackupSettings => {
            backups::save_settings(db, "", "14", actor).await.map(ok)
        }
        Operation::TakeBackup => backups::back_up(db, backups::BackupReason::Manual, actor)
            .await
            .map(ok),
        Operation::RestoreBackup => backups::stage_restore(db, &f.backup, None, actor)
            .await
            .map(ok),
        Operation::ManageVolunteers => {
            let form = VolunteerForm {
                id: None,
                name: tag.clone(),
                role: Role::Counter,
                pin: "4321".into(),
                active: true,
            };
            volunteers::save_volunteer(db, actor, &form).await.map(ok)
        }
        Operation::PrintRecoverySheet => {
            // Away from the data folder, as the sheet must be; then said to be put away.
            let away = tempfile::tempdir().unwrap();
            let written = pantry::encryption::print_recovery_sheet(
                db,
                &Destination::file(away.path().join("recovery.pdf"), Existing::Refuse),
                actor,
            )
            .await;
            match written {
                Ok(_) => pantry::encryption::confirm_recovery_sheet_put_away(db, actor).await,
                Err(e) => Err(e),
            }
        }
        Operation::ExportDatabase => pantry::encryption::export_plain(
            db,
            &dir.join(format!("{tag}-plain.sqlite3")),
            Existing::Refuse,
            actor,
        )
        .await
        .map(ok),
        Operation::ViewOutreach => outreach::contact_list(db, actor).await.map(ok),
        Operation::ChangeSupportNeeds => {
            let form = NeedForm {
                household_id: register(db, &tag).await,
                need: Some(SupportNeed::Isolated),
                until: String::new(),
                reason: "Lives alone".into(),
                consent_given: true,
            };
            outreach::record_support_need(db, &form, actor)
                .await
                .map(ok)
        }
        Operation::LogContact => {
            let form = ContactForm {
                household_id: register(db, &tag).await,
                outcome: Some(ContactOutcome::Fine),
                note: String::new(),
                follow_up_on: String::new(),
                referral: None,
            };
            outreach::log_contact(db, &form, actor).await.map(ok)
        }
        Operation::SetDelivery => {
            let form = delivery_form(register(db, &tag).await);
            outreach::set_delivery(db, &form, actor).await.map(ok)
        }
        Operation::PlanRound => {
            let (day, form) = round_form(db, &tag, actor.role(), 0).await;
            outreach::plan_round(db, &form, actor).await.map(|r| {
                assert_eq!(r.date, day);
            })
        }
        Operation::PackRound => {
            let (day, form) = round_form(db, &tag, actor.role(), 10).await;
            outreach::plan_round(db, &form, &common::admin())
                .await
                .unwrap();
            outreach::pack_round(db, day, actor).await.map(ok)
        }
        Operation::RecordDeliveryOutcome => {
            // Today's round (an outcome is for a round that has come), one new stop per role.
            let admin = common::admin();
            let (day, mut form) = round_form(db, &tag, Role::Counter, 0).await;
            let id = form.stops[0].household_id;
            if let Some(r) = outreach::round_on(db, day, &admin).await.unwrap() {
                form.stops.extend(r.stops.iter().map(|s| PlannedStop {
                    household_id: s.household_id,
                    parcels: s.parcels,
                }));
            }
            outreach::plan_round(db, &form, &admin).await.unwrap();
            let round = outreach::pack_round(db, day, &admin).await.unwrap();
            let stop = round.stops.iter().find(|s| s.household_id == id).unwrap();
            outreach::record_outcome(db, stop.id, DeliveryOutcome::NotIn, actor)
                .await
                .map(ok)
        }
        Operation::EditParcel => outreach::set_standard_parcel(db, &parcel(f.item), actor)
            .await
            .map(ok),
        Operation::PrintOutreach => outreach::print_call_sheet(
            db,
            &Destination::file(dir.join(format!("{tag}-calls.pdf")), Existing::Refuse),
            actor,
        )
        .await
        .map(ok),
    }
}

fn parcel(item: i64) -> Vec<ParcelLineForm> {
    vec![ParcelLineForm {
        item_id: item,
        per_household: 2,
        per_person: 0,
        ..ParcelLineForm::default()
    }]
}

fn delivery_form(household_id: i64) -> outreach::HomeDeliveryForm {
    outreach::HomeDeliveryForm {
        household_id,
        until: String::new(),
        address: "1 Mill Lane".into(),
        postcode: "OL1 3BQ".into(),
        access_notes: String::new(),
        phone: String::new(),
        fee_method: FeeMethod::Waived,
    }
}

/// A round of one new delivery household, on a day of its own for each role and operation
/// (`offset` days and the role's place after today), with the standard parcel set.
async fn round_form(db: &Db, tag: &str, role: Role, offset: i64) -> (chrono::NaiveDate, RoundForm) {
    let admin = common::admin();
    let id = register(db, tag).await;
    outreach::set_delivery(db, &delivery_form(id), &admin)
        .await
        .unwrap();
    let item: i64 = sqlx::query_scalar("SELECT MIN(id) FROM items")
        .fetch_one(db.pool().unwrap())
        .await
        .unwrap();
    outreach::set_standard_parcel(db, &parcel(item), &admin)
        .await
        .unwrap();
    let today = settings::require(db).await.unwrap().date_at(db.now());
    let day = today + chrono::Duration::days(offset + role as i64);
    let form = RoundForm {
        date: day.to_string(),
        stops: vec![PlannedStop {
            household_id: id,
            parcels: 1,
        }],
        order: StopOrder::AsGiven,
    };
    (day, form)
}

#[tokio::test(flavor = "multi_thread")]
async fn every_protected_operation_is_tried_as_every_role() {
    let (dir, db) = common::fresh_db().await;
    settings::save(&db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    let f = fixture(&db).await;
    let mut refusals = 0;
    for role in Role::ALL {
        let actor = as_role(role);
        for &op in Operation::ALL {
            match attempt(&db, dir.path(), &f, op, &actor).await {
                Ok(()) => assert!(
                    role >= op.min_role(),
                    "{op:?} was allowed to a {}",
                    role.label()
                ),
                Err(Error::Forbidden(message)) => {
                    assert!(
                        role < op.min_role(),
                        "{op:?} was refused to a {}",
                        role.label()
                    );
                    assert!(message.contains(role.label()), "{message}");
                    refusals += 1;
                }
                Err(other) => panic!("{op:?} as {role:?} failed for another reason: {other}"),
            }
        }
    }
    let expected: usize = Role::ALL
        .iter()
        .map(|r| {
            Operation::ALL
                .iter()
                .filter(|op| *r < op.min_role())
                .count()
        })
        .sum();
    assert_eq!(refusals, expected);

    // Every refusal is in the audit trail.
    let audited = trail::list(
        &db,
        &AuditFilter {
            action: "refused".into(),
            ..AuditFilter::default()
        },
        &common::manager(),
    )
    .await
    .unwrap();
    assert_eq!(audited.matching as usize, refusals);
}

#[test]
fn the_role_table_protects_what_the_issues_name() {
    use Operation as O;
    for (op, role) in [
        (O::AnonymiseAbsent, Role::Manager),
        (O::EraseHousehold, Role::Manager),
        (O::ReplaceCard, Role::Manager),
        (O::EditItems, Role::Manager),
        (O::RecordWaste, Role::Manager),
        (O::OverrideVisit, Role::Manager),
        (O::VoidVisit, Role::Manager),
        (O::ImportMembers, Role::Manager),
        (O::ImportStock, Role::Manager),
        (O::ExportReport, Role::Manager),
        (O::RestoreBackup, Role::Admin),
    ] {
        assert_eq!(op.min_role(), role, "{op:?}");
    }
}

on_both_engines! {
async fn sign_in_locks_out_after_wrong_pins_and_is_audited(engine) {
    let (_dir, db) = common::fresh_db_on(engine).await;
    settings::save(&db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    assert!(volunteers::needs_first_admin(&db).await.unwrap());
    let Error::Validation(fields) =
        volunteers::create_first_admin(&db, &common::first_admin("Alex", "12"))
            .await
            .unwrap_err()
    else {
        panic!()
    };
    assert_eq!(fields[0].field, "adminPin");
    let alex = volunteers::create_first_admin(&db, &common::first_admin("Alex", "2468"))
        .await
        .unwrap();
    assert_eq!(alex.role(), Role::Admin);
    assert!(matches!(
        volunteers::create_first_admin(&db, &common::first_admin("Eve", "1357"))
            .await
            .unwrap_err(),
        Error::Conflict(_)
    ));

    let sam = common::add_volunteer(&db, &alex, "Sam", Role::Counter, "1111").await;
    // The PIN is stored only as an Argon2 hash.
    let stored: Vec<(String,)> =
        common::rows(&db, "SELECT pin_hash FROM volunteers WHERE id = $1", &[sam.id]).await;
    let stored = &stored[0].0;
    assert!(stored.starts_with("$argon2") && !stored.contains("1111"));
    let signed = volunteers::sign_in(&db, "sam", "1111").await.unwrap();
    assert_eq!((signed.name(), signed.role()), ("Sam", Role::Counter));

    // Wrong PINs a few seconds apart (the pantry-wide slow-down is shown elsewhere).
    let (later, clock) = common::stopped(db.clone(), chrono::Utc::now());
    for attempt in 1..volunteers::MAX_ATTEMPTS {
        clock.advance(chrono::Duration::seconds(10));
        let Error::Validation(fields) = volunteers::sign_in(&later, "Sam", "9999")
            .await
            .unwrap_err()
        else {
            panic!()
        };
        assert!(fields[0].message.contains(&format!(
            "{} tries left",
            volunteers::MAX_ATTEMPTS - attempt
        )));
    }
    clock.advance(chrono::Duration::seconds(10));
    assert!(matches!(
        volunteers::sign_in(&later, "Sam", "9999")
            .await
            .unwrap_err(),
        Error::Forbidden(_)
    ));
    // Locked out: even the right PIN is refused for now.
    let Error::Forbidden(message) = volunteers::sign_in(&later, "Sam", "1111")
        .await
        .unwrap_err()
    else {
        panic!()
    };
    assert!(message.contains("too many wrong PINs"));
    // The lock-out lasts LOCKOUT_MINUTES by the pantry's clock, then the right PIN works.
    clock.advance(chrono::Duration::minutes(volunteers::LOCKOUT_MINUTES - 1));
    assert!(matches!(
        volunteers::sign_in(&later, "Sam", "1111")
            .await
            .unwrap_err(),
        Error::Forbidden(_)
    ));
    clock.advance(chrono::Duration::minutes(2));
    volunteers::sign_in(&later, "Sam", "1111").await.unwrap();
    // An admin resetting the PIN lifts the lock.
    volunteers::save_volunteer(
        &db,
        &alex,
        &VolunteerForm {
            id: Some(sam.id),
            name: "Sam".into(),
            role: Role::Counter,
            pin: "2222".into(),
            active: true,
        },
    )
    .await
    .unwrap();
    volunteers::sign_in(&later, "Sam", "2222").await.unwrap();

    // The last admin cannot be demoted.
    let Error::Validation(fields) = volunteers::save_volunteer(
        &db,
        &alex,
        &VolunteerForm {
            id: alex.id(),
            name: "Alex".into(),
            role: Role::Manager,
            pin: String::new(),
            active: true,
        },
    )
    .await
    .unwrap_err() else {
        panic!()
    };
    assert_eq!(fields[0].field, "role");

    let trail = trail::list(&db, &AuditFilter::default(), &alex)
        .await
        .unwrap();
    let count = |action: &str| trail.entries.iter().filter(|e| e.action == action).count();
    assert_eq!(
        (count("signed-in"), count("sign-in-failed")),
        (3, volunteers::MAX_ATTEMPTS as usize)
    );
    assert!(trail
        .entries
        .iter()
        .all(|e| !e.details.contains("1111") && !e.details.contains("2222")));
}
}

/// The wrong PINs of `name` recorded in the audit trail (each one checked against the hash).
async fn wrong_pins_checked(db: &Db, name: &str) -> usize {
    let trail = trail::list(db, &AuditFilter::default(), &common::admin())
        .await
        .unwrap();
    trail
        .entries
        .iter()
        .filter(|e| e.action == "sign-in-failed" && e.actor == name)
        .count()
}

on_both_engines! {
/// An intruder sends 40 guesses at once, each from its own process: every guess is counted,
/// no more than five are ever checked against the PIN, and the name is locked (the right
/// PIN too is refused until the lock-out ends).
async fn guesses_sent_at_once_from_many_processes_are_all_counted(engine) {
    let (dir, db, env) = common::hillside_with_alex_on(engine).await;
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let guesses: Vec<_> = (0..40)
        .map(|n| {
            common::pantry_command(dir.path(), Some(("Alex", &format!("{:04}", 4000 + n))), &env, &["backup"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for guess in guesses {
        let out = guess.wait_with_output().unwrap();
        assert!(!out.status.success(), "a wrong PIN signed in");
        let said = common::stderr(&out);
        assert!(
            said.contains("not right")
                || said.contains("too many wrong PINs")
                || said.contains("Too many wrong PINs"),
            "{said}"
        );
    }
    let checked = wrong_pins_checked(&db, "Alex").await;
    assert!(
        (1..=volunteers::MAX_ATTEMPTS as usize).contains(&checked),
        "{checked} guesses were checked against the PIN"
    );
    let Error::Forbidden(message) = volunteers::sign_in(&db, "Alex", "3333").await.unwrap_err()
    else {
        panic!("the right PIN signed in through the lock-out")
    };
    assert!(
        message.to_lowercase().contains("too many wrong pins"),
        "{message}"
    );
    db.close().await;
}
}

on_both_engines! {
/// Guessing across names gains nothing: wrong PINs anywhere in the pantry slow every
/// sign-in down (1 s, 2 s, 4 s … after the third), however many names are tried.
async fn wrong_pins_for_many_names_slow_down_every_sign_in(engine) {
    let (_dir, db) = common::fresh_db_on(engine).await;
    let alex = volunteers::create_first_admin(&db, &common::first_admin("Alex", "2468"))
        .await
        .unwrap();
    for (name, pin) in [
        ("Sam", "1111"),
        ("Kim", "2222"),
        ("Lee", "3333"),
        ("Max", "4444"),
    ] {
        volunteers::save_volunteer(
            &db,
            &alex,
            &VolunteerForm {
                id: None,
                name: name.into(),
                role: Role::Counter,
                pin: pin.into(),
                active: true,
            },
        )
        .await
        .unwrap();
    }
    let (db, clock) = common::stopped(db, chrono::Utc::now());
    // Three slips cost nothing.
    for name in ["Sam", "Kim", "Lee"] {
        assert!(matches!(
            volunteers::sign_in(&db, name, "9999").await.unwrap_err(),
            Error::Validation(_)
        ));
    }
    assert!(matches!(
        volunteers::sign_in(&db, "Max", "9999").await.unwrap_err(),
        Error::Validation(_)
    ));
    // After the fourth, for yet another name, every sign-in waits: the right PIN too.
    let Error::Forbidden(message) = volunteers::sign_in(&db, "Max", "4444").await.unwrap_err()
    else {
        panic!()
    };
    assert!(message.contains("wait 1 second,"), "{message}");
    clock.advance(chrono::Duration::seconds(1));
    assert!(matches!(
        volunteers::sign_in(&db, "Kim", "9999").await.unwrap_err(),
        Error::Validation(_)
    ));
    // The next wait is twice as long.
    clock.advance(chrono::Duration::seconds(1));
    assert!(matches!(
        volunteers::sign_in(&db, "Max", "4444").await.unwrap_err(),
        Error::Forbidden(_)
    ));
    clock.advance(chrono::Duration::seconds(1));
    volunteers::sign_in(&db, "Max", "4444").await.unwrap();
    // Refused waits were never checked against a PIN, nor counted.
    assert_eq!(wrong_pins_checked(&db, "Max").await, 1);
}
}

/// Someone keeps the only admin locked out with wrong PINs: the admin still signs in, with
/// the recovery key; nobody else may, and a wrong key is refused and recorded.
#[tokio::test(flavor = "multi_thread")]
async fn a_locked_out_admin_signs_in_with_the_recovery_key() {
    let (_dir, db) = common::fresh_db().await;
    let alex = volunteers::create_first_admin(&db, &common::first_admin("Alex", "2468"))
        .await
        .unwrap();
    common::add_volunteer(&db, &alex, "Sam", Role::Counter, "1111").await;
    let (db, clock) = common::stopped(db, chrono::Utc::now());
    for _ in 0..volunteers::MAX_ATTEMPTS {
        clock.advance(chrono::Duration::seconds(30));
        let _ = volunteers::sign_in(&db, "Alex", "0000").await;
    }
    assert!(matches!(
        volunteers::sign_in(&db, "Alex", "2468").await.unwrap_err(),
        Error::Forbidden(_)
    ));
    let recovery = db.key().unwrap().recovery_text();
    let wrong = pantry::keys::DatabaseKey::generate().recovery_text();
    let Error::Validation(fields) = volunteers::sign_in_with_recovery_key(&db, "Alex", &wrong)
        .await
        .unwrap_err()
    else {
        panic!()
    };
    assert_eq!(fields[0].field, "recoveryKey");
    assert!(matches!(
        volunteers::sign_in_with_recovery_key(&db, "Sam", &recovery)
            .await
            .unwrap_err(),
        Error::Forbidden(_)
    ));
    let signed = volunteers::sign_in_with_recovery_key(&db, "Alex", &recovery)
        .await
        .unwrap();
    assert_eq!(signed.role(), Role::Admin);
    // The lock is lifted: the PIN works again.
    clock.advance(chrono::Duration::minutes(1));
    volunteers::sign_in(&db, "Alex", "2468").await.unwrap();
}

/// What only a manager may see is refused to a counter volunteer who asks the library
/// directly: names and last visits of absent households (retention preview), whether a name
/// and postcode belong to a member (an import's dry run), the blind count sheet, the report
/// before it is exported, and the export history.
#[tokio::test(flavor = "multi_thread")]
async fn reading_what_a_manager_may_see_needs_a_manager() {
    let (_dir, db) = common::fresh_db().await;
    settings::save(&db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    fixture(&db).await;
    let count = counts::start_count(&db, &common::manager()).await.unwrap();
    let sheet = import::read_sheet(b"Name,Postcode\nAda Lovelace,OL1 3BQ\n", "m.csv").unwrap();
    let mapping = import::suggest_mapping(&sheet.headers);
    let period = Period::parse(&common::this_month()).unwrap();
    for actor in [as_role(Role::Counter), common::manager()] {
        let outcomes = [
            (
                "retention preview",
                protection::retention_preview(&db, &actor).await.map(ok),
            ),
            (
                "import check",
                import::check(&db, &sheet, &mapping, &actor).await.map(ok),
            ),
            (
                "count sheet",
                counts::count_sheet(&db, count.id, &actor).await.map(ok),
            ),
            (
                "report preview",
                reports::preview::preview(&db, &period, &actor)
                    .await
                    .map(ok),
            ),
            ("export history", export::history(&db, &actor).await.map(ok)),
        ];
        for (what, outcome) in outcomes {
            match (actor.role(), outcome) {
                (Role::Counter, Err(Error::Forbidden(message))) => {
                    assert!(message.contains("needs a manager"), "{what}: {message}");
                }
                (Role::Manager, Ok(())) => {}
                (role, other) => panic!("{what} as {role:?}: {other:?}"),
            }
        }
    }
}
