//! UK GDPR tools: subject access (everything held about one household), erasure
//! (anonymise, keeping anonymous visit counts for reports) and retention (anonymise
//! households with no visit for the pantry's retention period).

use std::path::{Path, PathBuf};

use chrono::{DateTime, Months, Utc};
use serde::Serialize;
use sqlx::SqliteConnection;
use ts_rs::TS;

use super::{store, subject, HistoryEntry, Household, HouseholdSummary, VisitLine};
use crate::access::{Actor, Operation};
use crate::audit;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::output::Destination;
use crate::settings;

/// What a lead member receives when they ask what the pantry holds about them.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SubjectAccess {
    /// Version of this document's layout.
    pub format: u32,
    pub pantry: String,
    pub exported_at: String,
    pub household: Household,
    pub history: Vec<HistoryEntry>,
    pub visits: Vec<VisitLine>,
}

/// Everything held about a household, to hand over; recorded in the audit trail.
pub async fn subject_access(db: &Db, id: i64, actor: &Actor) -> Result<SubjectAccess> {
    let report = gather(db, id, actor).await?;
    record_subject_access(db, id, &actor.name).await?;
    Ok(report)
}

async fn gather(db: &Db, id: i64, actor: &Actor) -> Result<SubjectAccess> {
    actor.require(db, Operation::SubjectAccess).await?;
    let settings = settings::require(db).await?;
    let mut conn = db.pool().acquire().await?;
    let household = store::load(&mut conn, id)
        .await?
        .ok_or_else(|| Error::not_found(format!("Household {id}")))?;
    let history = store::history(&mut conn, id).await?;
    let visits = store::recent_visits(&mut conn, id, i64::MAX).await?;
    Ok(SubjectAccess {
        format: 1,
        pantry: settings.name,
        exported_at: db.now().to_rfc3339(),
        household,
        history,
        visits,
    })
}

async fn record_subject_access(db: &Db, id: i64, actor: &str) -> Result<()> {
    let mut tx = db.begin_write().await?;
    audit::record(
        &mut tx,
        db.now(),
        actor,
        "household.subject_access",
        Some(&subject(id)),
        &serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Writes the subject-access export as JSON and as a readable PDF, as new files in `dir`
/// (default: `exports` beside the database); returns both files. Recorded in the audit
/// trail only once both are safely written.
pub async fn write_subject_access(
    db: &Db,
    id: i64,
    dir: Option<&Path>,
    actor: &Actor,
) -> Result<Vec<PathBuf>> {
    let report = gather(db, id, actor).await?;
    let stem = format!(
        "subject-access-{}-{}",
        report.household.membership_number,
        db.now().format("%Y%m%d-%H%M%S")
    );
    let json = serde_json::to_vec_pretty(&report)
        .map_err(|e| Error::Conflict(format!("The export could not be written: {e}")))?;
    let pdf = subject_access_pdf(&report)?;
    let mut files = Vec::new();
    for (bytes, extension) in [(json, "json"), (pdf, "pdf")] {
        let to = match dir {
            Some(dir) => Destination::NewIn {
                dir: dir.to_owned(),
                stem: stem.clone(),
                extension,
            },
            None => Destination::folder("exports", stem.clone(), extension),
        };
        match crate::output::write(db, &to, &bytes).await {
            Ok(file) => files.push(file),
            Err(err) => {
                // Both files or neither: the member gets the whole answer.
                for written in &files {
                    let _ = std::fs::remove_file(written);
                }
                return Err(err);
            }
        }
    }
    record_subject_access(db, id, &actor.name).await?;
    Ok(files)
}

/// The subject-access report as a PDF a member can read.
pub fn subject_access_pdf(r: &SubjectAccess) -> Result<Vec<u8>> {
    use crate::print::flow::Flow;
    use crate::print::GREY;
    let h = &r.household;
    let mut flow = Flow::new(
        "What we hold about you",
        &format!("{} · {}", r.pantry, &r.exported_at[..10]),
    )?;
    flow.title("What we hold about you")?;
    flow.paragraph(
        &format!(
            "Everything {} holds about membership {} on {}. Ask a volunteer if anything is wrong: we will correct it, \
             or remove your details if you ask us to.",
            r.pantry,
            h.membership_number,
            &r.exported_at[..10]
        ),
        GREY,
    )?;
    flow.heading("Your household")?;
    let mut fields = crate::households::display_fields(h);
    fields.insert(1, ("Membership number", h.membership_number.clone()));
    fields.extend([
        ("Joined", h.joined_on.clone()),
        ("Membership ends", h.expires_on.clone()),
        ("Status", h.status.label().to_owned()),
        (
            "Consent",
            h.consent_at
                .as_ref()
                .map_or("Not recorded".to_owned(), |at| {
                    format!(
                        "Given {} (wording {})",
                        &at[..10.min(at.len())],
                        h.consent_version.clone().unwrap_or_default()
                    )
                }),
        ),
    ]);
    for (label, value) in fields {
        flow.field(label, &value)?;
    }
    flow.heading("Changes to your details")?;
    let history: Vec<Vec<String>> = r
        .history
        .iter()
        .map(|e| {
            vec![
                e.at[..16.min(e.at.len())].replace('T', " "),
                e.actor.clone(),
                match &e.field {
                    Some(f) => format!("{}: {f}", e.action),
                    None => e.action.clone(),
                },
                e.before.clone().unwrap_or_default(),
                e.after.clone().unwrap_or_default(),
            ]
        })
        .collect();
    flow.table(
        &[30.0, 24.0, 44.0, 38.0, 38.0],
        &["When", "Who", "What", "Before", "After"],
        &history,
    )?;
    flow.heading("Your visits")?;
    let visits: Vec<Vec<String>> = r
        .visits
        .iter()
        .map(|v| {
            vec![
                v.local_date.clone(),
                v.items.to_string(),
                crate::money::pounds(v.fee_pence),
                v.fee_method.clone(),
                if v.voided {
                    "Voided".into()
                } else {
                    String::new()
                },
            ]
        })
        .collect();
    flow.table(
        &[40.0, 25.0, 30.0, 40.0, 39.0],
        &["Date", "Items", "Fee", "Paid by", ""],
        &visits,
    )?;
    flow.finish()
}

/// Anonymises one household on request; its anonymous visit counts stay for reports.
pub async fn erase(db: &Db, id: i64, actor: &Actor) -> Result<Household> {
    actor.require(db, Operation::EraseHousehold).await?;
    let actor = actor.name.as_str();
    let mut tx = db.begin_write().await?;
    let household = store::load(&mut tx, id)
        .await?
        .ok_or_else(|| Error::not_found(format!("Household {id}")))?;
    if household.erased {
        return Err(Error::Conflict(
            "This household's details were already erased.".into(),
        ));
    }
    erase_with(&mut tx, id, db.now(), actor, "erased on request").await?;
    let after = store::load(&mut tx, id)
        .await?
        .ok_or_else(|| Error::not_found("The household"))?;
    tx.commit().await?;
    Ok(after)
}

async fn erase_with(
    conn: &mut SqliteConnection,
    id: i64,
    at: DateTime<Utc>,
    actor: &str,
    why: &str,
) -> Result<()> {
    store::anonymise(conn, id, at).await?;
    store::add_change(conn, id, at, actor, why, None, None, None, None).await?;
    audit::record(
        conn,
        at,
        actor,
        "household.erased",
        Some(&subject(id)),
        &serde_json::json!({ "why": why }),
    )
    .await?;
    Ok(())
}

/// A household the retention rule would anonymise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RetentionCandidate {
    pub household: HouseholdSummary,
    pub last_visit: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RetentionPreview {
    pub months: u32,
    /// No visit on or after this date.
    pub cutoff: String,
    pub households: Vec<RetentionCandidate>,
}

/// Who the retention rule would anonymise now; changes nothing.
pub async fn retention_preview(db: &Db) -> Result<RetentionPreview> {
    let settings = settings::require(db).await?;
    let cutoff = settings
        .date_at(db.now())
        .checked_sub_months(Months::new(settings.retention_months))
        .unwrap_or_default();
    let mut conn = db.pool().acquire().await?;
    let rows = store::retention_candidates(&mut conn, cutoff).await?;
    let ids: Vec<i64> = rows.iter().map(|(id, _)| *id).collect();
    let summaries = store::summaries(&mut conn, &ids).await?;
    Ok(RetentionPreview {
        months: settings.retention_months,
        cutoff: cutoff.to_string(),
        households: summaries
            .into_iter()
            .zip(rows)
            .map(|(household, (_, last_visit))| RetentionCandidate {
                household,
                last_visit: last_visit.map(|d| d.to_string()),
            })
            .collect(),
    })
}

/// Anonymises every household the preview lists, in one transaction; returns how many.
pub async fn apply_retention(db: &Db, actor: &Actor) -> Result<usize> {
    actor.require(db, Operation::AnonymiseAbsent).await?;
    let actor = actor.name.as_str();
    let settings = settings::require(db).await?;
    let cutoff = settings
        .date_at(db.now())
        .checked_sub_months(Months::new(settings.retention_months))
        .unwrap_or_default();
    let mut tx = db.begin_write().await?;
    let rows = store::retention_candidates(&mut tx, cutoff).await?;
    let now = db.now();
    let why = format!(
        "anonymised: no visit for {} months",
        settings.retention_months
    );
    for (id, _) in &rows {
        erase_with(&mut tx, *id, now, actor, &why).await?;
    }
    tx.commit().await?;
    Ok(rows.len())
}
