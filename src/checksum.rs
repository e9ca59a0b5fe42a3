//! The checksum before the cut-over: the ghost table must hold exactly the original's rows.
//!
//! Both tables are compared chunk by chunk (along the shared key) over the shared columns,
//! with values whose type the ALTER changed compared by value ([`crate::sql::compare_expr`]),
//! inside one consistent snapshot that sees both at the same binlog position:
//!
//! 1. the original is locked for writes (`LOCK TABLES orig READ`: reads go on), the apply loop
//!    applies every change logged before the lock, and a session opens
//!    `START TRANSACTION WITH CONSISTENT SNAPSHOT`; the lock goes (milliseconds);
//! 2. in that snapshot each chunk's `COUNT(*)`, `BIT_XOR(CRC32(row))` and `SUM(CRC32(row))` are
//!    computed on both sides (non-locking reads: the application is not blocked), by
//!    `--copy-threads` workers at once, each with its own pair of sessions in the snapshot;
//! 3. a chunk that differs is repaired: its ghost rows are deleted and copied again from the
//!    original (share-locked, in one transaction; binlog changes still pending for those rows
//!    are applied afterwards, in order, as always);
//! 4. the repaired chunks are compared again in a new snapshot, up to three repairs; then the
//!    migration stops without cutting over, naming the keys that still differ.
//!
//! When the ALTER changes the shared key's type or collation, key ranges could hold different
//! rows on the two sides: the table is then compared as one chunk.
//!
//! Talks to: the applier server (its own sessions); the migrator's `sync` callback.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use log::{info, warn};
use mysql::prelude::Queryable;
use mysql::{Conn, Params, Row, Value};

use crate::cutover::Sync;
use crate::db::Endpoint;
use crate::error::{Context, Error, Result};
use crate::plan::Plan;
use crate::progress::Progress;
use crate::sql::{self, Builder, KeyStatement, Param};

/// Rows per checksum chunk.
const CHUNK: u64 = 5_000;
/// Repairs before giving up.
const MAX_REPAIRS: usize = 3;

/// A key range: `(lower, upper]`, `[lower, upper]` (first), or the whole table.
#[derive(Debug, Clone, PartialEq)]
pub struct Range {
    pub lower: Vec<Value>,
    pub upper: Vec<Value>,
    pub inclusive: bool,
    pub whole: bool,
}

/// How long the apply may take to catch up before a snapshot's lock is taken.
const CATCH_UP: Duration = Duration::from_secs(300);
/// The snapshot's lock holds the original's writes for about one round trip through the
/// binlog: a longer one is caught up again while that shortens it, for at most [`SETTLE`]
/// (see [`crate::cutover::catch_up_within`]).
const LOCK_ROUND_TRIP: Duration = Duration::from_millis(100);
const SETTLE: Duration = Duration::from_secs(10);

pub struct Checksum<'a> {
    pub endpoint: &'a Endpoint,
    pub plan: &'a Plan,
    pub progress: &'a Progress,
    pub lock_timeout: Duration,
    pub mysql8: bool,
    /// Chunks summed at the same time (each by a pair of snapshot sessions).
    pub workers: usize,
}

/// What a verification found and did.
#[derive(Debug, Default)]
pub struct Report {
    pub chunks: u64,
    pub rows: u64,
    pub repaired: u64,
    pub took: Duration,
}

fn params(stmt: &KeyStatement, r: &Range, offset: Option<u64>) -> Params {
    Params::Positional(
        stmt.params
            .iter()
            .map(|p| match p {
                Param::Lower(i) => r.lower[*i].clone(),
                Param::Upper(i) => r.upper[*i].clone(),
                Param::Offset => Value::UInt(offset.unwrap_or(0)),
            })
            .collect(),
    )
}

impl Checksum<'_> {
    /// The key orders rows the same way in both tables (same type, charset and collation).
    fn ranges_comparable(&self) -> bool {
        self.plan.key_columns().all(|c| c.orig.column_type == c.ghost.column_type && c.orig.kind == c.ghost.kind)
    }

    /// Compares, repairs and compares again; an error when the tables still differ.
    pub fn verify(&self, sync: &mut Sync<'_>) -> Result<Report> {
        let started = Instant::now();
        info!("checksum: comparing the ghost table with the original ({} worker(s))", self.workers.max(1));
        let mut report = Report::default();
        let mut todo: Option<Vec<Range>> = None; // None: every chunk
        for attempt in 0..=MAX_REPAIRS {
            let differing = self.compare(sync, todo.as_deref(), &mut report)?;
            if differing.is_empty() {
                report.took = started.elapsed();
                info!(
                    "checksum: the ghost table matches the original ({} rows in {} chunks compared, {} chunk(s) repaired, {} ms)",
                    report.rows,
                    report.chunks,
                    report.repaired,
                    report.took.as_millis()
                );
                self.progress.checksum_ms.fetch_add(report.took.as_millis() as u64, Ordering::Relaxed);
                return Ok(report);
            }
            if attempt == MAX_REPAIRS {
                let keys = self.differing_keys(sync, &differing)?;
                self.progress.checksum_ms.fetch_add(started.elapsed().as_millis() as u64, Ordering::Relaxed);
                return Err(Error::failed(format!(
                    "the ghost table still differs from the original after {MAX_REPAIRS} repairs, at the key(s) {}",
                    keys.join(" ")
                ))
                .hint("the cut-over was not done; something else writes the ghost table (a trigger? another tool?): find it, then run again with --initially-drop-ghost-table"));
            }
            warn!(
                "checksum: {} chunk(s) differ; copying them again (repair {} of {MAX_REPAIRS})",
                differing.len(),
                attempt + 1
            );
            for r in &differing {
                self.repair(r)?;
                report.repaired += 1;
            }
            todo = Some(differing);
        }
        unreachable!("the loop returns")
    }

    /// Opens `n` snapshots that all see both tables at the same binlog position: the original
    /// locked for writes while the apply loop catches up and the snapshots start. The apply
    /// catches up before the lock (until a round trip is short, or stops shortening), so that
    /// the lock waits only for the last changes.
    fn snapshots(&self, sync: &mut Sync<'_>, n: usize) -> Result<Vec<Conn>> {
        crate::cutover::catch_up_within(sync, CATCH_UP, LOCK_ROUND_TRIP, SETTLE)
            .context("catching up before the checksum snapshot")?;
        let mut lock = self.endpoint.connect("checksum lock")?;
        let mut snaps = Vec::with_capacity(n);
        for _ in 0..n {
            let mut snap = self.endpoint.connect("checksum snapshot")?;
            snap.query_drop("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ")?;
            snaps.push(snap);
        }
        lock.query_drop(format!("SET SESSION lock_wait_timeout = {}", self.lock_timeout.as_secs().max(1)))?;
        let locked_at = Instant::now();
        lock.query_drop(format!("LOCK TABLES {} READ", sql::table(&self.plan.orig.database, &self.plan.orig.name)))
            .context("locking the original table for the checksum snapshot")
            .map_err(|e| e.transient())?;
        let r = sync(self.lock_timeout).context("applying the changes logged before the checksum snapshot").and_then(
            |()| {
                snaps
                    .iter_mut()
                    .try_for_each(|s| s.query_drop("START TRANSACTION WITH CONSISTENT SNAPSHOT"))
                    .map_err(Error::from)
            },
        );
        let _ = lock.query_drop("UNLOCK TABLES");
        r?;
        log::info!("checksum snapshot taken; writes to the original waited {} ms", locked_at.elapsed().as_millis());
        Ok(snaps)
    }

    fn chunk_sum(&self, snap: &mut Conn, b: &Builder, ghost: bool, r: &Range) -> Result<(u64, u64, String)> {
        let stmt = b.checksum_chunk(ghost, r.inclusive, r.whole);
        let row: Option<Row> = snap.exec_first(&stmt.sql, params(&stmt, r, None)).context("checksumming a chunk")?;
        let v = row.map(|r| r.unwrap()).unwrap_or_default();
        let text = |i: usize| {
            crate::schema::value_bytes(v.get(i)).map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default()
        };
        Ok((text(0).parse().unwrap_or(0), text(1).parse().unwrap_or(0), text(2)))
    }

    /// Compares `ranges` (or every chunk) in one snapshot; returns those that differ.
    ///
    /// One thread walks the key and hands ranges to `workers` threads, each with its own pair
    /// of snapshot sessions (original, ghost): all `2 * workers + 1` sessions started under
    /// the same lock, so they all see the same binlog position.
    fn compare(&self, sync: &mut Sync<'_>, ranges: Option<&[Range]>, report: &mut Report) -> Result<Vec<Range>> {
        let b = Builder::new(self.plan, self.mysql8);
        let workers = self.workers.max(1);
        let mut snaps = self.snapshots(sync, 2 * workers + 1)?;
        let mut walker = snaps.pop().ok_or_else(|| Error::failed("no checksum snapshot"))?;
        let (tx, rx) = crossbeam_channel::bounded::<Range>(2 * workers);
        let results = std::thread::scope(|s| {
            let handles: Vec<_> = (0..workers)
                .map(|_| {
                    let (mut orig, mut ghost) = (snaps.pop(), snaps.pop());
                    let (rx, b) = (rx.clone(), &b);
                    s.spawn(move || -> Result<(u64, u64, Vec<Range>)> {
                        let (Some(orig), Some(ghost)) = (orig.as_mut(), ghost.as_mut()) else {
                            return Err(Error::failed("no checksum snapshot"));
                        };
                        let (mut chunks, mut rows, mut differing) = (0, 0, Vec::new());
                        for r in rx {
                            let o = self.chunk_sum(orig, b, false, &r)?;
                            let g = self.chunk_sum(ghost, b, true, &r)?;
                            chunks += 1;
                            rows += o.0;
                            if o != g {
                                differing.push(r);
                            }
                        }
                        let _ = orig.query_drop("COMMIT");
                        let _ = ghost.query_drop("COMMIT");
                        Ok((chunks, rows, differing))
                    })
                })
                .collect();
            drop(rx);
            let walked = self.walk(&mut walker, &b, ranges, &tx);
            drop(tx); // the workers finish the queue and stop
            let _ = walker.query_drop("COMMIT");
            let done: Vec<Result<(u64, u64, Vec<Range>)>> = handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|_| Err(Error::failed("a checksum thread panicked"))))
                .collect();
            walked.map(|()| done)
        })?;
        let mut differing = Vec::new();
        for r in results {
            let (chunks, rows, d) = r?;
            report.chunks += chunks;
            report.rows += rows;
            differing.extend(d);
        }
        Ok(differing)
    }

    /// Sends the ranges to compare: `ranges`, or the whole table as one range when the key
    /// orders rows differently on the two sides, or chunks of [`CHUNK`] rows along the key.
    /// Stops early (without error) when the workers have stopped: their error is reported.
    fn walk(
        &self,
        snap: &mut Conn,
        b: &Builder,
        ranges: Option<&[Range]>,
        tx: &crossbeam_channel::Sender<Range>,
    ) -> Result<()> {
        let whole = || Range { lower: vec![], upper: vec![], inclusive: true, whole: true };
        match ranges {
            Some(rs) => {
                for r in rs {
                    if tx.send(r.clone()).is_err() {
                        break;
                    }
                }
            }
            None if !self.ranges_comparable() => {
                let _ = tx.send(whole());
            }
            None => {
                let mut bound = |largest: bool| -> Result<Option<Vec<Value>>> {
                    let row: Option<Row> = snap.query_first(b.key_bound(largest))?;
                    Ok(row.map(|r| r.unwrap()))
                };
                let (min, max) = (bound(false)?, bound(true)?);
                let (Some(min), Some(max)) = (min, max) else {
                    // an empty original: the ghost must be empty too
                    let _ = tx.send(whole());
                    return Ok(());
                };
                let (first_end, next_end) = (b.chunk_end(true), b.chunk_end(false));
                let mut lower = min;
                let mut first = true;
                loop {
                    let stmt = if first { &first_end } else { &next_end };
                    let probe = Range { lower: lower.clone(), upper: max.clone(), inclusive: first, whole: false };
                    let row: Option<Row> = snap.exec_first(&stmt.sql, params(stmt, &probe, Some(CHUNK - 1)))?;
                    let end = row.map(|r| r.unwrap()).unwrap_or_else(|| max.clone());
                    let last = end == max;
                    let r = Range {
                        lower: std::mem::replace(&mut lower, end.clone()),
                        upper: end,
                        inclusive: first,
                        whole: false,
                    };
                    if tx.send(r).is_err() || last {
                        break;
                    }
                    first = false;
                }
            }
        }
        Ok(())
    }

    /// Copies a range again: the ghost's rows there are replaced by the original's.
    fn repair(&self, r: &Range) -> Result<()> {
        let b = Builder::new(self.plan, self.mysql8);
        let (delete, copy) = b.repair_chunk(r.inclusive, r.whole);
        let mut c = self.endpoint.connect("checksum repair")?;
        c.query_drop("START TRANSACTION")?;
        let result = c
            .exec_drop(&delete.sql, params(&delete, r, None))
            .and_then(|()| c.exec_drop(&copy.sql, params(&copy, r, None)))
            .and_then(|()| c.query_drop("COMMIT"));
        if let Err(e) = result {
            let _ = c.query_drop("ROLLBACK");
            return Err(Error::from(e).context("repairing a chunk of the ghost table"));
        }
        Ok(())
    }

    /// The keys of the rows that differ in `ranges` (at most 10), for the final message.
    fn differing_keys(&self, sync: &mut Sync<'_>, ranges: &[Range]) -> Result<Vec<String>> {
        let b = Builder::new(self.plan, self.mysql8);
        let mut snap = self.snapshots(sync, 1)?.pop().ok_or_else(|| Error::failed("no checksum snapshot"))?;
        let mut keys = Vec::new();
        for r in ranges {
            let mut sides: Vec<HashMap<Vec<u8>, i64>> = Vec::new();
            for ghost in [false, true] {
                let stmt = b.row_checksums(ghost, r.inclusive, r.whole);
                let rows: Vec<(Vec<u8>, i64)> = snap.exec(&stmt.sql, params(&stmt, r, None))?;
                sides.push(rows.into_iter().collect());
            }
            for (k, v) in &sides[0] {
                if sides[1].get(k) != Some(v) {
                    keys.push(format!("({})", String::from_utf8_lossy(k)));
                }
            }
            for k in sides[1].keys() {
                if !sides[0].contains_key(k) {
                    keys.push(format!("({}) [only in the ghost]", String::from_utf8_lossy(k)));
                }
            }
            if keys.len() >= 10 {
                break;
            }
        }
        let _ = snap.query_drop("COMMIT");
        keys.truncate(10);
        if keys.is_empty() {
            keys.push("(none found row by row: the chunks differ in their checksums only)".to_string());
        }
        Ok(keys)
    }
}
