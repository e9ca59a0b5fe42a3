//! The Throttler: every 100 ms it collects the reasons to pause the row copy and publishes one
//! decision (the reason, empty for "go") in [`Progress::throttle_reason`]. The copy waits
//! between chunks while it is throttled; the binlog apply never pauses (so the backlog does not
//! grow while throttled).
//!
//! Sources in this version: the operator's `throttle` command (and `no-throttle`),
//! `--throttle-flag-file`, `--throttle-additional-flag-file`, and the lag of the binlog stream
//! (the time since the newest heartbeat read back was written: replication lag when the binlog
//! is read on a replica) against `--max-lag-millis`. A stream that stops delivering heartbeats
//! shows a growing lag: the throttler fails closed. The decision is a pure function of the
//! readings ([`decide`]), unit-tested.
//!
//! Talks to: the file system (flag files); publishes to `Progress`.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::config::Tunables;
use crate::progress::Progress;

/// What the throttler read in one round.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Readings {
    pub user_throttle: bool,
    /// Flag files that exist.
    pub flag_files: Vec<PathBuf>,
    /// Lag of the binlog stream in ms (-1: no heartbeat read yet), and the limit.
    pub lag_ms: i64,
    pub max_lag_ms: u64,
}

/// The reason to throttle, or `None` to let the copy run. The first reason found wins, in
/// the order an operator would want to read them.
pub fn decide(r: &Readings) -> Option<String> {
    if r.user_throttle {
        return Some("commanded by user".to_string());
    }
    if let Some(f) = r.flag_files.first() {
        return Some(format!("flag-file {} exists", f.display()));
    }
    if r.lag_ms > r.max_lag_ms as i64 {
        return Some(format!("lag={:.3}s > max-lag-millis {}", r.lag_ms as f64 / 1000.0, r.max_lag_ms));
    }
    None
}

pub struct Throttler {
    pub flag_files: Vec<PathBuf>,
    pub tunables: Arc<Tunables>,
    pub progress: Arc<Progress>,
    pub stop: Arc<AtomicBool>,
}

impl Throttler {
    fn read(&self) -> Readings {
        Readings {
            user_throttle: self.tunables.user_throttle.load(Ordering::Relaxed),
            flag_files: self.flag_files.iter().filter(|f| f.exists()).cloned().collect(),
            lag_ms: self.progress.lag_ms(),
            max_lag_ms: self.tunables.max_lag_millis.load(Ordering::Relaxed),
        }
    }

    /// Publishes a decision every 100 ms until stopped.
    pub fn run(self) {
        while !self.stop.load(Ordering::Relaxed) {
            let reason = decide(&self.read()).unwrap_or_default();
            self.progress.set_throttle(&reason);
            std::thread::sleep(Duration::from_millis(100));
        }
        self.progress.set_throttle("");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decisions() {
        let go = Readings { lag_ms: -1, max_lag_ms: 1500, ..Readings::default() };
        assert_eq!(decide(&go), None);
        assert_eq!(decide(&Readings { lag_ms: 1500, ..go.clone() }), None);
        assert_eq!(
            decide(&Readings { lag_ms: 1501, ..go.clone() }).as_deref(),
            Some("lag=1.501s > max-lag-millis 1500")
        );
        let r = Readings { flag_files: vec![PathBuf::from("/tmp/x")], ..go };
        assert_eq!(decide(&r).as_deref(), Some("flag-file /tmp/x exists"));
        let r = Readings { user_throttle: true, ..r };
        assert_eq!(decide(&r).as_deref(), Some("commanded by user"));
    }
}
