//! Backups and restore: checked online copies (`VACUUM INTO` + `PRAGMA integrity_check`) to
//! the folder in the settings, daily while the app is open and when it closes, keeping the
//! last N; restore from a chosen copy, only when no other Pantry process has the database
//! open, always backing up the current file first and carrying the audit trail across. All
//! their SQL is in `store`.

mod store;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use ts_rs::TS;

use crate::access::{Actor, Operation};
use crate::audit;
use crate::db::{self, Db};
use crate::error::{whole_number, Error, Result};
use crate::files::{self, Existing};
use crate::output::BACKUP_PREFIX;
use crate::settings;

mod restore;

pub use restore::{
    cancel_restore, finish_pending_restore, restore, restore_seen, stage_restore, unseen_restore,
    PantryIdentity, RestoreNotice, RestoreRequest,
};

/// Backups older than this are reported as stale.
pub const STALE_AFTER_HOURS: i64 = 48;
/// A daily backup is due when the last one is older than this.
const DAILY_HOURS: i64 = 24;
/// A restore chosen in the app waits here, beside the database, until the next start…
const PENDING: &str = "pantry-restore-pending.sqlite3";
/// …with who chose it and what it is (written after the copy, so its presence means the
/// copy is whole).
const PENDING_NOTE: &str = "pantry-restore-pending.json";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
    #[sqlx(try_from = "crate::db::Stamp")]
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
    /// A backup chosen to restore at the next start (the file as chosen), until then.
    pub pending_restore: Option<String>,
    /// The last scheduled backup that could not be taken, until a backup is taken.
    pub failed: Option<BackupFailure>,
}

/// A scheduled backup (daily, or on closing) that could not be taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BackupFailure {
    pub at: String,
    /// Why, in words ("The backup folder … is not there. Is the USB stick plugged in?").
    pub problem: String,
}

pub async fn status(db: &Db, _signed_in: &Actor) -> Result<BackupStatus> {
    let (setting, dir, kept) = settings::backup_folder(db).await?;
    let mut conn = db.acquire().await?;
    let last = store::last(&mut conn).await?;
    let failed = store::failure(&mut conn)
        .await?
        .map(|(at, problem)| BackupFailure {
            at: at.to_rfc3339(),
            problem,
        });
    drop(conn);
    let stale = last
        .as_ref()
        .and_then(|l| DateTime::parse_from_rfc3339(&l.at).ok())
        .is_none_or(|at| db.now() - at.with_timezone(&Utc) > Duration::hours(STALE_AFTER_HOURS));
    Ok(BackupStatus {
        folder: dir.display().to_string(),
        folder_setting: setting,
        kept,
        last,
        stale,
        pending_restore: restore::pending_request(db.path())
            .ok()
            .flatten()
            .map(|r| r.chosen.display().to_string()),
        failed,
    })
}

/// Saves where backups go and how many are kept. A chosen folder must be there and writable:
/// it is never made, since a missing one is most often a USB stick not plugged in.
pub async fn save_settings(
    db: &Db,
    folder: &str,
    kept: &str,
    actor: &Actor,
) -> Result<BackupStatus> {
    actor.require(db, Operation::ChangeBackupSettings).await?;
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
        } else if !dir.is_dir() {
            errors.push(crate::error::FieldError::new(
                "folder",
                "That folder is not there. Is the USB stick plugged in? Pantry does not make it: choose a folder that exists.",
            ));
        } else if tempfile::tempfile_in(dir).is_err() {
            errors.push(crate::error::FieldError::new(
                "folder",
                "Pantry cannot write to that folder. Is the USB stick read-only, or full?",
            ));
        }
    }
    let Some(kept) = kept.filter(|_| errors.is_empty()) else {
        return Err(Error::Validation(errors));
    };
    let mut tx = db.begin_write().await?;
    settings::save_backup_settings(&mut tx, folder, kept).await?;
    audit::record(
        &mut tx,
        db.now(),
        actor.name(),
        "backups.settings",
        None,
        &serde_json::json!({ "folder": folder, "kept": kept }),
    )
    .await?;
    tx.commit().await?;
    status(db, actor).await
}

/// Takes a checked backup now, records it, and removes the oldest beyond the number kept
/// (not for the safety copy before a restore, which may be restoring the oldest).
pub async fn back_up(db: &Db, reason: BackupReason, actor: &Actor) -> Result<BackupRecord> {
    actor.require(db, Operation::TakeBackup).await?;
    let actor = actor.name();
    let (_, dir, kept) = settings::backup_folder(db).await?;
    if dir == db.folder("backups") {
        std::fs::create_dir_all(&dir).map_err(|e| files::file_error("create", &dir, &e))?;
    } else if !dir.is_dir() {
        // A folder chosen in Settings is never made here: a missing one is most often a
        // USB stick that is not plugged in, and a backup on the laptop's own disk would
        // give a false sense of safety.
        return Err(Error::File(format!(
            "The backup folder {} is not there. Is the USB stick plugged in? No backup was taken.",
            dir.display()
        )));
    }
    // The trail is checked before each backup; a break is recorded (and shown to admins),
    // and the backup is still taken: the data matters more.
    let chain = audit::chain::verify(db).await?;
    let at = db.now();
    let file = dir.join(format!(
        "{BACKUP_PREFIX}{}-{}.sqlite3",
        at.format("%Y%m%dT%H%M%S%.3fZ"),
        reason.code()
    ));
    db.backup_to(&file, Existing::Refuse).await?;
    let bytes = std::fs::metadata(&file)
        .map(|m| m.len() as i64)
        .unwrap_or(0);
    let mut tx = db.begin_write().await?;
    store::insert(
        &mut tx,
        at,
        &file.display().to_string(),
        reason.code(),
        bytes,
        &chain.head,
    )
    .await?;
    if let Some(broken) = &chain.broken {
        audit::record(
            &mut tx,
            db.now(),
            actor,
            "audit.chain-broken",
            None,
            &serde_json::json!({ "entry": broken.entry_id, "problem": broken.problem }),
        )
        .await?;
    }
    audit::record(
        &mut tx,
        db.now(),
        actor,
        "backups.taken",
        None,
        &serde_json::json!({ "file": file.display().to_string(), "reason": reason.code(), "auditEntries": chain.head.entries, "auditHead": chain.head.hash }),
    )
    .await?;
    store::set_failure(&mut tx, None).await?;
    tx.commit().await?;
    if reason != BackupReason::BeforeRestore {
        prune(db, &dir, kept).await?;
    }
    encrypt_plain_backups(db, &dir).await?;
    Ok(BackupRecord {
        at: at.to_rfc3339(),
        file: file.display().to_string(),
        reason: reason.code().into(),
        bytes,
    })
}

/// This pantry's own backups in `dir`: files it recorded taking, never another pantry's
/// backups in a shared folder nor anything else that happens to be named like one.
async fn own_backups(db: &Db, dir: &Path) -> Result<Vec<PathBuf>> {
    let recorded = store::files(&mut db.acquire().await?).await?;
    let ours: std::collections::HashSet<std::ffi::OsString> = recorded
        .iter()
        .filter_map(|f| Path::new(f).file_name().map(ToOwned::to_owned))
        .collect();
    Ok(std::fs::read_dir(dir)
        .map_err(|e| files::file_error("read", dir, &e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name().is_some_and(|n| {
                ours.contains(n)
                    && n.to_str()
                        .is_some_and(|n| n.starts_with(BACKUP_PREFIX) && n.ends_with(".sqlite3"))
            })
        })
        .collect())
}

/// Encrypts this pantry's backups in `dir` that an earlier, unencrypted Pantry left plain
/// (a USB stick not plugged in when the database itself was encrypted).
async fn encrypt_plain_backups(db: &Db, dir: &Path) -> Result<()> {
    for file in own_backups(db, dir).await? {
        db.encrypt_plain_copy(&file).await?;
    }
    Ok(())
}

/// Keeps the newest `kept` of this pantry's own backups (`own_backups`) in `dir` (names sort
/// by time), and none older than the retention period (they would hold households erased
/// since).
async fn prune(db: &Db, dir: &Path, kept: i64) -> Result<()> {
    let mut files = own_backups(db, dir).await?;
    files.sort();
    let extra = files
        .len()
        .saturating_sub(usize::try_from(kept).unwrap_or(1));
    let retention = crate::settings::load(db)
        .await?
        .map_or(24, |s| s.retention_months);
    let cutoff = db
        .now()
        .checked_sub_months(chrono::Months::new(retention))
        .unwrap_or(DateTime::<Utc>::MIN_UTC);
    for (n, old) in files.into_iter().enumerate() {
        if n < extra || taken_at(&old) < cutoff {
            std::fs::remove_file(&old).map_err(|e| files::file_error("remove", &old, &e))?;
        }
    }
    Ok(())
}

/// Once an upgrade is verified (the open database passes its integrity check and has every
/// migration this build knows), removes the copies taken before upgrading, which would keep
/// households erased since; and the pantry's backups older than the retention period. Its
/// backups left plain in the backup folder are encrypted.
/// Returns the copies removed. Call it after the database has opened.
pub async fn prune_after_upgrade(db: &Db) -> Result<Vec<PathBuf>> {
    let copies = upgrade_copies(db.path());
    if copies.is_empty() {
        // Nothing to prune: the (costly) integrity check is run only after an upgrade.
        return Ok(copies);
    }
    let mut conn = db.acquire().await?;
    let sound = store::integrity(&mut conn).await? == "ok";
    let current = store::schema_version(&mut conn).await? == Some(db::known_schema());
    drop(conn);
    if !(sound && current) {
        return Ok(Vec::new());
    }
    let mut removed = Vec::new();
    for copy in copies {
        match std::fs::remove_file(&copy) {
            Ok(()) => removed.push(copy),
            // Another Pantry process that opened the upgraded database removed it first.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(files::file_error("remove", &copy, &e)),
        }
    }
    let (_, dir, kept) = settings::backup_folder(db).await?;
    if dir.is_dir() {
        prune(db, &dir, kept).await?;
        encrypt_plain_backups(db, &dir).await?;
    }
    Ok(removed)
}

/// The copies `db` took beside the database before upgrading it
/// (`pantry-before-upgrade-<time>.sqlite3`).
fn upgrade_copies(db_path: &Path) -> Vec<PathBuf> {
    let stem = db_path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!("{stem}-before-upgrade-");
    let Some(dir) = db_path.parent() else {
        return Vec::new();
    };
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".sqlite3"))
        })
        .collect()
}

/// Takes the daily backup if the last one is a day old (or there is none). A backup that
/// cannot be taken is noted for admins to see (`BackupStatus::failed`), as on closing.
pub async fn back_up_if_due(db: &Db, actor: &Actor) -> Result<Option<BackupRecord>> {
    let last = store::last_at(&mut db.acquire().await?).await?;
    let due = last.is_none_or(|at| db.now() - at >= Duration::hours(DAILY_HOURS));
    if due {
        Ok(Some(
            back_up_scheduled(db, BackupReason::Daily, actor).await?,
        ))
    } else {
        Ok(None)
    }
}

/// Takes a backup nobody asked for at that moment (daily, or on closing). One that cannot be
/// taken is noted, and recorded in the audit trail, so that admins see it: nobody is at the
/// screen to read the error.
pub async fn back_up_scheduled(
    db: &Db,
    reason: BackupReason,
    actor: &Actor,
) -> Result<BackupRecord> {
    let err = match back_up(db, reason, actor).await {
        Ok(record) => return Ok(record),
        Err(err) => err,
    };
    let problem = err.to_string();
    match note_failure(db, reason, actor, &problem).await {
        Ok(()) => Err(err),
        Err(noting) => Err(Error::File(format!(
            "{problem} (This could not be noted for the admins either: {noting})"
        ))),
    }
}

async fn note_failure(db: &Db, reason: BackupReason, actor: &Actor, problem: &str) -> Result<()> {
    let mut tx = db.begin_write().await?;
    store::set_failure(&mut tx, Some((db.now(), problem))).await?;
    audit::record(
        &mut tx,
        db.now(),
        actor.name(),
        "backups.failed",
        None,
        &serde_json::json!({ "reason": reason.code(), "problem": problem }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// When a backup was taken: the time in a Pantry backup's name, or the file's own time.
fn taken_at(file: &Path) -> DateTime<Utc> {
    file.file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_prefix(BACKUP_PREFIX))
        .and_then(|n| n.get(..15))
        .and_then(|stamp| chrono::NaiveDateTime::parse_from_str(stamp, "%Y%m%dT%H%M%S").ok())
        .map(|t| t.and_utc())
        .or_else(|| {
            std::fs::metadata(file)
                .and_then(|m| m.modified())
                .ok()
                .map(DateTime::<Utc>::from)
        })
        .unwrap_or_else(Utc::now)
}

/// Copies this laptop's database into an empty server database at `to` (admins only, with
/// the server database's owner's address; recorded here): every table, ids and serials kept,
/// from one consistent read. The audit trail is then walked on both and must end at the same
/// head. `progress` is told each table as it is copied.
pub async fn copy_to_server(
    db: &Db,
    to: &db::server::ServerAddress,
    actor: &Actor,
    progress: impl FnMut(&str, u64),
) -> Result<db::Copied> {
    actor.require(db, Operation::ExportDatabase).await?;
    let here = audit::chain::verify(db).await?;
    let copied = db::copy_to_server(db, to, progress).await?;
    let data_dir = db.path().parent().unwrap_or(Path::new("."));
    let server = Db::open_server_to_check(to, data_dir).await?;
    let there = audit::chain::verify(&server).await;
    server.close().await;
    let there = there?;
    if there.head != here.head || there.broken != here.broken {
        return Err(Error::Conflict(format!(
            "The copy on the server does not end its audit trail where this laptop's does \
             ({} entries here, {} there): do not use the server's copy; empty it and copy again.",
            here.head.entries, there.head.entries
        )));
    }
    let mut tx = db.begin_write().await?;
    audit::record(
        &mut tx,
        db.now(),
        actor.name(),
        "database.copied-to-server",
        None,
        &serde_json::json!({
            "to": to.shown(),
            "households": copied.rows("households"),
            "auditEntries": here.head.entries,
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(copied)
}
