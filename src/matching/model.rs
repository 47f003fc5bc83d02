//! Matching's data: the compact snapshot of every organization (one query for the
//! organizations, one for their domains, two aggregates over contracts and milestones), the
//! open tenders, and the invitation notifications.

use std::collections::HashMap;

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Statement,
};

use super::rules::{Candidate, TenderProfile, domain_bit};
use crate::orgs::{CreditStatus, OrgKind};
use crate::procurement::OrgFacts;

/// `notifications`
pub mod notification {
    use sea_orm::entity::prelude::*;

    /// An in-app notification to an organization (today: an invitation to bid).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "notifications")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// The organization whose members see it.
        pub org_id: i64,
        /// `invite`.
        pub kind: String,
        /// Tender.
        pub tender_id: i64,
        /// Inviting unit.
        pub unit_id: i64,
        /// Inviting buyer.
        pub created_by: Option<i64>,
        /// Unix seconds.
        pub created_at: i64,
        /// Unix seconds, when a member opened it.
        pub read_at: Option<i64>,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The kind code of an invitation.
pub const INVITE: &str = "invite";

/// Every organization as matching sees it, ordered by id.
pub async fn candidates(db: &impl ConnectionTrait) -> Result<Vec<Candidate>, DbErr> {
    use crate::orgs::model::{org_domain, organization};
    type Row = (
        i64,
        String,
        String,
        String,
        Option<i16>,
        Option<time::Date>,
        time::Date,
        Option<String>,
        Option<String>,
        i32,
    );
    use organization::Column as C;
    let rows: Vec<Row> = organization::Entity::find()
        .select_only()
        .columns([C::Id, C::Name, C::Kind, C::CreditStatus])
        .columns([C::RatingGrade, C::RatingValidUntil, C::RegistrationDate])
        .columns([C::LeagueCode, C::CountyCode, C::StaffCount])
        .order_by_asc(C::Id)
        .into_tuple()
        .all(db)
        .await?;
    let mut out: Vec<Candidate> = rows
        .into_iter()
        .map(
            |(id, name, kind, credit, grade, until, registered, league, county, staff)| Candidate {
                org_id: id,
                name,
                facts: OrgFacts {
                    kind: OrgKind::parse(&kind).unwrap_or(OrgKind::Enterprise),
                    // An unreadable status counts as the worst, never as clean.
                    credit: CreditStatus::parse(&credit).unwrap_or(CreditStatus::Dishonest),
                    rating: grade.zip(until),
                    registered,
                    league,
                },
                county,
                domains: 0,
                staff,
                live_contracts: 0,
                completed: 0,
                milestones_decided: 0,
                milestones_first_time: 0,
                rating_sum: 0,
                rating_count: 0,
                incubated: false,
            },
        )
        .collect();
    let index: HashMap<i64, usize> = out.iter().enumerate().map(|(i, c)| (c.org_id, i)).collect();
    let domains: Vec<(i64, String)> = org_domain::Entity::find()
        .select_only()
        .columns([org_domain::Column::OrgId, org_domain::Column::Domain])
        .into_tuple()
        .all(db)
        .await?;
    for (org, d) in domains {
        if let (Some(&i), Some(b)) = (index.get(&org), domain_bit(&d)) {
            out[i].domains |= 1 << b;
        }
    }
    let backend = db.get_database_backend();
    let contracts = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT org_id, \
             COALESCE(SUM(CASE WHEN state = 'completed' THEN 1 ELSE 0 END), 0) AS completed, \
             COALESCE(SUM(CASE WHEN state IN ('pending', 'active') THEN 1 ELSE 0 END), 0) AS live, \
             CAST(COALESCE(SUM(CASE WHEN state = 'completed' AND rating IS NOT NULL THEN rating ELSE 0 END), 0) AS BIGINT) AS rsum, \
             COALESCE(SUM(CASE WHEN state = 'completed' AND rating IS NOT NULL THEN 1 ELSE 0 END), 0) AS rcount \
             FROM contracts GROUP BY org_id",
        ))
        .await?;
    for r in contracts {
        let org: i64 = r.try_get("", "org_id")?;
        if let Some(&i) = index.get(&org) {
            let n = |k: &str| -> Result<u32, DbErr> {
                Ok(u32::try_from(r.try_get::<i64>("", k)?).unwrap_or(u32::MAX))
            };
            out[i].completed = n("completed")?;
            out[i].live_contracts = n("live")?;
            out[i].rating_sum = n("rsum")?;
            out[i].rating_count = n("rcount")?;
        }
    }
    let milestones = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT c.org_id AS org_id, COUNT(*) AS decided, \
             COALESCE(SUM(CASE WHEN m.state IN ('accepted', 'paid') AND m.return_reason IS NULL \
               THEN 1 ELSE 0 END), 0) AS first_time \
             FROM contract_milestones m JOIN contracts c ON c.id = m.contract_id \
             WHERE m.decided_at IS NOT NULL GROUP BY c.org_id",
        ))
        .await?;
    for r in milestones {
        let org: i64 = r.try_get("", "org_id")?;
        if let Some(&i) = index.get(&org) {
            out[i].milestones_decided =
                u32::try_from(r.try_get::<i64>("", "decided")?).unwrap_or(u32::MAX);
            out[i].milestones_first_time =
                u32::try_from(r.try_get::<i64>("", "first_time")?).unwrap_or(u32::MAX);
        }
    }
    Ok(out)
}

/// What matching needs of a tender row.
pub fn profile(t: &crate::procurement::model::tender::Model) -> TenderProfile {
    TenderProfile {
        tender_id: t.id,
        title: t.title.clone(),
        rules: crate::procurement::eligibility_of(t),
        domain_bit: domain_bit(&t.domain),
        league: t.league_code.clone(),
        county: t.county_code.clone(),
    }
}

/// Tenders open for bids at `now`, by id.
pub async fn open_tenders(
    db: &impl ConnectionTrait,
    now: i64,
) -> Result<Vec<crate::procurement::model::tender::Model>, DbErr> {
    use crate::procurement::model::tender;
    tender::Entity::find()
        .filter(tender::Column::State.eq(crate::procurement::TenderState::Published.code()))
        .filter(tender::Column::BidDeadline.gt(now))
        .order_by_asc(tender::Column::Id)
        .all(db)
        .await
}

/// Records an invitation once: inviting the same organization to the same tender again
/// changes nothing. Returns whether a new invitation was written.
pub async fn invite(
    db: &impl ConnectionTrait,
    org_id: i64,
    tender_id: i64,
    unit_id: i64,
    by: i64,
    now: i64,
) -> Result<bool, DbErr> {
    use notification::Column as C;
    use sea_orm::sea_query::OnConflict;
    let r = notification::Entity::insert(notification::ActiveModel {
        org_id: Set(org_id),
        kind: Set(INVITE.into()),
        tender_id: Set(tender_id),
        unit_id: Set(unit_id),
        created_by: Set(Some(by)),
        created_at: Set(now),
        read_at: Set(None),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([C::OrgId, C::Kind, C::TenderId])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(r > 0)
}

/// Organizations already invited to a tender.
pub async fn invited_to(db: &impl ConnectionTrait, tender_id: i64) -> Result<Vec<i64>, DbErr> {
    notification::Entity::find()
        .select_only()
        .column(notification::Column::OrgId)
        .filter(notification::Column::TenderId.eq(tender_id))
        .filter(notification::Column::Kind.eq(INVITE))
        .into_tuple()
        .all(db)
        .await
}

/// An invitation as its organization sees it.
#[derive(Debug, Clone)]
pub struct Invitation {
    /// Notification.
    pub id: i64,
    /// Organization invited.
    pub org_id: i64,
    /// Tender.
    pub tender_id: i64,
    /// Tender title.
    pub title: String,
    /// Tender state code.
    pub state: String,
    /// Bid deadline, Unix seconds.
    pub bid_deadline: i64,
    /// Inviting unit.
    pub unit_id: i64,
    /// When.
    pub at: i64,
    /// Not opened yet.
    pub unread: bool,
}

/// The newest invitations of some organizations, and how many are unread.
pub async fn invitations_of(
    db: &impl ConnectionTrait,
    orgs: &[i64],
    limit: u64,
) -> Result<(Vec<Invitation>, u64), DbErr> {
    use crate::procurement::model::tender;
    if orgs.is_empty() {
        return Ok((vec![], 0));
    }
    let q = notification::Entity::find()
        .filter(notification::Column::OrgId.is_in(orgs.iter().copied()))
        .filter(notification::Column::Kind.eq(INVITE));
    let unread = q
        .clone()
        .filter(notification::Column::ReadAt.is_null())
        .count(db)
        .await?;
    let rows = q
        .order_by_desc(notification::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|n| n.tender_id).collect();
    let tenders: HashMap<i64, tender::Model> = tender::Entity::find()
        .filter(tender::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    Ok((
        rows.into_iter()
            .filter_map(|n| {
                let t = tenders.get(&n.tender_id)?;
                Some(Invitation {
                    id: n.id,
                    org_id: n.org_id,
                    tender_id: n.tender_id,
                    title: t.title.clone(),
                    state: t.state.clone(),
                    bid_deadline: t.bid_deadline,
                    unit_id: n.unit_id,
                    at: n.created_at,
                    unread: n.read_at.is_none(),
                })
            })
            .collect(),
        unread,
    ))
}

/// Marks every invitation of some organizations read.
pub async fn mark_all_read(db: &impl ConnectionTrait, orgs: &[i64], now: i64) -> Result<(), DbErr> {
    if orgs.is_empty() {
        return Ok(());
    }
    notification::Entity::update_many()
        .col_expr(
            notification::Column::ReadAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(notification::Column::OrgId.is_in(orgs.iter().copied()))
        .filter(notification::Column::ReadAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}
