//! `helpdesk`: the internal help desk for organizations with many branches.
//!
//! Layers, dependencies pointing down only: `cli`, the Telegram `bot` and the
//! `scheduler` call `services`; services use `domain` rules and the `store`
//! interface (SQLite or PostgreSQL); `config` holds the typed settings and
//! `i18n` every text people see in Telegram; `logs` where log lines go.

/// A line for a person watching `serve` in a terminal ("started as
/// @name"); left out when the logs are JSON for a shipper (`--log-format
/// json`), where the same news is in the log (see [`logs`]).
#[macro_export]
macro_rules! announce {
    ($($t:tt)*) => {
        if !$crate::logs::json() {
            eprintln!($($t)*);
        }
    };
}

pub mod bot;
pub mod cli;
pub mod clock;
pub mod config;
pub mod domain;
pub mod i18n;
pub mod logs;
pub mod scheduler;
pub mod serve;
pub mod services;
pub mod store;
pub mod web;
