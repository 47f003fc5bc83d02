//! The page frame (issue 11): every page starts with a skip link to `main#main` and names its
//! navigation landmarks; error pages are in the same frame, and the 404 and 403 pages keep the
//! full header with the signed-in user (name, workspace link, log-out form). Runs on SQLite,
//! and on PostgreSQL when `TEST_DATABASE_URL` is set. The browser side (no sideways scroll on
//! phones, a one-line header at 1280 px, axe-core) is in `tests/browser.rs`.

use crate::common::{Resp, TestApp};
use axum::http::StatusCode;
use civicbridge::accounts::Role;

/// The first element a keyboard user reaches, as `tag.class href`.
fn first_focusable(r: &Resp) -> String {
    let sel = scraper::Selector::parse("body a[href], body button, body input:not([type=hidden]), body select, body textarea, body summary").unwrap();
    let doc = r.doc();
    let e = doc.select(&sel).next().expect("a focusable element");
    format!(
        "{}.{} {}",
        e.value().name(),
        e.value().classes().collect::<Vec<_>>().join("."),
        e.value().attr("href").unwrap_or("")
    )
}

/// The frame's rules on one page.
fn frame_rules(path: &str, r: &Resp) {
    assert_eq!(first_focusable(r), "a.skip-link #main", "{path}");
    assert_eq!(r.count("main#main"), 1, "{path}");
    assert_eq!(r.count("body > header.site-header"), 1, "{path}");
    assert_eq!(r.count("body > footer"), 1, "{path}");
    assert_eq!(
        r.count("nav"),
        r.count("nav[aria-label]"),
        "{path}: a nav without a name"
    );
}

#[tokio::test]
async fn error_pages_keep_the_signed_in_header() {
    let app = TestApp::new().await;
    let (mut c, _) = app.signed_in("frame@example.cn", &[]).await;
    let r = c.get("/no-such-page").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.text(".error-page h1"), "404");
    frame_rules("/no-such-page", &r);
    assert_eq!(r.text("header .user-name"), "frame@example.cn");
    assert_eq!(r.count(r#"header nav a[href="/me"]"#), 1);
    assert_eq!(
        r.count(r#"header form[action="/logout"] input[name="_csrf"]"#),
        1
    );
    assert_eq!(r.count(r#"header a[href="/login"]"#), 0);

    // Refused, not missing: the same header.
    let r = c.get("/admin/users").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    frame_rules("/admin/users (403)", &r);
    assert_eq!(r.text("header .user-name"), "frame@example.cn");

    // A visitor's error page has the signed-out header, and its language switch keeps the
    // address.
    let mut anon = app.client();
    let r = anon.get("/no-such-page?x=1&lang=en").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    frame_rules("/no-such-page (visitor)", &r);
    assert_eq!(r.count("header .user-menu"), 0);
    assert_eq!(r.count(r#"header a[href="/login"]"#), 1);
    let sel = scraper::Selector::parse("a.lang-switch").unwrap();
    let href = r
        .doc()
        .select(&sel)
        .next()
        .and_then(|a| a.value().attr("href").map(str::to_string));
    assert_eq!(href.as_deref(), Some("/no-such-page?x=1&lang=zh-CN"));
}

#[tokio::test]
async fn every_page_starts_with_a_skip_link() {
    let app = TestApp::new().await;
    let (mut admin, _) = app
        .signed_in("frame-admin@example.cn", &[Role::Admin])
        .await;
    for path in [
        "/",
        "/tenders",
        "/orgs",
        "/units",
        "/targets",
        "/me",
        "/admin/users",
        "/me/notifications",
        "/search?q=x",
    ] {
        let r = admin.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        frame_rules(path, &r);
        assert_eq!(r.count(r#"header nav a[href="/admin/users"]"#), 1, "{path}");
    }
    let mut anon = app.client();
    for path in ["/", "/login", "/signup"] {
        let r = anon.get(path).await;
        frame_rules(path, &r);
    }
}

/// The footer links every part of the product by its list page (each link answers), and
/// shows the operator, contact and filing numbers only when they are configured — on pages
/// and on error pages alike.
#[tokio::test]
async fn footer_names_what_exists_and_the_configured_operator() {
    let app = TestApp::new().await;
    let mut anon = app.client();
    let r = anon.get("/").await;
    let sel = scraper::Selector::parse("footer .footer-links a").unwrap();
    let links: Vec<String> = r
        .doc()
        .select(&sel)
        .filter_map(|a| a.value().attr("href").map(str::to_string))
        .collect();
    assert!(links.len() >= 8, "{links:?}");
    for href in &links {
        assert_eq!(
            anon.get(href).await.status,
            StatusCode::OK,
            "footer link {href}"
        );
    }
    // Nothing made up when nothing is configured.
    assert_eq!(r.count("footer .footer-operator"), 0);
    assert_eq!(r.count("footer .footer-filing"), 0);
    app.check_invariants().await.unwrap();

    let config = civicbridge::web::config::Config {
        site: std::sync::Arc::new(civicbridge::web::config::SiteInfo {
            operator: Some("内蒙古自治区民政厅".into()),
            contact: Some("0471-1234567".into()),
            icp_filing: Some("蒙ICP备00000000号-1".into()),
            psb_filing: None,
        }),
        ..Default::default()
    };
    let app = TestApp::with_config(config).await;
    let mut anon = app.client();
    for (path, lang) in [
        ("/tenders", "zh-CN"),
        ("/no-such-page", "zh-CN"),
        ("/", "en"),
    ] {
        let r = anon.get(&format!("{path}?lang={lang}")).await;
        let op = r.text("footer .footer-operator");
        assert!(op.contains("内蒙古自治区民政厅"), "{path}: {op}");
        assert!(op.contains("0471-1234567"), "{path}: {op}");
        if lang == "en" {
            assert!(op.starts_with("Operated by"), "{op}");
        } else {
            assert!(op.starts_with("主办单位"), "{op}");
        }
        assert_eq!(
            r.text(r#"footer .footer-filing a[href="https://beian.miit.gov.cn/"]"#),
            "蒙ICP备00000000号-1",
            "{path}"
        );
    }
    app.check_invariants().await.unwrap();
}
