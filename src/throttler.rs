//! The Throttler: collects every reason to pause the row copy and publishes one decision (the
//! reason, empty for "go") in [`Progress::throttle_reason`], ten times a second. The copy waits
//! between chunks while it is throttled; the binlog apply keeps going (so the backlog does not
//! grow), except in a critical-load hibernation, where everything waits.
//!
//! Sources, in the order their reasons are reported:
//!
//! | source | reason text |
//! |---|---|
//! | the operator's `throttle` command | `commanded by user` |
//! | `--throttle-flag-file`, `--throttle-additional-flag-file` | `flag-file <path> exists` |
//! | critical-load hibernation | `critical-load hibernation until ...` |
//! | lag of the binlog stream (heartbeat read back) vs `--max-lag-millis` | `lag=1.234s` |
//! | lag on each `--throttle-control-replicas` (the heartbeat row read there) | `replica h:p lag=...` |
//! | a control replica that cannot be read (fail closed) | `replica h:p unreadable: ...` |
//! | `--max-load` (any `SHOW GLOBAL STATUS` variable, on the applier) | `max-load Threads_running=30 >= 25` |
//! | `--throttle-query` returning > 0 (on the applier) | `throttle-query` |
//! | `--throttle-http` answering other than 200 | `throttle-http <status>` |
//!
//! `--critical-load` is not a throttle: when a threshold is met (and, with
//! `--critical-load-interval-millis`, still met after that pause) the migration aborts, or,
//! with `--critical-load-hibernate-seconds`, stops all its work for that long.
//!
//! Fast sources (user, files, stream lag) are read every 100 ms; server queries every second
//! (HTTP every `--throttle-http-interval-millis`). The decision is a pure function of the
//! readings ([`decide`]), unit-tested.
//!
//! Talks to: the applier server and the control replicas (its own connections), an HTTP
//! endpoint, the file system; publishes to `Progress`; reports a critical load to the migrator.

use std::io::{BufRead, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::Sender;
use log::{info, warn};
use mysql::prelude::Queryable;
use mysql::Conn;

use crate::cli::{HostPort, LoadMap};
use crate::config::Tunables;
use crate::db::Endpoint;
use crate::error::Error;
use crate::progress::{unix_nanos, Progress};
use crate::sql;

/// What the throttler read in one round.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Readings {
    pub user_throttle: bool,
    /// Flag files that exist.
    pub flag_files: Vec<PathBuf>,
    /// A critical-load hibernation is in progress (its end, for the message).
    pub hibernating: Option<String>,
    /// Lag of the binlog stream in ms (-1: no heartbeat read yet), and the limit.
    pub lag_ms: i64,
    pub max_lag_ms: u64,
    /// Each control replica: its lag in ms, or why it could not be read.
    pub replicas: Vec<(String, Result<i64, String>)>,
    /// `--max-load` variables over their thresholds: (name, value, threshold).
    pub load_over: Vec<(String, i64, i64)>,
    pub throttle_query: bool,
    /// The HTTP status when it was not 200 (or the error).
    pub http: Option<String>,
}

/// A throttle reason without its measured values (`lag=1.578s` -> `lag`, `max-load
/// Threads_running=30 >= 25` -> `max-load Threads_running >= 25`): what the log reports a change of.
fn reason_kind(reason: &str) -> String {
    static VALUE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = VALUE.get_or_init(|| regex::Regex::new(r"=[0-9.]+s?").expect("a valid pattern"));
    re.replace_all(reason, "").into_owned()
}

/// The reason to throttle, or `None` to let the copy run. The first reason found wins.
pub fn decide(r: &Readings) -> Option<String> {
    if r.user_throttle {
        return Some("commanded by user".to_string());
    }
    if let Some(f) = r.flag_files.first() {
        return Some(format!("flag-file {} exists", f.display()));
    }
    if let Some(until) = &r.hibernating {
        return Some(format!("critical-load hibernation until {until}"));
    }
    if r.lag_ms > r.max_lag_ms as i64 {
        return Some(format!("lag={:.3}s", r.lag_ms as f64 / 1000.0));
    }
    for (name, lag) in &r.replicas {
        match lag {
            Err(e) => return Some(format!("replica {name} unreadable: {e}")),
            Ok(ms) if *ms > r.max_lag_ms as i64 => {
                return Some(format!("replica {name} lag={:.3}s", *ms as f64 / 1000.0))
            }
            Ok(_) => {}
        }
    }
    if let Some((name, value, threshold)) = r.load_over.first() {
        return Some(format!("max-load {name}={value} >= {threshold}"));
    }
    if r.throttle_query {
        return Some("throttle-query".to_string());
    }
    if let Some(status) = &r.http {
        return Some(format!("throttle-http {status}"));
    }
    None
}

/// The `LoadMap` entries whose status value is at or over the threshold.
pub fn over_thresholds(map: &LoadMap, status: &[(String, i64)]) -> Vec<(String, i64, i64)> {
    map.0
        .iter()
        .filter_map(|(name, threshold)| {
            status
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .filter(|(_, v)| v >= threshold)
                .map(|(_, v)| (name.clone(), *v, *threshold))
        })
        .collect()
}

pub struct Throttler {
    pub flag_files: Vec<PathBuf>,
    pub tunables: Arc<Tunables>,
    pub progress: Arc<Progress>,
    pub stop: Arc<AtomicBool>,
    /// Where `--max-load`, `--critical-load` and `--throttle-query` are measured.
    pub applier: Endpoint,
    /// Credentials for the control replicas.
    pub credentials: Endpoint,
    pub database: String,
    pub changelog: String,
    pub critical_load_interval: Duration,
    pub critical_load_hibernate: Duration,
    pub http_interval: Duration,
    pub http_timeout: Duration,
    pub ignore_http_errors: bool,
    pub fatal: Sender<Error>,
}

#[derive(Default)]
struct Slow {
    replicas: Vec<(String, Result<i64, String>)>,
    load_over: Vec<(String, i64, i64)>,
    throttle_query: bool,
    http: Option<String>,
}

impl Throttler {
    /// Publishes a decision every 100 ms until stopped.
    pub fn run(self) {
        let mut applier: Option<Conn> = None;
        let mut replicas: Vec<(HostPort, Option<Conn>)> = Vec::new();
        let mut slow = Slow::default();
        let mut last_slow = Instant::now() - Duration::from_secs(10);
        let mut last_http = Instant::now() - Duration::from_secs(10);
        let mut hibernate_until: Option<Instant> = None;
        let mut last_reason = String::new();
        while !self.stop.load(Ordering::Relaxed) {
            if hibernate_until.is_some_and(|t| Instant::now() >= t) {
                info!("critical-load hibernation over; resuming");
                hibernate_until = None;
                self.progress.hibernating.store(false, Ordering::Relaxed);
            }
            if last_slow.elapsed() >= Duration::from_secs(1) {
                last_slow = Instant::now();
                slow.replicas = self.read_replicas(&mut replicas);
                slow.load_over = self.read_load(&mut applier, &self.tunables.max_load(), "max-load");
                slow.throttle_query = self.read_throttle_query(&mut applier);
                let critical = self.read_load(&mut applier, &self.tunables.critical_load(), "critical-load");
                if !critical.is_empty() && hibernate_until.is_none() {
                    if let Some(until) = self.on_critical_load(&mut applier, critical) {
                        hibernate_until = Some(until);
                    }
                }
            }
            if last_http.elapsed() >= self.http_interval {
                last_http = Instant::now();
                slow.http = self.read_http();
            }
            let readings = Readings {
                user_throttle: self.tunables.user_throttle.load(Ordering::Relaxed),
                flag_files: self.flag_files.iter().filter(|f| f.exists()).cloned().collect(),
                hibernating: hibernate_until
                    .map(|t| format!("{} s from now", t.saturating_duration_since(Instant::now()).as_secs())),
                lag_ms: self.progress.lag_ms(),
                max_lag_ms: self.tunables.max_lag_millis.load(Ordering::Relaxed),
                replicas: slow.replicas.clone(),
                load_over: slow.load_over.clone(),
                throttle_query: slow.throttle_query,
                http: slow.http.clone(),
            };
            let reason = decide(&readings).unwrap_or_default();
            // logged when the cause changes, not each time a measured value does
            if reason_kind(&reason) != reason_kind(&last_reason) {
                if reason.is_empty() {
                    info!("throttling ends");
                } else {
                    info!("throttling: {reason}");
                }
            }
            last_reason = reason.clone();
            self.progress.set_throttle(&reason);
            std::thread::sleep(Duration::from_millis(100));
        }
        self.progress.set_throttle("");
    }

    fn conn<'c>(&self, slot: &'c mut Option<Conn>, ep: &Endpoint, what: &str) -> Result<&'c mut Conn, String> {
        if slot.is_none() {
            *slot = Some(ep.connect(what).map_err(|e| e.message)?);
        }
        Ok(slot.as_mut().expect("set above"))
    }

    /// `SHOW GLOBAL STATUS` for the variables of `map`, compared with their thresholds. A
    /// failed read throttles (fail closed) for max-load and is logged for critical-load.
    fn read_load(&self, applier: &mut Option<Conn>, map: &LoadMap, what: &str) -> Vec<(String, i64, i64)> {
        if map.is_empty() {
            return Vec::new();
        }
        let names: Vec<String> = map.0.iter().map(|(n, _)| sql::literal(n)).collect();
        let q = format!("SHOW GLOBAL STATUS WHERE Variable_name IN ({})", names.join(", "));
        let ep = self.applier.clone();
        let result = self.conn(applier, &ep, "throttler").and_then(|c| {
            let rows: Vec<(String, Vec<u8>)> = c.query(&q).map_err(|e| e.to_string())?;
            Ok(rows
                .into_iter()
                .map(|(n, v)| (n, String::from_utf8_lossy(&v).trim().parse::<f64>().map(|f| f as i64).unwrap_or(0)))
                .collect::<Vec<_>>())
        });
        match result {
            Ok(status) => over_thresholds(map, &status),
            Err(e) => {
                *applier = None;
                warn!("{what}: cannot read the status variables: {e}");
                if what == "max-load" {
                    vec![(format!("(unreadable: {e})"), 0, 0)]
                } else {
                    Vec::new()
                }
            }
        }
    }

    fn read_throttle_query(&self, applier: &mut Option<Conn>) -> bool {
        let Some(q) = self.tunables.throttle_query() else { return false };
        let ep = self.applier.clone();
        let r = self.conn(applier, &ep, "throttler").and_then(|c| {
            let v: Option<Option<Vec<u8>>> = c.query_first(&q).map_err(|e| e.to_string())?;
            Ok(v.flatten().map(|b| String::from_utf8_lossy(&b).trim().parse::<f64>().unwrap_or(0.0)).unwrap_or(0.0))
        });
        match r {
            Ok(v) => v > 0.0,
            Err(e) => {
                *applier = None;
                warn!("throttle-query failed: {e}; throttling until it succeeds");
                true
            }
        }
    }

    /// The heartbeat row read on each control replica: lag = now - the time it was written.
    fn read_replicas(&self, conns: &mut Vec<(HostPort, Option<Conn>)>) -> Vec<(String, Result<i64, String>)> {
        let wanted = self.tunables.throttle_control_replicas();
        if conns.iter().map(|(h, _)| h).ne(wanted.iter()) {
            *conns = wanted.into_iter().map(|h| (h, None)).collect();
        }
        let q = format!("SELECT value FROM {} WHERE hint = 'heartbeat'", sql::table(&self.database, &self.changelog));
        let mut out = Vec::new();
        for (hp, slot) in conns.iter_mut() {
            let ep = self.credentials.with_host(&hp.host, hp.port);
            let r = self.conn(slot, &ep, "throttle control replica").and_then(|c| {
                let v: Option<Vec<u8>> = c.query_first(&q).map_err(|e| e.to_string())?;
                let written: i64 = v
                    .and_then(|b| String::from_utf8_lossy(&b).parse().ok())
                    .ok_or_else(|| "no heartbeat there yet".to_string())?;
                Ok(((unix_nanos() - written) / 1_000_000).max(0))
            });
            if r.is_err() {
                *slot = None;
            }
            out.push((hp.to_string(), r));
        }
        out
    }

    /// `--throttle-http`: a HEAD request, as gh-ost sends; anything but 200 throttles. Connection errors throttle
    /// unless `--ignore-http-errors`.
    fn read_http(&self) -> Option<String> {
        let url = self.tunables.throttle_http()?;
        match http_status(&url, self.http_timeout) {
            Ok(200) => None,
            Ok(code) => Some(code.to_string()),
            Err(e) if self.ignore_http_errors => {
                warn!("throttle-http: {e} (ignored: --ignore-http-errors)");
                None
            }
            Err(e) => Some(format!("unreachable: {e}")),
        }
    }

    /// A critical-load threshold is met: confirm after the interval, then abort or hibernate.
    fn on_critical_load(&self, applier: &mut Option<Conn>, over: Vec<(String, i64, i64)>) -> Option<Instant> {
        let describe = |v: &[(String, i64, i64)]| {
            v.iter().map(|(n, val, t)| format!("{n}={val} >= {t}")).collect::<Vec<_>>().join(", ")
        };
        let mut over = over;
        if !self.critical_load_interval.is_zero() {
            warn!("critical-load met ({}); checking again in {:?}", describe(&over), self.critical_load_interval);
            std::thread::sleep(self.critical_load_interval);
            over = self.read_load(applier, &self.tunables.critical_load(), "critical-load");
            if over.is_empty() {
                info!("critical-load no longer met on the second check; continuing");
                return None;
            }
        }
        if !self.critical_load_hibernate.is_zero() {
            warn!(
                "critical-load met ({}): hibernating for {} s (no copy, no apply)",
                describe(&over),
                self.critical_load_hibernate.as_secs()
            );
            self.progress.hibernating.store(true, Ordering::Relaxed);
            return Some(Instant::now() + self.critical_load_hibernate);
        }
        let _ = self.fatal.send(
            Error::aborted(format!("critical-load met: {}", describe(&over)))
                .hint("the server was overloaded; run again when it is quieter, or raise --critical-load"),
        );
        None
    }
}

/// A minimal HTTP/1.0 HEAD request to an `http://` URL: the status code.
pub fn http_status(url: &str, timeout: Duration) -> Result<u16, String> {
    let rest = url.strip_prefix("http://").ok_or_else(|| format!("only http:// URLs are supported, not {url}"))?;
    let (hostport, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let addr_text = if hostport.contains(':') { hostport.to_string() } else { format!("{hostport}:80") };
    let addr = addr_text
        .to_socket_addrs()
        .map_err(|e| format!("{hostport}: {e}"))?
        .next()
        .ok_or_else(|| format!("{hostport}: no address"))?;
    let mut s = TcpStream::connect_timeout(&addr, timeout).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(timeout)).map_err(|e| e.to_string())?;
    s.set_write_timeout(Some(timeout)).map_err(|e| e.to_string())?;
    let host = hostport.split(':').next().unwrap_or(hostport);
    let request = format!("HEAD {path} HTTP/1.0\r\nHost: {host}\r\nUser-Agent: ghost-rs\r\nConnection: close\r\n\r\n");
    s.write_all(request.as_bytes()).map_err(|e| e.to_string())?;
    // the whole status line: one read can return part of it (a server may write it in pieces)
    let mut head = Vec::new();
    std::io::BufReader::new(s.take(1024)).read_until(b'\n', &mut head).map_err(|e| e.to_string())?;
    let line = String::from_utf8_lossy(&head);
    line.split_whitespace().nth(1).and_then(|c| c.parse().ok()).ok_or_else(|| format!("not an HTTP answer: {line:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reason_kinds_ignore_measured_values() {
        assert_eq!(reason_kind("lag=1.578s"), reason_kind("lag=1.996s"));
        assert_eq!(reason_kind("replica r1 lag=2.000s"), "replica r1 lag");
        assert_eq!(reason_kind("max-load Threads_running=30 >= 25"), "max-load Threads_running >= 25");
        assert_ne!(reason_kind("lag=1.5s"), reason_kind(""));
        assert_ne!(reason_kind("replica a lag=1s"), reason_kind("replica b lag=1s"));
    }

    fn go() -> Readings {
        Readings { lag_ms: -1, max_lag_ms: 1500, ..Readings::default() }
    }

    #[test]
    fn decisions_in_order() {
        assert_eq!(decide(&go()), None);
        assert_eq!(decide(&Readings { lag_ms: 1500, ..go() }), None);
        assert_eq!(decide(&Readings { lag_ms: 1501, ..go() }).as_deref(), Some("lag=1.501s"));
        let r = Readings { flag_files: vec![PathBuf::from("/tmp/x")], lag_ms: 5000, ..go() };
        assert_eq!(decide(&r).as_deref(), Some("flag-file /tmp/x exists"));
        assert_eq!(decide(&Readings { user_throttle: true, ..r }).as_deref(), Some("commanded by user"));
        let replicas = vec![("r1:3306".to_string(), Ok(10)), ("r2:3306".to_string(), Err("refused".to_string()))];
        assert_eq!(decide(&Readings { replicas, ..go() }).as_deref(), Some("replica r2:3306 unreadable: refused"));
        let replicas = vec![("r1:3306".to_string(), Ok(2000))];
        assert_eq!(decide(&Readings { replicas, ..go() }).as_deref(), Some("replica r1:3306 lag=2.000s"));
        let load = Readings { load_over: vec![("Threads_running".into(), 30, 25)], ..go() };
        assert_eq!(decide(&load).as_deref(), Some("max-load Threads_running=30 >= 25"));
        assert_eq!(decide(&Readings { throttle_query: true, ..go() }).as_deref(), Some("throttle-query"));
        assert_eq!(decide(&Readings { http: Some("503".into()), ..go() }).as_deref(), Some("throttle-http 503"));
        assert!(decide(&Readings { hibernating: Some("5 s".into()), ..go() })
            .unwrap()
            .starts_with("critical-load hibernation"));
    }

    #[test]
    fn thresholds() {
        let map = LoadMap(vec![("Threads_running".into(), 25), ("Threads_connected".into(), 500)]);
        let status = vec![("Threads_running".to_string(), 25), ("Threads_connected".to_string(), 10)];
        assert_eq!(over_thresholds(&map, &status), vec![("Threads_running".to_string(), 25, 25)]);
        assert!(over_thresholds(&map, &[("threads_running".to_string(), 3)]).is_empty());
    }

    #[test]
    fn http_status_of_a_local_server() {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for code in [200, 503] {
                let (mut s, _) = l.accept().unwrap();
                let mut got = Vec::new();
                let mut buf = [0u8; 512];
                while !got.windows(4).any(|w| w == b"\r\n\r\n") {
                    match s.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => got.extend_from_slice(&buf[..n]),
                    }
                }
                // in pieces, as a server may send it: the status line must be read whole
                let _ = s.write_all(b"HTTP/1.1 ");
                let _ = s.flush();
                std::thread::sleep(Duration::from_millis(20));
                let _ = write!(s, "{code} X\r\nContent-Length: 0\r\n\r\n");
            }
        });
        let url = format!("http://127.0.0.1:{port}/throttle");
        assert_eq!(http_status(&url, Duration::from_secs(2)), Ok(200));
        assert_eq!(http_status(&url, Duration::from_secs(2)), Ok(503));
        assert!(http_status("https://x", Duration::from_secs(1)).is_err());
    }
}
