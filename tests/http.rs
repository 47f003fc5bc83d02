//! Integration tests through HTTP, as a user reaches the application: sign-up, log-in,
//! organizations, permissions, CSRF, errors. They run on SQLite, and on PostgreSQL when
//! `TEST_DATABASE_URL` is set.

use crate::common;

use crate::common::{Client, PW, TestApp, org_form_values, uscc};
use axum::http::StatusCode;
use civicbridge::accounts::{OrgRole, Role};
use civicbridge::app::routes::{Access, table};

fn form_pairs(m: &std::collections::HashMap<&'static str, String>) -> Vec<(&'static str, String)> {
    let mut v: Vec<(&'static str, String)> = m.iter().map(|(k, v)| (*k, v.clone())).collect();
    v.push(("domains", "elderly".into()));
    v.push(("domains", "community".into()));
    v
}

async fn post_org(
    c: &mut Client,
    path: &str,
    values: &std::collections::HashMap<&'static str, String>,
) -> common::Resp {
    let pairs = form_pairs(values);
    let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    c.post(path, &refs).await
}

#[tokio::test]
async fn new_user_signs_up_registers_an_org_and_finds_it_in_public() {
    let app = TestApp::new().await;
    let mut c = app.client();
    let r = c.get("/signup").await;
    assert_eq!(r.status, StatusCode::OK);
    let r = c
        .post(
            "/signup",
            &[
                ("email", "Li.Ming@Example.org"),
                ("display_name", "李明"),
                ("password", PW),
                ("password_confirm", PW),
            ],
        )
        .await;
    // Sign-up never signs in (it answers a registered e-mail the same way): it ends on the
    // log-in page with the same message either way, and the new account logs in there.
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), Some("/login"));
    let r = c.get("/login").await;
    assert_eq!(
        r.text(".flash"),
        civicbridge::kernel::Lang::Zh.t("signup.done")
    );
    assert_eq!(c.get("/me").await.status, StatusCode::SEE_OTHER);
    c.login("li.ming@example.org", PW).await;
    let r = c.get("/me").await;
    assert!(r.text("h1.page-title").contains("李明"), "{}", r.text("h1"));

    // The list's total is cached briefly; a registration through this server shows at once.
    assert_eq!(c.get("/api/v1/orgs?league=150100").await.json()["total"], 0);
    c.get("/orgs/new").await;
    let values = org_form_values(1, "新城区阳光养老服务中心");
    let r = post_org(&mut c, "/orgs", &values).await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{}",
        r.text(".form-errors")
    );
    let org_url = r.location().unwrap().to_string();
    assert!(org_url.starts_with("/orgs/"));

    let mut public = app.client();
    let list = public.get("/orgs").await;
    assert!(
        list.text("table.data-table a")
            .contains("新城区阳光养老服务中心")
    );
    let page = public.get(&org_url).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text("h1.page-title")
            .contains("新城区阳光养老服务中心")
    );
    assert!(page.text("dl.props").contains(&uscc(1)));
    assert!(page.text("dl.props").contains("呼和浩特市 · 新城区"));
    assert!(
        !page.body.contains("0471-7654321"),
        "private phone shown to the public"
    );
    assert!(
        !page.body.contains("private@example.org"),
        "private e-mail shown to the public"
    );

    // Its own member sees the private contact data.
    let mine = c.get(&org_url).await;
    assert!(mine.body.contains("0471-7654321"));

    let id = org_url.trim_start_matches("/orgs/");
    let api = public.get(&format!("/api/v1/orgs/{id}")).await;
    let j = api.json();
    assert_eq!(j["uscc"], uscc(1));
    assert_eq!(j["league_code"], "150100");
    assert_eq!(j["domains"], serde_json::json!(["elderly", "community"]));
    assert!(j.get("contact_phone").is_none());
    let api = public.get("/api/v1/orgs?league=150100").await.json();
    assert_eq!(api["total"], 1);
    assert_eq!(api["items"][0]["name"], "新城区阳光养老服务中心");
    assert!(!api.to_string().contains("0471-7654321"));
}

#[tokio::test]
async fn invalid_uscc_comes_back_with_the_problem_and_the_typed_values() {
    let app = TestApp::new().await;
    let (mut c, _) = app.signed_in("a@example.org", &[]).await;
    c.get("/orgs/new").await;
    let good = uscc(7);
    let wrong_check = {
        let last = good.chars().last().unwrap();
        let other = if last == '0' { '1' } else { '0' };
        format!("{}{}", &good[..17], other)
    };
    let cases = [
        ("51150102MJ000000", "16".to_string()),
        ("51150102MJ00000O7X", "O".to_string()),
        (
            wrong_check.as_str(),
            good.chars().last().unwrap().to_string(),
        ),
    ];
    for (code, must_mention) in cases {
        let mut v = org_form_values(7, "输入保留测试协会");
        v.insert("uscc", code.to_string());
        let r = post_org(&mut c, "/orgs", &v).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{code}");
        let msg = r.text(".field.has-error .error-msg");
        assert!(
            msg.contains(&must_mention),
            "{code}: message {msg:?} should mention {must_mention}"
        );
        assert_eq!(
            r.value("input[name=name]").as_deref(),
            Some("输入保留测试协会")
        );
        assert_eq!(r.value("input[name=uscc]").as_deref(), Some(code));
        assert_eq!(
            r.value("input[name=contact_phone]").as_deref(),
            Some("0471-7654321")
        );
        assert_eq!(
            r.count("input[name=domains][checked]"),
            2,
            "checked domains kept"
        );
    }
    // The wrong check character message names the expected one, in English too.
    let mut v = org_form_values(7, "x2");
    v.insert("uscc", wrong_check.clone());
    c.get("/orgs/new?lang=en").await;
    let r = post_org(&mut c, "/orgs", &v).await;
    assert!(
        r.text(".error-msg").contains("Wrong check character"),
        "{}",
        r.text(".error-msg")
    );
    assert_eq!(app.count("organizations").await, 0, "nothing written");
    assert_eq!(app.count("org_domains").await, 0);
}

#[tokio::test]
async fn duplicate_uscc_is_refused() {
    let app = TestApp::new().await;
    let (mut c, uid) = app.signed_in("a@example.org", &[]).await;
    app.org(uid, 3, "已登记机构").await;
    c.get("/orgs/new").await;
    let r = post_org(&mut c, "/orgs", &org_form_values(3, "重复代码机构")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text(".error-msg").contains("已登记"));
    assert_eq!(app.count("organizations").await, 1);
}

#[tokio::test]
async fn every_state_changing_route_requires_the_csrf_token() {
    let app = TestApp::new().await;
    let (mut c, uid) = app
        .signed_in("root@example.org", &[Role::Admin, Role::Regulator])
        .await;
    let org = app.org(uid, 1, "令牌测试机构").await;
    let (_, infos) = table();
    let posts: Vec<_> = infos
        .iter()
        .filter(|i| i.method != axum::http::Method::GET)
        // Stripe's webhook has no session: its signature authenticates it (tests/payments.rs).
        .filter(|i| i.path != civicbridge::web::csrf::WEBHOOK_PATH)
        .collect();
    assert!(posts.len() >= 8, "all POST routes are listed");
    for info in posts {
        let path = info.path.replace("{id}", &org.to_string());
        let body = "reason=x&status=abnormal&grade=3&rated_on=2026-01-01&email=root%40example.org";
        let without = c.post_raw(&path, body).await;
        assert_eq!(
            without.status,
            StatusCode::FORBIDDEN,
            "{path} without token"
        );
        assert!(without.text(".error-page").contains("表单已失效"), "{path}");
        let wrong = c
            .post_raw(&path, &format!("{body}&_csrf=not-the-token"))
            .await;
        assert_eq!(
            wrong.status,
            StatusCode::FORBIDDEN,
            "{path} with a wrong token"
        );
    }
    // Nothing changed.
    let o = civicbridge::orgs::model::get(&app.state.db, org)
        .await
        .unwrap()
        .unwrap()
        .0;
    assert_eq!(o.credit_status, "normal");
    assert_eq!(o.rating_grade, None);
    // The header form of the token is accepted.
    let token = c.csrf.clone().unwrap();
    let req = axum::http::Request::post("/logout")
        .header("x-csrf-token", token)
        .header(
            axum::http::header::COOKIE,
            c.cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; "),
        )
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(c.request(req).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_member_cannot_edit_another_organization() {
    let app = TestApp::new().await;
    let (mut a, a_id) = app.signed_in("a@example.org", &[]).await;
    let (_b, b_id) = app.signed_in("b@example.org", &[]).await;
    let org_a = app.org(a_id, 1, "甲机构").await;
    let org_b = app.org(b_id, 2, "乙机构").await;
    assert_eq!(
        a.get(&format!("/orgs/{org_a}/edit")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        a.get(&format!("/orgs/{org_b}/edit")).await.status,
        StatusCode::FORBIDDEN
    );
    let mut v = org_form_values(2, "被篡改的名称");
    v.insert("uscc", uscc(2));
    let r = post_org(&mut a, &format!("/orgs/{org_b}/edit"), &v).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = a
        .post(
            &format!("/orgs/{org_b}/members"),
            &[("email", "a@example.org"), ("role", "admin")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let o = civicbridge::orgs::model::get(&app.state.db, org_b)
        .await
        .unwrap()
        .unwrap()
        .0;
    assert_eq!(o.name, "乙机构");
    // A plain member of org A cannot edit it either.
    let (mut m, m_id) = app.signed_in("m@example.org", &[]).await;
    app.add_member(org_a, m_id, OrgRole::Member).await;
    assert_eq!(
        m.get(&format!("/orgs/{org_a}/edit")).await.status,
        StatusCode::FORBIDDEN
    );
    // Its administrator can.
    let mut v = org_form_values(1, "甲机构（更名）");
    v.insert("uscc", uscc(1));
    let r = post_org(&mut a, &format!("/orgs/{org_a}/edit"), &v).await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{}",
        r.text(".form-errors")
    );
    assert!(
        a.get(&format!("/orgs/{org_a}"))
            .await
            .text("h1")
            .contains("甲机构（更名）")
    );
}

#[tokio::test]
async fn only_regulators_change_rating_and_credit() {
    let app = TestApp::new().await;
    let (mut owner, owner_id) = app.signed_in("owner@example.org", &[]).await;
    let (mut admin, _) = app.signed_in("admin@example.org", &[Role::Admin]).await;
    let (mut reg, _) = app.signed_in("reg@example.org", &[Role::Regulator]).await;
    let org = app.org(owner_id, 1, "被评估机构").await;
    let rating = [
        ("grade", "4"),
        ("rated_on", "2026-06-01"),
        ("reason", "2026年度等级评估结论"),
    ];
    let credit = [
        ("status", "abnormal"),
        ("reason", "未按时报送2025年度工作报告"),
    ];
    for c in [&mut owner, &mut admin] {
        c.get(&format!("/orgs/{org}")).await;
        assert_eq!(
            c.post(&format!("/orgs/{org}/rating"), &rating).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            c.post(&format!("/orgs/{org}/credit"), &credit).await.status,
            StatusCode::FORBIDDEN
        );
    }
    let mut anon = app.client();
    let r = anon.post(&format!("/orgs/{org}/rating"), &rating).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().unwrap().starts_with("/login"));
    let o = civicbridge::orgs::model::get(&app.state.db, org)
        .await
        .unwrap()
        .unwrap()
        .0;
    assert_eq!((o.rating_grade, o.credit_status.as_str()), (None, "normal"));

    reg.get(&format!("/orgs/{org}")).await;
    assert_eq!(
        reg.post(&format!("/orgs/{org}/rating"), &rating)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        reg.post(&format!("/orgs/{org}/credit"), &credit)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let o = civicbridge::orgs::model::get(&app.state.db, org)
        .await
        .unwrap()
        .unwrap()
        .0;
    assert_eq!(o.rating_grade, Some(4));
    assert_eq!(o.rating_valid_until.unwrap().to_string(), "2031-06-01");
    assert_eq!(o.credit_status, "abnormal");
    assert_eq!(app.count("org_regulatory_events").await, 2);
    let page = app.client().get(&format!("/orgs/{org}")).await;
    assert!(page.text(".badge-grade").contains("4A"));
    assert!(page.text(".badge-credit-abnormal").contains("活动异常名录"));
    assert!(
        page.text("table.data-table")
            .contains("未按时报送2025年度工作报告")
    );
    // A bad regulator form is refused with messages and writes nothing.
    let r = reg
        .post(
            &format!("/orgs/{org}/rating"),
            &[("grade", "9"), ("rated_on", "2030-01-01"), ("reason", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.count(".form-errors li") >= 3);
    assert_eq!(app.count("org_regulatory_events").await, 2);
}

/// Walks every route in the router with every kind of user and checks the outcome against
/// the access the route declares. Fixtures: an organization whose administrator bid on a
/// tender under evaluation (with an assigned evaluator) of the buyer's unit, with an
/// attachment, and a contract between that unit and that organization. A signed-in user is
/// refused with 403, or with 404 on a route naming a record inside a tender (no existence
/// oracle: `tests/oracle.rs`); an anonymous one is sent to log in.
#[tokio::test]
async fn route_role_matrix() {
    use civicbridge::procurement::{self, rules};
    let app = TestApp::new().await;
    let db = &app.state.db;
    let owner_id = app.user("owner@example.org", &[]).await;
    let org = app.org(owner_id, 1, "矩阵测试机构").await;
    let member_id = app.user("member@example.org", &[]).await;
    app.add_member(org, member_id, OrgRole::Member).await;
    let buyer_id = app.user("buyer@example.org", &[]).await;
    let unit = civicbridge::units::model::create(
        db,
        &civicbridge::units::rules::draft("矩阵测试民政局", "150100").unwrap(),
        common::T0,
    )
    .await
    .unwrap();
    civicbridge::units::model::add_member(db, unit, buyer_id, common::T0)
        .await
        .unwrap();
    let plain_id = app.user("plain@example.org", &[]).await;
    let regulator_id = app.user("regulator@example.org", &[Role::Regulator]).await;
    // The plain user claims `org`: the claim routes have a real claim to show.
    let claim = civicbridge::orgs::submit_claim(
        db,
        &civicbridge::orgs::row(db, org).await.unwrap().unwrap(),
        plain_id,
        &civicbridge::orgs::rules::ClaimDraft {
            evidence: "本人为该机构负责人。".into(),
            file_name: "证书.pdf".into(),
            mime: "application/pdf",
            bytes: b"%PDF-1.4 matrix".to_vec(),
        },
        common::T0,
    )
    .await
    .unwrap()
    .unwrap();
    app.user("admin@example.org", &[Role::Admin]).await;
    // Separation of duties: rows written around the operations (before the rule, or by hand)
    // that make an administrator the organization's administrator and the unit's buyer give
    // no such power.
    let listed_admin = app.user("listed-admin@example.org", &[Role::Admin]).await;
    let evaluator_id = app.user("evaluator@example.org", &[Role::Evaluator]).await;
    // An evaluator who buys for the unit, listed (by hand) as the tender's evaluator: acts as
    // a buyer, never as its expert.
    let buying_evaluator = app
        .user("buying-evaluator@example.org", &[Role::Evaluator])
        .await;
    civicbridge::units::model::add_member(db, unit, buying_evaluator, common::T0)
        .await
        .unwrap();
    let incubator_manager = app
        .user("incubator@example.org", &[Role::IncubatorManager])
        .await;

    // A tender under evaluation with three bids (one from `org`) and an enquiry.
    let deadline = common::T0 + 86_400;
    let form = rules::TenderForm {
        unit_id: unit.to_string(),
        title: "矩阵测试服务项目".into(),
        description: "用于权限矩阵测试的政府购买服务项目。".into(),
        domain: "elderly".into(),
        t_league: "150100".into(),
        budget: "100000".into(),
        method: "open_tender".into(),
        eval_method: "lowest_price".into(),
        enquiry_deadline: rules::format_local(deadline - 3600),
        bid_deadline: rules::format_local(deadline),
        contract_months: "12".into(),
        milestone_name: vec!["全部".into()],
        milestone_percent: vec!["100".into()],
        ..Default::default()
    };
    let d = rules::validate_tender(
        &form,
        &[unit],
        common::T0,
        &Default::default(),
        civicbridge::kernel::Lang::Zh,
    )
    .unwrap();
    let tender = procurement::create_draft(db, &d, buyer_id, common::T0)
        .await
        .unwrap();
    // The draft carries a document, so the document routes have a real one (public once
    // the tender is published).
    let t = procurement::get(db, tender).await.unwrap().unwrap();
    let did = procurement::attach_document(
        db,
        &app.state.config.data_dir,
        &t,
        &procurement::document_rules::DocChange {
            doc_type: procurement::document_rules::DocType::BiddingDocuments,
            replaces: None,
            summary: String::new(),
        },
        "招标文件.pdf",
        b"%PDF-1.4 matrix",
        buyer_id,
        common::T0,
        civicbridge::kernel::Lang::Zh,
    )
    .await
    .unwrap()
    .unwrap();
    let t = procurement::get(db, tender).await.unwrap().unwrap();
    procurement::publish(db, &t, &Default::default(), buyer_id, common::T0)
        .await
        .unwrap()
        .unwrap();
    let t = procurement::get(db, tender).await.unwrap().unwrap();
    let qid = procurement::ask(db, &t, owner_id, "请问服务对象有多少人？", common::T0 + 1)
        .await
        .unwrap()
        .unwrap();
    let other_owner = app.user("other@example.org", &[]).await;
    let mut bid = 0;
    for (n, (who, o)) in [
        (owner_id, org),
        (other_owner, app.org(other_owner, 2, "乙机构").await),
        (other_owner, app.org(other_owner, 3, "丙机构").await),
    ]
    .into_iter()
    .enumerate()
    {
        let r = procurement::submit_bid(
            db,
            &app.state.seal,
            &t,
            o,
            civicbridge::kernel::money::Fen(5_000_000 + n as i64),
            "我们将组建专业团队提供服务。",
            who,
            common::T0 + 2,
            app.clock().today(),
        )
        .await
        .unwrap()
        .unwrap();
        if n == 0 {
            bid = r.bid_id;
        }
    }
    // `org`'s bid carries an attachment, so the download route has a real file to serve.
    procurement::attach_file(
        db,
        &app.state.seal,
        &t,
        org,
        "方案.pdf",
        b"%PDF-1.4 matrix",
        owner_id,
        common::T0 + 3,
        civicbridge::kernel::Lang::Zh,
    )
    .await
    .unwrap()
    .unwrap();
    let fid = procurement::list::files_of_bid(db, &app.state.seal, bid)
        .await
        .unwrap()[0]
        .id;
    procurement::open_if_due(db, &app.state.seal, tender, deadline)
        .await
        .unwrap();
    let t = procurement::get(db, tender).await.unwrap().unwrap();
    procurement::assign_evaluator(db, &t, evaluator_id, buyer_id, deadline)
        .await
        .unwrap()
        .unwrap();
    {
        use sea_orm::{ActiveModelTrait, ActiveValue::Set};
        procurement::model::evaluator::ActiveModel {
            tender_id: Set(tender),
            user_id: Set(buying_evaluator),
            assigned_at: Set(deadline),
        }
        .insert(db)
        .await
        .unwrap();
    }
    // (After the bids: such rows are a conflict of interest that would bar the bid.)
    app.add_member(org, listed_admin, OrgRole::Admin).await;
    civicbridge::units::model::add_member(db, unit, listed_admin, common::T0)
        .await
        .unwrap();
    app.clock().advance(86_400 + 60);

    // A contract between the unit and `org` (its own draft tender, so it stays independent).
    let contract_tender = procurement::create_draft(db, &d, buyer_id, common::T0)
        .await
        .unwrap();
    let contract = civicbridge::contracts::create_from_award(
        db,
        &civicbridge::contracts::ContractSeed {
            tender_id: contract_tender,
            unit_id: unit,
            org_id: org,
            value: civicbridge::kernel::money::Fen(5_000_000),
            supplier_is_social: true,
            division_code: "150100".into(),
            milestones: vec![("全部".into(), 10_000)],
        },
        common::T0,
    )
    .await
    .unwrap();
    let mid = civicbridge::contracts::milestones(db, contract)
        .await
        .unwrap()[0]
        .id;
    // A published venture-philanthropy call of the unit, open for a month.
    let call = {
        use civicbridge::philanthropy::rules::{Applicant, CallDraft, Organizer, OrganizerKind};
        let d = CallDraft {
            organizer: Organizer {
                kind: OrganizerKind::Unit,
                id: unit,
            },
            title: "矩阵测试公益创投".into(),
            theme: "用于权限矩阵测试的公益创投项目。".into(),
            domains: vec!["elderly".into()],
            places: vec!["150100".into()],
            applicants: vec![Applicant::Registered, Applicant::Preparing],
            pool: civicbridge::kernel::money::Fen(10_000_000),
            max_grant: civicbridge::kernel::money::Fen(1_000_000),
            cofund_bp: 0,
            opens_at: common::T0,
            closes_at: common::T0 + 30 * 86_400,
            reviewers: 3,
            rubric: vec![("项目设计".into(), 100)],
            tranches: vec![10_000],
            reports: vec![12],
            two_stage: false,
            full_closes_at: None,
            sealed: false,
            admin_cap_bp: None,
        };
        let id = civicbridge::philanthropy::create(db, &d, buyer_id, common::T0)
            .await
            .unwrap();
        let c = civicbridge::philanthropy::get(db, id)
            .await
            .unwrap()
            .unwrap();
        civicbridge::philanthropy::publish(db, &c, buyer_id, common::T0)
            .await
            .unwrap()
            .unwrap();
        id
    };
    // A proposal to that call by the plain user for a group in preparation, submitted (a
    // draft would be the applicant's alone).
    // A second one in expert review with the evaluator assigned: the reviewer's sheet.
    let (proposal, review_sheet) = {
        use civicbridge::philanthropy::proposal_rules::{
            ApplicantChoice, BudgetLine, Outcome, ProposalDraft, ScreenItem, Step, StepDraft,
        };
        let c = civicbridge::philanthropy::get(db, call)
            .await
            .unwrap()
            .unwrap();
        let d = ProposalDraft {
            applicant: ApplicantChoice::Group,
            name: "矩阵测试小组".into(),
            title: "矩阵测试项目".into(),
            plan: "用于权限矩阵测试的项目方案，每周开展两次活动。".into(),
            beneficiaries: "社区老人".into(),
            place: "150102".into(),
            outcomes: vec![Outcome {
                indicator: "服务人数".into(),
                target: 10,
            }],
            budget: vec![BudgetLine {
                category: "activities".into(),
                item: "活动".into(),
                amount: civicbridge::kernel::money::Fen(100_000),
            }],
            total: civicbridge::kernel::money::Fen(100_000),
            cofund: civicbridge::kernel::money::Fen(0),
            partners: vec![],
            submit: true,
        };
        let first = civicbridge::philanthropy::proposals::apply(db, &c, plain_id, &d, common::T0)
            .await
            .unwrap()
            .unwrap();
        let mut d = d;
        d.title = "矩阵测试评审项目".into();
        let second = civicbridge::philanthropy::proposals::apply(db, &c, plain_id, &d, common::T0)
            .await
            .unwrap()
            .unwrap();
        let items: Vec<String> = ScreenItem::ALL.iter().map(|i| i.code().into()).collect();
        for step in [Step::Screen, Step::ToReview] {
            let p = civicbridge::philanthropy::proposal_model::get(db, second)
                .await
                .unwrap()
                .unwrap();
            if step == Step::ToReview {
                civicbridge::philanthropy::proposals::record_checklist(
                    db,
                    &p,
                    &items,
                    buyer_id,
                    common::T0,
                )
                .await
                .unwrap();
            }
            let sd = StepDraft {
                step,
                message: String::new(),
                amount: None,
            };
            civicbridge::philanthropy::proposals::take_step(db, &c, &p, &sd, buyer_id, common::T0)
                .await
                .unwrap()
                .unwrap();
        }
        civicbridge::philanthropy::reviewing::assign_reviewer(
            db,
            &c,
            second,
            evaluator_id,
            buyer_id,
            common::T0,
        )
        .await
        .unwrap()
        .unwrap();
        let sheet = civicbridge::reviews::my_assignments(db, evaluator_id)
            .await
            .unwrap()[0]
            .0
            .id;
        (first, sheet)
    };
    // A grant agreement drawn up for that proposal (rows written as the operation would, so
    // the grant routes meet a real record whatever the proposal's state).
    let grant = civicbridge::philanthropy::grant_model::insert(
        db,
        civicbridge::philanthropy::grant_model::NewGrant {
            proposal_id: proposal,
            call_id: call,
            organizer_kind: "unit".into(),
            organizer_id: unit,
            org_id: None,
            applicant_id: plain_id,
            recipient_name: "矩阵测试小组".into(),
            recipient_uscc: None,
            title: "矩阵测试资助".into(),
            description: "用于权限矩阵测试的资助协议。".into(),
            place: "150102".into(),
            league: "150100".into(),
            amount_fen: 100_000,
            outcomes: "[]".into(),
            budget: "[]".into(),
            starts_at: common::T0,
            ends_at: common::T0 + 365 * 86_400,
        },
        buyer_id,
        common::T0,
    )
    .await
    .unwrap();

    // A submitted annual report of `org` on 2025 (the matrix's clock is in 2026), so the
    // report routes meet a real record.
    {
        let o = civicbridge::orgs::get(db, org).await.unwrap().unwrap().0;
        let d = civicbridge::regulation::rules::validate_report(
            &civicbridge::regulation::rules::ReportForm {
                income: "100".into(),
                expense: "0".into(),
                expense_program: "0".into(),
                expense_admin: "0".into(),
                expense_fundraising: "0".into(),
                expense_other: "0".into(),
                net_assets: "100".into(),
                gov_purchase: "0".into(),
                grant: "0".into(),
                staff_full: "1".into(),
                staff_part: "0".into(),
                volunteers: "0".into(),
                party_established: "no".into(),
                party_standard: "no".into(),
                activities: "矩阵测试活动".into(),
                ..Default::default()
            },
            civicbridge::kernel::Lang::Zh,
        )
        .unwrap();
        civicbridge::regulation::file(db, &o, 2025, &d, true, owner_id, common::T0)
            .await
            .unwrap()
            .unwrap();
    }

    // An incubator managed by the incubator persona, and a submitted application to it by
    // the plain user (a draft would be the applicant's alone).
    let incubator = {
        use civicbridge::incubators::{self, rules};
        let admin = civicbridge::accounts::find_by_email(db, "admin@example.org")
            .await
            .unwrap()
            .unwrap()
            .id;
        let d = rules::validate_incubator(
            &rules::IncubatorForm {
                name: "矩阵测试孵化基地".into(),
                i_league: "150100".into(),
                address: "呼和浩特市".into(),
                services: "办公场地".into(),
                capacity: "10".into(),
                ..Default::default()
            },
            &[],
            civicbridge::kernel::Lang::Zh,
        )
        .unwrap();
        let id = incubators::save_incubator(db, None, &d, admin, common::T0)
            .await
            .unwrap()
            .unwrap();
        let inc = incubators::get(db, id).await.unwrap().unwrap();
        incubators::set_manager(db, &inc, incubator_manager, true, admin, common::T0)
            .await
            .unwrap()
            .unwrap();
        inc
    };
    let application = {
        use civicbridge::incubators::{self, rules};
        let plain = civicbridge::accounts::find_by_email(db, "plain@example.org")
            .await
            .unwrap()
            .unwrap()
            .id;
        let d = rules::ApplicationDraft {
            applicant: rules::Applicant::Group,
            name: "矩阵测试团队".into(),
            founders: "张三".into(),
            domain: "elderly".into(),
            plan: "矩阵测试用的入驻申请计划书。".into(),
            submit: true,
        };
        incubators::apply(db, &incubator, plain, &d, common::T0)
            .await
            .unwrap()
            .unwrap()
    };
    // The organization's own application, admitted: a tenant for the tenant routes (its
    // administrator and member see it as their own).
    let tenant = {
        use civicbridge::incubators::{self, rules};
        let d = rules::ApplicationDraft {
            applicant: rules::Applicant::Org(org),
            name: String::new(),
            founders: String::new(),
            domain: "elderly".into(),
            plan: "矩阵测试用的机构入驻计划书。".into(),
            submit: true,
        };
        let id = incubators::apply(db, &incubator, owner_id, &d, common::T0)
            .await
            .unwrap()
            .unwrap();
        let a = incubators::model::application(db, id)
            .await
            .unwrap()
            .unwrap();
        for step in [rules::Step::Review, rules::Step::Admit] {
            incubators::take_step(db, &incubator, &a, step, "", incubator_manager, common::T0)
                .await
                .unwrap()
                .unwrap();
        }
        incubators::model::tenants_of(db, incubator.id)
            .await
            .unwrap()[0]
            .id
    };

    // A tenant in residence of the incubator (its founder signs in as the "tenant"
    // persona), a shared room, and a booking of the tenant, so the space routes meet real
    // records.
    let (space_room, space_booking, space_agreement) = {
        use civicbridge::incubators::{self, rules};
        use civicbridge::spaces::{self, rules as srules};
        let founder = app.user("tenant@example.org", &[]).await;
        let d = rules::ApplicationDraft {
            applicant: rules::Applicant::Group,
            name: "矩阵测试入驻团队".into(),
            founders: "李四".into(),
            domain: "elderly".into(),
            plan: "矩阵测试用的入驻申请计划书。".into(),
            submit: true,
        };
        let a = incubators::apply(db, &incubator, founder, &d, common::T0)
            .await
            .unwrap()
            .unwrap();
        for step in [rules::Step::Review, rules::Step::Admit] {
            let x = incubators::model::application(db, a)
                .await
                .unwrap()
                .unwrap();
            incubators::take_step(db, &incubator, &x, step, "", incubator_manager, common::T0)
                .await
                .unwrap()
                .unwrap();
        }
        // The organization is in residence too (the tenant routes'); this is the group's.
        let tenant = incubators::residents_of(db, incubator.id)
            .await
            .unwrap()
            .iter()
            .find(|t| t.name == "矩阵测试入驻团队")
            .unwrap()
            .id;
        let room = spaces::add_resource(
            db,
            incubator.id,
            &srules::ResourceDraft {
                name: "矩阵测试会议室".into(),
                kind: srules::ResourceKind::Shared,
                capacity: 10,
                opens_min: 8 * 60,
                closes_min: 18 * 60,
                advance_days: 30,
                cancel_hours: 24,
            },
            incubator_manager,
            common::T0,
        )
        .await
        .unwrap();
        let r = spaces::resource(db, room).await.unwrap().unwrap();
        let start = srules::day_start(time::macros::date!(2026 - 12 - 03)) + 10 * 3600;
        let booking = spaces::book(
            db,
            &r,
            &srules::BookingDraft {
                tenant_id: Some(tenant),
                starts_at: start,
                ends_at: start + 3600,
                attendees: 3,
                purpose: "矩阵测试例会".into(),
            },
            founder,
            common::T0,
        )
        .await
        .unwrap()
        .unwrap();
        // A desk and a drafted tenancy agreement on it for the tenant.
        let desk = spaces::add_resource(
            db,
            incubator.id,
            &srules::ResourceDraft {
                name: "矩阵测试工位".into(),
                kind: srules::ResourceKind::Desk,
                capacity: 1,
                opens_min: 8 * 60,
                closes_min: 18 * 60,
                advance_days: 30,
                cancel_hours: 24,
            },
            incubator_manager,
            common::T0,
        )
        .await
        .unwrap();
        let agreement = spaces::agreements::draft(
            db,
            incubator.id,
            &srules::AgreementDraft {
                space: srules::AllocationDraft {
                    resource_id: desk,
                    tenant_id: tenant,
                    starts_at: srules::day_start(time::macros::date!(2026 - 12 - 01)),
                    ends_at: srules::day_start(time::macros::date!(2027 - 12 - 01)),
                },
                services: "工位".into(),
                obligations: "按月报送".into(),
                fee: civicbridge::kernel::money::Fen(0),
            },
            None,
            incubator_manager,
            common::T0,
        )
        .await
        .unwrap()
        .unwrap();
        (room, booking, agreement)
    };

    // A brand of `org` with a photo, so its routes have real records.
    let brand = {
        let d = civicbridge::brands::rules::validate(
            &civicbridge::brands::rules::BrandForm {
                name: "矩阵测试品牌".into(),
                domain: "elderly".into(),
                places: vec!["150100".into()],
                started_year: "2020".into(),
                beneficiaries: "100".into(),
                story: "用于权限矩阵测试的品牌项目。".into(),
                ..Default::default()
            },
            2026,
            civicbridge::kernel::Lang::Zh,
        )
        .unwrap();
        civicbridge::brands::create(db, org, &d, owner_id, common::T0)
            .await
            .unwrap()
    };
    let photo = {
        let b = civicbridge::brands::get(db, brand).await.unwrap().unwrap();
        civicbridge::brands::add_photo(
            db,
            &app.state.config.data_dir,
            &b,
            civicbridge::app::seed::brands::demo_photo(1),
            Some(owner_id),
            common::T0,
        )
        .await
        .unwrap()
        .unwrap()
    };

    // A photo of the incubator, so its photo routes meet a real one.
    let incubator_photo = civicbridge::incubators::photos::add(
        db,
        &app.state.config.data_dir,
        &incubator,
        civicbridge::app::seed::brands::demo_photo(2),
        "矩阵测试照片",
        Some(owner_id),
        common::T0,
    )
    .await
    .unwrap()
    .unwrap();

    // A finding on `org` by the regulator: the engine gives notice at once (a case in its
    // objection period), so the credit routes meet a real case and finding.
    let (credit_case, finding) = {
        let o = civicbridge::orgs::row(db, org).await.unwrap().unwrap();
        let f = civicbridge::regulation::record_finding(
            db,
            &o,
            &civicbridge::regulation::credit_rules::FindingDraft {
                kind: civicbridge::regulation::FindingKind::Other,
                note: "矩阵测试认定事项".into(),
                due_at: None,
            },
            regulator_id,
            common::T0,
            &Default::default(),
            &Default::default(),
        )
        .await
        .unwrap();
        let case = civicbridge::regulation::credit_model::cases_of(db, org)
            .await
            .unwrap()[0]
            .id;
        (case, f.id)
    };
    // A zombie case on `org` in its objection period, so the zombie routes meet a real case.
    let zombie_case = civicbridge::regulation::zombie_model::insert(
        db,
        org,
        &[civicbridge::regulation::ZombieCriterion::Unreachable],
        "《社会组织信用信息管理办法》第十条第（六）项",
        common::T0 + 30 * 86_400,
        None,
        common::T0,
    )
    .await
    .unwrap()
    .id;
    // A complaint, so the regulators' case routes have a real case to show.
    let complaint = civicbridge::complaints::submit(
        db,
        &civicbridge::complaints::ComplaintDraft {
            org: None,
            subject: "矩阵测试投诉".into(),
            body: "用于权限矩阵测试的投诉。".into(),
            contact: None,
            anonymous: true,
            files: Vec::new(),
        },
        None,
        None,
        &civicbridge::complaints::new_tracking_code(),
        common::T0,
    )
    .await
    .unwrap()
    .id;
    // A spot-check campaign (a draft: public routes answer 404 to all but regulators, like
    // a missing id, so the matrix sees no refusal there).
    let campaign = civicbridge::inspections::create(
        db,
        &civicbridge::inspections::CampaignDraft {
            name: "矩阵测试抽查".into(),
            level: civicbridge::inspections::Level::Region,
            division: "150000".into(),
            year: 2026,
            ratio_bp: 500,
            items: vec![civicbridge::inspections::Item::Finances],
        },
        owner_id,
        common::T0,
    )
    .await
    .unwrap()
    .unwrap()
    .id;

    // A brand-recognition round taking nominations, so its routes meet a real round
    // (nominations and objections named in paths are missing ids: 404 to whoever may ask).
    let recognition_round = civicbridge::brands::recognition::open_round(
        db,
        &civicbridge::brands::recognition_rules::RoundDraft {
            title: "矩阵测试认定".into(),
            year: 2026,
            level: civicbridge::brands::recognition_rules::Level::Region,
            division: "150000".into(),
            opens_at: common::T0 - 86_400,
            closes_at: common::T0 + 86_400,
            rules: Default::default(),
            max_recognitions: None,
            notice_days: 7,
            rubric: vec![("成效".into(), 100)],
            reviewers: vec![],
        },
        regulator_id,
        common::T0,
    )
    .await
    .unwrap();

    // A file attached to that proposal (stored and recorded as the upload would), so the
    // download and removal routes meet a real file.
    let proposal_doc = {
        let bytes = b"%PDF-1.4 matrix";
        let key = civicbridge::kernel::files::store(
            &app.state.config.data_dir,
            civicbridge::philanthropy::proposals::FILES_FOLDER,
            bytes,
        )
        .await
        .unwrap();
        civicbridge::philanthropy::proposal_model::insert_file(
            db,
            &civicbridge::philanthropy::proposal_model::NewFile {
                proposal_id: proposal,
                key: &key,
                name: "方案.pdf",
                mime: "application/pdf",
                size: bytes.len() as i64,
                sha256: &civicbridge::kernel::files::sha256_hex(bytes),
            },
            plain_id,
            common::T0,
        )
        .await
        .unwrap()
    };

    use Access::*;
    // (persona, e-mail or none, which declared accesses it satisfies)
    let personas: [(&str, Option<&str>, &[Access]); 12] = [
        ("anonymous", None, &[Public]),
        (
            "plain",
            Some("plain@example.org"),
            &[
                Public,
                SignedIn,
                Joiner,
                ClaimReaders,
                Applicant,
                ApplicationReaders,
                ProposalApplicant,
                ProposalReaders,
                GrantReaders,
                GrantParty,
                GrantRecipient,
            ],
        ),
        (
            "org admin",
            Some("owner@example.org"),
            &[
                Public,
                SignedIn,
                Joiner,
                OrgAdmin,
                OrgReaders,
                OrgFiler,
                OrgBidder,
                ContractParty,
                ContractSupplier,
                BidReaders,
                BidOwner,
                TenantReaders,
                // The organization is an incubator's tenant in residence.
                SpaceReaders,
                SpaceBookers,
            ],
        ),
        (
            "org member",
            Some("member@example.org"),
            &[
                Public,
                SignedIn,
                Joiner,
                OrgReaders,
                BidReaders,
                BidOwner,
                TenantReaders,
                SpaceReaders,
                SpaceBookers,
            ],
        ),
        (
            "buyer",
            Some("buyer@example.org"),
            &[
                Public,
                SignedIn,
                Joiner,
                UnitBuyer,
                TenderOversight,
                ContractParty,
                ContractBuyer,
                BidReaders,
                CallOrganizer,
                CallOwner,
                ProposalOrganizer,
                ProposalReaders,
                GrantReaders,
                GrantParty,
                GrantOrganizer,
            ],
        ),
        (
            "regulator",
            Some("regulator@example.org"),
            &[
                Public,
                SignedIn,
                Joiner,
                OrgReaders,
                Regulator,
                ClaimReaders,
                TenderOversight,
                BidReaders,
                IncubatorOversight,
                ApplicationReaders,
                SpaceReaders,
                AgreementReaders,
                TenantReaders,
            ],
        ),
        (
            "admin",
            Some("admin@example.org"),
            &[
                Public,
                SignedIn,
                OrgAdmin,
                OrgReaders,
                Admin,
                IncubatorKeepers,
            ],
        ),
        (
            "admin listed as org admin and buyer",
            Some("listed-admin@example.org"),
            &[
                Public,
                SignedIn,
                OrgAdmin,
                OrgReaders,
                Admin,
                IncubatorKeepers,
            ],
        ),
        (
            "evaluator",
            Some("evaluator@example.org"),
            &[
                Public,
                SignedIn,
                Joiner,
                AssignedEvaluator,
                TenderOversight,
                BidReaders,
                Reviewer,
                AssignedReviewer,
            ],
        ),
        (
            "evaluator buying for the unit",
            Some("buying-evaluator@example.org"),
            &[
                Reviewer,
                Public,
                SignedIn,
                Joiner,
                UnitBuyer,
                TenderOversight,
                ContractParty,
                ContractBuyer,
                BidReaders,
                CallOrganizer,
                CallOwner,
                ProposalOrganizer,
                ProposalReaders,
                GrantReaders,
                GrantParty,
                GrantOrganizer,
            ],
        ),
        (
            "incubator",
            Some("incubator@example.org"),
            &[
                Public,
                SignedIn,
                Joiner,
                IncubatorManager,
                IncubatorOversight,
                IncubatorKeepers,
                ApplicationReaders,
                SpaceReaders,
                SpaceBookers,
                ResourceManager,
                BookingParties,
                AgreementReaders,
                AgreementManager,
                TenantReaders,
            ],
        ),
        (
            "tenant",
            Some("tenant@example.org"),
            &[
                Public,
                SignedIn,
                Joiner,
                SpaceReaders,
                SpaceBookers,
                BookingParties,
                AgreementReaders,
                AgreementParty,
            ],
        ),
    ];
    // The open data routes name a release, a record and a bulk file that exist.
    civicbridge::app::jobs::write_ocds_bulk(&app.state)
        .await
        .unwrap();
    let (_, infos) = table();
    // The notice routes name the published tender's notice.
    let notice = civicbridge::opendata::latest_notices(db, 1).await.unwrap()[0].id;
    let ids = |p: &str| {
        if p.starts_with("/api/v1/ocds/") {
            let ocid = civicbridge::opendata::ocid_of(tender);
            return p
                .replace("{id}", &format!("{ocid}-1-tender"))
                .replace("{ocid}", &ocid)
                .replace(
                    "{file}",
                    &civicbridge::opendata::bulk_name(civicbridge::kernel::clock::shanghai_year(
                        common::T0,
                    )),
                );
        }
        let id = if p.starts_with("/admin/users") {
            owner_id
        } else if p.starts_with("/notices/") {
            notice
        } else if p.starts_with("/admin/units") || p.starts_with("/data/flags/units/") {
            unit
        } else if p.starts_with("/agreements/") {
            space_agreement
        } else if p.starts_with("/space-bookings/") {
            space_booking
        } else if p.starts_with("/space/") {
            space_room
        } else if p.starts_with("/incubators/") || p.starts_with("/admin/incubators") {
            incubator.id
        } else if p.starts_with("/incubator-applications/") {
            application
        } else if p.starts_with("/grants/") {
            grant
        } else if p.starts_with("/proposals/") {
            proposal
        } else if p.starts_with("/reviews/") {
            review_sheet
        } else if p.starts_with("/incubator-tenants/") {
            tenant
        } else if p.contains("/tenders") {
            tender
        } else if p.starts_with("/contracts") {
            contract
        } else if p.starts_with("/calls") {
            call
        } else if p.starts_with("/brands") {
            brand
        } else if p.starts_with("/recognition/") {
            recognition_round
        } else if p.starts_with("/regulation/complaints/") {
            complaint
        } else if p.starts_with("/spot-checks/") {
            campaign
        } else {
            org
        };
        // An incubator's photo routes name one of its photos.
        let pid = if p.starts_with("/incubators/") {
            incubator_photo
        } else {
            photo
        };
        p.replace("{id}", &id.to_string())
            .replace("{qid}", &qid.to_string())
            .replace("{uid}", &member_id.to_string())
            .replace("{bid}", &bid.to_string())
            .replace("{cid}", "999999")
            .replace("{claim}", &claim.to_string())
            .replace("{mid}", &mid.to_string())
            .replace("{year}", "2025")
            .replace("{fid}", &fid.to_string())
            .replace("{did}", &did.to_string())
            .replace("{doc}", &proposal_doc.to_string())
            .replace("{brand}", &brand.to_string())
            .replace("{nid}", "999999")
            .replace("{oid}", "999999")
            .replace("{pid}", &pid.to_string())
            .replace("{case}", &credit_case.to_string())
            .replace("{finding}", &finding.to_string())
            .replace("{zcase}", &zombie_case.to_string())
            .replace("{code}", "report_missing")
            .replace("{*path}", "css/app.css")
    };
    let mut checked = 0;
    for (name, email, allowed) in personas {
        let mut session = app.client();
        if let Some(e) = email {
            session.login(e, PW).await;
        }
        for info in &infos {
            // Log-out ends the session the next routes need: check it with a fresh one.
            let mut fresh;
            let c = if info.path == "/logout" {
                fresh = app.client();
                if let Some(e) = email {
                    fresh.login(e, PW).await;
                }
                &mut fresh
            } else {
                &mut session
            };
            let path = ids(info.path);
            let r = if info.method == axum::http::Method::GET {
                c.get(&path).await
            } else {
                c.get("/login").await;
                c.post(&path, &[]).await
            };
            let to_login = r.status == StatusCode::SEE_OTHER
                && r.location().is_some_and(|l| l.starts_with("/login"));
            // A route naming a record inside a tender (a bid, an attachment, a question, a
            // challenge) refuses a signed-in user with "not found", the answer it gives for
            // an id that does not exist, so refusals tell no ids apart.
            // Terminating a contract answers the same way to anyone but its buyer.
            let nested = (info.path.starts_with("/tenders/{id}/")
                && ["{bid}", "{fid}", "{qid}", "{cid}"]
                    .iter()
                    .any(|k| info.path.contains(k)))
                || info.path == "/contracts/{id}/terminate"
                || info.access == ClaimReaders
                // No existence oracle for applications to incubators either.
                || info.path.starts_with("/incubator-applications/")
                || info.path.starts_with("/incubator-tenants/")
                // Nor for an incubator's KPIs.
                || info.path.starts_with("/incubators/{id}/kpis")
                // Nor for the keepers' photo pages of an incubator.
                || info.access == IncubatorKeepers
                // Nor for resources and bookings of an incubator's space.
                || info.path.starts_with("/space")
                || info.path.starts_with("/agreements/")
                // Nor for proposals to calls.
                || info.path.starts_with("/proposals/")
                // Nor for grants.
                || info.path.starts_with("/grants/")
                // Nor for review sheets.
                || info.path.starts_with("/reviews/");
            let refused = if nested {
                StatusCode::NOT_FOUND
            } else {
                StatusCode::FORBIDDEN
            };
            let denied = r.status == refused || to_login;
            let should_pass = allowed.contains(&info.access);
            assert!(
                r.status != StatusCode::INTERNAL_SERVER_ERROR,
                "{name} {} {path}: 500",
                info.method
            );
            if should_pass {
                assert!(
                    !denied,
                    "{name} should reach {} {path} ({:?}) but got {}",
                    info.method, info.access, r.status
                );
            } else {
                assert!(
                    denied,
                    "{name} must not reach {} {path} ({:?}) but got {}",
                    info.method, info.access, r.status
                );
                if email.is_none() {
                    assert!(
                        to_login,
                        "anonymous {} {path} should be sent to log in",
                        info.method
                    );
                } else {
                    assert_eq!(r.status, refused, "{name} {path}");
                }
            }
            checked += 1;
        }
    }
    assert_eq!(checked, infos.len() * personas.len());
}

#[tokio::test]
async fn wrong_passwords_get_a_generic_message_and_are_throttled() {
    let app = TestApp::new().await;
    app.user("known@example.org", &[]).await;
    let mut c = app.client();
    c.get("/login").await;
    let known = c
        .post(
            "/login",
            &[("email", "known@example.org"), ("password", "wrong-one")],
        )
        .await;
    let unknown = c
        .post(
            "/login",
            &[("email", "nobody@example.org"), ("password", "wrong-one")],
        )
        .await;
    assert_eq!(known.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        known.text(".form-errors"),
        unknown.text(".form-errors"),
        "same message either way"
    );
    assert!(known.text(".form-errors").contains("邮箱或密码不正确"));
    assert_eq!(
        known.value("input[name=email]").as_deref(),
        Some("known@example.org")
    );
    for _ in 0..4 {
        c.post(
            "/login",
            &[("email", "known@example.org"), ("password", "wrong-again")],
        )
        .await;
    }
    // Five failures: now even the right password is refused for a while.
    let r = c
        .post(
            "/login",
            &[("email", "known@example.org"), ("password", PW)],
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        r.text(".form-errors").contains("分钟后再试"),
        "{}",
        r.text(".form-errors")
    );
    // Other addresses are not locked.
    app.user("other@example.org", &[]).await;
    let r = c
        .post(
            "/login",
            &[("email", "other@example.org"), ("password", PW)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // After the window passes the right password works again.
    app.clock().advance(16 * 60);
    let mut c2 = app.client();
    c2.get("/login").await;
    let r = c2
        .post(
            "/login",
            &[("email", "known@example.org"), ("password", PW)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

#[tokio::test]
async fn logout_ends_the_session() {
    let app = TestApp::new().await;
    let (mut c, _) = app.signed_in("a@example.org", &[]).await;
    assert_eq!(c.get("/me").await.status, StatusCode::OK);
    assert_eq!(c.post("/logout", &[]).await.status, StatusCode::SEE_OTHER);
    let r = c.get("/me").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), Some("/login?next=%2Fme"));
}

#[tokio::test]
async fn session_cookie_is_httponly_and_samesite() {
    let app = TestApp::new().await;
    let mut c = app.client();
    let r = c.get("/login").await;
    let cookie = r
        .headers
        .get(axum::http::header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(cookie.starts_with("cb_session="));
    assert!(cookie.contains("HttpOnly"));
    assert!(cookie.contains("SameSite=Lax"));
    assert_eq!(app.count("sessions").await, 1, "stored server-side");
    // Stored under a hash of the cookie value, never the value itself.
    let value = cookie["cb_session=".len()..].split(';').next().unwrap();
    use sea_orm::{ConnectionTrait, Statement};
    let db = &app.state.db;
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT id FROM sessions",
        ))
        .await
        .unwrap();
    let ids: Vec<String> = rows.iter().map(|r| r.try_get("", "id").unwrap()).collect();
    assert_eq!(ids.len(), 1);
    assert_ne!(ids[0], value);
    assert!(!ids[0].contains(value));
    assert_eq!(ids[0].len(), 64, "SHA-256 in hex");
    // And the session still works: a signed-in client is recognized on the next request.
    let (mut s, _) = app.signed_in("h@example.org", &[]).await;
    assert_eq!(s.get("/me").await.status, StatusCode::OK);
}

#[tokio::test]
async fn errors_are_pages_not_crashes() {
    let app = TestApp::with_config(civicbridge::web::config::Config {
        body_limit: 4096,
        ..Default::default()
    })
    .await;
    let (mut c, _) = app.signed_in("a@example.org", &[]).await;
    let big = format!("name={}", "x".repeat(10_000));
    let r = c.post("/orgs", &[("name", &"x".repeat(10_000))]).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", &big[..10]);
    assert!(r.text(".error-page").contains("413"));
    let r = c.get("/no/such/page").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.text(".error-page h1").contains("404"));
    assert!(
        r.headers
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    for p in [
        "/orgs/999999",
        "/orgs/abc",
        "/orgs/-1",
        "/orgs/0/edit",
        "/api/v1/orgs/xyz",
    ] {
        assert_eq!(c.get(p).await.status, StatusCode::NOT_FOUND, "{p}");
    }
    let r = c.get("/api/v1/orgs/424242").await;
    assert_eq!(r.json()["error"]["status"], 404);
    // Malformed bodies and junk queries never produce a 500.
    c.get("/orgs/new").await;
    let token = c.csrf.clone().unwrap();
    for body in ["%%%", "name=%FF%FE", "domains[]=x&staff_count=1e9", "=&&=="] {
        let r = c.post_raw("/orgs", &format!("{body}&_csrf={token}")).await;
        assert!(r.status.is_client_error(), "{body}: {}", r.status);
    }
    for q in [
        "?page=-3",
        "?page=99999999999",
        "?league=abc&county=150102&rating=x&kind=%00",
        "?domain=elderly&rating=5",
    ] {
        assert_eq!(
            c.get(&format!("/orgs{q}")).await.status,
            StatusCode::OK,
            "{q}"
        );
    }
    let r = c
        .request(
            axum::http::Request::delete("/orgs")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert!(r.status.is_client_error());
}

#[tokio::test]
async fn language_follows_query_cookie_and_header() {
    let app = TestApp::new().await;
    let mut c = app.client();
    assert_eq!(c.get("/orgs").await.text("h1"), "社会组织名录");
    let r = c.get("/orgs?lang=en").await;
    assert_eq!(r.text("h1"), "Organization directory");
    assert!(
        r.headers
            .get_all("set-cookie")
            .iter()
            .any(|v| v.to_str().unwrap().starts_with("lang=en"))
    );
    assert_eq!(
        c.get("/orgs").await.text("h1"),
        "Organization directory",
        "cookie remembered"
    );
    let req = axum::http::Request::get("/")
        .header("accept-language", "en-US,en;q=0.8")
        .body(axum::body::Body::empty())
        .unwrap();
    let r = app.client().request(req).await;
    assert!(r.body.contains("<html lang=\"en\">"));
    assert!(!r.body.contains("zh-CN."), "no untranslated keys");
}

#[tokio::test]
async fn public_list_filters_and_pages() {
    let app = TestApp::new().await;
    civicbridge::app::seed::run(&app.state.db, app.clock(), 300, 11, false)
        .await
        .unwrap();
    let mut c = app.client();
    let all = c.get("/api/v1/orgs").await.json();
    assert_eq!(all["total"], 300);
    assert_eq!(all["items"].as_array().unwrap().len(), 20);
    let mut sum = 0;
    for l in civicbridge::regions::regions().leagues() {
        let j = c
            .get(&format!("/api/v1/orgs?league={}", l.code))
            .await
            .json();
        for item in j["items"].as_array().unwrap() {
            assert_eq!(item["league_code"], l.code.as_str());
        }
        sum += j["total"].as_u64().unwrap();
    }
    assert_eq!(sum, 300, "every organization is in exactly one league");
    let j = c
        .get("/api/v1/orgs?kind=foundation&domain=elderly")
        .await
        .json();
    for item in j["items"].as_array().unwrap() {
        assert_eq!(item["kind"], "foundation");
        assert!(
            item["domains"]
                .as_array()
                .unwrap()
                .contains(&serde_json::json!("elderly"))
        );
    }
    let j = c.get("/api/v1/orgs?rating=4").await.json();
    assert!(j["total"].as_u64().unwrap() > 0);
    for item in j["items"].as_array().unwrap() {
        let g = item["rating"]["grade"].as_str().unwrap();
        assert!(g == "4A" || g == "5A");
        assert_eq!(item["rating"]["valid"], true);
    }
    let p1 = c.get("/api/v1/orgs?page=1").await.json();
    let p2 = c.get("/api/v1/orgs?page=2").await.json();
    assert_ne!(p1["items"][0]["id"], p2["items"][0]["id"]);
    let html = c.get("/orgs?page=2").await;
    assert_eq!(html.text(".pagination .current"), "2");
    assert_eq!(html.count("table.data-table tbody tr"), 20);
    let none = c
        .get("/orgs?league=152900&kind=enterprise&domain=legal&rating=5")
        .await;
    if none.count("table.data-table tbody tr") == 0 {
        assert!(none.text(".empty").contains("清除"));
    }
}

#[tokio::test]
async fn admin_creates_units_and_adds_buyers() {
    let app = TestApp::new().await;
    let (mut admin, _) = app.signed_in("admin@example.org", &[Role::Admin]).await;
    let (_, buyer) = app.signed_in("buyer@example.org", &[]).await;
    admin.get("/admin/units").await;
    let r = admin
        .post(
            "/admin/units",
            &[
                ("name", "新城区民政局"),
                ("u_league", "150100"),
                ("u_county", "150102"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = admin
        .post(
            "/admin/units",
            &[
                ("name", "新城区民政局"),
                ("u_league", "150100"),
                ("u_county", "150102"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "duplicate name");
    assert_eq!(r.value("input[name=name]").as_deref(), Some("新城区民政局"));
    let r = admin
        .post(
            "/admin/units",
            &[
                ("name", "错配单位"),
                ("u_league", "150200"),
                ("u_county", "150102"),
            ],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "county outside league"
    );
    let units = civicbridge::units::model::list(&app.state.db, None)
        .await
        .unwrap();
    assert_eq!(units.len(), 1);
    assert_eq!(units[0].level, "banner_county");
    let r = admin
        .post(
            &format!("/admin/units/{}/members", units[0].id),
            &[("email", "buyer@example.org"), ("reason", "新任采购经办人")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let m = civicbridge::units::memberships_of(&app.state.db, buyer)
        .await
        .unwrap();
    assert_eq!(m, vec![(units[0].id, "新城区民政局".to_string())]);
    let list = app.client().get("/units?league=150100").await;
    assert!(list.text("table").contains("新城区民政局"));
    // Role administration: grant and revoke.
    admin.get("/admin/users").await;
    let r = admin
        .post(
            &format!("/admin/users/{buyer}/roles"),
            &[
                ("role", "evaluator"),
                ("grant", "1"),
                ("confirm", "1"),
                ("reason", "入选评审专家库"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        civicbridge::accounts::model::roles_of(&app.state.db, buyer)
            .await
            .unwrap()
            .contains(&Role::Evaluator)
    );
    admin
        .post(
            &format!("/admin/users/{buyer}/roles"),
            &[
                ("role", "evaluator"),
                ("grant", "0"),
                ("reason", "专家库年度调整"),
            ],
        )
        .await;
    assert!(
        civicbridge::accounts::model::roles_of(&app.state.db, buyer)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn health_home_and_static_assets() {
    let app = TestApp::new().await;
    civicbridge::app::seed::run(&app.state.db, app.clock(), 40, 1, false)
        .await
        .unwrap();
    let mut c = app.client();
    assert_eq!(c.get("/healthz").await.status, StatusCode::OK);
    // Alive at once, ready only when the search indexes are in place (the start-up job).
    assert_eq!(
        c.get("/readyz").await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert!(
        civicbridge::app::jobs::build_missing_indexes(&app.state)
            .await
            .is_some()
    );
    assert_eq!(c.get("/readyz").await.status, StatusCode::OK);
    let home = c.get("/").await;
    assert!(
        home.text(".stats").contains("40"),
        "live count shown: {}",
        home.text(".stats")
    );
    let css = c.get("/static/css/app.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(
        css.headers
            .get("cache-control")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("max-age=31536000")
    );
    assert_eq!(c.get("/static/nope.js").await.status, StatusCode::NOT_FOUND);
    let regions = c.get("/api/v1/regions?parent=150100").await.json();
    assert!(
        regions["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["name"] == "新城区")
    );
}

#[tokio::test]
async fn seeding_is_deterministic_and_repeatable() {
    let app = TestApp::new().await;
    let r = civicbridge::app::seed::run(&app.state.db, app.clock(), 120, 5, false)
        .await
        .unwrap();
    assert_eq!((r.users, r.orgs), (6, 120));
    assert!(r.units >= 13, "a unit for every league/city and the region");
    let r = civicbridge::app::seed::run(&app.state.db, app.clock(), 30, 5, false)
        .await
        .unwrap();
    assert_eq!((r.users, r.units, r.orgs), (0, 0, 30));
    assert_eq!(app.count("organizations").await, 150);
    // The demo organization user administers an organization, and the demo campaign's
    // collecting foundation, and can log in.
    let mut c = app.client();
    c.login(
        "org@demo.civicbridge.cn",
        civicbridge::app::seed::DEMO_PASSWORD,
    )
    .await;
    let me = c.get("/me").await;
    assert_eq!(me.count("#my-orgs a[href^='/orgs/']"), 2);
}

/// Every page, for every kind of user, in both languages, on the demo data: no untranslated
/// locale key (rust-i18n shows a missing key as `zh-CN.some.key` / `en.some.key`) and no 500.
#[tokio::test]
async fn every_page_is_translated_in_both_languages() {
    use sea_orm::EntityTrait;
    let app = TestApp::new().await;
    let db = &app.state.db;
    civicbridge::app::seed::run(db, app.clock(), 60, 3, false)
        .await
        .unwrap();
    let made = civicbridge::app::seed::procurement::run(db, &app.state.seal, app.clock().now(), 1)
        .await
        .unwrap();
    assert_eq!(
        made, 10,
        "one demo tender in each state and one whose contract was terminated"
    );
    assert_eq!(
        civicbridge::app::seed::vetting::run(db, app.clock().now())
            .await
            .unwrap(),
        2,
        "a pending claim and an unverified registration"
    );
    let demo_claim = civicbridge::orgs::claims_in_state(db, "pending", 1)
        .await
        .unwrap()
        .pop();
    assert!(demo_claim.is_some());
    let tenders: Vec<i64> = civicbridge::procurement::model::tender::Entity::find()
        .all(db)
        .await
        .unwrap()
        .iter()
        .map(|t| t.id)
        .collect();
    let contract = civicbridge::contracts::model::contract::Entity::find()
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let calls: Vec<i64> = civicbridge::philanthropy::model::call::Entity::find()
        .all(db)
        .await
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(calls.len(), 2, "two demo calls");
    let applications: Vec<i64> = civicbridge::incubators::model::application::Entity::find()
        .all(db)
        .await
        .unwrap()
        .iter()
        .map(|a| a.id)
        .collect();
    assert!(applications.len() >= 7, "demo applications in every state");
    // Every demo resource's week (shared rooms with a week of bookings, desks allocated).
    let resources: Vec<i64> = civicbridge::spaces::model::resource::Entity::find()
        .all(db)
        .await
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert!(resources.len() >= 6, "demo space");
    assert!(
        !civicbridge::spaces::bookings_between(db, &resources, 0, i64::MAX)
            .await
            .unwrap()
            .is_empty(),
        "a week of demo bookings"
    );
    let agreements: Vec<i64> = civicbridge::spaces::model::agreement::Entity::find()
        .all(db)
        .await
        .unwrap()
        .iter()
        .map(|a| a.id)
        .collect();
    assert!(!agreements.is_empty(), "a demo agreement");
    let proposals: Vec<i64> = civicbridge::philanthropy::proposal_model::proposal::Entity::find()
        .all(db)
        .await
        .unwrap()
        .iter()
        .map(|p| p.id)
        .collect();
    let proposal_states: std::collections::HashSet<String> =
        civicbridge::philanthropy::proposal_model::proposal::Entity::find()
            .all(db)
            .await
            .unwrap()
            .into_iter()
            .map(|p| p.state)
            .collect();
    assert_eq!(
        proposal_states.len(),
        civicbridge::philanthropy::ProposalState::ALL.len(),
        "demo proposals in every state: {proposal_states:?}"
    );
    // The demo grants: under way with a report overdue, and with an amendment pending.
    let grants: Vec<i64> = civicbridge::philanthropy::grant_model::all(db)
        .await
        .unwrap()
        .iter()
        .map(|g| g.id)
        .collect();
    assert_eq!(grants.len(), 3, "demo grants");
    assert!(
        civicbridge::philanthropy::grant_model::all(db)
            .await
            .unwrap()
            .iter()
            .any(|g| g.state == "terminated"),
        "a terminated demo grant"
    );
    let incubator_tenants: Vec<civicbridge::incubators::Tenant> =
        civicbridge::incubators::model::tenant::Entity::find()
            .all(db)
            .await
            .unwrap();
    assert_eq!(
        incubator_tenants
            .iter()
            .filter(|t| t.state == "graduated")
            .count(),
        2,
        "two demo graduates"
    );
    let incubator_tenants: Vec<i64> = incubator_tenants.iter().map(|t| t.id).collect();
    let review_sheets: Vec<i64> = civicbridge::reviews::model::assignment::Entity::find()
        .all(db)
        .await
        .unwrap()
        .iter()
        .map(|a| a.id)
        .collect();
    assert!(review_sheets.len() >= 6, "demo review sheets");
    civicbridge::app::seed::brands::extras(db, &app.state.config.data_dir, app.clock().now(), 2)
        .await
        .unwrap();
    assert!(
        civicbridge::app::seed::incubators::photos(
            db,
            &app.state.config.data_dir,
            app.clock().now()
        )
        .await
        .unwrap()
            > 0,
        "demo incubator photos"
    );
    // Credit cases replayed over the demo's three years, and the demo organization's notice
    // and objection; one case in each state is crawled.
    assert!(
        civicbridge::app::seed::credit::run(db, app.clock().now())
            .await
            .unwrap()
            > 0
    );
    let mut credit_cases: Vec<(i64, i64)> = Vec::new();
    let mut case_states = std::collections::HashSet::new();
    for c in civicbridge::regulation::credit_model::credit_case::Entity::find()
        .all(db)
        .await
        .unwrap()
    {
        if case_states.insert(c.state.clone()) {
            credit_cases.push((c.org_id, c.id));
        }
    }
    assert!(
        case_states.len() >= 4,
        "demo credit cases in several states: {case_states:?}"
    );
    // Issue 15 point 8: missing reports listed, one abnormal listing escalated to the
    // serious list, complaints in every state, a spot check drawn and concluded, penalties.
    let all_cases = civicbridge::regulation::credit_model::credit_case::Entity::find()
        .all(db)
        .await
        .unwrap();
    assert!(
        all_cases
            .iter()
            .any(|c| c.trigger == "report_missing" && c.listed_at.is_some()),
        "a missing report listed"
    );
    assert!(
        all_cases
            .iter()
            .any(|c| c.trigger == "abnormal_two_years" && c.listed_at.is_some()),
        "an abnormal listing escalated"
    );
    let complaint_states: std::collections::HashSet<String> =
        civicbridge::complaints::model::complaint::Entity::find()
            .all(db)
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.state)
            .collect();
    assert_eq!(
        complaint_states.len(),
        civicbridge::complaints::rules::CaseState::ALL.len(),
        "demo complaints in every state: {complaint_states:?}"
    );
    assert!(
        civicbridge::inspections::model::campaign::Entity::find()
            .all(db)
            .await
            .unwrap()
            .iter()
            .any(|c| c.state == "concluded"),
        "a demo spot check concluded"
    );
    assert!(app.count("penalties").await >= 2, "demo penalties");
    assert!(
        app.count("credit_rule_overrides").await >= 3,
        "demo locality rules"
    );
    // The demo campaign, its foundation's fundraising pages and a paid donation's pages.
    let campaign = civicbridge::payments::model::campaign::Entity::find()
        .one(db)
        .await
        .unwrap()
        .expect("a demo campaign");
    let demo_donation = civicbridge::payments::model::donation::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .find(|d| d.receipt_no.is_some())
        .expect("a paid demo donation");
    // The demo's zombie cases: one objected, one deregistered.
    let zombie_cases: Vec<(i64, i64)> =
        civicbridge::regulation::zombie_model::zombie_case::Entity::find()
            .all(db)
            .await
            .unwrap()
            .iter()
            .map(|c| (c.org_id, c.id))
            .collect();
    assert!(
        zombie_cases.len() >= 2,
        "demo zombie cases: {zombie_cases:?}"
    );
    // Every demo recognition round (completed, in notice), with a certificate of each
    // completed one.
    let recognition_rounds: Vec<i64> = civicbridge::brands::recognition_model::rounds(db)
        .await
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert!(recognition_rounds.len() >= 2, "demo recognition rounds");
    let mut certificates: std::collections::HashMap<i64, i64> = Default::default();
    for r in &recognition_rounds {
        for n in civicbridge::brands::recognition_model::nominations_of(db, *r)
            .await
            .unwrap()
        {
            if n.state == "recognized" {
                certificates.entry(*r).or_insert(n.id);
            }
        }
    }
    assert!(!certificates.is_empty(), "demo recognitions");
    // The brand pages under an organization's path are crawled for the first brand's own.
    let brand_org = civicbridge::brands::get(db, 1)
        .await
        .unwrap()
        .unwrap()
        .org_id;
    let missing = |body: &str| {
        ["zh-CN.", "en."].iter().any(|p| {
            body.match_indices(p).any(|(i, _)| {
                let before = if i == 0 { b' ' } else { body.as_bytes()[i - 1] };
                let after = body.as_bytes().get(i + p.len()).copied().unwrap_or(b' ');
                !before.is_ascii_alphanumeric() && before != b'=' && after.is_ascii_lowercase()
            })
        })
    };
    // The demo's annual reports cover the three years before the clock's; organization 1
    // has the last of them.
    let demo_year = civicbridge::kernel::clock::shanghai_year(app.clock().now()) - 1;
    // Organizations with a report on that year in each state (submitted, returned, accepted
    // and a draft), so every variant of the report page is crawled.
    let mut report_orgs: Vec<i64> = Vec::new();
    let mut states = std::collections::HashSet::new();
    for r in civicbridge::regulation::model::annual_report::Entity::find()
        .all(db)
        .await
        .unwrap()
    {
        if r.year == demo_year && states.insert(r.state.clone()) {
            report_orgs.push(r.org_id);
        }
    }
    assert!(
        states.len() >= 3,
        "demo reports in several states: {states:?}"
    );
    // A bid of each demo tender (its newest), for the receipt pages: its
    // bidder's members see them, everyone else gets "not found".
    let mut tender_bids: std::collections::HashMap<i64, i64> = Default::default();
    for b in civicbridge::procurement::model::bid::Entity::find()
        .all(db)
        .await
        .unwrap()
    {
        tender_bids.insert(b.tender_id, b.id);
    }
    assert!(!tender_bids.is_empty(), "demo bids");
    let users = [
        None,
        Some("buyer@demo.civicbridge.cn"),
        Some("bidder1@demo.civicbridge.cn"),
        // The claimant of the demo claim, with an unverified registration.
        Some("org@demo.civicbridge.cn"),
        Some("evaluator@demo.civicbridge.cn"),
        Some("regulator@demo.civicbridge.cn"),
        Some("admin@demo.civicbridge.cn"),
        Some("incubator@demo.civicbridge.cn"),
        Some("org@demo.civicbridge.cn"),
    ];
    // The open data: the bulk files written as the job writes them, and one demo release.
    civicbridge::app::jobs::write_ocds_bulk(&app.state)
        .await
        .unwrap();
    let bulk_file = civicbridge::opendata::bulk_files(&civicbridge::opendata::bulk_dir(
        &app.state.config.data_dir,
    ))
    .first()
    .map(|f| civicbridge::opendata::bulk_name(f.year))
    .expect("a demo bulk file");
    let first_release = civicbridge::opendata::page(db, None, None, 1)
        .await
        .unwrap()
        .pop()
        .expect("demo releases")
        .release_id;
    // Every demo notice, of every type.
    let notice_ids: Vec<i64> = civicbridge::opendata::notices(db, &Default::default(), 0, 1_000)
        .await
        .unwrap()
        .0
        .iter()
        .map(|n| n.id)
        .collect();
    assert!(!notice_ids.is_empty(), "demo notices");
    let (_, infos) = table();
    for who in users {
        let mut c = app.client();
        if let Some(e) = who {
            c.login(e, civicbridge::app::seed::DEMO_PASSWORD).await;
        }
        for info in infos.iter().filter(|i| {
            i.method == axum::http::Method::GET
                && !i.path.contains("{fid}")
                && !i.path.contains("{pid}")
                // A proposal's file is a download, not a page (its list is on the
                // proposal's page, crawled below).
                && !i.path.contains("{doc}")
                // A tender's document is a download too (listed on the tender page).
                && !i.path.contains("{did}")
        }) {
            let ids: Vec<i64> = if info.path.starts_with("/tenders/{id}")
                || info.path.starts_with("/api/v1/tenders/{id}")
                || info.path.starts_with("/api/v1/ocds/records/")
                || info.path.starts_with("/data/flags/tenders/")
            {
                tenders.clone()
            } else if info.path.starts_with("/contracts") {
                vec![contract]
            } else if info.path.starts_with("/notices/{id}") {
                notice_ids.clone()
            } else if info.path.starts_with("/calls/{id}") {
                calls.clone()
            } else if info.path.starts_with("/orgs/{id}/reports")
                || info.path.starts_with("/orgs/{id}/penalties")
            {
                report_orgs.clone()
            } else if info.path.starts_with("/space/") {
                resources.clone()
            } else if info.path.starts_with("/agreements/") {
                agreements.clone()
            } else if info.path.starts_with("/orgs/{id}/credit") {
                credit_cases.iter().map(|(o, _)| *o).collect()
            } else if info.path.starts_with("/orgs/{id}/zombie") {
                zombie_cases.iter().map(|(o, _)| *o).collect()
            } else if info.path.starts_with("/incubator-applications/") {
                // Every demo application: drafts show their author the form, others the
                // review forms to the manager.
                applications.clone()
            } else if info.path.starts_with("/grants/") {
                grants.clone()
            } else if info.path.starts_with("/proposals/") {
                // Every demo proposal, in every state: the applicant's forms and the
                // organizer's.
                proposals.clone()
            } else if info.path.starts_with("/incubator-tenants/") {
                // Residents (the review form) and graduates (the exit tasks).
                incubator_tenants.clone()
            } else if info.path.starts_with("/campaigns/{id}") {
                vec![campaign.id]
            } else if info.path.starts_with("/orgs/{id}/fundraising") {
                vec![campaign.org_id]
            } else if info.path.starts_with("/reviews/") {
                // Every demo review sheet: empty, draft and submitted.
                review_sheets.clone()
            } else if info.path.starts_with("/recognition/{id}") {
                recognition_rounds.clone()
            } else {
                vec![1]
            };
            for id in ids {
                // A claim's pages name its organization and the claim (the demo claim).
                let (id, claim) = match (info.path.contains("{claim}"), &demo_claim) {
                    (true, Some(c)) => (c.org_id, c.id),
                    _ => (id, 0),
                };
                let id = if info.path.contains("{brand}") {
                    brand_org
                } else {
                    id
                };
                let path = info
                    .path
                    .replace("{id}", &id.to_string())
                    .replace("{claim}", &claim.to_string())
                    .replace("{year}", &demo_year.to_string())
                    .replace("{brand}", "1")
                    .replace("{reference}", &demo_donation.reference)
                    .replace(
                        "{case}",
                        &credit_cases
                            .iter()
                            .find(|(o, _)| *o == id)
                            .map(|(_, c)| c.to_string())
                            .unwrap_or_default(),
                    )
                    .replace(
                        "{zcase}",
                        &zombie_cases
                            .iter()
                            .find(|(o, _)| *o == id)
                            .map(|(_, c)| c.to_string())
                            .unwrap_or_default(),
                    )
                    .replace(
                        "{nid}",
                        &certificates
                            .get(&id)
                            .map(|n| n.to_string())
                            .unwrap_or_else(|| "0".into()),
                    )
                    .replace(
                        "{bid}",
                        &tender_bids
                            .get(&id)
                            .map(|b| b.to_string())
                            .unwrap_or_else(|| "0".into()),
                    )
                    .replace("{code}", "zombie_no_reports")
                    .replace("{ocid}", &civicbridge::opendata::ocid_of(id))
                    .replace("{file}", &bulk_file)
                    .replace("{*path}", "css/app.css");
                let path = if info.path == "/api/v1/ocds/releases/{id}" {
                    format!("/api/v1/ocds/releases/{first_release}")
                } else {
                    path
                };
                for lang in ["zh-CN", "en"] {
                    let sep = if path.contains('?') { '&' } else { '?' };
                    let url = format!("{path}{sep}lang={lang}");
                    let r = c.get(&url).await;
                    assert_ne!(r.status, StatusCode::INTERNAL_SERVER_ERROR, "{who:?} {url}");
                    assert!(
                        !missing(&r.body),
                        "{who:?} {url}: untranslated key in {}",
                        r.body
                    );
                }
            }
        }
    }
    // The rules as a locality sees them and a locality's override form (query variants of
    // `/credit/rules` the route table lists once), on the demo's overrides.
    let mut reg = app.client();
    reg.login(
        "regulator@demo.civicbridge.cn",
        civicbridge::app::seed::DEMO_PASSWORD,
    )
    .await;
    for path in [
        "/credit/rules?place=150000",
        "/credit/rules?place=150100",
        "/credit/rules?place=150102",
        "/credit/rules/report_missing?place=150100",
        "/credit/rules/zombie_no_activity?place=150200",
        "/credit/rules/large_fine?place=150102",
        // Minimum spot-check ratios per locality (Hohhot's raised league/city minimum).
        "/spot-checks/ratios?place=150000",
        "/spot-checks/ratios?place=150100",
        "/spot-checks/ratios?place=150102",
    ] {
        for lang in ["zh-CN", "en"] {
            let url = format!("{path}&lang={lang}");
            let r = reg.get(&url).await;
            assert_eq!(r.status, StatusCode::OK, "{url}");
            assert!(!missing(&r.body), "{url}: untranslated key in {}", r.body);
        }
    }
}

#[tokio::test]
async fn log_in_never_redirects_off_site_nor_fails_on_next() {
    let app = TestApp::new().await;
    app.user("nx@example.org", &[]).await;
    for (next, to) in [
        ("/tenders?state=published", "/tenders?state=published"),
        ("/\t/evil.example", "/me"),
        ("/%09/evil.example", "/me"),
        ("/\n/x", "/me"),
        ("/%0A/x", "/me"),
        ("//evil.example", "/me"),
        ("/\\evil.example", "/me"),
        ("/%5Cevil.example", "/me"),
        ("https://evil.example/", "/me"),
    ] {
        let mut c = app.client();
        c.get("/login").await;
        let r = c
            .post(
                "/login",
                &[
                    ("email", "nx@example.org"),
                    ("password", PW),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{next:?}: {}", r.body);
        assert_eq!(r.location(), Some(to), "{next:?}");
    }
}

/// The data directory and what holds secrets in it are private to the server's user.
#[cfg(unix)]
#[tokio::test]
async fn data_directory_database_and_key_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let app = TestApp::new().await;
    let dir = &app.state.config.data_dir;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(dir), 0o700, "{}", dir.display());
    assert_eq!(mode(&dir.join("seal.key")), 0o600);
    if app.state.config.database_url.is_none() {
        // SQLite: the database and its write-ahead log.
        assert_eq!(mode(&dir.join("civicbridge.db")), 0o600);
        let wal = dir.join("civicbridge.db-wal");
        if wal.exists() {
            assert_eq!(mode(&wal), 0o600);
        }
    }
    // An existing database file with wider permissions is narrowed at start.
    let f = dir.join("other.db");
    std::fs::write(&f, b"").unwrap();
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o644)).unwrap();
    civicbridge::kernel::db::private_file(&f).unwrap();
    assert_eq!(mode(&f), 0o600);
    assert_eq!(
        civicbridge::kernel::db::sqlite_path("sqlite:///srv/cb/civicbridge.db?mode=rwc"),
        Some("/srv/cb/civicbridge.db".into())
    );
    assert_eq!(
        civicbridge::kernel::db::sqlite_path("sqlite::memory:"),
        None
    );
    assert_eq!(civicbridge::kernel::db::sqlite_path("postgres://x/y"), None);
}

/// The app's pool does not ping a connection each time it hands one out (sqlx's default,
/// which doubles the round trips of every statement outside a transaction): on SQLite never,
/// on PostgreSQL only a connection that sat idle long enough to have been dropped.
#[tokio::test]
async fn the_pool_hands_out_connections_without_a_ping_each_time() {
    let app = TestApp::new().await;
    let db = &app.state.db;
    let per_use = match sea_orm::ConnectionTrait::get_database_backend(db) {
        sea_orm::DatabaseBackend::Sqlite => db
            .get_sqlite_connection_pool()
            .options()
            .get_test_before_acquire(),
        _ => db
            .get_postgres_connection_pool()
            .options()
            .get_test_before_acquire(),
    };
    assert!(!per_use, "the pool pings before every use");
    // Still working after that: a page that reads through the pool answers.
    assert_eq!(app.client().get("/incubators").await.status, StatusCode::OK);
}

/// On SQLite a statement is planned once and then reused whatever values are bound to it:
/// one with a bound `LIMIT` (as every sea-orm `.one()` has) is not parsed and planned again
/// on each run with another value, which SQLite does unless told to keep its plans.
#[tokio::test]
async fn sqlite_keeps_a_statements_plan_whatever_values_are_bound() {
    let app = TestApp::new().await;
    let db = &app.state.db;
    if sea_orm::ConnectionTrait::get_database_backend(db) != sea_orm::DatabaseBackend::Sqlite {
        println!("skipped: about SQLite's connections, and this run is on PostgreSQL");
        return;
    }
    app.user("plans@example.org", &[]).await;
    const SQL: &str = "SELECT id FROM users WHERE id > ? ORDER BY id LIMIT ?";
    let mut conn = db.get_sqlite_connection_pool().acquire().await.unwrap();
    for limit in [1_i64, 2, 3, 1] {
        let rows = sea_orm::sqlx::query(SQL)
            .bind(0_i64)
            .bind(limit)
            .fetch_all(&mut *conn)
            .await
            .unwrap();
        assert_eq!(rows.len(), 1, "the one user, whatever the limit");
    }
    let mut handle = conn.lock_handle().await.unwrap();
    let raw = handle.as_raw_handle().as_ptr();
    let mut found = None;
    // SAFETY: the connection is locked for this thread's use; the statements walked are its
    // own, alive while it is, and only read.
    unsafe {
        let mut st = libsqlite3_sys::sqlite3_next_stmt(raw, std::ptr::null_mut());
        while !st.is_null() {
            let sql = std::ffi::CStr::from_ptr(libsqlite3_sys::sqlite3_sql(st)).to_string_lossy();
            if sql == SQL {
                let stat = |op| libsqlite3_sys::sqlite3_stmt_status(st, op, 0);
                found = Some((
                    stat(libsqlite3_sys::SQLITE_STMTSTATUS_RUN),
                    stat(libsqlite3_sys::SQLITE_STMTSTATUS_REPREPARE),
                ));
            }
            st = libsqlite3_sys::sqlite3_next_stmt(raw, st);
        }
    }
    assert_eq!(
        found,
        Some((4, 0)),
        "(runs, plans made again) of the statement kept in the connection's cache"
    );
}

/// Fifty wrong passwords at once on one account: the throttle's decision and the failure it
/// records are one step, so no more than the limit get their password checked and the rest are
/// told to wait; the right password after them is refused too (the account is locked for a
/// while), so parallel guessing gains nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_log_in_attempts_cannot_pass_the_limit() {
    let app = TestApp::new().await;
    app.user("race@example.org", &[]).await;
    let mut clients = Vec::new();
    for _ in 0..50 {
        let mut c = app.client();
        c.get("/login").await;
        clients.push(c);
    }
    let mut tasks = tokio::task::JoinSet::new();
    for mut c in clients {
        tasks.spawn(async move {
            let fields = [
                ("email", "race@example.org"),
                ("password", "wrong-password"),
            ];
            c.post("/login", &fields).await.status
        });
    }
    let mut statuses = Vec::new();
    while let Some(s) = tasks.join_next().await {
        statuses.push(s.unwrap());
    }
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY)
        .count();
    let max = app.state.config.login_max_failures as usize;
    assert_eq!(
        checked, max,
        "attempts that got their password checked (limit {max}): {statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| [
            StatusCode::UNPROCESSABLE_ENTITY,
            StatusCode::TOO_MANY_REQUESTS
        ]
        .contains(s)),
        "{statuses:?}"
    );
    let mut c = app.client();
    c.get("/login").await;
    let r = c
        .post("/login", &[("email", "race@example.org"), ("password", PW)])
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
}

/// What in a page the Content-Security-Policy would block: inline scripts, `on…` handlers,
/// `javascript:` URLs, htmx `hx-on` attributes, `style` attributes and `<style>` elements.
fn csp_breaches(body: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(body);
    let all = scraper::Selector::parse("*").unwrap();
    let mut out = Vec::new();
    for el in doc.select(&all) {
        let v = el.value();
        let tag = v.name();
        if tag == "style" {
            out.push("<style> element".to_string());
        }
        if tag == "script" && v.attr("src").is_none() && v.attr("type") != Some("application/json")
        {
            out.push(format!("inline <script>: {}", el.inner_html()));
        }
        for (name, value) in v.attrs() {
            let lower = value.trim().to_ascii_lowercase();
            if name.starts_with("on") || name.starts_with("hx-on") || name.starts_with("data-hx-on")
            {
                out.push(format!("<{tag} {name}=…>"));
            }
            if name == "style" {
                out.push(format!("<{tag} style={value:?}>"));
            }
            if lower.starts_with("javascript:") {
                out.push(format!("<{tag} {name}={value:?}>"));
            }
        }
    }
    out
}

/// Every page, error pages included, carries the Content-Security-Policy (no inline script or
/// style allowed), and the pages keep to it.
#[tokio::test]
async fn pages_carry_a_content_security_policy_and_keep_to_it() {
    use civicbridge::web::middleware::CONTENT_SECURITY_POLICY as CSP;
    for part in [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(CSP.contains(part), "{part} in {CSP}");
    }
    assert!(!CSP.contains("unsafe"), "{CSP}");
    use sea_orm::EntityTrait;
    let app = TestApp::new().await;
    let db = &app.state.db;
    civicbridge::app::seed::run(db, app.clock(), 40, 1, false)
        .await
        .unwrap();
    civicbridge::app::seed::procurement::run(db, &app.state.seal, app.clock().now(), 1)
        .await
        .unwrap();
    civicbridge::app::jobs::build_missing_indexes(&app.state).await;
    let tenders: Vec<String> = civicbridge::procurement::model::tender::Entity::find()
        .all(db)
        .await
        .unwrap()
        .iter()
        .map(|t| format!("/tenders/{}", t.id))
        .collect();
    assert!(tenders.len() >= 9, "a tender in every state");
    let contract = civicbridge::contracts::model::contract::Entity::find()
        .one(db)
        .await
        .unwrap()
        .map(|c| format!("/contracts/{}", c.id))
        .expect("a demo contract");
    let mut anon = app.client();
    let mut pages: Vec<(String, common::Resp)> = Vec::new();
    for path in [
        "/",
        "/login",
        "/signup",
        "/orgs",
        "/units",
        "/tenders",
        "/search?q=%E5%85%BB%E8%80%81",
        "/search/tenders?q=%E5%85%BB%E8%80%81",
        "/targets",
        "/targets?lang=en",
        "/no-such-page",
    ]
    .into_iter()
    .map(str::to_string)
    .chain(tenders.iter().cloned())
    .chain([contract])
    {
        let r = anon.get(&path).await;
        pages.push((path, r));
    }
    // The demo organization's administrator: workspace, forms, bid pages.
    let mut org = app.client();
    org.login("org@demo.civicbridge.cn", "demo-password").await;
    for path in ["/me".to_string(), "/orgs/new".to_string()]
        .into_iter()
        .chain(tenders.iter().map(|t| format!("{t}/bid")))
    {
        let r = org.get(&path).await;
        pages.push((path, r));
    }
    assert!(
        pages.iter().any(|(p, r)| p.ends_with("/bid")
            && r.status == StatusCode::OK
            && r.count("form[action$=\"/bid\"]") == 1),
        "a bid form among the pages"
    );
    let (mut user, _) = app.signed_in("csp@example.org", &[]).await;
    let r = anon
        .post(
            "/login",
            &[("email", "x@example.org"), ("password", "nope")],
        )
        .await;
    pages.push(("wrong log-in".into(), r));
    let r = user.post_raw("/logout", "").await;
    pages.push(("CSRF refusal".into(), r));
    let statuses: Vec<_> = pages
        .iter()
        .map(|(p, r)| (p.as_str(), r.status.as_u16()))
        .collect();
    assert_eq!(statuses[0].1, 200, "{statuses:?}");
    assert!(statuses.iter().any(|(_, s)| *s == 404), "{statuses:?}");
    assert!(statuses.iter().any(|(_, s)| *s == 403), "{statuses:?}");
    for (path, r) in &pages {
        let ct = r.headers.get("content-type").and_then(|v| v.to_str().ok());
        assert!(
            ct.is_some_and(|c| c.starts_with("text/html")),
            "{path}: {ct:?}"
        );
        assert_eq!(
            r.headers
                .get("content-security-policy")
                .and_then(|v| v.to_str().ok()),
            Some(CSP),
            "{path} ({})",
            r.status
        );
        let breaches = csp_breaches(&r.body);
        assert!(breaches.is_empty(), "{path}: {breaches:#?}");
    }
    // htmx is configured not to inject its own styles or evaluate code.
    let home = &pages[0].1;
    let config = home
        .doc()
        .select(&scraper::Selector::parse(r#"meta[name="htmx-config"]"#).unwrap())
        .next()
        .and_then(|m| m.value().attr("content").map(str::to_string))
        .expect("htmx-config meta element");
    let config: serde_json::Value = serde_json::from_str(&config).unwrap();
    assert_eq!(config["includeIndicatorStyles"], false);
    assert_eq!(config["allowEval"], false);
    // The dashboard's chart data is a JSON block, which the policy leaves alone.
    let targets = &pages.iter().find(|(p, _)| *p == "/targets").unwrap().1;
    assert_eq!(
        targets.count(r#"script#targets-data[type="application/json"]"#),
        1
    );
    // The checker itself sees what it must refuse.
    let bad = r#"<html><head><style>p{}</style></head><body><script>x()</script>
        <a href=" JavaScript:x()" onclick="x()" style="color:red" hx-on:click="x()">a</a>
        <script type="application/json">{}</script><script src="/static/js/app.js"></script></body></html>"#;
    assert_eq!(csp_breaches(bad).len(), 6, "{:#?}", csp_breaches(bad));
}

/// A CSRF token is taken from the `x-csrf-token` header or a `_csrf` field of a urlencoded or
/// multipart body, never from the query string.
#[tokio::test]
async fn a_csrf_token_in_the_query_string_is_refused() {
    use axum::body::Body;
    use axum::http::{Method, Request, header};
    let app = TestApp::new().await;
    let (mut c, _) = app
        .signed_in("q@example.org", &[Role::Admin, Role::Regulator])
        .await;
    let token = c.csrf.clone().unwrap();
    let cookies = |c: &Client| {
        c.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let multipart = |fields: &[(&str, &str)]| {
        let mut b = String::new();
        for (k, v) in fields {
            b.push_str(&format!(
                "--bnd\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
            ));
        }
        b.push_str("--bnd--\r\n");
        b
    };
    // On every state-changing route of the table, a token only in the query is refused as a
    // CSRF failure (not some later check), whatever the body.
    let (_, infos) = table();
    let posts: Vec<_> = infos
        .iter()
        .filter(|i| i.method != Method::GET)
        // Stripe's webhook has no session: its signature authenticates it (tests/payments.rs).
        .filter(|i| i.path != civicbridge::web::csrf::WEBHOOK_PATH)
        .collect();
    assert!(posts.len() >= 8, "all POST routes are listed");
    let bodies = [
        (Some("application/x-www-form-urlencoded"), "a=1".to_string()),
        (
            Some("multipart/form-data; boundary=bnd"),
            multipart(&[("a", "1")]),
        ),
        (None, String::new()),
    ];
    for info in posts {
        let path = info.path.replace("{id}", "1");
        let uri = format!("{path}?_csrf={}", common::enc(&token));
        for (ct, body) in &bodies {
            let mut req = Request::builder()
                .method(info.method.clone())
                .uri(&uri)
                .header(header::COOKIE, cookies(&c));
            if let Some(ct) = ct {
                req = req.header(header::CONTENT_TYPE, *ct);
            }
            let r = c.request(req.body(Body::from(body.clone())).unwrap()).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{uri} ({ct:?})");
            assert!(
                r.text(".error-page").contains("表单已失效"),
                "{uri} ({ct:?}): {}",
                r.body
            );
        }
    }
    // A wrong token in a multipart field.
    let req = Request::builder()
        .method(Method::POST)
        .uri("/logout")
        .header(header::COOKIE, cookies(&c))
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=bnd")
        .body(Body::from(multipart(&[("_csrf", "not-the-token")])))
        .unwrap();
    assert_eq!(c.request(req).await.status, StatusCode::FORBIDDEN);
    assert_eq!(c.get("/me").await.status, StatusCode::OK, "still signed in");
    // The right token in a multipart field (after another field) is accepted.
    let req = Request::builder()
        .method(Method::POST)
        .uri("/logout")
        .header(header::COOKIE, cookies(&c))
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=bnd")
        .body(Body::from(multipart(&[("a", "1"), ("_csrf", &token)])))
        .unwrap();
    assert_eq!(c.request(req).await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        c.get("/me").await.status,
        StatusCode::SEE_OTHER,
        "signed out"
    );
}
