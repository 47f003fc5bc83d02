//! Parsing and lookups over the division table. Pure: no I/O beyond the embedded file.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::kernel::Lang;
use crate::kernel::codes::code_enum;

const CSV: &str = include_str!("regions-nmg.csv");

code_enum! {
    /// Level of a division in Inner Mongolia's hierarchy.
    #[serde(rename_all = "snake_case")]
    Level => "level" {
        /// 自治区
        Region = "region",
        /// 盟/市
        LeagueCity = "league_city",
        /// 旗/县/区
        BannerCounty = "banner_county",
        /// 苏木/乡镇/街道
        Township = "township",
    }
}

/// One division.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Division {
    /// GB/T 2260 code: 6 digits, 9 for townships.
    pub code: String,
    /// Chinese name.
    pub name: String,
    /// Its level.
    pub level: Level,
    /// Parent code, absent for the region.
    pub parent: Option<String>,
}

/// The division table with indexes by code and by parent.
pub struct Regions {
    list: Vec<Division>,
    by_code: HashMap<String, usize>,
    children: HashMap<String, Vec<usize>>,
}

/// English names of the region and its leagues/cities (the lower levels keep Chinese names
/// in both locales: they are proper names without a settled English form).
const EN_NAMES: &[(&str, &str)] = &[
    ("150000", "Inner Mongolia"),
    ("150100", "Hohhot"),
    ("150200", "Baotou"),
    ("150300", "Wuhai"),
    ("150400", "Chifeng"),
    ("150500", "Tongliao"),
    ("150600", "Ordos"),
    ("150700", "Hulunbuir"),
    ("150800", "Bayannur"),
    ("150900", "Ulanqab"),
    ("152200", "Hinggan League"),
    ("152500", "Xilingol League"),
    ("152900", "Alxa League"),
];

/// Provincial-level divisions of China (first two digits of a GB/T 2260 code), for
/// organizations registered outside Inner Mongolia.
pub const PROVINCES: &[(&str, &str, &str)] = &[
    ("11", "北京市", "Beijing"),
    ("12", "天津市", "Tianjin"),
    ("13", "河北省", "Hebei"),
    ("14", "山西省", "Shanxi"),
    ("15", "内蒙古自治区", "Inner Mongolia"),
    ("21", "辽宁省", "Liaoning"),
    ("22", "吉林省", "Jilin"),
    ("23", "黑龙江省", "Heilongjiang"),
    ("31", "上海市", "Shanghai"),
    ("32", "江苏省", "Jiangsu"),
    ("33", "浙江省", "Zhejiang"),
    ("34", "安徽省", "Anhui"),
    ("35", "福建省", "Fujian"),
    ("36", "江西省", "Jiangxi"),
    ("37", "山东省", "Shandong"),
    ("41", "河南省", "Henan"),
    ("42", "湖北省", "Hubei"),
    ("43", "湖南省", "Hunan"),
    ("44", "广东省", "Guangdong"),
    ("45", "广西壮族自治区", "Guangxi"),
    ("46", "海南省", "Hainan"),
    ("50", "重庆市", "Chongqing"),
    ("51", "四川省", "Sichuan"),
    ("52", "贵州省", "Guizhou"),
    ("53", "云南省", "Yunnan"),
    ("54", "西藏自治区", "Tibet"),
    ("61", "陕西省", "Shaanxi"),
    ("62", "甘肃省", "Gansu"),
    ("63", "青海省", "Qinghai"),
    ("64", "宁夏回族自治区", "Ningxia"),
    ("65", "新疆维吾尔自治区", "Xinjiang"),
    ("71", "台湾省", "Taiwan"),
    ("81", "香港特别行政区", "Hong Kong"),
    ("82", "澳门特别行政区", "Macao"),
];

/// The code of Inner Mongolia's provincial level.
pub const REGION_CODE: &str = "150000";

static REGIONS: LazyLock<Regions> = LazyLock::new(|| Regions::parse(CSV));

/// The embedded division table.
pub fn regions() -> &'static Regions {
    &REGIONS
}

impl Regions {
    fn parse(csv: &str) -> Regions {
        let mut list = Vec::new();
        for line in csv.lines().skip(1).filter(|l| !l.trim().is_empty()) {
            let mut f = line.split(',');
            let (Some(code), Some(name), Some(level), parent) =
                (f.next(), f.next(), f.next(), f.next())
            else {
                continue;
            };
            let Some(level) = Level::parse(level.trim()) else {
                continue;
            };
            list.push(Division {
                code: code.trim().to_string(),
                name: name.trim().to_string(),
                level,
                parent: parent
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(str::to_string),
            });
        }
        let by_code = list
            .iter()
            .enumerate()
            .map(|(i, d)| (d.code.clone(), i))
            .collect();
        let mut children: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, d) in list.iter().enumerate() {
            if let Some(p) = &d.parent {
                children.entry(p.clone()).or_default().push(i);
            }
        }
        Regions {
            list,
            by_code,
            children,
        }
    }

    /// Looks a division up by code.
    pub fn get(&self, code: &str) -> Option<&Division> {
        self.by_code.get(code).map(|&i| &self.list[i])
    }

    /// Direct children of a division, in table order.
    pub fn children(&self, code: &str) -> impl Iterator<Item = &Division> {
        self.children
            .get(code)
            .into_iter()
            .flatten()
            .map(|&i| &self.list[i])
    }

    /// The 12 leagues/cities.
    pub fn leagues(&self) -> impl Iterator<Item = &Division> {
        self.children(REGION_CODE)
    }

    /// All divisions of one level.
    pub fn of_level(&self, level: Level) -> impl Iterator<Item = &Division> {
        self.list.iter().filter(move |d| d.level == level)
    }

    /// Number of divisions of a level.
    pub fn count(&self, level: Level) -> usize {
        self.of_level(level).count()
    }

    /// The league/city a division lies in (itself for a league), if it is in Inner Mongolia
    /// below the region level.
    pub fn league_of(&self, code: &str) -> Option<&Division> {
        self.ancestor_at(code, Level::LeagueCity)
    }

    /// The banner/county a division lies in (itself for a banner), if any.
    pub fn county_of(&self, code: &str) -> Option<&Division> {
        self.ancestor_at(code, Level::BannerCounty)
    }

    fn ancestor_at(&self, code: &str, level: Level) -> Option<&Division> {
        let mut d = self.get(code)?;
        loop {
            if d.level == level {
                return Some(d);
            }
            d = self.get(d.parent.as_deref()?)?;
        }
    }

    /// Whether a 6-digit code is a known division code as printed in a unified social credit
    /// code: any Inner Mongolia division above township level, or elsewhere a known
    /// province prefix (finer validation outside the region needs the national table, which
    /// this project does not ship).
    pub fn is_known_registration_division(&self, code: &str) -> bool {
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
        if code.starts_with("15") {
            return self.get(code).is_some_and(|d| d.level != Level::Township);
        }
        province(&code[..2]).is_some()
    }

    /// Display name in a locale: leagues/cities and the region have English names; lower
    /// levels keep Chinese.
    pub fn name(&self, code: &str, lang: Lang) -> String {
        if lang == Lang::En
            && let Some((_, en)) = EN_NAMES.iter().find(|(c, _)| *c == code)
        {
            return (*en).to_string();
        }
        if let Some(d) = self.get(code) {
            return d.name.clone();
        }
        if code.len() >= 2
            && let Some((_, zh, en)) = province(&code[..2])
        {
            return if lang == Lang::En {
                en.to_string()
            } else {
                zh.to_string()
            };
        }
        code.to_string()
    }

    /// The full path of a division below the region, e.g. "呼和浩特市 · 新城区 · 海拉尔东路街道".
    pub fn path(&self, code: &str, lang: Lang) -> String {
        let mut parts = Vec::new();
        let mut cur = self.get(code);
        while let Some(d) = cur {
            if d.level == Level::Region {
                break;
            }
            parts.push(self.name(&d.code, lang));
            cur = d.parent.as_deref().and_then(|p| self.get(p));
        }
        if parts.is_empty() {
            return self.name(code, lang);
        }
        parts.reverse();
        parts.join(" · ")
    }
}

/// A province by its two-digit prefix: (prefix, Chinese name, English name).
pub fn province(prefix: &str) -> Option<(&'static str, &'static str, &'static str)> {
    PROVINCES.iter().copied().find(|(p, _, _)| *p == prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_the_documented_counts() {
        let r = regions();
        assert_eq!(r.count(Level::Region), 1);
        assert_eq!(r.count(Level::LeagueCity), 12);
        assert_eq!(
            r.count(Level::BannerCounty),
            108,
            "banners/counties incl. development zones"
        );
        assert_eq!(r.count(Level::Township), 1225);
        assert_eq!(r.leagues().count(), 12);
    }

    #[test]
    fn every_parent_exists() {
        let r = regions();
        for d in r
            .of_level(Level::Township)
            .chain(r.of_level(Level::BannerCounty))
        {
            assert!(r.get(d.parent.as_deref().unwrap()).is_some(), "{}", d.code);
        }
    }

    #[test]
    fn ancestors() {
        let r = regions();
        assert_eq!(r.league_of("150102001").unwrap().code, "150100");
        assert_eq!(r.county_of("150102001").unwrap().code, "150102");
        assert_eq!(r.league_of("150100").unwrap().code, "150100");
        assert!(r.county_of("150100").is_none());
        assert!(r.league_of("150000").is_none());
        assert!(r.league_of("110101").is_none());
    }

    #[test]
    fn registration_divisions() {
        let r = regions();
        assert!(r.is_known_registration_division("150000"));
        assert!(r.is_known_registration_division("150102"));
        assert!(r.is_known_registration_division("152900"));
        assert!(!r.is_known_registration_division("150199"));
        assert!(!r.is_known_registration_division("15010"));
        assert!(!r.is_known_registration_division("15010a"));
        assert!(r.is_known_registration_division("110105"), "Beijing prefix");
        assert!(!r.is_known_registration_division("990000"));
    }

    #[test]
    fn names_and_paths() {
        let r = regions();
        assert_eq!(r.name("150100", Lang::En), "Hohhot");
        assert_eq!(r.name("150100", Lang::Zh), "呼和浩特市");
        assert_eq!(r.name("110000", Lang::En), "Beijing");
        assert_eq!(
            r.path("150102001", Lang::Zh),
            "呼和浩特市 · 新城区 · 海拉尔东路街道"
        );
        assert_eq!(r.path("150000", Lang::Zh), "内蒙古自治区");
    }
}
