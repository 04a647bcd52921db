//! Items given out at a visit (when the counter records items): the per-visit colour-band and
//! points limits, taking first-expiring usable stock in the visit's transaction, and putting
//! it back when the visit is undone.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use ts_rs::TS;

use super::ledger::{self, Doc, Movement, Take, When};
use super::store;
use super::StockSettings;
use crate::db::Conn;
use crate::error::{Error, FieldError, Result};

/// One item chosen at the counter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VisitItem {
    #[ts(type = "number")]
    pub item_id: i64,
    #[ts(type = "number")]
    pub quantity: i64,
}

/// An item's band and points, as the limits see it.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Priced {
    pub id: i64,
    pub name: String,
    pub band: Option<String>,
    pub points: i64,
}

/// Every per-visit limit the chosen items break (empty when within limits).
pub fn limits_broken(stock: &StockSettings, chosen: &[(Priced, i64)]) -> Vec<String> {
    let mut problems = Vec::new();
    for band in &stock.bands {
        let taken: i64 = chosen
            .iter()
            .filter(|(p, _)| {
                p.band
                    .as_deref()
                    .is_some_and(|b| b.eq_ignore_ascii_case(&band.name))
            })
            .map(|(_, q)| q)
            .sum();
        if taken > band.per_visit {
            problems.push(format!(
                "{} items: {taken} chosen, {} allowed per visit.",
                band.name, band.per_visit
            ));
        }
    }
    if stock.points_per_visit > 0 {
        let points: i64 = chosen.iter().map(|(p, q)| p.points * q).sum();
        if points > stock.points_per_visit {
            problems.push(format!(
                "{points} points chosen, {} allowed per visit.",
                stock.points_per_visit
            ));
        }
    }
    problems
}

/// Moves the chosen items out for `visit_id`; returns the number of items. Limits and stock
/// are checked first; on any problem nothing is written (the caller's transaction rolls back).
pub(crate) async fn distribute(
    conn: &mut Conn,
    when: &When,
    stock: &StockSettings,
    visit_id: i64,
    lines: &[VisitItem],
) -> Result<i64> {
    let mut wanted: BTreeMap<i64, i64> = BTreeMap::new();
    for l in lines {
        if !(1..=100).contains(&l.quantity) {
            return Err(Error::invalid(
                "lines",
                "Each item's quantity must be from 1 to 100.",
            ));
        }
        *wanted.entry(l.item_id).or_insert(0) += l.quantity;
    }
    let mut chosen = Vec::new();
    for (&id, &q) in &wanted {
        let p = store::catalogue::priced(&mut *conn, id)
            .await?
            .ok_or_else(|| Error::not_found(format!("Item {id}")))?;
        chosen.push((p, q));
    }
    let broken = limits_broken(stock, &chosen);
    if !broken.is_empty() {
        return Err(Error::Validation(
            broken
                .into_iter()
                .map(|m| FieldError::new("lines", m))
                .collect(),
        ));
    }
    ledger::take(
        conn,
        when,
        &wanted,
        "distribution",
        Doc::Visit(visit_id),
        Take::Usable,
    )
    .await?;
    Ok(wanted.values().sum())
}

/// Puts back what an undone visit took, into the batches it came from.
pub(crate) async fn return_visit(conn: &mut Conn, when: &When, visit_id: i64) -> Result<()> {
    let taken = store::ledger::taken_by_visit(&mut *conn, visit_id).await?;
    for (item_id, batch_id, quantity, value) in taken {
        ledger::post(
            conn,
            when,
            Movement {
                kind: "return",
                item_id,
                batch_id,
                quantity: -quantity,
                value_pence: value.map(|v| -v),
                doc: Doc::Visit(visit_id),
            },
        )
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stock::{Band, CounterStock};

    fn item(id: i64, band: Option<&str>, points: i64) -> Priced {
        Priced {
            id,
            name: format!("item {id}"),
            band: band.map(str::to_owned),
            points,
        }
    }

    fn settings(points: i64) -> StockSettings {
        StockSettings {
            counter_stock: CounterStock::Items,
            points_per_visit: points,
            use_by_warning_days: 3,
            bands: vec![
                Band {
                    name: "Red".into(),
                    per_visit: 2,
                },
                Band {
                    name: "Blue".into(),
                    per_visit: 8,
                },
            ],
        }
    }

    #[test]
    fn colour_bands_limit_each_band() {
        let chosen = vec![(item(1, Some("Red"), 1), 2), (item(2, Some("Blue"), 1), 8)];
        assert!(limits_broken(&settings(0), &chosen).is_empty());
        let chosen = vec![(item(1, Some("red"), 1), 2), (item(3, Some("Red"), 1), 1)];
        assert_eq!(
            limits_broken(&settings(0), &chosen),
            vec!["Red items: 3 chosen, 2 allowed per visit."]
        );
    }

    #[test]
    fn points_limit_counts_points_times_quantity() {
        let chosen = vec![(item(1, None, 3), 2), (item(2, None, 1), 4)];
        assert!(limits_broken(&settings(10), &chosen).is_empty());
        assert_eq!(
            limits_broken(&settings(9), &chosen),
            vec!["10 points chosen, 9 allowed per visit."]
        );
        assert!(limits_broken(&settings(0), &chosen).is_empty());
    }
}
