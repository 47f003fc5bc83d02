//! What procurement tells `opendata` at each public event of a tender: the facts public at
//! that instant, read in the event's transaction. Bids are included only once opened (their
//! prices come from the opened columns; sealed rows are never read here).

use super::*;

/// The public facts of a tender now (no contract: `contracts` adds its own). Call inside
/// the event's transaction.
pub async fn ocds_facts(
    db: &impl ConnectionTrait,
    tender_id: i64,
) -> Result<crate::opendata::TenderFacts, DbErr> {
    use crate::opendata::{
        AmendmentFacts, AwardFacts, BidFacts, DocumentFacts, OrgFacts, TenderFacts,
    };
    let t = get(db, tender_id)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("tender {tender_id}")))?;
    let unit_name = crate::units::get(db, t.unit_id)
        .await?
        .map(|u| u.name)
        .unwrap_or_default();
    let opened = if t.opened_at.is_some() {
        bid::Entity::find()
            .filter(bid::Column::TenderId.eq(t.id))
            .filter(
                bid::Column::State.is_in([BidState::Opened.code(), BidState::Disqualified.code()]),
            )
            .order_by_asc(bid::Column::Id)
            .all(db)
            .await?
    } else {
        Vec::new()
    };
    let award = award_of(db, t.id).await?;
    let winner = match &award {
        Some(a) => bid::Entity::find_by_id(a.bid_id)
            .one(db)
            .await?
            .map(|b| b.org_id),
        None => None,
    };
    let mut ids: Vec<i64> = opened.iter().map(|b| b.org_id).chain(winner).collect();
    ids.sort_unstable();
    ids.dedup();
    let orgs: std::collections::HashMap<i64, OrgFacts> = crate::orgs::rows_by_ids(db, &ids)
        .await?
        .into_iter()
        .map(|o| {
            (
                o.id,
                OrgFacts {
                    id: o.id,
                    name: o.name,
                    uscc: o.uscc,
                },
            )
        })
        .collect();
    let org = |id: i64| {
        orgs.get(&id).cloned().unwrap_or(OrgFacts {
            id,
            name: String::new(),
            uscc: String::new(),
        })
    };
    let state = state_of(&t);
    Ok(TenderFacts {
        id: t.id,
        title: t.title.clone(),
        description: t.description.clone(),
        domain: t.domain.clone(),
        domain_label: crate::orgs::domain_label(&t.domain, Lang::Zh),
        unit_id: t.unit_id,
        unit_name,
        budget_fen: t.budget_fen,
        method: t.method.clone(),
        method_label: Method::parse(&t.method)
            .map(|m| m.label(Lang::Zh))
            .unwrap_or_default(),
        eval_method: t.eval_method.clone(),
        eval_label: EvalMethod::parse(&t.eval_method)
            .map(|m| m.label(Lang::Zh))
            .unwrap_or_default(),
        status: state.ocds().to_string(),
        state_reason: t.state_reason.clone(),
        published_at: t.published_at.unwrap_or(t.updated_at),
        enquiry_deadline: t.enquiry_deadline,
        bid_deadline: t.bid_deadline,
        contract_months: t.contract_months,
        amendments: amendments(db, t.id)
            .await?
            .into_iter()
            .map(|a| AmendmentFacts {
                id: a.id,
                at: a.at,
                summary: a.summary,
                old_bid_deadline: a.old_bid_deadline,
                new_bid_deadline: a.new_bid_deadline,
            })
            .collect(),
        documents: documents(db, t.id)
            .await?
            .into_iter()
            .map(|d| DocumentFacts {
                id: d.id,
                doc_type: d.doc_type,
                title: d.name,
                version: d.version,
                state: d.state,
                mime: d.mime,
                size: d.size,
                sha256: d.sha256,
                published_at: super::document_rules::date_published(d.uploaded_at, t.published_at),
                ended_at: d.ended_at,
            })
            .collect(),
        bids: t.opened_at.map(|_| {
            opened
                .iter()
                .map(|b| BidFacts {
                    id: b.id,
                    org: org(b.org_id),
                    price_fen: b.opened_price_fen.unwrap_or_default(),
                    submitted_at: b.submitted_at,
                    disqualified: b.state == BidState::Disqualified.code(),
                })
                .collect()
        }),
        award: match (award, winner) {
            (Some(a), Some(w)) => Some(AwardFacts {
                id: a.id,
                supplier: org(w),
                value_fen: a.value_fen,
                awarded_at: a.awarded_at,
                standstill_ends_at: a.standstill_ends_at,
            }),
            _ => None,
        },
        contract: None,
    })
}

/// Records the release of a procurement event inside its transaction.
pub(super) async fn record_release(
    db: &impl ConnectionTrait,
    tender_id: i64,
    tag: crate::opendata::Tag,
    now: i64,
) -> Result<(), DbErr> {
    let facts = ocds_facts(db, tender_id).await?;
    crate::opendata::record_in(db, &facts, tag, now).await?;
    Ok(())
}
