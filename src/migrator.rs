//! The Migrator: owns the phases, every thread, and every decision.
//!
//! ```text
//! validate  -> parse the ALTER, inspect (read-only)
//! prepare   -> ghost table created and altered, shared columns and key computed
//!              (a dry run prints the plan here, drops the ghost and stops)
//! stream    -> changelog created, binlog position recorded, streamer + apply loop started,
//!              a first marker read back through the binlog (proves the stream works)
//! copy      -> the row copy, while changes are applied (the apply has priority)
//! postpone  -> while the postpone flag file exists
//! cut-over  -> atomic (or two-step), retried with back-off up to --default-retries
//! clean up  -> threads stopped, changelog dropped, old table kept (or dropped)
//! ```
//!
//! Threads (each owns its connection): streamer -> apply loop (bounded channel), copy,
//! heartbeat, throttler. They report errors on one channel; the migrator is the only place
//! that decides to stop. Before the RENAME nothing has touched the original table: any failure
//! stops the threads and says what is left behind.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossbeam_channel::{bounded, unbounded, Receiver, RecvTimeoutError, Sender};
use log::{debug, info, warn};
use mysql::prelude::Queryable;

use crate::alter::{parse_alter, AlterPlan};
use crate::applier::apply::ApplyLoop;
use crate::applier::copy::{self, Copier, CopyContext, KeyBounds};
use crate::applier::deferred;
use crate::applier::frontier::Frontier;
use crate::applier::{run_heartbeat, Applier};
use crate::checkpoint::{self, Checkpoint};
use crate::checksum::Checksum;
use crate::cli::DeferIndexes;
use crate::config::{Config, CutOver as CutOverKind, Topology};
use crate::cutover::CutOver;
use crate::db::{self, BinlogPos, Flavor};
use crate::error::{Context, Error, Result};
use crate::hooks::{Hook, HookContext, HookError, Hooks};
use crate::inspector::{self, Fanout, Inspection};
use crate::lossy;
use crate::messages::Applied;
use crate::metrics::Metrics;
use crate::plan::{Plan, TableNames};
use crate::progress::{fmt_duration, Phase, Progress};
use crate::server::{Server, ServerContext};
use crate::sql;
use crate::streamer::{Streamer, StreamerHandle, StreamerSpec};
use crate::throttler::Throttler;

/// Runs the whole migration (or the dry run). `interrupted` is set by the signal handler.
pub fn run(cfg: Config, interrupted: Arc<AtomicBool>) -> Result<()> {
    let progress = Arc::new(Progress::default());
    let alter = parse_alter(&cfg.alter, &cfg.table)
        .map_err(|e| Error::refused(format!("the --alter cannot be used: {}", e.message)).hint(e.hint.clone()))?;
    for w in alter.warnings() {
        warn!("{w}");
    }
    let timestamp = cfg.timestamp_old_table.then(timestamp_now);
    let names = TableNames::new(&cfg.table, timestamp.as_deref())?;
    let hooks = make_hooks(&cfg, &names, None);
    for f in hooks.found() {
        info!("hook found: {}", f.display());
    }
    hooks.run(Hook::Startup, &progress.hook_state()).map_err(|e| hook_refusal(&e))?;

    let inspection = inspector::inspect(&cfg)?;
    progress.rows_estimate.store(inspection.row_estimate, Ordering::Relaxed);
    check_interrupted(&interrupted)?;
    let hooks = Arc::new(make_hooks(&cfg, &names, Some(&inspection)));
    hooks.run(Hook::Validated, &progress.hook_state()).map_err(|e| hook_refusal(&e))?;
    if let Err(e) = hooks.run(Hook::RowcountComplete, &progress.hook_state()) {
        warn!("{e} (ignored)");
    }

    // The socket first: a second migration of this table is refused before anything changes.
    let server = if cfg.execute {
        Some(Server::bind(&cfg.serve_socket_file, cfg.serve_tcp_port, cfg.initially_drop_socket_file)?)
    } else {
        None
    };
    // As gh-ost: the postpone flag file is expected to exist, and is created when it does not.
    if let (Some(f), true) = (cfg.tunables.postpone_flag_file(), cfg.execute) {
        if !f.exists() {
            std::fs::File::create(&f).map_err(|e| {
                Error::refused(format!("cannot create the postpone flag file {}: {e}", f.display()))
                    .hint("create it yourself, or give --postpone-cut-over-flag-file a path in a writable directory")
            })?;
            info!("created the postpone flag file {}: the cut-over waits until it is removed", f.display());
        }
    }
    let metrics = match (&cfg.metrics_addr, cfg.execute) {
        (Some(addr), true) => Some(Metrics::bind(addr)?),
        _ => None,
    };

    progress.set_phase(Phase::Preparing);
    let mut applier = Applier::connect(&inspection.applier, &inspection.applier_info, &cfg.database)?;
    let migration = checkpoint::migration_id(&cfg.database, &cfg.table, &cfg.alter);
    let resume = if cfg.initially_drop_ghost_table { None } else { applier.find_checkpoint(&names, migration)? };
    if cfg.resume && resume.is_none() {
        return Err(Error::refused(format!(
            "--resume: no checkpoint of this migration of {} was found",
            sql::table(&cfg.database, &cfg.table)
        ))
        .hint("a checkpoint lives in the changelog table of an interrupted run with the same --alter; run without --resume to start"));
    }
    let plan = match &resume {
        Some(cp) => {
            check_resumable(&inspection, cp)?;
            info!(
                "resuming the interrupted migration: binlog from {}, copy after {}",
                cp.applied,
                if cp.copy_done { "its end (done)".to_string() } else { format!("{:?}", cp.watermark) }
            );
            let plan = applier.resume_plan(&cfg, &inspection.table, &alter, names)?;
            // rows written since the interrupted run may hold values the ALTER would lose
            let mut conn = inspection.inspected.connect("lossy-change check")?;
            lossy::check(&mut conn, &plan).and_then(|f| lossy::enforce(&f, cfg.allow_lossy, &plan.orig))?;
            plan
        }
        None => {
            let plan = applier.prepare_ghost(&cfg, &inspection.table, &alter, names)?;
            // data the ALTER would lose, before any copy (the ghost goes again on a refusal)
            let findings = {
                let mut conn = inspection.inspected.connect("lossy-change check")?;
                lossy::check(&mut conn, &plan)
            };
            if let Err(e) = findings.and_then(|f| lossy::enforce(&f, cfg.allow_lossy, &plan.orig)) {
                if let Err(d) = applier.drop_table(&plan.ghost_name) {
                    warn!("could not drop the ghost table again: {d}");
                }
                return Err(e);
            }
            if cfg.execute {
                applier.carry_auto_increment(&plan)?;
            }
            plan
        }
    };
    if cfg.skip_checksum && !cfg.allow_lossy && lossy::adds_unique_key(&plan) {
        if resume.is_none() {
            let _ = applier.drop_table(&plan.ghost_name);
        }
        return Err(Error::refused("--skip-checksum with an ALTER that adds a UNIQUE key")
            .hint("a write during the migration that duplicates a value of the new key would silently remove the other row from the ghost table (as in gh-ost), and only the checksum before the cut-over detects it: drop --skip-checksum (or accept the risk with --allow-lossy)"));
    }
    print_plan(&cfg, &inspection, &plan, &alter);

    if !cfg.execute && resume.is_some() {
        println!("Dry run: a checkpoint of this migration exists; --execute resumes it (the ghost table is kept).");
        return Ok(());
    }
    if !cfg.execute {
        applier.drop_table(&plan.ghost_name).context("removing the dry run's ghost table")?;
        println!(
            "Dry run complete: the ALTER is valid on the ghost table, which was dropped again; {} is unchanged. Add --execute to migrate.",
            sql::table(&cfg.database, &cfg.table)
        );
        return Ok(());
    }

    let mut m = Migration::new(cfg, inspection, applier, Arc::new(plan), progress, interrupted, hooks);
    m.resume = resume;
    m.migration = migration;
    if let Some(server) = server {
        m.start_server(server)?;
    }
    if let Some(metrics) = metrics {
        let (p, t, d, tb, stop) =
            (m.progress.clone(), m.cfg.tunables.clone(), m.cfg.database.clone(), m.cfg.table.clone(), m.stop.clone());
        m.threads.others.push(spawn("metrics", move || metrics.serve(p, t, d, tb, stop))?);
    }
    let result = m.execute();
    m.shutdown();
    match result {
        Ok(()) => {
            m.cleanup_after_success();
            if let Err(e) = m.hooks.run(Hook::Success, &m.progress.hook_state()) {
                warn!("{e} (the migration itself succeeded)");
            }
            Ok(())
        }
        Err(e) => {
            m.progress.set_phase(Phase::Failed);
            let e = e.add_hint(m.leftovers_hint());
            let mut state = m.progress.hook_state();
            state.last_error = Some(e.message.clone());
            if let Err(he) = m.hooks.run(Hook::Failure, &state) {
                warn!("{he} (ignored)");
            }
            Err(e)
        }
    }
}

/// A checkpoint can be resumed only from the server it was taken on, and only while the binlog
/// it needs is still there: otherwise resuming would silently skip changes.
fn check_resumable(insp: &Inspection, cp: &Checkpoint) -> Result<()> {
    if cp.server_id != insp.inspected_info.server_id {
        return Err(Error::refused(format!(
            "the checkpoint was taken reading the binlog of server_id {}, but {} is server_id {}",
            cp.server_id, insp.inspected, insp.inspected_info.server_id
        ))
        .hint("resume against the same server (--host), or start over with --initially-drop-ghost-table"));
    }
    let mut conn = insp.inspected.connect("resume check")?;
    let logs: Vec<mysql::Row> = conn.query("SHOW BINARY LOGS").context("listing the binary logs")?;
    let size = logs.iter().find_map(|r| {
        (db::row_text(r, &["Log_name"]).as_deref() == Some(cp.applied.file.as_str()))
            .then(|| db::row_text(r, &["File_size"]).and_then(|s| s.parse::<u64>().ok()).unwrap_or(0))
    });
    match size {
        Some(size) if size >= cp.applied.pos => Ok(()),
        Some(size) => Err(Error::refused(format!(
            "the checkpoint's binlog position {} is beyond the end of that file ({size} bytes)",
            cp.applied
        ))
        .hint("the server's binlog does not match the checkpoint; start over with --initially-drop-ghost-table")),
        None => Err(Error::refused(format!(
            "the binlog file {} that the checkpoint needs to resume has been purged from {}",
            cp.applied.file, insp.inspected
        ))
        .hint("resuming would lose the changes it held; start over with --initially-drop-ghost-table (and keep binlogs longer: binlog_expire_logs_seconds)")),
    }
}

/// The hooks of this run; `inspection` adds the host the migration writes on.
fn make_hooks(cfg: &Config, names: &TableNames, inspection: Option<&Inspection>) -> Hooks {
    Hooks::new(
        cfg.hooks_path.clone(),
        HookContext {
            database: cfg.database.clone(),
            table: cfg.table.clone(),
            ghost_table: names.ghost.clone(),
            old_table: names.old.clone(),
            ddl: cfg.alter.clone(),
            host: cfg.endpoint.host.clone(),
            port: cfg.endpoint.port,
            applier_host: inspection.map(|i| i.applier.host.clone()).unwrap_or_default(),
            executing_host: String::new(),
            hint: cfg.hooks_hint.clone(),
            hint_owner: cfg.hooks_hint_owner.clone(),
            hint_token: cfg.hooks_hint_token.clone(),
            dry_run: !cfg.execute,
            revert: false,
        },
    )
}

fn hook_refusal(e: &HookError) -> Error {
    Error::refused(format!("{e}")).hint("the hook refused the migration; nothing was changed")
}

fn check_interrupted(flag: &AtomicBool) -> Result<()> {
    if flag.load(Ordering::SeqCst) {
        Err(Error::aborted("interrupted (SIGINT/SIGTERM)"))
    } else {
        Ok(())
    }
}

/// `YYYYMMDDhhmmss` in UTC, for `--timestamp-old-table`.
fn timestamp_now() -> String {
    let (y, mo, d, h, mi, s) = crate::progress::utc_now();
    format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}")
}

fn print_plan(cfg: &Config, insp: &Inspection, plan: &Plan, alter: &AlterPlan) {
    let t = |n: &str| sql::table(&cfg.database, n);
    let cols = |v: Vec<&str>| {
        if v.is_empty() {
            "(none)".to_string()
        } else {
            v.iter().map(|c| sql::ident(c)).collect::<Vec<_>>().join(", ")
        }
    };
    let key_cols: Vec<&str> = plan.key_columns().map(|c| c.orig.name.as_str()).collect();
    let mut out = String::new();
    out.push_str(&format!("Migration plan for {}\n", t(&cfg.table)));
    out.push_str(&format!(
        "  inspected on:     {} ({} {}){}\n",
        insp.inspected,
        insp.inspected_info.flavor,
        insp.inspected_info.version_string,
        if insp.inspected_is_replica { ", a replica: the binlog is read there" } else { "" }
    ));
    out.push_str(&format!("  writes on:        {}\n", insp.applier));
    out.push_str(&format!(
        "  ghost table:      {} = CREATE TABLE ... LIKE {}; ALTER TABLE ... {}\n",
        t(&plan.ghost_name),
        t(&cfg.table),
        alter.statement
    ));
    match (cfg.defer_secondary_indexes, insp.defer_indexes) {
        (DeferIndexes::On, _) => out.push_str(
            "  indexes:          plain secondary indexes built after the row copy (--defer-secondary-indexes; replicas lag while they build them)\n",
        ),
        (DeferIndexes::Auto, true) => out.push_str(&format!(
            "  indexes:          plain secondary indexes built after the row copy (--defer-secondary-indexes=auto: {})\n",
            insp.deferral_reason
        )),
        (DeferIndexes::Auto, false) => out.push_str(&format!(
            "  indexes:          all built during the row copy (--defer-secondary-indexes=auto: {})\n",
            insp.deferral_reason
        )),
        (DeferIndexes::Off, _) => {}
    }
    out.push_str(&format!("  changelog table:  {}\n", t(&plan.changelog_name)));
    out.push_str(&format!("  old table:        {} (the original, after the cut-over)\n", t(&plan.old_name)));
    out.push_str(&format!(
        "  shared key:       {} ({}), {} on the ghost\n",
        sql::ident(&plan.key_name),
        cols(key_cols),
        sql::ident(&plan.ghost_key_name)
    ));
    out.push_str(&format!(
        "  columns copied:   {} ({})\n",
        cols(plan.columns.iter().map(|c| c.orig.name.as_str()).collect()),
        plan.columns.len()
    ));
    if !plan.renamed.is_empty() {
        let r: Vec<String> =
            plan.renamed.iter().map(|(a, b)| format!("{} -> {}", sql::ident(a), sql::ident(b))).collect();
        out.push_str(&format!("  renamed columns:  {}\n", r.join(", ")));
    }
    out.push_str(&format!("  not copied:       {}\n", cols(plan.dropped.iter().map(|s| s.as_str()).collect())));
    out.push_str(&format!(
        "  new columns:      {} (filled with their defaults)\n",
        cols(plan.added.iter().map(|s| s.as_str()).collect())
    ));
    out.push_str(&format!(
        "  rows:             {} ({})\n",
        insp.row_estimate,
        if cfg.exact_rowcount { "exact count" } else { "estimate from information_schema" }
    ));
    out.push_str(&format!(
        "  cut-over:         {}, lock timeout {} s, up to {} attempts",
        match cfg.cut_over {
            CutOverKind::Atomic => "atomic",
            CutOverKind::TwoStep => "two-step",
        },
        cfg.cut_over_lock_timeout.as_secs(),
        cfg.default_retries
    ));
    println!("{out}");
}

/// The threads of a running migration.
#[derive(Default)]
struct Threads {
    streamer: Option<(StreamerHandle, JoinHandle<()>)>,
    apply: Option<JoinHandle<()>>,
    copy: Option<JoinHandle<()>>,
    others: Vec<JoinHandle<()>>,
}

struct Migration {
    cfg: Config,
    insp: Inspection,
    applier: Applier,
    plan: Arc<Plan>,
    progress: Arc<Progress>,
    interrupted: Arc<AtomicBool>,
    /// Tells every thread to finish.
    stop: Arc<AtomicBool>,
    threads: Threads,
    fatal_tx: Sender<Error>,
    fatal_rx: Receiver<Error>,
    applied_rx: Option<Receiver<Applied>>,
    marker_seq: AtomicU64,
    changelog_created: bool,
    swapped: bool,
    last_status: Instant,
    hooks: Arc<Hooks>,
    last_status_hook: Instant,
    tested_on_replica: bool,
    /// Continue an interrupted run from this checkpoint.
    resume: Option<Checkpoint>,
    migration: u64,
    last_checkpoint: Instant,
    last_retention_check: Instant,
    last_lag_check: Instant,
    /// Which binlog changes the copy will bring (see applier/frontier.rs).
    frontier: Arc<Frontier>,
    /// The key range, when read before the apply started (for the frontier).
    copy_bounds: Option<KeyBounds>,
}

impl Migration {
    fn new(
        cfg: Config,
        insp: Inspection,
        applier: Applier,
        plan: Arc<Plan>,
        progress: Arc<Progress>,
        interrupted: Arc<AtomicBool>,
        hooks: Arc<Hooks>,
    ) -> Self {
        let (fatal_tx, fatal_rx) = unbounded();
        Migration {
            cfg,
            insp,
            applier,
            plan,
            progress,
            interrupted,
            stop: Arc::new(AtomicBool::new(false)),
            threads: Threads::default(),
            fatal_tx,
            fatal_rx,
            applied_rx: None,
            marker_seq: AtomicU64::new(0),
            changelog_created: false,
            swapped: false,
            last_status: Instant::now(),
            hooks,
            last_status_hook: Instant::now(),
            tested_on_replica: false,
            resume: None,
            migration: 0,
            last_checkpoint: Instant::now(),
            last_retention_check: Instant::now(),
            last_lag_check: Instant::now(),
            frontier: Arc::new(Frontier::default()),
            copy_bounds: None,
        }
    }

    fn mysql8(&self) -> bool {
        self.applier.info.is_mysql8()
    }

    fn execute(&mut self) -> Result<()> {
        if self.resume.is_none() {
            self.applier.create_changelog(&self.plan)?;
            if self.insp.defer_indexes {
                self.applier.defer_indexes(&self.plan)?;
            }
        }
        self.changelog_created = true;
        self.start_streaming()?;
        self.sync(Duration::from_secs(60))
            .context("waiting for the binlog stream to deliver ghost-rs's first marker")?;
        info!("binlog stream is live; starting the row copy");

        self.hooks.run(Hook::BeforeRowCopy, &self.progress.hook_state()).map_err(|e| hook_refusal(&e))?;
        self.progress.set_phase(Phase::Copying);
        *self.progress.copy_started.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
        match &self.resume {
            Some(cp) if cp.copy_done => {
                info!("the interrupted run had finished the row copy");
                self.progress.copy_done.store(true, Ordering::Relaxed);
                self.progress.rows_copied.store(cp.rows_copied, Ordering::Relaxed);
            }
            Some(cp) => {
                self.progress.rows_copied.store(cp.rows_copied, Ordering::Relaxed);
                self.start_copy()?;
            }
            None => self.start_copy()?,
        }
        while !self.progress.copy_done.load(Ordering::Relaxed) {
            self.tick(Duration::from_millis(100))?;
        }
        if let Some(h) = self.threads.copy.take() {
            let _ = h.join();
        }
        self.check_fatal()?;
        self.print_status();
        if let Err(e) = self.hooks.run(Hook::RowCopyComplete, &self.progress.hook_state()) {
            warn!("{e} (ignored)");
        }

        self.build_deferred_indexes()?;
        self.set_step("checksumming");
        self.checksum()?;
        self.set_step("");
        self.postpone()?;
        self.cut_over()
    }

    /// What the status line shows as the state between the copy and the cut-over.
    fn set_step(&self, step: &'static str) {
        *self.progress.step.lock().unwrap_or_else(|e| e.into_inner()) = step;
    }

    /// Builds the secondary indexes deferred until after the copy (see applier/deferred.rs),
    /// in one ALTER on the ghost table while the apply goes on, then waits until the binlog
    /// stream has passed it: on a replica (the default topology reads the binlog there) the
    /// ALTER replays as one statement, and nothing behind it arrives before it is done.
    fn build_deferred_indexes(&mut self) -> Result<()> {
        let pending = deferred::pending(&self.insp.applier, &self.plan)?;
        if pending.is_empty() {
            return Ok(());
        }
        self.set_step("building deferred indexes");
        let names: Vec<String> = pending.iter().map(|d| sql::ident(&d.name)).collect();
        if self.cfg.defer_secondary_indexes == DeferIndexes::Auto {
            // auto deferred because no replica would replay the build late at the start; say
            // so if that changed (the indexes must be built all the same)
            let now = self.insp.applier.connect("replica listing").and_then(|mut c| {
                Fanout::read(&mut c, &self.insp.applier_info, &self.insp.applier, self.cfg.replica_server_id)
            });
            if let Ok(Fanout { replicas, replays_late: Some(why), .. }) = now {
                warn!(
                    "{} has replicas now ({}) that will lag while they build the deferred indexes: {why}",
                    self.insp.applier,
                    replicas.join(", ")
                );
            }
        }
        let stmt = deferred::build_statement(&self.plan.orig.database, &self.plan.ghost_name, &pending);
        info!("building the deferred secondary index(es) {} on the ghost table", names.join(", "));
        debug!("building the deferred indexes: {stmt}");
        let mut conn = self.insp.applier.connect("deferred index build")?;
        if self.insp.applier_info.two_phase_alter {
            // replicas applying in parallel start the build when it starts here, not when it
            // is done (MariaDB 10.8+); others replay it as before
            match conn.query_drop("SET SESSION binlog_alter_two_phase = ON") {
                Ok(()) => info!("the build is logged in two phases (binlog_alter_two_phase): replicas that apply in parallel build alongside"),
                Err(e) => warn!("could not set binlog_alter_two_phase ({e}): replicas will build the indexes after {} has", self.insp.applier),
            }
        }
        let id = conn.connection_id();
        let started = Instant::now();
        let (tx, rx) = bounded(1);
        let builder = spawn("index build", move || {
            let r = conn.query_drop(&stmt).with_context(|| format!("building the deferred indexes: {stmt}"));
            let _ = tx.send(r);
        })?;
        let built = loop {
            if let Ok(r) = rx.try_recv() {
                break r;
            }
            if let Err(e) = self.tick(Duration::from_millis(100)) {
                // do not leave the server building an index for a migration that stopped; wait
                // for the builder only when the server took the KILL (else it may run for long)
                if self.applier.kill_query(id).is_ok() {
                    let _ = builder.join();
                }
                return Err(e);
            }
        };
        let _ = builder.join();
        built.map_err(|e| e.hint("the original table is unchanged; run again to resume (the indexes are built then), or start over with --initially-drop-ghost-table"))?;
        crate::fault::point("deferred.built")?;
        // The record goes only once every index is there: a run that stops here still knows
        // what to build when resumed.
        let missing = deferred::missing(&self.insp.applier, &self.plan, &pending)?;
        if !missing.is_empty() {
            return Err(Error::failed(format!(
                "the ghost table lacks the deferred index(es) {} after their build",
                missing.join(", ")
            ))
            .hint("the cut-over was not done and the original table is unchanged; something else changed the ghost table: find it, then run again (the missing indexes are built again) or start over with --initially-drop-ghost-table"));
        }
        self.applier.deferred_indexes_built(&self.plan)?;
        info!(
            "deferred secondary index(es) built in {}; waiting for the binlog stream to pass the build",
            fmt_duration(started.elapsed())
        );
        let waited = Instant::now();
        loop {
            match self.sync(Duration::from_secs(10)) {
                Ok(()) => break,
                Err(e) if e.is_transient() => self.tick(Duration::ZERO)?,
                Err(e) => return Err(e.context("waiting for the binlog stream to pass the index build")),
            }
        }
        info!("the binlog stream passed the index build after {}", fmt_duration(waited.elapsed()));
        Ok(())
    }

    /// Records the binlog position and starts streamer, apply loop, heartbeat and throttler.
    fn start_streaming(&mut self) -> Result<()> {
        let insp = &self.insp;
        let mut conn = insp.inspected.connect("inspector")?;
        check_server_id_free(&mut conn, &insp.inspected_info, self.cfg.replica_server_id)?;
        let start = match &self.resume {
            Some(cp) => cp.applied.clone(),
            None => db::binlog_position(&mut conn, &insp.inspected_info)?,
        };
        info!("binlog position before the copy: {start}");
        Progress::set_text(&self.progress.read_pos, start.to_string());
        // A fresh run leaves changes to rows the copy has not reached to the copy: the key range
        // is read now (after the position, before the apply sees a change), see frontier.rs.
        if self.resume.is_none() && Frontier::eligible(&self.plan) {
            let bounds = copy::read_key_bounds(&self.copy_context())?;
            if let Some((min, max)) = &bounds {
                self.frontier.start(min, max);
                debug!("changes to keys in [{min:?}, {max:?}] ahead of the copy are left to it");
            }
            self.copy_bounds = Some(bounds);
        }

        self.progress.heartbeat_interval_ns.store(self.cfg.heartbeat_interval.as_nanos() as i64, Ordering::Relaxed);
        // Bounded in bytes by the streamer (`Progress::queued_bytes`); the message bound only
        // caps the small messages (transaction ends, positions) between them.
        let (stream_tx, stream_rx) = bounded(65_536);
        let (applied_tx, applied_rx) = unbounded();
        self.applied_rx = Some(applied_rx);

        let spec = StreamerSpec {
            endpoint: insp.inspected.clone(),
            flavor: insp.inspected_info.flavor,
            server_id: self.cfg.replica_server_id,
            start,
            plan: self.plan.clone(),
            heartbeat_period: Duration::from_secs(1),
            retries: self.cfg.binlog_reconnects,
        };
        let (streamer, handle) = Streamer::new(spec, stream_tx, self.progress.clone());
        let fatal = self.fatal_tx.clone();
        let h = spawn("streamer", move || {
            if let Err(e) = streamer.run() {
                let _ = fatal.send(e);
            }
        })?;
        self.threads.streamer = Some((handle, h));

        let apply = ApplyLoop::new(
            &insp.applier,
            self.plan.clone(),
            self.cfg.tunables.clone(),
            self.progress.clone(),
            stream_rx,
            applied_tx,
            self.stop.clone(),
            self.cfg.default_retries,
            self.mysql8(),
            self.cfg.allow_lossy,
            self.cfg.apply_threads,
            self.frontier.clone(),
        )?;
        let fatal = self.fatal_tx.clone();
        self.threads.apply = Some(spawn("apply", move || {
            if let Err(e) = apply.run() {
                let _ = fatal.send(e);
            }
        })?);

        let (ep, db, cl, iv, stop) = (
            insp.applier.clone(),
            self.cfg.database.clone(),
            self.plan.changelog_name.clone(),
            self.cfg.heartbeat_interval,
            self.stop.clone(),
        );
        self.threads.others.push(spawn("heartbeat", move || run_heartbeat(ep, db, cl, iv, stop))?);

        let throttler = Throttler {
            flag_files: [&self.cfg.throttle_flag_file, &self.cfg.throttle_additional_flag_file]
                .into_iter()
                .flatten()
                .cloned()
                .collect(),
            tunables: self.cfg.tunables.clone(),
            progress: self.progress.clone(),
            stop: self.stop.clone(),
            applier: insp.applier.clone(),
            credentials: insp.inspected.clone(),
            database: self.cfg.database.clone(),
            changelog: self.plan.changelog_name.clone(),
            critical_load_interval: self.cfg.critical_load_interval,
            critical_load_hibernate: self.cfg.critical_load_hibernate,
            http_interval: self.cfg.throttle_http_interval,
            http_timeout: self.cfg.throttle_http_timeout,
            ignore_http_errors: self.cfg.ignore_http_errors,
            fatal: self.fatal_tx.clone(),
        };
        self.threads.others.push(spawn("throttler", move || throttler.run())?);
        Ok(())
    }

    /// Serves interactive commands until the end of the run.
    fn start_server(&mut self, server: Server) -> Result<()> {
        let cfg = &self.cfg;
        let ctx = ServerContext {
            database: cfg.database.clone(),
            table: cfg.table.clone(),
            ghost_table: self.plan.ghost_name.clone(),
            inspected: self.insp.inspected.to_string(),
            applier: self.insp.applier.to_string(),
            started_at: crate::progress::utc_now_text(),
            socket: cfg.serve_socket_file.clone(),
            tcp_port: cfg.serve_tcp_port,
            force_named_cut_over: cfg.force_named_cut_over,
            force_named_panic: cfg.force_named_panic,
            throttle_flag_file: cfg.throttle_flag_file.clone(),
            throttle_additional_flag_file: cfg.throttle_additional_flag_file.clone(),
            panic_flag_file: cfg.panic_flag_file.clone(),
            tunables: cfg.tunables.clone(),
            progress: self.progress.clone(),
            fatal: self.fatal_tx.clone(),
            on_command: {
                let (hooks, progress) = (self.hooks.clone(), self.progress.clone());
                Box::new(move |line: &str| {
                    let mut state = progress.hook_state();
                    state.last_interactive_command = Some(line.to_string());
                    hooks.run(Hook::InteractiveCommand, &state).map_err(|e| e.to_string())
                })
            },
        };
        let stop = self.stop.clone();
        self.threads.others.push(spawn("server", move || server.serve(Arc::new(ctx), stop))?);
        Ok(())
    }

    fn copy_context(&self) -> CopyContext {
        CopyContext {
            endpoint: self.insp.applier.clone(),
            plan: self.plan.clone(),
            tunables: self.cfg.tunables.clone(),
            progress: self.progress.clone(),
            stop: self.stop.clone(),
            retries: self.cfg.default_retries,
            mysql8: self.mysql8(),
            hooks: self.hooks.clone(),
            threads: self.cfg.copy_threads,
            allow_lossy: self.cfg.allow_lossy,
            resume_after: self.resume.as_ref().and_then(|c| c.watermark.clone()),
            bounds: self.copy_bounds.clone(),
            frontier: self.frontier.clone(),
        }
    }

    fn start_copy(&mut self) -> Result<()> {
        let copier = Copier::new(self.copy_context())?;
        let fatal = self.fatal_tx.clone();
        self.threads.copy = Some(spawn("copy", move || {
            if let Err(e) = copier.run() {
                let _ = fatal.send(e);
            }
        })?);
        Ok(())
    }

    /// Errors from threads, the operator's interrupt, the panic flag file.
    fn check_fatal(&self) -> Result<()> {
        if let Ok(e) = self.fatal_rx.try_recv() {
            return Err(e);
        }
        check_interrupted(&self.interrupted)?;
        if let Some(f) = &self.cfg.panic_flag_file {
            if f.exists() {
                return Err(Error::aborted(format!("panic flag file {} exists", f.display())));
            }
        }
        Ok(())
    }

    /// A DDL the binlog brings back from a two-step cut-over attempt of this run (renamed away
    /// and back after a failure): not a foreign change of the original.
    fn own_cut_over_ddl(&self, q: &str) -> bool {
        self.cfg.cut_over == CutOverKind::TwoStep
            && self.progress.phase() == Phase::CuttingOver
            && CutOver::two_step_renames(&self.plan).iter().any(|s| s == q.trim())
    }

    /// Waits up to `d` for something to happen, handling what the apply loop reports, and
    /// prints the status line when due.
    fn tick(&mut self, d: Duration) -> Result<()> {
        self.check_fatal()?;
        if let Some(rx) = &self.applied_rx {
            match rx.recv_timeout(d) {
                Ok(Applied::Ddl(q)) if !self.own_cut_over_ddl(&q) => return Err(ddl_error(&q)),
                Ok(Applied::Ddl(_)) | Ok(Applied::Marker(_)) | Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(self.fatal_rx.try_recv().unwrap_or_else(|_| Error::failed("the apply loop stopped")));
                }
            }
        } else {
            std::thread::sleep(d);
        }
        self.report_when_due();
        if self.last_checkpoint.elapsed() >= self.cfg.checkpoint_interval {
            self.last_checkpoint = Instant::now();
            self.write_checkpoint();
        }
        if self.last_retention_check.elapsed() >= Duration::from_secs(60) {
            self.last_retention_check = Instant::now();
            self.watch_retention();
        }
        if self.last_status_hook.elapsed() >= self.cfg.hooks_status_interval {
            self.last_status_hook = Instant::now();
            if let Err(e) = self.hooks.run(Hook::Status, &self.progress.hook_state()) {
                warn!("{e} (ignored)");
            }
        }
        Ok(())
    }

    /// Records where a resumed run would continue (see checkpoint.rs). Failures are logged: a
    /// missed checkpoint only means a resume would redo a little more.
    fn write_checkpoint(&mut self) {
        let applied = self.progress.applied_pos.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let Some(applied) = applied else { return };
        let watermark = self.progress.copy_watermark.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let c = Checkpoint {
            migration: self.migration,
            server_id: self.insp.inspected_info.server_id,
            applied,
            // a resumed run keeps the watermark it started from until it passes a range
            watermark: watermark.or_else(|| self.resume.as_ref().and_then(|r| r.watermark.clone())),
            copy_done: self.progress.copy_done.load(Ordering::Relaxed),
            rows_copied: self.progress.rows_copied.load(Ordering::Relaxed),
        };
        if let Err(e) = self.applier.write_checkpoint(&self.plan, &c) {
            warn!("could not write a checkpoint: {e}");
        }
        crate::fault::point("checkpoint.written").ok();
    }

    /// Warns early when the binlog a resume would need is about to be purged: it is the oldest
    /// the server keeps (the same trap as a replication slot falling behind its WAL).
    fn watch_retention(&mut self) {
        let needed = self.progress.applied_pos.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let Some(needed) = needed else { return };
        let expire = self.insp.inspected_info.binlog_expire_seconds;
        let Ok(mut conn) = self.insp.inspected.connect("binlog retention watch") else { return };
        let logs: Vec<mysql::Row> = conn.query("SHOW BINARY LOGS").unwrap_or_default();
        let names: Vec<String> = logs.iter().filter_map(|r| db::row_text(r, &["Log_name"])).collect();
        match names.iter().position(|n| *n == needed.file) {
            None => warn!(
                "the binlog file {} holding ghost-rs's applied position is no longer on {}: a resume after an interruption would be refused",
                needed.file, self.insp.inspected
            ),
            Some(0) if expire > 0 => warn!(
                "the binlog file {} that ghost-rs still needs is the oldest on {} (binlog_expire_logs_seconds={expire}): if it is purged, an interrupted run cannot resume; consider raising the retention",
                needed.file, self.insp.inspected
            ),
            _ => {}
        }
    }

    /// The status line (every 5 s in the first minute, then every 30 s) and, once a minute, why
    /// the lag is high ([`Self::explain_lag`]).
    fn report_when_due(&mut self) {
        let every = if self.progress.elapsed() < Duration::from_secs(60) { 5 } else { 30 };
        if self.last_status.elapsed() >= Duration::from_secs(every) {
            self.print_status();
        }
        if self.last_lag_check.elapsed() >= Duration::from_secs(60) {
            self.last_lag_check = Instant::now();
            self.explain_lag();
        }
    }

    /// When the lag is high with nothing waiting to be applied, the apply is not the cause:
    /// says whether ghost-rs's stream is behind the binlog of the server it reads, or that
    /// server's binlog is itself late (a replica behind its primary).
    fn explain_lag(&mut self) {
        let lag = self.progress.lag_ms();
        if lag < LAG_TO_EXPLAIN_MS || self.progress.backlog() > 0 {
            return;
        }
        let Some(read) = BinlogPos::parse(&Progress::text(&self.progress.read_pos)) else { return };
        let server = self.insp.inspected.connect("binlog position check").and_then(|mut c| {
            let info = &self.insp.inspected_info;
            db::binlog_position(&mut c, info)
        });
        if let Ok(server) = server {
            warn!(
                "lag {:.1} s with nothing waiting to be applied: {}",
                lag as f64 / 1000.0,
                lag_cause(&read, &server, &self.insp.inspected)
            );
        }
    }

    fn print_status(&mut self) {
        self.last_status = Instant::now();
        info!("{}", self.progress.status_line());
    }

    /// Writes a marker and waits until the apply loop has applied everything logged before it.
    fn sync(&mut self, timeout: Duration) -> Result<()> {
        let marker = format!(
            "ghost-rs:sync:{}:{}",
            self.marker_seq.fetch_add(1, Ordering::Relaxed),
            crate::progress::unix_nanos()
        );
        self.applier.write_state(&self.plan, &marker)?;
        let started = Instant::now();
        let deadline = started + timeout;
        loop {
            if let Ok(e) = self.fatal_rx.try_recv() {
                return Err(e);
            }
            // A long wait (a replica stopped under a catch-up) keeps the status line and the
            // lag's explanation going; never during the cut-over, nor a short wait that may
            // be under a lock.
            if started.elapsed() >= Duration::from_secs(5) && self.progress.phase() != Phase::CuttingOver {
                self.report_when_due();
            }
            let Some(rx) = self.applied_rx.as_ref() else {
                return Err(Error::failed("the apply loop is not running"));
            };
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(Error::failed(format!(
                    "the changes were not applied within {} ms (backlog {}, lag {} ms)",
                    timeout.as_millis(),
                    self.progress.backlog(),
                    self.progress.lag_ms()
                ))
                .transient());
            }
            match rx.recv_timeout(left.min(Duration::from_millis(50))) {
                Ok(Applied::Marker(m)) if m == marker => return Ok(()),
                Ok(Applied::Marker(_)) | Err(RecvTimeoutError::Timeout) => {}
                Ok(Applied::Ddl(q)) => {
                    if self.progress.phase() != Phase::CuttingOver {
                        return Err(ddl_error(&q));
                    }
                }
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(self.fatal_rx.try_recv().unwrap_or_else(|_| Error::failed("the apply loop stopped")))
                }
            }
        }
    }

    /// The checksum before the cut-over (unless `--skip-checksum`), see checksum.rs.
    fn checksum(&mut self) -> Result<()> {
        if self.cfg.skip_checksum {
            return Ok(());
        }
        let (ep, plan, progress) = (self.insp.applier.clone(), self.plan.clone(), self.progress.clone());
        let c = Checksum {
            endpoint: &ep,
            plan: &plan,
            progress: &progress,
            lock_timeout: self.cfg.cut_over_lock_timeout,
            mysql8: self.mysql8(),
            workers: self.cfg.copy_threads,
        };
        let mut attempt = 0;
        loop {
            let mut sync = |t: Duration| self.sync(t);
            match c.verify(&mut sync) {
                Ok(_) => return Ok(()),
                // the snapshot's lock or catch-up timed out: try again a little later
                Err(e) if e.is_transient() && attempt < self.cfg.default_retries => {
                    attempt += 1;
                    warn!("checksum snapshot failed ({e}); trying again");
                    let until = Instant::now() + Duration::from_secs(1);
                    while Instant::now() < until {
                        self.tick(Duration::from_millis(100))?;
                    }
                }
                Err(e) => return Err(e.context("checksumming the ghost table against the original")),
            }
        }
    }

    /// Waits while the postpone flag file exists, unless the operator said `unpostpone`.
    fn postpone(&mut self) -> Result<()> {
        let tunables = self.cfg.tunables.clone();
        let flag = move || tunables.postpone_flag_file().filter(|f| f.exists());
        let mut announced = false;
        let mut last_check = Instant::now();
        while let Some(f) = flag() {
            if self.cfg.tunables.unpostpone.load(Ordering::Relaxed) {
                info!("cut-over unpostponed by the operator (the flag file {} still exists)", f.display());
                break;
            }
            if !announced {
                info!("postponing the cut-over while {} exists (delete it to cut over)", f.display());
                announced = true;
                self.progress.set_phase(Phase::Postponing);
                if let Err(e) = self.hooks.run(Hook::BeginPostponed, &self.progress.hook_state()) {
                    warn!("{e} (ignored)");
                }
                last_check = Instant::now();
            }
            self.tick(Duration::from_millis(200))?;
            // while postponed, the tables keep being compared (and repaired)
            if !self.cfg.skip_checksum && last_check.elapsed() >= self.cfg.checkpoint_interval {
                self.checksum()?;
                last_check = Instant::now();
            }
        }
        Ok(())
    }

    /// `--test-on-replica`: stop replication (unless `--test-on-replica-skip-replica-stop`), swap
    /// the tables and swap them back; replication stays stopped.
    fn test_on_replica_cut_over(&mut self) -> Result<()> {
        self.sync(Duration::from_secs(120)).context("catching up before the test cut-over")?;
        self.progress.set_phase(Phase::CuttingOver);
        let info = self.insp.inspected_info.clone();
        if self.cfg.test_on_replica_skip_replica_stop {
            warn!(
                "--test-on-replica-skip-replica-stop: replication keeps running; the tables may diverge after the test"
            );
        } else {
            if let Err(e) = self.hooks.run(Hook::StopReplication, &self.progress.hook_state()) {
                return Err(Error::failed(format!("{e}")).context("the test cut-over (replication not stopped)"));
            }
            let mut c = self.insp.inspected.connect("replication control")?;
            c.query_drop(info.replication_sql(false)).context("stopping replication on the replica")?;
            info!("replication stopped on {} ({})", self.insp.inspected, info.replication_sql(false));
        }
        let (ep, plan, progress) = (self.insp.applier.clone(), self.plan.clone(), self.progress.clone());
        let co = CutOver {
            endpoint: &ep,
            plan: &plan,
            lock_timeout: self.cfg.cut_over_lock_timeout,
            progress: &progress,
            use_performance_schema: false,
        };
        let mut sync = |t: Duration| self.sync(t);
        co.swap_and_back(&mut sync)?;
        self.tested_on_replica = true;
        self.progress.set_phase(Phase::Done);
        Ok(())
    }

    fn cut_over(&mut self) -> Result<()> {
        if self.cfg.topology == Topology::TestOnReplica {
            return self.test_on_replica_cut_over();
        }
        let mut attempt = 0u32;
        let mut waiting: Option<(Instant, String)> = None;
        loop {
            attempt += 1;
            self.check_fatal()?;
            // Catch up before taking the lock, so that the lock is held only for the last few
            // changes.
            self.progress.set_phase(Phase::Copying);
            let mut sync = |t: Duration| self.sync(t);
            let round_trip = crate::cutover::catch_up(&mut sync, Duration::from_secs(120))
                .context("catching up before the cut-over")?;
            // As gh-ost: no lock while throttled, or while a round trip through the binlog (the
            // least the lock would be held: a replica's lag, a slow apply) is longer than
            // --max-lag-millis or the lock timeout. The attempt is not counted.
            if let Some(why) = self.cut_over_must_wait(round_trip) {
                attempt -= 1;
                let log_now = match &waiting {
                    None => true,
                    Some((since, last)) => *last != why || since.elapsed() >= Duration::from_secs(30),
                };
                if log_now {
                    info!("cut-over waits: {why}");
                    waiting = Some((Instant::now(), why));
                }
                let until = Instant::now() + Duration::from_millis(500);
                while Instant::now() < until {
                    self.tick(Duration::from_millis(100))?;
                }
                continue;
            }
            waiting = None;
            if attempt == 1 {
                self.applier.carry_auto_increment(&self.plan).context("before the cut-over")?;
            }
            self.progress.set_phase(Phase::CuttingOver);
            self.progress.cut_over_attempts.fetch_add(1, Ordering::Relaxed);
            info!("cut-over attempt {attempt} of {}", self.cfg.default_retries);
            if let Err(e) = self.hooks.run(Hook::BeforeCutOver, &self.progress.hook_state()) {
                if attempt >= self.cfg.default_retries {
                    return Err(Error::failed(format!("{e}")).context("cutting over"));
                }
                warn!("{e}: the cut-over waits and tries again");
                let until = Instant::now() + Duration::from_secs(1);
                while Instant::now() < until {
                    self.tick(Duration::from_millis(100))?;
                }
                continue;
            }
            let applier_ep = self.insp.applier.clone();
            let plan = self.plan.clone();
            let progress = self.progress.clone();
            let co = CutOver {
                endpoint: &applier_ep,
                plan: &plan,
                lock_timeout: self.cfg.cut_over_lock_timeout,
                progress: &progress,
                use_performance_schema: self.applier.info.flavor == Flavor::MySql
                    && self.applier.info.performance_schema,
            };
            let kind = self.cfg.cut_over;
            let mut sync = |t: Duration| self.sync(t);
            let r = match kind {
                CutOverKind::Atomic => co.atomic(&mut sync),
                CutOverKind::TwoStep => co.two_step(&mut sync),
            };
            match r {
                Ok(()) => {
                    self.swapped = true;
                    self.progress.set_phase(Phase::Done);
                    crate::fault::point("cutover.renamed")?;
                    return Ok(());
                }
                Err(e) if e.is_transient() && attempt < self.cfg.default_retries => {
                    warn!("cut-over attempt {attempt} failed: {e}; the original table is intact, retrying");
                    let backoff = if self.cfg.cut_over_exponential_backoff {
                        Duration::from_secs(1u64 << attempt.min(16)).min(self.cfg.exponential_backoff_max_interval)
                    } else {
                        Duration::from_secs(1)
                    };
                    let until = Instant::now() + backoff;
                    while Instant::now() < until {
                        self.tick(Duration::from_millis(100))?;
                    }
                }
                Err(e) => return Err(e.context(format!("cutting over (attempt {attempt})"))),
            }
        }
    }

    /// Why the cut-over cannot take its lock now, if it cannot.
    fn cut_over_must_wait(&self, round_trip: Duration) -> Option<String> {
        let throttle = self.progress.throttle_reason();
        if !throttle.is_empty() {
            return Some(format!("throttled ({throttle})"));
        }
        let max_lag = Duration::from_millis(self.cfg.tunables.max_lag_millis.load(Ordering::Relaxed));
        let limit = max_lag.min(self.cfg.cut_over_lock_timeout);
        (round_trip > limit).then(|| {
            format!(
                "a round trip through the binlog takes {} ms, more than --max-lag-millis ({} ms) or --cut-over-lock-timeout-seconds ({} s) allow: the table would stay locked at least that long",
                round_trip.as_millis(),
                max_lag.as_millis(),
                self.cfg.cut_over_lock_timeout.as_secs()
            )
        })
    }

    /// Stops and joins every thread. Safe to call twice.
    fn shutdown(&mut self) {
        // (test-on-replica leaves replication stopped on purpose: the tables are compared first)
        self.stop.store(true, Ordering::SeqCst);
        if let Some((handle, _)) = &self.threads.streamer {
            handle.stop();
        }
        if let Some(h) = self.threads.copy.take() {
            let _ = h.join();
        }
        // the apply loop flushes what it has and returns once stop is seen
        if let Some(h) = self.threads.apply.take() {
            let _ = h.join();
        }
        // dropping the receiver unblocks a streamer waiting to send
        self.applied_rx = None;
        if let Some((_, h)) = self.threads.streamer.take() {
            let _ = h.join();
        }
        for h in self.threads.others.drain(..) {
            let _ = h.join();
        }
    }

    fn cleanup_after_success(&mut self) {
        let t = |n: &str| sql::table(&self.cfg.database, n);
        if let Err(e) = self.applier.drop_table(&self.plan.changelog_name) {
            warn!("could not drop the changelog table {}: {e}", t(&self.plan.changelog_name));
        }
        if self.tested_on_replica {
            let shared: Vec<String> = self.plan.columns.iter().map(|c| sql::ident(&c.orig.name)).collect();
            let ghost_cols: Vec<String> = self.plan.columns.iter().map(|c| sql::ident(&c.ghost.name)).collect();
            let info = &self.insp.inspected_info;
            println!(
                "Test on replica done on {}: the tables were swapped and swapped back. {} is the original, {} the migrated table.\n\
                 Replication is {}.\n\
                 Compare them, e.g.: SELECT COUNT(*), SUM(CRC32(CONCAT_WS('|', {}))) FROM {};  and: ... CONCAT_WS('|', {}) ... FROM {};\n\
                 Then drop {} and restart replication: {};",
                self.insp.inspected,
                t(&self.cfg.table),
                t(&self.plan.ghost_name),
                if self.cfg.test_on_replica_skip_replica_stop { "still running (--test-on-replica-skip-replica-stop)" } else { "stopped" },
                shared.join(", "),
                t(&self.cfg.table),
                ghost_cols.join(", "),
                t(&self.plan.ghost_name),
                t(&self.plan.ghost_name),
                info.replication_sql(true)
            );
            return;
        }
        if self.cfg.ok_to_drop_table {
            match self.applier.drop_table(&self.plan.old_name) {
                Ok(()) => info!("dropped the old table {} (--ok-to-drop-table)", t(&self.plan.old_name)),
                Err(e) => warn!("could not drop the old table {}: {e}", t(&self.plan.old_name)),
            }
        }
        let lock_ms = self.progress.cut_over_lock_ms.load(Ordering::Relaxed);
        println!(
            "Done: {} has the new structure ({} rows copied, {} read by this run, {} binlog changes applied, checksums {} ms, {} in all, table locked {} ms at cut-over).{}",
            t(&self.cfg.table),
            self.progress.rows_copied.load(Ordering::Relaxed),
            self.progress.rows_read.load(Ordering::Relaxed),
            self.progress.events_applied.load(Ordering::Relaxed),
            self.progress.checksum_ms.load(Ordering::Relaxed),
            fmt_duration(self.progress.elapsed()),
            lock_ms,
            if self.cfg.ok_to_drop_table { String::new() } else { format!(" The original is kept as {}.", t(&self.plan.old_name)) }
        );
    }

    /// What a failed run leaves behind, and what to do about it.
    fn leftovers_hint(&self) -> String {
        let t = |n: &str| sql::table(&self.cfg.database, n);
        if self.swapped {
            return "the cut-over had completed".to_string();
        }
        let mut left = vec![t(&self.plan.ghost_name)];
        if self.changelog_created {
            left.push(t(&self.plan.changelog_name));
        }
        // A cut-over that failed between its renames can leave the original under another
        // name (its error says which and how to rename it back): never claim it is in place
        // without looking.
        let in_place = self
            .insp
            .applier
            .connect("checking the original table")
            .and_then(|mut c| crate::schema::Table::exists(&mut c, &self.cfg.database, &self.cfg.table));
        let original = match in_place {
            Ok(false) => format!(
                "the original table {} is NOT under its name (rename it back as said above)",
                t(&self.cfg.table)
            ),
            Ok(true) => format!("the original table {} is untouched and writable", t(&self.cfg.table)),
            Err(e) => format!(
                "the original table {} could not be checked ({e}): make sure it exists under its name before anything else",
                t(&self.cfg.table)
            ),
        };
        format!(
            "{original}; left behind: {} (drop them, or run again with --initially-drop-ghost-table)",
            left.join(" and ")
        )
    }
}

fn ddl_error(query: &str) -> Error {
    let q: String = query.chars().take(300).collect();
    Error::failed(format!("a DDL statement on the original table was logged during the migration: {q}"))
        .hint("the ghost table no longer matches what is being copied; run the migration again once no other DDL runs on the table")
}

/// Refuses a `--replica-server-id` that a real replica uses: connecting with it would kill
/// that replica's dump thread. Checked just before the stream starts, not by the Inspector: a
/// run killed a moment ago is still registered with its id until its dump thread notices the
/// dead connection, which it does when it next sends something (the ghost and changelog
/// tables just created are written to the binlog).
fn check_server_id_free(conn: &mut mysql::Conn, info: &db::ServerInfo, id: u32) -> Result<()> {
    if id == info.server_id {
        return Err(Error::refused(format!(
            "--replica-server-id {id} is the server_id of the inspected server itself"
        ))
        .hint("choose another --replica-server-id"));
    }
    if db::registered_replicas(conn, info)?.iter().any(|r| r.server_id == id) {
        return Err(Error::refused(format!("--replica-server-id {id} is used by a replica connected to {}", info.hostname))
            .hint("choose a --replica-server-id no replica uses (a second dump with the same id would disconnect that replica)"));
    }
    Ok(())
}

/// The lag (ms) above which, with nothing waiting to be applied, ghost-rs says why.
const LAG_TO_EXPLAIN_MS: i64 = 10_000;

/// Why the heartbeat comes back late when the apply waits on the stream: `read` is where the
/// stream is in the binlog of `source`, whose own binlog is at `server`.
fn lag_cause(read: &BinlogPos, server: &BinlogPos, source: &dyn std::fmt::Display) -> String {
    const CURRENT: u64 = 1 << 20;
    let behind = (read.file == server.file).then(|| server.pos.saturating_sub(read.pos));
    match behind {
        Some(b) if b < CURRENT => format!(
            "the stream is at {read}, {b} bytes from the end of {source}'s binlog ({server}), so the heartbeat reaches that binlog late: {source}, as a replica, is behind its primary (see its replication lag), or the heartbeat's writes wait"
        ),
        Some(b) => format!(
            "the stream reads {read}, {:.1} MB behind the end of {source}'s binlog ({server}): ghost-rs reads the binlog slower than the server writes it (the network, or this host's CPU: see the streamer thread)",
            b as f64 / 1e6
        ),
        None => format!(
            "the stream reads {read} while {source} writes {server}, a later file: ghost-rs reads the binlog slower than the server writes it (the network, or this host's CPU: see the streamer thread)"
        ),
    }
}

fn spawn(name: &str, f: impl FnOnce() + Send + 'static) -> Result<JoinHandle<()>> {
    std::thread::Builder::new()
        .name(name.to_string())
        .spawn(f)
        .map_err(|e| Error::failed(format!("cannot start the {name} thread: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lag_with_nothing_to_apply_is_explained() {
        let at = |file: &str, pos| BinlogPos { file: file.into(), pos };
        let why = lag_cause(&at("binlog.000061", 46_198_431), &at("binlog.000061", 114_752_084), &"db1:3306");
        assert!(why.contains("68.6 MB behind the end of db1:3306's binlog (binlog.000061:114752084)"), "{why}");
        assert!(why.contains("ghost-rs reads the binlog slower than the server writes it"), "{why}");
        let why = lag_cause(&at("binlog.000006", 31_818_000), &at("binlog.000006", 31_818_326), &"r1:3306");
        assert!(why.contains("326 bytes from the end of r1:3306's binlog"), "{why}");
        assert!(why.contains("as a replica, is behind its primary"), "{why}");
        let why = lag_cause(&at("binlog.000006", 5), &at("binlog.000007", 5), &"r1:3306");
        assert!(why.contains("while r1:3306 writes binlog.000007:5, a later file"), "{why}");
        assert_eq!(BinlogPos::parse("binlog.000006:31818326"), Some(at("binlog.000006", 31_818_326)));
        assert_eq!(BinlogPos::parse("mysql-bin:odd.000001:4"), Some(at("mysql-bin:odd.000001", 4)));
        assert_eq!(BinlogPos::parse(""), None);
    }
}
