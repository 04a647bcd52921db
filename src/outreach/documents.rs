//! The round's papers (run sheet, packing lists, parcel labels) and the welfare call sheet:
//! each written through the output guard and recorded as carrying its households, so that
//! erasing one deletes the paper too.

use chrono::NaiveDate;
use serde::Serialize;
use ts_rs::TS;

use super::rounds::{self, Round, RoundStop};
use super::store;
use crate::access::{Actor, Operation};
use crate::clock::uk;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::output::note_written_file;
use crate::output::Destination;
use crate::print::calls::{self, Call, CallSheet};
use crate::print::labels::{self, ParcelLabel};
use crate::print::round::{self as papers, PackingLine, PackingList, RunSheet, RunStop};

/// A paper written, and how many households it carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Printed {
    pub file: String,
    pub households: u32,
}

fn long_date(day: NaiveDate) -> String {
    day.format("%A %-d %B %Y").to_string()
}

/// The round on `date`, with the pantry's name; refused when none is planned.
async fn round_for(db: &Db, date: NaiveDate, actor: &Actor) -> Result<(String, Round)> {
    actor.require(db, Operation::PrintOutreach).await?;
    let pantry = crate::settings::require(db).await?.name;
    let round = rounds::round_on(db, date, actor)
        .await?
        .filter(|r| !r.stops.is_empty())
        .ok_or_else(|| {
            Error::Conflict(format!(
                "There is no round planned on {}: plan it first.",
                uk(date)
            ))
        })?;
    Ok((pantry, round))
}

async fn write(db: &Db, to: &Destination, pdf: &[u8], kind: &str, ids: &[i64]) -> Result<Printed> {
    let file = crate::output::write(db, to, pdf).await?;
    let mut tx = db.begin_write().await?;
    note_written_file(&mut tx, ids, kind, &file, pdf, db.now()).await?;
    tx.commit().await?;
    Ok(Printed {
        file: file.display().to_string(),
        households: ids.len() as u32,
    })
}

fn ids(stops: &[RoundStop]) -> Vec<i64> {
    stops.iter().map(|s| s.household_id).collect()
}

/// The driver's run sheet: stops in order with address, access notes, phone, parcels and
/// alerts, a box per outcome, "destroy after the round" on every page.
pub async fn print_run_sheet(
    db: &Db,
    date: NaiveDate,
    to: &Destination,
    actor: &Actor,
) -> Result<Printed> {
    let (pantry, round) = round_for(db, date, actor).await?;
    let sheet = RunSheet {
        pantry,
        date: long_date(date),
        stops: round
            .stops
            .iter()
            .map(|s| RunStop {
                position: s.position,
                name: s.name.clone(),
                address_lines: s.address_lines.clone(),
                postcode: s.postcode.clone(),
                phone: s.phone.clone(),
                access_notes: s.access_notes.clone(),
                parcels: s.parcels,
                alerts: s.alerts.clone(),
                code: s.reference.clone(),
            })
            .collect(),
    };
    let pdf = papers::run_sheet(&sheet)?;
    write(db, to, &pdf, "run-sheet", &ids(&round.stops)).await
}

/// One label per parcel, on A4 label sheets, each with the delivery's barcode, from label
/// `start` (1–14) of the first sheet (a part-used sheet goes in first).
pub async fn print_labels(
    db: &Db,
    date: NaiveDate,
    start: u32,
    to: &Destination,
    actor: &Actor,
) -> Result<Printed> {
    let (pantry, round) = round_for(db, date, actor).await?;
    let mut all = Vec::new();
    for s in &round.stops {
        for parcel in 1..=s.parcels {
            all.push(ParcelLabel {
                pantry: pantry.clone(),
                date: uk(date),
                position: s.position,
                name: s.name.clone(),
                postcode: s.postcode.clone(),
                parcel,
                of: s.parcels,
                alerts: s.alerts.clone(),
                barcode: s.barcode.clone(),
                code: s.reference.clone(),
            });
        }
    }
    let pdf = labels::label_sheets(&all, usize::try_from(start).unwrap_or(usize::MAX))?;
    write(db, to, &pdf, "labels", &ids(&round.stops)).await
}

/// One packing list per stop: what goes in, for the household's size, with what was left
/// out for its allergies or diet and, once packed, the use-by of what was taken.
pub async fn print_packing_lists(
    db: &Db,
    date: NaiveDate,
    to: &Destination,
    actor: &Actor,
) -> Result<Printed> {
    let (pantry, round) = round_for(db, date, actor).await?;
    let mut conn = db.acquire().await?;
    let parcel = rounds::parcel_items(&mut conn).await?;
    let rows = store::stops(&mut conn, round.id).await?;
    let mut lists = Vec::new();
    let mut households = Vec::new();
    for row in rows {
        // What the parcel should hold now; once packed from stock, what was taken.
        let packed = rounds::packed_for(&parcel, &row);
        let check = |item_id: i64| {
            packed
                .lines
                .iter()
                .find(|l| l.item_id == item_id)
                .map(|l| l.check.clone())
                .unwrap_or_default()
        };
        let taken = store::packed_lines(&mut conn, row.id).await?;
        let lines: Vec<(i64, String, u32, Option<NaiveDate>)> = if taken.is_empty() {
            packed
                .lines
                .iter()
                .map(|l| (l.item_id, l.name.clone(), l.quantity, None))
                .collect()
        } else {
            taken
                .into_iter()
                .map(|(item_id, name, quantity, use_by)| (item_id, name, quantity as u32, use_by))
                .collect()
        };
        let stop = RoundStop::from(row);
        households.push(stop.household_id);
        lists.push(PackingList {
            pantry: pantry.clone(),
            date: long_date(date),
            position: stop.position,
            name: stop.name,
            code: stop.reference,
            people: stop.people,
            parcels: stop.parcels,
            alerts: stop.alerts,
            lines: lines
                .into_iter()
                .map(|(item_id, name, quantity, use_by)| {
                    let diets: Vec<&str> = check(item_id).iter().map(|d| d.label()).collect();
                    PackingLine {
                        item: if diets.is_empty() {
                            name
                        } else {
                            format!("{name} (check the label: {})", diets.join(", "))
                        },
                        quantity,
                        use_by: use_by
                            .map(|d| format!("use by {}", uk(d)))
                            .unwrap_or_default(),
                    }
                })
                .collect(),
            left_out: packed.left_out,
        });
    }
    drop(conn);
    let pdf = papers::packing_lists(&lists)?;
    write(db, to, &pdf, "packing", &households).await
}

/// Today's contact list as a call sheet: name, phone, why to call, last visit, boxes to tick.
pub async fn print_call_sheet(db: &Db, to: &Destination, actor: &Actor) -> Result<Printed> {
    actor.require(db, Operation::PrintOutreach).await?;
    let settings = crate::settings::require(db).await?;
    let due = super::contact_list(db, actor).await?;
    let sheet = CallSheet {
        pantry: settings.name.clone(),
        date: long_date(settings.date_at(db.now())),
        calls: due
            .iter()
            .map(|d| Call {
                name: d.name.clone(),
                phone: d.phone.clone(),
                reason: d.reason.clone(),
                last_visit: d.last_visit.map(uk).unwrap_or_else(|| "never".into()),
            })
            .collect(),
    };
    let pdf = calls::call_sheet(&sheet)?;
    let ids: Vec<i64> = due.iter().map(|d| d.household_id).collect();
    write(db, to, &pdf, "call-sheet", &ids).await
}
