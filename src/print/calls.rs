//! The welfare call sheet: a table of the members to ring, with why and when they were last
//! seen, boxes to tick for how the call went, and room to note what follows.

use super::flow::Flow;
use super::{Align, Document, Page, Weight, BLACK, GREY};
use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CallSheet {
    pub pantry: String,
    pub date: String,
    pub calls: Vec<Call>,
}

/// One member to ring.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Call {
    pub name: String,
    pub phone: String,
    /// E.g. "Isolated; not seen for 6 weeks".
    pub reason: String,
    /// "12/10/2026" or "never".
    pub last_visit: String,
}

pub const CALL_SHEET_FOOTER: &str =
    "Destroy after use: this sheet holds members' personal details.";

/// How a call went, to tick.
const OUTCOMES: [&str; 5] = [
    "No answer",
    "Left message",
    "Spoke – fine",
    "Spoke – needs help",
    "Wrong number",
];

/// The columns: name, phone, reason for the call, last visit.
const COLUMNS: [f32; 4] = [44.0, 32.0, 70.0, 28.0];
const HEADINGS: [&str; 4] = ["Name", "Phone", "Reason for the call", "Last visit"];
const SIZE: f32 = 9.5;
const LINE: f32 = 4.5;
/// The height of the outcome boxes' row and of the note line under the text.
const NOTE: f32 = 9.0;

pub fn call_sheet(sheet: &CallSheet) -> Result<Vec<u8>> {
    let mut flow = Flow::new(&format!("Welfare calls {}", sheet.date), CALL_SHEET_FOOTER)?;
    let title = flow
        .doc()
        .drawable(&format!("Welfare calls: {}", sheet.date), Weight::Bold)?;
    flow.title(&title)?;
    if sheet.calls.is_empty() {
        flow.paragraph(&sheet.pantry, GREY)?;
        flow.paragraph("There is nobody to call.", BLACK)?;
        return flow.finish();
    }
    let people = if sheet.calls.len() == 1 {
        "1 member".to_owned()
    } else {
        format!("{} members", sheet.calls.len())
    };
    flow.paragraph(
        &format!(
            "{} · {people} to call. Tick how each call went, and note anything to follow up.",
            sheet.pantry
        ),
        GREY,
    )?;
    flow.table_header(&HEADINGS, &COLUMNS, (0.6, BLACK))?;
    for call in &sheet.calls {
        let row = Row::lay_out(flow.doc(), call)?;
        if flow.keep(Flow::TABLE_HEADER + row.height)? {
            flow.table_header(&HEADINGS, &COLUMNS, (0.6, BLACK))?;
        }
        flow.block(row.height, |doc, page, x, y| row.draw(doc, page, x, y))?;
    }
    flow.finish()
}

/// A call's cells wrapped to their columns, and the height of its row.
struct Row {
    cells: Vec<(Vec<String>, Weight)>,
    height: f32,
    boxes: f32,
}

impl Row {
    fn lay_out(doc: &mut Document, call: &Call) -> Result<Row> {
        let mut cells = Vec::new();
        for (text, weight, w) in [
            (&call.name, Weight::Bold, COLUMNS[0]),
            (&call.phone, Weight::Regular, COLUMNS[1]),
            (&call.reason, Weight::Regular, COLUMNS[2]),
            (&call.last_visit, Weight::Regular, COLUMNS[3]),
        ] {
            let text = doc.drawable(text, weight)?;
            cells.push((doc.wrap_at_most(&text, w - 2.0, SIZE, weight, 6)?, weight));
        }
        let lines = cells.iter().map(|(l, _)| l.len()).max().unwrap_or(1).max(1);
        let boxes = doc.tick_boxes(None, 0.0, 0.0, Flow::width() - 2.0, 8.5, &OUTCOMES)?;
        let height = lines as f32 * LINE + 3.0 + boxes + 2.0 + NOTE + 2.0;
        Ok(Row {
            cells,
            height,
            boxes,
        })
    }

    fn draw(&self, doc: &mut Document, page: &mut Page, x: f32, y: f32) -> Result<()> {
        let width = Flow::width();
        let mut at = x;
        let mut bottom = y;
        for ((lines, weight), w) in self.cells.iter().zip(COLUMNS) {
            for (i, line) in lines.iter().enumerate() {
                let baseline = y + (i + 1) as f32 * LINE;
                doc.text(
                    page,
                    at + 1.0,
                    baseline,
                    SIZE,
                    *weight,
                    BLACK,
                    Align::Left,
                    line,
                )?;
                bottom = bottom.max(baseline);
            }
            at += w;
        }
        let top = bottom.max(y + LINE) + 3.0;
        doc.tick_boxes(Some(page), x + 1.0, top, width - 2.0, 8.5, &OUTCOMES)?;
        let line = top + self.boxes + 2.0 + NOTE - 1.5;
        let follow_up = x + width - 52.0;
        for (label, from, to) in [
            ("Note", x + 1.0, follow_up - 4.0),
            ("Next follow-up", follow_up, x + width),
        ] {
            doc.text(
                page,
                from,
                line,
                8.5,
                Weight::Regular,
                GREY,
                Align::Left,
                label,
            )?;
            let start = from + doc.measure(label, 8.5, Weight::Regular)? + 1.5;
            page.line((start, line + 0.6), (to, line + 0.6), 0.4, GREY);
        }
        let end = y + self.height;
        page.line((x, end), (x + width, end), 0.4, BLACK);
        Ok(())
    }
}
