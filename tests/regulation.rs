//! Annual reports and penalties through HTTP, as the organization's administrators, its
//! members, regulators, other users and anonymous visitors see them.

mod common;

use axum::http::StatusCode;
use civicbridge::accounts::{OrgRole, Role};
use common::TestApp;

/// The clock of the tests is 2026-11-27: 2025 is the latest year that may be reported.
const YEAR: &str = "2025";

fn report<'a>(year: &'a str, submit: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("year", year),
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
        ("activities", "开展社区养老服务，全年服务老人3200人次。"),
        ("key_changes", ""),
        ("submit", submit),
    ]
}

fn with<'a>(
    mut f: Vec<(&'static str, &'a str)>,
    field: &str,
    value: &'a str,
) -> Vec<(&'static str, &'a str)> {
    for p in f.iter_mut() {
        if p.0 == field {
            p.1 = value;
        }
    }
    f
}

struct World {
    app: TestApp,
    org: i64,
    owner: common::Client,
    owner_id: i64,
}

async fn world() -> World {
    let app = TestApp::new().await;
    let (owner, owner_id) = app.signed_in("owner@example.org", &[]).await;
    let org = app.org(owner_id, 1, "青城社区养老服务中心").await;
    World {
        app,
        org,
        owner,
        owner_id,
    }
}

#[tokio::test]
async fn an_administrator_files_and_a_regulator_returns_then_accepts() {
    let mut w = world().await;
    let org = w.org;
    // The list offers the years since registration (2019) up to last year.
    let r = w.owner.get(&format!("/orgs/{org}/reports")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.count(&format!("a[href='/orgs/{org}/reports/new?year=2025']")) == 1);
    assert!(r.count(&format!("a[href='/orgs/{org}/reports/new?year=2019']")) == 1);
    assert_eq!(r.count(&format!("a[href='/orgs/{org}/reports/new?year=2026']")), 0);
    // Late: the 2025 deadline (2026-05-31) has passed.
    assert!(r.text("#year-2025").contains("逾期未报"), "{}", r.text("#year-2025"));

    // Save a draft first: members see it, the profile does not.
    let r = w.owner.get(&format!("/orgs/{org}/reports/new?year=2025")).await;
    assert_eq!(r.status, StatusCode::OK);
    let r = w
        .owner
        .post(&format!("/orgs/{org}/reports"), &report(YEAR, ""))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), Some(&*format!("/orgs/{org}/reports/2025")));
    let page = w.owner.get(&format!("/orgs/{org}/reports/2025")).await;
    assert!(page.text(".badge-report-draft").contains("草稿"));
    let profile = w.app.client().get(&format!("/orgs/{org}")).await;
    assert!(profile.text("#annual-reports").contains("未报送"));
    assert_eq!(profile.count("#annual-reports .badge-report-draft"), 0);

    // Submit it (edited): filed late.
    let r = w
        .owner
        .post(
            &format!("/orgs/{org}/reports/2025"),
            &with(report("", "1"), "staff_full", "15"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = w.owner.get(&format!("/orgs/{org}/reports/2025")).await;
    assert!(page.text(".badge-report-submitted").contains("已报送"));
    assert!(page.text(".badge-timely-late").contains("逾期报送"));
    assert_eq!(page.count("form[action$='/reports/2025']"), 0, "read-only now");
    // Submitted: the organization can no longer change it.
    let r = w
        .owner
        .post(&format!("/orgs/{org}/reports/2025"), &report("", "1"))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);

    // The regulator finds it in the queue, filtered by year and league.
    let (mut reg, reg_id) = w
        .app
        .signed_in("regulator@example.org", &[Role::Regulator])
        .await;
    let q = reg.get("/regulation/reports?year=2025&league=150100").await;
    assert_eq!(q.status, StatusCode::OK);
    assert!(q.text("table").contains("青城社区养老服务中心"));
    let q = reg.get("/regulation/reports?year=2024").await;
    assert!(!q.body.contains("青城社区养老服务中心"));
    let q = reg.get("/regulation/reports?league=150200").await;
    assert!(!q.body.contains("青城社区养老服务中心"));

    // A return needs reasons: 422, nothing written.
    let page = reg.get(&format!("/orgs/{org}/reports/2025")).await;
    assert_eq!(page.count("#review form"), 1);
    let r = reg
        .post(
            &format!("/orgs/{org}/reports/2025/review"),
            &[("decision", "return"), ("reason", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text("#review .error-msg").contains("请填写退回理由"));
    let r = reg
        .post(
            &format!("/orgs/{org}/reports/2025/review"),
            &[("decision", "return"), ("reason", "管理费用与审计报告不符")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // The administrator is told, sees the reasons, corrects and resubmits.
    let inbox = w.owner.get("/me/notifications").await;
    assert!(inbox.body.contains("管理费用与审计报告不符"), "{}", inbox.body);
    let page = w.owner.get(&format!("/orgs/{org}/reports/2025")).await;
    assert!(page.text(".flash-error").contains("管理费用与审计报告不符"));
    assert_eq!(page.value("#staff_full").as_deref(), Some("15"));
    let r = w
        .owner
        .post(&format!("/orgs/{org}/reports/2025"), &report("", "1"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let q = reg.get("/regulation/reports").await;
    assert!(q.text("table").contains("已报送2次"), "{}", q.text("table"));

    let r = reg
        .post(
            &format!("/orgs/{org}/reports/2025/review"),
            &[("decision", "accept"), ("reason", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Accepted: no more review; a second one is refused (409) and changes nothing.
    let r = reg
        .post(
            &format!("/orgs/{org}/reports/2025/review"),
            &[("decision", "return"), ("reason", "再次退回")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let page = reg.get(&format!("/orgs/{org}/reports/2025")).await;
    assert!(page.text(".badge-report-accepted").contains("已通过"));
    assert!(page.text(".badge-timely-late").contains("逾期报送"));
    let inbox = w.owner.get("/me/notifications").await;
    assert!(inbox.body.contains("已审核通过"));

    // The public profile shows the status, never the figures.
    let profile = w.app.client().get(&format!("/orgs/{org}")).await;
    assert!(profile.text("#annual-reports").contains("已通过"));
    assert!(!profile.body.contains("1,000,000"));
    assert_eq!(profile.count(&format!("a[href='/orgs/{org}/reports']")), 0);

    // Audit: drafted, submitted, returned, resubmitted, accepted.
    let actions: Vec<String> = civicbridge::audit::model::event::Entity::find()
        .filter(civicbridge::audit::model::event::Column::Entity.eq("annual_report"))
        .all(&w.app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        ["drafted", "submitted", "returned", "resubmitted", "accepted"]
    );
    let _ = (reg_id, w.owner_id);
}

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

#[tokio::test]
async fn bad_reports_come_back_with_messages_and_write_nothing() {
    let mut w = world().await;
    let org = w.org;
    let path = format!("/orgs/{org}/reports");
    let cases: Vec<(Vec<(&str, &str)>, &str, &str)> = vec![
        (report("2026", "1"), "year", "尚未结束"),
        (report("2031", "1"), "year", "尚未结束"),
        (report("2018", "1"), "year", "登记当年"),
        (with(report(YEAR, "1"), "income", "-5"), "income", "非负"),
        (
            with(report(YEAR, "1"), "expense_other", "20001"),
            "expense",
            "与支出总额不符",
        ),
        (
            with(report(YEAR, "1"), "grant", "700000"),
            "gov_purchase",
            "不能超过收入总额",
        ),
        (with(report(YEAR, "1"), "staff_part", "-1"), "staff_part", "整数"),
        (
            with(report(YEAR, "1"), "party_established", "no"),
            "party_standard",
            "尚未建立党组织",
        ),
        (with(report(YEAR, "1"), "activities", "a\u{0}b"), "activities", ""),
    ];
    for (form, field, message) in cases {
        let r = w.owner.post(&path, &form).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        let err = r.text(&format!("#{field}-error"));
        assert!(err.contains(message), "{field}: {err}");
        // What was typed comes back.
        assert_eq!(
            r.value("#income").as_deref(),
            form.iter().find(|p| p.0 == "income").map(|p| p.1)
        );
    }
    assert_eq!(w.app.count("annual_reports").await, 0);

    // English messages too.
    let r = w
        .owner
        .post(
            &format!("{path}?lang=en"),
            &with(report(YEAR, "1"), "expense_other", "1"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // A duplicate year: 422, the first one unchanged.
    let r = w.owner.post(&path, &report(YEAR, "1")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = w
        .owner
        .post(&path, &with(report(YEAR, ""), "staff_full", "99"))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text("#year-error").contains("已存在"), "{}", r.text(".form-errors"));
    assert_eq!(w.app.count("annual_reports").await, 1);
    let page = w.owner.get(&format!("{path}/2025")).await;
    assert!(page.text(".props").contains("12"));
    assert!(!page.text(".props").contains("99"));
}

#[tokio::test]
async fn only_members_and_regulators_read_and_only_administrators_file() {
    let mut w = world().await;
    let org = w.org;
    let r = w.owner.post(&format!("/orgs/{org}/reports"), &report(YEAR, "1")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let (mut member, member_id) = w.app.signed_in("member@example.org", &[]).await;
    w.app.add_member(org, member_id, OrgRole::Member).await;
    let (mut stranger, _) = w.app.signed_in("stranger@example.org", &[]).await;
    let other_org = {
        let (_, other_id) = w.app.signed_in("other@example.org", &[]).await;
        w.app.org(other_id, 2, "另一家机构").await
    };
    let (mut admin, _) = w.app.signed_in("admin@example.org", &[Role::Admin]).await;
    let mut anon = w.app.client();
    let detail = format!("/orgs/{org}/reports/2025");

    // Members read; strangers get 403 on an existing report as on a missing one.
    assert_eq!(member.get(&detail).await.status, StatusCode::OK);
    assert_eq!(member.get(&format!("/orgs/{org}/reports/2024")).await.status, StatusCode::NOT_FOUND);
    for path in [
        detail.clone(),
        format!("/orgs/{org}/reports/2024"),
        format!("/orgs/{org}/reports"),
    ] {
        assert_eq!(stranger.get(&path).await.status, StatusCode::FORBIDDEN, "{path}");
        let a = anon.get(&path).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{path}");
        assert!(a.location().is_some_and(|l| l.starts_with("/login")));
    }
    // The administrator of another organization cannot file or read for this one.
    let mut other = w.app.client();
    other.login("other@example.org", common::PW).await;
    let r = other.post(&format!("/orgs/{org}/reports"), &report("2024", "1")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(other.get(&format!("/orgs/{other_org}/reports")).await.status, StatusCode::OK);
    // A member is no filer, nor is a platform administrator; neither reviews.
    let r = member.post(&format!("/orgs/{org}/reports"), &report("2024", "1")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = admin.post(&format!("/orgs/{org}/reports"), &report("2024", "1")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(admin.get(&detail).await.status, StatusCode::OK);
    for c in [&mut member, &mut admin, &mut w.owner] {
        let r = c
            .post(&format!("{detail}/review"), &[("decision", "accept")])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(c.get("/regulation/reports").await.status, StatusCode::FORBIDDEN);
    }
    assert_eq!(w.app.count("annual_reports").await, 1);
    // Nonsense years are "not found", never a 500.
    for y in ["abc", "0", "99999", "-1"] {
        let r = member.get(&format!("/orgs/{org}/reports/{y}")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{y}");
    }
}

#[tokio::test]
async fn filing_on_time_shows_on_time() {
    let mut w = world().await;
    let org = w.org;
    // Back to 2026-03-01: 2025 is due by 2026-05-31.
    let march = 1_772_323_200;
    w.app.clock().advance(march - w.app.clock().now());
    let r = w.owner.get(&format!("/orgs/{org}/reports")).await;
    assert!(r.text("#year-2025").contains("未到期限"), "{}", r.text("#year-2025"));
    assert!(r.text("#year-2024").contains("逾期未报"));
    let r = w.owner.post(&format!("/orgs/{org}/reports"), &report(YEAR, "1")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Returned after the deadline and resubmitted: still on time (the first filing counts).
    w.app.clock().advance(100 * 86_400);
    let (mut reg, _) = w
        .app
        .signed_in("regulator@example.org", &[Role::Regulator])
        .await;
    reg.post(
        &format!("/orgs/{org}/reports/2025/review"),
        &[("decision", "return"), ("reason", "请补充活动情况")],
    )
    .await;
    w.owner
        .post(&format!("/orgs/{org}/reports/2025"), &report("", "1"))
        .await;
    let page = w.owner.get(&format!("/orgs/{org}/reports/2025")).await;
    assert!(page.text(".badge-timely-on_time").contains("按时报送"));
    // 2026 may not be filed even in 2026.
    let r = w.owner.post(&format!("/orgs/{org}/reports"), &report("2026", "1")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}
