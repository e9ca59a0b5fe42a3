//! Binlog row image -> values for the ghost table, byte-exact.
//!
//! The binlog alone does not say enough: MariaDB's default `binlog_row_metadata=NO_LOG` carries
//! no signedness, ENUM/SET arrive as ordinals and bitmasks, TIMESTAMP as epoch seconds, YEAR 0
//! as 1900, BIT as big-endian bytes, BINARY(n) without its trailing zero bytes. Each value is
//! therefore normalised with the column's [`Kind`] read by the Inspector:
//!
//! | column | binlog gives | written as |
//! |---|---|---|
//! | integers | Int/UInt, sign possibly wrong | masked to the width, signed or unsigned per schema |
//! | BIT(n) | big-endian bytes | UInt |
//! | YEAR | "1900 + y" | UInt (0 for 1900) |
//! | TIMESTAMP | "epoch[.usec]" | DATETIME in UTC (connections run with time_zone '+00:00') |
//! | ENUM / SET | ordinal / bitmask | the same number when the ghost keeps the members, else the names |
//! | BINARY(n) | bytes | right-padded with 0x00 to n |
//! | JSON (MySQL) | binary JSON | JSON text |
//! | text | bytes in the column's charset | the same bytes (`CONVERT(? USING cs)` in SQL) |
//!
//! Strings are never turned into a Rust `String`.

use mysql::Value;
use mysql_common::binlog::value::BinlogValue;

use crate::error::{Error, Result};
use crate::plan::SharedColumn;
use crate::schema::Kind;

/// Converts one binlog value of `col`'s original column into the value written to the ghost.
pub fn decode(v: BinlogValue<'_>, col: &SharedColumn) -> Result<Value> {
    let v = match v {
        BinlogValue::Value(v) => v,
        BinlogValue::Jsonb(j) => {
            // MySQL's binary JSON -> its text; the server re-parses it into the same document.
            return Value::try_from(BinlogValue::Jsonb(j)).map_err(|e| {
                Error::failed(format!("cannot turn the JSON value of column {} into text: {e}", col.orig.name)).hint(
                    "the value holds an opaque MySQL scalar (a DECIMAL, DATE, TIME, DATETIME or TIMESTAMP put into JSON) that has no exact JSON text; the original table is intact (see doc/limitations.md)",
                )
            });
        }
        BinlogValue::JsonDiff(_) => {
            return Err(Error::failed(format!("column {} arrived as a partial JSON update", col.orig.name))
                .hint("set binlog_row_value_options='' (ghost-rs needs full JSON images)"))
        }
    };
    if v == Value::NULL {
        return Ok(Value::NULL);
    }
    convert(v, col)
}

/// The normalisation of a plain value; see the module table.
pub fn convert(v: Value, col: &SharedColumn) -> Result<Value> {
    let bad = |v: &Value| {
        Error::failed(format!(
            "unexpected binlog value {:?} for column {} ({})",
            v, col.orig.name, col.orig.column_type
        ))
        .hint("the table's structure may have changed during the migration; run it again")
    };
    Ok(match &col.orig.kind {
        Kind::Int { bytes, unsigned } => {
            let raw: u64 = match v {
                Value::Int(i) => i as u64,
                Value::UInt(u) => u,
                other => return Err(bad(&other)),
            };
            int_value(raw, *bytes, *unsigned)
        }
        Kind::Bit { .. } => match v {
            Value::Bytes(b) if b.len() <= 8 => Value::UInt(b.iter().fold(0u64, |acc, x| (acc << 8) | *x as u64)),
            Value::Int(i) => Value::UInt(i as u64),
            Value::UInt(u) => Value::UInt(u),
            other => return Err(bad(&other)),
        },
        Kind::Year => {
            let y: u64 = match &v {
                Value::Bytes(b) => std::str::from_utf8(b).ok().and_then(|s| s.parse().ok()).ok_or_else(|| bad(&v))?,
                Value::Int(i) => *i as u64,
                Value::UInt(u) => *u,
                _ => return Err(bad(&v)),
            };
            // The binlog stores YEAR as y - 1900 in one byte; 0 is the zero year '0000'.
            Value::UInt(if y == 1900 { 0 } else { y })
        }
        Kind::Timestamp => match v {
            Value::Bytes(ref b) => {
                let s = std::str::from_utf8(b).map_err(|_| bad(&v))?;
                let (sec, frac) = s.split_once('.').unwrap_or((s, ""));
                let sec: i64 = sec.parse().map_err(|_| bad(&v))?;
                let usec: u32 = if frac.is_empty() {
                    0
                } else {
                    // "5" means 500000 µs only if the string was cut; mysql_common pads to 6.
                    format!("{frac:0<6}")[..6].parse().map_err(|_| bad(&v))?
                };
                timestamp_value(sec, usec)
            }
            Value::Int(sec) => timestamp_value(sec, 0),
            Value::UInt(sec) => timestamp_value(sec as i64, 0),
            d @ Value::Date(..) => d,
            other => return Err(bad(&other)),
        },
        // As text: MySQL 9 refuses a binary-protocol TIME near the ends of the range
        // ('838:59:58.999999': error 1690) that it takes as a string.
        Kind::Time => match v {
            Value::Time(neg, days, h, m, sec, us) => {
                let hours = days as u64 * 24 + h as u64;
                let sign = if neg { "-" } else { "" };
                Value::Bytes(format!("{sign}{hours:02}:{m:02}:{sec:02}.{us:06}").into_bytes())
            }
            other => other,
        },
        // MariaDB's fixed-size types come as their record bytes, trailing zero bytes cut
        Kind::Other(t) if t == "inet4" || t == "inet6" => match v {
            Value::Bytes(mut b) => {
                b.resize(if t == "inet4" { 4 } else { 16 }, 0);
                Value::Bytes(b)
            }
            other => return Err(bad(&other)),
        },
        Kind::Other(t) if t == "uuid" => match v {
            Value::Bytes(mut b) if b.len() <= 16 => {
                b.resize(16, 0);
                // 16 bytes in reading order: what the server takes for a UUID from a binary string
                Value::Bytes(uuid_bytes(&b))
            }
            other => return Err(bad(&other)),
        },
        Kind::Binary { fixed: Some(n) } => match v {
            Value::Bytes(mut b) => {
                if b.len() < *n {
                    b.resize(*n, 0);
                }
                Value::Bytes(b)
            }
            other => other,
        },
        Kind::Enum { members } => {
            let idx = match v {
                Value::Int(i) => i as u64,
                Value::UInt(u) => u,
                other => return Err(bad(&other)),
            };
            if col.ordinals_compatible() {
                Value::UInt(idx)
            } else if idx == 0 {
                // the empty "error" member of an ENUM holding an invalid value
                Value::Bytes(Vec::new())
            } else {
                let name = members.get(idx as usize - 1).ok_or_else(|| bad(&Value::UInt(idx)))?;
                Value::Bytes(name.as_bytes().to_vec())
            }
        }
        Kind::Set { members } => {
            let mask: u64 = match v {
                Value::Bytes(ref b) if b.len() <= 8 => b.iter().rev().fold(0u64, |acc, x| (acc << 8) | *x as u64),
                Value::Int(i) => i as u64,
                Value::UInt(u) => u,
                other => return Err(bad(&other)),
            };
            if col.ordinals_compatible() {
                Value::UInt(mask)
            } else {
                let mut names: Vec<&str> = Vec::new();
                for (i, m) in members.iter().enumerate() {
                    if mask & (1u64 << i) != 0 {
                        names.push(m);
                    }
                }
                Value::Bytes(names.join(",").into_bytes())
            }
        }
        _ => v,
    })
}

/// A MariaDB UUID's 16 bytes in reading order, from its record bytes. MariaDB (10.11.5 and
/// later) stores UUIDs of versions 1 to 5 (RFC 4122 variant) with the dash-separated groups
/// in reverse order (`nnnnnnnnnnnn-vsss-Vhhh-mmmm-llllllll`) and every other UUID as it
/// reads; in the record the swapped ones have the version at byte 8 and the variant bit at
/// byte 6 (in reading order those bytes hold the variant and the version: not swapped again).
pub fn uuid_bytes(rec: &[u8]) -> Vec<u8> {
    let swapped = rec[8] > 0 && rec[8] < 0x60 && rec[6] & 0x80 != 0;
    if swapped {
        [&rec[12..16], &rec[10..12], &rec[8..10], &rec[6..8], &rec[0..6]].concat()
    } else {
        rec.to_vec()
    }
}

/// Reinterprets the low `bytes` bytes of `raw` as a signed or unsigned integer of that width
/// (mysql_common may hand a MEDIUMINT without sign extension, or an unsigned value as negative).
pub fn int_value(raw: u64, bytes: u8, unsigned: bool) -> Value {
    let bits = bytes as u32 * 8;
    let masked = if bits >= 64 { raw } else { raw & ((1u64 << bits) - 1) };
    if unsigned {
        Value::UInt(masked)
    } else if bits >= 64 {
        Value::Int(masked as i64)
    } else {
        let shift = 64 - bits;
        Value::Int(((masked << shift) as i64) >> shift)
    }
}

/// A TIMESTAMP stored as `sec` seconds (and `usec`) since the epoch, as the UTC DATETIME the
/// server takes it back as on a `+00:00` session. 0 is the zero TIMESTAMP.
pub fn timestamp_value(sec: i64, usec: u32) -> Value {
    if sec == 0 && usec == 0 {
        return Value::Date(0, 0, 0, 0, 0, 0, 0);
    }
    let days = sec.div_euclid(86_400);
    let rem = sec.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    Value::Date(y as u16, m as u8, d as u8, (rem / 3600) as u8, ((rem % 3600) / 60) as u8, (rem % 60) as u8, usec)
}

/// Days since 1970-01-01 -> (year, month, day), proleptic Gregorian (Howard Hinnant's
/// `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mariadb_uuid_record_to_text() {
        let hex = |s: &str| {
            (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect::<Vec<u8>>()
        };
        // version 1, RFC variant: stored with the groups reversed
        assert_eq!(uuid_bytes(&hex("426655440000a45612d3e89b123e4567")), hex("123e4567e89b12d3a456426655440000"));
        // already in reading order: kept
        assert_eq!(uuid_bytes(&hex("123e4567e89b12d3a456426655440000")), hex("123e4567e89b12d3a456426655440000"));
        // version 7: stored as it reads
        assert_eq!(uuid_bytes(&hex("01890a5d8ac07dd8b2a0c3a6e6f3b1a2")), hex("01890a5d8ac07dd8b2a0c3a6e6f3b1a2"));
        // not a versioned UUID: as it reads
        assert_eq!(uuid_bytes(&[0u8; 16]), vec![0u8; 16]);
    }
    use crate::schema::Column;

    fn shared(kind: Kind, ghost: Kind) -> SharedColumn {
        let c = |k| Column {
            name: "c".into(),
            position: 0,
            column_type: "t".into(),
            kind: k,
            nullable: true,
            ..Column::default()
        };
        SharedColumn { orig: c(kind), ghost: c(ghost) }
    }
    fn same(kind: Kind) -> SharedColumn {
        shared(kind.clone(), kind)
    }

    #[test]
    fn integers_at_their_extremes() {
        let medium = same(Kind::Int { bytes: 3, unsigned: false });
        assert_eq!(convert(Value::Int(16_777_215), &medium).unwrap(), Value::Int(-1));
        assert_eq!(convert(Value::Int(-8_388_608), &medium).unwrap(), Value::Int(-8_388_608));
        let umedium = same(Kind::Int { bytes: 3, unsigned: true });
        assert_eq!(convert(Value::Int(-1), &umedium).unwrap(), Value::UInt(16_777_215));
        let ubig = same(Kind::Int { bytes: 8, unsigned: true });
        assert_eq!(convert(Value::Int(-1), &ubig).unwrap(), Value::UInt(u64::MAX));
        assert_eq!(convert(Value::Int(i64::MIN), &ubig).unwrap(), Value::UInt(1 << 63));
        let big = same(Kind::Int { bytes: 8, unsigned: false });
        assert_eq!(convert(Value::Int(i64::MIN), &big).unwrap(), Value::Int(i64::MIN));
        let tiny = same(Kind::Int { bytes: 1, unsigned: false });
        assert_eq!(convert(Value::Int(255), &tiny).unwrap(), Value::Int(-1));
        assert_eq!(convert(Value::Int(-128), &tiny).unwrap(), Value::Int(-128));
        let utiny = same(Kind::Int { bytes: 1, unsigned: true });
        assert_eq!(convert(Value::Int(-1), &utiny).unwrap(), Value::UInt(255));
        let uint = same(Kind::Int { bytes: 4, unsigned: true });
        assert_eq!(convert(Value::Int(-1), &uint).unwrap(), Value::UInt(4_294_967_295));
    }

    #[test]
    fn timestamps_are_utc_and_zero_is_zero() {
        assert_eq!(timestamp_value(0, 0), Value::Date(0, 0, 0, 0, 0, 0, 0));
        assert_eq!(timestamp_value(1, 0), Value::Date(1970, 1, 1, 0, 0, 1, 0));
        assert_eq!(timestamp_value(1_616_878_800, 500_000), Value::Date(2021, 3, 27, 21, 0, 0, 500_000));
        assert_eq!(timestamp_value(2_147_483_647, 999_999), Value::Date(2038, 1, 19, 3, 14, 7, 999_999));
        assert_eq!(timestamp_value(951_782_400, 0), Value::Date(2000, 2, 29, 0, 0, 0, 0));
        let ts = same(Kind::Timestamp);
        assert_eq!(
            convert(Value::Bytes(b"1616878800.500000".to_vec()), &ts).unwrap(),
            Value::Date(2021, 3, 27, 21, 0, 0, 500_000)
        );
        assert_eq!(
            convert(Value::Bytes(b"1616878800.5".to_vec()), &ts).unwrap(),
            Value::Date(2021, 3, 27, 21, 0, 0, 500_000)
        );
        assert_eq!(convert(Value::Bytes(b"0".to_vec()), &ts).unwrap(), Value::Date(0, 0, 0, 0, 0, 0, 0));
    }

    #[test]
    fn year_bit_binary() {
        let y = same(Kind::Year);
        assert_eq!(convert(Value::Bytes(b"1900".to_vec()), &y).unwrap(), Value::UInt(0));
        assert_eq!(convert(Value::Bytes(b"2155".to_vec()), &y).unwrap(), Value::UInt(2155));
        let bit = same(Kind::Bit { bits: 64 });
        assert_eq!(convert(Value::Bytes(vec![0xff; 8]), &bit).unwrap(), Value::UInt(u64::MAX));
        assert_eq!(convert(Value::Bytes(vec![0x01, 0x02]), &bit).unwrap(), Value::UInt(0x0102));
        let bin = same(Kind::Binary { fixed: Some(4) });
        assert_eq!(convert(Value::Bytes(vec![1]), &bin).unwrap(), Value::Bytes(vec![1, 0, 0, 0]));
        let latin1 = same(Kind::Text { charset: "latin1".into(), collation: "latin1_swedish_ci".into() });
        assert_eq!(
            convert(Value::Bytes(vec![0xe9, 0x00, 0xff]), &latin1).unwrap(),
            Value::Bytes(vec![0xe9, 0x00, 0xff])
        );
    }

    #[test]
    fn enum_and_set() {
        let e = |m: &[&str]| Kind::Enum { members: m.iter().map(|s| s.to_string()).collect() };
        let s = |m: &[&str]| Kind::Set { members: m.iter().map(|s| s.to_string()).collect() };
        assert_eq!(convert(Value::Int(2), &shared(e(&["a", "b"]), e(&["a", "b", "c"]))).unwrap(), Value::UInt(2));
        assert_eq!(
            convert(Value::Int(2), &shared(e(&["a", "b"]), e(&["b", "a"]))).unwrap(),
            Value::Bytes(b"b".to_vec())
        );
        assert_eq!(convert(Value::Int(0), &shared(e(&["a"]), e(&["b", "a"]))).unwrap(), Value::Bytes(vec![]));
        assert!(convert(Value::Int(3), &shared(e(&["a"]), e(&["b"]))).is_err());
        assert_eq!(convert(Value::Bytes(vec![0b101]), &same(s(&["x", "y", "z"]))).unwrap(), Value::UInt(5));
        assert_eq!(
            convert(Value::Bytes(vec![0b101]), &shared(s(&["x", "y", "z"]), s(&["z", "y", "x"]))).unwrap(),
            Value::Bytes(b"x,z".to_vec())
        );
        let wide: Vec<String> = (0..64).map(|i| format!("m{i}")).collect();
        let wide_set = Kind::Set { members: wide };
        assert_eq!(
            convert(Value::Bytes(vec![0, 0, 0, 0, 0, 0, 0, 0x80]), &same(wide_set)).unwrap(),
            Value::UInt(1 << 63)
        );
    }

    #[test]
    fn nulls_stay_null() {
        assert_eq!(decode(BinlogValue::Value(Value::NULL), &same(Kind::Timestamp)).unwrap(), Value::NULL);
        assert_eq!(
            convert(Value::Time(true, 34, 22, 59, 58, 500000), &same(Kind::Time)).unwrap(),
            Value::Bytes(b"-838:59:58.500000".to_vec())
        );
        let inet4 = same(Kind::Other("inet4".into()));
        assert_eq!(convert(Value::Bytes(vec![10]), &inet4).unwrap(), Value::Bytes(vec![10, 0, 0, 0]));
        assert_eq!(
            convert(Value::Time(false, 0, 1, 2, 3, 0), &same(Kind::Time)).unwrap(),
            Value::Bytes(b"01:02:03.000000".to_vec())
        );
    }
}
