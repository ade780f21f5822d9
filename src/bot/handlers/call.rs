//! Urgent server-room calls, and staff answering them.

use crate::bot::ctx::{Ctx, HandlerResult, blocking, edit, explain, say};
use crate::bot::render::esc;
use crate::domain::model::ServerCall;
use crate::i18n::Msg;
use crate::services::calls::{self, CallOutcome};
use teloxide::prelude::*;
use teloxide::types::MessageId;

pub async fn call(bot: Bot, ctx: Ctx) -> HandlerResult {
    let actor = ctx.actor();
    let key = ctx.client_key();
    let text = match blocking(&ctx.app, move |app| calls::call(app, &actor, Some(&key))).await {
        Ok(CallOutcome::Called { notified: 0, .. }) => ctx.t(Msg::CallNobody),
        Ok(CallOutcome::Called { notified, .. }) => ctx.t(Msg::CallSent { n: notified }),
        Ok(CallOutcome::Wait(wait)) => {
            let secs = wait.as_secs().max(1);
            ctx.t(Msg::CallWait { minutes: secs / 60, seconds: secs % 60 })
        }
        Err(e) => return explain(&bot, &ctx, &e).await,
    };
    say(&bot, ctx.chat, text, Some(ctx.menu())).await?;
    Ok(())
}

/// The text of a call with everyone who answered so far.
pub fn call_text(ctx_lang: crate::domain::Lang, call: &ServerCall) -> String {
    let mut text = crate::i18n::t(
        ctx_lang,
        Msg::CallNotice {
            caller: &esc(&call.caller_name),
            branch: &esc(call.branch_name.as_deref().unwrap_or("—")),
            phone: &esc(call.caller_phone.as_deref().unwrap_or("")),
        },
    );
    for a in &call.answers {
        text.push('\n');
        text.push_str(&crate::i18n::t(
            ctx_lang,
            Msg::CallAnswered { responder: &esc(&a.responder_name), coming: a.answer == "coming" },
        ));
    }
    text
}

pub async fn answer(bot: Bot, ctx: Ctx, id: i64, coming: bool, at: Option<(ChatId, MessageId)>) -> HandlerResult {
    let actor = ctx.actor();
    match blocking(&ctx.app, move |app| calls::answer(app, &actor, id, coming)).await {
        Ok(call) => {
            let markup = crate::bot::sender::call_buttons(ctx.lang, id);
            let chat = at.map(|a| a.0).unwrap_or(ctx.chat);
            if chat == ctx.chat {
                edit(&bot, chat, at.map(|a| a.1), call_text(ctx.lang, &call), Some(markup)).await?;
            }
            say(&bot, ctx.chat, ctx.t(Msg::CallAnswerSaved { coming }), None).await?;
            Ok(())
        }
        Err(e) => explain(&bot, &ctx, &e).await,
    }
}
