//! The audit trail as people read it: the newest entries matching a filter, each as a
//! sentence that names what it is about as it is now. It sits above the domains whose records
//! the sentences name; the trail itself (`audit`) sits below them all.

mod sentence;
mod store;

use chrono::NaiveDate;

use crate::access::{Actor, Operation};
use crate::audit::{self, AuditEntry};
use crate::db::Db;
use crate::error::{Error, Result};

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
pub async fn list(db: &Db, filter: &AuditFilter, actor: &Actor) -> Result<AuditPage> {
    actor.require(db, Operation::ViewAudit).await?;
    let date = |text: &str, field: &str| -> Result<Option<NaiveDate>> {
        let t = text.trim();
        if t.is_empty() {
            return Ok(None);
        }
        NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| Error::invalid(field, "Give the date as YYYY-MM-DD."))
    };
    let matching = audit::Matching {
        text: filter.text.trim(),
        action: filter.action.trim(),
        from: date(&filter.from, "from")?,
        to: date(&filter.to, "to")?,
    };
    let mut conn = db.acquire().await?;
    let (mut entries, matching, actions) = audit::matching(&mut conn, matching, LIMIT).await?;
    for entry in &mut entries {
        entry.sentence = sentence::sentence(&mut conn, entry).await?;
    }
    Ok(AuditPage {
        entries,
        matching,
        actions,
    })
}
