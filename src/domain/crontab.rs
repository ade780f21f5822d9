//! Crontab lines (five fields: minute hour day month weekday, Sunday = 0 or
//! 7) read into the `cron` crate's schedules, which count weekdays from
//! Sunday = 1 and take a field of seconds first. Used for the jobs `serve`
//! runs and for recurring requests.

/// Why a line is not a crontab line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CrontabError {
    /// Not five fields.
    Fields,
    /// A weekday number out of range.
    Weekday(String),
    /// The cron crate's own complaint.
    Cron(String),
}

impl std::fmt::Display for CrontabError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CrontabError::Fields => f.write_str("give five fields (minute hour day month weekday)"),
            CrontabError::Weekday(e) | CrontabError::Cron(e) => f.write_str(e),
        }
    }
}

/// Reads five crontab fields.
pub fn schedule(five: &str) -> Result<cron::Schedule, CrontabError> {
    let fields: Vec<&str> = five.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(CrontabError::Fields);
    }
    let weekday = weekdays(fields[4]).map_err(CrontabError::Weekday)?;
    let full = format!("0 {} {} {} {} {}", fields[0], fields[1], fields[2], fields[3], weekday);
    full.parse::<cron::Schedule>().map_err(|e| CrontabError::Cron(e.to_string()))
}

/// [`schedule`], its error in words.
pub fn parse(five: &str) -> Result<cron::Schedule, String> {
    schedule(five).map_err(|e| e.to_string())
}

/// Rewrites crontab weekday numbers (0-7, Sunday = 0 or 7) as names the cron crate reads the same way.
fn weekdays(field: &str) -> Result<String, String> {
    const NAMES: [&str; 8] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"];
    let name = |n: &str| -> Result<String, String> {
        match n.parse::<usize>() {
            Ok(i) if i < NAMES.len() => Ok(NAMES[i].to_string()),
            Ok(_) => Err(format!("weekday {n} is out of range (0-7)")),
            Err(_) => Ok(n.to_string()),
        }
    };
    field
        .split(',')
        .map(|part| {
            let (range, step) = match part.split_once('/') {
                Some((r, s)) => (r, Some(s)),
                None => (part, None),
            };
            let range = match range.split_once('-') {
                Some((a, b)) => format!("{}-{}", name(a)?, name(b)?),
                None => name(range)?,
            };
            Ok(match step {
                Some(s) => format!("{range}/{s}"),
                None => range,
            })
        })
        .collect::<Result<Vec<_>, String>>()
        .map(|parts| parts.join(","))
}
