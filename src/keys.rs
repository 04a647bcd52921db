//! The keys that encrypt the pantry's database, its WAL and every backup (SQLCipher): where
//! each is kept, how it is made, and the recovery key that a person can write down.
//!
//! Each database has its own random 256-bit key, given to SQLCipher as a raw key (so no
//! passphrase derivation runs when a connection opens). The key is kept in the operating
//! system's credential store (Windows Credential Manager, macOS Keychain, the Secret Service
//! on Linux) under a name made from the database's path; where there is no credential store
//! (a bare Linux box, CI) it is kept in a key file readable only by the user, in a folder
//! outside the data folder. `PANTRY_KEY_DIR` puts the key files in a chosen folder and skips
//! the credential store (tests, a portable install).
//!
//! The recovery key is the same 256 bits written in base 32 as 13 groups of 4 letters and
//! digits; with it a backup opens on another laptop.

use std::fmt;
use std::path::{Path, PathBuf};

use argon2::password_hash::rand_core::{OsRng, RngCore};
use data_encoding::BASE32_NOPAD;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::files;

/// The environment variable naming a folder for key files (instead of the credential store).
pub const KEY_DIR_ENV: &str = "PANTRY_KEY_DIR";

/// The credential store's service name for Pantry's keys.
const SERVICE: &str = crate::paths::APP_IDENTIFIER;

/// A database key: 32 random bytes. Never printed by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseKey([u8; 32]);

impl fmt::Debug for DatabaseKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseKey({})", self.fingerprint())
    }
}

impl DatabaseKey {
    /// A new random key from the operating system's secure random source.
    pub fn generate() -> DatabaseKey {
        let mut bytes = [0u8; 32];
        OsRng.fill_bytes(&mut bytes);
        DatabaseKey(bytes)
    }

    /// The value of SQLCipher's `PRAGMA key` for this raw key: `"x'…'"`.
    pub fn pragma(&self) -> String {
        format!("\"x'{}'\"", hex::encode_upper(self.0))
    }

    /// A short, harmless name for the key (the first 8 hex digits of its SHA-256), to tell
    /// keys apart on screen and in the audit trail without revealing them.
    pub fn fingerprint(&self) -> String {
        hex::encode_upper(&Sha256::digest(self.0)[..4])
    }

    /// The recovery key as printed: 13 groups of 4, e.g. `ABCD-EFGH-…`.
    pub fn recovery_text(&self) -> String {
        let text = BASE32_NOPAD.encode(&self.0);
        text.as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join("-")
    }

    /// Reads a recovery key as typed: spaces, dashes and case do not matter, and the digits
    /// people type for letters that look alike (0 for O, 1 for I, 8 for B) are read as them.
    pub fn from_recovery_text(text: &str) -> Result<DatabaseKey> {
        let cleaned: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| match c.to_ascii_uppercase() {
                '0' => 'O',
                '1' => 'I',
                '8' => 'B',
                c => c,
            })
            .collect();
        let wrong = || {
            Error::invalid(
                "recoveryKey",
                "That is not a recovery key: it has 13 groups of 4 letters and digits, as printed \
                 on the pantry's recovery sheet.",
            )
        };
        let bytes = BASE32_NOPAD
            .decode(cleaned.as_bytes())
            .map_err(|_| wrong())?;
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| wrong())?;
        Ok(DatabaseKey(bytes))
    }

    fn hex(&self) -> String {
        hex::encode(self.0)
    }

    fn from_hex(text: &str) -> Option<DatabaseKey> {
        let bytes = hex::decode(text.trim()).ok()?;
        Some(DatabaseKey(bytes.try_into().ok()?))
    }
}

/// Where database keys are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyStore {
    /// The operating system's credential store; key files in `fallback` where it has none
    /// (no fallback when the user has no config folder: then a key that the credential store
    /// refuses cannot be kept, and Pantry says so rather than keep it somewhere shared).
    System { fallback: Option<PathBuf> },
    /// Key files in this folder only.
    Folder(PathBuf),
}

impl KeyStore {
    /// The app's and the command line's choice: `PANTRY_KEY_DIR` when set, else the
    /// credential store with key files in the user's config folder as the fallback.
    pub fn from_env() -> KeyStore {
        match std::env::var_os(KEY_DIR_ENV).filter(|v| !v.is_empty()) {
            Some(dir) => KeyStore::Folder(PathBuf::from(dir)),
            None => KeyStore::System {
                fallback: dirs::config_dir()
                    .map(|dir| dir.join(crate::paths::APP_IDENTIFIER).join("keys")),
            },
        }
    }

    /// The key of the database at `db_path`, if this store has one.
    pub fn get(&self, db_path: &Path) -> Result<Option<DatabaseKey>> {
        let name = entry_name(db_path);
        let Some((text, file)) = self.get_secret(&name, "key")? else {
            return Ok(None);
        };
        DatabaseKey::from_hex(&text).map(Some).ok_or_else(|| {
            Error::KeyNeeded(format!(
                "The file that keeps this pantry's key ({}) is damaged: something wrote \
                 over it. Type the recovery key from the pantry's recovery sheet to open \
                 the database; Pantry then keeps the key again.",
                file.map_or_else(
                    || "the credential store".to_owned(),
                    |f| f.display().to_string()
                )
            ))
        })
    }

    /// The password of the server database this computer's pantry in `data_dir` connects
    /// to, if one is kept.
    pub fn server_password(&self, data_dir: &Path) -> Result<Option<String>> {
        Ok(self
            .get_secret(&server_entry_name(data_dir), "password")?
            .map(|(text, _)| text))
    }

    /// Keeps `password` as the server password of the pantry in `data_dir`.
    pub fn put_server_password(&self, data_dir: &Path, password: &str) -> Result<()> {
        self.put_secret(&server_entry_name(data_dir), "password", password)
    }

    /// Forgets the server password of the pantry in `data_dir` (the credential store's entry
    /// and any file).
    pub fn forget_server_password(&self, data_dir: &Path) -> Result<()> {
        let name = server_entry_name(data_dir);
        if let KeyStore::System { .. } = self {
            credential_store::forget(&name);
        }
        match self.file(&format!("{name}.password")) {
            Some(file) if file.exists() => {
                std::fs::remove_file(&file).map_err(|e| files::file_error("remove", &file, &e))
            }
            _ => Ok(()),
        }
    }

    /// The secret kept as `name`: from the credential store, else from its file (named
    /// `name.suffix`, returned with it).
    fn get_secret(&self, name: &str, suffix: &str) -> Result<Option<(String, Option<PathBuf>)>> {
        if let KeyStore::System { .. } = self {
            if let Some(text) = credential_store::get(name) {
                return Ok(Some((text, None)));
            }
        }
        let Some(file) = self.file(&format!("{name}.{suffix}")) else {
            return Ok(None);
        };
        match std::fs::read(&file) {
            Ok(bytes) => Ok(Some((
                String::from_utf8_lossy(&bytes).into_owned(),
                Some(file),
            ))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(files::file_error("read", &file, &e)),
        }
    }

    /// The newest audit-trail head Pantry has seen for the database at `db_path` (kept
    /// beside its key, outside the data folder), as `remember_head` wrote it.
    pub fn remembered_head(&self, db_path: &Path) -> Option<String> {
        let file = self.file(&format!("{}.audit-head", entry_name(db_path)))?;
        std::fs::read_to_string(file).ok()
    }

    /// Keeps `head` as the newest audit-trail head seen for the database at `db_path`, so that
    /// entries cut from the end of the trail later are noticed. Best effort: a store with no
    /// folder keeps none.
    pub fn remember_head(&self, db_path: &Path, head: &str) {
        if let Some(file) = self.file(&format!("{}.audit-head", entry_name(db_path))) {
            if let Some(dir) = file.parent() {
                let _ = std::fs::create_dir_all(dir);
            }
            let _ = files::write_atomically(&file, head.as_bytes(), files::Existing::Replace);
        }
    }

    /// The folder where this store keeps key files, if it keeps any (no output may be
    /// written there).
    pub fn folder(&self) -> Option<&Path> {
        match self {
            KeyStore::System { fallback } => fallback.as_deref(),
            KeyStore::Folder(dir) => Some(dir),
        }
    }

    /// Keeps `key` as the key of the database at `db_path` (replacing any other).
    pub fn put(&self, db_path: &Path, key: &DatabaseKey) -> Result<()> {
        self.put_secret(&entry_name(db_path), "key", &key.hex())
    }

    /// Keeps `text` as the secret `name`: in the credential store when there is one (then any
    /// file left from a time without one goes, stale), else in a file readable only by the
    /// user.
    fn put_secret(&self, name: &str, suffix: &str, text: &str) -> Result<()> {
        let file = self.file(&format!("{name}.{suffix}"));
        if let KeyStore::System { .. } = self {
            if credential_store::put(name, text) {
                if let Some(file) = file.filter(|f| f.exists()) {
                    std::fs::remove_file(&file)
                        .map_err(|e| files::file_error("remove", &file, &e))?;
                }
                return Ok(());
            }
        }
        match file {
            Some(file) => write_secret_file(&file, text),
            None => Err(Error::File(format!(
                "Pantry has nowhere private to keep the database key or server password: the \
                 credential store refused it and this user has no config folder. Set \
                 {KEY_DIR_ENV} to a folder only you can read."
            ))),
        }
    }

    /// The file named `file_name` in this store's folder, where it keeps files.
    fn file(&self, file_name: &str) -> Option<PathBuf> {
        self.folder().map(|dir| dir.join(file_name))
    }
}

/// Whether a file name is a key file's (`database-<24 hex digits>.key`).
pub fn is_key_file_name(name: &str) -> bool {
    name.to_ascii_lowercase()
        .strip_prefix("database-")
        .and_then(|rest| rest.strip_suffix(".key"))
        .is_some_and(|hex| hex.len() == 24 && hex.chars().all(|c| c.is_ascii_hexdigit()))
}

/// The store's name for a database's key: from the database's full path, so two pantries on
/// one laptop have two keys (moving the data folder needs the recovery key once).
fn entry_name(db_path: &Path) -> String {
    let path = std::path::absolute(db_path).unwrap_or_else(|_| db_path.to_owned());
    let digest = Sha256::digest(path.as_os_str().as_encoded_bytes());
    format!("database-{}", hex::encode(&digest[..12]))
}

/// The store's name for the server password of the pantry whose data folder is `data_dir`.
fn server_entry_name(data_dir: &Path) -> String {
    let path = std::path::absolute(data_dir).unwrap_or_else(|_| data_dir.to_owned());
    let digest = Sha256::digest(path.as_os_str().as_encoded_bytes());
    format!("server-{}", hex::encode(&digest[..12]))
}

/// Writes a key or password file readable only by the user (created so from the start on
/// Unix).
fn write_secret_file(file: &Path, text: &str) -> Result<()> {
    let dir = file.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| files::file_error("create", dir, &e))?;
    let staged = files::stage_beside(file, |f| {
        restrict_to_user(f)?;
        std::io::Write::write_all(f, text.as_bytes())
    })?;
    files::persist(staged, file, files::Existing::Replace)
}

#[cfg(unix)]
fn restrict_to_user(file: &std::fs::File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(0o600))
}

/// Elsewhere (Windows) a file in the user's own profile folder is private to the user.
#[cfg(not(unix))]
fn restrict_to_user(_file: &std::fs::File) -> std::io::Result<()> {
    Ok(())
}

/// The operating system's credential store; any failure (none running, locked, refused)
/// means "not there", and the key file is used instead.
mod credential_store {
    use super::SERVICE;

    pub fn get(name: &str) -> Option<String> {
        keyring::Entry::new(SERVICE, name).ok()?.get_password().ok()
    }

    pub fn put(name: &str, text: &str) -> bool {
        keyring::Entry::new(SERVICE, name)
            .and_then(|entry| entry.set_password(text))
            .is_ok()
    }

    pub fn forget(name: &str) {
        if let Ok(entry) = keyring::Entry::new(SERVICE, name) {
            let _ = entry.delete_credential();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_text_reads_back_as_typed() {
        let key = DatabaseKey::generate();
        let text = key.recovery_text();
        assert_eq!(text.split('-').count(), 13);
        assert_eq!(DatabaseKey::from_recovery_text(&text).unwrap(), key);
        let typed = text.to_lowercase().replace('-', " ").replace('o', "0");
        assert_eq!(DatabaseKey::from_recovery_text(&typed).unwrap(), key);
        assert!(DatabaseKey::from_recovery_text("ABCD-EFGH").is_err());
        assert!(!format!("{key:?}").contains(&key.hex()));
    }

    #[test]
    fn a_folder_store_keeps_one_private_key_per_database() {
        let dir = tempfile::tempdir().unwrap();
        let store = KeyStore::Folder(dir.path().join("keys"));
        let a = dir.path().join("a/pantry.sqlite3");
        let b = dir.path().join("b/pantry.sqlite3");
        assert_eq!(store.get(&a).unwrap(), None);
        let key = DatabaseKey::generate();
        store.put(&a, &key).unwrap();
        assert_eq!(store.get(&a).unwrap(), Some(key));
        assert_eq!(store.get(&b).unwrap(), None);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let file = std::fs::read_dir(dir.path().join("keys"))
                .unwrap()
                .next()
                .unwrap()
                .unwrap();
            assert_eq!(file.metadata().unwrap().permissions().mode() & 0o777, 0o600);
        }
    }
}
