//! The values that travel on channels between components, so that a sender and its receiver
//! depend on these types and not on each other.
//!
//! ```text
//! streamer --StreamMsg--> apply loop --Applied--> migrator
//! ```

use mysql::Value;

use crate::db::BinlogPos;

/// One row change to the original table, decoded from a binlog row image into the values of the
/// shared columns (in [`crate::plan::Plan::columns`] order), ready to be written to the ghost.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// Write this full row (an INSERT, or the after image of an UPDATE).
    Replace { key: KeyBytes, row: Vec<Value> },
    /// Remove the row with this key (a DELETE, or the before image of an UPDATE that changed
    /// the key). `values` are the key columns' values.
    Delete { key: KeyBytes, values: Vec<Value> },
}

impl Change {
    pub fn key(&self) -> &KeyBytes {
        match self {
            Change::Replace { key, .. } | Change::Delete { key, .. } => key,
        }
    }

    /// Roughly the memory this change holds (for the streamer's back-pressure budget).
    pub fn approx_bytes(&self) -> u64 {
        let (key, values) = match self {
            Change::Replace { key, row } => (key, row),
            Change::Delete { key, values } => (key, values),
        };
        let vals: usize = values
            .iter()
            .map(|v| std::mem::size_of::<Value>() + if let Value::Bytes(b) = v { b.len() } else { 0 })
            .sum();
        (64 + key.len() + vals) as u64
    }
}

/// The exact bytes of a key tuple: two changes coalesce only when their keys are byte-identical
/// (keys that a collation makes equal keep their binlog order instead).
pub type KeyBytes = Box<[u8]>;

/// Encodes key values into comparable bytes (type tag + length + value).
pub fn key_bytes(values: &[&Value]) -> KeyBytes {
    let mut out = Vec::with_capacity(16 * values.len());
    for v in values {
        match v {
            Value::NULL => out.push(0),
            Value::Bytes(b) => {
                out.push(1);
                out.extend_from_slice(&(b.len() as u32).to_le_bytes());
                out.extend_from_slice(b);
            }
            Value::Int(i) => {
                out.push(2);
                out.extend_from_slice(&i.to_le_bytes());
            }
            Value::UInt(u) => {
                out.push(3);
                out.extend_from_slice(&u.to_le_bytes());
            }
            Value::Float(f) => {
                out.push(4);
                out.extend_from_slice(&f.to_bits().to_le_bytes());
            }
            Value::Double(f) => {
                out.push(5);
                out.extend_from_slice(&f.to_bits().to_le_bytes());
            }
            Value::Date(y, mo, d, h, mi, s, us) => {
                out.push(6);
                out.extend_from_slice(&y.to_le_bytes());
                out.extend_from_slice(&[*mo, *d, *h, *mi, *s]);
                out.extend_from_slice(&us.to_le_bytes());
            }
            Value::Time(neg, d, h, mi, s, us) => {
                out.push(7);
                out.push(*neg as u8);
                out.extend_from_slice(&d.to_le_bytes());
                out.extend_from_slice(&[*h, *mi, *s]);
                out.extend_from_slice(&us.to_le_bytes());
            }
        }
    }
    out.into_boxed_slice()
}

/// What the streamer sends to the apply loop, in binlog order.
#[derive(Debug)]
pub enum StreamMsg {
    /// Row changes to the original table (a part of a transaction, or all of it).
    Changes(Vec<Change>),
    /// The transaction that carried the preceding changes committed; `BinlogPos` is the
    /// position right after it (where a resume would start).
    TxnEnd(BinlogPos),
    /// Everything before this position was read and sent (sent when the table is quiet, so that
    /// the applied position, and checkpoints, keep moving).
    Position(BinlogPos),
    /// A state value ghost-rs wrote to its changelog table (e.g. the cut-over marker).
    Marker(String),
    /// A DDL statement on the original table was logged: the migration cannot continue (unless
    /// it is the cut-over's own rename).
    Ddl(String),
}

/// What the apply loop reports to the migrator.
#[derive(Debug)]
pub enum Applied {
    /// Every change before this marker is in the ghost table.
    Marker(String),
    /// A DDL on the original table (see [`StreamMsg::Ddl`]).
    Ddl(String),
}
