//! The audit trail's hash chain. Each entry's link is SHA-256 over the previous link and the
//! entry's fields as stored, so an entry edited, removed or slipped in with `sqlite3` (even
//! with the append-only triggers dropped) breaks the chain from that entry on. The chain is
//! checked when the app opens and before each backup; its head (entries and last link) is
//! recorded with each backup and each landlord export.

use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::SqliteConnection;
use ts_rs::TS;

use super::store::{self, StoredEntry};
use crate::db::Db;
use crate::error::Result;

/// The link before the first entry.
const GENESIS: [u8; 32] = [0; 32];

/// The link of `entry` after `previous`.
pub(crate) fn link(previous: &[u8], entry: &StoredEntry) -> [u8; 32] {
    let fields = serde_json::json!([
        entry.id,
        entry.at,
        entry.actor,
        entry.action,
        entry.subject,
        entry.details
    ]);
    let mut hash = Sha256::new();
    hash.update(previous);
    hash.update(fields.to_string().as_bytes());
    hash.finalize().into()
}

/// Links a just-written entry to the chain, in the caller's transaction.
pub(crate) async fn extend(conn: &mut SqliteConnection, entry: &StoredEntry) -> Result<()> {
    link_legacy(conn).await?;
    let previous = store::last_link(conn).await?;
    let hash = link(previous.as_deref().unwrap_or(&GENESIS), entry);
    store::insert_link(conn, entry.id, &hash).await
}

/// Links the entries written before the chain existed, once: the migration that made the
/// chain noted how far they go.
async fn link_legacy(conn: &mut SqliteConnection) -> Result<()> {
    let Some(up_to) = store::legacy_up_to(conn).await? else {
        return Ok(());
    };
    let mut previous = GENESIS.to_vec();
    for entry in store::entries_up_to(conn, up_to).await? {
        let hash = link(&previous, &entry);
        store::insert_link(conn, entry.id, &hash).await?;
        previous = hash.to_vec();
    }
    store::legacy_linked(conn).await
}

/// The chain's head: how many entries it covers and the last link (hex).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChainHead {
    #[ts(type = "number")]
    pub entries: i64,
    pub hash: String,
}

/// The first entry that does not fit the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChainBreak {
    #[ts(type = "number")]
    pub entry_id: i64,
    pub at: String,
    pub action: String,
    /// What is wrong, in words.
    pub problem: String,
}

/// What checking the chain found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChainCheck {
    pub head: ChainHead,
    pub broken: Option<ChainBreak>,
}

/// Walks the whole trail, oldest first, recomputing every link.
pub async fn verify(db: &Db) -> Result<ChainCheck> {
    let mut tx = db.begin_write().await?;
    link_legacy(&mut tx).await?;
    tx.commit().await?;
    let mut conn = db.pool().acquire().await?;
    let rows = store::entries_with_links(&mut conn).await?;
    let links = store::link_count(&mut conn).await?;
    let mut previous = GENESIS.to_vec();
    let mut broken = None;
    let mut entries = 0;
    for store::Linked { entry, hash } in &rows {
        let expected = link(&previous, entry);
        let problem = match hash {
            None => Some("it has no link in the chain: it was added outside Pantry"),
            Some(stored) if stored.as_slice() != expected => {
                Some("it, or an entry before it, was changed or removed outside Pantry")
            }
            Some(_) => None,
        };
        if let Some(problem) = problem {
            broken = Some(ChainBreak {
                entry_id: entry.id,
                at: entry.at.clone(),
                action: entry.action.clone(),
                problem: problem.into(),
            });
            break;
        }
        previous = expected.to_vec();
        entries += 1;
    }
    if broken.is_none() && links > rows.len() as i64 {
        broken = Some(ChainBreak {
            entry_id: 0,
            at: String::new(),
            action: String::new(),
            problem: "entries were removed outside Pantry (the chain has more links than entries)"
                .into(),
        });
    }
    Ok(ChainCheck {
        head: ChainHead {
            entries,
            hash: hex::encode(&previous),
        },
        broken,
    })
}
