//! Calendars: administrators define the working hours service levels count
//! in (a time zone, hours per weekday, holidays and moved working days) and
//! which branch keeps which calendar. Every post is authorised again by the
//! calendars service, from the store.

use super::Web;
use super::pages::{Flash, Page, call, html, refused};
use super::session::{self, SignedIn};
use crate::domain::{BranchId, BranchKey, Lang};
use crate::i18n::{W, w};
use crate::services::calendars::{self, CalendarForm, DayForm, Overview};
use crate::services::{Error, Result};
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

/// The weekday labels, Monday first, as the fields are named (`mon` … `sun`).
const WEEKDAYS: [(&str, W); 7] = [
    ("mon", W::WdMon),
    ("tue", W::WdTue),
    ("wed", W::WdWed),
    ("thu", W::WdThu),
    ("fri", W::WdFri),
    ("sat", W::WdSat),
    ("sun", W::WdSun),
];

/// A day apart's kinds as the add form offers them.
const KINDS: [(&str, W); 3] = [("holiday", W::DayHoliday), ("yearly", W::DayYearly), ("workday", W::DayWorkday)];

/// One calendar's form: what is stored, or what was posted when it was refused.
pub struct CalendarView {
    pub code: String,
    pub name: String,
    pub timezone: String,
    /// (field, label, hours) per weekday.
    pub week: Vec<(&'static str, String, String)>,
    pub default: bool,
    pub kept_by: String,
    pub days: Vec<DayRow>,
}

pub struct DayRow {
    pub kind: String,
    pub kind_label: String,
    pub date: String,
    pub hours: String,
    pub name: String,
}

pub struct BranchRow {
    pub id: i64,
    pub name: String,
    /// (value, label, chosen): "" for the default, else a calendar's code.
    pub choices: Vec<(String, String, bool)>,
}

#[derive(Template)]
#[template(path = "calendars.html")]
struct CalendarsPage {
    page: Page,
    csrf: String,
    calendars: Vec<CalendarView>,
    new: CalendarView,
    kinds: Vec<(&'static str, String)>,
    branches: Vec<BranchRow>,
}

#[derive(serde::Deserialize, Default)]
pub struct Done {
    done: Option<String>,
}

fn done_flash(lang: Lang, done: Option<&str>) -> Option<Flash> {
    let words = [
        ("saved", W::DoneCalSaved),
        ("day", W::DoneDayAdded),
        ("removed", W::DoneDayRemoved),
        ("list", W::DoneDaysLoaded),
        ("assigned", W::DoneCalAssigned),
    ];
    super::pages::done_flash(lang, done, &words)
}

fn empty_view(lang: Lang) -> CalendarView {
    CalendarView {
        code: String::new(),
        name: String::new(),
        timezone: String::new(),
        week: WEEKDAYS.iter().map(|(f, l)| (*f, w(lang, *l).to_string(), String::new())).collect(),
        default: false,
        kept_by: String::new(),
        days: Vec::new(),
    }
}

fn view(lang: Lang, c: &calendars::CalendarView) -> CalendarView {
    let kind_label = |k: &str| KINDS.iter().find(|(v, _)| *v == k).map_or(k.to_string(), |(_, l)| w(lang, *l).into());
    CalendarView {
        code: c.code.clone(),
        name: c.name.clone(),
        timezone: c.own_timezone.clone().unwrap_or_default(),
        week: WEEKDAYS.iter().zip(&c.week).map(|((f, l), h)| (*f, w(lang, *l).to_string(), h.clone())).collect(),
        default: c.default,
        kept_by: if c.branches.is_empty() { w(lang, W::CalKeptByNone).into() } else { c.branches.join(", ") },
        days: c
            .days
            .iter()
            .map(|d| DayRow {
                kind: d.kind.clone(),
                kind_label: kind_label(&d.kind),
                date: d.date.clone(),
                hours: d.hours.clone(),
                name: d.name.clone(),
            })
            .collect(),
    }
}

/// A calendar form as posted.
#[derive(Debug, Default, Clone)]
struct Posted {
    csrf: String,
    code: String,
    name: String,
    timezone: String,
    week: [String; 7],
    default: bool,
}

impl Posted {
    fn read(pairs: Vec<(String, String)>) -> Posted {
        let mut p = Posted::default();
        for (k, v) in pairs {
            match k.as_str() {
                "csrf" => p.csrf = v,
                "code" => p.code = v,
                "name" => p.name = v,
                "timezone" => p.timezone = v,
                "default" => p.default = true,
                day => {
                    if let Some(i) = WEEKDAYS.iter().position(|(f, _)| *f == day) {
                        p.week[i] = v;
                    }
                }
            }
        }
        p
    }

    fn to_form(&self) -> CalendarForm {
        CalendarForm {
            code: self.code.clone(),
            name: self.name.clone(),
            timezone: Some(self.timezone.clone()),
            week: self.week.clone().map(Some),
            default: Some(self.default),
        }
    }

    /// Shows what was posted in `form`.
    fn fill(&self, form: &mut CalendarView) {
        form.name = self.name.clone();
        form.timezone = self.timezone.clone();
        form.default = self.default;
        for (i, (_, _, hours)) in form.week.iter_mut().enumerate() {
            *hours = self.week[i].clone();
        }
    }
}

async fn render(web: &Web, who: &SignedIn, flash: Option<Flash>, posted: Option<&Posted>) -> Response {
    let lang = who.lang;
    let actor = who.viewer.actor();
    let found: Result<Overview> = call(web, move |app| calendars::overview(app, &actor)).await;
    let overview = match found {
        Ok(x) => x,
        Err(e) => return refused(web, lang, &e),
    };
    let mut views: Vec<CalendarView> = overview.calendars.iter().map(|c| view(lang, c)).collect();
    let mut new = empty_view(lang);
    if let Some(p) = posted {
        match views.iter_mut().find(|v| v.code.eq_ignore_ascii_case(p.code.trim())) {
            Some(v) => p.fill(v),
            None => {
                new.code = p.code.clone();
                p.fill(&mut new);
            }
        }
    }
    let branches = overview
        .branches
        .iter()
        .map(|b| {
            let mut choices = vec![(String::new(), w(lang, W::CalUseDefault).to_string(), b.own.is_none())];
            choices.extend(
                overview
                    .calendars
                    .iter()
                    .map(|c| (c.code.clone(), format!("{} ({})", c.name, c.code), b.own.as_deref() == Some(&c.code))),
            );
            BranchRow { id: b.branch.id.0, name: b.branch.name.clone(), choices }
        })
        .collect();
    let mut page = Page::signed_in(who, w(lang, W::NavCalendars), "/calendars");
    page.flash = flash;
    page.wide = true;
    html(CalendarsPage {
        page,
        csrf: who.viewer.session.csrf.clone(),
        calendars: views,
        new,
        kinds: KINDS.iter().map(|(v, l)| (*v, w(lang, *l).to_string())).collect(),
        branches,
    })
}

/// `GET /calendars`.
pub async fn list(State(web): State<Web>, who: SignedIn, Query(d): Query<Done>) -> Response {
    let flash = done_flash(who.lang, d.done.as_deref());
    render(&web, &who, flash, None).await
}

/// Answers a refused change: the page again with the reason in the person's
/// language (422), or the refusal page for what is not theirs to put right.
async fn again(web: &Web, who: &SignedIn, e: Error, posted: Option<&Posted>) -> Response {
    match super::pages::mistake(who.lang, &e) {
        Some(flash) => super::pages::unprocessable(render(web, who, Some(flash), posted).await),
        None => refused(web, who.lang, &e),
    }
}

fn bad_request(web: &Web, lang: Lang) -> Response {
    super::pages::error_page(web, lang, StatusCode::BAD_REQUEST, None)
}

/// `POST /calendars`: adds a calendar or saves one.
pub async fn save(
    State(web): State<Web>,
    who: SignedIn,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let posted = Posted::read(pairs);
    if !session::posted(&web, &headers, &who.viewer, &posted.csrf) {
        return bad_request(&web, who.lang);
    }
    let (actor, form) = (who.viewer.actor(), posted.to_form());
    match call(&web, move |app| calendars::define(app, &actor, &form)).await {
        Ok(_) => Redirect::to("/calendars?done=saved").into_response(),
        Err(e) => again(&web, &who, e, Some(&posted)).await,
    }
}

#[derive(serde::Deserialize)]
pub struct DayPosted {
    csrf: String,
    kind: String,
    date: String,
    #[serde(default)]
    hours: String,
    #[serde(default)]
    name: String,
}

/// `POST /calendars/{code}/days`: adds a day apart (or changes its hours and name).
pub async fn add_day(
    State(web): State<Web>,
    who: SignedIn,
    headers: HeaderMap,
    Path(code): Path<String>,
    Form(d): Form<DayPosted>,
) -> Response {
    if !session::posted(&web, &headers, &who.viewer, &d.csrf) {
        return bad_request(&web, who.lang);
    }
    let actor = who.viewer.actor();
    let form = DayForm { kind: d.kind, date: d.date, hours: d.hours, name: d.name };
    match call(&web, move |app| calendars::put_day(app, &actor, &code, &form)).await {
        Ok(_) => Redirect::to("/calendars?done=day").into_response(),
        Err(e) => again(&web, &who, e, None).await,
    }
}

#[derive(serde::Deserialize)]
pub struct RemovePosted {
    csrf: String,
    kind: String,
    date: String,
}

/// `POST /calendars/{code}/days/remove`.
pub async fn remove_day(
    State(web): State<Web>,
    who: SignedIn,
    headers: HeaderMap,
    Path(code): Path<String>,
    Form(d): Form<RemovePosted>,
) -> Response {
    if !session::posted(&web, &headers, &who.viewer, &d.csrf) {
        return bad_request(&web, who.lang);
    }
    let actor = who.viewer.actor();
    match call(&web, move |app| calendars::remove_day(app, &actor, &code, Some(&d.kind), &d.date)).await {
        Ok(_) => Redirect::to("/calendars?done=removed").into_response(),
        Err(e) => again(&web, &who, e, None).await,
    }
}

#[derive(serde::Deserialize)]
pub struct AssignPosted {
    csrf: String,
    branch: i64,
    #[serde(default)]
    calendar: String,
}

/// `POST /calendars/assign`: a branch's own calendar, or (empty) the default back.
pub async fn assign(
    State(web): State<Web>,
    who: SignedIn,
    headers: HeaderMap,
    Form(a): Form<AssignPosted>,
) -> Response {
    if !session::posted(&web, &headers, &who.viewer, &a.csrf) {
        return bad_request(&web, who.lang);
    }
    let actor = who.viewer.actor();
    let branch = BranchKey::Id(BranchId(a.branch));
    let calendar = Some(a.calendar.trim().to_string()).filter(|c| !c.is_empty());
    match call(&web, move |app| calendars::assign(app, &actor, &branch, calendar.as_deref())).await {
        Ok(_) => Redirect::to("/calendars?done=assigned").into_response(),
        Err(e) => again(&web, &who, e, None).await,
    }
}

#[derive(serde::Deserialize)]
pub struct ListPosted {
    csrf: String,
    #[serde(default)]
    list: String,
}

/// `POST /calendars/{code}/days/list`: a list of days pasted in (a year's holidays), all or none.
pub async fn add_days(
    State(web): State<Web>,
    who: SignedIn,
    headers: HeaderMap,
    Path(code): Path<String>,
    Form(l): Form<ListPosted>,
) -> Response {
    if !session::posted(&web, &headers, &who.viewer, &l.csrf) {
        return bad_request(&web, who.lang);
    }
    let actor = who.viewer.actor();
    match call(&web, move |app| calendars::put_days_text(app, &actor, &code, &l.list)).await {
        Ok(_) => Redirect::to("/calendars?done=list").into_response(),
        Err(e) => again(&web, &who, e, None).await,
    }
}
