//! Control while it runs: the interactive socket, every throttle source, the postpone and panic
//! flags, metrics. Each test drives a real migration on the sandbox whose copy is slowed
//! (`copy.chunk=sleep:..`) so that it is still copying while the test talks to it.

mod common;

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use common::ledger::{create_ledger_table, metric, Writers};
use common::*;
use mysql::prelude::Queryable;

/// One command on the socket, as `echo cmd | nc -U sock` does.
fn send(sock: &PathBuf, cmd: &str) -> String {
    let mut s = UnixStream::connect(sock).unwrap_or_else(|e| panic!("connect {}: {e}", sock.display()));
    s.write_all(format!("{cmd}\n").as_bytes()).unwrap();
    s.shutdown(std::net::Shutdown::Write).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

/// Rows copied, from the status line.
fn copied(sock: &PathBuf) -> u64 {
    let s = send(sock, "sup");
    s.split("Copy: ")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{s}"))
}

struct Run {
    cap: Captured,
    sock: PathBuf,
    postpone: PathBuf,
    db: String,
}

/// A migration of a 20,000-row table with a slow copy, postponed cut-over, a socket.
fn start(sb: &Sandbox, name: &str, extra: &[String], chunk_sleep_ms: u32) -> Run {
    let db = sb.fresh_db(name);
    create_ledger_table(sb, &db);
    let tmp = std::env::temp_dir();
    let sock = tmp.join(format!("ghost-rs-test-{name}-{}.sock", std::process::id()));
    let postpone = tmp.join(format!("ghost-rs-test-{name}-{}.postpone", std::process::id()));
    std::fs::write(&postpone, "").unwrap();
    let mut args = sb.args_primary(&db, "t", "ADD COLUMN x INT");
    args.extend([
        "--execute".into(),
        "--chunk-size=100".into(),
        // one copy connection: the chunk-size test measures the chunk size alone
        "--copy-threads=1".into(),
        "--chunk-time=0".into(),
        format!("--serve-socket-file={}", sock.display()),
        format!("--postpone-cut-over-flag-file={}", postpone.display()),
    ]);
    args.extend(extra.iter().cloned());
    let faults = format!("copy.chunk=sleep:{chunk_sleep_ms}");
    let cap = Captured::new(spawn(sb, &args, &[("GHOST_RS_FAULTS", faults.as_str())]));
    let up = wait_for(Duration::from_secs(60), Duration::from_millis(20), || {
        (sock.exists() && cap.contains("starting the row copy")).then_some(())
    });
    assert!(up.is_some(), "the migration did not start:\n{}", cap.text());
    Run { cap, sock, postpone, db }
}

/// Waits until the status says throttled with `reason`, then checks the copy is frozen.
fn assert_throttled(run: &Run, reason: &str) {
    let seen = wait_for(Duration::from_secs(15), Duration::from_millis(50), || {
        send(&run.sock, "sup").contains(&format!("throttled, {reason}")).then_some(())
    });
    assert!(seen.is_some(), "never throttled by {reason:?}: {}\n{}", send(&run.sock, "sup"), run.cap.text());
    std::thread::sleep(Duration::from_millis(300)); // a chunk in flight ends
    let before = copied(&run.sock);
    std::thread::sleep(Duration::from_millis(1200));
    let after = copied(&run.sock);
    assert_eq!(before, after, "the copy must not progress while throttled ({reason})");
    assert!(send(&run.sock, "sup").contains(&format!("throttled, {reason}")));
}

fn assert_copying(run: &Run) {
    let before = copied(&run.sock);
    let moved =
        wait_for(Duration::from_secs(10), Duration::from_millis(100), || (copied(&run.sock) > before).then_some(()));
    assert!(moved.is_some(), "the copy did not resume: {}\n{}", send(&run.sock, "sup"), run.cap.text());
}

fn finish(run: Run, expect: i32) -> String {
    let _ = std::fs::remove_file(&run.postpone);
    let (code, out) = run.cap.wait(Duration::from_secs(120));
    assert_eq!(code, Some(expect), "{out}");
    out
}

#[test]
fn socket_commands_drive_a_running_migration() {
    let _g = GLOBAL_SETTINGS.read();
    let sb = Sandbox::get();
    let run = start(&sb, "ctl_socket", &[], 40);

    let status = send(&run.sock, "status");
    assert!(status.starts_with("# Migrating `t_ctl_socket`.`t`; Ghost table is `t_ctl_socket`.`_t_gho`"), "{status}");
    assert!(status.contains("# chunk-size: 100;") && status.contains("\nCopy: "), "{status}");
    assert!(send(&run.sock, "help").contains("available commands"));
    assert!(send(&run.sock, "coordinates").contains("binlog"), "coordinates name the binlog file");

    // throttle freezes the copy, no-throttle resumes it
    let reply = send(&run.sock, "throttle");
    assert!(reply.contains("# Note: you may only throttle for as long as your binary logs are not purged"), "{reply}");
    assert_throttled(&run, "commanded by user");
    send(&run.sock, "no-throttle");
    assert_copying(&run);

    // chunk-size takes effect: the copy moves faster with bigger chunks (same pause per chunk)
    let rate = |sock: &PathBuf| {
        let (a, t) = (copied(sock), Instant::now());
        std::thread::sleep(Duration::from_millis(1000));
        (copied(sock) - a) as f64 / t.elapsed().as_secs_f64()
    };
    let slow = rate(&run.sock);
    let reply = send(&run.sock, "chunk-size=1000");
    assert!(reply.contains("# chunk-size: 1000;"), "{reply}");
    assert_eq!(send(&run.sock, "chunk-size=?"), "1000\n");
    std::thread::sleep(Duration::from_millis(200));
    let fast = rate(&run.sock);
    assert!(fast > slow * 3.0, "chunk-size=1000 should copy faster: {slow:.0} -> {fast:.0} rows/s");

    // bad input changes nothing
    assert_eq!(send(&run.sock, "no-such-command"), "Unknown command: no-such-command\n");
    assert!(send(&run.sock, "chunk-size=five").contains("invalid digit"));
    assert!(send(&run.sock, "max-load=Threads_running").contains("Threads_running"));
    assert_eq!(send(&run.sock, "chunk-size=?"), "1000\n");

    // unpostpone: the cut-over runs although the flag file still exists
    let postponing = wait_for(Duration::from_secs(60), Duration::from_millis(100), || {
        send(&run.sock, "sup").contains("State: postponing").then_some(())
    });
    assert!(postponing.is_some(), "{}", run.cap.text());
    assert!(run.postpone.exists());
    assert!(send(&run.sock, "unpostpone").starts_with("Unpostponed\n"));
    let (code, out) = run.cap.wait(Duration::from_secs(60));
    let _ = std::fs::remove_file(&run.postpone);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("unpostponed by the operator"), "{out}");
    assert!(!run.sock.exists(), "the socket file is removed at the end");
    metric(&format!(
        "socket: throttle froze the copy; chunk-size 100 -> 1000 took the copy from {slow:.0} to {fast:.0} rows/s"
    ));
}

#[test]
fn panic_command_aborts_with_the_original_intact() {
    let _g = GLOBAL_SETTINGS.read();
    let sb = Sandbox::get();
    let run = start(&sb, "ctl_panic", &["--force-named-panic".into()], 40);
    let mut c = sb.primary();
    let before = checksum(&mut c, &run.db, "t");
    assert!(send(&run.sock, "panic").contains("--force-named-panic"), "panic must name the table");
    assert!(send(&run.sock, "panic=t").contains("PANIC"));
    let out = finish(run, 1);
    assert!(out.contains("User commanded 'panic'") && out.contains("is untouched and writable"), "{out}");
    assert_eq!(checksum(&mut c, "t_ctl_panic", "t"), before);
}

#[test]
fn throttle_query_and_flag_file() {
    let _g = GLOBAL_SETTINGS.read();
    let sb = Sandbox::get();
    let flag = std::env::temp_dir().join(format!("ghost-rs-test-throttle-flag-{}", std::process::id()));
    let _ = std::fs::remove_file(&flag);
    let run = start(
        &sb,
        "ctl_tq",
        &["--throttle-query=SELECT 1".into(), format!("--throttle-flag-file={}", flag.display())],
        20,
    );
    assert_throttled(&run, "throttle-query");
    send(&run.sock, "throttle-query=");
    assert_copying(&run);
    std::fs::write(&flag, "").unwrap();
    assert_throttled(&run, &format!("flag-file {} exists", flag.display()));
    std::fs::remove_file(&flag).unwrap();
    assert_copying(&run);
    finish(run, 0);
}

#[test]
fn max_load_throttles_and_critical_load_aborts() {
    let _g = GLOBAL_SETTINGS.read();
    let sb = Sandbox::get();
    // Threads_running is at least 1 (the query reading it)
    let run = start(&sb, "ctl_load", &["--max-load=Threads_running=1".into()], 20);
    assert_throttled(&run, "max-load Threads_running=");
    send(&run.sock, "max-load=Threads_running=100000");
    assert_copying(&run);
    let reply = send(&run.sock, "critical-load=Threads_running=1");
    assert!(reply.contains("critical-load: Threads_running=1"), "{reply}");
    let (code, out) = run.cap.wait(Duration::from_secs(30));
    let _ = std::fs::remove_file(&run.postpone);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("critical-load met: Threads_running="), "{out}");
    assert!(out.contains("is untouched and writable"), "{out}");
}

#[test]
fn unreadable_control_replica_fails_closed() {
    let _g = GLOBAL_SETTINGS.read();
    let sb = Sandbox::get();
    // nothing listens on port 1
    let run = start(&sb, "ctl_replica", &["--throttle-control-replicas=127.0.0.1:1".into()], 20);
    assert_throttled(&run, "replica 127.0.0.1:1 unreadable");
    let reply = send(&run.sock, &format!("throttle-control-replicas=127.0.0.1:{}", sb.replica_port));
    assert!(reply.starts_with(&format!("127.0.0.1:{}\n", sb.replica_port)), "{reply}");
    assert_copying(&run);
    finish(run, 0);
}

/// A replica whose SQL thread is stopped lags; with `--max-lag-millis=500` (sub-second) the copy
/// throttles on it, and resumes once it catches up. The highest lag is reported.
#[test]
fn stopped_replica_throttles_by_lag() {
    let _g = GLOBAL_SETTINGS.write(); // stops replication: nobody else runs meanwhile
    let sb = Sandbox::get();
    let run = start(
        &sb,
        "ctl_lag",
        &["--max-lag-millis=500".into(), format!("--throttle-control-replicas=127.0.0.1:{}", sb.replica_port)],
        20,
    );
    let stop_sql = if sb.flavor == "mysql" { "STOP REPLICA SQL_THREAD" } else { "STOP SLAVE SQL_THREAD" };
    let start_sql = if sb.flavor == "mysql" { "START REPLICA SQL_THREAD" } else { "START SLAVE SQL_THREAD" };
    /// Restarts the replica's SQL thread however the test ends.
    struct Restart(mysql::Conn, &'static str);
    impl Drop for Restart {
        fn drop(&mut self) {
            self.0.query_drop(self.1).expect("restart replication");
        }
    }
    // the heartbeat row must have reached the replica first (else: "unreadable", fail closed)
    let ready = wait_for(Duration::from_secs(20), Duration::from_millis(100), || {
        (!send(&run.sock, "sup").contains("unreadable")).then_some(())
    });
    assert!(ready.is_some(), "{}", send(&run.sock, "sup"));
    let mut r = sb.replica();
    r.query_drop(stop_sql).unwrap();
    let restart = Restart(sb.replica(), start_sql);
    let stopped_at = Instant::now();
    let throttled = wait_for(Duration::from_secs(10), Duration::from_millis(50), || {
        let s = send(&run.sock, "sup");
        s.contains(&format!("replica 127.0.0.1:{} lag=", sb.replica_port)).then_some(s)
    });
    let mut max_lag = 0.0f64;
    for _ in 0..20 {
        let s = send(&run.sock, "sup");
        if let Some(l) = s.split("lag=").nth(1).and_then(|x| x.split('s').next()).and_then(|x| x.parse::<f64>().ok()) {
            max_lag = max_lag.max(l);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    drop(restart);
    let throttled_after = stopped_at.elapsed();
    assert!(throttled.is_some(), "the copy should throttle on the lagging replica: {}", send(&run.sock, "sup"));
    assert_copying(&run);
    finish(run, 0);
    metric(&format!(
        "lag: replica SQL thread stopped for {:.1} s with --max-lag-millis=500: copy throttled, highest replica lag seen {max_lag:.3} s, resumed after",
        throttled_after.as_secs_f64()
    ));
}

/// As gh-ost: the cut-over does not lock the table while the migration is throttled (here: a
/// control replica lags more than `--max-lag-millis`); it waits, says why, and cuts over once
/// the replica has caught up.
#[test]
fn cut_over_waits_while_throttled() {
    let _g = GLOBAL_SETTINGS.write(); // stops replication: nobody else runs meanwhile
    let sb = Sandbox::get();
    let run = start(
        &sb,
        "ctl_cutwait",
        &["--max-lag-millis=500".into(), format!("--throttle-control-replicas=127.0.0.1:{}", sb.replica_port)],
        0,
    );
    run.cap.wait_postponed();
    let (stop_sql, start_sql) = if sb.flavor == "mysql" {
        ("STOP REPLICA SQL_THREAD", "START REPLICA SQL_THREAD")
    } else {
        ("STOP SLAVE SQL_THREAD", "START SLAVE SQL_THREAD")
    };
    let mut r = sb.replica();
    r.query_drop(stop_sql).unwrap();
    let restarted = std::cell::Cell::new(false);
    let restart = |r: &mut mysql::Conn| {
        if !restarted.replace(true) {
            r.query_drop(start_sql).expect("restart replication");
        }
    };
    // a write the replica cannot apply while its SQL thread is stopped: the lag grows
    let mut p = sb.primary();
    let lagging = wait_for(Duration::from_secs(10), Duration::from_millis(100), || {
        p.query_drop(format!("UPDATE `{}`.t SET b = b + 1 WHERE id = 1", run.db)).unwrap();
        send(&run.sock, "sup").contains("lag=").then_some(())
    });
    if lagging.is_none() {
        restart(&mut r);
        panic!("the replica's lag should throttle: {}\n{}", send(&run.sock, "sup"), run.cap.text());
    }
    let _ = std::fs::remove_file(&run.postpone);
    let waited = run.cap.wait_for_log("cut-over waits: throttled", Duration::from_secs(20));
    let mut c = sb.primary();
    let during = tables(&mut c, &run.db);
    restart(&mut r);
    assert!(waited, "the cut-over should wait while throttled:\n{}", run.cap.text());
    assert!(!during.contains(&"_t_del".to_string()), "no cut-over while throttled: {during:?}");
    let out = finish(run, 0);
    assert!(out.contains("cut-over attempt 1 of"), "{out}");
}

#[test]
fn metrics_endpoint_serves_prometheus_text() {
    let _g = GLOBAL_SETTINGS.read();
    let sb = Sandbox::get();
    let port = 19000 + (std::process::id() % 1000) as u16;
    let run = start(&sb, "ctl_metrics", &[format!("--metrics-addr=127.0.0.1:{port}")], 30);
    let get = || {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    };
    let value = |text: &str, name: &str| -> f64 {
        text.lines()
            .find(|l| l.starts_with(&format!("ghost_rs_{name}{{")))
            .and_then(|l| l.rsplit_once(' '))
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or_else(|| panic!("{name} missing:\n{text}"))
    };
    let first = get();
    assert!(first.starts_with("HTTP/1.0 200 OK"), "{first}");
    assert!(first.contains("# TYPE ghost_rs_rows_copied_total counter"));
    std::thread::sleep(Duration::from_millis(800));
    let second = get();
    assert!(value(&second, "rows_copied_total") > value(&first, "rows_copied_total"), "the copied-rows counter grows");
    assert_eq!(value(&second, "throttled"), 0.0);
    finish(run, 0);
}

/// Hook scripts record their names and environment over a full run: the order and the
/// variables follow gh-ost's documentation; a failing on-before-cut-over hook makes the
/// cut-over wait and try again.
#[test]
fn hooks_run_in_order_with_gh_ost_variables() {
    use std::os::unix::fs::PermissionsExt;
    let _g = GLOBAL_SETTINGS.read();
    let sb = Sandbox::get();
    let dir = std::env::temp_dir().join(format!("ghost-rs-test-hooks-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("hooks.log");
    let names = [
        "startup",
        "validated",
        "rowcount-complete",
        "before-row-copy",
        "status",
        "interactive-command",
        "row-copy-complete",
        "begin-postponed",
        "before-cut-over",
        "success",
        "failure",
    ];
    for n in names {
        let extra = if n == "before-cut-over" {
            // fail the first time: the cut-over must wait and try again
            format!(
                "if [ ! -e {d}/failed-once ]; then touch {d}/failed-once; echo 'not now' >&2; exit 3; fi\n",
                d = dir.display()
            )
        } else {
            String::new()
        };
        let script = format!(
            "#!/bin/sh\n{extra}echo \"{n}|$GH_OST_DATABASE_NAME|$GH_OST_TABLE_NAME|$GH_OST_GHOST_TABLE_NAME|$GH_OST_OLD_TABLE_NAME|$GH_OST_DDL|$GH_OST_ELAPSED_SECONDS|$GH_OST_COPIED_ROWS|$GH_OST_ESTIMATED_ROWS|$GH_OST_PROGRESS|$GH_OST_HOOKS_HINT|$GH_OST_DRY_RUN|$GH_OST_COMMAND|$GH_OST_EXECUTING_HOST|$GH_OST_MIGRATED_HOST|$GH_OST_INSPECTED_HOST\" >> {}\n",
            log.display()
        );
        let path = dir.join(format!("gh-ost-on-{n}"));
        std::fs::write(&path, script).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let run = start(
        &sb,
        "ctl_hooks",
        &[
            format!("--hooks-path={}", dir.display()),
            "--hooks-hint=ticket-42".into(),
            "--hooks-status-interval=1".into(),
        ],
        5,
    );
    let postponing = wait_for(Duration::from_secs(60), Duration::from_millis(100), || {
        send(&run.sock, "sup").contains("State: postponing").then_some(())
    });
    assert!(postponing.is_some(), "{}", run.cap.text());
    std::thread::sleep(Duration::from_millis(1200)); // at least one status hook while postponing
    assert!(send(&run.sock, "unpostpone").starts_with("Unpostponed"));
    let (code, out) = run.cap.wait(Duration::from_secs(60));
    let _ = std::fs::remove_file(&run.postpone);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("before-cut-over hook failed") && out.contains("not now"), "{out}");

    let lines: Vec<Vec<String>> =
        std::fs::read_to_string(&log).unwrap().lines().map(|l| l.split('|').map(|s| s.to_string()).collect()).collect();
    // the test's own `sup` polls are interactive commands too; the first before-cut-over failed
    // before logging
    let order: Vec<&str> =
        lines.iter().map(|l| l[0].as_str()).filter(|n| *n != "status" && *n != "interactive-command").collect();
    assert_eq!(
        order,
        vec![
            "startup",
            "validated",
            "rowcount-complete",
            "before-row-copy",
            "row-copy-complete",
            "begin-postponed",
            "before-cut-over",
            "success"
        ],
    );
    let pos =
        |name: &str, cmd: &str| lines.iter().position(|l| l[0] == name && (cmd.is_empty() || l[12] == cmd)).unwrap();
    assert!(pos("begin-postponed", "") < pos("interactive-command", "'unpostpone'"));
    assert!(pos("interactive-command", "'unpostpone'") < pos("before-cut-over", ""));
    assert!(lines.iter().any(|l| l[0] == "status"), "--hooks-status-interval=1 runs on-status");
    for l in &lines {
        assert_eq!(&l[1..6], ["t_ctl_hooks", "t", "_t_gho", "_t_del", "ADD COLUMN x INT"], "{l:?}");
        assert_eq!(l[10], "ticket-42");
        assert_eq!(l[11], "false");
        assert_eq!(l[15], "127.0.0.1", "inspected host");
    }
    let success = lines.iter().find(|l| l[0] == "success").unwrap();
    assert_eq!(success[7], "20000", "copied rows at the end");
    assert_eq!(success[9].parse::<f64>().unwrap(), 100.0);
    assert_eq!(success[14], "127.0.0.1", "migrated host");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--chunk-time`: with chunks far faster than the target, the chunk size grows. `start` fixes
/// `--chunk-time=0` (the size stays); the interactive `chunk-time=` turns the adaptation on.
#[test]
fn chunk_size_adapts_to_chunk_time() {
    let _g = GLOBAL_SETTINGS.read();
    let sb = Sandbox::get();
    let run = start(&sb, "ctl_adapt", &[], 20);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(send(&run.sock, "chunk-size=?"), "100\n", "--chunk-time=0 keeps the size");
    assert!(copied(&run.sock) < 15_000, "the copy is still running: {}", send(&run.sock, "sup"));
    let reply = send(&run.sock, "chunk-time=300");
    assert!(reply.contains("chunk-time: 300ms"), "{reply}");
    let grown = wait_for(Duration::from_secs(20), Duration::from_millis(100), || {
        let n: u64 = send(&run.sock, "chunk-size=?").trim().parse().unwrap();
        (n > 400).then_some(n)
    });
    assert!(grown.is_some(), "the chunk size should grow from 100: {}", send(&run.sock, "chunk-size=?"));
    assert!(send(&run.sock, "chunk-time=5").contains("0 (off) or 10..=60000"));
    assert_eq!(send(&run.sock, "chunk-time=?"), "300\n");
    finish(run, 0);
}

/// `--busy-chunk-time`: while the application writes to the table, chunks aim at the shorter
/// target; once the writes stop (2 s without a row event of the table), at `--chunk-time` again.
/// Each chunk sleeps 50 ms, so a 52 ms target keeps chunks small and a 300 ms one lets them grow.
#[test]
fn chunks_are_shorter_while_the_table_is_written() {
    let _g = GLOBAL_SETTINGS.read();
    let sb = Sandbox::get();
    // the copy waits on a flag file until the writers run, so that no chunk grows unwritten
    let flag = std::env::temp_dir().join(format!("ghost-rs-test-ctl_busy-{}.throttle", std::process::id()));
    std::fs::write(&flag, "").unwrap();
    let extra =
        ["--chunk-time=300".into(), "--busy-chunk-time=52".into(), format!("--throttle-flag-file={}", flag.display())];
    let run = start(&sb, "ctl_busy", &extra, 50);
    let writers = Writers::start(&sb, &run.db, 2, Duration::from_millis(5));
    std::thread::sleep(Duration::from_millis(300));
    std::fs::remove_file(&flag).unwrap();
    let busy = wait_for(Duration::from_secs(30), Duration::from_millis(20), || {
        run.cap.contains("the table is being written: chunks aim at 52 ms (--busy-chunk-time)").then_some(())
    });
    assert!(busy.is_some(), "no switch to --busy-chunk-time: {}\n{}", send(&run.sock, "sup"), run.cap.text());
    // a few chunks on the short target, then hold the copy (most of the table still to go:
    // the quiet chunks need room to grow) and stop writing
    std::thread::sleep(Duration::from_millis(200));
    send(&run.sock, "throttle");
    assert_throttled(&run, "commanded by user");
    let results = writers.stop();
    assert!(
        results.iter().all(|r| r.errors.is_empty()),
        "writer errors: {:?}",
        results.iter().map(|r| &r.errors).collect::<Vec<_>>()
    );
    let written_size: u64 = send(&run.sock, "chunk-size=?").trim().parse().unwrap();
    assert!(copied(&run.sock) < 10_000, "the copy must still have rows to go: {}", send(&run.sock, "sup"));
    std::thread::sleep(Duration::from_secs(3)); // the last row events arrive, the window passes
    send(&run.sock, "no-throttle");
    let grown = wait_for(Duration::from_secs(30), Duration::from_millis(50), || {
        let n: u64 = send(&run.sock, "chunk-size=?").trim().parse().unwrap();
        (n >= 4 * written_size).then_some(n)
    });
    assert!(
        grown.is_some(),
        "after the writes stopped the chunk should grow from {written_size} towards the 300 ms target: {}\n{}",
        send(&run.sock, "chunk-size=?"),
        run.cap.text()
    );
    assert_eq!(send(&run.sock, "busy-chunk-time=?"), "52\n");
    finish(run, 0);
    metric(&format!("busy chunk size {written_size} rows while written, {} after", grown.unwrap_or(0)));
}
