//! Signing in and out, the first admin, and managing volunteers.

use pantry::access::{Role, RoleOption, SignedIn};
use pantry::settings::{self, Settings, SettingsForm};
use pantry::volunteers::{self, FirstAdmin, Volunteer, VolunteerForm};
use pantry::Error;
use tauri::State;

use crate::AppState;

#[tauri::command]
pub fn session_current(state: State<'_, AppState>) -> Option<SignedIn> {
    state.current().as_ref().map(SignedIn::from)
}

/// Names for the sign-in list (active volunteers only).
#[tauri::command]
pub async fn session_volunteers(state: State<'_, AppState>) -> Result<Vec<String>, Error> {
    volunteers::sign_in_names(state.db()?).await
}

#[tauri::command]
pub async fn session_sign_in(
    state: State<'_, AppState>,
    name: String,
    pin: String,
) -> Result<SignedIn, Error> {
    let db = state.db()?;
    let actor = volunteers::sign_in(db, &name, &pin).await?;
    state.start_session(actor.clone(), settings::idle_lock_minutes(db).await?);
    Ok(SignedIn::from(&actor))
}

/// An admin locked out (by their own slips or someone else's guesses) signs in with the
/// pantry's recovery key instead of a PIN.
#[tauri::command]
pub async fn session_sign_in_with_recovery_key(
    state: State<'_, AppState>,
    name: String,
    recovery_key: String,
) -> Result<SignedIn, Error> {
    let db = state.db()?;
    let actor = volunteers::sign_in_with_recovery_key(db, &name, &recovery_key).await?;
    state.start_session(actor.clone(), settings::idle_lock_minutes(db).await?);
    Ok(SignedIn::from(&actor))
}

/// Signs out ("switch volunteer"), or records that the app locked itself when idle.
#[tauri::command]
pub async fn session_sign_out(state: State<'_, AppState>, why: String) -> Result<(), Error> {
    if let Some(actor) = state.end_session() {
        volunteers::sign_out(state.db()?, &actor, &why).await?;
    }
    Ok(())
}

/// Creates the first admin (first run, or a pantry from before sign-in) and signs them in.
#[tauri::command]
pub async fn session_first_admin(
    state: State<'_, AppState>,
    admin: FirstAdmin,
) -> Result<SignedIn, Error> {
    let db = state.db()?;
    let actor = volunteers::create_first_admin(db, &admin).await?;
    state.start_session(actor.clone(), settings::idle_lock_minutes(db).await?);
    Ok(SignedIn::from(&actor))
}

/// The roles with their labels, for the volunteers form.
#[tauri::command]
pub fn volunteers_roles() -> Vec<RoleOption> {
    Role::options()
}

#[tauri::command]
pub async fn volunteers_list(state: State<'_, AppState>) -> Result<Vec<Volunteer>, Error> {
    let (db, actor) = state.signed_in()?;
    volunteers::manage_list(db, &actor).await
}

#[tauri::command]
pub async fn volunteers_save(
    state: State<'_, AppState>,
    form: VolunteerForm,
) -> Result<Volunteer, Error> {
    let (db, actor) = state.signed_in()?;
    volunteers::save_volunteer(db, &actor, &form).await
}

/// First-run setup: the pantry's settings and its first admin, who is then signed in.
#[tauri::command]
pub async fn session_setup(
    state: State<'_, AppState>,
    form: SettingsForm,
    admin: FirstAdmin,
) -> Result<Settings, Error> {
    let db = state.db()?;
    let (saved, actor) = pantry::app::set_up(db, &form, &admin).await?;
    state.start_session(actor, settings::idle_lock_minutes(db).await?);
    Ok(saved)
}

/// The volunteer is still at the laptop (keys or clicks): keeps the session from locking.
#[tauri::command]
pub fn session_touch(state: State<'_, AppState>) -> Result<(), Error> {
    state.signed_in().map(|_| ())
}

#[tauri::command]
pub async fn volunteers_idle_lock(state: State<'_, AppState>) -> Result<i64, Error> {
    let (db, _) = state.signed_in()?;
    settings::idle_lock_minutes(db).await
}

#[tauri::command]
pub async fn volunteers_save_idle_lock(
    state: State<'_, AppState>,
    minutes: String,
) -> Result<i64, Error> {
    let (db, actor) = state.signed_in()?;
    settings::save_idle_lock_minutes(db, &actor, &minutes).await
}
