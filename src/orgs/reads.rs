//! Reads the registry offers other rooms through `mod.rs`: statistics for the home page and the
//! targets, names by id, and batched rows for search documents, the matching snapshot and
//! eligibility checks. Each is one query (or two) whatever the number of ids, never one per
//! row.

use sea_orm::entity::prelude::*;
use sea_orm::{QueryOrder, QuerySelect};
use time::Date;

use super::model::{Org, org_domain, organization};

/// Figures for the home page and dashboards.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct OrgStats {
    /// All registered profiles.
    pub total: u64,
    /// Social organizations among them.
    pub social: u64,
    /// Holding a valid grade of 3A or above.
    pub rated_3a: u64,
    /// On either credit list.
    pub listed: u64,
}

/// Computes [`OrgStats`].
pub async fn stats(db: &DatabaseConnection, today: Date) -> Result<OrgStats, DbErr> {
    use organization::Column as C;
    let total = organization::Entity::find().count(db).await?;
    let social = organization::Entity::find()
        .filter(C::Kind.is_in(["social_group", "foundation", "social_service_agency"]))
        .count(db)
        .await?;
    let rated_3a = organization::Entity::find()
        .filter(C::RatingGrade.gte(3))
        .filter(C::RatingValidUntil.gte(today))
        .count(db)
        .await?;
    let listed = organization::Entity::find()
        .filter(C::CreditStatus.ne("normal"))
        .count(db)
        .await?;
    Ok(OrgStats {
        total,
        social,
        rated_3a,
        listed,
    })
}

/// Names of the organizations with these ids (unknown ids are left out), in one `IN` query.
pub async fn names_by_ids(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, String>, DbErr> {
    if ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    Ok(organization::Entity::find()
        .select_only()
        .column(organization::Column::Id)
        .column(organization::Column::Name)
        .filter(organization::Column::Id.is_in(ids.iter().copied()))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// What the registry says about the social organizations, for the policy targets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct SocialFigures {
    /// Social organizations.
    pub orgs: i64,
    /// Holding a grade still valid on the given day.
    pub rated: i64,
    /// Of which 3A or higher.
    pub rated_3a: i64,
    /// Not on any credit list.
    pub clean: i64,
    /// Staff reported in their profiles.
    pub staff: i64,
}

/// Counts [`SocialFigures`] in one pass over the organizations, grades judged valid on
/// `today`.
pub async fn social_figures(
    db: &impl ConnectionTrait,
    today: Date,
) -> Result<SocialFigures, DbErr> {
    let backend = db.get_database_backend();
    let p = if backend == sea_orm::DatabaseBackend::Postgres {
        "$1"
    } else {
        "?"
    };
    let sql = format!(
        "SELECT COUNT(*) AS n, \
         COALESCE(SUM(CASE WHEN rating_grade IS NOT NULL AND rating_valid_until >= {p} THEN 1 ELSE 0 END), 0) AS rated, \
         COALESCE(SUM(CASE WHEN rating_grade >= 3 AND rating_valid_until >= {p} THEN 1 ELSE 0 END), 0) AS rated3, \
         COALESCE(SUM(CASE WHEN credit_status = 'normal' THEN 1 ELSE 0 END), 0) AS clean, \
         CAST(COALESCE(SUM(staff_count), 0) AS BIGINT) AS staff \
         FROM organizations WHERE kind IN ('social_group', 'foundation', 'social_service_agency')"
    );
    // PostgreSQL numbers the parameter once; SQLite binds each `?`.
    let values: Vec<sea_orm::Value> = if backend == sea_orm::DatabaseBackend::Postgres {
        vec![today.into()]
    } else {
        vec![today.into(), today.into()]
    };
    let Some(r) = db
        .query_one_raw(sea_orm::Statement::from_sql_and_values(
            backend, sql, values,
        ))
        .await?
    else {
        return Ok(SocialFigures::default());
    };
    Ok(SocialFigures {
        orgs: r.try_get("", "n")?,
        rated: r.try_get("", "rated")?,
        rated_3a: r.try_get("", "rated3")?,
        clean: r.try_get("", "clean")?,
        staff: r.try_get("", "staff")?,
    })
}

/// One organization's row without its domains (for eligibility checks).
pub async fn row(db: &impl ConnectionTrait, id: i64) -> Result<Option<Org>, DbErr> {
    organization::Entity::find_by_id(id).one(db).await
}

/// These organizations with their domains (sorted as [`super::rules::sort_domains`] does),
/// in two queries whatever the number of ids; ids without a row are left out, the rest come
/// in no particular order. Callers pass batches of at most a few thousand ids.
pub async fn many_with_domains(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<Vec<(Org, Vec<String>)>, DbErr> {
    let rows = organization::Entity::find()
        .filter(organization::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    let mut domains: std::collections::HashMap<i64, Vec<String>> = std::collections::HashMap::new();
    for d in org_domain::Entity::find()
        .filter(org_domain::Column::OrgId.is_in(ids.iter().copied()))
        .all(db)
        .await?
    {
        domains.entry(d.org_id).or_default().push(d.domain);
    }
    Ok(rows
        .into_iter()
        .map(|o| {
            let mut ds = domains.remove(&o.id).unwrap_or_default();
            super::rules::sort_domains(&mut ds);
            (o, ds)
        })
        .collect())
}

/// Organization ids after `after`, ascending, at most `limit` (for index rebuilds).
pub async fn ids_after(
    db: &impl ConnectionTrait,
    after: i64,
    limit: u64,
) -> Result<Vec<i64>, DbErr> {
    organization::Entity::find()
        .select_only()
        .column(organization::Column::Id)
        .filter(organization::Column::Id.gt(after))
        .order_by_asc(organization::Column::Id)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await
}

/// Number of registered organizations.
pub async fn count(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    organization::Entity::find().count(db).await
}

/// Organizations whose last valid rating day (`rating_valid_until`) is in `[from, to)`.
pub async fn rating_valid_until_in(
    db: &impl ConnectionTrait,
    from: Date,
    to: Date,
) -> Result<Vec<i64>, DbErr> {
    organization::Entity::find()
        .select_only()
        .column(organization::Column::Id)
        .filter(organization::Column::RatingValidUntil.gte(from))
        .filter(organization::Column::RatingValidUntil.lt(to))
        .into_tuple()
        .all(db)
        .await
}

/// The registry facts of one organization that whole-registry scans (matching) need: no
/// profile text and no contact details, so a snapshot of every organization stays small.
/// Codes are stored strings; the reader decides how to treat one it cannot parse.
#[derive(Debug, Clone, PartialEq, Eq, sea_orm::FromQueryResult)]
pub struct OrgBrief {
    /// Key.
    pub id: i64,
    /// Registered name.
    pub name: String,
    /// [`super::rules::OrgKind`] code.
    pub kind: String,
    /// [`super::rules::CreditStatus`] code.
    pub credit_status: String,
    /// Rating grade 1–5, when rated.
    pub rating_grade: Option<i16>,
    /// Last day the grade is valid.
    pub rating_valid_until: Option<Date>,
    /// Registration day.
    pub registration_date: Date,
    /// League/city division code.
    pub league_code: Option<String>,
    /// Banner/county division code.
    pub county_code: Option<String>,
    /// Staff.
    pub staff_count: i32,
    /// [`super::rules::Verification`] code.
    pub verification: String,
    /// [`super::rules::RegistrationStatus`] code.
    pub registration_status: String,
    /// When the registration ended, if it did.
    pub registration_ended_at: Option<i64>,
}

impl OrgBrief {
    /// How the registration ended (`None` while it stands).
    pub fn ended(&self) -> Option<super::rules::Ended> {
        super::rules::RegistrationStatus::ended(
            &self.registration_status,
            self.registration_ended_at,
        )
    }

    /// Whether the organization may bid and be invited (see [`crate::orgs::is_verified`]).
    pub fn is_verified(&self) -> bool {
        super::rules::Verification::of(&self.verification).may_act()
            && super::rules::RegistrationStatus::of(&self.registration_status).stands()
    }
}

/// [`OrgBrief`] of every organization, ordered by id, in one query. The rows are decoded as
/// they arrive rather than all held first: with 100,000 organizations the held rows (a copy of
/// every value in its own allocation) peaked at several times the size of the briefs.
pub async fn briefs(
    db: &(impl ConnectionTrait + sea_orm::StreamTrait),
) -> Result<Vec<OrgBrief>, DbErr> {
    use futures_util::TryStreamExt;
    use organization::Column as C;
    organization::Entity::find()
        .select_only()
        .columns([C::Id, C::Name, C::Kind, C::CreditStatus])
        .columns([C::RatingGrade, C::RatingValidUntil, C::RegistrationDate])
        .columns([C::LeagueCode, C::CountyCode, C::StaffCount, C::Verification])
        .columns([C::RegistrationStatus, C::RegistrationEndedAt])
        .order_by_asc(C::Id)
        .into_model::<OrgBrief>()
        .stream(db)
        .await?
        .try_collect()
        .await
}

/// Every (organization id, domain code) pair, in one query, in no particular order, decoded
/// as the rows arrive (as [`briefs`]).
pub async fn all_domains(
    db: &(impl ConnectionTrait + sea_orm::StreamTrait),
) -> Result<Vec<(i64, String)>, DbErr> {
    use futures_util::TryStreamExt;
    org_domain::Entity::find()
        .select_only()
        .columns([org_domain::Column::OrgId, org_domain::Column::Domain])
        .into_tuple()
        .stream(db)
        .await?
        .try_collect()
        .await
}

/// The organizations whose registration ended (revoked or deregistered), ids ascending:
/// public showcases leave them out. One query; few rows.
pub async fn ended_ids(db: &impl ConnectionTrait) -> Result<Vec<i64>, DbErr> {
    use super::rules::RegistrationStatus;
    organization::Entity::find()
        .select_only()
        .column(organization::Column::Id)
        .filter(organization::Column::RegistrationStatus.ne(RegistrationStatus::Active.code()))
        .order_by_asc(organization::Column::Id)
        .into_tuple()
        .all(db)
        .await
}

/// The rows of the organizations with these ids without their domains (unknown ids are left
/// out), in one `IN` query, by id: [`row`] for many.
pub async fn rows_by_ids(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<Org>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    organization::Entity::find()
        .filter(organization::Column::Id.is_in(ids.iter().copied()))
        .order_by_asc(organization::Column::Id)
        .all(db)
        .await
}

/// The public credit lookup (`/credit`): the organization registered under a USCC, or those
/// whose name contains `name` (the `LIKE` wildcards in it taken literally), by id, at most
/// `limit`.
pub async fn lookup(
    db: &impl ConnectionTrait,
    uscc: Option<&str>,
    name: Option<&str>,
    limit: u64,
) -> Result<Vec<Org>, DbErr> {
    use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr};
    let mut q = organization::Entity::find();
    if let Some(u) = uscc {
        q = q.filter(organization::Column::Uscc.eq(u));
    }
    if let Some(n) = name {
        let escaped: String = n
            .chars()
            .flat_map(|c| match c {
                '%' | '_' | '\\' => vec!['\\', c],
                c => vec![c],
            })
            .collect();
        q = q.filter(
            Expr::col((organization::Entity, organization::Column::Name))
                .like(LikeExpr::new(format!("%{escaped}%")).escape('\\')),
        );
    }
    q.order_by_asc(organization::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// The social organizations registered at a level (an [`super::rules::AuthorityLevel`]
/// code) within a division — the region's code for the region level, a league/city or a
/// banner/county code for those levels — ids ascending: the population a spot-check
/// campaign samples. One query.
pub async fn registered_at(
    db: &impl ConnectionTrait,
    level: super::rules::AuthorityLevel,
    division: &str,
) -> Result<Vec<i64>, DbErr> {
    use super::rules::{AuthorityLevel, OrgKind};
    let social: Vec<&str> = OrgKind::ALL
        .iter()
        .filter(|k| k.is_social_org())
        .map(|k| k.code())
        .collect();
    let mut q = organization::Entity::find()
        .select_only()
        .column(organization::Column::Id)
        .filter(organization::Column::AuthorityLevel.eq(level.code()))
        .filter(organization::Column::Kind.is_in(social));
    q = match level {
        AuthorityLevel::Region => q,
        AuthorityLevel::LeagueCity => q.filter(organization::Column::LeagueCode.eq(division)),
        AuthorityLevel::BannerCounty => q.filter(organization::Column::CountyCode.eq(division)),
    };
    q.order_by_asc(organization::Column::Id)
        .into_tuple()
        .all(db)
        .await
}

/// Every (organization, user) membership of these users, in one `IN` query (conflicts of
/// interest of spot-check inspectors).
pub async fn memberships_of_users(
    db: &impl ConnectionTrait,
    user_ids: &[i64],
) -> Result<Vec<(i64, i64)>, DbErr> {
    if user_ids.is_empty() {
        return Ok(Vec::new());
    }
    super::model::org_member::Entity::find()
        .select_only()
        .column(super::model::org_member::Column::OrgId)
        .column(super::model::org_member::Column::UserId)
        .filter(super::model::org_member::Column::UserId.is_in(user_ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await
}
