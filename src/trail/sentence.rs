//! The audit trail in words: each entry as a sentence a manager reads ("Pat undid a visit of
//! 00000042: wrong household"). Entries carry ids and codes; what a sentence names (a
//! household's number, an agency, a reason) is looked up as it is now when the trail is
//! listed, and a household that has been erased is "an erased household".

use serde_json::Value;

use super::store;
use crate::access::Role;
use crate::audit::{AuditEntry, Subject};
use crate::db::Conn;
use crate::error::Result;
use crate::households::Status;
use crate::money;
use crate::referrals::{self, Outcome};
use crate::stock::deliveries::DeliverySource;

/// The entry as a sentence.
pub(crate) async fn sentence(conn: &mut Conn, e: &AuditEntry) -> Result<String> {
    let details: Value = serde_json::from_str(&e.details).unwrap_or(Value::Null);
    let who = e.actor.as_str();
    let text = |key: &str| details[key].as_str().unwrap_or_default().to_owned();
    let number = |key: &str| details[key].as_i64().unwrap_or_default();
    let subject = e.subject.as_deref().and_then(Subject::parse);
    // The id of what the entry is about, when it is of this kind (`Subject::Referral`).
    let subject_id = |kind: fn(i64) -> Subject| {
        subject
            .filter(|s| std::mem::discriminant(s) == std::mem::discriminant(&kind(0)))
            .map(Subject::id)
    };
    // "00000042" (or "an erased household"), and "household 00000042" to start a phrase.
    let (number_of, household) = match subject_id(Subject::Household) {
        Some(id) => {
            let n = household(conn, id).await?;
            let phrase = if n == ERASED {
                n.clone()
            } else {
                format!("household {n}")
            };
            (n, phrase)
        }
        None => ("a household".to_owned(), "a household".to_owned()),
    };
    Ok(match e.action.as_str() {
        "household.registered" => format!("{who} registered {household}."),
        "household.edited" => {
            let fields: Vec<String> = details["fields"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|f| Some(f.as_str()?.to_lowercase()))
                .collect();
            if fields.is_empty() {
                format!("{who} changed the details of {household}.")
            } else {
                format!("{who} changed the {} of {household}.", and_list(&fields))
            }
        }
        "household.renewed" => format!("{who} renewed the membership of {household}."),
        "household.status" => match Status::from_code(&text("status")) {
            Ok(s) => format!("{who} set {household} to {}.", s.label().to_lowercase()),
            Err(_) => format!("{who} changed the status of {household}."),
        },
        "household.merged" => {
            let removed = match store::household(conn, number("removed")).await? {
                Some((n, false)) => format!("household {n}"),
                Some((_, true)) => ERASED.to_owned(),
                None => match text("removedNumber") {
                    n if n.is_empty() => "another household".to_owned(),
                    n => format!("household {n}"),
                },
            };
            format!("{who} merged {removed} into {household}.")
        }
        "household.subject_access" => {
            format!("{who} gave {household} a copy of everything held about them.")
        }
        "household.erased" => match text("why").as_str() {
            "request" => format!("{who} erased a household's personal details on request."),
            "retention" => format!(
                "{who} erased a household's personal details (not seen for the retention period)."
            ),
            "restore" => format!(
                "{who} erased a household's personal details again after a restore (erasures are never undone)."
            ),
            _ => format!("{who} erased a household's personal details."),
        },
        "households.imported" => format!(
            "{who} imported {} from a spreadsheet ({} already here, {} with problems).",
            plural(number("imported"), "household", "households"),
            money::count(number("alreadyPresent")),
            money::count(number("problems"))
        ),
        "visit.override" | "visit.voided" => {
            let reasons = store::visit_reasons(conn, number("visit")).await?;
            let erased = number_of == ERASED;
            let reason = match (reasons, e.action.as_str()) {
                (Some((Some(why), _)), "visit.override")
                | (Some((_, Some(why))), "visit.voided")
                    if !erased && !why.trim().is_empty() =>
                {
                    format!(": {}", why.trim())
                }
                _ => String::new(),
            };
            if e.action == "visit.override" {
                format!("{who} recorded a visit of {number_of} that was not eligible{reason}.")
            } else {
                format!("{who} undid a visit of {number_of}{reason}.")
            }
        }
        "cash.up" => format!(
            "{who} cashed up: {} expected, {} counted.",
            money::pounds(number("expected")),
            money::pounds(number("counted"))
        ),
        "referral.made" => match referral(conn, number("referral")).await? {
            Some((reference, agency)) => {
                format!("{who} referred {household} to {agency} ({reference}).")
            }
            None => format!("{who} referred {household}."),
        },
        "referral.contacted" | "referral.outcome" => {
            let id = subject_id(Subject::Referral).unwrap_or_default();
            let (reference, agency) = referral(conn, id)
                .await?
                .unwrap_or_else(|| ("a referral".into(), "the agency".into()));
            if e.action == "referral.contacted" {
                format!("{who} recorded that {agency} has contacted the member about {reference}.")
            } else {
                let outcome = Outcome::from_code(&text("outcome"))
                    .map(|o| format!(": {}", o.label().to_lowercase()))
                    .unwrap_or_default();
                format!("{who} recorded the outcome of {reference} to {agency}{outcome}.")
            }
        }
        "agency.saved" => {
            match store::agency_name(conn, subject_id(Subject::Agency).unwrap_or_default()).await? {
                Some(name) => format!("{who} saved the agency {name}."),
                None => format!("{who} saved an agency."),
            }
        }
        "cards.printed" => format!(
            "{who} printed {}.",
            plural(number("cards"), "membership card", "membership cards")
        ),
        "card.reissued" => format!("{who} issued a new card for {household}."),
        "settings.created" => format!("{who} set up the pantry."),
        "settings.updated" => format!("{who} changed the pantry's settings."),
        "volunteers.first-admin" => format!("{who} set up the pantry as its first admin."),
        "volunteers.added" | "volunteers.updated" => {
            let who_else = store::volunteer(conn, subject_id(Subject::Volunteer).unwrap_or_default())
                .await?
                .map(|(name, role)| {
                    let role = Role::from_code(&role)
                        .map(|r| format!(" ({})", r.label()))
                        .unwrap_or_default();
                    format!("{name}{role}")
                })
                .unwrap_or_else(|| "a volunteer".into());
            let pin = if details["pinChanged"].as_bool() == Some(true)
                && e.action == "volunteers.updated"
            {
                ", with a new PIN"
            } else {
                ""
            };
            let verb = if e.action == "volunteers.added" {
                "added the volunteer"
            } else {
                "changed the volunteer"
            };
            format!("{who} {verb} {who_else}{pin}.")
        }
        "volunteers.idle-lock" => format!(
            "{who} set the screen to lock after {} without use.",
            plural(number("minutes"), "minute", "minutes")
        ),
        "signed-in" => format!("{who} signed in."),
        "sign-in-failed" => {
            let locked = if details["lockedOut"].as_bool() == Some(true) {
                "; signing in as them is locked for a while"
            } else {
                ""
            };
            format!("A wrong PIN was typed for {who}{locked}.")
        }
        "signed-out" => format!("{who} signed out."),
        "refused" => {
            let needs = Role::from_code(&text("needs"))
                .map(|r| format!(", which needs {}", r.with_article()))
                .unwrap_or_default();
            format!("{who} was refused: {}{needs}.", lower_first(&text("doing")))
        }
        "backups.settings" => format!(
            "{who} changed the backup settings (keep {}).",
            plural(number("kept"), "backup", "backups")
        ),
        "backups.taken" => match text("reason").as_str() {
            "daily" => "The daily backup was taken.".to_owned(),
            "close" => "A backup was taken on closing.".to_owned(),
            "before-restore" => "A backup was taken before a restore.".to_owned(),
            _ => format!("{who} took a backup."),
        },
        "backups.failed" => format!(
            "The {} backup could not be taken: {}",
            if text("reason") == "close" {
                "closing"
            } else {
                "daily"
            },
            text("problem")
        ),
        "backups.restore-chosen" => format!("{who} chose a backup to restore."),
        "backups.restore-cancelled" => format!("{who} cancelled a restore."),
        "backups.restored" => format!("{who} restored a backup."),
        "reports.exported" => format!(
            "{who} exported the {} for {} to {} ({}).",
            if text("kind") == "rollup" {
                "roll-up"
            } else {
                "landlord summary"
            },
            uk_date(&text("from")),
            uk_date(&text("to")),
            text("format").to_uppercase()
        ),
        "reports.settings" => format!("{who} changed the report settings."),
        "stock.delivery" => {
            let from = DeliverySource::from_code(&text("source"))
                .map(|s| format!(" from {}", s.label()))
                .unwrap_or_default();
            format!(
                "{who} received a delivery{from} ({}).",
                plural(number("lines"), "line", "lines")
            )
        }
        "stock.opening.imported" => format!(
            "{who} imported the opening stock ({}).",
            plural(number("units"), "unit", "units")
        ),
        "stock.item.added" | "stock.item.updated" => {
            let item = store::item_name(conn, subject_id(Subject::Item).unwrap_or_default())
                .await?
                .unwrap_or_else(|| "an item".into());
            let verb = if e.action == "stock.item.added" {
                "added"
            } else {
                "changed"
            };
            format!("{who} {verb} the item {item}.")
        }
        "stock.settings" => format!("{who} changed the stock settings."),
        "stock.count.started" => format!("{who} started a stock count."),
        "stock.count.finalised" => format!(
            "{who} finalised a stock count ({} adjusted).",
            plural(number("adjusted"), "item", "items")
        ),
        "stock.count.cancelled" => format!("{who} cancelled a stock count."),
        "stock.waste" => {
            let reason = text("reason");
            let reason = if reason.is_empty() {
                String::new()
            } else {
                format!(": {reason}")
            };
            format!("{who} recorded stock as waste{reason}.")
        }
        other => format!("{who}: {}.", other.replace(['.', '_', '-'], " ")),
    })
}

const ERASED: &str = "an erased household";

/// A household as a sentence names it: its membership number, or that it was erased.
async fn household(conn: &mut Conn, id: i64) -> Result<String> {
    Ok(match store::household(conn, id).await? {
        Some((number, false)) => number,
        _ => ERASED.to_owned(),
    })
}

/// A referral's reference as people see it (`R-0000 0018`) and its agency's name.
async fn referral(conn: &mut Conn, id: i64) -> Result<Option<(String, String)>> {
    Ok(store::referral(conn, id)
        .await?
        .map(|(reference, agency)| (referrals::reference_shown(&reference), agency)))
}

fn plural(n: i64, one: &str, many: &str) -> String {
    format!("{} {}", money::count(n), if n == 1 { one } else { many })
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_lowercase().chain(chars).collect())
        .unwrap_or_default()
}

/// `2026-11-24` → `24/11/2026`.
fn uk_date(iso: &str) -> String {
    chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d")
        .map(|d| d.format("%d/%m/%Y").to_string())
        .unwrap_or_else(|_| iso.to_owned())
}

/// "a, b and c".
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_read_well() {
        assert_eq!(
            and_list(&["phone".into(), "postcode".into(), "lead name".into()]),
            "phone, postcode and lead name"
        );
        assert_eq!(plural(1, "card", "cards"), "1 card");
        assert_eq!(plural(1200, "card", "cards"), "1,200 cards");
        assert_eq!(
            lower_first("Registering a household"),
            "registering a household"
        );
        assert_eq!(uk_date("2026-11-24"), "24/11/2026");
    }
}
