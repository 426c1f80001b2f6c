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
    /// Analyse articles and write the exports plus report.html and charts (PNG and SVG).
    Report(ReportArgs),
    /// Print the data dictionary: every column of every export.
    Schema(SchemaArgs),
    /// Combine the output folders of several runs (e.g. the shards of one run).
    Merge(MergeArgs),
    /// Measure analyze throughput and peak memory on a generated corpus.
    Bench(BenchArgs),
    /// Train a sentence framing model (and optionally the frame profile) from a labelled table.
    Train(TrainArgs),
    /// Cross-validate the sentence model (stratified k-fold, optional leave-one-group-out) or test it on a held-out file.
    Evaluate(EvaluateArgs),
    /// Cross-validate the frame profile (and genre) heads on the SemEval-2023 Task 3 folder.
    EvaluateFrames(EvaluateFramesArgs),
    /// Add a `framing_prob` column to every row of a CSV/TSV table of texts.
    Score(ScoreArgs),
    /// Draw the accuracy chart (PNG) from `evaluate --json` outputs.
    PlotMetrics(PlotMetricsArgs),
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
    /// CSV of outlet ratings you trust (a domain or outlet column and a
    /// rating column), shown beside the text-based reliability index.
    #[arg(long, value_name = "FILE.csv", value_parser = load_source_ratings)]
    source_ratings: Option<framelens::compare::ratings::SourceRatings>,
    /// Days either side of an article within which dated articles are
    /// grouped into one story by text similarity.
    #[arg(long, default_value_t = framelens::compare::DEFAULT_WINDOW_DAYS, value_name = "DAYS")]
    story_window_days: i64,
    /// Text similarity (TF-IDF cosine, 0-1) for an article to join a story.
    #[arg(long, default_value_t = framelens::compare::DEFAULT_STORY_THRESHOLD, value_name = "COSINE")]
    story_threshold: f64,
}

fn load_source_ratings(path: &str) -> Result<framelens::compare::ratings::SourceRatings, String> {
    framelens::compare::ratings::SourceRatings::load(std::path::Path::new(path))
        .map_err(|e| e.to_string())
}

#[derive(Args)]
struct AnalyzeArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Output folder.
    #[arg(long, short)]
    out: PathBuf,
    #[command(flatten)]
    scale: ScaleArgs,
}

#[derive(Args)]
struct ReportArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Output folder.
    #[arg(long, short)]
    out: PathBuf,
    /// Also write worksheet.html for a class: highlights hidden until
    /// revealed, questions from the data, and an answer key.
    #[arg(long)]
    worksheet: bool,
}

/// How a run uses the machine and which share of the input it takes.
#[derive(Args)]
struct ScaleArgs {
    /// Worker threads (default: all cores).
    #[arg(long, default_value_t = 0, hide_default_value = true)]
    threads: usize,
    /// Process only shard i of n (0-based), e.g. --shard 0/4; combine the
    /// shards' output folders with `framelens merge`.
    #[arg(long, value_name = "i/n")]
    shard: Option<pipeline::Shard>,
    /// Inputs per window: stories and comparisons are found within a window.
    #[arg(long, default_value_t = pipeline::DEFAULT_WINDOW)]
    window: usize,
    /// No progress bar (it is only drawn when stderr is a terminal anyway).
    #[arg(long, short)]
    quiet: bool,
    /// Write run statistics (time, throughput, peak memory) as JSON to this file.
    #[arg(long, hide = true)]
    stats_json: Option<PathBuf>,
}

impl ScaleArgs {
    fn apply(&self, opts: &mut AnalyzeOptions) {
        opts.threads = self.threads;
        opts.shard = self.shard.unwrap_or_default();
        opts.window = self.window.max(1);
        opts.progress = !self.quiet;
    }
}

#[derive(Args)]
struct SchemaArgs {
    /// Print JSON instead of Markdown.
    #[arg(long)]
    json: bool,
    /// Write to this file (atomically) instead of stdout, e.g. docs/DATA_DICTIONARY.md.
    #[arg(long, value_name = "FILE")]
    write: Option<PathBuf>,
}

#[derive(Args)]
struct MergeArgs {
    /// Output folders of finished runs (all shards of one run, or independent runs).
    #[arg(required = true)]
    dirs: Vec<PathBuf>,
    /// Folder to write the combined exports to.
    #[arg(long, short)]
    out: PathBuf,
}

#[derive(Args)]
struct BenchArgs {
    /// Articles in the generated corpus.
    #[arg(long, default_value_t = 20_000)]
    articles: usize,
    /// Seed of the corpus generator.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Thread counts to measure, comma-separated (0 = all cores).
    #[arg(long, value_delimiter = ',', default_value = "1,0")]
    threads: Vec<usize>,
    /// Runs per thread count (the fastest is reported).
    #[arg(long, default_value_t = 1)]
    repeat: usize,
    /// Work folder for the corpus and run outputs.
    #[arg(long, default_value = "target/bench")]
    dir: PathBuf,
    /// Only write the corpus (JSONL) to this file and stop.
    #[arg(long, value_name = "FILE")]
    generate: Option<PathBuf>,
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
        compare: framelens::compare::CompareOptions {
            window_days: input.story_window_days,
            story_threshold: input.story_threshold,
            source_ratings: input.source_ratings.clone(),
            ..Default::default()
        },
        ..AnalyzeOptions::default()
    }
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.cmd {
        Cmd::Analyze(a) => {
            let mut opts = analyze_options(&a.input, a.out.clone());
            a.scale.apply(&mut opts);
            let started = std::time::Instant::now();
            let summary =
                pipeline::run_analyze(&a.input.inputs, &opts).context("analyze failed")?;
            if let Some(p) = &a.scale.stats_json {
                let stats = framelens::bench::RunStats {
                    threads: framelens::bench::effective_threads(opts.threads),
                    articles: summary.articles,
                    errors: summary.error_count,
                    windows: summary.windows,
                    text_bytes: summary.text_bytes,
                    seconds: started.elapsed().as_secs_f64(),
                    peak_rss_kb: framelens::bench::peak_rss_kb(),
                    cpu_seconds: framelens::bench::cpu_seconds(),
                };
                std::fs::write(p, serde_json::to_vec_pretty(&stats)?)
                    .with_context(|| format!("writing {}", p.display()))?;
            }
            eprintln!(
                "framelens: {} articles written to {}; {} inputs failed{}",
                summary.articles,
                a.out.display(),
                summary.error_count,
                if summary.error_count == 0 {
                    ""
                } else {
                    " (see errors.csv)"
                }
            );
            Ok(if summary.error_count == 0 {
                EXIT_OK
            } else {
                EXIT_PARTIAL
            })
        }
        Cmd::Report(r) => {
            let opts = pipeline::ReportOptions {
                analyze: analyze_options(&r.input, r.out.clone()),
                html: framelens::report::html::HtmlOptions {
                    worksheet: r.worksheet,
                    ..Default::default()
                },
            };
            let summary = pipeline::run_report(&r.input.inputs, &opts).context("report failed")?;
            eprintln!(
                "framelens: report of {} articles written to {}; {} inputs failed{}",
                summary.articles,
                r.out.join("report.html").display(),
                summary.error_count,
                if summary.error_count == 0 {
                    ""
                } else {
                    " (see errors.csv)"
                }
            );
            Ok(if summary.error_count == 0 {
                EXIT_OK
            } else {
                EXIT_PARTIAL
            })
        }
        Cmd::Schema(s) => {
            use framelens::report::dictionary;
            let text = if s.json {
                dictionary::json()
            } else {
                dictionary::markdown()
            };
            match &s.write {
                Some(p) => framelens::report::atomic::write_file(p, text.as_bytes())?,
                None => {
                    use std::io::Write;
                    std::io::stdout().write_all(text.as_bytes())?;
                }
            }
            Ok(EXIT_OK)
        }
        Cmd::Merge(m) => {
            let s = framelens::merge::merge(&m.dirs, &m.out).context("merge failed")?;
            for f in &s.unordered {
                eprintln!("framelens: warning: {f}: no per-window row counts; rows concatenated in folder order");
            }
            if !s.skipped.is_empty() {
                eprintln!(
                    "framelens: not merged (not CSV/JSONL): {}",
                    s.skipped.join(", ")
                );
            }
            eprintln!(
                "framelens: merged {} folders into {}: {} articles, {} failed inputs{}",
                m.dirs.len(),
                m.out.display(),
                s.articles,
                s.errors,
                if s.errors == 0 {
                    ""
                } else {
                    " (see errors.csv)"
                }
            );
            Ok(if s.errors == 0 { EXIT_OK } else { EXIT_PARTIAL })
        }
        Cmd::Bench(b) => {
            use framelens::bench;
            if let Some(p) = &b.generate {
                if let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)
                        .with_context(|| format!("creating {}", dir.display()))?;
                }
                let f = std::fs::File::create(p)
                    .with_context(|| format!("creating {}", p.display()))?;
                let mut w = std::io::BufWriter::new(f);
                let st = framelens::synth::write_jsonl(
                    &framelens::synth::SynthOptions {
                        articles: b.articles,
                        seed: b.seed,
                    },
                    &mut w,
                )
                .with_context(|| format!("writing {}", p.display()))?;
                use std::io::Write;
                w.flush()?;
                eprintln!(
                    "framelens: wrote {} articles ({:.1} MB of text) to {}",
                    st.articles,
                    st.text_bytes as f64 / 1e6,
                    p.display()
                );
                return Ok(EXIT_OK);
            }
            let opts = bench::BenchOptions {
                articles: b.articles,
                seed: b.seed,
                dir: b.dir.clone(),
                threads: b.threads.clone(),
                exe: std::env::current_exe().context("finding the framelens binary")?,
                repeat: b.repeat,
            };
            let (st, rows) = bench::run(&opts)?;
            print!("{}", bench::table(&st, &rows));
            Ok(EXIT_OK)
        }
        Cmd::Train(a) => model_cli::train(a),
        Cmd::Evaluate(a) => model_cli::evaluate(a),
        Cmd::EvaluateFrames(a) => model_cli::evaluate_frames(a),
        Cmd::Score(a) => model_cli::score(a),
        Cmd::PlotMetrics(a) => model_cli::plot_metrics(a),
    }
}

mod model_cli;
use model_cli::{EvaluateArgs, EvaluateFramesArgs, PlotMetricsArgs, ScoreArgs, TrainArgs};

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
