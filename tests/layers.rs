//! The layering of `src/`, checked by reading the source. Standard library only, so the
//! check builds and runs even while the crate itself does not compile.
//!
//! Layers, bottom to top:
//! - `kernel/` — clock, money, codes, error, i18n, db, seal, outbox.
//! - rooms — every other directory under `src/` except `web`, `pages`, `app`, `locales`.
//!   A room's face is its `mod.rs`; its `routes.rs`, `views.rs` and anything under its
//!   `routes/` or `views/` are web-facing; every other file is core.
//! - `web/` — request context, layout, forms, middleware, assets, config.
//! - `pages/` — pages composing several rooms.
//! - `app/`, `main.rs`, `lib.rs` (and any other top-level file) — unrestricted.
//!
//! Rules, as printed after each violation:
//! 1. `kernel/` uses only `crate::kernel::…`.
//! 2. A room's core never uses `crate::web`, `crate::pages`, `crate::app`.
//! 3. A room's web-facing files never use `crate::pages`, `crate::app`.
//! 4. Room A reaches room B only through B's face: in `crate::B::Item`, `Item` is not a
//!    submodule declared in `B/mod.rs`. `use crate::B;` followed by `B::model::x` counts too.
//! 5. `web/` reaches rooms only through their face, and never `pages` or `app`.
//! 6. `pages/` reaches rooms through their face or the sections of their web-facing `routes`
//!    and `views`, and never `app`.
//! 7. No wall clock (`OffsetDateTime::now_utc`, `SystemTime::now`, …) outside
//!    `kernel/clock.rs`, test code included: tests use the injectable clock.
//! 8. A room's raw SQL (FROM, JOIN, UPDATE, INTO in string literals) names only tables of
//!    its own or of no room; a table belongs to the room declaring `table_name = "…"`.
//! 9. One way to begin a write: no `.begin()` outside `kernel/db.rs` (everything else calls
//!    `kernel::db::begin_write`, which also queues SQLite writers fairly).
//! 10. Where operations live: a room's `model.rs` holds its entities and the queries and
//!     single-statement writes on them; an operation that opens a write transaction lives in
//!     the room's `mod.rs` or a topic file beside it, so `begin_write` never appears in a
//!     `model.rs`.

use std::collections::{HashMap, HashSet};
use std::{fmt, fs, path::Path};

const RULES: [&str; 10] = [
    "kernel uses only crate::kernel",
    "a room's core never uses web, pages or app",
    "a room's routes and views never use pages or app",
    "another room only through its mod.rs",
    "web uses rooms only through their mod.rs, never pages or app",
    "pages use rooms only through their mod.rs, routes or views, never app",
    "the wall clock only in kernel/clock.rs",
    "raw SQL only on the room's own tables",
    "a write begins only through kernel::db::begin_write",
    "transactions open in mod.rs or a topic file, never in model.rs",
];

/// Directories directly under `src/` that are layers, not rooms.
const NOT_ROOMS: [&str; 5] = ["kernel", "web", "pages", "app", "locales"];

const WALL_CLOCK: [(&str, &str); 5] = [
    ("OffsetDateTime", "now_utc"),
    ("OffsetDateTime", "now_local"),
    ("SystemTime", "now"),
    ("Utc", "now"),
    ("Local", "now"),
];

const SQL_KEYWORDS: [&str; 4] = ["from", "join", "update", "into"];

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Violation {
    /// Path relative to `src/`.
    file: String,
    line: usize,
    what: String,
    rule: usize,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (file, line, what, rule) = (&self.file, self.line, &self.what, self.rule);
        write!(
            f,
            "src/{file}:{line}: {what} (rule {rule}: {})",
            RULES[rule - 1]
        )
    }
}

#[derive(Debug, PartialEq)]
enum Tok {
    Ident(String),
    /// `::`
    Colons,
    Punct(char),
    /// A string literal's source text between its quotes, escapes left as written.
    Str(String),
}

/// A token and the line it starts on.
#[derive(Debug)]
struct Token {
    tok: Tok,
    line: usize,
}

fn is_ident_char(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// Splits Rust source into identifiers, `::`, punctuation and string literals. Comments
/// (nested block comments and doc comments included), whitespace, numbers, char literals
/// and lifetimes are dropped, so nothing inside them can look like a path or a string.
fn lex(src: &str) -> Vec<Token> {
    let c: Vec<char> = src.chars().collect();
    let at = |i: usize| c.get(i).copied().unwrap_or('\0');
    let (mut out, mut i, mut line) = (Vec::new(), 0, 1);
    while i < c.len() {
        let start = line;
        let mut push = |tok| out.push(Token { tok, line: start });
        match c[i] {
            '\n' => (line, i) = (line + 1, i + 1),
            ch if ch.is_whitespace() => i += 1,
            '/' if at(i + 1) == '/' => {
                while i < c.len() && c[i] != '\n' {
                    i += 1;
                }
            }
            '/' if at(i + 1) == '*' => {
                let mut depth = 0;
                while i < c.len() {
                    if c[i..].starts_with(&['/', '*']) {
                        (depth, i) = (depth + 1, i + 2);
                    } else if c[i..].starts_with(&['*', '/']) {
                        (depth, i) = (depth - 1, i + 2);
                        if depth == 0 {
                            break;
                        }
                    } else {
                        line += usize::from(c[i] == '\n');
                        i += 1;
                    }
                }
            }
            '"' => push(Tok::Str(quoted(&c, &mut i, &mut line, None))),
            // `'\n'`, `'\''`: skip the escaped character, then up to the closing quote.
            '\'' if at(i + 1) == '\\' => {
                i += 3;
                while i < c.len() && c[i] != '\'' {
                    i += 1;
                }
                i += 1;
            }
            // `'"'`, `'x'`: a char literal; otherwise a lifetime or label such as `'a`.
            '\'' if at(i + 2) == '\'' => i += 3,
            '\'' => {
                i += 1;
                while is_ident_char(at(i)) {
                    i += 1;
                }
            }
            ch if is_ident_char(ch) => {
                let begin = i;
                while is_ident_char(at(i)) {
                    i += 1;
                }
                let word: String = c[begin..i].iter().collect();
                let hashes = c[i..].iter().take_while(|&&h| h == '#').count();
                if ch.is_ascii_digit() {
                    // A number; its suffix (`1u32`) is no identifier.
                } else if matches!(word.as_str(), "r" | "br" | "cr") && at(i + hashes) == '"' {
                    i += hashes;
                    push(Tok::Str(quoted(&c, &mut i, &mut line, Some(hashes))));
                } else if matches!(word.as_str(), "b" | "c") && at(i) == '"' {
                    push(Tok::Str(quoted(&c, &mut i, &mut line, None)));
                } else if word == "r" && hashes == 1 && is_ident_char(at(i + 1)) {
                    // A raw identifier, `r#type`: lexed as `type` on the next turn.
                    i += 1;
                } else {
                    push(Tok::Ident(word));
                }
            }
            ':' if at(i + 1) == ':' => {
                push(Tok::Colons);
                i += 2;
            }
            ch => {
                push(Tok::Punct(ch));
                i += 1;
            }
        }
    }
    out
}

/// Reads the string literal whose opening quote is at `c[*i]`, moves past it and returns
/// its text. A raw string (`raw` is its count of `#`) ends at a quote followed by that many
/// `#`; a normal one skips backslash escapes, so `\"` does not end it.
fn quoted(c: &[char], i: &mut usize, line: &mut usize, raw: Option<usize>) -> String {
    let hashes = raw.unwrap_or(0);
    let begin = *i + 1;
    *i = begin;
    while *i < c.len() {
        match c[*i] {
            '\\' if raw.is_none() => {
                *line += usize::from(c.get(*i + 1) == Some(&'\n'));
                *i += 1;
            }
            '"' if c[*i + 1..].iter().take_while(|&&h| h == '#').count() >= hashes => {
                let text = c[begin..*i].iter().collect();
                *i += 1 + hashes;
                return text;
            }
            '\n' => *line += 1,
            _ => {}
        }
        *i += 1;
    }
    c[begin..].iter().collect()
}

/// One path named in the source: its segments after `crate`, the line of its last
/// segment, the `as` name it is imported under, and, for a path written through
/// `use crate::room;`, the local name it was written with.
#[derive(Debug)]
struct Leaf {
    segs: Vec<String>,
    line: usize,
    alias: Option<String>,
    local: Option<String>,
}

impl Leaf {
    fn describe(&self) -> String {
        let full = format!("crate::{}", self.segs.join("::"));
        match &self.local {
            Some(local) => format!("{local}::{} (= {full})", self.segs[1..].join("::")),
            None => full,
        }
    }
}

/// Reads a use tree (a plain path is a use tree too) at `toks[*i]` below `prefix` and
/// appends every leaf: `a::{b, c as d, self, e::*}` gives `a::b`, `a::c`, `a`, `a::e::*`.
fn use_tree(toks: &[Token], i: &mut usize, prefix: &[String], out: &mut Vec<Leaf>) {
    let tok = |i: usize| toks.get(i).map(|t| &t.tok);
    let line = toks.get(*i).or(toks.last()).map_or(0, |t| t.line);
    let mut leaf = |segs: Vec<String>, i: &mut usize| {
        // `as name` after a leaf.
        let alias = match (tok(*i), tok(*i + 1)) {
            (Some(Tok::Ident(kw)), Some(Tok::Ident(name))) if kw == "as" => {
                *i += 2;
                Some(name.clone())
            }
            _ => None,
        };
        out.push(Leaf {
            segs,
            line,
            alias,
            local: None,
        });
    };
    match tok(*i) {
        Some(Tok::Ident(name)) if name == "self" => {
            *i += 1;
            leaf(prefix.to_vec(), i);
        }
        Some(Tok::Ident(name)) => {
            let path = [prefix, std::slice::from_ref(name)].concat();
            *i += 1;
            if tok(*i) == Some(&Tok::Colons) {
                *i += 1;
                use_tree(toks, i, &path, out);
            } else {
                leaf(path, i);
            }
        }
        Some(Tok::Punct('{')) => {
            *i += 1;
            while let Some(t) = tok(*i) {
                match t {
                    Tok::Punct('}') => break,
                    Tok::Punct(',') => *i += 1,
                    _ => {
                        let before = *i;
                        use_tree(toks, i, prefix, out);
                        *i += usize::from(*i == before);
                    }
                }
            }
            *i += 1;
        }
        Some(Tok::Punct('*')) => {
            *i += 1;
            leaf([prefix, &["*".to_string()]].concat(), i);
        }
        // `crate::x::<T>` and the like: the path ends here.
        _ if !prefix.is_empty() => out.push(Leaf {
            segs: prefix.to_vec(),
            line,
            alias: None,
            local: None,
        }),
        _ => {}
    }
}

/// Every `crate::` path in the file (use groups expanded, `$crate` ignored), then every
/// path written through a room imported by name (`use crate::orgs;` … `orgs::model::x`).
fn crate_paths(toks: &[Token], rooms: &HashMap<String, HashSet<String>>) -> Vec<Leaf> {
    let tok = |i: usize| toks.get(i).map(|t| &t.tok);
    let ident = |i: usize, s: &str| matches!(tok(i), Some(Tok::Ident(w)) if w == s);
    let (mut leaves, mut taken, mut local_rooms) =
        (Vec::new(), vec![false; toks.len()], HashMap::new());
    let mut i = 0;
    while i < toks.len() {
        let after_dollar = i > 0 && tok(i - 1) == Some(&Tok::Punct('$'));
        if !(ident(i, "crate") && tok(i + 1) == Some(&Tok::Colons)) || after_dollar {
            i += 1;
            continue;
        }
        let (start, first) = (i, leaves.len());
        i += 2;
        use_tree(toks, &mut i, &[], &mut leaves);
        taken[start..i.min(toks.len())].fill(true);
        if start > 0 && ident(start - 1, "use") {
            for leaf in &leaves[first..] {
                if let [room] = leaf.segs.as_slice()
                    && rooms.contains_key(room)
                {
                    let local = leaf.alias.clone().unwrap_or_else(|| room.clone());
                    local_rooms.insert(local, room.clone());
                }
            }
        }
    }
    let mut i = 0;
    while i < toks.len() {
        let room = match &toks[i].tok {
            Tok::Ident(w) if !taken[i] && tok(i + 1) == Some(&Tok::Colons) => local_rooms.get(w),
            _ => None,
        };
        let qualified = i > 0 && matches!(tok(i - 1), Some(Tok::Colons | Tok::Punct('.')));
        let Some(room) = room.filter(|_| !qualified) else {
            i += 1;
            continue;
        };
        let mut through = Vec::new();
        use_tree(toks, &mut i, &[], &mut through);
        for mut leaf in through.into_iter().filter(|l| l.segs.len() > 1) {
            leaf.local = Some(std::mem::replace(&mut leaf.segs[0], room.clone()));
            leaves.push(leaf);
        }
    }
    leaves
}

/// Where a file sits in the layering.
#[derive(Debug, Clone, Copy)]
enum Layer<'a> {
    Kernel,
    Room {
        name: &'a str,
        web_facing: bool,
    },
    Web,
    Pages,
    /// `app/`, `main.rs`, `lib.rs`, other top-level files, `locales/`.
    Free,
}

/// The layer of `file` (a path relative to `src/`, with `/`).
fn layer(file: &str) -> Layer<'_> {
    let parts: Vec<&str> = file.split('/').collect();
    match parts[0].strip_suffix(".rs").unwrap_or(parts[0]) {
        "kernel" => Layer::Kernel,
        "web" => Layer::Web,
        "pages" => Layer::Pages,
        _ if parts.len() == 1 || NOT_ROOMS.contains(&parts[0]) => Layer::Free,
        name => Layer::Room {
            name,
            web_facing: parts[1..]
                .iter()
                .any(|p| matches!(*p, "routes" | "views" | "routes.rs" | "views.rs")),
        },
    }
}

/// The rule `leaf`, named in a file of `layer`, breaks, if any. `rooms` maps each room to
/// the submodules its `mod.rs` declares: naming one of those from outside is reaching past
/// the face.
fn broken_rule(
    layer: Layer<'_>,
    leaf: &Leaf,
    rooms: &HashMap<String, HashSet<String>>,
) -> Option<usize> {
    let target = leaf.segs[0].as_str();
    let past_face = |allowed: &[&str]| match (rooms.get(target), leaf.segs.get(1)) {
        (Some(submodules), Some(item)) => {
            submodules.contains(item) && !allowed.contains(&item.as_str())
        }
        _ => false,
    };
    match layer {
        Layer::Kernel => (target != "kernel").then_some(1),
        Layer::Room { name, web_facing } => match target {
            "web" | "pages" | "app" if !web_facing => Some(2),
            "pages" | "app" => Some(3),
            _ => (target != name && past_face(&[])).then_some(4),
        },
        Layer::Web => (matches!(target, "pages" | "app") || past_face(&[])).then_some(5),
        // Pages assemble the sections rooms offer in their web-facing files.
        Layer::Pages => (target == "app" || past_face(&["routes", "views"])).then_some(6),
        Layer::Free => None,
    }
}

/// Each table named after FROM, JOIN, UPDATE or INTO (any case, name optionally quoted)
/// in a string literal's source text, with how many lines into the literal it sits.
fn sql_tables(text: &str) -> Vec<(usize, String)> {
    let b = text.as_bytes();
    let word = |i: usize| {
        b.get(i)
            .is_some_and(|&c| c == b'_' || c.is_ascii_alphanumeric())
    };
    let mut found = Vec::new();
    for at in 0..b.len() {
        // Word-bounded; an escape such as `\nFROM` still starts a word.
        let escaped = at >= 2 && b[at - 2] == b'\\' && matches!(b[at - 1], b'n' | b't' | b'r');
        if at > 0 && word(at - 1) && !escaped {
            continue;
        }
        let starts = |kw: &&str| {
            b[at..]
                .get(..kw.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(kw.as_bytes()))
        };
        let Some(kw) = SQL_KEYWORDS.into_iter().find(starts) else {
            continue;
        };
        // At least one blank (escapes `\n`, `\t`, `\r` and line continuations count), then
        // an optional quote, `"` in a raw string or `\"` in a normal one.
        let after = at + kw.len();
        let mut i = after;
        loop {
            match (b.get(i), b.get(i + 1)) {
                (Some(c), _) if c.is_ascii_whitespace() => i += 1,
                (Some(b'\\'), Some(b'n' | b't' | b'r' | b'\n')) => i += 2,
                _ => break,
            }
        }
        if i == after {
            continue;
        }
        if b[i..].starts_with(b"\\\"") {
            i += 2;
        } else if b[i..].starts_with(b"\"") {
            i += 1;
        }
        let name_start = i;
        while word(i) {
            i += 1;
        }
        if i > name_start {
            let lines = b[..at].iter().filter(|&&c| c == b'\n').count();
            found.push((lines, text[name_start..i].to_ascii_lowercase()));
        }
    }
    found
}

/// Checks `files` (paths relative to `src/`, with their contents) against the rules and
/// returns every violation, sorted by file and line.
fn check(files: &[(String, String)]) -> Vec<Violation> {
    let lexed: Vec<(&str, Vec<Token>)> = files
        .iter()
        .map(|(f, src)| (f.as_str(), lex(src)))
        .collect();
    let mut rooms: HashMap<String, HashSet<String>> = HashMap::new();
    for (file, _) in files {
        if let Layer::Room { name, .. } = layer(file) {
            rooms.entry(name.to_string()).or_default();
        }
    }
    // Submodules from each face (`mod x;`), and tables from each room's `table_name = "x"`.
    let mut tables = HashMap::new();
    for (file, toks) in &lexed {
        let Layer::Room { name, .. } = layer(file) else {
            continue;
        };
        let face = *file == format!("{name}/mod.rs");
        for w in toks.windows(3) {
            match (&w[0].tok, &w[1].tok, &w[2].tok) {
                (Tok::Ident(m), Tok::Ident(sub), Tok::Punct(';')) if face && m == "mod" => {
                    rooms.get_mut(name).map(|subs| subs.insert(sub.clone()));
                }
                (Tok::Ident(key), Tok::Punct('='), Tok::Str(table)) if key == "table_name" => {
                    tables.insert(table.to_ascii_lowercase(), name);
                }
                _ => {}
            }
        }
    }
    let mut found = Vec::new();
    for (file, toks) in &lexed {
        let here = layer(file);
        let mut report = |line, what, rule| {
            found.push(Violation {
                file: file.to_string(),
                line,
                what,
                rule,
            })
        };
        for leaf in crate_paths(toks, &rooms) {
            if let Some(rule) = broken_rule(here, &leaf, &rooms) {
                report(leaf.line, leaf.describe(), rule);
            }
        }
        if *file != "kernel/clock.rs" {
            for w in toks.windows(3) {
                if let (Tok::Ident(ty), Tok::Colons, Tok::Ident(f)) =
                    (&w[0].tok, &w[1].tok, &w[2].tok)
                    && WALL_CLOCK.contains(&(ty.as_str(), f.as_str()))
                {
                    report(w[0].line, format!("{ty}::{f}"), 7);
                }
            }
        }
        if *file != "kernel/db.rs" {
            for w in toks.windows(4) {
                if let (Tok::Punct('.'), Tok::Ident(m), Tok::Punct('('), Tok::Punct(')')) =
                    (&w[0].tok, &w[1].tok, &w[2].tok, &w[3].tok)
                    && m == "begin"
                {
                    report(w[1].line, ".begin()".to_string(), 9);
                }
            }
        }
        if file.ends_with("model.rs") {
            for t in toks {
                if matches!(&t.tok, Tok::Ident(i) if i == "begin_write") {
                    report(t.line, "begin_write".to_string(), 10);
                }
            }
        }
        let Layer::Room { name, .. } = here else {
            continue;
        };
        for t in toks {
            let Tok::Str(text) = &t.tok else { continue };
            for (lines, table) in sql_tables(text) {
                if let Some(owner) = tables.get(table.as_str()).filter(|&&owner| owner != name) {
                    report(
                        t.line + lines,
                        format!("SQL on table {table} of {owner}"),
                        8,
                    );
                }
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

/// Every `.rs` file under `dir`, as (path relative to `root` with `/`, contents).
fn read_tree(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in fs::read_dir(dir).expect("readable src/") {
        let path = entry.expect("readable entry").path();
        if path.is_dir() {
            read_tree(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path.strip_prefix(root).expect("under src/").components();
            let rel: Vec<_> = rel.map(|c| c.as_os_str().to_string_lossy()).collect();
            out.push((
                rel.join("/"),
                fs::read_to_string(&path).expect("UTF-8 source"),
            ));
        }
    }
}

#[test]
fn layers_hold() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    read_tree(&src, &src, &mut files);
    let found = check(&files);
    let list: Vec<String> = found.iter().map(Violation::to_string).collect();
    assert!(
        found.is_empty(),
        "{} layering violations:\n{}\n",
        found.len(),
        list.join("\n")
    );
}

/// A planted tree, one file after each `@@ path` line: one breach of each kind, marked
/// `<-`, and look-alikes that must pass.
const FIXTURE: &str = r####"
@@ kernel/db.rs
use crate::kernel::clock::Clock;
use crate::shop::Order; // <- 1
/* crate::shop::Hidden /* nested */ crate::shop::StillHidden */
macro_rules! m { () => { $crate::shop::Fine } }
@@ kernel/clock.rs
fn now() -> i64 { OffsetDateTime::now_utc().unix_timestamp() }
@@ other/mod.rs
pub mod model;
pub(crate) mod rules;
mod views;
pub mod routes;
pub use model::Widget;
@@ other/model.rs
#[sea_orm(table_name = "widgets")]
pub struct Model;
pub async fn save(db: &Db) { let t = crate::kernel::db::begin_write(db).await; } // <- 10
@@ shop/mod.rs
pub mod model;
pub mod routes;
pub mod rules;
@@ shop/model.rs
#[sea_orm(table_name = "orders")]
pub struct Model;
const Q: &str = r#"SELECT "id" FROM "orders" o
    JOIN "widgets" w ON w.id = o.widget_id"#; // <- 8
const U: &str = "UPDATE \"widgets\" SET n = 1; SELECT 1 FROM seaql_migrations"; // <- 8
const R: &str = r##"a "# inside, then FROM widgets"##; // <- 8
@@ shop/rules.rs
use crate::web::Lang; // <- 2
pub fn quote() -> char { '"' }
pub fn longest<'a>(a: &'a str) -> &'a str { a }
pub fn now() -> i64 { OffsetDateTime::now_utc().unix_timestamp() } // <- 7
// OffsetDateTime::now_utc() in a comment
/// crate::web::Ctx in a doc comment
pub const S: &str = "OffsetDateTime::now_utc() and crate::web::Ctx in a string";
@@ shop/routes.rs
use crate::web::Ctx;
use crate::{kernel::money::Fen, other::{self, Widget,
    model::Gadget}}; // <- 4
use crate::pages::Board; // <- 3
pub fn f(k: other::rules::Knob) -> crate::other::Widget { todo!() } // <- 4
pub fn g() -> crate::shop::model::Model { todo!() }
@@ web/layout.rs
use crate::other::views::Panel; // <- 5
use crate::other::Widget;
use crate::pages::Board; // <- 5
@@ pages/board.rs
use crate::other::views::Panel;
use crate::other::routes::section;
pub fn f() -> u32 { crate::other::rules::y() } // <- 6
use crate::app::Server; // <- 6
use crate::{web::Ctx, kernel::Lang};
@@ app/server.rs
use crate::other::model::Anything;
let t = std::time::SystemTime::now(); // <- 7
let txn = db.begin().await?; // <- 9
let w = crate::kernel::db::begin_write(db).await?;
"####;

/// The fixture's files, as `check` takes them.
fn fixture() -> Vec<(String, String)> {
    let files = FIXTURE.split("\n@@ ").skip(1);
    let split = |f: &str| {
        f.split_once('\n')
            .map(|(p, src)| (p.to_string(), src.to_string()))
    };
    files.filter_map(split).collect()
}

#[test]
fn planted_breaches_are_found_and_nothing_else() {
    let found: Vec<(String, usize, usize)> = check(&fixture())
        .into_iter()
        .map(|v| (v.file, v.line, v.rule))
        .collect();
    let expected = [
        ("app/server.rs", 2, 7),
        ("app/server.rs", 3, 9),
        ("kernel/db.rs", 2, 1),
        ("other/model.rs", 3, 10),
        ("pages/board.rs", 3, 6),
        ("pages/board.rs", 4, 6),
        ("shop/model.rs", 4, 8),
        ("shop/model.rs", 5, 8),
        ("shop/model.rs", 6, 8),
        ("shop/routes.rs", 3, 4),
        ("shop/routes.rs", 4, 3),
        ("shop/routes.rs", 5, 4),
        ("shop/rules.rs", 1, 2),
        ("shop/rules.rs", 4, 7),
        ("web/layout.rs", 1, 5),
        ("web/layout.rs", 3, 5),
    ];
    let expected: Vec<(String, usize, usize)> = expected
        .iter()
        .map(|&(f, line, rule)| (f.to_string(), line, rule))
        .collect();
    assert_eq!(found, expected);
}

#[test]
fn use_groups_expand_to_one_path_per_leaf() {
    let toks = lex(
        "use crate::{a::{b,\n c}, d::e as f, g::*, h::{self}};\nlet x = crate::i::J::<u8>::new();",
    );
    let paths: Vec<(String, usize)> = crate_paths(&toks, &HashMap::new())
        .iter()
        .map(|leaf| (leaf.describe(), leaf.line))
        .collect();
    let expected = [
        ("crate::a::b", 1),
        ("crate::a::c", 2),
        ("crate::d::e", 2),
        ("crate::g::*", 2),
        ("crate::h", 2),
        ("crate::i::J", 3),
    ];
    let expected: Vec<(String, usize)> = expected
        .iter()
        .map(|&(p, line)| (p.to_string(), line))
        .collect();
    assert_eq!(paths, expected);
}
