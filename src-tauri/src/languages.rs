//! Member-language commands: the languages offered and opening times (Settings), and the
//! welcome sheet; each converts at the edge and calls one library function.

use pantry::households::welcome;
use pantry::i18n::{self, MemberTextForm, MemberTextSettings};
use pantry::output::Destination;
use pantry::Error;
use tauri::State;

use crate::AppState;

#[tauri::command]
pub async fn languages_settings(state: State<'_, AppState>) -> Result<MemberTextSettings, Error> {
    let (db, actor) = state.signed_in()?;
    i18n::member_text_settings(db, &actor).await
}

#[tauri::command]
pub async fn languages_save_settings(
    state: State<'_, AppState>,
    form: MemberTextForm,
) -> Result<MemberTextSettings, Error> {
    let (db, actor) = state.signed_in()?;
    i18n::save_member_text_settings(db, &form, &actor).await
}

/// Writes the household's welcome sheet into the print folder; returns the file.
#[tauri::command]
pub async fn members_print_welcome(state: State<'_, AppState>, id: i64) -> Result<String, Error> {
    let (db, actor) = state.signed_in()?;
    let to = Destination::print("welcome-sheet");
    Ok(welcome::print_welcome(db, id, &to, &actor)
        .await?
        .display()
        .to_string())
}
