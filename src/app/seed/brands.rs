//! Demo brand projects: about forty across the leagues/cities for the demo organizations
//! ([`run`], from `seed::run`), then ([`extras`], once contracts and the data directory
//! exist) a few generated photos and completed contracts linked as evidence.
//!
//! Invariants: running either again adds nothing twice (brands only when there are none,
//! photos only for brands without, evidence only where none is linked). May call: `brands`
//! (its model and face), `orgs` and `contracts` (their models).

use std::collections::BTreeMap;
use std::path::Path;

use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder};

use crate::brands::rules::{BrandDraft, Outcome};
use crate::orgs::model::organization;
use crate::regions::regions;

/// How many demo brands [`run`] creates at most.
pub const DEMO_BRANDS: usize = 40;

/// (domain, name, story, outcome label, outcome unit, per-year base)
const TEMPLATES: &[(&str, &str, &str, &str, &str, i64)] = &[
    (
        "elderly",
        "银龄助餐食堂",
        "从一个社区老年食堂起步，为辖区高龄、独居和失能老人提供助餐、送餐和探访服务，志愿者与社工结对跟进。",
        "助餐服务",
        "人次",
        1800,
    ),
    (
        "children_youth",
        "童伴成长驿站",
        "面向留守和困境儿童的课后陪伴与成长支持项目，驻站社工与高校志愿者共同开展课业辅导和心理支持。",
        "课后陪伴",
        "课时",
        600,
    ),
    (
        "disability",
        "阳光助残就业坊",
        "为心智障碍青年提供职业技能培训和支持性就业岗位对接，帮助他们走进社区、稳定就业。",
        "实现就业",
        "人",
        120,
    ),
    (
        "community",
        "邻里议事厅",
        "在老旧小区搭建居民议事平台，推动楼道治理、停车和加装电梯等公共事务协商解决。",
        "协商议题",
        "项",
        900,
    ),
    (
        "rural",
        "草原乡村振兴合作社",
        "联合牧民合作社发展特色畜产品加工和电商销售，带动牧区家庭增收。",
        "带动增收",
        "户",
        450,
    ),
    (
        "mental_health",
        "心灵驿站",
        "为社区居民和青少年提供心理健康讲座、团体辅导和个案咨询，建立危机转介机制。",
        "个案咨询",
        "人次",
        700,
    ),
    (
        "culture_sports",
        "马背上的文化课堂",
        "把民族文化、乌兰牧骑演出和全民健身活动送到嘎查村和社区。",
        "文化活动",
        "场",
        3000,
    ),
    (
        "legal",
        "法律明白人",
        "律师志愿者驻点社区，提供法律咨询、人民调解和普法宣传。",
        "法律咨询",
        "件",
        500,
    ),
    (
        "volunteer",
        "守望相助志愿服务队",
        "组织社区志愿者开展应急救助、助老助残和环境整治，形成常态化志愿服务。",
        "志愿服务时长",
        "小时",
        2500,
    ),
    (
        "ethnic_unity",
        "石榴籽民族团结之家",
        "以社区为单位开展各民族交往交流交融活动和互助服务。",
        "交流活动",
        "场",
        1500,
    ),
];

/// Creates the demo brands when there are none: round-robin over the leagues/cities, the
/// lowest organization id first, so the first organization always has the first brand.
/// Written in bulk past the audit log (like the demo organizations), so a seeded database
/// starts with nothing to explain.
pub async fn run(db: &DatabaseConnection, now: i64, today: time::Date) -> Result<usize, DbErr> {
    if crate::brands::count(db).await? > 0 {
        return Ok(0);
    }
    let orgs = organization::Entity::find()
        .filter(organization::Column::Kind.is_in([
            "social_group",
            "foundation",
            "social_service_agency",
        ]))
        .order_by_asc(organization::Column::Id)
        .all(db)
        .await?;
    let mut by_league: BTreeMap<String, Vec<&organization::Model>> = BTreeMap::new();
    for o in &orgs {
        by_league
            .entry(o.league_code.clone().unwrap_or_default())
            .or_default()
            .push(o);
    }
    let mut leagues: Vec<Vec<&organization::Model>> = by_league.into_values().collect();
    leagues.sort_by_key(|v| v.first().map(|o| o.id));
    let mut picked = Vec::new();
    let mut round = 0;
    while picked.len() < DEMO_BRANDS && leagues.iter().any(|v| v.len() > round) {
        for v in &leagues {
            if let Some(o) = v.get(round)
                && picked.len() < DEMO_BRANDS
            {
                picked.push(*o);
            }
        }
        round += 1;
    }
    let r = regions();
    let year = today.year();
    let txn = crate::kernel::db::begin_write(db).await?;
    for (i, o) in picked.iter().enumerate() {
        let (domain, name, story, label, unit, base) = TEMPLATES[i % TEMPLATES.len()];
        let place = r.name(
            o.league_code.as_deref().unwrap_or(&o.division_code),
            crate::kernel::Lang::Zh,
        );
        let mut places = vec![(
            o.division_code.clone(),
            r.league_of(&o.division_code).map(|d| d.code.clone()),
        )];
        if let Some(l) = &o.league_code
            && *l != o.division_code
        {
            places.push((l.clone(), Some(l.clone())));
        }
        let n = i64::try_from(i).unwrap_or(0);
        let started = year - 1 - i32::try_from(i % 9).unwrap_or(0);
        let d = BrandDraft {
            name: format!("{place}{name}"),
            domain: domain.into(),
            places,
            started_year: started,
            beneficiaries: base + n * 37,
            outcomes: vec![
                Outcome {
                    label: label.into(),
                    number: (base + n * 37) * i64::from(year - started + 1),
                    unit: unit.into(),
                },
                Outcome {
                    label: "参与志愿者".into(),
                    number: 20 + n * 3,
                    unit: "人".into(),
                },
            ],
            partners: format!("{place}民政局、社区居委会"),
            story: story.into(),
        };
        let id = crate::brands::model::insert(&*txn, o.id, &d, None, now).await?;
        crate::kernel::outbox::enqueue(&*txn, crate::kernel::outbox::Kind::Brands, id, now).await?;
    }
    txn.commit().await?;
    Ok(picked.len())
}

/// A generated demo photo: sky, hills and a sun in colours varying with `n`, as PNG.
pub fn demo_photo(n: u32) -> Vec<u8> {
    let (w, h) = (640u32, 420u32);
    let hue = (n * 47) % 255;
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let hill = f64::from(h) * 0.62 + 40.0 * ((f64::from(x) / 90.0 + f64::from(n)).sin());
        let (sx, sy) = (f64::from(w) * 0.75, f64::from(h) * 0.28);
        let d = ((f64::from(x) - sx).powi(2) + (f64::from(y) - sy).powi(2)).sqrt();
        if d < 42.0 {
            image::Rgb([250, 200, 60])
        } else if f64::from(y) > hill {
            image::Rgb([
                40 + u8::try_from(hue / 4).unwrap_or(0),
                120 + u8::try_from(y * 60 / h).unwrap_or(0),
                60,
            ])
        } else {
            image::Rgb([
                120 + u8::try_from(y * 100 / h).unwrap_or(0),
                170 + u8::try_from(hue / 5).unwrap_or(0),
                230,
            ])
        }
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .map(|_| out)
        .unwrap_or_default()
}

/// Photos for the first `photos` brands that have none (through `brands::add_photo`, so
/// they are stored like uploads), and completed contracts linked as evidence: each
/// organization with completed contracts and a brand gets them on its first brand, and up
/// to three such organizations without a brand get one.
pub async fn extras(
    db: &DatabaseConnection,
    data_dir: &Path,
    now: i64,
    photos: usize,
) -> anyhow::Result<()> {
    use crate::brands::model::{self as bm, brand};
    let first: Vec<bm::Brand> = brand::Entity::find()
        .order_by_asc(brand::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .take(photos)
        .collect();
    let ids: Vec<i64> = first.iter().map(|b| b.id).collect();
    let have = bm::photos_of(db, &ids).await?;
    for (i, b) in first.iter().enumerate() {
        if have.contains_key(&b.id) {
            continue;
        }
        for k in 0..if i == 0 { 2 } else { 1 } {
            let bytes = demo_photo(u32::try_from(i * 2 + k).unwrap_or(0));
            if let Err(p) = crate::brands::add_photo(db, data_dir, b, bytes, None, now).await? {
                anyhow::bail!("demo photo refused: {p:?}");
            }
        }
    }
    // Completed contracts by organization.
    use crate::contracts::model::contract;
    let done = contract::Entity::find()
        .filter(contract::Column::CompletedAt.is_not_null())
        .filter(contract::Column::State.eq("completed"))
        .order_by_asc(contract::Column::Id)
        .all(db)
        .await?;
    let mut by_org: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for c in &done {
        by_org.entry(c.org_id).or_default().push(c.id);
    }
    let mut created = 0;
    let year = crate::kernel::clock::shanghai_year(now);
    for (org, contracts) in by_org {
        let mut brands = bm::of_org(db, org).await?;
        if brands.is_empty() && created < 3 {
            let Some(o) = organization::Entity::find_by_id(org).one(db).await? else {
                continue;
            };
            let d = BrandDraft {
                name: format!("{}社区服务项目", o.name.trim_end_matches("协会")),
                domain: "community".into(),
                places: vec![(
                    o.division_code.clone(),
                    regions()
                        .league_of(&o.division_code)
                        .map(|d| d.code.clone()),
                )],
                started_year: year - 3,
                beneficiaries: 800,
                outcomes: vec![Outcome {
                    label: "入户服务".into(),
                    number: 2400,
                    unit: "次".into(),
                }],
                partners: String::new(),
                story: "承接政府购买服务项目后持续运营的社区服务，履约记录可在平台核实。".into(),
            };
            let txn = crate::kernel::db::begin_write(db).await?;
            bm::insert(&*txn, org, &d, None, now).await?;
            txn.commit().await?;
            created += 1;
            brands = bm::of_org(db, org).await?;
        }
        let Some(b) = brands.first() else { continue };
        if bm::evidence_of(db, b.id).await?.is_empty() {
            let linked: Vec<i64> = contracts.into_iter().take(3).collect();
            let txn = crate::kernel::db::begin_write(db).await?;
            bm::set_evidence(&*txn, b.id, &linked, None, now).await?;
            txn.commit().await?;
        }
    }
    Ok(())
}
