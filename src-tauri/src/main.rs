//! Pantry desktop: opens the database and hands every command to the library.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod backup;
mod commands;
mod counter;
mod dialogs;
mod languages;
mod members;
mod outreach;
mod printing;
mod referrals;
mod reports;
mod server;
mod session;
mod stock;

use pantry::error::WireError;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use pantry::access::Actor;
use pantry::db::choice;
use pantry::db::server::ServerAddress;
use pantry::keys::KeyStore;
use pantry::{backups, paths, Db, Error};
use tauri::Manager;

/// The signed-in volunteer, and when they last did something (for the idle lock).
#[derive(Debug)]
struct Session {
    actor: Actor,
    last_seen: Instant,
    idle_lock: Duration,
}

/// The database (or why it could not be opened, shown by the UI instead of a crash) and
/// who is signed in.
#[derive(Debug)]
pub struct AppState {
    db: Result<Db, WireError>,
    /// Why a restore chosen before the restart was abandoned, if it was.
    restore_problem: Option<String>,
    /// Where the database's key is kept.
    keys: KeyStore,
    /// The database's path, also when it could not be opened (to unlock it).
    db_path: Option<PathBuf>,
    /// Whether the database is on a server (also when it could not be reached).
    on_server: bool,
    session: Mutex<Option<Session>>,
}

impl AppState {
    pub fn keys(&self) -> &KeyStore {
        &self.keys
    }

    pub fn db_path(&self) -> Result<&Path, Error> {
        self.db_path
            .as_deref()
            .ok_or_else(|| Error::Unavailable("No app-data folder is known on this system.".into()))
    }

    /// The data folder (print, exports, backups; the laptop's database, or the server chosen).
    pub fn data_dir(&self) -> Result<&Path, Error> {
        Ok(self.db_path()?.parent().unwrap_or(Path::new(".")))
    }

    pub fn on_server(&self) -> bool {
        self.on_server
    }

    /// Whether the server this computer uses could not be used at start.
    pub fn server_failed(&self) -> bool {
        self.on_server && self.db.is_err()
    }

    pub fn db(&self) -> Result<&Db, Error> {
        self.db
            .as_ref()
            .map_err(|problem| Error::Unavailable(problem.message.clone()))
    }

    /// The database and the signed-in volunteer; after the idle time the app is locked and
    /// someone must sign in again.
    pub fn signed_in(&self) -> Result<(&Db, Actor), Error> {
        let db = self.db()?;
        let mut session = self.session.lock().map_err(|_| {
            Error::Unavailable("Pantry's session is unusable; restart Pantry.".into())
        })?;
        match session.as_mut() {
            Some(s) if s.last_seen.elapsed() <= s.idle_lock => {
                s.last_seen = Instant::now();
                Ok((db, s.actor.clone()))
            }
            Some(_) => {
                *session = None;
                Err(Error::SignInNeeded(
                    "Pantry locked itself after being left idle: sign in again.".into(),
                ))
            }
            None => Err(Error::SignInNeeded("Sign in first.".into())),
        }
    }

    /// Whoever is signed in now, without touching the idle timer.
    pub fn current(&self) -> Option<Actor> {
        let session = self.session.lock().ok()?;
        session
            .as_ref()
            .filter(|s| s.last_seen.elapsed() <= s.idle_lock)
            .map(|s| s.actor.clone())
    }

    pub fn start_session(&self, actor: Actor, idle_minutes: i64) {
        if let Ok(mut session) = self.session.lock() {
            *session = Some(Session {
                actor,
                last_seen: Instant::now(),
                idle_lock: Duration::from_secs(
                    u64::try_from(idle_minutes.max(1)).unwrap_or(10) * 60,
                ),
            });
        }
    }

    pub fn end_session(&self) -> Option<Actor> {
        self.session.lock().ok()?.take().map(|s| s.actor)
    }
}

/// The data folder: `--data-dir`, `PANTRY_DATA_DIR`, or the system's app-data folder.
fn data_dir() -> Option<PathBuf> {
    paths::choose_data_dir(paths::data_dir_arg(std::env::args()), paths::os_data_dir)
}

/// The server this computer's pantry uses (`PANTRY_DATABASE_URL`, or the one chosen on the
/// first-run screen), if any.
fn chosen_server(dir: &Path, keys: &KeyStore) -> Result<Option<ServerAddress>, Error> {
    let url = std::env::var(SERVER_URL_ENV).ok();
    choice::server_for(dir, keys, url.as_deref())
}

/// Opens the database, first finishing a restore chosen before the restart. A restore that
/// had to be abandoned does not keep the pantry closed: its reason is shown instead. On a
/// server, Pantry connects (a server that cannot be reached is said within 3 seconds).
fn open_database(
    dir: Option<&Path>,
    keys: &KeyStore,
    server: Option<Result<ServerAddress, Error>>,
) -> (Result<Db, WireError>, Option<String>) {
    let Some(dir) = dir else {
        let problem = Error::Unavailable("No app-data folder is known on this system.".into());
        return (Err(problem.to_wire()), None);
    };
    tauri::async_runtime::block_on(async {
        let (db, restore_problem) = match server {
            Some(Err(err)) => return (Err(err.to_wire()), None),
            Some(Ok(address)) => match Db::open_server(&address, dir, keys).await {
                Ok(db) => (db, None),
                Err(err) => return (Err(err.to_wire()), None),
            },
            None => {
                let restore_problem =
                    match backups::finish_pending_restore(&dir.join(paths::DATABASE_FILE), keys)
                        .await
                    {
                        Ok(_) => None,
                        Err(busy @ Error::Conflict(_)) => return (Err(busy.to_wire()), None),
                        Err(other) => Some(format!(
                            "The backup chosen to restore was not restored: {other}"
                        )),
                    };
                match Db::open_in(dir, keys).await {
                    Ok((db, _opened)) => (db, restore_problem),
                    Err(err) => return (Err(err.to_wire()), restore_problem),
                }
            }
        };
        // The audit trail is checked at every start; a break is recorded in the trail itself
        // and shown to admins (`security_status`).
        if let Err(err) = pantry::encryption::note_audit_break(&db).await {
            eprintln!("Pantry could not check its audit trail: {err}");
        }
        // After an upgrade that checks out, the copies from before it are removed.
        if db.server().is_none() {
            if let Err(err) = backups::prune_after_upgrade(&db).await {
                eprintln!("Pantry could not remove the copy from before its upgrade: {err}");
            }
        }
        // An erasure killed before its files were deleted is finished now.
        if let Err(err) = pantry::members::erasure::finish_interrupted(&db).await {
            eprintln!("Pantry could not finish an earlier erasure: {err}");
        }
        (Ok(db), restore_problem)
    })
}

/// One app per database: a second launch on the same data folder brings the running window
/// forward and quits, so the file is never opened twice (D-Bus on Linux; where there is no
/// session bus the app starts normally).
fn single_instance_id(dir: Option<&Path>) -> String {
    let mut hasher = std::hash::DefaultHasher::new();
    dir.map(|d| d.canonicalize().unwrap_or_else(|_| d.to_owned()))
        .hash(&mut hasher);
    format!("{}.db{:016x}", paths::APP_IDENTIFIER, hasher.finish())
}

fn focus_main_window(app: &tauri::AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// The environment variable naming a server database, as for the command line.
const SERVER_URL_ENV: &str = "PANTRY_DATABASE_URL";

/// Takes the daily backup while the app is open (checked hourly).
fn start_daily_backups(db: Db) {
    tauri::async_runtime::spawn(async move {
        loop {
            if let Err(err) = backups::back_up_if_due(&db, &Actor::housekeeping()).await {
                eprintln!("Pantry could not take its daily backup: {err}");
            }
            tokio::time::sleep(Duration::from_secs(60 * 60)).await;
        }
    });
}

fn main() {
    let dir = data_dir();
    let app = tauri::Builder::default()
        .plugin(
            tauri_plugin_single_instance::Builder::new()
                .dbus_id(single_instance_id(dir.as_deref()))
                .callback(|app, _args, _cwd| focus_main_window(app))
                .build(),
        )
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .setup(move |app| {
            let keys = KeyStore::from_env();
            let server = dir
                .as_deref()
                .and_then(|dir| chosen_server(dir, &keys).transpose());
            let on_server = server.is_some();
            let (db, restore_problem) = open_database(dir.as_deref(), &keys, server);
            if let Ok(db) = &db {
                start_daily_backups(db.clone());
            }
            app.manage(AppState {
                db,
                restore_problem,
                keys,
                db_path: dir.as_deref().map(|d| d.join(paths::DATABASE_FILE)),
                on_server,
                session: Mutex::new(None),
            });
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_status,
            outreach::outreach_contact_list,
            outreach::outreach_log_contact,
            outreach::outreach_contact_weeks,
            outreach::outreach_set_contact_weeks,
            outreach::outreach_contacts_of,
            outreach::outreach_needs,
            outreach::outreach_record_need,
            outreach::outreach_remove_need,
            outreach::outreach_delivery,
            outreach::outreach_set_delivery,
            outreach::outreach_stop_deliveries,
            outreach::outreach_suggest,
            outreach::outreach_round,
            outreach::outreach_plan,
            outreach::outreach_pack,
            outreach::outreach_outcome,
            outreach::outreach_scan,
            outreach::outreach_limits,
            outreach::outreach_parcel,
            outreach::outreach_set_parcel,
            outreach::outreach_print_round,
            outreach::outreach_print_call_sheet,
            server::server_try,
            server::server_pick_ca_file,
            server::server_connect,
            server::server_use_laptop,
            server::server_retry,
            session::session_current,
            session::session_volunteers,
            session::session_sign_in,
            session::session_sign_in_with_recovery_key,
            session::session_sign_out,
            session::session_first_admin,
            session::session_setup,
            session::session_touch,
            session::volunteers_list,
            session::volunteers_roles,
            session::volunteers_save,
            session::volunteers_idle_lock,
            session::volunteers_save_idle_lock,
            commands::settings_get,
            commands::settings_form,
            commands::settings_save,
            commands::settings_name_desk,
            counter::desks_activity,
            commands::settings_time_zones,
            commands::audit_list,
            members::households_options,
            members::households_list,
            members::households_page,
            members::households_suggest_neighbourhood,
            members::households_duplicates,
            members::households_register,
            members::households_update,
            members::households_renew,
            members::households_set_status,
            members::households_merge,
            members::households_erase,
            members::households_subject_access,
            members::households_retention_preview,
            members::households_retention_apply,
            members::import_preview,
            members::import_check,
            members::import_members,
            printing::cards_unprinted_count,
            printing::cards_print_unprinted,
            printing::cards_print_household,
            printing::cards_reissue,
            printing::print_open,
            printing::print_save_copy,
            counter::visits_scan,
            counter::visits_type_ahead,
            counter::visits_check_in,
            counter::visits_record,
            counter::visits_void,
            counter::visits_today,
            counter::visits_cash_up,
            referrals::referrals_options,
            referrals::referrals_agencies,
            referrals::referrals_find_agencies,
            referrals::referrals_save_agency,
            referrals::referrals_make,
            referrals::referrals_open,
            referrals::referrals_contacted,
            referrals::referrals_outcome,
            referrals::referrals_slip,
            languages::languages_settings,
            languages::languages_save_settings,
            languages::members_print_welcome,
            backup::backups_status,
            backup::backups_save_settings,
            backup::backups_now,
            backup::backups_pick,
            backup::backups_choose_restore,
            backup::backups_cancel_restore,
            backup::backups_restore_seen,
            backup::backups_restart,
            backup::security_status,
            backup::security_sheet_folder,
            backup::security_print_recovery_sheet,
            backup::security_sheet_put_away,
            backup::security_unlock,
            reports::reports_dashboard,
            reports::reports_period,
            reports::reports_period_choices,
            reports::reports_summary,
            reports::reports_export,
            reports::reports_history,
            reports::reports_settings,
            reports::reports_save_settings,
            reports::reports_rollup,
            stock::stock_overview,
            stock::stock_items,
            stock::stock_item,
            stock::stock_item_form,
            stock::stock_save_item,
            stock::stock_lookup,
            stock::stock_add_barcode,
            stock::stock_settings,
            stock::stock_save_settings,
            stock::stock_sources,
            stock::stock_record_delivery,
            stock::stock_deliveries,
            stock::stock_record_waste,
            stock::stock_waste_past_use_by,
            stock::stock_open_count,
            stock::stock_start_count,
            stock::stock_enter_counted,
            stock::stock_finalise_count,
            stock::stock_cancel_count,
            stock::stock_count_sheet,
            stock::stock_import_opening,
        ])
        .build(tauri::generate_context!());
    let app = match app {
        Ok(app) => app,
        Err(err) => {
            eprintln!("Pantry could not start: {err}");
            std::process::exit(1);
        }
    };
    app.run(|handle, event| {
        if let tauri::RunEvent::Exit = event {
            if let Ok(db) = handle.state::<AppState>().db() {
                tauri::async_runtime::block_on(async {
                    if let Err(err) = backups::back_up_scheduled(
                        db,
                        backups::BackupReason::Close,
                        &Actor::housekeeping(),
                    )
                    .await
                    {
                        eprintln!("Pantry could not take its closing backup: {err}");
                    }
                    db.close().await;
                });
            }
        }
    });
}
