//! What was scanned or typed: at the counter's one box a card number, a membership number,
//! an item's barcode (scanned at the wrong box) or words to search for; in a stock box a
//! barcode (EAN/UPC, or in-house like `PANTRY-0042`) or an item's name. The screens ask here;
//! none decides for itself.

use crate::membership;

/// What the counter's box holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CounterInput {
    /// Ten digits: a membership card.
    Card(String),
    /// Eight digits: a membership number.
    Membership(String),
    /// Twelve or thirteen digits (UPC-A, EAN-13): a product's barcode, not a member's.
    ItemBarcode(String),
    /// Anything else: part of a name, number, postcode or phone number.
    Words(String),
}

impl CounterInput {
    /// Whether this is a whole number a scanner sends (wait for the scanner's pause, then
    /// look it up) rather than words to search as they are typed.
    pub fn is_number(&self) -> bool {
        !matches!(self, CounterInput::Words(_))
    }
}

/// Reads the counter's box. Spaces inside a number are ignored (`0000 0010 25`).
pub fn counter_input(typed: &str) -> CounterInput {
    let text = typed.trim();
    let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return CounterInput::Words(text.to_owned());
    }
    match digits.len() {
        membership::CARD_NUMBER_LENGTH => CounterInput::Card(digits),
        membership::NUMBER_LENGTH => CounterInput::Membership(digits),
        12 | 13 => CounterInput::ItemBarcode(digits),
        _ => CounterInput::Words(text.to_owned()),
    }
}

/// What a stock box (delivery, counter items, stock count) holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StockInput {
    /// A barcode, without spaces: six or more digits, or letters and digits with no spaces
    /// that make a valid code (see [`check_barcode`]).
    Barcode(String),
    /// An item's name, or part of one (empty when nothing was typed).
    Words(String),
}

/// Reads a stock box.
pub fn stock_input(typed: &str) -> StockInput {
    let text = typed.trim();
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let digits_only = !compact.is_empty() && compact.chars().all(|c| c.is_ascii_digit());
    let barcode = (digits_only && compact.len() >= 6)
        || (!text.contains(char::is_whitespace)
            && compact.chars().any(|c| c.is_ascii_digit())
            && check_barcode(&compact).is_ok());
    if barcode {
        StockInput::Barcode(compact)
    } else {
        StockInput::Words(text.to_owned())
    }
}

/// Checks a barcode: EAN-13, EAN-8 and UPC-A must have a right check digit; other codes
/// (in-house) are 3 to 32 letters, digits or dashes. Returns the code without spaces.
pub fn check_barcode(text: &str) -> std::result::Result<String, String> {
    let code: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let digits = code.chars().all(|c| c.is_ascii_digit());
    if digits && matches!(code.len(), 8 | 12 | 13) {
        return if gtin_check_ok(&code) {
            Ok(code)
        } else {
            Err(format!(
                "{code} does not check out as an EAN/UPC barcode; scan or type it again."
            ))
        };
    }
    if (3..=32).contains(&code.len()) && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        Ok(code)
    } else {
        Err("A barcode is 3 to 32 letters, digits or dashes.".into())
    }
}

/// GS1 check digit: weights 3 and 1 alternate from the right, excluding the check digit.
fn gtin_check_ok(code: &str) -> bool {
    let digits: Vec<u32> = code.chars().filter_map(|c| c.to_digit(10)).collect();
    let Some((&check, body)) = digits.split_last() else {
        return false;
    };
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| if i % 2 == 0 { d * 3 } else { *d })
        .sum();
    (10 - sum % 10) % 10 == check
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stock_box_tells_barcodes_from_names() {
        for (typed, code) in [
            ("5012345678900", "5012345678900"),
            ("9638 5074", "96385074"),
            ("PANTRY-0042", "PANTRY-0042"),
            ("123456", "123456"),
        ] {
            assert_eq!(
                stock_input(typed),
                StockInput::Barcode(code.into()),
                "{typed}"
            );
        }
        for typed in ["Baked beans", "beans 400g", "rice", "", "12"] {
            assert_eq!(
                stock_input(typed),
                StockInput::Words(typed.into()),
                "{typed}"
            );
        }
    }

    #[test]
    fn the_counter_box_tells_numbers_from_words() {
        assert_eq!(
            counter_input(" 0000001025 "),
            CounterInput::Card("0000001025".into())
        );
        assert_eq!(
            counter_input("0000 0010 25"),
            CounterInput::Card("0000001025".into())
        );
        assert_eq!(
            counter_input("00000017"),
            CounterInput::Membership("00000017".into())
        );
        assert_eq!(
            counter_input("5012345678900"),
            CounterInput::ItemBarcode("5012345678900".into())
        );
        // A phone number (11 digits), part of one, a postcode and names are searched for.
        for words in [
            "07700 900222",
            "0770",
            "OL1 3BQ",
            "OL13BQ",
            "Smith",
            "PANTRY-0042",
        ] {
            assert_eq!(
                counter_input(words),
                CounterInput::Words(words.into()),
                "{words}"
            );
        }
        assert!(counter_input("00000017").is_number());
        assert!(!counter_input("Smi").is_number());
    }

    #[test]
    fn ean_upc_check_digits_are_checked() {
        assert_eq!(
            check_barcode("5012345678900").as_deref(),
            Ok("5012345678900")
        );
        assert_eq!(check_barcode("9638 5074").as_deref(), Ok("96385074"));
        assert_eq!(check_barcode("036000291452").as_deref(), Ok("036000291452"));
        assert!(check_barcode("5012345678901").is_err());
        assert!(check_barcode("96385075").is_err());
        assert_eq!(check_barcode("PANTRY-0042").as_deref(), Ok("PANTRY-0042"));
        assert!(check_barcode("ab").is_err());
        assert!(check_barcode("tin/beans").is_err());
    }
}
