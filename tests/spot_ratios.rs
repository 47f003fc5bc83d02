//! Minimum sampling ratios per locality (issue 15 point 4, "rules as data, configurable per
//! locality"), through HTTP: a regulator raises Hohhot's league/city campaigns to 6% (a
//! public audit entry with the old and new values and the reason); a league/city campaign
//! there below it is refused naming the minimum and where it comes from, at it or empty it
//! is accepted; a banner/county campaign inherits what Hohhot sets for its banners/counties;
//! a banner/county cannot go below it; the override removed, the floor is back. Bad input is
//! 422 with the form kept and nothing written; an unknown place says so; non-regulators are
//! refused.

use crate::common;

use crate::common::{Client, TestApp};
use axum::http::StatusCode;
use civicbridge::accounts::Role;
use sea_orm::ConnectionTrait;

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    let db = &app.state.db;
    db.query_one_raw(sea_orm::Statement::from_string(
        db.get_database_backend(),
        sql,
    ))
    .await
    .unwrap()
    .unwrap()
    .try_get_by_index::<i64>(0)
    .unwrap()
}

async fn audit_entries(app: &TestApp) -> i64 {
    scalar(
        app,
        "SELECT COUNT(*) FROM audit_events WHERE entity = 'spot_ratio_override' AND public",
    )
    .await
}

async fn set(c: &mut Client, place: &str, level: &str, ratio: &str, reason: &str) -> common::Resp {
    c.get(&format!("/spot-checks/ratios?place={place}")).await;
    c.post(
        "/spot-checks/ratios",
        &[
            ("place", place),
            ("level", level),
            ("ratio", ratio),
            ("reason", reason),
        ],
    )
    .await
}

async fn campaign(c: &mut Client, level: &str, division: &str, ratio: &str) -> common::Resp {
    c.get("/spot-checks/new").await;
    c.post(
        "/spot-checks",
        &[
            ("name", "比例测试抽查"),
            ("level", level),
            ("division", division),
            ("year", "2026"),
            ("ratio", ratio),
            ("items", "finances"),
        ],
    )
    .await
}

/// The ratio of the newest campaign, basis points.
async fn last_ratio(app: &TestApp) -> i64 {
    scalar(
        app,
        "SELECT CAST(ratio_bp AS BIGINT) FROM spot_campaigns ORDER BY id DESC LIMIT 1",
    )
    .await
}

#[tokio::test]
async fn localities_raise_the_minimum_ratio_and_campaigns_follow_it() {
    let app = TestApp::new().await;
    let (mut reg, reg_id) = app
        .signed_in("regulator@example.org", &[Role::Regulator])
        .await;

    // The page: Hohhot may set league/city and banner/county minimums, inheriting floors.
    let p = reg.get("/spot-checks/ratios?place=150100").await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert_eq!(p.count("table.ratios tbody tr"), 2);
    assert!(p.text("#level-league_city td.effective").contains("4.00%"));
    assert!(
        p.text("#level-league_city td.inherited")
            .contains("民发〔2017〕45号")
    );
    assert_eq!(p.count("#form-region"), 0);
    // The region by default, with its three levels; linked from /spot-checks.
    let p = reg.get("/spot-checks/ratios").await;
    assert_eq!(p.count("table.ratios tbody tr"), 3);
    assert_eq!(reg.get("/spot-checks").await.count("a.ratios-link"), 1);
    assert_eq!(
        app.client()
            .get("/spot-checks")
            .await
            .count("a.ratios-link"),
        0
    );

    // Bad input: 422, the message next to the field, what was typed kept, nothing written.
    for (level, ratio, reason, field) in [
        (
            "league_city",
            "3.99",
            "提高比例",
            "#ratio-league_city-error",
        ),
        ("league_city", "abc", "提高比例", "#ratio-league_city-error"),
        (
            "league_city",
            "4.555",
            "提高比例",
            "#ratio-league_city-error",
        ),
        (
            "league_city",
            "100.5",
            "提高比例",
            "#ratio-league_city-error",
        ),
        ("league_city", "6", "", "#reason-league_city-error"),
        ("region", "6", "提高比例", "#level-league_city-error"),
    ] {
        let r = set(&mut reg, "150100", level, ratio, reason).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{level} {ratio}"
        );
        assert_eq!(r.count(field), 1, "{level} {ratio} {reason}: {}", r.body);
        if level == "league_city" {
            assert_eq!(r.value("#ratio-league_city").as_deref(), Some(ratio));
        }
    }
    let r = set(&mut reg, "150100", "league_city", "3.5", "x提高").await;
    assert!(r.text("#ratio-league_city-error").contains("4.00%"));
    // An unknown place: a clear message, nothing written.
    let r = set(&mut reg, "999999", "league_city", "6", "提高比例").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.text(".unknown-place").contains("999999"), "{}", r.body);
    let r = reg.get("/spot-checks/ratios?place=15010x").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.count(".unknown-place"), 1);
    // Non-regulators are refused.
    let (mut someone, _) = app.signed_in("someone@example.org", &[]).await;
    someone.get("/spot-checks").await;
    assert_eq!(
        someone.get("/spot-checks/ratios").await.status,
        StatusCode::FORBIDDEN
    );
    let r = set(&mut someone, "150100", "league_city", "6", "提高比例").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("spot_ratio_overrides").await, 0);
    assert_eq!(audit_entries(&app).await, 0);

    // Hohhot raises its league/city campaigns to 6%: saved with a public audit entry.
    let r = set(
        &mut reg,
        "150100",
        "league_city",
        "6",
        "市本级机构多，提高抽查比例",
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(audit_entries(&app).await, 1);
    let detail: serde_json::Value = serde_json::from_str(
        &app.state
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                app.state.db.get_database_backend(),
                "SELECT detail FROM audit_events WHERE entity = 'spot_ratio_override'",
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get_by_index::<String>(0)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(detail["before_bp"], serde_json::Value::Null);
    assert_eq!(detail["after_bp"], 600);
    assert_eq!(detail["place"], "150100");
    assert_eq!(detail["reason"], "市本级机构多，提高抽查比例");
    assert_eq!(
        scalar(
            &app,
            "SELECT actor_id FROM audit_events WHERE entity = 'spot_ratio_override'"
        )
        .await,
        reg_id
    );
    let p = reg.get("/spot-checks/ratios?place=150100").await;
    assert!(p.text("#level-league_city td.own").contains("6.00%"));
    assert!(
        p.text("#level-league_city td.effective")
            .contains("呼和浩特市")
    );
    assert_eq!(p.value("#ratio-league_city").as_deref(), Some("6.00"));
    // Saving the same value again writes nothing.
    let r = set(&mut reg, "150100", "league_city", "6.00", "再次确认").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(audit_entries(&app).await, 1);

    // A league/city campaign in Hohhot below 6% is refused, naming the minimum and Hohhot.
    let r = campaign(&mut reg, "league_city", "150100", "5").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let m = r.text("#ratio-error");
    assert!(m.contains("6.00%") && m.contains("呼和浩特市"), "{m}");
    assert_eq!(r.value("#ratio").as_deref(), Some("5"));
    assert!(r.text(".raised-minimums").contains("6.00%"));
    assert_eq!(app.count("spot_campaigns").await, 0);
    // At it, or empty (the minimum), it is accepted.
    let r = campaign(&mut reg, "league_city", "150100", "6").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(last_ratio(&app).await, 600);
    let r = campaign(&mut reg, "league_city", "150100", "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(last_ratio(&app).await, 600);
    // Another league/city keeps the national floor.
    let r = campaign(&mut reg, "league_city", "150200", "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(last_ratio(&app).await, 400);

    // Hohhot's banners/counties: the floor, then what Hohhot sets for them.
    let r = campaign(&mut reg, "banner_county", "150102", "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(last_ratio(&app).await, 300);
    let r = set(&mut reg, "150100", "banner_county", "3.5", "旗县区同步提高").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = campaign(&mut reg, "banner_county", "150102", "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(last_ratio(&app).await, 350, "the banner/county inherits");
    let r = campaign(&mut reg, "banner_county", "150102", "3.2").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text("#ratio-error").contains("3.50%"));
    // Xincheng sees what it inherits and from where, and cannot go below it.
    let p = reg.get("/spot-checks/ratios?place=150102").await;
    assert_eq!(p.count("table.ratios tbody tr"), 1);
    assert!(
        p.text("#level-banner_county td.inherited")
            .contains("3.50%")
    );
    assert!(
        p.text("#level-banner_county td.inherited")
            .contains("呼和浩特市")
    );
    let r = set(&mut reg, "150102", "banner_county", "3.4", "区里想降低").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text("#ratio-banner_county-error").contains("3.50%"));
    let r = set(&mut reg, "150102", "banner_county", "5", "重点领域多").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = campaign(&mut reg, "banner_county", "150102", "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(last_ratio(&app).await, 500);
    assert_eq!(app.count("spot_ratio_overrides").await, 3);

    // Removing Hohhot's league/city minimum (empty): the floor is back, audited.
    let before = audit_entries(&app).await;
    let r = set(&mut reg, "150100", "league_city", "", "恢复国家下限").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(app.count("spot_ratio_overrides").await, 2);
    assert_eq!(audit_entries(&app).await, before + 1);
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM audit_events WHERE entity = 'spot_ratio_override' AND action = 'ratio_removed'",
        )
        .await,
        1
    );
    let r = campaign(&mut reg, "league_city", "150100", "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(last_ratio(&app).await, 400);

    // The page in English names the source in English.
    let p = reg.get("/spot-checks/ratios?place=150102&lang=en").await;
    assert!(
        p.text("#level-banner_county td.effective")
            .contains("set by"),
        "{}",
        p.text("#level-banner_county td.effective")
    );

    app.check_invariants().await.unwrap();
}
