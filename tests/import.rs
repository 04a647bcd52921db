//! Importing members from spreadsheets: encodings, quoting, dates, bad rows, re-imports.
#![allow(clippy::unwrap_used)]

mod common;

use pantry::households::search::search;
use pantry::import::{self, ImportField, Sheet};
use pantry::settings;
use pantry::{Db, Error};
use proptest::prelude::*;

async fn pantry() -> (tempfile::TempDir, Db) {
    let (dir, db) = common::fresh_db().await;
    settings::save(&db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    (dir, db)
}

const CSV: &str =
    "\u{feff}Name,Postcode,Adults,Children,Phone,Date joined,Consent,Allergies,Notes\r\n\
\"Smith, Amelia\",ol1 3bq,2,1,07700 900100,03/04/2024,yes,Peanuts,\r\n\
Zoë Öztürk,OL4 1AA,1,0,,2024-05-01,01/05/2024,,\"Prefers mornings,\r\nuses a walking frame\"\r\n\
Bad Row,NOT A POSTCODE,0,1,,31/12/2099,yes,Kryptonite,\r\n\
Jan Kowalski,M1 1AE,1,2,,,no,,\r\n";

async fn import_all(db: &Db, sheet: &Sheet) -> import::ImportReport {
    let mapping = import::suggest_mapping(&sheet.headers);
    import::import(db, sheet, &mapping, &common::manager(), &mut |_| {})
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_csv_is_checked_row_by_row_and_only_good_rows_are_imported() {
    let (_dir, db) = pantry().await;
    let sheet = import::read_sheet(CSV.as_bytes(), "members.csv").unwrap();
    assert_eq!(sheet.rows.len(), 4);
    let preview = import::preview(&sheet);
    assert_eq!(preview.suggested[0], Some(ImportField::LeadName));
    assert_eq!(preview.suggested[5], Some(ImportField::JoinedOn));
    assert_eq!(preview.suggested[6], Some(ImportField::ConsentDate));
    assert_eq!(preview.sample[0][0], "Smith, Amelia", "quoted comma kept");

    let mapping = import::suggest_mapping(&sheet.headers);
    let report = import::check(&db, &sheet, &mapping, &common::manager())
        .await
        .unwrap();
    assert_eq!(
        (report.good, report.already_present, report.imported),
        (3, 0, false)
    );
    let bad: Vec<_> = report
        .problems
        .iter()
        .map(|p| (p.line, p.column.as_str()))
        .collect();
    assert_eq!(
        // Line 5: the quoted note on the row before spans two lines.
        bad,
        [
            (5, "Allergies"),
            (5, "Adults"),
            (5, "Postcode"),
            (5, "Date joined")
        ],
        "{:?}",
        report.problems
    );
    assert!(report.problems[0].message.contains("Kryptonite"));
    assert_eq!(
        common::count(&db, "households").await,
        0,
        "checking writes nothing"
    );

    let done = import_all(&db, &sheet).await;
    assert_eq!((done.good, done.imported), (3, true));
    assert_eq!(common::count(&db, "households").await, 3);
    let amelia = &search(&db, "amelia", 5, &common::admin()).await.unwrap()[0];
    let page = pantry::members::page(&db, amelia.id, &common::admin())
        .await
        .unwrap();
    assert_eq!(
        page.household.joined_on, "2024-04-03",
        "03/04/2024 is 3 April"
    );
    assert_eq!(page.household.postcode, "OL1 3BQ");
    assert!(page.household.consent_at.is_some());
    let zoe = &search(&db, "zoe", 5, &common::admin()).await.unwrap()[0];
    let zoe = pantry::members::page(&db, zoe.id, &common::admin())
        .await
        .unwrap()
        .household;
    assert_eq!(
        zoe.notes, "Prefers mornings,\r\nuses a walking frame",
        "quoted new line kept"
    );
    assert!(zoe.consent_at.unwrap().starts_with("2024-05-01"));
    let jan = &search(&db, "kowalski", 5, &common::admin()).await.unwrap()[0];
    assert!(!jan.has_consent, "consent 'no' is not recorded as given");

    let again = import_all(&db, &sheet).await;
    assert_eq!(
        (again.good, again.already_present),
        (0, 3),
        "re-importing adds nobody"
    );
    assert_eq!(common::count(&db, "households").await, 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn windows_1252_files_are_read() {
    let (_dir, db) = pantry().await;
    let mut bytes = b"Name,Postcode\r\nZo".to_vec();
    bytes.push(0xEB); // ë in Windows-1252
    bytes.extend_from_slice(b" Brown,OL1 3BQ\r\n");
    let sheet = import::read_sheet(&bytes, "legacy.csv").unwrap();
    assert_eq!(sheet.rows[0].cells[0], "Zoë Brown");
    import_all(&db, &sheet).await;
    assert_eq!(
        search(&db, "zoe", 5, &common::admin()).await.unwrap()[0].lead_name,
        "Zoë Brown"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn xlsx_workbooks_are_read_with_their_dates() {
    let (_dir, db) = pantry().await;
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (col, header) in ["Membership number", "Full name", "Postcode", "Joined"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, col as u16, *header).unwrap();
    }
    let number = pantry::membership::number_for_serial(500).unwrap();
    sheet.write_string(1, 0, &number).unwrap();
    sheet.write_string(1, 1, "Ștefan Popescu").unwrap();
    sheet.write_string(1, 2, "OL1 3BQ").unwrap();
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2024, 4, 3).unwrap();
    let format = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    sheet
        .write_datetime_with_format(1, 3, &date, &format)
        .unwrap();
    let bytes = book.save_to_buffer().unwrap();

    let read = import::read_sheet(&bytes, "members.xlsx").unwrap();
    assert_eq!(read.rows[0].line, 2);
    assert_eq!(
        read.rows[0].cells,
        [number.as_str(), "Ștefan Popescu", "OL1 3BQ", "2024-04-03"]
    );
    import_all(&db, &read).await;
    let found = &search(&db, &number, 5, &common::admin()).await.unwrap()[0];
    assert_eq!(
        found.lead_name, "Ștefan Popescu",
        "the existing number is kept"
    );
    // New registrations continue after the imported number.
    let next = pantry::members::register(
        &db,
        &pantry::households::form::HouseholdForm {
            lead_name: "New Person".into(),
            adults: "1".into(),
            children: "0".into(),
            postcode: "M1 1AE".into(),
            consent_given: true,
            ..Default::default()
        },
        None,
        &common::admin(),
    )
    .await
    .unwrap();
    assert_eq!(
        next.membership_number,
        pantry::membership::number_for_serial(501).unwrap()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn unreadable_files_and_incomplete_mappings_get_clear_messages() {
    let (_dir, db) = pantry().await;
    for (bytes, name) in [
        (&b""[..], "empty.csv"),
        (&b"PK\x03\x04garbage"[..], "broken.xlsx"),
    ] {
        let err = import::read_sheet(bytes, name).unwrap_err();
        assert!(matches!(err, Error::Validation(_)), "{name}: {err:?}");
    }
    let sheet = import::read_sheet(b"Name,Town\nA B,Oldham\n", "x.csv").unwrap();
    assert_eq!(sheet.rows[0].line, 2);
    let err = import::check(
        &db,
        &sheet,
        &import::suggest_mapping(&sheet.headers),
        &common::manager(),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("Postcode"), "{err}");
    let twice = vec![Some(ImportField::LeadName), Some(ImportField::LeadName)];
    let err = import::check(&db, &sheet, &twice, &common::manager())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("two columns"), "{err}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    /// Any bytes at all: reading never panics, and a failed import writes nothing.
    #[test]
    fn arbitrary_bytes_never_panic_and_never_half_write(bytes in proptest::collection::vec(any::<u8>(), 0..400), xlsx in any::<bool>()) {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let (_dir, db) = pantry().await;
            let name = if xlsx { "f.xlsx" } else { "f.csv" };
            let Ok(sheet) = import::read_sheet(&bytes, name) else { return };
            let mapping = import::suggest_mapping(&sheet.headers);
            let before = common::count(&db, "households").await;
            if import::import(&db, &sheet, &mapping, &common::manager(), &mut |_| {}).await.is_err() {
                assert_eq!(common::count(&db, "households").await, before);
            }
        });
    }

    /// CSV that always maps: every row either imports or is reported, never both, never lost.
    #[test]
    fn every_row_is_imported_or_reported(names in proptest::collection::vec("[A-Za-zéł ,\"]{0,12}", 1..12)) {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let (_dir, db) = pantry().await;
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(["Name", "Postcode"]).unwrap();
            for n in &names {
                w.write_record([n.as_str(), "OL1 3BQ"]).unwrap();
            }
            let bytes = w.into_inner().unwrap();
            let sheet = import::read_sheet(&bytes, "p.csv").unwrap();
            let mapping = import::suggest_mapping(&sheet.headers);
            let report = import::import(&db, &sheet, &mapping, &common::manager(), &mut |_| {}).await.unwrap();
            let bad_lines: std::collections::HashSet<u32> = report.problems.iter().map(|p| p.line).collect();
            assert_eq!(report.good as usize + bad_lines.len(), sheet.rows.len());
            assert_eq!(common::count(&db, "households").await, i64::from(report.good));
        });
    }
}
