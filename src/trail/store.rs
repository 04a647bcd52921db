//! SQL for the audit trail's sentences: reads (never writes) `households`, `visits`,
//! `referrals`, `agencies`, `volunteers` and `items`, by the ids the trail's entries
//! carry, so that a sentence names what it is about as it is now.

use crate::db::Conn;
use crate::error::Result;
use crate::on_engine;

/// A household's membership number, and whether it has been erased.
pub async fn household(conn: &mut Conn, id: i64) -> Result<Option<(String, bool)>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as(
            "SELECT membership_number, erased_at IS NOT NULL FROM households WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(conn)
        .await
    )?)
}

/// Why a visit was recorded despite the verdict, and why it was undone.
pub async fn visit_reasons(
    conn: &mut Conn,
    id: i64,
) -> Result<Option<(Option<String>, Option<String>)>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as("SELECT override_reason, void_reason FROM visits WHERE id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await
    )?)
}

/// A referral's reference and its agency's name.
pub async fn referral(conn: &mut Conn, id: i64) -> Result<Option<(String, String)>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as(
            "SELECT r.reference, a.name FROM referrals r \
         JOIN agencies a ON a.id = r.agency_id WHERE r.id = $1",
        )
        .bind(id)
        .fetch_optional(conn)
        .await
    )?)
}

pub async fn agency_name(conn: &mut Conn, id: i64) -> Result<Option<String>> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar("SELECT name FROM agencies WHERE id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await
    )?)
}

/// A volunteer's name and role code.
pub async fn volunteer(conn: &mut Conn, id: i64) -> Result<Option<(String, String)>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as("SELECT name, role FROM volunteers WHERE id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await
    )?)
}

pub async fn item_name(conn: &mut Conn, id: i64) -> Result<Option<String>> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar("SELECT name FROM items WHERE id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await
    )?)
}
