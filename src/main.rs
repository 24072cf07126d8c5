//! The `ocrpdf` binary: parse arguments, run the library, map the result to
//! an exit code. Nothing else lives here.

mod cli;

use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};
use ocrpdf::input::PageRef;
use ocrpdf::{ErrorKind, Progress};
use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

static CANCEL: AtomicBool = AtomicBool::new(false);

fn main() -> ExitCode {
    single_threaded_openmp();
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
    let progress = Bar::new(cli.quiet);
    let started = std::time::Instant::now();
    match ocrpdf::convert(&cli.to_config(), &progress, &CANCEL) {
        Ok(summary) => {
            progress.bar.finish_and_clear();
            if cli.verbose && !cli.quiet {
                for p in &summary.pages {
                    eprintln!(
                        "{}: {} words (confidence {:.0}), skew {:+.2}°, turned {}°, {} KiB",
                        p.label,
                        p.words,
                        p.confidence,
                        p.skew_deg,
                        p.rotated_deg,
                        p.bytes.div_ceil(1024)
                    );
                }
            }
            if !cli.quiet {
                let pages = summary.pages.len();
                eprintln!(
                    "{}: {} page{}, {} KiB, {:.1} s",
                    cli.output.display(),
                    pages,
                    if pages == 1 { "" } else { "s" },
                    summary.bytes.div_ceil(1024),
                    started.elapsed().as_secs_f64()
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            progress.bar.abandon();
            eprintln!("ocrpdf: {e}");
            ExitCode::from(e.kind().exit_code())
        }
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
