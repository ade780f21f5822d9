//! Satisfaction: the author rates a request once it is done, 1 to 5, with an
//! optional comment, and may change it for a week after it was done.

use chrono::{DateTime, Duration, Utc};

/// How long after a request is done its author may rate it, or change the rating.
pub const RATING_WINDOW: Duration = Duration::days(7);
/// The longest comment kept.
pub const MAX_COMMENT_CHARS: usize = 1000;
/// Ratings this low tell the branch's administrators.
pub const LOW: u8 = 2;

/// Why a rating is not taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RatingError {
    #[error("a rating is 1 to 5, not {0}")]
    OutOfRange(i64),
    #[error("only a request that is done can be rated")]
    NotDone,
    #[error("the week to rate this request is over")]
    TooLate,
    #[error("the comment is too long ({len} characters; at most {max})")]
    CommentTooLong { len: usize, max: usize },
}

/// A score as given: 1 to 5.
pub fn score(n: i64) -> Result<u8, RatingError> {
    match n {
        1..=5 => Ok(n as u8),
        _ => Err(RatingError::OutOfRange(n)),
    }
}

/// A comment tidied: trimmed, empty as none, bounded.
pub fn comment(raw: Option<&str>) -> Result<Option<String>, RatingError> {
    let Some(text) = raw.map(str::trim).filter(|t| !t.is_empty()) else { return Ok(None) };
    let len = text.chars().count();
    if len > MAX_COMMENT_CHARS {
        return Err(RatingError::CommentTooLong { len, max: MAX_COMMENT_CHARS });
    }
    Ok(Some(text.to_string()))
}

/// Whether a request done at `closed` (`None`: not done) may be rated at `now`.
pub fn open_for_rating(done: bool, closed: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Result<(), RatingError> {
    match (done, closed) {
        (true, Some(at)) if now <= at + RATING_WINDOW => Ok(()),
        (true, Some(_)) => Err(RatingError::TooLate),
        _ => Err(RatingError::NotDone),
    }
}

/// How ratings are spread: how many of each score, 1 first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Spread(pub [u64; 5]);

impl Spread {
    pub fn add(&mut self, score: u8) {
        if (1..=5).contains(&score) {
            self.0[usize::from(score) - 1] += 1;
        }
    }

    pub fn merge(&mut self, o: &Spread) {
        for (a, b) in self.0.iter_mut().zip(o.0) {
            *a += b;
        }
    }

    pub fn count(&self) -> u64 {
        self.0.iter().sum()
    }

    /// The mean score, to one decimal place; none without ratings.
    pub fn mean(&self) -> Option<f64> {
        let n = self.count();
        let sum: u64 = self.0.iter().enumerate().map(|(i, c)| (i as u64 + 1) * c).sum();
        (n > 0).then(|| (sum as f64 / n as f64 * 10.0).round() / 10.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn scores_comments_and_the_week() {
        assert_eq!(score(5), Ok(5));
        assert_eq!(score(0), Err(RatingError::OutOfRange(0)));
        assert_eq!(score(6).unwrap_err().to_string(), "a rating is 1 to 5, not 6");
        assert_eq!(comment(Some("  ")), Ok(None));
        assert_eq!(comment(Some(" fast ")), Ok(Some("fast".into())));
        assert!(matches!(comment(Some(&"я".repeat(1001))), Err(RatingError::CommentTooLong { len: 1001, .. })));
        let done = Utc.with_ymd_and_hms(2027, 3, 1, 12, 0, 0).unwrap();
        assert_eq!(open_for_rating(true, Some(done), done + Duration::days(7)), Ok(()));
        assert_eq!(
            open_for_rating(true, Some(done), done + Duration::days(7) + Duration::seconds(1)),
            Err(RatingError::TooLate)
        );
        assert_eq!(open_for_rating(false, Some(done), done), Err(RatingError::NotDone));
        assert_eq!(open_for_rating(true, None, done), Err(RatingError::NotDone));
    }

    #[test]
    fn a_spread_counts_and_means() {
        let mut s = Spread::default();
        assert_eq!(s.mean(), None);
        for n in [5, 5, 4, 1, 9] {
            s.add(n);
        }
        assert_eq!(s.0, [1, 0, 0, 1, 2]);
        assert_eq!(s.count(), 4);
        assert_eq!(s.mean(), Some(3.8));
    }
}
