//! Outreach commands (support needs, welfare calls, home deliveries): each converts at the
//! edge and calls one library function.

use chrono::NaiveDate;
use pantry::output::Destination;
use pantry::outreach::{
    self, ContactAttempt, ContactDue, ContactForm, DeliveryOutcome, HomeDeliveryDetails,
    HomeDeliveryForm, NeedForm, ParcelLineForm, Printed, Round, RoundForm, Settled, Suggestion,
    SupportNeed, SupportNeedRecord,
};
use pantry::Error;
use tauri::State;

use crate::AppState;

#[tauri::command]
pub async fn outreach_contact_list(state: State<'_, AppState>) -> Result<Vec<ContactDue>, Error> {
    let (db, actor) = state.signed_in()?;
    outreach::contact_list(db, &actor).await
}

#[tauri::command]
pub async fn outreach_contact_weeks(state: State<'_, AppState>) -> Result<u32, Error> {
    let (db, actor) = state.signed_in()?;
    outreach::contact_after_weeks(db, &actor).await
}

#[tauri::command]
pub async fn outreach_set_contact_weeks(
    state: State<'_, AppState>,
    weeks: u32,
) -> Result<u32, Error> {
    let (db, actor) = state.signed_in()?;
    outreach::set_contact_after_weeks(db, weeks, &actor).await
}

#[tauri::command]
pub async fn outreach_log_contact(
    state: State<'_, AppState>,
    form: ContactForm,
) -> Result<ContactAttempt, Error> {
    let (db, actor) = state.signed_in()?;
    outreach::log_contact(db, &form, &actor).await
}

#[tauri::command]
pub async fn outreach_contacts_of(
    state: State<'_, AppState>,
    household_id: i64,
) -> Result<Vec<ContactAttempt>, Error> {
    let (db, actor) = state.signed_in()?;
    outreach::contacts_of(db, household_id, &actor).await
}

#[tauri::command]
pub async fn outreach_needs(
    state: State<'_, AppState>,
    household_id: i64,
) -> Result<Vec<SupportNeedRecord>, Error> {
    let (db, actor) = state.signed_in()?;
    outreach::support_needs(db, household_id, &actor).await
}

#[tauri::command]
pub async fn outreach_record_need(
    state: State<'_, AppState>,
    form: NeedForm,
) -> Result<Vec<SupportNeedRecord>, Error> {
    let (db, actor) = state.signed_in()?;
    outreach::record_support_need(db, &form, &actor).await
}

#[tauri::command]
pub async fn outreach_remove_need(
    state: State<'_, AppState>,
    household_id: i64,
    need: SupportNeed,
) -> Result<Vec<SupportNeedRecord>, Error> {
    let (db, actor) = state.signed_in()?;
    outreach::remove_support_need(db, household_id, need, &actor).await
}

#[tauri::command]
pub async fn outreach_delivery(
    state: State<'_, AppState>,
    household_id: i64,
) -> Result<Option<HomeDeliveryDetails>, Error> {
    let (db, actor) = state.signed_in()?;
    outreach::delivery_of(db, household_id, &actor).await
}

#[tauri::command]
pub async fn outreach_set_delivery(
    state: State<'_, AppState>,
    form: HomeDeliveryForm,
) -> Result<HomeDeliveryDetails, Error> {
    let (db, actor) = state.signed_in()?;
    outreach::set_delivery(db, &form, &actor).await
}

#[tauri::command]
pub async fn outreach_stop_deliveries(
    state: State<'_, AppState>,
    household_id: i64,
) -> Result<(), Error> {
    let (db, actor) = state.signed_in()?;
    outreach::stop_deliveries(db, household_id, &actor).await
}

#[tauri::command]
pub async fn outreach_suggest(
    state: State<'_, AppState>,
    date: String,
) -> Result<Vec<Suggestion>, Error> {
    let (db, actor) = state.signed_in()?;
    outreach::suggest_round(db, &date, &actor).await
}

#[tauri::command]
pub async fn outreach_round(
    state: State<'_, AppState>,
    date: NaiveDate,
) -> Result<Option<Round>, Error> {
    let (db, actor) = state.signed_in()?;
    outreach::round_on(db, date, &actor).await
}

#[tauri::command]
pub async fn outreach_plan(state: State<'_, AppState>, form: RoundForm) -> Result<Round, Error> {
    let (db, actor) = state.signed_in()?;
    outreach::plan_round(db, &form, &actor).await
}

#[tauri::command]
pub async fn outreach_pack(state: State<'_, AppState>, date: NaiveDate) -> Result<Round, Error> {
    let (db, actor) = state.signed_in()?;
    outreach::pack_round(db, date, &actor).await
}

#[tauri::command]
pub async fn outreach_outcome(
    state: State<'_, AppState>,
    id: i64,
    outcome: DeliveryOutcome,
) -> Result<Settled, Error> {
    let (db, actor) = state.signed_in()?;
    outreach::record_outcome(db, id, outcome, &actor).await
}

#[tauri::command]
pub async fn outreach_scan(
    state: State<'_, AppState>,
    scanned: String,
    outcome: DeliveryOutcome,
) -> Result<Settled, Error> {
    let (db, actor) = state.signed_in()?;
    outreach::scan_outcome(db, &scanned, outcome, &actor).await
}

/// The numbers outreach's forms take (the library's own bounds).
#[tauri::command]
pub fn outreach_limits() -> outreach::Limits {
    outreach::LIMITS
}

#[tauri::command]
pub async fn outreach_parcel(state: State<'_, AppState>) -> Result<Vec<ParcelLineForm>, Error> {
    let (db, actor) = state.signed_in()?;
    outreach::standard_parcel(db, &actor).await
}

#[tauri::command]
pub async fn outreach_set_parcel(
    state: State<'_, AppState>,
    lines: Vec<ParcelLineForm>,
) -> Result<Vec<ParcelLineForm>, Error> {
    let (db, actor) = state.signed_in()?;
    outreach::set_standard_parcel(db, &lines, &actor).await
}

/// Prints one of the round's papers ("run-sheet", "labels", "packing") into the print folder;
/// labels from label `start` of the first sheet.
#[tauri::command]
pub async fn outreach_print_round(
    state: State<'_, AppState>,
    date: NaiveDate,
    paper: String,
    start: u32,
) -> Result<Printed, Error> {
    let (db, actor) = state.signed_in()?;
    let to = Destination::print(&format!("{paper}-{date}"));
    match paper.as_str() {
        "run-sheet" => outreach::print_run_sheet(db, date, &to, &actor).await,
        "labels" => outreach::print_labels(db, date, start, &to, &actor).await,
        "packing" => outreach::print_packing_lists(db, date, &to, &actor).await,
        _ => Err(Error::invalid(
            "paper",
            "Choose the run sheet, labels or packing lists.",
        )),
    }
}

#[tauri::command]
pub async fn outreach_print_call_sheet(state: State<'_, AppState>) -> Result<Printed, Error> {
    let (db, actor) = state.signed_in()?;
    outreach::print_call_sheet(db, &Destination::print("call-sheet"), &actor).await
}
