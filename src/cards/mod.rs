//! Membership cards: one current card per household, numbered so that a lost card can be
//! revoked (and refused at the counter) while its replacement works; printing in batches.
//! All SQL is in `store`.

mod store;

pub use store::LOOKUP_SQL;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use ts_rs::TS;

use crate::access::{Actor, Operation};
use crate::audit::{self, Subject};
use crate::db::Conn;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::membership;
use crate::membership::CARD_NUMBER_LENGTH;
use crate::output::{self, Destination};
use crate::print::cards::{self as layout, CardFace, SheetLayout};
use crate::settings;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, FromRow)]
#[serde(rename_all = "camelCase")]
pub struct Card {
    pub card_number: String,
    #[sqlx(try_from = "i64")]
    pub issue: u32,
    #[sqlx(try_from = "crate::db::Stamp")]
    pub issued_at: String,
    #[sqlx(try_from = "crate::db::Maybe<crate::db::Stamp>")]
    pub printed_at: Option<String>,
    #[sqlx(try_from = "crate::db::Maybe<crate::db::Stamp>")]
    pub revoked_at: Option<String>,
    pub revoke_reason: Option<String>,
}

/// The card number for a membership serial and issue (1, 1 → `0000001011`).
pub fn card_number(serial: i64, issue: u32) -> Option<String> {
    if !(1..=i64::from(membership::MAX_SERIAL)).contains(&serial) || !(1..=99).contains(&issue) {
        return None;
    }
    let body = format!("{serial:07}{issue:02}");
    let check = membership::check_digit(&body)?;
    Some(format!("{body}{check}"))
}

/// Whether `text` is a well-formed card number.
pub fn is_valid_card_number(text: &str) -> bool {
    text.len() == CARD_NUMBER_LENGTH
        && text.bytes().all(|b| b.is_ascii_digit())
        && membership::check_digit(&text[..CARD_NUMBER_LENGTH - 1])
            .is_some_and(|c| text.as_bytes()[CARD_NUMBER_LENGTH - 1] == b'0' + c)
}

/// Issues the first card of new households, inside the caller's transaction: `(household,
/// when)`, printed then too when `printed` (a demo's members got theirs when they joined).
pub(crate) async fn issue_first(
    conn: &mut Conn,
    households: &[(i64, DateTime<Utc>)],
    printed: bool,
) -> Result<()> {
    let rows = households
        .iter()
        .map(|(id, at)| {
            Ok(store::FirstCard {
                household_id: *id,
                number: card_number(*id, 1)
                    .ok_or_else(|| Error::Conflict("All card numbers are used up.".into()))?,
                issued: *at,
                printed: printed.then_some(*at),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    store::insert_many(conn, &rows).await
}

/// The cards of `from` become `to`'s (households merged), inside the caller's transaction.
pub(crate) async fn move_all(conn: &mut Conn, from: i64, to: i64) -> Result<()> {
    store::move_all(conn, from, to).await
}

/// Erasure's part in cards: the household's card numbers (and why a card was replaced)
/// are removed; the cards stay, so how many were issued is still known.
pub(crate) async fn erase_numbers(conn: &mut Conn, household_id: i64) -> Result<()> {
    store::erase_numbers(conn, household_id).await
}

/// The card with this number, inside the caller's transaction (the counter's check-in).
pub(crate) async fn lookup_in(conn: &mut Conn, number: &str) -> Result<Option<CardLookup>> {
    store::lookup(conn, number).await
}

/// Every current card not printed yet, on A4 sheets, written to `to`; marked printed once
/// the file is safely written.
pub async fn print_unprinted(
    db: &Db,
    sheet: SheetLayout,
    to: &Destination,
    actor: &Actor,
) -> Result<PrintedFile> {
    let ids = store::unprinted_households(&mut db.acquire().await?).await?;
    if ids.is_empty() {
        return Err(Error::Conflict(
            "Every current card has been printed already.".into(),
        ));
    }
    print_sheets(db, &ids, sheet, to, actor).await
}

/// The current cards of the chosen households, on A4 sheets, written to `to`; marked
/// printed once the file is safely written.
pub async fn print_sheets(
    db: &Db,
    household_ids: &[i64],
    sheet: SheetLayout,
    to: &Destination,
    actor: &Actor,
) -> Result<PrintedFile> {
    actor.require(db, Operation::PrintCards).await?;
    let (faces, card_ids) = faces_for(db, household_ids).await?;
    let printed = layout::sheets(&faces, sheet)?;
    let path = output::write(db, to, &printed.pdf).await?;
    let written = Written {
        households: household_ids,
        kind: "card-sheet",
        path: &path,
        pdf: &printed.pdf,
    };
    mark_printed(db, &card_ids, &written, actor.name()).await?;
    Ok(PrintedFile::new(path, faces.len(), &printed.replaced))
}

/// One card, the size of the card itself (for a card printer), written to `to`; marked
/// printed once the file is safely written.
pub async fn print_single(
    db: &Db,
    household_id: i64,
    to: &Destination,
    actor: &Actor,
) -> Result<PrintedFile> {
    actor.require(db, Operation::PrintCards).await?;
    let (faces, card_ids) = faces_for(db, &[household_id]).await?;
    let printed = layout::single(&faces[0])?;
    let path = output::write(db, to, &printed.pdf).await?;
    let written = Written {
        households: &[household_id],
        kind: "card",
        path: &path,
        pdf: &printed.pdf,
    };
    mark_printed(db, &card_ids, &written, actor.name()).await?;
    Ok(PrintedFile::new(path, 1, &printed.replaced))
}

async fn faces_for(db: &Db, household_ids: &[i64]) -> Result<(Vec<CardFace>, Vec<i64>)> {
    let settings = settings::require(db).await?;
    let mut conn = db.acquire().await?;
    let rows = store::current_for(&mut conn, household_ids).await?;
    if rows.len() != household_ids.len() {
        return Err(Error::not_found(
            "A current card for every household chosen",
        ));
    }
    let card_ids = rows.iter().map(|r| r.card_id).collect();
    let faces = rows
        .into_iter()
        .map(|r| CardFace {
            pantry: settings.name.clone(),
            name: r.lead_name,
            membership_number: r.membership_number,
            card_number: r.card_number,
            member_text: crate::i18n::bilingual(&r.language, crate::i18n::Msg::CardBring, &[]),
        })
        .collect();
    Ok((faces, card_ids))
}

/// A PDF of cards just written, and whose cards are on it.
struct Written<'a> {
    households: &'a [i64],
    kind: &'a str,
    path: &'a std::path::Path,
    pdf: &'a [u8],
}

/// Marks the cards printed, and records the file as carrying their households (erasing one
/// deletes it).
async fn mark_printed(db: &Db, card_ids: &[i64], written: &Written<'_>, actor: &str) -> Result<()> {
    let mut tx = db.begin_write().await?;
    store::mark_printed(&mut tx, card_ids, db.now()).await?;
    crate::output::note_written_file(
        &mut tx,
        written.households,
        written.kind,
        written.path,
        written.pdf,
        db.now(),
    )
    .await?;
    audit::record(
        &mut tx,
        db.now(),
        actor,
        "cards.printed",
        None,
        &serde_json::json!({ "cards": card_ids.len() }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Replaces a lost or damaged card: the current card is revoked (the counter refuses it and
/// says why) and a new one is issued, unprinted. Recorded in the household's history.
pub async fn reissue(db: &Db, household_id: i64, reason: &str, actor: &Actor) -> Result<Card> {
    actor.require(db, Operation::ReplaceCard).await?;
    let actor = actor.name();
    crate::text::refuse_control_in("reason", reason, false)?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::invalid(
            "reason",
            "Say why the card is replaced (for example: lost).",
        ));
    }
    let mut tx = db.begin_write().await?;
    let household = crate::households::load_live(&mut tx, household_id).await?;
    let serial: i64 = household.membership_number[..membership::NUMBER_LENGTH - 1]
        .parse()
        .unwrap_or(household_id);
    let now = db.now();
    let old = store::current(&mut tx, household_id).await?;
    store::revoke_current(&mut tx, household_id, now, reason).await?;
    let issue = store::last_issue(&mut tx, household_id).await? + 1;
    let number = card_number(serial, issue)
        .ok_or_else(|| Error::Conflict("This household has had too many cards (99).".into()))?;
    store::insert(&mut tx, household_id, &number, issue, now).await?;
    crate::households::note_change(
        &mut tx,
        household_id,
        now,
        actor,
        "card replaced",
        Some("Card"),
        old.as_ref().map(|c| c.card_number.as_str()),
        Some(&number),
        Some(reason),
    )
    .await?;
    audit::record(
        &mut tx,
        db.now(),
        actor,
        "card.reissued",
        Some(Subject::Household(household_id)),
        &serde_json::json!({}),
    )
    .await?;
    let card = store::current(&mut tx, household_id)
        .await?
        .ok_or_else(|| Error::not_found("The new card"))?;
    tx.commit().await?;
    Ok(card)
}

/// What a scanned card number refers to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CardLookup {
    #[ts(type = "number")]
    pub household_id: i64,
    pub card_number: String,
    /// Set when this card was revoked: when and why.
    pub revoked: Option<String>,
    /// The household's current card, when the scanned one is revoked.
    pub current_card: Option<String>,
}

pub async fn lookup(db: &Db, number: &str, _signed_in: &Actor) -> Result<Option<CardLookup>> {
    store::lookup(&mut db.acquire().await?, number).await
}

/// Every card a household has had, newest first.
pub async fn for_household(conn: &mut Conn, household_id: i64) -> Result<Vec<Card>> {
    store::all_for(conn, household_id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_numbers_carry_serial_issue_and_check_digit() {
        let n = card_number(1, 1).unwrap();
        assert_eq!(n.len(), CARD_NUMBER_LENGTH);
        assert!(n.starts_with("000000101"));
        assert!(is_valid_card_number(&n));
        assert_ne!(card_number(1, 2), card_number(1, 1));
        assert_eq!(card_number(1, 100), None);
        assert!(!is_valid_card_number("0000001012"), "wrong check digit");
    }
}

/// A card PDF written for printing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PrintedFile {
    pub path: String,
    pub cards: u32,
    /// Characters the font cannot draw, printed as `?` (empty when all is well).
    pub replaced: String,
}

impl PrintedFile {
    fn new(path: std::path::PathBuf, cards: usize, replaced: &[char]) -> PrintedFile {
        PrintedFile {
            path: path.display().to_string(),
            cards: u32::try_from(cards).unwrap_or(u32::MAX),
            replaced: replaced.iter().collect(),
        }
    }
}

/// How many current cards wait to be printed.
pub async fn unprinted_count(db: &Db, _signed_in: &Actor) -> Result<u32> {
    let ids = store::unprinted_households(&mut db.acquire().await?).await?;
    Ok(u32::try_from(ids.len()).unwrap_or(u32::MAX))
}
