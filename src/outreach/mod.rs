//! Reaching members who cannot come: support needs and the welfare contact list, households
//! that receive deliveries, delivery rounds with packing from stock, and their outcomes.
//!
//! - `needs`: support needs, recorded with the member's consent and a reason;
//! - `contacts`: the contact list and the log of calls ("needs help" makes a referral);
//! - `delivery`: which households receive deliveries, where and how;
//! - `packing`: what goes into one household's parcel (pure: allergies, diets, size);
//! - `rounds`: planning a round, packing it from stock, outcomes by label or by hand;
//! - `documents`: the run sheet, packing lists, parcel labels and call sheet;
//! - `store`: the SQL.

mod contacts;
mod delivery;
mod documents;
mod needs;
pub mod packing;
mod rounds;
// Open to the crate for the demo generator alone, which writes its synthetic rounds and
// calls through it (`tests/layers.rs` keeps it so); every other module's store is private.
pub(crate) mod store;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::db::Conn;
use contacts::attempts_in;
pub use contacts::{
    contact_after_weeks, contact_list, contacts_of, log_contact, set_contact_after_weeks,
    ContactAttempt, ContactDue, ContactForm,
};
pub use delivery::{
    delivery_of, set_delivery, stop_deliveries, HomeDeliveryDetails, HomeDeliveryForm,
};
pub use documents::{
    print_call_sheet, print_labels, print_packing_lists, print_run_sheet, Printed,
};
pub use needs::{
    record_support_need, remove_support_need, support_needs, NeedForm, SupportNeedRecord,
};
pub use packing::ParcelLineForm;
pub use rounds::{
    pack_round, parcel_code, plan_round, read_parcel_code, record_outcome, round_on, scan_outcome,
    set_standard_parcel, standard_parcel, suggest_round, PlannedStop, Round, RoundForm, RoundStop,
    Settled, StopOrder, Suggestion,
};

/// The smallest and largest number a field takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub struct Bounds {
    pub min: u32,
    pub max: u32,
}

impl Bounds {
    pub fn holds(self, n: u32) -> bool {
        (self.min..=self.max).contains(&n)
    }
}

/// The numbers outreach's forms take: the library refuses anything outside them, and the
/// screens offer only these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Limits {
    /// Parcels for one stop on a round.
    pub parcels: Bounds,
    /// Weeks unseen before a household with support needs is due a call.
    pub contact_weeks: Bounds,
    /// Of one item in the standard parcel, per household and per person.
    pub per_household: Bounds,
    pub per_person: Bounds,
    /// The label of the first sheet that parcel labels start at.
    pub label_start: Bounds,
}

pub const LIMITS: Limits = Limits {
    parcels: Bounds { min: 1, max: 9 },
    contact_weeks: Bounds { min: 1, max: 52 },
    per_household: Bounds { min: 0, max: 50 },
    per_person: Bounds { min: 0, max: 20 },
    label_start: Bounds {
        min: 1,
        max: crate::print::labels::LABELS_PER_SHEET as u32,
    },
};

choices!(
    /// Why a household may need the pantry to reach out (stored as its code).
    #[derive(sqlx::Type, PartialOrd, Ord)]
    #[sqlx(rename_all = "snake_case", type_name = "text")]
    SupportNeed {
        Isolated = "isolated" => "Isolated",
        SelfIsolating = "self_isolating" => "Self-isolating",
        LimitedMobility = "limited_mobility" => "Limited mobility",
        Disability = "disability" => "Disability",
        MentalHealth = "mental_health" => "Mental health support",
        Caring = "caring" => "Caring responsibilities",
    }
);

choices!(
    /// What a welfare call found.
    #[derive(sqlx::Type)]
    #[sqlx(rename_all = "snake_case", type_name = "text")]
    ContactOutcome {
        NoAnswer = "no_answer" => "Called – no answer",
        LeftMessage = "left_message" => "Left a message",
        Fine = "fine" => "Spoke – fine",
        NeedsHelp = "needs_help" => "Spoke – needs help",
        WrongNumber = "wrong_number" => "Wrong number",
    }
);

choices!(
    /// What happened at the door.
    #[derive(sqlx::Type)]
    #[sqlx(rename_all = "snake_case", type_name = "text")]
    DeliveryOutcome {
        Delivered = "delivered" => "Delivered",
        NotIn = "not_in" => "Not in",
        Refused = "refused" => "Refused",
    }
);

/// The landlord summary's outreach rows: (code, label), in order.
pub const SUMMARY_ROWS: &[(&str, &str)] = &[
    ("delivered", "Parcels delivered"),
    ("not_delivered", "Parcels not delivered (not in or refused)"),
    (
        "households_delivered",
        "Households who had a parcel delivered",
    ),
    ("calls", "Welfare calls made"),
    ("households_called", "Households called"),
];

/// Outreach at a glance, for the dashboard: today's round and the contact list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OutreachToday {
    /// Stops on today's round (0 when there is none).
    pub round_stops: u32,
    pub delivered: u32,
    pub not_delivered: u32,
    /// Households due a welfare call.
    pub to_call: u32,
}

/// Today's round and the size of the contact list: counts only (the dashboard's).
pub(crate) async fn today(db: &crate::Db) -> crate::Result<OutreachToday> {
    let settings = crate::settings::require(db).await?;
    let day = settings.date_at(db.now());
    let mut conn = db.acquire().await?;
    let weeks = store::contact_after_weeks(&mut conn).await?;
    let to_call = store::contact_candidates(&mut conn, day)
        .await?
        .iter()
        .filter(|c| contacts::why_due(c, day, weeks).is_some())
        .count();
    let stops = match store::round_on(&mut conn, day).await? {
        Some(id) => store::stops(&mut conn, id).await?,
        None => Vec::new(),
    };
    let count = |f: &dyn Fn(Option<DeliveryOutcome>) -> bool| {
        stops.iter().filter(|s| f(s.outcome)).count() as u32
    };
    Ok(OutreachToday {
        round_stops: stops.len() as u32,
        delivered: count(&|o| o == Some(DeliveryOutcome::Delivered)),
        not_delivered: count(&|o| {
            matches!(o, Some(DeliveryOutcome::NotIn | DeliveryOutcome::Refused))
        }),
        to_call: to_call as u32,
    })
}

/// A date typed in a form: blank is none; anything else must be a real date.
pub(crate) fn optional_date(
    errors: &mut Vec<crate::error::FieldError>,
    field: &str,
    text: &str,
    what: &str,
) -> Option<chrono::NaiveDate> {
    if text.trim().is_empty() {
        return None;
    }
    let parsed = crate::clock::parse_uk_date(text);
    if parsed.is_none() {
        errors.push(crate::error::FieldError::new(
            field,
            format!("{what}: enter a date such as 24/12/2026, or leave it blank."),
        ));
    }
    parsed
}

/// A parcel on a round, as subject access shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HomeDeliveryLine {
    pub date: chrono::NaiveDate,
    pub reference: String,
    pub parcels: u32,
    pub items: u32,
    pub outcome: Option<DeliveryOutcome>,
    pub outcome_at: Option<String>,
}

/// A household's parcels on rounds, newest first.
async fn home_deliveries_of(
    conn: &mut Conn,
    household_id: i64,
) -> crate::Result<Vec<HomeDeliveryLine>> {
    Ok(store::household_stops(conn, household_id)
        .await?
        .into_iter()
        .map(|s| HomeDeliveryLine {
            date: s.on_date,
            reference: rounds::parcel_shown(s.id),
            parcels: s.parcels as u32,
            items: s.items as u32,
            outcome: s.outcome,
            outcome_at: s.outcome_at,
        })
        .collect())
}

/// What outreach holds about one household, for its subject access.
#[derive(Debug, Clone)]
pub(crate) struct Held {
    pub support_needs: Vec<SupportNeedRecord>,
    pub contacts: Vec<ContactAttempt>,
    pub delivery: Vec<HomeDeliveryDetails>,
    pub home_deliveries: Vec<HomeDeliveryLine>,
}

pub(crate) async fn held(conn: &mut Conn, household_id: i64) -> crate::Result<Held> {
    Ok(Held {
        support_needs: store::needs(conn, household_id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
        contacts: attempts_in(conn, household_id).await?,
        delivery: store::delivery(conn, household_id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
        home_deliveries: home_deliveries_of(conn, household_id).await?,
    })
}

/// Outreach's part in merging `remove` into `keep`, inside the caller's transaction: calls,
/// needs, the delivery address and stops move (the kept household's own win). Returns the
/// day of a round on which both have a parcel packed, when they do: the merge must not go
/// on until that parcel's outcome is recorded.
pub(crate) async fn merge_households(
    conn: &mut Conn,
    keep: i64,
    remove: i64,
) -> crate::Result<Option<chrono::NaiveDate>> {
    store::merge(conn, keep, remove).await
}

/// Outreach's part in an erasure: support needs and the delivery address deleted, calls'
/// notes blanked, a stop not packed yet taken off its round.
pub(crate) async fn erase_household(conn: &mut Conn, household_id: i64) -> crate::Result<()> {
    store::erase(conn, household_id).await
}
