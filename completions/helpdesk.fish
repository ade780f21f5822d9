# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_helpdesk_global_optspecs
    string join \n config= database-url= log-format= h/help V/version
end

function __fish_helpdesk_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_helpdesk_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_helpdesk_using_subcommand
    set -l cmd (__fish_helpdesk_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c helpdesk -n "__fish_helpdesk_needs_command" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_needs_command" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_needs_command" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_needs_command" -s h -l help -d 'Print help'
complete -c helpdesk -n "__fish_helpdesk_needs_command" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_needs_command" -f -a "db" -d 'Show and upgrade the database schema'
complete -c helpdesk -n "__fish_helpdesk_needs_command" -f -a "seed" -d 'Load reference data (./fixtures or the built-in sample set), and demo requests with --demo'
complete -c helpdesk -n "__fish_helpdesk_needs_command" -f -a "users" -d 'People: list, add, set roles, block and unblock'
complete -c helpdesk -n "__fish_helpdesk_needs_command" -f -a "branches" -d 'Branches: list and add'
complete -c helpdesk -n "__fish_helpdesk_needs_command" -f -a "calendars" -d 'Working-time calendars that service levels count in: list, set, days, remove-day, assign'
complete -c helpdesk -n "__fish_helpdesk_needs_command" -f -a "health" -d 'Whether a running serve can serve (its /readyz, or /healthz with --live), for scripts and HEALTHCHECK'
complete -c helpdesk -n "__fish_helpdesk_needs_command" -f -a "recurring" -d 'Recurring requests filed on a schedule (the monthly server-room check): list, add, pause, resume, run'
complete -c helpdesk -n "__fish_helpdesk_needs_command" -f -a "printers" -d 'Printers at every branch and the cartridges each takes: list, add, retire'
complete -c helpdesk -n "__fish_helpdesk_needs_command" -f -a "contractors" -d 'Contractors who refill cartridges: list, add'
complete -c helpdesk -n "__fish_helpdesk_needs_command" -f -a "refills" -d 'Empties sent to a contractor for refilling and received back: send, receive, list, show'
complete -c helpdesk -n "__fish_helpdesk_needs_command" -f -a "stock" -d 'Cartridge stock per warehouse'
complete -c helpdesk -n "__fish_helpdesk_needs_command" -f -a "import-1c" -d 'Import warehouse balances from 1C (CommerceML offers.xml/import.xml, or xlsx/xls/ods/csv reports)'
complete -c helpdesk -n "__fish_helpdesk_needs_command" -f -a "requests" -d 'Requests: list with filters, show one'
complete -c helpdesk -n "__fish_helpdesk_needs_command" -f -a "serve" -d 'Run the Telegram bot, the web panel and the scheduled jobs (the daemon)'
complete -c helpdesk -n "__fish_helpdesk_needs_command" -f -a "web" -d 'The web panel: sign-in links and ending sessions'
complete -c helpdesk -n "__fish_helpdesk_needs_command" -f -a "backup" -d 'Take a verified backup of the database; list and prune backups'
complete -c helpdesk -n "__fish_helpdesk_needs_command" -f -a "restore" -d 'Restore the database from a backup, after checking it'
complete -c helpdesk -n "__fish_helpdesk_needs_command" -f -a "migrate" -d 'Copy the SQLite database into PostgreSQL, verified, in one transaction'
complete -c helpdesk -n "__fish_helpdesk_needs_command" -f -a "archive" -d 'Archive closed requests older than the archive policy'
complete -c helpdesk -n "__fish_helpdesk_needs_command" -f -a "sla-check" -d 'Find SLA breaches and send reminders by Telegram and email'
complete -c helpdesk -n "__fish_helpdesk_needs_command" -f -a "report" -d 'Summary for management: opened, closed, breaches per branch, low stock'
complete -c helpdesk -n "__fish_helpdesk_needs_command" -f -a "export" -d 'Export requests to an Excel workbook (with summaries, stock and charts) or CSV'
complete -c helpdesk -n "__fish_helpdesk_needs_command" -f -a "schedule" -d 'When serve runs each scheduled job next, and how each last ran'
complete -c helpdesk -n "__fish_helpdesk_needs_command" -f -a "config" -d 'Show the effective settings and where each came from'
complete -c helpdesk -n "__fish_helpdesk_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c helpdesk -n "__fish_helpdesk_needs_command" -f -a "man" -d 'Print the manual page, or write all pages to a directory'
complete -c helpdesk -n "__fish_helpdesk_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand db; and not __fish_seen_subcommand_from status upgrade help" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand db; and not __fish_seen_subcommand_from status upgrade help" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand db; and not __fish_seen_subcommand_from status upgrade help" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand db; and not __fish_seen_subcommand_from status upgrade help" -s h -l help -d 'Print help'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand db; and not __fish_seen_subcommand_from status upgrade help" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand db; and not __fish_seen_subcommand_from status upgrade help" -f -a "status" -d 'List applied and pending schema migrations'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand db; and not __fish_seen_subcommand_from status upgrade help" -f -a "upgrade" -d 'Apply pending schema migrations (every other command does this on open)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand db; and not __fish_seen_subcommand_from status upgrade help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand db; and __fish_seen_subcommand_from status" -l format -r -f -a "table\t'A table for people'
json\t'JSON, an array of objects'
csv\t'CSV with a header row'"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand db; and __fish_seen_subcommand_from status" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand db; and __fish_seen_subcommand_from status" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand db; and __fish_seen_subcommand_from status" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand db; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand db; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand db; and __fish_seen_subcommand_from upgrade" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand db; and __fish_seen_subcommand_from upgrade" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand db; and __fish_seen_subcommand_from upgrade" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand db; and __fish_seen_subcommand_from upgrade" -s h -l help -d 'Print help'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand db; and __fish_seen_subcommand_from upgrade" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "status" -d 'List applied and pending schema migrations'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "upgrade" -d 'Apply pending schema migrations (every other command does this on open)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand seed" -l fixtures -d 'Directory with branches.csv, warehouses.csv, cartridges.csv, stock.csv and staff.csv [default: ./fixtures if there is one, else the built-in sample set]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand seed" -l write-fixtures -d 'Write the built-in sample set to DIR as a template to fill in, and exit; the database is not touched' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand seed" -l requests -d 'How many demo requests to add' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand seed" -l months -d 'Spread demo requests over this many months back from now' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand seed" -l random-seed -d 'Random seed for demo data (the same seed gives the same data)' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand seed" -l format -r -f -a "table\t'A table for people'
json\t'JSON, an array of objects'
csv\t'CSV with a header row'"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand seed" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand seed" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand seed" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand seed" -l force -d 'With --write-fixtures, overwrite files that already exist'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand seed" -l demo -d 'Also add demo employees and requests'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand seed" -l consumption -d 'Also a cartridge consumption history over the months: every printer\'s types used at a rate, trend and season of its own, ordered, issued from stock and delivered, for the forecast (`stock forecast`, `stock backtest`); the demo requests\' cartridge orders done are issued through the ledger too'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand seed" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand seed" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and not __fish_seen_subcommand_from list add set-role block unblock help" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and not __fish_seen_subcommand_from list add set-role block unblock help" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and not __fish_seen_subcommand_from list add set-role block unblock help" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and not __fish_seen_subcommand_from list add set-role block unblock help" -s h -l help -d 'Print help'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and not __fish_seen_subcommand_from list add set-role block unblock help" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and not __fish_seen_subcommand_from list add set-role block unblock help" -f -a "list" -d 'List people'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and not __fish_seen_subcommand_from list add set-role block unblock help" -f -a "add" -d 'Add a person by Telegram ID'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and not __fish_seen_subcommand_from list add set-role block unblock help" -f -a "set-role" -d 'Change a person\'s role (super admins are set in the configuration)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and not __fish_seen_subcommand_from list add set-role block unblock help" -f -a "block" -d 'Block a person: the bot ignores them and they get no broadcasts'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and not __fish_seen_subcommand_from list add set-role block unblock help" -f -a "unblock" -d 'Unblock a person'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and not __fish_seen_subcommand_from list add set-role block unblock help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and __fish_seen_subcommand_from list" -l role -d 'Only this role' -r -f -a "user\t''
storekeeper\t''
support\t''
admin\t''
super_admin\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and __fish_seen_subcommand_from list" -l branch -d 'Only this branch: a code, name or id (code:X, name:X or id:N to say which)' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and __fish_seen_subcommand_from list" -l format -r -f -a "table\t'A table for people'
json\t'JSON, an array of objects'
csv\t'CSV with a header row'"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and __fish_seen_subcommand_from list" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and __fish_seen_subcommand_from list" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and __fish_seen_subcommand_from list" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and __fish_seen_subcommand_from list" -l staff -d 'Only staff (storekeepers, support, admins, super admins)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and __fish_seen_subcommand_from list" -l blocked -d 'Only blocked people'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and __fish_seen_subcommand_from add" -l name -d 'Full name' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and __fish_seen_subcommand_from add" -l role -r -f -a "user\t''
storekeeper\t''
support\t''
admin\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and __fish_seen_subcommand_from add" -l branch -d 'Branch: a code, name or id (code:X, name:X or id:N to say which)' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and __fish_seen_subcommand_from add" -l phone -d 'Phone number, e.g. +380 44 123 4567 or 8 916 123-45-67' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and __fish_seen_subcommand_from add" -l language -r -f -a "ru\t''
uk\t''
en\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and __fish_seen_subcommand_from add" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and __fish_seen_subcommand_from add" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and __fish_seen_subcommand_from add" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and __fish_seen_subcommand_from set-role" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and __fish_seen_subcommand_from set-role" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and __fish_seen_subcommand_from set-role" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and __fish_seen_subcommand_from set-role" -s h -l help -d 'Print help'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and __fish_seen_subcommand_from set-role" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and __fish_seen_subcommand_from block" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and __fish_seen_subcommand_from block" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and __fish_seen_subcommand_from block" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and __fish_seen_subcommand_from block" -s h -l help -d 'Print help'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and __fish_seen_subcommand_from block" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and __fish_seen_subcommand_from unblock" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and __fish_seen_subcommand_from unblock" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and __fish_seen_subcommand_from unblock" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and __fish_seen_subcommand_from unblock" -s h -l help -d 'Print help'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and __fish_seen_subcommand_from unblock" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "list" -d 'List people'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add a person by Telegram ID'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "set-role" -d 'Change a person\'s role (super admins are set in the configuration)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "block" -d 'Block a person: the bot ignores them and they get no broadcasts'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "unblock" -d 'Unblock a person'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand branches; and not __fish_seen_subcommand_from list add help" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand branches; and not __fish_seen_subcommand_from list add help" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand branches; and not __fish_seen_subcommand_from list add help" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand branches; and not __fish_seen_subcommand_from list add help" -s h -l help -d 'Print help'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand branches; and not __fish_seen_subcommand_from list add help" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand branches; and not __fish_seen_subcommand_from list add help" -f -a "list" -d 'List branches'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand branches; and not __fish_seen_subcommand_from list add help" -f -a "add" -d 'Add a branch'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand branches; and not __fish_seen_subcommand_from list add help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand branches; and __fish_seen_subcommand_from list" -l format -r -f -a "table\t'A table for people'
json\t'JSON, an array of objects'
csv\t'CSV with a header row'"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand branches; and __fish_seen_subcommand_from list" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand branches; and __fish_seen_subcommand_from list" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand branches; and __fish_seen_subcommand_from list" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand branches; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand branches; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand branches; and __fish_seen_subcommand_from add" -l address -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand branches; and __fish_seen_subcommand_from add" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand branches; and __fish_seen_subcommand_from add" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand branches; and __fish_seen_subcommand_from add" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand branches; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand branches; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand branches; and __fish_seen_subcommand_from help" -f -a "list" -d 'List branches'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand branches; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add a branch'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand branches; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and not __fish_seen_subcommand_from list set days remove-day assign help" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and not __fish_seen_subcommand_from list set days remove-day assign help" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and not __fish_seen_subcommand_from list set days remove-day assign help" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and not __fish_seen_subcommand_from list set days remove-day assign help" -s h -l help -d 'Print help'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and not __fish_seen_subcommand_from list set days remove-day assign help" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and not __fish_seen_subcommand_from list set days remove-day assign help" -f -a "list" -d 'List calendars: time zone, hours per weekday, the branches that keep each'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and not __fish_seen_subcommand_from list set days remove-day assign help" -f -a "set" -d 'Add a calendar, or change one: its name, time zone, working hours, whether it is the default'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and not __fish_seen_subcommand_from list set days remove-day assign help" -f -a "days" -d 'Load holidays and moved working days from a CSV file (date,kind,hours,name), a year\'s list at a time'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and not __fish_seen_subcommand_from list set days remove-day assign help" -f -a "remove-day" -d 'Remove a holiday or a moved working day from a calendar'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and not __fish_seen_subcommand_from list set days remove-day assign help" -f -a "assign" -d 'Give a branch a calendar of its own, or (--default) the organization\'s default back'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and not __fish_seen_subcommand_from list set days remove-day assign help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from list" -l format -r -f -a "table\t'A table for people'
json\t'JSON, an array of objects'
csv\t'CSV with a header row'"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from list" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from list" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from list" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from set" -l name -d 'Its name (required for a new calendar)' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from set" -l timezone -d 'Its time zone, as in the tz database (Europe/Kyiv); "" for the TIMEZONE setting' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from set" -l weekdays -d 'Hours Monday to Friday' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from set" -l mon -d 'Hours on Mondays (over --weekdays)' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from set" -l tue -d 'Hours on Tuesdays (over --weekdays)' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from set" -l wed -d 'Hours on Wednesdays (over --weekdays)' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from set" -l thu -d 'Hours on Thursdays (over --weekdays)' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from set" -l fri -d 'Hours on Fridays (over --weekdays)' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from set" -l sat -d 'Hours on Saturdays' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from set" -l sun -d 'Hours on Sundays' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from set" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from set" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from set" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from set" -l default -d 'Make it the organization\'s default, kept by branches with no calendar of their own'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from set" -l not-default -d 'Stop it being the default (branches with no calendar of their own run round the clock)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from set" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from days" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from days" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from days" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from days" -s h -l help -d 'Print help'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from days" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from remove-day" -l kind -d 'holiday, yearly or workday; by default whichever the date has' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from remove-day" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from remove-day" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from remove-day" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from remove-day" -s h -l help -d 'Print help'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from remove-day" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from assign" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from assign" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from assign" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from assign" -l default -d 'Back to the organization\'s default calendar'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from assign" -s h -l help -d 'Print help'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from assign" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from help" -f -a "list" -d 'List calendars: time zone, hours per weekday, the branches that keep each'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from help" -f -a "set" -d 'Add a calendar, or change one: its name, time zone, working hours, whether it is the default'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from help" -f -a "days" -d 'Load holidays and moved working days from a CSV file (date,kind,hours,name), a year\'s list at a time'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from help" -f -a "remove-day" -d 'Remove a holiday or a moved working day from a calendar'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from help" -f -a "assign" -d 'Give a branch a calendar of its own, or (--default) the organization\'s default back'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand calendars; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand health" -l url -d 'Where serve listens [default: http://HELPDESK_WEB_LISTEN]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand health" -l timeout -d 'How long to wait for the answer, in seconds' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand health" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand health" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand health" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand health" -l live -d 'Ask /healthz (alive) instead of /readyz (ready to serve)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand health" -s h -l help -d 'Print help'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand health" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and not __fish_seen_subcommand_from list add pause resume run help" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and not __fish_seen_subcommand_from list add pause resume run help" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and not __fish_seen_subcommand_from list add pause resume run help" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and not __fish_seen_subcommand_from list add pause resume run help" -s h -l help -d 'Print help'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and not __fish_seen_subcommand_from list add pause resume run help" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and not __fish_seen_subcommand_from list add pause resume run help" -f -a "list" -d 'List schedules: what each files, when, for which branch, when it is next due and what it filed last'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and not __fish_seen_subcommand_from list add pause resume run help" -f -a "add" -d 'Add a schedule: a request of a kind filed for a branch (or every branch) at each occurrence'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and not __fish_seen_subcommand_from list add pause resume run help" -f -a "pause" -d 'Pause a schedule: nothing is filed until it is resumed'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and not __fish_seen_subcommand_from list add pause resume run help" -f -a "resume" -d 'Resume a paused schedule; occurrences while it was paused are not filed'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and not __fish_seen_subcommand_from list add pause resume run help" -f -a "run" -d 'File every occurrence that has come and is not filed yet (what `serve` does on its own)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and not __fish_seen_subcommand_from list add pause resume run help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and __fish_seen_subcommand_from list" -l format -r -f -a "table\t'A table for people'
json\t'JSON, an array of objects'
csv\t'CSV with a header row'"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and __fish_seen_subcommand_from list" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and __fish_seen_subcommand_from list" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and __fish_seen_subcommand_from list" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and __fish_seen_subcommand_from add" -l kind -r -f -a "cartridge\t''
repair\t''
maintenance\t''
it_help\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and __fish_seen_subcommand_from add" -l branch -d 'The branch: a code, name or id' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and __fish_seen_subcommand_from add" -l every -d 'When: every 2 weeks on mon, monthly on 1, every 3 months on last, cron 0 9 1 * *' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and __fish_seen_subcommand_from add" -l at -d 'The time of day, in each branch\'s time zone' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and __fish_seen_subcommand_from add" -l starting -d 'Count from this day (YYYY-MM-DD); today by default' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and __fish_seen_subcommand_from add" -l description -d 'What the request says' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and __fish_seen_subcommand_from add" -l priority -r -f -a "low\t''
medium\t''
high\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and __fish_seen_subcommand_from add" -l author -d 'On whose behalf each is filed (a Telegram ID); they are told of its changes' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and __fish_seen_subcommand_from add" -l assignee -d 'Filed accepted by this staff member (a Telegram ID); otherwise filed new, for the queue' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and __fish_seen_subcommand_from add" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and __fish_seen_subcommand_from add" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and __fish_seen_subcommand_from add" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and __fish_seen_subcommand_from add" -l all-branches -d 'One request for every branch at each occurrence'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and __fish_seen_subcommand_from pause" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and __fish_seen_subcommand_from pause" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and __fish_seen_subcommand_from pause" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and __fish_seen_subcommand_from pause" -s h -l help -d 'Print help'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and __fish_seen_subcommand_from pause" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and __fish_seen_subcommand_from resume" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and __fish_seen_subcommand_from resume" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and __fish_seen_subcommand_from resume" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and __fish_seen_subcommand_from resume" -s h -l help -d 'Print help'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and __fish_seen_subcommand_from resume" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and __fish_seen_subcommand_from run" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and __fish_seen_subcommand_from run" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and __fish_seen_subcommand_from run" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and __fish_seen_subcommand_from run" -s h -l help -d 'Print help'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and __fish_seen_subcommand_from run" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and __fish_seen_subcommand_from help" -f -a "list" -d 'List schedules: what each files, when, for which branch, when it is next due and what it filed last'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add a schedule: a request of a kind filed for a branch (or every branch) at each occurrence'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and __fish_seen_subcommand_from help" -f -a "pause" -d 'Pause a schedule: nothing is filed until it is resumed'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and __fish_seen_subcommand_from help" -f -a "resume" -d 'Resume a paused schedule; occurrences while it was paused are not filed'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and __fish_seen_subcommand_from help" -f -a "run" -d 'File every occurrence that has come and is not filed yet (what `serve` does on its own)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand recurring; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand printers; and not __fish_seen_subcommand_from list add retire help" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand printers; and not __fish_seen_subcommand_from list add retire help" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand printers; and not __fish_seen_subcommand_from list add retire help" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand printers; and not __fish_seen_subcommand_from list add retire help" -s h -l help -d 'Print help'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand printers; and not __fish_seen_subcommand_from list add retire help" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand printers; and not __fish_seen_subcommand_from list add retire help" -f -a "list" -d 'List printers, with the cartridge types each takes'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand printers; and not __fish_seen_subcommand_from list add retire help" -f -a "add" -d 'Add a printer'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand printers; and not __fish_seen_subcommand_from list add retire help" -f -a "retire" -d 'Retire a printer (it is kept, with the requests that name it); not while a request for it is open'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand printers; and not __fish_seen_subcommand_from list add retire help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand printers; and __fish_seen_subcommand_from list" -l branch -d 'Only this branch: a code, name or id (code:X, name:X or id:N to say which)' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand printers; and __fish_seen_subcommand_from list" -l model -d 'Only models containing this text (case aside)' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand printers; and __fish_seen_subcommand_from list" -l cartridge -d 'Only printers that take this cartridge type (a vendor article, 1C id or id)' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand printers; and __fish_seen_subcommand_from list" -l format -r -f -a "table\t'A table for people'
json\t'JSON, an array of objects'
csv\t'CSV with a header row'"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand printers; and __fish_seen_subcommand_from list" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand printers; and __fish_seen_subcommand_from list" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand printers; and __fish_seen_subcommand_from list" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand printers; and __fish_seen_subcommand_from list" -l retired -d 'Retired printers too'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand printers; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand printers; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand printers; and __fish_seen_subcommand_from add" -l branch -d 'Its branch: a code, name or id' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand printers; and __fish_seen_subcommand_from add" -l model -d 'Its model' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand printers; and __fish_seen_subcommand_from add" -l place -d 'Where it stands: room, floor' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand printers; and __fish_seen_subcommand_from add" -l serial -d 'Its serial number' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand printers; and __fish_seen_subcommand_from add" -l cartridge -d 'A cartridge type it takes (a vendor article, 1C id or id); repeat for each, or separate with commas' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand printers; and __fish_seen_subcommand_from add" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand printers; and __fish_seen_subcommand_from add" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand printers; and __fish_seen_subcommand_from add" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand printers; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand printers; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand printers; and __fish_seen_subcommand_from retire" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand printers; and __fish_seen_subcommand_from retire" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand printers; and __fish_seen_subcommand_from retire" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand printers; and __fish_seen_subcommand_from retire" -s h -l help -d 'Print help'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand printers; and __fish_seen_subcommand_from retire" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand printers; and __fish_seen_subcommand_from help" -f -a "list" -d 'List printers, with the cartridge types each takes'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand printers; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add a printer'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand printers; and __fish_seen_subcommand_from help" -f -a "retire" -d 'Retire a printer (it is kept, with the requests that name it); not while a request for it is open'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand printers; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand contractors; and not __fish_seen_subcommand_from list add help" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand contractors; and not __fish_seen_subcommand_from list add help" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand contractors; and not __fish_seen_subcommand_from list add help" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand contractors; and not __fish_seen_subcommand_from list add help" -s h -l help -d 'Print help'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand contractors; and not __fish_seen_subcommand_from list add help" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand contractors; and not __fish_seen_subcommand_from list add help" -f -a "list" -d 'Every contractor, by name'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand contractors; and not __fish_seen_subcommand_from list add help" -f -a "add" -d 'Add a contractor'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand contractors; and not __fish_seen_subcommand_from list add help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand contractors; and __fish_seen_subcommand_from list" -l format -r -f -a "table\t'A table for people'
json\t'JSON, an array of objects'
csv\t'CSV with a header row'"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand contractors; and __fish_seen_subcommand_from list" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand contractors; and __fish_seen_subcommand_from list" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand contractors; and __fish_seen_subcommand_from list" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand contractors; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand contractors; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand contractors; and __fish_seen_subcommand_from add" -l contacts -d 'Phone, email, address' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand contractors; and __fish_seen_subcommand_from add" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand contractors; and __fish_seen_subcommand_from add" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand contractors; and __fish_seen_subcommand_from add" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand contractors; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand contractors; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand contractors; and __fish_seen_subcommand_from help" -f -a "list" -d 'Every contractor, by name'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand contractors; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add a contractor'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand contractors; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand refills; and not __fish_seen_subcommand_from send receive list show help" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand refills; and not __fish_seen_subcommand_from send receive list show help" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand refills; and not __fish_seen_subcommand_from send receive list show help" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand refills; and not __fish_seen_subcommand_from send receive list show help" -s h -l help -d 'Print help'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand refills; and not __fish_seen_subcommand_from send receive list show help" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand refills; and not __fish_seen_subcommand_from send receive list show help" -f -a "send" -d 'Send empties from a warehouse to a contractor: one batch, with its handover document'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand refills; and not __fish_seen_subcommand_from send receive list show help" -f -a "receive" -d 'Receive (part of) a batch back: refilled into full stock, rejected written off with a reason'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand refills; and not __fish_seen_subcommand_from send receive list show help" -f -a "list" -d 'Refill batches, open ones first'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand refills; and not __fish_seen_subcommand_from send receive list show help" -f -a "show" -d 'One batch, line by line; --handover writes its handover document'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand refills; and not __fish_seen_subcommand_from send receive list show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand refills; and __fish_seen_subcommand_from send" -l contractor -d 'The contractor: its name or id:N' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand refills; and __fish_seen_subcommand_from send" -l warehouse -d 'The warehouse the empties leave: a code, name, 1C id or id' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand refills; and __fish_seen_subcommand_from send" -l note -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand refills; and __fish_seen_subcommand_from send" -l handover -d 'Also write the handover document (xlsx) here' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand refills; and __fish_seen_subcommand_from send" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand refills; and __fish_seen_subcommand_from send" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand refills; and __fish_seen_subcommand_from send" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand refills; and __fish_seen_subcommand_from send" -s h -l help -d 'Print help'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand refills; and __fish_seen_subcommand_from send" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand refills; and __fish_seen_subcommand_from receive" -l rejected -d 'Rejected by the contractor: ARTICLE=N (needs --reason)' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand refills; and __fish_seen_subcommand_from receive" -l reason -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand refills; and __fish_seen_subcommand_from receive" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand refills; and __fish_seen_subcommand_from receive" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand refills; and __fish_seen_subcommand_from receive" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand refills; and __fish_seen_subcommand_from receive" -s h -l help -d 'Print help'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand refills; and __fish_seen_subcommand_from receive" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand refills; and __fish_seen_subcommand_from list" -l format -r -f -a "table\t'A table for people'
json\t'JSON, an array of objects'
csv\t'CSV with a header row'"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand refills; and __fish_seen_subcommand_from list" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand refills; and __fish_seen_subcommand_from list" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand refills; and __fish_seen_subcommand_from list" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand refills; and __fish_seen_subcommand_from list" -l open -d 'Only batches with cartridges still at a contractor'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand refills; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand refills; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand refills; and __fish_seen_subcommand_from show" -l handover -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand refills; and __fish_seen_subcommand_from show" -l format -r -f -a "table\t'A table for people'
json\t'JSON, an array of objects'
csv\t'CSV with a header row'"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand refills; and __fish_seen_subcommand_from show" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand refills; and __fish_seen_subcommand_from show" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand refills; and __fish_seen_subcommand_from show" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand refills; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand refills; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand refills; and __fish_seen_subcommand_from help" -f -a "send" -d 'Send empties from a warehouse to a contractor: one batch, with its handover document'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand refills; and __fish_seen_subcommand_from help" -f -a "receive" -d 'Receive (part of) a batch back: refilled into full stock, rejected written off with a reason'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand refills; and __fish_seen_subcommand_from help" -f -a "list" -d 'Refill batches, open ones first'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand refills; and __fish_seen_subcommand_from help" -f -a "show" -d 'One batch, line by line; --handover writes its handover document'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand refills; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and not __fish_seen_subcommand_from list empties check forecast backtest help" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and not __fish_seen_subcommand_from list empties check forecast backtest help" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and not __fish_seen_subcommand_from list empties check forecast backtest help" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and not __fish_seen_subcommand_from list empties check forecast backtest help" -s h -l help -d 'Print help'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and not __fish_seen_subcommand_from list empties check forecast backtest help" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and not __fish_seen_subcommand_from list empties check forecast backtest help" -f -a "list" -d 'Cartridges in stock per warehouse: full and empty'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and not __fish_seen_subcommand_from list empties check forecast backtest help" -f -a "empties" -d 'Receive empty cartridges brought in without a request (a bag of them)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and not __fish_seen_subcommand_from list empties check forecast backtest help" -f -a "check" -d 'Balance the books: for every warehouse and type, what came in equals full + empty + at a contractor + out in printers + written off, and the ledger agrees with the stock, the issues and the refills; exits 1 naming every difference'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and not __fish_seen_subcommand_from list empties check forecast backtest help" -f -a "forecast" -d 'When each warehouse runs out of each type, and what to order: the demand forecast from the issue history (TSB with the warehouse\'s seasons), days of full stock left, and an order covering the supplier\'s lead time (STOCK_LEAD_TIME) and STOCK_COVER after it, counting what is at a contractor; soonest first'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and not __fish_seen_subcommand_from list empties check forecast backtest help" -f -a "backtest" -d 'How well the forecast would have done on this database\'s own history: at a cut-off every week, the demand of the following days forecast by it and by the plain 90-day average, each compared with what was issued (mean absolute scaled error; lower is better), per warehouse and type and overall'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and not __fish_seen_subcommand_from list empties check forecast backtest help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and __fish_seen_subcommand_from list" -l warehouse -d 'Only this warehouse: a code, name, 1C id or id (code:X, name:X, 1c:X or id:N to say which)' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and __fish_seen_subcommand_from list" -l format -r -f -a "table\t'A table for people'
json\t'JSON, an array of objects'
csv\t'CSV with a header row'"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and __fish_seen_subcommand_from list" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and __fish_seen_subcommand_from list" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and __fish_seen_subcommand_from list" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and __fish_seen_subcommand_from list" -l low -d 'Only rows below their minimum stock'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and __fish_seen_subcommand_from empties" -l note -d 'Who brought them, from where' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and __fish_seen_subcommand_from empties" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and __fish_seen_subcommand_from empties" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and __fish_seen_subcommand_from empties" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and __fish_seen_subcommand_from empties" -s h -l help -d 'Print help'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and __fish_seen_subcommand_from empties" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and __fish_seen_subcommand_from check" -l format -r -f -a "table\t'A table for people'
json\t'JSON, an array of objects'
csv\t'CSV with a header row'"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and __fish_seen_subcommand_from check" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and __fish_seen_subcommand_from check" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and __fish_seen_subcommand_from check" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and __fish_seen_subcommand_from check" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and __fish_seen_subcommand_from forecast" -l warehouse -d 'Only this warehouse: a code, name, 1C id or id' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and __fish_seen_subcommand_from forecast" -l within -d 'Only what runs out within this many days (7d, 2w, 30d)' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and __fish_seen_subcommand_from forecast" -l format -r -f -a "table\t'A table for people'
json\t'JSON, an array of objects'
csv\t'CSV with a header row'"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and __fish_seen_subcommand_from forecast" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and __fish_seen_subcommand_from forecast" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and __fish_seen_subcommand_from forecast" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and __fish_seen_subcommand_from forecast" -l send -d 'Queue the digest of suggested orders for the storekeepers in Telegram and the staff mailbox (SMTP_STAFF_TO) instead of printing; `serve` delivers it (and sends it weekly by itself, SCHEDULE_STOCK_FORECAST)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and __fish_seen_subcommand_from forecast" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and __fish_seen_subcommand_from forecast" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and __fish_seen_subcommand_from backtest" -l horizon -d 'How far ahead each forecast looks [default: STOCK_LEAD_TIME + STOCK_COVER, what an order covers]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and __fish_seen_subcommand_from backtest" -l over -d 'Cut-offs over this many days back (each with a whole horizon after it)' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and __fish_seen_subcommand_from backtest" -l format -r -f -a "table\t'A table for people'
json\t'JSON, an array of objects'
csv\t'CSV with a header row'"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and __fish_seen_subcommand_from backtest" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and __fish_seen_subcommand_from backtest" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and __fish_seen_subcommand_from backtest" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and __fish_seen_subcommand_from backtest" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and __fish_seen_subcommand_from backtest" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and __fish_seen_subcommand_from help" -f -a "list" -d 'Cartridges in stock per warehouse: full and empty'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and __fish_seen_subcommand_from help" -f -a "empties" -d 'Receive empty cartridges brought in without a request (a bag of them)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and __fish_seen_subcommand_from help" -f -a "check" -d 'Balance the books: for every warehouse and type, what came in equals full + empty + at a contractor + out in printers + written off, and the ledger agrees with the stock, the issues and the refills; exits 1 naming every difference'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and __fish_seen_subcommand_from help" -f -a "forecast" -d 'When each warehouse runs out of each type, and what to order: the demand forecast from the issue history (TSB with the warehouse\'s seasons), days of full stock left, and an order covering the supplier\'s lead time (STOCK_LEAD_TIME) and STOCK_COVER after it, counting what is at a contractor; soonest first'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and __fish_seen_subcommand_from help" -f -a "backtest" -d 'How well the forecast would have done on this database\'s own history: at a cut-off every week, the demand of the following days forecast by it and by the plain 90-day average, each compared with what was issued (mean absolute scaled error; lower is better), per warehouse and type and overall'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand stock; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand import-1c; and not __fish_seen_subcommand_from history help" -l odata -d 'Pull the balances from 1C\'s standard OData interface instead of files: at URL (http(s)://HOST/BASE/odata/standard.odata/), or at HELPDESK_ONEC_ODATA_URL; the register, catalogs, fields and the user are the HELPDESK_ONEC_ODATA_* settings' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand import-1c; and not __fish_seen_subcommand_from history help" -l warehouse -d 'Where balances that name no warehouse go (offers with only a total <Количество>, sheets without a Склад column): a warehouse\'s code, name, 1C id or id (code:X, name:X, 1c:X or id:N to say which)' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand import-1c; and not __fish_seen_subcommand_from history help" -l map -d 'Spreadsheet columns by letter, number or header caption, for layouts not recognised by their captions: item=B,article=C,warehouse=D,quantity=F (also id= for a 1C id column)' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand import-1c; and not __fish_seen_subcommand_from history help" -l sheet -d 'The sheet of a workbook to read [default: the first with a recognisable header row]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand import-1c; and not __fish_seen_subcommand_from history help" -l format -r -f -a "table\t'Tables for people'
json\t'The whole report as one JSON object'"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand import-1c; and not __fish_seen_subcommand_from history help" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand import-1c; and not __fish_seen_subcommand_from history help" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand import-1c; and not __fish_seen_subcommand_from history help" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand import-1c; and not __fish_seen_subcommand_from history help" -l dry-run -d 'Show what would change and what matches nothing; write nothing'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand import-1c; and not __fish_seen_subcommand_from history help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand import-1c; and not __fish_seen_subcommand_from history help" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand import-1c; and not __fish_seen_subcommand_from history help" -a "history" -d 'What each exchange with 1C did, newest first: imports of what 1C posted to /1c/exchange, pulls over OData, orders sent to 1C and confirmed, order states 1C sent back; refusals with their reason (a file named "history" is ./history)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand import-1c; and not __fish_seen_subcommand_from history help" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand import-1c; and __fish_seen_subcommand_from history" -l limit -d 'How many steps to show' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand import-1c; and __fish_seen_subcommand_from history" -l format -r -f -a "table\t'A table for people'
json\t'JSON, an array of objects'
csv\t'CSV with a header row'"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand import-1c; and __fish_seen_subcommand_from history" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand import-1c; and __fish_seen_subcommand_from history" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand import-1c; and __fish_seen_subcommand_from history" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand import-1c; and __fish_seen_subcommand_from history" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand import-1c; and __fish_seen_subcommand_from history" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand import-1c; and __fish_seen_subcommand_from help" -f -a "history" -d 'What each exchange with 1C did, newest first: imports of what 1C posted to /1c/exchange, pulls over OData, orders sent to 1C and confirmed, order states 1C sent back; refusals with their reason (a file named "history" is ./history)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand import-1c; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand requests; and not __fish_seen_subcommand_from list show help" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand requests; and not __fish_seen_subcommand_from list show help" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand requests; and not __fish_seen_subcommand_from list show help" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand requests; and not __fish_seen_subcommand_from list show help" -s h -l help -d 'Print help'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand requests; and not __fish_seen_subcommand_from list show help" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand requests; and not __fish_seen_subcommand_from list show help" -f -a "list" -d 'List requests, newest first'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand requests; and not __fish_seen_subcommand_from list show help" -f -a "show" -d 'Show one request: every field, cartridge lines, attachments and history (CSV: the request\'s row only)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand requests; and not __fish_seen_subcommand_from list show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand requests; and __fish_seen_subcommand_from list" -l status -d 'Only these statuses (repeat or separate with commas)' -r -f -a "new\t''
accepted\t''
done\t''
rejected\t''
cancelled\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand requests; and __fish_seen_subcommand_from list" -l kind -d 'Only these kinds (repeat or separate with commas)' -r -f -a "cartridge\t''
repair\t''
maintenance\t''
it_help\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand requests; and __fish_seen_subcommand_from list" -l branch -d 'Only this branch: a code, name or id (code:X, name:X or id:N to say which)' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand requests; and __fish_seen_subcommand_from list" -l waiting -d 'Only requests waiting (their clock stopped) for this: author, parts (repeat or separate with commas)' -r -f -a "author\t''
parts\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand requests; and __fish_seen_subcommand_from list" -l author -d 'Only requests filed by this Telegram ID' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand requests; and __fish_seen_subcommand_from list" -l assignee -d 'Only requests assigned to this Telegram ID' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand requests; and __fish_seen_subcommand_from list" -l from -d 'Created on or after this date (also --since)' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand requests; and __fish_seen_subcommand_from list" -l until -d 'Created on or before this date' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand requests; and __fish_seen_subcommand_from list" -l order -r -f -a "newest\t'Newest first'
oldest\t'Oldest first'
queue\t'The work queue: highest priority first, then oldest'"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand requests; and __fish_seen_subcommand_from list" -l limit -d 'At most this many (0 for all)' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand requests; and __fish_seen_subcommand_from list" -l offset -d 'Skip this many first' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand requests; and __fish_seen_subcommand_from list" -l format -r -f -a "table\t'A table for people'
json\t'JSON, an array of objects'
csv\t'CSV with a header row'"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand requests; and __fish_seen_subcommand_from list" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand requests; and __fish_seen_subcommand_from list" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand requests; and __fish_seen_subcommand_from list" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand requests; and __fish_seen_subcommand_from list" -l archived -d 'Only archived requests'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand requests; and __fish_seen_subcommand_from list" -l include-archived -d 'Archived requests too'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand requests; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand requests; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand requests; and __fish_seen_subcommand_from show" -l format -r -f -a "table\t'A table for people'
json\t'JSON, an array of objects'
csv\t'CSV with a header row'"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand requests; and __fish_seen_subcommand_from show" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand requests; and __fish_seen_subcommand_from show" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand requests; and __fish_seen_subcommand_from show" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand requests; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand requests; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand requests; and __fish_seen_subcommand_from help" -f -a "list" -d 'List requests, newest first'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand requests; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one request: every field, cartridge lines, attachments and history (CSV: the request\'s row only)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand requests; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand serve" -l webhook-url -d 'Receive updates by webhook at this public URL instead of long polling' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand serve" -l listen -d 'The address the web panel (and the webhook) listens on; overrides HELPDESK_WEB_LISTEN [default with --webhook-url: 127.0.0.1:8080]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand serve" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand serve" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand serve" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand serve" -s h -l help -d 'Print help'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand serve" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand web; and not __fish_seen_subcommand_from login-link sign-out help" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand web; and not __fish_seen_subcommand_from login-link sign-out help" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand web; and not __fish_seen_subcommand_from login-link sign-out help" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand web; and not __fish_seen_subcommand_from login-link sign-out help" -s h -l help -d 'Print help'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand web; and not __fish_seen_subcommand_from login-link sign-out help" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand web; and not __fish_seen_subcommand_from login-link sign-out help" -f -a "login-link" -d 'Print a one-time sign-in link to the web panel for a person (valid 10 minutes, usable once)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand web; and not __fish_seen_subcommand_from login-link sign-out help" -f -a "sign-out" -d 'End every web session of a person (a lost laptop, a shared computer)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand web; and not __fish_seen_subcommand_from login-link sign-out help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand web; and __fish_seen_subcommand_from login-link" -l format -r -f -a "table\t'A table for people'
json\t'JSON, an array of objects'
csv\t'CSV with a header row'"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand web; and __fish_seen_subcommand_from login-link" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand web; and __fish_seen_subcommand_from login-link" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand web; and __fish_seen_subcommand_from login-link" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand web; and __fish_seen_subcommand_from login-link" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand web; and __fish_seen_subcommand_from login-link" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand web; and __fish_seen_subcommand_from sign-out" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand web; and __fish_seen_subcommand_from sign-out" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand web; and __fish_seen_subcommand_from sign-out" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand web; and __fish_seen_subcommand_from sign-out" -s h -l help -d 'Print help'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand web; and __fish_seen_subcommand_from sign-out" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand web; and __fish_seen_subcommand_from help" -f -a "login-link" -d 'Print a one-time sign-in link to the web panel for a person (valid 10 minutes, usable once)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand web; and __fish_seen_subcommand_from help" -f -a "sign-out" -d 'End every web session of a person (a lost laptop, a shared computer)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand web; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand backup; and not __fish_seen_subcommand_from list prune help" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand backup; and not __fish_seen_subcommand_from list prune help" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand backup; and not __fish_seen_subcommand_from list prune help" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand backup; and not __fish_seen_subcommand_from list prune help" -l no-verify -d 'Skip the checks of the new backup (its integrity and row counts)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand backup; and not __fish_seen_subcommand_from list prune help" -s h -l help -d 'Print help'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand backup; and not __fish_seen_subcommand_from list prune help" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand backup; and not __fish_seen_subcommand_from list prune help" -f -a "list" -d 'List backups: file, time, size, verified'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand backup; and not __fish_seen_subcommand_from list prune help" -f -a "prune" -d 'Remove all but the newest daily backups (yearly ones stay)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand backup; and not __fish_seen_subcommand_from list prune help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand backup; and __fish_seen_subcommand_from list" -l format -r -f -a "table\t'A table for people'
json\t'JSON, an array of objects'
csv\t'CSV with a header row'"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand backup; and __fish_seen_subcommand_from list" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand backup; and __fish_seen_subcommand_from list" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand backup; and __fish_seen_subcommand_from list" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand backup; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand backup; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand backup; and __fish_seen_subcommand_from prune" -l keep -d 'How many daily backups to keep [default: HELPDESK_BACKUP_KEEP_DAILY]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand backup; and __fish_seen_subcommand_from prune" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand backup; and __fish_seen_subcommand_from prune" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand backup; and __fish_seen_subcommand_from prune" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand backup; and __fish_seen_subcommand_from prune" -l dry-run -d 'Only show what would be removed'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand backup; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand backup; and __fish_seen_subcommand_from prune" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand backup; and __fish_seen_subcommand_from help" -f -a "list" -d 'List backups: file, time, size, verified'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand backup; and __fish_seen_subcommand_from help" -f -a "prune" -d 'Remove all but the newest daily backups (yearly ones stay)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand backup; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand restore" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand restore" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand restore" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand restore" -l force -d 'Restore even while `helpdesk serve` is using the database'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand restore" -s h -l help -d 'Print help'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand restore" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand migrate" -l to -d 'The PostgreSQL database to copy into (it must exist; it must be empty unless --truncate)' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand migrate" -l from -d 'The SQLite database to copy [default: the configured HELPDESK_DATABASE_URL]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand migrate" -l format -r -f -a "table\t'A table for people'
json\t'JSON, an array of objects'
csv\t'CSV with a header row'"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand migrate" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand migrate" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand migrate" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand migrate" -l truncate -d 'Replace the helpdesk data the target already holds'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand migrate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand migrate" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand archive" -l format -r -f -a "table\t'A table for people'
json\t'JSON, an array of objects'
csv\t'CSV with a header row'"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand archive" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand archive" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand archive" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand archive" -l dry-run -d 'Only show how many requests would be archived'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand archive" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand archive" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand sla-check" -l format -r -f -a "table\t'A table for people'
json\t'JSON, an array of objects'
csv\t'CSV with a header row'"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand sla-check" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand sla-check" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand sla-check" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand sla-check" -l dry-run -d 'Only list the breaches: record and send nothing'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand sla-check" -l fail-on-breach -d 'Exit with code 3 when any request is overdue'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand sla-check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand sla-check" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand report" -l from -d 'Start of the period (YYYY-MM-DD) [default: seven days ago]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand report" -l until -d 'End of the period, the whole day included [default: now]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand report" -l by -d 'One line per branch, or per staff member' -r -f -a "branch\t''
staff\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand report" -l format -r -f -a "table\t'A table for people'
json\t'JSON, an array of objects'
csv\t'CSV with a header row'"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand report" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand report" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand report" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand report" -l email -d 'Email it to the staff mailbox instead of printing it'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand report" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand report" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand export" -s o -l output -d 'The file to write (.xlsx, or .csv; - for standard output with --format csv)' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand export" -l format -d 'xlsx or csv [default: from the file\'s extension]' -r -f -a "xlsx\t'An Excel workbook: requests, cartridge lines, summary by branch, months, stock, charts'
csv\t'The requests alone, one row each, the same columns'"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand export" -l from -d 'Created on or after this date' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand export" -l until -d 'Created on or before this date' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand export" -l status -d 'Only these statuses (repeat or separate with commas)' -r -f -a "new\t''
accepted\t''
done\t''
rejected\t''
cancelled\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand export" -l kind -d 'Only these kinds (repeat or separate with commas)' -r -f -a "cartridge\t''
repair\t''
maintenance\t''
it_help\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand export" -l branch -d 'Only this branch: a code, name or id (code:X, name:X or id:N to say which)' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand export" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand export" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand export" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand export" -l include-archived -d 'Archived requests too (left out by default)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand export" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand schedule" -l format -r -f -a "table\t'A table for people'
json\t'JSON, an array of objects'
csv\t'CSV with a header row'"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand schedule" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand schedule" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand schedule" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand schedule" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand schedule" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand config; and not __fish_seen_subcommand_from show help" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand config; and not __fish_seen_subcommand_from show help" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand config; and not __fish_seen_subcommand_from show help" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand config; and not __fish_seen_subcommand_from show help" -s h -l help -d 'Print help'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand config; and not __fish_seen_subcommand_from show help" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand config; and not __fish_seen_subcommand_from show help" -f -a "show" -d 'List every setting, its value (secrets redacted) and where it came from'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand config; and not __fish_seen_subcommand_from show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand config; and __fish_seen_subcommand_from show" -l format -r -f -a "table\t'A table for people'
json\t'JSON, an array of objects'
csv\t'CSV with a header row'"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand config; and __fish_seen_subcommand_from show" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand config; and __fish_seen_subcommand_from show" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand config; and __fish_seen_subcommand_from show" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand config; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand config; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "show" -d 'List every setting, its value (secrets redacted) and where it came from'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand completions" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand completions" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand completions" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand completions" -s h -l help -d 'Print help'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand completions" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand man" -l out-dir -d 'Write helpdesk.1 and a page per subcommand into this directory instead of printing helpdesk.1' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand man" -l config -d 'TOML config file [env: HELPDESK_CONFIG]' -r -F
complete -c helpdesk -n "__fish_helpdesk_using_subcommand man" -l database-url -d 'Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]' -r
complete -c helpdesk -n "__fish_helpdesk_using_subcommand man" -l log-format -d 'Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]' -r -f -a "text\t''
json\t''"
complete -c helpdesk -n "__fish_helpdesk_using_subcommand man" -s h -l help -d 'Print help'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand man" -s V -l version -d 'Print version'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and not __fish_seen_subcommand_from db seed users branches calendars health recurring printers contractors refills stock import-1c requests serve web backup restore migrate archive sla-check report export schedule config completions man help" -f -a "db" -d 'Show and upgrade the database schema'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and not __fish_seen_subcommand_from db seed users branches calendars health recurring printers contractors refills stock import-1c requests serve web backup restore migrate archive sla-check report export schedule config completions man help" -f -a "seed" -d 'Load reference data (./fixtures or the built-in sample set), and demo requests with --demo'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and not __fish_seen_subcommand_from db seed users branches calendars health recurring printers contractors refills stock import-1c requests serve web backup restore migrate archive sla-check report export schedule config completions man help" -f -a "users" -d 'People: list, add, set roles, block and unblock'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and not __fish_seen_subcommand_from db seed users branches calendars health recurring printers contractors refills stock import-1c requests serve web backup restore migrate archive sla-check report export schedule config completions man help" -f -a "branches" -d 'Branches: list and add'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and not __fish_seen_subcommand_from db seed users branches calendars health recurring printers contractors refills stock import-1c requests serve web backup restore migrate archive sla-check report export schedule config completions man help" -f -a "calendars" -d 'Working-time calendars that service levels count in: list, set, days, remove-day, assign'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and not __fish_seen_subcommand_from db seed users branches calendars health recurring printers contractors refills stock import-1c requests serve web backup restore migrate archive sla-check report export schedule config completions man help" -f -a "health" -d 'Whether a running serve can serve (its /readyz, or /healthz with --live), for scripts and HEALTHCHECK'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and not __fish_seen_subcommand_from db seed users branches calendars health recurring printers contractors refills stock import-1c requests serve web backup restore migrate archive sla-check report export schedule config completions man help" -f -a "recurring" -d 'Recurring requests filed on a schedule (the monthly server-room check): list, add, pause, resume, run'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and not __fish_seen_subcommand_from db seed users branches calendars health recurring printers contractors refills stock import-1c requests serve web backup restore migrate archive sla-check report export schedule config completions man help" -f -a "printers" -d 'Printers at every branch and the cartridges each takes: list, add, retire'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and not __fish_seen_subcommand_from db seed users branches calendars health recurring printers contractors refills stock import-1c requests serve web backup restore migrate archive sla-check report export schedule config completions man help" -f -a "contractors" -d 'Contractors who refill cartridges: list, add'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and not __fish_seen_subcommand_from db seed users branches calendars health recurring printers contractors refills stock import-1c requests serve web backup restore migrate archive sla-check report export schedule config completions man help" -f -a "refills" -d 'Empties sent to a contractor for refilling and received back: send, receive, list, show'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and not __fish_seen_subcommand_from db seed users branches calendars health recurring printers contractors refills stock import-1c requests serve web backup restore migrate archive sla-check report export schedule config completions man help" -f -a "stock" -d 'Cartridge stock per warehouse'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and not __fish_seen_subcommand_from db seed users branches calendars health recurring printers contractors refills stock import-1c requests serve web backup restore migrate archive sla-check report export schedule config completions man help" -f -a "import-1c" -d 'Import warehouse balances from 1C (CommerceML offers.xml/import.xml, or xlsx/xls/ods/csv reports)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and not __fish_seen_subcommand_from db seed users branches calendars health recurring printers contractors refills stock import-1c requests serve web backup restore migrate archive sla-check report export schedule config completions man help" -f -a "requests" -d 'Requests: list with filters, show one'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and not __fish_seen_subcommand_from db seed users branches calendars health recurring printers contractors refills stock import-1c requests serve web backup restore migrate archive sla-check report export schedule config completions man help" -f -a "serve" -d 'Run the Telegram bot, the web panel and the scheduled jobs (the daemon)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and not __fish_seen_subcommand_from db seed users branches calendars health recurring printers contractors refills stock import-1c requests serve web backup restore migrate archive sla-check report export schedule config completions man help" -f -a "web" -d 'The web panel: sign-in links and ending sessions'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and not __fish_seen_subcommand_from db seed users branches calendars health recurring printers contractors refills stock import-1c requests serve web backup restore migrate archive sla-check report export schedule config completions man help" -f -a "backup" -d 'Take a verified backup of the database; list and prune backups'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and not __fish_seen_subcommand_from db seed users branches calendars health recurring printers contractors refills stock import-1c requests serve web backup restore migrate archive sla-check report export schedule config completions man help" -f -a "restore" -d 'Restore the database from a backup, after checking it'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and not __fish_seen_subcommand_from db seed users branches calendars health recurring printers contractors refills stock import-1c requests serve web backup restore migrate archive sla-check report export schedule config completions man help" -f -a "migrate" -d 'Copy the SQLite database into PostgreSQL, verified, in one transaction'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and not __fish_seen_subcommand_from db seed users branches calendars health recurring printers contractors refills stock import-1c requests serve web backup restore migrate archive sla-check report export schedule config completions man help" -f -a "archive" -d 'Archive closed requests older than the archive policy'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and not __fish_seen_subcommand_from db seed users branches calendars health recurring printers contractors refills stock import-1c requests serve web backup restore migrate archive sla-check report export schedule config completions man help" -f -a "sla-check" -d 'Find SLA breaches and send reminders by Telegram and email'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and not __fish_seen_subcommand_from db seed users branches calendars health recurring printers contractors refills stock import-1c requests serve web backup restore migrate archive sla-check report export schedule config completions man help" -f -a "report" -d 'Summary for management: opened, closed, breaches per branch, low stock'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and not __fish_seen_subcommand_from db seed users branches calendars health recurring printers contractors refills stock import-1c requests serve web backup restore migrate archive sla-check report export schedule config completions man help" -f -a "export" -d 'Export requests to an Excel workbook (with summaries, stock and charts) or CSV'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and not __fish_seen_subcommand_from db seed users branches calendars health recurring printers contractors refills stock import-1c requests serve web backup restore migrate archive sla-check report export schedule config completions man help" -f -a "schedule" -d 'When serve runs each scheduled job next, and how each last ran'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and not __fish_seen_subcommand_from db seed users branches calendars health recurring printers contractors refills stock import-1c requests serve web backup restore migrate archive sla-check report export schedule config completions man help" -f -a "config" -d 'Show the effective settings and where each came from'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and not __fish_seen_subcommand_from db seed users branches calendars health recurring printers contractors refills stock import-1c requests serve web backup restore migrate archive sla-check report export schedule config completions man help" -f -a "completions" -d 'Print a shell completion script'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and not __fish_seen_subcommand_from db seed users branches calendars health recurring printers contractors refills stock import-1c requests serve web backup restore migrate archive sla-check report export schedule config completions man help" -f -a "man" -d 'Print the manual page, or write all pages to a directory'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and not __fish_seen_subcommand_from db seed users branches calendars health recurring printers contractors refills stock import-1c requests serve web backup restore migrate archive sla-check report export schedule config completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "status" -d 'List applied and pending schema migrations'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "upgrade" -d 'Apply pending schema migrations (every other command does this on open)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and __fish_seen_subcommand_from users" -f -a "list" -d 'List people'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and __fish_seen_subcommand_from users" -f -a "add" -d 'Add a person by Telegram ID'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and __fish_seen_subcommand_from users" -f -a "set-role" -d 'Change a person\'s role (super admins are set in the configuration)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and __fish_seen_subcommand_from users" -f -a "block" -d 'Block a person: the bot ignores them and they get no broadcasts'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and __fish_seen_subcommand_from users" -f -a "unblock" -d 'Unblock a person'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and __fish_seen_subcommand_from branches" -f -a "list" -d 'List branches'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and __fish_seen_subcommand_from branches" -f -a "add" -d 'Add a branch'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and __fish_seen_subcommand_from calendars" -f -a "list" -d 'List calendars: time zone, hours per weekday, the branches that keep each'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and __fish_seen_subcommand_from calendars" -f -a "set" -d 'Add a calendar, or change one: its name, time zone, working hours, whether it is the default'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and __fish_seen_subcommand_from calendars" -f -a "days" -d 'Load holidays and moved working days from a CSV file (date,kind,hours,name), a year\'s list at a time'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and __fish_seen_subcommand_from calendars" -f -a "remove-day" -d 'Remove a holiday or a moved working day from a calendar'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and __fish_seen_subcommand_from calendars" -f -a "assign" -d 'Give a branch a calendar of its own, or (--default) the organization\'s default back'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and __fish_seen_subcommand_from recurring" -f -a "list" -d 'List schedules: what each files, when, for which branch, when it is next due and what it filed last'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and __fish_seen_subcommand_from recurring" -f -a "add" -d 'Add a schedule: a request of a kind filed for a branch (or every branch) at each occurrence'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and __fish_seen_subcommand_from recurring" -f -a "pause" -d 'Pause a schedule: nothing is filed until it is resumed'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and __fish_seen_subcommand_from recurring" -f -a "resume" -d 'Resume a paused schedule; occurrences while it was paused are not filed'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and __fish_seen_subcommand_from recurring" -f -a "run" -d 'File every occurrence that has come and is not filed yet (what `serve` does on its own)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and __fish_seen_subcommand_from printers" -f -a "list" -d 'List printers, with the cartridge types each takes'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and __fish_seen_subcommand_from printers" -f -a "add" -d 'Add a printer'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and __fish_seen_subcommand_from printers" -f -a "retire" -d 'Retire a printer (it is kept, with the requests that name it); not while a request for it is open'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and __fish_seen_subcommand_from contractors" -f -a "list" -d 'Every contractor, by name'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and __fish_seen_subcommand_from contractors" -f -a "add" -d 'Add a contractor'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and __fish_seen_subcommand_from refills" -f -a "send" -d 'Send empties from a warehouse to a contractor: one batch, with its handover document'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and __fish_seen_subcommand_from refills" -f -a "receive" -d 'Receive (part of) a batch back: refilled into full stock, rejected written off with a reason'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and __fish_seen_subcommand_from refills" -f -a "list" -d 'Refill batches, open ones first'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and __fish_seen_subcommand_from refills" -f -a "show" -d 'One batch, line by line; --handover writes its handover document'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and __fish_seen_subcommand_from stock" -f -a "list" -d 'Cartridges in stock per warehouse: full and empty'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and __fish_seen_subcommand_from stock" -f -a "empties" -d 'Receive empty cartridges brought in without a request (a bag of them)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and __fish_seen_subcommand_from stock" -f -a "check" -d 'Balance the books: for every warehouse and type, what came in equals full + empty + at a contractor + out in printers + written off, and the ledger agrees with the stock, the issues and the refills; exits 1 naming every difference'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and __fish_seen_subcommand_from stock" -f -a "forecast" -d 'When each warehouse runs out of each type, and what to order: the demand forecast from the issue history (TSB with the warehouse\'s seasons), days of full stock left, and an order covering the supplier\'s lead time (STOCK_LEAD_TIME) and STOCK_COVER after it, counting what is at a contractor; soonest first'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and __fish_seen_subcommand_from stock" -f -a "backtest" -d 'How well the forecast would have done on this database\'s own history: at a cut-off every week, the demand of the following days forecast by it and by the plain 90-day average, each compared with what was issued (mean absolute scaled error; lower is better), per warehouse and type and overall'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and __fish_seen_subcommand_from import-1c" -f -a "history" -d 'What each exchange with 1C did, newest first: imports of what 1C posted to /1c/exchange, pulls over OData, orders sent to 1C and confirmed, order states 1C sent back; refusals with their reason (a file named "history" is ./history)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and __fish_seen_subcommand_from requests" -f -a "list" -d 'List requests, newest first'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and __fish_seen_subcommand_from requests" -f -a "show" -d 'Show one request: every field, cartridge lines, attachments and history (CSV: the request\'s row only)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and __fish_seen_subcommand_from web" -f -a "login-link" -d 'Print a one-time sign-in link to the web panel for a person (valid 10 minutes, usable once)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and __fish_seen_subcommand_from web" -f -a "sign-out" -d 'End every web session of a person (a lost laptop, a shared computer)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and __fish_seen_subcommand_from backup" -f -a "list" -d 'List backups: file, time, size, verified'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and __fish_seen_subcommand_from backup" -f -a "prune" -d 'Remove all but the newest daily backups (yearly ones stay)'
complete -c helpdesk -n "__fish_helpdesk_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "show" -d 'List every setting, its value (secrets redacted) and where it came from'
