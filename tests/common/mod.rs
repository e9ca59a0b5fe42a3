//! Shared helpers for the integration tests: they run against the sandbox servers started by
//! `script/sandbox start` (`make test` does it and exports `GHOST_RS_TEST_*`), never a mock.
//! Each test works in its own database, so tests run in parallel.

#![allow(dead_code)]

pub mod ledger;

use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, RwLock};
use std::time::{Duration, Instant};

use mysql::prelude::Queryable;
use mysql::{Conn, OptsBuilder};

/// Tests that change server-wide settings take this lock for writing; all others for reading.
pub static GLOBAL_SETTINGS: RwLock<()> = RwLock::new(());

pub struct Sandbox {
    pub flavor: String,
    pub host: String,
    pub primary_port: u16,
    pub replica_port: u16,
    pub user: String,
    pub password: String,
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

impl Sandbox {
    pub fn get() -> Sandbox {
        let s = Sandbox {
            flavor: env_or("GHOST_RS_TEST_FLAVOR", "mariadb"),
            host: env_or("GHOST_RS_TEST_HOST", "127.0.0.1"),
            primary_port: env_or("GHOST_RS_TEST_PRIMARY_PORT", "13306").parse().expect("port"),
            replica_port: env_or("GHOST_RS_TEST_REPLICA_PORT", "13307").parse().expect("port"),
            user: env_or("GHOST_RS_TEST_USER", "ghost"),
            password: env_or("GHOST_RS_TEST_PASSWORD", "ghost-sandbox"),
        };
        if let Err(e) = s.try_conn(s.primary_port) {
            panic!(
                "the sandbox is not running on {}:{} ({e}); start it with `script/sandbox start` (make test does)",
                s.host, s.primary_port
            );
        }
        s
    }

    fn try_conn(&self, port: u16) -> Result<Conn, mysql::Error> {
        let opts = OptsBuilder::new()
            .ip_or_hostname(Some(self.host.clone()))
            .tcp_port(port)
            .user(Some(self.user.clone()))
            .pass(Some(self.password.clone()))
            .prefer_socket(false)
            .init(vec!["SET NAMES utf8mb4"]);
        Conn::new(opts)
    }

    pub fn primary(&self) -> Conn {
        self.try_conn(self.primary_port).expect("connect to the sandbox primary")
    }

    pub fn replica(&self) -> Conn {
        self.try_conn(self.replica_port).expect("connect to the sandbox replica")
    }

    /// A fresh, empty database (dropped first if left from an earlier run).
    pub fn fresh_db(&self, name: &str) -> String {
        let db = format!("t_{name}");
        let mut c = self.primary();
        c.query_drop(format!("DROP DATABASE IF EXISTS `{db}`")).unwrap();
        c.query_drop(format!("CREATE DATABASE `{db}`")).unwrap();
        db
    }

    /// Waits until the replica has applied everything the primary has written so far.
    pub fn wait_replica_caught_up(&self) {
        let mut p = self.primary();
        let mut r = self.replica();
        if self.flavor == "mariadb" {
            let pos: String = p.query_first("SELECT @@gtid_binlog_pos").unwrap().unwrap();
            let ok: Option<i64> = r.exec_first("SELECT MASTER_GTID_WAIT(?, 30)", (pos,)).unwrap();
            assert_eq!(ok, Some(0), "replica did not catch up");
        } else {
            let gtids: String = p.query_first("SELECT @@GLOBAL.gtid_executed").unwrap().unwrap();
            let ok: Option<i64> = r.exec_first("SELECT WAIT_FOR_EXECUTED_GTID_SET(?, 30)", (gtids,)).unwrap();
            assert_eq!(ok, Some(0), "replica did not catch up");
        }
    }

    /// Base arguments for ghost-rs against the primary (`--allow-on-master`).
    pub fn args_primary(&self, db: &str, table: &str, alter: &str) -> Vec<String> {
        vec![
            format!("--host={}", self.host),
            format!("--port={}", self.primary_port),
            format!("--user={}", self.user),
            format!("--database={db}"),
            format!("--table={table}"),
            format!("--alter={alter}"),
            "--allow-on-master".into(),
            format!("--replica-server-id={}", unique_server_id()),
        ]
    }

    /// Base arguments for ghost-rs against the replica (the default topology).
    pub fn args_replica(&self, db: &str, table: &str, alter: &str) -> Vec<String> {
        vec![
            format!("--host={}", self.host),
            format!("--port={}", self.replica_port),
            format!("--user={}", self.user),
            format!("--database={db}"),
            format!("--table={table}"),
            format!("--alter={alter}"),
            format!("--replica-server-id={}", unique_server_id()),
        ]
    }
}

/// A `--replica-server-id` no other test uses at the same time.
pub fn unique_server_id() -> u32 {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    100_000 + (std::process::id() % 1000) * 100 + NEXT.fetch_add(1, Ordering::SeqCst) % 100
}

pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_ghost-rs"))
}

/// Runs ghost-rs to completion; the password comes from the environment, never argv.
pub fn run(sb: &Sandbox, args: &[String], extra_env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(binary());
    cmd.args(args).env("GHOST_RS_PASSWORD", &sb.password).env_remove("GHOST_RS_FAULTS");
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    cmd.output().expect("run ghost-rs")
}

pub fn spawn(sb: &Sandbox, args: &[String], extra_env: &[(&str, &str)]) -> Child {
    let mut cmd = Command::new(binary());
    cmd.args(args)
        .env("GHOST_RS_PASSWORD", &sb.password)
        .env_remove("GHOST_RS_FAULTS")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    cmd.spawn().expect("spawn ghost-rs")
}

pub fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// Tables of a database, sorted.
pub fn tables(c: &mut Conn, db: &str) -> Vec<String> {
    let mut v: Vec<String> = c
        .exec("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME", (db,))
        .unwrap();
    v.sort();
    v
}

pub fn show_create(c: &mut Conn, db: &str, table: &str) -> String {
    let row: Option<(String, String)> = c.query_first(format!("SHOW CREATE TABLE `{db}`.`{table}`")).unwrap();
    row.unwrap().1
}

/// `CHECKSUM TABLE`-like digest (SHA2: MySQL 9 has no MD5 any more) of the given columns, ordered by `order_by`.
pub fn digest(c: &mut Conn, db: &str, table: &str, cols: &str, order_by: &str) -> (u64, String) {
    let q = format!(
        "SELECT COUNT(*), COALESCE(SHA2(GROUP_CONCAT(SHA2(CONCAT_WS('|', {cols}), 256) ORDER BY {order_by} SEPARATOR ''), 256), '') FROM `{db}`.`{table}`"
    );
    c.query_drop("SET SESSION group_concat_max_len = 1073741824").unwrap();
    let r: Option<(u64, String)> = c.query_first(q).unwrap();
    r.unwrap()
}

/// `CHECKSUM TABLE ... EXTENDED` and the row count: the whole table's content.
pub fn checksum(c: &mut Conn, db: &str, table: &str) -> (u64, Option<u64>) {
    let n: Option<u64> = c.query_first(format!("SELECT COUNT(*) FROM `{db}`.`{table}`")).unwrap();
    let row: Option<(String, Option<u64>)> =
        c.query_first(format!("CHECKSUM TABLE `{db}`.`{table}` EXTENDED")).unwrap();
    (n.unwrap_or(0), row.and_then(|r| r.1))
}

/// Runs `f` every `every` until it returns Some or `timeout` passes.
pub fn wait_for<T>(timeout: Duration, every: Duration, mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return Some(v);
        }
        if start.elapsed() > timeout {
            return None;
        }
        std::thread::sleep(every);
    }
}

/// Collects a child's stderr on a thread (so the pipe never fills) and exposes it.
pub struct Captured {
    pub child: Child,
    pub log: std::sync::Arc<Mutex<String>>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Captured {
    pub fn new(mut child: Child) -> Captured {
        let log = std::sync::Arc::new(Mutex::new(String::new()));
        let mut threads = Vec::new();
        for stream in [
            child.stdout.take().map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
            child.stderr.take().map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
        ]
        .into_iter()
        .flatten()
        {
            let log = log.clone();
            threads.push(std::thread::spawn(move || {
                use std::io::BufRead;
                let reader = std::io::BufReader::new(stream);
                for line in reader.lines().map_while(Result::ok) {
                    let mut l = log.lock().unwrap();
                    l.push_str(&line);
                    l.push('\n');
                }
            }));
        }
        Captured { child, log, threads }
    }

    pub fn contains(&self, s: &str) -> bool {
        self.log.lock().unwrap().contains(s)
    }

    /// Waits (at most `timeout`) until the log contains `s`; whether it did.
    pub fn wait_for_log(&self, s: &str, timeout: Duration) -> bool {
        wait_for(timeout, Duration::from_millis(50), || self.contains(s).then_some(())).is_some()
    }

    /// Waits until the run postpones its cut-over (the copy is done), failing the test with
    /// the log after a minute.
    pub fn wait_postponed(&self) {
        assert!(
            self.wait_for_log("postponing the cut-over", Duration::from_secs(60)),
            "not postponed:\n{}",
            self.text()
        );
    }

    pub fn text(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Waits for the process to exit (at most `timeout`); returns its exit code.
    pub fn wait(mut self, timeout: Duration) -> (Option<i32>, String) {
        let r = self.wait_inner(timeout);
        std::mem::forget(self);
        r
    }

    fn wait_inner(&mut self, timeout: Duration) -> (Option<i32>, String) {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                for t in self.threads.drain(..) {
                    let _ = t.join();
                }
                return (status.code(), self.text());
            }
            if start.elapsed() > timeout {
                let _ = self.child.kill();
                let _ = self.child.wait();
                for t in self.threads.drain(..) {
                    let _ = t.join();
                }
                panic!("ghost-rs did not finish within {timeout:?}; output:\n{}", self.text());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// A test that fails while ghost-rs runs must not leave it running: it would go on writing
/// into the next run's tables of the same name.
impl Drop for Captured {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A `--postpone-cut-over-flag-file` for one test, created: the run waits before its cut-over
/// until the test removes it.
pub fn postpone_flag(name: &str) -> PathBuf {
    let flag = std::env::temp_dir().join(format!("ghost-rs-test-{name}-{}", std::process::id()));
    std::fs::write(&flag, "").unwrap();
    flag
}
