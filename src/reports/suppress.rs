//! Disclosure control for landlord figures: the cell key method (ONS's method for flexible
//! tables, from the ABS TableBuilder), rounding to base 5 and small-count suppression, as
//! described in docs/report-format.md.
//!
//! 1. Every household holds a record key, a random whole number from 0 to 255 drawn once
//!    (migration `20261202010000_record_keys`); its visits, membership events and referrals
//!    carry a frozen copy. A cell's key is the sum of its records' keys, mod 256.
//! 2. A count `v` of 1 or more moves by `perturbation(v, key)`, from −2 to +2, read from a
//!    fixed table: the same records always give the same count and the same move, so asking
//!    again, or for an overlapping period, gives the same figure and no new information.
//! 3. The moved count is rounded to base 5 (and never below 5). Every published count is a
//!    multiple of 5, so any sum or difference of published counts is a multiple of 5 too and
//!    can never equal a count from 1 to 4.
//! 4. True counts from 1 to `threshold − 1` are not published at all: they read "<threshold".
//!    Zero is shown as zero (a cell with no records has no key to perturb).
//! 5. Items and money are the cell's published visits times its average per visit, rounded
//!    (a whole item, 50p), so they say nothing about the count beyond what the published count
//!    says. They are hidden wherever the cell's visits or households are.
//!
//! Perturbed tables are not additive: a total is its own cell, with its own key, and need not
//! equal the sum of its published parts.

use std::sync::OnceLock;

/// Record keys, and so cell keys, run from 0 to `KEY_MODULUS − 1`.
pub const KEY_MODULUS: i64 = 256;
/// Published counts are multiples of this.
pub const ROUNDING_BASE: i64 = 5;
/// Items per visit are rounded to this many items before they are multiplied out.
pub const ITEMS_STEP: i64 = 1;
/// Money per visit is rounded to this many pence before it is multiplied out.
pub const MONEY_STEP_PENCE: i64 = 50;
/// Counts from 1 to `PTABLE_ROWS − 1` have a row of the perturbation table each; larger
/// counts share the last row.
const PTABLE_ROWS: usize = 20;
/// The perturbations and how many of the 256 cell keys give each (10%, 20%, 40%, 20%, 10%).
const SPREAD: [(i8, usize); 5] = [(-2, 26), (-1, 51), (0, 102), (1, 51), (2, 26)];
/// Fixes which keys give which perturbation in each row (any fixed number would do; it must
/// never change, or every past report would change).
const PTABLE_SEED: u64 = 0x5eed_ce11_4b3e_0001;

/// A true count and its cell key. Never published as it is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Count {
    pub value: i64,
    pub key: i64,
}

impl Count {
    /// A count from SQL: the number of records and the sum of their record keys.
    pub fn new(value: i64, key_sum: i64) -> Count {
        Count {
            value,
            key: key_sum.rem_euclid(KEY_MODULUS),
        }
    }
}

/// The records of both cells (disjoint sets of records).
impl std::ops::Add for Count {
    type Output = Count;

    fn add(self, other: Count) -> Count {
        Count::new(self.value + other.value, self.key + other.key)
    }
}

/// The true figures of one group (a neighbourhood or the whole pantry).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Figures {
    pub visits: Count,
    pub households: Count,
    /// People in the households: their key is the households' key.
    pub adults: i64,
    pub children: i64,
    pub new_members: Count,
    pub renewals: Count,
    pub tenant_households: Count,
    pub other_households: Count,
    pub items: i64,
    pub fees_pence: i64,
    pub savings_pence: i64,
}

impl Figures {
    pub fn add(&self, o: &Figures) -> Figures {
        Figures {
            visits: self.visits + o.visits,
            households: self.households + o.households,
            adults: self.adults + o.adults,
            children: self.children + o.children,
            new_members: self.new_members + o.new_members,
            renewals: self.renewals + o.renewals,
            tenant_households: self.tenant_households + o.tenant_households,
            other_households: self.other_households + o.other_households,
            items: self.items + o.items,
            fees_pence: self.fees_pence + o.fees_pence,
            savings_pence: self.savings_pence + o.savings_pence,
        }
    }
}

/// How a measure is published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A count of visits, households, people or events: perturbed, rounded, small ones hidden.
    Count,
    /// Items: per visit, times the published visits.
    Items,
    /// Money in pence: per visit, times the published visits.
    Money,
}

/// Measures in report order: stable key, label, kind.
pub const MEASURES: &[(&str, &str, Kind)] = &[
    ("visits", "Visits", Kind::Count),
    ("households", "Households", Kind::Count),
    ("people", "People", Kind::Count),
    ("adults", "Adults", Kind::Count),
    ("children", "Children", Kind::Count),
    ("new_members", "New members", Kind::Count),
    ("renewals", "Renewals", Kind::Count),
    ("tenant_households", "Tenant households", Kind::Count),
    ("other_households", "Other households", Kind::Count),
    ("items", "Items distributed", Kind::Items),
    ("fees_pence", "Fees collected", Kind::Money),
    ("savings_pence", "Estimated savings", Kind::Money),
];

/// The published cells of a group, in `MEASURES` order: `None` where hidden.
pub fn publish_figures(f: &Figures, threshold: i64) -> Vec<Option<i64>> {
    let people = |value| Count {
        value,
        key: f.households.key,
    };
    let visits = publish(f.visits, threshold);
    let households = publish(f.households, threshold);
    let per_visit = |total: i64, step: i64| match (visits, households) {
        (Some(shown), Some(_)) => Some(scaled(total, f.visits.value, shown, step)),
        _ => None,
    };
    vec![
        visits,
        households,
        publish(people(f.adults + f.children), threshold),
        publish(people(f.adults), threshold),
        publish(people(f.children), threshold),
        publish(f.new_members, threshold),
        publish(f.renewals, threshold),
        publish(f.tenant_households, threshold),
        publish(f.other_households, threshold),
        per_visit(f.items, ITEMS_STEP),
        per_visit(f.fees_pence, MONEY_STEP_PENCE),
        per_visit(f.savings_pence, MONEY_STEP_PENCE),
    ]
}

/// The published value of a count: `None` (hidden) from 1 to `threshold − 1`, zero as zero,
/// otherwise moved by the table and rounded to base 5, never below 5.
pub fn publish(c: Count, threshold: i64) -> Option<i64> {
    match c.value {
        0 => Some(0),
        v if v < threshold => None,
        v => {
            let moved = v + perturbation(v, c.key);
            let rounded = (moved + ROUNDING_BASE / 2).div_euclid(ROUNDING_BASE) * ROUNDING_BASE;
            Some(rounded.max(ROUNDING_BASE))
        }
    }
}

/// `total` spread over `visits` true visits, rounded to `step`, times the published visits.
fn scaled(total: i64, visits: i64, shown_visits: i64, step: i64) -> i64 {
    if visits == 0 {
        return 0;
    }
    let per_visit = i128::from(total) * 2 / i128::from(visits * step);
    // Round half away from zero to a whole number of steps.
    let steps = (per_visit + per_visit.signum()) / 2;
    let value = steps * i128::from(step) * i128::from(shown_visits);
    i64::try_from(value).unwrap_or(if value < 0 { i64::MIN } else { i64::MAX })
}

/// The move of a count `value` (1 or more) whose cell key is `key`.
pub fn perturbation(value: i64, key: i64) -> i64 {
    let row = usize::try_from(value.clamp(1, PTABLE_ROWS as i64) - 1).unwrap_or(0);
    let column = usize::try_from(key.rem_euclid(KEY_MODULUS)).unwrap_or(0);
    i64::from(ptable()[row][column])
}

/// The perturbation table: for each row, the 256 keys in a fixed shuffled order, the first 26
/// moving the count by −2, the next 51 by −1, 102 by nothing, 51 by +1 and 26 by +2. Each row
/// has its own order, so cells with the same key but different values move independently.
fn ptable() -> &'static [[i8; KEY_MODULUS as usize]; PTABLE_ROWS] {
    static TABLE: OnceLock<[[i8; KEY_MODULUS as usize]; PTABLE_ROWS]> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = [[0i8; KEY_MODULUS as usize]; PTABLE_ROWS];
        for (row, cells) in table.iter_mut().enumerate() {
            let mut keys: Vec<usize> = (0..KEY_MODULUS as usize).collect();
            keys.sort_by_key(|&k| splitmix64(PTABLE_SEED ^ ((row as u64) << 8 | k as u64)));
            let moves = SPREAD.iter().flat_map(|&(m, n)| std::iter::repeat_n(m, n));
            for (k, m) in keys.into_iter().zip(moves) {
                cells[k] = m;
            }
        }
        table
    })
}

/// A fixed, well-mixed hash (Steele, Lea and Flood's SplitMix64 finaliser).
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The rule in words, for the report itself.
pub fn rule_text(threshold: i64) -> String {
    format!(
        "Anonymous by design: no names, contact details, membership numbers or postcodes. Every \
         figure about households, people, visits, members and referrals is protected by the cell \
         key method (ONS's method for flexible tables): each count is moved by a small fixed \
         amount (from -2 to +2) that depends only on which records it counts, then rounded to \
         a multiple of {ROUNDING_BASE}, so the same figure always reads the same and no figure \
         is exact. Counts from 1 to {} are hidden as \"<{threshold}\"; zero is shown. Items and \
         money are the published visits times the average per visit (rounded to a whole item, \
         or 50p), hidden wherever the visits or households are. Totals are protected on their \
         own, so they need not equal the sum of the rows. People are counted once per \
         household, as the household was at its latest visit in the period; figures come from \
         what was recorded at each visit, so later edits or erasure do not change them.",
        threshold - 1
    )
}

/// The rule in a sentence, beside figures on screen.
pub fn rule_in_brief(threshold: i64) -> String {
    format!(
        "Figures are moved slightly and rounded to multiples of {ROUNDING_BASE}, and counts from 1 \
         to {} are hidden as \"<{threshold}\", so no one can be singled out; totals need not \
         equal the sum of the rows.",
        threshold - 1
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_of_the_table_has_the_stated_spread_and_rows_differ() {
        for row in ptable() {
            for (m, n) in SPREAD {
                assert_eq!(row.iter().filter(|&&x| x == m).count(), n);
            }
        }
        assert_ne!(ptable()[0], ptable()[1]);
        assert_eq!(SPREAD.iter().map(|s| s.1).sum::<usize>(), 256);
    }

    #[test]
    fn counts_are_moved_consistently_rounded_and_small_ones_hidden() {
        assert_eq!(publish(Count::new(0, 0), 5), Some(0));
        for v in 1..5 {
            for key in 0..256 {
                assert_eq!(publish(Count::new(v, key), 5), None);
            }
        }
        for v in 5..200 {
            for key in 0..256 {
                let shown = publish(Count::new(v, key), 5).unwrap();
                assert_eq!(shown % 5, 0);
                assert!(shown >= 5 && (shown - v).abs() <= 4, "{v} → {shown}");
                // The same records always give the same figure.
                assert_eq!(publish(Count::new(v, key + 256), 5), Some(shown));
            }
        }
        // Some keys move a count and some do not: no count is known to be exact.
        let moves: std::collections::BTreeSet<i64> =
            (0..256).map(|k| perturbation(40, k)).collect();
        assert_eq!(moves, (-2..=2).collect());
        // A lower threshold shows 2s and 3s (as 5, rounded up from 1 to 5).
        assert_eq!(publish(Count::new(2, 7), 2).map(|v| v % 5), Some(0));
    }

    #[test]
    fn items_and_money_follow_the_published_visits() {
        let f = Figures {
            visits: Count::new(23, 99),
            households: Count::new(9, 40),
            adults: 12,
            children: 7,
            items: 229,
            fees_pence: 23 * 350,
            savings_pence: 229 * 100 - 23 * 350,
            ..Figures::default()
        };
        let cells = publish_figures(&f, 5);
        let visits = cells[0].unwrap();
        assert_eq!(cells[9], Some(10 * visits));
        assert_eq!(cells[10], Some(350 * visits));
        // 645.65p a visit, to 650p.
        assert_eq!(cells[11], Some(650 * visits));
        // Hidden households hide the money too.
        let few = Figures {
            households: Count::new(3, 1),
            ..f
        };
        assert_eq!(&publish_figures(&few, 5)[9..], &[None, None, None]);
        // Negative savings round away from zero.
        assert_eq!(scaled(-23 * 330, 23, 25, 50), -350 * 25);
    }
}
