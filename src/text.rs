//! Folding text for search and matching: lower case, accents removed, spaces collapsed,
//! so "Zoë" finds "Zoe" and "Łucja" finds "Lucja". And keeping control characters out:
//! refused where text comes in, made visible where text goes to a terminal.

/// Characters no typed name or note needs, that can hide text or drive a terminal or a
/// document: C0 and C1 controls (NUL, escape…), DEL, and the bidirectional overrides and
/// isolates that reorder what is shown. Tab and line breaks are allowed only where
/// `multiline` says so.
fn is_forbidden(c: char, multiline: bool) -> bool {
    match c {
        '\n' | '\r' | '\t' => !multiline,
        // Bidirectional embeddings, overrides, isolates and marks; zero-width and invisible
        // characters (but not the joiners U+200C/U+200D that some scripts need); line and
        // paragraph separators; the soft hyphen; the byte-order mark; tag characters.
        '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{200E}'
        | '\u{200F}'
        | '\u{061C}'
        | '\u{200B}'
        | '\u{2028}'
        | '\u{2029}'
        | '\u{2060}'..='\u{2064}'
        | '\u{00AD}'
        | '\u{FEFF}'
        | '\u{E0000}'..='\u{E007F}' => true,
        c => c.is_control(),
    }
}

/// The first forbidden character in `text`: its 1-based position (in characters) and a
/// plain description of it.
pub fn forbidden_character(text: &str, multiline: bool) -> Option<(usize, String)> {
    text.chars()
        .enumerate()
        .find(|(_, c)| is_forbidden(*c, multiline))
        .map(|(i, c)| {
            let what = match c {
                '\0' => "a NUL character".to_owned(),
                '\u{1b}' => "an escape character".to_owned(),
                '\n' | '\r' => "a line break".to_owned(),
                '\t' => "a tab".to_owned(),
                c => format!("the invisible control character U+{:04X}", u32::from(c)),
            };
            (i + 1, what)
        })
}

/// Adds a field error when `text` holds a forbidden character (see `is_forbidden`).
pub fn check_plain(
    errors: &mut Vec<crate::error::FieldError>,
    field: &str,
    text: &str,
    multiline: bool,
) {
    if let Some((at, what)) = forbidden_character(text, multiline) {
        errors.push(crate::error::FieldError::new(
            field,
            format!("This has {what} at character {at}; remove it (it may have come from copying and pasting)."),
        ));
    }
}

/// Fields of the wire forms typed in a box of several lines (they may hold line breaks).
const MULTILINE_FIELDS: &[&str] = &[
    "address",
    "districts",
    "dietaryNotes",
    "neighbourhoods",
    "note",
    "notes",
    "reasonDetail",
];

/// A field error for every text field of a form (any `Serialize` wire form: fields are
/// named as the UI knows them, `members.0.firstName` inside lists) that holds a forbidden
/// character. Only the fields in `MULTILINE_FIELDS` may hold tabs and line breaks.
pub fn control_errors<T: serde::Serialize>(form: &T) -> Vec<crate::error::FieldError> {
    let multiline = MULTILINE_FIELDS;
    fn walk(
        value: &serde_json::Value,
        path: &str,
        multiline: &[&str],
        errors: &mut Vec<crate::error::FieldError>,
    ) {
        match value {
            serde_json::Value::String(text) => {
                let leaf = path.rsplit('.').next().unwrap_or(path);
                check_plain(errors, path, text, multiline.contains(&leaf));
            }
            serde_json::Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, &format!("{path}.{i}"), multiline, errors);
                }
            }
            serde_json::Value::Object(fields) => {
                for (name, item) in fields {
                    let inner = if path.is_empty() {
                        name.clone()
                    } else {
                        format!("{path}.{name}")
                    };
                    walk(item, &inner, multiline, errors);
                }
            }
            _ => {}
        }
    }
    let mut errors = Vec::new();
    if let Ok(value) = serde_json::to_value(form) {
        walk(&value, "", multiline, &mut errors);
    }
    errors
}

/// Refuses a form (nothing is saved) when any text field holds a forbidden character.
pub fn refuse_control<T: serde::Serialize>(form: &T) -> crate::Result<()> {
    let errors = control_errors(form);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(crate::Error::Validation(errors))
    }
}

/// Refuses one typed value (a reason, a note) holding a forbidden character.
pub fn refuse_control_in(field: &str, text: &str, multiline: bool) -> crate::Result<()> {
    let mut errors = Vec::new();
    check_plain(&mut errors, field, text, multiline);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(crate::Error::Validation(errors))
    }
}

/// `text` fit for a terminal: every control character shown as an escape (`\u{1b}`), so
/// nothing stored can move the cursor, recolour or rewrite the volunteer's screen.
pub fn shown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_forbidden(c, false) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// The folded form used for search keys.
pub fn fold(text: &str) -> String {
    let ascii = deunicode::deunicode(text);
    let mut out = String::with_capacity(ascii.len());
    for word in ascii.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().map(|c| c.to_ascii_lowercase()));
    }
    out
}

/// Only the digits of `text`, with a leading UK +44 turned into 0 (for phone matching).
pub fn phone_digits(text: &str) -> String {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    match digits.strip_prefix("44") {
        Some(rest) if text.trim_start().starts_with('+') => format!("0{rest}"),
        _ => digits,
    }
}

/// The last word of a folded name (the surname, for duplicate checks).
pub fn surname_key(folded: &str) -> &str {
    folded.rsplit(' ').next().unwrap_or(folded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_case_and_spaces() {
        assert_eq!(fold("Zoë  Öztürk"), "zoe ozturk");
        assert_eq!(fold("Łucja Nowak-Wiśniewska"), "lucja nowak-wisniewska");
        assert_eq!(fold("Nguyễn Thị"), "nguyen thi");
        assert_eq!(fold(" Ștefan "), "stefan");
    }

    #[test]
    fn control_characters_are_found_and_shown_harmlessly() {
        assert_eq!(forbidden_character("Zoë Öztürk", false), None);
        assert_eq!(
            forbidden_character("Zo\u{1b}[31m", false),
            Some((3, "an escape character".into()))
        );
        assert_eq!(forbidden_character("line one\nline two", true), None);
        assert!(forbidden_character("line one\nline two", false).is_some());
        assert!(forbidden_character("abc\u{202E}fdp.exe", true).is_some());
        assert!(forbidden_character("nul\0", true).is_some());
        for hidden in [
            '\u{200B}',
            '\u{200E}',
            '\u{061C}',
            '\u{FEFF}',
            '\u{2028}',
            '\u{00AD}',
            '\u{E0041}',
        ] {
            assert!(
                forbidden_character(&format!("Ann{hidden}a"), true).is_some(),
                "{hidden:?}"
            );
        }
        // Joiners are part of writing Persian, Bengali and other scripts.
        assert_eq!(forbidden_character("می\u{200C}خواهم", false), None);
        assert_eq!(shown("a\u{1b}[2Jb\u{0}"), "a\\u{1b}[2Jb\\u{0}");
        assert_eq!(shown("Łucja Nowak"), "Łucja Nowak");
    }

    #[test]
    fn every_text_field_of_a_form_is_checked_by_its_wire_name() {
        #[derive(serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Member {
            first_name: String,
        }
        #[derive(serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Form {
            lead_name: String,
            notes: String,
            members: Vec<Member>,
        }
        let form = Form {
            lead_name: "Amelia\u{7}".into(),
            notes: "first line\nsecond".into(),
            members: vec![Member {
                first_name: "\u{1b}]0;owned\u{7}".into(),
            }],
        };
        let fields: Vec<String> = control_errors(&form).into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["leadName", "members.0.firstName"]);
    }

    #[test]
    fn phone_digits_match_local_and_international() {
        assert_eq!(phone_digits("07700 900123"), "07700900123");
        assert_eq!(phone_digits("+44 7700 900123"), "07700900123");
        assert_eq!(phone_digits("(0161) 496 0000"), "01614960000");
    }
}
