//! Work items in parallel, results consumed in order, on page workers
//! that survive a hung engine.
//!
//! [`Workers`] are plain threads taking tasks from one shared queue, so
//! several documents at once (`ocrpdf watch`) share them page by page, and
//! each thread keeps its engines loaded (thread-locals) from page to page.
//!
//! [`in_order`]: the calling thread queues at most `window` items, hands
//! each finished result to `sink` in index order, and queues the next item
//! as each one is taken: memory is bounded by the window, not the count.
//! The first error (from an item, from `sink`, or cancellation) wins;
//! items not started yet return at once and those running are waited for.
//! A panicking item becomes an error, never a hang.
//!
//! **A hung engine.** An engine that ignores its cooperative deadline
//! would hold its worker, and a call that waited for it, forever. So every
//! engine call an item makes is timed ([`EngineClock`]): one still running
//! `engine_limit` after it began is *abandoned*. Its item's result is its
//! `overdue` error, the call goes on (and returns) without it, and the
//! worker thread is written off: a replacement is started at once, so the
//! pool keeps its size and queued work (other documents' pages) goes on;
//! when the engine does return, its thread drops the result unsent and
//! ends. That an abandoned thread may outlive the call is why an item's
//! work owns everything it touches (`run` is `'static`, the pipeline's
//! inputs are in an `Arc`); the caller's own state (the document being
//! written) is only touched by `sink` on the calling thread, so nothing
//! an abandoned item does can reach the output. Only engine calls are
//! watched: decoding and cleaning have their own limits (pixel caps, the
//! PDF renderer's time limit).
//!
//! **Memory.** Workers may carry a memory limit ([`super::memory`]): an
//! item with a cost (a page's memory need) starts only when it fits beside
//! the items in flight, of this call and of any other on the same workers
//! (a watched folder's documents), or when none is in flight. Its bytes
//! are given back when its result (or its abandonment) reaches the
//! calling thread.

use super::memory::{Budget, MemoryLimit};
use crate::error::{Error, Result};
use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError, mpsc};
use std::time::{Duration, Instant};

/// How often the calling thread looks at `cancel` and the engine clocks
/// while no result arrives.
const POLL: Duration = Duration::from_millis(100);

/// Page workers that outlive one document: each keeps its engines loaded,
/// and several documents converted at once on the same workers share them
/// page by page (`ocrpdf watch`). A worker lost to a hung engine is
/// replaced (see the module notes).
pub struct Workers {
    pool: Arc<Pool>,
    count: usize,
    /// The memory pages in flight may take, shared by every call.
    budget: Arc<Budget>,
}

/// `jobs` workers, or one per core for `None`; at least one.
pub(crate) fn worker_count(jobs: Option<usize>) -> usize {
    jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, std::num::NonZero::get))
        .max(1)
}

/// The shared queue and the count of threads serving it.
struct Pool {
    queue: Mutex<Queue>,
    ready: Condvar,
    /// Threads taking tasks, not counting abandoned ones.
    live: AtomicUsize,
    /// Threads started so far, for their names.
    started: AtomicUsize,
}

struct Queue {
    tasks: VecDeque<Task>,
    closed: bool,
}

/// A queued piece of work; returns whether its thread goes on taking
/// tasks (`false`: it was abandoned and ends).
type Task = Box<dyn FnOnce() -> bool + Send>;

impl Workers {
    /// `jobs` workers; `None` means one per core. Pages are not held
    /// back for memory (see [`Workers::with_memory`]).
    pub fn new(jobs: Option<usize>) -> Result<Self> {
        Workers::with_memory(jobs, None)
    }

    /// `jobs` workers whose pages in flight keep within `limit` (see
    /// [`super::memory`]); `None`: no limit.
    pub fn with_memory(jobs: Option<usize>, limit: Option<MemoryLimit>) -> Result<Self> {
        let count = worker_count(jobs);
        let workers = Workers {
            pool: Arc::new(Pool {
                queue: Mutex::new(Queue {
                    tasks: VecDeque::new(),
                    closed: false,
                }),
                ready: Condvar::new(),
                live: AtomicUsize::new(0),
                started: AtomicUsize::new(0),
            }),
            count,
            budget: Arc::new(Budget::new(limit, count)),
        };
        workers.top_up()?;
        Ok(workers)
    }

    /// The workers `page` asks for (`jobs`), holding pages in flight to
    /// its memory limit (`max_memory`, else the cgroup's: see
    /// [`super::memory`]).
    pub fn for_pages(page: &crate::job::PageOptions) -> Result<Self> {
        Workers::with_memory(page.jobs, super::memory::limit_for(page.max_memory))
    }

    /// How many worker threads the pool keeps.
    pub fn count(&self) -> usize {
        self.count
    }

    /// The memory limit pages are held to.
    pub(crate) fn budget(&self) -> &Budget {
        &self.budget
    }

    /// Start threads until `count` are live.
    fn top_up(&self) -> Result<()> {
        while self.pool.live.load(Ordering::SeqCst) < self.count {
            let n = self.pool.started.fetch_add(1, Ordering::SeqCst);
            let pool = Arc::clone(&self.pool);
            self.pool.live.fetch_add(1, Ordering::SeqCst);
            let spawned = std::thread::Builder::new()
                .name(format!("ocrpdf-page-{n}"))
                .spawn(move || serve(&pool));
            if let Err(e) = spawned {
                self.pool.live.fetch_sub(1, Ordering::SeqCst);
                return Err(Error::Config(format!("cannot start worker threads: {e}")));
            }
        }
        Ok(())
    }

    /// Queue `task` for the next free worker.
    fn submit(&self, task: Task) -> Result<()> {
        self.top_up()?;
        let mut queue = self
            .pool
            .queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        queue.tasks.push_back(task);
        drop(queue);
        self.pool.ready.notify_one();
        Ok(())
    }

    /// A worker was abandoned: count it out and start its replacement.
    fn write_off(&self) -> Result<()> {
        self.pool.live.fetch_sub(1, Ordering::SeqCst);
        self.top_up()
    }
}

impl Drop for Workers {
    /// Idle threads end once the queue is empty; none is waited for (an
    /// abandoned one may never return).
    fn drop(&mut self) {
        let mut queue = self
            .pool
            .queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        queue.closed = true;
        drop(queue);
        self.pool.ready.notify_all();
    }
}

/// A worker thread's life: take tasks until the queue closes or a task
/// says this thread was abandoned.
fn serve(pool: &Pool) {
    loop {
        let task = {
            let mut queue = pool.queue.lock().unwrap_or_else(PoisonError::into_inner);
            loop {
                if let Some(task) = queue.tasks.pop_front() {
                    break task;
                }
                if queue.closed {
                    pool.live.fetch_sub(1, Ordering::SeqCst);
                    return;
                }
                queue = pool
                    .ready
                    .wait(queue)
                    .unwrap_or_else(PoisonError::into_inner);
            }
        };
        if !task() {
            return;
        }
    }
}

/// When an item's current engine call began: the pipeline (and `ocrpdf
/// clean`'s orientation call) runs every engine call through
/// [`EngineClock::time`], and [`in_order`] abandons an item whose call has
/// run too long.
#[derive(Debug, Default)]
pub(crate) struct EngineClock(Mutex<Option<Instant>>);

impl EngineClock {
    /// Run one engine call, timed.
    pub(crate) fn time<T>(&self, call: impl FnOnce() -> T) -> T {
        self.set(Some(Instant::now()));
        let out = call();
        self.set(None);
        out
    }

    fn set(&self, since: Option<Instant>) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = since;
    }

    fn since(&self) -> Option<Instant> {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// How long an engine call may run before its item is abandoned, for an
/// OCR time limit of `limit`: the limit plus a grace of a quarter of it,
/// at least 2 s. The grace is for the engine's stretches between checks
/// of its deadline (Tesseract looks at it between words, not during
/// layout analysis, which takes seconds on a large page), so a
/// cooperating engine that stops a little late still stops on its own;
/// only one that ignores the limit is abandoned.
pub(crate) fn abandon_after(limit: Duration) -> Duration {
    limit + (limit / 4).max(Duration::from_secs(2))
}

/// An item's work: its index and the clock for its engine calls in, its
/// result out. Owned (`'static`), since an abandoned worker may outlive
/// the call that queued it.
pub(crate) type ItemWork<R> = Arc<dyn Fn(usize, &EngineClock) -> Result<R> + Send + Sync>;

/// What [`in_order`] runs.
pub(crate) struct Work<'a, R> {
    /// Items `0..count`.
    pub count: usize,
    /// Items queued but not yet consumed, at most.
    pub window: usize,
    /// Looked at while waiting and as each result is consumed; items not
    /// yet started when it is set return at once.
    pub cancel: &'a AtomicBool,
    /// Item `i`'s work, run on a worker.
    pub run: ItemWork<R>,
    /// The error for item `i` when its work panicked.
    pub panicked: &'a dyn Fn(usize) -> Error,
    /// How long one engine call may run before its item is abandoned
    /// (`None`: no limit; see [`abandon_after`]).
    pub engine_limit: Option<Duration>,
    /// The error for item `i` when it was abandoned.
    pub overdue: &'a dyn Fn(usize) -> Error,
    /// Item `i`'s memory need, held against the workers' memory limit
    /// while it is in flight (`None`: items need none worth counting).
    pub cost: Option<&'a dyn Fn(usize) -> u64>,
}

/// An item's state, shared by the calling thread and its worker.
struct Slot {
    /// `QUEUED`, then `RUNNING`, then `DONE` or `ABANDONED`: whichever
    /// thread moves it from `RUNNING` first decides which.
    state: AtomicU8,
    clock: EngineClock,
    /// The memory it took from the workers' budget.
    cost: u64,
}

/// The items of one call in flight: their slots, and the memory they took,
/// given back as each leaves and, for any left when the call returns
/// early, when it returns.
struct InFlight<'a> {
    slots: BTreeMap<usize, Arc<Slot>>,
    budget: &'a Budget,
}

impl InFlight<'_> {
    fn insert(&mut self, i: usize, slot: Arc<Slot>) {
        self.slots.insert(i, slot);
    }

    fn remove(&mut self, i: usize) {
        if let Some(slot) = self.slots.remove(&i) {
            self.budget.give_back(slot.cost);
        }
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        for slot in self.slots.values() {
            self.budget.give_back(slot.cost);
        }
    }
}

const QUEUED: u8 = 0;
const RUNNING: u8 = 1;
const DONE: u8 = 2;
const ABANDONED: u8 = 3;

/// What the calling thread waited for.
enum Event<R> {
    Finished(usize, std::thread::Result<Result<R>>),
    Overdue(usize),
}

/// Run `work` on `workers`, passing results to `sink` in index order.
pub(crate) fn in_order<R: Send + 'static>(
    workers: &Workers,
    work: Work<'_, R>,
    mut sink: impl FnMut(usize, R) -> Result<()>,
) -> Result<()> {
    let Work {
        count,
        window,
        cancel,
        run,
        panicked,
        engine_limit,
        overdue,
        cost,
    } = work;
    let window = window.max(1);
    let (tx, rx) = mpsc::channel::<(usize, std::thread::Result<Result<R>>)>();
    let stop = Arc::new(AtomicBool::new(false));
    let mut running = InFlight {
        slots: BTreeMap::new(),
        budget: workers.budget(),
    };
    let mut first_error: Option<Error> = None;
    // Item `i` is queued once it fits the memory budget (see the module
    // notes); `false` when it does not yet.
    let start = |i: usize, running: &mut InFlight| -> Result<bool> {
        let cost = cost.map_or(0, |c| c(i));
        if !running.budget.try_take(cost) {
            return Ok(false);
        }
        let slot = Arc::new(Slot {
            state: AtomicU8::new(QUEUED),
            clock: EngineClock::default(),
            cost,
        });
        running.insert(i, Arc::clone(&slot));
        let (tx, stop, run) = (tx.clone(), Arc::clone(&stop), Arc::clone(&run));
        workers.submit(Box::new(move || {
            if stop.load(Ordering::SeqCst) {
                let _ = tx.send((i, Ok(Err(Error::Interrupted))));
                return true;
            }
            slot.state.store(RUNNING, Ordering::SeqCst);
            let result =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(i, &slot.clock)));
            // Abandoned meanwhile: no one wants the result, and this
            // thread has been replaced.
            let kept = slot
                .state
                .compare_exchange(RUNNING, DONE, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok();
            if kept {
                let _ = tx.send((i, result));
            }
            kept
        }))?;
        Ok(true)
    };
    // Wait for the next result, or for an engine call to overrun.
    let next_event = |running: &InFlight| loop {
        if cancel.load(Ordering::Relaxed) {
            stop.store(true, Ordering::SeqCst);
        }
        let now = Instant::now();
        let mut wait = POLL;
        if let Some(limit) = engine_limit {
            for (&i, slot) in &running.slots {
                let Some(since) = slot.clock.since() else {
                    continue;
                };
                let left = (since + limit).saturating_duration_since(now);
                if left.is_zero()
                    && slot
                        .state
                        .compare_exchange(RUNNING, ABANDONED, Ordering::SeqCst, Ordering::SeqCst)
                        .is_ok()
                {
                    return Event::Overdue(i);
                }
                wait = wait.min(left);
            }
        }
        match rx.recv_timeout(wait.max(Duration::from_millis(1))) {
            Ok((i, r)) => return Event::Finished(i, r),
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                unreachable!("this thread holds a sender")
            }
        }
    };
    let mut next_to_start = 0;
    let mut pending = BTreeMap::new();
    // Queue items in order while they are within the window of the next
    // to consume and fit the memory budget.
    let fill = |next_to_start: &mut usize, consumed: usize, running: &mut InFlight| {
        while *next_to_start < count.min(consumed + window) && start(*next_to_start, running)? {
            *next_to_start += 1;
        }
        Ok::<_, Error>(())
    };
    for next in 0..count {
        let result = loop {
            if let Some(r) = pending.remove(&next) {
                break r;
            }
            // Memory given back (by this call's items or another's) may
            // let more start; with nothing of ours in flight, the wait
            // below polls until it does.
            fill(&mut next_to_start, next, &mut running)?;
            match next_event(&running) {
                Event::Finished(i, r) => {
                    running.remove(i);
                    pending.insert(i, r.unwrap_or_else(|_| Err(panicked(i))));
                }
                Event::Overdue(i) => {
                    running.remove(i);
                    pending.insert(i, Err(overdue(i)));
                    // The item's thread is lost; its replacement takes the
                    // queue from here (this call's items and others'). If
                    // none can start, no one may serve what is queued:
                    // return rather than wait for it.
                    if workers.write_off().is_err() {
                        return Err(first_error.unwrap_or_else(|| overdue(i)));
                    }
                }
            }
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
            stop.store(true, Ordering::SeqCst);
        }
        fill(&mut next_to_start, next + 1, &mut running)?;
    }
    first_error.map_or(Ok(()), Err)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workers(n: usize) -> Workers {
        Workers::new(Some(n)).unwrap()
    }

    fn panicked(i: usize) -> Error {
        Error::Internal(format!("item {i} panicked"))
    }

    fn overdue(i: usize) -> Error {
        Error::Internal(format!("item {i} overran"))
    }

    /// `run` for `count` items, `window` ahead, no engine limit.
    fn work<R>(
        count: usize,
        window: usize,
        cancel: &AtomicBool,
        run: impl Fn(usize, &EngineClock) -> Result<R> + Send + Sync + 'static,
    ) -> Work<'_, R> {
        Work {
            count,
            window,
            cancel,
            run: Arc::new(run),
            panicked: &panicked,
            engine_limit: None,
            overdue: &overdue,
            cost: None,
        }
    }

    /// Items finish in scrambled order; the sink still sees 0, 1, 2, …
    /// and never more than `window` items are started ahead of it.
    #[test]
    fn results_arrive_in_order_within_the_window() {
        let cancel = AtomicBool::new(false);
        let started = Arc::new(AtomicUsize::new(0));
        let consumed = Arc::new(AtomicUsize::new(0));
        let most_ahead = Arc::new(AtomicUsize::new(0));
        let (s, c, m) = (started.clone(), consumed.clone(), most_ahead.clone());
        let run = move |i: usize, _: &EngineClock| {
            let ahead = s.fetch_add(1, Ordering::SeqCst) + 1 - c.load(Ordering::SeqCst);
            m.fetch_max(ahead, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(((i * 7) % 5) as u64));
            Ok(i * 10)
        };
        let mut seen = Vec::new();
        in_order(&workers(3), work(40, 4, &cancel, run), |i, r| {
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
        let ran = Arc::new(AtomicUsize::new(0));
        let r = ran.clone();
        let run = move |i: usize, _: &EngineClock| {
            r.fetch_add(1, Ordering::SeqCst);
            if i == 3 {
                Err(Error::Config("item 3 is bad".into()))
            } else {
                Ok(i)
            }
        };
        let mut seen = Vec::new();
        let err = in_order(&workers(2), work(100, 2, &cancel, run), |i, _| {
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
        let run = |i: usize, _: &EngineClock| if i == 5 { panic!("boom") } else { Ok(i) };
        let err = in_order(&workers(2), work(8, 3, &cancel, run), |_, _| Ok(())).unwrap_err();
        assert_eq!(err.to_string(), panicked(5).to_string());
    }

    /// Cancelling mid-run returns `Interrupted` after joining the workers.
    #[test]
    fn cancellation_interrupts() {
        let cancel = Arc::new(AtomicBool::new(false));
        let flag = cancel.clone();
        let run = move |i: usize, _: &EngineClock| {
            if i == 4 {
                flag.store(true, Ordering::SeqCst);
            }
            Ok(i)
        };
        let err = in_order(&workers(2), work(50, 2, &cancel, run), |_, _| Ok(())).unwrap_err();
        assert!(matches!(err, Error::Interrupted), "{err}");
    }

    /// An error from the sink (a full disk) stops the run like a page's.
    #[test]
    fn a_sink_error_stops_the_run() {
        let cancel = AtomicBool::new(false);
        let mut taken = 0;
        let run = |i: usize, _: &EngineClock| Ok(i);
        let err = in_order(&workers(2), work(20, 2, &cancel, run), |i, _| {
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

    /// An engine call that never returns on its own: item 1 is abandoned
    /// at the limit, the call returns its `overdue` error while the call
    /// is still blocked, what came before it was consumed and nothing
    /// after; when the engine finally returns its result goes nowhere and
    /// its thread ends, and the pool (one thread) still runs the next
    /// call's items on the thread that replaced it.
    #[test]
    fn an_engine_call_past_the_limit_is_abandoned() {
        let cancel = AtomicBool::new(false);
        let (release, released) = mpsc::channel::<()>();
        let released = Mutex::new(released);
        let returned = Arc::new(AtomicBool::new(false));
        let r = returned.clone();
        let run = move |i: usize, clock: &EngineClock| {
            if i == 1 {
                clock.time(|| released.lock().unwrap().recv().unwrap());
                r.store(true, Ordering::SeqCst);
            }
            Ok(i)
        };
        let workers = workers(1);
        let mut w = work(4, 2, &cancel, run);
        w.engine_limit = Some(Duration::from_millis(50));
        let mut seen = Vec::new();
        let err = in_order(&workers, w, |i, _| {
            seen.push(i);
            Ok(())
        })
        .unwrap_err();
        assert_eq!(err.to_string(), overdue(1).to_string());
        assert_eq!(seen, vec![0]);
        assert!(!returned.load(Ordering::SeqCst), "the engine call ended");
        release.send(()).unwrap();
        let ended = Instant::now();
        while !returned.load(Ordering::SeqCst) || workers.pool.started.load(Ordering::SeqCst) < 2 {
            assert!(ended.elapsed() < Duration::from_secs(10), "hang guard");
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(workers.pool.live.load(Ordering::SeqCst), 1);
        let run = |i: usize, _: &EngineClock| Ok(i);
        let mut seen = Vec::new();
        in_order(&workers, work(3, 2, &cancel, run), |i, _| {
            seen.push(i);
            Ok(())
        })
        .unwrap();
        assert_eq!(seen, vec![0, 1, 2]);
    }

    /// Only engine calls count against the limit: an item slow outside
    /// them, or whose calls each end in time, is never abandoned.
    #[test]
    fn time_outside_engine_calls_does_not_count() {
        let cancel = AtomicBool::new(false);
        let run = |i: usize, clock: &EngineClock| {
            std::thread::sleep(Duration::from_millis(250));
            for _ in 0..3 {
                clock.time(|| std::thread::sleep(Duration::from_millis(20)));
            }
            Ok(i)
        };
        let mut w = work(3, 2, &cancel, run);
        w.engine_limit = Some(Duration::from_millis(200));
        in_order(&workers(2), w, |_, _| Ok(())).unwrap();
    }

    /// Under a memory limit, items start only while the ones running fit
    /// it with them: four workers run at most two items of 40 bytes in a
    /// budget of 100, an item of 500 runs alone, and every item runs.
    #[test]
    fn items_are_held_back_to_fit_the_memory_limit() {
        use super::super::memory::{FIXED_BYTES, PER_WORKER_BYTES};
        let limit = MemoryLimit {
            bytes: FIXED_BYTES + 3 * PER_WORKER_BYTES + 100,
            source: "test".into(),
        };
        let workers = Workers::with_memory(Some(4), Some(limit)).unwrap();
        let cancel = AtomicBool::new(false);
        let costs = [40u64, 40, 40, 40, 500, 40, 40, 10, 10, 40];
        let (now, most, alone_ok) = (
            Arc::new(Mutex::new(0u64)),
            Arc::new(AtomicUsize::new(0)),
            Arc::new(AtomicBool::new(true)),
        );
        let (n, m, a) = (now.clone(), most.clone(), alone_ok.clone());
        let run = move |i: usize, _: &EngineClock| {
            let held = {
                let mut n = n.lock().unwrap();
                *n += costs[i];
                *n
            };
            if costs[i] == 500 && held != 500 {
                a.store(false, Ordering::SeqCst);
            }
            if costs[i] != 500 {
                m.fetch_max(held as usize, Ordering::SeqCst);
            }
            std::thread::sleep(Duration::from_millis(20));
            *n.lock().unwrap() -= costs[i];
            Ok(i)
        };
        let cost = |i: usize| costs[i];
        let mut w = work(costs.len(), 8, &cancel, run);
        w.cost = Some(&cost);
        let mut seen = Vec::new();
        in_order(&workers, w, |i, _| {
            seen.push(i);
            Ok(())
        })
        .unwrap();
        assert_eq!(seen, (0..costs.len()).collect::<Vec<_>>());
        assert!(most.load(Ordering::SeqCst) <= 100, "{most:?}");
        assert!(alone_ok.load(Ordering::SeqCst), "the large item shared");
        // Everything was given back.
        assert!(workers.budget().try_take(100));
        assert!(!workers.budget().try_take(1));
    }

    /// The grace: a quarter of the limit, at least 2 s.
    #[test]
    fn abandonment_waits_a_grace_past_the_limit() {
        assert_eq!(
            abandon_after(Duration::from_secs(180)),
            Duration::from_secs(225)
        );
        assert_eq!(
            abandon_after(Duration::from_millis(500)),
            Duration::from_millis(2500)
        );
    }
}
