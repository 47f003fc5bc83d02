//! Read-only queries for the public tender list and the workspace panels, with the list's
//! query-string parsing (junk is ignored, never refused).

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::model::{bid_file, evaluator, tender};
use super::rules::{Method, TenderState};
use crate::regions::{Level, regions};

/// Tenders per page on the public list.
pub const PAGE_SIZE: u64 = 20;

/// The public list's query string, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct TenderListQuery {
    /// State code.
    #[serde(default)]
    pub state: String,
    /// Domain code.
    #[serde(default)]
    pub domain: String,
    /// League/city code.
    #[serde(default)]
    pub league: String,
    /// Method code.
    #[serde(default)]
    pub method: String,
    /// `deadline` for the soonest bid deadline first; anything else is newest first.
    #[serde(default)]
    pub sort: String,
    /// 1-based page.
    #[serde(default)]
    pub page: String,
}

/// The filters that apply.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TenderFilter {
    /// State (never draft).
    pub state: Option<TenderState>,
    /// Domain.
    pub domain: Option<String>,
    /// League/city of the place.
    pub league: Option<String>,
    /// Method.
    pub method: Option<Method>,
    /// Soonest bid deadline first.
    pub by_deadline: bool,
    /// 1-based page.
    pub page: u64,
}

/// Keeps the filters that make sense and drops the rest.
pub fn parse_list_query(q: &TenderListQuery) -> TenderFilter {
    let league = q.league.trim();
    TenderFilter {
        state: TenderState::parse(q.state.trim()).filter(|s| *s != TenderState::Draft),
        domain: Some(q.domain.trim())
            .filter(|d| crate::orgs::is_domain(d))
            .map(str::to_string),
        league: regions()
            .get(league)
            .filter(|d| d.level == Level::LeagueCity)
            .map(|d| d.code.clone()),
        method: Method::parse(q.method.trim()),
        by_deadline: q.sort.trim() == "deadline",
        page: q
            .page
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|p| (1..=100_000).contains(p))
            .unwrap_or(1),
    }
}

/// One page of non-draft tenders and the total matching.
pub async fn list_public(
    db: &impl ConnectionTrait,
    f: &TenderFilter,
) -> Result<(Vec<tender::Model>, u64), DbErr> {
    let mut q = tender::Entity::find().filter(tender::Column::State.ne(TenderState::Draft.code()));
    if let Some(s) = f.state {
        q = q.filter(tender::Column::State.eq(s.code()));
    }
    if let Some(d) = &f.domain {
        q = q.filter(tender::Column::Domain.eq(d.as_str()));
    }
    if let Some(l) = &f.league {
        q = q.filter(tender::Column::LeagueCode.eq(l.as_str()));
    }
    if let Some(m) = f.method {
        q = q.filter(tender::Column::Method.eq(m.code()));
    }
    q = if f.by_deadline {
        q.order_by_asc(tender::Column::BidDeadline)
            .order_by_asc(tender::Column::Id)
    } else {
        q.order_by_desc(tender::Column::PublishedAt)
            .order_by_desc(tender::Column::Id)
    };
    let total = q.clone().count(db).await?;
    let items = q
        .offset((f.page.saturating_sub(1)) * PAGE_SIZE)
        .limit(PAGE_SIZE)
        .all(db)
        .await?;
    Ok((items, total))
}

/// Every tender of some purchasing units (drafts included), most recently changed first.
pub async fn tenders_of_units(
    db: &impl ConnectionTrait,
    units: &[i64],
) -> Result<Vec<tender::Model>, DbErr> {
    if units.is_empty() {
        return Ok(vec![]);
    }
    tender::Entity::find()
        .filter(tender::Column::UnitId.is_in(units.iter().copied()))
        .order_by_desc(tender::Column::UpdatedAt)
        .order_by_desc(tender::Column::Id)
        .limit(500)
        .all(db)
        .await
}

/// Published tenders still accepting bids at `now`, soonest deadline first.
pub async fn open_for_bids(
    db: &impl ConnectionTrait,
    now: i64,
    limit: u64,
) -> Result<Vec<tender::Model>, DbErr> {
    tender::Entity::find()
        .filter(tender::Column::State.eq(TenderState::Published.code()))
        .filter(tender::Column::BidDeadline.gt(now))
        .order_by_asc(tender::Column::BidDeadline)
        .order_by_asc(tender::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// Tenders a user is assigned to evaluate, newest assignment first.
pub async fn tenders_of_evaluator(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<tender::Model>, DbErr> {
    let ids: Vec<i64> = evaluator::Entity::find()
        .filter(evaluator::Column::UserId.eq(user_id))
        .order_by_desc(evaluator::Column::AssignedAt)
        .all(db)
        .await?
        .into_iter()
        .map(|e| e.tender_id)
        .collect();
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let mut ts = tender::Entity::find()
        .filter(tender::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    ts.sort_by_key(|t| ids.iter().position(|i| *i == t.id));
    Ok(ts)
}

/// An attachment's metadata (the sealed bytes stay in the database).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileInfo {
    /// Key (for the download link after opening).
    pub id: i64,
    /// File name.
    pub name: String,
    /// Bytes.
    pub size: i64,
    /// SHA-256 of the plain file (hex).
    pub sha256: String,
    /// Unix seconds.
    pub uploaded_at: i64,
}

/// Attachments of a bid (metadata only), in upload order.
pub async fn files_of_bid(db: &impl ConnectionTrait, bid_id: i64) -> Result<Vec<FileInfo>, DbErr> {
    let rows: Vec<(i64, String, i64, String, i64)> = bid_file::Entity::find()
        .select_only()
        .column(bid_file::Column::Id)
        .column(bid_file::Column::Name)
        .column(bid_file::Column::Size)
        .column(bid_file::Column::Sha256)
        .column(bid_file::Column::UploadedAt)
        .filter(bid_file::Column::BidId.eq(bid_id))
        .order_by_asc(bid_file::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, size, sha256, uploaded_at)| FileInfo {
            id,
            name,
            size,
            sha256,
            uploaded_at,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn junk_filters_are_ignored() {
        let q = TenderListQuery {
            state: "draft".into(),
            domain: "nope".into(),
            league: "150102".into(),
            method: "auction".into(),
            sort: "x".into(),
            page: "-3".into(),
        };
        assert_eq!(
            parse_list_query(&q),
            TenderFilter {
                page: 1,
                ..Default::default()
            }
        );
        let q = TenderListQuery {
            state: "published".into(),
            domain: "elderly".into(),
            league: "150100".into(),
            method: "open_tender".into(),
            sort: "deadline".into(),
            page: "2".into(),
        };
        let f = parse_list_query(&q);
        assert_eq!(f.state, Some(TenderState::Published));
        assert_eq!(f.league.as_deref(), Some("150100"));
        assert!(f.by_deadline);
        assert_eq!(f.page, 2);
    }
}
