//! Organization entities and their queries.

use sea_orm::entity::prelude::*;
use sea_orm::{ActiveValue::Set, Condition, JoinType, QueryOrder, QuerySelect};
use time::Date;

use super::rules::{ListFilter, OrgDraft};
use crate::accounts::OrgRole;

/// `organizations`
pub mod organization {
    use sea_orm::entity::prelude::*;

    /// An organization's profile.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "organizations")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Registered name.
        pub name: String,
        /// Unified social credit code.
        pub uscc: String,
        /// `OrgKind::code()`.
        pub kind: String,
        /// Date of registration.
        pub registration_date: time::Date,
        /// `AuthorityLevel::code()`.
        pub authority_level: String,
        /// Most precise division code.
        pub division_code: String,
        /// League/city containing it (Inner Mongolia only).
        pub league_code: Option<String>,
        /// Banner/county containing it.
        pub county_code: Option<String>,
        /// Staff.
        pub staff_count: i32,
        /// Contact person (public).
        pub contact_name: String,
        /// Contact phone (private).
        pub contact_phone: String,
        /// Contact e-mail (private).
        pub contact_email: String,
        /// Introduction.
        pub intro: String,
        /// 1–5, set by regulators.
        pub rating_grade: Option<i16>,
        /// Last day the grade holds.
        pub rating_valid_until: Option<time::Date>,
        /// `CreditStatus::code()`, set by regulators.
        pub credit_status: String,
        /// `Verification::code()`, set by regulators (and by an approved claim).
        pub verification: String,
        /// `RegistrationStatus::code()`: `active` until a regulator's zombie outcome ends
        /// the registration (`revoked`, `deregistered`).
        pub registration_status: String,
        /// When the registration ended (Unix seconds; `None` while it stands): every
        /// refusal to bid, apply or be invited names the day.
        pub registration_ended_at: Option<i64>,
        /// Who registered the profile.
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

/// `org_domains`
pub mod org_domain {
    use sea_orm::entity::prelude::*;

    /// One service domain of an organization.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "org_domains")]
    pub struct Model {
        /// Organization.
        #[sea_orm(primary_key, auto_increment = false)]
        pub org_id: i64,
        /// Domain code.
        #[sea_orm(primary_key, auto_increment = false)]
        pub domain: String,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `org_members`
pub mod org_member {
    use sea_orm::entity::prelude::*;

    /// A user's membership of an organization.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "org_members")]
    pub struct Model {
        /// Organization.
        #[sea_orm(primary_key, auto_increment = false)]
        pub org_id: i64,
        /// User.
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: i64,
        /// `OrgRole::code()`.
        pub role: String,
        /// Unix seconds.
        pub added_at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `org_regulatory_events`
pub mod reg_event {
    use sea_orm::entity::prelude::*;

    /// A regulator's rating or credit decision.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "org_regulatory_events")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Organization.
        pub org_id: i64,
        /// Regulator.
        pub actor_id: Option<i64>,
        /// `rating` or `credit`.
        pub kind: String,
        /// Before.
        pub old_value: String,
        /// After.
        pub new_value: String,
        /// Why.
        pub reason: String,
        /// Unix seconds.
        pub at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `org_claims`
pub mod org_claim {
    use sea_orm::entity::prelude::*;

    /// A user's claim to an organization's record, with evidence.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "org_claims")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Organization claimed.
        pub org_id: i64,
        /// Claimant.
        pub user_id: i64,
        /// The claimant's statement.
        pub evidence: String,
        /// The certificate's file name.
        pub file_name: String,
        /// Its media type, by content.
        pub file_mime: String,
        /// Its SHA-256, hex.
        pub file_sha256: String,
        /// Its bytes.
        pub file_bytes: Vec<u8>,
        /// `ClaimState::code()`.
        pub state: String,
        /// The regulator's reason (empty while pending).
        pub reason: String,
        /// Regulator who decided.
        pub decided_by: Option<i64>,
        /// Unix seconds.
        pub decided_at: Option<i64>,
        /// Unix seconds.
        pub created_at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use organization::Model as Org;

/// Totals of the public list per filter, kept for a few seconds: counting a league's
/// thousands of index entries was most of the list's database work (measured: 2,700 →
/// 4,200 req/s). A write to organizations through any instance raises the shared generation
/// (`kernel::instances`), which every instance reads before it reuses a total, so no
/// instance answers from a total another instance's write made stale. The time-to-live
/// bounds what changes without a write (ratings lapsing by date). Rows are always read fresh.
pub mod counts {
    use std::collections::HashMap;
    use std::sync::Mutex;
    use std::time::{Duration, Instant};

    use sea_orm::{ConnectionTrait, DbErr};

    use crate::kernel::instances;

    const TTL: Duration = Duration::from_secs(5);
    const MAX_ENTRIES: usize = 10_000;

    /// The generation's name in `cache_generations`.
    pub const GENERATION: &str = "org_counts";

    /// The cache, one per application state.
    #[derive(Debug, Default)]
    pub struct Cache {
        map: Mutex<HashMap<String, (u64, Instant, u64)>>,
    }

    impl Cache {
        /// The current shared generation (read before counting, so a write during the count
        /// is not lost).
        pub async fn generation(&self, db: &impl ConnectionTrait) -> Result<u64, DbErr> {
            Ok(instances::generations(db, [GENERATION]).await?[0])
        }

        /// Forgets every cached total on every instance: call after any committed write to
        /// organizations. A failure is logged, not returned: the write stands, and the
        /// time-to-live still bounds the staleness.
        pub async fn invalidate(&self, db: &impl ConnectionTrait) {
            if let Err(e) = instances::bump(db, GENERATION).await {
                tracing::warn!(error = %e, "could not raise the organization totals' generation");
            }
        }

        /// A fresh cached total, given the current generation.
        pub fn get(&self, key: &str, current: u64) -> Option<u64> {
            let map = self.map.lock().ok()?;
            let (generation, at, n) = map.get(key)?;
            (*generation == current && at.elapsed() < TTL).then_some(*n)
        }

        /// Stores a total counted under `generation`.
        pub fn put(&self, key: String, generation: u64, n: u64) {
            if let Ok(mut map) = self.map.lock() {
                if map.len() >= MAX_ENTRIES {
                    map.clear();
                }
                map.insert(key, (generation, Instant::now(), n));
            }
        }
    }
}

/// One page of the public list.
pub struct OrgPage {
    /// Rows with their domains.
    pub items: Vec<(Org, Vec<String>)>,
    /// Matching rows in all.
    pub total: u64,
}

fn filter_condition(f: &ListFilter, today: Date) -> Condition {
    use organization::Column as C;
    let mut c = Condition::all();
    if let Some(l) = &f.league {
        c = c.add(C::LeagueCode.eq(l.clone()));
    }
    if let Some(v) = &f.county {
        c = c.add(C::CountyCode.eq(v.clone()));
    }
    if let Some(k) = f.kind {
        c = c.add(C::Kind.eq(k.code()));
    }
    if let Some(g) = f.min_rating {
        c = c
            .add(C::RatingGrade.gte(g))
            .add(C::RatingValidUntil.gte(today));
    }
    if let Some(d) = &f.domain {
        c = c.add(
            C::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(org_domain::Column::OrgId)
                    .from(org_domain::Entity)
                    .and_where(org_domain::Column::Domain.eq(d.clone()))
                    .to_owned(),
            ),
        );
    }
    c
}

/// The public list, newest first.
pub async fn list(
    db: &DatabaseConnection,
    cache: &counts::Cache,
    f: &ListFilter,
    today: Date,
) -> Result<OrgPage, DbErr> {
    let cond = filter_condition(f, today);
    let key = format!(
        "{:?}|{:?}|{:?}|{:?}|{:?}|{today}",
        f.league, f.county, f.kind, f.domain, f.min_rating
    );
    let generation = cache.generation(db).await?;
    let total = match cache.get(&key, generation) {
        Some(n) => n,
        None => {
            let n = organization::Entity::find()
                .filter(cond.clone())
                .count(db)
                .await?;
            cache.put(key, generation, n);
            n
        }
    };
    // The page's ids first, from an index alone, then their rows: skipping a deep offset
    // then walks index entries instead of whole rows.
    let page_ids = sea_orm::sea_query::Query::select()
        .column(organization::Column::Id)
        .from(organization::Entity)
        .cond_where(cond)
        .order_by(organization::Column::Id, sea_orm::sea_query::Order::Desc)
        .limit(f.page_size())
        .offset((f.page - 1) * f.page_size())
        .to_owned();
    let rows = organization::Entity::find()
        .filter(organization::Column::Id.in_subquery(page_ids))
        .order_by_desc(organization::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|o| o.id).collect();
    let domains = org_domain::Entity::find()
        .filter(org_domain::Column::OrgId.is_in(ids))
        .all(db)
        .await?;
    let items = rows
        .into_iter()
        .map(|o| {
            let mut ds: Vec<String> = domains
                .iter()
                .filter(|d| d.org_id == o.id)
                .map(|d| d.domain.clone())
                .collect();
            super::rules::sort_domains(&mut ds);
            (o, ds)
        })
        .collect();
    Ok(OrgPage { items, total })
}

/// One organization with its domains.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<Option<(Org, Vec<String>)>, DbErr> {
    let Some(o) = organization::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let mut ds: Vec<String> = org_domain::Entity::find()
        .filter(org_domain::Column::OrgId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .map(|d| d.domain)
        .collect();
    super::rules::sort_domains(&mut ds);
    Ok(Some((o, ds)))
}

/// An organization's name alone (one narrow query, for lists and records of other rooms).
pub async fn name_of(db: &impl ConnectionTrait, id: i64) -> Result<Option<String>, DbErr> {
    organization::Entity::find_by_id(id)
        .select_only()
        .column(organization::Column::Name)
        .into_tuple()
        .one(db)
        .await
}

/// The organization a USCC is registered to, if any.
pub async fn id_by_uscc(db: &impl ConnectionTrait, uscc: &str) -> Result<Option<i64>, DbErr> {
    organization::Entity::find()
        .select_only()
        .column(organization::Column::Id)
        .filter(organization::Column::Uscc.eq(uscc))
        .into_tuple()
        .one(db)
        .await
}

/// The organization registered under exactly this name, if any (the first by id when
/// several share it).
pub async fn id_by_name(db: &impl ConnectionTrait, name: &str) -> Result<Option<i64>, DbErr> {
    organization::Entity::find()
        .select_only()
        .column(organization::Column::Id)
        .filter(organization::Column::Name.eq(name))
        .order_by_asc(organization::Column::Id)
        .into_tuple()
        .one(db)
        .await
}

/// Whether a USCC is registered to an organization other than `except`.
pub async fn uscc_taken(
    db: &impl ConnectionTrait,
    uscc: &str,
    except: Option<i64>,
) -> Result<bool, DbErr> {
    let mut q = organization::Entity::find().filter(organization::Column::Uscc.eq(uscc));
    if let Some(id) = except {
        q = q.filter(organization::Column::Id.ne(id));
    }
    Ok(q.count(db).await? > 0)
}

pub(super) fn apply(am: &mut organization::ActiveModel, d: &OrgDraft, now: i64) {
    am.name = Set(d.name.clone());
    am.uscc = Set(d.uscc.clone());
    am.kind = Set(d.kind.code().to_string());
    am.registration_date = Set(d.registration_date);
    am.authority_level = Set(d.authority_level.code().to_string());
    am.division_code = Set(d.division_code.clone());
    am.league_code = Set(d.league_code.clone());
    am.county_code = Set(d.county_code.clone());
    am.staff_count = Set(d.staff_count);
    am.contact_name = Set(d.contact_name.clone());
    am.contact_phone = Set(d.contact_phone.clone());
    am.contact_email = Set(d.contact_email.clone());
    am.intro = Set(d.intro.clone());
    am.updated_at = Set(now);
}

pub(super) async fn set_domains(
    db: &impl ConnectionTrait,
    org_id: i64,
    domains: &[String],
) -> Result<(), DbErr> {
    org_domain::Entity::delete_many()
        .filter(org_domain::Column::OrgId.eq(org_id))
        .exec(db)
        .await?;
    if !domains.is_empty() {
        org_domain::Entity::insert_many(domains.iter().map(|d| org_domain::ActiveModel {
            org_id: Set(org_id),
            domain: Set(d.clone()),
        }))
        .exec(db)
        .await?;
    }
    Ok(())
}

/// Regulatory events of one organization, newest first.
pub async fn events(
    db: &impl ConnectionTrait,
    org_id: i64,
) -> Result<Vec<reg_event::Model>, DbErr> {
    reg_event::Entity::find()
        .filter(reg_event::Column::OrgId.eq(org_id))
        .order_by_desc(reg_event::Column::At)
        .order_by_desc(reg_event::Column::Id)
        .all(db)
        .await
}

/// The latest regulatory events across organizations, with the organization's name.
pub async fn recent_events(
    db: &impl ConnectionTrait,
    limit: u64,
) -> Result<Vec<(reg_event::Model, String)>, DbErr> {
    let evs = reg_event::Entity::find()
        .order_by_desc(reg_event::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let ids: Vec<i64> = evs.iter().map(|e| e.org_id).collect();
    let names: Vec<(i64, String)> = organization::Entity::find()
        .select_only()
        .column(organization::Column::Id)
        .column(organization::Column::Name)
        .filter(organization::Column::Id.is_in(ids))
        .into_tuple()
        .all(db)
        .await?;
    Ok(evs
        .into_iter()
        .map(|e| {
            let n = names
                .iter()
                .find(|(id, _)| *id == e.org_id)
                .map(|(_, n)| n.clone())
                .unwrap_or_default();
            (e, n)
        })
        .collect())
}

/// [`memberships_of`] as one `SELECT` of rows `('org', org id, organization name, role)`, its
/// user-id parameter written `{user}`, for `accounts` to run in the same round trip as the
/// user's own row when it loads the signed-in user on every request. The SQL on orgs' tables
/// stays here, next to the tables; accounts only places the parameter and joins the results.
pub const MEMBERSHIP_ROWS_SQL: &str = "SELECT 'org' AS kind, m.org_id AS id, o.name AS name, \
     m.role AS extra FROM org_members m JOIN organizations o ON o.id = m.org_id \
     WHERE m.user_id = {user}";

/// The user ids of an organization's members as one `SELECT` of rows `('member', user id)`,
/// its organization-id parameter written `{org}`: procurement's conflict-of-interest check
/// reads them in the same round trip as the tender's buyers and evaluators.
pub const MEMBER_ID_ROWS_SQL: &str =
    "SELECT 'member' AS kind, user_id AS id FROM org_members WHERE org_id = {org}";

/// The organizations a user belongs to: id, name, role.
pub async fn memberships_of(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<(i64, String, OrgRole)>, DbErr> {
    let rows: Vec<(i64, String, String)> = org_member::Entity::find()
        .select_only()
        .column(org_member::Column::OrgId)
        .column(organization::Column::Name)
        .column(org_member::Column::Role)
        .join(
            JoinType::InnerJoin,
            org_member::Entity::belongs_to(organization::Entity)
                .from(org_member::Column::OrgId)
                .to(organization::Column::Id)
                .into(),
        )
        .filter(org_member::Column::UserId.eq(user_id))
        .order_by_asc(org_member::Column::OrgId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, n, r)| OrgRole::parse(&r).map(|r| (id, n, r)))
        .collect())
}

/// Members of an organization: user id, display name, e-mail, role. Two queries: the
/// memberships, then the users through `accounts`' face (accounts owns the `users` table).
pub async fn members(
    db: &impl ConnectionTrait,
    org_id: i64,
) -> Result<Vec<(i64, String, String, OrgRole)>, DbErr> {
    let rows: Vec<(i64, String)> = org_member::Entity::find()
        .select_only()
        .column(org_member::Column::UserId)
        .column(org_member::Column::Role)
        .filter(org_member::Column::OrgId.eq(org_id))
        .order_by_asc(org_member::Column::AddedAt)
        .into_tuple()
        .all(db)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|(id, _)| *id).collect();
    let users: std::collections::HashMap<i64, crate::accounts::UserSummary> =
        crate::accounts::users_by_ids(db, &ids)
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect();
    // A membership whose user is gone is left out, as the former inner join did.
    Ok(rows
        .into_iter()
        .filter_map(|(id, r)| {
            let u = users.get(&id)?;
            let role = OrgRole::parse(&r)?;
            Some((id, u.display_name.clone(), u.email.clone(), role))
        })
        .collect())
}

/// The members of an organization with their roles, by user id (no names: one query).
pub async fn member_roles(
    db: &impl ConnectionTrait,
    org_id: i64,
) -> Result<Vec<(i64, OrgRole)>, DbErr> {
    let rows: Vec<(i64, String)> = org_member::Entity::find()
        .select_only()
        .column(org_member::Column::UserId)
        .column(org_member::Column::Role)
        .filter(org_member::Column::OrgId.eq(org_id))
        .order_by_asc(org_member::Column::UserId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(u, r)| OrgRole::parse(&r).map(|r| (u, r)))
        .collect())
}

/// The administrators of each of these organizations, by organization (one `IN` query; an
/// organization without one is absent).
pub async fn admins_of_many(
    db: &impl ConnectionTrait,
    org_ids: &[i64],
) -> Result<std::collections::HashMap<i64, Vec<i64>>, DbErr> {
    let mut out: std::collections::HashMap<i64, Vec<i64>> = std::collections::HashMap::new();
    if org_ids.is_empty() {
        return Ok(out);
    }
    let rows: Vec<(i64, i64)> = org_member::Entity::find()
        .select_only()
        .column(org_member::Column::OrgId)
        .column(org_member::Column::UserId)
        .filter(org_member::Column::OrgId.is_in(org_ids.iter().copied()))
        .filter(org_member::Column::Role.eq(OrgRole::Admin.code()))
        .order_by_asc(org_member::Column::UserId)
        .into_tuple()
        .all(db)
        .await?;
    for (org, user) in rows {
        out.entry(org).or_default().push(user);
    }
    Ok(out)
}

/// Ends a membership (none: nothing).
pub async fn delete_member(
    db: &impl ConnectionTrait,
    org_id: i64,
    user_id: i64,
) -> Result<(), DbErr> {
    org_member::Entity::delete_by_id((org_id, user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Adds or changes a membership (a single write: the rules are [`crate::orgs::add_member`]'s).
pub async fn set_member(
    db: &impl ConnectionTrait,
    org_id: i64,
    user_id: i64,
    role: OrgRole,
    now: i64,
) -> Result<(), DbErr> {
    let existing = org_member::Entity::find_by_id((org_id, user_id))
        .one(db)
        .await?;
    match existing {
        Some(m) => {
            let mut am: org_member::ActiveModel = m.into();
            am.role = Set(role.code().to_string());
            am.update(db).await?;
        }
        None => {
            org_member::ActiveModel {
                org_id: Set(org_id),
                user_id: Set(user_id),
                role: Set(role.code().to_string()),
                added_at: Set(now),
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Verification and claims: single statements (the transactions are in `vetting`).

/// A claim without its file's bytes, for lists and decisions.
#[derive(Debug, Clone, PartialEq, Eq, sea_orm::FromQueryResult)]
pub struct ClaimSummary {
    /// Key.
    pub id: i64,
    /// Organization claimed.
    pub org_id: i64,
    /// Claimant.
    pub user_id: i64,
    /// The claimant's statement.
    pub evidence: String,
    /// The certificate's file name.
    pub file_name: String,
    /// Its media type.
    pub file_mime: String,
    /// Its SHA-256, hex.
    pub file_sha256: String,
    /// `ClaimState::code()`.
    pub state: String,
    /// The regulator's reason.
    pub reason: String,
    /// Unix seconds.
    pub decided_at: Option<i64>,
    /// Unix seconds.
    pub created_at: i64,
}

fn claim_summaries() -> sea_orm::Select<org_claim::Entity> {
    use org_claim::Column as C;
    org_claim::Entity::find().select_only().columns([
        C::Id,
        C::OrgId,
        C::UserId,
        C::Evidence,
        C::FileName,
        C::FileMime,
        C::FileSha256,
        C::State,
        C::Reason,
        C::DecidedAt,
        C::CreatedAt,
    ])
}

/// One claim without its file.
pub async fn claim(db: &impl ConnectionTrait, id: i64) -> Result<Option<ClaimSummary>, DbErr> {
    claim_summaries()
        .filter(org_claim::Column::Id.eq(id))
        .into_model::<ClaimSummary>()
        .one(db)
        .await
}

/// A claim's certificate: name, media type, bytes.
pub async fn claim_file(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<(String, String, Vec<u8>)>, DbErr> {
    org_claim::Entity::find_by_id(id)
        .select_only()
        .columns([
            org_claim::Column::FileName,
            org_claim::Column::FileMime,
            org_claim::Column::FileBytes,
        ])
        .into_tuple()
        .one(db)
        .await
}

/// The claims in a state, oldest first (the queue order), at most `limit`.
pub async fn claims_in_state(
    db: &impl ConnectionTrait,
    state: &str,
    limit: u64,
) -> Result<Vec<ClaimSummary>, DbErr> {
    claim_summaries()
        .filter(org_claim::Column::State.eq(state))
        .order_by_asc(org_claim::Column::CreatedAt)
        .order_by_asc(org_claim::Column::Id)
        .limit(limit)
        .into_model::<ClaimSummary>()
        .all(db)
        .await
}

/// When each claim in a state was made (one narrow query: the overdue count needs working
/// days, which SQL does not know).
pub async fn claim_times(db: &impl ConnectionTrait, state: &str) -> Result<Vec<i64>, DbErr> {
    org_claim::Entity::find()
        .select_only()
        .column(org_claim::Column::CreatedAt)
        .filter(org_claim::Column::State.eq(state))
        .into_tuple()
        .all(db)
        .await
}

/// A user's claims, newest first.
pub async fn claims_of_user(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<ClaimSummary>, DbErr> {
    claim_summaries()
        .filter(org_claim::Column::UserId.eq(user_id))
        .order_by_desc(org_claim::Column::Id)
        .into_model::<ClaimSummary>()
        .all(db)
        .await
}

/// A user's open claim on an organization, if any.
pub async fn open_claim(
    db: &impl ConnectionTrait,
    org_id: i64,
    user_id: i64,
) -> Result<Option<i64>, DbErr> {
    org_claim::Entity::find()
        .select_only()
        .column(org_claim::Column::Id)
        .filter(org_claim::Column::OrgId.eq(org_id))
        .filter(org_claim::Column::UserId.eq(user_id))
        .filter(org_claim::Column::State.eq(super::rules::ClaimState::Pending.code()))
        .into_tuple()
        .one(db)
        .await
}

/// Moves a claim from one state to another, only if it is still in the first (a decision
/// races no other); whether it moved.
pub async fn move_claim(
    db: &impl ConnectionTrait,
    id: i64,
    from: &str,
    to: &str,
    reason: &str,
    actor: i64,
    now: i64,
) -> Result<bool, DbErr> {
    use sea_orm::sea_query::Expr;
    Ok(org_claim::Entity::update_many()
        .col_expr(org_claim::Column::State, Expr::value(to))
        .col_expr(org_claim::Column::Reason, Expr::value(reason))
        .col_expr(org_claim::Column::DecidedBy, Expr::value(actor))
        .col_expr(org_claim::Column::DecidedAt, Expr::value(now))
        .filter(org_claim::Column::Id.eq(id))
        .filter(org_claim::Column::State.eq(from))
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// Sets an organization's verification, only if it is still `from`; whether it changed.
pub async fn move_verification(
    db: &impl ConnectionTrait,
    org_id: i64,
    from: &str,
    to: &str,
    now: i64,
) -> Result<bool, DbErr> {
    use sea_orm::sea_query::Expr;
    Ok(organization::Entity::update_many()
        .col_expr(organization::Column::Verification, Expr::value(to))
        .col_expr(organization::Column::UpdatedAt, Expr::value(now))
        .filter(organization::Column::Id.eq(org_id))
        .filter(organization::Column::Verification.eq(from))
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// Sets an organization's verification outright (a single write: demo data and test set-up;
/// decisions go through [`crate::orgs::verify`]).
pub async fn set_verification(
    db: &impl ConnectionTrait,
    org_id: i64,
    to: super::rules::Verification,
) -> Result<(), DbErr> {
    use sea_orm::sea_query::Expr;
    organization::Entity::update_many()
        .col_expr(organization::Column::Verification, Expr::value(to.code()))
        .filter(organization::Column::Id.eq(org_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Organizations in a verification state, oldest registration first: id, name, registered
/// at (Unix seconds); at most `limit`.
pub async fn in_verification(
    db: &impl ConnectionTrait,
    state: &str,
    limit: u64,
) -> Result<Vec<(i64, String, i64)>, DbErr> {
    organization::Entity::find()
        .select_only()
        .columns([
            organization::Column::Id,
            organization::Column::Name,
            organization::Column::CreatedAt,
        ])
        .filter(organization::Column::Verification.eq(state))
        .order_by_asc(organization::Column::CreatedAt)
        .order_by_asc(organization::Column::Id)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await
}

/// How many organizations are in a verification state.
pub async fn count_in_verification(db: &impl ConnectionTrait, state: &str) -> Result<u64, DbErr> {
    organization::Entity::find()
        .filter(organization::Column::Verification.eq(state))
        .count(db)
        .await
}

/// Ratings whose last valid day falls in `[from, to]`: id, name, grade, last day; soonest
/// first, at most `limit`; and how many in all.
pub async fn ratings_expiring(
    db: &impl ConnectionTrait,
    from: Date,
    to: Date,
    limit: u64,
) -> Result<(Vec<(i64, String, i16, Date)>, u64), DbErr> {
    use organization::Column as C;
    let cond = Condition::all()
        .add(C::RatingGrade.is_not_null())
        .add(C::RatingValidUntil.gte(from))
        .add(C::RatingValidUntil.lte(to));
    let n = organization::Entity::find()
        .filter(cond.clone())
        .count(db)
        .await?;
    let rows = organization::Entity::find()
        .select_only()
        .columns([C::Id, C::Name, C::RatingGrade, C::RatingValidUntil])
        .filter(cond)
        .order_by_asc(C::RatingValidUntil)
        .order_by_asc(C::Id)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await?;
    Ok((rows, n))
}
