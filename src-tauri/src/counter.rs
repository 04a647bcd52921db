//! Counter commands: each converts at the edge and calls one library function.

use pantry::visits::{self, CashUp, CheckIn, ScanOutcome, Today, VisitForm, VisitRecord};
use pantry::Error;
use tauri::State;

use crate::AppState;

#[tauri::command]
pub async fn visits_scan(state: State<'_, AppState>, typed: String) -> Result<ScanOutcome, Error> {
    visits::scan(state.db()?, &typed).await
}

#[tauri::command]
pub async fn visits_check_in(
    state: State<'_, AppState>,
    household_id: i64,
) -> Result<CheckIn, Error> {
    visits::check_in(state.db()?, household_id, None).await
}

#[tauri::command]
pub async fn visits_record(
    state: State<'_, AppState>,
    form: VisitForm,
) -> Result<VisitRecord, Error> {
    visits::record_visit(state.db()?, &form).await
}

#[tauri::command]
pub async fn visits_void(
    state: State<'_, AppState>,
    id: i64,
    reason: String,
    volunteer: String,
) -> Result<VisitRecord, Error> {
    visits::void_visit(state.db()?, id, &reason, &volunteer).await
}

#[tauri::command]
pub async fn visits_today(state: State<'_, AppState>) -> Result<Today, Error> {
    visits::today(state.db()?).await
}

#[tauri::command]
pub async fn visits_cash_up(
    state: State<'_, AppState>,
    counted: String,
    volunteer: String,
    note: String,
) -> Result<CashUp, Error> {
    visits::cash_up(state.db()?, &counted, &volunteer, &note).await
}
