//! Membership numbers: eight digits, the last a Luhn check digit, so a mistyped or
//! misread number is caught before it finds the wrong household. Digits only, because
//! barcode scanners type digits the same way on every keyboard layout.

/// Digits in a membership number, including the check digit.
pub const NUMBER_LENGTH: usize = 8;

/// Digits in a card number: 7-digit membership serial, 2-digit issue, check digit.
pub const CARD_NUMBER_LENGTH: usize = 10;

/// The largest serial that fits before the check digit.
pub const MAX_SERIAL: u32 = 9_999_999;

/// The Luhn check digit for a string of digits.
pub fn check_digit(digits: &str) -> Option<u8> {
    let mut sum = 0u32;
    for (i, b) in digits.bytes().rev().enumerate() {
        if !b.is_ascii_digit() {
            return None;
        }
        let mut d = u32::from(b - b'0');
        if i % 2 == 0 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    // The result is below 10, so it fits in a u8.
    Some(((10 - sum % 10) % 10) as u8)
}

/// The membership number for a serial (1 → `00000018`).
pub fn number_for_serial(serial: u32) -> Option<String> {
    if serial == 0 || serial > MAX_SERIAL {
        return None;
    }
    let body = format!("{serial:07}");
    let check = check_digit(&body)?;
    Some(format!("{body}{check}"))
}

/// Whether `text` is a well-formed membership number (length, digits, check digit) that
/// Pantry could have given: serial 0 (`00000000`) is reserved and never a member's.
pub fn is_valid_number(text: &str) -> bool {
    text.len() == NUMBER_LENGTH
        && text.bytes().all(|b| b.is_ascii_digit())
        && text[..NUMBER_LENGTH - 1].bytes().any(|b| b != b'0')
        && check_digit(&text[..NUMBER_LENGTH - 1])
            .is_some_and(|c| text.as_bytes()[NUMBER_LENGTH - 1] == b'0' + c)
}

/// Why `text` cannot be a membership number, in words; `None` when it can.
pub fn number_problem(text: &str) -> Option<String> {
    if is_valid_number(text) {
        None
    } else if text.len() == NUMBER_LENGTH && text.bytes().all(|b| b == b'0') {
        Some(format!(
            "{text} is reserved and is never a member's number; leave it blank to give a new number."
        ))
    } else {
        Some(format!(
            "\"{text}\" is not a Pantry membership number (8 digits, the last a check digit); \
             leave it blank to give a new number."
        ))
    }
}

/// `count` serials to give out: from `next` (one past the highest in use) while they last;
/// once the last serial is reached (a high number was imported), the lowest ones not in
/// `used` (asked for only then). `None` when there are not enough.
pub fn free_serials(
    next: i64,
    count: usize,
    used: impl FnOnce() -> std::collections::HashSet<i64>,
) -> Option<Vec<i64>> {
    let max = i64::from(MAX_SERIAL);
    let wanted = i64::try_from(count).ok()?;
    if next >= 1 && next + wanted - 1 <= max {
        return Some((next..next + wanted).collect());
    }
    let used = used();
    let free: Vec<i64> = (1..=max)
        .filter(|s| !used.contains(s))
        .take(count)
        .collect();
    (free.len() == count).then_some(free)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_matches_the_textbook_example() {
        // 7992739871 has check digit 3.
        assert_eq!(check_digit("7992739871"), Some(3));
    }

    #[test]
    fn numbers_are_eight_digits_and_valid() {
        for serial in [1, 42, 1234, 9_999_999] {
            let n = number_for_serial(serial).unwrap();
            assert_eq!(n.len(), NUMBER_LENGTH);
            assert!(is_valid_number(&n), "{n}");
        }
        assert_eq!(number_for_serial(0), None);
        assert_eq!(number_for_serial(10_000_000), None);
    }

    #[test]
    fn the_reserved_all_zero_number_is_never_valid() {
        assert_eq!(check_digit("0000000"), Some(0));
        assert!(!is_valid_number("00000000"));
    }

    #[test]
    fn serials_run_on_and_then_fill_gaps_when_the_end_is_reached() {
        let none = std::collections::HashSet::new;
        assert_eq!(free_serials(5, 3, none), Some(vec![5, 6, 7]));
        let used = || [1, 2, 4, 9_999_999].into_iter().collect();
        assert_eq!(
            free_serials(i64::from(MAX_SERIAL) + 1, 2, used),
            Some(vec![3, 5])
        );
        let full = || (1..=i64::from(MAX_SERIAL)).collect();
        assert_eq!(free_serials(i64::from(MAX_SERIAL) + 1, 1, full), None);
    }

    #[test]
    fn single_digit_errors_and_adjacent_swaps_are_caught() {
        let n = number_for_serial(1_234_567).unwrap();
        let bytes = n.as_bytes();
        for i in 0..NUMBER_LENGTH {
            for d in b'0'..=b'9' {
                if d != bytes[i] {
                    let mut typo = bytes.to_vec();
                    typo[i] = d;
                    assert!(!is_valid_number(std::str::from_utf8(&typo).unwrap()));
                }
            }
        }
        for i in 0..NUMBER_LENGTH - 1 {
            if bytes[i] != bytes[i + 1] {
                let mut swapped = bytes.to_vec();
                swapped.swap(i, i + 1);
                let s = std::str::from_utf8(&swapped).unwrap();
                // Luhn misses only the 09 ↔ 90 swap.
                if !(bytes[i] == b'0' && bytes[i + 1] == b'9'
                    || bytes[i] == b'9' && bytes[i + 1] == b'0')
                {
                    assert!(!is_valid_number(s), "{s}");
                }
            }
        }
        assert!(!is_valid_number("1234567"));
        assert!(!is_valid_number("1234567a"));
    }
}
