//! The real binary: `helpdesk recurring` adds, lists, pauses, resumes and
//! runs schedules; a run files each occurrence once; bad input is one line.

mod support;

use chrono::{Duration, Utc};
use predicates::str::contains;
use support::{ADMIN, SUPPORT, Workdir};

#[test]
fn schedules_are_added_listed_run_once_paused_and_resumed() {
    let w = Workdir::seeded();
    let add = |extra: &[&str]| {
        let mut args = vec!["recurring", "add", "--kind", "maintenance", "--description", "Чистка принтеров"];
        args.extend_from_slice(extra);
        w.cmd().args(&args).output().unwrap()
    };
    // Made three days ago (its clock in the past), daily at 00:00: today's is due now.
    let (app, clock) = w.app();
    clock.set(Utc::now() - Duration::days(3));
    let s = helpdesk::services::recurring::NewSchedule {
        kind: helpdesk::domain::Kind::Maintenance,
        branch: Some(helpdesk::domain::BranchKey::parse("LVIV").unwrap()),
        description: "Ежедневный обход".into(),
        priority: helpdesk::domain::Priority::Low,
        author: ADMIN,
        assignee: None,
        rule: "every 1 days".into(),
        at: "00:00".into(),
        starts_on: None,
    };
    let daily = helpdesk::services::recurring::add(&app, &helpdesk::services::Actor::Operator("t".into()), &s).unwrap();

    let out = add(&[
        "--branch",
        "HQ",
        "--every",
        "monthly on last",
        "--at",
        "10:30",
        "--author",
        &ADMIN.to_string(),
        "--assignee",
        &SUPPORT.to_string(),
        "--priority",
        "high",
    ]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(said.starts_with(&format!("added schedule {}; next due ", daily + 1)), "{said}");

    let rows = w.json_rows(&["recurring", "list"]);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1]["every"], "every 1 months on last");
    assert_eq!(rows[1]["at"], "10:30");
    assert_eq!(rows[1]["branch"], "Головной офис");
    assert_eq!(rows[1]["assignee"], "Андрей Мельник");
    assert!(rows[0]["last"].is_null() && rows[0]["next"].is_string());

    let run = w.cmd().args(["recurring", "run"]).output().unwrap();
    let said = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success());
    assert!(said.starts_with("filed 1 recurring requests\nHD-"), "{said}");
    assert!(said.contains(&format!("for schedule {daily}")), "{said}");
    // Once: again, nothing; and quiet, as in cron.
    w.cmd().args(["recurring", "run"]).assert().success().stdout("");
    let rows = w.json_rows(&["recurring", "list"]);
    assert!(rows[0]["last_request"].as_str().unwrap().starts_with("HD-"), "{rows:?}");
    assert_eq!(w.int("SELECT count(*) FROM requests WHERE description = 'Ежедневный обход' AND status = 'new'"), 1);

    w.cmd()
        .args(["recurring", "pause", &daily.to_string()])
        .assert()
        .success()
        .stdout(format!("paused schedule {daily}\n"));
    w.cmd().args(["recurring", "pause", &daily.to_string()]).assert().success().stdout(contains("paused already"));
    assert!(w.json_rows(&["recurring", "list"])[0]["paused"].as_bool().unwrap());
    w.cmd()
        .args(["recurring", "resume", &daily.to_string()])
        .assert()
        .success()
        .stdout(format!("resumed schedule {daily}\n"));
    // Resumed just now: today's occurrence came before it, so nothing more is filed.
    w.cmd().args(["recurring", "run"]).assert().success().stdout("");

    // Bad input: one line each, nothing stored.
    let author = ADMIN.to_string();
    for (extra, needle) in [
        (vec!["--branch", "HQ", "--every", "cron 0 9 30 2 *", "--author", &author], "never fires"),
        (vec!["--branch", "HQ", "--every", "every fortnight", "--author", &author], "is not a schedule"),
        (
            vec!["--branch", "HQ", "--every", "monthly on 1", "--at", "9am", "--author", &author],
            "'9am' is not a time of day",
        ),
        (vec!["--branch", "NOWHERE", "--every", "monthly on 1", "--author", &author], "NOWHERE"),
        (vec!["--branch", "HQ", "--every", "monthly on 1", "--author", "42"], "42"),
        (
            vec!["--branch", "HQ", "--every", "monthly on 1", "--author", &author, "--assignee", "100000005"],
            "does not handle maintenance",
        ),
        (
            vec!["--branch", "HQ", "--every", "monthly on 1", "--author", &author, "--starting", "2027-02-30"],
            "--starting '2027-02-30' is not a date",
        ),
    ] {
        let out = add(&extra);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{extra:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.starts_with("error: ") && stderr.contains(needle), "{extra:?}: {stderr}");
    }
    assert_eq!(w.json_rows(&["recurring", "list"]).len(), 2);
    w.fails(&["recurring", "pause", "99"], "99");
    w.cmd().args(["recurring", "add", "--kind", "maintenance"]).assert().code(2).stderr(contains("--every"));
}
