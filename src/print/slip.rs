//! The referral slip: an A4 page with the agency's copy above and the member's copy below a
//! tear line; each carries the reference as people read it (`R-0000 0018`) and its digits
//! as a Code 128 barcode. The member's copy ends with a note for the member in their language
//! and in English.

use super::{shaping, Align, Colour, Document, Page, Weight, A4, BLACK, BRAND, GREY};
use crate::error::Result;

/// Everything a referral slip shows, as text (the referrals module fills it in).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlipFace {
    pub pantry_name: String,
    pub pantry_address: String,
    /// The referral's reference: 8 digits, printed as a barcode.
    pub reference: String,
    /// The reference as people read it (`R-0000 0018`), printed as text.
    pub reference_shown: String,
    /// The day it was made, as `dd/mm/yyyy`.
    pub made_on: String,
    pub agency_name: String,
    pub agency_kind: String,
    pub agency_address: String,
    pub agency_phone: String,
    pub agency_email: String,
    pub agency_opening_hours: String,
    pub agency_contact: String,
    pub urgency: String,
    pub lead_name: String,
    pub membership_number: String,
    pub reason: String,
    pub made_by: String,
    /// When and to what the member agreed, as printed.
    pub consent: String,
    /// For the member, under their copy: in their language, then English.
    pub member_note: Vec<String>,
    /// Printed small when the member's language is not yet checked by a native speaker.
    pub unchecked_note: Vec<String>,
}

const MARGIN: f32 = 15.0;
const HALF: f32 = A4.1 / 2.0;
const MODULE: f32 = 0.4;

pub fn referral_slip(r: &SlipFace) -> Result<Vec<u8>> {
    let mut doc = Document::new(&format!("Referral {}", r.reference_shown))?;
    let mut page = doc.page(A4.0, A4.1);
    copy(&mut doc, &mut page, r, 0.0, "Agency's copy")?;
    for i in 0..((A4.0 - 2.0 * MARGIN) / 4.0) as usize {
        let x = MARGIN + i as f32 * 4.0;
        page.line((x, HALF), (x + 2.0, HALF), 0.5, GREY);
    }
    doc.text(
        &mut page,
        A4.0 / 2.0,
        HALF - 1.5,
        7.0,
        Weight::Regular,
        GREY,
        Align::Centre,
        "✂ tear here: the lower half is the member's",
    )?;
    let y = copy(
        &mut doc,
        &mut page,
        r,
        HALF,
        "Member's copy: please keep this.",
    )?;
    let width = A4.0 - 2.0 * MARGIN;
    let mut y = y + 2.0;
    for note in &r.member_note {
        y = paragraph(&mut doc, &mut page, y, width, note, 9.5, BLACK)?;
    }
    for note in &r.unchecked_note {
        y = paragraph(&mut doc, &mut page, y, width, note, 7.0, GREY)?;
    }
    doc.add(page);
    Ok(doc.finish())
}

/// Draws one copy from `top`; returns the y below it.
fn copy(doc: &mut Document, page: &mut Page, r: &SlipFace, top: f32, label: &str) -> Result<f32> {
    let width = A4.0 - 2.0 * MARGIN;
    let mut y = top + 14.0;
    doc.text(
        page,
        MARGIN,
        y,
        13.0,
        Weight::Bold,
        BRAND,
        Align::Left,
        &r.pantry_name,
    )?;
    let bar_width = super::code128_modules(&r.reference)?.len() as f32 * MODULE;
    let bar_x = A4.0 - MARGIN - bar_width - 10.0 * MODULE;
    page.barcode(&r.reference, bar_x, top + 8.0, MODULE, 11.0)?;
    doc.text(
        page,
        bar_x + bar_width / 2.0,
        top + 23.0,
        9.0,
        Weight::Bold,
        BLACK,
        Align::Centre,
        &format!("Ref {}", r.reference_shown),
    )?;
    y += 5.0;
    doc.text(
        page,
        MARGIN,
        y,
        8.5,
        Weight::Regular,
        GREY,
        Align::Left,
        &r.pantry_address.replace('\n', ", "),
    )?;
    y += 6.0;
    doc.text(page, MARGIN, y, 9.0, Weight::Bold, GREY, Align::Left, label)?;
    y += 8.0;
    doc.text(
        page,
        MARGIN,
        y,
        15.0,
        Weight::Bold,
        BLACK,
        Align::Left,
        &format!("Referral to {}", r.agency_name),
    )?;
    y += 7.0;
    doc.text(
        page,
        MARGIN,
        y,
        10.0,
        Weight::Regular,
        BLACK,
        Align::Left,
        &format!("{} · {} · {}", r.made_on, r.agency_kind, r.urgency),
    )?;

    let col = MARGIN + width / 2.0 + 4.0;
    let start = y + 8.0;
    let mut left = start;
    let mut right = start;
    for (label, value) in [
        (
            "Member",
            format!("{} (membership {})", r.lead_name, r.membership_number),
        ),
        ("Reason", r.reason.clone()),
        ("Referred by", r.made_by.clone()),
    ] {
        left = field(doc, page, MARGIN, left, width / 2.0 - 4.0, label, &value)?;
    }
    for (label, value) in [
        (
            "Agency",
            [
                r.agency_address.as_str(),
                r.agency_phone.as_str(),
                r.agency_email.as_str(),
            ]
            .iter()
            .filter(|v| !v.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" · "),
        ),
        ("Opening hours", r.agency_opening_hours.clone()),
        ("Contact", r.agency_contact.clone()),
    ] {
        if !value.is_empty() {
            right = field(doc, page, col, right, width / 2.0 - 4.0, label, &value)?;
        }
    }
    let y = left.max(right) + 3.0;
    field(doc, page, MARGIN, y, width, "Consent to share", &r.consent)
}

/// A wrapped paragraph across the copy, from the margin of its own direction; returns the
/// y below it.
#[allow(clippy::too_many_arguments)]
fn paragraph(
    doc: &mut Document,
    page: &mut Page,
    y: f32,
    width: f32,
    text: &str,
    size: f32,
    colour: Colour,
) -> Result<f32> {
    let text = doc.drawable(text, Weight::Regular)?;
    let right_to_left = shaping::is_right_to_left(&text);
    let (x, align) = if right_to_left {
        (MARGIN + width, Align::Right)
    } else {
        (MARGIN, Align::Left)
    };
    let mut y = y;
    for line in doc.wrap(&text, width, size, Weight::Regular)? {
        y += size * 0.46;
        doc.text_as(
            page,
            x,
            y,
            size,
            Weight::Regular,
            colour,
            align,
            &line,
            Some(right_to_left),
        )?;
    }
    Ok(y + 1.5)
}

/// A bold label over a wrapped value; returns the y below it.
#[allow(clippy::too_many_arguments)]
fn field(
    doc: &mut Document,
    page: &mut Page,
    x: f32,
    y: f32,
    width: f32,
    label: &str,
    value: &str,
) -> Result<f32> {
    let mut y = y + 4.5;
    doc.text(page, x, y, 8.5, Weight::Bold, GREY, Align::Left, label)?;
    let value = doc.drawable(value, Weight::Regular)?;
    for line in doc
        .wrap(&value, width, 10.0, Weight::Regular)?
        .iter()
        .take(6)
    {
        y += 4.6;
        doc.text(page, x, y, 10.0, Weight::Regular, BLACK, Align::Left, line)?;
    }
    Ok(y + 1.5)
}
