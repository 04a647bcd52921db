//! The recovery sheet: one A4 page with the pantry's recovery key, what it is for, and where
//! to keep it.

use super::{Align, Colour, Document, Weight, A4, BLACK, BRAND, GREY};
use crate::error::Result;

/// Everything the recovery sheet shows (the `encryption` module fills it in).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecoveryFace {
    pub pantry_name: String,
    /// The recovery key as groups (`ABCD-EFGH-…`).
    pub recovery_key: String,
    /// The key's fingerprint, to match a sheet to the key in use.
    pub fingerprint: String,
    /// When and by whom it was printed, as shown.
    pub printed: String,
}

const MARGIN: f32 = 20.0;
const WARNING: Colour = Colour(0xa3, 0x1d, 0x1d);

pub fn recovery_sheet(r: &RecoveryFace) -> Result<Vec<u8>> {
    let mut doc = Document::new(&format!("Recovery key: {}", r.pantry_name))?;
    let mut page = doc.page(A4.0, A4.1);
    let width = A4.0 - 2.0 * MARGIN;
    let mut y = 28.0;
    doc.text(
        &mut page,
        MARGIN,
        y,
        20.0,
        Weight::Bold,
        BRAND,
        Align::Left,
        "Recovery key",
    )?;
    y += 9.0;
    let name = doc.drawable(&r.pantry_name, Weight::Regular)?;
    doc.text(
        &mut page,
        MARGIN,
        y,
        12.0,
        Weight::Regular,
        BLACK,
        Align::Left,
        &name,
    )?;
    y += 10.0;
    page.stroke_rect(MARGIN, y, width, 34.0, 0.8, BRAND);
    let groups: Vec<&str> = r.recovery_key.split('-').collect();
    let (first, second) = groups.split_at(groups.len().div_ceil(2));
    for (i, half) in [first, second].iter().enumerate() {
        let line = half.join("  ");
        let size = doc.fit(&line, width - 10.0, 17.0, 9.0, Weight::Bold)?;
        doc.text(
            &mut page,
            A4.0 / 2.0,
            y + 14.0 + i as f32 * 11.0,
            size,
            Weight::Bold,
            BLACK,
            Align::Centre,
            &line,
        )?;
    }
    y += 44.0;
    let sections: [(&str, String, Colour); 4] = [
        (
            "What it is for",
            "Pantry keeps the pantry's database and every backup encrypted, so a lost laptop or \
             USB stick reveals nothing about the members. On this laptop Pantry opens by itself. \
             This key is the only other way in: it opens the backups on another laptop (a new \
             one, or after this one is lost, broken or reinstalled), or this laptop's database \
             if its key store is lost. Type it when Pantry asks for the recovery key."
                .into(),
            BLACK,
        ),
        (
            "Where to keep it",
            "Keep this sheet locked away and apart from the laptop and the backup USB sticks: in \
             the landlord's or the chair's safe, or a locked cabinet. Anyone with this sheet and a \
             backup can read every member's details, so never photograph it, email it or leave \
             it with the laptop. Without it, a backup cannot be opened on another laptop by \
             anyone, Pantry's makers included."
                .into(),
            BLACK,
        ),
        (
            "When to print a new one",
            "If this sheet is lost, an admin prints a new one from Settings → Encryption and the audit trail. After a \
             backup from another laptop is restored here, print a new sheet for this laptop's \
             key: the fingerprint below tells which key a sheet belongs to."
                .into(),
            BLACK,
        ),
        (
            "This sheet",
            format!("Key fingerprint {} · printed {}", r.fingerprint, r.printed),
            GREY,
        ),
    ];
    for (heading, text, colour) in sections {
        doc.text(
            &mut page,
            MARGIN,
            y,
            12.0,
            Weight::Bold,
            BRAND,
            Align::Left,
            heading,
        )?;
        y += 6.5;
        let text = doc.drawable(&text, Weight::Regular)?;
        for line in doc.wrap(&text, width, 10.5, Weight::Regular)? {
            doc.text(
                &mut page,
                MARGIN,
                y,
                10.5,
                Weight::Regular,
                colour,
                Align::Left,
                &line,
            )?;
            y += 5.4;
        }
        y += 6.0;
    }
    doc.text(
        &mut page,
        A4.0 / 2.0,
        A4.1 - 14.0,
        9.0,
        Weight::Bold,
        WARNING,
        Align::Centre,
        "Confidential: keep locked away, apart from the laptop and the backups",
    )?;
    doc.add(page);
    Ok(doc.finish())
}
