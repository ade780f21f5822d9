//! Reading balances from 1C:Enterprise's standard OData interface
//! (`http(s)://host/base/odata/standard.odata/`, JSON): the `Balance` table of
//! an accumulation register, the items catalog and the warehouses catalog,
//! each with the names the settings give, since configurations differ. The
//! rows become [`OwnedRecord`]s: items and warehouses as definitions (their
//! 1C id is `Ref_Key`), balances as [`OwnedBalance`]s with quantities read by
//! the same rules as files.
//!
//! Lists are read in pages (`$top`/`$skip`, or `odata.nextLink` when 1C gives
//! one) with `$select` naming the fields. HTTP Basic, TLS by rustls, a
//! timeout per answer. Every failure is one line saying what is wrong and what
//! to set; the password is never in it.
//!
//! This reads and never writes: importing what it read is
//! [`super::import_records`]'s work.

use super::RecordSet;
use super::records::{
    OwnedBalance, OwnedCatalogItem, OwnedRecord, OwnedWarehouseDef, parse_quantity, quantity_from_number,
};
use crate::config::{OdataSettings, Secret};
use crate::services::{Error, Result};
use serde_json::{Map, Value};
use std::time::Duration;
use url::Url;

/// The most one answer of 1C may hold (a page of `ONEC_ODATA_PAGE_SIZE` rows is far less).
const PAGE_MAX_BYTES: u64 = 256 << 20;

/// 1C's empty reference: no item, no warehouse.
const EMPTY_REF: &str = "00000000-0000-0000-0000-000000000000";

/// Where to read and with which names: the settings, with the address a command line may give instead.
#[derive(Debug, Clone)]
pub struct Source {
    /// Ends in `/`; never holds credentials.
    pub base: Url,
    /// The names, the user and the limits (its `url` is not used: `base` is where to read).
    pub odata: OdataSettings,
}

impl Source {
    /// The settings' source, at `url` when given (else `HELPDESK_ONEC_ODATA_URL`).
    pub fn new(settings: &OdataSettings, url: Option<&str>) -> Result<Source> {
        let base = match url {
            Some(u) => {
                let given = crate::config::parse_odata_url(u).map_err(Error::Invalid)?;
                // The password is 1C's at the configured address: never sent to another named on a command line.
                if let (Some(configured), Some(_)) = (&settings.url, &settings.password)
                    && configured.origin() != given.origin()
                {
                    return Err(Error::Invalid(format!(
                        "HELPDESK_ONEC_ODATA_PASSWORD is for {}, not {}; to pull from there, set HELPDESK_ONEC_ODATA_URL (and its user and password) to it",
                        configured.origin().ascii_serialization(),
                        given.origin().ascii_serialization()
                    )));
                }
                given
            }
            None => settings.url.clone().ok_or_else(|| {
                Error::Invalid(
                    "no address of 1C's OData interface: set HELPDESK_ONEC_ODATA_URL \
                     (https://HOST/BASE/odata/standard.odata/) or give it after --odata"
                        .into(),
                )
            })?,
        };
        Ok(Source { base, odata: settings.clone() })
    }

    /// Rows asked for at once.
    fn page(&self) -> usize {
        self.odata.page_size.max(1) as usize
    }

    /// How reports and the snapshot name what was read: `odata:` and the address.
    pub fn shown(&self) -> String {
        format!("odata:{}", self.base)
    }
}

/// One of the lists read, for URLs and for saying which setting to change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum List {
    Balances,
    Items,
    Warehouses,
}

impl List {
    /// The setting that names it.
    fn setting(self) -> &'static str {
        match self {
            List::Balances => "HELPDESK_ONEC_ODATA_REGISTER",
            List::Items => "HELPDESK_ONEC_ODATA_ITEMS",
            List::Warehouses => "HELPDESK_ONEC_ODATA_WAREHOUSES",
        }
    }
}

/// A field asked for, and the setting that names it (`None`: 1C's own name).
struct Field<'a> {
    name: &'a str,
    setting: Option<&'static str>,
}

/// Reads the balances and both catalogs from 1C; nothing is written anywhere.
pub fn fetch(source: &Source) -> Result<RecordSet> {
    let client = reqwest::blocking::Client::builder()
        .timeout(source.odata.timeout)
        .connect_timeout(source.odata.timeout.min(Duration::from_secs(15)))
        .user_agent(concat!("helpdesk/", env!("CARGO_PKG_VERSION")))
        // Credentials go to the address configured, never elsewhere.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| Error::Internal(format!("cannot start an HTTP client: {e}")))?;
    let reader = Reader { source, client };
    let mut records = Vec::new();
    let (mut item_count, mut warehouse_count) = (0, 0);
    if let Some(items) = &source.odata.items {
        let mut fields = vec![Field { name: "Ref_Key", setting: None }, Field { name: "Description", setting: None }];
        if let Some(a) = &source.odata.article_field {
            fields.push(Field { name: a, setting: Some("HELPDESK_ONEC_ODATA_ARTICLE_FIELD") });
        }
        let rows = reader.list(List::Items, &[items.as_str()], &fields)?;
        item_count = rows.len();
        for (i, row) in rows.iter().enumerate() {
            let at = Row { reader: &reader, list: List::Items, entity: items, index: i, row };
            let Some(one_c_id) = at.reference(&fields[0])? else { continue };
            records.push(OwnedRecord::Item(OwnedCatalogItem {
                one_c_id,
                name: at.text(&fields[1], false)?,
                article: match fields.get(2) {
                    Some(f) => at.text(f, true)?,
                    None => None,
                },
            }));
        }
    }
    if let Some(warehouses) = &source.odata.warehouses {
        let fields = [Field { name: "Ref_Key", setting: None }, Field { name: "Description", setting: None }];
        let rows = reader.list(List::Warehouses, &[warehouses.as_str()], &fields)?;
        warehouse_count = rows.len();
        for (i, row) in rows.iter().enumerate() {
            let at = Row { reader: &reader, list: List::Warehouses, entity: warehouses, index: i, row };
            let Some(one_c_id) = at.reference(&fields[0])? else { continue };
            records.push(OwnedRecord::Warehouse(OwnedWarehouseDef { one_c_id, name: at.text(&fields[1], false)? }));
        }
    }
    let fields = [
        Field { name: &source.odata.item_field, setting: Some("HELPDESK_ONEC_ODATA_ITEM_FIELD") },
        Field { name: &source.odata.warehouse_field, setting: Some("HELPDESK_ONEC_ODATA_WAREHOUSE_FIELD") },
        Field { name: &source.odata.quantity_field, setting: Some("HELPDESK_ONEC_ODATA_QUANTITY_FIELD") },
    ];
    let table = format!("{}/Balance", source.odata.register);
    let rows = reader.list(List::Balances, &[source.odata.register.as_str(), "Balance"], &fields)?;
    let balance_count = rows.len();
    for (i, row) in rows.iter().enumerate() {
        let at = Row { reader: &reader, list: List::Balances, entity: &table, index: i, row };
        let item = at.reference(&fields[0])?;
        let warehouse = at.reference(&fields[1])?;
        let quantity = at.quantity(&fields[2])?;
        records.push(OwnedRecord::Balance(OwnedBalance {
            item_one_c_id: item,
            item_name: None,
            item_article: None,
            warehouse_one_c_id: warehouse,
            warehouse_name: None,
            quantity,
            line: i as u64 + 1,
        }));
    }
    let mut detail = format!("{balance_count} balances of {table}");
    if let Some(items) = &source.odata.items {
        detail.push_str(&format!(", {item_count} items of {items}"));
    }
    if let Some(warehouses) = &source.odata.warehouses {
        detail.push_str(&format!(", {warehouse_count} warehouses of {warehouses}"));
    }
    Ok(RecordSet {
        source: source.shown(),
        format: "OData".into(),
        detail,
        no_balances_hint: format!(
            "1C's {table} is empty; if that is not the register of stock at warehouses, \
             set HELPDESK_ONEC_ODATA_REGISTER to the one listed in {}$metadata",
            source.base
        ),
        complete: true,
        records,
    })
}

/// Makes the requests.
struct Reader<'a> {
    source: &'a Source,
    client: reqwest::blocking::Client,
}

impl Reader<'_> {
    /// The address of a list: the base, `path` (percent-encoded), and the query.
    fn url(&self, path: &[&str], fields: &[Field<'_>], skip: usize) -> Url {
        list_url(&self.source.base, path, &fields.iter().map(|f| f.name).collect::<Vec<_>>(), self.source.page(), skip)
    }

    /// Every row of a list, page by page.
    fn list(&self, list: List, path: &[&str], fields: &[Field<'_>]) -> Result<Vec<Map<String, Value>>> {
        let entity = path.join("/");
        let mut rows = Vec::new();
        let mut next = self.url(path, fields, 0);
        let mut previous: Option<Vec<Value>> = None;
        let mut visited = std::collections::HashSet::new();
        loop {
            if !visited.insert(next.clone()) {
                return Err(Error::Invalid(format!(
                    "1C's answers for {entity} lead back to a page already read ({next}); nothing was imported; \
                     report this with the version of the 1C platform"
                )));
            }
            let page = self.get(list, &entity, &next, fields)?;
            let (values, next_link) = parse_page(&page).map_err(|why| {
                Error::Invalid(format!(
                    "1C's answer for {entity} at {} is {why}; is {} 1C's standard OData address (…/odata/standard.odata/)?",
                    self.source.base, self.source.base
                ))
            })?;
            if previous.as_ref() == Some(&values) && !values.is_empty() {
                return Err(Error::Invalid(format!(
                    "1C answers the same page of {entity} again and again (it ignores $skip); \
                     nothing was imported; report this with the version of the 1C platform"
                )));
            }
            let n = values.len();
            for v in &values {
                match v {
                    Value::Object(m) => rows.push(m.clone()),
                    _ => {
                        return Err(Error::Invalid(format!(
                            "1C's answer for {entity} at {} lists something other than rows",
                            self.source.base
                        )));
                    }
                }
            }
            match next_link {
                Some(link) => {
                    let url = next.join(&link).map_err(|_| {
                        Error::Invalid(format!(
                            "1C's answer for {entity} points to the next page at '{link}', which is not an address"
                        ))
                    })?;
                    if url.origin() != self.source.base.origin() {
                        return Err(Error::Invalid(format!(
                            "1C's answer for {entity} points to the next page on another server ({}); \
                             the password is sent to {} only",
                            url.origin().ascii_serialization(),
                            self.source.base.origin().ascii_serialization()
                        )));
                    }
                    next = url;
                }
                // A short page is the last; a longer one means 1C gave everything at once.
                None if n != self.source.page() => return Ok(rows),
                None => next = self.url(path, fields, rows.len()),
            }
            previous = Some(values);
        }
    }

    /// One page's body, or the error that says what to do.
    fn get(&self, list: List, entity: &str, url: &Url, fields: &[Field<'_>]) -> Result<Vec<u8>> {
        let base = &self.source.base;
        let mut request = self.client.get(url.clone()).header("Accept", "application/json");
        if let Some(user) = &self.source.odata.user {
            request = request.basic_auth(user, self.source.odata.password.as_ref().map(Secret::expose));
        }
        let unreachable = |e: reqwest::Error| {
            if e.is_timeout() {
                Error::Conflict(format!(
                    "1C at {base} did not answer within {} (reading {entity}); try again later, or raise HELPDESK_ONEC_ODATA_TIMEOUT",
                    humantime::format_duration(self.source.odata.timeout)
                ))
            } else {
                Error::Conflict(format!(
                    "cannot reach 1C at {base}: {}; check HELPDESK_ONEC_ODATA_URL and that the web server publishing 1C runs",
                    root_cause(&e)
                ))
            }
        };
        let response = request.send().map_err(unreachable)?;
        let status = response.status();
        let mut body = Vec::new();
        {
            use std::io::Read;
            let mut limited = response.take(PAGE_MAX_BYTES + 1);
            limited.read_to_end(&mut body).map_err(|e| {
                Error::Conflict(format!("cannot read 1C's answer at {base} (reading {entity}): {e}; try again"))
            })?;
        }
        if body.len() as u64 > PAGE_MAX_BYTES {
            return Err(Error::Invalid(format!(
                "1C's answer for {entity} is over {} MiB: lower HELPDESK_ONEC_ODATA_PAGE_SIZE",
                PAGE_MAX_BYTES >> 20
            )));
        }
        if status.is_success() {
            return Ok(body);
        }
        let said = odata_error(&body);
        let said_line = said.as_deref().map(|m| format!(" (1C says: {m})")).unwrap_or_default();
        Err(match status.as_u16() {
            401 | 403 => match &self.source.odata.user {
                Some(user) => Error::Invalid(format!(
                    "1C at {base} refused user {user} (HTTP {}) reading {entity}{said_line}: check HELPDESK_ONEC_ODATA_USER and HELPDESK_ONEC_ODATA_PASSWORD, and that the user may read {entity}",
                    status.as_u16()
                )),
                None => Error::Invalid(format!(
                    "1C at {base} asks who is reading (HTTP {}): set HELPDESK_ONEC_ODATA_USER and HELPDESK_ONEC_ODATA_PASSWORD",
                    status.as_u16()
                )),
            },
            404 if !base.path().ends_with("/odata/standard.odata/") => Error::Invalid(format!(
                "1C at {base} has no {entity} (HTTP 404): 1C's standard OData address ends in /odata/standard.odata/; check HELPDESK_ONEC_ODATA_URL"
            )),
            404 => {
                let name = entity.split('/').next().unwrap_or(entity);
                Error::Invalid(format!(
                    "1C publishes no {name} over OData at {base}: publish it in the configurator (Administration → Publish to web server → OData, \
                     or the data processor \"Set up standard OData interface\"), or set {} to a name listed in {base}$metadata",
                    list.setting()
                ))
            }
            _ => {
                // 1C refuses a $select naming a field it does not have.
                let field =
                    said.as_deref().and_then(|m| fields.iter().find(|f| f.setting.is_some() && m.contains(f.name)));
                match field {
                    Some(f) => Error::Invalid(format!(
                        "1C's {entity} has no field {}{said_line}; set {} to one listed for it in {base}$metadata",
                        f.name,
                        f.setting.unwrap_or_default()
                    )),
                    None if status.is_server_error() => Error::Conflict(format!(
                        "1C at {base} failed reading {entity} (HTTP {}){said_line}; try again later, or ask the 1C administrator",
                        status.as_u16()
                    )),
                    None => Error::Invalid(format!(
                        "1C at {base} refused to read {entity} (HTTP {}){said_line}; check the names in HELPDESK_ONEC_ODATA_* against {base}$metadata",
                        status.as_u16()
                    )),
                }
            }
        })
    }
}

/// A row of a list, to read fields from with errors that say where.
struct Row<'a> {
    reader: &'a Reader<'a>,
    list: List,
    entity: &'a str,
    index: usize,
    row: &'a Map<String, Value>,
}

impl Row<'_> {
    fn missing(&self, f: &Field<'_>) -> Error {
        let base = &self.reader.source.base;
        match f.setting {
            Some(setting) => Error::Invalid(format!(
                "1C's {} has no field {}; set {setting} to one listed for it in {base}$metadata",
                self.entity, f.name
            )),
            None => Error::Invalid(format!(
                "1C's {} has no field {}: is it a catalog? set {} to one listed in {base}$metadata",
                self.entity,
                f.name,
                self.list.setting()
            )),
        }
    }

    fn at(&self) -> String {
        format!("{}: {}, row {}", self.reader.source.shown(), self.entity, self.index + 1)
    }

    /// A reference (a GUID); `None` for the empty one.
    fn reference(&self, f: &Field<'_>) -> Result<Option<String>> {
        match self.row.get(f.name) {
            None => Err(self.missing(f)),
            Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => {
                let s = s.trim();
                Ok((!s.is_empty() && s != EMPTY_REF).then(|| s.to_string()))
            }
            Some(other) => Err(Error::Invalid(format!(
                "{}: {} is {other}, not a reference; set {} to a field that refers to a catalog",
                self.at(),
                f.name,
                f.setting.unwrap_or(self.list.setting())
            ))),
        }
    }

    /// A text; a missing field is an error only when `required`.
    fn text(&self, f: &Field<'_>, required: bool) -> Result<Option<String>> {
        match self.row.get(f.name) {
            None if required => Err(self.missing(f)),
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.trim().to_string()).filter(|s| !s.is_empty())),
            Some(other) => Ok(Some(other.to_string())),
        }
    }

    /// A quantity, by the rules for files: whole, not negative.
    fn quantity(&self, f: &Field<'_>) -> Result<i64> {
        let read = match self.row.get(f.name) {
            None => return Err(self.missing(f)),
            Some(Value::Number(n)) => match n.as_i64() {
                Some(i) if i >= 0 => Ok(i),
                _ => quantity_from_number(n.as_f64().unwrap_or(f64::NAN)),
            },
            Some(Value::String(s)) => parse_quantity(s),
            Some(Value::Null) => Err("is empty".to_string()),
            Some(other) => Err(format!("{other} is not a number")),
        };
        read.map_err(|why| Error::Invalid(format!("{}: quantity {why}", self.at())))
    }
}

/// `base` + `path` + `?$format=json&$select=…&$top=…&$skip=…`, names percent-encoded.
fn list_url(base: &Url, path: &[&str], select: &[&str], page: usize, skip: usize) -> Url {
    let mut url = base.clone();
    {
        let mut segments = url.path_segments_mut().expect("an http(s) URL has a path");
        segments.pop_if_empty();
        segments.extend(path);
    }
    // The names are letters, digits and `_` (see the settings): only non-ASCII needs encoding,
    // which set_query does, and 1C reads `$` and `,` as they are.
    let mut query = format!("$format=json&$select={}&$top={page}", select.join(","));
    if skip > 0 {
        query.push_str(&format!("&$skip={skip}"));
    }
    url.set_query(Some(&query));
    url
}

/// The rows of a page and the address of the next one, if 1C gives it.
fn parse_page(body: &[u8]) -> std::result::Result<(Vec<Value>, Option<String>), String> {
    let json: Value = serde_json::from_slice(body).map_err(|e| {
        let start = String::from_utf8_lossy(&body[..body.len().min(64)]).trim_start().to_string();
        if start.starts_with('<') { "not JSON but HTML or XML".to_string() } else { format!("not valid JSON ({e})") }
    })?;
    let Value::Object(mut top) = json else { return Err("JSON, but not an object with a value list".into()) };
    let next = ["odata.nextLink", "@odata.nextLink"].iter().find_map(|k| top.get(*k)?.as_str().map(String::from));
    match top.remove("value") {
        Some(Value::Array(rows)) => Ok((rows, next)),
        _ => Err("JSON without a value list".into()),
    }
}

/// The message of 1C's OData error answer (`{"odata.error": {"message": {"value": …}}}`), on one line.
fn odata_error(body: &[u8]) -> Option<String> {
    let json: Value = serde_json::from_slice(body).ok()?;
    let error = json.get("odata.error").or_else(|| json.get("error"))?;
    let message = match error.get("message")? {
        Value::String(s) => s.clone(),
        m => m.get("value")?.as_str()?.to_string(),
    };
    let line: String = message.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut short: String = line.chars().take(300).collect();
    if short.len() < line.len() {
        short.push('…');
    }
    Some(short)
}

/// The innermost cause of a request failure: "Connection refused (os error 111)", a certificate problem.
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut last = e;
    while let Some(next) = last.source() {
        last = next;
    }
    last.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_encode_the_names_and_page() {
        let base = Url::parse("https://1c.example.org/trade/odata/standard.odata/").unwrap();
        let u = list_url(
            &base,
            &["AccumulationRegister_ТоварыНаСкладах", "Balance"],
            &["Номенклатура_Key", "ВНаличииBalance"],
            1000,
            2000,
        );
        assert_eq!(
            u.as_str(),
            "https://1c.example.org/trade/odata/standard.odata/AccumulationRegister_%D0%A2%D0%BE%D0%B2%D0%B0%D1%80%D1%8B%D0%9D%D0%B0%D0%A1%D0%BA%D0%BB%D0%B0%D0%B4%D0%B0%D1%85/Balance\
             ?$format=json&$select=%D0%9D%D0%BE%D0%BC%D0%B5%D0%BD%D0%BA%D0%BB%D0%B0%D1%82%D1%83%D1%80%D0%B0_Key,%D0%92%D0%9D%D0%B0%D0%BB%D0%B8%D1%87%D0%B8%D0%B8Balance&$top=1000&$skip=2000"
        );
        let first = list_url(&base, &["Catalog_Склады"], &["Ref_Key"], 1000, 0);
        assert!(first.as_str().ends_with("?$format=json&$select=Ref_Key&$top=1000"), "{first}");
    }

    #[test]
    fn pages_and_errors() {
        let (rows, next) =
            parse_page(br#"{"odata.metadata":"x","value":[{"a":1}],"odata.nextLink":"Catalog_X?$skiptoken=5"}"#)
                .unwrap();
        assert_eq!((rows.len(), next.as_deref()), (1, Some("Catalog_X?$skiptoken=5")));
        assert_eq!(parse_page(b"<html>login</html>").unwrap_err(), "not JSON but HTML or XML");
        assert!(parse_page(b"{\"value\": [").unwrap_err().starts_with("not valid JSON"));
        assert_eq!(parse_page(b"{\"x\": 1}").unwrap_err(), "JSON without a value list");
        assert_eq!(
            odata_error(
                "{\"odata.error\":{\"code\":\"9\",\"message\":{\"lang\":\"ru\",\"value\":\"Неизвестное\\n поле\"}}}"
                    .as_bytes()
            ),
            Some("Неизвестное поле".into())
        );
        assert_eq!(odata_error(b"not json"), None);
    }
}
