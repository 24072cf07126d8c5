//! The phase machine: where each document of an inbox is in its life, and
//! one function per way it moves on. Nothing here reads the disk or the
//! clock, so every transition is tested on its own: the loop
//! (`watcher.rs`) looks, asks these what follows, and acts (starts jobs,
//! moves files, says what happened).
//!
//! A duplex pair lives here as two documents: the fronts carry the job
//! (`Running` with a `partner`, or `Unfinished` with one), the backs are
//! held (`Running` without a partner) until the fronts' job ends, and
//! leave their hold with it.

use super::dispose::Failure;
use super::job::Task;
use super::journal::Intent;
use super::settle::{self, Readiness, Settle, Waits};
use super::{BACKOFF, MAX_ATTEMPTS, RESCAN};
use crate::intake::scan::{Fingerprint, Kind, Snapshot};
use crate::report::Warning;
use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::time::{Duration, Instant, SystemTime};

/// An inbox's documents by name.
pub(super) type Items = BTreeMap<OsString, Item>;

/// Where a document is in its life. Private: only the transitions below
/// build one.
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

/// One document of the inbox.
#[derive(Debug)]
pub(super) struct Item {
    pub kind: Kind,
    settle: Settle,
    pub snap: Option<Snapshot>,
    phase: Phase,
    /// Tries that hit output errors, for the backoff and the give-up.
    pub attempts: u32,
    /// What the completeness check said of this fingerprint, so a file
    /// waited for is read once per change, not at every look.
    whole: Option<(Fingerprint, Option<String>)>,
    /// When it was written, for duplex pairing: its newest modification
    /// time, or when it was first seen if that is earlier (a scan still
    /// being written).
    pub arrived: SystemTime,
    /// In a duplex inbox: convert it on its own, with this warning.
    pub alone: Option<Warning>,
    /// In a duplex inbox: it was said that it waits for its backs.
    pub told: bool,
}

/// What [`Item::next`] goes by.
#[derive(Debug, Clone, Copy)]
pub(super) struct Rules {
    pub waits: Waits,
    /// `--once`: nothing more will come.
    pub once: bool,
    /// A duplex inbox: settled documents are paired (`pairing.rs`)
    /// rather than started one by one.
    pub pairing: bool,
}

/// What a document needs now.
#[derive(Debug)]
pub(super) enum Next {
    /// Nothing until this instant (`None`: until it changes or its job
    /// ends).
    Wait(Option<Instant>),
    /// Start this job.
    Start(Task),
    /// Settled and whole in a duplex inbox: for the pairing.
    Pair,
    /// Give up on it.
    Fail(Failure),
    /// Give up on it: it stayed empty or incomplete for too long (why).
    Abandoned(String),
}

/// What a document's job was, taken when it ends.
#[derive(Debug)]
pub(super) struct Ran {
    /// The document as it was when its job started.
    pub fingerprint: Fingerprint,
    pub started: Instant,
    /// The backs of a pair, and how they were when the job started.
    pub partner: Option<OsString>,
    pub backs_fingerprint: Option<Fingerprint>,
}

impl Item {
    /// First seen: settling. `wall` is now, for [`Item::arrived`].
    pub fn new(kind: Kind, settle: Settle, snap: Option<Snapshot>, wall: SystemTime) -> Self {
        let arrived = snap.as_ref().map_or(wall, |s| s.newest.min(wall));
        Item {
            kind,
            settle,
            snap,
            phase: Phase::Waiting,
            attempts: 0,
            whole: None,
            arrived,
            alone: None,
            told: false,
        }
    }

    /// A fresh look at the document; a change puts a waiting failure or
    /// retry back to settling.
    pub fn update(&mut self, snap: Snapshot, now: Instant) {
        if self.held() {
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

    /// What it needs at `now`. `incomplete` says why its files are not
    /// whole yet; it is asked once per change of a settled document.
    pub fn next(
        &mut self,
        now: Instant,
        wall: SystemTime,
        rules: Rules,
        incomplete: impl FnOnce(&Snapshot) -> Option<String>,
    ) -> Next {
        match &self.phase {
            Phase::Waiting => {
                let Some(snap) = &self.snap else {
                    return Next::Wait(None);
                };
                let whole = &mut self.whole;
                let check = || {
                    if let Some((f, why)) = whole.as_ref()
                        && f == &snap.fingerprint
                    {
                        return why.clone();
                    }
                    let why = incomplete(snap);
                    *whole = Some((snap.fingerprint.clone(), why.clone()));
                    why
                };
                match settle::readiness(&self.settle, snap, now, wall, rules.waits, check) {
                    Readiness::Changing { until } => Next::Wait(Some(until)),
                    Readiness::Incomplete { .. } if rules.once => {
                        self.phase = Phase::Left;
                        Next::Wait(None)
                    }
                    Readiness::Incomplete { until } => Next::Wait(Some(until)),
                    Readiness::Ready => match (&self.alone, rules.pairing) {
                        (Some(why), _) => Next::Start(Task::Alone(snap.clone(), why.clone())),
                        (None, true) => Next::Pair,
                        (None, false) => Next::Start(Task::Convert(snap.clone())),
                    },
                    Readiness::Abandoned(why) => Next::Abandoned(why),
                }
            }
            Phase::Suspect { failure, until } if now >= *until => Next::Fail(failure.clone()),
            // A pair is formed again from the inbox as it is now.
            Phase::Backoff { until } if now >= *until && rules.pairing => {
                self.phase = Phase::Waiting;
                Next::Wait(Some(now))
            }
            Phase::Backoff { until } if now >= *until => match &self.snap {
                Some(s) => Next::Start(Task::Convert(s.clone())),
                None => Next::Wait(None),
            },
            Phase::Unfinished { intent, until, .. } if now >= *until => {
                Next::Start(Task::Recover(intent.clone()))
            }
            Phase::Suspect { until, .. }
            | Phase::Backoff { until }
            | Phase::Unfinished { until, .. } => Next::Wait(Some(*until)),
            Phase::Running { .. } | Phase::Left | Phase::Kept => Next::Wait(None),
        }
    }

    /// Its job is running.
    pub fn running(&self) -> bool {
        matches!(self.phase, Phase::Running { .. })
    }

    /// A job or an intent holds it: kept even while gone from the inbox,
    /// and a fresh look changes nothing.
    pub fn held(&self) -> bool {
        matches!(self.phase, Phase::Running { .. } | Phase::Unfinished { .. })
    }

    /// `--once`: nothing more will be done with it.
    pub fn at_rest(&self) -> bool {
        matches!(self.phase, Phase::Left | Phase::Kept)
    }

    /// In a duplex inbox: it may be the fronts or the backs of a pair.
    pub fn pairable(&self) -> bool {
        matches!(self.phase, Phase::Waiting) && self.alone.is_none()
    }

    /// Given up on, but its original could not be moved to `.failed`.
    pub fn keep(&mut self) {
        self.phase = Phase::Kept;
    }

    /// Settle again from `fingerprint` (the default one: from scratch).
    pub fn resettle(&mut self, fingerprint: Fingerprint, now: Instant) {
        self.settle = Settle::new(fingerprint, now);
    }

    /// Its job failed on the input, which now looks like `current`
    /// (`None`: gone) where the job read `ran`. Changed, it settles again;
    /// unchanged, it is failed only if still so one settle time later (a
    /// writer may have paused). Returns whether it is still there.
    pub fn input_failed(
        &mut self,
        failure: Failure,
        ran: &Fingerprint,
        current: Option<Fingerprint>,
        now: Instant,
        settle: Duration,
    ) -> bool {
        match current {
            None => return false,
            Some(f) if &f != ran => self.resettle(f, now),
            Some(_) => {
                self.phase = Phase::Suspect {
                    failure,
                    until: now + settle,
                }
            }
        }
        true
    }

    /// Its job hit an output error: the wait before the next try, or
    /// `None` when that was the last.
    pub fn output_failed(&mut self, now: Instant) -> Option<Duration> {
        self.attempts += 1;
        if self.attempts >= MAX_ATTEMPTS {
            return None;
        }
        let wait = backoff(self.attempts);
        self.phase = Phase::Backoff { until: now + wait };
        Some(wait)
    }

    /// The one place a running phase is built: from its settled
    /// fingerprint.
    fn hold(&mut self, started: Instant, partner: Option<OsString>) {
        self.phase = Phase::Running {
            fingerprint: self.settle.fingerprint().clone(),
            started,
            partner,
        };
    }

    /// Retry `intent` after the backoff of its tries so far, at most a
    /// rescan apart.
    fn retry_intent(&mut self, intent: String, partner: Option<OsString>, now: Instant) {
        self.phase = Phase::Unfinished {
            intent,
            until: now + backoff(self.attempts).min(RESCAN),
            partner,
        };
    }
}

/// An earlier run left `intent` unfinished: retry it soon, the backs of
/// its pair held until it is finished.
pub(super) fn recovered(items: &mut Items, intent: &Intent, now: Instant, wall: SystemTime) {
    let partner = intent.backs.as_ref().map(|b| {
        let kind = if b.folder { Kind::Folder } else { Kind::File };
        let settle = Settle::new(b.fingerprint.clone(), now);
        let mut held = Item::new(kind, settle, None, wall);
        held.hold(now, None);
        items.insert(b.input.clone(), held);
        b.input.clone()
    });
    let settle = Settle::new(intent.fingerprint.clone(), now);
    let mut item = Item::new(intent.kind(), settle, None, wall);
    item.attempts = 1;
    item.retry_intent(intent.id.clone(), partner, now);
    items.insert(intent.input.clone(), item);
}

/// `name`'s job `task` starts: it runs, and the backs of its pair (a pair
/// task, or a retried intent of one) are held. `false` when it is gone.
pub(super) fn start(items: &mut Items, name: &OsStr, task: &Task, now: Instant) -> bool {
    let Some(item) = items.get_mut(name) else {
        return false;
    };
    let partner = match (task, &item.phase) {
        (Task::Pair { backs, .. }, _) => Some(backs.clone()),
        (Task::Recover(_), Phase::Unfinished { partner, .. }) => partner.clone(),
        _ => None,
    };
    item.hold(now, partner.clone());
    if let Some(b) = partner.and_then(|p| items.get_mut(&p)) {
        b.hold(now, None);
    }
    true
}

/// `name`'s job ended: it and the backs of its pair leave their hold
/// (waiting, until the outcome moves them on). `None` when it is gone.
pub(super) fn end(items: &mut Items, name: &OsStr, now: Instant) -> Option<Ran> {
    let item = items.get_mut(name)?;
    let (fingerprint, started, partner) = match std::mem::replace(&mut item.phase, Phase::Waiting) {
        Phase::Running {
            fingerprint,
            started,
            partner,
        } => (fingerprint, started, partner),
        _ => (Fingerprint::default(), now, None),
    };
    let backs_fingerprint = partner.as_ref().and_then(|p| {
        let b = items.get_mut(p)?;
        match std::mem::replace(&mut b.phase, Phase::Waiting) {
            Phase::Running { fingerprint, .. } => Some(fingerprint),
            _ => None,
        }
    });
    Some(Ran {
        fingerprint,
        started,
        partner,
        backs_fingerprint,
    })
}

/// The job's input changed under it, or it was interrupted: it and its
/// backs settle again from scratch.
pub(super) fn resettle(items: &mut Items, name: &OsStr, partner: Option<&OsString>, now: Instant) {
    for n in std::iter::once(name).chain(partner.map(OsString::as_os_str)) {
        if let Some(item) = items.get_mut(n) {
            item.resettle(Fingerprint::default(), now);
        }
    }
}

/// The pair's page counts differ: each is converted on its own, with
/// `warning`.
pub(super) fn unpair(items: &mut Items, fronts: &OsStr, backs: &OsStr, warning: &Warning) {
    for n in [fronts, backs] {
        if let Some(item) = items.get_mut(n) {
            item.alone = Some(warning.clone());
        }
    }
}

/// `name`'s PDF is written but not yet in place (or its originals not yet
/// moved): retry `intent` after a backoff, the backs still held. With
/// `once`, the last try keeps both as they are. Returns the tries so far,
/// `None` when it is gone.
pub(super) fn unfinished(
    items: &mut Items,
    name: &OsStr,
    partner: Option<OsString>,
    intent: String,
    now: Instant,
    once: bool,
) -> Option<u32> {
    let item = items.get_mut(name)?;
    item.attempts += 1;
    let attempts = item.attempts;
    let kept = once && attempts >= MAX_ATTEMPTS;
    if kept {
        item.keep();
    } else {
        item.retry_intent(intent, partner.clone(), now);
    }
    if let Some(b) = partner.and_then(|p| items.get_mut(&p)) {
        if kept {
            b.keep();
        } else {
            b.hold(now, None);
        }
    }
    Some(attempts)
}

/// The wait before try `attempt + 1`: [`BACKOFF`], doubled each time.
fn backoff(attempt: u32) -> Duration {
    BACKOFF * 2u32.pow(attempt.saturating_sub(1).min(10))
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::error::ErrorKind;

    /// A one-file document of `size` bytes, last written `age` before
    /// `wall`.
    pub(in crate::watch) fn snap(size: u64, wall: SystemTime, age: Duration) -> Snapshot {
        crate::watch::settle::tests::snap(size, 1, age, wall)
    }

    /// A document first seen at `t0`.
    pub(in crate::watch) fn item(snap: Snapshot, t0: Instant, wall: SystemTime) -> Item {
        let settle = Settle::new(snap.fingerprint.clone(), t0);
        Item::new(Kind::File, settle, Some(snap), wall)
    }

    fn rules(once: bool, pairing: bool) -> Rules {
        Rules {
            waits: Waits {
                settle: Duration::from_secs(5),
                grace: Duration::from_secs(600),
                incomplete: Duration::from_secs(600),
                take_incomplete: false,
            },
            once,
            pairing,
        }
    }

    fn warning(code: &str) -> Warning {
        Warning {
            code: code.into(),
            message: "x".into(),
            page: None,
            input: None,
        }
    }

    fn whole(_: &Snapshot) -> Option<String> {
        None
    }

    fn failure(kind: ErrorKind) -> Failure {
        Failure {
            kind,
            message: "no".into(),
        }
    }

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    #[test]
    fn settling_then_ready_starts_a_conversion_or_waits_for_a_pair() {
        let (t0, wall) = (Instant::now(), SystemTime::now());
        let mut a = item(snap(10, wall, secs(60)), t0, wall);
        assert!(matches!(
            a.next(t0 + secs(1), wall, rules(false, false), whole),
            Next::Wait(Some(t)) if t == t0 + secs(5)
        ));
        assert!(matches!(
            a.next(t0 + secs(5), wall, rules(false, false), whole),
            Next::Start(Task::Convert(_))
        ));
        assert!(matches!(
            a.next(t0 + secs(5), wall, rules(false, true), whole),
            Next::Pair
        ));
        // Told to go alone, it does so even in a duplex inbox.
        a.alone = Some(warning("duplex_unpaired"));
        assert!(!a.pairable());
        assert!(matches!(
            a.next(t0 + secs(5), wall, rules(false, true), whole),
            Next::Start(Task::Alone(_, w)) if w.code == "duplex_unpaired"
        ));
    }

    #[test]
    fn incomplete_files_are_checked_once_per_change_and_left_with_once() {
        let (t0, wall) = (Instant::now(), SystemTime::now());
        let mut a = item(snap(10, wall, secs(60)), t0, wall);
        let asked = std::cell::Cell::new(0);
        let cut = |_: &Snapshot| {
            asked.set(asked.get() + 1);
            Some("no end marker".to_string())
        };
        let later = t0 + secs(10);
        assert!(matches!(
            a.next(later, wall, rules(false, false), cut),
            Next::Wait(Some(_))
        ));
        assert!(matches!(
            a.next(later, wall, rules(false, false), cut),
            Next::Wait(Some(_))
        ));
        assert_eq!(asked.get(), 1);
        assert!(matches!(
            a.next(later, wall, rules(true, false), cut),
            Next::Wait(None)
        ));
        assert!(a.at_rest());
        // A change brings it back.
        a.update(snap(20, wall, secs(0)), later);
        assert!(!a.at_rest());
        assert!(matches!(
            a.next(later, wall, rules(true, false), whole),
            Next::Wait(Some(t)) if t == later + secs(5)
        ));
    }

    #[test]
    fn an_empty_file_is_abandoned_after_the_grace() {
        let (t0, wall) = (Instant::now(), SystemTime::now());
        let mut a = item(snap(0, wall, secs(700)), t0, wall);
        assert!(matches!(
            a.next(t0 + secs(5), wall, rules(false, false), whole),
            Next::Abandoned(why) if why.contains("empty")
        ));
    }

    #[test]
    fn a_job_runs_and_ends_back_in_waiting() {
        let (t0, wall) = (Instant::now(), SystemTime::now());
        let s = snap(10, wall, secs(60));
        let mut items = Items::new();
        items.insert("a".into(), item(s.clone(), t0, wall));
        assert!(start(
            &mut items,
            OsStr::new("a"),
            &Task::Convert(s.clone()),
            t0
        ));
        assert!(!start(
            &mut items,
            OsStr::new("gone"),
            &Task::Convert(s.clone()),
            t0
        ));
        let a = &items[OsStr::new("a")];
        assert!(a.running() && a.held());
        // Running: a fresh look and a step change nothing.
        let a = items.get_mut(OsStr::new("a")).unwrap();
        a.update(snap(99, wall, secs(0)), t0);
        assert!(matches!(
            a.next(t0 + secs(60), wall, rules(false, false), whole),
            Next::Wait(None)
        ));
        let ran = end(&mut items, OsStr::new("a"), t0 + secs(3)).unwrap();
        assert_eq!((ran.fingerprint, ran.started), (s.fingerprint, t0));
        assert!(ran.partner.is_none() && ran.backs_fingerprint.is_none());
        assert!(!items[OsStr::new("a")].held());
        assert!(end(&mut items, OsStr::new("gone"), t0).is_none());
    }

    #[test]
    fn a_pair_holds_its_backs_until_the_fronts_job_ends() {
        let (t0, wall) = (Instant::now(), SystemTime::now());
        let (f, b) = (snap(10, wall, secs(60)), snap(20, wall, secs(50)));
        let mut items = Items::new();
        items.insert("f".into(), item(f.clone(), t0, wall));
        items.insert("b".into(), item(b.clone(), t0, wall));
        let pair = Task::Pair {
            fronts: f,
            backs: "b".into(),
            backs_snap: b.clone(),
        };
        start(&mut items, OsStr::new("f"), &pair, t0);
        assert!(items.values().all(Item::running));
        let ran = end(&mut items, OsStr::new("f"), t0).unwrap();
        assert_eq!(ran.partner, Some("b".into()));
        assert_eq!(ran.backs_fingerprint, Some(b.fingerprint));
        assert!(items.values().all(Item::pairable));
        // Not a pair after all: each goes alone.
        let w = warning("duplex_mismatch");
        unpair(&mut items, OsStr::new("f"), OsStr::new("b"), &w);
        assert!(items.values().all(|i| i.alone.is_some() && !i.pairable()));
    }

    #[test]
    fn an_input_failure_is_suspect_until_one_settle_later_or_settles_again() {
        let (t0, wall) = (Instant::now(), SystemTime::now());
        let s = snap(10, wall, secs(60));
        let fp = s.fingerprint.clone();
        let mut a = item(s, t0, wall);
        let settle = secs(5);
        assert!(!a.input_failed(failure(ErrorKind::Input), &fp, None, t0, settle));
        assert!(a.input_failed(failure(ErrorKind::Input), &fp, Some(fp.clone()), t0, settle));
        let r = rules(false, false);
        assert!(
            matches!(a.next(t0 + secs(1), wall, r, whole), Next::Wait(Some(t)) if t == t0 + settle)
        );
        assert!(matches!(a.next(t0 + settle, wall, r, whole), Next::Fail(f) if f.message == "no"));
        // Changed meanwhile: settles again from the new look.
        let mut a = item(snap(10, wall, secs(60)), t0, wall);
        let other = snap(11, wall, secs(0)).fingerprint;
        assert!(a.input_failed(
            failure(ErrorKind::Input),
            &fp,
            Some(other),
            t0 + secs(9),
            settle
        ));
        assert!(matches!(
            a.next(t0 + secs(10), wall, r, whole),
            Next::Wait(Some(t)) if t == t0 + secs(14)
        ));
    }

    #[test]
    fn output_failures_back_off_doubling_then_give_up() {
        let (t0, wall) = (Instant::now(), SystemTime::now());
        let mut a = item(snap(10, wall, secs(60)), t0, wall);
        let waits: Vec<_> = (0..MAX_ATTEMPTS).map(|_| a.output_failed(t0)).collect();
        assert_eq!(
            waits,
            [
                Some(secs(2)),
                Some(secs(4)),
                Some(secs(8)),
                Some(secs(16)),
                None
            ]
        );
        // The last backoff: retried when due, or formed into a pair again.
        let r = rules(false, false);
        assert!(matches!(
            a.next(t0 + secs(15), wall, r, whole),
            Next::Wait(Some(_))
        ));
        assert!(matches!(
            a.next(t0 + secs(16), wall, r, whole),
            Next::Start(Task::Convert(_))
        ));
        let r = rules(false, true);
        assert!(matches!(
            a.next(t0 + secs(16), wall, r, whole),
            Next::Wait(Some(_))
        ));
        assert!(a.pairable());
    }

    #[test]
    fn an_unfinished_pair_retries_its_intent_with_the_backs_held() {
        let (t0, wall) = (Instant::now(), SystemTime::now());
        let mut items = Items::new();
        let intent = Intent {
            id: "id1".into(),
            input: "f".into(),
            folder: false,
            fingerprint: snap(10, wall, secs(1)).fingerprint,
            pages: 2,
            output: "f.pdf".into(),
            warnings: Vec::new(),
            fates: crate::report::Fates::default(),
            parts: Vec::new(),
            backs: Some(crate::watch::journal::Backs {
                input: "b".into(),
                folder: true,
                fingerprint: snap(20, wall, secs(1)).fingerprint,
            }),
        };
        recovered(&mut items, &intent, t0, wall);
        assert_eq!(items[OsStr::new("b")].kind, Kind::Folder);
        assert!(items[OsStr::new("b")].running());
        let f = items.get_mut(OsStr::new("f")).unwrap();
        assert!(f.held() && !f.running());
        let r = rules(false, false);
        assert!(
            matches!(f.next(t0 + secs(1), wall, r, whole), Next::Wait(Some(t)) if t == t0 + BACKOFF)
        );
        let task = match f.next(t0 + BACKOFF, wall, r, whole) {
            Next::Start(t @ Task::Recover(_)) => t,
            other => panic!("{other:?}"),
        };
        // The retry takes the backs with it, and fails again: held again.
        start(&mut items, OsStr::new("f"), &task, t0);
        let ran = end(&mut items, OsStr::new("f"), t0).unwrap();
        assert_eq!(ran.partner, Some("b".into()));
        let at = unfinished(
            &mut items,
            OsStr::new("f"),
            ran.partner,
            "id1".into(),
            t0,
            true,
        );
        assert_eq!(at, Some(2));
        assert!(items[OsStr::new("b")].running());
        // With --once, the last try leaves both as they are.
        let f = items.get_mut(OsStr::new("f")).unwrap();
        f.attempts = MAX_ATTEMPTS - 1;
        let at = unfinished(
            &mut items,
            OsStr::new("f"),
            Some("b".into()),
            "id1".into(),
            t0,
            true,
        );
        assert_eq!(at, Some(MAX_ATTEMPTS));
        assert!(items.values().all(Item::at_rest));
    }

    #[test]
    fn a_retry_waits_at_most_a_rescan() {
        let (t0, wall) = (Instant::now(), SystemTime::now());
        let mut items = Items::new();
        items.insert("a".into(), item(snap(1, wall, secs(9)), t0, wall));
        items.get_mut(OsStr::new("a")).unwrap().attempts = 8;
        unfinished(&mut items, OsStr::new("a"), None, "id".into(), t0, false);
        let a = items.get_mut(OsStr::new("a")).unwrap();
        assert!(matches!(
            a.next(t0, wall, rules(false, false), whole),
            Next::Wait(Some(t)) if t == t0 + RESCAN
        ));
        a.resettle(Fingerprint::default(), t0);
        a.keep();
        assert!(a.at_rest());
    }
}
