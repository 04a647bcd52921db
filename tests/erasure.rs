//! Erasure that leaves nothing: a household with visits and notes, an override and an undone
//! visit, a referral with detail and outcome, replaced and printed cards, a printed slip and
//! a subject-access export is erased; then no table, search-index shadow table, WAL, file in
//! the data folder or later backup holds any of its values (searched byte by byte on an
//! unencrypted database), and restoring a backup from before the erasure erases it again.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

use pantry::backups::{self, BackupReason};
use pantry::cards;
use pantry::households::form::{HouseholdForm, MemberForm};
use pantry::households::{self, erasure, protection};
use pantry::output::Destination;
use pantry::print::cards::SheetLayout;
use pantry::referrals::{
    self, AgencyForm, AgencyKind, Outcome, ReferralForm, ReferralReason, Urgency,
};
use pantry::visits::{self, FeeMethod, VisitForm};
use pantry::{settings, Db};

/// Everything personal the test household has, as typed (and as the search keys fold it).
const VALUES: &[&str] = &[
    "Zebulon Quixworth",
    "zebulon quixworth",
    "Quixworth",
    "quixworth",
    "07700 900123",
    "07700900123",
    "zeb.quix@example.org",
    "TQX-88231",
    "Ottoline",
    "Prefers Thursdays, walks with a frame",
    "visit note: brought the pram back",
    "override because of the flood at home",
    "undone: typed twice by Quentin",
    "owes 4000 GBP on a doorstep loan",
    "plan agreed with StepChange xq",
    "lost it on the 409 bus",
];

/// Trigrams of the name that the search index would hold (its shadow tables store terms).
const TRIGRAMS: &[&str] = &["xwo", "uix", "ebu"];

fn zebulon() -> HouseholdForm {
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

/// A pantry with Zebulon (everything filled in) and one other household; returns their ids.
async fn pantry_with_zebulon(db: &Db) -> (i64, i64) {
    settings::save(db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    let manager = common::manager();
    let z = households::register(db, &zebulon(), None, &manager)
        .await
        .unwrap()
        .id;
    let other = households::register(db, &common::household("Amelia Smith"), None, &manager)
        .await
        .unwrap()
        .id;
    // A visit with a note, a second one the same week (an override) that is then undone.
    let check_in = visits::check_in(db, z, None).await.unwrap();
    let card = cards::for_household(&mut *db.pool().acquire().await.unwrap(), z)
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
    let again = visits::check_in(db, z, None).await.unwrap();
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
    referrals::print_slip(db, referral.id, &Destination::print("slip"))
        .await
        .unwrap();
    protection::write_subject_access(db, z, None, &manager)
        .await
        .unwrap();
    (z, other)
}

/// Every file under `dir`, except those in `skip`.
fn files_under(dir: &Path, skip: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if skip.contains(&path) {
            continue;
        }
        if path.is_dir() {
            out.extend(files_under(&path, skip));
        } else {
            out.push(path);
        }
    }
    out
}

/// The values (and name trigrams) found in a file's raw bytes.
fn found_in(file: &Path) -> Vec<String> {
    let bytes = std::fs::read(file).unwrap();
    VALUES
        .iter()
        .chain(TRIGRAMS)
        .filter(|v| bytes.windows(v.len()).any(|w| w == v.as_bytes()))
        .map(|v| (*v).to_owned())
        .collect()
}

fn assert_nothing_left(dir: &Path, skip: &[PathBuf]) {
    let files = files_under(dir, skip);
    assert!(files.iter().any(|f| f.ends_with("pantry.sqlite3")));
    for file in files {
        let found = found_in(&file);
        assert!(found.is_empty(), "{} still holds {found:?}", file.display());
    }
}

#[tokio::test]
async fn erasure_leaves_nothing_in_tables_index_wal_files_or_later_backups() {
    let (dir, db) = common::fresh_plain_db().await;
    let (z, other) = pantry_with_zebulon(&db).await;
    let before = backups::back_up(&db, BackupReason::Manual, &common::admin())
        .await
        .unwrap();
    let before = PathBuf::from(before.file);
    // The test means something: before erasing, the values are there to be found.
    let db_file = dir.path().join("pantry.sqlite3");
    let mut everywhere: Vec<String> = files_under(dir.path(), &[])
        .iter()
        .flat_map(|f| found_in(f))
        .collect();
    everywhere.sort();
    everywhere.dedup();
    assert_eq!(
        everywhere.len(),
        VALUES.len() + TRIGRAMS.len(),
        "{everywhere:?}"
    );
    assert!(!found_in(&before).is_empty());
    let printed = files_under(&dir.path().join("print"), &[]);
    assert_eq!(printed.len(), 3, "{printed:?}");

    let done = erasure::erase(&db, z, "the member asked", &common::manager())
        .await
        .unwrap();
    assert_eq!(done.files_deleted.len(), 5, "{done:?}");
    assert_eq!(
        done.shared_files_deleted.len(),
        1,
        "the sheet with Amelia's card"
    );
    assert!(done.files_left.is_empty());
    assert!(files_under(&dir.path().join("print"), &[]).is_empty());
    assert!(files_under(&dir.path().join("exports"), &[]).is_empty());

    // Anonymous counts stay: the visits (with their snapshots), the referral, the cards.
    assert_eq!(common::count(&db, "visits").await, 2);
    assert_eq!(common::count(&db, "referrals").await, 1);
    assert_eq!(common::count(&db, "cards WHERE household_id = 1").await, 2);
    // Amelia is untouched, and her search still works.
    let amelia = households::page(&db, other).await.unwrap().household;
    assert_eq!(amelia.lead_name, "Amelia Smith");
    assert_eq!(
        pantry::households::search::search(&db, "smith", 5)
            .await
            .unwrap()
            .len(),
        1
    );
    // No audit entry holds any of its values (the trail is never changed: they were never in it).
    let audit: Vec<String> =
        sqlx::query_scalar("SELECT coalesce(subject, '') || ' ' || details FROM audit_log")
            .fetch_all(db.pool())
            .await
            .unwrap();
    for value in VALUES {
        assert!(
            !audit.iter().any(|a| a.contains(value)),
            "audit holds {value}"
        );
    }
    // …nor in the files: the database, its WAL, the data folder, a backup taken after.
    let after = backups::back_up(&db, BackupReason::Manual, &common::admin())
        .await
        .unwrap();
    assert_nothing_left(dir.path(), std::slice::from_ref(&before));
    assert!(found_in(&PathBuf::from(&after.file)).is_empty());

    // Restoring the backup from before the erasure erases the household again.
    db.close().await;
    let request = backups::RestoreRequest::new(&before, &common::admin());
    let notice = backups::restore(&db_file, &before, &request).await.unwrap();
    let (db, _) = Db::open_in(dir.path()).await.unwrap();
    let back = households::page(&db, z).await.unwrap().household;
    assert!(back.erased, "{notice:?}");
    assert_eq!(back.lead_name, "Erased household");
    assert!(notice.undone.contains("erased again"), "{}", notice.undone);
    // Its WAL too, while the database is open; then the file alone once closed. (The safety
    // copy taken before the restore is the erased database, so it is searched as well.)
    assert_nothing_left(dir.path(), std::slice::from_ref(&before));
    db.close().await;
    assert_nothing_left(dir.path(), std::slice::from_ref(&before));
}
