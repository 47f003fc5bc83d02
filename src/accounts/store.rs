//! Server-side sessions in the application database (`tower-sessions` store), so several
//! server instances behind a load balancer share them.

use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

use super::model::session_row;
use crate::kernel::clock::Clock;
// Session writes take the same turn as every other write (on SQLite: an in-process FIFO
// instead of colliding in SQLite's busy handler, which sleeps and backs off; a booking burst
// measured p99 latencies several times higher without it).
use crate::kernel::db::begin_write;

/// A session store over the `sessions` table.
#[derive(Debug, Clone)]
pub struct DbSessionStore {
    db: DatabaseConnection,
}

impl DbSessionStore {
    /// Wraps a connection pool.
    pub fn new(db: DatabaseConnection) -> Self {
        DbSessionStore { db }
    }

    /// Deletes expired sessions; run periodically.
    pub async fn delete_expired(&self, now: i64) -> Result<u64, sea_orm::DbErr> {
        let r = session_row::Entity::delete_many()
            .filter(session_row::Column::ExpiresAt.lt(now))
            .exec(&self.db)
            .await?;
        Ok(r.rows_affected)
    }
}

fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

/// The key a session is stored under: the SHA-256 of the cookie value, so a copy of the
/// database (or a leaked backup) holds no cookie that could be replayed.
fn key(id: &Id) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(id.to_string().as_bytes()))
}

fn row(record: &Record) -> session_store::Result<session_row::ActiveModel> {
    Ok(session_row::ActiveModel {
        id: Set(key(&record.id)),
        data: Set(serde_json::to_string(&record.data)
            .map_err(|e| session_store::Error::Encode(e.to_string()))?),
        expires_at: Set(record.expiry_date.unix_timestamp()),
    })
}

#[async_trait::async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // 128 random bits make a collision practically impossible, but a fresh id on conflict
        // costs nothing and keeps the guarantee honest.
        loop {
            let exists = session_row::Entity::find_by_id(key(&record.id))
                .one(&self.db)
                .await
                .map_err(backend)?
                .is_some();
            if !exists {
                break;
            }
            record.id = Id::default();
        }
        let txn = begin_write(&self.db).await.map_err(backend)?;
        session_row::Entity::insert(row(record)?)
            .exec(&*txn)
            .await
            .map_err(backend)?;
        txn.commit().await.map_err(backend)
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let txn = begin_write(&self.db).await.map_err(backend)?;
        session_row::Entity::insert(row(record)?)
            .on_conflict(
                OnConflict::column(session_row::Column::Id)
                    .update_columns([session_row::Column::Data, session_row::Column::ExpiresAt])
                    .to_owned(),
            )
            .exec(&*txn)
            .await
            .map_err(backend)?;
        txn.commit().await.map_err(backend)
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        // tower-sessions stamps expiry dates from the wall clock, so expiry is judged by the
        // wall clock too, not by the application's (possibly fixed) clock.
        let now = Clock::System.now();
        let Some(r) = session_row::Entity::find_by_id(key(id))
            .filter(session_row::Column::ExpiresAt.gt(now))
            .one(&self.db)
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        let data = serde_json::from_str(&r.data)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        let expiry_date = OffsetDateTime::from_unix_timestamp(r.expires_at).map_err(backend)?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        let txn = begin_write(&self.db).await.map_err(backend)?;
        session_row::Entity::delete_by_id(key(id))
            .exec(&*txn)
            .await
            .map_err(backend)?;
        txn.commit().await.map_err(backend)
    }
}
