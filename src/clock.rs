//! Time, for the whole library: the clock every operation reads "now" from, and the pantry's
//! calendar (its local date, the first day of its week, UK day-first dates).
//!
//! The clock belongs to the open database (`Db::now`), so a test can play out weeks by moving
//! a manual clock instead of backdating rows.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use chrono_tz::Tz;

/// Where "now" comes from: the computer's clock, or (in tests and simulations) a manual clock
/// that stays where it is put. Clones of a manual clock share one time.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    manual: Option<Arc<Mutex<DateTime<Utc>>>>,
}

impl Clock {
    /// The computer's clock.
    pub fn system() -> Clock {
        Clock::default()
    }

    /// A clock that reads `at` until it is moved with [`Clock::set`] or [`Clock::advance`].
    pub fn manual(at: DateTime<Utc>) -> Clock {
        Clock {
            manual: Some(Arc::new(Mutex::new(at))),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        match &self.manual {
            Some(at) => *at.lock().unwrap_or_else(|e| e.into_inner()),
            None => Utc::now(),
        }
    }

    /// Puts a manual clock at `at`. The computer's clock cannot be set: this panics, since
    /// only tests and simulations move time.
    pub fn set(&self, at: DateTime<Utc>) {
        let manual = self
            .manual
            .as_ref()
            .expect("only a manual clock can be set");
        *manual.lock().unwrap_or_else(|e| e.into_inner()) = at;
    }

    /// Moves a manual clock on by `by`.
    pub fn advance(&self, by: Duration) {
        self.set(self.now() + by);
    }
}

/// The calendar date of an instant where the pantry is (a visit at 23:30 on Sunday is Sunday's).
pub fn local_date_of(at: DateTime<Utc>, tz: Tz) -> NaiveDate {
    at.with_timezone(&tz).date_naive()
}

/// The first day of the pantry's week containing `day` (`week_start`: 0 = Monday … 6 = Sunday).
pub fn week_start_of(day: NaiveDate, week_start: u32) -> NaiveDate {
    let back = (day.weekday().num_days_from_monday() + 7 - week_start % 7) % 7;
    day - Duration::days(i64::from(back))
}

/// Parses a UK day-first date (`03/04/2024` is 3 April) or an ISO date.
pub fn parse_uk_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%d/%m/%Y"))
        .or_else(|_| NaiveDate::parse_from_str(text, "%d-%m-%Y"))
        .or_else(|_| NaiveDate::parse_from_str(text, "%d.%m.%Y"))
        .ok()
        .filter(|d| d.year() >= 1900)
}

/// A date as the pantry writes it: `03/04/2024`.
pub fn uk(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// A short day for the counter: `Mon 03/04`.
pub fn short_day(d: NaiveDate) -> String {
    d.format("%a %d/%m").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn uk_dates_are_day_first() {
        assert_eq!(parse_uk_date("03/04/2024"), Some(d(2024, 4, 3)));
        assert_eq!(parse_uk_date("2024-04-03"), Some(d(2024, 4, 3)));
        assert_eq!(parse_uk_date("13/13/2024"), None);
        assert_eq!(
            parse_uk_date("03/04/24"),
            None,
            "two-digit years are ambiguous"
        );
        assert_eq!(uk(d(2024, 4, 3)), "03/04/2024");
    }

    #[test]
    fn weeks_start_on_the_pantrys_day() {
        // Wednesday 2026-11-25.
        assert_eq!(week_start_of(d(2026, 11, 25), 0), d(2026, 11, 23));
        assert_eq!(week_start_of(d(2026, 11, 25), 2), d(2026, 11, 25));
        assert_eq!(week_start_of(d(2026, 11, 25), 6), d(2026, 11, 22));
    }

    #[test]
    fn a_manual_clock_moves_only_when_told_and_clones_share_it() {
        let start = DateTime::parse_from_rfc3339("2026-11-25T23:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let clock = Clock::manual(start);
        let shared = clock.clone();
        assert_eq!(clock.now(), start);
        shared.advance(Duration::days(7));
        assert_eq!(clock.now(), start + Duration::days(7));
        assert_eq!(
            local_date_of(start, chrono_tz::Europe::London),
            d(2026, 11, 25)
        );
        assert_eq!(
            local_date_of(start, chrono_tz::Asia::Tokyo),
            d(2026, 11, 26)
        );
    }
}
