//! Writing a file so that it is either whole or absent: staged under a temporary name in
//! the same folder, flushed to disk and renamed into place, so a failure (a full disk, a USB
//! stick pulled out) never leaves a half-written file and never touches the old one. Also the
//! plain-English message for a file that cannot be written, and comparing paths. Where a file
//! may go at all is `output`'s business.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Staged files are named `.pantry-<random>.part` until they are renamed into place.
const STAGED_PREFIX: &str = ".pantry-";
const STAGED_SUFFIX: &str = ".part";

/// What to do when the chosen file already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Refuse and say so (the default for the command line without `--force`).
    Refuse,
    /// The user confirmed replacing it (`--force`, or "Replace it?" answered yes).
    Replace,
}

/// Writes `bytes` to a temporary file beside `target`, flushes it, and renames it into
/// place (without replacing an existing file unless `existing` says so).
pub fn write_atomically(target: &Path, bytes: &[u8], existing: Existing) -> Result<()> {
    let staged = stage_beside(target, |file| file.write_all(bytes))?;
    persist(staged, target, existing)
}

/// A temporary file in `target`'s folder, filled by `fill` and flushed to disk.
pub fn stage_beside(
    target: &Path,
    fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<tempfile::NamedTempFile> {
    let dir = folder_of(target)?;
    let mut staged = tempfile::Builder::new()
        .prefix(STAGED_PREFIX)
        .suffix(STAGED_SUFFIX)
        .tempfile_in(&dir)
        .map_err(|e| file_error("write", target, &e))?;
    fill(staged.as_file_mut())
        .and_then(|()| staged.as_file().sync_all())
        .map_err(|e| file_error("write", target, &e))?;
    Ok(staged)
}

/// Renames a staged file into place; the staged file is removed if this fails.
pub fn persist(staged: tempfile::NamedTempFile, target: &Path, existing: Existing) -> Result<()> {
    let done = match existing {
        Existing::Replace => staged.persist(target).map(|_| ()),
        Existing::Refuse => staged.persist_noclobber(target).map(|_| ()),
    };
    match done {
        Ok(()) => {
            sync_folder(target);
            Ok(())
        }
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Err(Error::invalid(
            "out",
            format!(
                "{} already exists. Choose another name, or say that it may be replaced (--force). \
                 Nothing was written.",
                target.display()
            ),
        )),
        Err(e) => Err(file_error("write", target, &e.error)),
    }
}

/// The folder a file will be written in, which must exist (a missing one is most often a
/// USB stick that is not plugged in; Pantry does not create it on the computer's own disk).
pub(crate) fn folder_of(target: &Path) -> Result<PathBuf> {
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    if dir.is_dir() {
        Ok(dir)
    } else {
        Err(Error::invalid(
            "out",
            format!(
                "The folder {} does not exist. If it is on a USB stick, is the stick plugged in? Nothing was written.",
                dir.display()
            ),
        ))
    }
}

/// Makes a rename durable (on Unix a folder's entries are flushed separately).
fn sync_folder(target: &Path) {
    #[cfg(unix)]
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(dir) = std::fs::File::open(dir) {
            let _ = dir.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = target;
}

/// A file problem in plain words, naming the file.
pub fn file_error(action: &str, path: &Path, err: &std::io::Error) -> Error {
    use std::io::ErrorKind as K;
    let why = match err.kind() {
        K::NotFound => {
            "it (or its folder) is not there (if it is on a USB stick, is the stick plugged in?)"
                .to_owned()
        }
        K::PermissionDenied | K::ReadOnlyFilesystem => {
            "this computer does not allow Pantry to write there (the folder is read-only)"
                .to_owned()
        }
        K::StorageFull | K::QuotaExceeded | K::FileTooLarge => {
            "the disk is full; free some space and try again".to_owned()
        }
        _ => err.to_string(),
    };
    Error::File(format!(
        "Pantry could not {action} {}: {why}. Nothing was changed.",
        path.display()
    ))
}

/// Whether two paths name the same file (through links, `..` or letter case).
pub fn same_file(a: &Path, b: &Path) -> bool {
    same_path(&comparable(a), &comparable(b))
}

/// The SHA-256 of `bytes` in lower-case hex, as exports are listed and written files are
/// recognised by.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// Removes staged files (`.pantry-*.part`, and the `-journal`, `-wal` and `-shm` files
/// SQLite leaves beside a staged copy, and the `.upgrade-lock` of a staged database whose
/// schema was being made) left in `dir` by a write that was killed. When
/// `alone` (no other Pantry process has the database open, so no write is going on) every
/// one goes; otherwise only those over an hour old, so another process's write is left be.
pub fn remove_staged_leftovers(dir: &Path, alone: bool) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(60 * 60);
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let staged = name.starts_with(STAGED_PREFIX)
            && ["", "-journal", "-wal", "-shm", ".upgrade-lock"]
                .iter()
                .any(|side| name.ends_with(&format!("{STAGED_SUFFIX}{side}")));
        let stale = alone
            || entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|at| at < hour_ago);
        if staged && stale {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// A path made absolute with links in its folder resolved, for comparing (the file itself
/// is resolved too when it exists, so a link to the database is the database).
pub(crate) fn comparable(path: &Path) -> PathBuf {
    if let Ok(real) = std::fs::canonicalize(path) {
        return real;
    }
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    match (absolute.parent(), absolute.file_name()) {
        (Some(dir), Some(name)) => std::fs::canonicalize(dir)
            .unwrap_or_else(|_| dir.to_owned())
            .join(name),
        _ => absolute,
    }
}

/// Paths compared without regard to case (Windows and macOS disks ignore it; on Linux this
/// only refuses a little more).
pub(crate) fn same_path(a: &Path, b: &Path) -> bool {
    a.to_string_lossy().to_lowercase() == b.to_string_lossy().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writing_is_whole_or_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.pdf");
        write_atomically(&target, b"first", Existing::Refuse).unwrap();
        assert!(write_atomically(&target, b"second", Existing::Refuse).is_err());
        assert_eq!(std::fs::read(&target).unwrap(), b"first");
        write_atomically(&target, b"second", Existing::Replace).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"second");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("out.pdf")]);
        let err = write_atomically(
            &dir.path().join("no/such/folder/x.pdf"),
            b"x",
            Existing::Refuse,
        )
        .unwrap_err();
        assert!(err.to_string().contains("USB stick"), "{err}");
    }
}
