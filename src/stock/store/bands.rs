//! SQL for the stock settings: `stock_bands`, and the stock columns of `pantry_settings`
//! (`counter_stock`, `points_per_visit`, `use_by_warning_days`).

use crate::db::Conn;
use crate::error::Result;
use crate::on_engine;
use crate::stock::Band;

/// (counter_stock code, points per visit, use-by warning days), once the pantry is set up.
pub async fn stock_columns(conn: &mut Conn) -> Result<Option<(String, i64, i64)>> {
    Ok(on_engine!(conn, sqlx::query_as(
        "SELECT counter_stock, points_per_visit, use_by_warning_days FROM pantry_settings WHERE id = 1",
    )
    .fetch_optional(conn)
    .await)?)
}

pub async fn set_stock_columns(
    conn: &mut Conn,
    counter_stock: &str,
    points_per_visit: i64,
    use_by_warning_days: i64,
) -> Result<()> {
    on_engine!(conn, sqlx::query(
        "UPDATE pantry_settings SET counter_stock = $1, points_per_visit = $2, use_by_warning_days = $3 WHERE id = 1",
    )
    .bind(counter_stock)
    .bind(points_per_visit)
    .bind(use_by_warning_days)
    .execute(conn)
    .await.map(|done| done.rows_affected()))?;
    Ok(())
}

/// Every colour band, by name.
pub async fn bands(conn: &mut Conn) -> Result<Vec<Band>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as("SELECT name, per_visit FROM stock_bands ORDER BY lower(name), name")
            .fetch_all(conn)
            .await
    )?)
}

/// Adds a band or changes its per-visit limit.
pub async fn upsert_band(conn: &mut Conn, band: &Band) -> Result<()> {
    on_engine!(
        conn,
        sqlx::query(
            "INSERT INTO stock_bands (name, per_visit) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE SET per_visit = excluded.per_visit",
        )
        .bind(&band.name)
        .bind(band.per_visit)
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
    )?;
    Ok(())
}

pub async fn delete_band(conn: &mut Conn, name: &str) -> Result<()> {
    on_engine!(
        conn,
        sqlx::query("DELETE FROM stock_bands WHERE lower(name) = lower($1)")
            .bind(name)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    )?;
    Ok(())
}

/// Whether a band of this name exists (its stored name if so).
pub async fn band_named(conn: &mut Conn, name: &str) -> Result<Option<String>> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar("SELECT name FROM stock_bands WHERE lower(name) = lower($1)")
            .bind(name)
            .fetch_optional(conn)
            .await
    )?)
}
