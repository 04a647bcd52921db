//! SQL for cards: the only place that reads or writes `cards`.

use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;

use super::{Card, CardLookup};
use crate::db::Conn;
use crate::error::Result;
use crate::on_engine;

/// A new card, not printed yet, issued `at`.
pub async fn insert(
    conn: &mut Conn,
    household_id: i64,
    number: &str,
    issue: u32,
    at: DateTime<Utc>,
) -> Result<()> {
    on_engine!(conn, sqlx::query(
        "INSERT INTO cards (household_id, card_number, issue, issued_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(household_id)
    .bind(number)
    .bind(i64::from(issue))
    .bind(at)
    .execute(conn)
    .await
    .map(|done| done.rows_affected()))?;
    Ok(())
}

/// A household's first card, to insert.
#[derive(Debug, Clone)]
pub struct FirstCard {
    pub household_id: i64,
    pub number: String,
    pub issued: DateTime<Utc>,
    pub printed: Option<DateTime<Utc>>,
}

/// First cards for new households.
pub async fn insert_many(conn: &mut Conn, rows: &[FirstCard]) -> Result<()> {
    for chunk in rows.chunks(2_000) {
        on_engine!(conn, {
            let mut q = QueryBuilder::<Engine>::new(
                "INSERT INTO cards (household_id, card_number, issue, issued_at, printed_at) ",
            );
            q.push_values(chunk, |mut b, card| {
                b.push_bind(card.household_id)
                    .push_bind(&card.number)
                    .push_bind(1_i64)
                    .push_bind(card.issued)
                    .push_bind(card.printed);
            });
            q.build()
                .execute(conn)
                .await
                .map(|done| done.rows_affected())
        })?;
    }
    Ok(())
}

pub async fn current(conn: &mut Conn, household_id: i64) -> Result<Option<Card>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as::<_, Card>(
            "SELECT card_number, issue, issued_at, printed_at, revoked_at, revoke_reason FROM cards
         WHERE household_id = $1 AND revoked_at IS NULL ORDER BY issue DESC LIMIT 1",
        )
        .bind(household_id)
        .fetch_optional(conn)
        .await
    )?)
}

pub async fn all_for(conn: &mut Conn, household_id: i64) -> Result<Vec<Card>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as::<_, Card>(
            "SELECT card_number, issue, issued_at, printed_at, revoked_at, revoke_reason FROM cards
         WHERE household_id = $1 ORDER BY issue DESC, id DESC",
        )
        .bind(household_id)
        .fetch_all(conn)
        .await
    )?)
}

pub async fn last_issue(conn: &mut Conn, household_id: i64) -> Result<u32> {
    let n: i64 = on_engine!(
        conn,
        sqlx::query_scalar("SELECT COALESCE(MAX(issue), 0) FROM cards WHERE household_id = $1")
            .bind(household_id)
            .fetch_one(conn)
            .await
    )?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

pub async fn revoke_current(
    conn: &mut Conn,
    household_id: i64,
    at: DateTime<Utc>,
    reason: &str,
) -> Result<()> {
    on_engine!(conn, sqlx::query("UPDATE cards SET revoked_at = $1, revoke_reason = $2 WHERE household_id = $3 AND revoked_at IS NULL")
        .bind(at)
        .bind(reason)
        .bind(household_id)
        .execute(conn)
        .await
        .map(|done| done.rows_affected()))?;
    Ok(())
}

pub async fn unprinted_households(conn: &mut Conn) -> Result<Vec<i64>> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar(
            "SELECT c.household_id FROM cards c JOIN households h ON h.id = c.household_id
         WHERE c.printed_at IS NULL AND c.revoked_at IS NULL AND h.erased_at IS NULL
         ORDER BY h.search_name, h.id",
        )
        .fetch_all(conn)
        .await
    )?)
}

#[derive(sqlx::FromRow)]
pub struct PrintRow {
    pub card_id: i64,
    pub household_id: i64,
    pub card_number: String,
    pub membership_number: String,
    pub lead_name: String,
    pub language: String,
}

/// Current cards of the given households, in the order given.
pub async fn current_for(conn: &mut Conn, household_ids: &[i64]) -> Result<Vec<PrintRow>> {
    let mut rows = Vec::with_capacity(household_ids.len());
    for chunk in household_ids.chunks(500) {
        rows.extend(on_engine!(conn, {
            let mut q = QueryBuilder::<Engine>::new(
                "SELECT c.id AS card_id, h.id AS household_id, c.card_number, h.membership_number,
                        h.lead_name, h.language
                 FROM cards c JOIN households h ON h.id = c.household_id
                 WHERE c.revoked_at IS NULL AND h.erased_at IS NULL AND h.id IN (",
            );
            let mut sep = q.separated(", ");
            for id in chunk {
                sep.push_bind(id);
            }
            q.push(")");
            q.build_query_as::<PrintRow>().fetch_all(conn).await
        })?);
    }
    rows.sort_by_key(|r| household_ids.iter().position(|id| *id == r.household_id));
    Ok(rows)
}

pub async fn mark_printed(conn: &mut Conn, card_ids: &[i64], at: DateTime<Utc>) -> Result<()> {
    for chunk in card_ids.chunks(500) {
        on_engine!(conn, {
            let mut q = QueryBuilder::<Engine>::new("UPDATE cards SET printed_at = ");
            q.push_bind(at).push(" WHERE id IN (");
            let mut sep = q.separated(", ");
            for id in chunk {
                sep.push_bind(id);
            }
            q.push(")");
            q.build()
                .execute(conn)
                .await
                .map(|done| done.rows_affected())
        })?;
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct ScannedRow {
    household_id: i64,
    card_number: String,
    revoked_at: Option<DateTime<Utc>>,
    revoke_reason: Option<String>,
}

/// The card with this number, with the household's current card when it was revoked.
/// The card with a number (public for the counter benchmark's bare baseline).
pub const LOOKUP_SQL: &str =
    "SELECT household_id, card_number, revoked_at, revoke_reason FROM cards WHERE card_number = $1";

pub async fn lookup(conn: &mut Conn, number: &str) -> Result<Option<CardLookup>> {
    let Some(row) = on_engine!(
        conn,
        sqlx::query_as::<_, ScannedRow>(LOOKUP_SQL)
            .bind(number)
            .fetch_optional(conn)
            .await
    )?
    else {
        return Ok(None);
    };
    let current_card = match row.revoked_at {
        Some(_) => current(conn, row.household_id)
            .await?
            .map(|c| c.card_number),
        None => None,
    };
    Ok(Some(CardLookup {
        household_id: row.household_id,
        card_number: row.card_number,
        revoked: row.revoked_at.map(|at| match row.revoke_reason {
            Some(r) => format!("{} ({r})", at.date_naive()),
            None => at.to_rfc3339(),
        }),
        current_card,
    }))
}

pub async fn move_all(conn: &mut Conn, from: i64, to: i64) -> Result<()> {
    on_engine!(
        conn,
        sqlx::query("UPDATE cards SET household_id = $1 WHERE household_id = $2")
            .bind(to)
            .bind(from)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    )?;
    Ok(())
}

/// Erasure: a household's card numbers (and why a card was replaced) are removed; the cards
/// stay, so how many were issued is still known. The number left is the card's own id.
pub async fn erase_numbers(conn: &mut Conn, household_id: i64) -> Result<()> {
    on_engine!(
        conn,
        sqlx::query(
            "UPDATE cards SET card_number = 'erased-' || id,
             revoke_reason = CASE WHEN revoke_reason IS NULL THEN NULL ELSE '' END
         WHERE household_id = $1",
        )
        .bind(household_id)
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
    )?;
    Ok(())
}
