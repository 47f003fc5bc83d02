//! The stored releases (`ocds_releases`) and the queries on them. Rows are only ever
//! inserted: a published release is never updated or deleted.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

/// `ocds_releases`
pub mod release {
    use sea_orm::entity::prelude::*;

    /// One published OCDS release.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "ocds_releases")]
    pub struct Model {
        /// Commit order; the API's cursor.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// The release's `id`.
        pub release_id: String,
        /// Its process.
        pub ocid: String,
        /// Our tender.
        pub tender_id: i64,
        /// Position in the process, from 1.
        pub seq: i32,
        /// The release tag.
        pub tag: String,
        /// The event's instant (Unix seconds).
        pub at: i64,
        /// Its year in Asia/Shanghai (the bulk file it goes to).
        pub year: i32,
        /// The release JSON as published.
        #[sea_orm(column_type = "Text")]
        pub body: String,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use release::Model as StoredRelease;

/// How many releases a process has.
pub async fn count_of(db: &impl ConnectionTrait, ocid: &str) -> Result<u64, DbErr> {
    release::Entity::find()
        .filter(release::Column::Ocid.eq(ocid))
        .count(db)
        .await
}

/// A process's releases, oldest first.
pub async fn of_ocid(db: &impl ConnectionTrait, ocid: &str) -> Result<Vec<StoredRelease>, DbErr> {
    release::Entity::find()
        .filter(release::Column::Ocid.eq(ocid))
        .order_by_asc(release::Column::Seq)
        .all(db)
        .await
}

/// One release by its `id`.
pub async fn by_release_id(
    db: &impl ConnectionTrait,
    id: &str,
) -> Result<Option<StoredRelease>, DbErr> {
    release::Entity::find()
        .filter(release::Column::ReleaseId.eq(id))
        .one(db)
        .await
}

/// Newest first: at most `limit` releases below row `before` (all when `None`), dated at or
/// after `since`.
pub async fn page(
    db: &impl ConnectionTrait,
    before: Option<i64>,
    since: Option<i64>,
    limit: u64,
) -> Result<Vec<StoredRelease>, DbErr> {
    let mut q = release::Entity::find();
    if let Some(b) = before {
        q = q.filter(release::Column::Id.lt(b));
    }
    if let Some(s) = since {
        q = q.filter(release::Column::At.gte(s));
    }
    q.order_by_desc(release::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// The years that have releases, with their release count and last row.
pub async fn years(db: &impl ConnectionTrait) -> Result<Vec<(i32, i64, i64)>, DbErr> {
    release::Entity::find()
        .select_only()
        .column(release::Column::Year)
        .column_as(release::Column::Id.count(), "n")
        .column_as(release::Column::Id.max(), "last")
        .group_by(release::Column::Year)
        .order_by_asc(release::Column::Year)
        .into_tuple::<(i32, i64, i64)>()
        .all(db)
        .await
}

/// One year's releases in commit order, `batch` rows from after row `after`.
pub async fn of_year(
    db: &impl ConnectionTrait,
    year: i32,
    after: i64,
    batch: u64,
) -> Result<Vec<StoredRelease>, DbErr> {
    release::Entity::find()
        .filter(release::Column::Year.eq(year))
        .filter(release::Column::Id.gt(after))
        .order_by_asc(release::Column::Id)
        .limit(batch)
        .all(db)
        .await
}
