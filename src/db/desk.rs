//! This computer's desk name ("Desk 2", "Front door"): set once per laptop, kept in the data
//! folder, and recorded with every visit and audit entry written here, so that a desk can
//! say "checked in at Desk 2 at 10:02". A laptop without a name records none.

use std::path::Path;

use crate::error::{Error, Result};
use crate::files::{self, Existing};

/// The file in the data folder holding this computer's desk name.
pub const DESK_FILE: &str = "desk.txt";

/// The longest desk name.
const MAX_CHARS: usize = 40;

/// This computer's desk name, if it was given one (a file that cannot be read, or holds
/// something that is not a desk name, counts as none).
pub fn load(data_dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(data_dir.join(DESK_FILE)).ok()?;
    checked(&text).ok().flatten()
}

/// Names this computer's desk (an empty name removes it), and returns the name kept.
pub fn save(data_dir: &Path, name: &str) -> Result<Option<String>> {
    let name = checked(name)?;
    let file = data_dir.join(DESK_FILE);
    match &name {
        Some(name) => files::write_atomically(&file, name.as_bytes(), Existing::Replace)?,
        None => match std::fs::remove_file(&file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(files::file_error("remove", &file, &e));
            }
            _ => {}
        },
    }
    Ok(name)
}

/// A desk name as typed, trimmed: up to 40 characters, no control characters.
pub(super) fn checked(typed: &str) -> Result<Option<String>> {
    let name = typed.trim();
    if name.is_empty() {
        return Ok(None);
    }
    if name.chars().count() > MAX_CHARS || name.chars().any(char::is_control) {
        return Err(Error::invalid(
            "desk",
            format!("A desk's name is up to {MAX_CHARS} letters, numbers and spaces, like Desk 2 or Front door."),
        ));
    }
    Ok(Some(name.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_desk_name_is_kept_trimmed_and_removed_when_blank() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load(dir.path()), None);
        assert_eq!(
            save(dir.path(), "  Front door ").unwrap(),
            Some("Front door".into())
        );
        assert_eq!(load(dir.path()), Some("Front door".into()));
        assert!(save(dir.path(), "Desk\n2").is_err());
        assert!(save(dir.path(), &"x".repeat(41)).is_err());
        assert_eq!(load(dir.path()), Some("Front door".into()));
        assert_eq!(save(dir.path(), "").unwrap(), None);
        assert_eq!(load(dir.path()), None);
    }
}
