//! The real `helpdesk serve` filing a recurring request, its clock moved by
//! Debian's libfaketime across months: the monthly check is filed once when
//! it falls due, not again by a `serve` restarted later that month, and once,
//! marked late, by one started after months down.

mod support;

use chrono::{TimeZone, Utc};
use helpdesk::domain::{BranchKey, Kind, Priority};
use helpdesk::services::Actor;
use helpdesk::services::recurring::{self, NewSchedule};
use std::path::Path;
use std::time::{Duration, Instant};
use support::fake_telegram::FakeTelegram;
use support::serve::Serve;
use support::{ADMIN, SUPPORT, Workdir};

/// The library for multi-threaded programs (scripts/ensure-faketime.sh installs it).
const LIB: &str = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1";

#[test]
fn serve_files_a_monthly_check_once_whatever_restarts_happen() {
    if !Path::new(LIB).exists() {
        assert!(std::env::var("CI").is_err(), "CI: libfaketime must be installed (scripts/ensure-faketime.sh)");
        eprintln!("SKIPPED: no {LIB}; run scripts/ensure-faketime.sh");
        return;
    }
    let w = Workdir::seeded();
    let (app, clock) = w.app();
    clock.set(Utc.with_ymd_and_hms(2027, 1, 15, 12, 0, 0).unwrap());
    let schedule = NewSchedule {
        kind: Kind::Maintenance,
        branch: Some(BranchKey::parse("HQ").unwrap()),
        description: "Проверка серверной".into(),
        priority: Priority::High,
        author: ADMIN,
        assignee: Some(SUPPORT),
        rule: "monthly on 1".into(),
        at: "09:00".into(),
        starts_on: None,
    };
    recurring::add(&app, &Actor::Operator("t".into()), &schedule).unwrap();
    let fake = FakeTelegram::start();
    let time_file = w.path().join("faketime.rc");
    let time_path = time_file.to_str().unwrap().to_string();
    // Starts `serve` with its clock at `at` (running on from there), waits for
    // the recurring job's next recorded run, stops it.
    let serve_at = |at: &str| {
        std::fs::write(&time_file, format!("@{at}\n")).unwrap();
        let runs = w.int("SELECT count(*) FROM job_runs WHERE job = 'recurring' AND finished_at IS NOT NULL");
        let serve = Serve::start(
            &w,
            &fake,
            &[
                ("LD_PRELOAD", LIB),
                ("FAKETIME_TIMESTAMP_FILE", time_path.as_str()),
                ("FAKETIME_NO_CACHE", "1"),
                ("HELPDESK_SCHEDULE_RECURRING", "* * * * *"),
                ("HELPDESK_SCHEDULE_SLA_CHECK", "off"),
                ("HELPDESK_SCHEDULE_BACKUP", "off"),
                ("HELPDESK_SCHEDULE_PRUNE", "off"),
                ("HELPDESK_SCHEDULE_ARCHIVE", "off"),
                ("HELPDESK_SCHEDULE_REPORT", "off"),
                ("HELPDESK_SCHEDULE_STOCK_FORECAST", "off"),
            ],
        );
        let started = Instant::now();
        while w.int("SELECT count(*) FROM job_runs WHERE job = 'recurring' AND finished_at IS NOT NULL") == runs {
            assert!(started.elapsed() < Duration::from_secs(40), "the recurring job did not run");
            std::thread::sleep(Duration::from_millis(200));
        }
        let (code, stderr) = serve.terminate();
        assert_eq!(code, Some(0), "{stderr}");
        stderr
    };
    let filed = || -> Vec<i64> {
        w.rows("SELECT late FROM recurring_runs ORDER BY due_at").iter().map(|r| r[0].int().unwrap()).collect()
    };

    // Ten seconds before 09:00 on 1 February: at 09:00 the check is filed, on time.
    let log = serve_at("2027-02-01 08:59:52");
    assert_eq!(filed(), [0], "{log}");
    assert_eq!(
        w.int("SELECT count(*) FROM requests WHERE description = 'Проверка серверной' AND status = 'accepted'"),
        1
    );
    // Restarted at 09:30 the same day: nothing more.
    serve_at("2027-02-01 09:29:52");
    assert_eq!(filed(), [0]);
    // Down until 3 May: May's is filed once, late; March's and April's are gone.
    let log = serve_at("2027-05-03 09:59:52");
    assert_eq!(filed(), [0, 1], "{log}");
    assert_eq!(w.int("SELECT count(*) FROM requests WHERE description = 'Проверка серверной'"), 2);
}
