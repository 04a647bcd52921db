//! The type-ahead search over name, membership number, postcode and phone: exact number
//! first, then prefixes, then substrings; accent-insensitive ("Zoe" finds "Zoë").

use sqlx::SqliteConnection;

use super::{store, HouseholdSummary};
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
    if numeric {
        let digits: String = typed.chars().filter(char::is_ascii_digit).collect();
        found.add(
            ids(
                conn,
                "SELECT id FROM households WHERE membership_number = ?1 AND erased_at IS NULL",
                &digits,
                limit,
            )
            .await?,
        );
        // A whole, valid number (a scan) means that household and no other.
        if !found.ids.is_empty() && crate::membership::is_valid_number(&digits) {
            return Ok(found.ids);
        }
        // ':' sorts just after '9', so [digits, digits:) is every string starting with digits.
        found.add(
            ids(
                conn,
                "SELECT id FROM households WHERE membership_number >= ?1 AND membership_number < ?1 || ':' \
                 AND erased_at IS NULL ORDER BY membership_number LIMIT ?2",
                &digits,
                limit,
            )
            .await?,
        );
        let phone = text::phone_digits(typed);
        found.add(
            ids(
                conn,
                "SELECT id FROM households WHERE phone_digits >= ?1 AND phone_digits < ?1 || ':' \
                 AND phone_digits != '' AND erased_at IS NULL ORDER BY phone_digits LIMIT ?2",
                &phone,
                limit,
            )
            .await?,
        );
    }
    if found.full() {
        return Ok(found.ids);
    }
    // Name prefix; char(127) sorts after every folded (ASCII) character.
    found.add(
        ids(
            conn,
            "SELECT id FROM households WHERE search_name >= ?1 AND search_name < ?1 || char(127) \
             AND erased_at IS NULL ORDER BY search_name LIMIT ?2",
            &folded,
            limit,
        )
        .await?,
    );
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
        found.add(
            ids(
                conn,
                "SELECT id FROM households WHERE postcode_key >= ?1 AND postcode_key < ?1 || char(127) \
                 AND erased_at IS NULL ORDER BY postcode_key LIMIT ?2",
                &postcode,
                limit,
            )
            .await?,
        );
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

async fn ids(conn: &mut SqliteConnection, sql: &str, key: &str, limit: i64) -> Result<Vec<i64>> {
    if key.is_empty() {
        return Ok(Vec::new());
    }
    Ok(sqlx::query_scalar(sql)
        .bind(key)
        .bind(limit)
        .fetch_all(conn)
        .await?)
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
    Ok(sqlx::query_scalar(
        "SELECT h.id FROM households_words w JOIN households h ON h.id = w.rowid \
         WHERE households_words MATCH ?1 AND h.erased_at IS NULL LIMIT ?2",
    )
    .bind(query)
    .bind(limit)
    .fetch_all(conn)
    .await?)
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
    let mut sql = String::from(
        "SELECT h.id FROM households_fts f JOIN households h ON h.id = f.rowid \
         WHERE households_fts MATCH ?1 AND h.erased_at IS NULL",
    );
    for i in 0..short.len() {
        sql.push_str(&format!(" AND h.search_name LIKE ?{}", i + 3));
    }
    sql.push_str(" LIMIT ?2");
    let mut q = sqlx::query_scalar(&sql).bind(fts).bind(limit);
    for w in short {
        q = q.bind(format!("%{w}%"));
    }
    Ok(q.fetch_all(conn).await?)
}
