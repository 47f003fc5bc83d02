//! Deterministic demo-data generation: realistic organization names, valid USCCs, ratings
//! and credit states. Pure: the same seed and index always give the same organization.

use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use time::{Date, Month};

use crate::orgs::{
    AuthorityLevel, CreditStatus, DOMAINS, OrgDraft, OrgKind, USCC_ALPHABET, division_parts,
    make_uscc,
};
use crate::regions::{Level, regions};

/// One generated organization: the profile plus regulator-kept fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoOrg {
    /// The profile.
    pub draft: OrgDraft,
    /// Rating grade and valid-until date.
    pub rating: Option<(i16, Date)>,
    /// Credit status.
    pub credit: CreditStatus,
    /// The place the name starts with (a division's own name may repeat a word, as in
    /// 满族屯满族乡; the words the generator joins after it may not).
    pub place: String,
}

const QUALIFIERS: &[&str] = &[
    "阳光",
    "春晖",
    "爱心",
    "草原",
    "北疆",
    "同心",
    "乐龄",
    "益民",
    "馨悦",
    "启航",
    "彩虹",
    "暖阳",
    "安康",
    "和美",
    "银龄",
    "绿野",
    "青禾",
    "守望",
    "明德",
    "惠民",
    "星火",
    "向日葵",
    "蒲公英",
    "牧歌",
    "敕勒川",
    "大青山",
    "黄河",
    "苍穹",
    "红柳",
    "胡杨",
];

/// Words that make a name sound like its domain.
fn domain_words(domain: &str) -> &'static [&'static str] {
    match domain {
        "elderly" => &["养老服务", "居家养老", "老年关怀", "为老服务", "助老"],
        "children_youth" => &[
            "青少年发展",
            "儿童关爱",
            "青少年服务",
            "未成年人保护",
            "留守儿童关爱",
        ],
        "disability" => &["助残", "残疾人康复", "残障融合", "特殊儿童康复"],
        "social_assistance" => &["社会救助", "困难群众帮扶", "慈善救助", "应急救援"],
        "community" => &["社区发展", "社区治理", "邻里互助", "社区服务"],
        "rural" => &["乡村振兴", "农牧民合作", "牧区发展", "乡村建设"],
        "education" => &["教育发展", "职业培训", "家庭教育", "科普教育"],
        "health" => &["健康促进", "医疗救助", "卫生健康", "蒙医药发展"],
        "mental_health" => &["心理健康", "心理咨询", "心理援助"],
        "culture_sports" => &[
            "文化交流",
            "民族文化传承",
            "全民健身",
            "马术运动",
            "长调艺术",
        ],
        "environment" => &["生态保护", "草原生态", "环境保护", "沙漠治理"],
        "legal" => &["法律援助", "人民调解", "法治宣传"],
        "employment" => &["就业创业", "创业孵化", "技能就业"],
        "volunteer" => &["志愿服务", "青年志愿者", "公益服务"],
        "industry" => &["行业发展", "商会服务", "物流行业", "乳业行业"],
        _ => &["民族团结进步", "民族团结", "石榴籽"],
    }
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "高", "郭", "马", "孙", "乌", "包",
    "白", "云", "宝", "韩",
];
const GIVEN: &[&str] = &[
    "芳",
    "伟",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
    "平",
    "斯琴",
    "乌兰",
    "其其格",
    "巴图",
    "那仁",
    "苏和",
    "额尔敦",
    "萨仁",
    "阿拉坦",
    "图雅",
];

/// Telephone area codes of the leagues/cities.
fn area_code(league: &str) -> &'static str {
    match league {
        "150100" => "0471",
        "150200" => "0472",
        "150300" => "0473",
        "150400" => "0476",
        "150500" => "0475",
        "150600" => "0477",
        "150700" => "0470",
        "150800" => "0478",
        "150900" => "0474",
        "152200" => "0482",
        "152500" => "0479",
        _ => "0483",
    }
}

/// Encodes a number in the USCC alphabet, zero-padded to `width`.
fn base31(mut n: u64, width: usize) -> String {
    let alphabet: Vec<char> = USCC_ALPHABET.chars().collect();
    let mut out = vec!['0'; width];
    for slot in out.iter_mut().rev() {
        *slot = alphabet[(n % 31) as usize];
        n /= 31;
    }
    out.into_iter().collect()
}

fn strip_suffix(name: &str) -> &str {
    // "海拉尔东路街道" reads better as a place prefix without repeating "街道办事处"-style tails.
    name.strip_suffix("街道办事处").unwrap_or(name)
}

/// A domain word and a name's ending without a doubled word: the ending's head folds into
/// the word's tail where they overlap ("养老服务" + "服务中心" = "养老服务中心"); an ending
/// that repeats another word of it ("志愿服务" + "志愿者协会") gives way to `plain`. The
/// random draws stay as they were, so every other generated name is unchanged.
fn join_words(word: &str, ending: &str, plain: &str) -> String {
    let w: Vec<char> = word.chars().collect();
    let e: Vec<char> = ending.chars().collect();
    let overlap = (1..=w.len().min(e.len()))
        .rev()
        .find(|&n| w[w.len() - n..] == e[..n])
        .unwrap_or(0);
    // Folding one character would join words by accident ("社区发展" + "展…"): only a
    // whole word of two characters or more counts.
    let tail: String = if overlap >= 2 {
        e[overlap..].iter().collect()
    } else {
        ending.to_string()
    };
    let joined = format!("{word}{tail}");
    if has_doubled_word(&joined) {
        format!("{word}{plain}")
    } else {
        joined
    }
}

/// Whether some two-character word appears twice, not overlapping ("服务服务", "志愿服务志愿者").
pub fn has_doubled_word(name: &str) -> bool {
    let c: Vec<char> = name.chars().collect();
    (0..c.len().saturating_sub(1))
        .any(|i| (i + 2..c.len().saturating_sub(1)).any(|j| c[i..i + 2] == c[j..j + 2]))
}

/// Generates organization number `index` for a data-set `seed`.
pub fn demo_org(seed: u64, index: u64, today: Date) -> DemoOrg {
    let mut rng = ChaCha8Rng::seed_from_u64(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ index);
    let r = regions();
    let counties: Vec<_> = r.of_level(Level::BannerCounty).collect();
    let county = counties[rng.random_range(0..counties.len())];
    let league = r
        .league_of(&county.code)
        .map(|d| d.code.clone())
        .unwrap_or_default();
    let townships: Vec<_> = r.children(&county.code).collect();
    let kind = match rng.random_range(0..100) {
        0..40 => OrgKind::SocialGroup,
        40..80 => OrgKind::SocialServiceAgency,
        80..88 => OrgKind::Foundation,
        88..96 => OrgKind::Enterprise,
        _ => OrgKind::PublicInstitution,
    };
    // Where the organization is registered: foundations mostly at region level, community
    // organizations at banner/county level and often tied to a township/street.
    let authority = match (kind, rng.random_range(0..10)) {
        (OrgKind::Foundation, 0..7) => AuthorityLevel::Region,
        (_, 0..1) => AuthorityLevel::Region,
        (_, 1..4) => AuthorityLevel::LeagueCity,
        _ => AuthorityLevel::BannerCounty,
    };
    let township = (authority == AuthorityLevel::BannerCounty
        && !townships.is_empty()
        && rng.random_bool(0.5))
    .then(|| townships[rng.random_range(0..townships.len())]);
    let (division_code, registration_division) = match authority {
        AuthorityLevel::Region => (county.code.clone(), "150000".to_string()),
        AuthorityLevel::LeagueCity => (county.code.clone(), league.clone()),
        AuthorityLevel::BannerCounty => (
            township
                .map(|t| t.code.clone())
                .unwrap_or_else(|| county.code.clone()),
            county.code.clone(),
        ),
    };
    let n_domains = 1 + usize::from(rng.random_bool(0.5)) + usize::from(rng.random_bool(0.2));
    let mut domains: Vec<String> = Vec::new();
    while domains.len() < n_domains {
        let d = DOMAINS[rng.random_range(0..DOMAINS.len())].0.to_string();
        if !domains.contains(&d) {
            domains.push(d);
        }
    }
    let word = domain_words(&domains[0])
        .choose(&mut rng)
        .copied()
        .unwrap_or("公益");
    let qualifier = QUALIFIERS.choose(&mut rng).copied().unwrap_or("阳光");
    // A qualifier that repeats the word ("草原" before "草原生态") is left out.
    let qualifier = if has_doubled_word(&format!("{qualifier}{word}")) {
        ""
    } else {
        qualifier
    };
    let place = match (authority, township) {
        (AuthorityLevel::Region, _) => "内蒙古".to_string(),
        (AuthorityLevel::LeagueCity, _) => r.name(&league, crate::kernel::Lang::Zh),
        (_, Some(t)) => format!("{}{}", county.name, strip_suffix(&t.name)),
        _ => county.name.clone(),
    };
    let name = match kind {
        OrgKind::SocialGroup => {
            let suffix = ["协会", "促进会", "联合会", "研究会", "志愿者协会"]
                .choose(&mut rng)
                .copied()
                .unwrap_or("协会");
            format!("{place}{}", join_words(word, suffix, "协会"))
        }
        OrgKind::SocialServiceAgency => {
            let suffix = ["服务中心", "社会工作服务中心", "发展中心", "服务社"]
                .choose(&mut rng)
                .copied()
                .unwrap_or("服务中心");
            format!("{place}{qualifier}{}", join_words(word, suffix, "中心"))
        }
        OrgKind::Foundation => format!("{place}{qualifier}{word}基金会"),
        OrgKind::Enterprise => format!(
            "{place}{qualifier}{}",
            join_words(word, "服务有限公司", "有限公司")
        ),
        OrgKind::PublicInstitution => format!("{place}{}", join_words(word, "服务站", "站")),
    };
    let (dept, type_char, entity) = match kind.civil_affairs_type_char() {
        Some(t) => ('5', t, format!("MJ{}", base31(index, 7))),
        None if kind == OrgKind::Enterprise => ('9', '1', format!("MA{}", base31(index, 7))),
        None => ('1', '2', format!("4{}", base31(index, 8))),
    };
    let uscc = make_uscc(dept, type_char, &registration_division, &entity).unwrap_or_default();
    let year = rng.random_range(1995..=today.year() - 1);
    let registration_date = Date::from_calendar_date(
        year,
        Month::try_from(rng.random_range(1..=12u8)).unwrap_or(Month::January),
        rng.random_range(1..=28),
    )
    .unwrap_or(today);
    let surname = SURNAMES.choose(&mut rng).copied().unwrap_or("王");
    let given = GIVEN.choose(&mut rng).copied().unwrap_or("芳");
    let staff_count = match rng.random_range(0..10) {
        0..6 => rng.random_range(1..15),
        6..9 => rng.random_range(15..60),
        _ => rng.random_range(60..400),
    };
    let intro = format!(
        "{name}扎根{area}，主要开展{topics}等服务，现有专职人员{staff_count}名，{year}年登记成立。",
        area = r
            .path(&division_code, crate::kernel::Lang::Zh)
            .replace(" · ", ""),
        topics = domains
            .iter()
            .map(|d| crate::orgs::domain_label(d, crate::kernel::Lang::Zh))
            .collect::<Vec<_>>()
            .join("、"),
    );
    let (league_code, county_code) = division_parts(&division_code);
    let draft = OrgDraft {
        name,
        uscc,
        kind,
        registration_date,
        authority_level: authority,
        division_code,
        league_code,
        county_code,
        domains,
        staff_count,
        contact_name: format!("{surname}{given}"),
        contact_phone: format!(
            "{}-{}",
            area_code(&league),
            rng.random_range(2_000_000..9_999_999)
        ),
        contact_email: if rng.random_bool(0.6) {
            format!("contact{index}@example.org")
        } else {
            String::new()
        },
        intro,
    };
    let rating =
        (kind.is_social_org() && rng.random_bool(0.35) && year < today.year() - 2).then(|| {
            let grade = match rng.random_range(0..100) {
                0..5 => 1,
                5..20 => 2,
                20..65 => 3,
                65..90 => 4,
                _ => 5,
            };
            let rated = today.year() - rng.random_range(0..8);
            let until = Date::from_calendar_date(rated + 5, Month::December, 31).unwrap_or(today);
            (grade, until)
        });
    let credit = match rng.random_range(0..1000) {
        0..30 => CreditStatus::Abnormal,
        30..35 => CreditStatus::Dishonest,
        _ => CreditStatus::Normal,
    };
    DemoOrg {
        place,
        draft,
        rating,
        credit,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::orgs::validate_uscc;
    use std::collections::HashSet;
    use time::macros::date;

    #[test]
    fn deterministic() {
        let t = date!(2026 - 11 - 27);
        assert_eq!(demo_org(7, 42, t), demo_org(7, 42, t));
        assert_ne!(demo_org(7, 42, t), demo_org(7, 43, t));
        assert_ne!(demo_org(7, 42, t), demo_org(8, 42, t));
    }

    #[test]
    fn generated_codes_are_valid_and_unique() {
        let t = date!(2026 - 11 - 27);
        let mut seen = HashSet::new();
        for i in 0..3000 {
            let o = demo_org(2026, i, t);
            assert_eq!(
                validate_uscc(&o.draft.uscc, Some(o.draft.kind)),
                Ok(()),
                "{i}: {}",
                o.draft.uscc
            );
            assert!(
                seen.insert(o.draft.uscc.clone()),
                "duplicate {}",
                o.draft.uscc
            );
            assert!(o.draft.league_code.is_some());
            assert!(!o.draft.domains.is_empty());
            assert!(o.draft.registration_date < t);
            assert!(o.draft.name.chars().count() >= 6, "{}", o.draft.name);
            if o.rating.is_some() {
                assert!(o.draft.kind.is_social_org());
            }
        }
    }

    #[test]
    fn names_fold_overlaps_and_avoid_doubled_words() {
        assert_eq!(join_words("养老服务", "服务中心", "中心"), "养老服务中心");
        assert_eq!(join_words("社区发展", "发展中心", "中心"), "社区发展中心");
        assert_eq!(join_words("志愿服务", "志愿者协会", "协会"), "志愿服务协会");
        assert_eq!(join_words("公益服务", "服务站", "站"), "公益服务站");
        assert_eq!(join_words("助老", "服务中心", "中心"), "助老服务中心");
        assert_eq!(join_words("心理健康", "研究会", "协会"), "心理健康研究会");
        assert!(has_doubled_word("养老服务服务中心"));
        assert!(has_doubled_word("志愿服务志愿者协会"));
        assert!(!has_doubled_word("养老服务中心"));
        assert!(!has_doubled_word("呼和浩特市"));
    }

    #[test]
    fn generated_names_hold_no_doubled_word() {
        let today = date!(2026 - 06 - 01);
        for i in 0..5000 {
            let o = demo_org(2026, i, today);
            let n = &o.draft.name;
            let joined = n
                .strip_prefix(o.place.as_str())
                .expect("the name starts with its place");
            assert!(!has_doubled_word(joined), "doubled word in {n}");
        }
    }

    #[test]
    fn base31_pads_and_encodes() {
        assert_eq!(base31(0, 3), "000");
        assert_eq!(base31(30, 2), "0Y");
        assert_eq!(base31(31, 2), "10");
    }
}
