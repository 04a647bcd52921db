//! The append-only audit trail: who did what, when. The table refuses updates and deletes,
//! and every entry is linked into a hash chain (`chain`) so that a change made outside
//! Pantry shows; all SQL is in `store`.

pub mod chain;
mod sentence;
mod sentence_store;
pub(crate) mod store;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::SqliteConnection;

use crate::access::{Actor, Operation};
use crate::db::Db;
use crate::error::{Error, Result};

/// Appends one entry, inside the caller's transaction (the library's own rule functions
/// write the trail; `actor` is the name of the volunteer who acted).
pub(crate) async fn record(
    conn: &mut SqliteConnection,
    at: DateTime<Utc>,
    actor: &str,
    action: &str,
    subject: Option<&str>,
    details: &serde_json::Value,
) -> Result<()> {
    let details = details.to_string();
    let entry = store::insert(conn, at, actor, action, subject, &details).await?;
    chain::extend(conn, &entry).await
}

/// Appends entries carried from another copy of the database (the audit trail written after
/// a backup, carried into the database restored from it), as they were written there; each
/// gets a new id here and is linked into this database's chain.
pub(crate) async fn carry(
    conn: &mut SqliteConnection,
    entries: &[store::StoredEntry],
) -> Result<()> {
    for e in entries {
        let entry = store::insert(
            conn,
            e.at.as_str(),
            &e.actor,
            &e.action,
            e.subject.as_deref(),
            &e.details,
        )
        .await?;
        chain::extend(conn, &entry).await?;
    }
    Ok(())
}

impl Actor {
    /// Refuses (and records the refusal) unless this actor may do `op`. Call it before
    /// opening a write transaction.
    pub async fn require(&self, db: &Db, op: Operation) -> Result<()> {
        if self.may(op) {
            return Ok(());
        }
        let needs = op.min_role();
        let mut tx = db.begin_write().await?;
        record(
            &mut tx,
            db.now(),
            self.name(),
            "refused",
            None,
            &serde_json::json!({ "doing": op.doing(), "needs": needs.code(), "has": self.role().code() }),
        )
        .await?;
        tx.commit().await?;
        Err(Error::Forbidden(format!(
            "{} needs {}; {} is signed in as {}. Ask {} to sign in.",
            op.doing(),
            needs.with_article(),
            self.name(),
            self.role().with_article(),
            needs.with_article()
        )))
    }
}

/// When the newest `limit` entries of one kind (`action`) were recorded, newest first (the
/// sign-in's pantry-wide slow-down counts recent wrong PINs with it).
pub(crate) async fn newest_times(
    conn: &mut SqliteConnection,
    action: &str,
    limit: i64,
) -> Result<Vec<DateTime<Utc>>> {
    store::newest_times(conn, action, limit).await
}

/// One entry of the trail as the Settings screen lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    #[ts(type = "number")]
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub subject: Option<String>,
    pub details: String,
    /// The entry in words, naming what it is about as it is now.
    #[sqlx(skip)]
    pub sentence: String,
}

/// What to show: text found in the actor, action, subject or details; dates (YYYY-MM-DD,
/// UTC) from and to, inclusive; empty means any.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditFilter {
    pub text: String,
    pub action: String,
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// How many entries match (only the newest `LIMIT` are listed).
    #[ts(type = "number")]
    pub matching: i64,
    /// The kinds of action recorded, for the filter.
    pub actions: Vec<String>,
}

/// The newest entries listed at once.
pub const LIMIT: i64 = 200;

/// The newest entries matching the filter.
pub async fn list(db: &crate::db::Db, filter: &AuditFilter, actor: &Actor) -> Result<AuditPage> {
    actor.require(db, Operation::ViewAudit).await?;
    let date = |text: &str, field: &str| -> Result<Option<NaiveDate>> {
        let t = text.trim();
        if t.is_empty() {
            return Ok(None);
        }
        NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| crate::Error::invalid(field, "Give the date as YYYY-MM-DD."))
    };
    let matching = store::Matching {
        text: filter.text.trim(),
        action: filter.action.trim(),
        from: date(&filter.from, "from")?,
        to: date(&filter.to, "to")?,
    };
    let mut conn = db.pool().acquire().await?;
    let mut entries = store::newest(&mut conn, matching).await?;
    for entry in &mut entries {
        entry.sentence = sentence::sentence(&mut conn, entry).await?;
    }
    let matching = store::count(&mut conn, matching).await?;
    let actions = store::actions(&mut conn).await?;
    Ok(AuditPage {
        entries,
        matching,
        actions,
    })
}
