//! Erasure that leaves nothing: a household with visits and notes, an override and an undone
//! visit, a referral with detail and outcome, replaced and printed cards, a printed slip and
//! a subject-access export is erased; then no table, search-index shadow table, WAL, file in
//! the data folder or later backup holds any of its values (searched byte by byte on an
//! unencrypted database), and restoring a backup from before the erasure erases it again.
#![allow(clippy::unwrap_used)]

mod common;
#[path = "common/zebulon.rs"]
mod zebulon;

use sqlx::AssertSqlSafe;
use std::path::{Path, PathBuf};

use pantry::backups::{self, BackupReason};
use pantry::members::{self, erasure};
use pantry::output::Existing;
use pantry::Db;

/// Everything personal the test household has, as typed (and as the search keys fold it).
const VALUES: &[&str] = &[
    "Zebulon Quixworth",
    "zebulon quixworth",
    "Quixworth",
    "quixworth",
    "07700 900123",
    "07700900123",
    "zeb.quix@example.org",
    "TQX-88231",
    "Ottoline",
    "Prefers Thursdays, walks with a frame",
    "visit note: brought the pram back",
    "override because of the flood at home",
    "undone: typed twice by Quentin",
    "owes 4000 GBP on a doorstep loan",
    "plan agreed with StepChange xq",
    "lost it on the 409 bus",
    "knee gave way on the Xerxes stairs",
    "4 Quillfeather Court",
    "key safe behind the quince xq9",
    "chatted about the quince tree",
];

/// Trigrams of the name that the search index would hold (its shadow tables store terms,
/// each written after the part it shares with the term before, so a whole name may never
/// appear there). Three bytes turn up by chance in a file's binary parts (the audit chain's
/// hashes), so these are looked for in the index's own blocks, not in the whole file.
const TRIGRAMS: &[&str] = &["xwo", "uix", "ebu"];

/// The search index's shadow tables, whose blocks hold its terms.
const INDEX_BLOCKS: [&str; 2] = ["households_fts_data", "households_words_data"];

/// Every file under `dir`, except those in `skip`.
fn files_under(dir: &Path, skip: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if skip.contains(&path) {
            continue;
        }
        if path.is_dir() {
            out.extend(files_under(&path, skip));
        } else {
            out.push(path);
        }
    }
    out
}

/// The values found in a file's raw bytes (none in a file SQLite removed since it was
/// listed: a `-shm` or `-wal` when the last connection closed).
fn found_in(file: &Path) -> Vec<String> {
    match std::fs::read(file) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        read => holding(&read.unwrap(), VALUES),
    }
}

fn holding(bytes: &[u8], values: &[&str]) -> Vec<String> {
    values
        .iter()
        .filter(|v| common::holds(bytes, v.as_bytes()))
        .map(|v| (*v).to_owned())
        .collect()
}

/// The values and name trigrams found in the search index's blocks, byte by byte.
async fn in_index(db: &Db) -> Vec<String> {
    let all: Vec<&str> = VALUES.iter().chain(TRIGRAMS).copied().collect();
    index_holding(db, &all).await
}

/// Those of `values` found in the search index's blocks, byte by byte.
async fn index_holding(db: &Db, values: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for table in INDEX_BLOCKS {
        let blocks: Vec<Vec<u8>> =
            sqlx::query_scalar(AssertSqlSafe(format!("SELECT block FROM {table}")))
                .fetch_all(db.pool().unwrap())
                .await
                .unwrap();
        found.extend(holding(&blocks.concat(), values));
    }
    found.sort();
    found.dedup();
    found
}

fn assert_nothing_left(dir: &Path, skip: &[PathBuf]) {
    let files = files_under(dir, skip);
    assert!(files.iter().any(|f| f.ends_with("pantry.sqlite3")));
    for file in files {
        let found = found_in(&file);
        assert!(found.is_empty(), "{} still holds {found:?}", file.display());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn erasure_leaves_nothing_in_tables_index_wal_files_or_later_backups() {
    let (dir, db) = common::fresh_plain_db().await;
    let (z, other) = zebulon::pantry_with_zebulon(&db).await;
    let before = backups::back_up(&db, BackupReason::Manual, &common::admin())
        .await
        .unwrap();
    let before = PathBuf::from(before.file);
    // The test means something: before erasing, the values are there to be found.
    let db_file = dir.path().join("pantry.sqlite3");
    let mut everywhere: Vec<String> = files_under(dir.path(), &[])
        .iter()
        .flat_map(|f| found_in(f))
        .collect();
    everywhere.sort();
    everywhere.dedup();
    assert_eq!(everywhere.len(), VALUES.len(), "{everywhere:?}");
    let indexed = in_index(&db).await;
    assert!(
        TRIGRAMS.iter().all(|t| indexed.contains(&(*t).to_owned())),
        "{indexed:?}"
    );
    assert!(!found_in(&before).is_empty());
    let printed = files_under(&dir.path().join("print"), &[]);
    assert_eq!(printed.len(), 3, "{printed:?}");

    let done = erasure::erase(&db, z, "the member asked", &common::manager())
        .await
        .unwrap();
    assert_eq!(done.files_deleted.len(), 5, "{done:?}");
    assert_eq!(
        done.shared_files_deleted.len(),
        1,
        "the sheet with Amelia's card"
    );
    assert!(done.files_left.is_empty());
    assert_eq!(
        done.said,
        "Personal details erased. 5 files about this household deleted (cards, slips, \
         exports). 1 of them was a sheet with other households' cards too, deleted whole: print \
         those cards again if they are needed."
    );
    assert!(files_under(&dir.path().join("print"), &[]).is_empty());
    assert!(files_under(&dir.path().join("exports"), &[]).is_empty());

    // Anonymous counts stay: the visits (with their snapshots), the referral, the cards.
    assert_eq!(common::count(&db, "visits").await, 2);
    assert_eq!(common::count(&db, "referrals").await, 1);
    assert_eq!(common::count(&db, "cards WHERE household_id = 1").await, 2);
    // Amelia is untouched, and her search still works.
    let amelia = members::page(&db, other, &common::admin())
        .await
        .unwrap()
        .household;
    assert_eq!(amelia.lead_name, "Amelia Smith");
    assert_eq!(
        pantry::households::search::search(&db, "smith", 5, &common::admin())
            .await
            .unwrap()
            .len(),
        1
    );
    // The search index holds nothing of it, and is sound.
    assert_eq!(in_index(&db).await, Vec::<String>::new());
    for index in ["households_fts", "households_words"] {
        sqlx::query(AssertSqlSafe(format!(
            "INSERT INTO {index} ({index}) VALUES ('integrity-check')"
        )))
        .execute(db.pool().unwrap())
        .await
        .unwrap();
    }
    // No audit entry holds any of its values (the trail is never changed: they were never in it).
    let audit: Vec<String> =
        sqlx::query_scalar("SELECT coalesce(subject, '') || ' ' || details FROM audit_log")
            .fetch_all(db.pool().unwrap())
            .await
            .unwrap();
    for value in VALUES {
        assert!(
            !audit.iter().any(|a| a.contains(value)),
            "audit holds {value}"
        );
    }
    // …nor in the files: the database, its WAL, the data folder, a backup taken after.
    let after = backups::back_up(&db, BackupReason::Manual, &common::admin())
        .await
        .unwrap();
    assert_nothing_left(dir.path(), std::slice::from_ref(&before));
    assert!(found_in(&PathBuf::from(&after.file)).is_empty());

    // Restoring the backup from before the erasure erases the household again.
    // It runs as in the app, on the encrypted database: opened with a key store, Pantry
    // encrypts the plain database and its plain backups (the one from before included).
    db.close().await;
    let (db, _) = Db::open(&db_file, common::keys()).await.unwrap();
    db.close().await;
    let request = backups::RestoreRequest::new(&before, &common::admin());
    let notice = backups::restore(&db_file, &before, &request, common::keys(), None)
        .await
        .unwrap();
    let (db, _) = Db::open_in(dir.path(), common::keys()).await.unwrap();
    let back = members::page(&db, z, &common::admin())
        .await
        .unwrap()
        .household;
    assert!(back.erased, "{notice:?}");
    assert_eq!(back.lead_name, "Erased household");
    assert!(notice.undone.contains("erased again"), "{}", notice.undone);
    // The restored database's files are encrypted now: its values are searched for in a
    // plain copy of it.
    let outside = tempfile::tempdir().unwrap();
    let plain = outside.path().join("restored.sqlite3");
    pantry::encryption::export_plain(&db, &plain, Existing::Refuse, &common::admin())
        .await
        .unwrap();
    assert_eq!(found_in(&plain), Vec::<String>::new());
    // Its WAL too, while the database is open; then the file alone once closed. (The safety
    // copy taken before the restore is the erased database, so it is searched as well.)
    assert_nothing_left(dir.path(), std::slice::from_ref(&before));
    db.close().await;
    assert_nothing_left(dir.path(), std::slice::from_ref(&before));
}

#[tokio::test(flavor = "multi_thread")]
async fn backups_older_than_the_retention_period_and_verified_upgrade_copies_are_pruned() {
    let (dir, db) = common::fresh_plain_db().await;
    let (db, clock) = common::at(db, "2024-01-01T10:00:00Z");
    pantry::settings::save(&db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    let old = backups::back_up(&db, BackupReason::Manual, &common::admin())
        .await
        .unwrap();
    clock.advance(chrono::Duration::days(60));
    let recent = backups::back_up(&db, BackupReason::Manual, &common::admin())
        .await
        .unwrap();
    assert!(Path::new(&old.file).exists(), "within 24 months: kept");
    // 25 months on, the first backup holds households erased since: it goes.
    clock.advance(chrono::Duration::days(702));
    backups::back_up(&db, BackupReason::Manual, &common::admin())
        .await
        .unwrap();
    assert!(!Path::new(&old.file).exists());
    assert!(Path::new(&recent.file).exists(), "{}", recent.file);

    // A copy taken before an upgrade goes once the upgraded database is verified.
    let copy = dir
        .path()
        .join("pantry-before-upgrade-20240101T100000.000Z.sqlite3");
    db.backup_to(&copy, pantry::output::Existing::Refuse)
        .await
        .unwrap();
    let other = dir.path().join("notes-before-upgrade.txt");
    std::fs::write(&other, "not a copy").unwrap();
    let removed = backups::prune_after_upgrade(&db).await.unwrap();
    assert_eq!(removed, vec![copy.clone()]);
    assert!(!copy.exists() && other.exists());
}

/// All the pool's connections (four) at once: each a different one.
async fn all_connections(db: &Db) -> Vec<sqlx::pool::PoolConnection<sqlx::Sqlite>> {
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(db.pool().unwrap().acquire().await.unwrap());
    }
    held
}

/// FTS5's `secure-delete` takes an erased household's terms out of the search index at once
/// (no merge of the whole index after each erasure), and every connection of the pool still
/// finds the index sound, those that had read it before the erasure too. (In SQLite 3.46,
/// such a connection found the trigram index "malformed" after another one erased.)
#[tokio::test(flavor = "multi_thread")]
async fn every_connection_finds_the_search_index_sound_after_erasures() {
    let (_dir, db) = common::fresh_db().await;
    pantry::settings::save(&db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    let manager = common::manager();
    let mut ids = Vec::new();
    for name in [
        "Zebulon Quixworth",
        "Amelia Smith",
        "Otto Smith",
        "Quentin Quixworth",
    ] {
        let form = common::household(name);
        let household = members::register(&db, &form, Some("neighbours"), &manager).await;
        ids.push(household.unwrap().id);
    }
    // Each of the pool's connections reads the index.
    for mut conn in all_connections(&db).await {
        let found: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM households_fts WHERE households_fts MATCH 'quixworth'",
        )
        .fetch_one(&mut *conn)
        .await
        .unwrap();
        assert_eq!(found, 2);
    }
    // Trigrams of Zebulon and Otto alone.
    assert_eq!(index_holding(&db, &["ebu", "o s"]).await, ["ebu", "o s"]);
    erasure::erase(&db, ids[0], "the member asked", &manager)
        .await
        .unwrap();
    erasure::erase(&db, ids[2], "the member asked", &manager)
        .await
        .unwrap();
    for mut conn in all_connections(&db).await {
        for index in INDEX_BLOCKS.map(|t| t.trim_end_matches("_data")) {
            sqlx::query(AssertSqlSafe(format!(
                "INSERT INTO {index} ({index}) VALUES ('integrity-check')"
            )))
            .execute(&mut *conn)
            .await
            .unwrap();
        }
        let found: Vec<i64> = sqlx::query_scalar(
            "SELECT rowid FROM households_fts WHERE households_fts MATCH 'quixworth'",
        )
        .fetch_all(&mut *conn)
        .await
        .unwrap();
        assert_eq!(found, [ids[3]]);
    }
    // Nothing of the two is left in the index's blocks: no merge was needed.
    assert_eq!(
        index_holding(&db, &["ebu", "o s"]).await,
        Vec::<String>::new()
    );
}

/// The files Pantry wrote about household `number`: its card (to `card`) and its subject
/// access export (JSON and PDF, in the data folder's `exports`). Returns them all.
fn files_about(data: &Path, number: &str, card: &Path) -> Vec<PathBuf> {
    let exports = data.join("exports");
    std::fs::create_dir_all(&exports).unwrap();
    let before = files_under(&exports, &[]);
    let card_text = card.display().to_string();
    for args in [
        &["print", "cards", "--household", number, "--out", &card_text][..],
        &["subject-access", number][..],
    ] {
        let out = common::pantry(data, args);
        assert!(out.status.success(), "{}", common::stderr(&out));
    }
    let mut files: Vec<PathBuf> = files_under(&exports, &[])
        .into_iter()
        .filter(|f| !before.contains(f))
        .collect();
    files.push(card.to_owned());
    assert_eq!(files.len(), 3, "{files:?}");
    files
}

/// Staged copies (`.pantry-*.part`, with SQLite's files beside them) anywhere in `data`.
fn staged_leftovers(data: &Path) -> Vec<PathBuf> {
    files_under(data, &[])
        .into_iter()
        .filter(|f| {
            f.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(".pantry-"))
        })
        .collect()
}

/// An intruder's (or a power cut's) timing: `pantry erase` killed with SIGKILL at moments
/// spread over its whole run (the deterministic case of a kill between the commit and the
/// files' deletion is the test after this one). Each time the household is either not erased at all (its files
/// still there, for the erasure to be asked again) or, by the next command, erased whole:
/// every file about it deleted and nothing staged left in the data folder.
#[tokio::test(flavor = "multi_thread")]
async fn an_erasure_killed_at_any_moment_is_finished_by_the_next_command() {
    const ROUNDS: usize = 12;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let demo = common::pantry(data, &["demo-data", "--households", "30", "--weeks", "1"]);
    assert!(demo.status.success(), "{}", common::stderr(&demo));
    let households: Vec<(i64, String)> = {
        let (db, _) = Db::open_in(data, common::keys()).await.unwrap();
        let rows = sqlx::query_as(
            "SELECT id, membership_number FROM households WHERE erased_at IS NULL ORDER BY id LIMIT ?",
        )
        .bind(i64::try_from(ROUNDS + 1).unwrap())
        .fetch_all(db.pool().unwrap())
        .await
        .unwrap();
        db.close().await;
        rows
    };
    let erase = |number: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_pantry"))
            .arg("--data-dir")
            .arg(data)
            .args(["erase", number, "--reason", "the member asked"])
            .env("PANTRY_KEY_DIR", common::key_dir())
            .env("PANTRY_VOLUNTEER", "Alex")
            .env("PANTRY_PIN", "3333")
            .env_remove("PANTRY_DATA_DIR")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    // How long a whole erasure takes here, to spread the kills over it.
    let (_, first) = &households[0];
    files_about(data, first, &data.join("card-first.pdf"));
    let started = std::time::Instant::now();
    assert!(erase(first).wait().unwrap().success());
    let whole = started.elapsed();

    let (mut untouched, mut whole_at_once, mut finished_later) = (0, 0, 0);
    for (round, (id, number)) in households[1..].iter().enumerate() {
        let files = files_about(data, number, &data.join(format!("card-{round}.pdf")));
        // From the start (nothing done) to past the end, most of them near the end, where
        // the erasure commits and then deletes the files.
        let share = if round == 0 {
            0.0
        } else {
            0.6 + 0.6 * round as f64 / (ROUNDS - 1) as f64
        };
        let moment = whole.mul_f64(share);
        let mut child = erase(number);
        std::thread::sleep(moment);
        let _ = child.kill(); // SIGKILL; it may have finished already
        child.wait().unwrap();
        let left_after_kill = files.iter().filter(|f| f.exists()).count();

        // The next command, whatever it is, finishes what the erasure began.
        let next = common::pantry(data, &["init"]);
        assert!(next.status.success(), "{}", common::stderr(&next));
        let (db, _) = Db::open_in(data, common::keys()).await.unwrap();
        let erased: bool =
            sqlx::query_scalar("SELECT erased_at IS NOT NULL FROM households WHERE id = ?")
                .bind(id)
                .fetch_one(db.pool().unwrap())
                .await
                .unwrap();
        let listed: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM household_files WHERE household_id = ?")
                .bind(id)
                .fetch_one(db.pool().unwrap())
                .await
                .unwrap();
        db.close().await;
        let left: Vec<_> = files.iter().filter(|f| f.exists()).collect();
        if erased {
            assert!(
                left.is_empty(),
                "round {round}: erased, but {left:?} remain"
            );
            assert_eq!(listed, 0, "round {round}");
            if left_after_kill > 0 {
                finished_later += 1;
            } else {
                whole_at_once += 1;
            }
        } else {
            assert_eq!(left.len(), 3, "round {round}: not erased, files kept");
            untouched += 1;
        }
        assert_eq!(
            staged_leftovers(data),
            Vec::<PathBuf>::new(),
            "round {round}"
        );
        println!(
            "round {round:2}: killed after {moment:?} of {whole:?}: erased {erased}, files left by the kill {left_after_kill}, after the next command {}",
            left.len()
        );
    }
    println!(
        "{untouched} not begun, {whole_at_once} whole before the kill, {finished_later} finished by the next command"
    );
    assert!(
        untouched > 0 && whole_at_once > 0,
        "the kills span the erasure"
    );
}

/// The moment between an erasure's commit and its files' deletion, made to last: the card's
/// path is briefly not a file Pantry can delete, so the erasure leaves it listed; the next
/// start deletes it once it is back as Pantry wrote it.
#[tokio::test(flavor = "multi_thread")]
async fn files_an_erasure_could_not_delete_go_at_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let demo = common::pantry(data, &["demo-data", "--households", "5", "--weeks", "1"]);
    assert!(demo.status.success(), "{}", common::stderr(&demo));
    let (db, _) = Db::open_in(data, common::keys()).await.unwrap();
    let (id, number): (i64, String) =
        sqlx::query_as("SELECT id, membership_number FROM households ORDER BY id LIMIT 1")
            .fetch_one(db.pool().unwrap())
            .await
            .unwrap();
    db.close().await;
    let card = data.join("card.pdf");
    let files = files_about(data, &number, &card);
    let bytes = std::fs::read(&card).unwrap();
    std::fs::remove_file(&card).unwrap();
    std::fs::create_dir(&card).unwrap();

    let (db, _) = Db::open_in(data, common::keys()).await.unwrap();
    let done = erasure::erase(&db, id, "the member asked", &common::manager())
        .await
        .unwrap();
    assert_eq!(done.files_left, vec![card.display().to_string()]);
    assert!(
        done.said.ends_with(&format!(
            "Check by hand (changed since Pantry wrote them): {}.",
            card.display()
        )),
        "{}",
        done.said
    );
    assert_eq!(
        erasure::finish_interrupted(&db).await.unwrap(),
        Vec::<String>::new()
    );
    db.close().await;

    std::fs::remove_dir(&card).unwrap();
    std::fs::write(&card, &bytes).unwrap();
    let next = common::pantry(data, &["init"]);
    assert!(next.status.success(), "{}", common::stderr(&next));
    assert!(
        common::stdout(&next).contains("Finished an earlier erasure"),
        "{}",
        common::stdout(&next)
    );
    assert!(files.iter().all(|f| !f.exists()));
}

/// The reason for an erasure is kept after it: a reason holding the household's own name,
/// phone or postcode (however typed), or an essay, is refused and nothing is erased.
#[tokio::test(flavor = "multi_thread")]
async fn an_erasure_reason_never_keeps_what_the_erasure_removes() {
    let (_dir, db) = common::fresh_db().await;
    pantry::settings::save(&db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    let form = pantry::households::form::HouseholdForm {
        phone: "07700 900123".into(),
        ..common::household("Zebedee Okonkwo-Hart")
    };
    let id = members::register(&db, &form, None, &common::admin())
        .await
        .unwrap()
        .id;
    let too_long = "asked ".repeat(50);
    for reason in [
        "Zebedee asked us to",
        "asked on the phone, 07700900123",
        "moved away from ol13bq",
        "OKONKWO-HART asked",
        too_long.as_str(),
    ] {
        let Err(pantry::Error::Validation(fields)) =
            erasure::erase(&db, id, reason, &common::manager()).await
        else {
            panic!("{reason:?} was taken")
        };
        assert_eq!(fields[0].field, "reason", "{reason:?}");
    }
    let household = members::page(&db, id, &common::admin()).await.unwrap();
    assert!(!household.household.erased, "nothing was erased");
    erasure::erase(&db, id, "the member asked, in person", &common::manager())
        .await
        .unwrap();
}

/// The files of a server database's tables, indexes and catalogs (its directory under the
/// cluster's `base`), after a checkpoint has written every changed page to them.
async fn server_table_files(database: &common::server::Database) -> Vec<PathBuf> {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(&common::server::cluster())
        .await
        .unwrap();
    sqlx::query("CHECKPOINT").execute(&mut conn).await.unwrap();
    let data: String = sqlx::query_scalar("SELECT current_setting('data_directory')")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    let oid: i64 = sqlx::query_scalar("SELECT oid::bigint FROM pg_database WHERE datname = $1")
        .bind(&database.name)
        .fetch_one(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    let dir = Path::new(&data).join("base").join(oid.to_string());
    let files = files_under(&dir, &[]);
    assert!(files.len() > 100, "{}: {files:?}", dir.display());
    files
}

/// The values found in any of a server database's files.
fn found_in_any(files: &[PathBuf]) -> Vec<String> {
    let mut found: Vec<String> = files.iter().flat_map(|f| found_in(f)).collect();
    found.sort();
    found.dedup();
    found
}

/// On a server, as the app's role (which may not rewrite tables itself): after the erasure
/// commits, the tables that held the household are rewritten, so no old version of its rows
/// is left in the database's files (tables, their indexes, TOAST tables, catalogs), and the
/// planner's statistics never sampled its values, even after an ANALYZE.
#[tokio::test(flavor = "multi_thread")]
async fn on_a_server_erasure_leaves_nothing_in_the_tables_files() {
    let database = common::server::migrated_database().await;
    let dir = tempfile::tempdir().unwrap();
    let address = pantry::db::server::ServerAddress::parse(&database.app).unwrap();
    let db = Db::open_server(&address, dir.path(), common::keys())
        .await
        .unwrap();
    let (z, other) = zebulon::pantry_with_zebulon(&db).await;
    {
        // The statistics as autovacuum would gather them (as the owner: ANALYZE is the owner's).
        use sqlx::Connection;
        let mut owner = sqlx::PgConnection::connect(&database.owner).await.unwrap();
        sqlx::query("ANALYZE").execute(&mut owner).await.unwrap();
        owner.close().await.unwrap();
    }
    // The test means something: before erasing, every value is in the server's files.
    assert_eq!(
        found_in_any(&server_table_files(&database).await).len(),
        VALUES.len()
    );

    let done = erasure::erase(&db, z, "the member asked", &common::manager())
        .await
        .unwrap();
    assert_eq!(done.files_deleted.len(), 5, "{done:?}");
    assert_eq!(
        found_in_any(&server_table_files(&database).await),
        Vec::<String>::new()
    );
    // Anonymous counts stay, Amelia is untouched and still found.
    assert_eq!(common::count(&db, "visits").await, 2);
    assert_eq!(common::count(&db, "referrals").await, 1);
    let amelia = members::page(&db, other, &common::admin())
        .await
        .unwrap()
        .household;
    assert_eq!(amelia.lead_name, "Amelia Smith");
    let found = pantry::households::search::search(&db, "smith", 5, &common::admin())
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert!(
        pantry::households::search::search(&db, "quixworth", 5, &common::admin())
            .await
            .unwrap()
            .is_empty()
    );
    // The app's role still may not rewrite or change the schema itself.
    {
        use sqlx::Connection;
        let mut app = sqlx::PgConnection::connect(&database.app).await.unwrap();
        for statement in [
            "VACUUM FULL households",
            "CLUSTER households USING households_pkey",
        ] {
            let refused = sqlx::query(statement).execute(&mut app).await;
            let warned_or_refused = match refused {
                Err(e) => e.to_string().contains("owner") || e.to_string().contains("permission"),
                // VACUUM skips a table it may not vacuum with a warning, changing nothing.
                Ok(_) => statement.starts_with("VACUUM"),
            };
            assert!(warned_or_refused, "{statement}");
        }
        app.close().await.unwrap();
    }
    db.close().await;
}
