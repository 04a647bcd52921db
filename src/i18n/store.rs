//! SQL for member-facing text settings: the only place that reads or writes the
//! `member_languages` and `opening_times` columns of `pantry_settings`.

use crate::db::Conn;
use crate::error::Result;
use crate::on_engine;

/// (the languages switched on, as comma-separated codes; the opening times), or `None`
/// before first-run setup.
pub async fn load(conn: &mut Conn) -> Result<Option<(String, String)>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as::<_, (String, String)>(
            "SELECT member_languages, opening_times FROM pantry_settings WHERE id = 1",
        )
        .fetch_optional(conn)
        .await
    )?)
}

pub async fn save(conn: &mut Conn, languages: &str, opening_times: &str) -> Result<()> {
    on_engine!(
        conn,
        sqlx::query(
            "UPDATE pantry_settings SET member_languages = $1, opening_times = $2 WHERE id = 1"
        )
        .bind(languages)
        .bind(opening_times)
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
    )?;
    Ok(())
}
