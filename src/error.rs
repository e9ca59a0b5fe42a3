//! One error type for the whole program, and the exit codes.
//!
//! Every failure travels up as an [`Error`] that says *what* is wrong (`message`), *where*
//! (a stack of `context` lines: the phase, the server, the table, the query) and *how to fix it*
//! (`hint`). `main` is the only place that prints it and chooses the exit code.
//!
//! Errors are either definite (retrying cannot help: a refusal, a syntax error, a missing table)
//! or transient (a deadlock, a lock wait timeout, a lost connection): see [`Error::is_transient`].
//! Only transient errors are retried, and only where the caller says a retry is safe.
//!
//! Passwords never reach an error: connection errors are built from the server's reply, which
//! names the user and host, never the password.

use std::fmt;

/// Exit code of a refused or failed migration.
pub const EXIT_FAILED: i32 = 1;
/// Exit code of bad command-line usage.
pub const EXIT_USAGE: i32 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Bad command line: exit 2.
    Usage,
    /// A check refused the migration before anything was changed.
    Refused,
    /// Something failed while running.
    Failed,
    /// The operator asked to stop (Ctrl-C, `panic`, panic flag file).
    Aborted,
}

#[derive(Debug)]
pub struct Error {
    pub kind: Kind,
    pub message: String,
    pub context: Vec<String>,
    pub hint: Option<String>,
    /// MySQL error number, when the server gave one.
    pub code: Option<u16>,
    transient: bool,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    fn new(kind: Kind, message: impl Into<String>) -> Self {
        Error { kind, message: message.into(), context: Vec::new(), hint: None, code: None, transient: false }
    }
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Kind::Usage, message)
    }
    pub fn refused(message: impl Into<String>) -> Self {
        Self::new(Kind::Refused, message)
    }
    pub fn failed(message: impl Into<String>) -> Self {
        Self::new(Kind::Failed, message)
    }
    pub fn aborted(message: impl Into<String>) -> Self {
        Self::new(Kind::Aborted, message)
    }
    /// Adds the "how to fix it" line.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
    /// Adds to the "how to fix it" line (after what is already there).
    pub fn add_hint(mut self, more: impl Into<String>) -> Self {
        let more = more.into();
        self.hint = Some(match self.hint.take() {
            Some(h) => format!("{h}\n  then: {more}"),
            None => more,
        });
        self
    }

    /// Adds a "while ..." line (innermost first).
    pub fn context(mut self, context: impl Into<String>) -> Self {
        self.context.push(context.into());
        self
    }
    pub fn transient(mut self) -> Self {
        self.transient = true;
        self
    }
    /// True when retrying the same operation may succeed (deadlock, lock wait timeout, lost
    /// connection, server going away). Refusals and syntax errors are never transient.
    pub fn is_transient(&self) -> bool {
        self.transient
    }
    pub fn exit_code(&self) -> i32 {
        match self.kind {
            Kind::Usage => EXIT_USAGE,
            _ => EXIT_FAILED,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)?;
        for c in &self.context {
            write!(f, "\n  while {c}")?;
        }
        if let Some(h) = &self.hint {
            write!(f, "\n  fix: {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// MySQL error numbers after which the same statement may succeed when retried.
const TRANSIENT_CODES: &[u16] = &[
    1040, // too many connections
    1053, // server shutdown in progress
    1205, // lock wait timeout
    1213, // deadlock
    1317, // query interrupted
    1927, // connection killed (MariaDB)
    2006, // server has gone away
    2013, // lost connection
    3024, // query execution was interrupted, max_execution_time
];

impl From<mysql::Error> for Error {
    fn from(e: mysql::Error) -> Self {
        match &e {
            mysql::Error::MySqlError(me) => {
                let mut err = Error::failed(format!("server error {} ({}): {}", me.code, me.state, me.message));
                err.code = Some(me.code);
                err.transient = TRANSIENT_CODES.contains(&me.code);
                err
            }
            mysql::Error::IoError(io) => Error::failed(format!("connection error: {io}")).transient(),
            // the wire protocol broke off (e.g. the connection was killed mid-packet): a new
            // connection is the cure; a packet over max_allowed_packet is not
            mysql::Error::CodecError(c) => {
                let err = Error::failed(format!("connection error: {c}"));
                if matches!(c, mysql_common::proto::codec::error::PacketCodecError::PacketTooLarge) {
                    err.hint("raise max_allowed_packet on the server and in the session")
                } else {
                    err.transient()
                }
            }
            mysql::Error::DriverError(d) => {
                let msg = format!("client error: {d}");
                let transient = matches!(
                    d,
                    mysql::DriverError::ConnectTimeout
                        | mysql::DriverError::PacketOutOfSync
                        | mysql::DriverError::UnexpectedPacket
                );
                let err = Error::failed(msg);
                if transient {
                    err.transient()
                } else {
                    err
                }
            }
            other => Error::failed(format!("{other}")),
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::failed(format!("I/O error: {e}"))
    }
}

/// Adds a "while ..." line to the error of a `Result`.
pub trait Context<T> {
    fn context(self, what: impl Into<String>) -> Result<T>;
    fn with_context<F: FnOnce() -> String>(self, f: F) -> Result<T>;
}

impl<T, E: Into<Error>> Context<T> for std::result::Result<T, E> {
    fn context(self, what: impl Into<String>) -> Result<T> {
        self.map_err(|e| e.into().context(what))
    }
    fn with_context<F: FnOnce() -> String>(self, f: F) -> Result<T> {
        self.map_err(|e| e.into().context(f()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_has_message_context_and_hint() {
        let e = Error::refused("table `d`.`t` has a trigger")
            .context("inspecting `d`.`t` on 127.0.0.1:3306")
            .hint("drop the trigger or use pt-online-schema-change");
        let s = e.to_string();
        assert!(s.starts_with("table `d`.`t` has a trigger"));
        assert!(s.contains("\n  while inspecting `d`.`t` on 127.0.0.1:3306"));
        assert!(s.ends_with("\n  fix: drop the trigger or use pt-online-schema-change"));
        assert_eq!(e.exit_code(), EXIT_FAILED);
        assert_eq!(Error::usage("x").exit_code(), EXIT_USAGE);
    }

    #[test]
    fn transient_classification() {
        let deadlock = mysql::Error::MySqlError(mysql::MySqlError {
            state: "40001".into(),
            message: "Deadlock found".into(),
            code: 1213,
        });
        let e: Error = deadlock.into();
        assert!(e.is_transient());
        assert_eq!(e.code, Some(1213));
        let syntax = mysql::Error::MySqlError(mysql::MySqlError {
            state: "42000".into(),
            message: "You have an error in your SQL syntax".into(),
            code: 1064,
        });
        let e: Error = syntax.into();
        assert!(!e.is_transient());
        use mysql_common::proto::codec::error::PacketCodecError;
        let cut = mysql::Error::CodecError(PacketCodecError::Io(std::io::Error::other("bytes remaining on stream")));
        assert!(Error::from(cut).is_transient(), "a connection cut mid-packet is retried on a new connection");
        assert!(!Error::from(mysql::Error::CodecError(PacketCodecError::PacketTooLarge)).is_transient());
    }
}
