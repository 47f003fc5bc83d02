//! The one pager: page numbers around the current page, gaps as "…", a link per page. Every
//! paged list (organizations, tenders, search results) renders it.

use maud::{Markup, html};

use crate::kernel::Lang;

/// Page numbers to show around the current one (0 stands for a gap).
pub fn page_window(current: u64, total_pages: u64) -> Vec<u64> {
    let mut v = Vec::new();
    for p in 1..=total_pages {
        if p == 1 || p == total_pages || (p + 2 >= current && p <= current + 2) {
            v.push(p);
        } else if v.last() != Some(&0) {
            v.push(0);
        }
    }
    v
}

/// The pager of a list with `pages` pages, on page `current`; `href` gives a page's link.
/// Nothing when everything fits on one page.
pub fn pager(lang: Lang, current: u64, pages: u64, href: impl Fn(u64) -> String) -> Markup {
    html! {
        @if pages > 1 {
            nav.pagination aria-label=(lang.t("form.pages")) {
                @for p in page_window(current, pages) {
                    @if p == 0 { span.gap { "…" } }
                    @else if p == current { span.current aria-current="page" { (p) } }
                    @else { a href=(href(p)) { (p) } }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pagination_window() {
        assert_eq!(page_window(1, 1), vec![1]);
        assert_eq!(page_window(1, 10), vec![1, 2, 3, 0, 10]);
        assert_eq!(page_window(5, 10), vec![1, 0, 3, 4, 5, 6, 7, 0, 10]);
        assert_eq!(page_window(10, 10), vec![1, 0, 8, 9, 10]);
        assert!(page_window(1, 0).is_empty());
    }

    #[test]
    fn pager_marks_the_current_page_and_links_the_others() {
        let html = pager(Lang::En, 2, 3, |p| format!("/x?page={p}")).into_string();
        assert!(html.contains(r#"<span class="current" aria-current="page">2</span>"#));
        assert!(html.contains(r#"href="/x?page=1""#) && html.contains(r#"href="/x?page=3""#));
        assert!(!html.contains(r#"href="/x?page=2""#));
        assert!(
            pager(Lang::En, 1, 1, |_| String::new())
                .into_string()
                .is_empty()
        );
    }
}
