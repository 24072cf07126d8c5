//! Continuous intake beyond one machine: a PostgreSQL job table
//! (`ocrpdf queue init|add|status`) and workers (`ocrpdf worker`) that
//! claim its jobs and put their outputs into object storage. Built with the
//! `queue` feature; the core pipeline stays synchronous, only this edge
//! talks to servers.

mod db;
mod store;
mod worker;

pub use db::{Queue, SCHEMA, STATES};
pub use store::{Put, Store};
pub use worker::{Totals, WorkerConfig, run};
