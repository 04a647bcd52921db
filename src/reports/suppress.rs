//! Small-count suppression for neighbourhood cells.
//!
//! The rule, also printed in every report:
//! 1. A count of people, households or visits from 1 to `threshold − 1` in a neighbourhood is
//!    shown as "<threshold" (zero is shown).
//! 2. Where a column has exactly one such cell, the next smallest cell in that column is
//!    hidden too (the smallest non-zero one), so the total minus the shown cells never
//!    reveals a hidden one.
//! 3. Items, fees and savings of a neighbourhood are hidden whenever its households or its
//!    visits are hidden.

/// The figures of one group (a neighbourhood or the whole pantry).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS,
)]
#[serde(rename_all = "camelCase")]
pub struct Figures {
    #[ts(type = "number")]
    pub visits: i64,
    #[ts(type = "number")]
    pub households: i64,
    #[ts(type = "number")]
    pub adults: i64,
    #[ts(type = "number")]
    pub children: i64,
    #[ts(type = "number")]
    pub new_members: i64,
    #[ts(type = "number")]
    pub renewals: i64,
    #[ts(type = "number")]
    pub tenant_households: i64,
    #[ts(type = "number")]
    pub other_households: i64,
    #[ts(type = "number")]
    pub items: i64,
    #[ts(type = "number")]
    pub fees_pence: i64,
    #[ts(type = "number")]
    pub savings_pence: i64,
}

/// Measures in report order: stable key, label, whether it is money, whether it counts
/// people, households or visits (and so is suppressed when small).
pub const MEASURES: &[(&str, &str, bool, bool)] = &[
    ("visits", "Visits", false, true),
    ("households", "Households", false, true),
    ("adults", "Adults", false, true),
    ("children", "Children", false, true),
    ("new_members", "New members", false, true),
    ("renewals", "Renewals", false, true),
    ("tenant_households", "Tenant households", false, true),
    ("other_households", "Other households", false, true),
    ("items", "Items distributed", false, false),
    ("fees_pence", "Fees collected", true, false),
    ("savings_pence", "Estimated savings", true, false),
];

impl Figures {
    pub fn values(&self) -> [i64; 11] {
        [
            self.visits,
            self.households,
            self.adults,
            self.children,
            self.new_members,
            self.renewals,
            self.tenant_households,
            self.other_households,
            self.items,
            self.fees_pence,
            self.savings_pence,
        ]
    }

    pub fn from_values(v: [i64; 11]) -> Figures {
        Figures {
            visits: v[0],
            households: v[1],
            adults: v[2],
            children: v[3],
            new_members: v[4],
            renewals: v[5],
            tenant_households: v[6],
            other_households: v[7],
            items: v[8],
            fees_pence: v[9],
            savings_pence: v[10],
        }
    }

    pub fn add(&self, other: &Figures) -> Figures {
        let (a, b) = (self.values(), other.values());
        Figures::from_values(std::array::from_fn(|i| a[i] + b[i]))
    }
}

/// Each group's values in `MEASURES` order, `None` where hidden.
pub fn suppress(rows: &[Figures], threshold: i64) -> Vec<[Option<i64>; 11]> {
    let small = |v: i64| v >= 1 && v < threshold;
    let mut hidden: Vec<[bool; 11]> = rows
        .iter()
        .map(|r| {
            let v = r.values();
            std::array::from_fn(|i| MEASURES[i].3 && small(v[i]))
        })
        .collect();
    for col in (0..MEASURES.len()).filter(|&c| MEASURES[c].3) {
        protect_column(rows, &mut hidden, col);
    }
    for h in hidden.iter_mut() {
        let follow = h[0] || h[1];
        for (col, m) in MEASURES.iter().enumerate() {
            if !m.3 {
                h[col] = follow;
            }
        }
    }
    rows.iter()
        .zip(hidden)
        .map(|(r, h)| {
            let v = r.values();
            std::array::from_fn(|i| (!h[i]).then_some(v[i]))
        })
        .collect()
}

/// Rule 2: never leave exactly one hidden cell in a column.
fn protect_column(rows: &[Figures], hidden: &mut [[bool; 11]], col: usize) {
    if hidden.iter().filter(|h| h[col]).count() != 1 {
        return;
    }
    let value = |i: usize| rows[i].values()[col];
    let next = (0..rows.len())
        .filter(|&i| !hidden[i][col])
        .min_by_key(|&i| (value(i) == 0, value(i)));
    if let Some(i) = next {
        hidden[i][col] = true;
    }
}

/// The rule in words, for the report itself.
pub fn rule_text(threshold: i64) -> String {
    format!(
        "Anonymous by design: no names, contact details, membership numbers or postcodes. In \
         neighbourhood rows, counts of visits, households or people from 1 to {} are shown as \
         \"<{threshold}\". Where a column would have only one such cell, the smallest non-zero cell left is \
         hidden too, so that the total cannot reveal it; items, fees and savings are hidden \
         wherever the households or visits are. Totals for the whole pantry are shown in full. \
         People are counted once per household, as the household was at its latest visit in the \
         period; figures come from what was recorded at each visit, so later edits or erasure \
         do not change them.",
        threshold - 1
    )
}

/// The rule in a sentence, beside figures on screen.
pub fn rule_in_brief(threshold: i64) -> String {
    format!(
        "Counts from 1 to {} are hidden as \"<{threshold}\" (with one more cell where needed) so \
         no one can be singled out.",
        threshold - 1
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(visits: i64, households: i64) -> Figures {
        Figures {
            visits,
            households,
            adults: households,
            children: 0,
            items: visits * 10,
            ..Figures::default()
        }
    }

    #[test]
    fn small_counts_are_hidden_and_never_alone_in_a_column() {
        let rows = [f(40, 12), f(3, 2), f(9, 6), f(20, 7)];
        let cells = suppress(&rows, 5);
        // Households: 2 is small; the next smallest (6) is hidden with it.
        assert_eq!(
            cells.iter().map(|c| c[1]).collect::<Vec<_>>(),
            vec![Some(12), None, None, Some(7)]
        );
        // Visits: 3 is small; 9 is hidden with it.
        assert_eq!(
            cells.iter().map(|c| c[0]).collect::<Vec<_>>(),
            vec![Some(40), None, None, Some(20)]
        );
        // Children are all zero: nothing hidden.
        assert!(cells.iter().all(|c| c[3] == Some(0)));
        // Items follow households and visits.
        assert_eq!(
            cells.iter().map(|c| c[8]).collect::<Vec<_>>(),
            vec![Some(400), None, None, Some(200)]
        );
    }

    #[test]
    fn two_small_cells_need_no_extra_hiding_and_zero_is_shown() {
        let rows = [f(30, 10), f(4, 1), f(2, 2), f(0, 0)];
        let cells = suppress(&rows, 5);
        assert_eq!(
            cells.iter().map(|c| c[1]).collect::<Vec<_>>(),
            vec![Some(10), None, None, Some(0)]
        );
    }

    #[test]
    fn threshold_is_configurable() {
        let rows = [f(30, 10), f(8, 6), f(9, 7)];
        let cells = suppress(&rows, 7);
        assert_eq!(
            cells.iter().map(|c| c[1]).collect::<Vec<_>>(),
            vec![Some(10), None, None]
        );
    }
}
