//! Spot-check entities and their queries: campaigns, drawn checks and findings. Single
//! statements only; the transactions are opened by the room's face (`mod.rs`).

use sea_orm::entity::prelude::*;
use sea_orm::{ActiveValue::Set, QueryOrder};

use super::rules::{CampaignDraft, CampaignState, Finding, Item, Level};

/// `spot_campaigns`
pub mod campaign {
    use sea_orm::entity::prelude::*;

    /// One campaign.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "spot_campaigns")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Name.
        pub name: String,
        /// `rules::Level` code.
        pub level: String,
        /// The division sampled.
        pub division_code: String,
        /// Year.
        pub year: i32,
        /// Ratio, basis points.
        pub ratio_bp: i32,
        /// `rules::Item` codes, comma-separated.
        pub items: String,
        /// `rules::CampaignState` code.
        pub state: String,
        /// SHA-256 (hex) of the seed, published at commit.
        pub seed_hash: Option<String>,
        /// The seed (hex): secret until the draw, published after.
        pub seed: Option<String>,
        /// Candidate organization ids (JSON), fixed at commit.
        pub candidates: Option<String>,
        /// Inspector user ids (JSON), fixed at commit.
        pub inspectors: Option<String>,
        /// Conflicts of interest, `[org, user]` pairs (JSON), fixed at commit.
        pub conflicts: Option<String>,
        /// Organizations to draw, fixed at commit.
        pub sample_size: Option<i32>,
        /// The regulator who defined it.
        pub created_by: i64,
        /// Unix seconds.
        pub created_at: i64,
        /// Unix seconds.
        pub committed_at: Option<i64>,
        /// Unix seconds.
        pub drawn_at: Option<i64>,
        /// Unix seconds.
        pub concluded_at: Option<i64>,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `spot_checks`
pub mod check {
    use sea_orm::entity::prelude::*;

    /// One drawn check.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "spot_checks")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// The campaign.
        pub campaign_id: i64,
        /// The organization drawn.
        pub org_id: i64,
        /// Its place in the draw (0-based).
        pub position: i32,
        /// Inspector user ids (JSON), in drawn order.
        pub inspectors: String,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `spot_findings`
pub mod finding {
    use sea_orm::entity::prelude::*;

    /// A finding on one item of one check.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "spot_findings")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// The check.
        pub check_id: i64,
        /// `rules::Item` code.
        pub item: String,
        /// `rules::Finding` code.
        pub finding: String,
        /// Note.
        pub note: String,
        /// The inspector.
        pub recorded_by: i64,
        /// Unix seconds.
        pub recorded_at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use campaign::Model as Campaign;
pub use check::Model as Check;
pub use finding::Model as FindingRow;

fn ids(json: Option<&str>) -> Vec<i64> {
    json.and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_default()
}

impl Campaign {
    /// The stored state (an unknown code reads as a draft: regulators only).
    pub fn state(&self) -> CampaignState {
        CampaignState::parse(&self.state).unwrap_or(CampaignState::Draft)
    }

    /// The stored level.
    pub fn level(&self) -> Option<Level> {
        Level::parse(&self.level)
    }

    /// The scope items.
    pub fn items(&self) -> Vec<Item> {
        self.items.split(',').filter_map(Item::parse).collect()
    }

    /// The candidates fixed at commit.
    pub fn candidates(&self) -> Vec<i64> {
        ids(self.candidates.as_deref())
    }

    /// The inspectors fixed at commit.
    pub fn inspector_pool(&self) -> Vec<i64> {
        ids(self.inspectors.as_deref())
    }

    /// The conflicts of interest fixed at commit.
    pub fn conflicts(&self) -> Vec<(i64, i64)> {
        self.conflicts
            .as_deref()
            .and_then(|j| serde_json::from_str(j).ok())
            .unwrap_or_default()
    }
}

impl Check {
    /// Its inspectors.
    pub fn inspector_ids(&self) -> Vec<i64> {
        ids(Some(&self.inspectors))
    }
}

impl FindingRow {
    /// The stored finding.
    pub fn finding(&self) -> Option<Finding> {
        Finding::parse(&self.finding)
    }
}

/// Inserts a draft campaign.
pub async fn insert(
    db: &impl ConnectionTrait,
    d: &CampaignDraft,
    by: i64,
    now: i64,
) -> Result<Campaign, DbErr> {
    let items: Vec<&str> = d.items.iter().map(|i| i.code()).collect();
    campaign::ActiveModel {
        name: Set(d.name.clone()),
        level: Set(d.level.code().to_string()),
        division_code: Set(d.division.clone()),
        year: Set(d.year),
        ratio_bp: Set(i32::try_from(d.ratio_bp).unwrap_or(i32::MAX)),
        items: Set(items.join(",")),
        state: Set(CampaignState::Draft.code().to_string()),
        seed_hash: Set(None),
        seed: Set(None),
        candidates: Set(None),
        inspectors: Set(None),
        conflicts: Set(None),
        sample_size: Set(None),
        created_by: Set(by),
        created_at: Set(now),
        committed_at: Set(None),
        drawn_at: Set(None),
        concluded_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// One campaign.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<Option<Campaign>, DbErr> {
    campaign::Entity::find_by_id(id).one(db).await
}

/// Campaigns, newest first; drafts only when `drafts`.
pub async fn list(db: &impl ConnectionTrait, drafts: bool) -> Result<Vec<Campaign>, DbErr> {
    let mut q = campaign::Entity::find();
    if !drafts {
        q = q.filter(campaign::Column::State.ne(CampaignState::Draft.code()));
    }
    q.order_by_desc(campaign::Column::Year)
        .order_by_desc(campaign::Column::Id)
        .all(db)
        .await
}

/// Writes `am` into a campaign and moves it to `state`, provided it is still in the state
/// it was read in (`false`: changed meanwhile, nothing written).
pub async fn transition(
    db: &impl ConnectionTrait,
    c: &Campaign,
    mut am: campaign::ActiveModel,
    state: CampaignState,
) -> Result<bool, DbErr> {
    am.state = Set(state.code().to_string());
    let res = campaign::Entity::update_many()
        .set(am)
        .filter(campaign::Column::Id.eq(c.id))
        .filter(campaign::Column::State.eq(c.state.as_str()))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Inserts a drawn check.
pub async fn insert_check(
    db: &impl ConnectionTrait,
    campaign_id: i64,
    org_id: i64,
    position: i32,
    inspectors: &[i64],
) -> Result<(), DbErr> {
    check::ActiveModel {
        campaign_id: Set(campaign_id),
        org_id: Set(org_id),
        position: Set(position),
        inspectors: Set(serde_json::to_string(inspectors).unwrap_or_else(|_| "[]".into())),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// A campaign's checks in drawn order.
pub async fn checks(db: &impl ConnectionTrait, campaign_id: i64) -> Result<Vec<Check>, DbErr> {
    check::Entity::find()
        .filter(check::Column::CampaignId.eq(campaign_id))
        .order_by_asc(check::Column::Position)
        .all(db)
        .await
}

/// One check of one campaign.
pub async fn check_of(
    db: &impl ConnectionTrait,
    campaign_id: i64,
    check_id: i64,
) -> Result<Option<Check>, DbErr> {
    check::Entity::find_by_id(check_id)
        .filter(check::Column::CampaignId.eq(campaign_id))
        .one(db)
        .await
}

/// Every finding of a campaign's checks, in one `IN` query.
pub async fn findings(
    db: &impl ConnectionTrait,
    check_ids: &[i64],
) -> Result<Vec<FindingRow>, DbErr> {
    if check_ids.is_empty() {
        return Ok(Vec::new());
    }
    finding::Entity::find()
        .filter(finding::Column::CheckId.is_in(check_ids.iter().copied()))
        .order_by_asc(finding::Column::Id)
        .all(db)
        .await
}

/// Records (or replaces) the finding on one item of a check.
pub async fn put_finding(
    db: &impl ConnectionTrait,
    check_id: i64,
    item: Item,
    f: Finding,
    note: &str,
    by: i64,
    now: i64,
) -> Result<(), DbErr> {
    finding::Entity::delete_many()
        .filter(finding::Column::CheckId.eq(check_id))
        .filter(finding::Column::Item.eq(item.code()))
        .exec(db)
        .await?;
    finding::ActiveModel {
        check_id: Set(check_id),
        item: Set(item.code().to_string()),
        finding: Set(f.code().to_string()),
        note: Set(note.to_string()),
        recorded_by: Set(by),
        recorded_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// `spot_ratio_overrides`
pub mod ratio_override {
    use sea_orm::entity::prelude::*;

    /// A locality's raised minimum sampling ratio for the campaigns of one level.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "spot_ratio_overrides")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// The region's, a league/city's or a banner/county's division code.
        pub division: String,
        /// `rules::Level` code of the campaigns it applies to.
        pub level: String,
        /// The minimum, basis points.
        pub min_ratio_bp: i32,
        /// The regulator who set it last.
        pub updated_by: Option<i64>,
        /// Unix seconds; also the row's version for conditional updates.
        pub updated_at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A stored minimum.
pub use ratio_override::Model as RatioRow;

impl RatioRow {
    /// As the pure rules see it (`None` for a row with an unknown level code).
    pub fn rule(&self) -> Option<super::ratio_rules::RatioOverride> {
        Some(super::ratio_rules::RatioOverride {
            division: self.division.clone(),
            level: Level::parse(&self.level)?,
            min_ratio_bp: u32::try_from(self.min_ratio_bp).ok()?,
        })
    }
}

/// Every locality's minimums (a small table: at most three per locality), by division and
/// level.
pub async fn ratio_rows(db: &impl ConnectionTrait) -> Result<Vec<RatioRow>, DbErr> {
    ratio_override::Entity::find()
        .order_by_asc(ratio_override::Column::Division)
        .order_by_asc(ratio_override::Column::Level)
        .all(db)
        .await
}

/// One locality's minimum for one level.
pub async fn ratio_row(
    db: &impl ConnectionTrait,
    division: &str,
    level: Level,
) -> Result<Option<RatioRow>, DbErr> {
    ratio_override::Entity::find()
        .filter(ratio_override::Column::Division.eq(division))
        .filter(ratio_override::Column::Level.eq(level.code()))
        .one(db)
        .await
}

/// Sets a locality's minimum: updates `before` if it is unchanged since read, or inserts
/// the row when there was none; the row's id. `Ok(None)` when another write got there
/// first (changed row, or the unique index refusing a second insert — on PostgreSQL the
/// transaction is then aborted and must be dropped).
pub async fn put_ratio(
    db: &impl ConnectionTrait,
    division: &str,
    level: Level,
    before: Option<&RatioRow>,
    bp: u32,
    by: i64,
    at: i64,
) -> Result<Option<i64>, DbErr> {
    use ratio_override as o;
    let bp = i32::try_from(bp).unwrap_or(i32::MAX);
    match before {
        Some(b) => {
            let res = o::Entity::update_many()
                .set(o::ActiveModel {
                    min_ratio_bp: Set(bp),
                    updated_by: Set(Some(by)),
                    updated_at: Set(at),
                    ..Default::default()
                })
                .filter(o::Column::Id.eq(b.id))
                .filter(o::Column::UpdatedAt.eq(b.updated_at))
                .exec(db)
                .await?;
            Ok((res.rows_affected == 1).then_some(b.id))
        }
        None => {
            let am = o::ActiveModel {
                division: Set(division.to_string()),
                level: Set(level.code().to_string()),
                min_ratio_bp: Set(bp),
                updated_by: Set(Some(by)),
                updated_at: Set(at),
                ..Default::default()
            };
            match am.insert(db).await {
                Ok(m) => Ok(Some(m.id)),
                Err(e)
                    if matches!(
                        e.sql_err(),
                        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
                    ) =>
                {
                    Ok(None)
                }
                Err(e) => Err(e),
            }
        }
    }
}

/// Removes a locality's minimum if it is unchanged since read; `false` when it changed.
pub async fn remove_ratio(db: &impl ConnectionTrait, before: &RatioRow) -> Result<bool, DbErr> {
    let res = ratio_override::Entity::delete_many()
        .filter(ratio_override::Column::Id.eq(before.id))
        .filter(ratio_override::Column::UpdatedAt.eq(before.updated_at))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}
