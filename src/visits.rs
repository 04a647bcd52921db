//! The counter: find a household by card, number or name; decide at once whether it can
//! shop today (every reason that applies, in the pantry's time zone); record the visit
//! with one key, exactly once; undo by voiding; today's totals and the cash-up.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use sqlx::{FromRow, SqliteConnection};
use ts_rs::TS;

use crate::access::{Actor, Operation};
use crate::audit;
use crate::cards::{self, CardLookup};
use crate::clock::{local_date_of, short_day, uk, week_start_of};
use crate::db::Db;
use crate::error::{whole_number, Error, FieldError, Result};
use crate::households::form::{flags_from_text, Allergen, Dietary};
use crate::households::{self, search, HouseholdSummary, Status};
use crate::membership;
use crate::money;
use crate::settings::{self, Settings, VisitRule};
use crate::stock::distribution::{self, VisitItem};
use crate::stock::ledger::When;
use crate::stock::{self, CounterStock};

/// Why a household cannot shop today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ReasonCode {
    Expired,
    Paused,
    Left,
    CardRevoked,
    VisitLimit,
    NoConsent,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Reason {
    pub code: ReasonCode,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    pub eligible: bool,
    /// Every reason that applies, when not eligible.
    pub reasons: Vec<Reason>,
    /// Visits counted against the limit, and the period they are counted in.
    pub visits_this_period: u32,
    pub period: String,
}

/// What eligibility is decided from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts<'a> {
    pub status: Status,
    pub erased: bool,
    pub expires_on: NaiveDate,
    pub has_consent: bool,
    /// The scanned card, when it was replaced: (when and why, the current card).
    pub revoked_card: Option<(String, Option<String>)>,
    /// Local dates of the household's visits that count (not voided), any order.
    pub visit_dates: &'a [NaiveDate],
}

/// Decides whether a household may shop on `today`, giving every reason that applies.
pub fn eligibility(settings: &Settings, facts: &Facts<'_>, today: NaiveDate) -> Verdict {
    let mut reasons = Vec::new();
    let mut reason = |code, message: String| reasons.push(Reason { code, message });
    match (facts.erased, facts.status) {
        (true, _) | (false, Status::Left) => reason(
            ReasonCode::Left,
            "This membership has ended (the household left).".into(),
        ),
        (false, Status::Paused) => reason(ReasonCode::Paused, "This membership is paused.".into()),
        (false, Status::Active) => {}
    }
    if facts.expires_on < today {
        reason(
            ReasonCode::Expired,
            format!(
                "Membership expired on {}: renew it to shop.",
                uk(facts.expires_on)
            ),
        );
    }
    if let Some((when, current)) = &facts.revoked_card {
        let current = current
            .as_deref()
            .map_or(String::new(), |c| format!(" The current card is {c}."));
        reason(
            ReasonCode::CardRevoked,
            format!("This card was replaced on {when} and no longer works.{current}"),
        );
    }
    if !facts.has_consent {
        reason(
            ReasonCode::NoConsent,
            "No consent is recorded: ask the member and record it before they shop.".into(),
        );
    }
    let (visits_this_period, period) = match settings.visit_rule {
        VisitRule::Week => {
            let start = week_start_of(today, settings.week_start);
            let end = start + Duration::days(6);
            let mut this_week: Vec<NaiveDate> = facts
                .visit_dates
                .iter()
                .copied()
                .filter(|d| (start..=end).contains(d))
                .collect();
            this_week.sort();
            let n = u32::try_from(this_week.len()).unwrap_or(u32::MAX);
            if n >= settings.visits_per_week {
                let days = this_week
                    .iter()
                    .map(|d| short_day(*d))
                    .collect::<Vec<_>>()
                    .join(", ");
                let message = if settings.visits_per_week == 1 {
                    format!(
                        "Already visited this week (on {days}). Next visit from {}.",
                        short_day(end + Duration::days(1))
                    )
                } else {
                    format!(
                        "Visit limit reached: {n} visits this week ({days}). Next visit from {}.",
                        short_day(end + Duration::days(1))
                    )
                };
                reason(ReasonCode::VisitLimit, message);
            }
            (
                n,
                format!("this week ({} – {})", short_day(start), short_day(end)),
            )
        }
        VisitRule::Days => {
            let gap = i64::from(settings.days_between_visits);
            let since = today - Duration::days(gap - 1);
            let n = facts
                .visit_dates
                .iter()
                .filter(|d| **d >= since && **d <= today)
                .count();
            if let Some(last) = facts.visit_dates.iter().filter(|d| **d <= today).max() {
                let next = *last + Duration::days(gap);
                if next > today {
                    reason(
                        ReasonCode::VisitLimit,
                        format!("Last visit was on {}: one visit every {gap} days, so the next is from {}.", short_day(*last), short_day(next)),
                    );
                }
            }
            (
                u32::try_from(n).unwrap_or(u32::MAX),
                format!("the last {gap} days"),
            )
        }
    };
    Verdict {
        eligible: reasons.is_empty(),
        reasons,
        visits_this_period,
        period,
    }
}

/// The household as the counter shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CounterHousehold {
    #[ts(type = "number")]
    pub id: i64,
    pub membership_number: String,
    pub lead_name: String,
    pub people: String,
    pub allergies: Vec<String>,
    pub dietary: Vec<String>,
    pub dietary_notes: String,
    pub status: Status,
    pub expires_on: String,
    pub neighbourhood: Option<String>,
}

/// Everything the counter shows after a scan or a pick.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CheckIn {
    pub household: CounterHousehold,
    /// The card scanned, if it was a card.
    pub card_number: Option<String>,
    pub verdict: Verdict,
    pub last_visit: Option<String>,
    pub fee_pence: u32,
    pub items_default: u32,
    /// Quote this when recording: the same check-in is recorded once however often Enter is pressed.
    pub request_id: String,
}

/// What a scan or a typed entry found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "kind"
)]
pub enum ScanOutcome {
    /// One household: its verdict.
    Found { check_in: Box<CheckIn> },
    /// A number that is no card or membership here; `register_number` is the membership
    /// number to give a new household (when the number is a valid one).
    Unknown {
        number: String,
        message: String,
        register_number: Option<String>,
    },
    /// Typed text: households that match, best first.
    Matches { households: Vec<HouseholdSummary> },
}

#[derive(FromRow)]
struct CounterRow {
    id: i64,
    membership_number: String,
    lead_name: String,
    adults: i64,
    children: i64,
    neighbourhood_id: Option<i64>,
    landlord_tenant: bool,
    neighbourhood: Option<String>,
    allergies: String,
    dietary: String,
    dietary_notes: String,
    status: String,
    expires_on: String,
    has_consent: bool,
    erased: bool,
}

async fn counter_row(conn: &mut SqliteConnection, id: i64) -> Result<CounterRow> {
    sqlx::query_as::<_, CounterRow>(
        "SELECT h.id, h.membership_number, h.lead_name, h.adults, h.children, h.neighbourhood_id,
                h.landlord_tenant, n.name AS neighbourhood, h.allergies, h.dietary, h.dietary_notes,
                h.status, h.expires_on, h.consent_at IS NOT NULL AS has_consent,
                h.erased_at IS NOT NULL AS erased
         FROM households h LEFT JOIN neighbourhoods n ON n.id = h.neighbourhood_id WHERE h.id = ?",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or_else(|| Error::not_found(format!("Household {id}")))
}

/// Visit dates (not voided) from `since`, and the last visit ever.
async fn visit_dates(
    conn: &mut SqliteConnection,
    id: i64,
    since: NaiveDate,
) -> Result<(Vec<NaiveDate>, Option<String>)> {
    let dates: Vec<String> = sqlx::query_scalar(
        "SELECT local_date FROM visits WHERE household_id = ? AND voided_at IS NULL AND local_date >= ?",
    )
    .bind(id)
    .bind(since.to_string())
    .fetch_all(&mut *conn)
    .await?;
    let last: Option<String> = sqlx::query_scalar(
        "SELECT local_date FROM visits WHERE household_id = ? AND voided_at IS NULL ORDER BY at DESC LIMIT 1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok((
        dates
            .iter()
            .filter_map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .collect(),
        last,
    ))
}

/// How far back visits matter for today's verdict.
fn window_start(settings: &Settings, today: NaiveDate) -> NaiveDate {
    match settings.visit_rule {
        VisitRule::Week => week_start_of(today, settings.week_start),
        VisitRule::Days => today - Duration::days(i64::from(settings.days_between_visits)),
    }
}

struct Decision {
    row: CounterRow,
    verdict: Verdict,
    last_visit: Option<String>,
}

async fn decide(
    conn: &mut SqliteConnection,
    settings: &Settings,
    id: i64,
    card: Option<&CardLookup>,
    today: NaiveDate,
) -> Result<Decision> {
    let row = counter_row(conn, id).await?;
    let (dates, last_visit) = visit_dates(conn, id, window_start(settings, today)).await?;
    // Never "today" in place of a date that cannot be read: that would pass a lapsed member.
    let expires_on = NaiveDate::parse_from_str(&row.expires_on, "%Y-%m-%d").map_err(|_| {
        Error::Conflict(format!(
            "Household {}'s membership end date \"{}\" cannot be read; open the household and renew it.",
            row.membership_number, row.expires_on
        ))
    })?;
    let facts = Facts {
        status: Status::from_code(&row.status)?,
        erased: row.erased,
        expires_on,
        has_consent: row.has_consent,
        revoked_card: card
            .and_then(|c| c.revoked.clone().map(|when| (when, c.current_card.clone()))),
        visit_dates: &dates,
    };
    let verdict = eligibility(settings, &facts, today);
    Ok(Decision {
        row,
        verdict,
        last_visit,
    })
}

fn new_request_id() -> String {
    format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..))
}

/// The check-in for one household (picked from the matches, or found by number).
pub async fn check_in(db: &Db, household_id: i64, card: Option<&CardLookup>) -> Result<CheckIn> {
    let settings = settings::require(db).await?;
    let mut conn = db.pool().acquire().await?;
    let d = decide(
        &mut conn,
        &settings,
        household_id,
        card,
        settings.date_at(db.now()),
    )
    .await?;
    let allergies = flags_from_text(&d.row.allergies, Allergen::find)
        .iter()
        .map(|f| f.label().to_owned())
        .collect();
    let dietary = flags_from_text(&d.row.dietary, Dietary::find)
        .iter()
        .map(|f| f.label().to_owned())
        .collect();
    let small = |n: i64| u32::try_from(n).unwrap_or_default();
    Ok(CheckIn {
        household: CounterHousehold {
            id: d.row.id,
            membership_number: d.row.membership_number,
            lead_name: d.row.lead_name,
            people: households::people_text(small(d.row.adults), small(d.row.children)),
            allergies,
            dietary,
            dietary_notes: d.row.dietary_notes,
            status: Status::from_code(&d.row.status)?,
            expires_on: d.row.expires_on,
            neighbourhood: d.row.neighbourhood,
        },
        card_number: card.map(|c| c.card_number.clone()),
        verdict: d.verdict,
        last_visit: d.last_visit,
        fee_pence: settings.weekly_fee_pence,
        items_default: settings.items_per_visit,
        request_id: new_request_id(),
    })
}

/// What the counter's one input received: a card or membership number (from a scanner or
/// typed), or part of a name, number, postcode or phone.
pub async fn scan(db: &Db, typed: &str) -> Result<ScanOutcome> {
    let text = typed.trim();
    let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if digits.len() == cards::CARD_NUMBER_LENGTH {
            if let Some(card) = cards::lookup(db, &digits).await? {
                return Ok(ScanOutcome::Found {
                    check_in: Box::new(check_in(db, card.household_id, Some(&card)).await?),
                });
            }
        }
        if digits.len() == membership::NUMBER_LENGTH {
            if let Ok(id) = households::id_for_number(db, &digits).await {
                return Ok(ScanOutcome::Found {
                    check_in: Box::new(check_in(db, id, None).await?),
                });
            }
        }
        if digits.len() == cards::CARD_NUMBER_LENGTH || digits.len() == membership::NUMBER_LENGTH {
            let register_number = if membership::is_valid_number(&digits) {
                Some(digits.clone())
            } else if cards::is_valid_card_number(&digits) {
                digits[..membership::NUMBER_LENGTH - 1]
                    .parse()
                    .ok()
                    .and_then(membership::number_for_serial)
            } else {
                None
            };
            return Ok(ScanOutcome::Unknown {
                message: if register_number.is_some() {
                    format!(
                        "No household here has the number {digits}. Register them if they are new."
                    )
                } else {
                    format!("{digits} is not a valid card or membership number: check it was typed or scanned correctly.")
                },
                number: digits,
                register_number,
            });
        }
    }
    Ok(ScanOutcome::Matches {
        households: search::search(db, text, 8).await?,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum FeeMethod {
    Cash,
    Card,
    Voucher,
    Waived,
}

impl FeeMethod {
    pub fn code(self) -> &'static str {
        match self {
            FeeMethod::Cash => "cash",
            FeeMethod::Card => "card",
            FeeMethod::Voucher => "voucher",
            FeeMethod::Waived => "waived",
        }
    }
}

/// The visit as entered at the counter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VisitForm {
    #[ts(type = "number")]
    pub household_id: i64,
    pub request_id: String,
    pub card_number: Option<String>,
    pub items: String,
    pub fee_method: FeeMethod,
    pub note: String,
    /// A manager's reason to record a visit the rules refuse.
    pub override_reason: Option<String>,
    /// The items taken, when the counter records items (then `items` is their total).
    #[serde(default)]
    pub lines: Vec<VisitItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, FromRow)]
#[serde(rename_all = "camelCase")]
pub struct VisitRecord {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub household_id: i64,
    pub lead_name: String,
    pub membership_number: String,
    pub at: String,
    pub local_date: String,
    #[ts(type = "number")]
    pub items: i64,
    #[ts(type = "number")]
    pub fee_pence: i64,
    pub fee_method: String,
    pub volunteer: String,
    pub note: String,
    pub override_reason: Option<String>,
    pub voided_at: Option<String>,
    pub void_reason: Option<String>,
}

const VISIT_COLUMNS: &str =
    "v.id, v.household_id, h.lead_name, h.membership_number, v.at, v.local_date, v.items, \
     v.fee_pence, v.fee_method, v.volunteer, v.note, v.override_reason, v.voided_at, v.void_reason";

async fn visit_by(
    conn: &mut SqliteConnection,
    column: &str,
    value: &str,
) -> Result<Option<VisitRecord>> {
    Ok(sqlx::query_as::<_, VisitRecord>(&format!(
        "SELECT {VISIT_COLUMNS} FROM visits v JOIN households h ON h.id = v.household_id WHERE v.{column} = ?"
    ))
    .bind(value)
    .fetch_optional(conn)
    .await?)
}

/// Records a visit in one transaction, exactly once per check-in. Refuses an ineligible
/// household (every reason given) unless a manager's override reason is given (recorded).
pub async fn record_visit(db: &Db, form: &VisitForm, actor: &Actor) -> Result<VisitRecord> {
    actor.require(db, Operation::RecordVisit).await?;
    crate::text::refuse_control(form)?;
    if form
        .override_reason
        .as_deref()
        .is_some_and(|r| !r.trim().is_empty())
    {
        actor.require(db, Operation::OverrideVisit).await?;
    }
    let settings = settings::require(db).await?;
    let stock = stock::stock_settings(db).await?;
    let by_item = stock.counter_stock == CounterStock::Items;
    let mut errors = Vec::new();
    let items = if by_item {
        if form.lines.is_empty() {
            errors.push(FieldError::new(
                "lines",
                "Scan or pick the items the household took.",
            ));
        }
        let mut total = 0u32;
        for (i, line) in form.lines.iter().enumerate() {
            match u32::try_from(line.quantity)
                .ok()
                .filter(|q| (1..=100).contains(q))
            {
                Some(q) => total += q,
                None => errors.push(FieldError::new(
                    &format!("lines.{i}.quantity"),
                    "Each item taken is a whole number from 1 to 100.",
                )),
            }
        }
        Some(total)
    } else {
        whole_number(&mut errors, "items", &form.items, 0, 100, "Items taken")
    };
    let volunteer = actor.name.as_str();
    if form.note.chars().count() > 500 {
        errors.push(FieldError::new("note", "Keep the note to 500 characters."));
    }
    if form.request_id.trim().is_empty() {
        errors.push(FieldError::new(
            "requestId",
            "Scan or pick the household again.",
        ));
    }
    let Some(items) = items.filter(|_| errors.is_empty()) else {
        return Err(Error::Validation(errors));
    };
    let override_reason = form
        .override_reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());

    let mut tx = db.begin_write().await?;
    if let Some(done) = visit_by(&mut tx, "request_id", &form.request_id).await? {
        return Ok(done);
    }
    let now = db.now();
    let today = local_date_of(now, settings.tz());
    let card = match &form.card_number {
        Some(number) => crate::cards::store::lookup(&mut tx, number).await?,
        None => None,
    };
    let d = decide(&mut tx, &settings, form.household_id, card.as_ref(), today).await?;
    if !d.verdict.eligible && override_reason.is_none() {
        return Err(Error::NotEligible {
            reasons: d.verdict.reasons.into_iter().map(|r| r.message).collect(),
        });
    }
    if d.row.erased {
        return Err(Error::Conflict(
            "This household's details were erased; it cannot shop.".into(),
        ));
    }
    let fee_pence = if form.fee_method == FeeMethod::Waived {
        0
    } else {
        settings.weekly_fee_pence
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO visits (household_id, at, local_date, items, fee_pence, fee_method, volunteer, note,
             snap_adults, snap_children, snap_neighbourhood_id, snap_landlord_tenant, card_number,
             request_id, override_reason)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(form.household_id)
    .bind(now.to_rfc3339())
    .bind(today.to_string())
    .bind(items)
    .bind(fee_pence)
    .bind(form.fee_method.code())
    .bind(volunteer)
    .bind(form.note.trim())
    .bind(d.row.adults)
    .bind(d.row.children)
    .bind(d.row.neighbourhood_id)
    .bind(d.row.landlord_tenant)
    .bind(&form.card_number)
    .bind(&form.request_id)
    .bind(override_reason.filter(|_| !d.verdict.eligible))
    .fetch_one(&mut *tx)
    .await?;
    if by_item {
        let when = When {
            at: now,
            local_date: today,
        };
        distribution::distribute(&mut tx, &when, &stock, id, &form.lines).await?;
    }
    if !d.verdict.eligible {
        audit::record(
        &mut tx,
        db.now(),
            volunteer,
            "visit.override",
            Some(&households::subject(form.household_id)),
            &serde_json::json!({ "visit": id, "reason": override_reason, "refused": d.verdict.reasons.iter().map(|r| r.code).collect::<Vec<_>>() }),
        )
        .await?;
    }
    let visit = visit_by(&mut tx, "id", &id.to_string())
        .await?
        .ok_or_else(|| Error::not_found("The new visit"))?;
    tx.commit().await?;
    Ok(visit)
}

/// Undoes a visit: it stays, marked void with who, when and why.
pub async fn void_visit(
    db: &Db,
    visit_id: i64,
    reason: &str,
    actor: &Actor,
) -> Result<VisitRecord> {
    actor.require(db, Operation::VoidVisit).await?;
    crate::text::refuse_control_in("reason", reason, false)?;
    let volunteer = actor.name.as_str();
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::invalid(
            "reason",
            "Say why the visit is undone (for example: recorded by mistake).",
        ));
    }
    let volunteer = volunteer.trim();
    if volunteer.is_empty() {
        return Err(Error::invalid(
            "volunteer",
            "Enter your name as the volunteer on the counter.",
        ));
    }
    let settings = settings::require(db).await?;
    let when = When::at(db.now(), &settings);
    let mut tx = db.begin_write().await?;
    let visit = visit_by(&mut tx, "id", &visit_id.to_string())
        .await?
        .ok_or_else(|| Error::not_found(format!("Visit {visit_id}")))?;
    if visit.voided_at.is_some() {
        return Err(Error::Conflict("This visit was already undone.".into()));
    }
    distribution::return_visit(&mut tx, &when, visit_id).await?;
    sqlx::query("UPDATE visits SET voided_at = ?, voided_by = ?, void_reason = ? WHERE id = ?")
        .bind(when.at)
        .bind(volunteer)
        .bind(reason)
        .bind(visit_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        db.now(),
        volunteer,
        "visit.voided",
        Some(&households::subject(visit.household_id)),
        &serde_json::json!({ "visit": visit_id, "reason": reason }),
    )
    .await?;
    let visit = visit_by(&mut tx, "id", &visit_id.to_string())
        .await?
        .ok_or_else(|| Error::not_found("The visit"))?;
    tx.commit().await?;
    Ok(visit)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FeeTotal {
    pub method: FeeMethod,
    pub visits: u32,
    #[ts(type = "number")]
    pub pence: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, FromRow)]
#[serde(rename_all = "camelCase")]
pub struct CashUp {
    pub local_date: String,
    pub at: String,
    #[ts(type = "number")]
    pub expected_pence: i64,
    #[ts(type = "number")]
    pub counted_pence: i64,
    /// Counted − expected: negative means cash is short.
    #[ts(type = "number")]
    pub difference_pence: i64,
    pub volunteer: String,
    pub note: String,
}

/// Today at the counter (voided visits are listed but not counted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Today {
    pub date: String,
    pub visits: u32,
    pub households: u32,
    pub people: u32,
    #[ts(type = "number")]
    pub items: i64,
    pub fees: Vec<FeeTotal>,
    pub recent: Vec<VisitRecord>,
    pub cash_up: Option<CashUp>,
}

pub async fn today(db: &Db) -> Result<Today> {
    let settings = settings::require(db).await?;
    let date = settings.date_at(db.now()).to_string();
    let mut conn = db.pool().acquire().await?;
    let (visits, households, people, items): (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COUNT(DISTINCT household_id), COALESCE(SUM(snap_adults + snap_children), 0),
                COALESCE(SUM(items), 0)
         FROM visits WHERE local_date = ? AND voided_at IS NULL",
    )
    .bind(&date)
    .fetch_one(&mut *conn)
    .await?;
    let by_method: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT fee_method, COUNT(*), COALESCE(SUM(fee_pence), 0) FROM visits
         WHERE local_date = ? AND voided_at IS NULL GROUP BY fee_method",
    )
    .bind(&date)
    .fetch_all(&mut *conn)
    .await?;
    let fees = [
        FeeMethod::Cash,
        FeeMethod::Card,
        FeeMethod::Voucher,
        FeeMethod::Waived,
    ]
    .into_iter()
    .map(|method| {
        let (n, pence) = by_method
            .iter()
            .find(|(m, _, _)| m == method.code())
            .map_or((0, 0), |(_, n, p)| (*n, *p));
        FeeTotal {
            method,
            visits: u32::try_from(n).unwrap_or(u32::MAX),
            pence,
        }
    })
    .collect();
    let recent = sqlx::query_as::<_, VisitRecord>(&format!(
        "SELECT {VISIT_COLUMNS} FROM visits v JOIN households h ON h.id = v.household_id
         WHERE v.local_date = ? ORDER BY v.at DESC LIMIT 50"
    ))
    .bind(&date)
    .fetch_all(&mut *conn)
    .await?;
    let cash_up = sqlx::query_as::<_, CashUp>(
        "SELECT local_date, at, expected_pence, counted_pence, difference_pence, volunteer, note
         FROM cash_ups WHERE local_date = ? ORDER BY id DESC LIMIT 1",
    )
    .bind(&date)
    .fetch_optional(&mut *conn)
    .await?;
    let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
    Ok(Today {
        date,
        visits: count(visits),
        households: count(households),
        people: count(people),
        items,
        fees,
        recent,
        cash_up,
    })
}

/// Closes the day's cash: expected cash from today's visits against the cash counted.
pub async fn cash_up(db: &Db, counted: &str, note: &str, actor: &Actor) -> Result<CashUp> {
    actor.require(db, Operation::CashUp).await?;
    let volunteer = actor.name.as_str();
    let settings = settings::require(db).await?;
    let mut errors = Vec::new();
    crate::text::check_plain(&mut errors, "note", note, true);
    let counted_pence = money::parse_pounds(counted);
    if counted_pence.is_none() {
        errors.push(FieldError::new(
            "counted",
            "Enter the cash counted in pounds and pence, for example 42.50.",
        ));
    }
    let Some(counted_pence) = counted_pence.filter(|_| errors.is_empty()) else {
        return Err(Error::Validation(errors));
    };
    let date = settings.date_at(db.now()).to_string();
    let mut tx = db.begin_write().await?;
    let expected_pence: i64 = sqlx::query_scalar(
        "SELECT COALESCE(SUM(fee_pence), 0) FROM visits WHERE local_date = ? AND voided_at IS NULL AND fee_method = 'cash'",
    )
    .bind(&date)
    .fetch_one(&mut *tx)
    .await?;
    let up = CashUp {
        local_date: date,
        at: db.now().to_rfc3339(),
        expected_pence,
        counted_pence,
        difference_pence: counted_pence - expected_pence,
        volunteer: volunteer.trim().to_owned(),
        note: note.trim().to_owned(),
    };
    sqlx::query(
        "INSERT INTO cash_ups (local_date, at, expected_pence, counted_pence, difference_pence, volunteer, note)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&up.local_date)
    .bind(&up.at)
    .bind(up.expected_pence)
    .bind(up.counted_pence)
    .bind(up.difference_pence)
    .bind(&up.volunteer)
    .bind(&up.note)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        db.now(),
        &up.volunteer,
        "cash.up",
        None,
        &serde_json::json!({ "expected": up.expected_pence, "counted": up.counted_pence }),
    )
    .await?;
    tx.commit().await?;
    Ok(up)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn settings(rule: VisitRule, per_week: u32, week_start: u32, days: u32) -> Settings {
        Settings {
            visit_rule: rule,
            visits_per_week: per_week,
            week_start,
            days_between_visits: days,
            ..Settings::sample()
        }
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn facts(visits: &[NaiveDate]) -> Facts<'_> {
        Facts {
            status: Status::Active,
            erased: false,
            expires_on: d(2027, 1, 1),
            has_consent: true,
            revoked_card: None,
            visit_dates: visits,
        }
    }

    fn codes(v: &Verdict) -> Vec<ReasonCode> {
        v.reasons.iter().map(|r| r.code).collect()
    }

    #[test]
    fn one_visit_per_calendar_week_starting_monday() {
        let s = settings(VisitRule::Week, 1, 0, 7);
        // Tuesday 24 November 2026; visited on Monday 23rd.
        let visited = [d(2026, 11, 23)];
        let v = eligibility(&s, &facts(&visited), d(2026, 11, 24));
        assert!(!v.eligible);
        assert_eq!(codes(&v), [ReasonCode::VisitLimit]);
        assert!(
            v.reasons[0].message.contains("Mon 23/11"),
            "{}",
            v.reasons[0].message
        );
        assert!(v.reasons[0].message.contains("Mon 30/11"));
        // The Sunday before belongs to the previous week.
        assert!(eligibility(&s, &facts(&[d(2026, 11, 22)]), d(2026, 11, 24)).eligible);
        // Next Monday is a new week.
        assert!(eligibility(&s, &facts(&visited), d(2026, 11, 30)).eligible);
    }

    #[test]
    fn the_week_can_start_on_another_day() {
        // Weeks start on Saturday (5): a visit on Friday 27th and one on Saturday 28th
        // fall in different weeks.
        let s = settings(VisitRule::Week, 1, 5, 7);
        assert_eq!(week_start_of(d(2026, 11, 27), 5), d(2026, 11, 21));
        assert_eq!(week_start_of(d(2026, 11, 28), 5), d(2026, 11, 28));
        assert!(eligibility(&s, &facts(&[d(2026, 11, 27)]), d(2026, 11, 28)).eligible);
        assert!(!eligibility(&s, &facts(&[d(2026, 11, 28)]), d(2026, 12, 4)).eligible);
    }

    #[test]
    fn two_visits_a_week_allows_a_second() {
        let s = settings(VisitRule::Week, 2, 0, 7);
        let one = [d(2026, 11, 23)];
        let v = eligibility(&s, &facts(&one), d(2026, 11, 26));
        assert!(v.eligible);
        assert_eq!(v.visits_this_period, 1);
        let two = [d(2026, 11, 23), d(2026, 11, 24)];
        assert!(!eligibility(&s, &facts(&two), d(2026, 11, 26)).eligible);
    }

    #[test]
    fn one_visit_every_n_days() {
        let s = settings(VisitRule::Days, 1, 0, 7);
        let visited = [d(2026, 11, 20)];
        let v = eligibility(&s, &facts(&visited), d(2026, 11, 26));
        assert_eq!(codes(&v), [ReasonCode::VisitLimit]);
        assert!(
            v.reasons[0].message.contains("Fri 27/11"),
            "{}",
            v.reasons[0].message
        );
        assert!(eligibility(&s, &facts(&visited), d(2026, 11, 27)).eligible);
    }

    #[test]
    fn every_reason_that_applies_is_given() {
        let s = settings(VisitRule::Week, 1, 0, 7);
        let visited = [d(2026, 11, 23)];
        let f = Facts {
            status: Status::Paused,
            erased: false,
            expires_on: d(2026, 11, 1),
            has_consent: false,
            revoked_card: Some(("2026-11-20 (Lost)".into(), Some("0000001025".into()))),
            visit_dates: &visited,
        };
        let v = eligibility(&s, &f, d(2026, 11, 24));
        assert_eq!(
            codes(&v),
            [
                ReasonCode::Paused,
                ReasonCode::Expired,
                ReasonCode::CardRevoked,
                ReasonCode::NoConsent,
                ReasonCode::VisitLimit
            ]
        );
        assert!(v.reasons[1].message.contains("01/11/2026"));
        assert!(v.reasons[2].message.contains("0000001025"));
        let left = Facts {
            status: Status::Left,
            ..facts(&[])
        };
        assert_eq!(
            codes(&eligibility(&s, &left, d(2026, 11, 24))),
            [ReasonCode::Left]
        );
        let expires_today = Facts {
            expires_on: d(2026, 11, 24),
            ..facts(&[])
        };
        assert!(
            eligibility(&s, &expires_today, d(2026, 11, 24)).eligible,
            "valid through its last day"
        );
    }

    #[test]
    fn local_dates_follow_the_pantry_clock_across_summer_time() {
        let london = chrono_tz::Europe::London;
        // 23:30 on Sunday 25 October 2026 (GMT again, clocks went back at 02:00): Sunday.
        let late_sunday = Utc.with_ymd_and_hms(2026, 10, 25, 23, 30, 0).unwrap();
        assert_eq!(local_date_of(late_sunday, london), d(2026, 10, 25));
        // 23:30 UTC on Saturday 24 October is 00:30 BST on Sunday 25 October.
        let after_midnight_bst = Utc.with_ymd_and_hms(2026, 10, 24, 23, 30, 0).unwrap();
        assert_eq!(local_date_of(after_midnight_bst, london), d(2026, 10, 25));
        // 23:30 BST on Sunday 29 March 2026 (clocks went forward at 01:00) is 22:30 UTC: Sunday.
        let sunday_bst = Utc.with_ymd_and_hms(2026, 3, 29, 22, 30, 0).unwrap();
        assert_eq!(local_date_of(sunday_bst, london), d(2026, 3, 29));
        // 00:30 GMT on Sunday 29 March, before the change: still Sunday.
        let early = Utc.with_ymd_and_hms(2026, 3, 29, 0, 30, 0).unwrap();
        assert_eq!(local_date_of(early, london), d(2026, 3, 29));
        // So a Sunday-night visit in summer counts in the week ending that Sunday.
        let s = settings(VisitRule::Week, 1, 0, 7);
        let visits = [local_date_of(sunday_bst, london)];
        assert!(
            eligibility(&s, &facts(&visits), d(2026, 3, 30)).eligible,
            "Monday starts a new week"
        );
        assert!(!eligibility(&s, &facts(&visits), d(2026, 3, 29)).eligible);
    }
}
