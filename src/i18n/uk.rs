//! Українські тексти.

use super::{Msg, W, listed};
use crate::domain::{
    BadKey, Candidate, Denied, Entity, Field, Kind, LifecycleError, PhoneError, Priority, Refusal, Role, State, Status,
    TextField,
};

pub(super) fn text(m: Msg<'_>) -> String {
    match m {
        Msg::MenuNewRequest => "📝 Нова заявка".into(),
        Msg::MenuCartridges => "🖨 Картриджі".into(),
        Msg::MenuCall => "🚨 Серверна".into(),
        Msg::MenuMyRequests => "📋 Мої заявки".into(),
        Msg::MenuQueue => "📥 Черга".into(),
        Msg::MenuStock => "📦 Склад".into(),
        Msg::MenuBroadcast => "📢 Розсилка".into(),
        Msg::MenuStaff => "👥 Співробітники".into(),
        Msg::MenuHelp => "❓ Довідка".into(),
        Msg::Cancel => "✖️ Скасувати".into(),
        Msg::Skip => "Пропустити ⏭".into(),
        Msg::Confirm => "✅ Підтвердити".into(),
        Msg::Prev => "◀️".into(),
        Msg::Next => "▶️".into(),
        Msg::ShareContact => "📱 Надіслати мій номер".into(),
        Msg::Accept => "✅ Прийняти".into(),
        Msg::Complete => "🏁 Виконано".into(),
        Msg::AskAuthor => "❓ Запитати автора".into(),
        Msg::WaitForParts => "⏸ Чекає запчастин".into(),
        Msg::Resume => "▶️ Продовжити".into(),
        Msg::AnswerButton => "✍️ Відповісти".into(),
        Msg::RatePrompt => "Як усе пройшло? Оцініть від 1 (погано) до 5 (чудово):".into(),
        Msg::Reject => "⛔ Відхилити".into(),
        Msg::Issue => "📦 Видати".into(),
        Msg::IssuePartially => "📦 Видати що є".into(),
        Msg::Delivered => "🚚 Доставлено".into(),
        Msg::Open => "🔎 Відкрити".into(),
        Msg::CancelRequest => "🗑 Скасувати заявку".into(),
        Msg::YesCancelIt => "Так, скасувати".into(),
        Msg::No => "Ні".into(),
        Msg::AddAnother => "➕ Ще картридж".into(),
        Msg::PlaceOrder => "✅ Оформити замовлення".into(),
        Msg::AllKinds => "Усі".into(),
        Msg::Coming => "👍 Іду".into(),
        Msg::Cannot => "👎 Не можу".into(),
        Msg::SendBroadcast => "📢 Надіслати всім".into(),
        Msg::AddAdmin => "➕ Адміністратор".into(),
        Msg::AddSupport => "➕ Підтримка".into(),
        Msg::AddStorekeeper => "➕ Комірник".into(),
        Msg::ListStaff => "📃 Список співробітників".into(),
        Msg::Remove => "Прибрати".into(),
        Msg::YesRemove => "Так, прибрати".into(),
        Msg::Kind(k) => match k {
            Kind::Cartridge => "картриджі",
            Kind::Repair => "ремонт",
            Kind::Maintenance => "обслуговування",
            Kind::ItHelp => "ІТ-допомога",
        }
        .into(),
        Msg::Priority(p) => match p {
            Priority::Low => "🟢 низький",
            Priority::Medium => "🟡 середній",
            Priority::High => "🔴 високий",
        }
        .into(),
        Msg::Status(s) => match s {
            Status::New => "нова",
            Status::Accepted => "прийнята",
            Status::Done => "виконана",
            Status::Rejected => "відхилена",
            Status::Cancelled => "скасована",
        }
        .into(),
        Msg::State(s) => match s {
            State::New => "нова",
            State::Accepted => "прийнята",
            State::WaitingAuthor => "чекає відповіді автора",
            State::WaitingParts => "чекає запчастин",
            State::Done => "виконана",
            State::Rejected => "відхилена",
            State::Cancelled => "скасована",
            State::Archived => "в архіві",
        }
        .into(),
        Msg::Role(r) => match r {
            Role::User => "співробітник",
            Role::Storekeeper => "комірник",
            Role::Support => "підтримка",
            Role::Admin => "адміністратор",
            Role::SuperAdmin => "суперадміністратор",
        }
        .into(),
        Msg::LabelStatus => "Статус".into(),
        Msg::LabelBranch => "Філія".into(),
        Msg::LabelAuthor => "Автор".into(),
        Msg::LabelContact => "Контакт".into(),
        Msg::LabelCreated => "Створена".into(),
        Msg::LabelAccepted => "Прийнята".into(),
        Msg::LabelClosed => "Закрита".into(),
        Msg::LabelDue => "Термін".into(),
        Msg::OverdueMark => "прострочена".into(),
        Msg::LabelAssignee => "Виконавець".into(),
        Msg::LabelReason => "Причина".into(),
        Msg::LabelCartridges => "Картриджі".into(),
        Msg::LabelAttachments => "Вкладення".into(),
        Msg::LabelIssued => "видано".into(),
        Msg::Welcome { name } => {
            format!("Вітаємо, {name}! Це служба підтримки: тут можна подати заявку й стежити за нею.")
        }
        Msg::ChooseBranch => "У якій філії ви працюєте?".into(),
        Msg::BranchSaved { branch } => format!("Філію збережено: <b>{branch}</b>."),
        Msg::NoBranchesYet => "Філії ще не налаштовані; зверніться до адміністратора.".into(),
        Msg::MenuHint => "Оберіть дію кнопками нижче.".into(),
        Msg::OpenApp => "📱 Відкрити застосунок".into(),
        Msg::AppOffer => {
            "Замовити картриджі й подати заявку швидше в застосунку служби підтримки: каталог, кошик і одна форма."
                .into()
        }
        Msg::Help { staff, admin, super_admin } => {
            let mut s = String::from(
                "/new — подати заявку (ремонт, обслуговування, ІТ-допомога)\n/cartridge — замовити картриджі\n\
                 /call — терміновий виклик до серверної\n/my — мої заявки\n/cancel — перервати заповнення",
            );
            if staff {
                s.push_str("\n/queue — заявки в черзі\n/stock — картриджі на складі");
            }
            if admin {
                s.push_str("\n/broadcast — оголошення для всіх");
            }
            if super_admin {
                s.push_str("\n/staff — співробітники та ролі");
            }
            s
        }
        Msg::AccountBlocked => "Ваш обліковий запис заблоковано. Зверніться до адміністратора.".into(),
        Msg::UseTheButtons => "Будь ласка, скористайтеся кнопками або /cancel, щоб перервати.".into(),
        Msg::SomethingWentWrong => "Щось пішло не так з нашого боку. Спробуйте ще раз за хвилину.".into(),
        Msg::ButtonExpired => "Ця кнопка більше не діє.".into(),
        Msg::Cancelled => "Скасовано.".into(),
        Msg::NothingToCancel => "Нема чого скасовувати.".into(),
        Msg::NeedBranchFirst => "Спершу оберіть вашу філію.".into(),
        Msg::Denied(d) => match d {
            Denied::Blocked => "Ваш обліковий запис заблоковано.",
            Denied::NotStaff => "Це доступно лише співробітникам підтримки.",
            Denied::WrongKind(_) => "Ваша роль не обробляє заявки цього виду.",
            Denied::NotAuthor => "Це може зробити лише автор заявки.",
            Denied::NotAssignee => "Це може зробити лише виконавець або адміністратор.",
            Denied::AdminOnly => "Це доступно лише адміністраторам.",
            Denied::SuperAdminOnly => "Це доступно лише суперадміністраторам.",
            Denied::NoRequest => "Такої заявки немає.",
        }
        .into(),
        Msg::Lifecycle(e) => match e {
            LifecycleError::NotAllowed { from, .. } => {
                format!("Зараз це неможливо: заявка {}.", text(Msg::State(*from)))
            }
            LifecycleError::NoteRequired => "Напишіть, на що чекає заявка: питання автору або які запчастини.".into(),
            LifecycleError::AnswerRequired => "Напишіть відповідь: вона порожня.".into(),
            LifecycleError::ReasonRequired | LifecycleError::ReasonTooLong { .. } => {
                text(Msg::BadReason { max: crate::domain::lifecycle::MAX_REASON_CHARS })
            }
        },
        Msg::NotFound { what, key } => match what {
            Entity::Branch => format!("Філію «{key}» не знайдено."),
            Entity::Warehouse => format!("Склад «{key}» не знайдено."),
            Entity::CartridgeType => format!("Тип картриджа «{key}» не знайдено."),
            Entity::User => format!("Користувача {key} не знайдено."),
            Entity::Request => format!("Заявку {key} не знайдено."),
            Entity::ServerCall => "Такого виклику до серверної немає.".into(),
            Entity::Broadcast => "Такої розсилки немає.".into(),
            Entity::Printer => format!("Принтер «{key}» не знайдено."),
            Entity::Contractor => format!("Підрядника «{key}» не знайдено."),
            Entity::RefillBatch => format!("Партію на заправку {key} не знайдено."),
            Entity::Calendar => format!("Календар «{key}» не знайдено."),
            Entity::Recurring => format!("Розклад {key} не знайдено."),
        },
        Msg::Ambiguous { what, key, candidates } => ambiguous(what, key, candidates),
        Msg::Refusal(r) => refusal(r),
        Msg::ChooseKind => "Що потрібно зробити?".into(),
        Msg::AskName => "Ваші прізвище та ім'я?".into(),
        Msg::AskPhone => "Ваш номер телефону? Натисніть кнопку, щоб надіслати його, або наберіть вручну.".into(),
        Msg::BadPhone => "Це не схоже на номер телефону. Наберіть його так: +380 44 123 4567 або 067 123 45 67.".into(),
        Msg::AskDescription => "Опишіть проблему: що сталося, де, яке обладнання.".into(),
        Msg::BadDescription { max } => format!("Опишіть словами, не довше {max} символів."),
        Msg::AskAttachment => "Додайте фото чи документ, якщо це допоможе, або натисніть «Пропустити».".into(),
        Msg::NotAnAttachment => "Надішліть фото чи документ або натисніть «Пропустити».".into(),
        Msg::AskPriority => "Наскільки терміново?".into(),
        Msg::CheckTicket => "Перевірте й підтвердьте:".into(),
        Msg::TicketCreated { number } => {
            format!("✅ Заявку <b>{number}</b> зареєстровано. Ми повідомимо про кожну зміну.")
        }
        Msg::NoCatalog => "Каталог картриджів порожній; зверніться до комірника.".into(),
        Msg::ChooseCartridge => "Який картридж?".into(),
        Msg::ChoosePrinter => "Для якого принтера?".into(),
        Msg::NoParticularPrinter => "Не для конкретного принтера".into(),
        Msg::ChooseCartridgeFor { printer } => {
            format!("Який картридж для {printer}? Ті, що йому підходять, — першими, з позначкою ✓.")
        }
        Msg::ForPrinter => "для".into(),
        Msg::InStock { n } => format!("на складі {n}"),
        Msg::AskQuantity { name, max } => format!("Скільки <b>{name}</b>? (1–{max})"),
        Msg::BadQuantity { max } => format!("Введіть ціле число від 1 до {max}."),
        Msg::AskOrderComment => "Коментар (принтер, кабінет)? Або натисніть «Пропустити».".into(),
        Msg::OrderSoFar => "Ваше замовлення:".into(),
        Msg::TooManyLines { max } => format!("У замовленні не більше {max} позицій."),
        Msg::MyRequestsTitle { total, page, pages } => format!("Ваші заявки: {total} (стор. {page} з {pages})"),
        Msg::NoRequestsYet => "У вас поки немає заявок.".into(),
        Msg::ConfirmCancel { number } => format!("Скасувати заявку {number}?"),
        Msg::RequestCancelled { number } => format!("Заявку {number} скасовано."),
        Msg::QueueTitle { total, page, pages } => format!("У черзі: {total} (стор. {page} з {pages})"),
        Msg::QueueEmpty => "Черга порожня. 🎉".into(),
        Msg::AcceptedOk { number } => format!("Ви прийняли {number}."),
        Msg::AskWaitNote { number, author } => {
            if author {
                format!(
                    "Що запитати в автора {number}? Він отримає питання в Telegram; термін зупинено, доки робота не продовжиться."
                )
            } else {
                format!(
                    "На що чекає {number} (запчастини, підрядник)? Автор це побачить; термін зупинено, доки робота не продовжиться."
                )
            }
        }
        Msg::WaitingOk { number } => format!("{number} чекає; термін зупинено."),
        Msg::ResumedOk { number } => format!("Робота над {number} триває; термін знову йде."),
        Msg::RatedOk { score } => format!(
            "Дякуємо! Ваша оцінка: {score}/5. Можете додати коментар: напишіть його зараз або натисніть «Пропустити»."
        ),
        Msg::RatingCommentKept => "Дякуємо, коментар збережено.".into(),
        Msg::AskAnswer { number } => {
            format!("Напишіть відповідь щодо {number}: вона піде тому, хто над нею працює. /cancel — скасувати.")
        }
        Msg::AnsweredOk { number } => format!("Дякуємо: відповідь передано, робота над {number} триває."),
        Msg::CompletedOk { number } => format!("{number} виконана."),
        Msg::AskRejectReason { number } => format!("Чому {number} відхиляється? Автор побачить цей текст."),
        Msg::BadReason { max } => format!("Напишіть причину словами, не довше {max} символів."),
        Msg::RejectedOk { number } => format!("{number} відхилена."),
        Msg::StockTitle => "Картриджі на складах:".into(),
        Msg::StockEmpty => "На складах порожньо.".into(),
        Msg::ChooseWarehouse { number } => format!("З якого складу видати {number}?"),
        Msg::NotEnoughStock => "Бракує на складі:".into(),
        Msg::AskIssueNote => "Коментар для автора щодо часткової видачі? Або натисніть «Пропустити».".into(),
        Msg::EmptyCount { n } => format!("порожніх {n}"),
        Msg::EmptiesWhere => "Порожні картриджі: на який склад?".into(),
        Msg::EmptiesWhich => "Який картридж?".into(),
        Msg::EmptiesHowMany { max } => format!("Скільки порожніх? Ціле число від 1 до {max}."),
        Msg::EmptiesReceived { n, now } => format!("Прийнято порожніх: {n}; тепер там порожніх {now}."),
        Msg::AskEmptiesBack => "Порожні картриджі повернули разом із цими?".into(),
        Msg::EmptiesAllBack => "♻️ Так, усі".into(),
        Msg::EmptiesNoneBack => "Порожніх немає".into(),
        Msg::EmptiesBack { n } => format!("Порожніх повернуто: {n}."),
        Msg::IssuedOk { number, complete } => {
            if complete {
                format!("Картриджі за {number} видано повністю.")
            } else {
                format!("Картриджі за {number} видано частково.")
            }
        }
        Msg::NothingLeftToIssue => "За цим замовленням усе вже видано.".into(),
        Msg::CallSent { n } => {
            format!("🚨 Виклик надіслано черговим співробітникам ({n}). Залишайтеся на місці, до вас підійдуть.")
        }
        Msg::CallNobody => "🚨 Виклик записано, але зараз ніхто не чергує. Зателефонуйте до ІТ-відділу.".into(),
        Msg::CallWait { minutes, seconds } => {
            format!("Ви щойно викликали. Повторити виклик можна за {minutes} хв {seconds} с.")
        }
        Msg::CallNotice { caller, branch, phone } => {
            format!("🚨 <b>Терміново: серверна</b>\n{caller}, {branch}\n{phone}")
        }
        Msg::CallAnswered { responder, coming } => {
            if coming {
                format!("👍 {responder} іде.")
            } else {
                format!("👎 {responder} не може підійти.")
            }
        }
        Msg::CallAnswerSaved { coming } => {
            if coming { "Позначено: ви йдете." } else { "Позначено: ви не можете." }.into()
        }
        Msg::NoticeAccepted { number, by } => format!("Вашу заявку <b>{number}</b> прийняв(ла) {by}."),
        Msg::StockDigestHead { lead_days } => format!(
            "📦 <b>Картриджі до замовлення цього тижня</b>\nЗа прогнозом з історії видач (поставка йде {lead_days} д):"
        ),
        Msg::StockDigestLine { warehouse, cartridge, article, days_left, order } => {
            format!("• {warehouse}: {cartridge} ({article}): залишилось на {days_left} д, замовити <b>{order}</b>")
        }
        Msg::EmailStockDigestSubject { lines } => format!("[helpdesk] Картриджі до замовлення: рядків {lines}"),
        Msg::NoticeDone { number } => format!("✅ Вашу заявку <b>{number}</b> виконано."),
        Msg::NoticeRejected { number, reason } => {
            format!("⛔ Вашу заявку <b>{number}</b> відхилено.\nПричина: {reason}")
        }
        Msg::NoticeQuestion { number, question } => format!(
            "❓ Питання щодо вашої заявки <b>{number}</b>:\n{question}\n\nТермін заявки зупинено до вашої відповіді: натисніть «Відповісти» або дайте відповідь на це повідомлення."
        ),
        Msg::NoticeWaitingParts { number, note } => {
            format!("⏸ Ваша заявка <b>{number}</b> чекає запчастин або підрядника:\n{note}")
        }
        Msg::NoticeResumed { number } => format!("▶️ Робота над вашою заявкою <b>{number}</b> триває."),
        Msg::NoticeLowRating { number, score, comment } => {
            format!("⚠️ Заявку <b>{number}</b> автор оцінив на {score}/5.\n{comment}")
        }
        Msg::NoticeUnanswered { number, after } => format!(
            "🔒 Вашу заявку <b>{number}</b> закрито: на питання щодо неї не було відповіді {after}. Якщо вона ще потрібна, подайте її знову."
        ),
        Msg::NoticeUnansweredAssignee { number, after } => {
            format!("🔒 Заявку <b>{number}</b> закрито (скасовано): автор не відповів на ваше питання {after}.")
        }
        Msg::NoticeAnswered { number, answer } => {
            format!("💬 Автор <b>{number}</b> відповів:\n{answer}\n\nТермін знову йде.")
        }
        Msg::NoticeCancelled { number } => format!("Заявку <b>{number}</b> скасував її автор."),
        Msg::NoticeIssued { number } => format!("📦 За вашою заявкою <b>{number}</b> видано картриджі:"),
        Msg::NoticeNewRequest => "🆕 Нова заявка".into(),
        Msg::AskBroadcast => "Надішліть оголошення: текст, фото чи документ з підписом. /cancel — перервати.".into(),
        Msg::BroadcastPreview => "Так його побачать усі. Надіслати?".into(),
        Msg::BroadcastQueued { n } => format!("📢 Розсилка {n} отримувачам. Коли завершиться, надійде звіт."),
        Msg::BroadcastReport { recipients, delivered, failed, blocked } => format!(
            "📢 Розсилку завершено: доставлено {delivered} з {recipients}, помилок {failed}, заблокували бота {blocked}."
        ),
        Msg::BroadcastUnsupported => "Розіслати можна лише текст, фото чи документ.".into(),
        Msg::StaffMenu => "Керування співробітниками:".into(),
        Msg::AskStaffId { role } => {
            format!("Надішліть Telegram ID нового співробітника з роллю «{}».", text(Msg::Role(role)))
        }
        Msg::BadTelegramId => "Telegram ID — це число, наприклад 123456789.".into(),
        Msg::StaffAdded { name, role } => format!("{name} тепер {}.", text(Msg::Role(role))),
        Msg::StaffList => "Співробітники:".into(),
        Msg::ConfirmRemove { name } => format!("Прибрати {name} зі співробітників?"),
        Msg::StaffRemoved { name } => format!("{name} більше не співробітник підтримки."),
        Msg::SlaTitle { n } => format!("⏰ Прострочені заявки: {n}"),
        Msg::SlaNotAccepted { overdue } => format!("не прийнята, прострочення {overdue}"),
        Msg::SlaNotResolved { overdue } => format!("не виконана, прострочення {overdue}"),
        Msg::SlaEscalated => "передано суперадміністраторам".into(),
        Msg::SlaMore { n } => format!("… і ще {n}"),
        Msg::Duration { days, hours, minutes } => match (days, hours) {
            (0, 0) => format!("{minutes} хв"),
            (0, h) => format!("{h} год {minutes} хв"),
            (d, h) => format!("{d} дн {h} год"),
        },
        Msg::EmailSlaSubject { n } => format!("[helpdesk] Прострочені заявки: {n}"),
        Msg::EmailSlaOneSubject { number } => format!("[helpdesk] Заявку {number} прострочено"),
        Msg::EmailNewRequestSubject { number } => format!("[helpdesk] Нова заявка {number}"),
        Msg::ReportSubject { from, until } => format!("[helpdesk] Зведення {from} – {until}"),
        Msg::ReportIntro { from, until } => format!("Зведення служби підтримки за {from} – {until}"),
        Msg::ReportOpened => "Відкрито".into(),
        Msg::ReportClosed => "Закрито".into(),
        Msg::ReportBreaches => "Порушення SLA".into(),
        Msg::ReportTotal => "Разом".into(),
        Msg::ReportLowStock => "Нижче мінімального залишку".into(),
        Msg::ReportNoLowStock => "Усі картриджі вище мінімального залишку.".into(),
        Msg::LabelWarehouse => "Склад".into(),
        Msg::LabelQuantity => "Кількість".into(),
        Msg::LabelMinimum => "Мінімум".into(),
        Msg::WebLink { url, minutes } => format!(
            "Ваше посилання для входу до вебпанелі. Воно працює один раз, {minutes} хвилин; нікому його не пересилайте.\n\n<a href=\"{url}\">Відкрити службу підтримки</a>"
        ),
        Msg::CommandHelp { command } => match command {
            "start" => "Початок і головне меню",
            "help" => "Що вміє бот",
            "new" => "Подати заявку",
            "cartridge" => "Замовити картриджі",
            "call" => "Терміновий виклик до серверної",
            "my" => "Мої заявки",
            "cancel" => "Перервати заповнення",
            "queue" => "Заявки в черзі",
            "stock" => "Картриджі на складі",
            "broadcast" => "Оголошення для всіх",
            "empties" => "Прийняти порожні картриджі",
            "staff" => "Співробітники та ролі",
            "web" => "Вхід до вебпанелі",
            other => other,
        }
        .into(),
    }
}

fn field(f: TextField) -> &'static str {
    match f {
        TextField::FullName => "прізвище та ім'я",
        TextField::ContactName => "контактна особа",
        TextField::BranchName => "назва філії",
        TextField::WarehouseName => "назва складу",
        TextField::CartridgeName => "назва картриджа",
        TextField::VendorArticle => "артикул",
        TextField::Address => "адреса",
        TextField::InventoryNumber => "інвентарний номер",
        TextField::PrinterModel => "модель принтера",
        TextField::PrinterPlace => "місце принтера",
        TextField::SerialNumber => "серійний номер",
        TextField::ContractorName => "назва підрядника",
        TextField::Contacts => "контакти",
        TextField::CalendarName => "назва календаря",
    }
}

/// The field of a key, as in «код філії».
fn noun(f: Field) -> &'static str {
    match f {
        Field::Id => "id",
        Field::Code => "код",
        Field::Article => "артикул",
        Field::Name => "назва",
        Field::OneC => "id в 1С",
    }
}

/// The field of a key, as in «напишіть назву».
fn noun_to_write(f: Field) -> &'static str {
    match f {
        Field::Name => "назву",
        other => noun(other),
    }
}

/// Of what: «код філії».
fn of(what: Entity) -> &'static str {
    match what {
        Entity::Branch => "філії",
        Entity::Warehouse => "складу",
        Entity::CartridgeType => "типу картриджа",
        Entity::User => "користувача",
        Entity::Request => "заявки",
        Entity::ServerCall => "виклику",
        Entity::Broadcast => "розсилки",
        Entity::Printer => "принтера",
        Entity::Contractor => "підрядника",
        Entity::RefillBatch => "партії",
        Entity::Calendar => "календаря",
        Entity::Recurring => "розкладу",
    }
}

fn ambiguous(what: Entity, key: &str, candidates: &[Candidate]) -> String {
    let code = match what {
        Entity::CartridgeType => "артикул",
        Entity::Printer => "інвентарний номер",
        _ => "код",
    };
    let which: Vec<String> = candidates
        .iter()
        .map(|c| format!("{} {} {} ({code} {}, id {})", noun(c.matched), of(what), c.name, c.code, c.id))
        .collect();
    let keys: Vec<String> = candidates.iter().map(|c| c.key(key)).collect();
    format!(
        "«{key}» називає кілька записів: це {}; напишіть {}, щоб вибрати один.",
        listed(&which, "і"),
        listed(&keys, "або")
    )
}

fn refusal(r: &Refusal) -> String {
    match r {
        Refusal::BadCode { what, code } => {
            format!("«{code}» не підходить як код {}: використовуйте від 1 до 32 літер, цифр, «-» або «_».", of(*what))
        }
        Refusal::EmptyText { what } => format!("Поле «{}» не заповнене.", field(*what)),
        Refusal::TextTooLong { what, max } => format!("Поле «{}» довше за {max} символів.", field(*what)),
        Refusal::ControlCharacters { what } => format!("У полі «{}» є керівні символи.", field(*what)),
        Refusal::BadPhone(e) => match e {
            PhoneError::Empty => "Номер телефону не вказано.".into(),
            PhoneError::BadCharacters(p) => format!(
                "«{p}» — не номер телефону: дозволені лише цифри, пробіли, дефіси, крапки, дужки та + на початку."
            ),
            PhoneError::Invalid(p) => format!(
                "«{p}» — неправильний номер телефону: наберіть його в міжнародному форматі, \
                 наприклад +380 44 123 4567 або +7 916 123-45-67."
            ),
        },
        Refusal::BadKey(e) => match e {
            BadKey::Empty => "Порожній ключ нічого не називає: вкажіть код, назву або id.".into(),
            BadKey::EmptyValue { typed, field } => {
                format!("«{typed}» нічого не називає: напишіть {} після двокрапки.", noun_to_write(*field))
            }
            BadKey::NotAnId(typed) => format!("«{typed}»: id — це ціле число, наприклад id:3."),
        },
        Refusal::BranchByOneCId { key } => {
            format!("«{key}»: філії не мають id в 1С; вкажіть філію кодом, назвою або id (code:X, name:X, id:N).")
        }
        Refusal::CartridgeByName { key } => format!(
            "«{key}»: тип картриджа не вказують назвою (назви повторюються); \
             вкажіть артикул, id в 1С або id (article:X, 1c:X, id:N)."
        ),
        Refusal::EmptyDescription => "Опис порожній.".into(),
        Refusal::DescriptionTooLong { len, max } => format!("Опис задовгий: {len} символів, можна не більше {max}."),
        Refusal::BadQuantity { max } => text(Msg::BadQuantity { max: *max }),
        Refusal::EmptyOrder => "У замовленні має бути хоча б один картридж.".into(),
        Refusal::TooManyLines { max } => text(Msg::TooManyLines { max: *max }),
        Refusal::LinesOnlyOnOrders { kind } => {
            format!("Картриджі вказують лише в замовленні картриджів, а це заявка виду «{}».", text(Msg::Kind(*kind)))
        }
        Refusal::NoBranch => text(Msg::NeedBranchFirst),
        Refusal::AlreadyAccepted { number, by } => format!("{number} уже прийняв(ла) {by}."),
        Refusal::NotIssuable { number, state } => {
            format!("Заявка {number} {}: картриджі видають лише за прийнятими заявками.", text(Msg::State(*state)))
        }
        Refusal::BranchCodeTaken { code, name } => format!("Філія з кодом «{code}» уже є: {name}."),
        Refusal::BranchNameTaken { name, code } => format!("Філія «{name}» уже є (код {code})."),
        Refusal::PrinterExists { inventory_number, branch } => {
            format!("Принтер з інвентарним номером {inventory_number} уже є (філія {branch}).")
        }
        Refusal::PrinterRetired { inventory_number } => {
            format!("Принтер {inventory_number} списано: його не можна змінити й під нього не можна замовити.")
        }
        Refusal::PrinterInUse { inventory_number, open } => format!(
            "Принтер {inventory_number} має відкритих заявок: {open}. Виконайте або скасуйте їх, перш ніж списувати його."
        ),
        Refusal::ContractorExists { name } => format!("Підрядник «{name}» уже є."),
        Refusal::EmptyBatch => "У партії на заправку має бути хоча б один тип картриджа з кількістю.".into(),
        Refusal::NotInBatch { article, batch } => format!("{article} немає в партії на заправку {batch}."),
        Refusal::RefillTooMany { batch, article, outstanding, wanted } => {
            format!("У партії {batch} у підрядника залишилося {article}: {outstanding}; повернути {wanted} не можна.")
        }
        Refusal::RejectNeedsReason => "Вкажіть, чому підрядник їх забракував.".into(),
        Refusal::BatchClosed { batch } => format!("Партію {batch} закрито: усе відправлене повернулося або списано."),
        Refusal::Recurrence { error } => {
            use crate::domain::recurrence::RecurrenceError as E;
            match error {
                E::Unreadable(r) => format!(
                    "«{r}» — не розклад: напишіть every 3 days, every 2 weeks on mon, monthly on 1, every 3 months on last або cron 0 9 1 * *."
                ),
                E::BadTime(t) => format!("«{t}» — не час: напишіть його як 09:00."),
                E::BadWeekday(d) => format!("«{d}» — не день тижня: напишіть mon, tue, wed, thu, fri, sat або sun."),
                E::BadMonthDay(d) => format!("«{d}» — не число місяця: напишіть від 1 до 31 або last."),
                E::BadCount(n) => format!("«{n}» — не кількість: напишіть ціле число від 1 до 366."),
                E::BadCron { line } => format!(
                    "«{line}» — не рядок crontab: потрібні пʼять полів (хвилина година день місяць день-тижня), наприклад 0 9 1 * *."
                ),
                E::StartTooFar(d) => format!("{d} — надто далеко: почніть у межах пʼяти років від сьогодні."),
                E::NeverFires(r) => format!("«{r}» не спрацює жодного разу за п'ять років: перевірте день і місяць."),
            }
        }
        Refusal::AssigneeCannot { name, kind } => {
            format!(
                "{name} не займається заявками виду «{}»: виберіть того, хто займається, або нікого.",
                text(Msg::Kind(*kind))
            )
        }
        Refusal::Rating { error } => {
            use crate::domain::satisfaction::RatingError as E;
            match error {
                E::OutOfRange(n) => format!("Оцінка — від 1 до 5, а не {n}."),
                E::NotDone => "Оцінити можна лише виконану заявку.".into(),
                E::TooLate => "Тиждень, щоб оцінити цю заявку, минув.".into(),
                E::CommentTooLong { len, max } => format!("Коментар задовгий ({len} символів; не більше {max})."),
            }
        }
        Refusal::Calendar { calendar, at, error } => {
            use crate::domain::calendar::CalendarError as E;
            let what = match error {
                E::BadHours(h) => format!(
                    "«{h}» — не робочі години: пишіть їх як 09:00-18:00, кілька через пробіл (09:00-13:00 14:00-18:00), або залиште порожніми для вихідного."
                ),
                E::Backwards(h) => {
                    format!("робочі години {h} закінчуються раніше, ніж починаються: спершу пишіть ранішій час.")
                }
                E::Overlap(a, b) => format!(
                    "робочі години {a} і {b} перетинаються: кожен відрізок має закінчуватися до початку наступного."
                ),
                E::UnknownZone(z) => {
                    format!("часового поясу «{z}» немає: вкажіть назву на кшталт Europe/Kyiv або Europe/Moscow.")
                }
                E::BadDate(d) => format!("«{d}» — не дата: пишіть РРРР-ММ-ДД (або ММ-ДД для свята щороку)."),
                E::BadDayKind(k) => format!("«{k}» — не вид дня: holiday, yearly або workday."),
                E::NoHours => {
                    "жоден день тижня не має робочих годин, і час ніколи не піде: задайте години хоча б одному дню."
                        .into()
                }
                E::HoursOnHoliday(_) => {
                    "свято не має робочих годин: залиште їх порожніми або зробіть день робочим (workday).".into()
                }
                E::BadDayName => "назва дня — не довша за 200 символів, в один рядок.".into(),
            };
            match at {
                Some(at) => format!("Календар {calendar}, {at}: {what}"),
                None => format!("Календар {calendar}: {what}"),
            }
        }
        Refusal::NotEnoughEmpties { article, warehouse, available, wanted } => {
            format!("Порожніх {article} на складі «{warehouse}» {available}, а потрібно {wanted}.")
        }
        Refusal::PrinterElsewhere { inventory_number, branch } => format!(
            "Принтер {inventory_number} стоїть у філії «{branch}», а не в тій, для якої заявка; виберіть принтер цієї філії."
        ),
        Refusal::NotATelegramId { id } => {
            format!("{id} — не Telegram ID: Telegram ID — це додатне число, наприклад 123456789.")
        }
        Refusal::UserExists { id } => format!("Користувач {id} уже є; змініть його роль."),
        Refusal::NotAStaffRole => format!(
            "Оберіть роль співробітника: {}, {} або {}.",
            text(Msg::Role(Role::Storekeeper)),
            text(Msg::Role(Role::Support)),
            text(Msg::Role(Role::Admin))
        ),
        Refusal::SuperAdminNotAssignable => {
            "Суперадміністратори задаються в налаштуваннях (HELPDESK_SUPER_ADMINS), а не тут.".into()
        }
        Refusal::OwnAccount => "Ніхто не може змінювати власну роль або блокувати себе.".into(),
        Refusal::WebPanelOff => "Вебпанель ще не налаштована; зверніться до адміністратора.".into(),
        Refusal::SignInLinkInvalid => {
            "Це посилання для входу вже використане або застаріле. Надішліть боту /web, щоб отримати нове.".into()
        }
        Refusal::TelegramSignInRejected { .. } => "Telegram не підтвердив, хто ви. Увійдіть ще раз.".into(),
        Refusal::ConfiguredSuperAdmin { id } => {
            format!("{id} — суперадміністратор із налаштувань (HELPDESK_SUPER_ADMINS); змінити це можна лише там.")
        }
    }
}

/// The web panel's words.
pub(super) fn web(w: W) -> &'static str {
    match w {
        W::Brand => "Служба підтримки",
        W::Tagline => "Заявки, склад і звіти всіх філій в одному місці.",
        W::NavDashboard => "Зведення",
        W::NavRequests => "Заявки",
        W::NavStock => "Склад",
        W::NavReports => "Звіти",
        W::NavPeople => "Люди",
        W::NavMine => "Мої заявки",
        W::NavNewRequest => "Нова заявка",
        W::NavOrder => "Картриджі",
        W::NavProfile => "Профіль",
        W::SignInTitle => "Вхід",
        W::SignInWithTelegram => "Увійдіть через свій обліковий запис Telegram:",
        W::SignInByLink => "Або отримайте посилання для входу від бота",
        W::SignInByLinkHow => {
            "Надішліть /web боту служби підтримки в Telegram. Він відповість посиланням, за яким ви увійдете сюди; воно працює один раз, 10 хвилин."
        }
        W::SignInAsTitle => "Вхід до служби підтримки",
        W::SignInAs => "Ви входите як",
        W::SignInButton => "Увійти",
        W::SignInLinkNote => "Це не ви? Закрийте сторінку: посилання лишиться невикористаним.",
        W::SignOut => "Вийти",
        W::SignOutEverywhere => "Вийти на всіх пристроях",
        W::SignedOut => "Ви вийшли.",
        W::SignedOutEverywhere => "Ви вийшли на всіх пристроях.",
        W::SessionsTitle => "Де виконано вхід",
        W::SessionThis => "цей браузер",
        W::SessionSince => "Вхід",
        W::SessionLastSeen => "Активність",
        W::SessionVia => "Спосіб",
        W::SessionDevice => "Пристрій",
        W::ViaLink => "посилання від бота",
        W::ViaWidget => "вхід через Telegram",
        W::ViaMiniApp => "міні-застосунок Telegram",
        W::ProfileTitle => "Ваш профіль",
        W::LabelName => "Ім'я",
        W::LabelRole => "Роль",
        W::LabelBranch => "Філія",
        W::LabelPhone => "Телефон",
        W::LabelTelegramId => "Telegram ID",
        W::LabelLanguage => "Мова",
        W::ChangeLanguage => "Змінити",
        W::NotFoundTitle => "Не знайдено",
        W::NotFoundText => "Такої сторінки немає.",
        W::ForbiddenTitle => "Немає доступу",
        W::ErrorTitle => "Щось пішло не так",
        W::ErrorText => "Щось пішло не так з нашого боку. Спробуйте ще раз за хвилину.",
        W::TooManyAttempts => "Забагато спроб. Зачекайте кілька хвилин і спробуйте знову.",
        W::BadForm => "Форма застаріла. Відкрийте сторінку знову й повторіть.",
        W::BackHome => "На головну",
        W::LiveUpdates => "Оновлюється сама",
        W::FilterSearch => "Пошук",
        W::FilterStatus => "Статус",
        W::FilterWaiting => "Чекають (термін зупинено)",
        W::FilterKind => "Тип",
        W::FilterPriority => "Пріоритет",
        W::FilterBranch => "Філія",
        W::FilterFrom => "З",
        W::FilterUntil => "По",
        W::FilterAuthor => "Автор",
        W::FilterAssignee => "Виконавець",
        W::FilterArchived => "Архів",
        W::FilterOrder => "Порядок",
        W::FilterApply => "Показати",
        W::FilterReset => "Скинути",
        W::Any => "Будь-який",
        W::Me => "Я",
        W::ArchivedNo => "Без архіву",
        W::ArchivedOnly => "Лише архів",
        W::ArchivedAll => "З архівом",
        W::OrderNewest => "Спочатку нові",
        W::OrderOldest => "Спочатку старі",
        W::OrderQueue => "Черга: пріоритет, потім старі",
        W::ColNumber => "Номер",
        W::ColCreated => "Створена",
        W::ColKind => "Тип",
        W::ColStatus => "Статус",
        W::ColBranch => "Філія",
        W::ColAuthor => "Автор",
        W::ColDescription => "Опис",
        W::ColAssignee => "Виконавець",
        W::Overdue => "Прострочена: SLA порушено",
        W::Newer => "Назад",
        W::Older => "Далі",
        W::FirstPage => "На початок",
        W::NoRequests => "Немає відповідних заявок.",
        W::Filters => "Фільтри",
        W::CardFields => "Подробиці",
        W::LabelContact => "Контакт",
        W::LabelCreated => "Створена",
        W::LabelAccepted => "Прийнята",
        W::LabelClosed => "Закрита",
        W::LabelArchived => "В архіві",
        W::LabelAuthor => "Автор",
        W::LabelAssignee => "Виконавець",
        W::LabelReason => "Причина",
        W::LabelDescription => "Опис",
        W::LabelSla => "SLA",
        W::SlaDue => "Термін",
        W::CartridgesTitle => "Картриджі",
        W::ColArticle => "Артикул",
        W::ColCartridge => "Картридж",
        W::ColOrdered => "Замовлено",
        W::ColIssued => "Видано",
        W::ColComment => "Коментар",
        W::AttachmentsTitle => "Вкладення",
        W::Download => "Завантажити",
        W::HistoryTitle => "Історія",
        W::HistCreated => "подана",
        W::HistAccepted => "прийнята",
        W::HistCompleted => "виконана",
        W::HistRejected => "відхилена",
        W::HistCancelled => "скасована",
        W::HistArchived => "в архіві",
        W::HistIssued => "видано картриджі",
        W::HistReminder => "нагадування щодо SLA",
        W::ViaWeb => "веб",
        W::ViaTelegram => "Telegram",
        W::ViaCli => "командний рядок",
        W::ViaSystem => "планове завдання",
        W::ActionsTitle => "Що можна зробити",
        W::ActAccept => "Прийняти",
        W::ActComplete => "Виконано",
        W::ActDeliver => "Доставлено",
        W::ActReject => "Відхилити",
        W::ActResume => "Продовжити: термін знову йде",
        W::ActAnswer => "Надіслати відповідь: термін знову йде",
        W::ActAnswerLabel => "Ваша відповідь",
        W::QuestionForAuthor => "Питання автору",
        W::ActWaitQuestion => "Питання автору (надійде йому в Telegram)",
        W::ActWaitSummary => "Зупинити термін: запитати автора або чекати запчастин",
        W::ActWaitAuthor => "Запитати автора й зупинити термін",
        W::ActWaitWhat => "На що чекає: запчастини, підрядник",
        W::ActWaitParts => "Чекати запчастин і зупинити термін",
        W::DoneWaiting => "Заявка чекає; термін зупинено, автору повідомлено.",
        W::DoneResumed => "Робота триває; термін знову йде.",
        W::DoneAnswered => "Дякуємо: відповідь передано, робота триває.",
        W::HistWaiting => "чекає (термін зупинено)",
        W::HistResumed => "продовжена",
        W::HistAnswered => "автор відповів",
        W::HistRated => "оцінена автором",
        W::RatingTitle => "Оцінка",
        W::RatingYours => "Ваша оцінка (її можна змінити протягом тижня)",
        W::RatingComment => "Коментар (необовʼязково)",
        W::ActRate => "Оцінити",
        W::DoneRated => "Дякуємо за оцінку.",
        W::RatingsTitle => "Задоволеність",
        W::RatingsByStaff => "За працівниками",
        W::ColRatings => "Оцінок",
        W::ColRatingAvg => "Середня",
        W::RatingsNone => "Немає оцінок заявок, закритих за цей період.",
        W::HistFiledRecurring => "подана за розкладом",
        W::HistFiledLate => "подана за розкладом, із запізненням (служба не працювала, коли настав час)",
        W::HistUnanswered => "закрита: автор не відповів",
        W::ActRejectReason => "Чому відхилена (автор побачить це)",
        W::ActCancel => "Скасувати заявку",
        W::ActCancelConfirm => "Скасувати цю заявку?",
        W::ActArchive => "До архіву",
        W::ActIssue => "Видати картриджі",
        W::IssueFrom => "Зі складу",
        W::IssueCovers => "вистачає на",
        W::IssuePartial => "Видати те, що є (частково)",
        W::IssueNote => "Примітка для автора (необовʼязково)",
        W::NoActions => "З цією заявкою зараз нічого робити.",
        W::DoneAccepted => "Прийнята: заявка ваша. Автора повідомлено.",
        W::DoneCompleted => "Позначена виконаною. Автора повідомлено.",
        W::DoneRejected => "Відхилена. Автора повідомлено про причину.",
        W::DoneCancelled => "Скасована.",
        W::DoneArchived => "Перенесена до архіву.",
        W::DoneIssued => "Видано. Автора повідомлено.",
        W::ShortStock => "Бракує на складі:",
        W::NothingLeftToIssue => "Усе за цим замовленням уже видано.",
        W::BackToList => "Усі заявки",
        W::DashOpenNew => "Нові, чекають",
        W::DashOpenAccepted => "У роботі",
        W::DashOverdue => "Прострочені зараз (SLA)",
        W::DashWaiting => "Чекають зараз (термін зупинено)",
        W::DashOpenedToday => "Подано сьогодні",
        W::DashOpenedWeek => "Подано за тиждень",
        W::DashClosedToday => "Закрито сьогодні",
        W::DashClosedWeek => "Закрито за тиждень",
        W::DashMedianAccept => "Медіана до прийняття, 30 днів",
        W::DashMedianClose => "Медіана до виконання, 30 днів",
        W::DashOpenByBranch => "Відкриті заявки за філіями",
        W::DashPerBranch => "Заявки за філіями, 30 днів",
        W::DashPerMonth => "Заявки за місяцями",
        W::ChartFigures => "Цифри таблицею",
        W::ChartMonth => "Місяць",
        W::ChartRequests => "Заявок",
        W::DashLowStock => "Запас нижче мінімуму",
        W::DashNoLowStock => "Усі картриджі вище мінімуму.",
        W::DashNothingOpen => "Відкритих заявок немає.",
        W::ColTotal => "Усього",
        W::ColOverdue => "Прострочено",
        W::ColWarehouse => "Склад",
        W::ColQuantity => "В наявності",
        W::ColMinimum => "Мінімум",
        W::Hours => "год",
        W::Minutes => "хв",
        W::Days => "д",
        W::NoData => "даних поки немає",
        W::ChooseBranchFirst => "Спочатку оберіть філію, у якій ви працюєте.",
        W::SaveBranch => "Зберегти",
        W::WhatIsNeeded => "Що потрібно зробити?",
        W::YourName => "Ваші прізвище та імʼя",
        W::DescribeProblem => "Опишіть проблему: що сталося, де, яке обладнання",
        W::HowUrgent => "Наскільки терміново?",
        W::PhotosInBot => "Фото чи документ до заявки можна додати в боті.",
        W::FileRequest => "Подати заявку",
        W::OrderHow => "Скільки картриджів кожного типу потрібно; залишок — що є на складі філії зараз.",
        W::IssueEmpties => "Порожніх повернули",
        W::IssueEmptiesAll => "стільки ж, скільки видано",
        W::BadEmpties => "Кількість порожніх — ціле число, від 0 (порожньо: стільки ж, скільки видано).",
        W::ColFull => "Повних",
        W::ColEmpty => "Порожніх",
        W::EmptiesIn => "Прийняти порожні",
        W::EmptiesInHow => "Порожні картриджі, принесені без заявки: вони чекають на заправку.",
        W::EmptiesInButton => "Прийняти",
        W::EmptiesNote => "Примітка: хто приніс, звідки (необовʼязково)",
        W::DoneEmptiesIn => "Порожні прийнято.",
        W::RefillNote => "Примітка (необовʼязково)",
        W::NavRefills => "Заправка",
        W::RefillBatches => "Партії в підрядників",
        W::RefillBatch => "Партія на заправку",
        W::Contractor => "Підрядник",
        W::Contractors => "Підрядники",
        W::RefillOutstanding => "У підрядника",
        W::RefillClosed => "Закрита",
        W::NoRefills => "Партій на заправку поки немає.",
        W::NoContractors => "Спершу додайте підрядника: потім надсилайте порожні на заправку тут.",
        W::RefillSend => "Надіслати порожні на заправку",
        W::RefillSendHow => "Скільки порожніх кожного типу надіслати зі складу; акт передачі — на сторінці партії.",
        W::RefillSendButton => "Надіслати",
        W::AddContractor => "Додати підрядника",
        W::Contacts => "Контакти",
        W::RefillSent => "Надіслано",
        W::RefillReceived => "Заправлено",
        W::RefillRejected => "Забраковано",
        W::RefillBackNow => "Прийшло",
        W::RefillRejectNow => "Брак",
        W::RefillRejectReason => "Причина браку (потрібна, якщо він є)",
        W::RefillReceive => "Прийняти",
        W::Handover => "Акт передачі",
        W::Total => "Разом",
        W::HandedOver => "Передав",
        W::ReceivedByContractor => "Прийняв підрядник",
        W::Print => "Друк",
        W::DoneRefillSent => "Партію надіслано.",
        W::DoneRefillReceived => "Прийнято.",
        W::DoneContractorAdded => "Підрядника додано.",
        W::OrderHowForPrinter => "Картриджі цього принтера — першими (✓); замовлене з них позначається для нього.",
        W::OrderCartridgesFor => "Замовити картриджі для принтера",
        W::OrderForPrinter => "Для якого принтера?",
        W::NoParticularPrinter => "Не для конкретного принтера",
        W::FitsPrinter => "Підходить принтеру",
        W::Fewer => "Менше",
        W::More => "Більше",
        W::ColPrinter => "Принтер",
        W::Printers => "Принтери",
        W::HowMany => "Скільки",
        W::OrderComment => "Коментар (принтер, кабінет)",
        W::PlaceOrder => "Оформити замовлення",
        W::Filed => "Заявку подано. Про всі зміни ви дізнаєтеся тут і в Telegram.",
        W::NothingOrdered => "Вкажіть кількість хоча б одного картриджа.",
        W::PeopleTitle => "Люди",
        W::PrinterInventory => "Інв. номер",
        W::PrinterModel => "Модель",
        W::PrinterPlace => "Місце (кабінет, поверх)",
        W::PrinterSerial => "Серійний номер",
        W::PrinterCartridges => "Картриджі",
        W::PrinterRetired => "Списано",
        W::PrinterRetire => "Списати принтер",
        W::PrinterRetireConfirm => "Списати цей принтер? Заявки, де він указаний, його збережуть.",
        W::PrinterRetireHow => {
            "Списаний принтер лишається в заявках, але замовити під нього вже не можна. Поки за ним є відкриті заявки, списати його не можна."
        }
        W::ShowRetired => "Зі списаними",
        W::AddPrinter => "Додати принтер",
        W::EditPrinter => "Змінити принтер",
        W::SaveChanges => "Зберегти",
        W::NoPrinters => "Принтерів немає.",
        W::DonePrinterAdded => "Принтер додано.",
        W::DonePrinterSaved => "Зміни збережено.",
        W::DonePrinterRetired => "Принтер списано.",
        W::AddPerson => "Додати людину",
        W::AddPersonHow => {
            "За Telegram ID (його повідомляє @userinfobot). Ролі співробітників призначають суперадміністратори."
        }
        W::AddButton => "Додати",
        W::ColName => "Імʼя",
        W::ColRole => "Роль",
        W::ColPhone => "Телефон",
        W::ColLastSeen => "Був(ла)",
        W::ColActions => "Дії",
        W::Blocked => "заблоковано",
        W::Block => "Заблокувати",
        W::Unblock => "Розблокувати",
        W::BlockConfirm => "Заблокувати? Людина вийде звідусіль, бот перестане їй відповідати.",
        W::ChangeRole => "Змінити",
        W::ConfiguredSuperAdmin => "суперадмін з конфігурації",
        W::You => "ви",
        W::DoneAdded => "Додано.",
        W::DoneRole => "Роль змінено; діє одразу, у боті й тут.",
        W::DoneBlocked => "Заблоковано.",
        W::DoneUnblocked => "Розблоковано.",
        W::FilterName => "Імʼя або Telegram ID",
        W::StaffOnly => "Лише співробітники",
        W::FilterCartridge => "Картридж або артикул",
        W::BelowMinimumOnly => "Лише нижче мінімуму",
        W::ColRunsOut => "Закінчиться",
        W::ColToOrder => "Замовити",
        W::SortBy => "Порядок",
        W::SortByWarehouse => "За складами",
        W::SortRunsOut => "Спершу те, що закінчиться",
        W::BeforeDelivery => "до поставки",
        W::NotUsed => "не витрачається",
        W::PerMonth => "на місяць",
        W::RunsOutSoonTitle => "Закінчиться до поставки",
        W::RunsOutSoonHow => {
            "Прогноз за історією видач: це закінчиться раніше, ніж прийде поставка, замовлена сьогодні."
        }
        W::NothingRunsOut => "Нічого не закінчиться до поставки.",
        W::ColDaysLeft => "Залишилось днів",
        W::StockLevels => "Залишки за складами",
        W::BelowMinimum => "Нижче мінімуму",
        W::ColUpdated => "Оновлено",
        W::ToIssue => "Замовлення до видачі",
        W::ToIssueHow => {
            "Прийняті замовлення картриджів, старі першими. Відкрийте замовлення, щоб видати його зі складу повністю або частково."
        }
        W::NothingToIssue => "Нічого видавати.",
        W::AllToIssue => "Усі замовлення до видачі",
        W::ImportTitle => "Завантаження з 1С",
        W::ImportHow => {
            "Файли CommerceML (offers.xml разом з import.xml, rests.xml) або звіт про залишки (xlsx, xls, ods, csv). Ви побачите зміни до того, як щось буде записано."
        }
        W::ImportFiles => "Файли",
        W::ImportWarehouse => "Склад для залишків без складу",
        W::ImportCheck => "Перевірити файли",
        W::ImportRows => "Рядків",
        W::ImportMatched => "Зіставлено",
        W::ImportUnmatchedItems => "Немає в каталозі",
        W::ImportUnmatchedWarehouses => "Склади не знайдені",
        W::ImportChanges => "Зміни залишків",
        W::ImportAlready => "Ці файли вже завантажено:",
        W::ImportOld => "Зараз",
        W::ImportNew => "Після",
        W::ImportApply => "Застосувати зміни",
        W::ImportNothing => "Застосовувати нічого.",
        W::Discard => "Скасувати",
        W::ImportApplied => "Завантажено з 1С. Змінено рядків залишків:",
        W::ImportPreviewTitle => "Що змінить завантаження",
        W::UploadTooBig => "Завантаження завелике або перервалося. Завантажте менші файли.",
        W::UploadTooMany => "Забагато файлів одразу: не більше 8.",
        W::UploadNoFiles => "Оберіть файли для завантаження.",
        W::UploadExpired => {
            "Це завантаження більше не чекає (застосоване, скасоване або старше 30 хвилин). Завантажте файли знову."
        }
        W::ImportFailed => "Файли не вдалося завантажити; нічого не змінено. Причина:",
        W::StockTitle => "Склад",
        W::ReportsTitle => "Звіти",
        W::DownloadXlsx => "Завантажити xlsx",
        W::DownloadCsv => "Завантажити CSV",
        W::PeriodWrong => "Період задано неправильно: дата початку має бути не пізніше дати кінця.",
        W::RepFiled => "Подано",
        W::RepClosed => "Закрито за період",
        W::RepBreaches => "Порушення SLA",
        W::RepMeanAccept => "Середній час до прийняття",
        W::RepMeanClose => "Середній час до закриття",
        W::RepByBranch => "За філіями",
        W::RepHow => {
            "Заявки, подані за період, включно з архівними, за їхнім поточним статусом; «закрито» — закриті за період, коли б не були подані. Ті самі цифри, що в helpdesk report і на аркуші Summary вивантаження. Середній час — календарний, під ним — у робочих годинах календаря філії."
        }
        W::RepWorking => "робочих годин",
        W::NavCalendars => "Календарі",
        W::NavRecurring => "Регулярні",
        W::RecHow => {
            "Заявки за розкладом: щомісячна перевірка серверної, чищення принтерів щокварталу. Кожна подається один раз для філії, у її робочий час."
        }
        W::RecNone => "Регулярних заявок поки немає.",
        W::RecEveryBranch => "Усі філії",
        W::RecQueue => "Черга (нікого не призначено)",
        W::RecRule => "Коли",
        W::RecRuleHint => {
            "every 3 days · every 2 weeks on mon · monthly on 1 · every 3 months on last · cron 0 9 1 * *"
        }
        W::RecAt => "Час (філії)",
        W::RecStarting => "Рахувати з",
        W::RecNext => "Наступна",
        W::RecLast => "Остання",
        W::RecLate => "із запізненням",
        W::RecPaused => "на паузі",
        W::RecPause => "Пауза",
        W::RecResume => "Продовжити",
        W::RecAdd => "Додати розклад",
        W::RecOnBehalf => "Кожна подається від вашого імені: ви знатимете про її зміни.",
        W::DoneRecAdded => "Розклад додано.",
        W::DoneRecPaused => "Розклад на паузі: нічого не подається, доки його не продовжать.",
        W::DoneRecResumed => "Розклад знову йде; те, що припало на паузу, не подається.",
        W::CalHow => {
            "Терміни обслуговування рахуються в робочих годинах календаря філії: її власного, інакше — типового, у його часовому поясі. Без календарів час іде цілодобово. Нагадування надходять лише в робочі години."
        }
        W::CalNone => "Календарів поки немає: терміни рахуються цілодобово.",
        W::CalDefaultBadge => "типовий",
        W::CalMakeDefault => "Типовий для організації (для філій без власного)",
        W::CalCode => "Код",
        W::CalZone => "Часовий пояс",
        W::CalZoneHint => "Наприклад, Europe/Kyiv; порожньо — пояс панелі",
        W::CalHoursHint => "Робочі години, наприклад 09:00-13:00 14:00-18:00; порожньо — вихідний",
        W::CalKeptBy => "Використовують",
        W::CalKeptByNone => "жодна філія",
        W::CalDays => "Свята й робочі дні",
        W::CalNoDays => "Свят і перенесених робочих днів немає.",
        W::CalKind => "Вид",
        W::CalDate => "Дата",
        W::CalDateHint => "РРРР-ММ-ДД; ММ-ДД для свята щороку",
        W::CalHours => "Години",
        W::CalDayName => "Назва",
        W::DayHoliday => "Свято",
        W::DayYearly => "Свято щороку",
        W::DayWorkday => "Робочий день",
        W::CalAddDay => "Додати день",
        W::CalPaste => "Вставити список днів (свята на рік)",
        W::CalPasteHint => {
            "По дню в рядку: дата, вид (holiday, yearly або workday; порожньо — свято), години, назва. Зберігаються всі або жоден."
        }
        W::CalLoadList => "Зберегти список",
        W::DoneDaysLoaded => "Список днів збережено.",
        W::CalRemove => "Прибрати",
        W::CalNew => "Новий календар",
        W::CalBranches => "Філії та їхні календарі",
        W::CalUseDefault => "Типовий календар",
        W::DoneCalSaved => "Календар збережено.",
        W::DoneDayAdded => "День збережено.",
        W::DoneDayRemoved => "День прибрано.",
        W::DoneCalAssigned => "Календар філії збережено.",
        W::WdMon => "Пн",
        W::WdTue => "Вт",
        W::WdWed => "Ср",
        W::WdThu => "Чт",
        W::WdFri => "Пт",
        W::WdSat => "Сб",
        W::WdSun => "Нд",
        W::RepPerBranch => "Заявки за філіями",
        W::MiniAppTitle => "Служба підтримки в Telegram",
        W::MiniAppSigningIn => "Входимо через Telegram…",
        W::MiniAppOpenFromBot => {
            "Відкрийте цей застосунок із бота в Telegram (кнопка меню) або увійдіть у веб-панель за посиланням, яке бот надсилає на /web."
        }
        W::MiniAppReopen => "Закрийте застосунок і відкрийте його знову з бота.",
        W::AttachLabel => "Фото або файл (необов'язково)",
        W::AttachHow => "Одне фото з камери або файл до 10 МБ. Він також надійде у ваш чат із ботом.",
        W::AttachmentTooBig => "Файл більший за 10 МБ: оберіть менший.",
        W::AttachFailed => {
            "Не вдалося додати фото або файл (Telegram його не прийняв). Спробуйте ще раз або подайте заявку без нього і надішліть його в боті."
        }
        W::AttachmentCaption => "Додано до вашої нової заявки.",
        W::CallTitle => "Серверна",
        W::NavCall => "Серверна",
        W::CallHow => {
            "Щось термінове в серверній (немає мережі, впав сервер, дим, вода)? Виклик одразу піде черговим співробітникам у Telegram. Повторити виклик можна за кілька хвилин."
        }
        W::CallButton => "Викликати в серверну",
        W::AtYourBranch => "На складі філії",
        W::MiniAppContinueAs => "Продовжити як",
        W::OnecTitle => "Обміни з 1С",
        W::OnecHow => {
            "Що робили останні обміни 1С із сервіс-деском: надіслані залишки, відправлені й підтверджені замовлення, надіслані стани. Уся історія: helpdesk import-1c history."
        }
        W::OnecOff => {
            "Обмін з 1С вимкнено: задайте HELPDESK_ONEC_EXCHANGE_USER і HELPDESK_ONEC_EXCHANGE_PASSWORD та вкажіть у 1С адресу /1c/exchange."
        }
        W::OnecNone => "1С ще не обмінювалася із сервіс-деском.",
        W::OnecColWhen => "Коли",
        W::OnecColStep => "Крок",
        W::OnecColResult => "Результат",
        W::OnecOk => "успішно",
        W::OnecFailed => "помилка",
        W::HistOnecSent => "1С отримала видані картриджі",
        W::HistOnecStatus => "1С надіслала стан замовлення",
        W::OnecStepImport => "Залишки з 1С",
        W::OnecStepCatalog => "Каталог з 1С",
        W::OnecStepPull => "Залишки через OData",
        W::OnecStepQuery => "Видані картриджі надіслано в 1С",
        W::OnecStepConfirm => "1С підтвердила видані картриджі",
        W::OnecStepStatus => "Стани замовлень з 1С",
        W::OnecStepBaseline => "Перший обмін замовленнями: попередні видачі не надсилаються",
        W::OnecStepSignIn => "Вхід 1С",
        W::OnecStockChanged => "Змінено рядків залишків:",
    }
}
