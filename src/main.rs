//! The `ocrpdf` binary: parse arguments, run the library, map the result to
//! an exit code. Nothing else lives here.

mod cli;

use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};
use ocrpdf::input::PageRef;
use ocrpdf::report::{Body, CleanPageReport, DocumentReport, PageReport, Record, WatchReport};
use ocrpdf::{ErrorKind, Progress};
use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

static CANCEL: AtomicBool = AtomicBool::new(false);

fn main() -> ExitCode {
    single_threaded_openmp();
    ocrpdf::return_page_buffers();
    let cli = match cli::Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                ErrorKind::BadArgs.exit_code()
            } else {
                0
            });
        }
    };
    let _ = ctrlc::set_handler(|| CANCEL.store(true, Ordering::SeqCst));
    match &cli.command {
        Some(cli::Command::Clean(args)) => run_clean(args),
        Some(cli::Command::Watch(args)) => run_watch(args),
        Some(cli::Command::SeparatorSheet(args)) => run_sheet(args),
        Some(cli::Command::Batch(args)) => run_batch(args),
        #[cfg(feature = "queue")]
        Some(cli::Command::Queue(args)) => run_queue(args),
        #[cfg(feature = "queue")]
        Some(cli::Command::Worker(args)) => run_worker(args),
        None => run_pdf(&cli.pdf),
    }
}

/// One `--json` line on standard output. A failed write (a closed pipe)
/// is ignored where `println!` would panic: the output is written either
/// way, and the exit code says how that went.
fn print_record(body: Body) {
    let _ = Record::new(body).write_line(std::io::stdout().lock());
}

/// Arguments that parse but do not fit together: the reason, exit 1.
fn bad_args(msg: &str) -> ExitCode {
    eprintln!("ocrpdf: {msg}");
    ExitCode::from(ErrorKind::BadArgs.exit_code())
}

fn fail(e: &ocrpdf::Error) -> ExitCode {
    eprintln!("ocrpdf: {e}");
    ExitCode::from(e.kind().exit_code())
}

fn run_pdf(args: &cli::PdfArgs) -> ExitCode {
    let (job, opts) = match args.to_job() {
        Ok(c) => c,
        Err(msg) => return bad_args(&msg),
    };
    let (quiet, verbose) = (args.common.quiet, args.common.verbose);
    if verbose {
        // Which model reads the pages matters for accuracy; say where it is.
        if let Ok(dir) =
            ocrpdf::ocr::check_languages(&opts.ocr.languages, opts.ocr.tessdata.as_deref())
        {
            eprintln!("OCR models: {} from {}", opts.ocr.languages, dir.display());
        }
    }
    let progress = Bar::new(quiet);
    let started = std::time::Instant::now();
    let summary = match ocrpdf::convert(&job, &opts, &progress, &CANCEL) {
        Ok(s) => s,
        Err(e) => {
            progress.bar.abandon();
            return fail(&e);
        }
    };
    progress.bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    let outputs: Vec<std::path::PathBuf> = summary
        .parts
        .iter()
        .map(|p| p.output.canonicalize().unwrap_or(p.output.clone()))
        .collect();
    for (k, part) in summary.parts.iter().enumerate() {
        let pages = &summary.pages[part.pages.clone()];
        for (i, p) in pages.iter().enumerate() {
            if args.json {
                print_record(Body::Page(PageReport::new(i + 1, p)));
            }
            if verbose {
                eprintln!("{}", p.describe());
            }
        }
        if args.json {
            print_record(Body::Document(DocumentReport::line(
                &summary.part(k),
                &outputs[k],
                seconds,
            )));
        }
    }
    if verbose || !quiet && !summary.dropped.is_empty() {
        for d in &summary.dropped {
            eprintln!("{}", d.describe());
        }
    }
    if !quiet {
        if let Some(notice) = summary.kept_notice() {
            eprintln!("ocrpdf: {notice}");
        }
        for w in ocrpdf::report::document_warnings(&summary) {
            match &w.input {
                Some(input) => eprintln!("ocrpdf: warning: {input}: {}", w.message),
                None => eprintln!("ocrpdf: warning: {}", w.message),
            }
        }
    }
    if args.print_path {
        for o in &outputs {
            println!("{}", o.display());
        }
    }
    if !quiet {
        for part in &summary.parts {
            eprintln!("{}", part.describe(seconds));
        }
    }
    if args.open {
        for o in &outputs {
            open_in_viewer(o);
        }
    }
    ExitCode::SUCCESS
}

fn run_sheet(args: &cli::SheetArgs) -> ExitCode {
    use ocrpdf::stack::sheet::{SheetKind, write_separator_sheet};
    let kind = match &args.qr {
        Some(text) => SheetKind::Qr(text.clone()),
        None => SheetKind::PatchT,
    };
    match write_separator_sheet(&args.output, &kind, args.paper) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

/// Hand the PDF to the desktop's viewer and do not wait for it. A missing
/// viewer is reported, not fatal: the PDF is written either way.
fn open_in_viewer(pdf: &std::path::Path) {
    use std::process::{Command, Stdio};
    let spawned = Command::new("xdg-open")
        .arg(pdf)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    if let Err(e) = spawned {
        eprintln!(
            "ocrpdf: warning: could not open {} with xdg-open: {e}",
            pdf.display()
        );
    }
}

fn run_watch(args: &cli::WatchArgs) -> ExitCode {
    let cfg = match args.to_config() {
        Ok(c) => c,
        Err(msg) => return bad_args(&msg),
    };
    let log = WatchLog {
        quiet: args.common.quiet,
        verbose: args.common.verbose,
        json: args.json,
    };
    match ocrpdf::watch::watch(&cfg, &log, &CANCEL) {
        Ok(totals) => match totals.first_failure {
            Some(kind) => ExitCode::from(kind.exit_code()),
            None => ExitCode::SUCCESS,
        },
        Err(ocrpdf::Error::Interrupted) => {
            if !args.common.quiet {
                eprintln!("ocrpdf watch: stopped; unfinished documents stay in the inbox");
            }
            ExitCode::from(ErrorKind::Interrupted.exit_code())
        }
        Err(e) => fail(&e),
    }
}

/// One line per document on stderr (`-q`: failures only), and with
/// `--json` one object per document on stdout.
struct WatchLog {
    quiet: bool,
    verbose: bool,
    json: bool,
}

impl ocrpdf::watch::Events for WatchLog {
    fn document(&self, o: &ocrpdf::watch::Outcome) {
        if self.json {
            print_record(Body::WatchDocument(WatchReport::from(o)));
        }
        match o.describe() {
            Some(line) if o.failure.is_some() => eprintln!("ocrpdf watch: {line}"),
            Some(line) if !self.quiet => eprintln!("{line}"),
            _ => {}
        }
        for w in &o.warnings {
            let page = w.page.map_or(String::new(), |p| format!(" page {p}"));
            eprintln!(
                "ocrpdf watch: warning: {}{page}: {}",
                o.input.display(),
                w.message
            );
        }
    }

    fn note(&self, level: ocrpdf::watch::Level, message: &str) {
        use ocrpdf::watch::Level;
        let show = match level {
            Level::Detail => self.verbose,
            Level::Info => !self.quiet,
            Level::Warning => true,
        };
        if show {
            eprintln!("ocrpdf watch: {message}");
        }
    }
}

fn run_clean(args: &cli::CleanArgs) -> ExitCode {
    let cfg = args.to_config();
    if args.json && cfg.target == ocrpdf::export::Target::Stdout {
        return bad_args("--json and an image on standard output (-o -) cannot share it");
    }
    let (quiet, verbose) = (args.common.quiet, args.common.verbose);
    let progress = Bar::new(quiet);
    let outcome = match ocrpdf::export::export(&cfg, &progress, &CANCEL) {
        Ok(o) => o,
        Err(e) => {
            progress.bar.abandon();
            return fail(&e);
        }
    };
    progress.bar.finish_and_clear();
    for r in &outcome.written {
        if args.json {
            print_record(Body::CleanPage(CleanPageReport::from(r)));
        }
        if verbose {
            eprintln!(
                "{} -> {}: {}, skew {:+.2}°, turned {}°",
                r.label,
                r.output.display(),
                r.kind,
                r.skew_deg,
                r.rotated_deg
            );
        }
    }
    if !quiet {
        for r in &outcome.written {
            for w in &r.warnings {
                eprintln!("ocrpdf: warning: {}: {}", r.label, w.message);
            }
        }
    }
    for e in &outcome.errors {
        eprintln!("ocrpdf: {e}");
    }
    if !quiet && cfg.target != ocrpdf::export::Target::Stdout {
        eprintln!(
            "{} page{} written, {} failed",
            outcome.written.len(),
            ocrpdf::internals::plural(outcome.written.len()),
            outcome.errors.len()
        );
    }
    match outcome.errors.first() {
        Some(e) => ExitCode::from(e.kind().exit_code()),
        None => ExitCode::SUCCESS,
    }
}

fn run_batch(args: &cli::BatchArgs) -> ExitCode {
    let cfg = match args.to_config() {
        Ok(c) => c,
        Err(msg) => return bad_args(&msg),
    };
    let log = BatchLog {
        quiet: args.common.quiet,
    };
    match ocrpdf::batch::run(&cfg, &log, &CANCEL) {
        Ok(summary) => {
            let code = summary.exit_code;
            if !args.common.quiet {
                eprintln!(
                    "ocrpdf batch: {} documents: {} done, {} skipped, {} failed, {:.1} s",
                    summary.documents,
                    summary.done,
                    summary.skipped,
                    summary.failed,
                    summary.seconds
                );
            }
            print_record(Body::BatchSummary(summary));
            ExitCode::from(code)
        }
        Err(e) => fail(&e),
    }
}

/// A line per document on stderr (`-q`: failures only); the JSON lines
/// always go to stdout.
struct BatchLog {
    quiet: bool,
}

impl ocrpdf::batch::Events for BatchLog {
    fn document(&self, r: &ocrpdf::report::BatchReport) {
        print_record(Body::BatchDocument(r.clone()));
        if r.error.is_some() {
            eprintln!("ocrpdf batch: {}", r.describe());
        } else if !self.quiet {
            eprintln!("{}", r.describe());
        }
    }
}

#[cfg(feature = "queue")]
fn run_queue(args: &cli::QueueArgs) -> ExitCode {
    use cli::QueueAction;
    let db = match &args.action {
        QueueAction::Init(d) | QueueAction::Status(d) | QueueAction::Add { db: d, .. } => d,
    };
    let result = ocrpdf::queue::Queue::connect(&db.db).and_then(|mut q| match &args.action {
        QueueAction::Init(_) => q.init(),
        QueueAction::Add { sources, .. } => q.add(sources).map(|ids| {
            eprintln!("ocrpdf queue: {} job(s) added", ids.len());
        }),
        QueueAction::Status(_) => q.status().map(|counts| {
            for (state, n) in counts {
                println!("{state} {n}");
            }
        }),
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

#[cfg(feature = "queue")]
fn run_worker(args: &cli::WorkerArgs) -> ExitCode {
    let cfg = match args.to_config() {
        Ok(c) => c,
        Err(msg) => return bad_args(&msg),
    };
    let quiet = args.common.quiet;
    let log = |line: &str| {
        if !quiet {
            eprintln!("ocrpdf worker: {line}");
        }
    };
    match ocrpdf::queue::run(&cfg, &log, &CANCEL) {
        Ok(t) => {
            log(&format!(
                "stopped: {} done, {} failed, {} released, {} taken over",
                t.done, t.failed, t.released, t.lost
            ));
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}

/// Debian's libtesseract runs OpenMP threads inside each page, which fight
/// our page-level workers (measured 1.7 s/page with one OpenMP thread vs
/// 8.2 s/page without, on two workers). libgomp reads `OMP_THREAD_LIMIT`
/// only while the process loads, so when it is unset, re-run ourselves with
/// it set. If that fails we carry on, just slower.
fn single_threaded_openmp() {
    #[cfg(unix)]
    if std::env::var_os("OMP_THREAD_LIMIT").is_none() {
        use std::os::unix::process::CommandExt;
        if let Ok(exe) = std::env::current_exe() {
            let mut args = std::env::args_os();
            let argv0 = args.next().unwrap_or_else(|| exe.clone().into_os_string());
            let err = std::process::Command::new(&exe)
                .arg0(argv0)
                .args(args)
                .env("OMP_THREAD_LIMIT", "1")
                .exec();
            eprintln!("ocrpdf: warning: could not limit OpenMP threads ({err}); OCR may be slower");
        }
    }
}

/// A progress bar on stderr when it is a terminal and not `--quiet`.
struct Bar {
    bar: ProgressBar,
}

impl Bar {
    fn new(quiet: bool) -> Self {
        let bar = if quiet || !std::io::stderr().is_terminal() {
            ProgressBar::hidden()
        } else {
            let b = ProgressBar::new(0);
            b.set_style(
                ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} pages  {msg}",
                )
                .expect("valid template"),
            );
            b
        };
        Bar { bar }
    }
}

impl Progress for Bar {
    fn start(&self, pages: usize) {
        self.bar.set_length(pages as u64);
    }
    fn page_done(&self, page: &PageRef) {
        self.bar.set_message(page.label());
        self.bar.inc(1);
    }
}
