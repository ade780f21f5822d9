//! `/broadcast` for administrators: the announcement, a preview exactly as
//! recipients will see it, then confirm or cancel. Delivery goes through the
//! outbox at Telegram's pace; the author gets a report at the end.

use super::Convo;
use crate::bot::callback::Callback;
use crate::bot::ctx::{Ctx, HandlerResult, blocking, explain, say};
use crate::bot::keyboards::{self, button, inline};
use crate::bot::state::State;
use crate::i18n::Msg;
use crate::services::broadcast::{self, Content};
use teloxide::prelude::*;
use teloxide::types::MessageId;

pub async fn begin(bot: Bot, ctx: Ctx, convo: Convo) -> HandlerResult {
    let actor = ctx.actor();
    if let Err(e) = blocking(&ctx.app, move |app| broadcast::may(app, &actor)).await {
        return explain(&bot, &ctx, &e).await;
    }
    say(&bot, ctx.chat, ctx.t(Msg::AskBroadcast), Some(keyboards::cancel_only(ctx.lang))).await?;
    convo.update(State::BroadcastCompose).await?;
    Ok(())
}

fn content_of(msg: &Message) -> Option<Content> {
    let caption = msg.caption().map(String::from);
    if let Some(a) = crate::services::telegram::attachment_of(msg) {
        return Some(if a.kind == crate::domain::model::AttachmentKind::Photo {
            Content::Photo { file_id: a.file_id, caption }
        } else {
            Content::Document { file_id: a.file_id, caption }
        });
    }
    msg.text().map(|t| Content::Text(t.to_string()))
}

pub async fn compose(bot: Bot, ctx: Ctx, convo: Convo, msg: Message) -> HandlerResult {
    let Some(content) = content_of(&msg) else {
        say(&bot, ctx.chat, ctx.t(Msg::BroadcastUnsupported), None).await?;
        return Ok(());
    };
    // The preview is sent by the very function that delivers it to everyone.
    crate::bot::ctx::show(&bot, ctx.chat, content.clone()).await?;
    let markup = inline(vec![vec![
        button(ctx.lang, Msg::SendBroadcast, Callback::BroadcastSend),
        button(ctx.lang, Msg::Cancel, Callback::Cancel),
    ]]);
    say(&bot, ctx.chat, ctx.t(Msg::BroadcastPreview), Some(markup.into())).await?;
    convo.update(State::BroadcastConfirm { content }).await?;
    Ok(())
}

pub async fn send(
    bot: Bot,
    ctx: Ctx,
    convo: Convo,
    content: Content,
    at: Option<(ChatId, MessageId)>,
) -> HandlerResult {
    crate::bot::ctx::drop_buttons(&bot, at).await;
    let actor = ctx.actor();
    let key = ctx.client_key();
    let started = blocking(&ctx.app, move |app| broadcast::start(app, &actor, &content, Some(&key))).await;
    convo.exit().await?;
    match started {
        Ok((_, n)) => {
            say(&bot, ctx.chat, ctx.t(Msg::BroadcastQueued { n }), Some(ctx.menu())).await?;
            Ok(())
        }
        Err(e) => explain(&bot, &ctx, &e).await,
    }
}
