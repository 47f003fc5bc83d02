//! What several server processes on one database agree on: which instance runs a
//! background job's round (claims), and whether an in-process cache is still fresh
//! (generations). Both live in the database every instance already shares, so a deployment
//! of N instances needs nothing more than one PostgreSQL (README, "Several instances").
//!
//! Invariants: a tick of a job is claimed by exactly one instance (a conditional upsert on
//! the job's row, decided by the database); a lease has one holder until it runs out; a
//! cache generation only grows, and is read before the value it guards is computed, so a
//! write during the computation leaves the cached value stale, never the reverse.

use std::sync::OnceLock;

use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, SimpleExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};

mod claim {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "job_claims")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub name: String,
        pub mark: i64,
        pub holder: String,
        pub claimed_at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

mod generation {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "cache_generations")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub name: String,
        pub generation: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// This process's name among the instances: the host (when the environment names it), the
/// process id and a random part, so two processes never share one even across restarts.
pub fn instance_id() -> &'static str {
    static ID: OnceLock<String> = OnceLock::new();
    ID.get_or_init(|| {
        let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "host".into());
        format!(
            "{}-{}-{:08x}",
            host.chars().take(60).collect::<String>(),
            std::process::id(),
            rand::random::<u32>()
        )
    })
}

/// Claims `tick` of `job` for `holder`: true for exactly one caller per tick (the first),
/// false for every other caller of that tick and for any earlier tick.
pub async fn claim_tick(
    db: &impl ConnectionTrait,
    job: &str,
    tick: i64,
    holder: &str,
    now: i64,
) -> Result<bool, DbErr> {
    let newer = Expr::col((claim::Entity, claim::Column::Mark)).lt(tick);
    upsert(db, job, tick, holder, now, newer).await
}

/// Takes or renews the lease of `job` for `holder` until `now + ttl`: true while `holder`
/// has it (it held it, or the last lease ran out), false while another instance does.
pub async fn hold_lease(
    db: &impl ConnectionTrait,
    job: &str,
    holder: &str,
    ttl: i64,
    now: i64,
) -> Result<bool, DbErr> {
    let free = Expr::col((claim::Entity, claim::Column::Mark))
        .lt(now)
        .or(Expr::col((claim::Entity, claim::Column::Holder)).eq(holder));
    upsert(db, job, now + ttl, holder, now, free).await
}

/// Who holds `job` and its mark, if anyone ever claimed it.
pub async fn claim_of(
    db: &impl ConnectionTrait,
    job: &str,
) -> Result<Option<(String, i64)>, DbErr> {
    Ok(claim::Entity::find_by_id(job.to_string())
        .one(db)
        .await?
        .map(|m| (m.holder, m.mark)))
}

async fn upsert(
    db: &impl ConnectionTrait,
    job: &str,
    mark: i64,
    holder: &str,
    now: i64,
    when: SimpleExpr,
) -> Result<bool, DbErr> {
    use claim::Column as C;
    let n = claim::Entity::insert(claim::ActiveModel {
        name: Set(job.to_string()),
        mark: Set(mark),
        holder: Set(holder.to_string()),
        claimed_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(C::Name)
            .update_columns([C::Mark, C::Holder, C::ClaimedAt])
            .action_and_where(when)
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(n == 1)
}

/// The stored generations of `names`, in their order (0 for a cache never made stale).
pub async fn generations<const N: usize>(
    db: &impl ConnectionTrait,
    names: [&str; N],
) -> Result<[u64; N], DbErr> {
    let rows = generation::Entity::find()
        .filter(generation::Column::Name.is_in(names))
        .all(db)
        .await?;
    Ok(names.map(|n| {
        rows.iter()
            .find(|r| r.name == n)
            .map_or(0, |r| u64::try_from(r.generation).unwrap_or(0))
    }))
}

/// Makes the cache `name` stale on every instance: call after the write is committed (a
/// reader between commit and bump may cache the new state under the old generation, which
/// is harmless; a bump before commit could let a reader cache the old state under the new
/// one).
pub async fn bump(db: &impl ConnectionTrait, name: &str) -> Result<(), DbErr> {
    use generation::Column as C;
    generation::Entity::insert(generation::ActiveModel {
        name: Set(name.to_string()),
        generation: Set(1),
    })
    .on_conflict(
        OnConflict::column(C::Name)
            .value(
                C::Generation,
                Expr::col((generation::Entity, C::Generation)).add(1),
            )
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}
