//! Duplex pairing (`--duplex-inbox`): a two-pass scan drops the fronts,
//! then the backs, as two documents; each pair becomes one job.
//!
//! The order is taken from the files' own modification times, so it is
//! the same after a restart: the inbox itself is the pairing's record,
//! and nothing is disposed of before the pair's PDF is in place.

use super::job::Task;
use super::phase::Items;
use crate::english::minutes;
use crate::report::Warning;
use std::collections::HashSet;
use std::ffi::OsString;
use std::time::{Duration, SystemTime};

/// A document of the duplex inbox waiting for its turn.
#[derive(Debug, Clone)]
struct Candidate {
    name: OsString,
    arrived: SystemTime,
    /// Settled and whole: it can be converted now.
    settled: bool,
}

/// A fronts document waiting for its backs, and the end of its wait.
pub(super) type Lone = (OsString, SystemTime);

/// What to do with documents of the duplex inbox.
#[derive(Debug, PartialEq)]
enum Pairing {
    /// Fronts, backs.
    Pair(OsString, OsString),
    Alone(OsString),
}

/// The duplex inbox's jobs: its pairable documents, `settled` the ones
/// ready now, paired in the order they were written by [`pair_up`]; and
/// the lone fronts document whose wait runs out, to look again then.
pub(super) fn tasks(
    items: &Items,
    settled: &HashSet<OsString>,
    wait: Duration,
    wall: SystemTime,
    once: bool,
) -> (Vec<(OsString, Task)>, Option<Lone>) {
    let mut line: Vec<Candidate> = items
        .iter()
        .filter(|(_, i)| i.pairable())
        .map(|(name, i)| Candidate {
            name: name.clone(),
            arrived: i.arrived,
            settled: settled.contains(name),
        })
        .collect();
    line.sort_by(|a, b| (a.arrived, &a.name).cmp(&(b.arrived, &b.name)));
    let (pairs, until) = pair_up(&line, wait, wall, once);
    let snap = |n: &OsString| items.get(n).and_then(|i| i.snap.clone());
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
                    Task::Alone(snap(&name)?, warning("duplex_unpaired", why)),
                ))
            }
        })
        .collect();
    (tasks, until)
}

/// Pair the duplex inbox's documents, `line` in the order they were
/// written: the first is the fronts, the next one written within `wait`
/// of it the backs. A fronts document with nothing after it within the
/// wait goes alone once the wait is over (at once with `once`: nothing
/// more will come); a document still settling holds everything after it,
/// since it may be the backs. Returns the jobs and, when a lone fronts
/// document is waited for, it and the end of its wait.
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

/// A duplex document's warning (`duplex_unpaired`, `duplex_mismatch`).
pub(super) fn warning(code: &str, message: String) -> Warning {
    Warning {
        code: code.into(),
        message,
        page: None,
        input: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::watch::phase::tests::{item, snap};
    use std::time::Instant;

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

    /// The inbox's documents line up by when they were written, not by
    /// name; one told to go alone is out of the line.
    #[test]
    fn tasks_pair_documents_by_when_they_were_written() {
        let (t0, wall) = (Instant::now(), SystemTime::now());
        let wait = Duration::from_secs(600);
        let mut items = Items::new();
        for (name, age) in [("z-fronts", 120), ("a-backs", 60), ("m-late", 1)] {
            items.insert(
                name.into(),
                item(snap(age, wall, Duration::from_secs(age)), t0, wall),
            );
        }
        let settled: HashSet<OsString> = items.keys().cloned().collect();
        let (tasks, lone) = tasks(&items, &settled, wait, wall, false);
        assert!(matches!(
            &tasks[..],
            [(f, Task::Pair { backs, .. })] if f == "z-fronts" && backs == "a-backs"
        ));
        let (name, until) = lone.unwrap();
        assert_eq!(name, "m-late");
        assert_eq!(until, wall - Duration::from_secs(1) + wait);
        // With --once it goes alone, saying why.
        let (tasks, _) = super::tasks(&items, &settled, wait, wall, true);
        assert!(matches!(
            &tasks[1],
            (n, Task::Alone(_, w)) if n == "m-late" && w.message.contains("within 10 min")
        ));
        items
            .get_mut(std::ffi::OsStr::new("z-fronts"))
            .unwrap()
            .alone = Some(warning("duplex_mismatch", "x".into()));
        let (tasks, _) = super::tasks(&items, &settled, wait, wall, false);
        assert!(matches!(
            &tasks[..],
            [(f, Task::Pair { backs, .. })] if f == "a-backs" && backs == "m-late"
        ));
    }
}
