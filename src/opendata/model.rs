//! The stored releases (`ocds_releases`) and the queries on them. Rows are only ever
//! inserted: a published release is never updated or deleted.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
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

/// `ocds_flags`
pub mod flags {
    use sea_orm::entity::prelude::*;

    /// The red flags of one tender, evaluated on its compiled record when its latest
    /// release was recorded (in the same transaction).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "ocds_flags")]
    pub struct Model {
        /// Our tender.
        #[sea_orm(primary_key, auto_increment = false)]
        pub tender_id: i64,
        /// Its process.
        pub ocid: String,
        /// The purchasing unit (buyer).
        pub unit_id: i64,
        /// Its name when the release was recorded.
        #[sea_orm(column_type = "Text")]
        pub unit_name: String,
        /// The tender's title.
        #[sea_orm(column_type = "Text")]
        pub title: String,
        /// Flag codes, comma-separated; empty when none (`flag_rules::to_stored`).
        #[sea_orm(column_type = "Text")]
        pub codes: String,
        /// Evidence by code, a JSON object.
        #[sea_orm(column_type = "Text")]
        pub evidence: String,
        /// When they were evaluated (the release's instant).
        pub updated_at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use flags::Model as StoredFlags;

/// Inserts or replaces a tender's flags.
pub async fn upsert_flags(db: &impl ConnectionTrait, row: StoredFlags) -> Result<(), DbErr> {
    use sea_orm::ActiveValue::Set;
    use sea_orm::sea_query::OnConflict;
    let am = flags::ActiveModel {
        tender_id: Set(row.tender_id),
        ocid: Set(row.ocid),
        unit_id: Set(row.unit_id),
        unit_name: Set(row.unit_name),
        title: Set(row.title),
        codes: Set(row.codes),
        evidence: Set(row.evidence),
        updated_at: Set(row.updated_at),
    };
    flags::Entity::insert(am)
        .on_conflict(
            OnConflict::column(flags::Column::TenderId)
                .update_columns([
                    flags::Column::Ocid,
                    flags::Column::UnitId,
                    flags::Column::UnitName,
                    flags::Column::Title,
                    flags::Column::Codes,
                    flags::Column::Evidence,
                    flags::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Every evaluated tender's unit, unit name and codes (the per-unit counts).
pub async fn flag_codes(db: &impl ConnectionTrait) -> Result<Vec<(i64, String, String)>, DbErr> {
    flags::Entity::find()
        .select_only()
        .column(flags::Column::UnitId)
        .column(flags::Column::UnitName)
        .column(flags::Column::Codes)
        .order_by_asc(flags::Column::TenderId)
        .into_tuple::<(i64, String, String)>()
        .all(db)
        .await
}

/// A unit's evaluated tenders, newest first.
pub async fn flags_of_unit(
    db: &impl ConnectionTrait,
    unit_id: i64,
) -> Result<Vec<StoredFlags>, DbErr> {
    flags::Entity::find()
        .filter(flags::Column::UnitId.eq(unit_id))
        .order_by_desc(flags::Column::TenderId)
        .all(db)
        .await
}

/// One tender's flags, if it has been evaluated (it has releases).
pub async fn flags_of_tender(
    db: &impl ConnectionTrait,
    tender_id: i64,
) -> Result<Option<StoredFlags>, DbErr> {
    flags::Entity::find_by_id(tender_id).one(db).await
}

/// Tenders with releases but no flags row (releases recorded before the flags existed).
pub async fn tenders_without_flags(db: &impl ConnectionTrait) -> Result<Vec<i64>, DbErr> {
    let evaluated: std::collections::HashSet<i64> = flags::Entity::find()
        .select_only()
        .column(flags::Column::TenderId)
        .into_tuple::<i64>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut with_releases: Vec<i64> = release::Entity::find()
        .select_only()
        .column(release::Column::TenderId)
        .distinct()
        .into_tuple::<i64>()
        .all(db)
        .await?;
    with_releases.retain(|t| !evaluated.contains(t));
    with_releases.sort_unstable();
    Ok(with_releases)
}

/// `notices`
pub mod notice {
    use sea_orm::entity::prelude::*;

    /// One public notice: a release that is a procurement notice, correction, result,
    /// contract or termination notice (`notice_rules::row_of`), written with the release.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "notices")]
    pub struct Model {
        /// The release's row id: the notice's number in its URL.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: i64,
        /// Our tender.
        pub tender_id: i64,
        /// `notice_rules::NoticeKind` code.
        pub kind: String,
        /// The purchasing unit.
        pub unit_id: i64,
        /// Its name as published.
        #[sea_orm(column_type = "Text")]
        pub unit_name: String,
        /// The tender's title.
        #[sea_orm(column_type = "Text")]
        pub title: String,
        /// The event's instant (Unix seconds).
        pub at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use notice::Model as StoredNotice;

/// What a notice list is filtered by (all optional).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoticeFilter {
    /// One type (its code).
    pub kind: Option<String>,
    /// One purchasing unit.
    pub unit_id: Option<i64>,
    /// Only these tenders (the place filter, answered by procurement).
    pub tenders: Option<Vec<i64>>,
    /// At or after.
    pub from: Option<i64>,
    /// Before.
    pub until: Option<i64>,
    /// Words in the title (taken literally, case-insensitive).
    pub q: String,
}

/// Inserts a notice (nothing when its row exists: the start-up fill may race another
/// instance's).
pub async fn insert_notice(db: &impl ConnectionTrait, row: StoredNotice) -> Result<(), DbErr> {
    use sea_orm::ActiveValue::Set;
    use sea_orm::sea_query::OnConflict;
    let am = notice::ActiveModel {
        id: Set(row.id),
        tender_id: Set(row.tender_id),
        kind: Set(row.kind),
        unit_id: Set(row.unit_id),
        unit_name: Set(row.unit_name),
        title: Set(row.title),
        at: Set(row.at),
    };
    notice::Entity::insert(am)
        .on_conflict(
            OnConflict::column(notice::Column::Id)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// One page of notices, newest first, and how many match.
pub async fn notices(
    db: &impl ConnectionTrait,
    f: &NoticeFilter,
    offset: u64,
    limit: u64,
) -> Result<(Vec<StoredNotice>, u64), DbErr> {
    use sea_orm::PaginatorTrait;
    use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
    let mut q = notice::Entity::find();
    if let Some(k) = &f.kind {
        q = q.filter(notice::Column::Kind.eq(k.as_str()));
    }
    if let Some(u) = f.unit_id {
        q = q.filter(notice::Column::UnitId.eq(u));
    }
    if let Some(ts) = &f.tenders {
        if ts.is_empty() {
            return Ok((vec![], 0));
        }
        q = q.filter(notice::Column::TenderId.is_in(ts.iter().copied()));
    }
    if let Some(t) = f.from {
        q = q.filter(notice::Column::At.gte(t));
    }
    if let Some(t) = f.until {
        q = q.filter(notice::Column::At.lt(t));
    }
    let words = f.q.trim().to_lowercase();
    if !words.is_empty() {
        let escaped = words
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        q = q.filter(
            Expr::expr(Func::lower(Expr::col(notice::Column::Title)))
                .like(LikeExpr::new(format!("%{escaped}%")).escape('\\')),
        );
    }
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_desc(notice::Column::At)
        .order_by_desc(notice::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// One notice.
pub async fn notice_by_id(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<StoredNotice>, DbErr> {
    notice::Entity::find_by_id(id).one(db).await
}

/// One release by its row id.
pub async fn release_by_row(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<StoredRelease>, DbErr> {
    release::Entity::find_by_id(id).one(db).await
}

/// The units that have notices, with a name they published (one query, grouped), by name.
pub async fn notice_units(db: &impl ConnectionTrait) -> Result<Vec<(i64, String)>, DbErr> {
    let mut v: Vec<(i64, String)> = notice::Entity::find()
        .select_only()
        .column(notice::Column::UnitId)
        .column_as(notice::Column::UnitName.max(), "name")
        .group_by(notice::Column::UnitId)
        .into_tuple()
        .all(db)
        .await?;
    v.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    Ok(v)
}

/// Releases after the last notice that may be notices (recorded before the notices
/// existed, or openings that went on to evaluation), oldest first.
pub async fn releases_without_notice(db: &impl ConnectionTrait) -> Result<Vec<i64>, DbErr> {
    // The backfill goes in row order and every later release writes its notice live, so
    // only the releases after the last notice can lack one: each start reads those alone,
    // not every release again.
    let last: Option<i64> = notice::Entity::find()
        .select_only()
        .column_as(notice::Column::Id.max(), "last")
        .into_tuple::<Option<i64>>()
        .one(db)
        .await?
        .flatten();
    release::Entity::find()
        .select_only()
        .column(release::Column::Id)
        .filter(release::Column::Tag.ne("implementation"))
        .filter(release::Column::Id.gt(last.unwrap_or(0)))
        .order_by_asc(release::Column::Id)
        .into_tuple::<i64>()
        .all(db)
        .await
}
