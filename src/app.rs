//! What the desktop shell tells the UI about itself at start-up, and first-run set-up (the
//! settings and the first admin together, above both).

use serde::Serialize;
use ts_rs::TS;

use crate::access::{Actor, Operation};
use crate::backups::RestoreNotice;
use crate::choices::FlagOption;
use crate::db::server::ServerAddress;
use crate::db::Db;
use crate::error::{Error, Result, WireError};
use crate::households::Status;
use crate::settings::{self, Settings, SettingsForm};
use crate::visits::FeeMethod;
use crate::volunteers;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppStatus {
    pub version: String,
    /// Where the database lives (shown in Settings so a manager can find it): the laptop's
    /// file, or the server's address (never its password).
    pub database_path: Option<String>,
    /// Whether the database is on the pantry's server (also when it could not be reached).
    pub on_server: bool,
    /// Whether the link to the server is encrypted (TLS, the server's certificate checked).
    pub link_encrypted: bool,
    /// Whether first-run setup has been done.
    pub configured: bool,
    /// The pantry's date now, in its own time zone, once it is set up: the day the screens
    /// start from (a round's date), never the computer's own clock and zone.
    #[ts(type = "string | null")]
    pub today: Option<chrono::NaiveDate>,
    /// No volunteer exists yet: the first admin must be created before anyone signs in.
    pub needs_first_admin: bool,
    /// Why the database could not be opened, when it could not.
    pub startup_problem: Option<WireError>,
    /// A restore from a backup that no volunteer has acknowledged yet: shown until one has.
    pub restored: Option<RestoreNotice>,
    /// Why a restore chosen before the restart was abandoned (the database is as it was).
    pub restore_problem: Option<String>,
    /// This computer's desk name, recorded with its visits and audit entries.
    pub desk: Option<String>,
    /// What each closed list's values are called on screen.
    pub labels: Labels,
}

/// The words for each value of the closed lists the screens show, from the library once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Labels {
    pub statuses: Vec<FlagOption<Status>>,
    pub fee_methods: Vec<FlagOption<FeeMethod>>,
    pub support_needs: Vec<FlagOption<crate::outreach::SupportNeed>>,
    pub contact_outcomes: Vec<FlagOption<crate::outreach::ContactOutcome>>,
    pub delivery_outcomes: Vec<FlagOption<crate::outreach::DeliveryOutcome>>,
}

impl Default for Labels {
    fn default() -> Labels {
        Labels {
            statuses: Status::options(),
            fee_methods: FeeMethod::options(),
            support_needs: crate::outreach::SupportNeed::options(),
            contact_outcomes: crate::outreach::ContactOutcome::options(),
            delivery_outcomes: crate::outreach::DeliveryOutcome::options(),
        }
    }
}

/// The status for an app whose database opened, or failed to open with `problem` (on a
/// server when `on_server`); `restore_problem` says why a restore chosen before the restart
/// was abandoned.
pub async fn status(
    db: std::result::Result<&Db, &WireError>,
    on_server: bool,
    restore_problem: Option<&str>,
) -> Result<AppStatus> {
    let restore_problem = restore_problem.map(str::to_owned);
    let version = env!("CARGO_PKG_VERSION").to_owned();
    Ok(match db {
        Ok(db) => {
            let settings = settings::load(db).await?;
            AppStatus {
                version,
                database_path: Some(db.location()),
                on_server: db.server().is_some(),
                link_encrypted: db.server().is_some_and(ServerAddress::is_encrypted),
                configured: settings.is_some(),
                today: settings.map(|s| s.date_at(db.now())),
                needs_first_admin: crate::volunteers::needs_first_admin(db).await?,
                startup_problem: None,
                restored: crate::backups::unseen_restore(db).await?,
                restore_problem,
                desk: db.desk().map(|d| d.to_string()),
                labels: Labels::default(),
            }
        }
        Err(problem) => AppStatus {
            version,
            database_path: None,
            on_server,
            link_encrypted: false,
            configured: false,
            today: None,
            needs_first_admin: false,
            startup_problem: Some(problem.clone()),
            restored: None,
            restore_problem,
            desk: None,
            labels: Labels::default(),
        },
    })
}

/// Names this computer's desk (an admin; an empty name removes it), and records who did.
pub async fn name_desk(db: &Db, typed: &str, actor: &Actor) -> Result<Option<String>> {
    actor.require(db, Operation::ChangeSettings).await?;
    let name = db.name_desk(typed)?;
    let mut tx = db.begin_write().await?;
    crate::audit::record(
        &mut tx,
        db.now(),
        actor.name(),
        "desk.named",
        None,
        &serde_json::json!({ "desk": name }),
    )
    .await?;
    tx.commit().await?;
    Ok(name)
}

/// A server is chosen only on the first-run screen, before the pantry on this laptop is set
/// up (afterwards its data would be left behind: an admin moves it with `copy-to-server`).
pub async fn may_choose_server(db: &Db) -> Result<()> {
    if db.server().is_none() && settings::load(db).await?.is_none() {
        Ok(())
    } else {
        Err(Error::Forbidden(
            "The pantry's database is chosen once, on the first-run screen: this pantry is set \
             up already. An admin moves a laptop's pantry to a server with `pantry \
             copy-to-server`."
                .into(),
        ))
    }
}

/// First-run setup in one transaction: the settings and the first admin, or neither. Every
/// mistake (settings, the admin's name and PIN) is reported at once.
pub async fn set_up(
    db: &Db,
    form: &SettingsForm,
    first_admin: &volunteers::FirstAdmin,
) -> Result<(Settings, Actor)> {
    let mut fields = Vec::new();
    let admin = volunteers::check_first_admin(first_admin);
    let valid = form.validate();
    for check in [admin.as_ref().map(|_| ()), valid.as_ref().map(|_| ())] {
        if let Err(Error::Validation(f)) = check {
            fields.extend(f.iter().cloned());
        }
    }
    if !fields.is_empty() {
        return Err(Error::Validation(fields));
    }
    let (valid, pin_hash) = (valid?, admin?);
    let mut tx = db.begin_write().await?;
    if settings::load_with(&mut tx).await?.is_some() {
        return Err(Error::Conflict(
            "This pantry is already set up; sign in instead.".into(),
        ));
    }
    let actor =
        volunteers::insert_first_admin(&mut tx, db.now(), &first_admin.admin_name, &pin_hash)
            .await?;
    let saved = settings::save_with(&mut tx, db.now(), &valid, actor.name()).await?;
    tx.commit().await?;
    Ok((saved, actor))
}
