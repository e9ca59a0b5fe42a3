//! ghost-rs: triggerless online schema change for MySQL and MariaDB.
//!
//! `main` parses the command line (gh-ost's flags, [`cli`]), resolves the credentials (flag,
//! `GHOST_RS_PASSWORD`, or the `[client]` section of `--conf`), builds the [`config::Config`]
//! and hands it to the [`migrator`]. It is the one place that prints an error and chooses the
//! exit code: 0 done, 1 refused or failed, 2 bad usage.
//!
//! Reading order for a newcomer: `migrator.rs` (the phases), then `inspector.rs`,
//! `applier/` (copy and apply), `streamer/` (binlog), `cutover.rs`.

mod alter;
mod applier;
mod argv;
mod checkpoint;
mod checksum;
mod cli;
mod config;
mod cutover;
mod db;
mod disk;
mod error;
mod fault;
mod hooks;
mod inspector;
mod lossy;
mod messages;
mod metrics;
mod migrator;
mod optionfile;
mod plan;
mod progress;
mod schema;
mod server;
mod sql;
mod streamer;
mod throttler;

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::cli::{Args, Secret};
use crate::error::Error;

fn main() {
    // First of all: take passwords given on the command line out of the process list.
    argv::hide_password_values();
    let args = match Args::parse_from_env() {
        Ok(a) => a,
        Err(e) => e.exit(), // clap prints; exit 2 (0 for --help/--version)
    };
    if args.check_flag {
        std::process::exit(0);
    }
    init_logging(&args);
    let code = match run(&args) {
        Ok(()) => 0,
        Err(e) => {
            log::logger().flush();
            let _ = writeln!(std::io::stderr(), "ghost-rs: error: {e}");
            e.exit_code()
        }
    };
    std::process::exit(code);
}

fn run(args: &Args) -> Result<(), Error> {
    if args.password.is_some() && argv::password_was_on_command_line() {
        log::warn!("a password on the command line can be seen by other users while ghost-rs starts; prefer --conf or GHOST_RS_PASSWORD");
    }
    let (user, password) = credentials(args)?;
    let cfg = config::Config::from_args(args, user, password)?;
    let interrupted = Arc::new(AtomicBool::new(false));
    let flag = interrupted.clone();
    ctrlc::set_handler(move || {
        if flag.swap(true, Ordering::SeqCst) {
            // a second signal: the operator insists
            let _ = writeln!(std::io::stderr(), "ghost-rs: interrupted twice, exiting now");
            std::process::exit(130);
        }
        let _ =
            writeln!(std::io::stderr(), "ghost-rs: interrupted; stopping cleanly (the original table is untouched)");
    })
    .map_err(|e| Error::failed(format!("cannot install the signal handler: {e}")))?;
    migrator::run(cfg, interrupted)
}

/// User and password: the flags (or `GHOST_RS_PASSWORD`) first, then `--conf`.
fn credentials(args: &Args) -> Result<(String, Secret), Error> {
    let from_file = match &args.conf {
        Some(path) => optionfile::read_client_section(path)?,
        None => optionfile::ClientSection::default(),
    };
    let user = args.user.clone().or(from_file.user).unwrap_or_else(|| "root".to_string());
    let password = args.password.clone().or(from_file.password.map(Secret::new)).unwrap_or_else(|| Secret::new(""));
    Ok((user, password))
}

fn init_logging(args: &Args) {
    let level = if args.debug {
        log::LevelFilter::Debug
    } else if args.quiet {
        log::LevelFilter::Error
    } else {
        log::LevelFilter::Info
    };
    env_logger::Builder::new()
        .filter_level(level)
        .filter_module("mysql", log::LevelFilter::Warn)
        .filter_module("mysql_common", log::LevelFilter::Warn)
        .parse_env("GHOST_RS_LOG")
        .format_timestamp_millis()
        .format_target(false)
        .init();
}
