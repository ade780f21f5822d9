//! The real binary on bad input: one clear line on stderr, exit code 1 (2 for
//! usage errors), no panic, no backtrace, and the data left as it was.

mod support;

use predicates::str::contains;
use support::Workdir;

/// Runs `helpdesk args` and checks it failed with exactly one line on stderr starting with `error: `.
fn fails_with(w: &Workdir, cmd: &mut assert_cmd::Command, code: i32, needle: &str) -> String {
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(code), "stderr: {stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "more than one line: {stderr}");
    assert!(stderr.contains(needle), "{stderr:?} does not contain {needle:?}");
    assert!(!stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"), "{stderr}");
    let _ = w;
    stderr
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    let w = Workdir::new();
    w.cmd().arg("frobnicate").assert().code(2).stderr(contains("unrecognized subcommand 'frobnicate'"));
    w.cmd()
        .args(["requests", "list", "--status", "lost"])
        .assert()
        .code(2)
        .stderr(contains("possible values: new, accepted, done, rejected, cancelled"));
    w.cmd().args(["requests", "list", "--limit", "many"]).assert().code(2);
    w.cmd().arg("--help").assert().code(0).stdout(contains("Exit codes: 0 success, 1 failure, 2 usage error"));
    w.cmd().arg("--version").assert().code(0).stdout(contains(env!("CARGO_PKG_VERSION")));
    assert!(!w.db().exists(), "usage errors must not create a database");
}

#[test]
fn the_default_database_is_created_on_first_use() {
    let w = Workdir::new();
    w.cmd().args(["branches", "list", "--format", "json"]).assert().success().stdout("[]\n");
    assert!(w.db().exists());
    w.cmd().args(["db", "status", "--format", "csv"]).assert().success().stdout(contains("1,initial,applied"));
}

#[test]
fn database_urls_and_paths() {
    let w = Workdir::seeded();
    // sqlite:PATH and a bare path name the same file.
    let url = format!("sqlite:{}", w.db().display());
    w.cmd().args(["--database-url", &url, "branches", "list"]).assert().success().stdout(contains("KHARKIV"));
    w.cmd()
        .env("HELPDESK_DATABASE_URL", w.db())
        .args(["branches", "list"])
        .assert()
        .success()
        .stdout(contains("KHARKIV"));
    // The flag wins over the environment.
    let other = w.path().join("other.db");
    w.cmd()
        .env("HELPDESK_DATABASE_URL", &other)
        .args(["--database-url", &url, "branches", "list"])
        .assert()
        .success()
        .stdout(contains("KHARKIV"));
    fails_with(
        &w,
        w.cmd().args(["--database-url", "postgres://app:s3cret@127.0.0.1:1/helpdesk", "branches", "list"]),
        1,
        "database postgres://app:***@127.0.0.1:1/helpdesk does not answer: error connecting to server",
    );
    let stderr = fails_with(
        &w,
        w.cmd().args(["--database-url", "postgres://app:s3cret@127.0.0.1:1/hd", "users", "list"]),
        1,
        "database postgres://app:***@127.0.0.1:1/hd does not answer: ",
    );
    assert!(!stderr.contains("s3cret"), "{stderr}");
    fails_with(
        &w,
        w.cmd().args(["--database-url", "mysql://x/y", "users", "list"]),
        1,
        "unsupported database URL scheme 'mysql'",
    );
    fails_with(
        &w,
        w.cmd().args(["--database-url", "sqlite:/nonexistent/dir/h.db", "users", "list"]),
        1,
        "the directory /nonexistent/dir does not exist; create it first",
    );
    fails_with(&w, w.cmd().args(["--database-url", "sqlite:/tmp", "users", "list"]), 1, "it is a directory");
}

#[test]
fn a_corrupted_or_foreign_file_is_refused_untouched() {
    let w = Workdir::new();
    let garbage = b"this is not a database, it is a text file that someone pointed us at\n".repeat(100);
    std::fs::write(w.db(), &garbage).unwrap();
    fails_with(&w, w.cmd().args(["users", "list"]), 1, "helpdesk.db is not a helpdesk database or is damaged");
    assert_eq!(std::fs::read(w.db()).unwrap(), garbage, "the file must be left as it was");

    // A SQLite database of some other program.
    let other = w.path().join("other.db");
    let conn = rusqlite::Connection::open(&other).unwrap();
    conn.execute_batch(
        "CREATE TABLE photos (id INTEGER PRIMARY KEY, path TEXT); INSERT INTO photos VALUES (1, 'a.jpg');",
    )
    .unwrap();
    drop(conn);
    fails_with(
        &w,
        w.cmd().args(["--database-url"]).arg(&other).args(["users", "list"]),
        1,
        "it holds tables but no helpdesk schema history",
    );
    let conn = rusqlite::Connection::open(&other).unwrap();
    let tables: i64 =
        conn.query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table'", [], |r| r.get(0)).unwrap();
    assert_eq!(tables, 1, "nothing may be added to a foreign database");
}

#[test]
fn a_truncated_database_is_reported() {
    let w = Workdir::seeded();
    w.cmd().args(["seed", "--demo", "--requests", "2000"]).assert().success();
    // Checkpoint so everything is in the main file, then cut it in half.
    let conn = rusqlite::Connection::open(w.db()).unwrap();
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    drop(conn);
    let bytes = std::fs::read(w.db()).unwrap();
    std::fs::write(w.db(), &bytes[..bytes.len() / 2]).unwrap();
    let _ = std::fs::remove_file(w.path().join("helpdesk.db-wal"));
    let _ = std::fs::remove_file(w.path().join("helpdesk.db-shm"));
    let out = w.cmd().args(["requests", "list", "--limit", "0", "--format", "csv"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("is not a helpdesk database or is damaged") || stderr.contains("malformed"), "{stderr}");
    assert!(!stderr.contains("panicked"));
}

#[test]
fn an_unreadable_database_is_reported() {
    let w = Workdir::seeded();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(w.db(), std::fs::Permissions::from_mode(0o000)).unwrap();
    // Root reads every file; as root (CI runs as root) the command runs
    // without the capabilities that let it.
    let mut cmd = w.cmd_without_root_powers();
    fails_with(&w, cmd.args(["users", "list"]), 1, "permission denied; check the file's permissions");
}

#[test]
fn a_database_from_a_newer_helpdesk_is_refused() {
    let w = Workdir::seeded();
    let conn = rusqlite::Connection::open(w.db()).unwrap();
    conn.execute(
        "INSERT INTO refinery_schema_history (version, name, applied_on, checksum) VALUES (99, 'future', '2030-01-01T00:00:00Z', '1')",
        [],
    )
    .unwrap();
    drop(conn);
    fails_with(
        &w,
        w.cmd().args(["requests", "list"]),
        1,
        "the database schema is version 99, newer than this helpdesk knows (up to 19); install a newer helpdesk",
    );
    fails_with(&w, w.cmd().args(["db", "upgrade"]), 1, "version 99, newer than this helpdesk knows");
}

#[test]
fn db_status_and_upgrade() {
    let w = Workdir::sqlite();
    w.cmd()
        .args(["db", "status", "--format", "csv"])
        .assert()
        .success()
        .stdout(
            "version,name,state,applied_at\n1,initial,pending,\n2,bot,pending,\n3,operations,pending,\n4,inbox_claims,pending,\n\
             5,ascii_case_codes,pending,\n6,keys_and_reply_priority,pending,\n7,web_sessions,pending,\n8,requests_closed_index,pending,\n9,onec_exchange,pending,\n10,serve_instances,pending,\n11,printers,pending,\n12,stock_ledger,pending,\n13,refills,pending,\n14,issued_days,pending,\n15,onec_catalog,pending,\n16,calendars,pending,\n17,waiting,pending,\n18,recurring,pending,\n19,ratings,pending,\n",
        );
    // Asking about a database that does not exist yet does not create it.
    assert!(!w.db().exists());
    let out = w.cmd().args(["db", "status"]).env("HELPDESK_DATABSE_URL", "x").assert().success();
    let out = out.stdout(contains("no such file yet")).get_output().clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches("HELPDESK_DATABSE_URL is not a helpdesk setting").count(), 1, "{stderr}");
    assert!(!w.db().exists());
    w.cmd()
        .args(["db", "upgrade"])
        .assert()
        .success()
        .stdout("applied V1 initial\napplied V2 bot\napplied V3 operations\napplied V4 inbox_claims\napplied V5 ascii_case_codes\napplied V6 keys_and_reply_priority\napplied V7 web_sessions\napplied V8 requests_closed_index\napplied V9 onec_exchange\napplied V10 serve_instances\napplied V11 printers\napplied V12 stock_ledger\napplied V13 refills\napplied V14 issued_days\napplied V15 onec_catalog\napplied V16 calendars\napplied V17 waiting\napplied V18 recurring\napplied V19 ratings\n");
    w.cmd().args(["db", "upgrade"]).assert().success().stdout(contains("schema is up to date (version 19)"));
    let out = w.cmd().args(["db", "status"]).env("HELPDESK_DATABSE_URL", "x").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches("HELPDESK_DATABSE_URL is not a helpdesk setting").count(), 1, "{stderr}");
    let out = w.cmd().args(["db", "status", "--format", "json"]).output().unwrap();
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows[0]["state"], "applied");
    assert!(rows[0]["applied_at"].is_string());
}

#[test]
fn malformed_configuration_is_named() {
    let w = Workdir::new();
    let cfg = w.path().join("helpdesk.toml");
    std::fs::write(&cfg, "timezone = \"Europe/Kyiv\"\n[sla]\naccept_high = \"soon\"\n").unwrap();
    fails_with(
        &w,
        w.cmd().arg("--config").arg(&cfg).args(["users", "list"]),
        1,
        "invalid sla_accept_high (from config file",
    );
    std::fs::write(&cfg, "[sla\naccept_high = 1").unwrap();
    fails_with(&w, w.cmd().arg("--config").arg(&cfg).args(["users", "list"]), 1, "is not valid TOML");
    std::fs::write(&cfg, "[archive]\nafter_dayz = 5\n").unwrap();
    fails_with(
        &w,
        w.cmd().arg("--config").arg(&cfg).args(["users", "list"]),
        1,
        "unknown setting 'archive.after_dayz'",
    );
    fails_with(
        &w,
        w.cmd().args(["--config", "missing.toml", "users", "list"]),
        1,
        "cannot read config file missing.toml",
    );
    fails_with(
        &w,
        w.cmd().env("HELPDESK_TIMEZONE", "Mars/Olympus").args(["users", "list"]),
        1,
        "invalid HELPDESK_TIMEZONE (from environment): 'Mars/Olympus' is not a time zone",
    );
    fails_with(
        &w,
        w.cmd().env("HELPDESK_SUPER_ADMINS", "1,two").args(["users", "list"]),
        1,
        "'two' is not a Telegram user ID",
    );
    std::fs::write(w.path().join(".env"), "HELPDESK_SMTP_PORT=99999\n").unwrap();
    fails_with(&w, w.cmd().args(["users", "list"]), 1, "invalid HELPDESK_SMTP_PORT (from");
    std::fs::write(w.path().join(".env"), "HELPDESK_DEFAULT_LANGUAGE='unterminated\n").unwrap();
    fails_with(&w, w.cmd().args(["users", "list"]), 1, ".env");
    assert!(!w.db().exists(), "bad configuration must not create a database");
}

#[test]
fn config_show_lists_sources_and_never_secrets() {
    let w = Workdir::new();
    let cfg = w.path().join("helpdesk.toml");
    std::fs::write(&cfg, "[sla]\naccept_high = \"30m\"\n[smtp]\nhost = \"mail.example.org\"\n").unwrap();
    std::fs::write(w.path().join(".env"), "HELPDESK_TIMEZONE=Europe/Kyiv\nHELPDESK_SMTP_PASSWORD=dotenv-secret\n")
        .unwrap();
    let out = w
        .cmd()
        .env("HELPDESK_BOT_TOKEN", "123456:ABC-very-secret")
        .env("HELPDESK_DEFAULT_LANGUAGE", "uk")
        .arg("--config")
        .arg(&cfg)
        .args(["config", "show", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("ABC-very-secret") && !text.contains("dotenv-secret"), "{text}");
    let rows: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    let get = |k: &str| rows.iter().find(|r| r["key"] == k).unwrap().clone();
    assert_eq!(get("bot_token")["value"], "[redacted]");
    assert_eq!(get("bot_token")["origin"], "environment");
    assert_eq!(get("smtp_password")["value"], "[redacted]");
    assert_eq!(get("timezone")["value"], "Europe/Kyiv");
    assert!(get("timezone")["origin"].as_str().unwrap().ends_with(".env"));
    assert_eq!(get("sla_accept_high")["value"], "30m");
    assert!(get("sla_accept_high")["origin"].as_str().unwrap().starts_with("config file"));
    assert_eq!(get("default_language")["value"], "uk");
    assert_eq!(get("sla_accept_low")["origin"], "default");
    // A misspelt variable is pointed out, not silently ignored.
    w.cmd()
        .env("HELPDESK_TIMEZNE", "UTC")
        .args(["config", "show"])
        .assert()
        .success()
        .stderr(contains("HELPDESK_TIMEZNE is not a helpdesk setting"));
}

#[test]
fn env_example_covers_every_setting() {
    let example = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/.env.example")).unwrap();
    for spec in helpdesk::config::SPECS {
        let name = spec.env_name();
        assert!(
            example.lines().any(|l| l.trim_start_matches("# ").starts_with(&format!("{name}="))),
            "{name} missing from .env.example"
        );
    }
}

#[test]
fn a_closed_pipe_ends_output_quietly() {
    let w = Workdir::seeded();
    w.cmd().args(["seed", "--demo", "--requests", "3000"]).assert().success();
    // `helpdesk requests list --limit 0 | head -1`, and the other commands that print a lot.
    let lines: [&[&str]; 5] = [
        &["requests", "list", "--limit", "0", "--format", "csv"],
        &["export", "--format", "csv", "-o", "-"],
        &["completions", "bash"],
        &["completions", "zsh"],
        &["man"],
    ];
    for args in lines {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_helpdesk"))
            .current_dir(w.path())
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr, "", "a closed pipe ends `helpdesk {}` quietly", args.join(" "));
        assert_eq!(out.status.code(), Some(0), "helpdesk {}", args.join(" "));
    }
}
