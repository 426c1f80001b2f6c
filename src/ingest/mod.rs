//! Stage 1: ingest.
//!
//! Takes: input paths (files, folders searched recursively, `.csv`/`.tsv`/
//! `.jsonl` corpora, or `-` for stdin) and [`IngestOptions`].
//! Gives: a lazy stream of `Result<RawDoc, InputError>` in input order, one
//! item per page or corpus row. Nothing is dropped silently: unreadable
//! inputs become [`InputError`]s that name the file (or `file:LINE`) and the
//! reason.
//!
//! # What is read, and how
//! - Folders are walked recursively in path order (entries sorted byte-wise
//!   by name at each level), so runs are deterministic.
//! - `.txt`, `.text`, `.md`, `.markdown`: a page as a scraper saved it
//!   ([`DocFormat::Text`]; a `.txt` whose content starts like an HTML
//!   document is read as HTML, with a note). `.html`, `.htm`, `.xhtml`:
//!   [`DocFormat::Html`].
//! - `.csv` (comma), `.tsv`/`.tab` (tab), `.jsonl`/`.ndjson`: corpora, one
//!   article per row, streamed row by row (memory stays bounded by the
//!   largest row, never the whole file). Columns are named by
//!   [`ColumnMap`]; a row needs a `text` or an `html` value. Corpus columns
//!   fill [`UserMeta`] and win over what extraction reads from the page.
//!   Row sources are `file:LINE` (see [`RawDoc::source`]).
//! - `-` reads stdin (source name [`STDIN_SOURCE`]) and sniffs it: JSONL if the first line is a JSON
//!   object, CSV/TSV if the first line is a header naming the text or html
//!   column, HTML if it starts like an HTML document, else plain text.
//!   A file named explicitly with another extension is sniffed the same way.
//! - Files inside a folder with any other extension, hidden entries (names
//!   starting with `.`, not descended into), documentation files (`README`,
//!   `LICENSE`, `CHANGELOG`, ... with any extension) and special files are
//!   **not read, and each is reported** as an [`InputError`] whose reason
//!   starts with `skipped:`, so it shows in `errors.csv` (a caller may treat
//!   `skipped:` rows as notes rather than failures). An empty folder is
//!   reported too. Files named explicitly are always read.
//!
//! # Decoding
//! A UTF-8 BOM is stripped; UTF-16 with a BOM is decoded. Invalid UTF-8 is
//! decoded from the legacy encoding `chardetng` detects (with
//! [`RawDoc::encoding_note`] saying so); UTF-8 with a few damaged bytes is
//! decoded lossily, with a note. Binary files (magic numbers, NUL bytes, a
//! high share of control bytes), empty or whitespace-only files and
//! documents over [`IngestOptions::max_doc_bytes`] are errors.
//!
//! # Broken corpora
//! A malformed JSONL line is an error for that `file:LINE`; the following
//! lines are still read. In CSV, a row with a broken quote is reported with
//! its line number and the reader resynchronises on the next line, so the
//! other rows are still read (see `csv_rows`).

mod corpus;
mod csv_rows;
mod decode;
mod lines;

use std::collections::HashSet;
use std::ffi::OsStr;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The format of a raw document's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DocFormat {
    /// Plain text as a scraper saved it (`.txt`, `.md`, a corpus `text` cell).
    Text,
    /// HTML (`.html`, `.htm`, a corpus `html` cell).
    Html,
}

/// Metadata supplied by the user or by corpus columns. It always wins over
/// what extraction guesses from the page.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct UserMeta {
    pub id: Option<String>,
    pub outlet: Option<String>,
    pub url: Option<String>,
    pub published: Option<String>,
    pub title: Option<String>,
    pub byline: Option<String>,
    pub language: Option<String>,
    /// A `story` column: overrides automatic story grouping.
    pub story: Option<String>,
}

/// One document as read, before extraction.
#[derive(Debug, Clone, PartialEq)]
pub struct RawDoc {
    /// Input order, 0-based, over the whole run (errors included).
    pub seq: usize,
    /// Where it came from: the file path as given (for files found in a
    /// folder: the folder as given joined with the relative path),
    /// [`STDIN_SOURCE`] (`<stdin>`) for stdin, or `file:LINE` for a corpus
    /// row. LINE is the 1-based physical line on which the row starts: the
    /// header is line 1, and for rows without embedded newlines it equals
    /// the row number a spreadsheet shows; a CSV row whose quoted text spans
    /// several lines is named by its first line, so `sed -n LINEp file`
    /// finds it.
    pub source: String,
    pub format: DocFormat,
    /// Decoded content (always valid UTF-8).
    pub content: String,
    pub meta: UserMeta,
    /// Set when the bytes were not UTF-8 and were decoded from a detected
    /// legacy encoding, e.g. `decoded from windows-1252`.
    pub encoding_note: Option<String>,
}

/// An input that could not be turned into a document. Goes to `errors.csv`.
///
/// (`std::error::Error` is implemented by hand: thiserror would treat the
/// field named `source` as a wrapped error.)
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InputError {
    /// Input order, 0-based, shared with [`RawDoc::seq`].
    pub seq: usize,
    /// File path, or `file:row`.
    pub source: String,
    /// Human-readable reason.
    pub reason: String,
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.source, self.reason)
    }
}

impl std::error::Error for InputError {}

/// Column names for corpora (`--col-text` etc. rename them).
#[derive(Debug, Clone)]
pub struct ColumnMap {
    pub id: String,
    pub outlet: String,
    pub url: String,
    pub published: String,
    pub title: String,
    pub text: String,
    pub html: String,
    pub byline: String,
    pub language: String,
    pub story: String,
}

impl Default for ColumnMap {
    fn default() -> Self {
        ColumnMap {
            id: "id".into(),
            outlet: "outlet".into(),
            url: "url".into(),
            published: "published".into(),
            title: "title".into(),
            text: "text".into(),
            html: "html".into(),
            byline: "byline".into(),
            language: "language".into(),
            story: "story".into(),
        }
    }
}

/// Options for [`ingest`].
#[derive(Debug, Clone)]
pub struct IngestOptions {
    pub columns: ColumnMap,
    /// `--outlet`: applied to every document that has no outlet column value.
    pub outlet: Option<String>,
    /// Largest single document accepted, in bytes; larger ones are errors.
    pub max_doc_bytes: usize,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            columns: ColumnMap::default(),
            outlet: None,
            max_doc_bytes: 64 * 1024 * 1024,
        }
    }
}

/// A single ingest item.
pub type IngestItem = Result<RawDoc, InputError>;

/// Item stream of one input (a page, a corpus, stdin).
type Items = Box<dyn Iterator<Item = IngestItem> + Send>;

/// File extensions read as pages or corpora (lower case).
pub const SUPPORTED_EXTENSIONS: &[&str] = &[
    "txt", "text", "md", "markdown", "html", "htm", "xhtml", "csv", "tsv", "tab", "jsonl", "ndjson",
];

/// The source name of documents read from stdin (`-`): `<stdin>`, or
/// `<stdin>:LINE` for corpus rows. (Not `-`, which spreadsheets would take
/// for the start of a formula.)
pub const STDIN_SOURCE: &str = "<stdin>";

/// How many bytes are sniffed at the start of stdin / unknown files.
const SNIFF_BYTES: usize = 64 * 1024;

/// Read all inputs, lazily, in order. See the module docs.
pub fn ingest(
    inputs: &[PathBuf],
    opts: &IngestOptions,
) -> Box<dyn Iterator<Item = IngestItem> + Send> {
    Box::new(Ingest {
        opts: Arc::new(opts.clone()),
        inputs: inputs.iter().cloned().collect(),
        walk: None,
        current: None,
        seq: 0,
    })
}

struct Ingest {
    opts: Arc<IngestOptions>,
    inputs: std::collections::VecDeque<PathBuf>,
    walk: Option<Walk>,
    current: Option<Items>,
    seq: usize,
}

impl Ingest {
    fn number(&mut self, mut item: IngestItem) -> IngestItem {
        match &mut item {
            Ok(d) => d.seq = self.seq,
            Err(e) => e.seq = self.seq,
        }
        self.seq += 1;
        item
    }
}

impl Iterator for Ingest {
    type Item = IngestItem;

    fn next(&mut self) -> Option<IngestItem> {
        loop {
            if let Some(cur) = self.current.as_mut() {
                if let Some(item) = cur.next() {
                    return Some(self.number(item));
                }
                self.current = None;
            }
            if let Some(walk) = self.walk.as_mut() {
                match walk.next() {
                    Some(WalkItem::File(p)) => {
                        self.current = Some(open_file(&p, true, &self.opts));
                    }
                    Some(WalkItem::Skip(p, reason)) => {
                        let e = error(display(&p), reason);
                        return Some(self.number(e));
                    }
                    None => {
                        let walk = self.walk.take().expect("walk is set");
                        if walk.found == 0 {
                            let e = error(display(&walk.root), "folder contains no files");
                            return Some(self.number(e));
                        }
                    }
                }
                continue;
            }
            let input = self.inputs.pop_front()?;
            if input.as_os_str() == "-" {
                self.current = Some(open_stdin(&self.opts));
                continue;
            }
            match std::fs::metadata(&input) {
                Err(e) => {
                    let e = error(display(&input), io_reason(&e));
                    return Some(self.number(e));
                }
                Ok(m) if m.is_dir() => self.walk = Some(Walk::new(input)),
                Ok(_) => self.current = Some(open_file(&input, false, &self.opts)),
            }
        }
    }
}

fn display(p: &Path) -> String {
    p.display().to_string()
}

fn error(source: String, reason: impl Into<String>) -> IngestItem {
    Err(InputError {
        seq: 0,
        source,
        reason: reason.into(),
    })
}

fn io_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "not found".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => format!("cannot read: {e}"),
    }
}

/// What kind of input a file is, by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Html,
    Csv(u8),
    Jsonl,
}

fn kind_of(path: &Path) -> Option<Kind> {
    let ext = path
        .extension()
        .and_then(OsStr::to_str)?
        .to_ascii_lowercase();
    Some(match ext.as_str() {
        "txt" | "text" | "md" | "markdown" => Kind::Text,
        "html" | "htm" | "xhtml" => Kind::Html,
        "csv" => Kind::Csv(b','),
        "tsv" | "tab" => Kind::Csv(b'\t'),
        "jsonl" | "ndjson" => Kind::Jsonl,
        _ => return None,
    })
}

/// Open one file as a stream of items. `in_folder`: found by walking a
/// folder (unknown extensions are skipped and reported) rather than named
/// by the user (unknown extensions are sniffed).
fn open_file(path: &Path, in_folder: bool, opts: &Arc<IngestOptions>) -> Items {
    let source = display(path);
    if in_folder && is_documentation(path) {
        let reason = "skipped: documentation file (README, LICENSE, ...), not a page";
        return Box::new(std::iter::once(error(source, reason)));
    }
    let kind = match kind_of(path) {
        Some(k) => k,
        None if in_folder => {
            let ext = path
                .extension()
                .map(|e| format!("'.{}'", e.to_string_lossy()))
                .unwrap_or_else(|| "no extension".into());
            let reason = format!(
                "skipped: unsupported file type ({ext}; read are .{})",
                SUPPORTED_EXTENSIONS.join(" .")
            );
            return Box::new(std::iter::once(error(source, reason)));
        }
        None => match sniff_file(path, opts) {
            Ok(k) => k,
            Err(e) => return Box::new(std::iter::once(error(source, io_reason(&e)))),
        },
    };
    match kind {
        Kind::Text | Kind::Html => {
            let path = path.to_path_buf();
            let opts = Arc::clone(opts);
            Box::new(std::iter::once_with(move || {
                read_page(&path, source, kind == Kind::Html, &opts)
            }))
        }
        Kind::Csv(delim) => match File::open(path) {
            Ok(f) => Box::new(corpus::CsvSource::new(
                source,
                BufReader::with_capacity(256 * 1024, f),
                delim,
                Arc::clone(opts),
            )),
            Err(e) => Box::new(std::iter::once(error(source, io_reason(&e)))),
        },
        Kind::Jsonl => match File::open(path) {
            Ok(f) => Box::new(corpus::JsonlSource::new(
                source,
                BufReader::with_capacity(256 * 1024, f),
                Arc::clone(opts),
            )),
            Err(e) => Box::new(std::iter::once(error(source, io_reason(&e)))),
        },
    }
}

/// Project documentation that sits in folders of pages (`README.md`,
/// `LICENSE`, `CHANGELOG.txt`, ...): not articles.
fn is_documentation(path: &Path) -> bool {
    const DOCS: &[&str] = &[
        "AUTHORS",
        "CHANGELOG",
        "CHANGES",
        "CONTRIBUTING",
        "COPYING",
        "LICENCE",
        "LICENSE",
        "NOTICE",
        "README",
    ];
    let Some(stem) = path.file_stem().and_then(OsStr::to_str) else {
        return false;
    };
    let upper = stem.to_ascii_uppercase();
    DOCS.iter().any(|d| {
        upper == *d || upper.starts_with(&format!("{d}-")) || upper.starts_with(&format!("{d}_"))
    })
}

fn kind_from_sniff(s: decode::Sniffed) -> Kind {
    match s {
        decode::Sniffed::Jsonl => Kind::Jsonl,
        decode::Sniffed::Csv(d) => Kind::Csv(d),
        decode::Sniffed::Html => Kind::Html,
        decode::Sniffed::Text => Kind::Text,
    }
}

fn sniff_file(path: &Path, opts: &IngestOptions) -> io::Result<Kind> {
    let mut head = Vec::new();
    File::open(path)?
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)?;
    Ok(kind_from_sniff(decode::sniff(
        &head,
        &opts.columns.text,
        &opts.columns.html,
    )))
}

fn too_large(len: u64, opts: &IngestOptions) -> String {
    format!(
        "document is {len} bytes, larger than the limit of {} bytes",
        opts.max_doc_bytes
    )
}

/// Read a single page file.
fn read_page(path: &Path, source: String, html: bool, opts: &IngestOptions) -> IngestItem {
    let len = match std::fs::metadata(path) {
        Ok(m) => m.len(),
        Err(e) => return error(source, io_reason(&e)),
    };
    if len > opts.max_doc_bytes as u64 {
        return error(source, too_large(len, opts));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    let read = File::open(path).and_then(|f| {
        f.take(opts.max_doc_bytes as u64 + 1)
            .read_to_end(&mut bytes)
    });
    if let Err(e) = read {
        return error(source, io_reason(&e));
    }
    if bytes.len() > opts.max_doc_bytes {
        return error(source, too_large(bytes.len() as u64, opts));
    }
    page_doc(source, &bytes, html, opts)
}

/// Turn the bytes of one page into a document.
fn page_doc(source: String, bytes: &[u8], html: bool, opts: &IngestOptions) -> IngestItem {
    let decoded = match decode::decode_document(bytes) {
        Ok(d) => d,
        Err(reason) => return error(source, reason),
    };
    let mut note = decoded.note;
    let mut format = if html {
        DocFormat::Html
    } else {
        DocFormat::Text
    };
    if !html && decode::sniff(decoded.text.as_bytes(), "\0", "\0") == decode::Sniffed::Html {
        format = DocFormat::Html;
        let n = "content is an HTML document; read as HTML";
        note = Some(match note {
            Some(prev) => format!("{prev}; {n}"),
            None => n.to_string(),
        });
    }
    Ok(RawDoc {
        seq: 0,
        source,
        format,
        content: decoded.text,
        meta: UserMeta {
            outlet: opts.outlet.clone(),
            ..UserMeta::default()
        },
        encoding_note: note,
    })
}

/// Read stdin: sniff the first bytes, then stream a corpus or read one page.
fn open_stdin(opts: &Arc<IngestOptions>) -> Items {
    let source = STDIN_SOURCE.to_string();
    let mut stdin = io::stdin();
    let mut head = Vec::new();
    if let Err(e) = (&mut stdin).take(SNIFF_BYTES as u64).read_to_end(&mut head) {
        return Box::new(std::iter::once(error(source, io_reason(&e))));
    }
    let kind = kind_from_sniff(decode::sniff(&head, &opts.columns.text, &opts.columns.html));
    let reader = BufReader::with_capacity(256 * 1024, io::Cursor::new(head).chain(stdin));
    match kind {
        Kind::Jsonl => Box::new(corpus::JsonlSource::new(source, reader, Arc::clone(opts))),
        Kind::Csv(d) => Box::new(corpus::CsvSource::new(source, reader, d, Arc::clone(opts))),
        Kind::Text | Kind::Html => {
            let mut bytes = Vec::new();
            let limit = opts.max_doc_bytes as u64 + 1;
            if let Err(e) = reader.take(limit).read_to_end(&mut bytes) {
                return Box::new(std::iter::once(error(source, io_reason(&e))));
            }
            let item = if bytes.len() > opts.max_doc_bytes {
                error(source, too_large(bytes.len() as u64, opts))
            } else {
                page_doc(source, &bytes, kind == Kind::Html, opts)
            };
            Box::new(std::iter::once(item))
        }
    }
}

enum WalkItem {
    File(PathBuf),
    Skip(PathBuf, String),
}

/// Depth-first folder walk in sorted order, guarding against symlink loops.
struct Walk {
    root: PathBuf,
    /// Paths still to visit; the next one is at the end.
    stack: Vec<PathBuf>,
    visited: HashSet<PathBuf>,
    started: bool,
    /// Items produced (files and skips).
    found: usize,
}

impl Walk {
    fn new(root: PathBuf) -> Self {
        Walk {
            root,
            stack: Vec::new(),
            visited: HashSet::new(),
            started: false,
            found: 0,
        }
    }

    /// Push the entries of `dir`, sorted, so the smallest is popped first.
    fn expand(&mut self, dir: &Path) -> Result<(), String> {
        let canon = std::fs::canonicalize(dir).map_err(|e| io_reason(&e))?;
        if !self.visited.insert(canon) {
            return Err("skipped: folder already visited (symlink loop)".into());
        }
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| io_reason(&e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
        self.stack.extend(entries.into_iter().rev());
        Ok(())
    }

    fn next(&mut self) -> Option<WalkItem> {
        if !self.started {
            self.started = true;
            let root = self.root.clone();
            if let Err(reason) = self.expand(&root) {
                self.found += 1;
                return Some(WalkItem::Skip(root, reason));
            }
        }
        while let Some(p) = self.stack.pop() {
            let hidden = p
                .file_name()
                .and_then(OsStr::to_str)
                .is_some_and(|n| n.starts_with('.'));
            if hidden {
                self.found += 1;
                return Some(WalkItem::Skip(
                    p,
                    "skipped: hidden file or folder (name starts with '.')".into(),
                ));
            }
            match std::fs::metadata(&p) {
                Err(e) => {
                    self.found += 1;
                    return Some(WalkItem::Skip(p, io_reason(&e)));
                }
                Ok(m) if m.is_dir() => {
                    if let Err(reason) = self.expand(&p) {
                        self.found += 1;
                        return Some(WalkItem::Skip(p, reason));
                    }
                }
                Ok(m) if m.is_file() => {
                    self.found += 1;
                    return Some(WalkItem::File(p));
                }
                Ok(_) => {
                    self.found += 1;
                    return Some(WalkItem::Skip(p, "skipped: not a regular file".into()));
                }
            }
        }
        None
    }
}
