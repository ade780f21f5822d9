//! 1C's exchange with a site, all but the HTTP: what each exchange did
//! (recorded for `helpdesk import-1c history` and the stock page), the
//! cartridge orders issued here as CommerceML documents for 1C (`type=sale`)
//! and their confirmation, the order states 1C sends back, and the safe
//! handling of what 1C uploads (paths kept inside the exchange's directory,
//! zip archives unpacked under a cap).
//!
//! Not here: the protocol's sessions, cookies and answers ([`crate::web::onec`])
//! and the import of balances itself ([`super::import_1c`]).

use super::import_1c::{self, ImportOptions, ImportReport, commerceml};
use super::{Actor, App, AuditEvent, Error, NoProgress, Result, audit, principal};
use crate::domain::audit::AuditAction;
use crate::domain::permissions::authorize;
use crate::domain::{Permission, RequestNumber};
use crate::store::{OneCExchange, SaleLine};
use chrono::{DateTime, Utc};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};

/// The kinds of exchange recorded.
pub const CATALOG: &str = "catalog";
pub const SALE: &str = "sale";
pub const ODATA: &str = "odata";

/// Cartridge issues sent to 1C in one `type=sale` query at most; the rest go
/// in the next exchange, after 1C confirms these.
pub const SALE_LINES_PER_QUERY: u32 = 5_000;

/// Entries one zip archive from 1C may hold at most.
const ZIP_ENTRIES_MAX: usize = 100_000;

/// A step to record; see [`record`].
#[derive(Debug, Clone, Default)]
pub struct Step {
    pub kind: &'static str,
    pub step: &'static str,
    pub session: Option<String>,
    pub peer: Option<String>,
    pub files: Vec<String>,
    pub ok: bool,
    pub detail: String,
    pub import_id: Option<i64>,
    pub stock_changed: u64,
}

impl Step {
    pub fn new(kind: &'static str, step: &'static str) -> Step {
        Step { kind, step, ..Default::default() }
    }

    fn row(&self, at: DateTime<Utc>) -> OneCExchange {
        OneCExchange {
            id: 0,
            at,
            kind: self.kind.to_string(),
            step: self.step.to_string(),
            session: self.session.clone(),
            peer: self.peer.clone(),
            files: self.files.join(", "),
            ok: self.ok,
            detail: self.detail.clone(),
            import_id: self.import_id,
            stock_changed: i64::try_from(self.stock_changed).unwrap_or(i64::MAX),
        }
    }
}

/// Records what a step of an exchange did, in a transaction of its own.
pub fn record(app: &App, step: &Step) -> Result<i64> {
    let mut tx = app.store.write()?;
    let id = tx.insert_one_c_exchange(&step.row(app.now()))?;
    tx.commit()?;
    Ok(id)
}

/// Records a step, logging rather than failing when it cannot: the record
/// must not turn an exchange that worked into one 1C repeats.
pub fn record_quietly(app: &App, step: &Step) {
    if let Err(e) = record(app, step) {
        tracing::error!(error = %e, step = step.step, "cannot record a step of the exchange with 1C");
    }
}

/// The newest steps of exchanges with 1C, newest first (administrators).
pub fn history(app: &App, actor: &Actor, limit: u32) -> Result<Vec<OneCExchange>> {
    let mut tx = app.store.read()?;
    authorize(&principal(&mut *tx, &app.settings, actor)?, Permission::ManageDirectory, None)?;
    Ok(tx.one_c_exchanges(limit)?)
}

/// `1 order`, `2 orders`: the record's lines are English, like the command line's.
fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// One line on what an import did, for the record and the logs.
pub fn describe_import(report: &ImportReport) -> String {
    if let Some(earlier) = &report.already_imported {
        return format!(
            "the same balances as import #{} of {}: nothing changed",
            earlier.id,
            earlier.imported_at.format("%Y-%m-%d %H:%M UTC")
        );
    }
    if report.matched == 0 {
        // Nothing to apply: say why, first.
        let mut why = Vec::new();
        if report.unmatched_items > 0 {
            why.push(format!("{} unknown", count(report.unmatched_items, "item", "items")));
        }
        if report.unmatched_warehouses > 0 {
            why.push(format!("{} unknown", count(report.unmatched_warehouses, "warehouse", "warehouses")));
        }
        if report.without_warehouse > 0 {
            why.push(format!(
                "{} without a warehouse, not applied (set ONEC_DEFAULT_WAREHOUSE)",
                count(report.without_warehouse, "balance", "balances")
            ));
        }
        return format!("{}: nothing matched: {}", count(report.rows, "balance", "balances"), why.join(", "));
    }
    let mut s = format!(
        "{}, {} matched, {} changed",
        count(report.rows, "balance", "balances"),
        report.matched,
        count(report.stock_changed, "stock row", "stock rows")
    );
    if report.unmatched_items > 0 {
        s.push_str(&format!(", {} no cartridge type", count(report.unmatched_items, "item matches", "items match")));
    }
    if report.unmatched_warehouses > 0 {
        s.push_str(&format!(
            ", {} none here",
            count(report.unmatched_warehouses, "warehouse matches", "warehouses match")
        ));
    }
    if report.without_warehouse > 0 {
        s.push_str(&format!(
            ", {} without a warehouse, not applied (set ONEC_DEFAULT_WAREHOUSE)",
            count(report.without_warehouse, "balance", "balances")
        ));
    }
    if let (n @ 1.., Some(w)) = (report.to_default_warehouse, &report.default_warehouse) {
        s.push_str(&format!(", {} put at {w} (the default warehouse)", count(n, "total", "totals")));
    }
    s
}

/// A step of an import, as recorded.
pub fn import_step(kind: &'static str, result: &Result<ImportReport>) -> Step {
    let mut step = Step::new(kind, if kind == ODATA { "pull" } else { "import" });
    match result {
        Ok(r) => {
            step.ok = true;
            step.files = r.files.iter().map(|f| f.file.clone()).collect();
            step.detail = describe_import(r);
            step.import_id = r.import_id.or(r.already_imported.as_ref().map(|i| i.id));
            step.stock_changed = r.stock_changed;
        }
        Err(e) => {
            step.detail = e.to_string();
        }
    }
    step
}

// ---------------------------------------------------------------- files

/// A file name 1C gives, as a path inside the exchange's directory: subfolders
/// are allowed; `..`, `.`, absolute paths and drive letters are not.
pub fn inside(dir: &Path, filename: &str) -> Option<PathBuf> {
    if filename.is_empty() || filename.contains('\0') || filename.starts_with(['/', '\\']) {
        return None;
    }
    let mut path = dir.to_path_buf();
    for part in filename.split(['/', '\\']) {
        if part.is_empty() || part == "." || part == ".." || part.contains(':') {
            return None;
        }
        path.push(part);
    }
    Some(path)
}

/// Files unpacked from 1C's archives, and their bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Unpacked {
    pub files: Vec<String>,
    pub bytes: u64,
}

/// Unpacks every zip archive at the top of `dir` into `dir` and deletes it,
/// writing `room` bytes at most in all (what is actually inflated is counted,
/// not what the archive claims: a zip bomb stops at the cap; the caller
/// counts the bytes against the upload). Entry names are held to [`inside`];
/// an archive inside the archive is refused (1C never nests them). On a
/// refusal what was unpacked is left for the exchange's directory to be
/// dropped with it.
pub fn unpack_zips(dir: &Path, room: u64) -> Result<Unpacked> {
    let cannot = |e: std::io::Error| Error::Internal(format!("cannot unpack 1C's archive: {e}"));
    let mut zips: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(cannot)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x.eq_ignore_ascii_case("zip")))
        .collect();
    zips.sort();
    let mut left = room;
    let mut unpacked = Unpacked::default();
    for zip_path in zips {
        let shown = zip_path.file_name().and_then(|n| n.to_str()).unwrap_or("the archive").to_string();
        let file = std::fs::File::open(&zip_path).map_err(cannot)?;
        let mut archive = zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(|e| {
            Error::Invalid(format!("{shown} is not a zip archive 1C could have written ({e}); send it again"))
        })?;
        if archive.len() > ZIP_ENTRIES_MAX {
            return Err(Error::Invalid(format!("{shown} holds over {ZIP_ENTRIES_MAX} files")));
        }
        for i in 0..archive.len() {
            let mut entry =
                archive.by_index(i).map_err(|e| Error::Invalid(format!("{shown} is damaged ({e}); send it again")))?;
            let name = entry
                .name()
                .map_err(|e| Error::Invalid(format!("{shown} names a file in no encoding 1C writes ({e})")))?
                .to_string();
            if entry.is_dir() {
                continue;
            }
            if name.to_ascii_lowercase().ends_with(".zip") {
                return Err(Error::Invalid(format!(
                    "{shown} holds another archive, '{name}'; send the files unzipped"
                )));
            }
            let Some(target) = inside(dir, &name) else {
                return Err(Error::Invalid(format!(
                    "{shown} holds '{name}', a path outside the upload; nothing was imported"
                )));
            };
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).map_err(cannot)?;
            }
            let mut out = std::fs::File::create(&target).map_err(cannot)?;
            // One byte past what is left tells a file over the cap from one that fills it.
            let copied = std::io::copy(&mut (&mut entry).take(left + 1), &mut out)
                .map_err(|e| Error::Invalid(format!("{shown} is damaged ({e}); send it again")))?;
            if copied > left {
                return Err(Error::Invalid(format!(
                    "{shown} unpacks to over {room} bytes, more than the upload may hold (HELPDESK_ONEC_UPLOAD_MAX); nothing was imported"
                )));
            }
            left -= copied;
            unpacked.bytes += copied;
            unpacked.files.push(name);
        }
        std::fs::remove_file(&zip_path).map_err(cannot)?;
    }
    Ok(unpacked)
}

/// A fresh directory for an exchange's upload, private to this process's
/// user: made exclusively, under a random name (never one a cookie gives away).
pub fn new_upload_dir() -> std::io::Result<PathBuf> {
    Ok(tempfile::Builder::new().prefix("helpdesk-1c-").tempdir()?.keep())
}

/// What a file 1C sends is, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sent {
    /// The catalog (`import.xml`, `import0_1.xml`): kept for the balances that follow.
    Catalog,
    /// Prices (`prices.xml`): nothing for a help desk.
    Prices,
    /// Offers or rests: balances.
    Balances,
}

fn sent(path: &Path) -> Sent {
    let base = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_ascii_lowercase();
    if base.starts_with("import") {
        Sent::Catalog
    } else if base.starts_with("prices") {
        Sent::Prices
    } else {
        Sent::Balances
    }
}

/// `type=catalog&mode=import` of `name` in the exchange's directory `dir`, as
/// the exchange's `actor`: unpacks archives first (when `zip=yes` was asked,
/// within `room` bytes), then imports the balances with the catalog files
/// beside them with the `import-1c` service (files named as 1C named them),
/// and records the step. Returns the bytes unpacked, or the reason to give 1C.
pub fn import_upload(
    app: &App,
    actor: &Actor,
    dir: &Path,
    name: &str,
    zip: bool,
    room: u64,
    mut step: Step,
) -> std::result::Result<u64, String> {
    let refuse = |mut step: Step, reason: String| {
        step.detail = reason.clone();
        record_quietly(app, &step);
        Err(reason)
    };
    step.files = vec![name.to_string()];
    let mut unpacked = 0;
    if zip {
        match unpack_zips(dir, room) {
            Ok(u) => {
                if !u.files.is_empty() {
                    tracing::info!(files = u.files.len(), bytes = u.bytes, "1C exchange: unpacked");
                }
                unpacked = u.bytes;
            }
            Err(e) => return refuse(step, e.to_string()),
        }
    }
    let Some(path) = inside(dir, name).filter(|p| p.is_file()) else {
        return refuse(step, format!("{name} was not uploaded in this exchange"));
    };
    // Every file leaves a record of what it did, even when that is nothing.
    let noted = |mut step: Step, ok: bool, detail: String| {
        step.ok = ok;
        step.detail = detail;
        record_quietly(app, &step);
    };
    match sent(&path) {
        Sent::Catalog => {
            let result = import_1c::keep_catalog(app, actor, std::slice::from_ref(&path), Some(dir));
            let catalog = Step { step: "catalog", ..step.clone() };
            return match result {
                Ok(k) => {
                    tracing::info!(file = name, items = k.items, "1C exchange: catalog kept");
                    noted(
                        catalog,
                        true,
                        format!(
                            "catalog kept for the balances that follow: {} ({} cartridge types here), {}",
                            count(k.items, "item", "items"),
                            k.cartridge_types,
                            count(k.warehouses, "warehouse", "warehouses")
                        ),
                    );
                    Ok(unpacked)
                }
                Err(e) => {
                    noted(catalog, false, e.to_string());
                    Err(e.to_string())
                }
            };
        }
        Sent::Prices => {
            noted(step, true, format!("{name} holds prices: nothing to do"));
            return Ok(unpacked);
        }
        Sent::Balances => {}
    }
    // With the catalog files beside it (import.xml, or import0_1.xml and the like).
    let mut files = vec![path.clone()];
    if let Some(Ok(entries)) = path.parent().map(std::fs::read_dir) {
        let mut catalogs: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                let n = p.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_ascii_lowercase();
                n.starts_with("import") && n.ends_with(".xml") && p.is_file()
            })
            .collect();
        catalogs.sort();
        files.splice(0..0, catalogs);
    }
    let options = ImportOptions { shown_from: Some(dir.to_path_buf()), stored_catalog: true, ..Default::default() };
    match import_1c::import(app, actor, &files, &options, &NoProgress) {
        // An offers.xml of CommerceML 2.10 holds prices, not balances: they come in rests.xml.
        Err(Error::Invalid(why)) if why.starts_with(import_1c::NO_BALANCES) => {
            tracing::info!(file = name, "1C exchange: no balances in this file");
            noted(step, true, format!("no balances in {name} (prices only): nothing to do"));
            Ok(unpacked)
        }
        result => {
            let recorded = Step { session: step.session, peer: step.peer, ..import_step(CATALOG, &result) };
            record_quietly(app, &recorded);
            match result {
                Ok(r) => {
                    tracing::info!(
                        file = name,
                        changed = r.stock_changed,
                        repeat = r.already_imported.is_some(),
                        "1C exchange: imported"
                    );
                    Ok(unpacked)
                }
                Err(e) => {
                    tracing::warn!(file = name, error = %e, "1C exchange: import refused");
                    Err(e.to_string())
                }
            }
        }
    }
}

// ---------------------------------------------------------------- type=sale

/// What a `type=sale&mode=query` answers: the issues not yet confirmed, as
/// CommerceML documents.
#[derive(Debug, Clone)]
pub struct SaleQuery {
    pub xml: String,
    pub issue_ids: Vec<i64>,
    pub documents: usize,
}

impl SaleQuery {
    /// What the query sent, for the record.
    pub fn describe(&self) -> String {
        format!(
            "sent {} in {}",
            count(self.issue_ids.len() as u64, "cartridge issue", "cartridge issues"),
            count(self.documents as u64, "document", "documents")
        )
    }
}

/// The cartridges issued here that 1C has not confirmed, as a CommerceML
/// documents file (oldest first, up to [`SALE_LINES_PER_QUERY`] issues).
///
/// The first exchange of orders ever starts the count: what was issued before
/// it is marked as sent without being sent (1C's stock already stands as its
/// balances say; sending years of issues would write them off twice). The
/// step `baseline` records how many.
pub fn sale_query(app: &App, actor: &Actor, step: &Step) -> Result<SaleQuery> {
    let mut tx = app.store.read()?;
    authorize(&principal(&mut *tx, &app.settings, actor)?, Permission::ManageDirectory, None)?;
    if !tx.one_c_step_taken(SALE, "baseline")? {
        drop(tx);
        let mut tx = app.store.write()?;
        if !tx.one_c_step_taken(SALE, "baseline")? {
            let before = tx.unconfirmed_issues(u32::MAX)?.len();
            let baseline = Step {
                step: "baseline",
                ok: true,
                detail: format!(
                    "the first exchange of orders: {} made before it taken as known to 1C, not sent",
                    count(before as u64, "cartridge issue", "cartridge issues")
                ),
                ..step.clone()
            };
            let id = tx.insert_one_c_exchange(&baseline.row(app.now()))?;
            tx.confirm_all_issues(id)?;
            tx.commit()?;
        }
        return sale_query(app, actor, step);
    }
    let lines = tx.unconfirmed_issues(SALE_LINES_PER_QUERY)?;
    drop(tx);
    let (xml, documents) = documents_xml(&lines, app.now(), app.settings.timezone);
    Ok(SaleQuery { xml, issue_ids: lines.iter().map(|l| l.issue_id).collect(), documents })
}

/// 1C confirms it received the issues a query sent (`mode=success`): each is
/// marked, in one transaction with the record of the step and an audit
/// record on each order. Returns how many were newly confirmed.
pub fn sale_confirm(app: &App, actor: &Actor, issue_ids: &[i64], mut step: Step) -> Result<u64> {
    let now = app.now();
    let mut tx = app.store.write()?;
    authorize(&principal(&mut *tx, &app.settings, actor)?, Permission::ManageDirectory, None)?;
    let lines: Vec<SaleLine> = {
        let wanted: BTreeSet<i64> = issue_ids.iter().copied().collect();
        tx.unconfirmed_issues(u32::MAX)?.into_iter().filter(|l| wanted.contains(&l.issue_id)).collect()
    };
    let mut per_request: BTreeMap<i64, i64> = BTreeMap::new();
    for l in &lines {
        *per_request.entry(l.request_id).or_default() += l.quantity;
    }
    step.ok = true;
    step.detail = format!(
        "1C confirmed {} on {}",
        count(lines.len() as u64, "cartridge issue", "cartridge issues"),
        count(per_request.len() as u64, "order", "orders")
    );
    let exchange_id = tx.insert_one_c_exchange(&step.row(now))?;
    let ids: Vec<i64> = lines.iter().map(|l| l.issue_id).collect();
    let confirmed = tx.confirm_issues(&ids, exchange_id)?;
    for (request_id, quantity) in per_request {
        audit(
            &mut *tx,
            now,
            actor,
            AuditEvent::new(AuditAction::RequestOnecSent, "request", RequestNumber(request_id))
                .after(json!({ "exchange": exchange_id, "quantity": quantity })),
        )?;
    }
    tx.commit()?;
    Ok(confirmed)
}

/// What 1C said of the orders it was sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusReport {
    /// Documents about orders of this help desk, recorded on them.
    pub recorded: usize,
    /// Documents about nothing here (1C's own orders, other sites').
    pub ignored: usize,
}

/// Records the order states 1C sends back (`type=sale&mode=file`) on the
/// orders they are about, as audit records (nothing is changed or deleted).
pub fn sale_statuses(app: &App, actor: &Actor, path: &Path, mut step: Step) -> Result<StatusReport> {
    let file = std::fs::File::open(path).map_err(|e| Error::Internal(format!("cannot read 1C's file: {e}")))?;
    let docs = commerceml::parse_documents(std::io::BufReader::new(file))
        .map_err(|e| Error::Invalid(format!("{}: {e}", step.files.join(", "))))?;
    let now = app.now();
    let mut tx = app.store.write()?;
    authorize(&principal(&mut *tx, &app.settings, actor)?, Permission::ManageDirectory, None)?;
    let mut report = StatusReport::default();
    let mut found = Vec::new();
    for d in &docs {
        // Our documents are "HD-000123-<issue>", numbered "HD-000123"; 1C's own are anything else.
        let ours = |s: &str| s.get(..3).is_some_and(|p| p.eq_ignore_ascii_case(RequestNumber::PREFIX));
        let number = Some(d.id.as_str())
            .filter(|id| ours(id))
            .and_then(|id| id.rsplit_once('-'))
            .and_then(|(n, _)| RequestNumber::parse(n).ok());
        let number =
            number.or_else(|| Some(d.number.as_str()).filter(|n| ours(n)).and_then(|n| RequestNumber::parse(n).ok()));
        match number {
            Some(n) if tx.request(n.0)?.is_some() => found.push((n, d)),
            _ => report.ignored += 1,
        }
    }
    step.ok = true;
    step.detail = format!(
        "{} recorded, {} about nothing here",
        count(found.len() as u64, "order state", "order states"),
        count(report.ignored as u64, "document", "documents")
    );
    let exchange_id = tx.insert_one_c_exchange(&step.row(now))?;
    for (n, d) in &found {
        let status = d
            .requisites
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("Статус заказа") || k.eq_ignore_ascii_case("Статус"))
            .map(|(_, v)| v.clone());
        let summary: Vec<String> = d.requisites.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        let requisites: serde_json::Map<String, serde_json::Value> =
            d.requisites.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
        audit(
            &mut *tx,
            now,
            actor,
            AuditEvent::new(AuditAction::RequestOnecStatus, "request", *n).after(json!({
                "exchange": exchange_id,
                "document": d.id,
                "number_1c": d.number,
                "date_1c": d.date,
                "status": status,
                "requisites": requisites,
                "note": status.clone().unwrap_or_else(|| summary.join("; ")),
            })),
        )?;
    }
    tx.commit()?;
    report.recorded = found.len();
    Ok(report)
}

fn esc(s: &str) -> std::borrow::Cow<'_, str> {
    quick_xml::escape::escape(s)
}

/// The CommerceML documents 1C reads from a site: one `<Документ>` per order
/// and warehouse, its lines the cartridges issued (ids and articles as 1C
/// knows them), with no prices (the write-off is of quantities). Pure.
pub fn documents_xml(lines: &[SaleLine], now: DateTime<Utc>, tz: chrono_tz::Tz) -> (String, usize) {
    // Order and warehouse → the lines, in issue order.
    let mut docs: BTreeMap<(i64, String), Vec<&SaleLine>> = BTreeMap::new();
    for l in lines {
        docs.entry((l.request_id, l.warehouse.clone())).or_default().push(l);
    }
    let local = |t: DateTime<Utc>| t.with_timezone(&tz);
    let mut x = String::with_capacity(512 + lines.len() * 600);
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str(&format!(
        "<КоммерческаяИнформация ВерсияСхемы=\"2.08\" ДатаФормирования=\"{}\">\n",
        local(now).format("%Y-%m-%dT%H:%M:%S")
    ));
    for ((request_id, _), doc_lines) in &docs {
        let first = doc_lines[0];
        let number = RequestNumber(*request_id).to_string();
        let issued = local(doc_lines.iter().map(|l| l.issued_at).max().unwrap_or(first.issued_at));
        x.push_str("  <Документ>\n");
        x.push_str(&format!("    <Ид>{number}-{}</Ид>\n", first.issue_id));
        x.push_str(&format!("    <Номер>{number}</Номер>\n"));
        x.push_str(&format!("    <Дата>{}</Дата>\n", issued.format("%Y-%m-%d")));
        x.push_str(&format!("    <Время>{}</Время>\n", issued.format("%H:%M:%S")));
        x.push_str("    <ХозОперация>Заказ товара</ХозОперация>\n    <Роль>Продавец</Роль>\n");
        x.push_str("    <Валюта>руб</Валюта>\n    <Курс>1</Курс>\n    <Сумма>0</Сумма>\n");
        x.push_str(&format!(
            "    <Контрагенты>\n      <Контрагент>\n        <Ид>{c}</Ид>\n        <Наименование>{b}</Наименование>\n        \
             <ПолноеНаименование>{b}</ПолноеНаименование>\n        <Роль>Покупатель</Роль>\n      </Контрагент>\n    </Контрагенты>\n",
            b = esc(&first.branch),
            c = esc(&first.branch_code)
        ));
        x.push_str(&format!(
            "    <Комментарий>Картриджи выданы по заявке {number} (helpdesk), склад {}</Комментарий>\n",
            esc(&first.warehouse)
        ));
        x.push_str("    <Товары>\n");
        for l in doc_lines {
            x.push_str("      <Товар>\n");
            if let Some(id) = &l.cartridge_one_c_id {
                x.push_str(&format!("        <Ид>{}</Ид>\n", esc(id)));
            }
            x.push_str(&format!("        <Артикул>{}</Артикул>\n", esc(&l.vendor_article)));
            x.push_str(&format!("        <Наименование>{}</Наименование>\n", esc(&l.cartridge_name)));
            x.push_str(
                "        <БазоваяЕдиница Код=\"796\" НаименованиеПолное=\"Штука\" МеждународноеСокращение=\"PCE\">шт</БазоваяЕдиница>\n",
            );
            x.push_str("        <ЦенаЗаЕдиницу>0</ЦенаЗаЕдиницу>\n");
            x.push_str(&format!("        <Количество>{}</Количество>\n        <Сумма>0</Сумма>\n", l.quantity));
            x.push_str(
                "        <ЗначенияРеквизитов>\n          <ЗначениеРеквизита><Наименование>ВидНоменклатуры</Наименование><Значение>Товар</Значение></ЗначениеРеквизита>\n          \
                 <ЗначениеРеквизита><Наименование>ТипНоменклатуры</Наименование><Значение>Товар</Значение></ЗначениеРеквизита>\n        </ЗначенияРеквизитов>\n",
            );
            x.push_str("      </Товар>\n");
        }
        x.push_str("    </Товары>\n    <ЗначенияРеквизитов>\n");
        let mut requisite = |k: &str, v: &str| {
            x.push_str(&format!(
                "      <ЗначениеРеквизита><Наименование>{}</Наименование><Значение>{}</Значение></ЗначениеРеквизита>\n",
                esc(k),
                esc(v)
            ));
        };
        requisite("Склад", &first.warehouse);
        if let Some(id) = &first.warehouse_one_c_id {
            requisite("ИдСклада", id);
        }
        requisite("Заказ оплачен", "true");
        requisite("Статус заказа", "[F] Выполнен");
        requisite("Дата изменения статуса", &issued.format("%Y-%m-%d %H:%M:%S").to_string());
        x.push_str("    </ЗначенияРеквизитов>\n  </Документ>\n");
    }
    x.push_str("</КоммерческаяИнформация>\n");
    (x, docs.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploads_stay_inside_their_directory() {
        let dir = Path::new("/tmp/x");
        assert_eq!(inside(dir, "offers.xml").unwrap(), Path::new("/tmp/x/offers.xml"));
        assert_eq!(inside(dir, "import_files/ab/photo.jpg").unwrap(), Path::new("/tmp/x/import_files/ab/photo.jpg"));
        for bad in ["", "../../etc/passwd", "/etc/passwd", "a/../../b", "\\\\server\\share", "C:\\x.xml", "a//b", "./a"]
        {
            assert!(inside(dir, bad).is_none(), "{bad}");
        }
    }

    fn line(issue: i64, request: i64, warehouse: &str, article: &str, quantity: i64) -> SaleLine {
        let at = chrono::DateTime::parse_from_rfc3339("2026-12-01T09:30:00Z").unwrap().with_timezone(&Utc);
        SaleLine {
            issue_id: issue,
            request_id: request,
            request_created_at: at,
            branch: "Киев <Центр> & Co".into(),
            branch_code: "KYIV".into(),
            cartridge_one_c_id: Some(format!("id-{article}")),
            vendor_article: article.into(),
            cartridge_name: format!("Картридж {article}"),
            warehouse_one_c_id: None,
            warehouse: warehouse.into(),
            quantity,
            issued_at: at,
        }
    }

    #[test]
    fn issued_orders_become_documents_1c_reads_back() {
        let lines = [
            line(7, 12, "Центральный", "CE285A", 2),
            line(8, 12, "Центральный", "Q2612A", 1),
            line(9, 30, "Запасной", "CE285A", 4),
        ];
        let (xml, n) = documents_xml(&lines, lines[0].issued_at, chrono_tz::Europe::Kyiv);
        assert_eq!(n, 2);
        assert!(xml.contains("Киев &lt;Центр&gt; &amp; Co"), "{xml}");
        assert!(xml.contains("<Дата>2026-12-01</Дата>") && xml.contains("<Время>11:30:00</Время>"), "{xml}");
        // What it writes, the reader of 1C's answers reads.
        let docs = commerceml::parse_documents(xml.as_bytes()).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!((docs[0].id.as_str(), docs[0].number.as_str()), ("HD-000012-7", "HD-000012"));
        assert_eq!(docs[1].id, "HD-000030-9");
        assert!(docs[0].requisites.contains(&("Склад".into(), "Центральный".into())));
        assert!(docs[0].requisites.contains(&("Статус заказа".into(), "[F] Выполнен".into())));
        // Lines' requisites are not the document's.
        assert!(!docs[0].requisites.iter().any(|(k, _)| k == "ВидНоменклатуры"));
        let empty = documents_xml(&[], lines[0].issued_at, chrono_tz::UTC);
        assert_eq!(empty.1, 0);
        assert!(commerceml::parse_documents(empty.0.as_bytes()).unwrap().is_empty());
    }

    #[test]
    fn documents_cut_short_or_foreign_are_refused() {
        let cut = "<?xml version=\"1.0\"?>\n<КоммерческаяИнформация>\n<Документ><Ид>1</Ид>";
        let e = commerceml::parse_documents(cut.as_bytes()).unwrap_err().to_string();
        assert!(e.contains("cut short"), "{e}");
        let foreign = "<orders><order/></orders>";
        let e = commerceml::parse_documents(foreign.as_bytes()).unwrap_err().to_string();
        assert!(e.contains("not a CommerceML file"), "{e}");
    }

    #[test]
    fn a_zip_bomb_stops_at_the_cap() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let write_zip = |name: &str, entries: &[(&str, usize)]| {
            let f = std::fs::File::create(dir.path().join(name)).unwrap();
            let mut z = zip::ZipWriter::new(f);
            let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
            for (entry, size) in entries {
                z.start_file(*entry, opts).unwrap();
                z.write_all(&vec![b'0'; *size]).unwrap();
            }
            z.finish().unwrap();
        };
        write_zip("a.zip", &[("offers.xml", 1000), ("import_files/1.txt", 10)]);
        let unpacked = unpack_zips(dir.path(), 1010).unwrap();
        assert_eq!(
            (unpacked.files, unpacked.bytes),
            (vec!["offers.xml".to_string(), "import_files/1.txt".into()], 1010)
        );
        assert!(!dir.path().join("a.zip").exists());
        write_zip("bomb.zip", &[("big.xml", 5_000_000)]);
        assert!(std::fs::metadata(dir.path().join("bomb.zip")).unwrap().len() < 100_000);
        let e = unpack_zips(dir.path(), 1_000_000).unwrap_err().to_string();
        assert!(e.contains("unpacks to over 1000000 bytes"), "{e}");
        assert!(std::fs::metadata(dir.path().join("big.xml")).unwrap().len() <= 1_000_001);
        write_zip("evil.zip", &[("../escape.xml", 5)]);
        std::fs::remove_file(dir.path().join("bomb.zip")).unwrap();
        let e = unpack_zips(dir.path(), 1_000_000).unwrap_err().to_string();
        assert!(e.contains("outside the upload"), "{e}");
        std::fs::remove_file(dir.path().join("evil.zip")).unwrap();
        write_zip("nested.zip", &[("inner.zip", 5)]);
        let e = unpack_zips(dir.path(), 1_000_000).unwrap_err().to_string();
        assert!(e.contains("another archive"), "{e}");
        assert!(!dir.path().parent().unwrap().join("escape.xml").exists());
    }
}
