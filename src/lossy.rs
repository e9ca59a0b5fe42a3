//! Changes that would lose or alter data, refused before any row is copied.
//!
//! `INSERT IGNORE` turns every conversion error into a warning: a new UNIQUE key over
//! duplicates drops rows (gh-ost's bug), a narrower column truncates values, a removed ENUM
//! member becomes '', a NOT NULL column turns NULLs into zeros. ghost-rs's copy stops on such
//! warnings, but possibly hours in; these checks find them first, by reading the original
//! table (on the inspected server) against the ghost's schema:
//!
//! * a unique key of the ghost that the original does not have: duplicate values (in the
//!   ghost's collation, over the key's prefixes);
//! * NOT NULL on a column holding NULLs;
//! * integers and decimals outside the new type's range or scale;
//! * strings longer than the new length, in characters or bytes;
//! * a charset that cannot represent a value (it would not convert back to the same bytes);
//! * ENUM/SET values whose member the ALTER removed, or renumbered (reordered);
//! * fractional seconds the new precision drops.
//!
//! All column checks run in one scan of the table; each finding names up to five keys of
//! affected rows. With `--allow-lossy` the findings are warnings and the migration proceeds.

use log::{info, warn};
use mysql::prelude::Queryable;
use mysql::{Conn, Row};

use crate::error::{Context, Error, Result};
use crate::plan::{Plan, SharedColumn};
use crate::schema::{Kind, Table};
use crate::sql;

/// One kind of loss, with how many rows and some of their keys.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub what: String,
    pub rows: u64,
    pub sample: Vec<String>,
}

/// A condition on the original's rows that means data would change, in SQL.
struct Check {
    what: String,
    /// True for the rows that would change.
    condition: String,
}

/// Integer range of a kind: (min, max) as SQL literals.
fn int_range(bytes: u8, unsigned: bool) -> (i128, i128) {
    let bits = bytes as u32 * 8;
    if unsigned {
        (0, (1i128 << bits) - 1)
    } else {
        (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
    }
}

fn bare(name: &str) -> String {
    name.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').collect()
}

/// The checks for one shared column whose definition changed.
fn column_checks(c: &SharedColumn) -> Vec<Check> {
    let (o, g) = (&c.orig, &c.ghost);
    let col = sql::ident(&o.name);
    let mut out = Vec::new();
    let name = sql::ident(&g.name);
    if o.nullable && !g.nullable {
        out.push(Check {
            what: format!("{name} becomes NOT NULL but holds NULLs"),
            condition: format!("{col} IS NULL"),
        });
    }
    if o.column_type == g.column_type && o.kind == g.kind {
        return out;
    }
    match (&o.kind, &g.kind) {
        (Kind::Int { bytes: ob, unsigned: ou }, Kind::Int { bytes: gb, unsigned: gu }) => {
            let (omin, omax) = int_range(*ob, *ou);
            let (gmin, gmax) = int_range(*gb, *gu);
            if gmin > omin || gmax < omax {
                out.push(Check {
                    what: format!("{name} ({}) cannot hold every value of {}", g.column_type, o.column_type),
                    condition: format!("({col} < {gmin} OR {col} > {gmax})"),
                });
            }
        }
        (Kind::Int { .. } | Kind::Decimal | Kind::Float | Kind::Double, Kind::Decimal) => {
            let (p, sc) = (g.precision.unwrap_or(10), g.scale.unwrap_or(0));
            let integer_digits = p.saturating_sub(sc) as i32;
            out.push(Check {
                what: format!("{name} ({}) cannot hold every value", g.column_type),
                condition: format!("(ABS({col}) >= POW(10, {integer_digits}) OR {col} <> ROUND({col}, {sc}))"),
            });
        }
        (Kind::Decimal | Kind::Float | Kind::Double, Kind::Int { bytes, unsigned }) => {
            let (gmin, gmax) = int_range(*bytes, *unsigned);
            out.push(Check {
                what: format!("{name} ({}) cannot hold every value of {}", g.column_type, o.column_type),
                condition: format!("({col} < {gmin} OR {col} > {gmax} OR {col} <> ROUND({col}))"),
            });
        }
        (Kind::Text { charset: oc, .. }, Kind::Text { charset: gc, .. }) => {
            if let Some(max) = g.max_chars {
                out.push(Check {
                    what: format!("{name} ({}) is shorter than some values", g.column_type),
                    condition: format!("CHAR_LENGTH({col}) > {max}"),
                });
            }
            if oc != gc {
                let (oc, gc) = (bare(oc), bare(gc));
                out.push(Check {
                    what: format!("{name} converted to {gc} cannot represent some values"),
                    condition: format!(
                        "CAST({col} AS BINARY) <> CAST(CONVERT(CONVERT({col} USING {gc}) USING {oc}) AS BINARY)"
                    ),
                });
                if let Some(bytes) = g.max_bytes {
                    out.push(Check {
                        what: format!("{name} ({}) is too short in bytes for some values in {gc}", g.column_type),
                        condition: format!("LENGTH(CONVERT({col} USING {gc})) > {bytes}"),
                    });
                }
            }
        }
        (Kind::Binary { .. }, Kind::Binary { .. }) | (Kind::Text { .. }, Kind::Binary { .. }) => {
            if let Some(max) = g.max_bytes {
                out.push(Check {
                    what: format!("{name} ({}) is shorter than some values", g.column_type),
                    condition: format!("LENGTH({col}) > {max}"),
                });
            }
        }
        (Kind::Binary { .. }, Kind::Text { charset, .. }) => {
            let gc = bare(charset);
            out.push(Check {
                what: format!("{name} in {gc} cannot represent some byte strings"),
                condition: format!("{col} <> CAST(CONVERT({col} USING {gc}) AS BINARY)"),
            });
        }
        (
            Kind::Enum { members: om } | Kind::Set { members: om },
            Kind::Enum { members: gm } | Kind::Set { members: gm },
        ) => {
            // by ordinal: the members of the original that the new list no longer has
            let lost: Vec<usize> = om.iter().enumerate().filter(|(_, m)| !gm.contains(m)).map(|(i, _)| i).collect();
            if !lost.is_empty() {
                let condition = if matches!(o.kind, Kind::Set { .. }) {
                    let mask: u64 = lost.iter().filter(|&&i| i < 64).map(|&i| 1u64 << i).sum();
                    format!("(({col} + 0) & {mask}) <> 0")
                } else {
                    let ordinals: Vec<String> = lost.iter().map(|i| (i + 1).to_string()).collect();
                    format!("({col} + 0) IN ({})", ordinals.join(", "))
                };
                let names: Vec<String> = lost.iter().map(|&i| sql::literal(&om[i])).collect();
                out.push(Check {
                    what: format!("{name}: the ALTER removes the member(s) {} that rows use", names.join(", ")),
                    condition,
                });
            }
            // kept members whose number changes: the values survive by name, but their
            // order (ORDER BY, comparisons by number, `col + 0`) does not
            let moved: Vec<usize> = om
                .iter()
                .enumerate()
                .filter(|(i, m)| gm.iter().position(|g| g == *m).is_some_and(|j| j != *i))
                .map(|(i, _)| i)
                .collect();
            if !moved.is_empty() {
                let condition = if matches!(o.kind, Kind::Set { .. }) {
                    let mask: u64 = moved.iter().filter(|&&i| i < 64).map(|&i| 1u64 << i).sum();
                    format!("(({col} + 0) & {mask}) <> 0")
                } else {
                    let ordinals: Vec<String> = moved.iter().map(|i| (i + 1).to_string()).collect();
                    format!("({col} + 0) IN ({})", ordinals.join(", "))
                };
                let names: Vec<String> = moved.iter().map(|&i| sql::literal(&om[i])).collect();
                out.push(Check {
                    what: format!(
                        "{name}: the ALTER renumbers the member(s) {} that rows use (values are kept by name, but their order and numbers change)",
                        names.join(", ")
                    ),
                    condition,
                });
            }
        }
        (Kind::DateTime | Kind::Timestamp | Kind::Time, Kind::DateTime | Kind::Timestamp | Kind::Time) => {
            let (of, gf) = (o.fraction_digits.unwrap_or(0), g.fraction_digits.unwrap_or(0));
            if gf < of {
                out.push(Check {
                    what: format!("{name} ({}) drops fractional seconds that rows have", g.column_type),
                    condition: format!("MICROSECOND({col}) % {} <> 0", 10u64.pow(6 - gf.min(6) as u32)),
                });
            }
        }
        _ => {} // other conversions: the copy stops on any warning
    }
    out
}

/// Duplicate-checking queries for the ghost's unique keys that the original does not have.
fn unique_checks(plan: &Plan) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let orig_unique: Vec<Vec<String>> = plan
        .orig
        .keys
        .iter()
        .filter(|k| k.unique && !k.partial)
        .map(|k| k.columns.iter().map(|c| c.to_lowercase()).collect())
        .collect();
    for gk in plan.ghost.keys.iter().filter(|k| k.unique) {
        // the key's columns in the original's names; a new column holds its default in every row
        let mut exprs = Vec::new();
        let mut orig_names = Vec::new();
        let mut all_shared = true;
        for (i, gc) in gk.columns.iter().enumerate() {
            match plan.columns.iter().find(|s| s.ghost.name.eq_ignore_ascii_case(gc)) {
                Some(s) => {
                    let col = sql::ident(&s.orig.name);
                    let mut e = match (&s.orig.kind, &s.ghost.kind) {
                        (Kind::Text { charset: oc, .. }, Kind::Text { charset: gc, collation }) if oc != gc => {
                            format!("CONVERT({col} USING {}) COLLATE {}", bare(gc), bare(collation))
                        }
                        (Kind::Text { .. }, Kind::Text { collation, .. }) => {
                            format!("{col} COLLATE {}", bare(collation))
                        }
                        _ => col,
                    };
                    if let Some(Some(n)) = gk.prefixes.get(i) {
                        e = format!("LEFT({e}, {n})");
                    }
                    exprs.push(e);
                    orig_names.push(s.orig.name.to_lowercase());
                }
                None => all_shared = false,
            }
        }
        // the same key already exists on the original: nothing to check
        if all_shared && gk.prefixes.iter().all(|p| p.is_none()) && orig_unique.contains(&orig_names) {
            continue;
        }
        let what = format!(
            "the new unique key {} ({}) has duplicates",
            sql::ident(&gk.name),
            gk.columns.iter().map(|c| sql::ident(c)).collect::<Vec<_>>().join(", ")
        );
        let not_null: Vec<String> = exprs.iter().map(|e| format!("{e} IS NOT NULL")).collect();
        let filter = if not_null.is_empty() { String::new() } else { format!("WHERE {}", not_null.join(" AND ")) };
        let group = if exprs.is_empty() { String::new() } else { format!("GROUP BY {}", exprs.join(", ")) };
        // an aggregate, not the grouped expression itself: MySQL's only_full_group_by does not
        // see that `x COLLATE c` in the select list is the `x COLLATE c` grouped by
        let sample = if exprs.is_empty() {
            "'all rows'".to_string()
        } else {
            format!("MIN(CONCAT_WS(', ', {}))", exprs.join(", "))
        };
        let q = format!(
            "SELECT {sample}, COUNT(*) FROM {} {filter} {group} HAVING COUNT(*) > 1 LIMIT 5",
            sql::table(&plan.orig.database, &plan.orig.name)
        );
        out.push((what, q));
    }
    out
}

/// Whether the ghost has a unique key the original lacks. Then a write made during the
/// migration that duplicates a value of that key makes the apply's REPLACE remove the other
/// row from the ghost: only the checksum before the cut-over catches that.
pub fn adds_unique_key(plan: &Plan) -> bool {
    !unique_checks(plan).is_empty()
}

/// Runs every check on `conn` (the inspected server).
pub fn check(conn: &mut Conn, plan: &Plan) -> Result<Vec<Finding>> {
    let mut findings = Vec::new();
    let table = sql::table(&plan.orig.database, &plan.orig.name);
    let checks: Vec<Check> = plan.columns.iter().flat_map(column_checks).collect();
    if !checks.is_empty() {
        info!(
            "checking {} rows of {table} for values the ALTER would change ({} checks)",
            plan.orig.estimated_rows,
            checks.len()
        );
        let sums: Vec<String> = checks.iter().map(|c| format!("COALESCE(SUM({}), 0)", c.condition)).collect();
        let q = format!("SELECT {} FROM {table}", sums.join(", "));
        let row: Option<Row> = conn.query_first(&q).with_context(|| format!("checking for lossy changes: {q}"))?;
        let row = row.ok_or_else(|| Error::failed("no answer to the lossy-change check"))?;
        let key_cols: Vec<String> = plan.key_columns().map(|c| sql::ident(&c.orig.name)).collect();
        for (i, c) in checks.iter().enumerate() {
            let n: u64 = crate::schema::value_bytes(row.as_ref(i))
                .and_then(|b| String::from_utf8_lossy(&b).parse::<f64>().ok())
                .map(|f| f as u64)
                .unwrap_or(0);
            if n > 0 {
                let sample_q = format!(
                    "SELECT CONCAT_WS(', ', {}) FROM {table} WHERE {} LIMIT 5",
                    key_cols.join(", "),
                    c.condition
                );
                let sample: Vec<Vec<u8>> = conn.query(&sample_q).context("sampling the affected rows")?;
                findings.push(Finding {
                    what: c.what.clone(),
                    rows: n,
                    sample: sample.iter().map(|b| format!("({})", String::from_utf8_lossy(b))).collect(),
                });
            }
        }
    }
    for (what, q) in unique_checks(plan) {
        info!("checking {table} for duplicates of a new unique key");
        let dups: Vec<(Vec<u8>, u64)> = conn.query(&q).with_context(|| format!("checking for duplicates: {q}"))?;
        if !dups.is_empty() {
            findings.push(Finding {
                what,
                rows: dups.iter().map(|(_, n)| *n).sum(),
                sample: dups.iter().map(|(v, n)| format!("({}) x{n}", String::from_utf8_lossy(v))).collect(),
            });
        }
    }
    Ok(findings)
}

/// Refuses the migration on findings, or warns with `--allow-lossy`.
pub fn enforce(findings: &[Finding], allow_lossy: bool, table: &Table) -> Result<()> {
    if findings.is_empty() {
        return Ok(());
    }
    let lines: Vec<String> =
        findings.iter().map(|f| format!("{}: {} row(s), e.g. {}", f.what, f.rows, f.sample.join(" "))).collect();
    if allow_lossy {
        for l in &lines {
            warn!("--allow-lossy: {l}; these values will be changed by the copy");
        }
        return Ok(());
    }
    Err(Error::refused(format!(
        "the ALTER would lose or change data in {}:\n    {}",
        sql::table(&table.database, &table.name),
        lines.join("\n    ")
    ))
    .hint(
        "fix those rows (or the --alter) first; --allow-lossy migrates anyway and lets the server convert the values",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Column;

    fn col(kind: Kind, column_type: &str) -> Column {
        Column { name: "c".into(), column_type: column_type.into(), kind, ..Column::default() }
    }

    #[test]
    fn integer_narrowing() {
        let s = SharedColumn {
            orig: col(Kind::Int { bytes: 4, unsigned: false }, "int"),
            ghost: col(Kind::Int { bytes: 2, unsigned: false }, "smallint"),
        };
        let c = column_checks(&s);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].condition, "(`c` < -32768 OR `c` > 32767)");
        let widen = SharedColumn {
            orig: col(Kind::Int { bytes: 2, unsigned: false }, "smallint"),
            ghost: col(Kind::Int { bytes: 8, unsigned: false }, "bigint"),
        };
        assert!(column_checks(&widen).is_empty());
        let to_unsigned = SharedColumn {
            orig: col(Kind::Int { bytes: 4, unsigned: false }, "int"),
            ghost: col(Kind::Int { bytes: 4, unsigned: true }, "int unsigned"),
        };
        assert_eq!(column_checks(&to_unsigned)[0].condition, "(`c` < 0 OR `c` > 4294967295)");
    }

    #[test]
    fn not_null_and_strings() {
        let mut o = col(Kind::Text { charset: "utf8mb4".into(), collation: "utf8mb4_bin".into() }, "varchar(100)");
        o.nullable = true;
        let mut g = col(Kind::Text { charset: "latin1".into(), collation: "latin1_bin".into() }, "varchar(10)");
        g.max_chars = Some(10);
        g.max_bytes = Some(10);
        let checks = column_checks(&SharedColumn { orig: o, ghost: g });
        let conds: Vec<&str> = checks.iter().map(|c| c.condition.as_str()).collect();
        assert_eq!(conds[0], "`c` IS NULL");
        assert_eq!(conds[1], "CHAR_LENGTH(`c`) > 10");
        assert!(conds[2].contains("CONVERT(CONVERT(`c` USING latin1) USING utf8mb4)"));
    }

    #[test]
    fn enum_members_removed() {
        let e = |m: &[&str]| Kind::Enum { members: m.iter().map(|s| s.to_string()).collect() };
        let s = SharedColumn {
            orig: col(e(&["a", "b", "c"]), "enum('a','b','c')"),
            ghost: col(e(&["a", "c"]), "enum('a','c')"),
        };
        let c = column_checks(&s);
        assert_eq!(c[0].condition, "(`c` + 0) IN (2)");
        assert!(c[0].what.contains("'b'"));
        assert_eq!(c[1].condition, "(`c` + 0) IN (3)", "'c' becomes number 2");
        let reorder =
            SharedColumn { orig: col(e(&["a", "b"]), "enum('a','b')"), ghost: col(e(&["b", "a"]), "enum('b','a')") };
        let c = column_checks(&reorder);
        assert_eq!(c.len(), 1, "reordering keeps every value by name, but renumbers them");
        assert_eq!(c[0].condition, "(`c` + 0) IN (1, 2)");
        assert!(c[0].what.contains("renumbers"));
        let appended = SharedColumn {
            orig: col(e(&["a", "b"]), "enum('a','b')"),
            ghost: col(e(&["a", "b", "c"]), "enum('a','b','c')"),
        };
        assert!(column_checks(&appended).is_empty(), "a member added at the end changes nothing");
        let st = |m: &[&str]| Kind::Set { members: m.iter().map(|s| s.to_string()).collect() };
        let s = SharedColumn {
            orig: col(st(&["x", "y", "z"]), "set('x','y','z')"),
            ghost: col(st(&["x", "z"]), "set('x','z')"),
        };
        assert_eq!(column_checks(&s)[0].condition, "((`c` + 0) & 2) <> 0");
    }

    #[test]
    fn fractional_seconds() {
        let mut o = col(Kind::DateTime, "datetime(6)");
        o.fraction_digits = Some(6);
        let mut g = col(Kind::DateTime, "datetime(3)");
        g.fraction_digits = Some(3);
        assert_eq!(column_checks(&SharedColumn { orig: o, ghost: g })[0].condition, "MICROSECOND(`c`) % 1000 <> 0");
    }
}
