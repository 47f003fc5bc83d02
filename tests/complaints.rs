//! Complaints (issue 15 point 5): the public form with attachments and anonymity, the
//! tracking code shown once and its page (no oracle), the regulators' handling through every
//! state with audit entries, the time limits with the clock moved, published outcomes, and
//! the complainant's identity kept from the organization.

use crate::common;

use crate::common::{Client, PW, TestApp};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use civicbridge::accounts::Role;

const DAY: i64 = 86_400;

/// Posts the complaint form as the page sends it: multipart, the token first, then the text
/// fields, then the files.
async fn post_complaint(
    c: &mut Client,
    fields: &[(&str, &str)],
    files: &[(&str, &[u8])],
) -> common::Resp {
    c.get("/complaints/new").await;
    let boundary = "----cb-complaint-boundary";
    let token = c.csrf.clone().unwrap_or_default();
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{token}\r\n"
    )
    .into_bytes();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    for (name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; \
                 filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let cookies = c
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let req = Request::builder()
        .method(Method::POST)
        .uri("/complaints")
        .header(header::COOKIE, cookies)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    c.request(req).await
}

async fn audited(app: &TestApp, action: &str) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let db = &app.state.db;
    let sql = match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => {
            "SELECT COUNT(*) AS n FROM audit_events WHERE entity = 'complaint' AND action = $1"
        }
        _ => "SELECT COUNT(*) AS n FROM audit_events WHERE entity = 'complaint' AND action = ?",
    };
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            sql,
            [action.into()],
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

async fn only_complaint(app: &TestApp) -> civicbridge::complaints::Complaint {
    use sea_orm::EntityTrait;
    let mut all = civicbridge::complaints::model::complaint::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
    all.pop().unwrap()
}

async fn track(c: &mut Client, code: &str) -> common::Resp {
    c.get("/complaints/track").await;
    c.post("/complaints/track", &[("code", code)]).await
}

#[tokio::test]
async fn an_anonymous_complaint_is_followed_with_its_code_and_handled_to_a_published_outcome() {
    let app = TestApp::new().await;
    let owner = app.user("owner@example.org", &[]).await;
    let org = app.org(owner, 1, "被投诉服务中心").await;
    let (mut reg, reg_id) = app
        .signed_in("regulator@example.org", &[Role::Regulator])
        .await;

    let mut anon = app.client();
    let form = anon.get("/complaints/new").await;
    assert_eq!(form.status, StatusCode::OK);
    // An anonymous visitor is anonymous: no account box to tick.
    assert_eq!(form.count("#anonymous"), 0);
    let r = post_complaint(
        &mut anon,
        &[
            ("about", "org"),
            ("org", &common::uscc(1)),
            ("subject", "收费未公示"),
            ("body", "该机构收取服务费用，但未公示收费标准。"),
            ("contact", "13800000000"),
        ],
        &[("收据.pdf", b"%PDF-1.4 receipt")],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.headers.get(header::CACHE_CONTROL).unwrap(),
        "no-store",
        "the page with the code is not cached"
    );
    let code = r.text("#tracking-code");
    assert_eq!(code.len(), 19, "{code}");
    let c = only_complaint(&app).await;
    assert_eq!(c.org_id, Some(org));
    assert_eq!(c.submitted_by, None);
    assert_ne!(c.tracking_hash, code, "only the code's hash is kept");
    assert!(!c.tracking_hash.contains(&code.replace('-', "")));
    assert_eq!(app.count("complaint_files").await, 1);
    assert_eq!(audited(&app, "received").await, 1);

    // Anyone with the code follows it, typed loosely; a wrong code learns nothing.
    let loose = code.to_lowercase().replace('-', " ");
    let mut other = app.client();
    let t = track(&mut other, &loose).await;
    assert_eq!(t.status, StatusCode::OK);
    assert!(t.text(".complaint-state").contains("已受理"), "{}", t.body);
    assert!(t.body.contains("收费未公示"));
    for wrong in ["AAAA-BBBB-CCCC-DDDD", "", "not a code"] {
        let t = track(&mut other, wrong).await;
        assert_eq!(t.status, StatusCode::NOT_FOUND, "{wrong}");
        assert!(!t.body.contains("收费未公示"));
    }

    // Only regulators reach the case; the organization never sees who complained.
    let mut owner_c = app.client();
    owner_c.login("owner@example.org", PW).await;
    let path = format!("/regulation/complaints/{}", c.id);
    assert_eq!(owner_c.get(&path).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        owner_c.get("/regulation/complaints").await.status,
        StatusCode::FORBIDDEN
    );
    let page = reg.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text(".complaint-contact").contains("13800000000"));
    assert!(page.text(".complaint-filer").contains("匿名"));
    let fid = page
        .doc()
        .select(&scraper::Selector::parse(".complaint-files a").unwrap())
        .next()
        .unwrap()
        .value()
        .attr("href")
        .unwrap()
        .to_string();
    let f = reg.get(&fid).await;
    assert_eq!(f.status, StatusCode::OK);
    assert_eq!(
        f.headers.get(header::CONTENT_TYPE).unwrap(),
        "application/pdf"
    );
    assert!(
        f.headers
            .get(header::CONTENT_DISPOSITION)
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(owner_c.get(&fid).await.status, StatusCode::FORBIDDEN);

    // Concluding before investigating is refused and changes nothing.
    let r = reg
        .post(
            &format!("{path}/conclude"),
            &[("outcome", "partly"), ("outcome_text", "x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(only_complaint(&app).await.state, "received");

    // Assign (to a regulator only), investigate, reply, conclude and publish.
    let r = reg
        .post(
            &format!("{path}/assign"),
            &[("assignee", &owner.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.count("#error-summary") == 1);
    let r = reg
        .post(
            &format!("{path}/assign"),
            &[("assignee", &reg_id.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = reg.post(&format!("{path}/investigate"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = reg
        .post(
            &format!("{path}/replies"),
            &[("body", "已联系机构核实。"), ("visibility", "public")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = reg
        .post(
            &format!("{path}/replies"),
            &[
                ("body", "内部：机构负责人电话已核实"),
                ("visibility", "internal"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // A conclusion without its text: 422, what was chosen kept, nothing written.
    let r = reg
        .post(
            &format!("{path}/conclude"),
            &[
                ("outcome", "partly"),
                ("outcome_text", " "),
                ("publish", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.doc()
            .select(&scraper::Selector::parse("#outcome option[value=partly][selected]").unwrap())
            .next()
            .is_some()
    );
    assert_eq!(only_complaint(&app).await.state, "investigating");
    let r = reg
        .post(
            &format!("{path}/conclude"),
            &[
                ("outcome", "partly"),
                ("outcome_text", "已责令该机构公示收费标准。"),
                ("publish", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let c = only_complaint(&app).await;
    assert_eq!(c.state, "concluded");
    assert!(c.published);
    // A concluded case takes no more replies.
    let r = reg
        .post(
            &format!("{path}/replies"),
            &[("body", "再补充一句。"), ("visibility", "public")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(app.count("complaint_replies").await, 2);
    for a in ["assigned", "investigating", "replied", "concluded"] {
        assert!(audited(&app, a).await >= 1, "{a}");
    }

    // The holder of the code reads the public reply and the outcome, not the internal note.
    let t = track(&mut other, &code).await;
    assert!(t.text(".complaint-state").contains("已办结"));
    assert!(t.body.contains("已联系机构核实。"));
    assert!(!t.body.contains("内部：机构负责人电话已核实"));
    assert!(
        t.text(".complaint-outcome")
            .contains("已责令该机构公示收费标准。")
    );
    // The public list shows the outcome, never the complaint's text nor its contact.
    let p = app.client().get("/complaints?lang=en").await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(
        p.text(".published-outcomes")
            .contains("Partly substantiated")
    );
    assert!(p.text(".published-outcomes").contains("被投诉服务中心"));
    assert!(!p.body.contains("13800000000"));
    assert!(!p.body.contains("该机构收取服务费用"));
    app.check_invariants().await.unwrap();
}

#[tokio::test]
async fn bad_complaints_come_back_with_messages_and_nothing_is_written() {
    let app = TestApp::new().await;
    let owner = app.user("owner@example.org", &[]).await;
    app.org(owner, 1, "某某服务中心").await;
    let mut c = app.client();
    let r = post_complaint(
        &mut c,
        &[
            ("about", "org"),
            ("org", "没有这个机构"),
            ("subject", "保留的事由"),
            ("body", "内容"),
        ],
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text("#org-error")
            .contains("没有以该名称或代码登记的机构")
    );
    assert_eq!(r.value("#subject").as_deref(), Some("保留的事由"));
    assert_eq!(r.count("#error-summary"), 1);
    let r = post_complaint(
        &mut c,
        &[("about", "general"), ("subject", ""), ("body", "")],
        &[("photo.gif", b"GIF89a....")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for f in ["#subject-error", "#body-error", "#files-error"] {
        assert_eq!(r.count(f), 1, "{f}: {}", r.body);
    }
    // A PNG named .pdf is refused by its content.
    let r = post_complaint(
        &mut c,
        &[("about", "general"), ("subject", "s"), ("body", "b")],
        &[("scan.pdf", b"\x89PNG\r\n\x1a\n....")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("complaints").await, 0);
    assert_eq!(app.count("complaint_files").await, 0);
    // By exact name, a signed-in complainant who is not anonymous is recorded (for
    // regulators); one who ticks "anonymous" is not.
    let (mut signed, uid) = app.signed_in("citizen@example.org", &[]).await;
    let r = post_complaint(
        &mut signed,
        &[
            ("about", "org"),
            ("org", "某某服务中心"),
            ("subject", "s"),
            ("body", "b"),
        ],
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = post_complaint(
        &mut signed,
        &[
            ("about", "general"),
            ("subject", "s2"),
            ("body", "b2"),
            ("anonymous", "1"),
        ],
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    use sea_orm::{EntityTrait, QueryOrder};
    let rows = civicbridge::complaints::model::complaint::Entity::find()
        .order_by_asc(civicbridge::complaints::model::complaint::Column::Id)
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(rows[0].submitted_by, Some(uid));
    assert_eq!(rows[1].submitted_by, None);
    app.check_invariants().await.unwrap();
}

#[tokio::test]
async fn each_state_has_a_time_limit_and_overdue_cases_are_highlighted() {
    let app = TestApp::new().await;
    let (mut reg, reg_id) = app
        .signed_in("regulator@example.org", &[Role::Regulator])
        .await;
    let mut anon = app.client();
    let r = post_complaint(
        &mut anon,
        &[
            ("about", "general"),
            ("subject", "场地被占用"),
            ("body", "情况说明"),
        ],
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let id = only_complaint(&app).await.id;
    let path = format!("/regulation/complaints/{id}");
    let row = format!("#complaint-{id}.row-overdue");
    let overdue_now = |r: &common::Resp| r.count(&row) == 1;

    // Received: 3 days (the default) to assign.
    app.clock().advance(3 * DAY);
    let l = reg.get("/regulation/complaints").await;
    assert!(!overdue_now(&l), "due at the instant itself is not overdue");
    assert!(
        reg.get("/me")
            .await
            .text("#complaints")
            .contains("其中超期0件")
    );
    app.clock().advance(1);
    let l = reg.get("/regulation/complaints").await;
    assert!(overdue_now(&l), "{}", l.body);
    assert!(
        reg.get("/me")
            .await
            .text("#complaints")
            .contains("其中超期1件")
    );
    // Assigning starts the next state's clock (5 days); a reassignment keeps it running.
    reg.post(
        &format!("{path}/assign"),
        &[("assignee", &reg_id.to_string())],
    )
    .await;
    assert!(!overdue_now(&reg.get("/regulation/complaints").await));
    app.clock().advance(4 * DAY);
    reg.post(
        &format!("{path}/assign"),
        &[("assignee", &reg_id.to_string())],
    )
    .await;
    app.clock().advance(DAY + 1);
    assert!(overdue_now(&reg.get("/regulation/complaints").await));
    // Investigating: 30 days.
    reg.post(&format!("{path}/investigate"), &[]).await;
    app.clock().advance(30 * DAY);
    assert!(!overdue_now(&reg.get("/regulation/complaints").await));
    app.clock().advance(1);
    let case = reg.get(&path).await;
    assert!(case.text(".complaint-state").contains("已超期"));
    // Concluded cases leave the open list and are never overdue.
    reg.post(
        &format!("{path}/conclude"),
        &[("outcome", "unfounded"), ("outcome_text", "未发现问题。")],
    )
    .await;
    let l = reg.get("/regulation/complaints").await;
    assert_eq!(l.count(&format!("#complaint-{id}")), 0);
    let l = reg.get("/regulation/complaints?state=all").await;
    assert_eq!(l.count(&format!("#complaint-{id}")), 1);
    assert!(!overdue_now(&l));
    // Not published: not in the public list.
    let p = app.client().get("/complaints").await;
    assert_eq!(p.count(".published-outcomes"), 0);
    app.check_invariants().await.unwrap();
}

#[tokio::test]
async fn the_time_limits_are_configurable() {
    let config = civicbridge::web::config::Config {
        complaints: civicbridge::complaints::TimeLimits::parse("1,2,3").unwrap(),
        ..Default::default()
    };
    let app = TestApp::with_config(config).await;
    let (mut reg, _) = app
        .signed_in("regulator@example.org", &[Role::Regulator])
        .await;
    let mut anon = app.client();
    post_complaint(
        &mut anon,
        &[("about", "general"), ("subject", "s"), ("body", "b")],
        &[],
    )
    .await;
    let id = only_complaint(&app).await.id;
    app.clock().advance(DAY + 1);
    let l = reg.get("/regulation/complaints").await;
    assert_eq!(l.count(&format!("#complaint-{id}.row-overdue")), 1);
    app.check_invariants().await.unwrap();
}
