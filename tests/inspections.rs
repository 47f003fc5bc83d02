//! Spot checks (issue 15 point 4): a campaign is defined, its seed committed (hash public,
//! seed secret), the draw made and the seed revealed — and the draw re-run here from the
//! revealed seed and the published candidates gives the same checks —, inspectors free of
//! conflicts record findings, and the campaign is concluded.

use crate::common::{PW, TestApp};
use axum::http::StatusCode;
use civicbridge::accounts::{OrgRole, Role};
use sha2::Digest;

fn json_ids(s: &str) -> Vec<i64> {
    serde_json::from_str(s).unwrap()
}

#[tokio::test]
async fn a_campaign_is_committed_drawn_revealed_and_re_run_from_the_seed() {
    let app = TestApp::new().await;
    let owner = app.user("owner@example.org", &[]).await;
    let mut orgs = Vec::new();
    for n in 1..=20 {
        orgs.push(app.org(owner, n, &format!("抽查测试机构{n}")).await);
    }
    let (mut reg, r1) = app
        .signed_in("regulator@example.org", &[Role::Regulator])
        .await;
    let r2 = app.user("r2@example.org", &[Role::Regulator]).await;
    let r3 = app.user("r3@example.org", &[Role::Regulator]).await;
    // r2 is a member of every organization but the last two: a conflict of interest there.
    for o in &orgs[..18] {
        app.add_member(*o, r2, OrgRole::Member).await;
    }

    // Bad input: 422, messages, nothing written.
    reg.get("/spot-checks/new").await;
    let r = reg
        .post(
            "/spot-checks",
            &[
                ("name", "抽查"),
                ("level", "banner_county"),
                ("division", "150100"),
                ("year", "2026"),
                ("ratio", "2"),
                ("items", "finances"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.count("#division-error"), 1);
    assert_eq!(r.count("#ratio-error"), 1);
    assert_eq!(r.value("#name").as_deref(), Some("抽查"));
    assert_eq!(app.count("spot_campaigns").await, 0);

    let r = reg
        .post(
            "/spot-checks",
            &[
                ("name", "新城区2026年度抽查"),
                ("level", "banner_county"),
                ("division", "150102"),
                ("year", "2026"),
                ("ratio", "20"),
                ("items", "annual_report"),
                ("items", "finances"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let path = r.location().unwrap().to_string();
    // A draft is the regulators' alone.
    assert_eq!(app.client().get(&path).await.status, StatusCode::NOT_FOUND);
    assert_eq!(reg.get(&path).await.status, StatusCode::OK);

    // Commit: the hash and the candidates are public, the seed is not.
    assert_eq!(
        reg.post(&format!("{path}/commit"), &[]).await.status,
        StatusCode::SEE_OTHER
    );
    let mut public = app.client();
    let p = public.get(&path).await;
    assert_eq!(p.status, StatusCode::OK);
    let hash = p.text(".seed-hash");
    assert_eq!(hash.len(), 64);
    assert_eq!(
        p.count("code.seed"),
        0,
        "the seed stays secret until the draw"
    );
    assert!(
        p.text(".sample-size").starts_with("4 / 20"),
        "{}",
        p.text(".sample-size")
    );
    // Committing again is refused.
    assert_eq!(
        reg.post(&format!("{path}/commit"), &[]).await.status,
        StatusCode::CONFLICT
    );

    // Draw: the seed is revealed, and it is the one committed to.
    assert_eq!(
        reg.post(&format!("{path}/draw"), &[]).await.status,
        StatusCode::SEE_OTHER
    );
    let p = public.get(&path).await;
    let seed_hex = p.text("code.seed");
    let seed = civicbridge::inspections::rules::parse_seed(&seed_hex).unwrap();
    assert_eq!(hex::encode(sha2::Sha256::digest(seed)), hash);
    assert_eq!(civicbridge::inspections::rules::commitment(&seed), hash);

    // Anyone re-runs the draw from what the page publishes.
    let candidates = json_ids(&p.text("code.candidates"));
    let pool = json_ids(&p.text("code.inspector-pool"));
    let conflicts: Vec<(i64, i64)> = serde_json::from_str(&p.text("code.conflicts")).unwrap();
    assert_eq!(candidates, orgs);
    assert_eq!(pool, vec![r1, r2, r3]);
    assert_eq!(conflicts.len(), 18);
    let again =
        civicbridge::inspections::rules::draw(&seed, &candidates, 4, &pool, &conflicts).unwrap();
    let id: i64 = path.rsplit('/').next().unwrap().parse().unwrap();
    let checks = civicbridge::inspections::checks(&app.state.db, id)
        .await
        .unwrap();
    assert_eq!(checks.len(), 4);
    for (k, d) in checks.iter().zip(&again) {
        assert_eq!(k.org_id, d.org);
        assert_eq!(k.inspector_ids(), d.inspectors);
        assert_eq!(d.inspectors.len(), 2);
        if orgs[..18].contains(&k.org_id) {
            assert!(
                !d.inspectors.contains(&r2),
                "r2 is a member of {}",
                k.org_id
            );
        }
        assert_eq!(p.count(&format!("#check-{}", k.id)), 1);
    }

    // Not concluded before every finding is in.
    assert_eq!(
        reg.post(&format!("{path}/conclude"), &[]).await.status,
        StatusCode::CONFLICT
    );

    // Each check's first inspector records its findings; others get 404.
    let emails = [
        (r1, "regulator@example.org"),
        (r2, "r2@example.org"),
        (r3, "r3@example.org"),
    ];
    for (n, k) in checks.iter().enumerate() {
        let who = k.inspector_ids()[0];
        let email = emails.iter().find(|(u, _)| *u == who).unwrap().1;
        let outsider = emails
            .iter()
            .find(|(u, _)| !k.inspector_ids().contains(u))
            .unwrap()
            .1;
        let mut c = app.client();
        c.login(email, PW).await;
        let url = format!("{path}/checks/{}/findings", k.id);
        let mut o = app.client();
        o.login(outsider, PW).await;
        o.get(&path).await;
        let r = o
            .post(
                &url,
                &[
                    ("finding_annual_report", "compliant"),
                    ("finding_finances", "compliant"),
                ],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "not an inspector of this check"
        );
        c.get(&path).await;
        if n == 0 {
            let r = c
                .post(
                    &url,
                    &[
                        ("finding_annual_report", "compliant"),
                        ("finding_finances", "deficient"),
                    ],
                )
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert_eq!(r.count("#note_finances-error"), 1);
            assert_eq!(app.count("spot_findings").await, 0);
        }
        let r = c
            .post(
                &url,
                &[
                    ("finding_annual_report", "compliant"),
                    (
                        "finding_finances",
                        if n == 0 { "deficient" } else { "compliant" },
                    ),
                    ("note_finances", "账目不全"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    assert_eq!(app.count("spot_findings").await, 8);
    assert_eq!(
        reg.post(&format!("{path}/conclude"), &[]).await.status,
        StatusCode::SEE_OTHER
    );
    let p = public.get(&format!("{path}?lang=en")).await;
    assert!(p.text(".campaign-state").contains("Concluded"));
    assert_eq!(p.count(".badge-finding-deficient"), 1);
    assert_eq!(p.count(".badge-finding-compliant"), 7);
    // The deficiency ordered a rectification due in the configured 30 days (and only that
    // check's organization got one); once overdue, the credit engine gives notice.
    let deficient_org = checks[0].org_id;
    let db = &app.state.db;
    let f = civicbridge::regulation::credit_model::findings_of(db, deficient_org)
        .await
        .unwrap();
    assert_eq!(f.len(), 1);
    assert_eq!(
        f[0].kind(),
        civicbridge::regulation::FindingKind::Rectification
    );
    assert_eq!(f[0].due_at, Some(app.clock().now() + 30 * 86_400));
    assert!(f[0].note.contains("账目不全"), "{}", f[0].note);
    for k in &checks[1..] {
        let none = civicbridge::regulation::credit_model::findings_of(db, k.org_id)
            .await
            .unwrap();
        assert!(none.is_empty());
    }
    civicbridge::app::jobs::evaluate_credit(&app.state)
        .await
        .unwrap();
    let cases = || civicbridge::regulation::credit_model::cases_of(db, deficient_org);
    assert!(cases().await.unwrap().is_empty(), "not overdue yet");
    app.clock().advance(31 * 86_400);
    civicbridge::app::jobs::evaluate_credit(&app.state)
        .await
        .unwrap();
    let c = cases().await.unwrap();
    assert_eq!(c.len(), 1);
    assert_eq!(
        c[0].trigger(),
        civicbridge::regulation::Trigger::RectificationOverdue
    );
    assert!(
        public
            .get("/spot-checks")
            .await
            .text(".campaigns")
            .contains("新城区2026年度抽查")
    );
    app.check_invariants().await.unwrap();
}

#[tokio::test]
async fn the_demo_campaign_is_drawn_concluded_and_reproducible() {
    let app = TestApp::new().await;
    let db = &app.state.db;
    civicbridge::app::seed::run(db, app.clock(), 120, 3, false)
        .await
        .unwrap();
    let campaigns = civicbridge::inspections::list(db, false).await.unwrap();
    assert_eq!(campaigns.len(), 1);
    let c = &campaigns[0];
    assert_eq!(
        c.state(),
        civicbridge::inspections::CampaignState::Concluded
    );
    let checks = civicbridge::inspections::checks(db, c.id).await.unwrap();
    assert!(!checks.is_empty());
    let seed = civicbridge::inspections::rules::parse_seed(c.seed.as_deref().unwrap()).unwrap();
    assert_eq!(
        civicbridge::inspections::rules::commitment(&seed),
        c.seed_hash.clone().unwrap()
    );
    let again = civicbridge::inspections::rules::draw(
        &seed,
        &c.candidates(),
        usize::try_from(c.sample_size.unwrap()).unwrap(),
        &c.inspector_pool(),
        &c.conflicts(),
    )
    .unwrap();
    let drawn: Vec<(i64, Vec<i64>)> = checks
        .iter()
        .map(|k| (k.org_id, k.inspector_ids()))
        .collect();
    let re: Vec<(i64, Vec<i64>)> = again.into_iter().map(|d| (d.org, d.inspectors)).collect();
    assert_eq!(drawn, re);
    // Seeding again adds no second campaign.
    civicbridge::app::seed::run(db, app.clock(), 0, 3, false)
        .await
        .unwrap();
    assert_eq!(
        civicbridge::inspections::list(db, true)
            .await
            .unwrap()
            .len(),
        1
    );
    app.check_invariants().await.unwrap();
}
