//! Annual reports and penalties through HTTP, as the organization's administrators, its
//! members, regulators, other users and anonymous visitors see them.

use crate::common;

use crate::common::TestApp;
use axum::http::StatusCode;
use civicbridge::accounts::{OrgRole, Role};

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
    assert_eq!(
        r.count(&format!("a[href='/orgs/{org}/reports/new?year=2026']")),
        0
    );
    // Late: the 2025 deadline (2026-05-31) has passed.
    assert!(
        r.text("#year-2025").contains("逾期未报"),
        "{}",
        r.text("#year-2025")
    );

    // Save a draft first: members see it, the profile does not.
    let r = w
        .owner
        .get(&format!("/orgs/{org}/reports/new?year=2025"))
        .await;
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
    assert_eq!(
        page.count("form[action$='/reports/2025']"),
        0,
        "read-only now"
    );
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
    assert!(
        inbox.body.contains("管理费用与审计报告不符"),
        "{}",
        inbox.body
    );
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
        [
            "drafted",
            "submitted",
            "returned",
            "resubmitted",
            "accepted"
        ]
    );
    let _ = (reg_id, w.owner_id);
}

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

#[tokio::test]
async fn bad_reports_come_back_with_messages_and_write_nothing() {
    let mut w = world().await;
    let org = w.org;
    let path = format!("/orgs/{org}/reports");
    // (form, field with the message, part of the message)
    type Case<'a> = (Vec<(&'static str, &'a str)>, &'a str, &'a str);
    let cases: Vec<Case> = vec![
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
        (
            with(report(YEAR, "1"), "staff_part", "-1"),
            "staff_part",
            "整数",
        ),
        (
            with(report(YEAR, "1"), "party_established", "no"),
            "party_standard",
            "尚未建立党组织",
        ),
        (
            with(report(YEAR, "1"), "activities", "a\u{0}b"),
            "activities",
            "",
        ),
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

    // A duplicate year: 422, the first one unchanged.
    let r = w.owner.post(&path, &report(YEAR, "1")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = w
        .owner
        .post(&path, &with(report(YEAR, ""), "staff_full", "99"))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text("#year-error").contains("已存在"),
        "{}",
        r.text(".form-errors")
    );
    assert_eq!(w.app.count("annual_reports").await, 1);
    let page = w.owner.get(&format!("{path}/2025")).await;
    assert!(page.text(".props").contains("12"));
    assert!(!page.text(".props").contains("99"));

    // English messages too.
    let r = w
        .owner
        .post(
            &format!("{path}?lang=en"),
            &with(report("2024", "1"), "expense_other", "1"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text("#expense-error").contains("add up to"),
        "{}",
        r.text("#expense-error")
    );
    assert_eq!(w.app.count("annual_reports").await, 1);
}

#[tokio::test]
async fn only_members_and_regulators_read_and_only_administrators_file() {
    let mut w = world().await;
    let org = w.org;
    let r = w
        .owner
        .post(&format!("/orgs/{org}/reports"), &report(YEAR, "1"))
        .await;
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
    assert_eq!(
        member
            .get(&format!("/orgs/{org}/reports/2024"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    for path in [
        detail.clone(),
        format!("/orgs/{org}/reports/2024"),
        format!("/orgs/{org}/reports"),
    ] {
        assert_eq!(
            stranger.get(&path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
        let a = anon.get(&path).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{path}");
        assert!(a.location().is_some_and(|l| l.starts_with("/login")));
    }
    // The administrator of another organization cannot file or read for this one.
    let mut other = w.app.client();
    other.login("other@example.org", common::PW).await;
    let r = other
        .post(&format!("/orgs/{org}/reports"), &report("2024", "1"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        other
            .get(&format!("/orgs/{other_org}/reports"))
            .await
            .status,
        StatusCode::OK
    );
    // A member is no filer, nor is a platform administrator; neither reviews.
    let r = member
        .post(&format!("/orgs/{org}/reports"), &report("2024", "1"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = admin
        .post(&format!("/orgs/{org}/reports"), &report("2024", "1"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(admin.get(&detail).await.status, StatusCode::OK);
    for c in [&mut member, &mut admin, &mut w.owner] {
        let r = c
            .post(&format!("{detail}/review"), &[("decision", "accept")])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(
            c.get("/regulation/reports").await.status,
            StatusCode::FORBIDDEN
        );
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
    assert!(
        r.text("#year-2025").contains("未到期限"),
        "{}",
        r.text("#year-2025")
    );
    assert!(r.text("#year-2024").contains("逾期未报"));
    let r = w
        .owner
        .post(&format!("/orgs/{org}/reports"), &report(YEAR, "1"))
        .await;
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
    let r = w
        .owner
        .post(&format!("/orgs/{org}/reports"), &report("2026", "1"))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn regulators_record_penalties_that_are_published() {
    let mut w = world().await;
    let org = w.org;
    let (mut reg, _) = w
        .app
        .signed_in("regulator@example.org", &[Role::Regulator])
        .await;
    let form = [
        ("kind", "fine"),
        ("amount", "20000"),
        (
            "legal_basis",
            "《民办非企业单位登记管理暂行条例》第二十五条",
        ),
        ("decided_on", "2026-11-20"),
        ("decision", "超出业务范围开展活动，处以罚款。"),
    ];
    assert_eq!(
        reg.get(&format!("/orgs/{org}/penalties/new")).await.status,
        StatusCode::OK
    );
    // Bad input: 422, typed values kept, nothing written.
    let bad = [
        ("kind", "fine"),
        ("amount", ""),
        ("legal_basis", "第二十五条"),
        ("decided_on", "2026-12-31"),
        ("decision", "处以罚款。"),
    ];
    let r = reg.post(&format!("/orgs/{org}/penalties"), &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text("#amount-error").contains("罚款须填写金额"));
    assert!(r.text("#decided_on-error").contains("不能晚于今天"));
    assert_eq!(r.value("#legal_basis").as_deref(), Some("第二十五条"));
    // Without confirmation only the consequences show.
    let r = reg.post(&format!("/orgs/{org}/penalties"), &form).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("¥20,000.00"), "{}", r.body);
    assert_eq!(w.app.count("penalties").await, 0);
    let mut confirmed = form.to_vec();
    confirmed.push(("confirm", "1"));
    let r = reg
        .post(&format!("/orgs/{org}/penalties"), &confirmed)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(w.app.count("penalties").await, 1);

    // Published: the profile and the public list, to anyone.
    let mut anon = w.app.client();
    let profile = anon.get(&format!("/orgs/{org}")).await;
    assert!(profile.text("#penalties").contains("罚款"));
    assert!(profile.text("#penalties").contains("¥20,000.00"));
    let list = anon.get("/penalties?league=150100&kind=fine").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.text(".penalty-table").contains("青城社区养老服务中心"));
    let list = anon.get("/penalties?kind=warning").await;
    assert_eq!(list.count(".penalty-table"), 0);
    let list = anon.get("/penalties?lang=en").await;
    assert!(list.body.contains("Fine"));
    // The administrators are told.
    let inbox = w.owner.get("/me/notifications").await;
    assert!(inbox.body.contains("行政处罚"), "{}", inbox.body);

    // Nobody else records one.
    for who in ["owner", "admin", "anon"] {
        let mut c = match who {
            "owner" => w.app.client(),
            "admin" => w.app.signed_in("admin@example.org", &[Role::Admin]).await.0,
            _ => w.app.client(),
        };
        if who == "owner" {
            c.login("owner@example.org", common::PW).await;
        }
        let r = c.post(&format!("/orgs/{org}/penalties"), &confirmed).await;
        assert!(
            r.status == StatusCode::FORBIDDEN || r.status == StatusCode::SEE_OTHER,
            "{who}: {}",
            r.status
        );
        if r.status == StatusCode::SEE_OTHER {
            assert!(
                r.location().is_some_and(|l| l.starts_with("/login")),
                "{who}"
            );
        }
    }
    assert_eq!(w.app.count("penalties").await, 1);
}

#[tokio::test]
async fn targets_count_party_building_and_jobs_from_accepted_reports_only() {
    let mut w = world().await;
    let org = w.org;
    let (owner2, owner2_id) = w.app.signed_in("owner2@example.org", &[]).await;
    let org2 = w.app.org(owner2_id, 2, "第二家机构").await;
    let mut owner2 = owner2;
    let (mut reg, _) = w
        .app
        .signed_in("regulator@example.org", &[Role::Regulator])
        .await;
    w.owner
        .post(&format!("/orgs/{org}/reports"), &report(YEAR, "1"))
        .await;
    let no_party = with(
        with(report(YEAR, "1"), "party_established", "no"),
        "party_standard",
        "no",
    );
    owner2
        .post(
            &format!("/orgs/{org2}/reports"),
            &with(no_party, "staff_full", "5"),
        )
        .await;
    // Nothing accepted yet: no data.
    let t = w.app.client().get("/targets").await;
    assert!(
        t.text("#others tr[data-key=jobs]").contains("无数据"),
        "{}",
        t.text("#others")
    );
    reg.post(
        &format!("/orgs/{org}/reports/2025/review"),
        &[("decision", "accept")],
    )
    .await;
    let t = w.app.client().get("/targets").await;
    // One accepted report: 12 + 3 jobs, 1 of 1 with a party organization.
    assert_eq!(t.text("#jobs"), "15");
    assert_eq!(t.text("#party-share"), "100.00%");
    reg.post(
        &format!("/orgs/{org2}/reports/2025/review"),
        &[("decision", "accept")],
    )
    .await;
    let t = w.app.client().get("/targets?report_year=2025").await;
    assert_eq!(t.text("#jobs"), "23");
    assert_eq!(t.text("#party-share"), "50.00%");
    assert!(t.text("#others tr[data-key=jobs]").contains("23"));
    assert!(t.text("#others tr[data-key=party]").contains("50.00%"));
    // By league and the drill-down into its banners/counties (both orgs: Hohhot, Xincheng).
    assert!(
        t.text("table[data-table=report_leagues] tr[data-key='150100']")
            .contains("23")
    );
    let t = w
        .app
        .client()
        .get("/targets?report_year=2025&league=150100")
        .await;
    assert!(
        t.text("table[data-table=report_counties] tr[data-key='150102']")
            .contains("23")
    );
    let csv = w
        .app
        .client()
        .get("/targets.csv?table=report_leagues&report_year=2025")
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.contains("150100,"), "{}", csv.body);
    assert!(
        csv.body
            .lines()
            .any(|l| l.starts_with("150100,") && l.contains(",23,"))
    );
    let csv = w.app.client().get("/targets.csv?table=report_years").await;
    assert!(csv.body.lines().any(|l| l.starts_with("2025,")));
}
