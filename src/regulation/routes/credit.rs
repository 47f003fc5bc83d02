//! Credit handlers: the public lookup, an organization's credit record, a case's page with
//! the objection (the organization's administrators) and the answer (regulators), and the
//! regulators' findings. Routes naming a case or a finding load the organization (public),
//! ask the policy, then look the record up within that organization only, so an id of
//! another organization's reads as a missing one.

use axum::extract::{Path, State};
use axum::response::Response;
use maud::Markup;

use super::super::credit::CreditRefusal;
use super::super::credit_model::{self as m, Case, CaseEvent};
use super::super::credit_rules::{
    self as r, AnswerForm, CaseState, FindingForm, Lookup, ObjectionForm, ResolveForm,
};
use super::super::views::credit::{self as v, CaseActions, Found, LookupBody, LookupQuery};
use crate::accounts::{Action, may, require};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::orgs::Org;
use crate::web::{AppState, Ctx, Form, Query, layout, parse_id, see_other, unprocessable};

/// Listings per page, and organizations a lookup shows at most.
const PER_PAGE: u64 = 50;

async fn load_org(st: &AppState, id: &str) -> AppResult<Org> {
    crate::orgs::row(&st.db, parse_id(id)?)
        .await?
        .ok_or(AppError::NotFound)
}

/// `GET /credit`: the public lookup by name or USCC; without a query, the current listings.
/// Regulators also see the objections waiting for an answer.
pub async fn lookup(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<LookupQuery>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let rules = m::rules(&st.db).await?;
    let objected = if may(ctx.actor(), Action::Regulate) {
        let cases = m::objected(&st.db).await?;
        let ids: Vec<i64> = cases.iter().map(|c| c.org_id).collect();
        Some((cases, crate::orgs::names_by_ids(&st.db, &ids).await?))
    } else {
        None
    };
    let objected_ref = objected.as_ref().map(|(c, n)| (c.as_slice(), n));
    let (lookup, errors) = match r::lookup(&q.q, lang) {
        Ok(l) => (l, FieldErrors::default()),
        Err(e) => (Lookup::Listings, e),
    };
    let (uscc, name) = match &lookup {
        Lookup::Listings => (None, None),
        Lookup::Uscc(u) => (Some(u.as_str()), None),
        Lookup::Name(n) => (None, Some(n.as_str())),
    };
    let body = if lookup == Lookup::Listings {
        let page = q
            .page
            .parse::<u64>()
            .ok()
            .filter(|p| (1..=1_000_000).contains(p))
            .unwrap_or(1);
        let (rows, total) = m::listed(&st.db, page, PER_PAGE).await?;
        let ids: Vec<i64> = rows.iter().map(|c| c.org_id).collect();
        let names = crate::orgs::names_by_ids(&st.db, &ids).await?;
        let body = LookupBody::Listings {
            rows: &rows,
            names: &names,
            total,
            page,
            pages: total.div_ceil(PER_PAGE),
        };
        v::lookup(lang, &q, &errors, &body, &rules, objected_ref)
    } else {
        let orgs = crate::orgs::lookup(&st.db, uscc, name, PER_PAGE).await?;
        let ids: Vec<i64> = orgs.iter().map(|o| o.id).collect();
        let listed = m::listed_of_many(&st.db, &ids).await?;
        let found: Vec<Found<'_>> = orgs
            .iter()
            .map(|o| Found {
                org: o,
                listed: listed.iter().filter(|c| c.org_id == o.id).collect(),
            })
            .collect();
        v::lookup(
            lang,
            &q,
            &errors,
            &LookupBody::Found(&found),
            &rules,
            objected_ref,
        )
    };
    // Registrations ended by a zombie case are public, listed under the lookup.
    let ended = super::super::zombie_model::ended(&st.db, PER_PAGE).await?;
    let ended_ids: Vec<i64> = ended.iter().map(|c| c.org_id).collect();
    let ended_names = crate::orgs::names_by_ids(&st.db, &ended_ids).await?;
    let body = maud::html! {
        (body)
        (super::super::views::zombies::ended(lang, &ended, &ended_names))
    };
    let page = layout::page(&ctx, &ctx.t("credit.title"), body);
    if errors.is_empty() {
        Ok(axum::response::IntoResponse::into_response(page))
    } else {
        Ok(unprocessable(page))
    }
}

/// What came back with errors on the credit record.
#[derive(Default)]
struct Failed<'a> {
    finding: Option<(&'a FindingForm, &'a FieldErrors)>,
    resolve: Option<(i64, &'a FieldErrors, &'a str)>,
}

async fn org_page(st: &AppState, ctx: &mut Ctx, o: &Org, failed: Failed<'_>) -> AppResult<Markup> {
    let private = may(ctx.actor(), Action::ViewOrgPrivate(o.id));
    let regulator = may(ctx.actor(), Action::Regulate);
    let cases = m::cases_of(&st.db, o.id).await?;
    let events = m::events_of(&st.db, o.id).await?;
    let visible: Vec<&Case> = cases
        .iter()
        .rev()
        .filter(|c| private || c.state().public())
        .collect();
    let shown: Vec<&CaseEvent> = events
        .iter()
        .rev()
        .filter(|e| visible.iter().any(|c| c.id == e.case_id))
        .collect();
    let findings = if regulator {
        m::findings_of(&st.db, o.id).await?
    } else {
        Vec::new()
    };
    let csrf = if regulator {
        ctx.ensure_csrf().await?
    } else {
        String::new()
    };
    let blank = FindingForm::default();
    let none = FieldErrors::default();
    let (ff, fe) = failed.finding.unwrap_or((&blank, &none));
    let forms = v::RegulatorForms {
        finding: ff,
        finding_errors: fe,
        findings: &findings,
        resolve_failed: failed.resolve,
    };
    let body = v::org_page(
        ctx.lang,
        o,
        &visible,
        &shown,
        private,
        regulator.then_some(&forms),
        &csrf,
    );
    // Zombie cases: all of them to members and regulators, the decided ones that ended the
    // registration to everyone.
    let zombies: Vec<_> = super::super::zombie_model::cases_of(&st.db, o.id)
        .await?
        .into_iter()
        .filter(|c| private || c.state().public())
        .collect();
    let body = maud::html! {
        (body)
        (super::super::views::zombies::org_cases(ctx.lang, o, &zombies, private))
    };
    let title = ctx.lang.tf("credit.org_title", &[("name", &o.name)]);
    Ok(layout::page(ctx, &title, body))
}

/// `GET /orgs/{id}/credit`: the organization's credit record — public history for everyone,
/// notices for members and regulators, findings for regulators.
pub async fn org(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Markup> {
    let o = load_org(&st, &id).await?;
    org_page(&st, &mut ctx, &o, Failed::default()).await
}

async fn load_case(st: &AppState, o: &Org, case: &str) -> AppResult<Case> {
    m::case_of(&st.db, o.id, parse_id(case)?)
        .await?
        .ok_or(AppError::NotFound)
}

async fn case_page(
    st: &AppState,
    ctx: &mut Ctx,
    o: &Org,
    c: &Case,
    object: Option<(&ObjectionForm, &FieldErrors)>,
    answer: Option<(&AnswerForm, &FieldErrors)>,
) -> AppResult<Markup> {
    let now = st.clock.now();
    let can_object = may(ctx.actor(), Action::FileReport(o.id))
        && c.state() == CaseState::Noticed
        && now <= c.objection_due;
    let can_answer = may(ctx.actor(), Action::Regulate) && c.state() == CaseState::Objected;
    let csrf = if can_object || can_answer || object.is_some() {
        ctx.ensure_csrf().await?
    } else {
        String::new()
    };
    let events = m::events_of(&st.db, o.id).await?;
    let mine: Vec<&CaseEvent> = events.iter().filter(|e| e.case_id == c.id).collect();
    let blank_o = ObjectionForm::default();
    let blank_a = AnswerForm::default();
    let none = FieldErrors::default();
    let a = CaseActions {
        // A refused objection shows its form again with the message, even after the period.
        object: object.or((can_object).then_some((&blank_o, &none))),
        answer: if can_answer {
            Some(answer.unwrap_or((&blank_a, &none)))
        } else {
            None
        },
        csrf: &csrf,
    };
    let body = v::case_page(ctx.lang, o, c, &mine, &a);
    let title = ctx
        .lang
        .tf("credit.case_title", &[("id", &c.id.to_string())]);
    Ok(layout::page(ctx, &title, body))
}

/// `GET /orgs/{id}/credit/cases/{case}`: one case (members and regulators).
pub async fn case(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path((id, case)): Path<(String, String)>,
) -> AppResult<Markup> {
    let o = load_org(&st, &id).await?;
    require(ctx.actor(), Action::ViewOrgPrivate(o.id))?;
    let c = load_case(&st, &o, &case).await?;
    case_page(&st, &mut ctx, &o, &c, None, None).await
}

/// `POST /orgs/{id}/credit/cases/{case}/objection`: the organization's administrator objects
/// within the period; after it (or without grounds) the same page with the message, 422.
pub async fn object(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path((id, case)): Path<(String, String)>,
    Form(f): Form<ObjectionForm>,
) -> AppResult<Response> {
    let o = load_org(&st, &id).await?;
    require(ctx.actor(), Action::FileReport(o.id))?;
    let c = load_case(&st, &o, &case).await?;
    let actor = ctx.require_user()?.actor.user_id;
    let lang = ctx.lang;
    let now = st.clock.now();
    let outcome = match r::validate_objection(&f, c.objection_due, now, lang) {
        Err(e) => Err(e),
        Ok(text) => {
            match super::super::object_to_notice(&st.db, &o, c.id, &text, actor, now).await? {
                Ok(()) => Ok(()),
                Err(refusal) => {
                    let mut e = FieldErrors::default();
                    let m = match refusal {
                        CreditRefusal::PeriodOver => lang.tf(
                            "credit.err.period_over",
                            &[(
                                "due",
                                &crate::kernel::clock::display_instant(c.objection_due),
                            )],
                        ),
                        CreditRefusal::State(s) => {
                            lang.tf("credit.err.state", &[("state", &s.label(lang))])
                        }
                        _ => return Err(AppError::NotFound),
                    };
                    e.add("text", m);
                    Err(e)
                }
            }
        }
    };
    match outcome {
        Ok(()) => {
            ctx.set_flash("success", ctx.t("credit.objected")).await?;
            Ok(see_other(&format!("/orgs/{}/credit/cases/{}", o.id, c.id)))
        }
        Err(e) => {
            let c = load_case(&st, &o, &case).await?;
            Ok(unprocessable(
                case_page(&st, &mut ctx, &o, &c, Some((&f, &e)), None).await?,
            ))
        }
    }
}

/// `POST /orgs/{id}/credit/cases/{case}/answer`: a regulator upholds or rejects the
/// objection.
pub async fn answer(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path((id, case)): Path<(String, String)>,
    Form(f): Form<AnswerForm>,
) -> AppResult<Response> {
    let o = load_org(&st, &id).await?;
    require(ctx.actor(), Action::Regulate)?;
    let c = load_case(&st, &o, &case).await?;
    let actor = ctx.require_user()?.actor.user_id;
    let lang = ctx.lang;
    let outcome = match r::validate_answer(&f, lang) {
        Err(e) => Err(e),
        Ok((uphold, text)) => match super::super::answer_objection(
            &st.db,
            &o,
            c.id,
            uphold,
            &text,
            actor,
            st.clock.now(),
            &st.config.credit,
            &st.config.regulation,
        )
        .await?
        {
            Ok(_) => Ok(()),
            Err(CreditRefusal::State(s)) => {
                let mut e = FieldErrors::default();
                e.add(
                    "decision",
                    lang.tf("credit.err.state", &[("state", &s.label(lang))]),
                );
                Err(e)
            }
            Err(_) => return Err(AppError::NotFound),
        },
    };
    match outcome {
        Ok(()) => {
            st.org_counts.invalidate(&st.db).await;
            ctx.set_flash("success", ctx.t("credit.answered")).await?;
            Ok(see_other(&format!("/orgs/{}/credit/cases/{}", o.id, c.id)))
        }
        Err(e) => {
            let c = load_case(&st, &o, &case).await?;
            // The answer form shows only while the objection waits; keep it with the
            // message when the state moved meanwhile.
            let page = if c.state() == CaseState::Objected {
                case_page(&st, &mut ctx, &o, &c, None, Some((&f, &e))).await?
            } else {
                ctx.set_flash(
                    "error",
                    e.0.first().map(|(_, m)| m.clone()).unwrap_or_default(),
                )
                .await?;
                case_page(&st, &mut ctx, &o, &c, None, None).await?
            };
            Ok(unprocessable(page))
        }
    }
}

/// `POST /orgs/{id}/credit/findings`: a regulator records a finding (unreachable, a
/// rectification with its due day, another ground); the engine runs on the organization.
pub async fn record_finding(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<FindingForm>,
) -> AppResult<Response> {
    let o = load_org(&st, &id).await?;
    require(ctx.actor(), Action::Regulate)?;
    let actor = ctx.require_user()?.actor.user_id;
    match r::validate_finding(&f, st.clock.today(), ctx.lang) {
        Ok(d) => {
            super::super::record_finding(
                &st.db,
                &o,
                &d,
                actor,
                st.clock.now(),
                &st.config.credit,
                &st.config.regulation,
            )
            .await?;
            st.org_counts.invalidate(&st.db).await;
            ctx.set_flash("success", ctx.t("credit.finding_recorded"))
                .await?;
            Ok(see_other(&format!("/orgs/{}/credit#findings", o.id)))
        }
        Err(e) => {
            let failed = Failed {
                finding: Some((&f, &e)),
                resolve: None,
            };
            Ok(unprocessable(org_page(&st, &mut ctx, &o, failed).await?))
        }
    }
}

/// `POST /orgs/{id}/credit/findings/{finding}/resolve`: a regulator verifies the obligation
/// met; the engine runs on the organization, so its listing ends at once.
pub async fn resolve_finding(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path((id, finding)): Path<(String, String)>,
    Form(f): Form<ResolveForm>,
) -> AppResult<Response> {
    let o = load_org(&st, &id).await?;
    require(ctx.actor(), Action::Regulate)?;
    let fid = parse_id(&finding)?;
    m::finding_of(&st.db, o.id, fid)
        .await?
        .ok_or(AppError::NotFound)?;
    let actor = ctx.require_user()?.actor.user_id;
    let lang = ctx.lang;
    let outcome = match r::validate_resolve(&f, lang) {
        Err(e) => Err(e),
        Ok(note) => match super::super::resolve_finding(
            &st.db,
            &o,
            fid,
            &note,
            actor,
            st.clock.now(),
            &st.config.credit,
            &st.config.regulation,
        )
        .await?
        {
            Ok(()) => Ok(()),
            Err(CreditRefusal::Resolved) => {
                let mut e = FieldErrors::default();
                e.add("note", lang.t("credit.err.resolved"));
                Err(e)
            }
            Err(_) => return Err(AppError::NotFound),
        },
    };
    match outcome {
        Ok(()) => {
            st.org_counts.invalidate(&st.db).await;
            ctx.set_flash("success", ctx.t("credit.finding_resolved"))
                .await?;
            Ok(see_other(&format!("/orgs/{}/credit#findings", o.id)))
        }
        Err(e) => {
            let failed = Failed {
                finding: None,
                resolve: Some((fid, &e, &f.note)),
            };
            Ok(unprocessable(org_page(&st, &mut ctx, &o, failed).await?))
        }
    }
}

/// The credit part of the profile section: the status and current listings.
pub async fn profile_part(st: &AppState, lang: crate::kernel::Lang, o: &Org) -> AppResult<Markup> {
    let listed = m::listed_of_many(&st.db, &[o.id]).await?;
    let refs: Vec<&Case> = listed.iter().collect();
    Ok(v::profile_section(lang, o, &refs))
}

/// Runs the engine on one organization after an event (a penalty recorded, a report
/// accepted); a failure is logged, not shown: the daily run catches up.
pub async fn on_event(st: &AppState, org_id: i64) {
    if let Err(e) = super::super::evaluate_credit_of(
        &st.db,
        &[org_id],
        &st.config.credit,
        &st.config.regulation,
        st.clock.now(),
    )
    .await
    {
        tracing::warn!(error = %e, org = org_id, "credit rules after an event failed");
    } else {
        st.org_counts.invalidate(&st.db).await;
    }
}
