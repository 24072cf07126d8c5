//! One document's work, on its own thread: convert it into its stage file
//! (its pages run on the shared workers), then finish it through the
//! journal — or finish one an earlier attempt left half done.

use super::WatchConfig;
use super::journal::{Backs, Finished, Intent, Journal, PartIntent, Recovered};
use crate::error::{Error, ErrorKind};
use crate::input::Input;
use crate::intake::scan::{self, Kind, Snapshot};
use crate::intake::{part_path, pdf_name};
use crate::job::{Job, Options};
use crate::ocr::Engines;
use crate::pipeline::{Silent, Workers, convert_with};
use crate::report::Warning;
use std::ffi::OsString;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// What a job is asked to do.
#[derive(Debug, Clone)]
pub(crate) enum Task {
    /// Convert the document as it looked when it settled.
    Convert(Snapshot),
    /// Convert a duplex pair as one document: this job's document holds
    /// the fronts, `backs` (another document of the inbox) the backs.
    Pair {
        fronts: Snapshot,
        backs: OsString,
        backs_snap: Snapshot,
    },
    /// Convert a document of the duplex inbox on its own, saying why in
    /// its warnings (no backs came in time, or the counts differ).
    Alone(Snapshot, Warning),
    /// Finish the document of a recorded intent (by id).
    Recover(String),
}

/// How a job ended.
#[derive(Debug)]
pub(crate) enum JobEnd {
    Done {
        finished: Finished,
        recovered: bool,
    },
    /// The input changed while it was read: its PDF was thrown away.
    Changed,
    /// Nothing was produced.
    Failed(Error),
    /// A PDF exists (staged or placed) but placing it or disposing of the
    /// original failed; the intent stays and is retried.
    Unfinished {
        error: Error,
        intent: String,
    },
    /// A recorded intent had nothing to finish; the input is converted
    /// again.
    Dropped,
}

/// Everything a job borrows from the watcher.
pub(crate) struct Ctx<'a> {
    pub cfg: &'a WatchConfig,
    pub inbox: &'a Path,
    pub journal: &'a Journal,
    pub workers: &'a Workers,
    pub engines: &'a Arc<dyn Engines>,
    /// The watch's options, natural sort off.
    pub options: &'a Options,
    pub cancel: &'a AtomicBool,
}

pub(crate) fn run(ctx: &Ctx, name: &OsString, task: Task) -> JobEnd {
    match task {
        Task::Convert(snap) => convert(ctx, name, &snap, None, None),
        Task::Pair {
            fronts,
            backs,
            backs_snap,
        } => convert(ctx, name, &fronts, Some((&backs, &backs_snap)), None),
        Task::Alone(snap, why) => convert(ctx, name, &snap, None, Some(why)),
        Task::Recover(id) => recover(ctx, &id),
    }
}

/// Convert `snap` (with `backs`: a duplex pair, `snap` the fronts) and
/// finish it; `note` joins the document's warnings.
fn convert(
    ctx: &Ctx,
    name: &OsString,
    snap: &Snapshot,
    backs: Option<(&OsString, &Snapshot)>,
    note: Option<Warning>,
) -> JobEnd {
    let unusable = snap.unusable_page();
    if let Some(e) = unusable.or_else(|| backs.and_then(|(_, b)| b.unusable_page())) {
        return JobEnd::Failed(e);
    }
    let id = ctx.journal.new_id();
    let stage = ctx.journal.stage_path(&id);
    let files = snap
        .pages
        .iter()
        .chain(backs.iter().flat_map(|(_, b)| &b.pages));
    let mut job = Job::new(files.cloned().map(Input::Path).collect(), stage.clone());
    let paired;
    let mut options = ctx.options;
    if backs.is_some() {
        job.fronts = Some(snap.pages.len());
        let mut o = ctx.options.clone();
        o.stack.duplex = true;
        paired = o;
        options = &paired;
    }
    let converted = ctx.journal.ensure_stage().and_then(|()| {
        convert_with(
            ctx.workers,
            Arc::clone(ctx.engines),
            &job,
            options,
            &Silent,
            ctx.cancel,
        )
    });
    // A full or forbidden outbox is told as this document's, not as its
    // stage file's in the work folder.
    let unwritable = crate::intake::unwritable(&ctx.inbox.join(name), &ctx.cfg.outbox);
    let summary = match converted {
        Ok(s) => s,
        Err(e) => return JobEnd::Failed(unwritable(e)),
    };
    let discard = |end| {
        for part in &summary.parts {
            let _ = std::fs::remove_file(&part.output);
        }
        end
    };
    // A writer that paused longer than the settle time and went on: this
    // PDF is of a half-written file.
    let unchanged = |name: &OsString, snap: &Snapshot| {
        scan::snapshot(ctx.inbox, name, snap.kind).map(|s| s.fingerprint)
            == Some(snap.fingerprint.clone())
    };
    if !unchanged(name, snap) || backs.is_some_and(|(n, b)| !unchanged(n, b)) {
        return discard(JobEnd::Changed);
    }
    if ctx.cancel.load(Ordering::SeqCst) {
        return discard(JobEnd::Failed(Error::Interrupted));
    }
    let output = pdf_name(name, snap.kind);
    // A split stack (`--split-on`) was staged as ID-001.pdf, …: each part
    // gets the document's name numbered the same way.
    let parts = if ctx.options.stack.split.is_some() {
        (1..=summary.parts.len())
            .zip(&summary.parts)
            .map(|(k, part)| PartIntent {
                pages: part.pages.len(),
                output: part_path(Path::new(&output), k).into_os_string(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut warnings = crate::report::document_warnings(&summary);
    warnings.extend(note);
    let intent = Intent {
        id,
        input: name.clone(),
        folder: snap.kind == Kind::Folder,
        fingerprint: snap.fingerprint.clone(),
        pages: summary.pages.len(),
        fates: crate::report::Fates::of(&summary),
        output,
        warnings,
        parts,
        backs: backs.map(|(n, b)| Backs {
            input: n.clone(),
            folder: b.kind == Kind::Folder,
            fingerprint: b.fingerprint.clone(),
        }),
    };
    let id = intent.id.clone();
    match ctx.journal.finish(intent, ctx.cfg.delete_originals) {
        Ok(finished) => JobEnd::Done {
            finished,
            recovered: false,
        },
        Err(e) => unfinished(unwritable(e), id),
    }
}

fn recover(ctx: &Ctx, id: &str) -> JobEnd {
    let Some(intent) = ctx.journal.read(id) else {
        return JobEnd::Dropped;
    };
    match ctx.journal.recover(intent, ctx.cfg.delete_originals) {
        Ok(Recovered::Finished(finished)) => JobEnd::Done {
            finished,
            recovered: true,
        },
        Ok(Recovered::Dropped) => JobEnd::Dropped,
        Err(e) => unfinished(e, id.to_string()),
    }
}

/// A broken PDF was removed with its intent: a plain failure. Anything
/// else leaves the intent to retry.
fn unfinished(error: Error, intent: String) -> JobEnd {
    if error.kind() == ErrorKind::InvalidOutput {
        JobEnd::Failed(error)
    } else {
        JobEnd::Unfinished { error, intent }
    }
}
