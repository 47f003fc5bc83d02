//! The photo entity of an incubator and the queries and single-statement writes on it (the
//! operations live in `photos.rs`).

use std::collections::HashMap;

use sea_orm::entity::prelude::*;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, QueryOrder};

/// `incubator_photos`
pub mod photo {
    use sea_orm::entity::prelude::*;

    /// A stored photo of an incubator (its files are under the data directory).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "incubator_photos")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Incubator.
        pub incubator_id: i64,
        /// File name key (random hex).
        #[serde(skip)]
        pub file_key: String,
        /// Caption (may be empty).
        pub caption: String,
        /// Place in the incubator's order, from 1 (the cover).
        pub position: i32,
        /// Large rendition's width.
        pub width: i32,
        /// Large rendition's height.
        pub height: i32,
        /// Uploader.
        #[serde(skip)]
        pub created_by: Option<i64>,
        /// Unix seconds.
        pub created_at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use photo::Model as Photo;

/// The photos of some incubators by incubator, in their order (the cover first), in one
/// `IN` query.
pub async fn photos_of(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<Photo>>, DbErr> {
    let mut out: HashMap<i64, Vec<Photo>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    for p in photo::Entity::find()
        .filter(photo::Column::IncubatorId.is_in(ids.iter().copied()))
        .order_by_asc(photo::Column::IncubatorId)
        .order_by_asc(photo::Column::Position)
        .order_by_asc(photo::Column::Id)
        .all(db)
        .await?
    {
        out.entry(p.incubator_id).or_default().push(p);
    }
    Ok(out)
}

/// One photo of an incubator (none when it belongs to another incubator).
pub async fn photo(
    db: &impl ConnectionTrait,
    incubator_id: i64,
    photo_id: i64,
) -> Result<Option<Photo>, DbErr> {
    photo::Entity::find_by_id(photo_id)
        .filter(photo::Column::IncubatorId.eq(incubator_id))
        .one(db)
        .await
}

/// Inserts a photo row at the given place.
#[allow(clippy::too_many_arguments)]
pub async fn insert(
    db: &impl ConnectionTrait,
    incubator_id: i64,
    key: &str,
    caption: &str,
    position: i32,
    (width, height): (u32, u32),
    actor: Option<i64>,
    now: i64,
) -> Result<i64, DbErr> {
    let p = photo::ActiveModel {
        incubator_id: Set(incubator_id),
        file_key: Set(key.to_string()),
        caption: Set(caption.to_string()),
        position: Set(position),
        width: Set(i32::try_from(width).unwrap_or(i32::MAX)),
        height: Set(i32::try_from(height).unwrap_or(i32::MAX)),
        created_by: Set(actor),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(p.id)
}

/// Deletes a photo row.
pub async fn delete(db: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
    photo::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// Sets one photo's place.
pub async fn set_position(db: &impl ConnectionTrait, id: i64, position: i32) -> Result<(), DbErr> {
    photo::Entity::update_many()
        .col_expr(photo::Column::Position, Expr::value(position))
        .filter(photo::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
