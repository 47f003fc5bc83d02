//! Brand projects through HTTP, as an organization administrator, a visitor and an
//! attacker would use them: the form (and its bad input), photo uploads (type by content,
//! size, re-encoding, no orphan files), evidence from completed contracts, the gallery, the
//! profile section and target 7 on `/targets`.

use crate::common::{Client, Resp, T0, TestApp};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use civicbridge::accounts::{OrgRole, Role};

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 99])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

/// A JPEG carrying an Exif segment with a recognizable GPS note.
fn jpeg_with_exif() -> Vec<u8> {
    let mut plain = Vec::new();
    image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
        1600,
        900,
        image::Rgb([200, 80, 40]),
    ))
    .write_to(
        &mut std::io::Cursor::new(&mut plain),
        image::ImageFormat::Jpeg,
    )
    .unwrap();
    let payload = b"Exif\0\0GPS-SECRET-PLACE";
    let len = (payload.len() + 2) as u16;
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(payload);
    out.extend_from_slice(&plain[2..]);
    out
}

/// Posts a multipart upload (`_csrf` first, then the file) the way a browser does.
async fn upload(c: &mut Client, path: &str, name: &str, bytes: &[u8]) -> Resp {
    let token = c.csrf.clone().unwrap_or_default();
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--bnd\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{token}\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(
        format!(
            "--bnd\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"{name}\"\r\nContent-Type: image/jpeg\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(b"\r\n--bnd--\r\n");
    let cookies = c
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let req = Request::builder()
        .method("POST")
        .uri(path)
        .header(header::COOKIE, cookies)
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=bnd")
        .body(Body::from(body))
        .unwrap();
    c.request(req).await
}

fn form<'a>(name: &'a str, year: &'a str, people: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", name),
        ("domain", "elderly"),
        ("places", "150100"),
        ("places", "150102"),
        ("started_year", year),
        ("beneficiaries", people),
        ("outcome_label", "助餐服务"),
        ("outcome_number", "36,000"),
        ("outcome_unit", "人次"),
        ("outcome_label", ""),
        ("outcome_number", ""),
        ("outcome_unit", ""),
        ("partners", "新城区民政局"),
        ("story", "从一个社区老年食堂起步，为高龄独居老人助餐送餐。"),
    ]
}

/// Files under the app's brand-photo directory.
fn photo_files(app: &TestApp) -> usize {
    std::fs::read_dir(app.state.config.data_dir.join("brands"))
        .map(|d| d.count())
        .unwrap_or(0)
}

async fn admin_with_org(app: &TestApp) -> (Client, i64, i64) {
    let (c, uid) = app.signed_in("owner@example.org", &[]).await;
    let org = app.org(uid, 1, "青城社区服务中心").await;
    (c, uid, org)
}

async fn create_brand(c: &mut Client, org: i64, name: &str) -> i64 {
    c.get(&format!("/orgs/{org}/brands/new")).await;
    let r = c
        .post(&format!("/orgs/{org}/brands"), &form(name, "2019", "1,200"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let to = r.location().unwrap().to_string();
    // /orgs/{org}/brands/{id}/edit
    to.split('/').nth(4).unwrap().parse().unwrap()
}

#[tokio::test]
async fn an_org_admin_keeps_a_brand_page_that_shows_everywhere() {
    let app = TestApp::new().await;
    let (mut c, _, org) = admin_with_org(&app).await;
    // The profile offers its administrators the way in.
    let p = c.get(&format!("/orgs/{org}")).await;
    assert!(
        p.count(&format!("a[href='/orgs/{org}/brands/new']")) == 1,
        "{}",
        p.body
    );
    let id = create_brand(&mut c, org, "银龄互助食堂").await;
    let edit = c.get(&format!("/orgs/{org}/brands/{id}/edit")).await;
    assert_eq!(edit.status, StatusCode::OK);
    assert_eq!(
        edit.value("input[name=name]").as_deref(),
        Some("银龄互助食堂")
    );
    assert_eq!(
        edit.value("input[name=outcome_number]").as_deref(),
        Some("36000")
    );

    // A photo: a large JPEG with EXIF becomes two clean JPEG renditions.
    let r = upload(
        &mut c,
        &format!("/orgs/{org}/brands/{id}/photos"),
        "p.jpg",
        &jpeg_with_exif(),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(app.count("brand_photos").await, 1);
    assert_eq!(photo_files(&app), 2);

    let mut anon = app.client();
    let page = anon.get(&format!("/brands/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text("h1").contains("银龄互助食堂"));
    assert!(page.text(".brand-stated").contains("36000"));
    assert!(page.text(".brand-stated").contains("人次"));
    // Started 2019, the clock is in 2026: seven years running.
    assert!(page.text(".lead").contains('7'), "{}", page.text(".lead"));
    assert!(page.text(".brand-verified").contains("尚未关联"));
    let src = page.doc();
    let img = src
        .select(&scraper::Selector::parse(".brand-photos img").unwrap())
        .next()
        .unwrap()
        .value()
        .attr("src")
        .unwrap()
        .to_string();
    let thumb = anon.get(&img).await;
    assert_eq!(thumb.status, StatusCode::OK);
    assert_eq!(
        thumb.headers.get(header::CONTENT_TYPE).unwrap(),
        "image/jpeg"
    );
    let large = img.replace("/thumb", "/large");
    let (t, l) = (read_image(&app, &img).await, read_image(&app, &large).await);
    assert_eq!((t.0, t.1), (320, 180));
    assert_eq!((l.0, l.1), (1280, 720));
    assert!(!t.2 && !l.2, "EXIF must not survive");

    // The gallery, the profile section and target 7.
    let g = anon.get("/brands").await;
    assert_eq!(g.count(".brand-card"), 1);
    assert!(g.text(".brand-card").contains("青城社区服务中心"));
    let prof = anon.get(&format!("/orgs/{org}")).await;
    assert!(prof.text("#brands").contains("银龄互助食堂"));
    assert_eq!(prof.count(&format!("a[href='/orgs/{org}/brands/new']")), 0);
    let t = anon.get("/targets").await;
    assert_eq!(t.text("tr[data-key=brands] td a[href='/brands']"), "1");
    for key in ["brands_region", "brands_league"] {
        assert!(t.count(&format!("tr[data-key={key}]")) == 1);
    }

    // An edit, then the page says so.
    let mut f = form("银龄互助食堂（升级版）", "2020", "1500");
    f.retain(|(k, _)| *k != "places");
    f.push(("places", "150000"));
    let r = c.post(&format!("/orgs/{org}/brands/{id}/edit"), &f).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = anon.get(&format!("/brands/{id}")).await;
    assert!(page.text("h1").contains("升级版"));
    assert!(page.text(".facts").contains("1500"));
    // Every change is in the audit log.
    assert_eq!(
        audit_actions(&app, id).await,
        ["created", "photo_added", "updated"]
    );
}

/// Size of a served rendition, and whether it carries an Exif marker.
async fn read_image(app: &TestApp, path: &str) -> (u32, u32, bool) {
    let req = Request::builder().uri(path).body(Body::empty()).unwrap();
    let res = tower::ServiceExt::oneshot(app.router.clone(), req)
        .await
        .unwrap();
    let bytes = http_body_util::BodyExt::collect(res.into_body())
        .await
        .unwrap()
        .to_bytes();
    let img = image::load_from_memory(&bytes).unwrap();
    (
        img.width(),
        img.height(),
        bytes.windows(4).any(|w| w == b"Exif") || bytes.windows(10).any(|w| w == b"GPS-SECRET"),
    )
}

async fn audit_actions(app: &TestApp, brand: i64) -> Vec<String> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    civicbridge::audit::model::event::Entity::find()
        .filter(civicbridge::audit::model::event::Column::Entity.eq("brand"))
        .filter(civicbridge::audit::model::event::Column::EntityId.eq(brand))
        .order_by_asc(civicbridge::audit::model::event::Column::Id)
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

#[tokio::test]
async fn bad_input_comes_back_with_messages_and_writes_nothing() {
    let app = TestApp::new().await;
    let (mut c, _, org) = admin_with_org(&app).await;
    c.get(&format!("/orgs/{org}/brands/new")).await;
    for (field, f) in [
        ("started_year", form("银龄互助食堂", "2031", "1200")),
        ("beneficiaries", form("银龄互助食堂", "2019", "很多")),
        ("name", form("x", "2019", "1200")),
    ] {
        let r = c.post(&format!("/orgs/{org}/brands"), &f).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert_eq!(
            r.count(&format!(".has-error #{field}")),
            1,
            "{field}: {}",
            r.body
        );
        // What was typed comes back.
        assert_eq!(
            r.value("input[name=outcome_number]").as_deref(),
            Some("36,000")
        );
        assert_eq!(r.count("select#places option[selected]"), 2);
    }
    let mut bad_outcome = form("银龄互助食堂", "2019", "1200");
    bad_outcome[7] = ("outcome_number", "三万");
    let r = c.post(&format!("/orgs/{org}/brands"), &bad_outcome).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text("#outcomes-error").contains('1'));
    let mut bad_place = form("银龄互助食堂", "2019", "1200");
    bad_place[2] = ("places", "999999");
    let r = c.post(&format!("/orgs/{org}/brands"), &bad_place).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.count("#places-error") == 1);
    // English too.
    let r = c
        .post(
            &format!("/orgs/{org}/brands?lang=en"),
            &form("x", "2019", "1200"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("brands").await, 0);
    // Back to Chinese for the messages below.
    c.get("/brands?lang=zh-CN").await;

    // Uploads: not an image, an image type we refuse, broken, too large — each 422 on the
    // edit page, and neither a row nor a file left behind.
    let id = create_brand(&mut c, org, "银龄互助食堂").await;
    c.get(&format!("/orgs/{org}/brands/{id}/edit")).await;
    let mut broken_png = b"\x89PNG\r\n\x1a\n".to_vec();
    broken_png.extend_from_slice(&[7u8; 100]);
    let mut huge = png(50, 50);
    huge.resize(5 * 1024 * 1024 + 10, 0);
    for (name, bytes, says) in [
        ("photo.jpg", b"%PDF-1.4 this is a document".to_vec(), "JPEG"),
        (
            "photo.gif",
            b"GIF89a\x01\x00\x01\x00\x00\x00\x00".to_vec(),
            "JPEG",
        ),
        ("photo.png", broken_png, "损坏"),
        ("photo.png", huge, "5 MB"),
        ("empty.png", Vec::new(), "请选择"),
    ] {
        let r = upload(
            &mut c,
            &format!("/orgs/{org}/brands/{id}/photos"),
            name,
            &bytes,
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name}: {}",
            r.body
        );
        assert!(
            r.text(".has-error .error-msg").contains(says),
            "{name}: {}",
            r.text(".has-error .error-msg")
        );
        // The brand form is still there, filled from the stored brand.
        assert_eq!(r.value("input[name=name]").as_deref(), Some("银龄互助食堂"));
    }
    assert_eq!(app.count("brand_photos").await, 0);
    assert_eq!(photo_files(&app), 0);
    assert_eq!(audit_actions(&app, id).await, ["created"]);
    // A photo limit: the thirteenth is refused.
    for _ in 0..12 {
        let r = upload(
            &mut c,
            &format!("/orgs/{org}/brands/{id}/photos"),
            "a.png",
            &png(40, 30),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
    let r = upload(
        &mut c,
        &format!("/orgs/{org}/brands/{id}/photos"),
        "a.png",
        &png(40, 30),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("brand_photos").await, 12);
    assert_eq!(photo_files(&app), 24);
}

#[tokio::test]
async fn only_the_orgs_administrators_keep_its_brands() {
    let app = TestApp::new().await;
    let (mut owner, _, org) = admin_with_org(&app).await;
    let id = create_brand(&mut owner, org, "银龄互助食堂").await;
    let r = upload(
        &mut owner,
        &format!("/orgs/{org}/brands/{id}/photos"),
        "a.png",
        &png(40, 30),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let photo: i64 = {
        use sea_orm::EntityTrait;
        civicbridge::brands::model::photo::Entity::find()
            .one(&app.state.db)
            .await
            .unwrap()
            .unwrap()
            .id
    };
    let (mut member, mid) = app.signed_in("member@example.org", &[]).await;
    app.add_member(org, mid, OrgRole::Member).await;
    let (mut other, other_id) = app.signed_in("other@example.org", &[]).await;
    let other_org = app.org(other_id, 2, "乙机构").await;
    let (mut regulator, _) = app.signed_in("reg@example.org", &[Role::Regulator]).await;
    let edit = form("改名", "2019", "1200");
    for c in [&mut member, &mut other, &mut regulator] {
        c.get("/brands").await;
        for path in [
            format!("/orgs/{org}/brands"),
            format!("/orgs/{org}/brands/{id}/edit"),
            format!("/orgs/{org}/brands/{id}/evidence"),
            format!("/orgs/{org}/brands/{id}/photos/{photo}/delete"),
        ] {
            let r = c.post(&path, &edit).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
        }
        let r = c.get(&format!("/orgs/{org}/brands/{id}/edit")).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(
            c.get(&format!("/brands/{id}"))
                .await
                .count(&format!("a[href='/orgs/{org}/brands/{id}/edit']")),
            0
        );
    }
    // Through its own organization's path, another administrator finds nothing: the same
    // answer as for a brand that does not exist.
    for bid in [id.to_string(), "999999".into()] {
        let r = other
            .get(&format!("/orgs/{other_org}/brands/{bid}/edit"))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = other
            .post(&format!("/orgs/{other_org}/brands/{bid}/edit"), &edit)
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = other
            .post(
                &format!("/orgs/{other_org}/brands/{bid}/photos/{photo}/delete"),
                &[("confirm", "1")],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
    // A photo of one brand is not served under another brand's id.
    let other_brand = create_brand(&mut other, other_org, "乙机构品牌").await;
    let mut anon = app.client();
    assert_eq!(
        anon.get(&format!("/brands/{other_brand}/photos/{photo}/thumb"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        anon.get(&format!("/brands/{id}/photos/{photo}/thumb"))
            .await
            .status,
        StatusCode::OK
    );
    // Anonymous visitors are sent to log in.
    let r = anon.get(&format!("/orgs/{org}/brands/new")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().unwrap().starts_with("/login"));
    // Nothing changed.
    let page = anon.get(&format!("/brands/{id}")).await;
    assert!(page.text("h1").contains("银龄互助食堂"));
    assert_eq!(app.count("brand_photos").await, 1);
    // The owner removes the photo: first a confirmation, then the row and the files go.
    let r = owner
        .post(
            &format!("/orgs/{org}/brands/{id}/photos/{photo}/delete"),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.count("form.confirm-form input[name=confirm][value='1']"),
        1
    );
    assert_eq!(app.count("brand_photos").await, 1);
    let r = owner
        .post(
            &format!("/orgs/{org}/brands/{id}/photos/{photo}/delete"),
            &[("confirm", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("brand_photos").await, 0);
    assert_eq!(photo_files(&app), 0);
    assert_eq!(
        anon.get(&format!("/brands/{id}/photos/{photo}/thumb"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

/// A contract of `org` for its own drafted tender, marked completed with a rating when
/// `completed`.
async fn contract(app: &TestApp, org: i64, unit: i64, buyer: i64, completed: bool) -> i64 {
    use civicbridge::procurement::rules::TenderForm;
    let f = TenderForm {
        unit_id: unit.to_string(),
        title: "社区居家养老服务项目".into(),
        description: "为辖区老人提供居家养老上门服务。".into(),
        domain: "elderly".into(),
        t_league: "150100".into(),
        budget: "100000".into(),
        method: "open_tender".into(),
        eval_method: "lowest_price".into(),
        enquiry_deadline: civicbridge::procurement::rules::format_local(T0 + 86_400),
        bid_deadline: civicbridge::procurement::rules::format_local(T0 + 2 * 86_400),
        contract_months: "12".into(),
        milestone_name: vec!["全部".into()],
        milestone_percent: vec!["100".into()],
        ..Default::default()
    };
    let tender = app.draft_tender(unit, buyer, &f).await;
    let id = civicbridge::contracts::create_from_award(
        &app.state.db,
        &civicbridge::contracts::ContractSeed {
            tender_id: tender,
            unit_id: unit,
            org_id: org,
            value: civicbridge::kernel::money::Fen(5_000_000),
            supplier_is_social: true,
            division_code: "150100".into(),
            milestones: vec![("全部".into(), 10_000)],
        },
        T0,
    )
    .await
    .unwrap();
    if completed {
        use sea_orm::{ActiveModelTrait, ActiveValue::Set};
        civicbridge::contracts::model::contract::ActiveModel {
            id: Set(id),
            state: Set("completed".into()),
            completed_at: Set(Some(T0)),
            rating: Set(Some(4)),
            ..Default::default()
        }
        .update(&app.state.db)
        .await
        .unwrap();
    }
    id
}

#[tokio::test]
async fn evidence_is_only_the_orgs_completed_contracts_and_shows_verified() {
    let app = TestApp::new().await;
    let (mut c, _, org) = admin_with_org(&app).await;
    let other_org = app
        .org(app.user("o2@example.org", &[]).await, 2, "乙机构")
        .await;
    let buyer = app.user("buyer@example.org", &[]).await;
    let unit = civicbridge::units::model::create(
        &app.state.db,
        &civicbridge::units::rules::draft("测试民政局", "150100").unwrap(),
        T0,
    )
    .await
    .unwrap();
    let done = contract(&app, org, unit, buyer, true).await;
    let running = contract(&app, org, unit, buyer, false).await;
    let theirs = contract(&app, other_org, unit, buyer, true).await;
    let id = create_brand(&mut c, org, "银龄互助食堂").await;
    let edit = c.get(&format!("/orgs/{org}/brands/{id}/edit")).await;
    // Only the completed contract of this organization is offered.
    assert_eq!(edit.count("#evidence input[name=contract]"), 1);
    assert_eq!(
        edit.value("#evidence input[name=contract]"),
        Some(done.to_string())
    );
    for bad in [running.to_string(), theirs.to_string(), "abc".into()] {
        let r = c
            .post(
                &format!("/orgs/{org}/brands/{id}/evidence"),
                &[("contract", &done.to_string()), ("contract", &bad)],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert_eq!(r.count("#evidence .has-error .error-msg"), 1);
    }
    assert_eq!(app.count("brand_evidence").await, 0);
    let r = c
        .post(
            &format!("/orgs/{org}/brands/{id}/evidence"),
            &[("contract", &done.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = app.client().get(&format!("/brands/{id}")).await;
    assert_eq!(
        page.count(&format!(".brand-verified tr[data-contract='{done}']")),
        1
    );
    assert!(page.text(".brand-verified").contains("★★★★☆"));
    assert!(page.text(".brand-verified").contains("测试民政局"));
    // What the organization states is apart from it.
    assert!(!page.text(".brand-stated").contains("测试民政局"));
    // Unchecking all unlinks.
    let r = c
        .post(&format!("/orgs/{org}/brands/{id}/evidence"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("brand_evidence").await, 0);
    assert_eq!(
        audit_actions(&app, id).await,
        ["created", "evidence_set", "evidence_set"]
    );
}

#[tokio::test]
async fn the_gallery_filters_sorts_and_pages() {
    let app = TestApp::new().await;
    let (mut c, uid, org) = admin_with_org(&app).await;
    c.get(&format!("/orgs/{org}/brands/new")).await;
    let make = |name: &'static str,
                domain: &'static str,
                place: &'static str,
                year: &'static str,
                people: &'static str| {
        let mut f = form(name, year, people);
        f[1] = ("domain", domain);
        f.retain(|(k, _)| *k != "places");
        f.push(("places", place));
        f
    };
    let forms = [
        make("草原助老", "elderly", "150100", "2015", "100"),
        make("包头童伴", "children_youth", "150200", "2020", "900"),
        make("呼伦贝尔乡村", "rural", "150700", "2020", "500"),
    ];
    for f in &forms {
        let r = c.post(&format!("/orgs/{org}/brands"), f).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
    let mut anon = app.client();
    let names = |r: &Resp| -> Vec<String> {
        r.doc()
            .select(&scraper::Selector::parse(".brand-card h3").unwrap())
            .map(|e| e.text().collect::<String>())
            .collect()
    };
    assert_eq!(
        names(&anon.get("/brands?domain=rural").await),
        ["呼伦贝尔乡村"]
    );
    assert_eq!(
        names(&anon.get("/brands?league=150200").await),
        ["包头童伴"]
    );
    assert_eq!(
        names(&anon.get("/brands?year=2020&sort=name").await).len(),
        2
    );
    assert_eq!(
        names(&anon.get("/brands?sort=reach").await),
        ["包头童伴", "呼伦贝尔乡村", "草原助老"]
    );
    assert_eq!(
        names(&anon.get("/brands?sort=longest").await)[0],
        "草原助老"
    );
    assert_eq!(
        names(
            &anon
                .get("/brands?domain=bogus&league=x&year=y&sort=z&page=-1")
                .await
        )
        .len(),
        3
    );
    let r = anon.get("/brands?domain=legal").await;
    assert_eq!(r.count(".brand-card"), 0);
    assert_eq!(r.count(".empty"), 1);
    // Thirty more: the pager appears and keeps the filters.
    {
        let d = civicbridge::brands::rules::validate(
            &civicbridge::brands::rules::BrandForm {
                name: "批量项目".into(),
                domain: "elderly".into(),
                places: vec!["150100".into()],
                started_year: "2018".into(),
                beneficiaries: "10".into(),
                story: "用于分页测试的品牌项目。".into(),
                ..Default::default()
            },
            2026,
            civicbridge::kernel::Lang::Zh,
        )
        .unwrap();
        for _ in 0..30 {
            civicbridge::brands::create(&app.state.db, org, &d, uid, T0)
                .await
                .unwrap();
        }
    }
    let p1 = anon.get("/brands?domain=elderly").await;
    assert_eq!(p1.count(".brand-card"), 24);
    assert_eq!(
        p1.count("nav.pagination a[href='/brands?domain=elderly&page=2']"),
        1
    );
    let p2 = anon.get("/brands?domain=elderly&page=2").await;
    assert_eq!(p2.count(".brand-card"), 7);
    let t = anon.get("/targets").await;
    assert_eq!(t.text("tr[data-key=brands] td a"), "33");
}
