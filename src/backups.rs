//! Backups and restore: checked online copies (`VACUUM INTO` + `PRAGMA integrity_check`) to
//! the folder in the settings, daily while the app is open and when it closes, keeping the
//! last N; restore from a chosen copy, always backing up the current file first.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use ts_rs::TS;

use crate::audit;
use crate::db::{self, Db};
use crate::error::{whole_number, Error, Result};
use crate::volunteers::{Actor, Role};

/// Backups older than this are reported as stale.
pub const STALE_AFTER_HOURS: i64 = 48;
/// A daily backup is due when the last one is older than this.
const DAILY_HOURS: i64 = 24;
/// Backup files Pantry writes (and may prune) start with this.
const PREFIX: &str = "pantry-backup-";
/// A restore chosen in the app waits here, beside the database, until the next start.
const PENDING: &str = "pantry-restore-pending.sqlite3";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum BackupReason {
    Daily,
    Close,
    Manual,
    BeforeRestore,
}

impl BackupReason {
    fn code(self) -> &'static str {
        match self {
            BackupReason::Daily => "daily",
            BackupReason::Close => "close",
            BackupReason::Manual => "manual",
            BackupReason::BeforeRestore => "before-restore",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, FromRow)]
#[serde(rename_all = "camelCase")]
pub struct BackupRecord {
    pub at: String,
    pub file: String,
    pub reason: String,
    #[ts(type = "number")]
    pub bytes: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BackupStatus {
    /// Where backups go (the setting, or the default folder beside the database).
    pub folder: String,
    /// The setting as saved (empty = the default folder).
    pub folder_setting: String,
    #[ts(type = "number")]
    pub kept: i64,
    pub last: Option<BackupRecord>,
    /// No backup yet, or the last is older than two days.
    pub stale: bool,
}

async fn settings_row(db: &Db) -> Result<(String, i64)> {
    Ok(
        sqlx::query_as("SELECT backup_folder, backups_kept FROM pantry_settings WHERE id = 1")
            .fetch_optional(db.pool())
            .await?
            .unwrap_or((String::new(), 14)),
    )
}

async fn folder(db: &Db) -> Result<(PathBuf, i64)> {
    let (setting, kept) = settings_row(db).await?;
    let dir = if setting.trim().is_empty() {
        db.folder("backups")
    } else {
        PathBuf::from(setting.trim())
    };
    Ok((dir, kept))
}

pub async fn status(db: &Db) -> Result<BackupStatus> {
    let (setting, kept) = settings_row(db).await?;
    let (dir, _) = folder(db).await?;
    let last: Option<BackupRecord> =
        sqlx::query_as("SELECT at, file, reason, bytes FROM backups ORDER BY id DESC LIMIT 1")
            .fetch_optional(db.pool())
            .await?;
    let stale = last
        .as_ref()
        .and_then(|l| DateTime::parse_from_rfc3339(&l.at).ok())
        .is_none_or(|at| Utc::now() - at.with_timezone(&Utc) > Duration::hours(STALE_AFTER_HOURS));
    Ok(BackupStatus {
        folder: dir.display().to_string(),
        folder_setting: setting,
        kept,
        last,
        stale,
    })
}

/// Saves where backups go and how many are kept (the folder must be writable).
pub async fn save_settings(
    db: &Db,
    folder: &str,
    kept: &str,
    actor: &Actor,
) -> Result<BackupStatus> {
    actor
        .require(db, Role::Admin, "Changing the backup settings")
        .await?;
    let actor = actor.name.as_str();
    let mut errors = Vec::new();
    let kept = whole_number(&mut errors, "kept", kept, 1, 365, "Backups kept");
    let folder = folder.trim();
    if !folder.is_empty() {
        let dir = Path::new(folder);
        if !dir.is_absolute() {
            errors.push(crate::error::FieldError::new(
                "folder",
                "Give the full path of the folder (or leave it empty for the default).",
            ));
        } else if std::fs::create_dir_all(dir).is_err() || !dir.is_dir() {
            errors.push(crate::error::FieldError::new(
                "folder",
                "Pantry cannot write to that folder. Is the USB stick plugged in?",
            ));
        }
    }
    let Some(kept) = kept.filter(|_| errors.is_empty()) else {
        return Err(Error::Validation(errors));
    };
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE pantry_settings SET backup_folder = ?, backups_kept = ? WHERE id = 1")
        .bind(folder)
        .bind(i64::from(kept))
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        actor,
        "backups.settings",
        None,
        &serde_json::json!({ "folder": folder, "kept": kept }),
    )
    .await?;
    tx.commit().await?;
    status(db).await
}

/// Takes a checked backup now, records it, and removes the oldest beyond the number kept.
pub async fn back_up(db: &Db, reason: BackupReason, actor: &str) -> Result<BackupRecord> {
    let (dir, kept) = folder(db).await?;
    std::fs::create_dir_all(&dir)?;
    let at = Utc::now();
    let file = dir.join(format!(
        "{PREFIX}{}-{}.sqlite3",
        at.format("%Y%m%dT%H%M%S%.3fZ"),
        reason.code()
    ));
    db.backup_to(&file).await?;
    let bytes = std::fs::metadata(&file)
        .map(|m| m.len() as i64)
        .unwrap_or(0);
    let mut tx = db.begin_write().await?;
    sqlx::query("INSERT INTO backups (at, file, reason, bytes) VALUES (?, ?, ?, ?)")
        .bind(at.to_rfc3339())
        .bind(file.display().to_string())
        .bind(reason.code())
        .bind(bytes)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        actor,
        "backups.taken",
        None,
        &serde_json::json!({ "file": file.display().to_string(), "reason": reason.code() }),
    )
    .await?;
    tx.commit().await?;
    prune(&dir, kept)?;
    Ok(BackupRecord {
        at: at.to_rfc3339(),
        file: file.display().to_string(),
        reason: reason.code().into(),
        bytes,
    })
}

/// Keeps the newest `kept` backup files Pantry wrote in `dir` (names sort by time).
fn prune(dir: &Path, kept: i64) -> Result<()> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(PREFIX) && n.ends_with(".sqlite3"))
        })
        .collect();
    files.sort();
    let extra = files
        .len()
        .saturating_sub(usize::try_from(kept).unwrap_or(1));
    for old in files.into_iter().take(extra) {
        std::fs::remove_file(old)?;
    }
    Ok(())
}

/// Takes the daily backup if the last one is a day old (or there is none).
pub async fn back_up_if_due(db: &Db, actor: &str) -> Result<Option<BackupRecord>> {
    let last: Option<String> = sqlx::query_scalar("SELECT MAX(at) FROM backups")
        .fetch_one(db.pool())
        .await?;
    let due = last
        .and_then(|at| DateTime::parse_from_rfc3339(&at).ok())
        .is_none_or(|at| Utc::now() - at.with_timezone(&Utc) >= Duration::hours(DAILY_HOURS));
    if due {
        Ok(Some(back_up(db, BackupReason::Daily, actor).await?))
    } else {
        Ok(None)
    }
}

/// Checks that `from` is a sound Pantry database before it replaces anything.
async fn check_backup(from: &Path) -> Result<()> {
    if !from.is_file() {
        return Err(Error::invalid(
            "file",
            format!("There is no file at {}.", from.display()),
        ));
    }
    db::check_integrity(from).await.map_err(|_| {
        Error::invalid(
            "file",
            format!(
                "{} is not a sound Pantry database; nothing was changed.",
                from.display()
            ),
        )
    })?;
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(from)
        .read_only(true);
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await?;
    let is_pantry: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'pantry_settings')",
    )
    .fetch_one(&pool)
    .await?;
    let version: Option<i64> = if is_pantry {
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success = 1")
            .fetch_one(&pool)
            .await?
    } else {
        None
    };
    pool.close().await;
    if let Some(found) = version.filter(|v| *v > db::known_schema()) {
        return Err(Error::SchemaTooNew {
            found,
            known: db::known_schema(),
        });
    }
    if is_pantry {
        Ok(())
    } else {
        Err(Error::invalid(
            "file",
            format!(
                "{} is not a Pantry backup; nothing was changed.",
                from.display()
            ),
        ))
    }
}

/// Restores the database at `db_path` from `from` (no one may have it open): the current
/// file is backed up first, then replaced. Returns the safety copy of the current file.
pub async fn restore(db_path: &Path, from: &Path, actor: &str) -> Result<Option<PathBuf>> {
    check_backup(from).await?;
    let mut safety = None;
    if db_path.exists() {
        let (current, _) = Db::open(db_path).await?;
        safety = Some(PathBuf::from(
            back_up(&current, BackupReason::BeforeRestore, actor)
                .await?
                .file,
        ));
        current.close().await;
    }
    let staging = db_path.with_extension("restoring");
    std::fs::copy(from, &staging)?;
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", db_path.display()));
        if side.exists() {
            std::fs::remove_file(side)?;
        }
    }
    std::fs::rename(&staging, db_path)?;
    let (restored, _) = Db::open(db_path).await?;
    let mut tx = restored.begin_write().await?;
    audit::record(&mut tx, actor, "backups.restored", None, &serde_json::json!({ "from": from.display().to_string(), "safetyCopy": safety.as_ref().map(|p| p.display().to_string()) })).await?;
    tx.commit().await?;
    restored.close().await;
    Ok(safety)
}

/// In the app: checks the chosen backup and leaves it to be restored at the next start.
pub async fn stage_restore(db: &Db, from: &Path, actor: &Actor) -> Result<()> {
    actor.require(db, Role::Admin, "Restoring a backup").await?;
    let actor = actor.name.as_str();
    check_backup(from).await?;
    std::fs::copy(from, db.path().with_file_name(PENDING))?;
    let mut tx = db.begin_write().await?;
    audit::record(
        &mut tx,
        actor,
        "backups.restore-chosen",
        None,
        &serde_json::json!({ "from": from.display().to_string() }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// At start-up, before the database is opened: finishes a restore chosen in the app.
pub async fn finish_pending_restore(db_path: &Path, actor: &str) -> Result<bool> {
    let pending = db_path.with_file_name(PENDING);
    if !pending.exists() {
        return Ok(false);
    }
    restore(db_path, &pending, actor).await?;
    std::fs::remove_file(pending)?;
    Ok(true)
}
