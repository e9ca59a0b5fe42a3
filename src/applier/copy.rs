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
//! Each chunk's range is independent: one thread walks the key index (`LIMIT 1 OFFSET n` from
//! the lower bound, index-only) and hands the ranges to `--copy-threads` workers, each on its
//! own connection. With `--chunk-time` the chunk grows or shrinks to take about that long
//! (`--busy-chunk-time` while the application writes to the table).
//!
//! Talks to: the original (read, share-locked) and ghost (write) tables on the applier server.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use log::{debug, info, warn};
use mysql::prelude::Queryable;
use mysql::{Conn, Params, Row, Value};

use crate::applier::frontier::Frontier;
use crate::checkpoint::Watermark;
use crate::config::Tunables;
use crate::db::Endpoint;
use crate::error::{Context, Error, Result};
use crate::hooks::{Hook, Hooks};
use crate::plan::Plan;
use crate::progress::Progress;
use crate::sql::{Builder, KeyStatement, Param};

use crossbeam_channel::{bounded, unbounded, Receiver, Sender};

/// The copy waits while the apply backlog is larger than this: applying has priority.
const MAX_BACKLOG: u64 = 5_000;

/// What every copy session shares.
#[derive(Clone)]
pub struct CopyContext {
    pub endpoint: Endpoint,
    pub plan: Arc<Plan>,
    pub tunables: Arc<Tunables>,
    pub progress: Arc<Progress>,
    pub stop: Arc<AtomicBool>,
    pub retries: u32,
    pub mysql8: bool,
    pub hooks: Arc<Hooks>,
    /// Copy sessions running chunks in parallel.
    pub threads: usize,
    /// `--allow-lossy`: conversion warnings are logged, not fatal.
    pub allow_lossy: bool,
    /// A resumed copy starts after this key (exclusive).
    pub resume_after: Option<Vec<Value>>,
    /// The key range to copy, when it was read before the binlog apply started (to set up the
    /// frontier); else the copy reads it.
    pub bounds: Option<KeyBounds>,
    /// Moved before each chunk is handed out (see frontier.rs).
    pub frontier: Arc<Frontier>,
}

/// The smallest and largest value of the shared key; `None` for an empty table.
pub type KeyBounds = Option<(Vec<Value>, Vec<Value>)>;

/// Reads the key range to copy (after the binlog position was recorded: rows beyond it come
/// through the binlog).
pub fn read_key_bounds(ctx: &CopyContext) -> Result<KeyBounds> {
    Session::new(ctx, "row copy range")?.key_bounds(&Builder::new(&ctx.plan, ctx.mysql8))
}

/// One key range to copy: `(lower, upper]`, or `[lower, upper]` for the first.
struct Job {
    seq: u64,
    lower: Vec<Value>,
    upper: Vec<Value>,
    inclusive: bool,
    /// The chunk size it was cut with (the size may have changed since).
    size: u64,
}

/// What a worker reports after a chunk.
struct Done {
    seq: u64,
    /// The chunk size the job was cut with.
    size: u64,
    rows_examined: u64,
    took: Duration,
}

pub struct Copier {
    ctx: CopyContext,
    session: Session,
    watermark: Watermark,
    writes: WriteWatch,
}

/// How long after the last row change of the table read from the binlog the table still
/// counts as written (`--busy-chunk-time`).
const WRITTEN_WINDOW: Duration = Duration::from_secs(2);

/// Whether the application writes to the table: the streamer's count of the table's row
/// changes moved within the last `WRITTEN_WINDOW`.
struct WriteWatch {
    count: u64,
    last_change: Option<Instant>,
    /// Whether the last look found the table written (to log the changes).
    was_written: bool,
    logged: bool,
}

impl WriteWatch {
    fn new(count: u64) -> WriteWatch {
        WriteWatch { count, last_change: None, was_written: false, logged: false }
    }

    /// Looks at the count at `now`: true while the table has been written within the window.
    fn written(&mut self, count: u64, now: Instant) -> bool {
        if count != self.count {
            self.count = count;
            self.last_change = Some(now);
        }
        self.last_change.is_some_and(|t| now.saturating_duration_since(t) < WRITTEN_WINDOW)
    }
}

impl Copier {
    pub fn new(ctx: CopyContext) -> Result<Copier> {
        let session = Session::new(&ctx, "row copy range walk")?;
        let writes = WriteWatch::new(ctx.progress.events_received.load(Ordering::Relaxed));
        Ok(Copier { ctx, session, watermark: Watermark::default(), writes })
    }

    /// Copies the whole key range: this thread walks the key index and hands chunks to
    /// `threads` workers, each with its own connection. Returns when done or stopped.
    pub fn run(mut self) -> Result<()> {
        let plan = self.ctx.plan.clone();
        let b = Builder::new(&plan, self.ctx.mysql8);
        let bounds = match self.ctx.bounds.take() {
            Some(bounds) => bounds,
            None => self.session.key_bounds(&b)?,
        };
        let Some((min, max)) = bounds else {
            info!("the original table is empty: nothing to copy");
            self.ctx.progress.copy_done.store(true, Ordering::Relaxed);
            return Ok(());
        };
        debug!("copy range: {min:?} .. {max:?}, {} thread(s)", self.ctx.threads);
        let threads = self.ctx.threads.max(1);
        let (job_tx, job_rx) = bounded::<Job>(threads);
        let (done_tx, done_rx) = unbounded::<Result<Done>>();
        let mut workers = Vec::new();
        for i in 0..threads {
            let mut w = Session::new(&self.ctx, "row copy")?;
            let (rx, tx) = (job_rx.clone(), done_tx.clone());
            workers.push(
                std::thread::Builder::new()
                    .name(format!("copy {i}"))
                    .spawn(move || w.work(rx, tx))
                    .map_err(|e| Error::failed(format!("cannot start a copy thread: {e}")))?,
            );
        }
        drop(done_tx);
        let walked = self.walk(&b, min, max, &job_tx, &done_rx);
        drop(job_tx);
        // the workers finish their chunks; their results (and errors) drain here
        let mut result = walked;
        for d in done_rx.iter() {
            let r = self.on_done(d);
            if result.is_ok() {
                result = r;
            }
        }
        for w in workers {
            let _ = w.join();
        }
        if result.is_ok() && !self.ctx.stop.load(Ordering::Relaxed) {
            self.ctx.progress.copy_done.store(true, Ordering::Relaxed);
            let p = &self.ctx.progress;
            let left = p.changes_left_to_copy.load(Ordering::Relaxed);
            info!(
                "row copy complete: {} rows copied{}",
                p.rows_copied.load(Ordering::Relaxed),
                if left > 0 {
                    format!("; {left} binlog changes to rows not copied yet were left to the copy (it read them later)")
                } else {
                    String::new()
                }
            );
        }
        result
    }

    /// Walks the key index from `min` to `max` in chunks of the current size.
    fn walk(
        &mut self,
        b: &Builder,
        min: Vec<Value>,
        max: Vec<Value>,
        jobs: &Sender<Job>,
        done: &Receiver<Result<Done>>,
    ) -> Result<()> {
        let chunk_end = b.chunk_end(false);
        let chunk_end_first = b.chunk_end(true);
        let (mut lower, mut first) = match self.ctx.resume_after.clone() {
            Some(after) => {
                info!("resuming the copy after the key {after:?}");
                (after, false)
            }
            None => (min, true),
        };
        let mut seq = 0u64;
        loop {
            // results so far: adapt the chunk size, stop on a worker's error
            while let Ok(d) = done.try_recv() {
                self.on_done(d)?;
            }
            if !self.session.wait_for_go()? {
                return Ok(());
            }
            let size = self.ctx.tunables.chunk_size().max(1);
            let end_stmt = if first { &chunk_end_first } else { &chunk_end };
            let offset = Value::UInt(size - 1);
            let end: Vec<Value> = match self.session.retrying("finding the end of the next chunk", |c| {
                let row: Option<Row> = c.exec_first(&end_stmt.sql, params(end_stmt, &lower, &max, Some(&offset)))?;
                Ok(row.map(|r| r.unwrap()))
            })? {
                Some(e) => e,
                None => max.clone(),
            };
            let last = end == max;
            // before a worker can read the chunk: from now on its changes are applied
            self.ctx.frontier.handing_out(&end);
            self.watermark.handed_out(seq, end.clone());
            let job =
                Job { seq, lower: std::mem::replace(&mut lower, end.clone()), upper: end, inclusive: first, size };
            seq += 1;
            // a full queue waits for a worker; a worker's failure ends the walk
            loop {
                match jobs.send_timeout(job_clone(&job), Duration::from_millis(100)) {
                    Ok(()) => break,
                    Err(crossbeam_channel::SendTimeoutError::Timeout(_)) => {
                        if let Ok(d) = done.try_recv() {
                            self.on_done(d)?;
                        }
                        if self.ctx.stop.load(Ordering::Relaxed) {
                            return Ok(());
                        }
                    }
                    Err(crossbeam_channel::SendTimeoutError::Disconnected(_)) => {
                        return Err(Error::failed("the copy workers stopped"));
                    }
                }
            }
            if last {
                return Ok(());
            }
            first = false;
        }
    }

    /// A worker's result: the watermark moves, the chunk size adapts; an error stops the walk.
    fn on_done(&mut self, d: Result<Done>) -> Result<()> {
        let d = d?;
        self.watermark.completed(d.seq);
        if let Some(w) = &self.watermark.value {
            *self.ctx.progress.copy_watermark.lock().unwrap_or_else(|e| e.into_inner()) = Some(w.clone());
        }
        self.adapt(&d);
        Ok(())
    }

    /// `--chunk-time`: grow or shrink the chunk to take about the target time; a chunk twice
    /// too slow shrinks it at once. Bounded to 10..=100000 rows. While the application writes
    /// to the table the target is `--busy-chunk-time`: those writes wait for a chunk's share
    /// locks, so a shorter chunk is a shorter wait; when nothing writes, a long chunk costs
    /// nobody anything.
    fn adapt(&mut self, d: &Done) {
        let written = self.writes.written(self.ctx.progress.events_received.load(Ordering::Relaxed), Instant::now());
        let t = &self.ctx.tunables;
        let target = t.chunk_target(written);
        // logged only when the two targets differ (not with --chunk-time=0 or --busy-chunk-time=0)
        if written != self.writes.was_written && t.chunk_target(true) != t.chunk_target(false) {
            self.writes.was_written = written;
            let msg = if written {
                format!("the table is being written: chunks aim at {} ms (--busy-chunk-time)", target.as_millis())
            } else {
                format!(
                    "no write to the table for {} s: chunks aim at {} ms (--chunk-time)",
                    WRITTEN_WINDOW.as_secs(),
                    target.as_millis()
                )
            };
            if self.writes.logged {
                debug!("{msg}");
            } else if written {
                info!("{msg}");
                self.writes.logged = true;
            }
        }
        if target.is_zero() || d.took.is_zero() {
            return;
        }
        let size = self.ctx.tunables.chunk_size();
        if d.rows_examined < d.size / 2 {
            return; // the last, short chunk says nothing about the rate
        }
        let new = adapted_chunk_size(size, d.size, d.took, target);
        if new != size {
            debug!("chunk took {} ms: chunk size {size} -> {new}", d.took.as_millis());
            self.ctx.tunables.chunk_size.store(new, Ordering::Relaxed);
        }
    }
}

/// The next chunk size for a chunk of `size` rows that took `took`, aiming at `target`:
/// proportional, at most doubling, at least halving, except that a chunk more than twice too
/// slow shrinks to the proportional size at once. Bounded to 10..=100000 rows.
pub fn next_chunk_size(size: u64, took: Duration, target: Duration) -> u64 {
    let ratio = target.as_secs_f64() / took.as_secs_f64().max(1e-6);
    let factor = if ratio < 0.5 { ratio } else { ratio.clamp(0.5, 2.0) };
    ((size as f64 * factor) as u64).clamp(10, 100_000)
}

/// The chunk size after a chunk cut with `chunk` rows took `took`, when the size is now
/// `current`. Chunks are cut ahead of the workers, so the size may have moved since this one
/// was cut: the next size is computed from the chunk's own size (the rate it measured), and a
/// fast chunk never shrinks the size, a slow one never grows it. Computing from the current
/// size instead compounded: the chunks already cut at a large size each shrank the already
/// shrunk size again (59,161 -> 33,319 -> 9,289 -> 1,894 -> 367 -> 66 -> 14 rows under the
/// bench's load, with 2 s chunks all along).
pub fn adapted_chunk_size(current: u64, chunk: u64, took: Duration, target: Duration) -> u64 {
    let next = next_chunk_size(chunk, took, target);
    if took <= target {
        next.max(current)
    } else {
        next.min(current)
    }
}

fn job_clone(j: &Job) -> Job {
    Job { seq: j.seq, lower: j.lower.clone(), upper: j.upper.clone(), inclusive: j.inclusive, size: j.size }
}

/// Seconds a chunk waits for a row lock before it is retried. Short: a chunk's shared locks can
/// be part of a wait cycle InnoDB does not see (a replica's applier threads waiting for their
/// commit order behind a transaction that waits for the chunk), which the default 50 s would
/// turn into a replication stall; a retried chunk breaks it.
const COPY_LOCK_WAIT_SECONDS: u32 = 5;

/// A copy session. READ COMMITTED: the chunk's locking read still share-locks every row it
/// copies until the chunk commits (so no change to those rows can commit, and be logged,
/// between the read and the copy), but not the gaps between them, which under REPEATABLE READ
/// made the application's inserts into a chunk's range wait for it, or deadlock with it.
/// Rows that appear in a range after its read are the binlog's to bring.
fn copy_conn(ctx: &CopyContext, what: &str) -> Result<Conn> {
    let mut conn = ctx.endpoint.connect(what)?;
    conn.query_drop(format!("SET SESSION innodb_lock_wait_timeout = {COPY_LOCK_WAIT_SECONDS}"))?;
    conn.query_drop("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED")?;
    Ok(conn)
}

/// A connection of the copy, and what it needs to copy and retry.
struct Session {
    ctx: CopyContext,
    conn: Conn,
}

impl Session {
    fn new(ctx: &CopyContext, what: &str) -> Result<Session> {
        Ok(Session { ctx: ctx.clone(), conn: copy_conn(ctx, what)? })
    }

    /// Copies chunks until the job channel closes or a chunk fails.
    fn work(&mut self, jobs: Receiver<Job>, done: Sender<Result<Done>>) {
        let plan = self.ctx.plan.clone();
        let b = Builder::new(&plan, self.ctx.mysql8);
        let (copy, copy_first) = (b.copy_chunk(false), b.copy_chunk(true));
        for job in jobs.iter() {
            let r = (|| -> Result<Option<Done>> {
                if !self.wait_for_go()? {
                    return Ok(None);
                }
                let stmt = if job.inclusive { &copy_first } else { &copy };
                let started = Instant::now();
                let (affected, warnings, examined) = self.retrying("copying a chunk", |c| {
                    c.exec_drop(&stmt.sql, params(stmt, &job.lower, &job.upper, None))?;
                    // "Records: n  Duplicates: d  Warnings: w": n rows were read
                    let info = c.info_str().into_owned();
                    let examined = info
                        .split("Records: ")
                        .nth(1)
                        .and_then(|r| r.split_whitespace().next())
                        .and_then(|n| n.parse().ok());
                    Ok((c.affected_rows(), c.warnings(), examined.unwrap_or(c.affected_rows())))
                })?;
                let took = started.elapsed();
                if warnings > 0 {
                    self.check_warnings()?;
                }
                let p = &self.ctx.progress;
                p.rows_copied.fetch_add(affected, Ordering::Relaxed);
                p.rows_read.fetch_add(examined, Ordering::Relaxed);
                p.last_chunk_us.store(took.as_micros() as u64, Ordering::Relaxed);
                crate::fault::point("copy.chunk")?;
                let nice = self.ctx.tunables.nice_ratio();
                if nice > 0.0 {
                    std::thread::sleep(took.mul_f64(nice));
                }
                Ok(Some(Done { seq: job.seq, size: job.size, rows_examined: examined, took }))
            })();
            match r {
                Ok(Some(d)) => {
                    let _ = done.send(Ok(d));
                }
                Ok(None) => return,
                Err(e) => {
                    let _ = done.send(Err(e));
                    return;
                }
            }
        }
    }

    fn key_bounds(&mut self, b: &Builder) -> Result<KeyBounds> {
        let mut bound = |largest: bool| {
            let sql = b.key_bound(largest);
            self.retrying("reading the key range", |c| {
                let row: Option<Row> = c.exec_first(&sql, ())?;
                Ok(row.map(|r| r.unwrap()))
            })
        };
        let (min, max) = (bound(false)?, bound(true)?);
        Ok(min.zip(max))
    }

    /// Waits while the copy must not run (throttled, or the apply backlog is large). Returns
    /// false when stopped.
    fn wait_for_go(&self) -> Result<bool> {
        loop {
            if self.ctx.stop.load(Ordering::Relaxed) {
                return Ok(false);
            }
            let reason = self.ctx.progress.throttle_reason();
            if reason.is_empty() && self.ctx.progress.backlog() <= MAX_BACKLOG {
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
                Err(e) if e.is_transient() && attempt < self.ctx.retries && !self.ctx.stop.load(Ordering::Relaxed) => {
                    attempt += 1;
                    warn!("{what} failed ({e}); retrying (attempt {attempt})");
                    let mut state = self.ctx.progress.hook_state();
                    state.last_error = Some(e.message.clone());
                    if let Err(he) = self.ctx.hooks.run(Hook::BatchCopyRetry, &state) {
                        warn!("{he} (ignored)");
                    }
                    std::thread::sleep(Duration::from_millis(100 * attempt.min(10) as u64));
                    if self.conn.ping().is_err() {
                        self.conn = copy_conn(&self.ctx, "row copy")?;
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
        let key = &self.ctx.plan.ghost_key_name;
        for (_level, code, message) in rows {
            let message = String::from_utf8_lossy(&message).into_owned();
            let expected_duplicate =
                code == 1062 && (message.ends_with(&format!("'{key}'")) || message.ends_with(&format!(".{key}'")));
            if !expected_duplicate && self.ctx.allow_lossy {
                warn!("--allow-lossy: the copy changed data: warning {code}: {message}");
            } else if !expected_duplicate {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_size_adapts_to_the_target_time() {
        let ms = Duration::from_millis;
        assert_eq!(next_chunk_size(1000, ms(500), ms(500)), 1000);
        assert_eq!(next_chunk_size(1000, ms(100), ms(500)), 2000, "grows at most 2x");
        assert_eq!(next_chunk_size(1000, ms(400), ms(500)), 1250);
        assert_eq!(next_chunk_size(1000, ms(800), ms(500)), 625);
        assert_eq!(next_chunk_size(1000, ms(5000), ms(500)), 100, "a slow chunk shrinks at once");
        assert_eq!(next_chunk_size(20, ms(5000), ms(500)), 10, "bounded below");
        assert_eq!(next_chunk_size(90_000, ms(10), ms(500)), 100_000, "bounded above");
    }

    #[test]
    fn the_table_counts_as_written_for_a_while_after_its_last_change() {
        let t0 = Instant::now();
        let s = Duration::from_secs;
        let mut w = WriteWatch::new(7);
        assert!(!w.written(7, t0), "changes from before the copy started do not count");
        assert!(w.written(8, t0 + s(1)));
        assert!(w.written(8, t0 + s(2)), "still within the window");
        assert!(!w.written(8, t0 + s(3)), "quiet for the whole window");
        assert!(w.written(5, t0 + s(4)), "a rolled-back transaction moves the count too");
    }

    #[test]
    fn a_written_table_gets_the_shorter_chunk_target() {
        use crate::config::chunk_target;
        let ms = Duration::from_millis;
        assert_eq!(chunk_target(ms(500), ms(100), false), ms(500));
        assert_eq!(chunk_target(ms(500), ms(100), true), ms(100));
        assert_eq!(chunk_target(ms(50), ms(100), true), ms(50), "never above --chunk-time");
        assert_eq!(chunk_target(ms(500), ms(0), true), ms(500), "--busy-chunk-time=0 is off");
        assert_eq!(chunk_target(ms(0), ms(100), true), ms(0), "--chunk-time=0 keeps the size fixed");
    }

    #[test]
    fn chunks_cut_before_the_size_changed_adapt_from_their_own_size() {
        let ms = Duration::from_millis;
        // three chunks of 60,000 in flight, each taking 2 s: the size settles at 15,000
        let mut size = 60_000;
        for _ in 0..3 {
            size = adapted_chunk_size(size, 60_000, ms(2000), ms(500));
        }
        assert_eq!(size, 15_000, "not 60,000 / 4^3");
        // a fast chunk cut small does not shrink a size that has grown since
        assert_eq!(adapted_chunk_size(8000, 1000, ms(100), ms(500)), 8000);
        // a slow chunk cut large does not grow a size that has shrunk since
        assert_eq!(adapted_chunk_size(100, 10_000, ms(1000), ms(500)), 100);
        // the usual case: the chunk was cut at the current size
        assert_eq!(adapted_chunk_size(1000, 1000, ms(100), ms(500)), 2000);
        assert_eq!(adapted_chunk_size(1000, 1000, ms(5000), ms(500)), 100, "a slow chunk shrinks at once");
    }
}
