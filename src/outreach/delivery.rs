//! Households that receive deliveries: ongoing or until a date, with the delivery address
//! (stored for these households only), access notes, a contact phone and how the fee is
//! settled at the door. Stopping deliveries deletes the address.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::store::{self, NewDelivery};
use crate::access::{Actor, Operation};
use crate::audit::{self, Subject};
use crate::db::Db;
use crate::error::{Error, FieldError, Result};
use crate::households::form::checked_phone;
use crate::postcode::Postcode;
use crate::visits::FeeMethod;

/// Deliveries for a household, as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HomeDeliveryForm {
    #[ts(type = "number")]
    pub household_id: i64,
    /// The last day of deliveries (blank: ongoing).
    pub until: String,
    /// The address without its postcode, one line each.
    pub address: String,
    pub postcode: String,
    pub access_notes: String,
    /// A phone for the driver (blank: the household's own).
    pub phone: String,
    pub fee_method: FeeMethod,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HomeDeliveryDetails {
    #[ts(type = "number")]
    pub household_id: i64,
    pub until: Option<NaiveDate>,
    pub address_lines: Vec<String>,
    pub postcode: String,
    pub access_notes: String,
    pub phone: String,
    pub fee_method: FeeMethod,
    pub set_at: String,
    pub set_by: String,
}

impl From<store::DeliveryRow> for HomeDeliveryDetails {
    fn from(r: store::DeliveryRow) -> Self {
        HomeDeliveryDetails {
            household_id: r.household_id,
            until: r.until,
            address_lines: r.address_lines.lines().map(str::to_owned).collect(),
            postcode: r.postcode,
            access_notes: r.access_notes,
            phone: r.phone,
            fee_method: r.fee_method,
            set_at: r.set_at,
            set_by: r.set_by,
        }
    }
}

/// Sets a household to receive deliveries (or changes how); every problem at once.
pub async fn set_delivery(
    db: &Db,
    form: &HomeDeliveryForm,
    actor: &Actor,
) -> Result<HomeDeliveryDetails> {
    actor.require(db, Operation::SetDelivery).await?;
    let mut errors = crate::text::control_errors(form);
    let lines: Vec<&str> = form
        .address
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if lines.is_empty() {
        errors.push(FieldError::new(
            "address",
            "Enter the address to deliver to (the postcode goes in its own box).",
        ));
    } else if lines.len() > 5 || lines.iter().any(|l| l.chars().count() > 80) {
        errors.push(FieldError::new(
            "address",
            "Keep the address to 5 lines of up to 80 characters.",
        ));
    }
    let postcode = Postcode::parse(&form.postcode);
    if postcode.is_none() {
        errors.push(FieldError::new(
            "postcode",
            "Enter a UK postcode such as OL1 3BQ.",
        ));
    }
    if form.access_notes.chars().count() > 300 {
        errors.push(FieldError::new(
            "accessNotes",
            "Keep the access notes to 300 characters.",
        ));
    }
    let phone = checked_phone(&mut errors, "phone", &form.phone);
    let until = super::optional_date(&mut errors, "until", &form.until, "Deliveries until");
    let today = crate::settings::require(db).await?.date_at(db.now());
    if until.is_some_and(|d| d < today) {
        errors.push(FieldError::new(
            "until",
            "This date has passed: stop the deliveries instead.",
        ));
    }
    let Some(postcode) = postcode.filter(|_| errors.is_empty()) else {
        return Err(Error::Validation(errors));
    };
    let now = db.now();
    let mut tx = db.begin_write().await?;
    crate::households::load_live(&mut tx, form.household_id).await?;
    store::put_delivery(
        &mut tx,
        &NewDelivery {
            household_id: form.household_id,
            until,
            address_lines: &lines.join("\n"),
            postcode: &postcode.to_string(),
            access_notes: form.access_notes.trim(),
            phone: &phone,
            fee_method: form.fee_method,
            at: now,
            by: actor.name(),
        },
    )
    .await?;
    audit::record(
        &mut tx,
        now,
        actor.name(),
        "delivery.set",
        Some(Subject::Household(form.household_id)),
        &serde_json::json!({ "until": until }),
    )
    .await?;
    let row = store::delivery(&mut tx, form.household_id)
        .await?
        .ok_or_else(|| Error::not_found("The delivery details"))?;
    tx.commit().await?;
    Ok(row.into())
}

/// Stops deliveries to a household: its delivery address is deleted, and it comes off any
/// round it is not packed for yet.
pub async fn stop_deliveries(db: &Db, household_id: i64, actor: &Actor) -> Result<()> {
    actor.require(db, Operation::SetDelivery).await?;
    let now = db.now();
    let mut tx = db.begin_write().await?;
    if !store::delete_delivery(&mut tx, household_id).await? {
        return Err(Error::Conflict(
            "This household does not receive deliveries.".into(),
        ));
    }
    store::delete_unpacked_stops(&mut tx, household_id).await?;
    audit::record(
        &mut tx,
        now,
        actor.name(),
        "delivery.stopped",
        Some(Subject::Household(household_id)),
        &serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// How a household receives deliveries, if it does.
pub async fn delivery_of(
    db: &Db,
    household_id: i64,
    actor: &Actor,
) -> Result<Option<HomeDeliveryDetails>> {
    actor.require(db, Operation::ViewOutreach).await?;
    let mut conn = db.acquire().await?;
    Ok(store::delivery(&mut conn, household_id)
        .await?
        .map(Into::into))
}
