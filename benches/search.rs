//! Search benchmark: 100,000 organizations and 50,000 tenders in SQLite, a full reindex
//! into the embedded engine (documents/s), then query latency (p50/p99) over 30 realistic
//! Chinese queries, without and with facets, straight through the `Backend` trait — with
//! the thesaurus expansion (what users get) and, for the embedded engine, once more with
//! facets and the expansion off, to show what the expansion costs (issue 16 point 7: it
//! must not double p99). With `MEILISEARCH_URL` set, the same runs against that
//! Meilisearch server too (always with its synonyms).
//!
//! The full reindex is also compared with raw tantivy on the same documents in the same run
//! (issue 18 point 3: at most 3× its time): each document's text attributes as jieba-tokenized
//! tantivy text fields and the whole document stored, one writer with the engine's memory and
//! threads, one commit — what tantivy itself costs, without the database reads, the bigram
//! and thesaurus fields, facets and sort keys the engine adds.
//!
//! `cargo bench --bench search` (or `ORGS=… TENDERS=… ROUNDS=…` to change the sizes).

use std::time::{Duration, Instant};

use civicbridge::kernel::clock::Clock;
use civicbridge::procurement::model::tender;
use civicbridge::search::{self, Backend, Kind, Request};
use civicbridge::web::config::Config;
use rand::{Rng, SeedableRng};
use sea_orm::{ActiveValue::Set, EntityTrait};

/// The 30 queries: what organizations and buyers type, short and long, with names and a code.
const QUERIES: [&str; 30] = [
    "养老",
    "居家养老",
    "社区居家养老服务",
    "青少年心理",
    "心理健康",
    "乡村振兴",
    "农牧民技能培训",
    "残疾人康复",
    "助残",
    "困境儿童",
    "未成年人保护",
    "社区治理",
    "法律援助",
    "人民调解",
    "低保 入户核查",
    "社会救助",
    "志愿服务",
    "生态环保",
    "民族团结",
    "全民健身",
    "就业创业",
    "呼和浩特 养老",
    "鄂尔多斯 社会工作",
    "包头市 青少年",
    "赤峰 乡村振兴",
    "为老服务协会",
    "基金会",
    "社会工作服务中心",
    "老年人 助餐",
    "USCC",
];

/// Projects a purchasing unit buys: (domain, title stem, description).
const PROJECTS: &[(&str, &str, &str)] = &[
    (
        "elderly",
        "社区居家养老助餐服务项目",
        "为辖区独居、高龄老人提供助餐、送餐和每周探访。",
    ),
    (
        "elderly",
        "养老机构运营评估服务",
        "对辖区养老机构开展服务质量和安全评估。",
    ),
    (
        "children_youth",
        "困境儿童关爱保护服务项目",
        "为困境儿童和留守儿童提供个案管理和课业辅导。",
    ),
    (
        "mental_health",
        "青少年心理健康辅导服务",
        "在中小学开展心理健康讲座和个案辅导。",
    ),
    (
        "disability",
        "残疾人居家康复服务项目",
        "为持证残疾人提供上门康复训练和辅具适配指导。",
    ),
    (
        "community",
        "社区治理能力提升项目",
        "培育社区社会组织，开展议事协商和骨干培训。",
    ),
    (
        "rural",
        "乡村振兴农牧民技能培训项目",
        "面向嘎查村农牧民开展电商、养殖和家政技能培训。",
    ),
    (
        "social_assistance",
        "低保对象入户核查与帮扶服务项目",
        "协助开展低保家庭入户核查和个案帮扶。",
    ),
    (
        "legal",
        "基层法律援助与人民调解服务项目",
        "在街道、社区设立法律服务点，开展调解。",
    ),
    (
        "culture_sports",
        "全民健身与民族文化活动项目",
        "组织全民健身赛事和民族传统文化活动。",
    ),
    (
        "employment",
        "高校毕业生就业创业指导服务",
        "开展就业见习对接、创业培训和政策宣讲。",
    ),
    (
        "environment",
        "垃圾分类与生态环保宣传项目",
        "开展垃圾分类入户指导和草原生态保护宣传。",
    ),
    (
        "ethnic_unity",
        "民族团结进步创建服务项目",
        "开展民族团结进步主题宣传和社区融合活动。",
    ),
    (
        "volunteer",
        "社区志愿服务站运营项目",
        "运营社区志愿服务站，招募培训志愿者。",
    ),
];

const STATES: &[&str] = &[
    "published",
    "published",
    "opened",
    "evaluating",
    "awarded",
    "contracted",
    "completed",
    "cancelled",
    "unsuccessful",
];
const METHODS: &[&str] = &[
    "open_tender",
    "competitive_consultation",
    "competitive_negotiation",
    "request_for_quotation",
];

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

async fn insert_tenders(db: &sea_orm::DatabaseConnection, n: usize, now: i64) -> usize {
    let counties: Vec<(String, String)> = civicbridge::regions::regions()
        .of_level(civicbridge::regions::Level::BannerCounty)
        .map(|d| (d.code.clone(), d.name.clone()))
        .collect();
    let units: Vec<i64> = civicbridge::units::model::unit::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.id)
        .collect();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let mut done = 0;
    while done < n {
        let batch: Vec<tender::ActiveModel> = (0..500.min(n - done))
            .map(|_| {
                let (code, county) = &counties[rng.random_range(0..counties.len())];
                let (domain, title, desc) = PROJECTS[rng.random_range(0..PROJECTS.len())];
                let state = STATES[rng.random_range(0..STATES.len())];
                let (league, county_code) = civicbridge::orgs::rules::division_parts(code);
                let published = now - rng.random_range(0..3 * 365 * 86_400);
                tender::ActiveModel {
                    unit_id: Set(units[rng.random_range(0..units.len())]),
                    title: Set(format!("{county}{title}")),
                    description: Set(format!(
                        "{desc}服务期内按季度提交服务报告，接受第三方评估。"
                    )),
                    domain: Set(domain.to_string()),
                    division_code: Set(code.clone()),
                    league_code: Set(league),
                    county_code: Set(county_code),
                    budget_fen: Set(rng.random_range(20_000..3_000_000) * 100),
                    method: Set(METHODS[rng.random_range(0..METHODS.len())].to_string()),
                    eval_method: Set("comprehensive".into()),
                    price_weight: Set(30),
                    min_grade: Set(None),
                    social_only: Set(false),
                    allowed_leagues: Set(String::new()),
                    min_years: Set(0),
                    enquiry_deadline: Set(published + 10 * 86_400),
                    bid_deadline: Set(published + 20 * 86_400),
                    contract_months: Set(12),
                    min_bids: Set(3),
                    state: Set(state.to_string()),
                    state_reason: Set(String::new()),
                    published_at: Set(Some(published)),
                    opened_at: Set(None),
                    seq: Set(0),
                    created_at: Set(published),
                    updated_at: Set(published),
                    ..Default::default()
                }
            })
            .collect();
        done += batch.len();
        tender::Entity::insert_many(batch).exec(db).await.unwrap();
    }
    done
}

async fn measure(
    name: &str,
    backend: &dyn Backend,
    queries: &[String],
    rounds: usize,
    variants: &[bool],
) {
    for &facets in variants {
        let mut times = Vec::new();
        let mut slowest: Vec<(Duration, String)> = Vec::new();
        let mut hits = 0u64;
        // One warm-up pass, then the measured rounds.
        for round in 0..=rounds {
            for (i, q) in queries.iter().enumerate() {
                let kind = if i % 2 == 0 {
                    Kind::Tenders
                } else {
                    Kind::Orgs
                };
                let mut req = Request {
                    text: q.clone(),
                    limit: 20,
                    facets,
                    ..Default::default()
                };
                // Every third query also filters, as a user narrowing down would.
                if facets && i % 3 == 0 {
                    req.filters.insert("league".into(), vec!["150100".into()]);
                }
                let started = Instant::now();
                let found = backend.search(kind, &req).await.expect("search");
                let took = started.elapsed();
                if round > 0 {
                    times.push(took);
                    hits += found.total;
                    slowest.push((took, format!("{}:{q}", kind.uid())));
                }
            }
        }
        times.sort();
        println!(
            "{name:<12} {:<14} queries {:>5}  p50 {:>7.3} ms  p99 {:>7.3} ms  max {:>7.3} ms  (mean hits {})",
            if facets { "with facets" } else { "no facets" },
            times.len(),
            pct(&times, 0.5),
            pct(&times, 0.99),
            times.last().unwrap().as_secs_f64() * 1000.0,
            hits / times.len() as u64
        );
        slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
        let worst: Vec<String> = slowest
            .iter()
            .take(3)
            .map(|(d, q)| format!("{q} {:.1} ms", d.as_secs_f64() * 1000.0))
            .collect();
        println!("{:<12} slowest: {}", "", worst.join(", "));
    }
}

/// Every document of every kind, read as the reindex reads them (not timed).
async fn all_documents(state: &civicbridge::web::AppState) -> Vec<search::Document> {
    let mut out = Vec::new();
    for kind in Kind::ALL {
        let mut after = 0;
        loop {
            let ids = search::model::ids_after(&state.db, kind, after, 5000)
                .await
                .unwrap();
            let Some(&last) = ids.last() else { break };
            let (docs, _) = search::model::documents(&state.db, kind, &ids, state.clock.today())
                .await
                .unwrap();
            out.extend(docs);
            after = last;
        }
    }
    out
}

/// Raw tantivy on `docs`: seconds to index them (see the module's doc).
fn raw_tantivy(docs: &[search::Document]) -> f64 {
    use tantivy::schema::{IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions};
    let dir = tempfile::tempdir().unwrap();
    let mut attrs: Vec<String> = Vec::new();
    for d in docs {
        for (k, v) in d {
            if v.is_string() && !attrs.contains(k) {
                attrs.push(k.clone());
            }
        }
    }
    let mut sb = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("jieba")
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields: Vec<_> = attrs
        .iter()
        .map(|a| (a.clone(), sb.add_text_field(a, text.clone())))
        .collect();
    let source = sb.add_text_field("_source", STORED);
    let index = tantivy::Index::create_in_dir(dir.path(), sb.build()).unwrap();
    index.tokenizers().register(
        "jieba",
        tantivy::tokenizer::TextAnalyzer::builder(tantivy_jieba::JiebaTokenizer::new()).build(),
    );
    let started = Instant::now();
    let mut w: tantivy::IndexWriter = index.writer_with_num_threads(2, 60_000_000).unwrap();
    for d in docs {
        let mut doc = tantivy::TantivyDocument::default();
        for (a, f) in &fields {
            if let Some(v) = d.get(a).and_then(|v| v.as_str()) {
                doc.add_text(*f, v);
            }
        }
        doc.add_text(source, serde_json::to_string(d).unwrap());
        w.add_document(doc).unwrap();
    }
    w.commit().unwrap();
    // As the engine's rebuild: done at the commit; merges finish in the background.
    let secs = started.elapsed().as_secs_f64();
    w.wait_merging_threads().unwrap();
    secs
}

async fn run(
    name: &str,
    backend: &dyn Backend,
    state: &civicbridge::web::AppState,
    queries: &[String],
    rounds: usize,
) {
    let mut total = 0u64;
    let started = Instant::now();
    for kind in Kind::ALL {
        let t = Instant::now();
        let n = search::reindex(&state.db, backend, kind, state.clock.now(), 5000, |_| {})
            .await
            .expect("reindex");
        let secs = t.elapsed().as_secs_f64();
        println!(
            "{name:<12} reindex {:<14} {n:>7} records in {secs:>6.2} s = {:>8.0} docs/s",
            kind.uid(),
            n as f64 / secs
        );
        total += n;
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{name:<12} full reindex   {total:>7} records in {secs:>6.2} s = {:>8.0} docs/s",
        total as f64 / secs
    );
    if name == "embedded" {
        let docs = all_documents(state).await;
        let raw = tokio::task::block_in_place(|| raw_tantivy(&docs));
        println!(
            "{name:<12} raw tantivy    {:>7} documents in {raw:>6.2} s: the reindex takes {:.2}× \
             (target ≤ 3×)",
            docs.len(),
            secs / raw
        );
    }
    measure(name, backend, queries, rounds, &[false, true]).await;
}

fn main() {
    let orgs = env_usize("ORGS", 100_000) as u64;
    let tenders = env_usize("TENDERS", 50_000);
    let rounds = env_usize("ROUNDS", 20);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let config = Config {
            data_dir: dir.path().to_path_buf(),
            ..Config::default()
        };
        let state = civicbridge::app::init(config, Clock::System).await.unwrap();
        let t = Instant::now();
        civicbridge::app::seed::run(&state.db, &state.clock, orgs, 2026, false)
            .await
            .unwrap();
        let n = insert_tenders(&state.db, tenders, state.clock.now()).await;
        println!(
            "data: {orgs} organizations and {n} tenders in {:.1} s",
            t.elapsed().as_secs_f64()
        );
        // A real USCC from the data stands for the "USCC" query.
        let uscc: String = civicbridge::orgs::model::organization::Entity::find_by_id(4242)
            .one(&state.db)
            .await
            .unwrap()
            .map(|o| o.uscc)
            .unwrap_or_default();
        let queries: Vec<String> = QUERIES
            .iter()
            .map(|q| {
                if *q == "USCC" {
                    uscc.clone()
                } else {
                    q.to_string()
                }
            })
            .collect();
        run(
            "embedded",
            state.search.backend().as_ref(),
            &state,
            &queries,
            rounds,
        )
        .await;
        // The same index read by a second engine that leaves query words unexpanded.
        let plain =
            civicbridge::search::embedded::Embedded::open_with(&dir.path().join("search"), false)
                .expect("second reader");
        measure("no thesaurus", &plain, &queries, rounds, &[true]).await;
        if let Ok(url) = std::env::var("MEILISEARCH_URL") {
            let meili = civicbridge::search::meili::Meili::new(
                &url,
                std::env::var("MEILISEARCH_API_KEY").ok().as_deref(),
                "cbbench_",
            )
            .unwrap();
            run("meilisearch", &meili, &state, &queries, rounds).await;
        } else {
            println!("MEILISEARCH_URL not set: Meilisearch not measured");
        }
    });
}
