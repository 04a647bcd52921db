//! The seam between the two engines: a connection (or a transaction) on either the laptop's
//! SQLite file or a PostgreSQL server, which every store function takes. A store writes its
//! SQL once and runs it on whichever engine the connection is on with [`on_engine!`]: the
//! body is compiled once per engine, with `conn` the engine's own connection and `Engine` its
//! sqlx database type (as vaultwarden's `db_run!` does). Where the engines really differ, the
//! body picks the engine's own statement with [`sql`].

use sqlx::pool::PoolConnection;
use sqlx::{PgConnection, Postgres, Sqlite, SqliteConnection, Transaction};
use std::sync::Arc;

use tokio::sync::OwnedMutexGuard;

use crate::error::{Error, Result};

/// Which engine a database is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// The laptop's encrypted SQLite file.
    Sqlite,
    /// A PostgreSQL server shared by several desks or pantries.
    Postgres,
}

/// A connection from the pool, or a write transaction, on either engine, and the desk it
/// writes for (the name this computer's Pantry was given, recorded with visits and audit
/// entries). A transaction not committed is rolled back when dropped.
#[derive(Debug)]
pub struct Conn {
    link: Link,
    desk: Option<Arc<str>>,
}

#[derive(Debug)]
enum Link {
    Sqlite(PoolConnection<Sqlite>),
    /// A write transaction, and this process's turn to write (held until it ends).
    SqliteTx {
        tx: Transaction<'static, Sqlite>,
        _turn: OwnedMutexGuard<()>,
    },
    Postgres(PoolConnection<Postgres>),
    PostgresTx(Transaction<'static, Postgres>),
}

/// A connection as its engine's own type, for one statement or several.
#[derive(Debug)]
pub enum On<'c> {
    Sqlite(&'c mut SqliteConnection),
    Postgres(&'c mut PgConnection),
}

impl Conn {
    /// A connection to a SQLite file that is not the pantry's open database (a backup being
    /// read), for no desk.
    pub fn of_file(conn: PoolConnection<Sqlite>) -> Conn {
        Conn {
            link: Link::Sqlite(conn),
            desk: None,
        }
    }

    pub(super) fn sqlite_write(
        tx: Transaction<'static, Sqlite>,
        turn: OwnedMutexGuard<()>,
        desk: Option<Arc<str>>,
    ) -> Conn {
        Conn {
            link: Link::SqliteTx { tx, _turn: turn },
            desk,
        }
    }

    pub(super) fn postgres(conn: PoolConnection<Postgres>, desk: Option<Arc<str>>) -> Conn {
        Conn {
            link: Link::Postgres(conn),
            desk,
        }
    }

    pub(super) fn postgres_write(
        tx: Transaction<'static, Postgres>,
        desk: Option<Arc<str>>,
    ) -> Conn {
        Conn {
            link: Link::PostgresTx(tx),
            desk,
        }
    }

    pub(super) fn sqlite_read(conn: PoolConnection<Sqlite>, desk: Option<Arc<str>>) -> Conn {
        Conn {
            link: Link::Sqlite(conn),
            desk,
        }
    }

    pub fn engine(&self) -> Engine {
        match self.link {
            Link::Sqlite(_) | Link::SqliteTx { .. } => Engine::Sqlite,
            Link::Postgres(_) | Link::PostgresTx(_) => Engine::Postgres,
        }
    }

    /// The desk this connection writes for, if this computer's Pantry was given a name.
    pub fn desk(&self) -> Option<&str> {
        self.desk.as_deref()
    }

    /// The connection as its engine's own type (what [`on_engine!`] matches on).
    pub fn on(&mut self) -> On<'_> {
        match &mut self.link {
            Link::Sqlite(c) => On::Sqlite(c),
            Link::SqliteTx { tx, .. } => On::Sqlite(tx),
            Link::Postgres(c) => On::Postgres(c),
            Link::PostgresTx(t) => On::Postgres(t),
        }
    }

    /// The SQLite connection, for the statements not yet written for both engines; on a
    /// server database they say so instead of running.
    pub fn sqlite(&mut self) -> Result<&mut SqliteConnection> {
        match self.on() {
            On::Sqlite(c) => Ok(c),
            On::Postgres(_) => Err(Error::not_on_server()),
        }
    }

    /// Undoes a transaction (a connection from the pool has nothing to undo).
    pub async fn rollback(self) -> Result<()> {
        match self.link {
            Link::SqliteTx { tx, .. } => tx.rollback().await?,
            Link::PostgresTx(t) => t.rollback().await?,
            Link::Sqlite(_) | Link::Postgres(_) => {}
        }
        Ok(())
    }

    /// Commits a transaction (a connection from the pool has nothing to commit).
    pub async fn commit(self) -> Result<()> {
        match self.link {
            Link::SqliteTx { tx, .. } => tx.commit().await?,
            Link::PostgresTx(t) => t.commit().await?,
            Link::Sqlite(_) | Link::Postgres(_) => {}
        }
        Ok(())
    }
}

/// The engine's own version of a statement, where the two really differ.
pub trait EngineSql {
    const ENGINE: Engine;
}

impl EngineSql for Sqlite {
    const ENGINE: Engine = Engine::Sqlite;
}

impl EngineSql for Postgres {
    const ENGINE: Engine = Engine::Postgres;
}

/// Whether `E` is PostgreSQL (`on_postgres::<Engine>()` inside [`on_engine!`]).
pub fn on_postgres<E: EngineSql>() -> bool {
    E::ENGINE == Engine::Postgres
}

/// `sqlite` on SQLite, `postgres` on PostgreSQL (`sql::<Engine>(…)` inside [`on_engine!`]).
pub fn sql<E: EngineSql>(sqlite: &'static str, postgres: &'static str) -> &'static str {
    match E::ENGINE {
        Engine::Sqlite => sqlite,
        Engine::Postgres => postgres,
    }
}

/// Runs `body` on the engine `conn` is on: inside it `conn` is that engine's connection
/// (`&mut SqliteConnection` or `&mut PgConnection`) and `Engine` its sqlx database type.
#[macro_export]
macro_rules! on_engine {
    ($conn:ident, $body:expr) => {
        match $conn.on() {
            $crate::db::On::Sqlite($conn) => {
                #[allow(dead_code)]
                type Engine = ::sqlx::Sqlite;
                $body
            }
            $crate::db::On::Postgres($conn) => {
                #[allow(dead_code)]
                type Engine = ::sqlx::Postgres;
                $body
            }
        }
    };
}
