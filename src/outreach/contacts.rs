//! The welfare contact list (households with support needs not seen nor spoken to for some
//! weeks, and households whose follow-up date has come) and the log of calls. A call that
//! finds the member needs help makes the referral in the same transaction.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::store::{self, Candidate, NewAttempt};
use super::{ContactOutcome, SupportNeed};
use crate::access::{Actor, Operation};
use crate::audit::{self, Subject};
use crate::clock::uk;
use crate::db::Conn;
use crate::db::Db;
use crate::error::{Error, FieldError, Result};
use crate::referrals::{self, ReferralForm};

/// A household due a call, with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ContactDue {
    #[ts(type = "number")]
    pub household_id: i64,
    pub membership_number: String,
    pub name: String,
    pub phone: String,
    pub needs: Vec<SupportNeed>,
    /// Why to call, in words: "Isolated; not seen for 6 weeks", "Follow-up due 03/12/2026".
    pub reason: String,
    pub last_visit: Option<NaiveDate>,
    pub follow_up_on: Option<NaiveDate>,
}

/// Why `c` is due a call on `today`, or `None` when it is not.
pub(crate) fn why_due(c: &Candidate, today: NaiveDate, weeks: i64) -> Option<String> {
    let needs = needs_of(c);
    let labels = needs
        .iter()
        .map(|n| n.label())
        .collect::<Vec<_>>()
        .join(", ");
    let mut reason = match c.follow_up_on {
        Some(day) if day > today => return None,
        Some(day) => format!("Follow-up due {}", uk(day)),
        None if needs.is_empty() => return None,
        None => {
            let last = c.last_visit.max(c.last_spoken);
            match last {
                None => format!("{labels}; not seen yet"),
                Some(last) if (today - last).num_days() >= weeks * 7 => {
                    let unseen = (today - last).num_weeks();
                    let plural = if unseen == 1 { "" } else { "s" };
                    format!("{labels}; not seen for {unseen} week{plural}")
                }
                Some(_) => return None,
            }
        }
    };
    if c.follow_up_on.is_some() && !labels.is_empty() {
        reason = format!("{labels}; {reason}");
    }
    if let (Some(outcome @ (ContactOutcome::NoAnswer | ContactOutcome::WrongNumber)), Some(day)) =
        (c.latest_outcome, c.latest_call)
    {
        reason.push_str(&format!(
            "; last call {}: {}",
            uk(day),
            outcome.label().to_lowercase()
        ));
    }
    Some(reason)
}

fn needs_of(c: &Candidate) -> Vec<SupportNeed> {
    c.needs
        .split(',')
        .filter_map(SupportNeed::from_code)
        .collect()
}

/// Everyone due a welfare call today: follow-ups that have come first, then the longest
/// unseen.
pub async fn contact_list(db: &Db, actor: &Actor) -> Result<Vec<ContactDue>> {
    actor.require(db, Operation::ViewOutreach).await?;
    let today = crate::settings::require(db).await?.date_at(db.now());
    let mut conn = db.acquire().await?;
    let weeks = store::contact_after_weeks(&mut conn).await?;
    let mut due: Vec<ContactDue> = store::contact_candidates(&mut conn, today)
        .await?
        .into_iter()
        .filter_map(|c| {
            let reason = why_due(&c, today, weeks)?;
            Some(ContactDue {
                needs: needs_of(&c),
                household_id: c.household_id,
                membership_number: c.membership_number,
                name: c.lead_name,
                phone: c.phone,
                reason,
                last_visit: c.last_visit,
                follow_up_on: c.follow_up_on,
            })
        })
        .collect();
    due.sort_by_key(|d| (d.follow_up_on.is_none(), d.follow_up_on, d.last_visit));
    Ok(due)
}

/// How many weeks unseen put a household with support needs on the contact list.
pub async fn contact_after_weeks(db: &Db, _signed_in: &Actor) -> Result<u32> {
    let weeks = store::contact_after_weeks(&mut db.acquire().await?).await?;
    Ok(weeks as u32)
}

/// Changes how many weeks unseen put a household with support needs on the contact list.
pub async fn set_contact_after_weeks(db: &Db, weeks: u32, actor: &Actor) -> Result<u32> {
    actor.require(db, Operation::ChangeSettings).await?;
    let allowed = super::LIMITS.contact_weeks;
    if !allowed.holds(weeks) {
        return Err(Error::invalid(
            "contactAfterWeeks",
            format!("Choose from {} to {} weeks.", allowed.min, allowed.max),
        ));
    }
    let mut tx = db.begin_write().await?;
    store::set_contact_after_weeks(&mut tx, i64::from(weeks)).await?;
    audit::record(
        &mut tx,
        db.now(),
        actor.name(),
        "settings.contact_weeks",
        None,
        &serde_json::json!({ "weeks": weeks }),
    )
    .await?;
    tx.commit().await?;
    Ok(weeks)
}

/// A call as logged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ContactForm {
    #[ts(type = "number")]
    pub household_id: i64,
    pub outcome: Option<ContactOutcome>,
    pub note: String,
    /// When to call again (blank: when they are next due).
    pub follow_up_on: String,
    /// The referral to make when the member needs help (with their consent).
    pub referral: Option<ReferralForm>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ContactAttempt {
    #[ts(type = "number")]
    pub id: i64,
    pub at: String,
    pub local_date: NaiveDate,
    pub volunteer: String,
    pub outcome: ContactOutcome,
    pub note: String,
    pub follow_up_on: Option<NaiveDate>,
    /// The referral made from this call, shown as people read it (`R-0000 0018`).
    pub referral: Option<String>,
}

/// Logs a call; a "needs help" call with a referral makes it in the same transaction.
pub async fn log_contact(db: &Db, form: &ContactForm, actor: &Actor) -> Result<ContactAttempt> {
    actor.require(db, Operation::LogContact).await?;
    let settings = crate::settings::require(db).await?;
    let now = db.now();
    let today = settings.date_at(now);
    let mut errors = crate::text::control_errors(form);
    if form.outcome.is_none() {
        errors.push(FieldError::new("outcome", "Choose how the call went."));
    }
    if form.note.chars().count() > 500 {
        errors.push(FieldError::new("note", "Keep the note to 500 characters."));
    }
    let follow_up_on = super::optional_date(
        &mut errors,
        "followUpOn",
        &form.follow_up_on,
        "Call again on",
    );
    if follow_up_on.is_some_and(|d| d <= today) {
        errors.push(FieldError::new(
            "followUpOn",
            "Choose a day after today to call again.",
        ));
    }
    let referral = match &form.referral {
        None => None,
        Some(_) if form.outcome != Some(ContactOutcome::NeedsHelp) => {
            errors.push(FieldError::new(
                "outcome",
                "A referral is made from a call only when the member needs help.",
            ));
            None
        }
        Some(r) if r.household_id != Some(form.household_id) => {
            errors.push(FieldError::new(
                "referral.householdId",
                "The referral is for another household.",
            ));
            None
        }
        Some(r) => match referrals::check(r) {
            Ok(checked) => Some(checked),
            Err(Error::Validation(problems)) => {
                for p in problems {
                    let field = format!("referral.{}", p.field);
                    if !errors
                        .iter()
                        .any(|e| e.field == field && e.message == p.message)
                    {
                        errors.push(FieldError::new(&field, p.message));
                    }
                }
                None
            }
            Err(e) => return Err(e),
        },
    };
    let Some(outcome) = form.outcome.filter(|_| errors.is_empty()) else {
        return Err(Error::Validation(errors));
    };
    if referral.is_some() {
        actor.require(db, Operation::MakeReferral).await?;
    }
    let mut tx = db.begin_write().await?;
    crate::households::load_live(&mut tx, form.household_id).await?;
    let referral_id = match &referral {
        Some(checked) => Some(
            referrals::make_in(&mut tx, &settings, now, checked, actor.name())
                .await
                .map_err(|e| match e {
                    // The referral's own fields, as the call form names them.
                    Error::Validation(problems) => Error::Validation(
                        problems
                            .into_iter()
                            .map(|p| FieldError::new(&format!("referral.{}", p.field), p.message))
                            .collect(),
                    ),
                    e => e,
                })?,
        ),
        None => None,
    };
    let id = store::insert_attempt(
        &mut tx,
        &NewAttempt {
            household_id: form.household_id,
            at: now,
            local_date: today,
            volunteer: actor.name(),
            outcome,
            note: form.note.trim(),
            follow_up_on,
            referral_id,
        },
    )
    .await?;
    audit::record(
        &mut tx,
        now,
        actor.name(),
        "contact.logged",
        Some(Subject::Household(form.household_id)),
        &serde_json::json!({ "contact": id, "outcome": outcome.code(), "referral": referral_id }),
    )
    .await?;
    let attempt = attempts_in(&mut tx, form.household_id)
        .await?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or_else(|| Error::not_found("The call just logged"))?;
    tx.commit().await?;
    Ok(attempt)
}

/// A household's calls, oldest first.
pub async fn contacts_of(db: &Db, household_id: i64, actor: &Actor) -> Result<Vec<ContactAttempt>> {
    actor.require(db, Operation::ViewOutreach).await?;
    attempts_in(&mut db.acquire().await?, household_id).await
}

pub(crate) async fn attempts_in(conn: &mut Conn, household_id: i64) -> Result<Vec<ContactAttempt>> {
    let mut out = Vec::new();
    for a in store::attempts(&mut *conn, household_id).await? {
        let referral = match a.referral_id {
            Some(id) => Some(
                referrals::referral_with(&mut *conn, id)
                    .await?
                    .reference_shown,
            ),
            None => None,
        };
        out.push(ContactAttempt {
            id: a.id,
            at: a.at,
            local_date: a.local_date,
            volunteer: a.volunteer,
            outcome: a.outcome,
            note: a.note,
            follow_up_on: a.follow_up_on,
            referral,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    fn candidate() -> Candidate {
        Candidate {
            household_id: 1,
            membership_number: "00000018".into(),
            lead_name: "Test".into(),
            phone: String::new(),
            needs: "isolated".into(),
            last_visit: Some(d(10, 1)),
            last_spoken: None,
            latest_outcome: None,
            latest_call: None,
            follow_up_on: None,
        }
    }

    #[test]
    fn a_household_with_a_need_is_due_once_unseen_for_the_weeks_set() {
        let c = candidate();
        assert_eq!(why_due(&c, d(10, 21), 3), None);
        assert_eq!(
            why_due(&c, d(10, 22), 3).as_deref(),
            Some("Isolated; not seen for 3 weeks")
        );
        let spoken = Candidate {
            last_spoken: Some(d(10, 20)),
            ..candidate()
        };
        assert_eq!(why_due(&spoken, d(10, 22), 3), None);
        let none = Candidate {
            needs: String::new(),
            ..candidate()
        };
        assert_eq!(why_due(&none, d(12, 1), 3), None);
    }

    #[test]
    fn a_follow_up_date_decides_when_set() {
        let c = Candidate {
            follow_up_on: Some(d(11, 5)),
            latest_outcome: Some(ContactOutcome::NoAnswer),
            latest_call: Some(d(11, 1)),
            ..candidate()
        };
        assert_eq!(why_due(&c, d(11, 4), 3), None, "not before the date");
        assert_eq!(
            why_due(&c, d(11, 5), 3).as_deref(),
            Some("Isolated; Follow-up due 05/11/2026; last call 01/11/2026: called – no answer")
        );
    }
}
