//! Annual brand recognition (品牌项目认定) through HTTP, with the clock moved: a regulator
//! opens a league/city round, organizations' administrators and a unit's buyer nominate
//! (every eligibility rule refused by name, a second nomination refused), screening, expert
//! review through the reviews room (a conflicted reviewer left off), the ranked shortlist
//! in public notice, an objection in time and one too late, the answer, recognition with
//! its certificate and the brand's timeline, target 7 on `/targets/brands` with its CSV,
//! and the quota checked again at recognition time.

use crate::common;

use crate::common::{Client, PW, T0, TestApp};
use axum::http::StatusCode;
use civicbridge::accounts::{OrgRole, Role};
use civicbridge::reviews::{Mark, Recommendation, Sheet, SubjectKind};

const DAY: i64 = 86_400;

/// Rates an organization (grade, valid until year-end of `until`).
async fn rate(app: &TestApp, org: i64, grade: i16, until: i32, by: i64) {
    let o = civicbridge::orgs::row(&app.state.db, org)
        .await
        .unwrap()
        .unwrap();
    let d = time::Date::from_calendar_date(until, time::Month::December, 31).unwrap();
    civicbridge::orgs::set_rating(&app.state.db, &o, Some((grade, d)), "评估结果", by, T0)
        .await
        .unwrap();
}

/// A brand of `org` started in `started`, serving a place in Hohhot (150100).
async fn brand(app: &TestApp, org: i64, owner: i64, name: &str, started: i32) -> i64 {
    let d = civicbridge::brands::rules::validate(
        &civicbridge::brands::rules::BrandForm {
            name: name.into(),
            domain: "elderly".into(),
            places: vec!["150102".into()],
            started_year: started.to_string(),
            beneficiaries: "300".into(),
            story: "社区居家养老服务，多年持续运营。".into(),
            ..Default::default()
        },
        2026,
        civicbridge::kernel::Lang::Zh,
    )
    .unwrap();
    civicbridge::brands::create(&app.state.db, org, &d, owner, T0)
        .await
        .unwrap()
}

/// An organization with an administrator who is signed in.
async fn org_with_admin(app: &TestApp, email: &str, n: u32, name: &str) -> (Client, i64, i64) {
    let (c, uid) = app.signed_in(email, &[]).await;
    let org = app.org(uid, n, name).await;
    (c, uid, org)
}

fn round_form<'a>(weights: (&'a str, &'a str), reviewers: &'a [String]) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("title", "2026年度呼和浩特市品牌服务项目认定"),
        ("year", "2026"),
        ("level", "league"),
        ("league", "150100"),
        ("opens_at", "2026-11-20T09:00"),
        ("closes_at", "2026-12-10T17:00"),
        ("min_grade", "3"),
        ("clean_credit", "1"),
        ("min_years", "3"),
        ("max_recognitions", ""),
        ("notice_days", ""),
        ("criterion_name", "服务成效"),
        ("criterion_weight", weights.0),
        ("criterion_name", "创新性"),
        ("criterion_weight", weights.1),
    ];
    for r in reviewers {
        f.push(("reviewer", r.as_str()));
    }
    f
}

async fn nominate(c: &mut Client, round_path: &str, brand: i64) -> common::Resp {
    let b = brand.to_string();
    c.post(
        &format!("{round_path}/nominations"),
        &[
            ("brand", b.as_str()),
            ("statement", "连续多年服务社区老人，成效可核实。"),
        ],
    )
    .await
}

/// Submits a complete sheet for every assignment of `reviewer` on brand nominations.
async fn score_all(app: &TestApp, reviewer: i64, points: i16) {
    for (a, r) in civicbridge::reviews::my_assignments(&app.state.db, reviewer)
        .await
        .unwrap()
    {
        if r.subject_kind != SubjectKind::BrandNomination.code() {
            continue;
        }
        let sheet = Sheet {
            cells: (0..r.criteria().len())
                .map(|_| (Some(Mark::Points(points)), "成效显著".to_string()))
                .collect(),
            recommendation: Some(Recommendation::Yes),
            declared: true,
        };
        let saved = civicbridge::reviews::save_sheet(
            &app.state.db,
            a.id,
            reviewer,
            &sheet,
            true,
            app.clock().now(),
        )
        .await
        .unwrap();
        assert!(saved.is_ok(), "{saved:?}");
    }
}

#[tokio::test]
async fn a_round_from_nomination_to_certificate_and_target_7() {
    let app = TestApp::new().await;
    let db = &app.state.db;
    let (mut reg, reg_id) = app
        .signed_in("regulator@example.org", &[Role::Regulator])
        .await;
    let ev1 = app.user("ev1@example.org", &[Role::Evaluator]).await;
    let ev2 = app.user("ev2@example.org", &[Role::Evaluator]).await;
    let ev_member = app.user("ev3@example.org", &[Role::Evaluator]).await;

    // Organizations and their brands: one eligible, one for each rule that fails.
    let (mut owner, owner_id, org_a) =
        org_with_admin(&app, "a@example.org", 1, "青城为老服务中心").await;
    rate(&app, org_a, 4, 2029, reg_id).await;
    app.add_member(org_a, ev_member, OrgRole::Member).await;
    let a1 = brand(&app, org_a, owner_id, "青城银龄食堂", 2019).await;
    let (mut b_admin, b_id, org_b) =
        org_with_admin(&app, "b@example.org", 2, "北苑社工服务社").await;
    rate(&app, org_b, 2, 2029, reg_id).await;
    let b1 = brand(&app, org_b, b_id, "北苑助老", 2018).await;
    let (mut c_admin, c_id, org_c) = org_with_admin(&app, "c@example.org", 3, "新城公益协会").await;
    rate(&app, org_c, 4, 2029, reg_id).await;
    let c1 = brand(&app, org_c, c_id, "新城新项目", 2025).await;
    let (mut d_admin, d_id, org_d) =
        org_with_admin(&app, "d@example.org", 4, "南湖志愿者协会").await;
    rate(&app, org_d, 5, 2029, reg_id).await;
    let od = civicbridge::orgs::row(db, org_d).await.unwrap().unwrap();
    civicbridge::orgs::set_credit(
        db,
        &od,
        civicbridge::orgs::CreditStatus::Abnormal,
        "未按时年报",
        reg_id,
        T0,
    )
    .await
    .unwrap();
    let d1 = brand(&app, org_d, d_id, "南湖守望", 2015).await;
    let (mut e_admin, e_id, org_e) =
        org_with_admin(&app, "e@example.org", 5, "东河社区服务中心").await;
    rate(&app, org_e, 4, 2025, reg_id).await;
    let e1 = brand(&app, org_e, e_id, "东河邻里", 2016).await;
    let (_, f_id, org_f) = org_with_admin(&app, "f@example.org", 6, "西岸助残服务社").await;
    rate(&app, org_f, 3, 2030, reg_id).await;
    let f1 = brand(&app, org_f, f_id, "西岸阳光工坊", 2020).await;
    // A buyer who nominates for a unit.
    let unit = civicbridge::units::model::create(
        db,
        &civicbridge::units::rules::draft("新城区民政局", "150100").unwrap(),
        T0,
    )
    .await
    .unwrap();
    let buyer_id = app.user("buyer@example.org", &[]).await;
    civicbridge::units::model::add_member(db, unit, buyer_id, T0)
        .await
        .unwrap();
    let mut buyer = app.client();
    buyer.login("buyer@example.org", PW).await;

    // The regulator opens the round; a rubric not adding up to 100 is refused, typed kept.
    let reviewers = vec![ev1.to_string(), ev2.to_string(), ev_member.to_string()];
    let r = reg.get("/recognition/new").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.count("input[name=reviewer]"), 3);
    let r = reg
        .post("/recognition", &round_form(("60", "30"), &reviewers))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text("#rubric .error-msg").contains("100"),
        "{}",
        r.text(".form-errors")
    );
    assert_eq!(
        r.value("input[name=title]").as_deref(),
        Some("2026年度呼和浩特市品牌服务项目认定")
    );
    assert_eq!(app.count("recognition_rounds").await, 0);
    // Only regulators open rounds.
    let r = owner
        .post("/recognition", &round_form(("60", "40"), &reviewers))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = reg
        .post("/recognition", &round_form(("60", "40"), &reviewers))
        .await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{}",
        r.text(".form-errors")
    );
    let round_path = r.location().unwrap().to_string();
    let round: i64 = round_path.rsplit('/').next().unwrap().parse().unwrap();

    // Nominations: the eligible brand goes in once; a second time is refused.
    let r = owner.get(&format!("{round_path}/nominate")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.count(&format!("select[name=brand] option[value='{a1}']")),
        1
    );
    let r = nominate(&mut owner, &round_path, a1).await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{}",
        r.text(".form-errors")
    );
    let r = nominate(&mut owner, &round_path, a1).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text("#brand-error, .form-errors")
            .contains("已在本轮被推荐")
    );
    assert_eq!(app.count("brand_nominations").await, 1);

    // Each failed rule is named; nothing is written.
    for (client, brand_id, rule) in [
        (&mut b_admin, b1, "评估等级 3A 及以上"),
        (&mut c_admin, c1, "持续运行 3 年及以上"),
        (&mut d_admin, d1, "信用良好"),
        (&mut e_admin, e1, "有效期"),
    ] {
        let r = nominate(client, &round_path, brand_id).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{rule}");
        assert!(
            r.text(".form-errors").contains(rule),
            "{rule}: {}",
            r.text(".form-errors")
        );
        assert_eq!(
            r.value("input[name=statement], textarea[name=statement]"),
            None,
            "the statement is a textarea"
        );
        assert!(r.text("textarea[name=statement]").contains("成效可核实"));
    }
    assert_eq!(app.count("brand_nominations").await, 1);
    // Another organization's brand answers like one that does not exist.
    let other = nominate(&mut owner, &round_path, b1).await;
    let missing = nominate(&mut owner, &round_path, 999_999).await;
    assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(other.text(".form-errors"), missing.text(".form-errors"));
    // A unit's buyer nominates another organization's brand for the unit; a unit they do
    // not buy for is refused.
    let r = buyer
        .post(
            &format!("{round_path}/nominations"),
            &[
                ("unit", &(unit + 1).to_string()),
                ("brand", &f1.to_string()),
                ("statement", "单位推荐"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = buyer
        .post(
            &format!("{round_path}/nominations"),
            &[
                ("unit", &unit.to_string()),
                ("brand", &f1.to_string()),
                ("statement", "单位推荐"),
            ],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{}",
        r.text(".form-errors")
    );
    assert_eq!(app.count("brand_nominations").await, 2);
    let noms = civicbridge::brands::recognition_model::nominations_of(db, round)
        .await
        .unwrap();
    let (n_a1, n_f1) = (noms[0].id, noms[1].id);

    // Screening: a refusal needs its reason.
    let screen = |n: i64| format!("{round_path}/nominations/{n}/screen");
    let r = owner.post(&screen(n_a1), &[("decision", "accept")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = reg
        .post(&screen(n_f1), &[("decision", "refuse"), ("note", " ")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = reg
        .post(
            &screen(n_f1),
            &[("decision", "refuse"), ("note", "服务地区证明材料不全")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = reg.post(&screen(n_a1), &[("decision", "accept")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    // Review starts only after the window: before, 422; after, the conflicted reviewer (a
    // member of the brand's organization) is left off.
    let r = reg.post(&format!("{round_path}/review"), &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text(".form-errors").contains("推荐期尚未结束"));
    let closes = civicbridge::kernel::clock::parse_local("2026-12-10T17:00").unwrap();
    app.clock().advance(closes - app.clock().now() + 3600);
    let r = nominate(&mut b_admin, &round_path, b1).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = reg.post(&format!("{round_path}/review"), &[]).await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{}",
        r.text(".form-errors")
    );
    assert_eq!(app.count("review_assignments").await, 2);
    assert_eq!(
        app.count(&format!(
            "review_assignments WHERE reviewer_id = {ev_member}"
        ))
        .await,
        0
    );

    // The shortlist waits for every sheet, naming who is missing.
    let r = reg.post(&format!("{round_path}/notice"), &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text(".form-errors").contains("青城银龄食堂"));
    score_all(&app, ev1, 5).await;
    score_all(&app, ev2, 4).await;
    let r = reg.get(&round_path).await;
    assert!(r.text(".recog-nominations").contains("4.50"), "live total");
    let r = reg.post(&format!("{round_path}/notice"), &[]).await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{}",
        r.text(".form-errors")
    );

    // The public sees the ranked shortlist; the refused nomination is not on it.
    let mut anon = app.client();
    let r = anon.get(&round_path).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text(".recog-shortlist").contains("青城银龄食堂"));
    assert!(!r.text(".recog-shortlist").contains("西岸阳光工坊"));
    assert_eq!(
        r.count(".recog-nominations"),
        0,
        "screening is the regulator's"
    );
    let en = anon.get(&format!("{round_path}?lang=en")).await;
    assert!(en.text("h2").contains("Shortlist"));

    // Objections during the notice: empty reasons refused with the form kept; then filed.
    let (mut plain, _) = app.signed_in("plain@example.org", &[]).await;
    let obj = format!("{round_path}/objections");
    let r = plain
        .post(
            &obj,
            &[("nomination", &n_a1.to_string()), ("reasons", "  ")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = plain
        .post(
            &obj,
            &[("nomination", &n_f1.to_string()), ("reasons", "不在名单")],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "only the shortlist"
    );
    assert_eq!(app.count("brand_objections").await, 0);
    let r = anon
        .post(&obj, &[("nomination", &n_a1.to_string()), ("reasons", "x")])
        .await;
    assert!(r.location().is_some_and(|l| l.starts_with("/login")));
    let r = plain
        .post(
            &obj,
            &[
                ("nomination", &n_a1.to_string()),
                ("reasons", "服务人次与实际不符。"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("brand_objections").await, 1);

    // Recognition waits for the notice to end.
    let r = reg.post(&format!("{round_path}/recognize"), &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text(".form-errors").contains("公示期尚未结束"));
    app.clock().advance(7 * DAY);
    // An objection after the notice: 422, what was typed kept, nothing written.
    let r = plain
        .post(
            &obj,
            &[("nomination", &n_a1.to_string()), ("reasons", "迟到的异议")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text(".form-errors").contains("公示期已结束"));
    assert_eq!(app.count("brand_objections").await, 1);
    // Every objection answered first.
    let r = reg.post(&format!("{round_path}/recognize"), &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text(".form-errors").contains("异议未答复"));
    let oid = civicbridge::brands::recognition_model::objections_of(db, round)
        .await
        .unwrap()[0]
        .id;
    let ans = format!("{round_path}/objections/{oid}/answer");
    assert_eq!(
        plain.post(&ans, &[("answer", "x")]).await.status,
        StatusCode::FORBIDDEN
    );
    let r = reg.post(&ans, &[("answer", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = reg
        .post(
            &ans,
            &[("answer", "经核查，服务台账与合同验收记录一致，异议不成立。")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = reg.post(&format!("{round_path}/recognize"), &[]).await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{}",
        r.text(".form-errors")
    );

    // Published: the certificate, the brand's section and public timeline.
    let r = anon.get(&round_path).await;
    assert!(r.text(".recog-shortlist").contains("青城银龄食堂"));
    assert!(r.text(".recog-objection").contains("异议不成立"));
    let cert = anon.get(&format!("{round_path}/certificates/{n_a1}")).await;
    assert_eq!(cert.status, StatusCode::OK);
    assert!(cert.text(".certificate-no").contains("PP-2026-150100-001"));
    assert!(cert.text(".certificate").contains("青城银龄食堂"));
    assert_eq!(
        anon.get(&format!("{round_path}/certificates/{n_f1}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // The certificate as a PDF, linked from the page, for anyone: the same facts in the
    // viewer's language, the Chinese names embedded (read back through the font's
    // ToUnicode map), the platform's address and the verification line.
    let pdf_path = format!("{round_path}/certificates/{n_a1}/certificate.pdf");
    let link = cert
        .doc()
        .select(&scraper::Selector::parse("a.cert-pdf").unwrap())
        .next()
        .and_then(|a| a.value().attr("href").map(str::to_string))
        .expect("a link to the PDF");
    assert!(link.starts_with(&format!("{pdf_path}?lang=")), "{link}");
    let zh_pdf = anon.get(&format!("{pdf_path}?lang=zh-CN")).await;
    assert!(
        zh_pdf
            .headers
            .get("content-disposition")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("certificate-PP-2026-150100-001.pdf")
    );
    let zh = zh_pdf.pdf_text();
    for s in [
        "品牌服务项目认定证书",
        "PP-2026-150100-001",
        "青城银龄食堂",
        "青城为老服务中心",
        "2026",
        "呼和浩特市",
        "核验地址：",
        &pdf_path.replace("/certificate.pdf", ""),
    ] {
        assert!(zh.contains(s), "{s} in {zh}");
    }
    let en_link = format!("{pdf_path}?lang=en");
    let en = anon.get(&en_link).await.pdf_text();
    for s in [
        "BrandServiceProjectCertificate",
        "PP-2026-150100-001",
        "青城银龄食堂",
        "青城为老服务中心",
        "Verifyat:",
    ] {
        assert!(en.contains(s), "{s} in {en}");
    }
    assert!(!en.contains("认定证书"));
    // The same 404s as the page: a nomination not recognized, one of another round, none.
    for p in [
        format!("{round_path}/certificates/{n_f1}/certificate.pdf"),
        format!("/recognition/999999/certificates/{n_a1}/certificate.pdf"),
        format!("{round_path}/certificates/999999/certificate.pdf"),
        format!("{round_path}/certificates/x/certificate.pdf"),
    ] {
        assert_eq!(anon.get(&p).await.status, StatusCode::NOT_FOUND, "{p}");
    }
    // Signed in, a member of another organization sees the same PDF (it is public).
    assert_eq!(b_admin.get(&pdf_path).await.pdf_text(), zh);
    assert_eq!(
        anon.get("/recognition/999999").await.status,
        StatusCode::NOT_FOUND
    );
    let page = anon.get(&format!("/brands/{a1}")).await;
    assert!(page.text("#recognition").contains("PP-2026-150100-001"));
    let steps: Vec<String> = page
        .doc()
        .select(&scraper::Selector::parse("#recognition .timeline li").unwrap())
        .filter_map(|e| e.value().attr("data-action").map(str::to_string))
        .collect();
    for s in [
        "nominated",
        "screened",
        "review_started",
        "shortlisted",
        "objection_filed",
        "objection_answered",
        "recognized",
    ] {
        assert!(steps.iter().any(|x| x == s), "{s} in {steps:?}");
    }

    // Target 7: the league's count with its brands, the CSV, and the dashboard row.
    let t = anon.get("/targets/brands?year=2026").await;
    assert_eq!(t.status, StatusCode::OK);
    assert_eq!(t.text("tr[data-key='150100'] td a"), "1");
    let d = anon
        .get("/targets/brands?year=2026&scope=league:150100")
        .await;
    assert!(d.text("#drill").contains("青城银龄食堂"));
    let csv = anon
        .get("/targets/brands.csv?table=recognized&year=2026")
        .await;
    assert!(csv.body.contains("PP-2026-150100-001"));
    assert!(csv.body.contains("青城银龄食堂"));
    let h = anon.get("/targets/brands.csv").await;
    assert!(
        h.body.lines().any(|l| l.starts_with("2026,0,1")),
        "{}",
        h.body
    );
    let dash = anon.get("/targets").await;
    assert_eq!(dash.text("tr[data-key=brands_region] td a"), "0");

    let _ = (&mut c_admin, &mut d_admin, &mut e_admin);
    app.check_invariants().await.unwrap();
}

/// Two rounds of the same year, level and league/city, each with a maximum of one: both
/// shortlist one brand while nothing is recognized yet, so the second recognition is
/// refused by the count taken again inside its transaction.
#[tokio::test]
async fn the_maximum_is_checked_again_at_recognition() {
    use civicbridge::brands::recognition as ops;
    use civicbridge::brands::recognition_rules::{Eligibility, Level, NominationDraft, RoundDraft};
    let app = TestApp::new().await;
    let db = &app.state.db;
    let (mut reg, reg_id) = app
        .signed_in("regulator@example.org", &[Role::Regulator])
        .await;
    let ev = app.user("ev@example.org", &[Role::Evaluator]).await;
    let (_, owner, org) = org_with_admin(&app, "a@example.org", 1, "青城为老服务中心").await;
    let b1 = brand(&app, org, owner, "项目一", 2019).await;
    let b2 = brand(&app, org, owner, "项目二", 2019).await;
    let now = app.clock().now();
    let draft = RoundDraft {
        title: "限额测试".into(),
        year: 2026,
        level: Level::League,
        division: "150100".into(),
        opens_at: now - DAY,
        closes_at: now + DAY,
        rules: Eligibility::default(),
        max_recognitions: Some(1),
        notice_days: 7,
        rubric: vec![("成效".into(), 100)],
        reviewers: vec![ev],
    };
    let mut rounds = Vec::new();
    for b in [b1, b2] {
        let r = ops::open_round(db, &draft, reg_id, now).await.unwrap();
        let n = ops::nominate(
            db,
            r,
            &NominationDraft {
                brand: b,
                unit: None,
                statement: "推荐".into(),
            },
            owner,
            now,
        )
        .await
        .unwrap()
        .unwrap();
        ops::screen(db, r, n, true, "", reg_id, now)
            .await
            .unwrap()
            .unwrap();
        rounds.push(r);
    }
    app.clock().advance(2 * DAY);
    for r in &rounds {
        ops::start_review(db, *r, reg_id, app.clock().now())
            .await
            .unwrap()
            .unwrap();
    }
    score_all(&app, ev, 4).await;
    for r in &rounds {
        ops::publish_notice(db, *r, reg_id, app.clock().now())
            .await
            .unwrap()
            .unwrap();
    }
    app.clock().advance(8 * DAY);
    let first = reg
        .post(&format!("/recognition/{}/recognize", rounds[0]), &[])
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let second = reg
        .post(&format!("/recognition/{}/recognize", rounds[1]), &[])
        .await;
    assert_eq!(second.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        second.text(".form-errors").contains("上限 1 项"),
        "{}",
        second.text(".form-errors")
    );
    assert_eq!(
        app.count("brand_nominations WHERE state = 'recognized'")
            .await,
        1
    );
    app.check_invariants().await.unwrap();
}
