//! Printing commands: each makes a PDF with the library and hands it to the system viewer.

use pantry::cards::{self, Card, PrintedFile};
use pantry::output::{self, Destination, Existing};
use pantry::print::cards::SheetLayout;
use pantry::Error;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;
use tauri_plugin_opener::OpenerExt;

use crate::AppState;

#[tauri::command]
pub async fn cards_unprinted_count(state: State<'_, AppState>) -> Result<u32, Error> {
    let (db, actor) = state.signed_in()?;
    cards::unprinted_count(db, &actor).await
}

#[tauri::command]
pub async fn cards_print_unprinted(
    state: State<'_, AppState>,
    layout: SheetLayout,
) -> Result<PrintedFile, Error> {
    let (db, actor) = state.signed_in()?;
    cards::print_unprinted(db, layout, &Destination::print("cards"), &actor).await
}

#[tauri::command]
pub async fn cards_print_household(
    state: State<'_, AppState>,
    id: i64,
) -> Result<PrintedFile, Error> {
    let (db, actor) = state.signed_in()?;
    cards::print_single(db, id, &Destination::print("card"), &actor).await
}

#[tauri::command]
pub async fn cards_reissue(
    state: State<'_, AppState>,
    id: i64,
    reason: String,
) -> Result<Card, Error> {
    let (db, actor) = state.signed_in()?;
    cards::reissue(db, id, &reason, &actor).await
}

/// Opens a file Pantry wrote (a PDF to print) in the system's viewer.
#[tauri::command]
pub fn print_open(app: AppHandle, path: String) -> Result<(), Error> {
    app.opener().open_path(&path, None::<&str>).map_err(|_| {
        Error::Unavailable(format!(
            "The file was saved to {path}, but no program on this computer opened it. Open that file yourself."
        ))
    })
}

/// "Save as…": asks where to keep a copy of a file Pantry wrote (a PDF or a report); `None` if
/// the user cancels. The system's save dialog asks "Replace it?" before an existing file is
/// chosen; the pantry's own files are refused whatever is chosen.
#[tauri::command]
pub async fn print_save_copy(
    app: AppHandle,
    state: State<'_, AppState>,
    path: String,
) -> Result<Option<String>, Error> {
    let (db, _) = state.signed_in()?;
    let from = std::path::PathBuf::from(&path);
    let name = from
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("pantry.pdf")
        .to_owned();
    let extension = from
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("pdf")
        .to_owned();
    let dialog = app
        .dialog()
        .file()
        .set_file_name(name)
        .add_filter(extension.to_uppercase(), &[extension.as_str()]);
    let chosen = tauri::async_runtime::spawn_blocking(move || dialog.blocking_save_file())
        .await
        .map_err(|e| Error::Unavailable(format!("The save dialog could not open: {e}")))?;
    let Some(chosen) = chosen else {
        return Ok(None);
    };
    let to = chosen
        .into_path()
        .map_err(|_| Error::invalid("path", "Choose a folder on this computer."))?;
    output::copy(db, &from, &to, Existing::Replace).await?;
    Ok(Some(to.display().to_string()))
}
