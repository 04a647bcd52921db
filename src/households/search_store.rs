//! SQL for the type-ahead search: the only place that reads the search indexes
//! (`households_fts`, trigrams over name, postcode, phone and number; `households_words`,
//! word prefixes of the name), which triggers on `households` keep up to date, and that
//! reads or writes `search_words` (the words of the names, with how many households have
//! each), which the household store keeps up to date through `count_words`, and
//! `search_index_deferred` (households inserted many at a time are indexed in one go). Each search
//! function returns ids of households not erased, at most `limit`.

use std::collections::{BTreeMap, BTreeSet};

use sqlx::{QueryBuilder, Sqlite};

use crate::db::Conn;
use crate::error::Result;

/// The household with exactly this membership number (numbers are unique).
pub async fn number_is(conn: &mut Conn, digits: &str) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM households WHERE membership_number = ?1 AND erased_at IS NULL",
    )
    .bind(digits)
    .fetch_all(conn.sqlite()?)
    .await?)
}

// ':' sorts just after '9', so [digits, digits:) is every string starting with digits;
// char(127) sorts after every folded (ASCII) character.

/// Membership numbers starting with `digits`, in number order.
pub async fn number_starts(conn: &mut Conn, digits: &str, limit: i64) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM households WHERE membership_number >= ?1 AND membership_number < ?1 || ':' \
         AND erased_at IS NULL ORDER BY membership_number LIMIT ?2",
    )
    .bind(digits)
    .bind(limit)
    .fetch_all(conn.sqlite()?)
    .await?)
}

/// Phone numbers (digits only) starting with `digits`, in number order.
pub async fn phone_starts(conn: &mut Conn, digits: &str, limit: i64) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM households WHERE phone_digits >= ?1 AND phone_digits < ?1 || ':' \
         AND phone_digits != '' AND erased_at IS NULL ORDER BY phone_digits LIMIT ?2",
    )
    .bind(digits)
    .bind(limit)
    .fetch_all(conn.sqlite()?)
    .await?)
}

/// Folded names starting with `folded`, by name.
pub async fn name_starts(conn: &mut Conn, folded: &str, limit: i64) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM households WHERE search_name >= ?1 AND search_name < ?1 || char(127) \
         AND erased_at IS NULL ORDER BY search_name LIMIT ?2",
    )
    .bind(folded)
    .bind(limit)
    .fetch_all(conn.sqlite()?)
    .await?)
}

/// Postcodes (no spaces, upper case) starting with `key`, by postcode.
pub async fn postcode_starts(conn: &mut Conn, key: &str, limit: i64) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM households WHERE postcode_key >= ?1 AND postcode_key < ?1 || char(127) \
         AND erased_at IS NULL ORDER BY postcode_key LIMIT ?2",
    )
    .bind(key)
    .bind(limit)
    .fetch_all(conn.sqlite()?)
    .await?)
}

/// Names matching a full-text query over the word-prefix index.
pub async fn words_match(conn: &mut Conn, query: &str, limit: i64) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT h.id FROM households_words w JOIN households h ON h.id = w.rowid \
         WHERE households_words MATCH ?1 AND h.erased_at IS NULL LIMIT ?2",
    )
    .bind(query)
    .bind(limit)
    .fetch_all(conn.sqlite()?)
    .await?)
}

/// Households matching a full-text query over the trigram index whose folded name also
/// contains each of `name_contains`.
pub async fn trigrams_match(
    conn: &mut Conn,
    query: &str,
    name_contains: &[&str],
    limit: i64,
) -> Result<Vec<i64>> {
    let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
        "SELECT h.id FROM households_fts f JOIN households h ON h.id = f.rowid \
         WHERE households_fts MATCH ",
    );
    q.push_bind(query).push(" AND h.erased_at IS NULL");
    for part in name_contains {
        q.push(" AND h.search_name LIKE ")
            .push_bind(format!("%{part}%"));
    }
    q.push(" LIMIT ").push_bind(limit);
    Ok(q.build_query_scalar().fetch_all(conn.sqlite()?).await?)
}

/// Words of households' folded names that start with `first` and are between `shortest`
/// and `longest` letters long.
pub async fn name_words(
    conn: &mut Conn,
    first: char,
    shortest: i64,
    longest: i64,
) -> Result<Vec<String>> {
    let next = char::from_u32(u32::from(first) + 1).unwrap_or(char::MAX);
    Ok(sqlx::query_scalar(
        "SELECT word FROM search_words WHERE word >= ?1 AND word < ?2 \
         AND length(word) BETWEEN ?3 AND ?4",
    )
    .bind(first.to_string())
    .bind(next.to_string())
    .bind(shortest)
    .bind(longest)
    .fetch_all(conn.sqlite()?)
    .await?)
}

/// Whether `word` is a whole word of some household's name.
pub async fn is_name_word(conn: &mut Conn, word: &str) -> Result<bool> {
    Ok(
        sqlx::query_scalar::<_, i64>("SELECT 1 FROM search_words WHERE word = ?")
            .bind(word)
            .fetch_optional(conn.sqlite()?)
            .await?
            .is_some(),
    )
}

/// The distinct words of a folded name as the word index splits it (FTS5's `unicode61`
/// tokenizer on ASCII: runs of letters and digits).
fn index_words(search_name: &str) -> BTreeSet<&str> {
    search_name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect()
}

/// Keeps `search_words` in step with names written: each word of a name in `removed` has one
/// household fewer, each word of a name in `added` one more (a word no household has any
/// more is deleted, and with `secure_delete` on, zeroed).
pub async fn count_words(conn: &mut Conn, removed: &[&str], added: &[&str]) -> Result<()> {
    let mut change: BTreeMap<&str, i64> = BTreeMap::new();
    for (names, step) in [(removed, -1), (added, 1)] {
        for name in names {
            for word in index_words(name) {
                *change.entry(word).or_default() += step;
            }
        }
    }
    change.retain(|_, n| *n != 0);
    let words: Vec<(&str, i64)> = change.into_iter().collect();
    for chunk in words.chunks(WORDS_PER_STATEMENT) {
        let mut q: QueryBuilder<Sqlite> =
            QueryBuilder::new("INSERT INTO search_words (word, households) ");
        q.push_values(chunk, |mut b, (word, n)| {
            b.push_bind(*word).push_bind(*n);
        });
        q.push(" ON CONFLICT (word) DO UPDATE SET households = households + excluded.households");
        q.build().execute(conn.sqlite()?).await?;
        if chunk.iter().any(|(_, n)| *n < 0) {
            let mut q: QueryBuilder<Sqlite> =
                QueryBuilder::new("DELETE FROM search_words WHERE households <= 0 AND word IN ");
            q.push_tuples(chunk.iter().filter(|(_, n)| *n < 0), |mut b, (word, _)| {
                b.push_bind(*word);
            });
            q.build().execute(conn.sqlite()?).await?;
        }
    }
    Ok(())
}

/// Within a transaction that inserts households: their search index entries are left to
/// `index_inserted`, which adds them all in one statement (the insert triggers add nothing
/// meanwhile).
pub async fn defer_indexing(conn: &mut Conn) -> Result<()> {
    sqlx::query("INSERT OR IGNORE INTO search_index_deferred (id) VALUES (1)")
        .execute(conn.sqlite()?)
        .await?;
    Ok(())
}

/// Adds the households `ids`, inserted since `defer_indexing`, to both search indexes, and
/// lets the insert triggers index again.
pub async fn index_inserted(conn: &mut Conn, ids: &[i64]) -> Result<()> {
    let ids = format!(
        "[{}]",
        ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
    );
    for statement in [
        "DELETE FROM search_index_deferred",
        "INSERT INTO households_fts (rowid, search_name, postcode_key, phone_digits, membership_number)
         SELECT id, search_name, postcode_key, phone_digits, membership_number FROM households
         WHERE id IN (SELECT value FROM json_each(?1))",
        "INSERT INTO households_words (rowid, search_name)
         SELECT id, search_name FROM households WHERE id IN (SELECT value FROM json_each(?1))",
    ] {
        sqlx::query(statement).bind(&ids).execute(conn.sqlite()?).await?;
    }
    Ok(())
}

/// Words changed by one statement, at most (two binds each, well under SQLite's limit).
const WORDS_PER_STATEMENT: usize = 500;

/// Ids and folded names of households matching a full-text query over the word index.
pub async fn words_match_named(
    conn: &mut Conn,
    query: &str,
    limit: i64,
) -> Result<Vec<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT h.id, h.search_name FROM households_words w JOIN households h ON h.id = w.rowid \
         WHERE households_words MATCH ?1 AND h.erased_at IS NULL LIMIT ?2",
    )
    .bind(query)
    .bind(limit)
    .fetch_all(conn.sqlite()?)
    .await?)
}
