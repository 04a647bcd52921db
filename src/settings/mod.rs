//! The pantry's own settings: who it is, its rules for visits and membership, and its
//! neighbourhoods. Set at first run, editable later; every save is audited. All SQL is in
//! `store`.

mod form;
mod store;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use ts_rs::TS;

use crate::access::{Actor, Operation};
use crate::audit;
use crate::db::Conn;
use crate::db::Db;
use crate::error::{Error, Result};
pub use form::{SettingsForm, ValidSettings, DEFAULT_TIME_ZONE};
pub use store::LOAD_SQL;

/// The pantry's saved settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    pub name: String,
    pub short_code: String,
    pub address: String,
    pub landlord_name: String,
    pub time_zone: String,
    pub weekly_fee_pence: u32,
    pub items_per_visit: u32,
    pub visits_per_week: u32,
    pub membership_weeks: u32,
    /// Active neighbourhoods, in the pantry's order.
    pub neighbourhoods: Vec<Neighbourhood>,
    /// Postcode districts mapped to neighbourhoods, by district.
    pub districts: Vec<DistrictMapping>,
    pub retention_months: u32,
    pub visit_rule: VisitRule,
    /// 0 = Monday … 6 = Sunday.
    pub week_start: u32,
    pub days_between_visits: u32,
    pub referral_follow_up_days: u32,
    pub updated_at: String,
    /// `time_zone`, checked when the settings were loaded.
    #[serde(skip)]
    #[ts(skip)]
    pub(crate) tz: Tz,
}

/// How often a household may shop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum VisitRule {
    /// `visits_per_week` visits in each calendar week (starting on `week_start`).
    Week,
    /// One visit every `days_between_visits` days.
    Days,
}

impl VisitRule {
    fn code(self) -> &'static str {
        match self {
            VisitRule::Week => "week",
            VisitRule::Days => "days",
        }
    }

    fn from_code(code: &str) -> Option<VisitRule> {
        [VisitRule::Week, VisitRule::Days]
            .into_iter()
            .find(|r| r.code() == code)
    }
}

impl Settings {
    /// The pantry's time zone.
    pub fn tz(&self) -> Tz {
        self.tz
    }

    /// The pantry's date at `now` (from `Db::now`).
    pub fn date_at(&self, now: DateTime<Utc>) -> chrono::NaiveDate {
        crate::clock::local_date_of(now, self.tz)
    }

    pub fn neighbourhood_name(&self, id: i64) -> Option<&str> {
        self.neighbourhoods
            .iter()
            .find(|n| n.id == id)
            .map(|n| n.name.as_str())
    }
}

#[cfg(test)]
impl Settings {
    /// A pantry's settings for unit tests: weekly visits, Monday weeks, £3.50, 10 items.
    pub(crate) fn sample() -> Settings {
        Settings {
            name: "P".into(),
            short_code: "PP".into(),
            address: "A".into(),
            landlord_name: "L".into(),
            time_zone: DEFAULT_TIME_ZONE.into(),
            tz: chrono_tz::Europe::London,
            weekly_fee_pence: 350,
            items_per_visit: 10,
            visits_per_week: 1,
            membership_weeks: 52,
            neighbourhoods: Vec::new(),
            districts: Vec::new(),
            retention_months: 24,
            visit_rule: VisitRule::Week,
            week_start: 0,
            days_between_visits: 7,
            referral_follow_up_days: 14,
            updated_at: String::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, FromRow)]
#[serde(rename_all = "camelCase")]
pub struct DistrictMapping {
    pub district: String,
    #[ts(type = "number")]
    pub neighbourhood_id: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, FromRow)]
#[serde(rename_all = "camelCase")]
pub struct Neighbourhood {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
}

/// Every time zone a pantry can choose, by IANA name.
pub fn time_zones() -> Vec<String> {
    chrono_tz::TZ_VARIANTS
        .iter()
        .map(|tz| tz.name().to_owned())
        .collect()
}

/// The saved settings, or `None` before first-run setup.
pub async fn load(db: &Db) -> Result<Option<Settings>> {
    let mut conn = db.acquire().await?;
    load_with(&mut conn).await
}

/// The settings form: what is saved, or the defaults a new pantry starts from.
pub async fn form(db: &Db) -> Result<SettingsForm> {
    Ok(load(db)
        .await?
        .map_or_else(SettingsForm::default, |s| SettingsForm::from(&s)))
}

/// The saved settings, or `NotFound` with a message that points at setup.
pub async fn require(db: &Db) -> Result<Settings> {
    load(db)
        .await?
        .ok_or_else(|| Error::not_found("The pantry's settings (finish first-run setup)"))
}

/// Minutes of inactivity after which the app locks.
pub async fn idle_lock_minutes(db: &Db) -> Result<i64> {
    Ok(store::idle_lock_minutes(&mut db.acquire().await?)
        .await?
        .unwrap_or(10))
}

/// Sets how many idle minutes lock the app (admins only); it applies from the next sign-in.
pub async fn save_idle_lock_minutes(db: &Db, actor: &Actor, minutes: &str) -> Result<i64> {
    actor.require(db, Operation::ChangeSettings).await?;
    let mut errors = Vec::new();
    let minutes = crate::error::whole_number(
        &mut errors,
        "idleLockMinutes",
        minutes,
        1,
        240,
        "Minutes before locking",
    )
    .ok_or(Error::Validation(errors))?;
    let mut tx = db.begin_write().await?;
    store::set_idle_lock_minutes(&mut tx, i64::from(minutes)).await?;
    audit::record(
        &mut tx,
        db.now(),
        actor.name(),
        "volunteers.idle-lock",
        None,
        &serde_json::json!({ "minutes": minutes }),
    )
    .await?;
    tx.commit().await?;
    Ok(i64::from(minutes))
}

/// Saves the backup folder and how many backups are kept, inside the caller's transaction
/// (`backups::save_settings` checks them first).
pub(crate) async fn save_backup_settings(conn: &mut Conn, folder: &str, kept: u32) -> Result<()> {
    store::save_backup_settings(conn, folder, i64::from(kept)).await
}

/// Where backups go: the folder setting as saved (empty for the default), the folder it
/// means (the default is `backups` beside the database), and how many backups are kept.
pub(crate) async fn backup_folder(db: &Db) -> Result<(String, std::path::PathBuf, i64)> {
    let mut conn = db.acquire().await?;
    let (setting, kept) = store::backup_settings(&mut conn)
        .await?
        .unwrap_or((String::new(), 14));
    let dir = if setting.trim().is_empty() {
        db.folder("backups")
    } else {
        std::path::PathBuf::from(setting.trim())
    };
    Ok((setting, dir, kept))
}

pub(crate) async fn load_with(conn: &mut Conn) -> Result<Option<Settings>> {
    let Some(row) = store::load(&mut *conn).await? else {
        return Ok(None);
    };
    let neighbourhoods = store::active_neighbourhoods(&mut *conn).await?;
    let districts = store::districts(&mut *conn).await?;
    // The table's CHECK constraints keep these small and non-negative.
    let small = |n: i64| u32::try_from(n).unwrap_or_default();
    // Checked when saved; anything else was written by another tool, and is named.
    let tz = row.time_zone.parse::<Tz>().map_err(|_| {
        Error::Conflict(format!(
            "The pantry's saved time zone \"{}\" is not one Pantry knows; nothing was done.",
            row.time_zone
        ))
    })?;
    let visit_rule = VisitRule::from_code(&row.visit_rule).ok_or_else(|| {
        Error::Conflict(format!(
            "The pantry's saved visit rule \"{}\" is not one Pantry knows; nothing was done.",
            row.visit_rule
        ))
    })?;
    Ok(Some(Settings {
        tz,
        name: row.name,
        short_code: row.short_code,
        address: row.address,
        landlord_name: row.landlord_name,
        time_zone: row.time_zone,
        weekly_fee_pence: small(row.weekly_fee_pence),
        items_per_visit: small(row.items_per_visit),
        visits_per_week: small(row.visits_per_week),
        membership_weeks: small(row.membership_weeks),
        neighbourhoods,
        districts,
        retention_months: small(row.retention_months),
        visit_rule,
        week_start: small(row.week_start),
        days_between_visits: small(row.days_between_visits),
        referral_follow_up_days: small(row.referral_follow_up_days),
        updated_at: row.updated_at.to_rfc3339(),
    }))
}

/// Validates and saves the settings in one transaction, recording before → after in the
/// audit trail. Neighbourhoods no longer listed become inactive (past visits keep them).
pub async fn save(db: &Db, form: &SettingsForm, actor: &Actor) -> Result<Settings> {
    // At first run there is no admin yet: whoever sets the pantry up becomes its first admin.
    if load(db).await?.is_some() {
        actor.require(db, Operation::ChangeSettings).await?;
    }
    let valid = form.validate()?;
    let mut tx = db.begin_write().await?;
    let after = save_with(&mut tx, db.now(), &valid, actor.name()).await?;
    tx.commit().await?;
    Ok(after)
}

/// Saves checked settings inside the caller's transaction, with the audit entry.
pub(crate) async fn save_with(
    tx: &mut Conn,
    at: DateTime<Utc>,
    valid: &ValidSettings,
    actor: &str,
) -> Result<Settings> {
    let before = load_with(&mut *tx).await?;
    store::upsert(&mut *tx, at, valid).await?;
    store::set_neighbourhoods(&mut *tx, &valid.neighbourhoods).await?;
    store::set_districts(&mut *tx, &valid.districts).await?;
    let after = load_with(&mut *tx)
        .await?
        .ok_or_else(|| Error::Conflict("The settings vanished while being saved.".into()))?;
    let action = if before.is_some() {
        "settings.updated"
    } else {
        "settings.created"
    };
    audit::record(
        &mut *tx,
        at,
        actor,
        action,
        None,
        &serde_json::json!({ "before": before, "after": after }),
    )
    .await?;
    Ok(after)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn good_form() -> SettingsForm {
        SettingsForm {
            name: "Hillside Pantry".into(),
            short_code: "hill1".into(),
            address: "1 Chapel Street".into(),
            landlord_name: "Northern Homes".into(),
            neighbourhoods: "Hillside\n\n  Brookfield \n".into(),
            districts: "ol1 = hillside\nOL2: Brookfield\nOL4 Brookfield".into(),
            ..SettingsForm::default()
        }
    }

    #[test]
    fn a_good_form_is_parsed_and_normalised() {
        let v = good_form().validate().unwrap();
        assert_eq!(v.short_code, "HILL1");
        assert_eq!(v.weekly_fee_pence, 350);
        assert_eq!(v.time_zone, chrono_tz::Europe::London);
        assert_eq!(v.neighbourhoods, vec!["Hillside", "Brookfield"]);
        assert_eq!(
            v.districts,
            [
                ("OL1", "Hillside"),
                ("OL2", "Brookfield"),
                ("OL4", "Brookfield")
            ]
            .map(|(d, n)| (d.to_owned(), n.to_owned()))
        );
        assert_eq!(v.retention_months, 24);
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let form = SettingsForm {
            name: " ".into(),
            short_code: "a b".into(),
            address: String::new(),
            landlord_name: String::new(),
            time_zone: "Mars/Olympus".into(),
            weekly_fee: "3.505".into(),
            items_per_visit: "0".into(),
            visits_per_week: "8".into(),
            membership_weeks: "ten".into(),
            neighbourhoods: "A\na".into(),
            districts: "XYZ = A".into(),
            retention_months: "0".into(),
            visit_rule: "fortnightly".into(),
            week_start: "7".into(),
            days_between_visits: "0".into(),
            referral_follow_up_days: "-1".into(),
        };
        let Err(Error::Validation(errors)) = form.validate() else {
            panic!("expected validation errors");
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "name",
                "shortCode",
                "address",
                "landlordName",
                "timeZone",
                "weeklyFee",
                "itemsPerVisit",
                "visitsPerWeek",
                "membershipWeeks",
                "neighbourhoods",
                "districts",
                "retentionMonths",
                "visitRule",
                "weekStart",
                "daysBetweenVisits",
                "referralFollowUpDays"
            ]
        );
    }

    #[test]
    fn saved_settings_fill_the_edit_form() {
        let settings = Settings {
            name: "P".into(),
            short_code: "PP".into(),
            address: "A".into(),
            landlord_name: "L".into(),
            time_zone: "Europe/London".into(),
            tz: chrono_tz::Europe::London,
            weekly_fee_pence: 405,
            items_per_visit: 12,
            visits_per_week: 1,
            membership_weeks: 26,
            neighbourhoods: vec![
                Neighbourhood {
                    id: 1,
                    name: "North".into(),
                },
                Neighbourhood {
                    id: 2,
                    name: "South".into(),
                },
            ],
            districts: vec![DistrictMapping {
                district: "OL1".into(),
                neighbourhood_id: 2,
            }],
            retention_months: 18,
            visit_rule: VisitRule::Days,
            week_start: 6,
            days_between_visits: 6,
            referral_follow_up_days: 10,
            updated_at: String::new(),
        };
        let form = SettingsForm::from(&settings);
        assert_eq!(form.weekly_fee, "4.05");
        assert_eq!(form.neighbourhoods, "North\nSouth");
        assert_eq!(form.districts, "OL1 = South");
        assert_eq!(form.retention_months, "18");
    }

    #[test]
    fn london_is_among_the_time_zones() {
        assert!(time_zones().iter().any(|z| z == "Europe/London"));
    }
}
