//! What every benchmark starts from.

use pantry::keys::KeyStore;
use pantry::Db;

/// A new, empty pantry database in a temporary folder, encrypted as on a volunteer's laptop
/// (its key in a key folder beside it). The folder is removed when the first value is dropped.
pub async fn encrypted_pantry() -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = Db::open_in(dir.path(), &KeyStore::Folder(dir.path().join("keys")))
        .await
        .unwrap();
    (dir, db)
}
