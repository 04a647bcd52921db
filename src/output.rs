//! Where Pantry may write a file, and writing it so that it is either whole or absent.
//!
//! Every document, export and copy goes through here. The guard refuses the pantry's own
//! files (the database and its `-wal`/`-shm`/lock files, restores in progress, pre-upgrade
//! copies, anything in a backups folder, any SQLite database) whatever the user says, and an
//! existing file unless the user chose to replace it. Files are written to a temporary name
//! in the same folder, flushed to disk and renamed into place, so a failure (a full disk, a
//! USB stick pulled out) never leaves a half-written file and never touches the old one.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::db::Db;
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

/// Where a document goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// A file the user named.
    File { path: PathBuf, existing: Existing },
    /// A new file in one of Pantry's folders beside the database (`print`, `reports`,
    /// `exports`), named `<stem>.<extension>` or, when that is taken, `<stem>-2.<extension>`…
    Folder {
        folder: &'static str,
        stem: String,
        extension: &'static str,
    },
    /// A new file, named as in `Folder`, in a folder the user chose (which must exist).
    NewIn {
        dir: PathBuf,
        stem: String,
        extension: &'static str,
    },
}

impl Destination {
    pub fn file(path: impl Into<PathBuf>, existing: Existing) -> Self {
        Destination::File {
            path: path.into(),
            existing,
        }
    }

    pub fn folder(folder: &'static str, stem: impl Into<String>, extension: &'static str) -> Self {
        Destination::Folder {
            folder,
            stem: stem.into(),
            extension,
        }
    }

    /// A new PDF in the `print` folder, named for what it is and when it was made.
    pub fn print(what: &str) -> Self {
        Destination::folder(
            "print",
            format!("{what}-{}", chrono::Utc::now().format("%Y%m%d-%H%M%S")),
            "pdf",
        )
    }
}

/// The pantry's own files, which no output may replace.
#[derive(Debug, Clone)]
pub struct Guard {
    db_path: PathBuf,
    backup_folders: Vec<PathBuf>,
}

impl Guard {
    /// The guard for the open database (its backups folders come from the settings).
    pub async fn of(db: &Db) -> Result<Guard> {
        Ok(Guard::new(
            db.path(),
            crate::backups::folders(db).await?.into_iter(),
        ))
    }

    pub fn new(db_path: &Path, backup_folders: impl Iterator<Item = PathBuf>) -> Guard {
        Guard {
            db_path: comparable(db_path),
            backup_folders: backup_folders.map(|d| comparable(&d)).collect(),
        }
    }

    /// Checks that `target` may be written; returns why not, in plain words.
    pub fn check(&self, target: &Path, existing: Existing) -> Result<()> {
        let shown = target.display();
        if target.file_name().is_none() || target.is_dir() {
            return Err(Error::invalid(
                "out",
                format!("{shown} is a folder: give the name of the file to write."),
            ));
        }
        // Not an ordinary file (a folder, a pipe that would block, a device): refused before
        // anything opens it.
        if let Ok(meta) = std::fs::metadata(target) {
            if !meta.is_file() {
                return Err(Error::invalid(
                    "out",
                    format!("{shown} is not an ordinary file; choose another name."),
                ));
            }
        }
        let candidate = comparable(target);
        if self.is_pantry_file(&candidate) {
            return Err(Error::invalid(
                "out",
                format!(
                    "{shown} is one of the pantry's own files (its database, a backup or a safety copy); \
                     Pantry never writes over it. Choose another name. Nothing was written."
                ),
            ));
        }
        if std::fs::symlink_metadata(target).is_err() {
            return Ok(());
        }
        if is_sqlite_database(target) {
            return Err(Error::invalid(
                "out",
                format!("{shown} is a database; Pantry never writes over one. Choose another name. Nothing was written."),
            ));
        }
        match existing {
            Existing::Replace => Ok(()),
            Existing::Refuse => Err(Error::invalid(
                "out",
                format!(
                    "{shown} already exists. Choose another name, or say that it may be replaced (--force). \
                     Nothing was written."
                ),
            )),
        }
    }

    fn is_pantry_file(&self, candidate: &Path) -> bool {
        let db = &self.db_path;
        let (Some(db_dir), Some(db_name)) = (db.parent(), db.file_name()) else {
            return false;
        };
        let db_name = db_name.to_string_lossy().to_lowercase();
        let stem = db
            .file_stem()
            .map(|s| s.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let name = candidate
            .file_name()
            .map(|n| n.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let parent = candidate.parent().unwrap_or(Path::new(""));
        if self
            .backup_folders
            .iter()
            .any(|f| same_path(parent, f) || parent.starts_with(f))
        {
            return true;
        }
        if name.starts_with(crate::backups::BACKUP_PREFIX) {
            return true;
        }
        if !same_path(parent, db_dir) {
            return false;
        }
        name == db_name
            || name.starts_with(&format!("{db_name}-"))
            || name.starts_with(&format!("{db_name}."))
            || name.starts_with(&format!("{stem}-before-upgrade-"))
            || name.starts_with(&format!("{stem}.restoring"))
            || name.starts_with(&format!("{stem}-restore-pending"))
    }
}

/// Writes `bytes` to the destination and returns the file written.
pub async fn write(db: &Db, to: &Destination, bytes: &[u8]) -> Result<PathBuf> {
    let guard = Guard::of(db).await?;
    match to {
        Destination::File { path, existing } => {
            guard.check(path, *existing)?;
            write_atomically(path, bytes, *existing)?;
            Ok(path.clone())
        }
        Destination::Folder {
            folder,
            stem,
            extension,
        } => {
            let dir = db.folder(folder);
            std::fs::create_dir_all(&dir).map_err(|e| file_error("create the folder", &dir, &e))?;
            write_new(&guard, &dir, stem, extension, bytes)
        }
        Destination::NewIn {
            dir,
            stem,
            extension,
        } => {
            if dir.exists() && !dir.is_dir() {
                return Err(Error::invalid(
                    "out",
                    format!(
                        "{} is a file, not a folder: give the folder to write into.",
                        dir.display()
                    ),
                ));
            }
            write_new(&guard, dir, stem, extension, bytes)
        }
    }
}

/// Writes a new file in `dir` named `<stem>.<extension>`, or `<stem>-2.<extension>`… when
/// that is taken.
fn write_new(
    guard: &Guard,
    dir: &Path,
    stem: &str,
    extension: &str,
    bytes: &[u8],
) -> Result<PathBuf> {
    folder_of(&dir.join(stem))?;
    for n in 1..1000 {
        let name = match n {
            1 => format!("{stem}.{extension}"),
            n => format!("{stem}-{n}.{extension}"),
        };
        let path = dir.join(name);
        if std::fs::symlink_metadata(&path).is_ok() {
            continue;
        }
        guard.check(&path, Existing::Refuse)?;
        match write_atomically(&path, bytes, Existing::Refuse) {
            // Taken in the meantime (by another process): the next name.
            Err(Error::Validation(_)) if path.exists() => continue,
            other => return other.map(|()| path),
        }
    }
    Err(Error::Conflict(format!(
        "There are too many files named {stem} in {}; move some away.",
        dir.display()
    )))
}

/// Copies a file Pantry wrote to a place the user chose ("Save a copy…").
pub async fn copy(db: &Db, from: &Path, to: &Path, existing: Existing) -> Result<()> {
    if same_path(&comparable(from), &comparable(to)) {
        return Ok(());
    }
    let bytes = std::fs::read(from).map_err(|e| file_error("read", from, &e))?;
    write(db, &Destination::file(to, existing), &bytes)
        .await
        .map(|_| ())
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
fn folder_of(target: &Path) -> Result<PathBuf> {
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

/// Removes staged files (`.pantry-*.part`) left in `dir` by a write that was killed: only
/// those over an hour old, so a write still going on in another process is left alone.
pub fn remove_stale_parts(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(60 * 60);
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let stale = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|at| at < hour_ago);
        if name.starts_with(STAGED_PREFIX) && name.ends_with(STAGED_SUFFIX) && stale {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether an existing file is an SQLite database (a pantry's or anyone's).
fn is_sqlite_database(path: &Path) -> bool {
    let mut head = [0u8; 16];
    std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
        .is_ok_and(|()| &head == b"SQLite format 3\0")
}

/// A path made absolute with links in its folder resolved, for comparing (the file itself
/// is resolved too when it exists, so a link to the database is the database).
fn comparable(path: &Path) -> PathBuf {
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
fn same_path(a: &Path, b: &Path) -> bool {
    a.to_string_lossy().to_lowercase() == b.to_string_lossy().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard(dir: &Path) -> Guard {
        Guard::new(
            &dir.join("pantry.sqlite3"),
            [dir.join("backups")].into_iter(),
        )
    }

    #[test]
    fn the_pantrys_own_files_are_refused_whatever_is_said() {
        let dir = tempfile::tempdir().unwrap();
        let g = guard(dir.path());
        for name in [
            "pantry.sqlite3",
            "PANTRY.SQLITE3",
            "pantry.sqlite3-wal",
            "pantry.sqlite3-shm",
            "pantry.sqlite3-journal",
            "pantry.sqlite3.lock",
            "pantry.restoring",
            "pantry-before-upgrade-20261124T101500.000Z.sqlite3",
            "pantry-restore-pending.sqlite3",
            "backups/report.pdf",
            "elsewhere/pantry-backup-20261124T101500.000Z-daily.sqlite3",
        ] {
            let err = g
                .check(&dir.path().join(name), Existing::Replace)
                .unwrap_err();
            assert!(err.to_string().contains("never writes"), "{name}: {err}");
        }
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        assert!(g
            .check(&sub.join("../pantry.sqlite3"), Existing::Replace)
            .is_err());
        g.check(&dir.path().join("report.pdf"), Existing::Refuse)
            .unwrap();
    }

    #[test]
    fn an_existing_file_needs_consent_and_a_database_is_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let g = guard(dir.path());
        let old = dir.path().join("old.pdf");
        std::fs::write(&old, b"%PDF").unwrap();
        assert!(g.check(&old, Existing::Refuse).is_err());
        g.check(&old, Existing::Replace).unwrap();
        let other = dir.path().join("another-pantry.db");
        std::fs::write(&other, b"SQLite format 3\0rest").unwrap();
        assert!(g.check(&other, Existing::Replace).is_err());
        assert!(g.check(dir.path(), Existing::Replace).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn a_link_to_the_database_is_the_database() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("pantry.sqlite3"), b"SQLite format 3\0").unwrap();
        let link = dir.path().join("innocent.pdf");
        std::os::unix::fs::symlink(dir.path().join("pantry.sqlite3"), &link).unwrap();
        assert!(guard(dir.path()).check(&link, Existing::Replace).is_err());
    }

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
