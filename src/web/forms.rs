//! Form building blocks: a field shows its label, the value the user typed, a hint and its
//! error message; the division picker cascades league/city → banner/county → township.

use maud::{Markup, html};

use crate::kernel::Lang;
use crate::kernel::error::FieldErrors;
use crate::regions::{Level, regions};

/// The hidden CSRF field every form carries.
pub fn csrf_field(token: &str) -> Markup {
    html! { input type="hidden" name=(super::csrf::FIELD) value=(token); }
}

/// The id of the error summary a form with errors shows (one form with errors per page).
pub const ERROR_SUMMARY_ID: &str = "error-summary";

/// Summary box at the top of a form with errors: every message links to its field by the
/// field's id (`#name`, as the helpers below give every control). The box is an alert and
/// takes the focus when the page loads (`autofocus` on an element made focusable by
/// `tabindex="-1"`: no script needed), so the browser scrolls it into view however far down
/// a long page the form sits; `static/js/app.js` repeats that for browsers that ignore
/// `autofocus` on a `div`.
pub fn error_summary(errors: &FieldErrors, lang: Lang) -> Markup {
    html! {
        @if !errors.is_empty() {
            div.form-errors.error-summary id=(ERROR_SUMMARY_ID) role="alert" tabindex="-1" autofocus
                aria-labelledby=(format!("{ERROR_SUMMARY_ID}-title")) data-error-summary {
                p id=(format!("{ERROR_SUMMARY_ID}-title")) { (lang.t("form.fix_errors")) }
                ul { @for (field, m) in &errors.0 { li { a href=(format!("#{field}")) { (m) } } } }
            }
        }
    }
}

fn wrap(
    name: &str,
    label: &str,
    hint: Option<&str>,
    errors: &FieldErrors,
    control: Markup,
) -> Markup {
    let err = errors.get(name);
    html! {
        div.field.has-error[err.is_some()] {
            label for=(name) { (label) }
            (control)
            @if let Some(h) = hint { p.hint { (h) } }
            @if let Some(e) = err { p.error-msg id=(format!("{name}-error")) { (e) } }
        }
    }
}

/// A text-like input (`kind` = text, email, password, date, number, tel).
pub fn input(
    kind: &str,
    name: &str,
    label: &str,
    value: &str,
    hint: Option<&str>,
    errors: &FieldErrors,
    required: bool,
) -> Markup {
    let invalid = errors.get(name).is_some();
    let control = html! {
        input type=(kind) id=(name) name=(name)
            value=[(kind != "password").then_some(value)]
            required[required]
            aria-invalid=[invalid.then_some("true")]
            aria-describedby=[invalid.then(|| format!("{name}-error"))];
    };
    wrap(name, label, hint, errors, control)
}

/// A multi-line text input.
pub fn textarea(
    name: &str,
    label: &str,
    value: &str,
    hint: Option<&str>,
    errors: &FieldErrors,
) -> Markup {
    let control = html! { textarea id=(name) name=(name) rows="6" { (value) } };
    wrap(name, label, hint, errors, control)
}

/// A select from `(value, label)` options, with an optional empty first choice.
pub fn select(
    name: &str,
    label: &str,
    options: &[(String, String)],
    selected: &str,
    empty: Option<&str>,
    errors: &FieldErrors,
) -> Markup {
    let control = html! {
        select id=(name) name=(name) {
            @if let Some(e) = empty { option value="" { (e) } }
            @for (v, l) in options { option value=(v) selected[v == selected] { (l) } }
        }
    };
    wrap(name, label, None, errors, control)
}

/// Checkboxes for a multi-choice field.
pub fn checks(
    name: &str,
    label: &str,
    options: &[(String, String)],
    selected: &[String],
    errors: &FieldErrors,
) -> Markup {
    let err = errors.get(name);
    html! {
        fieldset.field.has-error[err.is_some()] id=(name) {
            legend { (label) }
            div.checks {
                @for (v, l) in options {
                    label.check { input type="checkbox" name=(name) value=(v) checked[selected.contains(v)]; " " (l) }
                }
            }
            @if let Some(e) = err { p.error-msg { (e) } }
        }
    }
}

/// The three cascading division selects. `prefix` names the fields `{prefix}league`,
/// `{prefix}county`, `{prefix}township`. Without JavaScript every option is present,
/// grouped by parent; `static/js/app.js` hides the groups that do not fit the parent.
pub fn division_picker(
    prefix: &str,
    lang: Lang,
    league: &str,
    county: &str,
    township: &str,
    with_township: bool,
    errors: &FieldErrors,
) -> Markup {
    let r = regions();
    let (ln, cn, tn) = (
        format!("{prefix}league"),
        format!("{prefix}county"),
        format!("{prefix}township"),
    );
    html! {
        div.form-row {
            div.field.has-error[errors.get(&ln).is_some()] {
                label for=(ln) { (Level::LeagueCity.label(lang)) }
                select id=(ln) name=(ln) data-cascade-child=(cn) {
                    option value="" { (lang.t("form.any")) }
                    @for d in r.leagues() {
                        option value=(d.code) selected[d.code == league] { (r.name(&d.code, lang)) }
                    }
                }
                @if let Some(e) = errors.get(&ln) { p.error-msg { (e) } }
            }
            div.field.has-error[errors.get(&cn).is_some()] {
                label for=(cn) { (Level::BannerCounty.label(lang)) }
                select id=(cn) name=(cn) data-cascade-child=[with_township.then_some(&tn)] {
                    option value="" { (lang.t("form.any")) }
                    @for l in r.leagues() {
                        optgroup label=(r.name(&l.code, lang)) data-parent=(l.code) {
                            @for d in r.children(&l.code) {
                                option value=(d.code) selected[d.code == county] { (d.name) }
                            }
                        }
                    }
                }
                @if let Some(e) = errors.get(&cn) { p.error-msg { (e) } }
            }
            @if with_township {
                div.field.has-error[errors.get(&tn).is_some()] {
                    label for=(tn) { (Level::Township.label(lang)) }
                    select id=(tn) name=(tn) {
                        option value="" { (lang.t("form.any")) }
                        @for c in r.of_level(Level::BannerCounty) {
                            optgroup label=(c.name) data-parent=(c.code) {
                                @for d in r.children(&c.code) {
                                    option value=(d.code) selected[d.code == township] { (d.name) }
                                }
                            }
                        }
                    }
                    @if let Some(e) = errors.get(&tn) { p.error-msg { (e) } }
                }
            }
        }
    }
}
