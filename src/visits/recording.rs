//! Recording a visit with one key, exactly once per check-in, and undoing it by voiding.

use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use ts_rs::TS;

use super::counter::decide;
use super::store::{self, NewVisit};
use crate::access::{Actor, Operation};
use crate::audit::{self, Subject};
use crate::clock::local_date_of;
use crate::db::Conn;
use crate::db::Db;
use crate::error::{whole_number, Error, FieldError, Result};
use crate::settings;
use crate::stock::distribution::{self, VisitItem};
use crate::stock::ledger::When;
use crate::stock::{self, CounterStock};

choices!(
    /// How the weekly fee was paid (stored as its code).
    #[derive(sqlx::Type)]
    #[sqlx(rename_all = "lowercase", type_name = "text")]
    FeeMethod {
        Cash = "cash" => "Cash",
        Card = "card" => "Card",
        Voucher = "voucher" => "Voucher",
        Waived = "waived" => "Waived",
    }
);

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
    #[sqlx(try_from = "crate::db::Stamp")]
    pub at: String,
    pub local_date: chrono::NaiveDate,
    #[ts(type = "number")]
    pub items: i64,
    #[ts(type = "number")]
    pub fee_pence: i64,
    pub fee_method: FeeMethod,
    pub volunteer: String,
    pub note: String,
    pub override_reason: Option<String>,
    #[sqlx(try_from = "crate::db::Maybe<crate::db::Stamp>")]
    pub voided_at: Option<String>,
    pub void_reason: Option<String>,
    /// The desk it was recorded at, when that desk had a name.
    pub desk: Option<String>,
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
    let stock = stock::stock_settings(db, actor).await?;
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
    let volunteer = actor.name();
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
    // Desks checking the same household in at once take turns: the second sees the first's
    // visit and gets the usual verdict.
    crate::households::lock(&mut tx, form.household_id).await?;
    if let Some(done) = store::visit_for_request(&mut tx, &form.request_id).await? {
        return Ok(done);
    }
    let now = db.now();
    let today = local_date_of(now, settings.tz());
    let card = match &form.card_number {
        Some(number) => crate::cards::lookup_in(&mut tx, number).await?,
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
    let id = store::insert_visit(
        &mut tx,
        &NewVisit {
            household_id: form.household_id,
            at: now,
            local_date: today,
            items,
            fee_pence,
            fee_method: form.fee_method,
            volunteer,
            note: form.note.trim(),
            snap_adults: d.row.adults,
            snap_children: d.row.children,
            snap_neighbourhood_id: d.row.neighbourhood_id,
            snap_landlord_tenant: d.row.landlord_tenant,
            snap_language: &d.row.language,
            card_number: form.card_number.as_deref(),
            request_id: &form.request_id,
            override_reason: override_reason.filter(|_| !d.verdict.eligible),
            method: "counter",
        },
    )
    .await?;
    if by_item {
        let when = When::at(now, &settings);
        distribution::distribute(&mut tx, &when, &stock, id, &form.lines).await?;
    }
    if !d.verdict.eligible {
        audit::record(
            &mut tx,
            now,
            volunteer,
            "visit.override",
            Some(Subject::Household(form.household_id)),
            // Codes only: the reason typed is personal and stays with the visit (erasure blanks it).
            &serde_json::json!({ "visit": id, "refused": d.verdict.reasons.iter().map(|r| r.code).collect::<Vec<_>>() }),
        )
        .await?;
    }
    let visit = store::visit(&mut tx, id)
        .await?
        .ok_or_else(|| Error::not_found("The new visit"))?;
    tx.commit().await?;
    Ok(visit)
}

/// A visit recorded from a scanned (or typed) card or membership number alone, as a desk's
/// script or the command line does: the counter's check-in, then `record_visit` with the
/// usual number of items unless `items` says otherwise. Refused as at the counter (every
/// reason given) unless a manager gives `override_reason`.
pub async fn record_scanned(
    db: &Db,
    scanned: &str,
    items: Option<u32>,
    fee_method: FeeMethod,
    override_reason: Option<&str>,
    actor: &Actor,
) -> Result<VisitRecord> {
    let check_in = match super::scan(db, scanned, actor).await? {
        super::ScanOutcome::Found { check_in } => check_in,
        super::ScanOutcome::Unknown { message, .. } => {
            return Err(Error::invalid("number", message))
        }
        super::ScanOutcome::Matches { .. } => {
            return Err(Error::invalid(
                "number",
                format!("{} is not a card or membership number.", scanned.trim()),
            ))
        }
    };
    let form = VisitForm {
        household_id: check_in.household.id,
        request_id: check_in.request_id,
        card_number: check_in.card_number,
        items: items.unwrap_or(check_in.items_default).to_string(),
        fee_method,
        note: String::new(),
        override_reason: override_reason.map(str::to_owned),
        lines: Vec::new(),
    };
    record_visit(db, &form, actor).await
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
    let volunteer = actor.name();
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
    let now = db.now();
    let when = When::at(now, &settings);
    let mut tx = db.begin_write().await?;
    let visit = store::visit(&mut tx, visit_id)
        .await?
        .ok_or_else(|| Error::not_found(format!("Visit {visit_id}")))?;
    // Two desks undoing one visit, or undoing it while the household checks in, take turns:
    // read again once the household is held.
    crate::households::lock(&mut tx, visit.household_id).await?;
    let visit = store::visit(&mut tx, visit_id)
        .await?
        .ok_or_else(|| Error::not_found(format!("Visit {visit_id}")))?;
    if visit.voided_at.is_some() {
        return Err(Error::Conflict("This visit was already undone.".into()));
    }
    distribution::return_visit(&mut tx, &when, visit_id).await?;
    store::mark_void(&mut tx, visit_id, now, volunteer, reason).await?;
    audit::record(
        &mut tx,
        now,
        volunteer,
        "visit.voided",
        Some(Subject::Household(visit.household_id)),
        // The reason typed stays with the visit (erasure blanks it), never in the trail.
        &serde_json::json!({ "visit": visit_id }),
    )
    .await?;
    let visit = store::visit(&mut tx, visit_id)
        .await?
        .ok_or_else(|| Error::not_found("The visit"))?;
    tx.commit().await?;
    Ok(visit)
}

/// Whether a household may shop on `day`, for planning a delivery round.
pub(crate) async fn verdict_on(
    conn: &mut Conn,
    settings: &settings::Settings,
    household_id: i64,
    day: chrono::NaiveDate,
) -> Result<crate::visits::Verdict> {
    Ok(decide(conn, settings, household_id, None, day)
        .await?
        .verdict)
}

/// A parcel delivered to the door, recorded in the caller's transaction as a visit with
/// method "delivery" (it counts towards the week as any visit does). A household that the
/// rules now refuse (it shopped at the counter after the round was planned) still has its
/// visit: the parcel was handed over; the refusal's codes go to the audit trail.
pub(crate) async fn record_delivered(
    conn: &mut Conn,
    settings: &settings::Settings,
    delivered: Delivered<'_>,
) -> Result<i64> {
    let today = local_date_of(delivered.at, settings.tz());
    let d = decide(conn, settings, delivered.household_id, None, today).await?;
    if d.row.erased {
        return Err(Error::Conflict(
            "This household's details were erased.".into(),
        ));
    }
    let fee_pence = if delivered.fee_method == FeeMethod::Waived {
        0
    } else {
        settings.weekly_fee_pence
    };
    let id = store::insert_visit(
        conn,
        &NewVisit {
            household_id: delivered.household_id,
            at: delivered.at,
            local_date: today,
            items: delivered.items,
            fee_pence,
            fee_method: delivered.fee_method,
            volunteer: delivered.volunteer,
            note: "",
            snap_adults: d.row.adults,
            snap_children: d.row.children,
            snap_neighbourhood_id: d.row.neighbourhood_id,
            snap_landlord_tenant: d.row.landlord_tenant,
            snap_language: &d.row.language,
            card_number: None,
            request_id: delivered.request_id,
            override_reason: None,
            method: "delivery",
        },
    )
    .await?;
    if !d.verdict.eligible {
        audit::record(
            conn,
            delivered.at,
            delivered.volunteer,
            "visit.override",
            Some(Subject::Household(delivered.household_id)),
            &serde_json::json!({ "visit": id, "delivered": true, "refused": d.verdict.reasons.iter().map(|r| r.code).collect::<Vec<_>>() }),
        )
        .await?;
    }
    Ok(id)
}

/// A delivered parcel, as `record_delivered` records it.
pub(crate) struct Delivered<'a> {
    pub household_id: i64,
    pub at: chrono::DateTime<chrono::Utc>,
    pub items: u32,
    pub fee_method: FeeMethod,
    pub volunteer: &'a str,
    pub request_id: &'a str,
}
