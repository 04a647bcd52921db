//! The two engines' schemas are the same: every table, column (by name, nullability and
//! mapped type), primary key, unique key, foreign key, named index and number of CHECK
//! constraints that a laptop's SQLite database has, a server's PostgreSQL database has too,
//! and nothing else but what each engine's search needs. Also: `pantry migrate` refuses what
//! it must, and the app's role cannot change the schema or rewrite the audit trail.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::{BTreeMap, BTreeSet};

use pantry::db::server::{self, ServerAddress};
use pantry::{Db, Error};
use sqlx::{AssertSqlSafe, Connection, PgConnection, PgPool, SqlitePool};

/// SQLite's search index (FTS5 tables and the switch that defers them during an import);
/// PostgreSQL searches with trigram indexes on `households` instead.
const SQLITE_ONLY_TABLES: [&str; 3] = [
    "households_fts",
    "households_words",
    "search_index_deferred",
];
/// Each household's latest visit in a period: SQLite finds it by the rowid every index holds;
/// PostgreSQL reads it from `idx_visits_latest` (listed below), whose key holds the id.
const SQLITE_ONLY_INDEXES: [&str; 1] = ["idx_visits_household_report"];
/// PostgreSQL's counterparts of SQLite's word index: a table of each word of each name (by
/// a trigger), a full-text index over the names' words, and trigram indexes.
const POSTGRES_ONLY_TABLES: [&str; 1] = ["households_words"];
const POSTGRES_ONLY_INDEXES: [&str; 6] = [
    "idx_households_name_words",
    "idx_visits_latest",
    "idx_households_search_trgm",
    "idx_households_postcode_trgm",
    "idx_households_phone_trgm",
    "idx_households_number_trgm",
];

#[derive(Debug, Default, PartialEq, Eq)]
struct Schema {
    /// table → column → (type, not null)
    columns: BTreeMap<String, BTreeMap<String, (String, bool)>>,
    primary_keys: BTreeSet<(String, Vec<String>)>,
    unique_keys: BTreeSet<(String, Vec<String>)>,
    foreign_keys: BTreeSet<(String, String, String, String)>,
    /// name → (table, unique, columns)
    indexes: BTreeMap<String, (String, bool, Vec<String>)>,
    checks: BTreeMap<String, usize>,
}

/// sqlx's own record of the migrations applied, in each engine's types.
const SQLX_TABLE: &str = "_sqlx_migrations";

fn is_sqlite_only(table: &str) -> bool {
    table == SQLX_TABLE
        || SQLITE_ONLY_TABLES
            .iter()
            .any(|t| table == *t || table.starts_with(&format!("{t}_")))
}

async fn sqlite_schema(pool: &SqlitePool) -> Schema {
    let mut schema = Schema::default();
    let tables: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for (table, sql) in tables {
        if is_sqlite_only(&table) {
            continue;
        }
        // Flags are INTEGER columns that only hold 0 or 1: boolean on PostgreSQL.
        let flags: BTreeSet<String> = sql
            .match_indices(" IN (0, 1))")
            .filter_map(|(at, _)| {
                let before = &sql[..at];
                let open = before.rfind("CHECK (")?;
                Some(before[open + 7..].trim().to_owned())
            })
            .collect();
        let columns: Vec<(String, String, bool, i64)> = sqlx::query_as(
            "SELECT name, type, \"notnull\", pk FROM pragma_table_info(?) ORDER BY cid",
        )
        .bind(&table)
        .fetch_all(pool)
        .await
        .unwrap();
        let mut pk: Vec<(i64, String)> = Vec::new();
        let mut cols = BTreeMap::new();
        for (name, kind, not_null, in_pk) in columns {
            let kind = if flags.contains(&name) {
                "FLAG".to_owned()
            } else {
                kind.to_uppercase()
            };
            if in_pk > 0 {
                pk.push((in_pk, name.clone()));
            }
            // A primary key's columns are never null.
            cols.insert(name, (kind, not_null || in_pk > 0));
        }
        pk.sort();
        if !pk.is_empty() {
            schema
                .primary_keys
                .insert((table.clone(), pk.into_iter().map(|(_, c)| c).collect()));
        }
        schema.columns.insert(table.clone(), cols);
        // A flag's check is its type on PostgreSQL.
        let checks = sql.matches("CHECK (").count() - flags.len();
        if checks > 0 {
            schema.checks.insert(table.clone(), checks);
        }
        let fks: Vec<(String, String, String)> =
            sqlx::query_as("SELECT \"from\", \"table\", \"to\" FROM pragma_foreign_key_list(?)")
                .bind(&table)
                .fetch_all(pool)
                .await
                .unwrap();
        for (from, to_table, to) in fks {
            schema
                .foreign_keys
                .insert((table.clone(), from, to_table, to));
        }
        let indexes: Vec<(String, bool, String)> =
            sqlx::query_as("SELECT name, \"unique\", origin FROM pragma_index_list(?)")
                .bind(&table)
                .fetch_all(pool)
                .await
                .unwrap();
        for (index, unique, origin) in indexes {
            let parts: Vec<(Option<String>, String)> = sqlx::query_as(
                "SELECT name, coll FROM pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno",
            )
            .bind(&index)
            .fetch_all(pool)
            .await
            .unwrap();
            let columns: Vec<String> = parts
                .into_iter()
                .map(|(name, coll)| {
                    let name = name.unwrap_or_else(|| "(expression)".into());
                    if coll == "NOCASE" {
                        format!("{name} whatever its case")
                    } else {
                        name
                    }
                })
                .collect();
            match origin.as_str() {
                "c" if SQLITE_ONLY_INDEXES.contains(&index.as_str()) => {}
                "c" => {
                    schema
                        .indexes
                        .insert(index, (table.clone(), unique, columns));
                }
                "u" => {
                    schema.unique_keys.insert((table.clone(), columns));
                }
                _ => {
                    // The primary key's own index; a NOCASE key is unique whatever its case.
                    if columns.iter().any(|c| c.ends_with("whatever its case")) {
                        schema.unique_keys.insert((table.clone(), columns));
                    }
                }
            }
        }
    }
    schema
}

/// A constraint: its table, kind (p, u, f, c), columns, and for a foreign key the table and
/// columns it refers to.
type ConstraintRow = (String, String, Vec<String>, Option<String>, Vec<String>);

async fn postgres_schema(pool: &PgPool) -> Schema {
    let mut schema = Schema::default();
    let columns: Vec<(String, String, String, bool)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text, is_nullable = 'NO'
           FROM information_schema.columns WHERE table_schema = 'public'
          ORDER BY table_name, ordinal_position",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for (table, column, kind, not_null) in columns {
        if table == SQLX_TABLE || POSTGRES_ONLY_TABLES.contains(&table.as_str()) {
            continue;
        }
        let mapped = match kind.as_str() {
            "bigint" => "INTEGER",
            "boolean" => "FLAG",
            "text" | "timestamp with time zone" | "date" => "TEXT",
            "bytea" => "BLOB",
            other => panic!("{table}.{column} has a type with no SQLite counterpart: {other}"),
        };
        schema
            .columns
            .entry(table)
            .or_default()
            .insert(column, (mapped.to_owned(), not_null));
    }
    let constraints: Vec<ConstraintRow> = sqlx::query_as(
        "SELECT c.conrelid::regclass::text, c.contype::text,
                    ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
                          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n
                          ORDER BY k.i),
                    c.confrelid::regclass::text,
                    ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
                          JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n
                          ORDER BY k.i)
               FROM pg_constraint c JOIN pg_namespace s ON s.oid = c.connamespace
              WHERE s.nspname = 'public'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for (table, kind, columns, to_table, to_columns) in constraints {
        if table == SQLX_TABLE || POSTGRES_ONLY_TABLES.contains(&table.as_str()) {
            continue;
        }
        match kind.as_str() {
            "p" => {
                schema.primary_keys.insert((table, columns));
            }
            "u" => {
                schema.unique_keys.insert((table, columns));
            }
            "f" => {
                for (from, to) in columns.into_iter().zip(to_columns) {
                    schema.foreign_keys.insert((
                        table.clone(),
                        from,
                        to_table.clone().unwrap(),
                        to,
                    ));
                }
            }
            "c" => *schema.checks.entry(table).or_default() += 1,
            other => panic!("an unexpected constraint on {table}: {other}"),
        }
    }
    let indexes: Vec<(String, String, bool, Vec<String>)> = sqlx::query_as(
        "SELECT i.indexrelid::regclass::text, i.indrelid::regclass::text, i.indisunique,
                ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true)
                        FROM generate_series(1, i.indnkeyatts) k)
           FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
           JOIN pg_namespace s ON s.oid = t.relnamespace
          WHERE s.nspname = 'public'
            AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for (index, table, unique, columns) in indexes {
        if table == SQLX_TABLE
            || POSTGRES_ONLY_TABLES.contains(&table.as_str())
            || POSTGRES_ONLY_INDEXES.contains(&index.as_str())
        {
            continue;
        }
        // lower(name): SQLite's NOCASE column.
        let columns: Vec<String> = columns
            .iter()
            .map(
                |c| match c.strip_prefix("lower(").and_then(|c| c.strip_suffix(')')) {
                    Some(column) => format!("{column} whatever its case"),
                    None => c.clone(),
                },
            )
            .collect();
        if let Some(rest) = index.strip_prefix("uq_") {
            // A name unique whatever its case: SQLite's UNIQUE COLLATE NOCASE.
            assert!(rest.starts_with(&table), "{index} is not named for {table}");
            assert!(unique && columns.iter().all(|c| c.ends_with("whatever its case")));
            schema.unique_keys.insert((table, columns));
        } else {
            schema.indexes.insert(index, (table, unique, columns));
        }
    }
    schema
}

#[tokio::test(flavor = "multi_thread")]
async fn both_engines_have_the_same_tables_columns_keys_and_indexes() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = Db::open_unencrypted(&dir.path().join("pantry.sqlite3"))
        .await
        .unwrap();
    let sqlite = sqlite_schema(db.pool().unwrap()).await;
    db.close().await;

    let database = common::server::migrated_database().await;
    let pool = PgPool::connect(&database.owner).await.unwrap();
    let postgres = postgres_schema(&pool).await;
    pool.close().await;

    assert!(sqlite.columns.len() > 35, "{:?}", sqlite.columns.keys());
    let tables = |s: &Schema| s.columns.keys().cloned().collect::<Vec<_>>();
    assert_eq!(tables(&sqlite), tables(&postgres), "tables");
    for (table, columns) in &sqlite.columns {
        assert_eq!(
            Some(columns),
            postgres.columns.get(table),
            "columns of {table}"
        );
    }
    assert_eq!(sqlite.primary_keys, postgres.primary_keys, "primary keys");
    assert_eq!(sqlite.unique_keys, postgres.unique_keys, "unique keys");
    assert_eq!(sqlite.foreign_keys, postgres.foreign_keys, "foreign keys");
    assert_eq!(sqlite.indexes, postgres.indexes, "named indexes");
    assert_eq!(
        sqlite.checks, postgres.checks,
        "CHECK constraints per table"
    );
}

#[test]
fn both_engines_are_at_the_same_schema_version_and_every_server_version_is_a_laptop_one() {
    assert_eq!(server::known_schema(), pantry::db::known_schema());
    let laptop: BTreeSet<String> = std::fs::read_dir("migrations/sqlite")
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|n| n.split('_').next().map(str::to_owned))
        .collect();
    for entry in std::fs::read_dir("migrations/postgres").unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let version = name.split('_').next().unwrap().to_owned();
        assert!(laptop.contains(&version), "{name} has no SQLite twin");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn migrating_twice_changes_nothing_and_the_app_connects_once_it_is_done() {
    let database = common::server::fresh_database().await;
    let owner = ServerAddress::parse(&database.owner).unwrap();
    let app = ServerAddress::parse(&database.app).unwrap();
    // Before the schema is made, the app says so and changes nothing.
    let dir = tempfile::tempdir().unwrap();
    let err = Db::open_server(&app, dir.path(), common::keys())
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("pantry migrate"),
        "the admin is told what to run: {err}"
    );
    let first = server::migrate(&owner, Some(common::server::APP_ROLE))
        .await
        .unwrap();
    assert!(first.applied >= 1);
    let again = server::migrate(&owner, Some(common::server::APP_ROLE))
        .await
        .unwrap();
    assert_eq!(again.applied, 0);
    assert_eq!(again.version, first.version);
    let db = Db::open_server(&app, dir.path(), common::keys())
        .await
        .unwrap();
    assert_eq!(db.engine(), pantry::db::Engine::Postgres);
    assert!(!db.location().contains("password"), "{}", db.location());
    db.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_apps_role_reads_and_writes_rows_but_never_the_schema_or_the_trail() {
    let database = common::server::migrated_database().await;
    let mut app = PgConnection::connect(&database.app).await.unwrap();
    sqlx::query("INSERT INTO audit_log (at, actor, action) VALUES (now(), 'Sam', 'test')")
        .execute(&mut app)
        .await
        .unwrap();
    for statement in [
        "UPDATE audit_log SET actor = 'someone else'",
        "DELETE FROM audit_log",
        "DELETE FROM stock_movements",
        "DROP TABLE households",
        "ALTER TABLE households ADD COLUMN secret TEXT",
        "CREATE TABLE mine (x bigint)",
        "DELETE FROM _sqlx_migrations",
    ] {
        let refused = sqlx::query(AssertSqlSafe(statement))
            .execute(&mut app)
            .await;
        assert!(refused.is_err(), "the app's role may not: {statement}");
    }
    let entries: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
        .fetch_one(&mut app)
        .await
        .unwrap();
    assert_eq!(entries, 1);
    app.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_database_that_sorts_text_otherwise_or_is_newer_is_refused() {
    let admin = common::server::cluster();
    let mut conn = PgConnection::connect(&admin).await.unwrap();
    let name = format!("pantry_test_{}", fastrand::u64(..));
    // Text sorted by language (ICU's English), not byte by byte as SQLite does.
    sqlx::query(AssertSqlSafe(format!(
        "CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8' \
         LOCALE_PROVIDER icu ICU_LOCALE 'en-GB'"
    )))
    .execute(&mut conn)
    .await
    .unwrap();
    let (base, _) = admin.rsplit_once('/').unwrap();
    let wrong = ServerAddress::parse(&format!("{base}/{name}")).unwrap();
    let err = server::migrate(&wrong, None).await.unwrap_err();
    assert!(err.to_string().contains("C.UTF-8"), "{err}");
    let tables: i64 = {
        let mut other = PgConnection::connect(&format!("{base}/{name}"))
            .await
            .unwrap();
        sqlx::query_scalar("SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'")
            .fetch_one(&mut other)
            .await
            .unwrap()
    };
    assert_eq!(tables, 0, "nothing was made");

    let database = common::server::migrated_database().await;
    let mut owner = PgConnection::connect(&database.owner).await.unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (99990101000000, 'from the future', true, '\\x00', 0)",
    )
    .execute(&mut owner)
    .await
    .unwrap();
    let address = ServerAddress::parse(&database.app).unwrap();
    let dir = tempfile::tempdir().unwrap();
    assert!(matches!(
        Db::open_server(&address, dir.path(), common::keys()).await,
        Err(Error::SchemaTooNew { .. })
    ));
    let owner_address = ServerAddress::parse(&database.owner).unwrap();
    assert!(matches!(
        server::migrate(&owner_address, None).await,
        Err(Error::SchemaTooNew { .. })
    ));
}

#[test]
fn a_server_elsewhere_needs_a_verified_encrypted_link_and_its_password_is_never_shown() {
    for refused in [
        "postgres://pantry:secret@db.example.org/pantry",
        "postgres://pantry:secret@db.example.org/pantry?sslmode=require",
        "postgres://pantry:secret@db.example.org/pantry?sslmode=verify-full",
        "mysql://pantry@localhost/pantry",
        "pantry.sqlite3",
    ] {
        let err = ServerAddress::parse(refused).unwrap_err();
        assert!(!err.to_string().contains("secret"), "{err}");
        assert!(matches!(err, Error::Validation(_)), "{refused}: {err}");
    }
    let ok = ServerAddress::parse(
        "postgres://pantry:secret@db.example.org:5433/pantry?sslmode=verify-full&sslrootcert=ca.crt",
    )
    .unwrap();
    assert!(ok.is_encrypted());
    assert_eq!(ok.shown(), "postgres://pantry@db.example.org:5433/pantry");
    assert!(!format!("{ok:?}").contains("secret"));
    let here = ServerAddress::parse("postgres://pantry:secret@localhost/pantry").unwrap();
    assert!(!here.is_encrypted());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_does_not_answer_is_told_within_three_seconds() {
    // A "server" that takes the connection and never answers (a frozen or firewalled one).
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let address =
        ServerAddress::parse(&format!("postgres://pantry:secret@127.0.0.1:{port}/pantry")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let err = Db::open_server(&address, dir.path(), common::keys())
        .await
        .unwrap_err();
    assert!(started.elapsed() < std::time::Duration::from_secs(4));
    assert!(matches!(err, Error::Unavailable(_)), "{err}");
    assert!(!err.to_string().contains("secret"), "{err}");
    drop(listener);
}
