//! The Telegram bot (`helpdesk serve`): teloxide handlers, dialogue states,
//! keyboards and rendering. No SQL and no business rules here: every action
//! is a service call, which checks permissions from the database.

pub mod callback;
pub mod commands;
pub mod ctx;
pub mod handlers;
pub mod keyboards;
pub mod render;
pub mod runtime;
pub mod schema;
pub mod sender;
pub mod state;
pub mod storage;
pub mod workers;
