//! Money is integer pence; these turn what people type into pence and back.

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

/// `350` → `£3.50` (for reading).
pub fn pounds(pence: i64) -> String {
    let plain = pounds_plain(pence);
    match plain.strip_prefix('-') {
        Some(rest) => format!("-£{rest}"),
        None => format!("£{plain}"),
    }
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
        assert_eq!(pounds(5), "£0.05");
        assert_eq!(pounds(-1205), "-£12.05");
    }
}
