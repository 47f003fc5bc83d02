//! Open data (OCDS) through HTTP: the demo's tenders in every state publish releases,
//! records and packages that validate against the OCDS 1.1.5 schemas (copied in
//! `tests/data/ocds-1.1.5`, draft 4); nothing sealed is published before the opening; the
//! release list's cursor neither skips nor repeats while releases arrive; a release never
//! changes after later events; the bulk files answer `304`; the `/data` page and the tender
//! page's link in both languages.

use crate::common;

use std::collections::{BTreeSet, HashSet};
use std::io::Read;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

use crate::common::{Client, T0, TestApp, as_refs, buyer, publish, tender_fields};

const DAY: i64 = 86_400;
const RELEASE_SCHEMA_URL: &str =
    "https://standard.open-contracting.org/schema/1__1__5/release-schema.json";

const VERSIONED_SCHEMA_URL: &str =
    "https://standard.open-contracting.org/schema/1__1__5/versioned-release-validation-schema.json";

fn schema(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/ocds-1.1.5")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A draft-4 validator of one of the package schemas, the release schema resolved locally.
pub(crate) fn validator(package_schema: &str) -> jsonschema::Validator {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .with_resource(
            RELEASE_SCHEMA_URL,
            jsonschema::Resource::from_contents(schema("release-schema.json")).unwrap(),
        )
        // The record package names the versioned-release schema for `versionedRelease`,
        // which this platform does not publish (records carry `compiledRelease` and linked
        // releases): an empty draft-4 schema stands in, so that field would go unchecked
        // but nothing else does.
        .with_resource(
            VERSIONED_SCHEMA_URL,
            jsonschema::Resource::from_contents(serde_json::json!({
                "$schema": "http://json-schema.org/draft-04/schema#"
            }))
            .unwrap(),
        )
        .build(&schema(package_schema))
        .unwrap()
}

pub(crate) fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect()
}

/// Raw bytes and headers of a GET (the common client reads bodies as text).
async fn get_raw(
    app: &TestApp,
    path: &str,
    headers: &[(header::HeaderName, String)],
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let mut b = Request::builder().uri(path);
    for (k, v) in headers {
        b = b.header(k, v);
    }
    let res = app
        .router
        .clone()
        .oneshot(b.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let h = res.headers().clone();
    let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, h, bytes)
}

/// Every release the API lists, newest first, walking the cursor with pages of `per_page`;
/// each page validated as a release package.
pub(crate) async fn all_releases(c: &mut Client, per_page: usize) -> Vec<Value> {
    let v = validator("release-package-schema.json");
    let mut out = Vec::new();
    let mut url = format!("/api/v1/ocds/releases?per_page={per_page}");
    loop {
        let r = c.get(&url).await;
        assert_eq!(r.status, StatusCode::OK, "{url}: {}", r.body);
        let page = r.json();
        let errs = errors(&v, &page);
        assert!(errs.is_empty(), "{url}: {errs:#?}");
        let rs = page["releases"].as_array().unwrap();
        assert!(rs.len() <= per_page);
        out.extend(rs.iter().cloned());
        match page["links"]["next"].as_str() {
            Some(next) => {
                let link = r.headers.get(header::LINK).unwrap().to_str().unwrap();
                assert!(link.contains(next) && link.ends_with("rel=\"next\""));
                url = next.trim_start_matches("http://127.0.0.1:8080").to_string();
            }
            None => break,
        }
    }
    out
}

/// A new app with the demo seeded, and its tenders.
async fn demo_tenders() -> (TestApp, Vec<civicbridge::procurement::model::tender::Model>) {
    use sea_orm::EntityTrait;
    let app = TestApp::new().await;
    demo(&app).await;
    let tenders = civicbridge::procurement::model::tender::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap();
    (app, tenders)
}

async fn demo(app: &TestApp) {
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
}

/// The demo's tenders in every state (published, opened, under evaluation, awarded,
/// contracted with milestones under way, completed, cancelled, unsuccessful; the draft
/// publishes nothing), plus an amendment and a termination: every release, every record and
/// every bulk line validates; each state's compiled status is what the tender shows.
#[tokio::test]
async fn every_state_of_the_demo_validates_against_the_ocds_schemas() {
    let (app, tenders) = demo_tenders().await;
    let db = &app.state.db;
    // An amendment of the open tender and the termination of the active contract, by the
    // operations the buyer's forms call.
    let open = tenders.iter().find(|t| t.state == "published").unwrap();
    let now = app.clock().now();
    civicbridge::procurement::amend(
        db,
        open,
        open.enquiry_deadline,
        open.bid_deadline + DAY,
        "延长投标截止时间一天",
        open.created_by.unwrap(),
        now,
    )
    .await
    .unwrap()
    .unwrap();
    // The first contracted tender (the demo's last one had its contract terminated already).
    let contracted = tenders
        .iter()
        .filter(|t| t.state == "contracted")
        .min_by_key(|t| t.id)
        .unwrap();
    let contract = civicbridge::contracts::of_tender(db, contracted.id)
        .await
        .unwrap()
        .unwrap();
    civicbridge::contracts::terminate(db, contract.id, "服务机构无法继续履约", 1, now + 1)
        .await
        .unwrap()
        .unwrap();

    let mut c = app.client();
    let releases = all_releases(&mut c, 7).await;
    let tags: BTreeSet<String> = releases
        .iter()
        .map(|r| r["tag"][0].as_str().unwrap().to_string())
        .collect();
    for tag in [
        "tender",
        "tenderAmendment",
        "tenderUpdate",
        "tenderCancellation",
        "award",
        "contract",
        "implementation",
        "contractTermination",
    ] {
        assert!(tags.contains(tag), "no {tag} release in {tags:?}");
    }
    for r in &releases {
        let id = r["id"].as_str().unwrap();
        assert!(!id.contains('#'), "{id}");
        assert!(r["ocid"].as_str().unwrap().starts_with("ocds-cbtest-"));
        assert_eq!(r["initiationType"], "tender");
        assert_eq!(r["tender"]["value"]["currency"], "CNY");
    }
    let ids: HashSet<&str> = releases.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), releases.len(), "no release listed twice");

    // One record per public tender; its compiled status follows the tender.
    let v = validator("record-package-schema.json");
    let mut records = 0;
    for t in &tenders {
        let ocid = civicbridge::opendata::ocid_of(t.id);
        let r = c.get(&format!("/api/v1/ocds/records/{ocid}")).await;
        if t.state == "draft" {
            assert_eq!(r.status, StatusCode::NOT_FOUND, "a draft is not public");
            assert!(r.json()["error"]["message"].is_string());
            continue;
        }
        assert_eq!(r.status, StatusCode::OK, "{}: {}", t.state, r.body);
        let pkg = r.json();
        let errs = errors(&v, &pkg);
        assert!(errs.is_empty(), "{}: {errs:#?}", t.state);
        assert_eq!(pkg["version"], "1.1");
        let rec = &pkg["records"][0];
        let compiled = &rec["compiledRelease"];
        assert_eq!(compiled["tag"], serde_json::json!(["compiled"]));
        let expected = match t.state.as_str() {
            "published" | "opened" | "evaluating" => "active",
            "awarded" | "contracted" | "completed" => "complete",
            "cancelled" => "cancelled",
            "unsuccessful" => "unsuccessful",
            s => panic!("unexpected state {s}"),
        };
        assert_eq!(compiled["tender"]["status"], expected, "{}", t.state);
        let linked = rec["releases"].as_array().unwrap();
        assert_eq!(
            linked.len(),
            releases
                .iter()
                .filter(|r| r["ocid"] == ocid.as_str())
                .count()
        );
        // Every linked release is where its link says.
        let url = linked[0]["url"].as_str().unwrap();
        let one = c.get(url.trim_start_matches("http://127.0.0.1:8080")).await;
        assert_eq!(one.status, StatusCode::OK);
        let one = one.json();
        assert!(errors(&validator("release-package-schema.json"), &one).is_empty());
        if t.state == "contracted" {
            // Both terminated: the demo's own and the one terminated above, each with its
            // public reason.
            let k = &compiled["contracts"][0];
            assert_eq!(k["status"], "terminated");
            let reason = if t.id == contracted.id {
                "服务机构无法继续履约"
            } else {
                "相继离职"
            };
            assert!(k["description"].as_str().unwrap().contains(reason));
        }
        if t.state == "completed" {
            let k = &compiled["contracts"][0];
            // In fen: the amounts are exact decimals.
            let fen = |v: &Value| (v.as_f64().unwrap() * 100.0).round() as i64;
            let paid: i64 = k["implementation"]["transactions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| fen(&x["value"]["amount"]))
                .sum();
            assert_eq!(paid, fen(&k["value"]["amount"]));
            assert!(
                k["milestones"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|m| m["status"] == "met")
            );
        }
        records += 1;
    }
    assert_eq!(
        records, 9,
        "every demo tender but the draft (the terminated contract's included)"
    );

    // The bulk files: every line a release that validates, all of them there.
    civicbridge::app::jobs::write_ocds_bulk(&app.state)
        .await
        .unwrap();
    let files = civicbridge::opendata::bulk_files(&civicbridge::opendata::bulk_dir(
        &app.state.config.data_dir,
    ));
    assert!(!files.is_empty());
    let rv = validator("release-package-schema.json");
    let mut lines = 0;
    for f in &files {
        let (status, h, gz) = get_raw(
            &app,
            &format!(
                "/api/v1/ocds/bulk/{}",
                civicbridge::opendata::bulk_name(f.year)
            ),
            &[],
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(h[header::CONTENT_TYPE], "application/gzip");
        let mut text = String::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_string(&mut text)
            .unwrap();
        for line in text.lines() {
            let release: Value = serde_json::from_str(line).unwrap();
            let pkg = serde_json::json!({
                "uri": "https://example.org/p", "version": "1.1",
                "publishedDate": "2026-01-01T00:00:00Z", "publisher": {"name": "t"},
                "releases": [release],
            });
            let errs = errors(&rv, &pkg);
            assert!(errs.is_empty(), "{errs:#?}");
            lines += 1;
        }
    }
    assert_eq!(lines, releases.len());

    // A package that breaks the standard fails the same check (the test can fail).
    let mut broken = c
        .get(&format!(
            "/api/v1/ocds/records/{}",
            civicbridge::opendata::ocid_of(open.id)
        ))
        .await
        .json();
    broken["records"][0]["compiledRelease"]["tender"]["value"]["amount"] = "很多".into();
    assert!(!errors(&v, &broken).is_empty());
    app.check_invariants().await.unwrap();
}

// ---------------------------------------------------------------------------------------
// A tender with three bids over HTTP

const PRICES: [&str; 3] = ["451234.56", "462345", "473456.7"];

/// Bidder names, USCCs and prices as they would appear in a release.
fn secrets() -> Vec<String> {
    let mut v = Vec::new();
    for (i, p) in PRICES.iter().enumerate() {
        let n = i as u32 + 1;
        v.push(format!("青城社工服务中心{n}"));
        v.push(common::uscc(n));
        v.push(p.to_string());
    }
    v
}

#[tokio::test]
async fn nothing_sealed_is_published_before_the_opening() {
    let app = TestApp::new().await;
    let (mut b, unit) = buyer(&app).await;
    let id = publish(&mut b, unit, "新城区社区居家养老服务项目").await;
    for (i, price) in PRICES.iter().enumerate() {
        let n = i as u32 + 1;
        let (mut c, uid) = app.signed_in(&format!("org{n}@example.org"), &[]).await;
        let org = app.org(uid, n, &format!("青城社工服务中心{n}")).await;
        c.get(&format!("/tenders/{id}/bid")).await;
        let r = c
            .post(
                &format!("/tenders/{id}/bid"),
                &[
                    ("org_id", &org.to_string()),
                    ("price", price),
                    (
                        "proposal",
                        "组建专业团队，每周上门探访并提供助餐、助洁服务。",
                    ),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let ocid = civicbridge::opendata::ocid_of(id);
    // Everything public about the tender before the deadline, including the page itself.
    let mut anon = app.client();
    let mut bodies = vec![
        anon.get("/api/v1/ocds/releases").await.body,
        anon.get(&format!("/api/v1/ocds/records/{ocid}")).await.body,
        anon.get(&format!("/api/v1/ocds/releases/{ocid}-1-tender"))
            .await
            .body,
    ];
    civicbridge::app::jobs::write_ocds_bulk(&app.state)
        .await
        .unwrap();
    let (_, _, gz) = get_raw(
        &app,
        &format!(
            "/api/v1/ocds/bulk/{}",
            civicbridge::opendata::bulk_name(civicbridge::kernel::clock::shanghai_year(T0))
        ),
        &[],
    )
    .await;
    let mut text = String::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_string(&mut text)
        .unwrap();
    assert!(text.contains(&ocid));
    bodies.push(text);
    for body in &bodies {
        for s in secrets() {
            assert!(
                !body.contains(&s),
                "{s} published before the opening: {body}"
            );
        }
        assert!(!body.contains("\"bids\""), "{body}");
        assert!(!body.contains("numberOfTenderers"), "{body}");
        assert!(!body.contains("tenderer"), "{body}");
    }
    let rec = anon
        .get(&format!("/api/v1/ocds/records/{ocid}"))
        .await
        .json();
    assert_eq!(rec["records"][0]["releases"].as_array().unwrap().len(), 1);

    // At the deadline the opening publishes the bids: count, names, identifiers and prices.
    app.clock().advance(20 * DAY);
    civicbridge::app::jobs::open_due_tenders(&app.state)
        .await
        .unwrap();
    let rec = anon.get(&format!("/api/v1/ocds/records/{ocid}")).await;
    for s in secrets() {
        assert!(rec.body.contains(&s), "{s} missing after the opening");
    }
    let rec = rec.json();
    let compiled = &rec["records"][0]["compiledRelease"];
    assert_eq!(compiled["tender"]["numberOfTenderers"], 3);
    assert_eq!(compiled["bids"]["statistics"][0]["value"], 3);
    assert_eq!(
        compiled["bids"]["details"][0]["value"]["amount"],
        451_234.56
    );
    assert_eq!(compiled["tender"]["value"]["amount"], 500_000);
    assert_eq!(
        compiled["parties"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["roles"] == serde_json::json!(["tenderer"]))
            .count(),
        3
    );
    let tenderer = compiled["parties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "青城社工服务中心1")
        .unwrap();
    assert_eq!(tenderer["identifier"]["scheme"], "CN-USC");
    assert_eq!(tenderer["identifier"]["id"], common::uscc(1));
    assert_eq!(rec["records"][0]["releases"][1]["tag"][0], "tenderUpdate");
    app.check_invariants().await.unwrap();
}

#[tokio::test]
async fn the_cursor_neither_skips_nor_repeats_while_releases_arrive() {
    let app = TestApp::new().await;
    let (mut b, unit) = buyer(&app).await;
    for n in 1..=5 {
        publish(&mut b, unit, &format!("社区服务项目{n}")).await;
    }
    let mut c = app.client();
    let first = c.get("/api/v1/ocds/releases?per_page=2").await.json();
    let mut seen: Vec<String> = first["releases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    // Newest first.
    assert!(seen[0].contains(&format!("tender-{}", 5)), "{seen:?}");
    let mut next = first["links"]["next"].as_str().unwrap().to_string();
    // Two more tenders are published while the client pages.
    for n in 6..=7 {
        publish(&mut b, unit, &format!("社区服务项目{n}")).await;
    }
    loop {
        let page = c
            .get(next.trim_start_matches("http://127.0.0.1:8080"))
            .await
            .json();
        seen.extend(
            page["releases"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_str().unwrap().to_string()),
        );
        match page["links"]["next"].as_str() {
            Some(n) => next = n.to_string(),
            None => break,
        }
    }
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "repeated: {seen:?}");
    assert_eq!(seen.len(), 5, "the five there when paging began: {seen:?}");
    // A fresh first page starts with the new ones.
    let fresh = c.get("/api/v1/ocds/releases?per_page=2").await.json();
    assert!(
        fresh["releases"][0]["id"]
            .as_str()
            .unwrap()
            .contains("tender-7")
    );
    // `since` filters on the event's date; bad parameters are a clear 400 in the user's
    // language.
    let later = c.get("/api/v1/ocds/releases?since=2030-01-01").await.json();
    assert!(later["releases"].as_array().unwrap().is_empty());
    let all = c
        .get("/api/v1/ocds/releases?since=2026-11-27T00:00:00%2B08:00")
        .await
        .json();
    assert_eq!(all["releases"].as_array().unwrap().len(), 7);
    for (q, zh, en) in [
        ("since=yesterday", "since 须为日期", "since must be a day"),
        ("cursor=abc", "cursor 须为", "cursor must be"),
        ("per_page=501", "per_page 须为 1 到 500", "from 1 to 500"),
        ("per_page=0", "per_page 须为", "per_page must be"),
    ] {
        // A fresh client each time: `?lang=` is remembered in a cookie.
        let r = app
            .client()
            .get(&format!("/api/v1/ocds/releases?{q}"))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{q}");
        assert!(
            r.json()["error"]["message"].as_str().unwrap().contains(zh),
            "{}",
            r.body
        );
        let r = app
            .client()
            .get(&format!("/api/v1/ocds/releases?{q}&lang=en"))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{q}");
        assert!(
            r.json()["error"]["message"].as_str().unwrap().contains(en),
            "{}",
            r.body
        );
    }
    let r = c.get("/api/v1/ocds/releases/no-such-release").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["error"]["status"], 404);
    app.check_invariants().await.unwrap();
}

#[tokio::test]
async fn a_release_never_changes_after_later_events() {
    let app = TestApp::new().await;
    let (mut b, unit) = buyer(&app).await;
    let id = publish(&mut b, unit, "社区心理服务项目").await;
    let ocid = civicbridge::opendata::ocid_of(id);
    let mut c = app.client();
    let path = format!("/api/v1/ocds/releases/{ocid}-1-tender");
    let before = c.get(&path).await.json()["releases"][0].clone();
    assert_eq!(before["tender"]["status"], "active");
    // Later events: an amendment, then a cancellation, an hour apart.
    let db = &app.state.db;
    let t = civicbridge::procurement::get(db, id)
        .await
        .unwrap()
        .unwrap();
    app.clock().advance(3600);
    civicbridge::procurement::amend(
        db,
        &t,
        t.enquiry_deadline,
        t.bid_deadline + DAY,
        "延长一天",
        t.created_by.unwrap(),
        app.clock().now(),
    )
    .await
    .unwrap()
    .unwrap();
    app.clock().advance(3600);
    let t = civicbridge::procurement::get(db, id)
        .await
        .unwrap()
        .unwrap();
    civicbridge::procurement::cancel(db, &t, "预算调整", t.created_by.unwrap(), app.clock().now())
        .await
        .unwrap()
        .unwrap();
    let after = c.get(&path).await.json()["releases"][0].clone();
    assert_eq!(before, after, "the first release is as it was published");
    let rec = c.get(&format!("/api/v1/ocds/records/{ocid}")).await.json();
    let links = rec["records"][0]["releases"].as_array().unwrap();
    let tags: Vec<&str> = links
        .iter()
        .map(|l| l["tag"][0].as_str().unwrap())
        .collect();
    assert_eq!(tags, ["tender", "tenderAmendment", "tenderCancellation"]);
    // Each carries the date of its own event.
    let dates: Vec<&str> = links.iter().map(|l| l["date"].as_str().unwrap()).collect();
    assert_eq!(dates[0], "2026-11-27T20:00:00+08:00");
    assert_eq!(dates[1], "2026-11-27T21:00:00+08:00");
    assert_eq!(dates[2], "2026-11-27T22:00:00+08:00");
    let compiled = &rec["records"][0]["compiledRelease"];
    assert_eq!(compiled["tender"]["status"], "cancelled");
    assert_eq!(compiled["tender"]["amendments"][0]["rationale"], "延长一天");
    // Rows are only ever inserted.
    assert_eq!(app.count("ocds_releases").await, 3);
    app.check_invariants().await.unwrap();
}

#[tokio::test]
async fn bulk_files_carry_etag_and_last_modified_and_answer_304() {
    let app = TestApp::new().await;
    let (mut b, unit) = buyer(&app).await;
    publish(&mut b, unit, "社区服务项目甲").await;
    let dir = civicbridge::opendata::bulk_dir(&app.state.config.data_dir);
    assert_eq!(
        civicbridge::app::jobs::write_ocds_bulk(&app.state)
            .await
            .unwrap(),
        vec![2026]
    );
    let path = "/api/v1/ocds/bulk/ocds-releases-2026.jsonl.gz";
    let (status, h, body) = get_raw(&app, path, &[]).await;
    assert_eq!(status, StatusCode::OK);
    let etag = h[header::ETAG].to_str().unwrap().to_string();
    let modified = h[header::LAST_MODIFIED].to_str().unwrap().to_string();
    assert_eq!(modified, "Fri, 27 Nov 2026 12:00:00 GMT");
    assert!(etag.starts_with('"') && etag.len() == 66, "{etag}");
    assert!(!body.is_empty());
    let (status, h2, body) = get_raw(&app, path, &[(header::IF_NONE_MATCH, etag.clone())]).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert!(body.is_empty());
    assert_eq!(h2[header::ETAG].to_str().unwrap(), etag);
    let (status, _, _) =
        get_raw(&app, path, &[(header::IF_MODIFIED_SINCE, modified.clone())]).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    let (status, _, _) = get_raw(&app, path, &[(header::IF_NONE_MATCH, "\"other\"".into())]).await;
    assert_eq!(status, StatusCode::OK);
    // Nothing new: the job leaves the file alone; a new release changes tag and date.
    assert!(
        civicbridge::app::jobs::write_ocds_bulk(&app.state)
            .await
            .unwrap()
            .is_empty()
    );
    app.clock().advance(3600);
    publish(&mut b, unit, "社区服务项目乙").await;
    assert_eq!(
        civicbridge::app::jobs::write_ocds_bulk(&app.state)
            .await
            .unwrap(),
        vec![2026]
    );
    let (status, h3, _) = get_raw(&app, path, &[(header::IF_NONE_MATCH, etag.clone())]).await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(h3[header::ETAG].to_str().unwrap(), etag);
    assert_eq!(
        h3[header::LAST_MODIFIED].to_str().unwrap(),
        "Fri, 27 Nov 2026 13:00:00 GMT"
    );
    assert_eq!(civicbridge::opendata::bulk_files(&dir)[0].releases, 2);
    // Unknown files are a JSON 404.
    let mut c = app.client();
    for p in [
        "/api/v1/ocds/bulk/ocds-releases-1999.jsonl.gz",
        "/api/v1/ocds/bulk/manifest.json",
        "/api/v1/ocds/bulk/..%2Fseal.key",
    ] {
        let r = c.get(p).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{p}");
        assert_eq!(r.json()["error"]["status"], 404);
    }
    app.check_invariants().await.unwrap();
}

#[tokio::test]
async fn the_data_page_and_the_tender_link_in_both_languages() {
    let app = TestApp::new().await;
    let (mut b, unit) = buyer(&app).await;
    let id = publish(&mut b, unit, "社区服务项目丙").await;
    civicbridge::app::jobs::write_ocds_bulk(&app.state)
        .await
        .unwrap();
    let mut c = app.client();
    for (lang, title, link) in [
        ("zh-CN", "开放数据", "开放数据（OCDS）"),
        ("en", "Open data", "Open data (OCDS)"),
    ] {
        let r = c.get(&format!("/data?lang={lang}")).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.text("h1"), title);
        assert!(r.text("#licence").contains("CC BY 4.0"));
        assert!(r.text("#formats").contains("ocds-cbtest"));
        assert!(r.text("#fields").contains("numberOfTenderers"));
        let sel = scraper::Selector::parse("a.bulk-file").unwrap();
        let hrefs: Vec<String> = r
            .doc()
            .select(&sel)
            .map(|a| a.value().attr("href").unwrap().to_string())
            .collect();
        assert_eq!(hrefs, ["/api/v1/ocds/bulk/ocds-releases-2026.jsonl.gz"]);
        assert!(r.text("footer").contains(title));
        let page = c.get(&format!("/tenders/{id}?lang={lang}")).await;
        assert_eq!(page.text("a.open-data"), link);
        let sel = scraper::Selector::parse("a.open-data").unwrap();
        let href = page
            .doc()
            .select(&sel)
            .next()
            .unwrap()
            .value()
            .attr("href")
            .unwrap()
            .to_string();
        assert_eq!(
            href,
            format!(
                "/api/v1/ocds/records/{}",
                civicbridge::opendata::ocid_of(id)
            )
        );
        let rec = c.get(&href).await;
        assert_eq!(rec.status, StatusCode::OK);
        assert_eq!(
            rec.json()["records"][0]["compiledRelease"]["tender"]["title"],
            "社区服务项目丙"
        );
    }
    // A draft has no open data link (nothing of it is public).
    let r = b
        .post("/tenders", &as_refs(&tender_fields(unit, "草稿项目")))
        .await;
    let draft = r.location().unwrap().to_string();
    assert_eq!(b.get(&draft).await.count("a.open-data"), 0);
    app.check_invariants().await.unwrap();
}

// ---------------------------------------------------------------------------------------
// Red flags

/// The `data-code` of every element matching `selector`, in page order.
fn codes_on(r: &common::Resp, selector: &str) -> Vec<String> {
    let sel = scraper::Selector::parse(selector).unwrap();
    r.doc()
        .select(&sel)
        .map(|e| e.value().attr("data-code").unwrap().to_string())
        .collect()
}

/// What a regulator's pages show for the demo is exactly what the indicators give on the
/// records anyone downloads from the API: per tender (codes and evidence in words), per
/// unit (the flagged tenders) and in the per-unit counts.
#[tokio::test]
async fn red_flag_pages_equal_the_indicators_on_the_published_records() {
    use civicbridge::opendata::{FlagCode, flag_rules, views};
    let (app, tenders) = demo_tenders().await;
    let mut anon = app.client();
    let (mut reg, _) = app
        .signed_in(
            "inspector@example.org",
            &[civicbridge::accounts::Role::Regulator],
        )
        .await;
    // unit → (tenders, flagged tenders, count per code), from the API.
    let mut expected: std::collections::BTreeMap<i64, (u64, BTreeSet<i64>, Vec<u64>)> =
        Default::default();
    let mut raised = 0;
    for t in &tenders {
        let r = reg.get(&format!("/data/flags/tenders/{}", t.id)).await;
        if t.state == "draft" {
            assert_eq!(
                r.status,
                StatusCode::NOT_FOUND,
                "a draft has no record to check"
            );
            continue;
        }
        assert_eq!(r.status, StatusCode::OK, "{}: {}", t.state, r.body);
        let rec = anon
            .get(&format!(
                "/api/v1/ocds/records/{}",
                civicbridge::opendata::ocid_of(t.id)
            ))
            .await
            .json();
        let flags = flag_rules::evaluate(&rec["records"][0]["compiledRelease"]);
        let want: Vec<String> = flags.iter().map(|f| f.code.code().to_string()).collect();
        assert_eq!(codes_on(&r, "li.flag"), want, "{} ({})", t.id, t.state);
        let words: Vec<String> = flags
            .iter()
            .map(|f| views::evidence_text(civicbridge::kernel::Lang::Zh, f))
            .collect();
        assert_eq!(r.text("li.flag p.evidence"), words.join("\n"), "{}", t.id);
        assert_eq!(r.count("p.no-flags"), usize::from(flags.is_empty()));
        let e = expected
            .entry(t.unit_id)
            .or_insert_with(|| (0, BTreeSet::new(), vec![0; FlagCode::ALL.len()]));
        e.0 += 1;
        if !flags.is_empty() {
            e.1.insert(t.id);
        }
        for f in &flags {
            let i = FlagCode::ALL.iter().position(|c| *c == f.code).unwrap();
            e.2[i] += 1;
            raised += 1;
        }
    }
    assert!(
        raised > 0,
        "the demo raises some flags, so the comparison means something"
    );

    let index = reg.get("/data/flags").await;
    assert_eq!(index.status, StatusCode::OK);
    let sel = scraper::Selector::parse("table.flag-units tbody tr").unwrap();
    let td = scraper::Selector::parse("td").unwrap();
    let doc = index.doc();
    let rows: Vec<_> = doc.select(&sel).collect();
    assert_eq!(rows.len(), expected.len(), "one line per unit with records");
    let mut last_flagged = u64::MAX;
    for row in rows {
        let unit: i64 = row.value().attr("data-unit").unwrap().parse().unwrap();
        let (n, flagged, per_code) = &expected[&unit];
        let cells: Vec<u64> = row
            .select(&td)
            .map(|c| c.text().collect::<String>().trim().parse().unwrap())
            .collect();
        assert_eq!(cells[0], *n, "unit {unit}: tenders");
        assert_eq!(cells[1], flagged.len() as u64, "unit {unit}: flagged");
        assert_eq!(&cells[2..], &per_code[..], "unit {unit}: per code");
        assert!(cells[1] <= last_flagged, "most flagged first");
        last_flagged = cells[1];

        let page = reg.get(&format!("/data/flags/units/{unit}")).await;
        assert_eq!(page.status, StatusCode::OK);
        let sel = scraper::Selector::parse("table.flag-tenders tbody tr").unwrap();
        let listed: BTreeSet<i64> = page
            .doc()
            .select(&sel)
            .map(|r| r.value().attr("data-tender").unwrap().parse().unwrap())
            .collect();
        assert_eq!(&listed, flagged, "unit {unit}: its flagged tenders");
    }
    // The definitions, each with its OCP number, and the legal minimums.
    for c in FlagCode::ALL {
        assert!(
            index.text(&format!("#def-{}", c.code())).contains(c.ocp()),
            "{c:?}"
        );
    }
    assert!(index.text("table.flag-minimums").contains("竞争性磋商"));
    assert!(index.text("p.caveat").contains("不是违法违规的证据"));
    app.check_invariants().await.unwrap();
}

/// A tender published with five days to bid is flagged at once; the evidence is in words in
/// both languages; amending the deadline clears the flag in the same transaction. Only
/// regulators reach the pages, and everyone else gets the same answer for any id.
#[tokio::test]
async fn five_days_to_bid_is_flagged_for_regulators_only() {
    use civicbridge::accounts::Role;
    let app = TestApp::new().await;
    let (mut b, unit) = buyer(&app).await;
    let mut fields = tender_fields(unit, "五天投标的服务项目");
    for (k, v) in fields.iter_mut() {
        match *k {
            "enquiry_deadline" => {
                *v = civicbridge::kernel::clock::format_local(T0 + 2 * DAY);
            }
            "bid_deadline" => *v = civicbridge::kernel::clock::format_local(T0 + 5 * DAY),
            _ => {}
        }
    }
    let r = b.post("/tenders", &as_refs(&fields)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = r.location().unwrap().to_string();
    let id: i64 = page.trim_start_matches("/tenders/").parse().unwrap();
    b.get(&page).await;
    assert_eq!(
        b.post(&format!("{page}/publish"), &[]).await.status,
        StatusCode::SEE_OTHER
    );

    let (mut reg, _) = app
        .signed_in("inspector@example.org", &[Role::Regulator])
        .await;
    let flags_page = format!("/data/flags/tenders/{id}");
    for (lang, words) in [
        ("zh-CN", "投标期 5 天，法定最少 20 天"),
        ("en", "5 days to bid, legal minimum 20"),
    ] {
        let r = reg.get(&format!("{flags_page}?lang={lang}")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(codes_on(&r, "li.flag"), ["short_submission_period"]);
        assert_eq!(r.text("li.flag p.evidence"), words);
        // The regulator reaches it from the tender page.
        let t = reg.get(&format!("/tenders/{id}?lang={lang}")).await;
        let sel = scraper::Selector::parse("a.red-flags").unwrap();
        let href = t
            .doc()
            .select(&sel)
            .next()
            .map(|a| a.value().attr("href").unwrap().to_string());
        assert_eq!(href.as_deref(), Some(flags_page.as_str()));
    }
    // And from the workspace.
    assert_eq!(
        reg.get("/me")
            .await
            .count("a.red-flags-index[href=\"/data/flags\"]"),
        1
    );
    let index = reg.get("/data/flags").await;
    assert_eq!(
        index.text(&format!(
            "tr[data-unit=\"{unit}\"] td[data-code=\"short_submission_period\"]"
        )),
        "1"
    );
    let unit_page = reg.get(&format!("/data/flags/units/{unit}")).await;
    assert_eq!(unit_page.count(&format!("tr[data-tender=\"{id}\"]")), 1);
    assert_eq!(
        codes_on(&unit_page, "span.flag-code"),
        ["short_submission_period"]
    );

    // Nobody else sees the link or the pages; the answer does not depend on the id.
    let (mut admin, uid) = app.signed_in("orgadmin@example.org", &[]).await;
    app.org(uid, 7, "青城社工服务中心七").await;
    let mut anon = app.client();
    assert_eq!(b.get(&page).await.count("a.red-flags"), 0);
    assert_eq!(anon.get(&page).await.count("a.red-flags"), 0);
    let paths = [
        "/data/flags".to_string(),
        format!("/data/flags/units/{unit}"),
        "/data/flags/units/999999".to_string(),
        "/data/flags/units/abc".to_string(),
        flags_page.clone(),
        "/data/flags/tenders/999999".to_string(),
        "/data/flags/tenders/-1".to_string(),
    ];
    for p in &paths {
        let r = anon.get(p).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "anonymous {p}");
        assert!(r.location().unwrap().starts_with("/login"), "anonymous {p}");
        assert_eq!(
            admin.get(p).await.status,
            StatusCode::FORBIDDEN,
            "org admin {p}"
        );
        assert_eq!(b.get(p).await.status, StatusCode::FORBIDDEN, "buyer {p}");
    }
    for p in [
        "/data/flags/units/999999",
        "/data/flags/units/abc",
        "/data/flags/tenders/999999",
        "/data/flags/tenders/-1",
    ] {
        assert_eq!(
            reg.get(p).await.status,
            StatusCode::NOT_FOUND,
            "regulator {p}"
        );
    }

    // The buyer gives 25 days to bid: the flag goes with the amendment.
    let t = civicbridge::procurement::get(&app.state.db, id)
        .await
        .unwrap()
        .unwrap();
    civicbridge::procurement::amend(
        &app.state.db,
        &t,
        t.enquiry_deadline,
        T0 + 25 * DAY,
        "延长投标截止时间",
        t.created_by.unwrap(),
        T0 + 60,
    )
    .await
    .unwrap()
    .unwrap();
    let r = reg.get(&flags_page).await;
    assert_eq!(r.count("li.flag"), 0);
    assert_eq!(r.count("p.no-flags"), 1);
    app.check_invariants().await.unwrap();
}
