//! Backups and restore: online copies while another process writes,
//! interruption, retention over a simulated year, refusing damaged files.

mod support;

use chrono::{Duration, TimeZone, Utc};
use helpdesk::config::Settings;
use helpdesk::domain::{Kind, Priority};
use helpdesk::services::requests::{self, NewTicket};
use helpdesk::services::{Actor, NoProgress, backup, directory};
use predicates::str::contains;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use support::{TestDb, Workdir};

const WRITER: i64 = 555_300_001;

/// Requests the writer made and their create audit records: equal in any consistent snapshot.
fn written_and_audited(db: &Path) -> (i64, i64) {
    let conn = rusqlite::Connection::open(db).unwrap();
    let written: i64 =
        conn.query_row("SELECT count(*) FROM requests WHERE client_key LIKE 'w-%'", [], |r| r.get(0)).unwrap();
    let audited: i64 = conn
        .query_row(
            "SELECT count(*) FROM logs WHERE action = 'request.create' AND actor = ?1",
            [format!("tg:{WRITER}")],
            |r| r.get(0),
        )
        .unwrap();
    (written, audited)
}

/// The files in `dir` whose names `keep` keeps, in name order.
fn files_in(dir: &Path, keep: impl Fn(&str) -> bool) -> Vec<std::path::PathBuf> {
    let mut found: Vec<std::path::PathBuf> =
        std::fs::read_dir(dir).map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect()).unwrap_or_default();
    found.retain(|p| keep(&p.file_name().unwrap().to_string_lossy()));
    found.sort();
    found
}

/// The finished backups (SQLite files, compressed or not).
fn backups_in(dir: &Path) -> Vec<std::path::PathBuf> {
    files_in(dir, |n| !n.starts_with('.') && (n.ends_with(".db") || n.ends_with(".db.zst")))
}

#[test]
fn backups_taken_while_another_process_writes_are_consistent_and_restore() {
    let w = Workdir::seeded();
    w.cmd().args(["seed", "--demo", "--requests", "3000"]).assert().success();
    let (app, _) = w.app();
    directory::add_user(
        &app,
        &Actor::Operator("t".into()),
        &directory::NewPerson {
            telegram_id: WRITER,
            full_name: "Writer".into(),
            branch: Some(helpdesk::domain::Key::Code("HQ".into())),
            ..Default::default()
        },
    )
    .unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (stop, app) = (stop.clone(), app.clone());
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) {
                let t = NewTicket {
                    kind: Kind::Repair,
                    branch_id: None,
                    contact_name: "Writer".into(),
                    contact_phone: "+380441234567".into(),
                    description: format!("written during a backup {n}"),
                    priority: Priority::Low,
                    items: vec![],
                    attachments: vec![],
                    client_key: Some(format!("w-{n}")),
                };
                requests::create(&app, &Actor::Telegram(WRITER), &t).unwrap();
                n += 1;
            }
            n
        })
    };
    std::thread::sleep(std::time::Duration::from_millis(200));
    for _ in 0..3 {
        w.cmd().arg("backup").assert().success().stdout(contains(" rows, verified)\n"));
    }
    stop.store(true, Ordering::SeqCst);
    let written = writer.join().unwrap();
    assert!(written > 20, "the writer kept writing ({written})");
    let files = backups_in(&w.path().join("backups/daily"));
    assert_eq!(files.len(), 3);
    let mut seen = Vec::new();
    for f in &files {
        assert_eq!(std::fs::metadata(f).unwrap().permissions().mode() & 0o777, 0o600, "owner only");
        let (w_count, a_count) = written_and_audited(f);
        assert_eq!(w_count, a_count, "{}: a request without its audit record means an inconsistent copy", f.display());
        seen.push(w_count);
    }
    assert!(seen.iter().any(|c| *c > 0 && *c < written as i64), "copies taken mid-write: {seen:?} of {written}");
    // Restore the newest and check the database is that snapshot, consistent.
    let newest = files.iter().max().unwrap();
    w.cmd().arg("restore").arg(newest).assert().success().stdout(contains("restored"));
    let (w_count, a_count) = written_and_audited(&w.db());
    assert_eq!(w_count, a_count);
    assert_eq!(w_count, written_and_audited(newest).0);
    w.cmd().args(["requests", "list", "--limit", "1"]).assert().success();
}

/// The hidden files a backup writes before renaming them into place.
fn partials_in(dir: &Path) -> Vec<std::path::PathBuf> {
    files_in(dir, |n| n.starts_with('.') && n.contains(".partial"))
}

/// Waits for the clock's next second, so that each round's backup has a
/// name of its own (one started in the same second as a killed one takes
/// another name: `a_backup_in_the_second_of_a_killed_one_takes_another_name`).
fn next_second() {
    let into = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    std::thread::sleep(
        std::time::Duration::from_nanos(u64::from(1_000_000_000 - into)) + std::time::Duration::from_millis(10),
    );
}

#[test]
fn a_killed_backup_never_leaves_a_complete_looking_file() {
    let w = Workdir::seeded();
    w.cmd().args(["seed", "--demo", "--requests", "60000"]).assert().success();
    let daily = w.path().join("backups/daily");
    // Rounds where the kill found the backup still running, and where it left something behind.
    let (mut hit, mut left) = (0, 0);
    for delay_ms in [5, 40, 120, 250, 500] {
        if !partials_in(&daily).is_empty() {
            next_second();
        }
        let on_disk = partials_in(&daily).len() + backups_in(&daily).len();
        let mut child = w
            .process()
            .arg("backup")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        if child.try_wait().unwrap().is_none() {
            child.kill().expect("kill the running backup");
            hit += 1;
        }
        child.wait().unwrap();
        if partials_in(&daily).len() + backups_in(&daily).len() > on_disk {
            left += 1;
        }
        // Whatever looks like a backup must be a whole, verified one with its manifest.
        for f in backups_in(&daily) {
            let manifest = format!("{}.json", f.display());
            if Path::new(&manifest).exists() {
                let m: serde_json::Value = serde_json::from_slice(&std::fs::read(&manifest).unwrap()).unwrap();
                assert_eq!(m["verified"], true);
                assert!(helpdesk::store::sqlite::verify(&f).unwrap().ok(), "{}", f.display());
            } else {
                // Renamed into place but killed before the manifest: still a whole, checked file.
                assert!(helpdesk::store::sqlite::verify(&f).unwrap().ok(), "{} looks complete but is not", f.display());
            }
        }
    }
    assert!(hit > 0, "no kill found a backup still running");
    assert!(left > 0, "no killed backup had begun writing");
    let before = backups_in(&daily);
    let partials = partials_in(&daily);
    assert!(!partials.is_empty(), "a killed backup leaves its partial file (prune clears it later)");

    // A backup run to completion afterwards: one more entry, verified.
    next_second();
    w.cmd().arg("backup").assert().success().stdout(contains(" rows, verified)\n"));
    let out = w.cmd().args(["backup", "list", "--format", "json"]).output().unwrap();
    assert!(out.status.success());
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let new: Vec<&serde_json::Value> = listed
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            // By file name: the listing's paths are relative to the working directory, ours absolute.
            let name = Path::new(e["file"].as_str().unwrap()).file_name().unwrap().to_owned();
            e["kind"] == "daily" && !before.iter().any(|b| b.file_name() == Some(name.as_os_str()))
        })
        .collect();
    assert_eq!(new.len(), 1, "{listed}");
    assert_eq!(new[0]["verified"], true, "{listed}");
    assert_eq!(partials_in(&daily), partials, "a finished backup leaves no partial file of its own");
    // `backup list` never shows partial files.
    for e in listed.as_array().unwrap() {
        assert!(!e["file"].as_str().unwrap().contains(".partial"), "{listed}");
    }
    // Prune clears partial files once they are a day old, and keeps younger ones
    // (a backup may be writing them now).
    let two_days_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(48 * 3600);
    let (stale, fresh) = partials.split_at(partials.len() - 1);
    for p in stale {
        std::fs::File::options().write(true).open(p).unwrap().set_modified(two_days_ago).unwrap();
    }
    w.cmd().args(["backup", "prune"]).assert().success();
    assert_eq!(partials_in(&daily), fresh, "only the stale partial files are gone");
    for p in fresh {
        std::fs::File::options().write(true).open(p).unwrap().set_modified(two_days_ago).unwrap();
    }
    w.cmd().args(["backup", "prune"]).assert().success();
    assert!(partials_in(&daily).is_empty(), "{:?}", partials_in(&daily));
    assert_eq!(backups_in(&daily).len(), before.len() + 1, "the backups stay");
}

#[test]
fn an_unverified_backup_says_so_and_still_restores() {
    let w = Workdir::seeded();
    w.cmd()
        .args(["backup", "--no-verify"])
        .assert()
        .success()
        .stdout(contains(" bytes, not verified: integrity and row counts not checked)\n"));
    let out = w.cmd().args(["backup", "list", "--format", "json"]).output().unwrap();
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let file = listed[0]["file"].as_str().unwrap().to_string();
    assert_eq!(listed[0]["verified"], serde_json::Value::Bool(false), "{listed}");
    // Restoring checks it then, whatever the backup skipped.
    w.cmd().args(["restore", &file]).assert().success().stdout(contains("restored"));
}

#[test]
fn a_backup_in_the_second_of_a_killed_one_takes_another_name() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::defaults();
    settings.backup.dir = dir.path().join("backups");
    let db = TestDb::with_settings(settings);
    db.clock.set(Utc.with_ymd_and_hms(2026, 12, 1, 3, 0, 0).unwrap());
    // A backup killed in this very second left its partial file.
    let daily = dir.path().join("backups/daily");
    std::fs::create_dir_all(&daily).unwrap();
    let killed = daily.join(".helpdesk-20261201-030000.db.partial.db");
    std::fs::write(&killed, b"half a database").unwrap();
    let taken = backup::take(&db.app, true, &NoProgress).expect("another name is taken");
    assert_eq!(taken.daily.path.file_name().unwrap(), "helpdesk-20261201-030000-2.db");
    assert_eq!(std::fs::read(&killed).unwrap(), b"half a database", "not this backup's to remove");
}

#[test]
fn retention_over_a_simulated_year_keeps_30_daily_and_every_yearly() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::defaults();
    settings.backup.dir = dir.path().join("backups");
    let db = TestDb::with_settings(settings);
    db.clock.set(Utc.with_ymd_and_hms(2026, 12, 1, 3, 0, 0).unwrap());
    for _ in 0..400 {
        backup::take(&db.app, false, &NoProgress).unwrap();
        backup::prune(&db.app, 30, false).unwrap();
        db.clock.advance(Duration::days(1));
    }
    let all = backup::list(&db.app).unwrap();
    let daily: Vec<_> = all.iter().filter(|e| e.kind == backup::Kind::Daily).collect();
    let yearly: Vec<String> = all
        .iter()
        .filter(|e| e.kind == backup::Kind::Yearly)
        .map(|e| e.path.file_name().unwrap().to_string_lossy().to_string())
        .collect();
    assert_eq!(daily.len(), 30);
    assert_eq!(daily[0].taken_at, Utc.with_ymd_and_hms(2028, 1, 4, 3, 0, 0).unwrap(), "the newest is the last day");
    assert_eq!(daily[29].taken_at, Utc.with_ymd_and_hms(2027, 12, 6, 3, 0, 0).unwrap());
    let mut yearly = yearly;
    yearly.sort();
    assert_eq!(yearly, ["helpdesk-20261201-030000.db", "helpdesk-20270101-030000.db", "helpdesk-20280101-030000.db"]);
    // A dry run removes nothing.
    db.clock.advance(Duration::days(1));
    backup::take(&db.app, false, &NoProgress).unwrap();
    let would = backup::prune(&db.app, 30, true).unwrap();
    assert_eq!(would.len(), 1);
    assert_eq!(backup::list(&db.app).unwrap().iter().filter(|e| e.kind == backup::Kind::Daily).count(), 31);
}

#[test]
fn restore_refuses_a_damaged_file_and_keeps_the_database() {
    let w = Workdir::seeded();
    w.cmd().args(["seed", "--demo", "--requests", "2000"]).assert().success();
    w.cmd().arg("backup").assert().success();
    let good = backups_in(&w.path().join("backups/daily")).pop().unwrap();
    let count = || {
        let conn = rusqlite::Connection::open(w.db()).unwrap();
        conn.query_row("SELECT count(*) FROM requests", [], |r| r.get::<_, i64>(0)).unwrap()
    };
    let before = count();
    // Damage a copy: garbage over pages in the middle.
    let bad = w.path().join("damaged.db");
    let mut bytes = std::fs::read(&good).unwrap();
    let mid = bytes.len() / 2;
    for b in &mut bytes[mid..mid + 16384] {
        *b = 0xA5;
    }
    std::fs::write(&bad, &bytes).unwrap();
    let out = w.cmd().arg("restore").arg(&bad).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("nothing was changed") || stderr.contains("damaged"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1);
    assert_eq!(count(), before);
    assert!(
        !std::fs::read_dir(w.path()).unwrap().any(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .contains("before-restore"))
    );
    // Not a backup at all, and a missing file.
    std::fs::write(w.path().join("notes.txt"), "hello").unwrap();
    w.cmd().args(["restore", "notes.txt"]).assert().code(1).stderr(contains("error: "));
    w.cmd().args(["restore", "nope.db"]).assert().code(1).stderr(contains("is not a file"));
    // A good restore after more work brings the old state back and keeps the current aside.
    w.cmd().args(["seed", "--demo", "--requests", "100"]).assert().success();
    assert_eq!(count(), before + 100);
    w.cmd().arg("restore").arg(&good).assert().success();
    assert_eq!(count(), before);
    let aside: Vec<_> = std::fs::read_dir(w.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("before-restore"))
        .collect();
    assert_eq!(aside.len(), 1);
    let conn = rusqlite::Connection::open(aside[0].path()).unwrap();
    let kept: i64 = conn.query_row("SELECT count(*) FROM requests", [], |r| r.get(0)).unwrap();
    assert_eq!(kept, before + 100, "the database as it was is kept");
}

#[test]
fn compressed_backups_restore_and_restore_waits_for_serve() {
    let w = Workdir::seeded();
    w.cmd().arg("backup").env("HELPDESK_BACKUP_COMPRESS", "zstd").assert().success().stdout(contains(".db.zst"));
    let file = backups_in(&w.path().join("backups/daily")).pop().unwrap();
    assert!(file.to_string_lossy().ends_with(".db.zst"));
    let fake = support::fake_telegram::FakeTelegram::start();
    let mut serve = std::process::Command::new(env!("CARGO_BIN_EXE_helpdesk"))
        .current_dir(w.path())
        .arg("serve")
        .env("HELPDESK_BOT_TOKEN", support::fake_telegram::TOKEN)
        .env("HELPDESK_TELEGRAM_API_URL", fake.url())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    assert!(fake.wait_until(std::time::Duration::from_secs(15), |c| c.iter().any(|c| c.method == "setMyCommands")));
    w.cmd()
        .arg("restore")
        .arg(&file)
        .assert()
        .code(1)
        .stderr(contains("a helpdesk serve process is using the database"));
    w.cmd().arg("restore").arg(&file).arg("--force").assert().success();
    let _ = serve.kill();
    let _ = serve.wait();
    w.cmd().arg("restore").arg(&file).assert().success();
}
