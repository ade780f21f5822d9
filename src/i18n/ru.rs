//! Русские тексты.

use super::{Msg, W, listed};
use crate::domain::{
    BadKey, Candidate, Denied, Entity, Field, Kind, LifecycleError, PhoneError, Priority, Refusal, Role, State, Status,
    TextField,
};

pub(super) fn text(m: Msg<'_>) -> String {
    match m {
        Msg::MenuNewRequest => "📝 Новая заявка".into(),
        Msg::MenuCartridges => "🖨 Картриджи".into(),
        Msg::MenuCall => "🚨 Серверная".into(),
        Msg::MenuMyRequests => "📋 Мои заявки".into(),
        Msg::MenuQueue => "📥 Очередь".into(),
        Msg::MenuStock => "📦 Склад".into(),
        Msg::MenuBroadcast => "📢 Рассылка".into(),
        Msg::MenuStaff => "👥 Сотрудники".into(),
        Msg::MenuHelp => "❓ Помощь".into(),
        Msg::Cancel => "✖️ Отмена".into(),
        Msg::Skip => "Пропустить ⏭".into(),
        Msg::Confirm => "✅ Подтвердить".into(),
        Msg::Prev => "◀️".into(),
        Msg::Next => "▶️".into(),
        Msg::ShareContact => "📱 Отправить мой номер".into(),
        Msg::Accept => "✅ Принять".into(),
        Msg::Complete => "🏁 Выполнено".into(),
        Msg::AskAuthor => "❓ Спросить автора".into(),
        Msg::WaitForParts => "⏸ Ждёт запчастей".into(),
        Msg::Resume => "▶️ Продолжить".into(),
        Msg::AnswerButton => "✍️ Ответить".into(),
        Msg::RatePrompt => "Как всё прошло? Оцените от 1 (плохо) до 5 (отлично):".into(),
        Msg::Reject => "⛔ Отклонить".into(),
        Msg::Issue => "📦 Выдать".into(),
        Msg::IssuePartially => "📦 Выдать что есть".into(),
        Msg::Delivered => "🚚 Доставлено".into(),
        Msg::Open => "🔎 Открыть".into(),
        Msg::CancelRequest => "🗑 Отменить заявку".into(),
        Msg::YesCancelIt => "Да, отменить".into(),
        Msg::No => "Нет".into(),
        Msg::AddAnother => "➕ Ещё картридж".into(),
        Msg::PlaceOrder => "✅ Оформить заказ".into(),
        Msg::AllKinds => "Все".into(),
        Msg::Coming => "👍 Иду".into(),
        Msg::Cannot => "👎 Не могу".into(),
        Msg::SendBroadcast => "📢 Отправить всем".into(),
        Msg::AddAdmin => "➕ Администратор".into(),
        Msg::AddSupport => "➕ Поддержка".into(),
        Msg::AddStorekeeper => "➕ Кладовщик".into(),
        Msg::ListStaff => "📃 Список сотрудников".into(),
        Msg::Remove => "Убрать".into(),
        Msg::YesRemove => "Да, убрать".into(),
        Msg::Kind(k) => match k {
            Kind::Cartridge => "картриджи",
            Kind::Repair => "ремонт",
            Kind::Maintenance => "обслуживание",
            Kind::ItHelp => "ИТ-помощь",
        }
        .into(),
        Msg::Priority(p) => match p {
            Priority::Low => "🟢 низкий",
            Priority::Medium => "🟡 средний",
            Priority::High => "🔴 высокий",
        }
        .into(),
        Msg::Status(s) => match s {
            Status::New => "новая",
            Status::Accepted => "принята",
            Status::Done => "выполнена",
            Status::Rejected => "отклонена",
            Status::Cancelled => "отменена",
        }
        .into(),
        Msg::State(s) => match s {
            State::New => "новая",
            State::Accepted => "принята",
            State::WaitingAuthor => "ждёт ответа автора",
            State::WaitingParts => "ждёт запчастей",
            State::Done => "выполнена",
            State::Rejected => "отклонена",
            State::Cancelled => "отменена",
            State::Archived => "в архиве",
        }
        .into(),
        Msg::Role(r) => match r {
            Role::User => "сотрудник",
            Role::Storekeeper => "кладовщик",
            Role::Support => "поддержка",
            Role::Admin => "администратор",
            Role::SuperAdmin => "суперадминистратор",
        }
        .into(),
        Msg::LabelStatus => "Статус".into(),
        Msg::LabelBranch => "Филиал".into(),
        Msg::LabelAuthor => "Автор".into(),
        Msg::LabelContact => "Контакт".into(),
        Msg::LabelCreated => "Создана".into(),
        Msg::LabelAccepted => "Принята".into(),
        Msg::LabelClosed => "Закрыта".into(),
        Msg::LabelDue => "Срок".into(),
        Msg::OverdueMark => "просрочена".into(),
        Msg::LabelAssignee => "Исполнитель".into(),
        Msg::LabelReason => "Причина".into(),
        Msg::LabelCartridges => "Картриджи".into(),
        Msg::LabelAttachments => "Вложения".into(),
        Msg::LabelIssued => "выдано".into(),
        Msg::Welcome { name } => {
            format!("Здравствуйте, {name}! Это служба поддержки: здесь можно подать заявку и следить за ней.")
        }
        Msg::ChooseBranch => "В каком филиале вы работаете?".into(),
        Msg::BranchSaved { branch } => format!("Филиал сохранён: <b>{branch}</b>."),
        Msg::NoBranchesYet => "Филиалы ещё не настроены; обратитесь к администратору.".into(),
        Msg::MenuHint => "Выберите действие кнопками ниже.".into(),
        Msg::OpenApp => "📱 Открыть приложение".into(),
        Msg::AppOffer => {
            "Заказать картриджи и подать заявку быстрее в приложении службы поддержки: каталог, корзина и одна форма."
                .into()
        }
        Msg::Help { staff, admin, super_admin } => {
            let mut s = String::from(
                "/new — подать заявку (ремонт, обслуживание, ИТ-помощь)\n/cartridge — заказать картриджи\n\
                 /call — срочный вызов в серверную\n/my — мои заявки\n/cancel — прервать заполнение",
            );
            if staff {
                s.push_str("\n/queue — заявки в очереди\n/stock — картриджи на складе");
            }
            if admin {
                s.push_str("\n/broadcast — объявление для всех");
            }
            if super_admin {
                s.push_str("\n/staff — сотрудники и роли");
            }
            s
        }
        Msg::AccountBlocked => "Ваша учётная запись заблокирована. Обратитесь к администратору.".into(),
        Msg::UseTheButtons => "Пожалуйста, воспользуйтесь кнопками или /cancel, чтобы прервать.".into(),
        Msg::SomethingWentWrong => "Что-то пошло не так на нашей стороне. Попробуйте ещё раз через минуту.".into(),
        Msg::ButtonExpired => "Эта кнопка больше не действует.".into(),
        Msg::Cancelled => "Отменено.".into(),
        Msg::NothingToCancel => "Нечего отменять.".into(),
        Msg::NeedBranchFirst => "Сначала выберите ваш филиал.".into(),
        Msg::Denied(d) => match d {
            Denied::Blocked => "Ваша учётная запись заблокирована.",
            Denied::NotStaff => "Это доступно только сотрудникам поддержки.",
            Denied::WrongKind(_) => "Ваша роль не обрабатывает заявки этого вида.",
            Denied::NotAuthor => "Это может сделать только автор заявки.",
            Denied::NotAssignee => "Это может сделать только исполнитель или администратор.",
            Denied::AdminOnly => "Это доступно только администраторам.",
            Denied::SuperAdminOnly => "Это доступно только суперадминистраторам.",
            Denied::NoRequest => "Такой заявки нет.",
        }
        .into(),
        Msg::Lifecycle(e) => match e {
            LifecycleError::NotAllowed { from, .. } => {
                format!("Сейчас это невозможно: заявка {}.", text(Msg::State(*from)))
            }
            LifecycleError::NoteRequired => "Напишите, чего ждёт заявка: вопрос автору или какие запчасти.".into(),
            LifecycleError::AnswerRequired => "Напишите ответ: он пуст.".into(),
            LifecycleError::ReasonRequired | LifecycleError::ReasonTooLong { .. } => {
                text(Msg::BadReason { max: crate::domain::lifecycle::MAX_REASON_CHARS })
            }
        },
        Msg::NotFound { what, key } => match what {
            Entity::Branch => format!("Филиал «{key}» не найден."),
            Entity::Warehouse => format!("Склад «{key}» не найден."),
            Entity::CartridgeType => format!("Тип картриджа «{key}» не найден."),
            Entity::User => format!("Пользователь {key} не найден."),
            Entity::Request => format!("Заявка {key} не найдена."),
            Entity::ServerCall => "Такого вызова в серверную нет.".into(),
            Entity::Broadcast => "Такой рассылки нет.".into(),
            Entity::Printer => format!("Принтер «{key}» не найден."),
            Entity::Contractor => format!("Подрядчик «{key}» не найден."),
            Entity::RefillBatch => format!("Партия на заправку {key} не найдена."),
            Entity::Calendar => format!("Календарь «{key}» не найден."),
            Entity::Recurring => format!("Расписание {key} не найдено."),
        },
        Msg::Ambiguous { what, key, candidates } => ambiguous(what, key, candidates),
        Msg::Refusal(r) => refusal(r),
        Msg::ChooseKind => "Что нужно сделать?".into(),
        Msg::AskName => "Ваши фамилия и имя?".into(),
        Msg::AskPhone => "Ваш номер телефона? Нажмите кнопку, чтобы отправить его, или наберите вручную.".into(),
        Msg::BadPhone => {
            "Это не похоже на номер телефона. Наберите его так: +7 916 123-45-67, 8 916 123-45-67 или +380 44 123 4567."
                .into()
        }
        Msg::AskDescription => "Опишите проблему: что случилось, где, какое оборудование.".into(),
        Msg::BadDescription { max } => format!("Опишите словами, не длиннее {max} символов."),
        Msg::AskAttachment => "Приложите фото или документ, если это поможет, или нажмите «Пропустить».".into(),
        Msg::NotAnAttachment => "Отправьте фото или документ или нажмите «Пропустить».".into(),
        Msg::AskPriority => "Насколько срочно?".into(),
        Msg::CheckTicket => "Проверьте и подтвердите:".into(),
        Msg::TicketCreated { number } => {
            format!("✅ Заявка <b>{number}</b> принята к регистрации. Мы сообщим о каждом изменении.")
        }
        Msg::NoCatalog => "Каталог картриджей пуст; обратитесь к кладовщику.".into(),
        Msg::ChooseCartridge => "Какой картридж?".into(),
        Msg::ChoosePrinter => "Для какого принтера?".into(),
        Msg::NoParticularPrinter => "Не для конкретного принтера".into(),
        Msg::ChooseCartridgeFor { printer } => {
            format!("Какой картридж для {printer}? Подходящие ему — первыми, с отметкой ✓.")
        }
        Msg::ForPrinter => "для".into(),
        Msg::InStock { n } => format!("на складе {n}"),
        Msg::AskQuantity { name, max } => format!("Сколько <b>{name}</b>? (1–{max})"),
        Msg::BadQuantity { max } => format!("Введите целое число от 1 до {max}."),
        Msg::AskOrderComment => "Комментарий (принтер, кабинет)? Или нажмите «Пропустить».".into(),
        Msg::OrderSoFar => "Ваш заказ:".into(),
        Msg::TooManyLines { max } => format!("В заказе не больше {max} позиций."),
        Msg::MyRequestsTitle { total, page, pages } => format!("Ваши заявки: {total} (стр. {page} из {pages})"),
        Msg::NoRequestsYet => "У вас пока нет заявок.".into(),
        Msg::ConfirmCancel { number } => format!("Отменить заявку {number}?"),
        Msg::RequestCancelled { number } => format!("Заявка {number} отменена."),
        Msg::QueueTitle { total, page, pages } => format!("В очереди: {total} (стр. {page} из {pages})"),
        Msg::QueueEmpty => "Очередь пуста. 🎉".into(),
        Msg::AcceptedOk { number } => format!("Вы приняли {number}."),
        Msg::AskWaitNote { number, author } => {
            if author {
                format!(
                    "Что спросить у автора {number}? Он получит вопрос в Telegram; срок остановлен, пока работа не продолжится."
                )
            } else {
                format!(
                    "Чего ждёт {number} (запчасти, подрядчик)? Автор это увидит; срок остановлен, пока работа не продолжится."
                )
            }
        }
        Msg::WaitingOk { number } => format!("{number} ждёт; срок остановлен."),
        Msg::ResumedOk { number } => format!("Работа над {number} продолжается; срок снова идёт."),
        Msg::RatedOk { score } => format!(
            "Спасибо! Ваша оценка: {score}/5. Можете добавить комментарий: напишите его сейчас или нажмите «Пропустить»."
        ),
        Msg::RatingCommentKept => "Спасибо, комментарий сохранён.".into(),
        Msg::AskAnswer { number } => {
            format!("Напишите ответ по {number}: он уйдёт тому, кто над ней работает. /cancel — отменить.")
        }
        Msg::AnsweredOk { number } => format!("Спасибо: ответ передан, работа над {number} продолжается."),
        Msg::CompletedOk { number } => format!("{number} выполнена."),
        Msg::AskRejectReason { number } => format!("Почему {number} отклоняется? Автор увидит этот текст."),
        Msg::BadReason { max } => format!("Напишите причину словами, не длиннее {max} символов."),
        Msg::RejectedOk { number } => format!("{number} отклонена."),
        Msg::StockTitle => "Картриджи на складах:".into(),
        Msg::StockEmpty => "На складах пусто.".into(),
        Msg::ChooseWarehouse { number } => format!("С какого склада выдать {number}?"),
        Msg::NotEnoughStock => "Не хватает на складе:".into(),
        Msg::AskIssueNote => "Комментарий для автора о частичной выдаче? Или нажмите «Пропустить».".into(),
        Msg::EmptyCount { n } => format!("пустых {n}"),
        Msg::EmptiesWhere => "Пустые картриджи: на какой склад?".into(),
        Msg::EmptiesWhich => "Какой картридж?".into(),
        Msg::EmptiesHowMany { max } => format!("Сколько пустых? Целое число от 1 до {max}."),
        Msg::EmptiesReceived { n, now } => format!("Принято пустых: {n}; теперь там пустых {now}."),
        Msg::AskEmptiesBack => "Пустые картриджи вернули вместе с этими?".into(),
        Msg::EmptiesAllBack => "♻️ Да, все".into(),
        Msg::EmptiesNoneBack => "Пустых нет".into(),
        Msg::EmptiesBack { n } => format!("Пустых возвращено: {n}."),
        Msg::IssuedOk { number, complete } => {
            if complete {
                format!("Картриджи по {number} выданы полностью.")
            } else {
                format!("Картриджи по {number} выданы частично.")
            }
        }
        Msg::NothingLeftToIssue => "По этому заказу всё уже выдано.".into(),
        Msg::CallSent { n } => {
            format!("🚨 Вызов отправлен дежурным сотрудникам ({n}). Оставайтесь на месте, к вам подойдут.")
        }
        Msg::CallNobody => "🚨 Вызов записан, но сейчас никто не дежурит. Позвоните в ИТ-отдел.".into(),
        Msg::CallWait { minutes, seconds } => {
            format!("Вы только что вызывали. Повторить вызов можно через {minutes} мин {seconds} с.")
        }
        Msg::CallNotice { caller, branch, phone } => {
            format!("🚨 <b>Срочно: серверная</b>\n{caller}, {branch}\n{phone}")
        }
        Msg::CallAnswered { responder, coming } => {
            if coming {
                format!("👍 {responder} идёт.")
            } else {
                format!("👎 {responder} не может подойти.")
            }
        }
        Msg::CallAnswerSaved { coming } => {
            if coming { "Отмечено: вы идёте." } else { "Отмечено: вы не можете." }.into()
        }
        Msg::NoticeAccepted { number, by } => format!("Вашу заявку <b>{number}</b> принял(а) {by}."),
        Msg::StockDigestHead { lead_days } => format!(
            "📦 <b>Картриджи к заказу на этой неделе</b>\nПо прогнозу из истории выдач (поставка идёт {lead_days} д):"
        ),
        Msg::StockDigestLine { warehouse, cartridge, article, days_left, order } => {
            format!("• {warehouse}: {cartridge} ({article}): осталось на {days_left} д, заказать <b>{order}</b>")
        }
        Msg::EmailStockDigestSubject { lines } => format!("[helpdesk] Картриджи к заказу: строк {lines}"),
        Msg::NoticeDone { number } => format!("✅ Ваша заявка <b>{number}</b> выполнена."),
        Msg::NoticeRejected { number, reason } => {
            format!("⛔ Ваша заявка <b>{number}</b> отклонена.\nПричина: {reason}")
        }
        Msg::NoticeQuestion { number, question } => format!(
            "❓ Вопрос по вашей заявке <b>{number}</b>:\n{question}\n\nСрок заявки остановлен до вашего ответа: нажмите «Ответить» или ответьте на это сообщение."
        ),
        Msg::NoticeWaitingParts { number, note } => {
            format!("⏸ Ваша заявка <b>{number}</b> ждёт запчастей или подрядчика:\n{note}")
        }
        Msg::NoticeResumed { number } => format!("▶️ Работа над вашей заявкой <b>{number}</b> продолжается."),
        Msg::NoticeLowRating { number, score, comment } => {
            format!("⚠️ Заявку <b>{number}</b> автор оценил на {score}/5.\n{comment}")
        }
        Msg::NoticeUnanswered { number, after } => format!(
            "🔒 Ваша заявка <b>{number}</b> закрыта: на вопрос по ней не было ответа {after}. Если она ещё нужна, подайте её снова."
        ),
        Msg::NoticeUnansweredAssignee { number, after } => {
            format!("🔒 Заявка <b>{number}</b> закрыта (отменена): автор не ответил на ваш вопрос {after}.")
        }
        Msg::NoticeAnswered { number, answer } => {
            format!("💬 Автор <b>{number}</b> ответил:\n{answer}\n\nСрок снова идёт.")
        }
        Msg::NoticeCancelled { number } => format!("Заявку <b>{number}</b> отменил её автор."),
        Msg::NoticeIssued { number } => format!("📦 По вашей заявке <b>{number}</b> выданы картриджи:"),
        Msg::NoticeNewRequest => "🆕 Новая заявка".into(),
        Msg::AskBroadcast => "Отправьте объявление: текст, фото или документ с подписью. /cancel — прервать.".into(),
        Msg::BroadcastPreview => "Так его увидят все. Отправить?".into(),
        Msg::BroadcastQueued { n } => format!("📢 Рассылка {n} получателям. Когда закончится, придёт отчёт."),
        Msg::BroadcastReport { recipients, delivered, failed, blocked } => format!(
            "📢 Рассылка завершена: доставлено {delivered} из {recipients}, ошибок {failed}, заблокировали бота {blocked}."
        ),
        Msg::BroadcastUnsupported => "Разослать можно только текст, фото или документ.".into(),
        Msg::StaffMenu => "Управление сотрудниками:".into(),
        Msg::AskStaffId { role } => {
            format!("Отправьте Telegram ID нового сотрудника с ролью «{}».", text(Msg::Role(role)))
        }
        Msg::BadTelegramId => "Telegram ID — это число, например 123456789.".into(),
        Msg::StaffAdded { name, role } => format!("{name} теперь {}.", text(Msg::Role(role))),
        Msg::StaffList => "Сотрудники:".into(),
        Msg::ConfirmRemove { name } => format!("Убрать {name} из сотрудников?"),
        Msg::StaffRemoved { name } => format!("{name} больше не сотрудник поддержки."),
        Msg::SlaTitle { n } => format!("⏰ Просроченные заявки: {n}"),
        Msg::SlaNotAccepted { overdue } => format!("не принята, просрочка {overdue}"),
        Msg::SlaNotResolved { overdue } => format!("не выполнена, просрочка {overdue}"),
        Msg::SlaEscalated => "передано суперадминистраторам".into(),
        Msg::SlaMore { n } => format!("… и ещё {n}"),
        Msg::Duration { days, hours, minutes } => match (days, hours) {
            (0, 0) => format!("{minutes} мин"),
            (0, h) => format!("{h} ч {minutes} мин"),
            (d, h) => format!("{d} дн {h} ч"),
        },
        Msg::EmailSlaSubject { n } => format!("[helpdesk] Просроченные заявки: {n}"),
        Msg::EmailSlaOneSubject { number } => format!("[helpdesk] Заявка {number} просрочена"),
        Msg::EmailNewRequestSubject { number } => format!("[helpdesk] Новая заявка {number}"),
        Msg::ReportSubject { from, until } => format!("[helpdesk] Сводка {from} – {until}"),
        Msg::ReportIntro { from, until } => format!("Сводка службы поддержки за {from} – {until}"),
        Msg::ReportOpened => "Открыто".into(),
        Msg::ReportClosed => "Закрыто".into(),
        Msg::ReportBreaches => "Нарушения SLA".into(),
        Msg::ReportTotal => "Итого".into(),
        Msg::ReportLowStock => "Ниже минимального остатка".into(),
        Msg::ReportNoLowStock => "Все картриджи выше минимального остатка.".into(),
        Msg::LabelWarehouse => "Склад".into(),
        Msg::LabelQuantity => "Количество".into(),
        Msg::LabelMinimum => "Минимум".into(),
        Msg::WebLink { url, minutes } => format!(
            "Ваша ссылка для входа в веб-панель. Она работает один раз, {minutes} минут; никому её не пересылайте.\n\n<a href=\"{url}\">Открыть службу поддержки</a>"
        ),
        Msg::CommandHelp { command } => match command {
            "start" => "Начало и главное меню",
            "help" => "Что умеет бот",
            "new" => "Подать заявку",
            "cartridge" => "Заказать картриджи",
            "call" => "Срочный вызов в серверную",
            "my" => "Мои заявки",
            "cancel" => "Прервать заполнение",
            "queue" => "Заявки в очереди",
            "stock" => "Картриджи на складе",
            "broadcast" => "Объявление для всех",
            "empties" => "Принять пустые картриджи",
            "staff" => "Сотрудники и роли",
            "web" => "Вход в веб-панель",
            other => other,
        }
        .into(),
    }
}

fn field(f: TextField) -> &'static str {
    match f {
        TextField::FullName => "фамилия и имя",
        TextField::ContactName => "контактное лицо",
        TextField::BranchName => "название филиала",
        TextField::WarehouseName => "название склада",
        TextField::CartridgeName => "название картриджа",
        TextField::VendorArticle => "артикул",
        TextField::Address => "адрес",
        TextField::InventoryNumber => "инвентарный номер",
        TextField::PrinterModel => "модель принтера",
        TextField::PrinterPlace => "место принтера",
        TextField::SerialNumber => "серийный номер",
        TextField::ContractorName => "название подрядчика",
        TextField::Contacts => "контакты",
        TextField::CalendarName => "название календаря",
    }
}

/// The field of a key, as in «напишите код».
fn noun(f: Field) -> &'static str {
    match f {
        Field::Id => "id",
        Field::Code => "код",
        Field::Article => "артикул",
        Field::Name => "название",
        Field::OneC => "id в 1С",
    }
}

/// Of what: «код филиала».
fn of(what: Entity) -> &'static str {
    match what {
        Entity::Branch => "филиала",
        Entity::Warehouse => "склада",
        Entity::CartridgeType => "типа картриджа",
        Entity::User => "пользователя",
        Entity::Request => "заявки",
        Entity::ServerCall => "вызова",
        Entity::Broadcast => "рассылки",
        Entity::Printer => "принтера",
        Entity::Contractor => "подрядчика",
        Entity::RefillBatch => "партии",
        Entity::Calendar => "календаря",
        Entity::Recurring => "расписания",
    }
}

fn ambiguous(what: Entity, key: &str, candidates: &[Candidate]) -> String {
    let code = match what {
        Entity::CartridgeType => "артикул",
        Entity::Printer => "инвентарный номер",
        _ => "код",
    };
    let which: Vec<String> = candidates
        .iter()
        .map(|c| format!("{} {} {} ({code} {}, id {})", noun(c.matched), of(what), c.name, c.code, c.id))
        .collect();
    let keys: Vec<String> = candidates.iter().map(|c| c.key(key)).collect();
    format!(
        "«{key}» называет несколько записей: это {}; напишите {}, чтобы выбрать одну.",
        listed(&which, "и"),
        listed(&keys, "или")
    )
}

fn refusal(r: &Refusal) -> String {
    match r {
        Refusal::BadCode { what, code } => {
            format!("«{code}» не годится как код {}: используйте от 1 до 32 букв, цифр, «-» или «_».", of(*what))
        }
        Refusal::EmptyText { what } => format!("Поле «{}» не заполнено.", field(*what)),
        Refusal::TextTooLong { what, max } => format!("Поле «{}» длиннее {max} символов.", field(*what)),
        Refusal::ControlCharacters { what } => format!("В поле «{}» есть управляющие символы.", field(*what)),
        Refusal::BadPhone(e) => match e {
            PhoneError::Empty => "Номер телефона не указан.".into(),
            PhoneError::BadCharacters(p) => format!(
                "«{p}» — не номер телефона: допустимы только цифры, пробелы, дефисы, точки, скобки и + в начале."
            ),
            PhoneError::Invalid(p) => format!(
                "«{p}» — неверный номер телефона: наберите его в международном виде, \
                 например +7 916 123-45-67 или +380 44 123 4567."
            ),
        },
        Refusal::BadKey(e) => match e {
            BadKey::Empty => "Пустой ключ ничего не называет: укажите код, название или id.".into(),
            BadKey::EmptyValue { typed, field } => {
                format!("«{typed}» ничего не называет: напишите {} после двоеточия.", noun(*field))
            }
            BadKey::NotAnId(typed) => format!("«{typed}»: id — это целое число, например id:3."),
        },
        Refusal::BranchByOneCId { key } => {
            format!("«{key}»: у филиалов нет id в 1С; укажите филиал кодом, названием или id (code:X, name:X, id:N).")
        }
        Refusal::CartridgeByName { key } => format!(
            "«{key}»: тип картриджа не указывают названием (названия повторяются); \
             укажите артикул, id в 1С или id (article:X, 1c:X, id:N)."
        ),
        Refusal::EmptyDescription => "Описание пустое.".into(),
        Refusal::DescriptionTooLong { len, max } => {
            format!("Описание слишком длинное: {len} символов, можно не больше {max}.")
        }
        Refusal::BadQuantity { max } => text(Msg::BadQuantity { max: *max }),
        Refusal::EmptyOrder => "В заказе должен быть хотя бы один картридж.".into(),
        Refusal::TooManyLines { max } => text(Msg::TooManyLines { max: *max }),
        Refusal::LinesOnlyOnOrders { kind } => {
            format!("Картриджи указывают только в заказе картриджей, а это заявка вида «{}».", text(Msg::Kind(*kind)))
        }
        Refusal::NoBranch => text(Msg::NeedBranchFirst),
        Refusal::AlreadyAccepted { number, by } => format!("{number} уже принял(а) {by}."),
        Refusal::NotIssuable { number, state } => {
            format!("Заявка {number} {}: картриджи выдают только по принятым заявкам.", text(Msg::State(*state)))
        }
        Refusal::BranchCodeTaken { code, name } => format!("Филиал с кодом «{code}» уже есть: {name}."),
        Refusal::BranchNameTaken { name, code } => format!("Филиал «{name}» уже есть (код {code})."),
        Refusal::PrinterExists { inventory_number, branch } => {
            format!("Принтер с инвентарным номером {inventory_number} уже есть (филиал {branch}).")
        }
        Refusal::PrinterRetired { inventory_number } => {
            format!("Принтер {inventory_number} списан: его нельзя изменить и под него нельзя заказать.")
        }
        Refusal::PrinterInUse { inventory_number, open } => format!(
            "У принтера {inventory_number} открытых заявок: {open}. Выполните или отмените их, прежде чем списывать его."
        ),
        Refusal::ContractorExists { name } => format!("Подрядчик «{name}» уже есть."),
        Refusal::EmptyBatch => "В партии на заправку должен быть хотя бы один тип картриджа с количеством.".into(),
        Refusal::NotInBatch { article, batch } => format!("{article} нет в партии на заправку {batch}."),
        Refusal::RefillTooMany { batch, article, outstanding, wanted } => {
            format!("В партии {batch} у подрядчика осталось {article}: {outstanding}; вернуть {wanted} нельзя.")
        }
        Refusal::RejectNeedsReason => "Укажите, почему подрядчик их забраковал.".into(),
        Refusal::BatchClosed { batch } => format!("Партия {batch} закрыта: всё отправленное вернулось или списано."),
        Refusal::Recurrence { error } => {
            use crate::domain::recurrence::RecurrenceError as E;
            match error {
                E::Unreadable(r) => format!(
                    "«{r}» — не расписание: напишите every 3 days, every 2 weeks on mon, monthly on 1, every 3 months on last или cron 0 9 1 * *."
                ),
                E::BadTime(t) => format!("«{t}» — не время: напишите его как 09:00."),
                E::BadWeekday(d) => format!("«{d}» — не день недели: напишите mon, tue, wed, thu, fri, sat или sun."),
                E::BadMonthDay(d) => format!("«{d}» — не число месяца: напишите от 1 до 31 или last."),
                E::BadCount(n) => format!("«{n}» — не количество: напишите целое число от 1 до 366."),
                E::BadCron { line } => format!(
                    "«{line}» — не строка crontab: нужны пять полей (минута час день месяц день-недели), например 0 9 1 * *."
                ),
                E::StartTooFar(d) => format!("{d} — слишком далеко: начните в пределах пяти лет от сегодня."),
                E::NeverFires(r) => format!("«{r}» не сработает ни разу за пять лет: проверьте день и месяц."),
            }
        }
        Refusal::AssigneeCannot { name, kind } => {
            format!(
                "{name} не занимается заявками вида «{}»: выберите того, кто занимается, или никого.",
                text(Msg::Kind(*kind))
            )
        }
        Refusal::Rating { error } => {
            use crate::domain::satisfaction::RatingError as E;
            match error {
                E::OutOfRange(n) => format!("Оценка — от 1 до 5, а не {n}."),
                E::NotDone => "Оценить можно только выполненную заявку.".into(),
                E::TooLate => "Неделя, чтобы оценить эту заявку, прошла.".into(),
                E::CommentTooLong { len, max } => {
                    format!("Комментарий слишком длинный ({len} символов; не больше {max}).")
                }
            }
        }
        Refusal::Calendar { calendar, at, error } => {
            use crate::domain::calendar::CalendarError as E;
            let what = match error {
                E::BadHours(h) => format!("«{h}» — не рабочие часы: пишите их как 09:00-18:00, несколько через пробел (09:00-13:00 14:00-18:00), или оставьте пустыми для выходного."),
                E::Backwards(h) => format!("рабочие часы {h} заканчиваются раньше, чем начинаются: сначала пишите более раннее время."),
                E::Overlap(a, b) => format!("рабочие часы {a} и {b} пересекаются: каждый отрезок должен кончаться до начала следующего."),
                E::UnknownZone(z) => format!("часового пояса «{z}» нет: укажите имя вроде Europe/Kyiv или Europe/Moscow."),
                E::BadDate(d) => format!("«{d}» — не дата: пишите ГГГГ-ММ-ДД (или ММ-ДД для праздника каждый год)."),
                E::BadDayKind(k) => format!("«{k}» — не вид дня: holiday, yearly или workday."),
                E::NoHours => "ни в один день недели нет рабочих часов, и время никогда не пойдёт: задайте часы хотя бы одному дню.".into(),
                E::HoursOnHoliday(_) => "у праздника нет рабочих часов: оставьте их пустыми или сделайте день рабочим (workday).".into(),
                E::BadDayName => "название дня — не длиннее 200 символов, в одну строку.".into(),
            };
            match at {
                Some(at) => format!("Календарь {calendar}, {at}: {what}"),
                None => format!("Календарь {calendar}: {what}"),
            }
        }
        Refusal::NotEnoughEmpties { article, warehouse, available, wanted } => {
            format!("Пустых {article} на складе «{warehouse}» {available}, а нужно {wanted}.")
        }
        Refusal::PrinterElsewhere { inventory_number, branch } => format!(
            "Принтер {inventory_number} стоит в филиале «{branch}», а не в том, для которого заявка; выберите принтер этого филиала."
        ),
        Refusal::NotATelegramId { id } => {
            format!("{id} — не Telegram ID: Telegram ID — это положительное число, например 123456789.")
        }
        Refusal::UserExists { id } => format!("Пользователь {id} уже есть; измените его роль."),
        Refusal::NotAStaffRole => format!(
            "Выберите роль сотрудника: {}, {} или {}.",
            text(Msg::Role(Role::Storekeeper)),
            text(Msg::Role(Role::Support)),
            text(Msg::Role(Role::Admin))
        ),
        Refusal::SuperAdminNotAssignable => {
            "Суперадминистраторы задаются в настройках (HELPDESK_SUPER_ADMINS), а не здесь.".into()
        }
        Refusal::OwnAccount => "Никто не может менять свою роль или блокировать себя.".into(),
        Refusal::WebPanelOff => "Веб-панель ещё не настроена; обратитесь к администратору.".into(),
        Refusal::SignInLinkInvalid => {
            "Эта ссылка для входа уже использована или устарела. Отправьте боту /web, чтобы получить новую.".into()
        }
        Refusal::TelegramSignInRejected { .. } => "Telegram не подтвердил, кто вы. Войдите ещё раз.".into(),
        Refusal::ConfiguredSuperAdmin { id } => {
            format!("{id} — суперадминистратор из настроек (HELPDESK_SUPER_ADMINS); изменить это можно только там.")
        }
    }
}

/// The web panel's words.
pub(super) fn web(w: W) -> &'static str {
    match w {
        W::Brand => "Служба поддержки",
        W::Tagline => "Заявки, склад и отчёты всех филиалов в одном месте.",
        W::NavDashboard => "Сводка",
        W::NavRequests => "Заявки",
        W::NavStock => "Склад",
        W::NavReports => "Отчёты",
        W::NavPeople => "Люди",
        W::NavMine => "Мои заявки",
        W::NavNewRequest => "Новая заявка",
        W::NavOrder => "Картриджи",
        W::NavProfile => "Профиль",
        W::SignInTitle => "Вход",
        W::SignInWithTelegram => "Войдите через свой аккаунт Telegram:",
        W::SignInByLink => "Или получите ссылку для входа от бота",
        W::SignInByLinkHow => {
            "Отправьте /web боту службы поддержки в Telegram. Он ответит ссылкой, по которой вы войдёте сюда; она работает один раз, 10 минут."
        }
        W::SignInAsTitle => "Вход в службу поддержки",
        W::SignInAs => "Вы входите как",
        W::SignInButton => "Войти",
        W::SignInLinkNote => "Это не вы? Закройте страницу: ссылка останется неиспользованной.",
        W::SignOut => "Выйти",
        W::SignOutEverywhere => "Выйти на всех устройствах",
        W::SignedOut => "Вы вышли.",
        W::SignedOutEverywhere => "Вы вышли на всех устройствах.",
        W::SessionsTitle => "Где выполнен вход",
        W::SessionThis => "этот браузер",
        W::SessionSince => "Вход",
        W::SessionLastSeen => "Активность",
        W::SessionVia => "Способ",
        W::SessionDevice => "Устройство",
        W::ViaLink => "ссылка от бота",
        W::ViaWidget => "вход через Telegram",
        W::ViaMiniApp => "мини-приложение Telegram",
        W::ProfileTitle => "Ваш профиль",
        W::LabelName => "Имя",
        W::LabelRole => "Роль",
        W::LabelBranch => "Филиал",
        W::LabelPhone => "Телефон",
        W::LabelTelegramId => "Telegram ID",
        W::LabelLanguage => "Язык",
        W::ChangeLanguage => "Сменить",
        W::NotFoundTitle => "Не найдено",
        W::NotFoundText => "Такой страницы нет.",
        W::ForbiddenTitle => "Нет доступа",
        W::ErrorTitle => "Что-то пошло не так",
        W::ErrorText => "Что-то пошло не так с нашей стороны. Попробуйте ещё раз через минуту.",
        W::TooManyAttempts => "Слишком много попыток. Подождите несколько минут и попробуйте снова.",
        W::BadForm => "Форма устарела. Откройте страницу заново и повторите.",
        W::BackHome => "На главную",
        W::LiveUpdates => "Обновляется сама",
        W::FilterSearch => "Поиск",
        W::FilterStatus => "Статус",
        W::FilterWaiting => "Ждут (срок остановлен)",
        W::FilterKind => "Тип",
        W::FilterPriority => "Приоритет",
        W::FilterBranch => "Филиал",
        W::FilterFrom => "С",
        W::FilterUntil => "По",
        W::FilterAuthor => "Автор",
        W::FilterAssignee => "Исполнитель",
        W::FilterArchived => "Архив",
        W::FilterOrder => "Порядок",
        W::FilterApply => "Показать",
        W::FilterReset => "Сбросить",
        W::Any => "Любой",
        W::Me => "Я",
        W::ArchivedNo => "Без архива",
        W::ArchivedOnly => "Только архив",
        W::ArchivedAll => "С архивом",
        W::OrderNewest => "Сначала новые",
        W::OrderOldest => "Сначала старые",
        W::OrderQueue => "Очередь: приоритет, затем старые",
        W::ColNumber => "Номер",
        W::ColCreated => "Создана",
        W::ColKind => "Тип",
        W::ColStatus => "Статус",
        W::ColBranch => "Филиал",
        W::ColAuthor => "Автор",
        W::ColDescription => "Описание",
        W::ColAssignee => "Исполнитель",
        W::Overdue => "Просрочена: SLA нарушен",
        W::Newer => "Назад",
        W::Older => "Дальше",
        W::FirstPage => "В начало",
        W::NoRequests => "Нет подходящих заявок.",
        W::Filters => "Фильтры",
        W::CardFields => "Подробности",
        W::LabelContact => "Контакт",
        W::LabelCreated => "Создана",
        W::LabelAccepted => "Принята",
        W::LabelClosed => "Закрыта",
        W::LabelArchived => "В архиве",
        W::LabelAuthor => "Автор",
        W::LabelAssignee => "Исполнитель",
        W::LabelReason => "Причина",
        W::LabelDescription => "Описание",
        W::LabelSla => "SLA",
        W::SlaDue => "Срок",
        W::CartridgesTitle => "Картриджи",
        W::ColArticle => "Артикул",
        W::ColCartridge => "Картридж",
        W::ColOrdered => "Заказано",
        W::ColIssued => "Выдано",
        W::ColComment => "Комментарий",
        W::AttachmentsTitle => "Вложения",
        W::Download => "Скачать",
        W::HistoryTitle => "История",
        W::HistCreated => "подана",
        W::HistAccepted => "принята",
        W::HistCompleted => "выполнена",
        W::HistRejected => "отклонена",
        W::HistCancelled => "отменена",
        W::HistArchived => "в архиве",
        W::HistIssued => "выданы картриджи",
        W::HistReminder => "напоминание по SLA",
        W::ViaWeb => "веб",
        W::ViaTelegram => "Telegram",
        W::ViaCli => "командная строка",
        W::ViaSystem => "плановая задача",
        W::ActionsTitle => "Что можно сделать",
        W::ActAccept => "Принять",
        W::ActComplete => "Выполнено",
        W::ActDeliver => "Доставлено",
        W::ActReject => "Отклонить",
        W::ActResume => "Продолжить: срок снова идёт",
        W::ActAnswer => "Отправить ответ: срок снова идёт",
        W::ActAnswerLabel => "Ваш ответ",
        W::QuestionForAuthor => "Вопрос автору",
        W::ActWaitQuestion => "Вопрос автору (придёт ему в Telegram)",
        W::ActWaitSummary => "Остановить срок: спросить автора или ждать запчастей",
        W::ActWaitAuthor => "Спросить автора и остановить срок",
        W::ActWaitWhat => "Чего ждёт: запчасти, подрядчик",
        W::ActWaitParts => "Ждать запчастей и остановить срок",
        W::DoneWaiting => "Заявка ждёт; срок остановлен, автору сообщено.",
        W::DoneResumed => "Работа продолжается; срок снова идёт.",
        W::DoneAnswered => "Спасибо: ответ передан, работа продолжается.",
        W::HistWaiting => "ждёт (срок остановлен)",
        W::HistResumed => "продолжена",
        W::HistAnswered => "автор ответил",
        W::HistRated => "оценена автором",
        W::RatingTitle => "Оценка",
        W::RatingYours => "Ваша оценка (её можно изменить в течение недели)",
        W::RatingComment => "Комментарий (необязательно)",
        W::ActRate => "Оценить",
        W::DoneRated => "Спасибо за оценку.",
        W::RatingsTitle => "Удовлетворённость",
        W::RatingsByStaff => "По сотрудникам",
        W::ColRatings => "Оценок",
        W::ColRatingAvg => "Средняя",
        W::RatingsNone => "Нет оценок заявок, закрытых за этот период.",
        W::HistFiledRecurring => "подана по расписанию",
        W::HistFiledLate => "подана по расписанию, с опозданием (служба не работала, когда подошёл срок)",
        W::HistUnanswered => "закрыта: автор не ответил",
        W::ActRejectReason => "Почему отклонена (автор увидит это)",
        W::ActCancel => "Отменить заявку",
        W::ActCancelConfirm => "Отменить эту заявку?",
        W::ActArchive => "В архив",
        W::ActIssue => "Выдать картриджи",
        W::IssueFrom => "Со склада",
        W::IssueCovers => "хватает на",
        W::IssuePartial => "Выдать то, что есть (частично)",
        W::IssueNote => "Примечание для автора (необязательно)",
        W::NoActions => "С этой заявкой сейчас нечего делать.",
        W::DoneAccepted => "Принята: заявка ваша. Автор уведомлён.",
        W::DoneCompleted => "Отмечена выполненной. Автор уведомлён.",
        W::DoneRejected => "Отклонена. Автор уведомлён о причине.",
        W::DoneCancelled => "Отменена.",
        W::DoneArchived => "Перенесена в архив.",
        W::DoneIssued => "Выдано. Автор уведомлён.",
        W::ShortStock => "Не хватает на складе:",
        W::NothingLeftToIssue => "Всё по этому заказу уже выдано.",
        W::BackToList => "Все заявки",
        W::DashOpenNew => "Новые, ждут",
        W::DashOpenAccepted => "В работе",
        W::DashOverdue => "Просрочены сейчас (SLA)",
        W::DashWaiting => "Ждут сейчас (срок остановлен)",
        W::DashOpenedToday => "Поданы сегодня",
        W::DashOpenedWeek => "Поданы за неделю",
        W::DashClosedToday => "Закрыты сегодня",
        W::DashClosedWeek => "Закрыты за неделю",
        W::DashMedianAccept => "Медиана до принятия, 30 дней",
        W::DashMedianClose => "Медиана до выполнения, 30 дней",
        W::DashOpenByBranch => "Открытые заявки по филиалам",
        W::DashPerBranch => "Заявки по филиалам, 30 дней",
        W::DashPerMonth => "Заявки по месяцам",
        W::ChartFigures => "Цифры таблицей",
        W::ChartMonth => "Месяц",
        W::ChartRequests => "Заявок",
        W::DashLowStock => "Запас ниже минимума",
        W::DashNoLowStock => "Все картриджи выше минимума.",
        W::DashNothingOpen => "Открытых заявок нет.",
        W::ColTotal => "Всего",
        W::ColOverdue => "Просрочено",
        W::ColWarehouse => "Склад",
        W::ColQuantity => "В наличии",
        W::ColMinimum => "Минимум",
        W::Hours => "ч",
        W::Minutes => "мин",
        W::Days => "д",
        W::NoData => "данных пока нет",
        W::ChooseBranchFirst => "Сначала выберите филиал, в котором вы работаете.",
        W::SaveBranch => "Сохранить",
        W::WhatIsNeeded => "Что нужно сделать?",
        W::YourName => "Ваши фамилия и имя",
        W::DescribeProblem => "Опишите проблему: что случилось, где, какое оборудование",
        W::HowUrgent => "Насколько срочно?",
        W::PhotosInBot => "Фото или документ к заявке можно приложить в боте.",
        W::FileRequest => "Подать заявку",
        W::OrderHow => "Сколько картриджей каждого типа нужно; остаток — что есть на складе филиала сейчас.",
        W::IssueEmpties => "Пустых вернули",
        W::IssueEmptiesAll => "столько же, сколько выдано",
        W::BadEmpties => "Число пустых — целое, от 0 (пусто: столько же, сколько выдано).",
        W::ColFull => "Полных",
        W::ColEmpty => "Пустых",
        W::EmptiesIn => "Принять пустые",
        W::EmptiesInHow => "Пустые картриджи, принесённые без заявки: они ждут заправки.",
        W::EmptiesInButton => "Принять",
        W::EmptiesNote => "Примечание: кто принёс, откуда (необязательно)",
        W::DoneEmptiesIn => "Пустые приняты.",
        W::RefillNote => "Примечание (необязательно)",
        W::NavRefills => "Заправка",
        W::RefillBatches => "Партии у подрядчиков",
        W::RefillBatch => "Партия на заправку",
        W::Contractor => "Подрядчик",
        W::Contractors => "Подрядчики",
        W::RefillOutstanding => "У подрядчика",
        W::RefillClosed => "Закрыта",
        W::NoRefills => "Партий на заправку пока нет.",
        W::NoContractors => "Сначала добавьте подрядчика: потом отправляйте пустые на заправку здесь.",
        W::RefillSend => "Отправить пустые на заправку",
        W::RefillSendHow => "Сколько пустых каждого типа отправить со склада; акт передачи — на странице партии.",
        W::RefillSendButton => "Отправить",
        W::AddContractor => "Добавить подрядчика",
        W::Contacts => "Контакты",
        W::RefillSent => "Отправлено",
        W::RefillReceived => "Заправлено",
        W::RefillRejected => "Забраковано",
        W::RefillBackNow => "Пришло",
        W::RefillRejectNow => "Брак",
        W::RefillRejectReason => "Причина брака (нужна, если он есть)",
        W::RefillReceive => "Принять",
        W::Handover => "Акт передачи",
        W::Total => "Итого",
        W::HandedOver => "Передал",
        W::ReceivedByContractor => "Принял подрядчик",
        W::Print => "Печать",
        W::DoneRefillSent => "Партия отправлена.",
        W::DoneRefillReceived => "Принято.",
        W::DoneContractorAdded => "Подрядчик добавлен.",
        W::OrderHowForPrinter => "Картриджи этого принтера — первыми (✓); заказанное из них помечается для него.",
        W::OrderCartridgesFor => "Заказать картриджи для принтера",
        W::OrderForPrinter => "Для какого принтера?",
        W::NoParticularPrinter => "Не для конкретного принтера",
        W::FitsPrinter => "Подходит принтеру",
        W::Fewer => "Меньше",
        W::More => "Больше",
        W::ColPrinter => "Принтер",
        W::Printers => "Принтеры",
        W::HowMany => "Сколько",
        W::OrderComment => "Комментарий (принтер, кабинет)",
        W::PlaceOrder => "Оформить заказ",
        W::Filed => "Заявка подана. Обо всех изменениях вы узнаете здесь и в Telegram.",
        W::NothingOrdered => "Укажите количество хотя бы одного картриджа.",
        W::PeopleTitle => "Люди",
        W::PrinterInventory => "Инв. номер",
        W::PrinterModel => "Модель",
        W::PrinterPlace => "Место (кабинет, этаж)",
        W::PrinterSerial => "Серийный номер",
        W::PrinterCartridges => "Картриджи",
        W::PrinterRetired => "Списан",
        W::PrinterRetire => "Списать принтер",
        W::PrinterRetireConfirm => "Списать этот принтер? Заявки, где он указан, его сохранят.",
        W::PrinterRetireHow => {
            "Списанный принтер остаётся в заявках, но заказать под него больше нельзя. Пока по нему есть открытые заявки, списать его нельзя."
        }
        W::ShowRetired => "Со списанными",
        W::AddPrinter => "Добавить принтер",
        W::EditPrinter => "Изменить принтер",
        W::SaveChanges => "Сохранить",
        W::NoPrinters => "Принтеров нет.",
        W::DonePrinterAdded => "Принтер добавлен.",
        W::DonePrinterSaved => "Изменения сохранены.",
        W::DonePrinterRetired => "Принтер списан.",
        W::AddPerson => "Добавить человека",
        W::AddPersonHow => {
            "По Telegram ID (его сообщает @userinfobot). Роли сотрудников назначают суперадминистраторы."
        }
        W::AddButton => "Добавить",
        W::ColName => "Имя",
        W::ColRole => "Роль",
        W::ColPhone => "Телефон",
        W::ColLastSeen => "Был(а)",
        W::ColActions => "Действия",
        W::Blocked => "заблокирован(а)",
        W::Block => "Заблокировать",
        W::Unblock => "Разблокировать",
        W::BlockConfirm => "Заблокировать? Человек выйдет отовсюду, бот перестанет ему отвечать.",
        W::ChangeRole => "Сменить",
        W::ConfiguredSuperAdmin => "суперадмин из конфигурации",
        W::You => "вы",
        W::DoneAdded => "Добавлен(а).",
        W::DoneRole => "Роль изменена; действует сразу, в боте и здесь.",
        W::DoneBlocked => "Заблокирован(а).",
        W::DoneUnblocked => "Разблокирован(а).",
        W::FilterName => "Имя или Telegram ID",
        W::StaffOnly => "Только сотрудники",
        W::FilterCartridge => "Картридж или артикул",
        W::BelowMinimumOnly => "Только ниже минимума",
        W::ColRunsOut => "Кончится",
        W::ColToOrder => "Заказать",
        W::SortBy => "Порядок",
        W::SortByWarehouse => "По складам",
        W::SortRunsOut => "Сначала то, что кончится",
        W::BeforeDelivery => "до поставки",
        W::NotUsed => "не расходуется",
        W::PerMonth => "в месяц",
        W::RunsOutSoonTitle => "Кончится до поставки",
        W::RunsOutSoonHow => "Прогноз по истории выдач: это кончится раньше, чем придёт поставка, заказанная сегодня.",
        W::NothingRunsOut => "Ничего не кончится до поставки.",
        W::ColDaysLeft => "Осталось дней",
        W::StockLevels => "Остатки по складам",
        W::BelowMinimum => "Ниже минимума",
        W::ColUpdated => "Обновлено",
        W::ToIssue => "Заказы к выдаче",
        W::ToIssueHow => {
            "Принятые заказы картриджей, старые первыми. Откройте заказ, чтобы выдать его со склада полностью или частично."
        }
        W::NothingToIssue => "Нечего выдавать.",
        W::AllToIssue => "Все заказы к выдаче",
        W::ImportTitle => "Загрузка из 1С",
        W::ImportHow => {
            "Файлы CommerceML (offers.xml вместе с import.xml, rests.xml) или отчёт об остатках (xlsx, xls, ods, csv). Вы увидите изменения до того, как что-либо будет записано."
        }
        W::ImportFiles => "Файлы",
        W::ImportWarehouse => "Склад для остатков без склада",
        W::ImportCheck => "Проверить файлы",
        W::ImportRows => "Строк",
        W::ImportMatched => "Сопоставлено",
        W::ImportUnmatchedItems => "Нет в каталоге",
        W::ImportUnmatchedWarehouses => "Склады не найдены",
        W::ImportChanges => "Изменения остатков",
        W::ImportAlready => "Эти файлы уже загружены:",
        W::ImportOld => "Сейчас",
        W::ImportNew => "После",
        W::ImportApply => "Применить изменения",
        W::ImportNothing => "Применять нечего.",
        W::Discard => "Отменить",
        W::ImportApplied => "Загружено из 1С. Изменено строк остатков:",
        W::ImportPreviewTitle => "Что изменит загрузка",
        W::UploadTooBig => "Загрузка слишком велика или прервалась. Загрузите файлы поменьше.",
        W::UploadTooMany => "Слишком много файлов сразу: не более 8.",
        W::UploadNoFiles => "Выберите файлы для загрузки.",
        W::UploadExpired => {
            "Эта загрузка больше не ждёт (применена, отменена или старше 30 минут). Загрузите файлы снова."
        }
        W::ImportFailed => "Файлы не удалось загрузить; ничего не изменено. Причина:",
        W::StockTitle => "Склад",
        W::ReportsTitle => "Отчёты",
        W::DownloadXlsx => "Скачать xlsx",
        W::DownloadCsv => "Скачать CSV",
        W::PeriodWrong => "Период задан неверно: дата начала должна быть не позже даты окончания.",
        W::RepFiled => "Подано",
        W::RepClosed => "Закрыто за период",
        W::RepBreaches => "Нарушения SLA",
        W::RepMeanAccept => "Среднее время до принятия",
        W::RepMeanClose => "Среднее время до закрытия",
        W::RepByBranch => "По филиалам",
        W::RepHow => {
            "Заявки, поданные за период, включая архивные, по их текущему статусу; «закрыто» — закрытые за период, когда бы ни были поданы. Те же цифры, что в helpdesk report и на листе Summary выгрузки. Среднее время — календарное, под ним — в рабочих часах календаря филиала."
        }
        W::RepWorking => "рабочих часов",
        W::NavCalendars => "Календари",
        W::NavRecurring => "Регулярные",
        W::RecHow => {
            "Заявки по расписанию: ежемесячная проверка серверной, чистка принтеров раз в квартал. Каждая подаётся один раз для филиала, в его рабочее время."
        }
        W::RecNone => "Регулярных заявок пока нет.",
        W::RecEveryBranch => "Все филиалы",
        W::RecQueue => "Очередь (никто не назначен)",
        W::RecRule => "Когда",
        W::RecRuleHint => {
            "every 3 days · every 2 weeks on mon · monthly on 1 · every 3 months on last · cron 0 9 1 * *"
        }
        W::RecAt => "Время (филиала)",
        W::RecStarting => "Считать с",
        W::RecNext => "Следующая",
        W::RecLast => "Последняя",
        W::RecLate => "с опозданием",
        W::RecPaused => "на паузе",
        W::RecPause => "Пауза",
        W::RecResume => "Продолжить",
        W::RecAdd => "Добавить расписание",
        W::RecOnBehalf => "Каждая подаётся от вашего имени: вы будете знать о её изменениях.",
        W::DoneRecAdded => "Расписание добавлено.",
        W::DoneRecPaused => "Расписание на паузе: ничего не подаётся, пока его не продолжат.",
        W::DoneRecResumed => "Расписание снова идёт; то, что пришлось на паузу, не подаётся.",
        W::CalHow => {
            "Сроки обслуживания считаются в рабочих часах календаря филиала: его собственного, иначе — календаря по умолчанию, в его часовом поясе. Без календарей время идёт круглосуточно. Напоминания приходят только в рабочие часы."
        }
        W::CalNone => "Календарей пока нет: сроки считаются круглосуточно.",
        W::CalDefaultBadge => "по умолчанию",
        W::CalMakeDefault => "По умолчанию для организации (для филиалов без своего)",
        W::CalCode => "Код",
        W::CalZone => "Часовой пояс",
        W::CalZoneHint => "Например, Europe/Kyiv; пусто — пояс панели",
        W::CalHoursHint => "Рабочие часы, например 09:00-13:00 14:00-18:00; пусто — выходной",
        W::CalKeptBy => "Используют",
        W::CalKeptByNone => "ни один филиал",
        W::CalDays => "Праздники и рабочие дни",
        W::CalNoDays => "Праздников и перенесённых рабочих дней нет.",
        W::CalKind => "Вид",
        W::CalDate => "Дата",
        W::CalDateHint => "ГГГГ-ММ-ДД; ММ-ДД для праздника каждый год",
        W::CalHours => "Часы",
        W::CalDayName => "Название",
        W::DayHoliday => "Праздник",
        W::DayYearly => "Праздник каждый год",
        W::DayWorkday => "Рабочий день",
        W::CalAddDay => "Добавить день",
        W::CalPaste => "Вставить список дней (праздники на год)",
        W::CalPasteHint => {
            "По дню в строке: дата, вид (holiday, yearly или workday; пусто — праздник), часы, название. Сохраняются все или ни один."
        }
        W::CalLoadList => "Сохранить список",
        W::DoneDaysLoaded => "Список дней сохранён.",
        W::CalRemove => "Убрать",
        W::CalNew => "Новый календарь",
        W::CalBranches => "Филиалы и их календари",
        W::CalUseDefault => "Календарь по умолчанию",
        W::DoneCalSaved => "Календарь сохранён.",
        W::DoneDayAdded => "День сохранён.",
        W::DoneDayRemoved => "День убран.",
        W::DoneCalAssigned => "Календарь филиала сохранён.",
        W::WdMon => "Пн",
        W::WdTue => "Вт",
        W::WdWed => "Ср",
        W::WdThu => "Чт",
        W::WdFri => "Пт",
        W::WdSat => "Сб",
        W::WdSun => "Вс",
        W::RepPerBranch => "Заявки по филиалам",
        W::MiniAppTitle => "Служба поддержки в Telegram",
        W::MiniAppSigningIn => "Входим через Telegram…",
        W::MiniAppOpenFromBot => {
            "Откройте это приложение из бота в Telegram (кнопка меню) или войдите в веб-панель по ссылке, которую бот присылает на /web."
        }
        W::MiniAppReopen => "Закройте приложение и откройте его снова из бота.",
        W::AttachLabel => "Фото или файл (необязательно)",
        W::AttachHow => "Одно фото с камеры или файл до 10 МБ. Он также придёт в ваш чат с ботом.",
        W::AttachmentTooBig => "Файл больше 10 МБ: выберите файл поменьше.",
        W::AttachFailed => {
            "Не удалось приложить фото или файл (Telegram его не принял). Попробуйте ещё раз или подайте заявку без него и отправьте его в боте."
        }
        W::AttachmentCaption => "Приложено к вашей новой заявке.",
        W::CallTitle => "Серверная",
        W::NavCall => "Серверная",
        W::CallHow => {
            "Что-то срочное в серверной (нет сети, упал сервер, дым, вода)? Вызов сразу уйдёт дежурным сотрудникам в Telegram. Повторить вызов можно через несколько минут."
        }
        W::CallButton => "Вызвать в серверную",
        W::AtYourBranch => "На складе филиала",
        W::MiniAppContinueAs => "Продолжить как",
        W::OnecTitle => "Обмены с 1С",
        W::OnecHow => {
            "Что делали последние обмены 1С с сервис-деском: присланные остатки, отправленные и подтверждённые заказы, присланные состояния. Вся история: helpdesk import-1c history."
        }
        W::OnecOff => {
            "Обмен с 1С выключен: задайте HELPDESK_ONEC_EXCHANGE_USER и HELPDESK_ONEC_EXCHANGE_PASSWORD и укажите в 1С адрес /1c/exchange."
        }
        W::OnecNone => "1С ещё не обменивалась с сервис-деском.",
        W::OnecColWhen => "Когда",
        W::OnecColStep => "Шаг",
        W::OnecColResult => "Результат",
        W::OnecOk => "успешно",
        W::OnecFailed => "ошибка",
        W::HistOnecSent => "1С получила выданные картриджи",
        W::HistOnecStatus => "1С прислала состояние заказа",
        W::OnecStepImport => "Остатки из 1С",
        W::OnecStepCatalog => "Каталог из 1С",
        W::OnecStepPull => "Остатки по OData",
        W::OnecStepQuery => "Выданные картриджи отправлены в 1С",
        W::OnecStepConfirm => "1С подтвердила выданные картриджи",
        W::OnecStepStatus => "Состояния заказов из 1С",
        W::OnecStepBaseline => "Первый обмен заказами: прежние выдачи не отправляются",
        W::OnecStepSignIn => "Вход 1С",
        W::OnecStockChanged => "Изменено строк остатков:",
    }
}
