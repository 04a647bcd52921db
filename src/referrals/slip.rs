//! The referral slip: the agency's copy and the member's (in their language and English),
//! written where the volunteer chose and recorded as carrying the household.

use crate::access::{Actor, Operation};
use crate::db::Db;
use crate::error::{Error, Result};
use crate::households;
use crate::i18n::Msg;
use crate::output::Destination;
use crate::print::slip::SlipFace;
use crate::settings;

use super::{referral_with, Referral, SHARING_CONSENT};

/// The referral slip as a PDF: the agency's copy above, the member's below a tear line.
pub async fn slip(db: &Db, id: i64, actor: &Actor) -> Result<Vec<u8>> {
    Ok(slip_of(db, id, actor).await?.1)
}

/// The referral and its slip; refused once the household's details are erased.
async fn slip_of(db: &Db, id: i64, actor: &Actor) -> Result<(Referral, Vec<u8>)> {
    actor.require(db, Operation::PrintSlip).await?;
    let settings = settings::require(db).await?;
    let mut conn = db.acquire().await?;
    let referral = referral_with(&mut conn, id).await?;
    let Some(household) = households::load(&mut conn, referral.household_id)
        .await?
        .filter(|h| !h.erased)
    else {
        return Err(Error::Conflict(
            "This household's details were erased; there is no slip to print.".into(),
        ));
    };
    let pdf =
        crate::print::slip::referral_slip(&slip_face(&settings, &referral, &household.language))?;
    Ok((referral, pdf))
}

/// What the slip shows, in words; the member's note in `language` and English.
fn slip_face(settings: &settings::Settings, r: &Referral, language: &str) -> SlipFace {
    let note_args = [
        ("agency", r.agency.name.as_str()),
        ("reference", r.reference.as_str()),
    ];
    let own = crate::i18n::texts(language);
    let mut member_note = Vec::new();
    if !own.is_english() {
        member_note.push(format!(
            "{} {}",
            own.get(Msg::SlipMemberCopy, &[]),
            own.get(Msg::SlipMemberNote, &note_args)
        ));
    }
    member_note.push(crate::i18n::texts(crate::i18n::ENGLISH).get(Msg::SlipMemberNote, &note_args));
    SlipFace {
        member_note,
        unchecked_note: crate::i18n::unchecked_note(language),
        pantry_name: settings.name.clone(),
        pantry_address: settings.address.clone(),
        reference: r.reference.clone(),
        reference_shown: r.reference_shown.clone(),
        made_on: r.made_on.split('-').rev().collect::<Vec<_>>().join("/"),
        agency_name: r.agency.name.clone(),
        agency_kind: r.agency.kind.label().to_owned(),
        agency_address: r.agency.address.clone(),
        agency_phone: r.agency.phone.clone(),
        agency_email: r.agency.email.clone(),
        agency_opening_hours: r.agency.opening_hours.clone(),
        agency_contact: r.agency.contact_person.clone(),
        urgency: r.urgency.label().to_owned(),
        lead_name: r.lead_name.clone(),
        membership_number: r.membership_number.clone(),
        reason: if r.reason_detail.is_empty() {
            r.reason.label().to_owned()
        } else {
            format!("{}: {}", r.reason.label(), r.reason_detail)
        },
        made_by: r.made_by.clone(),
        consent: format!(
            "Consent given {}: “{SHARING_CONSENT}”",
            r.consent_at
                .get(..16)
                .unwrap_or(&r.consent_at)
                .replace('T', " ")
        ),
    }
}

/// Writes the slip to `to` (a file the user named, or the `print` folder); returns the file,
/// recorded as carrying the household (erasing it deletes the file).
pub async fn print_slip(
    db: &Db,
    id: i64,
    to: &Destination,
    actor: &Actor,
) -> Result<std::path::PathBuf> {
    let (referral, pdf) = slip_of(db, id, actor).await?;
    let file = crate::output::write(db, to, &pdf).await?;
    let mut tx = db.begin_write().await?;
    crate::output::note_written_file(
        &mut tx,
        &[referral.household_id],
        "slip",
        &file,
        &pdf,
        db.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(file)
}
