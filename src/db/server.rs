//! A pantry's database on a PostgreSQL server: its address (`postgres://…`), the encrypted
//! link a server on another computer needs, creating or upgrading its schema (`migrate`, run
//! by an admin with the owner's credentials) and connecting to it as the app (a role that
//! may only read and write rows), with plain words when the server cannot be reached or its
//! schema is not this Pantry's.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgSslMode};
use sqlx::{Connection, PgConnection, PgPool};

use crate::error::{Error, Result};

static MIGRATOR: Migrator = sqlx::migrate!("migrations/postgres");

/// How long connecting waits for a server before saying it cannot be reached.
const CONNECT_WAIT: Duration = Duration::from_secs(3);

/// Where a pantry's server database is: a `postgres://` address. Its password is never
/// shown: not in `Debug`, an error or a log.
#[derive(Clone)]
pub struct ServerAddress {
    options: PgConnectOptions,
    encrypted: bool,
}

impl fmt::Debug for ServerAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown())
    }
}

/// Whether `host` is this computer (a server here needs no encrypted link).
pub(crate) fn is_loopback(host: &str) -> bool {
    host.starts_with('/')
        || matches!(
            host.trim_matches(|c| c == '[' || c == ']'),
            "localhost" | "127.0.0.1" | "::1"
        )
}

impl ServerAddress {
    /// Reads an address. A server on another computer must be reached over TLS that checks
    /// the server's certificate against the CA certificate the admin gives
    /// (`sslmode=verify-full&sslrootcert=FILE`).
    pub fn parse(url: &str) -> Result<ServerAddress> {
        let url = url.trim();
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(Error::invalid(
                "database",
                "A server database's address starts with postgres:// (for example \
                 postgres://pantry@server.example/pantry).",
            ));
        }
        // sqlx's message would repeat the address, password and all.
        let options = PgConnectOptions::from_str(url).map_err(|_| {
            Error::invalid(
                "database",
                "That server address cannot be read: check it is \
                 postgres://USER@HOST:PORT/DATABASE.",
            )
        })?;
        let query = url.split_once('?').map_or("", |(_, q)| q);
        let has_ca = query.split('&').any(|pair| {
            pair.split_once('=')
                .is_some_and(|(k, v)| k == "sslrootcert" && !v.is_empty())
        });
        let verified = matches!(options.get_ssl_mode(), PgSslMode::VerifyFull) && has_ca;
        if !is_loopback(options.get_host()) && !verified {
            return Err(Error::invalid(
                "database",
                "A server on another computer is reached only over an encrypted link that \
                 checks the server: add ?sslmode=verify-full&sslrootcert=FILE to the address, \
                 FILE being the CA certificate your server's admin gives you.",
            ));
        }
        Ok(ServerAddress {
            encrypted: verified,
            options: options.application_name("pantry"),
        })
    }

    /// The address of a server from its parts (checked by the caller, `choice::ServerForm`):
    /// with a CA file, over TLS that checks the server's certificate against it.
    pub(crate) fn from_parts(
        host: &str,
        port: u16,
        database: &str,
        user: &str,
        password: &str,
        ca_file: Option<&std::path::Path>,
    ) -> ServerAddress {
        let options = PgConnectOptions::new()
            .host(host)
            .port(port)
            .database(database)
            .username(user)
            .password(password)
            .application_name("pantry");
        match ca_file {
            Some(ca) => ServerAddress {
                options: options.ssl_mode(PgSslMode::VerifyFull).ssl_root_cert(ca),
                encrypted: true,
            },
            None => ServerAddress {
                options: options.ssl_mode(PgSslMode::Prefer),
                encrypted: false,
            },
        }
    }

    /// The address without its password: `postgres://user@host:port/database`.
    pub fn shown(&self) -> String {
        let o = &self.options;
        format!(
            "postgres://{}@{}:{}/{}",
            o.get_username(),
            o.get_host(),
            o.get_port(),
            o.get_database().unwrap_or_default()
        )
    }

    /// Whether the link to the server is encrypted (TLS, the server's certificate checked).
    pub fn is_encrypted(&self) -> bool {
        self.encrypted
    }

    fn unreachable(&self, err: &sqlx::Error) -> Error {
        let why = match err {
            sqlx::Error::Database(d) if d.code().as_deref() == Some("28P01") => {
                "the user name or password was not accepted"
            }
            sqlx::Error::Database(d) if d.code().as_deref() == Some("3D000") => {
                "there is no such database on it"
            }
            sqlx::Error::Tls(_) => "its certificate could not be checked against the CA file",
            _ => "it did not answer in time, or refused the connection",
        };
        Error::Unavailable(format!(
            "The pantry's server database ({}) cannot be used: {why}. Nothing was changed; \
             check the address and that the server is running, or ask its admin.",
            self.shown()
        ))
    }

    /// One connection (as the owner, for a copy), to a database with this Pantry's schema.
    pub(crate) async fn connect_one(&self) -> Result<PgConnection> {
        let mut conn =
            tokio::time::timeout(CONNECT_WAIT, PgConnection::connect_with(&self.options))
                .await
                .map_err(|_| self.unreachable(&sqlx::Error::PoolTimedOut))?
                .map_err(|e| self.unreachable(&e))?;
        let applied = applied_versions(&mut conn).await?;
        check_not_newer(&applied)?;
        if applied.iter().copied().max().unwrap_or(0) < known_schema() {
            return Err(self.not_ready(applied.iter().copied().max().unwrap_or(0)));
        }
        Ok(conn)
    }

    fn not_ready(&self, found: i64) -> Error {
        Error::Unavailable(format!(
            "The pantry's server database ({}) is not ready for this version of Pantry \
             (its schema is {}, this Pantry needs {}). Nothing was changed: an admin \
             brings it up to date with `pantry migrate --database …`, as the database's \
             owner.",
            self.shown(),
            if found == 0 {
                "empty".to_string()
            } else {
                found.to_string()
            },
            known_schema()
        ))
    }

    async fn pool(&self, connections: u32) -> Result<PgPool> {
        PgPoolOptions::new()
            .max_connections(connections)
            .acquire_timeout(CONNECT_WAIT)
            .connect_with(self.options.clone())
            .await
            .map_err(|e| self.unreachable(&e))
    }
}

/// What `migrate` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migrated {
    pub applied: usize,
    pub version: i64,
}

/// Creates or upgrades the schema of the server database at `address`, connected as its
/// owner, and lets `app_role` (the role the app connects as) read and write rows: never
/// change the schema, and only add to the audit trail and the stock ledger. Refuses a
/// database whose text is not compared byte by byte (its answers would be ordered
/// differently from a laptop's) and one whose schema is newer than this Pantry.
pub async fn migrate(address: &ServerAddress, app_role: Option<&str>) -> Result<Migrated> {
    let role = app_role.map(role_name).transpose()?;
    let pool = address.pool(1).await?;
    let result = async {
        check_collation(&pool).await?;
        let applied = applied_versions(&mut *pool.acquire().await?).await?;
        check_not_newer(&applied)?;
        let pending = MIGRATOR
            .iter()
            .filter(|m| !m.migration_type.is_down_migration() && !applied.contains(&m.version))
            .count();
        MIGRATOR.run(&pool).await?;
        if let Some(role) = &role {
            grant_rows(&pool, role).await?;
        }
        Ok(Migrated {
            applied: pending,
            version: known_schema(),
        })
    }
    .await;
    pool.close().await;
    result
}

/// A role's name, checked (it is written into the grants) and quoted.
fn role_name(name: &str) -> Result<String> {
    let ok = !name.is_empty()
        && name.len() <= 63
        && name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(format!("\"{name}\""))
    } else {
        Err(Error::invalid(
            "appRole",
            "The app's role is a PostgreSQL role name: lower-case letters, digits and _.",
        ))
    }
}

/// What the app's role may do: read and write rows, add to the append-only tables, read
/// which migrations were applied, and rewrite the tables after an erasure through the
/// owner's function. No DDL: the schema belongs to the owner.
async fn grant_rows(pool: &PgPool, role: &str) -> Result<()> {
    let mut tx = pool.begin().await?;
    for statement in [
        format!("GRANT USAGE ON SCHEMA public TO {role}"),
        format!("REVOKE CREATE ON SCHEMA public FROM {role}"),
        format!("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}"),
        format!("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}"),
        format!("REVOKE UPDATE, DELETE ON audit_log, audit_chain, stock_movements FROM {role}"),
        format!("REVOKE INSERT, UPDATE, DELETE ON _sqlx_migrations FROM {role}"),
        format!("GRANT EXECUTE ON FUNCTION pantry_rewrite_erased() TO {role}"),
        // Tables a later migration adds are the app's to read and write too.
        format!(
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public \
             GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}"
        ),
        format!(
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role}"
        ),
    ] {
        sqlx::query(sqlx::AssertSqlSafe(statement))
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Connects the app to the server database at `address`, whose schema must be this
/// Pantry's (an older one is upgraded by an admin with `pantry migrate`, never by the app).
pub(crate) async fn connect(address: &ServerAddress) -> Result<PgPool> {
    let pool = address.pool(8).await?;
    let checked = async {
        let applied = applied_versions(&mut *pool.acquire().await?).await?;
        check_not_newer(&applied)?;
        let found = applied.iter().copied().max().unwrap_or(0);
        if found < known_schema() {
            return Err(address.not_ready(found));
        }
        Ok(())
    }
    .await;
    match checked {
        Ok(()) => Ok(pool),
        Err(err) => {
            pool.close().await;
            Err(err)
        }
    }
}

/// The newest schema version this build knows for a server database.
pub fn known_schema() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

fn check_not_newer(applied: &[i64]) -> Result<()> {
    match applied.iter().copied().max() {
        Some(found) if found > known_schema() => Err(Error::SchemaTooNew {
            found,
            known: known_schema(),
        }),
        _ => Ok(()),
    }
}

async fn applied_versions(conn: &mut PgConnection) -> Result<Vec<i64>> {
    let has_table: bool = sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
        .fetch_one(&mut *conn)
        .await?;
    if !has_table {
        return Ok(Vec::new());
    }
    Ok(
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
            .fetch_all(&mut *conn)
            .await?,
    )
}

/// Text must sort as on a laptop (byte by byte, as SQLite does), so both engines give the
/// same lists and reports: the database is made with the C collation, in UTF-8.
async fn check_collation(pool: &PgPool) -> Result<()> {
    let (collation, provider, encoding): (String, String, String) = sqlx::query_as(
        "SELECT datcollate::text, datlocprovider::text, pg_encoding_to_char(encoding)::text \
         FROM pg_database WHERE datname = current_database()",
    )
    .fetch_one(pool)
    .await?;
    // 'c': the C library's collation (ICU's orders text by language).
    let bytewise = provider == "c"
        && matches!(
            collation.as_str(),
            "C" | "POSIX" | "C.UTF-8" | "C.utf8" | "C.UTF8"
        );
    if bytewise && encoding == "UTF8" {
        Ok(())
    } else {
        Err(Error::Unavailable(format!(
            "This server database sorts text by language ({collation}, {provider}) or is \
             not in UTF-8 ({encoding}); \
             Pantry needs it made with CREATE DATABASE … TEMPLATE template0 ENCODING 'UTF8' \
             LOCALE 'C.UTF-8' (see the README). Nothing was changed."
        )))
    }
}
