//! Settings: one typed [`Settings`] struct, loaded once at start-up.
//!
//! Sources, highest first: command-line flag, environment (`HELPDESK_*`), a
//! `.env` file in the working directory, the TOML file named by `--config`
//! (or `HELPDESK_CONFIG`), and the defaults in [`SPECS`]. Every setting has one
//! key: `sla_accept_high` is `HELPDESK_SLA_ACCEPT_HIGH` in the environment and
//! `accept_high` under `[sla]` in the TOML file.
//!
//! Secrets (the bot token, the SMTP password, a database password) are held in
//! [`Secret`] and never printed: not by `Debug`, not in errors, not in logs.

use crate::domain::{Lang, Named, Priority};
use chrono_tz::Tz;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The prefix of every environment variable that holds a setting.
pub const ENV_PREFIX: &str = "HELPDESK_";

/// Environment variables with the prefix that are not settings.
const NOT_SETTINGS: &[&str] = &["HELPDESK_LOG", "HELPDESK_LOG_FORMAT", "HELPDESK_CONFIG", "HELPDESK_TEST_PG_URL"];

/// One setting: its key, default and description (used for `.env.example`,
/// `config show` and error messages).
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    pub key: &'static str,
    pub default: &'static str,
    pub secret: bool,
    pub help: &'static str,
}

impl Spec {
    pub fn env_name(&self) -> String {
        format!("{ENV_PREFIX}{}", self.key.to_ascii_uppercase())
    }

    /// Whether its value may come from a file named by `HELPDESK_<NAME>_FILE`
    /// (secrets as Docker and Kubernetes mount them): the secrets and the
    /// database URL.
    pub fn from_file_allowed(&self) -> bool {
        self.secret || self.key == "database_url"
    }
}

const fn spec(key: &'static str, default: &'static str, help: &'static str) -> Spec {
    Spec { key, default, secret: false, help }
}
const fn secret(key: &'static str, help: &'static str) -> Spec {
    Spec { key, default: "", secret: true, help }
}

/// Every setting there is.
pub const SPECS: &[Spec] = &[
    spec(
        "database_url",
        "sqlite:helpdesk.db",
        "Database: sqlite:PATH (or a bare path) for the embedded default, or postgres://USER:PASSWORD@HOST:PORT/DB.",
    ),
    secret(
        "database_password",
        "Password for a PostgreSQL DATABASE_URL that has none in it (as a secret file: DATABASE_PASSWORD_FILE).",
    ),
    secret("bot_token", "Telegram bot token from @BotFather (TELOXIDE_TOKEN is accepted too)."),
    spec(
        "telegram_api_url",
        "https://api.telegram.org",
        "Bot API base URL; point it at a local Bot API server if you run one.",
    ),
    spec(
        "super_admins",
        "",
        "Telegram IDs of super administrators, comma-separated. They cannot be demoted through the app.",
    ),
    spec(
        "staff_chat_id",
        "",
        "Telegram ID of a staff group chat that also gets new-request announcements; empty for none.",
    ),
    spec("call_cooldown", "5m", "How often one person may make an urgent server-room call."),
    spec(
        "shutdown_grace",
        "10s",
        "On SIGTERM, how long serve lets requests and Telegram updates in hand finish before it exits anyway.",
    ),
    spec("broadcast_rate", "30", "Broadcast messages per second at most (Telegram allows about 30)."),
    spec("default_language", "ru", "Language for people whose Telegram language is not ru, uk or en: ru, uk or en."),
    spec("timezone", "UTC", "Time zone for showing times and running schedules (IANA name, e.g. Europe/Kyiv)."),
    spec("sla_accept_low", "1h", "How long a new low-priority request may wait to be accepted."),
    spec("sla_accept_medium", "1h", "How long a new medium-priority request may wait to be accepted."),
    spec("sla_accept_high", "1h", "How long a new high-priority request may wait to be accepted."),
    spec("sla_resolve_low", "off", "How long a low-priority request may stay open in all; off for no limit."),
    spec("sla_resolve_medium", "off", "How long a medium-priority request may stay open in all; off for no limit."),
    spec("sla_resolve_high", "off", "How long a high-priority request may stay open in all; off for no limit."),
    spec("sla_repeat", "1h", "How often a reminder about the same overdue request is repeated."),
    spec("sla_escalate_after", "3", "After this many reminders, super admins are reminded too."),
    spec(
        "sla_high_always",
        "off",
        "High priority runs round the clock (on): due, and reminded of, at any hour; off counts it in its \
         branch's working hours like the rest.",
    ),
    spec(
        "waiting_close_after",
        "off",
        "Close (as cancelled) a request that has waited this long for its author's answer, telling the author; \
         off never closes one. Checked by sla-check.",
    ),
    spec("backup_dir", "backups", "Directory for backups (daily/ and yearly/ are made inside)."),
    spec("backup_keep_daily", "30", "How many daily backups to keep; yearly ones are kept for good."),
    spec("backup_compress", "none", "Compress backups: none or zstd."),
    spec("archive_after_days", "90", "Archive closed requests (done, rejected, cancelled) older than this many days."),
    spec("archive_after_days_cartridge", "", "The same for cartridge orders; empty for archive_after_days."),
    spec("archive_after_days_repair", "", "The same for repairs; empty for archive_after_days."),
    spec("archive_after_days_maintenance", "", "The same for maintenance; empty for archive_after_days."),
    spec("archive_after_days_it_help", "", "The same for IT help; empty for archive_after_days."),
    spec(
        "schedule_sla_check",
        "*/5 * * * *",
        "When serve runs sla-check (crontab syntax, in the configured time zone); off to skip.",
    ),
    spec("schedule_backup", "0 3 * * *", "When serve takes a backup; off to skip (e.g. when cron does it)."),
    spec("schedule_prune", "30 3 * * *", "When serve prunes old daily backups; off to skip."),
    spec("schedule_archive", "0 4 * * 0", "When serve archives old closed requests (weekly by default); off to skip."),
    spec(
        "schedule_report",
        "0 8 * * 1",
        "When serve emails the summary report (Monday 08:00 by default); off to skip.",
    ),
    spec(
        "schedule_recurring",
        "*/5 * * * *",
        "When serve files the recurring requests that have come (every five minutes by default); off to skip.",
    ),
    spec(
        "schedule_stock_forecast",
        "0 8 * * 1",
        "When serve sends storekeepers the stock forecast's suggested orders (Monday 08:00 by default); off to skip.",
    ),
    spec(
        "schedule_onec_pull",
        "off",
        "When serve pulls the balances from 1C's OData interface (needs ONEC_ODATA_URL); off to skip.",
    ),
    spec(
        "email",
        "off",
        "Send email (SLA reminders, reports, new-request notices): on or off. On needs the SMTP settings.",
    ),
    spec("email_new_requests", "off", "Also email the staff mailbox about every new request: on or off."),
    spec("smtp_host", "", "SMTP server for email; leave empty to send no email."),
    spec("smtp_port", "", "SMTP port; empty for the usual one (587 starttls, 465 tls, 25 plain)."),
    spec("smtp_security", "starttls", "SMTP connection security: starttls, tls or plain."),
    spec("smtp_username", "", "SMTP user name; empty for no authentication."),
    secret("smtp_password", "SMTP password."),
    spec("smtp_from", "", "Sender address of the email the help desk sends, e.g. Help desk <helpdesk@example.org>."),
    spec("smtp_staff_to", "", "Staff mailbox for reminders, new-request notices and reports, comma-separated."),
    spec("smtp_escalation_to", "", "Who else gets escalated SLA reminders by email, comma-separated."),
    spec(
        "web_listen",
        "",
        "Address serve listens on for the web panel (and webhooks), e.g. 127.0.0.1:8080; empty for no web panel.",
    ),
    spec(
        "web_public_url",
        "",
        "The address people open the panel at, behind a reverse proxy with TLS (https://helpdesk.example.org); empty for http://WEB_LISTEN.",
    ),
    spec(
        "web_header_timeout",
        "10s",
        "A connection to the panel that has not sent a request's headers in this long, or idles this long between requests, is closed.",
    ),
    spec(
        "metrics",
        "off",
        "Serve Prometheus metrics at /metrics: on or off. On the panel's listener unless METRICS_LISTEN names one of its own.",
    ),
    spec(
        "metrics_listen",
        "",
        "Address of a listener for /metrics alone (e.g. 127.0.0.1:9090, or a private address); empty: the panel's listener.",
    ),
    spec("web_session_idle", "8h", "A web session unused this long ends; sign in again."),
    spec("web_session_max", "7d", "A web session ends this long after signing in, used or not."),
    spec(
        "onec_exchange_user",
        "",
        "User name 1C signs in with for its exchange with a site (CommerceML over HTTP at /1c/exchange on WEB_LISTEN); empty for no exchange.",
    ),
    secret("onec_exchange_password", "Password 1C signs in with for its exchange with a site."),
    spec("onec_file_limit", "10000000", "The most bytes 1C may post at once in the exchange; it splits larger files."),
    spec("onec_upload_max", "1000000000", "The most bytes one exchange with 1C may upload, all files together."),
    spec(
        "onec_odata_url",
        "",
        "1C's standard OData interface to pull balances from (https://1c.example.org/base/odata/standard.odata/); empty for none.",
    ),
    spec("onec_odata_user", "", "User name helpdesk signs in to 1C's OData interface with (HTTP Basic)."),
    secret("onec_odata_password", "Password of that 1C user."),
    spec(
        "onec_odata_register",
        "AccumulationRegister_ТоварыНаСкладах",
        "The accumulation register whose balances (its Balance table) are the stock at warehouses.",
    ),
    spec("onec_odata_item_field", "Номенклатура_Key", "The register's field that holds the item (a reference)."),
    spec("onec_odata_warehouse_field", "Склад_Key", "The register's field that holds the warehouse (a reference)."),
    spec(
        "onec_odata_quantity_field",
        "ВНаличииBalance",
        "The balance of the register's quantity resource (the resource's name and Balance).",
    ),
    spec("onec_odata_items", "Catalog_Номенклатура", "The catalog of items (names, articles); empty to read none."),
    spec("onec_odata_article_field", "Артикул", "The items catalog's field with the vendor article; empty for none."),
    spec("onec_odata_warehouses", "Catalog_Склады", "The catalog of warehouses (names); empty to read none."),
    spec("onec_odata_timeout", "30s", "How long to wait for each answer from 1C's OData interface."),
    spec(
        "onec_odata_page_size",
        "1000",
        "Rows asked of 1C's OData interface at once ($top); lists are read page by page.",
    ),
    spec("onec_zip", "on", "Ask 1C to send its files zipped (zip=yes); off for plain XML files."),
    spec("onec_session_ttl", "1h", "How long one exchange with 1C may last from its checkauth; 1C starts again after."),
    spec(
        "onec_import_wait",
        "20s",
        "How long one import call of 1C waits for the import; a longer one answers progress and 1C asks again (0 for at once).",
    ),
    spec(
        "onec_default_warehouse",
        "",
        "Where balances 1C sends without a warehouse (totals) go: a warehouse's code, name, 1C id or id; empty: recorded as not applied.",
    ),
    spec("web_mini_app_max_age", "1d", "How old the launch data Telegram hands the Mini App may be when it signs in."),
    spec(
        "return_empties",
        "on",
        "Empty cartridges come back when full ones are issued (as many as issued unless the storekeeper says fewer); off for organizations that do not collect them.",
    ),
    spec(
        "stock_lead_time",
        "7d",
        "How long the supplier takes to deliver cartridges: the forecast warns of what runs out within it.",
    ),
    spec("stock_cover", "30d", "How long a suggested order should last after it arrives (beyond the lead time)."),
];

/// A value that must not be shown: `Debug` and `Display` print `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }
    /// The value itself, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Where the data lives.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    /// A `postgres://` URL, kept whole but shown with its password redacted.
    Postgres(Secret),
}

impl DatabaseUrl {
    pub fn parse(s: &str) -> Result<DatabaseUrl, String> {
        let s = s.trim();
        if s.is_empty() {
            return Err("the database URL is empty; use sqlite:PATH".into());
        }
        if let Some(rest) = s.strip_prefix("sqlite:") {
            let path = rest.strip_prefix("//").unwrap_or(rest);
            if path.is_empty() {
                return Err("'sqlite:' needs a file path, e.g. sqlite:helpdesk.db".into());
            }
            return Ok(DatabaseUrl::Sqlite(PathBuf::from(path)));
        }
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            return Ok(DatabaseUrl::Postgres(Secret::new(s)));
        }
        if let Some((scheme, _)) = s.split_once("://") {
            return Err(format!("unsupported database URL scheme '{scheme}'; use sqlite:PATH"));
        }
        Ok(DatabaseUrl::Sqlite(PathBuf::from(s)))
    }

    /// The URL with `password` (a separate setting, often a secret file) put
    /// in; empty: unchanged. Only for a PostgreSQL URL with a user and no password of its own.
    pub fn with_password(&self, password: &str) -> Result<DatabaseUrl, String> {
        let password = password.trim_end_matches(['\n', '\r']);
        if password.is_empty() {
            return Ok(self.clone());
        }
        let DatabaseUrl::Postgres(url) = self else {
            return Err("a database password is for a PostgreSQL database URL; SQLite has none".into());
        };
        let mut u = url::Url::parse(url.expose())
            .map_err(|e| format!("the database URL cannot take a password ({e}); put it in the URL instead"))?;
        if u.password().is_some() {
            return Err("the database URL has a password already; keep one of the two".into());
        }
        if u.username().is_empty() {
            return Err("the database URL names no user; write postgres://USER@HOST/DB".into());
        }
        u.set_password(Some(password)).map_err(|_| "the database URL cannot take a password".to_string())?;
        Ok(DatabaseUrl::Postgres(Secret::new(u.to_string())))
    }

    /// The URL as it may be printed: passwords replaced by `***`.
    pub fn redacted(&self) -> String {
        match self {
            DatabaseUrl::Sqlite(p) => format!("sqlite:{}", p.display()),
            DatabaseUrl::Postgres(url) => redact_url_password(url.expose()),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// Replaces the password of `scheme://user:password@host/...` and of a
/// `password=` query parameter with `***`.
pub fn redact_url_password(url: &str) -> String {
    let mut out = url.to_string();
    if let Some(scheme_end) = out.find("://") {
        let rest_start = scheme_end + 3;
        let authority_end = out[rest_start..].find(['/', '?']).map_or(out.len(), |i| rest_start + i);
        if let Some(at) = out[rest_start..authority_end].rfind('@') {
            let userinfo = &out[rest_start..rest_start + at];
            if let Some(colon) = userinfo.find(':') {
                let start = rest_start + colon + 1;
                out.replace_range(start..rest_start + at, "***");
            }
        }
    }
    if let Some(q) = out.find('?') {
        let (head, query) = out.split_at(q + 1);
        let parts: Vec<String> = query
            .split('&')
            .map(|kv| match kv.split_once('=') {
                Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                _ => kv.to_string(),
            })
            .collect();
        out = format!("{head}{}", parts.join("&"));
    }
    out
}

/// A value per request priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PerPriority<T> {
    pub low: T,
    pub medium: T,
    pub high: T,
}

impl<T: Copy> PerPriority<T> {
    pub fn get(&self, p: Priority) -> T {
        match p {
            Priority::Low => self.low,
            Priority::Medium => self.medium,
            Priority::High => self.high,
        }
    }
}

/// Service-level targets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlaSettings {
    /// How long a new request may wait to be accepted.
    pub accept: PerPriority<Duration>,
    /// How long a request may stay open in all, if limited.
    pub resolve: PerPriority<Option<Duration>>,
    /// How often a reminder about the same breach is repeated.
    pub repeat: Duration,
    /// After this many reminders, super admins are reminded too.
    pub escalate_after: u32,
    /// High-priority reminders go out outside working hours too.
    pub high_always: bool,
    /// Requests waiting this long for their author's answer are closed.
    pub waiting_close_after: Option<Duration>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Zstd,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSettings {
    pub dir: PathBuf,
    pub keep_daily: u32,
    pub compress: Compression,
}

/// Which closed requests `archive` takes: older than a number of days, per kind if set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchivePolicy {
    pub after_days: u32,
    pub cartridge: Option<u32>,
    pub repair: Option<u32>,
    pub maintenance: Option<u32>,
    pub it_help: Option<u32>,
}

impl ArchivePolicy {
    pub fn days_for(&self, kind: crate::domain::Kind) -> u32 {
        use crate::domain::Kind;
        match kind {
            Kind::Cartridge => self.cartridge,
            Kind::Repair => self.repair,
            Kind::Maintenance => self.maintenance,
            Kind::ItHelp => self.it_help,
        }
        .unwrap_or(self.after_days)
    }
}

/// A cron schedule as written in the settings (crontab syntax, five fields).
#[derive(Debug, Clone)]
pub struct CronSpec {
    pub source: String,
    pub schedule: cron::Schedule,
}

impl CronSpec {
    /// Parses a crontab expression (`*/5 * * * *`, `0 8 * * 1`, `@daily`); `off` gives `None`.
    pub fn parse(text: &str) -> Result<Option<CronSpec>, String> {
        let t = text.trim();
        if t.is_empty() || t.eq_ignore_ascii_case("off") || t.eq_ignore_ascii_case("none") {
            return Ok(None);
        }
        let five = match t {
            "@hourly" => "0 * * * *",
            "@daily" | "@midnight" => "0 0 * * *",
            "@weekly" => "0 0 * * 0",
            "@monthly" => "0 0 1 * *",
            other => other,
        };
        use crate::domain::crontab::{CrontabError, schedule};
        let schedule = schedule(five).map_err(|e| match e {
            CrontabError::Fields => format!(
                "'{t}' is not a cron expression: give five fields (minute hour day month weekday), e.g. */5 * * * * or 0 8 * * 1, or off"
            ),
            CrontabError::Weekday(e) => format!("'{t}' is not a cron expression: {e}"),
            CrontabError::Cron(e) => format!(
                "'{t}' is not a cron expression ({e}); use five fields (minute hour day month weekday), e.g. 0 3 * * *"
            ),
        })?;
        Ok(Some(CronSpec { source: t.to_string(), schedule }))
    }

    /// The next time it fires after `after`, in `tz`.
    pub fn next_after(&self, after: chrono::DateTime<chrono::Utc>, tz: Tz) -> Option<chrono::DateTime<chrono::Utc>> {
        self.schedule.after(&after.with_timezone(&tz)).next().map(|t| t.with_timezone(&chrono::Utc))
    }
}

/// When `serve` runs each job (`None`: not scheduled).
#[derive(Debug, Clone)]
pub struct Schedules {
    pub sla_check: Option<CronSpec>,
    pub backup: Option<CronSpec>,
    pub prune: Option<CronSpec>,
    pub archive: Option<CronSpec>,
    pub report: Option<CronSpec>,
    pub stock_forecast: Option<CronSpec>,
    pub recurring: Option<CronSpec>,
    pub onec_pull: Option<CronSpec>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    StartTls,
    Tls,
    Plain,
}

/// Email settings; sent only when `enabled`, which needs host, sender and staff mailbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    pub enabled: bool,
    /// Email the staff mailbox about every new request too.
    pub new_requests: bool,
    pub escalation_to: Vec<String>,
    pub host: Option<String>,
    pub port: Option<u16>,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub password: Option<Secret>,
    pub from: Option<String>,
    pub staff_to: Vec<String>,
}

/// Everything configurable, typed and checked.
#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: DatabaseUrl,
    pub bot_token: Option<Secret>,
    pub telegram_api_url: String,
    pub super_admins: Vec<i64>,
    /// A staff group chat for new-request announcements.
    pub staff_chat_id: Option<i64>,
    /// How often one person may call the server room.
    pub call_cooldown: Duration,
    /// Broadcast messages per second at most.
    pub broadcast_rate: u32,
    /// How long serve lets work in hand finish once told to stop.
    pub shutdown_grace: Duration,
    /// Prometheus metrics, if served.
    pub metrics: MetricsSettings,
    pub default_language: Lang,
    pub timezone: Tz,
    pub sla: SlaSettings,
    pub backup: BackupSettings,
    pub archive: ArchivePolicy,
    pub schedule: Schedules,
    pub smtp: SmtpSettings,
    pub web: WebSettings,
    pub onec: OnecSettings,
    pub stock: StockSettings,
}

/// Prometheus metrics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricsSettings {
    /// `/metrics` is served at all.
    pub enabled: bool,
    /// A listener of its own; `None`: the panel's.
    pub listen: Option<std::net::SocketAddr>,
}

/// How cartridges move: empties back, refills.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockSettings {
    /// Empties come back when full ones are issued.
    pub return_empties: bool,
    /// Days the supplier takes to deliver.
    pub lead_days: u32,
    /// Days a suggested order covers after it arrives.
    pub cover_days: u32,
}

/// 1C's exchange with a site (`/1c/exchange`): who may sign in, how much it may send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnecSettings {
    /// `None`: no exchange.
    pub user: Option<String>,
    pub password: Option<Secret>,
    /// The most bytes 1C may post at once.
    pub file_limit: u64,
    /// The most bytes one exchange may upload.
    pub upload_max: u64,
    /// Ask for zip archives.
    pub zip: bool,
    /// How long an exchange may last from its `checkauth`.
    pub session_ttl: Duration,
    /// How long an import call waits before answering `progress`.
    pub import_wait: Duration,
    /// Where balances without a warehouse go; `None`: not applied.
    pub default_warehouse: Option<crate::domain::WarehouseKey>,
    /// Pulling balances from 1C's OData interface.
    pub odata: OdataSettings,
}

/// Where and how to pull balances from 1C's standard OData interface. The
/// names differ between configurations: the defaults are those of 1C's
/// trade configurations (Управление торговлей, Комплексная автоматизация).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OdataSettings {
    /// `http(s)://host/base/odata/standard.odata/` (ending in `/`, no credentials); `None`: not configured.
    pub url: Option<url::Url>,
    pub user: Option<String>,
    pub password: Option<Secret>,
    /// `AccumulationRegister_ТоварыНаСкладах`: its `Balance` table is read.
    pub register: String,
    pub item_field: String,
    pub warehouse_field: String,
    pub quantity_field: String,
    /// The items catalog; `None`: balances are matched by 1C id alone.
    pub items: Option<String>,
    pub article_field: Option<String>,
    /// The warehouses catalog; `None`: warehouses are matched by 1C id alone.
    pub warehouses: Option<String>,
    pub timeout: Duration,
    /// Rows asked for at once (`$top`).
    pub page_size: u32,
}

/// The web panel: where `serve` listens, where people open it, how long a session lasts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebSettings {
    pub listen: Option<std::net::SocketAddr>,
    /// The base URL people use (no trailing slash); `None` for `http://listen`.
    pub public_url: Option<url::Url>,
    /// How long a connection may take to send a request's headers (and idle between requests).
    pub header_timeout: Duration,
    pub session_idle: Duration,
    pub session_max: Duration,
    /// How old a Mini App's `initData` may be.
    pub mini_app_max_age: Duration,
}

impl WebSettings {
    /// The base URL links point to, without a trailing slash: the public URL,
    /// else [`WebSettings::local_url`]; `None` when there is no panel.
    pub fn base_url(&self) -> Option<String> {
        match &self.public_url {
            Some(u) => Some(u.as_str().trim_end_matches('/').to_string()),
            None => self.local_url(),
        }
    }

    /// `http://` and the listen address as this host reaches it: a listener
    /// on every address (a container's `0.0.0.0`) is reached on loopback.
    pub fn local_url(&self) -> Option<String> {
        let mut at = self.listen?;
        if at.ip().is_unspecified() {
            at.set_ip(if at.is_ipv4() {
                std::net::Ipv4Addr::LOCALHOST.into()
            } else {
                std::net::Ipv6Addr::LOCALHOST.into()
            });
        }
        Some(format!("http://{at}"))
    }

    /// The Mini App's address (`/app` under the public URL), when that is
    /// https: Telegram opens Mini Apps over https only.
    pub fn mini_app_url(&self) -> Option<String> {
        if self.https() { self.base_url().map(|b| format!("{b}/app")) } else { None }
    }

    /// Whether people reach the panel over https (cookies are then Secure).
    pub fn https(&self) -> bool {
        self.public_url.as_ref().is_some_and(|u| u.scheme() == "https")
    }
}

impl Settings {
    /// Is this Telegram ID a super administrator?
    pub fn is_super_admin(&self, telegram_id: i64) -> bool {
        self.super_admins.contains(&telegram_id)
    }

    /// Settings from the defaults alone (for tests and examples).
    pub fn defaults() -> Settings {
        let layers = Layers::default();
        Loaded::from_layers(&layers).expect("the defaults are valid").settings
    }
}

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Default,
    File(PathBuf),
    DotEnv(PathBuf),
    Env,
    Flag,
    /// A file named by `HELPDESK_<NAME>_FILE`.
    SecretFile(PathBuf),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Default => f.write_str("default"),
            Origin::File(p) => write!(f, "config file {}", p.display()),
            Origin::DotEnv(p) => write!(f, "{}", p.display()),
            Origin::Env => f.write_str("environment"),
            Origin::Flag => f.write_str("command line"),
            Origin::SecretFile(p) => write!(f, "file {}", p.display()),
        }
    }
}

/// A setting that could not be loaded: names the setting, where its value came from and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("invalid {name} (from {origin}): {message}")]
    Invalid { name: String, origin: Origin, message: String },
    #[error("cannot read config file {path}: {message}")]
    FileUnreadable { path: PathBuf, message: String },
    #[error("config file {path} is not valid TOML: {message}")]
    FileSyntax { path: PathBuf, message: String },
    #[error("unknown setting '{key}' in config file {path}; run `helpdesk config show` to list the settings")]
    UnknownKey { path: PathBuf, key: String },
    #[error("cannot read {path}: {message}")]
    DotEnv { path: PathBuf, message: String },
    #[error("unknown setting {name} (from {origin}); run `helpdesk config show` to list the settings")]
    UnknownEnv { name: String, origin: Origin },
    #[error("cannot read {name} from {path}: {message}; check the path and that this user may read it")]
    SecretFile { name: String, path: PathBuf, message: String },
    #[error("both {name} and {name}_FILE are set; keep one")]
    SecretTwice { name: String },
}

/// Raw values by source, before typing.
#[derive(Debug, Default, Clone)]
pub struct Layers {
    pub file: Option<(PathBuf, HashMap<String, String>)>,
    pub dotenv: Option<(PathBuf, HashMap<String, String>)>,
    /// Environment variables (all of them; only `HELPDESK_*` and `TELOXIDE_TOKEN` are read).
    pub env: HashMap<String, String>,
    /// `--flag` values by setting key.
    pub flags: HashMap<String, String>,
}

impl Layers {
    /// Reads the TOML file, the `.env` file in `dir` and the process environment.
    pub fn gather(
        config_file: Option<&Path>,
        dotenv_dir: &Path,
        env: HashMap<String, String>,
        flags: HashMap<String, String>,
    ) -> Result<Layers, ConfigError> {
        let dotenv_path = dotenv_dir.join(".env");
        let dotenv = if dotenv_path.exists() { Some((dotenv_path.clone(), read_dotenv(&dotenv_path)?)) } else { None };
        let config_path = config_file
            .map(Path::to_path_buf)
            .or_else(|| env.get("HELPDESK_CONFIG").map(PathBuf::from))
            .or_else(|| dotenv.as_ref().and_then(|(_, m)| m.get("HELPDESK_CONFIG").map(PathBuf::from)));
        let file = match config_path {
            Some(p) => Some((p.clone(), read_toml(&p)?)),
            None => None,
        };
        Ok(Layers { file, dotenv, env, flags })
    }

    /// The winning raw value of `spec` and its origin: the highest layer
    /// that names the setting decides. In the environment and in `.env` a
    /// secret (or the database URL) may be named by `HELPDESK_<NAME>_FILE`
    /// instead, as Docker and Kubernetes mount secrets; the value and its file
    /// in one layer are one too many.
    fn value(&self, spec: &Spec) -> Result<(String, Origin), ConfigError> {
        let name = spec.env_name();
        if let Some(v) = self.flags.get(spec.key) {
            return Ok((v.clone(), Origin::Flag));
        }
        let teloxide = if spec.key == "bot_token" { self.env.get("TELOXIDE_TOKEN") } else { None };
        if let Some(found) = in_layer(spec, &self.env, self.env.get(&name).or(teloxide), || Origin::Env)? {
            return Ok(found);
        }
        if let Some((path, map)) = &self.dotenv
            && let Some(found) = in_layer(spec, map, map.get(&name), || Origin::DotEnv(path.clone()))?
        {
            return Ok(found);
        }
        if let Some((path, map)) = &self.file
            && let Some(v) = map.get(spec.key)
        {
            return Ok((v.clone(), Origin::File(path.clone())));
        }
        Ok((spec.default.to_string(), Origin::Default))
    }

    /// `HELPDESK_*` variables of a settings group (`SLA_`, `SMTP_`, `BACKUP_`,
    /// `ARCHIVE_`, `SCHEDULE_`) that name no setting: a typo there would
    /// silently change a policy, so they are refused rather than warned about.
    pub fn unknown_policy_env(&self) -> Vec<String> {
        const GROUPS: [&str; 7] = ["SLA_", "SMTP_", "BACKUP_", "ARCHIVE_", "SCHEDULE_", "WEB_", "ONEC_"];
        self.unknown_env().into_iter().filter(|k| GROUPS.iter().any(|g| k[ENV_PREFIX.len()..].starts_with(g))).collect()
    }

    /// `HELPDESK_*` variables that name no setting (likely typos).
    pub fn unknown_env(&self) -> Vec<String> {
        let known: Vec<String> = SPECS
            .iter()
            .flat_map(|s| {
                let name = s.env_name();
                let file = s.from_file_allowed().then(|| format!("{name}_FILE"));
                std::iter::once(name).chain(file)
            })
            .collect();
        let mut names: Vec<String> = self
            .env
            .keys()
            .chain(self.dotenv.iter().flat_map(|(_, m)| m.keys()))
            .filter(|k| k.starts_with(ENV_PREFIX) && !known.contains(k) && !NOT_SETTINGS.contains(&k.as_str()))
            .cloned()
            .collect();
        names.sort();
        names.dedup();
        names
    }
}

/// `spec` in one layer of variables (the environment, `.env`): its `value`
/// there, or the content of the file its `HELPDESK_<NAME>_FILE` names
/// (without the trailing newline), or nothing.
fn in_layer(
    spec: &Spec,
    vars: &HashMap<String, String>,
    value: Option<&String>,
    origin: impl FnOnce() -> Origin,
) -> Result<Option<(String, Origin)>, ConfigError> {
    let name = spec.env_name();
    let var = format!("{name}_FILE");
    let file = vars.get(&var).filter(|p| spec.from_file_allowed() && !p.trim().is_empty());
    match (value, file) {
        (Some(_), Some(_)) => Err(ConfigError::SecretTwice { name }),
        (Some(v), None) => Ok(Some((v.clone(), origin()))),
        (None, Some(path)) => {
            let path = PathBuf::from(path.trim());
            let text = std::fs::read_to_string(&path).map_err(|e| ConfigError::SecretFile {
                name: var.clone(),
                path: path.clone(),
                message: io_message(&e),
            })?;
            Ok(Some((text.trim_end_matches(['\n', '\r']).to_string(), Origin::SecretFile(path))))
        }
        (None, None) => Ok(None),
    }
}

/// An I/O error as a person reads it: "permission denied", not "Permission denied (os error 13)".
fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

fn read_dotenv(path: &Path) -> Result<HashMap<String, String>, ConfigError> {
    let iter =
        dotenvy::from_path_iter(path).map_err(|e| ConfigError::DotEnv { path: path.into(), message: e.to_string() })?;
    let mut map = HashMap::new();
    for item in iter {
        let (k, v) = item.map_err(|e| ConfigError::DotEnv { path: path.into(), message: e.to_string() })?;
        map.insert(k, v);
    }
    Ok(map)
}

/// Reads a TOML file into flat keys: `[sla] accept_high` becomes `sla_accept_high`.
fn read_toml(path: &Path) -> Result<HashMap<String, String>, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError::FileUnreadable { path: path.into(), message: e.to_string() })?;
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| ConfigError::FileSyntax {
        path: path.into(),
        message: e.message().to_string(),
    })?;
    let mut out = HashMap::new();
    flatten("", &table, path, &mut out)?;
    Ok(out)
}

fn flatten(
    prefix: &str,
    table: &toml::Table,
    path: &Path,
    out: &mut HashMap<String, String>,
) -> Result<(), ConfigError> {
    for (k, v) in table {
        let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}_{k}") };
        let shown = || if prefix.is_empty() { k.clone() } else { format!("{}.{k}", prefix.replace('_', ".")) };
        match v {
            toml::Value::Table(t) => flatten(&key, t, path, out)?,
            other => {
                if !SPECS.iter().any(|s| s.key == key) {
                    return Err(ConfigError::UnknownKey { path: path.into(), key: shown() });
                }
                let text = match other {
                    toml::Value::String(s) => s.clone(),
                    toml::Value::Array(items) => items
                        .iter()
                        .map(|i| match i {
                            toml::Value::String(s) => s.clone(),
                            x => x.to_string(),
                        })
                        .collect::<Vec<_>>()
                        .join(","),
                    x => x.to_string(),
                };
                out.insert(key, text);
            }
        }
    }
    Ok(())
}

/// One line of `config show`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Shown {
    pub key: &'static str,
    pub env: String,
    pub value: String,
    pub origin: String,
}

/// Settings together with where each value came from.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub settings: Settings,
    pub shown: Vec<Shown>,
    pub unknown_env: Vec<String>,
}

impl Loaded {
    pub fn from_layers(layers: &Layers) -> Result<Loaded, ConfigError> {
        if let Some(name) = layers.unknown_policy_env().into_iter().next() {
            let origin = if layers.env.contains_key(&name) {
                Origin::Env
            } else {
                layers.dotenv.as_ref().map(|(p, _)| Origin::DotEnv(p.clone())).unwrap_or(Origin::Env)
            };
            return Err(ConfigError::UnknownEnv { name, origin });
        }
        let mut raw: BTreeMap<&'static str, (String, Origin)> = BTreeMap::new();
        for s in SPECS {
            raw.insert(s.key, layers.value(s)?);
        }
        let mut p = Parser { raw: &raw };
        let settings = Settings {
            database_url: {
                let url = p.get("database_url", DatabaseUrl::parse)?;
                // A URL given on the command line is taken as it is.
                if matches!(raw["database_url"].1, Origin::Flag) {
                    url
                } else {
                    // Its refusals are about the URL, never the password: they are told.
                    p.get_telling("database_password", |v| url.with_password(v))?
                }
            },
            bot_token: p.get("bot_token", |v| Ok(non_empty(v).map(Secret::new)))?,
            telegram_api_url: p.get("telegram_api_url", parse_http_url)?,
            super_admins: p.get("super_admins", parse_ids)?,
            staff_chat_id: p.get("staff_chat_id", |v| match non_empty(v) {
                None => Ok(None),
                Some(s) => s
                    .parse::<i64>()
                    .map(Some)
                    .map_err(|_| format!("'{s}' is not a Telegram chat ID (a number; group IDs are negative)")),
            })?,
            call_cooldown: p.get("call_cooldown", parse_duration)?,
            broadcast_rate: p.get("broadcast_rate", |v| match v.trim().parse::<u32>() {
                Ok(n) if (1..=1000).contains(&n) => Ok(n),
                _ => Err(format!("'{v}' is not a rate between 1 and 1000 messages a second")),
            })?,
            shutdown_grace: p.get("shutdown_grace", parse_duration)?,
            metrics: MetricsSettings {
                enabled: p.get("metrics", parse_switch)?,
                listen: p.get("metrics_listen", |v| parse_listen(v, "127.0.0.1:9090"))?,
            },
            default_language: p.get("default_language", |v| Lang::parse_named(v).map_err(|e| e.to_string()))?,
            timezone: p.get("timezone", |v| {
                v.trim().parse::<Tz>().map_err(|_| {
                    format!("'{v}' is not a time zone; use an IANA name such as Europe/Kyiv, Europe/Moscow or UTC")
                })
            })?,
            sla: SlaSettings {
                accept: PerPriority {
                    low: p.get("sla_accept_low", parse_duration)?,
                    medium: p.get("sla_accept_medium", parse_duration)?,
                    high: p.get("sla_accept_high", parse_duration)?,
                },
                resolve: PerPriority {
                    low: p.get("sla_resolve_low", parse_optional_duration)?,
                    medium: p.get("sla_resolve_medium", parse_optional_duration)?,
                    high: p.get("sla_resolve_high", parse_optional_duration)?,
                },
                repeat: p.get("sla_repeat", parse_duration)?,
                escalate_after: p.get("sla_escalate_after", |v| parse_count(v, 1))?,
                high_always: p.get("sla_high_always", parse_switch)?,
                waiting_close_after: p.get("waiting_close_after", parse_optional_duration)?,
            },
            backup: BackupSettings {
                dir: p.get("backup_dir", |v| {
                    non_empty(v).map(PathBuf::from).ok_or_else(|| "the backup directory is empty".to_string())
                })?,
                keep_daily: p.get("backup_keep_daily", |v| parse_count(v, 1))?,
                compress: p.get("backup_compress", |v| match v.trim().to_ascii_lowercase().as_str() {
                    "" | "none" | "off" => Ok(Compression::None),
                    "zstd" => Ok(Compression::Zstd),
                    _ => Err(format!("'{v}' is not a compression; use none or zstd")),
                })?,
            },
            archive: ArchivePolicy {
                after_days: p.get("archive_after_days", |v| parse_count(v, 1))?,
                cartridge: p.get("archive_after_days_cartridge", parse_optional_days)?,
                repair: p.get("archive_after_days_repair", parse_optional_days)?,
                maintenance: p.get("archive_after_days_maintenance", parse_optional_days)?,
                it_help: p.get("archive_after_days_it_help", parse_optional_days)?,
            },
            schedule: Schedules {
                sla_check: p.get("schedule_sla_check", CronSpec::parse)?,
                backup: p.get("schedule_backup", CronSpec::parse)?,
                prune: p.get("schedule_prune", CronSpec::parse)?,
                archive: p.get("schedule_archive", CronSpec::parse)?,
                report: p.get("schedule_report", CronSpec::parse)?,
                stock_forecast: p.get("schedule_stock_forecast", CronSpec::parse)?,
                recurring: p.get("schedule_recurring", CronSpec::parse)?,
                onec_pull: p.get("schedule_onec_pull", CronSpec::parse)?,
            },
            smtp: SmtpSettings {
                enabled: p.get("email", parse_switch)?,
                new_requests: p.get("email_new_requests", parse_switch)?,
                escalation_to: p.get("smtp_escalation_to", parse_mailboxes)?,
                host: p.get("smtp_host", |v| Ok(non_empty(v)))?,
                port: p.get("smtp_port", |v| match non_empty(v) {
                    None => Ok(None),
                    Some(s) => s
                        .parse::<u16>()
                        .ok()
                        .filter(|p| *p > 0)
                        .map(Some)
                        .ok_or_else(|| format!("'{s}' is not a port number (1-65535)")),
                })?,
                security: p.get("smtp_security", |v| match v.trim().to_ascii_lowercase().as_str() {
                    "starttls" => Ok(SmtpSecurity::StartTls),
                    "tls" | "ssl" => Ok(SmtpSecurity::Tls),
                    "plain" | "none" => Ok(SmtpSecurity::Plain),
                    _ => Err(format!("'{v}' is not a connection security; use starttls, tls or plain")),
                })?,
                username: p.get("smtp_username", |v| Ok(non_empty(v)))?,
                password: p.get("smtp_password", |v| Ok(non_empty(v).map(Secret::new)))?,
                from: p.get("smtp_from", |v| match non_empty(v) {
                    None => Ok(None),
                    Some(s) => parse_mailboxes(&s).map(|_| Some(s)),
                })?,
                staff_to: p.get("smtp_staff_to", parse_mailboxes)?,
            },
            web: WebSettings {
                listen: p.get("web_listen", |v| parse_listen(v, "127.0.0.1:8080"))?,
                public_url: p.get("web_public_url", |v| match non_empty(v) {
                    None => Ok(None),
                    Some(s) => match url::Url::parse(&s) {
                        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Ok(Some(u)),
                        _ => Err(format!("'{s}' is not an http(s) URL such as https://helpdesk.example.org")),
                    },
                })?,
                header_timeout: p.get("web_header_timeout", parse_duration)?,
                session_idle: p.get("web_session_idle", parse_duration)?,
                session_max: p.get("web_session_max", parse_duration)?,
                mini_app_max_age: p.get("web_mini_app_max_age", parse_duration)?,
            },
            onec: OnecSettings {
                user: p.get("onec_exchange_user", |v| Ok(non_empty(v)))?,
                password: p.get("onec_exchange_password", |v| Ok(non_empty(v).map(Secret::new)))?,
                file_limit: p.get("onec_file_limit", |v| parse_bytes(v, 1024))?,
                upload_max: p.get("onec_upload_max", |v| parse_bytes(v, 1024))?,
                zip: p.get("onec_zip", parse_switch)?,
                session_ttl: p.get("onec_session_ttl", parse_duration)?,
                import_wait: p.get("onec_import_wait", |v| match v.trim() {
                    "0" => Ok(Duration::ZERO),
                    _ => parse_duration(v),
                })?,
                default_warehouse: p.get("onec_default_warehouse", |v| match non_empty(v) {
                    None => Ok(None),
                    Some(s) => s.parse().map(Some).map_err(|e: crate::domain::BadKey| e.to_string()),
                })?,
                odata: OdataSettings {
                    url: p.get("onec_odata_url", |v| match non_empty(v) {
                        None => Ok(None),
                        Some(s) => parse_odata_url(&s).map(Some),
                    })?,
                    user: p.get("onec_odata_user", |v| Ok(non_empty(v)))?,
                    password: p.get("onec_odata_password", |v| Ok(non_empty(v).map(Secret::new)))?,
                    register: p.get("onec_odata_register", odata_name)?,
                    item_field: p.get("onec_odata_item_field", odata_name)?,
                    warehouse_field: p.get("onec_odata_warehouse_field", odata_name)?,
                    quantity_field: p.get("onec_odata_quantity_field", odata_name)?,
                    items: p.get("onec_odata_items", optional_odata_name)?,
                    article_field: p.get("onec_odata_article_field", optional_odata_name)?,
                    warehouses: p.get("onec_odata_warehouses", optional_odata_name)?,
                    timeout: p.get("onec_odata_timeout", parse_duration)?,
                    page_size: p.get("onec_odata_page_size", |v| parse_count(v, 1))?,
                },
            },
            stock: StockSettings {
                return_empties: p.get("return_empties", parse_switch)?,
                lead_days: p.get("stock_lead_time", parse_days)?,
                cover_days: p.get("stock_cover", parse_days)?,
            },
        };
        if settings.onec.odata.password.is_some() && settings.onec.odata.user.is_none() {
            let (_, origin) = &raw["onec_odata_password"];
            return Err(ConfigError::Invalid {
                name: "HELPDESK_ONEC_ODATA_PASSWORD".into(),
                origin: origin.clone(),
                message: "a password for 1C's OData interface needs its user; set HELPDESK_ONEC_ODATA_USER".into(),
            });
        }
        if let (Some(_), None) = (&settings.schedule.onec_pull, &settings.onec.odata.url) {
            let (value, origin) = &raw["schedule_onec_pull"];
            return Err(ConfigError::Invalid {
                name: "HELPDESK_SCHEDULE_ONEC_PULL".into(),
                origin: origin.clone(),
                message: format!(
                    "'{value}' schedules pulling balances from 1C's OData interface, but HELPDESK_ONEC_ODATA_URL is not set; set it, or set the schedule to off"
                ),
            });
        }
        if settings.onec.user.is_some() != settings.onec.password.is_some() {
            let key = if settings.onec.user.is_some() { "onec_exchange_user" } else { "onec_exchange_password" };
            let (_, origin) = &raw[key];
            return Err(ConfigError::Invalid {
                name: format!("HELPDESK_{}", key.to_ascii_uppercase()),
                origin: origin.clone(),
                message: "the exchange with 1C needs both a user and a password; set HELPDESK_ONEC_EXCHANGE_USER and HELPDESK_ONEC_EXCHANGE_PASSWORD".into(),
            });
        }
        if settings.smtp.enabled {
            let missing: Vec<&str> = [
                ("HELPDESK_SMTP_HOST", settings.smtp.host.is_none()),
                ("HELPDESK_SMTP_FROM", settings.smtp.from.is_none()),
                ("HELPDESK_SMTP_STAFF_TO", settings.smtp.staff_to.is_empty()),
            ]
            .into_iter()
            .filter_map(|(name, missing)| missing.then_some(name))
            .collect();
            if !missing.is_empty() {
                let (value, origin) = &raw["email"];
                return Err(ConfigError::Invalid {
                    name: "HELPDESK_EMAIL".into(),
                    origin: origin.clone(),
                    message: format!(
                        "'{value}' turns email on, but {} {} not set; set {}, or turn email off",
                        missing.join(" and "),
                        if missing.len() == 1 { "is" } else { "are" },
                        if missing.len() == 1 { "it" } else { "them" }
                    ),
                });
            }
        }
        let shown = SPECS
            .iter()
            .map(|s| {
                let (value, origin) = &raw[s.key];
                let value = if s.secret && !value.is_empty() {
                    "[redacted]".to_string()
                } else if s.key == "database_url" {
                    settings.database_url.redacted()
                } else {
                    value.clone()
                };
                Shown { key: s.key, env: s.env_name(), value, origin: origin.to_string() }
            })
            .collect();
        Ok(Loaded { settings, shown, unknown_env: layers.unknown_env() })
    }
}

struct Parser<'a> {
    raw: &'a BTreeMap<&'static str, (String, Origin)>,
}

impl Parser<'_> {
    fn get<T>(&mut self, key: &'static str, parse: impl FnOnce(&str) -> Result<T, String>) -> Result<T, ConfigError> {
        self.parsed(key, parse, false)
    }

    /// As [`Parser::get`], for a secret whose parser's messages never hold its
    /// value: they are shown, where a secret's are otherwise not.
    fn get_telling<T>(
        &mut self,
        key: &'static str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<T, ConfigError> {
        self.parsed(key, parse, true)
    }

    fn parsed<T>(
        &mut self,
        key: &'static str,
        parse: impl FnOnce(&str) -> Result<T, String>,
        told: bool,
    ) -> Result<T, ConfigError> {
        let (value, origin) = &self.raw[key];
        parse(value).map_err(|message| {
            let spec = SPECS.iter().find(|s| s.key == key).expect("key is in SPECS");
            let name = match origin {
                Origin::File(_) => key.to_string(),
                Origin::Flag => format!("--{}", key.replace('_', "-")),
                _ => spec.env_name(),
            };
            // Never echo a secret back, even when it is malformed.
            let message = if spec.secret && !told { "the value is malformed".to_string() } else { message };
            ConfigError::Invalid { name, origin: origin.clone(), message }
        })
    }
}

/// An address to listen on (`HOST:PORT`), or none when empty; `example` for the message.
fn parse_listen(v: &str, example: &str) -> Result<Option<std::net::SocketAddr>, String> {
    match non_empty(v) {
        None => Ok(None),
        Some(s) => s
            .parse()
            .map(Some)
            .map_err(|_| format!("'{s}' is not an address to listen on; use HOST:PORT such as {example}")),
    }
}

fn non_empty(v: &str) -> Option<String> {
    let t = v.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn parse_http_url(v: &str) -> Result<String, String> {
    let t = v.trim().trim_end_matches('/');
    if t.starts_with("http://") || t.starts_with("https://") {
        Ok(t.to_string())
    } else {
        Err(format!("'{v}' is not an http(s) URL"))
    }
}

/// 1C's OData address: http(s), a host, no credentials (they are settings of
/// their own, so the address can be shown); the path ends in `/`, so names join onto it.
pub fn parse_odata_url(v: &str) -> Result<url::Url, String> {
    let mut u = match url::Url::parse(v.trim()) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => u,
        _ => {
            return Err(format!(
                "'{}' is not an http(s) URL such as https://1c.example.org/base/odata/standard.odata/",
                redact_url_password(v.trim())
            ));
        }
    };
    if !u.username().is_empty() || u.password().is_some() {
        return Err("the URL holds a user name or password; give them in HELPDESK_ONEC_ODATA_USER and HELPDESK_ONEC_ODATA_PASSWORD instead".into());
    }
    u.set_query(None);
    u.set_fragment(None);
    if !u.path().ends_with('/') {
        let path = format!("{}/", u.path());
        u.set_path(&path);
    }
    Ok(u)
}

/// A name of 1C's metadata as OData spells it: letters (Cyrillic too), digits and `_`.
fn odata_name(v: &str) -> Result<String, String> {
    let t = v.trim();
    if t.is_empty() {
        return Err("the name is empty; give the name as 1C's $metadata lists it".into());
    }
    if !t.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return Err(format!(
            "'{t}' is not a name as 1C's OData spells it (letters, digits and _, such as AccumulationRegister_ТоварыНаСкладах)"
        ));
    }
    Ok(t.to_string())
}

fn optional_odata_name(v: &str) -> Result<Option<String>, String> {
    if v.trim().is_empty() { Ok(None) } else { odata_name(v).map(Some) }
}

fn parse_ids(v: &str) -> Result<Vec<i64>, String> {
    let mut ids = Vec::new();
    for part in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        match part.parse::<i64>() {
            Ok(id) if id > 0 => ids.push(id),
            _ => return Err(format!("'{part}' is not a Telegram user ID; give positive numbers separated by commas")),
        }
    }
    Ok(ids)
}

/// A number of bytes, at least `min`.
fn parse_bytes(v: &str, min: u64) -> Result<u64, String> {
    match v.trim().parse::<u64>() {
        Ok(n) if n >= min => Ok(n),
        _ => Err(format!("'{v}' is not a number of bytes of at least {min}")),
    }
}

fn parse_count(v: &str, min: u32) -> Result<u32, String> {
    match v.trim().parse::<u32>() {
        Ok(n) if n >= min => Ok(n),
        _ => Err(format!("'{v}' is not a whole number of at least {min}")),
    }
}

/// Parses `90s`, `30m`, `1h`, `1h30m`, `2d`.
pub fn parse_duration(v: &str) -> Result<Duration, String> {
    let t = v.trim();
    match humantime::parse_duration(t) {
        Ok(d) if !d.is_zero() => Ok(d),
        _ => Err(format!("'{v}' is not a duration; use a value like 30m, 1h or 1h30m")),
    }
}

/// Parses a whole number of days: `7d`, `2w`, `30days`.
pub fn parse_days(v: &str) -> Result<u32, String> {
    let bad = || format!("'{v}' is not a whole number of days; use a value like 7d, 30d or 2w");
    let d = humantime::parse_duration(v.trim()).map_err(|_| bad())?;
    let secs = d.as_secs();
    if secs == 0 || secs % 86_400 != 0 || d.subsec_nanos() != 0 {
        return Err(bad());
    }
    u32::try_from(secs / 86_400).ok().filter(|n| *n <= 3660).ok_or_else(|| format!("'{v}' is more than ten years"))
}

fn parse_switch(v: &str) -> Result<bool, String> {
    match v.trim().to_ascii_lowercase().as_str() {
        "on" | "yes" | "true" | "1" => Ok(true),
        "" | "off" | "no" | "false" | "0" => Ok(false),
        _ => Err(format!("'{v}' is not on or off")),
    }
}

fn parse_optional_days(v: &str) -> Result<Option<u32>, String> {
    match non_empty(v) {
        None => Ok(None),
        Some(s) => parse_count(&s, 1).map(Some),
    }
}

/// Email addresses (`a@b.org` or `Name <a@b.org>`), comma-separated.
fn parse_mailboxes(v: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for part in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        part.parse::<lettre::message::Mailbox>().map_err(|_| {
            format!("'{part}' is not an email address; use name@example.org or Name <name@example.org>")
        })?;
        out.push(part.to_string());
    }
    Ok(out)
}

fn parse_optional_duration(v: &str) -> Result<Option<Duration>, String> {
    match v.trim().to_ascii_lowercase().as_str() {
        "" | "off" | "none" | "0" => Ok(None),
        _ => parse_duration(v).map(Some).map_err(|e| format!("{e}, or off")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn defaults_are_valid() {
        let s = Settings::defaults();
        assert_eq!(s.database_url, DatabaseUrl::Sqlite("helpdesk.db".into()));
        assert_eq!(s.sla.accept.high, Duration::from_secs(3600));
        assert_eq!(s.sla.resolve.low, None);
        assert_eq!(s.default_language, Lang::Ru);
        assert_eq!(s.backup.keep_daily, 30);
        assert!(s.bot_token.is_none());
    }

    #[test]
    fn links_to_a_panel_on_every_address_point_at_this_host() {
        let mut web = Settings::defaults().web;
        assert_eq!(web.base_url(), None);
        web.listen = Some("0.0.0.0:8080".parse().unwrap());
        assert_eq!(web.base_url().as_deref(), Some("http://127.0.0.1:8080"));
        web.listen = Some("[::]:8080".parse().unwrap());
        assert_eq!(web.local_url().as_deref(), Some("http://[::1]:8080"));
        web.listen = Some("10.0.0.5:8080".parse().unwrap());
        assert_eq!(web.base_url().as_deref(), Some("http://10.0.0.5:8080"));
        web.public_url = Some("https://desk.example.org/".parse().unwrap());
        assert_eq!(web.base_url().as_deref(), Some("https://desk.example.org"));
        assert_eq!(web.local_url().as_deref(), Some("http://10.0.0.5:8080"));
    }

    #[test]
    fn precedence_flag_env_dotenv_file_default() {
        let mut layers = Layers {
            file: Some((
                "h.toml".into(),
                env(&[("timezone", "Europe/Kyiv"), ("default_language", "en"), ("backup_dir", "/f")]),
            )),
            dotenv: Some((
                ".env".into(),
                env(&[("HELPDESK_TIMEZONE", "Europe/Moscow"), ("HELPDESK_DEFAULT_LANGUAGE", "uk")]),
            )),
            env: env(&[("HELPDESK_TIMEZONE", "Europe/Warsaw")]),
            flags: HashMap::new(),
        };
        let s = Loaded::from_layers(&layers).unwrap().settings;
        assert_eq!(s.timezone, chrono_tz::Europe::Warsaw);
        assert_eq!(s.default_language, Lang::Uk);
        assert_eq!(s.backup.dir, PathBuf::from("/f"));
        layers.flags.insert("timezone".into(), "Asia/Almaty".into());
        assert_eq!(Loaded::from_layers(&layers).unwrap().settings.timezone, chrono_tz::Asia::Almaty);
    }

    #[test]
    fn errors_name_the_setting_and_its_source() {
        let layers = Layers { env: env(&[("HELPDESK_SLA_ACCEPT_HIGH", "5x")]), ..Default::default() };
        let e = Loaded::from_layers(&layers).unwrap_err().to_string();
        assert_eq!(
            e,
            "invalid HELPDESK_SLA_ACCEPT_HIGH (from environment): '5x' is not a duration; use a value like 30m, 1h or 1h30m"
        );
        let layers = Layers { file: Some(("h.toml".into(), env(&[("timezone", "Mars/Base")]))), ..Default::default() };
        let e = Loaded::from_layers(&layers).unwrap_err().to_string();
        assert!(e.starts_with("invalid timezone (from config file h.toml): 'Mars/Base' is not a time zone"), "{e}");
    }

    #[test]
    fn toml_sections_flatten_and_unknown_keys_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.toml");
        std::fs::write(
            &path,
            "super_admins = [1, 2]\n[sla]\naccept_high = \"30m\"\n[smtp]\nhost = \"mail\"\nport = 2525\n",
        )
        .unwrap();
        let map = read_toml(&path).unwrap();
        assert_eq!(map["sla_accept_high"], "30m");
        assert_eq!(map["super_admins"], "1,2");
        assert_eq!(map["smtp_port"], "2525");
        std::fs::write(&path, "[sla]\naccept_urgent = \"30m\"\n").unwrap();
        assert_eq!(
            read_toml(&path).unwrap_err().to_string(),
            format!(
                "unknown setting 'sla.accept_urgent' in config file {}; run `helpdesk config show` to list the settings",
                path.display()
            )
        );
        std::fs::write(&path, "[sla\n").unwrap();
        assert!(matches!(read_toml(&path), Err(ConfigError::FileSyntax { .. })));
    }

    #[test]
    fn secrets_never_show() {
        let layers = Layers {
            env: env(&[
                ("HELPDESK_BOT_TOKEN", "123:SECRET-TOKEN"),
                ("HELPDESK_SMTP_PASSWORD", "hunter2"),
                ("HELPDESK_DATABASE_URL", "postgres://app:pa55@db/helpdesk?sslmode=require&password=x"),
            ]),
            ..Default::default()
        };
        let loaded = Loaded::from_layers(&layers).unwrap();
        let debug = format!("{:?}", loaded.settings);
        for secret in ["SECRET-TOKEN", "hunter2", "pa55", "password=x"] {
            assert!(!debug.contains(secret), "{secret} leaked in {debug}");
            assert!(!format!("{:?}", loaded.shown).contains(secret));
        }
        assert_eq!(loaded.settings.bot_token.as_ref().unwrap().expose(), "123:SECRET-TOKEN");
        assert_eq!(
            loaded.settings.database_url.redacted(),
            "postgres://app:***@db/helpdesk?sslmode=require&password=***"
        );
    }

    #[test]
    fn secret_files_follow_the_layers_and_a_flag_url_is_taken_as_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("token");
        std::fs::write(&file, "from-file\n").unwrap();
        let file = file.to_str().unwrap();
        let dotenv = |pairs: &[(&str, &str)]| Some((PathBuf::from(".env"), env(pairs)));
        let token =
            |layers: &Layers| Loaded::from_layers(layers).map(|l| l.settings.bot_token.unwrap().expose().to_string());
        // The environment's file beats .env's value; the environment's value beats .env's file.
        let layers = Layers {
            env: env(&[("HELPDESK_BOT_TOKEN_FILE", file)]),
            dotenv: dotenv(&[("HELPDESK_BOT_TOKEN", "dotenv")]),
            ..Default::default()
        };
        assert_eq!(token(&layers).unwrap(), "from-file");
        let layers = Layers {
            env: env(&[("HELPDESK_BOT_TOKEN", "env")]),
            dotenv: dotenv(&[("HELPDESK_BOT_TOKEN_FILE", file)]),
            ..Default::default()
        };
        assert_eq!(token(&layers).unwrap(), "env");
        // Both in one layer: refused.
        let layers = Layers {
            dotenv: dotenv(&[("HELPDESK_BOT_TOKEN", "a"), ("HELPDESK_BOT_TOKEN_FILE", file)]),
            ..Default::default()
        };
        assert!(matches!(token(&layers), Err(ConfigError::SecretTwice { .. })));
        // A password for the database URL, but not for one given on the command line.
        let pg = Layers {
            env: env(&[("HELPDESK_DATABASE_URL", "postgres://app@db/hd"), ("HELPDESK_DATABASE_PASSWORD_FILE", file)]),
            ..Default::default()
        };
        let url = Loaded::from_layers(&pg).unwrap().settings.database_url;
        assert_eq!(url, DatabaseUrl::Postgres(Secret::new("postgres://app:from-file@db/hd")));
        let mut flagged = pg.clone();
        flagged.flags.insert("database_url".into(), "sqlite:/data/other.db".into());
        let url = Loaded::from_layers(&flagged).unwrap().settings.database_url;
        assert_eq!(url, DatabaseUrl::Sqlite("/data/other.db".into()));
    }

    #[test]
    fn teloxide_token_is_accepted_but_ours_wins() {
        let layers = Layers { env: env(&[("TELOXIDE_TOKEN", "a")]), ..Default::default() };
        assert_eq!(Loaded::from_layers(&layers).unwrap().settings.bot_token.unwrap().expose(), "a");
        let layers = Layers { env: env(&[("TELOXIDE_TOKEN", "a"), ("HELPDESK_BOT_TOKEN", "b")]), ..Default::default() };
        assert_eq!(Loaded::from_layers(&layers).unwrap().settings.bot_token.unwrap().expose(), "b");
    }

    #[test]
    fn database_urls() {
        assert_eq!(DatabaseUrl::parse("sqlite:/var/lib/hd.db").unwrap(), DatabaseUrl::Sqlite("/var/lib/hd.db".into()));
        assert_eq!(
            DatabaseUrl::parse("sqlite:///var/lib/hd.db").unwrap(),
            DatabaseUrl::Sqlite("/var/lib/hd.db".into())
        );
        assert_eq!(DatabaseUrl::parse("data/hd.db").unwrap(), DatabaseUrl::Sqlite("data/hd.db".into()));
        assert!(matches!(DatabaseUrl::parse("postgresql://h/db").unwrap(), DatabaseUrl::Postgres(_)));
        assert_eq!(
            DatabaseUrl::parse("mysql://h/db").unwrap_err(),
            "unsupported database URL scheme 'mysql'; use sqlite:PATH"
        );
        assert!(DatabaseUrl::parse("sqlite:").is_err());
    }

    #[test]
    fn lists_and_durations() {
        assert_eq!(parse_ids(" 1, 2 ,3").unwrap(), vec![1, 2, 3]);
        assert!(parse_ids("1,abc").is_err());
        assert_eq!(parse_duration("1h30m").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse_optional_duration("off").unwrap(), None);
        assert!(parse_duration("0s").is_err());
    }

    #[test]
    fn cron_expressions_use_crontab_weekdays() {
        use chrono::TimeZone;
        let monday_8 = CronSpec::parse("0 8 * * 1").unwrap().unwrap();
        // 2026-11-21 is a Saturday; the next Monday is the 23rd.
        let after = chrono::Utc.with_ymd_and_hms(2026, 11, 21, 12, 0, 0).unwrap();
        let next = monday_8.next_after(after, chrono_tz::UTC).unwrap();
        assert_eq!(next, chrono::Utc.with_ymd_and_hms(2026, 11, 23, 8, 0, 0).unwrap());
        let sunday = CronSpec::parse("0 4 * * 0").unwrap().unwrap();
        assert_eq!(
            sunday.next_after(after, chrono_tz::UTC).unwrap(),
            chrono::Utc.with_ymd_and_hms(2026, 11, 22, 4, 0, 0).unwrap()
        );
        let weekdays = CronSpec::parse("30 9 * * 1-5").unwrap().unwrap();
        assert_eq!(
            weekdays.next_after(after, chrono_tz::UTC).unwrap(),
            chrono::Utc.with_ymd_and_hms(2026, 11, 23, 9, 30, 0).unwrap()
        );
        let every5 = CronSpec::parse("*/5 * * * *").unwrap().unwrap();
        assert_eq!(every5.next_after(after, chrono_tz::UTC).unwrap(), after + chrono::Duration::minutes(5));
        // In the configured zone: 03:00 in Kyiv is 01:00 UTC in winter.
        let kyiv = CronSpec::parse("0 3 * * *").unwrap().unwrap();
        assert_eq!(
            kyiv.next_after(after, chrono_tz::Europe::Kyiv).unwrap(),
            chrono::Utc.with_ymd_and_hms(2026, 11, 22, 1, 0, 0).unwrap()
        );
        assert!(CronSpec::parse("off").unwrap().is_none());
        assert!(CronSpec::parse("@daily").unwrap().is_some());
        for bad in ["* * * *", "61 * * * *", "0 8 * * 9", "every day"] {
            assert!(CronSpec::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn email_on_needs_the_smtp_settings() {
        let layers =
            Layers { env: env(&[("HELPDESK_EMAIL", "on"), ("HELPDESK_SMTP_HOST", "mail")]), ..Default::default() };
        let e = Loaded::from_layers(&layers).unwrap_err().to_string();
        assert_eq!(
            e,
            "invalid HELPDESK_EMAIL (from environment): 'on' turns email on, but HELPDESK_SMTP_FROM and HELPDESK_SMTP_STAFF_TO are not set; set them, or turn email off"
        );
        let layers = Layers { env: env(&[("HELPDESK_SMTP_STAFF_TO", "not an address")]), ..Default::default() };
        assert!(Loaded::from_layers(&layers).unwrap_err().to_string().contains("is not an email address"));
    }

    #[test]
    fn onec_odata_settings() {
        let s = Settings::defaults();
        assert_eq!(s.onec.odata.url, None);
        assert_eq!(s.onec.odata.register, "AccumulationRegister_ТоварыНаСкладах");
        assert_eq!(s.onec.odata.items.as_deref(), Some("Catalog_Номенклатура"));
        assert!(s.schedule.onec_pull.is_none());
        let layers = Layers {
            env: env(&[
                ("HELPDESK_ONEC_ODATA_URL", "https://1c.example.org/trade/odata/standard.odata"),
                ("HELPDESK_ONEC_ODATA_USER", "helpdesk"),
                ("HELPDESK_ONEC_ODATA_PASSWORD", "Пароль-1C"),
                ("HELPDESK_ONEC_ODATA_ITEMS", ""),
                ("HELPDESK_SCHEDULE_ONEC_PULL", "*/30 * * * *"),
            ]),
            ..Default::default()
        };
        let loaded = Loaded::from_layers(&layers).unwrap();
        let odata = &loaded.settings.onec.odata;
        assert_eq!(odata.url.as_ref().unwrap().as_str(), "https://1c.example.org/trade/odata/standard.odata/");
        assert_eq!(odata.items, None);
        assert!(!format!("{:?} {:?}", loaded.settings, loaded.shown).contains("Пароль-1C"));
        // A schedule without an address, credentials in the address, a name that is not one.
        for (pairs, expected) in [
            (
                &[("HELPDESK_SCHEDULE_ONEC_PULL", "0 * * * *")][..],
                "invalid HELPDESK_SCHEDULE_ONEC_PULL (from environment): '0 * * * *' schedules pulling balances from 1C's OData interface, but HELPDESK_ONEC_ODATA_URL is not set; set it, or set the schedule to off",
            ),
            (
                &[("HELPDESK_ONEC_ODATA_URL", "https://u:secret@1c/odata/standard.odata/")][..],
                "invalid HELPDESK_ONEC_ODATA_URL (from environment): the URL holds a user name or password; give them in HELPDESK_ONEC_ODATA_USER and HELPDESK_ONEC_ODATA_PASSWORD instead",
            ),
            (
                &[("HELPDESK_ONEC_ODATA_REGISTER", "Регистр?x=1")][..],
                "invalid HELPDESK_ONEC_ODATA_REGISTER (from environment): 'Регистр?x=1' is not a name as 1C's OData spells it (letters, digits and _, such as AccumulationRegister_ТоварыНаСкладах)",
            ),
            (
                &[("HELPDESK_ONEC_ODATA_PASSWORD", "x")][..],
                "invalid HELPDESK_ONEC_ODATA_PASSWORD (from environment): a password for 1C's OData interface needs its user; set HELPDESK_ONEC_ODATA_USER",
            ),
        ] {
            let layers = Layers { env: env(pairs), ..Default::default() };
            assert_eq!(Loaded::from_layers(&layers).unwrap_err().to_string(), expected);
        }
    }

    #[test]
    fn unknown_policy_variables_are_refused() {
        let layers = Layers { env: env(&[("HELPDESK_ARCHIVE_AFTER_DAYZ", "5")]), ..Default::default() };
        assert_eq!(
            Loaded::from_layers(&layers).unwrap_err().to_string(),
            "unknown setting HELPDESK_ARCHIVE_AFTER_DAYZ (from environment); run `helpdesk config show` to list the settings"
        );
        let layers = Layers { env: env(&[("HELPDESK_ARCHIVE_AFTER_DAYS_REPAIR", "30")]), ..Default::default() };
        let s = Loaded::from_layers(&layers).unwrap().settings;
        assert_eq!(s.archive.days_for(crate::domain::Kind::Repair), 30);
        assert_eq!(s.archive.days_for(crate::domain::Kind::Cartridge), 90);
    }

    #[test]
    fn unknown_helpdesk_variables_are_reported() {
        let layers = Layers {
            env: env(&[("HELPDESK_TIMEZON", "UTC"), ("HELPDESK_LOG", "debug"), ("PATH", "/bin")]),
            ..Default::default()
        };
        assert_eq!(layers.unknown_env(), vec!["HELPDESK_TIMEZON".to_string()]);
    }
}
