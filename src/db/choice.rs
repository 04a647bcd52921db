//! Which database this computer's Pantry uses: the laptop's own encrypted file (the default),
//! or the pantry's server. A server chosen in the app is remembered in the data folder
//! (`server.json`: host, port, database, user and CA file, never the password); its password
//! is kept like a database key (the operating system's credential store, else a file only
//! the user may read, outside the data folder). `PANTRY_DATABASE_URL` overrides both.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::server::{self, ServerAddress};
use crate::error::{Error, FieldError, Result};
use crate::files::{self, Existing};
use crate::keys::KeyStore;

/// The file in the data folder naming the server this computer's pantry uses.
const CHOICE_FILE: &str = "server.json";

/// The longest host, database, user or CA file path accepted.
const MAX_TEXT: usize = 255;

/// A pantry's server, as typed on the first-run screen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ServerForm {
    pub host: String,
    pub port: String,
    pub database: String,
    pub user: String,
    /// Never kept in the data folder (`server.json` is this form without it), never shown
    /// again.
    #[serde(default, skip_serializing)]
    pub password: String,
    /// The CA certificate that signed the server's certificate (a file the server's admin
    /// gives): needed for any server but this computer.
    pub ca_file: String,
}

/// A server that answered, as the screens show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ServerCheck {
    /// `postgres://user@host:port/database`, no password.
    pub shown: String,
    /// Whether the link is encrypted (TLS, the server's certificate checked).
    pub encrypted: bool,
}

impl ServerForm {
    /// The address this form gives, every field checked at once; the same TLS rule as a
    /// typed address: a server on another computer only with its CA certificate.
    pub fn address(&self) -> Result<ServerAddress> {
        let mut fields: Vec<FieldError> = Vec::new();
        let host = self.host.trim();
        if host.is_empty() {
            fields.push(FieldError::new(
                "host",
                "Type the server's name or address.",
            ));
        } else if host.len() > MAX_TEXT || host.contains(|c: char| c.is_whitespace() || c == '/') {
            fields.push(FieldError::new(
                "host",
                "A server's name has no spaces or slashes, like db.example.org.",
            ));
        }
        let port = match self.port.trim() {
            "" => Some(5432),
            text => text.parse::<u16>().ok().filter(|p| *p > 0),
        };
        if port.is_none() {
            fields.push(FieldError::new(
                "port",
                "The port is a number from 1 to 65535 (PostgreSQL's is 5432).",
            ));
        }
        for (field, value, what) in [
            ("database", self.database.trim(), "the database's name"),
            (
                "user",
                self.user.trim(),
                "the user Pantry signs in to it as",
            ),
        ] {
            if value.is_empty() {
                fields.push(FieldError::new(field, format!("Type {what}.")));
            } else if value.len() > MAX_TEXT || value.chars().any(char::is_control) {
                fields.push(FieldError::new(
                    field,
                    "That name is too long or holds control characters.",
                ));
            }
        }
        let ca = self.ca_file.trim();
        let ca_file = (!ca.is_empty()).then(|| PathBuf::from(ca));
        if ca_file.as_deref().is_some_and(|f| !f.is_file()) {
            fields.push(FieldError::new(
                "caFile",
                "There is no file there: choose the CA certificate your server's admin gave you.",
            ));
        } else if ca_file.is_none() && !host.is_empty() && !server::is_loopback(host) {
            fields.push(FieldError::new(
                "caFile",
                "A server on another computer is reached only over an encrypted link that \
                 checks the server: choose the CA certificate your server's admin gave you.",
            ));
        }
        if !fields.is_empty() {
            return Err(Error::Validation(fields));
        }
        Ok(ServerAddress::from_parts(
            host,
            port.unwrap_or(5432),
            self.database.trim(),
            self.user.trim(),
            &self.password,
            ca_file.as_deref(),
        ))
    }
}

/// Connects to the server the form gives (within 3 seconds), checks that its database has
/// this Pantry's schema, and lets go. Nothing is kept.
pub async fn try_server(form: &ServerForm) -> Result<ServerCheck> {
    let address = form.address()?;
    server::connect(&address).await?.close().await;
    Ok(ServerCheck {
        shown: address.shown(),
        encrypted: address.is_encrypted(),
    })
}

/// Tries the server, then keeps it as the database of the pantry in `data_dir`: the
/// password in `keys` first, then the choice in the data folder (so a choice is never kept
/// without its password). Nothing is kept when the server does not answer.
pub async fn choose_server(
    data_dir: &Path,
    keys: &KeyStore,
    form: &ServerForm,
) -> Result<ServerCheck> {
    let check = try_server(form).await?;
    keys.put_server_password(data_dir, &form.password)?;
    let kept = ServerForm {
        host: form.host.trim().to_owned(),
        port: form.port.trim().to_owned(),
        database: form.database.trim().to_owned(),
        user: form.user.trim().to_owned(),
        password: String::new(),
        ca_file: form.ca_file.trim().to_owned(),
    };
    let json = serde_json::to_vec_pretty(&kept).map_err(|e| Error::File(e.to_string()))?;
    std::fs::create_dir_all(data_dir).map_err(|e| files::file_error("create", data_dir, &e))?;
    files::write_atomically(&data_dir.join(CHOICE_FILE), &json, Existing::Replace)?;
    Ok(check)
}

/// The server chosen for the pantry in `data_dir`, if one was (its password from `keys`).
pub fn chosen_server(data_dir: &Path, keys: &KeyStore) -> Result<Option<ServerAddress>> {
    let file = data_dir.join(CHOICE_FILE);
    let bytes = match std::fs::read(&file) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(files::file_error("read", &file, &e)),
    };
    let mut form: ServerForm = serde_json::from_slice(&bytes).map_err(|_| {
        Error::Unavailable(format!(
            "The file naming this pantry's server ({}) is damaged. Choose \"Use this laptop \
             instead\" and connect to the server again.",
            file.display()
        ))
    })?;
    form.password = keys.server_password(data_dir)?.ok_or_else(|| {
        Error::Unavailable(
            "The server's password is not kept on this computer any more. Choose \"Use this \
             laptop instead\" and connect to the server again."
                .into(),
        )
    })?;
    form.address().map(Some).map_err(|e| match e {
        Error::Validation(fields) => Error::Unavailable(format!(
            "This pantry's server cannot be used as it was saved: {}",
            fields
                .iter()
                .map(|f| f.message.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        )),
        other => other,
    })
}

/// The server the pantry in `data_dir` uses: `url` when one is given (`--database`,
/// `PANTRY_DATABASE_URL`), else the one chosen in the app; `None`, the laptop's own file.
pub fn server_for(
    data_dir: &Path,
    keys: &KeyStore,
    url: Option<&str>,
) -> Result<Option<ServerAddress>> {
    match url.map(str::trim).filter(|u| !u.is_empty()) {
        Some(url) => ServerAddress::parse(url).map(Some),
        None => chosen_server(data_dir, keys),
    }
}

/// Goes back to the laptop's own database: the choice and the password are forgotten. Only
/// when the server chosen could not be used at start (`failed`): a desk that works on the
/// server never leaves it for a database of its own.
pub fn forget_failed_server(data_dir: &Path, keys: &KeyStore, failed: bool) -> Result<()> {
    if !failed {
        return Err(Error::Forbidden(
            "Pantry leaves its server only when the server cannot be used at start.".into(),
        ));
    }
    let file = data_dir.join(CHOICE_FILE);
    if file.exists() {
        std::fs::remove_file(&file).map_err(|e| files::file_error("remove", &file, &e))?;
    }
    keys.forget_server_password(data_dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(host: &str, ca_file: &str) -> ServerForm {
        ServerForm {
            host: host.into(),
            port: String::new(),
            database: "pantry".into(),
            user: "pantry_app".into(),
            password: "s3cret pass/word@x".into(),
            ca_file: ca_file.into(),
        }
    }

    fn fields(err: Error) -> Vec<String> {
        match err {
            Error::Validation(f) => f.into_iter().map(|f| f.field).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_server_elsewhere_needs_its_ca_file_and_every_mistake_is_told_at_once() {
        assert_eq!(
            fields(form("db.example.org", "").address().unwrap_err()),
            ["caFile"]
        );
        let bad = ServerForm {
            host: "db example".into(),
            port: "70000".into(),
            database: String::new(),
            user: String::new(),
            password: String::new(),
            ca_file: "/no/such/ca.crt".into(),
        };
        assert_eq!(
            fields(bad.address().unwrap_err()),
            ["host", "port", "database", "user", "caFile"]
        );
        let here = form("localhost", "").address().unwrap();
        assert_eq!(here.shown(), "postgres://pantry_app@localhost:5432/pantry");
        assert!(!here.is_encrypted());
        assert!(!format!("{here:?}").contains("s3cret"));
        let dir = tempfile::tempdir().unwrap();
        let ca = dir.path().join("ca.crt");
        std::fs::write(&ca, "not checked until it connects").unwrap();
        let there = form("db.example.org", &ca.display().to_string())
            .address()
            .unwrap();
        assert!(there.is_encrypted());
    }

    #[test]
    fn a_chosen_server_is_kept_without_its_password_and_forgotten_whole() {
        let dir = tempfile::tempdir().unwrap();
        let keys = KeyStore::Folder(dir.path().join("keys"));
        let data = dir.path().join("data");
        assert!(chosen_server(&data, &keys).unwrap().is_none());
        // As `choose_server` keeps it, once the server answered.
        let typed = form("localhost", "");
        keys.put_server_password(&data, &typed.password).unwrap();
        let password = typed.password.clone();
        std::fs::create_dir_all(&data).unwrap();
        // The form as kept: serialised, it leaves its password out.
        let kept = serde_json::to_vec(&typed).unwrap();
        std::fs::write(data.join(CHOICE_FILE), &kept).unwrap();
        assert!(!String::from_utf8(kept).unwrap().contains(&password));
        let address = chosen_server(&data, &keys).unwrap().unwrap();
        assert_eq!(
            address.shown(),
            "postgres://pantry_app@localhost:5432/pantry"
        );
        // Left only when the server failed at start.
        assert!(matches!(
            forget_failed_server(&data, &keys, false),
            Err(Error::Forbidden(_))
        ));
        assert!(chosen_server(&data, &keys).unwrap().is_some());
        forget_failed_server(&data, &keys, true).unwrap();
        assert!(chosen_server(&data, &keys).unwrap().is_none());
        assert_eq!(keys.server_password(&data).unwrap(), None);
    }
}
