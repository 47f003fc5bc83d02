//! Photos of an incubator: the gallery on its public page, the cover in the directory, and
//! the keepers' page (upload with a caption, order, cover, removal). Data in, markup out.

use maud::{Markup, html};

use crate::incubators::model::Incubator;
use crate::incubators::photos::Photo;
use crate::incubators::photos::rules::{CAPTION, MAX_PHOTOS};
use crate::kernel::Lang;
use crate::kernel::error::FieldErrors;
use crate::web::forms::{csrf_field, error_summary, input};

/// A photo's URL (the thumbnail, or the large rendition).
pub fn photo_url(incubator: i64, photo: i64, large: bool) -> String {
    format!(
        "/incubators/{incubator}/photos/{photo}/{}",
        if large { "large" } else { "thumb" }
    )
}

fn alt(lang: Lang, inc: &Incubator, p: &Photo) -> String {
    if p.caption.is_empty() {
        lang.tf("incubator.photo_alt", &[("name", &inc.name)])
    } else {
        p.caption.clone()
    }
}

/// The cover's thumbnail in the directory (an empty cell when there is none).
pub fn cover(lang: Lang, inc: &Incubator, p: Option<&Photo>) -> Markup {
    html! {
        @if let Some(p) = p {
            img.incubator-cover src=(photo_url(inc.id, p.id, false)) alt=(alt(lang, inc, p)) loading="lazy" width="96" height="64";
        }
    }
}

/// The gallery on the incubator's public page: each thumbnail links its large rendition,
/// with its caption; keepers get the way to the photos page.
pub fn gallery(lang: Lang, inc: &Incubator, photos: &[Photo], may_keep: bool) -> Markup {
    html! {
        section.section id="photos" {
            h2 { (lang.t("incubator.photos")) }
            @if photos.is_empty() { p.muted { (lang.t("incubator.no_photos")) } }
            @else {
                div.incubator-photos {
                    @for p in photos {
                        figure.incubator-photo {
                            a href=(photo_url(inc.id, p.id, true)) {
                                img.incubator-thumb src=(photo_url(inc.id, p.id, false)) alt=(alt(lang, inc, p)) loading="lazy";
                            }
                            @if !p.caption.is_empty() { figcaption { (p.caption) } }
                        }
                    }
                }
            }
            @if may_keep {
                p { a.btn.btn-secondary href=(format!("/incubators/{}/photos", inc.id)) { (lang.t("incubator.photo.manage")) } }
            }
        }
    }
}

/// The keepers' page: the photos in order (the first is the cover) with their moves and
/// removal, and the upload form (what was typed kept when it comes back with errors).
pub fn manage(
    lang: Lang,
    inc: &Incubator,
    photos: &[Photo],
    caption: &str,
    e: &FieldErrors,
    csrf: &str,
) -> Markup {
    let base = format!("/incubators/{}/photos", inc.id);
    let last = photos.len().saturating_sub(1);
    html! {
        p.muted { a href=(format!("/incubators/{}", inc.id)) { (inc.name) } }
        h1.page-title { (lang.tf("incubator.photo.title", &[("name", &inc.name)])) }
        p.hint { (lang.t("incubator.photo.order_hint")) }
        (error_summary(e, lang))
        @if photos.is_empty() { p.muted { (lang.t("incubator.no_photos")) } }
        ol.incubator-photos.photo-order {
            @for (i, p) in photos.iter().enumerate() {
                li.incubator-photo data-photo=(p.id) {
                    img.incubator-thumb src=(photo_url(inc.id, p.id, false)) alt=(alt(lang, inc, p));
                    div.photo-meta {
                        @if i == 0 { span.badge.badge-cover { (lang.t("incubator.photo.cover")) } " " }
                        @if !p.caption.is_empty() { span.caption { (p.caption) } }
                    }
                    div.photo-actions {
                        @for (to, key, shown) in [("up", "incubator.photo.up", i > 0), ("down", "incubator.photo.down", i < last), ("cover", "incubator.photo.make_cover", i > 0)] {
                            @if shown {
                                form.inline method="post" action=(format!("{base}/{}/move", p.id)) {
                                    (csrf_field(csrf))
                                    input type="hidden" name="to" value=(to);
                                    button.btn.btn-secondary type="submit" { (lang.t(key)) }
                                }
                                " "
                            }
                        }
                        form.inline method="post" action=(format!("{base}/{}/delete", p.id)) {
                            (csrf_field(csrf))
                            button.btn.btn-danger type="submit" { (lang.t("incubator.photo.remove")) }
                        }
                    }
                }
            }
        }
        section.section id="upload" {
            h2 { (lang.t("incubator.photo.add")) }
            @if photos.len() as u64 >= MAX_PHOTOS {
                p.muted { (lang.tf("photo.err.too_many", &[("max", &MAX_PHOTOS.to_string())])) }
            }
            form.form method="post" action=(base) enctype="multipart/form-data" {
                (csrf_field(csrf))
                div.field.has-error[e.get("photo").is_some()] {
                    label for="photo" { (lang.t("incubator.photo.choose")) }
                    input type="file" id="photo" name="photo" accept="image/jpeg,image/png,image/webp" required
                        aria-invalid=[e.get("photo").is_some().then_some("true")]
                        aria-describedby=[e.get("photo").is_some().then_some("photo-error")];
                    p.hint { (lang.tf("incubator.photo.hint", &[("max", &crate::kernel::photos::max_size()), ("n", &MAX_PHOTOS.to_string())])) }
                    @if let Some(m) = e.get("photo") { p.error-msg id="photo-error" { (m) } }
                }
                (input("text", "caption", &lang.t("incubator.photo.caption"), caption, Some(&lang.tf("incubator.photo.caption_hint", &[("max", &CAPTION.to_string())])), e, false))
                div.actions { button.btn.btn-primary type="submit" { (lang.t("incubator.photo.upload")) } }
            }
        }
    }
}
