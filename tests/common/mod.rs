//! Helpers shared by the integration tests: a real SQLite file in a fresh temp directory.
#![allow(dead_code, clippy::unwrap_used)]

pub mod server;

use pantry::db::On;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::AssertSqlSafe;
use std::path::Path;
use std::process::{Command, Output};

use pantry::households::form::HouseholdForm;
use pantry::settings::SettingsForm;
use pantry::Db;
use tempfile::TempDir;

/// Where this test run keeps database keys (one folder for the whole run, outside every
/// data folder; each database's key is named for its path). Command-line processes the
/// tests start are given it as PANTRY_KEY_DIR.
pub fn key_dir() -> &'static Path {
    static DIR: std::sync::OnceLock<TempDir> = std::sync::OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().unwrap()).path()
}

pub fn keys() -> &'static pantry::keys::KeyStore {
    static KEYS: std::sync::OnceLock<pantry::keys::KeyStore> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| pantry::keys::KeyStore::Folder(key_dir().to_owned()))
}

/// The counter exerciser (`tests/tools/exercise_counter.rs`, built for the tests only)
/// recording visits in the pantry in `dir` as fast as it can, signed in as `volunteer` with
/// `pin`, printing each visit's id once committed.
pub fn exercise_counter(dir: &Path, visits: u32, volunteer: &str, pin: &str) -> Command {
    let exe = env!("CARGO_BIN_EXE_exercise-counter");
    let mut command = Command::new(exe);
    command
        .arg(dir)
        .arg(visits.to_string())
        .env("PANTRY_KEY_DIR", key_dir())
        .env("PANTRY_VOLUNTEER", volunteer)
        .env("PANTRY_PIN", pin);
    command
}

/// Writes a database as an older Pantry (or another tool) left it, with `options`: it holds
/// data (a table `old_notes` with the row 'kept') but none of this app's migrations.
pub async fn older_database(options: sqlx::sqlite::SqliteConnectOptions) {
    use sqlx::Connection;
    let mut conn = sqlx::SqliteConnection::connect_with(&options.create_if_missing(true))
        .await
        .unwrap();
    sqlx::query("CREATE TABLE old_notes (text TEXT); INSERT INTO old_notes VALUES ('kept')")
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
}

/// Options to open a database file with sqlx directly, as another tool would, for tests
/// that read or damage it behind Pantry's back (SQLite started first, as Pantry does).
pub fn sqlite_options(path: &Path) -> sqlx::sqlite::SqliteConnectOptions {
    pantry::db::start_sqlite();
    sqlx::sqlite::SqliteConnectOptions::new().filename(path)
}

/// `sqlite_options` with the database's key, as a tool that knows it would.
pub fn raw_options(path: &Path) -> sqlx::sqlite::SqliteConnectOptions {
    let key = keys()
        .get(path)
        .unwrap()
        .expect("the test's database has a key");
    sqlite_options(path).pragma("key", key.pragma())
}

/// A database opened without encryption, for tests that search the file's raw bytes.
pub async fn fresh_plain_db() -> (TempDir, Db) {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = Db::open_unencrypted(&dir.path().join(pantry::paths::DATABASE_FILE))
        .await
        .unwrap();
    (dir, db)
}

/// A fresh database on `engine`: the laptop's encrypted file, or a new database on the test
/// run's PostgreSQL server (migrated as an admin would, opened as the app's role), with a
/// data folder for the files Pantry writes.
pub async fn fresh_db_on(engine: pantry::db::Engine) -> (TempDir, Db) {
    let (dir, db, _) = fresh_db_reached_on(engine).await;
    (dir, db)
}

/// A fresh database on `engine`, and the environment that points the command line at it.
pub async fn fresh_db_reached_on(
    engine: pantry::db::Engine,
) -> (TempDir, Db, Vec<(&'static str, String)>) {
    match engine {
        pantry::db::Engine::Sqlite => {
            let (dir, db) = fresh_db().await;
            (dir, db, Vec::new())
        }
        pantry::db::Engine::Postgres => {
            let database = server::migrated_database().await;
            let dir = tempfile::tempdir().unwrap();
            let address = pantry::db::server::ServerAddress::parse(&database.app).unwrap();
            let db = Db::open_server(&address, dir.path(), keys()).await.unwrap();
            (dir, db, vec![("PANTRY_DATABASE_URL", database.app)])
        }
    }
}

/// A test run on each engine: `on_both_engines!(async fn name(engine) { … })` makes the tests
/// `name::sqlite` and `name::postgres`, each running the body with its `Engine`.
#[macro_export]
macro_rules! on_both_engines {
    ($(#[$meta:meta])* async fn $name:ident($engine:ident) $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            $(#[$meta])*
            async fn run($engine: pantry::db::Engine) $body

            #[tokio::test(flavor = "multi_thread")]
            async fn sqlite() {
                run(pantry::db::Engine::Sqlite).await
            }

            #[tokio::test(flavor = "multi_thread")]
            async fn postgres() {
                run(pantry::db::Engine::Postgres).await
            }
        }
    };
}

pub async fn fresh_db() -> (TempDir, Db) {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = Db::open_in(dir.path(), keys()).await.unwrap();
    (dir, db)
}

pub fn hillside_form() -> SettingsForm {
    SettingsForm {
        name: "Hillside Pantry".into(),
        short_code: "hill1".into(),
        address: "1 Chapel Street\nHillside".into(),
        landlord_name: "Northern Homes".into(),
        weekly_fee: "£4".into(),
        neighbourhoods: "Hillside\nBrookfield\nSt Anne's".into(),
        ..SettingsForm::default()
    }
}

pub async fn count(db: &Db, table: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM {table}");
    let mut conn = db.acquire().await.unwrap();
    match conn.on() {
        On::Sqlite(c) => sqlx::query_scalar(AssertSqlSafe(sql)).fetch_one(c).await,
        On::Postgres(c) => sqlx::query_scalar(AssertSqlSafe(sql)).fetch_one(c).await,
    }
    .unwrap()
}

/// Rows of `sql` (written for both engines: `$1` placeholders, `id` bound to each), read
/// behind the library's back, on whichever engine `db` is on.
pub async fn rows<T>(db: &Db, sql: &str, ids: &[i64]) -> Vec<T>
where
    T: Send + Unpin + for<'r> sqlx::FromRow<'r, SqliteRow> + for<'r> sqlx::FromRow<'r, PgRow>,
{
    let mut conn = db.acquire().await.unwrap();
    match conn.on() {
        On::Sqlite(c) => {
            let mut q = sqlx::query_as(AssertSqlSafe(sql.to_owned()));
            for id in ids {
                q = q.bind(*id);
            }
            q.fetch_all(c).await
        }
        On::Postgres(c) => {
            let mut q = sqlx::query_as(AssertSqlSafe(sql.to_owned()));
            for id in ids {
                q = q.bind(*id);
            }
            q.fetch_all(c).await
        }
    }
    .unwrap()
}

/// Runs a statement behind the library's back (a tamperer with the database's key, or the
/// app's role on a server): the rows it changed, or the engine's refusal in words.
pub async fn execute(db: &Db, sql: &str) -> Result<u64, String> {
    let mut conn = db.acquire().await.unwrap();
    match conn.on() {
        On::Sqlite(c) => sqlx::query(AssertSqlSafe(sql.to_owned()))
            .execute(c)
            .await
            .map(|r| r.rows_affected()),
        On::Postgres(c) => sqlx::query(AssertSqlSafe(sql.to_owned()))
            .execute(c)
            .await
            .map(|r| r.rows_affected()),
    }
    .map_err(|e| e.to_string())
}

/// This month in the pantry's time zone (`2026-12`): a period a pantry set up today has
/// lived through, as a report needs.
pub fn this_month() -> String {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::London)
        .format("%Y-%m")
        .to_string()
}

/// Actors for calling protected operations, by role.
pub fn admin() -> pantry::access::Actor {
    pantry::access::Actor::for_tests("test", pantry::access::Role::Admin)
}

pub fn manager() -> pantry::access::Actor {
    pantry::access::Actor::for_tests("test", pantry::access::Role::Manager)
}

/// A volunteer with a name, for tests that check who is recorded.
pub fn named(name: &str, role: pantry::access::Role) -> pantry::access::Actor {
    pantry::access::Actor::for_tests(name, role)
}

/// A one-adult household at a Hillside postcode, with consent given.
pub fn household(name: &str) -> HouseholdForm {
    HouseholdForm {
        lead_name: name.into(),
        adults: "1".into(),
        children: "0".into(),
        postcode: "OL1 3BQ".into(),
        consent_given: true,
        ..HouseholdForm::default()
    }
}

/// Runs the real `pantry` command line on a data directory, as a separate process, signed in
/// as Alex, the admin (`pantry demo-data` and `admin_alex` make Alex with PIN 3333).
pub fn pantry(data_dir: &Path, args: &[&str]) -> Output {
    pantry_as(data_dir, Some(("Alex", "3333")), args)
}

/// Runs the command line signed in as `who` (name, PIN), or with no volunteer at all.
pub fn pantry_as(data_dir: &Path, who: Option<(&str, &str)>, args: &[&str]) -> Output {
    pantry_with(data_dir, who, &[], args)
}

/// Runs the command line as `who`, with more environment variables set.
pub fn pantry_with(
    data_dir: &Path,
    who: Option<(&str, &str)>,
    env: &[(&str, &str)],
    args: &[&str],
) -> Output {
    pantry_command(data_dir, who, env, args).output().unwrap()
}

/// The command line on a data directory as `who` (name, PIN), with more environment
/// variables set, ready to run or to start beside others (no standard input).
pub fn pantry_command(
    data_dir: &Path,
    who: Option<(&str, &str)>,
    env: &[(&str, &str)],
    args: &[&str],
) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pantry"));
    command
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("PANTRY_DATA_DIR")
        .env_remove("PANTRY_VOLUNTEER")
        .env_remove("PANTRY_PIN")
        .env("PANTRY_KEY_DIR", key_dir())
        .envs(env.iter().copied())
        .stdin(std::process::Stdio::null());
    if let Some((name, pin)) = who {
        command.env("PANTRY_VOLUNTEER", name).env("PANTRY_PIN", pin);
    }
    command
}

/// Alex, the first admin, with PIN 3333 (as the demo pantry has), for command-line tests on
/// a pantry set up in the test.
/// A new pantry set up as Hillside, with Alex (PIN 3333) its first admin.
pub async fn hillside_with_alex() -> (TempDir, Db) {
    let (dir, db) = fresh_db().await;
    pantry::settings::save(&db, &hillside_form(), &admin())
        .await
        .unwrap();
    admin_alex(&db).await;
    (dir, db)
}

/// Hillside with Alex (PIN 3333) its admin, on `engine`; the data folder and the
/// environment that points the command line at the same database.
pub async fn hillside_with_alex_on(
    engine: pantry::db::Engine,
) -> (TempDir, Db, Vec<(&'static str, String)>) {
    let (dir, db, env) = fresh_db_reached_on(engine).await;
    pantry::settings::save(&db, &hillside_form(), &admin())
        .await
        .unwrap();
    admin_alex(&db).await;
    (dir, db, env)
}

/// A volunteer added by `by` (an admin), with a PIN.
pub async fn add_volunteer(
    db: &Db,
    by: &pantry::access::Actor,
    name: &str,
    role: pantry::access::Role,
    pin: &str,
) -> pantry::volunteers::Volunteer {
    pantry::volunteers::save_volunteer(
        db,
        by,
        &pantry::volunteers::VolunteerForm {
            id: None,
            name: name.into(),
            role,
            pin: pin.into(),
            active: true,
        },
    )
    .await
    .unwrap()
}

pub async fn admin_alex(db: &Db) {
    pantry::volunteers::create_first_admin(db, &first_admin("Alex", "3333"))
        .await
        .unwrap();
}

/// Whether `needle` appears anywhere in `bytes` (a whole database file: a quick search).
pub fn holds(bytes: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(bytes, needle).is_some()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The schema version a newer Pantry would have written.
pub const FUTURE_SCHEMA: i64 = 99990101000000;

/// Marks the database as written by a newer Pantry (a migration this build does not know).
pub async fn mark_as_newer(db: &Db) {
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time)
         VALUES (?, 'from the future', '2099-01-01', 1, x'00', 0)",
    )
    .bind(FUTURE_SCHEMA)
    .execute(db.pool().unwrap())
    .await
    .unwrap();
}

/// A database whose clock stands at `at` (RFC 3339) until the test moves it.
pub fn at(db: Db, at: &str) -> (Db, pantry::clock::Clock) {
    let at = chrono::DateTime::parse_from_rfc3339(at).unwrap();
    stopped(db, at.with_timezone(&chrono::Utc))
}

/// A database whose clock stands at `at` until the test moves it.
pub fn stopped(db: Db, at: chrono::DateTime<chrono::Utc>) -> (Db, pantry::clock::Clock) {
    let clock = pantry::clock::Clock::manual(at);
    (db.with_clock(clock.clone()), clock)
}

/// Checks a household in and records its visit (cash, the usual items) at the database's now,
/// as a manager would at the counter.
pub async fn visit(db: &Db, household: i64) -> pantry::visits::VisitRecord {
    let check_in = pantry::visits::check_in(db, household, None, &admin())
        .await
        .unwrap();
    assert!(check_in.verdict.eligible, "{:?}", check_in.verdict);
    let form = pantry::visits::VisitForm {
        household_id: household,
        request_id: check_in.request_id.clone(),
        card_number: None,
        items: check_in.items_default.to_string(),
        fee_method: pantry::visits::FeeMethod::Cash,
        note: String::new(),
        override_reason: None,
        lines: Vec::new(),
    };
    pantry::visits::record_visit(db, &form, &manager())
        .await
        .unwrap()
}

/// A first admin as typed at first run (the PIN typed twice alike).
pub fn first_admin(name: &str, pin: &str) -> pantry::volunteers::FirstAdmin {
    pantry::volunteers::FirstAdmin {
        admin_name: name.into(),
        admin_pin: pin.into(),
        admin_pin_again: pin.into(),
    }
}

/// Runs a tool (pdftotext, pdffonts, zbarimg, hb-shape …) and returns what it printed;
/// fails the test, naming the command, if it cannot run or fails.
pub fn run(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{cmd:?} could not run ({e}); `make test` installs it"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The PDF's text as pdftotext reads it (pages separated by form feeds), without the
/// direction marks it adds around right-to-left lines and the numbers and English inside
/// them.
pub fn pdf_text(pdf: &Path) -> String {
    run(Command::new("pdftotext").arg(pdf).arg("-"))
        .chars()
        .filter(|c| !matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
        .collect()
}

/// Checks with pdffonts that every font in `pdf` is embedded and subset (a subset font's
/// name carries a tag); returns pdffonts' listing.
pub fn assert_fonts_embedded_and_subset(pdf: &Path) -> String {
    let fonts = run(Command::new("pdffonts").arg(pdf));
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "no fonts in {pdf:?}: {fonts}");
    for row in rows {
        // name type encoding emb sub uni object ID: "emb" and "sub" are yes.
        let cols: Vec<&str> = row.split_whitespace().collect();
        let n = cols.len();
        assert_eq!(
            (cols[n - 5], cols[n - 4]),
            ("yes", "yes"),
            "embedded and subset: {row}"
        );
        assert!(cols[0].contains('+'), "a subset font's name: {row}");
    }
    fonts
}
