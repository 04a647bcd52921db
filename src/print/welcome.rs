//! The welcome and privacy sheet given to a member at registration: A4, the member's
//! language first and English after it (so volunteers can read it too), each part a title,
//! an optional note (e.g. that the translation is not yet checked) and headed sections.

use super::flow::Flow;
use super::{BLACK, GREY};
use crate::error::Result;

/// Everything the sheet shows, as text (the households module fills it in).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WelcomeSheet {
    /// The PDF's title.
    pub title: String,
    /// Printed at the foot of every page, with the page number.
    pub footer: String,
    /// The member's language, then English (one part when that is English).
    pub parts: Vec<WelcomePart>,
}

/// The sheet in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WelcomePart {
    pub title: String,
    /// Small print under the title, a paragraph each.
    pub note: Vec<String>,
    pub sections: Vec<WelcomeSection>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WelcomeSection {
    pub heading: String,
    pub paragraphs: Vec<String>,
}

pub fn welcome_sheet(sheet: &WelcomeSheet) -> Result<Vec<u8>> {
    let mut flow = Flow::new(&sheet.title, &sheet.footer)?;
    for (i, part) in sheet.parts.iter().enumerate() {
        if i > 0 {
            flow.rule()?;
        }
        flow.title(&part.title)?;
        for note in &part.note {
            flow.small_print(note, GREY)?;
        }
        for section in &part.sections {
            if !section.heading.is_empty() {
                flow.heading(&section.heading)?;
            }
            for paragraph in &section.paragraphs {
                flow.paragraph(paragraph, BLACK)?;
            }
        }
    }
    flow.finish()
}
