//! The settings form as typed, and checking it: each mistake is named next to its field.

use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Settings, VisitRule};
use crate::error::{whole_number, Error, FieldError, Result};
use crate::money;

/// The settings form exactly as typed: every field is text, checked and parsed here so
/// that each mistake is reported next to its own field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SettingsForm {
    pub name: String,
    pub short_code: String,
    pub address: String,
    pub landlord_name: String,
    pub time_zone: String,
    /// Pounds, e.g. `3.50`.
    pub weekly_fee: String,
    pub items_per_visit: String,
    pub visits_per_week: String,
    pub membership_weeks: String,
    /// One neighbourhood per line.
    pub neighbourhoods: String,
    /// Postcode districts mapped to neighbourhoods, one per line: `OL1 = Northgate`.
    pub districts: String,
    /// Households with no visit for this many months can be anonymised (retention).
    pub retention_months: String,
    /// `week` (visits per calendar week) or `days` (one visit every N days).
    pub visit_rule: String,
    /// The first day of the pantry's week: `0` Monday … `6` Sunday.
    pub week_start: String,
    pub days_between_visits: String,
    /// Referrals with no outcome after this many days are listed for follow-up.
    pub referral_follow_up_days: String,
}

/// Settings that passed validation, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidSettings {
    pub name: String,
    pub short_code: String,
    pub address: String,
    pub landlord_name: String,
    pub time_zone: Tz,
    pub weekly_fee_pence: u32,
    pub items_per_visit: u32,
    pub visits_per_week: u32,
    pub membership_weeks: u32,
    pub neighbourhoods: Vec<String>,
    /// (district, neighbourhood name as listed)
    pub districts: Vec<(String, String)>,
    pub retention_months: u32,
    pub visit_rule: VisitRule,
    pub week_start: u32,
    pub days_between_visits: u32,
    pub referral_follow_up_days: u32,
}

pub const DEFAULT_TIME_ZONE: &str = "Europe/London";

/// A weekly fee above £100 is surely a typing mistake.
const MAX_WEEKLY_FEE_PENCE: i64 = 10_000;

impl Default for SettingsForm {
    /// What a new pantry sees on the setup screen.
    fn default() -> Self {
        SettingsForm {
            name: String::new(),
            short_code: String::new(),
            address: String::new(),
            landlord_name: String::new(),
            time_zone: DEFAULT_TIME_ZONE.into(),
            weekly_fee: "3.50".into(),
            items_per_visit: "10".into(),
            visits_per_week: "1".into(),
            membership_weeks: "52".into(),
            neighbourhoods: String::new(),
            districts: String::new(),
            retention_months: "24".into(),
            visit_rule: "week".into(),
            week_start: "0".into(),
            days_between_visits: "7".into(),
            referral_follow_up_days: "14".into(),
        }
    }
}

impl From<&Settings> for SettingsForm {
    /// The edit form, filled with what is saved.
    fn from(s: &Settings) -> Self {
        SettingsForm {
            name: s.name.clone(),
            short_code: s.short_code.clone(),
            address: s.address.clone(),
            landlord_name: s.landlord_name.clone(),
            time_zone: s.time_zone.clone(),
            weekly_fee: money::pounds_plain(i64::from(s.weekly_fee_pence)),
            items_per_visit: s.items_per_visit.to_string(),
            visits_per_week: s.visits_per_week.to_string(),
            membership_weeks: s.membership_weeks.to_string(),
            neighbourhoods: s
                .neighbourhoods
                .iter()
                .map(|n| n.name.as_str())
                .collect::<Vec<_>>()
                .join("\n"),
            districts: s
                .districts
                .iter()
                .filter_map(|d| {
                    let name = s
                        .neighbourhoods
                        .iter()
                        .find(|n| n.id == d.neighbourhood_id)?;
                    Some(format!("{} = {}", d.district, name.name))
                })
                .collect::<Vec<_>>()
                .join("\n"),
            retention_months: s.retention_months.to_string(),
            visit_rule: s.visit_rule.code().into(),
            week_start: s.week_start.to_string(),
            days_between_visits: s.days_between_visits.to_string(),
            referral_follow_up_days: s.referral_follow_up_days.to_string(),
        }
    }
}

impl SettingsForm {
    /// Checks every field and reports every mistake at once.
    pub fn validate(&self) -> Result<ValidSettings> {
        let mut errors = crate::text::control_errors(self);
        let name = required_text(&mut errors, "name", &self.name, 80, "the pantry's name");
        let short_code = self.short_code.trim().to_uppercase();
        if short_code.len() < 2
            || short_code.len() > 10
            || !short_code.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            errors.push(FieldError::new(
                "shortCode",
                "Use 2 to 10 letters or digits, with no spaces (for example OLD01).",
            ));
        }
        let address = required_text(
            &mut errors,
            "address",
            &self.address,
            300,
            "the pantry's address",
        );
        let landlord_name = required_text(
            &mut errors,
            "landlordName",
            &self.landlord_name,
            120,
            "the landlord's (housing association's) name",
        );
        let time_zone = self.time_zone.trim().parse::<Tz>().ok();
        if time_zone.is_none() {
            errors.push(FieldError::new(
                "timeZone",
                "Choose a time zone from the list, for example Europe/London.",
            ));
        }
        let weekly_fee_pence = money::parse_pounds(&self.weekly_fee)
            .filter(|p| *p <= MAX_WEEKLY_FEE_PENCE)
            .and_then(|p| u32::try_from(p).ok());
        if weekly_fee_pence.is_none() {
            errors.push(FieldError::new(
                "weeklyFee",
                "Enter the fee in pounds and pence, for example 3.50 (0 for free, at most 100.00).",
            ));
        }
        let items_per_visit = whole_number(
            &mut errors,
            "itemsPerVisit",
            &self.items_per_visit,
            1,
            100,
            "Items per visit",
        );
        let visits_per_week = whole_number(
            &mut errors,
            "visitsPerWeek",
            &self.visits_per_week,
            1,
            7,
            "Visits allowed per week",
        );
        let membership_weeks = whole_number(
            &mut errors,
            "membershipWeeks",
            &self.membership_weeks,
            1,
            520,
            "Membership length",
        );
        let neighbourhoods = neighbourhood_list(&mut errors, &self.neighbourhoods);
        let districts = district_list(&mut errors, &self.districts, &neighbourhoods);
        let retention_months = whole_number(
            &mut errors,
            "retentionMonths",
            &self.retention_months,
            1,
            120,
            "Months without a visit",
        );
        let visit_rule = match self.visit_rule.trim() {
            "week" => Some(VisitRule::Week),
            "days" => Some(VisitRule::Days),
            _ => {
                errors.push(FieldError::new(
                    "visitRule",
                    "Choose how often a household may shop.",
                ));
                None
            }
        };
        let week_start = whole_number(
            &mut errors,
            "weekStart",
            &self.week_start,
            0,
            6,
            "The first day of the week",
        );
        let days_between_visits = whole_number(
            &mut errors,
            "daysBetweenVisits",
            &self.days_between_visits,
            1,
            60,
            "Days between visits",
        );
        let referral_follow_up_days = whole_number(
            &mut errors,
            "referralFollowUpDays",
            &self.referral_follow_up_days,
            0,
            365,
            "Days before a referral is followed up",
        );

        match (
            time_zone,
            weekly_fee_pence,
            items_per_visit,
            visits_per_week,
            membership_weeks,
            retention_months,
        ) {
            (
                Some(time_zone),
                Some(weekly_fee_pence),
                Some(items_per_visit),
                Some(visits_per_week),
                Some(membership_weeks),
                Some(retention_months),
            ) if errors.is_empty() => Ok(ValidSettings {
                visit_rule: visit_rule.unwrap_or(VisitRule::Week),
                week_start: week_start.unwrap_or(0),
                days_between_visits: days_between_visits.unwrap_or(7),
                referral_follow_up_days: referral_follow_up_days.unwrap_or(14),
                name,
                short_code,
                address,
                landlord_name,
                time_zone,
                weekly_fee_pence,
                items_per_visit,
                visits_per_week,
                membership_weeks,
                neighbourhoods,
                districts,
                retention_months,
            }),
            _ => Err(Error::Validation(errors)),
        }
    }
}

fn required_text(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: &str,
    max: usize,
    what: &str,
) -> String {
    let value = value.trim();
    if value.is_empty() {
        errors.push(FieldError::new(field, format!("Enter {what}.")));
    } else if value.chars().count() > max {
        errors.push(FieldError::new(
            field,
            format!("Keep this to {max} characters or fewer."),
        ));
    }
    value.to_owned()
}

fn neighbourhood_list(errors: &mut Vec<FieldError>, text: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if line.chars().count() > 60 {
            errors.push(FieldError::new(
                "neighbourhoods",
                format!("\"{line}\" is too long: keep each name to 60 characters."),
            ));
            return names;
        }
        if names
            .iter()
            .any(|n| n.to_lowercase() == line.to_lowercase())
        {
            errors.push(FieldError::new(
                "neighbourhoods",
                format!("\"{line}\" is listed twice."),
            ));
            return names;
        }
        names.push(line.to_owned());
    }
    if names.is_empty() {
        errors.push(FieldError::new(
            "neighbourhoods",
            "List at least one neighbourhood, one per line (reports to the landlord are by neighbourhood).",
        ));
    } else if names.len() > 200 {
        errors.push(FieldError::new(
            "neighbourhoods",
            "List at most 200 neighbourhoods.",
        ));
    }
    names
}

/// Lines like `OL1 = Northgate` (also `OL1: Northgate` or `OL1 Northgate`).
fn district_list(
    errors: &mut Vec<FieldError>,
    text: &str,
    neighbourhoods: &[String],
) -> Vec<(String, String)> {
    let mut mapped: Vec<(String, String)> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (district, name) = match line.split_once(['=', ':']) {
            Some((d, n)) => (d.trim(), n.trim()),
            None => line
                .split_once(char::is_whitespace)
                .map_or((line, ""), |(d, n)| (d, n.trim())),
        };
        let district = district.to_ascii_uppercase();
        if !crate::postcode::is_district(&district) {
            errors.push(FieldError::new(
                "districts",
                format!("\"{line}\": start each line with a postcode district such as OL1, then = and the neighbourhood."),
            ));
            return mapped;
        }
        let Some(known) = neighbourhoods
            .iter()
            .find(|n| n.to_lowercase() == name.to_lowercase())
        else {
            errors.push(FieldError::new(
                "districts",
                format!("\"{line}\": \"{name}\" is not one of the neighbourhoods listed above."),
            ));
            return mapped;
        };
        if mapped.iter().any(|(d, _)| *d == district) {
            errors.push(FieldError::new(
                "districts",
                format!("{district} is mapped twice."),
            ));
            return mapped;
        }
        mapped.push((district, known.clone()));
    }
    mapped
}
