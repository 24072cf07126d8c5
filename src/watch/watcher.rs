//! The watch loop: list the inbox, ask the phase machine (`phase.rs`)
//! what each document needs, start jobs within the worker budget (pairs
//! from `pairing.rs` in a duplex inbox) and hear how they ended. This is
//! the part that touches the disk, the clock and the log.

use super::dispose::{self, Failure};
use super::job::{self, Ctx, JobEnd, Task};
use super::journal;
use super::pairing;
use super::phase::{self, Item, Items, Next, Ran, Rules};
use super::settle::{Settle, Waits};
use super::{Events, Level, MAX_ATTEMPTS, Outcome, RESCAN, Totals, WatchConfig};
use crate::english::{minutes, secs};
use crate::error::{Error, ErrorKind, Result};
use crate::intake::scan::{self, Fingerprint, Kind, Snapshot};
use notify::Watcher as _;
use std::collections::HashSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

/// Listing interval when file events are unavailable and no `--poll` was
/// given.
const FALLBACK_POLL: Duration = Duration::from_secs(5);
/// Events closer together than this share one listing.
const EVENT_GAP: Duration = Duration::from_millis(100);

enum Msg {
    /// Something changed in a watched folder.
    Fs,
    Job(OsString, JobEnd),
}

pub(super) struct Watcher<'a> {
    cfg: &'a WatchConfig,
    inbox: &'a Path,
    events: &'a dyn Events,
    items: Items,
    /// Paths already warned about, so each is said once.
    noted: HashSet<PathBuf>,
    totals: Totals,
    running: usize,
    /// Documents converted at once: one per worker.
    capacity: usize,
    /// `--once`: the names present at the start.
    only: Option<HashSet<OsString>>,
    fs: Option<notify::RecommendedWatcher>,
    /// Folder documents with their own event watch.
    folders: HashSet<OsString>,
    listing_failed: bool,
    /// A duplex inbox (`--duplex-inbox`): documents pair up, the backs
    /// arriving within this long of the fronts.
    pairing: Option<Duration>,
}

impl<'a> Watcher<'a> {
    pub fn new(
        cfg: &'a WatchConfig,
        inbox: &'a Path,
        events: &'a dyn Events,
        capacity: usize,
    ) -> Self {
        Watcher {
            cfg,
            inbox,
            events,
            items: Items::new(),
            noted: HashSet::new(),
            totals: Totals::default(),
            running: 0,
            capacity,
            only: None,
            fs: None,
            folders: HashSet::new(),
            listing_failed: false,
            pairing: None,
        }
    }

    /// This watcher's inbox is a duplex inbox (see `pairing.rs`).
    pub fn pairing(mut self, wait: Duration) -> Self {
        self.pairing = Some(wait);
        self
    }

    /// Finish what an earlier run left, subscribe to events, and loop.
    pub fn watch(mut self, journal: &journal::Journal, ctx: &Ctx, outbox: &Path) -> Result<Totals> {
        self.recover(journal);
        let (tx, rx) = mpsc::channel();
        let mode = self.start_events(&tx);
        let workers = ctx.workers.count();
        self.events.note(
            Level::Info,
            &format!(
                "watching {} → {} ({mode}; settle {} s, {} worker{})",
                self.inbox.display(),
                outbox.display(),
                secs(self.cfg.settle),
                workers,
                crate::english::plural(workers)
            ),
        );
        std::thread::scope(|scope| self.run(scope, ctx, &tx, &rx))
    }

    fn run<'s>(
        &mut self,
        scope: &'s std::thread::Scope<'s, '_>,
        ctx: &'s Ctx<'s>,
        tx: &mpsc::Sender<Msg>,
        rx: &mpsc::Receiver<Msg>,
    ) -> Result<Totals> {
        let interval = match (self.cfg.poll, &self.fs) {
            (Some(p), _) => p,
            (None, Some(_)) => RESCAN,
            (None, None) => FALLBACK_POLL,
        };
        let mut next = Instant::now();
        let mut last = Instant::now();
        while !ctx.cancel.load(Ordering::SeqCst) {
            let now = Instant::now();
            if now >= next {
                last = now;
                self.scan(now);
                let due = self.step(now, scope, ctx, tx);
                next = due.map_or(now + interval, |d| d.min(now + interval));
                if self.once_finished() {
                    return Ok(std::mem::take(&mut self.totals));
                }
            }
            // Wake at least every 200 ms to notice Ctrl-C.
            let wait = next
                .saturating_duration_since(Instant::now())
                .min(Duration::from_millis(200));
            match rx.recv_timeout(wait) {
                Ok(Msg::Fs) => next = next.min(last + EVENT_GAP),
                Ok(Msg::Job(name, end)) => {
                    self.job_ended(name, end);
                    next = Instant::now();
                }
                Err(_) => {}
            }
        }
        // Interrupted: running conversions see the flag and stop; wait for
        // them so their temp files are gone and the journal is consistent.
        while self.running > 0 {
            if let Ok(Msg::Job(name, end)) = rx.recv() {
                self.job_ended(name, end);
            }
        }
        Err(Error::Interrupted)
    }

    /// Finish or drop what an earlier run left in the journal.
    fn recover(&mut self, journal: &journal::Journal) {
        let (intents, bad) = journal.intents();
        for b in bad {
            self.events.note(Level::Warning, &b);
        }
        journal.clean_stage(&intents);
        let delete = self.cfg.delete_originals;
        for intent in intents {
            let end = match journal.recover(intent.clone(), delete) {
                Ok(journal::Recovered::Finished(f)) => {
                    let backs = intent.backs.as_ref().map(|b| &b.input);
                    self.done(&intent.input, backs, f, 0.0, true);
                    continue;
                }
                Ok(journal::Recovered::Dropped) => continue,
                Err(e) => e,
            };
            self.events.note(
                Level::Warning,
                &format!(
                    "{}: unfinished from an earlier run: {end}; retrying",
                    self.inbox.join(&intent.input).display()
                ),
            );
            phase::recovered(&mut self.items, &intent, Instant::now(), SystemTime::now());
        }
    }

    /// Subscribe to file events unless polling; says which mode is on.
    fn start_events(&mut self, tx: &mpsc::Sender<Msg>) -> String {
        if let Some(p) = self.cfg.poll {
            return format!("polling every {} s", secs(p));
        }
        let tx = tx.clone();
        let handler = move |res: notify::Result<notify::Event>| {
            if res.as_ref().map_or(true, |e| matters(&e.kind)) {
                let _ = tx.send(Msg::Fs);
            }
        };
        let started = notify::recommended_watcher(handler).and_then(|mut w| {
            w.watch(self.inbox, notify::RecursiveMode::NonRecursive)?;
            Ok(w)
        });
        match started {
            Ok(w) => {
                self.fs = Some(w);
                format!("file events, full listing every {} s", RESCAN.as_secs())
            }
            Err(e) => {
                self.events.note(
                    Level::Warning,
                    &format!(
                        "file events are unavailable ({e}); listing the inbox every {} s instead",
                        FALLBACK_POLL.as_secs()
                    ),
                );
                format!("polling every {} s", FALLBACK_POLL.as_secs())
            }
        }
    }

    /// List the inbox and update every document's state.
    fn scan(&mut self, now: Instant) {
        let (found, skipped) = match scan::list(self.inbox) {
            Ok(l) => {
                self.listing_failed = false;
                l
            }
            Err(e) => {
                if !self.listing_failed {
                    self.events.note(
                        Level::Warning,
                        &format!("{}: cannot list the inbox: {e}", self.inbox.display()),
                    );
                    self.listing_failed = true;
                }
                return;
            }
        };
        let first = self.only.is_none();
        for s in skipped {
            self.skip(s);
        }
        let mut seen = HashSet::new();
        for f in found {
            if let Some(only) = &self.only
                && !only.contains(&f.name)
            {
                continue;
            }
            let Some(snap) = scan::snapshot(self.inbox, &f.name, f.kind) else {
                continue;
            };
            // A page the folder cannot take fails it when its job starts.
            for s in snap.skipped.iter().filter(|s| !s.page) {
                self.skip(s.clone());
            }
            seen.insert(f.name.clone());
            match self.items.get_mut(&f.name) {
                Some(item) if item.kind == f.kind || item.running() => item.update(snap, now),
                _ => {
                    if f.kind == Kind::Folder {
                        self.watch_folder(&f.name);
                    }
                    let settle = Settle::new(snap.fingerprint.clone(), now);
                    let item = Item::new(f.kind, settle, Some(snap), SystemTime::now());
                    self.items.insert(f.name, item);
                }
            }
        }
        if self.cfg.once && first {
            let mut names = seen.clone();
            names.extend(self.items.keys().cloned());
            self.only = Some(names);
        }
        self.items
            .retain(|name, item| seen.contains(name) || item.held());
        let gone: Vec<OsString> = self
            .folders
            .iter()
            .filter(|f| !self.items.contains_key(*f))
            .cloned()
            .collect();
        for f in gone {
            self.folders.remove(&f);
            if let Some(w) = &mut self.fs {
                let _ = w.unwatch(&self.inbox.join(&f));
            }
        }
    }

    /// Decide what each document needs now: fail it, start it, or wait
    /// (returns the earliest instant something is due).
    fn step<'s>(
        &mut self,
        now: Instant,
        scope: &'s std::thread::Scope<'s, '_>,
        ctx: &'s Ctx<'s>,
        tx: &mpsc::Sender<Msg>,
    ) -> Option<Instant> {
        let wall = SystemTime::now();
        let mut due: Option<Instant> = None;
        let mut wake = |t: Instant| due = Some(due.map_or(t, |d| d.min(t)));
        let mut ready = Vec::new();
        let mut settled = HashSet::new();
        let mut fail = Vec::new();
        let rules = Rules {
            waits: Waits {
                settle: self.cfg.settle,
                grace: self.cfg.empty_grace,
                incomplete: self.cfg.incomplete_wait,
                take_incomplete: self.cfg.options.page.limits.accept_truncated,
            },
            once: self.cfg.once,
            pairing: self.pairing.is_some(),
        };
        for (name, item) in &mut self.items {
            let path = || self.inbox.join(name);
            let look = |snap: &Snapshot| {
                let why = incomplete(snap);
                if let Some(w) = &why {
                    self.events.note(
                        Level::Info,
                        &format!(
                            "{}: incomplete ({w}); waiting up to {} s for the rest",
                            path().display(),
                            rules.waits.incomplete.as_secs()
                        ),
                    );
                }
                why
            };
            match item.next(now, wall, rules, look) {
                Next::Wait(Some(until)) => wake(until),
                Next::Wait(None) => {}
                Next::Start(task) => ready.push((name.clone(), task)),
                Next::Pair => {
                    settled.insert(name.clone());
                }
                Next::Fail(failure) => fail.push((name.clone(), failure)),
                Next::Abandoned(why) => fail.push((
                    name.clone(),
                    Failure {
                        kind: ErrorKind::Input,
                        message: format!("{}: {why}", path().display()),
                    },
                )),
            }
        }
        for (name, failure) in fail {
            self.fail(&name, failure);
        }
        if let Some(wait) = self.pairing {
            let (tasks, lone) = pairing::tasks(&self.items, &settled, wait, wall, self.cfg.once);
            ready.extend(tasks);
            if let Some((name, until)) = lone {
                let left = until.duration_since(wall).unwrap_or(Duration::ZERO);
                wake(now + left);
                self.waiting_for_backs(&name, left);
            }
        }
        for (name, task) in ready {
            if self.running >= self.capacity {
                break;
            }
            if phase::start(&mut self.items, &name, &task, Instant::now()) {
                self.launch(name, task, scope, ctx, tx);
            }
        }
        due
    }

    /// Say once that a lone fronts document waits up to `left` for its
    /// backs.
    fn waiting_for_backs(&mut self, name: &OsString, left: Duration) {
        if let Some(item) = self.items.get_mut(name)
            && !std::mem::replace(&mut item.told, true)
        {
            self.events.note(
                Level::Info,
                &format!(
                    "{}: fronts of a duplex pair; waiting up to {} for the backs",
                    self.inbox.join(name).display(),
                    minutes(Duration::from_secs(left.as_secs().max(1)))
                ),
            );
        }
    }

    /// Run `task` on its own thread; its end comes back as a message.
    fn launch<'s>(
        &mut self,
        name: OsString,
        task: Task,
        scope: &'s std::thread::Scope<'s, '_>,
        ctx: &'s Ctx<'s>,
        tx: &mpsc::Sender<Msg>,
    ) {
        self.events
            .note(Level::Detail, &self.describe(&name, &task));
        self.running += 1;
        let tx = tx.clone();
        scope.spawn(move || {
            let end = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                job::run(ctx, &name, task)
            }))
            .unwrap_or_else(|_| {
                JobEnd::Failed(Error::Internal(format!(
                    "{}: internal error (panic) while converting",
                    name.to_string_lossy()
                )))
            });
            let _ = tx.send(Msg::Job(name, end));
        });
    }

    /// What starting `task` on `name` does, for the log.
    fn describe(&self, name: &OsString, task: &Task) -> String {
        let path = self.inbox.join(name);
        let files = |n: usize| format!("{n} file{}", crate::english::plural(n));
        match task {
            Task::Convert(s) => {
                format!("converting {} ({})", path.display(), files(s.pages.len()))
            }
            Task::Pair { backs, .. } => format!(
                "converting {} with {} as its backs",
                path.display(),
                self.inbox.join(backs).display()
            ),
            Task::Alone(s, why) => format!(
                "converting {} on its own ({}): {}",
                path.display(),
                files(s.pages.len()),
                why.message
            ),
            Task::Recover(_) => format!("finishing {}", path.display()),
        }
    }

    fn job_ended(&mut self, name: OsString, end: JobEnd) {
        self.running -= 1;
        let now = Instant::now();
        let Some(Ran {
            fingerprint,
            started,
            partner,
            backs_fingerprint,
        }) = phase::end(&mut self.items, &name, now)
        else {
            return;
        };
        match end {
            JobEnd::Done {
                finished,
                recovered,
            } => {
                self.items.remove(&name);
                if let Some(p) = &partner {
                    self.items.remove(p);
                }
                let seconds = now.duration_since(started).as_secs_f64();
                self.done(&name, partner.as_ref(), finished, seconds, recovered);
            }
            JobEnd::Changed | JobEnd::Dropped | JobEnd::Failed(Error::Interrupted) => {
                phase::resettle(&mut self.items, &name, partner.as_ref(), now);
            }
            JobEnd::Failed(e @ Error::Usage(_)) if partner.is_some() => {
                // Page counts that differ: not a pair after all.
                let backs = partner.unwrap_or_default();
                let why = format!(
                    "{} and {} are not a duplex pair ({e}); each was converted on its own",
                    self.inbox.join(&name).display(),
                    self.inbox.join(&backs).display()
                );
                self.events.note(Level::Warning, &why);
                let warning = pairing::warning("duplex_mismatch", why);
                phase::unpair(&mut self.items, &name, &backs, &warning);
            }
            JobEnd::Failed(e) => {
                let failure = Failure::of(&e);
                if let Some(p) = partner {
                    let f = backs_fingerprint.unwrap_or_default();
                    self.attempt_failed(p, failure.clone(), &f, now);
                }
                self.attempt_failed(name, failure, &fingerprint, now);
            }
            JobEnd::Unfinished { error, intent } => {
                let once = self.cfg.once;
                let Some(attempts) =
                    phase::unfinished(&mut self.items, &name, partner, intent, now, once)
                else {
                    return;
                };
                if attempts == MAX_ATTEMPTS {
                    self.events.note(
                        Level::Warning,
                        &format!(
                            "{}: its PDF is written but could not be put in place or the original moved ({error}); still trying every {} s",
                            self.inbox.join(&name).display(),
                            RESCAN.as_secs()
                        ),
                    );
                    self.count_failure(error.kind());
                }
            }
        }
    }

    /// A conversion failed: wait, retry or give up, by kind of error.
    fn attempt_failed(
        &mut self,
        name: OsString,
        failure: Failure,
        fingerprint: &Fingerprint,
        now: Instant,
    ) {
        let Some(item) = self.items.get_mut(&name) else {
            return;
        };
        match failure.kind {
            ErrorKind::Input => {
                let current = scan::snapshot(self.inbox, &name, item.kind).map(|s| s.fingerprint);
                if !item.input_failed(failure, fingerprint, current, now, self.cfg.settle) {
                    self.events.note(
                        Level::Info,
                        &format!(
                            "{}: gone before it was converted",
                            self.inbox.join(&name).display()
                        ),
                    );
                    self.items.remove(&name);
                }
            }
            ErrorKind::Output => match item.output_failed(now) {
                Some(wait) => self.events.note(
                    Level::Warning,
                    &format!("{}; trying again in {} s", failure.message, wait.as_secs()),
                ),
                None => self.fail(&name, failure),
            },
            _ => self.fail(&name, failure),
        }
    }

    /// Give up on a document: its original goes to `.failed` with a reason.
    fn fail(&mut self, name: &OsString, mut failure: Failure) {
        let Some(item) = self.items.get_mut(name) else {
            return;
        };
        if !crate::intake::taken(&self.inbox.join(name)) {
            // Taken away meanwhile: nothing left to fail.
            self.items.remove(name);
            return;
        }
        let attempts = item.attempts.max(1);
        let original = match dispose::failed(self.inbox, name, item.kind, &failure, attempts) {
            Ok(to) => {
                self.items.remove(name);
                Some(to)
            }
            Err(e) => {
                failure.message = format!(
                    "{}; and it could not be moved to {}: {e}",
                    failure.message,
                    dispose::FAILED
                );
                item.keep();
                None
            }
        };
        self.count_failure(failure.kind);
        self.events.document(&Outcome {
            input: self.inbox.join(name),
            backs: None,
            backs_original: None,
            output: None,
            parts: Vec::new(),
            pages: 0,
            seconds: 0.0,
            bytes: 0,
            warnings: Vec::new(),
            fates: crate::report::Fates::default(),
            original,
            failure: Some(failure),
            recovered: false,
        });
    }

    fn done(
        &mut self,
        name: &OsString,
        backs: Option<&OsString>,
        f: journal::Finished,
        seconds: f64,
        recovered: bool,
    ) {
        self.totals.done += 1;
        self.events.document(&Outcome {
            input: self.inbox.join(name),
            backs: backs.map(|b| self.inbox.join(b)),
            backs_original: f.backs_original,
            output: Some(f.output),
            parts: f.parts,
            pages: f.pages,
            seconds,
            bytes: f.bytes,
            warnings: f.warnings,
            fates: f.fates,
            original: f.original,
            failure: None,
            recovered,
        });
    }

    fn count_failure(&mut self, kind: ErrorKind) {
        self.totals.failed += 1;
        self.totals.first_failure.get_or_insert(kind);
    }

    /// `--once`: everything present at the start is finished or left.
    fn once_finished(&self) -> bool {
        self.cfg.once && self.running == 0 && self.items.values().all(Item::at_rest)
    }

    fn skip(&mut self, s: scan::Skipped) {
        if self.noted.insert(s.path.clone()) {
            self.events
                .note(Level::Warning, &format!("{}: {}", s.path.display(), s.why));
        }
    }

    fn watch_folder(&mut self, name: &OsString) {
        if let Some(w) = &mut self.fs
            && w.watch(&self.inbox.join(name), notify::RecursiveMode::NonRecursive)
                .is_ok()
        {
            self.folders.insert(name.clone());
        }
    }
}

/// Why a document's files are not whole yet (the first that is not, by
/// name inside a folder); unreadable files are left to the conversion.
fn incomplete(snap: &Snapshot) -> Option<String> {
    snap.pages.iter().find_map(|p| {
        let why = crate::input::incomplete(p).ok().flatten()?;
        Some(match snap.kind {
            Kind::File => why,
            Kind::Folder => format!(
                "{}: {why}",
                p.file_name().unwrap_or_default().to_string_lossy()
            ),
        })
    })
}

/// Events that can mean a document changed: not reads or opens.
fn matters(kind: &notify::EventKind) -> bool {
    use notify::event::{AccessKind, AccessMode};
    match kind {
        notify::EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        notify::EventKind::Access(_) => false,
        _ => true,
    }
}
