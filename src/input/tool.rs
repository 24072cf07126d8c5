//! Running the external converters some inputs need (`pdftoppm` for PDF
//! pages that are not plain scans, `heif-convert` for HEIC and AVIF): one
//! time limit for both, so a hostile or broken file cannot hold a worker.

use std::process::{Child, ExitStatus};
use std::time::{Duration, Instant};

/// How often a running converter is looked at for its exit.
const POLL: Duration = Duration::from_millis(20);

/// Wait for `child` to exit, at most `limit`; `Ok(None)` when it was
/// killed for taking longer.
pub(super) fn wait_within(
    child: &mut Child,
    limit: Option<Duration>,
) -> std::io::Result<Option<ExitStatus>> {
    let Some(limit) = limit else {
        return child.wait().map(Some);
    };
    let deadline = Instant::now() + limit;
    loop {
        if Instant::now() >= deadline {
            // Killing also closes its pipes, so the readers finish.
            let _ = child.kill();
            child.wait()?;
            return Ok(None);
        }
        if let Some(s) = child.try_wait()? {
            return Ok(Some(s));
        }
        std::thread::sleep(POLL.min(deadline.saturating_duration_since(Instant::now())));
    }
}

/// The reason a converter gives for failing: the last line it wrote to
/// standard error, or `no output`.
pub(super) fn last_line(stderr: &str) -> &str {
    stderr
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .unwrap_or("no output")
}

/// The exit status [`wait_within`] gave, or the reason there is none, in
/// the words of a message about the file: `tool` did not finish `doing`.
pub(super) fn exited(
    waited: std::io::Result<Option<ExitStatus>>,
    tool: &str,
    doing: &str,
    limit: Option<Duration>,
) -> Result<ExitStatus, String> {
    match waited {
        Ok(Some(s)) => Ok(s),
        Ok(None) => Err(format!(
            "{tool} did not finish {doing} within {} s (killed)",
            limit.unwrap_or_default().as_secs()
        )),
        Err(e) => Err(format!("{tool} failed: {e}")),
    }
}
