//! The day at the counter: today's totals and the cash-up.

use serde::Serialize;
use sqlx::FromRow;
use ts_rs::TS;

use super::store;
use super::{FeeMethod, VisitRecord};
use crate::access::{Actor, Operation};
use crate::audit;
use crate::db::Db;
use crate::error::{Error, FieldError, Result};
use crate::money;
use crate::settings;

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
    pub local_date: chrono::NaiveDate,
    #[sqlx(try_from = "crate::db::Stamp")]
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
    pub date: chrono::NaiveDate,
    pub visits: u32,
    pub households: u32,
    pub people: u32,
    #[ts(type = "number")]
    pub items: i64,
    pub fees: Vec<FeeTotal>,
    pub recent: Vec<VisitRecord>,
    pub cash_up: Option<CashUp>,
}

pub async fn today(db: &Db, _signed_in: &Actor) -> Result<Today> {
    let settings = settings::require(db).await?;
    let date = settings.date_at(db.now());
    let mut conn = db.acquire().await?;
    let (visits, households, people, items) = store::day_totals(&mut conn, date).await?;
    let by_method = store::day_fees(&mut conn, date).await?;
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
            .find(|(m, _, _)| *m == method)
            .map_or((0, 0), |(_, n, p)| (*n, *p));
        FeeTotal {
            method,
            visits: u32::try_from(n).unwrap_or(u32::MAX),
            pence,
        }
    })
    .collect();
    let recent = store::day_visits(&mut conn, date, 50).await?;
    let cash_up = store::last_cash_up(&mut conn, date).await?;
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
    let volunteer = actor.name();
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
    let now = db.now();
    let date = settings.date_at(now);
    let mut tx = db.begin_write().await?;
    let expected_pence = store::cash_taken(&mut tx, date).await?;
    let up = CashUp {
        local_date: date,
        at: now.to_rfc3339(),
        expected_pence,
        counted_pence,
        difference_pence: counted_pence - expected_pence,
        volunteer: volunteer.trim().to_owned(),
        note: note.trim().to_owned(),
    };
    store::insert_cash_up(&mut tx, &up, now).await?;
    audit::record(
        &mut tx,
        now,
        &up.volunteer,
        "cash.up",
        None,
        &serde_json::json!({ "expected": up.expected_pence, "counted": up.counted_pence }),
    )
    .await?;
    tx.commit().await?;
    Ok(up)
}
