//! The ledger: append-only movements, each written in its document's transaction together
//! with the cached batch balance; first-expiring batches are taken first.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use sqlx::{FromRow, SqliteConnection};

use crate::error::{Error, Result, Shortage};

/// What a movement belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Doc {
    Opening,
    Delivery(i64),
    /// A visit's distribution, or its return when the visit is undone.
    Visit(i64),
    Waste(i64),
    Count(i64),
}

/// One movement to write.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Movement {
    pub kind: &'static str,
    pub item_id: i64,
    pub batch_id: i64,
    /// Positive in, negative out.
    pub quantity: i64,
    /// Unit value × quantity (same sign as the quantity), when the value is known.
    pub value_pence: Option<i64>,
    pub doc: Doc,
}

/// When movements happen: the instant and the pantry's local date.
#[derive(Debug, Clone)]
pub(crate) struct When {
    pub at: String,
    pub local_date: NaiveDate,
}

pub(crate) async fn new_batch(
    conn: &mut SqliteConnection,
    item_id: i64,
    best_before: Option<NaiveDate>,
    use_by: Option<NaiveDate>,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO batches (item_id, best_before, use_by) VALUES (?, ?, ?) RETURNING id",
    )
    .bind(item_id)
    .bind(best_before.map(|d| d.to_string()))
    .bind(use_by.map(|d| d.to_string()))
    .fetch_one(conn)
    .await?)
}

/// Appends a movement and moves the batch's cached balance with it.
pub(crate) async fn post(conn: &mut SqliteConnection, when: &When, m: Movement) -> Result<()> {
    let (delivery, visit, waste, count) = match m.doc {
        Doc::Opening => (None, None, None, None),
        Doc::Delivery(id) => (Some(id), None, None, None),
        Doc::Visit(id) => (None, Some(id), None, None),
        Doc::Waste(id) => (None, None, Some(id), None),
        Doc::Count(id) => (None, None, None, Some(id)),
    };
    sqlx::query(
        "INSERT INTO stock_movements (at, local_date, kind, item_id, batch_id, quantity, value_pence,
             delivery_id, visit_id, waste_id, count_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&when.at)
    .bind(when.local_date.to_string())
    .bind(m.kind)
    .bind(m.item_id)
    .bind(m.batch_id)
    .bind(m.quantity)
    .bind(m.value_pence)
    .bind(delivery)
    .bind(visit)
    .bind(waste)
    .bind(count)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE batches SET on_hand = on_hand + ? WHERE id = ? AND item_id = ?")
        .bind(m.quantity)
        .bind(m.batch_id)
        .bind(m.item_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
struct BatchStock {
    id: i64,
    item_id: i64,
    on_hand: i64,
    usable: bool,
}

#[derive(Debug, Clone, FromRow)]
struct ItemName {
    name: String,
    value_pence: Option<i64>,
}

/// Which stock a removal may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Take {
    /// Only stock that is not past its use-by date (giving food out).
    Usable,
    /// Any stock, past use-by first (waste, count adjustments).
    Any,
}

/// Takes `wanted` units of each item from its first-expiring batches, as movements of
/// `kind` for `doc`. Every shortage is reported at once and nothing is written.
pub(crate) async fn take(
    conn: &mut SqliteConnection,
    when: &When,
    wanted: &BTreeMap<i64, i64>,
    kind: &'static str,
    doc: Doc,
    which: Take,
) -> Result<()> {
    let today = when.local_date.to_string();
    let mut plan = Vec::new();
    let mut shortages = Vec::new();
    for (&item_id, &quantity) in wanted.iter().filter(|(_, q)| **q > 0) {
        let order = match which {
            Take::Usable => "",
            Take::Any => "usable, ",
        };
        let batches: Vec<BatchStock> = sqlx::query_as(&format!(
            "SELECT id, item_id, on_hand, (use_by IS NULL OR use_by >= ?1) AS usable
             FROM batches WHERE item_id = ?2 AND on_hand > 0
             ORDER BY {order} COALESCE(use_by, best_before) IS NULL,
                      MIN(COALESCE(use_by, '9999-12-31'), COALESCE(best_before, '9999-12-31')), id"
        ))
        .bind(&today)
        .bind(item_id)
        .fetch_all(&mut *conn)
        .await?;
        let usable: i64 = batches.iter().filter(|b| b.usable).map(|b| b.on_hand).sum();
        let past: i64 = batches
            .iter()
            .filter(|b| !b.usable)
            .map(|b| b.on_hand)
            .sum();
        let available = match which {
            Take::Usable => usable,
            Take::Any => usable + past,
        };
        let item: ItemName = sqlx::query_as("SELECT name, value_pence FROM items WHERE id = ?")
            .bind(item_id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or_else(|| Error::not_found(format!("Item {item_id}")))?;
        if available < quantity {
            shortages.push(shortage(item_id, &item.name, quantity, usable, past, which));
            continue;
        }
        let mut left = quantity;
        for b in batches.iter().filter(|b| which == Take::Any || b.usable) {
            if left == 0 {
                break;
            }
            let q = left.min(b.on_hand);
            left -= q;
            plan.push(Movement {
                kind,
                item_id: b.item_id,
                batch_id: b.id,
                quantity: -q,
                value_pence: item.value_pence.map(|v| -v * q),
                doc,
            });
        }
    }
    if !shortages.is_empty() {
        return Err(Error::InsufficientStock { lines: shortages });
    }
    for m in plan {
        post(conn, when, m).await?;
    }
    Ok(())
}

fn shortage(
    item_id: i64,
    name: &str,
    wanted: i64,
    usable: i64,
    past: i64,
    which: Take,
) -> Shortage {
    let available = if which == Take::Usable {
        usable
    } else {
        usable + past
    };
    let mut message = format!("{name}: {wanted} wanted, {available} in stock");
    if which == Take::Usable && past > 0 {
        message.push_str(&format!(
            " ({past} more past the use-by date cannot be given out; record them as waste)"
        ));
    }
    Shortage {
        item_id,
        item: name.to_owned(),
        wanted,
        available,
        past_use_by: if which == Take::Usable { past } else { 0 },
        message,
    }
}

/// The balance of every item from the cache, and recomputed from the ledger; they must agree.
pub async fn balances_agree(conn: &mut SqliteConnection) -> Result<bool> {
    let differing: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM batches b
         WHERE b.on_hand <> (SELECT COALESCE(SUM(quantity), 0) FROM stock_movements m WHERE m.batch_id = b.id)",
    )
    .fetch_one(conn)
    .await?;
    Ok(differing == 0)
}
