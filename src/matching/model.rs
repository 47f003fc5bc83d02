//! Matching's data: the compact snapshot of every organization (one query for the
//! organizations and one for their domains, through `orgs`; two aggregates over contracts and
//! milestones, through `contracts`; the organizations in residence, through `incubators`),
//! the open tenders (through `procurement`), and the
//! invitation notifications.

use std::collections::HashMap;

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use super::rules::{Candidate, TenderProfile, domain_bit};
use crate::orgs::{CreditStatus, OrgKind};
use crate::procurement::{OpenTender, OrgFacts, Tender};

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

/// Every organization as matching sees it, ordered by id: the registry's compact facts and
/// domains from `orgs`, track record and capacity from `contracts`' per-supplier tallies.
/// `now` and `alumni_months` decide which graduates still count as incubated.
pub async fn candidates(
    db: &(impl ConnectionTrait + sea_orm::StreamTrait),
    now: i64,
    alumni_months: u32,
) -> Result<Vec<Candidate>, DbErr> {
    let mut out: Vec<Candidate> = crate::orgs::briefs(db)
        .await?
        .into_iter()
        .map(|o| Candidate {
            // Read before the fields are moved out.
            facts: OrgFacts {
                kind: OrgKind::parse(&o.kind).unwrap_or(OrgKind::Enterprise),
                // An unreadable status counts as the worst, never as clean.
                credit: CreditStatus::parse(&o.credit_status).unwrap_or(CreditStatus::Dishonest),
                rating: o.rating_grade.zip(o.rating_valid_until),
                registered: o.registration_date,
                verified: o.is_verified(),
                ended: o.ended(),
                league: o.league_code,
            },
            org_id: o.id,
            name: o.name,
            county: o.county_code,
            domains: 0,
            staff: o.staff_count,
            live_contracts: 0,
            completed: 0,
            milestones_decided: 0,
            milestones_first_time: 0,
            rating_sum: 0,
            rating_count: 0,
            incubator: None,
            incubator_graduated: false,
        })
        .collect();
    let index: HashMap<i64, usize> = out.iter().enumerate().map(|(i, c)| (c.org_id, i)).collect();
    for (org, d) in crate::orgs::all_domains(db).await? {
        if let (Some(&i), Some(b)) = (index.get(&org), domain_bit(&d)) {
            out[i].domains |= 1 << b;
        }
    }
    for (org, t) in crate::contracts::supplier_tallies(db).await? {
        if let Some(&i) = index.get(&org) {
            let c = &mut out[i];
            c.completed = t.completed;
            c.live_contracts = t.live;
            c.rating_sum = t.rating_sum;
            c.rating_count = t.rating_count;
            c.milestones_decided = t.milestones_decided;
            c.milestones_first_time = t.milestones_first_time;
        }
    }
    for (org, inc) in crate::incubators::incubated_orgs(db, now, alumni_months).await? {
        if let Some(&i) = index.get(&org) {
            out[i].incubator = Some(inc.incubator);
            out[i].incubator_graduated = inc.graduated;
        }
    }
    Ok(out)
}

/// What matching needs of a tender row.
pub fn profile(t: &Tender) -> TenderProfile {
    open_profile(&OpenTender::from(t))
}

/// What matching needs of a tender, from the columns recommendations read.
pub fn open_profile(t: &OpenTender) -> TenderProfile {
    TenderProfile {
        tender_id: t.id,
        title: t.title.clone(),
        rules: crate::procurement::open_eligibility(t),
        domain_bit: domain_bit(&t.domain),
        league: t.league_code.clone(),
        county: t.county_code.clone(),
    }
}

/// Tenders open for bids at `now`, by id.
pub async fn open_tenders(db: &impl ConnectionTrait, now: i64) -> Result<Vec<Tender>, DbErr> {
    crate::procurement::open_tenders(db, now).await
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
    let tenders: HashMap<i64, Tender> = crate::procurement::tenders_by_ids(db, &ids)
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
