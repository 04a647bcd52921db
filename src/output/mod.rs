//! Where Pantry may write a file, and writing it so that it is either whole or absent.
//!
//! Every document, export and copy goes through here. The guard refuses the pantry's own
//! files (the database and its `-wal`/`-shm`/lock files, restores in progress, pre-upgrade
//! copies, anything in a backups folder, any SQLite database, the key files and the key
//! store's folder) whatever the user says, and an
//! existing file unless the user chose to replace it. Files are written to a temporary name
//! in the same folder, flushed to disk and renamed into place, so a failure (a full disk, a
//! USB stick pulled out) never leaves a half-written file and never touches the old one.

mod store;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::FromRow;

use crate::db::Conn;
use crate::db::Db;
use crate::error::{Error, Result};
pub use crate::files::Existing;
use crate::files::{comparable, file_error, folder_of, same_path, write_atomically};

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

/// A document Pantry wrote that carries a household (for its subject access).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromRow)]
#[serde(rename_all = "camelCase")]
pub struct FileLine {
    pub kind: String,
    pub file: String,
    #[sqlx(try_from = "crate::db::Stamp")]
    pub at: String,
}

/// A file Pantry wrote that carries a household.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
struct CarryingFile {
    file: String,
    sha256: String,
    /// It carries other households too (a sheet of cards).
    shared: bool,
}

/// What deleting the files that carried erased households did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilesDeleted {
    pub deleted: Vec<String>,
    /// Of those, files that carried other households too (a sheet of cards).
    pub shared: Vec<String>,
    /// Files changed since Pantry wrote them, or that could not be deleted.
    pub left: Vec<String>,
}

/// Records, inside the caller's transaction, that the file at `path` (written with `bytes`)
/// carries these households, so that erasing any of them deletes it.
pub(crate) async fn note_written_file(
    conn: &mut Conn,
    households: &[i64],
    kind: &str,
    path: &Path,
    bytes: &[u8],
    at: DateTime<Utc>,
) -> Result<()> {
    let file = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    store::add_file(
        conn,
        households,
        kind,
        &file.display().to_string(),
        &crate::files::sha256_hex(bytes),
        at,
    )
    .await
}

/// The files Pantry wrote about a household, oldest first.
pub(crate) async fn files_about(conn: &mut Conn, household: i64) -> Result<Vec<FileLine>> {
    store::file_lines(conn, household).await
}

/// The files that carried `from` carry `to` instead (households merged).
pub(crate) async fn move_files(conn: &mut Conn, from: i64, to: i64) -> Result<()> {
    store::move_files(conn, from, to).await
}

/// Erased households that still have files listed (an erasure interrupted after it
/// committed, or a file that was left).
pub(crate) async fn erased_with_files(conn: &mut Conn) -> Result<Vec<i64>> {
    store::erased_with_files(conn).await
}

/// Deletes, from the disk, the files that carry these households, and forgets them. A file
/// already gone is only forgotten; one whose bytes changed since Pantry wrote it (someone
/// else's now), or that cannot be deleted, is left, listed and kept in the register.
pub(crate) async fn delete_files_carrying(
    conn: &mut Conn,
    households: &[i64],
) -> Result<FilesDeleted> {
    let mut done = FilesDeleted::default();
    for id in households {
        for f in store::files_of(conn, *id).await? {
            let path = Path::new(&f.file);
            let deletable = match std::fs::read(path) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Ok(bytes) if crate::files::sha256_hex(&bytes) == f.sha256 => Some(true),
                _ => Some(false),
            };
            match deletable {
                Some(true) if std::fs::remove_file(path).is_ok() => {
                    if f.shared {
                        done.shared.push(f.file.clone());
                    }
                    done.deleted.push(f.file.clone());
                }
                None => {}
                Some(_) => {
                    done.left.push(f.file);
                    continue;
                }
            }
            store::forget_file(conn, &f.file).await?;
        }
    }
    Ok(done)
}

/// The pantry's own files, which no output may replace.
#[derive(Debug, Clone)]
pub struct Guard {
    db_path: PathBuf,
    backup_folders: Vec<PathBuf>,
    key_folder: Option<PathBuf>,
}

/// Backup files Pantry writes (and may prune) start with this.
pub const BACKUP_PREFIX: &str = "pantry-backup-";

/// Every folder that holds this pantry's backups: the one in the settings and the default
/// one beside the database (which keeps older backups when the setting changed).
pub(crate) async fn backup_folders(db: &Db) -> Result<Vec<PathBuf>> {
    let (_, dir, _) = crate::settings::backup_folder(db).await?;
    Ok(vec![dir, db.folder("backups")])
}

impl Guard {
    /// The guard for the open database (its backups folders come from the settings).
    pub async fn of(db: &Db) -> Result<Guard> {
        Ok(Guard::new(
            db.path(),
            backup_folders(db).await?.into_iter(),
            db.key_folder(),
        ))
    }

    pub fn new(
        db_path: &Path,
        backup_folders: impl Iterator<Item = PathBuf>,
        key_folder: Option<&Path>,
    ) -> Guard {
        Guard {
            db_path: comparable(db_path),
            backup_folders: backup_folders.map(|d| comparable(&d)).collect(),
            key_folder: key_folder.map(comparable),
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
        if self.is_key_file(&candidate) {
            return Err(Error::invalid(
                "out",
                format!(
                    "{shown} is where Pantry keeps the database's key; Pantry never writes there. \
                     Choose another folder. Nothing was written."
                ),
            ));
        }
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

    /// A key file (wherever it is) or anything in the key store's folder.
    fn is_key_file(&self, candidate: &Path) -> bool {
        let named_so = candidate
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(crate::keys::is_key_file_name);
        let in_folder = self.key_folder.as_ref().is_some_and(|folder| {
            same_path(candidate, folder)
                || candidate
                    .ancestors()
                    .skip(1)
                    .any(|dir| same_path(dir, folder))
        });
        named_so || in_folder
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
        if name.starts_with(BACKUP_PREFIX) {
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

/// Whether an existing file is an SQLite database (a pantry's or anyone's).
/// A plain SQLite file (by its header), or a file named like a database: an encrypted one
/// (SQLCipher) looks like random bytes, so its name is all there is to go by.
fn is_sqlite_database(path: &Path) -> bool {
    let named_so = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| ["sqlite3", "sqlite", "db"].contains(&e.to_ascii_lowercase().as_str()));
    named_so || crate::db::is_plain_sqlite(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard(dir: &Path) -> Guard {
        Guard::new(
            &dir.join("pantry.sqlite3"),
            [dir.join("backups")].into_iter(),
            Some(&dir.join("keys")),
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
    fn key_files_and_the_key_folder_are_refused_whatever_is_said() {
        let dir = tempfile::tempdir().unwrap();
        let keys = dir.path().join("keys");
        std::fs::create_dir(&keys).unwrap();
        let key_file = keys.join("database-0123456789abcdef01234567.key");
        std::fs::write(&key_file, "00").unwrap();
        let g = guard(dir.path());
        for target in [
            key_file.clone(),
            keys.join("sheet.pdf"),
            keys.join("sub/sheet.pdf"),
            dir.path()
                .join("elsewhere/DATABASE-0123456789ABCDEF01234567.KEY"),
        ] {
            let err = g.check(&target, Existing::Replace).unwrap_err();
            assert!(
                err.to_string().contains("key"),
                "{}: {err}",
                target.display()
            );
        }
        assert!(g.check(&keys, Existing::Replace).is_err());
        g.check(&dir.path().join("database-notes.key.pdf"), Existing::Refuse)
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
}
