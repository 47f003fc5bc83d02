//! Read-only queries for the public tender list and the workspace panels, with the list's
//! query-string parsing (junk is ignored, never refused).

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::model::{bid, evaluator, tender};
use super::rules::{Method, TenderState};
use crate::kernel::seal::SealKey;
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
    /// Rows per page; 0 means [`PAGE_SIZE`] (the pages; the API lets the client choose).
    pub per_page: u64,
}

impl TenderFilter {
    /// Rows per page in force.
    pub fn page_size(&self) -> u64 {
        if self.per_page == 0 {
            PAGE_SIZE
        } else {
            self.per_page
        }
    }
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
        per_page: 0,
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
        .offset((f.page.saturating_sub(1)) * f.page_size())
        .limit(f.page_size())
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
    offset: u64,
    limit: u64,
) -> Result<Vec<tender::Model>, DbErr> {
    tender::Entity::find()
        .filter(tender::Column::State.eq(TenderState::Published.code()))
        .filter(tender::Column::BidDeadline.gt(now))
        .order_by_asc(tender::Column::BidDeadline)
        .order_by_asc(tender::Column::Id)
        .offset(offset)
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

/// An attachment's metadata, unsealed (the sealed bytes stay in the database).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileInfo {
    /// Key (for the download link after opening).
    pub id: i64,
    /// File name.
    pub name: String,
    /// MIME type, decided from the content at upload.
    pub mime: String,
    /// Bytes.
    pub size: i64,
    /// SHA-256 of the plain file (hex).
    pub sha256: String,
    /// Unix seconds.
    pub uploaded_at: i64,
}

/// Attachments of a bid, metadata unsealed, in upload order: for the bid's own organization
/// (its author) at any time, and through [`files_of_opened_bid`] for everyone else. The
/// caller has checked that the viewer is the bidder.
pub async fn files_of_bid(
    db: &impl ConnectionTrait,
    key: &SealKey,
    bid_id: i64,
) -> Result<Vec<FileInfo>, DbErr> {
    Ok(super::bids::files_with_meta(db, key, bid_id)
        .await?
        .into_iter()
        .map(|(f, m)| FileInfo {
            id: f.id,
            name: m.name,
            mime: m.mime,
            size: m.size,
            sha256: m.sha256,
            uploaded_at: f.uploaded_at,
        })
        .collect())
}

/// Attachments of a bid once it is opened (empty before: sealed with the bid).
pub async fn files_of_opened_bid(
    db: &impl ConnectionTrait,
    key: &SealKey,
    bid: &bid::Model,
) -> Result<Vec<FileInfo>, DbErr> {
    if bid.opened_salt.is_none() {
        return Ok(vec![]);
    }
    files_of_bid(db, key, bid.id).await
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
