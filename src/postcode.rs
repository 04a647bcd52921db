//! UK postcodes: checked, normalised (`ol1 3bq` → `OL1 3BQ`) and split into district and sector.

/// A valid UK postcode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Postcode {
    /// The outward code, i.e. the postcode district (`OL1`).
    pub district: String,
    /// The inward code (`3BQ`).
    pub inward: String,
}

impl Postcode {
    /// Parses a postcode typed in any case, with or without its space.
    pub fn parse(text: &str) -> Option<Postcode> {
        let compact: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        if !(5..=7).contains(&compact.len()) || !compact.is_ascii() {
            return None;
        }
        let (district, inward) = compact.split_at(compact.len() - 3);
        let inward_ok = {
            let b = inward.as_bytes();
            b[0].is_ascii_digit() && b[1].is_ascii_alphabetic() && b[2].is_ascii_alphabetic()
        };
        (inward_ok && is_district(district)).then(|| Postcode {
            district: district.to_owned(),
            inward: inward.to_owned(),
        })
    }

    /// Without the space, upper case: the key used for search and matching.
    pub fn key(&self) -> String {
        format!("{}{}", self.district, self.inward)
    }
}

impl std::fmt::Display for Postcode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.district, self.inward)
    }
}

/// Whether `text` (upper case) is a postcode district: A9, A99, AA9, AA99, A9A or AA9A.
pub fn is_district(text: &str) -> bool {
    let b = text.as_bytes();
    let letter = |i: usize| b.get(i).is_some_and(u8::is_ascii_alphabetic);
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    match b.len() {
        2 => letter(0) && digit(1),
        3 => letter(0) && (digit(1) && (digit(2) || letter(2)) || letter(1) && digit(2)),
        4 => letter(0) && letter(1) && digit(2) && (digit(3) || letter(3)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_what_people_type() {
        for (typed, wanted) in [
            ("ol1 3bq", "OL1 3BQ"),
            ("OL13BQ", "OL1 3BQ"),
            (" m1  1ae ", "M1 1AE"),
            ("sw1a 1aa", "SW1A 1AA"),
            ("w1a0ax", "W1A 0AX"),
            ("b33 8th", "B33 8TH"),
            ("cr2 6xh", "CR2 6XH"),
            ("dn55 1pt", "DN55 1PT"),
        ] {
            assert_eq!(
                Postcode::parse(typed).unwrap().to_string(),
                wanted,
                "{typed}"
            );
        }
        assert_eq!(Postcode::parse("ol1 3bq").unwrap().district, "OL1");
        assert_eq!(Postcode::parse("ol1 3bq").unwrap().key(), "OL13BQ");
    }

    #[test]
    fn refuses_what_is_not_a_postcode() {
        for bad in [
            "", "OL1", "12345", "OL1 BQ3", "ABC 1DE", "OL1 3B", "ÖL1 3BQ", "1OL 3BQ", "OL1 3BQQ",
        ] {
            assert_eq!(Postcode::parse(bad), None, "{bad}");
        }
    }
}
