//! The real binary: archive, schedule, report, and bad operations input.

mod support;

use predicates::str::contains;
use support::Workdir;

fn json(w: &Workdir, args: &[&str], env: &[(&str, &str)]) -> serde_json::Value {
    let mut cmd = w.cmd();
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.args(args).args(["--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn archive_applies_the_policy_per_kind_and_nothing_is_deleted() {
    let w = Workdir::seeded();
    w.cmd().args(["seed", "--demo", "--requests", "4000", "--months", "12"]).assert().success();
    let total = |w: &Workdir| {
        json(w, &["requests", "list", "--include-archived", "--limit", "0"], &[]).as_array().unwrap().len()
    };
    let all = total(&w);
    let dry = json(&w, &["archive", "--dry-run"], &[]);
    let by_kind = |v: &serde_json::Value, k: &str| {
        v.as_array().unwrap().iter().find(|l| l["kind"] == k).unwrap()["requests"].as_u64().unwrap()
    };
    let cartridges_90 = by_kind(&dry, "cartridge");
    let dry30 = json(&w, &["archive", "--dry-run"], &[("HELPDESK_ARCHIVE_AFTER_DAYS_CARTRIDGE", "30")]);
    assert!(by_kind(&dry30, "cartridge") > cartridges_90, "a shorter policy for one kind takes more of it");
    assert_eq!(by_kind(&dry30, "repair"), by_kind(&dry, "repair"));
    assert_eq!(
        json(&w, &["requests", "list", "--archived", "--limit", "0"], &[]).as_array().unwrap().len(),
        0,
        "dry run changed nothing"
    );
    w.cmd().arg("archive").assert().success().stdout(contains("archived"));
    let archived = json(&w, &["requests", "list", "--archived", "--limit", "0"], &[]).as_array().unwrap().len() as u64;
    let expected: u64 = dry.as_array().unwrap().iter().map(|l| l["requests"].as_u64().unwrap()).sum();
    assert_eq!(archived, expected);
    assert_eq!(total(&w), all, "nothing is deleted");
    let default_listing = json(&w, &["requests", "list", "--limit", "0"], &[]).as_array().unwrap().len() as u64;
    assert_eq!(default_listing, all as u64 - archived, "archived requests leave the default listing");
    // A second run finds nothing more.
    let again = json(&w, &["archive", "--dry-run"], &[]);
    let kinds: Vec<&str> = again.as_array().unwrap().iter().map(|l| l["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["cartridge", "repair", "maintenance", "it_help"], "a line for every kind: {again}");
    assert!(again.as_array().unwrap().iter().all(|l| l["requests"] == 0), "{again}");
    // Each archived request has its audit record.
    let (app, _) = w.app();
    let one = helpdesk::services::requests::list(
        &app,
        &helpdesk::store::RequestQuery {
            archived: helpdesk::store::ArchivedFilter::Only,
            limit: Some(1),
            ..Default::default()
        },
    )
    .unwrap();
    let logs = w.store().read().unwrap().logs("request", &format!("HD-{:06}", one[0].id)).unwrap();
    assert_eq!(logs.last().unwrap().action, "request.archive");
}

#[test]
fn schedule_and_report() {
    let w = Workdir::seeded();
    w.cmd().args(["seed", "--demo", "--requests", "500"]).assert().success();
    let plan = json(&w, &["schedule"], &[("HELPDESK_SCHEDULE_REPORT", "off"), ("HELPDESK_TIMEZONE", "Europe/Kyiv")]);
    let job = |name: &str| plan.as_array().unwrap().iter().find(|j| j["job"] == name).unwrap().clone();
    assert_eq!(job("sla-check")["schedule"], "*/5 * * * *");
    assert!(job("backup")["next_run"].as_str().unwrap().contains("T03:00:00+02:00"), "{}", job("backup"));
    assert_eq!(job("report")["schedule"], "off");
    assert!(job("report")["next_run"].is_null());
    // A run from the command line shows up as the last run.
    w.cmd().arg("backup").assert().success();
    let plan = json(&w, &["schedule"], &[]);
    assert!(
        plan.as_array().unwrap().iter().find(|j| j["job"] == "backup").unwrap()["last_result"]
            .as_str()
            .unwrap()
            .starts_with("ok:")
    );
    let report = json(&w, &["report", "--from", "2000-01-01"], &[]);
    let rows = report.as_array().unwrap();
    let total = rows.last().unwrap();
    assert_eq!(total["branch"], "TOTAL");
    assert_eq!(total["opened"], 500);
    assert_eq!(rows[..rows.len() - 1].iter().map(|r| r["opened"].as_u64().unwrap()).sum::<u64>(), 500);
    w.cmd().args(["report", "--email"]).assert().code(1).stderr(contains("email is off"));
}

#[test]
fn bad_operations_input_is_one_line_and_changes_nothing() {
    let w = Workdir::seeded();
    w.cmd().args(["seed", "--demo", "--requests", "300"]).assert().success();
    let one_line = |cmd: &mut assert_cmd::Command, needle: &str| {
        let out = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.starts_with("error: ") && stderr.contains(needle), "{stderr:?} should contain {needle:?}");
    };
    // Unwritable backup directory (under a file, so even root cannot).
    std::fs::write(w.path().join("a-file"), "x").unwrap();
    one_line(
        w.cmd().arg("backup").env("HELPDESK_BACKUP_DIR", w.path().join("a-file/backups")),
        "cannot create the backup directory",
    );
    // Email on without its SMTP settings.
    one_line(
        w.cmd().arg("sla-check").env("HELPDESK_EMAIL", "on").env("HELPDESK_SMTP_HOST", "mail.example.org"),
        "invalid HELPDESK_EMAIL (from environment): 'on' turns email on, but HELPDESK_SMTP_FROM and HELPDESK_SMTP_STAFF_TO are not set",
    );
    // Malformed cron expression.
    one_line(
        w.cmd().arg("schedule").env("HELPDESK_SCHEDULE_BACKUP", "every night"),
        "invalid HELPDESK_SCHEDULE_BACKUP",
    );
    one_line(w.cmd().arg("serve").env("HELPDESK_SCHEDULE_SLA_CHECK", "*/5 * * *"), "is not a cron expression");
    // Unknown archive policy keys, from the environment and from a config file.
    one_line(
        w.cmd().arg("archive").env("HELPDESK_ARCHIVE_AFTER_DAYZ", "10"),
        "unknown setting HELPDESK_ARCHIVE_AFTER_DAYZ",
    );
    let cfg = w.path().join("h.toml");
    std::fs::write(&cfg, "[archive]\nafter_days = 30\nkeep_forever = true\n").unwrap();
    one_line(w.cmd().arg("--config").arg(&cfg).arg("archive"), "unknown setting 'archive.keep_forever'");
    std::fs::write(&cfg, "[archive]\nafter_days = -3\n").unwrap();
    one_line(w.cmd().arg("--config").arg(&cfg).arg("archive"), "invalid archive_after_days");
    // Nothing was archived by any of that, and no backup was made.
    assert!(json(&w, &["requests", "list", "--archived", "--limit", "0"], &[]).as_array().unwrap().is_empty());
    assert!(!w.path().join("backups").exists());
}

/// `helpdesk calendars` and `sla-check` as a sysadmin runs them: a request
/// filed on a Friday evening falls due on Monday by its branch's working
/// hours, and a holiday loaded from a file moves it on a day.
#[test]
fn sla_check_counts_the_working_hours_of_calendars_set_from_the_command_line() {
    use chrono::TimeZone;
    use helpdesk::domain::{Kind, Priority};
    let w = Workdir::seeded();
    let (app, clock) = w.app();
    // Friday 5 December 2025, 17:30 UTC: an hour to be accepted.
    clock.set(chrono::Utc.with_ymd_and_hms(2025, 12, 5, 17, 30, 0).unwrap());
    let id = support::file_request(&app, support::ADMIN, Kind::Repair, Some("LVIV"), Priority::High, "Не работает");
    let due = || {
        let rows = w.json_rows(&["sla-check", "--dry-run"]);
        let row = rows.iter().find(|r| r["number"] == format!("HD-{id:06}")).expect("overdue");
        row["due"].as_str().unwrap().to_string()
    };
    // No calendar: round the clock, as before calendars.
    assert_eq!(due(), "2025-12-05T18:30:00+00:00");
    w.cmd()
        .args(["calendars", "set", "OFFICE", "--name", "Office", "--timezone", "UTC"])
        .args(["--weekdays", "09:00-13:00 14:00-18:00", "--default"])
        .assert()
        .success()
        .stdout("calendar OFFICE (Office) added, the default\n");
    assert_eq!(due(), "2025-12-08T09:30:00+00:00", "Friday's last half hour, Monday's first");
    // A holiday list for the year, loaded from a file: Monday 8th off.
    std::fs::write(
        w.path().join("holidays.csv"),
        "date,kind,hours,name\n2025-12-08,holiday,,Day off\n12-25,yearly,,\n",
    )
    .unwrap();
    w.cmd()
        .args(["calendars", "days", "OFFICE", "holidays.csv"])
        .assert()
        .success()
        .stdout("holidays.csv: 2 days added, 0 updated, 0 unchanged\n");
    assert_eq!(due(), "2025-12-09T09:30:00+00:00");
    // LVIV keeps a calendar of its own: the shops' hours (Kyiv time, 10:00-19:00).
    w.cmd().args(["calendars", "assign", "LVIV", "UA-SHOP"]).assert().success();
    assert_eq!(
        due(),
        "2025-12-06T09:00:00+00:00",
        "Friday 19:30 Kyiv is after hours; the shops open on Saturday at 10:00"
    );
    let listed = w.json_rows(&["calendars", "list"]);
    let office = listed.iter().find(|c| c["code"] == "OFFICE").unwrap();
    assert_eq!((office["default"].as_bool(), office["holidays"].as_u64()), (Some(true), Some(2)));
    assert!(!office["branches"].as_str().unwrap().contains("LVIV"));
    // Bad input: one line, nothing changed.
    w.fails(
        &["calendars", "set", "OFFICE", "--mon", "09:00-13:00 12:00-18:00"],
        "working hours 09:00-13:00 and 12:00-18:00 overlap",
    );
    w.fails(&["calendars", "set", "X", "--name", "X", "--timezone", "Europe/Kiyv"], "unknown time zone 'Europe/Kiyv'");
    std::fs::write(w.path().join("bad.csv"), "date,kind\n2026-01-01,holiday\n2026-13-01,holiday\n").unwrap();
    w.fails(&["calendars", "days", "OFFICE", "bad.csv"], "bad.csv line 3: calendar OFFICE: '2026-13-01' is not a date");
    assert_eq!(w.int("SELECT count(*) FROM calendar_days WHERE day = '2026-01-01'"), 0);
    w.fails(&["calendars", "assign", "LVIV", "NOPE"], "unknown calendar 'NOPE'");
    assert_eq!(due(), "2025-12-06T09:00:00+00:00");
    // Monday 8th works again: the office calendar's deadline moves back (LVIV keeps the shops' own).
    w.cmd()
        .args(["calendars", "remove-day", "OFFICE", "2025-12-08"])
        .assert()
        .success()
        .stdout("removed holiday 2025-12-08 from calendar OFFICE\n");
    w.fails(&["calendars", "remove-day", "OFFICE", "2025-12-08"], "calendar OFFICE has no such day on 2025-12-08");
    assert_eq!(w.int("SELECT count(*) FROM calendar_days WHERE day = '12-25'"), 2, "the yearly ones stay");
    // Accepted on Monday at 12:30 Kyiv time: `report` gives the time to accept wall-clock (65 h)
    // and in the shops' working hours (Saturday 10:00-16:00 and Monday 10:00-12:30: 8.5 h).
    clock.set(chrono::Utc.with_ymd_and_hms(2025, 12, 8, 10, 30, 0).unwrap());
    helpdesk::services::requests::accept(&app, &helpdesk::services::Actor::Telegram(support::ADMIN), id).unwrap();
    let rows = w.json_rows(&["report", "--from", "2025-12-01", "--until", "2025-12-31"]);
    let lviv = rows.iter().find(|r| r["branch"] == "LVIV").unwrap();
    assert_eq!((lviv["accept_min"].as_i64(), lviv["accept_working_min"].as_i64()), (Some(3900), Some(510)), "{lviv}");
}
