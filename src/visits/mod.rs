//! The counter: find a household by card, number or name; decide at once whether it can
//! shop today (every reason that applies, in the pantry's time zone); record the visit
//! with one key, exactly once; undo by voiding; today's totals and the cash-up.
//!
//! - `eligibility`: the rules (pure: facts and a date in, a verdict out);
//! - `counter`: the check-in (scan, type-ahead, what the counter shows);
//! - `recording`: recording and voiding visits;
//! - `till`: today's totals and the cash-up;
//! - `store`: the SQL.

use crate::db::Conn;

mod counter;
mod eligibility;
mod recording;
mod store;
mod till;

pub use counter::{check_in, scan, type_ahead, CheckIn, CounterHousehold, ScanOutcome, TypeAhead};
pub use eligibility::{eligibility, Facts, Reason, ReasonCode, Verdict};
pub(crate) use recording::{record_delivered, verdict_on, Delivered};
pub use recording::{record_scanned, record_visit, void_visit, FeeMethod, VisitForm, VisitRecord};
pub use store::{
    COUNTER_ROW_SQL, DATES_SINCE_SQL, INSERT_VISIT_SQL, LAST_DATE_SQL, VISIT_FOR_REQUEST_SQL,
    VISIT_SQL,
};
pub use till::{cash_up, today, CashUp, FeeTotal, Today};

/// The newest visit's id (0 for none).
pub(crate) async fn newest_id(conn: &mut Conn) -> crate::Result<i64> {
    store::newest_id(conn).await
}

/// Visits' part in merging households, inside the caller's transaction: `from`'s visits
/// become `to`'s.
pub(crate) async fn move_household(conn: &mut Conn, from: i64, to: i64) -> crate::Result<()> {
    store::move_household(conn, from, to).await
}

/// Visits' part in an erasure: notes, card numbers and reasons blanked; the visits and
/// their snapshots stay for the anonymous reports.
pub(crate) async fn erase_household(conn: &mut Conn, household_id: i64) -> crate::Result<()> {
    store::erase_household(conn, household_id).await
}
