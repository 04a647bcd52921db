//! The landlord summary against hand-computed figures (with every record key set to zero, so
//! each cell's perturbation is known): small counts hidden, voided visits left out, households
//! edited or erased after their visits still counted as they were; the exports read back with
//! real readers, their text cells safe for spreadsheets; the roll-up and its schema checks.
#![allow(clippy::unwrap_used)]

mod common;

use calamine::{Data, Reader, Xlsx};
use pantry::households::form::HouseholdForm;
use pantry::i18n::{self, MemberTextForm};
use pantry::members;
use pantry::output::Existing;
use pantry::reports::export::{self, ReportFormat};
use pantry::reports::suppress::{publish, Count};
use pantry::reports::{self, rollup, Period};
use pantry::visits::{self, FeeMethod, ScanOutcome, VisitForm};
use pantry::{households, settings, Db, Error};

struct Pantry {
    _dir: tempfile::TempDir,
    db: Db,
    period: Period,
    ids: Vec<(&'static str, i64)>,
}

async fn register(
    db: &Db,
    name: &str,
    area: i64,
    (adults, children): (u32, u32),
    tenant: bool,
    language: &str,
) -> i64 {
    let form = HouseholdForm {
        lead_name: name.into(),
        adults: adults.to_string(),
        children: children.to_string(),
        postcode: "OL1 3BQ".into(),
        neighbourhood_id: Some(area),
        landlord_tenant: tenant,
        tenancy_ref: if tenant { "T-1".into() } else { String::new() },
        consent_given: true,
        language: language.into(),
        ..HouseholdForm::default()
    };
    members::register(db, &form, Some("test fixture"), &common::admin())
        .await
        .unwrap()
        .id
}

async fn visit(db: &Db, id: i64, again: bool) -> i64 {
    let number = members::page(db, id, &common::admin())
        .await
        .unwrap()
        .household
        .membership_number;
    let ScanOutcome::Found { check_in } =
        visits::scan(db, &number, &common::admin()).await.unwrap()
    else {
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
/// The pantry offers Bengali, Polish and Somali: St Anne's households prefer Polish, Gus Gray
/// Somali, the rest English.
async fn pantry(engine: pantry::db::Engine) -> Pantry {
    let (dir, db) = common::fresh_db_on(engine).await;
    let s = settings::save(&db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    offer(&db, &["bn", "pl", "so"]).await;
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
        let id = register(&db, name, area("Hillside"), (2, 1), i < 4, "en").await;
        visit(&db, id, false).await;
        ids.push((name, id));
    }
    visit(&db, ids[0].1, true).await;
    let b1 = register(&db, "Gus Gray", area("Brookfield"), (1, 0), false, "so").await;
    let b2 = register(&db, "Hal Hill", area("Brookfield"), (1, 3), false, "en").await;
    let b3 = register(&db, "Ivy Innes", area("Brookfield"), (2, 2), true, "en").await;
    visit(&db, b1, false).await;
    let undone = visit(&db, b2, false).await;
    visit(&db, b3, false).await;
    visits::void_visit(&db, undone, "recorded by mistake", &common::manager())
        .await
        .unwrap();
    for name in ["Jo Jones", "Kit King", "Lou Lane", "Max Moss", "Ned Nash"] {
        let id = register(&db, name, area("St Anne's"), (1, 0), false, "pl").await;
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

/// Switches on the member languages `codes` (English is always on).
async fn offer(db: &Db, codes: &[&str]) {
    let form = MemberTextForm {
        languages: codes.iter().map(|c| (*c).to_owned()).collect(),
        opening_times: String::new(),
    };
    i18n::save_member_text_settings(db, &form, &common::admin())
        .await
        .unwrap();
}

/// The summary's households by language: (label, published count).
fn languages(summary: &reports::Summary) -> Vec<(&str, Option<i64>)> {
    summary
        .households_by_language
        .iter()
        .map(|l| (l.label.as_str(), l.count))
        .collect()
}

fn column(summary: &reports::Summary, measure: &str) -> Vec<Option<i64>> {
    let i = summary.measures.iter().position(|m| m == measure).unwrap();
    summary.neighbourhoods.iter().map(|a| a.cells[i]).collect()
}

fn overall(summary: &reports::Summary, measure: &str) -> Option<i64> {
    let i = summary.measures.iter().position(|m| m == measure).unwrap();
    summary.overall[i]
}

/// Every record key to zero: then a count `v` is published as `shown(v)`.
async fn zero_keys(db: &Db) {
    for table in ["households", "visits", "membership_events", "referrals"] {
        common::execute(db, &format!("UPDATE {table} SET record_key = 0"))
            .await
            .unwrap();
    }
}

/// How a true count is published when its cell key is zero (threshold 5).
fn shown(v: i64) -> Option<i64> {
    publish(Count::new(v, 0), 5)
}

fn n(v: i64) -> i64 {
    shown(v).unwrap()
}

on_both_engines! {
async fn figures_match_the_hand_count_and_never_drift(engine) {
    let p = pantry(engine).await;
    // With the records' own random keys: editing and erasing households after their visits
    // changes nothing, keys included.
    let s = reports::summary(&p.db, &p.period, &common::admin())
        .await
        .unwrap();
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
    pantry::members::erasure::erase(&p.db, p.ids[2].1, "asked", &common::manager())
        .await
        .unwrap();
    let again = reports::summary(&p.db, &p.period, &common::admin())
        .await
        .unwrap();
    assert_eq!(again, s);
    for cell in s.overall.iter().flatten() {
        assert_eq!(cell % 5, 0, "published counts and money are multiples of 5");
    }

    // With every key zero, each cell's move is known: the hand count, published.
    zero_keys(&p.db).await;
    let s = reports::summary(&p.db, &p.period, &common::admin())
        .await
        .unwrap();
    let o = |m: &str| overall(&s, m);
    assert_eq!(
        (
            o("visits"),
            o("households"),
            o("people"),
            o("adults"),
            o("children")
        ),
        (shown(14), shown(13), shown(28), shown(20), shown(8))
    );
    assert_eq!(
        (
            o("new_members"),
            o("renewals"),
            o("tenant_households"),
            o("other_households")
        ),
        (shown(14), Some(0), shown(5), shown(8))
    );
    // Items and money: the published visits times the average per visit.
    assert_eq!(
        (o("items"), o("fees_pence")),
        (Some(10 * n(14)), Some(400 * n(14)))
    );
    // No item values recorded: 100p per item, an estimate, less the fees: 600p a visit.
    assert_eq!(
        (o("savings_pence"), s.visits_with_estimated_value),
        (Some(600 * n(14)), shown(14))
    );

    let names: Vec<_> = s
        .neighbourhoods
        .iter()
        .map(|a| a.neighbourhood.as_str())
        .collect();
    assert_eq!(names, vec!["Hillside", "Brookfield", "St Anne's"]);
    // Brookfield's 2 households and 2 visits are hidden; no secondary cell is needed, as the
    // total is protected on its own.
    assert_eq!(column(&s, "households"), vec![shown(6), None, shown(5)]);
    assert_eq!(column(&s, "visits"), vec![shown(7), None, shown(5)]);
    // Brookfield's 2 households hold 5 people: not a small count.
    assert_eq!(column(&s, "people"), vec![shown(18), shown(5), shown(5)]);
    assert_eq!(column(&s, "adults"), vec![shown(12), None, shown(5)]);
    assert_eq!(column(&s, "children"), vec![shown(6), None, Some(0)]);
    assert_eq!(column(&s, "tenant_households"), vec![None, None, Some(0)]);
    assert_eq!(column(&s, "other_households"), vec![None, None, shown(5)]);
    assert_eq!(column(&s, "new_members"), vec![shown(6), None, shown(5)]);
    assert_eq!(column(&s, "renewals"), vec![Some(0), Some(0), Some(0)]);
    assert_eq!(
        column(&s, "items"),
        vec![Some(10 * n(7)), None, Some(10 * n(5))]
    );
    assert!(s.referrals_by_kind.iter().all(|r| r.count == Some(0)));
    // Households by language: English first, then the pantry's list; Gus Gray's Somali is a
    // small count, hidden; nobody prefers Bengali.
    assert_eq!(
        languages(&s),
        [
            ("English", shown(7)),
            ("Bengali", Some(0)),
            ("Polish", shown(5)),
            ("Somali", None)
        ]
    );

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
    assert_eq!(
        export::history(&p.db, &common::manager())
            .await
            .unwrap()
            .len(),
        2
    );
}
}

on_both_engines! {
async fn the_preview_shows_the_figures_as_the_export_does(engine) {
    let p = pantry(engine).await;
    zero_keys(&p.db).await;
    let preview = reports::preview::preview(&p.db, &p.period, &common::manager())
        .await
        .unwrap();
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
    assert_eq!(cell("Hillside", "Households"), n(6).to_string());
    assert_eq!(cell("Brookfield", "Households"), "<5");
    assert_eq!(cell("St Anne's", "Households"), n(5).to_string());
    assert_eq!(cell("Hillside", "Tenant households"), "<5");
    assert_eq!(cell("St Anne's", "Children"), "0");
    assert_eq!(
        cell("Hillside", "Fees collected"),
        pantry::money::pounds(400 * n(7))
    );
    assert_eq!(cell("All neighbourhoods", "Households"), n(13).to_string());
    assert_eq!(
        cell("All neighbourhoods", "Fees collected"),
        pantry::money::pounds(400 * n(14))
    );
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
    assert_eq!(headline("People reached"), n(28).to_string());
    assert_eq!(
        headline("Estimated member savings"),
        pantry::money::pounds(600 * n(14))
    );
    assert!(preview.hidden_note.contains("\"<5\""));
    let languages: Vec<(&str, &str)> = preview
        .languages
        .iter()
        .map(|l| (l.label.as_str(), l.value.as_str()))
        .collect();
    assert_eq!(
        languages,
        [
            ("English", n(7).to_string().as_str()),
            ("Bengali", "0"),
            ("Polish", n(5).to_string().as_str()),
            ("Somali", "<5")
        ]
    );
}
}

on_both_engines! {
async fn every_format_reads_back(engine) {
    let p = pantry(engine).await;
    zero_keys(&p.db).await;
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
    assert_eq!(find("Hillside", "households"), n(6).to_string());
    assert_eq!(find("Brookfield", "households"), "<5");
    // The rule is in the CSV too, first of the notes.
    let rule = rows
        .iter()
        .find(|r| &r[3] == "notes" && &r[4] == "note_1")
        .unwrap();
    assert!(rule[6].contains("cell key method"), "{rule:?}");
    assert_eq!(
        find("All neighbourhoods", "fees_pence"),
        (400 * n(14)).to_string()
    );
    let language = |group: &str| {
        rows.iter()
            .find(|r| &r[3] == "households_by_language" && &r[4] == group)
            .map(|r| (r[5].to_owned(), r[6].to_owned()))
            .unwrap()
    };
    assert_eq!(language("English"), ("households".into(), n(7).to_string()));
    assert_eq!(language("Bengali").1, "0");
    assert_eq!(language("Polish").1, n(5).to_string());
    assert_eq!(language("Somali").1, "<5");

    // XLSX: a sheet per breakdown, numbers as numbers, money in pounds.
    let mut book: Xlsx<_> = calamine::open_workbook(path("xlsx")).unwrap();
    assert!(book.sheet_names().contains(&"By neighbourhood".to_owned()));
    let sheet = book.worksheet_range("By neighbourhood").unwrap();
    assert_eq!(sheet.get((0, 2)), Some(&Data::String("Households".into())));
    assert_eq!(sheet.get((1, 0)), Some(&Data::String("Hillside".into())));
    assert_eq!(sheet.get((1, 2)), Some(&Data::Float(n(6) as f64)));
    assert_eq!(sheet.get((2, 2)), Some(&Data::String("<5".into())));
    assert_eq!(sheet.get((4, 11)), Some(&Data::Float((4 * n(14)) as f64)));
    // Households by language: a sheet of number cells, hidden ones "<5".
    let sheet = book.worksheet_range("Households by language").unwrap();
    assert_eq!(sheet.get((0, 1)), Some(&Data::String("Households".into())));
    let cells: Vec<(Data, Data)> = (1..5)
        .map(|r| {
            (
                sheet.get((r, 0)).unwrap().clone(),
                sheet.get((r, 1)).unwrap().clone(),
            )
        })
        .collect();
    assert_eq!(
        cells,
        [
            (Data::String("English".into()), Data::Float(n(7) as f64)),
            (Data::String("Bengali".into()), Data::Float(0.0)),
            (Data::String("Polish".into()), Data::Float(n(5) as f64)),
            (Data::String("Somali".into()), Data::String("<5".into())),
        ]
    );
    // The Summary sheet's figures are number cells too (issue 17): they can be summed.
    let summary = book.worksheet_range("Summary").unwrap();
    assert_eq!(summary.get((3, 0)), Some(&Data::String("Visits".into())));
    assert_eq!(summary.get((3, 1)), Some(&Data::Float(n(14) as f64)));
    let fees = (3..20)
        .find(|&r| summary.get((r, 0)) == Some(&Data::String("Fees collected".into())))
        .unwrap();
    assert_eq!(
        summary.get((fees, 1)),
        Some(&Data::Float((4 * n(14)) as f64))
    );

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
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "Hillside Pantry",
        "Headline figures",
        "Visits per week",
        "Households by neighbourhood",
        "Households by language",
        &format!("English {}", n(7)),
        &format!("Polish {}", n(5)),
        "Somali <5",
        "<5",
        "Anonymous by design",
        "cell key method",
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
    assert_eq!(combined.total[0], Some(2 * n(14)));
    assert_eq!(
        one.households_by_language[0],
        reports::LabelCell {
            label: "English".into(),
            count: shown(7)
        }
    );
    let total: Vec<_> = combined
        .households_by_language
        .iter()
        .map(|l| (l.label.as_str(), l.count))
        .collect();
    assert_eq!(
        total,
        [
            ("English", Some(2 * n(7))),
            ("Bengali", Some(0)),
            ("Polish", Some(2 * n(5))),
            ("Somali", None)
        ]
    );
    let rolled =
        String::from_utf8(export::to_csv(&rollup::rollup_document(&combined)).unwrap()).unwrap();
    assert!(rolled.contains(&format!(
        "households_by_language,English,all_pantries,{}",
        2 * n(7)
    )));
    assert!(rolled.contains("households_by_language,Somali,BROOK,<5"));
    assert!(combined.households_note.contains("counted once per pantry"));
    let doc = rollup::rollup_document(&combined);
    let csv = String::from_utf8(export::to_csv(&doc).unwrap()).unwrap();
    assert!(csv.contains("ROLLUP,"));
    let old = String::from_utf8(json.clone())
        .unwrap()
        .replace("\"schemaVersion\": 3", "\"schemaVersion\": 0");
    let Error::Validation(fields) = rollup::read_summary("old.json", old.as_bytes()).unwrap_err()
    else {
        panic!()
    };
    assert!(fields[0].message.contains("version 0"));
    two.period = Period::parse("2020-01").unwrap();
    assert!(rollup::combine(&[one, two]).is_err());
}
}

on_both_engines! {
/// Each landlord export records the audit chain's head as it stood, so the landlord's copy can
/// be matched to the pantry's trail; a later export records a later head.
async fn each_export_records_the_audit_chain_head(engine) {
    let p = pantry(engine).await;
    let dir = tempfile::tempdir().unwrap();
    for name in ["first.csv", "second.csv"] {
        export::export_summary(
            &p.db,
            &p.period,
            ReportFormat::Csv,
            Some((&dir.path().join(name), Existing::Refuse)),
            &common::manager(),
        )
        .await
        .unwrap();
    }
    let filter = pantry::trail::AuditFilter {
        action: "reports.exported".into(),
        ..Default::default()
    };
    let page = pantry::trail::list(&p.db, &filter, &common::manager())
        .await
        .unwrap();
    let heads: Vec<(i64, String)> = page
        .entries
        .iter()
        .map(|e| {
            let details: serde_json::Value = serde_json::from_str(&e.details).unwrap();
            let head = details["auditHead"].as_str().unwrap().to_owned();
            assert_eq!(head.len(), 64, "a SHA-256 in hex");
            assert!(head.chars().all(|c| c.is_ascii_hexdigit()));
            assert_eq!(details["sha256"].as_str().unwrap().len(), 64);
            (details["auditEntries"].as_i64().unwrap(), head)
        })
        .collect();
    assert_eq!(heads.len(), 2);
    // Newest first: the second export saw one more entry (the first export's).
    assert_eq!(heads[0].0, heads[1].0 + 1);
    assert_ne!(heads[0].1, heads[1].1);
}
}

#[test]
fn text_that_a_spreadsheet_would_run_is_neutralised_and_numbers_are_not() {
    for (text, safe) in [
        ("=1+1", "'=1+1"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-", "'-"),
        ("Hillside", "Hillside"),
        ("St Anne's", "St Anne's"),
        ("<5", "<5"),
        ("-12", "-12"),
        ("-12.50", "-12.50"),
        ("+3", "+3"),
        ("", ""),
    ] {
        assert_eq!(export::spreadsheet_text(text), safe, "{text:?}");
    }
}

/// A summary as JSON with `edit` applied to it.
fn edited(json: &[u8], edit: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    let mut value: serde_json::Value = serde_json::from_slice(json).unwrap();
    edit(&mut value);
    serde_json::to_vec(&value).unwrap()
}

fn messages(e: Error) -> Vec<String> {
    let Error::Validation(fields) = e else {
        panic!("{e:?}")
    };
    fields.into_iter().map(|f| f.message).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn roll_up_names_are_made_safe_and_numbers_stay_numbers() {
    let p = pantry(pantry::db::Engine::Sqlite).await;
    let one = reports::summary(&p.db, &p.period, &common::admin())
        .await
        .unwrap();
    let json = export::to_json(&one).unwrap();
    let attack = edited(&json, |v| {
        v["pantryCode"] = "EVIL".into();
        v["pantryName"] = "+cmd|' /C calc'!A0".into();
        // Savings below zero (fees above the items' value) are a negative number.
        let i = one
            .measures
            .iter()
            .position(|m| m == "savings_pence")
            .unwrap();
        v["overall"][i] = (-350).into();
    });
    let two = rollup::read_summary("evil.json", &attack).unwrap();
    let combined = rollup::combine(&[two]).unwrap();
    let doc = rollup::rollup_document(&combined);

    let csv = export::to_csv(&doc).unwrap();
    let mut reader = csv::Reader::from_reader(&csv[3..]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let cell = |measure: &str| {
        rows.iter()
            .find(|r| &r[4] != "All pantries" && &r[5] == measure)
            .unwrap()
            .clone()
    };
    assert_eq!(&cell("visits")[4], "'+cmd|' /C calc'!A0 (EVIL)");
    assert_eq!(&cell("savings_pence")[6], "-350");

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rollup.xlsx");
    std::fs::write(&file, export::to_xlsx(&doc).unwrap()).unwrap();
    let mut book: Xlsx<_> = calamine::open_workbook(&file).unwrap();
    let sheet = book.worksheet_range("By pantry").unwrap();
    assert_eq!(
        sheet.get((1, 0)),
        Some(&Data::String("'+cmd|' /C calc'!A0 (EVIL)".into()))
    );
    assert_eq!(sheet.get((1, 12)), Some(&Data::Float(-3.5)));
    // No cell of the workbook is a formula.
    for name in book.sheet_names() {
        let formulas = book.worksheet_formula(&name).unwrap();
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "{name}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn roll_up_inputs_are_checked_against_the_schema() {
    let p = pantry(pantry::db::Engine::Sqlite).await;
    let one = reports::summary(&p.db, &p.period, &common::admin())
        .await
        .unwrap();
    let json = export::to_json(&one).unwrap();
    assert!(rollup::read_summary("good.json", &json).is_ok());
    let refused = |name: &str, edit: &dyn Fn(&mut serde_json::Value)| {
        let bytes = edited(&json, edit);
        messages(rollup::read_summary(name, &bytes).unwrap_err())
    };

    let m = refused("minus.json", &|v| v["overall"][0] = (-3).into());
    assert_eq!(
        m,
        ["minus.json: overall.visits is -3; it must be a count from 0 to 10000000."]
    );
    let m = refused("huge.json", &|v| {
        v["overall"][10] = i64::MAX.into();
        v["neighbourhoods"][0]["cells"][1] = 20_000_000.into();
    });
    assert_eq!(m.len(), 2);
    assert!(m[0].starts_with(
        "huge.json: overall.fees_pence is 9223372036854775807; it must be an amount in pence"
    ));
    assert!(m[1].starts_with("huge.json: neighbourhoods[0].cells.households is 20000000"));
    let m = refused("week.json", &|v| {
        v["visitsPerWeek"][0]["visits"] = (-1).into()
    });
    assert!(
        m[0].starts_with("week.json: visitsPerWeek[0].visits is -1"),
        "{m:?}"
    );
    let m = refused("stock.json", &|v| {
        v["stockReceived"][0]["units"] = (-5).into()
    });
    assert!(
        m[0].starts_with("stock.json: stockReceived[0].units is -5"),
        "{m:?}"
    );
    let m = refused("period.json", &|v| v["period"]["to"] = "2020-01-01".into());
    assert!(m[0].starts_with("period.json: period runs from"), "{m:?}");
    let m = refused("long.json", &|v| v["pantryName"] = "x".repeat(201).into());
    assert_eq!(
        m,
        ["long.json: pantryName is 201 characters long; at most 200 are allowed."]
    );
    let m = refused("control.json", &|v| {
        v["neighbourhoods"][1]["neighbourhood"] = "Brook\u{1b}[2J".into()
    });
    assert!(
        m[0].starts_with("control.json: neighbourhoods[1].neighbourhood has an escape character"),
        "{m:?}"
    );
    let m = refused("short.json", &|v| {
        v["neighbourhoods"][2]["cells"]
            .as_array_mut()
            .unwrap()
            .pop();
    });
    assert_eq!(
        m,
        ["short.json: neighbourhoods[2].cells has 11 figures; it must have one for each of the 12 measures."]
    );
    let m = refused("measures.json", &|v| v["measures"][0] = "votes".into());
    assert!(m[0].starts_with("measures.json: measures must be exactly visits, households"));
    let m = refused("threshold.json", &|v| v["smallCount"] = 1.into());
    assert!(m[0].contains("smallCount is 1"), "{m:?}");
    // Households by language are checked like every other cell.
    let m = refused("language.json", &|v| {
        v["householdsByLanguage"][2]["count"] = (-5).into()
    });
    assert_eq!(
        m,
        ["language.json: householdsByLanguage[2].count is -5; it must be a count from 0 to 10000000."]
    );
    let m = refused("twice.json", &|v| {
        v["householdsByLanguage"][1]["label"] = "English".into()
    });
    assert_eq!(
        m,
        ["twice.json: householdsByLanguage[1] lists \"English\" again; each language has one row."]
    );
    let m = refused("label.json", &|v| {
        v["householdsByLanguage"][0]["label"] = "=HYPERLINK(\"x\")\u{7}".into()
    });
    assert!(
        m[0].starts_with("label.json: householdsByLanguage (row 1) label has"),
        "{m:?}"
    );
    // A version 3 summary without them is not a summary.
    let m = refused("missing.json", &|v| {
        v.as_object_mut().unwrap().remove("householdsByLanguage");
    });
    assert!(
        m[0].starts_with(
            "missing.json could not be read as a summary: missing field `householdsByLanguage`"
        ),
        "{m:?}"
    );

    // Summaries that pass the schema one by one but are too large to add up are refused, not a
    // crash ("attempt to add with overflow").
    let mut big = one.clone();
    big.overall[0] = Some(i64::MAX);
    let mut other = big.clone();
    other.pantry_code = "OTHER".into();
    let m = messages(rollup::combine(&[big, other]).unwrap_err());
    assert_eq!(
        m,
        ["OTHER: overall.visits is too large to add to the other pantries' figures."]
    );
    let mut big = one.clone();
    big.households_by_language[2].count = Some(i64::MAX);
    let mut other = big.clone();
    other.pantry_code = "OTHER".into();
    let m = messages(rollup::combine(&[big, other]).unwrap_err());
    assert_eq!(
        m,
        ["OTHER: householdsByLanguage \"Polish\" is too large to add to the other pantries' figures."]
    );
}

on_both_engines! {
/// Households are counted by the language frozen on their latest visit in the period: a
/// household that changes language afterwards, or is erased (which resets its language to
/// English), stays in its language for the past; its visits after the change count in the new
/// one. Small cells are hidden and the rest moved and rounded, as everywhere.
async fn households_are_counted_by_the_language_at_their_visit(engine) {
    let (_dir, db) = common::fresh_db_on(engine).await;
    // Tuesday 6 October 2026, noon.
    let (db, clock) = common::at(db, "2026-10-06T11:00:00Z");
    let s = settings::save(&db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    offer(&db, &["pl", "so", "ar"]).await;
    let area = s.neighbourhoods[0].id;
    let mut ids = Vec::new();
    for (i, language) in ["en"; 6]
        .into_iter()
        .chain(["pl"; 7])
        .chain(["so"; 2])
        .enumerate()
    {
        let id = register(&db, &format!("Member {i}"), area, (1, 0), false, language).await;
        common::visit(&db, id).await;
        ids.push(id);
    }
    let first_week = Period::parse("week:2026-10-05").unwrap();
    let before = reports::summary(&db, &first_week, &common::admin())
        .await
        .unwrap();
    // Real record keys: each count moved and rounded, the Somali two hidden.
    let published = languages(&before);
    assert_eq!(
        published.iter().map(|l| l.0).collect::<Vec<_>>(),
        ["English", "Arabic", "Polish", "Somali"]
    );
    assert_eq!(published[1].1, Some(0));
    assert_eq!(published[3].1, None);
    for (label, count) in [&published[0], &published[2]] {
        let count = count.unwrap();
        assert!(count % 5 == 0 && count >= 5, "{label}: {count}");
    }

    // Afterwards: a Polish household turns to English, another Polish one is erased, and
    // the pantry stops offering Somali. The past week is as it was.
    let polish = ids[6];
    let mut form = members::page(&db, polish, &common::admin())
        .await
        .unwrap()
        .form;
    form.language = "en".into();
    households::update(&db, polish, &form, &common::admin())
        .await
        .unwrap();
    pantry::members::erasure::erase(&db, ids[7], "asked", &common::manager())
        .await
        .unwrap();
    offer(&db, &["pl", "ar"]).await;
    assert_eq!(
        reports::summary(&db, &first_week, &common::admin())
            .await
            .unwrap(),
        before
    );

    // With every key zero each move is known. A week on, the household that turned to English
    // shops in English: the month counts it once, at its latest visit, in English; the erased
    // household stays Polish; Somali is still listed, having households in the period.
    zero_keys(&db).await;
    clock.set(clock.now() + chrono::Duration::weeks(1));
    common::visit(&db, polish).await;
    let month = reports::summary(&db, &Period::parse("2026-10").unwrap(), &common::admin())
        .await
        .unwrap();
    assert_eq!(
        languages(&month),
        [
            ("English", shown(7)),
            ("Arabic", Some(0)),
            ("Polish", shown(6)),
            ("Somali", None)
        ]
    );
    let second_week = reports::summary(
        &db,
        &Period::parse("week:2026-10-12").unwrap(),
        &common::admin(),
    )
    .await
    .unwrap();
    assert_eq!(
        languages(&second_week),
        [("English", None), ("Arabic", Some(0)), ("Polish", Some(0))]
    );
}
}

on_both_engines! {
/// A period the pantry has not lived through would report noughts as if they were figures:
/// one that ended before its first day on record, or that has not begun, is refused.
async fn a_period_before_the_pantry_existed_or_still_to_come_is_refused(engine) {
    let (_dir, db) = common::fresh_db_on(engine).await;
    settings::save(&db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    members::register(
        &db,
        &common::household("Amelia Smith"),
        Some("test"),
        &common::admin(),
    )
    .await
    .unwrap();
    let year = chrono::Datelike::year(&chrono::Utc::now());
    for (period, says) in [
        (
            "2001-01".to_owned(),
            "before the pantry's first day on record",
        ),
        (format!("{}-Q1", year + 1), "has not begun yet"),
    ] {
        let period = Period::parse(&period).unwrap();
        let Err(Error::Validation(fields)) = reports::summary(&db, &period, &common::admin()).await
        else {
            panic!("{period:?} must be refused");
        };
        assert_eq!(fields[0].field, "period");
        assert!(fields[0].message.contains(says), "{}", fields[0].message);
    }
    let this_year = Period::parse(&format!("{year}-01-01..{year}-12-31")).unwrap();
    reports::summary(&db, &this_year, &common::admin())
        .await
        .unwrap();
}
}
