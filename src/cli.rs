//! The command line of ghost-rs: every flag, its default, and its validation.
//!
//! ghost-rs is a drop-in replacement for GitHub's gh-ost, so this module
//! accepts gh-ost's flag names with gh-ost's defaults and meanings, in the
//! spelling gh-ost users actually type:
//!
//! * Go `flag` syntax: a single dash works as well as two (`-alter "..."
//!   -execute`), see [`normalize_args`]; booleans take an optional `=value`
//!   (`--execute`, `--execute=true`, `--concurrent-rowcount=false`).
//! * Go semantics for values: an empty string means "not set"
//!   (see [`Optional`]), a repeated flag keeps its last value, and the
//!   word after a flag that takes a value is that value even if it starts
//!   with `-`.
//!
//! Values are checked while parsing (ranges, `--max-load` syntax, host
//! lists, ...) so that a typo fails at once with a message naming the flag,
//! rather than hours into a migration. Flag combinations that gh-ost rejects
//! at startup are checked by [`Args::check_combinations`].
//!
//! Who uses it: `main.rs` calls [`Args::parse_from_env`] and builds its
//! `Config` from the returned [`Args`]. This module does no I/O besides
//! reading the environment variable `GHOST_RS_PASSWORD`; reading `--conf`,
//! prompting for `--ask-pass` and deriving the database or table from
//! `--alter` are left to the caller.

use std::collections::{HashMap, HashSet};
use std::ffi::{OsStr, OsString};
use std::fmt;
use std::net::Ipv6Addr;
use std::path::PathBuf;
use std::sync::OnceLock;

use clap::builder::RangedU64ValueParser;
use clap::error::ErrorKind;
use clap::{Arg, ArgAction, CommandFactory, Parser};
use regex::Regex;

// Headings of the `--help` groups, in display order.
const CONNECTION: &str = "Connection";
const MIGRATION: &str = "Migration";
const TOPOLOGY: &str = "Topology";
const COPY: &str = "Copy and apply";
const THROTTLING: &str = "Throttling";
const CUT_OVER: &str = "Cut-over";
const TABLES: &str = "Tables";
const CONTROL: &str = "Control and hooks";
const LOGGING: &str = "Logging";

/// The environment variable `--password` falls back to.
pub const PASSWORD_ENV: &str = "GHOST_RS_PASSWORD";

/// MySQL's limit on database and table name length, in characters.
pub const MAX_IDENTIFIER_CHARS: usize = 64;

/// An optional value whose empty spelling means "not set", as in gh-ost,
/// where `--throttle-flag-file=""` is the same as leaving the flag out.
///
/// This is exactly `Option<T>`. It has its own name only so that clap's
/// derive treats it as a plain value (parsed by our value parser, which
/// turns `""` into `None`) instead of as "flag may be absent"; so every
/// field of this type needs a `default_value`, usually `""`.
pub type Optional<T> = Option<T>;

/// A list parsed from one comma-separated flag value (`a,b,c`).
///
/// This is exactly `Vec<T>`, named so that clap's derive parses the whole
/// value with one value parser instead of collecting repeated flags: as in
/// gh-ost, a repeated flag replaces the list, and `""` is an empty list.
pub type CommaList<T> = Vec<T>;

/// A password. Its `Debug` output is `***`, so that `{:?}` of [`Args`]
/// (in logs, panics or test failures) never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a password.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The password itself, for handing to the MySQL driver.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"***\"")
    }
}

/// A MySQL server address: `host[:port]`, IPv6 in brackets (`[::1]:3307`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct HostPort {
    /// Host name or IP address, without brackets.
    pub host: String,
    /// TCP port.
    pub port: u16,
}

impl HostPort {
    /// The port assumed when `host[:port]` gives none (MySQL's default).
    pub const DEFAULT_PORT: u16 = 3306;

    /// Parses `host[:port]`. Without a port, `default_port` is used, or the
    /// port is an error when `default_port` is `None`.
    pub fn parse(text: &str, default_port: Option<u16>) -> Result<HostPort, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("empty address; expected host[:port]".to_string());
        }
        let (host, port) = if let Some(rest) = text.strip_prefix('[') {
            let Some((inside, after)) = rest.split_once(']') else {
                return Err(format!("'{text}': missing ']' after the IPv6 address"));
            };
            if inside.parse::<Ipv6Addr>().is_err() {
                return Err(format!("'{inside}' is not an IPv6 address"));
            }
            let port = if after.is_empty() {
                None
            } else {
                Some(after.strip_prefix(':').ok_or_else(|| format!("'{text}': expected ':port' after ']'"))?)
            };
            (inside, port)
        } else {
            let (host, port) = match text.split_once(':') {
                None => (text, None),
                Some((_, port)) if port.contains(':') => {
                    return Err(format!("'{text}': write an IPv6 address in brackets, e.g. [{text}]:3306"))
                }
                Some((host, port)) => (host, Some(port)),
            };
            check_host_name(host)?;
            (host, port)
        };
        let port = match (port, default_port) {
            (Some(port), _) => parse_port(port)?,
            (None, Some(port)) => port,
            (None, None) => return Err(format!("'{text}': a port is required (host:port)")),
        };
        Ok(HostPort { host: host.to_string(), port })
    }
}

impl fmt::Display for HostPort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

/// Status-variable thresholds, as given to `--max-load` and
/// `--critical-load`: `Threads_running=25,Threads_connected=500` becomes
/// `[("Threads_running", 25), ("Threads_connected", 500)]`, in the order
/// given. An empty string is an empty map (no threshold).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoadMap(pub Vec<(String, i64)>);

impl LoadMap {
    /// True when no threshold is set.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Parses `name=threshold[,name=threshold...]`. Names are status
    /// variable names (`[A-Za-z_][A-Za-z0-9_]*`, each at most once, ignoring
    /// case as MySQL does); thresholds are non-negative integers. Spaces
    /// around names and values are ignored.
    pub fn parse(text: &str) -> Result<LoadMap, String> {
        static NAME: OnceLock<Regex> = OnceLock::new();
        let name_re = NAME.get_or_init(|| Regex::new(r"^[A-Za-z_][A-Za-z0-9_]*$").unwrap());
        let mut entries = Vec::new();
        let mut seen = HashSet::new();
        if text.trim().is_empty() {
            return Ok(LoadMap(entries));
        }
        for condition in text.split(',') {
            let Some((name, value)) = condition.split_once('=') else {
                return Err(format!(
                    "'{}' is not name=threshold (example: Threads_running=25,Threads_connected=500)",
                    condition.trim()
                ));
            };
            let (name, value) = (name.trim(), value.trim());
            if !name_re.is_match(name) {
                return Err(format!(
                    "'{name}' is not a status variable name (letters, digits and _, not starting with a digit)"
                ));
            }
            let threshold: i64 =
                value.parse().map_err(|_| format!("threshold '{value}' for {name} is not an integer"))?;
            if threshold < 0 {
                return Err(format!("threshold for {name} is {threshold}; it must be >= 0"));
            }
            if !seen.insert(name.to_ascii_lowercase()) {
                return Err(format!("{name} is given more than once"));
            }
            entries.push((name.to_string(), threshold));
        }
        Ok(LoadMap(entries))
    }
}

impl fmt::Display for LoadMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (name, threshold)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{name}={threshold}")?;
        }
        Ok(())
    }
}

/// How the original table is swapped for the ghost table (`--cut-over`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CutOver {
    /// gh-ost's atomic cut-over (`atomic`, also spelled `default`): the
    /// table is locked and both renames happen in one `RENAME TABLE`.
    Atomic,
    /// `two-step`: rename the original away, then the ghost into place;
    /// the table is briefly missing in between.
    TwoStep,
}

/// `--defer-secondary-indexes`: when the ghost's plain secondary indexes are built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeferIndexes {
    /// After the row copy (`true`, or the flag alone).
    On,
    /// Row by row during the copy (`false`).
    Off,
    /// After the copy only when no replica would replay the build (the default).
    Auto,
}

/// `--storage-engine`: the engine of the migrated table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StorageEngine {
    /// InnoDB (default).
    Innodb,
    /// MyRocks; gh-ost switches sessions to READ COMMITTED for it.
    Rocksdb,
}

/// Every command-line flag. Field names are gh-ost's flag names with `_`
/// for `-`; the doc comment of each field is its `--help` line.
// Those lines are plain text for --help, where `[client]`, `host[:port]` or `<table>`
// are not rustdoc links or HTML.
#[allow(rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]
#[derive(Parser, Debug, Clone)]
#[command(
    name = "ghost-rs",
    version,
    about = "Triggerless online schema change for MySQL and MariaDB; a drop-in replacement for gh-ost.",
    long_about = None,
    after_help = "Flags may also be written gh-ost style: -alter \"...\" -execute, --execute=false. See doc/flags.md.",
    args_override_self = true,
    mut_args(go_style)
)]
pub struct Args {
    // ----------------------------------------------------------------- Connection
    /// MySQL host to connect to; preferably a replica, not the master
    #[arg(long, default_value = "127.0.0.1", help_heading = CONNECTION, value_name = "HOST")]
    pub host: String,

    /// MySQL port
    #[arg(long, default_value_t = 3306, help_heading = CONNECTION,
          value_parser = clap::value_parser!(u16).range(1..))]
    pub port: u16,

    /// MySQL user (overrides user= in --conf)
    #[arg(long, default_value = "", help_heading = CONNECTION, value_parser = optional_string,
          value_name = "USER")]
    pub user: Optional<String>,

    /// MySQL password; prefer --conf or the environment variable (overrides password= in --conf)
    #[arg(long, env = PASSWORD_ENV, hide_env_values = true, default_value = "",
          help_heading = CONNECTION, value_parser = optional_secret,
          value_name = "PASSWORD")]
    pub password: Optional<Secret>,

    /// Prompt for the MySQL password on the terminal
    #[arg(long, help_heading = CONNECTION)]
    pub ask_pass: bool,

    /// Option file with user= and password= in a [client] section (my.cnf format)
    #[arg(long, default_value = "", help_heading = CONNECTION, value_parser = optional_path,
          value_name = "FILE")]
    pub conf: Optional<PathBuf>,

    /// MySQL user on the master, if different from --user; requires --assume-master-host
    #[arg(long, default_value = "", help_heading = CONNECTION, value_parser = optional_string,
          value_name = "USER")]
    pub master_user: Optional<String>,

    /// MySQL password on the master, if different; requires --assume-master-host
    #[arg(long, default_value = "", help_heading = CONNECTION, value_parser = optional_secret,
          value_name = "PASSWORD")]
    pub master_password: Optional<Secret>,

    /// Read and write timeout of ghost-rs's connections (not the binlog stream), in seconds (0 = none)
    #[arg(long, default_value_t = 0.0, help_heading = CONNECTION, value_parser = seconds,
          value_name = "SECONDS")]
    pub mysql_timeout: f64,

    /// Connection character sets to try, in order
    #[arg(long, default_value = "utf8mb4,utf8,latin1", help_heading = CONNECTION,
          value_parser = charset_list, value_name = "LIST")]
    pub charset: String,

    /// Use TLS for connections to MySQL
    #[arg(long, help_heading = CONNECTION)]
    pub ssl: bool,

    /// CA certificate (PEM) to verify the server with instead of the system store; requires --ssl
    #[arg(long, default_value = "", help_heading = CONNECTION, value_parser = optional_path,
          value_name = "FILE")]
    pub ssl_ca: Optional<PathBuf>,

    /// Client certificate (PEM); requires --ssl
    #[arg(long, default_value = "", help_heading = CONNECTION, value_parser = optional_path,
          value_name = "FILE")]
    pub ssl_cert: Optional<PathBuf>,

    /// Client private key (PEM); requires --ssl
    #[arg(long, default_value = "", help_heading = CONNECTION, value_parser = optional_path,
          value_name = "FILE")]
    pub ssl_key: Optional<PathBuf>,

    /// Encrypt but do not verify the server certificate or host name; requires --ssl
    #[arg(long, help_heading = CONNECTION)]
    pub ssl_allow_insecure: bool,

    /// Do not check that the server reports the port we connected to (port-forwarding, proxies)
    #[arg(long, help_heading = CONNECTION)]
    pub skip_port_validation: bool,

    // ------------------------------------------------------------------ Migration
    /// Database of the table to migrate (default: the schema named in --alter)
    #[arg(long, help_heading = MIGRATION, value_parser = identifier, value_name = "NAME")]
    pub database: Option<String>,

    /// Table to migrate (default: the table named in --alter)
    #[arg(long, help_heading = MIGRATION, value_parser = identifier, value_name = "NAME")]
    pub table: Option<String>,

    /// The ALTER to apply, e.g. "ADD COLUMN c INT" or a full ALTER TABLE statement
    #[arg(long, help_heading = MIGRATION, value_parser = alter_statement, value_name = "SQL")]
    pub alter: Option<String>,

    /// Really migrate; without it ghost-rs only checks and exits (no-op run)
    #[arg(long, help_heading = MIGRATION)]
    pub execute: bool,

    /// Try ALGORITHM=INSTANT first; fall back to a full migration if the server refuses
    #[arg(long, help_heading = MIGRATION)]
    pub attempt_instant_ddl: bool,

    /// Storage engine of the table: innodb or rocksdb (rocksdb uses READ COMMITTED)
    #[arg(long, default_value = "innodb", help_heading = MIGRATION, value_parser = storage_engine,
          value_name = "ENGINE")]
    pub storage_engine: StorageEngine,

    /// Allow migrating on a unique key with nullable columns; NULLs in the key corrupt data
    #[arg(long, help_heading = MIGRATION)]
    pub allow_nullable_unique_key: bool,

    /// Skip the check for foreign keys; only when you know the table has none
    #[arg(long, help_heading = MIGRATION)]
    pub skip_foreign_key_checks: bool,

    /// DANGER: migrate a table with foreign keys and create none on the new table
    #[arg(long, help_heading = MIGRATION)]
    pub discard_foreign_keys: bool,

    /// Do not force STRICT_ALL_TABLES in the session sql_mode when applying changes
    #[arg(long, help_heading = MIGRATION)]
    pub skip_strict_mode: bool,

    /// Drop NO_ZERO_IN_DATE,NO_ZERO_DATE from the session sql_mode when applying changes
    #[arg(long, help_heading = MIGRATION)]
    pub allow_zero_in_date: bool,

    /// Abort when copying rows raises SQL warnings that indicate data loss
    #[arg(long, help_heading = MIGRATION)]
    pub panic_on_warnings: bool,

    /// Proceed even when the ALTER may lose or convert data (ghost-rs)
    #[arg(long, help_heading = MIGRATION)]
    pub allow_lossy: bool,

    /// Accepted for gh-ost compatibility: ghost-rs always checkpoints (into its changelog table)
    #[arg(long, help_heading = MIGRATION)]
    pub checkpoint: bool,

    /// Seconds between checkpoints (ghost-rs always checkpoints; gh-ost's default is 300)
    #[arg(long, default_value_t = 10, help_heading = MIGRATION,
          value_parser = clap::value_parser!(u64).range(1..), value_name = "SECONDS")]
    pub checkpoint_seconds: u64,

    /// Resume an interrupted migration from its checkpoint; give the original flags again
    #[arg(long, help_heading = MIGRATION)]
    pub resume: bool,

    /// Revert a completed migration (needs --old-table and a checkpoint table)
    #[arg(long, help_heading = MIGRATION)]
    pub revert: bool,

    /// With --revert: the old table left by the migration, e.g. _mytable_del
    #[arg(long, default_value = "", help_heading = MIGRATION, value_parser = optional_identifier,
          value_name = "NAME")]
    pub old_table: Optional<String>,

    // ------------------------------------------------------------------- Topology
    /// Allow running with --host being the master itself
    #[arg(long, help_heading = TOPOLOGY)]
    pub allow_on_master: bool,

    /// Allow a master-master topology (see --assume-master-host)
    #[arg(long, help_heading = TOPOLOGY)]
    pub allow_master_master: bool,

    /// Use this master instead of discovering it: host[:port], port 3306 if omitted
    #[arg(long, default_value = "", help_heading = TOPOLOGY, value_parser = optional_host_port,
          value_name = "HOST[:PORT]")]
    pub assume_master_host: Optional<HostPort>,

    /// Migrate on the replica only; replication is stopped at cut-over and tables swapped back
    #[arg(long, help_heading = TOPOLOGY)]
    pub test_on_replica: bool,

    /// With --test-on-replica: do not stop replication (a hook must do it)
    #[arg(long, help_heading = TOPOLOGY)]
    pub test_on_replica_skip_replica_stop: bool,

    /// Run the whole migration, cut-over included, on the replica given by --host
    #[arg(long, help_heading = TOPOLOGY)]
    pub migrate_on_replica: bool,

    /// Trust that binlog_format is ROW; skips the replication restart that needs SUPER
    #[arg(long, help_heading = TOPOLOGY)]
    pub assume_rbr: bool,

    /// Switch the replica's binlog_format to ROW if needed (it is not switched back)
    #[arg(long, help_heading = TOPOLOGY)]
    pub switch_to_rbr: bool,

    /// Use GTIDs instead of file and position for binlog streaming (needs gtid_mode=ON)
    #[arg(long, help_heading = TOPOLOGY)]
    pub gtid: bool,

    /// Tungsten replicator topology (give --assume-master-host too)
    #[arg(long, help_heading = TOPOLOGY)]
    pub tungsten: bool,

    /// Running on Aliyun RDS
    #[arg(long, help_heading = TOPOLOGY)]
    pub aliyun_rds: bool,

    /// Running on 1st-generation Google Cloud SQL
    #[arg(long, help_heading = TOPOLOGY)]
    pub gcp: bool,

    /// Running on Azure Database for MySQL
    #[arg(long, help_heading = TOPOLOGY)]
    pub azure: bool,

    /// server_id ghost-rs uses to read the binlog; unique per concurrent migration
    #[arg(long, default_value_t = 99999, help_heading = TOPOLOGY,
          value_parser = clap::value_parser!(u32).range(1..), value_name = "ID")]
    pub replica_server_id: u32,

    /// Binlog reconnects in a row before giving up (0 or less = --default-retries)
    #[arg(long, default_value_t = 0, help_heading = TOPOLOGY, value_name = "N")]
    pub binlogsyncer_max_reconnect_attempts: i64,

    // ------------------------------------------------------------- Copy and apply
    /// Rows copied per chunk (10..=100000)
    #[arg(long, default_value_t = 1000, help_heading = COPY,
          value_parser = clap::value_parser!(u32).range(10..=100_000), value_name = "ROWS")]
    pub chunk_size: u32,

    /// Most rows in one multi-row REPLACE/DELETE applying binlog changes (1..=1000; gh-ost's default is 10)
    #[arg(long, default_value_t = 100, help_heading = COPY,
          value_parser = clap::value_parser!(u32).range(1..=1000), value_name = "EVENTS")]
    pub dml_batch_size: u32,

    /// Sleep this fraction of each chunk's copy time after it (0 = none, 1 = as long again; 0..=100)
    #[arg(long, default_value_t = 0.0, help_heading = COPY, value_parser = nice_ratio,
          value_name = "RATIO")]
    pub nice_ratio: f64,

    /// Count rows with SELECT COUNT(*) for an accurate progress estimate
    #[arg(long, help_heading = COPY)]
    pub exact_rowcount: bool,

    /// With --exact-rowcount: count while copying rather than before
    #[arg(long, default_value_t = true, help_heading = COPY)]
    pub concurrent_rowcount: bool,

    /// Retries of a failing operation before giving up
    #[arg(long, default_value_t = 60, help_heading = COPY,
          value_parser = clap::value_parser!(u32).range(1..), value_name = "N")]
    pub default_retries: u32,

    /// Longest wait between retries with exponential backoff, in seconds (>= 2)
    #[arg(long, default_value_t = 64, help_heading = COPY,
          value_parser = clap::value_parser!(u32).range(2..), value_name = "SECONDS")]
    pub exponential_backoff_max_interval: u32,

    /// Parallel row-copy connections (1..=64; default: half the cores, at most 8) (ghost-rs)
    #[arg(long, help_heading = COPY, value_parser = RangedU64ValueParser::<usize>::new().range(1..=64),
          value_name = "N")]
    pub copy_threads: Option<usize>,

    /// Connections that apply binlog changes, keys partitioned among them (1..=64; default: as --copy-threads) (ghost-rs)
    #[arg(long, help_heading = COPY, value_parser = RangedU64ValueParser::<usize>::new().range(1..=64),
          value_name = "N")]
    pub apply_threads: Option<usize>,

    /// Target duration of one chunk, in milliseconds: the chunk size adapts to it (0 = keep --chunk-size; up to 60000) (ghost-rs)
    #[arg(long, default_value_t = 500, help_heading = COPY,
          value_parser = chunk_time, value_name = "MS")]
    pub chunk_time: u64,

    /// Target duration of one chunk while the application writes to the table (its row events arrive in the binlog), in milliseconds: a chunk share-locks its rows, and those writes wait for it; never above --chunk-time (0 = always --chunk-time; up to 60000) (ghost-rs)
    #[arg(long, default_value_t = 100, help_heading = COPY,
          value_parser = chunk_time, value_name = "MS")]
    pub busy_chunk_time: u64,

    /// Skip the checksum comparison of original and ghost table before cut-over (ghost-rs)
    #[arg(long, help_heading = COPY)]
    pub skip_checksum: bool,

    /// When to build the ghost's plain secondary indexes: true = after the row copy, in one ALTER (faster copy; every replica then lags while it builds them), false = row by row during the copy, auto = after the copy only when no replica would replay the build after it is done: none replicates from the server that writes the ghost, or each starts the build when it does (MariaDB 10.8+ applying in parallel) (ghost-rs)
    #[arg(long, default_value = "auto", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          value_parser = defer_indexes, value_name = "WHEN", help_heading = COPY)]
    pub defer_secondary_indexes: DeferIndexes,

    /// Run even when the ghost table and the binlog of its copy look larger than the free disk (ghost-rs)
    #[arg(long, help_heading = COPY)]
    pub skip_disk_check: bool,

    // ----------------------------------------------------------------- Throttling
    /// Throttle while any status variable exceeds its threshold, e.g. Threads_running=25
    #[arg(long, default_value = "", help_heading = THROTTLING, value_parser = load_map,
          value_name = "VAR=N,...")]
    pub max_load: LoadMap,

    /// Abort (or hibernate) when any status variable exceeds its threshold; same syntax
    #[arg(long, default_value = "", help_heading = THROTTLING, value_parser = load_map,
          value_name = "VAR=N,...")]
    pub critical_load: LoadMap,

    /// On --critical-load, check again after this many ms and abort only if still exceeded (0 = abort at once)
    #[arg(long, default_value_t = 0, help_heading = THROTTLING, value_name = "MS")]
    pub critical_load_interval_millis: u64,

    /// On --critical-load, pause all work this many seconds instead of aborting (0 = abort)
    #[arg(long, default_value_t = 0, help_heading = THROTTLING, value_name = "SECONDS")]
    pub critical_load_hibernate_seconds: u64,

    /// Throttle while replication lag exceeds this many milliseconds (>= 100)
    #[arg(long, default_value_t = 1500, help_heading = THROTTLING,
          value_parser = clap::value_parser!(u64).range(100..), value_name = "MS")]
    pub max_lag_millis: u64,

    /// Also check lag on these replicas: host[:port],... (port 3306 if omitted)
    #[arg(long, default_value = "", help_heading = THROTTLING, value_parser = host_port_list,
          value_name = "HOST[:PORT],...")]
    pub throttle_control_replicas: CommaList<HostPort>,

    /// Deprecated in gh-ost; refused: lag is measured with ghost-rs's own heartbeat
    #[arg(long, default_value = "", help_heading = THROTTLING, value_parser = optional_string,
          value_name = "SQL")]
    pub replication_lag_query: Optional<String>,

    /// Query run every second on the master; a result > 0 throttles. Keep it cheap
    #[arg(long, default_value = "", help_heading = THROTTLING, value_parser = optional_string,
          value_name = "SQL")]
    pub throttle_query: Optional<String>,

    /// URL checked with HEAD requests; any status but 200 throttles
    #[arg(long, default_value = "", help_heading = THROTTLING, value_parser = optional_string,
          value_name = "URL")]
    pub throttle_http: Optional<String>,

    /// Milliseconds between --throttle-http checks
    #[arg(long, default_value_t = 100, help_heading = THROTTLING,
          value_parser = clap::value_parser!(u64).range(1..), value_name = "MS")]
    pub throttle_http_interval_millis: u64,

    /// Timeout of one --throttle-http check, in milliseconds
    #[arg(long, default_value_t = 1000, help_heading = THROTTLING,
          value_parser = clap::value_parser!(u64).range(1..), value_name = "MS")]
    pub throttle_http_timeout_millis: u64,

    /// Do not throttle when the --throttle-http URL cannot be reached
    #[arg(long, help_heading = THROTTLING)]
    pub ignore_http_errors: bool,

    /// Throttle while this file exists (use one per migration)
    #[arg(long, default_value = "", help_heading = THROTTLING, value_parser = optional_path,
          value_name = "FILE")]
    pub throttle_flag_file: Optional<PathBuf>,

    /// Throttle while this file exists (shared by all migrations; "" disables)
    #[arg(long, default_value = "/tmp/gh-ost.throttle", help_heading = THROTTLING,
          value_parser = optional_path, value_name = "FILE")]
    pub throttle_additional_flag_file: Optional<PathBuf>,

    /// Milliseconds between heartbeat writes used to measure lag (10..=1000)
    #[arg(long, default_value_t = 100, help_heading = THROTTLING,
          value_parser = clap::value_parser!(u64).range(10..=1000), value_name = "MS")]
    pub heartbeat_interval_millis: u64,

    // ------------------------------------------------------------------ Cut-over
    /// Cut-over method: atomic (alias: default) or two-step
    #[arg(long, default_value = "atomic", help_heading = CUT_OVER, value_parser = cut_over,
          value_name = "TYPE")]
    pub cut_over: CutOver,

    /// Longest time to hold table locks during one cut-over attempt, in seconds (1..=10)
    #[arg(long, default_value_t = 3, help_heading = CUT_OVER,
          value_parser = clap::value_parser!(u32).range(1..=10), value_name = "SECONDS")]
    pub cut_over_lock_timeout_seconds: u32,

    /// Wait exponentially longer between failed cut-over attempts (see --exponential-backoff-max-interval)
    #[arg(long, help_heading = CUT_OVER)]
    pub cut_over_exponential_backoff: bool,

    /// Postpone cut-over while this file exists (created at start if missing); keep syncing meanwhile
    #[arg(long, default_value = "", help_heading = CUT_OVER, value_parser = optional_path,
          value_name = "FILE")]
    pub postpone_cut_over_flag_file: Optional<PathBuf>,

    /// Abort at once, without cleanup, when this file appears
    #[arg(long, default_value = "", help_heading = CUT_OVER, value_parser = optional_path,
          value_name = "FILE")]
    pub panic_flag_file: Optional<PathBuf>,

    /// The interactive 'cut-over'/'unpostpone' command must name the table
    #[arg(long, help_heading = CUT_OVER)]
    pub force_named_cut_over: bool,

    /// The interactive 'panic' command must name the table
    #[arg(long, help_heading = CUT_OVER)]
    pub force_named_panic: bool,

    /// At cut-over, use performance_schema to verify the rename session holds the metadata lock
    #[arg(long, help_heading = CUT_OVER)]
    pub allow_setup_metadata_lock_instruments: bool,

    // --------------------------------------------------------------------- Tables
    /// Drop a leftover ghost table (_<table>_gho) before starting instead of failing
    #[arg(long, help_heading = TABLES)]
    pub initially_drop_ghost_table: bool,

    /// Drop a leftover old table (_<table>_del) before starting instead of failing
    #[arg(long, help_heading = TABLES)]
    pub initially_drop_old_table: bool,

    /// Drop the old table after a successful cut-over (DROP can lock; default keeps it)
    #[arg(long, help_heading = TABLES)]
    pub ok_to_drop_table: bool,

    /// Put a timestamp in the old table's name (_<table>_<YYYYMMDDhhmmss>_del)
    #[arg(long, help_heading = TABLES)]
    pub timestamp_old_table: bool,

    /// Confirm the column renames ghost-rs detected in --alter
    #[arg(long, help_heading = TABLES)]
    pub approve_renamed_columns: bool,

    /// Treat detected column renames as drop + add; the renamed columns' data is not copied
    #[arg(long, help_heading = TABLES)]
    pub skip_renamed_columns: bool,

    /// Name the helper tables after this prefix instead of the table name
    #[arg(long, default_value = "", help_heading = TABLES, value_parser = optional_identifier,
          value_name = "NAME")]
    pub force_table_names: Optional<String>,

    /// Recreate the table's triggers on the new table (needs --trigger-suffix)
    #[arg(long, help_heading = TABLES)]
    pub include_triggers: bool,

    /// Suffix for trigger names on the new table, e.g. _v2 (letters, digits, _)
    #[arg(long, default_value = "", help_heading = TABLES, value_parser = trigger_suffix,
          value_name = "SUFFIX")]
    pub trigger_suffix: Optional<String>,

    /// Remove --trigger-suffix from trigger names that already end with it instead of adding it
    #[arg(long, help_heading = TABLES)]
    pub remove_trigger_suffix_if_exists: bool,

    // ---------------------------------------------------------- Control and hooks
    /// Unix socket for interactive commands (default: /tmp/ghost-rs.<db>.<table>.sock)
    #[arg(long, default_value = "", help_heading = CONTROL, value_parser = optional_path,
          value_name = "FILE")]
    pub serve_socket_file: Optional<PathBuf>,

    /// TCP port for interactive commands (0 or absent = off)
    #[arg(long, default_value = "0", help_heading = CONTROL, value_parser = optional_tcp_port,
          value_name = "PORT", hide_default_value = true)]
    pub serve_tcp_port: Optional<u16>,

    /// Delete an existing --serve-socket-file first (it may belong to a running migration!)
    #[arg(long, help_heading = CONTROL)]
    pub initially_drop_socket_file: bool,

    /// Directory of hook executables (gh-ost-on-* naming); hooks are off without it
    #[arg(long, default_value = "", help_heading = CONTROL, value_parser = optional_path,
          value_name = "DIR")]
    pub hooks_path: Optional<PathBuf>,

    /// Free text passed to hooks as GH_OST_HOOKS_HINT
    #[arg(long, default_value = "", help_heading = CONTROL, value_parser = optional_string,
          value_name = "TEXT")]
    pub hooks_hint: Optional<String>,

    /// Owner name passed to hooks as GH_OST_HOOKS_HINT_OWNER
    #[arg(long, default_value = "", help_heading = CONTROL, value_parser = optional_string,
          value_name = "TEXT")]
    pub hooks_hint_owner: Optional<String>,

    /// Token passed to hooks as GH_OST_HOOKS_HINT_TOKEN
    #[arg(long, default_value = "", help_heading = CONTROL, value_parser = optional_string,
          value_name = "TEXT")]
    pub hooks_hint_token: Optional<String>,

    /// Seconds between calls of the gh-ost-on-status hook
    #[arg(long, default_value_t = 60, help_heading = CONTROL,
          value_parser = clap::value_parser!(u64).range(1..), value_name = "SECONDS")]
    pub hooks_status_interval: u64,

    /// Serve metrics over HTTP on this host:port (off by default) (ghost-rs)
    #[arg(long, default_value = "", help_heading = CONTROL, value_parser = optional_host_port_required,
          value_name = "HOST:PORT")]
    pub metrics_addr: Optional<HostPort>,

    /// StatsD address (gh-ost); accepted for compatibility
    #[arg(long, default_value = "", help_heading = CONTROL, value_parser = optional_host_port_required,
          value_name = "HOST:PORT")]
    pub statsd_addr: Optional<HostPort>,

    /// StatsD tags, e.g. table:foo,app:bar (gh-ost); accepted for compatibility
    #[arg(long, default_value = "", help_heading = CONTROL, value_parser = optional_string,
          value_name = "TAGS")]
    pub statsd_tags: Optional<String>,

    /// Only check that the other flags on the line exist, then exit 0 (for version-portable scripts)
    #[arg(long, help_heading = CONTROL)]
    pub check_flag: bool,

    // -------------------------------------------------------------------- Logging
    /// Log progress and decisions (info level)
    #[arg(long, help_heading = LOGGING)]
    pub verbose: bool,

    /// Log everything (debug level)
    #[arg(long, help_heading = LOGGING)]
    pub debug: bool,

    /// Log errors only
    #[arg(long, help_heading = LOGGING)]
    pub quiet: bool,

    /// Add a stack trace (backtrace) to errors
    #[arg(long, help_heading = LOGGING)]
    pub stack: bool,
}

impl Args {
    /// Parses the process's command line: [`normalize_args`], clap, then
    /// [`Args::check_combinations`]. On error, the caller prints it and
    /// exits with `err.exit()` (code 2; 0 for `--help` and `--version`).
    pub fn parse_from_env() -> Result<Args, clap::Error> {
        Args::try_parse_args(std::env::args_os())
    }

    /// Like [`Args::parse_from_env`], for a given command line whose first
    /// element is the program name. Use this rather than clap's
    /// `try_parse_from`, which skips single-dash normalisation, the
    /// combination checks and `--check-flag`.
    pub fn try_parse_args<I, T>(args: I) -> Result<Args, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString>,
    {
        let argv = normalize_args(args.into_iter().map(Into::into));
        if check_flag_requested(&argv) {
            return check_flags_exist(&argv);
        }
        let args = Args::try_parse_from(argv)?;
        args.check_combinations()?;
        Ok(args)
    }

    /// Rejects combinations of flags that contradict each other or lack a
    /// flag they need, as gh-ost does at startup. Checked on values, not on
    /// presence, so `--test-on-replica=false --migrate-on-replica` is fine.
    pub fn check_combinations(&self) -> Result<(), clap::Error> {
        let excluding = [
            (self.test_on_replica, "--test-on-replica", self.migrate_on_replica, "--migrate-on-replica"),
            (self.allow_on_master, "--allow-on-master", self.test_on_replica, "--test-on-replica"),
            (self.allow_on_master, "--allow-on-master", self.migrate_on_replica, "--migrate-on-replica"),
            (self.switch_to_rbr, "--switch-to-rbr", self.assume_rbr, "--assume-rbr"),
            (
                self.approve_renamed_columns,
                "--approve-renamed-columns",
                self.skip_renamed_columns,
                "--skip-renamed-columns",
            ),
            (self.verbose, "--verbose", self.quiet, "--quiet"),
            (self.debug, "--debug", self.quiet, "--quiet"),
        ];
        for (a, a_name, b, b_name) in excluding {
            if a && b {
                return Err(usage_error(
                    ErrorKind::ArgumentConflict,
                    format!("{a_name} and {b_name} cannot be used together"),
                ));
            }
        }
        let needing = [
            (
                self.test_on_replica_skip_replica_stop,
                "--test-on-replica-skip-replica-stop",
                self.test_on_replica,
                "--test-on-replica",
            ),
            (self.master_user.is_some(), "--master-user", self.assume_master_host.is_some(), "--assume-master-host"),
            (
                self.master_password.is_some(),
                "--master-password",
                self.assume_master_host.is_some(),
                "--assume-master-host",
            ),
            (self.ssl_ca.is_some(), "--ssl-ca", self.ssl, "--ssl"),
            (self.ssl_cert.is_some(), "--ssl-cert", self.ssl, "--ssl"),
            (self.ssl_key.is_some(), "--ssl-key", self.ssl, "--ssl"),
            (self.ssl_allow_insecure, "--ssl-allow-insecure", self.ssl, "--ssl"),
            (self.include_triggers, "--include-triggers", self.trigger_suffix.is_some(), "--trigger-suffix"),
            (self.trigger_suffix.is_some(), "--trigger-suffix", self.include_triggers, "--include-triggers"),
        ];
        for (given, given_name, needed, needed_name) in needing {
            if given && !needed {
                return Err(usage_error(
                    ErrorKind::MissingRequiredArgument,
                    format!("{given_name} requires {needed_name}"),
                ));
            }
        }
        Ok(())
    }
}

/// A clap error formatted like clap's own (with usage), for checks that
/// run after clap has parsed.
fn usage_error(kind: ErrorKind, message: String) -> clap::Error {
    Args::command().error(kind, message)
}

/// Applies gh-ost's conventions to every flag clap derives:
///
/// * `bool` flags become Go-style booleans: `--x` means true, `--x=VALUE`
///   takes any spelling Go's `strconv.ParseBool` accepts, `--x VALUE` does
///   not consume VALUE (as in Go).
/// * Flags taking a value take the next word as the value even when it
///   starts with `-` (Go does; `--nice-ratio -1` then fails on the number,
///   not as an unknown flag).
/// * A default of `""` ("not set") is not shown in `--help`.
fn go_style(arg: Arg) -> Arg {
    if matches!(arg.get_action(), ArgAction::SetTrue) {
        let defaults_to_true = arg.get_default_values() == [OsStr::new("true")];
        let arg = arg
            .action(ArgAction::Set)
            .num_args(0..=1)
            .require_equals(true)
            .default_missing_value("true")
            .value_parser(go_bool)
            .value_name("BOOL")
            .hide_possible_values(true);
        if defaults_to_true {
            arg
        } else {
            arg.default_value("false").hide_default_value(true)
        }
    } else if arg.get_action().takes_values() {
        let unset_by_default = arg.get_default_values() == [OsStr::new("")];
        let arg = arg.allow_hyphen_values(true);
        if unset_by_default {
            arg.hide_default_value(true)
        } else {
            arg
        }
    } else {
        arg
    }
}

/// Rewrites gh-ost style single-dash long flags to clap's double dash:
/// `-alter x` becomes `--alter x`, `-execute=false` becomes
/// `--execute=false`. Flag names are those of [`Args`]' long flags (and
/// `help`, `version`), taken from clap's definition. The value following a
/// flag that takes one (say `-1` after `--nice-ratio`), other words, and
/// everything after `--` are passed through unchanged; an unknown
/// `-long-name` is doubled too, only so that clap's error names it whole.
/// The first element (program name) is kept.
pub fn normalize_args(args: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    let takes_value = long_flags();
    let mut out = Vec::new();
    let mut args = args.into_iter();
    out.extend(args.next());
    let mut value_expected = false;
    let mut verbatim = false;
    for arg in args {
        if verbatim || value_expected {
            value_expected = false;
            out.push(arg);
            continue;
        }
        let Some(text) = arg.to_str() else {
            out.push(arg);
            continue;
        };
        if text == "--" {
            verbatim = true;
            out.push(arg);
            continue;
        }
        let (body, dashes) = if let Some(body) = text.strip_prefix("--") {
            (body, "")
        } else if let Some(body) = text.strip_prefix('-') {
            (body, "-")
        } else {
            out.push(arg);
            continue;
        };
        let (name, inline_value) = match body.split_once('=') {
            Some((name, _)) => (name, true),
            None => (body, false),
        };
        match takes_value.get(name) {
            Some(&needs_value) => {
                value_expected = needs_value && !inline_value;
                out.push(OsString::from(format!("{dashes}{text}")));
            }
            // Unknown, but shaped like a long flag: doubling the dash makes
            // clap report `--no-such-flag` (with a suggestion) instead of
            // the short flag `-n`.
            None if looks_like_long_flag(name) => out.push(OsString::from(format!("{dashes}{text}"))),
            None => out.push(arg),
        }
    }
    out
}

/// Two or more characters, starting with a letter: a long flag's name, not
/// a short flag (`-h`) or a negative number (`-1`).
fn looks_like_long_flag(name: &str) -> bool {
    name.len() >= 2 && name.starts_with(|c: char| c.is_ascii_alphabetic())
}

/// Every long flag name, mapped to whether it needs a value (so that the
/// next word is that value). Built from clap's own definition of [`Args`].
fn long_flags() -> &'static HashMap<String, bool> {
    static FLAGS: OnceLock<HashMap<String, bool>> = OnceLock::new();
    FLAGS.get_or_init(|| {
        let mut command = Args::command();
        command.build();
        command
            .get_arguments()
            .filter_map(|arg| {
                let needs_value =
                    arg.get_action().takes_values() && arg.get_num_args().is_none_or(|n| n.min_values() > 0);
                Some((arg.get_long()?.to_string(), needs_value))
            })
            .collect()
    })
}

/// True when the (normalised) command line asks for `--check-flag`.
fn check_flag_requested(argv: &[OsString]) -> bool {
    argv.iter().skip(1).take_while(|arg| *arg != "--").filter_map(|arg| arg.to_str()).any(|arg| {
        match arg.strip_prefix("--check-flag") {
            Some("") => true,
            Some(value) => value.strip_prefix('=').and_then(|v| go_bool(v).ok()).unwrap_or(false),
            None => false,
        }
    })
}

/// gh-ost's `--check-flag`: succeed when every flag on the line is one
/// ghost-rs knows, whatever the values; the result has `check_flag` set and
/// all other fields at their defaults. As in Go, the word after a flag that
/// takes a value is that value, not a flag.
fn check_flags_exist(argv: &[OsString]) -> Result<Args, clap::Error> {
    let known = long_flags();
    let mut value_expected = false;
    for arg in argv.iter().skip(1).take_while(|arg| *arg != "--") {
        if std::mem::take(&mut value_expected) {
            continue;
        }
        let Some(text) = arg.to_str() else { continue };
        if text == "-h" || text == "-V" {
            continue;
        }
        let Some(body) = text.strip_prefix("--").or_else(|| text.strip_prefix('-')) else {
            continue;
        };
        let (name, inline_value) = match body.split_once('=') {
            Some((name, _)) => (name, true),
            None => (body, false),
        };
        match known.get(name) {
            Some(&needs_value) => value_expected = needs_value && !inline_value,
            None => {
                return Err(usage_error(ErrorKind::UnknownArgument, format!("flag provided but not defined: --{name}")))
            }
        }
    }
    Args::try_parse_from(["ghost-rs", "--check-flag"])
}

// ------------------------------------------------------------- value parsers
//
// Each returns a message saying what is wrong and what is allowed; clap
// prefixes it with the flag name and the offending value.

/// Go's `strconv.ParseBool`, which gh-ost's boolean flags use.
fn go_bool(text: &str) -> Result<bool, String> {
    match text {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Ok(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Ok(false),
        _ => Err("expected true or false (also accepted: 1, 0, t, f, TRUE, FALSE, True, False)".into()),
    }
}

fn optional_string(text: &str) -> Result<Option<String>, String> {
    Ok((!text.is_empty()).then(|| text.to_string()))
}

fn optional_secret(text: &str) -> Result<Option<Secret>, String> {
    Ok((!text.is_empty()).then(|| Secret::new(text)))
}

fn optional_path(text: &str) -> Result<Option<PathBuf>, String> {
    Ok((!text.is_empty()).then(|| PathBuf::from(text)))
}

/// A database or table name: not empty, at most 64 characters.
fn identifier(text: &str) -> Result<String, String> {
    if text.is_empty() {
        return Err("must not be empty".into());
    }
    let chars = text.chars().count();
    if chars > MAX_IDENTIFIER_CHARS {
        return Err(format!("is {chars} characters long; MySQL names have at most {MAX_IDENTIFIER_CHARS}"));
    }
    Ok(text.to_string())
}

fn optional_identifier(text: &str) -> Result<Option<String>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    identifier(text).map(Some)
}

fn alter_statement(text: &str) -> Result<String, String> {
    if text.trim().is_empty() {
        return Err("must not be empty; give the ALTER to apply, e.g. \"ADD COLUMN c INT\"".into());
    }
    Ok(text.to_string())
}

fn storage_engine(text: &str) -> Result<StorageEngine, String> {
    match text.to_ascii_lowercase().as_str() {
        "innodb" => Ok(StorageEngine::Innodb),
        "rocksdb" => Ok(StorageEngine::Rocksdb),
        _ => Err("expected innodb or rocksdb".into()),
    }
}

fn cut_over(text: &str) -> Result<CutOver, String> {
    match text {
        "atomic" | "default" | "" => Ok(CutOver::Atomic),
        "two-step" => Ok(CutOver::TwoStep),
        _ => Err("expected atomic (or default) or two-step".into()),
    }
}

fn defer_indexes(text: &str) -> Result<DeferIndexes, String> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "1" | "t" | "on" => Ok(DeferIndexes::On),
        "false" | "0" | "f" | "off" => Ok(DeferIndexes::Off),
        "auto" => Ok(DeferIndexes::Auto),
        _ => Err("expected true, false or auto".into()),
    }
}

fn charset_list(text: &str) -> Result<String, String> {
    static CHARSET: OnceLock<Regex> = OnceLock::new();
    let re = CHARSET.get_or_init(|| Regex::new(r"^[A-Za-z0-9_]+$").unwrap());
    if text.split(',').all(|name| re.is_match(name)) {
        Ok(text.to_string())
    } else {
        Err("expected a comma-separated list of character sets, e.g. utf8mb4,utf8,latin1".into())
    }
}

fn trigger_suffix(text: &str) -> Result<Option<String>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Ok(Some(text.to_string()))
    } else {
        Err("may contain only letters, digits and _".into())
    }
}

fn parse_float(text: &str) -> Result<f64, String> {
    let value: f64 = text.trim().parse().map_err(|_| "expected a number".to_string())?;
    if !value.is_finite() {
        return Err("must be a finite number".into());
    }
    Ok(value)
}

fn nice_ratio(text: &str) -> Result<f64, String> {
    let value = parse_float(text)?;
    if !(0.0..=100.0).contains(&value) {
        return Err("must be between 0 and 100 (0 = no sleep, 1 = sleep as long as each chunk took)".into());
    }
    Ok(value)
}

fn seconds(text: &str) -> Result<f64, String> {
    let value = parse_float(text)?;
    if value < 0.0 {
        return Err("must be 0 or more seconds".into());
    }
    Ok(value)
}

fn parse_port(text: &str) -> Result<u16, String> {
    match text.parse::<u16>() {
        Ok(port) if port > 0 => Ok(port),
        _ => Err(format!("port '{text}' is not in 1..=65535")),
    }
}

fn optional_tcp_port(text: &str) -> Result<Option<u16>, String> {
    match text.trim() {
        "" | "0" => Ok(None),
        port => parse_port(port).map(Some),
    }
}

/// Letters, digits, `.`, `-` and `_`: host names and IPv4 addresses.
fn check_host_name(host: &str) -> Result<(), String> {
    if host.is_empty() {
        return Err("empty host name; expected host[:port]".into());
    }
    if host.len() > 255 {
        return Err("host name is longer than 255 characters".into());
    }
    match host.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))) {
        Some(c) => Err(format!("'{host}' is not a host name (character '{c}')")),
        None => Ok(()),
    }
}

fn optional_host_port(text: &str) -> Result<Option<HostPort>, String> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    HostPort::parse(text, Some(HostPort::DEFAULT_PORT)).map(Some)
}

fn optional_host_port_required(text: &str) -> Result<Option<HostPort>, String> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    HostPort::parse(text, None).map(Some)
}

/// `--chunk-time`, `--busy-chunk-time` (and the interactive `chunk-time=`,
/// `busy-chunk-time=`): 0 (off) or 10..=60000 ms.
pub fn chunk_time(text: &str) -> Result<u64, String> {
    let n: u64 = text.trim().parse().map_err(|_| format!("'{text}' is not a number of milliseconds"))?;
    if n == 0 || (10..=60_000).contains(&n) {
        Ok(n)
    } else {
        Err(format!("{n} is out of range: 0 (off) or 10..=60000 milliseconds"))
    }
}

fn host_port_list(text: &str) -> Result<Vec<HostPort>, String> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    text.split(',')
        .map(|item| {
            if item.trim().is_empty() {
                Err("empty entry in the list; expected host[:port],host[:port],...".to_string())
            } else {
                HostPort::parse(item, Some(HostPort::DEFAULT_PORT))
            }
        })
        .collect()
}

fn load_map(text: &str) -> Result<LoadMap, String> {
    LoadMap::parse(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, clap::Error> {
        Args::try_parse_args(std::iter::once("ghost-rs").chain(args.iter().copied()))
    }

    fn ok(args: &[&str]) -> Args {
        match parse(args) {
            Ok(args) => args,
            Err(err) => panic!("{args:?} should parse, got:\n{err}"),
        }
    }

    /// Asserts the command line is rejected and the message contains `needle`.
    fn rejected(args: &[&str], needle: &str) -> String {
        match parse(args) {
            Ok(parsed) => panic!("{args:?} should be rejected, parsed as {parsed:?}"),
            Err(err) => {
                let message = err.to_string();
                assert!(message.contains(needle), "{args:?}: message lacks {needle:?}:\n{message}");
                message
            }
        }
    }

    fn os(args: &[&str]) -> Vec<OsString> {
        args.iter().map(OsString::from).collect()
    }

    #[test]
    fn command_definition_is_consistent() {
        Args::command().debug_assert();
    }

    #[test]
    fn defaults_match_gh_ost() {
        let a = ok(&[]);
        assert_eq!(a.host, "127.0.0.1");
        assert_eq!(a.port, 3306);
        assert_eq!(a.user, None);
        assert_eq!(a.conf, None);
        assert_eq!(a.mysql_timeout, 0.0);
        assert_eq!(a.charset, "utf8mb4,utf8,latin1");
        assert!(!a.ssl && !a.ssl_allow_insecure);
        assert_eq!((a.database.as_deref(), a.table.as_deref(), a.alter.as_deref()), (None, None, None));
        assert!(!a.execute);
        assert_eq!(a.storage_engine, StorageEngine::Innodb);
        assert_eq!(a.checkpoint_seconds, 10);
        assert_eq!(a.chunk_size, 1000);
        assert_eq!(a.dml_batch_size, 100);
        assert_eq!(a.nice_ratio, 0.0);
        assert!(!a.exact_rowcount);
        assert!(a.concurrent_rowcount);
        assert_eq!(a.default_retries, 60);
        assert_eq!(a.exponential_backoff_max_interval, 64);
        assert!(!a.cut_over_exponential_backoff);
        assert!(a.max_load.is_empty() && a.critical_load.is_empty());
        assert_eq!(a.critical_load_interval_millis, 0);
        assert_eq!(a.critical_load_hibernate_seconds, 0);
        assert_eq!(a.max_lag_millis, 1500);
        assert!(a.throttle_control_replicas.is_empty());
        assert_eq!(a.throttle_flag_file, None);
        assert_eq!(a.throttle_additional_flag_file, Some(PathBuf::from("/tmp/gh-ost.throttle")));
        assert_eq!(a.throttle_http_interval_millis, 100);
        assert_eq!(a.throttle_http_timeout_millis, 1000);
        assert_eq!(a.heartbeat_interval_millis, 100);
        assert_eq!(a.cut_over, CutOver::Atomic);
        assert_eq!(a.cut_over_lock_timeout_seconds, 3);
        assert_eq!(a.serve_socket_file, None);
        assert_eq!(a.serve_tcp_port, None);
        assert_eq!(a.hooks_path, None);
        assert_eq!(a.hooks_status_interval, 60);
        assert_eq!(a.replica_server_id, 99999);
        assert_eq!(a.binlogsyncer_max_reconnect_attempts, 0);
        assert!(!a.verbose && !a.debug && !a.quiet && !a.stack);
        // ghost-rs-only flags.
        assert_eq!(a.copy_threads, None);
        assert_eq!(a.chunk_time, 500);
        assert_eq!(a.busy_chunk_time, 100);
        assert_eq!(a.metrics_addr, None);
        assert!(!a.skip_checksum && !a.resume && !a.allow_lossy);
    }

    #[test]
    fn every_bool_flag_takes_go_syntax() {
        let command = {
            let mut c = Args::command();
            c.build();
            c
        };
        let bools: Vec<String> = command
            .get_arguments()
            .filter(|a| a.get_value_names() == Some(&["BOOL".into()][..]))
            .filter_map(|a| a.get_long().map(str::to_string))
            .collect();
        assert!(bools.len() >= 50, "only {} boolean flags found", bools.len());
        for name in &bools {
            if name == "check-flag" {
                continue; // switches to name checking; tested separately
            }
            for (spelling, value) in [("", true), ("=true", true), ("=false", false), ("=1", true), ("=F", false)] {
                let flag = format!("--{name}{spelling}");
                let matches = Args::command()
                    .try_get_matches_from(["ghost-rs", flag.as_str()])
                    .unwrap_or_else(|e| panic!("{flag}: {e}"));
                let id = name.replace('-', "_");
                assert_eq!(matches.get_one::<bool>(&id), Some(&value), "{flag}");
            }
        }
    }

    #[test]
    fn go_style_booleans() {
        assert!(ok(&["--execute"]).execute);
        assert!(ok(&["--execute=true"]).execute);
        assert!(!ok(&["--execute=false"]).execute);
        assert!(!ok(&["--concurrent-rowcount=false"]).concurrent_rowcount);
        assert!(ok(&["--concurrent-rowcount"]).concurrent_rowcount);
        assert!(ok(&["--exact-rowcount=1"]).exact_rowcount);
        rejected(&["--execute=yes"], "expected true or false");
        // As in Go, a boolean does not take the next word as its value.
        rejected(&["--execute", "false"], "unexpected argument 'false'");
        // The last occurrence wins, as in Go.
        assert!(!ok(&["--execute", "--execute=false"]).execute);
        assert_eq!(ok(&["--chunk-size=200", "--chunk-size", "300"]).chunk_size, 300);
    }

    #[test]
    fn single_dash_flags_are_normalised() {
        let got = normalize_args(os(&[
            "ghost-rs",
            "-alter",
            "ADD COLUMN c INT",
            "-execute",
            "-max-load=Threads_running=25",
            "--table",
            "t",
            "-nice-ratio",
            "-1",
            "-unknown",
            "x",
            "-V",
            "--",
            "-execute",
        ]));
        assert_eq!(
            got,
            os(&[
                "ghost-rs",
                "--alter",
                "ADD COLUMN c INT",
                "--execute",
                "--max-load=Threads_running=25",
                "--table",
                "t",
                "--nice-ratio",
                "-1",
                "--unknown",
                "x",
                "-V",
                "--",
                "-execute",
            ])
        );
        // A value that looks like a flag stays a value.
        let got = normalize_args(os(&["ghost-rs", "-hooks-hint", "-debug", "-debug"]));
        assert_eq!(got, os(&["ghost-rs", "--hooks-hint", "-debug", "--debug"]));
        // help and version are clap's own flags, but gh-ost has them too.
        assert_eq!(normalize_args(os(&["ghost-rs", "-help"])), os(&["ghost-rs", "--help"]));
        assert_eq!(normalize_args(os(&["ghost-rs", "-version"])), os(&["ghost-rs", "--version"]));
    }

    #[test]
    fn gh_ost_style_command_line_parses() {
        let a = ok(&[
            "-host",
            "replica1",
            "-port=3307",
            "-user",
            "ghost",
            "-database",
            "shop",
            "-table",
            "orders",
            "-alter",
            "ADD COLUMN c INT",
            "-max-load=Threads_running=25",
            "-critical-load",
            "Threads_running=1000",
            "-chunk-size=2000",
            "-throttle-control-replicas=r1,r2:3307",
            "-max-lag-millis=500",
            "-cut-over=default",
            "-exact-rowcount",
            "-concurrent-rowcount",
            "-default-retries=120",
            "-panic-flag-file=/tmp/ghost.panic.flag",
            "-postpone-cut-over-flag-file=/tmp/ghost.postpone.flag",
            "-assume-master-host=master:3306",
            "-allow-master-master",
            "-switch-to-rbr",
            "-verbose",
            "-execute",
        ]);
        assert_eq!(a.host, "replica1");
        assert_eq!(a.port, 3307);
        assert_eq!(a.user.as_deref(), Some("ghost"));
        assert_eq!(a.database.as_deref(), Some("shop"));
        assert_eq!(a.alter.as_deref(), Some("ADD COLUMN c INT"));
        assert_eq!(a.max_load.0, vec![("Threads_running".to_string(), 25)]);
        assert_eq!(a.chunk_size, 2000);
        assert_eq!(a.throttle_control_replicas.len(), 2);
        assert_eq!(a.cut_over, CutOver::Atomic);
        assert_eq!(a.default_retries, 120);
        assert_eq!(a.assume_master_host.as_ref().map(|h| h.to_string()).as_deref(), Some("master:3306"));
        assert!(a.execute && a.verbose && a.switch_to_rbr);
    }

    #[test]
    fn numeric_ranges() {
        assert_eq!(ok(&["--chunk-size=10"]).chunk_size, 10);
        assert_eq!(ok(&["--chunk-size=100000"]).chunk_size, 100_000);
        rejected(&["--chunk-size=9"], "10..=100000");
        rejected(&["--chunk-size=100001"], "10..=100000");
        rejected(&["--chunk-size=lots"], "invalid value");
        assert_eq!(ok(&["--dml-batch-size=1000"]).dml_batch_size, 1000);
        rejected(&["--dml-batch-size=0"], "1..=1000");
        rejected(&["--default-retries=0"], "1..");
        rejected(&["--exponential-backoff-max-interval=1"], "2..");
        assert_eq!(ok(&["--cut-over-lock-timeout-seconds=10"]).cut_over_lock_timeout_seconds, 10);
        rejected(&["--cut-over-lock-timeout-seconds=11"], "1..=10");
        rejected(&["--cut-over-lock-timeout-seconds=0"], "1..=10");
        rejected(&["--heartbeat-interval-millis=5"], "10..=1000");
        assert_eq!(ok(&["--heartbeat-interval-millis=10"]).heartbeat_interval_millis, 10);
        rejected(&["--max-lag-millis=99"], "100..");
        rejected(&["--port=0"], "1..");
        rejected(&["--replica-server-id=0"], "1..");
        assert_eq!(ok(&["--copy-threads=64"]).copy_threads, Some(64));
        rejected(&["--copy-threads=65"], "1..=64");
        rejected(&["--copy-threads=0"], "1..=64");
        assert_eq!(ok(&["--apply-threads=3"]).apply_threads, Some(3));
        rejected(&["--apply-threads=0"], "1..=64");
        rejected(&["--chunk-time=5"], "10..=60000");
        assert_eq!(ok(&["--binlogsyncer-max-reconnect-attempts", "-1"]).binlogsyncer_max_reconnect_attempts, -1);
    }

    #[test]
    fn nice_ratio_and_timeouts() {
        assert_eq!(ok(&["--nice-ratio=0.7"]).nice_ratio, 0.7);
        assert_eq!(ok(&["--nice-ratio=100"]).nice_ratio, 100.0);
        rejected(&["--nice-ratio", "-1"], "between 0 and 100");
        rejected(&["-nice-ratio", "-0.5"], "between 0 and 100");
        rejected(&["--nice-ratio=101"], "between 0 and 100");
        rejected(&["--nice-ratio=NaN"], "finite");
        rejected(&["--nice-ratio=inf"], "finite");
        rejected(&["--nice-ratio=fast"], "expected a number");
        assert_eq!(ok(&["--mysql-timeout=2.5"]).mysql_timeout, 2.5);
        rejected(&["--mysql-timeout=-1"], "0 or more");
    }

    #[test]
    fn defer_secondary_indexes_values() {
        assert_eq!(ok(&[]).defer_secondary_indexes, DeferIndexes::Auto);
        assert_eq!(ok(&["--defer-secondary-indexes"]).defer_secondary_indexes, DeferIndexes::On);
        assert_eq!(ok(&["--defer-secondary-indexes=true"]).defer_secondary_indexes, DeferIndexes::On);
        assert_eq!(ok(&["--defer-secondary-indexes=false"]).defer_secondary_indexes, DeferIndexes::Off);
        assert_eq!(ok(&["--defer-secondary-indexes=AUTO"]).defer_secondary_indexes, DeferIndexes::Auto);
        rejected(&["--defer-secondary-indexes=sometimes"], "expected true, false or auto");
        // like a boolean, the flag alone does not take the next word as its value
        rejected(&["--defer-secondary-indexes", "false"], "unexpected argument 'false'");
    }

    #[test]
    fn cut_over_and_engine() {
        assert_eq!(ok(&["--cut-over=two-step"]).cut_over, CutOver::TwoStep);
        assert_eq!(ok(&["--cut-over=default"]).cut_over, CutOver::Atomic);
        assert_eq!(ok(&["--cut-over="]).cut_over, CutOver::Atomic);
        rejected(&["--cut-over=safe"], "atomic (or default) or two-step");
        assert_eq!(ok(&["--storage-engine=RocksDB"]).storage_engine, StorageEngine::Rocksdb);
        rejected(&["--storage-engine=myisam"], "innodb or rocksdb");
    }

    #[test]
    fn max_load_parsing() {
        let map = LoadMap::parse("Threads_running=25,Threads_connected=500").unwrap();
        assert_eq!(map.0, vec![("Threads_running".to_string(), 25), ("Threads_connected".to_string(), 500)]);
        assert_eq!(map.to_string(), "Threads_running=25,Threads_connected=500");
        assert_eq!(LoadMap::parse(" Threads_running = 0 ").unwrap().0, vec![("Threads_running".to_string(), 0)]);
        assert!(LoadMap::parse("").unwrap().is_empty());
        assert!(LoadMap::parse("Threads_running").unwrap_err().contains("name=threshold"));
        assert!(LoadMap::parse("Threads_running=").unwrap_err().contains("not an integer"));
        assert!(LoadMap::parse("Threads_running=1.5").unwrap_err().contains("not an integer"));
        assert!(LoadMap::parse("Threads_running=-1").unwrap_err().contains(">= 0"));
        assert!(LoadMap::parse("=5").unwrap_err().contains("status variable name"));
        assert!(LoadMap::parse("9lives=5").unwrap_err().contains("status variable name"));
        assert!(LoadMap::parse("Threads-running=5").unwrap_err().contains("status variable name"));
        assert!(LoadMap::parse("a=1,,b=2").unwrap_err().contains("name=threshold"));
        assert!(LoadMap::parse("a=1=2").unwrap_err().contains("not an integer"));
        assert!(LoadMap::parse("Threads_running=1,threads_running=2").unwrap_err().contains("more than once"));

        let a = ok(&["--max-load", "Threads_running=25", "--critical-load=Threads_running=1000"]);
        assert_eq!(a.max_load.0, vec![("Threads_running".to_string(), 25)]);
        assert_eq!(a.critical_load.0, vec![("Threads_running".to_string(), 1000)]);
        assert!(ok(&["--max-load="]).max_load.is_empty());
        rejected(&["--max-load=Threads_running"], "--max-load");
        rejected(&["--critical-load=Threads_running=x"], "not an integer");
    }

    #[test]
    fn host_lists() {
        let a = ok(&["--throttle-control-replicas=myhost1.com:3306,myhost2.com,[::1]:3307,10.0.0.9"]);
        let shown: Vec<String> = a.throttle_control_replicas.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["myhost1.com:3306", "myhost2.com:3306", "[::1]:3307", "10.0.0.9:3306"]);
        assert_eq!(a.throttle_control_replicas[2].host, "::1");
        assert!(ok(&["--throttle-control-replicas="]).throttle_control_replicas.is_empty());
        rejected(&["--throttle-control-replicas=a,,b"], "empty entry");
        rejected(&["--throttle-control-replicas=a:0"], "1..=65535");
        rejected(&["--throttle-control-replicas=a:99999"], "1..=65535");
        rejected(&["--throttle-control-replicas=a:x"], "1..=65535");
        rejected(&["--throttle-control-replicas=::1"], "in brackets");
        rejected(&["--throttle-control-replicas=[fe80::zz]"], "not an IPv6 address");
        rejected(&["--throttle-control-replicas=[::1"], "missing ']'");
        rejected(&["--throttle-control-replicas=my host"], "not a host name");
        rejected(&["--throttle-control-replicas=:3306"], "empty host name");
        assert_eq!(ok(&["--assume-master-host=[::1]"]).assume_master_host.unwrap().port, 3306);
    }

    #[test]
    fn ports_and_addresses() {
        assert_eq!(ok(&["--serve-tcp-port=10001"]).serve_tcp_port, Some(10001));
        assert_eq!(ok(&["--serve-tcp-port=0"]).serve_tcp_port, None);
        rejected(&["--serve-tcp-port=65536"], "1..=65535");
        rejected(&["--serve-tcp-port", "-1"], "1..=65535");
        let addr = ok(&["--metrics-addr=0.0.0.0:9104"]).metrics_addr.unwrap();
        assert_eq!((addr.host.as_str(), addr.port), ("0.0.0.0", 9104));
        assert_eq!(ok(&["--metrics-addr=[::]:9104"]).metrics_addr.unwrap().host, "::");
        rejected(&["--metrics-addr=localhost"], "port is required");
        rejected(&["--metrics-addr=localhost:0"], "1..=65535");
        assert_eq!(ok(&["--metrics-addr="]).metrics_addr, None);
        assert_eq!(ok(&["--statsd-addr=127.0.0.1:9125"]).statsd_addr.unwrap().port, 9125);
    }

    #[test]
    fn names_and_statements() {
        let long = "x".repeat(64);
        assert_eq!(ok(&["--table", &long]).table.as_deref(), Some(long.as_str()));
        rejected(&["--table", &"x".repeat(65)], "at most 64");
        rejected(&["--database="], "must not be empty");
        rejected(&["--table", ""], "must not be empty");
        // 64 characters, not bytes.
        assert!(parse(&["--database", &"é".repeat(64)]).is_ok());
        rejected(&["--alter", "  "], "must not be empty");
        assert_eq!(ok(&["--alter=engine=innodb"]).alter.as_deref(), Some("engine=innodb"));
        rejected(&["--charset=utf8mb4;drop"], "comma-separated list");
        rejected(&["--include-triggers", "--trigger-suffix=_v-2"], "letters, digits and _");
        let a = ok(&["--include-triggers", "--trigger-suffix=_v2"]);
        assert_eq!(a.trigger_suffix.as_deref(), Some("_v2"));
    }

    #[test]
    fn empty_value_means_unset() {
        let a = ok(&["--throttle-flag-file=", "--throttle-additional-flag-file=", "--user=", "--hooks-path", ""]);
        assert_eq!(a.throttle_flag_file, None);
        assert_eq!(a.throttle_additional_flag_file, None);
        assert_eq!(a.user, None);
        assert_eq!(a.hooks_path, None);
        let a = ok(&["--throttle-flag-file=/tmp/t.flag"]);
        assert_eq!(a.throttle_flag_file, Some(PathBuf::from("/tmp/t.flag")));
    }

    #[test]
    fn combinations() {
        rejected(&["--test-on-replica", "--migrate-on-replica"], "cannot be used together");
        rejected(&["--approve-renamed-columns", "--skip-renamed-columns"], "cannot be used together");
        rejected(&["--verbose", "--quiet"], "cannot be used together");
        rejected(&["--debug", "--quiet"], "cannot be used together");
        rejected(&["--allow-on-master", "--test-on-replica"], "cannot be used together");
        rejected(&["--switch-to-rbr", "--assume-rbr"], "cannot be used together");
        // Checked on values: an explicit false does not conflict.
        assert!(ok(&["--test-on-replica=false", "--migrate-on-replica"]).migrate_on_replica);
        assert!(ok(&["--quiet", "--verbose=false"]).quiet);
        rejected(&["--test-on-replica-skip-replica-stop"], "requires --test-on-replica");
        assert!(ok(&["--test-on-replica", "--test-on-replica-skip-replica-stop"]).test_on_replica);
        rejected(&["--master-user=root"], "requires --assume-master-host");
        rejected(&["--master-password=x"], "requires --assume-master-host");
        rejected(&["--ssl-ca=/ca.pem"], "requires --ssl");
        rejected(&["--ssl-allow-insecure"], "requires --ssl");
        assert!(ok(&["--ssl", "--ssl-ca=/ca.pem", "--ssl-cert=/c.pem", "--ssl-key=/k.pem"]).ssl);
        rejected(&["--include-triggers"], "requires --trigger-suffix");
        rejected(&["--trigger-suffix=_v2"], "requires --include-triggers");
    }

    #[test]
    fn check_flag_only_checks_names() {
        // gh-ost's own example: values are not checked.
        let a = ok(&["--check-flag", "--cut-over-lock-timeout-seconds", "--nice-ratio", "0"]);
        assert!(a.check_flag);
        assert!(ok(&["-check-flag", "-chunk-size=1", "-execute"]).check_flag);
        rejected(&["--check-flag", "--no-such-flag"], "flag provided but not defined: --no-such-flag");
        rejected(&["-check-flag", "-no-such-flag=1"], "--no-such-flag");
        // A value that looks like a flag is a value, as in Go.
        assert!(ok(&["--check-flag", "--nice-ratio", "-1", "--hooks-hint", "--no-such"]).check_flag);
        // --check-flag=false is an ordinary run.
        rejected(&["--check-flag=false", "--chunk-size=1"], "10..=100000");
    }

    #[test]
    fn unknown_flags_are_rejected() {
        rejected(&["--no-such-flag"], "unexpected argument '--no-such-flag'");
        rejected(&["-no-such-flag"], "unexpected argument '--no-such-flag'");
        rejected(&["-chunk-sise=5"], "tip: a similar argument exists: '--chunk-size'");
        // Short flags and numbers are not mistaken for long flags.
        assert_eq!(normalize_args(os(&["x", "-h", "-V", "-5"])), os(&["x", "-h", "-V", "-5"]));
    }

    #[test]
    fn help_renders_with_groups() {
        let help = Args::command().render_help().to_string();
        for heading in [CONNECTION, MIGRATION, TOPOLOGY, COPY, THROTTLING, CUT_OVER, TABLES, CONTROL, LOGGING] {
            assert!(help.contains(&format!("{heading}:")), "missing heading {heading}:\n{help}");
        }
        assert!(help.contains("--execute[=<BOOL>]"), "{help}");
        assert!(help.contains("--chunk-size <ROWS>"), "{help}");
        assert!(help.contains("[default: 1000]"), "{help}");
        assert!(help.contains(PASSWORD_ENV), "{help}");
        // Headings come in the intended order.
        let positions: Vec<usize> =
            [CONNECTION, MIGRATION, TOPOLOGY, COPY, THROTTLING, CUT_OVER, TABLES, CONTROL, LOGGING]
                .iter()
                .map(|h| help.find(&format!("{h}:")).unwrap())
                .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{help}");
        // --help and --version work alone.
        assert_eq!(parse(&["--help"]).unwrap_err().kind(), ErrorKind::DisplayHelp);
        assert_eq!(parse(&["-help"]).unwrap_err().kind(), ErrorKind::DisplayHelp);
        assert_eq!(parse(&["-version"]).unwrap_err().kind(), ErrorKind::DisplayVersion);
    }

    #[test]
    fn every_flag_has_one_line_help() {
        let mut command = Args::command();
        command.build();
        for arg in command.get_arguments() {
            let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
            assert!(!help.is_empty(), "--{:?} has no help", arg.get_long());
            assert!(!help.contains('\n'), "--{:?} help spans lines", arg.get_long());
        }
    }

    #[test]
    fn password_from_env_is_read_and_never_printed() {
        // The only test touching this variable, so parallel tests do not race on it.
        const PASSWORD: &str = "s3cr3t-from-env";
        std::env::set_var(PASSWORD_ENV, PASSWORD);
        let from_env = parse(&["--master-password=m4ster", "--assume-master-host=m"]);
        let from_flag = parse(&["--password=0n-the-line"]);
        let help = Args::command().render_help().to_string();
        std::env::remove_var(PASSWORD_ENV);

        let from_env = from_env.unwrap();
        assert_eq!(from_env.password.as_ref().map(Secret::expose), Some(PASSWORD));
        assert_eq!(from_env.master_password.as_ref().map(Secret::expose), Some("m4ster"));
        let debug = format!("{from_env:?} {from_env:#?}");
        assert!(!debug.contains(PASSWORD) && !debug.contains("m4ster"), "{debug}");
        assert!(debug.contains("***"));
        // The command line overrides the environment.
        assert_eq!(from_flag.unwrap().password.unwrap().expose(), "0n-the-line");
        assert!(!help.contains(PASSWORD), "{help}");
        assert_eq!(format!("{:?}", Secret::new("x")), "\"***\"");
    }
}
