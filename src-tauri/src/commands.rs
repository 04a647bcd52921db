//! The IPC commands: each converts at the edge and calls one library function.

use pantry::app::AppStatus;
use pantry::settings::{self, Settings, SettingsForm};
use pantry::trail::{self, AuditFilter, AuditPage};
use pantry::Error;
use tauri::State;

use crate::AppState;

#[tauri::command]
pub async fn app_status(state: State<'_, AppState>) -> Result<AppStatus, Error> {
    pantry::app::status(
        state.db.as_ref(),
        state.on_server(),
        state.restore_problem.as_deref(),
    )
    .await
}

#[tauri::command]
pub async fn settings_get(state: State<'_, AppState>) -> Result<Option<Settings>, Error> {
    settings::load(state.db()?).await
}

#[tauri::command]
pub async fn settings_form(state: State<'_, AppState>) -> Result<SettingsForm, Error> {
    settings::form(state.db()?).await
}

#[tauri::command]
pub async fn settings_save(
    state: State<'_, AppState>,
    form: SettingsForm,
) -> Result<Settings, Error> {
    let (db, actor) = state.signed_in()?;
    settings::save(db, &form, &actor).await
}

/// Names this computer's desk (an admin): visits and audit entries written here record it.
#[tauri::command]
pub async fn settings_name_desk(
    state: State<'_, AppState>,
    name: String,
) -> Result<Option<String>, Error> {
    let (db, actor) = state.signed_in()?;
    pantry::app::name_desk(db, &name, &actor).await
}

#[tauri::command]
pub fn settings_time_zones() -> Vec<String> {
    settings::time_zones()
}

#[tauri::command]
pub async fn audit_list(
    state: State<'_, AppState>,
    filter: AuditFilter,
) -> Result<AuditPage, Error> {
    let (db, actor) = state.signed_in()?;
    trail::list(db, &filter, &actor).await
}
