//! Account upkeep through HTTP (issue 11, point 7's administrator tools and the password
//! paths a real user expects): the administrator's user list searches and pages; an account
//! is disabled only after a confirmation page, its open sessions end at once, its holder is
//! told at log-in and nobody else learns anything; a reset link is single-use, expires, is
//! stored hashed and is spent by a password change; `/me/password` needs the current
//! password and is throttled like the log-in. Every test ends with the invariants checked.
//! Runs on SQLite, and on PostgreSQL when `TEST_DATABASE_URL` is set.

use crate::common;

use crate::common::{PW, TestApp};
use axum::http::StatusCode;
use civicbridge::accounts::Role;
use civicbridge::kernel::Lang;

/// Posts a log-in and returns the response (the common helper asserts success).
async fn try_login(app: &TestApp, email: &str, password: &str) -> common::Resp {
    let mut c = app.client();
    c.get("/login").await;
    c.post("/login", &[("email", email), ("password", password)])
        .await
}

/// The audit entries of an action, by SQL (so the test does not trust the audit room's reads).
async fn audited(app: &TestApp, action: &str) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let db = &app.state.db;
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM audit_events WHERE action = '{action}'"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

#[tokio::test]
async fn the_user_list_searches_and_pages() {
    let app = TestApp::new().await;
    let (mut admin, _) = app.signed_in("root@example.org", &[Role::Admin]).await;
    for i in 0..60 {
        app.user(&format!("user{i:02}@example.org"), &[]).await;
    }
    app.user("percent%@example.org", &[]).await;
    let page1 = admin.get("/admin/users").await;
    assert_eq!(page1.status, StatusCode::OK);
    assert_eq!(page1.count("tbody tr"), 50);
    assert!(
        page1.text(".users-count").contains("62"),
        "{}",
        page1.text(".users-count")
    );
    assert_eq!(page1.count(".pagination a"), 1, "a link to page 2");
    let page2 = admin.get("/admin/users?page=2").await;
    assert_eq!(page2.count("tbody tr"), 12);
    // Beyond the last page: the last page, not an empty one or an error.
    let far = admin.get("/admin/users?page=99").await;
    assert_eq!(far.status, StatusCode::OK);
    assert_eq!(far.count("tbody tr"), 12);
    let junk = admin.get("/admin/users?page=-3").await;
    assert_eq!(junk.count("tbody tr"), 50);
    // Search by part of an e-mail, case-insensitive; the box keeps what was typed.
    let found = admin.get("/admin/users?q=USER0").await;
    assert_eq!(found.count("tbody tr"), 10);
    assert_eq!(found.value("#users-q").as_deref(), Some("USER0"));
    // `%` and `_` are letters here, not wildcards.
    let pct = admin
        .get(&format!("/admin/users?q={}", common::enc("%")))
        .await;
    assert_eq!(pct.count("tbody tr"), 1);
    assert!(pct.text("tbody").contains("percent%@example.org"));
    let under = admin.get("/admin/users?q=_").await;
    assert_eq!(under.count("tbody tr"), 0);
    assert!(under.text("main").contains(&Lang::Zh.t("users.none_found")));
    // Only administrators see it.
    let (mut plain, _) = app.signed_in("plain@example.org", &[]).await;
    assert_eq!(
        plain.get("/admin/users").await.status,
        StatusCode::FORBIDDEN
    );
    app.check_invariants().await.unwrap();
}

#[tokio::test]
async fn a_disabled_account_is_signed_out_and_cannot_log_in() {
    let app = TestApp::new().await;
    let (mut admin, admin_id) = app.signed_in("root@example.org", &[Role::Admin]).await;
    let (mut victim, victim_id) = app.signed_in("leaver@example.org", &[]).await;
    assert_eq!(victim.get("/me").await.status, StatusCode::OK);
    let status = format!("/admin/users/{victim_id}/status");
    admin.get("/admin/users").await;

    // No reason: 422 on the row, nothing written.
    let r = admin
        .post(&status, &[("disable", "1"), ("reason", "")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.count(".error-summary") + r.count(".form-errors") >= 1,
        "{}",
        r.body
    );
    assert_eq!(
        r.count("tbody tr"),
        1,
        "the list narrows to the row that failed"
    );
    assert_eq!(audited(&app, "user_disabled").await, 0);

    // With a reason: the confirmation page first, still nothing written.
    let r = admin
        .post(&status, &[("disable", "1"), ("reason", "已离职，账号停用")])
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text("h1").contains("leaver@example.org"));
    assert_eq!(
        r.value(".confirm-form input[name=reason]").as_deref(),
        Some("已离职，账号停用")
    );
    // Disabling notifies no one, and the page promises nothing of the kind.
    let main = r.text("main");
    assert!(main.contains("本次停用连同理由记入审计日志"), "{main}");
    assert!(!main.contains("通知"), "{main}");
    assert_eq!(victim.get("/me").await.status, StatusCode::OK);
    assert_eq!(audited(&app, "user_disabled").await, 0);

    // Confirmed: disabled, audited, the open session ends at its next request.
    let r = admin
        .post(
            &status,
            &[
                ("disable", "1"),
                ("reason", "已离职，账号停用"),
                ("confirm", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(audited(&app, "user_disabled").await, 1);
    let me = victim.get("/me").await;
    assert_eq!(me.status, StatusCode::SEE_OTHER);
    assert!(me.location().unwrap().starts_with("/login"));
    let list = admin.get("/admin/users?q=leaver").await;
    assert!(list.text(".user-status").contains("已离职，账号停用"));

    // The right password: told the account is disabled. A wrong one: the usual message.
    let r = try_login(&app, "leaver@example.org", PW).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text(".form-errors")
            .contains(&Lang::Zh.t("login.disabled"))
    );
    let r = try_login(&app, "leaver@example.org", "not-the-password").await;
    assert!(r.text(".form-errors").contains(&Lang::Zh.t("login.failed")));
    assert!(
        !r.text(".form-errors")
            .contains(&Lang::Zh.t("login.disabled"))
    );

    // An administrator cannot disable themselves (even confirmed).
    let r = admin
        .post(
            &format!("/admin/users/{admin_id}/status"),
            &[
                ("disable", "1"),
                ("reason", "试试看停用自己"),
                ("confirm", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text("main")
            .contains(&Lang::Zh.t("users.refused.own_account"))
    );
    assert_eq!(admin.get("/me").await.status, StatusCode::OK);

    // Enabled again: the password works as before.
    let r = admin.post(&status, &[("disable", "0")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(audited(&app, "user_enabled").await, 1);
    assert_eq!(
        try_login(&app, "leaver@example.org", PW).await.status,
        StatusCode::SEE_OTHER
    );

    // A non-administrator's post changes nothing.
    let (mut plain, _) = app.signed_in("plain@example.org", &[]).await;
    plain.get("/me").await;
    let r = plain
        .post(
            &status,
            &[
                ("disable", "1"),
                ("reason", "恶意停用他人"),
                ("confirm", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(audited(&app, "user_disabled").await, 1);
    app.check_invariants().await.unwrap();
}

#[tokio::test]
async fn a_reset_link_works_once_and_expires() {
    let app = TestApp::new().await;
    let (mut admin, _) = app.signed_in("root@example.org", &[Role::Admin]).await;
    let uid = app.user("forgetful@example.org", &[]).await;
    admin.get("/admin/users").await;
    let issued = admin
        .post(&format!("/admin/users/{uid}/reset-link"), &[])
        .await;
    assert_eq!(issued.status, StatusCode::OK);
    let link = issued.value("#reset-link").unwrap();
    assert!(link.starts_with("/password/reset/"), "{link}");
    let token = link.trim_start_matches("/password/reset/").to_string();
    // Only the hash is stored.
    {
        use sea_orm::{ConnectionTrait, Statement};
        let db = &app.state.db;
        let rows = db
            .query_all_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT token_hash FROM password_resets".to_string(),
            ))
            .await
            .unwrap();
        assert_eq!(rows.len(), 1);
        let stored: String = rows[0].try_get("", "token_hash").unwrap();
        assert_ne!(stored, token);
    }

    // A visitor with the link: the form names the account.
    let mut visitor = app.client();
    let form = visitor.get(&link).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text("main").contains("forgetful@example.org"));
    // Bad input: 422 per field, the old password still works.
    let r = visitor
        .post(
            &link,
            &[("password", "short"), ("password_confirm", "shorter")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.count(".error-summary li"), 2, "{}", r.body);
    assert_eq!(
        try_login(&app, "forgetful@example.org", PW).await.status,
        StatusCode::SEE_OTHER
    );
    // A good one: set, to the log-in page; the new password works, the old one not.
    let r = visitor
        .post(
            &link,
            &[
                ("password", "新的密码很长很长"),
                ("password_confirm", "新的密码很长很长"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), Some("/login"));
    assert_eq!(
        try_login(&app, "forgetful@example.org", "新的密码很长很长")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        try_login(&app, "forgetful@example.org", PW).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // Used: the same link is dead (404), and so is its second post.
    let again = visitor.get(&link).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    assert!(again.text("main").contains(&Lang::Zh.t("reset.dead")));
    let r = visitor
        .post(
            &link,
            &[
                ("password", "third password!"),
                ("password_confirm", "third password!"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Unknown and malformed links say the same.
    let unknown = visitor
        .get(&format!("/password/reset/{}", "ab".repeat(32)))
        .await;
    let junk = visitor.get("/password/reset/%27%20OR%201%3D1").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(junk.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.text(".form-errors"), again.text(".form-errors"));

    // Expiry: a day.
    let fresh = admin
        .post(&format!("/admin/users/{uid}/reset-link"), &[])
        .await;
    let link2 = fresh.value("#reset-link").unwrap();
    assert_ne!(link2, link);
    app.clock()
        .advance(civicbridge::accounts::RESET_TTL_SECS - 60);
    assert_eq!(visitor.get(&link2).await.status, StatusCode::OK);
    app.clock().advance(60);
    assert_eq!(visitor.get(&link2).await.status, StatusCode::NOT_FOUND);
    assert_eq!(audited(&app, "password_reset_issued").await, 2);
    assert_eq!(audited(&app, "password_reset_used").await, 1);
    app.check_invariants().await.unwrap();
}

#[tokio::test]
async fn changing_a_password_needs_the_current_one_and_spends_reset_links() {
    let app = TestApp::new().await;
    let (mut admin, _) = app.signed_in("root@example.org", &[Role::Admin]).await;
    let (mut me, uid) = app.signed_in("owner@example.org", &[]).await;
    admin.get("/admin/users").await;
    let link = admin
        .post(&format!("/admin/users/{uid}/reset-link"), &[])
        .await
        .value("#reset-link")
        .unwrap();

    let page = me.get("/me/password").await;
    assert_eq!(page.status, StatusCode::OK);
    let r = me
        .post(
            "/me/password",
            &[
                ("current_password", "wrong-password"),
                ("password", "brand new secret"),
                ("password_confirm", "brand new secret"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text("main")
            .contains(&Lang::Zh.t("password.current_wrong"))
    );
    assert_eq!(
        try_login(&app, "owner@example.org", PW).await.status,
        StatusCode::SEE_OTHER
    );
    let r = me
        .post(
            "/me/password",
            &[
                ("current_password", PW),
                ("password", "brand new secret"),
                ("password_confirm", "brand new secreT"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.count("[aria-invalid=true]"), 1, "{}", r.body);
    let r = me
        .post(
            "/me/password",
            &[
                ("current_password", PW),
                ("password", "brand new secret"),
                ("password_confirm", "brand new secret"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        try_login(&app, "owner@example.org", "brand new secret")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(audited(&app, "password_changed").await, 1);
    // The link issued before the change is spent.
    assert_eq!(app.client().get(&link).await.status, StatusCode::NOT_FOUND);

    // Guessing the current password here counts like failed log-ins: after the limit the
    // form refuses even the right one for a while.
    for _ in 0..8 {
        me.post(
            "/me/password",
            &[
                ("current_password", "guess-guess"),
                ("password", "another secret"),
                ("password_confirm", "another secret"),
            ],
        )
        .await;
    }
    let r = me
        .post(
            "/me/password",
            &[
                ("current_password", "brand new secret"),
                ("password", "another secret"),
                ("password_confirm", "another secret"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text("main").contains(&Lang::Zh.t("password.throttled")));
    assert_ne!(
        try_login(&app, "owner@example.org", "another secret")
            .await
            .status,
        StatusCode::SEE_OTHER,
        "the password did not change"
    );
    app.check_invariants().await.unwrap();
}

#[tokio::test]
async fn a_new_password_ends_every_other_session() {
    let app = TestApp::new().await;
    let (mut here, uid) = app.signed_in("twice@example.org", &[]).await;
    // The same account signed in on a second device, and on a third.
    let mut there = app.client();
    there.login("twice@example.org", PW).await;
    let mut third = app.client();
    third.login("twice@example.org", PW).await;
    for c in [&mut here, &mut there, &mut third] {
        assert_eq!(c.get("/me").await.status, StatusCode::OK);
    }
    let r = here
        .post(
            "/me/password",
            &[
                ("current_password", PW),
                ("password", "a fresh long secret"),
                ("password_confirm", "a fresh long secret"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // The device that changed it stays signed in; the others are signed out.
    assert_eq!(here.get("/me").await.status, StatusCode::OK);
    let r = there.get("/me").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        r.location().unwrap_or("").starts_with("/login"),
        "{:?}",
        r.location()
    );
    // A form posted from the old session is refused like a signed-out one, nothing written.
    let before = audited(&app, "password_changed").await;
    let r = there
        .post(
            "/me/password",
            &[
                ("current_password", "a fresh long secret"),
                ("password", "the attacker's own"),
                ("password_confirm", "the attacker's own"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        r.location().unwrap_or("").starts_with("/login"),
        "{:?}",
        r.location()
    );
    assert_eq!(audited(&app, "password_changed").await, before);
    assert_eq!(
        try_login(&app, "twice@example.org", "the attacker's own")
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // Signing in again with the new password works on that device.
    there
        .login("twice@example.org", "a fresh long secret")
        .await;
    assert_eq!(there.get("/me").await.status, StatusCode::OK);

    // A reset by link ends every session, the one that changed it before included.
    let (mut admin, _) = app.signed_in("root@example.org", &[Role::Admin]).await;
    admin.get("/admin/users").await;
    let link = admin
        .post(&format!("/admin/users/{uid}/reset-link"), &[])
        .await
        .value("#reset-link")
        .unwrap();
    let mut visitor = app.client();
    visitor.get(&link).await;
    let r = visitor
        .post(
            &link,
            &[
                ("password", "reset by the owner"),
                ("password_confirm", "reset by the owner"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    for c in [&mut here, &mut there, &mut third] {
        assert_eq!(c.get("/me").await.status, StatusCode::SEE_OTHER);
    }
    // The administrator's own session is untouched.
    assert_eq!(admin.get("/admin/users").await.status, StatusCode::OK);
    app.check_invariants().await.unwrap();
}
