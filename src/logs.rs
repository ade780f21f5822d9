//! Where the process's log lines go (stderr): text for a terminal, warnings
//! and up by default, or one JSON object a line for a log shipper
//! (`--log-format json`), info and up by default; `HELPDESK_LOG` filters
//! either. Lines meant only for a person watching a terminal ([`announce!`])
//! are left out of JSON, where the same news is in the log.
//!
//! [`announce!`]: crate::announce

use std::sync::atomic::{AtomicBool, Ordering};

/// Whether this process logs JSON lines: set once by [`init`].
static JSON: AtomicBool = AtomicBool::new(false);

/// Whether the logs are JSON lines for a shipper.
pub fn json() -> bool {
    JSON.load(Ordering::Relaxed)
}

/// Starts logging, as text or as JSON lines, once at start.
pub fn init(json: bool) {
    use std::io::IsTerminal;
    use tracing_subscriber::EnvFilter;
    // A log shipper wants the news ("started", "stopping", "stopped") too.
    let default = if json { "info" } else { "warn" };
    let filter = match std::env::var("HELPDESK_LOG") {
        Ok(spec) => EnvFilter::try_new(&spec).unwrap_or_else(|e| {
            eprintln!("warning: HELPDESK_LOG '{spec}' is not a log filter ({e}); using '{default}'");
            EnvFilter::new(default)
        }),
        Err(_) => EnvFilter::new(default),
    };
    let logs = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_target(false);
    if json {
        JSON.store(true, Ordering::Relaxed);
        // One JSON object a line: time, level, message and fields, flattened.
        logs.json().flatten_event(true).with_current_span(false).with_span_list(false).init();
    } else {
        logs.with_ansi(std::io::stderr().is_terminal()).init();
    }
}

/// The one line a failed command ends with: `error: …` on a terminal, one
/// more JSON line for a shipper (not a line of text among them).
pub fn failure(line: &str) {
    if json() {
        tracing::error!("{line}");
    } else {
        eprintln!("error: {line}");
    }
}
