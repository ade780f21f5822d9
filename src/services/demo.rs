//! Realistic demo data: employees in every branch and requests across kinds,
//! priorities, statuses and months, for trying the tool out and for benchmarks.
//!
//! Requests follow their age the way real ones do: most from the last day are
//! still open, almost all older than two weeks are closed. Generation is
//! deterministic for a given seed and runs in one transaction.

use super::{Actor, App, AuditEvent, Error, Progress, Result, audit};
use crate::domain::audit::AuditAction;
use crate::domain::{BranchId, CartridgeTypeId, Kind, MoveKind, PrinterId, Priority, Role, Status, WarehouseId};
use crate::store::{NewIssue, NewItem, NewRequest, NewStockMove, PrinterFilter, Tx, User, UserFilter};
use chrono::{DateTime, Datelike, Duration, Utc};
use serde_json::json;

/// First Telegram ID of demo employees; they are recognisable by their range.
pub const DEMO_EMPLOYEE_BASE: i64 = 7_000_000_000;
/// First Telegram ID of demo staff, made when the fixtures bring none.
pub const DEMO_STAFF_BASE: i64 = 7_100_000_000;
const EMPLOYEES_PER_BRANCH: i64 = 25;

#[derive(Debug, Clone, Copy)]
pub struct DemoOptions {
    pub requests: u64,
    /// Requests are spread over this many months back from now.
    pub months: u32,
    pub seed: u64,
    /// Also a history of cartridge consumption over the months (see [`consumption`]).
    pub consumption: bool,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions { requests: 1000, months: 12, seed: 1, consumption: false }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DemoReport {
    pub employees_added: u64,
    pub staff_added: u64,
    pub requests_added: u64,
    pub open_requests: u64,
    /// Cartridge orders of the consumption history, and the cartridges issued in all (for
    /// them and for the demo requests' cartridge orders done).
    pub cartridge_orders_added: u64,
    pub cartridges_issued: u64,
}

const FIRST_NAMES: &[&str] = &[
    "Александр",
    "Анна",
    "Виктор",
    "Галина",
    "Дмитрий",
    "Елена",
    "Игорь",
    "Ирина",
    "Максим",
    "Марина",
    "Николай",
    "Наталья",
    "Олег",
    "Ольга",
    "Павел",
    "Светлана",
    "Сергей",
    "Татьяна",
    "Юрий",
    "Юлия",
    "Богдан",
    "Оксана",
    "Тарас",
    "Ганна",
    "Василь",
    "Леся",
];
const LAST_NAMES: &[&str] = &[
    "Коваль",
    "Бондаренко",
    "Ткаченко",
    "Кравченко",
    "Олийнык",
    "Шевчук",
    "Поліщук",
    "Мороз",
    "Лысенко",
    "Руденко",
    "Савченко",
    "Петренко",
    "Марченко",
    "Гончаренко",
    "Левченко",
    "Павленко",
    "Сидоренко",
    "Кузьменко",
];
const REPAIRS: &[&str] = &[
    "Не включается системный блок",
    "Принтер зажевывает бумагу",
    "Монитор мерцает и гаснет",
    "Не работает клавиатура",
    "Сломался кассовый терминал",
    "МФУ не сканирует, ошибка E5",
    "Шумит вентилятор в системном блоке",
    "Не работає телефонний апарат",
];
const MAINTENANCE: &[&str] = &[
    "Плановое обслуживание принтеров",
    "Чистка системных блоков",
    "Замена батарей ИБП",
    "Проверка сетевой проводки",
    "Обслуговування кондиціонера в серверній",
];
const IT_HELP: &[&str] = &[
    "Не приходит почта в Outlook",
    "Нужен доступ к общей папке бухгалтерии",
    "Забыл пароль от 1С",
    "Не работает VPN из дома",
    "Установить программу для сканирования",
    "Медленно работает интернет",
    "Налаштувати новий ноутбук для співробітника",
    "Please add me to the sales mailing list",
];
const CARTRIDGE_NOTES: &[&str] = &[
    "Закончился картридж в приемной",
    "Принтер пишет: замените картридж",
    "Картридж печатает полосами",
    "Заказ на месяц для отдела",
];
const REJECTIONS: &[&str] = &[
    "Дубликат заявки",
    "Оборудование на гарантии, обратитесь к поставщику",
    "Нет в наличии, заказано у поставщика",
    "Запит не стосується ІТ",
];

struct Gen(fastrand::Rng);

impl Gen {
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.0.usize(..items.len())]
    }
    fn chance(&mut self, p: f64) -> bool {
        self.0.f64() < p
    }
    fn minutes(&mut self, lo: i64, hi: i64) -> Duration {
        Duration::minutes(self.0.i64(lo..=hi))
    }
}

/// Adds demo employees (and staff, if none exist) and `options.requests` requests.
pub fn generate(app: &App, actor: &Actor, options: DemoOptions, progress: &dyn Progress) -> Result<DemoReport> {
    let now = app.now();
    let mut g = Gen(fastrand::Rng::with_seed(options.seed));
    let mut tx = app.store.write()?;
    tx.bulk_load()?;
    super::principal(&mut *tx, &app.settings, actor)?;
    let branches = tx.branches()?;
    let cartridges = tx.cartridge_types()?;
    if branches.is_empty() || cartridges.is_empty() {
        return Err(Error::Invalid(
            "demo data needs branches and a cartridge catalog; run `helpdesk seed` with the fixtures first".into(),
        ));
    }
    let mut report = DemoReport {
        employees_added: 0,
        staff_added: 0,
        requests_added: 0,
        open_requests: 0,
        cartridge_orders_added: 0,
        cartridges_issued: 0,
    };

    // Employees: a fixed set per branch, added once.
    // Each with the branch their requests come from.
    let mut employees: Vec<(User, BranchId)> = Vec::new();
    for (bi, branch) in branches.iter().enumerate() {
        for i in 0..EMPLOYEES_PER_BRANCH {
            let id = DEMO_EMPLOYEE_BASE + (bi as i64) * 1000 + i;
            let user = match tx.user(id)? {
                Some(u) => u,
                None => {
                    let u = User {
                        telegram_id: id,
                        full_name: format!("{} {}", g.pick(LAST_NAMES), g.pick(FIRST_NAMES)),
                        username: None,
                        phone: Some(format!("+38067{:07}", id % 10_000_000)),
                        role: Role::User,
                        branch_id: Some(branch.id),
                        language: None,
                        blocked: false,
                        on_duty: false,
                        bot_blocked_at: None,
                        created_at: now - Duration::days(i64::from(options.months) * 31),
                        last_seen_at: None,
                    };
                    tx.insert_user(&u)?;
                    report.employees_added += 1;
                    u
                }
            };
            let branch_id = user.branch_id.unwrap_or(branch.id);
            employees.push((user, branch_id));
        }
    }

    // Staff: those in the database, plus demo ones for any kind nobody handles.
    let mut staff = tx.users(&UserFilter { staff_only: true, blocked: Some(false), ..Default::default() })?;
    for (n, (role, name)) in
        [(Role::Support, "Демо Поддержка"), (Role::Storekeeper, "Демо Кладовщик")].into_iter().enumerate()
    {
        if !staff.iter().any(|s| s.role == role || s.role == Role::Admin) {
            let u = User {
                telegram_id: DEMO_STAFF_BASE + n as i64,
                full_name: name.to_string(),
                username: None,
                phone: None,
                role,
                branch_id: branches.first().map(|b| b.id),
                language: None,
                blocked: false,
                on_duty: true,
                bot_blocked_at: None,
                created_at: now,
                last_seen_at: None,
            };
            if tx.user(u.telegram_id)?.is_none() {
                tx.insert_user(&u)?;
                report.staff_added += 1;
            }
            staff.push(u);
        }
    }
    let handlers =
        |kind: Kind| -> Vec<i64> { staff.iter().filter(|s| s.role.handles(kind)).map(|s| s.telegram_id).collect() };
    let handlers_by_kind: Vec<(Kind, Vec<i64>)> = [Kind::Cartridge, Kind::Repair, Kind::Maintenance, Kind::ItHelp]
        .into_iter()
        .map(|k| (k, handlers(k)))
        .collect();

    // Times in order, as requests really arrive: ids then grow with time, and
    // every index on created_at is appended to rather than shuffled.
    let span_seconds = i64::from(options.months.max(1)) * 30 * 24 * 3600;
    let mut ages: Vec<i64> = (0..options.requests).map(|_| g.0.i64(60..=span_seconds)).collect();
    ages.sort_unstable_by(|a, b| b.cmp(a));
    let storekeeper = handlers_by_kind
        .iter()
        .find(|(k, _)| *k == Kind::Cartridge)
        .and_then(|(_, ids)| ids.first().copied())
        .unwrap_or(DEMO_STAFF_BASE + 1);
    let by = actor.label();
    // With a consumption history, the cartridge orders done are issued through the ledger
    // too, from their branch's warehouse (the central one for branches without).
    let warehouses = tx.warehouses()?;
    let central = warehouses.iter().find(|w| w.branch_id.is_none()).or(warehouses.first()).map(|w| w.id);
    let warehouse_of = |b: BranchId| warehouses.iter().find(|w| w.branch_id == Some(b)).map(|w| w.id).or(central);
    progress.start("demo requests", Some(options.requests));
    for (n, age) in ages.into_iter().enumerate() {
        let n = n as u64;
        let created_at = now - Duration::seconds(age);
        let request = demo_request(&mut g, now, created_at, &employees, &cartridges, &handlers_by_kind);
        if request.status.is_open() {
            report.open_requests += 1;
        }
        let id = tx.insert_request(&request)?;
        report.requests_added += 1;
        if let (true, Kind::Cartridge, Status::Done, Some(w), Some(at)) =
            (options.consumption, request.kind, request.status, warehouse_of(request.branch_id), request.closed_at)
        {
            for item in tx.items(id)? {
                let line = Line {
                    request_id: id,
                    item_id: item.id,
                    cartridge_type_id: item.cartridge_type_id,
                    quantity: item.quantity,
                };
                issue(&mut *tx, &line, w, Restock { keep: 0, delivery: 50 }, storekeeper, &by, at)?;
                report.cartridges_issued += item.quantity as u64;
            }
        }
        if n % 10_000 == 9_999 {
            progress.advance(10_000);
        }
    }
    progress.advance(options.requests % 10_000);
    progress.finish();
    if options.consumption {
        let made = consumption(&mut *tx, &mut g, now, options.months, &employees, &cartridges, storekeeper, actor)?;
        report.cartridge_orders_added = made.orders;
        report.cartridges_issued += made.issued;
        report.open_requests += made.open;
    }
    audit(&mut *tx, now, actor, AuditEvent::new(AuditAction::SeedDemo, "seed", "demo").after(json!(report)))?;
    tx.commit()?;
    Ok(report)
}

fn demo_request(
    g: &mut Gen,
    now: DateTime<Utc>,
    created_at: DateTime<Utc>,
    employees: &[(User, BranchId)],
    cartridges: &[crate::store::CartridgeType],
    handlers: &[(Kind, Vec<i64>)],
) -> NewRequest {
    let (author, branch_id) = g.pick(employees);
    let kind = match g.0.u32(0..100) {
        0..35 => Kind::Cartridge,
        35..60 => Kind::Repair,
        60..75 => Kind::Maintenance,
        _ => Kind::ItHelp,
    };
    let priority = match g.0.u32(0..100) {
        0..30 => Priority::Low,
        30..80 => Priority::Medium,
        _ => Priority::High,
    };
    let description = match kind {
        Kind::Cartridge => g.pick(CARTRIDGE_NOTES).to_string(),
        Kind::Repair => format!("{}, каб. {}", g.pick(REPAIRS), g.0.u32(1..400)),
        Kind::Maintenance => g.pick(MAINTENANCE).to_string(),
        Kind::ItHelp => g.pick(IT_HELP).to_string(),
    };
    // The older a request, the likelier it is closed.
    let age = now - created_at;
    let open_chance = if age < Duration::days(1) {
        0.7
    } else if age < Duration::days(3) {
        0.4
    } else if age < Duration::days(14) {
        0.1
    } else {
        0.002
    };
    let assignee =
        handlers.iter().find(|(k, _)| *k == kind).and_then(|(_, ids)| (!ids.is_empty()).then(|| *g.pick(ids)));
    let (status, accepted) = if g.chance(open_chance) {
        if g.chance(0.5) && assignee.is_some() { (Status::Accepted, true) } else { (Status::New, false) }
    } else {
        match g.0.u32(0..100) {
            0..85 if assignee.is_some() => (Status::Done, true),
            0..85 => (Status::Cancelled, false),
            85..93 => (Status::Rejected, g.chance(0.5) && assignee.is_some()),
            _ => (Status::Cancelled, g.chance(0.2) && assignee.is_some()),
        }
    };
    // Most are accepted well within the hour; some are late, as in life.
    let wait = if g.chance(0.85) { g.minutes(2, 50) } else { g.minutes(61, 300) };
    let accepted_at = accepted.then(|| (created_at + wait).min(now));
    let closed_at =
        status.is_closed().then(|| (accepted_at.unwrap_or(created_at) + g.minutes(5, 3 * 24 * 60)).min(now));
    let items = if kind == Kind::Cartridge {
        let lines = g.0.usize(1..=3.min(cartridges.len()));
        let start = g.0.usize(..cartridges.len());
        (0..lines)
            .map(|i| {
                let quantity = g.0.i64(1..=5);
                NewItem {
                    cartridge_type_id: cartridges[(start + i) % cartridges.len()].id,
                    quantity,
                    issued_quantity: if status == Status::Done { quantity } else { 0 },
                    comment: None,
                    printer_id: None,
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    NewRequest {
        kind,
        author_id: author.telegram_id,
        branch_id: *branch_id,
        contact_name: author.full_name.clone(),
        contact_phone: author.phone.clone().unwrap_or_else(|| "+380670000000".into()),
        description,
        priority,
        status,
        assignee_id: if accepted { assignee } else { None },
        rejection_reason: (status == Status::Rejected).then(|| g.pick(REJECTIONS).to_string()),
        created_at,
        accepted_at,
        closed_at,
        archived_at: None,
        client_key: None,
        items,
    }
}

/// What [`consumption`] made.
struct Consumed {
    orders: u64,
    open: u64,
    issued: u64,
}

/// One printer's use of one cartridge type: the truth the forecast is
/// measured against.
struct Use {
    branch_id: BranchId,
    printer_id: Option<PrinterId>,
    cartridge_type_id: CartridgeTypeId,
    warehouse_id: WarehouseId,
    /// Cartridges a day at the start of the history.
    base: f64,
    /// Change per year, as a fraction of the base (−0.25 is a quarter less each year).
    trend: f64,
    /// Cartridges one order asks for, on average.
    size: i64,
}

/// A history of cartridge consumption over `months` back from now, with a
/// known truth: every printer of every branch uses each of its types at a
/// rate of its own (a few a month), growing or shrinking by a trend of its
/// own, and swinging with its branch's seasons (an amplitude and a peak day
/// of the year per branch, within a month of the organization's busy season). On a day an order comes with the probability
/// that gives that rate at the printer's order size; it is issued from the
/// branch's warehouse (the central one for branches without) through the
/// ledger the same day, a delivery arriving first when stock would not
/// cover it. Orders of the last two days are still open.
#[allow(clippy::too_many_arguments)]
fn consumption(
    tx: &mut dyn Tx,
    g: &mut Gen,
    now: DateTime<Utc>,
    months: u32,
    employees: &[(User, BranchId)],
    cartridges: &[crate::store::CartridgeType],
    storekeeper: i64,
    actor: &Actor,
) -> Result<Consumed> {
    let warehouses = tx.warehouses()?;
    let Some(central) = warehouses.iter().find(|w| w.branch_id.is_none()).or(warehouses.first()).map(|w| w.id) else {
        return Ok(Consumed { orders: 0, open: 0, issued: 0 });
    };
    let warehouse_of = |b: BranchId| warehouses.iter().find(|w| w.branch_id == Some(b)).map_or(central, |w| w.id);
    let printers = tx.printers(&PrinterFilter::default())?;
    let mut uses: Vec<Use> = Vec::new();
    let new_use = |g: &mut Gen, branch_id: BranchId, printer_id: Option<PrinterId>, c: CartridgeTypeId| Use {
        branch_id,
        printer_id,
        cartridge_type_id: c,
        warehouse_id: warehouse_of(branch_id),
        base: 0.03 + g.0.f64() * 0.22,
        trend: -0.25 + g.0.f64() * 0.75,
        size: match g.0.u32(0..10) {
            0..5 => 1,
            5..8 => 2,
            _ => 3,
        },
    };
    if printers.is_empty() {
        let branches: Vec<BranchId> =
            employees.iter().map(|(_, b)| *b).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
        for b in branches {
            for k in 0..2.min(cartridges.len()) {
                let c = cartridges[(b.0 as usize + k) % cartridges.len()].id;
                uses.push(new_use(g, b, None, c));
            }
        }
    } else {
        for p in &printers {
            for c in &p.cartridge_type_ids {
                uses.push(new_use(g, p.branch_id, Some(p.id), *c));
            }
        }
    }
    // The organization's busy season, and each branch's: how much busier its
    // peak is, and the day of the year of it, within a month of the organization's.
    let peak = g.0.f64() * 365.0;
    let mut seasons: std::collections::HashMap<BranchId, (f64, f64)> = std::collections::HashMap::new();
    for u in &uses {
        seasons.entry(u.branch_id).or_insert_with(|| (0.2 + g.0.f64() * 0.3, peak - 30.0 + g.0.f64() * 60.0));
    }
    let days = i64::from(months.max(1)) * 30;
    let start = now - Duration::days(days);
    // Every order of the history, in time order: (when, which use, how many).
    let mut orders: Vec<(DateTime<Utc>, usize, i64)> = Vec::new();
    for day in 0..days {
        let years = day as f64 / 365.0;
        let date = start + Duration::days(day);
        let doy = f64::from(date.ordinal0());
        for (i, u) in uses.iter().enumerate() {
            let (amplitude, peak) = seasons[&u.branch_id];
            let season = 1.0 + amplitude * (std::f64::consts::TAU * (doy - peak) / 365.25).cos();
            let rate = u.base * (1.0 + u.trend * years).max(0.1) * season;
            if g.chance((rate / u.size as f64).min(0.95)) {
                // In working hours, 07:00 to 16:00 UTC.
                let at = date.date_naive().and_hms_opt(7, 0, 0).expect("7 o'clock").and_utc() + g.minutes(0, 9 * 60);
                if at < now {
                    orders.push((at, i, g.0.i64(1..=2 * u.size - 1)));
                }
            }
        }
    }
    orders.sort_by_key(|o| o.0);
    let by_branch =
        |b: BranchId| -> Vec<&User> { employees.iter().filter(|(_, eb)| *eb == b).map(|(u, _)| u).collect() };
    let people: std::collections::HashMap<BranchId, Vec<&User>> = seasons.keys().map(|b| (*b, by_branch(*b))).collect();
    let mut made = Consumed { orders: 0, open: 0, issued: 0 };
    let by = actor.label();
    for (created_at, i, quantity) in orders {
        let u = &uses[i];
        let Some(author) = people.get(&u.branch_id).and_then(|p| (!p.is_empty()).then(|| *g.pick(p))) else {
            continue;
        };
        let open = now - created_at < Duration::days(2);
        let accepted_at = created_at + g.minutes(2, 50);
        let issued_at = accepted_at + g.minutes(10, 240);
        let (status, accepted_at, closed_at) =
            if open { (Status::New, None, None) } else { (Status::Done, Some(accepted_at), Some(issued_at)) };
        let request_id = tx.insert_request(&NewRequest {
            kind: Kind::Cartridge,
            author_id: author.telegram_id,
            branch_id: u.branch_id,
            contact_name: author.full_name.clone(),
            contact_phone: author.phone.clone().unwrap_or_else(|| "+380670000000".into()),
            description: g.pick(CARTRIDGE_NOTES).to_string(),
            priority: Priority::Medium,
            status,
            assignee_id: (!open).then_some(storekeeper),
            rejection_reason: None,
            created_at,
            accepted_at,
            closed_at,
            archived_at: None,
            client_key: None,
            items: vec![NewItem {
                cartridge_type_id: u.cartridge_type_id,
                quantity,
                issued_quantity: 0,
                comment: None,
                printer_id: u.printer_id,
            }],
        })?;
        made.orders += 1;
        if open {
            made.open += 1;
            continue;
        }
        let item = tx
            .items(request_id)?
            .into_iter()
            .next()
            .ok_or_else(|| Error::Invalid("demo order without a line".into()))?;
        tx.set_item_issued(item.id, quantity)?;
        // A delivery when stock would fall below ten days' use: six weeks' worth.
        let stock = Restock { keep: (u.base * 10.0).ceil() as i64, delivery: (u.base * 42.0).ceil() as i64 };
        let line = Line { request_id, item_id: item.id, cartridge_type_id: u.cartridge_type_id, quantity };
        issue(tx, &line, u.warehouse_id, stock, storekeeper, &by, issued_at)?;
        made.issued += quantity as u64;
    }
    Ok(made)
}

/// A request line to issue.
struct Line {
    request_id: i64,
    item_id: i64,
    cartridge_type_id: CartridgeTypeId,
    quantity: i64,
}

/// When stock is topped up before an issue: below `keep` after it, by
/// `delivery` more than the issue needs.
#[derive(Clone, Copy)]
struct Restock {
    keep: i64,
    delivery: i64,
}

/// Issues a line from `warehouse_id` through the ledger at `at`, as a
/// storekeeper does (no empties back), a delivery (a receipt) arriving an
/// hour before when stock would fall below what `restock` keeps.
fn issue(
    tx: &mut dyn Tx,
    line: &Line,
    warehouse_id: WarehouseId,
    restock: Restock,
    storekeeper: i64,
    by: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    let moved = |kind, full: i64, request_id, issue_id, at| NewStockMove {
        warehouse_id,
        cartridge_type_id: line.cartridge_type_id,
        kind,
        full,
        empty: 0,
        request_id,
        issue_id,
        batch_id: None,
        actor: by.to_string(),
        note: None,
        at,
    };
    let have = tx.stock_level(line.cartridge_type_id, warehouse_id)?.unwrap_or(0);
    if have - line.quantity < restock.keep {
        let delivery = restock.delivery.max(line.quantity) + line.quantity;
        tx.move_stock(&moved(MoveKind::Receipt, delivery, None, None, at - Duration::hours(1)))?;
    }
    let issue_id = tx.insert_issue(&NewIssue {
        request_id: line.request_id,
        item_id: line.item_id,
        warehouse_id,
        quantity: line.quantity,
        empties: 0,
        note: None,
        issued_by: storekeeper,
        issued_at: at,
    })?;
    tx.move_stock(&moved(MoveKind::Issue, -line.quantity, Some(line.request_id), Some(issue_id), at))?;
    Ok(())
}
