//! [`Config`]: what the operator asked for, checked and immutable once the run starts, and
//! [`Tunables`]: the few settings the operator may change while it runs (through the
//! interactive commands), shared as atomics.
//!
//! `main` builds a `Config` from the command line ([`crate::cli::Args`]) and the option file;
//! every component reads it. Nothing else is global.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::cli::{self, Args, DeferIndexes, HostPort, LoadMap};
use crate::db::{Endpoint, Secret, Tls};
use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topology {
    /// Read the binlog on `--host` (a replica, or the primary with `--allow-on-master`), write
    /// on the primary.
    Default,
    /// Everything on the replica; tables swapped and swapped back, replication left stopped.
    TestOnReplica,
    /// Everything, cut-over included, on the replica.
    MigrateOnReplica,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CutOver {
    Atomic,
    TwoStep,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub endpoint: Endpoint,
    pub assume_master_host: Option<HostPort>,
    pub master_user: Option<String>,
    pub master_password: Option<Secret>,
    pub database: String,
    pub table: String,
    pub alter: String,
    pub execute: bool,
    pub topology: Topology,
    pub allow_on_master: bool,
    pub allow_master_master: bool,
    pub test_on_replica_skip_replica_stop: bool,
    pub assume_rbr: bool,
    pub exact_rowcount: bool,
    pub default_retries: u32,
    /// How many times in a row the binlog stream reconnects before giving up.
    pub binlog_reconnects: u32,
    pub cut_over: CutOver,
    pub cut_over_lock_timeout: Duration,
    pub cut_over_exponential_backoff: bool,
    pub exponential_backoff_max_interval: Duration,
    pub panic_flag_file: Option<PathBuf>,
    pub initially_drop_ghost_table: bool,
    pub initially_drop_old_table: bool,
    pub ok_to_drop_table: bool,
    pub timestamp_old_table: bool,
    pub approve_renamed_columns: bool,
    pub skip_renamed_columns: bool,
    pub replica_server_id: u32,
    pub heartbeat_interval: Duration,
    pub throttle_flag_file: Option<PathBuf>,
    pub critical_load_interval: Duration,
    pub critical_load_hibernate: Duration,
    pub throttle_http_interval: Duration,
    pub throttle_http_timeout: Duration,
    pub ignore_http_errors: bool,
    pub serve_socket_file: PathBuf,
    pub serve_tcp_port: Option<u16>,
    pub initially_drop_socket_file: bool,
    pub force_named_cut_over: bool,
    pub force_named_panic: bool,
    pub metrics_addr: Option<HostPort>,
    pub hooks_path: Option<PathBuf>,
    pub copy_threads: usize,
    pub apply_threads: usize,
    /// `--resume`: there must be a checkpoint to resume.
    pub resume: bool,
    pub checkpoint_interval: Duration,
    pub allow_lossy: bool,
    pub skip_checksum: bool,
    /// Whether plain secondary indexes are dropped from the empty ghost and built after the
    /// copy (`Auto` is decided by the Inspector: [`crate::inspector::Inspection::defer_indexes`]).
    pub defer_secondary_indexes: DeferIndexes,
    pub skip_disk_check: bool,
    pub hooks_hint: String,
    pub hooks_hint_owner: String,
    pub hooks_hint_token: String,
    pub hooks_status_interval: Duration,
    pub throttle_additional_flag_file: Option<PathBuf>,
    pub tunables: Arc<Tunables>,
}

/// Settings changeable while running. Written only by the interactive server; read by the
/// copy, the apply and the throttler at each use.
#[derive(Debug)]
pub struct Tunables {
    pub chunk_size: AtomicU64,
    /// `--chunk-time` in ms; 0 keeps `chunk_size` fixed.
    pub chunk_time_millis: AtomicU64,
    /// `--busy-chunk-time` in ms: the target while the table is being written; 0 = off.
    pub busy_chunk_time_millis: AtomicU64,
    pub dml_batch_size: AtomicU64,
    pub max_lag_millis: AtomicU64,
    /// f64 bits.
    nice_ratio: AtomicU64,
    /// The operator's `throttle` command.
    pub user_throttle: AtomicBool,
    /// The operator's `unpostpone` command: cut over even if the postpone flag file exists.
    pub unpostpone: AtomicBool,
    pub postpone_cut_over_flag_file: Mutex<Option<PathBuf>>,
    pub max_load: Mutex<LoadMap>,
    pub critical_load: Mutex<LoadMap>,
    pub throttle_query: Mutex<Option<String>>,
    pub throttle_http: Mutex<Option<String>>,
    pub throttle_control_replicas: Mutex<Vec<HostPort>>,
}

/// See `Tunables::chunk_target`.
pub fn chunk_target(chunk_time: Duration, busy_chunk_time: Duration, written: bool) -> Duration {
    if written && !busy_chunk_time.is_zero() && !chunk_time.is_zero() {
        chunk_time.min(busy_chunk_time)
    } else {
        chunk_time
    }
}

/// Reads a value behind a mutex that a panicking writer cannot have left half-written (every
/// writer replaces the value whole).
fn read<T: Clone>(m: &Mutex<T>) -> T {
    m.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

fn write<T>(m: &Mutex<T>, v: T) {
    *m.lock().unwrap_or_else(|e| e.into_inner()) = v;
}

impl Tunables {
    pub fn chunk_size(&self) -> u64 {
        self.chunk_size.load(Ordering::Relaxed)
    }
    /// Target time per chunk; zero keeps the chunk size fixed.
    pub fn chunk_time(&self) -> Duration {
        Duration::from_millis(self.chunk_time_millis.load(Ordering::Relaxed))
    }
    /// `--busy-chunk-time`; zero: `chunk_time` applies while the table is written too.
    pub fn busy_chunk_time(&self) -> Duration {
        Duration::from_millis(self.busy_chunk_time_millis.load(Ordering::Relaxed))
    }
    /// The target time of the next chunk: `chunk_time`, or while the application writes to
    /// the table, `busy_chunk_time` when that is shorter (and not off). Zero: fixed size.
    pub fn chunk_target(&self, written: bool) -> Duration {
        chunk_target(self.chunk_time(), self.busy_chunk_time(), written)
    }
    pub fn dml_batch_size(&self) -> usize {
        self.dml_batch_size.load(Ordering::Relaxed) as usize
    }
    pub fn nice_ratio(&self) -> f64 {
        f64::from_bits(self.nice_ratio.load(Ordering::Relaxed))
    }
    pub fn set_nice_ratio(&self, r: f64) {
        self.nice_ratio.store(r.to_bits(), Ordering::Relaxed)
    }
    pub fn max_load(&self) -> LoadMap {
        read(&self.max_load)
    }
    pub fn set_max_load(&self, v: LoadMap) {
        write(&self.max_load, v)
    }
    pub fn critical_load(&self) -> LoadMap {
        read(&self.critical_load)
    }
    pub fn set_critical_load(&self, v: LoadMap) {
        write(&self.critical_load, v)
    }
    pub fn throttle_query(&self) -> Option<String> {
        read(&self.throttle_query)
    }
    pub fn set_throttle_query(&self, v: Option<String>) {
        write(&self.throttle_query, v)
    }
    pub fn throttle_http(&self) -> Option<String> {
        read(&self.throttle_http)
    }
    pub fn set_throttle_http(&self, v: Option<String>) {
        write(&self.throttle_http, v)
    }
    pub fn throttle_control_replicas(&self) -> Vec<HostPort> {
        read(&self.throttle_control_replicas)
    }
    pub fn set_throttle_control_replicas(&self, v: Vec<HostPort>) {
        write(&self.throttle_control_replicas, v)
    }
    pub fn postpone_flag_file(&self) -> Option<PathBuf> {
        read(&self.postpone_cut_over_flag_file)
    }
    pub fn set_postpone_flag_file(&self, v: Option<PathBuf>) {
        write(&self.postpone_cut_over_flag_file, v)
    }
}

/// Flags that are accepted (gh-ost has them) but whose behaviour ghost-rs does not have yet:
/// giving one is an error, never silently ignored.
fn refuse_unimplemented(args: &Args) -> Result<()> {
    let mut given: Vec<&str> = Vec::new();
    let mut flag = |on: bool, name: &'static str| {
        if on {
            given.push(name)
        }
    };
    flag(args.switch_to_rbr, "--switch-to-rbr");
    flag(args.discard_foreign_keys, "--discard-foreign-keys");
    flag(args.skip_foreign_key_checks, "--skip-foreign-key-checks");
    flag(args.allow_nullable_unique_key, "--allow-nullable-unique-key");
    flag(args.replication_lag_query.is_some(), "--replication-lag-query");
    flag(args.revert, "--revert");
    flag(args.include_triggers, "--include-triggers");
    flag(args.force_table_names.is_some(), "--force-table-names");
    flag(args.statsd_addr.is_some(), "--statsd-addr");
    flag(args.gtid, "--gtid");
    flag(args.skip_strict_mode, "--skip-strict-mode");
    flag(args.aliyun_rds, "--aliyun-rds");
    flag(args.gcp, "--gcp");
    flag(args.azure, "--azure");
    flag(args.old_table.is_some(), "--old-table");
    flag(args.trigger_suffix.is_some(), "--trigger-suffix");
    flag(args.remove_trigger_suffix_if_exists, "--remove-trigger-suffix-if-exists");
    flag(args.storage_engine != cli::StorageEngine::Innodb, "--storage-engine=rocksdb");
    flag(args.tungsten, "--tungsten");
    flag(args.ask_pass, "--ask-pass");
    flag(args.attempt_instant_ddl, "--attempt-instant-ddl");
    if given.is_empty() {
        Ok(())
    } else {
        Err(Error::usage(format!("{} not implemented yet in this version of ghost-rs", given.join(", ")))
            .hint("remove the flag(s); see doc/flags.md for what this version supports"))
    }
}

/// Flags gh-ost has that change nothing in ghost-rs (its behaviour already covers them, or the
/// flag configures a gh-ost mechanism ghost-rs does without): accepted, and said so.
fn warn_no_effect(args: &Args) {
    let said = |on: bool, flag: &str, why: &str| {
        if on {
            log::warn!("{flag} has no effect in ghost-rs: {why}");
        }
    };
    said(args.charset != "utf8mb4,utf8,latin1", "--charset", "ghost-rs moves row bytes unchanged, in every charset");
    said(args.skip_port_validation, "--skip-port-validation", "ghost-rs does not compare the server's reported port");
    said(
        args.allow_setup_metadata_lock_instruments,
        "--allow-setup-metadata-lock-instruments",
        "the cut-over does not need performance_schema (see doc/cut-over.md)",
    );
    said(args.stack, "--stack", "errors carry their context instead of a stack trace");
    said(args.checkpoint, "--checkpoint", "ghost-rs always checkpoints (every --checkpoint-seconds)");
    said(args.panic_on_warnings, "--panic-on-warnings", "ghost-rs always stops on a copy warning that means data loss");
    said(
        args.allow_zero_in_date,
        "--allow-zero-in-date",
        "ghost-rs's sessions never reject zero dates (they copy whatever the table holds)",
    );
    said(args.statsd_tags.is_some(), "--statsd-tags", "StatsD is not supported (see --metrics-addr)");
    said(
        args.exact_rowcount && args.concurrent_rowcount,
        "--concurrent-rowcount",
        "with --exact-rowcount ghost-rs counts the rows before the copy starts",
    );
}

/// `--copy-threads` when not given: half the cores of this machine, at least 2, at most 8
/// (the copy is bound by the server's cores and disks; ghost-rs usually runs near the
/// server). Two chunks in flight beat one even on a 2-core box (measured in
/// doc/performance.md): one chunk's rows are written while the next one's are read.
fn default_copy_threads() -> usize {
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
    (cores / 2).clamp(2, 8)
}

impl Config {
    /// Checks the flags that clap cannot check alone and builds the configuration. `password`
    /// is the resolved password (flag, environment or option file).
    pub fn from_args(args: &Args, user: String, password: Secret) -> Result<Config> {
        refuse_unimplemented(args)?;
        warn_no_effect(args);
        if args.resume && args.initially_drop_ghost_table {
            return Err(Error::usage("--resume and --initially-drop-ghost-table contradict each other")
                .hint("--initially-drop-ghost-table drops the ghost and changelog tables, and with them the checkpoint to resume from: give one of them"));
        }
        let required = |v: &Option<String>, flag: &str| -> Result<String> {
            match v {
                Some(s) if !s.trim().is_empty() => Ok(s.clone()),
                _ => Err(Error::usage(format!("{flag} is required")).hint(format!("give {flag}; see ghost-rs --help"))),
            }
        };
        let database = required(&args.database, "--database")?;
        let table = required(&args.table, "--table")?;
        let socket = args
            .serve_socket_file
            .clone()
            .unwrap_or_else(|| PathBuf::from(format!("/tmp/ghost-rs.{database}.{table}.sock")));
        let alter = required(&args.alter, "--alter")?;
        let topology = if args.test_on_replica {
            Topology::TestOnReplica
        } else if args.migrate_on_replica {
            Topology::MigrateOnReplica
        } else {
            Topology::Default
        };
        let tls = if args.ssl || args.ssl_ca.is_some() || args.ssl_cert.is_some() || args.ssl_key.is_some() {
            if args.ssl_cert.is_some() != args.ssl_key.is_some() {
                return Err(Error::usage("--ssl-cert and --ssl-key must be given together"));
            }
            Some(Tls {
                ca: args.ssl_ca.as_ref().map(|p| p.display().to_string()),
                cert: args.ssl_cert.as_ref().map(|p| p.display().to_string()),
                key: args.ssl_key.as_ref().map(|p| p.display().to_string()),
                allow_insecure: args.ssl_allow_insecure,
            })
        } else {
            None
        };
        let tunables = Tunables {
            chunk_size: AtomicU64::new(args.chunk_size as u64),
            chunk_time_millis: AtomicU64::new(args.chunk_time),
            busy_chunk_time_millis: AtomicU64::new(args.busy_chunk_time),
            dml_batch_size: AtomicU64::new(args.dml_batch_size as u64),
            max_lag_millis: AtomicU64::new(args.max_lag_millis),
            nice_ratio: AtomicU64::new(args.nice_ratio.to_bits()),
            user_throttle: AtomicBool::new(false),
            unpostpone: AtomicBool::new(false),
            postpone_cut_over_flag_file: Mutex::new(args.postpone_cut_over_flag_file.clone()),
            max_load: Mutex::new(args.max_load.clone()),
            critical_load: Mutex::new(args.critical_load.clone()),
            throttle_query: Mutex::new(args.throttle_query.clone()),
            throttle_http: Mutex::new(args.throttle_http.clone()),
            throttle_control_replicas: Mutex::new(args.throttle_control_replicas.clone()),
        };
        Ok(Config {
            endpoint: Endpoint {
                host: args.host.clone(),
                port: args.port,
                user,
                password,
                tls,
                timeout: (args.mysql_timeout > 0.0).then(|| Duration::from_secs_f64(args.mysql_timeout)),
            },
            assume_master_host: args.assume_master_host.clone(),
            master_user: args.master_user.clone(),
            master_password: args.master_password.clone(),
            database,
            table,
            alter,
            execute: args.execute,
            topology,
            allow_on_master: args.allow_on_master,
            allow_master_master: args.allow_master_master,
            test_on_replica_skip_replica_stop: args.test_on_replica_skip_replica_stop,
            assume_rbr: args.assume_rbr,
            exact_rowcount: args.exact_rowcount,
            default_retries: args.default_retries,
            binlog_reconnects: if args.binlogsyncer_max_reconnect_attempts > 0 {
                args.binlogsyncer_max_reconnect_attempts as u32
            } else {
                args.default_retries
            },
            cut_over: match args.cut_over {
                cli::CutOver::Atomic => CutOver::Atomic,
                cli::CutOver::TwoStep => CutOver::TwoStep,
            },
            cut_over_lock_timeout: Duration::from_secs(args.cut_over_lock_timeout_seconds as u64),
            cut_over_exponential_backoff: args.cut_over_exponential_backoff,
            exponential_backoff_max_interval: Duration::from_secs(args.exponential_backoff_max_interval as u64),
            panic_flag_file: args.panic_flag_file.clone(),
            initially_drop_ghost_table: args.initially_drop_ghost_table,
            initially_drop_old_table: args.initially_drop_old_table,
            ok_to_drop_table: args.ok_to_drop_table,
            timestamp_old_table: args.timestamp_old_table,
            approve_renamed_columns: args.approve_renamed_columns,
            skip_renamed_columns: args.skip_renamed_columns,
            replica_server_id: args.replica_server_id,
            heartbeat_interval: Duration::from_millis(args.heartbeat_interval_millis),
            throttle_flag_file: args.throttle_flag_file.clone(),
            critical_load_interval: Duration::from_millis(args.critical_load_interval_millis),
            critical_load_hibernate: Duration::from_secs(args.critical_load_hibernate_seconds),
            throttle_http_interval: Duration::from_millis(args.throttle_http_interval_millis.max(10)),
            throttle_http_timeout: Duration::from_millis(args.throttle_http_timeout_millis.max(10)),
            ignore_http_errors: args.ignore_http_errors,
            serve_socket_file: socket,
            serve_tcp_port: args.serve_tcp_port.filter(|p| *p != 0),
            initially_drop_socket_file: args.initially_drop_socket_file,
            force_named_cut_over: args.force_named_cut_over,
            force_named_panic: args.force_named_panic,
            metrics_addr: args.metrics_addr.clone(),
            hooks_path: args.hooks_path.clone(),
            copy_threads: args.copy_threads.unwrap_or_else(default_copy_threads),
            apply_threads: args.apply_threads.or(args.copy_threads).unwrap_or_else(default_copy_threads),
            resume: args.resume,
            checkpoint_interval: Duration::from_secs(args.checkpoint_seconds.max(1)),
            allow_lossy: args.allow_lossy,
            skip_checksum: args.skip_checksum,
            defer_secondary_indexes: args.defer_secondary_indexes,
            skip_disk_check: args.skip_disk_check,
            hooks_hint: args.hooks_hint.clone().unwrap_or_default(),
            hooks_hint_owner: args.hooks_hint_owner.clone().unwrap_or_default(),
            hooks_hint_token: args.hooks_hint_token.clone().unwrap_or_default(),
            hooks_status_interval: Duration::from_secs(args.hooks_status_interval.max(1)),
            throttle_additional_flag_file: args.throttle_additional_flag_file.clone(),
            tunables: Arc::new(tunables),
        })
    }
}

#[cfg(test)]
pub mod tests_support {
    use super::*;

    /// gh-ost's defaults, for unit tests of the components that read tunables.
    pub fn tunables() -> Tunables {
        Tunables {
            chunk_size: AtomicU64::new(1000),
            chunk_time_millis: AtomicU64::new(500),
            busy_chunk_time_millis: AtomicU64::new(100),
            dml_batch_size: AtomicU64::new(10),
            max_lag_millis: AtomicU64::new(1500),
            nice_ratio: AtomicU64::new(0f64.to_bits()),
            user_throttle: AtomicBool::new(false),
            unpostpone: AtomicBool::new(false),
            postpone_cut_over_flag_file: Mutex::new(None),
            max_load: Mutex::new(LoadMap::default()),
            critical_load: Mutex::new(LoadMap::default()),
            throttle_query: Mutex::new(None),
            throttle_http: Mutex::new(None),
            throttle_control_replicas: Mutex::new(Vec::new()),
        }
    }
}
