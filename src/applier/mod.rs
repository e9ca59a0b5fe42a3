//! The Applier: everything ghost-rs writes, on the applier server (the primary by default).
//!
//! * this module: the ghost table (created `LIKE` the original, then altered), the changelog
//!   table and its heartbeat and state rows, dropping them again;
//! * [`copy`]: the row copy, chunk by chunk along the shared key;
//! * [`apply`]: the binlog changes, coalesced and written in batches;
//! * [`frontier`]: which of those changes the copy will bring anyway;
//! * [`deferred`]: secondary indexes built after the copy (`--defer-secondary-indexes`).
//!
//! ghost-rs never writes the original table: only the cut-over's RENAME touches it.

pub mod apply;
pub mod copy;
pub mod deferred;
pub mod frontier;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use log::{debug, info, warn};
use mysql::prelude::Queryable;
use mysql::Conn;

use crate::alter::AlterPlan;
use crate::checkpoint::Checkpoint;
use crate::config::Config;
use crate::db::{Endpoint, ServerInfo};
use crate::error::{Context, Error, Result};
use crate::plan::{Plan, TableNames};
use crate::progress::unix_nanos;
use crate::schema::Table;
use crate::sql;

/// The comment that marks the sentry table of the atomic cut-over (so that ghost-rs never
/// drops a table of the same name that is not its own).
pub const SENTRY_COMMENT: &str = "ghost-rs cut-over sentry";
pub const CHANGELOG_COMMENT: &str = "ghost-rs changelog";

pub struct Applier {
    pub endpoint: Endpoint,
    pub info: ServerInfo,
    conn: Conn,
    database: String,
}

impl Applier {
    pub fn connect(endpoint: &Endpoint, info: &ServerInfo, database: &str) -> Result<Applier> {
        let conn = endpoint.connect("applier")?;
        Ok(Applier { endpoint: endpoint.clone(), info: info.clone(), conn, database: database.to_string() })
    }

    fn exec_ddl(&mut self, what: &str, statement: &str) -> Result<()> {
        debug!("{what}: {statement}");
        self.conn.query_drop(statement).with_context(|| format!("{what} on {}", self.endpoint))
    }

    pub fn table_exists(&mut self, name: &str) -> Result<bool> {
        let db = self.database.clone();
        Table::exists(&mut self.conn, &db, name)
    }

    pub fn drop_table(&mut self, name: &str) -> Result<()> {
        let stmt = format!("DROP TABLE IF EXISTS {}", sql::table(&self.database, name));
        self.exec_ddl("dropping a table", &stmt)
    }

    /// Checks for leftovers of an earlier run, creates the ghost table, runs the ALTER on it,
    /// reads it back and pairs it with the original. On any failure after the ghost exists,
    /// the ghost is dropped again: nothing is left behind by a refused plan.
    pub fn prepare_ghost(&mut self, cfg: &Config, orig: &Table, alter: &AlterPlan, names: TableNames) -> Result<Plan> {
        let ghost = names.ghost.clone();
        let (cut_gho, cut_del) = crate::cutover::transient_names(&orig.name);
        for (name, drop_flag, flag) in [
            (&names.ghost, cfg.initially_drop_ghost_table, "--initially-drop-ghost-table"),
            (&cut_gho, cfg.initially_drop_ghost_table, "--initially-drop-ghost-table"),
            (&names.changelog, cfg.initially_drop_ghost_table, "--initially-drop-ghost-table"),
            (&names.old, cfg.initially_drop_old_table, "--initially-drop-old-table"),
            (&cut_del, cfg.initially_drop_old_table, "--initially-drop-old-table"),
        ] {
            if self.table_exists(name)? {
                if drop_flag {
                    info!("dropping {} ({flag})", sql::table(&self.database, name));
                    self.drop_table(name)?;
                } else {
                    return Err(Error::refused(format!(
                        "table {} already exists on {}",
                        sql::table(&self.database, name),
                        self.endpoint
                    ))
                    .hint(format!(
                        "it is probably left from an earlier run: drop it, or run again with {flag} (check first that no other migration of this table is running)"
                    )));
                }
            }
        }
        let create = format!(
            "CREATE TABLE {} LIKE {}",
            sql::table(&self.database, &ghost),
            sql::table(&orig.database, &orig.name)
        );
        self.exec_ddl("creating the ghost table", &create)?;
        match self.alter_and_plan(cfg, orig, alter, names) {
            Ok(plan) => Ok(plan),
            Err(e) => {
                if let Err(d) = self.drop_table(&ghost) {
                    warn!("could not drop the ghost table {} again: {d}", sql::ident(&ghost));
                }
                Err(e)
            }
        }
    }

    fn alter_and_plan(&mut self, cfg: &Config, orig: &Table, alter: &AlterPlan, names: TableNames) -> Result<Plan> {
        let stmt = format!("ALTER TABLE {} {}", sql::table(&self.database, &names.ghost), alter.statement);
        debug!("altering the ghost table: {stmt}");
        if let Err(e) = self.conn.query_drop(&stmt) {
            let e: Error = e.into();
            return Err(Error::refused(format!("the ALTER failed on the ghost table: {}", e.message))
                .context(format!("running {stmt}"))
                .hint("fix the --alter; nothing was changed on the original table"));
        }
        let db = self.database.clone();
        let ghost = Table::read(&mut self.conn, &db, &names.ghost)?;
        Plan::new(orig.clone(), ghost, names, alter, cfg.approve_renamed_columns, cfg.skip_renamed_columns)
    }

    /// Raises the ghost's next AUTO_INCREMENT value to the original's, so that ids the original
    /// has handed out (rows deleted since included) are not handed out again after the
    /// cut-over. Done after the ghost is created (as gh-ost does) and again just before the
    /// cut-over; not when the ALTER sets AUTO_INCREMENT itself.
    pub fn carry_auto_increment(&mut self, plan: &Plan) -> Result<()> {
        if plan.alter_sets_auto_increment {
            return Ok(());
        }
        if self.info.flavor == crate::db::Flavor::MySql {
            // MySQL caches information_schema table statistics for a day by default
            self.conn.query_drop("SET SESSION information_schema_stats_expiry = 0")?;
        }
        let q = "SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?";
        let mut next = |name: &str| -> Result<Option<u64>> {
            let v: Option<Option<u64>> =
                self.conn.exec_first(q, (&self.database, name)).context("reading AUTO_INCREMENT")?;
            Ok(v.flatten())
        };
        let (Some(orig), Some(ghost)) = (next(&plan.orig.name)?, next(&plan.ghost_name)?) else { return Ok(()) };
        if orig > ghost {
            let stmt = format!("ALTER TABLE {} AUTO_INCREMENT = {orig}", sql::table(&self.database, &plan.ghost_name));
            self.exec_ddl("carrying AUTO_INCREMENT over to the ghost table", &stmt)?;
            info!("ghost table AUTO_INCREMENT raised to {orig}, the original's");
        }
        Ok(())
    }

    /// The changelog table: heartbeats (id 1) and state transitions (id 2), read back from the
    /// binlog by the streamer.
    pub fn create_changelog(&mut self, plan: &Plan) -> Result<()> {
        let stmt = format!(
            "CREATE TABLE {} (\
             id BIGINT UNSIGNED NOT NULL, \
             last_update TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), \
             hint VARCHAR(64) CHARACTER SET ascii NOT NULL, \
             value TEXT CHARACTER SET ascii NOT NULL, \
             PRIMARY KEY (id), UNIQUE KEY hint_uidx (hint)\
             ) ENGINE=InnoDB COMMENT={}",
            sql::table(&self.database, &plan.changelog_name),
            sql::literal(CHANGELOG_COMMENT)
        );
        self.exec_ddl("creating the changelog table", &stmt)
    }

    /// The checkpoint of an interrupted run of the same migration, if its ghost and changelog
    /// tables are still there.
    pub fn find_checkpoint(&mut self, names: &TableNames, migration: u64) -> Result<Option<Checkpoint>> {
        if !self.table_exists(&names.ghost)? || !self.table_exists(&names.changelog)? {
            return Ok(None);
        }
        let v: Option<Vec<u8>> = self
            .conn
            .query_first(format!(
                "SELECT value FROM {} WHERE hint = 'checkpoint'",
                sql::table(&self.database, &names.changelog)
            ))
            .context("reading the checkpoint of an earlier run")?;
        Ok(v.and_then(|b| Checkpoint::decode(&String::from_utf8_lossy(&b))).filter(|c| c.migration == migration))
    }

    /// The plan of a resumed run: the ghost table is the one the interrupted run created.
    pub fn resume_plan(&mut self, cfg: &Config, orig: &Table, alter: &AlterPlan, names: TableNames) -> Result<Plan> {
        let db = self.database.clone();
        let ghost = Table::read(&mut self.conn, &db, &names.ghost)?;
        Plan::new(orig.clone(), ghost, names, alter, cfg.approve_renamed_columns, cfg.skip_renamed_columns)
    }

    /// Drops the ghost's plain secondary indexes until the copy is done (see [`deferred`]).
    pub fn defer_indexes(&mut self, plan: &Plan) -> Result<Vec<deferred::IndexDef>> {
        deferred::defer(&mut self.conn, plan)
    }

    /// Forgets the deferred indexes once they are built and checked (see [`deferred`]).
    pub fn deferred_indexes_built(&mut self, plan: &Plan) -> Result<()> {
        deferred::done(&mut self.conn, plan)
    }

    /// Stops the statement running on connection `id` (ghost-rs's own).
    pub fn kill_query(&mut self, id: u32) -> Result<()> {
        self.conn.query_drop(format!("KILL QUERY {id}")).context("stopping a statement of ghost-rs")
    }

    pub fn write_checkpoint(&mut self, plan: &Plan, c: &Checkpoint) -> Result<()> {
        write_changelog(&mut self.conn, &self.database, &plan.changelog_name, 3, "checkpoint", &c.encode())
    }

    /// Writes a state value; the streamer sends it on as a marker when it reads it back.
    pub fn write_state(&mut self, plan: &Plan, value: &str) -> Result<()> {
        write_changelog(&mut self.conn, &self.database, &plan.changelog_name, 2, "state", value)
    }
}

fn write_changelog(conn: &mut Conn, db: &str, changelog: &str, id: u64, hint: &str, value: &str) -> Result<()> {
    conn.exec_drop(
        format!("REPLACE INTO {} (id, hint, value) VALUES (?, ?, ?)", sql::table(db, changelog)),
        (id, hint, value),
    )
    .with_context(|| format!("writing the changelog ({hint})"))
}

/// Writes a heartbeat (the current time in nanoseconds) every `interval` until `stop`.
/// Failures are logged and retried: the lag simply grows, and the throttler sees it.
pub fn run_heartbeat(endpoint: Endpoint, db: String, changelog: String, interval: Duration, stop: Arc<AtomicBool>) {
    let mut conn: Option<Conn> = None;
    while !stop.load(Ordering::Relaxed) {
        if conn.is_none() {
            conn = endpoint.connect("heartbeat").map_err(|e| warn!("heartbeat: {e}")).ok();
        }
        if let Some(c) = conn.as_mut() {
            if let Err(e) = write_changelog(c, &db, &changelog, 1, "heartbeat", &unix_nanos().to_string()) {
                warn!("heartbeat: {e}");
                conn = None;
            }
        }
        std::thread::sleep(interval);
    }
}
