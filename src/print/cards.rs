//! Membership card layout: a CR80 card (85.6 × 54 mm) with the pantry's name, the member's
//! name, the membership number, a Code 128 barcode of the card number that handheld
//! scanners read easily, and a short line for the member in their language and English;
//! single cards, or A4 sheets of ten.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Align, Document, Page, Weight, A4, BRAND, GREY, QUIET_ZONE_MODULES, WHITE};
use crate::error::Result;

/// What is printed on one card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardFace {
    pub pantry: String,
    pub name: String,
    pub membership_number: String,
    pub card_number: String,
    /// The short text for the member: in their language, then English (one line when
    /// that is English).
    pub member_text: Vec<String>,
}

/// How cards sit on an A4 sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum SheetLayout {
    /// Pre-cut card sheets, Avery C32011 (and compatible L7415): 2 × 5 cards of 85 × 54 mm,
    /// 15 mm side margins, 10 mm between columns, 13.5 mm top margin, rows touching.
    Avery,
    /// Plain paper: the same two columns with 3 mm between rows and crop marks to cut along.
    CropMarks,
}

/// A single card (CR80, as card printers take).
pub const CARD: (f32, f32) = (85.6, 54.0);
/// A card on a sheet.
const SHEET_CARD: (f32, f32) = (85.0, 54.0);
/// Barcode bars: 0.4 mm modules (≥ 0.33 mm) and 13 mm tall.
const MODULE: f32 = 0.4;
const BAR_HEIGHT: f32 = 13.0;

#[derive(Debug)]
pub struct PrintedCards {
    pub pdf: Vec<u8>,
    pub replaced: Vec<char>,
}

pub fn single(face: &CardFace) -> Result<PrintedCards> {
    let mut doc = Document::new("Membership card")?;
    let mut page = doc.page(CARD.0, CARD.1);
    draw(&mut doc, &mut page, face, 0.0, 0.0, CARD.0)?;
    doc.add(page);
    let replaced = doc.replaced_characters().to_vec();
    Ok(PrintedCards {
        pdf: doc.finish(),
        replaced,
    })
}

/// The top-left corner of card `i` (0–9) on a sheet.
pub fn sheet_position(layout: SheetLayout, i: usize) -> (f32, f32) {
    let (left, column_pitch) = (15.0, 95.0);
    let (top, row_pitch) = match layout {
        SheetLayout::Avery => (13.5, 54.0),
        SheetLayout::CropMarks => (8.0, 57.0),
    };
    let (col, row) = ((i % 2) as f32, (i / 2) as f32);
    (left + col * column_pitch, top + row * row_pitch)
}

pub const CARDS_PER_SHEET: usize = 10;

pub fn sheets(faces: &[CardFace], layout: SheetLayout) -> Result<PrintedCards> {
    let mut doc = Document::new("Membership cards")?;
    for sheet in faces.chunks(CARDS_PER_SHEET) {
        let mut page = doc.page(A4.0, A4.1);
        for (i, face) in sheet.iter().enumerate() {
            let (x, y) = sheet_position(layout, i);
            draw(&mut doc, &mut page, face, x, y, SHEET_CARD.0)?;
            if layout == SheetLayout::CropMarks {
                crop_marks(&mut page, x, y);
            }
        }
        doc.add(page);
    }
    let replaced = doc.replaced_characters().to_vec();
    Ok(PrintedCards {
        pdf: doc.finish(),
        replaced,
    })
}

fn crop_marks(page: &mut Page, x: f32, y: f32) {
    let (w, h) = SHEET_CARD;
    let (gap, len) = (0.8, 2.0);
    for (cx, cy, dx, dy) in [
        (x, y, -1.0, -1.0),
        (x + w, y, 1.0, -1.0),
        (x, y + h, -1.0, 1.0),
        (x + w, y + h, 1.0, 1.0),
    ] {
        page.line((cx + dx * gap, cy), (cx + dx * (gap + len), cy), 0.3, GREY);
        page.line((cx, cy + dy * gap), (cx, cy + dy * (gap + len)), 0.3, GREY);
    }
}

/// Draws one card with its top-left corner at (x, y).
fn draw(
    doc: &mut Document,
    page: &mut Page,
    face: &CardFace,
    x: f32,
    y: f32,
    width: f32,
) -> Result<()> {
    let margin = 5.0;
    let inner = width - 2.0 * margin;
    let centre = x + width / 2.0;

    page.fill_rect(x, y, width, 10.0, BRAND);
    let pantry = doc.drawable(&face.pantry, Weight::Bold)?;
    let size = doc.fit(&pantry, inner, 10.0, 6.0, Weight::Bold)?;
    doc.text(
        page,
        centre,
        y + 6.6,
        size,
        Weight::Bold,
        WHITE,
        Align::Centre,
        &pantry,
    )?;

    let name = doc.drawable(&face.name, Weight::Bold)?;
    let size = doc.fit(&name, inner, 12.0, 7.0, Weight::Bold)?;
    doc.text(
        page,
        x + margin,
        y + 17.0,
        size,
        Weight::Bold,
        super::BLACK,
        Align::Left,
        &name,
    )?;
    doc.text(
        page,
        x + margin,
        y + 21.5,
        7.5,
        Weight::Regular,
        GREY,
        Align::Left,
        &format!("Membership no. {}", face.membership_number),
    )?;

    let modules = super::code128_modules(&face.card_number)?.len() as f32;
    let bar_width = modules * MODULE;
    debug_assert!(bar_width + 2.0 * QUIET_ZONE_MODULES * MODULE <= width);
    page.barcode(
        &face.card_number,
        centre - bar_width / 2.0,
        y + 24.0,
        MODULE,
        BAR_HEIGHT,
    )?;
    doc.text(
        page,
        centre,
        y + 41.5,
        9.0,
        Weight::Regular,
        super::BLACK,
        Align::Centre,
        &face.card_number,
    )?;
    // One line sits at 49 mm; two share the space below the card number.
    let first = if face.member_text.len() > 1 {
        47.4
    } else {
        49.0
    };
    for (i, line) in face.member_text.iter().take(2).enumerate() {
        let size = doc.fit(line, inner, 6.5, 5.0, Weight::Regular)?;
        doc.text(
            page,
            centre,
            y + first + i as f32 * 3.2,
            size,
            Weight::Regular,
            GREY,
            Align::Centre,
            line,
        )?;
    }
    Ok(())
}
