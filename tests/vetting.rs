//! Verification of organizations and claims of records (issue 11, point 2), through HTTP as
//! users see it: an unverified registration cannot bid or be invited and says so; a regulator
//! verifies or refuses with a reason; a code already registered leads to a claim; a claim
//! with a statement and a certificate typed by its content, one open per user and
//! organization, decided by a regulator; the regulator's work queue in `/me`.

use crate::common;

use crate::common::{Client, T0, TestApp};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use civicbridge::accounts::{OrgRole, Role};
use civicbridge::procurement::rules;

const PDF: &[u8] = b"%PDF-1.4\n% registration certificate\n%%EOF\n";

fn tender_form(unit: i64, deadline: i64) -> rules::TenderForm {
    rules::TenderForm {
        unit_id: unit.to_string(),
        title: "新城区社区助餐服务项目".into(),
        description: "为辖区老人提供助餐和探访服务的政府购买服务项目。".into(),
        domain: "elderly".into(),
        t_league: "150100".into(),
        budget: "100000".into(),
        method: "open_tender".into(),
        eval_method: "lowest_price".into(),
        enquiry_deadline: rules::format_local(deadline - 3600),
        bid_deadline: rules::format_local(deadline),
        contract_months: "12".into(),
        milestone_name: vec!["全部".into()],
        milestone_percent: vec!["100".into()],
        ..Default::default()
    }
}

async fn unit_with_buyer(app: &TestApp, buyer: i64) -> i64 {
    common::unit_with_buyer(app, buyer).await
}

/// Posts the claim form (multipart, the token in its first part, as the page's form sends it).
async fn post_claim(
    c: &mut Client,
    org: i64,
    evidence: &str,
    file: Option<(&str, &[u8])>,
) -> common::Resp {
    c.get(&format!("/orgs/{org}/claim")).await;
    let boundary = "----cb-claim-boundary";
    let token = c.csrf.clone().unwrap_or_default();
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{token}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"evidence\"\r\n\r\n{evidence}\r\n"
    )
    .into_bytes();
    if let Some((name, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"certificate\"; \
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
        .uri(format!("/orgs/{org}/claim"))
        .header(header::COOKIE, cookies)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    c.request(req).await
}

async fn notices(app: &TestApp, user: i64, kind: &str) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let db = &app.state.db;
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            match db.get_database_backend() {
                sea_orm::DbBackend::Postgres => {
                    "SELECT COUNT(*) AS n FROM user_notifications WHERE user_id = $1 AND kind = $2"
                }
                _ => "SELECT COUNT(*) AS n FROM user_notifications WHERE user_id = ? AND kind = ?",
            },
            [user.into(), kind.into()],
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

async fn audited(app: &TestApp, action: &str) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let db = &app.state.db;
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            match db.get_database_backend() {
                sea_orm::DbBackend::Postgres => {
                    "SELECT COUNT(*) AS n FROM audit_events WHERE action = $1"
                }
                _ => "SELECT COUNT(*) AS n FROM audit_events WHERE action = ?",
            },
            [action.into()],
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

async fn verification(app: &TestApp, org: i64) -> String {
    civicbridge::orgs::row(&app.state.db, org)
        .await
        .unwrap()
        .unwrap()
        .verification
}

#[tokio::test]
async fn an_unverified_organization_cannot_bid_until_a_regulator_verifies_it() {
    let app = TestApp::new().await;
    let (mut owner, owner_id) = app.signed_in("owner@example.org", &[]).await;
    let org = app.unverified_org(owner_id, 1, "青城社工服务中心").await;
    let (mut buyer, buyer_id) = app.signed_in("buyer@example.org", &[]).await;
    let unit = unit_with_buyer(&app, buyer_id).await;
    let tender = app
        .publish_tender(unit, buyer_id, &tender_form(unit, T0 + 10 * 86_400))
        .await;

    // The profile says so, to everyone and to its administrator.
    let r = app.client().get(&format!("/orgs/{org}")).await;
    assert_eq!(r.count(".badge-verification-unverified"), 1);
    assert!(r.text(".verification-note").contains("尚未经监管部门核验"));
    let r = owner.get(&format!("/orgs/{org}?lang=en")).await;
    assert!(
        r.text(".verification-note")
            .contains("As its administrator")
    );
    owner.get(&format!("/orgs/{org}?lang=zh-CN")).await;

    // The bid form explains why; a bid is refused and nothing is written.
    let page = format!("/tenders/{tender}/bid");
    let r = owner.get(&page).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("该机构尚未经监管部门核验"), "{}", r.body);
    let r = owner
        .post(
            &page,
            &[
                ("org_id", &org.to_string()),
                ("price", "90000"),
                ("proposal", "我们将组建专业团队提供助餐服务。"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("该机构尚未经监管部门核验"));
    assert_eq!(app.count("bids").await, 0);

    // Nor can it be invited.
    buyer.get(&format!("/tenders/{tender}/matches")).await;
    let r = buyer
        .post(
            &format!("/tenders/{tender}/invite"),
            &[("org_id", &org.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("尚未经监管部门核验"));

    // Only a regulator verifies.
    let r = owner
        .post(
            &format!("/orgs/{org}/verification"),
            &[("decision", "approve")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let (mut reg, _) = app
        .signed_in("regulator@example.org", &[Role::Regulator])
        .await;
    let r = reg.get(&format!("/orgs/{org}")).await;
    assert_eq!(r.count("form[action$='/verification']"), 1);
    let r = reg
        .post(
            &format!("/orgs/{org}/verification"),
            &[("decision", "approve"), ("reason", "与登记信息一致")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(verification(&app, org).await, "verified");
    assert_eq!(notices(&app, owner_id, "org_verified").await, 1);
    assert_eq!(audited(&app, "verified").await, 1);
    let r = reg.get(&format!("/orgs/{org}")).await;
    assert_eq!(r.count(".badge-verification-verified"), 1);
    assert_eq!(r.count("form[action$='/verification']"), 0);
    assert!(r.text("table.data-table").contains("已核验"));

    // Now it bids.
    let r = owner
        .post(
            &page,
            &[
                ("org_id", &org.to_string()),
                ("price", "90000"),
                ("proposal", "我们将组建专业团队提供助餐服务。"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(app.count("bids").await, 1);
}

#[tokio::test]
async fn a_refusal_needs_a_reason_and_only_applies_to_an_unverified_registration() {
    let app = TestApp::new().await;
    let (_, owner_id) = app.signed_in("owner@example.org", &[]).await;
    let org = app.unverified_org(owner_id, 2, "草原公益服务社").await;
    let verified = app.org(owner_id, 3, "已核验机构").await;
    let (mut reg, _) = app
        .signed_in("regulator@example.org", &[Role::Regulator])
        .await;
    reg.get(&format!("/orgs/{org}")).await;
    let path = format!("/orgs/{org}/verification");
    // No reason, an unknown decision, a control character: the same form, nothing written.
    for fields in [
        vec![("decision", "refuse"), ("reason", "  ")],
        vec![("decision", "maybe"), ("reason", "x")],
        vec![("decision", "refuse"), ("reason", "a\u{7}b")],
    ] {
        let r = reg.post(&path, &fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        assert_eq!(r.count("#verification .form-errors"), 1);
        assert_eq!(verification(&app, org).await, "unverified");
    }
    let r = reg
        .post(
            &path,
            &[("decision", "refuse"), ("reason", "登记证书与名称不符")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(verification(&app, org).await, "refused");
    assert_eq!(notices(&app, owner_id, "org_verification_refused").await, 1);
    assert_eq!(audited(&app, "verification_refused").await, 1);
    let r = app.client().get(&format!("/orgs/{org}?lang=en")).await;
    assert!(r.text(".verification-note").contains("refused"));
    assert!(r.text("table.data-table").contains("登记证书与名称不符"));
    // A verified organization is not refused afterwards.
    reg.get(&format!("/orgs/{verified}")).await;
    let r = reg
        .post(
            &format!("/orgs/{verified}/verification"),
            &[("decision", "refuse"), ("reason", "再次审查")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(verification(&app, verified).await, "verified");
}

#[tokio::test]
async fn registering_a_code_already_registered_leads_to_claiming_it() {
    let app = TestApp::new().await;
    let (_, owner_id) = app.signed_in("owner@example.org", &[]).await;
    let org = app.org(owner_id, 4, "已登记机构").await;
    let (mut c, _) = app.signed_in("someone@example.org", &[]).await;
    c.get("/orgs/new").await;
    let v = common::org_form_values(4, "重复登记机构");
    let mut fields: Vec<(&str, &str)> = v.iter().map(|(k, v)| (*k, v.as_str())).collect();
    fields.push(("domains", "elderly"));
    let r = c.post("/orgs", &fields).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text(".error-msg").contains("已登记"));
    assert_eq!(
        r.count(&format!(".claim-instead a[href='/orgs/{org}/claim']")),
        1,
        "{}",
        r.body
    );
    assert_eq!(app.count("organizations").await, 1);
}

#[tokio::test]
async fn a_record_is_claimed_with_evidence_and_a_regulator_decides() {
    let app = TestApp::new().await;
    let db = &app.state.db;
    // A record without an administrator, as an import leaves it.
    let (_, former) = app.signed_in("former@example.org", &[]).await;
    let org = app.unverified_org(former, 5, "北疆志愿服务协会").await;
    civicbridge::orgs::model::delete_member(db, org, former)
        .await
        .unwrap();
    let (mut claimant, claimant_id) = app.signed_in("claimant@example.org", &[]).await;
    let (mut reg, reg_id) = app
        .signed_in("regulator@example.org", &[Role::Regulator])
        .await;

    // Anonymous visitors are sent to log in; a platform administrator may not claim.
    let r = app.client().get(&format!("/orgs/{org}/claim")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let (mut admin, _) = app.signed_in("root@example.org", &[Role::Admin]).await;
    assert_eq!(
        admin.get(&format!("/orgs/{org}/claim")).await.status,
        StatusCode::FORBIDDEN
    );

    // The profile offers the claim; the form asks for a statement and a certificate.
    let r = claimant.get(&format!("/orgs/{org}")).await;
    assert_eq!(
        r.count(&format!(".claim-link a[href='/orgs/{org}/claim']")),
        1
    );
    let r = claimant.get(&format!("/orgs/{org}/claim")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.count("form[enctype='multipart/form-data'] #certificate"),
        1
    );

    // Bad input: the same form, the statement kept, a message at each field; nothing written.
    let r = post_claim(
        &mut claimant,
        org,
        "本人为法定代表人",
        Some(("证书.pdf", b"<html>%PDF-1.4")),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text("#evidence").contains("本人为法定代表人"));
    assert!(r.text(".error-msg").contains("PDF"));
    let r = post_claim(&mut claimant, org, "", None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.count(".field.has-error"), 2);
    assert_eq!(app.count("org_claims").await, 0);

    // A good claim: the claim page; regulators are told.
    let r = post_claim(
        &mut claimant,
        org,
        "本人为法定代表人，附登记证书。",
        Some(("证书.pdf", PDF)),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = r.location().unwrap().to_string();
    assert!(page.starts_with(&format!("/orgs/{org}/claims/")), "{page}");
    assert_eq!(notices(&app, reg_id, "org_claim_submitted").await, 1);
    assert_eq!(audited(&app, "claim_submitted").await, 1);
    let r = claimant.get(&page).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.count(".badge-claim-pending"), 1);
    assert_eq!(r.count("form[action$='/decision']"), 0);
    // One open claim per user and organization.
    let r = post_claim(&mut claimant, org, "再次申请", Some(("证书.pdf", PDF))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("已有一份待审核的认领申请"));
    assert_eq!(app.count("org_claims").await, 1);
    // The claimant's /me lists it.
    let r = claimant.get("/me").await;
    assert_eq!(r.count("#my-claims a"), 1);

    // Nobody else sees it: not found, as for a claim that does not exist.
    let (mut other, _) = app.signed_in("other@example.org", &[]).await;
    assert_eq!(other.get(&page).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        other.get(&format!("{page}/certificate")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other
            .get(&format!("/orgs/{org}/claims/999999"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other
            .post(&format!("{page}/decision"), &[("decision", "approve")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // The regulator reads the certificate as uploaded and decides.
    let r = reg.get(&format!("{page}/certificate")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers[header::CONTENT_TYPE], "application/pdf");
    assert!(
        r.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(r.body.as_bytes(), PDF);
    let r = reg.get(&page).await;
    assert_eq!(r.count("form[action$='/decision']"), 1);
    let r = reg
        .post(
            &format!("{page}/decision"),
            &[("decision", "refuse"), ("reason", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.value("#decision option[selected]").as_deref(),
        Some("refuse")
    );
    let r = reg
        .post(
            &format!("{page}/decision"),
            &[("decision", "approve"), ("reason", "证书核对无误")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let roles = civicbridge::orgs::member_roles(db, org).await.unwrap();
    assert_eq!(roles, vec![(claimant_id, OrgRole::Admin)]);
    assert_eq!(verification(&app, org).await, "verified");
    assert_eq!(notices(&app, claimant_id, "org_claim_approved").await, 1);
    assert_eq!(audited(&app, "claim_approved").await, 1);
    // Decided once only.
    let r = reg
        .post(
            &format!("{page}/decision"),
            &[("decision", "refuse"), ("reason", "改变主意")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = claimant.get(&page).await;
    assert_eq!(r.count(".badge-claim-approved"), 1);
    // Now its administrator: claiming again is pointless, and it says so.
    let r = claimant.get(&format!("/orgs/{org}/claim")).await;
    assert!(r.body.contains("您已是该机构的管理员"));
    let r = post_claim(&mut claimant, org, "再次申请", Some(("证书.pdf", PDF))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_refused_claim_tells_the_claimant_and_changes_nothing_else() {
    let app = TestApp::new().await;
    let db = &app.state.db;
    let (_, owner_id) = app.signed_in("owner@example.org", &[]).await;
    let org = app.org(owner_id, 6, "草原社工服务中心").await;
    let (mut claimant, claimant_id) = app.signed_in("claimant@example.org", &[]).await;
    let (mut reg, _) = app
        .signed_in("regulator@example.org", &[Role::Regulator])
        .await;
    let r = post_claim(
        &mut claimant,
        org,
        "该机构实际由我方运营。",
        Some(("c.pdf", PDF)),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = r.location().unwrap().to_string();
    // Its administrator hears of the claim.
    assert_eq!(notices(&app, owner_id, "org_claim_submitted").await, 1);
    reg.get(&page).await;
    let r = reg
        .post(
            &format!("{page}/decision"),
            &[("decision", "refuse"), ("reason", "证书与登记信息不符")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(notices(&app, claimant_id, "org_claim_refused").await, 1);
    assert_eq!(
        civicbridge::orgs::member_roles(db, org).await.unwrap(),
        vec![(owner_id, OrgRole::Admin)]
    );
    let r = claimant.get(&format!("{page}?lang=en")).await;
    assert_eq!(r.count(".badge-claim-refused"), 1);
    assert!(r.body.contains("证书与登记信息不符"));
    // A refused claim is closed: a new one may be made.
    let r = post_claim(
        &mut claimant,
        org,
        "补充材料后再次申请。",
        Some(("c.pdf", PDF)),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("org_claims").await, 2);
}

#[tokio::test]
async fn the_regulators_queue_counts_claims_registrations_expiring_ratings_and_overdue_claims() {
    let app = TestApp::new().await;
    let db = &app.state.db;
    let (_, owner_id) = app.signed_in("owner@example.org", &[]).await;
    app.unverified_org(owner_id, 7, "新登记机构").await;
    let rated = app.org(owner_id, 8, "评估机构").await;
    let (mut reg, reg_id) = app
        .signed_in("regulator@example.org", &[Role::Regulator])
        .await;
    // A 4A rating recorded almost five years ago: its last day is within 90 days.
    let o = civicbridge::orgs::row(db, rated).await.unwrap().unwrap();
    let until = app.clock().today() + time::Duration::days(30);
    civicbridge::orgs::set_rating(db, &o, Some((4, until)), "五年前评估", reg_id, T0)
        .await
        .unwrap();
    let (mut claimant, _) = app.signed_in("claimant@example.org", &[]).await;
    let r = post_claim(
        &mut claimant,
        rated,
        "本人为该机构理事长。",
        Some(("c.pdf", PDF)),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    let counts = |r: &common::Resp| -> Vec<String> {
        let doc = r.doc();
        let sel = scraper::Selector::parse("#regulator-queue .stat-value").unwrap();
        doc.select(&sel)
            .map(|e| e.text().collect::<String>())
            .collect()
    };
    let r = reg.get("/me").await;
    assert_eq!(counts(&r), ["1", "0", "1", "1"], "{}", r.body);
    assert_eq!(r.count("#regulator-queue [data-claim]"), 1);
    assert_eq!(r.count("#regulator-queue .badge-overdue"), 0);
    assert!(r.text("#regulator-queue").contains("新登记机构"));
    assert!(r.text("#regulator-queue").contains("评估机构"));
    // Three weeks on the claim has waited more than ten working days.
    app.clock().advance(21 * 86_400);
    let r = reg.get("/me?lang=en").await;
    assert_eq!(counts(&r)[1], "1");
    assert_eq!(r.count("#regulator-queue .badge-overdue"), 1);
    // Others have no queue.
    let r = claimant.get("/me").await;
    assert_eq!(r.count("#regulator-queue"), 0);
}
