//! Checkpoints: what a resumed run needs to continue exactly where an interrupted one stopped.
//!
//! Every few seconds (`--checkpoint-seconds`, default 10) ghost-rs writes into its changelog
//! table (hint `checkpoint`):
//!
//! * the binlog coordinates right after the last transaction whose changes are all applied to
//!   the ghost table (the apply loop's position, never "the next event found");
//! * the copy watermark: the upper bound of the longest run of key ranges, from the start,
//!   that are completely copied (with parallel copy, later ranges may be done too; they are
//!   copied again, harmlessly, by `INSERT IGNORE`);
//! * which ALTER, on which table, from which server, so that a checkpoint is only used by the
//!   same migration.
//!
//! Resuming replays the binlog from the recorded position (changes applied twice give the same
//! result: they are full row images, in order) and copies from the watermark. Why nothing is
//! lost: a row changed after the recorded position gets its last image from the binlog; a row
//! not changed since was copied before the crash (below the watermark) or is copied now.
//!
//! The text format is versioned, `key=value` pairs separated by `;`, values hex-encoded where
//! they could hold anything.

use mysql::Value;

use crate::db::BinlogPos;

#[derive(Debug, Clone, PartialEq)]
pub struct Checkpoint {
    /// Identifies the migration: the table and the ALTER (a stable hash).
    pub migration: u64,
    /// `server_id` of the server the binlog is read from.
    pub server_id: u32,
    pub applied: BinlogPos,
    /// `None`: the copy has not completed a range yet.
    pub watermark: Option<Vec<Value>>,
    pub copy_done: bool,
    pub rows_copied: u64,
}

/// FNV-1a of the table and the ALTER text: the same migration gets the same number.
pub fn migration_id(database: &str, table: &str, alter: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in database.bytes().chain([0]).chain(table.bytes()).chain([0]).chain(alter.trim().bytes()) {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

pub(crate) fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

pub(crate) fn unhex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok()).collect()
}

/// One key value as `tag:payload`.
fn encode_value(v: &Value) -> String {
    match v {
        Value::NULL => "n:".to_string(),
        Value::Bytes(b) => format!("b:{}", hex(b)),
        Value::Int(i) => format!("i:{i}"),
        Value::UInt(u) => format!("u:{u}"),
        Value::Float(f) => format!("f:{}", f.to_bits()),
        Value::Double(f) => format!("d:{}", f.to_bits()),
        Value::Date(y, mo, d, h, mi, s, us) => format!("t:{y}-{mo}-{d}-{h}-{mi}-{s}-{us}"),
        Value::Time(neg, d, h, mi, s, us) => format!("T:{}-{d}-{h}-{mi}-{s}-{us}", u8::from(*neg)),
    }
}

fn decode_value(s: &str) -> Option<Value> {
    let (tag, p) = s.split_once(':')?;
    let nums = |p: &str| -> Option<Vec<u64>> { p.split('-').map(|x| x.parse().ok()).collect() };
    Some(match tag {
        "n" => Value::NULL,
        "b" => Value::Bytes(unhex(p)?),
        "i" => Value::Int(p.parse().ok()?),
        "u" => Value::UInt(p.parse().ok()?),
        "f" => Value::Float(f32::from_bits(p.parse().ok()?)),
        "d" => Value::Double(f64::from_bits(p.parse().ok()?)),
        "t" => {
            let n = nums(p)?;
            (n.len() == 7).then(|| {
                Value::Date(n[0] as u16, n[1] as u8, n[2] as u8, n[3] as u8, n[4] as u8, n[5] as u8, n[6] as u32)
            })?
        }
        "T" => {
            let n = nums(p)?;
            (n.len() == 6)
                .then(|| Value::Time(n[0] == 1, n[1] as u32, n[2] as u8, n[3] as u8, n[4] as u8, n[5] as u32))?
        }
        _ => return None,
    })
}

impl Checkpoint {
    pub fn encode(&self) -> String {
        let wm = match &self.watermark {
            None => String::new(),
            Some(vs) => vs.iter().map(encode_value).collect::<Vec<_>>().join(","),
        };
        format!(
            "v=1;migration={:016x};server={};file={};pos={};watermark={};done={};copied={}",
            self.migration,
            self.server_id,
            hex(self.applied.file.as_bytes()),
            self.applied.pos,
            wm,
            u8::from(self.copy_done),
            self.rows_copied
        )
    }

    pub fn decode(text: &str) -> Option<Checkpoint> {
        let mut fields = std::collections::HashMap::new();
        for part in text.split(';') {
            let (k, v) = part.split_once('=')?;
            fields.insert(k, v);
        }
        if fields.get("v") != Some(&"1") {
            return None;
        }
        let watermark = match *fields.get("watermark")? {
            "" => None,
            w => Some(w.split(',').map(decode_value).collect::<Option<Vec<_>>>()?),
        };
        Some(Checkpoint {
            migration: u64::from_str_radix(fields.get("migration")?, 16).ok()?,
            server_id: fields.get("server")?.parse().ok()?,
            applied: BinlogPos {
                file: String::from_utf8(unhex(fields.get("file")?)?).ok()?,
                pos: fields.get("pos")?.parse().ok()?,
            },
            watermark,
            copy_done: *fields.get("done")? == "1",
            rows_copied: fields.get("copied")?.parse().ok()?,
        })
    }
}

/// The copy watermark with parallel workers: ranges are numbered as they are handed out; the
/// watermark is the upper bound of the last range of the longest completed run from the start.
#[derive(Default)]
pub struct Watermark {
    /// Upper bounds of the ranges handed out, by number, until they are passed.
    pending: std::collections::BTreeMap<u64, (Vec<Value>, bool)>,
    next_to_pass: u64,
    pub value: Option<Vec<Value>>,
}

impl Watermark {
    pub fn handed_out(&mut self, seq: u64, upper: Vec<Value>) {
        self.pending.insert(seq, (upper, false));
    }

    pub fn completed(&mut self, seq: u64) {
        if let Some(e) = self.pending.get_mut(&seq) {
            e.1 = true;
        }
        while let Some((upper, true)) = self.pending.get(&self.next_to_pass).cloned() {
            self.pending.remove(&self.next_to_pass);
            self.value = Some(upper);
            self.next_to_pass += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let c = Checkpoint {
            migration: migration_id("d", "t", "ADD COLUMN x INT"),
            server_id: 7,
            applied: BinlogPos { file: "binlog.000042".into(), pos: 123_456 },
            watermark: Some(vec![
                Value::Int(-5),
                Value::UInt(u64::MAX),
                Value::Bytes(vec![0, 0xff, b';', b',', b'=']),
                Value::Date(2026, 12, 2, 15, 4, 5, 123_456),
                Value::Time(true, 1, 2, 3, 4, 5),
                Value::Double(-0.1),
                Value::Float(1.5),
                Value::NULL,
            ]),
            copy_done: false,
            rows_copied: 500_000,
        };
        let text = c.encode();
        assert!(text.is_ascii() && text.len() < 4096, "{text}");
        assert_eq!(Checkpoint::decode(&text), Some(c.clone()));
        let none = Checkpoint { watermark: None, copy_done: true, ..c };
        assert_eq!(Checkpoint::decode(&none.encode()), Some(none));
        assert_eq!(Checkpoint::decode("v=2;x=1"), None);
        assert_eq!(Checkpoint::decode("garbage"), None);
    }

    #[test]
    fn migration_ids_differ_by_alter_and_table() {
        let a = migration_id("d", "t", "ADD COLUMN x INT");
        assert_eq!(a, migration_id("d", "t", "  ADD COLUMN x INT "));
        assert_ne!(a, migration_id("d", "t", "ADD COLUMN y INT"));
        assert_ne!(a, migration_id("d", "u", "ADD COLUMN x INT"));
        assert_ne!(migration_id("dt", "", "x"), migration_id("d", "t", "x"));
    }

    #[test]
    fn watermark_is_the_completed_prefix() {
        let v = |n: i64| vec![Value::Int(n)];
        let mut w = Watermark::default();
        for i in 0..4 {
            w.handed_out(i, v(i as i64 * 10 + 10));
        }
        w.completed(1);
        assert_eq!(w.value, None, "range 0 is not done");
        w.completed(0);
        assert_eq!(w.value, Some(v(20)));
        w.completed(3);
        assert_eq!(w.value, Some(v(20)));
        w.completed(2);
        assert_eq!(w.value, Some(v(40)));
    }
}
