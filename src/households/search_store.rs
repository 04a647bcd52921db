//! SQL for the type-ahead search: the only place that reads the search indexes, which
//! triggers on `households` keep up to date: on SQLite the FTS5 tables `households_fts`
//! (trigrams over name, postcode, phone and number) and `households_words` (the words of the
//! name); on PostgreSQL trigram indexes, the table `households_words` (each word of each name)
//! and a full-text index over the names' words. It also reads and writes `search_words` (the
//! words of the names, with how many households have each), which the household store keeps
//! up to date through `count_words`, and `search_index_deferred` (households inserted many at
//! a time are indexed in one go). Each search function returns ids of households not erased,
//! at most `limit`.

use std::collections::{BTreeMap, BTreeSet};

use sqlx::QueryBuilder;

use crate::db::{on_postgres, Conn, On};
use crate::error::Result;
use crate::on_engine;

/// What the word index is asked: words of households' folded names (runs of letters and
/// digits), each typed word matching a word that starts with it, or a whole word, or words
/// next to each other in order, combined with all-of and any-of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Words {
    Prefix(String),
    Word(String),
    Phrase(Vec<String>),
    All(Vec<Words>),
    Any(Vec<Words>),
}

impl Words {
    /// As an FTS5 query over `households_words` (SQLite).
    fn fts5(&self) -> String {
        match self {
            Words::Prefix(w) => format!("\"{w}\"*"),
            Words::Word(w) => format!("\"{w}\""),
            Words::Phrase(ws) => format!("\"{}\"", ws.join(" ")),
            Words::All(parts) => Self::joined(parts, " AND "),
            Words::Any(parts) => Self::joined(parts, " OR "),
        }
    }

    fn joined(parts: &[Words], with: &str) -> String {
        let parts: Vec<String> = parts.iter().map(Words::fts5).collect();
        format!("({})", parts.join(with))
    }

    /// A lone whole word (`Ok`) or prefix (`Err`), however deeply it is wrapped.
    fn one_word(&self) -> Option<std::result::Result<&str, &str>> {
        match self {
            Words::Word(w) => Some(Ok(w)),
            Words::Prefix(w) => Some(Err(w)),
            Words::All(parts) | Words::Any(parts) if parts.len() == 1 => parts[0].one_word(),
            _ => None,
        }
    }

    /// As a full-text query over the words of the names (PostgreSQL's `tsquery`, asked of
    /// `NAME_WORDS`): a prefix is `'w':*`, a phrase its words side by side (`<->`).
    fn tsquery(&self) -> String {
        match self {
            Words::Prefix(w) => format!("{}:*", quoted(w)),
            Words::Word(w) => quoted(w),
            Words::Phrase(ws) => {
                let ws: Vec<String> = ws.iter().map(|w| quoted(w)).collect();
                format!("({})", ws.join(" <-> "))
            }
            Words::All(parts) => Self::joined_tsquery(parts, " & "),
            Words::Any(parts) => Self::joined_tsquery(parts, " | "),
        }
    }

    fn joined_tsquery(parts: &[Words], with: &str) -> String {
        let parts: Vec<String> = parts.iter().map(Words::tsquery).collect();
        format!("({})", parts.join(with))
    }
}

/// A word as a `tsquery` lexeme, quoted (a quote inside doubled).
fn quoted(word: &str) -> String {
    format!("'{}'", word.replace('\'', "''"))
}

/// On PostgreSQL, the words of a household's folded name as its full-text index holds them
/// (runs of letters and digits, as SQLite's FTS5 splits them); the expression of
/// `idx_households_name_words`, written exactly as there so that the index answers.
const NAME_WORDS: &str =
    "to_tsvector('simple', regexp_replace(h.search_name, '[^a-z0-9]+', ' ', 'g'))";

// ':' sorts just after '9', so [digits, digits:) is every string starting with digits;
// char 127 sorts after every folded (ASCII) character. Text compares byte by byte on both
// engines (a server database is made with the C collation).

/// The household with exactly this membership number (numbers are unique).
pub async fn number_is(conn: &mut Conn, digits: &str) -> Result<Vec<i64>> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar(
            "SELECT id FROM households WHERE membership_number = $1 AND erased_at IS NULL",
        )
        .bind(digits)
        .fetch_all(conn)
        .await
    )?)
}

/// Ids whose `column` starts with `start` (and sorts before `start` + `after`), in that
/// column's order.
async fn starting(
    conn: &mut Conn,
    sql: &'static str,
    start: &str,
    after: char,
    limit: i64,
) -> Result<Vec<i64>> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar(sql)
            .bind(start)
            .bind(format!("{start}{after}"))
            .bind(limit)
            .fetch_all(conn)
            .await
    )?)
}

/// Membership numbers starting with `digits`, in number order.
pub async fn number_starts(conn: &mut Conn, digits: &str, limit: i64) -> Result<Vec<i64>> {
    starting(
        conn,
        "SELECT id FROM households WHERE membership_number >= $1 AND membership_number < $2 \
         AND erased_at IS NULL ORDER BY membership_number LIMIT $3",
        digits,
        ':',
        limit,
    )
    .await
}

/// Phone numbers (digits only) starting with `digits`, in number order.
pub async fn phone_starts(conn: &mut Conn, digits: &str, limit: i64) -> Result<Vec<i64>> {
    starting(
        conn,
        "SELECT id FROM households WHERE phone_digits >= $1 AND phone_digits < $2 \
         AND phone_digits <> '' AND erased_at IS NULL ORDER BY phone_digits, id LIMIT $3",
        digits,
        ':',
        limit,
    )
    .await
}

/// Folded names starting with `folded`, by name.
pub async fn name_starts(conn: &mut Conn, folded: &str, limit: i64) -> Result<Vec<i64>> {
    starting(
        conn,
        "SELECT id FROM households WHERE search_name >= $1 AND search_name < $2 \
         AND erased_at IS NULL ORDER BY search_name, id LIMIT $3",
        folded,
        '\u{7f}',
        limit,
    )
    .await
}

/// Postcodes (no spaces, upper case) starting with `key`, by postcode.
pub async fn postcode_starts(conn: &mut Conn, key: &str, limit: i64) -> Result<Vec<i64>> {
    starting(
        conn,
        "SELECT id FROM households WHERE postcode_key >= $1 AND postcode_key < $2 \
         AND erased_at IS NULL ORDER BY postcode_key, id LIMIT $3",
        key,
        '\u{7f}',
        limit,
    )
    .await
}

/// Households whose names match `words` (ids and folded names), by id.
async fn words_matching(conn: &mut Conn, words: &Words, limit: i64) -> Result<Vec<(i64, String)>> {
    Ok(on_engine!(conn, {
        let mut q = QueryBuilder::<Engine>::new("");
        if !on_postgres::<Engine>() {
            // By id: the word index gives its rows in that order, so SQLite stops at the
            // limit instead of sorting every match.
            q.push(
                "SELECT h.id, h.search_name FROM households_words w \
                 JOIN households h ON h.id = w.rowid WHERE households_words MATCH ",
            )
            .push_bind(words.fts5())
            .push(" AND h.erased_at IS NULL ORDER BY w.rowid LIMIT ")
            .push_bind(limit);
        } else if let Some(word_is) = words.one_word() {
            // One word or prefix: its households from `households_words` (an index-only
            // read of the word's key range), the first by id, then their names (an erased
            // household has no words: its name is blank).
            q.push(
                "SELECT h.id, h.search_name FROM households h JOIN \
                 (SELECT DISTINCT household_id AS id FROM households_words WHERE word ",
            );
            match word_is {
                Ok(word) => q.push("= ").push_bind(word.to_owned()),
                Err(prefix) => q
                    .push(">= ")
                    .push_bind(prefix.to_owned())
                    .push(" AND word < ")
                    .push_bind(format!("{prefix}\u{7f}")),
            };
            q.push(" ORDER BY id LIMIT ")
                .push_bind(limit)
                .push(") f ON f.id = h.id WHERE h.erased_at IS NULL ORDER BY h.id");
        } else {
            // Several words: the matches from the names' full-text index, which joins the
            // words' households inside the index, then the first by id.
            q.push(MATCHES_FIRST)
                .push("SELECT h.id, h.search_name FROM households h WHERE ")
                .push(NAME_WORDS)
                .push(" @@ to_tsquery('simple', ")
                .push_bind(words.tsquery())
                .push(") AND h.erased_at IS NULL) SELECT id, search_name FROM m ORDER BY id LIMIT ")
                .push_bind(limit);
        }
        q.build_query_as().fetch_all(conn).await
    })?)
}

/// On PostgreSQL, the start of a query whose matches (in `m`) are found through an index
/// before they are ordered and limited.
const MATCHES_FIRST: &str = "WITH m AS MATERIALIZED (";

/// Households whose names match `words`, by id.
pub async fn words_match(conn: &mut Conn, words: &Words, limit: i64) -> Result<Vec<i64>> {
    Ok(words_matching(conn, words, limit)
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect())
}

/// Ids and folded names of households whose names match `words`, by id.
pub async fn words_match_named(
    conn: &mut Conn,
    words: &Words,
    limit: i64,
) -> Result<Vec<(i64, String)>> {
    words_matching(conn, words, limit).await
}

/// Households where each of `all` (three letters or more) appears in the folded name,
/// postcode, phone digits or number (the trigram index), whatever its case, and whose
/// folded name also contains each of `name_contains`; by id.
pub async fn trigrams_match(
    conn: &mut Conn,
    all: &[&str],
    name_contains: &[&str],
    limit: i64,
) -> Result<Vec<i64>> {
    Ok(on_engine!(conn, {
        let postgres = on_postgres::<Engine>();
        let mut q = QueryBuilder::<Engine>::new("");
        if !postgres {
            let fts: Vec<String> = all.iter().map(|w| format!("\"{w}\"")).collect();
            q.push(
                "SELECT h.id FROM households_fts f JOIN households h ON h.id = f.rowid \
                 WHERE households_fts MATCH ",
            )
            .push_bind(fts.join(" AND "));
        } else {
            q.push(MATCHES_FIRST)
                .push("SELECT h.id FROM households h WHERE TRUE");
            for word in all {
                let like = format!("%{}%", like_escaped(word));
                q.push(" AND (h.search_name ILIKE ")
                    .push_bind(like.clone())
                    .push(" OR h.postcode_key ILIKE ")
                    .push_bind(like.clone())
                    .push(" OR h.phone_digits ILIKE ")
                    .push_bind(like.clone())
                    .push(" OR h.membership_number ILIKE ")
                    .push_bind(like)
                    .push(")");
            }
        }
        q.push(" AND h.erased_at IS NULL");
        for part in name_contains {
            q.push(" AND h.search_name LIKE ")
                .push_bind(format!("%{}%", like_escaped(part)))
                .push(" ESCAPE '\\'");
        }
        // By id, as the trigram index gives its rows on SQLite (see `words_matching`).
        q.push(if postgres {
            ") SELECT id FROM m ORDER BY id"
        } else {
            " ORDER BY f.rowid"
        })
        .push(" LIMIT ")
        .push_bind(limit);
        q.build_query_scalar().fetch_all(conn).await
    })?)
}

/// Text found as it is by LIKE (its wildcards and escape character escaped with '\').
fn like_escaped(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            matches!(c, '%' | '_' | '\\')
                .then_some('\\')
                .into_iter()
                .chain([c])
        })
        .collect()
}

/// Words of households' folded names that start with one of `firsts` and are between
/// `shortest` and `longest` letters long, in one statement.
pub async fn name_words(
    conn: &mut Conn,
    firsts: &[char],
    shortest: i64,
    longest: i64,
) -> Result<Vec<String>> {
    if firsts.is_empty() {
        return Ok(Vec::new());
    }
    Ok(on_engine!(conn, {
        let mut q = QueryBuilder::<Engine>::new("SELECT word FROM search_words WHERE (");
        for (i, first) in firsts.iter().enumerate() {
            let next = char::from_u32(u32::from(*first) + 1).unwrap_or(char::MAX);
            q.push(if i == 0 { "" } else { " OR " })
                .push("(word >= ")
                .push_bind(first.to_string())
                .push(" AND word < ")
                .push_bind(next.to_string())
                .push(")");
        }
        q.push(") AND length(word) BETWEEN ")
            .push_bind(shortest)
            .push(" AND ")
            .push_bind(longest)
            .push(" ORDER BY word");
        q.build_query_scalar().fetch_all(conn).await
    })?)
}

/// Whether every one of `words` is a whole word of some household's name, in one statement.
pub async fn are_name_words(conn: &mut Conn, words: &[String]) -> Result<bool> {
    let words: BTreeSet<&str> = words.iter().map(String::as_str).collect();
    if words.is_empty() {
        return Ok(false);
    }
    let found: i64 = on_engine!(conn, {
        let mut q = QueryBuilder::<Engine>::new("SELECT COUNT(*) FROM search_words WHERE word IN ");
        q.push_tuples(&words, |mut b, word| {
            b.push_bind(*word);
        });
        q.build_query_scalar().fetch_one(conn).await
    })?;
    Ok(usize::try_from(found).is_ok_and(|n| n == words.len()))
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
        on_engine!(conn, {
            let mut q = QueryBuilder::<Engine>::new("INSERT INTO search_words (word, households) ");
            q.push_values(chunk, |mut b, (word, n)| {
                b.push_bind(*word).push_bind(*n);
            });
            q.push(
                " ON CONFLICT (word) DO UPDATE \
                 SET households = search_words.households + excluded.households",
            );
            q.build()
                .execute(conn)
                .await
                .map(|done| done.rows_affected())
        })?;
        if chunk.iter().any(|(_, n)| *n < 0) {
            on_engine!(conn, {
                let mut q = QueryBuilder::<Engine>::new(
                    "DELETE FROM search_words WHERE households <= 0 AND word IN ",
                );
                q.push_tuples(chunk.iter().filter(|(_, n)| *n < 0), |mut b, (word, _)| {
                    b.push_bind(*word);
                });
                q.build()
                    .execute(conn)
                    .await
                    .map(|done| done.rows_affected())
            })?;
        }
    }
    Ok(())
}

/// Within a transaction that inserts households: their search index entries are left to
/// `index_inserted`, which adds them all in one statement (the insert triggers add nothing
/// meanwhile). PostgreSQL keeps its trigram indexes up to date itself.
pub async fn defer_indexing(conn: &mut Conn) -> Result<()> {
    if let On::Sqlite(conn) = conn.on() {
        sqlx::query("INSERT OR IGNORE INTO search_index_deferred (id) VALUES (1)")
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// Adds the households `ids`, inserted since `defer_indexing`, to both search indexes, and
/// lets the insert triggers index again.
pub async fn index_inserted(conn: &mut Conn, ids: &[i64]) -> Result<()> {
    let On::Sqlite(conn) = conn.on() else {
        return Ok(());
    };
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
        sqlx::query(statement).bind(&ids).execute(&mut *conn).await?;
    }
    Ok(())
}

/// Words changed by one statement, at most (two binds each, well under SQLite's limit).
const WORDS_PER_STATEMENT: usize = 500;
