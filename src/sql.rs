//! Every SQL statement ghost-rs sends that depends on names or values is built here: identifier
//! quoting, the chunk copy, the key range walk, the batched apply, the cut-over statements.
//! Pure functions, unit-tested for odd names; values always travel as placeholders.
//!
//! Values and key bounds are sent on connections in `SET NAMES binary` (bytes are never
//! transcoded through a Rust `String`). Placeholders for text columns therefore say which
//! charset the bytes are in (`CONVERT(? USING latin1)`), and comparisons name the column's own
//! collation, so that a lookup matches exactly the rows the server's own unique check would
//! match and the range walk orders keys the way the index does.

use crate::plan::{Plan, SharedColumn};
use crate::schema::{Column, Kind};

/// Quotes an identifier with backticks, doubling any backtick inside.
pub fn ident(name: &str) -> String {
    let mut s = String::with_capacity(name.len() + 2);
    s.push('`');
    for c in name.chars() {
        if c == '`' {
            s.push('`');
        }
        s.push(c);
    }
    s.push('`');
    s
}

/// `` `database`.`table` ``
pub fn table(database: &str, name: &str) -> String {
    format!("{}.{}", ident(database), ident(name))
}

/// A string literal for the few places a placeholder cannot go (DDL comments, SHOW ... LIKE):
/// quotes doubled and backslashes doubled, so it is the same literal with or without
/// NO_BACKSLASH_ESCAPES... except that under NO_BACKSLASH_ESCAPES a doubled backslash stays two
/// characters; callers only pass text without backslashes.
pub fn literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\'' => out.push_str("''"),
            '\\' => out.push_str("\\\\"),
            '\0' => out.push_str("\\0"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// Charset and collation names come from the server; keep them to the characters such names
/// have, so they can be spliced into `CONVERT(... USING cs)` and `COLLATE coll`.
fn bare(name: &str) -> String {
    name.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').collect()
}

fn join_idents<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.map(ident).collect::<Vec<_>>().join(", ")
}

/// The placeholder for writing one value of `c` into the ghost table.
pub fn value_expr(c: &SharedColumn) -> String {
    match &c.orig.kind {
        Kind::Text { charset, .. } => format!("CONVERT(? USING {})", bare(charset)),
        Kind::Json => "CONVERT(? USING utf8mb4)".to_string(),
        Kind::Enum { .. } | Kind::Set { .. } if !c.ordinals_compatible() => "CONVERT(? USING utf8mb4)".to_string(),
        _ => "?".to_string(),
    }
}

/// The placeholder for comparing a key value with a column of a table: in the bytes' charset
/// (`from`), converted to the column's, compared in the column's collation.
fn key_expr(from: &Column, to: &Column) -> String {
    match (&from.kind, &to.kind) {
        (Kind::Text { charset: fc, .. }, Kind::Text { charset: tc, collation }) if fc == tc => {
            format!("CONVERT(? USING {}) COLLATE {}", bare(fc), bare(collation))
        }
        (Kind::Text { charset: fc, .. }, Kind::Text { charset: tc, collation }) => {
            format!("CONVERT(CONVERT(? USING {}) USING {}) COLLATE {}", bare(fc), bare(tc), bare(collation))
        }
        (Kind::Text { charset: fc, .. }, _) => format!("CONVERT(? USING {})", bare(fc)),
        _ => "?".to_string(),
    }
}

/// How a column's values compare between the two tables: unchanged columns as they are, a
/// changed type through a common representation (numbers as DECIMAL or DOUBLE, text in
/// utf8mb4, ENUM/SET by name, temporal values at microsecond precision).
pub fn compare_expr(c: &SharedColumn, col: &str) -> String {
    if c.orig.column_type == c.ghost.column_type && c.orig.kind == c.ghost.kind {
        return col.to_string();
    }
    let numeric = |k: &Kind| matches!(k, Kind::Int { .. } | Kind::Decimal | Kind::Bit { .. } | Kind::Year);
    let floating = |k: &Kind| matches!(k, Kind::Float | Kind::Double);
    let textual = |k: &Kind| matches!(k, Kind::Text { .. } | Kind::Enum { .. } | Kind::Set { .. } | Kind::Json);
    let temporal = |k: &Kind| matches!(k, Kind::Date | Kind::DateTime | Kind::Timestamp);
    let (o, g) = (&c.orig.kind, &c.ghost.kind);
    if floating(o) || floating(g) {
        format!("CAST({col} AS DOUBLE)")
    } else if numeric(o) && numeric(g) {
        format!("CAST({col} + 0 AS DECIMAL(65,30))")
    } else if textual(o) || textual(g) {
        // from the column's own charset (CAST AS CHAR would use the connection's: binary)
        format!("CONVERT({col} USING utf8mb4)")
    } else if temporal(o) && temporal(g) {
        format!("CAST({col} AS DATETIME(6))")
    } else if matches!((o, g), (Kind::Time, Kind::Time)) {
        format!("CAST({col} AS TIME(6))")
    } else {
        col.to_string()
    }
}

/// A statement with placeholders, and for each placeholder the index of the key column whose
/// value it takes (for statements parameterised by key tuples).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyStatement {
    pub sql: String,
    /// One entry per placeholder: `Some(i)` = key column `i` of the bound, `None` = an extra
    /// parameter documented by the builder.
    pub params: Vec<Param>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param {
    /// Key column `i` of the lower bound.
    Lower(usize),
    /// Key column `i` of the upper bound.
    Upper(usize),
    /// The row offset of the next chunk end.
    Offset,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Gt,
    Ge,
    Le,
}

/// `(k1, k2, ...) <op> (bound)` expanded into ORs of ANDs, the form both MySQL and MariaDB
/// turn into an index range: `(a > ?) OR (a = ? AND b > ?)`.
fn tuple_cmp(cols: &[String], exprs: &[String], op: Cmp, bound: fn(usize) -> Param, params: &mut Vec<Param>) -> String {
    let (strict, last) = match op {
        Cmp::Gt => (">", ">"),
        Cmp::Ge => (">", ">="),
        Cmp::Le => ("<", "<="),
    };
    let n = cols.len();
    let mut ors = Vec::with_capacity(n);
    for i in 0..n {
        let mut ands = Vec::with_capacity(i + 1);
        for j in 0..i {
            ands.push(format!("{} = {}", cols[j], exprs[j]));
            params.push(bound(j));
        }
        let op = if i == n - 1 { last } else { strict };
        ands.push(format!("{} {} {}", cols[i], op, exprs[i]));
        params.push(bound(i));
        ors.push(format!("({})", ands.join(" AND ")));
    }
    if ors.len() == 1 {
        ors.pop().expect("one element")
    } else {
        format!("({})", ors.join(" OR "))
    }
}

/// Statements on the original and ghost table of one plan.
pub struct Builder<'a> {
    plan: &'a Plan,
    orig: String,
    ghost: String,
    /// Quoted key column names on the original.
    key_cols: Vec<String>,
    /// Placeholders comparing with the original's key columns.
    key_exprs_orig: Vec<String>,
    /// The key columns as the range walk reads them: ENUM and SET as their numbers (the
    /// index orders them by number; compared with a name they would compare as strings).
    key_select: Vec<String>,
    /// `LOCK IN SHARE MODE` (MariaDB) or `FOR SHARE` (MySQL 8+).
    share_lock: &'static str,
}

impl<'a> Builder<'a> {
    pub fn plan(&self) -> &'a Plan {
        self.plan
    }

    pub fn new(plan: &'a Plan, mysql_8_or_later: bool) -> Self {
        let key_cols = plan.key_columns().map(|c| ident(&c.orig.name)).collect();
        let key_exprs_orig = plan.key_columns().map(|c| key_expr(&c.orig, &c.orig)).collect();
        let key_select = plan
            .key_columns()
            .map(|c| match c.orig.kind {
                Kind::Enum { .. } | Kind::Set { .. } => format!("CAST({} AS UNSIGNED)", ident(&c.orig.name)),
                _ => ident(&c.orig.name),
            })
            .collect();
        Builder {
            plan,
            orig: table(&plan.orig.database, &plan.orig.name),
            ghost: table(&plan.orig.database, &plan.ghost_name),
            key_cols,
            key_exprs_orig,
            key_select,
            share_lock: if mysql_8_or_later { "FOR SHARE" } else { "LOCK IN SHARE MODE" },
        }
    }

    fn force_index(&self) -> String {
        format!("FORCE INDEX ({})", ident(&self.plan.key_name))
    }

    fn order_by(&self, desc: bool) -> String {
        let dir = if desc { " DESC" } else { "" };
        self.key_cols.iter().map(|c| format!("{c}{dir}")).collect::<Vec<_>>().join(", ")
    }

    /// The smallest (or largest) key of the original table.
    pub fn key_bound(&self, largest: bool) -> String {
        format!(
            "SELECT {} FROM {} {} ORDER BY {} LIMIT 1",
            self.key_select.join(", "),
            self.orig,
            self.force_index(),
            self.order_by(largest)
        )
    }

    /// The key `OFFSET` rows after the lower bound, not beyond the upper bound: the end of the
    /// next chunk. `inclusive` includes the lower bound itself (the first chunk).
    pub fn chunk_end(&self, inclusive: bool) -> KeyStatement {
        let mut params = Vec::new();
        let lower = tuple_cmp(
            &self.key_cols,
            &self.key_exprs_orig,
            if inclusive { Cmp::Ge } else { Cmp::Gt },
            Param::Lower,
            &mut params,
        );
        let upper = tuple_cmp(&self.key_cols, &self.key_exprs_orig, Cmp::Le, Param::Upper, &mut params);
        params.push(Param::Offset);
        let sql = format!(
            "SELECT {} FROM {} {} WHERE {} AND {} ORDER BY {} LIMIT 1 OFFSET ?",
            self.key_select.join(", "),
            self.orig,
            self.force_index(),
            lower,
            upper,
            self.order_by(false)
        );
        KeyStatement { sql, params }
    }

    /// Copies the rows with key in (lower, upper] (or [lower, upper]) into the ghost table,
    /// locking them in share mode so that no change to them can commit (and reach the binlog)
    /// between the read and the write.
    pub fn copy_chunk(&self, inclusive: bool) -> KeyStatement {
        let mut params = Vec::new();
        let lower = tuple_cmp(
            &self.key_cols,
            &self.key_exprs_orig,
            if inclusive { Cmp::Ge } else { Cmp::Gt },
            Param::Lower,
            &mut params,
        );
        let upper = tuple_cmp(&self.key_cols, &self.key_exprs_orig, Cmp::Le, Param::Upper, &mut params);
        let sql = format!(
            "INSERT IGNORE INTO {} ({}) SELECT {} FROM {} {} WHERE {} AND {} {}",
            self.ghost,
            join_idents(self.plan.columns.iter().map(|c| c.ghost.name.as_str())),
            join_idents(self.plan.columns.iter().map(|c| c.orig.name.as_str())),
            self.orig,
            self.force_index(),
            lower,
            upper,
            self.share_lock
        );
        KeyStatement { sql, params }
    }

    /// The key range `(lower, upper]` (or `[lower, upper]`, or everything) as a WHERE clause on
    /// the original or on the ghost table (key values are in the original's bytes).
    fn range(&self, ghost: bool, inclusive: bool, whole: bool, params: &mut Vec<Param>) -> String {
        if whole {
            return "1 = 1".to_string();
        }
        let (cols, exprs): (Vec<String>, Vec<String>) = if ghost {
            self.plan.key_columns().map(|c| (ident(&c.ghost.name), key_expr(&c.orig, &c.ghost))).unzip()
        } else {
            (self.key_cols.clone(), self.key_exprs_orig.clone())
        };
        let lower = tuple_cmp(&cols, &exprs, if inclusive { Cmp::Ge } else { Cmp::Gt }, Param::Lower, params);
        let upper = tuple_cmp(&cols, &exprs, Cmp::Le, Param::Upper, params);
        format!("{lower} AND {upper}")
    }

    /// A checksum of the rows in a key range of one side, over the shared columns, with values
    /// whose type the ALTER changed compared by value: `COUNT(*)`, `BIT_XOR(CRC32(row))`,
    /// `SUM(CRC32(row))`. `whole`: the whole table (when the key's ordering differs between
    /// the two tables, ranges would not hold the same rows).
    pub fn checksum_chunk(&self, ghost: bool, inclusive: bool, whole: bool) -> KeyStatement {
        let mut params = Vec::new();
        let range = self.range(ghost, inclusive, whole, &mut params);
        let mut parts = Vec::new();
        let mut nulls = Vec::new();
        for c in &self.plan.columns {
            let col = ident(if ghost { &c.ghost.name } else { &c.orig.name });
            parts.push(format!("CAST({} AS BINARY)", compare_expr(c, &col)));
            nulls.push(format!("ISNULL({col})"));
        }
        let row = format!("CONCAT_WS('#', CONCAT({}), {})", nulls.join(", "), parts.join(", "));
        let (table, index) = if ghost {
            (&self.ghost, format!("FORCE INDEX ({})", ident(&self.plan.ghost_key_name)))
        } else {
            (&self.orig, self.force_index())
        };
        // The server evaluates the row expression once per aggregate: a chunk's hashes are
        // computed once in a derived table (the LIMIT keeps it from being merged back), which
        // made a chunk's checksum ~40% cheaper. Not for the whole table, which would
        // materialise a hash per row of it.
        let sql = if whole {
            format!(
                "SELECT COUNT(*), COALESCE(BIT_XOR(CRC32({row})), 0), COALESCE(SUM(CRC32({row})), 0) FROM {table} {index} WHERE {range}"
            )
        } else {
            format!(
                "SELECT COUNT(*), COALESCE(BIT_XOR(h), 0), COALESCE(SUM(h), 0) FROM \
                 (SELECT CRC32({row}) AS h FROM {table} {index} WHERE {range} LIMIT 18446744073709551615) AS chunk"
            )
        };
        KeyStatement { sql, params }
    }

    /// The key and the row checksum of each row of a range of one side (to name the rows that
    /// differ).
    pub fn row_checksums(&self, ghost: bool, inclusive: bool, whole: bool) -> KeyStatement {
        let mut params = Vec::new();
        let range = self.range(ghost, inclusive, whole, &mut params);
        let parts: Vec<String> = self
            .plan
            .columns
            .iter()
            .map(|c| {
                let col = ident(if ghost { &c.ghost.name } else { &c.orig.name });
                format!("CAST({} AS BINARY)", compare_expr(c, &col))
            })
            .collect();
        let nulls: Vec<String> = self
            .plan
            .columns
            .iter()
            .map(|c| format!("ISNULL({})", ident(if ghost { &c.ghost.name } else { &c.orig.name })))
            .collect();
        let keys: Vec<String> =
            self.plan.key_columns().map(|c| ident(if ghost { &c.ghost.name } else { &c.orig.name })).collect();
        let table = if ghost { &self.ghost } else { &self.orig };
        let sql = format!(
            "SELECT CONCAT_WS(', ', {}), CRC32(CONCAT_WS('#', CONCAT({}), {})) FROM {table} WHERE {range}",
            keys.join(", "),
            nulls.join(", "),
            parts.join(", ")
        );
        KeyStatement { sql, params }
    }

    /// Re-copies a key range: removes the ghost's rows there and copies the original's, share
    /// locked (the checksum's repair).
    pub fn repair_chunk(&self, inclusive: bool, whole: bool) -> (KeyStatement, KeyStatement) {
        let mut dparams = Vec::new();
        let drange = self.range(true, inclusive, whole, &mut dparams);
        let delete = KeyStatement { sql: format!("DELETE FROM {} WHERE {drange}", self.ghost), params: dparams };
        let mut cparams = Vec::new();
        let crange = self.range(false, inclusive, whole, &mut cparams);
        let copy = KeyStatement {
            sql: format!(
                "REPLACE INTO {} ({}) SELECT {} FROM {} {} WHERE {crange} {}",
                self.ghost,
                join_idents(self.plan.columns.iter().map(|c| c.ghost.name.as_str())),
                join_idents(self.plan.columns.iter().map(|c| c.orig.name.as_str())),
                self.orig,
                self.force_index(),
                self.share_lock
            ),
            params: cparams,
        };
        (delete, copy)
    }

    /// `REPLACE INTO ghost (...) VALUES (...), ...` for `rows` rows of all shared columns.
    pub fn replace_rows(&self, rows: usize) -> String {
        let tuple = format!("({})", self.plan.columns.iter().map(value_expr).collect::<Vec<_>>().join(", "));
        let mut sql = format!(
            "REPLACE INTO {} ({}) VALUES ",
            self.ghost,
            join_idents(self.plan.columns.iter().map(|c| c.ghost.name.as_str()))
        );
        push_repeated(&mut sql, &tuple, rows);
        sql
    }

    /// `DELETE FROM ghost WHERE key IN (...)` for `rows` key tuples (in the original's bytes).
    pub fn delete_rows(&self, rows: usize) -> String {
        let cols: Vec<String> = self.plan.key_columns().map(|c| ident(&c.ghost.name)).collect();
        let exprs: Vec<String> = self.plan.key_columns().map(|c| key_expr(&c.orig, &c.ghost)).collect();
        let mut sql = format!("DELETE FROM {} WHERE ", self.ghost);
        if cols.len() == 1 {
            sql.push_str(&cols[0]);
            sql.push_str(" IN (");
            push_repeated(&mut sql, &exprs[0], rows);
            sql.push(')');
        } else {
            let one = format!(
                "({})",
                cols.iter().zip(&exprs).map(|(c, e)| format!("{c} = {e}")).collect::<Vec<_>>().join(" AND ")
            );
            push_repeated_sep(&mut sql, &one, rows, " OR ");
        }
        sql
    }
}

fn push_repeated(sql: &mut String, item: &str, n: usize) {
    push_repeated_sep(sql, item, n, ", ")
}

fn push_repeated_sep(sql: &mut String, item: &str, n: usize, sep: &str) {
    sql.reserve((item.len() + sep.len()) * n);
    for i in 0..n {
        if i > 0 {
            sql.push_str(sep);
        }
        sql.push_str(item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Plan, TableNames};
    use crate::schema::{Key, Table};

    fn col(name: &str, pos: usize, kind: Kind) -> Column {
        Column::for_test(name, pos, kind)
    }
    fn text(cs: &str, coll: &str) -> Kind {
        Kind::Text { charset: cs.into(), collation: coll.into() }
    }
    fn plan(table_name: &str, cols: Vec<Column>, ghost_cols: Vec<Column>, key: &[&str]) -> Plan {
        let keys = vec![Key {
            name: "PRIMARY".into(),
            primary: true,
            unique: true,
            columns: key.iter().map(|s| s.to_string()).collect(),
            nullable: false,
            partial: false,
            prefixes: vec![None; cols.len()],
        }];
        let t = |c| Table {
            database: "my db".into(),
            name: table_name.into(),
            engine: "InnoDB".into(),
            columns: c,
            keys: keys.clone(),
            estimated_rows: 0,
        };
        let alter = crate::alter::parse_alter("FORCE", table_name).unwrap();
        Plan::new(t(cols), t(ghost_cols), TableNames::new(table_name, None).unwrap(), &alter, false, false).unwrap()
    }

    #[test]
    fn quoting_odd_names() {
        assert_eq!(ident("plain"), "`plain`");
        assert_eq!(ident("a`b"), "`a``b`");
        assert_eq!(ident("``"), "``````");
        assert_eq!(ident("with space"), "`with space`");
        assert_eq!(ident("prénom 名前 🦀"), "`prénom 名前 🦀`");
        assert_eq!(ident("select"), "`select`");
        assert_eq!(ident("a.b"), "`a.b`");
        assert_eq!(table("my db", "t`1"), "`my db`.`t``1`");
        assert_eq!(literal("it's a \\ test"), "'it''s a \\\\ test'");
    }

    #[test]
    fn copy_single_int_key() {
        let int = Kind::Int { bytes: 4, unsigned: false };
        let p = plan(
            "t",
            vec![col("id", 0, int.clone()), col("v", 1, int.clone())],
            vec![col("id", 0, int.clone()), col("v", 1, int)],
            &["id"],
        );
        let b = Builder::new(&p, true);
        let s = b.copy_chunk(false);
        assert_eq!(
            s.sql,
            "INSERT IGNORE INTO `my db`.`_t_gho` (`id`, `v`) SELECT `id`, `v` FROM `my db`.`t` FORCE INDEX (`PRIMARY`) \
             WHERE (`id` > ?) AND (`id` <= ?) FOR SHARE"
        );
        assert_eq!(s.params, vec![Param::Lower(0), Param::Upper(0)]);
        assert!(Builder::new(&p, false)
            .copy_chunk(true)
            .sql
            .ends_with("WHERE (`id` >= ?) AND (`id` <= ?) LOCK IN SHARE MODE"));
        assert_eq!(
            b.key_bound(true),
            "SELECT `id` FROM `my db`.`t` FORCE INDEX (`PRIMARY`) ORDER BY `id` DESC LIMIT 1"
        );
        // a chunk's checksum hashes each row once, in a derived table the server cannot merge
        let row = "CRC32(CONCAT_WS('#', CONCAT(ISNULL(`id`), ISNULL(`v`)), CAST(`id` AS BINARY), CAST(`v` AS BINARY)))";
        let ck = b.checksum_chunk(true, false, false);
        assert_eq!(
            ck.sql,
            format!(
                "SELECT COUNT(*), COALESCE(BIT_XOR(h), 0), COALESCE(SUM(h), 0) FROM (SELECT {row} AS h \
                 FROM `my db`.`_t_gho` FORCE INDEX (`PRIMARY`) WHERE (`id` > ?) AND (`id` <= ?) \
                 LIMIT 18446744073709551615) AS chunk"
            )
        );
        assert_eq!(ck.params, vec![Param::Lower(0), Param::Upper(0)]);
        // the whole table is not materialised
        let whole = b.checksum_chunk(false, true, true).sql;
        assert!(whole.starts_with(&format!("SELECT COUNT(*), COALESCE(BIT_XOR({row}), 0)")), "{whole}");
        assert!(!whole.contains("LIMIT"), "{whole}");
    }

    #[test]
    fn composite_key_ranges_and_odd_names() {
        let int = Kind::Int { bytes: 8, unsigned: true };
        let s = text("latin1", "latin1_swedish_ci");
        let cols = vec![col("select", 0, int.clone()), col("a`b c", 1, s.clone()), col("名前", 2, int.clone())];
        let p = plan("odd `table`", cols.clone(), cols, &["select", "a`b c"]);
        let b = Builder::new(&p, true);
        let e = b.chunk_end(false);
        assert_eq!(
            e.sql,
            "SELECT `select`, `a``b c` FROM `my db`.`odd ``table``` FORCE INDEX (`PRIMARY`) WHERE \
             ((`select` > ?) OR (`select` = ? AND `a``b c` > CONVERT(? USING latin1) COLLATE latin1_swedish_ci)) AND \
             ((`select` < ?) OR (`select` = ? AND `a``b c` <= CONVERT(? USING latin1) COLLATE latin1_swedish_ci)) \
             ORDER BY `select`, `a``b c` LIMIT 1 OFFSET ?"
        );
        assert_eq!(
            e.params,
            vec![
                Param::Lower(0),
                Param::Lower(0),
                Param::Lower(1),
                Param::Upper(0),
                Param::Upper(0),
                Param::Upper(1),
                Param::Offset
            ]
        );
        assert_eq!(
            b.delete_rows(2),
            "DELETE FROM `my db`.`_odd ``table``_gho` WHERE \
             (`select` = ? AND `a``b c` = CONVERT(? USING latin1) COLLATE latin1_swedish_ci) OR \
             (`select` = ? AND `a``b c` = CONVERT(? USING latin1) COLLATE latin1_swedish_ci)"
        );
        assert_eq!(
            b.replace_rows(2),
            "REPLACE INTO `my db`.`_odd ``table``_gho` (`select`, `a``b c`, `名前`) VALUES \
             (?, CONVERT(? USING latin1), ?), (?, CONVERT(? USING latin1), ?)"
        );
    }

    #[test]
    fn charset_conversion_in_lookups() {
        let o = vec![col("k", 0, text("latin1", "latin1_bin"))];
        let g = vec![col("k", 0, text("utf8mb4", "utf8mb4_bin"))];
        let p = plan("t", o, g, &["k"]);
        assert_eq!(
            Builder::new(&p, true).delete_rows(1),
            "DELETE FROM `my db`.`_t_gho` WHERE `k` IN (CONVERT(CONVERT(? USING latin1) USING utf8mb4) COLLATE utf8mb4_bin)"
        );
    }

    #[test]
    fn enum_values_by_ordinal_or_name() {
        let e = |m: &[&str]| Kind::Enum { members: m.iter().map(|s| s.to_string()).collect() };
        let int = Kind::Int { bytes: 4, unsigned: false };
        let same = SharedColumn { orig: col("e", 1, e(&["a", "b"])), ghost: col("e", 1, e(&["a", "b", "c"])) };
        assert_eq!(value_expr(&same), "?");
        let reordered = SharedColumn { orig: col("e", 1, e(&["a", "b"])), ghost: col("e", 1, e(&["b", "a"])) };
        assert_eq!(value_expr(&reordered), "CONVERT(? USING utf8mb4)");
        let p = plan("t", vec![col("id", 0, int.clone())], vec![col("id", 0, int.clone())], &["id"]);
        assert_eq!(Builder::new(&p, true).delete_rows(3), "DELETE FROM `my db`.`_t_gho` WHERE `id` IN (?, ?, ?)");
        // an ENUM in the key is walked by number, the order of its index (by name, 'zulu' ..
        // 'mike' would be an empty range)
        let cols = vec![col("e", 0, e(&["zulu", "mike"])), col("id", 1, int)];
        let p = plan("t", cols.clone(), cols, &["e", "id"]);
        let b = Builder::new(&p, true);
        assert_eq!(
            b.key_bound(false),
            "SELECT CAST(`e` AS UNSIGNED), `id` FROM `my db`.`t` FORCE INDEX (`PRIMARY`) ORDER BY `e`, `id` LIMIT 1"
        );
        assert!(b.chunk_end(true).sql.starts_with("SELECT CAST(`e` AS UNSIGNED), `id` FROM"));
    }

    #[test]
    fn compare_expressions() {
        let int = |b| Kind::Int { bytes: b, unsigned: false };
        let sc = |o: Kind, g: Kind| SharedColumn {
            orig: Column { column_type: format!("{o:?}"), kind: o, ..Column::default() },
            ghost: Column { column_type: format!("{g:?}"), kind: g, ..Column::default() },
        };
        assert_eq!(compare_expr(&sc(int(4), int(4)), "`c`"), "`c`");
        assert_eq!(compare_expr(&sc(int(4), int(8)), "`c`"), "CAST(`c` + 0 AS DECIMAL(65,30))");
        assert_eq!(compare_expr(&sc(Kind::Float, Kind::Double), "`c`"), "CAST(`c` AS DOUBLE)");
        assert_eq!(
            compare_expr(&sc(text("latin1", "latin1_swedish_ci"), text("utf8mb4", "utf8mb4_general_ci")), "`c`"),
            "CONVERT(`c` USING utf8mb4)"
        );
        assert_eq!(compare_expr(&sc(Kind::DateTime, Kind::Timestamp), "`c`"), "CAST(`c` AS DATETIME(6))");
    }

    #[test]
    fn bare_names_cannot_inject() {
        assert_eq!(bare("utf8mb4_0900_ai_ci"), "utf8mb4_0900_ai_ci");
        assert_eq!(bare("latin1); DROP TABLE x; --"), "latin1DROPTABLEx");
    }
}
