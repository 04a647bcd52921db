//! Opening the SQLite database: encryption at rest (SQLCipher, with the key from `keys`, and
//! plain databases from earlier versions encrypted on upgrade), settings for durability,
//! migrations with a backup first, refusal of a schema newer than this app (before anything
//! is changed), the lock that keeps a restore from replacing a file another Pantry process
//! has open, write transactions, online backups and the plain export.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{AssertSqlSafe, Connection, PgPool, SqlitePool};

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::files::{self, Existing};
use crate::keys::{DatabaseKey, KeyStore};

pub mod choice;
mod conn;
mod copy;
pub mod desk;
pub mod server;
mod text;

pub use conn::{on_postgres, sql, Conn, Engine, EngineSql, On};
pub(crate) use copy::to_server as copy_to_server;
pub use copy::Copied;
pub use text::{stamp_text, Day, Maybe, Stamp};

static MIGRATOR: Migrator = sqlx::migrate!("migrations/sqlite");

/// The name (in the data folder, never a file) the key of a server pantry's backups is
/// kept under.
const SERVER_BACKUP_KEY: &str = "server-backups";

/// The connections to a pantry's database, on the engine it is on.
#[derive(Debug, Clone)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Pool {
    fn is_closed(&self) -> bool {
        match self {
            Pool::Sqlite(p) => p.is_closed(),
            Pool::Postgres(p) => p.is_closed(),
        }
    }

    async fn close(&self) {
        match self {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }
}

/// An open Pantry database.
#[derive(Debug, Clone)]
pub struct Db {
    pool: Pool,
    /// The database file; on a server, where it would be in the data folder (the files
    /// Pantry writes go in folders beside it either way).
    path: PathBuf,
    /// Dropped before the lock: the last handle dropped shuts the connections first.
    _closer: Arc<ClosesOnDrop>,
    lock: Arc<DbLock>,
    clock: Clock,
    /// The SQLCipher key; `None` only for a database opened unencrypted (tests that search
    /// the file's raw bytes).
    key: Option<Arc<DatabaseKey>>,
    /// The key store the database was opened with (its folder no output may touch; the
    /// newest audit-trail head seen is kept there).
    keys: Option<KeyStore>,
    /// The server the database is on (`None`: the laptop's file).
    server: Option<Arc<server::ServerAddress>>,
    /// On a laptop, this process's writers queue here for SQLite's one write lock, holding
    /// no connection while they wait: a writer that reads through the pool as it writes
    /// finds a connection free however many others are waiting.
    write_turn: Arc<tokio::sync::Mutex<()>>,
    /// This computer's desk name (`desk::DESK_FILE` in the data folder), recorded with the
    /// visits and audit entries written through this handle (and every clone of it).
    desk: Arc<std::sync::RwLock<Option<Arc<str>>>>,
}

/// Shuts the connections when the last handle on a database is dropped without
/// `Db::close`, before the drop returns. Left to themselves they shut on their own threads
/// later, and a process that ended meanwhile ran SQLCipher's exit handler (which frees its
/// heap, its providers and its mutexes) under a connection still closing, and crashed.
/// Waiting needs a multi-thread runtime (the app's, each command's, every test's): a
/// connection dropped just before is handed back to the pool by a task that must run
/// meanwhile. Anywhere else the drop does not wait.
#[derive(Debug)]
struct ClosesOnDrop(Pool);

impl Drop for ClosesOnDrop {
    fn drop(&mut self) {
        use tokio::runtime::{Handle, RuntimeFlavor};
        if self.0.is_closed() {
            return;
        }
        let Ok(runtime) = Handle::try_current() else {
            return;
        };
        if runtime.runtime_flavor() != RuntimeFlavor::MultiThread {
            return;
        }
        tokio::task::block_in_place(|| {
            runtime.block_on(async {
                // Never for ever: a connection still checked out on this very thread would
                // hold the close up until it is returned.
                let _ = tokio::time::timeout(Duration::from_secs(5), self.0.close()).await;
            });
        });
    }
}

/// Every Pantry process (the app, each command) holds this lock shared while it has the
/// database open; a restore holds it alone, so it never replaces a file that another process
/// is still writing into. It is a lock file beside the database (`pantry.sqlite3.lock`),
/// locked with the operating system's file locks, so a process that dies lets go of it.
#[derive(Debug)]
pub struct DbLock {
    /// The locked file (closing it lets go); `None` once released, or for a database opened
    /// under a lock its caller holds.
    file: Mutex<Option<std::fs::File>>,
}

/// The folders beside the database where Pantry stages files (besides the data folder).
const STAGING_FOLDERS: [&str; 4] = ["backups", "print", "reports", "exports"];

/// How long opening waits for a restore to finish, and a restore for others to close.
const LOCK_WAIT: Duration = Duration::from_secs(10);

/// How long a write waits for the writers before it (in this process and in others) before
/// it is refused as busy.
const WRITE_WAIT: Duration = Duration::from_secs(10);

impl DbLock {
    fn path(db_path: &Path) -> PathBuf {
        let mut name = db_path.as_os_str().to_owned();
        name.push(".lock");
        PathBuf::from(name)
    }

    fn file(db_path: &Path) -> Result<std::fs::File> {
        let path = DbLock::path(db_path);
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| files::file_error("open", &path, &e))
    }

    /// Shared with other Pantry processes; waits while a restore is running.
    pub fn shared(db_path: &Path) -> Result<DbLock> {
        let file = DbLock::file(db_path)?;
        wait_for(LOCK_WAIT, || file.try_lock_shared()).map_err(|()| {
            Error::Conflict(
                "A restore of this pantry's database is still running; try again in a minute."
                    .into(),
            )
        })?;
        Ok(DbLock::holding(Some(file)))
    }

    /// Held alone: no other Pantry process has the database open. Waits a few seconds for
    /// one that is closing, then refuses.
    pub fn exclusive(db_path: &Path) -> Result<DbLock> {
        let file = DbLock::file(db_path)?;
        wait_for(LOCK_WAIT, || file.try_lock()).map_err(|()| {
            Error::Conflict(
                "Pantry is open in another window, or a pantry command is running, on this database. \
                 Close it (and wait for the command to finish), then try again. Nothing was changed."
                    .into(),
            )
        })?;
        Ok(DbLock::holding(Some(file)))
    }

    /// Held alone if no other Pantry process has the database open right now; `None`
    /// (without waiting) if one has.
    fn exclusive_if_free(db_path: &Path) -> Result<Option<DbLock>> {
        let file = DbLock::file(db_path)?;
        Ok(match file.try_lock() {
            Ok(()) => Some(DbLock::holding(Some(file))),
            Err(_) => None,
        })
    }

    fn holding(file: Option<std::fs::File>) -> DbLock {
        DbLock {
            file: Mutex::new(file),
        }
    }

    fn release(&self) {
        if let Ok(mut file) = self.file.lock() {
            file.take();
        }
    }
}

/// Held by the one process that upgrades the database's schema (a file beside the
/// database, `pantry.sqlite3.upgrade-lock`, locked alone; a process that dies lets go).
#[derive(Debug)]
struct UpgradeLock {
    _held: std::fs::File,
}

/// How long opening waits for another process's upgrade (a copy and the migrations of a
/// large pantry take a while).
const UPGRADE_WAIT: Duration = Duration::from_secs(300);

impl UpgradeLock {
    fn take(db_path: &Path) -> Result<UpgradeLock> {
        let mut name = db_path.as_os_str().to_owned();
        name.push(".upgrade-lock");
        let path = PathBuf::from(name);
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| files::file_error("open", &path, &e))?;
        wait_for(UPGRADE_WAIT, || file.try_lock()).map_err(|()| {
            Error::Conflict(
                "Another Pantry window or command is still bringing this pantry's database up to \
                 date; try again in a few minutes."
                    .into(),
            )
        })?;
        Ok(UpgradeLock { _held: file })
    }
}

/// Retries a non-blocking lock until it is taken or the wait is over.
fn wait_for(
    wait: Duration,
    mut try_lock: impl FnMut() -> std::result::Result<(), std::fs::TryLockError>,
) -> std::result::Result<(), ()> {
    let started = Instant::now();
    loop {
        match try_lock() {
            Ok(()) => return Ok(()),
            Err(std::fs::TryLockError::WouldBlock) if started.elapsed() < wait => {
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(_) => return Err(()),
        }
    }
}

/// What happened while opening.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    pub migrations_applied: usize,
    /// A copy of the file taken before migrations were applied to an existing database.
    pub backup: Option<PathBuf>,
}

impl Db {
    /// Opens (creating if missing) the database in `data_dir`, with its key from `keys`;
    /// never in a folder on a network drive or one a cloud service syncs.
    pub async fn open_in(data_dir: &Path, keys: &KeyStore) -> Result<(Db, Opened)> {
        crate::shared_folder::refuse_shared(data_dir)?;
        std::fs::create_dir_all(data_dir)?;
        Db::open(&data_dir.join(crate::paths::DATABASE_FILE), keys).await
    }

    /// Opens (creating if missing) the database file at `path` and brings its schema up to
    /// date. A new database gets a new key, kept in `keys`; a plain one from an earlier
    /// Pantry is encrypted first (with its pre-upgrade copies and the backups beside it).
    pub async fn open(path: &Path, keys: &KeyStore) -> Result<(Db, Opened)> {
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
        if is_plain_sqlite(&path) {
            let alone = DbLock::exclusive(&path)?;
            encrypt_in_place(&path, keys).await?;
            alone.release();
        }
        // A new pantry's key is made by one process alone: two starting at once on a new
        // data folder would each keep a key of their own, and the database would be made
        // with the one that was then replaced.
        let made = std::fs::metadata(&path).is_ok_and(|m| m.len() > 0);
        if !made && keys.get(&path)?.is_none() {
            let alone = DbLock::exclusive(&path)?;
            key_for(&path, keys)?;
            alone.release();
        }
        // A write killed half-way (a restore, a backup, a document) leaves its staged copy:
        // all of them go when no other Pantry process has the database open.
        let alone = DbLock::exclusive_if_free(&path)?;
        if let Some(dir) = path.parent() {
            for folder in [dir.to_owned()]
                .into_iter()
                .chain(STAGING_FOLDERS.iter().map(|f| dir.join(f)))
            {
                files::remove_staged_leftovers(&folder, alone.is_some());
            }
        }
        drop(alone);
        let lock = DbLock::shared(&path)?;
        let key = key_for(&path, keys)?;
        if !made {
            // A new database's trail starts afresh: a head remembered for a database that
            // was once at this path (deleted, to start again) is not this one's.
            keys.remember_head(&path, "");
        }
        let (db, opened) = Db::open_with(&path, lock, true, Some(key)).await?;
        Ok((
            Db {
                keys: Some(keys.clone()),
                ..db
            },
            opened,
        ))
    }

    /// Opens the pantry's database on a PostgreSQL server, whose schema an admin has brought
    /// up to date (`server::migrate`). The files Pantry writes (print, exports, backups) go
    /// in folders in `data_dir`, on this computer. The backups this computer takes of the
    /// server's database are encrypted with a key of their own, kept in `keys` like a
    /// laptop's database key (made the first time; its recovery sheet prints like one).
    pub async fn open_server(
        address: &server::ServerAddress,
        data_dir: &Path,
        keys: &KeyStore,
    ) -> Result<Db> {
        std::fs::create_dir_all(data_dir)?;
        let data_dir = std::path::absolute(data_dir).unwrap_or_else(|_| data_dir.to_owned());
        let key = key_for(&data_dir.join(SERVER_BACKUP_KEY), keys)?;
        Db::on_server(address, &data_dir, Some(key)).await
    }

    /// The server database at `address`, for reading only what a copy onto it left there
    /// (no backups are taken through it).
    pub(crate) async fn open_server_to_check(
        address: &server::ServerAddress,
        data_dir: &Path,
    ) -> Result<Db> {
        Db::on_server(address, data_dir, None).await
    }

    async fn on_server(
        address: &server::ServerAddress,
        data_dir: &Path,
        key: Option<DatabaseKey>,
    ) -> Result<Db> {
        let pool = server::connect(address).await?;
        Ok(Db {
            _closer: Arc::new(ClosesOnDrop(Pool::Postgres(pool.clone()))),
            pool: Pool::Postgres(pool),
            path: data_dir.join(crate::paths::DATABASE_FILE),
            lock: Arc::new(DbLock::holding(None)),
            clock: Clock::system(),
            key: key.map(Arc::new),
            keys: None,
            server: Some(Arc::new(address.clone())),
            write_turn: Arc::default(),
            desk: Arc::new(std::sync::RwLock::new(desk::load(data_dir).map(Arc::from))),
        })
    }

    /// Opens a database file without encryption. Only for tests that search a file's raw
    /// bytes (what erasure leaves behind); the app and the command line always encrypt.
    pub async fn open_unencrypted(path: &Path) -> Result<(Db, Opened)> {
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
        let lock = DbLock::shared(&path)?;
        Db::open_with(&path, lock, true, None).await
    }

    /// Opens a database under a lock the caller already holds alone (a restore's: the
    /// current file, or the copy about to replace it, which needs no pre-upgrade copy of its
    /// own since the backup it came from is kept), with the database's `key`.
    pub async fn open_locked(
        path: &Path,
        _held: &DbLock,
        key: &DatabaseKey,
    ) -> Result<(Db, Opened)> {
        Db::open_with(path, DbLock::holding(None), false, Some(key.clone())).await
    }

    async fn open_with(
        path: &Path,
        lock: DbLock,
        copy_before_upgrade: bool,
        key: Option<DatabaseKey>,
    ) -> Result<(Db, Opened)> {
        let existed = std::fs::metadata(path).is_ok_and(|m| m.len() > 0);
        if existed && !is_wal_file(path) {
            refuse_newer_schema(path, key.as_ref()).await?;
        }
        let options = connect_options(path, key.as_ref())
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .pragma("secure_delete", "ON")
            // Up to 128 MiB of decrypted pages per connection (SQLite's default is 2 MiB),
            // filled only as pages are read: each page read from the encrypted file is
            // decrypted and checked, so the search index and a report's indexes are kept once
            // read. Temporary tables and sorts stay in memory rather than in (encrypted) files.
            .pragma("cache_size", "-131072")
            .pragma("temp_store", "MEMORY")
            .busy_timeout(WRITE_WAIT);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(|e| not_a_database(e, path))?;
        let db = Db {
            _closer: Arc::new(ClosesOnDrop(Pool::Sqlite(pool.clone()))),
            pool: Pool::Sqlite(pool),
            path: path.to_owned(),
            lock: Arc::new(lock),
            clock: Clock::system(),
            key: key.map(Arc::new),
            keys: None,
            server: None,
            write_turn: Arc::default(),
            desk: Arc::new(std::sync::RwLock::new(
                path.parent().and_then(desk::load).map(Arc::from),
            )),
        };
        match db.migrate(existed && copy_before_upgrade).await {
            Ok(opened) => Ok((db, opened)),
            Err(err) => {
                db.close().await;
                Err(err)
            }
        }
    }

    async fn migrate(&self, existed: bool) -> Result<Opened> {
        if self.pending_migrations().await? == 0 {
            return Ok(Opened {
                migrations_applied: 0,
                backup: None,
            });
        }
        // One process upgrades; another opening at the same moment waits, then finds nothing
        // left to do (sqlx does not lock an SQLite database while it migrates it).
        let _upgrading = UpgradeLock::take(&self.path)?;
        let pending = self.pending_migrations().await?;
        let backup = if existed && pending > 0 {
            let target = sibling_with_stamp(&self.path, "before-upgrade");
            self.backup_to(&target, Existing::Refuse).await?;
            Some(target)
        } else {
            None
        };
        MIGRATOR.run(self.pool()?).await?;
        Ok(Opened {
            migrations_applied: pending,
            backup,
        })
    }

    /// How many of this build's migrations the database still needs; a database whose
    /// schema is newer than this build is refused.
    async fn pending_migrations(&self) -> Result<usize> {
        let applied = applied_versions(self.pool()?).await?;
        let known = known_schema();
        if let Some(&found) = applied.iter().max() {
            if found > known {
                return Err(Error::SchemaTooNew { found, known });
            }
        }
        Ok(MIGRATOR
            .iter()
            .filter(|m| !m.migration_type.is_down_migration() && !applied.contains(&m.version))
            .count())
    }

    /// The SQLite pool, for what only a laptop's database does (its file, copies, checks)
    /// and the statements not yet written for both engines; on a server database they say
    /// so instead of running.
    pub fn pool(&self) -> Result<&SqlitePool> {
        match &self.pool {
            Pool::Sqlite(pool) => Ok(pool),
            Pool::Postgres(_) => Err(Error::not_on_server()),
        }
    }

    /// The server the database is on (`None`: the laptop's own file).
    pub fn server(&self) -> Option<&server::ServerAddress> {
        self.server.as_deref()
    }

    /// Where the database is, in words: its file, or its server's address (no password).
    pub fn location(&self) -> String {
        match self.server() {
            Some(address) => address.shown(),
            None => self.path.display().to_string(),
        }
    }

    pub fn engine(&self) -> Engine {
        match self.pool {
            Pool::Sqlite(_) => Engine::Sqlite,
            Pool::Postgres(_) => Engine::Postgres,
        }
    }

    /// A connection from the pool, for reads.
    pub async fn acquire(&self) -> Result<Conn> {
        Ok(match &self.pool {
            Pool::Sqlite(pool) => Conn::sqlite_read(pool.acquire().await?, self.desk()),
            Pool::Postgres(pool) => Conn::postgres(pool.acquire().await?, self.desk()),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The key the database is encrypted with (`None`: opened unencrypted, in a test).
    pub fn key(&self) -> Option<&DatabaseKey> {
        self.key.as_deref()
    }

    /// The folder where this database's key store keeps key files, if it keeps any.
    pub fn key_folder(&self) -> Option<&Path> {
        self.keys.as_ref().and_then(KeyStore::folder)
    }

    /// The newest audit-trail head seen for this database, kept outside it (`entries:hash`).
    pub(crate) fn remembered_audit_head(&self) -> Option<String> {
        self.keys.as_ref()?.remembered_head(&self.path)
    }

    /// Keeps a newer audit-trail head outside the database.
    pub(crate) fn remember_audit_head(&self, head: &str) {
        if let Some(keys) = &self.keys {
            keys.remember_head(&self.path, head);
        }
    }

    /// Now, by this database's clock: every operation takes its time from here.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The same database read through another clock (tests and simulations play out weeks
    /// with a manual one).
    pub fn with_clock(mut self, clock: Clock) -> Db {
        self.clock = clock;
        self
    }

    /// This computer's desk name, if it has one.
    pub fn desk(&self) -> Option<Arc<str>> {
        self.desk.read().ok().and_then(|desk| desk.clone())
    }

    /// Names this computer's desk for good (kept in the data folder; an empty name removes
    /// it): the visits and audit entries written from now on record it.
    pub fn name_desk(&self, typed: &str) -> Result<Option<String>> {
        let name = desk::save(self.path.parent().unwrap_or(Path::new(".")), typed)?;
        self.use_desk(name.as_deref());
        Ok(name)
    }

    /// Uses `typed` as the desk name for this process only (the command line's `--desk`).
    pub fn at_desk(&self, typed: &str) -> Result<()> {
        let name = desk::checked(typed)?;
        self.use_desk(name.as_deref());
        Ok(())
    }

    fn use_desk(&self, name: Option<&str>) {
        if let Ok(mut desk) = self.desk.write() {
            *desk = name.map(Arc::from);
        }
    }

    /// A folder beside the database for files Pantry writes (`print`, `exports`).
    pub fn folder(&self, name: &str) -> PathBuf {
        self.path.with_file_name(name)
    }

    /// Starts a write transaction. On a laptop with `BEGIN IMMEDIATE`, so two writers queue
    /// (other processes on the busy timeout, this one's on its write turn) instead of
    /// failing half-way.
    pub async fn begin_write(&self) -> Result<Conn> {
        Ok(match &self.pool {
            Pool::Sqlite(pool) => {
                let turn = tokio::time::timeout(WRITE_WAIT, self.write_turn.clone().lock_owned())
                    .await
                    .map_err(|_| {
                        Error::Conflict(
                            "The database is busy with other changes; try again.".into(),
                        )
                    })?;
                let tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                Conn::sqlite_write(tx, turn, self.desk())
            }
            Pool::Postgres(pool) => Conn::postgres_write(pool.begin().await?, self.desk()),
        })
    }

    /// Writes a consistent, self-contained copy of the database to `target` and checks it
    /// with `PRAGMA integrity_check`. The copy is made under a temporary name beside `target`
    /// and renamed into place only once checked; an existing file is replaced only when
    /// `existing` says so. (Where a copy may go is the caller's to check: `files::Guard`.)
    /// Encrypts `file`, one of this pantry's own copies, with the database's key when it is
    /// still plain SQLite (a backup an earlier Pantry wrote to a USB stick that was not
    /// plugged in when the database was encrypted). Returns whether it was.
    pub(crate) async fn encrypt_plain_copy(&self, file: &Path) -> Result<bool> {
        match &self.key {
            Some(key) if is_plain_sqlite(file) => {
                encrypt_file(file, key).await?;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// On a server, the copy is a laptop database like any other, encrypted with this
    /// computer's key for the server's backups: it restores on a laptop, or onto a server
    /// with `copy-to-server`.
    pub async fn backup_to(&self, target: &Path, existing: Existing) -> Result<()> {
        if let Pool::Postgres(pool) = &self.pool {
            return self.backup_server_to(pool, target, existing).await;
        }
        let staged = files::stage_beside(target, |_| Ok(()))?;
        let staged_text = path_text(staged.path())?;
        // VACUUM INTO writes into the empty staged file.
        sqlx::query("VACUUM INTO ?")
            .bind(&staged_text)
            .execute(self.pool()?)
            .await
            .map_err(|e| match e {
                sqlx::Error::Database(d) if d.message().contains("full") => files::file_error(
                    "write",
                    target,
                    &std::io::Error::from(std::io::ErrorKind::StorageFull),
                ),
                other => other.into(),
            })?;
        make_self_contained(staged.path(), self.key()).await?;
        check_integrity(staged.path(), self.key()).await?;
        files::persist(staged, target, existing)
    }

    /// `backup_to` for a server database: a new laptop database made in the staged file, the
    /// server's rows copied into it, checked.
    async fn backup_server_to(
        &self,
        pool: &PgPool,
        target: &Path,
        existing: Existing,
    ) -> Result<()> {
        let staged = files::stage_beside(target, |_| Ok(()))?;
        let options = connect_options(staged.path(), self.key())
            .journal_mode(SqliteJournalMode::Delete)
            .foreign_keys(false)
            .pragma("secure_delete", "ON");
        let mut conn = sqlx::SqliteConnection::connect_with(&options).await?;
        let copied = async {
            MIGRATOR.run_direct(None, &mut conn, false).await?;
            copy::from_server(pool, &mut conn).await?;
            let broken: Vec<(String, i64)> =
                sqlx::query_as("SELECT \"table\", rowid FROM pragma_foreign_key_check LIMIT 1")
                    .fetch_all(&mut conn)
                    .await?;
            match broken.first() {
                Some((table, row)) => Err(Error::Conflict(format!(
                    "The server's copy refers to a row it does not have ({table}, row {row}); \
                     no backup was written."
                ))),
                None => Ok(()),
            }
        }
        .await;
        conn.close().await?;
        copied?;
        check_integrity(staged.path(), self.key()).await?;
        files::persist(staged, target, existing)
    }

    /// Writes an unencrypted copy of the whole database to `target` (staged, checked and
    /// renamed like a backup), which any SQLite tool opens. Where it may go is the caller's
    /// to check, and who may ask for it (`database::export_plain`).
    pub(crate) async fn export_plain_to(&self, target: &Path, existing: Existing) -> Result<()> {
        let staged = files::stage_beside(target, |_| Ok(()))?;
        let mut conn = self.pool()?.acquire().await?;
        if self.key.is_some() {
            sqlx::query("ATTACH DATABASE ? AS plain KEY ''")
                .bind(path_text(staged.path())?)
                .execute(&mut *conn)
                .await?;
            let exported = sqlx::query("SELECT sqlcipher_export('plain')")
                .execute(&mut *conn)
                .await;
            sqlx::query("DETACH DATABASE plain")
                .execute(&mut *conn)
                .await?;
            exported?;
        } else {
            sqlx::query("VACUUM INTO ?")
                .bind(path_text(staged.path())?)
                .execute(&mut *conn)
                .await?;
        }
        drop(conn);
        check_integrity(staged.path(), None).await?;
        files::persist(staged, target, existing)
    }

    /// Closes every connection and lets go of the lock (for every clone of this `Db`). The
    /// WAL is first folded into the database file, so the file alone holds everything (when
    /// another process is reading, SQLite leaves that to the last one to close).
    pub async fn close(&self) {
        let _ = self.checkpoint().await;
        self.pool.close().await;
        self.lock.release();
    }

    /// After erasures are committed, leaves nothing of the erased values in the database's
    /// files: a laptop's WAL is folded in and truncated (`secure_delete` zeroed the freed
    /// pages); a server rewrites the tables that can hold personal values, so the old
    /// versions of their rows go (the function the owner made for it: the app's role may
    /// not rewrite tables itself).
    pub async fn clear_erased(&self) -> Result<()> {
        match &self.pool {
            Pool::Sqlite(_) => self.checkpoint().await,
            Pool::Postgres(pool) => {
                sqlx::query("SELECT pantry_rewrite_erased()")
                    .execute(pool)
                    .await?;
                Ok(())
            }
        }
    }

    /// Folds the WAL into the database file and empties it; an error if a reader kept part.
    pub async fn checkpoint(&self) -> Result<()> {
        let Pool::Sqlite(pool) = &self.pool else {
            return Ok(());
        };
        let (busy, _, _): (i64, i64, i64) = sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
            .fetch_one(pool)
            .await?;
        if busy == 0 {
            Ok(())
        } else {
            Err(Error::Conflict(
                "The database is busy with another Pantry process; try again.".into(),
            ))
        }
    }
}

/// The newest schema version this build knows.
pub fn known_schema() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

async fn applied_versions(pool: &SqlitePool) -> Result<Vec<i64>> {
    let has_table: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations')",
    )
    .fetch_one(pool)
    .await?;
    if !has_table {
        return Ok(Vec::new());
    }
    Ok(
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success = 1")
            .fetch_all(pool)
            .await?,
    )
}

/// Sets up OpenSSL, SQLite and SQLCipher once per process, on the first thread that gets
/// here, before any connection anywhere; every other thread waits until it is done. Every
/// way Pantry opens a database goes through `connect_options`, which calls this; code that
/// opens one with sqlx directly (tests reading a file behind Pantry's back) calls it first.
///
/// - OpenSSL (SQLCipher's cipher) is set up without the handler it would otherwise run at
///   process exit: a pool dropped without `close` shuts its connections on their own
///   threads, and an exit handler freeing OpenSSL under a connection still closing crashed
///   the process as it ended (about 1 run in 90 of a test that drops six open databases).
/// - `sqlite3_initialize` marks SQLite initialised *before* it runs SQLCipher's own set-up
///   (`SQLITE_EXTRA_INIT`), so a second thread opening a connection in that moment got
///   "sqlcipher not initialized" and then "An error occurred with PRAGMA key or rekey" (a
///   fresh clone's `make test` failed on it). Called here, alone, it returns only once
///   SQLCipher is ready. Nothing in Pantry calls `sqlite3_shutdown`.
pub fn start_sqlite() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        openssl_sys::init();
        initialize_sqlite();
    });
}

/// SQLite's (and so SQLCipher's) one-time set-up. Its result needs no check here: were it
/// to fail, SQLite tries again on the first connection and that connection's error is told.
#[allow(unsafe_code)]
fn initialize_sqlite() {
    // SAFETY: `sqlite3_initialize` takes no arguments, may be called at any time from any
    // thread and is a no-op once SQLite is set up; SQLite is built thread-safe (serialized).
    let _ = unsafe { libsqlite3_sys::sqlite3_initialize() };
}

/// Connection options for the file at `path`, with SQLCipher's key first when there is one.
fn connect_options(path: &Path, key: Option<&DatabaseKey>) -> SqliteConnectOptions {
    start_sqlite();
    // SQLCipher's own log (to standard error) is off: a wrong key is answered in plain words
    // by `not_a_database`, not with "hmac check failed for pgno=1" beside it.
    let options = SqliteConnectOptions::new()
        .filename(path)
        .pragma("cipher_log_level", "NONE");
    match key {
        Some(key) => options.pragma("key", key.pragma()),
        None => options,
    }
}

/// SQLite's answer to a wrong key (or a file that is not a database at all) in plain words.
fn not_a_database(err: impl Into<Error>, path: &Path) -> Error {
    match err.into() {
        Error::Db(sqlx::Error::Database(d)) if d.code().as_deref() == Some("26") => {
            Error::KeyNeeded(format!(
                "{} does not open with this pantry's key: it was made on another laptop, or its \
                 key was lost. Type the recovery key from the pantry's recovery sheet to open it.",
                path.display()
            ))
        }
        other => other,
    }
}

/// Opens a file only to read it: no journal, no `-wal`/`-shm` beside it, no byte changed.
/// For files nobody is writing and that hold everything themselves (backups).
pub(crate) async fn open_untouched(path: &Path, key: Option<&DatabaseKey>) -> Result<SqlitePool> {
    let options = connect_options(path, key).read_only(true).immutable(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await?;
    // The key is only tried on the first read.
    match sqlx::query("SELECT count(*) FROM sqlite_master")
        .execute(&pool)
        .await
    {
        Ok(_) => Ok(pool),
        Err(e) => {
            pool.close().await;
            Err(not_a_database(e, path))
        }
    }
}

/// Whether the file begins as a plain (unencrypted) SQLite database does.
pub fn is_plain_sqlite(path: &Path) -> bool {
    let mut head = [0u8; 16];
    std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
        .is_ok_and(|()| &head == b"SQLite format 3\0")
}

/// Puts a database made (and closed) in a staged file in place of the one at `db_path`: the
/// side files of both go first (the staged one's checkpointed WAL and the lock its schema was
/// made under, the old one's), then the
/// staged file is renamed over it. A crash before the rename leaves the old database and a
/// staged file the next start removes. Call it holding `DbLock::exclusive`.
pub(crate) fn put_in_place(staged: tempfile::NamedTempFile, db_path: &Path) -> Result<()> {
    let sides = ["-wal", "-shm", ".upgrade-lock"]
        .map(|suffix| PathBuf::from(format!("{}{suffix}", staged.path().display())))
        .into_iter()
        .chain(
            ["-wal", "-shm", "-journal"]
                .map(|suffix| PathBuf::from(format!("{}{suffix}", db_path.display()))),
        );
    for side in sides {
        if side.exists() {
            std::fs::remove_file(&side).map_err(|e| files::file_error("remove", &side, &e))?;
        }
    }
    files::persist(staged, db_path, Existing::Replace)
}

/// The key of the database at `path`: the one kept for it, or a new one (kept before the
/// database is made) when there is no database yet. An existing database whose key is not
/// kept here needs the recovery key.
pub(crate) fn key_for(path: &Path, keys: &KeyStore) -> Result<DatabaseKey> {
    if let Some(key) = keys.get(path)? {
        return Ok(key);
    }
    if std::fs::metadata(path).is_ok_and(|m| m.len() > 0) {
        return Err(Error::KeyNeeded(format!(
            "The key of the pantry's database ({}) is not on this computer: the data folder was \
             moved or copied here, or the key was removed. Type the recovery key from the \
             pantry's recovery sheet to open it.",
            path.display()
        )));
    }
    let key = DatabaseKey::generate();
    keys.put(path, &key)?;
    Ok(key)
}

/// Keeps `key` as the key of the database at `path` once it is shown to open it (the
/// recovery key typed on a laptop that lost or never had the key).
pub async fn unlock_with(path: &Path, key: &DatabaseKey, keys: &KeyStore) -> Result<()> {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let pool = open_untouched(&path, Some(key))
        .await
        .map_err(|e| match e {
            Error::KeyNeeded(_) => Error::invalid(
                "recoveryKey",
                "That recovery key does not open this pantry's database. Check it against the \
             recovery sheet.",
            ),
            other => other,
        })?;
    pool.close().await;
    keys.put(&path, key)
}

/// Encrypts a plain database from an earlier Pantry where it lies, with a key kept in
/// `keys` first; then its plain pre-upgrade copies and the plain backups beside it, so no
/// plain copy is left behind. The caller holds the database alone.
async fn encrypt_in_place(path: &Path, keys: &KeyStore) -> Result<()> {
    let key = match keys.get(path)? {
        Some(key) => key,
        None => {
            let key = DatabaseKey::generate();
            keys.put(path, &key)?;
            key
        }
    };
    encrypt_file(path, &key).await?;
    let dir = path.parent().unwrap_or(Path::new("."));
    for folder in [dir.to_owned(), dir.join("backups")] {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let copy = entry.path();
            let name = copy.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let ours = name.contains("-before-upgrade-") || name.starts_with("pantry-backup-");
            if ours && name.ends_with(".sqlite3") && is_plain_sqlite(&copy) {
                encrypt_file(&copy, &key).await?;
            }
        }
    }
    Ok(())
}

/// Replaces the plain SQLite file at `path` with an encrypted copy of it (staged beside it,
/// checked, renamed into place; its WAL folded in first).
async fn encrypt_file(path: &Path, key: &DatabaseKey) -> Result<()> {
    let staged = files::stage_beside(path, |_| Ok(()))?;
    encrypt_into(path, staged.path(), key).await?;
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", path.display()));
        if side.exists() {
            std::fs::remove_file(&side).map_err(|e| files::file_error("remove", &side, &e))?;
        }
    }
    files::persist(staged, path, Existing::Replace)
}

/// Writes an encrypted copy of the plain SQLite file `plain` into the empty file `target`
/// (its WAL folded in first) and checks it: no plain byte of it is ever written.
pub(crate) async fn encrypt_into(plain: &Path, target: &Path, key: &DatabaseKey) -> Result<()> {
    let source = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(connect_options(plain, None))
        .await?;
    let exported = async {
        let mut conn = source.acquire().await?;
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&mut *conn)
            .await?;
        sqlx::query("ATTACH DATABASE ? AS encrypted KEY ?")
            .bind(path_text(target)?)
            .bind(key.pragma().trim_matches('"').to_owned())
            .execute(&mut *conn)
            .await?;
        sqlx::query("SELECT sqlcipher_export('encrypted')")
            .execute(&mut *conn)
            .await?;
        sqlx::query("DETACH DATABASE encrypted")
            .execute(&mut *conn)
            .await?;
        Ok::<(), Error>(())
    }
    .await;
    source.close().await;
    exported?;
    check_integrity(target, Some(key)).await
}

/// Makes the copy at `path` of the encrypted backup `from` open with `key`: one made with
/// another key is re-keyed when `recovery` opens it. Anything else is refused, saying what
/// is needed. (A plain backup is never copied as it is: `encrypt_into` makes its copy.)
pub(crate) async fn adopt_copy(
    path: &Path,
    from: &Path,
    key: &DatabaseKey,
    recovery: Option<&DatabaseKey>,
) -> Result<()> {
    match open_untouched(path, Some(key)).await {
        Ok(pool) => {
            pool.close().await;
            return Ok(());
        }
        Err(Error::KeyNeeded(_)) => {}
        Err(other) => return Err(other),
    }
    let Some(recovery) = recovery else {
        return Err(Error::KeyNeeded(format!(
            "{} does not open with this pantry's key. If it is a backup from another laptop, \
             type the recovery key from the pantry's recovery sheet; otherwise choose a Pantry \
             backup. Nothing was changed.",
            from.display()
        )));
    };
    let wrong = || {
        Error::invalid(
            "recoveryKey",
            format!(
                "That recovery key does not open {}: check it against the recovery sheet, or \
                 choose another backup. Nothing was changed.",
                from.display()
            ),
        )
    };
    let pool = open_untouched(path, Some(recovery))
        .await
        .map_err(|_| wrong())?;
    pool.close().await;
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(connect_options(path, Some(recovery)).journal_mode(SqliteJournalMode::Delete))
        .await?;
    let rekeyed = sqlx::query(AssertSqlSafe(format!("PRAGMA rekey = {}", key.pragma())))
        .execute(&pool)
        .await;
    pool.close().await;
    rekeyed?;
    check_integrity(path, Some(key)).await
}

fn path_text(path: &Path) -> Result<String> {
    path.to_str()
        .map(str::to_owned)
        .ok_or_else(|| Error::invalid("path", "The file's path must be valid text (UTF-8)."))
}

/// Whether the file's header says it is in WAL mode (opening it changes nothing then; a
/// rollback-journal file would be switched to WAL).
fn is_wal_file(path: &Path) -> bool {
    let mut header = [0u8; 20];
    std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut header))
        .is_ok_and(|()| header[18] == 2 && header[19] == 2)
}

/// Refuses a rollback-journal database written by a newer Pantry before its journal mode
/// (or anything else) is changed: read-only, so no byte and no file beside it changes. (A
/// WAL database is not changed by opening; the check after opening refuses it.)
async fn refuse_newer_schema(path: &Path, key: Option<&DatabaseKey>) -> Result<()> {
    let options = connect_options(path, key).read_only(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .map_err(|e| not_a_database(e, path))?;
    let applied = applied_versions(&pool).await;
    pool.close().await;
    let known = known_schema();
    match applied
        .map_err(|e| not_a_database(e, path))?
        .into_iter()
        .max()
    {
        Some(found) if found > known => Err(Error::SchemaTooNew { found, known }),
        _ => Ok(()),
    }
}

/// Turns a fresh copy into a single file (rollback journal, not WAL), so that opening it
/// later, to check or restore it, never needs `-wal`/`-shm` files beside it.
async fn make_self_contained(path: &Path, key: Option<&DatabaseKey>) -> Result<()> {
    let options = connect_options(path, key).journal_mode(SqliteJournalMode::Delete);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await?;
    pool.close().await;
    Ok(())
}

/// Opens `path` without touching it and runs `PRAGMA integrity_check`.
pub async fn check_integrity(path: &Path, key: Option<&DatabaseKey>) -> Result<()> {
    let pool = open_untouched(path, key).await?;
    let verdict: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&pool)
        .await?;
    pool.close().await;
    if verdict == "ok" {
        Ok(())
    } else {
        Err(Error::Conflict(format!(
            "The copy at {} failed its integrity check: {verdict}",
            path.display()
        )))
    }
}

/// `pantry.sqlite3` → `pantry-<label>-20261124T101500Z.sqlite3`.
fn stamped_name(db_path: &Path, label: &str) -> String {
    let stem = db_path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("pantry");
    let stamp = Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
    format!("{stem}-{label}-{stamp}.sqlite3")
}

fn sibling_with_stamp(db_path: &Path, label: &str) -> PathBuf {
    db_path.with_file_name(stamped_name(db_path, label))
}
