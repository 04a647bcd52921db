//! UK GDPR tools: subject access (everything held about one household, in every table that
//! refers to it) and retention (erasing households with no visit for the pantry's retention
//! period, through the one erasure in `erasure`).

use std::path::{Path, PathBuf};

use chrono::Months;
use serde::Serialize;
use ts_rs::TS;

use super::erasure::{self, Why};
use crate::access::{Actor, Operation};
use crate::audit::{self, AuditEntry, Subject};
use crate::cards::Card;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::households::{
    self, HistoryEntry, Household, MembershipEvent, RetentionCandidate, VisitDetail, VisitItem,
};
use crate::output::{Destination, FileLine};
use crate::outreach;
use crate::referrals::Referral;
use crate::settings;

/// What a lead member receives when they ask what the pantry holds about them: every table
/// that refers to the household has its section (a test reads the schema to keep it so).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SubjectAccess {
    /// Version of this document's layout.
    pub format: u32,
    pub pantry: String,
    pub exported_at: String,
    /// Details, members and consent.
    pub household: Household,
    pub history: Vec<HistoryEntry>,
    pub membership_events: Vec<MembershipEvent>,
    pub visits: Vec<VisitDetail>,
    /// What was taken at each visit, when the pantry records items.
    pub visit_items: Vec<VisitItem>,
    pub referrals: Vec<Referral>,
    pub cards: Vec<Card>,
    /// Support needs recorded with the member's consent.
    pub support_needs: Vec<crate::outreach::SupportNeedRecord>,
    /// Welfare calls made to the household.
    pub contacts: Vec<crate::outreach::ContactAttempt>,
    /// Where deliveries go (none, or the one address).
    pub delivery: Vec<crate::outreach::HomeDeliveryDetails>,
    /// Parcels on delivery rounds, with what happened.
    pub home_deliveries: Vec<crate::outreach::HomeDeliveryLine>,
    /// Documents Pantry wrote that carry the household (cards, slips, earlier exports).
    pub files: Vec<FileLine>,
    /// Entries of the audit trail about the household or its referrals.
    pub audit: Vec<AuditEntry>,
}

/// Everything held about a household, to hand over; recorded in the audit trail.
pub async fn subject_access(db: &Db, id: i64, actor: &Actor) -> Result<SubjectAccess> {
    let report = gather(db, id, actor).await?;
    record_subject_access(db, id, actor.name(), &[]).await?;
    Ok(report)
}

async fn gather(db: &Db, id: i64, actor: &Actor) -> Result<SubjectAccess> {
    actor.require(db, Operation::SubjectAccess).await?;
    let settings = settings::require(db).await?;
    let mut conn = db.acquire().await?;
    let own = households::held(&mut conn, id).await?;
    let outreach = outreach::held(&mut conn, id).await?;
    let referrals = crate::referrals::for_household(&mut conn, id).await?;
    let mut subjects = vec![Subject::Household(id).stored()];
    subjects.extend(referrals.iter().map(|r| Subject::Referral(r.id).stored()));
    Ok(SubjectAccess {
        format: 2,
        pantry: settings.name,
        exported_at: db.now().to_rfc3339(),
        history: own.history,
        membership_events: own.membership_events,
        visits: own.visits,
        visit_items: own.visit_items,
        cards: crate::cards::for_household(&mut conn, id).await?,
        support_needs: outreach.support_needs,
        contacts: outreach.contacts,
        delivery: outreach.delivery,
        home_deliveries: outreach.home_deliveries,
        files: crate::output::files_about(&mut conn, id).await?,
        audit: audit::about(&mut conn, &subjects).await?,
        referrals,
        household: own.household,
    })
}

/// Records the export in the audit trail, and the files written (with their bytes' hash) as
/// carrying the household, so that erasing it deletes them.
async fn record_subject_access(
    db: &Db,
    id: i64,
    actor: &str,
    files: &[(PathBuf, Vec<u8>)],
) -> Result<()> {
    let mut tx = db.begin_write().await?;
    for (file, bytes) in files {
        crate::output::note_written_file(&mut tx, &[id], "subject-access", file, bytes, db.now())
            .await?;
    }
    audit::record(
        &mut tx,
        db.now(),
        actor,
        "household.subject_access",
        Some(Subject::Household(id)),
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
            Ok(file) => files.push((std::path::absolute(&file).unwrap_or(file), bytes)),
            Err(err) => {
                // Both files or neither: the member gets the whole answer.
                for (written, _) in &files {
                    let _ = std::fs::remove_file(written);
                }
                return Err(err);
            }
        }
    }
    record_subject_access(db, id, actor.name(), &files).await?;
    Ok(files.into_iter().map(|(file, _)| file).collect())
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
    let mut fields = households::display_fields(h);
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
    flow.heading("Your membership")?;
    let events: Vec<Vec<String>> = r
        .membership_events
        .iter()
        .map(|e| vec![e.local_date.clone(), e.kind.clone()])
        .collect();
    flow.table(&[40.0, 134.0], &["Date", "What"], &events)?;
    flow.heading("Your visits")?;
    let visits: Vec<Vec<String>> = r
        .visits
        .iter()
        .map(|v| {
            let taken: Vec<String> = r
                .visit_items
                .iter()
                .filter(|i| i.visit_id == v.id)
                .map(|i| format!("{} × {}", i.quantity, i.item))
                .collect();
            let notes: Vec<String> = [
                (!v.note.is_empty()).then(|| v.note.clone()),
                v.override_reason
                    .as_ref()
                    .map(|o| format!("Allowed though not due: {o}")),
                v.voided_at.as_ref().map(|_| {
                    format!(
                        "Undone by {}: {}",
                        v.voided_by.clone().unwrap_or_default(),
                        v.void_reason.clone().unwrap_or_default()
                    )
                }),
                v.card_number.as_ref().map(|c| format!("Card {c}")),
                (!taken.is_empty()).then(|| taken.join(", ")),
            ]
            .into_iter()
            .flatten()
            .collect();
            vec![
                v.local_date.clone(),
                v.items.to_string(),
                crate::money::pounds(v.fee_pence),
                v.fee_method.clone(),
                v.volunteer.clone(),
                notes.join("; "),
            ]
        })
        .collect();
    flow.table(
        &[24.0, 14.0, 18.0, 20.0, 28.0, 70.0],
        &["Date", "Items", "Fee", "Paid by", "Volunteer", "Notes"],
        &visits,
    )?;
    flow.heading("Your referrals")?;
    let referrals: Vec<Vec<String>> = r
        .referrals
        .iter()
        .map(|f| {
            vec![
                f.made_on.clone(),
                f.agency.name.clone(),
                if f.reason_detail.is_empty() {
                    f.reason.label().to_owned()
                } else {
                    format!("{}: {}", f.reason.label(), f.reason_detail)
                },
                [
                    f.outcome_label.clone().unwrap_or_default(),
                    f.outcome_note.clone(),
                ]
                .into_iter()
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
                .join(": "),
            ]
        })
        .collect();
    flow.table(
        &[24.0, 40.0, 60.0, 50.0],
        &["Made", "Agency", "Why", "Outcome"],
        &referrals,
    )?;
    flow.heading("Support, calls and deliveries")?;
    let mut outreach: Vec<Vec<String>> = Vec::new();
    for n in &r.support_needs {
        let until = n.until.map(|d| format!(" until {}", crate::clock::uk(d)));
        outreach.push(vec![
            n.recorded_at[..10.min(n.recorded_at.len())].to_owned(),
            format!("Support need: {}{}", n.label, until.unwrap_or_default()),
            n.reason.clone(),
        ]);
    }
    for c in &r.contacts {
        outreach.push(vec![
            crate::clock::uk(c.local_date),
            format!("Call by {}: {}", c.volunteer, c.outcome.label()),
            [
                c.note.clone(),
                c.referral
                    .clone()
                    .map(|r| format!("referral {r}"))
                    .unwrap_or_default(),
            ]
            .into_iter()
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join("; "),
        ]);
    }
    for d in &r.delivery {
        outreach.push(vec![
            d.set_at[..10.min(d.set_at.len())].to_owned(),
            "Deliveries to".into(),
            [
                d.address_lines.join(", "),
                d.postcode.clone(),
                d.access_notes.clone(),
                d.phone.clone(),
            ]
            .into_iter()
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join("; "),
        ]);
    }
    for d in &r.home_deliveries {
        outreach.push(vec![
            crate::clock::uk(d.date),
            format!("Parcel {}", d.reference),
            d.outcome
                .map_or("Not delivered yet".to_owned(), |o| o.label().to_owned()),
        ]);
    }
    flow.table(&[24.0, 70.0, 80.0], &["Date", "What", "Details"], &outreach)?;
    flow.heading("Your cards")?;
    let cards: Vec<Vec<String>> = r
        .cards
        .iter()
        .map(|c| {
            vec![
                c.card_number.clone(),
                c.issued_at[..10.min(c.issued_at.len())].to_owned(),
                match (&c.revoked_at, &c.revoke_reason) {
                    (Some(at), reason) => format!(
                        "Cancelled {} {}",
                        &at[..10.min(at.len())],
                        reason.clone().unwrap_or_default()
                    ),
                    (None, _) if c.printed_at.is_some() => "Printed".into(),
                    (None, _) => "Not printed yet".into(),
                },
            ]
        })
        .collect();
    flow.table(&[40.0, 30.0, 104.0], &["Card", "Issued", ""], &cards)?;
    flow.heading("Documents we printed or saved about you")?;
    let files: Vec<Vec<String>> = r
        .files
        .iter()
        .map(|f| {
            vec![
                f.at[..10.min(f.at.len())].to_owned(),
                f.kind.clone(),
                f.file.clone(),
            ]
        })
        .collect();
    flow.table(&[24.0, 30.0, 120.0], &["When", "What", "File"], &files)?;
    flow.heading("What our records of who did what say about you")?;
    let audit: Vec<Vec<String>> = r
        .audit
        .iter()
        .map(|e| {
            vec![
                e.at[..16.min(e.at.len())].replace('T', " "),
                e.actor.clone(),
                e.action.clone(),
                e.details.clone(),
            ]
        })
        .collect();
    flow.table(
        &[30.0, 28.0, 44.0, 72.0],
        &["When", "Who", "What", "Details"],
        &audit,
    )?;
    flow.finish()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RetentionPreview {
    pub months: u32,
    /// No visit on or after this date.
    pub cutoff: String,
    pub households: Vec<RetentionCandidate>,
}

/// Who the retention rule would anonymise now (names and last visits: a manager's, as the
/// anonymising is); changes nothing.
pub async fn retention_preview(db: &Db, actor: &Actor) -> Result<RetentionPreview> {
    actor.require(db, Operation::AnonymiseAbsent).await?;
    let settings = settings::require(db).await?;
    let cutoff = settings
        .date_at(db.now())
        .checked_sub_months(Months::new(settings.retention_months))
        .unwrap_or_default();
    let mut conn = db.acquire().await?;
    Ok(RetentionPreview {
        months: settings.retention_months,
        cutoff: cutoff.to_string(),
        households: households::retention_candidates(&mut conn, cutoff).await?,
    })
}

/// Anonymises every household the preview lists, in one transaction; returns how many.
pub async fn apply_retention(db: &Db, actor: &Actor) -> Result<usize> {
    actor.require(db, Operation::AnonymiseAbsent).await?;
    let actor = actor.name();
    let settings = settings::require(db).await?;
    let cutoff = settings
        .date_at(db.now())
        .checked_sub_months(Months::new(settings.retention_months))
        .unwrap_or_default();
    let mut tx = db.begin_write().await?;
    let ids: Vec<i64> = households::retention_candidates(&mut tx, cutoff)
        .await?
        .iter()
        .map(|c| c.household.id)
        .collect();
    let now = db.now();
    for id in &ids {
        erasure::erase_in(&mut tx, *id, now, actor, Why::Retention, None).await?;
    }
    tx.commit().await?;
    erasure::finish(db, &ids).await?;
    Ok(ids.len())
}
