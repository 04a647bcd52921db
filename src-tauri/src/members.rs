//! Members commands: each converts at the edge and calls one library function.

use pantry::households::duplicates::{self, DuplicateCandidate};
use pantry::households::form::HouseholdForm;
use pantry::households::{self, Household, ListPage, ListQuery, RegistrationOptions, Status};
use pantry::import::{self, ImportField, ImportFile, ImportPreview, ImportProgress, ImportReport};
use pantry::members;
use pantry::members::erasure::{self, Erasure};
use pantry::members::protection::{self, RetentionPreview};
use pantry::members::HouseholdPage;
use pantry::{settings, Error};
use tauri::ipc::Channel;
use tauri::State;

use crate::AppState;

#[tauri::command]
pub async fn households_options(state: State<'_, AppState>) -> Result<RegistrationOptions, Error> {
    let (db, actor) = state.signed_in()?;
    households::registration_options(db, &actor).await
}

#[tauri::command]
pub async fn households_list(
    state: State<'_, AppState>,
    query: ListQuery,
) -> Result<ListPage, Error> {
    let (db, actor) = state.signed_in()?;
    households::list(db, &query, &actor).await
}

#[tauri::command]
pub async fn households_page(state: State<'_, AppState>, id: i64) -> Result<HouseholdPage, Error> {
    let (db, actor) = state.signed_in()?;
    members::page(db, id, &actor).await
}

#[tauri::command]
pub async fn households_suggest_neighbourhood(
    state: State<'_, AppState>,
    postcode: String,
) -> Result<Option<i64>, Error> {
    let (db, _) = state.signed_in()?;
    let settings = settings::require(db).await?;
    Ok(households::suggested_neighbourhood(&settings, &postcode))
}

#[tauri::command]
pub async fn households_duplicates(
    state: State<'_, AppState>,
    form: HouseholdForm,
    except: Option<i64>,
) -> Result<Vec<DuplicateCandidate>, Error> {
    let (db, actor) = state.signed_in()?;
    duplicates::find(db, &form, except, &actor).await
}

#[tauri::command]
pub async fn households_register(
    state: State<'_, AppState>,
    form: HouseholdForm,
    duplicate_reason: Option<String>,
) -> Result<Household, Error> {
    let (db, actor) = state.signed_in()?;
    members::register(db, &form, duplicate_reason.as_deref(), &actor).await
}

#[tauri::command]
pub async fn households_update(
    state: State<'_, AppState>,
    id: i64,
    form: HouseholdForm,
) -> Result<Household, Error> {
    let (db, actor) = state.signed_in()?;
    households::update(db, id, &form, &actor).await
}

#[tauri::command]
pub async fn households_renew(state: State<'_, AppState>, id: i64) -> Result<Household, Error> {
    let (db, actor) = state.signed_in()?;
    households::renew(db, id, &actor).await
}

#[tauri::command]
pub async fn households_set_status(
    state: State<'_, AppState>,
    id: i64,
    status: Status,
    reason: Option<String>,
) -> Result<Household, Error> {
    let (db, actor) = state.signed_in()?;
    households::set_status(db, id, status, reason.as_deref(), &actor).await
}

#[tauri::command]
pub async fn households_merge(
    state: State<'_, AppState>,
    keep: i64,
    remove_number: String,
) -> Result<Household, Error> {
    let (db, actor) = state.signed_in()?;
    members::merge_by_number(db, keep, &remove_number, &actor).await
}

#[tauri::command]
pub async fn households_erase(
    state: State<'_, AppState>,
    id: i64,
    reason: String,
) -> Result<Erasure, Error> {
    let (db, actor) = state.signed_in()?;
    erasure::erase(db, id, &reason, &actor).await
}

#[tauri::command]
pub async fn households_subject_access(
    state: State<'_, AppState>,
    id: i64,
) -> Result<Vec<String>, Error> {
    let (db, actor) = state.signed_in()?;
    let files = protection::write_subject_access(db, id, None, &actor).await?;
    Ok(files.iter().map(|f| f.display().to_string()).collect())
}

#[tauri::command]
pub async fn households_retention_preview(
    state: State<'_, AppState>,
) -> Result<RetentionPreview, Error> {
    let (db, actor) = state.signed_in()?;
    protection::retention_preview(db, &actor).await
}

#[tauri::command]
pub async fn households_retention_apply(state: State<'_, AppState>) -> Result<usize, Error> {
    let (db, actor) = state.signed_in()?;
    protection::apply_retention(db, &actor).await
}

#[tauri::command]
pub fn import_preview(file: ImportFile) -> Result<ImportPreview, Error> {
    Ok(import::preview(&file.read()?))
}

#[tauri::command]
pub async fn import_check(
    state: State<'_, AppState>,
    file: ImportFile,
    mapping: Vec<Option<ImportField>>,
) -> Result<ImportReport, Error> {
    let (db, actor) = state.signed_in()?;
    import::check(db, &file.read()?, &mapping, &actor).await
}

#[tauri::command]
pub async fn import_members(
    state: State<'_, AppState>,
    file: ImportFile,
    mapping: Vec<Option<ImportField>>,
    on_progress: Channel<ImportProgress>,
) -> Result<ImportReport, Error> {
    let (db, actor) = state.signed_in()?;
    let sheet = file.read()?;
    import::import(db, &sheet, &mapping, &actor, &mut |p| {
        // A closed window cannot receive progress; the import itself goes on.
        let _ = on_progress.send(p);
    })
    .await
}
