//! The one PDF layer every printed document uses (cards, referral slips, count sheets,
//! reports): pages in millimetres from the top-left corner, the embedded DejaVu fonts
//! (subset on save), text that measures, wraps and aligns, lines, boxes, and Code 128
//! barcodes drawn as filled vector bars with their quiet zones.

pub mod cards;
pub mod flow;
pub mod recovery;
pub mod slip;

use std::sync::OnceLock;

use barcoders::sym::code128::Code128;
use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle,
    PdfPage, PdfSaveOptions, Point, Pt, Rect, Rgb, TextItem,
};

use crate::error::{Error, Result};

/// DejaVu Sans (Bitstream Vera licence, see assets/fonts): Latin, Latin Extended A/B and
/// Additional, Greek, Cyrillic — the names a UK pantry meets.
const REGULAR_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// Shown in place of a character the font cannot draw, so nothing disappears silently.
pub const MISSING_GLYPH: char = '?';

pub const A4: (f32, f32) = (210.0, 297.0);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

/// A font: printpdf embeds it; ttf-parser measures it and says which characters it has.
struct Face {
    parsed: ParsedFont,
    metrics: ttf_parser::Face<'static>,
}

struct Faces {
    regular: Face,
    bold: Face,
}

fn faces() -> Result<&'static Faces> {
    static FACES: OnceLock<Option<Faces>> = OnceLock::new();
    FACES
        .get_or_init(|| {
            let load = |bytes: &'static [u8]| {
                Some(Face {
                    parsed: ParsedFont::from_bytes(bytes, 0, &mut Vec::new())?,
                    metrics: ttf_parser::Face::parse(bytes, 0).ok()?,
                })
            };
            Some(Faces {
                regular: load(REGULAR_TTF)?,
                bold: load(BOLD_TTF)?,
            })
        })
        .as_ref()
        .ok_or_else(|| Error::Conflict("The font built into Pantry could not be read.".into()))
}

impl Face {
    fn has(&self, c: char) -> bool {
        c == ' ' || self.metrics.glyph_index(c).is_some_and(|g| g.0 != 0)
    }

    /// Width of `text` at `size` points, in millimetres.
    fn width_mm(&self, text: &str, size: f32) -> f32 {
        let units: u32 = text
            .chars()
            .map(|c| {
                self.metrics
                    .glyph_index(c)
                    .and_then(|g| self.metrics.glyph_hor_advance(g))
                    .map_or(0, u32::from)
            })
            .sum();
        let em = f32::from(self.metrics.units_per_em().max(1));
        (units as f32 / em) * size * 25.4 / 72.0
    }
}

/// A PDF being built: pages of drawing operations and the fonts they use.
pub struct Document {
    pdf: PdfDocument,
    regular: FontId,
    bold: FontId,
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
        let faces = faces()?;
        let mut pdf = PdfDocument::new(title);
        let regular = pdf.add_font(&faces.regular.parsed);
        let bold = pdf.add_font(&faces.bold.parsed);
        Ok(Document {
            pdf,
            regular,
            bold,
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

    /// The finished PDF, fonts subset to the characters used.
    pub fn finish(mut self) -> Vec<u8> {
        let pages = std::mem::take(&mut self.pages);
        self.pdf
            .with_pages(pages)
            .save(&PdfSaveOptions::default(), &mut Vec::new())
    }

    fn face(weight: Weight) -> Result<&'static Face> {
        let faces = faces()?;
        Ok(match weight {
            Weight::Regular => &faces.regular,
            Weight::Bold => &faces.bold,
        })
    }

    /// `text` with every character the font lacks replaced by [`MISSING_GLYPH`].
    pub fn drawable(&mut self, text: &str, weight: Weight) -> Result<String> {
        let face = Self::face(weight)?;
        Ok(text
            .chars()
            .map(|c| {
                if face.has(c) {
                    c
                } else {
                    if !self.replaced.contains(&c) {
                        self.replaced.push(c);
                    }
                    MISSING_GLYPH
                }
            })
            .collect())
    }

    /// Width of `text` in millimetres.
    pub fn measure(&self, text: &str, size: f32, weight: Weight) -> Result<f32> {
        Ok(Self::face(weight)?.width_mm(text, size))
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
        let text = self.drawable(text, weight)?;
        let width = self.measure(&text, size, weight)?;
        let left = match align {
            Align::Left => x,
            Align::Centre => x - width / 2.0,
            Align::Right => x - width,
        };
        let font = match weight {
            Weight::Regular => self.regular.clone(),
            Weight::Bold => self.bold.clone(),
        };
        page.ops.extend([
            Op::SaveGraphicsState,
            Op::SetFillColor { col: colour.pdf() },
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::External(font),
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: page.point(left, y),
            },
            Op::ShowText {
                items: vec![TextItem::Text(text)],
            },
            Op::EndTextSection,
            Op::RestoreGraphicsState,
        ]);
        Ok(())
    }

    /// The largest size up to `size` at which `text` fits in `width` mm (not below `min`).
    pub fn fit(&self, text: &str, width: f32, size: f32, min: f32, weight: Weight) -> Result<f32> {
        let mut s = size;
        while s > min && self.measure(text, s, weight)? > width {
            s -= 0.25;
        }
        Ok(s)
    }

    /// Splits `text` into lines no wider than `width` mm (long words are broken).
    pub fn wrap(&self, text: &str, width: f32, size: f32, weight: Weight) -> Result<Vec<String>> {
        let mut lines = Vec::new();
        for paragraph in text.lines() {
            let mut line = String::new();
            for word in paragraph.split_whitespace() {
                let candidate = if line.is_empty() {
                    word.to_owned()
                } else {
                    format!("{line} {word}")
                };
                if self.measure(&candidate, size, weight)? <= width {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
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
                line = piece;
            }
            lines.push(line);
        }
        Ok(lines)
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
    fn code128_of_ten_digits_has_the_expected_length() {
        // Start + 5 pairs + check = 7 characters of 11 modules, and a 13-module stop.
        assert_eq!(code128_modules("0000001018").unwrap().len(), 7 * 11 + 13);
        assert!(code128_modules("123").is_err());
    }
}
