//! SQL for the register of files Pantry wrote about households (`household_files`): the
//! only place that reads or writes it.

use chrono::{DateTime, Utc};
use sqlx::{QueryBuilder, Sqlite};

use super::{CarryingFile, FileLine};
use crate::db::Conn;
use crate::error::Result;

/// Rows per insert statement (well under SQLite's limit on bound values).
const CHUNK: usize = 1_000;

/// Records that `file` (written with these bytes' SHA-256) carries these households.
pub async fn add_file(
    conn: &mut Conn,
    household_ids: &[i64],
    kind: &str,
    file: &str,
    sha256: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    for chunk in household_ids.chunks(CHUNK) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO household_files (household_id, kind, file, sha256, at) ",
        );
        q.push_values(chunk, |mut b, id| {
            b.push_bind(id)
                .push_bind(kind)
                .push_bind(file)
                .push_bind(sha256)
                .push_bind(at);
        });
        q.build().execute(conn.sqlite()?).await?;
    }
    Ok(())
}

/// The files that carry this household.
pub async fn files_of(conn: &mut Conn, id: i64) -> Result<Vec<CarryingFile>> {
    Ok(sqlx::query_as(
        "SELECT f.file, f.sha256,
                EXISTS (SELECT 1 FROM household_files o WHERE o.file = f.file AND o.household_id <> f.household_id) AS shared
         FROM household_files f WHERE f.household_id = ? GROUP BY f.file, f.sha256 ORDER BY MIN(f.id)",
    )
    .bind(id)
    .fetch_all(conn.sqlite()?)
    .await?)
}

/// Erased households that still have files listed: an erasure whose files were not all
/// deleted (the process was killed after the erasure committed, or a file was left).
pub async fn erased_with_files(conn: &mut Conn) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT f.household_id FROM household_files f
         JOIN households h ON h.id = f.household_id
         WHERE h.erased_at IS NOT NULL ORDER BY f.household_id",
    )
    .fetch_all(conn.sqlite()?)
    .await?)
}

/// Forgets a file (for every household it carried): it is gone.
pub async fn forget_file(conn: &mut Conn, file: &str) -> Result<()> {
    sqlx::query("DELETE FROM household_files WHERE file = ?")
        .bind(file)
        .execute(conn.sqlite()?)
        .await?;
    Ok(())
}

/// The files Pantry wrote about a household, for its subject access: (kind, file, written).
pub async fn file_lines(conn: &mut Conn, id: i64) -> Result<Vec<FileLine>> {
    Ok(sqlx::query_as(
        "SELECT kind, file, at FROM household_files WHERE household_id = ? ORDER BY id",
    )
    .bind(id)
    .fetch_all(conn.sqlite()?)
    .await?)
}

/// The files of `from` carry `to` instead (households merged).
pub async fn move_files(conn: &mut Conn, from: i64, to: i64) -> Result<()> {
    sqlx::query("UPDATE household_files SET household_id = ? WHERE household_id = ?")
        .bind(to)
        .bind(from)
        .execute(conn.sqlite()?)
        .await?;
    Ok(())
}
