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

use crate::access::{Actor, Operation, Role};
use crate::audit;
use crate::db::{self, Db, DbLock};
use crate::error::{whole_number, Error, Result};
use crate::files::{self, Existing};
use crate::keys::{DatabaseKey, KeyStore};
use crate::output::BACKUP_PREFIX;
use crate::settings;

/// Backups older than this are reported as stale.
pub const STALE_AFTER_HOURS: i64 = 48;
/// A daily backup is due when the last one is older than this.
const DAILY_HOURS: i64 = 24;
/// A restore chosen in the app waits here, beside the database, until the next start…
const PENDING: &str = "pantry-restore-pending.sqlite3";
/// …with who chose it and what it is (written after the copy, so its presence means the
/// copy is whole).
const PENDING_NOTE: &str = "pantry-restore-pending.json";

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
    let mut conn = db.pool().acquire().await?;
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
        pending_restore: pending_request(db.path())
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
    settings::store::save_backup_settings(&mut tx, folder, i64::from(kept)).await?;
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
    let recorded = store::files(&mut *db.pool().acquire().await?).await?;
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
    let mut conn = db.pool().acquire().await?;
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
    let last = store::last_at(&mut *db.pool().acquire().await?).await?;
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

/// Copies the backup at `from` to a staged file beside `beside`, made to open with `key`
/// (see `db::adopt_copy`), and checks it; returns the copy and whose backup it is.
async fn adopt_backup(
    from: &Path,
    beside: &Path,
    key: &DatabaseKey,
    recovery: Option<&DatabaseKey>,
) -> Result<(tempfile::NamedTempFile, Option<PantryIdentity>)> {
    if !from.is_file() {
        return Err(Error::invalid(
            "file",
            format!("There is no file at {}.", from.display()),
        ));
    }
    // A plain backup (from a Pantry before encryption, or a plain export) is encrypted as
    // it is copied: a plain copy of it in the data folder, left by a process killed
    // half-way, would undo the encryption.
    let staged = if db::is_plain_sqlite(from) {
        let staged = files::stage_beside(beside, |_| Ok(()))?;
        db::encrypt_into(from, staged.path(), key).await?;
        staged
    } else {
        let staged = files::stage_beside(beside, |file| {
            std::io::copy(&mut std::fs::File::open(from)?, file).map(|_| ())
        })?;
        db::adopt_copy(staged.path(), from, key, recovery).await?;
        staged
    };
    let pantry = check_backup(staged.path(), from, key).await?;
    Ok((staged, pantry))
}

/// Checks that `copy` (of the backup at `from`) is a sound Pantry database before it
/// replaces anything, and returns whose it is (if it was set up).
/// The file is opened without being touched (no `-wal`/`-shm` appear beside it).
async fn check_backup(
    copy: &Path,
    from: &Path,
    key: &DatabaseKey,
) -> Result<Option<PantryIdentity>> {
    db::check_integrity(copy, Some(key)).await.map_err(|_| {
        Error::invalid(
            "file",
            format!(
                "{} is not a sound Pantry database; nothing was changed.",
                from.display()
            ),
        )
    })?;
    let pool = db::open_untouched(copy, Some(key)).await?;
    let (is_pantry, version, code) = {
        let mut conn = pool.acquire().await?;
        let is_pantry = store::is_pantry(&mut conn).await?;
        if is_pantry {
            (
                true,
                store::schema_version(&mut conn).await?,
                store::identity(&mut conn).await?,
            )
        } else {
            (false, None, None)
        }
    };
    pool.close().await;
    if let Some(found) = version.filter(|v| *v > db::known_schema()) {
        return Err(Error::invalid(
            "file",
            format!(
                "{} was made by a newer version of Pantry (schema {found}; this one knows up to {}). \
                 Install the newer Pantry to restore it. Nothing was changed.",
                from.display(),
                db::known_schema()
            ),
        ));
    }
    if is_pantry {
        Ok(code)
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

/// Refuses the pantry's own database offered as a backup (through a link, `..` or case).
fn refuse_own_database(from: &Path, db_path: &Path) -> Result<()> {
    if files::same_file(from, db_path) {
        return Err(Error::invalid(
            "file",
            format!(
                "{} is the pantry's own database, not a backup; choose a backup. Nothing was changed.",
                from.display()
            ),
        ));
    }
    Ok(())
}

/// Which pantry a database belongs to: the random id made when it was set up (none in a
/// database older than the id), its short code, which two pantries may share, and whether it
/// holds any member yet.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PantryIdentity {
    pantry_id: Option<String>,
    short_code: String,
    has_members: bool,
}

impl PantryIdentity {
    fn same_pantry(&self, other: &PantryIdentity) -> bool {
        match (&self.pantry_id, &other.pantry_id) {
            (Some(ours), Some(theirs)) => ours == theirs,
            // A backup older than the id: its short code is all there is to go by.
            _ => self.short_code.eq_ignore_ascii_case(&other.short_code),
        }
    }
}

/// Refuses a backup of another pantry (either may not be set up yet). A pantry set up but
/// holding no member yet takes in any pantry's backup: that is a new laptop set up before
/// its pantry's backup was restored onto it, with nothing of its own to lose.
fn refuse_other_pantry(
    from: &Path,
    ours: Option<&PantryIdentity>,
    theirs: Option<&PantryIdentity>,
) -> Result<()> {
    let (Some(ours), Some(theirs)) = (ours, theirs) else {
        return Ok(());
    };
    if ours.same_pantry(theirs) || !ours.has_members {
        return Ok(());
    }
    let whose = if ours.short_code.eq_ignore_ascii_case(&theirs.short_code) {
        format!(
            "another pantry that also uses the short code {}",
            theirs.short_code
        )
    } else {
        format!(
            "another pantry ({}); this pantry is {}",
            theirs.short_code, ours.short_code
        )
    };
    Err(Error::invalid(
        "file",
        format!(
            "{} is a backup of {whose}. Nothing was changed.",
            from.display()
        ),
    ))
}

/// A backup chosen to restore.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RestoreRequest {
    /// Names this restore, so that a restore finished just before a crash is not run again.
    pub id: String,
    /// The file as the user chose it (shown and recorded).
    pub chosen: PathBuf,
    /// When the backup was taken: from a Pantry backup's name, else the file's time.
    pub taken_at: DateTime<Utc>,
    /// The volunteer who asked for the restore.
    pub by: String,
}

impl RestoreRequest {
    /// A restore of `chosen` asked for by `by` (whose right to restore the restore checks).
    pub fn new(chosen: &Path, by: &Actor) -> RestoreRequest {
        let chosen = std::path::absolute(chosen).unwrap_or_else(|_| chosen.to_owned());
        RestoreRequest {
            id: format!(
                "{}-{:016x}",
                Utc::now().format("%Y%m%dT%H%M%S%.6f"),
                fastrand::u64(..)
            ),
            taken_at: taken_at(&chosen),
            chosen,
            by: by.name().to_owned(),
        }
    }
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

/// What a restore did, as the app shows it after restarting (until someone has read it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, FromRow)]
#[serde(rename_all = "camelCase")]
pub struct RestoreNotice {
    #[ts(type = "number")]
    pub id: i64,
    pub at: String,
    pub by: String,
    pub from_file: String,
    /// When the backup restored was taken: the database is now as it was then.
    pub backup_taken_at: String,
    /// What was made after the backup and is now undone, in words ("12 visits recorded"),
    /// one per line; empty when nothing was.
    pub undone: String,
    /// The copy of the database as it was just before the restore.
    pub safety_copy: String,
}

/// Records counted to say what a restore undoes: rows made after the backup was taken
/// (table, one, many).
const UNDONE: [(&str, &str, &str); 9] = [
    ("visits", "visit recorded", "visits recorded"),
    (
        "households",
        "household registered or imported",
        "households registered or imported",
    ),
    (
        "household_changes",
        "change to a household",
        "changes to households",
    ),
    ("referrals", "referral made", "referrals made"),
    (
        "deliveries",
        "stock delivery received",
        "stock deliveries received",
    ),
    ("wastes", "waste record", "waste records"),
    ("stock_counts", "stock count", "stock counts"),
    ("cash_ups", "cash-up", "cash-ups"),
    ("report_exports", "report export", "report exports"),
];

/// Restores the database at `db_path` from a backup. Refused while any other Pantry process
/// has the database open. The current file is backed up first (the safety copy); audit
/// entries made since the backup, and the restore itself, are carried into the restored
/// database; what was undone is recorded for the app to show. The restored database keeps
/// this computer's key: a backup made with another key (another laptop's) needs `recovery`,
/// the key printed on that pantry's recovery sheet, and is re-keyed.
pub async fn restore(
    db_path: &Path,
    from: &Path,
    request: &RestoreRequest,
    keys: &KeyStore,
    recovery: Option<&DatabaseKey>,
) -> Result<RestoreNotice> {
    refuse_own_database(from, db_path)?;
    let lock = DbLock::exclusive(db_path)?;
    let key = db::key_for(db_path, keys)?;
    // The copy to put in place, staged beside the database; everything the restore records
    // goes into it before it replaces the database, so a crash leaves one or the other.
    let (staged, pantry) = adopt_backup(from, db_path, &key, recovery).await?;
    let mut carried = Carried {
        audit: Vec::new(),
        erasures: Vec::new(),
        backups: Vec::new(),
    };
    let mut undone = Vec::new();
    let mut safety = String::new();
    if db_path.exists() {
        let (current, _) = Db::open_locked(db_path, &lock, &key).await?;
        let result = match done_already(&current, request).await {
            Ok(Some(notice)) => {
                current.close().await;
                return Ok(notice);
            }
            Ok(None) => before_restore(&current, staged.path(), pantry.as_ref(), request).await,
            Err(err) => Err(err),
        };
        // Closing the only connection checkpoints the WAL into the file and removes it.
        current.close().await;
        (carried, undone, safety) = result?;
    }
    let (restored, _) = Db::open_locked(staged.path(), &lock, &key).await?;
    let mut notice = after_restore(&restored, request, &carried, &undone.join("\n"), &safety).await;
    if notice.is_ok() {
        // Everything recorded must be in the file itself before it is renamed into place.
        notice = restored.checkpoint().await.and(notice);
    }
    restored.close().await;
    let notice = notice?;
    db::put_in_place(staged, db_path)?;
    // The restored trail is the backup's, with this one's entries carried after it: the
    // newest head seen of the replaced trail no longer applies (the next check keeps its own).
    keys.remember_head(db_path, "");
    Ok(notice)
}

/// The notice of this very restore, when it already happened (it was finished just before
/// Pantry stopped, and is being asked for again at the next start).
async fn done_already(current: &Db, request: &RestoreRequest) -> Result<Option<RestoreNotice>> {
    let mut conn = current.pool().acquire().await?;
    store::restore_for_request(&mut conn, &request.id).await
}

/// Audit entries to carry into the restored database, and erasures to apply again there.
struct Carried {
    audit: Vec<audit::store::StoredEntry>,
    erasures: Vec<(i64, DateTime<Utc>)>,
    /// Backups taken since (the safety copy last), which stay this pantry's own.
    backups: Vec<BackupRecord>,
}

/// With the current database open: what the restore will undo, the audit entries to carry
/// across, and the safety copy.
async fn before_restore(
    current: &Db,
    staged: &Path,
    pantry: Option<&PantryIdentity>,
    request: &RestoreRequest,
) -> Result<(Carried, Vec<String>, String)> {
    let mut conn = current.pool().acquire().await?;
    let ours = store::identity(&mut conn).await?;
    refuse_other_pantry(&request.chosen, ours.as_ref(), pantry)?;
    let backup = db::open_untouched(staged, current.key()).await?;
    let mut then = backup.acquire().await?;
    let mut undone = Vec::new();
    for (table, one, many) in UNDONE {
        // A table the backup does not have yet: everything in it is new.
        let since = store::highest_id(&mut then, table).await.unwrap_or(0);
        match store::count_after(&mut conn, table, since).await? {
            0 => {}
            1 => undone.push(format!("1 {one}")),
            n => undone.push(format!("{n} {many}")),
        }
    }
    // Erasures are never undone: those made since the backup are applied to it again.
    let erased_then = store::erased_households(&mut then).await?;
    let erasures: Vec<(i64, DateTime<Utc>)> = store::erasures(&mut conn)
        .await?
        .into_iter()
        .filter(|(id, _)| !erased_then.contains(id))
        .collect();
    if !erasures.is_empty() {
        let n = erasures.len();
        undone.push(format!(
            "{n} household{} erased since the backup: erased again (erasures are never undone)",
            if n == 1 { "" } else { "s" }
        ));
    }
    let last_audit = store::last_audit_at(&mut then).await?;
    let backups_known = store::highest_id(&mut then, "backups").await?;
    drop(then);
    backup.close().await;
    let audit = store::audit_after(&mut conn, &last_audit.unwrap_or_default()).await?;
    drop(conn);
    // The restore was allowed when it was asked for (an admin in the app, or the command line).
    let by = Actor::system(&request.by, Role::Admin);
    let safety = back_up(current, BackupReason::BeforeRestore, &by)
        .await?
        .file;
    let backups =
        store::backups_after(&mut *current.pool().acquire().await?, backups_known).await?;
    current.checkpoint().await?;
    let carried = Carried {
        audit,
        erasures,
        backups,
    };
    Ok((carried, undone, safety))
}

/// In the restored database: the carried audit entries, the restore itself, and its notice.
async fn after_restore(
    restored: &Db,
    request: &RestoreRequest,
    carried: &Carried,
    undone: &str,
    safety: &str,
) -> Result<RestoreNotice> {
    let mut tx = restored.begin_write().await?;
    audit::carry(&mut tx, &carried.audit).await?;
    for backup in &carried.backups {
        store::carry_backup(&mut tx, backup).await?;
    }
    let from_file = request.chosen.display().to_string();
    let taken = request.taken_at.to_rfc3339();
    audit::record(
        &mut tx,
        restored.now(),
        &request.by,
        "backups.restored",
        None,
        &serde_json::json!({ "from": from_file, "backupTakenAt": taken, "safetyCopy": safety, "undone": undone, "auditEntriesCarried": carried.audit.len(), "erasuresApplied": carried.erasures.len() }),
    )
    .await?;
    let notice = store::insert_restore(
        &mut tx,
        &store::NewRestore {
            request_id: &request.id,
            at: restored.now(),
            by: &request.by,
            from_file: &from_file,
            backup_taken_at: request.taken_at,
            undone,
            safety_copy: safety,
        },
    )
    .await?;
    tx.commit().await?;
    crate::households::erasure::reapply(restored, &carried.erasures, &request.by).await?;
    Ok(notice)
}

/// The last restore, until a volunteer has read it.
pub async fn unseen_restore(db: &Db) -> Result<Option<RestoreNotice>> {
    let mut conn = db.pool().acquire().await?;
    store::unseen_restore(&mut conn).await
}

/// A volunteer has read the notice of a restore.
pub async fn restore_seen(db: &Db, id: i64, actor: &Actor) -> Result<()> {
    let mut tx = db.begin_write().await?;
    store::mark_restore_seen(&mut tx, id, db.now(), actor.name()).await?;
    tx.commit().await?;
    Ok(())
}

/// In the app: checks the chosen backup and leaves it to be restored at the next start,
/// with who chose it. A backup made with another key (another laptop's) needs `recovery`;
/// the copy left waiting is re-keyed to this database's key at once.
pub async fn stage_restore(
    db: &Db,
    from: &Path,
    recovery: Option<&DatabaseKey>,
    actor: &Actor,
) -> Result<()> {
    actor.require(db, Operation::RestoreBackup).await?;
    refuse_own_database(from, db.path())?;
    let key = db.key().ok_or_else(|| {
        Error::Conflict("This database is not encrypted, so it cannot take in a backup.".into())
    })?;
    let pending = db.path().with_file_name(PENDING);
    let (staged, theirs) = adopt_backup(from, &pending, key, recovery).await?;
    let ours = store::identity(&mut *db.pool().acquire().await?).await?;
    refuse_other_pantry(from, ours.as_ref(), theirs.as_ref())?;
    files::persist(staged, &pending, Existing::Replace)?;
    let request = RestoreRequest::new(from, actor);
    let note = serde_json::to_vec_pretty(&request)
        .map_err(|e| Error::File(format!("The restore could not be noted: {e}")))?;
    files::write_atomically(
        &db.path().with_file_name(PENDING_NOTE),
        &note,
        Existing::Replace,
    )?;
    let mut tx = db.begin_write().await?;
    audit::record(
        &mut tx,
        db.now(),
        actor.name(),
        "backups.restore-chosen",
        None,
        &serde_json::json!({ "from": from.display().to_string() }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The restore chosen in the app and waiting for the next start, if any.
fn pending_request(db_path: &Path) -> Result<Option<RestoreRequest>> {
    let note = db_path.with_file_name(PENDING_NOTE);
    let Ok(text) = std::fs::read(&note) else {
        return Ok(None);
    };
    serde_json::from_slice(&text).map(Some).map_err(|e| {
        Error::File(format!(
            "The note of a chosen restore ({}) is unreadable ({e}); the restore was abandoned and \
             nothing was changed. Choose the backup again.",
            note.display()
        ))
    })
}

/// Removes a chosen restore's copy and note.
fn discard_pending(db_path: &Path) -> Result<()> {
    for name in [PENDING_NOTE, PENDING] {
        let file = db_path.with_file_name(name);
        if file.exists() {
            std::fs::remove_file(&file).map_err(|e| files::file_error("remove", &file, &e))?;
        }
    }
    Ok(())
}

/// In the app: the admin changed their mind; the chosen backup will not be restored.
pub async fn cancel_restore(db: &Db, actor: &Actor) -> Result<BackupStatus> {
    actor.require(db, Operation::RestoreBackup).await?;
    let chosen = pending_request(db.path()).ok().flatten();
    discard_pending(db.path())?;
    if let Some(request) = chosen {
        let mut tx = db.begin_write().await?;
        audit::record(
            &mut tx,
            db.now(),
            actor.name(),
            "backups.restore-cancelled",
            None,
            &serde_json::json!({ "from": request.chosen.display().to_string() }),
        )
        .await?;
        tx.commit().await?;
    }
    status(db, actor).await
}

/// At start-up, before the database is opened: finishes a restore chosen in the app. A
/// restore that cannot be done (its copy or note damaged, the backup unsound) is abandoned,
/// its files removed, and the error says so; the database is left as it was. Only while
/// another Pantry process has the database open is the restore kept for the next start.
pub async fn finish_pending_restore(
    db_path: &Path,
    keys: &KeyStore,
) -> Result<Option<RestoreNotice>> {
    let pending = db_path.with_file_name(PENDING);
    let request = match pending_request(db_path) {
        Ok(Some(request)) => request,
        Ok(None) => {
            // No note: no restore was chosen, or choosing it was cut short.
            discard_pending(db_path)?;
            return Ok(None);
        }
        Err(err) => {
            discard_pending(db_path)?;
            return Err(err);
        }
    };
    match restore(db_path, &pending, &request, keys, None).await {
        Ok(notice) => {
            discard_pending(db_path)?;
            Ok(Some(notice))
        }
        Err(err @ Error::Conflict(_)) => Err(err),
        // The copy was checked and given this database's key when it was chosen: one that
        // no longer opens has been damaged since.
        Err(Error::KeyNeeded(_)) => {
            discard_pending(db_path)?;
            Err(Error::invalid(
                "file",
                format!(
                    "The copy of {} waiting to be restored is not a sound Pantry database any \
                     more (it was damaged after it was chosen); the restore was abandoned and \
                     nothing was changed. Choose the backup again.",
                    request.chosen.display()
                ),
            ))
        }
        Err(err) => {
            discard_pending(db_path)?;
            Err(err)
        }
    }
}
