//! Notices (issue 11 point 5) through HTTP: `/notices` lists the notices of every type
//! newest first with its filters and paging; each notice has a stable page, a printable
//! view and a PDF read back with lopdf; the Atom feeds (all, per type, per unit) are
//! escaped, dated and keep their ids; the home page shows the latest notices; notices of
//! releases recorded before the table existed are listed at start with the same ids.

use crate::common;

use std::collections::BTreeSet;

use axum::http::{StatusCode, header};
use civicbridge::opendata::{NoticeFilter, NoticeKind, StoredNotice};

use crate::common::{TestApp, as_refs, buyer, enc, publish, tender_fields};

const DAY: i64 = 86_400;

/// Every notice, newest first, as the database lists them.
async fn all_notices(app: &TestApp, f: &NoticeFilter) -> Vec<StoredNotice> {
    civicbridge::opendata::notices(&app.state.db, f, 0, 10_000)
        .await
        .unwrap()
        .0
}

/// The notice ids a list page links, in order.
fn listed(r: &common::Resp) -> Vec<i64> {
    let doc = r.doc();
    let sel = scraper::Selector::parse(".notice-list a.notice-title").unwrap();
    doc.select(&sel)
        .map(|a| {
            a.value()
                .attr("href")
                .unwrap()
                .trim_start_matches("/notices/")
                .parse()
                .unwrap()
        })
        .collect()
}

/// The demo (a tender in every state), an amendment of the open tender and the termination
/// of the active contract: notices of every type.
async fn demo_with_every_type() -> TestApp {
    use sea_orm::EntityTrait;
    let app = TestApp::new().await;
    let db = &app.state.db;
    civicbridge::app::seed::run(db, app.clock(), 60, 3, false)
        .await
        .unwrap();
    civicbridge::app::seed::procurement::run(db, &app.state.seal, app.clock().now(), 1)
        .await
        .unwrap();
    let tenders = civicbridge::procurement::model::tender::Entity::find()
        .all(db)
        .await
        .unwrap();
    let now = app.clock().now();
    let open = tenders.iter().find(|t| t.state == "published").unwrap();
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
    app
}

/// The demo as `serve --demo` seeds it (one tender per state here), nothing added: over HTTP,
/// `/notices?type=…` lists at least one notice of every type, and the first of each has a
/// page, a printable view and a PDF; the correction names the extended deadline and the
/// termination its public reason.
#[tokio::test]
async fn the_demo_alone_has_a_notice_of_every_type() {
    let app = TestApp::new().await;
    let db = &app.state.db;
    civicbridge::app::seed::run(db, app.clock(), 60, 3, false)
        .await
        .unwrap();
    civicbridge::app::seed::procurement::run(db, &app.state.seal, app.clock().now(), 1)
        .await
        .unwrap();
    let mut c = app.client();
    for k in NoticeKind::ALL {
        let code = k.code();
        let r = c.get(&format!("/notices?type={code}")).await;
        assert_eq!(r.status, StatusCode::OK);
        let ids = listed(&r);
        assert!(!ids.is_empty(), "no {code} notice in the demo");
        assert_eq!(
            r.count(&format!(".notice-item .badge-notice-{code}")),
            ids.len(),
            "{code}: only that type is listed"
        );
        let page = c.get(&format!("/notices/{}", ids[0])).await;
        assert_eq!(page.status, StatusCode::OK, "{code}");
        let print = c.get(&format!("/notices/{}/print", ids[0])).await;
        assert_eq!(print.status, StatusCode::OK, "{code}");
        assert_eq!(print.text(".notice-facts"), page.text(".notice-facts"));
        let pdf = c.get(&format!("/notices/{}.pdf", ids[0])).await.pdf_text();
        let facts = page.text(".notice-facts");
        match k {
            NoticeKind::Correction => {
                assert!(page.text("h1").contains("更正公告"), "{}", page.text("h1"));
                assert!(facts.contains("投标截止时间延长三天"), "{facts}");
                assert!(facts.contains("更正后投标截止时间"), "{facts}");
                assert!(pdf.contains("投标截止时间延长三天"), "{pdf}");
            }
            NoticeKind::Termination => {
                assert!(page.text("h1").contains("终止公告"), "{}", page.text("h1"));
                assert!(facts.contains("相继离职"), "{facts}");
                assert!(pdf.contains("终止公告"), "{pdf}");
            }
            _ => {}
        }
    }
    app.check_invariants().await.unwrap();
}

#[tokio::test]
async fn notices_of_every_type_are_listed_filtered_and_shown() {
    let app = demo_with_every_type().await;
    let all = all_notices(&app, &NoticeFilter::default()).await;
    let kinds: BTreeSet<&str> = all.iter().map(|n| n.kind.as_str()).collect();
    for k in NoticeKind::ALL {
        assert!(
            kinds.contains(k.code()),
            "no {} notice in {kinds:?}",
            k.code()
        );
    }
    // Newest first, by the event's instant.
    assert!(
        all.windows(2)
            .all(|w| (w[0].at, w[0].id) >= (w[1].at, w[1].id))
    );

    let mut c = app.client();
    let r = c.get("/notices").await;
    assert_eq!(r.status, StatusCode::OK);
    let first: Vec<i64> = all.iter().take(20).map(|n| n.id).collect();
    assert_eq!(listed(&r), first, "the first page, newest first");
    assert!(r.text(".result-count").contains(&all.len().to_string()));
    // Dates shown and machine-readable.
    assert_eq!(r.count(".notice-item time[datetime]"), first.len());
    // The feeds are announced in the head and linked.
    assert_eq!(
        r.count(r#"head link[rel="alternate"][type="application/atom+xml"]"#),
        1
    );
    assert!(r.count(r#"a.feed-link[href="/notices/feed.xml"]"#) == 1);

    // By type: only that type, all of it.
    for k in NoticeKind::ALL {
        let r = c.get(&format!("/notices?type={}", k.code())).await;
        assert_eq!(r.status, StatusCode::OK);
        let want: Vec<i64> = all
            .iter()
            .filter(|n| n.kind == k.code())
            .map(|n| n.id)
            .take(20)
            .collect();
        assert!(!want.is_empty());
        assert_eq!(listed(&r), want, "{}", k.code());
        assert_eq!(
            r.count(&format!(".notice-item .badge-notice-{}", k.code())),
            want.len()
        );
        // A type's list announces its own feed too.
        assert!(
            r.body
                .contains(&format!("/notices/feed.xml?type={}", k.code()))
        );
    }

    // By unit, by words in the title, by place, by dates.
    let unit = all[0].unit_id;
    let r = c.get(&format!("/notices?unit={unit}")).await;
    let want: Vec<i64> = all
        .iter()
        .filter(|n| n.unit_id == unit)
        .map(|n| n.id)
        .take(20)
        .collect();
    assert_eq!(listed(&r), want);
    let title = all[0].title.clone();
    let word: String = title.chars().take(4).collect();
    let r = c.get(&format!("/notices?q={}", enc(&word))).await;
    let ids = listed(&r);
    assert!(ids.contains(&all[0].id));
    assert!(
        all.iter()
            .filter(|n| ids.contains(&n.id))
            .all(|n| n.title.contains(&word))
    );
    // `%` is a character, not a wildcard.
    let r = c.get("/notices?q=%25").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(listed(&r).is_empty());
    let leagues: BTreeSet<String> = {
        use sea_orm::EntityTrait;
        civicbridge::procurement::model::tender::Entity::find()
            .all(&app.state.db)
            .await
            .unwrap()
            .into_iter()
            .filter_map(|t| t.league_code)
            .collect()
    };
    let with = leagues.iter().next().unwrap();
    let r = c.get(&format!("/notices?league={with}")).await;
    assert!(!listed(&r).is_empty(), "notices in {with}");
    let without = civicbridge::regions::regions()
        .leagues()
        .map(|d| d.code.clone())
        .find(|code| !leagues.contains(code))
        .unwrap();
    let r = c.get(&format!("/notices?league={without}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(listed(&r).is_empty(), "no tender in {without}");
    assert!(r.count(".empty") == 1);
    let today = civicbridge::kernel::clock::shanghai_date(app.clock().now() + 1);
    let r = c.get(&format!("/notices?from={today}&to={today}")).await;
    let ids = listed(&r);
    let day_start = time::PrimitiveDateTime::new(today, time::Time::MIDNIGHT)
        .assume_offset(civicbridge::kernel::clock::SHANGHAI)
        .unix_timestamp();
    let want: Vec<i64> = all
        .iter()
        .filter(|n| n.at >= day_start && n.at < day_start + DAY)
        .map(|n| n.id)
        .take(20)
        .collect();
    assert!(!want.is_empty());
    assert_eq!(ids, want);
    let tomorrow = civicbridge::kernel::clock::shanghai_date(app.clock().now() + 2 * DAY);
    let r = c.get(&format!("/notices?from={tomorrow}")).await;
    assert!(listed(&r).is_empty());
    // Unusable filters: the same form back with what was typed and a message per field.
    let r = c
        .get(&format!("/notices?from=2026-13-45&to={today}&q=a%00b"))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.count(".form-errors li"), 2, "{}", r.text(".form-errors"));
    assert_eq!(r.value("input#from").as_deref(), Some("2026-13-45"));
    assert!(listed(&r).is_empty());
    let r = c
        .get(&format!("/notices?from={tomorrow}&to={today}&lang=en"))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text(".form-errors").contains("before the start date"));
    // (`?lang=en` set the cookie: a new visitor reads Chinese again.)
    let mut c = app.client();

    // Each notice's page: the correction names the change, the result the winner and the
    // price, the termination its reason.
    let of = |k: NoticeKind| all.iter().find(|n| n.kind == k.code()).unwrap().clone();
    let correction = of(NoticeKind::Correction);
    let r = c.get(&format!("/notices/{}", correction.id)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text("h1").contains("更正公告"), "{}", r.text("h1"));
    let facts = r.text(".notice-facts");
    assert!(facts.contains("延长投标截止时间一天"), "{facts}");
    assert!(facts.contains("原投标截止时间") && facts.contains("更正后投标截止时间"));
    let mut found = None;
    for n in all.iter().filter(|n| n.kind == "result") {
        let (_, d) = civicbridge::opendata::notice(&app.state.db, n.id)
            .await
            .unwrap()
            .unwrap();
        if d.winner.is_some() {
            found = Some((n.clone(), d));
            break;
        }
    }
    let (awarded, doc) = found.expect("an award notice");
    let winner = doc.winner.clone().unwrap();
    let r = c.get(&format!("/notices/{}", awarded.id)).await;
    let facts = r.text(".notice-facts");
    assert!(r.text("h1").contains("中标（成交）结果公告"));
    assert!(facts.contains(&winner.name), "{facts}");
    let price = civicbridge::kernel::money::Fen(winner.value_fen.unwrap()).to_string();
    assert!(facts.contains(&price), "{facts} lacks {price}");
    assert!(r.count(&format!(r#"a[href="/tenders/{}"]"#, awarded.tender_id)) >= 1);
    let termination = of(NoticeKind::Termination);
    let r = c.get(&format!("/notices/{}?lang=en", termination.id)).await;
    assert!(r.text("h1").contains("Termination notice"));
    assert!(r.text(".notice-facts").contains("服务机构无法继续履约"));
    // The printable view: the notice alone, no header, navigation or footer.
    let r = c.get(&format!("/notices/{}/print", awarded.id)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.count("header.site-header, nav, footer"), 0);
    assert!(r.text(".notice-facts").contains(&winner.name));
    assert!(
        r.text(".notice-source")
            .ends_with(&format!("/notices/{}", awarded.id))
    );
    // The PDF, read back: Chinese embedded, the winner and the price in it.
    let r = c
        .get(&format!("/notices/{}.pdf?lang=zh-CN", awarded.id))
        .await;
    let text = r.pdf_text();
    assert!(text.contains("中标（成交）结果公告"), "{text}");
    assert!(text.contains(&winner.name.replace(' ', "")), "{text}");
    // (The yuan sign may be outside the embedded GB2312 font: the digits are what count.)
    assert!(text.contains(price.trim_start_matches('¥')), "{text}");
    assert!(text.contains(&format!("/notices/{}", awarded.id)), "{text}");
    let r = c
        .get(&format!("/notices/{}.pdf?lang=en", correction.id))
        .await;
    let text = r.pdf_text();
    assert!(text.contains("Correctionnotice"), "{text}");
    assert!(text.contains("延长投标截止时间一天"), "{text}");
    // Unknown or malformed ids are "not found".
    for path in [
        "/notices/999999",
        "/notices/999999.pdf",
        "/notices/abc",
        "/notices/1.pdf.pdf",
        "/notices/999999/print",
    ] {
        assert_eq!(c.get(path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn feeds_are_atom_escaped_dated_and_stable() {
    let app = TestApp::new().await;
    let (mut b, unit) = buyer(&app).await;
    let plain = publish(&mut b, unit, "社区助老服务项目").await;
    app.clock().advance(60);
    let tricky = "助老服务 <第一期> & \"回访\"";
    let r = b
        .post("/tenders", &as_refs(&tender_fields(unit, tricky)))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = r.location().unwrap().to_string();
    b.get(&page).await;
    assert_eq!(
        b.post(&format!("{page}/publish"), &[]).await.status,
        StatusCode::SEE_OTHER
    );
    let mut c = app.client();
    let r = c.get("/notices/feed.xml").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.headers.get(header::CONTENT_TYPE).unwrap(),
        "application/atom+xml; charset=utf-8"
    );
    let x = r.body.clone();
    assert!(x.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"));
    assert!(x.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""));
    assert_eq!(x.matches("<entry>").count(), 2);
    // Escaped: the title's markup is text.
    assert!(
        x.contains("助老服务 &lt;第一期&gt; &amp; &quot;回访&quot;"),
        "{x}"
    );
    assert!(!x.contains("<第一期>"));
    // Dates in RFC 3339; the newest entry first and the feed updated at it.
    let newest = common::T0 + 60;
    let stamp = civicbridge::opendata::notice_rules::rfc3339(newest);
    assert!(stamp.ends_with('Z') && stamp.contains('T'));
    assert!(x.contains(&format!("<updated>{stamp}</updated>")));
    let all = all_notices(&app, &NoticeFilter::default()).await;
    assert_eq!(all.len(), 2);
    let first = x.find(&format!("/notices/{}</id>", all[0].id)).unwrap();
    let second = x.find(&format!("/notices/{}</id>", all[1].id)).unwrap();
    assert!(first < second, "newest first");
    // Ids stay what they were when more notices arrive.
    let ids_before: Vec<String> = entry_ids(&x);
    app.clock().advance(60);
    publish(&mut b, unit, "社区助残服务项目").await;
    let x2 = c.get("/notices/feed.xml").await.body;
    let ids_after = entry_ids(&x2);
    assert_eq!(ids_after.len(), 3);
    assert_eq!(
        &ids_after[1..],
        &ids_before[..],
        "old entries keep their ids"
    );
    // Per type and per unit.
    let r = c.get("/notices/feed.xml?type=procurement").await;
    assert_eq!(r.body.matches("<entry>").count(), 3);
    assert!(r.body.contains("?type=procurement"));
    let r = c.get("/notices/feed.xml?type=result").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body.matches("<entry>").count(), 0);
    let r = c
        .get(&format!("/notices/feed.xml?unit={unit}&lang=en"))
        .await;
    assert_eq!(r.body.matches("<entry>").count(), 3);
    assert!(r.body.contains("xml:lang=\"en\""));
    assert!(r.body.contains("呼和浩特市新城区民政局"));
    let r = c.get(&format!("/notices/feed.xml?unit={}", unit + 1)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body.matches("<entry>").count(), 0);
    for bad in ["/notices/feed.xml?type=bogus", "/notices/feed.xml?unit=x"] {
        assert_eq!(c.get(bad).await.status, StatusCode::NOT_FOUND, "{bad}");
    }
    // The notice page says what the feed links to.
    let r = c.get(&format!("/notices/{}", all[1].id)).await;
    assert!(r.text("h1").contains("社区助老服务项目"));
    assert_eq!(all[1].tender_id, plain);
}

fn entry_ids(x: &str) -> Vec<String> {
    x.split("<entry>")
        .skip(1)
        .map(|e| {
            let s = e.find("<id>").unwrap() + 4;
            let end = e.find("</id>").unwrap();
            e[s..end].to_string()
        })
        .collect()
}

#[tokio::test]
async fn home_shows_the_latest_notices_and_the_list_pages() {
    let app = TestApp::new().await;
    let (mut b, unit) = buyer(&app).await;
    let mut made = Vec::new();
    for n in 0..22 {
        made.push(publish(&mut b, unit, &format!("社区服务项目第{n}期")).await);
        app.clock().advance(60);
    }
    let all = all_notices(&app, &NoticeFilter::default()).await;
    assert_eq!(all.len(), 22);
    assert_eq!(all[0].tender_id, *made.last().unwrap(), "newest first");
    let mut c = app.client();
    let r = c.get("/").await;
    assert_eq!(r.status, StatusCode::OK);
    let latest: Vec<i64> = {
        let doc = r.doc();
        let sel = scraper::Selector::parse(".latest-notices a.notice-title").unwrap();
        doc.select(&sel)
            .map(|a| {
                a.value()
                    .attr("href")
                    .unwrap()
                    .trim_start_matches("/notices/")
                    .parse()
                    .unwrap()
            })
            .collect()
    };
    let want: Vec<i64> = all.iter().take(8).map(|n| n.id).collect();
    assert_eq!(latest, want);
    assert_eq!(r.count(".latest-notices time[datetime]"), 8);
    assert!(r.text(".latest-notices .badge-notice").contains("采购公告"));
    assert_eq!(r.count(r#".latest-notices a[href="/notices"]"#), 1);
    let r = c.get("/?lang=en").await;
    assert!(r.text(".latest-notices h2").contains("Latest notices"));
    // Twenty a page, the pager to the rest; the filters stay in the pager's links.
    let r = c.get("/notices").await;
    assert_eq!(listed(&r).len(), 20);
    assert!(r.count(r#".pagination a[href="/notices?page=2"]"#) == 1);
    let r = c.get("/notices?page=2").await;
    let rest: Vec<i64> = all.iter().skip(20).map(|n| n.id).collect();
    assert_eq!(listed(&r), rest);
    let r = c
        .get("/notices?type=procurement&q=%E7%A4%BE%E5%8C%BA")
        .await;
    assert!(
        r.count(r#".pagination a[href="/notices?type=procurement&q=%E7%A4%BE%E5%8C%BA&page=2"]"#)
            == 1,
        "{}",
        r.text(".pagination")
    );
}

#[tokio::test]
async fn releases_before_the_notices_are_listed_at_start_with_the_same_ids() {
    use sea_orm::{ConnectionTrait, EntityTrait};
    let app = demo_with_every_type().await;
    let db = &app.state.db;
    let before = all_notices(&app, &NoticeFilter::default()).await;
    assert!(!before.is_empty());
    db.execute_unprepared("DELETE FROM notices").await.unwrap();
    assert!(all_notices(&app, &NoticeFilter::default()).await.is_empty());
    let added = civicbridge::opendata::fill_missing_notices(db)
        .await
        .unwrap();
    assert_eq!(added, before.len());
    assert_eq!(all_notices(&app, &NoticeFilter::default()).await, before);
    // Again: nothing to add.
    assert_eq!(
        civicbridge::opendata::fill_missing_notices(db)
            .await
            .unwrap(),
        0
    );
    // A notice's id is its release's row: milestones and payments are no notices.
    let releases = civicbridge::opendata::model::release::Entity::find()
        .all(db)
        .await
        .unwrap();
    for n in &before {
        let r = releases.iter().find(|r| r.id == n.id).unwrap();
        assert_eq!(r.tender_id, n.tender_id);
        assert_ne!(r.tag, "implementation");
    }
    assert!(
        releases
            .iter()
            .any(|r| r.tag == "implementation" && !before.iter().any(|n| n.id == r.id))
    );
}
