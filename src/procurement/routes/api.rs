//! The JSON mirror of the public tender pages, and the workspace sections.

use super::*;

// ---------------------------------------------------------------------------------------
// JSON

pub(super) fn iso(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .to_offset(crate::kernel::clock::SHANGHAI)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// A tender in the public list.
#[derive(Debug, serde::Serialize)]
pub struct TenderSummaryJson {
    id: i64,
    url: String,
    title: String,
    unit_id: i64,
    unit_name: String,
    domain: String,
    domain_label: String,
    division_code: String,
    division_name: String,
    budget_fen: i64,
    budget: String,
    method: String,
    eval_method: String,
    state: String,
    ocds_status: String,
    published_at: Option<String>,
    enquiry_deadline: String,
    bid_deadline: String,
}

pub(super) fn summary_json(t: &tender::Model, unit_name: String, lang: Lang) -> TenderSummaryJson {
    let s = state_of(t);
    TenderSummaryJson {
        id: t.id,
        url: format!("/tenders/{}", t.id),
        title: t.title.clone(),
        unit_id: t.unit_id,
        unit_name,
        domain: t.domain.clone(),
        domain_label: crate::orgs::domain_label(&t.domain, lang),
        division_code: t.division_code.clone(),
        division_name: crate::regions::regions().path(&t.division_code, lang),
        budget_fen: t.budget_fen,
        budget: Fen(t.budget_fen).to_string(),
        method: t.method.clone(),
        eval_method: t.eval_method.clone(),
        state: s.code().to_string(),
        ocds_status: s.ocds().to_string(),
        published_at: t.published_at.map(iso),
        enquiry_deadline: iso(t.enquiry_deadline),
        bid_deadline: iso(t.bid_deadline),
    }
}

/// `GET /api/v1/tenders`
pub async fn api_list(
    State(st): State<AppState>,
    lang: Lang,
    Query(q): Query<TenderListQuery>,
) -> AppResult<Response> {
    let f = list::parse_list_query(&q);
    let (items, total) = list::list_public(&st.db, &f).await?;
    let names = unit_names(&st, &items).await?;
    let out: Vec<_> = items
        .iter()
        .map(|t| summary_json(t, names.get(&t.unit_id).cloned().unwrap_or_default(), lang))
        .collect();
    Ok(Json(serde_json::json!({
        "items": out,
        "total": total,
        "page": f.page,
        "per_page": list::PAGE_SIZE,
        "pages": total.div_ceil(list::PAGE_SIZE),
    }))
    .into_response())
}

/// `GET /api/v1/tenders/{id}`
pub async fn api_show(
    State(st): State<AppState>,
    lang: Lang,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let t = fetch(&st, parse_id(&id)?).await?;
    if state_of(&t) == TenderState::Draft {
        return Err(AppError::NotFound);
    }
    let db = &st.db;
    let criteria: Vec<_> = crate::procurement::criteria(db, t.id)
        .await?
        .into_iter()
        .map(|c| serde_json::json!({ "name": c.name, "weight": c.weight }))
        .collect();
    let milestones: Vec<_> = crate::procurement::milestones(db, t.id)
        .await?
        .into_iter()
        .map(|m| serde_json::json!({ "name": m.name, "percent_bp": m.percent_bp }))
        .collect();
    let amendments: Vec<_> = crate::procurement::amendments(db, t.id)
        .await?
        .into_iter()
        .map(|a| {
            serde_json::json!({
                "at": iso(a.at), "summary": a.summary,
                "old_bid_deadline": iso(a.old_bid_deadline), "new_bid_deadline": iso(a.new_bid_deadline),
            })
        })
        .collect();
    let enquiries: Vec<_> = crate::procurement::enquiries(db, t.id)
        .await?
        .into_iter()
        .map(|q| {
            serde_json::json!({
                "question": q.question, "asked_at": iso(q.asked_at),
                "answer": q.answer, "answered_at": q.answered_at.map(iso),
            })
        })
        .collect();
    let opening = if t.opened_at.is_some() {
        let lines: Vec<_> = crate::procurement::opening_record(db, &t)
            .await?
            .into_iter()
            .map(|l| {
                serde_json::json!({
                    "bid_id": l.bid_id, "org_id": l.org_id, "org_name": l.org_name,
                    "price_fen": l.price_fen, "state": l.state, "commitment": l.commitment,
                })
            })
            .collect();
        Some(lines)
    } else {
        None
    };
    let award = match crate::procurement::award_of(db, t.id).await? {
        Some(a) => {
            let org = crate::procurement::opening_record(db, &t)
                .await?
                .into_iter()
                .find(|l| l.bid_id == a.bid_id);
            Some(serde_json::json!({
                "bid_id": a.bid_id,
                "org_id": org.as_ref().map(|l| l.org_id),
                "org_name": org.map(|l| l.org_name),
                "value_fen": a.value_fen,
                "awarded_at": iso(a.awarded_at),
                "standstill_ends_at": iso(a.standstill_ends_at),
                "justification": a.justification,
            }))
        }
        None => None,
    };
    let contract = crate::contracts::summary_for_tender(db, t.id)
        .await?
        .map(|c| serde_json::json!({ "id": c.id, "url": format!("/contracts/{}", c.id), "state": c.state }));
    let el = crate::procurement::eligibility_of(&t);
    let summary = summary_json(&t, unit_name(&st, t.unit_id).await?, lang);
    Ok(Json(serde_json::json!({
        "tender": summary,
        "description": t.description,
        "price_weight": t.price_weight,
        "criteria": criteria,
        "milestones": milestones,
        "eligibility": {
            "min_grade": el.min_grade,
            "social_only": el.social_only,
            "allowed_leagues": el.allowed_leagues,
            "min_years": el.min_years,
            "text": views::eligibility_lines(&t, lang),
        },
        "contract_months": t.contract_months,
        "opened_at": t.opened_at.map(iso),
        "state_reason": t.state_reason,
        "amendments": amendments,
        "enquiries": enquiries,
        "opening": opening,
        "award": award,
        "contract": contract,
    }))
    .into_response())
}

// ---------------------------------------------------------------------------------------
// Workspace

/// The procurement panels of the `/me` page: the buyer's tenders by state, open tenders the
/// user's organizations may bid on, their bids with receipts, and tenders to score.
pub async fn workspace_sections(st: &AppState, ctx: &Ctx) -> AppResult<Markup> {
    let Some(u) = &ctx.user else {
        return Ok(html! {});
    };
    let db = &st.db;
    let (now, today) = (st.clock.now(), st.clock.today());
    let mut w = views::Workspace::default();
    if !u.units.is_empty() {
        w.buyer = Some(list::tenders_of_units(db, &unit_ids(u)).await?);
    }
    let admin = admin_orgs(u);
    if !admin.is_empty() {
        let ids: Vec<i64> = admin.iter().map(|(id, _)| *id).collect();
        let mut by_id = crate::procurement::org_facts_of(db, &ids).await?;
        let facts: Vec<_> = admin
            .iter()
            .filter_map(|(id, name)| by_id.remove(id).map(|f| (name.clone(), f)))
            .collect();
        let mut open = Vec::new();
        for t in list::open_for_bids(db, now, 300).await? {
            let el = crate::procurement::eligibility_of(&t);
            let names: Vec<String> = facts
                .iter()
                .filter(|(_, f)| rules::eligibility(&el, f, today).is_empty())
                .map(|(n, _)| n.clone())
                .collect();
            if !names.is_empty() {
                open.push((t, names));
                if open.len() == 10 {
                    break;
                }
            }
        }
        w.open = Some(open);
    }
    if !u.orgs.is_empty() {
        let names: HashMap<i64, &String> = u
            .orgs
            .iter()
            .filter(|(org_id, _, _)| may(ctx.actor(), Action::ViewOrgBids(*org_id)))
            .map(|(org_id, name, _)| (*org_id, name))
            .collect();
        let visible: Vec<i64> = u
            .orgs
            .iter()
            .map(|(org_id, _, _)| *org_id)
            .filter(|org_id| names.contains_key(org_id))
            .collect();
        // One query for the bids of all those organizations and one for their tenders, in
        // the order the per-organization loop gave.
        let mut bids: Vec<_> = crate::procurement::bids_of_orgs(db, &visible)
            .await?
            .into_iter()
            .map(|(b, t)| {
                let name = names
                    .get(&b.org_id)
                    .map(|n| (*n).clone())
                    .unwrap_or_default();
                (b, t, name)
            })
            .collect();
        bids.sort_by_key(|(b, _, _)| std::cmp::Reverse(b.submitted_at));
        bids.truncate(50);
        w.bids = Some(bids);
    }
    if u.actor.has(Role::Evaluator) {
        w.evaluator = Some(list::tenders_of_evaluator(db, u.actor.user_id).await?);
    }
    Ok(views::workspace(ctx.lang, &w))
}
