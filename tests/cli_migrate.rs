//! `helpdesk migrate`: a SQLite help desk copied into PostgreSQL by the real
//! binary, compared value by value; killed halfway or refused, the target
//! keeps what it had. Skipped, saying so, without HELPDESK_TEST_PG_URL
//! (required in CI).

mod support;

use predicates::str::contains;
use std::time::{Duration, Instant};
use support::{PgDb, Workdir};

/// The tables of the schema, from PostgreSQL's catalog.
fn tables(pg: &mut postgres::Client) -> Vec<String> {
    pg.query(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() \
         AND table_name <> 'refinery_schema_history' ORDER BY 1",
        &[],
    )
    .unwrap()
    .iter()
    .map(|r| r.get(0))
    .collect()
}

/// Every row of `table` on both sides, as text in one common form, sorted.
fn contents(sqlite: &rusqlite::Connection, pg: &mut postgres::Client, table: &str) -> [Vec<Vec<Option<String>>>; 2] {
    let columns: Vec<(String, String)> = pg
        .query(
            "SELECT column_name::text, data_type::text FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
            &[&table],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let pg_select: Vec<String> = columns
        .iter()
        .map(|(c, ty)| match ty.as_str() {
            "timestamp with time zone" => {
                format!("to_char({c} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")
            }
            "boolean" => format!("CASE WHEN {c} THEN '1' WHEN NOT {c} THEN '0' END"),
            _ => format!("{c}::text"),
        })
        .collect();
    let mut theirs: Vec<Vec<Option<String>>> = pg
        .query(&format!("SELECT {} FROM {table}", pg_select.join(", ")), &[])
        .unwrap()
        .iter()
        .map(|r| (0..columns.len()).map(|i| r.get(i)).collect())
        .collect();
    let sqlite_select: Vec<String> = columns.iter().map(|(c, _)| format!("CAST({c} AS TEXT)")).collect();
    let mut st = sqlite.prepare(&format!("SELECT {} FROM {table}", sqlite_select.join(", "))).unwrap();
    let mut ours: Vec<Vec<Option<String>>> =
        st.query_map([], |r| (0..columns.len()).map(|i| r.get(i)).collect()).unwrap().map(|r| r.unwrap()).collect();
    ours.sort();
    theirs.sort();
    [ours, theirs]
}

/// Fills the tables `seed` leaves empty, with the awkward values real data has:
/// Cyrillic, quotes and newlines, NULLs, long text, booleans both ways, and
/// Cyrillic codes that differ only in case (two codes, as on SQLite).
fn fill_every_table(db: &std::path::Path) {
    let c = rusqlite::Connection::open(db).unwrap();
    let long = "Очень длинное описание; ".repeat(2000);
    let t = "2026-11-20T09:15:30.123456Z";
    c.execute_batch(&format!(
        "UPDATE users SET blocked = 1, bot_blocked_at = '{t}', last_seen_at = NULL, full_name = 'Петренко \"Тарас\" О''Брайен'
             WHERE telegram_id = (SELECT min(telegram_id) FROM users WHERE role = 'user');
         UPDATE requests SET description = '{long}' WHERE id = (SELECT min(id) FROM requests);
         UPDATE requests SET description = 'строка 1
строка 2	с табом \\ и обратной косой' WHERE id = (SELECT max(id) FROM requests);
         INSERT INTO branches (code, name, address, created_at) VALUES ('КВ-9', 'Київ 9', NULL, '{t}'), ('кв-9', 'Київ 9а', NULL, '{t}');
         INSERT INTO warehouses (code, name, branch_id, one_c_id, created_at) VALUES ('СКЛАД-9', 'Склад 9', NULL, NULL, '{t}'), ('склад-9', 'Склад 9а', NULL, NULL, '{t}');
         INSERT INTO cartridge_types (name, vendor_article, compatible_printers, one_c_id, min_stock, created_at)
             VALUES ('Тонер А', 'ТН-9', '', NULL, 0, '{t}'), ('Тонер Б', 'тн-9', '', NULL, 0, '{t}');
         INSERT INTO attachments (request_id, kind, file_id, file_unique_id, file_name, mime_type, created_at)
             SELECT id, 'photo', 'AgACAgIAAxkBAAI', NULL, NULL, NULL, '{t}' FROM requests LIMIT 3;
         INSERT INTO attachments (request_id, kind, file_id, file_unique_id, file_name, mime_type, created_at)
             SELECT id, 'document', 'BQACAgIAAxkB', 'AgADxx', 'акт приёмки.pdf', 'application/pdf', '{t}' FROM requests LIMIT 2;
         INSERT INTO one_c_imports (source, content_hash, imported_at, rows) VALUES ('offers.xml', 'abc123', '{t}', 2);
         INSERT INTO one_c_snapshot (import_id, source, imported_at, item_one_c_id, item_name, item_article,
                                     warehouse_one_c_id, warehouse_name, quantity, cartridge_type_id, warehouse_id)
             VALUES (1, 'offers.xml', '{t}', 'a1-b2', 'Картридж HP 85A', 'CE285A', 'w-1', 'Центральный склад', 12,
                     (SELECT min(id) FROM cartridge_types), (SELECT min(id) FROM warehouses)),
                    (1, 'offers.xml', '{t}', NULL, 'Тонер неизвестный', NULL, NULL, NULL, 0, NULL, NULL);
         INSERT INTO serve_instances (id, started_at, heartbeat_at, stopped_at)
             VALUES ('a1b2c3d4e5f60718', '{t}', '{t}', NULL), ('0f1e2d3c4b5a6978', '{t}', '{t}', '{t}');
         INSERT INTO telegram_inbox (update_id, chat_id, payload, received_at, done_at, received_by, claimed_by)
             VALUES (900000001, 555000001, '{{\"message\":{{\"text\":\"Привет 👋\"}}}}', '{t}', NULL, 'a1b2c3d4e5f60718', NULL),
                    (900000002, NULL, '{{}}', '{t}', '{t}', NULL, '0f1e2d3c4b5a6978');
         INSERT INTO dialogues (chat_id, state, last_update_id, updated_at) VALUES (555000001, '{{\"Start\":null}}', 900000001, '{t}');
         INSERT INTO broadcasts (author_id, kind, text, file_id, created_at, finished_at, recipients, delivered, failed, blocked, client_key)
             VALUES ((SELECT min(telegram_id) FROM users), 'text', 'Завтра плановые работы', NULL, '{t}', NULL, 10, 7, 1, 2, 'tg-update:7');
         INSERT INTO outbox (chat_id, notice, priority, broadcast_id, created_at, send_after, attempts, sent_at, failed_at, last_error, email, leased_by)
             VALUES (555000001, '{{\"kind\":\"x\"}}', 2, 1, '{t}', '{t}', 0, NULL, NULL, NULL, NULL, 'a1b2c3d4e5f60718'),
                    (0, '{{\"kind\":\"y\"}}', 0, NULL, '{t}', '{t}', 3, NULL, '{t}', 'Forbidden: bot was blocked', 'staff@example.org', NULL);
         INSERT INTO server_calls (caller_id, branch_id, created_at, client_key)
             VALUES ((SELECT min(telegram_id) FROM users), NULL, '{t}', 'tg-update:8');
         INSERT INTO web_login_tokens (token_hash, telegram_id, created_at, expires_at, used_at)
             VALUES ('9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', (SELECT min(telegram_id) FROM users), '{t}', '{t}', NULL);
         INSERT INTO web_sessions (token_hash, telegram_id, csrf, via, created_at, seen_at, expires_at, ended_at, user_agent)
             VALUES ('60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752', (SELECT min(telegram_id) FROM users),
                     'c5f0', 'widget', '{t}', '{t}', '{t}', NULL, 'Mozilla/5.0 (X11; Linux) «тест»');
         INSERT INTO server_call_answers (call_id, responder_id, answer, answered_at)
             VALUES (1, (SELECT max(telegram_id) FROM users), 'coming', '{t}');
         INSERT INTO cartridge_issues (request_id, item_id, warehouse_id, quantity, note, issued_by, issued_at)
             SELECT request_id, id, (SELECT min(id) FROM warehouses), 1, 'выдано', 100000005, '{t}' FROM request_items LIMIT 1;
         INSERT INTO sla_reminders (request_id, kind, level, channel, recipient, created_at, lease_until, attempts, sent_at, failed_at, last_error)
             VALUES ((SELECT min(id) FROM requests), 'accept', 1, 'email', 'staff@example.org', '{t}', NULL, 1, '{t}', NULL, NULL);
         INSERT INTO job_runs (job, started_at, finished_at, ok, message)
             VALUES ('backup', '{t}', '{t}', 1, 'ok'), ('sla-check', '{t}', NULL, NULL, NULL), ('archive', '{t}', '{t}', 0, 'ошибка');
         INSERT INTO onec_exchanges (at, kind, step, session, peer, files, ok, detail, import_id, stock_changed)
             VALUES ('{t}', 'sale', 'confirm', '3fa2c1d0', '192.0.2.7', '', 1, '1C confirmed 1 cartridge issues on 1 orders', NULL, 0),
                    ('{t}', 'catalog', 'import', '3fa2c1d0', '192.0.2.7', 'offers.xml', 0, 'offers.xml: «обрезан»', NULL, 0);
         INSERT INTO onec_sale_confirmed (issue_id, exchange_id)
             SELECT min(id), (SELECT min(id) FROM onec_exchanges) FROM cartridge_issues;
         INSERT INTO printers (branch_id, inventory_number, model, place, serial, created_at, retired_at)
             VALUES ((SELECT min(id) FROM branches), 'ИНВ-9', 'HP «LaserJet» 1010', '', NULL, '{t}', '{t}');
         UPDATE request_items SET printer_id = (SELECT min(id) FROM printers) WHERE id = (SELECT min(id) FROM request_items);
         INSERT INTO contractors (name, contacts, created_at) VALUES ('ТОВ «Тонер» O''Neil', '', '{t}'), ('toner', '+380 44 1', '{t}');
         INSERT INTO refill_batches (contractor_id, warehouse_id, sent_at, sent_by, note, closed_at)
             VALUES (1, (SELECT min(id) FROM warehouses), '{t}', 'tg:100000005', NULL, NULL),
                    (2, (SELECT min(id) FROM warehouses), '{t}', 'cli:root', 'до п''ятниці', '{t}');
         INSERT INTO refill_lines (batch_id, cartridge_type_id, sent, received, rejected, reject_reason)
             VALUES (1, (SELECT min(id) FROM cartridge_types), 3, 1, 1, 'тріснув'), (2, (SELECT max(id) FROM cartridge_types), 2, 2, 0, NULL);
         INSERT INTO stock_moves (at, warehouse_id, cartridge_type_id, kind, full_delta, empty_delta, batch_id, actor, note)
             VALUES ('{t}', (SELECT min(id) FROM warehouses), (SELECT min(id) FROM cartridge_types), 'refill_out', 0, -3, 1, 'tg:100000005', NULL);
         INSERT INTO issued_days (warehouse_id, cartridge_type_id, day, quantity)
             VALUES ((SELECT min(id) FROM warehouses), (SELECT min(id) FROM cartridge_types), 20455, 2);
         INSERT INTO onec_catalog (kind, one_c_id, name, article, received_at)
             VALUES ('item', 'f00dcafe-2c31', 'Картридж «Xerox»', '106R02773', '{t}'), ('warehouse', '9f1c2a5e', NULL, NULL, '{t}');
         INSERT INTO calendars (code, name, timezone, mon, sat, is_default, created_at)
             VALUES ('КАЛ-9', 'Календар «9»', NULL, '00:00-24:00', '09:00-13:00 14:00-18:00', 1, '{t}');
         INSERT INTO calendar_days (calendar_id, kind, day, hours, name)
             VALUES ((SELECT max(id) FROM calendars), 'workday', '2027-01-02', '10:00-14:00', 'перенос «суботи»');
         INSERT INTO branch_calendars (branch_id, calendar_id) VALUES ((SELECT min(id) FROM branches), (SELECT max(id) FROM calendars));
         UPDATE requests SET waiting = 'author', waiting_since = '{t}', waited_seconds = 5400
             WHERE id = (SELECT min(id) FROM requests WHERE status = 'accepted');
         INSERT INTO recurring (kind, branch_id, description, priority, author_id, assignee_id, rule, at_time, starts_on,
             paused, active_since, created_at)
             VALUES ('maintenance', NULL, 'Перевірка «серверної»', 'high', 100000001, 100000002, 'every 1 months on last',
             '09:30', '2027-01-01', 1, '{t}', '{t}');
         INSERT INTO recurring_runs (recurring_id, branch_id, due_at, request_id, filed_at, late)
             VALUES ((SELECT max(id) FROM recurring), (SELECT min(id) FROM branches), '{t}',
             (SELECT max(id) FROM requests), '{t}', 1);
         INSERT INTO ratings (request_id, score, comment, rated_at)
             VALUES ((SELECT min(id) FROM requests WHERE status = 'done'), 2, 'довго «чекали»', '{t}');"
    ))
    .unwrap();
}

fn source(requests: u32) -> Workdir {
    let w = Workdir::sqlite();
    w.cmd().args(["seed", "--fixtures"]).arg(support::fixtures()).assert().success();
    w.cmd().args(["seed", "--demo", "--requests", &requests.to_string()]).assert().success();
    w
}

#[test]
fn every_table_arrives_intact_and_ids_continue() {
    let Some(pg) = PgDb::create("every_table_arrives_intact_and_ids_continue") else { return };
    let w = source(300);
    fill_every_table(&w.db());
    let sqlite = rusqlite::Connection::open(w.db()).unwrap();

    let out = w.cmd().args(["migrate", "--to", &pg.url]).assert().success().get_output().stdout.clone();
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("every table verified") && out.contains("HELPDESK_DATABASE_URL="), "{out}");
    let mut reported = Vec::new();
    for line in out.lines().filter(|l| l.starts_with('│') && !l.contains("verified")) {
        assert!(line.contains("yes"), "{line}");
        reported.push(line.trim_start_matches('│').split('┆').next().unwrap().trim().to_string());
    }

    let mut client = postgres::Client::connect(&pg.url, postgres::NoTls).unwrap();
    let all = tables(&mut client);
    assert_eq!(all.len(), 39, "{all:?}");
    // A line for every table, each verified.
    reported.sort();
    assert_eq!(reported, all, "{out}");
    for table in &all {
        let [ours, theirs] = contents(&sqlite, &mut client, table);
        assert!(!ours.is_empty(), "the source fills {table}");
        assert_eq!(ours, theirs, "{table}");
    }

    // The copy is a working store: new ids continue after the copied ones.
    let max: i64 = client.query_one("SELECT max(id) FROM requests", &[]).unwrap().get(0);
    let pgw = Workdir { dir: tempfile::tempdir().unwrap(), pg: None };
    pgw.cmd().env("HELPDESK_DATABASE_URL", &pg.url).args(["seed", "--demo", "--requests", "1"]).assert().success();
    let next: i64 = client.query_one("SELECT max(id) FROM requests", &[]).unwrap().get(0);
    assert_eq!(next, max + 1);
    pgw.cmd()
        .env("HELPDESK_DATABASE_URL", &pg.url)
        .args(["requests", "show", &format!("HD-{:06}", next - 1)])
        .assert()
        .success();

    // JSON for scripts.
    let out = w.cmd().args(["migrate", "--to", &pg.url, "--truncate", "--format", "json"]).assert().success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["tables"].as_array().unwrap().len(), 39);
    assert!(v["tables"].as_array().unwrap().iter().all(|t| t["verified"] == true));
}

#[test]
fn a_target_with_data_is_refused_unless_truncate() {
    let Some(pg) = PgDb::create("a_target_with_data_is_refused_unless_truncate") else { return };
    let w = source(50);
    let other = Workdir { dir: tempfile::tempdir().unwrap(), pg: None };
    other
        .cmd()
        .env("HELPDESK_DATABASE_URL", &pg.url)
        .args(["seed", "--fixtures"])
        .arg(support::fixtures())
        .assert()
        .success();
    other.cmd().env("HELPDESK_DATABASE_URL", &pg.url).args(["seed", "--demo", "--requests", "7"]).assert().success();
    let out = w.cmd().args(["migrate", "--to", &pg.url]).assert().code(1).get_output().stderr.clone();
    let err = String::from_utf8(out).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("already holds helpdesk data") && err.contains("7 in requests") && err.contains("--truncate"));
    let mut client = postgres::Client::connect(&pg.url, postgres::NoTls).unwrap();
    let n: i64 = client.query_one("SELECT count(*) FROM requests", &[]).unwrap().get(0);
    assert_eq!(n, 7, "refused, the target keeps its data");
    w.cmd().args(["migrate", "--truncate", "--to", &pg.url]).assert().success();
    let n: i64 = client.query_one("SELECT count(*) FROM requests", &[]).unwrap().get(0);
    assert_eq!(n, 50);
}

#[test]
fn bad_sources_and_targets_are_one_line_and_change_nothing() {
    let Some(pg) = PgDb::create("bad_sources_and_targets_are_one_line_and_change_nothing") else { return };
    let w = source(20);
    let one_line = |out: &std::process::Output, needle: &str| {
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(needle), "{needle}: {err}");
    };
    one_line(&w.cmd().args(["migrate", "--to", "sqlite:other.db"]).output().unwrap(), "--to must be a PostgreSQL URL");
    one_line(
        &w.cmd().args(["migrate", "--from", "missing.db", "--to", &pg.url]).output().unwrap(),
        "missing.db: no such file",
    );
    let mut client = postgres::Client::connect(&pg.url, postgres::NoTls).unwrap();
    assert!(tables(&mut client).is_empty(), "a source that cannot be copied leaves the target untouched");
    one_line(
        &w.cmd().args(["migrate", "--from", &pg.url, "--to", &pg.url]).output().unwrap(),
        "the source must be a SQLite database",
    );
    one_line(
        &w.cmd().args(["migrate", "--to", "postgres://nobody:pw@127.0.0.1:1/x"]).output().unwrap(),
        "postgres://nobody:***@127.0.0.1:1/x",
    );
    // A value the target cannot take: named, and nothing is copied.
    rusqlite::Connection::open(w.db())
        .unwrap()
        .execute("UPDATE requests SET created_at = 'вчера' WHERE id = (SELECT max(id) FROM requests)", [])
        .unwrap();
    one_line(&w.cmd().args(["migrate", "--to", &pg.url]).output().unwrap(), "requests, row 20, column created_at");
    let n: i64 = client.query_one("SELECT count(*) FROM branches", &[]).unwrap().get(0);
    assert_eq!(n, 0, "nothing was copied");
    // A dangling reference SQLite let through (foreign keys off): named, and nothing is copied.
    let src = rusqlite::Connection::open(w.db()).unwrap();
    src.execute("UPDATE requests SET created_at = '2026-01-01T00:00:00Z' WHERE created_at = 'вчера'", []).unwrap();
    src.execute_batch(
        "PRAGMA foreign_keys = OFF; UPDATE request_items SET request_id = 999999 WHERE id = (SELECT min(id) FROM request_items)",
    )
    .unwrap();
    one_line(
        &w.cmd().args(["migrate", "--to", &pg.url]).output().unwrap(),
        "the source breaks a rule of the schema: insert or update on table \"request_items\" violates foreign key constraint",
    );
    one_line(&w.cmd().args(["migrate", "--to", &pg.url]).output().unwrap(), "(request_id)=(999999) is not present");
    let n: i64 = client.query_one("SELECT count(*) FROM branches", &[]).unwrap().get(0);
    assert_eq!(n, 0, "nothing was copied");
}

#[test]
fn killed_halfway_the_target_is_unchanged_and_the_next_run_succeeds() {
    let Some(pg) = PgDb::create("killed_halfway_the_target_is_unchanged_and_the_next_run_succeeds") else { return };
    let w = source(60_000);
    let mut child = w
        .process()
        .args(["migrate", "--to", &pg.url])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the requests table is being copied, then kill the process.
    let mut watch = postgres::Client::connect(&pg.url, postgres::NoTls).unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let copying: i64 = watch
            .query_one(
                "SELECT count(*) FROM pg_stat_progress_copy WHERE relid = 'requests'::regclass AND tuples_processed > 1000",
                &[],
            )
            .map(|r| r.get(0))
            .unwrap_or(0);
        if copying > 0 {
            break;
        }
        assert!(child.try_wait().unwrap().is_none(), "migrate ended before it could be killed");
        assert!(Instant::now() < deadline, "the copy of requests never started");
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    // The server notices the dropped connection and rolls back.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let open: i64 = watch
            .query_one(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
                &[],
            )
            .unwrap()
            .get(0);
        if open == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "the killed session stayed");
        std::thread::sleep(Duration::from_millis(50));
    }
    for table in tables(&mut watch) {
        let n: i64 = watch.query_one(&format!("SELECT count(*) FROM {table}"), &[]).unwrap().get(0);
        assert_eq!(n, 0, "{table} is unchanged");
    }
    w.cmd().args(["migrate", "--to", &pg.url]).assert().success().stdout(contains("every table verified"));
    let n: i64 = watch.query_one("SELECT count(*) FROM requests", &[]).unwrap().get(0);
    assert_eq!(n, 60_000);
}

#[test]
fn the_source_may_be_written_meanwhile_and_the_copy_is_one_snapshot() {
    let Some(pg) = PgDb::create("the_source_may_be_written_meanwhile_and_the_copy_is_one_snapshot") else { return };
    let w = source(20_000);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (path, stop) = (w.db(), stop.clone());
        std::thread::spawn(move || {
            let (app, _) = support::app_at(&path, helpdesk::config::Settings::defaults());
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                let options = helpdesk::services::demo::DemoOptions {
                    requests: 5,
                    months: 1,
                    seed: 1000 + n,
                    ..Default::default()
                };
                helpdesk::services::demo::generate(
                    &app,
                    &helpdesk::services::Actor::Operator("writer".into()),
                    options,
                    &helpdesk::services::NoProgress,
                )
                .unwrap();
                n += 1;
            }
            n
        })
    };
    std::thread::sleep(Duration::from_millis(300));
    w.cmd().args(["migrate", "--to", &pg.url]).assert().success().stdout(contains("every table verified"));
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let written = writer.join().unwrap();
    assert!(written > 0);
    // One snapshot: every copied request has its items, nothing half-written.
    let mut client = postgres::Client::connect(&pg.url, postgres::NoTls).unwrap();
    let orphans: i64 = client
        .query_one(
            "SELECT count(*) FROM requests r WHERE r.kind = 'cartridge' AND NOT EXISTS (SELECT 1 FROM request_items i WHERE i.request_id = r.id)",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(orphans, 0);
}
