//! Two-factor sign-in through HTTP (issue 11): enrolment shows the secret until a current
//! code confirms it, then ten recovery codes once; sign-in asks for the code after the
//! password, accepts ±1 step, never the same step twice, and counts wrong codes in the
//! log-in throttle; a recovery code works once; a role the setting names is sent to enrol
//! before anything else; a password reset leaves it on; switching it off needs a code or
//! the password. Codes are computed from the secret the page shows, at the fixed clock's
//! instant. Every test ends with the invariants checked (on drop). Runs on SQLite, and on
//! PostgreSQL when `TEST_DATABASE_URL` is set.

use crate::common::{self, PW, Resp, TestApp};
use axum::http::StatusCode;
use civicbridge::accounts::Role;
use civicbridge::accounts::two_factor_rules as tf;
use civicbridge::kernel::Lang;

/// The audit entries of an action, by SQL.
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

/// How many notices of a kind are in a user's inbox, by SQL.
async fn inbox(app: &TestApp, user: i64, kind: &str) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let db = &app.state.db;
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT COUNT(*) AS n FROM user_notifications \
                 WHERE user_id = {user} AND kind = '{kind}'"
            ),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

/// The secret the enrolment page shows, as bytes (what an authenticator app reads).
fn shown_secret(page: &Resp) -> Vec<u8> {
    let b32: String = page.text("#totp-secret").split_whitespace().collect();
    assert!(!b32.is_empty(), "no secret on {}", page.body);
    totp_rs::Secret::try_from_base32(&b32)
        .unwrap()
        .as_bytes()
        .to_vec()
}

/// The code of the step `offset` steps from the app's current one.
fn code(app: &TestApp, secret: &[u8], offset: i64) -> String {
    tf::code_at_step(secret, tf::step_of(app.clock().now()) + offset)
}

/// The recovery codes on the page shown after enrolment.
fn shown_codes(page: &Resp) -> Vec<String> {
    page.text("#recovery-codes code")
        .lines()
        .map(str::to_string)
        .collect()
}

/// Enrols a signed-in client (set-up, then the current code); the secret and the codes.
async fn enrol(app: &TestApp, c: &mut common::Client) -> (Vec<u8>, Vec<String>) {
    c.get("/me/two-factor").await;
    let r = c.post("/me/two-factor/setup", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = c.get("/me/two-factor").await;
    let secret = shown_secret(&page);
    let r = c
        .post("/me/two-factor/enable", &[("code", &code(app, &secret, 0))])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let codes = shown_codes(&r);
    assert_eq!(codes.len(), tf::RECOVERY_CODES);
    (secret, codes)
}

/// Posts the password; the response (a redirect to the second step for a 2FA user).
async fn password_step(app: &TestApp, email: &str, password: &str) -> (common::Client, Resp) {
    let mut c = app.client();
    c.get("/login").await;
    let r = c
        .post("/login", &[("email", email), ("password", password)])
        .await;
    (c, r)
}

#[tokio::test]
async fn enrolment_needs_a_right_code_and_shows_the_recovery_codes_once() {
    let app = TestApp::new().await;
    let (mut c, uid) = app.signed_in("ann@example.org", &[]).await;
    let settings = c.get("/me/settings").await;
    assert_eq!(settings.count("#two-factor a[href='/me/two-factor']"), 1);
    let page = c.get("/me/two-factor").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.count("#two-factor-off"), 1);

    c.post("/me/two-factor/setup", &[]).await;
    let page = c.get("/me/two-factor").await;
    let secret = shown_secret(&page);
    assert!(
        page.text("#totp-uri")
            .starts_with("otpauth://totp/CivicBridge:")
    );
    assert_eq!(page.count(".qr-code svg"), 1);
    // The secret is sealed at rest: its base32 is nowhere in the row.
    let row = civicbridge::accounts::two_factor_model::totp_of(&app.state.db, uid)
        .await
        .unwrap()
        .unwrap();
    let b32 = totp_rs::Secret::from(secret.clone()).to_base32();
    assert!(!row.secret_sealed.contains(&b32));
    assert!(row.enabled_at.is_none());

    // A wrong code, then a malformed one: the same page with the message, nothing switched on.
    let wrong = code(&app, &secret, 5);
    let r = c.post("/me/two-factor/enable", &[("code", &wrong)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.count("#code-error"), 1, "{}", r.body);
    assert_eq!(shown_secret(&r), secret, "the same secret, shown again");
    let r = c.post("/me/two-factor/enable", &[("code", "12ab")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        !civicbridge::accounts::two_factor::is_on(&app.state.db, uid)
            .await
            .unwrap()
    );
    assert_eq!(audited(&app, "two_factor_enabled").await, 0);

    // The right code (one step late: skew allowed) switches it on and shows the codes once.
    let r = c
        .post(
            "/me/two-factor/enable",
            &[("code", &code(&app, &secret, -1))],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let codes = shown_codes(&r);
    assert_eq!(codes.len(), 10);
    assert!(codes.iter().all(|c| tf::normalize_recovery(c).is_some()));
    assert!(
        civicbridge::accounts::two_factor::is_on(&app.state.db, uid)
            .await
            .unwrap()
    );
    assert_eq!(audited(&app, "two_factor_enabled").await, 1);
    assert_eq!(app.count("recovery_codes").await, 10);
    let page = c.get("/me/two-factor").await;
    assert_eq!(page.count("#two-factor-on"), 1);
    assert!(page.text("#recovery-left").contains("10"));
    assert_eq!(page.count("#totp-secret"), 0, "never shown again");
    assert_eq!(page.count("#recovery-codes"), 0, "never shown again");
}

#[tokio::test]
async fn sign_in_needs_the_code_and_a_code_works_once() {
    let app = TestApp::new().await;
    let (mut c, _) = app.signed_in("bo@example.org", &[]).await;
    let (secret, _) = enrol(&app, &mut c).await;

    // The password alone signs nobody in.
    let (mut c, r) = password_step(&app, "bo@example.org", PW).await;
    assert_eq!(r.location(), Some("/login/two-factor"));
    let me = c.get("/me").await;
    assert!(me.location().is_some_and(|l| l.starts_with("/login")));
    let step = c.get("/login/two-factor").await;
    assert_eq!(step.count("input[name=code]"), 1);

    // The code that confirmed the enrolment is spent (same step).
    let r = c
        .post("/login/two-factor", &[("code", &code(&app, &secret, 0))])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text("#code-error")
            .contains(&civicbridge::kernel::Lang::Zh.t("two_factor.code_replayed"))
    );
    // Not a code at all: its message, not counted.
    let r = c.post("/login/two-factor", &[("code", "hello")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Half a minute later the next code signs in.
    app.clock().advance(tf::STEP_SECS);
    let now_code = code(&app, &secret, 0);
    let r = c.post("/login/two-factor", &[("code", &now_code)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), Some("/me"));
    assert_eq!(c.get("/me").await.status, StatusCode::OK);

    // Replayed in another sign-in: refused.
    let (mut other, _) = password_step(&app, "bo@example.org", PW).await;
    other.get("/login/two-factor").await;
    let r = other
        .post("/login/two-factor", &[("code", &now_code)])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Two steps ahead is outside the window; one step ahead is inside it.
    let r = other
        .post("/login/two-factor", &[("code", &code(&app, &secret, 2))])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = other
        .post("/login/two-factor", &[("code", &code(&app, &secret, 1))])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // The second step expires: a sign-in left waiting past five minutes starts over.
    let (mut late, _) = password_step(&app, "bo@example.org", PW).await;
    app.clock().advance(tf::PENDING_TTL_SECS + 1);
    let r = late
        .post("/login/two-factor", &[("code", &code(&app, &secret, 0))])
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.count("#step-expired"), 1);
    assert!(
        late.get("/me")
            .await
            .location()
            .is_some_and(|l| l.starts_with("/login"))
    );
}

#[tokio::test]
async fn wrong_codes_are_throttled_like_wrong_passwords() {
    let app = TestApp::new().await;
    let (mut c, _) = app.signed_in("cy@example.org", &[]).await;
    let (secret, _) = enrol(&app, &mut c).await;
    app.clock().advance(tf::STEP_SECS);
    let (mut c, _) = password_step(&app, "cy@example.org", PW).await;
    c.get("/login/two-factor").await;
    let wrong = code(&app, &secret, 7);
    for _ in 0..3 {
        let r = c.post("/login/two-factor", &[("code", &wrong)]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    // Typing the password again does not reset the count of wrong codes.
    let (mut c, _) = password_step(&app, "cy@example.org", PW).await;
    c.get("/login/two-factor").await;
    for _ in 0..2 {
        let r = c.post("/login/two-factor", &[("code", &wrong)]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let r = c
        .post("/login/two-factor", &[("code", &code(&app, &secret, 0))])
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert!(
        c.get("/me")
            .await
            .location()
            .is_some_and(|l| l.starts_with("/login"))
    );
}

#[tokio::test]
async fn a_recovery_code_works_once() {
    let app = TestApp::new().await;
    let (mut c, _) = app.signed_in("di@example.org", &[]).await;
    let (_, codes) = enrol(&app, &mut c).await;
    let (mut c, _) = password_step(&app, "di@example.org", PW).await;
    c.get("/login/two-factor").await;
    // Typed in capitals, without its dashes.
    let typed = codes[3].to_uppercase().replace('-', "");
    let r = c.post("/login/two-factor", &[("code", &typed)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(audited(&app, "recovery_code_used").await, 1);
    let page = c.get("/me/two-factor").await;
    assert!(page.text("#recovery-left").contains('9'));

    let (mut again, _) = password_step(&app, "di@example.org", PW).await;
    again.get("/login/two-factor").await;
    let r = again
        .post("/login/two-factor", &[("code", &codes[3])])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(audited(&app, "recovery_code_used").await, 1);
    // Another user's code is nothing here.
    let r = again
        .post("/login/two-factor", &[("code", "0000-0000-0000-0000")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_role_that_requires_it_is_sent_to_enrol_first() {
    let config = civicbridge::web::config::Config {
        require_2fa_roles: vec![Role::Regulator, Role::Admin],
        ..Default::default()
    };
    let app = TestApp::with_config(config).await;
    app.user("reg@example.org", &[Role::Regulator]).await;
    app.user("eva@example.org", &[Role::Evaluator]).await;

    // A role the setting does not name goes where it was going.
    let (_, r) = password_step(&app, "eva@example.org", PW).await;
    assert_eq!(r.location(), Some("/me"));

    let (mut c, r) = password_step(&app, "reg@example.org", PW).await;
    assert_eq!(r.location(), Some("/me/two-factor"));
    for path in ["/me", "/orgs", "/me/settings", "/"] {
        let r = c.get(path).await;
        assert_eq!(r.location(), Some("/me/two-factor"), "{path}");
    }
    let page = c.get("/me/two-factor").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.count("#two-factor-required"), 1);
    let (secret, _) = enrol(&app, &mut c).await;
    assert_eq!(c.get("/me").await.status, StatusCode::OK);

    // From now on the regulator's sign-in asks for the code.
    app.clock().advance(tf::STEP_SECS);
    let (mut c, r) = password_step(&app, "reg@example.org", PW).await;
    assert_eq!(r.location(), Some("/login/two-factor"));
    c.get("/login/two-factor").await;
    let r = c
        .post("/login/two-factor", &[("code", &code(&app, &secret, 0))])
        .await;
    assert_eq!(r.location(), Some("/me"));
    assert_eq!(c.get("/me").await.status, StatusCode::OK);

    // Switching it off (with the password) sends the regulator to enrol again.
    c.get("/me/two-factor").await;
    let r = c.post("/me/two-factor/disable", &[("password", PW)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(c.get("/me").await.location(), Some("/me/two-factor"));
    // Log-out still works.
    c.get("/me/two-factor").await;
    let r = c.post("/logout", &[]).await;
    assert_eq!(r.location(), Some("/"));
}

#[tokio::test]
async fn a_password_reset_leaves_two_factor_on() {
    let app = TestApp::new().await;
    let (mut c, uid) = app.signed_in("ed@example.org", &[]).await;
    enrol(&app, &mut c).await;
    let token = civicbridge::accounts::issue_reset(&app.state.db, uid, None, app.clock().now())
        .await
        .unwrap();
    let mut anon = app.client();
    let path = format!("/password/reset/{token}");
    anon.get(&path).await;
    let new_pw = "a brand new password";
    let r = anon
        .post(&path, &[("password", new_pw), ("password_confirm", new_pw)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        civicbridge::accounts::two_factor::is_on(&app.state.db, uid)
            .await
            .unwrap()
    );
    let (_, r) = password_step(&app, "ed@example.org", new_pw).await;
    assert_eq!(r.location(), Some("/login/two-factor"));
}

#[tokio::test]
async fn switching_off_needs_a_code_or_the_password() {
    let app = TestApp::new().await;
    let (mut c, uid) = app.signed_in("fay@example.org", &[]).await;
    let (secret, _) = enrol(&app, &mut c).await;
    c.get("/me/two-factor").await;
    let r = c.post("/me/two-factor/disable", &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.count("#code-error"), 1);
    let r = c
        .post(
            "/me/two-factor/disable",
            &[("password", "not the password")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.count("#password-error"), 1);
    // The enrolment's own code is spent; the next one works.
    let r = c
        .post(
            "/me/two-factor/disable",
            &[("code", &code(&app, &secret, 0))],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    app.clock().advance(tf::STEP_SECS);
    let r = c
        .post(
            "/me/two-factor/disable",
            &[("code", &code(&app, &secret, 0))],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        !civicbridge::accounts::two_factor::is_on(&app.state.db, uid)
            .await
            .unwrap()
    );
    assert_eq!(audited(&app, "two_factor_disabled").await, 1);
    assert_eq!(app.count("recovery_codes").await, 0);
    let (_, r) = password_step(&app, "fay@example.org", PW).await;
    assert_eq!(r.location(), Some("/me"));
}

#[tokio::test]
async fn new_recovery_codes_replace_the_old_after_a_code_or_the_password() {
    let app = TestApp::new().await;
    let (mut c, uid) = app.signed_in("gus@example.org", &[]).await;
    let (_, old) = enrol(&app, &mut c).await;
    let page = c.get("/me/two-factor").await;
    assert_eq!(page.count("form[action='/me/two-factor/recovery']"), 1);
    // Neither a code nor the password: refused next to the field, nothing replaced.
    let r = c.post("/me/two-factor/recovery", &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.count("#regen_code-error"), 1);
    let r = c
        .post(
            "/me/two-factor/recovery",
            &[("regen_password", "wrong one")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.count("#regen_password-error"), 1);
    let r = c
        .post("/me/two-factor/recovery", &[("regen_code", "12")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.count("#regen_code-error"), 1);
    assert_eq!(audited(&app, "recovery_codes_regenerated").await, 0);
    // The password: ten new codes, shown once; the old ones are gone.
    let r = c
        .post("/me/two-factor/recovery", &[("regen_password", PW)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.count("#codes-regenerated"), 1);
    let new = shown_codes(&r);
    assert_eq!(new.len(), tf::RECOVERY_CODES);
    assert!(new.iter().all(|n| !old.contains(n)));
    assert_eq!(audited(&app, "recovery_codes_regenerated").await, 1);
    assert_eq!(app.count("recovery_codes").await, tf::RECOVERY_CODES as i64);
    // An old code no longer signs in; a new one does, once.
    let (mut s, _) = password_step(&app, "gus@example.org", PW).await;
    s.get("/login/two-factor").await;
    let r = s.post("/login/two-factor", &[("code", &old[0])]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = s.post("/login/two-factor", &[("code", &new[0])]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // A recovery code proves the owner too (and is spent with the rest).
    let r = c
        .post("/me/two-factor/recovery", &[("regen_code", &new[1])])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(shown_codes(&r).iter().all(|n| !new.contains(n)));
    assert_eq!(audited(&app, "recovery_codes_regenerated").await, 2);
    // Off: nothing to regenerate.
    civicbridge::accounts::two_factor::disable(&app.state.db, uid, app.clock().now())
        .await
        .unwrap();
    let r = c
        .post("/me/two-factor/recovery", &[("regen_password", PW)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("recovery_codes").await, 0);
}

#[tokio::test]
async fn an_administrator_resets_a_lost_second_factor_with_a_reason_after_confirming() {
    let app = TestApp::new().await;
    let (mut user, uid) = app.signed_in("hal@example.org", &[]).await;
    enrol(&app, &mut user).await;
    let (mut admin, admin_id) = app.signed_in("root@example.org", &[Role::Admin]).await;
    let list = admin.get("/admin/users?q=hal%40example.org").await;
    let action = format!("/admin/users/{uid}/two-factor/reset");
    assert_eq!(list.count(&format!("form[action='{action}']")), 1);
    assert_eq!(list.count(&format!("#user-{uid} .two-factor-on")), 1);
    // Only an administrator; anyone else is refused and nothing changes.
    let r = user.post(&action, &[("reason", "我自己")]).await;
    assert!(
        r.status == StatusCode::FORBIDDEN || r.status == StatusCode::NOT_FOUND,
        "{}",
        r.status
    );
    // A reason is required; what was typed stays.
    let r = admin.post(&action, &[("reason", "  ")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.count(&format!("#user-{uid} .two-factor-form .error-msg")),
        1
    );
    // The first post asks for confirmation and changes nothing.
    let reason = "本人到场核验身份证，手机遗失";
    let r = admin.post(&action, &[("reason", reason)]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(reason));
    assert_eq!(
        r.count(&format!("form[action='{action}'] input[name=confirm]")),
        1
    );
    assert!(
        civicbridge::accounts::two_factor::is_on(&app.state.db, uid)
            .await
            .unwrap()
    );
    let r = admin
        .post(&action, &[("reason", reason), ("confirm", "1")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        !civicbridge::accounts::two_factor::is_on(&app.state.db, uid)
            .await
            .unwrap()
    );
    assert_eq!(app.count("recovery_codes").await, 0);
    assert_eq!(audited(&app, "two_factor_reset").await, 1);
    // The user hears of it, with who did it and why; no one else does.
    assert_eq!(inbox(&app, uid, "two_factor_reset").await, 1);
    assert_eq!(inbox(&app, admin_id, "two_factor_reset").await, 0);
    let mine = user.get("/me/notifications").await;
    assert_eq!(mine.status, StatusCode::OK);
    assert!(mine.body.contains(reason), "{}", mine.body);
    assert!(mine.body.contains("root@example.org"), "{}", mine.body);
    {
        use sea_orm::{ConnectionTrait, Statement};
        let db = &app.state.db;
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT actor_id, entity_id FROM audit_events WHERE action = 'two_factor_reset'",
            ))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            row.try_get::<Option<i64>>("", "actor_id").unwrap(),
            Some(admin_id)
        );
        assert_eq!(row.try_get::<i64>("", "entity_id").unwrap(), uid);
    }
    // The user signs in with the password alone.
    let (_, r) = password_step(&app, "hal@example.org", PW).await;
    assert_eq!(r.location(), Some("/me"));
    // Again: nothing left to reset. No confirmation page and no form on the row, but a 422
    // that says so, in the administrator's language; nothing written, no second notice.
    let list = admin.get("/admin/users?q=hal%40example.org").await;
    assert_eq!(list.count(&format!("form[action='{action}']")), 0);
    let r = admin.post(&action, &[("reason", reason)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.count("input[name=confirm]"), 0);
    assert!(
        r.text(".error-summary")
            .contains(&Lang::Zh.t("users.two_factor_off")),
        "{}",
        r.body
    );
    let r = admin
        .post(&format!("{action}?lang=en"), &[("reason", reason)])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text(".error-summary")
            .contains(&Lang::En.t("users.two_factor_off")),
        "{}",
        r.body
    );
    let r = admin
        .post(&action, &[("reason", reason), ("confirm", "1")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(audited(&app, "two_factor_reset").await, 1);
    assert_eq!(inbox(&app, uid, "two_factor_reset").await, 1);
    // An unknown user is 404.
    let r = admin
        .post(
            "/admin/users/999999/two-factor/reset",
            &[("reason", reason), ("confirm", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Never the administrator's own: no form on their row, and the post is refused.
    enrol(&app, &mut admin).await;
    let own = format!("/admin/users/{admin_id}/two-factor/reset");
    let list = admin.get("/admin/users?q=root%40example.org").await;
    assert_eq!(list.count(&format!("form[action='{own}']")), 0);
    let r = admin
        .post(&own, &[("reason", reason), ("confirm", "1")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        civicbridge::accounts::two_factor::is_on(&app.state.db, admin_id)
            .await
            .unwrap()
    );
}
