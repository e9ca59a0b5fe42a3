//! The row copy: walks the shared key from its smallest to its largest value (both read once,
//! after the binlog position was recorded) in chunks of `--chunk-size` rows, and copies each
//! chunk with one server-side `INSERT IGNORE INTO ghost ... SELECT ... FROM orig FORCE INDEX
//! (key) WHERE key in (lower, upper] LOCK IN SHARE MODE`.
//!
//! Why this converges with the binlog apply:
//! * rows changed after the recorded position reach the ghost through the binlog as full
//!   images (`REPLACE`/`DELETE`), which overwrite what the copy wrote;
//! * `INSERT IGNORE` never overwrites a row the apply already wrote (it is at least as new);
//! * the share lock makes the read and the write of a chunk atomic with respect to the
//!   application's writes: a DELETE of a row being copied waits, commits after the copy, and
//!   reaches the binlog after it, so the apply removes the copied row. Without the lock a
//!   deleted row could be resurrected.
//! * rows inserted beyond the upper bound after it was read come through the binlog.
//!
//! `INSERT IGNORE` turns errors into warnings: any warning other than a duplicate of the shared
//! key (a row the apply already wrote) stops the migration instead of silently losing or
//! changing data (e.g. a new UNIQUE key that would drop duplicates, a value that does not fit).
//!
//! Each chunk's range is independent, so several copiers can run on separate connections; the
//! walk itself reads only the key index (`LIMIT 1 OFFSET n` from the lower bound).
//!
//! Talks to: the original (read, share-locked) and ghost (write) tables on the applier server.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use log::{debug, info, warn};
use mysql::prelude::Queryable;
use mysql::{Conn, Params, Row, Value};

use crate::config::Tunables;
use crate::db::Endpoint;
use crate::error::{Context, Error, Result};
use crate::hooks::{Hook, Hooks};
use crate::plan::Plan;
use crate::progress::Progress;
use crate::sql::{Builder, KeyStatement, Param};

/// The copy waits while the apply backlog is larger than this: applying has priority.
const MAX_BACKLOG: u64 = 5_000;

pub struct Copier {
    endpoint: Endpoint,
    conn: Conn,
    plan: Arc<Plan>,
    tunables: Arc<Tunables>,
    progress: Arc<Progress>,
    stop: Arc<AtomicBool>,
    retries: u32,
    mysql8: bool,
    hooks: Arc<Hooks>,
}

impl Copier {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        endpoint: &Endpoint,
        plan: Arc<Plan>,
        tunables: Arc<Tunables>,
        progress: Arc<Progress>,
        stop: Arc<AtomicBool>,
        retries: u32,
        mysql8: bool,
        hooks: Arc<Hooks>,
    ) -> Result<Copier> {
        let conn = endpoint.connect("row copy")?;
        Ok(Copier { endpoint: endpoint.clone(), conn, plan, tunables, progress, stop, retries, mysql8, hooks })
    }

    /// Copies the whole key range. Returns when done or stopped.
    pub fn run(mut self) -> Result<()> {
        let plan = self.plan.clone();
        let b = Builder::new(&plan, self.mysql8);
        let min = self.key_bound(&b, false)?;
        let max = self.key_bound(&b, true)?;
        let (Some(min), Some(max)) = (min, max) else {
            info!("the original table is empty: nothing to copy");
            self.progress.copy_done.store(true, Ordering::Relaxed);
            return Ok(());
        };
        debug!("copy range: {min:?} .. {max:?}");
        let chunk_end = b.chunk_end(false);
        let chunk_end_first = b.chunk_end(true);
        let copy = b.copy_chunk(false);
        let copy_first = b.copy_chunk(true);
        let mut lower = min;
        let mut first = true;
        loop {
            if !self.wait_for_go()? {
                return Ok(());
            }
            let size = self.tunables.chunk_size().max(1);
            let end_stmt = if first { &chunk_end_first } else { &chunk_end };
            let offset = Value::UInt(size - 1);
            let end: Vec<Value> = match self.retrying("finding the end of the next chunk", |c| {
                let row: Option<Row> = c.exec_first(&end_stmt.sql, params(end_stmt, &lower, &max, Some(&offset)))?;
                Ok(row.map(|r| r.unwrap()))
            })? {
                Some(e) => e,
                None => max.clone(),
            };
            let copy_stmt = if first { &copy_first } else { &copy };
            let started = Instant::now();
            let copied = self.retrying("copying a chunk", |c| {
                c.exec_drop(&copy_stmt.sql, params(copy_stmt, &lower, &end, None))?;
                let affected = c.affected_rows();
                let warnings = c.warnings();
                Ok((affected, warnings))
            })?;
            let (affected, warnings) = copied;
            if warnings > 0 {
                self.check_warnings()?;
            }
            self.progress.rows_copied.fetch_add(affected, Ordering::Relaxed);
            crate::fault::point("copy.chunk")?;
            let took = started.elapsed();
            self.progress.last_chunk_us.store(took.as_micros() as u64, Ordering::Relaxed);
            let nice = self.tunables.nice_ratio();
            if nice > 0.0 {
                std::thread::sleep(took.mul_f64(nice));
            }
            if end == max {
                break;
            }
            lower = end;
            first = false;
        }
        self.progress.copy_done.store(true, Ordering::Relaxed);
        info!("row copy complete: {} rows copied", self.progress.rows_copied.load(Ordering::Relaxed));
        Ok(())
    }

    fn key_bound(&mut self, b: &Builder, largest: bool) -> Result<Option<Vec<Value>>> {
        let sql = b.key_bound(largest);
        self.retrying("reading the key range", |c| {
            let row: Option<Row> = c.exec_first(&sql, ())?;
            Ok(row.map(|r| r.unwrap()))
        })
    }

    /// Waits while the copy must not run (throttled, or the apply backlog is large). Returns
    /// false when stopped.
    fn wait_for_go(&self) -> Result<bool> {
        loop {
            if self.stop.load(Ordering::Relaxed) {
                return Ok(false);
            }
            let reason = self.progress.throttle_reason();
            if reason.is_empty() && self.progress.backlog() <= MAX_BACKLOG {
                return Ok(true);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Runs `f`, retrying transient failures (deadlocks, lock wait timeouts, lost connections)
    /// up to `--default-retries` times on a fresh connection when needed.
    fn retrying<T>(&mut self, what: &str, mut f: impl FnMut(&mut Conn) -> Result<T>) -> Result<T> {
        let mut attempt = 0;
        loop {
            match f(&mut self.conn) {
                Ok(v) => return Ok(v),
                Err(e) if e.is_transient() && attempt < self.retries && !self.stop.load(Ordering::Relaxed) => {
                    attempt += 1;
                    warn!("{what} failed ({e}); retrying (attempt {attempt})");
                    let mut state = self.progress.hook_state();
                    state.last_error = Some(e.message.clone());
                    if let Err(he) = self.hooks.run(Hook::BatchCopyRetry, &state) {
                        warn!("{he} (ignored)");
                    }
                    std::thread::sleep(Duration::from_millis(100 * attempt.min(10) as u64));
                    if self.conn.ping().is_err() {
                        self.conn = self.endpoint.connect("row copy")?;
                    }
                }
                Err(e) => return Err(e.context(what.to_string())),
            }
        }
    }

    /// After a chunk with warnings: a duplicate on the shared key is expected (the apply wrote
    /// the row first); anything else means the ghost would silently differ.
    fn check_warnings(&mut self) -> Result<()> {
        let rows: Vec<(Vec<u8>, u32, Vec<u8>)> =
            self.conn.query("SHOW WARNINGS").context("reading the copy's warnings")?;
        let key = &self.plan.ghost_key_name;
        for (_level, code, message) in rows {
            let message = String::from_utf8_lossy(&message).into_owned();
            let expected_duplicate =
                code == 1062 && (message.ends_with(&format!("'{key}'")) || message.ends_with(&format!(".{key}'")));
            if !expected_duplicate {
                let hint = if code == 1062 {
                    "the ALTER adds a UNIQUE key that existing rows violate: INSERT IGNORE would silently drop rows. Remove the duplicates first (or drop the UNIQUE from the ALTER)"
                } else {
                    "a value does not fit the new column definition; fix the data or the --alter"
                };
                return Err(Error::failed(format!(
                    "copying rows into the ghost table gave warning {code}: {message}; stopping rather than losing or changing data"
                ))
                .hint(hint));
            }
        }
        Ok(())
    }
}

/// The parameters of a key statement: the lower bound, the upper bound, the offset.
fn params(stmt: &KeyStatement, lower: &[Value], upper: &[Value], offset: Option<&Value>) -> Params {
    Params::Positional(
        stmt.params
            .iter()
            .map(|p| match p {
                Param::Lower(i) => lower[*i].clone(),
                Param::Upper(i) => upper[*i].clone(),
                Param::Offset => offset.cloned().unwrap_or(Value::UInt(0)),
            })
            .collect(),
    )
}
