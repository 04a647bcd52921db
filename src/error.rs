//! The one error type of the library, and its wire form for the UI.

use serde::{Serialize, Serializer};
use ts_rs::TS;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A problem with one field of a form, shown next to that field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FieldError {
    /// The field's name as the UI knows it (camelCase, as in the wire type).
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

/// Checks a typed whole number in `min..=max`; on a mistake adds `field`'s message.
pub(crate) fn whole_number(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: &str,
    min: u32,
    max: u32,
    label: &str,
) -> Option<u32> {
    let parsed = value
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|n| (min..=max).contains(n));
    if parsed.is_none() {
        errors.push(FieldError::new(
            field,
            format!("{label} must be a whole number from {min} to {max}."),
        ));
    }
    parsed
}

/// One item short of what was asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Shortage {
    #[ts(type = "number")]
    pub item_id: i64,
    pub item: String,
    #[ts(type = "number")]
    pub wanted: i64,
    /// Usable stock (not past its use-by date).
    #[ts(type = "number")]
    pub available: i64,
    /// Stock past its use-by date, which can only be recorded as waste.
    #[ts(type = "number")]
    pub past_use_by: i64,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{what} was not found.")]
    NotFound { what: String },

    /// One or more fields are wrong; nothing was saved.
    #[error("{}", validation_summary(.0))]
    Validation(Vec<FieldError>),

    #[error("Not eligible today: {}", .reasons.join("; "))]
    NotEligible { reasons: Vec<String> },

    /// Not enough stock for one or more items; nothing was moved.
    #[error("Not enough stock: {}", .lines.iter().map(|l| l.message.as_str()).collect::<Vec<_>>().join("; "))]
    InsufficientStock { lines: Vec<Shortage> },

    #[error("You are not allowed to do this: {0}")]
    Forbidden(String),

    /// No volunteer is signed in (or the app locked itself after being idle).
    #[error("{0}")]
    SignInNeeded(String),

    #[error("{0}")]
    Conflict(String),

    /// The database was written by a newer Pantry; we refuse to touch it.
    #[error(
        "This database was created by a newer version of Pantry (schema {found}); this copy of \
         Pantry only understands up to schema {known}. Nothing was changed. Install the newer \
         version of Pantry to open it."
    )]
    SchemaTooNew { found: i64, known: i64 },

    /// A database or backup that this computer has no key for: the recovery key opens it.
    #[error("{0}")]
    KeyNeeded(String),

    /// The app could not open its database at start-up, or cannot do this on its engine.
    #[error("{0}")]
    Unavailable(String),

    #[error("A file could not be read or written: {0}")]
    Io(#[from] std::io::Error),

    /// A file problem already put in plain words, naming the file (see `files::file_error`).
    #[error("{0}")]
    File(String),

    #[error("{}", plain_db_message(.0))]
    Db(#[from] sqlx::Error),

    #[error("The database could not be updated to this version of Pantry: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// A database error in plain words: SQLite's codes and messages never reach a volunteer.
fn plain_db_message(err: &sqlx::Error) -> String {
    let code = match err {
        sqlx::Error::Database(d) => d.code().and_then(|c| c.parse::<i64>().ok()),
        sqlx::Error::PoolTimedOut => Some(5),
        _ => None,
    };
    // The primary result code is the low byte of an extended one (787 is 19, a constraint).
    match code.map(|c| c & 0xff) {
        Some(5 | 6) => "The database is busy with another Pantry window or command. Try again in \
                        a moment; nothing was saved."
            .into(),
        Some(11 | 26) => {
            "The database file is damaged, or is not a Pantry database. Nothing was \
                          changed. Restore the latest backup (Settings → Backups), or ask an admin."
                .into()
        }
        Some(13) => "The disk is full: free some space and try again. Nothing was saved.".into(),
        Some(8 | 14) => "Pantry cannot open or write its database file here (it is read-only, \
                         moved or on a drive that was removed). Nothing was saved."
            .into(),
        Some(19) => "That would clash with what is already saved (a record that must be unique, \
                     or one still in use). Nothing was saved."
            .into(),
        _ => "The database could not do that just now. Nothing was saved; try again, and if it \
              happens again ask an admin to take a backup and check the database."
            .into(),
    }
}

fn validation_summary(errors: &[FieldError]) -> String {
    match errors {
        [one] => one.message.clone(),
        many => format!("Please correct the {} highlighted fields.", many.len()),
    }
}

impl Error {
    /// A validation error about a single field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, message)])
    }

    /// A part of Pantry whose statements are not yet written for a server database (issue
    /// 30 brings them over store by store); nothing was changed.
    pub fn not_on_server() -> Self {
        Self::Unavailable(
            "This part of Pantry does not work on a server database yet: use it on a pantry \
             whose database is on this laptop. Nothing was changed."
                .into(),
        )
    }

    pub fn not_found(what: impl Into<String>) -> Self {
        Self::NotFound { what: what.into() }
    }

    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::NotFound { .. } => ErrorKind::NotFound,
            Error::Validation(_) => ErrorKind::Validation,
            Error::NotEligible { .. } => ErrorKind::NotEligible,
            Error::InsufficientStock { .. } => ErrorKind::InsufficientStock,
            Error::Forbidden(_) => ErrorKind::Forbidden,
            Error::SignInNeeded(_) => ErrorKind::SignInNeeded,
            Error::Conflict(_) => ErrorKind::Conflict,
            Error::SchemaTooNew { .. } => ErrorKind::SchemaTooNew,
            Error::KeyNeeded(_) => ErrorKind::KeyNeeded,
            Error::Unavailable(_) => ErrorKind::Unavailable,
            Error::Io(_) | Error::File(_) => ErrorKind::Io,
            Error::Db(_) | Error::Migrate(_) => ErrorKind::Db,
        }
    }

    /// The form the UI receives: `{ kind, message, ...details }`.
    pub fn to_wire(&self) -> WireError {
        WireError {
            kind: self.kind(),
            message: self.to_string(),
            fields: match self {
                Error::Validation(fields) => fields.clone(),
                _ => Vec::new(),
            },
            reasons: match self {
                Error::NotEligible { reasons } => reasons.clone(),
                _ => Vec::new(),
            },
            shortages: match self {
                Error::InsufficientStock { lines } => lines.clone(),
                _ => Vec::new(),
            },
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ErrorKind {
    NotFound,
    Validation,
    NotEligible,
    InsufficientStock,
    Forbidden,
    SignInNeeded,
    Conflict,
    SchemaTooNew,
    KeyNeeded,
    Unavailable,
    Io,
    Db,
}

/// What crosses the IPC boundary when a command fails.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WireError {
    pub kind: ErrorKind,
    /// Plain English, fit to show to a volunteer.
    pub message: String,
    /// For `validation`: every field that is wrong, with its own message.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[ts(optional, as = "Option<Vec<FieldError>>")]
    pub fields: Vec<FieldError>,
    /// For `notEligible`: every reason that applies.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[ts(optional, as = "Option<Vec<String>>")]
    pub reasons: Vec<String>,
    /// For `insufficientStock`: every item that is short, at once.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[ts(optional, as = "Option<Vec<Shortage>>")]
    pub shortages: Vec<Shortage>,
}

impl Serialize for Error {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        self.to_wire().serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn validation_error_serialises_with_kind_message_and_fields() {
        let err = Error::Validation(vec![
            FieldError::new("name", "Enter the pantry's name."),
            FieldError::new("weeklyFee", "Enter the fee in pounds, e.g. 3.50."),
        ]);
        assert_eq!(
            serde_json::to_value(&err).unwrap(),
            json!({
                "kind": "validation",
                "message": "Please correct the 2 highlighted fields.",
                "fields": [
                    {"field": "name", "message": "Enter the pantry's name."},
                    {"field": "weeklyFee", "message": "Enter the fee in pounds, e.g. 3.50."}
                ]
            })
        );
    }

    #[test]
    fn single_field_error_uses_its_own_message() {
        let err = Error::invalid("shortCode", "Use 2 to 10 letters or digits.");
        let v = serde_json::to_value(&err).unwrap();
        assert_eq!(v["message"], "Use 2 to 10 letters or digits.");
    }

    #[test]
    fn not_eligible_lists_every_reason() {
        let err = Error::NotEligible {
            reasons: vec![
                "Membership expired".into(),
                "Already visited this week".into(),
            ],
        };
        assert_eq!(
            serde_json::to_value(&err).unwrap(),
            json!({
                "kind": "notEligible",
                "message": "Not eligible today: Membership expired; Already visited this week",
                "reasons": ["Membership expired", "Already visited this week"]
            })
        );
    }

    #[test]
    fn schema_too_new_is_plain_english() {
        let v = serde_json::to_value(Error::SchemaTooNew { found: 9, known: 3 }).unwrap();
        assert_eq!(v["kind"], "schemaTooNew");
        assert!(v["message"]
            .as_str()
            .unwrap()
            .contains("newer version of Pantry"));
        assert!(v.get("fields").is_none());
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn database_errors_are_told_without_sqlites_codes() {
        use sqlx::Connection;
        crate::db::start_sqlite();
        let mut conn = sqlx::SqliteConnection::connect("sqlite::memory:")
            .await
            .unwrap();
        sqlx::query("CREATE TABLE t (n INTEGER UNIQUE); INSERT INTO t VALUES (1)")
            .execute(&mut conn)
            .await
            .unwrap();
        let err: Error = sqlx::query("INSERT INTO t VALUES (1)")
            .execute(&mut conn)
            .await
            .unwrap_err()
            .into();
        let said = err.to_string();
        assert!(said.contains("clash") && !said.contains("code") && !said.contains("UNIQUE"));
        let err: Error = sqlx::query("SELECT * FROM nowhere")
            .execute(&mut conn)
            .await
            .unwrap_err()
            .into();
        assert!(
            err.to_string()
                .starts_with("The database could not do that"),
            "{err}"
        );
    }
}
