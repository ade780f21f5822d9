//! The requests page: the queue and every request a person may see, with the
//! filters of `requests list`, a search, an order, keyset pages, an SLA
//! marker on what is overdue, and the list keeping itself current. The URL
//! holds all of it, so a view is a bookmark.

use super::Web;
use super::pages::{Page, call, html, refused, wants_fragment};
use super::session::SignedIn;
use crate::domain::model::{ArchivedFilter, RequestOrder};
use crate::domain::{BranchId, Kind, Lang, Named, Priority, RequestNumber, Status, Waiting};
use crate::i18n::{Msg, W, t, when};
use crate::services::requests::{Browse, Listed, browse};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{NaiveDate, TimeZone};

/// Requests on one page.
pub const PER_PAGE: u64 = 50;

/// The page's URL parameters, as typed (what the form shows back).
#[derive(Debug, Default, Clone)]
pub struct Filters {
    pub q: String,
    pub statuses: Vec<Status>,
    pub waiting: Vec<Waiting>,
    pub kinds: Vec<Kind>,
    pub priority: Option<Priority>,
    pub branch: Option<i64>,
    pub from: String,
    pub until: String,
    pub author: String,
    pub assignee: String,
    pub archived: ArchivedFilter,
    pub order: RequestOrder,
    pub after: Option<i64>,
    pub before: Option<i64>,
}

fn order_name(o: RequestOrder) -> &'static str {
    match o {
        // The default goes without saying (an empty value drops out of the URL).
        RequestOrder::Newest | RequestOrder::ReverseQueue => "",
        RequestOrder::Oldest => "oldest",
        RequestOrder::Queue => "queue",
    }
}

fn archived_name(a: ArchivedFilter) -> &'static str {
    match a {
        ArchivedFilter::Exclude => "",
        ArchivedFilter::Only => "only",
        ArchivedFilter::Include => "all",
    }
}

impl Filters {
    /// Reads the query string; what does not parse is left out.
    pub fn parse(pairs: &[(String, String)]) -> Filters {
        let mut f = Filters::default();
        for (k, v) in pairs {
            let v = v.trim();
            match k.as_str() {
                "q" => f.q = v.chars().take(200).collect(),
                "status" => f.statuses.extend(Status::parse_named(v).ok()),
                "waiting" => f.waiting.extend(Waiting::parse_named(v).ok()),
                "kind" => f.kinds.extend(Kind::parse_named(v).ok()),
                "priority" => f.priority = Priority::parse_named(v).ok(),
                "branch" => f.branch = v.parse().ok(),
                "from" => f.from = v.chars().take(10).collect(),
                "until" => f.until = v.chars().take(10).collect(),
                "author" => f.author = v.chars().filter(char::is_ascii_digit).take(19).collect(),
                "assignee" => f.assignee = v.chars().take(19).collect(),
                "archived" => {
                    f.archived = match v {
                        "only" => ArchivedFilter::Only,
                        "all" => ArchivedFilter::Include,
                        _ => ArchivedFilter::Exclude,
                    }
                }
                "order" => {
                    f.order = match v {
                        "oldest" => RequestOrder::Oldest,
                        "queue" => RequestOrder::Queue,
                        _ => RequestOrder::Newest,
                    }
                }
                "after" => f.after = v.parse().ok(),
                "before" => f.before = v.parse().ok(),
                _ => {}
            }
        }
        f.statuses.dedup();
        f.waiting.dedup();
        f.kinds.dedup();
        f
    }

    /// The query string of these filters (without the page position).
    fn query(&self) -> String {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        if !self.q.is_empty() {
            s.append_pair("q", &self.q);
        }
        for st in &self.statuses {
            s.append_pair("status", st.as_str());
        }
        for k in &self.kinds {
            s.append_pair("kind", k.as_str());
        }
        for w in &self.waiting {
            s.append_pair("waiting", w.as_str());
        }
        if let Some(p) = self.priority {
            s.append_pair("priority", p.as_str());
        }
        if let Some(b) = self.branch {
            s.append_pair("branch", &b.to_string());
        }
        for (k, v) in
            [("from", &self.from), ("until", &self.until), ("author", &self.author), ("assignee", &self.assignee)]
        {
            if !v.is_empty() {
                s.append_pair(k, v);
            }
        }
        if self.archived != ArchivedFilter::Exclude {
            s.append_pair("archived", archived_name(self.archived));
        }
        if self.order != RequestOrder::Newest {
            s.append_pair("order", order_name(self.order));
        }
        s.finish()
    }

    fn href(&self, position: Option<(&str, i64)>) -> String {
        let mut q = self.query();
        if let Some((k, id)) = position {
            if !q.is_empty() {
                q.push('&');
            }
            q.push_str(&format!("{k}={id}"));
        }
        if q.is_empty() { "/requests".into() } else { format!("/requests?{q}") }
    }

    /// What the service is asked for; `me` is the viewer's Telegram ID.
    fn browse(&self, tz: chrono_tz::Tz, me: i64) -> Browse {
        let day = |s: &str, next: bool| local_day(tz, s, next);
        Browse {
            statuses: self.statuses.clone(),
            waiting: self.waiting.clone(),
            kinds: self.kinds.clone(),
            priorities: self.priority.into_iter().collect(),
            branch_id: self.branch.map(BranchId),
            author_id: self.author.parse().ok(),
            assignee_id: match self.assignee.as_str() {
                "me" => Some(me),
                other => other.parse().ok(),
            },
            since: day(&self.from, false),
            until: day(&self.until, true),
            archived: self.archived,
            search: (!self.q.is_empty()).then(|| self.q.clone()),
            order: self.order,
            after: self.after,
            before: self.before,
            per_page: PER_PAGE,
        }
    }
}

/// A checkbox or an option of the form.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub on: bool,
}

/// A row as the table shows it.
pub struct Row {
    pub id: i64,
    pub number: String,
    pub created: String,
    pub kind: String,
    pub priority: String,
    pub priority_class: &'static str,
    pub status: String,
    pub status_class: &'static str,
    pub branch: String,
    pub author: String,
    pub contact: String,
    pub description: String,
    pub assignee: String,
    pub overdue: bool,
}

pub fn row(lang: Lang, tz: chrono_tz::Tz, l: &Listed) -> Row {
    let r = &l.request;
    let description: String = r.description.chars().take(140).collect();
    Row {
        id: r.id,
        number: RequestNumber(r.id).to_string(),
        created: when(r.created_at, tz),
        kind: crate::i18n::capitalise(&t(lang, Msg::Kind(r.kind))),
        priority: plain(&t(lang, Msg::Priority(r.priority))),
        priority_class: r.priority.as_str(),
        status: if r.archived_at.is_some() {
            t(lang, Msg::State(crate::domain::State::Archived))
        } else {
            t(lang, Msg::Status(r.status))
        },
        status_class: r.status.as_str(),
        branch: r.branch_name.clone(),
        author: r.author_name.clone(),
        contact: format!("{}, {}", r.contact_name, r.contact_phone),
        description: if description.chars().count() < r.description.chars().count() {
            format!("{description}…")
        } else {
            description
        },
        assignee: r.assignee_name.clone().unwrap_or_default(),
        overdue: l.overdue,
    }
}

#[derive(Template)]
#[template(path = "requests.html")]
struct RequestsPage {
    page: Page,
    f: Filters,
    /// How many filters are set (the filter box opens by itself then).
    active: usize,
    statuses: Vec<Choice>,
    waiting: Vec<Choice>,
    kinds: Vec<Choice>,
    priorities: Vec<Choice>,
    branches: Vec<Choice>,
    archived: Vec<Choice>,
    orders: Vec<Choice>,
    own_only: bool,
    /// The person's branch's printers to order for: id and label.
    printers: Vec<(i64, String)>,
    rows: Vec<Row>,
    first: Option<String>,
    prev: Option<String>,
    next: Option<String>,
    fragment_url: String,
}

#[derive(Template)]
#[template(path = "requests_partial.html")]
struct RequestsRows {
    page: Page,
    rows: Vec<Row>,
    first: Option<String>,
    prev: Option<String>,
    next: Option<String>,
}

/// `GET /requests`.
pub async fn list(
    State(web): State<Web>,
    who: SignedIn,
    headers: HeaderMap,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    let lang = who.lang;
    let tz = web.app.settings.timezone;
    let f = Filters::parse(&pairs);
    let (actor, ask) = (who.viewer.actor(), f.browse(tz, who.viewer.user.telegram_id));
    let found = call(&web, move |app| {
        let page = browse(app, &actor, &ask)?;
        let branches = crate::services::directory::branches(app)?;
        // Someone who sees their own requests orders from here for a printer in two taps.
        let printers = if page.own_only { crate::services::printers::at_my_branch(app, &actor)? } else { vec![] };
        Ok((page, branches, printers))
    })
    .await;
    let (found, branches, printers) = match found {
        Ok(x) => x,
        Err(e) => return refused(&web, lang, &e),
    };
    let rows: Vec<Row> = found.rows.iter().map(|l| row(lang, tz, l)).collect();
    let paged = f.after.is_some() || f.before.is_some();
    let first = paged.then(|| f.href(None));
    let prev = found.prev.map(|id| f.href(Some(("before", id))));
    let next = found.next.map(|id| f.href(Some(("after", id))));
    let title = t_w(lang, W::NavRequests);
    let mut page = Page::signed_in(&who, title, "/requests");
    page.wide = true;
    if wants_fragment(&headers) {
        return html(RequestsRows { page, rows, first, prev, next });
    }
    let choices = |all: Vec<(String, String)>, on: &dyn Fn(&str) -> bool| -> Vec<Choice> {
        all.into_iter().map(|(value, label)| Choice { on: on(&value), value, label }).collect()
    };
    let statuses =
        choices(Status::ALL.iter().map(|s| (s.as_str().to_string(), t(lang, Msg::Status(*s)))).collect(), &|v| {
            f.statuses.iter().any(|s| s.as_str() == v)
        });
    let waiting = choices(
        [(Waiting::Author, crate::domain::State::WaitingAuthor), (Waiting::Parts, crate::domain::State::WaitingParts)]
            .iter()
            .map(|(w, state)| (w.as_str().to_string(), t(lang, Msg::State(*state))))
            .collect(),
        &|v| f.waiting.iter().any(|w| w.as_str() == v),
    );
    let kinds = choices(
        found
            .kinds
            .iter()
            .map(|k| (k.as_str().to_string(), crate::i18n::capitalise(&t(lang, Msg::Kind(*k)))))
            .collect(),
        &|v| f.kinds.iter().any(|k| k.as_str() == v),
    );
    let priorities = choices(
        Priority::ALL.iter().map(|p| (p.as_str().to_string(), plain(&t(lang, Msg::Priority(*p))))).collect(),
        &|v| f.priority.is_some_and(|p| p.as_str() == v),
    );
    let branch_choices = choices(branches.iter().map(|b| (b.id.0.to_string(), b.name.clone())).collect(), &|v| {
        f.branch.is_some_and(|b| b.to_string() == v)
    });
    let archived = choices(
        vec![
            ("".into(), t_w(lang, W::ArchivedNo)),
            ("only".into(), t_w(lang, W::ArchivedOnly)),
            ("all".into(), t_w(lang, W::ArchivedAll)),
        ],
        &|v| v == archived_name(f.archived),
    );
    let orders = choices(
        vec![
            ("".into(), t_w(lang, W::OrderNewest)),
            ("oldest".into(), t_w(lang, W::OrderOldest)),
            ("queue".into(), t_w(lang, W::OrderQueue)),
        ],
        &|v| v == order_name(f.order),
    );
    // The first page keeps itself current; a later one stays where it is.
    let fragment_url = if paged { String::new() } else { f.href(None) };
    let active = f.statuses.len().min(1)
        + f.waiting.len().min(1)
        + f.kinds.len().min(1)
        + [f.priority.is_some(), f.branch.is_some(), !f.from.is_empty(), !f.until.is_empty()]
            .iter()
            .chain([!f.author.is_empty(), !f.assignee.is_empty(), f.archived != ArchivedFilter::Exclude].iter())
            .filter(|on| **on)
            .count();
    html(RequestsPage {
        page,
        active,
        statuses,
        waiting,
        kinds,
        priorities,
        branches: branch_choices,
        archived,
        orders,
        own_only: found.own_only,
        printers: printers.iter().map(|p| (p.id.0, p.label())).collect(),
        rows,
        first,
        prev,
        next,
        fragment_url,
        f,
    })
}

/// The start of a day typed as `YYYY-MM-DD` in the help desk's zone (of
/// the day after, with `next`: where a period that ends on it stops).
pub fn local_day(tz: chrono_tz::Tz, s: &str, next: bool) -> Option<chrono::DateTime<chrono::Utc>> {
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
    let d = if next { d.succ_opt()? } else { d };
    tz.from_local_datetime(&d.and_hms_opt(0, 0, 0)?).earliest().map(|t| t.with_timezone(&chrono::Utc))
}

/// A label without the emoji the bot puts in front (the panel shows colour instead).
pub fn plain(label: &str) -> String {
    label.trim_start_matches(|c: char| !c.is_alphanumeric()).trim().to_string()
}

fn t_w(lang: Lang, w: W) -> String {
    crate::i18n::w(lang, w).to_string()
}
