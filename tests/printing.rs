//! Printed cards checked with real tools: pdftoppm renders, zbarimg decodes every barcode
//! in its place, pdffonts shows the font embedded and subset, pdftotext finds the names.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::run;
use pantry::cards;
use pantry::households::form::HouseholdForm;
use pantry::members;
use pantry::output::{Destination, Existing};
use pantry::print::cards::{sheet_position, SheetLayout, CARD};
use pantry::{households, settings, Db};

const NAMES: [&str; 10] = [
    "Łucja Nowak-Wiśniewska",
    "Ștefan Țăranu",
    "Gökhan Öztürk",
    "Nguyễn Thị Thảo",
    "Siobhán Ní Bhriain",
    "Mohammed Al-Sayed",
    "Zoë Brown",
    "Chinedu Okafor",
    "José María García",
    "Amelia Smith",
];
const DPI: f32 = 300.0;

async fn pantry_with_households() -> (tempfile::TempDir, Db, Vec<households::Household>) {
    let (dir, db) = common::fresh_db().await;
    settings::save(&db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    let mut made = Vec::new();
    for (i, name) in NAMES.iter().enumerate() {
        let form = HouseholdForm {
            lead_name: (*name).into(),
            adults: "1".into(),
            children: "0".into(),
            postcode: format!("OL{} {}AB", i + 1, i),
            consent_given: true,
            ..HouseholdForm::default()
        };
        made.push(
            members::register(&db, &form, None, &common::admin())
                .await
                .unwrap(),
        );
    }
    (dir, db, made)
}

/// Renders every page of `pdf` to PNG at 300 dpi; returns the page images.
fn render(pdf: &Path, dir: &Path) -> Vec<std::path::PathBuf> {
    run(Command::new("pdftoppm")
        .args(["-r", "300", "-png"])
        .arg(pdf)
        .arg(dir.join("page")));
    let mut pages: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "png")
                && p.file_name().unwrap().to_string_lossy().starts_with("page")
        })
        .collect();
    pages.sort();
    pages
}

/// The barcodes zbarimg reads in one image (or one region of it).
fn decode(image: &Path) -> Vec<String> {
    let out = Command::new("zbarimg")
        .args(["--quiet", "--raw"])
        .arg(image)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

fn crop(image: &Path, x_mm: f32, y_mm: f32, w_mm: f32, h_mm: f32, out: &Path) {
    let px = |mm: f32| (mm * DPI / 25.4).round() as i64;
    let geometry = format!("{}x{}+{}+{}", px(w_mm), px(h_mm), px(x_mm), px(y_mm));
    run(Command::new("convert")
        .arg(image)
        .args(["-crop", &geometry, "+repage"])
        .arg(out));
}

fn to(dir: &Path, name: &str) -> Destination {
    Destination::file(dir.join(name), Existing::Refuse)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sheet_of_ten_cards_scans_every_number_in_its_place() {
    let (dir, db, made) = pantry_with_households().await;
    let print = cards::print_unprinted(
        &db,
        SheetLayout::Avery,
        &to(dir.path(), "sheet.pdf"),
        &common::admin(),
    )
    .await
    .unwrap();
    assert_eq!(print.cards, 10);
    assert!(print.replaced.is_empty(), "{:?}", print.replaced);
    let pdf = PathBuf::from(&print.path);
    let bytes = std::fs::metadata(&pdf).unwrap().len();
    assert!(bytes < 200_000, "a 10-card sheet is {bytes} bytes");

    let pages = render(&pdf, dir.path());
    assert_eq!(pages.len(), 1);
    // Cards are printed in name order; find where each household's card should be.
    let mut expected: Vec<(String, String)> = Vec::new();
    for h in &made {
        let page = members::page(&db, h.id, &common::admin()).await.unwrap();
        expected.push((
            pantry::text::fold(&h.lead_name),
            page.cards[0].card_number.clone(),
        ));
    }
    expected.sort();
    for (i, (_, number)) in expected.iter().enumerate() {
        let (x, y) = sheet_position(SheetLayout::Avery, i);
        let region = dir.path().join(format!("card-{i}.png"));
        crop(&pages[0], x, y, 85.0, 54.0, &region);
        assert_eq!(
            &decode(&region),
            std::slice::from_ref(number),
            "card {i} at ({x}, {y})"
        );
    }
    let mut all = decode(&pages[0]);
    all.sort();
    assert_eq!(all.len(), 10);

    let fonts = run(Command::new("pdffonts").arg(&pdf));
    let font_lines: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!font_lines.is_empty(), "{fonts}");
    for line in font_lines {
        let cols: Vec<&str> = line.split_whitespace().collect();
        // name type encoding emb sub uni object ID: "emb" and "sub" are yes.
        let n = cols.len();
        assert_eq!(
            (cols[n - 5], cols[n - 4]),
            ("yes", "yes"),
            "embedded and subset: {line}"
        );
        assert!(
            cols[0].contains('+'),
            "a subset font's name carries a tag: {line}"
        );
    }
    let text = run(Command::new("pdftotext").arg(&pdf).arg("-"));
    assert!(text.contains("Łucja Nowak-Wiśniewska"), "{text}");
    assert!(text.contains("Hillside Pantry"));

    let again = cards::print_unprinted(
        &db,
        SheetLayout::Avery,
        &to(dir.path(), "again.pdf"),
        &common::admin(),
    )
    .await
    .unwrap_err();
    assert!(again.to_string().contains("printed already"), "{again}");
}

#[tokio::test(flavor = "multi_thread")]
async fn crop_mark_sheets_and_single_cards_scan_too() {
    let (dir, db, made) = pantry_with_households().await;
    let ids: Vec<i64> = made.iter().take(3).map(|h| h.id).collect();
    let print = cards::print_sheets(
        &db,
        &ids,
        SheetLayout::CropMarks,
        &to(dir.path(), "crop.pdf"),
        &common::admin(),
    )
    .await
    .unwrap();
    let pdf = PathBuf::from(&print.path);
    let pages = render(&pdf, dir.path());
    for (i, id) in ids.iter().enumerate() {
        let (x, y) = sheet_position(SheetLayout::CropMarks, i);
        let region = dir.path().join(format!("crop-{i}.png"));
        crop(&pages[0], x, y, 85.0, 54.0, &region);
        let number = members::page(&db, *id, &common::admin())
            .await
            .unwrap()
            .cards[0]
            .card_number
            .clone();
        assert_eq!(decode(&region), [number]);
    }

    let single_dir = dir.path().join("single");
    std::fs::create_dir_all(&single_dir).unwrap();
    let single = cards::print_single(
        &db,
        made[0].id,
        &to(&single_dir, "card.pdf"),
        &common::admin(),
    )
    .await
    .unwrap();
    let pdf = PathBuf::from(&single.path);
    let info = run(Command::new("pdfinfo").arg(&pdf));
    let size_line = info.lines().find(|l| l.starts_with("Page size")).unwrap();
    let pt = |mm: f32| format!("{:.2}", mm / 25.4 * 72.0);
    assert!(
        size_line.contains(&pt(CARD.0)[..5]) && size_line.contains(&pt(CARD.1)[..5]),
        "{size_line}"
    );
    let pages = render(&pdf, &single_dir);
    let number = members::page(&db, made[0].id, &common::admin())
        .await
        .unwrap()
        .cards[0]
        .card_number
        .clone();
    assert_eq!(decode(&pages[0]), [number]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reissued_card_replaces_the_old_one_which_is_refused() {
    let (dir, db, made) = pantry_with_households().await;
    cards::print_unprinted(
        &db,
        SheetLayout::Avery,
        &to(dir.path(), "first.pdf"),
        &common::admin(),
    )
    .await
    .unwrap();
    let h = &made[0];
    let old = members::page(&db, h.id, &common::admin())
        .await
        .unwrap()
        .cards[0]
        .card_number
        .clone();

    assert!(
        cards::reissue(&db, h.id, "  ", &common::admin())
            .await
            .is_err(),
        "a reason is needed"
    );
    let new = cards::reissue(&db, h.id, "Lost", &common::admin())
        .await
        .unwrap();
    assert_ne!(new.card_number, old);
    assert_eq!(new.issue, 2);
    assert!(cards::is_valid_card_number(&new.card_number));

    let scanned_old = cards::lookup(&db, &old, &common::admin())
        .await
        .unwrap()
        .unwrap();
    assert!(scanned_old.revoked.as_deref().unwrap().contains("Lost"));
    assert_eq!(
        scanned_old.current_card.as_deref(),
        Some(new.card_number.as_str())
    );
    let scanned_new = cards::lookup(&db, &new.card_number, &common::admin())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (scanned_new.household_id, scanned_new.revoked.clone()),
        (h.id, None)
    );
    assert!(cards::lookup(&db, "0000000000", &common::admin())
        .await
        .unwrap()
        .is_none());

    let page = members::page(&db, h.id, &common::admin()).await.unwrap();
    assert_eq!(page.history[0].action, "card replaced");
    assert_eq!(page.history[0].reason.as_deref(), Some("Lost"));
    let reprint = cards::print_unprinted(
        &db,
        SheetLayout::Avery,
        &Destination::print("cards"),
        &common::admin(),
    )
    .await
    .unwrap();
    assert_eq!(reprint.cards, 1, "only the new card waits to be printed");
}
