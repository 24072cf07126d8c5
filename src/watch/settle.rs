//! When a document is complete enough to take.
//!
//! Copies over SMB, FTP uploads and scanner software write a file in
//! pieces, sometimes after creating it empty, sometimes under a temporary
//! name. No event says "finished", so a document is taken only once its
//! fingerprint (size, modification time, inode of every part) has stayed
//! the same for the settle time — and then only if it has content and its
//! own structure says it is whole (`input/complete.rs`: a JPEG's end
//! marker, PNG's IEND, TIFF strips inside the file, a PDF's trailer, …): a
//! network scanner or SMB copy that pauses mid-file for longer than the
//! settle time leaves a file that looks settled but is not. Whether it
//! decodes is the conversion's job; a failure there is confirmed after one
//! more settle period (see `mod.rs`).

use crate::intake::scan::{Fingerprint, Kind, Snapshot};
use std::time::{Duration, Instant, SystemTime};

/// How long a document has looked the same.
#[derive(Debug, Clone)]
pub(crate) struct Settle {
    fingerprint: Fingerprint,
    since: Instant,
}

impl Settle {
    pub fn new(fingerprint: Fingerprint, now: Instant) -> Self {
        Settle {
            fingerprint,
            since: now,
        }
    }

    /// Record a fresh look; a change restarts the clock. Returns whether
    /// anything changed.
    pub fn observe(&mut self, fingerprint: &Fingerprint, now: Instant) -> bool {
        if &self.fingerprint == fingerprint {
            return false;
        }
        self.fingerprint = fingerprint.clone();
        self.since = now;
        true
    }

    pub fn fingerprint(&self) -> &Fingerprint {
        &self.fingerprint
    }
}

/// What to do with a document now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Readiness {
    /// Changed within the settle time: look again at `until`.
    Changing { until: Instant },
    /// Settled but not complete (empty, or a part still under a temporary
    /// name): wait, at most until `until`, when it is given up on.
    Incomplete { until: Instant },
    /// Settled and complete: convert it.
    Ready,
    /// Settled and still empty after the grace period, or still
    /// incomplete after the incomplete wait: fail it.
    Abandoned(String),
}

/// How long to wait for what is missing.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Waits {
    /// Unchanged this long means written.
    pub settle: Duration,
    /// For an empty file, or a part under a temporary name.
    pub grace: Duration,
    /// For a file whose structure says it is incomplete.
    pub incomplete: Duration,
    /// `--accept-truncated`: once that wait is over, convert what there
    /// is (a JPEG keeps what decodes, with a warning) instead of failing.
    pub take_incomplete: bool,
}

/// Decide from how long `snap` has been stable (`state`) and how old its
/// newest part is. `waits.grace` bounds the wait for an empty file to be
/// filled or a temporary name to be renamed, `waits.incomplete` the wait
/// for a file that `incomplete` (asked only once the document has settled
/// and has content) says is cut short; both count from the last
/// modification.
pub(crate) fn readiness(
    state: &Settle,
    snap: &Snapshot,
    now: Instant,
    wall: SystemTime,
    waits: Waits,
    incomplete: impl FnOnce() -> Option<String>,
) -> Readiness {
    let Waits { settle, grace, .. } = waits;
    let until = state.since + settle;
    if now < until {
        return Readiness::Changing { until };
    }
    let age = wall.duration_since(snap.newest).unwrap_or(Duration::ZERO);
    let stale = age >= grace;
    let give_up_at = now + grace.saturating_sub(age);
    if snap.writing && !stale {
        return Readiness::Incomplete { until: give_up_at };
    }
    if snap.empty {
        if stale {
            let why = if snap.kind == Kind::File {
                "file is empty".to_string()
            } else if snap.pages.is_empty() {
                "folder holds no page files".to_string()
            } else {
                "folder holds an empty file".to_string()
            };
            return Readiness::Abandoned(format!(
                "{why} (nothing changed for {} s)",
                grace.as_secs()
            ));
        }
        return Readiness::Incomplete { until: give_up_at };
    }
    if let Some(why) = incomplete() {
        if age >= waits.incomplete && waits.take_incomplete {
            return Readiness::Ready;
        }
        if age >= waits.incomplete {
            return Readiness::Abandoned(format!(
                "{why} (nothing changed for {} s)",
                waits.incomplete.as_secs()
            ));
        }
        return Readiness::Incomplete {
            until: now + waits.incomplete.saturating_sub(age),
        };
    }
    Readiness::Ready
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::intake::scan::Stamp;
    use std::path::PathBuf;

    fn waits(settle: u64, grace: u64) -> Waits {
        Waits {
            settle: Duration::from_secs(settle),
            grace: Duration::from_secs(grace),
            incomplete: Duration::from_secs(300),
            take_incomplete: false,
        }
    }

    pub(in crate::watch) fn snap(
        size: u64,
        mtime_ns: i64,
        age: Duration,
        wall: SystemTime,
    ) -> Snapshot {
        Snapshot {
            fingerprint: Fingerprint(vec![Stamp {
                name: String::new(),
                size,
                mtime_ns,
                ino: 1,
            }]),
            pages: vec![PathBuf::from("a.png")],
            empty: size == 0,
            writing: false,
            newest: wall - age,
            skipped: Vec::new(),
            kind: Kind::File,
        }
    }

    fn whole() -> Option<String> {
        None
    }

    #[test]
    fn a_change_restarts_the_clock_and_settled_files_are_ready() {
        let (t0, wall) = (Instant::now(), SystemTime::now());
        let w = waits(5, 600);
        let a = snap(10, 1, Duration::ZERO, wall);
        let mut s = Settle::new(a.fingerprint.clone(), t0);
        let at = |secs| t0 + Duration::from_secs(secs);
        assert_eq!(
            readiness(&s, &a, at(4), wall, w, whole),
            Readiness::Changing { until: at(5) }
        );
        let b = snap(20, 2, Duration::ZERO, wall);
        assert!(s.observe(&b.fingerprint, at(4)));
        assert!(!s.observe(&b.fingerprint, at(6)));
        assert_eq!(
            readiness(&s, &b, at(8), wall, w, whole),
            Readiness::Changing { until: at(9) }
        );
        assert_eq!(readiness(&s, &b, at(9), wall, w, whole), Readiness::Ready);
    }

    #[test]
    fn empty_files_wait_for_content_then_give_up_after_the_grace() {
        let (t0, wall) = (Instant::now(), SystemTime::now());
        let w = waits(1, 60);
        let fresh = snap(0, 1, Duration::from_secs(10), wall);
        let s = Settle::new(fresh.fingerprint.clone(), t0);
        let now = t0 + Duration::from_secs(2);
        assert_eq!(
            readiness(&s, &fresh, now, wall, w, whole),
            Readiness::Incomplete {
                until: now + Duration::from_secs(50)
            }
        );
        let old = snap(0, 1, Duration::from_secs(61), wall);
        match readiness(&s, &old, now, wall, w, whole) {
            Readiness::Abandoned(why) => assert!(why.starts_with("file is empty"), "{why}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_part_still_being_written_holds_a_folder_back() {
        let (t0, wall) = (Instant::now(), SystemTime::now());
        let mut f = snap(5, 1, Duration::from_secs(3), wall);
        f.writing = true;
        let s = Settle::new(f.fingerprint.clone(), t0);
        let now = t0 + Duration::from_secs(2);
        let r = readiness(&s, &f, now, wall, waits(1, 60), whole);
        assert!(matches!(r, Readiness::Incomplete { .. }), "{r:?}");
        // An abandoned temporary file no longer holds it back.
        f.newest = wall - Duration::from_secs(61);
        let r = readiness(&s, &f, now, wall, waits(1, 60), whole);
        assert_eq!(r, Readiness::Ready);
    }

    #[test]
    fn an_incomplete_file_waits_however_quiet_then_is_given_up_on() {
        let (t0, wall) = (Instant::now(), SystemTime::now());
        let w = waits(1, 60);
        let cut = || Some("PNG without its IEND chunk".to_string());
        let quiet = snap(10, 1, Duration::from_secs(100), wall);
        let s = Settle::new(quiet.fingerprint.clone(), t0);
        let now = t0 + Duration::from_secs(2);
        assert_eq!(
            readiness(&s, &quiet, now, wall, w, cut),
            Readiness::Incomplete {
                until: now + Duration::from_secs(200)
            }
        );
        // Not even asked while it is still changing.
        let early = t0 + Duration::from_millis(500);
        let asked = std::cell::Cell::new(false);
        let r = readiness(&s, &quiet, early, wall, w, || {
            asked.set(true);
            None
        });
        assert!(matches!(r, Readiness::Changing { .. }) && !asked.get());
        let old = snap(10, 1, Duration::from_secs(300), wall);
        match readiness(&s, &old, now, wall, w, cut) {
            Readiness::Abandoned(why) => {
                assert_eq!(
                    why,
                    "PNG without its IEND chunk (nothing changed for 300 s)"
                );
            }
            other => panic!("{other:?}"),
        }
        let accept = Waits {
            take_incomplete: true,
            ..w
        };
        assert_eq!(
            readiness(&s, &old, now, wall, accept, cut),
            Readiness::Ready
        );
    }
}
