//! Matching through HTTP: a buyer's tender page lists the eligible organizations ranked with
//! the parts of their scores, never an excluded one; every exclusion shows the rule that
//! fired; inviting is idempotent and the organization sees the invitation and its
//! recommended tenders in its workspace; the public sees no scores.

use crate::common;

use crate::common::{Client, T0, TestApp};
use axum::http::StatusCode;
use civicbridge::procurement::model::tender;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait};

const DAY: i64 = 86_400;

async fn sql(app: &TestApp, s: &str) {
    app.state.db.execute_unprepared(s).await.unwrap();
}

struct World {
    buyer: Client,
    tender: i64,
    /// (name, org id, owner's client)
    orgs: Vec<(&'static str, i64, Client)>,
}

impl World {
    fn org(&self, name: &str) -> i64 {
        self.orgs.iter().find(|o| o.0 == name).unwrap().1
    }
}

/// A Hohhot Xincheng tender for elderly care, set aside for social organizations, 3A or
/// better, registered 2+ years, Hohhot only; seven organizations each failing one rule or
/// passing.
async fn world(app: &TestApp) -> World {
    let db = &app.state.db;
    let (buyer, buyer_id) = app.signed_in("buyer@example.org", &[]).await;
    let unit = civicbridge::units::model::create(
        db,
        &civicbridge::units::rules::draft("新城区民政局", "150102").unwrap(),
        T0,
    )
    .await
    .unwrap();
    civicbridge::units::model::add_member(db, unit, buyer_id, T0)
        .await
        .unwrap();
    let tender = tender::ActiveModel {
        unit_id: Set(unit),
        created_by: Set(Some(buyer_id)),
        title: Set("新城区社区居家养老服务项目".into()),
        description: Set("为辖区老人提供助餐、助浴和探访服务。".into()),
        domain: Set("elderly".into()),
        division_code: Set("150102".into()),
        league_code: Set(Some("150100".into())),
        county_code: Set(Some("150102".into())),
        budget_fen: Set(50_000_000),
        method: Set("open_tender".into()),
        eval_method: Set("lowest_price".into()),
        price_weight: Set(100),
        min_grade: Set(Some(3)),
        social_only: Set(true),
        allowed_leagues: Set("150100".into()),
        min_years: Set(2),
        enquiry_deadline: Set(T0 + 5 * DAY),
        bid_deadline: Set(T0 + 10 * DAY),
        contract_months: Set(12),
        min_bids: Set(3),
        state: Set("published".into()),
        state_reason: Set(String::new()),
        published_at: Set(Some(T0 - DAY)),
        opened_at: Set(None),
        seq: Set(0),
        created_at: Set(T0 - 2 * DAY),
        updated_at: Set(T0 - DAY),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
    .id;
    let mut orgs = Vec::new();
    let names = [
        "合格甲养老服务中心",
        "失信乙养老服务中心",
        "企业丙养老服务中心",
        "过期丁养老服务中心",
        "新成立戊养老服务中心",
        "外地己养老服务中心",
        "合格庚养老服务中心",
    ];
    for (n, name) in names.into_iter().enumerate() {
        let (c, owner) = app.signed_in(&format!("owner{n}@example.org"), &[]).await;
        let id = app.org(owner, n as u32 + 1, name).await;
        orgs.push((name, id, c));
    }
    let id = |k: usize| orgs[k].1;
    // Everyone starts rated 3A until 2030, so each differs from 甲 in one way only.
    sql(
        app,
        "UPDATE organizations SET rating_grade = 3, rating_valid_until = '2030-01-01'",
    )
    .await;
    sql(
        app,
        &format!(
            "UPDATE organizations SET credit_status = 'abnormal' WHERE id = {}",
            id(1)
        ),
    )
    .await;
    sql(
        app,
        &format!(
            "UPDATE organizations SET kind = 'enterprise' WHERE id = {}",
            id(2)
        ),
    )
    .await;
    sql(
        app,
        &format!(
            "UPDATE organizations SET rating_grade = 4, rating_valid_until = '2026-01-01' WHERE id = {}",
            id(3)
        ),
    )
    .await;
    sql(
        app,
        &format!(
            "UPDATE organizations SET registration_date = '2025-06-01' WHERE id = {}",
            id(4)
        ),
    )
    .await;
    sql(
        app,
        &format!(
            "UPDATE organizations SET league_code = '150200', county_code = '150202', division_code = '150202' WHERE id = {}",
            id(5)
        ),
    )
    .await;
    sql(
        app,
        &format!(
            "UPDATE organizations SET rating_grade = 5, county_code = '150103', division_code = '150103' WHERE id = {}",
            id(6)
        ),
    )
    .await;
    World {
        buyer,
        tender,
        orgs,
    }
}

/// A completed contract of ¥100,000 rated 4 with one milestone accepted at first delivery.
async fn completed_contract(app: &TestApp, tender_id: i64, org: i64) {
    let db = &app.state.db;
    let base = tender::Entity::find_by_id(tender_id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let unit = base.unit_id;
    let mut other: tender::ActiveModel = base.into();
    other.id = sea_orm::ActiveValue::NotSet;
    other.state = Set("completed".into());
    let tid = other.insert(db).await.unwrap().id;
    sql(
        app,
        &format!(
            "INSERT INTO contracts (tender_id, unit_id, org_id, value_fen, supplier_is_social, division_code, state, buyer_signed_at, org_signed_at, signed_year, completed_at, rating, rating_comment, created_at) \
             VALUES ({tid}, {unit}, {org}, 10000000, TRUE, '150102', 'completed', {a}, {a}, 2025, {b}, 4, '好', {a})",
            a = T0 - 300 * DAY,
            b = T0 - 30 * DAY
        ),
    )
    .await;
    // Written past the signing operation, so keep the 30% ledger as signing would.
    civicbridge::targets::record_contract(
        db,
        2025,
        unit,
        true,
        civicbridge::kernel::money::Fen(10_000_000),
    )
    .await
    .unwrap();
    sql(
        app,
        &format!(
            "INSERT INTO contract_milestones (contract_id, position, name, percent_bp, amount_fen, state, report, return_reason, submitted_at, decided_at) \
             SELECT id, 1, '全部', 10000, 10000000, 'paid', '完成', NULL, {a}, {a} FROM contracts WHERE tender_id = {tid}",
            a = T0 - 40 * DAY
        ),
    )
    .await;
    // A paid milestone has its payment, as recording one would leave it.
    use civicbridge::contracts::model::{contract, payment};
    use sea_orm::{ColumnTrait, QueryFilter};
    let c = contract::Entity::find()
        .filter(contract::Column::TenderId.eq(tid))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    for m in civicbridge::contracts::milestones(db, c.id).await.unwrap() {
        payment::ActiveModel {
            contract_id: Set(c.id),
            milestone_id: Set(m.id),
            amount_fen: Set(m.amount_fen),
            paid_on: Set(time::macros::date!(2026 - 10 - 20)),
            reference: Set("GK-TEST-1".into()),
            recorded_by: Set(None),
            at: Set(T0 - 38 * DAY),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap();
    }
}

fn rows_of(r: &common::Resp, table: &str) -> Vec<i64> {
    let sel = scraper::Selector::parse(&format!("table.{table} tbody tr")).unwrap();
    r.doc()
        .select(&sel)
        .map(|e| e.value().attr("data-org").unwrap().parse().unwrap())
        .collect()
}

#[tokio::test]
async fn buyer_sees_ranked_matches_with_reasons_and_no_excluded_org() {
    let app = TestApp::new().await;
    let mut w = world(&app).await;
    completed_contract(&app, w.tender, w.org("合格庚养老服务中心")).await;
    let url = format!("/tenders/{}/matches", w.tender);
    let r = w.buyer.get(&url).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Only 甲 and 庚 are eligible; 庚's completed, well-rated contract puts it first.
    let top = rows_of(&r, "matches");
    assert_eq!(
        top,
        vec![w.org("合格庚养老服务中心"), w.org("合格甲养老服务中心")]
    );
    let scores = r.text("table.matches td.score");
    // 庚: domain 30 + league 12 + 5A 15 + track 9.3 + capacity 10 = 76.3;
    // 甲: domain 30 + county 20 + 3A 9 + capacity 10 = 69.0.
    assert_eq!(scores.split('\n').collect::<Vec<_>>(), vec!["76.3", "69.0"]);
    let first = r.text("table.matches tbody tr:first-child .score-parts");
    assert!(first.contains("评估等级5A"), "{first}");
    assert!(first.contains("已完成合同1份"), "{first}");
    assert!(first.contains("100%"), "{first}");
    assert!(first.contains("与服务地同一盟市"), "{first}");
    assert!(
        r.text("#match-counts")
            .contains("符合资格 2 家，不符合 5 家")
    );
    // Every excluded organization is listed with exactly the rule that fired.
    let expect = [
        ("失信乙养老服务中心", "credit"),
        ("企业丙养老服务中心", "social"),
        ("过期丁养老服务中心", "rating_expired"),
        ("新成立戊养老服务中心", "young"),
        ("外地己养老服务中心", "place"),
    ];
    let excluded = rows_of(&r, "excluded");
    assert_eq!(excluded.len(), 5);
    for (name, rule) in expect {
        let id = w.org(name);
        assert!(!top.contains(&id), "{name} excluded but listed as a match");
        let rules = r.text(&format!("table.excluded tr[data-org='{id}'] li"));
        let codes: Vec<String> = {
            let sel = scraper::Selector::parse(&format!("table.excluded tr[data-org='{id}'] li"))
                .unwrap();
            r.doc()
                .select(&sel)
                .map(|e| e.value().attr("data-rule").unwrap().to_string())
                .collect()
        };
        assert_eq!(codes, vec![rule.to_string()], "{name}: {rules}");
    }
    assert!(
        r.text("table.excluded")
            .contains("评估等级4A已过有效期，本项目要求有效期内不低于3A")
    );
    // Looking one organization up says the same.
    let id = w.org("外地己养老服务中心");
    let one = w.buyer.get(&format!("{url}?org={id}")).await;
    assert!(
        one.text(".lookup-result")
            .contains("不在本项目允许的盟市范围内")
    );
    let bad = w.buyer.get(&format!("{url}?org=abc")).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.value("input[name=org]").as_deref(), Some("abc"));
    // English.
    let en = w.buyer.get(&format!("{url}?lang=en")).await;
    assert!(en.text("table.matches").contains("Rated 5A (valid)"));

    // Not for the public, the organizations or other buyers; the public tender page shows
    // no scores and no link.
    let mut anon = app.client();
    let r = anon.get(&url).await;
    assert!(r.location().unwrap().starts_with("/login"));
    let page = anon.get(&format!("/tenders/{}", w.tender)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("/matches"));
    assert!(!page.body.contains("匹配分"));
    let other_owner = &mut w.orgs[0].2;
    assert_eq!(other_owner.get(&url).await.status, StatusCode::FORBIDDEN);
    // The buyer's own tender page lists the best matches with their reasons and a link.
    let buyer_page = w.buyer.get(&format!("/tenders/{}", w.tender)).await;
    assert!(buyer_page.body.contains(&url), "buyers get the link");
    let sel = scraper::Selector::parse("ol.matches-top > li").unwrap();
    let listed: Vec<i64> = buyer_page
        .doc()
        .select(&sel)
        .map(|e| e.value().attr("data-org").unwrap().parse().unwrap())
        .collect();
    assert_eq!(listed, top);
    assert!(
        buyer_page
            .text("ol.matches-top")
            .contains("Rated 5A (valid)"),
        "in the language chosen earlier"
    );
}

#[tokio::test]
async fn invitations_are_idempotent_and_reach_the_workspace() {
    let app = TestApp::new().await;
    let mut w = world(&app).await;
    let good = w.org("合格甲养老服务中心");
    let listed = w.org("失信乙养老服务中心");
    let url = format!("/tenders/{}/invite", w.tender);
    w.buyer.get(&format!("/tenders/{}/matches", w.tender)).await;
    let r = w.buyer.post(&url, &[("org_id", &good.to_string())]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = w.buyer.get(r.location().unwrap()).await;
    assert!(page.text(".flash").contains("已发出投标邀请"));
    assert!(
        page.text(&format!(
            "table.matches tr[data-org='{good}'] .badge-invited"
        ))
        .contains("已邀请")
    );
    let again = w.buyer.post(&url, &[("org_id", &good.to_string())]).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert!(
        w.buyer
            .get(again.location().unwrap())
            .await
            .text(".flash")
            .contains("未重复发送")
    );
    assert_eq!(app.count("notifications").await, 1);
    // From the tender page itself, back to the tender page.
    let seven = w.org("合格庚养老服务中心").to_string();
    w.buyer.get(&format!("/tenders/{}", w.tender)).await;
    let r = w
        .buyer
        .post(&url, &[("org_id", &seven), ("back", "tender")])
        .await;
    assert_eq!(
        r.location(),
        Some(format!("/tenders/{}#matches", w.tender).as_str())
    );
    assert_eq!(app.count("notifications").await, 2);
    // An excluded organization cannot be invited: 422 with the reason, nothing written.
    let r = w.buyer.post(&url, &[("org_id", &listed.to_string())]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text(".form-errors").contains("活动异常名录"),
        "{}",
        r.text(".form-errors")
    );
    for bad in ["", "x", "999999"] {
        let r = w.buyer.post(&url, &[("org_id", bad)]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad:?}");
    }
    assert_eq!(app.count("notifications").await, 2);
    // Someone else's buyer or an organization cannot invite.
    let owner = &mut w.orgs[0].2;
    owner.get("/me").await;
    let r = owner.post(&url, &[("org_id", &good.to_string())]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // The invited organization's administrator sees it with an unread count.
    let me = owner.get("/me").await;
    assert!(
        me.text("#invitations")
            .contains("新城区社区居家养老服务项目")
    );
    assert_eq!(me.text("#invitations .badge-count"), "1");
    assert!(
        me.text("#recommended")
            .contains("新城区社区居家养老服务项目"),
        "an eligible organization gets the tender recommended"
    );
    let r = owner.post("/me/invitations/read", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        owner.get("/me").await.text("#invitations .badge-count"),
        "0"
    );
    // The listed organization neither is invited nor gets the tender recommended.
    let listed_owner = &mut w.orgs[1].2;
    let me = listed_owner.get("/me").await;
    assert!(
        !me.text("#invitations")
            .contains("新城区社区居家养老服务项目")
    );
    assert!(
        !me.text("#recommended")
            .contains("新城区社区居家养老服务项目")
    );
    // After the deadline, no more invitations.
    app.clock().advance(11 * DAY);
    let r = w
        .buyer
        .post(
            &url,
            &[("org_id", &w.org("合格甲养老服务中心").to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text(".form-errors").contains("不在投标期内"));
    assert_eq!(app.count("notifications").await, 2);
}

#[tokio::test]
async fn the_snapshot_reads_track_record_and_capacity_from_contracts() {
    let app = TestApp::new().await;
    let w = world(&app).await;
    let org = w.org("合格甲养老服务中心");
    completed_contract(&app, w.tender, org).await;
    let snap = civicbridge::matching::candidates(&civicbridge::matching::routes::env(&app.state))
        .await
        .unwrap();
    let c = snap.iter().find(|c| c.org_id == org).unwrap();
    assert_eq!(
        (
            c.completed,
            c.rating_sum,
            c.rating_count,
            c.milestones_decided,
            c.milestones_first_time,
            c.live_contracts,
            c.staff
        ),
        (1, 4, 1, 1, 1, 0, 8)
    );
    assert_eq!(c.domains.count_ones(), 1);
    // The snapshot is reused until invalidated.
    sql(
        &app,
        &format!("UPDATE organizations SET staff_count = 40 WHERE id = {org}"),
    )
    .await;
    let again = civicbridge::matching::candidates(&civicbridge::matching::routes::env(&app.state))
        .await
        .unwrap();
    assert!(std::sync::Arc::ptr_eq(&snap, &again));
    app.state.matching.invalidate(&app.state.db).await;
    let fresh = civicbridge::matching::candidates(&civicbridge::matching::routes::env(&app.state))
        .await
        .unwrap();
    assert_eq!(fresh.iter().find(|c| c.org_id == org).unwrap().staff, 40);
}

/// Requests that find the snapshot stale together build it once and share it (issue 18: 64
/// cold workspaces each built their own, 2 GB together, none finished).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_that_miss_the_snapshot_together_build_it_once() {
    let app = TestApp::new().await;
    let owner = app.user("owner@example.org", &[]).await;
    for n in 1..=5 {
        app.org(owner, n, &format!("第{n}社会工作服务中心")).await;
    }
    let state = app.state.clone();
    let tasks: Vec<_> = (0..12)
        .map(|_| {
            let st = state.clone();
            tokio::spawn(async move {
                civicbridge::matching::candidates(&civicbridge::matching::routes::env(&st))
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut snaps = Vec::new();
    for t in tasks {
        snaps.push(t.await.unwrap());
    }
    assert_eq!(snaps[0].len(), 5);
    assert!(
        snaps.iter().all(|s| std::sync::Arc::ptr_eq(s, &snaps[0])),
        "one snapshot built and shared"
    );
    app.check_invariants().await.unwrap();
}
