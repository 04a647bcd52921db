//! Report commands: each converts at the edge and calls one library function.

use pantry::import::ImportFile;
use pantry::reports::dashboard::{self, Dashboard};
use pantry::reports::export::{self, ExportRecord, ReportFormat};
use pantry::reports::preview::{self, SummaryPreview};
use pantry::reports::{self, rollup, Period, PeriodOption, ReportSettingsForm};
use pantry::{Error, Result};
use tauri::State;

use crate::AppState;

#[tauri::command]
pub async fn reports_dashboard(state: State<'_, AppState>) -> Result<Dashboard, Error> {
    let (db, actor) = state.signed_in()?;
    dashboard::dashboard(db, &actor).await
}

/// The usual periods (last month, this quarter, last week …) for this pantry today.
#[tauri::command]
pub async fn reports_period_choices(
    state: State<'_, AppState>,
) -> Result<Vec<PeriodOption>, Error> {
    let (db, actor) = state.signed_in()?;
    reports::period_choices(db, &actor).await
}

#[tauri::command]
pub fn reports_period(period: String) -> Result<Period, Error> {
    Period::parse(&period)
}

#[tauri::command]
pub async fn reports_summary(
    state: State<'_, AppState>,
    period: String,
) -> Result<SummaryPreview, Error> {
    let (db, actor) = state.signed_in()?;
    preview::preview(db, &Period::parse(&period)?, &actor).await
}

#[tauri::command]
pub async fn reports_export(
    state: State<'_, AppState>,
    period: String,
    format: ReportFormat,
) -> Result<ExportRecord, Error> {
    let (db, actor) = state.signed_in()?;
    export::export_summary(db, &Period::parse(&period)?, format, None, &actor).await
}

#[tauri::command]
pub async fn reports_history(state: State<'_, AppState>) -> Result<Vec<ExportRecord>, Error> {
    let (db, actor) = state.signed_in()?;
    export::history(db, &actor).await
}

#[tauri::command]
pub async fn reports_settings(state: State<'_, AppState>) -> Result<ReportSettingsForm, Error> {
    let (db, actor) = state.signed_in()?;
    reports::report_settings(db, &actor).await
}

#[tauri::command]
pub async fn reports_save_settings(
    state: State<'_, AppState>,
    form: ReportSettingsForm,
) -> Result<ReportSettingsForm, Error> {
    let (db, actor) = state.signed_in()?;
    reports::save_report_settings(db, &form, &actor).await
}

#[tauri::command]
pub async fn reports_rollup(
    state: State<'_, AppState>,
    files: Vec<ImportFile>,
    format: ReportFormat,
) -> Result<ExportRecord, Error> {
    let (db, actor) = state.signed_in()?;
    let inputs = files
        .iter()
        .map(|f| Ok((f.file_name.clone(), f.bytes()?)))
        .collect::<Result<Vec<_>>>()?;
    Ok(rollup::export_rollup(db, &inputs, format, None, &actor)
        .await?
        .1)
}
