//! What goes into one household's parcel, from the standard parcel: each line's quantity for
//! the household's size; an item containing one of its allergens is left out; an item
//! marked with the diets it suits is left out when it does not suit one of the household's;
//! an item not marked is packed with a note to check its label. Pure: facts in, a list out.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::households::form::{Allergen, Dietary};

/// One line of the standard parcel, as set by a manager, with what its item contains and
/// the diets it suits (kept on the item).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ParcelLineForm {
    #[ts(type = "number")]
    pub item_id: i64,
    /// The item's name, as read back (ignored when saving).
    #[serde(default)]
    pub name: String,
    pub per_household: u32,
    pub per_person: u32,
    pub allergens: Vec<Allergen>,
    /// Empty when nobody has marked the item: packing then asks to check its label.
    pub suits: Vec<Dietary>,
}

/// The household, as packing sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Household {
    pub people: u32,
    pub allergies: Vec<Allergen>,
    pub dietary: Vec<Dietary>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackedLine {
    pub item_id: i64,
    pub name: String,
    pub quantity: u32,
    /// Diets the item is not marked for, to check on its label before packing.
    pub check: Vec<Dietary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Packed {
    pub lines: Vec<PackedLine>,
    /// What was left out and why: "Peanut butter — contains Peanuts".
    pub left_out: Vec<String>,
}

/// The parcel for `household`.
pub fn pack(parcel: &[ParcelLineForm], household: &Household) -> Packed {
    let mut packed = Packed::default();
    for item in parcel {
        let quantity = item.per_household + item.per_person * household.people;
        if quantity == 0 {
            continue;
        }
        let contains: Vec<&str> = item
            .allergens
            .iter()
            .filter(|a| household.allergies.contains(a))
            .map(|a| a.label())
            .collect();
        if !contains.is_empty() {
            packed
                .left_out
                .push(format!("{} — contains {}", item.name, contains.join(", ")));
            continue;
        }
        if !item.suits.is_empty() {
            let unsuited: Vec<&str> = household
                .dietary
                .iter()
                .filter(|d| !item.suits.contains(d))
                .map(|d| d.label())
                .collect();
            if !unsuited.is_empty() {
                packed
                    .left_out
                    .push(format!("{} — not {}", item.name, unsuited.join(", ")));
                continue;
            }
        }
        packed.lines.push(PackedLine {
            item_id: item.item_id,
            name: item.name.clone(),
            quantity,
            check: if item.suits.is_empty() {
                household.dietary.clone()
            } else {
                Vec::new()
            },
        });
    }
    packed
}

/// The alerts printed large on packing lists, run sheets and labels.
pub fn alerts(allergies: &[Allergen], dietary: &[Dietary], notes: &str) -> Vec<String> {
    let mut alerts = Vec::new();
    if !allergies.is_empty() {
        let names: Vec<&str> = allergies.iter().map(|a| a.label()).collect();
        alerts.push(format!("ALLERGY: {}", names.join(", ")));
    }
    if !dietary.is_empty() {
        let names: Vec<&str> = dietary.iter().map(|d| d.label()).collect();
        alerts.push(format!("Diet: {}", names.join(", ")));
    }
    if !notes.trim().is_empty() {
        alerts.push(notes.trim().to_owned());
    }
    alerts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(name: &str, allergens: &[Allergen], suits: &[Dietary]) -> ParcelLineForm {
        ParcelLineForm {
            item_id: name.len() as i64,
            name: name.into(),
            per_household: 1,
            per_person: 1,
            allergens: allergens.to_vec(),
            suits: suits.to_vec(),
        }
    }

    #[test]
    fn quantities_follow_household_size_and_allergens_are_left_out() {
        let parcel = [
            item(
                "Pasta",
                &[Allergen::Gluten],
                &[Dietary::Vegan, Dietary::Halal],
            ),
            item("Peanut butter", &[Allergen::Peanuts], &[]),
            item("Rice", &[], &[]),
        ];
        let household = Household {
            people: 3,
            allergies: vec![Allergen::Peanuts],
            dietary: vec![],
        };
        let packed = pack(&parcel, &household);
        assert_eq!(
            packed
                .lines
                .iter()
                .map(|l| (l.name.as_str(), l.quantity))
                .collect::<Vec<_>>(),
            [("Pasta", 4), ("Rice", 4)]
        );
        assert_eq!(packed.left_out, ["Peanut butter — contains Peanuts"]);
    }

    #[test]
    fn diets_leave_out_what_does_not_suit_and_flag_what_is_unmarked() {
        let parcel = [
            item("Corned beef", &[], &[Dietary::GlutenFree]),
            item("Chickpeas", &[], &[Dietary::Halal, Dietary::Vegan]),
            item("Soup", &[], &[]),
        ];
        let household = Household {
            people: 1,
            allergies: vec![],
            dietary: vec![Dietary::Halal],
        };
        let packed = pack(&parcel, &household);
        assert_eq!(packed.left_out, ["Corned beef — not Halal"]);
        assert_eq!(packed.lines[0].check, []);
        assert_eq!(packed.lines[1].name, "Soup");
        assert_eq!(packed.lines[1].check, [Dietary::Halal]);
    }
}
