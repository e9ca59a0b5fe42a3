//! `--metrics-addr host:port`: `GET /metrics` in the Prometheus text format, from [`Progress`].
//! A minimal HTTP/1.0 responder on `std::net` (one short request per connection); anything but
//! `GET /metrics` gets a 404.
//!
//! Talks to: reads `Progress` and `Tunables`; nothing else.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use log::info;

use crate::cli::HostPort;
use crate::config::Tunables;
use crate::error::{Error, Result};
use crate::progress::{Phase, Progress};

/// The exposition text.
pub fn render(p: &Progress, t: &Tunables, database: &str, table: &str) -> String {
    let labels = format!("database=\"{}\",table=\"{}\"", escape(database), escape(table));
    let mut out = String::new();
    let o = &mut out;
    let l = labels.as_str();
    metric(
        o,
        l,
        "rows_copied_total",
        "counter",
        "Rows inserted into the ghost table by the row copy.",
        p.rows_copied.load(Ordering::Relaxed).to_string(),
    );
    metric(
        o,
        l,
        "rows_estimated",
        "gauge",
        "Estimated rows of the original table.",
        p.rows_estimate.load(Ordering::Relaxed).to_string(),
    );
    metric(o, l, "copy_progress_ratio", "gauge", "Row copy progress, 0 to 1.", format!("{:.4}", p.percent() / 100.0));
    metric(
        o,
        l,
        "events_received_total",
        "counter",
        "Row changes of the original table read from the binlog.",
        p.events_received.load(Ordering::Relaxed).to_string(),
    );
    metric(
        o,
        l,
        "events_applied_total",
        "counter",
        "Row changes applied to the ghost table (coalesced ones included).",
        p.events_applied.load(Ordering::Relaxed).to_string(),
    );
    metric(o, l, "backlog_events", "gauge", "Row changes read but not yet applied.", p.backlog().to_string());
    let lag = p.lag_ms();
    metric(
        o,
        l,
        "lag_seconds",
        "gauge",
        "Lag of the binlog stream behind the primary (heartbeat), -1 before the first.",
        if lag < 0 { "-1".to_string() } else { format!("{:.3}", lag as f64 / 1000.0) },
    );
    metric(
        o,
        l,
        "max_lag_seconds",
        "gauge",
        "Highest lag seen.",
        format!("{:.3}", p.max_lag_ms.load(Ordering::Relaxed).max(0) as f64 / 1000.0),
    );
    let reason = p.throttle_reason();
    metric(o, l, "throttled", "gauge", "1 while the row copy is throttled.", u8::from(!reason.is_empty()).to_string());
    let _ = writeln!(o, "# HELP ghost_rs_throttle_reason_info Why the copy is throttled (label), when it is.");
    let _ = writeln!(o, "# TYPE ghost_rs_throttle_reason_info gauge");
    let _ = writeln!(
        o,
        "ghost_rs_throttle_reason_info{{{labels},reason=\"{}\"}} {}",
        escape(&reason),
        u8::from(!reason.is_empty())
    );
    metric(
        o,
        l,
        "chunk_seconds",
        "gauge",
        "Duration of the last row-copy chunk.",
        format!("{:.6}", p.last_chunk_us.load(Ordering::Relaxed) as f64 / 1e6),
    );
    metric(o, l, "chunk_size", "gauge", "Current chunk size, rows.", t.chunk_size().to_string());
    let _ = writeln!(o, "# HELP ghost_rs_phase Current phase (1 for the current one).");
    let _ = writeln!(o, "# TYPE ghost_rs_phase gauge");
    let now = p.phase();
    for ph in [
        Phase::Inspecting,
        Phase::Preparing,
        Phase::Copying,
        Phase::Postponing,
        Phase::CuttingOver,
        Phase::Done,
        Phase::Failed,
    ] {
        let _ = writeln!(o, "ghost_rs_phase{{{labels},phase=\"{}\"}} {}", ph.name(), u8::from(ph == now));
    }
    metric(
        o,
        l,
        "cut_over_attempts_total",
        "counter",
        "Cut-over attempts.",
        p.cut_over_attempts.load(Ordering::Relaxed).to_string(),
    );
    metric(
        o,
        l,
        "cut_over_lock_seconds",
        "gauge",
        "Longest time the original table was locked at a cut-over attempt.",
        format!("{:.3}", p.cut_over_lock_ms.load(Ordering::Relaxed) as f64 / 1000.0),
    );
    metric(
        o,
        l,
        "elapsed_seconds",
        "gauge",
        "Time since ghost-rs started.",
        format!("{:.1}", p.elapsed().as_secs_f64()),
    );
    out
}

fn metric(out: &mut String, labels: &str, name: &str, kind: &str, help: &str, value: String) {
    let _ = writeln!(out, "# HELP ghost_rs_{name} {help}");
    let _ = writeln!(out, "# TYPE ghost_rs_{name} {kind}");
    let _ = writeln!(out, "ghost_rs_{name}{{{labels}}} {value}");
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

pub struct Metrics {
    listener: TcpListener,
}

impl Metrics {
    pub fn bind(addr: &HostPort) -> Result<Metrics> {
        let listener = TcpListener::bind((addr.host.as_str(), addr.port)).map_err(|e| {
            Error::refused(format!("cannot serve metrics on {addr}: {e}")).hint("choose another --metrics-addr")
        })?;
        listener.set_nonblocking(true)?;
        info!("serving Prometheus metrics on http://{addr}/metrics");
        Ok(Metrics { listener })
    }

    /// Serves until `stop`.
    pub fn serve(
        self,
        progress: Arc<Progress>,
        tunables: Arc<Tunables>,
        database: String,
        table: String,
        stop: Arc<AtomicBool>,
    ) {
        while !stop.load(Ordering::Relaxed) {
            let Ok((mut s, _)) = self.listener.accept() else {
                std::thread::sleep(Duration::from_millis(20));
                continue;
            };
            let _ = s.set_nonblocking(false);
            let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
            let mut first = String::new();
            let mut reader = BufReader::new(&s);
            if reader.read_line(&mut first).is_err() {
                continue;
            }
            // the rest of the request head, up to the blank line
            let mut line = String::new();
            while reader.read_line(&mut line).map(|n| n > 2).unwrap_or(false) {
                line.clear();
            }
            let mut parts = first.split_whitespace();
            let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            let (status, body) = if method == "GET" && (path == "/metrics" || path.starts_with("/metrics?")) {
                ("200 OK", render(&progress, &tunables, &database, &table))
            } else {
                ("404 Not Found", "not found: try /metrics\n".to_string())
            };
            let _ = write!(
                s,
                "HTTP/1.0 {status}\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exposition_format() {
        let p = Progress::default();
        p.rows_copied.store(42, Ordering::Relaxed);
        p.set_throttle("flag-file \"x\" exists");
        let t = crate::config::tests_support::tunables();
        let text = render(&p, &t, "d", "t\"x");
        assert!(text.contains("ghost_rs_rows_copied_total{database=\"d\",table=\"t\\\"x\"} 42\n"), "{text}");
        assert!(text.contains("# TYPE ghost_rs_rows_copied_total counter"));
        assert!(text.contains("ghost_rs_throttled{database=\"d\",table=\"t\\\"x\"} 1"));
        assert!(text.contains("reason=\"flag-file \\\"x\\\" exists\"} 1"));
        assert!(text.contains("ghost_rs_phase{database=\"d\",table=\"t\\\"x\",phase=\"inspecting\"} 1"));
        // every sample line is `name{labels} value`
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let (_, value) = line.rsplit_once(' ').expect("a value");
            assert!(value.parse::<f64>().is_ok(), "{line}");
        }
    }
}
