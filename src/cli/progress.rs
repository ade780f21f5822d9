//! A progress bar (indicatif) on a terminal; nothing at all when stderr is not
//! one, so cron mail stays clean.

use crate::services::Progress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Mutex;

pub struct Bar(Mutex<Option<ProgressBar>>);

impl Bar {
    pub fn new() -> Bar {
        Bar(Mutex::new(None))
    }
}

impl Progress for Bar {
    fn start(&self, what: &str, total: Option<u64>) {
        if !std::io::stderr().is_terminal() {
            return;
        }
        let bar = match total {
            Some(n) => ProgressBar::with_draw_target(Some(n), ProgressDrawTarget::stderr()).with_style(
                ProgressStyle::with_template("{msg:>16} [{bar:40}] {human_pos}/{human_len} ({per_sec}, {eta} left)")
                    .expect("valid template")
                    .progress_chars("=> "),
            ),
            None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
                .with_style(ProgressStyle::with_template("{msg:>16} {spinner} {human_pos}").expect("valid template")),
        };
        bar.set_message(what.to_string());
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(bar);
    }

    fn advance(&self, n: u64) {
        if let Some(bar) = &*self.0.lock().unwrap_or_else(|e| e.into_inner()) {
            bar.inc(n);
        }
    }

    fn finish(&self) {
        if let Some(bar) = self.0.lock().unwrap_or_else(|e| e.into_inner()).take() {
            bar.finish_and_clear();
        }
    }
}
