//! Likely duplicates of a household about to be registered: same surname and postcode,
//! a similar name with the same birth year, or the same phone or email.

use std::collections::BTreeMap;

use serde::Serialize;
use ts_rs::TS;

use super::form::{HouseholdForm, ValidHousehold};
use super::{store, HouseholdSummary};
use crate::access::Actor;
use crate::db::Conn;
use crate::db::Db;
use crate::error::Result;
use crate::settings;
use crate::text;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DuplicateCandidate {
    pub household: HouseholdSummary,
    /// Why it looks the same, in plain English.
    pub reasons: Vec<String>,
}

/// Households that look like the one in `form` (none while the form has mistakes).
/// `except` leaves out the household being edited.
pub async fn find(
    db: &Db,
    form: &HouseholdForm,
    except: Option<i64>,
    _signed_in: &Actor,
) -> Result<Vec<DuplicateCandidate>> {
    let settings = settings::require(db).await?;
    let Ok(valid) = form.validate(&settings, settings.date_at(db.now())) else {
        return Ok(Vec::new());
    };
    let mut conn = db.acquire().await?;
    candidates_with(&mut conn, &valid, except).await
}

/// Names at least this similar (Jaro-Winkler) count as "similar".
const SIMILAR: f64 = 0.9;

pub(crate) async fn candidates_with(
    conn: &mut Conn,
    valid: &ValidHousehold,
    except: Option<i64>,
) -> Result<Vec<DuplicateCandidate>> {
    let mut reasons: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    let mut note = |id: i64, why: String| {
        if Some(id) != except {
            let list = reasons.entry(id).or_default();
            if !list.contains(&why) {
                list.push(why);
            }
        }
    };

    let name = text::fold(&valid.lead_name);
    let surname = text::surname_key(&name);
    for (id, other) in store::at_postcode(&mut *conn, &valid.postcode.key()).await? {
        if text::surname_key(&other) == surname {
            note(id, "Same surname and postcode".into());
        }
    }

    let phone = text::phone_digits(&valid.phone);
    if !phone.is_empty() {
        for id in store::with_phone(&mut *conn, &phone).await? {
            note(id, "Same phone number".into());
        }
    }
    if !valid.email.is_empty() {
        for id in store::with_email(&mut *conn, &valid.email).await? {
            note(id, "Same email address".into());
        }
    }

    for (first_name, birth_year) in &valid.members {
        let Some(year) = birth_year else { continue };
        let wanted = text::fold(first_name);
        for (id, other) in store::members_born_in(&mut *conn, *year).await? {
            if strsim::jaro_winkler(&wanted, &text::fold(&other)) >= SIMILAR {
                note(id, format!("A member with a similar name born in {year}"));
            }
        }
    }

    let ids: Vec<i64> = reasons.keys().copied().collect();
    let summaries = store::summaries(conn, &ids).await?;
    Ok(summaries
        .into_iter()
        .map(|household| DuplicateCandidate {
            reasons: reasons.remove(&household.id).unwrap_or_default(),
            household,
        })
        .collect())
}
