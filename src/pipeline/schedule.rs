//! Work items in parallel, results consumed in order.
//!
//! The calling thread starts at most `window` items on the pool, hands
//! each finished result to `sink` in index order, and starts the next item
//! as each one is taken: memory is bounded by the window, not the count.
//! The first error (from an item, from `sink`, or cancellation) wins; items
//! not started yet return at once and those running are waited for, so no
//! worker outlives the call. A panicking item becomes an error, never a
//! hang.

use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

/// What [`in_order`] runs.
pub(crate) struct Work<'a, R> {
    /// Items `0..count`.
    pub count: usize,
    /// Items started but not yet consumed, at most.
    pub window: usize,
    /// Polled before each item starts and as each result is consumed.
    pub cancel: &'a AtomicBool,
    /// Item `i`'s work, run on a pool thread.
    pub run: &'a (dyn Fn(usize) -> Result<R> + Sync),
    /// The error for item `i` when its work panicked.
    pub panicked: &'a (dyn Fn(usize) -> Error + Sync),
}

/// Run `work` on `pool`, passing results to `sink` in index order.
pub(crate) fn in_order<R: Send>(
    pool: &rayon::ThreadPool,
    work: Work<'_, R>,
    mut sink: impl FnMut(usize, R) -> Result<()>,
) -> Result<()> {
    let Work {
        count,
        window,
        cancel,
        run,
        panicked,
    } = work;
    let window = window.max(1);
    let (tx, rx) = mpsc::channel::<(usize, Result<R>)>();
    let stop = AtomicBool::new(false);
    let mut first_error: Option<Error> = None;
    pool.in_place_scope(|scope| {
        let mut next_to_start = 0;
        let mut pending = BTreeMap::new();
        let start = |i: usize| {
            let (tx, stop) = (tx.clone(), &stop);
            scope.spawn(move |_| {
                let result = if stop.load(Ordering::Relaxed) || cancel.load(Ordering::Relaxed) {
                    Err(Error::Interrupted)
                } else {
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(i)))
                        .unwrap_or_else(|_| Err(panicked(i)))
                };
                let _ = tx.send((i, result));
            });
        };
        while next_to_start < count.min(window) {
            start(next_to_start);
            next_to_start += 1;
        }
        for next in 0..count {
            let result = loop {
                if let Some(r) = pending.remove(&next) {
                    break r;
                }
                let (i, r) = rx
                    .recv()
                    .expect("a worker holds a sender for every item not yet received");
                pending.insert(i, r);
            };
            if cancel.load(Ordering::Relaxed) {
                first_error.get_or_insert(Error::Interrupted);
            }
            match result {
                Ok(done) if first_error.is_none() => {
                    if let Err(e) = sink(next, done) {
                        first_error = Some(e);
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
            if first_error.is_some() {
                // Let queued items return at once; keep draining to join them.
                stop.store(true, Ordering::Relaxed);
            }
            if next_to_start < count {
                start(next_to_start);
                next_to_start += 1;
            }
        }
    });
    first_error.map_or(Ok(()), Err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::time::Duration;

    fn pool(n: usize) -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap()
    }

    fn panicked(i: usize) -> Error {
        Error::Internal(format!("item {i} panicked"))
    }

    /// Items finish in scrambled order; the sink still sees 0, 1, 2, …
    /// and never more than `window` items are started ahead of it.
    #[test]
    fn results_arrive_in_order_within_the_window() {
        let cancel = AtomicBool::new(false);
        let (started, consumed) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let most_ahead = AtomicUsize::new(0);
        let run = |i: usize| {
            let ahead =
                started.fetch_add(1, Ordering::SeqCst) + 1 - consumed.load(Ordering::SeqCst);
            most_ahead.fetch_max(ahead, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(((i * 7) % 5) as u64));
            Ok(i * 10)
        };
        let mut seen = Vec::new();
        let work = Work {
            count: 40,
            window: 4,
            cancel: &cancel,
            run: &run,
            panicked: &panicked,
        };
        in_order(&pool(3), work, |i, r| {
            consumed.fetch_add(1, Ordering::SeqCst);
            seen.push((i, r));
            Ok(())
        })
        .unwrap();
        assert_eq!(seen, (0..40).map(|i| (i, i * 10)).collect::<Vec<_>>());
        assert!(most_ahead.load(Ordering::SeqCst) <= 4 + 1);
    }

    /// The first failing item's error is returned, nothing after it is
    /// consumed, and items not yet started never run.
    #[test]
    fn the_first_error_stops_the_rest() {
        let cancel = AtomicBool::new(false);
        let ran = AtomicUsize::new(0);
        let run = |i: usize| {
            ran.fetch_add(1, Ordering::SeqCst);
            if i == 3 {
                Err(Error::Config("item 3 is bad".into()))
            } else {
                Ok(i)
            }
        };
        let mut seen = Vec::new();
        let work = Work {
            count: 100,
            window: 2,
            cancel: &cancel,
            run: &run,
            panicked: &panicked,
        };
        let err = in_order(&pool(2), work, |i, _| {
            seen.push(i);
            Ok(())
        })
        .unwrap_err();
        assert!(err.to_string().contains("item 3 is bad"), "{err}");
        assert_eq!(seen, vec![0, 1, 2]);
        assert!(ran.load(Ordering::SeqCst) < 10, "queued items ran");
    }

    /// A panic in one item is an error naming it, not a hang or an abort.
    #[test]
    fn a_panicking_item_is_an_error() {
        let cancel = AtomicBool::new(false);
        let run = |i: usize| if i == 5 { panic!("boom") } else { Ok(i) };
        let work = Work {
            count: 8,
            window: 3,
            cancel: &cancel,
            run: &run,
            panicked: &panicked,
        };
        let err = in_order(&pool(2), work, |_, _| Ok(())).unwrap_err();
        assert_eq!(err.to_string(), panicked(5).to_string());
    }

    /// Cancelling mid-run returns `Interrupted` after joining the workers.
    #[test]
    fn cancellation_interrupts() {
        let cancel = AtomicBool::new(false);
        let run = |i: usize| {
            if i == 4 {
                cancel.store(true, Ordering::SeqCst);
            }
            Ok(i)
        };
        let work = Work {
            count: 50,
            window: 2,
            cancel: &cancel,
            run: &run,
            panicked: &panicked,
        };
        let err = in_order(&pool(2), work, |_, _| Ok(())).unwrap_err();
        assert!(matches!(err, Error::Interrupted), "{err}");
    }

    /// An error from the sink (a full disk) stops the run like a page's.
    #[test]
    fn a_sink_error_stops_the_run() {
        let cancel = AtomicBool::new(false);
        let run = |i: usize| Ok(i);
        let work = Work {
            count: 20,
            window: 2,
            cancel: &cancel,
            run: &run,
            panicked: &panicked,
        };
        let mut taken = 0;
        let err = in_order(&pool(2), work, |i, _| {
            taken += 1;
            if i == 2 {
                Err(Error::Config("disk full".into()))
            } else {
                Ok(())
            }
        })
        .unwrap_err();
        assert!(err.to_string().contains("disk full"));
        assert_eq!(taken, 3);
    }
}
