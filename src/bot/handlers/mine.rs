//! `/my`: a person's own requests, paginated; open one, cancel an active one
//! (with confirmation), answer the question one waits on (by its button, or
//! by replying to the bot's message about it).

use super::Convo;
use crate::bot::callback::Callback;
use crate::bot::ctx::{Ctx, HandlerResult, blocking, edit, explain, say};
use crate::bot::keyboards::{self, button, inline, pager, raw_button};
use crate::bot::render::{self, esc};
use crate::bot::state::State;
use crate::domain::actions::Action;
use crate::domain::{LifecycleError, RequestNumber};
use crate::i18n::Msg;
use crate::services::{self, ratings, requests};
use teloxide::prelude::*;
use teloxide::types::MessageId;

type At = Option<(ChatId, MessageId)>;
const PER_PAGE: u64 = 6;

pub async fn list(bot: Bot, ctx: Ctx, page: u64, at: At) -> HandlerResult {
    let actor = ctx.actor();
    let page = match blocking(&ctx.app, move |app| requests::mine(app, &actor, page, PER_PAGE)).await {
        Ok(p) => p,
        Err(e) => return explain(&bot, &ctx, &e).await,
    };
    if page.total == 0 {
        edit(&bot, ctx.chat, at.map(|a| a.1), ctx.t(Msg::NoRequestsYet), None).await?;
        return Ok(());
    }
    let title = ctx.t(Msg::MyRequestsTitle { total: page.total, page: page.page + 1, pages: page.pages() });
    let mut rows: Vec<Vec<_>> =
        page.items.iter().map(|r| vec![raw_button(render::line(ctx.lang, r), Callback::Open(r.id))]).collect();
    let nav = pager(ctx.lang, page.page, page.pages(), Callback::Mine);
    if !nav.is_empty() {
        rows.push(nav);
    }
    edit(&bot, ctx.chat, at.map(|a| a.1), title, Some(inline(rows))).await?;
    Ok(())
}

pub async fn cancel_ask(bot: Bot, ctx: Ctx, id: i64, at: At) -> HandlerResult {
    let actor = ctx.actor();
    let checked =
        blocking(&ctx.app, move |app| requests::check(app, &actor, id, crate::domain::Permission::CancelRequest)).await;
    if let Err(e) = checked {
        return explain(&bot, &ctx, &e).await;
    }
    let number = esc(&render::number(id));
    let markup = inline(vec![vec![
        button(ctx.lang, Msg::YesCancelIt, Callback::CancelYes(id)),
        button(ctx.lang, Msg::No, Callback::Open(id)),
    ]]);
    edit(&bot, ctx.chat, at.map(|a| a.1), ctx.t(Msg::ConfirmCancel { number: &number }), Some(markup)).await?;
    Ok(())
}

pub async fn cancel_yes(bot: Bot, ctx: Ctx, id: i64, at: At) -> HandlerResult {
    let actor = ctx.actor();
    match blocking(&ctx.app, move |app| requests::cancel(app, &actor, id)).await {
        Ok(r) => {
            let number = esc(&render::number(r.id));
            edit(&bot, ctx.chat, at.map(|a| a.1), ctx.t(Msg::RequestCancelled { number: &number }), None).await?;
            Ok(())
        }
        Err(e) => explain(&bot, &ctx, &e).await,
    }
}

/// Asks the author for their answer to the question their request waits on.
pub async fn answer_ask(bot: Bot, ctx: Ctx, convo: Convo, id: i64) -> HandlerResult {
    let actor = ctx.actor();
    if let Err(e) = blocking(&ctx.app, move |app| requests::check_action(app, &actor, id, Action::Answer)).await {
        return explain(&bot, &ctx, &e).await;
    }
    let number = esc(&render::number(id));
    say(&bot, ctx.chat, ctx.t(Msg::AskAnswer { number: &number }), Some(keyboards::cancel_only(ctx.lang))).await?;
    convo.update(State::Answer { request_id: id }).await?;
    Ok(())
}

/// The answer, typed after pressing Answer; an empty one is asked again.
pub async fn answer(bot: Bot, ctx: Ctx, convo: Convo, request_id: i64, msg: Message) -> HandlerResult {
    let text = msg.text().map(String::from).unwrap_or_default();
    let done = answered(&ctx, request_id, text).await.map(|number| ctx.t(Msg::AnsweredOk { number: &number }));
    super::step_done(&bot, &ctx, convo, done, |e| {
        matches!(e, services::Error::Lifecycle(LifecycleError::AnswerRequired | LifecycleError::ReasonTooLong { .. }))
    })
    .await
}

/// The request a text message answers: one replying to the bot's question
/// about it (the message with its Answer button). Whether its sender may
/// answer it is for the service to say.
pub fn replied_about(msg: Message) -> Option<(i64, String)> {
    use teloxide::types::InlineKeyboardButtonKind;
    let text = msg.text()?.to_string();
    let to = msg.reply_to_message()?;
    if !to.from.as_ref().is_some_and(|f| f.is_bot) {
        return None;
    }
    let number = RequestNumber::find_in(to.text().or_else(|| to.caption())?)?;
    let asks = to.reply_markup().is_some_and(|m| {
        m.inline_keyboard.iter().flatten().any(|b| {
            matches!(&b.kind, InlineKeyboardButtonKind::CallbackData(d)
                if Callback::decode(d) == Some(Callback::Answer(number.0)))
        })
    });
    asks.then_some((number.0, text))
}

/// A reply to the bot's message about a request, out of any dialogue: its author's answer.
pub async fn answer_reply(bot: Bot, ctx: Ctx, (request_id, text): (i64, String)) -> HandlerResult {
    match answered(&ctx, request_id, text).await {
        Ok(number) => {
            say(&bot, ctx.chat, ctx.t(Msg::AnsweredOk { number: &number }), Some(ctx.menu())).await?;
            Ok(())
        }
        Err(e) => explain(&bot, &ctx, &e).await,
    }
}

/// Hands the answer to the service; the request's number, escaped, when taken.
async fn answered(ctx: &Ctx, request_id: i64, text: String) -> services::Result<String> {
    let actor = ctx.actor();
    let r = blocking(&ctx.app, move |app| requests::answer(app, &actor, request_id, &text)).await?;
    Ok(esc(&render::number(r.id)))
}

/// A score pressed under the notice that a request is done: kept (or
/// changed), then a comment is offered.
pub async fn rate(
    bot: Bot,
    ctx: Ctx,
    convo: Convo,
    id: i64,
    score: u8,
    at: Option<(ChatId, MessageId)>,
) -> HandlerResult {
    let actor = ctx.actor();
    match blocking(&ctx.app, move |app| ratings::rate(app, &actor, id, i64::from(score), None)).await {
        Ok(r) => {
            crate::bot::ctx::drop_buttons(&bot, at).await;
            let skip = keyboards::skip_or_cancel(ctx.lang);
            say(&bot, ctx.chat, ctx.t(Msg::RatedOk { score: r.score }), Some(skip.into())).await?;
            convo.update(State::RateComment { request_id: id, score: r.score }).await?;
            Ok(())
        }
        Err(e) => explain(&bot, &ctx, &e).await,
    }
}

/// The comment with a rating; one too long is asked again.
pub async fn rate_comment(
    bot: Bot,
    ctx: Ctx,
    convo: Convo,
    (request_id, score): (i64, u8),
    msg: Message,
) -> HandlerResult {
    let text = msg.text().map(String::from).unwrap_or_default();
    let actor = ctx.actor();
    let kept = blocking(&ctx.app, move |app| ratings::rate(app, &actor, request_id, i64::from(score), Some(&text)))
        .await
        .map(|_| ctx.t(Msg::RatingCommentKept));
    super::step_done(&bot, &ctx, convo, kept, |e| {
        matches!(
            e,
            services::Error::Refused(crate::domain::Refusal::Rating {
                error: crate::domain::satisfaction::RatingError::CommentTooLong { .. },
            })
        )
    })
    .await
}
