//! Backup commands: status and settings, a backup now, and choosing a backup to restore
//! (finished at the next start, before the database opens).

use pantry::backups::{self, BackupReason, BackupRecord, BackupStatus};
use pantry::Error;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

use crate::AppState;

#[tauri::command]
pub async fn backups_status(state: State<'_, AppState>) -> Result<BackupStatus, Error> {
    let (db, _) = state.signed_in()?;
    backups::status(db).await
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

/// Asks for a backup file and checks it; `None` if the user cancels. Pantry must restart
/// to finish the restore.
#[tauri::command]
pub async fn backups_choose_restore(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<Option<String>, Error> {
    let (db, actor) = state.signed_in()?;
    let dialog = app
        .dialog()
        .file()
        .set_directory(backups::status(db).await?.folder)
        .add_filter("Pantry backup", &["sqlite3"]);
    let chosen = tauri::async_runtime::spawn_blocking(move || dialog.blocking_pick_file())
        .await
        .map_err(|e| Error::Unavailable(format!("The file dialog could not open: {e}")))?;
    let Some(chosen) = chosen else {
        return Ok(None);
    };
    let path = chosen
        .into_path()
        .map_err(|_| Error::invalid("file", "Choose a file on this computer."))?;
    backups::stage_restore(db, &path, &actor).await?;
    Ok(Some(path.display().to_string()))
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
