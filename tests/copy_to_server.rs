//! Moving a pantry to a server: `pantry copy-to-server` copies a laptop's database into an
//! empty server database (a real process, a real PostgreSQL server), and the server then
//! gives the same answers as the laptop: the landlord summary in JSON, CSV and XLSX, the
//! dashboard, the stock overview and the audit trail in words. A database that is not empty
//! is refused with nothing written, and only an admin may copy.
#![allow(clippy::unwrap_used)]

mod common;

use pantry::access::Role;
use pantry::db::server::ServerAddress;
use pantry::reports::export::{self, ReportFormat};
use pantry::reports::{self, Period};
use pantry::trail::AuditFilter;
use pantry::{backups, stock, Db, Error};

/// A demo pantry (made by the command line) on this laptop, and an empty server database.
async fn laptop_and_server() -> (tempfile::TempDir, common::server::Database) {
    let dir = tempfile::tempdir().unwrap();
    let made = common::pantry_as(
        dir.path(),
        None,
        &["demo-data", "--households", "240", "--weeks", "10"],
    );
    assert!(made.status.success(), "{}", common::stderr(&made));
    (dir, common::server::migrated_database().await)
}

/// The audit entries that say where a copy went: each is recorded on one side only.
const MOVES: [&str; 3] = [
    "database.copied-to-server",
    "backups.taken",
    "backups.restored",
];

/// Everything a volunteer or the landlord reads that the two engines must agree on.
async fn answers(db: &Db, period: &Period) -> Vec<(String, Vec<u8>)> {
    let admin = common::admin();
    let summary = reports::summary(db, period, &admin).await.unwrap();
    let doc = export::summary_document(&summary);
    let mut out = Vec::new();
    for format in [ReportFormat::Json, ReportFormat::Csv] {
        out.push((
            format!("summary {format:?}"),
            export::render(&doc, &summary, format).unwrap(),
        ));
    }
    out.push((
        "summary XLSX cells".into(),
        xlsx_cells(&export::render(&doc, &summary, ReportFormat::Xlsx).unwrap()),
    ));
    let dashboard = reports::dashboard::dashboard(db, &admin).await.unwrap();
    out.push(("dashboard".into(), serde_json::to_vec(&dashboard).unwrap()));
    let overview = stock::levels::overview(db, &admin).await.unwrap();
    out.push((
        "stock overview".into(),
        serde_json::to_vec(&overview).unwrap(),
    ));
    let trail = pantry::trail::list(db, &AuditFilter::default(), &admin)
        .await
        .unwrap();
    // Where the pantry was copied from, backed up or restored is recorded only there.
    let words: Vec<(String, String)> = trail
        .entries
        .iter()
        .filter(|e| !MOVES.contains(&e.action.as_str()))
        .map(|e| (e.at.clone(), e.sentence.clone()))
        .collect();
    assert!(!words.is_empty(), "the demo has a trail");
    out.push((
        "audit trail in words".into(),
        serde_json::to_vec(&words).unwrap(),
    ));
    out
}

/// Every cell of every sheet of a workbook, as text (the file itself carries the time it was
/// made).
fn xlsx_cells(bytes: &[u8]) -> Vec<u8> {
    use calamine::{Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut text = String::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).unwrap();
        for row in range.rows() {
            let cells: Vec<String> = row.iter().map(ToString::to_string).collect();
            text.push_str(&format!("{name}: {}\n", cells.join(" | ")));
        }
    }
    text.into_bytes()
}

/// The server database's indexes and constraints, each as its definition.
async fn keys_and_indexes(url: &str) -> Vec<String> {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
    let found = sqlx::query_scalar(
        "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public'
         UNION ALL
         SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid)
           FROM pg_constraint WHERE connamespace = 'public'::regnamespace
         ORDER BY 1",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
    found
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pantry_copied_to_a_server_gives_the_same_answers() {
    let (dir, database) = laptop_and_server().await;
    let before = keys_and_indexes(&database.owner).await;
    let out = common::pantry(dir.path(), &["copy-to-server", "--to", &database.owner]);
    let said = common::stdout(&out);
    assert!(out.status.success(), "{}{}", said, common::stderr(&out));
    assert!(said.contains("households: 240 rows"), "{said}");
    assert!(
        said.contains("the audit trail on the server ends where this one does"),
        "{said}"
    );
    // The owner's password (in the address given) is never printed.
    let password = database
        .owner
        .split_once("://")
        .and_then(|(_, rest)| rest.split_once('@'))
        .and_then(|(user, _)| user.split_once(':'))
        .map(|(_, password)| password.to_owned())
        .unwrap();
    assert!(password.len() >= 8, "the test cluster has a real password");
    assert!(!said.contains(&password), "{said}");
    // The indexes and foreign keys set aside while the rows went in are all back.
    assert_eq!(keys_and_indexes(&database.owner).await, before);
    assert!(before.len() > 100, "{}", before.len());

    let (laptop, _) = Db::open_in(dir.path(), common::keys()).await.unwrap();
    let app = ServerAddress::parse(&database.app).unwrap();
    let server_files = tempfile::tempdir().unwrap();
    let server = Db::open_server(&app, server_files.path(), common::keys())
        .await
        .unwrap();
    let settings = pantry::settings::require(&laptop).await.unwrap();
    let today = settings.date_at(laptop.now());
    let ten_weeks = Period::parse(&format!(
        "{}..{}",
        today - chrono::Duration::days(70),
        today
    ))
    .unwrap();
    for period in [ten_weeks, Period::parse(&common::this_month()).unwrap()] {
        let here = answers(&laptop, &period).await;
        let there = answers(&server, &period).await;
        for ((what, a), (_, b)) in here.iter().zip(&there) {
            assert!(
                a == b,
                "{what} differs:\nlaptop: {}\nserver: {}",
                String::from_utf8_lossy(a),
                String::from_utf8_lossy(b)
            );
        }
    }
    // The copy is recorded on the laptop, after what was copied.
    let recorded = common::rows::<(String,)>(
        &laptop,
        "SELECT details FROM audit_log WHERE action = 'database.copied-to-server'",
        &[],
    )
    .await;
    assert_eq!(recorded.len(), 1);
    assert!(recorded[0].0.contains("\"households\":240"), "{recorded:?}");
    assert!(!recorded[0].0.contains(&password), "{recorded:?}");

    // New ids on the server follow those copied: a household registered there gets the next
    // serial, and its first card the number that goes with it.
    let registered = pantry::members::register(
        &server,
        &common::household("Nova Server"),
        None,
        &common::admin(),
    )
    .await
    .unwrap();
    assert_eq!(registered.id, 241);
    laptop.close().await;
    server.close().await;
}

/// The periods the answers are compared over: the demo's ten weeks and this month.
async fn periods(db: &Db) -> Vec<Period> {
    let settings = pantry::settings::require(db).await.unwrap();
    let today = settings.date_at(db.now());
    vec![
        Period::parse(&format!(
            "{}..{}",
            today - chrono::Duration::days(70),
            today
        ))
        .unwrap(),
        Period::parse(&common::this_month()).unwrap(),
    ]
}

/// Asserts that `a` and `b` give the same answers.
async fn same_answers(a: &Db, b: &Db) {
    for period in periods(a).await {
        let here = answers(a, &period).await;
        let there = answers(b, &period).await;
        for ((what, x), (_, y)) in here.iter().zip(&there) {
            assert!(
                x == y,
                "{what} differs:\nfirst: {}\nsecond: {}",
                String::from_utf8_lossy(x),
                String::from_utf8_lossy(y)
            );
        }
    }
}

/// A pantry can always walk away with its data: a desk's `pantry backup` of a server database
/// is an encrypted laptop database (its own key, whose recovery key opens it elsewhere), which
/// restores on a new laptop with the same answers, and copies back onto an empty server.
#[tokio::test(flavor = "multi_thread")]
async fn a_server_pantrys_backup_restores_on_a_laptop_and_goes_back_to_a_server() {
    let (dir, database) = laptop_and_server().await;
    let out = common::pantry(dir.path(), &["copy-to-server", "--to", &database.owner]);
    assert!(out.status.success(), "{}", common::stderr(&out));

    let desk = tempfile::tempdir().unwrap();
    let out = common::pantry(desk.path(), &["--database", &database.app, "backup"]);
    let said = common::stdout(&out);
    assert!(out.status.success(), "{said}{}", common::stderr(&out));
    let backups: Vec<_> = std::fs::read_dir(desk.path().join("backups"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(backups.len(), 1, "{backups:?}");
    let backup = &backups[0];
    assert!(
        !pantry::db::is_plain_sqlite(backup),
        "a backup is always encrypted"
    );
    let key = common::keys()
        .get(&desk.path().join("server-backups"))
        .unwrap()
        .expect("the desk keeps the key of its backups");

    // On a new laptop, with the recovery key of the desk's backups.
    let laptop = tempfile::tempdir().unwrap();
    let db_path = laptop.path().join("pantry.sqlite3");
    let request = backups::RestoreRequest::new(backup, &common::admin());
    backups::restore(&db_path, backup, &request, common::keys(), Some(&key))
        .await
        .unwrap();
    let (restored, _) = Db::open_in(laptop.path(), common::keys()).await.unwrap();
    let app = ServerAddress::parse(&database.app).unwrap();
    let server = Db::open_server(&app, desk.path(), common::keys())
        .await
        .unwrap();
    same_answers(&restored, &server).await;
    assert_eq!(
        pantry::audit::chain::verify(&restored)
            .await
            .unwrap()
            .broken,
        None
    );
    restored.close().await;
    server.close().await;

    // And back onto an empty server database (a restore onto a server).
    let again = common::server::migrated_database().await;
    let out = common::pantry(laptop.path(), &["copy-to-server", "--to", &again.owner]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let (restored, _) = Db::open_in(laptop.path(), common::keys()).await.unwrap();
    let there = Db::open_server(
        &ServerAddress::parse(&again.app).unwrap(),
        desk.path(),
        common::keys(),
    )
    .await
    .unwrap();
    same_answers(&restored, &there).await;
    restored.close().await;
    there.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_database_that_is_not_empty_is_refused_and_nothing_is_written() {
    let (dir, database) = laptop_and_server().await;
    // Someone set a pantry up on the server already.
    let owner = ServerAddress::parse(&database.owner).unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let server = Db::open_server(&owner, elsewhere.path(), common::keys())
        .await
        .unwrap();
    pantry::settings::save(&server, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    let households_before = common::count(&server, "households").await;
    let trail_before = common::count(&server, "audit_log").await;

    let out = common::pantry(dir.path(), &["copy-to-server", "--to", &database.owner]);
    assert!(!out.status.success());
    let said = common::stderr(&out);
    assert!(said.contains("not empty"), "{said}");
    assert!(said.contains("Nothing was written"), "{said}");
    assert_eq!(
        common::count(&server, "households").await,
        households_before
    );
    assert_eq!(common::count(&server, "audit_log").await, trail_before);
    server.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn only_an_admin_copies_a_pantry_and_a_server_elsewhere_needs_tls() {
    let (dir, database) = laptop_and_server().await;
    let (laptop, _) = Db::open_in(dir.path(), common::keys()).await.unwrap();
    let owner = ServerAddress::parse(&database.owner).unwrap();
    let refused = backups::copy_to_server(
        &laptop,
        &owner,
        &common::named("Sam", Role::Manager),
        |_, _| {},
    )
    .await
    .unwrap_err();
    assert!(matches!(refused, Error::Forbidden(_)), "{refused:?}");
    laptop.close().await;
    let server = Db::open_server(&owner, dir.path(), common::keys())
        .await
        .unwrap();
    assert_eq!(common::count(&server, "households").await, 0);
    server.close().await;

    let out = common::pantry(
        dir.path(),
        &[
            "copy-to-server",
            "--to",
            "postgres://pantry:secret@db.example.org/pantry",
        ],
    );
    assert!(!out.status.success());
    let said = common::stderr(&out);
    assert!(said.contains("sslmode=verify-full"), "{said}");
    assert!(!said.contains("secret"), "{said}");
}
