//! SQL for the ledger: `batches` and `stock_movements` (movements are only ever appended).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{AssertSqlSafe, FromRow};

use crate::db::{Conn, On};
use crate::error::Result;
use crate::on_engine;

/// A movement's row; `doc` is which of delivery, visit, waste and count it belongs to.
pub struct MovementRecord {
    pub at: DateTime<Utc>,
    pub local_date: NaiveDate,
    pub kind: &'static str,
    pub item_id: i64,
    pub batch_id: i64,
    pub quantity: i64,
    pub value_pence: Option<i64>,
    pub delivery_id: Option<i64>,
    pub visit_id: Option<i64>,
    pub waste_id: Option<i64>,
    pub count_id: Option<i64>,
    pub home_delivery_id: Option<i64>,
}

/// How much of the ledger a transaction holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hold {
    /// A share: the movements it writes (desks writing at once share the ledger).
    Movements,
    /// The whole ledger: a stock count reading what is on hand and what moved since.
    Whole,
}

/// Holds the ledger until the transaction ends. On PostgreSQL movement ids are given out
/// before their transactions commit, not in commit order: a stock count holding the whole
/// ledger waits for the desks whose movements are not yet committed and keeps new ones out,
/// so it starts after every movement it expects and ends with every movement made while it
/// was open. SQLite's write transaction already holds the whole file.
pub async fn hold_ledger(conn: &mut Conn, hold: Hold) -> Result<()> {
    if let On::Postgres(conn) = conn.on() {
        sqlx::query(match hold {
            Hold::Movements => "SELECT pg_advisory_xact_lock_shared(hashtext('pantry.ledger'))",
            Hold::Whole => "SELECT pg_advisory_xact_lock(hashtext('pantry.ledger'))",
        })
        .execute(conn)
        .await?;
    }
    Ok(())
}

/// Holds these items' stock until the transaction ends, so that desks taking the same items
/// at once take turns and the second sees what the first left (on PostgreSQL the items'
/// rows, locked in id order after a share of the ledger; SQLite's write transaction already
/// holds the file).
pub async fn hold_items(conn: &mut Conn, item_ids: &[i64]) -> Result<()> {
    hold_ledger(conn, Hold::Movements).await?;
    if let On::Postgres(conn) = conn.on() {
        sqlx::query("SELECT id FROM items WHERE id = ANY($1) ORDER BY id FOR UPDATE")
            .bind(item_ids)
            .fetch_all(conn)
            .await?;
    }
    Ok(())
}

/// The newest movement's id (0 for none).
pub async fn newest_movement(conn: &mut Conn) -> Result<i64> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM stock_movements")
            .fetch_one(conn)
            .await
    )?)
}

pub async fn insert_batch(
    conn: &mut Conn,
    item_id: i64,
    best_before: Option<NaiveDate>,
    use_by: Option<NaiveDate>,
) -> Result<i64> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar(
            "INSERT INTO batches (item_id, best_before, use_by) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(item_id)
        .bind(best_before)
        .bind(use_by)
        .fetch_one(conn)
        .await
    )?)
}

/// Appends a movement and moves the batch's cached balance with it.
pub async fn insert_movement(conn: &mut Conn, m: &MovementRecord) -> Result<()> {
    hold_ledger(conn, Hold::Movements).await?;
    on_engine!(conn, sqlx::query(
        "INSERT INTO stock_movements (at, local_date, kind, item_id, batch_id, quantity, value_pence,
             delivery_id, visit_id, waste_id, count_id, home_delivery_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(m.at)
    .bind(m.local_date)
    .bind(m.kind)
    .bind(m.item_id)
    .bind(m.batch_id)
    .bind(m.quantity)
    .bind(m.value_pence)
    .bind(m.delivery_id)
    .bind(m.visit_id)
    .bind(m.waste_id)
    .bind(m.count_id)
    .bind(m.home_delivery_id)
    .execute(conn)
    .await.map(|done| done.rows_affected()))?;
    on_engine!(
        conn,
        sqlx::query("UPDATE batches SET on_hand = on_hand + $1 WHERE id = $2 AND item_id = $3")
            .bind(m.quantity)
            .bind(m.batch_id)
            .bind(m.item_id)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    )?;
    Ok(())
}

/// A batch with stock, and whether it may still be given out on the day asked about.
#[derive(Debug, Clone, FromRow)]
pub struct BatchStock {
    pub id: i64,
    pub item_id: i64,
    pub on_hand: i64,
    pub usable: bool,
}

/// An item's batches with stock, first-expiring first; with `past_use_by_first`, every batch
/// past its use-by on `today` comes before those that are not.
pub async fn batches_to_take(
    conn: &mut Conn,
    item_id: i64,
    today: NaiveDate,
    past_use_by_first: bool,
) -> Result<Vec<BatchStock>> {
    let order = if past_use_by_first { "usable, " } else { "" };
    Ok(on_engine!(
        conn,
        sqlx::query_as(AssertSqlSafe(format!(
            "SELECT id, item_id, on_hand, (use_by IS NULL OR use_by >= $1) AS usable
         FROM batches WHERE item_id = $2 AND on_hand > 0
         ORDER BY {order} COALESCE(use_by, best_before) IS NULL,
                  CASE WHEN COALESCE(use_by, '9999-12-31') < COALESCE(best_before, '9999-12-31')
                       THEN COALESCE(use_by, '9999-12-31') ELSE COALESCE(best_before, '9999-12-31') END, id"
        )))
        .bind(today)
        .bind(item_id)
        .fetch_all(conn)
        .await
    )?)
}

/// What a visit took, net of anything already put back: (item, batch, quantity, value).
pub async fn taken_by_visit(
    conn: &mut Conn,
    visit_id: i64,
) -> Result<Vec<(i64, i64, i64, Option<i64>)>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as(
            "SELECT item_id, batch_id, CAST(SUM(quantity) AS BIGINT), CAST(SUM(value_pence) AS BIGINT) FROM stock_movements
         WHERE visit_id = $1 GROUP BY item_id, batch_id HAVING CAST(SUM(quantity) AS BIGINT) <> 0",
        )
        .bind(visit_id)
        .fetch_all(conn)
        .await
    )?)
}

/// How many batches' cached balance differs from the sum of their movements.
pub async fn batches_out_of_balance(conn: &mut Conn) -> Result<i64> {
    Ok(on_engine!(conn, sqlx::query_scalar(
        "SELECT COUNT(*) FROM batches b
         WHERE b.on_hand <> (SELECT COALESCE(CAST(SUM(quantity) AS BIGINT), 0) FROM stock_movements m WHERE m.batch_id = b.id)",
    )
    .fetch_one(conn)
    .await)?)
}
