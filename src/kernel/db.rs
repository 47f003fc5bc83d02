//! Database connection: SQLite (embedded default) or PostgreSQL, chosen by URL alone.

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};

/// Connections a PostgreSQL pool opens at most unless configured: one instance's burst.
/// Several instances on one server each keep their own pool, so a deployment of N sets
/// `CIVICBRIDGE_DB_MAX_CONNECTIONS` to fit N pools under the server's `max_connections`.
pub const PG_MAX_CONNECTIONS: u32 = 48;

/// Opens a pool with the default size (see [`connect_with`]).
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    connect_with(url, None).await
}

/// Opens a pool of at most `max` connections on PostgreSQL ([`PG_MAX_CONNECTIONS`] when
/// `None`). SQLite gets WAL (readers never block the writer), foreign keys and a busy
/// timeout, so concurrent requests wait for the write lock instead of failing; its pool
/// stays small whatever `max` says (one writer at a time anyway).
///
/// Neither pool pings a connection each time it hands one out (sqlx's default): that doubled
/// the round trips of every statement run outside a transaction — on SQLite one more
/// hand-off to the connection's thread, on PostgreSQL one more trip to the server. An
/// in-process SQLite connection cannot go stale, so it is never pinged; a PostgreSQL
/// connection idle for [`PG_PING_AFTER_IDLE`] may have been dropped by the server or a
/// proxy, so only such a one is.
pub async fn connect_with(url: &str, max: Option<u32>) -> Result<DatabaseConnection, DbErr> {
    let mut opts = ConnectOptions::new(url.to_string());
    opts.sqlx_logging(false)
        .acquire_timeout(Duration::from_secs(10));
    if url.starts_with("sqlite:") {
        sqlite_without_memory_statistics();
        sqlite_plans_whatever_the_bound_values();
        opts.max_connections(8)
            .min_connections(1)
            .test_before_acquire(false);
        opts.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .create_if_missing(true)
        });
    } else {
        opts.max_connections(max.unwrap_or(PG_MAX_CONNECTIONS).max(2))
            .min_connections(1)
            .test_before_acquire_if_idle_for(PG_PING_AFTER_IDLE);
    }
    Database::connect(opts).await
}

/// How long a PostgreSQL connection may sit idle in the pool before it is pinged on its next
/// use (see [`connect_with`]).
pub const PG_PING_AFTER_IDLE: Duration = Duration::from_secs(30);

/// Turns SQLite's memory statistics off, once per process, before its first connection.
///
/// With them on (SQLite's default), every allocation SQLite makes takes one process-wide
/// mutex to count itself, so the pool's connection threads queue on each other: in a profile
/// of `/me` under load (README, issue 18), that mutex and its wake-ups were about a third of
/// the server's samples. SQLite's documentation recommends them off
/// (`SQLITE_DEFAULT_MEMSTATUS=0`); nothing here reads them.
fn sqlite_without_memory_statistics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: `SQLITE_CONFIG_MEMSTATUS` takes one `int`. Every SQLite connection of this
        // process is opened by `connect_with`, after this `Once` completed, so no other thread
        // is inside SQLite while it configures. Had SQLite been initialized already, it would
        // refuse (`SQLITE_MISUSE`) and change nothing, which leaves the statistics on.
        let rc = unsafe {
            libsqlite3_sys::sqlite3_config(
                libsqlite3_sys::SQLITE_CONFIG_MEMSTATUS,
                0 as std::ffi::c_int,
            )
        };
        if rc != libsqlite3_sys::SQLITE_OK {
            tracing::warn!(
                rc,
                "SQLite's memory statistics stay on (SQLite already started)"
            );
        }
    });
}

/// Has SQLite plan each statement once whatever values are bound to it (its query planner
/// stability guarantee, `SQLITE_DBCONFIG_ENABLE_QPSG`), on every connection this process
/// opens: registered once, as a hook SQLite runs when it opens a connection.
///
/// Without it SQLite plans some statements around their bound values, a `LIMIT ?` above
/// all, and then throws the plan away and parses and plans the statement again whenever
/// another value is bound to it, which is on every run. sea-orm binds the `LIMIT 1` of every
/// `.one()` (a session, a user, a room: several per request), so the statement cache saved
/// nothing on them: in a profile of the booking burst (README, issue 12) those re-preparings
/// were about a ninth of the connection threads' time. The plans given up were for a bound
/// `LIKE` pattern, a partial index matched through a bound value and a bound `LIMIT`; the
/// queries here either do not have those or gain nothing from them.
fn sqlite_plans_whatever_the_bound_values() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: the entry point has the signature SQLite calls it with; registering one is
        // thread-safe and touches no connection.
        let rc = unsafe { libsqlite3_sys::sqlite3_auto_extension(Some(stable_plans)) };
        if rc != libsqlite3_sys::SQLITE_OK {
            tracing::warn!(
                rc,
                "SQLite re-plans statements per bound value (hook refused)"
            );
        }
    });
}

/// The hook of [`sqlite_plans_whatever_the_bound_values`], run by SQLite on each new
/// connection before it is handed out.
unsafe extern "C" fn stable_plans(
    db: *mut libsqlite3_sys::sqlite3,
    _error: *mut *mut std::ffi::c_char,
    _api: *const libsqlite3_sys::sqlite3_api_routines,
) -> std::ffi::c_int {
    // SAFETY: `db` is the connection being opened, on this thread; ENABLE_QPSG takes an
    // `int` (1: on) and an `int*` for the resulting setting, which may be null.
    unsafe {
        libsqlite3_sys::sqlite3_db_config(
            db,
            libsqlite3_sys::SQLITE_DBCONFIG_ENABLE_QPSG,
            1 as std::ffi::c_int,
            std::ptr::null_mut::<std::ffi::c_int>(),
        );
    }
    // The connection works either way (only slower): never refuse to open it.
    libsqlite3_sys::SQLITE_OK
}

/// Creates the data directory if needed and keeps it private to the server's user (0700 on
/// Unix): it holds the database, the bid-sealing key and the search index.
pub fn prepare_data_dir(dir: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Makes sure a file exists readable and writable by the server's user only (0600 on Unix),
/// creating it empty with those permissions — never briefly wider — when it does not exist.
/// SQLite gives its `-wal` and `-shm` files the permissions of the database file.
pub fn private_file(path: &std::path::Path) -> std::io::Result<()> {
    let mut open = std::fs::OpenOptions::new();
    open.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        open.mode(0o600);
    }
    open.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

/// The file of a `sqlite://…` URL, if it names one (not `:memory:`).
pub fn sqlite_path(url: &str) -> Option<std::path::PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or("");
    (!path.is_empty() && !path.starts_with(":memory:")).then(|| path.into())
}

/// The `n`th (from 1) bind placeholder of hand-written SQL on this backend: `$n` on
/// PostgreSQL, `?` on SQLite (whose placeholders bind in order). For statements assembled
/// from several rooms' SQL fragments, such as [`crate::accounts::load_current_user`]'s.
pub fn placeholder(backend: sea_orm::DatabaseBackend, n: u32) -> String {
    match backend {
        sea_orm::DatabaseBackend::Postgres => format!("${n}"),
        _ => "?".to_string(),
    }
}

/// Applies pending migrations.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// A write transaction. On SQLite, write transactions in this process take turns on one
/// async lock before `BEGIN`: SQLite admits one writer at a time anyway, and queueing here
/// (FIFO, no polling) is much fairer and faster under a burst than letting connections
/// collide and back off in SQLite's busy handler. PostgreSQL needs no such lock.
///
/// A write transaction dropped without a commit (refused by a rule, or left by `?`) is
/// rolled back before the turn passes on. Dropping a sea-orm transaction only queues its
/// `ROLLBACK` on the connection, and the next writer's `BEGIN IMMEDIATE` on another
/// connection could run first, find SQLite's write lock still taken and sleep in the busy
/// handler (a millisecond and more) with the turn in hand; half the requests of a booking
/// burst are refused clashes, so that happened often enough to matter.
pub struct WriteTxn {
    /// Always `Some` until [`WriteTxn::commit`] or drop takes it.
    txn: Option<sea_orm::DatabaseTransaction>,
    turn: Option<tokio::sync::MutexGuard<'static, ()>>,
}

impl Drop for WriteTxn {
    fn drop(&mut self) {
        let (Some(txn), Some(turn)) = (self.txn.take(), self.turn.take()) else {
            return; // committed, or on PostgreSQL: dropping the transaction rolls it back
        };
        match tokio::runtime::Handle::try_current() {
            Ok(rt) => {
                rt.spawn(async move {
                    if let Err(e) = txn.rollback().await {
                        tracing::warn!(error = %e, "rolling back a dropped write transaction");
                    }
                    drop(turn);
                });
            }
            // Outside a runtime nothing could await the rollback: queue it as sea-orm does.
            Err(_) => drop((txn, turn)),
        }
    }
}

static SQLITE_WRITER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

impl std::ops::Deref for WriteTxn {
    type Target = sea_orm::DatabaseTransaction;

    fn deref(&self) -> &Self::Target {
        self.txn
            .as_ref()
            .expect("a write transaction is open until its commit or drop")
    }
}

impl WriteTxn {
    /// Commits and gives the turn to the next writer.
    pub async fn commit(mut self) -> Result<(), DbErr> {
        match self.txn.take() {
            Some(txn) => txn.commit().await,
            None => Ok(()),
        }
    }
}

/// A savepoint inside a write transaction: committing it keeps its writes in the outer
/// transaction, rolling it back undoes only them (a batch writer that lets one item fail
/// without losing the others). The outer transaction still holds the writers' turn.
pub async fn savepoint(txn: &WriteTxn) -> Result<sea_orm::DatabaseTransaction, DbErr> {
    use sea_orm::TransactionTrait;
    (**txn).begin().await
}

/// Begins a write transaction (see [`WriteTxn`]).
pub async fn begin_write(db: &DatabaseConnection) -> Result<WriteTxn, DbErr> {
    use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
    match db.get_database_backend() {
        sea_orm::DatabaseBackend::Sqlite => {
            let turn = SQLITE_WRITER.lock().await;
            // IMMEDIATE takes SQLite's write lock at `BEGIN`, waiting in the busy handler for
            // writes that do not take the turn above (the session store's upserts). A deferred
            // transaction that reads first would instead fail when it tries to write after such
            // a write committed (SQLITE_BUSY_SNAPSHOT, which no busy handler retries).
            let options = TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..TransactionOptions::default()
            };
            Ok(WriteTxn {
                txn: Some(db.begin_with_options(options).await?),
                turn: Some(turn),
            })
        }
        _ => Ok(WriteTxn {
            txn: Some(db.begin().await?),
            turn: None,
        }),
    }
}

/// A read-only snapshot: every query in it sees the database as of its first read while
/// writers go on (PostgreSQL `REPEATABLE READ`; on SQLite in WAL mode every read transaction
/// is one). For readers that must see several tables consistently, such as the audit
/// verifier reading the chain, its head and the checkpoints. Never takes the writers' turn.
pub async fn begin_snapshot(
    db: &DatabaseConnection,
) -> Result<sea_orm::DatabaseTransaction, DbErr> {
    use sea_orm::{AccessMode, IsolationLevel, TransactionTrait};
    match db.get_database_backend() {
        sea_orm::DatabaseBackend::Sqlite => db.begin().await,
        _ => {
            db.begin_with_config(
                Some(IsolationLevel::RepeatableRead),
                Some(AccessMode::ReadOnly),
            )
            .await
        }
    }
}

/// How long one answer of the database to the health probe stands for the next ones.
pub const PROBE_FRESH: Duration = Duration::from_secs(1);

/// The database's answer to the health probe, shared by the probes of one process: at most
/// one `SELECT 1` a second whatever the probe rate, and probes that arrive while one runs
/// wait for its answer instead of queueing their own. A failure is remembered as long as a
/// success, so probes during an outage answer at once rather than each waiting out the
/// pool's acquire timeout.
#[derive(Default)]
pub struct Probe {
    last: std::sync::Mutex<Option<(std::time::Instant, Result<(), String>)>>,
    running: tokio::sync::Mutex<()>,
}

impl Probe {
    /// The last answer if it is younger than [`PROBE_FRESH`].
    fn fresh(&self) -> Option<Result<(), String>> {
        let last = self.last.lock().ok()?;
        let (at, answer) = last.as_ref()?;
        (at.elapsed() < PROBE_FRESH).then(|| answer.clone())
    }

    /// Whether the database answers: from the last probe when fresh, else one `SELECT 1`.
    pub async fn check(&self, db: &DatabaseConnection) -> Result<(), String> {
        use sea_orm::ConnectionTrait;
        if let Some(answer) = self.fresh() {
            return answer;
        }
        let _turn = self.running.lock().await;
        if let Some(answer) = self.fresh() {
            return answer;
        }
        let answer = db
            .execute_unprepared("SELECT 1")
            .await
            .map(|_| ())
            .map_err(|e| e.to_string());
        if let Ok(mut last) = self.last.lock() {
            *last = Some((std::time::Instant::now(), answer.clone()));
        }
        answer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SQLite counts nothing once a pool was opened here: its high-water mark of memory stays
    /// 0 after real work (with statistics on, as SQLite starts, it is the bytes it used).
    #[tokio::test]
    async fn sqlite_runs_without_memory_statistics() {
        use sea_orm::ConnectionTrait;
        let db = connect("sqlite::memory:").await.unwrap();
        db.execute_unprepared(
            "CREATE TABLE t (v TEXT); \
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) \
             INSERT INTO t SELECT printf('%0500d', i) FROM n",
        )
        .await
        .unwrap();
        // SAFETY: reads SQLite's memory high-water mark; no other effect.
        let mark = unsafe { libsqlite3_sys::sqlite3_memory_highwater(0) };
        assert_eq!(
            mark, 0,
            "SQLite counted {mark} bytes: its statistics are on"
        );
    }

    /// A write transaction dropped without a commit keeps the writers' turn until its
    /// rollback has run: right after the drop no other writer may begin, the next one that
    /// waits for the turn gets it, and nothing of the dropped write is left.
    #[tokio::test]
    async fn a_dropped_write_keeps_the_turn_until_it_rolled_back() {
        use sea_orm::ConnectionTrait;
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
        let db = connect(&url).await.unwrap();
        db.execute_unprepared("CREATE TABLE t (v INTEGER PRIMARY KEY)")
            .await
            .unwrap();
        let txn = begin_write(&db).await.unwrap();
        txn.execute_unprepared("INSERT INTO t VALUES (1)")
            .await
            .unwrap();
        drop(txn);
        // No await since the drop: the rollback, spawned on this single-threaded runtime,
        // has not run, so the turn must still be taken.
        assert!(
            SQLITE_WRITER.try_lock().is_err(),
            "the turn passed on before the rollback"
        );
        let next = begin_write(&db).await.unwrap();
        next.execute_unprepared("INSERT INTO t VALUES (1)")
            .await
            .unwrap();
        next.commit().await.unwrap();
        let rows = db
            .query_all_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                "SELECT v FROM t",
            ))
            .await
            .unwrap();
        assert_eq!(rows.len(), 1, "only the committed row");
    }

    #[test]
    fn placeholders_are_numbered_on_postgresql_and_positional_on_sqlite() {
        use sea_orm::DatabaseBackend::{Postgres, Sqlite};
        assert_eq!(placeholder(Postgres, 1), "$1");
        assert_eq!(placeholder(Postgres, 12), "$12");
        assert_eq!(placeholder(Sqlite, 3), "?");
    }

    /// One answer stands for a second, then the database is asked again: a probe after the
    /// pool is closed still answers from the last success, and the next after a second
    /// reports the failure — which is then remembered too.
    #[tokio::test]
    async fn a_probe_answer_stands_for_a_second() {
        let db = connect("sqlite::memory:").await.unwrap();
        let probe = Probe::default();
        let answers = futures_util::future::join_all((0..16).map(|_| probe.check(&db))).await;
        assert!(answers.iter().all(Result::is_ok), "{answers:?}");
        db.clone().close().await.unwrap();
        assert_eq!(probe.check(&db).await, Ok(()));
        tokio::time::sleep(PROBE_FRESH).await;
        let failed = probe.check(&db).await;
        assert!(failed.is_err(), "{failed:?}");
        assert_eq!(probe.check(&db).await, failed);
    }
}
