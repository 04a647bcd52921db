//! Volunteers and roles: sign-in with a name and a PIN (kept only as an Argon2 hash),
//! lock-out after repeated wrong PINs, and the role check every protected operation makes.
//! Counter volunteers check in, register and edit households, make referrals and record
//! deliveries; managers also run stock counts, overrides, voids, imports, exports and erasure;
//! admins also manage volunteers, settings and restore. All SQL is in `store`.

mod store;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use ts_rs::TS;

use crate::access::{Actor, Operation, Role};
use crate::audit::{self, Subject};
use crate::db::Conn;
use crate::db::Db;
use crate::error::{Error, FieldError, Result};

/// Wrong PINs in a row before a volunteer is locked out.
pub const MAX_ATTEMPTS: i64 = 5;
/// How long a lock-out lasts.
pub const LOCKOUT_MINUTES: i64 = 5;

/// How PINs are hashed: Argon2id (version 19) with 64 MiB of memory, 3 passes and one lane,
/// a random 16-byte salt each. A hash holds its own parameters, so PINs hashed with other
/// parameters (earlier versions used the crate's defaults, 19 MiB and 2 passes) still verify.
/// A PIN is short, so this slows guessing but cannot stop it against a stolen file on its
/// own: the database's encryption is what keeps the hashes out of reach.
pub const PIN_HASH_MEMORY_KIB: u32 = 64 * 1024;
pub const PIN_HASH_PASSES: u32 = 3;
pub const PIN_HASH_LANES: u32 = 1;

fn argon2() -> Argon2<'static> {
    let params = argon2::Params::new(PIN_HASH_MEMORY_KIB, PIN_HASH_PASSES, PIN_HASH_LANES, None)
        .expect("the PIN hash parameters are valid");
    Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, FromRow)]
#[serde(rename_all = "camelCase")]
pub struct Volunteer {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub active: bool,
    #[sqlx(try_from = "crate::db::Maybe<crate::db::Stamp>")]
    pub locked_until: Option<String>,
}

/// A volunteer as typed by an admin. An empty PIN keeps the current one (when editing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VolunteerForm {
    #[ts(type = "number | null")]
    pub id: Option<i64>,
    pub name: String,
    pub role: Role,
    pub pin: String,
    pub active: bool,
}

fn check_pin(errors: &mut Vec<FieldError>, pin: &str) {
    let ok = (4..=8).contains(&pin.len()) && pin.chars().all(|c| c.is_ascii_digit());
    if !ok {
        errors.push(FieldError::new("pin", "A PIN is 4 to 8 digits."));
    }
}

pub(crate) fn hash_pin(pin: &str) -> Result<String> {
    argon2()
        .hash_password(pin.as_bytes(), &SaltString::generate(&mut OsRng))
        .map(|h| h.to_string())
        .map_err(|e| Error::Unavailable(format!("The PIN could not be stored safely: {e}")))
}

fn pin_matches(pin: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| argon2().verify_password(pin.as_bytes(), &h).is_ok())
}

fn check_name(errors: &mut Vec<FieldError>, name: &str) -> String {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 40 {
        errors.push(FieldError::new(
            "name",
            "Enter the volunteer's name (up to 40 characters).",
        ));
    }
    name.to_owned()
}

/// Every volunteer, for the sign-in list and for admins.
async fn all_volunteers(db: &Db) -> Result<Vec<Volunteer>> {
    store::all(&mut db.acquire().await?).await
}

/// The names to choose from at sign-in: active volunteers only.
pub async fn sign_in_names(db: &Db) -> Result<Vec<String>> {
    Ok(all_volunteers(db)
        .await?
        .into_iter()
        .filter(|v| v.active)
        .map(|v| v.name)
        .collect())
}

/// Every volunteer with role and lock-out, for an admin managing them.
pub async fn manage_list(db: &Db, actor: &Actor) -> Result<Vec<Volunteer>> {
    actor.require(db, Operation::ManageVolunteers).await?;
    all_volunteers(db).await
}

/// Whether no volunteer exists yet (first run, or a database from before sign-in existed).
pub async fn needs_first_admin(db: &Db) -> Result<bool> {
    Ok(store::count(&mut db.acquire().await?).await? == 0)
}

/// The first administrator as typed at first run: name, PIN and the PIN again.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FirstAdmin {
    pub admin_name: String,
    pub admin_pin: String,
    pub admin_pin_again: String,
}

/// Checks the first admin's name and PIN (typed twice alike) without saving anything, every
/// mistake at once (fields `adminName`, `adminPin`, `adminPinAgain`); returns the PIN's hash.
pub(crate) fn check_first_admin(admin: &FirstAdmin) -> Result<String> {
    let mut errors = Vec::new();
    check_name(&mut errors, &admin.admin_name);
    check_pin(&mut errors, &admin.admin_pin);
    let mut errors: Vec<FieldError> = errors
        .into_iter()
        .map(|f| FieldError {
            field: if f.field == "name" {
                "adminName".into()
            } else {
                "adminPin".into()
            },
            message: f.message,
        })
        .collect();
    if admin.admin_pin != admin.admin_pin_again {
        errors.push(FieldError::new(
            "adminPinAgain",
            "The two PINs are not the same.",
        ));
    }
    if errors.is_empty() {
        return hash_pin(&admin.admin_pin);
    }
    Err(Error::Validation(errors))
}

/// Creates the first admin; refused once any volunteer exists.
pub async fn create_first_admin(db: &Db, admin: &FirstAdmin) -> Result<Actor> {
    let hash = check_first_admin(admin)?;
    let mut tx = db.begin_write().await?;
    let actor = insert_first_admin(&mut tx, db.now(), &admin.admin_name, &hash).await?;
    tx.commit().await?;
    Ok(actor)
}

/// The first admin, inside the caller's transaction; refused once any volunteer exists.
pub(crate) async fn insert_first_admin(
    tx: &mut Conn,
    at: DateTime<Utc>,
    name: &str,
    hash: &str,
) -> Result<Actor> {
    if store::count(&mut *tx).await? > 0 {
        return Err(Error::Conflict(
            "Volunteers are already set up: an admin adds more under Settings.".into(),
        ));
    }
    let id = store::insert(&mut *tx, name.trim(), Role::Admin, hash, true, at).await?;
    audit::record(
        &mut *tx,
        at,
        name.trim(),
        "volunteers.first-admin",
        Some(Subject::Volunteer(id)),
        &serde_json::json!({}),
    )
    .await?;
    Ok(Actor::volunteer(id, name.trim().into(), Role::Admin))
}

/// Adds or edits a volunteer (admins only). The last active admin cannot be demoted or
/// made inactive.
pub async fn save_volunteer(db: &Db, actor: &Actor, form: &VolunteerForm) -> Result<Volunteer> {
    actor.require(db, Operation::ManageVolunteers).await?;
    let mut errors = crate::text::control_errors(form);
    let name = check_name(&mut errors, &form.name);
    if form.id.is_none() || !form.pin.is_empty() {
        check_pin(&mut errors, &form.pin);
    }
    let hash = if errors.is_empty() && !form.pin.is_empty() {
        Some(hash_pin(&form.pin)?)
    } else {
        None
    };
    let mut tx = db.begin_write().await?;
    if store::name_taken(&mut tx, &name, form.id).await? {
        errors.push(FieldError::new(
            "name",
            format!("There is already a volunteer called {name}."),
        ));
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    if let Some(id) = form.id {
        if store::other_active_admins(&mut tx, id).await? == 0
            && (form.role != Role::Admin || !form.active)
        {
            return Err(Error::invalid(
                "role",
                "Pantry needs at least one active admin: make someone else an admin first.",
            ));
        }
    }
    let id = match form.id {
        Some(id) => {
            if !store::update(&mut tx, id, &name, form.role, form.active, hash.as_deref()).await? {
                return Err(Error::not_found(format!("Volunteer {id}")));
            }
            id
        }
        None => {
            // A new volunteer always has a PIN: it was checked above.
            let hash = hash
                .as_deref()
                .ok_or_else(|| Error::invalid("pin", "A PIN is 4 to 8 digits."))?;
            store::insert(&mut tx, &name, form.role, hash, form.active, db.now()).await?
        }
    };
    audit::record(
        &mut tx,
        db.now(),
        actor.name(),
        if form.id.is_some() { "volunteers.updated" } else { "volunteers.added" },
        Some(Subject::Volunteer(id)),
        &serde_json::json!({ "name": name, "role": form.role.code(), "active": form.active, "pinChanged": hash.is_some() }),
    )
    .await?;
    let saved = store::get(&mut tx, id).await?;
    tx.commit().await?;
    Ok(saved)
}

/// How long a PIN check counts as under way: one whose process was killed before it ended
/// stops holding a place after this (a check takes well under a second).
const PIN_CHECK_EXPIRY_SECONDS: i64 = 60;
/// How long a sign-in waits for the PIN checks under way for the same name at other desks.
const PIN_CHECK_WAIT: std::time::Duration = std::time::Duration::from_secs(15);

/// Signs a volunteer in. The wrong PINs in a row and the PIN checks under way for a name
/// together never exceed `MAX_ATTEMPTS`: a check takes its place in a write transaction
/// before the PIN is hashed, so guesses sent at once (from many processes or desks) wait
/// for each other and no more than `MAX_ATTEMPTS` wrong ones are ever checked. Only wrong
/// PINs count towards the lock-out (`LOCKOUT_MINUTES` after `MAX_ATTEMPTS` in a row): a
/// volunteer signed in at several desks at once is never locked out by their own right PIN.
/// Wrong PINs anywhere in the pantry also slow down every sign-in (`slow_down`), so
/// guessing across names gains nothing.
pub async fn sign_in(db: &Db, name: &str, pin: &str) -> Result<Actor> {
    let login = start_pin_check(db, name.trim()).await?;
    let right = pin_matches(pin.trim(), &login.pin_hash);
    let mut tx = db.begin_write().await?;
    let now = db.now();
    let failed = store::end_pin_check(
        &mut tx,
        login.id,
        right,
        MAX_ATTEMPTS,
        now + Duration::minutes(LOCKOUT_MINUTES),
    )
    .await?;
    if right {
        let role = Role::from_code(&login.role)?;
        return signed_in(tx, db, login, role, serde_json::json!({})).await;
    }
    let locks = failed >= MAX_ATTEMPTS;
    sign_in_failed(
        tx,
        db,
        &login,
        serde_json::json!({ "attempt": failed, "lockedOut": locks }),
    )
    .await?;
    Err(if locks {
        Error::Forbidden(format!(
            "too many wrong PINs for {}: signing in is locked for {LOCKOUT_MINUTES} minutes.",
            login.name
        ))
    } else {
        Error::invalid(
            "pin",
            format!(
                "That PIN is not right ({} tries left).",
                MAX_ATTEMPTS - failed
            ),
        )
    })
}

/// Takes a place for one PIN check of `name` (see `sign_in`), waiting up to
/// `PIN_CHECK_WAIT` while the checks under way at other desks fill the places left.
async fn start_pin_check(db: &Db, name: &str) -> Result<store::Login> {
    let waiting_since = std::time::Instant::now();
    loop {
        let now = db.now();
        let mut tx = db.begin_write().await?;
        let Some(login) = store::login(&mut tx, name).await? else {
            return Err(Error::invalid("name", "Choose your name from the list."));
        };
        if let Some(until) = login.locked_until.filter(|until| *until > now) {
            return Err(Error::Forbidden(format!(
                "too many wrong PINs for {}: try again after {}, or ask an admin to reset the PIN.",
                login.name,
                until.with_timezone(&chrono::Local).format("%H:%M")
            )));
        }
        if let Some(wait) = slow_down(&mut tx, now).await? {
            let seconds = wait.num_seconds().max(1);
            return Err(Error::Forbidden(format!(
                "Too many wrong PINs have been typed at this pantry in the last few minutes: wait \
                 {seconds} second{}, then try again.",
                if seconds == 1 { "" } else { "s" }
            )));
        }
        // A lock-out that has run out starts the count again; a check left by a process
        // that was killed holds its place only for a while.
        let failed = if login.locked_until.is_some() {
            0
        } else {
            login.failed_attempts
        };
        let under_way = match login.pin_checks_since {
            Some(since) if now - since < Duration::seconds(PIN_CHECK_EXPIRY_SECONDS) => {
                login.pin_checks
            }
            _ => 0,
        };
        if failed + under_way < MAX_ATTEMPTS {
            store::start_pin_check(&mut tx, login.id, failed, under_way + 1, now).await?;
            tx.commit().await?;
            return Ok(login);
        }
        drop(tx);
        if waiting_since.elapsed() >= PIN_CHECK_WAIT {
            return Err(Error::Forbidden(format!(
                "{}'s PIN is being checked at other desks right now: try again in a moment.",
                login.name
            )));
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// The audit action of a wrong PIN.
const SIGN_IN_FAILED: &str = "sign-in-failed";

/// Wrong PINs (any name) within this window count towards the pantry-wide slow-down.
const SLOW_DOWN_WINDOW_MINUTES: i64 = 15;
/// Wrong PINs in the window that cost nothing: a volunteer's slips at the counter.
const SLOW_DOWN_FREE: usize = 3;
/// The longest wait between two sign-ins after many wrong PINs.
const SLOW_DOWN_MAX_SECONDS: i64 = 300;

/// How long every sign-in at this pantry must still wait after the wrong PINs of the last
/// `SLOW_DOWN_WINDOW_MINUTES`, whatever names they were typed for: beyond the first
/// `SLOW_DOWN_FREE`, each one doubles the wait after the newest (the fourth 1 s, then 2 s,
/// 4 s … up to five minutes). With the per-name lock-out this keeps guessing to a few hundred PINs a day
/// however many names and processes are used. An admin locked out by someone else's guesses
/// signs in with the recovery key (`sign_in_with_recovery_key`), which waits for nothing.
async fn slow_down(conn: &mut Conn, now: DateTime<Utc>) -> Result<Option<Duration>> {
    let window = Duration::minutes(SLOW_DOWN_WINDOW_MINUTES);
    let recent: Vec<DateTime<Utc>> = audit::newest_times(conn, SIGN_IN_FAILED, 32)
        .await?
        .into_iter()
        .filter(|at| now - *at < window)
        .collect();
    let Some(&newest) = recent.first() else {
        return Ok(None);
    };
    let over = recent.len().saturating_sub(SLOW_DOWN_FREE);
    if over == 0 {
        return Ok(None);
    }
    let seconds = 1_i64
        .checked_shl(u32::try_from(over - 1).unwrap_or(u32::MAX))
        .unwrap_or(i64::MAX)
        .min(SLOW_DOWN_MAX_SECONDS);
    let wait = newest + Duration::seconds(seconds) - now;
    Ok((wait > Duration::zero()).then_some(wait))
}

/// Signs an admin in with the pantry's recovery key instead of a PIN: for an admin whose
/// name is locked (by their own slips or by someone else's guesses). It waits for no
/// lock-out, clears the name's count, and is recorded. Only an active admin may.
pub async fn sign_in_with_recovery_key(db: &Db, name: &str, recovery_key: &str) -> Result<Actor> {
    let typed = crate::keys::DatabaseKey::from_recovery_text(recovery_key)?;
    let mut tx = db.begin_write().await?;
    let Some(login) = store::login(&mut tx, name.trim()).await? else {
        return Err(Error::invalid("name", "Choose your name from the list."));
    };
    let role = Role::from_code(&login.role)?;
    if role != Role::Admin {
        return Err(Error::Forbidden(
            "Only an admin can sign in with the recovery key; ask an admin to reset your PIN."
                .into(),
        ));
    }
    if db.key() != Some(&typed) {
        sign_in_failed(
            tx,
            db,
            &login,
            serde_json::json!({ "with": "recovery key" }),
        )
        .await?;
        return Err(Error::invalid(
            "recoveryKey",
            "That is not this pantry's recovery key. Check it against the recovery sheet.",
        ));
    }
    signed_in(
        tx,
        db,
        login,
        role,
        serde_json::json!({ "with": "recovery key" }),
    )
    .await
}

/// Records a sign-in that failed (a wrong PIN or recovery key), in its write transaction: the
/// pantry-wide slow-down counts these.
async fn sign_in_failed(
    mut tx: Conn,
    db: &Db,
    login: &store::Login,
    details: serde_json::Value,
) -> Result<()> {
    audit::record(
        &mut tx,
        db.now(),
        &login.name,
        SIGN_IN_FAILED,
        Some(Subject::Volunteer(login.id)),
        &details,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Ends a sign-in that checked out, in its write transaction: the name's wrong PINs are
/// cleared (and any lock-out lifted), and the sign-in is recorded.
async fn signed_in(
    mut tx: Conn,
    db: &Db,
    login: store::Login,
    role: Role,
    details: serde_json::Value,
) -> Result<Actor> {
    store::clear_wrong_pins(&mut tx, login.id).await?;
    audit::record(
        &mut tx,
        db.now(),
        &login.name,
        "signed-in",
        Some(Subject::Volunteer(login.id)),
        &details,
    )
    .await?;
    tx.commit().await?;
    Ok(Actor::volunteer(login.id, login.name, role))
}

/// Records that a volunteer signed out (or the app locked itself).
pub async fn sign_out(db: &Db, actor: &Actor, why: &str) -> Result<()> {
    let mut tx = db.begin_write().await?;
    audit::record(
        &mut tx,
        db.now(),
        actor.name(),
        "signed-out",
        actor.id().map(Subject::Volunteer),
        &serde_json::json!({ "why": why }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_are_4_to_8_digits_and_hashed_with_argon2id_as_written_down() {
        for (pin, ok) in [
            ("1234", true),
            ("12345678", true),
            ("123", false),
            ("123456789", false),
            ("12a4", false),
            ("", false),
        ] {
            let mut errors = Vec::new();
            check_pin(&mut errors, pin);
            assert_eq!(errors.is_empty(), ok, "{pin}");
        }
        let hash = hash_pin("2468").unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=65536,t=3,p=1$"),
            "{hash}"
        );
        assert!(pin_matches("2468", &hash));
        assert!(!pin_matches("2469", &hash));
        assert_ne!(
            hash,
            hash_pin("2468").unwrap(),
            "each hash has its own salt"
        );
        // A PIN hashed with the earlier (default) parameters still signs in.
        let earlier = Argon2::default()
            .hash_password(b"1357", &SaltString::generate(&mut OsRng))
            .unwrap()
            .to_string();
        assert!(earlier.contains("m=19456,t=2,p=1"), "{earlier}");
        assert!(pin_matches("1357", &earlier));
    }
}
