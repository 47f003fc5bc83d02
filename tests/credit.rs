//! The credit engine with the clock moved day by day through two years on a small fixture
//! (issue 15): every transition of every case asserted on the day it must happen — notice,
//! listing after the objection period, removal the day the obligation is met and verified,
//! escalation after time on the abnormal list, the serious list's clock restarted by a new
//! penalty and its removal after the configured period, an objection upheld and one
//! rejected — then the public lookup, the record pages and bad input.

use crate::common;

use crate::common::{T0, TestApp};
use axum::http::StatusCode;
use civicbridge::accounts::Role;
use civicbridge::orgs::CreditStatus;
use civicbridge::regulation::credit_model;
use civicbridge::regulation::credit_rules::{DAY, Rule};
use civicbridge::regulation::{CaseState, Trigger};
use civicbridge::web::config::Config;

/// Short periods so everything happens within the two years: a serious listing lasts 300
/// days after its last ground.
fn config() -> Config {
    let mut c = Config::default();
    c.credit.objection_days = 10;
    c.credit.serious_days = 300;
    c
}

fn report_form() -> Vec<(&'static str, &'static str)> {
    vec![
        ("income", "1,000,000"),
        ("expense", "800000"),
        ("expense_program", "600000"),
        ("expense_admin", "150000"),
        ("expense_fundraising", "30000"),
        ("expense_other", "20000"),
        ("net_assets", "500000"),
        ("gov_purchase", "400000"),
        ("grant", "100000"),
        ("staff_full", "12"),
        ("staff_part", "3"),
        ("volunteers", "80"),
        ("party_established", "yes"),
        ("party_standard", "yes"),
        ("activities", "开展社区养老服务。"),
        ("key_changes", ""),
    ]
}

async fn status(app: &TestApp, org: i64) -> CreditStatus {
    let o = civicbridge::orgs::row(&app.state.db, org)
        .await
        .unwrap()
        .unwrap();
    CreditStatus::parse(&o.credit_status).unwrap()
}

/// The org's cases as (trigger, state) in id order.
async fn cases(app: &TestApp, org: i64) -> Vec<(Trigger, CaseState)> {
    credit_model::cases_of(&app.state.db, org)
        .await
        .unwrap()
        .iter()
        .map(|c| (c.trigger(), c.state()))
        .collect()
}

async fn steps(app: &TestApp, org: i64) -> Vec<String> {
    credit_model::events_of(&app.state.db, org)
        .await
        .unwrap()
        .iter()
        .map(|e| e.action.clone())
        .collect()
}

fn draft() -> civicbridge::regulation::ReportDraft {
    use civicbridge::regulation::rules::{ReportForm, validate_report};
    let f: std::collections::HashMap<&str, &str> = report_form().into_iter().collect();
    let form = ReportForm {
        income: f["income"].into(),
        expense: f["expense"].into(),
        expense_program: f["expense_program"].into(),
        expense_admin: f["expense_admin"].into(),
        expense_fundraising: f["expense_fundraising"].into(),
        expense_other: f["expense_other"].into(),
        net_assets: f["net_assets"].into(),
        gov_purchase: f["gov_purchase"].into(),
        grant: f["grant"].into(),
        staff_full: f["staff_full"].into(),
        staff_part: f["staff_part"].into(),
        volunteers: f["volunteers"].into(),
        party_established: f["party_established"].into(),
        party_standard: f["party_standard"].into(),
        activities: f["activities"].into(),
        ..Default::default()
    };
    validate_report(&form, civicbridge::kernel::Lang::Zh).unwrap()
}

async fn login(app: &TestApp, email: &str) -> common::Client {
    let mut c = app.client();
    c.login(email, common::PW).await;
    c
}

fn penalty<'a>(kind: &'a str, amount: &'a str, day: &'a str) -> [(&'static str, &'a str); 6] {
    [
        ("kind", kind),
        ("amount", amount),
        (
            "legal_basis",
            "《民办非企业单位登记管理暂行条例》第二十五条",
        ),
        ("decided_on", day),
        ("decision", "依法作出行政处罚。"),
        ("confirm", "1"),
    ]
}

/// The first day (counted from `T0`) whose daily run sees `instant` passed.
fn first_day_after(instant: i64) -> i64 {
    (instant - T0) / DAY + 1
}

#[tokio::test]
async fn two_years_day_by_day() {
    let app = TestApp::with_config(config()).await;
    let db = &app.state.db;
    let reg_id = app.user("regulator@example.org", &[Role::Regulator]).await;
    // A: misses its 2026 report (listed, then removed the day its late report is accepted)
    // and its 2027 report (objects, is rejected, listed).
    let a_id = app.user("a@example.org", &[]).await;
    let a = app.org(a_id, 1, "甲社区服务中心").await;
    // B: unreachable; escalates to the serious list after 365 days on the abnormal list.
    let b_id = app.user("b@example.org", &[]).await;
    let b = app.org(b_id, 2, "乙社会工作服务社").await;
    // C: a large fine (serious), a second penalty restarts the clock.
    let c_id = app.user("c@example.org", &[]).await;
    let c = app.org(c_id, 3, "丙公益服务中心").await;
    // D: another ground, objection upheld: never listed.
    let d_id = app.user("d@example.org", &[]).await;
    let d = app.org(d_id, 4, "丁志愿者协会").await;
    // The escalation threshold is data: 365 days here.
    civicbridge::regulation::set_credit_rule(
        db,
        &Rule {
            trigger: Trigger::AbnormalTwoYears,
            legal_basis: String::new(),
            threshold: Some(365),
            window_days: None,
            enabled: true,
        },
        Some(reg_id),
        T0,
    )
    .await
    .unwrap();

    let deadline = |y: i32| app.state.config.regulation.deadline(y);
    let a_notice = first_day_after(deadline(2026));
    let a_listed = a_notice + 11;
    let a_filed = a_listed + 20;
    let a_accepted = a_filed + 3;
    let a_notice2 = first_day_after(deadline(2027));
    let a_listed2 = a_notice2 + 11;
    let b_finding = 10;
    let b_listed = b_finding + 11;
    let b_escalated = b_listed + 365;
    let b_serious = b_escalated + 11;
    let b_served = b_serious + 300;
    let b_resolved = b_served + 5;
    let c_fine = 30;
    let c_listed = c_fine + 11;
    let c_second = 200;
    let c_removed = c_second + 300;
    let d_finding = 60;
    assert!(
        a_listed2 < 730 && b_resolved < 730,
        "{a_listed2} {b_resolved}"
    );

    let event_days = [
        b_finding,
        c_fine,
        c_second,
        d_finding,
        d_finding + 2,
        a_listed + 1,
        a_filed,
        a_accepted,
        a_notice2 + 3,
        a_notice2 + 5,
        b_resolved,
    ];
    let (mut reg, mut a_admin, mut d_admin) = (app.client(), app.client(), app.client());
    let mut a_status = Vec::new();
    let mut b_status = Vec::new();
    let mut c_status = Vec::new();
    for day in 0..=730 {
        if day > 0 {
            app.clock().advance(DAY);
        }
        let today = app.clock().today().to_string();
        // Sessions end with time: every day with an event signs in afresh.
        if event_days.contains(&day) {
            reg = login(&app, "regulator@example.org").await;
            a_admin = login(&app, "a@example.org").await;
            d_admin = login(&app, "d@example.org").await;
        }
        // The day's events, each through its page.
        // B, C and D file their reports on time (only A's obligations are at stake).
        if day == 100 || day == 470 {
            let year = civicbridge::kernel::clock::shanghai_year(app.clock().now()) - 1;
            for (o, who) in [(b, b_id), (c, c_id), (d, d_id)] {
                let org = civicbridge::orgs::row(db, o).await.unwrap().unwrap();
                civicbridge::regulation::file(
                    db,
                    &org,
                    year,
                    &draft(),
                    true,
                    who,
                    app.clock().now(),
                )
                .await
                .unwrap()
                .unwrap();
            }
        }
        if day == b_finding {
            let r = reg
                .post(
                    &format!("/orgs/{b}/credit/findings"),
                    &[
                        ("kind", "unreachable"),
                        ("note", "两次向登记住所寄送挂号信均无人签收。"),
                        ("due", ""),
                    ],
                )
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
            // Noticed the same day (the engine ran on the event).
            assert_eq!(
                cases(&app, b).await,
                vec![(Trigger::Unreachable, CaseState::Noticed)]
            );
        }
        if day == c_fine {
            let r = reg
                .post(
                    &format!("/orgs/{c}/penalties"),
                    &penalty("fine", "60000", &today),
                )
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
            assert_eq!(
                cases(&app, c).await,
                vec![(Trigger::LargeFine, CaseState::Noticed)]
            );
        }
        if day == c_second {
            let r = reg
                .post(
                    &format!("/orgs/{c}/penalties"),
                    &penalty("warning", "", &today),
                )
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
            // No second case: the listing's clock restarts from the new decision.
            assert_eq!(
                cases(&app, c).await,
                vec![(Trigger::LargeFine, CaseState::Listed)]
            );
            assert_eq!(
                steps(&app, c).await.last().map(String::as_str),
                Some("restarted")
            );
        }
        if day == d_finding {
            reg.post(
                &format!("/orgs/{d}/credit/findings"),
                &[
                    ("kind", "other"),
                    ("note", "未按规定公开年度财务信息。"),
                    ("due", ""),
                ],
            )
            .await;
        }
        if day == d_finding + 2 {
            let case = credit_model::cases_of(db, d).await.unwrap()[0].id;
            let r = d_admin
                .post(
                    &format!("/orgs/{d}/credit/cases/{case}/objection"),
                    &[("text", "已于官网公开，附截图。")],
                )
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
            let r = reg
                .post(
                    &format!("/orgs/{d}/credit/cases/{case}/answer"),
                    &[("decision", "uphold"), ("text", "经核实，已依法公开。")],
                )
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
            assert_eq!(
                cases(&app, d).await,
                vec![(Trigger::Other, CaseState::Withdrawn)]
            );
        }
        if day == a_listed + 1 {
            // An objection after the period: 422, the message by the field, nothing written.
            let case = credit_model::cases_of(db, a).await.unwrap()[0].id;
            let before = steps(&app, a).await.len();
            let r = a_admin
                .post(
                    &format!("/orgs/{a}/credit/cases/{case}/objection"),
                    &[("text", "我们已经报送。")],
                )
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(r.text("#text-error").contains("异议期已于"), "{}", r.body);
            assert_eq!(r.text("#text"), "我们已经报送。");
            assert_eq!(r.count(".error-summary li"), 1);
            assert_eq!(steps(&app, a).await.len(), before);
        }
        if day == a_filed {
            let mut f = report_form();
            f.push(("year", "2026"));
            f.push(("submit", "1"));
            let r = a_admin.post(&format!("/orgs/{a}/reports"), &f).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        }
        if day == a_accepted {
            let r = reg
                .post(
                    &format!("/orgs/{a}/reports/2026/review"),
                    &[("decision", "accept"), ("reason", "")],
                )
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
            // Removed the day it was verified, before any daily run: well within five
            // working days.
            assert_eq!(status(&app, a).await, CreditStatus::Normal);
            assert_eq!(
                cases(&app, a).await,
                vec![(Trigger::ReportMissing, CaseState::Removed)]
            );
        }
        if day == a_notice2 + 3 {
            let case = credit_model::cases_of(db, a).await.unwrap()[1].id;
            let r = a_admin
                .post(
                    &format!("/orgs/{a}/credit/cases/{case}/objection"),
                    &[("text", "2027年度报告正在审计，请宽限。")],
                )
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        }
        if day == a_notice2 + 5 {
            let case = credit_model::cases_of(db, a).await.unwrap()[1].id;
            let r = reg
                .post(
                    &format!("/orgs/{a}/credit/cases/{case}/answer"),
                    &[("decision", "reject"), ("text", "审计不构成逾期理由。")],
                )
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
            // A notice again: listed when the period ends, not before.
            assert_eq!(cases(&app, a).await[1].1, CaseState::Noticed);
        }
        if day == b_resolved {
            let f = credit_model::findings_of(db, b).await.unwrap()[0].id;
            let r = reg
                .post(
                    &format!("/orgs/{b}/credit/findings/{f}/resolve"),
                    &[("note", "已恢复联系，住所核实无误。")],
                )
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        }
        // The daily run.
        civicbridge::app::jobs::evaluate_credit(&app.state)
            .await
            .unwrap();
        a_status.push(status(&app, a).await);
        b_status.push(status(&app, b).await);
        c_status.push(status(&app, c).await);
        assert_eq!(status(&app, d).await, CreditStatus::Normal, "day {day}");
    }

    use CreditStatus::{Abnormal, Dishonest, Normal};
    let expect = |spans: &[(i64, CreditStatus)]| -> Vec<CreditStatus> {
        (0..=730)
            .map(|day| {
                spans
                    .iter()
                    .rev()
                    .find(|(from, _)| day >= *from)
                    .map(|(_, s)| *s)
                    .unwrap_or(Normal)
            })
            .collect()
    };
    let first_diff = |got: &[CreditStatus], want: &[CreditStatus]| {
        got.iter()
            .zip(want)
            .position(|(g, w)| g != w)
            .map(|d| format!("day {d}: {:?} instead of {:?}", got[d], want[d]))
    };
    let want_a = expect(&[
        (a_listed, Abnormal),
        (a_accepted, Normal),
        (a_listed2, Abnormal),
    ]);
    assert_eq!(first_diff(&a_status, &want_a), None, "A");
    let want_b = expect(&[
        (b_listed, Abnormal),
        (b_serious, Dishonest),
        (b_served, Abnormal),
        (b_resolved, Normal),
    ]);
    assert_eq!(first_diff(&b_status, &want_b), None, "B");
    // C: listed after its period; still listed 300 days after the listing (the restart
    // moved the clock to the second decision); removed 300 days after that.
    let want_c = expect(&[(c_listed, Dishonest), (c_removed, Normal)]);
    assert_eq!(first_diff(&c_status, &want_c), None, "C");

    // Each case's history, and who acted.
    assert_eq!(
        steps(&app, a).await,
        [
            "noticed", "listed", "removed", "noticed", "objected", "rejected", "listed"
        ]
    );
    assert_eq!(
        cases(&app, b).await,
        vec![
            (Trigger::Unreachable, CaseState::Removed),
            (Trigger::AbnormalTwoYears, CaseState::Removed)
        ]
    );
    assert_eq!(
        steps(&app, c).await,
        ["noticed", "listed", "restarted", "removed"]
    );
    assert_eq!(steps(&app, d).await, ["noticed", "objected", "upheld"]);
    let ev = credit_model::events_of(db, d).await.unwrap();
    assert_eq!(
        ev.iter().map(|e| e.actor_id).collect::<Vec<_>>(),
        [None, Some(d_id), Some(reg_id)]
    );
    // Every listing and removal reached the registry's own record, by the rules (no actor).
    let reg_events = civicbridge::orgs::recent_events(db, 100).await.unwrap();
    let credit_changes: Vec<_> = reg_events
        .iter()
        .filter(|(e, _)| e.org_id == c && e.kind == "credit")
        .map(|(e, _)| (e.new_value.as_str(), e.actor_id))
        .collect();
    assert_eq!(credit_changes, [("normal", None), ("dishonest", None)]);
    // The administrators were told at each step.
    let mut a_admin = login(&app, "a@example.org").await;
    let inbox = a_admin.get("/me/notifications").await;
    assert!(
        inbox.body.contains("拟被列入活动异常名录"),
        "{}",
        inbox.body
    );
    assert!(inbox.body.contains("已从活动异常名录移出"));
    assert!(inbox.body.contains("异议不成立"));
    app.check_invariants().await.unwrap();
}

#[tokio::test]
async fn the_public_lookup_and_record() {
    let app = TestApp::new().await;
    let db = &app.state.db;
    let (mut reg, reg_id) = app
        .signed_in("regulator@example.org", &[Role::Regulator])
        .await;
    let (mut owner, owner_id) = app.signed_in("owner@example.org", &[]).await;
    let org = app.org(owner_id, 1, "青城社区养老服务中心").await;
    let (mut other, other_id) = app.signed_in("other@example.org", &[]).await;
    let other_org = app.org(other_id, 2, "别家机构").await;
    for (o, kind) in [(org, "unreachable"), (org, "other"), (other_org, "other")] {
        let r = reg
            .post(
                &format!("/orgs/{o}/credit/findings"),
                &[
                    ("kind", kind),
                    ("note", "两次挂号信无人签收。"),
                    ("due", ""),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let ids: Vec<i64> = credit_model::cases_of(db, org)
        .await
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    let foreign = credit_model::cases_of(db, other_org).await.unwrap()[0].id;
    // The organization withdraws nothing by objecting to one; the other is listed.
    owner
        .post(
            &format!("/orgs/{org}/credit/cases/{}/objection", ids[1]),
            &[("text", "已公开。")],
        )
        .await;
    app.clock().advance(11 * DAY);
    civicbridge::app::jobs::evaluate_credit(&app.state)
        .await
        .unwrap();
    assert_eq!(status(&app, org).await, CreditStatus::Abnormal);

    let mut anon = app.client();
    // By USCC and by part of the name: the listing with its ground and basis.
    let uscc = common::uscc(1);
    for q in [uscc.to_lowercase(), "社区养老".to_string()] {
        let r = anon.get(&format!("/credit?q={}", common::enc(&q))).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(
            r.text(".credit-result h3").contains("青城社区养老服务中心"),
            "{}",
            r.body
        );
        assert_eq!(r.count(".credit-result .credit-listings tbody tr"), 1);
        assert!(
            r.text(".credit-result")
                .contains("通过登记住所无法取得联系")
        );
        assert!(r.text(".credit-result .basis").contains("第十条"));
    }
    let r = anon
        .get("/credit?q=%E6%B2%A1%E6%9C%89%E8%BF%99%E5%AE%B6")
        .await;
    assert_eq!(r.count(".credit-result"), 0);
    assert!(r.body.contains("没有符合条件的社会组织"));
    // A wildcard is taken literally.
    let r = anon.get("/credit?q=%25").await;
    assert_eq!(r.count(".credit-result"), 0);
    // No query: the current listings; the rules with their basis.
    let r = anon.get("/credit?lang=en").await;
    assert_eq!(r.count(".credit-listings tbody tr"), 2);
    assert!(
        r.text("#rules").contains("Fine of at least ¥50,000.00"),
        "{}",
        r.text("#rules")
    );
    assert_eq!(r.count("#objections"), 0, "only regulators see objections");
    let r = reg.get("/credit").await;
    assert_eq!(r.count("#objections li"), 1);
    // Bad input: 422 with the message by the field, what was typed kept.
    let r = anon.get("/credit?q=a%07b").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.count(".error-summary li"), 1);
    // The nav links to it.
    let home = anon.get("/").await;
    assert_eq!(home.count("nav a[href='/credit']"), 1);

    // The record: the public sees the listing, not the notice under objection.
    let r = anon.get(&format!("/orgs/{org}/credit?lang=zh-CN")).await;
    assert_eq!(r.count(".credit-cases tbody tr"), 1);
    assert_eq!(r.count(&format!("#case-{}", ids[1])), 0);
    assert!(r.text(".credit-history").contains("规则"));
    let r = owner.get(&format!("/orgs/{org}/credit")).await;
    assert_eq!(r.count(".credit-cases tbody tr"), 2);
    let profile = anon.get(&format!("/orgs/{org}")).await;
    assert!(profile.text("#credit").contains("活动异常名录"));
    // A case page: members and regulators only; another organization's case under this
    // path is missing.
    assert_eq!(
        owner
            .get(&format!("/orgs/{org}/credit/cases/{}", ids[1]))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        other
            .get(&format!("/orgs/{org}/credit/cases/{}", ids[1]))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        owner
            .get(&format!("/orgs/{org}/credit/cases/{foreign}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let r = other
        .post(
            &format!("/orgs/{other_org}/credit/cases/{}/objection", ids[0]),
            &[("text", "不是我们的案件")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // The regulator's bad forms: 422, nothing written.
    let before = app.count("credit_findings").await;
    let r = reg
        .post(
            &format!("/orgs/{org}/credit/findings"),
            &[("kind", "rectification"), ("note", "责令整改"), ("due", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text("#due-error").contains("整改期限"));
    assert_eq!(r.text("textarea#note"), "责令整改");
    let r = reg
        .post(
            &format!("/orgs/{org}/credit/cases/{}/answer", ids[1]),
            &[("decision", ""), ("text", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.count(".error-summary li"), 2);
    assert_eq!(app.count("credit_findings").await, before);
    let _ = reg_id;
    app.check_invariants().await.unwrap();
}

/// An organization registered at a banner/county of a league/city, verified.
async fn org_at(app: &TestApp, owner: i64, n: u32, name: &str, league: &str, county: &str) -> i64 {
    let f = common::org_form_values(n, name);
    let form = civicbridge::orgs::rules::OrgForm {
        name: f["name"].clone(),
        uscc: civicbridge::orgs::rules::make_uscc('5', '2', county, &format!("MJ{n:07}")).unwrap(),
        kind: f["kind"].clone(),
        registration_date: f["registration_date"].clone(),
        authority_level: f["authority_level"].clone(),
        div_league: league.into(),
        div_county: county.into(),
        domains: vec!["elderly".into()],
        staff_count: "8".into(),
        contact_name: "王芳".into(),
        contact_phone: f["contact_phone"].clone(),
        ..Default::default()
    };
    let d = civicbridge::orgs::rules::validate_org(
        &form,
        app.state.clock.today(),
        civicbridge::kernel::Lang::Zh,
    )
    .unwrap();
    let id = civicbridge::orgs::create(&app.state.db, &d, owner, T0)
        .await
        .unwrap();
    civicbridge::orgs::model::set_verification(
        &app.state.db,
        id,
        civicbridge::orgs::Verification::Verified,
    )
    .await
    .unwrap();
    id
}

async fn localized_entries(app: &TestApp) -> i64 {
    use sea_orm::ConnectionTrait;
    let db = &app.state.db;
    db.query_one_raw(sea_orm::Statement::from_string(
        db.get_database_backend(),
        "SELECT COUNT(*) FROM audit_events WHERE entity = 'credit_rule' AND action = 'localized'",
    ))
    .await
    .unwrap()
    .unwrap()
    .try_get_by_index::<i64>(0)
    .unwrap()
}

/// Rules per locality, the most specific winning: Hohhot (a league/city) moves the report
/// deadline to 31 March and shortens the objection period to 5 days; its Xincheng district
/// (a banner/county) switches the report rule off; Baotou keeps the platform's defaults (31
/// May, 10 days). With the clock moved through 2027 the three organizations — none of
/// which filed its 2026 report — are treated differently, each as its locality says.
#[tokio::test]
async fn localities_override_rules_and_the_most_specific_wins() {
    let app = TestApp::with_config(config()).await;
    let db = &app.state.db;
    let (mut reg, _) = app
        .signed_in("regulator@example.org", &[Role::Regulator])
        .await;
    let owner = app.user("owner@example.org", &[]).await;
    // Reports are checked from 2026 (the default rule): all three miss theirs.
    let x = org_at(&app, owner, 1, "新城区社区服务中心", "150100", "150102").await;
    let y = org_at(&app, owner, 2, "回民区社区服务中心", "150100", "150103").await;
    let z = org_at(&app, owner, 3, "东河区社区服务中心", "150200", "150202").await;

    // The rules page in a locality, then the league/city's override and the county's.
    let page = reg.get("/credit/rules?place=150100").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text("h2").contains("呼和浩特市"), "{}", page.body);
    assert_eq!(page.count("#rule-report_missing .set-here .muted"), 1);
    assert_eq!(
        reg.get("/credit/rules?place=999999").await.status,
        StatusCode::NOT_FOUND
    );
    let form = reg.get("/credit/rules/report_missing?place=150100").await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(form.value("input[name=place]").as_deref(), Some("150100"));
    // Bad input: 422, a message per field, what was typed kept, nothing written.
    let r = reg
        .post(
            "/credit/rules/report_missing",
            &[
                ("place", "150100"),
                ("deadline", "02-30"),
                ("objection_days", "0"),
                ("enabled", ""),
                ("reason", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text("#deadline-error").contains("MM-DD") || r.text("#deadline-error").contains("月-日")
    );
    assert!(!r.text("#objection_days-error").is_empty());
    assert!(!r.text("#reason-error").is_empty());
    assert_eq!(r.value("input#deadline").as_deref(), Some("02-30"));
    assert_eq!(app.count("credit_rule_overrides").await, 0);
    assert_eq!(localized_entries(&app).await, 0);
    let r = reg
        .post(
            "/credit/rules/report_missing",
            &[
                ("place", "150100"),
                ("deadline", "03-31"),
                ("objection_days", "5"),
                ("enabled", ""),
                ("reason", "盟市统一提前年报截止日。"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        r.location(),
        Some("/credit/rules?place=150100#rule-report_missing")
    );
    reg.get("/credit/rules/report_missing?place=150102").await;
    let r = reg
        .post(
            "/credit/rules/report_missing",
            &[
                ("place", "150102"),
                ("enabled", "no"),
                ("reason", "新城区年报改由线下集中报送。"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(app.count("credit_rule_overrides").await, 2);
    assert_eq!(localized_entries(&app).await, 2);
    // The county's page shows what it inherits and what it sets.
    let page = reg.get("/credit/rules?place=150102").await;
    assert!(
        page.text("#rule-report_missing .deadline")
            .contains("03-31")
    );
    assert!(page.text("#rule-report_missing .enabled").contains("停用"));
    let page = reg.get("/credit/rules").await;
    assert_eq!(page.count("table.overrides tbody tr"), 2);
    // The report pages show each organization its own deadline (2025's, due in 2026).
    let reports = reg.get(&format!("/orgs/{y}/reports")).await;
    assert!(reports.body.contains("2026-03-31"), "{}", reports.body);
    assert!(!reports.body.contains("2026-05-31"));
    let reports = reg.get(&format!("/orgs/{z}/reports")).await;
    assert!(reports.body.contains("2026-05-31"));

    let run = |at: i64| {
        let now = app.clock().now();
        assert!(at >= now);
        app.clock().advance(at - now);
        civicbridge::regulation::evaluate_credit(
            db,
            &app.state.config.credit,
            &app.state.config.regulation,
            at,
        )
    };
    let noon = |d: time::Date| {
        d.with_hms(4, 0, 0).unwrap().assume_utc().unix_timestamp() // 12:00 in Shanghai
    };
    // 1 April 2027: Hohhot's deadline has passed — Y noticed with 5 days to object; X's
    // county switched the rule off; Baotou's deadline is still ahead.
    let day = noon(time::macros::date!(2027 - 04 - 01));
    run(day).await.unwrap();
    assert_eq!(
        cases(&app, y).await,
        vec![(Trigger::ReportMissing, CaseState::Noticed)]
    );
    assert!(cases(&app, x).await.is_empty());
    assert!(cases(&app, z).await.is_empty());
    let yc = &credit_model::cases_of(db, y).await.unwrap()[0];
    assert_eq!(yc.objection_due, day + 5 * DAY);
    // Six days later the shorter period is over: Y is listed.
    run(day + 6 * DAY).await.unwrap();
    assert_eq!(
        cases(&app, y).await,
        vec![(Trigger::ReportMissing, CaseState::Listed)]
    );
    assert_eq!(status(&app, y).await, CreditStatus::Abnormal);
    // 1 June 2027: Baotou's default deadline (31 May) has passed — Z noticed with the
    // default 10 days; six days on it is still within them, eleven days on it is listed.
    let june = noon(time::macros::date!(2027 - 06 - 01));
    run(june).await.unwrap();
    assert_eq!(
        cases(&app, z).await,
        vec![(Trigger::ReportMissing, CaseState::Noticed)]
    );
    run(june + 6 * DAY).await.unwrap();
    assert_eq!(
        cases(&app, z).await,
        vec![(Trigger::ReportMissing, CaseState::Noticed)]
    );
    run(june + 11 * DAY).await.unwrap();
    assert_eq!(
        cases(&app, z).await,
        vec![(Trigger::ReportMissing, CaseState::Listed)]
    );
    // X, whose county switched the rule off, is never noticed.
    assert!(cases(&app, x).await.is_empty());
    assert_eq!(status(&app, x).await, CreditStatus::Normal);
    app.check_invariants().await.unwrap();
}

/// The daily run writes a hundred organizations to a transaction, each in a savepoint of its
/// own. Two runs at once over more organizations than one chunk (the job on two instances)
/// must still give every organization exactly one notice: the run that loses a race on an
/// organization rolls back that organization's savepoint only and carries on, on both
/// engines (on PostgreSQL a failed statement outside a savepoint would poison the whole
/// chunk).
#[tokio::test]
async fn two_runs_at_once_give_each_organization_one_notice() {
    let app = TestApp::with_config(config()).await;
    let owner = app.user("owner@example.org", &[]).await;
    const N: u32 = 230;
    let mut ids = Vec::new();
    for n in 1..=N {
        ids.push(app.org(owner, n, &format!("第{n}社区服务中心")).await);
    }
    // The day after the 2026 report deadline: none of them filed.
    let deadline = app.state.config.regulation.deadline(2026);
    app.clock().advance(first_day_after(deadline) * DAY);
    let run = || civicbridge::app::jobs::evaluate_credit(&app.state);
    let (a, b) = tokio::join!(run(), run());
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.noticed + b.noticed, N, "{a:?} {b:?}");
    for id in &ids {
        assert_eq!(
            cases(&app, *id).await,
            vec![(Trigger::ReportMissing, CaseState::Noticed)],
            "org {id}"
        );
    }
    // Each written notice has its history row and its audit entry, none left over from a
    // rolled-back savepoint.
    assert_eq!(app.count("credit_cases").await, i64::from(N));
    assert_eq!(app.count("credit_events").await, i64::from(N));
    // The notices are written a chunk at a time; the run that lost the race fell back to one
    // savepoint per organization: still one audit entry (its MAC checked by the invariants)
    // and one inbox notice to the administrator per case, each naming its own organization.
    let audited = app
        .count("audit_events WHERE entity = 'credit_case' AND action = 'noticed'")
        .await;
    assert_eq!(audited, i64::from(N));
    let noticed = app
        .count("user_notifications WHERE kind = 'credit_noticed'")
        .await;
    assert_eq!(noticed, i64::from(N));
    for (n, id) in [(1, ids[0]), (N, ids[ids.len() - 1])] {
        let named = app
            .count(&format!(
                "user_notifications WHERE kind = 'credit_noticed' AND params LIKE '%第{n}社区服务中心%' AND params LIKE '%/orgs/{id}/credit%'"
            ))
            .await;
        assert_eq!(named, 1, "org {n}");
    }
    // The next day's run has nothing to add.
    app.clock().advance(DAY);
    let again = civicbridge::app::jobs::evaluate_credit(&app.state)
        .await
        .unwrap();
    assert_eq!((again.noticed, again.deferred), (0, 0), "{again:?}");
    app.check_invariants().await.unwrap();
}
