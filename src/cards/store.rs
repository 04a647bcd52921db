//! SQL for cards: the only place that reads or writes `cards`.

use chrono::{DateTime, Utc};
use sqlx::{QueryBuilder, Sqlite};

use super::{Card, CardLookup};
use crate::db::Conn;
use crate::error::Result;

/// A new card, not printed yet, issued `at`.
pub async fn insert(
    conn: &mut Conn,
    household_id: i64,
    number: &str,
    issue: u32,
    at: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO cards (household_id, card_number, issue, issued_at) VALUES (?, ?, ?, ?)",
    )
    .bind(household_id)
    .bind(number)
    .bind(issue)
    .bind(at)
    .execute(conn.sqlite()?)
    .await?;
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
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO cards (household_id, card_number, issue, issued_at, printed_at) ",
        );
        q.push_values(chunk, |mut b, card| {
            b.push_bind(card.household_id)
                .push_bind(&card.number)
                .push_bind(1)
                .push_bind(card.issued)
                .push_bind(card.printed);
        });
        q.build().execute(conn.sqlite()?).await?;
    }
    Ok(())
}

pub async fn current(conn: &mut Conn, household_id: i64) -> Result<Option<Card>> {
    Ok(sqlx::query_as::<_, Card>(
        "SELECT card_number, issue, issued_at, printed_at, revoked_at, revoke_reason FROM cards
         WHERE household_id = ? AND revoked_at IS NULL ORDER BY issue DESC LIMIT 1",
    )
    .bind(household_id)
    .fetch_optional(conn.sqlite()?)
    .await?)
}

pub async fn all_for(conn: &mut Conn, household_id: i64) -> Result<Vec<Card>> {
    Ok(sqlx::query_as::<_, Card>(
        "SELECT card_number, issue, issued_at, printed_at, revoked_at, revoke_reason FROM cards
         WHERE household_id = ? ORDER BY issue DESC, id DESC",
    )
    .bind(household_id)
    .fetch_all(conn.sqlite()?)
    .await?)
}

pub async fn last_issue(conn: &mut Conn, household_id: i64) -> Result<u32> {
    let n: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(issue), 0) FROM cards WHERE household_id = ?")
            .bind(household_id)
            .fetch_one(conn.sqlite()?)
            .await?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

pub async fn revoke_current(
    conn: &mut Conn,
    household_id: i64,
    at: DateTime<Utc>,
    reason: &str,
) -> Result<()> {
    sqlx::query("UPDATE cards SET revoked_at = ?, revoke_reason = ? WHERE household_id = ? AND revoked_at IS NULL")
        .bind(at)
        .bind(reason)
        .bind(household_id)
        .execute(conn.sqlite()?)
        .await?;
    Ok(())
}

pub async fn unprinted_households(conn: &mut Conn) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT c.household_id FROM cards c JOIN households h ON h.id = c.household_id
         WHERE c.printed_at IS NULL AND c.revoked_at IS NULL AND h.erased_at IS NULL
         ORDER BY h.search_name, h.id",
    )
    .fetch_all(conn.sqlite()?)
    .await?)
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
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "SELECT c.id AS card_id, h.id AS household_id, c.card_number, h.membership_number, h.lead_name,
                    h.language
             FROM cards c JOIN households h ON h.id = c.household_id
             WHERE c.revoked_at IS NULL AND h.erased_at IS NULL AND h.id IN (",
        );
        let mut sep = q.separated(", ");
        for id in chunk {
            sep.push_bind(id);
        }
        q.push(")");
        rows.extend(
            q.build_query_as::<PrintRow>()
                .fetch_all(conn.sqlite()?)
                .await?,
        );
    }
    rows.sort_by_key(|r| household_ids.iter().position(|id| *id == r.household_id));
    Ok(rows)
}

pub async fn mark_printed(conn: &mut Conn, card_ids: &[i64], at: DateTime<Utc>) -> Result<()> {
    for chunk in card_ids.chunks(500) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new("UPDATE cards SET printed_at = ");
        q.push_bind(at).push(" WHERE id IN (");
        let mut sep = q.separated(", ");
        for id in chunk {
            sep.push_bind(id);
        }
        q.push(")");
        q.build().execute(conn.sqlite()?).await?;
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
    "SELECT household_id, card_number, revoked_at, revoke_reason FROM cards WHERE card_number = ?";

pub async fn lookup(conn: &mut Conn, number: &str) -> Result<Option<CardLookup>> {
    let Some(row) = sqlx::query_as::<_, ScannedRow>(LOOKUP_SQL)
        .bind(number)
        .fetch_optional(conn.sqlite()?)
        .await?
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
    sqlx::query("UPDATE cards SET household_id = ? WHERE household_id = ?")
        .bind(to)
        .bind(from)
        .execute(conn.sqlite()?)
        .await?;
    Ok(())
}

/// Erasure: a household's card numbers (and why a card was replaced) are removed; the cards
/// stay, so how many were issued is still known. The number left is the card's own id.
pub async fn erase_numbers(conn: &mut Conn, household_id: i64) -> Result<()> {
    sqlx::query(
        "UPDATE cards SET card_number = 'erased-' || id,
             revoke_reason = CASE WHEN revoke_reason IS NULL THEN NULL ELSE '' END
         WHERE household_id = ?",
    )
    .bind(household_id)
    .execute(conn.sqlite()?)
    .await?;
    Ok(())
}
