//! Forecasting cartridge demand from a series of daily issues, and what it
//! means for stock: when a warehouse runs out and how much to order.
//!
//! Demand at one warehouse for one type is intermittent: most days nothing,
//! now and then a few cartridges. Averages over a window lag behind trends and
//! seasons; Croston's method and its corrections (SBA) were made for such
//! series but only update when demand happens, so they never see demand die
//! out. We use TSB (Teunter, Syntetos and Babai, 2011): every day it smooths
//! the probability that demand occurs, and on demand days the size of it; the
//! rate is their product. On top of it, where there is more than a year of
//! history, a seasonal factor: how the coming weeks compared with the months
//! before them a year earlier, in the warehouse's demand of all types (its
//! own seasons) and in the whole organization's (the same seasons, on many
//! more issues), the two averaged geometrically so that neither a small
//! warehouse's noise nor the organization's average rules alone.
//!
//! `helpdesk stock backtest` (and `scripts/bench/forecast.sh`) measure it
//! against the plain 90-day average by the mean absolute scaled error of
//! what each would have forecast at many past dates.
//!
//! Nothing here reads the clock or the store: series are given, days are
//! indexes into them (day 0 the oldest).

/// How fast TSB follows the size of demand on days with demand.
pub const ALPHA: f64 = 0.05;
/// How fast TSB follows the probability that a day has demand: slowly, as
/// a few issues a month say little; the seasonal factor brings what changes
/// from month to month.
pub const BETA: f64 = 0.01;
/// The days the naive forecast averages over.
pub const NAIVE_DAYS: usize = 90;
/// The days before a date whose demand a year earlier the seasonal factor
/// compares the coming weeks with: about the memory of [`BETA`].
const SEASON_BEFORE: usize = 180;
/// Issues the seasonal factor assumes on each side before the data speak
/// (shrinks it toward 1 where a warehouse issues little).
const SEASON_PRIOR: f64 = 16.0;
/// The seasonal factor stays within these.
const SEASON_BOUNDS: (f64, f64) = (0.5, 2.0);

/// TSB's demand rate per day after `demand` (oldest first): the smoothed
/// probability of a day with demand times the smoothed size on such days.
/// Starts from the first weeks' mean; an empty series forecasts nothing.
pub fn tsb(demand: &[f64]) -> f64 {
    let warm = demand.len().min(NAIVE_DAYS);
    if warm == 0 {
        return 0.0;
    }
    let first = &demand[..warm];
    let hits: Vec<f64> = first.iter().copied().filter(|d| *d > 0.0).collect();
    let mut p = hits.len() as f64 / warm as f64;
    let mut z = if hits.is_empty() { 1.0 } else { hits.iter().sum::<f64>() / hits.len() as f64 };
    for &d in demand {
        if d > 0.0 {
            p += BETA * (1.0 - p);
            z += ALPHA * (d - z);
        } else {
            p *= 1.0 - BETA;
        }
    }
    p * z
}

/// The plain average of the last [`NAIVE_DAYS`] days (all there are, if fewer).
pub fn naive(demand: &[f64]) -> f64 {
    let n = demand.len().min(NAIVE_DAYS);
    if n == 0 { 0.0 } else { demand[demand.len() - n..].iter().sum::<f64>() / n as f64 }
}

/// How the `horizon` days after the end of `total` (a warehouse's demand of
/// all types, oldest first) may differ from the weeks before it, judged by
/// the same days a year earlier; 1 without a year of history and then some.
pub fn seasonal_factor(total: &[f64], horizon: usize) -> f64 {
    let t = total.len();
    if horizon == 0 || t < 365 + SEASON_BEFORE {
        return 1.0;
    }
    let year_ago = t - 365;
    let ahead: f64 = total[year_ago..(year_ago + horizon).min(t)].iter().sum::<f64>();
    let ahead_days = (year_ago + horizon).min(t) - year_ago;
    let before: f64 = total[year_ago - SEASON_BEFORE..year_ago].iter().sum::<f64>();
    // Both as issues per `horizon` days, with a prior of equal demand.
    let ahead = ahead * horizon as f64 / ahead_days as f64;
    let before = before * horizon as f64 / SEASON_BEFORE as f64;
    ((ahead + SEASON_PRIOR) / (before + SEASON_PRIOR)).clamp(SEASON_BOUNDS.0, SEASON_BOUNDS.1)
}

/// The forecast demand per day over the next `horizon` days for one type at
/// one warehouse: TSB on its own series, times the geometric mean of the
/// seasonal factors of its warehouse's and the organization's demand (each
/// series ending the same day).
pub fn rate(demand: &[f64], warehouse_total: &[f64], organization_total: &[f64], horizon: usize) -> f64 {
    let season = (seasonal_factor(warehouse_total, horizon) * seasonal_factor(organization_total, horizon)).sqrt();
    tsb(demand) * season
}

/// What a forecast means for one warehouse and type's stock.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outlook {
    /// Forecast demand per day.
    pub per_day: f64,
    /// Whole days the full stock lasts at that rate; `None` when nothing is consumed.
    pub days_left: Option<u32>,
    /// What to order now so that stock covers the lead time and the cover
    /// after it, counting what is at a contractor as coming back; 0 for none.
    pub order: i64,
}

/// The outlook of `full` cartridges (and `incoming` on their way back from a
/// contractor) at `per_day`, for a supplier who delivers in `lead_days` and
/// an order meant to cover `cover_days` after that.
pub fn outlook(per_day: f64, full: i64, incoming: i64, lead_days: u32, cover_days: u32) -> Outlook {
    // Below a cartridge a year, nothing is consumed.
    if per_day * 365.0 < 1.0 {
        return Outlook { per_day, days_left: None, order: 0 };
    }
    let days_left = (full.max(0) as f64 / per_day).floor().min(f64::from(u32::MAX)) as u32;
    let need = (per_day * f64::from(lead_days + cover_days)).ceil() as i64;
    let order = (need - full.max(0) - incoming.max(0)).max(0);
    Outlook { per_day, days_left: Some(days_left), order }
}

/// The mean absolute scaled error of forecasting, at each of `cutoffs`, the
/// demand of the `horizon` days after it: |forecast − actual| over the mean
/// absolute difference between successive `horizon`-day sums before the
/// cut-off (what repeating the last period would have missed by), averaged
/// over the cut-offs with something to scale by. `forecast(d)` is the rate
/// per day given the series up to a cut-off. `None` when no cut-off counts.
pub fn mase(demand: &[f64], cutoffs: &[usize], horizon: usize, forecast: &dyn Fn(usize) -> f64) -> Option<f64> {
    let mut prefix = Vec::with_capacity(demand.len() + 1);
    prefix.push(0.0);
    for d in demand {
        prefix.push(prefix.last().copied().unwrap_or(0.0) + d);
    }
    let sum = |from: usize, to: usize| prefix[to] - prefix[from];
    let mut errors = Vec::new();
    for &c in cutoffs {
        if c < 2 * horizon || c + horizon > demand.len() {
            continue;
        }
        let diffs: Vec<f64> =
            (2 * horizon..=c).map(|t| (sum(t - horizon, t) - sum(t - 2 * horizon, t - horizon)).abs()).collect();
        let scale = diffs.iter().sum::<f64>() / diffs.len() as f64;
        if scale <= 0.0 {
            continue;
        }
        let actual = sum(c, c + horizon);
        errors.push((forecast(c) * horizon as f64 - actual).abs() / scale);
    }
    (!errors.is_empty()).then(|| errors.iter().sum::<f64>() / errors.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn tsb_by_hand() {
        // Warm-up: 2 days of demand in 4 (p = 0.5), sizes 2 and 4 (z = 3).
        // Then: day 1 demand 2: p = 0.5 + 0.01·0.5 = 0.505, z = 3 + 0.05·(2 − 3) = 2.95;
        // day 2 none: p = 0.505·0.99 = 0.49995; day 3 demand 4: p = 0.49995 + 0.01·0.50005 = 0.5049505,
        // z = 2.95 + 0.05·1.05 = 3.0025; day 4 none: p = 0.499901. Rate = p·z.
        let r = tsb(&[2.0, 0.0, 4.0, 0.0]);
        assert!(close(r, 0.504_950_5 * 0.99 * 3.0025), "{r}");
        assert_eq!(tsb(&[]), 0.0);
        assert_eq!(tsb(&[0.0; 30]), 0.0);
    }

    #[test]
    fn tsb_sees_demand_die_out_and_follows_a_steady_rate() {
        let mut d = vec![0.0; 400];
        for (i, v) in d.iter_mut().enumerate() {
            if i % 5 == 0 {
                *v = 2.0;
            }
        }
        assert!((tsb(&d) - 0.4).abs() < 0.05, "{}", tsb(&d));
        // Demand stops: after a year TSB expects a fortieth of it.
        d.extend(std::iter::repeat_n(0.0, 365));
        assert!(tsb(&d) < 0.4 / 30.0, "{}", tsb(&d));
        assert_eq!(naive(&d), 0.0);
    }

    #[test]
    fn naive_is_the_last_90_days_mean() {
        let mut d = vec![5.0; 10];
        d.extend(vec![1.0; 90]);
        assert!(close(naive(&d), 1.0));
        assert!(close(naive(&[3.0, 0.0]), 1.5));
        assert_eq!(naive(&[]), 0.0);
    }

    #[test]
    fn seasonal_factor_compares_the_weeks_ahead_a_year_ago_with_those_before() {
        assert_eq!(seasonal_factor(&[1.0; 500], 28), 1.0); // not enough history
        // A year and more of 1 a day, except that a year ago the 28 days after today had 2 a day.
        let mut total = vec![1.0; 600];
        let year_ago = 600 - 365;
        for v in &mut total[year_ago..year_ago + 28] {
            *v = 2.0;
        }
        // ahead = 56, before = 180 scaled to 28 days = 28: (56 + 16) / (28 + 16).
        assert!(close(seasonal_factor(&total, 28), 72.0 / 44.0));
        // The rate: TSB times the geometric mean of the warehouse's and the organization's.
        let flat = vec![1.0; 600];
        let demand = vec![1.0; 600];
        assert!(close(rate(&demand, &total, &flat, 28), tsb(&demand) * (72.0f64 / 44.0).sqrt()));
        // Bounded.
        for v in &mut total[year_ago..year_ago + 28] {
            *v = 30.0;
        }
        assert_eq!(seasonal_factor(&total, 28), 2.0);
    }

    #[test]
    fn outlook_by_hand() {
        // 0.5 a day, 10 full: 20 days; cover 7 + 30 days needs 18.5 → 19, less 10 full and 2 coming back.
        let o = outlook(0.5, 10, 2, 7, 30);
        assert_eq!(o.days_left, Some(20));
        assert_eq!(o.order, 7);
        assert_eq!(outlook(0.5, 40, 0, 7, 30).order, 0);
        assert_eq!(outlook(0.001, 3, 0, 7, 30), Outlook { per_day: 0.001, days_left: None, order: 0 });
        assert_eq!(outlook(1.0, 0, 0, 7, 30).days_left, Some(0));
    }

    #[test]
    fn mase_by_hand() {
        // Demand 1 a day for 8 days, then 3 a day; horizon 2, cut-off at 8.
        // Successive 2-day sums before day 8 never change: nothing to scale by.
        let mut d = vec![1.0; 8];
        d.extend(vec![3.0; 4]);
        assert_eq!(mase(&d, &[8], 2, &|_| 1.0), None);
        // Demand in pairs 0,0,2,2,0,0,...: a 2-day sum ending at day t differs from the one before
        // it by 4 when t is even and 0 when odd; t = 4..=8 gives 4,0,4,0,4, scale 2.4.
        let d: Vec<f64> = (0..20).map(|i| if (i / 2) % 2 == 0 { 0.0 } else { 2.0 }).collect();
        // At cut-off 8 the next two days are 0 and 0: forecast 1/day → 2 off, scaled 2 / 2.4.
        assert!(close(mase(&d, &[8], 2, &|_| 1.0).unwrap(), 2.0 / 2.4));
        // Cut-offs without a whole horizon after them do not count.
        assert_eq!(mase(&d, &[19], 2, &|_| 1.0), None);
    }
}
