//! Copying a laptop's database into an empty server database: every table, row for row,
//! with its ids (and the serials that follow them), in one server transaction, from one
//! consistent read of the laptop's file. Each table goes over with PostgreSQL's `COPY`, in
//! the order its foreign keys need; the server's own triggers are held while the rows go in
//! (they would draw record keys and add joining events the copy already has).

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use futures_util::TryStreamExt;
use sqlx::{AssertSqlSafe, Connection, PgConnection, Row};

use super::server::ServerAddress;
use super::{Db, Pool};
use crate::error::{Error, Result};

/// What a copy did: rows per table, in the order copied.
#[derive(Debug, Clone, PartialEq)]
pub struct Copied {
    pub tables: Vec<(String, u64)>,
    pub seconds: f64,
}

impl Copied {
    pub fn rows(&self, table: &str) -> u64 {
        self.tables
            .iter()
            .find(|(t, _)| t == table)
            .map_or(0, |(_, n)| *n)
    }
}

/// Rows sent to the server per `COPY` message.
const ROWS_PER_SEND: usize = 5_000;

/// Copies `db` (a laptop's database) into the server database at `to`, which must have this
/// Pantry's schema and no rows at all (refused otherwise, with nothing written), connected
/// as its owner (who may hold the triggers and set the serials). `progress` is told each
/// table's name and rows as they go.
pub(crate) async fn to_server(
    db: &Db,
    to: &ServerAddress,
    mut progress: impl FnMut(&str, u64),
) -> Result<Copied> {
    let Pool::Sqlite(source) = &db.pool else {
        return Err(Error::invalid(
            "to",
            "This pantry's database is already on a server: copy from a laptop's database.",
        ));
    };
    let started = Instant::now();
    let mut server = to.connect_one().await?;
    let plan = tables_in_order(&mut server).await?;
    let mut tx = server.begin().await?;
    for table in &plan {
        let rows: i64 = sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM {}",
            table.name
        )))
        .fetch_one(&mut *tx)
        .await?;
        if rows > 0 {
            return Err(Error::Conflict(format!(
                "The server database is not empty (its {} table has {rows} rows): a pantry is \
                 copied only into an empty database. Nothing was written.",
                table.name
            )));
        }
    }
    for table in &plan {
        sqlx::query(AssertSqlSafe(format!(
            "ALTER TABLE {} DISABLE TRIGGER USER",
            table.name
        )))
        .execute(&mut *tx)
        .await?;
    }
    // Rows go in faster with no index but the keys to keep up and no reference to check one
    // row at a time: both are made again at the end, over all the rows at once (a row that
    // breaks one fails the copy there, with nothing written).
    let set_aside = SetAside::take(&mut tx).await?;
    // One read transaction: the laptop's rows as they stood at one moment.
    let mut read = source.begin().await?;
    let mut copied = Vec::new();
    for table in &plan {
        let n = copy_table(&mut read, &mut tx, table).await?;
        progress(&table.name, n);
        copied.push((table.name.clone(), n));
    }
    read.rollback().await?;
    set_aside.put_back(&mut tx).await?;
    sqlx::query("SELECT pantry_index_all_name_words()")
        .execute(&mut *tx)
        .await?;
    for table in &plan {
        sqlx::query(AssertSqlSafe(format!(
            "ALTER TABLE {} ENABLE TRIGGER USER",
            table.name
        )))
        .execute(&mut *tx)
        .await?;
        if let Some(id) = &table.identity {
            // The next id follows the highest copied (the first, when none were).
            sqlx::query(AssertSqlSafe(format!(
                "SELECT setval(pg_get_serial_sequence('{t}', '{id}'), \
                 COALESCE((SELECT MAX({id}) FROM {t}), 0) + 1, false)",
                t = table.name
            )))
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    // The planner's statistics and the visibility map (so the search's word index is read
    // without visiting the table), for the first desk's first searches.
    let tables: Vec<&str> = plan
        .iter()
        .map(|t| t.name.as_str())
        .chain(SERVER_ONLY)
        .collect();
    sqlx::query(AssertSqlSafe(format!(
        "VACUUM (ANALYZE) {}",
        tables.join(", ")
    )))
    .execute(&mut server)
    .await?;
    server.close().await?;
    Ok(Copied {
        tables: copied,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// The server's indexes that back no key, and its foreign keys: set aside while a copy's
/// rows go in, made again after.
struct SetAside {
    /// Each index's name and its `CREATE INDEX` statement.
    indexes: Vec<(String, String)>,
    /// Each foreign key's table, name and definition.
    references: Vec<(String, String, String)>,
}

impl SetAside {
    async fn take(tx: &mut PgConnection) -> Result<SetAside> {
        let indexes: Vec<(String, String)> = sqlx::query_as(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
               FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
              WHERE t.relnamespace = 'public'::regnamespace
                AND NOT EXISTS (SELECT 1 FROM pg_constraint k
                                 WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x'))
              ORDER BY 1",
        )
        .fetch_all(&mut *tx)
        .await?;
        let references: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT conrelid::regclass::text, conname::text, pg_get_constraintdef(oid)
               FROM pg_constraint
              WHERE contype = 'f' AND connamespace = 'public'::regnamespace
              ORDER BY 1, 2",
        )
        .fetch_all(&mut *tx)
        .await?;
        for (table, name, _) in &references {
            sqlx::query(AssertSqlSafe(format!(
                "ALTER TABLE {table} DROP CONSTRAINT \"{name}\""
            )))
            .execute(&mut *tx)
            .await?;
        }
        for (name, _) in &indexes {
            sqlx::query(AssertSqlSafe(format!("DROP INDEX {name}")))
                .execute(&mut *tx)
                .await?;
        }
        Ok(SetAside {
            indexes,
            references,
        })
    }

    async fn put_back(self, tx: &mut PgConnection) -> Result<()> {
        for (_, create) in self.indexes {
            sqlx::query(AssertSqlSafe(create)).execute(&mut *tx).await?;
        }
        for (table, name, definition) in self.references {
            sqlx::query(AssertSqlSafe(format!(
                "ALTER TABLE {table} ADD CONSTRAINT \"{name}\" {definition}"
            )))
            .execute(&mut *tx)
            .await?;
        }
        Ok(())
    }
}

/// The server's own search index, made from `households` by its triggers (a laptop has its
/// FTS5 tables for that): never copied either way; made again after a copy onto a server.
const SERVER_ONLY: [&str; 1] = ["households_words"];

/// A table of the server's schema: its columns with their types, and its identity column.
#[derive(Debug)]
struct Table {
    name: String,
    columns: Vec<(String, String)>,
    identity: Option<String>,
}

/// The server's tables (not sqlx's own), each after the tables its foreign keys refer to.
async fn tables_in_order(conn: &mut PgConnection) -> Result<Vec<Table>> {
    let columns: Vec<(String, String, String, bool)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text, is_identity = 'YES'
           FROM information_schema.columns
          WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations'
          ORDER BY table_name, ordinal_position",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut tables: BTreeMap<String, Table> = BTreeMap::new();
    for (table, column, kind, identity) in columns {
        if SERVER_ONLY.contains(&table.as_str()) {
            continue;
        }
        let t = tables.entry(table.clone()).or_insert_with(|| Table {
            name: table,
            columns: Vec::new(),
            identity: None,
        });
        if identity {
            t.identity = Some(column.clone());
        }
        t.columns.push((column, kind));
    }
    let references: Vec<(String, String)> = sqlx::query_as(
        "SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint
          WHERE contype = 'f' AND connamespace = 'public'::regnamespace",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut needs: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, to) in references {
        if from != to {
            needs.entry(from).or_default().insert(to);
        }
    }
    let mut ordered = Vec::new();
    while !tables.is_empty() {
        let ready: Vec<String> = tables
            .keys()
            .filter(|t| {
                needs
                    .get(*t)
                    .is_none_or(|n| n.iter().all(|d| !tables.contains_key(d)))
            })
            .cloned()
            .collect();
        if ready.is_empty() {
            return Err(Error::Conflict(
                "The server's tables refer to each other in a circle; they cannot be copied in \
                 order."
                    .into(),
            ));
        }
        for name in ready {
            if let Some(t) = tables.remove(&name) {
                ordered.push(t);
            }
        }
    }
    Ok(ordered)
}

/// Copies one table's rows, in the order of its first column.
async fn copy_table(
    read: &mut sqlx::SqliteConnection,
    write: &mut PgConnection,
    table: &Table,
) -> Result<u64> {
    let names: Vec<&str> = table.columns.iter().map(|(c, _)| c.as_str()).collect();
    let list = names.join(", ");
    let select = format!("SELECT {list} FROM {} ORDER BY {}", table.name, names[0]);
    let mut rows = sqlx::query(AssertSqlSafe(select)).fetch(&mut *read);
    let mut copy = write
        .copy_in_raw(&format!("COPY {} ({list}) FROM STDIN", table.name))
        .await?;
    let mut text = String::new();
    let mut waiting = 0;
    while let Some(row) = rows.try_next().await? {
        for (i, (_, kind)) in table.columns.iter().enumerate() {
            if i > 0 {
                text.push('\t');
            }
            push_value(&mut text, &row, i, kind)?;
        }
        text.push('\n');
        waiting += 1;
        if waiting == ROWS_PER_SEND {
            copy.send(std::mem::take(&mut text).into_bytes()).await?;
            waiting = 0;
        }
    }
    if waiting > 0 {
        copy.send(text.into_bytes()).await?;
    }
    Ok(copy.finish().await?)
}

/// One value in `COPY`'s text format (`\N` for NULL; backslash, tab and line ends escaped),
/// read from SQLite as the server's type needs it.
fn push_value(
    text: &mut String,
    row: &sqlx::sqlite::SqliteRow,
    i: usize,
    kind: &str,
) -> Result<()> {
    match kind {
        "bigint" | "boolean" => match row.try_get::<Option<i64>, _>(i)? {
            Some(n) => text.push_str(&n.to_string()),
            None => text.push_str("\\N"),
        },
        "bytea" => match row.try_get::<Option<Vec<u8>>, _>(i)? {
            Some(bytes) => {
                text.push_str("\\\\x");
                text.push_str(&hex::encode(bytes));
            }
            None => text.push_str("\\N"),
        },
        _ => match row.try_get::<Option<String>, _>(i)? {
            Some(s) => {
                for c in s.chars() {
                    match c {
                        '\\' => text.push_str("\\\\"),
                        '\t' => text.push_str("\\t"),
                        '\n' => text.push_str("\\n"),
                        '\r' => text.push_str("\\r"),
                        c => text.push(c),
                    }
                }
            }
            None => text.push_str("\\N"),
        },
    }
    Ok(())
}

/// Copies the server database `source` into `target`, a new laptop database with this
/// Pantry's schema and nothing else (a backup being written), every table row for row with
/// its ids, from one consistent read of the server. Rows that the laptop's triggers add as
/// others go in (a household's joining event) are replaced by the server's own.
pub(crate) async fn from_server(
    source: &sqlx::PgPool,
    target: &mut sqlx::SqliteConnection,
) -> Result<Copied> {
    let started = Instant::now();
    let mut read = source.begin().await?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *read)
        .await?;
    let plan = tables_in_order(&mut read).await?;
    let mut write = target.begin().await?;
    let mut copied = Vec::new();
    for table in &plan {
        sqlx::query(AssertSqlSafe(format!("DELETE FROM {}", table.name)))
            .execute(&mut *write)
            .await?;
        let n = copy_table_back(&mut read, &mut write, table).await?;
        copied.push((table.name.clone(), n));
    }
    write.commit().await?;
    read.rollback().await?;
    Ok(Copied {
        tables: copied,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// One value read from the server, as the laptop keeps it.
enum Value {
    Null,
    Integer(i64),
    Text(String),
    Blob(Vec<u8>),
}

/// Copies one table's rows from the server to the laptop's file, in the order of its first
/// column: instants as the laptop's RFC 3339 text, days as `YYYY-MM-DD`, flags as 0 or 1.
async fn copy_table_back(
    read: &mut PgConnection,
    write: &mut sqlx::SqliteConnection,
    table: &Table,
) -> Result<u64> {
    let names: Vec<&str> = table.columns.iter().map(|(c, _)| c.as_str()).collect();
    let list = names.join(", ");
    let select = format!("SELECT {list} FROM {} ORDER BY {}", table.name, names[0]);
    let insert = format!(
        "INSERT INTO {} ({list}) VALUES ({})",
        table.name,
        vec!["?"; names.len()].join(", ")
    );
    let mut rows = sqlx::query(AssertSqlSafe(select)).fetch(&mut *read);
    let mut n = 0;
    while let Some(row) = rows.try_next().await? {
        let mut query = sqlx::query(AssertSqlSafe(insert.clone()));
        for (i, (_, kind)) in table.columns.iter().enumerate() {
            query = match value_of(&row, i, kind)? {
                Value::Null => query.bind(None::<i64>),
                Value::Integer(v) => query.bind(v),
                Value::Text(v) => query.bind(v),
                Value::Blob(v) => query.bind(v),
            };
        }
        query.execute(&mut *write).await?;
        n += 1;
    }
    Ok(n)
}

/// The value of column `i` of a server row, by the server's type for it.
fn value_of(row: &sqlx::postgres::PgRow, i: usize, kind: &str) -> Result<Value> {
    Ok(match kind {
        "bigint" => row.try_get::<Option<i64>, _>(i)?.map(Value::Integer),
        "boolean" => row
            .try_get::<Option<bool>, _>(i)?
            .map(|b| Value::Integer(i64::from(b))),
        "bytea" => row.try_get::<Option<Vec<u8>>, _>(i)?.map(Value::Blob),
        "timestamp with time zone" => row
            .try_get::<Option<chrono::DateTime<chrono::Utc>>, _>(i)?
            .map(|at| Value::Text(super::text::stamp_text(at))),
        "date" => row
            .try_get::<Option<chrono::NaiveDate>, _>(i)?
            .map(|day| Value::Text(day.format("%Y-%m-%d").to_string())),
        "text" => row.try_get::<Option<String>, _>(i)?.map(Value::Text),
        other => {
            return Err(Error::Conflict(format!(
                "The server's column {i} is of a type Pantry does not copy ({other})."
            )))
        }
    }
    .unwrap_or(Value::Null))
}
