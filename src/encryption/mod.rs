//! What admins do with the encryption at rest: print the recovery sheet, never beside the
//! data, and say when it is printed and put away (and be told until then), and take the whole database out as a plain SQLite file. The
//! keys themselves are `keys`'s; opening encrypted files is `db`'s. All SQL is in `store`.

mod store;

use std::path::{Path, PathBuf};

use serde::Serialize;
use ts_rs::TS;

use crate::access::{Actor, Operation};
use crate::audit::{
    self,
    chain::{self, ChainBreak, ChainCheck},
};
use crate::db::Db;
use crate::error::{Error, Result};
use crate::files::Existing;
use crate::output::{self, Destination, Guard};
use crate::print::recovery::{recovery_sheet, RecoveryFace};

/// What admins are shown about the pantry's safeguards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SecurityStatus {
    /// The fingerprint of the key in use (harmless to show).
    pub fingerprint: String,
    /// When a recovery sheet for this key was last printed, if ever.
    pub sheet_printed_at: Option<String>,
    /// The audit trail's check: its head, and the first entry that does not fit, if any.
    pub audit: ChainCheck,
}

fn key_of(db: &Db) -> Result<&crate::keys::DatabaseKey> {
    db.key()
        .ok_or_else(|| Error::Conflict("This database is not encrypted.".into()))
}

/// The safeguards' state (admins only: the recovery sheet and the audit trail are theirs).
pub async fn security_status(db: &Db, actor: &Actor) -> Result<SecurityStatus> {
    actor.require(db, Operation::PrintRecoverySheet).await?;
    let fingerprint = key_of(db)?.fingerprint();
    let audit = chain::verify(db).await?;
    let mut conn = db.acquire().await?;
    let sheet_printed_at = store::last_sheet_for(&mut conn, &fingerprint)
        .await?
        .map(|at| at.to_rfc3339());
    Ok(SecurityStatus {
        fingerprint,
        sheet_printed_at,
        audit,
    })
}

/// Checks the audit trail (at every start) and records a break in the trail itself, so it
/// is never silently passed over; admins are shown it with `security_status`.
pub async fn note_audit_break(db: &Db) -> Result<Option<ChainBreak>> {
    let check = chain::verify(db).await?;
    if let Some(broken) = &check.broken {
        let mut tx = db.begin_write().await?;
        audit::record(
            &mut tx,
            db.now(),
            "Pantry",
            "audit.chain-broken",
            None,
            &serde_json::json!({ "entry": broken.entry_id, "problem": broken.problem }),
        )
        .await?;
        tx.commit().await?;
    }
    Ok(check.broken)
}

/// Writes the recovery sheet of the key in use to the file or folder the admin chose
/// (admins only). It opens every backup, so it never goes in the data folder or a backup
/// folder: a copy of either would carry its own key. Writing it is not printing it: the
/// sheet counts as printed once the admin says so (`confirm_recovery_sheet_put_away`).
pub async fn print_recovery_sheet(db: &Db, to: &Destination, actor: &Actor) -> Result<PathBuf> {
    actor.require(db, Operation::PrintRecoverySheet).await?;
    refuse_beside_the_data(db, to).await?;
    let key = key_of(db)?;
    let settings = crate::settings::load(db).await?;
    let at = db.now();
    let tz = settings
        .as_ref()
        .and_then(|s| s.time_zone.parse::<chrono_tz::Tz>().ok())
        .unwrap_or(chrono_tz::Europe::London);
    let face = RecoveryFace {
        pantry_name: settings.map_or_else(|| "This pantry".into(), |s| s.name),
        recovery_key: key.recovery_text(),
        fingerprint: key.fingerprint(),
        printed: format!(
            "{} by {}",
            at.with_timezone(&tz).format("%d/%m/%Y %H:%M"),
            actor.name()
        ),
    };
    output::write(db, to, &recovery_sheet(&face)?).await
}

/// Refuses a destination for the recovery sheet in the data folder, or in (or under) a
/// backup folder.
async fn refuse_beside_the_data(db: &Db, to: &Destination) -> Result<()> {
    let target = match to {
        Destination::File { path, .. } => path.clone(),
        Destination::NewIn { dir, .. } => dir.join("recovery-sheet.pdf"),
        Destination::Folder { folder, .. } => db.folder(folder).join("recovery-sheet.pdf"),
    };
    let target = crate::files::comparable(&target);
    let data_folder = db.path().parent().map(crate::files::comparable);
    let backup_folders = crate::output::backup_folders(db).await?;
    let inside = |folder: &Path| {
        target
            .ancestors()
            .skip(1)
            .any(|dir| crate::files::same_path(dir, &crate::files::comparable(folder)))
    };
    if data_folder.as_deref().is_some_and(inside) || backup_folders.iter().any(|f| inside(f)) {
        return Err(Error::invalid(
            "out",
            "The recovery sheet opens every backup of this pantry, so it never goes in the data \
             folder or a backup folder (a copy of either would carry its own key). Choose \
             another folder, such as Documents; print the sheet, then delete the file. Nothing \
             was written.",
        ));
    }
    Ok(())
}

/// Records that the admin printed the recovery sheet of the key in use and put it away
/// (admins only; recorded, by fingerprint). Only this stops the reminder to print it.
pub async fn confirm_recovery_sheet_put_away(db: &Db, actor: &Actor) -> Result<()> {
    actor.require(db, Operation::PrintRecoverySheet).await?;
    let fingerprint = key_of(db)?.fingerprint();
    let at = db.now();
    let mut tx = db.begin_write().await?;
    store::insert_sheet(&mut tx, at, actor.name(), &fingerprint).await?;
    audit::record(
        &mut tx,
        at,
        actor.name(),
        "encryption.recovery-sheet-printed",
        None,
        &serde_json::json!({ "keyFingerprint": fingerprint }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Writes an unencrypted copy of the whole database to `path` (admins only; recorded), so a
/// pantry can always take its data out with standard tools. Anyone who gets the copy can
/// read every member's details: the command line warns before writing it.
pub async fn export_plain(db: &Db, path: &Path, existing: Existing, actor: &Actor) -> Result<()> {
    actor.require(db, Operation::ExportDatabase).await?;
    Guard::of(db).await?.check(path, existing)?;
    db.export_plain_to(path, existing).await?;
    let mut tx = db.begin_write().await?;
    audit::record(
        &mut tx,
        db.now(),
        actor.name(),
        "encryption.plain-export",
        None,
        &serde_json::json!({ "file": path.display().to_string() }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
