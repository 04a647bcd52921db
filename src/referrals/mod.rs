//! Referrals to advice agencies (money and debt, energy, employment, well-being, tenancy
//! support): the agency directory, referrals made with the member's consent to share their
//! details, the slip, and follow-up from made → contacted → outcome. All SQL is in `store`.

mod agencies;
mod slip;
mod store;

use agencies::agency_with;
pub use agencies::{agencies, find_agencies, save_agency, Agency, AgencyForm};
pub use slip::{print_slip, slip};

use chrono::Duration;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::access::{Actor, Operation};
use crate::audit::{self, Subject};
use crate::choices::FlagOption;
use crate::db::Conn;
use crate::db::Db;
use crate::error::{Error, FieldError, Result};
use crate::households;
use crate::membership;
use crate::settings;

choices!(
    /// The kinds of help agencies give.
    AgencyKind {
        Money = "money" => "Money and debt advice",
        Energy = "energy" => "Energy advice",
        Employment = "employment" => "Employment support",
        Wellbeing = "wellbeing" => "Well-being and mental health",
        Tenancy = "tenancy" => "Tenancy support",
        Other = "other" => "Other",
    }
);

choices!(
    /// Why a member is referred.
    ReferralReason {
        DebtAdvice = "debt" => "Debt advice",
        BenefitsCheck = "benefits" => "Benefits check",
        EnergyBills = "energy-bills" => "Energy bills or arrears",
        FuelVoucher = "fuel-voucher" => "Fuel voucher",
        JobSearch = "jobs" => "Finding work",
        Training = "training" => "Training or skills",
        MentalHealth = "mental-health" => "Mental health",
        Loneliness = "loneliness" => "Loneliness or isolation",
        RentArrears = "rent-arrears" => "Rent arrears",
        Housing = "housing" => "Housing problem",
        Other = "other" => "Other",
    }
);

choices!(
    /// How urgent a referral is.
    Urgency {
        Routine = "routine" => "Routine",
        Soon = "soon" => "Within a few days",
        Urgent = "urgent" => "Urgent",
    }
);

choices!(
    /// What came of a referral.
    Outcome {
        AdviceGiven = "advice-given" => "Advice given",
        DebtPlan = "debt-plan" => "Debt plan agreed",
        EnergyGrant = "energy-grant" => "Energy grant or voucher",
        JobOrTraining = "job-or-training" => "Job or training started",
        Declined = "declined" => "Member declined",
        NoContact = "no-contact" => "No contact made",
        Other = "other" => "Other",
    }
);

/// What the member agrees to before a referral is made.
pub const SHARING_CONSENT: &str =
    "I agree that the pantry may share my name, contact details and the \
reason for this referral with the agency named, so that they can contact me.";

/// A referral as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReferralForm {
    /// The member referred: none until the volunteer has found them.
    #[ts(type = "number | null")]
    pub household_id: Option<i64>,
    #[ts(type = "number | null")]
    pub agency_id: Option<i64>,
    pub reason: Option<ReferralReason>,
    pub reason_detail: String,
    pub urgency: Urgency,
    /// The member agreed to [`SHARING_CONSENT`] just now.
    pub consent_given: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ReferralStatus {
    Made,
    Contacted,
    Closed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Referral {
    #[ts(type = "number")]
    pub id: i64,
    /// The reference's digits (as its barcode carries them).
    pub reference: String,
    /// The reference as people see it, unlike a membership number: `R-0000 0018`.
    pub reference_shown: String,
    #[ts(type = "number")]
    pub household_id: i64,
    pub lead_name: String,
    pub membership_number: String,
    pub agency: Agency,
    pub reason: ReferralReason,
    pub reason_detail: String,
    pub urgency: Urgency,
    pub consent_at: String,
    pub made_at: String,
    pub made_on: String,
    pub made_by: String,
    pub contacted_at: Option<String>,
    pub contacted_by: Option<String>,
    pub outcome: Option<Outcome>,
    /// The outcome in words.
    pub outcome_label: Option<String>,
    pub outcome_note: String,
    pub outcome_at: Option<String>,
    pub outcome_by: Option<String>,
    pub status: ReferralStatus,
}

async fn referrals_where(conn: &mut Conn, which: store::Which<'_>) -> Result<Vec<Referral>> {
    let rows = store::referrals(&mut *conn, which).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let agency = agency_with(conn, r.agency_id).await?;
        let outcome = r
            .outcome
            .as_deref()
            .map(|c| Outcome::stored(c, "referral outcome"))
            .transpose()?;
        out.push(Referral {
            status: match (&outcome, &r.contacted_at) {
                (Some(_), _) => ReferralStatus::Closed,
                (None, Some(_)) => ReferralStatus::Contacted,
                (None, None) => ReferralStatus::Made,
            },
            id: r.id,
            reference_shown: reference_shown(&r.reference),
            reference: r.reference,
            household_id: r.household_id,
            lead_name: r.lead_name,
            membership_number: r.membership_number,
            agency,
            reason: ReferralReason::stored(&r.reason, "referral reason")?,
            reason_detail: r.reason_detail,
            urgency: Urgency::stored(&r.urgency, "urgency")?,
            consent_at: r.consent_at.to_rfc3339(),
            made_at: r.made_at.to_rfc3339(),
            made_on: r.made_on.to_string(),
            made_by: r.made_by,
            contacted_at: r.contacted_at.map(|at| at.to_rfc3339()),
            contacted_by: r.contacted_by,
            outcome_label: outcome.map(|o| o.label().to_owned()),
            outcome,
            outcome_note: r.outcome_note,
            outcome_at: r.outcome_at.map(|at| at.to_rfc3339()),
            outcome_by: r.outcome_by,
        });
    }
    Ok(out)
}

pub(crate) async fn referral_with(conn: &mut Conn, id: i64) -> Result<Referral> {
    referrals_where(conn, store::Which::Id(id))
        .await?
        .pop()
        .ok_or_else(|| Error::not_found(format!("Referral {id}")))
}

/// The referral with this reference, typed or scanned either way (`R-0000 0018`, `00000018`).
pub async fn by_reference(db: &Db, reference: &str, _signed_in: &Actor) -> Result<Referral> {
    referrals_where(
        &mut db.acquire().await?,
        store::Which::Reference(&reference_digits(reference)),
    )
    .await?
    .pop()
    .ok_or_else(|| Error::not_found(format!("Referral {}", reference.trim())))
}

/// How a reference is shown to people, so that it never reads as a membership number:
/// `00000018` → `R-0000 0018`. (The barcode carries the digits.)
pub fn reference_shown(digits: &str) -> String {
    match (digits.get(..4), digits.get(4..)) {
        (Some(first), Some(rest)) if digits.len() == membership::NUMBER_LENGTH => {
            format!("R-{first} {rest}")
        }
        _ => digits.to_owned(),
    }
}

/// A reference as typed or scanned, shown form or digits, back to its digits.
pub fn reference_digits(typed: &str) -> String {
    let typed = typed.trim();
    let typed = typed
        .strip_prefix(['R', 'r'])
        .map(|rest| rest.trim_start_matches(['-', ' ']))
        .unwrap_or(typed);
    typed.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A household's referrals, newest first.
pub async fn for_household(conn: &mut Conn, household_id: i64) -> Result<Vec<Referral>> {
    let mut list = referrals_where(conn, store::Which::Household(household_id)).await?;
    list.sort_by(|a, b| b.made_at.cmp(&a.made_at));
    Ok(list)
}

/// Makes a referral in one transaction. No referral without the member's consent to share.
pub async fn make(db: &Db, form: &ReferralForm, actor: &Actor) -> Result<Referral> {
    actor.require(db, Operation::MakeReferral).await?;
    let checked = check(form)?;
    let settings = settings::require(db).await?;
    let mut tx = db.begin_write().await?;
    let id = make_in(&mut tx, &settings, db.now(), &checked, actor.name()).await?;
    let referral = referral_with(&mut tx, id).await?;
    tx.commit().await?;
    Ok(referral)
}

/// A referral form that passed every check.
#[derive(Clone, Copy)]
pub(crate) struct Checked<'a> {
    household_id: i64,
    agency_id: i64,
    reason: ReferralReason,
    form: &'a ReferralForm,
}

/// Checks a referral form: every problem at once, by its field.
pub(crate) fn check(form: &ReferralForm) -> Result<Checked<'_>> {
    let mut errors = crate::text::control_errors(form);
    if form.household_id.is_none() {
        errors.push(FieldError::new(
            "householdId",
            "Find the member first: type part of their name or number.",
        ));
    }
    if form.agency_id.is_none() {
        errors.push(FieldError::new("agencyId", "Choose the agency."));
    }
    if form.reason.is_none() {
        errors.push(FieldError::new(
            "reason",
            "Choose the reason for the referral.",
        ));
    }
    if form.reason == Some(ReferralReason::Other) && form.reason_detail.trim().is_empty() {
        errors.push(FieldError::new(
            "reasonDetail",
            "Say what the referral is about.",
        ));
    }
    if form.reason_detail.chars().count() > 1000 {
        errors.push(FieldError::new(
            "reasonDetail",
            "Keep this to 1,000 characters.",
        ));
    }
    if !form.consent_given {
        errors.push(FieldError::new(
            "consentGiven",
            "Read the sharing statement to the member and tick the box: no referral is made without their consent.",
        ));
    }
    match (form.household_id, form.agency_id, form.reason) {
        (Some(household_id), Some(agency_id), Some(reason)) if errors.is_empty() => Ok(Checked {
            household_id,
            agency_id,
            reason,
            form,
        }),
        _ => Err(Error::Validation(errors)),
    }
}

/// Makes a checked referral in the caller's write transaction; returns its id.
pub(crate) async fn make_in(
    tx: &mut Conn,
    settings: &settings::Settings,
    now: chrono::DateTime<chrono::Utc>,
    checked: &Checked<'_>,
    volunteer: &str,
) -> Result<i64> {
    let Checked {
        household_id,
        agency_id,
        reason,
        form,
    } = *checked;
    let agency = agency_with(&mut *tx, agency_id).await?;
    if !agency.active {
        return Err(Error::invalid(
            "agencyId",
            "This agency is no longer in use; choose another.",
        ));
    }
    households::load_live(&mut *tx, household_id).await?;
    let reference = store::allocate_reference(&mut *tx)
        .await?
        .ok_or_else(|| Error::Conflict("All referral numbers are used up.".into()))?;
    let id = store::insert(
        &mut *tx,
        store::NewReferral {
            reference: &reference,
            household_id,
            agency_id,
            reason,
            reason_detail: form.reason_detail.trim(),
            urgency: form.urgency,
            at: now,
            on: settings.date_at(now),
            by: volunteer,
        },
    )
    .await?;
    households::note_change(
        &mut *tx,
        household_id,
        now,
        volunteer,
        "referred",
        Some("Referral"),
        None,
        Some(&format!(
            "{} to {} ({})",
            reference,
            agency.name,
            reason.label()
        )),
        None,
    )
    .await?;
    audit::record(
        &mut *tx,
        now,
        volunteer,
        "referral.made",
        Some(Subject::Household(household_id)),
        &serde_json::json!({ "referral": id }),
    )
    .await?;
    Ok(id)
}

/// The agency has contacted the member.
pub async fn mark_contacted(db: &Db, id: i64, actor: &Actor) -> Result<Referral> {
    actor.require(db, Operation::RecordReferralProgress).await?;
    let volunteer = actor.name();
    let mut tx = db.begin_write().await?;
    let r = referral_with(&mut tx, id).await?;
    match r.status {
        ReferralStatus::Made => {}
        ReferralStatus::Contacted => {
            return Err(Error::Conflict("Contact was already recorded.".into()))
        }
        ReferralStatus::Closed => {
            return Err(Error::Conflict(
                "This referral already has its outcome.".into(),
            ))
        }
    }
    store::set_contacted(&mut tx, id, db.now(), volunteer).await?;
    audit::record(
        &mut tx,
        db.now(),
        volunteer,
        "referral.contacted",
        Some(Subject::Referral(id)),
        &serde_json::json!({}),
    )
    .await?;
    let r = referral_with(&mut tx, id).await?;
    tx.commit().await?;
    Ok(r)
}

/// Records what came of the referral; it then leaves the follow-up list.
pub async fn record_outcome(
    db: &Db,
    id: i64,
    outcome: Outcome,
    note: &str,
    actor: &Actor,
) -> Result<Referral> {
    actor.require(db, Operation::RecordReferralProgress).await?;
    let volunteer = actor.name();
    crate::text::refuse_control_in("outcomeNote", note, true)?;
    if outcome == Outcome::Other && note.trim().is_empty() {
        return Err(Error::invalid("outcomeNote", "Say what the outcome was."));
    }
    let mut tx = db.begin_write().await?;
    let r = referral_with(&mut tx, id).await?;
    if r.status == ReferralStatus::Closed {
        return Err(Error::Conflict(
            "This referral already has its outcome.".into(),
        ));
    }
    store::set_outcome(&mut tx, id, outcome, note.trim(), db.now(), volunteer).await?;
    audit::record(
        &mut tx,
        db.now(),
        volunteer,
        "referral.outcome",
        Some(Subject::Referral(id)),
        &serde_json::json!({ "outcome": outcome.code() }),
    )
    .await?;
    let r = referral_with(&mut tx, id).await?;
    tx.commit().await?;
    Ok(r)
}

/// Referrals with no outcome made at least the pantry's follow-up days ago, oldest first.
pub async fn follow_up(db: &Db, _signed_in: &Actor) -> Result<Vec<Referral>> {
    let settings = settings::require(db).await?;
    let cutoff =
        settings.date_at(db.now()) - Duration::days(i64::from(settings.referral_follow_up_days));
    let mut list =
        referrals_where(&mut db.acquire().await?, store::Which::OpenMadeBy(cutoff)).await?;
    list.sort_by(|a, b| a.made_at.cmp(&b.made_at));
    Ok(list)
}

/// What the referral screens offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReferralOptions {
    pub kinds: Vec<FlagOption<AgencyKind>>,
    pub reasons: Vec<FlagOption<ReferralReason>>,
    pub urgencies: Vec<FlagOption<Urgency>>,
    pub outcomes: Vec<FlagOption<Outcome>>,
    pub consent_wording: String,
    pub follow_up_days: u32,
}

pub async fn options(db: &Db, _signed_in: &Actor) -> Result<ReferralOptions> {
    let settings = settings::require(db).await?;
    Ok(ReferralOptions {
        kinds: AgencyKind::options(),
        reasons: ReferralReason::options(),
        urgencies: Urgency::options(),
        outcomes: Outcome::options(),
        consent_wording: SHARING_CONSENT.to_owned(),
        follow_up_days: settings.referral_follow_up_days,
    })
}

/// Every referral still waiting for its outcome, oldest first, each marked when it is due
/// for follow-up.
pub async fn open(db: &Db, _signed_in: &Actor) -> Result<Vec<OpenReferral>> {
    let settings = settings::require(db).await?;
    let cutoff = (settings.date_at(db.now())
        - Duration::days(i64::from(settings.referral_follow_up_days)))
    .to_string();
    let mut list = referrals_where(&mut db.acquire().await?, store::Which::Open).await?;
    list.sort_by(|a, b| a.made_at.cmp(&b.made_at));
    Ok(list
        .into_iter()
        .map(|referral| OpenReferral {
            due: referral.made_on <= cutoff,
            referral,
        })
        .collect())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OpenReferral {
    pub referral: Referral,
    /// No outcome after the pantry's follow-up days: on the follow-up list.
    pub due: bool,
}

/// Referrals' part in merging households, inside the caller's transaction: `from`'s
/// referrals become `to`'s.
pub(crate) async fn move_household(conn: &mut Conn, from: i64, to: i64) -> Result<()> {
    store::move_household(conn, from, to).await
}

/// Referrals' part in an erasure: details and outcome notes blanked; agency, reason code,
/// dates and outcome code stay for the referral figures.
pub(crate) async fn erase_household(conn: &mut Conn, household_id: i64) -> Result<()> {
    store::erase_household(conn, household_id).await
}
