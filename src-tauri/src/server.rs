//! The pantry's server: tried and chosen on the first-run screen, or given up for this
//! laptop's own database when it cannot be reached at start. The library checks and keeps
//! the choice; Pantry then restarts on it.

use pantry::app;
use pantry::db::choice::{self, ServerCheck, ServerForm};
use pantry::Error;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

use crate::AppState;

/// Connects to the server the form gives (within 3 seconds) and lets go; nothing is kept.
#[tauri::command]
pub async fn server_try(
    state: State<'_, AppState>,
    form: ServerForm,
) -> Result<ServerCheck, Error> {
    app::may_choose_server(state.db()?).await?;
    choice::try_server(&form).await
}

/// Asks for the server's CA certificate file; `None` if the user cancels.
#[tauri::command]
pub async fn server_pick_ca_file(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<Option<String>, Error> {
    app::may_choose_server(state.db()?).await?;
    let dialog = app
        .dialog()
        .file()
        .add_filter("CA certificate", &["crt", "pem", "cer"]);
    crate::dialogs::pick_file(dialog, "caFile").await
}

/// Keeps the server as this computer's pantry database (once it answered) and restarts on it.
#[tauri::command]
pub async fn server_connect(
    app: AppHandle,
    state: State<'_, AppState>,
    form: ServerForm,
) -> Result<(), Error> {
    app::may_choose_server(state.db()?).await?;
    choice::choose_server(state.data_dir()?, state.keys(), &form).await?;
    app.restart();
}

/// The server chosen could not be used at start: forget it and restart on this laptop's
/// own database.
#[tauri::command]
pub fn server_use_laptop(app: AppHandle, state: State<'_, AppState>) -> Result<(), Error> {
    choice::forget_failed_server(state.data_dir()?, state.keys(), state.server_failed())?;
    app.restart();
}

/// Tries the server again: Pantry restarts.
#[tauri::command]
pub fn server_retry(app: AppHandle) {
    app.restart();
}
