//! The `ocrpdf` binary: parse arguments, run the library, map the result to
//! an exit code. What a command prints is made in the library, beside what
//! it describes (`console`, `watch::Log`, `batch::Log`, `queue::admin`).

mod cli;
mod cli_gen;

use indicatif::{ProgressBar, ProgressStyle};
use ocrpdf::console::Verbosity;
use ocrpdf::input::PageRef;
use ocrpdf::{ErrorKind, Progress};
use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

static CANCEL: AtomicBool = AtomicBool::new(false);

fn main() -> ExitCode {
    single_threaded_openmp();
    ocrpdf::return_page_buffers();
    let cli = match cli_gen::parse() {
        Ok(cli_gen::Parsed::Run(c)) => c,
        Ok(cli_gen::Parsed::Generate(what, dir)) => return run_generate(what, &dir),
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                ErrorKind::BadArgs.exit_code()
            } else {
                0
            });
        }
    };
    if cli.list_langs {
        for lang in ocrpdf::about::installed_languages(cli.pdf.common.tessdata.as_deref()) {
            println!("{lang}");
        }
        return ExitCode::SUCCESS;
    }
    let _ = ctrlc::set_handler(|| CANCEL.store(true, Ordering::SeqCst));
    use cli::Command;
    match &cli.command {
        Some(Command::Clean(args)) => run_clean(args),
        Some(Command::Watch(args)) => args
            .to_config()
            .map_or_else(bad_args, |cfg| run_watch(args, &cfg)),
        Some(Command::SeparatorSheet(args)) => run_sheet(args),
        Some(Command::Batch(args)) => args
            .to_config()
            .map_or_else(bad_args, |cfg| run_batch(args, &cfg)),
        #[cfg(feature = "queue")]
        Some(Command::Queue(args)) => {
            let (db, action) = args.to_admin();
            exit(ocrpdf::queue::admin(db, &action))
        }
        #[cfg(feature = "queue")]
        Some(Command::Worker(args)) => args
            .to_config()
            .map_or_else(bad_args, |cfg| run_worker(args, &cfg)),
        None => cli
            .pdf
            .to_job()
            .map_or_else(bad_args, |(job, opts)| run_pdf(&cli.pdf, &job, &opts)),
    }
}

/// `ocrpdf generate man|completions DIR`: the files written, one a line.
fn run_generate(what: cli_gen::Generate, dir: &std::path::Path) -> ExitCode {
    match cli_gen::generate(what, dir) {
        Ok(files) => {
            for f in files {
                println!("{}", f.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("ocrpdf generate: {}: {e}", dir.display());
            ExitCode::from(ErrorKind::Output.exit_code())
        }
    }
}

/// Arguments that parse but do not fit together: the reason, exit 1.
fn bad_args(msg: String) -> ExitCode {
    eprintln!("ocrpdf: {msg}");
    ExitCode::from(ErrorKind::BadArgs.exit_code())
}

fn fail(e: &ocrpdf::Error) -> ExitCode {
    eprintln!("ocrpdf: {e}");
    ExitCode::from(e.kind().exit_code())
}

/// Success, or the error's line and exit code.
fn exit(r: ocrpdf::Result<()>) -> ExitCode {
    r.map_or_else(|e| fail(&e), |()| ExitCode::SUCCESS)
}

fn run_pdf(args: &cli::PdfArgs, job: &ocrpdf::Job, opts: &ocrpdf::Options) -> ExitCode {
    let v = Verbosity {
        quiet: args.common.quiet,
        verbose: args.common.verbose,
    };
    if v.verbose {
        // Which model reads the pages matters for accuracy; say where it is.
        if let Ok(dir) =
            ocrpdf::ocr::check_languages(&opts.ocr.languages, opts.ocr.tessdata.as_deref())
        {
            eprintln!("OCR models: {} from {}", opts.ocr.languages, dir.display());
        }
    }
    let progress = Bar::new(v.quiet);
    let started = std::time::Instant::now();
    let summary = match ocrpdf::convert(job, opts, &progress, &CANCEL) {
        Ok(s) => s,
        Err(e) => {
            progress.bar.abandon();
            return fail(&e);
        }
    };
    progress.bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    let outputs = ocrpdf::console::conversion(&summary, seconds, args.json, args.print_path, v);
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
    exit(write_separator_sheet(&args.output, &kind, args.paper))
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

fn run_watch(args: &cli::WatchArgs, cfg: &ocrpdf::watch::WatchConfig) -> ExitCode {
    let log = ocrpdf::watch::Log {
        quiet: args.common.quiet,
        verbose: args.common.verbose,
        json: args.json,
    };
    match ocrpdf::watch::watch(cfg, &log, &CANCEL) {
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

fn run_clean(args: &cli::CleanArgs) -> ExitCode {
    let cfg = args.to_config();
    let to_stdout = cfg.target == ocrpdf::export::Target::Stdout;
    if args.json && to_stdout {
        return bad_args("--json and an image on standard output (-o -) cannot share it".into());
    }
    let v = Verbosity {
        quiet: args.common.quiet,
        verbose: args.common.verbose,
    };
    let progress = Bar::new(v.quiet);
    let outcome = match ocrpdf::export::export(&cfg, &progress, &CANCEL) {
        Ok(o) => o,
        Err(e) => {
            progress.bar.abandon();
            return fail(&e);
        }
    };
    progress.bar.finish_and_clear();
    ocrpdf::console::clean(&outcome, args.json, to_stdout, v);
    match outcome.errors.first() {
        Some(e) => ExitCode::from(e.kind().exit_code()),
        None => ExitCode::SUCCESS,
    }
}

fn run_batch(args: &cli::BatchArgs, cfg: &ocrpdf::batch::BatchConfig) -> ExitCode {
    let log = ocrpdf::batch::Log {
        quiet: args.common.quiet,
    };
    match ocrpdf::batch::run(cfg, &log, &CANCEL) {
        Ok(summary) => {
            log.summary(&summary);
            ExitCode::from(summary.exit_code)
        }
        Err(e) => fail(&e),
    }
}

#[cfg(feature = "queue")]
fn run_worker(args: &cli::WorkerArgs, cfg: &ocrpdf::queue::WorkerConfig) -> ExitCode {
    let quiet = args.common.quiet;
    let log = |line: &str| {
        if !quiet {
            eprintln!("ocrpdf worker: {line}");
        }
    };
    match ocrpdf::queue::run(cfg, &log, &CANCEL) {
        Ok(t) => {
            log(&t.describe());
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
