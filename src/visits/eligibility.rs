//! Whether a household may shop today: every reason that applies, in the pantry's calendar.

use chrono::{Duration, NaiveDate};
use serde::Serialize;
use ts_rs::TS;

use crate::clock::{short_day, uk, week_start_of};
use crate::households::Status;
use crate::settings::{Settings, VisitRule};

/// Why a household cannot shop today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ReasonCode {
    Expired,
    Paused,
    Left,
    CardRevoked,
    VisitLimit,
    NoConsent,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Reason {
    pub code: ReasonCode,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    pub eligible: bool,
    /// Every reason that applies, when not eligible.
    pub reasons: Vec<Reason>,
    /// Visits counted against the limit, and the period they are counted in.
    pub visits_this_period: u32,
    pub period: String,
}

/// What eligibility is decided from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts<'a> {
    pub status: Status,
    pub erased: bool,
    pub expires_on: NaiveDate,
    pub has_consent: bool,
    /// The scanned card, when it was replaced: (when and why, the current card).
    pub revoked_card: Option<(String, Option<String>)>,
    /// Local dates of the household's visits that count (not voided), any order.
    pub visit_dates: &'a [NaiveDate],
    /// When (and at which desk) the last visit was, if it was today: "10:02 at Desk 2".
    pub today_at: Option<&'a str>,
}

/// Decides whether a household may shop on `today`, giving every reason that applies.
pub fn eligibility(settings: &Settings, facts: &Facts<'_>, today: NaiveDate) -> Verdict {
    let mut reasons = Vec::new();
    let mut reason = |code, message: String| reasons.push(Reason { code, message });
    match (facts.erased, facts.status) {
        (true, _) | (false, Status::Left) => reason(
            ReasonCode::Left,
            "This membership has ended (the household left).".into(),
        ),
        (false, Status::Paused) => reason(ReasonCode::Paused, "This membership is paused.".into()),
        (false, Status::Active) => {}
    }
    if facts.expires_on < today {
        reason(
            ReasonCode::Expired,
            format!(
                "Membership expired on {}: renew it to shop.",
                uk(facts.expires_on)
            ),
        );
    }
    if let Some((when, current)) = &facts.revoked_card {
        let current = current
            .as_deref()
            .map_or(String::new(), |c| format!(" The current card is {c}."));
        reason(
            ReasonCode::CardRevoked,
            format!("This card was replaced on {when} and no longer works.{current}"),
        );
    }
    if !facts.has_consent {
        reason(
            ReasonCode::NoConsent,
            "No consent is recorded: ask the member and record it before they shop.".into(),
        );
    }
    let (visits_this_period, period) = match settings.visit_rule {
        VisitRule::Week => {
            let start = week_start_of(today, settings.week_start);
            let end = start + Duration::days(6);
            let mut this_week: Vec<NaiveDate> = facts
                .visit_dates
                .iter()
                .copied()
                .filter(|d| (start..=end).contains(d))
                .collect();
            this_week.sort();
            let n = u32::try_from(this_week.len()).unwrap_or(u32::MAX);
            if n >= settings.visits_per_week {
                let days = this_week
                    .iter()
                    .map(|d| short_day(*d))
                    .collect::<Vec<_>>()
                    .join(", ");
                let when = match facts.today_at {
                    Some(at) => format!("today at {at}"),
                    None => format!("on {days}"),
                };
                let message = if settings.visits_per_week == 1 {
                    format!(
                        "Already visited this week ({when}). Next visit from {}.",
                        short_day(end + Duration::days(1))
                    )
                } else {
                    format!(
                        "Visit limit reached: {n} visits this week ({days}). Next visit from {}.",
                        short_day(end + Duration::days(1))
                    )
                };
                reason(ReasonCode::VisitLimit, message);
            }
            (
                n,
                format!("this week ({} – {})", short_day(start), short_day(end)),
            )
        }
        VisitRule::Days => {
            let gap = i64::from(settings.days_between_visits);
            let since = today - Duration::days(gap - 1);
            let n = facts
                .visit_dates
                .iter()
                .filter(|d| **d >= since && **d <= today)
                .count();
            if let Some(last) = facts.visit_dates.iter().filter(|d| **d <= today).max() {
                let next = *last + Duration::days(gap);
                if next > today {
                    reason(
                        ReasonCode::VisitLimit,
                        format!("Last visit was on {}: one visit every {gap} days, so the next is from {}.", short_day(*last), short_day(next)),
                    );
                }
            }
            (
                u32::try_from(n).unwrap_or(u32::MAX),
                format!("the last {gap} days"),
            )
        }
    };
    Verdict {
        eligible: reasons.is_empty(),
        reasons,
        visits_this_period,
        period,
    }
}

/// How far back visits matter for today's verdict.
pub(super) fn window_start(settings: &Settings, today: NaiveDate) -> NaiveDate {
    match settings.visit_rule {
        VisitRule::Week => week_start_of(today, settings.week_start),
        VisitRule::Days => today - Duration::days(i64::from(settings.days_between_visits)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::local_date_of;
    use chrono::{TimeZone, Utc};

    fn settings(rule: VisitRule, per_week: u32, week_start: u32, days: u32) -> Settings {
        Settings {
            visit_rule: rule,
            visits_per_week: per_week,
            week_start,
            days_between_visits: days,
            ..Settings::sample()
        }
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn facts(visits: &[NaiveDate]) -> Facts<'_> {
        Facts {
            status: Status::Active,
            erased: false,
            expires_on: d(2027, 1, 1),
            has_consent: true,
            revoked_card: None,
            visit_dates: visits,
            today_at: None,
        }
    }

    #[test]
    fn a_visit_today_is_told_with_its_time_and_desk() {
        let s = settings(VisitRule::Week, 1, 1, 7);
        let visited = [d(2026, 11, 24)];
        let f = Facts {
            today_at: Some("10:02 at Desk 2"),
            ..facts(&visited)
        };
        let v = eligibility(&s, &f, d(2026, 11, 24));
        assert_eq!(
            v.reasons[0].message,
            "Already visited this week (today at 10:02 at Desk 2). Next visit from Tue 01/12."
        );
    }

    fn codes(v: &Verdict) -> Vec<ReasonCode> {
        v.reasons.iter().map(|r| r.code).collect()
    }

    #[test]
    fn one_visit_per_calendar_week_starting_monday() {
        let s = settings(VisitRule::Week, 1, 0, 7);
        // Tuesday 24 November 2026; visited on Monday 23rd.
        let visited = [d(2026, 11, 23)];
        let v = eligibility(&s, &facts(&visited), d(2026, 11, 24));
        assert!(!v.eligible);
        assert_eq!(codes(&v), [ReasonCode::VisitLimit]);
        assert!(
            v.reasons[0].message.contains("Mon 23/11"),
            "{}",
            v.reasons[0].message
        );
        assert!(v.reasons[0].message.contains("Mon 30/11"));
        // The Sunday before belongs to the previous week.
        assert!(eligibility(&s, &facts(&[d(2026, 11, 22)]), d(2026, 11, 24)).eligible);
        // Next Monday is a new week.
        assert!(eligibility(&s, &facts(&visited), d(2026, 11, 30)).eligible);
    }

    #[test]
    fn the_week_can_start_on_another_day() {
        // Weeks start on Saturday (5): a visit on Friday 27th and one on Saturday 28th
        // fall in different weeks.
        let s = settings(VisitRule::Week, 1, 5, 7);
        assert_eq!(week_start_of(d(2026, 11, 27), 5), d(2026, 11, 21));
        assert_eq!(week_start_of(d(2026, 11, 28), 5), d(2026, 11, 28));
        assert!(eligibility(&s, &facts(&[d(2026, 11, 27)]), d(2026, 11, 28)).eligible);
        assert!(!eligibility(&s, &facts(&[d(2026, 11, 28)]), d(2026, 12, 4)).eligible);
    }

    #[test]
    fn two_visits_a_week_allows_a_second() {
        let s = settings(VisitRule::Week, 2, 0, 7);
        let one = [d(2026, 11, 23)];
        let v = eligibility(&s, &facts(&one), d(2026, 11, 26));
        assert!(v.eligible);
        assert_eq!(v.visits_this_period, 1);
        let two = [d(2026, 11, 23), d(2026, 11, 24)];
        assert!(!eligibility(&s, &facts(&two), d(2026, 11, 26)).eligible);
    }

    #[test]
    fn one_visit_every_n_days() {
        let s = settings(VisitRule::Days, 1, 0, 7);
        let visited = [d(2026, 11, 20)];
        let v = eligibility(&s, &facts(&visited), d(2026, 11, 26));
        assert_eq!(codes(&v), [ReasonCode::VisitLimit]);
        assert!(
            v.reasons[0].message.contains("Fri 27/11"),
            "{}",
            v.reasons[0].message
        );
        assert!(eligibility(&s, &facts(&visited), d(2026, 11, 27)).eligible);
    }

    #[test]
    fn every_reason_that_applies_is_given() {
        let s = settings(VisitRule::Week, 1, 0, 7);
        let visited = [d(2026, 11, 23)];
        let f = Facts {
            status: Status::Paused,
            erased: false,
            expires_on: d(2026, 11, 1),
            has_consent: false,
            revoked_card: Some(("2026-11-20 (Lost)".into(), Some("0000001025".into()))),
            visit_dates: &visited,
            today_at: None,
        };
        let v = eligibility(&s, &f, d(2026, 11, 24));
        assert_eq!(
            codes(&v),
            [
                ReasonCode::Paused,
                ReasonCode::Expired,
                ReasonCode::CardRevoked,
                ReasonCode::NoConsent,
                ReasonCode::VisitLimit
            ]
        );
        assert!(v.reasons[1].message.contains("01/11/2026"));
        assert!(v.reasons[2].message.contains("0000001025"));
        let left = Facts {
            status: Status::Left,
            ..facts(&[])
        };
        assert_eq!(
            codes(&eligibility(&s, &left, d(2026, 11, 24))),
            [ReasonCode::Left]
        );
        let expires_today = Facts {
            expires_on: d(2026, 11, 24),
            ..facts(&[])
        };
        assert!(
            eligibility(&s, &expires_today, d(2026, 11, 24)).eligible,
            "valid through its last day"
        );
    }

    #[test]
    fn local_dates_follow_the_pantry_clock_across_summer_time() {
        let london = chrono_tz::Europe::London;
        // 23:30 on Sunday 25 October 2026 (GMT again, clocks went back at 02:00): Sunday.
        let late_sunday = Utc.with_ymd_and_hms(2026, 10, 25, 23, 30, 0).unwrap();
        assert_eq!(local_date_of(late_sunday, london), d(2026, 10, 25));
        // 23:30 UTC on Saturday 24 October is 00:30 BST on Sunday 25 October.
        let after_midnight_bst = Utc.with_ymd_and_hms(2026, 10, 24, 23, 30, 0).unwrap();
        assert_eq!(local_date_of(after_midnight_bst, london), d(2026, 10, 25));
        // 23:30 BST on Sunday 29 March 2026 (clocks went forward at 01:00) is 22:30 UTC: Sunday.
        let sunday_bst = Utc.with_ymd_and_hms(2026, 3, 29, 22, 30, 0).unwrap();
        assert_eq!(local_date_of(sunday_bst, london), d(2026, 3, 29));
        // 00:30 GMT on Sunday 29 March, before the change: still Sunday.
        let early = Utc.with_ymd_and_hms(2026, 3, 29, 0, 30, 0).unwrap();
        assert_eq!(local_date_of(early, london), d(2026, 3, 29));
        // So a Sunday-night visit in summer counts in the week ending that Sunday.
        let s = settings(VisitRule::Week, 1, 0, 7);
        let visits = [local_date_of(sunday_bst, london)];
        assert!(
            eligibility(&s, &facts(&visits), d(2026, 3, 30)).eligible,
            "Monday starts a new week"
        );
        assert!(!eligibility(&s, &facts(&visits), d(2026, 3, 29)).eligible);
    }
}
