//! Procurement through HTTP: a buyer drafts and publishes, three organizations bid, nothing
//! leaks before the deadline, the opening shows the prices, an evaluator scores, the buyer
//! awards; and the tender form refuses bad input with messages and writes nothing.

use crate::common;

use std::collections::BTreeSet;

use crate::common::{Client, PW, TestApp, as_refs, buyer, publish};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use civicbridge::accounts::Role;
use civicbridge::kernel::Lang;

const DAY: i64 = 86_400;

const TITLE: &str = "新城区社区居家养老服务项目";

/// The valid tender form as the page's form posts it: five rows of criteria and of
/// milestones, the unused ones blank.
fn tender_fields(unit: i64) -> Vec<(&'static str, String)> {
    let mut v = common::tender_fields(unit, TITLE);
    for _ in 0..3 {
        v.push(("criterion_name", String::new()));
        v.push(("criterion_weight", String::new()));
    }
    for _ in 0..2 {
        v.push(("milestone_name", String::new()));
        v.push(("milestone_percent", String::new()));
    }
    v
}

fn set(fields: &mut [(&'static str, String)], name: &str, value: &str) {
    for f in fields.iter_mut().filter(|f| f.0 == name) {
        f.1 = value.to_string();
    }
}

const PROPOSAL: &str = "组建由持证社工和护理员组成的专业团队，每周上门探访并提供助餐、助洁服务。";

const PRICES: [(&str, &str); 3] = [
    ("451234", "¥451,234.00"),
    ("462345", "¥462,345.00"),
    ("473456", "¥473,456.00"),
];

/// Where an upload carries its CSRF token.
#[derive(Clone, Copy)]
enum TokenAt {
    /// A `_csrf` part before the others, as the bid page's form sends it.
    Field,
    /// The `x-csrf-token` header.
    Header,
    /// The query string (refused).
    Query,
}

/// Sends a multipart upload of one file for an organization, with the CSRF token as the bid
/// page's form sends it.
async fn upload(c: &mut Client, tender: i64, org: i64, name: &str, bytes: &[u8]) -> common::Resp {
    upload_with(c, tender, org, name, bytes, TokenAt::Field).await
}

/// Sends a multipart upload with the token where `at` says.
async fn upload_with(
    c: &mut Client,
    tender: i64,
    org: i64,
    name: &str,
    bytes: &[u8],
    at: TokenAt,
) -> common::Resp {
    let boundary = "----cb-test-boundary";
    let token = c.csrf.clone().unwrap_or_default();
    let mut body = Vec::new();
    if let TokenAt::Field = at {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{token}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"org_id\"\r\n\r\n{org}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let cookies = c
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let uri = match at {
        TokenAt::Query => format!(
            "/tenders/{tender}/bid/files?{}",
            serde_urlencoded::to_string([("_csrf", token.as_str())]).unwrap()
        ),
        _ => format!("/tenders/{tender}/bid/files"),
    };
    let mut req = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::COOKIE, cookies)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        );
    if let TokenAt::Header = at {
        req = req.header("x-csrf-token", token);
    }
    c.request(req.body(Body::from(body)).unwrap()).await
}

/// The procurement panels of the workspace as a user sees them.
async fn workspace(app: &TestApp, email: &str) -> String {
    let u = civicbridge::accounts::model::find_by_email(&app.state.db, email)
        .await
        .unwrap()
        .unwrap();
    let user = civicbridge::accounts::load_current_user(&app.state.db, u.id)
        .await
        .unwrap();
    let store = civicbridge::accounts::DbSessionStore::new(app.state.db.clone());
    let ctx = civicbridge::web::Ctx {
        lang: Lang::Zh,
        session: tower_sessions::Session::new(None, std::sync::Arc::new(store), None),
        user,
        csrf: None,
        flash: None,
        path: "/me".into(),
        query: String::new(),
        client_ip: None,
        site: Default::default(),
        flash_slot: None,
    };
    civicbridge::procurement::routes::workspace_sections(&app.state, &ctx)
        .await
        .unwrap()
        .into_string()
}

#[tokio::test]
async fn a_tender_from_draft_to_award_over_http() {
    let app = TestApp::new().await;
    let (mut b, unit) = buyer(&app).await;

    // Draft.
    let r = b.get("/tenders/new").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.count("input[name=criterion_name]"), 5);
    assert_eq!(r.count("input[name=milestone_percent]"), 5);
    assert_eq!(r.count("input[type=datetime-local]"), 2);
    let fields = tender_fields(unit);
    let r = b.post("/tenders", &as_refs(&fields)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let loc = r.location().unwrap().to_string();
    let id: i64 = loc.trim_start_matches("/tenders/").parse().unwrap();
    let page = format!("/tenders/{id}");

    // A draft is the buyer's alone.
    assert_eq!(b.get(&page).await.status, StatusCode::OK);
    assert_eq!(app.client().get(&page).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.client()
            .get(&format!("/api/v1/tenders/{id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Publish.
    b.get(&page).await;
    let r = b.post(&format!("{page}/publish"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app.client().get(&page).await;
    assert_eq!(r.status, StatusCode::OK);
    for anchor in [
        "notice",
        "amendments",
        "qa",
        "opening",
        "evaluation",
        "award",
        "challenges",
        "contract",
        "timeline",
    ] {
        assert_eq!(r.count(&format!("#{anchor}")), 1, "#{anchor}");
    }
    assert!(r.text("#notice").contains("¥500,000.00"));
    assert!(r.text("#notice").contains("2026-12-15 09:30"));
    assert!(r.text("#notice").contains("服务方案"));
    assert!(
        r.text("#timeline")
            .contains(&Lang::Zh.t("tender.event.published"))
    );
    let list = app.client().get("/tenders").await;
    assert!(list.body.contains("新城区社区居家养老服务项目"));
    let api = app.client().get("/api/v1/tenders").await.json();
    assert_eq!(api["total"], 1);
    assert_eq!(api["items"][0]["state"], "published");
    assert_eq!(api["items"][0]["ocds_status"], "active");

    // A question, answered by the buyer; the asker is not shown.
    let (mut asker, _) = app.signed_in("asker@example.org", &[]).await;
    asker.get(&page).await;
    let r = asker
        .post(&format!("{page}/enquiries"), &[("question", "短")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = asker
        .post(
            &format!("{page}/enquiries"),
            &[("question", "是否接受联合体投标？")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = b.get(&page).await;
    assert!(!r.text("#qa").contains("asker@example.org"));
    let action = {
        let doc = r.doc();
        let sel = scraper::Selector::parse("#qa form").unwrap();
        doc.select(&sel)
            .next()
            .and_then(|f| f.value().attr("action").map(str::to_string))
            .expect("answer form for the buyer")
    };
    let r = b.post(&action, &[("answer", "不接受联合体投标。")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        app.client()
            .get(&page)
            .await
            .text("#qa")
            .contains("不接受联合体投标")
    );

    // Three organizations bid.
    let mut bidders = Vec::new();
    for (i, (price, _)) in PRICES.iter().enumerate() {
        let n = i as u32 + 1;
        let email = format!("org{n}@example.org");
        let (mut c, uid) = app.signed_in(&email, &[]).await;
        let org = app.org(uid, n, &format!("青城社工服务中心{n}")).await;
        let r = c.get(&format!("{page}/bid")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains(&Lang::Zh.t("bid.eligible")));
        if n == 1 {
            // Over budget: refused, nothing written.
            let r = c
                .post(
                    &format!("{page}/bid"),
                    &[
                        ("org_id", &org.to_string()),
                        ("price", "500000.01"),
                        ("proposal", PROPOSAL),
                    ],
                )
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert_eq!(r.value("#price").as_deref(), Some("500000.01"));
            assert_eq!(app.count("bids").await, 0);
        }
        let r = c
            .post(
                &format!("{page}/bid"),
                &[
                    ("org_id", &org.to_string()),
                    ("price", price),
                    ("proposal", PROPOSAL),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let commitment = r.text("code.commitment");
        assert_eq!(commitment.len(), 64, "{commitment}");
        assert!(r.body.contains(&Lang::Zh.t("bid.keep_receipt")));
        bidders.push((c, org));
    }
    assert_eq!(app.count("bids").await, 3);
    let ws = workspace(&app, "org2@example.org").await;
    assert!(
        ws.contains("ws-open-tenders") && ws.contains("新城区社区居家养老服务项目"),
        "{ws}"
    );
    assert!(
        ws.contains("ws-bids") && ws.contains("青城社工服务中心2"),
        "{ws}"
    );
    let ws = workspace(&app, "buyer@example.org").await;
    assert!(
        ws.contains("ws-tenders") && ws.contains(&format!("/tenders/{id}")),
        "{ws}"
    );
    assert!(!ws.contains("ws-bids"));

    // An attachment (multipart, token in its first part) gives a new receipt; a wrong type is
    // refused.
    {
        let (c, org) = &mut bidders[0];
        c.get(&format!("{page}/bid")).await;
        let r = upload(c, id, *org, "方案.exe", b"MZ...").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains(&Lang::Zh.t("bid.err.file_type")));
        let r = upload(c, id, *org, "服务方案.pdf", b"%PDF-1.4 test file").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.text("code.commitment").len(), 64);
        let r = c.get(&format!("{page}/bid")).await;
        assert!(r.body.contains("服务方案.pdf"));
    }

    // Each bid's receipt, printable and as a PDF (linked from the bid page), for the
    // bidder's members only: the latest revision's commitment, the names in Chinese
    // embedded, in either language; to another bidder or the buyer it is "not found", like a
    // bid that does not exist.
    let (receipt, receipt_pdf) = {
        let (c, _) = &mut bidders[0];
        let r = c.get(&format!("{page}/bid")).await;
        let links: Vec<String> = r
            .doc()
            .select(&scraper::Selector::parse("td.receipt-links a:not(.bid-content)").unwrap())
            .filter_map(|a| a.value().attr("href").map(str::to_string))
            .collect();
        assert_eq!(links.len(), 2, "{links:?}");
        // Beside them, the bid's own sealed content (issue 11).
        assert_eq!(r.count("td.receipt-links a.bid-content"), 1);
        let commitment = r.text("table.receipts code.commitment");
        let html = c.get(&links[0]).await;
        assert_eq!(html.status, StatusCode::OK);
        assert_eq!(html.text("code.commitment"), commitment);
        assert!(html.text(".receipt").contains("青城社工服务中心1"));
        assert_eq!(
            html.count(".flash-success"),
            0,
            "no 'just sealed' on a revisit"
        );
        let pdf_link = html
            .doc()
            .select(&scraper::Selector::parse("a.receipt-pdf").unwrap())
            .next()
            .and_then(|a| a.value().attr("href").map(str::to_string))
            .unwrap();
        assert_eq!(pdf_link, links[1]);
        let zh_pdf = c.get(&pdf_link).await;
        assert_eq!(
            zh_pdf.headers.get("cache-control").unwrap(),
            "private, no-store"
        );
        let zh = zh_pdf.pdf_text();
        for s in [
            "投标回执",
            "新城区社区居家养老服务项目",
            "青城社工服务中心1",
            commitment.as_str(),
            "版本2",
        ] {
            assert!(zh.contains(s), "{s} in {zh}");
        }
        let en = c
            .get(&links[1].replace("lang=zh-CN", "lang=en"))
            .await
            .pdf_text();
        assert!(
            en.contains("Bidreceipt") || en.contains("BidReceipt"),
            "{en}"
        );
        assert!(en.contains("青城社工服务中心1") && en.contains(&commitment));
        (links[0].clone(), links[1].clone())
    };
    let missing = receipt_pdf.replace(
        &format!("/bids/{}/", receipt.split('/').nth(4).unwrap()),
        "/bids/999999/",
    );
    assert_eq!(
        bidders[0].0.get(&missing).await.status,
        StatusCode::NOT_FOUND
    );
    for path in [&receipt, &receipt_pdf] {
        assert_eq!(
            bidders[1].0.get(path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
        assert_eq!(b.get(path).await.status, StatusCode::NOT_FOUND, "{path}");
        let r = app.client().get(path).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}");
        assert!(r.location().unwrap().starts_with("/login"));
    }

    // Before the deadline nothing about the bids is public.
    for path in [
        page.clone(),
        format!("/api/v1/tenders/{id}"),
        "/tenders".into(),
    ] {
        let r = app.client().get(&path).await;
        for (typed, shown) in PRICES {
            assert!(
                !r.body.contains(typed) && !r.body.contains(shown),
                "{path} leaks {typed}"
            );
            assert!(
                !r.body.contains(&format!("{typed}00")),
                "{path} leaks fen of {typed}"
            );
        }
        assert!(
            !r.body.contains("青城社工服务中心"),
            "{path} leaks a bidder"
        );
    }
    let r = app.client().get(&page).await;
    assert!(r.text("#opening").contains("2026-12-15 09:30"));
    assert_eq!(r.count("#opening table"), 0);
    assert!(
        app.client()
            .get(&format!("/api/v1/tenders/{id}"))
            .await
            .json()["opening"]
            .is_null()
    );

    // After the deadline the first look opens the bids.
    app.clock().advance(20 * DAY);
    let r = app.client().get(&page).await;
    let opening = r.text("#opening");
    for (i, (_, shown)) in PRICES.iter().enumerate() {
        assert!(opening.contains(shown), "{opening}");
        assert!(opening.contains(&format!("青城社工服务中心{}", i + 1)));
    }
    let api = app
        .client()
        .get(&format!("/api/v1/tenders/{id}"))
        .await
        .json();
    assert_eq!(api["tender"]["state"], "opened");
    assert_eq!(api["opening"].as_array().unwrap().len(), 3);
    assert_eq!(api["opening"][0]["price_fen"], 45_123_400);
    // The bidder's receipt checks out against the revealed content.
    let r = bidders[0].0.get(&format!("{page}/bid")).await;
    assert!(r.body.contains(&Lang::Zh.t("bid.check_ok")), "{}", r.body);
    assert!(!r.body.contains(&Lang::Zh.t("bid.check_bad")));

    // An evaluator is assigned and scores.
    app.user("expert@example.org", &[Role::Evaluator]).await;
    b.get(&page).await;
    let r = b
        .post(
            &format!("{page}/evaluators"),
            &[("email", "nobody@example.org")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = b
        .post(
            &format!("{page}/evaluators"),
            &[("email", "expert@example.org")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let mut e = app.client();
    e.login("expert@example.org", PW).await;
    let r = e.get(&format!("{page}/score")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let names: Vec<String> = {
        let doc = r.doc();
        let sel = scraper::Selector::parse("input[name^=p_]").unwrap();
        doc.select(&sel)
            .filter_map(|i| i.value().attr("name").map(str::to_string))
            .collect()
    };
    assert_eq!(names.len(), 6, "3 bids × 2 criteria");
    let bid_ids: BTreeSet<i64> = names
        .iter()
        .map(|n| n.split('_').nth(1).unwrap().parse().unwrap())
        .collect();
    let bid_ids: Vec<i64> = bid_ids.into_iter().collect();
    // Points per bid (in bid order = org order) for criteria 1 and 2.
    let table = [[35, 25], [30, 20], [20, 15]];
    let mut crit_ids: Vec<i64> = names
        .iter()
        .map(|n| n.split('_').nth(2).unwrap().parse().unwrap())
        .collect();
    crit_ids.sort();
    crit_ids.dedup();
    let mut good: Vec<(String, String)> = Vec::new();
    for (bi, bid) in bid_ids.iter().enumerate() {
        for (ci, crit) in crit_ids.iter().enumerate() {
            good.push((format!("p_{bid}_{crit}"), table[bi][ci].to_string()));
        }
    }
    let mut bad = good.clone();
    bad[0].1 = "abc".into();
    bad[1].1 = "31".into(); // above the weight of 30
    let r = e
        .post(
            &format!("{page}/score"),
            &bad.iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect::<Vec<_>>(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.value(&format!("input[name={}]", bad[0].0)).as_deref(),
        Some("abc")
    );
    assert!(r.text(".form-errors").contains('2'));
    assert_eq!(app.count("bid_scores").await, 0);
    let r = e
        .post(
            &format!("{page}/score"),
            &good
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect::<Vec<_>>(),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(app.count("bid_scores").await, 6);
    // The draft is final once submitted with a comment per cell and the declaration.
    let mut fin = good.clone();
    for (k, _) in &good {
        fin.push((k.replacen("p_", "c_", 1), "与评分标准逐项对照".into()));
    }
    fin.push(("declare".into(), "1".into()));
    fin.push(("action".into(), "submit".into()));
    let r = e
        .post(
            &format!("{page}/score"),
            &fin.iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect::<Vec<_>>(),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let ws = workspace(&app, "expert@example.org").await;
    assert!(
        ws.contains("ws-evaluate") && ws.contains(&format!("/tenders/{id}/score")),
        "{ws}"
    );

    // Before the award the report is the buyer's and the evaluator's, not the public's.
    assert_eq!(
        e.get(&format!("{page}/evaluation")).await.status,
        StatusCode::OK
    );
    let (mut plain, _) = app.signed_in("plain@example.org", &[]).await;
    assert_eq!(
        plain.get(&format!("{page}/evaluation")).await.status,
        StatusCode::FORBIDDEN
    );
    let r = b.get(&format!("{page}/evaluation")).await;
    assert_eq!(r.status, StatusCode::OK);
    // Lowest price 451,234 gets the full 30 price points; technical 35 + 25.
    let ranking = r.text("table.ranking");
    assert!(ranking.contains("90.000"), "{ranking}");
    assert!(ranking.contains("青城社工服务中心1"));

    // Award the top bid.
    let r = b
        .post(
            &format!("{page}/award"),
            &[("bid_id", &bid_ids[0].to_string()), ("justification", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = app.client().get(&page).await;
    let award = r.text("#award");
    assert!(award.contains("青城社工服务中心1"), "{award}");
    assert!(award.contains("¥451,234.00"));
    assert!(r.text("#evaluation").contains("90.000"));
    assert!(
        r.text("#timeline")
            .contains(&Lang::Zh.t("tender.event.awarded"))
    );
    let api = app
        .client()
        .get(&format!("/api/v1/tenders/{id}"))
        .await
        .json();
    assert_eq!(api["tender"]["state"], "awarded");
    assert_eq!(api["tender"]["ocds_status"], "complete");
    assert_eq!(api["award"]["value_fen"], 45_123_400);
    // After the award the report is public.
    assert_eq!(
        app.client().get(&format!("{page}/evaluation")).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_tender_form_refuses_bad_input_and_writes_nothing() {
    let app = TestApp::new().await;
    let (mut b, unit) = buyer(&app).await;
    b.get("/tenders/new").await;
    let zh = Lang::Zh;
    let cases: Vec<(&str, &str, String)> = vec![
        // weights 50 + 30 + price 30 = 110
        (
            "criterion_weight",
            "50",
            zh.tf("tender.err.weights_sum", &[("sum", "110")]),
        ),
        (
            "price_weight",
            "5",
            zh.tf("tender.err.price_weight_min", &[("min", "10")]),
        ),
        ("bid_deadline", "2026-12-01T09:00", zh.t("tender.err.order")),
    ];
    for (field, value, message) in cases {
        let mut f = tender_fields(unit);
        if field == "criterion_weight" {
            // Only the first criterion's weight.
            if let Some(x) = f.iter_mut().find(|x| x.0 == field) {
                x.1 = value.to_string();
            }
        } else {
            set(&mut f, field, value);
        }
        let r = b.post("/tenders", &as_refs(&f)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert!(
            r.text(".form-errors").contains(&message),
            "{field}: {}",
            r.text(".form-errors")
        );
        // The typed values come back.
        assert_eq!(
            r.value("#title").as_deref(),
            Some("新城区社区居家养老服务项目")
        );
        assert_eq!(r.value("#budget").as_deref(), Some("500,000"));
        assert_eq!(app.count("tenders").await, 0, "{field}");
    }
    // Junk everywhere: still a 422 page, not an error.
    let r = b
        .post(
            "/tenders",
            &[
                ("unit_id", "x"),
                ("budget", "-1"),
                ("enquiry_deadline", "tomorrow"),
                ("criterion_weight", "a"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("tenders").await, 0);
    // Someone who buys for no unit may not draft.
    let (mut plain, _) = app.signed_in("plain@example.org", &[]).await;
    assert_eq!(
        plain.get("/tenders/new").await.status,
        StatusCode::FORBIDDEN
    );
    let r = plain.post("/tenders", &as_refs(&tender_fields(unit))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("tenders").await, 0);
    // Junk filters on the public list are ignored.
    let r = app
        .client()
        .get("/tenders?state=draft&domain=%3Cx%3E&league=999&method=auction&sort=up&page=-1")
        .await;
    assert_eq!(r.status, StatusCode::OK);
}

// ---------------------------------------------------------------------------------------
// Uploads: typed by content, names cleaned, metadata sealed with the bid (issue 10, point 6)

/// A tiny but complete PDF.
const TINY_PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n\
2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n\
3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 3 3]>>endobj\n\
trailer<</Root 1 0 R>>\n%%EOF\n";

/// A published tender (bids until 2026-12-15 09:30 Shanghai) with the three bids an open
/// tender needs: the buyer's client, the tender, and each bidder's client and organization.
async fn tender_with_bids(app: &TestApp) -> (Client, i64, Vec<(Client, i64)>) {
    let (mut b, unit) = buyer(app).await;
    let id = publish(&mut b, unit, TITLE).await;
    let page = format!("/tenders/{id}");
    let mut bidders = Vec::new();
    for (i, (price, _)) in PRICES.iter().enumerate() {
        let n = i as u32 + 1;
        let (mut c, uid) = app.signed_in(&format!("org{n}@example.org"), &[]).await;
        let org = app.org(uid, n, &format!("青城社工服务中心{n}")).await;
        c.get(&format!("{page}/bid")).await;
        let r = c
            .post(
                &format!("{page}/bid"),
                &[
                    ("org_id", &org.to_string()),
                    ("price", price),
                    ("proposal", PROPOSAL),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        bidders.push((c, org));
    }
    (b, id, bidders)
}

/// Executables, web pages and files whose content is not what their name says are refused
/// with a message naming the file, nothing written; a real PDF is taken; a name with a
/// right-to-left override is stored without it, and a 400-character one is capped with its
/// extension kept.
#[tokio::test]
async fn uploads_are_typed_by_content_and_their_names_cleaned() {
    let app = TestApp::new().await;
    let (_, id, mut bidders) = tender_with_bids(&app).await;
    let (c, org) = &mut bidders[0];
    let (c, org) = (c, *org);
    let page = format!("/tenders/{id}/bid");
    c.get(&page).await;
    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89";
    let zh = Lang::Zh;
    let refused: [(&str, &[u8], String); 4] = [
        (
            "x.pdf",
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xFF\xFF\x00\x00This program cannot be run in DOS mode.",
            zh.t("upload.err.program"),
        ),
        (
            "x.pdf",
            b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>",
            zh.t("upload.err.markup"),
        ),
        (
            "x.pdf",
            b"\xEF\xBB\xBF  <html><!-- %PDF-1.4 --><script>alert(1)</script></html>",
            zh.t("upload.err.markup"),
        ),
        (
            "x.pdf",
            png,
            zh.tf(
                "upload.err.mismatch",
                &[
                    ("ext", "pdf"),
                    ("kind", &zh.t("upload.kind.png")),
                    ("right", "png"),
                ],
            ),
        ),
    ];
    for (name, bytes, why) in refused {
        let r = upload(c, id, org, name, bytes).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{why}");
        let shown = r.text(".form-errors");
        assert!(shown.contains(&why), "{why} not in {shown}");
        assert!(shown.contains("“x.pdf”"), "names the file: {shown}");
        // The page comes back whole, with the organization's upload form.
        assert_eq!(r.count(&format!("#file-{org}")), 1);
    }
    assert_eq!(app.count("bid_files").await, 0, "nothing written");
    let r = c.get(&page).await;
    assert!(r.body.contains(&zh.t("bid.check_after_opening")));
    assert_eq!(
        r.text("table.receipts tbody tr td:first-child").trim(),
        "1",
        "still revision 1"
    );

    let r = upload(c, id, org, "服务方案.pdf", TINY_PDF).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = upload(c, id, org, "报价\u{202E}fdp.pdf", TINY_PDF).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let long = format!("{}.pdf", "长".repeat(396));
    let r = upload(c, id, org, &long, TINY_PDF).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(app.count("bid_files").await, 3);

    let r = c.get(&page).await;
    let files = r.text("table.receipts tbody tr:first-child td:nth-child(5)");
    assert!(files.contains("服务方案.pdf"), "{files}");
    assert!(files.contains("报价fdp.pdf"), "{files}");
    assert!(!r.body.contains('\u{202E}'), "the override is gone");
    let capped = format!("{}.pdf", "长".repeat(196));
    assert!(files.contains(&capped), "{files}");
    assert!(
        !files.contains(&format!("长{capped}")),
        "at most 200 characters"
    );
}

/// An attachment's name, type, size and plain digest are nowhere in the database in clear:
/// not in its row, not anywhere in the SQLite file. Its author sees the name before the
/// opening, other bidders and the buyer do not; after the opening the evaluator sees the
/// listing and downloads the exact bytes, and the receipt still checks out.
#[tokio::test]
async fn attachment_metadata_is_sealed_until_the_opening() {
    use sea_orm::EntityTrait;
    use sha2::Digest;
    let app = TestApp::new().await;
    let (mut b, id, mut bidders) = tender_with_bids(&app).await;
    let ((c, org), rest) = bidders.split_first_mut().unwrap();
    let org = *org;
    let page = format!("/tenders/{id}");
    let name = "绝密报价明细Qx7.pdf";
    let mut content = TINY_PDF.to_vec();
    content.extend_from_slice(b"% sealed attachment 98765\n");
    let size = content.len().to_string();
    let plain = hex::encode(sha2::Sha256::digest(&content));
    c.get(&format!("{page}/bid")).await;
    let r = upload(c, id, org, name, &content).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let db = &app.state.db;
    // The whole SQLite file (and its write-ahead log), not only the row.
    let url = app.state.config.effective_database_url();
    if let Some(file) = civicbridge::kernel::db::sqlite_path(&url) {
        let mut bytes = std::fs::read(&file).unwrap();
        if let Ok(wal) = std::fs::read(format!("{}-wal", file.display())) {
            bytes.extend(wal);
        }
        let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
        assert!(
            has("青城社工服务中心1".as_bytes()),
            "the scan sees clear text"
        );
        assert!(!has(name.as_bytes()), "the name is in the database file");
        assert!(!has("绝密报价明细".as_bytes()));
        assert!(!has(plain.as_bytes()), "the plain digest is in the file");
        assert!(
            !has(b"sealed attachment 98765"),
            "the bytes are in the file"
        );
    }
    // The row itself, on either database.
    let rows = civicbridge::procurement::model::bid_file::Entity::find()
        .all(db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    let row = rows[0].clone();
    // The size, a short number, could turn up by chance in base64 or hex: its column is
    // checked below instead.
    let dump = format!("{row:?}");
    for secret in [name, "绝密报价明细", &plain, "application/pdf"] {
        assert!(!dump.contains(secret), "{secret} in the clear: {dump}");
    }
    assert_eq!(
        (row.name.as_str(), row.mime.as_str(), row.size),
        ("", "", 0)
    );
    assert_eq!(row.sha256.len(), 64, "a salted digest is kept");
    assert_ne!(row.sha256, plain);
    assert!(!row.meta.is_empty());

    // Before the opening: the author sees its file; nobody else sees anything of it.
    let mine = c.get(&format!("{page}/bid")).await;
    assert!(mine.body.contains(name), "the author sees its own file");
    assert!(mine.body.contains(&format!("{size} B")));
    let other = &mut rest[0].0;
    for r in [
        other.get(&format!("{page}/bid")).await,
        b.get(&page).await,
        app.client().get(&page).await,
        app.client().get(&format!("/api/v1/tenders/{id}")).await,
    ] {
        assert!(!r.body.contains("绝密报价明细"), "{}", r.body);
    }

    // After the opening: the listing and the download for an assigned evaluator.
    app.clock().advance(20 * DAY);
    assert_eq!(b.get(&page).await.status, StatusCode::OK);
    let t = civicbridge::procurement::get(db, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(t.state, "opened");
    let buyer_id = civicbridge::accounts::model::find_by_email(db, "buyer@example.org")
        .await
        .unwrap()
        .unwrap()
        .id;
    let (mut e, evaluator) = app
        .signed_in("evaluator@example.org", &[Role::Evaluator])
        .await;
    civicbridge::procurement::assign_evaluator(db, &t, evaluator, buyer_id, app.clock().now())
        .await
        .unwrap()
        .unwrap();
    let sheet = e.get(&format!("{page}/score")).await;
    assert_eq!(sheet.status, StatusCode::OK);
    assert!(sheet.body.contains(name), "the evaluator sees the name");
    let link = format!("/tenders/{id}/bids/{}/files/{}", row.bid_id, row.id);
    assert!(sheet.body.contains(&link));
    let got = e.get(&link).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.body.as_bytes(), &content[..]);
    assert_eq!(got.headers["content-type"], "application/pdf");
    let disposition = got.headers["content-disposition"].to_str().unwrap();
    assert!(
        disposition.ends_with(&civicbridge::web::middleware::urlencode(name)),
        "{disposition}"
    );
    let mine = c.get(&format!("{page}/bid")).await;
    assert!(
        mine.body.contains(&Lang::Zh.t("bid.check_ok")),
        "the receipt still matches"
    );
}

/// An upload's CSRF token is read from its `_csrf` part or the `x-csrf-token` header, never
/// from the query string, where it would leak into logs, histories and `Referer` headers.
#[tokio::test]
async fn an_upload_takes_its_csrf_token_from_a_part_or_the_header_never_the_query() {
    let app = TestApp::new().await;
    let (mut b, unit) = buyer(&app).await;
    let id = publish(&mut b, unit, TITLE).await;
    let page = format!("/tenders/{id}");

    let (mut c, uid) = app.signed_in("org1@example.org", &[]).await;
    let org = app.org(uid, 1, "青城社工服务中心").await;
    c.get(&format!("{page}/bid")).await;
    let r = c
        .post(
            &format!("{page}/bid"),
            &[
                ("org_id", &org.to_string()),
                ("price", PRICES[0].0),
                ("proposal", PROPOSAL),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    // The page's upload form: no token in its address, the token its first field.
    let r = c.get(&format!("{page}/bid")).await;
    {
        let doc = r.doc();
        let form_sel = scraper::Selector::parse(r#"form[enctype="multipart/form-data"]"#).unwrap();
        let form = doc.select(&form_sel).next().expect("the upload form");
        let action = format!("/tenders/{id}/bid/files");
        assert_eq!(form.value().attr("action"), Some(action.as_str()));
        let input_sel = scraper::Selector::parse("input").unwrap();
        let first = form.select(&input_sel).next().expect("a field");
        assert_eq!(first.value().attr("name"), Some("_csrf"));
        assert_eq!(first.value().attr("value"), c.csrf.as_deref());
    }

    let r = upload_with(&mut c, id, org, "方案.pdf", b"%PDF-1.4 q", TokenAt::Query).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(r.text(".error-page").contains("表单已失效"));
    assert_eq!(app.count("bid_files").await, 0);

    let r = upload_with(&mut c, id, org, "方案.pdf", b"%PDF-1.4 f", TokenAt::Field).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.text("code.commitment").len(), 64);
    assert_eq!(app.count("bid_files").await, 1);

    let r = upload_with(&mut c, id, org, "附件.pdf", b"%PDF-1.4 h", TokenAt::Header).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(app.count("bid_files").await, 2);
    // A file larger than the ordinary body limit, sent at once: the check reads no further
    // than the token and the handler still gets the whole file.
    let mut big = b"%PDF-1.4 ".to_vec();
    big.resize(3 * 1024 * 1024, b'x');
    let r = upload_with(&mut c, id, org, "大附件.pdf", &big, TokenAt::Field).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(app.count("bid_files").await, 3);
    let r = c.get(&format!("{page}/bid")).await;
    assert!(r.body.contains("方案.pdf") && r.body.contains("附件.pdf"));
    assert!(
        r.body.contains(&format!("{} B", big.len())),
        "the whole file was stored"
    );
}
