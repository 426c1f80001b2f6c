//! The `framelens` command-line tool: parses arguments and calls the library.

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use framelens::ingest::{ColumnMap, IngestOptions};
use framelens::pipeline::{self, AnalyzeOptions};
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit code when everything worked.
const EXIT_OK: u8 = 0;
/// Exit code when the run finished but some inputs could not be read (see errors.csv).
const EXIT_PARTIAL: u8 = 3;
/// Exit code for a fatal error (bad arguments, unwritable output, bad model).
const EXIT_FATAL: u8 = 1;

#[derive(Parser)]
#[command(
    name = "framelens",
    version,
    about = "Show how a news story is told: framing spans, a classifier, outlet comparison."
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Analyse articles and write CSV/JSONL exports.
    Analyze(AnalyzeArgs),
}

#[derive(Args)]
struct InputArgs {
    /// Files, folders (searched recursively), .csv/.jsonl corpora, or - for stdin.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Outlet name for inputs that do not state one in a corpus column.
    #[arg(long)]
    outlet: Option<String>,
    /// Corpus column holding the article text.
    #[arg(long, default_value = "text")]
    text_col: String,
    /// Corpus column holding article HTML.
    #[arg(long, default_value = "html")]
    html_col: String,
    /// Corpus column holding the article id.
    #[arg(long, default_value = "id")]
    id_col: String,
    /// Corpus column holding the outlet.
    #[arg(long, default_value = "outlet")]
    outlet_col: String,
    /// Corpus column holding the publication date.
    #[arg(long, default_value = "published")]
    published_col: String,
    /// Corpus column holding the title.
    #[arg(long, default_value = "title")]
    title_col: String,
    /// Corpus column holding the URL.
    #[arg(long, default_value = "url")]
    url_col: String,
    /// Folder of lexicon files overriding the embedded ones.
    #[arg(long)]
    lexicon_dir: Option<PathBuf>,
    /// Model file to use instead of the embedded default model.
    #[arg(long)]
    model: Option<PathBuf>,
}

#[derive(Args)]
struct AnalyzeArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Output folder.
    #[arg(long, short)]
    out: PathBuf,
}

fn analyze_options(input: &InputArgs, out: PathBuf) -> AnalyzeOptions {
    let columns = ColumnMap {
        id: input.id_col.clone(),
        outlet: input.outlet_col.clone(),
        url: input.url_col.clone(),
        published: input.published_col.clone(),
        title: input.title_col.clone(),
        text: input.text_col.clone(),
        html: input.html_col.clone(),
        ..ColumnMap::default()
    };
    AnalyzeOptions {
        ingest: IngestOptions {
            columns,
            outlet: input.outlet.clone(),
            ..IngestOptions::default()
        },
        out,
        lexicon_dir: input.lexicon_dir.clone(),
        model: input.model.clone(),
        ..AnalyzeOptions::default()
    }
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.cmd {
        Cmd::Analyze(a) => {
            let opts = analyze_options(&a.input, a.out.clone());
            let summary =
                pipeline::run_analyze(&a.input.inputs, &opts).context("analyze failed")?;
            eprintln!(
                "framelens: {} articles written to {}; {} inputs failed{}",
                summary.articles,
                a.out.display(),
                summary.errors.len(),
                if summary.errors.is_empty() {
                    ""
                } else {
                    " (see errors.csv)"
                }
            );
            Ok(if summary.errors.is_empty() {
                EXIT_OK
            } else {
                EXIT_PARTIAL
            })
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("framelens: error: {e:#}");
            ExitCode::from(EXIT_FATAL)
        }
    }
}
