//! Households (memberships): registration, edits with history, renewal and status, the
//! members list. Search and duplicate checks live in the submodules, and what is held about
//! one household (for subject access, erasure and retention) in `held`; all SQL is in
//! `store` (and the search's in `search_store`). What spans a household's cards, referrals
//! and outreach too (registering with a first card, the page, merging, erasure) is in
//! `members`, above.

pub mod duplicates;
pub mod form;
mod held;
pub mod search;
mod search_store;
mod store;
pub mod welcome;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use ts_rs::TS;

use crate::access::{Actor, Operation};
use crate::audit::{self, Subject};
use crate::choices::FlagOption;
use crate::db::Conn;
use crate::db::Db;
use crate::error::{Error, FieldError, Result};
use crate::membership;
use crate::settings::{self, Settings};
use form::{flags_to_text, HouseholdForm, ValidHousehold, CONSENT_VERSION};
pub(crate) use held::{erase_own, held, remember_erasure, retention_candidates};
pub use held::{MembershipEvent, RetentionCandidate, VisitDetail, VisitItem};
/// Writes a line in a household's history, inside the caller's transaction: what happened
/// (`action`), to which field, before → after, and why (a card replaced, a referral made).
pub(crate) use store::add_change as note_change;
pub(crate) use store::HouseholdRecord;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Status {
    Active,
    Paused,
    Left,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Paused => "paused",
            Status::Left => "left",
        }
    }

    /// A stored status read back: one Pantry does not know is an error naming it (never
    /// "active", which would let the household shop).
    pub fn from_code(code: &str) -> Result<Status> {
        match code {
            "active" => Ok(Status::Active),
            "paused" => Ok(Status::Paused),
            "left" => Ok(Status::Left),
            other => Err(Error::Conflict(format!(
                "The stored membership status \"{other}\" is not one Pantry knows; nothing was done."
            ))),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Active => "Active",
            Status::Paused => "Paused",
            Status::Left => "Left",
        }
    }

    pub fn options() -> Vec<FlagOption<Status>> {
        [Status::Active, Status::Paused, Status::Left]
            .into_iter()
            .map(|value| FlagOption {
                value,
                label: value.label().to_owned(),
            })
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, FromRow)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    #[ts(type = "number")]
    pub id: i64,
    pub first_name: String,
    #[sqlx(try_from = "crate::db::Maybe<i64>")]
    pub birth_year: Option<u16>,
}

/// A household as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Household {
    #[ts(type = "number")]
    pub id: i64,
    pub membership_number: String,
    pub lead_name: String,
    pub adults: u32,
    pub children: u32,
    pub postcode: String,
    pub postcode_district: String,
    #[ts(type = "number | null")]
    pub neighbourhood_id: Option<i64>,
    pub neighbourhood: Option<String>,
    pub landlord_tenant: bool,
    pub tenancy_ref: String,
    pub phone: String,
    pub email: String,
    pub dietary: Vec<form::Dietary>,
    pub allergies: Vec<form::Allergen>,
    pub dietary_notes: String,
    pub notes: String,
    pub members: Vec<Member>,
    pub consent_at: Option<String>,
    pub consent_version: Option<String>,
    pub joined_on: String,
    pub expires_on: String,
    pub status: Status,
    pub erased: bool,
    pub created_at: String,
    pub updated_at: String,
    /// The preferred language's code (what is printed for the household is in it).
    pub language: String,
}

/// One line of a household's history: a field's before → after, or an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, FromRow)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    #[sqlx(try_from = "crate::db::Stamp")]
    pub at: String,
    pub actor: String,
    pub action: String,
    pub field: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, FromRow)]
#[serde(rename_all = "camelCase")]
pub struct VisitLine {
    #[ts(type = "number")]
    pub id: i64,
    #[sqlx(try_from = "crate::db::Stamp")]
    pub at: String,
    #[sqlx(try_from = "crate::db::Day")]
    pub local_date: String,
    #[ts(type = "number")]
    pub items: i64,
    #[ts(type = "number")]
    pub fee_pence: i64,
    pub fee_method: String,
    pub volunteer: String,
    pub voided: bool,
}

/// A line in search results and the members list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HouseholdSummary {
    #[ts(type = "number")]
    pub id: i64,
    pub membership_number: String,
    pub lead_name: String,
    pub postcode: String,
    pub neighbourhood: Option<String>,
    pub status: Status,
    pub expires_on: String,
    pub has_allergies: bool,
    pub has_consent: bool,
}

/// What the registration screen needs to offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationOptions {
    pub dietary: Vec<FlagOption<form::Dietary>>,
    pub allergens: Vec<FlagOption<form::Allergen>>,
    pub consent_wording: String,
    pub consent_version: String,
    pub neighbourhoods: Vec<settings::Neighbourhood>,
    pub districts: Vec<settings::DistrictMapping>,
    /// The languages the pantry offers, English first.
    pub languages: Vec<crate::i18n::LanguageOption>,
    /// A blank form with the pantry's defaults.
    pub blank: HouseholdForm,
}

pub async fn registration_options(db: &Db, signed_in: &Actor) -> Result<RegistrationOptions> {
    let settings = settings::require(db).await?;
    Ok(RegistrationOptions {
        dietary: form::Dietary::ALL
            .iter()
            .map(|f| FlagOption {
                value: *f,
                label: f.label().to_owned(),
            })
            .collect(),
        allergens: form::Allergen::ALL
            .iter()
            .map(|f| FlagOption {
                value: *f,
                label: f.label().to_owned(),
            })
            .collect(),
        consent_wording: form::CONSENT_WORDING.to_owned(),
        consent_version: CONSENT_VERSION.to_owned(),
        neighbourhoods: settings.neighbourhoods.clone(),
        districts: settings.districts.clone(),
        languages: crate::i18n::options(db, signed_in).await?,
        blank: HouseholdForm {
            adults: "1".into(),
            children: "0".into(),
            language: crate::i18n::ENGLISH.into(),
            ..HouseholdForm::default()
        },
    })
}

/// The neighbourhood the pantry has mapped to a postcode's district, if any.
pub fn suggested_neighbourhood(settings: &Settings, postcode: &str) -> Option<i64> {
    let postcode = crate::postcode::Postcode::parse(postcode)?;
    settings
        .districts
        .iter()
        .find(|d| d.district == postcode.district)
        .map(|d| d.neighbourhood_id)
}

/// Membership ends `membership_weeks` after it starts.
pub fn expiry_from(settings: &Settings, start: NaiveDate) -> NaiveDate {
    start + Duration::weeks(i64::from(settings.membership_weeks))
}

/// The row to store for a checked household (consent given now when the form says so).
pub(crate) fn record_from(
    valid: &ValidHousehold,
    settings: &Settings,
    id: i64,
    number: String,
    at: DateTime<Utc>,
) -> HouseholdRecord {
    HouseholdRecord {
        id,
        membership_number: number,
        lead_name: valid.lead_name.clone(),
        adults: valid.adults,
        children: valid.children,
        postcode: valid.postcode.to_string(),
        postcode_district: valid.postcode.district.clone(),
        neighbourhood_id: valid
            .neighbourhood_id
            .or_else(|| suggested_neighbourhood(settings, &valid.postcode.to_string())),
        landlord_tenant: valid.landlord_tenant,
        tenancy_ref: valid.tenancy_ref.clone(),
        phone: valid.phone.clone(),
        email: valid.email.clone(),
        dietary: flags_to_text(&valid.dietary, form::Dietary::code),
        allergies: flags_to_text(&valid.allergies, form::Allergen::code),
        dietary_notes: valid.dietary_notes.clone(),
        notes: valid.notes.clone(),
        consent_at: valid.consent_given.then_some(at),
        consent_version: valid.consent_given.then(|| CONSENT_VERSION.to_owned()),
        joined_on: valid.joined_on,
        expires_on: expiry_from(settings, valid.joined_on),
        status: Status::Active,
        created_at: at,
        language: valid.language.to_owned(),
    }
}

/// Registers a household inside the caller's write transaction (`members::register` gives
/// it its first card in the same one); returns its id. Refuses without consent, and refuses
/// likely duplicates unless the volunteer gave a reason to go ahead (recorded in its
/// history). The caller has checked that `actor` may register, before opening the
/// transaction (a refusal is recorded, which needs the write lock).
pub(crate) async fn register_in(
    db: &Db,
    tx: &mut Conn,
    form: &HouseholdForm,
    duplicate_reason: Option<&str>,
    actor: &Actor,
) -> Result<i64> {
    let actor = actor.name();
    let settings = settings::require(db).await?;
    // Consent is named with every other mistake, not only once the rest is right.
    let no_consent = FieldError::new(
        "consentGiven",
        "Read the consent statement to the member and tick the box: a household cannot be registered without consent.",
    );
    let valid = match form.validate(&settings, settings.date_at(db.now())) {
        Err(Error::Validation(mut fields)) if !form.consent_given => {
            fields.push(no_consent);
            return Err(Error::Validation(fields));
        }
        Err(other) => return Err(other),
        Ok(_) if !form.consent_given => return Err(Error::Validation(vec![no_consent])),
        Ok(valid) => valid,
    };
    crate::text::refuse_control_in(
        "duplicateReason",
        duplicate_reason.unwrap_or_default(),
        false,
    )?;
    let reason = duplicate_reason.map(str::trim).filter(|r| !r.is_empty());
    crate::i18n::check_offered(tx, valid.language, None).await?;
    let candidates = duplicates::candidates_with(tx, &valid, None).await?;
    if !candidates.is_empty() && reason.is_none() {
        return Err(Error::Conflict(format!(
            "This may be a household already registered ({}). Open it instead, or give a reason to register anyway.",
            candidates
                .iter()
                .map(|c| format!("{} {}", c.household.membership_number, c.household.lead_name))
                .collect::<Vec<_>>()
                .join("; ")
        )));
    }
    let now = db.now();
    let (id, number) = match &valid.membership_number {
        // A number already printed on a card: its serial becomes the household's id.
        Some(number) => {
            if let Some(existing) = store::id_for_number(tx, number).await? {
                let holder = store::load(tx, existing)
                    .await?
                    .map(|h| h.lead_name)
                    .unwrap_or_default();
                return Err(Error::invalid(
                    "membershipNumber",
                    format!("{number} already belongs to {holder}: open that household, or leave the number blank."),
                ));
            }
            (
                number[..membership::NUMBER_LENGTH - 1]
                    .parse()
                    .unwrap_or_default(),
                number.clone(),
            )
        }
        None => {
            let id = allocate_serials(tx, 1, &[]).await?[0];
            let number = membership::number_for_serial(u32::try_from(id).unwrap_or(u32::MAX))
                .ok_or_else(numbers_used_up)?;
            (id, number)
        }
    };
    let record = record_from(&valid, &settings, id, number, now);
    store::insert_many(tx, std::slice::from_ref(&record)).await?;
    store::replace_members(tx, id, &valid.members).await?;
    let action = if candidates.is_empty() {
        "registered"
    } else {
        "registered despite a possible duplicate"
    };
    store::add_change(tx, id, now, actor, action, None, None, None, reason).await?;
    audit::record(
        tx,
        db.now(),
        actor,
        "household.registered",
        Some(Subject::Household(id)),
        &serde_json::json!({}),
    )
    .await?;
    Ok(id)
}

fn numbers_used_up() -> Error {
    Error::Conflict("All membership numbers are used up.".into())
}

/// Membership serials (= household ids) for `count` new households, inside the caller's
/// write transaction; `taken` are serials the caller is about to use too (`store::
/// allocate_serials` says how).
pub(crate) async fn allocate_serials(
    tx: &mut Conn,
    count: usize,
    taken: &[i64],
) -> Result<Vec<i64>> {
    store::allocate_serials(tx, count, taken)
        .await?
        .ok_or_else(numbers_used_up)
}

/// Holds the household's row until the caller's transaction ends (`store::lock`), so that
/// desks writing about one household at once take turns.
pub(crate) async fn lock(tx: &mut Conn, household_id: i64) -> Result<()> {
    store::lock(tx, household_id).await
}

/// Inserts households (checked, with their serials given), inside the caller's
/// transaction, with their other members (`(household, members)`).
pub(crate) async fn insert_registered(
    tx: &mut Conn,
    records: &[HouseholdRecord],
    members: &[(i64, form::MemberList)],
) -> Result<()> {
    store::insert_many(tx, records).await?;
    for (id, list) in members {
        store::replace_members(tx, *id, list).await?;
    }
    Ok(())
}

/// What identifies the households already registered (an import's duplicate check).
pub(crate) async fn existing_keys(conn: &mut Conn) -> Result<store::ExistingKeys> {
    store::existing_keys(conn).await
}

/// The household, erased or not; `None` when it is not on file.
pub(crate) async fn load(conn: &mut Conn, id: i64) -> Result<Option<Household>> {
    store::load(conn, id).await
}

/// The household, refused when it is not on file or its details were erased.
pub(crate) async fn load_live(conn: &mut Conn, id: i64) -> Result<Household> {
    let household = store::load(conn, id)
        .await?
        .ok_or_else(|| Error::not_found(format!("Household {id}")))?;
    if household.erased {
        return Err(Error::Conflict(
            "This household's details were erased: nothing more can be done for it.".into(),
        ));
    }
    Ok(household)
}

/// A household's details in words, field by field (history and the subject-access report).
pub(crate) fn display_fields(h: &Household) -> Vec<(&'static str, String)> {
    let flags = |labels: Vec<&str>| labels.join(", ");
    vec![
        ("Lead member", h.lead_name.clone()),
        ("Adults", h.adults.to_string()),
        ("Children", h.children.to_string()),
        ("Postcode", h.postcode.clone()),
        ("Neighbourhood", h.neighbourhood.clone().unwrap_or_default()),
        (
            "Landlord tenant",
            if h.landlord_tenant { "Yes" } else { "No" }.to_owned(),
        ),
        ("Tenancy reference", h.tenancy_ref.clone()),
        ("Phone", h.phone.clone()),
        ("Email", h.email.clone()),
        (
            "Dietary needs",
            flags(h.dietary.iter().map(|f| f.label()).collect()),
        ),
        (
            "Allergies",
            flags(h.allergies.iter().map(|f| f.label()).collect()),
        ),
        ("Dietary notes", h.dietary_notes.clone()),
        ("Notes", h.notes.clone()),
        ("Preferred language", crate::i18n::label(&h.language)),
        (
            "Other members",
            h.members
                .iter()
                .map(|m| match m.birth_year {
                    Some(y) => format!("{} ({y})", m.first_name),
                    None => m.first_name.clone(),
                })
                .collect::<Vec<_>>()
                .join(", "),
        ),
    ]
}

/// Saves an edit in one transaction; each changed field is recorded before → after.
pub async fn update(db: &Db, id: i64, form: &HouseholdForm, actor: &Actor) -> Result<Household> {
    actor.require(db, Operation::EditHousehold).await?;
    let actor = actor.name();
    let settings = settings::require(db).await?;
    let mut tx = db.begin_write().await?;
    let before = load_live(&mut tx, id).await?;
    let joined = NaiveDate::parse_from_str(&before.joined_on, "%Y-%m-%d")
        .unwrap_or_else(|_| settings.date_at(db.now()));
    // The joined date is not edited here; validate against the stored one.
    let form = HouseholdForm {
        joined_on: joined.to_string(),
        ..form.clone()
    };
    let valid = form.validate(&settings, settings.date_at(db.now()).max(joined))?;
    crate::i18n::check_offered(&mut tx, valid.language, Some(&before.language)).await?;
    let now = db.now();
    let mut record = record_from(&valid, &settings, id, before.membership_number.clone(), now);
    record.neighbourhood_id = valid.neighbourhood_id;
    store::update_details(&mut tx, &record, now).await?;
    store::replace_members(&mut tx, id, &valid.members).await?;
    if valid.consent_given && before.consent_at.is_none() {
        store::set_consent(&mut tx, id, now, CONSENT_VERSION).await?;
        store::add_change(
            &mut tx,
            id,
            now,
            actor,
            "consent recorded",
            None,
            None,
            Some(CONSENT_VERSION),
            None,
        )
        .await?;
    }
    let after = store::load(&mut tx, id)
        .await?
        .ok_or_else(|| Error::not_found("The household"))?;
    let mut changed = Vec::new();
    for ((field, old), (_, new)) in display_fields(&before)
        .into_iter()
        .zip(display_fields(&after))
    {
        if old != new {
            store::add_change(
                &mut tx,
                id,
                now,
                actor,
                "edited",
                Some(field),
                Some(&old),
                Some(&new),
                None,
            )
            .await?;
            changed.push(field);
        }
    }
    if !changed.is_empty() {
        audit::record(
            &mut tx,
            db.now(),
            actor,
            "household.edited",
            Some(Subject::Household(id)),
            &serde_json::json!({ "fields": changed }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(after)
}

/// Renews the membership for another term, from its expiry or from today if it has lapsed.
pub async fn renew(db: &Db, id: i64, actor: &Actor) -> Result<Household> {
    actor.require(db, Operation::RenewMembership).await?;
    let actor = actor.name();
    let settings = settings::require(db).await?;
    let mut tx = db.begin_write().await?;
    let before = load_live(&mut tx, id).await?;
    let current = NaiveDate::parse_from_str(&before.expires_on, "%Y-%m-%d")
        .unwrap_or_else(|_| settings.date_at(db.now()));
    let renewed = expiry_from(&settings, current.max(settings.date_at(db.now())));
    let now = db.now();
    store::set_expiry(&mut tx, id, renewed, now).await?;
    store::add_renewal_event(
        &mut tx,
        id,
        settings.date_at(now),
        before.neighbourhood_id,
        before.landlord_tenant,
    )
    .await?;
    store::add_change(
        &mut tx,
        id,
        now,
        actor,
        "renewed",
        Some("Expires"),
        Some(&before.expires_on),
        Some(&renewed.to_string()),
        None,
    )
    .await?;
    audit::record(
        &mut tx,
        db.now(),
        actor,
        "household.renewed",
        Some(Subject::Household(id)),
        &serde_json::json!({}),
    )
    .await?;
    let after = store::load(&mut tx, id)
        .await?
        .ok_or_else(|| Error::not_found("The household"))?;
    tx.commit().await?;
    Ok(after)
}

/// Pauses, resumes or ends a membership, with an optional reason.
pub async fn set_status(
    db: &Db,
    id: i64,
    status: Status,
    reason: Option<&str>,
    actor: &Actor,
) -> Result<Household> {
    actor.require(db, Operation::ChangeMembershipStatus).await?;
    let actor = actor.name();
    crate::text::refuse_control_in("reason", reason.unwrap_or_default(), false)?;
    let mut tx = db.begin_write().await?;
    let before = load_live(&mut tx, id).await?;
    if before.status == status {
        return Err(Error::Conflict(format!(
            "This membership is already {}.",
            status.label().to_lowercase()
        )));
    }
    let now = db.now();
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    store::set_status(&mut tx, id, status, now).await?;
    store::add_change(
        &mut tx,
        id,
        now,
        actor,
        "status changed",
        Some("Status"),
        Some(before.status.label()),
        Some(status.label()),
        reason,
    )
    .await?;
    audit::record(
        &mut tx,
        db.now(),
        actor,
        "household.status",
        Some(Subject::Household(id)),
        &serde_json::json!({ "status": status.code() }),
    )
    .await?;
    let after = store::load(&mut tx, id)
        .await?
        .ok_or_else(|| Error::not_found("The household"))?;
    tx.commit().await?;
    Ok(after)
}

/// What the household page shows of the household's own records.
#[derive(Debug, Clone)]
pub(crate) struct Own {
    pub household: Household,
    pub history: Vec<HistoryEntry>,
    pub visits: Vec<VisitLine>,
    pub form: HouseholdForm,
}

/// The household's details, history, recent visits and the filled edit form.
pub(crate) async fn own(conn: &mut Conn, id: i64) -> Result<Own> {
    let household = store::load(conn, id)
        .await?
        .ok_or_else(|| Error::not_found(format!("Household {id}")))?;
    Ok(Own {
        history: store::history(conn, id).await?,
        visits: store::recent_visits(conn, id, 100).await?,
        form: form_from(&household),
        household,
    })
}

fn form_from(h: &Household) -> HouseholdForm {
    HouseholdForm {
        membership_number: String::new(),
        lead_name: h.lead_name.clone(),
        adults: h.adults.to_string(),
        children: h.children.to_string(),
        postcode: h.postcode.clone(),
        neighbourhood_id: h.neighbourhood_id,
        landlord_tenant: h.landlord_tenant,
        tenancy_ref: h.tenancy_ref.clone(),
        phone: h.phone.clone(),
        email: h.email.clone(),
        dietary: h.dietary.clone(),
        allergies: h.allergies.clone(),
        dietary_notes: h.dietary_notes.clone(),
        notes: h.notes.clone(),
        members: h
            .members
            .iter()
            .map(|m| form::MemberForm {
                first_name: m.first_name.clone(),
                birth_year: m.birth_year.map(|y| y.to_string()).unwrap_or_default(),
            })
            .collect(),
        consent_given: h.consent_at.is_some(),
        joined_on: h.joined_on.clone(),
        language: h.language.clone(),
    }
}

/// Merges `removed` into `kept` inside the caller's transaction: its visits, referrals,
/// membership events, history and the members `kept` does not have already (same first name
/// and birth year) move; the other record is deleted. Recorded in the kept one's history.
pub(crate) async fn merge_into(
    conn: &mut Conn,
    kept: &Household,
    removed: &Household,
    at: DateTime<Utc>,
    actor: &str,
) -> Result<()> {
    let moving: Vec<i64> = removed
        .members
        .iter()
        .filter(|m| {
            !kept.members.iter().any(|k| {
                crate::text::fold(&k.first_name) == crate::text::fold(&m.first_name)
                    && k.birth_year == m.birth_year
            })
        })
        .map(|m| m.id)
        .collect();
    store::merge_into(conn, kept.id, removed.id, &moving).await?;
    store::add_change(
        conn,
        kept.id,
        at,
        actor,
        "merged",
        Some("Merged in"),
        None,
        Some(&format!(
            "{} {}",
            removed.membership_number, removed.lead_name
        )),
        None,
    )
    .await
}

/// The household with this membership number.
pub async fn id_for_number(db: &Db, number: &str, _signed_in: &Actor) -> Result<i64> {
    let number = number.trim();
    store::id_for_number(&mut db.acquire().await?, number)
        .await?
        .ok_or_else(|| {
            Error::invalid(
                "number",
                format!("No household has the membership number \"{number}\"."),
            )
        })
}

/// Filters for the members list.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ListQuery {
    pub text: String,
    pub status: Option<Status>,
    #[ts(type = "number | null")]
    pub neighbourhood_id: Option<i64>,
    /// Only memberships ending within the next four weeks.
    pub expiring_soon: bool,
    pub page: u32,
    pub page_size: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ListPage {
    pub total: u32,
    pub page: u32,
    pub page_size: u32,
    pub items: Vec<HouseholdSummary>,
}

/// One page of the members list, filtered; with text, in search order.
pub async fn list(db: &Db, query: &ListQuery, _signed_in: &Actor) -> Result<ListPage> {
    let settings = settings::require(db).await?;
    let page_size = query.page_size.clamp(1, 200);
    let today = settings.date_at(db.now());
    let soon = today + Duration::weeks(4);
    let mut conn = db.acquire().await?;
    let matched = if query.text.trim().is_empty() {
        None
    } else {
        Some(search::matching_ids(&mut conn, &query.text, 500).await?)
    };
    let (total, ids) = store::list_ids(
        &mut conn,
        &store::ListFilter {
            ids: matched.as_deref(),
            status: query.status,
            neighbourhood_id: query.neighbourhood_id,
            expiring_between: query.expiring_soon.then_some((today, soon)),
            offset: i64::from(query.page) * i64::from(page_size),
            limit: i64::from(page_size),
        },
    )
    .await?;
    Ok(ListPage {
        total,
        page: query.page,
        page_size,
        items: store::summaries(&mut conn, &ids).await?,
    })
}

/// "2 adults, 1 child" — household size in words.
pub fn people_text(adults: u32, children: u32) -> String {
    let plural = |n: u32, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    format!(
        "{}, {}",
        plural(adults, "adult", "adults"),
        plural(children, "child", "children")
    )
}
