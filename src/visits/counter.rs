//! The counter's check-in: find a household by card, number or name, and show what the
//! counter needs with the verdict.

use chrono::NaiveDate;
use serde::Serialize;
use ts_rs::TS;

use super::eligibility::{eligibility, window_start, Facts, Verdict};
use super::store::{self, CounterRow};
use crate::access::Actor;
use crate::cards::{self, CardLookup};
use crate::db::Conn;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::households::form::{flags_from_text, Allergen, Dietary};
use crate::households::{self, search, HouseholdSummary, Status};
use crate::membership;
use crate::scan::{self, CounterInput};
use crate::settings::{self, Settings};

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
    pub expires_on: NaiveDate,
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
    pub last_visit: Option<NaiveDate>,
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

pub(super) struct Decision {
    pub row: CounterRow,
    pub expires_on: NaiveDate,
    pub verdict: Verdict,
    pub last_visit: Option<NaiveDate>,
}

/// Reads the household and its visits and decides; the same whether showing or recording.
pub(super) async fn decide(
    conn: &mut Conn,
    settings: &Settings,
    id: i64,
    card: Option<&CardLookup>,
    today: NaiveDate,
) -> Result<Decision> {
    let row = store::counter_row(conn, id)
        .await?
        .ok_or_else(|| Error::not_found(format!("Household {id}")))?;
    let dates = store::visit_dates_since(conn, id, window_start(settings, today)).await?;
    let last = store::last_visit(conn, id).await?;
    // "10:02 at Desk 2": when the last visit was today, the verdict says when and where.
    let today_at = last.as_ref().filter(|l| l.local_date == today).map(|l| {
        let time = l.at.with_timezone(&settings.tz()).format("%H:%M");
        match &l.desk {
            Some(desk) => format!("{time} at {desk}"),
            None => time.to_string(),
        }
    });
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
        today_at: today_at.as_deref(),
    };
    let verdict = eligibility(settings, &facts, today);
    Ok(Decision {
        row,
        expires_on,
        verdict,
        last_visit: last.map(|l| l.local_date),
    })
}

fn new_request_id() -> String {
    format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..))
}

/// The check-in for one household (picked from the matches, or found by number).
pub async fn check_in(
    db: &Db,
    household_id: i64,
    card: Option<&CardLookup>,
    _signed_in: &Actor,
) -> Result<CheckIn> {
    let settings = settings::require(db).await?;
    let mut conn = db.acquire().await?;
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
            expires_on: d.expires_on,
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

/// What the counter's one box received, on Enter, Tab or the scanner's pause: a card or
/// membership number (from a scanner or typed), or part of a name, number, postcode or phone.
pub async fn scan(db: &Db, typed: &str, signed_in: &Actor) -> Result<ScanOutcome> {
    let digits = match scan::counter_input(typed) {
        CounterInput::Words(text) => {
            return Ok(ScanOutcome::Matches {
                households: search::search(db, &text, MATCHES, signed_in).await?,
            });
        }
        CounterInput::ItemBarcode(code) => {
            return Ok(ScanOutcome::Unknown {
                message: format!(
                    "{code} is an item's barcode, not a membership card: scan the member's card or type their name."
                ),
                number: code,
                register_number: None,
            });
        }
        CounterInput::Card(digits) => {
            if let Some(card) = cards::lookup(db, &digits, signed_in).await? {
                return Ok(ScanOutcome::Found {
                    check_in: Box::new(
                        check_in(db, card.household_id, Some(&card), signed_in).await?,
                    ),
                });
            }
            digits
        }
        CounterInput::Membership(digits) => {
            if let Ok(id) = households::id_for_number(db, &digits, signed_in).await {
                return Ok(ScanOutcome::Found {
                    check_in: Box::new(check_in(db, id, None, signed_in).await?),
                });
            }
            digits
        }
    };
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
    Ok(ScanOutcome::Unknown {
        message: if register_number.is_some() {
            format!("No household here has the number {digits}. Register them if they are new.")
        } else {
            format!("{digits} is not a valid card or membership number: check it was typed or scanned correctly.")
        },
        number: digits,
        register_number,
    })
}

/// How many households the counter lists for typed words.
const MATCHES: u32 = 8;

/// What the counter shows while keys arrive, before Enter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "kind"
)]
pub enum TypeAhead {
    /// A whole number, as a scanner sends: wait for its pause (or Enter), then [`scan`].
    Number,
    /// Words: the households that match so far, best first (none under two characters).
    Matches { households: Vec<HouseholdSummary> },
}

/// Each keystroke in the counter's box.
pub async fn type_ahead(db: &Db, typed: &str, signed_in: &Actor) -> Result<TypeAhead> {
    Ok(match scan::counter_input(typed) {
        CounterInput::Words(text) if text.chars().count() < 2 => TypeAhead::Matches {
            households: Vec::new(),
        },
        CounterInput::Words(text) => TypeAhead::Matches {
            households: search::search(db, &text, MATCHES, signed_in).await?,
        },
        _ => TypeAhead::Number,
    })
}
