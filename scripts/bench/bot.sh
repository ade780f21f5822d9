#!/usr/bin/env bash
# Benchmark of `helpdesk serve` against the fake Bot API (tests/support/fake_telegram.rs) on 127.0.0.1:
#  1. updates handled per second (target: at least 1,000 on SQLite, 2 cores), compared in the same run
#     with a bare teloxide bot (default dispatcher and polling, no database) answering the same stream;
#  2. a broadcast to 10,000 people with the fake enforcing Telegram's limits (30/s overall, 1/s per chat):
#     the configured rate must hold with no 429 answers.
# Usage: scripts/bench/bot.sh [USERS] [RECIPIENTS]   (defaults 2000 and 10000; the broadcast takes ~6 minutes)
set -euo pipefail
cd "$(dirname "$0")/../.."
users="${1:-2000}"
recipients="${2:-10000}"
. scripts/bench/common.sh
build_helpdesk --bin helpdesk
cargo build --release --locked --quiet --example bench_bot
driver="$(target_dir)/release/examples/bench_bot"
echo "== updates: $users people × (/start, /help, /my)"
"$driver" updates "$hd" "$users"
echo "== broadcast to $recipients people at HELPDESK_BROADCAST_RATE=${HELPDESK_BROADCAST_RATE:-30}/s"
"$driver" broadcast "$hd" "$recipients"
