//! Where Pantry keeps its data: the OS app-data directory unless told otherwise.

use std::path::PathBuf;

/// The app's identifier; also the name of its folder in the OS app-data directory.
/// Must match `identifier` in `src-tauri/tauri.conf.json` (a test checks).
pub const APP_IDENTIFIER: &str = "org.communitypantry.pantry";

/// The environment variable that overrides the data directory for the app and the CLI.
pub const DATA_DIR_ENV: &str = "PANTRY_DATA_DIR";

/// The database file inside the data directory.
pub const DATABASE_FILE: &str = "pantry.sqlite3";

/// Chooses the data directory: an explicit `--data-dir` first, then `PANTRY_DATA_DIR`,
/// then `default` (the OS app-data directory, as the caller knows it).
pub fn choose_data_dir(
    explicit: Option<PathBuf>,
    default: impl FnOnce() -> Option<PathBuf>,
) -> Option<PathBuf> {
    explicit
        .or_else(|| {
            std::env::var_os(DATA_DIR_ENV)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        })
        .or_else(default)
}

/// The OS app-data directory for Pantry as the CLI finds it; the same folder the desktop
/// app gets from Tauri's path API (`app_data_dir`).
pub fn os_data_dir() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join(APP_IDENTIFIER))
}

/// Reads `--data-dir DIR` or `--data-dir=DIR` from a raw argument list (the desktop app's
/// command line, which may also carry arguments meant for the webview).
pub fn data_dir_arg<I: IntoIterator<Item = String>>(args: I) -> Option<PathBuf> {
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "--data-dir" {
            return args.next().map(PathBuf::from);
        }
        if let Some(dir) = arg.strip_prefix("--data-dir=") {
            return Some(PathBuf::from(dir));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_data_dir_argument_in_both_spellings() {
        let args = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            data_dir_arg(args(&["app", "--data-dir", "/tmp/x"])),
            Some(PathBuf::from("/tmp/x"))
        );
        assert_eq!(
            data_dir_arg(args(&["app", "--automation", "--data-dir=/tmp/y"])),
            Some(PathBuf::from("/tmp/y"))
        );
        assert_eq!(data_dir_arg(args(&["app"])), None);
    }

    #[test]
    fn explicit_directory_wins() {
        let chosen = choose_data_dir(Some(PathBuf::from("/a")), || Some(PathBuf::from("/b")));
        assert_eq!(chosen, Some(PathBuf::from("/a")));
    }
}
