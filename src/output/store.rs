//! SQL for the register of files Pantry wrote about households (`household_files`): the
//! only place that reads or writes it.

use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;

use super::{CarryingFile, FileLine};
use crate::db::Conn;
use crate::error::Result;
use crate::on_engine;

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
        on_engine!(conn, {
            let mut q = QueryBuilder::<Engine>::new(
                "INSERT INTO household_files (household_id, kind, file, sha256, at) ",
            );
            q.push_values(chunk, |mut b, id| {
                b.push_bind(id)
                    .push_bind(kind)
                    .push_bind(file)
                    .push_bind(sha256)
                    .push_bind(at);
            });
            q.build()
                .execute(conn)
                .await
                .map(|done| done.rows_affected())
        })?;
    }
    Ok(())
}

/// The files that carry this household.
pub async fn files_of(conn: &mut Conn, id: i64) -> Result<Vec<CarryingFile>> {
    Ok(on_engine!(conn, sqlx::query_as(
        "SELECT f.file, f.sha256,
                EXISTS (SELECT 1 FROM household_files o WHERE o.file = f.file AND o.household_id <> $1) AS shared
         FROM household_files f WHERE f.household_id = $1 GROUP BY f.file, f.sha256 ORDER BY MIN(f.id)",
    )
    .bind(id)
    .fetch_all(conn)
    .await)?)
}

/// Erased households that still have files listed: an erasure whose files were not all
/// deleted (the process was killed after the erasure committed, or a file was left).
pub async fn erased_with_files(conn: &mut Conn) -> Result<Vec<i64>> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar(
            "SELECT DISTINCT f.household_id FROM household_files f
         JOIN households h ON h.id = f.household_id
         WHERE h.erased_at IS NOT NULL ORDER BY f.household_id",
        )
        .fetch_all(conn)
        .await
    )?)
}

/// Forgets a file (for every household it carried): it is gone.
pub async fn forget_file(conn: &mut Conn, file: &str) -> Result<()> {
    on_engine!(
        conn,
        sqlx::query("DELETE FROM household_files WHERE file = $1")
            .bind(file)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    )?;
    Ok(())
}

/// The files Pantry wrote about a household, for its subject access: (kind, file, written).
pub async fn file_lines(conn: &mut Conn, id: i64) -> Result<Vec<FileLine>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as(
            "SELECT kind, file, at FROM household_files WHERE household_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(conn)
        .await
    )?)
}

/// The files of `from` carry `to` instead (households merged).
pub async fn move_files(conn: &mut Conn, from: i64, to: i64) -> Result<()> {
    on_engine!(
        conn,
        sqlx::query("UPDATE household_files SET household_id = $1 WHERE household_id = $2")
            .bind(to)
            .bind(from)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    )?;
    Ok(())
}
