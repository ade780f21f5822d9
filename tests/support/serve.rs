//! The real `helpdesk serve` process for end-to-end tests: started against
//! the fake Bot API, stopped with SIGTERM or killed outright.

use super::Workdir;
use super::fake_telegram::{FakeTelegram, TOKEN};
use std::process::{Child, Command, Stdio};

pub struct Serve {
    child: Child,
}

impl Serve {
    /// Starts `helpdesk serve` in `w` against `fake`, stderr piped (read by [`Serve::terminate`]).
    pub fn start(w: &Workdir, fake: &FakeTelegram, extra_env: &[(&str, &str)]) -> Serve {
        Serve::spawn(w, fake, extra_env, Stdio::piped())
    }

    /// The same with stderr appended to `log` (for long runs, where an unread pipe would fill up).
    pub fn start_logging_to(
        w: &Workdir,
        fake: &FakeTelegram,
        extra_env: &[(&str, &str)],
        log: &std::path::Path,
    ) -> Serve {
        let file = std::fs::OpenOptions::new().create(true).append(true).open(log).expect("open the serve log");
        Serve::spawn(w, fake, extra_env, Stdio::from(file))
    }

    fn spawn(w: &Workdir, fake: &FakeTelegram, extra_env: &[(&str, &str)], stderr: Stdio) -> Serve {
        let mut cmd = w.process();
        cmd.arg("serve")
            .env("HELPDESK_TELEGRAM_API_URL", fake.url())
            .env("HELPDESK_BOT_TOKEN", TOKEN)
            .env("HELPDESK_LOG", "info")
            .stdout(Stdio::null())
            .stderr(stderr);
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        Serve { child: cmd.spawn().expect("start helpdesk serve") }
    }

    /// Whether the process has ended (and so, for a panel, did not get its port).
    pub fn exited(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(Some(_)))
    }

    pub fn signal(&self, sig: &str) {
        let ok = Command::new("kill").args([sig, &self.child.id().to_string()]).status().unwrap().success();
        assert!(ok, "kill {sig}");
    }

    /// Stops with SIGTERM; returns the exit code and stderr.
    pub fn terminate(mut self) -> (Option<i32>, String) {
        self.signal("-TERM");
        let out = std::mem::replace(&mut self.child, Command::new("true").spawn().unwrap()).wait_with_output().unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stderr).to_string())
    }

    /// Waits at most `limit` for the process to end by itself; its exit code, or `None` if it still runs.
    pub fn wait_within(&mut self, limit: std::time::Duration) -> Option<Option<i32>> {
        let deadline = std::time::Instant::now() + limit;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status.code());
            }
            if std::time::Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    /// SIGKILL: no chance to clean up, as in a power cut or the OOM killer.
    pub fn kill_hard(mut self) {
        self.signal("-KILL");
        let _ = self.child.wait();
    }
}

/// Waits until the log at `log` holds `needle`, failing (with the log) if
/// `child` ends first or `limit` passes.
pub fn wait_for_line(child: &mut Child, log: &std::path::Path, needle: &str, limit: std::time::Duration) {
    let read = || std::fs::read_to_string(log).unwrap_or_default();
    let deadline = std::time::Instant::now() + limit;
    while !read().contains(needle) {
        let running = child.try_wait().unwrap().is_none();
        assert!(running && std::time::Instant::now() < deadline, "no {needle:?} in the log: {}", read());
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// SIGTERM to `child`, then waits for it: its exit code.
pub fn sigterm(child: &mut Child) -> Option<i32> {
    assert!(Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap().success());
    child.wait().unwrap().code()
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
