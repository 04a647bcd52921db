//! The one PDF layer every printed document uses (cards, referral slips, count sheets,
//! reports, welcome sheets, delivery run sheets, packing lists, parcel labels, welfare call
//! sheets): pages in millimetres from the top-left corner, the embedded fonts (DejaVu Sans,
//! and Noto for Bengali, Gurmukhi and Arabic script; each subset on save), text that is
//! shaped (`shaping`), measures, wraps and aligns in either direction, lines, boxes, and
//! Code 128 barcodes drawn as filled vector bars with their quiet zones.

pub mod calls;
pub mod cards;
pub mod flow;
pub mod labels;
pub mod recovery;
pub mod round;
pub mod shaping;
pub mod slip;
pub mod welcome;

use std::collections::BTreeMap;

use barcoders::sym::code128::Code128;
use printpdf::{
    Codepoint, Color, DictItem, FontId, Line, LinePoint, Mm, Op, PaintMode, PdfDocument,
    PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Rect, Rgb, TextItem, TextMatrix,
};

use crate::error::{Error, Result};
use shaping::{Family, ShapedLine};

/// Shown in place of a character no font can draw, so nothing disappears silently.
pub const MISSING_GLYPH: char = '?';

pub const A4: (f32, f32) = (210.0, 297.0);

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Weight {
    Regular,
    Bold,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Centre,
    Right,
}

/// An RGB colour, 0–255 per channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Colour(pub u8, pub u8, pub u8);

pub const BLACK: Colour = Colour(0, 0, 0);
pub const WHITE: Colour = Colour(255, 255, 255);
pub const BRAND: Colour = Colour(0x1f, 0x6f, 0x50);
pub const GREY: Colour = Colour(0x55, 0x5f, 0x5a);

impl Colour {
    fn pdf(self) -> Color {
        Color::Rgb(Rgb {
            r: f32::from(self.0) / 255.0,
            g: f32::from(self.1) / 255.0,
            b: f32::from(self.2) / 255.0,
            icc_profile: None,
        })
    }
}

/// A PDF being built: pages of drawing operations and the fonts they use.
pub struct Document {
    pdf: PdfDocument,
    /// Fonts added to the PDF so far (each the first time a page uses it).
    fonts: BTreeMap<(Family, Weight), FontId>,
    pages: Vec<PdfPage>,
    /// Characters that had to be replaced, for the caller to tell the user.
    replaced: Vec<char>,
}

impl std::fmt::Debug for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Document")
            .field("pages", &self.pages.len())
            .finish()
    }
}

/// One page being drawn: millimetres, origin at the top-left corner.
#[derive(Debug)]
pub struct Page {
    width: f32,
    height: f32,
    ops: Vec<Op>,
}

impl Document {
    pub fn new(title: &str) -> Result<Document> {
        Ok(Document {
            pdf: PdfDocument::new(title),
            fonts: BTreeMap::new(),
            pages: Vec::new(),
            replaced: Vec::new(),
        })
    }

    pub fn page(&self, width_mm: f32, height_mm: f32) -> Page {
        Page {
            width: width_mm,
            height: height_mm,
            ops: Vec::new(),
        }
    }

    pub fn add(&mut self, page: Page) {
        self.pages
            .push(PdfPage::new(Mm(page.width), Mm(page.height), page.ops));
    }

    /// Characters no font could draw (shown as `?`), without repeats.
    pub fn replaced_characters(&self) -> &[char] {
        &self.replaced
    }

    /// The finished PDF, fonts subset to the glyphs used.
    pub fn finish(mut self) -> Vec<u8> {
        let pages = std::mem::take(&mut self.pages);
        self.pdf
            .with_pages(pages)
            .save(&PdfSaveOptions::default(), &mut Vec::new())
    }

    fn font_id(&mut self, family: Family, weight: Weight) -> Result<FontId> {
        if let Some(id) = self.fonts.get(&(family, weight)) {
            return Ok(id.clone());
        }
        let id = self.pdf.add_font(&shaping::font(family, weight)?.parsed);
        self.fonts.insert((family, weight), id.clone());
        Ok(id)
    }

    fn note_missing(&mut self, missing: &[char]) {
        for c in missing {
            if !self.replaced.contains(c) {
                self.replaced.push(*c);
            }
        }
    }

    /// `text` with every character no font has replaced by [`MISSING_GLYPH`].
    pub fn drawable(&mut self, text: &str, weight: Weight) -> Result<String> {
        let mut shown = String::with_capacity(text.len());
        for c in text.chars() {
            if shaping::drawable(c, weight)? {
                shown.push(c);
            } else {
                self.note_missing(&[c]);
                shown.push(MISSING_GLYPH);
            }
        }
        Ok(shown)
    }

    /// Width of `text` in millimetres.
    pub fn measure(&self, text: &str, size: f32, weight: Weight) -> Result<f32> {
        shaping::width(text, size, weight)
    }

    /// Writes one line of text with its baseline at `y`, aligned on `x`.
    #[allow(clippy::too_many_arguments)]
    pub fn text(
        &mut self,
        page: &mut Page,
        x: f32,
        y: f32,
        size: f32,
        weight: Weight,
        colour: Colour,
        align: Align,
        text: &str,
    ) -> Result<()> {
        self.text_as(page, x, y, size, weight, colour, align, text, None)
    }

    /// [`Document::text`] for a line of a paragraph whose base direction is known.
    #[allow(clippy::too_many_arguments)]
    pub fn text_as(
        &mut self,
        page: &mut Page,
        x: f32,
        y: f32,
        size: f32,
        weight: Weight,
        colour: Colour,
        align: Align,
        text: &str,
        right_to_left: Option<bool>,
    ) -> Result<()> {
        let line = shaping::shape_line_as(text, size, weight, right_to_left)?;
        self.note_missing(&line.missing);
        let left = match align {
            Align::Left => x,
            Align::Centre => x - line.width / 2.0,
            Align::Right => x - line.width,
        };
        self.place(page, &line, left, y, size, weight, colour)
    }

    /// Puts a shaped line's glyphs on the page, each at its own position, with the text
    /// they stand for: per glyph in the font's ToUnicode map, and for a run of a complex
    /// script as the run's /ActualText too (its glyphs are reordered and combined, so only
    /// the whole run reads back as the text it was).
    #[allow(clippy::too_many_arguments)]
    fn place(
        &mut self,
        page: &mut Page,
        line: &ShapedLine,
        left: f32,
        y: f32,
        size: f32,
        weight: Weight,
        colour: Colour,
    ) -> Result<()> {
        page.ops.extend([
            Op::SaveGraphicsState,
            Op::SetFillColor { col: colour.pdf() },
            Op::StartTextSection,
        ]);
        for run in &line.runs {
            let font = self.font_id(run.family, weight)?;
            page.ops.push(Op::SetFont {
                font: PdfFontHandle::External(font),
                size: Pt(size),
            });
            let complex = run.family != Family::Latin;
            if complex {
                // Readers spread a span's text over its glyphs from left to right, then
                // read a right-to-left line from the right: so such a run's text is given
                // in the order it is seen, and reads back in the order it is written.
                let text: String = if run.right_to_left {
                    run.text.chars().rev().collect()
                } else {
                    run.text.clone()
                };
                page.ops.push(actual_text(&text));
            }
            for glyph in &run.glyphs {
                let at = page.point(left + glyph.x, y);
                page.ops.extend([
                    Op::SetTextMatrix {
                        matrix: TextMatrix::Translate(
                            at.x,
                            Pt(at.y.0 + Mm(glyph.rise).into_pt().0),
                        ),
                    },
                    Op::ShowText {
                        items: vec![TextItem::GlyphIds(vec![Codepoint {
                            gid: glyph.gid,
                            offset: 0.0,
                            cid: (!glyph.chars.is_empty()).then(|| glyph.chars.clone()),
                        }])],
                    },
                ]);
            }
            if complex {
                page.ops.push(Op::EndMarkedContent);
            }
        }
        page.ops
            .extend([Op::EndTextSection, Op::RestoreGraphicsState]);
        Ok(())
    }

    /// The largest size up to `size` at which `text` fits in `width` mm (not below `min`).
    pub fn fit(&self, text: &str, width: f32, size: f32, min: f32, weight: Weight) -> Result<f32> {
        // Shaped width grows in proportion to the size.
        let at_size = self.measure(text, size, weight)?;
        let mut s = size;
        while s > min && at_size * s / size > width {
            s -= 0.25;
        }
        Ok(s)
    }

    /// Splits `text` into lines no wider than `width` mm (long words are broken). Words
    /// are measured once each; a line is as wide as its words and the spaces between.
    pub fn wrap(&self, text: &str, width: f32, size: f32, weight: Weight) -> Result<Vec<String>> {
        let space = self.measure(" ", size, weight)?;
        let mut lines = Vec::new();
        for paragraph in text.lines() {
            let mut line = String::new();
            let mut line_width = 0.0;
            for word in paragraph.split_whitespace() {
                let word_width = self.measure(word, size, weight)?;
                let candidate = if line.is_empty() {
                    word_width
                } else {
                    line_width + space + word_width
                };
                if candidate <= width {
                    if !line.is_empty() {
                        line.push(' ');
                    }
                    line.push_str(word);
                    line_width = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                if word_width <= width {
                    line.push_str(word);
                    line_width = word_width;
                    continue;
                }
                let mut piece = String::new();
                for c in word.chars() {
                    piece.push(c);
                    if self.measure(&piece, size, weight)? > width && piece.chars().count() > 1 {
                        piece.pop();
                        lines.push(std::mem::take(&mut piece));
                        piece.push(c);
                    }
                }
                line_width = self.measure(&piece, size, weight)?;
                line = piece;
            }
            lines.push(line);
        }
        Ok(lines)
    }

    /// [`Document::wrap`], keeping at most `max` lines: the last one kept ends with `…`
    /// when text was left out, so a cut is seen.
    pub fn wrap_at_most(
        &self,
        text: &str,
        width: f32,
        size: f32,
        weight: Weight,
        max: usize,
    ) -> Result<Vec<String>> {
        let mut lines = self.wrap(text, width, size, weight)?;
        if lines.len() > max {
            lines.truncate(max);
            if let Some(last) = lines.last_mut() {
                loop {
                    let cut = format!("{}…", last.trim_end());
                    if last.is_empty() || self.measure(&cut, size, weight)? <= width {
                        *last = cut;
                        break;
                    }
                    last.pop();
                }
            }
        }
        Ok(lines)
    }

    /// Boxes to tick, each a square and its label, in a row from (x, y) that goes on in
    /// more rows when `width` mm is full; drawn when a page is given. Returns the height
    /// they take, from `y` to the bottom of the last row of boxes.
    #[allow(clippy::too_many_arguments)]
    pub fn tick_boxes(
        &mut self,
        mut page: Option<&mut Page>,
        x: f32,
        y: f32,
        width: f32,
        size: f32,
        labels: &[&str],
    ) -> Result<f32> {
        let side = size * 0.42;
        let row = side + 2.5;
        let (mut cx, mut cy) = (x, y);
        for label in labels {
            let w = side + 1.5 + self.measure(label, size, Weight::Regular)?;
            if cx > x && cx + w > x + width {
                cx = x;
                cy += row;
            }
            if let Some(page) = page.as_deref_mut() {
                page.stroke_rect(cx, cy, side, side, 0.7, BLACK);
                self.text(
                    page,
                    cx + side + 1.5,
                    cy + side / 2.0 + size * 0.13,
                    size,
                    Weight::Regular,
                    BLACK,
                    Align::Left,
                    label,
                )?;
            }
            cx += w + 5.0;
        }
        Ok(cy - y + side)
    }
}

/// `BDC /Span << /ActualText (…) >>`: text extraction reads `text` for what follows, up to
/// the matching `EMC`.
fn actual_text(text: &str) -> Op {
    let mut data = vec![0xFE, 0xFF];
    for unit in text.encode_utf16() {
        data.extend(unit.to_be_bytes());
    }
    Op::BeginMarkedContentWithProperties {
        tag: "Span".into(),
        properties: DictItem::Dict {
            map: BTreeMap::from([(
                "ActualText".to_owned(),
                DictItem::String {
                    data,
                    literal: false,
                },
            )]),
        },
    }
}

impl Page {
    fn point(&self, x_mm: f32, y_mm: f32) -> Point {
        Point {
            x: Mm(x_mm).into_pt(),
            y: Mm(self.height - y_mm).into_pt(),
        }
    }

    /// A filled box; (x, y) is its top-left corner.
    pub fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, colour: Colour) {
        let bottom_left = self.point(x, y + h);
        self.ops.extend([
            Op::SaveGraphicsState,
            Op::SetFillColor { col: colour.pdf() },
            Op::DrawRectangle {
                rectangle: Rect {
                    x: bottom_left.x,
                    y: bottom_left.y,
                    width: Mm(w).into_pt(),
                    height: Mm(h).into_pt(),
                    mode: Some(PaintMode::Fill),
                    winding_order: None,
                },
            },
            Op::RestoreGraphicsState,
        ]);
    }

    /// A straight line of `thickness` points.
    pub fn line(&mut self, from: (f32, f32), to: (f32, f32), thickness: f32, colour: Colour) {
        let points = vec![
            LinePoint {
                p: self.point(from.0, from.1),
                bezier: false,
            },
            LinePoint {
                p: self.point(to.0, to.1),
                bezier: false,
            },
        ];
        self.ops.extend([
            Op::SaveGraphicsState,
            Op::SetOutlineColor { col: colour.pdf() },
            Op::SetOutlineThickness { pt: Pt(thickness) },
            Op::DrawLine {
                line: Line {
                    points,
                    is_closed: false,
                },
            },
            Op::RestoreGraphicsState,
        ]);
    }

    /// An outlined box; (x, y) is its top-left corner.
    pub fn stroke_rect(&mut self, x: f32, y: f32, w: f32, h: f32, thickness: f32, colour: Colour) {
        let corners = [(x, y), (x + w, y), (x + w, y + h), (x, y + h), (x, y)];
        for pair in corners.windows(2) {
            self.line(pair[0], pair[1], thickness, colour);
        }
    }

    /// A Code 128 barcode of `digits` (character set C), bars `height` mm tall, its
    /// leftmost bar at `x`. Returns the barcode's width in mm, quiet zones excluded.
    /// Leave `QUIET_ZONE_MODULES` × `module` mm clear on both sides.
    pub fn barcode(
        &mut self,
        digits: &str,
        x: f32,
        y: f32,
        module: f32,
        height: f32,
    ) -> Result<f32> {
        let modules = code128_modules(digits)?;
        let mut i = 0;
        while i < modules.len() {
            if modules[i] == 1 {
                let start = i;
                while i < modules.len() && modules[i] == 1 {
                    i += 1;
                }
                self.fill_rect(
                    x + start as f32 * module,
                    y,
                    (i - start) as f32 * module,
                    height,
                    BLACK,
                );
            } else {
                i += 1;
            }
        }
        Ok(modules.len() as f32 * module)
    }
}

/// Clear space on each side of a barcode, in modules (the standard asks for 10).
pub const QUIET_ZONE_MODULES: f32 = 10.0;

/// The bars and spaces (1 = bar) of a Code 128 symbol for an even-length digit string,
/// in character set C (two digits per symbol character).
pub fn code128_modules(digits: &str) -> Result<Vec<u8>> {
    if digits.is_empty()
        || !digits.len().is_multiple_of(2)
        || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(Error::invalid(
            "barcode",
            "A barcode needs an even number of digits.",
        ));
    }
    let symbol = Code128::new(format!("Ć{digits}"))
        .map_err(|e| Error::invalid("barcode", format!("The barcode could not be made: {e}")))?;
    Ok(symbol.encode())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_characters_are_replaced_visibly_and_reported() {
        let mut doc = Document::new("t").unwrap();
        let shown = doc.drawable("Łucja 山田", Weight::Regular).unwrap();
        assert_eq!(shown, "Łucja ??");
        assert_eq!(doc.replaced_characters(), ['山', '田']);
    }

    #[test]
    fn wrapping_keeps_lines_within_the_width() {
        let doc = Document::new("t").unwrap();
        let lines = doc
            .wrap(
                "Money and debt advice at the community centre on Tuesdays",
                40.0,
                10.0,
                Weight::Regular,
            )
            .unwrap();
        assert!(lines.len() > 1);
        for line in &lines {
            assert!(
                doc.measure(line, 10.0, Weight::Regular).unwrap() <= 40.0,
                "{line}"
            );
        }
    }

    #[test]
    fn wrapping_at_most_some_lines_shows_the_cut() {
        let doc = Document::new("t").unwrap();
        let text = "Side door by the bins, ring twice and wait: the bell is slow to answer";
        let all = doc.wrap(text, 40.0, 10.0, Weight::Regular).unwrap();
        let two = doc
            .wrap_at_most(text, 40.0, 10.0, Weight::Regular, 2)
            .unwrap();
        assert!(all.len() > 2);
        assert_eq!(two.len(), 2);
        assert_eq!(two[0], all[0]);
        assert!(two[1].ends_with('…'), "{two:?}");
        assert!(doc.measure(&two[1], 10.0, Weight::Regular).unwrap() <= 40.0);
        let short = doc
            .wrap_at_most("Ring twice", 40.0, 10.0, Weight::Regular, 2)
            .unwrap();
        assert_eq!(short, ["Ring twice"]);
    }

    #[test]
    fn tick_boxes_go_on_in_another_row_when_the_width_is_full() {
        let mut doc = Document::new("t").unwrap();
        let labels = ["Delivered", "Not in", "Refused"];
        let one_row = doc
            .tick_boxes(None, 0.0, 0.0, 170.0, 10.0, &labels)
            .unwrap();
        let stacked = doc.tick_boxes(None, 0.0, 0.0, 30.0, 10.0, &labels).unwrap();
        assert!((one_row - 4.2).abs() < 0.01, "{one_row}");
        assert!(
            (stacked - (3.0 * 4.2 + 2.0 * 2.5)).abs() < 0.01,
            "{stacked}"
        );
    }

    #[test]
    fn code128_of_ten_digits_has_the_expected_length() {
        // Start + 5 pairs + check = 7 characters of 11 modules, and a 13-module stop.
        assert_eq!(code128_modules("0000001018").unwrap().len(), 7 * 11 + 13);
        assert!(code128_modules("123").is_err());
    }
}
