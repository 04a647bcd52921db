//! The Reports home: visits per week, active members over time, top neighbourhoods,
//! referrals awaiting follow-up, stock expiring soon and low stock.

use chrono::Duration;
use serde::Serialize;
use ts_rs::TS;

use super::{store, LabelCount, WeekCount};
use crate::access::Actor;
use crate::clock::week_start_of;
use crate::db::Db;
use crate::error::Result;
use crate::settings;

/// Weeks shown on the dashboard's charts.
pub const WEEKS: i64 = 12;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Dashboard {
    pub visits_per_week: Vec<WeekCount>,
    /// Households with at least one visit in the four weeks up to the end of each week.
    pub active_members: Vec<WeekCount>,
    /// Households by neighbourhood over the last four weeks (largest first).
    pub top_neighbourhoods: Vec<LabelCount>,
    #[ts(type = "number")]
    pub referrals_due: i64,
    #[ts(type = "number")]
    pub referrals_open: i64,
    /// Items with stock reaching its use-by date soon, and past it.
    #[ts(type = "number")]
    pub use_by_soon: i64,
    #[ts(type = "number")]
    pub past_use_by: i64,
    pub low_stock: Vec<String>,
    /// Today's delivery round and the welfare calls due.
    pub outreach: crate::outreach::OutreachToday,
}

pub async fn dashboard(db: &Db, signed_in: &Actor) -> Result<Dashboard> {
    let settings = settings::require(db).await?;
    let today = settings.date_at(db.now());
    let this_week = week_start_of(today, settings.week_start);
    let first = this_week - Duration::weeks(WEEKS - 1);
    let window_start = first - Duration::weeks(3);
    let mut conn = db.acquire().await?;
    let visits = store::visit_days_since(&mut conn, window_start).await?;
    let weeks: Vec<_> = (0..WEEKS).map(|i| first + Duration::weeks(i)).collect();
    let mut per_week = vec![0i64; weeks.len()];
    let mut seen: Vec<std::collections::HashSet<i64>> = vec![Default::default(); weeks.len()];
    for (day, household) in &visits {
        let week = week_start_of(*day, settings.week_start);
        for (i, w) in weeks.iter().enumerate() {
            if week == *w {
                per_week[i] += 1;
            }
            // Active in week i: a visit in weeks i-3..=i.
            if week <= *w && week > *w - Duration::weeks(4) {
                seen[i].insert(*household);
            }
        }
    }
    let top = store::top_neighbourhoods(&mut conn, today - Duration::weeks(4)).await?;
    drop(conn);
    let open = crate::referrals::open(db, signed_in).await?;
    let stock = crate::stock::overview(db, signed_in).await?;
    let outreach = crate::outreach::today(db).await?;
    Ok(Dashboard {
        visits_per_week: weeks
            .iter()
            .zip(&per_week)
            .map(|(w, n)| WeekCount {
                week_start: *w,
                visits: *n,
            })
            .collect(),
        active_members: weeks
            .iter()
            .zip(&seen)
            .map(|(w, s)| WeekCount {
                week_start: *w,
                visits: s.len() as i64,
            })
            .collect(),
        top_neighbourhoods: top
            .into_iter()
            .map(|(label, count)| LabelCount { label, count })
            .collect(),
        referrals_due: open.iter().filter(|o| o.due).count() as i64,
        referrals_open: open.len() as i64,
        use_by_soon: stock.use_by_soon.len() as i64,
        past_use_by: stock.past_use_by.len() as i64,
        low_stock: stock
            .low_stock
            .iter()
            .take(10)
            .map(|i| i.name.clone())
            .collect(),
        outreach,
    })
}
