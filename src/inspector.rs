//! The Inspector: every read-only check before anything is created.
//!
//! It connects to the inspected server (`--host`: a replica by default, the primary with
//! `--allow-on-master`), finds the primary (from the replication status, or
//! `--assume-master-host`), and refuses, with one clear reason each, what ghost-rs cannot
//! migrate safely: a missing table, a binlog that is not row-based with full images, no unique
//! NOT NULL key, foreign keys in either direction, triggers, missing grants, an unsupported
//! server. It reads the table's structure (the [`Table`] every later component relies on),
//! estimates the row count, and decides `--defer-secondary-indexes=auto` from what replicates
//! from the server that writes the ghost ([`decide_deferral`]). It never writes.
//!
//! Talks to: the inspected server (read-only), and the primary (to read its variables).

use log::{info, warn};
use mysql::prelude::Queryable;
use mysql::{Conn, Row};

use crate::cli::DeferIndexes;
use crate::config::{Config, Topology};
use crate::db::{self, Endpoint, Flavor, ServerInfo};
use crate::error::{Context, Error, Result};
use crate::schema::{Kind, Table};
use crate::sql;

/// What the Inspector found; read by every later phase.
pub struct Inspection {
    /// The server the binlog is read from (and the table is inspected on).
    pub inspected: Endpoint,
    pub inspected_info: ServerInfo,
    /// The server the ghost table is written on and the cut-over runs on.
    pub applier: Endpoint,
    pub applier_info: ServerInfo,
    /// The inspected server replicates from the applier.
    pub inspected_is_replica: bool,
    pub table: Table,
    pub row_estimate: u64,
    /// The ghost's plain secondary indexes are built after the copy (`--defer-secondary-indexes`,
    /// `auto` decided here by [`decide_deferral`]).
    pub defer_indexes: bool,
    /// Why `auto` decided as it did, in a few words for the plan (empty unless `auto`).
    pub deferral_reason: String,
}

/// Runs every check. `conn` is a fresh connection to the inspected server.
pub fn inspect(cfg: &Config) -> Result<Inspection> {
    let endpoint = cfg.endpoint.clone();
    let mut conn = endpoint.connect("inspector")?;
    let info = ServerInfo::read(&mut conn).context("reading the inspected server's variables")?;
    info!("inspected server {} is {} {} (server_id {})", endpoint, info.flavor, info.version_string, info.server_id);
    check_version(&info, &endpoint)?;
    check_grants(&mut conn, &cfg.database, &endpoint)?;

    let own_status = replica_status(&mut conn, &info)?;
    let inspected_is_replica = own_status.is_some();

    let (applier, applier_info) = match (&cfg.topology, &own_status) {
        (Topology::TestOnReplica | Topology::MigrateOnReplica, None) => {
            return Err(Error::refused(format!("{endpoint} is not a replica (SHOW REPLICA STATUS is empty)"))
                .hint("--test-on-replica and --migrate-on-replica need --host to be a replica"));
        }
        (Topology::TestOnReplica | Topology::MigrateOnReplica, Some(_)) => (endpoint.clone(), info.clone()),
        (Topology::Default, None) => {
            if !cfg.allow_on_master {
                return Err(Error::refused(format!(
                    "{endpoint} is not a replica: this migration would read the binlog and run on the primary"
                ))
                .hint("run ghost-rs against a replica of the primary (the default, gentler on the primary), or add --allow-on-master to run it on this server"));
            }
            (endpoint.clone(), info.clone())
        }
        (Topology::Default, Some(rs)) => {
            let (host, port) = match &cfg.assume_master_host {
                Some(hp) => (hp.host.clone(), hp.port),
                None => (rs.master_host.clone(), rs.master_port),
            };
            if !rs.io_running || !rs.sql_running {
                return Err(Error::refused(format!(
                    "replication on {endpoint} is not running (IO thread: {}, SQL thread: {})",
                    yes_no(rs.io_running),
                    yes_no(rs.sql_running)
                ))
                .hint(
                    "start replication (START REPLICA) before migrating, or run on the primary with --allow-on-master",
                ));
            }
            let mut primary = endpoint.with_host(&host, port);
            if let Some(u) = &cfg.master_user {
                primary.user = u.clone();
            }
            if let Some(p) = &cfg.master_password {
                primary.password = p.clone();
            }
            let mut pconn = primary
                .connect("inspector, primary")
                .context("connecting to the primary found in the replication status")?;
            let pinfo = ServerInfo::read(&mut pconn)?;
            check_version(&pinfo, &primary)?;
            if pinfo.server_id == info.server_id {
                return Err(Error::refused(format!(
                    "the primary {primary} has the same server_id ({}) as {endpoint}",
                    info.server_id
                ))
                .hint("use --assume-master-host host:port to name the primary"));
            }
            if replica_status(&mut pconn, &pinfo)?.is_some() && !cfg.allow_master_master {
                return Err(Error::refused(format!(
                    "the primary {primary} of {endpoint} is itself a replica: ghost-rs cannot follow this replication chain"
                ))
                .hint("run ghost-rs against a direct replica of the primary that takes the writes, name the primary with --assume-master-host, or (for master-master) add --allow-master-master"));
            }
            info!("primary is {} ({} {})", primary, pinfo.flavor, pinfo.version_string);
            (primary, pinfo)
        }
    };

    check_binlog(cfg, &info, &endpoint, inspected_is_replica)?;
    check_binlog_encoding(&mut conn, &info, &endpoint)?;

    if !database_exists(&mut conn, &cfg.database)? {
        return Err(Error::refused(format!("database {} does not exist on {endpoint}", sql::ident(&cfg.database)))
            .hint("check --database (names are case-sensitive on Linux)"));
    }
    check_interrupted_two_step(&mut conn, &cfg.database, &cfg.table)?;
    let table =
        Table::read(&mut conn, &cfg.database, &cfg.table).with_context(|| format!("inspecting on {endpoint}"))?;
    check_table(&mut conn, &table, &endpoint)?;
    check_types(&table, &info)?;

    let row_estimate = if cfg.exact_rowcount {
        info!("counting rows of {} (--exact-rowcount)", sql::table(&table.database, &table.name));
        let n: Option<u64> = conn
            .query_first(format!("SELECT COUNT(*) FROM {}", sql::table(&table.database, &table.name)))
            .context("counting rows (--exact-rowcount)")?;
        n.unwrap_or(0)
    } else {
        table.estimated_rows
    };
    check_retention(&info, row_estimate);

    let (defer_indexes, deferral_reason) = match cfg.defer_secondary_indexes {
        DeferIndexes::On => (true, String::new()),
        DeferIndexes::Off => (false, String::new()),
        DeferIndexes::Auto => {
            let fanout = applier
                .connect("replica listing")
                .and_then(|mut c| Fanout::read(&mut c, &applier_info, &applier, cfg.replica_server_id))
                .map_err(|e| e.to_string());
            let (defer, why, short) = decide_deferral(fanout.as_ref().map_err(String::as_str), &applier);
            info!("{why}");
            (defer, short)
        }
    };

    // The ghost and its binlog land on the applier and, replicated, on the inspected server.
    crate::disk::check(&mut conn, &endpoint, &info, &cfg.database, &cfg.table, cfg.skip_disk_check, defer_indexes)?;
    if applier != endpoint {
        let mut aconn = applier.connect("free disk check")?;
        crate::disk::check(
            &mut aconn,
            &applier,
            &applier_info,
            &cfg.database,
            &cfg.table,
            cfg.skip_disk_check,
            defer_indexes,
        )?;
    }

    Ok(Inspection {
        inspected: endpoint,
        inspected_info: info,
        applier,
        applier_info,
        inspected_is_replica,
        table,
        row_estimate,
        defer_indexes,
        deferral_reason,
    })
}

/// What replicates from a server: who would replay an index build on its ghost table, and
/// when.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Fanout {
    /// The registered replicas, as `server_id N (host:port)`; ghost-rs's own id left out.
    pub replicas: Vec<String>,
    /// The registered binlog clients (port 0: other ghost-rs runs, CDC tools), which replay
    /// nothing.
    pub clients: Vec<String>,
    /// A Galera node (`wsrep_on`): DDL runs on every node at once.
    pub galera: bool,
    /// A member of a group replication group.
    pub group_replication: bool,
    /// Why some replica would replay the build only once the server has finished it, and so
    /// lag by the build's time. `None` when every replica, and every replica of theirs, starts
    /// it when the server does: MariaDB 10.8+ logs the ALTER in two phases
    /// (`binlog_alter_two_phase`) and a replica applying with 2 or more parallel threads starts
    /// it on the first (measured here on 1M rows: the replica done 0.05-0.09 s after the
    /// primary, against 1.8-3.2 s applying serially).
    pub replays_late: Option<String>,
}

/// Replicas of replicas are followed this many hops from the server that writes the ghost.
const MAX_HOPS: usize = 3;

impl Fanout {
    /// `endpoint` is the server `conn` is connected to; its replicas are reached with the same
    /// credentials at the host and port they report.
    pub fn read(conn: &mut Conn, info: &ServerInfo, endpoint: &Endpoint, own_server_id: u32) -> Result<Fanout> {
        let (clients, registered): (Vec<_>, Vec<_>) =
            replicas_but(conn, info, own_server_id)?.into_iter().partition(|r| r.is_binlog_client());
        let on = |v: Option<String>| v.is_some_and(|v| v.eq_ignore_ascii_case("ON") || v == "1");
        let galera = on(db::global_var(conn, "wsrep_on")?);
        let group_replication =
            db::global_var(conn, "group_replication_group_name")?.is_some_and(|v| !v.trim().is_empty());
        let replays_late = if registered.is_empty() {
            None
        } else if !info.two_phase_alter {
            Some(format!(
                "{endpoint} ({} {}) logs an ALTER only once it is done: logging its start (binlog_alter_two_phase) needs MariaDB 10.8 or later",
                info.flavor, info.version_string
            ))
        } else {
            let mut seen = vec![info.server_id];
            registered.iter().find_map(|r| replays_late(endpoint, r, own_server_id, 1, &mut seen))
        };
        Ok(Fanout {
            replicas: registered.iter().map(|r| r.describe()).collect(),
            clients: clients.iter().map(|r| r.describe()).collect(),
            galera,
            group_replication,
            replays_late,
        })
    }
}

/// The replicas registered with a server, ghost-rs's own stream (`own_server_id`) left out.
fn replicas_but(conn: &mut Conn, info: &ServerInfo, own_server_id: u32) -> Result<Vec<db::RegisteredReplica>> {
    Ok(db::registered_replicas(conn, info)?.into_iter().filter(|r| r.server_id != own_server_id).collect())
}

/// Why `replica` (or a replica of its own) would start a two-phase ALTER only once it is done;
/// `None` when they all start it at once.
fn replays_late(
    via: &Endpoint,
    replica: &db::RegisteredReplica,
    own_server_id: u32,
    hops: usize,
    seen: &mut Vec<u32>,
) -> Option<String> {
    let who = replica.describe();
    if seen.contains(&replica.server_id) {
        return None; // a ring: already checked
    }
    seen.push(replica.server_id);
    if replica.host.is_empty() {
        return Some(format!("{who} reports no host (report_host), so how it applies cannot be checked"));
    }
    if hops > MAX_HOPS {
        return Some(format!("{who} is more than {MAX_HOPS} replication hops away, too far to be checked"));
    }
    let at = via.with_host(&replica.host, replica.port);
    let checked = (|| -> Result<Option<String>> {
        let mut conn = at.connect("check of how a replica applies an ALTER")?;
        let info = ServerInfo::read(&mut conn)?;
        let var = |conn: &mut Conn, name: &str| db::global_var(conn, name).map(Option::unwrap_or_default);
        let threads = var(&mut conn, "slave_parallel_threads")?.parse().unwrap_or(0);
        let mode = var(&mut conn, "slave_parallel_mode")?;
        let domain = var(&mut conn, "slave_domain_parallel_threads")?.parse().unwrap_or(0);
        if let Some(why) = parallel_replay(&info.version_string, info.two_phase_alter, threads, &mode, domain) {
            return Ok(Some(format!("{who}: {why}")));
        }
        // its own replicas replay what it logs (its binlog clients replay nothing)
        let below = replicas_but(&mut conn, &info, own_server_id)?;
        Ok(below
            .iter()
            .filter(|r| !r.is_binlog_client())
            .find_map(|r| replays_late(&at, r, own_server_id, hops + 1, seen)))
    })();
    checked.unwrap_or_else(|e| Some(format!("{who} could not be checked ({e})")))
}

/// Why a replica with these settings would start a two-phase ALTER only once its primary has
/// finished it; `None` when it starts it at once. Measured on MariaDB 10.11: 2 parallel
/// threads start it at once in the optimistic, conservative and minimal modes; 1 thread or
/// none does not.
pub fn parallel_replay(
    version: &str,
    two_phase: bool,
    threads: u64,
    mode: &str,
    domain_threads: u64,
) -> Option<String> {
    const FIX: &str = "with slave_parallel_threads of 2 or more it would build them alongside";
    if !version.to_ascii_lowercase().contains("mariadb") {
        return Some(format!("MySQL {version} replays an ALTER only once it is done"));
    }
    if !two_phase {
        return Some(format!(
            "MariaDB {version} replays an ALTER only once it is done (starting it early needs 10.8 or later)"
        ));
    }
    if mode.eq_ignore_ascii_case("none") {
        return Some(format!("slave_parallel_mode=none applies one transaction at a time; {FIX}"));
    }
    if threads < 2 {
        return Some(format!("slave_parallel_threads={threads} applies one transaction at a time; {FIX}"));
    }
    if domain_threads == 1 {
        return Some(format!(
            "slave_domain_parallel_threads=1 applies one transaction of a replication domain at a time; {FIX}"
        ));
    }
    None
}

/// `--defer-secondary-indexes=auto`: the indexes are built after the copy only when no replica
/// would replay that build after the server that writes the ghost has done it (such a replica
/// applies nothing else meanwhile, so it would lag by the build's time). Returns the decision,
/// the line that explains it (logged), and the reason in a few words (for the plan).
pub fn decide_deferral(
    fanout: std::result::Result<&Fanout, &str>,
    applier: &dyn std::fmt::Display,
) -> (bool, String, String) {
    const KEEP: &str = "plain secondary indexes are kept on the ghost during the row copy";
    const ANYWAY: &str = "--defer-secondary-indexes=true defers them anyway";
    const OFF: &str = "--defer-secondary-indexes=false keeps them during the copy";
    match fanout {
        Err(e) => (
            false,
            format!("{KEEP}: the replicas of {applier} could not be listed ({e})"),
            format!("the replicas of {applier} could not be listed"),
        ),
        Ok(f) if f.galera => (
            false,
            format!("{KEEP}: {applier} is a Galera node, where every node would build them at once"),
            format!("{applier} is a Galera node"),
        ),
        Ok(f) if f.group_replication => (
            false,
            format!("{KEEP}: {applier} is in a replication group, whose members would lag while they build them; {ANYWAY}"),
            format!("{applier} is in a replication group"),
        ),
        Ok(f) if f.replicas.is_empty() => (
            true,
            format!(
                "no replica replicates from {applier}{}: plain secondary indexes are built after the row copy (--defer-secondary-indexes=auto; {OFF})",
                clients_note(f)
            ),
            format!("no replica replicates from {applier}"),
        ),
        Ok(f) => match &f.replays_late {
            Some(why) => (
                false,
                format!(
                    "{KEEP}: {applier} has replicas ({}), which would lag while they build them ({why}); {ANYWAY}{}",
                    f.replicas.join(", "),
                    clients_note(f)
                ),
                format!("{applier} has replicas that would replay the build only once it is done"),
            ),
            None => (
                true,
                format!(
                    "plain secondary indexes are built after the row copy: every replica of {applier} ({}) applies in parallel and starts the build when {applier} does (binlog_alter_two_phase), so none lags by its time (--defer-secondary-indexes=auto; {OFF}){}",
                    f.replicas.join(", "),
                    clients_note(f)
                ),
                format!("every replica of {applier} starts the build when {applier} does"),
            ),
        },
    }
}

/// `" (its binlog clients ..., which replay nothing, left out)"`, or nothing.
fn clients_note(f: &Fanout) -> String {
    if f.clients.is_empty() {
        return String::new();
    }
    format!(
        " (its binlog clients {}, which report no port and replay nothing, left out: other ghost-rs runs or change-data-capture tools)",
        f.clients.join(", ")
    )
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "running"
    } else {
        "stopped"
    }
}

fn check_version(info: &ServerInfo, endpoint: &Endpoint) -> Result<()> {
    let ok = match info.flavor {
        Flavor::MariaDb => info.version >= (10, 6, 0),
        Flavor::MySql => info.version >= (8, 0, 0),
    };
    if ok {
        Ok(())
    } else {
        Err(Error::refused(format!("{} {} on {endpoint} is not supported", info.flavor, info.version_string))
            .hint("ghost-rs supports MariaDB 10.6 and later and MySQL 8.0 and later"))
    }
}

/// The part of `SHOW REPLICA STATUS` ghost-rs uses.
pub struct ReplicaStatus {
    pub master_host: String,
    pub master_port: u16,
    pub io_running: bool,
    pub sql_running: bool,
}

pub fn replica_status(conn: &mut Conn, info: &ServerInfo) -> Result<Option<ReplicaStatus>> {
    let rows: Vec<Row> = conn.query(info.replica_status_sql()).context("reading the replication status")?;
    let Some(row) = rows.into_iter().next() else { return Ok(None) };
    let host = db::row_text(&row, &["Source_Host", "Master_Host"]).unwrap_or_default();
    if host.is_empty() {
        return Ok(None);
    }
    let port = db::row_text(&row, &["Source_Port", "Master_Port"]).and_then(|p| p.parse().ok()).unwrap_or(3306);
    let yes = |names: &[&str]| db::row_text(&row, names).map(|v| v.eq_ignore_ascii_case("Yes")).unwrap_or(false);
    Ok(Some(ReplicaStatus {
        master_host: host,
        master_port: port,
        io_running: yes(&["Replica_IO_Running", "Slave_IO_Running"]),
        sql_running: yes(&["Replica_SQL_Running", "Slave_SQL_Running"]),
    }))
}

/// Settings that make the binlog carry events ghost-rs would have to refuse mid-run: refused
/// before anything starts instead.
fn check_binlog_encoding(conn: &mut Conn, info: &ServerInfo, endpoint: &Endpoint) -> Result<()> {
    match info.flavor {
        Flavor::MariaDb => {
            if db::global_var(conn, "log_bin_compress")?.is_some_and(|v| v.eq_ignore_ascii_case("ON") || v == "1") {
                return Err(Error::refused(format!("log_bin_compress is ON on {endpoint}: its compressed row events are not decoded by ghost-rs"))
                    .hint("SET GLOBAL log_bin_compress=OFF for the duration of the migration (new events are then written uncompressed)"));
            }
        }
        Flavor::MySql => {
            if db::global_var(conn, "binlog_row_value_options")?.is_some_and(|v| !v.is_empty()) {
                return Err(Error::refused(format!(
                    "binlog_row_value_options is PARTIAL_JSON on {endpoint}: JSON updates would be logged as partial diffs"
                ))
                .hint("SET GLOBAL binlog_row_value_options='' (ghost-rs applies complete row images)"));
            }
        }
    }
    Ok(())
}

fn check_binlog(cfg: &Config, info: &ServerInfo, endpoint: &Endpoint, is_replica: bool) -> Result<()> {
    if !info.log_bin {
        return Err(Error::refused(format!("binary logging is off on {endpoint}"))
            .hint("ghost-rs reads the table's changes from the binlog: start the server with log_bin"));
    }
    if info.binlog_format != "ROW" && !cfg.assume_rbr {
        return Err(Error::refused(format!("binlog_format is {} on {endpoint}, not ROW", info.binlog_format)).hint(
            "set binlog_format=ROW (SET GLOBAL binlog_format='ROW', then restart replication so its threads pick it up), or pass --assume-rbr if every writer already uses ROW",
        ));
    }
    if info.binlog_row_image != "FULL" {
        return Err(Error::refused(format!("binlog_row_image is {} on {endpoint}, not FULL", info.binlog_row_image))
            .hint("set binlog_row_image=FULL: ghost-rs applies changes from complete row images"));
    }
    if is_replica && !info.log_replica_updates {
        return Err(Error::refused(format!(
            "{endpoint} is a replica without log_slave_updates: the primary's changes are not in its binlog"
        ))
        .hint("enable log_slave_updates (log_replica_updates) on the replica, or run against the primary with --allow-on-master"));
    }
    if info.binlog_checksum != "NONE" && info.binlog_checksum != "CRC32" {
        return Err(Error::refused(format!("binlog_checksum {} on {endpoint} is not supported", info.binlog_checksum))
            .hint("use binlog_checksum=CRC32 or NONE"));
    }
    Ok(())
}

fn database_exists(conn: &mut Conn, database: &str) -> Result<bool> {
    let n: Option<u64> = conn
        .exec_first("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", (database,))
        .context("checking that the database exists")?;
    Ok(n.unwrap_or(0) > 0)
}

/// Column types whose binlog form ghost-rs cannot turn back into the value on this server.
fn check_types(table: &Table, info: &ServerInfo) -> Result<()> {
    // MariaDB changed how UUIDs are stored in 10.10.6 / 10.11.5; the decoder knows the new way
    let new_uuid =
        info.version >= (10, 11, 5) || (info.version.0, info.version.1) == (10, 10) && info.version >= (10, 10, 6);
    if let Some(c) = table.columns.iter().find(|c| c.kind == Kind::Other("uuid".into())) {
        if info.flavor == Flavor::MariaDb && !new_uuid {
            return Err(Error::refused(format!(
                "column {} is a UUID, and {} {} stores UUIDs in the record format of before 10.11.5",
                sql::ident(&c.name),
                info.flavor,
                info.version_string
            ))
            .hint("upgrade MariaDB to 10.11.5 or later, or migrate this table with another tool"));
        }
    }
    Ok(())
}

fn check_table(conn: &mut Conn, table: &Table, endpoint: &Endpoint) -> Result<()> {
    let name = sql::table(&table.database, &table.name);
    if !table.engine.eq_ignore_ascii_case("InnoDB") {
        return Err(Error::refused(format!("{name} uses the {} engine", table.engine))
            .hint("ghost-rs needs a transactional engine (InnoDB): its copy relies on row locks"));
    }
    if table.usable_unique_keys().next().is_none() {
        return Err(Error::refused(format!("{name} has no PRIMARY KEY and no UNIQUE key on NOT NULL columns"))
            .hint("ghost-rs needs a key that identifies every row: add a PRIMARY KEY (or a UNIQUE key on NOT NULL columns) first"));
    }
    type Fk = (Vec<u8>, Vec<u8>, Vec<u8>, Vec<u8>);
    let fks: Vec<Fk> = conn
        .exec(
            "SELECT CONSTRAINT_NAME, CONSTRAINT_SCHEMA, TABLE_NAME, REFERENCED_TABLE_NAME FROM information_schema.REFERENTIAL_CONSTRAINTS \
             WHERE (CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ?) OR (UNIQUE_CONSTRAINT_SCHEMA = ? AND REFERENCED_TABLE_NAME = ?)",
            (&table.database, &table.name, &table.database, &table.name),
        )
        .context("looking for foreign keys")?;
    if let Some((cname, _schema, child, parent)) = fks.first() {
        let (cname, child, parent) = (lossy(cname), lossy(child), lossy(parent));
        let direction = if child == table.name {
            format!("references {}", sql::ident(&parent))
        } else {
            format!("is referenced by {}", sql::ident(&child))
        };
        return Err(Error::refused(format!(
            "{name} {direction} through the foreign key {} ({} foreign key(s) in all)",
            sql::ident(&cname),
            fks.len()
        ))
        .hint("ghost-rs cannot migrate tables with foreign keys in either direction (the renamed table would break them): drop the foreign keys first"));
    }
    let triggers: Vec<Vec<u8>> = conn
        .exec(
            "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = ? AND EVENT_OBJECT_TABLE = ?",
            (&table.database, &table.name),
        )
        .context("looking for triggers")?;
    if !triggers.is_empty() {
        let names: Vec<String> = triggers.iter().map(|t| sql::ident(&lossy(t))).collect();
        return Err(Error::refused(format!("{name} has trigger(s) {} on {endpoint}", names.join(", ")))
            .hint("ghost-rs does not migrate tables with triggers (they would not fire on the ghost table): drop them first and recreate them after the migration"));
    }
    Ok(())
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn check_grants(conn: &mut Conn, database: &str, endpoint: &Endpoint) -> Result<()> {
    let rows: Vec<Vec<u8>> = conn.query("SHOW GRANTS FOR CURRENT_USER()").context("reading the user's grants")?;
    let lines: Vec<String> = rows.iter().map(|r| lossy(r)).collect();
    match missing_privileges(&lines, database) {
        Grants::Sufficient => Ok(()),
        Grants::ThroughRoles => {
            warn!("the user's privileges come partly through roles; ghost-rs could not verify them, continuing");
            Ok(())
        }
        Grants::Missing(missing) => Err(Error::refused(format!("the user on {endpoint} lacks {}", missing.join(", ")))
            .hint(format!(
                "GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO <user>; GRANT ALL ON {}.* TO <user>",
                sql::ident(database)
            ))),
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum Grants {
    Sufficient,
    Missing(Vec<String>),
    /// Roles are granted; their privileges are not in these lines.
    ThroughRoles,
}

/// The table-level privileges ghost-rs uses on the database (MySQL 8 lists them one by one
/// where MariaDB says ALL PRIVILEGES).
const DB_PRIVILEGES: &[&str] = &["SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "ALTER", "LOCK TABLES"];

/// Decides from `SHOW GRANTS` lines whether the user has what ghost-rs needs: replication
/// privileges globally (`REPLICATION SLAVE`, and `REPLICATION CLIENT` or MariaDB's
/// `BINLOG MONITOR`) and the table privileges on the database (there or globally).
pub fn missing_privileges(lines: &[String], database: &str) -> Grants {
    let mut global: Vec<String> = Vec::new();
    let mut on_db: Vec<String> = Vec::new();
    let mut roles = false;
    for line in lines {
        let upper = line.to_ascii_uppercase();
        let Some(rest) = upper.strip_prefix("GRANT ") else { continue };
        let Some(on) = rest.find(" ON ") else {
            // `GRANT role TO user`
            roles = true;
            continue;
        };
        let privs = rest[..on].split(',').map(|p| p.trim().to_string());
        let original_rest = &line["GRANT ".len()..];
        let target = original_rest[on + 4..].trim_start();
        let target = target.split(" TO ").next().unwrap_or("").trim();
        if target == "*.*" {
            global.extend(privs);
        } else if let Some(db_pat) = target.strip_suffix(".*") {
            if db_pattern_matches(db_pat, database) {
                on_db.extend(privs);
            }
        }
    }
    let all = |set: &[String]| set.iter().any(|g| g == "ALL PRIVILEGES" || g == "ALL");
    let has = |set: &[String], p: &str| all(set) || set.iter().any(|g| g == p);
    let mut missing = Vec::new();
    if !has(&global, "REPLICATION SLAVE") {
        missing.push("REPLICATION SLAVE on *.*".to_string());
    }
    if !has(&global, "REPLICATION CLIENT") && !has(&global, "BINLOG MONITOR") && !has(&global, "SUPER") {
        missing.push("REPLICATION CLIENT on *.*".to_string());
    }
    let db_missing: Vec<&str> = DB_PRIVILEGES.iter().copied().filter(|p| !has(&global, p) && !has(&on_db, p)).collect();
    if !db_missing.is_empty() {
        missing.push(format!("{} on {}.*", db_missing.join(", "), sql::ident(database)));
    }
    match (missing.is_empty(), roles) {
        (true, _) => Grants::Sufficient,
        (false, true) => Grants::ThroughRoles,
        (false, false) => Grants::Missing(missing),
    }
}

/// `` `my\_db` `` or `` `app%` `` from a GRANT line against a database name.
fn db_pattern_matches(quoted: &str, database: &str) -> bool {
    let pat = quoted.trim();
    let pat = if pat.len() >= 2 && pat.starts_with('`') && pat.ends_with('`') {
        pat[1..pat.len() - 1].replace("``", "`")
    } else {
        pat.to_string()
    };
    let mut re = String::from("(?i)^");
    let mut chars = pat.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    re.push_str(&regex::escape(&n.to_string()));
                }
            }
            '%' => re.push_str(".*"),
            '_' => re.push('.'),
            c => re.push_str(&regex::escape(&c.to_string())),
        }
    }
    re.push('$');
    regex::Regex::new(&re).map(|r| r.is_match(database)).unwrap_or(false)
}

/// Warns when the binlog may be purged before a run of this size ends. The estimate is
/// deliberately pessimistic (2,000 rows/s with 3x margin): the binlog that the streamer still
/// needs must outlive the run.
fn check_retention(info: &ServerInfo, rows: u64) {
    let estimate = rows / 2_000 * 3 + 3600;
    if info.binlog_expire_seconds == 0 {
        info!("binlog retention: unlimited (binlogs are never purged automatically)");
    } else if info.binlog_expire_seconds < estimate {
        warn!(
            "binlog retention is {} s but this run could take up to {} s: binlogs the migration still needs may be purged; raise binlog_expire_logs_seconds for the duration of the run",
            info.binlog_expire_seconds, estimate
        );
    } else {
        info!("binlog retention: {} s (run estimate at most {} s)", info.binlog_expire_seconds, estimate);
    }
}

/// The table is missing, but its old name and its ghost are there: a two-step cut-over was
/// stopped between its two renames (the process killed, the server gone). Say what happened
/// and how to get the table back, instead of "table does not exist".
fn check_interrupted_two_step(conn: &mut Conn, database: &str, table: &str) -> Result<()> {
    if Table::exists(conn, database, table)? {
        return Ok(());
    }
    let names = crate::plan::TableNames::new(table, None)?;
    if !Table::exists(conn, database, &names.old)? || !Table::exists(conn, database, &names.ghost)? {
        return Ok(());
    }
    let (t, old, ghost) =
        (sql::table(database, table), sql::table(database, &names.old), sql::table(database, &names.ghost));
    Err(Error::refused(format!(
        "table {t} does not exist, but {old} and {ghost} do: a two-step cut-over was interrupted between its two renames, and the application cannot find the table"
    ))
    .hint(format!(
        "to get the original back (every write up to the cut-over's lock is in it): RENAME TABLE {old} TO {t}; then run ghost-rs again with --initially-drop-ghost-table. Or, to finish the migration instead (the ghost had every change up to that lock applied before the original was renamed): RENAME TABLE {ghost} TO {t}"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deferral_only_where_nothing_replicates() {
        let none = Fanout::default();
        let (defer, why, _) = decide_deferral(Ok(&none), &"db1:3306");
        assert!(defer, "{why}");
        assert!(why.starts_with("no replica replicates from db1:3306"), "{why}");

        let late = Some("server_id 3: slave_parallel_threads=0 applies one transaction at a time".to_string());
        let replicas = Fanout {
            replicas: vec!["server_id 2 (r1:3306)".into(), "server_id 3 (r2:3306)".into()],
            replays_late: late,
            ..none.clone()
        };
        let (defer, why, _) = decide_deferral(Ok(&replicas), &"db1:3306");
        assert!(!defer);
        assert!(
            why.contains("db1:3306 has replicas (server_id 2 (r1:3306), server_id 3 (r2:3306)), which would lag while they build them (server_id 3: slave_parallel_threads=0"),
            "{why}"
        );
        assert!(why.contains("--defer-secondary-indexes=true defers them anyway"), "{why}");

        // replicas that start the build when the primary does: deferred all the same
        let at_once = Fanout { replays_late: None, ..replicas.clone() };
        let (defer, why, _) = decide_deferral(Ok(&at_once), &"db1:3306");
        assert!(defer, "{why}");
        assert!(why.contains("every replica of db1:3306 (server_id 2 (r1:3306), server_id 3 (r2:3306)) applies in parallel and starts the build when db1:3306 does"), "{why}");

        // binlog clients (port 0: another ghost-rs, a CDC tool) replay nothing
        let clients = Fanout { clients: vec!["server_id 128304 (127.0.0.1:0)".into()], ..none.clone() };
        let (defer, why, _) = decide_deferral(Ok(&clients), &"db1:3306");
        assert!(defer, "{why}");
        assert!(
            why.starts_with("no replica replicates from db1:3306 (its binlog clients server_id 128304 (127.0.0.1:0), which report no port and replay nothing, left out"),
            "{why}"
        );
        let both = Fanout { clients: clients.clients.clone(), ..replicas.clone() };
        let (defer, why, _) = decide_deferral(Ok(&both), &"db1:3306");
        assert!(!defer && why.contains("has replicas (server_id 2 (r1:3306), server_id 3 (r2:3306))"), "{why}");
        assert!(why.contains("its binlog clients server_id 128304 (127.0.0.1:0)"), "{why}");

        let galera = Fanout { galera: true, ..none.clone() };
        let (defer, why, _) = decide_deferral(Ok(&galera), &"db1:3306");
        assert!(!defer && why.contains("Galera node"), "{why}");

        let group = Fanout { group_replication: true, ..none.clone() };
        let (defer, why, _) = decide_deferral(Ok(&group), &"db1:3306");
        assert!(!defer && why.contains("replication group"), "{why}");

        // not knowing is not "none": the indexes stay
        let (defer, why, _) =
            decide_deferral(Err("Access denied; you need the REPLICATION SLAVE privilege"), &"db1:3306");
        assert!(!defer && why.contains("could not be listed (Access denied"), "{why}");
    }

    #[test]
    fn which_replicas_start_a_two_phase_alter_at_once() {
        let v = "10.11.14-MariaDB-log";
        assert_eq!(parallel_replay(v, true, 2, "optimistic", 0), None);
        assert_eq!(parallel_replay(v, true, 16, "conservative", 4), None);
        assert_eq!(parallel_replay(v, true, 2, "minimal", 0), None);
        let late = |r: Option<String>, part: &str| assert!(r.as_deref().is_some_and(|r| r.contains(part)), "{r:?}");
        late(
            parallel_replay(v, true, 0, "optimistic", 0),
            "slave_parallel_threads=0 applies one transaction at a time",
        );
        late(parallel_replay(v, true, 1, "optimistic", 0), "slave_parallel_threads=1");
        late(parallel_replay(v, true, 4, "none", 0), "slave_parallel_mode=none");
        late(parallel_replay(v, true, 4, "optimistic", 1), "slave_domain_parallel_threads=1");
        late(parallel_replay("10.6.20-MariaDB", false, 4, "optimistic", 0), "needs 10.8 or later");
        late(parallel_replay("8.4.3", false, 4, "", 0), "MySQL 8.4.3 replays an ALTER only once it is done");
    }

    fn lines(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn grants_all_on_everything() {
        assert_eq!(
            missing_privileges(&lines(&["GRANT ALL PRIVILEGES ON *.* TO `ghost`@`%` WITH GRANT OPTION"]), "d"),
            Grants::Sufficient
        );
    }

    #[test]
    fn grants_split_between_global_and_db() {
        let g = lines(&[
            "GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO `u`@`%`",
            "GRANT ALL PRIVILEGES ON `app\\_db`.* TO `u`@`%`",
        ]);
        assert_eq!(missing_privileges(&g, "app_db"), Grants::Sufficient);
        assert!(matches!(missing_privileges(&g, "appxdb"), Grants::Missing(m) if m.len() == 1));
        let mariadb =
            lines(&["GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO `u`@`%`", "GRANT ALL ON `app%`.* TO `u`@`%`"]);
        assert_eq!(missing_privileges(&mariadb, "app1"), Grants::Sufficient);
        let mysql8 = lines(&[
            "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, RELOAD, PROCESS, ALTER, LOCK TABLES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO `u`@`%`",
            "GRANT BACKUP_ADMIN,BINLOG_ADMIN ON *.* TO `u`@`%`",
        ]);
        assert_eq!(missing_privileges(&mysql8, "d"), Grants::Sufficient);
    }

    #[test]
    fn grants_missing_are_named() {
        let g = lines(&["GRANT SELECT, INSERT ON `d`.* TO `u`@`%`"]);
        match missing_privileges(&g, "d") {
            Grants::Missing(m) => {
                assert_eq!(
                    m,
                    vec![
                        "REPLICATION SLAVE on *.*",
                        "REPLICATION CLIENT on *.*",
                        "UPDATE, DELETE, CREATE, DROP, ALTER, LOCK TABLES on `d`.*"
                    ]
                )
            }
            other => panic!("{other:?}"),
        }
        let with_role = lines(&["GRANT USAGE ON *.* TO `u`@`%`", "GRANT `dba`@`%` TO `u`@`%`"]);
        assert_eq!(missing_privileges(&with_role, "d"), Grants::ThroughRoles);
    }
}
