//! The interactive server: gh-ost's commands on a unix socket (`--serve-socket-file`, by
//! default `/tmp/ghost-rs.<db>.<table>.sock`, mode 0600) and optionally a TCP port on the
//! loopback interface (`--serve-tcp-port`). One command per connection, as gh-ost:
//! `echo status | nc -U /tmp/ghost-rs.d.t.sock`.
//!
//! Commands and replies follow gh-ost's `server.go` to the letter (names, aliases, `name=?` to
//! read a value, the throttle hint, "Unpostponed", the error texts), so runbooks and scripts
//! keep working. A command that changes something answers with the full status block. Unknown
//! commands and bad values get an error line and change nothing.
//!
//! The socket is refused when another ghost-rs answers on it (a migration of the same table
//! is running); a socket file nobody answers on (left by a killed run) is replaced, with a
//! warning. `--initially-drop-socket-file` replaces it in any case.
//!
//! Talks to: [`Tunables`] (writes), [`Progress`] (reads), the migrator's error channel
//! (`panic`), the interactive-command hook.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crossbeam_channel::Sender;
use log::{info, warn};

use crate::cli::{HostPort, LoadMap};
use crate::config::Tunables;
use crate::error::{Error, Result};
use crate::progress::{Phase, Progress};

/// Called with each command before it runs; an error refuses it.
pub type CommandHook = Box<dyn Fn(&str) -> std::result::Result<(), String> + Send + Sync>;

/// Everything the commands read or change.
pub struct ServerContext {
    pub database: String,
    pub table: String,
    pub ghost_table: String,
    pub inspected: String,
    pub applier: String,
    pub started_at: String,
    pub socket: PathBuf,
    pub tcp_port: Option<u16>,
    pub force_named_cut_over: bool,
    pub force_named_panic: bool,
    pub throttle_flag_file: Option<PathBuf>,
    pub throttle_additional_flag_file: Option<PathBuf>,
    pub panic_flag_file: Option<PathBuf>,
    pub tunables: Arc<Tunables>,
    pub progress: Arc<Progress>,
    pub fatal: Sender<Error>,
    /// Runs the `on-interactive-command` hook; an error refuses the command.
    pub on_command: CommandHook,
}

/// What to print after a command's own reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Print {
    Nothing,
    /// `sup`: the status line.
    Line,
    /// The full status block.
    Full,
}

const THROTTLE_HINT: &str = "# Note: you may only throttle for as long as your binary logs are not purged\n";

const HELP: &str = "available commands:
status                               # Print a detailed status message
sup                                  # Print a short status message
coordinates                          # Print the currently inspected coordinates
applier                              # Print the host the migration writes on
inspector                            # Print the host the migration reads the binlog from
chunk-size=<newsize>                 # Set a new chunk-size
chunk-time=<millis>                  # Set a new target time per chunk (0: keep chunk-size fixed) (ghost-rs)
busy-chunk-time=<millis>             # Set a new target time per chunk while the table is written (0: as chunk-time) (ghost-rs)
dml-batch-size=<newsize>             # Set a new dml-batch-size
nice-ratio=<ratio>                   # Set a new nice-ratio, immediate sleep after each row-copy operation, float (examples: 0 is aggressive, 0.7 adds 70% runtime, 1.0 doubles runtime, 2.0 triples runtime, ...)
critical-load=<load>                 # Set a new set of critical-load thresholds
max-lag-millis=<max-lag>             # Set a new replication lag threshold
max-load=<load>                      # Set a new set of max-load thresholds
throttle-query=<query>               # Set a new throttle-query (no quotes)
throttle-http=<URL>                  # Set a new throttle URL
throttle-control-replicas=<replicas> # Set a new comma delimited list of throttle control replicas
postpone-cut-over-flag-file=<file>   # Set a new postpone-cut-over flag file (empty: none)
throttle                             # Force throttling
no-throttle                          # End forced throttling (other throttling may still apply)
unpostpone                           # Bail out a cut-over postpone; proceed to cut-over
panic                                # panic and quit without cleanup
help                                 # This message
- use '?' (question mark) as argument to get info rather than set. e.g. \"max-load=?\" will just print out current max-load.
";

/// Applies one command line; returns the reply text and what to print after it, or the error
/// line.
pub fn apply_command(ctx: &ServerContext, line: &str) -> std::result::Result<(String, Print), String> {
    let (command, arg) = match line.split_once('=') {
        Some((c, a)) => (c.trim(), unquote(a.trim())),
        None => (line.trim(), String::new()),
    };
    let question = arg == "?";
    if command.is_empty() {
        return Err("Unknown command: ".to_string());
    }
    (ctx.on_command)(command)?;
    let t = &ctx.tunables;
    let set_number = |current: u64, parse: &dyn Fn(&str) -> std::result::Result<(), String>| {
        if question {
            Ok((format!("{current}\n"), Print::Nothing))
        } else {
            parse(&arg).map(|()| (String::new(), Print::Full))
        }
    };
    match command {
        "help" => Ok((HELP.to_string(), Print::Nothing)),
        "sup" => Ok((String::new(), Print::Line)),
        "info" | "status" => Ok((String::new(), Print::Full)),
        "coordinates" => {
            if question || arg.is_empty() {
                Ok((format!("{}\n", Progress::text(&ctx.progress.read_pos)), Print::Nothing))
            } else {
                Err("coordinates are read-only".to_string())
            }
        }
        "applier" => Ok((format!("Host: {}\n", ctx.applier), Print::Nothing)),
        "inspector" => Ok((format!("Host: {}\n", ctx.inspected), Print::Nothing)),
        "chunk-size" => set_number(t.chunk_size(), &|a| {
            let n: u64 = a.parse().map_err(|e| format!("{e}: {a:?}"))?;
            if !(10..=100_000).contains(&n) {
                return Err(format!("chunk-size must be between 10 and 100000, not {n}"));
            }
            t.chunk_size.store(n, Ordering::Relaxed);
            Ok(())
        }),
        "chunk-time" | "busy-chunk-time" => {
            let cell = if command == "chunk-time" { &t.chunk_time_millis } else { &t.busy_chunk_time_millis };
            set_number(cell.load(Ordering::Relaxed), &|a| {
                cell.store(crate::cli::chunk_time(a).map_err(|e| format!("{command}: {e}"))?, Ordering::Relaxed);
                Ok(())
            })
        }
        "dml-batch-size" => set_number(t.dml_batch_size() as u64, &|a| {
            let n: u64 = a.parse().map_err(|e| format!("{e}: {a:?}"))?;
            if !(1..=1000).contains(&n) {
                return Err(format!("dml-batch-size must be between 1 and 1000, not {n}"));
            }
            t.dml_batch_size.store(n, Ordering::Relaxed);
            Ok(())
        }),
        "max-lag-millis" => set_number(t.max_lag_millis.load(Ordering::Relaxed), &|a| {
            let n: u64 = a.parse().map_err(|e| format!("{e}: {a:?}"))?;
            if n < 100 {
                return Err(format!("max-lag-millis must be at least 100, not {n}"));
            }
            t.max_lag_millis.store(n, Ordering::Relaxed);
            Ok(())
        }),
        "replication-lag-query" => {
            Err("replication-lag-query is deprecated. ghost-rs uses an internal, subsecond resolution query"
                .to_string())
        }
        "nice-ratio" => {
            if question {
                return Ok((format!("{}\n", t.nice_ratio()), Print::Nothing));
            }
            let r: f64 = arg.parse().map_err(|e| format!("{e}: {arg:?}"))?;
            if !(r.is_finite() && (0.0..=100.0).contains(&r)) {
                return Err(format!("nice-ratio must be between 0 and 100, not {r}"));
            }
            t.set_nice_ratio(r);
            Ok((String::new(), Print::Full))
        }
        "max-load" | "critical-load" => {
            let current = if command == "max-load" { t.max_load() } else { t.critical_load() };
            if question {
                return Ok((format!("{current}\n"), Print::Nothing));
            }
            let map = LoadMap::parse(&arg)?;
            if command == "max-load" {
                t.set_max_load(map)
            } else {
                t.set_critical_load(map)
            }
            Ok((String::new(), Print::Full))
        }
        "throttle-query" | "throttle-http" => {
            let current = if command == "throttle-query" { t.throttle_query() } else { t.throttle_http() };
            if question {
                return Ok((format!("{}\n", current.unwrap_or_default()), Print::Nothing));
            }
            if command == "throttle-http" && !arg.is_empty() && !arg.starts_with("http://") {
                return Err(format!("throttle-http must be an http:// URL, not {arg:?}"));
            }
            let v = (!arg.is_empty()).then(|| arg.clone());
            if command == "throttle-query" {
                t.set_throttle_query(v)
            } else {
                t.set_throttle_http(v)
            }
            Ok((THROTTLE_HINT.to_string(), Print::Full))
        }
        "throttle-control-replicas" => {
            let list = |v: &[HostPort]| v.iter().map(|h| h.to_string()).collect::<Vec<_>>().join(",");
            if question {
                return Ok((format!("{}\n", list(&t.throttle_control_replicas())), Print::Nothing));
            }
            let mut v = Vec::new();
            for part in arg.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                v.push(HostPort::parse(part, Some(HostPort::DEFAULT_PORT))?);
            }
            let text = list(&v);
            t.set_throttle_control_replicas(v);
            Ok((format!("{text}\n"), Print::Full))
        }
        "postpone-cut-over-flag-file" => {
            if question {
                let f = t.postpone_flag_file().map(|p| p.display().to_string()).unwrap_or_default();
                return Ok((format!("{f}\n"), Print::Nothing));
            }
            t.set_postpone_flag_file((!arg.is_empty()).then(|| PathBuf::from(&arg)));
            Ok((String::new(), Print::Full))
        }
        "throttle" | "pause" | "suspend" => {
            t.user_throttle.store(true, Ordering::Relaxed);
            Ok((THROTTLE_HINT.to_string(), Print::Full))
        }
        "no-throttle" | "unthrottle" | "resume" | "continue" => {
            t.user_throttle.store(false, Ordering::Relaxed);
            Ok((String::new(), Print::Full))
        }
        "unpostpone" | "no-postpone" | "cut-over" => {
            if arg.is_empty() && ctx.force_named_cut_over {
                return Err(
                    "User commanded 'unpostpone' without specifying table name, but --force-named-cut-over is set"
                        .to_string(),
                );
            }
            if !arg.is_empty() && arg != ctx.table {
                return Err(format!(
                    "User commanded 'unpostpone' on {arg}, but migrated table is {}; ignoring request.",
                    ctx.table
                ));
            }
            if ctx.progress.phase() == Phase::Postponing {
                t.unpostpone.store(true, Ordering::Relaxed);
                Ok(("Unpostponed\n".to_string(), Print::Full))
            } else {
                Ok((
                    "You may only invoke this when ghost-rs is actively postponing migration. At this time it is not.\n".to_string(),
                    Print::Nothing,
                ))
            }
        }
        "panic" => {
            if arg.is_empty() && ctx.force_named_panic {
                return Err(
                    "User commanded 'panic' without specifying table name, but --force-named-panic is set".to_string()
                );
            }
            if !arg.is_empty() && arg != ctx.table {
                return Err(format!(
                    "User commanded 'panic' on {arg}, but migrated table is {}; ignoring request.",
                    ctx.table
                ));
            }
            let _ = ctx
                .fatal
                .send(Error::aborted("User commanded 'panic'. Stopping now (the original table is untouched)."));
            Err("User commanded 'panic'. I will now panic, without cleanup. PANIC!".to_string())
        }
        other => Err(format!("Unknown command: {other}")),
    }
}

/// Go's `strconv.Unquote` for the common cases gh-ost users type: `"..."` and `'...'`.
fn unquote(s: &str) -> String {
    let b = s.as_bytes();
    if b.len() >= 2 && (b[0] == b'"' || b[0] == b'`') && b[b.len() - 1] == b[0] {
        s[1..s.len() - 1].replace("\\\"", "\"")
    } else {
        s.to_string()
    }
}

/// gh-ost's status block: what is migrated where, the settings, the status line.
pub fn status_block(ctx: &ServerContext) -> String {
    let t = &ctx.tunables;
    let file = |f: &Option<PathBuf>| match f {
        Some(p) => format!("{}{}", p.display(), if p.exists() { " [set]" } else { "" }),
        None => String::new(),
    };
    let mut s = String::new();
    s.push_str(&format!(
        "# Migrating `{}`.`{}`; Ghost table is `{}`.`{}`\n",
        ctx.database, ctx.table, ctx.database, ctx.ghost_table
    ));
    s.push_str(&format!("# Migrating {}; inspecting {}; executing on {}\n", ctx.applier, ctx.inspected, ctx.applier));
    s.push_str(&format!("# Migration started at {}\n", ctx.started_at));
    s.push_str(&format!(
        "# chunk-size: {}; max-lag-millis: {}ms; dml-batch-size: {}; max-load: {}; critical-load: {}; nice-ratio: {:.6}; chunk-time: {}ms; busy-chunk-time: {}ms\n",
        t.chunk_size(),
        t.max_lag_millis.load(Ordering::Relaxed),
        t.dml_batch_size(),
        t.max_load(),
        t.critical_load(),
        t.nice_ratio(),
        t.chunk_time().as_millis(),
        t.busy_chunk_time().as_millis()
    ));
    if ctx.throttle_flag_file.is_some() {
        s.push_str(&format!("# throttle-flag-file: {}\n", file(&ctx.throttle_flag_file)));
    }
    if ctx.throttle_additional_flag_file.is_some() {
        s.push_str(&format!("# throttle-additional-flag-file: {}\n", file(&ctx.throttle_additional_flag_file)));
    }
    if let Some(q) = t.throttle_query() {
        s.push_str(&format!("# throttle-query: {q}\n"));
    }
    if let Some(u) = t.throttle_http() {
        s.push_str(&format!("# throttle-http: {u}\n"));
    }
    let replicas = t.throttle_control_replicas();
    if !replicas.is_empty() {
        let r: Vec<String> = replicas.iter().map(|h| h.to_string()).collect();
        s.push_str(&format!("# throttle-control-replicas count: {} ({})\n", r.len(), r.join(",")));
    }
    if t.postpone_flag_file().is_some() {
        s.push_str(&format!("# postpone-cut-over-flag-file: {}\n", file(&t.postpone_flag_file())));
    }
    if ctx.panic_flag_file.is_some() {
        s.push_str(&format!("# panic-flag-file: {}\n", file(&ctx.panic_flag_file)));
    }
    s.push_str(&format!("# Serving on unix socket: {}\n", ctx.socket.display()));
    if let Some(p) = ctx.tcp_port {
        s.push_str(&format!("# Serving on TCP port: {p}\n"));
    }
    s.push_str(&ctx.progress.status_line());
    s.push('\n');
    s
}

/// Answers one connection: reads one line, applies it, writes the reply.
fn handle<S: std::io::Read + Write>(ctx: &ServerContext, stream: &mut S) {
    let mut line = String::new();
    {
        let mut reader = BufReader::new(&mut *stream);
        if reader.read_line(&mut line).is_err() {
            return;
        }
    }
    let line = line.trim_end_matches(['\r', '\n']).to_string();
    let reply = match apply_command(ctx, &line) {
        Ok((text, print)) => {
            let mut out = text;
            match print {
                Print::Nothing => {}
                Print::Line => {
                    out.push_str(&ctx.progress.status_line());
                    out.push('\n');
                }
                Print::Full => out.push_str(&status_block(ctx)),
            }
            if print != Print::Nothing || !line.trim().is_empty() {
                info!("interactive command: {}", line.trim());
            }
            out
        }
        Err(e) => {
            warn!("interactive command {:?}: {e}", line.trim());
            format!("{e}\n")
        }
    };
    let _ = stream.write_all(reply.as_bytes());
    let _ = stream.flush();
}

/// The listeners. Dropping the server removes the socket file.
pub struct Server {
    unix: UnixListener,
    tcp: Option<TcpListener>,
    socket: PathBuf,
}

impl Server {
    pub fn bind(socket: &PathBuf, tcp_port: Option<u16>, initially_drop: bool) -> Result<Server> {
        if socket.exists() {
            let alive = UnixStream::connect(socket).is_ok();
            if alive && !initially_drop {
                return Err(Error::refused(format!(
                    "another process answers on the socket {}: is a migration of this table already running?",
                    socket.display()
                ))
                .hint("stop the other migration, or choose --serve-socket-file (--initially-drop-socket-file replaces the socket)"));
            }
            if !alive {
                warn!("replacing the socket file {} that nobody answers on (left by an earlier run)", socket.display());
            }
            std::fs::remove_file(socket)
                .map_err(|e| Error::refused(format!("cannot remove the socket file {}: {e}", socket.display())))?;
        }
        let unix = UnixListener::bind(socket).map_err(|e| {
            Error::refused(format!("cannot serve on the socket {}: {e}", socket.display()))
                .hint("choose --serve-socket-file")
        })?;
        std::fs::set_permissions(socket, std::fs::Permissions::from_mode(0o600))?;
        unix.set_nonblocking(true)?;
        let tcp = match tcp_port {
            Some(p) => {
                let l = TcpListener::bind(("127.0.0.1", p)).map_err(|e| {
                    Error::refused(format!("cannot listen on TCP port {p}: {e}"))
                        .hint("choose another --serve-tcp-port")
                })?;
                l.set_nonblocking(true)?;
                info!("listening on tcp port 127.0.0.1:{p} for interactive commands");
                Some(l)
            }
            None => None,
        };
        info!(
            "listening on unix socket {} for interactive commands (see doc/interactive-commands.md)",
            socket.display()
        );
        Ok(Server { unix, tcp, socket: socket.clone() })
    }

    /// Serves until `stop`.
    pub fn serve(self, ctx: Arc<ServerContext>, stop: Arc<AtomicBool>) {
        while !stop.load(Ordering::Relaxed) {
            let mut busy = false;
            if let Ok((s, _)) = self.unix.accept() {
                busy = true;
                let _ = s.set_nonblocking(false);
                let _ = s.set_read_timeout(Some(Duration::from_secs(10)));
                answer(ctx.clone(), s);
            }
            if let Some(tcp) = &self.tcp {
                if let Ok((s, _)) = tcp.accept() {
                    busy = true;
                    let _ = s.set_nonblocking(false);
                    let _ = s.set_read_timeout(Some(Duration::from_secs(10)));
                    answer(ctx.clone(), s);
                }
            }
            if !busy {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
}

/// Answers a connection on a thread of its own (a slow client never blocks the others).
fn answer<S: std::io::Read + Write + Send + 'static>(ctx: Arc<ServerContext>, mut s: S) {
    let _ = std::thread::Builder::new().name("interactive command".into()).spawn(move || handle(&ctx, &mut s));
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.socket);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossbeam_channel::unbounded;
    use std::sync::atomic::Ordering::Relaxed;

    fn ctx() -> (ServerContext, crossbeam_channel::Receiver<Error>) {
        let (tx, rx) = unbounded();
        let tunables = crate::config::tests_support::tunables();
        let c = ServerContext {
            database: "d".into(),
            table: "t".into(),
            ghost_table: "_t_gho".into(),
            inspected: "r:3306".into(),
            applier: "p:3306".into(),
            started_at: "now".into(),
            socket: PathBuf::from("/tmp/x.sock"),
            tcp_port: None,
            force_named_cut_over: false,
            force_named_panic: true,
            throttle_flag_file: None,
            throttle_additional_flag_file: None,
            panic_flag_file: None,
            tunables: Arc::new(tunables),
            progress: Arc::new(Progress::default()),
            fatal: tx,
            on_command: Box::new(|_| Ok(())),
        };
        (c, rx)
    }

    #[test]
    fn tunables_set_and_read() {
        let (c, _) = ctx();
        assert_eq!(apply_command(&c, "chunk-size=500").unwrap().1, Print::Full);
        assert_eq!(c.tunables.chunk_size(), 500);
        assert_eq!(apply_command(&c, "chunk-size=?").unwrap().0, "500\n");
        assert!(apply_command(&c, "chunk-size=5").unwrap_err().contains("between 10 and 100000"));
        assert!(apply_command(&c, "chunk-size=lots").is_err());
        assert_eq!(c.tunables.chunk_size(), 500, "a bad value changes nothing");
        assert_eq!(apply_command(&c, "chunk-time=100").unwrap().1, Print::Full);
        assert_eq!(c.tunables.chunk_time(), Duration::from_millis(100));
        assert_eq!(apply_command(&c, "chunk-time=?").unwrap().0, "100\n");
        assert_eq!(apply_command(&c, "chunk-time=0").unwrap().1, Print::Full);
        assert_eq!(c.tunables.chunk_time(), Duration::ZERO);
        assert!(apply_command(&c, "chunk-time=5").unwrap_err().contains("0 (off) or 10..=60000"));
        assert!(apply_command(&c, "chunk-time=soon").is_err());
        assert_eq!(c.tunables.chunk_time(), Duration::ZERO, "a bad value changes nothing");
        assert_eq!(apply_command(&c, "busy-chunk-time=?").unwrap().0, "100\n");
        apply_command(&c, "busy-chunk-time=50").unwrap();
        assert_eq!(c.tunables.busy_chunk_time(), Duration::from_millis(50));
        assert!(apply_command(&c, "busy-chunk-time=70000")
            .unwrap_err()
            .contains("busy-chunk-time: 70000 is out of range"));
        apply_command(&c, "max-load=Threads_running=25").unwrap();
        assert_eq!(apply_command(&c, "max-load=?").unwrap().0, "Threads_running=25\n");
        assert!(apply_command(&c, "max-load=Threads_running").is_err());
        apply_command(&c, "nice-ratio=0.5").unwrap();
        assert_eq!(c.tunables.nice_ratio(), 0.5);
        apply_command(&c, "throttle-query=\"select 1\"").unwrap();
        assert_eq!(c.tunables.throttle_query().as_deref(), Some("select 1"));
        let (text, _) = apply_command(&c, "throttle-control-replicas=r1:3307,r2").unwrap();
        assert_eq!(text, "r1:3307,r2:3306\n");
        apply_command(&c, "dml-batch-size=100").unwrap();
        assert_eq!(c.tunables.dml_batch_size(), 100);
    }

    #[test]
    fn throttle_unpostpone_panic() {
        let (c, rx) = ctx();
        let (text, _) = apply_command(&c, "throttle").unwrap();
        assert!(text.contains("binary logs are not purged"));
        assert!(c.tunables.user_throttle.load(Relaxed));
        apply_command(&c, "no-throttle").unwrap();
        assert!(!c.tunables.user_throttle.load(Relaxed));
        assert!(apply_command(&c, "unpostpone").unwrap().0.contains("You may only invoke this"));
        c.progress.set_phase(Phase::Postponing);
        assert_eq!(apply_command(&c, "unpostpone").unwrap().0, "Unpostponed\n");
        assert!(c.tunables.unpostpone.load(Relaxed));
        assert!(apply_command(&c, "unpostpone=other").unwrap_err().contains("ignoring request"));
        // --force-named-panic
        assert!(apply_command(&c, "panic").unwrap_err().contains("--force-named-panic"));
        assert!(rx.try_recv().is_err());
        assert!(apply_command(&c, "panic=t").unwrap_err().contains("PANIC"));
        assert!(rx.try_recv().is_ok());
    }

    #[test]
    fn unknown_and_status() {
        let (c, _) = ctx();
        assert_eq!(apply_command(&c, "bogus").unwrap_err(), "Unknown command: bogus");
        assert_eq!(apply_command(&c, "status").unwrap().1, Print::Full);
        assert_eq!(apply_command(&c, "sup").unwrap().1, Print::Line);
        let block = status_block(&c);
        assert!(block.starts_with("# Migrating `d`.`t`; Ghost table is `d`.`_t_gho`\n"), "{block}");
        assert!(block.contains("# chunk-size: 1000; max-lag-millis: 1500ms; dml-batch-size: 10;"), "{block}");
        assert!(block.contains("\nCopy: "), "{block}");
        assert!(apply_command(&c, "help").unwrap().0.contains("available commands"));
    }
}
