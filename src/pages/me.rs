//! The workspace `/me`: what the signed-in user has to do, assembled from the rooms' sections —
//! their tenders and bids (procurement), invitations and recommended tenders (matching), the
//! calls they organize and the calls recommended to their organizations (philanthropy), their
//! contracts (contracts), their claims of organizations and, for regulators, the work queue
//! (claims, unverified registrations, ratings expiring, overdue claims) and the latest
//! registry events (orgs), links to the annual-report queue and the penalties (regulation),
//! their incubator applications and managed incubators (incubators).

use axum::extract::State;
use maud::Markup;

use crate::accounts::{Action, Role, require};
use crate::kernel::error::AppResult;
use crate::orgs::{CLAIM_DUE_WORKING_DAYS, ClaimState, RATING_EXPIRY_WINDOW_DAYS};
use crate::web::{AppState, Ctx, Query, layout};

/// How many entries each list of the regulator's queue shows (the counts cover all).
const QUEUE_ROWS: u64 = 20;

/// Whether a claim made at `created_at` has waited longer than its working days at `now`.
/// Working days are counted as the challenge period's are (`procurement::add_working_days`).
pub fn claim_overdue(created_at: i64, now: i64) -> bool {
    crate::procurement::add_working_days(created_at, CLAIM_DUE_WORKING_DAYS, &[]) <= now
}

/// The regulator's queue: pending claims (oldest first, overdue marked), unverified
/// registrations, ratings whose last valid day is within the window.
async fn regulator_queue(st: &AppState) -> AppResult<crate::orgs::views::Queue> {
    let db = &st.db;
    let now = st.clock.now();
    let today = st.clock.today();
    let pending = ClaimState::Pending.code();
    let unverified = crate::orgs::Verification::Unverified.code();
    let until = today + time::Duration::days(RATING_EXPIRY_WINDOW_DAYS);
    let (claims, times, unverified_rows, unverified_total, (expiring, expiring_total)) = tokio::try_join!(
        crate::orgs::claims_in_state(db, pending, QUEUE_ROWS),
        crate::orgs::claim_times(db, pending),
        crate::orgs::in_verification(db, unverified, QUEUE_ROWS),
        crate::orgs::count_in_verification(db, unverified),
        crate::orgs::ratings_expiring(db, today, until, QUEUE_ROWS),
    )?;
    let ids: Vec<i64> = claims.iter().map(|c| c.org_id).collect();
    let names = crate::orgs::names_by_ids(db, &ids).await?;
    let overdue_total = times.iter().filter(|t| claim_overdue(**t, now)).count() as u64;
    Ok(crate::orgs::views::Queue {
        claims: claims
            .into_iter()
            .map(|c| {
                let name = names.get(&c.org_id).cloned().unwrap_or_default();
                let overdue = claim_overdue(c.created_at, now);
                (c, name, overdue)
            })
            .collect(),
        claims_total: times.len() as u64,
        overdue_total,
        unverified: unverified_rows,
        unverified_total,
        expiring,
        expiring_total,
    })
}

/// How many entries each list of the buyer's to-do shows (the counts cover all).
const TODO_ROWS: usize = 10;

/// The buyer's to-do list: what the user's purchasing units owe an answer or a decision —
/// unanswered questions (overdue or due soon by the enquiry deadline marked), unanswered
/// challenges, contracts to sign, reported milestones to accept, accepted milestones to pay.
/// Counts and links, only for the user's units; `None` for a user who buys for none.
async fn buyer_todo(
    st: &AppState,
    lang: crate::kernel::Lang,
    units: &[i64],
) -> AppResult<Option<Markup>> {
    use crate::contracts::BuyerTask;
    use crate::procurement::QuestionUrgency;
    if units.is_empty() {
        return Ok(None);
    }
    let now = st.clock.now();
    let ((questions, challenges), contracts) = tokio::try_join!(
        crate::procurement::unanswered_of_units(&st.db, units),
        crate::contracts::buyer_todo(&st.db, units),
    )?;
    let questions: Vec<_> = questions
        .into_iter()
        .map(|q| {
            let u = crate::procurement::question_urgency(q.enquiry_deadline, now);
            (q, u)
        })
        .collect();
    let urgent = |u: QuestionUrgency| questions.iter().filter(|(_, x)| *x == u).count();
    let (overdue, due_soon) = (
        urgent(QuestionUrgency::Overdue),
        urgent(QuestionUrgency::DueSoon),
    );
    // The most pressing questions first, oldest first within each.
    let mut shown: Vec<_> = questions.iter().collect();
    shown.sort_by_key(|(q, u)| (QuestionUrgency::ALL.iter().position(|x| x == u), q.at));
    let of = |t: BuyerTask| contracts.iter().filter(move |c| c.task == t);
    Ok(Some(maud::html! {
        div.panel id="buyer-todo" {
            h2 { (lang.t("todo.title")) }
            @if questions.is_empty() && challenges.is_empty() && contracts.is_empty() {
                p.muted { (lang.t("todo.none")) }
            }
            ul.plain.todo-counts {
                li.todo-questions { a href="#todo-questions" { (lang.t("todo.questions")) } " " strong.count { (questions.len()) }
                    @if overdue > 0 { " " span.badge.badge-credit-dishonest.overdue { (lang.tf("todo.overdue_n", &[("n", &overdue.to_string())])) } }
                    @if due_soon > 0 { " " span.badge.due-soon { (lang.tf("todo.due_soon_n", &[("n", &due_soon.to_string())])) } }
                }
                li.todo-challenges { a href="#todo-challenges" { (lang.t("todo.challenges")) } " " strong.count { (challenges.len()) } }
                li.todo-sign { a href="#todo-sign" { (lang.t("todo.sign")) } " " strong.count { (of(BuyerTask::Sign).count()) } }
                li.todo-accept { a href="#todo-accept" { (lang.t("todo.accept")) } " " strong.count { (of(BuyerTask::Accept).count()) } }
                li.todo-pay { a href="#todo-pay" { (lang.t("todo.pay")) } " " strong.count { (of(BuyerTask::Pay).count()) } }
            }
            @if !questions.is_empty() {
                h3 id="todo-questions" { (lang.t("todo.questions")) }
                ul.plain { @for (q, u) in shown.iter().take(TODO_ROWS) {
                    li { a href=(format!("/tenders/{}#qa", q.tender_id)) { (q.title) } " "
                        span class=(format!("badge urgency-{}", u.code())) { (u.label(lang)) } " "
                        span.muted { (crate::kernel::clock::display_instant(q.at)) } }
                } }
            }
            @if !challenges.is_empty() {
                h3 id="todo-challenges" { (lang.t("todo.challenges")) }
                ul.plain { @for c in challenges.iter().take(TODO_ROWS) {
                    li { a href=(format!("/tenders/{}#challenges", c.tender_id)) { (c.title) } " "
                        span.muted { (crate::kernel::clock::display_instant(c.at)) } }
                } }
            }
            @for (task, id, key) in [
                (BuyerTask::Sign, "todo-sign", "todo.sign"),
                (BuyerTask::Accept, "todo-accept", "todo.accept"),
                (BuyerTask::Pay, "todo-pay", "todo.pay"),
            ] {
                @if of(task).next().is_some() {
                    h3 id=(id) { (lang.t(key)) }
                    ul.plain { @for c in of(task).take(TODO_ROWS) {
                        li { a href=(format!("/contracts/{}", c.contract_id)) { (c.tender_title) }
                            @if let Some(m) = &c.milestone { " · " (m) }
                            " " span.muted { (crate::kernel::clock::display_instant(c.since)) } }
                    } }
                }
            }
        }
    }))
}

/// `GET /me`
pub async fn me(State(st): State<AppState>, mut ctx: Ctx) -> AppResult<Markup> {
    require(ctx.actor(), Action::ViewWorkspace)?;
    let u = ctx.require_user()?;
    let regulator = u.actor.has(Role::Regulator);
    let events = if regulator {
        crate::orgs::recent_events(&st.db, 10).await?
    } else {
        vec![]
    };
    let queue = if regulator {
        Some(regulator_queue(&st).await?)
    } else {
        None
    };
    let claims = crate::orgs::claims_of_user(&st.db, u.actor.user_id).await?;
    let claim_orgs: Vec<i64> = claims.iter().map(|c| c.org_id).collect();
    let claim_names = crate::orgs::names_by_ids(&st.db, &claim_orgs).await?;
    let claims: Vec<_> = claims
        .into_iter()
        .map(|c| {
            let n = claim_names.get(&c.org_id).cloned().unwrap_or_default();
            (c, n)
        })
        .collect();
    // The latest contracts of the user's units and organizations, newest first; one more
    // than shown tells whether `/me/contracts` has the rest.
    let org_ids: Vec<i64> = u.actor.orgs.iter().map(|(org, _)| *org).collect();
    let mut contracts =
        crate::contracts::of_parties(&st.db, &u.actor.units, &org_ids, 0, WORKSPACE_CONTRACTS + 1)
            .await?;
    let more_contracts = contracts.len() as u64 > WORKSPACE_CONTRACTS;
    contracts.truncate(WORKSPACE_CONTRACTS as usize);
    let matching = crate::matching::routes::workspace_sections(&st, &mut ctx).await?;
    let calls = crate::philanthropy::routes::workspace_sections(&st, &ctx).await?;
    let incubators = crate::incubators::routes::workspace_section(&st, &ctx).await?;
    let complaints = crate::complaints::routes::workspace_section(&st, &ctx).await?;
    let reviews = crate::reviews::routes::workspace_section(&st, &ctx).await?;
    let zombies = crate::regulation::routes::zombies::workspace_panel(&st, &ctx).await?;
    let u = ctx.require_user()?;
    let todo = buyer_todo(&st, ctx.lang, &u.actor.units).await?;
    let sections = maud::html! {
        @if let Some(q) = &queue { (crate::orgs::views::regulator_queue(ctx.lang, q)) }
        @if let Some(t) = &todo { (t) }
        (crate::orgs::views::my_claims(ctx.lang, &claims))
        (crate::procurement::routes::workspace_sections(&st, &ctx).await?)
        (matching)
        (calls)
        (incubators)
        (complaints)
        (reviews)
        @if u.actor.has(Role::Regulator) {
            div.panel id="regulation" {
                h2 { (ctx.t("regulation.me.title")) }
                p {
                    a href="/regulation/reports" { (ctx.t("regulation.queue.title")) }
                    " · "
                    a href="/penalties" { (ctx.t("regulation.penalties.title")) }
                    " · "
                    a.red-flags-index href="/data/flags" { (ctx.t("flags.title")) }
                }
                (zombies)
            }
        }
        @if !contracts.is_empty() {
            div.panel.wide id="my-contracts" {
                h2 { (ctx.t("contract.my_contracts")) }
                (crate::contracts::views::list_table(ctx.lang, &contracts))
                @if more_contracts {
                    p { a.all-contracts href="/me/contracts" { (ctx.t("contract.all_mine")) } }
                }
            }
        }
    };
    let body = crate::accounts::views::workspace(ctx.lang, u, &events, sections);
    Ok(layout::page(&ctx, &ctx.t("nav.me"), body))
}

/// How many contracts the workspace lists; `/me/contracts` pages through all of them.
const WORKSPACE_CONTRACTS: u64 = 20;
/// Contracts a page of `/me/contracts`.
const CONTRACTS_PER_PAGE: u64 = 50;

/// The query of `/me/contracts`.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ContractsQuery {
    /// 1-based page; anything else is page 1.
    #[serde(default)]
    pub page: String,
}

/// `GET /me/contracts`: every contract of the user's purchasing units (as buyer) and
/// organizations (as supplier), newest first, a page at a time.
pub async fn contracts(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ContractsQuery>,
) -> AppResult<Markup> {
    require(ctx.actor(), Action::ViewWorkspace)?;
    let u = ctx.require_user()?;
    let org_ids: Vec<i64> = u.actor.orgs.iter().map(|(org, _)| *org).collect();
    let total = crate::contracts::count_of_parties(&st.db, &u.actor.units, &org_ids).await?;
    let page = crate::kernel::text::page_number(&q.page, total, CONTRACTS_PER_PAGE);
    let items = crate::contracts::of_parties(
        &st.db,
        &u.actor.units,
        &org_ids,
        (page - 1) * CONTRACTS_PER_PAGE,
        CONTRACTS_PER_PAGE,
    )
    .await?;
    let pages = total.div_ceil(CONTRACTS_PER_PAGE);
    let title = ctx.t("contract.my_contracts");
    let body = maud::html! {
        p { a href="/me" { (ctx.t("nav.me")) } }
        h1 { (title) }
        p.muted.contracts-total { (ctx.lang.tf("contract.total_n", &[("n", &total.to_string())])) }
        @if items.is_empty() { p.muted { (ctx.t("contract.none_mine")) } }
        @else { (crate::contracts::views::list_table(ctx.lang, &items)) }
        (crate::web::pager::pager(ctx.lang, page, pages, |p| format!("/me/contracts?page={p}")))
    };
    Ok(layout::page(&ctx, &title, body))
}

#[cfg(test)]
mod tests {
    use super::claim_overdue;

    #[test]
    fn claims_are_overdue_after_ten_working_days() {
        // Monday 2026-11-30 10:00 Shanghai = 02:00 UTC.
        let monday = 1_796_004_000;
        let day = 86_400;
        // Ten working days after Monday end with Monday two weeks on (24:00 local).
        assert!(!claim_overdue(monday, monday + 13 * day));
        assert!(!claim_overdue(monday, monday + 14 * day - 3 * 3600));
        assert!(claim_overdue(monday, monday + 15 * day));
    }
}
