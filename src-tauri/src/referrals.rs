//! Referral commands: each converts at the edge and calls one library function.

use pantry::referrals::{
    self, Agency, AgencyForm, OpenReferral, Outcome, Referral, ReferralForm, ReferralOptions,
};
use pantry::Error;
use tauri::State;

use crate::{AppState, ACTOR};

#[tauri::command]
pub async fn referrals_options(state: State<'_, AppState>) -> Result<ReferralOptions, Error> {
    referrals::options(state.db()?).await
}

#[tauri::command]
pub async fn referrals_agencies(state: State<'_, AppState>) -> Result<Vec<Agency>, Error> {
    referrals::agencies(state.db()?).await
}

#[tauri::command]
pub async fn referrals_save_agency(
    state: State<'_, AppState>,
    id: Option<i64>,
    form: AgencyForm,
) -> Result<Agency, Error> {
    referrals::save_agency(state.db()?, id, &form, ACTOR).await
}

#[tauri::command]
pub async fn referrals_make(
    state: State<'_, AppState>,
    form: ReferralForm,
) -> Result<Referral, Error> {
    referrals::make(state.db()?, &form).await
}

#[tauri::command]
pub async fn referrals_open(state: State<'_, AppState>) -> Result<Vec<OpenReferral>, Error> {
    referrals::open(state.db()?).await
}

#[tauri::command]
pub async fn referrals_contacted(
    state: State<'_, AppState>,
    id: i64,
    volunteer: String,
) -> Result<Referral, Error> {
    referrals::mark_contacted(state.db()?, id, &volunteer).await
}

#[tauri::command]
pub async fn referrals_outcome(
    state: State<'_, AppState>,
    id: i64,
    outcome: Outcome,
    note: String,
    volunteer: String,
) -> Result<Referral, Error> {
    referrals::record_outcome(state.db()?, id, outcome, &note, &volunteer).await
}

#[tauri::command]
pub async fn referrals_slip(state: State<'_, AppState>, id: i64) -> Result<String, Error> {
    Ok(referrals::save_slip(state.db()?, id)
        .await?
        .display()
        .to_string())
}
