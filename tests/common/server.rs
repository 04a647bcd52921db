//! The test run's PostgreSQL server (`make test` starts a throwaway cluster with
//! `pg_virtualenv` and names it in PANTRY_TEST_POSTGRES): a fresh, empty database for each
//! test, made as the README tells an admin to make one, and the app's role.
#![allow(dead_code, clippy::unwrap_used)]

use sqlx::{Connection, PgConnection};

/// The role the app connects as in the tests (rows only, no DDL).
pub const APP_ROLE: &str = "pantry_app";
const APP_PASSWORD: &str = "app-password-for-tests";

/// The cluster's address, as its superuser. Without it the tests fail loudly: a server
/// test never passes by skipping.
pub fn cluster() -> String {
    std::env::var("PANTRY_TEST_POSTGRES").unwrap_or_else(|_| {
        panic!(
            "PANTRY_TEST_POSTGRES is not set: these tests need a PostgreSQL server. Run them \
             with `make test` (which starts one), or set PANTRY_TEST_POSTGRES to \
             postgres://USER:PASSWORD@localhost:PORT/postgres."
        )
    })
}

/// An empty database on the test cluster, C collation and UTF-8; returns its owner's
/// address (the superuser's) and the app role's.
pub async fn fresh_database() -> Database {
    let admin = cluster();
    let name = format!("pantry_test_{}", fastrand::u64(..));
    let mut conn = PgConnection::connect(&admin).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'"
    )))
    .execute(&mut conn)
    .await
    .unwrap();
    // The app's role, once per cluster (the tests of one run share it).
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DO $$ BEGIN CREATE ROLE {APP_ROLE} LOGIN PASSWORD '{APP_PASSWORD}'; \
         EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
    )))
    .execute(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
    let (base, _) = admin.rsplit_once('/').unwrap();
    let host = base.rsplit_once('@').unwrap().1;
    Database {
        owner: format!("{base}/{name}"),
        app: format!("postgres://{APP_ROLE}:{APP_PASSWORD}@{host}/{name}"),
        name,
    }
}

#[derive(Debug, Clone)]
pub struct Database {
    pub name: String,
    /// As the owner (who migrates).
    pub owner: String,
    /// As the app's role.
    pub app: String,
}

/// A fresh database with Pantry's schema, as `pantry migrate --app-role` leaves it.
pub async fn migrated_database() -> Database {
    let database = fresh_database().await;
    let owner = pantry::db::server::ServerAddress::parse(&database.owner).unwrap();
    pantry::db::server::migrate(&owner, Some(APP_ROLE))
        .await
        .unwrap();
    database
}
