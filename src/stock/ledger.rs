//! The ledger: append-only movements, each written in its document's transaction together
//! with the cached batch balance; first-expiring batches are taken first.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};

use super::store;
use super::store::ledger::MovementRecord;
use crate::clock::local_date_of;
use crate::db::Conn;
use crate::error::{Error, Result, Shortage};
use crate::settings::Settings;

/// What a movement belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Doc {
    Opening,
    Delivery(i64),
    /// A visit's distribution, or its return when the visit is undone.
    Visit(i64),
    Waste(i64),
    Count(i64),
    /// A parcel packed for a home delivery, or its return when not delivered.
    HomeDelivery(i64),
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
    pub at: DateTime<Utc>,
    pub local_date: NaiveDate,
}

impl When {
    pub(crate) fn at(now: DateTime<Utc>, settings: &Settings) -> When {
        When {
            at: now,
            local_date: local_date_of(now, settings.tz()),
        }
    }
}

pub(crate) async fn new_batch(
    conn: &mut Conn,
    item_id: i64,
    best_before: Option<NaiveDate>,
    use_by: Option<NaiveDate>,
) -> Result<i64> {
    store::ledger::insert_batch(conn, item_id, best_before, use_by).await
}

/// Appends a movement and moves the batch's cached balance with it.
pub(crate) async fn post(conn: &mut Conn, when: &When, m: Movement) -> Result<()> {
    let mut record = MovementRecord {
        at: when.at,
        local_date: when.local_date,
        kind: m.kind,
        item_id: m.item_id,
        batch_id: m.batch_id,
        quantity: m.quantity,
        value_pence: m.value_pence,
        delivery_id: None,
        visit_id: None,
        waste_id: None,
        count_id: None,
        home_delivery_id: None,
    };
    match m.doc {
        Doc::Opening => {}
        Doc::Delivery(id) => record.delivery_id = Some(id),
        Doc::Visit(id) => record.visit_id = Some(id),
        Doc::Waste(id) => record.waste_id = Some(id),
        Doc::Count(id) => record.count_id = Some(id),
        Doc::HomeDelivery(id) => record.home_delivery_id = Some(id),
    }
    store::ledger::insert_movement(conn, &record).await
}

/// Which stock a removal may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Take {
    /// Only stock that is not past its use-by date (giving food out).
    Usable,
    /// Only stock still within its use-by on this day as well (a parcel packed for a later
    /// delivery).
    UsableOn(NaiveDate),
    /// Any stock, past use-by first (waste, count adjustments).
    Any,
}

/// Takes `wanted` units of each item from its first-expiring batches, as movements of
/// `kind` for `doc`. Every shortage is reported at once and nothing is written.
pub(crate) async fn take(
    conn: &mut Conn,
    when: &When,
    wanted: &BTreeMap<i64, i64>,
    kind: &'static str,
    doc: Doc,
    which: Take,
) -> Result<()> {
    let items: Vec<i64> = wanted
        .iter()
        .filter(|(_, q)| **q > 0)
        .map(|(&id, _)| id)
        .collect();
    store::ledger::hold_items(conn, &items).await?;
    let mut plan = Vec::new();
    let mut shortages = Vec::new();
    for (&item_id, &quantity) in wanted.iter().filter(|(_, q)| **q > 0) {
        let on = match which {
            Take::UsableOn(day) => day.max(when.local_date),
            Take::Usable | Take::Any => when.local_date,
        };
        let batches = store::ledger::batches_to_take(conn, item_id, on, which == Take::Any).await?;
        let usable: i64 = batches.iter().filter(|b| b.usable).map(|b| b.on_hand).sum();
        let past: i64 = batches
            .iter()
            .filter(|b| !b.usable)
            .map(|b| b.on_hand)
            .sum();
        let available = if which == Take::Any {
            usable + past
        } else {
            usable
        };
        let (name, value_pence) = store::catalogue::name_and_value(conn, item_id)
            .await?
            .ok_or_else(|| Error::not_found(format!("Item {item_id}")))?;
        if available < quantity {
            shortages.push(shortage(item_id, &name, quantity, usable, past, which));
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
                value_pence: value_pence.map(|v| -v * q),
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
    let giving = which != Take::Any;
    let available = if giving { usable } else { usable + past };
    let mut message = format!("{name}: {wanted} wanted, {available} in stock");
    if giving && past > 0 {
        message.push_str(&format!(
            " ({past} more past the use-by date cannot be given out; record them as waste)"
        ));
    }
    Shortage {
        item_id,
        item: name.to_owned(),
        wanted,
        available,
        past_use_by: if giving { past } else { 0 },
        message,
    }
}

/// The newest movement's id (0 for none).
pub(crate) async fn newest_movement(conn: &mut Conn) -> Result<i64> {
    store::ledger::newest_movement(conn).await
}

/// The balance of every item from the cache, and recomputed from the ledger; they must agree.
pub async fn balances_agree(conn: &mut Conn) -> Result<bool> {
    Ok(store::ledger::batches_out_of_balance(conn).await? == 0)
}
