//! The cut-over: the moment the ghost table takes the original's name.
//!
//! **Atomic** (the default, gh-ost's algorithm):
//!
//! 1. create the sentry table under the old table's name (`_t_del`): as long as it exists, a
//!    `RENAME orig TO _t_del` fails, so a rename that runs at the wrong moment cannot happen;
//! 2. the lock session takes a named lock (one cut-over per table at a time) and
//!    `LOCK TABLES orig WRITE, _t_del WRITE`: from here the application's writes wait;
//! 3. the changes up to the lock are applied: a marker is written to the changelog and the
//!    apply loop acknowledges it once everything before it is in the ghost table;
//! 4. a second session issues `RENAME TABLE orig TO _t_del, _t_gho TO orig`, which blocks on
//!    the lock; the lock session sees it waiting in the processlist (polled every millisecond,
//!    no fixed sleeps);
//! 5. the lock session drops the sentry and unlocks: the waiting RENAME, an exclusive metadata
//!    lock request, goes before the queued writes, which then run against the new table.
//!
//! Every wait has the `--cut-over-lock-timeout-seconds` budget. On any failure the lock
//! session unlocks (or dies, which unlocks), the rename session is killed, and the sentry makes
//! a late rename fail: the original table is intact and writable, and the migrator retries.
//! When a connection is lost at the wrong moment, [`swapped`] looks at the tables to decide
//! whether the rename happened.
//!
//! **Two-step** (`--cut-over two-step`): lock both tables, apply up to the lock, rename the
//! original away and the ghost in under the lock session, unlock.
//!
//! Talks to: the applier server (two sessions of its own); the migrator's `sync` callback
//! writes the marker and waits for the apply loop.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use crossbeam_channel::bounded;
use log::{debug, info, warn};
use mysql::prelude::Queryable;
use mysql::Conn;

use crate::applier::SENTRY_COMMENT;
use crate::db::Endpoint;
use crate::error::{Context, Error, Result};
use crate::plan::Plan;
use crate::progress::Progress;
use crate::sql;

pub struct CutOver<'a> {
    pub endpoint: &'a Endpoint,
    pub plan: &'a Plan,
    pub lock_timeout: Duration,
    pub progress: &'a Progress,
}

/// Waits until every change logged before this call is applied to the ghost table.
pub type Sync<'s> = dyn FnMut(Duration) -> Result<()> + 's;

impl CutOver<'_> {
    fn db(&self) -> &str {
        &self.plan.orig.database
    }
    fn orig(&self) -> String {
        sql::table(self.db(), &self.plan.orig.name)
    }
    fn old(&self) -> String {
        sql::table(self.db(), &self.plan.old_name)
    }
    fn ghost(&self) -> String {
        sql::table(self.db(), &self.plan.ghost_name)
    }

    /// The named lock that keeps two cut-overs of one table apart (at most 64 characters).
    fn lock_name(&self) -> String {
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
                .hint("is another migration of this table cutting over? ghost-rs retries"));
        }
        let result = self.atomic_locked(&mut lock, sync);
        let _ = lock.exec_drop("DO RELEASE_LOCK(?)", (self.lock_name(),));
        result
    }

    fn atomic_locked(&self, lock: &mut Conn, sync: &mut Sync<'_>) -> Result<()> {
        let secs = self.lock_timeout.as_secs().max(1);
        // 1. the sentry
        if self.table_comment(lock, &self.plan.old_name)?.as_deref() == Some(SENTRY_COMMENT) {
            lock.query_drop(format!("DROP TABLE {}", self.old()))?;
        }
        lock.query_drop(format!(
            "CREATE TABLE {} (id INT AUTO_INCREMENT PRIMARY KEY) ENGINE=InnoDB COMMENT={}",
            self.old(),
            sql::literal(SENTRY_COMMENT)
        ))
        .context("creating the cut-over sentry table (is a table of the old table's name left from an earlier run?)")?;

        let mut rename = match self.endpoint.connect("cut-over rename session") {
            Ok(c) => c,
            Err(e) => {
                self.drop_sentry(lock);
                return Err(e);
            }
        };
        let rename_id = rename.connection_id();
        rename.query_drop(format!("SET SESSION lock_wait_timeout = {}", secs * 2))?;

        // 2. lock
        lock.query_drop(format!("SET SESSION lock_wait_timeout = {secs}"))?;
        let locked_at = Instant::now();
        if let Err(e) = lock.query_drop(format!("LOCK TABLES {} WRITE, {} WRITE", self.orig(), self.old())) {
            self.drop_sentry(lock);
            return Err(Error::from(e).context("locking the original table").transient());
        }
        debug!("original table locked");

        let outcome = self.swap_under_lock(lock, rename, rename_id, sync);
        match outcome {
            Ok(()) => {
                self.record_lock_time(locked_at);
                Ok(())
            }
            Err(e) => {
                // Unlock first: the application must get its table back within the timeout.
                let _ = lock.query_drop("UNLOCK TABLES");
                let _ = lock.query_drop(format!("KILL QUERY {rename_id}"));
                self.record_lock_time(locked_at);
                // A lost connection may have hidden a rename that did happen.
                if self.swapped(lock).unwrap_or(false) {
                    warn!("the cut-over reported an error ({e}) but the tables are swapped: the cut-over succeeded");
                    return Ok(());
                }
                self.drop_sentry(lock);
                Err(e.transient())
            }
        }
    }

    fn swap_under_lock(&self, lock: &mut Conn, mut rename: Conn, rename_id: u32, sync: &mut Sync<'_>) -> Result<()> {
        // 3. everything up to the lock into the ghost
        let t = Instant::now();
        sync(self.lock_timeout).context("applying the changes logged before the lock")?;
        debug!("changes up to the lock applied in {} ms", t.elapsed().as_millis());

        // 4. the rename, blocked by our lock
        let stmt = format!("RENAME TABLE {} TO {}, {} TO {}", self.orig(), self.old(), self.ghost(), self.orig());
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
            let state: Option<Option<Vec<u8>>> = lock
                .exec_first("SELECT STATE FROM information_schema.PROCESSLIST WHERE ID = ?", (rename_id,))
                .context("looking for the waiting RENAME in the processlist")?;
            let state = state.flatten().map(|s| String::from_utf8_lossy(&s).to_ascii_lowercase()).unwrap_or_default();
            if state.contains("metadata lock") {
                break;
            }
            if Instant::now() > deadline {
                return Err(Error::failed(format!(
                    "the RENAME was not seen waiting for the lock within {} s (state: '{state}')",
                    self.lock_timeout.as_secs()
                )));
            }
            std::thread::sleep(Duration::from_millis(1));
        }

        // 5. release: the RENAME goes first
        lock.query_drop(format!("DROP TABLE {}", self.old())).context("dropping the sentry table under the lock")?;
        lock.query_drop("UNLOCK TABLES").context("unlocking the original table")?;
        match rx.recv_timeout(self.lock_timeout * 2 + Duration::from_secs(1)) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(e.context("renaming the tables")),
            Err(_) => Err(Error::failed("the RENAME did not finish in time after the unlock")),
        }
    }

    /// `--cut-over two-step`: under one lock, rename the original away, then the ghost in.
    pub fn two_step(&self, sync: &mut Sync<'_>) -> Result<()> {
        let mut lock = self.endpoint.connect("cut-over lock session")?;
        let secs = self.lock_timeout.as_secs().max(1);
        lock.query_drop(format!("SET SESSION lock_wait_timeout = {secs}"))?;
        let locked_at = Instant::now();
        lock.query_drop(format!("LOCK TABLES {} WRITE, {} WRITE", self.orig(), self.ghost()))
            .context("locking the original and ghost tables")
            .map_err(|e| e.transient())?;
        let result = (|| -> Result<()> {
            sync(self.lock_timeout).context("applying the changes logged before the lock")?;
            lock.query_drop(format!("ALTER TABLE {} RENAME TO {}", self.orig(), self.old()))
                .context("renaming the original table away")?;
            if let Err(e) = lock.query_drop(format!("ALTER TABLE {} RENAME TO {}", self.ghost(), self.orig())) {
                // put the original back before anything can see the table missing for long
                lock.query_drop(format!("ALTER TABLE {} RENAME TO {}", self.old(), self.orig()))
                    .context("renaming the original table back after a failed two-step cut-over")?;
                return Err(Error::from(e).context("renaming the ghost table in"));
            }
            Ok(())
        })();
        let _ = lock.query_drop("UNLOCK TABLES");
        self.record_lock_time(locked_at);
        result.map_err(|e| e.transient())
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

    fn drop_sentry(&self, conn: &mut Conn) {
        let ours = self.table_comment(conn, &self.plan.old_name).ok().flatten().as_deref() == Some(SENTRY_COMMENT);
        if ours {
            if let Err(e) = conn.query_drop(format!("DROP TABLE {}", self.old())) {
                warn!("could not drop the sentry table {}: {e}", self.old());
            }
        }
    }

    /// Whether the rename happened: the ghost name is gone, and a non-sentry table holds the
    /// old name. Uses a fresh connection if `conn` is broken.
    pub fn swapped(&self, conn: &mut Conn) -> Result<bool> {
        let mut fresh;
        let c: &mut Conn = if conn.ping().is_ok() {
            conn
        } else {
            fresh = self.endpoint.connect("cut-over verification")?;
            &mut fresh
        };
        let ghost_exists = crate::schema::Table::exists(c, self.db(), &self.plan.ghost_name)?;
        let old = self.table_comment(c, &self.plan.old_name)?;
        Ok(!ghost_exists && old.is_some() && old.as_deref() != Some(SENTRY_COMMENT))
    }
}
