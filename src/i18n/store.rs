//! SQL for member-facing text settings: the only place that reads or writes the
//! `member_languages` and `opening_times` columns of `pantry_settings`.

use crate::db::Conn;
use crate::error::Result;

/// (the languages switched on, as comma-separated codes; the opening times), or `None`
/// before first-run setup.
pub async fn load(conn: &mut Conn) -> Result<Option<(String, String)>> {
    Ok(sqlx::query_as::<_, (String, String)>(
        "SELECT member_languages, opening_times FROM pantry_settings WHERE id = 1",
    )
    .fetch_optional(conn.sqlite()?)
    .await?)
}

pub async fn save(conn: &mut Conn, languages: &str, opening_times: &str) -> Result<()> {
    sqlx::query("UPDATE pantry_settings SET member_languages = ?, opening_times = ? WHERE id = 1")
        .bind(languages)
        .bind(opening_times)
        .execute(conn.sqlite()?)
        .await?;
    Ok(())
}
