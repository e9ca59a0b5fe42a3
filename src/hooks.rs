//! Hooks: external executables run at points of a migration, compatible with gh-ost's.
//!
//! This module owns finding the hook files in `--hooks-path`, building the environment they
//! get (gh-ost's `GH_OST_*` variables, and the same names under `GHOST_RS_*`), running them one
//! after another with a timeout, and logging what they print. The migrator calls
//! [`Hooks::run`] at each phase (see `doc/hooks.md` for the list and the order).
//!
//! Finding: for a hook such as [`Hook::Startup`], every file in the directory whose name starts
//! with `gh-ost-on-startup` runs, then every file whose name starts with `ghost-rs-on-startup`;
//! each group in byte order of the file name. The directory is read again at every call, as
//! gh-ost does, so hooks may be added or removed while a migration runs. Only regular files
//! (symbolic links are followed) with an executable bit run; any other matching entry is
//! skipped with a warning saying why.
//!
//! Running: the file is executed directly (no shell), with stdin from `/dev/null`, in a process
//! group of its own, with the process's environment minus passwords, plus the hook variables.
//! Its stdout is logged at info level and its stderr at warn level, line by line, with the file
//! name. Each hook has [`DEFAULT_TIMEOUT`] (60 s) to finish; past that its process group is
//! killed.
//!
//! Failure semantics: [`Hooks::run`] stops at the first hook that fails (non-zero exit, killed
//! by a signal, timed out, or could not be started) and returns a [`HookError`]; the hooks after
//! it do not run. What the failure means is the caller's choice: the migrator aborts the run
//! when `on-startup`, `on-validated` or `on-before-row-copy` fails, abandons (and retries) a
//! cut-over attempt when `on-before-cut-over` fails, the interactive server refuses the
//! command when `on-interactive-command` fails, and the failure of any other hook is logged and
//! ignored. Without a hooks directory (or when it does not exist) there is nothing to run and
//! [`Hooks::run`] returns `Ok`.

use std::collections::VecDeque;
use std::fmt;
use std::fs;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use log::{info, warn};

/// How long one hook may run before it is killed.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// Environment variables never handed to a hook: they may hold a MySQL password.
/// `GHOST_RS_PASSWORD` is the variable `--password` falls back to (`cli::PASSWORD_ENV`);
/// `MYSQL_PWD` is the one the MySQL clients read.
pub const STRIPPED_ENV: [&str; 2] = ["GHOST_RS_PASSWORD", "MYSQL_PWD"];

/// gh-ost's `ETAUnknown` (Go's `math.MinInt64`): the value of `GH_OST_ETA_SECONDS` when no
/// estimate exists.
const ETA_UNKNOWN: i64 = i64::MIN;

/// Lines of a failed hook's stderr quoted in its [`HookError`].
const STDERR_TAIL_LINES: usize = 10;

/// Longest line logged (or quoted in an error), in bytes; longer lines are cut.
const MAX_LINE: usize = 4096;

/// After the hook's process has exited, how long to wait for its output pipes to close. A
/// background process that the hook started may hold them open: it is not waited for.
const PIPE_GRACE: Duration = Duration::from_secs(1);

/// A point of the migration at which hooks run. The names are gh-ost's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Hook {
    Startup,
    Validated,
    RowcountComplete,
    BeforeRowCopy,
    Status,
    InteractiveCommand,
    RowCopyComplete,
    BeginPostponed,
    BeforeCutOver,
    Success,
    Failure,
    StopReplication,
    StartReplication,
    BatchCopyRetry,
}

impl Hook {
    /// Every hook, in the order they are documented.
    pub const ALL: [Hook; 14] = [
        Hook::Startup,
        Hook::Validated,
        Hook::RowcountComplete,
        Hook::BeforeRowCopy,
        Hook::Status,
        Hook::InteractiveCommand,
        Hook::RowCopyComplete,
        Hook::BeginPostponed,
        Hook::BeforeCutOver,
        Hook::Success,
        Hook::Failure,
        Hook::StopReplication,
        Hook::StartReplication,
        Hook::BatchCopyRetry,
    ];

    /// The hook's name without prefix, e.g. `on-startup`.
    pub fn name(self) -> &'static str {
        match self {
            Hook::Startup => "on-startup",
            Hook::Validated => "on-validated",
            Hook::RowcountComplete => "on-rowcount-complete",
            Hook::BeforeRowCopy => "on-before-row-copy",
            Hook::Status => "on-status",
            Hook::InteractiveCommand => "on-interactive-command",
            Hook::RowCopyComplete => "on-row-copy-complete",
            Hook::BeginPostponed => "on-begin-postponed",
            Hook::BeforeCutOver => "on-before-cut-over",
            Hook::Success => "on-success",
            Hook::Failure => "on-failure",
            Hook::StopReplication => "on-stop-replication",
            Hook::StartReplication => "on-start-replication",
            Hook::BatchCopyRetry => "on-batch-copy-retry",
        }
    }

    /// The prefixes of the files that run for this hook, in the order they run:
    /// `["gh-ost-on-startup", "ghost-rs-on-startup"]`.
    pub fn file_prefixes(self) -> [String; 2] {
        [format!("gh-ost-{}", self.name()), format!("ghost-rs-{}", self.name())]
    }
}

impl fmt::Display for Hook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Facts about the migration that do not change while it runs. Set once, at [`Hooks::new`].
#[derive(Debug, Clone, Default)]
pub struct HookContext {
    /// `GH_OST_DATABASE_NAME`.
    pub database: String,
    /// `GH_OST_TABLE_NAME`: the table being migrated.
    pub table: String,
    /// `GH_OST_GHOST_TABLE_NAME`, e.g. `_t_gho`.
    pub ghost_table: String,
    /// `GH_OST_OLD_TABLE_NAME`: the name the original table gets at cut-over, e.g. `_t_del`.
    pub old_table: String,
    /// `GH_OST_DDL`: the `--alter` statement as given.
    pub ddl: String,
    /// `GH_OST_INSPECTED_HOST`: host name of the server ghost-rs connected to (`--host`).
    pub host: String,
    /// `GHOST_RS_INSPECTED_PORT` (ghost-rs only; gh-ost passes no port).
    pub port: u16,
    /// `GH_OST_MIGRATED_HOST`: host name of the server where the table is altered (the master,
    /// or the applier).
    pub applier_host: String,
    /// `GH_OST_EXECUTING_HOST`: host name of the machine running ghost-rs. Left empty, it is
    /// filled in by [`Hooks::new`] with [`local_hostname`].
    pub executing_host: String,
    /// `GH_OST_HOOKS_HINT`: `--hooks-hint`.
    pub hint: String,
    /// `GH_OST_HOOKS_HINT_OWNER`: `--hooks-hint-owner`.
    pub hint_owner: String,
    /// `GH_OST_HOOKS_HINT_TOKEN`: `--hooks-hint-token`.
    pub hint_token: String,
    /// `GH_OST_DRY_RUN`: true without `--execute`.
    pub dry_run: bool,
    /// `GH_OST_REVERT`: true with `--revert`.
    pub revert: bool,
}

/// Values that change during the migration, passed at each call of [`Hooks::run`].
#[derive(Debug, Clone, Default)]
pub struct HookState {
    /// `GH_OST_ELAPSED_SECONDS`: time since the migration started.
    pub elapsed_seconds: u64,
    /// `GH_OST_ELAPSED_COPY_SECONDS`: time spent copying rows (0 before the copy starts).
    pub elapsed_copy_seconds: u64,
    /// `GH_OST_COPIED_ROWS`.
    pub copied_rows: u64,
    /// `GH_OST_ESTIMATED_ROWS`: estimated rows in the table (with the rows added meanwhile).
    pub estimated_rows: u64,
    /// `GH_OST_PROGRESS`: percent of the copy done, 0 to 100.
    pub progress_pct: f64,
    /// `GH_OST_INSPECTED_LAG`: replication lag of the inspected server, in seconds.
    pub inspected_lag_seconds: f64,
    /// `GH_OST_HEARTBEAT_LAG`: seconds since the last heartbeat was read back from the binlog.
    pub heartbeat_lag_seconds: f64,
    /// `GH_OST_STATUS` (only in `on-status`): the status line.
    pub status: String,
    /// `GH_OST_ETA_SECONDS`: estimated seconds until the copy completes; `None` when unknown
    /// (passed as gh-ost does, `-9223372036854775808`).
    pub etc_seconds: Option<u64>,
    /// `GH_OST_COMMAND` (only in `on-interactive-command`): the command received, e.g.
    /// `chunk-size=500`. The variable holds its name only (`chunk-size`), as in gh-ost.
    pub last_interactive_command: Option<String>,
    /// `GH_OST_LAST_BATCH_COPY_ERROR` (only in `on-batch-copy-retry`): the error of the failed
    /// chunk. Also `GHOST_RS_LAST_ERROR` in `on-failure` (why the migration failed) and in
    /// `on-batch-copy-retry`.
    pub last_error: Option<String>,
    /// `GH_OST_INSTANT_DDL` (only in `on-success`): the ALTER was applied with
    /// `ALGORITHM=INSTANT`, without a copy.
    pub instant_ddl: bool,
}

/// A hook that failed.
#[derive(Debug)]
pub struct HookError {
    pub hook: Hook,
    /// The hook file; the hooks directory when it could not be read.
    #[allow(dead_code)] // for callers that want the file apart from the message
    pub file: PathBuf,
    /// What happened, naming the file, with its exit status and the last lines of its stderr.
    pub message: String,
}

impl fmt::Display for HookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} hook failed: {}", self.hook, self.message)
    }
}

impl std::error::Error for HookError {}

/// The hooks of a migration: where they are, the fixed facts they get, their timeout.
#[derive(Debug, Clone)]
pub struct Hooks {
    dir: Option<PathBuf>,
    ctx: HookContext,
    timeout: Duration,
}

/// A file whose name matches a hook, and whether it can run.
struct Candidate {
    path: PathBuf,
    /// `Err(why)` when the file is skipped.
    runnable: Result<(), String>,
}

impl Hooks {
    /// Hooks from `dir` (`--hooks-path`); `None` (or an empty path) means no hooks. A directory
    /// that does not exist is warned about here, and then runs nothing (as in gh-ost).
    pub fn new(dir: Option<PathBuf>, mut ctx: HookContext) -> Hooks {
        let dir = dir.filter(|d| !d.as_os_str().is_empty());
        if let Some(d) = &dir {
            match fs::metadata(d) {
                Ok(m) if m.is_dir() => {}
                Ok(_) => warn!("--hooks-path {} is not a directory: no hooks will run", d.display()),
                Err(e) => warn!("--hooks-path {}: {e}: no hooks will run", d.display()),
            }
        }
        if ctx.executing_host.is_empty() {
            ctx.executing_host = local_hostname();
        }
        Hooks { dir, ctx, timeout: DEFAULT_TIMEOUT }
    }

    /// Sets how long one hook may run before it is killed ([`DEFAULT_TIMEOUT`] otherwise).
    #[cfg(test)]
    pub fn with_timeout(mut self, timeout: Duration) -> Hooks {
        self.timeout = timeout;
        self
    }

    #[cfg(test)]
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The hooks directory, if any.
    #[cfg(test)]
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    #[cfg(test)]
    pub fn context(&self) -> &HookContext {
        &self.ctx
    }

    /// Runs every matching executable for `hook`, in order (gh-ost-prefixed files first, each
    /// group by file name), each with the environment of [`Hooks::env`] added to the process's
    /// own (passwords removed), waiting for each. Stops at the first one that fails: exits
    /// non-zero, is killed, runs longer than the timeout (it is then killed), or cannot be
    /// started. Matching files that are not executable regular files are skipped with a
    /// warning. No directory, or a missing one: `Ok` without running anything.
    pub fn run(&self, hook: Hook, state: &HookState) -> Result<(), HookError> {
        let Some(dir) = &self.dir else { return Ok(()) };
        let candidates = self.candidates(dir, hook).map_err(|e| HookError {
            hook,
            file: dir.clone(),
            message: format!("cannot read the hooks directory {}: {e}", dir.display()),
        })?;
        if candidates.is_empty() {
            return Ok(());
        }
        let env = self.env(hook, state);
        for c in candidates {
            match c.runnable {
                Ok(()) => self.run_one(hook, &c.path, &env)?,
                Err(why) => warn!("{hook} hook: skipping {}: {why}", c.path.display()),
            }
        }
        Ok(())
    }

    /// The variables a hook gets on top of the process's environment: gh-ost's `GH_OST_*`
    /// (values exactly as gh-ost formats them), then the same names under `GHOST_RS_*`, then
    /// the ghost-rs-only variables. For tests and for `--hooks-path` dry checks.
    pub fn env(&self, hook: Hook, state: &HookState) -> Vec<(String, String)> {
        let ctx = &self.ctx;
        let eta = state.etc_seconds.map_or(ETA_UNKNOWN, |s| s.min(i64::MAX as u64) as i64);
        // (name after the prefix, value as gh-ost passes it, value for the GHOST_RS_ alias)
        let mut vars: Vec<(&str, String, String)> = Vec::with_capacity(26);
        let mut same = |name: &'static str, value: String| vars.push((name, value.clone(), value));
        same("DATABASE_NAME", ctx.database.clone());
        same("TABLE_NAME", ctx.table.clone());
        same("GHOST_TABLE_NAME", ctx.ghost_table.clone());
        same("OLD_TABLE_NAME", ctx.old_table.clone());
        same("DDL", ctx.ddl.clone());
        same("ELAPSED_SECONDS", go_float(state.elapsed_seconds as f64));
        same("ELAPSED_COPY_SECONDS", go_float(state.elapsed_copy_seconds as f64));
        same("ESTIMATED_ROWS", state.estimated_rows.to_string());
        same("COPIED_ROWS", state.copied_rows.to_string());
        same("MIGRATED_HOST", ctx.applier_host.clone());
        same("INSPECTED_HOST", ctx.host.clone());
        same("EXECUTING_HOST", ctx.executing_host.clone());
        same("INSPECTED_LAG", go_float(state.inspected_lag_seconds));
        same("HEARTBEAT_LAG", go_float(state.heartbeat_lag_seconds));
        same("PROGRESS", go_float(state.progress_pct));
        same("ETA_SECONDS", eta.to_string());
        same("HOOKS_HINT", ctx.hint.clone());
        same("HOOKS_HINT_OWNER", ctx.hint_owner.clone());
        same("HOOKS_HINT_TOKEN", ctx.hint_token.clone());
        same("DRY_RUN", ctx.dry_run.to_string());
        same("REVERT", ctx.revert.to_string());
        match hook {
            // gh-ost wraps these two in single quotes (`GH_OST_COMMAND='%s'`), and the quotes
            // end up in the value: kept for GH_OST_, left out of the GHOST_RS_ alias.
            Hook::InteractiveCommand => {
                let line = state.last_interactive_command.as_deref().unwrap_or("");
                let name = line.split('=').next().unwrap_or("").trim().to_string();
                vars.push(("COMMAND", format!("'{name}'"), name));
            }
            Hook::Status => vars.push(("STATUS", format!("'{}'", state.status), state.status.clone())),
            Hook::BatchCopyRetry => {
                let e = state.last_error.clone().unwrap_or_default();
                vars.push(("LAST_BATCH_COPY_ERROR", e.clone(), e));
            }
            Hook::Success => {
                let v = state.instant_ddl.to_string();
                vars.push(("INSTANT_DDL", v.clone(), v));
            }
            _ => {}
        }

        let mut env = Vec::with_capacity(vars.len() * 2 + 4);
        env.extend(vars.iter().map(|(n, v, _)| (format!("GH_OST_{n}"), clean(v))));
        env.extend(vars.iter().map(|(n, _, v)| (format!("GHOST_RS_{n}"), clean(v))));
        env.push(("GHOST_RS_HOOK".into(), hook.name().into()));
        env.push(("GHOST_RS_INSPECTED_PORT".into(), ctx.port.to_string()));
        if hook == Hook::InteractiveCommand {
            let line = state.last_interactive_command.as_deref().unwrap_or("").trim();
            env.push(("GHOST_RS_COMMAND_LINE".into(), clean(line)));
        }
        if matches!(hook, Hook::Failure | Hook::BatchCopyRetry) {
            env.push(("GHOST_RS_LAST_ERROR".into(), clean(state.last_error.as_deref().unwrap_or(""))));
        }
        env
    }

    /// The hook files that would run now, for every hook, in the order they would run (for
    /// the startup log). Skipped files (not executable, not regular) are left out.
    pub fn found(&self) -> Vec<PathBuf> {
        let Some(dir) = &self.dir else { return Vec::new() };
        let mut found = Vec::new();
        for hook in Hook::ALL {
            match self.candidates(dir, hook) {
                Ok(cs) => found.extend(cs.into_iter().filter(|c| c.runnable.is_ok()).map(|c| c.path)),
                Err(e) => {
                    warn!("cannot read the hooks directory {}: {e}", dir.display());
                    break;
                }
            }
        }
        found
    }

    /// The entries of `dir` matching `hook`, in run order. A missing directory has none.
    fn candidates(&self, dir: &Path, hook: Hook) -> io::Result<Vec<Candidate>> {
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut names = Vec::new();
        for entry in entries {
            names.push(entry?.file_name());
        }
        let mut out = Vec::new();
        for prefix in hook.file_prefixes() {
            let mut group: Vec<_> =
                names.iter().filter(|n| n.as_encoded_bytes().starts_with(prefix.as_bytes())).collect();
            group.sort_by(|a, b| a.as_encoded_bytes().cmp(b.as_encoded_bytes()));
            for name in group {
                let path = dir.join(name);
                let runnable = check_runnable(&path);
                out.push(Candidate { path, runnable });
            }
        }
        Ok(out)
    }

    /// The command for one hook file: run directly, environment = process's − passwords + `env`.
    fn command(&self, path: &Path, env: &[(String, String)]) -> Command {
        let mut cmd = Command::new(path);
        for name in STRIPPED_ENV {
            cmd.env_remove(name);
        }
        cmd.envs(env.iter().map(|(k, v)| (k, v)));
        cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        #[cfg(unix)]
        {
            // A group of its own, so that a hook that times out is killed with its children.
            use std::os::unix::process::CommandExt;
            cmd.process_group(0);
        }
        cmd
    }

    fn run_one(&self, hook: Hook, path: &Path, env: &[(String, String)]) -> Result<(), HookError> {
        let label = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        let fail = |message: String| HookError { hook, file: path.to_path_buf(), message };
        info!("executing {hook} hook: {}", path.display());
        let started = Instant::now();
        let mut child = spawn(self.command(path, env))
            .map_err(|e| fail(format!("hook {} could not be started: {e}", path.display())))?;

        let (done_tx, done_rx) = mpsc::channel::<()>();
        let stderr_tail = Arc::new(Mutex::new(VecDeque::with_capacity(STDERR_TAIL_LINES)));
        let mut readers = 0;
        if let Some(out) = child.stdout.take() {
            readers += 1;
            pump(out, label.clone(), false, None, done_tx.clone());
        }
        if let Some(err) = child.stderr.take() {
            readers += 1;
            pump(err, label.clone(), true, Some(stderr_tail.clone()), done_tx.clone());
        }
        drop(done_tx);

        let deadline = started + self.timeout;
        let mut pause = Duration::from_millis(1);
        let outcome = loop {
            match child.try_wait() {
                Ok(Some(status)) => break Ok(status),
                Ok(None) => {}
                Err(e) => {
                    kill(&mut child);
                    break Err(format!("hook {} could not be waited for: {e}", path.display()));
                }
            }
            let now = Instant::now();
            if now >= deadline {
                kill(&mut child);
                break Err(format!("hook {} did not finish within {:?} and was killed", path.display(), self.timeout));
            }
            thread::sleep(pause.min(deadline - now));
            pause = (pause * 2).min(Duration::from_millis(50));
        };

        // Let the readers log the last lines. A background child of the hook may keep the
        // pipes open: the readers are then left running, and end when it closes them.
        let grace = Instant::now() + PIPE_GRACE;
        for _ in 0..readers {
            let left = grace.saturating_duration_since(Instant::now());
            if done_rx.recv_timeout(left).is_err() {
                break;
            }
        }

        let took = started.elapsed();
        let failure = match outcome {
            Ok(status) if status.success() => {
                info!("{hook} hook {} done in {:.2}s", path.display(), took.as_secs_f64());
                return Ok(());
            }
            Ok(status) => format!("hook {} {}", path.display(), describe(status)),
            Err(message) => message,
        };
        let tail = stderr_tail.lock().map(|t| t.iter().cloned().collect::<Vec<_>>()).unwrap_or_default();
        let message = if tail.is_empty() {
            format!("{failure} (no stderr output)")
        } else {
            format!("{failure}; last lines of stderr: {}", tail.join(" | "))
        };
        Err(fail(message))
    }
}

/// Why `path` cannot run as a hook, if it cannot.
fn check_runnable(path: &Path) -> Result<(), String> {
    let meta = fs::metadata(path).map_err(|e| format!("cannot read its attributes ({e}); a broken symbolic link?"))?;
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    if !is_executable(&meta) {
        return Err("not executable (no x permission bit; `chmod +x` it to have it run)".into());
    }
    Ok(())
}

#[cfg(unix)]
fn is_executable(meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(_meta: &fs::Metadata) -> bool {
    true
}

/// Spawns `cmd`, retrying a few times while the file is busy being written (ETXTBSY), which
/// also happens when another thread of this process forks while holding it open for writing.
fn spawn(mut cmd: Command) -> io::Result<Child> {
    const ETXTBSY: i32 = 26;
    let mut attempt = 0;
    loop {
        match cmd.spawn() {
            Err(e) if cfg!(unix) && e.raw_os_error() == Some(ETXTBSY) && attempt < 10 => {
                attempt += 1;
                thread::sleep(Duration::from_millis(10 * attempt));
            }
            other => return other,
        }
    }
}

/// Kills the hook and its process group, and reaps it.
fn kill(child: &mut Child) {
    #[cfg(unix)]
    {
        extern "C" {
            fn kill(pid: i32, sig: i32) -> i32;
        }
        const SIGKILL: i32 = 9;
        if let Ok(pid) = i32::try_from(child.id()) {
            // SAFETY: kill(2) takes two integers and touches no memory. The child is not reaped
            // yet, so its pid, which is its process group id (process_group(0)), is still ours.
            unsafe {
                kill(-pid, SIGKILL);
            }
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Logs the lines of one output stream of a hook in a thread; signals `done` at end of file.
fn pump<R: Read + Send + 'static>(
    stream: R,
    label: String,
    is_stderr: bool,
    tail: Option<Arc<Mutex<VecDeque<String>>>>,
    done: mpsc::Sender<()>,
) {
    thread::spawn(move || {
        let mut reader = BufReader::new(stream);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match reader.read_until(b'\n', &mut buf) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
            let line = line_text(&buf);
            if is_stderr {
                warn!("hook {label}: {line}");
            } else {
                info!("hook {label}: {line}");
            }
            if let Some(tail) = &tail {
                if let Ok(mut t) = tail.lock() {
                    if t.len() == STDERR_TAIL_LINES {
                        t.pop_front();
                    }
                    t.push_back(line);
                }
            }
        }
        let _ = done.send(());
    });
}

/// One line of hook output as text: end of line removed, invalid UTF-8 replaced, cut at
/// [`MAX_LINE`] bytes.
fn line_text(raw: &[u8]) -> String {
    let mut end = raw.len();
    while end > 0 && (raw[end - 1] == b'\n' || raw[end - 1] == b'\r') {
        end -= 1;
    }
    let mut s = String::from_utf8_lossy(&raw[..end]).into_owned();
    if s.len() > MAX_LINE {
        let mut cut = MAX_LINE;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s.push_str("...");
    }
    s
}

/// How a process ended, in words.
fn describe(status: ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("exited with status {code}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            return format!("was killed by signal {sig}");
        }
    }
    format!("ended abnormally ({status})")
}

/// A float as Go's `%f` prints it: six decimals.
fn go_float(v: f64) -> String {
    format!("{v:.6}")
}

/// An environment value cannot hold a NUL byte: drop them.
fn clean(v: &str) -> String {
    v.replace('\0', "")
}

/// The host name of this machine (what Go's `os.Hostname` returns), or "" if unknown.
pub fn local_hostname() -> String {
    for file in ["/proc/sys/kernel/hostname", "/etc/hostname"] {
        if let Ok(s) = fs::read_to_string(file) {
            let s = s.trim();
            if !s.is_empty() {
                return s.to_string();
            }
        }
    }
    std::env::var("HOSTNAME").unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::os::unix::fs::PermissionsExt;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A fresh empty directory under the system temp dir, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(tag: &str) -> TempDir {
            static N: AtomicUsize = AtomicUsize::new(0);
            let n = N.fetch_add(1, Ordering::Relaxed);
            let p = std::env::temp_dir().join(format!("ghost-rs-hooks-{tag}-{}-{n}", std::process::id()));
            let _ = fs::remove_dir_all(&p);
            fs::create_dir_all(&p).unwrap();
            TempDir(p)
        }
        fn path(&self) -> &Path {
            &self.0
        }
        /// Writes a script with the given mode.
        fn script(&self, name: &str, body: &str, mode: u32) -> PathBuf {
            let p = self.0.join(name);
            fs::write(&p, format!("#!/bin/sh\n{body}\n")).unwrap();
            fs::set_permissions(&p, fs::Permissions::from_mode(mode)).unwrap();
            p
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn ctx() -> HookContext {
        HookContext {
            database: "shop".into(),
            table: "orders".into(),
            ghost_table: "_orders_gho".into(),
            old_table: "_orders_del".into(),
            ddl: "ADD COLUMN note varchar(20) DEFAULT 'it''s'".into(),
            host: "replica-1.example.com".into(),
            port: 3307,
            applier_host: "master-1.example.com".into(),
            executing_host: "runner.example.com".into(),
            hint: "ticket 42".into(),
            hint_owner: "alice".into(),
            hint_token: "tok-123".into(),
            dry_run: true,
            revert: false,
        }
    }

    fn state() -> HookState {
        HookState {
            elapsed_seconds: 125,
            elapsed_copy_seconds: 100,
            copied_rows: 5000,
            estimated_rows: 10000,
            progress_pct: 50.0,
            inspected_lag_seconds: 0.25,
            heartbeat_lag_seconds: 1.5,
            status: "Copy: 5000/10000 50.0%; State: migrating".into(),
            etc_seconds: Some(100),
            last_interactive_command: Some("chunk-size=500".into()),
            last_error: Some("Error 1197: max_binlog_cache_size".into()),
            instant_ddl: false,
        }
    }

    fn hooks(dir: &TempDir) -> Hooks {
        Hooks::new(Some(dir.path().to_path_buf()), ctx())
    }

    fn as_map(env: Vec<(String, String)>) -> HashMap<String, String> {
        let n = env.len();
        let map: HashMap<_, _> = env.into_iter().collect();
        assert_eq!(map.len(), n, "a variable is set twice");
        map
    }

    /// Runs `hook` with a script that dumps its environment (NUL-separated), and parses it.
    fn env_seen_by_script(hook: Hook, state: &HookState) -> HashMap<String, String> {
        let dir = TempDir::new("envdump");
        let out = dir.path().join("env.out");
        let name = format!("gh-ost-{}", hook.name());
        dir.script(&name, &format!("env -0 > '{}'", out.display()), 0o755);
        hooks(&dir).run(hook, state).unwrap();
        let raw = fs::read(&out).unwrap();
        raw.split(|&b| b == 0)
            .filter(|kv| !kv.is_empty())
            .filter_map(|kv| {
                let kv = String::from_utf8_lossy(kv);
                kv.split_once('=').map(|(k, v)| (k.to_string(), v.to_string()))
            })
            .collect()
    }

    #[test]
    fn names_and_prefixes_are_gh_osts() {
        let names: Vec<_> = Hook::ALL.iter().map(|h| h.name()).collect();
        assert_eq!(
            names,
            [
                "on-startup",
                "on-validated",
                "on-rowcount-complete",
                "on-before-row-copy",
                "on-status",
                "on-interactive-command",
                "on-row-copy-complete",
                "on-begin-postponed",
                "on-before-cut-over",
                "on-success",
                "on-failure",
                "on-stop-replication",
                "on-start-replication",
                "on-batch-copy-retry",
            ]
        );
        assert_eq!(Hook::Startup.file_prefixes(), ["gh-ost-on-startup".to_string(), "ghost-rs-on-startup".into()]);
        assert_eq!(Hook::BeforeCutOver.to_string(), "on-before-cut-over");
        // No hook's prefix is a prefix of another's: a file never runs for two hooks.
        for a in Hook::ALL {
            for b in Hook::ALL {
                if a != b {
                    for (pa, pb) in a.file_prefixes().iter().zip(b.file_prefixes().iter()) {
                        assert!(!pb.starts_with(pa.as_str()), "{pa} / {pb}");
                    }
                }
            }
        }
    }

    #[test]
    fn no_dir_is_a_no_op() {
        let h = Hooks::new(None, ctx());
        assert!(h.run(Hook::Startup, &state()).is_ok());
        assert!(h.found().is_empty());
        let h = Hooks::new(Some(PathBuf::new()), ctx());
        assert!(h.dir().is_none());
        assert!(h.run(Hook::Failure, &state()).is_ok());
    }

    #[test]
    fn missing_dir_runs_nothing() {
        let dir = TempDir::new("missing");
        let h = Hooks::new(Some(dir.path().join("nope")), ctx());
        assert!(h.run(Hook::Startup, &state()).is_ok());
        assert!(h.found().is_empty());
    }

    #[test]
    fn both_prefixes_run_gh_ost_first_each_by_name() {
        let dir = TempDir::new("order");
        let log = dir.path().join("order.log");
        let body = |tag: &str| format!("echo {tag} >> '{}'", log.display());
        dir.script("ghost-rs-on-startup", &body("rs"), 0o755);
        dir.script("gh-ost-on-startup-b", &body("gh-b"), 0o755);
        dir.script("ghost-rs-on-startup-0", &body("rs-0"), 0o700);
        dir.script("gh-ost-on-startup", &body("gh"), 0o755);
        dir.script("gh-ost-on-startup-a", &body("gh-a"), 0o755);
        dir.script("gh-ost-on-status", &body("status"), 0o755);
        dir.script("gh-ost-on-startu", &body("not-a-hook"), 0o755);
        dir.script("x-gh-ost-on-startup", &body("not-a-hook-either"), 0o755);

        let h = hooks(&dir);
        h.run(Hook::Startup, &state()).unwrap();
        let ran = fs::read_to_string(&log).unwrap();
        assert_eq!(ran.lines().collect::<Vec<_>>(), ["gh", "gh-a", "gh-b", "rs", "rs-0"]);

        let found: Vec<String> =
            h.found().iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
        assert_eq!(
            found,
            [
                "gh-ost-on-startup",
                "gh-ost-on-startup-a",
                "gh-ost-on-startup-b",
                "ghost-rs-on-startup",
                "ghost-rs-on-startup-0",
                "gh-ost-on-status",
            ]
        );
        assert!(found.iter().all(|f| h.found().iter().any(|p| p.starts_with(dir.path()) && p.ends_with(f))));
    }

    #[test]
    fn non_executable_and_non_files_are_skipped() {
        let dir = TempDir::new("skip");
        let log = dir.path().join("ran.log");
        dir.script("gh-ost-on-success-1-plain", &format!("echo plain >> '{}'", log.display()), 0o644);
        dir.script("gh-ost-on-success-2-exec", &format!("echo exec >> '{}'", log.display()), 0o755);
        fs::create_dir(dir.path().join("gh-ost-on-success-3-dir")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("nowhere"), dir.path().join("gh-ost-on-success-4-broken")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("gh-ost-on-success-2-exec"), dir.path().join("ghost-rs-on-success"))
            .unwrap();

        let h = hooks(&dir);
        h.run(Hook::Success, &state()).unwrap();
        assert_eq!(fs::read_to_string(&log).unwrap(), "exec\nexec\n", "the symlink to an executable runs");
        let found: Vec<_> = h.found().iter().map(|p| p.file_name().unwrap().to_owned()).collect();
        assert_eq!(found, ["gh-ost-on-success-2-exec", "ghost-rs-on-success"]);

        let why = check_runnable(&dir.path().join("gh-ost-on-success-1-plain")).unwrap_err();
        assert!(why.contains("not executable"), "{why}");
        let why = check_runnable(&dir.path().join("gh-ost-on-success-3-dir")).unwrap_err();
        assert!(why.contains("not a regular file"), "{why}");
        assert!(check_runnable(&dir.path().join("gh-ost-on-success-4-broken")).is_err());
    }

    #[test]
    fn env_has_gh_osts_variables_with_gh_osts_formats() {
        let h = Hooks::new(None, ctx());
        let env = as_map(h.env(Hook::Startup, &state()));
        let expect = [
            ("GH_OST_DATABASE_NAME", "shop"),
            ("GH_OST_TABLE_NAME", "orders"),
            ("GH_OST_GHOST_TABLE_NAME", "_orders_gho"),
            ("GH_OST_OLD_TABLE_NAME", "_orders_del"),
            ("GH_OST_DDL", "ADD COLUMN note varchar(20) DEFAULT 'it''s'"),
            ("GH_OST_ELAPSED_SECONDS", "125.000000"),
            ("GH_OST_ELAPSED_COPY_SECONDS", "100.000000"),
            ("GH_OST_ESTIMATED_ROWS", "10000"),
            ("GH_OST_COPIED_ROWS", "5000"),
            ("GH_OST_MIGRATED_HOST", "master-1.example.com"),
            ("GH_OST_INSPECTED_HOST", "replica-1.example.com"),
            ("GH_OST_EXECUTING_HOST", "runner.example.com"),
            ("GH_OST_INSPECTED_LAG", "0.250000"),
            ("GH_OST_HEARTBEAT_LAG", "1.500000"),
            ("GH_OST_PROGRESS", "50.000000"),
            ("GH_OST_ETA_SECONDS", "100"),
            ("GH_OST_HOOKS_HINT", "ticket 42"),
            ("GH_OST_HOOKS_HINT_OWNER", "alice"),
            ("GH_OST_HOOKS_HINT_TOKEN", "tok-123"),
            ("GH_OST_DRY_RUN", "true"),
            ("GH_OST_REVERT", "false"),
            ("GHOST_RS_HOOK", "on-startup"),
            ("GHOST_RS_INSPECTED_PORT", "3307"),
        ];
        for (k, v) in expect {
            assert_eq!(env.get(k).map(String::as_str), Some(v), "{k}");
            if let Some(rest) = k.strip_prefix("GH_OST_") {
                assert_eq!(env.get(&format!("GHOST_RS_{rest}")).map(String::as_str), Some(v), "alias of {k}");
            }
        }
        // Hook-specific variables only on their hook.
        for k in ["COMMAND", "STATUS", "LAST_BATCH_COPY_ERROR", "INSTANT_DDL"] {
            assert!(!env.contains_key(&format!("GH_OST_{k}")), "{k} in on-startup");
            assert!(!env.contains_key(&format!("GHOST_RS_{k}")), "{k} in on-startup");
        }
        assert!(!env.contains_key("GHOST_RS_LAST_ERROR"));
        assert_eq!(env.len(), 21 * 2 + 2);
        assert!(env.keys().all(|k| !k.contains("PASSWORD")));
    }

    #[test]
    fn env_of_particular_hooks() {
        let h = Hooks::new(None, ctx());
        let st = state();

        let e = as_map(h.env(Hook::InteractiveCommand, &st));
        assert_eq!(e["GH_OST_COMMAND"], "'chunk-size'", "gh-ost quotes it and passes the name only");
        assert_eq!(e["GHOST_RS_COMMAND"], "chunk-size");
        assert_eq!(e["GHOST_RS_COMMAND_LINE"], "chunk-size=500");
        assert!(!e.contains_key("GH_OST_STATUS"));

        let e = as_map(h.env(Hook::Status, &st));
        assert_eq!(e["GH_OST_STATUS"], "'Copy: 5000/10000 50.0%; State: migrating'");
        assert_eq!(e["GHOST_RS_STATUS"], "Copy: 5000/10000 50.0%; State: migrating");
        assert!(!e.contains_key("GH_OST_COMMAND"));

        let e = as_map(h.env(Hook::BatchCopyRetry, &st));
        assert_eq!(e["GH_OST_LAST_BATCH_COPY_ERROR"], "Error 1197: max_binlog_cache_size");
        assert_eq!(e["GHOST_RS_LAST_BATCH_COPY_ERROR"], "Error 1197: max_binlog_cache_size");
        assert_eq!(e["GHOST_RS_LAST_ERROR"], "Error 1197: max_binlog_cache_size");

        let e = as_map(h.env(Hook::Success, &HookState { instant_ddl: true, ..st.clone() }));
        assert_eq!(e["GH_OST_INSTANT_DDL"], "true");
        assert_eq!(e["GHOST_RS_INSTANT_DDL"], "true");
        assert!(!e.contains_key("GHOST_RS_LAST_ERROR"));

        let e = as_map(h.env(Hook::Failure, &st));
        assert_eq!(e["GHOST_RS_LAST_ERROR"], "Error 1197: max_binlog_cache_size");
        assert!(!e.contains_key("GH_OST_LAST_BATCH_COPY_ERROR"));

        // Unknown ETA is gh-ost's math.MinInt64; defaults format like Go's.
        let e = as_map(h.env(Hook::Validated, &HookState::default()));
        assert_eq!(e["GH_OST_ETA_SECONDS"], "-9223372036854775808");
        assert_eq!(e["GH_OST_PROGRESS"], "0.000000");
        assert_eq!(e["GH_OST_ELAPSED_SECONDS"], "0.000000");
        assert_eq!(e["GH_OST_COPIED_ROWS"], "0");

        // Missing command: empty quotes, as gh-ost would give for an empty command.
        let e = as_map(h.env(Hook::InteractiveCommand, &HookState::default()));
        assert_eq!(e["GH_OST_COMMAND"], "''");
    }

    #[test]
    fn executing_host_defaults_to_this_machine() {
        let h = Hooks::new(None, HookContext { executing_host: String::new(), ..ctx() });
        assert_eq!(h.context().executing_host, local_hostname());
        let e = as_map(h.env(Hook::Startup, &state()));
        assert_eq!(e["GH_OST_EXECUTING_HOST"], local_hostname());
    }

    #[test]
    fn script_sees_the_variables_and_the_process_environment() {
        let st = state();
        let seen = env_seen_by_script(Hook::InteractiveCommand, &st);
        let h = Hooks::new(None, ctx());
        for (k, v) in h.env(Hook::InteractiveCommand, &st) {
            assert_eq!(seen.get(&k), Some(&v), "{k}");
        }
        assert_eq!(seen["GH_OST_COMMAND"], "'chunk-size'");
        assert_eq!(seen["GH_OST_DDL"], "ADD COLUMN note varchar(20) DEFAULT 'it''s'");
        // The process's own environment is inherited.
        if let Ok(path) = std::env::var("PATH") {
            assert_eq!(seen.get("PATH"), Some(&path));
        }
    }

    #[test]
    fn passwords_are_removed_from_the_environment() {
        let dir = TempDir::new("pw");
        let h = hooks(&dir);
        let cmd = h.command(&dir.path().join("gh-ost-on-startup"), &h.env(Hook::Startup, &state()));
        let envs: Vec<_> = cmd.get_envs().collect();
        for name in STRIPPED_ENV {
            assert!(envs.iter().any(|(k, v)| *k == std::ffi::OsStr::new(name) && v.is_none()), "{name} is not removed");
        }
        assert!(envs.iter().any(|(k, v)| *k == "GH_OST_TABLE_NAME" && v.map(|v| v == "orders") == Some(true)));
    }

    #[test]
    fn a_failing_hook_returns_its_status_and_stderr_and_stops_the_rest() {
        let dir = TempDir::new("fail");
        let log = dir.path().join("ran.log");
        dir.script(
            "gh-ost-on-validated-1",
            "echo 'to stdout'\nfor i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo \"err line $i\" >&2; done\nexit 3",
            0o755,
        );
        dir.script("gh-ost-on-validated-2", &format!("echo ran >> '{}'", log.display()), 0o755);
        let err = hooks(&dir).run(Hook::Validated, &state()).unwrap_err();
        assert_eq!(err.hook, Hook::Validated);
        assert_eq!(err.file, dir.path().join("gh-ost-on-validated-1"));
        assert!(err.message.contains(&dir.path().join("gh-ost-on-validated-1").display().to_string()), "{err}");
        assert!(err.message.contains("exited with status 3"), "{err}");
        assert!(err.message.contains("err line 12"), "{err}");
        assert!(err.message.contains("err line 3 |"), "the last 10 lines: {err}");
        assert!(!err.message.contains("err line 2 |"), "only the last 10 lines: {err}");
        assert!(!err.message.contains("to stdout"), "{err}");
        assert!(err.to_string().starts_with("on-validated hook failed: hook "), "{err}");
        assert!(!log.exists(), "the hooks after a failed one do not run");
    }

    #[test]
    fn a_failing_hook_without_stderr_says_so() {
        let dir = TempDir::new("failquiet");
        dir.script("ghost-rs-on-before-cut-over", "exit 1", 0o755);
        let err = hooks(&dir).run(Hook::BeforeCutOver, &state()).unwrap_err();
        assert!(err.message.contains("exited with status 1 (no stderr output)"), "{err}");
    }

    #[test]
    fn a_hook_killed_by_a_signal_fails() {
        let dir = TempDir::new("signal");
        dir.script("gh-ost-on-status", "kill -9 $$", 0o755);
        let err = hooks(&dir).run(Hook::Status, &state()).unwrap_err();
        assert!(err.message.contains("killed by signal 9"), "{err}");
    }

    #[test]
    fn a_hook_that_cannot_start_fails() {
        let dir = TempDir::new("nostart");
        let p = dir.path().join("gh-ost-on-startup");
        fs::write(&p, "#!/no/such/interpreter\n").unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o755)).unwrap();
        let err = hooks(&dir).run(Hook::Startup, &state()).unwrap_err();
        assert!(err.message.contains("could not be started"), "{err}");
    }

    #[test]
    fn a_hanging_hook_is_killed_at_the_timeout_with_its_children() {
        let dir = TempDir::new("hang");
        let pidfile = dir.path().join("child.pid");
        dir.script(
            "gh-ost-on-before-row-copy",
            &format!("echo starting\nsleep 30 &\necho $! > '{}'\nwait", pidfile.display()),
            0o755,
        );
        let h = hooks(&dir).with_timeout(Duration::from_millis(500));
        assert_eq!(h.timeout(), Duration::from_millis(500));
        let t = Instant::now();
        let err = h.run(Hook::BeforeRowCopy, &state()).unwrap_err();
        let took = t.elapsed();
        assert!(took >= Duration::from_millis(500), "{took:?}");
        assert!(took < Duration::from_secs(5), "{took:?}");
        assert!(err.message.contains("did not finish within 500ms and was killed"), "{err}");

        // The hook's own child (`sleep 30`), in the hook's process group, is killed too.
        let pid = fs::read_to_string(&pidfile).unwrap().trim().to_string();
        let proc_dir = PathBuf::from(format!("/proc/{pid}"));
        if Path::new("/proc/self").exists() {
            let gone = (0..200).any(|_| {
                let stat = fs::read_to_string(proc_dir.join("stat")).unwrap_or_default();
                let dead = stat.is_empty() || stat.split(") ").nth(1).is_some_and(|s| s.starts_with('Z'));
                if !dead {
                    thread::sleep(Duration::from_millis(10));
                }
                dead
            });
            assert!(gone, "sleep {pid} still runs");
        }
    }

    #[test]
    fn a_background_child_holding_the_output_does_not_block() {
        let dir = TempDir::new("bg");
        dir.script("gh-ost-on-row-copy-complete", "sleep 3 &\necho done", 0o755);
        let t = Instant::now();
        hooks(&dir).run(Hook::RowCopyComplete, &state()).unwrap();
        assert!(t.elapsed() < Duration::from_millis(2500), "{:?}", t.elapsed());
    }

    #[test]
    fn lots_of_output_does_not_block() {
        let dir = TempDir::new("big");
        // ~1.3 MB on each stream, more than any pipe buffer.
        dir.script(
            "gh-ost-on-success",
            "i=0; while [ $i -lt 20000 ]; do echo \"line $i of a rather long output, to fill the pipe\"; \
             echo \"err $i of a rather long output, to fill the pipe too\" >&2; i=$((i+1)); done",
            0o755,
        );
        hooks(&dir).with_timeout(Duration::from_secs(30)).run(Hook::Success, &state()).unwrap();
    }

    #[test]
    fn lines_are_cleaned_and_cut() {
        assert_eq!(line_text(b"abc\r\n"), "abc");
        assert_eq!(line_text(b"abc"), "abc");
        assert_eq!(line_text(b"a\xffb\n"), "a\u{fffd}b");
        let long = "é".repeat(MAX_LINE);
        let cut = line_text(long.as_bytes());
        assert!(cut.len() <= MAX_LINE + 3 && cut.ends_with("..."));
        assert_eq!(clean("a\0b"), "ab");
        assert_eq!(go_float(1.0 / 3.0), "0.333333");
    }
}
