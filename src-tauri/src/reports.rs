//! Report commands: each converts at the edge and calls one library function.

use pantry::import::ImportFile;
use pantry::reports::dashboard::{self, Dashboard};
use pantry::reports::export::{self, ExportRecord, ReportFormat};
use pantry::reports::{self, rollup, Period, ReportSettingsForm, Summary};
use pantry::{Error, Result};
use tauri::State;

use crate::{AppState, ACTOR};

#[tauri::command]
pub async fn reports_dashboard(state: State<'_, AppState>) -> Result<Dashboard, Error> {
    dashboard::dashboard(state.db()?).await
}

#[tauri::command]
pub fn reports_period(period: String) -> Result<Period, Error> {
    Period::parse(&period)
}

#[tauri::command]
pub async fn reports_summary(state: State<'_, AppState>, period: String) -> Result<Summary, Error> {
    reports::summary(state.db()?, &Period::parse(&period)?).await
}

#[tauri::command]
pub async fn reports_export(
    state: State<'_, AppState>,
    period: String,
    format: ReportFormat,
) -> Result<ExportRecord, Error> {
    export::export_summary(state.db()?, &Period::parse(&period)?, format, None, ACTOR).await
}

#[tauri::command]
pub async fn reports_history(state: State<'_, AppState>) -> Result<Vec<ExportRecord>, Error> {
    export::history(state.db()?).await
}

#[tauri::command]
pub async fn reports_settings(state: State<'_, AppState>) -> Result<ReportSettingsForm, Error> {
    reports::report_settings(state.db()?).await
}

#[tauri::command]
pub async fn reports_save_settings(
    state: State<'_, AppState>,
    form: ReportSettingsForm,
) -> Result<ReportSettingsForm, Error> {
    reports::save_report_settings(state.db()?, &form, ACTOR).await
}

#[tauri::command]
pub async fn reports_rollup(
    state: State<'_, AppState>,
    files: Vec<ImportFile>,
    format: ReportFormat,
) -> Result<ExportRecord, Error> {
    let db = state.db()?;
    let summaries = files
        .iter()
        .map(|f| rollup::read_summary(&f.file_name, &f.bytes()?))
        .collect::<Result<Vec<_>>>()?;
    let combined = rollup::combine(&summaries)?;
    let doc = rollup::rollup_document(&combined);
    let bytes = export::render(&doc, &combined, format)?;
    let out = db.folder("reports").join(format!(
        "rollup-{}_{}.{}",
        combined.from,
        combined.to,
        format.extension()
    ));
    export::write_and_record(db, "rollup", &doc, format, &bytes, &out, ACTOR).await
}
