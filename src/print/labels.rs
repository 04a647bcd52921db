//! Parcel labels on A4 label sheets, Avery L7163 and compatible (2 × 7 labels of
//! 99.1 × 38.1 mm): the stop, the member's name and postcode, which parcel of how many,
//! the alerts white on black, and the parcel's reference as a Code 128 barcode and as
//! people read it.

use super::{
    code128_modules, Align, Document, Page, Weight, A4, BLACK, GREY, QUIET_ZONE_MODULES, WHITE,
};
use crate::error::{Error, Result};

/// What is printed on one parcel's label.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParcelLabel {
    pub pantry: String,
    pub date: String,
    /// The stop on the round.
    pub position: u32,
    pub name: String,
    pub postcode: String,
    /// "Parcel 1 of 2".
    pub parcel: u32,
    pub of: u32,
    pub alerts: Vec<String>,
    /// 14 digits, drawn as a Code 128 barcode.
    pub barcode: String,
    /// Shown under the barcode, e.g. "P-0000 0042".
    pub code: String,
}

/// A label on the sheet.
pub const LABEL: (f32, f32) = (99.1, 38.1);
pub const LABELS_PER_SHEET: usize = 14;
/// Barcode bars: 0.35 mm modules (≥ 0.33 mm) and 12 mm tall.
const MODULE: f32 = 0.35;
const BAR_HEIGHT: f32 = 12.0;
const _: () = assert!(MODULE >= 0.33 && BAR_HEIGHT >= 10.0);
/// Clear space kept inside a label's edge (the printer may be off by a little).
const PAD: f32 = 3.5;

/// The top-left corner of label `i` (0–13) on a sheet: 4.65 mm side margins, 2.5 mm
/// between the columns, 15.15 mm top margin, rows touching.
pub fn label_position(i: usize) -> (f32, f32) {
    let (col, row) = ((i % 2) as f32, (i / 2) as f32);
    (4.65 + col * (LABEL.0 + 2.5), 15.15 + row * LABEL.1)
}

/// Sheets of labels, filled row by row from label `start` (1–14) of the first sheet, so a
/// sheet with its first labels already used is not wasted; the next sheets start at the
/// top left.
pub fn label_sheets(labels: &[ParcelLabel], start: usize) -> Result<Vec<u8>> {
    if labels.is_empty() {
        return Err(Error::invalid(
            "labels",
            "There are no parcel labels to print.",
        ));
    }
    if !(1..=LABELS_PER_SHEET).contains(&start) {
        return Err(Error::invalid(
            "start",
            format!("Start at a label from 1 to {LABELS_PER_SHEET}: the sheets have {LABELS_PER_SHEET}."),
        ));
    }
    let mut doc = Document::new("Parcel labels")?;
    let placed: Vec<(usize, &ParcelLabel)> = (start - 1..).zip(labels).collect();
    for sheet in placed.chunk_by(|a, b| a.0 / LABELS_PER_SHEET == b.0 / LABELS_PER_SHEET) {
        let mut page = doc.page(A4.0, A4.1);
        for (slot, label) in sheet {
            let (x, y) = label_position(slot % LABELS_PER_SHEET);
            draw(&mut doc, &mut page, label, x, y)?;
        }
        doc.add(page);
    }
    Ok(doc.finish())
}

/// The name in at most two lines `width` mm wide, as large as it goes: one line down to
/// 9 pt, else two lines down to 7.5 pt without breaking a word, else cut short.
fn name_lines(doc: &Document, name: &str, width: f32) -> Result<(f32, Vec<String>)> {
    let size = doc.fit(name, width, 10.5, 9.0, Weight::Bold)?;
    if doc.measure(name, size, Weight::Bold)? <= width {
        return Ok((size, vec![name.to_owned()]));
    }
    let words = name.split_whitespace().collect::<Vec<_>>().join(" ");
    for size in [10.5, 9.5, 8.5, 7.5] {
        let lines = doc.wrap(name, width, size, Weight::Bold)?;
        if lines.len() <= 2 && lines.join(" ") == words {
            return Ok((size, lines));
        }
    }
    Ok((7.5, doc.wrap_at_most(name, width, 7.5, Weight::Bold, 2)?))
}

/// Draws one label with its top-left corner at (x, y).
fn draw(doc: &mut Document, page: &mut Page, label: &ParcelLabel, x: f32, y: f32) -> Result<()> {
    if label.barcode.len() != 14 {
        return Err(Error::invalid(
            "barcode",
            format!("A parcel's barcode has 14 digits, not {:?}.", label.barcode),
        ));
    }
    // The barcode on the right, its quiet zones inside the label's padding.
    let bar_width = code128_modules(&label.barcode)?.len() as f32 * MODULE;
    let quiet = QUIET_ZONE_MODULES * MODULE;
    let bar_x = x + LABEL.0 - PAD - quiet - bar_width;
    page.barcode(&label.barcode, bar_x, y + 4.0, MODULE, BAR_HEIGHT)?;
    let bar_centre = bar_x + bar_width / 2.0;
    let code = doc.drawable(&label.code, Weight::Bold)?;
    let size = doc.fit(&code, bar_width, 10.0, 6.0, Weight::Bold)?;
    doc.text(
        page,
        bar_centre,
        y + 20.5,
        size,
        Weight::Bold,
        BLACK,
        Align::Centre,
        &code,
    )?;
    doc.text(
        page,
        bar_centre,
        y + 25.5,
        10.5,
        Weight::Bold,
        BLACK,
        Align::Centre,
        &format!("Parcel {} of {}", label.parcel, label.of),
    )?;

    // The stop, the name and the postcode on the left, clear of the quiet zone.
    let left = x + PAD;
    let width = bar_x - quiet - 1.0 - left;
    let about = doc.drawable(
        &format!("{} · {}", label.pantry, label.date),
        Weight::Regular,
    )?;
    let size = doc.fit(&about, width, 6.5, 5.0, Weight::Regular)?;
    let about = doc.wrap_at_most(&about, width, size, Weight::Regular, 1)?;
    for line in &about {
        doc.text(
            page,
            left,
            y + 5.5,
            size,
            Weight::Regular,
            GREY,
            Align::Left,
            line,
        )?;
    }
    doc.text(
        page,
        left,
        y + 11.0,
        14.0,
        Weight::Bold,
        BLACK,
        Align::Left,
        &format!("Stop {}", label.position),
    )?;
    let name = doc.drawable(&label.name, Weight::Bold)?;
    let (size, lines) = name_lines(doc, &name, width)?;
    let mut baseline = y + 15.9;
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            baseline += size * 0.42;
        }
        doc.text(
            page,
            left,
            baseline,
            size,
            Weight::Bold,
            BLACK,
            Align::Left,
            line,
        )?;
    }
    let postcode = doc.drawable(&label.postcode, Weight::Bold)?;
    let size = doc.fit(&postcode, width, 11.0, 7.0, Weight::Bold)?;
    doc.text(
        page,
        left,
        baseline + 5.2,
        size,
        Weight::Bold,
        BLACK,
        Align::Left,
        &postcode,
    )?;

    // The alerts along the foot, white on black.
    if !label.alerts.is_empty() {
        let band = (x + 2.5, y + 28.0, LABEL.0 - 5.0, 7.6);
        let alerts = doc.drawable(&label.alerts.join(" · "), Weight::Bold)?;
        let mut size = 8.5;
        let mut lines = doc.wrap(&alerts, band.2 - 3.0, size, Weight::Bold)?;
        if lines.len() > 2 {
            size = 7.0;
            lines = doc.wrap_at_most(&alerts, band.2 - 3.0, size, Weight::Bold, 2)?;
        }
        page.fill_rect(band.0, band.1, band.2, band.3, BLACK);
        let first = if lines.len() == 1 {
            band.1 + band.3 / 2.0 + size * 0.13
        } else {
            band.1 + 3.3
        };
        for (i, line) in lines.iter().enumerate() {
            doc.text(
                page,
                band.0 + 1.5,
                first + i as f32 * 3.3,
                size,
                Weight::Bold,
                WHITE,
                Align::Left,
                line,
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sheet_is_avery_l7163() {
        assert_eq!(label_position(0), (4.65, 15.15));
        let (x, y) = label_position(LABELS_PER_SHEET - 1);
        assert!((x + LABEL.0 - (A4.0 - 4.65)).abs() < 0.01, "{x}");
        assert!((y + LABEL.1 - (A4.1 - 15.15)).abs() < 0.01, "{y}");
        assert!((label_position(1).0 - (4.65 + LABEL.0 + 2.5)).abs() < 0.01);
    }

    #[test]
    fn the_barcode_and_its_quiet_zones_sit_inside_the_label() {
        let modules = code128_modules("90000000000000").unwrap().len() as f32;
        let quiet = QUIET_ZONE_MODULES * MODULE;
        let used = PAD + quiet + modules * MODULE + quiet;
        // The text column to its left keeps at least 40 mm.
        assert!(LABEL.0 - used - PAD - 1.0 >= 40.0, "{used}");
    }
}
