//! Simple documents as PDF: a title, paragraphs, label/value tables and a footer (the
//! platform's address and a verification line) laid out on A4 and written with `krilla`,
//! Chinese included.
//!
//! The font is a GB2312 subset of Noto Sans CJK SC (SIL OFL 1.1, `kernel/fonts/`), embedded in
//! the binary, so a PDF made on a machine with no font installed still shows Chinese; `krilla`
//! subsets it again to the glyphs a document uses (a one-page receipt is a few tens of KB) and
//! writes a ToUnicode map, so the text can be copied and searched.
//!
//! Layout is ours and deliberately plain: one glyph per character (no shaping: Chinese and
//! Latin need none), lines broken between any two CJK characters or at spaces (a word longer
//! than the line is cut), pages added when the content runs past the footer. A character the
//! font lacks never panics: it is drawn as the font's `.notdef` box and its text stays in the
//! PDF. Control characters become spaces.
//!
//! Invariants: [`render`] is pure (no clock, no I/O; the same document gives the same bytes);
//! the layout ([`layout`]) is separate from the writing, so page breaks are unit-tested.

use std::ops::Range;
use std::sync::LazyLock;

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, KrillaGlyph};
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

use crate::kernel::error::AppError;

/// The embedded font: Noto Sans CJK SC, GB2312 + ASCII + punctuation (see `kernel/fonts/`).
pub const FONT: &[u8] = include_bytes!("fonts/NotoSansSC-GB2312.otf");

/// The font for krilla, parsed (and hashed) once.
static KRILLA_FONT: LazyLock<Option<Font>> = LazyLock::new(|| Font::new(FONT.into(), 0));

/// Page sizes (points; 1 pt = 1/72 in).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageSize {
    /// A4 upright: receipts.
    A4Portrait,
    /// A4 on its side: certificates.
    A4Landscape,
}

impl PageSize {
    fn wh(self) -> (f32, f32) {
        match self {
            PageSize::A4Portrait => (595.28, 841.89),
            PageSize::A4Landscape => (841.89, 595.28),
        }
    }
}

/// One block of a document, laid out top to bottom.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// The document's title: large and centred.
    Title(String),
    /// A centred line of the given size in points (a certificate's brand name, its number).
    Centered(String, f32),
    /// A section heading.
    Heading(String),
    /// Running text, wrapped to the page width.
    Paragraph(String),
    /// Smaller grey running text (notes, hints).
    Note(String),
    /// Label / value rows; values wrap, labels keep to their column.
    Table(Vec<(String, String)>),
    /// Vertical space in points.
    Gap(f32),
}

/// A document to render.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The title in the PDF's metadata (what a viewer shows in its title bar).
    pub title: String,
    /// The language tag of the text (`zh-CN`, `en`), written into the metadata.
    pub lang: String,
    /// Page size.
    pub page: PageSize,
    /// A thin frame around the page's content (certificates).
    pub frame: bool,
    /// The body.
    pub blocks: Vec<Block>,
    /// Lines at the foot of every page: the platform's address, a verification line.
    pub footer: Vec<String>,
}

impl Document {
    /// An A4 portrait document without blocks.
    pub fn new(title: impl Into<String>, lang: impl Into<String>) -> Self {
        Document {
            title: title.into(),
            lang: lang.into(),
            page: PageSize::A4Portrait,
            frame: false,
            blocks: Vec::new(),
            footer: Vec::new(),
        }
    }
}

/// Margin around the content (2 cm).
const MARGIN: f32 = 56.7;
const TITLE_SIZE: f32 = 22.0;
const HEADING_SIZE: f32 = 14.0;
const BODY_SIZE: f32 = 11.0;
const NOTE_SIZE: f32 = 9.0;
const FOOTER_SIZE: f32 = 8.5;
const LEADING: f32 = 1.55;
const GREY: (u8, u8, u8) = (96, 96, 96);

/// One drawing operation on a page, in points from the top-left corner.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// Text with its baseline starting at (x, y).
    Text {
        /// Left edge.
        x: f32,
        /// Baseline.
        y: f32,
        /// Font size.
        size: f32,
        /// Grey instead of black.
        grey: bool,
        /// The text (one line).
        text: String,
    },
    /// A horizontal rule from x1 to x2 at y.
    Rule {
        /// Start.
        x1: f32,
        /// End.
        x2: f32,
        /// Height.
        y: f32,
    },
    /// A rectangle outline.
    Frame {
        /// Left.
        x: f32,
        /// Top.
        y: f32,
        /// Width.
        w: f32,
        /// Height.
        h: f32,
    },
}

/// Metrics of the embedded font: character → glyph and advance (in em).
struct Metrics<'a> {
    font: FontRef<'a>,
    upem: f32,
}

impl Metrics<'static> {
    fn get() -> Result<Self, AppError> {
        let font = FontRef::new(FONT).map_err(|e| AppError::Internal(format!("pdf font: {e}")))?;
        let upem = f32::from(
            font.metrics(Size::unscaled(), LocationRef::default())
                .units_per_em,
        )
        .max(1.0);
        Ok(Metrics { font, upem })
    }
}

impl Metrics<'_> {
    /// The glyphs of one line: one per character, `.notdef` (glyph 0) for a missing one.
    fn glyphs(&self, text: &str) -> Vec<KrillaGlyph> {
        let charmap = self.font.charmap();
        let gm = self
            .font
            .glyph_metrics(Size::unscaled(), LocationRef::default());
        text.char_indices()
            .map(|(i, ch)| {
                let gid = charmap.map(ch).unwrap_or(skrifa::GlyphId::NOTDEF);
                let adv = gm.advance_width(gid).unwrap_or(0.0) / self.upem;
                let range: Range<usize> = i..i + ch.len_utf8();
                KrillaGlyph::new(
                    krilla::text::GlyphId::new(gid.to_u32()),
                    adv,
                    0.0,
                    0.0,
                    0.0,
                    range,
                    None,
                )
            })
            .collect()
    }

    /// Width of a line in points at `size`.
    fn width(&self, text: &str, size: f32) -> f32 {
        let charmap = self.font.charmap();
        let gm = self
            .font
            .glyph_metrics(Size::unscaled(), LocationRef::default());
        text.chars()
            .map(|ch| {
                let gid = charmap.map(ch).unwrap_or(skrifa::GlyphId::NOTDEF);
                gm.advance_width(gid).unwrap_or(0.0)
            })
            .sum::<f32>()
            / self.upem
            * size
    }
}

/// Control characters (tabs, carriage returns, …) become spaces; newlines stay (they break
/// lines).
fn clean(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
        .collect()
}

/// Whether a line may break before and after this character on its own (CJK and
/// full-width forms); Latin words break only at spaces.
fn breaks_anywhere(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF
        | 0x20000..=0x3FFFF)
}

/// Breaks `text` into lines no wider than `width` points at `size`.
fn wrap(m: &Metrics, text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for para in clean(text).split('\n') {
        // Tokens: a run of non-space non-CJK characters (a word), one space, or one CJK
        // character.
        let mut tokens: Vec<String> = Vec::new();
        for c in para.chars() {
            let word_char = !c.is_whitespace() && !breaks_anywhere(c);
            match tokens.last_mut() {
                Some(last)
                    if word_char
                        && last
                            .chars()
                            .last()
                            .is_some_and(|p| !p.is_whitespace() && !breaks_anywhere(p)) =>
                {
                    last.push(c)
                }
                _ => tokens.push(c.to_string()),
            }
        }
        let mut line = String::new();
        let mut line_w = 0.0;
        for tok in tokens {
            let w = m.width(&tok, size);
            if line_w + w <= width || line.is_empty() && w <= width {
                line.push_str(&tok);
                line_w += w;
                continue;
            }
            if tok.trim().is_empty() {
                // A space at the end of a full line is dropped.
                lines.push(std::mem::take(&mut line));
                line_w = 0.0;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line).trim_end().to_string());
                line_w = 0.0;
            }
            if w <= width {
                line = tok;
                line_w = w;
            } else {
                // A word wider than the line: cut it where it overflows.
                for c in tok.chars() {
                    let cw = m.width(c.encode_utf8(&mut [0; 4]), size);
                    if line_w + cw > width && !line.is_empty() {
                        lines.push(std::mem::take(&mut line));
                        line_w = 0.0;
                    }
                    line.push(c);
                    line_w += cw;
                }
            }
        }
        lines.push(line.trim_end().to_string());
    }
    lines
}

/// Lays a document out into pages of drawing operations.
pub fn layout(doc: &Document) -> Result<Vec<Vec<Op>>, AppError> {
    let m = Metrics::get()?;
    Ok(layout_with(&m, doc))
}

fn layout_with(m: &Metrics, doc: &Document) -> Vec<Vec<Op>> {
    let (pw, ph) = doc.page.wh();
    let left = MARGIN;
    let width = pw - 2.0 * MARGIN;
    // The footer: its lines wrapped, drawn from the bottom margin up, on every page.
    let footer_lines: Vec<String> = doc
        .footer
        .iter()
        .flat_map(|l| wrap(m, l, FOOTER_SIZE, width))
        .collect();
    let footer_h = footer_lines.len() as f32 * FOOTER_SIZE * LEADING;
    let bottom = ph - MARGIN - footer_h - if footer_lines.is_empty() { 0.0 } else { 14.0 };
    let footer_ops = {
        let mut ops = Vec::new();
        if doc.frame {
            ops.push(Op::Frame {
                x: MARGIN / 2.0,
                y: MARGIN / 2.0,
                w: pw - MARGIN,
                h: ph - MARGIN,
            });
        }
        if !footer_lines.is_empty() {
            ops.push(Op::Rule {
                x1: left,
                x2: left + width,
                y: bottom + 6.0,
            });
        }
        let mut y = ph - MARGIN - footer_h;
        for l in &footer_lines {
            y += FOOTER_SIZE * LEADING;
            ops.push(Op::Text {
                x: left,
                y: y - FOOTER_SIZE * (LEADING - 1.0),
                size: FOOTER_SIZE,
                grey: true,
                text: l.clone(),
            });
        }
        ops
    };

    let mut pages: Vec<Vec<Op>> = vec![footer_ops.clone()];
    let mut y = MARGIN;
    // Reserves `h` points; starts a new page when they do not fit (unless the page is empty).
    let room = |pages: &mut Vec<Vec<Op>>, y: &mut f32, h: f32| {
        if *y + h > bottom && *y > MARGIN {
            pages.push(footer_ops.clone());
            *y = MARGIN;
        }
    };
    let text_line = |x: f32, y: f32, size: f32, grey: bool, text: String| Op::Text {
        x,
        y: y + size * 1.1,
        size,
        grey,
        text,
    };

    for block in &doc.blocks {
        match block {
            Block::Title(t) | Block::Centered(t, _) => {
                let size = match block {
                    Block::Centered(_, s) => *s,
                    _ => TITLE_SIZE,
                };
                for l in wrap(m, t, size, width) {
                    let h = size * LEADING;
                    room(&mut pages, &mut y, h);
                    let x = left + ((width - m.width(&l, size)) / 2.0).max(0.0);
                    if let Some(p) = pages.last_mut() {
                        p.push(text_line(x, y, size, false, l));
                    }
                    y += h;
                }
                if matches!(block, Block::Title(_)) {
                    y += 10.0;
                }
            }
            Block::Heading(t) | Block::Paragraph(t) | Block::Note(t) => {
                let (size, grey) = match block {
                    Block::Heading(_) => (HEADING_SIZE, false),
                    Block::Note(_) => (NOTE_SIZE, true),
                    _ => (BODY_SIZE, false),
                };
                if matches!(block, Block::Heading(_)) {
                    y += 6.0;
                }
                for l in wrap(m, t, size, width) {
                    let h = size * LEADING;
                    room(&mut pages, &mut y, h);
                    if let Some(p) = pages.last_mut() {
                        p.push(text_line(left, y, size, grey, l));
                    }
                    y += h;
                }
                y += size * 0.5;
            }
            Block::Table(rows) => {
                let size = BODY_SIZE;
                let gap = 12.0;
                let label_w = rows
                    .iter()
                    .map(|(l, _)| m.width(&clean(l), size))
                    .fold(0.0_f32, f32::max)
                    .min(width * 0.35);
                let value_x = left + label_w + gap;
                let value_w = width - label_w - gap;
                for (label, value) in rows {
                    let ls = wrap(m, label, size, label_w);
                    let vs = wrap(m, value, size, value_w);
                    let n = ls.len().max(vs.len());
                    let h = n as f32 * size * LEADING + 6.0;
                    room(&mut pages, &mut y, h);
                    let page = pages.last_mut().expect("a page");
                    for (i, l) in ls.into_iter().enumerate() {
                        page.push(text_line(
                            left,
                            y + 3.0 + i as f32 * size * LEADING,
                            size,
                            true,
                            l,
                        ));
                    }
                    for (i, v) in vs.into_iter().enumerate() {
                        page.push(text_line(
                            value_x,
                            y + 3.0 + i as f32 * size * LEADING,
                            size,
                            false,
                            v,
                        ));
                    }
                    y += h;
                    page.push(Op::Rule {
                        x1: left,
                        x2: left + width,
                        y,
                    });
                }
                y += 10.0;
            }
            Block::Gap(g) => y += g.max(0.0),
        }
    }
    pages
}

/// Renders a document to PDF bytes.
pub fn render(doc: &Document) -> Result<Vec<u8>, AppError> {
    let m = Metrics::get()?;
    let pages = layout_with(&m, doc);
    let font = KRILLA_FONT
        .clone()
        .ok_or_else(|| AppError::Internal("pdf font: krilla cannot read it".into()))?;
    let (pw, ph) = doc.page.wh();
    let mut pdf = krilla::Document::new();
    pdf.set_metadata(
        krilla::metadata::Metadata::new()
            .title(doc.title.clone())
            .language(doc.lang.clone())
            .creator("CivicBridge".into()),
    );
    let black = Fill {
        paint: rgb::Color::new(0, 0, 0).into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    };
    let grey = Fill {
        paint: rgb::Color::new(GREY.0, GREY.1, GREY.2).into(),
        ..black.clone()
    };
    for ops in pages {
        let settings = PageSettings::from_wh(pw, ph)
            .ok_or_else(|| AppError::Internal("pdf page size".into()))?;
        let mut page = pdf.start_page_with(settings);
        let mut surface = page.surface();
        for op in ops {
            match op {
                Op::Text {
                    x,
                    y,
                    size,
                    grey: g,
                    text,
                } => {
                    if text.is_empty() {
                        continue;
                    }
                    surface.set_stroke(None);
                    surface.set_fill(Some(if g { grey.clone() } else { black.clone() }));
                    let glyphs = m.glyphs(&text);
                    surface.draw_glyphs(
                        Point::from_xy(x, y),
                        &glyphs,
                        font.clone(),
                        &text,
                        size,
                        false,
                    );
                }
                Op::Rule { x1, x2, y } => {
                    let mut pb = PathBuilder::new();
                    pb.move_to(x1, y);
                    pb.line_to(x2, y);
                    if let Some(path) = pb.finish() {
                        stroke(&mut surface, &path, 0.5);
                    }
                }
                Op::Frame { x, y, w, h } => {
                    let mut pb = PathBuilder::new();
                    pb.move_to(x, y);
                    pb.line_to(x + w, y);
                    pb.line_to(x + w, y + h);
                    pb.line_to(x, y + h);
                    pb.close();
                    if let Some(path) = pb.finish() {
                        stroke(&mut surface, &path, 1.5);
                    }
                }
            }
        }
        surface.finish();
        page.finish();
    }
    pdf.finish()
        .map_err(|e| AppError::Internal(format!("pdf: {e:?}")))
}

fn stroke(surface: &mut krilla::surface::Surface, path: &krilla::geom::Path, width: f32) {
    surface.set_fill(None);
    surface.set_stroke(Some(Stroke {
        paint: rgb::Color::new(150, 150, 150).into(),
        width,
        ..Default::default()
    }));
    surface.draw_path(path);
    surface.set_stroke(None);
}

/// Whether the embedded font has a glyph for every character of `text` (spaces and line
/// breaks aside).
pub fn covers(text: &str) -> bool {
    let Ok(m) = Metrics::get() else {
        return false;
    };
    let charmap = m.font.charmap();
    text.chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .all(|c| charmap.map(c).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Document {
        let mut d = Document::new("品牌服务项目认定证书", "zh-CN");
        d.blocks = vec![
            Block::Title("品牌服务项目认定证书".into()),
            Block::Paragraph("呼和浩特市青城社会工作服务中心 的“暖心养老”经推荐、评审和公示，被认定为 2026 年度品牌服务项目。".into()),
            Block::Table(vec![
                ("证书编号".into(), "PP-2026-150000-003".into()),
                ("机构".into(), "呼和浩特市青城社会工作服务中心".into()),
            ]),
        ];
        d.footer = vec!["https://civicbridge.example/recognition/1/certificates/2".into()];
        d
    }

    #[test]
    fn renders_chinese_small() {
        let bytes = render(&sample()).unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        assert!(bytes.len() < 300 * 1024, "{} bytes", bytes.len());
        // The font is embedded (a subset: far smaller than the 1.5 MB vendored file).
        assert!(bytes.windows(9).any(|w| w == b"/FontFile"));
        assert!(bytes.windows(10).any(|w| w == b"/ToUnicode"));
    }

    #[test]
    fn same_document_same_bytes() {
        assert_eq!(render(&sample()).unwrap(), render(&sample()).unwrap());
    }

    #[test]
    fn missing_characters_do_not_panic() {
        // 𠀀 (CJK extension B), an emoji, a private-use character, a tab, a NUL: none is in
        // the font (the tab and NUL become spaces).
        let odd = "𠀀 😀 \u{E000}\t\u{0}喆䶮 ok";
        assert!(!covers(odd));
        let mut d = Document::new(odd, "zh-CN");
        d.blocks = vec![
            Block::Title(odd.into()),
            Block::Paragraph(odd.repeat(40)),
            Block::Table(vec![(odd.into(), odd.into())]),
        ];
        d.footer = vec![odd.into()];
        let bytes = render(&d).unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        assert!(covers("品牌服务项目 ABC 123，（）《》“”"));
    }

    #[test]
    fn empty_document_is_one_page() {
        let d = Document::new("", "en");
        assert_eq!(layout(&d).unwrap().len(), 1);
        assert!(render(&d).unwrap().starts_with(b"%PDF-"));
    }

    #[test]
    fn long_text_wraps_and_breaks_pages() {
        let m = Metrics::get().unwrap();
        let lines = wrap(&m, &"社会组织服务对接平台".repeat(30), BODY_SIZE, 200.0);
        assert!(lines.len() > 10);
        assert!(lines.iter().all(|l| m.width(l, BODY_SIZE) <= 200.0 + 0.01));
        assert_eq!(lines.concat(), "社会组织服务对接平台".repeat(30));
        // Latin words are kept whole and the spaces at breaks dropped.
        let en = wrap(
            &m,
            "the quick brown fox jumps over the lazy dog",
            BODY_SIZE,
            60.0,
        );
        assert!(en.iter().all(|l| !l.starts_with(' ') && !l.ends_with(' ')));
        assert_eq!(en.join(" "), "the quick brown fox jumps over the lazy dog");
        // A word longer than the line is cut.
        let long = wrap(&m, &"x".repeat(200), BODY_SIZE, 50.0);
        assert!(long.len() > 3 && long.concat() == "x".repeat(200));
        // Many paragraphs run onto further pages; the footer is on each.
        let mut d = Document::new("t", "zh-CN");
        d.blocks = (0..120)
            .map(|i| Block::Paragraph(format!("第 {i} 段")))
            .collect();
        d.footer = vec!["页脚".into()];
        let pages = layout_with(&m, &d);
        assert!(pages.len() >= 2);
        for p in &pages {
            assert!(
                p.iter()
                    .any(|o| matches!(o, Op::Text { text, .. } if text == "页脚"))
            );
        }
        let (_, ph) = PageSize::A4Portrait.wh();
        for p in &pages {
            for o in p {
                if let Op::Text { y, .. } = o {
                    assert!(*y < ph - MARGIN / 2.0);
                }
            }
        }
    }
}
