//! The append-only audit trail: who did what, when. The table refuses updates and deletes,
//! and every entry is linked into a hash chain (`chain`) so that a change made outside
//! Pantry shows; all SQL is in `store`.

pub mod chain;
mod store;

pub(crate) use store::{Matching, StoredEntry};

use chrono::{DateTime, Utc};

use crate::access::{Actor, Operation};
use crate::db::Conn;
use crate::db::Db;
use crate::error::{Error, Result};

/// What an entry is about: a record of one kind, by id. Stored as `kind:id`
/// (`household:42`), which is what the trail's filter searches and `Subject::parse` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Household(i64),
    Volunteer(i64),
    Referral(i64),
    Agency(i64),
    Item(i64),
    Delivery(i64),
    Waste(i64),
    Count(i64),
    Round(i64),
}

impl Subject {
    fn parts(self) -> (&'static str, i64) {
        match self {
            Subject::Household(id) => ("household", id),
            Subject::Volunteer(id) => ("volunteer", id),
            Subject::Referral(id) => ("referral", id),
            Subject::Agency(id) => ("agency", id),
            Subject::Item(id) => ("item", id),
            Subject::Delivery(id) => ("delivery", id),
            Subject::Waste(id) => ("waste", id),
            Subject::Count(id) => ("count", id),
            Subject::Round(id) => ("round", id),
        }
    }

    /// The id of the record it is about.
    pub fn id(self) -> i64 {
        self.parts().1
    }

    /// As stored: `household:42`.
    pub fn stored(self) -> String {
        let (kind, id) = self.parts();
        format!("{kind}:{id}")
    }

    /// A subject as stored, if it is one.
    pub fn parse(text: &str) -> Option<Subject> {
        let (kind, id) = text.split_once(':')?;
        let id = id.parse().ok()?;
        Some(match kind {
            "household" => Subject::Household(id),
            "volunteer" => Subject::Volunteer(id),
            "referral" => Subject::Referral(id),
            "agency" => Subject::Agency(id),
            "item" => Subject::Item(id),
            "delivery" => Subject::Delivery(id),
            "waste" => Subject::Waste(id),
            "count" => Subject::Count(id),
            "round" => Subject::Round(id),
            _ => return None,
        })
    }
}

/// Appends one entry, inside the caller's transaction (the library's own rule functions
/// write the trail; `actor` is the name of the volunteer who acted).
pub(crate) async fn record(
    conn: &mut Conn,
    at: DateTime<Utc>,
    actor: &str,
    action: &str,
    subject: Option<Subject>,
    details: &serde_json::Value,
) -> Result<()> {
    let details = details.to_string();
    let subject = subject.map(Subject::stored);
    let desk = conn.desk().map(str::to_owned);
    store::take_turn(conn).await?;
    let entry = store::insert(
        conn,
        // As its link covers it: the same text on both engines.
        &crate::db::stamp_text(at),
        actor,
        action,
        subject.as_deref(),
        &details,
        desk.as_deref(),
    )
    .await?;
    chain::extend(conn, &entry).await
}

/// The newest entry's id (0 for an empty trail): it grows with every change a volunteer makes.
pub(crate) async fn newest_id(conn: &mut Conn) -> Result<i64> {
    store::newest_id(conn).await
}

/// The entries about these subjects, oldest first (a subject access).
pub(crate) async fn about(conn: &mut Conn, subjects: &[String]) -> Result<Vec<AuditEntry>> {
    store::about(conn, subjects).await
}

/// The newest `limit` entries matching, how many match in all, and every kind of action
/// recorded (for the filter).
pub(crate) async fn matching(
    conn: &mut Conn,
    matching: Matching<'_>,
    limit: i64,
) -> Result<(Vec<AuditEntry>, i64, Vec<String>)> {
    Ok((
        store::newest(conn, matching, limit).await?,
        store::count(conn, matching).await?,
        store::actions(conn).await?,
    ))
}

/// Appends entries carried from another copy of the database (the audit trail written after
/// a backup, carried into the database restored from it), as they were written there; each
/// gets a new id here and is linked into this database's chain.
pub(crate) async fn carry(conn: &mut Conn, entries: &[StoredEntry]) -> Result<()> {
    store::take_turn(conn).await?;
    for e in entries {
        let entry = store::insert(
            conn,
            e.at.as_str(),
            &e.actor,
            &e.action,
            e.subject.as_deref(),
            &e.details,
            e.desk.as_deref(),
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
    conn: &mut Conn,
    action: &str,
    limit: i64,
) -> Result<Vec<DateTime<Utc>>> {
    store::newest_times(conn, action, limit)
        .await?
        .iter()
        .map(|at| {
            DateTime::parse_from_rfc3339(at)
                .map(|at| at.with_timezone(&Utc))
                .map_err(|_| {
                    Error::Conflict(format!("An audit entry has an unreadable time: {at}"))
                })
        })
        .collect()
}

/// One entry of the trail as the Settings screen lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    #[ts(type = "number")]
    pub id: i64,
    #[sqlx(try_from = "crate::db::Stamp")]
    pub at: String,
    pub actor: String,
    pub action: String,
    pub subject: Option<String>,
    pub details: String,
    /// The desk it was written at, when that desk had a name.
    pub desk: Option<String>,
    /// The entry in words, naming what it is about as it is now.
    #[sqlx(skip)]
    pub sentence: String,
}

#[cfg(test)]
mod tests {
    use super::Subject;

    #[test]
    fn a_subject_is_read_back_as_it_was_stored() {
        for make in [
            Subject::Household,
            Subject::Volunteer,
            Subject::Referral,
            Subject::Agency,
            Subject::Item,
            Subject::Delivery,
            Subject::Waste,
            Subject::Count,
            Subject::Round,
        ] {
            let subject = make(42);
            assert_eq!(Subject::parse(&subject.stored()), Some(subject));
            assert_eq!(subject.id(), 42);
        }
        assert_eq!(Subject::Household(7).stored(), "household:7");
        for text in [
            "",
            "household",
            "household:",
            "household:x",
            "planet:3",
            "42",
        ] {
            assert_eq!(Subject::parse(text), None, "{text}");
        }
    }
}
