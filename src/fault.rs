//! Named failure points, for tests only.
//!
//! `GHOST_RS_FAULTS="point=action[,point=action...]"` makes [`point`] act at the named place;
//! without the variable every point is a no-op (one relaxed load). Actions:
//!
//! * `sleep:MS` — pause there (to widen a window a test wants to hit, e.g. hold the cut-over
//!   lock long enough to kill the lock session);
//! * `fail` — return a transient error from there;
//! * `crash` — abort the process at once, as SIGKILL would (no cleanup, no unlock);
//! * `value:N` — not an action: [`value`] returns N there (e.g. `disk.free=value:1000` makes
//!   the free-disk check see 1,000 bytes free);
//!
//! each optionally followed by `:once` (act the first time only) or `@N` (act from the N-th
//! time the point is reached, e.g. `copy.chunk=crash@40`: crash in the 40th chunk).
//!
//! Points: `copy.chunk` (after a chunk is copied), `apply.batch` (after a batch commits),
//! `cutover.locked` (the original is locked, before the final changes are applied),
//! `cutover.renamed` (the tables are swapped, before the cleanup), `cutover.twostep.between`
//! (the two-step cut-over has renamed the original away, not yet the ghost in),
//! `deferred.built` (the deferred indexes are built, their record not yet removed),
//! `checkpoint.written` (after a checkpoint is recorded; a failure there is logged and the run
//! goes on). Values:
//! `disk.free` (free bytes the disk check sees).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

use crate::error::{Error, Result};

#[derive(Debug)]
struct Fault {
    action: Action,
    once: bool,
    fired: AtomicBool,
    /// Act from this hit on (1 = the first).
    from_hit: u64,
    hits: AtomicU64,
}

#[derive(Debug, Clone, PartialEq)]
enum Action {
    Sleep(Duration),
    Fail,
    Crash,
    Value(u64),
}

fn faults() -> &'static HashMap<String, Fault> {
    static FAULTS: OnceLock<HashMap<String, Fault>> = OnceLock::new();
    FAULTS.get_or_init(|| std::env::var("GHOST_RS_FAULTS").map(|v| parse(&v)).unwrap_or_default())
}

fn parse(spec: &str) -> HashMap<String, Fault> {
    let mut out = HashMap::new();
    for item in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let Some((name, action)) = item.split_once('=') else { continue };
        let (action, from_hit) = match action.split_once('@') {
            Some((a, n)) => (a, n.parse().unwrap_or(1)),
            None => (action, 1),
        };
        let mut parts: Vec<&str> = action.split(':').collect();
        let once = parts.last() == Some(&"once");
        if once {
            parts.pop();
        }
        let action = match parts.as_slice() {
            ["sleep", ms] => ms.parse().ok().map(|ms| Action::Sleep(Duration::from_millis(ms))),
            ["fail"] => Some(Action::Fail),
            ["crash"] => Some(Action::Crash),
            ["value", n] => n.parse().ok().map(Action::Value),
            _ => None,
        };
        if let Some(action) = action {
            out.insert(
                name.trim().to_string(),
                Fault { action, once, fired: AtomicBool::new(false), from_hit, hits: AtomicU64::new(0) },
            );
        }
    }
    out
}

/// Acts as configured for `name` (see the module doc); a no-op in production.
pub fn point(name: &str) -> Result<()> {
    let Some(f) = faults().get(name) else { return Ok(()) };
    if f.hits.fetch_add(1, Ordering::SeqCst) + 1 < f.from_hit {
        return Ok(());
    }
    if f.once && f.fired.swap(true, Ordering::SeqCst) {
        return Ok(());
    }
    log::warn!("fault injection: {name} -> {:?}", f.action);
    match &f.action {
        Action::Sleep(d) => {
            std::thread::sleep(*d);
            Ok(())
        }
        Action::Fail => Err(Error::failed(format!("injected failure at {name}")).transient()),
        Action::Crash => std::process::abort(),
        Action::Value(_) => Ok(()),
    }
}

/// The value configured for `name` (`name=value:N`); `None` in production.
pub fn value(name: &str) -> Option<u64> {
    match faults().get(name)?.action {
        Action::Value(v) => {
            log::warn!("fault injection: {name} -> {v}");
            Some(v)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsing() {
        let f =
            parse("cutover.locked=sleep:3000:once, copy.chunk=fail,x=bogus,apply.batch=crash@7,disk.free=value:1000");
        assert_eq!(f["disk.free"].action, Action::Value(1000));
        assert_eq!(f["apply.batch"].from_hit, 7);
        assert_eq!(f["copy.chunk"].from_hit, 1);
        assert_eq!(f["cutover.locked"].action, Action::Sleep(Duration::from_millis(3000)));
        assert!(f["cutover.locked"].once);
        assert_eq!(f["copy.chunk"].action, Action::Fail);
        assert!(!f["copy.chunk"].once);
        assert_eq!(f["apply.batch"].action, Action::Crash);
        assert!(!f.contains_key("x"));
    }
}
