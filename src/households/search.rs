//! The type-ahead search over name, membership number, postcode and phone: exact number
//! first, then prefixes, then substrings; accent-insensitive ("Zoe" finds "Zoë").

use sqlx::SqliteConnection;

use super::{search_store, store, HouseholdSummary};
use crate::db::Db;
use crate::error::Result;
use crate::text;

/// The best `limit` matches for what was typed.
pub async fn search(db: &Db, typed: &str, limit: u32) -> Result<Vec<HouseholdSummary>> {
    let mut conn = db.pool().acquire().await?;
    let ids = matching_ids(&mut conn, typed, limit).await?;
    store::summaries(&mut conn, &ids).await
}

/// Ids of the best matches, best first.
pub(crate) async fn matching_ids(
    conn: &mut SqliteConnection,
    typed: &str,
    limit: u32,
) -> Result<Vec<i64>> {
    let folded = text::fold(typed);
    if folded.is_empty() || limit == 0 {
        return Ok(Vec::new());
    }
    let limit = i64::from(limit);
    let mut found = Found {
        ids: Vec::new(),
        limit,
    };
    let numeric = typed
        .chars()
        .all(|c| c.is_ascii_digit() || c.is_whitespace() || c == '+');
    let digits: String = typed.chars().filter(char::is_ascii_digit).collect();
    // (With no digit typed there is no number or phone to look for.)
    if numeric && !digits.is_empty() {
        found.add(search_store::number_is(conn, &digits).await?);
        // A whole, valid number (a scan) means that household and no other.
        if !found.ids.is_empty() && crate::membership::is_valid_number(&digits) {
            return Ok(found.ids);
        }
        found.add(search_store::number_starts(conn, &digits, limit).await?);
        found.add(search_store::phone_starts(conn, &text::phone_digits(typed), limit).await?);
    }
    if found.full() {
        return Ok(found.ids);
    }
    found.add(search_store::name_starts(conn, &folded, limit).await?);
    if !found.full() {
        found.add(word_prefix_ids(conn, &folded, limit).await?);
    }
    let postcode: String = folded
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    if !found.full()
        && postcode.starts_with(|c: char| c.is_ascii_alphabetic())
        && postcode.len() >= 2
    {
        found.add(search_store::postcode_starts(conn, &postcode, limit).await?);
    }
    if !found.full() {
        found.add(substring_ids(conn, &folded, limit).await?);
    }
    Ok(found.ids)
}

struct Found {
    ids: Vec<i64>,
    limit: i64,
}

impl Found {
    fn add(&mut self, more: Vec<i64>) {
        for id in more {
            if !self.full() && !self.ids.contains(&id) {
                self.ids.push(id);
            }
        }
    }

    fn full(&self) -> bool {
        i64::try_from(self.ids.len()).unwrap_or(i64::MAX) >= self.limit
    }
}

/// The words typed, cleaned to what the full-text indexes can take.
fn words(folded: &str) -> Vec<String> {
    folded
        .split_whitespace()
        .map(|w| {
            w.chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '\'' || *c == '-')
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// Every word typed starts a word of the name, in any order ("jo bla" finds "John Blacksmith").
async fn word_prefix_ids(
    conn: &mut SqliteConnection,
    folded: &str,
    limit: i64,
) -> Result<Vec<i64>> {
    // The index splits names at '-' and '\'', so the query does too.
    let parts: Vec<String> = words(folded)
        .iter()
        .flat_map(|w| w.split(['-', '\'']).map(str::to_owned).collect::<Vec<_>>())
        .filter(|w| !w.is_empty())
        .collect();
    if parts.is_empty() {
        return Ok(Vec::new());
    }
    let query = parts
        .iter()
        .map(|w| format!("\"{w}\"*"))
        .collect::<Vec<_>>()
        .join(" AND ");
    search_store::words_match(conn, &query, limit).await
}

/// Every word typed appears somewhere (name, postcode, phone or number), in any order.
/// Words of three letters or more use the trigram index; shorter ones filter the name.
async fn substring_ids(conn: &mut SqliteConnection, folded: &str, limit: i64) -> Result<Vec<i64>> {
    let words = words(folded);
    let (long, short): (Vec<&String>, Vec<&String>) = words.iter().partition(|w| w.len() >= 3);
    if long.is_empty() {
        return Ok(Vec::new());
    }
    let fts = long
        .iter()
        .map(|w| format!("\"{w}\""))
        .collect::<Vec<_>>()
        .join(" AND ");
    let short: Vec<&str> = short.into_iter().map(String::as_str).collect();
    search_store::trigrams_match(conn, &fts, &short, limit).await
}
