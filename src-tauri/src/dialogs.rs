//! The system's file dialog, off the async runtime's threads.

use pantry::Error;
use tauri_plugin_dialog::FileDialogBuilder;

/// Asks for a file to open; `None` if the user cancels. A choice that is not a file on this
/// computer is refused as `field`'s mistake.
pub async fn pick_file<R: tauri::Runtime>(
    dialog: FileDialogBuilder<R>,
    field: &str,
) -> Result<Option<String>, Error> {
    let chosen = tauri::async_runtime::spawn_blocking(move || dialog.blocking_pick_file())
        .await
        .map_err(|e| Error::Unavailable(format!("The file dialog could not open: {e}")))?;
    chosen
        .map(|c| {
            c.into_path()
                .map(|p| p.display().to_string())
                .map_err(|_| Error::invalid(field, "Choose a file on this computer."))
        })
        .transpose()
}
