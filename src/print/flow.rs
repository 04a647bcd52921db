//! Flowing A4 documents: headings, paragraphs, label–value lines, simple tables and blocks
//! drawn by the caller that continue onto new pages (subject-access reports, count sheets,
//! reports, welcome sheets, run sheets, packing lists, call sheets). Titles, headings and
//! paragraphs in a right-to-left script are set from the right margin.

use super::{shaping, Align, Colour, Document, Page, Weight, A4, BLACK, BRAND, GREY};
use crate::error::Result;

const MARGIN: f32 = 18.0;
const BOTTOM: f32 = A4.1 - 18.0;
const BODY: f32 = 10.0;
const LINE: f32 = 5.0;

/// A document written top to bottom; pages are added as they fill.
#[derive(Debug)]
pub struct Flow {
    doc: Document,
    page: Page,
    y: f32,
    footer: String,
    pages: u32,
}

impl Flow {
    pub fn new(title: &str, footer: &str) -> Result<Flow> {
        let doc = Document::new(title)?;
        let page = doc.page(A4.0, A4.1);
        Ok(Flow {
            doc,
            page,
            y: MARGIN,
            footer: footer.to_owned(),
            pages: 1,
        })
    }

    /// The width between the margins.
    pub fn width() -> f32 {
        A4.0 - 2.0 * MARGIN
    }

    /// The document being written, to check, measure and wrap text before drawing it.
    pub fn doc(&mut self) -> &mut Document {
        &mut self.doc
    }

    /// Where a line of `text` starts: the left margin, or the right one for right-to-left.
    fn start(text: &str) -> (f32, Align) {
        if shaping::is_right_to_left(text) {
            (A4.0 - MARGIN, Align::Right)
        } else {
            (MARGIN, Align::Left)
        }
    }

    fn room(&mut self, height: f32) -> Result<()> {
        self.keep(height)?;
        Ok(())
    }

    /// Starts a new page unless `height` mm fit below what is written; true when it did.
    pub fn keep(&mut self, height: f32) -> Result<bool> {
        let full = self.y + height > BOTTOM;
        if full {
            self.new_page()?;
        }
        Ok(full)
    }

    /// Starts a new page, unless nothing is written on this one yet.
    pub fn page_break(&mut self) -> Result<()> {
        if self.y > MARGIN {
            self.new_page()?;
        }
        Ok(())
    }

    /// A block `height` mm tall below what is written (on a new page if it does not fit on
    /// this one), drawn by `draw` from the block's top-left corner at the left margin. The
    /// block must be no taller than a page and no wider than [`Flow::width`].
    pub fn block(
        &mut self,
        height: f32,
        draw: impl FnOnce(&mut Document, &mut Page, f32, f32) -> Result<()>,
    ) -> Result<()> {
        debug_assert!(height <= BOTTOM - MARGIN, "a block of {height} mm");
        self.room(height)?;
        draw(&mut self.doc, &mut self.page, MARGIN, self.y)?;
        self.y += height;
        Ok(())
    }

    fn new_page(&mut self) -> Result<()> {
        let next = self.doc.page(A4.0, A4.1);
        let done = std::mem::replace(&mut self.page, next);
        self.finish_page(done)?;
        self.pages += 1;
        self.y = MARGIN;
        Ok(())
    }

    fn finish_page(&mut self, mut page: Page) -> Result<()> {
        let footer = format!("{} · page {}", self.footer, self.pages);
        self.doc.text(
            &mut page,
            A4.0 / 2.0,
            A4.1 - 10.0,
            8.0,
            Weight::Regular,
            GREY,
            Align::Centre,
            &footer,
        )?;
        self.doc.add(page);
        Ok(())
    }

    pub fn title(&mut self, text: &str) -> Result<()> {
        self.room(14.0)?;
        self.y += 6.0;
        let (x, align) = Self::start(text);
        let size = self
            .doc
            .fit(text, Self::width(), 18.0, 11.0, Weight::Bold)?;
        self.doc.text(
            &mut self.page,
            x,
            self.y,
            size,
            Weight::Bold,
            BRAND,
            align,
            text,
        )?;
        self.y += 6.0;
        Ok(())
    }

    pub fn heading(&mut self, text: &str) -> Result<()> {
        self.room(16.0)?;
        self.y += 7.0;
        let (x, align) = Self::start(text);
        self.doc.text(
            &mut self.page,
            x,
            self.y,
            12.5,
            Weight::Bold,
            BLACK,
            align,
            text,
        )?;
        self.y += 1.5;
        self.page
            .line((MARGIN, self.y), (A4.0 - MARGIN, self.y), 0.5, BRAND);
        self.y += 4.0;
        Ok(())
    }

    pub fn paragraph(&mut self, text: &str, colour: Colour) -> Result<()> {
        self.paragraph_sized(text, colour, BODY, LINE)
    }

    /// A paragraph in small print.
    pub fn small_print(&mut self, text: &str, colour: Colour) -> Result<()> {
        self.paragraph_sized(text, colour, 8.0, 4.0)
    }

    fn paragraph_sized(&mut self, text: &str, colour: Colour, size: f32, line: f32) -> Result<()> {
        let text = self.doc.drawable(text, Weight::Regular)?;
        // The paragraph's direction decides the margin of every line (a line of it may
        // start with a number or an English word).
        let (x, align) = Self::start(&text);
        let right_to_left = Some(align == Align::Right);
        for l in self.doc.wrap(&text, Self::width(), size, Weight::Regular)? {
            self.room(line)?;
            self.y += line;
            self.doc.text_as(
                &mut self.page,
                x,
                self.y,
                size,
                Weight::Regular,
                colour,
                align,
                &l,
                right_to_left,
            )?;
        }
        self.y += 1.5;
        Ok(())
    }

    /// A thin rule across the page, with space around it.
    pub fn rule(&mut self) -> Result<()> {
        self.room(8.0)?;
        self.y += 4.0;
        self.page
            .line((MARGIN, self.y), (A4.0 - MARGIN, self.y), 0.75, GREY);
        self.y += 2.0;
        Ok(())
    }

    /// `label: value`, the value wrapped in its own column.
    pub fn field(&mut self, label: &str, value: &str) -> Result<()> {
        let label_width = 56.0;
        let value = self
            .doc
            .drawable(if value.is_empty() { "—" } else { value }, Weight::Regular)?;
        let lines = self
            .doc
            .wrap(&value, Self::width() - label_width, BODY, Weight::Regular)?;
        for (i, line) in lines.iter().enumerate() {
            self.room(LINE)?;
            self.y += LINE;
            if i == 0 {
                self.doc.text(
                    &mut self.page,
                    MARGIN,
                    self.y,
                    BODY,
                    Weight::Bold,
                    BLACK,
                    Align::Left,
                    label,
                )?;
            }
            self.doc.text(
                &mut self.page,
                MARGIN + label_width,
                self.y,
                BODY,
                Weight::Regular,
                BLACK,
                Align::Left,
                line,
            )?;
        }
        Ok(())
    }

    /// The height of a table's header row drawn by `table_header`.
    pub const TABLE_HEADER: f32 = 7.0;

    /// A table's header row for tables drawn row by row: each heading in small grey bold
    /// type over its column (`widths` in mm), and a rule of `rule` (thickness in points,
    /// colour) under it.
    pub fn table_header(
        &mut self,
        headings: &[&str],
        widths: &[f32],
        rule: (f32, Colour),
    ) -> Result<()> {
        let width = Flow::width();
        let height = Flow::TABLE_HEADER;
        self.block(height, |doc, page, x, y| {
            let mut at = x;
            for (heading, w) in headings.iter().zip(widths) {
                doc.text(
                    page,
                    at + 1.0,
                    y + 5.0,
                    8.5,
                    Weight::Bold,
                    GREY,
                    Align::Left,
                    heading,
                )?;
                at += w;
            }
            page.line((x, y + height), (x + width, y + height), rule.0, rule.1);
            Ok(())
        })
    }

    /// A table: column widths in mm (they should add up to the page width), a header row,
    /// and rows whose cells wrap within their column.
    pub fn table(&mut self, widths: &[f32], header: &[&str], rows: &[Vec<String>]) -> Result<()> {
        let size = 8.5;
        let line = 4.2;
        let draw_row = |flow: &mut Flow, cells: &[String], weight: Weight| -> Result<()> {
            let wrapped: Vec<Vec<String>> = cells
                .iter()
                .zip(widths)
                .map(|(cell, w)| {
                    let cell = flow.doc.drawable(cell, weight)?;
                    flow.doc.wrap(&cell, w - 2.0, size, weight)
                })
                .collect::<Result<_>>()?;
            let height = wrapped.iter().map(Vec::len).max().unwrap_or(1) as f32 * line + 1.6;
            flow.room(height)?;
            let mut x = MARGIN;
            for (lines, w) in wrapped.iter().zip(widths) {
                for (i, l) in lines.iter().enumerate() {
                    let y = flow.y + line * (i as f32 + 1.0);
                    flow.doc.text(
                        &mut flow.page,
                        x + 1.0,
                        y,
                        size,
                        weight,
                        BLACK,
                        Align::Left,
                        l,
                    )?;
                }
                x += w;
            }
            flow.y += height;
            flow.page
                .line((MARGIN, flow.y), (A4.0 - MARGIN, flow.y), 0.25, GREY);
            Ok(())
        };
        let header: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
        draw_row(self, &header, Weight::Bold)?;
        for row in rows {
            draw_row(self, row, Weight::Regular)?;
        }
        if rows.is_empty() {
            self.paragraph("None.", GREY)?;
        }
        Ok(())
    }

    /// A horizontal bar chart drawn as vector shapes: a label, a bar scaled to the largest
    /// value, and the value.
    pub fn bar_chart(&mut self, bars: &[(String, i64)]) -> Result<()> {
        if bars.is_empty() {
            return self.paragraph("Nothing to show.", GREY);
        }
        let label_w = 48.0;
        let max_w = Self::width() - label_w - 18.0;
        let most = bars.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1) as f32;
        for (label, value) in bars {
            let height = 5.5;
            self.room(height)?;
            let label = self.doc.drawable(label, Weight::Regular)?;
            let size = self
                .doc
                .fit(&label, label_w - 2.0, 8.5, 6.5, Weight::Regular)?;
            let baseline = self.y + 4.0;
            self.doc.text(
                &mut self.page,
                MARGIN,
                baseline,
                size,
                Weight::Regular,
                BLACK,
                Align::Left,
                &label,
            )?;
            let w = (*value).max(0) as f32 / most * max_w;
            if w > 0.0 {
                self.page
                    .fill_rect(MARGIN + label_w, self.y + 0.9, w, height - 1.8, BRAND);
            }
            self.doc.text(
                &mut self.page,
                MARGIN + label_w + w + 1.5,
                baseline,
                8.5,
                Weight::Regular,
                BLACK,
                Align::Left,
                &value.to_string(),
            )?;
            self.y += height;
        }
        self.page.line(
            (MARGIN + label_w, self.y - bars.len() as f32 * 5.5),
            (MARGIN + label_w, self.y),
            0.3,
            GREY,
        );
        self.y += 2.0;
        Ok(())
    }

    /// A count-sheet row: the item and its unit, and an empty box to write the count in.
    pub fn count_row(&mut self, item: &str, unit: &str) -> Result<()> {
        let height = 8.0;
        self.room(height)?;
        let item = self.doc.drawable(item, Weight::Regular)?;
        let size = self.doc.fit(&item, 110.0, BODY, 7.0, Weight::Regular)?;
        let baseline = self.y + 5.5;
        self.doc.text(
            &mut self.page,
            MARGIN,
            baseline,
            size,
            Weight::Regular,
            BLACK,
            Align::Left,
            &item,
        )?;
        let unit = self.doc.drawable(unit, Weight::Regular)?;
        self.doc.text(
            &mut self.page,
            MARGIN + 114.0,
            baseline,
            8.5,
            Weight::Regular,
            GREY,
            Align::Left,
            &unit,
        )?;
        let box_w = 30.0;
        self.page.stroke_rect(
            A4.0 - MARGIN - box_w,
            self.y + 0.8,
            box_w,
            height - 1.6,
            0.35,
            BLACK,
        );
        self.y += height;
        Ok(())
    }

    pub fn finish(mut self) -> Result<Vec<u8>> {
        let last = std::mem::replace(&mut self.page, self.doc.page(A4.0, A4.1));
        self.finish_page(last)?;
        Ok(self.doc.finish())
    }
}
