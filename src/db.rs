//! Opening the SQLite database: settings for durability, migrations with a backup first,
//! refusal of a schema newer than this app, write transactions and online backups.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use chrono::Utc;
use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};

use crate::error::{Error, Result};

static MIGRATOR: Migrator = sqlx::migrate!();

/// An open Pantry database.
#[derive(Debug, Clone)]
pub struct Db {
    pool: SqlitePool,
    path: PathBuf,
}

/// What happened while opening.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    pub migrations_applied: usize,
    /// A copy of the file taken before migrations were applied to an existing database.
    pub backup: Option<PathBuf>,
}

impl Db {
    /// Opens (creating if missing) the database in `data_dir`.
    pub async fn open_in(data_dir: &Path) -> Result<(Db, Opened)> {
        std::fs::create_dir_all(data_dir)?;
        Db::open(&data_dir.join(crate::paths::DATABASE_FILE)).await
    }

    /// Opens (creating if missing) the database file at `path` and brings its schema up to date.
    pub async fn open(path: &Path) -> Result<(Db, Opened)> {
        let existed = std::fs::metadata(path).is_ok_and(|m| m.len() > 0);
        let options = SqliteConnectOptions::from_str("sqlite:")?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        let db = Db {
            pool,
            path: path.to_owned(),
        };
        match db.migrate(existed).await {
            Ok(opened) => Ok((db, opened)),
            Err(err) => {
                db.close().await;
                Err(err)
            }
        }
    }

    async fn migrate(&self, existed: bool) -> Result<Opened> {
        let applied = self.applied_versions().await?;
        let known = known_schema();
        if let Some(&found) = applied.iter().max() {
            if found > known {
                return Err(Error::SchemaTooNew { found, known });
            }
        }
        let pending = MIGRATOR
            .iter()
            .filter(|m| !m.migration_type.is_down_migration() && !applied.contains(&m.version))
            .count();
        let backup = if existed && pending > 0 {
            let target = sibling_with_stamp(&self.path, "before-upgrade");
            self.backup_to(&target).await?;
            Some(target)
        } else {
            None
        };
        MIGRATOR.run(&self.pool).await?;
        Ok(Opened {
            migrations_applied: pending,
            backup,
        })
    }

    async fn applied_versions(&self) -> Result<Vec<i64>> {
        let has_table: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations')",
        )
        .fetch_one(&self.pool)
        .await?;
        if !has_table {
            return Ok(Vec::new());
        }
        Ok(
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success = 1")
                .fetch_all(&self.pool)
                .await?,
        )
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A folder beside the database for files Pantry writes (`print`, `exports`).
    pub fn folder(&self, name: &str) -> PathBuf {
        self.path.with_file_name(name)
    }

    /// Starts a write transaction with `BEGIN IMMEDIATE`, so two writers queue on the
    /// busy timeout instead of failing half-way.
    pub async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// Writes a consistent copy of the database to `target` (which must not exist) and
    /// checks the copy with `PRAGMA integrity_check`.
    pub async fn backup_to(&self, target: &Path) -> Result<()> {
        if target.exists() {
            return Err(Error::Conflict(format!(
                "A file already exists at {}; choose another name.",
                target.display()
            )));
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let target_text = target
            .to_str()
            .ok_or_else(|| Error::invalid("path", "The backup path must be valid text (UTF-8)."))?;
        sqlx::query("VACUUM INTO ?")
            .bind(target_text)
            .execute(&self.pool)
            .await?;
        check_integrity(target).await
    }

    /// Backs up into `dir` under a timestamped name and returns the file written.
    pub async fn backup_into(&self, dir: &Path) -> Result<PathBuf> {
        let target = dir.join(stamped_name(&self.path, "backup"));
        self.backup_to(&target).await?;
        Ok(target)
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The newest schema version this build knows.
pub fn known_schema() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

/// Opens `path` read-only and runs `PRAGMA integrity_check`.
pub async fn check_integrity(path: &Path) -> Result<()> {
    let options = SqliteConnectOptions::new().filename(path).read_only(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await?;
    let verdict: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&pool)
        .await?;
    pool.close().await;
    if verdict == "ok" {
        Ok(())
    } else {
        Err(Error::Conflict(format!(
            "The copy at {} failed its integrity check: {verdict}",
            path.display()
        )))
    }
}

/// `pantry.sqlite3` → `pantry-<label>-20261124T101500Z.sqlite3`.
fn stamped_name(db_path: &Path, label: &str) -> String {
    let stem = db_path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("pantry");
    let stamp = Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
    format!("{stem}-{label}-{stamp}.sqlite3")
}

fn sibling_with_stamp(db_path: &Path, label: &str) -> PathBuf {
    db_path.with_file_name(stamped_name(db_path, label))
}
