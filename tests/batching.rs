//! Pages that list many rows load each kind of row in one query, however many rows there
//! are (issue 9, point 10): the SQL each request runs is logged through sea-orm's metric
//! callback and counted per table, and the pages still show every row in its place. They run
//! on SQLite, and on PostgreSQL when `TEST_DATABASE_URL` is set.

use crate::common::{PW, Resp, T0, TestApp};
use civicbridge::accounts::{OrgRole, Role};
use civicbridge::kernel::money::Fen;
use civicbridge::procurement::{self, rules};
use sea_orm::{ActiveModelTrait, ActiveValue::Set};

const DAY: i64 = 86_400;

/// A purchasing unit in Xincheng district.
async fn unit(app: &TestApp, name: &str) -> i64 {
    civicbridge::units::model::create(
        &app.state.db,
        &civicbridge::units::rules::draft(name, "150102").unwrap(),
        T0,
    )
    .await
    .unwrap()
}

/// The form of a tender of `unit` whose bids close at `deadline`.
fn tender_form(unit: i64, title: &str, deadline: i64) -> rules::TenderForm {
    rules::TenderForm {
        unit_id: unit.to_string(),
        title: title.into(),
        description: "为辖区内高龄、独居老人提供助餐、助洁和探访服务。".into(),
        domain: "elderly".into(),
        t_league: "150100".into(),
        budget: "500000".into(),
        method: "open_tender".into(),
        eval_method: "lowest_price".into(),
        price_weight: "30".into(),
        criterion_name: vec!["服务方案".into()],
        criterion_weight: vec!["40".into()],
        enquiry_deadline: rules::format_local(deadline - DAY),
        bid_deadline: rules::format_local(deadline),
        contract_months: "12".into(),
        milestone_name: vec!["启动".into(), "结项".into()],
        milestone_percent: vec!["40".into(), "60".into()],
        ..Default::default()
    }
}

/// A tender of `unit` drafted by `buyer`, published when `publish`; bids close in ten days.
async fn tender(app: &TestApp, unit: i64, buyer: i64, title: &str, publish: bool) -> i64 {
    let id = app
        .draft_tender(unit, buyer, &tender_form(unit, title, T0 + 10 * DAY))
        .await;
    if publish {
        app.publish_draft(id, buyer).await;
    }
    id
}

async fn bid(app: &TestApp, tender: i64, org: i64, user: i64, price: i64) {
    let t = procurement::get(&app.state.db, tender)
        .await
        .unwrap()
        .unwrap();
    procurement::submit_bid(
        &app.state.db,
        &app.state.seal,
        &t,
        org,
        Fen(price),
        "组建由持证社工和护理员组成的专业团队，每周上门探访。",
        user,
        T0 + 10,
        app.clock().today(),
    )
    .await
    .unwrap()
    .unwrap();
}

/// A pending contract of `org` with `unit` on tender `t`.
async fn contract(app: &TestApp, t: i64, u: i64, org: i64) {
    civicbridge::contracts::model::contract::ActiveModel {
        tender_id: Set(t),
        unit_id: Set(u),
        org_id: Set(org),
        value_fen: Set(10_000_000),
        supplier_is_social: Set(true),
        division_code: Set("150102".into()),
        state: Set("pending".into()),
        created_at: Set(T0),
        ..Default::default()
    }
    .insert(&app.state.db)
    .await
    .unwrap();
}

#[tokio::test]
async fn the_tender_lists_name_the_units_of_60_tenders_in_one_query() {
    let app = TestApp::new().await;
    let buyer = app.user("buyer@example.org", &[]).await;
    let mut units = Vec::new();
    for i in 0..20 {
        let name = format!("测试民政局{i:02}");
        units.push((unit(&app, &name).await, name));
    }
    let mut expected = std::collections::HashMap::new();
    for i in 0..60 {
        let (u, name) = &units[i % 20];
        let id = tender(&app, *u, buyer, &format!("养老服务项目{i:02}"), true).await;
        expected.insert(id, (*u, name.clone()));
    }
    let (mut c, log) = app.counted_client();
    let mut seen = std::collections::HashSet::new();
    for page in 1..=3 {
        log.clear();
        let r = c.get(&format!("/api/v1/tenders?page={page}")).await;
        assert_eq!(r.status, 200);
        // One query for the page, one for the total, one for all the units' names.
        assert_eq!(log.on("purchasing_units"), 1, "page {page}");
        let j = r.json();
        assert_eq!(j["total"], 60);
        let items = j["items"].as_array().unwrap();
        assert_eq!(items.len(), 20);
        for it in items {
            let id = it["id"].as_i64().unwrap();
            let (u, name) = &expected[&id];
            assert_eq!(it["unit_id"].as_i64(), Some(*u));
            assert_eq!(it["unit_name"].as_str(), Some(name.as_str()));
            assert!(seen.insert(id));
        }
    }
    assert_eq!(seen.len(), 60);
    // The HTML list too.
    log.clear();
    let r = c.get("/tenders").await;
    assert_eq!(r.status, 200);
    assert_eq!(log.on("purchasing_units"), 1);
    for (_, name) in &units {
        assert!(r.body.contains(name.as_str()), "{name} missing");
    }
}

#[tokio::test]
async fn the_tender_page_names_30_bidders_and_30_challengers_in_a_query_each() {
    let app = TestApp::new().await;
    let buyer = app.user("buyer@example.org", &[]).await;
    let owner = app.user("owner@example.org", &[]).await;
    let u = unit(&app, "新城区民政局").await;
    let id = tender(&app, u, buyer, "社区居家养老服务项目", true).await;
    let mut orgs = Vec::new();
    for n in 1..=30u32 {
        let name = format!("投标机构{n:02}");
        let org = app.org(owner, n, &name).await;
        bid(&app, id, org, owner, 40_000_000 + i64::from(n)).await;
        orgs.push((org, name));
    }
    assert!(
        procurement::open_if_due(&app.state.db, &app.state.seal, id, T0 + 10 * DAY)
            .await
            .unwrap()
    );
    // Challenges straight into the table, last bidder first, so the page's order (oldest
    // challenge first) is not the bidders' order.
    for (org, _) in orgs.iter().rev() {
        procurement::model::challenge::ActiveModel {
            tender_id: Set(id),
            org_id: Set(*org),
            filed_by: Set(Some(owner)),
            text: Set(format!("质疑{org}")),
            filed_at: Set(T0 + 11 * DAY),
            ..Default::default()
        }
        .insert(&app.state.db)
        .await
        .unwrap();
    }
    let (mut c, log) = app.counted_client();
    let r = c.get(&format!("/tenders/{id}")).await;
    assert_eq!(r.status, 200);
    // The opening record's names, then the challengers' names: one query each, not 60.
    assert_eq!(log.on("organizations"), 2, "{:#?}", log.len());
    let opening: Vec<String> = r
        .doc()
        .select(&scraper::Selector::parse("#opening tbody tr td:first-child").unwrap())
        .map(|e| e.text().collect::<String>())
        .collect();
    let names: Vec<String> = orgs.iter().map(|(_, n)| n.clone()).collect();
    assert_eq!(opening, names);
    let challengers: Vec<String> = r
        .doc()
        .select(&scraper::Selector::parse("#challenges dt strong").unwrap())
        .map(|e| e.text().collect::<String>())
        .collect();
    let reversed: Vec<String> = names.iter().rev().cloned().collect();
    assert_eq!(challengers, reversed);
    // The JSON mirror shows the same opening record.
    log.clear();
    let j = c.get(&format!("/api/v1/tenders/{id}")).await.json();
    assert_eq!(log.on("organizations"), 1);
    let lines: Vec<&str> = j["opening"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["org_name"].as_str().unwrap())
        .collect();
    assert_eq!(lines, names);
}

#[tokio::test]
async fn the_units_page_loads_the_buyers_of_20_units_in_one_query() {
    let app = TestApp::new().await;
    app.user("admin@example.org", &[Role::Admin]).await;
    let hash = civicbridge::accounts::hash_password(PW).unwrap();
    let mut units = Vec::new();
    for i in 0..20 {
        let u = unit(&app, &format!("测试街道{i:02}")).await;
        let mut emails = Vec::new();
        // Named in descending order, created (user ids) ascending: the page lists a unit's
        // buyers by user id.
        for k in (0..2).rev() {
            let email = format!("buyer{i:02}-{k}@example.org");
            let user = civicbridge::accounts::create_user(
                &app.state.db,
                &email,
                &hash,
                &format!("采购人{i:02}-{k}"),
                &[],
                T0,
            )
            .await
            .unwrap();
            civicbridge::units::model::add_member(&app.state.db, u, user.id, T0)
                .await
                .unwrap();
            emails.push(email);
        }
        units.push((format!("测试街道{i:02}"), emails));
    }
    let (mut c, log) = app.counted_client();
    c.login("admin@example.org", PW).await;
    log.clear();
    let r = c.get("/admin/units").await;
    assert_eq!(r.status, 200);
    // The signed-in admin's own memberships, then the buyers of all the units.
    assert_eq!(log.on("unit_members"), 2);
    let doc = r.doc();
    let rows: Vec<String> = doc
        .select(&scraper::Selector::parse("table.data-table tbody tr").unwrap())
        .map(|e| e.text().collect::<String>())
        .collect();
    assert_eq!(rows.len(), 20);
    for (name, emails) in &units {
        let row = rows.iter().find(|r| r.contains(name.as_str())).unwrap();
        let at: Vec<usize> = emails
            .iter()
            .map(|e| row.find(e.as_str()).unwrap())
            .collect();
        assert!(at[0] < at[1], "{row}");
    }
}

#[tokio::test]
async fn the_workspace_loads_bids_and_contracts_of_all_the_users_orgs_at_once() {
    let app = TestApp::new().await;
    let buyer = app.user("buyer@example.org", &[]).await;
    let member = app.user("member@example.org", &[]).await;
    let owner = app.user("owner@example.org", &[]).await;
    let u = unit(&app, "新城区民政局").await;
    let open = tender(&app, u, buyer, "社区居家养老服务项目", true).await;
    let mut orgs = Vec::new();
    for n in 1..=8u32 {
        let name = format!("服务机构{n:02}");
        let org = app.org(owner, n, &name).await;
        app.add_member(org, member, OrgRole::Admin).await;
        bid(&app, open, org, member, 30_000_000 + i64::from(n)).await;
        // A contract of the organization, on a tender of its own.
        let t = tender(&app, u, buyer, &format!("合同项目{n:02}"), false).await;
        contract(&app, t, u, org).await;
        orgs.push(name);
    }
    let (mut c, log) = app.counted_client();
    c.login("member@example.org", PW).await;
    log.clear();
    let r = c.get("/me").await;
    assert_eq!(r.status, 200);
    // One query for the bids of the eight organizations, one for the contracts.
    assert_eq!(log.on("bids"), 1);
    assert_eq!(log.on("contracts"), 1);
    let bidders: Vec<String> = r
        .doc()
        .select(&scraper::Selector::parse("#ws-bids tbody tr td:nth-child(2)").unwrap())
        .map(|e| e.text().collect::<String>())
        .collect();
    assert_eq!(bidders.len(), 8);
    let contracts = r.text("#my-contracts");
    for (i, name) in orgs.iter().enumerate() {
        assert!(bidders.contains(name), "{name}");
        assert!(contracts.contains(name.as_str()), "{name}");
        assert!(contracts.contains(&format!("合同项目{:02}", i + 1)));
    }
}

/// An organization that has bid in more tenders than the workspace shows costs the workspace
/// no more than the rows it shows: it lists the latest 50 bids, newest first, and the query
/// reads only those (issue 18: the demo organization bids in every seeded tender, and `/me`
/// used to read all its bids and all their tenders to show 50).
#[tokio::test]
async fn the_workspace_reads_only_the_latest_bids() {
    let app = TestApp::new().await;
    let buyer = app.user("buyer@example.org", &[]).await;
    let owner = app.user("owner@example.org", &[]).await;
    let u = unit(&app, "新城区民政局").await;
    let org = app.org(owner, 1, "阳光养老服务中心").await;
    for n in 1..=55i64 {
        let id = tender(&app, u, buyer, &format!("社区服务项目{n:02}"), true).await;
        let t = procurement::get(&app.state.db, id).await.unwrap().unwrap();
        procurement::submit_bid(
            &app.state.db,
            &app.state.seal,
            &t,
            org,
            Fen(30_000_000 + n),
            "组建由持证社工和护理员组成的专业团队，每周上门探访。",
            owner,
            T0 + n,
            app.clock().today(),
        )
        .await
        .unwrap()
        .unwrap();
    }
    let (mut c, log) = app.counted_client();
    c.login("owner@example.org", PW).await;
    log.clear();
    let r = c.get("/me").await;
    assert_eq!(r.status, 200);
    let titles: Vec<String> = r
        .doc()
        .select(&scraper::Selector::parse("#ws-bids tbody tr td:nth-child(1)").unwrap())
        .map(|e| e.text().collect::<String>())
        .collect();
    let expected: Vec<String> = (6..=55)
        .rev()
        .map(|n| format!("社区服务项目{n:02}"))
        .collect();
    assert_eq!(titles, expected);
    let bid_reads: Vec<String> = log
        .statements()
        .into_iter()
        .filter(|s| s.contains("FROM \"bids\"") && s.contains("\"org_id\" IN"))
        .collect();
    assert_eq!(bid_reads.len(), 1, "{bid_reads:?}");
    assert!(bid_reads[0].contains("LIMIT"), "{}", bid_reads[0]);
}

/// The workspace lists the 20 latest contracts of the user's units and organizations and
/// links to `/me/contracts`, which pages through all of them, newest first, 50 a page; a
/// user with none sees none of anyone else's.
#[tokio::test]
async fn the_workspace_lists_the_latest_contracts_and_pages_the_rest() {
    let app = TestApp::new().await;
    let buyer = app.user("buyer@example.org", &[]).await;
    let owner = app.user("owner@example.org", &[]).await;
    app.user("stranger@example.org", &[]).await;
    let u = unit(&app, "新城区民政局").await;
    let org = app.org(owner, 1, "阳光养老服务中心").await;
    for n in 1..=55u32 {
        let t = tender(&app, u, buyer, &format!("合同项目{n:02}"), false).await;
        contract(&app, t, u, org).await;
    }
    let titles = |r: &Resp| -> Vec<String> {
        r.doc()
            .select(&scraper::Selector::parse("table.data-table tbody tr td:nth-child(1)").unwrap())
            .map(|e| e.text().collect::<String>().trim().to_string())
            .collect()
    };
    let newest = |from: u32, n: u32| -> Vec<String> {
        (from - n + 1..=from)
            .rev()
            .map(|i| format!("合同项目{i:02}"))
            .collect()
    };
    let (mut c, log) = app.counted_client();
    c.login("owner@example.org", PW).await;
    log.clear();
    let r = c.get("/me").await;
    assert_eq!(r.status, 200);
    assert_eq!(log.on("contracts"), 1);
    let shown: Vec<String> = r
        .doc()
        .select(&scraper::Selector::parse("#my-contracts tbody tr td:nth-child(1)").unwrap())
        .map(|e| e.text().collect::<String>().trim().to_string())
        .collect();
    assert_eq!(shown, newest(55, 20));
    assert!(
        r.body
            .contains(r#"<a class="all-contracts" href="/me/contracts">"#),
        "{}",
        r.text("#my-contracts")
    );
    let r = c.get("/me/contracts").await;
    assert_eq!(r.status, 200);
    assert_eq!(titles(&r), newest(55, 50));
    assert!(
        r.text(".contracts-total").contains("55"),
        "{}",
        r.text("main")
    );
    assert!(r.body.contains("href=\"/me/contracts?page=2\""));
    let r = c.get("/me/contracts?page=2").await;
    assert_eq!(titles(&r), newest(5, 5));
    // Past the last page: the last; nonsense: the first.
    assert_eq!(titles(&c.get("/me/contracts?page=9").await), newest(5, 5));
    assert_eq!(titles(&c.get("/me/contracts?page=x").await), newest(55, 50));
    let r = c.get("/me/contracts?lang=en").await;
    assert!(r.text(".contracts-total").contains("55 in all"));
    // Someone else's contracts are not theirs to see.
    let mut s = app.client();
    s.login("stranger@example.org", PW).await;
    let r = s.get("/me/contracts").await;
    assert_eq!(r.status, 200);
    assert!(titles(&r).is_empty());
    assert!(!r.body.contains("合同项目"));
}

/// The unread count in the header of every signed-in page comes in the one query that loads
/// the signed-in user (issue 10): no extra round trip per page, and it shows the number.
#[tokio::test]
async fn the_unread_count_comes_in_the_query_that_loads_the_user() {
    let app = TestApp::new().await;
    let owner = app.user("owner@example.org", &[]).await;
    let org = app.org(owner, 1, "阳光养老服务中心").await;
    let member = app.user("member@example.org", &[]).await;
    for (n, role) in [OrgRole::Member, OrgRole::Admin].into_iter().enumerate() {
        let reason = format!("第{n}次调整成员角色");
        let o = civicbridge::orgs::get(&app.state.db, org)
            .await
            .unwrap()
            .unwrap()
            .0;
        civicbridge::orgs::add_member(&app.state.db, &o, member, role, &reason, owner, T0)
            .await
            .unwrap()
            .unwrap();
    }
    let (mut c, log) = app.counted_client();
    c.login("member@example.org", PW).await;
    log.clear();
    let r = c.get("/tenders").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.text("#unread-count"), "2");
    let with_count: Vec<String> = log
        .statements()
        .into_iter()
        .filter(|s| s.contains("user_notifications"))
        .collect();
    assert_eq!(with_count.len(), 1, "{with_count:#?}");
    assert!(
        with_count[0].contains("user_roles") && with_count[0].contains("org_members"),
        "{}",
        with_count[0]
    );
}

/// The workspace's open tenders are looked for a page at a time among the 300 that close
/// soonest, without reading all 300: an organization still sees the tenders it may bid on
/// when more than a page of tenders it may not bid on (other cities only) close before them,
/// at most ten of them, soonest first, and none of the others.
#[tokio::test]
async fn the_workspace_finds_open_tenders_behind_a_page_it_may_not_bid_on() {
    let app = TestApp::new().await;
    let buyer = app.user("buyer@example.org", &[]).await;
    let owner = app.user("owner@example.org", &[]).await;
    app.org(owner, 1, "青城社工服务中心").await; // Hohhot (150100)
    let u = unit(&app, "新城区民政局").await;
    // 35 tenders only Baotou's organizations may bid on close first, then 12 open to all.
    for i in 0..35 {
        let f = rules::TenderForm {
            allowed_leagues: vec!["150200".into()],
            ..tender_form(u, &format!("包头限定项目{i:02}"), T0 + 5 * DAY + i * 60)
        };
        app.publish_tender(u, buyer, &f).await;
    }
    for i in 0..12 {
        let f = tender_form(u, &format!("可投标项目{i:02}"), T0 + 10 * DAY + i * 60);
        app.publish_tender(u, buyer, &f).await;
    }
    let mut c = app.client();
    c.login("owner@example.org", PW).await;
    let r = c.get("/me").await;
    assert_eq!(r.status, 200);
    let open = r.text("#ws-open-tenders");
    for i in 0..12 {
        let title = format!("可投标项目{i:02}");
        assert_eq!(open.contains(&title), i < 10, "{title} in {open}");
    }
    assert!(!open.contains("包头限定项目"), "{open}");
}
