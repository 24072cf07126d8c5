//! Continuous intake beyond one machine: a PostgreSQL job table
//! (`ocrpdf queue init|add|status`) and workers (`ocrpdf worker`) that
//! claim its jobs and put their outputs into object storage. Built with the
//! `queue` feature; the core pipeline stays synchronous, only this edge
//! talks to servers.

mod db;
mod store;
mod worker;

pub use db::{Claim, Queue, SCHEMA, STATES};
pub use store::{Put, Store};
pub use worker::{Totals, WorkerConfig, run};

use crate::error::Result;

/// A `ocrpdf queue` command: what it does to the job table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admin {
    /// Create the job table (safe to run again).
    Init,
    /// Enqueue these sources (files, folders or object-store URLs).
    Add(Vec<String>),
    /// Count the jobs in each state.
    Status,
}

/// Run `action` on the queue at `db` and print what it came to: how many
/// jobs were added (standard error), or a `STATE COUNT` line per state
/// (standard output, for scripts).
pub fn admin(db: &str, action: &Admin) -> Result<()> {
    let mut q = Queue::connect(db)?;
    match action {
        Admin::Init => q.init(),
        Admin::Add(sources) => q.add(&absolute_sources(sources)).map(|ids| {
            eprintln!("ocrpdf queue: {} job(s) added", ids.len());
        }),
        Admin::Status => q.status().map(|counts| {
            for (state, n) in counts {
                println!("{state} {n}");
            }
        }),
    }
}

/// Local paths made absolute (the job table's records are read by
/// workers elsewhere, in other working directories); URLs as they are.
fn absolute_sources(sources: &[String]) -> Vec<String> {
    sources
        .iter()
        .map(|s| {
            if store::is_url(s) {
                return s.clone();
            }
            std::path::absolute(s).map_or_else(|_| s.clone(), |p| p.to_string_lossy().into_owned())
        })
        .collect()
}
