//! Brand-project entities and their queries and single-statement writes (transactions are
//! opened in `mod.rs`).

use std::collections::HashMap;

use sea_orm::entity::prelude::*;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ActiveValue::Set, QueryOrder, QuerySelect};

use super::rules::{BrandDraft, Gallery, Outcome, Sort};

/// `brands`
pub mod brand {
    use sea_orm::entity::prelude::*;

    /// A brand service project (品牌服务项目).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "brands")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// The organization that runs it.
        pub org_id: i64,
        /// Name.
        pub name: String,
        /// Service-domain code.
        pub domain: String,
        /// Year started.
        pub started_year: i32,
        /// People served per year (stated).
        pub beneficiaries_per_year: i64,
        /// Partners (stated).
        pub partners: String,
        /// Story.
        pub story: String,
        /// Who created the page.
        pub created_by: Option<i64>,
        /// Unix seconds.
        pub created_at: i64,
        /// Unix seconds.
        pub updated_at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `brand_places`
pub mod place {
    use sea_orm::entity::prelude::*;

    /// A place a project serves.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "brand_places")]
    pub struct Model {
        /// Brand.
        #[sea_orm(primary_key, auto_increment = false)]
        pub brand_id: i64,
        /// Division code.
        #[sea_orm(primary_key, auto_increment = false)]
        pub division_code: String,
        /// Its league/city.
        pub league_code: Option<String>,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `brand_outcomes`
pub mod outcome {
    use sea_orm::entity::prelude::*;

    /// A stated outcome.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "brand_outcomes")]
    pub struct Model {
        /// Brand.
        #[sea_orm(primary_key, auto_increment = false)]
        pub brand_id: i64,
        /// Order, from 0.
        #[sea_orm(primary_key, auto_increment = false)]
        pub position: i32,
        /// What.
        pub label: String,
        /// How many.
        pub number: i64,
        /// Of what.
        pub unit: String,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `brand_photos`
pub mod photo {
    use sea_orm::entity::prelude::*;

    /// A stored photo (its files are under the data directory).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "brand_photos")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Brand.
        pub brand_id: i64,
        /// File name key (random hex).
        #[serde(skip)]
        pub file_key: String,
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

/// `brand_evidence`
pub mod evidence {
    use sea_orm::entity::prelude::*;

    /// A completed contract linked to a brand.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "brand_evidence")]
    pub struct Model {
        /// Brand.
        #[sea_orm(primary_key, auto_increment = false)]
        pub brand_id: i64,
        /// Contract.
        #[sea_orm(primary_key, auto_increment = false)]
        pub contract_id: i64,
        /// Who linked it.
        pub linked_by: Option<i64>,
        /// Unix seconds.
        pub linked_at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use brand::Model as Brand;
pub use photo::Model as Photo;

/// One brand.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<Option<Brand>, DbErr> {
    brand::Entity::find_by_id(id).one(db).await
}

/// Locks a brand row for the rest of the transaction (PostgreSQL; SQLite writes are
/// serialized anyway) by touching its update time.
pub async fn touch(db: &impl ConnectionTrait, id: i64, now: i64) -> Result<bool, DbErr> {
    let r = brand::Entity::update_many()
        .col_expr(brand::Column::UpdatedAt, Expr::value(now))
        .filter(brand::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Number of brand projects.
pub async fn count(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    brand::Entity::find().count(db).await
}

/// The brands of an organization, oldest first.
pub async fn of_org(db: &impl ConnectionTrait, org_id: i64) -> Result<Vec<Brand>, DbErr> {
    brand::Entity::find()
        .filter(brand::Column::OrgId.eq(org_id))
        .order_by_asc(brand::Column::Id)
        .all(db)
        .await
}

/// One gallery page and the number of matching brands.
pub async fn gallery(
    db: &impl ConnectionTrait,
    g: &Gallery,
    page_size: u64,
) -> Result<(Vec<Brand>, u64), DbErr> {
    let mut q = brand::Entity::find();
    // Brands of organizations whose registration ended leave the public gallery.
    let ended = crate::orgs::ended_ids(db).await?;
    if !ended.is_empty() {
        q = q.filter(brand::Column::OrgId.is_not_in(ended));
    }
    if let Some(d) = &g.domain {
        q = q.filter(brand::Column::Domain.eq(d.clone()));
    }
    if let Some(y) = g.year {
        q = q.filter(brand::Column::StartedYear.eq(y));
    }
    if let Some(l) = &g.league {
        q = q.filter(
            brand::Column::Id.in_subquery(
                Query::select()
                    .column(place::Column::BrandId)
                    .from(place::Entity)
                    .and_where(place::Column::LeagueCode.eq(l.clone()))
                    .to_owned(),
            ),
        );
    }
    q = match g.sort {
        Sort::Newest => q.order_by_desc(brand::Column::Id),
        Sort::Longest => q
            .order_by_asc(brand::Column::StartedYear)
            .order_by_asc(brand::Column::Id),
        Sort::Reach => q
            .order_by_desc(brand::Column::BeneficiariesPerYear)
            .order_by_asc(brand::Column::Id),
        Sort::Name => q
            .order_by_asc(brand::Column::Name)
            .order_by_asc(brand::Column::Id),
    };
    let total = q.clone().count(db).await?;
    let rows = q
        .offset((g.page - 1).saturating_mul(page_size))
        .limit(page_size)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// The places of some brands by brand, in one `IN` query.
pub async fn places_of(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<String>>, DbErr> {
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    for p in place::Entity::find()
        .filter(place::Column::BrandId.is_in(ids.iter().copied()))
        .order_by_asc(place::Column::DivisionCode)
        .all(db)
        .await?
    {
        out.entry(p.brand_id).or_default().push(p.division_code);
    }
    Ok(out)
}

/// The photos of some brands by brand, oldest first, in one `IN` query.
pub async fn photos_of(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<Photo>>, DbErr> {
    let mut out: HashMap<i64, Vec<Photo>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    for p in photo::Entity::find()
        .filter(photo::Column::BrandId.is_in(ids.iter().copied()))
        .order_by_asc(photo::Column::Id)
        .all(db)
        .await?
    {
        out.entry(p.brand_id).or_default().push(p);
    }
    Ok(out)
}

/// A brand's outcomes, in order.
pub async fn outcomes_of(db: &impl ConnectionTrait, id: i64) -> Result<Vec<Outcome>, DbErr> {
    Ok(outcome::Entity::find()
        .filter(outcome::Column::BrandId.eq(id))
        .order_by_asc(outcome::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|o| Outcome {
            label: o.label,
            number: o.number,
            unit: o.unit,
        })
        .collect())
}

/// The contracts linked to a brand, in the order linked.
pub async fn evidence_of(db: &impl ConnectionTrait, id: i64) -> Result<Vec<i64>, DbErr> {
    evidence::Entity::find()
        .select_only()
        .column(evidence::Column::ContractId)
        .filter(evidence::Column::BrandId.eq(id))
        .order_by_asc(evidence::Column::LinkedAt)
        .order_by_asc(evidence::Column::ContractId)
        .into_tuple()
        .all(db)
        .await
}

/// One photo of a brand (none when it belongs to another brand).
pub async fn photo(
    db: &impl ConnectionTrait,
    brand_id: i64,
    photo_id: i64,
) -> Result<Option<Photo>, DbErr> {
    photo::Entity::find_by_id(photo_id)
        .filter(photo::Column::BrandId.eq(brand_id))
        .one(db)
        .await
}

/// Number of photos of a brand.
pub async fn photo_count(db: &impl ConnectionTrait, brand_id: i64) -> Result<u64, DbErr> {
    photo::Entity::find()
        .filter(photo::Column::BrandId.eq(brand_id))
        .count(db)
        .await
}

/// Inserts a brand with its places and outcomes.
pub async fn insert(
    db: &impl ConnectionTrait,
    org_id: i64,
    d: &BrandDraft,
    by: Option<i64>,
    now: i64,
) -> Result<i64, DbErr> {
    let b = brand::ActiveModel {
        org_id: Set(org_id),
        name: Set(d.name.clone()),
        domain: Set(d.domain.clone()),
        started_year: Set(d.started_year),
        beneficiaries_per_year: Set(d.beneficiaries),
        partners: Set(d.partners.clone()),
        story: Set(d.story.clone()),
        created_by: Set(by),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    replace_parts(db, b.id, d).await?;
    Ok(b.id)
}

/// Overwrites a brand's fields, places and outcomes.
pub async fn update(
    db: &impl ConnectionTrait,
    id: i64,
    d: &BrandDraft,
    now: i64,
) -> Result<(), DbErr> {
    brand::ActiveModel {
        id: Set(id),
        name: Set(d.name.clone()),
        domain: Set(d.domain.clone()),
        started_year: Set(d.started_year),
        beneficiaries_per_year: Set(d.beneficiaries),
        partners: Set(d.partners.clone()),
        story: Set(d.story.clone()),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(db)
    .await?;
    place::Entity::delete_many()
        .filter(place::Column::BrandId.eq(id))
        .exec(db)
        .await?;
    outcome::Entity::delete_many()
        .filter(outcome::Column::BrandId.eq(id))
        .exec(db)
        .await?;
    replace_parts(db, id, d).await
}

async fn replace_parts(db: &impl ConnectionTrait, id: i64, d: &BrandDraft) -> Result<(), DbErr> {
    if !d.places.is_empty() {
        place::Entity::insert_many(d.places.iter().map(|(code, league)| place::ActiveModel {
            brand_id: Set(id),
            division_code: Set(code.clone()),
            league_code: Set(league.clone()),
        }))
        .exec_without_returning(db)
        .await?;
    }
    if !d.outcomes.is_empty() {
        outcome::Entity::insert_many(d.outcomes.iter().enumerate().map(|(i, o)| {
            outcome::ActiveModel {
                brand_id: Set(id),
                position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
                label: Set(o.label.clone()),
                number: Set(o.number),
                unit: Set(o.unit.clone()),
            }
        }))
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

/// Inserts a photo row.
pub async fn insert_photo(
    db: &impl ConnectionTrait,
    brand_id: i64,
    key: &str,
    (width, height): (u32, u32),
    by: Option<i64>,
    now: i64,
) -> Result<i64, DbErr> {
    let p = photo::ActiveModel {
        brand_id: Set(brand_id),
        file_key: Set(key.to_string()),
        width: Set(i32::try_from(width).unwrap_or(i32::MAX)),
        height: Set(i32::try_from(height).unwrap_or(i32::MAX)),
        created_by: Set(by),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(p.id)
}

/// Deletes a photo row.
pub async fn delete_photo(db: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
    photo::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// Replaces the contracts linked to a brand.
pub async fn set_evidence(
    db: &impl ConnectionTrait,
    brand_id: i64,
    contracts: &[i64],
    by: Option<i64>,
    now: i64,
) -> Result<(), DbErr> {
    evidence::Entity::delete_many()
        .filter(evidence::Column::BrandId.eq(brand_id))
        .exec(db)
        .await?;
    if !contracts.is_empty() {
        evidence::Entity::insert_many(contracts.iter().map(|c| evidence::ActiveModel {
            brand_id: Set(brand_id),
            contract_id: Set(*c),
            linked_by: Set(by),
            linked_at: Set(now),
        }))
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

/// The league/city codes of the places a brand serves (recognition at league/city level).
pub async fn league_codes_of(db: &impl ConnectionTrait, id: i64) -> Result<Vec<String>, DbErr> {
    let rows: Vec<Option<String>> = place::Entity::find()
        .select_only()
        .column(place::Column::LeagueCode)
        .filter(place::Column::BrandId.eq(id))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().flatten().collect())
}

/// Brand names by id, in one `IN` query.
pub async fn names_by_ids(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, String>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, String)> = brand::Entity::find()
        .select_only()
        .columns([brand::Column::Id, brand::Column::Name])
        .filter(brand::Column::Id.is_in(ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Brands by id, in one `IN` query, in id order.
pub async fn by_ids(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<Brand>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    brand::Entity::find()
        .filter(brand::Column::Id.is_in(ids.iter().copied()))
        .order_by_asc(brand::Column::Id)
        .all(db)
        .await
}

/// The outcomes of some brands by brand, in order, in one `IN` query.
pub async fn outcomes_of_many(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<Outcome>>, DbErr> {
    let mut out: HashMap<i64, Vec<Outcome>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    for o in outcome::Entity::find()
        .filter(outcome::Column::BrandId.is_in(ids.iter().copied()))
        .order_by_asc(outcome::Column::BrandId)
        .order_by_asc(outcome::Column::Position)
        .all(db)
        .await?
    {
        out.entry(o.brand_id).or_default().push(Outcome {
            label: o.label,
            number: o.number,
            unit: o.unit,
        });
    }
    Ok(out)
}

/// Keys of brands after `after`, in order, at most `limit` (search rebuilds).
pub async fn ids_after(
    db: &impl ConnectionTrait,
    after: i64,
    limit: u64,
) -> Result<Vec<i64>, DbErr> {
    brand::Entity::find()
        .select_only()
        .column(brand::Column::Id)
        .filter(brand::Column::Id.gt(after))
        .order_by_asc(brand::Column::Id)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await
}

/// Keys of the brands of these organizations, in order, in one `IN` query.
pub async fn ids_of_orgs(db: &impl ConnectionTrait, org_ids: &[i64]) -> Result<Vec<i64>, DbErr> {
    if org_ids.is_empty() {
        return Ok(Vec::new());
    }
    brand::Entity::find()
        .select_only()
        .column(brand::Column::Id)
        .filter(brand::Column::OrgId.is_in(org_ids.iter().copied()))
        .order_by_asc(brand::Column::Id)
        .into_tuple()
        .all(db)
        .await
}

/// Number of brands the public gallery shows (those of organizations whose registration did
/// not end).
pub async fn public_count(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    let ended = crate::orgs::ended_ids(db).await?;
    let mut q = brand::Entity::find();
    if !ended.is_empty() {
        q = q.filter(brand::Column::OrgId.is_not_in(ended));
    }
    q.count(db).await
}
