//! Pulling balances from 1C's standard OData interface: the real binary
//! (`helpdesk import-1c --odata`) and the `onec-pull` job of `serve`'s
//! scheduler against a small fake of 1C's OData started here, which checks
//! Basic auth, serves a register and catalogs under names that are not the
//! defaults (so the settings are what is used), pages by `$top`/`$skip` (and
//! by `odata.nextLink` for one catalog), and logs what it was asked.

mod support;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use predicates::prelude::*;
use predicates::str::contains;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use support::{Workdir, change, import_changes, qty};

const BASE: &str = "/trade/odata/standard.odata/";
const USER: &str = "helpdesk";
const PASSWORD: &str = "Пароль-1C s3cret";
const REGISTER: &str = "AccumulationRegister_ОстаткиКартриджей";
const ITEMS: &str = "Catalog_Картриджи";
const WAREHOUSES: &str = "Catalog_МестаХранения";

const CF283A: &str = "b7e0a1c2-2c31-11ee-be56-0242ac120002";
const HP85A: &str = "aaaa0001-0000-0000-0000-000000000001";
const PAPER: &str = "aaaa0002-0000-0000-0000-000000000002";
const CENTRAL: &str = "9f1c2a5e-1b7d-11ee-8c90-0242ac120002";
const LVIV: &str = "9f1c2eaa-1b7d-11ee-8c90-0242ac120002";
const ODESA: &str = "bbbb0001-0000-0000-0000-000000000001";
const ZAPORIZHZHIA: &str = "bbbb0002-0000-0000-0000-000000000002";

/// What the fake serves and what it was asked.
struct Data {
    /// Lists by their path under [`BASE`] (decoded), each with the fields it has.
    lists: HashMap<String, (Vec<&'static str>, Vec<Value>)>,
    /// Lists served a page at a time by `odata.nextLink` (whatever `$top` says).
    next_link: Option<(String, usize)>,
    /// Requests, decoded: `GET Catalog_Картриджи?$format=json&...`.
    log: Vec<String>,
}

#[derive(Clone)]
struct Fake(Arc<Mutex<Data>>);

impl Fake {
    fn start() -> (Fake, String) {
        let mut lists = HashMap::new();
        lists.insert(
            ITEMS.to_string(),
            (
                vec!["Ref_Key", "Description", "КаталожныйНомер", "DeletionMark"],
                vec![
                    json!({"Ref_Key": CF283A, "Description": "Картридж HP 83A", "КаталожныйНомер": "CF283A", "DeletionMark": false}),
                    json!({"Ref_Key": HP85A, "Description": "Картридж HP 85A", "КаталожныйНомер": "CE285A", "DeletionMark": false}),
                    json!({"Ref_Key": PAPER, "Description": "Бумага А4", "КаталожныйНомер": "SVC-A4", "DeletionMark": false}),
                ],
            ),
        );
        lists.insert(
            WAREHOUSES.to_string(),
            (
                vec!["Ref_Key", "Description"],
                vec![
                    json!({"Ref_Key": CENTRAL, "Description": "Центральный склад"}),
                    json!({"Ref_Key": LVIV, "Description": "Склад Львов"}),
                    // Known here by name only.
                    json!({"Ref_Key": ODESA, "Description": "Склад Одесса"}),
                    json!({"Ref_Key": ZAPORIZHZHIA, "Description": "Склад Запорожье"}),
                ],
            ),
        );
        lists.insert(
            format!("{REGISTER}/Balance"),
            (
                vec!["Картридж_Key", "МестоХранения_Key", "КоличествоBalance", "СуммаBalance"],
                vec![
                    balance(CF283A, CENTRAL, json!(38)),
                    balance(CF283A, LVIV, json!(7.0)),
                    balance(HP85A, CENTRAL, json!(30)),
                    balance(PAPER, CENTRAL, json!(100)),
                    balance(CF283A, ZAPORIZHZHIA, json!(3)),
                ],
            ),
        );
        let fake =
            Fake(Arc::new(Mutex::new(Data { lists, next_link: Some((WAREHOUSES.to_string(), 3)), log: Vec::new() })));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let state = fake.clone();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                let app = Router::new().fallback(serve).with_state(state);
                ready_tx.send(()).unwrap();
                axum::serve(listener, app).await.unwrap();
            });
        });
        ready_rx.recv().unwrap();
        (fake, format!("http://{addr}{BASE}"))
    }

    fn data(&self) -> std::sync::MutexGuard<'_, Data> {
        self.0.lock().unwrap()
    }

    fn log(&self) -> Vec<String> {
        std::mem::take(&mut self.data().log)
    }

    fn set_balances(&self, rows: Vec<Value>) {
        self.data().lists.get_mut(&format!("{REGISTER}/Balance")).unwrap().1 = rows;
    }

    fn balances(&self) -> Vec<Value> {
        self.data().lists[&format!("{REGISTER}/Balance")].1.clone()
    }
}

fn balance(item: &str, warehouse: &str, quantity: Value) -> Value {
    json!({"Картридж_Key": item, "МестоХранения_Key": warehouse, "КоличествоBalance": quantity, "СуммаBalance": 1234.5})
}

fn odata_error(status: StatusCode, message: &str) -> Response {
    let body = json!({"odata.error": {"code": "-1", "message": {"lang": "ru", "value": message}}});
    (status, [("content-type", "application/json")], body.to_string()).into_response()
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

async fn serve(State(fake): State<Fake>, headers: HeaderMap, request: Request) -> Response {
    let path = decode(request.uri().path());
    let query: BTreeMap<String, String> = url::form_urlencoded::parse(request.uri().query().unwrap_or("").as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let mut data = fake.data();
    data.log.push(format!("GET {path}?{}", decode(request.uri().query().unwrap_or(""))));
    let expected = base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"));
    if headers.get("authorization").and_then(|h| h.to_str().ok()) != Some(&format!("Basic {expected}")) {
        return (StatusCode::UNAUTHORIZED, [("www-authenticate", "Basic realm=\"1C\"")], Body::empty()).into_response();
    }
    let Some(name) = path.strip_prefix(BASE) else { return StatusCode::NOT_FOUND.into_response() };
    let Some((fields, rows)) = data.lists.get(name).cloned() else {
        return odata_error(StatusCode::NOT_FOUND, &format!("Не найден сегмент URL: {name}"));
    };
    if query.get("$format").map(String::as_str) != Some("json") {
        return odata_error(StatusCode::BAD_REQUEST, "this fake speaks JSON only");
    }
    let select: Vec<&str> = query.get("$select").map(|s| s.split(',').collect()).unwrap_or_default();
    if let Some(unknown) = select.iter().find(|f| !fields.contains(f)) {
        return odata_error(StatusCode::BAD_REQUEST, &format!("Неизвестное поле: {unknown}"));
    }
    let project = |row: &Value| -> Value {
        let obj = row.as_object().unwrap();
        Value::Object(select.iter().filter_map(|f| Some((f.to_string(), obj.get(*f)?.clone()))).collect())
    };
    let mut body = json!({"odata.metadata": format!("{BASE}$metadata#{name}")});
    if let Some((list, page)) = &data.next_link
        && list == name
    {
        let from: usize = query.get("$skiptoken").map_or(0, |s| s.parse().unwrap());
        let to = (from + page).min(rows.len());
        body["value"] = rows[from..to].iter().map(project).collect();
        if to < rows.len() {
            body["odata.nextLink"] = json!(format!("{name}?$format=json&$select={}&$skiptoken={to}", query["$select"]));
        }
    } else {
        let skip: usize = query.get("$skip").map_or(0, |s| s.parse().unwrap());
        let top: usize = query.get("$top").map_or(usize::MAX, |s| s.parse().unwrap());
        body["value"] = rows.iter().skip(skip).take(top).map(project).collect();
    }
    (StatusCode::OK, [("content-type", "application/json;charset=utf-8")], body.to_string()).into_response()
}

/// The settings naming the fake's register, catalogs and fields; pages of 2.
fn settings_env(url: &str) -> Vec<(&'static str, String)> {
    vec![
        ("HELPDESK_ONEC_ODATA_URL", url.to_string()),
        ("HELPDESK_ONEC_ODATA_USER", USER.into()),
        ("HELPDESK_ONEC_ODATA_PASSWORD", PASSWORD.into()),
        ("HELPDESK_ONEC_ODATA_REGISTER", REGISTER.into()),
        ("HELPDESK_ONEC_ODATA_ITEM_FIELD", "Картридж_Key".into()),
        ("HELPDESK_ONEC_ODATA_WAREHOUSE_FIELD", "МестоХранения_Key".into()),
        ("HELPDESK_ONEC_ODATA_QUANTITY_FIELD", "КоличествоBalance".into()),
        ("HELPDESK_ONEC_ODATA_ITEMS", ITEMS.into()),
        ("HELPDESK_ONEC_ODATA_ARTICLE_FIELD", "КаталожныйНомер".into()),
        ("HELPDESK_ONEC_ODATA_WAREHOUSES", WAREHOUSES.into()),
        ("HELPDESK_ONEC_ODATA_PAGE_SIZE", "2".into()),
    ]
}

/// `helpdesk import-1c --odata` with the settings, and `changes` overriding some.
fn pull(w: &Workdir, url: &str, changes: &[(&str, &str)], args: &[&str]) -> assert_cmd::assert::Assert {
    let mut cmd = w.cmd();
    cmd.args(["import-1c", "--odata"]).args(args);
    for (k, v) in settings_env(url) {
        cmd.env(k, v);
    }
    for (k, v) in changes {
        cmd.env(k, v);
    }
    cmd.assert()
}

/// Stock as `helpdesk stock list --format json` shows it: (article, warehouse) → quantity.
fn stock(w: &Workdir) -> BTreeMap<(String, String), i64> {
    let out = w.cmd().args(["stock", "list", "--format", "json"]).output().unwrap();
    assert!(out.status.success());
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    rows.iter()
        .map(|r| {
            (
                (r["article"].as_str().unwrap().to_string(), r["warehouse"].as_str().unwrap().to_string()),
                r["quantity"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn imports(w: &Workdir) -> (i64, i64) {
    let n = w.ints("SELECT (SELECT count(*) FROM one_c_imports), (SELECT count(*) FROM one_c_snapshot)");
    (n[0], n[1])
}

fn report(assert: &assert_cmd::assert::Assert) -> Value {
    serde_json::from_slice(&assert.get_output().stdout).unwrap()
}

#[test]
fn the_binary_pulls_the_configured_register_and_catalogs_page_by_page() {
    let (fake, url) = Fake::start();
    let w = Workdir::seeded();
    let before = stock(&w);

    // A dry run first: the differences, nothing written.
    pull(&w, &url, &[], &["--dry-run"])
        .success()
        .stdout(contains("odata:").and(contains("OData, 5 balances")))
        .stdout(contains("CF283A").and(contains("40 → 38")))
        .stdout(contains("dry run: nothing was written; 4 stock rows would change"));
    assert_eq!((stock(&w), imports(&w)), (before.clone(), (0, 0)));
    fake.log();

    let done = pull(&w, &url, &[], &["--format", "json"]).success();
    let r = report(&done);
    assert!(done.get_output().stderr.is_empty(), "{}", String::from_utf8_lossy(&done.get_output().stderr));
    assert_eq!(r["files"][0]["file"], format!("odata:{url}"));
    assert_eq!(r["files"][0]["format"], "OData");
    assert_eq!(
        r["files"][0]["detail"],
        format!("5 balances of {REGISTER}/Balance, 3 items of {ITEMS}, 4 warehouses of {WAREHOUSES}")
    );
    assert_eq!((r["rows"].as_i64(), r["matched"].as_i64()), (Some(5), Some(3)));
    assert_eq!((r["unmatched_items"].as_i64(), r["unmatched_warehouses"].as_i64()), (Some(1), Some(1)));
    assert_eq!(r["unmatched_item_list"][0]["name"], "Бумага А4");
    assert_eq!(r["unmatched_item_list"][0]["article"], "SVC-A4");
    assert_eq!(r["unmatched_warehouse_list"][0]["name"], "Склад Запорожье");
    assert_eq!(
        import_changes(&r),
        [
            // 1C's Balance table leaves out what is zero: HP 85A is in its catalog, Odesa too.
            change("CE285A", "Склад Одесса", 3, 0),
            // Matched by the article the catalog gives.
            change("CE285A", "Центральный склад", 35, 30),
            change("CF283A", "Склад Львов", 5, 7),
            change("CF283A", "Центральный склад", 40, 38),
        ]
    );
    let after = stock(&w);
    assert_eq!(qty(&after, "CF283A", "Центральный склад"), Some(38));
    assert_eq!(qty(&after, "CF283A", "Склад Львов"), Some(7));
    assert_eq!(qty(&after, "CE285A", "Центральный склад"), Some(30));
    assert_eq!(qty(&after, "CE285A", "Склад Одесса"), Some(0));
    // A warehouse 1C does not list keeps its stock.
    assert_eq!(qty(&after, "CF283A", "Склад головного офиса"), qty(&before, "CF283A", "Склад головного офиса"));
    assert_eq!(before.iter().filter(|(k, v)| after.get(*k) != Some(*v)).count(), 4);
    assert_eq!(imports(&w), (1, 5));
    // The snapshot is named by the address, with no credentials.
    let sources = w.rows("SELECT DISTINCT source FROM one_c_snapshot");
    assert_eq!(sources, [vec![support::Value::Text(format!("odata:{url}"))]]);

    // What was asked: the names given, $select, pages of 2 by $skip, and by nextLink for the warehouses.
    let log = fake.log();
    let items = format!("GET {BASE}{ITEMS}?$format=json&$select=Ref_Key,Description,КаталожныйНомер&$top=2");
    let register = format!(
        "GET {BASE}{REGISTER}/Balance?$format=json&$select=Картридж_Key,МестоХранения_Key,КоличествоBalance&$top=2"
    );
    let warehouses = format!("GET {BASE}{WAREHOUSES}?$format=json&$select=Ref_Key,Description");
    assert_eq!(
        log,
        [
            items.clone(),
            format!("{items}&$skip=2"),
            format!("{warehouses}&$top=2"),
            format!("{warehouses}&$skiptoken=3"),
            register.clone(),
            format!("{register}&$skip=2"),
            format!("{register}&$skip=4"),
        ]
    );

    // Audited as who ran it, and recorded as the onec-pull job.
    let id = r["import_id"].as_i64().unwrap();
    let logs = w.store().read().unwrap().logs("one_c_import", &id.to_string()).unwrap();
    assert_eq!((logs[0].action.as_str(), logs[0].actor.as_str()), ("stock.import_1c", "cli:tester"));
    let plan: Vec<Value> =
        serde_json::from_slice(&w.cmd().args(["schedule", "--format", "json"]).output().unwrap().stdout).unwrap();
    let job = plan.iter().find(|j| j["job"] == "onec-pull").unwrap();
    assert_eq!(job["schedule"], "off");
    assert_eq!(job["same_as"], "helpdesk import-1c --odata");
    assert_eq!(job["last_result"], "ok: imported as #1: 5 rows, 3 matched, 4 stock rows changed");

    // The same balances again, listed in another order, are a repeat: nothing changes.
    let mut rows = fake.balances();
    rows.reverse();
    fake.set_balances(rows);
    pull(&w, &url, &[], &[])
        .success()
        .stdout(contains(format!("odata:{url}: already imported on")).and(contains("nothing changed")));
    assert_eq!((stock(&w), imports(&w)), (after.clone(), (1, 5)));

    // A balance that moved in 1C is a new import.
    let mut rows = fake.balances();
    let first = rows[0].clone();
    rows[0] = balance(CF283A, ZAPORIZHZHIA, json!(4));
    fake.set_balances(rows);
    pull(&w, &url, &[], &[]).success().stdout(contains("imported as #2: 5 balances kept in the snapshot"));
    assert_eq!(imports(&w), (2, 10));

    // Issued and restocked in 1C: 38 at the central warehouse, then 37, then 38 again. The
    // third pull is not the latest's content: an import again, and stock follows 1C back.
    let at_central = |rows: &mut Vec<Value>, n: i64| {
        let i = rows.iter().position(|r| r["Картридж_Key"] == CF283A && r["МестоХранения_Key"] == CENTRAL).unwrap();
        rows[i] = balance(CF283A, CENTRAL, json!(n));
    };
    let mut rows = fake.balances();
    rows[0] = first.clone();
    at_central(&mut rows, 37);
    fake.set_balances(rows.clone());
    pull(&w, &url, &[], &[]).success().stdout(contains("imported as #3"));
    assert_eq!(qty(&stock(&w), "CF283A", "Центральный склад"), Some(37));
    at_central(&mut rows, 38);
    fake.set_balances(rows);
    pull(&w, &url, &[], &[]).success().stdout(contains("imported as #4"));
    assert_eq!(stock(&w), after);

    // Each pull is on record with the exchanges, newest first.
    let out = w.cmd().args(["import-1c", "history", "--format", "json"]).output().unwrap();
    let steps: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let seen: Vec<(&str, &str, &str)> = steps
        .iter()
        .map(|s| (s["kind"].as_str().unwrap(), s["step"].as_str().unwrap(), s["result"].as_str().unwrap()))
        .collect();
    assert_eq!(seen, [("odata", "pull", "success"); 5], "{steps:?}");
    assert!(steps[3]["detail"].as_str().unwrap().contains("nothing changed"), "{steps:?}");
    assert_eq!(steps[0]["from"], format!("odata:{url}"));
}

#[test]
fn failures_are_one_line_and_change_nothing() {
    let (fake, url) = Fake::start();
    let w = Workdir::seeded();
    let before = stock(&w);
    let one_line = |a: assert_cmd::assert::Assert, needle: &str| {
        let out = a.code(1).get_output().clone();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.starts_with("error: "), "{stderr}");
        assert!(stderr.contains(needle), "expected {needle:?} in:\n{stderr}");
        assert!(!stderr.contains("s3cret") && !stderr.contains("panicked"), "{stderr}");
        assert!(out.stdout.is_empty());
        stderr
    };

    one_line(
        pull(&w, &url, &[("HELPDESK_ONEC_ODATA_PASSWORD", "wrong")], &[]),
        &format!(
            "1C at {url} refused user helpdesk (HTTP 401) reading {ITEMS}: check HELPDESK_ONEC_ODATA_USER and HELPDESK_ONEC_ODATA_PASSWORD"
        ),
    );
    one_line(
        pull(&w, &url, &[("HELPDESK_ONEC_ODATA_REGISTER", "AccumulationRegister_ТоварыНаСкладах")], &[]),
        &format!(
            "1C publishes no AccumulationRegister_ТоварыНаСкладах over OData at {url}: publish it in the configurator \
             (Administration → Publish to web server → OData, or the data processor \"Set up standard OData interface\"), \
             or set HELPDESK_ONEC_ODATA_REGISTER to a name listed in {url}$metadata"
        ),
    );
    one_line(
        pull(&w, &url, &[("HELPDESK_ONEC_ODATA_QUANTITY_FIELD", "ВНаличииBalance")], &[]),
        &format!(
            "1C's {REGISTER}/Balance has no field ВНаличииBalance (1C says: Неизвестное поле: ВНаличииBalance); \
             set HELPDESK_ONEC_ODATA_QUANTITY_FIELD to one listed for it in {url}$metadata"
        ),
    );
    one_line(
        pull(&w, &url, &[("HELPDESK_ONEC_ODATA_ITEMS", "Catalog_Номенклатура")], &[]),
        "set HELPDESK_ONEC_ODATA_ITEMS to a name listed in",
    );
    // Nobody listening.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}{BASE}", l.local_addr().unwrap())
    };
    one_line(pull(&w, &url, &[("HELPDESK_ONEC_ODATA_URL", &closed)], &[]), &format!("cannot reach 1C at {closed}: "));
    // The password configured for 1C is never sent to another server named on the command line.
    one_line(
        pull(&w, &url, &[], &[&closed]),
        &format!(
            "HELPDESK_ONEC_ODATA_PASSWORD is for {}, not {}",
            url.trim_end_matches(BASE),
            closed.trim_end_matches(BASE)
        ),
    );
    // Not 1C's standard OData address.
    one_line(
        pull(&w, &url, &[("HELPDESK_ONEC_ODATA_URL", &format!("{url}nowhere/"))], &[]),
        "check HELPDESK_ONEC_ODATA_URL",
    );

    // Quantities are read as from files: a word, a fraction, a negative number are refused.
    let good = fake.balances();
    for (quantity, needle) in [
        (json!("пять"), "quantity 'пять' is not a number"),
        (json!(2.5), "quantity '2.5' is not a whole number; cartridges are counted in whole units"),
        (json!(-2), "quantity '-2' is negative; stock cannot be below zero (correct the balance in 1C)"),
    ] {
        let mut rows = good.clone();
        rows[3]["КоличествоBalance"] = quantity;
        fake.set_balances(rows);
        one_line(pull(&w, &url, &[], &[]), &format!("error: odata:{url}: {REGISTER}/Balance, row 4: {needle}"));
    }
    // An empty register is refused: it would set every balance to zero.
    fake.set_balances(vec![]);
    one_line(pull(&w, &url, &[], &[]), &format!("found no balances in odata:{url}: 1C's {REGISTER}/Balance is empty"));

    // Files and --odata together: a usage error.
    w.cmd()
        .args(["import-1c", "offers.xml", "--odata"])
        .assert()
        .code(2)
        .stderr(contains("cannot be used with '--odata [<URL>]'"));
    // No address anywhere.
    w.cmd().args(["import-1c", "--odata"]).assert().code(1).stderr(contains("set HELPDESK_ONEC_ODATA_URL"));

    assert_eq!((stock(&w), imports(&w)), (before, (0, 0)));
    // The failed runs are recorded as the job's, with their reason.
    let plan: Vec<Value> =
        serde_json::from_slice(&w.cmd().args(["schedule", "--format", "json"]).output().unwrap().stdout).unwrap();
    let job = plan.iter().find(|j| j["job"] == "onec-pull").unwrap();
    assert!(job["last_result"].as_str().unwrap().starts_with("failed: no address of 1C's OData"), "{job}");
}

#[test]
fn the_scheduled_job_runs_the_same_pull_as_the_system() {
    let (_fake, url) = Fake::start();
    let mut layers = helpdesk::config::Layers::default();
    for (k, v) in settings_env(&url) {
        layers.env.insert(k.to_string(), v);
    }
    layers.env.insert("HELPDESK_SCHEDULE_ONEC_PULL".into(), "*/30 * * * *".into());
    let settings = helpdesk::config::Loaded::from_layers(&layers).unwrap().settings;
    let db = support::TestDb::with_settings(settings);
    use helpdesk::scheduler::{Senders, run_job};
    use helpdesk::services::jobs::Job;
    let plan = helpdesk::services::jobs::plan(&db.app).unwrap();
    let planned = plan.iter().find(|p| p.job == Job::OnecPull).unwrap();
    assert_eq!(planned.schedule.as_deref(), Some("*/30 * * * *"));
    assert!(planned.next_run.is_some());

    let slot = support::t0();
    let line = run_job(&db.app, Job::OnecPull, slot, &Senders::default()).unwrap();
    assert_eq!(line, "imported as #1: 5 rows, 3 matched, 4 stock rows changed");
    let levels = support::stock_levels(&db.app);
    assert_eq!(levels[&("CF283A".to_string(), "Центральный склад".to_string())], 38);
    let logs = db.store.read().unwrap().logs("one_c_import", "1").unwrap();
    assert_eq!(logs[0].actor, "system:1c-odata");
    let run = db.store.read().unwrap().last_job_run("onec-pull").unwrap().unwrap();
    assert_eq!((run.ok, run.message.as_deref()), (Some(true), Some(line.as_str())));

    // The next run finds nothing new.
    db.clock.advance(chrono::Duration::minutes(30));
    let line = run_job(&db.app, Job::OnecPull, slot + chrono::Duration::minutes(30), &Senders::default()).unwrap();
    assert_eq!(line, "already imported as #1; nothing changed");
    assert_eq!(support::stock_levels(&db.app), levels);
}
