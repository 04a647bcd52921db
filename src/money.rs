//! Money is integer pence; these turn what people type into pence and back, and write
//! figures as people read them: `£1,234.50`, `−£51.46` (a true minus sign), `13,571`.
//! The screens' `ui/src/lib/format.ts` writes the same (its tests hold the same cases).

/// Parses pounds as typed: `3.50`, `£3.50`, `3`, `3.5`, ` £ 4 `. `None` if it is not money.
pub fn parse_pounds(text: &str) -> Option<i64> {
    let text = text.trim();
    let text = text.strip_prefix('£').unwrap_or(text).trim();
    let (whole, fraction) = match text.split_once('.') {
        Some((w, f)) => (w, f),
        None => (text, ""),
    };
    let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || whole.len() > 9 || !digits_only(whole) || !digits_only(fraction) {
        return None;
    }
    let pence = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<i64>().ok()? * 10,
        2 => fraction.parse::<i64>().ok()?,
        _ => return None,
    };
    Some(whole.parse::<i64>().ok()? * 100 + pence)
}

/// `350` → `3.50` (for a form field).
pub fn pounds_plain(pence: i64) -> String {
    let sign = if pence < 0 { "-" } else { "" };
    let pence = pence.abs();
    format!("{sign}{}.{:02}", pence / 100, pence % 100)
}

/// The minus sign of a figure that is read (U+2212, not a hyphen).
pub const MINUS: char = '\u{2212}';

/// `123450` → `£1,234.50`, `-5146` → `−£51.46` (for reading).
pub fn pounds(pence: i64) -> String {
    let sign = if pence < 0 {
        MINUS.to_string()
    } else {
        String::new()
    };
    let pence = pence.unsigned_abs();
    format!("{sign}£{}.{:02}", grouped(pence / 100), pence % 100)
}

/// `13571` → `13,571`, `-1200` → `−1,200` (a count, for reading).
pub fn count(n: i64) -> String {
    let sign = if n < 0 {
        MINUS.to_string()
    } else {
        String::new()
    };
    format!("{sign}{}", grouped(n.unsigned_abs()))
}

/// Digits in threes from the right, separated by commas.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_people_type() {
        assert_eq!(parse_pounds("3.50"), Some(350));
        assert_eq!(parse_pounds("£3.50"), Some(350));
        assert_eq!(parse_pounds(" £ 4 "), Some(400));
        assert_eq!(parse_pounds("3.5"), Some(350));
        assert_eq!(parse_pounds("0"), Some(0));
        assert_eq!(parse_pounds("12.05"), Some(1205));
    }

    #[test]
    fn rejects_what_is_not_money() {
        for bad in [
            "", "£", "3.505", "-3", "three", "3,50", ".50", "1e3", "3.-5",
        ] {
            assert_eq!(parse_pounds(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn formats_pence() {
        assert_eq!(pounds_plain(350), "3.50");
        assert_eq!(pounds(i64::MIN), "−£92,233,720,368,547,758.08");
    }

    /// The cases the screens' formatter is tested with too (`ui/src/lib/format.test.ts`).
    #[test]
    fn formats_as_the_screens_do() {
        let cases: serde_json::Value =
            serde_json::from_str(include_str!("../ui/src/lib/figures.json")).unwrap_or_default();
        let pairs = |key: &str| -> Vec<(i64, String)> {
            cases[key]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|c| Some((c[0].as_i64()?, c[1].as_str()?.to_owned())))
                .collect()
        };
        assert_eq!(pairs("pounds").len(), 9);
        for (pence, text) in pairs("pounds") {
            assert_eq!(pounds(pence), text);
        }
        assert_eq!(pairs("count").len(), 6);
        for (n, text) in pairs("count") {
            assert_eq!(count(n), text);
        }
    }
}
