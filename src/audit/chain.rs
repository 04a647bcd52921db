//! The audit trail's hash chain. Each entry's link is SHA-256 over the previous link and the
//! entry's fields as stored, so an entry edited, removed or slipped in with `sqlite3` (even
//! with the append-only triggers dropped) breaks the chain from that entry on. The chain is
//! checked when the app opens, at every command and before each backup; its head (entries
//! and last link) is recorded with each backup and each landlord export, and the newest head
//! seen is kept outside the database, beside its key, so that entries cut from the end or a
//! trail re-linked by someone with the key are noticed too.

use serde::Serialize;
use sha2::{Digest, Sha256};
use ts_rs::TS;

use super::store::{self, StoredEntry};
use crate::db::Conn;
use crate::db::Db;
use crate::error::Result;

/// The link before the first entry.
const GENESIS: [u8; 32] = [0; 32];

/// The link of `entry` after `previous`. The desk, where there is one, is covered too (the
/// entries written before desks had names keep the links they were given).
pub(crate) fn link(previous: &[u8], entry: &StoredEntry) -> [u8; 32] {
    let mut fields = serde_json::json!([
        entry.id,
        entry.at,
        entry.actor,
        entry.action,
        entry.subject,
        entry.details
    ]);
    if let (Some(desk), Some(fields)) = (&entry.desk, fields.as_array_mut()) {
        fields.push(desk.as_str().into());
    }
    let mut hash = Sha256::new();
    hash.update(previous);
    hash.update(fields.to_string().as_bytes());
    hash.finalize().into()
}

/// Links a just-written entry to the chain, in the caller's transaction.
pub(crate) async fn extend(conn: &mut Conn, entry: &StoredEntry) -> Result<()> {
    link_legacy(conn).await?;
    let previous = store::last_link(conn).await?;
    let hash = link(previous.as_deref().unwrap_or(&GENESIS), entry);
    store::insert_link(conn, entry.id, &hash).await
}

/// Links the entries written before the chain existed, once: the migration that made the
/// chain noted how far they go.
async fn link_legacy(conn: &mut Conn) -> Result<()> {
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

/// A head the chain must still reach: one recorded with a backup, or the newest one seen,
/// kept outside the database.
struct Anchor {
    entries: i64,
    hash: String,
    /// Where it was recorded, in words.
    recorded: String,
}

/// The anchors to check the chain against.
async fn anchors(db: &Db, conn: &mut Conn) -> Result<Vec<Anchor>> {
    let mut anchors: Vec<Anchor> = store::recorded_heads(conn)
        .await?
        .into_iter()
        .map(|(entries, hash, by, at)| Anchor {
            entries,
            hash,
            recorded: match by.as_str() {
                "export" => format!(
                    "the landlord export made {}",
                    at.format("%d/%m/%Y %H:%M UTC")
                ),
                _ => format!("the backup taken {}", at.format("%d/%m/%Y %H:%M UTC")),
            },
        })
        .collect();
    if let Some((entries, hash)) = db
        .remembered_audit_head()
        .as_deref()
        .and_then(|text| text.trim().split_once(':'))
        .and_then(|(n, h)| Some((n.parse().ok()?, h.to_owned())))
    {
        anchors.push(Anchor {
            entries,
            hash,
            recorded: "this computer's record of the newest head Pantry has seen".into(),
        });
    }
    Ok(anchors)
}

/// Walks the whole trail, oldest first, recomputing every link, and checks it against the
/// heads recorded with the backups and the newest head seen (kept outside the database): a
/// trail shorter than a recorded head, or with another link at its place, lost entries from
/// its end or was re-linked by someone with the key. A sound trail's head is remembered.
pub async fn verify(db: &Db) -> Result<ChainCheck> {
    let mut tx = db.begin_write().await?;
    link_legacy(&mut tx).await?;
    tx.commit().await?;
    let mut conn = db.acquire().await?;
    let rows = store::entries_with_links(&mut conn).await?;
    let links = store::link_count(&mut conn).await?;
    let anchors = anchors(db, &mut conn).await?;
    drop(conn);
    let mut previous = GENESIS.to_vec();
    let mut broken = None;
    let mut entries = 0;
    // The link after each entry, by position, for the anchors.
    let mut chain = Vec::with_capacity(rows.len());
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
        chain.push(hex::encode(expected));
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
    if broken.is_none() {
        broken = anchors.iter().find_map(|a| anchor_break(a, &chain));
    }
    let head = ChainHead {
        entries,
        hash: hex::encode(&previous),
    };
    if broken.is_none() {
        db.remember_audit_head(&format!("{}:{}", head.entries, head.hash));
    }
    Ok(ChainCheck { head, broken })
}

/// How the chain fails `anchor`, if it does.
fn anchor_break(anchor: &Anchor, chain: &[String]) -> Option<ChainBreak> {
    let problem = match usize::try_from(anchor.entries) {
        Ok(0) => return None,
        Ok(n) if n > chain.len() => format!(
            "entries were cut from its end outside Pantry: {} recorded {} entries, the trail \
             now has {}",
            anchor.recorded,
            anchor.entries,
            chain.len()
        ),
        Ok(n) if !chain[n - 1].eq_ignore_ascii_case(&anchor.hash) => format!(
            "it was re-linked outside Pantry: its first {} entries no longer match {}",
            anchor.entries, anchor.recorded
        ),
        Ok(_) => return None,
        Err(_) => return None,
    };
    Some(ChainBreak {
        entry_id: anchor.entries,
        at: String::new(),
        action: String::new(),
        problem,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(desk: Option<&str>) -> StoredEntry {
        StoredEntry {
            id: 7,
            at: "2026-12-08T10:02:00Z".into(),
            actor: "Sam".into(),
            action: "signed-in".into(),
            subject: None,
            details: "{}".into(),
            desk: desk.map(str::to_owned),
        }
    }

    #[test]
    fn a_link_covers_the_desk_and_entries_without_one_keep_their_links() {
        let before_desks = {
            let fields =
                serde_json::json!([7, "2026-12-08T10:02:00Z", "Sam", "signed-in", null, "{}"]);
            let mut hash = Sha256::new();
            hash.update(GENESIS);
            hash.update(fields.to_string().as_bytes());
            <[u8; 32]>::from(hash.finalize())
        };
        assert_eq!(link(&GENESIS, &entry(None)), before_desks);
        let at_desk_2 = link(&GENESIS, &entry(Some("Desk 2")));
        assert_ne!(at_desk_2, before_desks);
        assert_ne!(at_desk_2, link(&GENESIS, &entry(Some("Desk 9"))));
    }
}
