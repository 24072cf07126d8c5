//! The job table in PostgreSQL and every statement that touches it.
//!
//! A job is `queued`, `running` (claimed, with a lease), `done` (with its
//! output key) or `dead` (failed `max_attempts` times, with its error).
//! Claiming is one `UPDATE … WHERE id = (SELECT … FOR UPDATE SKIP LOCKED
//! LIMIT 1)`: concurrent workers never wait for each other's rows and never
//! take the same row at once (PostgreSQL manual, "SELECT: The Locking
//! Clause"). A claim bumps `attempts`, which then fences the claimant: a
//! heartbeat, release or completion only applies while `attempts` is still
//! the value it claimed, so a worker whose lease expired and whose job was
//! claimed again can no longer change it.

use crate::error::{Error, Result};
use postgres::{Client, NoTls};

/// Created by `ocrpdf queue init`; safe to run again.
pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS ocrpdf_jobs (
    id          bigserial PRIMARY KEY,
    source      text NOT NULL,
    state       text NOT NULL DEFAULT 'queued'
                CHECK (state IN ('queued', 'running', 'done', 'dead')),
    attempts    integer NOT NULL DEFAULT 0,
    lease_until timestamptz,
    worker      text,
    output      text,
    error       text,
    created     timestamptz NOT NULL DEFAULT now(),
    updated     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS ocrpdf_jobs_open ON ocrpdf_jobs (id)
    WHERE state IN ('queued', 'running');
";

/// The states, in the order `queue status` prints them.
pub const STATES: [&str; 4] = ["queued", "running", "done", "dead"];

/// A claimed job.
#[derive(Debug, Clone)]
pub struct Claim {
    /// The job's row id.
    pub id: i64,
    /// What to convert: a path or an object-store URL, as added.
    pub source: String,
    /// The attempt this claim is (from 1); also its fencing token.
    pub attempt: i32,
}

fn db_error(what: &str) -> impl Fn(postgres::Error) -> Error + '_ {
    move |e| Error::Config(format!("job queue: {what}: {e}"))
}

/// A connection to the queue.
pub struct Queue {
    client: Client,
}

impl Queue {
    /// Connect to PostgreSQL at `url` (`postgres://...`).
    pub fn connect(url: &str) -> Result<Self> {
        let client = Client::connect(url, NoTls).map_err(db_error("cannot connect"))?;
        Ok(Queue { client })
    }

    /// Create the job table if it is not there; safe to run again.
    pub fn init(&mut self) -> Result<()> {
        self.client
            .batch_execute(SCHEMA)
            .map_err(db_error("cannot create the job table"))
    }

    /// Enqueue `sources` in one transaction; returns their ids.
    pub fn add(&mut self, sources: &[String]) -> Result<Vec<i64>> {
        let mut tx = self.client.transaction().map_err(db_error("add"))?;
        let mut ids = Vec::with_capacity(sources.len());
        for s in sources {
            let row = tx
                .query_one(
                    "INSERT INTO ocrpdf_jobs (source) VALUES ($1) RETURNING id",
                    &[s],
                )
                .map_err(db_error("add"))?;
            ids.push(row.get(0));
        }
        tx.commit().map_err(db_error("add"))?;
        Ok(ids)
    }

    /// Jobs per state (every state, zero included).
    pub fn status(&mut self) -> Result<Vec<(String, i64)>> {
        let rows = self
            .client
            .query(
                "SELECT state, count(*) FROM ocrpdf_jobs GROUP BY state",
                &[],
            )
            .map_err(db_error("status"))?;
        Ok(STATES
            .iter()
            .map(|s| {
                let n = rows
                    .iter()
                    .find(|r| r.get::<_, String>(0) == *s)
                    .map_or(0, |r| r.get(1));
                ((*s).to_string(), n)
            })
            .collect())
    }

    /// Claim the oldest job that is queued or whose lease expired; jobs
    /// whose lease expired on their last allowed attempt (their worker
    /// died each time) go to `dead` first.
    pub fn claim(
        &mut self,
        worker: &str,
        lease_s: f64,
        max_attempts: i32,
    ) -> Result<Option<Claim>> {
        self.client
            .execute(
                "UPDATE ocrpdf_jobs SET state = 'dead', lease_until = NULL, updated = now(),
                        error = coalesce(error || '; ', '') || 'lease expired on attempt ' || attempts || ' of ' || $1::int || ' (worker ' || coalesce(worker, '?') || ' stopped or was killed)'
                 WHERE state = 'running' AND lease_until < now() AND attempts >= $1::int",
                &[&max_attempts],
            )
            .map_err(db_error("claim"))?;
        let row = self
            .client
            .query_opt(
                "UPDATE ocrpdf_jobs SET state = 'running', attempts = attempts + 1, worker = $1,
                        lease_until = now() + make_interval(secs => $2), updated = now()
                 WHERE id = (SELECT id FROM ocrpdf_jobs
                             WHERE state = 'queued' OR (state = 'running' AND lease_until < now())
                             ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
                 RETURNING id, source, attempts",
                &[&worker, &lease_s],
            )
            .map_err(db_error("claim"))?;
        Ok(row.map(|r| Claim {
            id: r.get(0),
            source: r.get(1),
            attempt: r.get(2),
        }))
    }

    /// Extend the lease; `false` when the job is no longer this claim's.
    pub fn heartbeat(&mut self, c: &Claim, lease_s: f64) -> Result<bool> {
        let n = self
            .client
            .execute(
                "UPDATE ocrpdf_jobs SET lease_until = now() + make_interval(secs => $3), updated = now()
                 WHERE id = $1 AND attempts = $2 AND state = 'running'",
                &[&c.id, &c.attempt, &lease_s],
            )
            .map_err(db_error("heartbeat"))?;
        Ok(n == 1)
    }

    /// Done, with its output key, in one statement (one transaction);
    /// `false` when the job was no longer this claim's.
    pub fn done(&mut self, c: &Claim, output: &str) -> Result<bool> {
        let n = self
            .client
            .execute(
                "UPDATE ocrpdf_jobs SET state = 'done', output = $3, error = NULL,
                        lease_until = NULL, updated = now()
                 WHERE id = $1 AND attempts = $2 AND state = 'running'",
                &[&c.id, &c.attempt, &output],
            )
            .map_err(db_error("done"))?;
        Ok(n == 1)
    }

    /// A failed attempt: back to `queued`, or `dead` on the last allowed
    /// one; the error is kept either way.
    pub fn failed(&mut self, c: &Claim, error: &str, max_attempts: i32) -> Result<bool> {
        let n = self
            .client
            .execute(
                "UPDATE ocrpdf_jobs SET error = $3, lease_until = NULL, updated = now(),
                        state = CASE WHEN attempts >= $4::int THEN 'dead' ELSE 'queued' END
                 WHERE id = $1 AND attempts = $2 AND state = 'running'",
                &[&c.id, &c.attempt, &error, &max_attempts],
            )
            .map_err(db_error("failed"))?;
        Ok(n == 1)
    }

    /// Give the job back untried (the worker is stopping): the attempt
    /// does not count.
    pub fn release(&mut self, c: &Claim) -> Result<bool> {
        let n = self
            .client
            .execute(
                "UPDATE ocrpdf_jobs SET state = 'queued', attempts = attempts - 1,
                        lease_until = NULL, updated = now()
                 WHERE id = $1 AND attempts = $2 AND state = 'running'",
                &[&c.id, &c.attempt],
            )
            .map_err(db_error("release"))?;
        Ok(n == 1)
    }
}
