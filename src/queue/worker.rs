//! `ocrpdf worker`: claim a job, convert it, put its output, mark it done;
//! again, until stopped (or, with `--drain`, until nothing is left).
//!
//! Exactly one output per document however workers die: the output's
//! name is the batch's hashed name (input bytes and options,
//! `crate::intake`), it is
//! written with a create-only put, and a job whose worker stopped
//! heartbeating is claimed again once its lease runs out. Two workers on
//! one job (a lease that ran out under a live worker) make the same bytes
//! under the same name; the second put gets `AlreadyExists`, which counts
//! as done.

use super::db::{Claim, Queue};
use super::store::{Put, Store, is_url};
use crate::error::{Error, Result};
use crate::input::Input;
use crate::intake::{self, Document};
use crate::job::{Job, Options};
use crate::ocr::TesseractEngines;
use crate::pipeline::{Silent, Workers, convert_with};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// What a worker does.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// The PostgreSQL URL of the job table.
    pub db: String,
    /// Where outputs go: `file:///dir` or `s3://bucket/prefix`.
    pub out: String,
    /// How every job is converted.
    pub options: Options,
    /// How long a claim holds without a heartbeat.
    pub lease: Duration,
    /// Failed attempts after which a job is `dead`.
    pub max_attempts: u32,
    /// Exit once no job is left to claim.
    pub drain: bool,
    /// How often to look for a job when there is none.
    pub poll: Duration,
}

/// What a worker did before it stopped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    /// Jobs converted.
    pub done: usize,
    /// Jobs that failed.
    pub failed: usize,
    /// Jobs given back untried on a stop signal.
    pub released: usize,
    /// Jobs that another worker took over after this one's lease ran out.
    pub lost: usize,
}

impl Totals {
    /// The worker's closing line.
    pub fn describe(&self) -> String {
        format!(
            "stopped: {} done, {} failed, {} released, {} taken over",
            self.done, self.failed, self.released, self.lost
        )
    }
}

/// Heartbeats per lease: the lease survives two missed beats.
const BEATS_PER_LEASE: u32 = 3;
/// How often the heartbeat thread looks at the stop flag.
const STOP_POLL: Duration = Duration::from_millis(100);

/// This worker's name in the job table: host and process.
fn identity() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    format!("{}-{}", host.trim(), std::process::id())
}

/// Run until `cancel` is set (finishing or releasing the current job), or
/// with `drain` until the queue has nothing to claim. `log` hears one line
/// per job.
pub fn run(cfg: &WorkerConfig, log: &dyn Fn(&str), cancel: &AtomicBool) -> Result<Totals> {
    intake::check_models(&cfg.options)?;
    let mut queue = Queue::connect(&cfg.db)?;
    let mut beats = Queue::connect(&cfg.db)?;
    let store = Store::open(&cfg.out)?;
    let workers = Workers::for_pages(&cfg.options.page)?;
    let me = identity();
    let lease_s = cfg.lease.as_secs_f64();
    let max = i32::try_from(cfg.max_attempts).unwrap_or(i32::MAX);
    let mut totals = Totals::default();
    while !cancel.load(Ordering::SeqCst) {
        let claiming = Instant::now();
        let Some(claim) = queue.claim(&me, lease_s, max)? else {
            if cfg.drain {
                break;
            }
            let until = Instant::now() + cfg.poll;
            while Instant::now() < until && !cancel.load(Ordering::SeqCst) {
                std::thread::sleep(STOP_POLL);
            }
            continue;
        };
        let started = claiming;
        let converting = std::cell::Cell::new(Duration::ZERO);
        let (result, lost) = with_heartbeat(cfg, &mut beats, &claim, cancel, |stop| {
            process(cfg, &store, &workers, &claim, stop, &converting)
        });
        let secs = started.elapsed().as_secs_f64();
        let what = format!(
            "job {} ({}, attempt {})",
            claim.id, claim.source, claim.attempt
        );
        match result {
            _ if lost => {
                totals.lost += 1;
                log(&format!("{what}: lease lost to another worker; left to it"));
            }
            Ok(url) => {
                if queue.done(&claim, &url)? {
                    totals.done += 1;
                    // Everything but the conversion: claim, heartbeat
                    // thread, download, output name, put, done.
                    let queue_ms = (started.elapsed() - converting.get()).as_secs_f64() * 1e3;
                    log(&format!(
                        "{what}: done → {url}, {secs:.2} s (queue {queue_ms:.0} ms)"
                    ));
                } else {
                    totals.lost += 1;
                    log(&format!("{what}: {url} in place, job taken over meanwhile"));
                }
            }
            Err(Error::Interrupted) => {
                queue.release(&claim)?;
                totals.released += 1;
                log(&format!("{what}: stopping; job released"));
                break;
            }
            Err(e) => {
                let msg = e.to_string();
                queue.failed(&claim, &msg, max)?;
                totals.failed += 1;
                let end = if claim.attempt >= max {
                    "dead"
                } else {
                    "queued again"
                };
                log(&format!("{what}: failed ({end}): {msg}"));
            }
        }
    }
    Ok(totals)
}

/// Run `work` while a thread with its own connection keeps the claim's
/// lease alive; the thread also passes a stop signal on to the work (its
/// flag argument), and sets it when the lease is lost. Returns the work's
/// result and whether the lease was lost meanwhile. The beats use their
/// own connection (`q`), opened once per worker: the main one may be busy.
fn with_heartbeat<T>(
    cfg: &WorkerConfig,
    q: &mut Queue,
    claim: &Claim,
    cancel: &AtomicBool,
    work: impl FnOnce(&AtomicBool) -> T,
) -> (T, bool) {
    let stop_job = AtomicBool::new(cancel.load(Ordering::SeqCst));
    // Dropping `finished` wakes the thread at once: a document's end is
    // not delayed by the poll interval.
    let (finished, wake) = std::sync::mpsc::channel::<()>();
    let lost = AtomicBool::new(false);
    let every = cfg.lease / BEATS_PER_LEASE;
    let lease_s = cfg.lease.as_secs_f64();
    let out = std::thread::scope(|s| {
        let q = &mut *q;
        let (stop_job, lost) = (&stop_job, &lost);
        s.spawn(move || {
            let mut next = Instant::now() + every;
            while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = wake.recv_timeout(STOP_POLL)
            {
                if cancel.load(Ordering::SeqCst) {
                    stop_job.store(true, Ordering::SeqCst);
                }
                if Instant::now() >= next {
                    next = Instant::now() + every;
                    // A failed beat (the database away for a moment) is
                    // not a lost lease; the next beat may get through.
                    if !q.heartbeat(claim, lease_s).unwrap_or(true) {
                        lost.store(true, Ordering::SeqCst);
                        stop_job.store(true, Ordering::SeqCst);
                    }
                }
            }
        });
        let out = work(stop_job);
        drop(finished);
        out
    });
    (out, lost.load(Ordering::SeqCst))
}

/// Convert one job's document and put its output; the output's URL.
fn process(
    cfg: &WorkerConfig,
    store: &Store,
    workers: &Workers,
    claim: &Claim,
    cancel: &AtomicBool,
    converting: &std::cell::Cell<Duration>,
) -> Result<String> {
    let tmp = tempfile::tempdir().map_err(|source| Error::Output {
        path: std::env::temp_dir(),
        source,
    })?;
    // The document is written into a temp folder first: an error there
    // names the job's source and that folder, not the temp file.
    let unwritable = intake::unwritable(std::path::Path::new(&claim.source), &std::env::temp_dir());
    let doc = fetch(&claim.source, tmp.path()).map_err(&unwritable)?;
    let name = doc.output_name(&cfg.options)?;
    if store.exists(&name)? {
        return Ok(store.url_of(&name));
    }
    let pdf = tmp.path().join("out.pdf");
    let job = Job::new(
        doc.pages.into_iter().map(Input::Path).collect(),
        pdf.clone(),
    );
    let t = Instant::now();
    let converted = convert_with(
        workers,
        std::sync::Arc::new(TesseractEngines),
        &job,
        &cfg.options,
        &Silent,
        cancel,
    );
    converting.set(t.elapsed());
    converted.map_err(&unwritable)?;
    let bytes =
        std::fs::read(&pdf).map_err(|source| unwritable(Error::Output { path: pdf, source }))?;
    match store.put_new(&name, bytes)? {
        Put::Created | Put::AlreadyExists => Ok(store.url_of(&name)),
    }
}

/// A job's document with its page files on local disk: a local path as
/// it is, a store object (or a prefix ending in `/`, its objects in
/// natural order) downloaded into `tmp` with its last-modified time, which
/// dates the output.
fn fetch(source: &str, tmp: &std::path::Path) -> Result<Document> {
    if !is_url(source) {
        return Document::at(std::path::Path::new(source));
    }
    if let Some(local) = source.strip_prefix("file://") {
        return Document::at(std::path::Path::new(local));
    }
    let parsed =
        url::Url::parse(source).map_err(|e| Error::input(source, format!("not a URL: {e}")))?;
    let bucket = format!(
        "{}://{}",
        parsed.scheme(),
        parsed.host_str().unwrap_or_default()
    );
    let store = Store::open(&bucket)?;
    let key = parsed.path().trim_start_matches('/');
    let folder = key.ends_with('/');
    let key = key.trim_end_matches('/');
    let names: Vec<String> = if folder {
        let mut n: Vec<String> = store
            .list(key)?
            .into_iter()
            .map(|f| format!("{key}/{f}"))
            .collect();
        n.sort_by(|a, b| crate::input::natural_cmp(a, b));
        n
    } else {
        vec![key.to_string()]
    };
    if names.is_empty() {
        return Err(Error::input(source, "no page objects under this prefix"));
    }
    let mut pages = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let (bytes, modified) = store
            .get(name)?
            .ok_or_else(|| Error::input(source, format!("{name}: no such object")))?;
        let file_name = name.rsplit('/').next().unwrap_or("page");
        let local = tmp.join(format!("{i:06}-{file_name}"));
        let io = |source| Error::Output {
            path: local.clone(),
            source,
        };
        std::fs::write(&local, bytes).map_err(io)?;
        let f = std::fs::File::options()
            .write(true)
            .open(&local)
            .map_err(io)?;
        f.set_modified(modified).map_err(io)?;
        pages.push(local);
    }
    Ok(Document {
        pages,
        folder,
        path: PathBuf::from(key),
    })
}
