//! The 30% ledger and the dashboard through HTTP, on a small hand-computed data set: shares
//! and gaps at every roll-up level, a unit without purchases ("no data"), a terminated and
//! an unsigned contract left out, contracts counted in the (Asia/Shanghai) year signed, the
//! maintained ledger equal to the recomputation, CSV exports equal to the tables, the
//! drill-down and the what-if helper.

use std::collections::HashMap;

use crate::common::{Client, T0, TestApp};
use axum::http::StatusCode;
use civicbridge::contracts::{self, ContractSeed, Side};
use civicbridge::kernel::money::Fen;
use civicbridge::procurement::model::tender;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, TransactionTrait};

const DAY: i64 = 86_400;

async fn unit(app: &TestApp, name: &str, code: &str) -> i64 {
    civicbridge::units::model::create(
        &app.state.db,
        &civicbridge::units::rules::draft(name, code).unwrap(),
        T0,
    )
    .await
    .unwrap()
}

async fn tender_row(app: &TestApp, unit: i64) -> i64 {
    tender::ActiveModel {
        unit_id: Set(unit),
        created_by: Set(None),
        title: Set("政策目标测试项目".into()),
        description: Set("用于政策目标测试。".into()),
        domain: Set("elderly".into()),
        division_code: Set("150102".into()),
        league_code: Set(Some("150100".into())),
        county_code: Set(Some("150102".into())),
        budget_fen: Set(1),
        method: Set("open_tender".into()),
        eval_method: Set("lowest_price".into()),
        price_weight: Set(100),
        min_grade: Set(None),
        social_only: Set(false),
        allowed_leagues: Set(String::new()),
        min_years: Set(0),
        enquiry_deadline: Set(T0 - 400 * DAY),
        bid_deadline: Set(T0 - 399 * DAY),
        contract_months: Set(12),
        min_bids: Set(1),
        state: Set("awarded".into()),
        state_reason: Set(String::new()),
        published_at: Set(Some(T0 - 401 * DAY)),
        opened_at: Set(Some(T0 - 399 * DAY)),
        seq: Set(0),
        created_at: Set(T0 - 402 * DAY),
        updated_at: Set(T0 - 399 * DAY),
        ..Default::default()
    }
    .insert(&app.state.db)
    .await
    .unwrap()
    .id
}

/// A contract through the real operations: created as at award, then signed by both sides
/// at `signed` (or left unsigned).
async fn contract(
    app: &TestApp,
    unit: i64,
    org: i64,
    fen: i64,
    social: bool,
    signed: Option<i64>,
) -> i64 {
    let db = &app.state.db;
    let t = tender_row(app, unit).await;
    let id = contracts::create_from_award(
        db,
        &ContractSeed {
            tender_id: t,
            unit_id: unit,
            org_id: org,
            value: Fen(fen),
            supplier_is_social: social,
            division_code: "150102".into(),
            milestones: vec![("全部".into(), 10_000)],
        },
        T0 - 398 * DAY,
    )
    .await
    .unwrap();
    if let Some(at) = signed {
        contracts::sign(db, id, Side::Buyer, 1, at)
            .await
            .unwrap()
            .unwrap();
        contracts::sign(db, id, Side::Supplier, 1, at)
            .await
            .unwrap()
            .unwrap();
    }
    id
}

struct Data {
    units: HashMap<&'static str, i64>,
    buyer: Client,
}

/// 2026 (T0 is 2026-11-27):
/// - 新城区 (150102): social ¥300,000, other ¥700,000; a terminated social ¥999,999
/// - 回民区 (150103): other ¥1,000,000.01; an unsigned social ¥50,000
/// - 呼和浩特市 (league level): social ¥500,000
/// - 东河区 (150202, Baotou): social ¥100,000, other ¥233,333.33
/// - 自治区民政厅 (region level): other ¥200,000
/// - 昆都仑区 (150203): nothing
///
/// 2025: 新城区 social ¥100,000 signed 2025-12-31 23:30 Shanghai (= 15:30 UTC), 回民区 other
/// ¥100,000.
async fn data(app: &TestApp) -> Data {
    let (buyer, buyer_id) = app.signed_in("buyer@example.org", &[]).await;
    let owner = app.user("owner@example.org", &[]).await;
    let org = app.org(owner, 1, "承接机构").await;
    let mut units = HashMap::new();
    for (k, name, code) in [
        ("xc", "新城区民政局", "150102"),
        ("hm", "回民区民政局", "150103"),
        ("hh", "呼和浩特市民政局", "150100"),
        ("dh", "东河区民政局", "150202"),
        ("nm", "内蒙古自治区民政厅", "150000"),
        ("kd", "昆都仑区民政局", "150203"),
    ] {
        units.insert(k, unit(app, name, code).await);
    }
    civicbridge::units::model::add_member(&app.state.db, units["xc"], buyer_id, T0)
        .await
        .unwrap();
    let y2026 = T0 - 30 * DAY;
    contract(app, units["xc"], org, 30_000_000, true, Some(y2026)).await;
    contract(app, units["xc"], org, 70_000_000, false, Some(y2026)).await;
    let terminated = contract(app, units["xc"], org, 99_999_900, true, Some(y2026)).await;
    contract(app, units["hm"], org, 100_000_001, false, Some(y2026)).await;
    contract(app, units["hm"], org, 5_000_000, true, None).await;
    contract(app, units["hh"], org, 50_000_000, true, Some(y2026)).await;
    contract(app, units["dh"], org, 10_000_000, true, Some(y2026)).await;
    contract(app, units["dh"], org, 23_333_333, false, Some(y2026)).await;
    contract(app, units["nm"], org, 20_000_000, false, Some(y2026)).await;
    // 2025-12-31 15:30 UTC is 23:30 in Shanghai: still 2025.
    let new_year_eve = 1_767_195_000;
    contract(app, units["xc"], org, 10_000_000, true, Some(new_year_eve)).await;
    contract(
        app,
        units["hm"],
        org,
        10_000_000,
        false,
        Some(T0 - 200 * DAY - 365 * DAY),
    )
    .await;
    // Termination (no route yet): the contract leaves the ledger in the same transaction.
    let db = &app.state.db;
    let txn = db.begin().await.unwrap();
    txn.execute_unprepared(&format!(
        "UPDATE contracts SET state = 'terminated' WHERE id = {terminated}"
    ))
    .await
    .unwrap();
    civicbridge::targets::remove_contract(&txn, 2026, units["xc"], true, Fen(99_999_900))
        .await
        .unwrap();
    txn.commit().await.unwrap();
    Data { units, buyer }
}

fn row<'a>(j: &'a serde_json::Value, list: &str, key: &str) -> &'a serde_json::Value {
    j[list]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == key)
        .unwrap_or_else(|| panic!("{list} {key}"))
}

#[tokio::test]
async fn hand_computed_shares_and_gaps_at_every_level() {
    let app = TestApp::new().await;
    let d = data(&app).await;
    let db = &app.state.db;
    // The maintained ledger equals the recomputation from the contracts.
    let kept = civicbridge::targets::model::rows(db).await.unwrap();
    let again = civicbridge::targets::model::recompute(db).await.unwrap();
    assert_eq!(kept, again);
    assert_eq!(kept.iter().map(|r| r.contracts).sum::<i64>(), 9);

    let mut c = app.client();
    let j = c
        .get("/api/v1/targets?year=2026&league=150100")
        .await
        .json();
    assert_eq!(j["year"], 2026);
    assert_eq!(j["target_bp"], 3000);
    let cell = |r: &serde_json::Value| {
        (
            r["cell"]["total"].as_i64().unwrap(),
            r["cell"]["social"].as_i64().unwrap(),
            r["share_bp"].as_i64(),
            r["gap"].as_i64().unwrap(),
            r["status"].as_str().unwrap().to_string(),
        )
    };
    // Banner/county level.
    assert_eq!(
        cell(row(&j, "counties", "150102")),
        (100_000_000, 30_000_000, Some(3000), 0, "Met".into())
    );
    assert_eq!(
        cell(row(&j, "counties", "150103")),
        (100_000_001, 0, Some(0), 30_000_001, "Below".into())
    );
    // League level: the league bureau counts in the league, not in a banner.
    assert_eq!(
        cell(row(&j, "leagues", "150100")),
        (250_000_001, 80_000_000, Some(3200), 0, "Met".into())
    );
    // 10,000,000 / 33,333,333 is just over 30%.
    assert_eq!(
        cell(row(&j, "leagues", "150200")),
        (33_333_333, 10_000_000, Some(3000), 0, "Met".into())
    );
    assert_eq!(
        cell(row(&j, "leagues", "150300")),
        (0, 0, None, 0, "NoData".into())
    );
    // The region: everything, the region's own bureau too. 90/303.3333334 = 29.67%;
    // ceil(0.3 × 303,333,334) = 91,000,001 fen → gap ¥10,000.01.
    assert_eq!(
        cell(&j["region"]),
        (
            303_333_334,
            90_000_000,
            Some(2967),
            1_000_001,
            "Below".into()
        )
    );
    assert_eq!(j["region"]["cell"]["contracts"], 7);
    assert_eq!(j["region"]["trend"], "Down", "50% in 2025");
    // Unit level, including the unit with no purchases.
    let units = |k: &str| d.units[k].to_string();
    let j_all = c.get("/api/v1/targets?year=2026").await.json();
    assert_eq!(
        cell(row(&j_all, "units", &units("hm"))),
        (100_000_001, 0, Some(0), 30_000_001, "Below".into())
    );
    assert_eq!(
        cell(row(&j_all, "units", &units("kd"))),
        (0, 0, None, 0, "NoData".into())
    );
    assert_eq!(
        cell(row(&j_all, "units", &units("nm"))),
        (20_000_000, 0, Some(0), 6_000_000, "Below".into())
    );
    // 2025: the new-year's-eve contract counts in 2025.
    let j25 = c.get("/api/v1/targets?year=2025").await.json();
    assert_eq!(
        cell(&j25["region"]),
        (20_000_000, 10_000_000, Some(5000), 0, "Met".into())
    );
    assert_eq!(
        cell(row(&j25, "units", &units("xc"))),
        (10_000_000, 10_000_000, Some(10_000), 0, "Met".into())
    );
    // The chosen league's trend.
    let ly: Vec<_> = j["league_by_year"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["key"].as_str().unwrap().to_string(), cell(r)))
        .collect();
    assert_eq!(
        ly,
        vec![
            (
                "2025".to_string(),
                (20_000_000, 10_000_000, Some(5000), 0, "Met".into())
            ),
            (
                "2026".to_string(),
                (250_000_001, 80_000_000, Some(3200), 0, "Met".into())
            ),
        ]
    );
    assert_eq!(j["league_by_year"][1]["trend"], "Down");
    let years: Vec<i64> = j["by_year"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap().parse().unwrap())
        .collect();
    assert_eq!(years, vec![2025, 2026]);

    // The page shows the same, with "no data" for the empty unit.
    let page = c.get("/targets?year=2026&league=150200").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.text("#region-share"), "29.67%");
    assert_eq!(page.text("#region-gap"), "¥10,000.01");
    let kd = page.text(&format!(
        "table.units tr[data-key='{}'] td[data-col=share]",
        units("kd")
    ));
    assert_eq!(kd, "无数据");
    assert_eq!(
        page.text("table.counties tr[data-key='150203'] td[data-col=share]"),
        "无数据"
    );
    let en = c.get("/targets?year=2026&league=150200&lang=en").await;
    assert_eq!(
        en.text("table.counties tr[data-key='150203'] td[data-col=share]"),
        "no data"
    );
    // Charts are progressive: the page carries the numbers for them and the tables.
    assert_eq!(page.count("#chart-years"), 1);
    assert_eq!(page.count("#chart-map"), 1);
    assert!(
        page.body
            .contains("vendor/echarts/echarts.dashboard.min.js")
    );
    let data: serde_json::Value = serde_json::from_str(&page.text("script#targets-data")).unwrap();
    assert_eq!(data["leagues"].as_array().unwrap().len(), 12);
    assert_eq!(data["leagues"][0]["map_name"], "呼和浩特市");
}

/// Parses a CSV body (BOM, quoted fields) into rows.
fn parse_csv(body: &str) -> Vec<Vec<String>> {
    let body = body.strip_prefix('\u{feff}').expect("UTF-8 BOM for Excel");
    let mut rows = Vec::new();
    let (mut row, mut field, mut quoted, mut chars) =
        (Vec::new(), String::new(), false, body.chars().peekable());
    while let Some(ch) = chars.next() {
        match (ch, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => row.push(std::mem::take(&mut field)),
            ('\r', false) => {}
            ('\n', false) => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (c, _) => field.push(c),
        }
    }
    rows
}

fn yuan_of(cell: &str) -> String {
    cell.trim().trim_start_matches('¥').replace(',', "")
}

#[tokio::test]
async fn csv_exports_parse_and_match_the_tables() {
    let app = TestApp::new().await;
    data(&app).await;
    let mut c = app.client();
    let page = c.get("/targets?year=2026&league=150100").await;
    for table in ["years", "leagues", "league_years", "counties", "units"] {
        let r = c
            .get(&format!(
                "/targets.csv?table={table}&year=2026&league=150100"
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{table}");
        assert!(
            r.headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/csv")
        );
        let rows = parse_csv(&r.body);
        assert_eq!(rows[0][0], "key");
        let html_rows = page.count(&format!("table.{table} tbody tr"));
        assert_eq!(rows.len() - 1, html_rows, "{table}: same number of rows");
        assert!(html_rows > 0);
        for csv in &rows[1..] {
            let sel = |col: &str| {
                page.text(&format!(
                    "table.{table} tr[data-key='{}'] td[data-col={col}]",
                    csv[0]
                ))
            };
            assert_eq!(yuan_of(&sel("total")), csv[3], "{table} {} total", csv[0]);
            assert_eq!(yuan_of(&sel("social")), csv[4], "{table} {} social", csv[0]);
            let share = sel("share");
            if csv[5].is_empty() {
                assert_eq!(share, "无数据");
            } else {
                assert_eq!(share, format!("{}%", csv[5]), "{table} {}", csv[0]);
            }
            assert_eq!(yuan_of(&sel("gap")), csv[6], "{table} {} gap", csv[0]);
            assert_eq!(sel("status").trim(), csv[7]);
            assert_eq!(sel("contracts").trim(), csv[9]);
        }
    }
    let others = parse_csv(&c.get("/targets.csv?table=others").await.body);
    assert_eq!(
        others[0],
        vec!["key", "name", "target", "current", "status"]
    );
    assert_eq!(others.len() - 1, page.count("table.others tbody tr"));
    assert_eq!(
        c.get("/targets.csv?table=nope").await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn drill_down_lists_the_contracts_behind_a_number() {
    let app = TestApp::new().await;
    let d = data(&app).await;
    let mut c = app.client();
    let r = c
        .get("/targets/contracts?year=2026&scope=county:150102")
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.count("table.drill tbody tr"),
        2,
        "the terminated one is left out"
    );
    assert_eq!(r.text("table.drill tfoot td"), "¥1,000,000.00");
    let r = c
        .get("/targets/contracts?year=2026&scope=region&social=1")
        .await;
    assert_eq!(r.count("table.drill tbody tr"), 3);
    assert_eq!(r.text("table.drill tfoot td"), "¥900,000.00");
    // Its CSV has every contract behind the number.
    let csv = parse_csv(
        &c.get("/targets/contracts?year=2026&scope=region&social=1&format=csv")
            .await
            .body,
    );
    assert_eq!(csv[0][0], "contract");
    assert_eq!(csv.len() - 1, 3);
    let sum: f64 = csv[1..].iter().map(|r| r[5].parse::<f64>().unwrap()).sum();
    assert_eq!(sum, 900_000.0);
    assert!(csv[1..].iter().all(|r| r[3] == "1" && r[4] == "2026"));
    // The page links every number to its contracts.
    let page = c.get("/targets?year=2026&league=150100").await;
    let href = |css: &str| {
        let sel = scraper::Selector::parse(css).unwrap();
        page.doc()
            .select(&sel)
            .next()
            .and_then(|e| e.value().attr("href").map(str::to_string))
            .unwrap_or_default()
    };
    assert_eq!(
        href("table.counties tr[data-key='150102'] td[data-col=social] a"),
        "/targets/contracts?year=2026&scope=county:150102&social=1"
    );
    assert_eq!(
        href("table.years tr[data-key='2025'] td[data-col=total] a"),
        "/targets/contracts?year=2025&scope=region"
    );
    let r = c
        .get(&format!(
            "/targets/contracts?year=2026&scope=unit:{}",
            d.units["kd"]
        ))
        .await;
    assert!(r.text(".empty").contains("没有合同"));
    let r = c
        .get("/targets/contracts?year=2025&scope=league:150100")
        .await;
    assert_eq!(r.count("table.drill tbody tr"), 2);
    for bad in [
        "/targets/contracts",
        "/targets/contracts?year=x&scope=region",
        "/targets/contracts?year=2026&scope=county:999999",
        "/targets/contracts?year=2026&scope=league:150102",
    ] {
        assert_eq!(c.get(bad).await.status, StatusCode::NOT_FOUND, "{bad}");
    }
}

#[tokio::test]
async fn what_if_for_a_buyers_unit() {
    let app = TestApp::new().await;
    let mut d = data(&app).await;
    let xc = d.units["xc"].to_string();
    let r = d.buyer.get("/targets/what-if").await;
    assert_eq!(r.status, StatusCode::OK);
    // 新城区 in 2026 so far: ¥300,000 of ¥1,000,000. Plan ¥1,000,000 more, none social:
    // 15%; 30% of ¥2,000,000 = ¥600,000 → ¥300,000 of the plan must go to social orgs.
    let r = d
        .buyer
        .get(&format!(
            "/targets/what-if?unit_id={xc}&planned_total=1,000,000&planned_social="
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text(".form-errors"));
    assert!(r.text("#so-far").contains("¥300,000.00 / ¥1,000,000.00"));
    assert!(r.text("#reached").contains("15.00%"));
    assert_eq!(r.text("#required"), "¥300,000.00");
    assert_eq!(r.text("#extra"), "¥300,000.00");
    assert_eq!(r.count("#unreachable"), 0);
    let r = d
        .buyer
        .get(&format!(
            "/targets/what-if?unit_id={xc}&planned_total=100000&planned_social=100000"
        ))
        .await;
    assert!(r.text("#reached").contains("36.36%"));
    assert_eq!(r.text("#extra"), "¥0.00");
    // Bad input: 422, the message next to the field, the typed value kept, nothing else.
    let r = d
        .buyer
        .get(&format!(
            "/targets/what-if?unit_id={xc}&planned_total=12abc&planned_social=5"
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text(".field.has-error .error-msg").contains("请填写金额"),
        "{}",
        r.body
    );
    assert_eq!(
        r.value("input[name=planned_total]").as_deref(),
        Some("12abc")
    );
    assert_eq!(r.count("#whatif-result"), 0);
    let other = d.units["hm"].to_string();
    let r = d
        .buyer
        .get(&format!("/targets/what-if?unit_id={other}&planned_total=1"))
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not the buyer's unit"
    );
    // Only buyers.
    let (mut plain, _) = app.signed_in("plain@example.org", &[]).await;
    assert_eq!(
        plain.get("/targets/what-if").await.status,
        StatusCode::FORBIDDEN
    );
}

/// Forty contracts signed through the real operation at random instants of three years in
/// random units, some never signed, five terminated: after every step the maintained ledger
/// equals the recomputation, and the dashboard's yearly region totals equal the sums the
/// test keeps itself.
#[tokio::test]
async fn the_ledger_stays_equal_to_the_recomputation() {
    use rand::{Rng, SeedableRng};
    let app = TestApp::new().await;
    let db = &app.state.db;
    let owner = app.user("owner@example.org", &[]).await;
    let org = app.org(owner, 1, "承接机构").await;
    let mut units = Vec::new();
    for (name, code) in [
        ("新城区民政局", "150102"),
        ("呼和浩特市民政局", "150100"),
        ("东河区民政局", "150202"),
        ("内蒙古自治区民政厅", "150000"),
    ] {
        units.push(unit(&app, name, code).await);
    }
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(42);
    // (contract id, unit, fen, social, year if signed)
    let mut made: Vec<(i64, i64, i64, bool, Option<i32>)> = Vec::new();
    let start_2024 = 1_704_038_400; // 2024-01-01 00:00 Shanghai
    for step in 0..40 {
        let u = units[rng.random_range(0..units.len())];
        let fen = rng.random_range(1..10_000_000_000_i64);
        let social = rng.random_bool(0.4);
        let signed = rng
            .random_bool(0.9)
            .then(|| start_2024 + rng.random_range(0..(T0 - start_2024)));
        let id = contract(&app, u, org, fen, social, signed).await;
        let year = signed.map(civicbridge::kernel::clock::shanghai_year);
        made.push((id, u, fen, social, year));
        if step % 10 == 9 {
            assert_eq!(
                civicbridge::targets::model::rows(db).await.unwrap(),
                civicbridge::targets::model::recompute(db).await.unwrap(),
                "after {} contracts",
                step + 1
            );
        }
    }
    let signed: Vec<usize> = (0..made.len()).filter(|i| made[*i].4.is_some()).collect();
    for k in signed.iter().step_by(7).take(5) {
        let (id, u, fen, social, year) = made[*k];
        let txn = db.begin().await.unwrap();
        txn.execute_unprepared(&format!(
            "UPDATE contracts SET state = 'terminated' WHERE id = {id}"
        ))
        .await
        .unwrap();
        civicbridge::targets::remove_contract(&txn, year.unwrap(), u, social, Fen(fen))
            .await
            .unwrap();
        txn.commit().await.unwrap();
        made[*k].4 = None;
    }
    assert_eq!(
        civicbridge::targets::model::rows(db).await.unwrap(),
        civicbridge::targets::model::recompute(db).await.unwrap()
    );
    let mut c = app.client();
    for year in 2024..=2026 {
        let (total, social): (i64, i64) = made
            .iter()
            .filter(|m| m.4 == Some(year))
            .fold((0, 0), |(t, s), m| (t + m.2, s + if m.3 { m.2 } else { 0 }));
        let j = c.get(&format!("/api/v1/targets?year={year}")).await.json();
        assert_eq!(
            j["region"]["cell"]["total"].as_i64().unwrap(),
            total,
            "{year}"
        );
        assert_eq!(
            j["region"]["cell"]["social"].as_i64().unwrap(),
            social,
            "{year}"
        );
    }
}

#[tokio::test]
async fn csv_downloads_never_carry_a_spreadsheet_formula() {
    let app = TestApp::new().await;
    let owner = app.user("owner@example.org", &[]).await;
    let name = "=HYPERLINK(\"http://evil.example\",\"点击\")";
    let org = app.org(owner, 1, name).await;
    let u = unit(&app, "+新城区民政局", "150102").await;
    contract(&app, u, org, 30_000_000, true, Some(T0 - 30 * DAY)).await;
    let mut c = app.client();
    let csv = parse_csv(
        &c.get("/targets/contracts?year=2026&scope=region&format=csv")
            .await
            .body,
    );
    assert_eq!(csv.len(), 2, "{csv:?}");
    assert_eq!(csv[1][1], "'+新城区民政局");
    assert_eq!(csv[1][2], format!("'{name}"));
    let units = parse_csv(&c.get("/targets.csv?table=units&year=2026").await.body);
    assert!(
        units[1..].iter().any(|r| r[1] == "'+新城区民政局"),
        "{units:?}"
    );
}
