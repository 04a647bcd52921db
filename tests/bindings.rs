//! The TypeScript types in ui/src/lib/bindings are generated from the Rust wire types.
//! This test fails when they are stale; `make bindings` (UPDATE_BINDINGS=1) rewrites them.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::Path;

use pantry::access::{Operation, RoleOption, SignedIn};
use pantry::app::AppStatus;
use pantry::backups::{BackupRecord, BackupStatus, RestoreNotice};
use pantry::cards::{Card, CardLookup, PrintedFile};
use pantry::error::WireError;
use pantry::households::duplicates::DuplicateCandidate;
use pantry::households::form::HouseholdForm;
use pantry::households::{Household, ListPage, ListQuery, RegistrationOptions};
use pantry::i18n::{MemberTextForm, MemberTextSettings};
use pantry::import::{ImportFile, ImportPreview, ImportProgress, ImportReport};
use pantry::members::erasure::Erasure;
use pantry::members::protection::RetentionPreview;
use pantry::members::HouseholdPage;
use pantry::outreach;
use pantry::print::cards::SheetLayout;
use pantry::referrals::{
    Agency, AgencyForm, OpenReferral, Referral, ReferralForm, ReferralOptions,
};
use pantry::reports::dashboard::Dashboard;
use pantry::reports::export::{ExportRecord, ReportFormat};
use pantry::reports::preview::SummaryPreview;
use pantry::reports::{Period, PeriodOption, ReportSettingsForm, Summary};
use pantry::settings::{Settings, SettingsForm};
use pantry::stock::counts::StockCount;
use pantry::stock::deliveries::{Delivery, DeliveryForm, WasteForm, WasteRecord};
use pantry::stock::opening::OpeningReport;
use pantry::stock::{
    ItemDetail, ItemForm, StockLookup, StockOverview, StockSettings, StockSettingsForm,
};
use pantry::trail::{AuditFilter, AuditPage};
use pantry::visits::{CashUp, CheckIn, ScanOutcome, Today, TypeAhead, VisitForm, VisitRecord};
use pantry::volunteers::{FirstAdmin, Volunteer, VolunteerForm};
use ts_rs::TS;

const BINDINGS_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/ui/src/lib/bindings");

fn export_all(dir: &Path) {
    AppStatus::export_all_to(dir).unwrap();
    WireError::export_all_to(dir).unwrap();
    RestoreNotice::export_all_to(dir).unwrap();
    pantry::encryption::SecurityStatus::export_all_to(dir).unwrap();
    pantry::db::choice::ServerForm::export_all_to(dir).unwrap();
    pantry::db::choice::ServerCheck::export_all_to(dir).unwrap();
    SignedIn::export_all_to(dir).unwrap();
    PeriodOption::export_all_to(dir).unwrap();
    Operation::export_all_to(dir).unwrap();
    RoleOption::export_all_to(dir).unwrap();
    Settings::export_all_to(dir).unwrap();
    SettingsForm::export_all_to(dir).unwrap();
    HouseholdForm::export_all_to(dir).unwrap();
    Household::export_all_to(dir).unwrap();
    HouseholdPage::export_all_to(dir).unwrap();
    ListQuery::export_all_to(dir).unwrap();
    ListPage::export_all_to(dir).unwrap();
    RegistrationOptions::export_all_to(dir).unwrap();
    DuplicateCandidate::export_all_to(dir).unwrap();
    RetentionPreview::export_all_to(dir).unwrap();
    Erasure::export_all_to(dir).unwrap();
    ImportFile::export_all_to(dir).unwrap();
    ImportPreview::export_all_to(dir).unwrap();
    ImportProgress::export_all_to(dir).unwrap();
    ImportReport::export_all_to(dir).unwrap();
    Card::export_all_to(dir).unwrap();
    Agency::export_all_to(dir).unwrap();
    AgencyForm::export_all_to(dir).unwrap();
    Referral::export_all_to(dir).unwrap();
    OpenReferral::export_all_to(dir).unwrap();
    ReferralForm::export_all_to(dir).unwrap();
    ReferralOptions::export_all_to(dir).unwrap();
    CheckIn::export_all_to(dir).unwrap();
    ScanOutcome::export_all_to(dir).unwrap();
    TypeAhead::export_all_to(dir).unwrap();
    VisitForm::export_all_to(dir).unwrap();
    VisitRecord::export_all_to(dir).unwrap();
    Today::export_all_to(dir).unwrap();
    CashUp::export_all_to(dir).unwrap();
    CardLookup::export_all_to(dir).unwrap();
    PrintedFile::export_all_to(dir).unwrap();
    SheetLayout::export_all_to(dir).unwrap();
    StockOverview::export_all_to(dir).unwrap();
    ItemDetail::export_all_to(dir).unwrap();
    ItemForm::export_all_to(dir).unwrap();
    StockLookup::export_all_to(dir).unwrap();
    StockSettings::export_all_to(dir).unwrap();
    StockSettingsForm::export_all_to(dir).unwrap();
    Delivery::export_all_to(dir).unwrap();
    DeliveryForm::export_all_to(dir).unwrap();
    WasteForm::export_all_to(dir).unwrap();
    WasteRecord::export_all_to(dir).unwrap();
    StockCount::export_all_to(dir).unwrap();
    OpeningReport::export_all_to(dir).unwrap();
    Dashboard::export_all_to(dir).unwrap();
    Volunteer::export_all_to(dir).unwrap();
    FirstAdmin::export_all_to(dir).unwrap();
    VolunteerForm::export_all_to(dir).unwrap();
    BackupStatus::export_all_to(dir).unwrap();
    AuditFilter::export_all_to(dir).unwrap();
    AuditPage::export_all_to(dir).unwrap();
    BackupRecord::export_all_to(dir).unwrap();
    Summary::export_all_to(dir).unwrap();
    SummaryPreview::export_all_to(dir).unwrap();
    Period::export_all_to(dir).unwrap();
    ExportRecord::export_all_to(dir).unwrap();
    ReportFormat::export_all_to(dir).unwrap();
    ReportSettingsForm::export_all_to(dir).unwrap();
    MemberTextSettings::export_all_to(dir).unwrap();
    MemberTextForm::export_all_to(dir).unwrap();
    outreach::NeedForm::export_all_to(dir).unwrap();
    outreach::SupportNeedRecord::export_all_to(dir).unwrap();
    outreach::ContactDue::export_all_to(dir).unwrap();
    outreach::ContactForm::export_all_to(dir).unwrap();
    outreach::ContactAttempt::export_all_to(dir).unwrap();
    outreach::HomeDeliveryForm::export_all_to(dir).unwrap();
    outreach::HomeDeliveryDetails::export_all_to(dir).unwrap();
    outreach::RoundForm::export_all_to(dir).unwrap();
    outreach::Round::export_all_to(dir).unwrap();
    outreach::Settled::export_all_to(dir).unwrap();
    outreach::Suggestion::export_all_to(dir).unwrap();
    outreach::ParcelLineForm::export_all_to(dir).unwrap();
    outreach::Printed::export_all_to(dir).unwrap();
    outreach::OutreachToday::export_all_to(dir).unwrap();
    outreach::Limits::export_all_to(dir).unwrap();
}

fn read_dir(dir: &Path) -> BTreeMap<String, String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return BTreeMap::new();
    };
    entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ts"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

#[test]
fn typescript_bindings_are_up_to_date() {
    let fresh = tempfile::tempdir().unwrap();
    export_all(fresh.path());
    let wanted = read_dir(fresh.path());
    let committed = Path::new(BINDINGS_DIR);

    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        for name in read_dir(committed).keys() {
            std::fs::remove_file(committed.join(name)).unwrap();
        }
        std::fs::create_dir_all(committed).unwrap();
        for (name, text) in &wanted {
            std::fs::write(committed.join(name), text).unwrap();
        }
        return;
    }

    let have = read_dir(committed);
    let stale: Vec<_> = wanted
        .keys()
        .chain(have.keys())
        .filter(|name| wanted.get(*name) != have.get(*name))
        .collect();
    assert!(
        stale.is_empty(),
        "TypeScript bindings in ui/src/lib/bindings are stale ({stale:?}); run `make bindings` and commit."
    );
}

/// Every type in `src/` that derives `TS` (by hand, or through `choices!`), found by
/// reading the source: what the UI may be sent or may send.
fn wire_types_in_source() -> Vec<(String, String)> {
    fn walk(dir: &Path, into: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, into);
            } else if path.extension().is_some_and(|e| e == "rs") {
                into.push(path);
            }
        }
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    let mut found = Vec::new();
    for file in files {
        let source = std::fs::read_to_string(&file).unwrap();
        let where_ = file.strip_prefix(&src).unwrap().display().to_string();
        let mut deriving = false;
        let mut in_choices = false;
        for line in source.lines().map(str::trim) {
            if line.starts_with("#[derive(") && line.contains("TS") {
                deriving = true;
            }
            if line.starts_with("choices!(") {
                in_choices = true;
            }
            let name_after = |keyword: &str| {
                line.strip_prefix(keyword).map(|rest| {
                    rest.chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect::<String>()
                })
            };
            if deriving {
                if let Some(name) = name_after("pub struct ").or_else(|| name_after("pub enum ")) {
                    // `pub enum $name` in a macro's body is found where the macro is used.
                    if !name.is_empty() {
                        found.push((name, where_.clone()));
                    }
                    deriving = false;
                }
            } else if in_choices && !line.starts_with("#") && !line.starts_with("//") {
                if let Some(name) = line.strip_suffix(" {") {
                    if name.chars().all(char::is_alphanumeric) {
                        found.push((name.to_owned(), where_.clone()));
                        in_choices = false;
                    }
                }
            }
        }
    }
    found.sort();
    found
}

#[test]
fn every_wire_type_in_the_source_is_exported() {
    let fresh = tempfile::tempdir().unwrap();
    export_all(fresh.path());
    let exported = read_dir(fresh.path());
    let types = wire_types_in_source();
    assert!(
        types.len() > 100 && types.iter().any(|(name, _)| name == "SupportNeed"),
        "the source scan finds the wire types, those of choices! too: {types:?}"
    );
    let missing: Vec<_> = types
        .iter()
        .filter(|(name, _)| !exported.contains_key(&format!("{name}.ts")))
        .collect();
    assert!(
        missing.is_empty(),
        "these types derive TS but no binding is made for them: add each to export_all \
         (or drop the derive if the UI never sees it): {missing:#?}"
    );
}
