//! Backup commands: status and settings, a backup now, and choosing a backup to restore
//! (finished at the next start, before the database opens).

use pantry::backups::{self, BackupReason, BackupRecord, BackupStatus};
use pantry::encryption::{self, SecurityStatus};
use pantry::keys::DatabaseKey;
use pantry::output::Destination;
use pantry::Error;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

use crate::AppState;

#[tauri::command]
pub async fn backups_status(state: State<'_, AppState>) -> Result<BackupStatus, Error> {
    let (db, actor) = state.signed_in()?;
    backups::status(db, &actor).await
}

#[tauri::command]
pub async fn backups_save_settings(
    state: State<'_, AppState>,
    folder: String,
    kept: String,
) -> Result<BackupStatus, Error> {
    let (db, actor) = state.signed_in()?;
    backups::save_settings(db, &folder, &kept, &actor).await
}

#[tauri::command]
pub async fn backups_now(state: State<'_, AppState>) -> Result<BackupRecord, Error> {
    let (db, actor) = state.signed_in()?;
    backups::back_up(db, BackupReason::Manual, &actor).await
}

/// Asks for a backup file; `None` if the user cancels.
#[tauri::command]
pub async fn backups_pick(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<Option<String>, Error> {
    let (db, actor) = state.signed_in()?;
    let dialog = app
        .dialog()
        .file()
        .set_directory(backups::status(db, &actor).await?.folder)
        .add_filter("Pantry backup", &["sqlite3"]);
    crate::dialogs::pick_file(dialog, "file").await
}

/// Checks the chosen backup (with the recovery key, for one from another laptop) and leaves
/// it to be restored when Pantry restarts.
#[tauri::command]
pub async fn backups_choose_restore(
    state: State<'_, AppState>,
    chosen: String,
    recovery_key: Option<String>,
) -> Result<(), Error> {
    let (db, actor) = state.signed_in()?;
    let recovery = recovery_key
        .as_deref()
        .filter(|k| !k.trim().is_empty())
        .map(DatabaseKey::from_recovery_text)
        .transpose()?;
    backups::stage_restore(db, std::path::Path::new(&chosen), recovery.as_ref(), &actor).await
}

/// The admin changed their mind: the chosen backup will not be restored.
#[tauri::command]
pub async fn backups_cancel_restore(state: State<'_, AppState>) -> Result<BackupStatus, Error> {
    let (db, actor) = state.signed_in()?;
    backups::cancel_restore(db, &actor).await
}

/// The signed-in volunteer has read the notice of a restore.
#[tauri::command]
pub async fn backups_restore_seen(state: State<'_, AppState>, id: i64) -> Result<(), Error> {
    let (db, actor) = state.signed_in()?;
    backups::restore_seen(db, id, &actor).await
}

#[tauri::command]
pub fn backups_restart(app: AppHandle) {
    app.restart();
}

/// The key's fingerprint, whether its recovery sheet was printed, and the audit trail's
/// check (admins).
#[tauri::command]
pub async fn security_status(state: State<'_, AppState>) -> Result<SecurityStatus, Error> {
    let (db, actor) = state.signed_in()?;
    encryption::security_status(db, &actor).await
}

/// Where the recovery sheet is offered to go first: the user's Documents folder (never the
/// data folder).
#[tauri::command]
pub fn security_sheet_folder(app: AppHandle) -> Option<String> {
    use tauri::Manager;
    let paths = app.path();
    paths
        .document_dir()
        .or_else(|_| paths.home_dir())
        .ok()
        .map(|dir| dir.display().to_string())
}

/// Writes the recovery sheet as a new PDF in the folder the admin chose.
#[tauri::command]
pub async fn security_print_recovery_sheet(
    state: State<'_, AppState>,
    folder: String,
) -> Result<String, Error> {
    let (db, actor) = state.signed_in()?;
    let to = Destination::NewIn {
        dir: folder.trim().into(),
        stem: format!(
            "recovery-sheet-{}",
            chrono::Utc::now().format("%Y%m%d-%H%M%S")
        ),
        extension: "pdf",
    };
    let path = encryption::print_recovery_sheet(db, &to, &actor).await?;
    Ok(path.display().to_string())
}

/// The admin printed the recovery sheet and put it away.
#[tauri::command]
pub async fn security_sheet_put_away(state: State<'_, AppState>) -> Result<(), Error> {
    let (db, actor) = state.signed_in()?;
    encryption::confirm_recovery_sheet_put_away(db, &actor).await
}

/// The database would not open for want of its key: the recovery key typed at the start
/// screen is checked and kept; Pantry then restarts.
#[tauri::command]
pub async fn security_unlock(
    app: AppHandle,
    state: State<'_, AppState>,
    recovery_key: String,
) -> Result<(), Error> {
    let key = DatabaseKey::from_recovery_text(&recovery_key)?;
    pantry::db::unlock_with(state.db_path()?, &key, state.keys()).await?;
    app.restart();
}
