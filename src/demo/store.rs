//! SQL for the demo generator: fast multi-row inserts of a synthetic pantry's visits,
//! volunteers, stock, agencies, referrals and renewals (`visits`, `volunteers`,
//! `stock_bands`, `items`, `item_barcodes`, `deliveries`, `batches`, `stock_movements`,
//! `agencies`, `referrals`, `membership_events`) into an empty database, and the households
//! the crash-safety tests' counter exerciser serves. Households and cards go in through their own
//! domains' stores.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{QueryBuilder, Sqlite};

use crate::db::Conn;
use crate::error::Result;
use crate::on_engine;

/// Rows per multi-row INSERT; keeps each statement under SQLite's bound-variable limit.
const CHUNK: usize = 1_000;

pub async fn household_count(conn: &mut Conn) -> Result<i64> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar("SELECT COUNT(*) FROM households")
            .fetch_one(conn)
            .await
    )?)
}

/// The first `limit` households not erased, by id.
pub async fn first_households(conn: &mut Conn, limit: i64) -> Result<Vec<i64>> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar(
            "SELECT id FROM households WHERE erased_at IS NULL ORDER BY id LIMIT $1"
        )
        .bind(limit)
        .fetch_all(conn)
        .await
    )?)
}

/// A visit, with the household as it was then.
pub struct NewVisit {
    pub household_id: i64,
    pub at: DateTime<Utc>,
    pub local_date: NaiveDate,
    pub items: i64,
    pub fee_pence: i64,
    pub fee_method: &'static str,
    pub volunteer: &'static str,
    pub adults: u32,
    pub children: u32,
    pub neighbourhood_id: Option<i64>,
    pub landlord_tenant: bool,
    pub language: &'static str,
    /// "counter", or "delivery" for a parcel delivered.
    pub method: &'static str,
}

/// The best-stocked item with no use-by date (tins, dry goods: what keeps in a parcel) of
/// each of the `limit` best-stocked categories of the catalogue.
pub async fn best_stocked_items(conn: &mut Conn, limit: i64) -> Result<Vec<i64>> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar(
            "SELECT item_id FROM (
             SELECT item_id, MAX(units) AS units FROM (
                 SELECT b.item_id, i.category, CAST(SUM(b.on_hand) AS BIGINT) AS units
                 FROM batches b JOIN items i ON i.id = b.item_id
                 WHERE b.use_by IS NULL AND b.on_hand > 0 GROUP BY b.item_id)
             GROUP BY category)
         ORDER BY units DESC, item_id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(conn)
        .await
    )?)
}

/// Visits, given ids 1, 2, … in order (the database is empty).
pub async fn insert_visits(conn: &mut Conn, visits: &[NewVisit]) -> Result<()> {
    for chunk in visits.chunks(CHUNK) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO visits (household_id, at, local_date, items, fee_pence, fee_method, volunteer, \
             snap_adults, snap_children, snap_neighbourhood_id, snap_landlord_tenant, snap_language, method) ",
        );
        q.push_values(chunk, |mut b, v| {
            b.push_bind(v.household_id)
                .push_bind(v.at)
                .push_bind(v.local_date)
                .push_bind(v.items)
                .push_bind(v.fee_pence)
                .push_bind(v.fee_method)
                .push_bind(v.volunteer)
                .push_bind(v.adults)
                .push_bind(v.children)
                .push_bind(v.neighbourhood_id)
                .push_bind(v.landlord_tenant)
                .push_bind(v.language)
                .push_bind(v.method);
        });
        q.build().execute(conn.sqlite()?).await?;
    }
    Ok(())
}

/// A volunteer, unless one of that name exists.
pub async fn insert_volunteer(
    conn: &mut Conn,
    name: &str,
    role: &str,
    pin_hash: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    on_engine!(
        conn,
        sqlx::query(
            "INSERT INTO volunteers (name, role, pin_hash, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(role)
        .bind(pin_hash)
        .bind(at)
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
    )?;
    Ok(())
}

/// Stock bands: (name, items of the band per visit).
pub async fn insert_bands(conn: &mut Conn, bands: &[(&str, i64)]) -> Result<()> {
    let mut q: QueryBuilder<Sqlite> =
        QueryBuilder::new("INSERT INTO stock_bands (name, per_visit) ");
    q.push_values(bands, |mut b, (name, per_visit)| {
        b.push_bind(*name).push_bind(*per_visit);
    });
    q.build().execute(conn.sqlite()?).await?;
    Ok(())
}

/// An item of the catalogue (active).
pub struct NewItem {
    pub id: i64,
    pub name: String,
    pub category: &'static str,
    pub unit: &'static str,
    pub band: &'static str,
    pub points: i64,
    pub value_pence: i64,
    pub reorder_level: i64,
}

pub async fn insert_items(
    conn: &mut Conn,
    items: &[NewItem],
    created_at: DateTime<Utc>,
) -> Result<()> {
    for chunk in items.chunks(200) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO items (id, name, category, unit, band, points, value_pence, reorder_level, active, created_at) ",
        );
        q.push_values(chunk, |mut b, item| {
            b.push_bind(item.id)
                .push_bind(&item.name)
                .push_bind(item.category)
                .push_bind(item.unit)
                .push_bind(item.band)
                .push_bind(item.points)
                .push_bind(item.value_pence)
                .push_bind(item.reorder_level)
                .push_bind(1)
                .push_bind(created_at);
        });
        q.build().execute(conn.sqlite()?).await?;
    }
    Ok(())
}

/// Barcodes of single units: (code, item id).
pub async fn insert_barcodes(conn: &mut Conn, codes: &[(String, i64)]) -> Result<()> {
    let mut q: QueryBuilder<Sqlite> =
        QueryBuilder::new("INSERT INTO item_barcodes (code, item_id, units) ");
    q.push_values(codes, |mut b, (code, item_id)| {
        b.push_bind(code).push_bind(*item_id).push_bind(1);
    });
    q.build().execute(conn.sqlite()?).await?;
    Ok(())
}

pub struct NewDelivery {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub local_date: NaiveDate,
    pub source: &'static str,
    pub donor: &'static str,
    pub volunteer: &'static str,
}

pub async fn insert_deliveries(conn: &mut Conn, deliveries: &[NewDelivery]) -> Result<()> {
    for chunk in deliveries.chunks(500) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO deliveries (id, at, local_date, source, donor, volunteer) ",
        );
        q.push_values(chunk, |mut b, d| {
            b.push_bind(d.id)
                .push_bind(d.at)
                .push_bind(d.local_date)
                .push_bind(d.source)
                .push_bind(d.donor)
                .push_bind(d.volunteer);
        });
        q.build().execute(conn.sqlite()?).await?;
    }
    Ok(())
}

pub struct NewBatch {
    pub id: i64,
    pub item_id: i64,
    pub best_before: Option<NaiveDate>,
    pub use_by: Option<NaiveDate>,
    pub on_hand: i64,
}

pub async fn insert_batches(conn: &mut Conn, batches: &[NewBatch]) -> Result<()> {
    for chunk in batches.chunks(CHUNK) {
        let mut q: QueryBuilder<Sqlite> =
            QueryBuilder::new("INSERT INTO batches (id, item_id, best_before, use_by, on_hand) ");
        q.push_values(chunk, |mut b, batch| {
            b.push_bind(batch.id)
                .push_bind(batch.item_id)
                .push_bind(batch.best_before)
                .push_bind(batch.use_by)
                .push_bind(batch.on_hand);
        });
        q.build().execute(conn.sqlite()?).await?;
    }
    Ok(())
}

/// A line of the stock ledger.
pub struct NewMovement {
    pub at: DateTime<Utc>,
    pub local_date: NaiveDate,
    pub kind: &'static str,
    pub item_id: i64,
    pub batch_id: i64,
    pub quantity: i64,
    pub value_pence: i64,
    pub delivery_id: Option<i64>,
    pub visit_id: Option<i64>,
}

pub async fn insert_movements(conn: &mut Conn, movements: &[NewMovement]) -> Result<()> {
    for chunk in movements.chunks(CHUNK) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO stock_movements (at, local_date, kind, item_id, batch_id, quantity, value_pence, delivery_id, visit_id) ",
        );
        q.push_values(chunk, |mut b, m| {
            b.push_bind(m.at)
                .push_bind(m.local_date)
                .push_bind(m.kind)
                .push_bind(m.item_id)
                .push_bind(m.batch_id)
                .push_bind(m.quantity)
                .push_bind(m.value_pence)
                .push_bind(m.delivery_id)
                .push_bind(m.visit_id);
        });
        q.build().execute(conn.sqlite()?).await?;
    }
    Ok(())
}

/// An agency of the directory.
pub struct NewAgency {
    pub id: i64,
    pub name: &'static str,
    pub kind: &'static str,
    pub phone: &'static str,
    pub email: String,
    pub address: String,
    pub opening_hours: String,
    pub how_to_refer: String,
    pub at: DateTime<Utc>,
}

pub async fn insert_agencies(conn: &mut Conn, agencies: &[NewAgency]) -> Result<()> {
    let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
        "INSERT INTO agencies (id, name, kind, phone, email, address, opening_hours, how_to_refer, created_at, updated_at) ",
    );
    q.push_values(agencies, |mut b, a| {
        b.push_bind(a.id)
            .push_bind(a.name)
            .push_bind(a.kind)
            .push_bind(a.phone)
            .push_bind(&a.email)
            .push_bind(&a.address)
            .push_bind(&a.opening_hours)
            .push_bind(&a.how_to_refer)
            .push_bind(a.at)
            .push_bind(a.at);
    });
    q.build().execute(conn.sqlite()?).await?;
    Ok(())
}

/// A referral, made with the member's consent at `made_at`; contacted and closed (outcome
/// code) when and by whom, if they were.
pub struct NewReferral {
    pub reference: String,
    pub household_id: i64,
    pub agency_id: i64,
    pub reason: &'static str,
    pub urgency: &'static str,
    pub made_at: DateTime<Utc>,
    pub made_on: NaiveDate,
    pub made_by: &'static str,
    pub contacted: Option<(DateTime<Utc>, &'static str)>,
    pub outcome: Option<(&'static str, DateTime<Utc>, &'static str)>,
}

pub async fn insert_referrals(conn: &mut Conn, referrals: &[NewReferral]) -> Result<()> {
    for chunk in referrals.chunks(500) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO referrals (reference, household_id, agency_id, reason, urgency, consent_at, \
             made_at, made_on, made_by, contacted_at, contacted_by, outcome, outcome_at, outcome_by) ",
        );
        q.push_values(chunk, |mut b, r| {
            b.push_bind(&r.reference)
                .push_bind(r.household_id)
                .push_bind(r.agency_id)
                .push_bind(r.reason)
                .push_bind(r.urgency)
                .push_bind(r.made_at)
                .push_bind(r.made_at)
                .push_bind(r.made_on)
                .push_bind(r.made_by)
                .push_bind(r.contacted.map(|c| c.0))
                .push_bind(r.contacted.map(|c| c.1))
                .push_bind(r.outcome.map(|o| o.0))
                .push_bind(r.outcome.map(|o| o.1))
                .push_bind(r.outcome.map(|o| o.2));
        });
        q.build().execute(conn.sqlite()?).await?;
    }
    Ok(())
}

/// A membership renewed on `local_date`, with the household as it was then.
pub struct NewRenewal {
    pub household_id: i64,
    pub local_date: NaiveDate,
    pub neighbourhood_id: Option<i64>,
    pub landlord_tenant: bool,
}

pub async fn insert_renewals(conn: &mut Conn, renewals: &[NewRenewal]) -> Result<()> {
    for chunk in renewals.chunks(CHUNK) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO membership_events (household_id, kind, local_date, neighbourhood_id, landlord_tenant) ",
        );
        q.push_values(chunk, |mut b, r| {
            b.push_bind(r.household_id)
                .push_bind("renewed")
                .push_bind(r.local_date)
                .push_bind(r.neighbourhood_id)
                .push_bind(r.landlord_tenant);
        });
        q.build().execute(conn.sqlite()?).await?;
    }
    Ok(())
}
