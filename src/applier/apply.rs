//! The apply loop: binlog changes into the ghost table, coalesced and batched.
//!
//! It receives [`StreamMsg`]s in binlog order and keeps, per key (exact bytes), only the last
//! change: applying a full row image makes the row what it was after that change, whatever came
//! before. The surviving changes keep their binlog order (a change that supersedes an earlier
//! one takes its place at the end), so keys that a collation makes equal ('A' and 'a'), or rows
//! that collide on another unique key, are written in the order the original saw them.
//! Consecutive replaces (deletes) become one multi-row `REPLACE` (`DELETE`) of at most
//! `--dml-batch-size` rows, in transactions of about 1,000 rows (a deadlock with the copy
//! re-runs one of them); a flush that fails is retried whole (replaying row images is
//! idempotent).
//!
//! After each flush the loop records the binlog position of the last transaction it has
//! fully applied; a marker from the streamer is acknowledged to the migrator only once every
//! change before it is committed. That is what the cut-over waits for.
//!
//! Talks to: the ghost table (its own connection); receives from the streamer, reports
//! [`Applied`] to the migrator.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use log::{debug, warn};
use mysql::prelude::Queryable;
use mysql::{Conn, Params, Value};

use crate::applier::frontier::Frontier;
use crate::config::Tunables;
use crate::db::{BinlogPos, Endpoint};
use crate::error::{Error, Result};
use crate::messages::{Applied, Change, KeyBytes, StreamMsg};
use crate::plan::Plan;
use crate::progress::Progress;
use crate::sql::Builder;

/// At most this many distinct keys per transaction (keeps the ghost's locks short).
const MAX_PENDING: usize = 20_000;
/// The server's limit of placeholders in one prepared statement.
const MAX_PLACEHOLDERS: usize = 65_535;

/// Changes waiting to be written, coalesced by key, in binlog order of their last change.
#[derive(Default)]
pub struct Pending {
    slots: Vec<Option<Change>>,
    index: HashMap<KeyBytes, usize>,
    live: usize,
    /// [`Change::approx_bytes`] of everything absorbed (coalesced ones included).
    bytes: u64,
    /// Changes absorbed (coalesced ones included), for the applied-events counter.
    absorbed: u64,
}

impl Pending {
    /// Counts a change that needs no write (the copy brings it) as absorbed.
    pub fn absorb_without_write(&mut self, c: &Change) {
        self.absorbed += 1;
        self.bytes += c.approx_bytes();
    }

    pub fn push(&mut self, c: Change) {
        self.absorbed += 1;
        self.bytes += c.approx_bytes();
        let slot = self.slots.len();
        match self.index.insert(c.key().clone(), slot) {
            Some(old) => self.slots[old] = None,
            None => self.live += 1,
        }
        self.slots.push(Some(c));
    }

    pub fn len(&self) -> usize {
        self.live
    }

    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// The surviving changes in binlog order.
    pub fn changes(&self) -> impl Iterator<Item = &Change> {
        self.slots.iter().flatten()
    }

    /// The surviving changes split into `n` partitions by key (one key always in the same
    /// partition), each in binlog order.
    pub fn partitions(&self, n: usize) -> Vec<Vec<&Change>> {
        let mut parts: Vec<Vec<&Change>> = (0..n).map(|_| Vec::with_capacity(self.live / n + 1)).collect();
        for c in self.changes() {
            let mut h = DefaultHasher::new();
            c.key().hash(&mut h);
            parts[(h.finish() % n as u64) as usize].push(c);
        }
        parts
    }

    fn clear(&mut self) {
        self.slots.clear();
        self.index.clear();
        self.live = 0;
        self.absorbed = 0;
        self.bytes = 0;
    }
}

/// Changes grouped into runs of the same kind (replace or delete), order kept.
pub fn runs<'a>(changes: impl IntoIterator<Item = &'a Change>) -> Vec<(bool, Vec<&'a Change>)> {
    let mut runs: Vec<(bool, Vec<&Change>)> = Vec::new();
    for c in changes {
        let is_replace = matches!(c, Change::Replace { .. });
        match runs.last_mut() {
            Some((kind, v)) if *kind == is_replace => v.push(c),
            _ => runs.push((is_replace, vec![c])),
        }
    }
    runs
}

pub struct ApplyLoop {
    endpoint: Endpoint,
    conn: Conn,
    /// The other writers' connections, opened on first use (`--apply-threads` - 1).
    extra: Vec<Conn>,
    /// Writers for one flush: `--apply-threads` when keys are independent, else 1.
    writers: usize,
    /// Whether the first parallel flush was logged.
    said_parallel: bool,
    allow_lossy: bool,
    plan: Arc<Plan>,
    tunables: Arc<Tunables>,
    progress: Arc<Progress>,
    rx: Receiver<StreamMsg>,
    out: Sender<Applied>,
    stop: Arc<AtomicBool>,
    retries: u32,
    mysql8: bool,
    pending: Pending,
    /// The end of the last transaction whose changes are all in `pending` (or applied).
    pending_pos: Option<BinlogPos>,
    /// Changes to rows the copy has not reached are left to it.
    frontier: Arc<Frontier>,
}

impl ApplyLoop {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        endpoint: &Endpoint,
        plan: Arc<Plan>,
        tunables: Arc<Tunables>,
        progress: Arc<Progress>,
        rx: Receiver<StreamMsg>,
        out: Sender<Applied>,
        stop: Arc<AtomicBool>,
        retries: u32,
        mysql8: bool,
        allow_lossy: bool,
        threads: usize,
        frontier: Arc<Frontier>,
    ) -> Result<ApplyLoop> {
        let conn = open_writer(endpoint, allow_lossy)?;
        let writers = if plan.keys_independent() { threads.max(1) } else { 1 };
        if threads > 1 && writers == 1 {
            log::info!(
                "applying changes on one connection: the key's collation or another unique key on the ghost makes the order across keys matter"
            );
        }
        Ok(ApplyLoop {
            endpoint: endpoint.clone(),
            conn,
            extra: Vec::new(),
            writers,
            said_parallel: false,
            allow_lossy,
            plan,
            tunables,
            progress,
            rx,
            out,
            stop,
            retries,
            mysql8,
            pending: Pending::default(),
            pending_pos: None,
            frontier,
        })
    }

    /// Runs until the streamer's channel closes or `stop` is set. On `stop` what is pending is
    /// dropped, not written: after a cut-over the binlog carries the *new* table's changes,
    /// and after a failure the ghost table is left as it is (its last applied position is
    /// what counts).
    pub fn run(mut self) -> Result<()> {
        loop {
            if self.stop.load(Ordering::Relaxed) {
                return Ok(());
            }
            if self.progress.hibernating.load(Ordering::Relaxed) {
                // critical-load hibernation: no writes at all
                std::thread::sleep(Duration::from_millis(100));
                continue;
            }
            let msg = match self.rx.recv_timeout(Duration::from_millis(100)) {
                Ok(m) => m,
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => return Ok(()),
            };
            let mut next = Some(msg);
            // Absorb what is already waiting, up to a transaction's worth.
            while let Some(m) = next.take() {
                match m {
                    StreamMsg::Changes(v) => {
                        for c in v {
                            if self.leave_to_copy(&c) {
                                self.pending.absorb_without_write(&c);
                                self.progress.changes_left_to_copy.fetch_add(1, Ordering::Relaxed);
                            } else {
                                self.pending.push(c);
                            }
                        }
                    }
                    StreamMsg::TxnEnd(pos) | StreamMsg::Position(pos) => self.pending_pos = Some(pos),
                    StreamMsg::Marker(s) => {
                        self.flush()?;
                        self.report(Applied::Marker(s))?;
                    }
                    StreamMsg::Ddl(q) => {
                        self.flush()?;
                        self.report(Applied::Ddl(q))?;
                    }
                }
                if self.pending.len() < MAX_PENDING {
                    next = self.rx.try_recv().ok();
                }
            }
            self.flush()?;
        }
    }

    /// Whether the copy will bring this change (its row is ahead of every chunk handed out).
    fn leave_to_copy(&self, c: &Change) -> bool {
        match c {
            Change::Replace { row, .. } => {
                self.frontier.leave_to_copy(&self.plan.key.iter().map(|&i| &row[i]).collect::<Vec<_>>())
            }
            Change::Delete { values, .. } => self.frontier.leave_to_copy(&values.iter().collect::<Vec<_>>()),
        }
    }

    fn report(&self, a: Applied) -> Result<()> {
        self.out.send(a).map_err(|_| Error::aborted("the migrator stopped"))
    }

    /// Writes everything pending, retrying it whole on transient errors.
    fn flush(&mut self) -> Result<()> {
        if !self.pending.is_empty() {
            let mut attempt = 0;
            loop {
                match self.write_pending() {
                    Ok(()) => break,
                    Err(_) if self.stop.load(Ordering::Relaxed) => return Ok(()),
                    // 1146: the ghost is briefly renamed during a cut-over attempt (one that
                    // lost its lock gives it its name back)
                    Err(e) if (e.is_transient() || e.code == Some(1146)) && attempt < self.retries => {
                        attempt += 1;
                        warn!("applying {} changes failed ({e}); retrying (attempt {attempt})", self.pending.len());
                        let _ = self.conn.query_drop("ROLLBACK");
                        // the other writers reconnect on next use (a dropped session rolls back)
                        self.extra.clear();
                        std::thread::sleep(Duration::from_millis(50 * attempt.min(20) as u64));
                        if self.conn.ping().is_err() {
                            self.conn = open_writer(&self.endpoint, self.allow_lossy)?;
                        }
                    }
                    Err(e) => {
                        let _ = self.conn.query_drop("ROLLBACK");
                        self.extra.clear();
                        return Err(e.context("applying binlog changes to the ghost table"));
                    }
                }
            }
        }
        self.progress.events_applied.fetch_add(self.pending.absorbed, Ordering::Relaxed);
        self.progress.queued_bytes.fetch_sub(self.pending.bytes, Ordering::Relaxed);
        self.pending.clear();
        if let Some(pos) = self.pending_pos.take() {
            *self.progress.applied_pos.lock().unwrap_or_else(|e| e.into_inner()) = Some(pos);
        }
        Ok(())
    }

    /// Writes what is pending: on one connection, or, when it is large and the keys are
    /// independent, partitioned by key over several connections. A partial failure is
    /// harmless: the whole flush is retried, and replaying row images is idempotent; the
    /// applied position moves only when every statement of every partition committed.
    fn write_pending(&mut self) -> Result<()> {
        let b = Builder::new(&self.plan, self.mysql8);
        let batch = self.tunables.dml_batch_size().max(1);
        let n = if self.pending.len() >= PARALLEL_MIN { self.writers } else { 1 };
        if n == 1 {
            write_changes(&mut self.conn, &b, batch, self.pending.changes())?;
        } else {
            if !self.said_parallel {
                self.said_parallel = true;
                log::info!("applying a backlog of {} changes on {n} connections in parallel", self.pending.len());
            }
            while self.extra.len() < n - 1 {
                self.extra.push(open_writer(&self.endpoint, self.allow_lossy)?);
            }
            let mut parts = self.pending.partitions(n).into_iter();
            let first = parts.next().unwrap_or_default();
            let b = &b;
            std::thread::scope(|s| -> Result<()> {
                let handles: Vec<_> = self
                    .extra
                    .iter_mut()
                    .zip(parts)
                    .map(|(conn, part)| s.spawn(move || write_changes(conn, b, batch, part)))
                    .collect();
                let mut result = write_changes(&mut self.conn, b, batch, first);
                for h in handles {
                    let r = h.join().unwrap_or_else(|_| Err(Error::failed("an apply writer panicked")));
                    if result.is_ok() {
                        result = r;
                    }
                }
                result
            })?;
        }
        crate::fault::point("apply.batch")
    }
}

/// Flushes with at least this many distinct keys are split over the writers; smaller ones are
/// not worth the extra round trips.
const PARALLEL_MIN: usize = 256;

fn open_writer(endpoint: &Endpoint, allow_lossy: bool) -> Result<Conn> {
    let mut conn = endpoint.connect("apply")?;
    // Writes by exact key only: no gap locks needed, fewer deadlocks between writers and with
    // the copy.
    conn.query_drop("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED")?;
    if allow_lossy {
        // --allow-lossy: values that do not fit are converted, as by the copy
        crate::db::relax_strict(&mut conn)?;
    }
    Ok(conn)
}

/// One statement of a flush: a multi-row REPLACE (or DELETE) of these changes.
struct Statement<'a> {
    is_replace: bool,
    rows: &'a [&'a Change],
}

/// Writes `changes` (in order): each run of replaces (deletes) as multi-row statements of at
/// most `batch` rows, grouped into transactions of about [`GROUP_ROWS`] rows. Row locks on
/// the ghost are held for one group, not a whole flush, which keeps deadlocks with the copy's
/// chunks rare and cheap: a group that deadlocks or times out on a lock is run again (the
/// images are idempotent; the applied position moves only after the whole flush).
fn write_changes<'a>(
    conn: &mut Conn,
    b: &Builder,
    batch: usize,
    changes: impl IntoIterator<Item = &'a Change>,
) -> Result<()> {
    let ncols = b.plan().columns.len();
    let nkey = b.plan().key.len();
    let runs = runs(changes);
    let mut statements = Vec::new();
    for (is_replace, changes) in &runs {
        let per_row = if *is_replace { ncols } else { nkey };
        let max_rows = batch.min((MAX_PLACEHOLDERS / per_row).max(1));
        statements.extend(changes.chunks(max_rows).map(|rows| Statement { is_replace: *is_replace, rows }));
    }
    let mut start = 0;
    while start < statements.len() {
        let mut end = start;
        let mut rows = 0;
        while end < statements.len() && (end == start || rows + statements[end].rows.len() <= GROUP_ROWS) {
            rows += statements[end].rows.len();
            end += 1;
        }
        let mut attempt = 0u64;
        loop {
            match write_group(conn, b, &statements[start..end]) {
                Ok(()) => break,
                Err(e) => {
                    let _ = conn.query_drop("ROLLBACK");
                    // deadlock, lock wait timeout
                    if matches!(e.code, Some(1213) | Some(1205)) && attempt < GROUP_RETRIES {
                        attempt += 1;
                        debug!("apply: a group of {rows} rows hit {e}; running it again");
                        std::thread::sleep(Duration::from_millis(5 * attempt));
                        continue;
                    }
                    return Err(e);
                }
            }
        }
        start = end;
    }
    Ok(())
}

fn write_group(conn: &mut Conn, b: &Builder, statements: &[Statement]) -> Result<()> {
    conn.query_drop("START TRANSACTION")?;
    for st in statements {
        let what = if st.is_replace { "REPLACE" } else { "DELETE" };
        let sql = if st.is_replace { b.replace_rows(st.rows.len()) } else { b.delete_rows(st.rows.len()) };
        let mut params: Vec<Value> = Vec::new();
        for c in st.rows {
            match c {
                Change::Replace { row, .. } => params.extend(row.iter().cloned()),
                Change::Delete { values, .. } => params.extend(values.iter().cloned()),
            }
        }
        debug!("apply: {what} {} rows", st.rows.len());
        conn.exec_drop(&sql, Params::Positional(params))
            .map_err(|e| Error::from(e).context(format!("{what} of {} rows into the ghost table", st.rows.len())))?;
    }
    conn.query_drop("COMMIT")?;
    Ok(())
}

/// Rows per apply transaction (whole statements; one statement may be larger).
const GROUP_ROWS: usize = 1000;
/// Times a group is run again after a deadlock or lock wait timeout, before the whole flush
/// is retried.
const GROUP_RETRIES: u64 = 20;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::key_bytes;

    fn rep(k: &[u8], v: i64) -> Change {
        let key = key_bytes(&[&Value::Bytes(k.to_vec())]);
        Change::Replace { key, row: vec![Value::Bytes(k.to_vec()), Value::Int(v)] }
    }
    fn del(k: &[u8]) -> Change {
        let values = vec![Value::Bytes(k.to_vec())];
        Change::Delete { key: key_bytes(&values.iter().collect::<Vec<_>>()), values }
    }
    fn shape(p: &Pending) -> Vec<(bool, Vec<String>)> {
        runs(p.changes())
            .into_iter()
            .map(|(r, v)| {
                (
                    r,
                    v.iter()
                        .map(|c| match c {
                            Change::Replace { row, .. } => format!("{:?}={:?}", row[0], row[1]),
                            Change::Delete { values, .. } => format!("-{:?}", values[0]),
                        })
                        .collect(),
                )
            })
            .collect()
    }

    #[test]
    fn last_change_per_key_wins_in_binlog_order() {
        let mut p = Pending::default();
        p.push(rep(b"a", 1));
        p.push(rep(b"b", 1));
        p.push(rep(b"a", 2));
        p.push(del(b"b"));
        assert_eq!(p.len(), 2);
        assert_eq!(p.absorbed, 4);
        assert_eq!(
            shape(&p),
            vec![(true, vec!["Bytes(\"a\")=Int(2)".to_string()]), (false, vec!["-Bytes(\"b\")".to_string()])]
        );
    }

    #[test]
    fn collation_equal_keys_keep_their_order() {
        // 'A' renamed to 'a' then back: the rows must not be reordered into a state where the
        // delete of 'a' runs after the final replace of 'A'.
        let mut p = Pending::default();
        p.push(rep(b"A", 1));
        p.push(del(b"A"));
        p.push(rep(b"a", 2));
        p.push(del(b"a"));
        p.push(rep(b"A", 3));
        let s = shape(&p);
        assert_eq!(
            s,
            vec![(false, vec!["-Bytes(\"a\")".to_string()]), (true, vec!["Bytes(\"A\")=Int(3)".to_string()])]
        );
    }

    #[test]
    fn partitions_keep_each_key_in_one_partition_in_order() {
        let mut p = Pending::default();
        for i in 0..1000u32 {
            p.push(rep(format!("k{}", i % 300).as_bytes(), i as i64));
        }
        let parts = p.partitions(4);
        assert_eq!(parts.iter().map(Vec::len).sum::<usize>(), 300);
        assert!(parts.iter().all(|v| !v.is_empty()), "300 keys spread over 4 writers");
        for part in &parts {
            // binlog order of the last change per key is kept inside each partition
            let seq: Vec<i64> = part
                .iter()
                .map(|c| match c {
                    Change::Replace { row, .. } => mysql::from_value(row[1].clone()),
                    Change::Delete { .. } => unreachable!(),
                })
                .collect();
            assert!(seq.windows(2).all(|w| w[0] < w[1]));
        }
        let again = p.partitions(4);
        for (a, b) in parts.iter().zip(&again) {
            assert_eq!(a.iter().map(|c| c.key()).collect::<Vec<_>>(), b.iter().map(|c| c.key()).collect::<Vec<_>>());
        }
    }

    #[test]
    fn runs_group_consecutive_kinds() {
        let mut p = Pending::default();
        for k in [b"1", b"2"] {
            p.push(rep(k, 0));
        }
        p.push(del(b"3"));
        p.push(rep(b"4", 0));
        let kinds: Vec<(bool, usize)> = runs(p.changes()).into_iter().map(|(r, v)| (r, v.len())).collect();
        assert_eq!(kinds, vec![(true, 2), (false, 1), (true, 1)]);
    }
}
