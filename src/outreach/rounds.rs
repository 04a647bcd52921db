//! Delivery rounds: the manager picks which delivery households are on a date's round
//! (suggested: those the visit rules let shop that day) and orders the stops; packing makes
//! each household's parcel from the standard parcel and, when the pantry records items,
//! takes it from stock (first-expiring first, never past use-by on the round's date) in one
//! transaction; at the door a parcel is delivered (a visit with method "delivery"), not in or
//! refused (its stock comes back and the household stays due), by scanning its label or by
//! hand.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::packing::{self, ParcelLineForm};
use super::store::{self, StopRow};
use super::DeliveryOutcome;
use crate::access::{Actor, Operation};
use crate::audit::{self, Subject};
use crate::db::Conn;
use crate::db::Db;
use crate::error::{Error, FieldError, Result};
use crate::households::{self, form};
use crate::stock::ledger::{self, Doc, Movement, Take, When};
use crate::stock::CounterStock;

/// The barcode on a parcel label: `77`, the home delivery's id in 11 digits and a Luhn check
/// digit (14 digits: never a card, a membership number nor a product's barcode).
pub fn parcel_code(id: i64) -> String {
    let body = format!("77{id:011}");
    let check = crate::membership::check_digit(&body).unwrap_or(0);
    format!("{body}{check}")
}

/// A home delivery's reference as people read it: `P-0000 0042`.
pub fn parcel_shown(id: i64) -> String {
    let digits = format!("{id:08}");
    format!("P-{} {}", &digits[..4], &digits[4..])
}

/// The home delivery a scanned label (or a typed `P-0000 0042`) stands for.
pub fn read_parcel_code(text: &str) -> Option<i64> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if let Some(shown) = compact
        .strip_prefix("P-")
        .or_else(|| compact.strip_prefix("p-"))
    {
        return shown
            .parse()
            .ok()
            .filter(|id: &i64| *id > 0 && shown.len() == 8);
    }
    if compact.len() != 14 || !compact.starts_with("77") {
        return None;
    }
    let id: i64 = compact[2..13].parse().ok()?;
    (parcel_code(id) == compact && id > 0).then_some(id)
}

/// Whether stops are put in postcode order or kept in the order given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum StopOrder {
    Postcode,
    AsGiven,
}

/// A round as planned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RoundForm {
    pub date: String,
    /// The households on the round, in driving order (unless ordered by postcode).
    pub stops: Vec<PlannedStop>,
    pub order: StopOrder,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PlannedStop {
    #[ts(type = "number")]
    pub household_id: i64,
    pub parcels: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Round {
    #[ts(type = "number")]
    pub id: i64,
    pub date: NaiveDate,
    pub stops: Vec<RoundStop>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RoundStop {
    #[ts(type = "number")]
    pub id: i64,
    pub position: u32,
    #[ts(type = "number")]
    pub household_id: i64,
    pub membership_number: String,
    pub name: String,
    pub people: u32,
    pub address_lines: Vec<String>,
    pub postcode: String,
    pub access_notes: String,
    pub phone: String,
    pub parcels: u32,
    pub items: u32,
    pub packed: bool,
    pub outcome: Option<DeliveryOutcome>,
    pub outcome_at: Option<String>,
    pub outcome_by: Option<String>,
    /// `P-0000 0042`, as printed under the label's barcode.
    pub reference: String,
    pub barcode: String,
    pub alerts: Vec<String>,
}

impl From<StopRow> for RoundStop {
    fn from(s: StopRow) -> Self {
        let allergies = form::flags_from_text(&s.allergies, form::Allergen::find);
        let dietary = form::flags_from_text(&s.dietary, form::Dietary::find);
        RoundStop {
            alerts: packing::alerts(&allergies, &dietary, &s.dietary_notes),
            reference: parcel_shown(s.id),
            barcode: parcel_code(s.id),
            id: s.id,
            position: s.position as u32,
            household_id: s.household_id,
            membership_number: s.membership_number,
            name: s.lead_name,
            people: (s.adults + s.children) as u32,
            address_lines: s.address_lines.lines().map(str::to_owned).collect(),
            postcode: s.postcode,
            access_notes: s.access_notes,
            phone: s.phone,
            parcels: s.parcels as u32,
            items: s.items as u32,
            packed: s.packed_at.is_some(),
            outcome: s.outcome,
            outcome_at: s.outcome_at,
            outcome_by: s.outcome_by,
        }
    }
}

/// A delivery household and whether it may be on the round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Suggestion {
    #[ts(type = "number")]
    pub household_id: i64,
    pub membership_number: String,
    pub name: String,
    pub postcode: String,
    /// The visit rules let it shop on the round's date.
    pub due: bool,
    /// Why not, when it is not due.
    pub reasons: Vec<String>,
}

fn round_date(errors: &mut Vec<FieldError>, text: &str, today: NaiveDate) -> Option<NaiveDate> {
    match crate::clock::parse_uk_date(text) {
        Some(day) if day < today => {
            errors.push(FieldError::new(
                "date",
                "This date has passed: plan a round for today or later.",
            ));
            None
        }
        Some(day) => Some(day),
        None => {
            errors.push(FieldError::new(
                "date",
                "Enter the round's date, such as 24/12/2026.",
            ));
            None
        }
    }
}

/// Every household receiving deliveries on `date`, the due ones first (by postcode).
pub async fn suggest_round(db: &Db, date: &str, actor: &Actor) -> Result<Vec<Suggestion>> {
    actor.require(db, Operation::PlanRound).await?;
    let settings = crate::settings::require(db).await?;
    let mut errors = Vec::new();
    let Some(day) = round_date(&mut errors, date, settings.date_at(db.now())) else {
        return Err(Error::Validation(errors));
    };
    let mut conn = db.acquire().await?;
    let mut out = Vec::new();
    for d in store::deliveries_running(&mut conn, day).await? {
        let household = households::load(&mut conn, d.household_id)
            .await?
            .ok_or_else(|| Error::not_found(format!("Household {}", d.household_id)))?;
        let verdict = crate::visits::verdict_on(&mut conn, &settings, d.household_id, day).await?;
        out.push(Suggestion {
            household_id: d.household_id,
            membership_number: household.membership_number,
            name: household.lead_name,
            postcode: d.postcode,
            due: verdict.eligible,
            reasons: verdict.reasons.into_iter().map(|r| r.message).collect(),
        });
    }
    out.sort_by_key(|s| !s.due);
    Ok(out)
}

/// Plans (or re-plans) the round on a date. Each household must receive deliveries then, be
/// let shop by the visit rules, and not be on another round still open; stops already
/// packed stay on the round. Every problem is given at once and nothing is saved.
pub async fn plan_round(db: &Db, form: &RoundForm, actor: &Actor) -> Result<Round> {
    actor.require(db, Operation::PlanRound).await?;
    let settings = crate::settings::require(db).await?;
    let now = db.now();
    let mut errors = Vec::new();
    let day = round_date(&mut errors, &form.date, settings.date_at(now));
    if form.stops.is_empty() {
        errors.push(FieldError::new(
            "stops",
            "Choose at least one household for the round.",
        ));
    }
    let mut seen = HashSet::new();
    for (i, stop) in form.stops.iter().enumerate() {
        if !seen.insert(stop.household_id) {
            errors.push(FieldError::new(
                &format!("stops.{i}"),
                "This household is on the round twice.",
            ));
        }
        let parcels = super::LIMITS.parcels;
        if !parcels.holds(stop.parcels) {
            errors.push(FieldError::new(
                &format!("stops.{i}.parcels"),
                format!("A stop has {} to {} parcels.", parcels.min, parcels.max),
            ));
        }
    }
    let Some(day) = day.filter(|_| errors.is_empty()) else {
        return Err(Error::Validation(errors));
    };
    let mut tx = db.begin_write().await?;
    let round_id = match store::round_on(&mut tx, day).await? {
        Some(id) => id,
        None => store::insert_round(&mut tx, day, now, actor.name()).await?,
    };
    let existing: BTreeMap<i64, StopRow> = store::stops(&mut tx, round_id)
        .await?
        .into_iter()
        .map(|s| (s.household_id, s))
        .collect();
    let running: BTreeMap<i64, store::DeliveryRow> = store::deliveries_running(&mut tx, day)
        .await?
        .into_iter()
        .map(|d| (d.household_id, d))
        .collect();
    let mut order: Vec<(usize, &PlannedStop)> = form.stops.iter().enumerate().collect();
    if form.order == StopOrder::Postcode {
        order.sort_by_key(|(i, s)| {
            let postcode = running.get(&s.household_id).map(|d| d.postcode.clone());
            (postcode, *i)
        });
    }
    for (i, stop) in &order {
        let field = format!("stops.{i}");
        let Some(household) = households::load(&mut tx, stop.household_id).await? else {
            errors.push(FieldError::new(&field, "This household is not on file."));
            continue;
        };
        let name = &household.lead_name;
        if existing.contains_key(&stop.household_id) {
            continue;
        }
        if !running.contains_key(&stop.household_id) {
            errors.push(FieldError::new(
                &field,
                format!("{name} does not receive deliveries on this date."),
            ));
            continue;
        }
        if let Some(other) =
            store::open_stop_elsewhere(&mut tx, stop.household_id, round_id, settings.date_at(now))
                .await?
        {
            errors.push(FieldError::new(
                &field,
                format!(
                    "{name} is on the round of {} still open: record its outcome first.",
                    crate::clock::uk(other)
                ),
            ));
            continue;
        }
        let verdict = crate::visits::verdict_on(&mut tx, &settings, stop.household_id, day).await?;
        if !verdict.eligible {
            let reasons: Vec<String> = verdict.reasons.into_iter().map(|r| r.message).collect();
            errors.push(FieldError::new(
                &field,
                format!("{name} cannot have a parcel then: {}", reasons.join(" ")),
            ));
        }
    }
    for (household_id, stop) in &existing {
        if !seen.contains(household_id) && stop.packed_at.is_some() && stop.outcome.is_none() {
            errors.push(FieldError::new(
                "stops",
                format!(
                    "{}'s parcel is packed already: record it as not delivered to take it off the round.",
                    stop.lead_name
                ),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    // Stops left out of the plan go, unless settled already (they stay, for the record).
    for (household_id, stop) in &existing {
        if !seen.contains(household_id) && stop.outcome.is_none() {
            store::delete_stop(&mut tx, stop.id).await?;
        }
    }
    for (position, (_, stop)) in order.iter().enumerate() {
        let position = position as i64 + 1;
        match existing.get(&stop.household_id) {
            Some(old) => {
                let parcels = if old.packed_at.is_some() {
                    old.parcels
                } else {
                    i64::from(stop.parcels)
                };
                store::set_stop_plan(&mut tx, old.id, position, parcels).await?;
            }
            None => {
                store::insert_stop(
                    &mut tx,
                    round_id,
                    stop.household_id,
                    position,
                    i64::from(stop.parcels),
                )
                .await?;
            }
        }
    }
    audit::record(
        &mut tx,
        now,
        actor.name(),
        "round.planned",
        Some(Subject::Round(round_id)),
        &serde_json::json!({ "date": day, "stops": form.stops.len() }),
    )
    .await?;
    let round = round_in(&mut tx, round_id, day).await?;
    tx.commit().await?;
    Ok(round)
}

async fn round_in(conn: &mut Conn, id: i64, date: NaiveDate) -> Result<Round> {
    Ok(Round {
        id,
        date,
        stops: store::stops(conn, id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    })
}

/// The round on a date, if one is planned.
pub async fn round_on(db: &Db, day: NaiveDate, actor: &Actor) -> Result<Option<Round>> {
    actor.require(db, Operation::ViewOutreach).await?;
    let mut conn = db.acquire().await?;
    match store::round_on(&mut conn, day).await? {
        Some(id) => Ok(Some(round_in(&mut conn, id, day).await?)),
        None => Ok(None),
    }
}

/// The standard parcel, with what each item contains and suits.
pub(super) async fn parcel_items(conn: &mut Conn) -> Result<Vec<ParcelLineForm>> {
    Ok(store::parcel_lines(conn)
        .await?
        .into_iter()
        .map(|l| ParcelLineForm {
            item_id: l.item_id,
            name: l.name,
            per_household: l.per_household as u32,
            per_person: l.per_person as u32,
            allergens: form::flags_from_text(&l.allergens, form::Allergen::find),
            suits: form::flags_from_text(&l.suits, form::Dietary::find),
        })
        .collect())
}

/// What packing puts in a stop's parcel.
pub(super) fn packed_for(parcel: &[ParcelLineForm], stop: &StopRow) -> packing::Packed {
    packing::pack(
        parcel,
        &packing::Household {
            people: (stop.adults + stop.children) as u32,
            allergies: form::flags_from_text(&stop.allergies, form::Allergen::find),
            dietary: form::flags_from_text(&stop.dietary, form::Dietary::find),
        },
    )
}

/// Packs every stop of the round not packed yet, in one transaction: when the pantry records
/// items, each parcel's items leave stock (first-expiring first, none past its use-by on the
/// round's date); any shortage refuses the whole packing, naming each item.
pub async fn pack_round(db: &Db, date: NaiveDate, actor: &Actor) -> Result<Round> {
    actor.require(db, Operation::PackRound).await?;
    let settings = crate::settings::require(db).await?;
    let stock = crate::stock::stock_settings(db, actor).await?;
    let now = db.now();
    let when = When::at(now, &settings);
    let mut tx = db.begin_write().await?;
    let round_id = store::round_on(&mut tx, date)
        .await?
        .ok_or_else(|| Error::Conflict("There is no round planned on this date.".into()))?;
    let parcel = parcel_items(&mut tx).await?;
    if parcel.is_empty() {
        return Err(Error::Conflict(
            "Set up the standard parcel first (Deliveries → Standard parcel): packing needs to know what goes in.".into(),
        ));
    }
    let mut problems = Vec::new();
    let mut shortages = Vec::new();
    // What the round wants of each item, and what earlier stops took, for the shortage message.
    let mut wanted_all: BTreeMap<i64, i64> = BTreeMap::new();
    let mut taken: BTreeMap<i64, i64> = BTreeMap::new();
    let mut packed_now = 0;
    for stop in store::stops(&mut tx, round_id).await? {
        if stop.packed_at.is_some() {
            continue;
        }
        let reference = parcel_shown(stop.id);
        let verdict =
            crate::visits::verdict_on(&mut tx, &settings, stop.household_id, date).await?;
        if !verdict.eligible {
            let reasons: Vec<String> = verdict.reasons.into_iter().map(|r| r.message).collect();
            problems.push(FieldError::new(
                "stops",
                format!(
                    "{} ({reference}) cannot have a parcel then any more: {} Take them off the round.",
                    stop.lead_name,
                    reasons.join(" ")
                ),
            ));
            continue;
        }
        let packed = packed_for(&parcel, &stop);
        let items: u32 = packed.lines.iter().map(|l| l.quantity).sum();
        if items == 0 {
            problems.push(FieldError::new(
                "stops",
                format!(
                    "Nothing in the standard parcel suits {} ({reference}): every item is left out for their allergies or diet. Change the parcel, or take them off the round.",
                    stop.lead_name
                ),
            ));
            continue;
        }
        let mut wanted = BTreeMap::new();
        for line in &packed.lines {
            *wanted.entry(line.item_id).or_insert(0) += i64::from(line.quantity);
        }
        for (item, q) in &wanted {
            *wanted_all.entry(*item).or_insert(0) += q;
        }
        if stock.counter_stock == CounterStock::Items && shortages.is_empty() {
            match ledger::take(
                &mut tx,
                &when,
                &wanted,
                "packing",
                Doc::HomeDelivery(stop.id),
                Take::UsableOn(date),
            )
            .await
            {
                Ok(()) => {
                    for (item, q) in &wanted {
                        *taken.entry(*item).or_insert(0) += q;
                    }
                }
                Err(Error::InsufficientStock { lines }) => shortages = lines,
                Err(e) => return Err(e),
            }
        }
        store::mark_packed(&mut tx, stop.id, i64::from(items), now, actor.name()).await?;
        packed_now += 1;
    }
    if !problems.is_empty() {
        return Err(Error::Validation(problems));
    }
    if !shortages.is_empty() {
        return Err(Error::InsufficientStock {
            lines: round_shortages(shortages, &wanted_all, &taken),
        });
    }
    audit::record(
        &mut tx,
        now,
        actor.name(),
        "round.packed",
        Some(Subject::Round(round_id)),
        &serde_json::json!({ "date": date, "parcels": packed_now }),
    )
    .await?;
    let round = round_in(&mut tx, round_id, date).await?;
    tx.commit().await?;
    Ok(round)
}

/// The first stop's shortages, restated for the whole round: what the round wants of each
/// item short, and what was in stock before packing began.
fn round_shortages(
    first: Vec<crate::error::Shortage>,
    wanted: &BTreeMap<i64, i64>,
    taken: &BTreeMap<i64, i64>,
) -> Vec<crate::error::Shortage> {
    first
        .into_iter()
        .map(|mut s| {
            s.wanted = wanted.get(&s.item_id).copied().unwrap_or(s.wanted);
            s.available += taken.get(&s.item_id).copied().unwrap_or(0);
            s.message = format!(
                "{}: the round needs {}, {} can be packed",
                s.item, s.wanted, s.available
            );
            s
        })
        .collect()
}

/// What an outcome recorded, as anyone who may record one sees it: the parcel's reference,
/// never the household's details (a counter volunteer scanning labels does not see who).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Settled {
    #[ts(type = "number")]
    pub id: i64,
    /// `P-0000 0042`.
    pub reference: String,
    pub outcome: DeliveryOutcome,
    /// False when the same outcome was recorded already (a label scanned twice).
    pub changed: bool,
}

/// Records what happened at the door. Delivered: a visit with method "delivery" (fee as the
/// household's delivery settings say). Not in or refused: the parcel's stock goes back and
/// the household stays due. The same outcome twice (a label scanned again) changes nothing;
/// a parcel of a round still to come is refused.
pub async fn record_outcome(
    db: &Db,
    id: i64,
    outcome: DeliveryOutcome,
    actor: &Actor,
) -> Result<Settled> {
    actor.require(db, Operation::RecordDeliveryOutcome).await?;
    let settings = crate::settings::require(db).await?;
    let now = db.now();
    let reference = parcel_shown(id);
    let settled = |changed| Settled {
        id,
        reference: reference.clone(),
        outcome,
        changed,
    };
    let mut tx = db.begin_write().await?;
    let stop = store::stop(&mut tx, id)
        .await?
        .ok_or_else(|| Error::not_found(format!("Parcel {reference}")))?;
    match stop.outcome {
        Some(done) if done == outcome => return Ok(settled(false)),
        Some(done) => {
            return Err(Error::Conflict(format!(
                "{reference} was recorded as {} already.",
                done.label().to_lowercase()
            )))
        }
        None => {}
    }
    if stop.packed_at.is_none() {
        return Err(Error::Conflict(format!(
            "{reference} is not packed yet: pack the round first."
        )));
    }
    if stop.on_date > settings.date_at(now) {
        return Err(Error::Conflict(format!(
            "{reference} is for the round of {}, still to come.",
            crate::clock::uk(stop.on_date)
        )));
    }
    let visit_id = if outcome == DeliveryOutcome::Delivered {
        Some(
            crate::visits::record_delivered(
                &mut tx,
                &settings,
                crate::visits::Delivered {
                    household_id: stop.household_id,
                    at: now,
                    items: stop.items as u32,
                    fee_method: stop.fee_method,
                    volunteer: actor.name(),
                    request_id: &format!("delivery-{id}"),
                },
            )
            .await?,
        )
    } else {
        let when = When::at(now, &settings);
        for (item_id, batch_id, quantity, value) in store::packed_batches(&mut tx, id).await? {
            ledger::post(
                &mut tx,
                &when,
                Movement {
                    kind: "return",
                    item_id,
                    batch_id,
                    quantity: -quantity,
                    value_pence: value.map(|v| -v),
                    doc: Doc::HomeDelivery(id),
                },
            )
            .await?;
        }
        None
    };
    store::set_outcome(&mut tx, id, outcome, now, actor.name(), visit_id).await?;
    audit::record(
        &mut tx,
        now,
        actor.name(),
        "delivery.outcome",
        Some(Subject::Household(stop.household_id)),
        &serde_json::json!({ "delivery": id, "outcome": outcome.code(), "visit": visit_id }),
    )
    .await?;
    tx.commit().await?;
    Ok(settled(true))
}

/// Records an outcome from a scanned label (or a typed `P-0000 0042`).
pub async fn scan_outcome(
    db: &Db,
    scanned: &str,
    outcome: DeliveryOutcome,
    actor: &Actor,
) -> Result<Settled> {
    let Some(id) = read_parcel_code(scanned) else {
        return Err(Error::invalid(
            "scan",
            "This is not a parcel label: scan the barcode on the parcel, or type its P- number.",
        ));
    };
    record_outcome(db, id, outcome, actor).await
}

/// Replaces the standard parcel, and marks what each of its items contains and suits.
pub async fn set_standard_parcel(
    db: &Db,
    lines: &[ParcelLineForm],
    actor: &Actor,
) -> Result<Vec<ParcelLineForm>> {
    actor.require(db, Operation::EditParcel).await?;
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    for (i, l) in lines.iter().enumerate() {
        if !seen.insert(l.item_id) {
            errors.push(FieldError::new(
                &format!("lines.{i}"),
                "This item is listed twice.",
            ));
        }
        let (household, person) = (super::LIMITS.per_household, super::LIMITS.per_person);
        if !household.holds(l.per_household)
            || !person.holds(l.per_person)
            || l.per_household + l.per_person == 0
        {
            errors.push(FieldError::new(
                &format!("lines.{i}"),
                format!(
                    "Pack {} to {} per household and {} to {} per person, and at least one in all.",
                    household.min, household.max, person.min, person.max
                ),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let mut tx = db.begin_write().await?;
    let rows: Vec<(i64, i64, i64)> = lines
        .iter()
        .map(|l| {
            (
                l.item_id,
                i64::from(l.per_household),
                i64::from(l.per_person),
            )
        })
        .collect();
    for (i, l) in lines.iter().enumerate() {
        if !store::item_exists(&mut tx, l.item_id).await? {
            errors.push(FieldError::new(
                &format!("lines.{i}"),
                "This item is not in the catalogue.",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    store::replace_parcel_lines(&mut tx, &rows).await?;
    for l in lines {
        let allergens = form::flags_to_text(&l.allergens, |a| a.code());
        let suits = form::flags_to_text(&l.suits, |d| d.code());
        store::set_item_food_facts(&mut tx, l.item_id, &allergens, &suits).await?;
    }
    audit::record(
        &mut tx,
        db.now(),
        actor.name(),
        "parcel.changed",
        None,
        &serde_json::json!({ "lines": lines.len() }),
    )
    .await?;
    tx.commit().await?;
    standard_parcel(db, actor).await
}

/// The standard parcel.
pub async fn standard_parcel(db: &Db, _signed_in: &Actor) -> Result<Vec<ParcelLineForm>> {
    parcel_items(&mut db.acquire().await?).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parcel_codes_read_back_and_catch_a_misread_digit() {
        let code = parcel_code(42);
        assert_eq!(code.len(), 14);
        assert_eq!(read_parcel_code(&code), Some(42));
        assert_eq!(read_parcel_code("P-0000 0042"), Some(42));
        let mut wrong = code.clone().into_bytes();
        wrong[12] = if wrong[12] == b'9' {
            b'8'
        } else {
            wrong[12] + 1
        };
        assert_eq!(read_parcel_code(&String::from_utf8(wrong).unwrap()), None);
        assert_eq!(read_parcel_code("00000018"), None, "a membership number");
        assert_eq!(parcel_shown(42), "P-0000 0042");
    }
}
