//! Text to positioned glyphs. Each character is given a font by its script (DejaVu Sans
//! for Latin, Greek and Cyrillic; Noto for Bengali, Gurmukhi and Arabic script), a line is
//! put in display order by the Unicode bidirectional algorithm (so Arabic, Urdu and Farsi
//! run right to left while numbers and English words inside them still read left to
//! right), and each run is shaped by rustybuzz, HarfBuzz's algorithm in Rust: conjuncts,
//! vowel signs and joined letters come out as the font's designer intended.

use std::sync::OnceLock;

use printpdf::ParsedFont;
use rustybuzz::{Direction, UnicodeBuffer};
use unicode_bidi::{Level, ParagraphBidiInfo};

use super::{Weight, MISSING_GLYPH};
use crate::error::{Error, Result};

/// A font family Pantry ships, each in a regular and a bold weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// DejaVu Sans (Bitstream Vera licence): Latin, Latin Extended, Greek, Cyrillic.
    Latin,
    /// Noto Sans Bengali (OFL).
    Bengali,
    /// Noto Sans Gurmukhi (OFL), for Punjabi.
    Gurmukhi,
    /// Noto Naskh Arabic (OFL), for Arabic, Urdu and Farsi.
    Arabic,
}

impl Family {
    pub const ALL: [Family; 4] = [
        Family::Latin,
        Family::Bengali,
        Family::Gurmukhi,
        Family::Arabic,
    ];

    /// The family a character's own script needs, for the scripts DejaVu cannot shape.
    fn of_script(c: char) -> Option<Family> {
        match u32::from(c) {
            0x0980..=0x09FF => Some(Family::Bengali),
            0x0A00..=0x0A7F => Some(Family::Gurmukhi),
            0x0600..=0x06FF
            | 0x0750..=0x077F
            | 0x08A0..=0x08FF
            | 0xFB50..=0xFDFF
            | 0xFE70..=0xFEFF => Some(Family::Arabic),
            _ => None,
        }
    }

    fn bytes(self, weight: Weight) -> &'static [u8] {
        match (self, weight) {
            (Family::Latin, Weight::Regular) => {
                include_bytes!("../../assets/fonts/DejaVuSans.ttf")
            }
            (Family::Latin, Weight::Bold) => {
                include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf")
            }
            (Family::Bengali, Weight::Regular) => {
                include_bytes!("../../assets/fonts/NotoSansBengali-Regular.ttf")
            }
            (Family::Bengali, Weight::Bold) => {
                include_bytes!("../../assets/fonts/NotoSansBengali-Bold.ttf")
            }
            (Family::Gurmukhi, Weight::Regular) => {
                include_bytes!("../../assets/fonts/NotoSansGurmukhi-Regular.ttf")
            }
            (Family::Gurmukhi, Weight::Bold) => {
                include_bytes!("../../assets/fonts/NotoSansGurmukhi-Bold.ttf")
            }
            (Family::Arabic, Weight::Regular) => {
                include_bytes!("../../assets/fonts/NotoNaskhArabic-Regular.ttf")
            }
            (Family::Arabic, Weight::Bold) => {
                include_bytes!("../../assets/fonts/NotoNaskhArabic-Bold.ttf")
            }
        }
    }

    fn index(self, weight: Weight) -> usize {
        let family = Family::ALL.iter().position(|f| *f == self).unwrap_or(0);
        family * 2 + usize::from(weight == Weight::Bold)
    }
}

/// One shipped font: printpdf embeds (and subsets) it; rustybuzz shapes with it.
pub(super) struct Font {
    pub(super) parsed: ParsedFont,
    pub(super) face: rustybuzz::Face<'static>,
}

impl Font {
    fn has(&self, c: char) -> bool {
        c == ' ' || self.face.glyph_index(c).is_some_and(|g| g.0 != 0)
    }

    fn mm_per_unit(&self, size: f32) -> f32 {
        size * 25.4 / 72.0 / self.face.units_per_em().max(1) as f32
    }
}

/// The font of `family` in `weight`, read once (only the families a document uses).
pub(super) fn font(family: Family, weight: Weight) -> Result<&'static Font> {
    static FONTS: [OnceLock<Option<Font>>; 8] = [const { OnceLock::new() }; 8];
    FONTS[family.index(weight)]
        .get_or_init(|| {
            let bytes = family.bytes(weight);
            Some(Font {
                parsed: ParsedFont::from_bytes(bytes, 0, &mut Vec::new())?,
                face: rustybuzz::Face::from_slice(bytes, 0)?,
            })
        })
        .as_ref()
        .ok_or_else(|| Error::Conflict("A font built into Pantry could not be read.".into()))
}

/// The invisible marks that steer the bidirectional algorithm (isolates around a filled-in
/// value such as "£3.50", embeddings, LRM/RLM): they order the text, and are not drawn.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The family that draws `c`, after a character drawn in `previous`: its script's font,
/// else (for spaces, punctuation, digits and joiners) the font of the text around it,
/// else DejaVu, else any shipped font that has it; `None` if none does.
fn family_for(c: char, previous: Option<Family>, weight: Weight) -> Result<Option<Family>> {
    if is_bidi_control(c) {
        return Ok(Some(previous.unwrap_or(Family::Latin)));
    }
    if let Some(family) = Family::of_script(c) {
        return Ok(Some(family));
    }
    if !c.is_alphabetic() {
        if let Some(p) = previous {
            if font(p, weight)?.has(c) {
                return Ok(Some(p));
            }
        }
    }
    for family in Family::ALL {
        if font(family, weight)?.has(c) {
            return Ok(Some(family));
        }
    }
    Ok(None)
}

/// Whether some shipped font draws `c`.
pub(super) fn drawable(c: char, weight: Weight) -> Result<bool> {
    Ok(family_for(c, None, weight)?.is_some())
}

/// A glyph placed on a line.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedGlyph {
    pub family: Family,
    /// The glyph's id in the shipped font (before subsetting).
    pub gid: u16,
    /// Millimetres from the line's left end to the glyph's origin.
    pub x: f32,
    /// Millimetres above the baseline.
    pub rise: f32,
    /// The characters of its cluster, on the cluster's first glyph (empty on the others).
    pub chars: String,
}

/// A stretch of one font, in display order, with the text it shows (logical order).
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub family: Family,
    pub text: String,
    pub right_to_left: bool,
    pub glyphs: Vec<PlacedGlyph>,
}

/// One line of text, shaped and in display order from left to right.
#[derive(Debug, Clone, PartialEq)]
pub struct ShapedLine {
    pub runs: Vec<Run>,
    /// Millimetres.
    pub width: f32,
    /// The line's base direction is right to left (its first strong letter is).
    pub right_to_left: bool,
    /// Characters no shipped font draws (drawn as [`MISSING_GLYPH`]).
    pub missing: Vec<char>,
}

impl ShapedLine {
    /// Every glyph, left to right.
    pub fn glyphs(&self) -> impl Iterator<Item = &PlacedGlyph> {
        self.runs.iter().flat_map(|r| r.glyphs.iter())
    }
}

/// Whether `text`'s base direction is right to left.
pub fn is_right_to_left(text: &str) -> bool {
    !ParagraphBidiInfo::new(text, None).paragraph_level.is_ltr()
}

/// Shapes one line of `text` (no line breaks) at `size` points, its direction taken from
/// its first strong letter.
pub fn shape_line(text: &str, size: f32, weight: Weight) -> Result<ShapedLine> {
    shape_line_as(text, size, weight, None)
}

/// Shapes one line of `text`; `right_to_left` gives the base direction of the paragraph
/// it belongs to (a line of an Urdu paragraph may start with a number).
pub fn shape_line_as(
    text: &str,
    size: f32,
    weight: Weight,
    right_to_left: Option<bool>,
) -> Result<ShapedLine> {
    let mut missing = Vec::new();
    let text: String = text
        .chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' => Ok(' '),
            c if drawable(c, weight)? => Ok(c),
            c => {
                if !missing.contains(&c) {
                    missing.push(c);
                }
                Ok(MISSING_GLYPH)
            }
        })
        .collect::<Result<_>>()?;
    if text.is_empty() {
        // The bidirectional algorithm has no runs to give for an empty line.
        return Ok(ShapedLine {
            runs: Vec::new(),
            width: 0.0,
            right_to_left: right_to_left.unwrap_or(false),
            missing,
        });
    }
    let base = right_to_left.map(|rtl| if rtl { Level::rtl() } else { Level::ltr() });
    let bidi = ParagraphBidiInfo::new(&text, base);
    let (levels, level_runs) = bidi.visual_runs(0..text.len());
    let mut runs = Vec::new();
    let mut pen = 0.0;
    for range in level_runs {
        let right_to_left = levels[range.start].is_rtl();
        let mut pieces = font_pieces(&text[range], weight)?;
        if right_to_left {
            pieces.reverse();
        }
        for (family, piece) in pieces {
            let shown: String = piece.chars().filter(|c| !is_bidi_control(*c)).collect();
            if !shown.is_empty() {
                runs.push(shape_run(
                    family,
                    weight,
                    &shown,
                    right_to_left,
                    size,
                    &mut pen,
                )?);
            }
        }
    }
    Ok(ShapedLine {
        runs,
        width: pen,
        right_to_left: !bidi.paragraph_level.is_ltr(),
        missing,
    })
}

/// Splits text of one direction into stretches of one font, in logical order. Spaces and
/// punctuation take the font of the text before them, or at the start the text after them.
fn font_pieces(text: &str, weight: Weight) -> Result<Vec<(Family, &str)>> {
    let mut families = Vec::with_capacity(text.len());
    let mut previous = None;
    for (i, c) in text.char_indices() {
        let family = family_for(c, previous, weight)?.unwrap_or(Family::Latin);
        families.push((i, c, family));
        previous = Some(family);
    }
    if let Some(first) = families
        .iter()
        .find(|(_, c, _)| c.is_alphabetic() || Family::of_script(*c).is_some())
        .map(|(_, _, f)| *f)
    {
        for (_, c, family) in families.iter_mut() {
            if c.is_alphabetic() || Family::of_script(*c).is_some() {
                break;
            }
            if font(first, weight)?.has(*c) {
                *family = first;
            }
        }
    }
    let mut pieces: Vec<(Family, &str)> = Vec::new();
    let mut start = 0;
    for pair in families.windows(2) {
        if pair[0].2 != pair[1].2 {
            pieces.push((pair[0].2, &text[start..pair[1].0]));
            start = pair[1].0;
        }
    }
    if let Some((_, _, family)) = families.last() {
        pieces.push((*family, &text[start..]));
    }
    Ok(pieces)
}

fn shape_run(
    family: Family,
    weight: Weight,
    text: &str,
    right_to_left: bool,
    size: f32,
    pen: &mut f32,
) -> Result<Run> {
    let font = font(family, weight)?;
    let scale = font.mm_per_unit(size);
    let mut buffer = UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.set_direction(if right_to_left {
        Direction::RightToLeft
    } else {
        Direction::LeftToRight
    });
    buffer.guess_segment_properties();
    let shaped = rustybuzz::shape(&font.face, &[], buffer);
    let infos = shaped.glyph_infos();
    // Cluster starts (byte offsets into `text`), to find where each cluster ends.
    let mut starts: Vec<usize> = infos.iter().map(|i| i.cluster as usize).collect();
    starts.sort_unstable();
    starts.dedup();
    let mut seen = Vec::with_capacity(starts.len());
    let glyphs = infos
        .iter()
        .zip(shaped.glyph_positions())
        .map(|(info, pos)| {
            let start = info.cluster as usize;
            let chars = if seen.contains(&start) {
                String::new()
            } else {
                seen.push(start);
                let end = starts
                    .iter()
                    .find(|s| **s > start)
                    .copied()
                    .unwrap_or(text.len());
                text.get(start..end).unwrap_or_default().to_owned()
            };
            let glyph = PlacedGlyph {
                family,
                gid: u16::try_from(info.glyph_id).unwrap_or(0),
                x: *pen + pos.x_offset as f32 * scale,
                rise: pos.y_offset as f32 * scale,
                chars,
            };
            *pen += pos.x_advance as f32 * scale;
            glyph
        })
        .collect();
    Ok(Run {
        family,
        text: text.to_owned(),
        right_to_left,
        glyphs,
    })
}

/// The width of `text` at `size` points, in millimetres.
pub fn width(text: &str, size: f32, weight: Weight) -> Result<f32> {
    Ok(shape_line(text, size, weight)?.width)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_line_is_nothing_to_draw() {
        let line = shape_line("", 10.0, Weight::Bold).unwrap();
        assert!(line.runs.is_empty());
        assert_eq!(width("", 10.0, Weight::Regular).unwrap(), 0.0);
    }

    #[test]
    fn each_script_gets_its_own_font() {
        let line = shape_line("Hello বাংলা ਪੰਜਾਬੀ", 10.0, Weight::Regular).unwrap();
        let families: Vec<Family> = line.runs.iter().map(|r| r.family).collect();
        assert_eq!(families, [Family::Latin, Family::Bengali, Family::Gurmukhi]);
        assert!(line.missing.is_empty());
        assert!(line.glyphs().all(|g| g.gid != 0));
    }

    #[test]
    fn arabic_reads_right_to_left_with_numbers_left_to_right() {
        // "Fee 3.50 a week": the number stays 3.50 and sits left of the words before it.
        let line = shape_line("الرسوم 3.50 أسبوعيا", 10.0, Weight::Regular).unwrap();
        assert!(line.right_to_left);
        let texts: Vec<&str> = line.runs.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(texts, [" أسبوعيا", "3.50", "الرسوم "]);
        assert!(!line.runs[1].right_to_left);
    }

    #[test]
    fn an_english_word_inside_urdu_keeps_its_order() {
        let line = shape_line("پینٹری Pantry میں", 10.0, Weight::Regular).unwrap();
        let texts: Vec<&str> = line.runs.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(texts, [" میں", "Pantry", "پینٹری "]);
        assert_eq!(line.runs[1].family, Family::Latin);
    }

    #[test]
    fn an_isolated_amount_keeps_its_currency_sign_before_it_in_urdu() {
        // Without the isolation marks, the bidi rules set "£3.50" as "3.50£" after Arabic
        // letters; with them (as Fluent fills values in) it stays "£3.50".
        let line = shape_line(
            "فیس ہر ہفتے \u{2068}£3.50\u{2069} ہے۔",
            10.0,
            Weight::Regular,
        )
        .unwrap();
        let texts: Vec<&str> = line.runs.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(texts, [" ہے۔", "£3.50", "فیس ہر ہفتے "]);
        assert!(line.missing.is_empty());
    }

    #[test]
    fn characters_no_font_has_are_reported() {
        let line = shape_line("Łucja 山田", 10.0, Weight::Regular).unwrap();
        assert_eq!(line.missing, ['山', '田']);
    }
}
