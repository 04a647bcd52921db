//! What was scanned or typed into the counter's one box: a card number, a membership number,
//! an item's barcode (scanned at the wrong box), or words to search for. The screens ask
//! here; none decides for itself.

use crate::{cards, membership};

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
        cards::CARD_NUMBER_LENGTH => CounterInput::Card(digits),
        membership::NUMBER_LENGTH => CounterInput::Membership(digits),
        12 | 13 => CounterInput::ItemBarcode(digits),
        _ => CounterInput::Words(text.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
