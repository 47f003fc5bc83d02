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
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct TenderSummaryJson {
    /// Its id.
    id: i64,
    /// Its public page.
    url: String,
    /// Title.
    title: String,
    /// The purchasing unit.
    unit_id: i64,
    /// The purchasing unit's name.
    unit_name: String,
    /// Service domain code.
    domain: String,
    /// Service domain, in the request's language.
    domain_label: String,
    /// Division code (GB/T 2260) of the place of service.
    division_code: String,
    /// The division's path, in the request's language.
    division_name: String,
    /// Budget in fen (1/100 yuan).
    budget_fen: i64,
    /// Budget, formatted in yuan.
    budget: String,
    /// Procurement method code.
    method: String,
    /// Evaluation method code.
    eval_method: String,
    /// Lifecycle state code.
    state: String,
    /// The state as an OCDS tender status.
    ocds_status: String,
    /// When it was published (RFC 3339, Asia/Shanghai).
    published_at: Option<String>,
    /// Last moment for questions (RFC 3339, Asia/Shanghai).
    enquiry_deadline: String,
    /// Last moment for bids (RFC 3339, Asia/Shanghai).
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

/// Filters of the public tender list (the same as the page's; values that mean nothing
/// are ignored, as on the page).
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TenderApiQuery {
    /// State code (`published`, `opened`, `awarded`, …; never `draft`).
    #[serde(default)]
    state: Option<String>,
    /// Service domain code.
    #[serde(default)]
    domain: Option<String>,
    /// League/city division code, e.g. `150100`.
    #[serde(default)]
    league: Option<String>,
    /// Procurement method code.
    #[serde(default)]
    method: Option<String>,
    /// `deadline` for the soonest bid deadline first; otherwise newest first.
    #[serde(default)]
    sort: Option<String>,
}

/// The public tenders (never drafts), newest first, one page at a time.
#[utoipa::path(
    get,
    path = "/api/v1/tenders",
    tag = "tenders",
    params(TenderApiQuery, crate::web::api::PageParams),
    responses(
        (status = 200, description = "One page of tenders; `Link` and `X-Total-Count` headers", body = crate::web::api::Page<TenderSummaryJson>),
        (status = 400, description = "A query string that cannot be decoded", body = crate::web::api::ApiError),
        (status = 422, description = "Unusable `page` or `per_page`", body = crate::web::api::ApiError),
        (status = 429, description = "Too many requests; see `Retry-After`", body = crate::web::api::ApiError),
    )
)]
pub async fn api_list(
    State(st): State<AppState>,
    lang: Lang,
    axum::extract::OriginalUri(uri): axum::extract::OriginalUri,
    paging: crate::web::api::Paging,
    Query(q): Query<TenderApiQuery>,
) -> AppResult<Response> {
    let mut f = list::parse_list_query(&TenderListQuery {
        state: q.state.unwrap_or_default(),
        domain: q.domain.unwrap_or_default(),
        league: q.league.unwrap_or_default(),
        method: q.method.unwrap_or_default(),
        sort: q.sort.unwrap_or_default(),
        page: String::new(),
    });
    f.page = paging.page;
    f.per_page = paging.per_page;
    let (items, total) = list::list_public(&st.db, &f).await?;
    let names = unit_names(&st, &items).await?;
    let out: Vec<_> = items
        .iter()
        .map(|t| summary_json(t, names.get(&t.unit_id).cloned().unwrap_or_default(), lang))
        .collect();
    Ok(crate::web::api::paged(
        &uri,
        crate::web::api::Page::new(out, total, paging),
    ))
}

/// One evaluation criterion.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct CriterionJson {
    /// Name.
    name: String,
    /// Weight in points.
    weight: i16,
}

/// One payment milestone of the future contract.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct MilestoneJson {
    /// Name.
    name: String,
    /// Share of the contract value, basis points.
    percent_bp: i32,
}

/// An amendment of a published tender.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct AmendmentJson {
    /// When (RFC 3339).
    at: String,
    /// What changed.
    summary: String,
    /// The bid deadline before.
    old_bid_deadline: String,
    /// The bid deadline after.
    new_bid_deadline: String,
}

/// A public question and its answer.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct EnquiryJson {
    /// The question.
    question: String,
    /// When it was asked (RFC 3339).
    asked_at: String,
    /// The buyer's answer, once given.
    answer: Option<String>,
    /// When it was answered (RFC 3339).
    answered_at: Option<String>,
}

/// One line of the opening record (published at opening, never before).
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct OpeningLineJson {
    /// The bid.
    bid_id: i64,
    /// The bidder.
    org_id: i64,
    /// The bidder's name.
    org_name: String,
    /// Price in fen.
    price_fen: i64,
    /// Bid state after opening (`opened` or `disqualified`).
    state: String,
    /// The commitment the bidder's receipt carries.
    commitment: String,
}

/// The award.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct AwardJson {
    /// The winning bid.
    bid_id: i64,
    /// The supplier.
    org_id: Option<i64>,
    /// The supplier's name.
    org_name: Option<String>,
    /// Awarded value in fen.
    value_fen: i64,
    /// When (RFC 3339).
    awarded_at: String,
    /// End of the standstill period (RFC 3339).
    standstill_ends_at: String,
    /// The buyer's justification.
    justification: String,
}

/// The contract made from the award.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ContractRefJson {
    /// Its id.
    id: i64,
    /// Its public page.
    url: String,
    /// Its state code.
    state: String,
}

/// Who may bid.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct EligibilityJson {
    /// Minimum rating grade (1–5).
    min_grade: Option<i16>,
    /// Reserved for social organizations.
    social_only: bool,
    /// League/city codes allowed; empty means anywhere.
    allowed_leagues: Vec<String>,
    /// Minimum whole years since registration.
    min_years: i16,
    /// The same, as sentences in the request's language.
    text: Vec<String>,
}

/// A public tender with everything its page shows.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct TenderDetailJson {
    /// The summary, as in the list.
    tender: TenderSummaryJson,
    /// Description.
    description: String,
    /// Price weight in points (comprehensive scoring).
    price_weight: i16,
    /// Evaluation criteria.
    criteria: Vec<CriterionJson>,
    /// Payment milestones.
    milestones: Vec<MilestoneJson>,
    /// Who may bid.
    eligibility: EligibilityJson,
    /// Contract length in months.
    contract_months: i16,
    /// When the bids were opened (RFC 3339).
    opened_at: Option<String>,
    /// Why it was cancelled or failed, when it was.
    state_reason: String,
    /// Amendments, oldest first.
    amendments: Vec<AmendmentJson>,
    /// Questions and answers.
    enquiries: Vec<EnquiryJson>,
    /// The opening record, after opening.
    opening: Option<Vec<OpeningLineJson>>,
    /// The award, once made.
    award: Option<AwardJson>,
    /// The contract, once made.
    contract: Option<ContractRefJson>,
}

/// One public tender (drafts are not found).
#[utoipa::path(
    get,
    path = "/api/v1/tenders/{id}",
    tag = "tenders",
    params(("id" = String, Path, description = "The tender's id")),
    responses(
        (status = 200, description = "The tender", body = TenderDetailJson),
        (status = 404, description = "No such public tender", body = crate::web::api::ApiError),
        (status = 429, description = "Too many requests; see `Retry-After`", body = crate::web::api::ApiError),
    )
)]
pub async fn api_show(
    State(st): State<AppState>,
    lang: Lang,
    Path(id): Path<String>,
) -> AppResult<Json<TenderDetailJson>> {
    let t = fetch(&st, parse_id(&id)?).await?;
    if state_of(&t) == TenderState::Draft {
        return Err(AppError::NotFound);
    }
    let db = &st.db;
    let criteria = crate::procurement::criteria(db, t.id)
        .await?
        .into_iter()
        .map(|c| CriterionJson {
            name: c.name,
            weight: c.weight,
        })
        .collect();
    let milestones = crate::procurement::milestones(db, t.id)
        .await?
        .into_iter()
        .map(|m| MilestoneJson {
            name: m.name,
            percent_bp: m.percent_bp,
        })
        .collect();
    let amendments = crate::procurement::amendments(db, t.id)
        .await?
        .into_iter()
        .map(|a| AmendmentJson {
            at: iso(a.at),
            summary: a.summary,
            old_bid_deadline: iso(a.old_bid_deadline),
            new_bid_deadline: iso(a.new_bid_deadline),
        })
        .collect();
    let enquiries = crate::procurement::enquiries(db, t.id)
        .await?
        .into_iter()
        .map(|q| EnquiryJson {
            question: q.question,
            asked_at: iso(q.asked_at),
            answer: q.answer,
            answered_at: q.answered_at.map(iso),
        })
        .collect();
    let record = if t.opened_at.is_some() {
        Some(crate::procurement::opening_record(db, &t).await?)
    } else {
        None
    };
    let award = match crate::procurement::award_of(db, t.id).await? {
        Some(a) => {
            let org = record
                .as_ref()
                .and_then(|r| r.iter().find(|l| l.bid_id == a.bid_id));
            Some(AwardJson {
                bid_id: a.bid_id,
                org_id: org.map(|l| l.org_id),
                org_name: org.map(|l| l.org_name.clone()),
                value_fen: a.value_fen,
                awarded_at: iso(a.awarded_at),
                standstill_ends_at: iso(a.standstill_ends_at),
                justification: a.justification,
            })
        }
        None => None,
    };
    let opening = record.map(|r| {
        r.into_iter()
            .map(|l| OpeningLineJson {
                bid_id: l.bid_id,
                org_id: l.org_id,
                org_name: l.org_name,
                price_fen: l.price_fen,
                state: l.state,
                commitment: l.commitment,
            })
            .collect()
    });
    let contract = crate::contracts::summary_for_tender(db, t.id)
        .await?
        .map(|c| ContractRefJson {
            id: c.id,
            url: format!("/contracts/{}", c.id),
            state: c.state.code().to_string(),
        });
    let el = crate::procurement::eligibility_of(&t);
    let summary = summary_json(&t, unit_name(&st, t.unit_id).await?, lang);
    Ok(Json(TenderDetailJson {
        tender: summary,
        description: t.description.clone(),
        price_weight: t.price_weight,
        criteria,
        milestones,
        eligibility: EligibilityJson {
            min_grade: el.min_grade,
            social_only: el.social_only,
            allowed_leagues: el.allowed_leagues,
            min_years: el.min_years,
            text: views::eligibility_lines(&t, lang),
        },
        contract_months: t.contract_months,
        opened_at: t.opened_at.map(iso),
        state_reason: t.state_reason.clone(),
        amendments,
        enquiries,
        opening,
        award,
        contract,
    }))
}

// ---------------------------------------------------------------------------------------
// Workspace

/// How many of the organizations' latest bids the workspace lists.
const WORKSPACE_BIDS: u64 = 50;
/// Open tenders the workspace suggests, looked for among the first [`OPEN_LOOKED_AT`] to
/// close, read [`OPEN_PAGE`] at a time.
const OPEN_SHOWN: usize = 10;
const OPEN_LOOKED_AT: u64 = 300;
const OPEN_PAGE: u64 = 30;

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
        // The first ten open tenders one of the organizations may bid on, among the 300 that
        // close soonest, read a page at a time: usually the first page has them, and each
        // row carries its description.
        let mut open = Vec::new();
        let mut offset = 0;
        while open.len() < OPEN_SHOWN && offset < OPEN_LOOKED_AT {
            let page = list::open_for_bids(db, now, offset, OPEN_PAGE).await?;
            let last_page = (page.len() as u64) < OPEN_PAGE;
            offset += OPEN_PAGE;
            for t in page {
                let el = crate::procurement::eligibility_of(&t);
                let names: Vec<String> = facts
                    .iter()
                    .filter(|(_, f)| rules::eligibility(&el, f, today).is_empty())
                    .map(|(n, _)| n.clone())
                    .collect();
                if !names.is_empty() && open.len() < OPEN_SHOWN {
                    open.push((t, names));
                }
            }
            if last_page {
                break;
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
        // The latest bids of all those organizations and their tenders, in two queries.
        let bids: Vec<_> = crate::procurement::latest_bids_of_orgs(db, &visible, WORKSPACE_BIDS)
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
        // Won or lost: the awards of those tenders in one `IN` query.
        let tender_ids: Vec<i64> = bids.iter().map(|(_, t, _)| t.id).collect();
        let awards = crate::procurement::awards_of_tenders(db, &tender_ids).await?;
        w.bids = Some(
            bids.into_iter()
                .map(|(b, t, name)| {
                    let awarded = awards.get(&t.id).map(|a| a.bid_id);
                    let outcome = rules::bid_outcome(&t.state, &b.state, b.id, awarded);
                    (b, t, name, outcome)
                })
                .collect(),
        );
    }
    if u.actor.has(Role::Evaluator) {
        w.evaluator = Some(list::tenders_of_evaluator(db, u.actor.user_id).await?);
    }
    Ok(views::workspace(ctx.lang, &w))
}
