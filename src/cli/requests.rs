//! `helpdesk requests list|show`.

use super::filters::{Selection, period};
use super::output::{Format, Sink, Times, new_table, print_object, print_rows};
use super::{Global, open_app};
use crate::domain::model::{ArchivedFilter, Request, RequestOrder, RequestQuery};
use crate::domain::{Kind, Priority, RequestNumber, Status};
use crate::services::OpenOptions;
use crate::services::{Actor, requests};
use anyhow::Result;
use clap::{Subcommand, ValueEnum};
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Order {
    /// Newest first
    Newest,
    /// Oldest first
    Oldest,
    /// The work queue: highest priority first, then oldest
    Queue,
}

#[derive(Debug, Subcommand)]
pub enum RequestsCommand {
    /// List requests, newest first
    #[command(after_help = "\
Dates are YYYY-MM-DD in the configured time zone (or RFC 3339 times); --until includes the whole day.

Examples:
  helpdesk requests list --status new --branch KHARKIV
  helpdesk requests list --waiting author
  helpdesk requests list --kind cartridge --from 2026-01-01 --until 2026-03-31 --limit 0 --format csv
  helpdesk requests list --archived")]
    List {
        #[command(flatten)]
        selection: Selection,
        /// Only requests waiting (their clock stopped) for this: author, parts (repeat or separate with commas)
        #[arg(long, value_parser = super::named(<crate::domain::Waiting as crate::domain::Named>::ALL), value_delimiter = ',')]
        waiting: Vec<crate::domain::Waiting>,
        /// Only requests filed by this Telegram ID
        #[arg(long, value_name = "TELEGRAM_ID")]
        author: Option<i64>,
        /// Only requests assigned to this Telegram ID
        #[arg(long, value_name = "TELEGRAM_ID")]
        assignee: Option<i64>,
        /// Created on or after this date (also --since)
        #[arg(long, value_name = "DATE", alias = "since")]
        from: Option<String>,
        /// Created on or before this date
        #[arg(long, value_name = "DATE")]
        until: Option<String>,
        /// Only archived requests
        #[arg(long, conflicts_with = "include_archived")]
        archived: bool,
        /// Archived requests too
        #[arg(long)]
        include_archived: bool,
        #[arg(long, value_enum, default_value_t = Order::Newest)]
        order: Order,
        /// At most this many (0 for all)
        #[arg(long, value_name = "N", default_value_t = 50)]
        limit: u64,
        /// Skip this many first
        #[arg(long, value_name = "N", default_value_t = 0)]
        offset: u64,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Show one request: every field, cartridge lines, attachments and history
    /// (CSV: the request's row only)
    #[command(after_help = "Example:\n  helpdesk requests show HD-000123")]
    Show {
        /// Request number, e.g. HD-000123 or 123
        number: String,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

/// A request as listed: the same fields in a table, JSON and CSV.
#[derive(serde::Serialize)]
struct Row {
    number: String,
    created: String,
    kind: Kind,
    priority: Priority,
    status: Status,
    /// What an accepted request waits for, its clock stopped.
    waiting: Option<crate::domain::Waiting>,
    branch: String,
    author: String,
    author_id: i64,
    contact_name: String,
    contact_phone: String,
    assignee: Option<String>,
    assignee_id: Option<i64>,
    description: String,
    rejection_reason: Option<String>,
    accepted: Option<String>,
    closed: Option<String>,
    archived: Option<String>,
}

const HIDDEN_IN_TABLE: &[&str] = &[
    "author_id",
    "assignee_id",
    "contact_name",
    "contact_phone",
    "rejection_reason",
    "accepted",
    "closed",
    "archived",
];

fn row(r: Request, t: &Times) -> Row {
    Row {
        number: RequestNumber(r.id).to_string(),
        created: t.at(r.created_at),
        kind: r.kind,
        priority: r.priority,
        status: r.status,
        waiting: r.waiting,
        branch: r.branch_code,
        author: r.author_name,
        author_id: r.author_id,
        contact_name: r.contact_name,
        contact_phone: r.contact_phone,
        assignee: r.assignee_name,
        assignee_id: r.assignee_id,
        description: r.description,
        rejection_reason: r.rejection_reason,
        accepted: t.opt(r.accepted_at),
        closed: t.opt(r.closed_at),
        archived: t.opt(r.archived_at),
    }
}

pub fn run(global: &Global, cmd: RequestsCommand) -> Result<ExitCode> {
    let app = open_app(global, OpenOptions::default())?;
    let tz = app.settings.timezone;
    match cmd {
        RequestsCommand::List {
            selection,
            waiting,
            author,
            assignee,
            from,
            until,
            archived,
            include_archived,
            order,
            limit,
            offset,
            format,
        } => {
            let (since, until) = period(tz, from.as_deref(), until.as_deref())?;
            let branch_id = selection.branch_id(&app)?;
            let mut query = RequestQuery {
                statuses: selection.status,
                kinds: selection.kind,
                branch_id,
                author_id: author,
                assignee_id: assignee,
                since,
                until,
                closed_since: None,
                closed_before: None,
                priorities: Vec::new(),
                waiting,
                search: None,
                after: None,
                archived: if archived {
                    ArchivedFilter::Only
                } else if include_archived {
                    ArchivedFilter::Include
                } else {
                    ArchivedFilter::Exclude
                },
                order: match order {
                    Order::Newest => RequestOrder::Newest,
                    Order::Oldest => RequestOrder::Oldest,
                    Order::Queue => RequestOrder::Queue,
                },
                limit: (limit > 0).then_some(limit),
                offset,
            };
            let times = Times { tz, format };
            let mut sink = Sink::new(format, HIDDEN_IN_TABLE);
            let mut failed = None;
            requests::scan(&app, &query, &mut |r| {
                if let Err(e) = sink.row(&row(r, &times)) {
                    failed = Some(e);
                    return Ok(false);
                }
                Ok(true)
            })?;
            if let Some(e) = failed {
                return Err(e);
            }
            let shown = sink.rows();
            sink.finish("no requests match")?;
            if format == Format::Table && limit > 0 && shown == limit {
                query.limit = None;
                query.offset = 0;
                let total = requests::count(&app, &query)?;
                println!("showing {}-{} of {total}; use --limit and --offset for more", offset + 1, offset + shown);
            }
        }
        RequestsCommand::Show { number, format } => {
            let number = RequestNumber::parse(&number)?;
            let card = requests::card(&app, &Actor::operator_from_env(), number.0)?;
            let times = Times { tz, format };
            let items: Vec<serde_json::Value> = card
                .items
                .iter()
                .map(|i| {
                    serde_json::json!({
                        "article": i.vendor_article, "cartridge": i.cartridge_name,
                        "quantity": i.quantity, "issued": i.issued_quantity, "comment": i.comment,
                        "printer": i.printer.as_ref().map(|p| &p.inventory_number),
                    })
                })
                .collect();
            let attachments: Vec<serde_json::Value> = card
                .attachments
                .iter()
                .map(|a| {
                    serde_json::json!({
                        "kind": a.kind, "file_id": a.file_id, "file_name": a.file_name,
                        "mime_type": a.mime_type, "added": times.at(a.created_at),
                    })
                })
                .collect();
            let history: Vec<serde_json::Value> = card
                .history
                .iter()
                .map(|l| serde_json::json!({
                    "at": times.at(l.at), "actor": l.actor, "action": l.action, "before": l.before, "after": l.after,
                }))
                .collect();
            match format {
                Format::Csv => print_rows(Format::Csv, &[row(card.request, &times)], &[], "")?,
                Format::Json => {
                    let mut obj = serde_json::to_value(row(card.request, &times))?;
                    obj["items"] = items.into();
                    obj["attachments"] = attachments.into();
                    obj["history"] = history.into();
                    print_object(Format::Json, &obj)?;
                }
                _ => {
                    print_object(Format::Table, &row(card.request, &times))?;
                    for (title, list) in [("Cartridges", &items), ("Attachments", &attachments), ("History", &history)]
                    {
                        if list.is_empty() {
                            continue;
                        }
                        println!("{title}");
                        let mut table = new_table();
                        if let Some(serde_json::Value::Object(first)) = list.first() {
                            table.set_header(first.keys().cloned().collect::<Vec<_>>());
                        }
                        for v in list {
                            if let serde_json::Value::Object(m) = v {
                                table.add_row(
                                    m.values()
                                        .map(|x| match x {
                                            serde_json::Value::Null => String::new(),
                                            serde_json::Value::String(s) => s.clone(),
                                            other => other.to_string(),
                                        })
                                        .collect::<Vec<_>>(),
                                );
                            }
                        }
                        println!("{table}");
                    }
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
