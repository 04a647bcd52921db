//! Helpers shared by the integration tests: a real SQLite file in a fresh temp directory.
#![allow(dead_code, clippy::unwrap_used)]

use pantry::settings::SettingsForm;
use pantry::Db;
use tempfile::TempDir;

pub async fn fresh_db() -> (TempDir, Db) {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = Db::open_in(dir.path()).await.unwrap();
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
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(db.pool())
        .await
        .unwrap()
}

/// Actors for calling protected operations, by role.
pub fn admin() -> pantry::access::Actor {
    pantry::access::Actor::system("test", pantry::access::Role::Admin)
}

pub fn manager() -> pantry::access::Actor {
    pantry::access::Actor::system("test", pantry::access::Role::Manager)
}

/// A volunteer with a name, for tests that check who is recorded.
pub fn named(name: &str, role: pantry::access::Role) -> pantry::access::Actor {
    pantry::access::Actor::system(name, role)
}
