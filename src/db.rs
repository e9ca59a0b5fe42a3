//! Connections and the facts about a server that every component needs: how to connect (TCP,
//! never the unix socket behind our back, TLS when asked), the session settings ghost-rs runs
//! with, the server's flavor and version, and the flavor-specific statements.
//!
//! Every connection ghost-rs opens runs in `SET NAMES binary` (row bytes are never transcoded),
//! `time_zone = '+00:00'` (TIMESTAMP values do not move with the session) and a strict
//! `sql_mode` without the zero-date checks (a value the original holds is accepted by the ghost,
//! a value that does not fit is an error instead of a silent truncation).

use std::fmt;
use std::time::Duration;

use mysql::prelude::Queryable;
use mysql::{Conn, OptsBuilder, Row, SslOpts};

use crate::error::{Context, Error, Result};

pub use crate::cli::Secret;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tls {
    pub ca: Option<String>,
    pub cert: Option<String>,
    pub key: Option<String>,
    pub allow_insecure: bool,
}

/// Where and how to connect to one server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: Secret,
    pub tls: Option<Tls>,
    /// `--mysql-timeout`: read/write timeout of ordinary connections (not the binlog stream).
    pub timeout: Option<Duration>,
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

impl Endpoint {
    /// The same credentials on another host.
    pub fn with_host(&self, host: &str, port: u16) -> Endpoint {
        Endpoint { host: host.to_string(), port, ..self.clone() }
    }

    fn opts(&self, read_timeout: Option<Duration>) -> OptsBuilder {
        let mut b = OptsBuilder::new()
            .ip_or_hostname(Some(self.host.clone()))
            .tcp_port(self.port)
            .user(Some(self.user.clone()))
            .pass(if self.password.expose().is_empty() { None } else { Some(self.password.expose().to_string()) })
            // The crate would silently move a loopback TCP connection to a local unix socket:
            // with several servers on one machine that is a different server.
            .prefer_socket(false)
            .tcp_connect_timeout(Some(Duration::from_secs(10)))
            .read_timeout(read_timeout.or(self.timeout))
            .write_timeout(self.timeout.or(Some(Duration::from_secs(60))))
            .tcp_nodelay(true)
            .stmt_cache_size(Some(256));
        if let Some(tls) = &self.tls {
            let mut ssl = SslOpts::default().with_danger_accept_invalid_certs(tls.allow_insecure);
            if let Some(ca) = &tls.ca {
                ssl = ssl.with_root_cert_path(Some(std::path::PathBuf::from(ca)));
            }
            if let (Some(cert), Some(key)) = (&tls.cert, &tls.key) {
                ssl = ssl.with_client_identity(Some(mysql::ClientIdentity::new(
                    std::path::PathBuf::from(cert),
                    std::path::PathBuf::from(key),
                )));
            }
            b = b.ssl_opts(Some(ssl));
        }
        b
    }

    /// Opens a connection with ghost-rs's session settings. `purpose` names it in errors and in
    /// the server's processlist (as a comment in the first statement).
    pub fn connect(&self, purpose: &str) -> Result<Conn> {
        self.connect_with(purpose, None, None)
    }

    /// A connection for the replication protocol: a read timeout a little above the heartbeat
    /// period (a silent server is a dead stream) and room for the largest event (an event
    /// larger than the client's max_allowed_packet would kill the stream).
    pub fn connect_binlog(&self, purpose: &str, read_timeout: Duration) -> Result<Conn> {
        self.connect_with(purpose, Some(read_timeout), Some(1 << 30))
    }

    pub fn connect_with(
        &self,
        purpose: &str,
        read_timeout: Option<Duration>,
        max_packet: Option<usize>,
    ) -> Result<Conn> {
        let mut opts = self.opts(read_timeout);
        if max_packet.is_some() {
            opts = opts.max_allowed_packet(max_packet);
        }
        let mut conn = Conn::new(opts).map_err(|e| {
            let err: Error = e.into();
            let hint = match err.code {
                Some(1045) => "check the user and password (--user, and --conf or GHOST_RS_PASSWORD)".to_string(),
                Some(1044) | Some(1142) => "grant the user the privileges listed in doc/requirements.md".to_string(),
                _ => format!("check that a MySQL or MariaDB server listens on {self} and that --host/--port are right"),
            };
            err.context(format!("connecting to {self} as '{}' ({purpose})", self.user)).hint(hint)
        })?;
        setup_session(&mut conn).with_context(|| format!("setting up the {purpose} session on {self}"))?;
        Ok(conn)
    }
}

/// The session settings every ghost-rs connection runs with.
fn setup_session(conn: &mut Conn) -> Result<()> {
    conn.query_drop("SET NAMES binary")?;
    conn.query_drop("SET SESSION time_zone = '+00:00'")?;
    let mode: Option<Vec<u8>> = conn.query_first("SELECT @@SESSION.sql_mode")?;
    let mode = String::from_utf8_lossy(&mode.unwrap_or_default()).into_owned();
    conn.query_drop(format!("SET SESSION sql_mode = '{}'", session_sql_mode(&mode)))?;
    Ok(())
}

/// The server's sql_mode without the modes that would refuse values the original table holds
/// or change how statements parse, plus strictness and NO_AUTO_VALUE_ON_ZERO (an AUTO_INCREMENT
/// column holding 0 is copied as 0, not given a new number).
pub fn session_sql_mode(server_mode: &str) -> String {
    const REMOVE: &[&str] = &[
        "NO_ZERO_DATE",
        "NO_ZERO_IN_DATE",
        "NO_BACKSLASH_ESCAPES",
        "ANSI_QUOTES",
        "PAD_CHAR_TO_FULL_LENGTH",
        "ANSI",
        "ORACLE",
        "MSSQL",
        "DB2",
        "POSTGRESQL",
        "MAXDB",
        "TRADITIONAL",
        "EMPTY_STRING_IS_NULL",
        "SIMULTANEOUS_ASSIGNMENT",
    ];
    let mut modes: Vec<&str> = server_mode
        .split(',')
        .map(str::trim)
        .filter(|m| !m.is_empty() && !REMOVE.iter().any(|r| r.eq_ignore_ascii_case(m)))
        .filter(|m| m.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .collect();
    for add in ["STRICT_ALL_TABLES", "NO_AUTO_VALUE_ON_ZERO", "ALLOW_INVALID_DATES"] {
        if !modes.iter().any(|m| m.eq_ignore_ascii_case(add)) {
            modes.push(add);
        }
    }
    modes.join(",")
}

/// Takes the strict modes out of a session's sql_mode (`--allow-lossy`).
pub fn relax_strict(conn: &mut Conn) -> Result<()> {
    let mode: Option<Vec<u8>> = conn.query_first("SELECT @@SESSION.sql_mode")?;
    let mode = String::from_utf8_lossy(&mode.unwrap_or_default()).into_owned();
    let relaxed: Vec<&str> = mode
        .split(',')
        .filter(|m| {
            !m.is_empty()
                && !m.eq_ignore_ascii_case("STRICT_ALL_TABLES")
                && !m.eq_ignore_ascii_case("STRICT_TRANS_TABLES")
        })
        .collect();
    conn.query_drop(format!("SET SESSION sql_mode = '{}'", relaxed.join(",")))?;
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    MySql,
    MariaDb,
}

impl fmt::Display for Flavor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Flavor::MySql => "MySQL",
            Flavor::MariaDb => "MariaDB",
        })
    }
}

/// What ghost-rs needs to know about a server, read once.
#[derive(Debug, Clone)]
pub struct ServerInfo {
    pub flavor: Flavor,
    pub version: (u16, u16, u16),
    pub version_string: String,
    pub server_id: u32,
    pub hostname: String,
    pub log_bin: bool,
    pub binlog_format: String,
    pub binlog_row_image: String,
    pub log_replica_updates: bool,
    pub binlog_checksum: String,
    /// `binlog_expire_logs_seconds` (or `expire_logs_days` * 86400); 0 = never purged.
    pub binlog_expire_seconds: u64,
    pub performance_schema: bool,
    /// It can log an ALTER in two phases (`binlog_alter_two_phase`, MariaDB 10.8 and later),
    /// and, as a replica applying in parallel, start one when its primary does.
    pub two_phase_alter: bool,
}

impl ServerInfo {
    pub fn read(conn: &mut Conn) -> Result<ServerInfo> {
        let version_string = global_var(conn, "version")?.unwrap_or_default();
        let flavor =
            if version_string.to_ascii_lowercase().contains("mariadb") { Flavor::MariaDb } else { Flavor::MySql };
        let version = parse_version(&version_string);
        let var = |conn: &mut Conn, name: &str| global_var(conn, name).map(|v| v.unwrap_or_default());
        let on = |v: String| v.eq_ignore_ascii_case("ON") || v == "1";
        let expire = match flavor {
            Flavor::MySql => var(conn, "binlog_expire_logs_seconds")?.parse().unwrap_or(0),
            Flavor::MariaDb => {
                // MariaDB 10.6+ has binlog_expire_logs_seconds too; expire_logs_days is its alias.
                let s: u64 = var(conn, "binlog_expire_logs_seconds").ok().and_then(|v| v.parse().ok()).unwrap_or(0);
                if s > 0 {
                    s
                } else {
                    let d: f64 = var(conn, "expire_logs_days")?.parse().unwrap_or(0.0);
                    (d * 86400.0) as u64
                }
            }
        };
        Ok(ServerInfo {
            flavor,
            version,
            server_id: var(conn, "server_id")?.parse().unwrap_or(0),
            hostname: var(conn, "hostname")?,
            log_bin: on(var(conn, "log_bin")?),
            binlog_format: var(conn, "binlog_format")?.to_ascii_uppercase(),
            binlog_row_image: var(conn, "binlog_row_image")?.to_ascii_uppercase(),
            log_replica_updates: on(global_var(conn, "log_replica_updates")
                .ok()
                .flatten()
                .or(global_var(conn, "log_slave_updates")?)
                .unwrap_or_default()),
            binlog_checksum: var(conn, "binlog_checksum")?.to_ascii_uppercase(),
            binlog_expire_seconds: expire,
            performance_schema: on(var(conn, "performance_schema")?),
            two_phase_alter: flavor == Flavor::MariaDb && global_var(conn, "binlog_alter_two_phase")?.is_some(),
            version_string,
        })
    }

    /// MySQL 8.0 or later (`FOR SHARE`, `SHOW REPLICA STATUS`, ...).
    pub fn is_mysql8(&self) -> bool {
        self.flavor == Flavor::MySql && self.version.0 >= 8
    }

    /// The statement that shows the current binlog file and position.
    pub fn binlog_status_sql(&self) -> &'static str {
        match self.flavor {
            Flavor::MySql if self.version >= (8, 2, 0) => "SHOW BINARY LOG STATUS",
            _ => "SHOW MASTER STATUS",
        }
    }

    /// `STOP REPLICA` / `START REPLICA` (MariaDB 10.5+ and MySQL 8.0.22+ take the new names).
    pub fn replication_sql(&self, start: bool) -> &'static str {
        let old = self.flavor == Flavor::MySql && self.version < (8, 0, 22);
        match (start, old) {
            (true, false) => "START REPLICA",
            (false, false) => "STOP REPLICA",
            (true, true) => "START SLAVE",
            (false, true) => "STOP SLAVE",
        }
    }

    /// The statement that shows replication status (both flavors accept the new name).
    pub fn replica_status_sql(&self) -> &'static str {
        match self.flavor {
            Flavor::MySql if self.version < (8, 0, 22) => "SHOW SLAVE STATUS",
            _ => "SHOW REPLICA STATUS",
        }
    }
}

/// A replica registered with a server (every MySQL and MariaDB replica registers when it
/// connects, and so does ghost-rs's own binlog stream).
#[derive(Debug, Clone, PartialEq)]
pub struct RegisteredReplica {
    pub server_id: u32,
    /// The host it reported (`report_host`), or empty.
    pub host: String,
    /// The port it reported (`report_port`).
    pub port: u16,
}

impl RegisteredReplica {
    /// Whether this is a binlog client rather than a server: it reported port 0. A MySQL or
    /// MariaDB replica reports the port it listens on (`report_port`, which defaults to it);
    /// tools that read the binlog as a replica (another ghost-rs, gh-ost, Debezium, Maxwell)
    /// report none. They replay no DDL, so no index build makes them lag.
    pub fn is_binlog_client(&self) -> bool {
        self.port == 0
    }

    /// `server_id N (host:port)`, or `server_id N` when it reported no host.
    pub fn describe(&self) -> String {
        match self.host.as_str() {
            "" => format!("server_id {}", self.server_id),
            h if h.contains(':') => format!("server_id {} ([{h}]:{})", self.server_id, self.port),
            h => format!("server_id {} ({h}:{})", self.server_id, self.port),
        }
    }
}

/// `SHOW REPLICAS` (`SHOW SLAVE HOSTS` on MariaDB and MySQL before 8.0.22).
pub fn registered_replicas(conn: &mut Conn, info: &ServerInfo) -> Result<Vec<RegisteredReplica>> {
    let stmt = match info.flavor {
        Flavor::MySql if info.version >= (8, 0, 22) => "SHOW REPLICAS",
        _ => "SHOW SLAVE HOSTS",
    };
    let rows: Vec<Row> = conn.query(stmt).context("listing the server's replicas")?;
    Ok(rows
        .iter()
        .filter_map(|row| {
            let server_id = row_text(row, &["Server_id"])?.parse().ok()?;
            let host = row_text(row, &["Host"]).unwrap_or_default();
            let port = row_text(row, &["Port"]).and_then(|p| p.parse().ok()).unwrap_or(0);
            Some(RegisteredReplica { server_id, host, port })
        })
        .collect())
}

pub fn parse_version(s: &str) -> (u16, u16, u16) {
    let mut it =
        s.split(|c: char| !c.is_ascii_digit()).filter(|p| !p.is_empty()).map(|p| p.parse::<u16>().unwrap_or(0));
    (it.next().unwrap_or(0), it.next().unwrap_or(0), it.next().unwrap_or(0))
}

/// `@@GLOBAL.<name>` as text, `None` when the variable does not exist.
pub fn global_var(conn: &mut Conn, name: &str) -> Result<Option<String>> {
    debug_assert!(name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    match conn.query_first::<Option<Vec<u8>>, _>(format!("SELECT @@GLOBAL.{name}")) {
        Ok(v) => Ok(Some(v.flatten().map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default())),
        Err(mysql::Error::MySqlError(e)) if e.code == 1193 => Ok(None), // unknown system variable
        Err(e) => Err(Error::from(e).context(format!("reading @@GLOBAL.{name}"))),
    }
}

/// A binlog coordinate: the position *after* an event (where the next one starts).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BinlogPos {
    pub file: String,
    pub pos: u64,
}

impl BinlogPos {
    /// `file:pos`, as [`Display`](fmt::Display) writes it.
    pub fn parse(s: &str) -> Option<BinlogPos> {
        let (file, pos) = s.rsplit_once(':')?;
        Some(BinlogPos { file: file.to_string(), pos: pos.parse().ok()? })
    }
}

impl fmt::Display for BinlogPos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.pos)
    }
}

/// The server's current binlog coordinates.
pub fn binlog_position(conn: &mut Conn, info: &ServerInfo) -> Result<BinlogPos> {
    let row: Option<Row> = conn.query_first(info.binlog_status_sql()).context("reading the binlog position")?;
    let row = row.ok_or_else(|| {
        Error::refused("the server reports no binary log position (binary logging is off)")
            .hint("enable log_bin on the server")
    })?;
    let file = row_text(&row, &["File"]).ok_or_else(|| Error::failed("no File column in the binlog status"))?;
    let pos: u64 = row_text(&row, &["Position"])
        .and_then(|p| p.parse().ok())
        .ok_or_else(|| Error::failed("no Position column in the binlog status"))?;
    Ok(BinlogPos { file, pos })
}

/// A text column of a `SHOW` row by any of its names (MySQL renamed many: Master_Host /
/// Source_Host).
pub fn row_text(row: &Row, names: &[&str]) -> Option<String> {
    for n in names {
        if let Some(idx) = row.columns_ref().iter().position(|c| c.name_str().eq_ignore_ascii_case(n)) {
            return crate::schema::value_bytes(row.as_ref(idx)).map(|b| String::from_utf8_lossy(&b).into_owned());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sql_mode_is_strict_and_allows_zero_dates() {
        let m = session_sql_mode("ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION");
        assert_eq!(
            m,
            "ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION,STRICT_ALL_TABLES,NO_AUTO_VALUE_ON_ZERO,ALLOW_INVALID_DATES"
        );
        assert_eq!(session_sql_mode(""), "STRICT_ALL_TABLES,NO_AUTO_VALUE_ON_ZERO,ALLOW_INVALID_DATES");
        assert!(!session_sql_mode("ANSI_QUOTES,x'y").contains('\''));
    }

    #[test]
    fn a_registration_without_a_port_is_a_binlog_client() {
        let r = |host: &str, port| RegisteredReplica { server_id: 7, host: host.into(), port };
        // MariaDB fills in the connection's address for a client that reports no host
        assert!(r("127.0.0.1", 0).is_binlog_client());
        assert!(r("", 0).is_binlog_client());
        assert!(!r("127.0.0.1", 13307).is_binlog_client());
        assert!(!r("", 3306).is_binlog_client());
        assert_eq!(r("127.0.0.1", 0).describe(), "server_id 7 (127.0.0.1:0)");
    }

    #[test]
    fn versions() {
        assert_eq!(parse_version("10.11.14-MariaDB-0+deb12u2-log"), (10, 11, 14));
        assert_eq!(parse_version("9.7.0"), (9, 7, 0));
        assert_eq!(parse_version("8.0.36-28"), (8, 0, 36));
    }

    #[test]
    fn secrets_do_not_print() {
        let e = Endpoint {
            host: "h".into(),
            port: 1,
            user: "u".into(),
            password: Secret::new("hunter2"),
            tls: None,
            timeout: None,
        };
        assert!(!format!("{e:?}").contains("hunter2"));
        assert_eq!(e.to_string(), "h:1");
    }
}
