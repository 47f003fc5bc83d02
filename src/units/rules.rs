//! Pure purchasing-unit rules.

use crate::kernel::Lang;
use crate::kernel::error::FieldErrors;
use crate::regions::{Level, regions};

/// What an administrator typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct UnitForm {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// League/city.
    #[serde(default)]
    pub u_league: String,
    /// Banner/county.
    #[serde(default)]
    pub u_county: String,
    /// Township.
    #[serde(default)]
    pub u_township: String,
}

/// A valid unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitDraft {
    /// Name.
    pub name: String,
    /// Level, from the division.
    pub level: Level,
    /// Division.
    pub division_code: String,
    /// League/city containing it.
    pub league_code: Option<String>,
    /// Banner/county containing it.
    pub county_code: Option<String>,
}

/// Builds a draft for a division (no league chosen means the region level).
pub fn draft(name: &str, division_code: &str) -> Option<UnitDraft> {
    let r = regions();
    let d = r.get(division_code)?;
    Some(UnitDraft {
        name: name.trim().to_string(),
        level: d.level,
        division_code: d.code.clone(),
        league_code: r.league_of(division_code).map(|x| x.code.clone()),
        county_code: r.county_of(division_code).map(|x| x.code.clone()),
    })
}

/// Validates the form: a name of 2–100 characters and a consistent division choice.
pub fn validate_unit(f: &UnitForm, lang: Lang) -> Result<UnitDraft, FieldErrors> {
    let mut e = FieldErrors::default();
    let name = f.name.trim();
    if name.chars().count() < 2 || name.chars().count() > 100 {
        e.add("name", lang.t("unit.err.name"));
    }
    let r = regions();
    let (l, c, t) = (f.u_league.trim(), f.u_county.trim(), f.u_township.trim());
    let consistent = (c.is_empty() || r.league_of(c).is_some_and(|d| d.code == l))
        && (t.is_empty() || r.county_of(t).is_some_and(|d| d.code == c));
    let code = [t, c, l]
        .into_iter()
        .find(|s| !s.is_empty())
        .unwrap_or(crate::regions::REGION_CODE);
    if !consistent || r.get(code).is_none() {
        e.add("u_county", lang.t("org.err.division_mismatch"));
    }
    if !e.is_empty() {
        return Err(e);
    }
    draft(name, code).ok_or_else(|| {
        let mut e = FieldErrors::default();
        e.add("u_league", lang.t("org.err.division"));
        e
    })
}

/// What an administrator typed to add a buyer.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct BuyerForm {
    /// The user's e-mail.
    #[serde(default)]
    pub email: String,
    /// Why (kept in the audit log and sent to the unit's buyers).
    #[serde(default)]
    pub reason: String,
}

/// The reason typed to remove a buyer.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct RemoveBuyerForm {
    /// Why.
    #[serde(default)]
    pub reason: String,
}

/// Validates the buyer form: an e-mail (normalized) and a reason (trimmed).
pub fn validate_buyer(f: &BuyerForm, lang: Lang) -> Result<(String, String), FieldErrors> {
    let mut e = FieldErrors::default();
    let email = crate::accounts::normalize_email(&f.email);
    if email.is_empty() {
        e.add("email", lang.t("form.required"));
    }
    let reason = crate::accounts::validate_reason(&f.reason, lang).unwrap_or_else(|m| {
        e.add("reason", m);
        String::new()
    });
    e.into_result((email, reason))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(name: &str, l: &str, c: &str, t: &str) -> UnitForm {
        UnitForm {
            name: name.into(),
            u_league: l.into(),
            u_county: c.into(),
            u_township: t.into(),
        }
    }

    #[test]
    fn level_follows_the_division() {
        assert_eq!(
            validate_unit(&f("自治区民政厅", "", "", ""), Lang::Zh)
                .unwrap()
                .level,
            Level::Region
        );
        assert_eq!(
            validate_unit(&f("呼和浩特市民政局", "150100", "", ""), Lang::Zh)
                .unwrap()
                .level,
            Level::LeagueCity
        );
        let d = validate_unit(&f("新城区民政局", "150100", "150102", ""), Lang::Zh).unwrap();
        assert_eq!(
            (d.level, d.league_code.as_deref()),
            (Level::BannerCounty, Some("150100"))
        );
        let d = validate_unit(
            &f("海拉尔东路街道办事处", "150100", "150102", "150102001"),
            Lang::Zh,
        )
        .unwrap();
        assert_eq!(
            (d.level, d.county_code.as_deref()),
            (Level::Township, Some("150102"))
        );
    }

    #[test]
    fn bad_input_names_the_field() {
        assert!(
            validate_unit(&f("x", "", "", ""), Lang::Zh)
                .unwrap_err()
                .get("name")
                .is_some()
        );
        assert!(
            validate_unit(&f("包头某局", "150100", "150202", ""), Lang::Zh)
                .unwrap_err()
                .get("u_county")
                .is_some()
        );
        assert!(
            validate_unit(&f("某局", "999999", "", ""), Lang::Zh)
                .unwrap_err()
                .get("u_county")
                .is_some()
        );
    }

    #[test]
    fn the_buyer_form_needs_an_email_and_a_reason() {
        let f = |email: &str, reason: &str| BuyerForm {
            email: email.into(),
            reason: reason.into(),
        };
        assert_eq!(
            validate_buyer(&f(" Buyer@Example.org", " 新任采购专员 "), Lang::Zh),
            Ok(("buyer@example.org".into(), "新任采购专员".into()))
        );
        let e = validate_buyer(&f("", "ab"), Lang::En).unwrap_err();
        assert!(e.get("email").is_some() && e.get("reason").is_some());
    }
}
