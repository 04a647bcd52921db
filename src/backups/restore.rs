//! Restoring a backup: the chosen file checked (sound, a Pantry database, not the live one,
//! this pantry's), staged and re-keyed; the current database backed up first (the safety
//! copy); audit entries, erasures and backups made since carried into the restored copy;
//! and the notice of what was undone. In the app a restore is chosen now and done at the
//! next start, before anything opens the database.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use ts_rs::TS;

use super::{
    back_up, status, store, taken_at, BackupReason, BackupRecord, BackupStatus, PENDING,
    PENDING_NOTE,
};
use crate::access::{Actor, Operation, Role};
use crate::audit;
use crate::db::{self, Conn, Db, DbLock};
use crate::error::{Error, Result};
use crate::files::{self, Existing};
use crate::keys::{DatabaseKey, KeyStore};

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
        let mut conn = Conn::of_file(pool.acquire().await?);
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

/// What a restore did, as the app shows it after restarting (until someone has read it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, FromRow)]
#[serde(rename_all = "camelCase")]
pub struct RestoreNotice {
    #[ts(type = "number")]
    pub id: i64,
    #[sqlx(try_from = "crate::db::Stamp")]
    pub at: String,
    pub by: String,
    pub from_file: String,
    /// When the backup restored was taken: the database is now as it was then.
    #[sqlx(try_from = "crate::db::Stamp")]
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
    let mut conn = current.acquire().await?;
    store::restore_for_request(&mut conn, &request.id).await
}

/// Audit entries to carry into the restored database, and erasures to apply again there.
struct Carried {
    audit: Vec<audit::StoredEntry>,
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
    let mut conn = current.acquire().await?;
    let ours = store::identity(&mut conn).await?;
    refuse_other_pantry(&request.chosen, ours.as_ref(), pantry)?;
    let backup = db::open_untouched(staged, current.key()).await?;
    let mut then = Conn::of_file(backup.acquire().await?);
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
    let backups = store::backups_after(&mut current.acquire().await?, backups_known).await?;
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
    crate::members::erasure::reapply(restored, &carried.erasures, &request.by).await?;
    Ok(notice)
}

/// The last restore, until a volunteer has read it.
pub async fn unseen_restore(db: &Db) -> Result<Option<RestoreNotice>> {
    let mut conn = db.acquire().await?;
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
    let ours = store::identity(&mut db.acquire().await?).await?;
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
pub(super) fn pending_request(db_path: &Path) -> Result<Option<RestoreRequest>> {
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
