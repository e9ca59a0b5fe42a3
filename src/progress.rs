//! Counters every component updates and the status line made from them.
//!
//! Each counter has one writer (noted on the field); readers are the status printer, the
//! interactive server, hooks and metrics. Atomics only: nobody waits on a lock to report.

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, AtomicU8, Ordering::Relaxed};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Phase {
    Inspecting = 0,
    Preparing,
    Copying,
    Postponing,
    CuttingOver,
    Done,
    Failed,
}

impl Phase {
    fn from_u8(v: u8) -> Phase {
        match v {
            0 => Phase::Inspecting,
            1 => Phase::Preparing,
            2 => Phase::Copying,
            3 => Phase::Postponing,
            4 => Phase::CuttingOver,
            5 => Phase::Done,
            _ => Phase::Failed,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Phase::Inspecting => "inspecting",
            Phase::Preparing => "preparing",
            Phase::Copying => "migrating",
            Phase::Postponing => "postponing cut-over",
            Phase::CuttingOver => "cutting over",
            Phase::Done => "done",
            Phase::Failed => "failed",
        }
    }
}

#[derive(Debug)]
pub struct Progress {
    started: Instant,
    phase: AtomicU8,
    /// Writer: migrator (row estimate).
    pub rows_estimate: AtomicU64,
    /// Writer: copy. Rows inserted into the ghost by the copy.
    pub rows_copied: AtomicU64,
    /// Writer: copy. Set when the key range has been walked to its end.
    pub copy_done: AtomicBool,
    /// Writer: migrator. What runs between the end of the copy and the cut-over (the deferred
    /// index build, the checksum), shown as the state; empty otherwise.
    pub step: Mutex<&'static str>,
    /// Writer: streamer. Row changes of the original table read from the binlog.
    pub events_received: AtomicU64,
    /// Writer: apply loop. Row changes written to the ghost (after coalescing, those that
    /// coalesced count as applied too).
    pub events_applied: AtomicU64,
    /// Writer: apply loop. Of those, changes to rows the copy had not reached: left to the copy
    /// (see applier/frontier.rs).
    pub changes_left_to_copy: AtomicU64,
    /// Writer: streamer (+ when it sends changes), apply loop (- when it has written or
    /// dropped them). Approximate memory held by changes in flight: the streamer waits while
    /// it is above its budget (back-pressure bounded by bytes, not by messages, so that a
    /// slow apply gets large batches instead of a short queue of small transactions).
    pub queued_bytes: AtomicU64,
    /// Writer: streamer. When the last heartbeat read back from the binlog was written
    /// (ns since the epoch); 0 before the first. The lag is the time since then, so a stream
    /// that stops delivering shows a growing lag (the throttler fails closed).
    pub heartbeat_seen_ns: AtomicI64,
    /// Writer: streamer. The delay of the newest heartbeat read back (read time - written), ns.
    pub heartbeat_delay_ns: AtomicI64,
    /// Writer: migrator (once). `--heartbeat-interval-millis`, ns.
    pub heartbeat_interval_ns: AtomicI64,
    /// Writer: streamer (and readers of `lag_ms`). The highest lag seen, ms.
    pub max_lag_ms: AtomicI64,
    /// Writer: streamer. Binlog coordinates read so far.
    pub read_pos: Mutex<String>,
    /// Writer: apply loop. The position right after the last transaction whose changes are
    /// all applied to the ghost (what a checkpoint records).
    pub applied_pos: Mutex<Option<crate::db::BinlogPos>>,
    /// Writer: copy walker. Upper bound of the completely copied key ranges from the start.
    pub copy_watermark: Mutex<Option<Vec<mysql::Value>>>,
    /// Writer: migrator. Time spent in checksums, ms.
    pub checksum_ms: AtomicU64,
    /// Writer: copy. Rows read by the copy (copied, or already in the ghost).
    pub rows_read: AtomicU64,
    /// Writer: throttler/copy. Why the copy is paused; empty when it is not.
    pub throttle_reason: Mutex<String>,
    /// Writer: cut-over. Longest time the original table was locked at cut-over, in ms.
    pub cut_over_lock_ms: AtomicU64,
    /// Writer: throttler. A critical-load hibernation: copy and apply wait.
    pub hibernating: AtomicBool,
    /// Writer: migrator. When the row copy started.
    pub copy_started: Mutex<Option<Instant>>,
    /// Writer: copy. Duration of the last chunk, µs.
    pub last_chunk_us: AtomicU64,
    pub cut_over_attempts: AtomicU64,
}

impl Default for Progress {
    fn default() -> Self {
        Progress {
            started: Instant::now(),
            phase: AtomicU8::new(Phase::Inspecting as u8),
            rows_estimate: AtomicU64::new(0),
            rows_copied: AtomicU64::new(0),
            copy_done: AtomicBool::new(false),
            step: Mutex::new(""),
            events_received: AtomicU64::new(0),
            events_applied: AtomicU64::new(0),
            changes_left_to_copy: AtomicU64::new(0),
            queued_bytes: AtomicU64::new(0),
            heartbeat_seen_ns: AtomicI64::new(0),
            heartbeat_delay_ns: AtomicI64::new(0),
            heartbeat_interval_ns: AtomicI64::new(100_000_000),
            max_lag_ms: AtomicI64::new(-1),
            read_pos: Mutex::new(String::new()),
            applied_pos: Mutex::new(None),
            copy_watermark: Mutex::new(None),
            rows_read: AtomicU64::new(0),
            checksum_ms: AtomicU64::new(0),
            throttle_reason: Mutex::new(String::new()),
            cut_over_lock_ms: AtomicU64::new(0),
            hibernating: AtomicBool::new(false),
            last_chunk_us: AtomicU64::new(0),
            copy_started: Mutex::new(None),
            cut_over_attempts: AtomicU64::new(0),
        }
    }
}

impl Progress {
    pub fn phase(&self) -> Phase {
        Phase::from_u8(self.phase.load(Relaxed))
    }
    pub fn set_phase(&self, p: Phase) {
        self.phase.store(p as u8, Relaxed)
    }
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }
    pub fn backlog(&self) -> u64 {
        self.events_received.load(Relaxed).saturating_sub(self.events_applied.load(Relaxed))
    }
    pub fn set_throttle(&self, reason: &str) {
        let mut r = self.throttle_reason.lock().unwrap_or_else(|e| e.into_inner());
        if *r != reason {
            *r = reason.to_string();
        }
    }
    pub fn throttle_reason(&self) -> String {
        self.throttle_reason.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
    /// A heartbeat written at `written_ns` was read back from the binlog.
    pub fn record_heartbeat(&self, written_ns: i64) {
        if self.heartbeat_seen_ns.fetch_max(written_ns, Relaxed) < written_ns {
            self.heartbeat_delay_ns.store((unix_nanos() - written_ns).max(0), Relaxed);
        }
        self.max_lag_ms.fetch_max(self.lag_ms(), Relaxed);
    }

    /// The lag of the binlog stream behind the primary (replication lag included), in ms: the
    /// delay of the newest heartbeat read back, or, when the next one is overdue, the time
    /// since it should have been read (so a stalled stream shows a growing lag). -1 before the
    /// first heartbeat.
    pub fn lag_ms(&self) -> i64 {
        let seen = self.heartbeat_seen_ns.load(Relaxed);
        if seen == 0 {
            return -1;
        }
        let overdue = unix_nanos() - seen - self.heartbeat_interval_ns.load(Relaxed);
        (self.heartbeat_delay_ns.load(Relaxed).max(overdue) / 1_000_000).max(0)
    }
    pub fn set_text(cell: &Mutex<String>, v: String) {
        *cell.lock().unwrap_or_else(|e| e.into_inner()) = v;
    }
    pub fn text(cell: &Mutex<String>) -> String {
        cell.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Percent of the estimate copied (100 once the copy is done).
    pub fn percent(&self) -> f64 {
        if self.copy_done.load(Relaxed) {
            return 100.0;
        }
        let est = self.rows_estimate.load(Relaxed).max(1);
        (self.rows_copied.load(Relaxed) as f64 * 100.0 / est as f64).min(100.0)
    }

    /// gh-ost's status line: `Copy: 1000/2000 50.0%; Applied: 12; Backlog: 0/1000; Time: 10s(total), 8s(copy); streamer: mysql-bin.000001:1234; Lag: 0.01s, State: migrating; ETA: 8s`
    pub fn status_line(&self) -> String {
        let copy_started = *self.copy_started.lock().unwrap_or_else(|e| e.into_inner());
        let copied = self.rows_copied.load(Relaxed);
        let est = self.rows_estimate.load(Relaxed);
        let elapsed = self.elapsed();
        let copy_elapsed = copy_started.map(|t| t.elapsed()).unwrap_or_default();
        let phase = self.phase();
        let throttle = self.throttle_reason();
        // a throttle also holds the cut-over back: say so while it is postponed
        let step = *self.step.lock().unwrap_or_else(|e| e.into_inner());
        let state = match phase {
            Phase::Copying if !step.is_empty() => step.to_string(),
            Phase::Copying if !throttle.is_empty() => format!("throttled, {throttle}"),
            Phase::Postponing if !throttle.is_empty() => format!("{}, throttled, {throttle}", phase.name()),
            _ => phase.name().to_string(),
        };
        let eta = if self.copy_done.load(Relaxed) {
            "due".to_string()
        } else if copied == 0 || copy_elapsed.is_zero() {
            "N/A".to_string()
        } else {
            let rate = copied as f64 / copy_elapsed.as_secs_f64();
            let left = est.saturating_sub(copied) as f64 / rate.max(1e-9);
            fmt_duration(Duration::from_secs_f64(left.min(1e9)))
        };
        let lag = self.lag_ms();
        let lag = if lag < 0 { "N/A".to_string() } else { format!("{:.2}s", lag as f64 / 1000.0) };
        format!(
            "Copy: {}/{} {:.1}%; Applied: {}; Backlog: {}; Time: {}(total), {}(copy); streamer: {}; Lag: {}, State: {}; ETA: {}",
            copied,
            est,
            self.percent(),
            self.events_applied.load(Relaxed),
            self.backlog(),
            fmt_duration(elapsed),
            fmt_duration(copy_elapsed),
            Self::text(&self.read_pos),
            lag,
            state,
            eta
        )
    }
}

pub fn fmt_duration(d: Duration) -> String {
    let s = d.as_secs();
    if s < 60 {
        format!("{s}s")
    } else if s < 3600 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else {
        format!("{}h{:02}m{:02}s", s / 3600, (s % 3600) / 60, s % 60)
    }
}

impl Progress {
    /// The values hooks receive (`GH_OST_ELAPSED_SECONDS`, `GH_OST_COPIED_ROWS`, ...).
    pub fn hook_state(&self) -> crate::hooks::HookState {
        let copied = self.rows_copied.load(Relaxed);
        let est = self.rows_estimate.load(Relaxed);
        let copy_started = *self.copy_started.lock().unwrap_or_else(|e| e.into_inner());
        let copy_elapsed = copy_started.map(|t| t.elapsed()).unwrap_or_default();
        let eta = (copied > 0 && !copy_elapsed.is_zero()).then(|| {
            let rate = copied as f64 / copy_elapsed.as_secs_f64();
            (est.saturating_sub(copied) as f64 / rate.max(1e-9)) as u64
        });
        let lag = self.lag_ms().max(0) as f64 / 1000.0;
        crate::hooks::HookState {
            elapsed_seconds: self.elapsed().as_secs(),
            elapsed_copy_seconds: copy_elapsed.as_secs(),
            copied_rows: copied,
            estimated_rows: est,
            progress_pct: self.percent(),
            inspected_lag_seconds: lag,
            heartbeat_lag_seconds: lag,
            status: self.status_line(),
            etc_seconds: if self.copy_done.load(Relaxed) { Some(0) } else { eta },
            ..Default::default()
        }
    }
}

/// The current UTC time as `(year, month, day, hour, minute, second)`.
pub fn utc_now() -> (u16, u8, u8, u8, u8, u8) {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
    match crate::streamer::decode::timestamp_value(secs, 0) {
        mysql::Value::Date(y, mo, d, h, mi, s, _) => (y, mo, d, h, mi, s),
        _ => (1970, 1, 1, 0, 0, 0),
    }
}

/// `2026-12-02 15:04:05 UTC`
pub fn utc_now_text() -> String {
    let (y, mo, d, h, mi, s) = utc_now();
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02} UTC")
}

/// Nanoseconds since the epoch, for heartbeats.
pub fn unix_nanos() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos() as i64).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_line_shape() {
        let p = Progress::default();
        p.rows_estimate.store(2000, Relaxed);
        p.rows_copied.store(1000, Relaxed);
        p.events_received.store(15, Relaxed);
        p.events_applied.store(12, Relaxed);
        p.set_phase(Phase::Copying);
        let s = p.status_line();
        assert!(s.starts_with("Copy: 1000/2000 50.0%; Applied: 12; Backlog: 3;"), "{s}");
        assert!(s.contains("State: migrating"), "{s}");
        *p.step.lock().unwrap() = "building deferred indexes";
        assert!(p.status_line().contains("State: building deferred indexes;"), "{}", p.status_line());
        *p.step.lock().unwrap() = "";
        p.set_throttle("flag-file /tmp/x exists");
        assert!(p.status_line().contains("State: throttled, flag-file /tmp/x exists"));
        p.set_phase(Phase::Postponing);
        assert!(p.status_line().contains("State: postponing cut-over, throttled, flag-file /tmp/x exists"));
    }

    #[test]
    fn durations() {
        assert_eq!(fmt_duration(Duration::from_secs(5)), "5s");
        assert_eq!(fmt_duration(Duration::from_secs(65)), "1m05s");
        assert_eq!(fmt_duration(Duration::from_secs(3725)), "1h02m05s");
    }
}
