//! Referral commands: each converts at the edge and calls one library function.

use pantry::output::Destination;
use pantry::referrals::{
    self, Agency, AgencyForm, OpenReferral, Outcome, Referral, ReferralForm, ReferralOptions,
};
use pantry::Error;
use tauri::State;

use crate::AppState;

#[tauri::command]
pub async fn referrals_options(state: State<'_, AppState>) -> Result<ReferralOptions, Error> {
    let (db, actor) = state.signed_in()?;
    referrals::options(db, &actor).await
}

#[tauri::command]
pub async fn referrals_agencies(state: State<'_, AppState>) -> Result<Vec<Agency>, Error> {
    let (db, actor) = state.signed_in()?;
    referrals::agencies(db, &actor).await
}

#[tauri::command]
pub async fn referrals_find_agencies(
    state: State<'_, AppState>,
    text: String,
) -> Result<Vec<i64>, Error> {
    let (db, actor) = state.signed_in()?;
    referrals::find_agencies(db, &text, &actor).await
}

#[tauri::command]
pub async fn referrals_save_agency(
    state: State<'_, AppState>,
    id: Option<i64>,
    form: AgencyForm,
) -> Result<Agency, Error> {
    let (db, actor) = state.signed_in()?;
    referrals::save_agency(db, id, &form, &actor).await
}

#[tauri::command]
pub async fn referrals_make(
    state: State<'_, AppState>,
    form: ReferralForm,
) -> Result<Referral, Error> {
    let (db, actor) = state.signed_in()?;
    referrals::make(db, &form, &actor).await
}

#[tauri::command]
pub async fn referrals_open(state: State<'_, AppState>) -> Result<Vec<OpenReferral>, Error> {
    let (db, actor) = state.signed_in()?;
    referrals::open(db, &actor).await
}

#[tauri::command]
pub async fn referrals_contacted(state: State<'_, AppState>, id: i64) -> Result<Referral, Error> {
    let (db, actor) = state.signed_in()?;
    referrals::mark_contacted(db, id, &actor).await
}

#[tauri::command]
pub async fn referrals_outcome(
    state: State<'_, AppState>,
    id: i64,
    outcome: Outcome,
    note: String,
) -> Result<Referral, Error> {
    let (db, actor) = state.signed_in()?;
    referrals::record_outcome(db, id, outcome, &note, &actor).await
}

#[tauri::command]
pub async fn referrals_slip(state: State<'_, AppState>, id: i64) -> Result<String, Error> {
    let (db, actor) = state.signed_in()?;
    let to = Destination::print("referral-slip");
    Ok(referrals::print_slip(db, id, &to, &actor)
        .await?
        .display()
        .to_string())
}
