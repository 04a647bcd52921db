//! Counter commands: each converts at the edge and calls one library function.

use pantry::visits::{
    self, CashUp, CheckIn, ScanOutcome, Today, TypeAhead, VisitForm, VisitRecord,
};
use pantry::Error;
use tauri::State;

use crate::AppState;

#[tauri::command]
pub async fn visits_scan(state: State<'_, AppState>, typed: String) -> Result<ScanOutcome, Error> {
    let (db, actor) = state.signed_in()?;
    visits::scan(db, &typed, &actor).await
}

#[tauri::command]
pub async fn visits_type_ahead(
    state: State<'_, AppState>,
    typed: String,
) -> Result<TypeAhead, Error> {
    let (db, actor) = state.signed_in()?;
    visits::type_ahead(db, &typed, &actor).await
}

#[tauri::command]
pub async fn visits_check_in(
    state: State<'_, AppState>,
    household_id: i64,
) -> Result<CheckIn, Error> {
    let (db, actor) = state.signed_in()?;
    visits::check_in(db, household_id, None, &actor).await
}

#[tauri::command]
pub async fn visits_record(
    state: State<'_, AppState>,
    form: VisitForm,
) -> Result<VisitRecord, Error> {
    let (db, actor) = state.signed_in()?;
    visits::record_visit(db, &form, &actor).await
}

#[tauri::command]
pub async fn visits_void(
    state: State<'_, AppState>,
    id: i64,
    reason: String,
) -> Result<VisitRecord, Error> {
    let (db, actor) = state.signed_in()?;
    visits::void_visit(db, id, &reason, &actor).await
}

/// The pantry's activity stamp: the screens reload what other desks changed when it moves.
#[tauri::command]
pub async fn desks_activity(state: State<'_, AppState>) -> Result<String, Error> {
    let (db, actor) = state.signed_in()?;
    pantry::desks::activity(db, &actor).await
}

#[tauri::command]
pub async fn visits_today(state: State<'_, AppState>) -> Result<Today, Error> {
    let (db, actor) = state.signed_in()?;
    visits::today(db, &actor).await
}

#[tauri::command]
pub async fn visits_cash_up(
    state: State<'_, AppState>,
    counted: String,
    note: String,
) -> Result<CashUp, Error> {
    let (db, actor) = state.signed_in()?;
    visits::cash_up(db, &counted, &note, &actor).await
}
