//! The registration / edit form as typed, its checks, and the structured flags
//! (dietary needs and allergies) it carries.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::parse_uk_date;
use crate::error::{whole_number, Error, FieldError, Result};
use crate::postcode::Postcode;
use crate::settings::Settings;
use crate::text;

/// The consent wording a member agrees to; its version is stored with the consent.
pub const CONSENT_VERSION: &str = "2026-11";
pub const CONSENT_WORDING: &str = "I agree that the pantry may keep my household's details to run \
my membership and to help me get advice I ask for. They are kept on the pantry's own computer, are \
never shared without asking me first, and I can ask to see them or have them removed at any time.";

macro_rules! flags {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $label:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
        #[serde(rename_all = "camelCase")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// Plain-English name, as shown on screen and accepted on import.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// The stable code stored in the database (the serde name).
            pub fn code(self) -> String {
                serde_json::to_value(self)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            }

            /// Finds a flag by its label or code, ignoring case, spaces and dashes.
            pub fn find(text: &str) -> Option<$name> {
                let key = |s: &str| s.chars().filter(|c| c.is_alphanumeric()).collect::<String>().to_lowercase();
                let wanted = key(text);
                Self::ALL.iter().copied().find(|f| key(f.label()) == wanted || key(&f.code()) == wanted)
            }
        }
    };
}

flags!(
    /// Dietary needs.
    Dietary {
        Vegetarian => "Vegetarian",
        Vegan => "Vegan",
        Halal => "Halal",
        Kosher => "Kosher",
        GlutenFree => "Gluten-free",
        DairyFree => "Dairy-free",
        Diabetic => "Diabetic",
        NoPork => "No pork",
        NoBeef => "No beef",
    }
);

flags!(
    /// Allergies: the fourteen allergens UK food labels must name.
    Allergen {
        Peanuts => "Peanuts",
        TreeNuts => "Tree nuts",
        Milk => "Milk",
        Eggs => "Eggs",
        Fish => "Fish",
        Crustaceans => "Crustaceans",
        Molluscs => "Molluscs",
        Soya => "Soya",
        Gluten => "Cereals with gluten",
        Sesame => "Sesame",
        Celery => "Celery",
        Mustard => "Mustard",
        Lupin => "Lupin",
        Sulphites => "Sulphites",
    }
);

/// A phone number as typed, spaces tidied; one of 10 to 13 digits, or blank.
pub(crate) fn checked_phone(errors: &mut Vec<FieldError>, field: &str, typed: &str) -> String {
    let phone = typed.split_whitespace().collect::<Vec<_>>().join(" ");
    let digits = text::phone_digits(&phone);
    if !phone.is_empty()
        && (!(10..=13).contains(&digits.len())
            || !phone
                .chars()
                .all(|c| c.is_ascii_digit() || " +()-".contains(c)))
    {
        errors.push(FieldError::new(
            field,
            "Enter a phone number of 10 to 13 digits, or leave it blank.",
        ));
    }
    phone
}

/// Stores flags as comma-separated codes.
pub fn flags_to_text<F: Copy>(flags: &[F], code: impl Fn(F) -> String) -> String {
    flags.iter().map(|f| code(*f)).collect::<Vec<_>>().join(",")
}

/// Reads flags stored as comma-separated codes (unknown codes are ignored).
pub fn flags_from_text<F>(text: &str, find: impl Fn(&str) -> Option<F>) -> Vec<F> {
    text.split(',')
        .filter(|s| !s.is_empty())
        .filter_map(find)
        .collect()
}

/// Another person in the household, as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MemberForm {
    pub first_name: String,
    /// Four digits, or blank.
    pub birth_year: String,
}

/// The household form exactly as typed; checked here so each mistake is shown by its field.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HouseholdForm {
    /// Only when registering: a number already on a card (8 digits); blank gives the next.
    pub membership_number: String,
    pub lead_name: String,
    pub adults: String,
    pub children: String,
    pub postcode: String,
    #[ts(type = "number | null")]
    pub neighbourhood_id: Option<i64>,
    pub landlord_tenant: bool,
    pub tenancy_ref: String,
    pub phone: String,
    pub email: String,
    pub dietary: Vec<Dietary>,
    pub allergies: Vec<Allergen>,
    pub dietary_notes: String,
    pub notes: String,
    pub members: Vec<MemberForm>,
    /// The member agreed to the consent wording (required to register).
    pub consent_given: bool,
    /// Blank for today; `dd/mm/yyyy` or `yyyy-mm-dd`.
    pub joined_on: String,
    /// The preferred language's code, from those the pantry offers (blank: English).
    #[serde(default)]
    pub language: String,
}

/// The other members of a household, checked: (first name, birth year).
pub type MemberList = Vec<(String, Option<u16>)>;

/// A household that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidHousehold {
    /// A number chosen at registration (blank: the next one).
    pub membership_number: Option<String>,
    pub lead_name: String,
    pub adults: u32,
    pub children: u32,
    pub postcode: Postcode,
    pub neighbourhood_id: Option<i64>,
    pub landlord_tenant: bool,
    pub tenancy_ref: String,
    pub phone: String,
    pub email: String,
    pub dietary: Vec<Dietary>,
    pub allergies: Vec<Allergen>,
    pub dietary_notes: String,
    pub notes: String,
    pub members: MemberList,
    pub consent_given: bool,
    pub joined_on: NaiveDate,
    /// A shipped language's code (whether the pantry offers it is checked on saving).
    pub language: &'static str,
}

impl HouseholdForm {
    /// Checks every field against the pantry's settings; `today` is the pantry's local date.
    pub fn validate(&self, settings: &Settings, today: NaiveDate) -> Result<ValidHousehold> {
        let mut errors = text::control_errors(self);
        let membership_number = self.membership_number.trim().to_owned();
        if let Some(why) = Some(&membership_number)
            .filter(|n| !n.is_empty())
            .and_then(|n| crate::membership::number_problem(n))
        {
            errors.push(FieldError::new("membershipNumber", why));
        }
        let lead_name = self
            .lead_name
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if lead_name.is_empty() {
            errors.push(FieldError::new("leadName", "Enter the lead member's name."));
        } else if lead_name.chars().count() > 100 {
            errors.push(FieldError::new(
                "leadName",
                "Keep the name to 100 characters or fewer.",
            ));
        }
        let adults = whole_number(&mut errors, "adults", &self.adults, 1, 20, "Adults");
        let children = whole_number(&mut errors, "children", &self.children, 0, 20, "Children");
        let postcode = Postcode::parse(&self.postcode);
        if postcode.is_none() {
            errors.push(FieldError::new(
                "postcode",
                "Enter a UK postcode, for example OL1 3BQ.",
            ));
        }
        if let Some(id) = self.neighbourhood_id {
            if !settings.neighbourhoods.iter().any(|n| n.id == id) {
                errors.push(FieldError::new(
                    "neighbourhoodId",
                    "Choose a neighbourhood from the list.",
                ));
            }
        }
        let tenancy_ref = self.tenancy_ref.trim().to_owned();
        if tenancy_ref.chars().count() > 40 {
            errors.push(FieldError::new(
                "tenancyRef",
                "Keep the tenancy reference to 40 characters.",
            ));
        }
        let phone = checked_phone(&mut errors, "phone", &self.phone);
        let email = self.email.trim().to_lowercase();
        if !email.is_empty() && !looks_like_email(&email) {
            errors.push(FieldError::new(
                "email",
                "Enter an email address like name@example.org, or leave it blank.",
            ));
        }
        let mut members = Vec::new();
        for (i, m) in self.members.iter().enumerate() {
            let first_name = m.first_name.trim().to_owned();
            let year = m.birth_year.trim();
            if first_name.is_empty() && year.is_empty() {
                continue;
            }
            let field = format!("members.{i}");
            if first_name.is_empty() || first_name.chars().count() > 60 {
                errors.push(FieldError::new(
                    &format!("{field}.firstName"),
                    "Enter a first name (up to 60 characters).",
                ));
            }
            let birth_year = if year.is_empty() {
                None
            } else {
                let parsed = year
                    .parse::<u16>()
                    .ok()
                    .filter(|y| (1900..=today.year()).contains(&i32::from(*y)));
                if parsed.is_none() {
                    errors.push(FieldError::new(
                        &format!("{field}.birthYear"),
                        format!(
                            "Enter a year from 1900 to {}, or leave it blank.",
                            today.year()
                        ),
                    ));
                }
                parsed
            };
            members.push((first_name, birth_year));
        }
        for (field, value, max) in [
            ("dietaryNotes", &self.dietary_notes, 500),
            ("notes", &self.notes, 2000),
        ] {
            if value.chars().count() > max {
                errors.push(FieldError::new(
                    field,
                    format!("Keep this to {max} characters or fewer."),
                ));
            }
        }
        let joined_on = if self.joined_on.trim().is_empty() {
            Some(today)
        } else {
            parse_uk_date(&self.joined_on).filter(|d| *d <= today)
        };
        if joined_on.is_none() {
            errors.push(FieldError::new(
                "joinedOn",
                "Enter the date joined as day/month/year (not in the future), or leave it blank for today.",
            ));
        }
        let language = match self.language.trim() {
            "" => Some(crate::i18n::ENGLISH),
            code => crate::i18n::language(code).map(|l| l.code),
        };
        if language.is_none() {
            errors.push(FieldError::new(
                "language",
                "Choose one of the languages the pantry offers.",
            ));
        }
        let mut dietary = self.dietary.clone();
        dietary.dedup();
        let mut allergies = self.allergies.clone();
        allergies.dedup();

        match (adults, children, postcode, joined_on, language) {
            (Some(adults), Some(children), Some(postcode), Some(joined_on), Some(language))
                if errors.is_empty() =>
            {
                Ok(ValidHousehold {
                    membership_number: (!membership_number.is_empty()).then_some(membership_number),
                    lead_name,
                    adults,
                    children,
                    postcode,
                    neighbourhood_id: self.neighbourhood_id,
                    landlord_tenant: self.landlord_tenant,
                    tenancy_ref: if self.landlord_tenant {
                        tenancy_ref
                    } else {
                        String::new()
                    },
                    phone,
                    email,
                    dietary,
                    allergies,
                    dietary_notes: self.dietary_notes.trim().to_owned(),
                    notes: self.notes.trim().to_owned(),
                    members,
                    consent_given: self.consent_given,
                    joined_on,
                    language,
                })
            }
            _ => Err(Error::Validation(errors)),
        }
    }
}

fn looks_like_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !email.chars().any(char::is_whitespace)
        && email.len() <= 254
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Neighbourhood;

    fn settings() -> Settings {
        Settings {
            neighbourhoods: vec![Neighbourhood {
                id: 7,
                name: "North".into(),
            }],
            ..Settings::sample()
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    }

    fn good() -> HouseholdForm {
        HouseholdForm {
            lead_name: "  Łucja   Nowak-Wiśniewska ".into(),
            adults: "2".into(),
            children: "1".into(),
            postcode: "ol1 3bq".into(),
            neighbourhood_id: Some(7),
            phone: "07700 900123".into(),
            email: " Lucja@Example.org ".into(),
            members: vec![
                MemberForm {
                    first_name: "Ola".into(),
                    birth_year: "2015".into(),
                },
                MemberForm {
                    first_name: String::new(),
                    birth_year: String::new(),
                },
            ],
            consent_given: true,
            ..HouseholdForm::default()
        }
    }

    #[test]
    fn a_good_form_is_normalised() {
        let v = good().validate(&settings(), today()).unwrap();
        assert_eq!(v.lead_name, "Łucja Nowak-Wiśniewska");
        assert_eq!(v.postcode.to_string(), "OL1 3BQ");
        assert_eq!(v.email, "lucja@example.org");
        assert_eq!(v.members, vec![("Ola".to_owned(), Some(2015))]);
        assert_eq!(v.joined_on, today(), "blank joined date means today");
    }

    #[test]
    fn every_mistake_is_reported_by_field() {
        let form = HouseholdForm {
            lead_name: " ".into(),
            adults: "0".into(),
            children: "x".into(),
            postcode: "OL1".into(),
            neighbourhood_id: Some(99),
            phone: "12".into(),
            email: "nobody@".into(),
            members: vec![MemberForm {
                first_name: String::new(),
                birth_year: "1850".into(),
            }],
            joined_on: "31/12/2099".into(),
            ..HouseholdForm::default()
        };
        let Err(Error::Validation(errors)) = form.validate(&settings(), today()) else {
            panic!()
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "leadName",
                "adults",
                "children",
                "postcode",
                "neighbourhoodId",
                "phone",
                "email",
                "members.0.firstName",
                "members.0.birthYear",
                "joinedOn"
            ]
        );
    }

    #[test]
    fn flags_round_trip_and_are_found_by_label() {
        assert_eq!(Dietary::find("gluten free"), Some(Dietary::GlutenFree));
        assert_eq!(Allergen::find("Tree Nuts"), Some(Allergen::TreeNuts));
        assert_eq!(Allergen::find("treeNuts"), Some(Allergen::TreeNuts));
        let stored = flags_to_text(&[Dietary::Halal, Dietary::NoPork], Dietary::code);
        assert_eq!(stored, "halal,noPork");
        assert_eq!(
            flags_from_text(&stored, Dietary::find),
            vec![Dietary::Halal, Dietary::NoPork]
        );
    }
}
