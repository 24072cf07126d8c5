//! The watch loop: list the inbox, track each document through its life
//! (settling → converting → done, or waiting, retrying, failing), start
//! jobs within the worker budget and hear how they ended.

use super::dispose::{self, Failure};
use super::job::{self, Ctx, JobEnd, Task};
use super::journal;
use super::settle::{self, Readiness, Settle, Waits};
use super::{BACKOFF, Events, Level, MAX_ATTEMPTS, Outcome, RESCAN, Totals, WatchConfig};
use crate::error::{Error, ErrorKind, Result};
use crate::intake::scan::{self, Fingerprint, Kind, Snapshot};
use crate::report::Warning;
use notify::Watcher as _;
use std::collections::{BTreeMap, HashSet};
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

/// Where a document is in its life.
#[derive(Debug)]
enum Phase {
    /// Settling, or settled but incomplete.
    Waiting,
    /// Being converted; in a duplex inbox, `partner` is the backs of
    /// the pair (itself marked running without a partner meanwhile).
    Running {
        fingerprint: Fingerprint,
        started: Instant,
        partner: Option<OsString>,
    },
    /// Did not decode; failed if still unchanged at `until`.
    Suspect { failure: Failure, until: Instant },
    /// Output error; tried again at `until`.
    Backoff { until: Instant },
    /// A PDF exists but placing it or moving the original failed.
    Unfinished {
        intent: String,
        until: Instant,
        partner: Option<OsString>,
    },
    /// `--once`: incomplete (empty, still being written); left for later.
    Left,
    /// Failed, but could not be moved to `.failed`: left alone until it
    /// changes.
    Kept,
}

struct Item {
    kind: Kind,
    settle: Settle,
    snap: Option<Snapshot>,
    phase: Phase,
    attempts: u32,
    /// What the completeness check said of this fingerprint, so a file
    /// waited for is read once per change, not at every look.
    whole: Option<(Fingerprint, Option<String>)>,
    /// When it was written, for duplex pairing: its newest modification
    /// time, or when it was first seen if that is earlier (a scan still
    /// being written).
    arrived: SystemTime,
    /// In a duplex inbox: convert it on its own, with this warning.
    alone: Option<Warning>,
    /// In a duplex inbox: it was said that it waits for its backs.
    told: bool,
}

pub(super) struct Watcher<'a> {
    cfg: &'a WatchConfig,
    inbox: &'a Path,
    events: &'a dyn Events,
    items: BTreeMap<OsString, Item>,
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
            items: BTreeMap::new(),
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

    /// This watcher's inbox is a duplex inbox (see [`pair_up`]).
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
            let (name, kind, fingerprint, id) = (
                intent.input.clone(),
                intent.kind(),
                intent.fingerprint.clone(),
                intent.id.clone(),
            );
            let backs = intent.backs.clone();
            let end = match journal.recover(intent, delete) {
                Ok(journal::Recovered::Finished(f)) => {
                    self.done(&name, backs.as_ref().map(|b| &b.input), f, 0.0, true);
                    continue;
                }
                Ok(journal::Recovered::Dropped) => continue,
                Err(e) => e,
            };
            self.events.note(
                Level::Warning,
                &format!(
                    "{}: unfinished from an earlier run: {end}; retrying",
                    self.inbox.join(&name).display()
                ),
            );
            // The backs of a pair are held until the intent is finished.
            let partner = backs.map(|b| {
                let held = Item::new(
                    if b.folder { Kind::Folder } else { Kind::File },
                    Settle::new(b.fingerprint.clone(), Instant::now()),
                    None,
                    Phase::Running {
                        fingerprint: b.fingerprint,
                        started: Instant::now(),
                        partner: None,
                    },
                );
                self.items.insert(b.input.clone(), held);
                b.input
            });
            let mut item = Item::new(
                kind,
                Settle::new(fingerprint, Instant::now()),
                None,
                Phase::Unfinished {
                    intent: id,
                    until: Instant::now() + BACKOFF,
                    partner,
                },
            );
            item.attempts = 1;
            self.items.insert(name, item);
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
            for s in &snap.skipped {
                self.skip(s.clone());
            }
            seen.insert(f.name.clone());
            match self.items.get_mut(&f.name) {
                Some(item)
                    if item.kind == f.kind || matches!(item.phase, Phase::Running { .. }) =>
                {
                    item.update(snap, now);
                }
                _ => {
                    if f.kind == Kind::Folder {
                        self.watch_folder(&f.name);
                    }
                    let settle = Settle::new(snap.fingerprint.clone(), now);
                    let item = Item::new(f.kind, settle, Some(snap), Phase::Waiting);
                    self.items.insert(f.name, item);
                }
            }
        }
        if self.cfg.once && first {
            let mut names = seen.clone();
            names.extend(self.items.keys().cloned());
            self.only = Some(names);
        }
        self.items.retain(|name, item| {
            seen.contains(name)
                || matches!(item.phase, Phase::Running { .. } | Phase::Unfinished { .. })
        });
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
        let waits = Waits {
            settle: self.cfg.settle,
            grace: self.cfg.empty_grace,
            incomplete: self.cfg.incomplete_wait,
            take_incomplete: self.cfg.options.page.limits.accept_truncated,
        };
        for (name, item) in &mut self.items {
            match &item.phase {
                Phase::Waiting => {
                    let Some(snap) = &item.snap else { continue };
                    let whole = &mut item.whole;
                    let (inbox, events) = (self.inbox, self.events);
                    let check = || {
                        if let Some((f, why)) = whole.as_ref()
                            && f == &snap.fingerprint
                        {
                            return why.clone();
                        }
                        let why = incomplete(snap);
                        if let Some(w) = &why {
                            events.note(
                                Level::Info,
                                &format!(
                                    "{}: incomplete ({w}); waiting up to {} s for the rest",
                                    inbox.join(name).display(),
                                    waits.incomplete.as_secs()
                                ),
                            );
                        }
                        *whole = Some((snap.fingerprint.clone(), why.clone()));
                        why
                    };
                    match settle::readiness(&item.settle, snap, now, wall, waits, check) {
                        Readiness::Changing { until } => wake(until),
                        Readiness::Incomplete { .. } if self.cfg.once => item.phase = Phase::Left,
                        Readiness::Incomplete { until } => wake(until),
                        Readiness::Ready => match (&item.alone, self.pairing) {
                            (Some(why), _) => {
                                ready.push((name.clone(), Task::Alone(snap.clone(), why.clone())));
                            }
                            (None, Some(_)) => {
                                settled.insert(name.clone());
                            }
                            (None, None) => ready.push((name.clone(), Task::Convert(snap.clone()))),
                        },
                        Readiness::Abandoned(why) => fail.push((
                            name.clone(),
                            Failure {
                                kind: ErrorKind::Input,
                                message: format!("{}: {why}", self.inbox.join(name).display()),
                            },
                        )),
                    }
                }
                Phase::Suspect { failure, until } if now >= *until => {
                    fail.push((name.clone(), failure.clone()));
                }
                // A pair is formed again from the inbox as it is now.
                Phase::Backoff { until } if now >= *until && self.pairing.is_some() => {
                    item.phase = Phase::Waiting;
                    wake(now);
                }
                Phase::Backoff { until } if now >= *until => {
                    if let Some(snap) = &item.snap {
                        ready.push((name.clone(), Task::Convert(snap.clone())));
                    }
                }
                Phase::Unfinished { intent, until, .. } if now >= *until => {
                    ready.push((name.clone(), Task::Recover(intent.clone())));
                }
                Phase::Suspect { until, .. }
                | Phase::Backoff { until }
                | Phase::Unfinished { until, .. } => wake(*until),
                Phase::Running { .. } | Phase::Left | Phase::Kept => {}
            }
        }
        for (name, failure) in fail {
            self.fail(&name, failure);
        }
        if let Some(wait) = self.pairing {
            let (tasks, lone) = self.pair_up(&settled, wait, wall);
            ready.extend(tasks);
            if let Some((name, until)) = lone {
                wake(now + until.duration_since(wall).unwrap_or(Duration::ZERO));
                if let Some(item) = self.items.get_mut(&name)
                    && !std::mem::replace(&mut item.told, true)
                {
                    let left = until.duration_since(wall).unwrap_or(Duration::ZERO);
                    self.events.note(
                        Level::Info,
                        &format!(
                            "{}: fronts of a duplex pair; waiting up to {} for the backs",
                            self.inbox.join(&name).display(),
                            minutes(Duration::from_secs(left.as_secs().max(1)))
                        ),
                    );
                }
            }
        }
        for (name, task) in ready {
            if self.running >= self.capacity {
                break;
            }
            let Some(item) = self.items.get_mut(&name) else {
                continue;
            };
            let partner = match (&task, &item.phase) {
                (Task::Pair { backs, .. }, _) => Some(backs.clone()),
                (Task::Recover(_), Phase::Unfinished { partner, .. }) => partner.clone(),
                _ => None,
            };
            item.phase = Phase::Running {
                fingerprint: item.settle.fingerprint().clone(),
                started: Instant::now(),
                partner: partner.clone(),
            };
            if let Some(backs) = partner
                && let Some(b) = self.items.get_mut(&backs)
            {
                b.phase = Phase::Running {
                    fingerprint: b.settle.fingerprint().clone(),
                    started: Instant::now(),
                    partner: None,
                };
            }
            let what = match &task {
                Task::Convert(s) => format!(
                    "converting {} ({} file{})",
                    self.inbox.join(&name).display(),
                    s.pages.len(),
                    crate::english::plural(s.pages.len())
                ),
                Task::Pair { backs, .. } => format!(
                    "converting {} with {} as its backs",
                    self.inbox.join(&name).display(),
                    self.inbox.join(backs).display()
                ),
                Task::Alone(s, why) => format!(
                    "converting {} on its own ({} file{}): {}",
                    self.inbox.join(&name).display(),
                    s.pages.len(),
                    crate::english::plural(s.pages.len()),
                    why.message
                ),
                Task::Recover(_) => format!("finishing {}", self.inbox.join(&name).display()),
            };
            self.events.note(Level::Detail, &what);
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
        due
    }

    fn job_ended(&mut self, name: OsString, end: JobEnd) {
        self.running -= 1;
        let now = Instant::now();
        let Some(item) = self.items.get_mut(&name) else {
            return;
        };
        let (fingerprint, started, partner) =
            match std::mem::replace(&mut item.phase, Phase::Waiting) {
                Phase::Running {
                    fingerprint,
                    started,
                    partner,
                } => (fingerprint, started, partner),
                _ => (Fingerprint::default(), now, None),
            };
        // The backs of a pair leave their hold with the fronts.
        let backs_fingerprint = partner.as_ref().and_then(|p| {
            let b = self.items.get_mut(p)?;
            match std::mem::replace(&mut b.phase, Phase::Waiting) {
                Phase::Running { fingerprint, .. } => Some(fingerprint),
                _ => None,
            }
        });
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
                // Settle again from scratch.
                for n in std::iter::once(&name).chain(&partner) {
                    if let Some(item) = self.items.get_mut(n) {
                        item.settle = Settle::new(Fingerprint::default(), now);
                    }
                }
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
                for n in [&name, &backs] {
                    if let Some(item) = self.items.get_mut(n) {
                        item.alone = Some(duplex_warning("duplex_mismatch", why.clone()));
                    }
                }
            }
            JobEnd::Failed(e) => {
                let failure = Failure::of(&e);
                if let Some(p) = partner {
                    let f = backs_fingerprint.unwrap_or_default();
                    self.attempt_failed(p, failure.clone(), f, now);
                }
                self.attempt_failed(name, failure, fingerprint, now);
            }
            JobEnd::Unfinished { error, intent } => {
                self.unfinished(&name, partner, error, intent, now);
            }
        }
    }

    /// A PDF is written but not yet in place (or its originals not yet
    /// moved): retry the intent, keeping the backs of a pair on hold.
    fn unfinished(
        &mut self,
        name: &OsString,
        partner: Option<OsString>,
        error: Error,
        intent: String,
        now: Instant,
    ) {
        let Some(item) = self.items.get_mut(name) else {
            return;
        };
        item.attempts += 1;
        let path = self.inbox.join(name);
        if item.attempts == MAX_ATTEMPTS {
            self.events.note(
                Level::Warning,
                &format!(
                    "{}: its PDF is written but could not be put in place or the original moved ({error}); still trying every {} s",
                    path.display(),
                    RESCAN.as_secs()
                ),
            );
            self.totals.failed += 1;
            self.totals.first_failure.get_or_insert(error.kind());
        }
        let kept = self.cfg.once && item.attempts >= MAX_ATTEMPTS;
        item.phase = if kept {
            Phase::Kept
        } else {
            Phase::Unfinished {
                intent,
                until: now + backoff(item.attempts).min(RESCAN),
                partner: partner.clone(),
            }
        };
        if let Some(b) = partner.and_then(|p| self.items.get_mut(&p)) {
            b.phase = if kept {
                Phase::Kept
            } else {
                Phase::Running {
                    fingerprint: b.settle.fingerprint().clone(),
                    started: now,
                    partner: None,
                }
            };
        }
    }

    /// A conversion failed: wait, retry or give up, by kind of error.
    fn attempt_failed(
        &mut self,
        name: OsString,
        failure: Failure,
        fingerprint: Fingerprint,
        now: Instant,
    ) {
        let Some(item) = self.items.get_mut(&name) else {
            return;
        };
        match failure.kind {
            ErrorKind::Input => match scan::snapshot(self.inbox, &name, item.kind) {
                None => {
                    self.events.note(
                        Level::Info,
                        &format!(
                            "{}: gone before it was converted",
                            self.inbox.join(&name).display()
                        ),
                    );
                    self.items.remove(&name);
                }
                Some(s) if s.fingerprint != fingerprint => {
                    item.settle = Settle::new(s.fingerprint, now);
                }
                Some(_) => {
                    // Perhaps a writer that paused: fail only if still unchanged.
                    item.phase = Phase::Suspect {
                        failure,
                        until: now + self.cfg.settle,
                    };
                }
            },
            ErrorKind::Output => {
                item.attempts += 1;
                if item.attempts >= MAX_ATTEMPTS {
                    self.fail(&name, failure);
                } else {
                    let wait = backoff(item.attempts);
                    self.events.note(
                        Level::Warning,
                        &format!("{}; trying again in {} s", failure.message, wait.as_secs()),
                    );
                    item.phase = Phase::Backoff { until: now + wait };
                }
            }
            _ => self.fail(&name, failure),
        }
    }

    /// Give up on a document: its original goes to `.failed` with a reason.
    fn fail(&mut self, name: &OsString, mut failure: Failure) {
        let Some(item) = self.items.get_mut(name) else {
            return;
        };
        if !dispose::taken(&self.inbox.join(name)) {
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
                item.phase = Phase::Kept;
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
        self.cfg.once
            && self.running == 0
            && self
                .items
                .values()
                .all(|i| matches!(i.phase, Phase::Left | Phase::Kept))
    }

    /// The duplex inbox's jobs: its settled documents (`settled`) paired
    /// in the order they were written, by [`pair_up`]; and when to look
    /// again, for the lone fronts file whose wait runs out.
    fn pair_up(
        &self,
        settled: &HashSet<OsString>,
        wait: Duration,
        wall: SystemTime,
    ) -> (Vec<(OsString, Task)>, Option<Lone>) {
        let mut line: Vec<Candidate> = self
            .items
            .iter()
            .filter(|(_, i)| matches!(i.phase, Phase::Waiting) && i.alone.is_none())
            .map(|(name, i)| Candidate {
                name: name.clone(),
                arrived: i.arrived,
                settled: settled.contains(name),
            })
            .collect();
        line.sort_by(|a, b| (a.arrived, &a.name).cmp(&(b.arrived, &b.name)));
        let (pairs, until) = pair_up(&line, wait, wall, self.cfg.once);
        let snap = |n: &OsString| self.items.get(n).and_then(|i| i.snap.clone());
        let tasks = pairs
            .into_iter()
            .filter_map(|p| match p {
                Pairing::Pair(fronts, backs) => Some((
                    fronts.clone(),
                    Task::Pair {
                        fronts: snap(&fronts)?,
                        backs_snap: snap(&backs)?,
                        backs,
                    },
                )),
                Pairing::Alone(name) => {
                    let why = format!(
                        "no backs came within {} of it in the duplex inbox: converted as single-sided",
                        minutes(wait)
                    );
                    Some((
                        name.clone(),
                        Task::Alone(snap(&name)?, duplex_warning("duplex_unpaired", why)),
                    ))
                }
            })
            .collect();
        (tasks, until)
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

impl Item {
    fn new(kind: Kind, settle: Settle, snap: Option<Snapshot>, phase: Phase) -> Self {
        let now = SystemTime::now();
        let arrived = snap.as_ref().map_or(now, |s| s.newest.min(now));
        Item {
            kind,
            settle,
            snap,
            phase,
            attempts: 0,
            whole: None,
            arrived,
            alone: None,
            told: false,
        }
    }

    /// A fresh look at the document; a change puts a waiting failure or
    /// retry back to settling.
    fn update(&mut self, snap: Snapshot, now: Instant) {
        if matches!(self.phase, Phase::Running { .. } | Phase::Unfinished { .. }) {
            return;
        }
        if self.settle.observe(&snap.fingerprint, now)
            && matches!(
                self.phase,
                Phase::Suspect { .. } | Phase::Backoff { .. } | Phase::Left | Phase::Kept
            )
        {
            self.phase = Phase::Waiting;
            self.attempts = 0;
        }
        self.snap = Some(snap);
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

/// A document of the duplex inbox waiting for its turn.
#[derive(Debug, Clone)]
struct Candidate {
    name: OsString,
    arrived: SystemTime,
    /// Settled and whole: it can be converted now.
    settled: bool,
}

/// A fronts document waiting for its backs, and the end of its wait.
type Lone = (OsString, SystemTime);

/// What to do with documents of the duplex inbox.
#[derive(Debug, PartialEq)]
enum Pairing {
    /// Fronts, backs.
    Pair(OsString, OsString),
    Alone(OsString),
}

/// Pair the duplex inbox's documents, `line` in the order they were
/// written: the first is the fronts, the next one written within `wait`
/// of it the backs. A fronts document with nothing after it within the
/// wait goes alone once the wait is over (at once with `once`: nothing
/// more will come); a document still settling holds everything after it,
/// since it may be the backs. Returns the jobs and, when a lone fronts
/// document is waited for, it and the end of its wait.
///
/// The order is taken from the files' own modification times, so it is
/// the same after a restart: the inbox itself is the pairing's record,
/// and nothing is disposed of before the pair's PDF is in place.
fn pair_up(
    line: &[Candidate],
    wait: Duration,
    wall: SystemTime,
    once: bool,
) -> (Vec<Pairing>, Option<Lone>) {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(a) = line.get(i) {
        if !a.settled {
            return (out, None);
        }
        let deadline = a.arrived + wait;
        match line.get(i + 1) {
            Some(b) if b.arrived <= deadline => {
                if !b.settled {
                    return (out, None);
                }
                out.push(Pairing::Pair(a.name.clone(), b.name.clone()));
                i += 2;
            }
            next => {
                if next.is_none() && !once && wall < deadline {
                    return (out, Some((a.name.clone(), deadline)));
                }
                out.push(Pairing::Alone(a.name.clone()));
                i += 1;
            }
        }
    }
    (out, None)
}

fn duplex_warning(code: &str, message: String) -> Warning {
    Warning {
        code: code.into(),
        message,
        page: None,
        input: None,
    }
}

fn minutes(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 60 && s.is_multiple_of(60) {
        format!("{} min", s / 60)
    } else {
        format!("{} s", secs(d))
    }
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

fn backoff(attempt: u32) -> Duration {
    BACKOFF * 2u32.pow(attempt.saturating_sub(1).min(10))
}

fn secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0}")
    } else {
        format!("{s}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(files: &[(&str, u64, bool)]) -> Vec<Candidate> {
        files
            .iter()
            .map(|&(name, at, settled)| Candidate {
                name: name.into(),
                arrived: SystemTime::UNIX_EPOCH + Duration::from_secs(at),
                settled,
            })
            .collect()
    }

    fn at(s: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(s)
    }

    fn pair(a: &str, b: &str) -> Pairing {
        Pairing::Pair(a.into(), b.into())
    }

    #[test]
    fn files_pair_in_the_order_written_within_the_wait() {
        let wait = Duration::from_secs(100);
        // a+b pair; c's backs would have to come by 400; d comes at 450.
        let l = line(&[
            ("a", 0, true),
            ("b", 50, true),
            ("c", 300, true),
            ("d", 450, true),
        ]);
        let (jobs, lone) = pair_up(&l, wait, at(460), false);
        assert_eq!(jobs, [pair("a", "b"), Pairing::Alone("c".into())]);
        // d waits for its backs until 550.
        assert_eq!(lone, Some(("d".into(), at(550))));
        // Once the wait is over, it goes alone; with --once, at once.
        assert_eq!(
            pair_up(&l[3..], wait, at(550), false).0,
            [Pairing::Alone("d".into())]
        );
        assert_eq!(
            pair_up(&l[3..], wait, at(460), true).0,
            [Pairing::Alone("d".into())]
        );
    }

    #[test]
    fn a_file_still_settling_holds_the_line() {
        let wait = Duration::from_secs(100);
        // b may be a's backs: nothing is decided until it settles, even
        // after a's wait.
        let l = line(&[("a", 0, true), ("b", 90, false), ("c", 95, true)]);
        assert_eq!(pair_up(&l, wait, at(500), false), (vec![], None));
        // The fronts still being written: nothing either.
        let l = line(&[("a", 0, false), ("b", 10, true)]);
        assert_eq!(pair_up(&l, wait, at(20), true), (vec![], None));
        // Settled, b pairs with a and c waits.
        let l = line(&[("a", 0, true), ("b", 90, true), ("c", 95, true)]);
        let (jobs, lone) = pair_up(&l, wait, at(100), false);
        assert_eq!(jobs, [pair("a", "b")]);
        assert_eq!(lone, Some(("c".into(), at(195))));
    }
}
