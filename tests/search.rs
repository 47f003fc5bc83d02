//! The search conformance suite, written once and run against every backend: the embedded
//! engine always, Meilisearch when `MEILISEARCH_URL` points at a server. Records are written
//! through the rooms' own operations (so the outbox is what feeds the engine), then the
//! engine is asked through the `Backend` trait. Also: outbox durability with the engine down
//! and a crash between acknowledgement and marking done, and that no sealed or private field
//! ever comes back.

use crate::common;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::common::{T0, TestApp};
use civicbridge::kernel::Lang;
use civicbridge::kernel::money::Fen;
use civicbridge::orgs::rules::{AuthorityLevel, CreditStatus, OrgDraft, OrgKind, make_uscc};
use civicbridge::procurement::{self, rules as prules};
use civicbridge::search::{self, Backend, Document, Found, Kind, Request, SearchError};
use civicbridge::web::config::Config;
use sea_orm::{ConnectionTrait, Statement};

/// Every backend this machine can exercise, each with a config for a fresh app.
fn backends() -> Vec<(&'static str, Config)> {
    let mut v = vec![("embedded", Config::default())];
    match std::env::var("MEILISEARCH_URL") {
        Ok(url) if !url.trim().is_empty() => v.push((
            "meilisearch",
            Config {
                meilisearch_url: Some(url),
                meilisearch_api_key: std::env::var("MEILISEARCH_API_KEY").ok(),
                search_index_prefix: format!("cbtest_{}_", rand::random::<u32>()),
                ..Config::default()
            },
        )),
        _ => eprintln!("MEILISEARCH_URL is not set: the Meilisearch backend is not exercised"),
    }
    v
}

struct OrgSpec {
    key: &'static str,
    name: &'static str,
    kind: OrgKind,
    county: &'static str,
    domains: &'static [&'static str],
    intro: &'static str,
    registered: &'static str,
}

const ORGS: &[OrgSpec] = &[
    OrgSpec {
        key: "sun",
        name: "呼和浩特市新城区阳光养老服务中心",
        kind: OrgKind::SocialServiceAgency,
        county: "150102",
        domains: &["elderly"],
        intro: "为社区老人提供助餐、助浴和探访服务。",
        registered: "2015-03-01",
    },
    OrgSpec {
        key: "sun_union",
        name: "呼和浩特市新城区阳光养老服务中心联合会",
        kind: OrgKind::SocialGroup,
        county: "150105",
        domains: &["elderly", "industry"],
        intro: "联合辖区服务机构开展行业自律与培训。",
        registered: "2021-06-01",
    },
    OrgSpec {
        key: "youth",
        name: "包头市青少年心理健康促进会",
        kind: OrgKind::SocialGroup,
        county: "150203",
        domains: &["children_youth", "mental_health"],
        intro: "开展青少年心理辅导、危机干预和家长课堂。",
        registered: "2018-09-10",
    },
    OrgSpec {
        key: "rural",
        name: "赤峰市乡村振兴发展基金会",
        kind: OrgKind::Foundation,
        county: "150402",
        domains: &["rural"],
        intro: "资助乡村振兴产业项目和农牧民技能培训。",
        registered: "2012-01-15",
    },
    OrgSpec {
        key: "disab",
        name: "鄂尔多斯市东胜区残障人士支持中心",
        kind: OrgKind::SocialServiceAgency,
        county: "150602",
        domains: &["disability"],
        intro: "为残障人士提供康复训练和就业支持。",
        registered: "2019-04-20",
    },
    OrgSpec {
        key: "elder",
        name: "海拉尔区老年人关爱协会",
        kind: OrgKind::SocialGroup,
        county: "150702",
        domains: &["volunteer"],
        intro: "组织志愿者上门陪伴独居的老年人。",
        registered: "2016-11-11",
    },
    OrgSpec {
        key: "minor",
        name: "科尔沁区未成年人保护中心",
        kind: OrgKind::SocialServiceAgency,
        county: "150502",
        domains: &["children_youth"],
        intro: "开展未成年人保护与家庭教育指导。",
        registered: "2020-02-02",
    },
    OrgSpec {
        key: "green",
        name: "海勃湾区环保志愿者协会",
        kind: OrgKind::SocialGroup,
        county: "150302",
        domains: &["environment", "volunteer"],
        intro: "组织河道清理和垃圾分类宣传。",
        registered: "2013-07-07",
    },
];

struct TenderSpec {
    key: &'static str,
    title: &'static str,
    description: &'static str,
    domain: &'static str,
    county: &'static str,
    budget_yuan: i64,
    method: &'static str,
    deadline_days: i64,
}

const TENDERS: &[TenderSpec] = &[
    TenderSpec {
        key: "home_care",
        title: "社区居家养老服务项目",
        description: "为辖区内高龄、独居老人提供助餐、助洁和探访服务。",
        domain: "elderly",
        county: "150102",
        budget_yuan: 500_000,
        method: "open_tender",
        deadline_days: 20,
    },
    TenderSpec {
        key: "home_care_old",
        title: "社区居家养老服务项目（上一期）",
        description: "上一期的居家养老服务，已取消。",
        domain: "elderly",
        county: "150105",
        budget_yuan: 3_000_000,
        method: "open_tender",
        deadline_days: 30,
    },
    TenderSpec {
        key: "psych",
        title: "青少年心理健康辅导服务",
        description: "在中小学开展心理健康讲座和个案辅导。",
        domain: "mental_health",
        county: "150203",
        budget_yuan: 80_000,
        method: "competitive_consultation",
        deadline_days: 25,
    },
    TenderSpec {
        key: "rural",
        title: "乡村振兴农牧民技能培训项目",
        description: "面向嘎查村农牧民开展电商和养殖技能培训。",
        domain: "rural",
        county: "150402",
        budget_yuan: 1_200_000,
        method: "open_tender",
        deadline_days: 15,
    },
    TenderSpec {
        key: "disab",
        title: "残疾人居家康复服务",
        description: "为持证残疾人提供上门康复指导。",
        domain: "disability",
        county: "150602",
        budget_yuan: 300_000,
        method: "competitive_negotiation",
        deadline_days: 40,
    },
];

struct Fixture {
    app: TestApp,
    orgs: HashMap<&'static str, i64>,
    tenders: HashMap<&'static str, i64>,
    buyer: i64,
    name: &'static str,
}

fn backend(app: &TestApp) -> Arc<dyn Backend> {
    app.state.search.backend().clone()
}

async fn drain(app: &TestApp, now: i64) -> search::Drained {
    search::drain_all(&app.state.db, backend(app).as_ref(), now)
        .await
        .unwrap()
}

fn uscc_for(spec: &OrgSpec, n: u32) -> String {
    let t = spec.kind.civil_affairs_type_char().unwrap();
    make_uscc('5', t, spec.county, &format!("MJ{n:07}")).unwrap()
}

async fn create_org(
    app: &TestApp,
    owner: i64,
    spec: &OrgSpec,
    n: u32,
    phone: &str,
    email: &str,
) -> i64 {
    let (league, county) = civicbridge::orgs::rules::division_parts(spec.county);
    let d = OrgDraft {
        name: spec.name.into(),
        uscc: uscc_for(spec, n),
        kind: spec.kind,
        registration_date: time::Date::parse(
            spec.registered,
            &time::macros::format_description!("[year]-[month]-[day]"),
        )
        .unwrap(),
        authority_level: AuthorityLevel::BannerCounty,
        division_code: spec.county.into(),
        league_code: league,
        county_code: county,
        domains: spec.domains.iter().map(|d| d.to_string()).collect(),
        staff_count: 10,
        contact_name: "王芳".into(),
        contact_phone: phone.into(),
        contact_email: email.into(),
        intro: spec.intro.into(),
    };
    let id = civicbridge::orgs::create(&app.state.db, &d, owner, T0)
        .await
        .unwrap();
    // Verified, as a regulator would: these organizations bid.
    civicbridge::orgs::model::set_verification(
        &app.state.db,
        id,
        civicbridge::orgs::Verification::Verified,
    )
    .await
    .unwrap();
    id
}

async fn create_tender(
    app: &TestApp,
    unit: i64,
    buyer: i64,
    spec: &TenderSpec,
    publish_at: i64,
) -> i64 {
    let (league, _) = civicbridge::orgs::rules::division_parts(spec.county);
    let deadline = T0 + spec.deadline_days * 86_400;
    let f = prules::TenderForm {
        unit_id: unit.to_string(),
        title: spec.title.into(),
        description: spec.description.into(),
        domain: spec.domain.into(),
        t_league: league.unwrap(),
        t_county: spec.county.into(),
        budget: spec.budget_yuan.to_string(),
        method: spec.method.into(),
        eval_method: "comprehensive".into(),
        price_weight: "30".into(),
        criterion_name: vec!["服务方案".into(), "团队与经验".into()],
        criterion_weight: vec!["40".into(), "30".into()],
        enquiry_deadline: prules::format_local(deadline - 3 * 86_400),
        bid_deadline: prules::format_local(deadline),
        contract_months: "12".into(),
        milestone_name: vec!["启动".into(), "结项".into()],
        milestone_percent: vec!["40".into(), "60".into()],
        ..Default::default()
    };
    let d = prules::validate_tender(&f, &[unit], T0, &Default::default(), Lang::Zh)
        .unwrap_or_else(|e| panic!("{}: {e:?}", spec.key));
    let id = procurement::create_draft(&app.state.db, &d, buyer, T0)
        .await
        .unwrap();
    let t = procurement::get(&app.state.db, id).await.unwrap().unwrap();
    procurement::publish(&app.state.db, &t, &Default::default(), buyer, publish_at)
        .await
        .unwrap()
        .unwrap();
    id
}

/// The data set: eight organizations (one on a credit list, two rated), five published
/// tenders (one then cancelled) and one draft that must never be found.
async fn fixture(name: &'static str, config: Config) -> Fixture {
    let app = TestApp::with_config(config).await;
    let owner = app.user(&format!("owner-{name}@example.org"), &[]).await;
    let mut orgs = HashMap::new();
    for (i, spec) in ORGS.iter().enumerate() {
        let id = create_org(
            &app,
            owner,
            spec,
            i as u32 + 1,
            &format!("0471-PRIVATE{i:03}"),
            &format!("secret{i}@private.example"),
        )
        .await;
        orgs.insert(spec.key, id);
    }
    let regulator = app
        .user(
            &format!("reg-{name}@example.org"),
            &[civicbridge::accounts::Role::Regulator],
        )
        .await;
    let org_of = |k: &str| orgs[k];
    let today = app.state.clock.today();
    for (k, grade) in [("sun", 5i16), ("youth", 3)] {
        let (o, _) = civicbridge::orgs::model::get(&app.state.db, org_of(k))
            .await
            .unwrap()
            .unwrap();
        let until = today.replace_year(today.year() + 3).unwrap();
        civicbridge::orgs::set_rating(
            &app.state.db,
            &o,
            Some((grade, until)),
            "评估",
            regulator,
            T0,
        )
        .await
        .unwrap();
    }
    let (g, _) = civicbridge::orgs::model::get(&app.state.db, org_of("green"))
        .await
        .unwrap()
        .unwrap();
    civicbridge::orgs::set_credit(
        &app.state.db,
        &g,
        CreditStatus::Abnormal,
        "未按时年报",
        regulator,
        T0,
    )
    .await
    .unwrap();

    let buyer = app.user(&format!("buyer-{name}@example.org"), &[]).await;
    let unit = civicbridge::units::model::create(
        &app.state.db,
        &civicbridge::units::rules::draft("呼和浩特市民政局", "150100").unwrap(),
        T0,
    )
    .await
    .unwrap();
    civicbridge::units::model::add_member(&app.state.db, unit, buyer, T0)
        .await
        .unwrap();
    let mut tenders = HashMap::new();
    for (i, spec) in TENDERS.iter().enumerate() {
        // Published one minute apart, so "newest" has one answer.
        let id = create_tender(&app, unit, buyer, spec, T0 + 60 * i as i64).await;
        tenders.insert(spec.key, id);
    }
    let old = procurement::get(&app.state.db, tenders["home_care_old"])
        .await
        .unwrap()
        .unwrap();
    procurement::cancel(&app.state.db, &old, "需求变更", buyer, T0)
        .await
        .unwrap()
        .unwrap();
    // A draft with a unique word: never public, never found.
    let draft = TenderSpec {
        key: "draft",
        title: "草稿保密测试项目",
        description: "草稿内容，仅供内部编辑使用。",
        domain: "elderly",
        county: "150102",
        budget_yuan: 100_000,
        method: "open_tender",
        deadline_days: 10,
    };
    let (league, _) = civicbridge::orgs::rules::division_parts(draft.county);
    let f = prules::TenderForm {
        unit_id: unit.to_string(),
        title: draft.title.into(),
        description: draft.description.into(),
        domain: draft.domain.into(),
        t_league: league.unwrap(),
        budget: "100000".into(),
        method: "open_tender".into(),
        eval_method: "lowest_price".into(),
        price_weight: "100".into(),
        enquiry_deadline: prules::format_local(T0 + 5 * 86_400),
        bid_deadline: prules::format_local(T0 + 10 * 86_400),
        contract_months: "6".into(),
        milestone_name: vec!["结项".into()],
        milestone_percent: vec!["100".into()],
        ..Default::default()
    };
    let d = prules::validate_tender(&f, &[unit], T0, &Default::default(), Lang::Zh).unwrap();
    procurement::create_draft(&app.state.db, &d, buyer, T0)
        .await
        .unwrap();

    // Publications are stamped up to five minutes after T0: drain once they are all due.
    let d = drain(&app, T0 + 600).await;
    assert_eq!(d.failed, 0, "{name}: delivery failed");
    assert!(d.rows > 0);
    Fixture {
        app,
        orgs,
        tenders,
        buyer,
        name,
    }
}

/// A profile as stored, as a draft to change a few fields of.
fn redraft(o: &civicbridge::orgs::model::organization::Model, kind: OrgKind) -> OrgDraft {
    OrgDraft {
        name: o.name.clone(),
        uscc: o.uscc.clone(),
        kind,
        registration_date: o.registration_date,
        authority_level: AuthorityLevel::BannerCounty,
        division_code: o.division_code.clone(),
        league_code: o.league_code.clone(),
        county_code: o.county_code.clone(),
        domains: vec![],
        staff_count: o.staff_count,
        contact_name: o.contact_name.clone(),
        contact_phone: o.contact_phone.clone(),
        contact_email: o.contact_email.clone(),
        intro: o.intro.clone(),
    }
}

fn req(text: &str) -> Request {
    Request {
        text: text.into(),
        limit: 50,
        facets: true,
        ..Default::default()
    }
}

fn with(mut r: Request, attr: &str, value: &str) -> Request {
    r.filters
        .entry(attr.to_string())
        .or_default()
        .push(value.to_string());
    r
}

async fn find(f: &Fixture, kind: Kind, r: &Request) -> Found {
    backend(&f.app)
        .search(kind, r)
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", f.name))
}

fn ids(found: &Found) -> Vec<i64> {
    found
        .hits
        .iter()
        .map(|h| h["id"].as_i64().unwrap())
        .collect()
}

fn facet(found: &Found, attr: &str) -> BTreeMap<String, u64> {
    found
        .facets
        .get(attr)
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .collect()
}

#[tokio::test]
async fn chinese_queries_find_the_right_records() {
    for (name, config) in backends() {
        let f = fixture(name, config).await;
        let o = |k: &str| f.orgs[k];
        let t = |k: &str| f.tenders[k];

        let r = find(&f, Kind::Orgs, &req("养老")).await;
        let got = ids(&r);
        for k in ["sun", "sun_union", "elder"] {
            assert!(got.contains(&o(k)), "{name}: 养老 should find {k}: {got:?}");
        }
        assert!(!got.contains(&o("green")), "{name}: {got:?}");
        // The word as typed ranks above its synonym.
        assert!(
            got.iter().position(|x| *x == o("sun")) < got.iter().position(|x| *x == o("elder")),
            "{name}: {got:?}"
        );

        let r = find(&f, Kind::Tenders, &req("养老")).await;
        assert!(ids(&r).contains(&t("home_care")), "{name}");

        let r = find(&f, Kind::Orgs, &req("青少年心理")).await;
        assert_eq!(ids(&r).first(), Some(&o("youth")), "{name}: {:?}", ids(&r));
        let r = find(&f, Kind::Tenders, &req("青少年心理")).await;
        assert_eq!(ids(&r).first(), Some(&t("psych")), "{name}");

        let r = find(&f, Kind::Orgs, &req("乡村振兴")).await;
        assert_eq!(ids(&r), vec![o("rural")], "{name}");
        let r = find(&f, Kind::Tenders, &req("乡村振兴")).await;
        assert_eq!(ids(&r), vec![t("rural")], "{name}");

        // A full name ranks its organization first, above one whose name contains it.
        let r = find(&f, Kind::Orgs, &req("呼和浩特市新城区阳光养老服务中心")).await;
        assert_eq!(ids(&r).first(), Some(&o("sun")), "{name}: {:?}", ids(&r));
        assert!(ids(&r).contains(&o("sun_union")), "{name}");

        // A USCC finds its organization first, in any letter case.
        let code = uscc_for(&ORGS[3], 4);
        let r = find(&f, Kind::Orgs, &req(&code)).await;
        assert_eq!(
            ids(&r).first(),
            Some(&o("rural")),
            "{name}: {code} {:?}",
            ids(&r)
        );
        let r = find(&f, Kind::Orgs, &req(&code.to_lowercase())).await;
        assert_eq!(ids(&r).first(), Some(&o("rural")), "{name}: lower case");

        // Nothing for a word that is nowhere; the draft is never found.
        assert_eq!(
            find(&f, Kind::Orgs, &req("航天发射")).await.total,
            0,
            "{name}"
        );
        assert_eq!(
            find(&f, Kind::Tenders, &req("草稿保密测试")).await.total,
            0,
            "{name}"
        );
        let all = find(&f, Kind::Tenders, &req("")).await;
        assert_eq!(
            all.total,
            TENDERS.len() as u64,
            "{name}: drafts must not be indexed"
        );
    }
}

#[tokio::test]
async fn synonyms_match_both_ways() {
    for (name, config) in backends() {
        let f = fixture(name, config).await;
        let o = |k: &str| f.orgs[k];
        let r = find(&f, Kind::Orgs, &req("残疾人")).await;
        assert!(ids(&r).contains(&o("disab")), "{name}: 残疾人 → 残障");
        let r = find(&f, Kind::Tenders, &req("残障")).await;
        assert!(
            ids(&r).contains(&f.tenders["disab"]),
            "{name}: 残障 → 残疾人"
        );
        let r = find(&f, Kind::Orgs, &req("青少年")).await;
        assert!(ids(&r).contains(&o("minor")), "{name}: 青少年 → 未成年人");
        let r = find(&f, Kind::Orgs, &req("未成年人")).await;
        assert!(ids(&r).contains(&o("youth")), "{name}: 未成年人 → 青少年");
        let r = find(&f, Kind::Orgs, &req("为老")).await;
        assert!(
            ids(&r).contains(&o("sun")) && ids(&r).contains(&o("elder")),
            "{name}: 为老"
        );
    }
}

#[tokio::test]
async fn everyday_words_find_records_written_in_formal_ones() {
    // The thesaurus (search/thesaurus.txt) in both engines: residents' words find records that
    // use only the formal term, and a narrower word does not drag in the broader one.
    for (name, config) in backends() {
        let f = fixture(name, config).await;
        let o = |k: &str| f.orgs[k];
        for (query, must) in [
            ("老人", &["sun", "elder"][..]),
            ("长者", &["sun", "elder"][..]),
            ("乡下", &["rural"][..]),
            ("农村", &["rural"][..]),
            ("义工", &["green", "elder"][..]),
            ("垃圾减量", &["green"][..]),
            ("心理疏导", &["youth"][..]),
            ("残障者", &["disab"][..]),
        ] {
            let got = ids(&find(&f, Kind::Orgs, &req(query)).await);
            for k in must {
                assert!(
                    got.contains(&o(k)),
                    "{name}: {query} should find {k}: {got:?}"
                );
            }
            assert!(!got.contains(&o("minor")), "{name}: {query}: {got:?}");
        }
        let r = find(&f, Kind::Tenders, &req("老人")).await;
        assert!(ids(&r).contains(&f.tenders["home_care"]), "{name}: 老人");
        // The word as typed still outranks its synonym: 老年人 is in elder's name, sun only has
        // the synonym 老人 in its introduction.
        let got = ids(&find(&f, Kind::Orgs, &req("老年人")).await);
        assert_eq!(got.first(), Some(&o("elder")), "{name}: {got:?}");
    }
}

#[tokio::test]
async fn a_place_in_the_query_becomes_a_removable_place_filter() {
    for (name, config) in backends() {
        let f = fixture(name, config).await;
        // One organization in Baotou whose name holds a street called after Chifeng, one in
        // Chifeng that never says 赤峰 in its text.
        let owner = f.app.user(&format!("place-{name}@example.org"), &[]).await;
        let street = OrgSpec {
            key: "street",
            name: "包头市昆都仑区赤峰路社区养老服务站",
            kind: OrgKind::SocialServiceAgency,
            county: "150203",
            domains: &["elderly"],
            intro: "赤峰路社区的养老助餐服务。",
            registered: "2019-01-01",
        };
        let local = OrgSpec {
            key: "local",
            name: "松山区夕阳红养老服务中心",
            kind: OrgKind::SocialServiceAgency,
            county: "150404",
            domains: &["elderly"],
            intro: "为辖区老人提供上门照护。",
            registered: "2018-01-01",
        };
        let street_id = create_org(&f.app, owner, &street, 91, "0471-1", "a@example.org").await;
        let local_id = create_org(&f.app, owner, &local, 92, "0471-2", "b@example.org").await;
        drain(&f.app, T0 + 10).await;
        let mut c = f.app.client();
        let id_of = |r: &common::Resp| -> Vec<i64> {
            r.doc()
                .select(&scraper::Selector::parse(".search-hit a[href^='/orgs/']").unwrap())
                .filter_map(|a| a.value().attr("href")?.strip_prefix("/orgs/")?.parse().ok())
                .collect()
        };

        let r = c
            .get(&format!("/search/orgs?q={}", common::enc("赤峰 养老")))
            .await;
        assert_eq!(r.status, 200, "{name}");
        let got = id_of(&r);
        assert!(got.contains(&local_id), "{name}: {got:?}");
        assert!(
            !got.contains(&street_id),
            "{name}: located in Baotou: {got:?}"
        );
        assert!(
            r.text(".place-understood .chip").contains("赤峰市"),
            "{name}"
        );
        // The form keeps what was typed.
        assert_eq!(r.value("#search-q").as_deref(), Some("赤峰 养老"));
        let literal = r
            .doc()
            .select(&scraper::Selector::parse(".place-understood a.chip").unwrap())
            .next()
            .and_then(|a| a.value().attr("href").map(str::to_string))
            .unwrap();
        assert!(literal.contains("literal=1"), "{literal}");

        // The words as typed: the Baotou organization's name matches both words and leads.
        let r = c.get(&literal).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.count(".place-understood"), 0, "{name}");
        let got = id_of(&r);
        assert_eq!(got.first(), Some(&street_id), "{name}: {got:?}");

        // A banner/county by its short form; abbreviations of leagues; the page across kinds.
        let r = c
            .get(&format!("/search/orgs?q={}", common::enc("东胜 残障")))
            .await;
        assert_eq!(id_of(&r), vec![f.orgs["disab"]], "{name}");
        assert!(r.text(".place-understood").contains("东胜区"));
        let r = c
            .get(&format!("/search?q={}", common::enc("呼市 养老")))
            .await;
        assert!(
            r.text(".place-understood .chip").contains("呼和浩特市"),
            "{name}"
        );
        assert!(
            r.text(".search-group").contains("阳光养老服务中心"),
            "{name}"
        );
        assert!(!r.text(".search-group").contains("夕阳红"), "{name}");
        // In English the chip names the league in English.
        let r = c
            .get(&format!(
                "/search/orgs?q={}&lang=en",
                common::enc("赤峰 养老")
            ))
            .await;
        assert!(
            r.text(".place-understood .chip").contains("Chifeng"),
            "{name}"
        );

        // A full name is searched as typed; a chosen league is not overridden.
        let r = c
            .get(&format!(
                "/search/orgs?q={}",
                common::enc("呼和浩特市新城区阳光养老服务中心")
            ))
            .await;
        assert_eq!(r.count(".place-understood"), 0);
        assert_eq!(id_of(&r).first(), Some(&f.orgs["sun"]), "{name}");
        let r = c
            .get(&format!(
                "/search/orgs?q={}&league=150200",
                common::enc("赤峰 养老")
            ))
            .await;
        assert_eq!(r.count(".place-understood"), 0);
        assert_eq!(id_of(&r), vec![street_id], "{name}");

        // The API says what it understood.
        let r = c
            .get(&format!(
                "/api/v1/search?kind=orgs&q={}",
                common::enc("赤峰 养老")
            ))
            .await;
        let j = r.json();
        assert_eq!(j["orgs"]["place"]["code"], "150400", "{name}: {j}");
        assert_eq!(j["orgs"]["query"], "赤峰 养老");
        assert_eq!(j["orgs"]["total"], 1, "{name}: {j}");
    }
}

#[tokio::test]
async fn pinyin_and_initials_find_names() {
    for (name, config) in backends() {
        let f = fixture(name, config).await;
        let o = |k: &str| f.orgs[k];
        for (query, must) in [
            ("yangguangyanglao", &["sun", "sun_union"][..]),
            ("ygylfwzx", &["sun", "sun_union"][..]),
            ("YGYLFWZX", &["sun", "sun_union"][..]),
            ("xinlijiankang", &["youth"][..]),
            ("qsnxljk", &["youth"][..]),
        ] {
            let got = ids(&find(&f, Kind::Orgs, &req(query)).await);
            for k in must {
                assert!(
                    got.contains(&o(k)),
                    "{name}: {query} should find {k}: {got:?}"
                );
            }
            assert!(!got.contains(&o("green")), "{name}: {query}: {got:?}");
        }
        // The registered name's initials find it (and the union whose name begins with it,
        // an equal match); the union's own full initials find only the union.
        let got = ids(&find(&f, Kind::Orgs, &req("hhhtsxcqygylfwzx")).await);
        let mut top: Vec<i64> = got.iter().take(2).copied().collect();
        top.sort_unstable();
        let mut want = vec![o("sun"), o("sun_union")];
        want.sort_unstable();
        assert_eq!(top, want, "{name}: {got:?}");
        let got = ids(&find(&f, Kind::Orgs, &req("hhhtsxcqygylfwzxlhh")).await);
        assert_eq!(got, vec![o("sun_union")], "{name}");
        let got = ids(&find(&f, Kind::Tenders, &req("jujiayanglao")).await);
        assert!(got.contains(&f.tenders["home_care"]), "{name}: {got:?}");
        // Pinyin is searched, never shown.
        let r = find(&f, Kind::Orgs, &req("ygylfwzx")).await;
        assert!(
            r.hits.iter().all(|h| !h.contains_key("name_pinyin")),
            "{name}"
        );
    }
}

#[tokio::test]
async fn no_dead_ends_homophone_slips_and_the_other_kind() {
    for (name, config) in backends() {
        let f = fixture(name, config).await;
        let mut c = f.app.client();
        // 扬光 for 阳光: an input method's slip finds the names that sound like it, and says so.
        let r = c
            .get(&format!("/search/orgs?q={}", common::enc("扬光养老")))
            .await;
        assert_eq!(r.status, 200);
        assert!(r.text(".search-hit").contains("阳光养老服务中心"), "{name}");
        assert!(r.text(".sounds-like").contains("扬光养老"), "{name}");
        assert_eq!(r.value("#search-q").as_deref(), Some("扬光养老"));
        // Words that do match are not second-guessed.
        let r = c
            .get(&format!("/search/orgs?q={}", common::enc("阳光养老")))
            .await;
        assert_eq!(r.count(".sounds-like"), 0, "{name}");
        // Words found only among tenders say how many, with the link.
        let r = c
            .get(&format!("/search/orgs?q={}", common::enc("居家康复")))
            .await;
        assert_eq!(r.count(".search-hit"), 0, "{name}");
        let other = c
            .get(&format!("/search/tenders?q={}", common::enc("居家康复")))
            .await;
        let n = other.count(".search-hit");
        assert!(n > 0, "{name}");
        assert!(
            r.text(".no-results").contains(&format!("找到 {n} 条")),
            "{name}: {}",
            r.text(".no-results")
        );
    }
}

#[tokio::test]
async fn no_dead_ends_characters_when_words_and_sounds_find_nothing() {
    for (name, config) in backends() {
        let f = fixture(name, config).await;
        let o = |k: &str| f.orgs[k];
        let b = backend(&f.app);
        let find_all = |kind: Kind, q: &str| {
            let b = b.clone();
            let r = req(q);
            async move { search::find(b.as_ref(), kind, &r).await.unwrap() }
        };
        // 光养老, a piece of 阳光养老 cut across its words: jieba makes 光 a word no record
        // holds, so the words find nothing; the characters find the two 阳光养老 names.
        assert_eq!(
            find(&f, Kind::Orgs, &req("光养老")).await.total,
            0,
            "{name}"
        );
        let out = find_all(Kind::Orgs, "光养老").await;
        assert_eq!(out.fallback, Some(search::Fallback::Characters), "{name}");
        let mut top: Vec<i64> = ids(&out.found).into_iter().take(2).collect();
        top.sort_unstable();
        let mut want = vec![o("sun"), o("sun_union")];
        want.sort_unstable();
        assert_eq!(top, want, "{name}: {:?}", ids(&out.found));
        assert!(!ids(&out.found).contains(&o("green")), "{name}");
        // A slip in the first character that sounds different (阴 for 阳): the bigrams from
        // the second character on still find the name.
        let out = find_all(Kind::Orgs, "阴光养老服务").await;
        assert_eq!(out.fallback, Some(search::Fallback::Characters), "{name}");
        assert!(
            ids(&out.found)[..2].contains(&o("sun")),
            "{name}: {:?}",
            ids(&out.found)
        );
        // Tenders too: 家养老 is a piece of 居家养老.
        let out = find_all(Kind::Tenders, "家养老服").await;
        assert_eq!(out.fallback, Some(search::Fallback::Characters), "{name}");
        assert!(ids(&out.found).contains(&f.tenders["home_care"]), "{name}");
        // Facet filters still hold in the fallback.
        let mut r = with(req("光养老"), "league", "150200");
        r.facets = true;
        let out = search::find(b.as_ref(), Kind::Orgs, &r).await.unwrap();
        assert_eq!(out.found.total, 0, "{name}: {:?}", ids(&out.found));
        // A homophone slip keeps its own, more precise fallback; words that match are used
        // as they are; characters shared with nothing end in the plain "no results".
        let out = find_all(Kind::Orgs, "扬光养老").await;
        assert_eq!(out.fallback, Some(search::Fallback::SoundsLike), "{name}");
        assert_eq!(find_all(Kind::Orgs, "阳光养老").await.fallback, None);
        let out = find_all(Kind::Orgs, "航天发射").await;
        assert_eq!((out.found.total, out.fallback), (0, None), "{name}");
        // Bigrams are searched, never shown, and words never match them.
        let out = find_all(Kind::Orgs, "光养老").await;
        assert!(out.found.hits.iter().all(|h| !h.contains_key("name_grams")));
        let g = civicbridge::search::rules::gram_forms("阳光");
        assert_eq!(find(&f, Kind::Orgs, &req(&g)).await.total, 0, "{name}");

        // The page says so above the results, in both languages, and keeps what was typed.
        let mut c = f.app.client();
        let r = c
            .get(&format!("/search/orgs?q={}", common::enc("光养老")))
            .await;
        assert_eq!(r.status, 200);
        assert!(
            r.text(".close-matches")
                .contains("没有与“光养老”完全匹配的结果"),
            "{name}"
        );
        assert!(r.text(".search-hit").contains("阳光养老服务中心"), "{name}");
        assert_eq!(r.count(".sounds-like"), 0);
        assert_eq!(r.value("#search-q").as_deref(), Some("光养老"));
        let r = c
            .get(&format!("/search/orgs?q={}&lang=en", common::enc("光养老")))
            .await;
        assert!(
            r.text(".close-matches").contains("No exact matches"),
            "{name}"
        );
        let r = c.get(&format!("/search?q={}", common::enc("光养老"))).await;
        assert!(
            r.text(".search-group .close-matches").contains("光养老"),
            "{name}"
        );
        assert!(
            r.text(".search-group").contains("阳光养老服务中心"),
            "{name}"
        );
        let r = c
            .get(&format!("/search/orgs?q={}", common::enc("阳光养老")))
            .await;
        assert_eq!(r.count(".close-matches"), 0, "{name}");
        // The API names the fallback.
        let j = c
            .get(&format!(
                "/api/v1/search?kind=orgs&q={}",
                common::enc("光养老")
            ))
            .await
            .json();
        assert_eq!(j["orgs"]["fallback"], "characters", "{name}: {j}");
        let j = c
            .get(&format!(
                "/api/v1/search?kind=orgs&q={}",
                common::enc("阳光养老")
            ))
            .await
            .json();
        assert!(j["orgs"]["fallback"].is_null(), "{name}: {j}");
    }
}

#[tokio::test]
async fn the_header_box_suggests_names_places_and_domains() {
    for (name, config) in backends() {
        let f = fixture(name, config).await;
        let mut c = f.app.client();
        let home = c.get("/").await;
        assert_eq!(
            home.count("#header-q[list='header-suggest'][hx-get='/search/suggest']"),
            1
        );
        assert_eq!(home.count("datalist#header-suggest"), 1);
        let options = |r: &common::Resp| -> Vec<String> {
            r.doc()
                .select(&scraper::Selector::parse("datalist#header-suggest option").unwrap())
                .filter_map(|o| o.value().attr("value").map(str::to_string))
                .collect()
        };
        let r = c
            .get(&format!("/search/suggest?q={}", common::enc("阳光")))
            .await;
        assert_eq!(r.status, 200);
        let got = options(&r);
        assert!(
            got.contains(&"呼和浩特市新城区阳光养老服务中心".to_string()),
            "{name}: {got:?}"
        );
        let got = options(
            &c.get(&format!("/search/suggest?q={}", common::enc("养老")))
                .await,
        );
        assert!(
            got.contains(&"社区居家养老服务项目".to_string()),
            "{name}: {got:?}"
        );
        assert!(got.contains(&"养老服务".to_string()), "{name}: {got:?}");
        let got = options(
            &c.get(&format!("/search/suggest?q={}", common::enc("锡盟")))
                .await,
        );
        assert!(got.contains(&"锡林郭勒盟".to_string()), "{name}: {got:?}");
        let got = options(&c.get("/search/suggest?q=elderly&lang=en").await);
        assert!(got.contains(&"Elderly care".to_string()), "{name}: {got:?}");
        // Nothing typed, or a control character: an empty list, never an error.
        for q in ["", "%00%01"] {
            let r = c.get(&format!("/search/suggest?q={q}")).await;
            assert_eq!(r.status, 200, "{q}");
            assert!(options(&r).is_empty(), "{q}");
        }
        // Drafts are never suggested.
        let got = options(
            &c.get(&format!(
                "/search/suggest?q={}",
                common::enc("草稿保密测试")
            ))
            .await,
        );
        assert!(got.is_empty(), "{name}: {got:?}");
    }
}

#[tokio::test]
async fn every_facet_filters_and_counts() {
    for (name, config) in backends() {
        let f = fixture(name, config).await;
        let o = |k: &str| f.orgs[k];
        let t = |k: &str| f.tenders[k];
        let everything = find(&f, Kind::Tenders, &req("")).await;
        assert_eq!(
            facet(&everything, "state"),
            BTreeMap::from([("cancelled".into(), 1), ("published".into(), 4)]),
            "{name}"
        );
        assert_eq!(facet(&everything, "budget_band")["500k_2m"], 2, "{name}");
        let cases: Vec<(&str, &str, Vec<i64>)> = vec![
            ("state", "cancelled", vec![t("home_care_old")]),
            ("method", "competitive_consultation", vec![t("psych")]),
            (
                "domain",
                "elderly",
                vec![t("home_care"), t("home_care_old")],
            ),
            ("budget_band", "under_100k", vec![t("psych")]),
            ("budget_band", "over_2m", vec![t("home_care_old")]),
            ("league", "150400", vec![t("rural")]),
            ("county", "150602", vec![t("disab")]),
        ];
        for (attr, value, mut want) in cases {
            let r = find(&f, Kind::Tenders, &with(req(""), attr, value)).await;
            let mut got = ids(&r);
            got.sort();
            want.sort();
            assert_eq!(got, want, "{name}: tenders {attr}={value}");
            assert_eq!(r.total, want.len() as u64);
            assert_eq!(
                facet(&everything, attr).get(value).copied(),
                Some(want.len() as u64),
                "{name}: count of {attr}={value}"
            );
        }
        let everyone = find(&f, Kind::Orgs, &req("")).await;
        let cases: Vec<(&str, &str, Vec<i64>)> = vec![
            ("kind", "foundation", vec![o("rural")]),
            ("domains", "volunteer", vec![o("elder"), o("green")]),
            ("rating", "5A", vec![o("sun")]),
            ("rating", "3A", vec![o("youth")]),
            ("credit_status", "abnormal", vec![o("green")]),
            ("league", "150100", vec![o("sun"), o("sun_union")]),
            ("county", "150105", vec![o("sun_union")]),
        ];
        for (attr, value, mut want) in cases {
            let r = find(&f, Kind::Orgs, &with(req(""), attr, value)).await;
            let mut got = ids(&r);
            got.sort();
            want.sort();
            assert_eq!(got, want, "{name}: orgs {attr}={value}");
            assert_eq!(
                facet(&everyone, attr).get(value).copied(),
                Some(want.len() as u64),
                "{name}: count of {attr}={value}"
            );
        }
        assert_eq!(
            facet(&everyone, "rating")["none"],
            ORGS.len() as u64 - 2,
            "{name}"
        );
        // Two values of one facet: either; two facets: both.
        let r = find(
            &f,
            Kind::Orgs,
            &with(with(req(""), "kind", "foundation"), "kind", "social_group"),
        )
        .await;
        assert_eq!(r.total, 5, "{name}");
        let r = find(
            &f,
            Kind::Orgs,
            &with(
                with(req(""), "kind", "social_group"),
                "domains",
                "volunteer",
            ),
        )
        .await;
        let mut got = ids(&r);
        got.sort();
        let mut want = vec![o("elder"), o("green")];
        want.sort();
        assert_eq!(got, want, "{name}");
        // Facet counts follow the query.
        let r = find(&f, Kind::Orgs, &req("养老")).await;
        assert_eq!(
            facet(&r, "league").get("150100").copied(),
            Some(2),
            "{name}"
        );
        assert_eq!(facet(&r, "league").get("150400"), None, "{name}");
    }
}

#[tokio::test]
async fn sorting_and_ranking_rules() {
    for (name, config) in backends() {
        let f = fixture(name, config).await;
        let t = |k: &str| f.tenders[k];
        let o = |k: &str| f.orgs[k];
        let sorted = |attr: &str, desc: bool| {
            let mut r = req("");
            r.sort = Some((attr.to_string(), desc));
            r
        };
        // Open tenders come first whatever the sort; the cancelled one last.
        let r = find(&f, Kind::Tenders, &sorted("budget_fen", true)).await;
        assert_eq!(
            ids(&r),
            vec![
                t("rural"),
                t("home_care"),
                t("disab"),
                t("psych"),
                t("home_care_old")
            ],
            "{name}: budget"
        );
        let r = find(&f, Kind::Tenders, &sorted("bid_deadline", false)).await;
        assert_eq!(
            ids(&r),
            vec![
                t("rural"),
                t("home_care"),
                t("psych"),
                t("disab"),
                t("home_care_old")
            ],
            "{name}: deadline"
        );
        let r = find(&f, Kind::Tenders, &sorted("published_at", true)).await;
        assert_eq!(
            ids(&r),
            vec![
                t("disab"),
                t("rural"),
                t("psych"),
                t("home_care"),
                t("home_care_old")
            ],
            "{name}: newest"
        );
        // The same words: the open tender above the cancelled one even though the cancelled
        // one's title has more text matching nothing.
        let r = find(&f, Kind::Tenders, &req("社区居家养老服务项目")).await;
        assert_eq!(ids(&r)[..2], [t("home_care"), t("home_care_old")], "{name}");
        let r = find(&f, Kind::Orgs, &sorted("registered_on", true)).await;
        assert_eq!(ids(&r).first(), Some(&o("sun_union")), "{name}: newest org");
        assert_eq!(ids(&r).last(), Some(&o("rural")), "{name}: oldest org");
        let r = find(&f, Kind::Orgs, &sorted("rating_grade", true)).await;
        assert_eq!(ids(&r)[..2], [o("sun"), o("youth")], "{name}: rating");
    }
}

#[tokio::test]
async fn pages_cover_every_result_once() {
    for (name, config) in backends() {
        let f = fixture(name, config).await;
        let mut r = req("");
        r.sort = Some(("registered_on".into(), true));
        let all = ids(&find(&f, Kind::Orgs, &r).await);
        assert_eq!(all.len(), ORGS.len());
        let mut seen = Vec::new();
        for page in 0..4 {
            let mut p = r.clone();
            p.offset = page * 3;
            p.limit = 3;
            let found = find(&f, Kind::Orgs, &p).await;
            assert_eq!(
                found.total,
                ORGS.len() as u64,
                "{name}: total on every page"
            );
            seen.extend(ids(&found));
        }
        assert_eq!(seen, all, "{name}: pages in order, none twice");
    }
}

#[tokio::test]
async fn updates_and_deletes_become_visible() {
    for (name, config) in backends() {
        let f = fixture(name, config).await;
        let db = &f.app.state.db;
        // Rename an organization through the room's update.
        let (o, ds) = civicbridge::orgs::model::get(db, f.orgs["rural"])
            .await
            .unwrap()
            .unwrap();
        let d = OrgDraft {
            name: "赤峰市草原生态保护基金会".into(),
            domains: vec!["environment".into()],
            intro: "保护草原生态。".into(),
            ..redraft(&o, OrgKind::Foundation)
        };
        assert_eq!(ds, vec!["rural".to_string()]);
        civicbridge::orgs::update(db, o.id, &d, T0 + 10)
            .await
            .unwrap();
        // Not visible before the outbox is drained…
        assert_eq!(
            ids(&find(&f, Kind::Orgs, &req("草原生态")).await),
            Vec::<i64>::new(),
            "{name}"
        );
        drain(&f.app, T0 + 10).await;
        // …and then the new text is found and the old is gone, facets follow.
        assert_eq!(
            ids(&find(&f, Kind::Orgs, &req("草原生态")).await),
            vec![o.id],
            "{name}"
        );
        let r = find(&f, Kind::Orgs, &req("乡村振兴")).await;
        assert_eq!(r.total, 0, "{name}: {:?}", r.hits);
        let r = find(&f, Kind::Orgs, &with(req(""), "domains", "environment")).await;
        assert!(ids(&r).contains(&o.id), "{name}");

        // A state change: cancelling an open tender moves it down and out of "published".
        let t = procurement::get(db, f.tenders["psych"])
            .await
            .unwrap()
            .unwrap();
        procurement::cancel(db, &t, "预算调整", f.buyer, T0 + 20)
            .await
            .unwrap()
            .unwrap();
        drain(&f.app, T0 + 20).await;
        let r = find(&f, Kind::Tenders, &with(req(""), "state", "published")).await;
        assert!(!ids(&r).contains(&t.id), "{name}");
        let r = find(&f, Kind::Tenders, &req("心理健康")).await;
        assert_eq!(r.hits[0]["state"], "cancelled", "{name}");
        assert_eq!(r.hits[0]["is_open"], 0, "{name}");

        // A record gone from the database is deleted from the index by the outbox.
        db.execute_raw(Statement::from_string(
            db.get_database_backend(),
            format!("DELETE FROM org_domains WHERE org_id = {}", f.orgs["green"]),
        ))
        .await
        .unwrap();
        db.execute_raw(Statement::from_string(
            db.get_database_backend(),
            format!("DELETE FROM organizations WHERE id = {}", f.orgs["green"]),
        ))
        .await
        .unwrap();
        civicbridge::kernel::outbox::enqueue(db, Kind::Orgs, f.orgs["green"], T0 + 30)
            .await
            .unwrap();
        let d = drain(&f.app, T0 + 30).await;
        assert_eq!(d.deletes, 1, "{name}");
        let r = find(&f, Kind::Orgs, &req("海勃湾区环保志愿者协会")).await;
        assert!(!ids(&r).contains(&f.orgs["green"]), "{name}");
        assert_eq!(
            backend(&f.app).count(Kind::Orgs).await.unwrap(),
            ORGS.len() as u64 - 1,
            "{name}"
        );
    }
}

/// Every value in a JSON tree, as text.
fn all_text(v: &serde_json::Value, out: &mut String) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                out.push_str(k);
                out.push('\n');
                all_text(v, out);
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|v| all_text(v, out)),
        other => {
            out.push_str(&other.to_string());
            out.push('\n');
        }
    }
}

#[tokio::test]
async fn no_sealed_or_private_field_is_ever_returned() {
    const SECRET_PROPOSAL: &str = "绝密投标方案鲲鹏";
    for (name, config) in backends() {
        let f = fixture(name, config).await;
        let db = &f.app.state.db;
        // A sealed bid with a unique word in its proposal, from an eligible organization.
        let bidder = f.app.user(&format!("bidder-{name}@example.org"), &[]).await;
        let org = f.orgs["sun"];
        f.app
            .add_member(org, bidder, civicbridge::accounts::OrgRole::Admin)
            .await;
        let t = procurement::get(db, f.tenders["home_care"])
            .await
            .unwrap()
            .unwrap();
        procurement::submit_bid(
            db,
            &f.app.state.seal,
            &t,
            org,
            Fen(40_000_000),
            SECRET_PROPOSAL,
            bidder,
            T0 + 5,
            f.app.state.clock.today(),
        )
        .await
        .unwrap()
        .unwrap();
        drain(&f.app, T0 + 5).await;
        for kind in Kind::ALL {
            for q in [
                SECRET_PROPOSAL,
                "鲲鹏",
                "PRIVATE001",
                "private.example",
                "secret1",
            ] {
                assert_eq!(
                    find(&f, kind, &req(q)).await.total,
                    0,
                    "{name}: {q} found in {}",
                    kind.uid()
                );
            }
            let mut r = req("");
            r.limit = 100;
            let everything = find(&f, kind, &r).await;
            let displayed = &kind.def().displayed;
            let mut text = String::new();
            for h in &everything.hits {
                for k in h.keys() {
                    assert!(
                        displayed.contains(k),
                        "{name}: {k} is not a displayed attribute"
                    );
                }
                all_text(&serde_json::Value::Object(h.clone()), &mut text);
            }
            for secret in [
                SECRET_PROPOSAL,
                "PRIVATE",
                "private.example",
                "contact_phone",
                "contact_email",
                "proposal",
                "price",
            ] {
                assert!(
                    !text.contains(secret),
                    "{name}: {secret} leaked through {}",
                    kind.uid()
                );
            }
        }
        // And through the HTTP API.
        let mut c = f.app.client();
        for q in ["鲲鹏", "PRIVATE001", ""] {
            let res = c
                .get(&format!("/api/v1/search?q={}&per_page=100", common::enc(q)))
                .await;
            assert_eq!(res.status, 200);
            let hits: Vec<serde_json::Value> = ["tenders", "orgs"]
                .iter()
                .flat_map(|k| {
                    res.json()[*k]["hits"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default()
                })
                .collect();
            let body = serde_json::Value::Array(hits).to_string();
            for secret in [SECRET_PROPOSAL, "PRIVATE", "private.example"] {
                assert!(!body.contains(secret), "{name}: {secret} in the API answer");
            }
        }
    }
}

/// A backend that can be switched off, to stand for an engine that is down.
struct Flaky {
    inner: Arc<dyn Backend>,
    down: AtomicBool,
}

#[async_trait::async_trait]
impl Backend for Flaky {
    fn name(&self) -> &'static str {
        "flaky"
    }
    async fn prepare(&self) -> Result<(), SearchError> {
        self.inner.prepare().await
    }
    async fn apply(
        &self,
        kind: Kind,
        upserts: Vec<Document>,
        deletes: Vec<i64>,
    ) -> Result<(), SearchError> {
        if self.down.load(Ordering::SeqCst) {
            return Err(SearchError::Engine("connection refused".into()));
        }
        self.inner.apply(kind, upserts, deletes).await
    }
    async fn clear(&self, kind: Kind) -> Result<(), SearchError> {
        self.inner.clear(kind).await
    }
    async fn search(&self, kind: Kind, req: &Request) -> Result<Found, SearchError> {
        self.inner.search(kind, req).await
    }
    async fn count(&self, kind: Kind) -> Result<u64, SearchError> {
        self.inner.count(kind).await
    }
}

async fn pending(app: &TestApp) -> u64 {
    search::model::pending(&app.state.db).await.unwrap()
}

#[tokio::test]
async fn the_outbox_survives_an_engine_outage_and_a_crash() {
    for (name, config) in backends() {
        let f = fixture(name, config).await;
        let flaky = Flaky {
            inner: backend(&f.app),
            down: AtomicBool::new(true),
        };
        let owner = f.app.user(&format!("late-{name}@example.org"), &[]).await;
        let mut late = Vec::new();
        for i in 0..12u32 {
            let spec = OrgSpec {
                key: "late",
                name: "",
                kind: OrgKind::SocialGroup,
                county: "150802",
                domains: &["culture_sports"],
                intro: "在巴彦淖尔开展群众文化活动。",
                registered: "2022-01-01",
            };
            let name_i: &'static str =
                Box::leak(format!("临河区群众文化协会第{i}分会").into_boxed_str());
            let spec = OrgSpec {
                name: name_i,
                ..spec
            };
            late.push(create_org(&f.app, owner, &spec, 100 + i, "0478-1", "a@b.example").await);
        }
        // The engine is down: nothing is delivered, nothing is lost, retries back off.
        let d = search::drain_all(&f.app.state.db, &flaky, T0)
            .await
            .unwrap();
        assert_eq!((d.rows, d.failed), (0, 12), "{name}");
        assert_eq!(pending(&f.app).await, 12);
        let d = search::drain_all(&f.app.state.db, &flaky, T0 + 1)
            .await
            .unwrap();
        assert_eq!(d.failed, 0, "{name}: not due again before the backoff");
        let d = search::drain_all(&f.app.state.db, &flaky, T0 + 2)
            .await
            .unwrap();
        assert_eq!(d.failed, 12, "{name}: due again after 2 s");
        let d = search::drain_all(&f.app.state.db, &flaky, T0 + 5)
            .await
            .unwrap();
        assert_eq!(d.failed, 0, "{name}: the second wait is 4 s");
        // Back up: everything arrives, once.
        flaky.down.store(false, Ordering::SeqCst);
        let d = search::drain_all(&f.app.state.db, &flaky, T0 + 60)
            .await
            .unwrap();
        assert_eq!((d.rows, d.failed), (12, 0), "{name}");
        assert_eq!(pending(&f.app).await, 0);
        let r = find(&f, Kind::Orgs, &with(req("群众文化"), "county", "150802")).await;
        let mut got = ids(&r);
        got.sort();
        assert_eq!(got, late, "{name}: none missing, none twice");

        // A crash after the engine acknowledged but before the rows were marked done: the
        // rows are sent again, and the index holds each record once.
        let (o, ds) = civicbridge::orgs::model::get(&f.app.state.db, late[0])
            .await
            .unwrap()
            .unwrap();
        let d = OrgDraft {
            name: "临河区群众文化协会总会".into(),
            domains: ds,
            staff_count: 3,
            ..redraft(&o, OrgKind::SocialGroup)
        };
        civicbridge::orgs::update(&f.app.state.db, o.id, &d, T0 + 70)
            .await
            .unwrap();
        let rows = search::model::due(&f.app.state.db, T0 + 70, 100)
            .await
            .unwrap();
        assert_eq!(rows.len(), 1);
        let (docs, deletes) = search::model::documents(
            &f.app.state.db,
            Kind::Orgs,
            &[o.id],
            f.app.state.clock.today(),
        )
        .await
        .unwrap();
        flaky.apply(Kind::Orgs, docs, deletes).await.unwrap();
        // (crash: mark_done never ran)
        assert_eq!(pending(&f.app).await, 1);
        let d = search::drain_all(&f.app.state.db, &flaky, T0 + 71)
            .await
            .unwrap();
        assert_eq!((d.rows, d.upserts), (1, 1), "{name}");
        assert_eq!(pending(&f.app).await, 0);
        let r = find(&f, Kind::Orgs, &req("临河区群众文化协会总会")).await;
        assert_eq!(ids(&r).iter().filter(|x| **x == o.id).count(), 1, "{name}");
        let r = find(&f, Kind::Orgs, &with(req(""), "county", "150802")).await;
        assert_eq!(r.total, 12, "{name}: still twelve documents");
        assert_eq!(
            backend(&f.app).count(Kind::Orgs).await.unwrap(),
            ORGS.len() as u64 + 12,
            "{name}"
        );
    }
}

#[tokio::test]
async fn reindex_rebuilds_from_the_database() {
    for (name, config) in backends() {
        let f = fixture(name, config).await;
        let b = backend(&f.app);
        b.clear(Kind::Orgs).await.unwrap();
        assert_eq!(b.count(Kind::Orgs).await.unwrap(), 0);
        let mut seen = Vec::new();
        let n = search::reindex(&f.app.state.db, b.as_ref(), Kind::Orgs, T0, 3, |d| {
            seen.push(d)
        })
        .await
        .unwrap();
        assert_eq!(n, ORGS.len() as u64, "{name}");
        assert_eq!(seen, vec![3, 6, 8], "{name}: progress per batch");
        assert_eq!(
            b.count(Kind::Orgs).await.unwrap(),
            ORGS.len() as u64,
            "{name}"
        );
        // Drafts are read but not indexed.
        let n = search::reindex(&f.app.state.db, b.as_ref(), Kind::Tenders, T0, 100, |_| {})
            .await
            .unwrap();
        assert_eq!(n, TENDERS.len() as u64 + 1, "{name}");
        assert_eq!(
            b.count(Kind::Tenders).await.unwrap(),
            TENDERS.len() as u64,
            "{name}"
        );
    }
}

/// A rebuild carries every change queued before it began, so it marks those rows delivered
/// instead of leaving them for the server to index again (after `civicbridge seed`,
/// thousands at the next start); a change queued after it began is still delivered.
#[tokio::test]
async fn reindex_marks_delivered_what_it_carries() {
    for (name, config) in backends() {
        let f = fixture(name, config).await;
        let db = &f.app.state.db;
        let b = backend(&f.app);
        let (o, _) = civicbridge::orgs::model::get(db, f.orgs["rural"])
            .await
            .unwrap()
            .unwrap();
        let d = OrgDraft {
            name: "赤峰市草原生态保护基金会".into(),
            domains: vec!["environment".into()],
            intro: "保护草原生态。".into(),
            ..redraft(&o, OrgKind::Foundation)
        };
        civicbridge::orgs::update(db, o.id, &d, T0 + 10)
            .await
            .unwrap();
        assert!(pending(&f.app).await > 0, "{name}: the change is queued");
        search::reindex(db, b.as_ref(), Kind::Orgs, T0 + 20, 100, |_| {})
            .await
            .unwrap();
        assert_eq!(pending(&f.app).await, 0, "{name}: carried by the rebuild");
        assert_eq!(
            ids(&find(&f, Kind::Orgs, &req("草原生态")).await),
            vec![o.id],
            "{name}"
        );
        // Queued at or after the rebuild's start: delivered again, as before.
        search::reindex(db, b.as_ref(), Kind::Orgs, T0 + 10, 100, |_| {})
            .await
            .unwrap();
        assert!(pending(&f.app).await > 0, "{name}: requeued");
        let d = drain(&f.app, T0 + 30).await;
        assert_eq!(d.failed, 0, "{name}");
        assert_eq!(pending(&f.app).await, 0, "{name}");
    }
}

// ---------------------------------------------------------------------------------------
// The pages and the API, as a user reaches them.

#[tokio::test]
async fn search_pages_work_without_javascript() {
    for (name, config) in backends() {
        let f = fixture(name, config).await;
        let mut c = f.app.client();
        // One box in the header of every page.
        let home = c.get("/").await;
        assert_eq!(home.status, 200);
        assert_eq!(
            home.count("header form[action='/search'][method='get'] input[name='q']"),
            1,
            "{name}"
        );

        // Across kinds: both groups, matches marked.
        let r = c.get(&format!("/search?q={}", common::enc("养老"))).await;
        assert_eq!(r.status, 200, "{name}");
        assert_eq!(r.count(".search-group"), 3);
        assert!(r.text(".search-hit mark").contains("养老"), "{name}");
        assert!(r.text(".search-group").contains("社区居家养老服务项目"));
        assert!(r.text(".search-group").contains("阳光养老服务中心"));

        // Per kind, with a facet: only that league, the filter shown and removable.
        let r = c
            .get(&format!(
                "/search/orgs?q={}&league=150100",
                common::enc("养老")
            ))
            .await;
        assert_eq!(r.status, 200);
        assert_eq!(
            r.count(".search-hit"),
            2,
            "{name}: {}",
            r.text(".search-hit")
        );
        assert!(r.text(".active-filters").contains("呼和浩特市"));
        let doc = r.doc();
        let sel = scraper::Selector::parse(".active-filters a.chip").unwrap();
        let remove = doc
            .select(&sel)
            .next()
            .unwrap()
            .value()
            .attr("href")
            .unwrap()
            .to_string();
        assert!(!remove.contains("league="), "{remove}");
        assert!(remove.contains("q="), "{remove}");
        // Facet counts are links that keep the query.
        let sel = scraper::Selector::parse(".facets a").unwrap();
        let facet_links: Vec<String> = doc
            .select(&sel)
            .map(|a| a.value().attr("href").unwrap().to_string())
            .collect();
        assert!(
            facet_links
                .iter()
                .any(|h| h.contains("type=") && h.contains("league=150100")),
            "{facet_links:?}"
        );
        // Search-as-you-type is an enhancement of the same form.
        assert_eq!(r.count("form.search-form[method='get'] input[name='q'][hx-get='/search/orgs'][hx-select='#search-results']"), 1);
        assert_eq!(
            r.count("form.search-form input[type='hidden'][name='league'][value='150100']"),
            1
        );

        // A credit-listed organization is flagged in results.
        let r = c
            .get(&format!(
                "/search/orgs?q={}",
                common::enc("海勃湾区环保志愿者协会")
            ))
            .await;
        assert_eq!(r.count(".search-hit .badge-credit-abnormal"), 1, "{name}");

        // Sorting and the state facet on tenders.
        let r = c.get("/search/tenders?sort=budget&state=published").await;
        assert_eq!(r.status, 200);
        assert_eq!(r.count(".search-hit"), 4);
        assert_eq!(
            r.count("select[name='sort'] option[selected][value='budget']"),
            1
        );
        let first = r.text(".search-hit:first-child .hit-title");
        assert!(first.contains("乡村振兴"), "{name}: {first}");

        // No results: say so and offer to remove each filter.
        let r = c
            .get(&format!(
                "/search/orgs?q={}&league=150900&type=foundation",
                common::enc("养老")
            ))
            .await;
        assert_eq!(r.status, 200);
        assert!(r.text(".no-results").contains("没有找到"), "{name}");
        assert_eq!(r.count(".no-results li a"), 2);

        // Bad parameters: a message each, the rest still applies.
        let r = c
            .get(&format!(
                "/search/orgs?q={}&rating=9A&page=x&sort=budget",
                common::enc("养老")
            ))
            .await;
        assert_eq!(r.status, 200);
        let errs = r.text(".form-errors");
        assert!(
            errs.contains("9A") && errs.contains("x") && errs.contains("budget"),
            "{errs}"
        );
        assert!(r.count(".search-hit") >= 3);
        // The value left out is not shown as a filter in force, nor carried to the next search.
        assert_eq!(r.count(".active-filters .chip"), 0, "{name}");
        assert_eq!(
            r.count("form.search-form input[name='rating']"),
            0,
            "{name}"
        );
        // Nor into the sort form, the facet links or the pager: the next click would
        // report them again.
        assert_eq!(r.count("input[name='rating'], input[value='budget']"), 0);
        // (The language switch shows the same page, errors and all, in the other language.)
        let links: Vec<String> = r
            .doc()
            .select(&scraper::Selector::parse("main a[href]").unwrap())
            .filter_map(|a| a.value().attr("href").map(str::to_string))
            .collect();
        assert!(links.iter().any(|h| h.contains("league=")), "{links:?}");
        assert!(
            !links
                .iter()
                .any(|h| h.contains("rating=9A") || h.contains("page=x") || h.contains("budget")),
            "{name}: {links:?}"
        );
        let long = "养".repeat(150);
        let r = c
            .get(&format!("/search/tenders?q={}", common::enc(&long)))
            .await;
        assert_eq!(r.status, 200);
        assert!(r.text(".form-errors").contains("100"));
        assert_eq!(
            r.value("#search-q").unwrap().chars().count(),
            150,
            "the box keeps what was typed"
        );

        // English.
        let r = c
            .get(&format!("/search/orgs?q={}&lang=en", common::enc("养老")))
            .await;
        assert!(r.text(".result-count").contains("results"), "{name}");
        assert!(r.text(".facets h2").contains("Kind of organization"));
    }
}

#[tokio::test]
async fn search_pages_have_pages() {
    let f = fixture("embedded", Config::default()).await;
    let owner = f.app.user("many@example.org", &[]).await;
    for i in 0..23u32 {
        let name: &'static str = Box::leak(format!("集宁区养老互助协会第{i}分会").into_boxed_str());
        let spec = OrgSpec {
            key: "many",
            name,
            kind: OrgKind::SocialGroup,
            county: "150902",
            domains: &["elderly"],
            intro: "互助养老。",
            registered: "2023-01-01",
        };
        create_org(&f.app, owner, &spec, 200 + i, "1", "a@b.example").await;
    }
    drain(&f.app, T0 + 600).await;
    let mut c = f.app.client();
    let r = c
        .get(&format!(
            "/search/orgs?q={}&county=150902",
            common::enc("养老")
        ))
        .await;
    assert_eq!(r.count(".search-hit"), 20);
    assert!(r.text(".result-count").contains("23"));
    assert_eq!(r.count(".pagination a"), 1);
    let r = c
        .get(&format!(
            "/search/orgs?q={}&county=150902&page=2",
            common::enc("养老")
        ))
        .await;
    assert_eq!(r.count(".search-hit"), 3);
    assert_eq!(r.count("ol.search-hits[start='21']"), 1);
    // Past the end: nothing, with a way back.
    let r = c
        .get(&format!(
            "/search/orgs?q={}&county=150902&page=9",
            common::enc("养老")
        ))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.count(".search-hit"), 0);
    assert!(r.text(".no-results").contains("第一页"));
}

#[tokio::test]
async fn the_api_answers_the_same_parameters_in_json() {
    for (name, config) in backends() {
        let f = fixture(name, config).await;
        let mut c = f.app.client();
        let r = c
            .get(&format!(
                "/api/v1/search?q={}&kind=orgs&per_page=2&sort=registered_on",
                common::enc("养老")
            ))
            .await;
        // `sort` takes the page's names, not attributes.
        assert_eq!(r.status, 422, "{name}");
        let j = r.json();
        assert_eq!(j["error"]["params"][0]["param"], "sort");
        assert!(
            j["error"]["params"][0]["message"]
                .as_str()
                .unwrap()
                .contains("registered_on")
        );

        let r = c
            .get(&format!(
                "/api/v1/search?q={}&kind=orgs&per_page=2&page=2&sort=newest",
                common::enc("养老")
            ))
            .await;
        assert_eq!(r.status, 200);
        let j = r.json();
        let o = &j["orgs"];
        assert!(j.get("tenders").is_none());
        assert_eq!(o["total"], 3, "{name}");
        assert_eq!(
            (
                o["page"].as_u64(),
                o["pages"].as_u64(),
                o["per_page"].as_u64()
            ),
            (Some(2), Some(2), Some(2))
        );
        assert_eq!(o["hits"].as_array().unwrap().len(), 1);
        let league = o["facets"]["league"].as_array().unwrap();
        assert!(
            league
                .iter()
                .any(|v| v["value"] == "150100" && v["count"] == 2),
            "{league:?}"
        );

        let r = c
            .get(&format!("/api/v1/search?q={}", common::enc("青少年心理")))
            .await;
        let j = r.json();
        let hit = &j["orgs"]["hits"][0];
        assert_eq!(hit["id"], f.orgs["youth"]);
        let marked: Vec<String> = hit["_highlight"]["name"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["hit"] == true)
            .map(|p| p["text"].as_str().unwrap().to_string())
            .collect();
        assert!(marked.iter().any(|m| m.contains("青少年")), "{marked:?}");
        assert_eq!(j["tenders"]["hits"][0]["id"], f.tenders["psych"]);

        for bad in [
            "kind=bids",
            "per_page=1000",
            "state=draft&kind=tenders",
            "page=0",
        ] {
            let r = c.get(&format!("/api/v1/search?{bad}")).await;
            assert_eq!(r.status, 422, "{bad}");
            assert!(
                !r.json()["error"]["params"][0]["message"]
                    .as_str()
                    .unwrap()
                    .is_empty()
            );
        }
        // Facets of the other kind are fine when both kinds are searched.
        let r = c
            .get("/api/v1/search?state=published&type=foundation")
            .await;
        assert_eq!(r.status, 200);
        assert_eq!(r.json()["tenders"]["total"], 4);
        assert_eq!(r.json()["orgs"]["total"], 1);
    }
}

#[tokio::test]
async fn an_unreachable_engine_gives_a_clear_page_and_writes_go_on() {
    let config = Config {
        meilisearch_url: Some("http://127.0.0.1:9".into()),
        search_index_prefix: "cbdown_".into(),
        ..Config::default()
    };
    let app = TestApp::with_config(config).await;
    // The engine never comes up in this test: its outbox row stays pending by design.
    app.skip_invariant(common::Invariant::Outbox);
    let mut c = app.client();
    let r = c.get(&format!("/search?q={}", common::enc("养老"))).await;
    assert_eq!(r.status, 503);
    assert!(r.body.contains("搜索服务暂时不可用"), "{}", r.body);
    let r = c.get("/api/v1/search?q=x").await;
    assert_eq!(r.status, 503);
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("搜索")
    );
    // The rest of the site works, and writes queue in the outbox.
    assert_eq!(c.get("/orgs").await.status, 200);
    let owner = app.user("o@example.org", &[]).await;
    app.org(owner, 1, "锡林浩特市养老服务中心").await;
    let d = search::drain_all(&app.state.db, app.state.search.backend().as_ref(), T0)
        .await
        .unwrap();
    assert_eq!((d.rows, d.failed), (0, 1));
    assert_eq!(pending(&app).await, 1);
}

/// Rates the fixture's rural organization `grade`A, valid through `valid_until`, as a new
/// regulator `email`; the organization as it was before.
async fn rate_rural(
    f: &Fixture,
    email: &str,
    grade: i16,
    valid_until: time::Date,
) -> civicbridge::orgs::model::organization::Model {
    let db = &f.app.state.db;
    let regulator = f
        .app
        .user(email, &[civicbridge::accounts::Role::Regulator])
        .await;
    let (o, _) = civicbridge::orgs::model::get(db, f.orgs["rural"])
        .await
        .unwrap()
        .unwrap();
    civicbridge::orgs::set_rating(db, &o, Some((grade, valid_until)), "评估", regulator, T0)
        .await
        .unwrap();
    o
}

/// How many outbox rows were queued for organization `id` at `since` or later (the search
/// job prunes rows delivered over a day ago).
async fn org_rows(app: &TestApp, id: i64, since: i64) -> i64 {
    let db = &app.state.db;
    db.query_one_raw(Statement::from_string(
        db.get_database_backend(),
        format!(
            "SELECT COUNT(*) FROM search_outbox \
             WHERE kind = 'orgs' AND record_id = {id} AND created_at >= {since}"
        ),
    ))
    .await
    .unwrap()
    .unwrap()
    .try_get_by_index::<i64>(0)
    .unwrap()
}

/// Runs search-job rounds as the server does until the outbox is delivered.
async fn run_search_job(app: &TestApp, job: &mut civicbridge::app::jobs::SearchJob) {
    while civicbridge::app::jobs::search_round(&app.state, job).await {}
}

#[tokio::test]
async fn a_lapsed_rating_leaves_the_rating_facet() {
    let f = fixture("embedded", Config::default()).await;
    let db = &f.app.state.db;
    let today = f.app.state.clock.today();
    // Valid through tomorrow.
    let o = rate_rural(&f, "reg2@example.org", 4, today.next_day().unwrap()).await;
    drain(&f.app, T0).await;
    let r = find(&f, Kind::Orgs, &with(req(""), "rating", "4A")).await;
    assert_eq!(ids(&r), vec![o.id]);
    // Two days later nobody has written anything; the sweep finds the lapse.
    f.app.state.clock.advance(2 * 86_400);
    let now = f.app.state.clock.now();
    let later = f.app.state.clock.today();
    assert_eq!(
        search::model::enqueue_lapsed_ratings(db, today, today.next_day().unwrap(), now)
            .await
            .unwrap(),
        0
    );
    let n = search::model::enqueue_lapsed_ratings(
        db,
        today.next_day().unwrap(),
        later.next_day().unwrap(),
        now,
    )
    .await
    .unwrap();
    assert_eq!(n, 1);
    drain(&f.app, now).await;
    assert_eq!(
        find(&f, Kind::Orgs, &with(req(""), "rating", "4A"))
            .await
            .total,
        0
    );
    let r = find(&f, Kind::Orgs, &with(req(""), "rating", "none")).await;
    assert!(ids(&r).contains(&o.id));
}

/// The server's search job finds a lapse on the day it happens, once: a rating valid through
/// today is re-indexed tomorrow, and a restarted server (a new `SearchJob`) does not queue it
/// again, because the sweep's mark is kept in the database (with 100,000 demo organizations,
/// 3,599 were re-indexed at every start before).
#[tokio::test]
async fn the_search_job_sweeps_a_lapse_once_across_restarts() {
    let f = fixture("embedded", Config::default()).await;
    let today = f.app.state.clock.today();
    let o = rate_rural(&f, "reg3@example.org", 4, today).await;
    let mut job = civicbridge::app::jobs::SearchJob::default();
    run_search_job(&f.app, &mut job).await;
    assert_eq!(
        ids(&find(&f, Kind::Orgs, &with(req(""), "rating", "4A")).await),
        vec![o.id]
    );
    let written = org_rows(&f.app, o.id, T0).await;
    run_search_job(&f.app, &mut job).await;
    assert_eq!(
        org_rows(&f.app, o.id, T0).await,
        written,
        "still valid today"
    );
    // Tomorrow it has lapsed: queued once, and the facet follows.
    f.app.state.clock.advance(86_400);
    let day2 = f.app.state.clock.now();
    run_search_job(&f.app, &mut job).await;
    assert_eq!(
        org_rows(&f.app, o.id, day2).await,
        1,
        "the lapse is swept on its day"
    );
    assert_eq!(pending(&f.app).await, 0);
    assert_eq!(
        find(&f, Kind::Orgs, &with(req(""), "rating", "4A"))
            .await
            .total,
        0
    );
    let mut restarted = civicbridge::app::jobs::SearchJob::default();
    run_search_job(&f.app, &mut restarted).await;
    assert_eq!(
        org_rows(&f.app, o.id, day2).await,
        1,
        "a restart does not queue it again"
    );
    assert_eq!(restarted.swept_to, job.swept_to);
}

/// A full rebuild of the organizations reflects every lapse up to its day, so it leaves the
/// sweep's mark: the first server after `civicbridge seed` does not re-index the year's lapses.
#[tokio::test]
async fn a_rebuild_of_the_organizations_leaves_the_sweeps_mark() {
    let f = fixture("embedded", Config::default()).await;
    let today = f.app.state.clock.today();
    // Lapsed a month ago, within the year a sweep without a mark looks back on.
    let o = rate_rural(&f, "reg4@example.org", 3, today - time::Duration::days(30)).await;
    let backend = backend(&f.app);
    // Later than every change so far, so the rebuild has none to deliver again.
    f.app.state.clock.advance(600);
    let now = f.app.state.clock.now();
    for kind in Kind::ALL {
        search::reindex(&f.app.state.db, backend.as_ref(), kind, now, 100, |_| {})
            .await
            .unwrap();
    }
    assert_eq!(
        pending(&f.app).await,
        0,
        "the rebuild delivered what it carries"
    );
    let mut job = civicbridge::app::jobs::SearchJob::default();
    run_search_job(&f.app, &mut job).await;
    assert_eq!(
        org_rows(&f.app, o.id, now).await,
        0,
        "the first sweep after a rebuild queues nothing"
    );
    assert_eq!(job.swept_to, today.next_day());
    let r = find(&f, Kind::Orgs, &with(req(""), "rating", "none")).await;
    assert!(ids(&r).contains(&o.id), "the rebuild indexed the lapse");
}

#[tokio::test]
async fn switching_language_keeps_the_search() {
    let f = fixture("embedded", Config::default()).await;
    let mut c = f.app.client();
    let r = c
        .get(&format!(
            "/search/orgs?q={}&league=150100&lang=zh-CN",
            common::enc("养老")
        ))
        .await;
    let doc = r.doc();
    let sel = scraper::Selector::parse("a.lang-switch").unwrap();
    let href = doc
        .select(&sel)
        .next()
        .unwrap()
        .value()
        .attr("href")
        .unwrap()
        .to_string();
    assert!(href.starts_with("/search/orgs?q="), "{href}");
    assert!(
        href.contains("league=150100") && href.ends_with("&lang=en"),
        "{href}"
    );
    assert_eq!(href.matches("lang=").count(), 1, "{href}");
    let r = c.get(&href).await;
    assert_eq!(r.count(".search-hit"), 2);
    assert!(r.text(".result-count").contains("results"));
}

// ---------------------------------------------------------------------------------------
// The labelled relevance set (issue 16 point 6): tests/relevance/queries.toml over the demo
// seed, run through what the pages run (place understanding, words, fallbacks).

/// Organizations the relevance set's seed generates (`seed --orgs`, data-set seed 2026).
const RELEVANCE_ORGS: u64 = 1000;
/// How many top results are judged.
const TOP: usize = 10;

#[derive(serde::Deserialize)]
struct RelevanceSet {
    query: Vec<Labelled>,
}

/// One labelled query (format at the top of tests/relevance/queries.toml).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Labelled {
    q: String,
    kind: String,
    who: String,
    /// What the query tests; shown when it falls short.
    #[serde(default)]
    why: String,
    #[serde(default)]
    must: Vec<String>,
    #[serde(default)]
    must_not: Vec<String>,
    #[serde(default)]
    relevant: Rule,
}

/// How the labeller judged any other record: it is about the topic (one of its domains is
/// listed, or its name holds one of the words; either when only one is given) and it is
/// located in one of the places (when given).
#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Rule {
    /// One of the record's service domains is one of these.
    #[serde(default)]
    domains: Vec<String>,
    /// The record is located in one of these leagues/cities or banners/counties.
    #[serde(default)]
    places: Vec<String>,
    /// The record's name holds one of these (a tender's title or its purchasing unit's name).
    #[serde(default)]
    name_has: Vec<String>,
}

impl Rule {
    fn is_empty(&self) -> bool {
        self.domains.is_empty() && self.places.is_empty() && self.name_has.is_empty()
    }
}

/// The name (or title) of a hit.
fn hit_name(kind: Kind, h: &Document) -> String {
    let attr = if kind == Kind::Tenders {
        "title"
    } else {
        "name"
    };
    h.get(attr)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

/// Whether a hit is relevant to a labelled query: a must-have, or (not a must-not and) it
/// meets every criterion of the rule. A query whose rule is empty accepts only its
/// must-haves.
fn judged_relevant(l: &Labelled, kind: Kind, h: &Document) -> bool {
    let name = hit_name(kind, h);
    if l.must.contains(&name) {
        return true;
    }
    if l.must_not.contains(&name) || l.relevant.is_empty() {
        return false;
    }
    let r = &l.relevant;
    let domains: Vec<String> = match (kind, h.get("domains"), h.get("domain")) {
        (Kind::Orgs, Some(serde_json::Value::Array(a)), _) => a
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        (_, _, Some(serde_json::Value::String(d))) => vec![d.clone()],
        _ => vec![],
    };
    let at = |attr: &str| h.get(attr).and_then(|v| v.as_str()).unwrap_or_default();
    let named = format!("{name} {}", at("unit_name"));
    let in_domain = r.domains.iter().any(|d| domains.contains(d));
    let says_it = r.name_has.iter().any(|w| named.contains(w.as_str()));
    let topic = (r.domains.is_empty() && r.name_has.is_empty()) || in_domain || says_it;
    topic
        && (r.places.is_empty()
            || r.places
                .iter()
                .any(|p| at("league") == p || at("county") == p))
}

/// The measures of one engine over the set.
#[derive(Debug, Default, Clone)]
struct Measures {
    queries: usize,
    precision: f64,
    recall: f64,
    with_must: usize,
    zero: usize,
    must_not_hits: usize,
    fallbacks: usize,
}

impl Measures {
    fn precision(&self) -> f64 {
        self.precision / self.queries.max(1) as f64
    }
    fn recall(&self) -> f64 {
        self.recall / self.with_must.max(1) as f64
    }
    fn zero_rate(&self) -> f64 {
        self.zero as f64 / self.queries.max(1) as f64
    }
}

/// Loads and checks the set: at least 150 queries, every field meaningful.
fn relevance_set() -> Vec<Labelled> {
    let src = include_str!("relevance/queries.toml");
    let set: RelevanceSet = toml::from_str(src).expect("tests/relevance/queries.toml parses");
    assert!(set.query.len() >= 150, "{} queries", set.query.len());
    for l in &set.query {
        assert!(Kind::parse(&l.kind).is_some(), "{}: kind {}", l.q, l.kind);
        assert!(
            ["resident", "buyer", "regulator"].contains(&l.who.as_str()),
            "{}: who {}",
            l.q,
            l.who
        );
        assert!(
            !l.must.is_empty() || !l.relevant.is_empty(),
            "{}: nothing labelled relevant",
            l.q
        );
        assert!(l.must.len() <= TOP, "{}: more must-haves than places", l.q);
        for d in &l.relevant.domains {
            assert!(civicbridge::orgs::is_domain(d), "{}: domain {d}", l.q);
        }
        for p in &l.relevant.places {
            assert!(
                civicbridge::regions::regions().get(p).is_some(),
                "{}: place {p}",
                l.q
            );
        }
    }
    let mut seen = std::collections::HashSet::new();
    for l in &set.query {
        assert!(seen.insert((l.kind.clone(), l.q.clone())), "{} twice", l.q);
    }
    set.query
}

/// The demo data the set is labelled over: `seed` with [`RELEVANCE_ORGS`] organizations of
/// data set 2026, the demo procurement history (one tender per state) and one year of the
/// policy-monitoring history (five contracts per purchasing unit last year, three this year),
/// indexed as `reindex` does.
async fn relevance_data(config: Config) -> TestApp {
    let app = TestApp::with_config(config).await;
    let db = &app.state.db;
    let now = app.clock().now();
    civicbridge::app::seed::run(db, app.clock(), RELEVANCE_ORGS, 2026, false)
        .await
        .unwrap();
    civicbridge::app::seed::procurement::run(db, &app.state.seal, now, 1)
        .await
        .unwrap();
    civicbridge::app::seed::history::run(db, now, 1, 5)
        .await
        .unwrap();
    let b = backend(&app);
    for kind in Kind::ALL {
        search::reindex(db, b.as_ref(), kind, now, 500, |_| {})
            .await
            .unwrap();
    }
    // What the seed's own operations queued is delivered too (the same documents again).
    search::drain_all(db, b.as_ref(), now + 365 * 86_400)
        .await
        .unwrap();
    app
}

/// Runs the set on one engine the way the pages do; prints every query that falls short.
async fn measure_relevance(name: &str, app: &TestApp, set: &[Labelled]) -> Measures {
    let b = backend(app);
    let mut m = Measures::default();
    let mut short = Vec::new();
    for l in set {
        let kind = Kind::parse(&l.kind).unwrap();
        let params = vec![("q".to_string(), l.q.clone())];
        let (mut req, _, errors) = search::rules::parse_params(kind, &params, TOP);
        assert!(errors.is_empty(), "{}: {errors:?}", l.q);
        search::places::understand(&mut req, &params);
        let out = search::find(b.as_ref(), kind, &req)
            .await
            .unwrap_or_else(|e| panic!("{name}: {}: {e}", l.q));
        let top: Vec<&Document> = out.found.hits.iter().take(TOP).collect();
        let names: Vec<String> = top.iter().map(|h| hit_name(kind, h)).collect();
        m.queries += 1;
        m.fallbacks += usize::from(out.fallback.is_some());
        let precision = if top.is_empty() {
            m.zero += 1;
            0.0
        } else {
            top.iter().filter(|h| judged_relevant(l, kind, h)).count() as f64 / top.len() as f64
        };
        m.precision += precision;
        let missing: Vec<&String> = l.must.iter().filter(|n| !names.contains(n)).collect();
        if !l.must.is_empty() {
            m.with_must += 1;
            m.recall += (l.must.len() - missing.len()) as f64 / l.must.len() as f64;
        }
        let unwanted: Vec<&String> = names.iter().filter(|n| l.must_not.contains(n)).collect();
        m.must_not_hits += unwanted.len();
        if precision < 1.0 || !missing.is_empty() || !unwanted.is_empty() {
            let wrong: Vec<&String> = top
                .iter()
                .filter(|h| !judged_relevant(l, kind, h))
                .map(|h| names.iter().find(|n| **n == hit_name(kind, h)).unwrap())
                .collect();
            short.push(format!(
                "  [{}] {} ({}, {}) P@10 {precision:.2}{} missing {missing:?} must-not {unwanted:?} judged irrelevant {wrong:?}",
                l.kind,
                l.q,
                l.who,
                l.why,
                out.fallback.map(|f| format!(" via {f:?}")).unwrap_or_default(),
            ));
        }
    }
    println!("{name}: queries short of perfect:\n{}", short.join("\n"));
    m
}

#[tokio::test]
async fn the_labelled_relevance_set_meets_its_targets() {
    let set = relevance_set();
    let mut results: Vec<(&str, Measures)> = Vec::new();
    for (name, config) in backends() {
        let app = relevance_data(config).await;
        let m = measure_relevance(name, &app, &set).await;
        results.push((name, m));
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        assert!(
            results.iter().any(|(n, _)| *n == "meilisearch"),
            "CI=true but MEILISEARCH_URL is not set: the relevance set must run on both engines"
        );
    }
    println!(
        "\n| engine | queries | precision@10 | recall of must-haves | zero-result rate | must-not hits | fallbacks |"
    );
    println!("|---|---|---|---|---|---|---|");
    for (name, m) in &results {
        println!(
            "| {name} | {} | {:.3} | {:.3} | {:.3} | {} | {} |",
            m.queries,
            m.precision(),
            m.recall(),
            m.zero_rate(),
            m.must_not_hits,
            m.fallbacks
        );
    }
    let (_, e) = &results[0];
    assert_eq!(
        e.zero, 0,
        "embedded: queries about existing things found nothing"
    );
    assert!(
        e.precision() >= 0.9,
        "embedded precision@10 {:.3}",
        e.precision()
    );
    for (name, m) in &results[1..] {
        assert_eq!(m.zero, 0, "{name}: queries found nothing");
        assert!(
            m.precision() >= 0.9,
            "{name} precision@10 {:.3}",
            m.precision()
        );
        assert!(
            e.precision() >= m.precision(),
            "embedded precision below {name}"
        );
        assert!(e.recall() >= m.recall(), "embedded recall below {name}");
        assert!(
            e.zero_rate() <= m.zero_rate(),
            "embedded zero-result rate above {name}"
        );
        assert!(
            e.must_not_hits <= m.must_not_hits,
            "embedded must-not hits above {name}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Brand projects (issue 14 point 2): the third index.

/// A brand of an organization of the fixture, through the brands room (so the outbox is
/// what feeds the engine).
/// A brand to create: (organization key, name, domain, places, story, outcome).
type BrandSpec<'a> = (
    &'a str,
    &'a str,
    &'a str,
    &'a [&'a str],
    &'a str,
    (&'a str, i64, &'a str),
);

async fn create_brand(f: &Fixture, owner: i64, spec: BrandSpec<'_>) -> i64 {
    let (org, name, domain, places, story, outcome) = spec;
    let d = civicbridge::brands::rules::BrandDraft {
        name: name.into(),
        domain: domain.into(),
        places: places
            .iter()
            .map(|p| (p.to_string(), civicbridge::orgs::rules::division_parts(p).0))
            .collect(),
        started_year: 2018,
        beneficiaries: 1200,
        outcomes: vec![civicbridge::brands::rules::Outcome {
            label: outcome.0.into(),
            number: outcome.1,
            unit: outcome.2.into(),
        }],
        partners: "社区居委会（合作方）".into(),
        story: story.into(),
    };
    civicbridge::brands::create(&f.app.state.db, f.orgs[org], &d, owner, T0)
        .await
        .unwrap()
}

/// Runs a league/city recognition round for one brand to its end through the room's own
/// operations (nomination, screening, review, notice, recognition); returns its year.
async fn recognize(f: &Fixture, brand: i64, nominator: i64) -> i32 {
    use civicbridge::brands::recognition as ops;
    use civicbridge::brands::recognition_rules::{Eligibility, Level, NominationDraft, RoundDraft};
    use civicbridge::reviews::{Mark, Recommendation, Sheet, SubjectKind};
    const DAY: i64 = 86_400;
    let app = &f.app;
    let db = &app.state.db;
    let reg = app
        .user(
            &format!("brand-reg-{}@example.org", f.name),
            &[civicbridge::accounts::Role::Regulator],
        )
        .await;
    let ev = app
        .user(
            &format!("brand-ev-{}@example.org", f.name),
            &[civicbridge::accounts::Role::Evaluator],
        )
        .await;
    let now = app.clock().now();
    let year = civicbridge::kernel::clock::shanghai_year(now);
    let draft = RoundDraft {
        title: "品牌项目认定（检索测试）".into(),
        year,
        level: Level::League,
        division: "150100".into(),
        opens_at: now - DAY,
        closes_at: now + DAY,
        rules: Eligibility::default(),
        max_recognitions: None,
        notice_days: 7,
        rubric: vec![("成效".into(), 100)],
        reviewers: vec![ev],
    };
    let r = ops::open_round(db, &draft, reg, now).await.unwrap();
    let n = ops::nominate(
        db,
        r,
        &NominationDraft {
            brand,
            unit: None,
            statement: "推荐".into(),
        },
        nominator,
        now,
    )
    .await
    .unwrap()
    .unwrap();
    ops::screen(db, r, n, true, "", reg, now)
        .await
        .unwrap()
        .unwrap();
    app.clock().advance(2 * DAY);
    ops::start_review(db, r, reg, app.clock().now())
        .await
        .unwrap()
        .unwrap();
    for (a, rv) in civicbridge::reviews::my_assignments(db, ev).await.unwrap() {
        if rv.subject_kind != SubjectKind::BrandNomination.code() {
            continue;
        }
        let sheet = Sheet {
            cells: (0..rv.criteria().len())
                .map(|_| (Some(Mark::Points(4)), "成效显著".to_string()))
                .collect(),
            recommendation: Some(Recommendation::Yes),
            declared: true,
        };
        civicbridge::reviews::save_sheet(db, a.id, ev, &sheet, true, app.clock().now())
            .await
            .unwrap()
            .unwrap();
    }
    ops::publish_notice(db, r, reg, app.clock().now())
        .await
        .unwrap()
        .unwrap();
    app.clock().advance(8 * DAY);
    assert_eq!(
        ops::recognize(db, r, reg, app.clock().now())
            .await
            .unwrap()
            .unwrap(),
        1
    );
    year
}

/// Brands are found by Chinese words in their name, story, outcomes, organization and
/// places; they are faceted by domain, league/city, recognized and year recognized; edits,
/// a new photo and a recognition reach the index through the outbox; a brand whose
/// organization's registration ended leaves the index (as it leaves the gallery) and a
/// rebuild does not bring it back; nothing private comes back.
#[tokio::test]
async fn brands_are_found_faceted_and_kept_up_to_date() {
    for (name, config) in backends() {
        let f = fixture(name, config).await;
        let db = &f.app.state.db;
        let owner = f
            .app
            .user(&format!("brand-owner-{name}@example.org"), &[])
            .await;
        let canteen = create_brand(
            &f,
            owner,
            (
                "sun",
                "青城银龄食堂",
                "elderly",
                &["150102"],
                "为社区高龄独居老人提供助餐和送餐上门服务。",
                ("助餐服务", 36_000, "人次"),
            ),
        )
        .await;
        let camp = create_brand(
            &f,
            owner,
            (
                "youth",
                "阳光少年心理成长营",
                "mental_health",
                &["150203"],
                "在中小学开展团体辅导与个案陪伴。",
                ("个案辅导", 420, "人"),
            ),
        )
        .await;
        let books = create_brand(
            &f,
            owner,
            (
                "rural",
                "草原书屋乡村阅读计划",
                "rural",
                &["150402", "150102"],
                "在嘎查村建设流动书屋。",
                ("流动书屋", 35, "个"),
            ),
        )
        .await;
        let ended = create_brand(
            &f,
            owner,
            (
                "disab",
                "残障青年就业加油站",
                "disability",
                &["150602"],
                "为残障青年提供职业培训和岗位对接。",
                ("推荐就业", 88, "人"),
            ),
        )
        .await;
        drain(&f.app, T0).await;
        assert_eq!(
            backend(&f.app).count(Kind::Brands).await.unwrap(),
            4,
            "{name}"
        );

        // Chinese queries: name, story, outcomes, organization name, place.
        for (q, want) in [
            ("银龄食堂", canteen),
            ("送餐", canteen),
            ("流动书屋", books),
            ("青少年心理健康促进会", camp),
            ("就业", ended),
        ] {
            let got = ids(&find(&f, Kind::Brands, &req(q)).await);
            assert!(
                got.contains(&want),
                "{name}: {q} should find {want}: {got:?}"
            );
        }
        let got = ids(&find(&f, Kind::Brands, &req("养老")).await);
        assert_eq!(
            got.first(),
            Some(&canteen),
            "{name}: 养老 (from 老人): {got:?}"
        );
        // A place named in a query becomes this filter on the pages (`places`).
        let got = ids(&find(&f, Kind::Brands, &with(req(""), "league", "150600")).await);
        assert_eq!(got, vec![ended], "{name}: the place it serves");

        // Facets: a brand serving two leagues counts in both; nothing recognized yet.
        let all = find(&f, Kind::Brands, &req("")).await;
        assert_eq!(all.total, 4, "{name}");
        let leagues = facet(&all, "league");
        assert_eq!(leagues.get("150100"), Some(&2), "{name}: {leagues:?}");
        assert_eq!(leagues.get("150400"), Some(&1), "{name}: {leagues:?}");
        assert_eq!(facet(&all, "recognized").get("no"), Some(&4), "{name}");
        assert!(facet(&all, "recognized_years").is_empty(), "{name}");
        assert_eq!(facet(&all, "domain").get("elderly"), Some(&1), "{name}");
        let r = find(&f, Kind::Brands, &with(req(""), "league", "150100")).await;
        let mut got = ids(&r);
        got.sort_unstable();
        assert_eq!(got, vec![canteen, books], "{name}");
        let r = find(&f, Kind::Brands, &with(req(""), "county", "150402")).await;
        assert_eq!(ids(&r), vec![books], "{name}");
        let r = find(&f, Kind::Brands, &with(req("书屋"), "domain", "elderly")).await;
        assert_eq!(r.total, 0, "{name}");
        // Sorting by reach and by year started is offered.
        let mut r = req("");
        r.sort = Some(("beneficiaries_per_year".into(), true));
        assert_eq!(find(&f, Kind::Brands, &r).await.total, 4, "{name}");

        // An edit and a photo: seen only after the outbox is drained.
        let b = civicbridge::brands::get(db, camp).await.unwrap().unwrap();
        let d = civicbridge::brands::rules::BrandDraft {
            name: "包头青春护航心理驿站".into(),
            domain: "mental_health".into(),
            places: vec![("150203".into(), Some("150200".into()))],
            started_year: 2018,
            beneficiaries: 1500,
            outcomes: vec![],
            partners: String::new(),
            story: "心理驿站进校园。".into(),
        };
        civicbridge::brands::update(db, &b, &d, owner, T0 + 10)
            .await
            .unwrap();
        assert_eq!(
            ids(&find(&f, Kind::Brands, &req("驿站")).await),
            Vec::<i64>::new(),
            "{name}"
        );
        let photo = civicbridge::brands::add_photo(
            db,
            &f.app.state.config.data_dir,
            &b,
            civicbridge::app::seed::brands::demo_photo(3),
            Some(owner),
            T0 + 11,
        )
        .await
        .unwrap()
        .unwrap();
        drain(&f.app, T0 + 20).await;
        let r = find(&f, Kind::Brands, &req("驿站")).await;
        assert_eq!(ids(&r), vec![camp], "{name}");
        assert_eq!(r.hits[0]["cover_photo"], photo, "{name}");
        assert_eq!(r.hits[0]["beneficiaries_per_year"], 1500, "{name}");
        assert_eq!(
            find(&f, Kind::Brands, &req("成长营")).await.total,
            0,
            "{name}"
        );

        // A recognition adds the year and moves the brand to "recognized".
        let year = recognize(&f, canteen, owner).await;
        drain(&f.app, f.app.clock().now()).await;
        let all = find(&f, Kind::Brands, &req("")).await;
        assert_eq!(facet(&all, "recognized").get("yes"), Some(&1), "{name}");
        assert_eq!(
            facet(&all, "recognized_years").get(&year.to_string()),
            Some(&1),
            "{name}"
        );
        let r = find(
            &f,
            Kind::Brands,
            &with(req(""), "recognized_years", &year.to_string()),
        )
        .await;
        assert_eq!(ids(&r), vec![canteen], "{name}");
        assert_eq!(r.hits[0]["recognized"], "yes", "{name}");

        // The organization's registration ends: its brand leaves the index, as it leaves the
        // gallery, through the organization's own outbox row.
        let txn = civicbridge::kernel::db::begin_write(db).await.unwrap();
        assert!(
            civicbridge::orgs::end_registration_in(
                &*txn,
                f.orgs["disab"],
                civicbridge::orgs::RegistrationStatus::Deregistered,
                "僵尸型社会组织，依法注销登记。",
                None,
                f.app.clock().now(),
            )
            .await
            .unwrap()
        );
        txn.commit().await.unwrap();
        drain(&f.app, f.app.clock().now()).await;
        assert_eq!(
            find(&f, Kind::Brands, &req("就业加油站")).await.total,
            0,
            "{name}"
        );
        assert_eq!(
            backend(&f.app).count(Kind::Brands).await.unwrap(),
            3,
            "{name}"
        );
        // A rebuild from the database brings back the public brands only.
        let n = search::reindex(
            db,
            backend(&f.app).as_ref(),
            Kind::Brands,
            f.app.clock().now(),
            2,
            |_| {},
        )
        .await
        .unwrap();
        assert_eq!(n, 4, "{name}: every brand row is looked at");
        assert_eq!(
            backend(&f.app).count(Kind::Brands).await.unwrap(),
            3,
            "{name}"
        );
        assert_eq!(
            find(&f, Kind::Brands, &req("就业加油站")).await.total,
            0,
            "{name}"
        );

        // Nothing private comes back: no creator, no photo file key, no partners, no
        // contact of the organization; only displayed attributes.
        let shown = Kind::Brands.def().displayed.clone();
        let mut text = String::new();
        for h in &find(&f, Kind::Brands, &req("")).await.hits {
            for k in h.keys() {
                assert!(shown.contains(k), "{name}: {k} is not displayed");
            }
            all_text(&serde_json::Value::Object(h.clone()), &mut text);
        }
        for secret in [
            "created_by",
            "file_key",
            "合作方",
            "PRIVATE",
            "private.example",
        ] {
            assert!(!text.contains(secret), "{name}: {secret} in {text}");
        }
        f.app.check_invariants().await.unwrap();
    }
}

/// A brand ranks by what it is about before the name of the organization behind it: for
/// 养老 the elderly-care brands (the domain's label, a story about 老人/老年) come before a
/// legal-aid brand whose organization's name happens to hold 养老 — on both engines, which
/// read the attribute order from `search/brands.json`.
#[tokio::test]
async fn brands_rank_by_their_topic_before_their_organizations_name() {
    for (name, config) in backends() {
        let f = fixture(name, config).await;
        let owner = f
            .app
            .user(&format!("brand-owner-{name}@example.org"), &[])
            .await;
        let legal = create_brand(
            &f,
            owner,
            (
                "sun",
                "社区法律明白人",
                "legal",
                &["150102"],
                "律师志愿者驻点社区，提供法律咨询、人民调解和普法宣传。",
                ("法律咨询", 500, "件"),
            ),
        )
        .await;
        let meals = create_brand(
            &f,
            owner,
            (
                "elder",
                "海拉尔银龄助餐点",
                "elderly",
                &["150702"],
                "为高龄、独居老人提供助餐和送餐上门服务。",
                ("助餐服务", 18_000, "人次"),
            ),
        )
        .await;
        let visits = create_brand(
            &f,
            owner,
            (
                "elder",
                "夕阳守望探访队",
                "elderly",
                &["150702"],
                "志愿者定期探访空巢老年人，陪伴聊天、代购和安全检查。",
                ("上门探访", 2_400, "次"),
            ),
        )
        .await;
        drain(&f.app, T0).await;
        let got = ids(&find(&f, Kind::Brands, &req("养老")).await);
        let pos = |id: i64| got.iter().position(|x| *x == id);
        let (m, v) = (pos(meals), pos(visits));
        assert!(
            m.is_some() && v.is_some(),
            "{name}: 养老 finds both elderly-care brands: {got:?}"
        );
        if let Some(l) = pos(legal) {
            assert!(
                m < Some(l) && v < Some(l),
                "{name}: 养老 ranks the elderly-care brands {meals} and {visits} before the \
                 legal-aid brand {legal} of an organization named …养老…: {got:?}"
            );
        }
        f.app.check_invariants().await.unwrap();
    }
}

/// `/search/brands` with facets that are links, the brands group on `/search`, and
/// `/api/v1/search?kind=brands`.
#[tokio::test]
async fn brand_search_pages_and_api() {
    for (name, config) in backends() {
        let f = fixture(name, config).await;
        let owner = f
            .app
            .user(&format!("brand-owner-{name}@example.org"), &[])
            .await;
        let canteen = create_brand(
            &f,
            owner,
            (
                "sun",
                "青城银龄食堂",
                "elderly",
                &["150102"],
                "为社区高龄独居老人提供助餐和送餐上门服务。",
                ("助餐服务", 36_000, "人次"),
            ),
        )
        .await;
        create_brand(
            &f,
            owner,
            (
                "rural",
                "草原书屋乡村阅读计划",
                "rural",
                &["150402"],
                "在嘎查村建设流动书屋，服务老人和儿童。",
                ("流动书屋", 35, "个"),
            ),
        )
        .await;
        drain(&f.app, T0).await;
        let mut c = f.app.client();

        let r = c
            .get(&format!("/search/brands?q={}", common::enc("老人")))
            .await;
        assert_eq!(r.status, 200, "{name}");
        assert_eq!(
            r.count(".search-hit"),
            2,
            "{name}: {}",
            r.text(".search-hit")
        );
        assert!(r.text(".search-hit").contains("青城银龄食堂"), "{name}");
        assert!(r.text(".facets").contains("呼和浩特市"), "{name}");
        assert!(r.text(".facets").contains("未获认定"), "{name}");
        assert_eq!(
            r.count(&format!(".search-hit a[href='/brands/{canteen}']")),
            1,
            "{name}"
        );
        // A facet link narrows and is shown as a removable filter.
        let r = c
            .get(&format!(
                "/search/brands?q={}&league=150100",
                common::enc("老人")
            ))
            .await;
        assert_eq!(r.count(".search-hit"), 1, "{name}");
        assert!(r.text(".active-filters").contains("呼和浩特市"), "{name}");
        // A facet value it cannot take: results still shown, with a message.
        let r = c.get("/search/brands?recognized=maybe").await;
        assert_eq!(r.status, 200, "{name}");
        assert_eq!(r.count(".form-errors"), 1, "{name}");
        assert_eq!(r.count(".search-hit"), 2, "{name}");
        // A place in the query becomes the league filter.
        let r = c
            .get(&format!("/search/brands?q={}", common::enc("赤峰 书屋")))
            .await;
        assert_eq!(
            r.count(".search-hit"),
            1,
            "{name}: {}",
            r.text(".search-hit")
        );
        assert!(r.text(".place-understood").contains("赤峰市"), "{name}");
        // English.
        let r = c.get("/search/brands?lang=en").await;
        assert!(r.text("h1").contains("Search brand projects"), "{name}");
        assert!(r.text(".facets").contains("Not recognized"), "{name}");

        // Across kinds: a brands group.
        let r = c.get(&format!("/search?q={}", common::enc("银龄"))).await;
        assert_eq!(r.count(".search-group"), 3, "{name}");
        assert!(r.text(".search-group").contains("青城银龄食堂"), "{name}");

        // The API mirrors it, and refuses a bad facet value with 422.
        let r = c
            .get(&format!(
                "/api/v1/search?kind=brands&q={}&recognized=no",
                common::enc("书屋")
            ))
            .await;
        assert_eq!(r.status, 200, "{name}");
        let j = r.json();
        assert_eq!(j["brands"]["total"], 1, "{name}: {j}");
        assert_eq!(
            j["brands"]["hits"][0]["name"], "草原书屋乡村阅读计划",
            "{name}"
        );
        assert!(j["brands"]["facets"]["league"].is_array(), "{name}");
        assert!(j.get("orgs").is_none(), "{name}");
        let r = c.get("/api/v1/search?kind=brands&recognized_year=19").await;
        assert_eq!(r.status, 422, "{name}");
        let r = c.get("/api/v1/search").await;
        assert!(r.json().get("brands").is_some(), "{name}");
        f.app.check_invariants().await.unwrap();
    }
}

/// A full reindex builds beside the live index and swaps in one step (issue 18 point 3):
/// while it runs, searches answer from the old index, never from an empty or half-built one.
#[tokio::test]
async fn a_rebuild_swaps_in_one_step_and_never_answers_half_built() {
    for (name, config) in backends() {
        let f = fixture(name, config).await;
        let b = backend(&f.app);
        let all = ORGS.len() as u64;
        assert_eq!(b.count(Kind::Orgs).await.unwrap(), all, "{name}");
        let sun = f.orgs["sun"];
        let rebuild = b.rebuild_start(Kind::Orgs).await.unwrap();
        let (docs, _) = search::model::documents(
            &f.app.state.db,
            Kind::Orgs,
            &[sun],
            f.app.state.clock.today(),
        )
        .await
        .unwrap();
        b.rebuild_apply(Kind::Orgs, &rebuild, docs).await.unwrap();
        // Half-built: the live index still answers with everything.
        assert_eq!(b.count(Kind::Orgs).await.unwrap(), all, "{name}");
        assert_eq!(
            find(&f, Kind::Orgs, &req("海勃湾区环保志愿者协会"))
                .await
                .hits[0]["id"],
            f.orgs["green"],
            "{name}"
        );
        b.rebuild_finish(Kind::Orgs, &rebuild, T0).await.unwrap();
        // Swapped: exactly what was rebuilt.
        assert_eq!(b.count(Kind::Orgs).await.unwrap(), 1, "{name}");
        assert_eq!(
            ids(&find(&f, Kind::Orgs, &req("")).await),
            vec![sun],
            "{name}"
        );
        // A whole reindex the same way puts everything back.
        let n = search::reindex(&f.app.state.db, b.as_ref(), Kind::Orgs, T0, 2, |_| {})
            .await
            .unwrap();
        assert_eq!(n, all, "{name}");
        assert_eq!(b.count(Kind::Orgs).await.unwrap(), all, "{name}");
        drain(&f.app, T0).await;
        f.app.check_invariants().await.unwrap();
    }
}

/// `civicbridge reindex` beside a running server (embedded engine): the server keeps
/// answering from its index, takes up the rebuilt one on its next search round, and a change
/// it delivered to the old index during the rebuild is delivered again to the new one.
#[tokio::test]
async fn reindex_runs_beside_a_running_server_and_loses_no_change() {
    let f = fixture("embedded", Config::default()).await;
    let server = backend(&f.app);
    let db = &f.app.state.db;
    let dir = f.app.state.config.data_dir.join("search");
    // The server has written (it holds its indexes' writer locks).
    drain(&f.app, T0).await;

    // 1. The command line, while the server runs.
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_civicbridge"));
    cmd.arg("--data-dir")
        .arg(&f.app.state.config.data_dir)
        .arg("reindex")
        .env_remove("DATABASE_URL")
        .env_remove("MEILISEARCH_URL")
        .env("CIVICBRIDGE_AUDIT_KEY", common::AUDIT_KEY)
        .env("CIVICBRIDGE_CHECKPOINT_KEY", common::CHECKPOINT_KEY);
    if let Some(url) = &f.app.state.config.database_url {
        cmd.env("DATABASE_URL", url);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!("{} records", ORGS.len())),
        "{stdout}"
    );
    // The server still answers from the index it has…
    assert_eq!(server.count(Kind::Orgs).await.unwrap(), ORGS.len() as u64);
    // …and takes up the new one on its next round.
    assert_eq!(
        search::refresh(db, server.as_ref()).await.unwrap(),
        Kind::ALL.len()
    );
    assert_eq!(
        search::refresh(db, server.as_ref()).await.unwrap(),
        0,
        "once"
    );
    assert_eq!(server.count(Kind::Orgs).await.unwrap(), ORGS.len() as u64);
    assert_eq!(
        find(&f, Kind::Orgs, &req("海勃湾区环保志愿者协会"))
            .await
            .hits[0]["id"],
        f.orgs["green"]
    );

    // 2. A change while a rebuild runs in another process: the server delivers it to the
    // index it has; the rebuild read the record before the change.
    let other = search::embedded::Embedded::open(&dir).unwrap();
    let rebuild = other.rebuild_start(Kind::Orgs).await.unwrap();
    let ids_all: Vec<i64> = f.orgs.values().copied().collect();
    let (docs, _) = search::model::documents(db, Kind::Orgs, &ids_all, f.app.state.clock.today())
        .await
        .unwrap();
    other
        .rebuild_apply(Kind::Orgs, &rebuild, docs)
        .await
        .unwrap();
    let (o, _) = civicbridge::orgs::model::get(db, f.orgs["rural"])
        .await
        .unwrap()
        .unwrap();
    let d = OrgDraft {
        name: "赤峰市草原生态保护基金会".into(),
        domains: vec!["environment".into()],
        intro: "保护草原生态。".into(),
        ..redraft(&o, OrgKind::Foundation)
    };
    civicbridge::orgs::update(db, o.id, &d, T0 + 10)
        .await
        .unwrap();
    drain(&f.app, T0 + 10).await;
    other
        .rebuild_finish(Kind::Orgs, &rebuild, T0 + 5)
        .await
        .unwrap();
    drop(other);
    assert_eq!(search::refresh(db, server.as_ref()).await.unwrap(), 1);
    drain(&f.app, T0 + 10).await;
    assert_eq!(
        ids(&find(&f, Kind::Orgs, &req("草原生态")).await),
        vec![o.id],
        "the change made during the rebuild is in the new index"
    );
    // Only the live directories are left.
    let mut dirs: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    assert_eq!(dirs.len(), Kind::ALL.len(), "{dirs:?}");
    f.app.check_invariants().await.unwrap();
}

/// `settle` waits for the embedded index's background merges and leaves their result on
/// disk, so a command that rebuilt the index exits with it merged: twelve commits make twelve
/// segments, which tantivy's merge policy merges; after `settle` the index read back from its
/// directory holds fewer segments, and still every document.
#[tokio::test]
async fn settle_leaves_the_embedded_index_merged_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let e = search::embedded::Embedded::open(dir.path()).unwrap();
    e.prepare().await.unwrap();
    for id in 1..=12_i64 {
        let mut d = Document::new();
        d.insert("id".into(), id.into());
        d.insert("name".into(), format!("测试志愿者协会{id}").into());
        e.apply(Kind::Orgs, vec![d], vec![]).await.unwrap();
    }
    e.settle().await.unwrap();
    drop(e);
    let index = tantivy::Index::open_in_dir(dir.path().join(Kind::Orgs.uid())).unwrap();
    let segments = index.searchable_segment_metas().unwrap();
    assert!(segments.len() < 12, "{} segments", segments.len());
    assert_eq!(segments.iter().map(|s| s.num_docs()).sum::<u32>(), 12);
}

/// While a missing index is being built at start, an empty answer says nothing about the
/// records: the pages say that results are still coming (in both languages) instead of
/// "nothing matches", and say it no more once the build is done.
#[tokio::test]
async fn search_pages_say_the_index_is_being_built_until_it_is() {
    let app = TestApp::new().await;
    let owner = app.user("owner@building.test", &[]).await;
    let org = app.org(owner, 1, "青山区夕阳红养老服务中心").await;
    app.state.search.set_building(true);
    let mut c = app.client();
    let q = common::enc("夕阳红");
    let r = c.get(&format!("/search/orgs?q={q}")).await;
    assert_eq!(r.status, 200);
    assert!(r.text(".index-building").contains("正在建立"), "{}", r.body);
    assert_eq!(
        r.count(".no-results"),
        0,
        "no dead end claimed while building"
    );
    let r = c.get(&format!("/search?q={q}&lang=en")).await;
    assert_eq!(r.status, 200);
    assert!(r.text(".index-building").contains("still being built"));
    assert!(!r.body.contains("Nothing matches."), "{}", r.body);

    assert!(
        civicbridge::app::jobs::build_missing_indexes(&app.state)
            .await
            .is_some()
    );
    assert!(!app.state.search.building(), "the build ends the notice");
    drain(&app, app.clock().now()).await;
    let r = c.get(&format!("/search/orgs?q={q}")).await;
    assert_eq!(r.count(".index-building"), 0);
    assert_eq!(r.count(".search-hit"), 1, "{}", r.body);
    assert!(r.body.contains(&format!("/orgs/{org}")));
    let r = c
        .get(&format!("/search/orgs?q={}", common::enc("没有这个词汇")))
        .await;
    // The client kept the English it asked for above.
    assert!(
        r.text(".no-results").contains("Nothing matches"),
        "{}",
        r.body
    );
    app.check_invariants().await.unwrap();
}

/// A server on a fresh embedded index says that it is building from its first request on:
/// the flag is set before the jobs are spawned, not only once the build task first runs,
/// and the build clears it.
#[tokio::test]
async fn a_server_on_a_fresh_index_says_so_before_the_build_task_runs() {
    let app = TestApp::new().await;
    assert!(
        app.state.search.needs_rebuild,
        "a test app starts on a fresh index"
    );
    assert!(!app.state.search.building());
    civicbridge::app::jobs::spawn_all(&app.state);
    // Nothing spawned has run yet: this test's runtime has one thread and has not yielded.
    assert!(app.state.search.building());
    let mut waited = 0;
    while app.state.search.building() && waited < 600 {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        waited += 1;
    }
    assert!(!app.state.search.building(), "the build clears it");
    app.check_invariants().await.unwrap();
}
