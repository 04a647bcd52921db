//! The welcome and privacy sheet printed for a household at registration, in its
//! preferred language and then in English: how the pantry works (fee, items, visit rule,
//! opening times from Settings), what is held and why, how long it is kept (the retention
//! setting), who sees it, the right to a copy and to erasure and how to ask: the privacy
//! information UK GDPR asks for at collection, naming the wording version the member's
//! recorded consent was given to.

use crate::access::{Actor, Operation};
use crate::db::Db;
use crate::error::Result;
use crate::i18n::{self, Msg, Texts};
use crate::output::Destination;
use crate::print::welcome::{WelcomePart, WelcomeSection, WelcomeSheet};
use crate::settings::{self, Settings, VisitRule};

use super::form::CONSENT_VERSION;
use super::Household;

/// What the sheet says, in the household's language then English.
pub async fn sheet(db: &Db, id: i64, _signed_in: &Actor) -> Result<WelcomeSheet> {
    let settings = settings::require(db).await?;
    let mut conn = db.acquire().await?;
    let household = super::load_live(&mut conn, id).await?;
    let (_, opening_times) = i18n::switched_on_with(&mut conn).await?;
    let own = i18n::texts(&household.language);
    let mut parts = vec![part(own, &settings, &opening_times, &household)];
    if !own.is_english() {
        parts.push(part(
            i18n::texts(i18n::ENGLISH),
            &settings,
            &opening_times,
            &household,
        ));
    }
    Ok(WelcomeSheet {
        title: format!("Welcome to {}", settings.name),
        footer: format!(
            "{} · membership {} · privacy information version {CONSENT_VERSION}",
            settings.name, household.membership_number
        ),
        parts,
    })
}

fn part(t: Texts, s: &Settings, opening_times: &str, h: &Household) -> WelcomePart {
    let pantry = s.name.as_str();
    let fee = crate::money::pounds(i64::from(s.weekly_fee_pence));
    let items = s.items_per_visit.to_string();
    let visits = s.visits_per_week.to_string();
    let days = s.days_between_visits.to_string();
    let months = s.retention_months.to_string();
    let address = s.address.replace('\n', ", ");
    let mut how = vec![
        if s.weekly_fee_pence == 0 {
            t.get(Msg::HowFeeFree, &[])
        } else {
            t.get(Msg::HowFee, &[("fee", &fee)])
        },
        t.get(Msg::HowItems, &[("items", &items)]),
        match s.visit_rule {
            VisitRule::Week => t.get(Msg::HowVisitsWeek, &[("visits", &visits)]),
            VisitRule::Days => t.get(Msg::HowVisitsDays, &[("days", &days)]),
        },
    ];
    if !opening_times.is_empty() {
        how.push(t.get(Msg::HowOpening, &[("times", opening_times)]));
    }
    how.push(t.get(Msg::HowCard, &[]));
    let consent = match (&h.consent_at, &h.consent_version) {
        (Some(at), Some(version)) => t.get(
            Msg::ConsentRecorded,
            &[("date", &uk_date(at)), ("version", version)],
        ),
        _ => t.get(Msg::ConsentMissing, &[]),
    };
    let section = |heading: Msg, paragraphs: Vec<String>| WelcomeSection {
        heading: t.get(heading, &[]),
        paragraphs,
    };
    WelcomePart {
        title: t.get(Msg::WelcomeTitle, &[("pantry", pantry)]),
        note: i18n::unchecked_note(t.code()),
        sections: vec![
            WelcomeSection {
                heading: String::new(),
                paragraphs: vec![t.get(Msg::WelcomeIntro, &[("pantry", pantry)])],
            },
            section(Msg::HowHeading, how),
            section(
                Msg::DataHeading,
                vec![
                    t.get(Msg::DataHeld, &[]),
                    t.get(Msg::DataWhy, &[]),
                    t.get(Msg::DataKept, &[("months", &months)]),
                    t.get(Msg::DataWho, &[("landlord", &s.landlord_name)]),
                ],
            ),
            section(
                Msg::RightsHeading,
                vec![
                    t.get(Msg::RightsCopy, &[]),
                    t.get(Msg::RightsErase, &[]),
                    t.get(Msg::RightsHow, &[("pantry", pantry), ("address", &address)]),
                    t.get(Msg::RightsComplain, &[]),
                    format!(
                        "{} {consent}",
                        t.get(Msg::PrivacyVersion, &[("version", CONSENT_VERSION)])
                    ),
                ],
            ),
        ],
    }
}

/// `2026-11-30T10:00:00+00:00` → `30/11/2026`.
fn uk_date(instant: &str) -> String {
    instant
        .get(..10)
        .unwrap_or(instant)
        .split('-')
        .rev()
        .collect::<Vec<_>>()
        .join("/")
}

/// The welcome sheet as a PDF.
pub async fn welcome_pdf(db: &Db, id: i64, actor: &Actor) -> Result<Vec<u8>> {
    actor.require(db, Operation::PrintWelcome).await?;
    crate::print::welcome::welcome_sheet(&sheet(db, id, actor).await?)
}

/// Writes the welcome sheet to `to` (a file the user named, or the `print` folder) and
/// lists it among the household's files (an erasure deletes it); returns the file.
pub async fn print_welcome(
    db: &Db,
    id: i64,
    to: &Destination,
    actor: &Actor,
) -> Result<std::path::PathBuf> {
    let pdf = welcome_pdf(db, id, actor).await?;
    let file = crate::output::write(db, to, &pdf).await?;
    let mut tx = db.begin_write().await?;
    crate::output::note_written_file(&mut tx, &[id], "welcome", &file, &pdf, db.now()).await?;
    tx.commit().await?;
    Ok(file)
}
