//! Landlord reports: the anonymised summary of a period (by neighbourhood and overall), its
//! preview on screen, its exports (CSV, XLSX, PDF with charts, JSON), the export history, the
//! multi-pantry roll-up and the dashboard. Figures come only from what was frozen when things
//! happened (visit snapshots, membership events, ledger movements), so a past period never
//! changes. All their SQL is in `store`.

pub mod dashboard;
pub mod export;
pub mod preview;
pub mod rollup;
mod store;
pub mod suppress;

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::access::{Actor, Operation};
use crate::clock::week_start_of;
use crate::db::Conn;
use crate::db::Db;
use crate::error::{whole_number, Error, FieldError, Result};
use crate::i18n::{Language, LANGUAGES};
use crate::money;
use crate::referrals::{AgencyKind, Outcome};
use crate::settings::{self, Settings};
use crate::stock::deliveries::DeliverySource;
pub use store::{EVENTS_SQL, HOUSEHOLDS_SQL, VISITS_SQL};
use suppress::{Count, Figures};

/// The version of the JSON summary's shape; roll-ups refuse to mix versions. Version 2: every
/// figure is protected by the cell key method (`null` where hidden), and `people` is a measure.
/// Version 3: households by preferred language (a version 2 file has no languages, so a
/// roll-up mixing the two would under-count them).
pub const SCHEMA_VERSION: u32 = 3;

/// A reporting period: whole days, both ends included, in the pantry's time zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Period {
    #[ts(type = "string")]
    pub from: NaiveDate,
    #[ts(type = "string")]
    pub to: NaiveDate,
    pub label: String,
}

impl Period {
    /// Reads `2026-10` (a month), `2026-Q3` (a quarter), `week:2026-11-16` (seven days from
    /// that day) or `2026-10-01..2026-10-31` (custom dates).
    pub fn parse(text: &str) -> Result<Period> {
        let text = text.trim();
        let bad = || {
            Error::invalid(
                "period",
                "Give the period as 2026-10 (a month), 2026-Q3 (a quarter), week:2026-11-16 or 2026-10-01..2026-10-31.",
            )
        };
        let date = |t: &str| NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d").map_err(|_| bad());
        if let Some(day) = text.strip_prefix("week:") {
            let from = date(day)?;
            return Ok(Period {
                from,
                to: from + Duration::days(6),
                label: format!("Week from {}", from.format("%d/%m/%Y")),
            });
        }
        if let Some((a, b)) = text.split_once("..") {
            let (from, to) = (date(a)?, date(b)?);
            if to < from || (to - from).num_days() > 800 {
                return Err(Error::invalid(
                    "period",
                    "The end date must be after the start, within about two years.",
                ));
            }
            return Ok(Period {
                from,
                to,
                label: format!("{} to {}", from.format("%d/%m/%Y"), to.format("%d/%m/%Y")),
            });
        }
        if let Some((y, q)) = text.split_once("-Q").or_else(|| text.split_once("-q")) {
            let year: i32 = y.parse().map_err(|_| bad())?;
            let q: u32 = q
                .parse()
                .ok()
                .filter(|q| (1..=4).contains(q))
                .ok_or_else(bad)?;
            let from = NaiveDate::from_ymd_opt(year, 3 * q - 2, 1).ok_or_else(bad)?;
            let to = month_end(NaiveDate::from_ymd_opt(year, 3 * q, 1).ok_or_else(bad)?);
            return Ok(Period {
                from,
                to,
                label: format!(
                    "Q{q} {year} ({} to {})",
                    from.format("%d/%m/%Y"),
                    to.format("%d/%m/%Y")
                ),
            });
        }
        let from =
            NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d").map_err(|_| bad())?;
        Ok(Period {
            from,
            to: month_end(from),
            label: from.format("%B %Y").to_string(),
        })
    }

    /// A short name for files: `2026-10`, `2026-10-01_2026-12-31`.
    pub fn slug(&self) -> String {
        if self.from.day() == 1 && self.to == month_end(self.from) {
            self.from.format("%Y-%m").to_string()
        } else {
            format!("{}_{}", self.from, self.to)
        }
    }
}

/// A period to choose on the Reports screen, worked out by the library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PeriodOption {
    /// What the choice is, in words: "Last month".
    pub label: String,
    /// The period as `Period::parse` reads it: `2026-10`, `2026-Q3`, `week:2026-11-16`.
    pub period: String,
    /// The dates it covers: "October 2026", "Week from 16/11/2026".
    pub covers: String,
}

/// The periods a manager usually reports on, as of `today` in the pantry's time zone, with
/// weeks starting on the pantry's first day of the week (`week_start`, 0 = Monday).
pub fn period_options(today: NaiveDate, week_start: u32) -> Vec<PeriodOption> {
    let month = |d: NaiveDate| d.format("%Y-%m").to_string();
    let quarter = |d: NaiveDate| format!("{}-Q{}", d.year(), (d.month() - 1) / 3 + 1);
    let first_of_month = today.with_day(1).unwrap_or(today);
    let last_month = first_of_month - Duration::days(1);
    let first_of_quarter =
        NaiveDate::from_ymd_opt(today.year(), (today.month() - 1) / 3 * 3 + 1, 1).unwrap_or(today);
    let last_quarter = first_of_quarter - Duration::days(1);
    let into_week = (today.weekday().num_days_from_monday() + 7 - week_start % 7) % 7;
    let last_week = today - Duration::days(i64::from(into_week) + 7);
    [
        ("Last month", month(last_month)),
        ("This month", month(today)),
        ("Last quarter", quarter(last_quarter)),
        ("This quarter", quarter(today)),
        ("Last week", format!("week:{last_week}")),
    ]
    .into_iter()
    .filter_map(|(label, period)| {
        let covers = Period::parse(&period).ok()?.label;
        Some(PeriodOption {
            label: label.to_owned(),
            period,
            covers,
        })
    })
    .collect()
}

/// The period choices for this pantry today.
pub async fn period_choices(db: &Db, _signed_in: &Actor) -> Result<Vec<PeriodOption>> {
    let settings = settings::require(db).await?;
    Ok(period_options(
        settings.date_at(db.now()),
        settings.week_start,
    ))
}

fn month_end(first: NaiveDate) -> NaiveDate {
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    };
    next.map_or(first, |n| n - Duration::days(1))
}

/// One neighbourhood's published cells, following `Summary::measures`: `None` where hidden.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AreaCells {
    pub neighbourhood: String,
    #[ts(type = "Array<number | null>")]
    pub cells: Vec<Option<i64>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LabelCount {
    pub label: String,
    #[ts(type = "number")]
    pub count: i64,
}

/// A published count of one kind, outcome or week: `None` where hidden.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LabelCell {
    pub label: String,
    #[ts(type = "number | null")]
    pub count: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WeekCell {
    #[ts(type = "string")]
    pub week_start: NaiveDate,
    #[ts(type = "number | null")]
    pub visits: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Received {
    pub source: String,
    #[ts(type = "number")]
    pub units: i64,
    #[ts(type = "number")]
    pub value_pence: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SocialValue {
    pub outcome: String,
    /// The published count of the outcome (as in `referrals_by_outcome`).
    #[ts(type = "number | null")]
    pub count: Option<i64>,
    #[ts(type = "number")]
    pub value_each_pence: i64,
    #[ts(type = "number | null")]
    pub value_pence: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WeekCount {
    #[ts(type = "string")]
    pub week_start: NaiveDate,
    #[ts(type = "number")]
    pub visits: i64,
}

/// The anonymised summary of a period: only published figures, protected by the cell key
/// method (`suppress`); the true figures never leave `summary_with`. Serialised as the
/// versioned JSON the roll-up reads (documented in docs/report-format.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub schema_version: u32,
    pub pantry_code: String,
    pub pantry_name: String,
    pub landlord: String,
    pub period: Period,
    /// Counts from 1 to this less one are hidden.
    #[ts(type = "number")]
    pub small_count: i64,
    /// How the figures are protected, in words (printed in every format).
    pub rule: String,
    /// Measure keys for `overall` and `neighbourhoods[].cells`, in order.
    pub measures: Vec<String>,
    /// The whole pantry's cells (protected on their own: not the sum of the neighbourhoods).
    #[ts(type = "Array<number | null>")]
    pub overall: Vec<Option<i64>>,
    pub neighbourhoods: Vec<AreaCells>,
    /// Households by their preferred language at their latest visit in the period, labelled
    /// with the language's English name: English and every language the pantry offers, then
    /// any other with households, in the pantry's order (protected on their own, like totals).
    pub households_by_language: Vec<LabelCell>,
    pub referrals_by_kind: Vec<LabelCell>,
    pub referrals_by_outcome: Vec<LabelCell>,
    /// Home deliveries and welfare calls (`outreach::SUMMARY_ROWS`); absent from summaries
    /// made before Pantry delivered parcels.
    #[serde(default)]
    pub outreach: Vec<LabelCell>,
    /// Stock delivered, in full: it counts deliveries, not households.
    pub stock_received: Vec<Received>,
    pub visits_per_week: Vec<WeekCell>,
    /// Visits whose items' value was not known and used the average item value instead.
    #[ts(type = "number | null")]
    pub visits_with_estimated_value: Option<i64>,
    #[ts(type = "number")]
    pub average_item_value_pence: i64,
    pub social_value: Vec<SocialValue>,
    /// The head of the audit chain when the summary was made, so the landlord can check the
    /// report against the pantry's audit trail. Not filled in yet (the audit hash chain is
    /// being added separately); absent from the JSON while `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub audit_chain_head: Option<String>,
}

/// Report settings as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReportSettingsForm {
    pub small_count: String,
    pub average_item_value: String,
    /// Social value of each referral outcome in pounds (empty = none).
    pub social_values: Vec<SocialValueForm>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SocialValueForm {
    pub outcome: Outcome,
    pub label: String,
    pub value: String,
}

pub async fn report_settings(db: &Db, _signed_in: &Actor) -> Result<ReportSettingsForm> {
    let mut conn = db.acquire().await?;
    let (small, avg) = store::report_settings(&mut conn)
        .await?
        .ok_or_else(|| Error::not_found("The pantry's settings (finish first-run setup)"))?;
    let values: BTreeMap<String, i64> =
        store::social_values(&mut conn).await?.into_iter().collect();
    Ok(ReportSettingsForm {
        small_count: small.to_string(),
        average_item_value: money::pounds_plain(avg),
        social_values: Outcome::ALL
            .iter()
            .map(|o| SocialValueForm {
                outcome: *o,
                label: o.label().to_owned(),
                value: values
                    .get(o.code())
                    .map(|v| money::pounds_plain(*v))
                    .unwrap_or_default(),
            })
            .collect(),
    })
}

pub async fn save_report_settings(
    db: &Db,
    form: &ReportSettingsForm,
    actor: &Actor,
) -> Result<ReportSettingsForm> {
    actor.require(db, Operation::ChangeReportSettings).await?;
    crate::text::refuse_control(form)?;
    let mut errors = Vec::new();
    let small = whole_number(
        &mut errors,
        "smallCount",
        &form.small_count,
        2,
        20,
        "The small-count threshold",
    );
    let avg = money::parse_pounds(&form.average_item_value);
    if avg.is_none() {
        errors.push(FieldError::new(
            "averageItemValue",
            "Enter the average value of an item in pounds, e.g. 1.00.",
        ));
    }
    let mut values = Vec::new();
    for (i, v) in form.social_values.iter().enumerate() {
        if v.value.trim().is_empty() {
            continue;
        }
        match money::parse_pounds(&v.value) {
            Some(p) => values.push((v.outcome, p)),
            None => errors.push(FieldError::new(
                &format!("socialValues.{i}.value"),
                "Enter a value in pounds, or leave it empty.",
            )),
        }
    }
    let (Some(small), Some(avg)) = (small, avg) else {
        return Err(Error::Validation(errors));
    };
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let mut tx = db.begin_write().await?;
    store::save_report_settings(&mut tx, i64::from(small), avg).await?;
    let codes: Vec<(&str, i64)> = values.iter().map(|(o, v)| (o.code(), *v)).collect();
    store::replace_social_values(&mut tx, &codes).await?;
    crate::audit::record(
        &mut tx,
        db.now(),
        actor.name(),
        "reports.settings",
        None,
        &serde_json::json!({ "smallCount": small, "averageItemValuePence": avg, "socialValues": values.len() }),
    )
    .await?;
    tx.commit().await?;
    report_settings(db, actor).await
}

/// The instants bounding a period in the pantry's time zone: its first moment, and the first
/// moment after it.
fn instant_bounds(settings: &Settings, period: &Period) -> (DateTime<Utc>, DateTime<Utc>) {
    let tz = settings.tz();
    let at = |d: NaiveDate| {
        let midnight = d.and_time(chrono::NaiveTime::MIN);
        tz.from_local_datetime(&midnight)
            .earliest()
            .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc))
    };
    (at(period.from), at(period.to + Duration::days(1)))
}

/// Computes the summary of a period, which must be one the pantry has lived through: a
/// period that ended before its first day on record, or that has not begun, would report
/// noughts as if they were figures.
pub async fn summary(db: &Db, period: &Period, _signed_in: &Actor) -> Result<Summary> {
    let settings = settings::require(db).await?;
    let mut conn = db.acquire().await?;
    refuse_unlived(&mut conn, settings.date_at(db.now()), period).await?;
    summary_with(&mut conn, &settings, period).await
}

async fn refuse_unlived(conn: &mut Conn, today: NaiveDate, period: &Period) -> Result<()> {
    if period.from > today {
        return Err(Error::invalid(
            "period",
            format!(
                "{} has not begun yet (today is {}): choose a period up to today.",
                period.label,
                today.format("%d/%m/%Y")
            ),
        ));
    }
    if let Some(first) = store::first_day(conn)
        .await?
        .filter(|first| period.to < *first)
    {
        return Err(Error::invalid(
            "period",
            format!(
                "{} ended before the pantry's first day on record ({}): there is nothing to report. \
                 Choose a later period.",
                period.label,
                first.format("%d/%m/%Y")
            ),
        ));
    }
    Ok(())
}

async fn summary_with(conn: &mut Conn, settings: &Settings, period: &Period) -> Result<Summary> {
    let (from, to) = (period.from, period.to);
    let (small, avg) = store::report_settings(&mut *conn)
        .await?
        .ok_or_else(|| Error::not_found("The pantry's settings (finish first-run setup)"))?;

    let visit_rows = store::visit_figures(&mut *conn, from, to, avg).await?;
    let household_rows = store::household_figures(&mut *conn, from, to).await?;
    let event_rows = store::event_figures(&mut *conn, from, to).await?;

    let mut groups: BTreeMap<Option<i64>, Figures> = BTreeMap::new();
    let mut estimated = Count::default();
    let mut per_day: BTreeMap<NaiveDate, Count> = BTreeMap::new();
    for v in visit_rows {
        let visits = Count::new(v.visits, v.key);
        let g = groups.entry(v.neighbourhood).or_default();
        g.visits = g.visits + visits;
        g.items += v.items;
        g.fees_pence += v.fees;
        g.savings_pence += v.value - v.fees;
        estimated = estimated + Count::new(v.estimated, v.estimated_key);
        let day = per_day.entry(v.day).or_default();
        *day = *day + visits;
    }
    // One row per neighbourhood and language: each household is in exactly one.
    let mut by_language: BTreeMap<String, Count> = BTreeMap::new();
    for h in household_rows {
        let households = Count::new(h.households, h.key);
        let g = groups.entry(h.neighbourhood).or_default();
        g.households = g.households + households;
        g.adults += h.adults;
        g.children += h.children;
        g.tenant_households = g.tenant_households + Count::new(h.tenants, h.tenants_key);
        g.other_households =
            g.other_households + Count::new(h.households - h.tenants, h.key - h.tenants_key);
        let l = by_language.entry(h.language).or_default();
        *l = *l + households;
    }
    for e in event_rows {
        let g = groups.entry(e.neighbourhood).or_default();
        g.new_members = Count::new(e.joined, e.joined_key);
        g.renewals = Count::new(e.renewed, e.renewed_key);
    }
    let overall = groups.values().fold(Figures::default(), |a, g| a.add(g));

    // Neighbourhoods in the pantry's order (inactive ones only when they have figures).
    let names = store::neighbourhoods(&mut *conn).await?;
    let mut rows: Vec<(String, Figures)> = names
        .iter()
        .filter(|(id, _, active)| *active || groups.contains_key(&Some(*id)))
        .map(|(id, name, _)| {
            (
                name.clone(),
                groups.get(&Some(*id)).copied().unwrap_or_default(),
            )
        })
        .collect();
    if let Some(none) = groups.get(&None) {
        rows.push(("No neighbourhood recorded".into(), *none));
    }
    let neighbourhoods = rows
        .into_iter()
        .map(|(neighbourhood, f)| AreaCells {
            neighbourhood,
            cells: suppress::publish_figures(&f, small),
        })
        .collect();

    let (offered, _) = crate::i18n::switched_on_with(&mut *conn).await?;
    let households_by_language = language_rows(&offered, &by_language)
        .into_iter()
        .map(|(label, count)| LabelCell {
            label,
            count: suppress::publish(count, small),
        })
        .collect();

    let (from_at, to_at) = instant_bounds(settings, period);
    let counts = |rows: Vec<(String, i64, i64)>| -> BTreeMap<String, Count> {
        rows.into_iter()
            .map(|(code, n, key)| (code, Count::new(n, key)))
            .collect()
    };
    let by_kind = counts(store::referrals_by_kind(&mut *conn, from, to).await?);
    let by_outcome = counts(store::referral_outcomes(&mut *conn, from_at, to_at).await?);
    let outreach = counts(store::outreach_figures(&mut *conn, from, to).await?);
    let published = |counts: &BTreeMap<String, Count>, code: &str| {
        suppress::publish(counts.get(code).copied().unwrap_or_default(), small)
    };
    let values: BTreeMap<String, i64> = store::social_values(&mut *conn)
        .await?
        .into_iter()
        .collect();
    let received: BTreeMap<String, (i64, i64)> = store::stock_received(&mut *conn, from, to)
        .await?
        .into_iter()
        .map(|(s, u, v)| (s, (u, v)))
        .collect();
    let mut weeks: BTreeMap<NaiveDate, Count> = BTreeMap::new();
    let mut week = week_start_of(period.from, settings.week_start);
    while week <= period.to {
        weeks.insert(week, Count::default());
        week += Duration::weeks(1);
    }
    for (day, visits) in per_day {
        let w = weeks
            .entry(week_start_of(day, settings.week_start))
            .or_default();
        *w = *w + visits;
    }

    Ok(Summary {
        schema_version: SCHEMA_VERSION,
        pantry_code: settings.short_code.clone(),
        pantry_name: settings.name.clone(),
        landlord: settings.landlord_name.clone(),
        period: period.clone(),
        small_count: small,
        rule: suppress::rule_text(small),
        measures: suppress::MEASURES.iter().map(|m| m.0.to_owned()).collect(),
        overall: suppress::publish_figures(&overall, small),
        neighbourhoods,
        households_by_language,
        referrals_by_kind: AgencyKind::ALL
            .iter()
            .map(|k| LabelCell {
                label: k.label().to_owned(),
                count: published(&by_kind, k.code()),
            })
            .collect(),
        referrals_by_outcome: Outcome::ALL
            .iter()
            .map(|o| LabelCell {
                label: o.label().to_owned(),
                count: published(&by_outcome, o.code()),
            })
            .collect(),
        outreach: crate::outreach::SUMMARY_ROWS
            .iter()
            .map(|(code, label)| LabelCell {
                label: (*label).to_owned(),
                count: published(&outreach, code),
            })
            .collect(),
        stock_received: DeliverySource::ALL
            .iter()
            .map(|s| {
                let (units, value_pence) = received.get(s.code()).copied().unwrap_or((0, 0));
                Received {
                    source: s.label().to_owned(),
                    units,
                    value_pence,
                }
            })
            .collect(),
        visits_per_week: weeks
            .into_iter()
            .map(|(week_start, visits)| WeekCell {
                week_start,
                visits: suppress::publish(visits, small),
            })
            .collect(),
        visits_with_estimated_value: suppress::publish(estimated, small),
        average_item_value_pence: avg,
        social_value: Outcome::ALL
            .iter()
            .filter_map(|o| {
                let each = *values.get(o.code())?;
                let count = published(&by_outcome, o.code());
                Some(SocialValue {
                    outcome: o.label().to_owned(),
                    count,
                    value_each_pence: each,
                    value_pence: count.map(|n| n.saturating_mul(each)),
                })
            })
            .collect(),
        audit_chain_head: None,
    })
}

/// The languages a summary lists, by English name, with their households: English and every
/// language the pantry offers (`offered`), and any other with households in the period (one
/// switched off since, or a code Pantry does not ship), in Pantry's order, unknown codes last.
fn language_rows(
    offered: &[&'static Language],
    households: &BTreeMap<String, Count>,
) -> Vec<(String, Count)> {
    let count = |code: &str| households.get(code).copied().unwrap_or_default();
    let shipped = LANGUAGES
        .iter()
        .filter(|l| offered.contains(l) || households.contains_key(l.code))
        .map(|l| (l.english_name.to_owned(), count(l.code)));
    let unknown = households
        .iter()
        .filter(|(code, _)| crate::i18n::language(code).is_none())
        .map(|(code, c)| (code.clone(), *c));
    shipped.chain(unknown).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn periods_are_read_in_every_form() {
        let p = Period::parse("2026-10").unwrap();
        assert_eq!(
            (p.from, p.to, p.label.as_str()),
            (d(2026, 10, 1), d(2026, 10, 31), "October 2026")
        );
        let p = Period::parse("2026-Q4").unwrap();
        assert_eq!((p.from, p.to), (d(2026, 10, 1), d(2026, 12, 31)));
        let p = Period::parse("2024-02").unwrap();
        assert_eq!(p.to, d(2024, 2, 29));
        let p = Period::parse("week:2026-11-16").unwrap();
        assert_eq!(p.to, d(2026, 11, 22));
        let p = Period::parse("2026-10-05..2026-11-04").unwrap();
        assert_eq!(
            (p.from, p.to, p.slug().as_str()),
            (d(2026, 10, 5), d(2026, 11, 4), "2026-10-05_2026-11-04")
        );
        assert_eq!(Period::parse("2026-10").unwrap().slug(), "2026-10");
        assert!(Period::parse("October").is_err());
        assert!(Period::parse("2026-Q5").is_err());
        assert!(Period::parse("2026-11-04..2026-10-05").is_err());
    }

    #[test]
    fn languages_are_listed_in_pantrys_order_english_first() {
        let lang = |c| crate::i18n::language(c).unwrap();
        let households: BTreeMap<String, Count> = [("pl", 3, 7), ("xx", 1, 2), ("en", 9, 40)]
            .into_iter()
            .map(|(c, n, k)| (c.to_owned(), Count::new(n, k)))
            .collect();
        let rows = language_rows(&[lang("en"), lang("so"), lang("ar")], &households);
        let labels: Vec<(&str, i64)> = rows.iter().map(|(l, c)| (l.as_str(), c.value)).collect();
        // Polish is no longer offered but has households; "xx" is not a language Pantry ships.
        assert_eq!(
            labels,
            [
                ("English", 9),
                ("Arabic", 0),
                ("Polish", 3),
                ("Somali", 0),
                ("xx", 1)
            ]
        );
        assert_eq!(rows[2].1, Count::new(3, 7));
    }

    #[test]
    fn period_choices_cross_the_year_and_follow_the_pantrys_week() {
        // Wednesday 14 January 2026.
        let periods = |week_start| -> Vec<String> {
            period_options(d(2026, 1, 14), week_start)
                .into_iter()
                .map(|o| o.period)
                .collect()
        };
        assert_eq!(
            periods(0),
            [
                "2025-12",
                "2026-01",
                "2025-Q4",
                "2026-Q1",
                "week:2026-01-05"
            ]
        );
        // A pantry whose week starts on Sunday (6): last week began on Sunday 4 January.
        assert_eq!(periods(6)[4], "week:2026-01-04");
        // On the first day of its week, last week is the seven days before.
        assert_eq!(
            period_options(d(2026, 1, 12), 0)[4].period,
            "week:2026-01-05"
        );
        assert_eq!(period_options(d(2026, 1, 14), 0)[0].covers, "December 2025");
    }
}
