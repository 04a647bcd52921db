//! Folding text for search and matching: lower case, accents removed, spaces collapsed,
//! so "Zoë" finds "Zoe" and "Łucja" finds "Lucja".

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
    fn phone_digits_match_local_and_international() {
        assert_eq!(phone_digits("07700 900123"), "07700900123");
        assert_eq!(phone_digits("+44 7700 900123"), "07700900123");
        assert_eq!(phone_digits("(0161) 496 0000"), "01614960000");
    }
}
