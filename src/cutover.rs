//! The cut-over: the moment the ghost table takes the original's name.
//!
//! **Atomic** (the default) is gh-ost's algorithm with one correction. A RENAME takes the
//! metadata locks of all its tables one at a time, in the order of their names (the server
//! sorts its lock requests). gh-ost's RENAME names `_t_del` and `_t_gho`, which sort before a
//! lowercase `t`: while the lock session holds the sentry `_t_del`, the RENAME waits there and
//! has not queued for `t` yet; when the sentry is dropped and the tables unlocked, the writes
//! queued on `t` can run on the *old* table before the RENAME asks for it, and are lost
//! (gh-ost issue #887; ghost-rs's ledger test caught it). Here every name the RENAME takes
//! sorts after `t` (`t~gho`, `t~del`: `t` followed by anything sorts after `t`), so the lock
//! the RENAME waits for is provably `t`'s, queued before the writes are released:
//!
//! 1. create the sentry under `t~del`: while it exists a `RENAME t TO t~del` fails, so a
//!    rename released at the wrong moment (the lock session died) cannot happen;
//! 2. the lock session takes a named lock (one cut-over per table at a time) and
//!    `LOCK TABLES t WRITE, t~del WRITE`: from here the application's writes wait;
//! 3. the changes up to the lock are applied (a changelog marker, acknowledged by the apply
//!    loop once everything before it is in the ghost table);
//! 4. the ghost, now quiet, is renamed to `t~gho`;
//! 5. a second session issues `RENAME TABLE t TO t~del, t~gho TO t`; it waits for `t`, its
//!    first lock; the lock session sees it waiting in the processlist (polled every ms);
//! 6. the lock session drops the sentry and unlocks: the waiting RENAME, an exclusive request
//!    that the server grants before the queued writes, swaps the tables; the queued writes then
//!    run against the new table;
//! 7. the original, now `t~del`, gets its usual name `_t_del`.
//!
//! Every wait has the `--cut-over-lock-timeout-seconds` budget. On any failure the lock
//! session unlocks (or dies, which unlocks), the rename session is stopped, the sentry makes a
//! late rename fail, and the ghost gets its name back: the original table is intact and
//! writable, and the migrator retries. When a connection is lost at the wrong moment,
//! [`CutOver::swapped`] looks at the tables to decide whether the swap happened.
//!
//! **Two-step** (`--cut-over two-step`): lock both tables, apply up to the lock, rename the
//! original away and the ghost in under the lock session, unlock. Queued writes may see the
//! table missing for that moment (as with gh-ost's two-step).
//!
//! Talks to: the applier server (sessions of its own); the migrator's `sync` callback writes
//! the marker and waits for the apply loop.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use crossbeam_channel::{bounded, Receiver};
use log::{debug, info, warn};
use mysql::prelude::Queryable;
use mysql::Conn;

use crate::applier::SENTRY_COMMENT;
use crate::db::Endpoint;
use crate::error::{Context, Error, Result};
use crate::plan::Plan;
use crate::progress::Progress;
use crate::schema::Table;
use crate::sql;

pub struct CutOver<'a> {
    pub endpoint: &'a Endpoint,
    pub plan: &'a Plan,
    pub lock_timeout: Duration,
    pub progress: &'a Progress,
    /// Read sessions from `performance_schema.threads` (MySQL: its information_schema
    /// processlist fails as soon as any session's query holds a 4-byte character).
    pub use_performance_schema: bool,
}

/// Waits until every change logged before this call is applied to the ghost table.
pub type Sync<'s> = dyn FnMut(Duration) -> Result<()> + 's;

/// A round trip through the binlog this short means the stream is current: a lock taken now
/// waits only for the changes of those few milliseconds.
const CURRENT: Duration = Duration::from_millis(50);
/// Round trips tried before a lock, at most.
const CATCH_UP_ROUNDS: u32 = 10;
/// A round trip that is not at least this much shorter than the best one before it has reached
/// its floor (a replica's lag, the time of one flush): more rounds only wait longer.
const IMPROVING: f64 = 0.8;

/// Catches up before a lock is taken: syncs until one round trip through the binlog (marker
/// written on the applier, read back from the stream, applied) is quick, so that the lock
/// does not also wait for a replica's lag or a backlog. A round trip shortens the next one
/// while a backlog drains; once it stops shortening (the floor is a replica's lag or the time
/// of one flush, which no round removes) the catch-up ends. Returns the last round trip.
pub fn catch_up(sync: &mut Sync<'_>, timeout: Duration) -> Result<Duration> {
    let mut best: Option<Duration> = None;
    let mut last = Duration::ZERO;
    for round in 1..=CATCH_UP_ROUNDS {
        let t = std::time::Instant::now();
        sync(timeout)?;
        last = t.elapsed();
        debug!("catch-up round {round}: a round trip through the binlog took {} ms", last.as_millis());
        if !still_catching_up(best, last) {
            break;
        }
        best = Some(best.map_or(last, |b| b.min(last)));
    }
    Ok(last)
}

/// [`catch_up`], then again while its last round trip is longer than `short` and the new
/// catch-up shortens it, starting none after `budget`. A replica still draining what queued
/// behind a deferred index build, under load, keeps shortening it (measured: 2105, 1978 |
/// 625, 319, 237, 198 | 282, 77, 40 ms); an apply that cannot keep up with the writes does
/// not, and is not waited out: the lock stops the writes instead.
pub fn catch_up_within(sync: &mut Sync<'_>, timeout: Duration, short: Duration, budget: Duration) -> Result<Duration> {
    let started = std::time::Instant::now();
    let mut last = catch_up(sync, timeout)?;
    while last > short && started.elapsed() < budget {
        let next = catch_up(sync, timeout)?;
        let shortened = shorter(last, next);
        last = next;
        if !shortened {
            break;
        }
    }
    Ok(last)
}

/// Whether another round trip is worth it after one of `last`, the best before it `best`.
fn still_catching_up(best: Option<Duration>, last: Duration) -> bool {
    last > CURRENT && best.is_none_or(|b| shorter(b, last))
}

/// Whether a round trip of `after` improves on one of `before` (by [`IMPROVING`]).
fn shorter(before: Duration, after: Duration) -> bool {
    after.as_secs_f64() < before.as_secs_f64() * IMPROVING
}

/// The names the atomic cut-over uses for the ghost and the sentry/old table while it runs:
/// the original's name followed by more characters, so they sort after it in the server's
/// metadata lock order.
pub fn transient_names(table: &str) -> (String, String) {
    (format!("{table}~gho"), format!("{table}~del"))
}

impl CutOver<'_> {
    fn db(&self) -> &str {
        &self.plan.orig.database
    }
    fn t(&self, name: &str) -> String {
        sql::table(self.db(), name)
    }

    /// The named lock that keeps two cut-overs of one table apart (at most 64 characters).
    pub fn lock_name(&self) -> String {
        let full = format!("ghost-rs.{}.{}", self.db(), self.plan.orig.name);
        full.chars().take(64).collect()
    }

    fn record_lock_time(&self, locked_at: Instant) {
        let ms = locked_at.elapsed().as_millis() as u64;
        self.progress.cut_over_lock_ms.fetch_max(ms, Ordering::Relaxed);
        info!("the original table was locked for {ms} ms");
    }

    pub fn atomic(&self, sync: &mut Sync<'_>) -> Result<()> {
        let mut lock = self.endpoint.connect("cut-over lock session")?;
        let got: Option<Option<i64>> = lock
            .exec_first("SELECT GET_LOCK(?, 0)", (self.lock_name(),))
            .context("taking the cut-over's named lock")?;
        if got.flatten() != Some(1) {
            return Err(Error::failed(format!("another session holds the named lock '{}'", self.lock_name()))
                .hint("is another migration of this table cutting over? ghost-rs retries")
                .transient());
        }
        let result = self.atomic_locked(&mut lock, sync);
        let _ = lock.exec_drop("DO RELEASE_LOCK(?)", (self.lock_name(),));
        result
    }

    fn atomic_locked(&self, lock: &mut Conn, sync: &mut Sync<'_>) -> Result<()> {
        let secs = self.lock_timeout.as_secs().max(1);
        let (_, del) = transient_names(&self.plan.orig.name);
        self.restore_names(lock)?;
        // the sessions first, so that nothing is left behind when one cannot be set up
        let mut rename = self.endpoint.connect("cut-over rename session")?;
        let mut side = self.endpoint.connect("cut-over ghost rename")?;
        let rename_id = rename.connection_id();
        rename.query_drop(format!("SET SESSION lock_wait_timeout = {}", secs * 2))?;
        side.query_drop(format!("SET SESSION lock_wait_timeout = {secs}"))?;
        lock.query_drop(format!("SET SESSION lock_wait_timeout = {secs}"))?;

        // 1. the sentry
        lock.query_drop(format!(
            "CREATE TABLE {} (id INT AUTO_INCREMENT PRIMARY KEY) ENGINE=InnoDB COMMENT={}",
            self.t(&del),
            sql::literal(SENTRY_COMMENT)
        ))
        .with_context(|| format!("creating the cut-over sentry table {}", self.t(&del)))?;

        // 2. lock
        let locked_at = Instant::now();
        if let Err(e) =
            lock.query_drop(format!("LOCK TABLES {} WRITE, {} WRITE", self.t(&self.plan.orig.name), self.t(&del)))
        {
            self.drop_sentry(lock);
            return Err(Error::from(e).context("locking the original table").transient());
        }
        debug!("original table locked");

        let mut pending: Option<Receiver<Result<()>>> = None;
        let outcome = self.swap_under_lock(lock, &mut side, rename, rename_id, &mut pending, sync);
        if outcome.is_ok() {
            self.record_lock_time(locked_at);
            self.finish_names(&mut side);
            return Ok(());
        }
        let e = outcome.unwrap_err();
        // Unlock first: the application must get its table back within the timeout.
        let _ = lock.query_drop("UNLOCK TABLES");
        self.record_lock_time(locked_at);
        let mut fresh = if side.ping().is_ok() { None } else { self.endpoint.connect("cut-over cleanup").ok() };
        let c: &mut Conn = match fresh.as_mut() {
            Some(f) => f,
            None => &mut side,
        };
        // The RENAME must be over, and known not to have run, before the sentry goes: a RENAME
        // still waiting when the sentry is dropped could swap the tables after writes went to
        // the old one.
        let lost_connection = |e: &Error| e.is_transient() && e.code.is_none();
        let swapped = match pending.take() {
            // never started, or over: look at the tables if a connection was lost on the way
            None if lost_connection(&e) => match self.swapped(c) {
                Ok(s) => s,
                Err(ve) => return Err(self.unknown_state(ve)),
            },
            None => false,
            Some(rx) => {
                let _ = c.query_drop(format!("KILL QUERY {rename_id}"));
                match rx.recv_timeout(self.lock_timeout * 2 + Duration::from_secs(5)) {
                    Ok(Ok(())) => true,
                    Ok(Err(re)) if lost_connection(&re) => {
                        // its connection was lost: look at the tables
                        match self.swapped(c) {
                            Ok(s) => s,
                            Err(ve) => return Err(self.unknown_state(ve)),
                        }
                    }
                    Ok(Err(_)) => false,
                    Err(_) => return Err(self.unknown_state(e)),
                }
            }
        };
        if swapped {
            warn!("the cut-over reported an error ({e}) but the tables were swapped: the cut-over succeeded");
            self.finish_names(c);
            return Ok(());
        }
        self.drop_sentry(c);
        if let Err(r) = self.restore_names(c) {
            warn!("could not give the ghost table its name back: {r}");
        }
        Err(e.transient())
    }

    /// The RENAME's outcome cannot be known: stop, leaving the sentry in place (it keeps a late
    /// RENAME from running), and say what to check.
    fn unknown_state(&self, e: Error) -> Error {
        let (gho, del) = transient_names(&self.plan.orig.name);
        Error::failed(format!("the cut-over's RENAME did not report its outcome ({e})")).hint(format!(
            "check SHOW PROCESSLIST for a RENAME of {}; when none runs: if {} exists the original is untouched \
             (drop the sentry {} and rename {} back to {}); if it does not, the swap happened",
            self.t(&self.plan.orig.name),
            self.t(&gho),
            self.t(&del),
            self.t(&gho),
            self.t(&self.plan.ghost_name)
        ))
    }

    fn swap_under_lock(
        &self,
        lock: &mut Conn,
        side: &mut Conn,
        mut rename: Conn,
        rename_id: u32,
        pending: &mut Option<Receiver<Result<()>>>,
        sync: &mut Sync<'_>,
    ) -> Result<()> {
        crate::fault::point("cutover.locked")?;
        let (gho, del) = transient_names(&self.plan.orig.name);
        let orig = self.t(&self.plan.orig.name);
        // 3. everything up to the lock into the ghost
        let t = Instant::now();
        sync(self.lock_timeout).context("applying the changes logged before the lock")?;
        debug!("changes up to the lock applied in {} ms", t.elapsed().as_millis());

        // 4. the quiet ghost takes a name that sorts after the original's (quiet only while the
        // lock is held: check the lock session is still there)
        lock.ping().map_err(|e| Error::from(e).context("the lock session was lost"))?;
        side.query_drop(format!("RENAME TABLE {} TO {}", self.t(&self.plan.ghost_name), self.t(&gho)))
            .context("renaming the ghost table for the swap")?;

        // 5. the swap, blocked by our lock on its first table
        let stmt = format!("RENAME TABLE {orig} TO {}, {} TO {orig}", self.t(&del), self.t(&gho));
        let (tx, rx) = bounded(1);
        std::thread::Builder::new()
            .name("cut-over rename".into())
            .spawn(move || {
                let r = rename.query_drop(&stmt).map_err(Error::from);
                let _ = tx.send(r);
            })
            .map_err(|e| Error::failed(format!("cannot start the rename thread: {e}")))?;
        let deadline = Instant::now() + self.lock_timeout;
        loop {
            if let Ok(r) = rx.try_recv() {
                return Err(match r {
                    Err(e) => e.context("the RENAME failed before the original table was unlocked"),
                    Ok(()) => Error::failed("the RENAME completed while the original table was locked (unexpected)"),
                });
            }
            // from the side session: MySQL refuses performance_schema to a session under LOCK TABLES
            let state = match self.session(side, rename_id) {
                Ok((state, _)) => state.to_ascii_lowercase(),
                Err(e) => {
                    *pending = Some(rx);
                    return Err(e.context("looking for the waiting RENAME in the processlist"));
                }
            };
            if state.contains("metadata lock") {
                break;
            }
            if Instant::now() > deadline {
                *pending = Some(rx);
                return Err(Error::failed(format!(
                    "the RENAME was not seen waiting for the lock within {} s (state: '{state}')",
                    self.lock_timeout.as_secs()
                )));
            }
            std::thread::sleep(Duration::from_millis(1));
        }

        // 6. release: the RENAME, queued on the original's lock, goes before the writes
        if let Err(e) = lock.query_drop(format!("DROP TABLE {}", self.t(&del))) {
            *pending = Some(rx);
            return Err(Error::from(e).context("dropping the sentry table under the lock"));
        }
        if let Err(e) = lock.query_drop("UNLOCK TABLES") {
            // the lock session is gone: its locks are released, the RENAME goes on
            *pending = Some(rx);
            return Err(Error::from(e).context("unlocking the original table"));
        }
        match rx.recv_timeout(self.lock_timeout * 2 + Duration::from_secs(1)) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(e.context("renaming the tables")),
            Err(_) => {
                *pending = Some(rx);
                Err(Error::failed("the RENAME did not finish in time after the unlock"))
            }
        }
    }

    /// 7. the original, now under the transient name, gets the usual old name.
    fn finish_names(&self, conn: &mut Conn) {
        let (_, del) = transient_names(&self.plan.orig.name);
        let r = conn.query_drop(format!("RENAME TABLE {} TO {}", self.t(&del), self.t(&self.plan.old_name)));
        if let Err(e) = r {
            warn!(
                "the original table is kept as {} (renaming it to {} failed: {e})",
                self.t(&del),
                self.t(&self.plan.old_name)
            );
        }
    }

    /// Puts back what an interrupted attempt left: the ghost under its transient name, a
    /// sentry.
    fn restore_names(&self, conn: &mut Conn) -> Result<()> {
        let (gho, _) = transient_names(&self.plan.orig.name);
        if Table::exists(conn, self.db(), &gho)? && !Table::exists(conn, self.db(), &self.plan.ghost_name)? {
            conn.query_drop(format!("RENAME TABLE {} TO {}", self.t(&gho), self.t(&self.plan.ghost_name)))
                .context("giving the ghost table its name back")?;
        }
        self.drop_sentry(conn);
        Ok(())
    }

    /// The state and the statement of session `id` (empty when it is idle or gone).
    fn session(&self, conn: &mut Conn, id: u32) -> Result<(String, String)> {
        let sql = if self.use_performance_schema {
            "SELECT PROCESSLIST_STATE, PROCESSLIST_INFO FROM performance_schema.threads WHERE PROCESSLIST_ID = ?"
        } else {
            "SELECT STATE, INFO FROM information_schema.PROCESSLIST WHERE ID = ?"
        };
        type Session = (Option<Vec<u8>>, Option<Vec<u8>>);
        let row: Option<Session> = conn.exec_first(sql, (id,))?;
        let text = |b: Option<Vec<u8>>| b.map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default();
        Ok(row.map(|(s, i)| (text(s), text(i))).unwrap_or_default())
    }

    /// The renames a two-step attempt may run: the original away, the ghost in, and the
    /// original back after a failed attempt (on the lock session, else on the other one).
    /// The binlog brings them back as DDL on the original: ghost-rs's own, not a foreign change.
    pub fn two_step_renames(plan: &Plan) -> [String; 4] {
        let t = |n: &str| sql::table(&plan.orig.database, n);
        let (orig, ghost, old) = (t(&plan.orig.name), t(&plan.ghost_name), t(&plan.old_name));
        [
            format!("ALTER TABLE {orig} RENAME TO {old}"),
            format!("RENAME TABLE {ghost} TO {orig}"),
            format!("ALTER TABLE {old} RENAME TO {orig}"),
            format!("RENAME TABLE {old} TO {orig}"),
        ]
    }

    /// `--cut-over two-step`: lock the original, apply up to the lock, rename it away under
    /// the lock, rename the ghost in from a second session, unlock. Between the two renames
    /// (milliseconds) the table does not exist: queued writes fail rather than wait.
    pub fn two_step(&self, sync: &mut Sync<'_>) -> Result<()> {
        let mut lock = self.endpoint.connect("cut-over lock session")?;
        let mut side = self.endpoint.connect("cut-over ghost rename")?;
        let secs = self.lock_timeout.as_secs().max(1);
        let (orig, old) = (self.t(&self.plan.orig.name), self.t(&self.plan.old_name));
        let [away, ghost_in, back_locked, back_side] = Self::two_step_renames(self.plan);
        lock.query_drop(format!("SET SESSION lock_wait_timeout = {secs}"))?;
        side.query_drop(format!("SET SESSION lock_wait_timeout = {secs}"))?;
        let locked_at = Instant::now();
        lock.query_drop(format!("LOCK TABLES {orig} WRITE"))
            .context("locking the original table")
            .map_err(|e| e.transient())?;
        // the one failure not to retry: the original left under another name
        let mut stranded = false;
        let result = (|| -> Result<()> {
            crate::fault::point("cutover.locked")?;
            sync(self.lock_timeout).context("applying the changes logged before the lock")?;
            lock.query_drop(&away).context("renaming the original table away")?;
            // (a failure injected here takes the same way back as a failed rename)
            let rename_in = crate::fault::point("cutover.twostep.between")
                .and_then(|()| side.query_drop(&ghost_in).map_err(Error::from));
            if let Err(e) = rename_in {
                // put the original back: MySQL keeps it locked by this session under its new
                // name; MariaDB releases it from LOCK TABLES at the rename (error 1100 here), and
                // the other session renames it then
                let back = lock.query_drop(&back_locked).or_else(|_| side.query_drop(&back_side));
                if let Err(back) = back {
                    stranded = true;
                    return Err(Error::failed(format!(
                        "the two-step cut-over could not rename the ghost table in ({e}) nor the original back ({back}): the original table is now named {old}"
                    ))
                    .hint(format!("rename it back at once: RENAME TABLE {old} TO {orig}; then run ghost-rs again")));
                }
                return Err(e.context("renaming the ghost table in"));
            }
            Ok(())
        })();
        let _ = lock.query_drop("UNLOCK TABLES");
        self.record_lock_time(locked_at);
        result.map_err(|e| if stranded { e } else { e.transient() })
    }

    /// `--test-on-replica`: replication is already stopped, so nothing changes the original;
    /// apply up to now, swap the tables and swap them back in two atomic RENAMEs. This proves
    /// the swap works and leaves the migrated table as the ghost, beside the original, for
    /// comparison.
    pub fn swap_and_back(&self, sync: &mut Sync<'_>) -> Result<()> {
        let mut conn = self.endpoint.connect("test-on-replica cut-over")?;
        conn.query_drop(format!("SET SESSION lock_wait_timeout = {}", self.lock_timeout.as_secs().max(1)))?;
        sync(self.lock_timeout).context("applying the changes up to the replication stop")?;
        let (orig, ghost, old) =
            (self.t(&self.plan.orig.name), self.t(&self.plan.ghost_name), self.t(&self.plan.old_name));
        let started = Instant::now();
        conn.query_drop(format!("RENAME TABLE {orig} TO {old}, {ghost} TO {orig}")).context("swapping the tables")?;
        conn.query_drop(format!("RENAME TABLE {orig} TO {ghost}, {old} TO {orig}"))
            .context("swapping the tables back")?;
        info!("tables swapped and swapped back in {} ms", started.elapsed().as_millis());
        Ok(())
    }

    fn table_comment(&self, conn: &mut Conn, name: &str) -> Result<Option<String>> {
        let c: Option<Vec<u8>> = conn
            .exec_first(
                "SELECT TABLE_COMMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?",
                (self.db(), name),
            )
            .context("reading a table comment")?;
        Ok(c.map(|b| String::from_utf8_lossy(&b).into_owned()))
    }

    /// Drops the sentry, and only the sentry (never a table of that name that is not ours).
    fn drop_sentry(&self, conn: &mut Conn) {
        let (_, del) = transient_names(&self.plan.orig.name);
        let ours = self.table_comment(conn, &del).ok().flatten().as_deref() == Some(SENTRY_COMMENT);
        if ours {
            if let Err(e) = conn.query_drop(format!("DROP TABLE {}", self.t(&del))) {
                warn!("could not drop the sentry table {}: {e}", self.t(&del));
            }
        }
    }

    /// Whether the swap happened: the ghost is gone under both of its names, and the original
    /// (not the sentry) is under the transient old name or the usual one. Uses a fresh
    /// connection if `conn` is broken.
    pub fn swapped(&self, conn: &mut Conn) -> Result<bool> {
        let mut fresh;
        let c: &mut Conn = if conn.ping().is_ok() {
            conn
        } else {
            fresh = self.endpoint.connect("cut-over verification")?;
            &mut fresh
        };
        let (gho, del) = transient_names(&self.plan.orig.name);
        if Table::exists(c, self.db(), &self.plan.ghost_name)? || Table::exists(c, self.db(), &gho)? {
            return Ok(false);
        }
        for old in [&del, &self.plan.old_name] {
            if let Some(comment) = self.table_comment(c, old)? {
                if comment != SENTRY_COMMENT {
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catch_up_stops_when_current_or_no_longer_improving() {
        let ms = Duration::from_millis;
        // a draining backlog: each round shorter
        assert!(still_catching_up(None, ms(3000)));
        assert!(still_catching_up(Some(ms(3000)), ms(900)));
        // current
        assert!(!still_catching_up(Some(ms(900)), ms(40)));
        assert!(!still_catching_up(None, ms(50)));
        // the floor: a replica's lag of about 1 s, or a flush of 400 ms
        assert!(!still_catching_up(Some(ms(1000)), ms(950)));
        assert!(!still_catching_up(Some(ms(400)), ms(420)));
        // a round slower than the best does not reset it
        assert!(!still_catching_up(Some(ms(400)), ms(2000)));
    }

    #[test]
    fn a_second_catch_up_counts_only_when_it_shortens_the_round_trip() {
        let ms = Duration::from_millis;
        // a replica draining what queued behind a deferred build (measured: 1304, then 431 ms)
        assert!(shorter(ms(1304), ms(431)));
        // an apply that cannot keep up: the round trip grows, the lock comes at once
        assert!(!shorter(ms(2174), ms(2500)));
        assert!(!shorter(ms(500), ms(450)));
    }

    /// The server's metadata lock order for tables of one database: the name bytes, a name
    /// sorting before any longer name it is a prefix of.
    fn mdl_before(a: &str, b: &str) -> bool {
        let mut ka = a.as_bytes().to_vec();
        ka.push(0);
        let mut kb = b.as_bytes().to_vec();
        kb.push(0);
        ka < kb
    }

    #[test]
    fn transient_names_sort_after_the_original() {
        for t in ["t", "orders", "Orders", "_t", "__", "9lives", "zz", "prénom", "名前", "a`b", "T", "~"] {
            let (g, d) = transient_names(t);
            assert!(mdl_before(t, &g) && mdl_before(t, &d), "{t}: {g} {d}");
            // the conventional names do not, for most tables: the reason for this design
        }
        assert!(mdl_before("_t_del", "t"));
        assert!(mdl_before("_orders_gho", "orders"));
    }

    #[test]
    fn transient_names_fit() {
        // TableNames refuses tables over 59 characters; +4 stays within 64
        let (g, d) = transient_names(&"x".repeat(59));
        assert!(g.chars().count() <= 64 && d.chars().count() <= 64);
    }
}
