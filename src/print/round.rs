//! A delivery round on paper: the driver's run sheet (a block per stop in driving order,
//! with the address, access notes, alerts and boxes to tick for what happened) and the
//! packers' packing lists (a page per household's parcels, its alerts large and boxed).

use super::flow::Flow;
use super::{Align, Document, Page, Weight, BLACK, BRAND, GREY, WHITE};
use crate::error::Result;

/// The driver's sheet for one round.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RunSheet {
    pub pantry: String,
    /// Already formatted, e.g. "Thursday 3 December 2026".
    pub date: String,
    /// In driving order.
    pub stops: Vec<RunStop>,
}

/// One stop on the round.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RunStop {
    /// 1, 2, 3 … in driving order.
    pub position: u32,
    /// The lead member's name.
    pub name: String,
    pub address_lines: Vec<String>,
    pub postcode: String,
    /// May be empty.
    pub phone: String,
    /// May be empty, e.g. "Side door, ring twice".
    pub access_notes: String,
    pub parcels: u32,
    /// E.g. "ALLERGY: Peanuts, Milk", "Halal": printed bold and large.
    pub alerts: Vec<String>,
    /// The parcel reference as shown to people, e.g. "P-0000 0042".
    pub code: String,
}

/// What the packers put in one household's parcels.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PackingList {
    pub pantry: String,
    pub date: String,
    pub position: u32,
    pub name: String,
    pub code: String,
    /// Household size.
    pub people: u32,
    pub parcels: u32,
    /// Allergy and diet alerts: printed large, each in a box.
    pub alerts: Vec<String>,
    pub lines: Vec<PackingLine>,
    /// E.g. "Peanut butter — contains Peanuts".
    pub left_out: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PackingLine {
    pub item: String,
    pub quantity: u32,
    /// "" or e.g. "use by 05/12/2026".
    pub use_by: String,
}

pub const RUN_SHEET_FOOTER: &str =
    "Destroy after the round: this sheet holds members' personal details.";
pub const PACKING_FOOTER: &str =
    "Destroy after packing: this list holds members' personal details.";

/// What the driver ticks at each stop.
const OUTCOMES: [&str; 3] = ["Delivered", "Not in", "Refused"];

pub fn run_sheet(sheet: &RunSheet) -> Result<Vec<u8>> {
    let mut flow = Flow::new(&format!("Delivery round {}", sheet.date), RUN_SHEET_FOOTER)?;
    let title = flow
        .doc()
        .drawable(&format!("Delivery round: {}", sheet.date), Weight::Bold)?;
    flow.title(&title)?;
    if sheet.stops.is_empty() {
        flow.paragraph(&sheet.pantry, GREY)?;
        flow.paragraph("There are no deliveries on this round.", BLACK)?;
    } else {
        let parcels: u32 = sheet.stops.iter().map(|s| s.parcels).sum();
        flow.paragraph(
            &format!(
                "{} · {} · {}. Tick one box at each stop.",
                sheet.pantry,
                count(sheet.stops.len() as u32, "stop", "stops"),
                count(parcels, "parcel", "parcels"),
            ),
            GREY,
        )?;
    }
    for stop in &sheet.stops {
        let block = StopBlock::lay_out(flow.doc(), stop)?;
        flow.block(block.height + STOP_GAP, |doc, page, x, y| {
            block.draw(doc, page, x, y)
        })?;
    }
    flow.finish()
}

/// "1 parcel", "3 parcels".
fn count(n: u32, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Space between two stops.
const STOP_GAP: f32 = 3.0;
/// A stop's parts across the page: the position, then the details, then the reference,
/// the parcels and the boxes to tick.
const NUMBER_WIDTH: f32 = 15.0;
const SIDE_WIDTH: f32 = 44.0;
const PAD: f32 = 2.5;
/// Between the postcode and the phone number beside it.
const PHONE_GAP: f32 = 6.0;
/// Text sizes (pt) and line heights (mm).
const NAME: (f32, f32) = (12.0, 5.6);
const ADDRESS: (f32, f32) = (10.0, 4.6);
const ALERT: (f32, f32) = (12.0, 5.6);
const NOTES: (f32, f32) = (9.5, 4.4);

/// A stop's text wrapped to its columns, and the height it takes.
struct StopBlock {
    position: String,
    name: Vec<String>,
    address: Vec<String>,
    postcode: String,
    /// The phone number beside the postcode when it fits there, else on lines below it.
    phone: Vec<String>,
    phone_beside: bool,
    alerts: Vec<String>,
    notes: Vec<String>,
    code: String,
    parcels: String,
    height: f32,
}

impl StopBlock {
    /// The details' column, with room to spare before the side column.
    fn details_width() -> f32 {
        Flow::width() - NUMBER_WIDTH - SIDE_WIDTH - 4.0 * PAD
    }

    fn lay_out(doc: &mut Document, stop: &RunStop) -> Result<StopBlock> {
        let width = Self::details_width();
        let name = doc.drawable(&stop.name, Weight::Bold)?;
        let name = doc.wrap_at_most(&name, width, NAME.0, Weight::Bold, 3)?;
        let mut address = Vec::new();
        for line in &stop.address_lines {
            let line = doc.drawable(line, Weight::Regular)?;
            address.extend(doc.wrap(&line, width, ADDRESS.0, Weight::Regular)?);
        }
        if address.len() > 6 {
            let rest = address.split_off(5).join(" ");
            address.extend(doc.wrap_at_most(&rest, width, ADDRESS.0, Weight::Regular, 1)?);
        }
        let postcode = doc.drawable(&stop.postcode, Weight::Bold)?;
        let phone = if stop.phone.trim().is_empty() {
            String::new()
        } else {
            doc.drawable(&format!("Tel {}", stop.phone), Weight::Regular)?
        };
        let beside = doc.measure(&postcode, ADDRESS.0 + 0.5, Weight::Bold)?
            + PHONE_GAP
            + doc.measure(&phone, ADDRESS.0, Weight::Regular)?;
        let phone_beside = beside <= width;
        let phone = if phone.is_empty() {
            Vec::new()
        } else if phone_beside {
            vec![phone]
        } else {
            doc.wrap_at_most(&phone, width, ADDRESS.0, Weight::Regular, 2)?
        };
        let mut alerts = Vec::new();
        for alert in &stop.alerts {
            let alert = doc.drawable(alert, Weight::Bold)?;
            alerts.extend(doc.wrap_at_most(&alert, width - 4.0, ALERT.0, Weight::Bold, 4)?);
        }
        let notes = if stop.access_notes.trim().is_empty() {
            Vec::new()
        } else {
            let notes = doc.drawable(&format!("Access: {}", stop.access_notes), Weight::Regular)?;
            doc.wrap_at_most(&notes, width, NOTES.0, Weight::Regular, 5)?
        };
        let details = name.len() as f32 * NAME.1
            + address.len() as f32 * ADDRESS.1
            + ADDRESS.1 // the postcode
            + if phone_beside {
                0.0
            } else {
                phone.len() as f32 * ADDRESS.1
            }
            + if alerts.is_empty() {
                0.0
            } else {
                alerts.len() as f32 * ALERT.1 + 3.2
            }
            + notes.len() as f32 * NOTES.1;
        let side = 12.0 + doc.tick_boxes(None, 0.0, 0.0, 0.0, 10.0, &OUTCOMES)?;
        Ok(StopBlock {
            position: stop.position.to_string(),
            name,
            address,
            postcode,
            phone,
            phone_beside,
            alerts,
            notes,
            code: doc.drawable(&stop.code, Weight::Regular)?,
            parcels: count(stop.parcels, "parcel", "parcels"),
            height: details.max(side) + 2.0 * PAD + 1.0,
        })
    }

    /// Draws the stop in its box, (x, y) the box's top-left corner.
    fn draw(&self, doc: &mut Document, page: &mut Page, x: f32, y: f32) -> Result<()> {
        let width = Flow::width();
        page.stroke_rect(x, y, width, self.height, 0.5, GREY);

        // The position, white on black, to find the stop and its parcels by.
        let size = doc.fit(&self.position, NUMBER_WIDTH - 4.0, 16.0, 8.0, Weight::Bold)?;
        page.fill_rect(x, y, NUMBER_WIDTH, 10.0, BLACK);
        doc.text(
            page,
            x + NUMBER_WIDTH / 2.0,
            y + 7.0,
            size,
            Weight::Bold,
            WHITE,
            Align::Centre,
            &self.position,
        )?;

        let left = x + NUMBER_WIDTH + PAD;
        let mut baseline = y + PAD;
        for line in &self.name {
            baseline += NAME.1;
            doc.text(
                page,
                left,
                baseline,
                NAME.0,
                Weight::Bold,
                BLACK,
                Align::Left,
                line,
            )?;
        }
        for line in &self.address {
            baseline += ADDRESS.1;
            doc.text(
                page,
                left,
                baseline,
                ADDRESS.0,
                Weight::Regular,
                BLACK,
                Align::Left,
                line,
            )?;
        }
        baseline += ADDRESS.1;
        doc.text(
            page,
            left,
            baseline,
            ADDRESS.0 + 0.5,
            Weight::Bold,
            BLACK,
            Align::Left,
            &self.postcode,
        )?;
        for line in &self.phone {
            let at = if self.phone_beside {
                left + doc.measure(&self.postcode, ADDRESS.0 + 0.5, Weight::Bold)? + PHONE_GAP
            } else {
                baseline += ADDRESS.1;
                left
            };
            doc.text(
                page,
                at,
                baseline,
                ADDRESS.0,
                Weight::Regular,
                BLACK,
                Align::Left,
                line,
            )?;
        }
        if !self.alerts.is_empty() {
            let top = baseline + 1.8;
            let height = self.alerts.len() as f32 * ALERT.1 + 1.8;
            page.stroke_rect(left, top, Self::details_width(), height, 1.2, BLACK);
            baseline = top;
            for line in &self.alerts {
                baseline += ALERT.1;
                doc.text(
                    page,
                    left + 2.0,
                    baseline - 0.6,
                    ALERT.0,
                    Weight::Bold,
                    BLACK,
                    Align::Left,
                    line,
                )?;
            }
            baseline = top + height - 0.4;
        }
        for line in &self.notes {
            baseline += NOTES.1;
            doc.text(
                page,
                left,
                baseline,
                NOTES.0,
                Weight::Regular,
                BLACK,
                Align::Left,
                line,
            )?;
        }

        let side = x + width - SIDE_WIDTH - PAD;
        let code = format!("Ref {}", self.code);
        let size = doc.fit(&code, SIDE_WIDTH, 9.0, 6.0, Weight::Regular)?;
        doc.text(
            page,
            side,
            y + PAD + 4.0,
            size,
            Weight::Regular,
            GREY,
            Align::Left,
            &code,
        )?;
        doc.text(
            page,
            side,
            y + PAD + 9.5,
            11.0,
            Weight::Bold,
            BRAND,
            Align::Left,
            &self.parcels,
        )?;
        // One above another (no width for two side by side).
        doc.tick_boxes(Some(page), side, y + PAD + 12.0, 0.0, 10.0, &OUTCOMES)?;
        Ok(())
    }
}

/// Text sizes (pt) and line heights (mm) on a packing list.
const PACK_ALERT: (f32, f32) = (16.0, 7.4);
const ITEM: (f32, f32) = (10.5, 5.0);
/// The items table's columns: item, quantity, use by, packed.
const COLUMNS: [f32; 4] = [102.0, 22.0, 34.0, 16.0];
const ITEM_HEADINGS: [&str; 4] = ["Item", "Quantity", "Use by", "Packed"];

/// A page (or more, for a long list) per household's parcels.
pub fn packing_lists(lists: &[PackingList]) -> Result<Vec<u8>> {
    let mut flow = Flow::new("Packing lists", PACKING_FOOTER)?;
    if lists.is_empty() {
        flow.title("Packing lists")?;
        flow.paragraph("There is nothing to pack.", BLACK)?;
    }
    for list in lists {
        flow.page_break()?;
        packing_list(&mut flow, list)?;
    }
    flow.finish()
}

fn packing_list(flow: &mut Flow, list: &PackingList) -> Result<()> {
    let width = Flow::width();
    let name = flow.doc().drawable(&list.name, Weight::Bold)?;
    let code = flow.doc().drawable(&list.code, Weight::Bold)?;
    let stop = format!("Stop {}", list.position);
    flow.block(11.0, |doc, page, x, y| {
        doc.text(
            page,
            x,
            y + 9.0,
            20.0,
            Weight::Bold,
            BRAND,
            Align::Left,
            &stop,
        )?;
        doc.text(
            page,
            x + width,
            y + 9.0,
            14.0,
            Weight::Bold,
            BLACK,
            Align::Right,
            &code,
        )
    })?;
    let name_size = flow.doc().fit(&name, width, 16.0, 11.0, Weight::Bold)?;
    let name_lines = flow
        .doc()
        .wrap_at_most(&name, width, name_size, Weight::Bold, 2)?;
    let about = flow.doc().drawable(
        &format!(
            "Household of {} · {} · {} · {}",
            list.people,
            count(list.parcels, "parcel", "parcels"),
            list.pantry,
            list.date
        ),
        Weight::Regular,
    )?;
    flow.block(name_lines.len() as f32 * 7.0 + 8.0, |doc, page, x, y| {
        let mut baseline = y;
        for line in &name_lines {
            baseline += 7.0;
            doc.text(
                page,
                x,
                baseline,
                name_size,
                Weight::Bold,
                BLACK,
                Align::Left,
                line,
            )?;
        }
        let size = doc.fit(&about, width, 10.5, 7.0, Weight::Regular)?;
        doc.text(
            page,
            x,
            baseline + 6.0,
            size,
            Weight::Regular,
            BLACK,
            Align::Left,
            &about,
        )
    })?;

    if list.alerts.is_empty() {
        flow.paragraph("No allergy or diet alerts.", GREY)?;
    }
    for alert in &list.alerts {
        let alert = flow.doc().drawable(alert, Weight::Bold)?;
        let lines = flow
            .doc()
            .wrap_at_most(&alert, width - 8.0, PACK_ALERT.0, Weight::Bold, 8)?;
        let height = lines.len() as f32 * PACK_ALERT.1 + 4.0;
        flow.block(height + 2.5, |doc, page, x, y| {
            page.stroke_rect(x, y + 1.0, width, height, 2.0, BLACK);
            for (i, line) in lines.iter().enumerate() {
                doc.text(
                    page,
                    x + 4.0,
                    y + 1.0 + (i + 1) as f32 * PACK_ALERT.1,
                    PACK_ALERT.0,
                    Weight::Bold,
                    BLACK,
                    Align::Left,
                    line,
                )?;
            }
            Ok(())
        })?;
    }
    if !list.left_out.is_empty() {
        flow.heading("Left out of these parcels")?;
        for line in &list.left_out {
            flow.paragraph(&format!("✗ {line}"), BLACK)?;
        }
    }

    flow.heading("To pack")?;
    if list.lines.is_empty() {
        flow.paragraph("Nothing on this list.", GREY)?;
    } else {
        flow.table_header(&ITEM_HEADINGS, &COLUMNS, (0.4, GREY))?;
    }
    // A page the list continues on says whose it is, and the alerts again.
    let continued = flow.doc().drawable(
        &format!("{stop} · {} · {} (continued)", list.name, list.code),
        Weight::Bold,
    )?;
    let alerts = flow
        .doc()
        .drawable(&list.alerts.join(" · "), Weight::Bold)?;
    let alerts = flow
        .doc()
        .wrap_at_most(&alerts, width, 11.0, Weight::Bold, 2)?;
    let continued_height = 8.0 + alerts.len() as f32 * 5.5 + 3.0;
    for line in &list.lines {
        let item = flow.doc().drawable(&line.item, Weight::Regular)?;
        let item = flow
            .doc()
            .wrap_at_most(&item, COLUMNS[0] - 3.0, ITEM.0, Weight::Regular, 3)?;
        let use_by = flow.doc().drawable(&line.use_by, Weight::Regular)?;
        let use_by = flow
            .doc()
            .wrap_at_most(&use_by, COLUMNS[2] - 2.0, 9.0, Weight::Regular, 2)?;
        let height = item.len().max(use_by.len()).max(1) as f32 * ITEM.1 + 3.0;
        if flow.keep(continued_height + Flow::TABLE_HEADER + height)? {
            flow.block(continued_height, |doc, page, x, y| {
                doc.text(
                    page,
                    x,
                    y + 5.0,
                    10.0,
                    Weight::Bold,
                    GREY,
                    Align::Left,
                    &continued,
                )?;
                for (i, line) in alerts.iter().enumerate() {
                    let baseline = y + 8.0 + (i + 1) as f32 * 5.5;
                    doc.text(
                        page,
                        x,
                        baseline,
                        11.0,
                        Weight::Bold,
                        BLACK,
                        Align::Left,
                        line,
                    )?;
                }
                Ok(())
            })?;
            flow.table_header(&ITEM_HEADINGS, &COLUMNS, (0.4, GREY))?;
        }
        let quantity = line.quantity.to_string();
        flow.block(height, |doc, page, x, y| {
            for (i, l) in item.iter().enumerate() {
                let baseline = y + (i + 1) as f32 * ITEM.1;
                doc.text(
                    page,
                    x + 1.0,
                    baseline,
                    ITEM.0,
                    Weight::Regular,
                    BLACK,
                    Align::Left,
                    l,
                )?;
            }
            let right = x + COLUMNS[0] + COLUMNS[1] - 6.0;
            let baseline = y + ITEM.1;
            doc.text(
                page,
                right,
                baseline,
                11.0,
                Weight::Bold,
                BLACK,
                Align::Right,
                &quantity,
            )?;
            let at = x + COLUMNS[0] + COLUMNS[1];
            for (i, l) in use_by.iter().enumerate() {
                let baseline = y + (i + 1) as f32 * ITEM.1;
                doc.text(
                    page,
                    at,
                    baseline,
                    9.0,
                    Weight::Regular,
                    BLACK,
                    Align::Left,
                    l,
                )?;
            }
            let tick = x + width - COLUMNS[3] / 2.0 - 2.5;
            page.stroke_rect(tick, y + 1.2, 5.0, 5.0, 0.7, BLACK);
            page.line((x, y + height), (x + width, y + height), 0.25, GREY);
            Ok(())
        })?;
    }
    flow.block(16.0, |doc, page, x, y| {
        let baseline = y + 13.0;
        for (label, at) in [("Packed by", 0.0), ("Checked by", width / 2.0 + 4.0)] {
            doc.text(
                page,
                x + at,
                baseline,
                9.5,
                Weight::Regular,
                GREY,
                Align::Left,
                label,
            )?;
            let start = x + at + doc.measure(label, 9.5, Weight::Regular)? + 2.0;
            let end = x + at + width / 2.0 - 4.0;
            page.line((start, baseline + 0.8), (end, baseline + 0.8), 0.4, GREY);
        }
        Ok(())
    })
}
