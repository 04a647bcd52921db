//! The landlord summary against hand-computed figures: suppression (with its secondary cell),
//! voided visits left out, households edited or erased after their visits still counted as
//! they were; the exports read back with real readers; the roll-up.
#![allow(clippy::unwrap_used)]

mod common;

use calamine::{Data, Reader, Xlsx};
use pantry::households::form::HouseholdForm;
use pantry::output::Existing;
use pantry::reports::export::{self, ReportFormat};
use pantry::reports::{self, rollup, Period};
use pantry::visits::{self, FeeMethod, ScanOutcome, VisitForm};
use pantry::{households, settings, Db, Error};

struct Pantry {
    _dir: tempfile::TempDir,
    db: Db,
    period: Period,
    ids: Vec<(&'static str, i64)>,
}

async fn register(db: &Db, name: &str, area: i64, adults: u32, children: u32, tenant: bool) -> i64 {
    let form = HouseholdForm {
        lead_name: name.into(),
        adults: adults.to_string(),
        children: children.to_string(),
        postcode: "OL1 3BQ".into(),
        neighbourhood_id: Some(area),
        landlord_tenant: tenant,
        tenancy_ref: if tenant { "T-1".into() } else { String::new() },
        consent_given: true,
        ..HouseholdForm::default()
    };
    households::register(db, &form, Some("test fixture"), &common::admin())
        .await
        .unwrap()
        .id
}

async fn visit(db: &Db, id: i64, again: bool) -> i64 {
    let number = households::page(db, id)
        .await
        .unwrap()
        .household
        .membership_number;
    let ScanOutcome::Found { check_in } = visits::scan(db, &number).await.unwrap() else {
        panic!()
    };
    visits::record_visit(
        db,
        &VisitForm {
            household_id: id,
            request_id: check_in.request_id.clone(),
            card_number: None,
            items: "10".into(),
            fee_method: FeeMethod::Cash,
            note: String::new(),
            override_reason: again.then(|| "second shop".into()),
            lines: Vec::new(),
        },
        &common::manager(),
    )
    .await
    .unwrap()
    .id
}

/// Hillside: 6 households (2 adults + 1 child each, 4 tenants), one shops twice.
/// Brookfield: 3 households; one visit is undone. St Anne's: 5 single adults.
async fn pantry() -> Pantry {
    let (dir, db) = common::fresh_db().await;
    let s = settings::save(&db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    let area = |name: &str| s.neighbourhoods.iter().find(|n| n.name == name).unwrap().id;
    let mut ids = Vec::new();
    for (i, name) in [
        "Ann Abbott",
        "Bea Brown",
        "Cal Clarke",
        "Dee Dunn",
        "Eve Evans",
        "Fay Ford",
    ]
    .into_iter()
    .enumerate()
    {
        let id = register(&db, name, area("Hillside"), 2, 1, i < 4).await;
        visit(&db, id, false).await;
        ids.push((name, id));
    }
    visit(&db, ids[0].1, true).await;
    let b1 = register(&db, "Gus Gray", area("Brookfield"), 1, 0, false).await;
    let b2 = register(&db, "Hal Hill", area("Brookfield"), 1, 3, false).await;
    let b3 = register(&db, "Ivy Innes", area("Brookfield"), 2, 2, true).await;
    visit(&db, b1, false).await;
    let undone = visit(&db, b2, false).await;
    visit(&db, b3, false).await;
    visits::void_visit(&db, undone, "recorded by mistake", &common::manager())
        .await
        .unwrap();
    for name in ["Jo Jones", "Kit King", "Lou Lane", "Max Moss", "Ned Nash"] {
        let id = register(&db, name, area("St Anne's"), 1, 0, false).await;
        visit(&db, id, false).await;
    }
    let period = Period::parse(&s.date_at(db.now()).format("%Y-%m").to_string()).unwrap();
    Pantry {
        _dir: dir,
        db,
        period,
        ids,
    }
}

fn column(summary: &reports::Summary, measure: &str) -> Vec<Option<i64>> {
    let i = summary.measures.iter().position(|m| m == measure).unwrap();
    summary.neighbourhoods.iter().map(|a| a.cells[i]).collect()
}

#[tokio::test]
async fn figures_match_the_hand_count_and_never_drift() {
    let p = pantry().await;
    let s = reports::summary(&p.db, &p.period).await.unwrap();
    let o = s.overall;
    assert_eq!(
        (o.visits, o.households, o.adults, o.children),
        (14, 13, 20, 8)
    );
    assert_eq!(
        (
            o.new_members,
            o.renewals,
            o.tenant_households,
            o.other_households
        ),
        (14, 0, 5, 8)
    );
    assert_eq!((o.items, o.fees_pence), (140, 14 * 400));
    // No item values recorded: 100p per item, an estimate, less the fees.
    assert_eq!(
        (o.savings_pence, s.visits_with_estimated_value),
        (140 * 100 - 14 * 400, 14)
    );

    let names: Vec<_> = s
        .neighbourhoods
        .iter()
        .map(|a| a.neighbourhood.as_str())
        .collect();
    assert_eq!(names, vec!["Hillside", "Brookfield", "St Anne's"]);
    // Brookfield's 2 households are hidden, and St Anne's 5 with them (else 13 − 6 − 5 = 2).
    assert_eq!(column(&s, "households"), vec![Some(6), None, None]);
    assert_eq!(column(&s, "visits"), vec![Some(7), None, None]);
    assert_eq!(column(&s, "adults"), vec![Some(12), None, None]);
    // Brookfield's 2 children are hidden; the smallest non-zero cell left is Hillside's 6.
    assert_eq!(column(&s, "children"), vec![None, None, Some(0)]);
    assert_eq!(column(&s, "new_members"), vec![Some(6), None, None]);
    assert_eq!(column(&s, "renewals"), vec![Some(0), Some(0), Some(0)]);
    assert_eq!(column(&s, "items"), vec![Some(70), None, None]);

    // Edit one household and erase another after their visits: nothing changes.
    let (name, bea) = p.ids[1];
    let edit = HouseholdForm {
        lead_name: name.into(),
        adults: "5".into(),
        children: "4".into(),
        postcode: "OL1 3BQ".into(),
        neighbourhood_id: None,
        consent_given: true,
        ..HouseholdForm::default()
    };
    households::update(&p.db, bea, &edit, &common::admin())
        .await
        .unwrap();
    pantry::households::erasure::erase(&p.db, p.ids[2].1, "asked", &common::manager())
        .await
        .unwrap();
    let again = reports::summary(&p.db, &p.period).await.unwrap();
    assert_eq!(again, s);

    // The same period exported twice gives the same bytes; each export is recorded.
    let dir = tempfile::tempdir().unwrap();
    let a = export::export_summary(
        &p.db,
        &p.period,
        ReportFormat::Json,
        Some((&dir.path().join("a.json"), Existing::Refuse)),
        &common::manager(),
    )
    .await
    .unwrap();
    let b = export::export_summary(
        &p.db,
        &p.period,
        ReportFormat::Json,
        Some((&dir.path().join("b.json"), Existing::Refuse)),
        &common::manager(),
    )
    .await
    .unwrap();
    assert_eq!(a.sha256, b.sha256);
    assert_eq!(export::history(&p.db).await.unwrap().len(), 2);
}

#[tokio::test]
async fn the_preview_shows_the_figures_as_the_export_does() {
    let p = pantry().await;
    let preview = reports::preview::preview(&p.db, &p.period).await.unwrap();
    assert_eq!(preview.period, p.period);
    let column = |label: &str| preview.columns.iter().position(|c| c == label).unwrap();
    let cell = |group: &str, label: &str| {
        preview
            .rows
            .iter()
            .find(|r| r.group == group)
            .unwrap()
            .cells[column(label)]
        .clone()
    };
    assert_eq!(cell("Hillside", "Households"), "6");
    assert_eq!(cell("Brookfield", "Households"), "<5");
    assert_eq!(cell("St Anne's", "Households"), "<5");
    assert_eq!(cell("Hillside", "Children"), "<5");
    assert_eq!(cell("St Anne's", "Children"), "0");
    assert_eq!(cell("Hillside", "Fees collected"), "£28.00");
    assert_eq!(cell("All neighbourhoods", "Households"), "13");
    assert_eq!(cell("All neighbourhoods", "Fees collected"), "£56.00");
    let totals: Vec<bool> = preview.rows.iter().map(|r| r.total).collect();
    assert_eq!(totals, [false, false, false, true]);
    let headline = |label: &str| {
        preview
            .headline
            .iter()
            .find(|h| h.label == label)
            .unwrap()
            .value
            .clone()
    };
    assert_eq!(headline("People reached"), "28 (20 adults, 8 children)");
    assert_eq!(headline("Estimated member savings"), "£84.00");
    assert!(preview.hidden_note.contains("\"<5\""));
}

#[tokio::test]
async fn every_format_reads_back() {
    let p = pantry().await;
    let dir = tempfile::tempdir().unwrap();
    let path = |ext: &str| dir.path().join(format!("summary.{ext}"));
    for format in [
        ReportFormat::Csv,
        ReportFormat::Xlsx,
        ReportFormat::Pdf,
        ReportFormat::Json,
    ] {
        export::export_summary(
            &p.db,
            &p.period,
            format,
            Some((&path(format.extension()), Existing::Refuse)),
            &common::manager(),
        )
        .await
        .unwrap();
    }

    // CSV: UTF-8 with BOM, stable columns, hidden cells as "<5".
    let bytes = std::fs::read(path("csv")).unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()));
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        vec![
            "pantry_code",
            "period_from",
            "period_to",
            "breakdown",
            "group",
            "measure",
            "value"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let find = |group: &str, measure: &str| {
        rows.iter()
            .find(|r| &r[3] == "neighbourhood" && &r[4] == group && &r[5] == measure)
            .map(|r| r[6].to_owned())
            .unwrap()
    };
    assert_eq!(find("Hillside", "households"), "6");
    assert_eq!(find("Brookfield", "households"), "<5");
    assert_eq!(find("All neighbourhoods", "fees_pence"), "5600");

    // XLSX: a sheet per breakdown, numbers as numbers, money in pounds.
    let mut book: Xlsx<_> = calamine::open_workbook(path("xlsx")).unwrap();
    assert!(book.sheet_names().contains(&"By neighbourhood".to_owned()));
    let sheet = book.worksheet_range("By neighbourhood").unwrap();
    assert_eq!(sheet.get((0, 2)), Some(&Data::String("Households".into())));
    assert_eq!(sheet.get((1, 0)), Some(&Data::String("Hillside".into())));
    assert_eq!(sheet.get((1, 2)), Some(&Data::Float(6.0)));
    assert_eq!(sheet.get((2, 2)), Some(&Data::String("<5".into())));
    assert_eq!(sheet.get((4, 10)), Some(&Data::Float(56.0)));

    // PDF: the figures and the rule are in the text.
    let text = String::from_utf8(
        std::process::Command::new("pdftotext")
            .arg(path("pdf"))
            .arg("-")
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    for expected in [
        "Hillside Pantry",
        "Headline figures",
        "Visits per week",
        "Households by neighbourhood",
        "<5",
        "Anonymous by design",
    ] {
        assert!(text.contains(expected), "{expected} missing from the PDF");
    }
    for personal in ["Ann Abbott", "OL1 3BQ"] {
        assert!(
            !text.contains(personal),
            "{personal} must not be in the report"
        );
    }

    // JSON: versioned; two pantries roll up; other versions and periods are refused.
    let json = std::fs::read(path("json")).unwrap();
    let one = rollup::read_summary("one.json", &json).unwrap();
    let mut two = one.clone();
    two.pantry_code = "BROOK".into();
    let combined = rollup::combine(&[one.clone(), two.clone()]).unwrap();
    assert_eq!(combined.total.visits, 28);
    assert!(combined.households_note.contains("counted once per pantry"));
    let doc = rollup::rollup_document(&combined);
    let csv = String::from_utf8(export::to_csv(&doc).unwrap()).unwrap();
    assert!(csv.contains("ROLLUP,"));
    let old = String::from_utf8(json.clone())
        .unwrap()
        .replace("\"schemaVersion\": 1", "\"schemaVersion\": 0");
    let Error::Validation(fields) = rollup::read_summary("old.json", old.as_bytes()).unwrap_err()
    else {
        panic!()
    };
    assert!(fields[0].message.contains("version 0"));
    two.period = Period::parse("2020-01").unwrap();
    assert!(rollup::combine(&[one, two]).is_err());
}
