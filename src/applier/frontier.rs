//! The copy frontier: which binlog changes the apply may leave to the row copy.
//!
//! A change to a row the copy has not reached yet need not be applied: the chunk that will
//! copy that row reads it later, with a locking read, and so copies the row as the change left
//! it. The change's event is in the binlog, so its transaction has committed or still holds
//! its row locks (a binlog event can be visible before its commit is), and the chunk's locking
//! read waits for them. Skipping those changes halves the apply's work under a uniform write
//! load and keeps the apply's writes away from the rows the copy is about to write (their lock
//! waits collapsed the copy's chunk size under load, see doc/performance.md).
//!
//! The rule, for a change to key `k` decided when the apply receives it:
//! * skip it only if `k` is above the upper bound of every chunk handed to a copy worker so far
//!   (a chunk handed out may have read `k` already: its change must be applied) and at most the
//!   largest key the copy will read (rows above it come only through the binlog);
//! * the copy publishes a chunk's upper bound *before* it hands the chunk to a worker, so a
//!   chunk whose read can include `k` starts only after every decision that skipped `k`;
//! * a key once applied is never skipped later: the frontier is set up before the apply sees
//!   its first change and only moves up, so every earlier change to a skipped key was skipped
//!   too and the ghost has no stale row that `INSERT IGNORE` would keep.
//!
//! It applies only to a fresh run (a resumed one may have ghost rows above its watermark from
//! the interrupted run), to keys of integer columns (compared exactly as the server does), and
//! when the ghost has no other unique key (two rows could contend for one of its values in an
//! order that only applying every change keeps, see [`Plan::keys_independent`]).
//!
//! Talks to: nobody; the copy moves it, the apply reads it (one mutex, taken once per change).

use std::sync::Mutex;

use mysql::Value;

use crate::plan::Plan;
use crate::schema::Kind;

/// A key of integer columns, comparable as the server compares it (tuples lexicographically).
pub type IntKey = Vec<i128>;

/// The part of the key range the copy has not handed out yet: `(next, max]` (`[next, max]`
/// before the first chunk).
#[derive(Debug, Clone, PartialEq)]
struct Ahead {
    next: IntKey,
    inclusive: bool,
    max: IntKey,
}

/// Shared by the copy (which moves it) and the apply (which asks it). Without a range (not
/// eligible, resumed, empty table) nothing is skipped.
#[derive(Debug, Default)]
pub struct Frontier {
    ahead: Mutex<Option<Ahead>>,
}

impl Frontier {
    /// Whether a plan's changes may be left to the copy at all (see the module comment).
    pub fn eligible(plan: &Plan) -> bool {
        plan.keys_independent() && plan.key_columns().all(|c| matches!(c.orig.kind, Kind::Int { .. }))
    }

    /// Sets up the range still to copy, `[min, max]`, before the apply sees any change.
    pub fn start(&self, min: &[Value], max: &[Value]) {
        if let (Some(next), Some(max)) = (int_key(min), int_key(max)) {
            *self.lock() = Some(Ahead { next, inclusive: true, max });
        }
    }

    /// The copy is about to hand out a chunk that ends at `upper` (inclusive).
    pub fn handing_out(&self, upper: &[Value]) {
        let mut a = self.lock();
        match (a.as_mut(), int_key(upper)) {
            (Some(a), Some(k)) => {
                a.next = k;
                a.inclusive = false;
            }
            // not comparable: skip nothing from now on
            (Some(_), None) => *a = None,
            (None, _) => {}
        }
    }

    /// Whether the change to the key with these values may be left to the copy.
    pub fn leave_to_copy(&self, key: &[&Value]) -> bool {
        let Some(k) = int_key_refs(key) else { return false };
        match &*self.lock() {
            Some(a) => (if a.inclusive { k >= a.next } else { k > a.next }) && k <= a.max,
            None => false,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Ahead>> {
        self.ahead.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn int_key(values: &[Value]) -> Option<IntKey> {
    int_key_refs(&values.iter().collect::<Vec<_>>())
}

fn int_key_refs(values: &[&Value]) -> Option<IntKey> {
    values
        .iter()
        .map(|v| match v {
            Value::Int(i) => Some(*i as i128),
            Value::UInt(u) => Some(*u as i128),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(min: &[Value], max: &[Value]) -> Frontier {
        let f = Frontier::default();
        f.start(min, max);
        f
    }

    #[test]
    fn before_the_first_chunk_the_whole_range_is_ahead() {
        let fr = f(&[Value::Int(-5)], &[Value::Int(100)]);
        assert!(fr.leave_to_copy(&[&Value::Int(-5)]), "the smallest key is copied by the first chunk");
        assert!(fr.leave_to_copy(&[&Value::Int(100)]), "the largest key is copied");
        assert!(!fr.leave_to_copy(&[&Value::Int(-6)]), "below the range: only the binlog brings it");
        assert!(!fr.leave_to_copy(&[&Value::Int(101)]), "above the range: only the binlog brings it");
    }

    #[test]
    fn a_chunk_handed_out_is_applied_from_then_on() {
        let fr = f(&[Value::Int(1)], &[Value::Int(100)]);
        fr.handing_out(&[Value::Int(10)]);
        assert!(!fr.leave_to_copy(&[&Value::Int(10)]), "the upper bound is in the chunk handed out");
        assert!(!fr.leave_to_copy(&[&Value::Int(1)]));
        assert!(fr.leave_to_copy(&[&Value::Int(11)]));
        fr.handing_out(&[Value::Int(100)]);
        assert!(!fr.leave_to_copy(&[&Value::Int(100)]), "the last chunk handed out: nothing is left");
        assert!(!fr.leave_to_copy(&[&Value::Int(50)]));
    }

    #[test]
    fn unsigned_keys_above_2_63_and_composite_keys_compare_as_the_server_does() {
        let fr = f(&[Value::UInt(1)], &[Value::UInt(u64::MAX)]);
        fr.handing_out(&[Value::UInt(1 << 63)]);
        assert!(fr.leave_to_copy(&[&Value::UInt((1 << 63) + 1)]));
        assert!(!fr.leave_to_copy(&[&Value::UInt(1 << 62)]));
        // (a, b) tuples: lexicographic
        let fr = f(&[Value::Int(1), Value::Int(1)], &[Value::Int(9), Value::Int(9)]);
        fr.handing_out(&[Value::Int(3), Value::Int(5)]);
        assert!(!fr.leave_to_copy(&[&Value::Int(3), &Value::Int(5)]));
        assert!(!fr.leave_to_copy(&[&Value::Int(2), &Value::Int(9)]));
        assert!(fr.leave_to_copy(&[&Value::Int(3), &Value::Int(6)]));
        assert!(fr.leave_to_copy(&[&Value::Int(4), &Value::Int(0)]));
        assert!(!fr.leave_to_copy(&[&Value::Int(9), &Value::Int(10)]), "above the largest key");
    }

    #[test]
    fn without_a_range_or_with_other_values_nothing_is_left() {
        let fr = Frontier::default();
        assert!(!fr.leave_to_copy(&[&Value::Int(5)]), "not started (resumed, not eligible)");
        let fr = f(&[Value::Int(1)], &[Value::Int(100)]);
        assert!(!fr.leave_to_copy(&[&Value::NULL]));
        assert!(!fr.leave_to_copy(&[&Value::Bytes(b"5".to_vec())]));
        fr.handing_out(&[Value::Bytes(b"7".to_vec())]);
        assert!(!fr.leave_to_copy(&[&Value::Int(50)]), "an incomparable bound turns it off for good");
        let fr = Frontier::default();
        fr.start(&[Value::Bytes(b"a".to_vec())], &[Value::Int(3)]);
        assert!(!fr.leave_to_copy(&[&Value::Int(2)]));
    }
}
