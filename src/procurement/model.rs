//! Procurement entities. Queries live in `mod.rs`, next to the operations that use them.

/// `tenders`
pub mod tender {
    use sea_orm::entity::prelude::*;

    /// A service tender (政府购买服务项目).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "tenders")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Purchasing unit.
        pub unit_id: i64,
        /// Drafting buyer.
        pub created_by: Option<i64>,
        /// Title.
        pub title: String,
        /// Description.
        pub description: String,
        /// Service domain code.
        pub domain: String,
        /// Place of service.
        pub division_code: String,
        /// League/city of the place.
        pub league_code: Option<String>,
        /// Banner/county of the place.
        pub county_code: Option<String>,
        /// Budget ceiling in fen.
        pub budget_fen: i64,
        /// `Method::code()`.
        pub method: String,
        /// `EvalMethod::code()`.
        pub eval_method: String,
        /// Price weight in points (comprehensive scoring).
        pub price_weight: i16,
        /// Minimum rating grade.
        pub min_grade: Option<i16>,
        /// Set aside for social organizations.
        pub social_only: bool,
        /// Comma-separated league/city codes; empty = anywhere.
        pub allowed_leagues: String,
        /// Minimum whole years since registration.
        pub min_years: i16,
        /// Unix seconds.
        pub enquiry_deadline: i64,
        /// Unix seconds; also the opening instant.
        pub bid_deadline: i64,
        /// Contract term.
        pub contract_months: i16,
        /// Valid bids needed at opening (open tenders).
        pub min_bids: i16,
        /// `TenderState::code()`.
        pub state: String,
        /// Why it was cancelled or failed.
        pub state_reason: String,
        /// Unix seconds.
        pub published_at: Option<i64>,
        /// Unix seconds.
        pub opened_at: Option<i64>,
        /// Bumped by every bid write: the row lock that orders bids against opening.
        pub seq: i64,
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

/// `tender_criteria`
pub mod criterion {
    use sea_orm::entity::prelude::*;

    /// A technical evaluation criterion.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "tender_criteria")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Tender.
        pub tender_id: i64,
        /// Order.
        pub position: i16,
        /// Name.
        pub name: String,
        /// Maximum points.
        pub weight: i16,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `tender_milestones`
pub mod milestone {
    use sea_orm::entity::prelude::*;

    /// A planned payment milestone.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "tender_milestones")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Tender.
        pub tender_id: i64,
        /// Order.
        pub position: i16,
        /// Name.
        pub name: String,
        /// Share of the contract value in basis points.
        pub percent_bp: i32,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `tender_amendments`
pub mod amendment {
    use sea_orm::entity::prelude::*;

    /// A recorded change to a published tender.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "tender_amendments")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Tender.
        pub tender_id: i64,
        /// Buyer.
        pub actor_id: Option<i64>,
        /// What changed.
        pub summary: String,
        /// Before.
        pub old_bid_deadline: i64,
        /// After.
        pub new_bid_deadline: i64,
        /// Unix seconds.
        pub at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `enquiries`
pub mod enquiry {
    use sea_orm::entity::prelude::*;

    /// A question and its answer (public without the asker).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "enquiries")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Tender.
        pub tender_id: i64,
        /// Private.
        pub asker_id: Option<i64>,
        /// Question.
        pub question: String,
        /// Answer.
        pub answer: Option<String>,
        /// Unix seconds.
        pub asked_at: i64,
        /// Unix seconds.
        pub answered_at: Option<i64>,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `bids`
pub mod bid {
    use sea_orm::entity::prelude::*;

    /// A sealed bid.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "bids")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Tender.
        pub tender_id: i64,
        /// Bidder.
        pub org_id: i64,
        /// User.
        pub submitted_by: Option<i64>,
        /// `BidState::code()`.
        pub state: String,
        /// AEAD ciphertext of the content (base64).
        pub sealed: String,
        /// SHA-256 receipt commitment (hex).
        pub commitment: String,
        /// 1 for the first submission, +1 per revision.
        pub revision: i32,
        /// Unix seconds of the latest revision.
        pub submitted_at: i64,
        /// Price, filled at opening.
        pub opened_price_fen: Option<i64>,
        /// Proposal, filled at opening.
        pub opened_proposal: Option<String>,
        /// Commitment salt, revealed at opening.
        pub opened_salt: Option<String>,
        /// Why it failed qualification.
        pub disqualify_reason: Option<String>,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `bid_files`
pub mod bid_file {
    use sea_orm::entity::prelude::*;

    /// A sealed attachment of a bid.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "bid_files")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Bid.
        pub bid_id: i64,
        /// File name: empty since the name is sealed in `meta` (kept for rows written
        /// before, until the start-up backfill seals them).
        pub name: String,
        /// Type: empty, as `name`.
        pub mime: String,
        /// Bytes: 0, as `name`.
        pub size: i64,
        /// Salted SHA-256 of the plain file (hex; the salt is sealed in `meta`, so the
        /// database alone cannot confirm a guessed file).
        pub sha256: String,
        /// AEAD ciphertext of the bytes (base64).
        pub sealed: String,
        /// Unix seconds.
        pub uploaded_at: i64,
        /// AEAD ciphertext (base64) of the `FileMeta` JSON: name, type, size, plain digest
        /// and the digest's salt, bound to this row's bid and id; empty on a row not yet
        /// sealed.
        pub meta: String,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `tender_evaluators`
pub mod evaluator {
    use sea_orm::entity::prelude::*;

    /// An evaluator assigned to a tender.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "tender_evaluators")]
    pub struct Model {
        /// Tender.
        #[sea_orm(primary_key, auto_increment = false)]
        pub tender_id: i64,
        /// Evaluator.
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: i64,
        /// Unix seconds.
        pub assigned_at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `bid_scores`
pub mod score {
    use sea_orm::entity::prelude::*;

    /// Points one evaluator gave one bid on one criterion.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "bid_scores")]
    pub struct Model {
        /// Bid.
        #[sea_orm(primary_key, auto_increment = false)]
        pub bid_id: i64,
        /// Evaluator.
        #[sea_orm(primary_key, auto_increment = false)]
        pub evaluator_id: i64,
        /// Criterion.
        #[sea_orm(primary_key, auto_increment = false)]
        pub criterion_id: i64,
        /// Points.
        pub points: i32,
        /// Unix seconds.
        pub at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `score_sheets`
pub mod sheet {
    use sea_orm::entity::prelude::*;

    /// One evaluator's score sheet on one tender: a draft until `submitted_at`, then final.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "score_sheets")]
    pub struct Model {
        /// Tender.
        #[sea_orm(primary_key, auto_increment = false)]
        pub tender_id: i64,
        /// Evaluator.
        #[sea_orm(primary_key, auto_increment = false)]
        pub evaluator_id: i64,
        /// Last save, Unix seconds.
        pub saved_at: i64,
        /// Submission (with the no-conflict declaration), Unix seconds; `None` for a draft.
        pub submitted_at: Option<i64>,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `score_comments`
pub mod score_comment {
    use sea_orm::entity::prelude::*;

    /// One evaluator's comment on one criterion of one bid.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "score_comments")]
    pub struct Model {
        /// Bid.
        #[sea_orm(primary_key, auto_increment = false)]
        pub bid_id: i64,
        /// Evaluator.
        #[sea_orm(primary_key, auto_increment = false)]
        pub evaluator_id: i64,
        /// Criterion.
        #[sea_orm(primary_key, auto_increment = false)]
        pub criterion_id: i64,
        /// The comment.
        pub comment: String,
        /// Unix seconds.
        pub at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `awards`
pub mod award {
    use sea_orm::entity::prelude::*;

    /// The award of a tender.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "awards")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Tender.
        pub tender_id: i64,
        /// Winning bid.
        pub bid_id: i64,
        /// Buyer.
        pub awarded_by: Option<i64>,
        /// Awarded value.
        pub value_fen: i64,
        /// Why, when not the top-ranked bid (empty otherwise).
        pub justification: String,
        /// Unix seconds.
        pub awarded_at: i64,
        /// Unix seconds.
        pub standstill_ends_at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `challenges`
pub mod challenge {
    use sea_orm::entity::prelude::*;

    /// A bidder's challenge (质疑) to an award.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "challenges")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Tender.
        pub tender_id: i64,
        /// Challenger.
        pub org_id: i64,
        /// User.
        pub filed_by: Option<i64>,
        /// The challenge.
        pub text: String,
        /// Unix seconds.
        pub filed_at: i64,
        /// Buyer's answer.
        pub answer: Option<String>,
        /// Unix seconds.
        pub answered_at: Option<i64>,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Titles of the tenders with these ids (unknown ids are left out), in one `IN` query.
pub async fn titles_by_ids(
    db: &impl sea_orm::ConnectionTrait,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, String>, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
    if ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    Ok(tender::Entity::find()
        .select_only()
        .column(tender::Column::Id)
        .column(tender::Column::Title)
        .filter(tender::Column::Id.is_in(ids.iter().copied()))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

// ---------------------------------------------------------------------------------------
// Tender reads for other rooms (matching, search), offered through `mod.rs` so that no other
// room builds queries on the `tenders` table itself.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

/// Tenders open for bids at `now` (published, deadline still ahead), by id, **without their
/// descriptions** (left empty): matching scores every open tender for each workspace, and
/// the descriptions were most of the bytes it read and decoded.
pub async fn open_tenders(
    db: &impl ConnectionTrait,
    now: i64,
) -> Result<Vec<tender::Model>, DbErr> {
    use sea_orm::Iterable;
    use sea_orm::sea_query::Expr;
    tender::Entity::find()
        .select_only()
        .columns(tender::Column::iter().filter(|c| !matches!(c, tender::Column::Description)))
        .column_as(Expr::val(""), tender::Column::Description)
        .filter(tender::Column::State.eq(super::TenderState::Published.code()))
        .filter(tender::Column::BidDeadline.gt(now))
        .order_by_asc(tender::Column::Id)
        .all(db)
        .await
}

/// What matching reads of an open tender to score it for an organization: its eligibility,
/// domain and place, and the title it is listed by.
#[derive(Debug, Clone, sea_orm::FromQueryResult)]
pub struct OpenTender {
    /// Key.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Service domain code.
    pub domain: String,
    /// League/city of the place.
    pub league_code: Option<String>,
    /// Banner/county of the place.
    pub county_code: Option<String>,
    /// Minimum rating grade.
    pub min_grade: Option<i16>,
    /// Set aside for social organizations.
    pub social_only: bool,
    /// Comma-separated league/city codes; empty = anywhere.
    pub allowed_leagues: String,
    /// Minimum whole years since registration.
    pub min_years: i16,
}

impl From<&tender::Model> for OpenTender {
    fn from(t: &tender::Model) -> OpenTender {
        OpenTender {
            id: t.id,
            title: t.title.clone(),
            domain: t.domain.clone(),
            league_code: t.league_code.clone(),
            county_code: t.county_code.clone(),
            min_grade: t.min_grade,
            social_only: t.social_only,
            allowed_leagues: t.allowed_leagues.clone(),
            min_years: t.min_years,
        }
    }
}

/// [`OpenTender`]s at `now` (published, deadline still ahead), by id: the nine columns
/// recommendations score. An organization's workspace ranks every open tender on each
/// visit, and decoding whole rows was a fifth of that page's time in its profile.
pub async fn open_tender_facts(
    db: &impl ConnectionTrait,
    now: i64,
) -> Result<Vec<OpenTender>, DbErr> {
    use tender::Column as C;
    tender::Entity::find()
        .select_only()
        .columns([
            C::Id,
            C::Title,
            C::Domain,
            C::LeagueCode,
            C::CountyCode,
            C::MinGrade,
            C::SocialOnly,
            C::AllowedLeagues,
            C::MinYears,
        ])
        .filter(C::State.eq(super::TenderState::Published.code()))
        .filter(C::BidDeadline.gt(now))
        .order_by_asc(C::Id)
        .into_model::<OpenTender>()
        .all(db)
        .await
}

/// The tenders with these ids, in one query, in no particular order; ids without a row are
/// left out. Callers pass batches of at most a few thousand ids.
pub async fn tenders_by_ids(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<Vec<tender::Model>, DbErr> {
    tender::Entity::find()
        .filter(tender::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await
}

/// Tender ids after `after`, ascending, at most `limit` (for index rebuilds).
pub async fn tender_ids_after(
    db: &impl ConnectionTrait,
    after: i64,
    limit: u64,
) -> Result<Vec<i64>, DbErr> {
    tender::Entity::find()
        .select_only()
        .column(tender::Column::Id)
        .filter(tender::Column::Id.gt(after))
        .order_by_asc(tender::Column::Id)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await
}

/// The ids of the tenders whose place is in a league/city (the notices' place filter).
pub async fn tender_ids_in_league(
    db: &impl ConnectionTrait,
    league: &str,
) -> Result<Vec<i64>, DbErr> {
    tender::Entity::find()
        .select_only()
        .column(tender::Column::Id)
        .filter(tender::Column::LeagueCode.eq(league))
        .order_by_asc(tender::Column::Id)
        .into_tuple()
        .all(db)
        .await
}

/// Number of tenders in every state, drafts included.
pub async fn tender_count(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    tender::Entity::find().count(db).await
}

/// Which of these organizations have submitted a bid (activity for zombie detection), in one
/// query.
pub async fn bidders_among(
    db: &impl sea_orm::ConnectionTrait,
    ids: &[i64],
) -> Result<Vec<i64>, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
    bid::Entity::find()
        .select_only()
        .column(bid::Column::OrgId)
        .distinct()
        .filter(bid::Column::OrgId.is_in(ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await
}

/// `tender_documents`
pub mod document {
    use sea_orm::entity::prelude::*;

    /// One version of a tender's document. Published versions are never deleted: a replaced
    /// one is `superseded`, a withdrawn one `withdrawn`, and both stay downloadable.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "tender_documents")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Tender.
        pub tender_id: i64,
        /// The version this one replaces.
        pub replaces_id: Option<i64>,
        /// 1 for a first version, one more for each replacement.
        pub version: i32,
        /// OCDS documentType code ([`crate::procurement::rules::DocType`]).
        pub doc_type: String,
        /// [`crate::procurement::rules::DocState`] code.
        pub state: String,
        /// The stored file's name under the data directory (random hex).
        #[serde(skip)]
        pub file_key: String,
        /// The name it was uploaded under.
        pub name: String,
        /// Media type by content.
        pub mime: String,
        /// Bytes.
        pub size: i64,
        /// SHA-256, hex.
        pub sha256: String,
        /// Who uploaded it.
        pub uploaded_by: i64,
        /// Unix seconds.
        pub uploaded_at: i64,
        /// The amendment that added it (none: attached to the draft).
        pub amendment_id: Option<i64>,
        /// When it was superseded or withdrawn, Unix seconds.
        pub ended_at: Option<i64>,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
