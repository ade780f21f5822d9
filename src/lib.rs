//! `helpdesk`: the internal help desk for organizations with many branches.
//!
//! Layers, dependencies pointing down only: `cli` (and later the bot and the
//! scheduler) call `services`; services use `domain` rules and the `store`
//! interface; `config` holds the typed settings.

pub mod bot;
pub mod cli;
pub mod clock;
pub mod config;
pub mod domain;
pub mod i18n;
pub mod scheduler;
pub mod services;
pub mod store;
