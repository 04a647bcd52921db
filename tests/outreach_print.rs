//! The papers for home deliveries and welfare calls checked with real tools: pdftotext finds
//! every stop, call and alert and the footer on every page, `pdftotext -bbox` finds no word
//! off the page's printable area, pdffonts shows the fonts embedded and subset, and zbarimg
//! reads every parcel label's barcode in its place on a 300 dpi render.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{assert_fonts_embedded_and_subset, pdf_text, run};
use pantry::print::calls::{call_sheet, Call, CallSheet, CALL_SHEET_FOOTER};
use pantry::print::labels::{label_position, label_sheets, ParcelLabel, LABEL};
use pantry::print::round::{
    packing_lists, run_sheet, PackingLine, PackingList, RunSheet, RunStop, PACKING_FOOTER,
    RUN_SHEET_FOOTER,
};

const BENGALI: &str = "রহিমা বেগম";
const ARABIC: &str = "فاطمة الزهراء";
const DPI: f32 = 300.0;

fn write(dir: &Path, name: &str, pdf: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, pdf).unwrap();
    path
}

/// The text of each page.
fn pages(pdf: &Path) -> Vec<String> {
    let text = pdf_text(pdf);
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_owned).collect();
    // pdftotext ends the last page with a form feed too.
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// `text` with its words one space apart (so a wrapped line reads as one).
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `text` without spaces, line breaks or hyphens, to find text that wraps anywhere
/// (pdftotext joins a word hyphenated at the end of a line).
fn joined(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect()
}

/// Whether every word of `shown` is somewhere in `all` (`joined` text): the lines of
/// wrapped text may be read back among a column beside them.
fn has_every_word(all: &str, shown: &str) -> bool {
    shown
        .split_whitespace()
        .all(|word| all.contains(&joined(word)))
}

/// Fails unless every page ends with `footer` and its page number.
fn footer_on_every_page(pdf: &Path, footer: &str) -> Vec<String> {
    let pages = pages(pdf);
    assert!(!pages.is_empty());
    for (i, page) in pages.iter().enumerate() {
        let expected = format!("{footer} · page {}", i + 1);
        assert!(
            page.contains(&expected),
            "page {}: no {expected:?} in\n{page}",
            i + 1
        );
    }
    pages
}

/// Fails if any word lies outside the A4 page less `margin` mm on every side.
fn every_word_on_the_page(pdf: &Path, margin: f32) {
    let html = run(Command::new("pdftotext").arg("-bbox").arg(pdf).arg("-"));
    let pt = |mm: f32| mm / 25.4 * 72.0;
    let (right, bottom) = (pt(210.0 - margin), pt(297.0 - margin));
    let mut words = 0;
    for line in html.lines().filter(|l| l.trim_start().starts_with("<word")) {
        let value = |name: &str| -> f32 {
            let start = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
            let end = start + line[start..].find('"').unwrap();
            line[start..end].parse().unwrap()
        };
        let (x0, y0, x1, y1) = (value("xMin"), value("yMin"), value("xMax"), value("yMax"));
        assert!(
            x0 >= pt(margin) && y0 >= pt(margin) && x1 <= right && y1 <= bottom,
            "off the printable area: {line}"
        );
        words += 1;
    }
    assert!(words > 0);
}

fn stop(i: u32) -> RunStop {
    RunStop {
        position: i,
        name: format!("Member Number{i:03} Okafor"),
        address_lines: vec![format!("Flat {i}, Chapel Court"), "Hillside".into()],
        postcode: format!("OL{} {}QX", i % 9 + 1, i % 10),
        phone: if i.is_multiple_of(3) {
            String::new()
        } else {
            format!("07700 900{i:03}")
        },
        access_notes: if i.is_multiple_of(4) {
            "Side door, ring twice".into()
        } else {
            String::new()
        },
        parcels: 1 + i % 3,
        alerts: vec![format!("ALLERGY: Peanuts {i:03}")],
        code: format!("P-0000 {i:04}"),
    }
}

/// A stop whose every text is far longer than its column.
fn long_stop(position: u32) -> RunStop {
    RunStop {
        position,
        name: "Chinedu Oluwaseun Adebayo-Okonkwo-Fitzgerald-Nowakowska-Wiśniewska".into(),
        address_lines: vec![
            "Flat 14b, the third door on the left past the bins, Block C of the Brookfield Estate"
                .into(),
            "Off Long Lane, behind the community centre, Brookfield, Greater Manchester".into(),
        ],
        postcode: "OL12 3BQ".into(),
        phone: "07700 900123 (daughter, evenings only, text first please)".into(),
        access_notes: "Side door by the garages, ring twice and wait: the bell is slow and \
                       Mrs Adebayo walks with a frame. If nobody answers, the neighbour at \
                       number 16 will take the parcel and keep it cool. Dog in the garden: \
                       friendly but keep the gate shut. Supercalifragilisticexpialidocious"
            .into(),
        parcels: 2,
        alerts: vec![
            "ALLERGY: Peanuts, Tree nuts, Milk, Eggs, Sesame, Soya, Mustard, Celery, Lupin".into(),
            "Halal".into(),
            "Diabetic: no sugary drinks or sweets".into(),
        ],
        code: "P-0000 0099".into(),
    }
}

fn round(stops: Vec<RunStop>) -> RunSheet {
    RunSheet {
        pantry: "Hillside Pantry".into(),
        date: "Thursday 3 December 2026".into(),
        stops,
    }
}

#[test]
fn a_run_sheet_of_three_stops_shows_each_and_says_to_destroy_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut stops = vec![stop(1), long_stop(2), stop(3)];
    stops[2].name = BENGALI.into();
    let pdf = write(
        dir.path(),
        "round.pdf",
        &run_sheet(&round(stops.clone())).unwrap(),
    );

    let pages = footer_on_every_page(&pdf, RUN_SHEET_FOOTER);
    assert_eq!(pages.len(), 1);
    let text = &pages[0];
    assert!(text.contains("Thursday 3 December 2026"), "{text}");
    for s in &stops {
        assert!(text.contains(&s.postcode), "no {:?} in\n{text}", s.postcode);
        assert!(text.contains(&s.code), "no {:?} in\n{text}", s.code);
    }
    for words in [
        "Member Number001 Okafor",
        BENGALI,
        "ALLERGY: Peanuts 001",
        "Halal",
        "Diabetic: no sugary drinks",
        "Flat 1, Chapel Court",
        "Tel 07700 900001",
        "Access: Side door by the garages",
        "Delivered",
        "Not in",
        "Refused",
        "2 parcels",
    ] {
        assert!(text.contains(words), "no {words:?} in\n{text}");
    }
    // The long name, address, phone and notes wrap (every word is there).
    let all = joined(text);
    let long = &stops[1];
    for shown in [&long.name, &long.phone, &long.access_notes]
        .into_iter()
        .chain(&long.address_lines)
    {
        assert!(has_every_word(&all, shown), "no {shown:?} in\n{text}");
    }
    every_word_on_the_page(&pdf, 8.0);
    let fonts = assert_fonts_embedded_and_subset(&pdf);
    assert!(fonts.contains("NotoSansBengali"), "{fonts}");
}

#[test]
fn a_run_sheet_of_two_hundred_stops_runs_over_pages_with_every_stop() {
    let dir = tempfile::tempdir().unwrap();
    let mut stops: Vec<RunStop> = (1..=200).map(stop).collect();
    stops[99] = long_stop(100);
    stops[149].name = ARABIC.into();
    let pdf = write(
        dir.path(),
        "round.pdf",
        &run_sheet(&round(stops.clone())).unwrap(),
    );

    let pages = footer_on_every_page(&pdf, RUN_SHEET_FOOTER);
    assert!(pages.len() >= 20, "{} pages", pages.len());
    let text = pdf_text(&pdf);
    let all = joined(&text);
    for s in &stops {
        for shown in [&s.name, &s.postcode, &s.alerts[0]] {
            assert!(
                has_every_word(&all, shown),
                "stop {}: no {shown:?}",
                s.position
            );
        }
    }
    // In driving order: each stop's name after the one before it.
    let mut at = 0;
    for s in stops.iter().filter(|s| s.name.starts_with("Member")) {
        let found = text[at..].find(&s.name).unwrap();
        at += found;
    }
    every_word_on_the_page(&pdf, 8.0);
    assert_fonts_embedded_and_subset(&pdf);
}

#[test]
fn an_empty_round_prints_a_page_saying_so() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = write(
        dir.path(),
        "round.pdf",
        &run_sheet(&round(Vec::new())).unwrap(),
    );
    let pages = footer_on_every_page(&pdf, RUN_SHEET_FOOTER);
    assert_eq!(pages.len(), 1);
    assert!(pages[0].contains("no deliveries"), "{}", pages[0]);
}

fn label(i: usize) -> ParcelLabel {
    ParcelLabel {
        pantry: "Hillside Pantry".into(),
        date: "03/12/2026".into(),
        position: i as u32 / 2 + 1,
        name: match i {
            3 => ARABIC.into(),
            4 => BENGALI.into(),
            5 => "Chinedu Oluwaseun Adebayo-Okonkwo-Fitzgerald".into(),
            _ => format!("Member Number{i:02}"),
        },
        postcode: format!("OL{} 3BQ", i + 1),
        parcel: i as u32 % 2 + 1,
        of: 2,
        alerts: match i % 3 {
            0 => vec!["ALLERGY: Peanuts, Milk".into(), "Halal".into()],
            1 => Vec::new(),
            _ => vec![
                "ALLERGY: Peanuts, Tree nuts, Milk, Eggs, Sesame, Soya, Mustard, Celery".into(),
                "Vegetarian".into(),
                "Diabetic".into(),
            ],
        },
        barcode: format!("{:014}", 90_000_000_000_000u64 + i as u64 * 7_919),
        code: format!("P-0000 {:04}", i + 1),
    }
}

/// Renders a region of a page (mm from the top-left corner) at 300 dpi; returns the PNG.
fn render_region(pdf: &Path, page: usize, (x, y, w, h): (f32, f32, f32, f32), out: &Path) {
    let px = |mm: f32| ((mm * DPI / 25.4).round() as i64).to_string();
    let page = page.to_string();
    run(Command::new("pdftoppm")
        .args(["-r", "300", "-png", "-singlefile", "-f", &page, "-l", &page])
        .args(["-x", &px(x), "-y", &px(y), "-W", &px(w), "-H", &px(h)])
        .arg(pdf)
        .arg(out.with_extension("")));
}

/// The barcodes zbarimg reads in an image.
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

#[test]
fn fifteen_parcel_labels_fill_two_sheets_and_every_barcode_scans_in_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let labels: Vec<ParcelLabel> = (0..15).map(label).collect();
    let pdf = write(dir.path(), "labels.pdf", &label_sheets(&labels, 1).unwrap());
    let info = run(Command::new("pdfinfo").arg(&pdf));
    let pages = info.lines().find(|l| l.starts_with("Pages:")).unwrap();
    assert_eq!(pages.split_whitespace().nth(1), Some("2"), "{info}");

    // Each label, cut out at its place on the sheet, scans as its own barcode only.
    for (i, l) in labels.iter().enumerate() {
        let (x, y) = label_position(i % 14);
        let image = dir.path().join(format!("label-{i}.png"));
        render_region(&pdf, i / 14 + 1, (x, y, LABEL.0, LABEL.1), &image);
        assert_eq!(
            decode(&image),
            std::slice::from_ref(&l.barcode),
            "label {i} at ({x}, {y})"
        );
    }
    // Both whole pages at 300 dpi: exactly the 15 barcodes.
    run(Command::new("pdftoppm")
        .args(["-r", "300", "-png"])
        .arg(&pdf)
        .arg(dir.path().join("sheet")));
    let mut found = Vec::new();
    for page in ["sheet-1.png", "sheet-2.png"] {
        found.extend(decode(&dir.path().join(page)));
    }
    found.sort();
    let mut expected: Vec<String> = labels.iter().map(|l| l.barcode.clone()).collect();
    expected.sort();
    assert_eq!(found, expected);

    let text = pdf_text(&pdf);
    let all = joined(&text);
    for l in &labels {
        for shown in [&l.name, &l.postcode, &l.code] {
            assert!(has_every_word(&all, shown), "no {shown:?} in\n{text}");
        }
    }
    for words in [
        "Parcel 1 of 2",
        "Parcel 2 of 2",
        "ALLERGY: Peanuts, Milk · Halal",
    ] {
        assert!(text.contains(words), "no {words:?} in\n{text}");
    }
    every_word_on_the_page(&pdf, 4.0);
    assert_fonts_embedded_and_subset(&pdf);
}

#[test]
fn labels_can_start_part_way_down_a_used_sheet_and_go_on_to_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let labels: Vec<ParcelLabel> = (0..12).map(label).collect();
    // Label 6 of the first sheet (second column, third row): 9 labels there, 3 on the next.
    let pdf = write(dir.path(), "from-6.pdf", &label_sheets(&labels, 6).unwrap());
    let info = run(Command::new("pdfinfo").arg(&pdf));
    let pages = info.lines().find(|l| l.starts_with("Pages:")).unwrap();
    assert_eq!(pages.split_whitespace().nth(1), Some("2"), "{info}");
    for (i, l) in labels.iter().enumerate() {
        let slot = i + 5;
        let (x, y) = label_position(slot % 14);
        let image = dir.path().join(format!("from-6-{i}.png"));
        render_region(&pdf, slot / 14 + 1, (x, y, LABEL.0, LABEL.1), &image);
        assert_eq!(
            decode(&image),
            std::slice::from_ref(&l.barcode),
            "label {i} in place {} of page {}",
            slot % 14 + 1,
            slot / 14 + 1
        );
    }
    // The five used places of the first sheet stay blank: nothing is printed over them.
    for used in 0..5 {
        let (x, y) = label_position(used);
        let px = |mm: f32| ((mm * 100.0 / 25.4).round() as i64).to_string();
        let out = dir.path().join(format!("used-{used}"));
        run(Command::new("pdftoppm")
            .args(["-r", "100", "-gray", "-singlefile", "-f", "1", "-l", "1"])
            .args(["-x", &px(x), "-y", &px(y)])
            .args(["-W", &px(LABEL.0), "-H", &px(LABEL.1)])
            .arg(&pdf)
            .arg(&out));
        // A binary PGM: "P5", width, height, 255, one byte per pixel.
        let pgm = std::fs::read(out.with_extension("pgm")).unwrap();
        let mut fields = 0;
        let mut at = 0;
        while fields < 4 {
            while pgm[at].is_ascii_whitespace() {
                at += 1;
            }
            while !pgm[at].is_ascii_whitespace() {
                at += 1;
            }
            fields += 1;
        }
        let pixels = &pgm[at + 1..];
        assert!(pixels.len() > 10_000, "{} pixels", pixels.len());
        assert!(
            pixels.iter().all(|p| *p == 255),
            "place {} is not blank",
            used + 1
        );
    }
    // Label 14 alone still fits on the first sheet; 0 and 15 are not places on a sheet.
    assert!(label_sheets(&labels[..1], 14).is_ok());
    for start in [0, 15] {
        let refused = label_sheets(&labels, start).unwrap_err();
        assert!(
            matches!(&refused, pantry::Error::Validation(f) if f[0].field == "start"),
            "{refused:?}"
        );
    }
}

#[test]
fn a_label_needs_a_barcode_of_fourteen_digits() {
    for barcode in [
        "",
        "1234",
        "1234567890123",
        "123456789012345a",
        "1234567890123x",
    ] {
        let mut l = label(0);
        l.barcode = barcode.into();
        assert!(label_sheets(&[l], 1).is_err(), "{barcode:?}");
    }
    assert!(label_sheets(&[], 1).is_err());
}

fn calls(n: usize) -> CallSheet {
    CallSheet {
        pantry: "Hillside Pantry".into(),
        date: "Monday 7 December 2026".into(),
        calls: (0..n)
            .map(|i| Call {
                name: match i {
                    1 => ARABIC.into(),
                    2 => BENGALI.into(),
                    _ => format!("Caller Number{i:02}"),
                },
                phone: format!("07700 900{i:03}"),
                reason: if i == 3 {
                    "Isolated; not seen for 6 weeks. Lives alone since her husband died in the \
                     spring, and told the counter she had not been out for days; her daughter \
                     asked us to ring rather than visit."
                        .into()
                } else {
                    format!("Isolated; not seen for {} weeks", i + 2)
                },
                last_visit: if i % 5 == 4 {
                    "never".into()
                } else {
                    format!("{:02}/10/2026", i % 28 + 1)
                },
            })
            .collect(),
    }
}

#[test]
fn a_call_sheet_lists_every_call_with_its_outcomes_on_every_page() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = calls(30);
    let pdf = write(dir.path(), "calls.pdf", &call_sheet(&sheet).unwrap());
    let pages = footer_on_every_page(&pdf, CALL_SHEET_FOOTER);
    assert!(pages.len() >= 3, "{} pages", pages.len());
    for page in &pages {
        for words in [
            "Name",
            "Reason for the call",
            "Last visit",
            "No answer",
            "Left message",
            "Spoke – fine",
            "Spoke – needs help",
            "Wrong number",
            "Note",
            "Next follow-up",
        ] {
            assert!(page.contains(words), "no {words:?} in\n{page}");
        }
    }
    let text = pdf_text(&pdf);
    for call in &sheet.calls {
        for shown in [&call.name, &call.phone, &call.last_visit] {
            assert!(text.contains(shown.as_str()), "no {shown:?} in\n{text}");
        }
    }
    assert!(text.contains("Isolated; not seen for 6 weeks"), "{text}");
    assert!(
        flat(&text).contains("asked us to ring rather than visit."),
        "{text}"
    );
    every_word_on_the_page(&pdf, 8.0);
    let fonts = assert_fonts_embedded_and_subset(&pdf);
    assert!(fonts.contains("NotoNaskhArabic"), "{fonts}");
}

#[test]
fn an_empty_call_sheet_says_there_is_nobody_to_call() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = write(dir.path(), "calls.pdf", &call_sheet(&calls(0)).unwrap());
    let pages = footer_on_every_page(&pdf, CALL_SHEET_FOOTER);
    assert_eq!(pages.len(), 1);
    assert!(pages[0].contains("nobody to call"), "{}", pages[0]);
}

fn packing(position: u32, name: &str, lines: usize) -> PackingList {
    PackingList {
        pantry: "Hillside Pantry".into(),
        date: "03/12/2026".into(),
        position,
        name: name.into(),
        code: format!("P-0000 {position:04}"),
        people: 4,
        parcels: 2,
        alerts: vec!["ALLERGY: Peanuts, Milk".into(), "Halal".into()],
        lines: (0..lines)
            .map(|i| PackingLine {
                item: format!("Tinned item number {i:02}"),
                quantity: i as u32 % 4 + 1,
                use_by: if i % 2 == 0 {
                    "use by 05/12/2026".into()
                } else {
                    String::new()
                },
            })
            .collect(),
        left_out: vec![
            "Peanut butter — contains Peanuts".into(),
            "UHT milk — contains Milk".into(),
        ],
    }
}

#[test]
fn packing_lists_take_a_page_each_with_their_alerts_and_what_was_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let lists = [
        packing(1, "Member One", 8),
        packing(2, ARABIC, 8),
        packing(3, "Member Three", 70),
    ];
    let pdf = write(dir.path(), "packing.pdf", &packing_lists(&lists).unwrap());
    let pages = footer_on_every_page(&pdf, PACKING_FOOTER);
    assert!(
        pages.len() >= 4,
        "the long list continues: {} pages",
        pages.len()
    );
    for (page, list) in pages.iter().zip(&lists) {
        assert!(page.contains(&list.name), "no {:?} in\n{page}", list.name);
        assert!(page.contains(&format!("Stop {}", list.position)), "{page}");
        for words in [
            "ALLERGY: Peanuts, Milk",
            "Halal",
            "Peanut butter — contains Peanuts",
            "UHT milk — contains Milk",
            "Household of 4",
            "Tinned item number 07",
            "use by 05/12/2026",
        ] {
            assert!(page.contains(words), "no {words:?} in\n{page}");
        }
    }
    assert!(!pages[0].contains("Member Three"), "{}", pages[0]);
    let rest = pages[3..].join("\n");
    assert!(
        rest.contains("Member Three · P-0000 0003 (continued)"),
        "{rest}"
    );
    assert!(rest.contains("Tinned item number 69"), "{rest}");
    every_word_on_the_page(&pdf, 8.0);
    assert_fonts_embedded_and_subset(&pdf);
}
