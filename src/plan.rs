//! The migration plan: which columns are copied, which key the copy walks, and the names of
//! the tables ghost-rs creates. Built once, from the original table (read by the Inspector),
//! the ghost table (read after the ALTER ran on it) and the parsed ALTER; immutable afterwards.
//!
//! The **shared columns** are those present in both tables (a renamed column is paired with its
//! new name) that the ghost accepts writes into (its generated columns are computed by the
//! server). The **shared key** is a unique, NOT NULL, whole-value key whose columns are the same
//! in both tables: every row in either table is identified by it, which is what makes
//! `INSERT IGNORE` (copy) and `REPLACE`/`DELETE` (binlog apply) converge.

use crate::alter::AlterPlan;
use crate::error::{Error, Result};
use crate::schema::{Column, Kind, Table};
use crate::sql;

/// A column copied from the original to the ghost table.
#[derive(Debug, Clone)]
pub struct SharedColumn {
    pub orig: Column,
    pub ghost: Column,
}

impl SharedColumn {
    /// ENUM/SET ordinals mean the same member in both tables (the ghost kept the original's
    /// members in order, possibly adding more at the end): the binlog's ordinal can be written
    /// as is. Otherwise the member's name is written.
    pub fn ordinals_compatible(&self) -> bool {
        match (&self.orig.kind, &self.ghost.kind) {
            (Kind::Enum { members: a }, Kind::Enum { members: b })
            | (Kind::Set { members: a }, Kind::Set { members: b }) => b.len() >= a.len() && b[..a.len()] == a[..],
            _ => false,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Plan {
    pub orig: Table,
    /// The ghost table as read after the ALTER (kept for the checksum and the status).
    #[allow(dead_code)]
    pub ghost: Table,
    pub ghost_name: String,
    pub changelog_name: String,
    /// The name the original table gets at cut-over (also the sentry table's name).
    pub old_name: String,
    pub columns: Vec<SharedColumn>,
    /// Indexes into `columns`, in key order.
    pub key: Vec<usize>,
    /// The key's name on the original table (for FORCE INDEX) and on the ghost.
    pub key_name: String,
    pub ghost_key_name: String,
    /// Original columns not copied (dropped by the ALTER), for the plan printout.
    pub dropped: Vec<String>,
    /// Ghost columns that get their default (added by the ALTER).
    pub added: Vec<String>,
    /// Renames (old, new) that were approved.
    pub renamed: Vec<(String, String)>,
    /// The ALTER sets the table option AUTO_INCREMENT (then the original's is not carried over).
    pub alter_sets_auto_increment: bool,
}

/// Names of the tables ghost-rs creates for `table`, as gh-ost names them.
pub struct TableNames {
    pub ghost: String,
    pub changelog: String,
    pub old: String,
}

/// MySQL and MariaDB limit table names to 64 characters.
const MAX_NAME: usize = 64;

impl TableNames {
    pub fn new(table: &str, timestamp_old: Option<&str>) -> Result<TableNames> {
        let old = match timestamp_old {
            Some(ts) => format!("_{table}_{ts}_del"),
            None => format!("_{table}_del"),
        };
        let names = TableNames { ghost: format!("_{table}_gho"), changelog: format!("_{table}_ghc"), old };
        for n in [&names.ghost, &names.changelog, &names.old] {
            if n.chars().count() > MAX_NAME {
                return Err(Error::refused(format!(
                    "the helper table name {} would be longer than {MAX_NAME} characters",
                    sql::ident(n)
                ))
                .hint("rename the table to a shorter name first (or drop --timestamp-old-table)"));
            }
        }
        Ok(names)
    }
}

impl Plan {
    /// Pairs the tables. `alter` says which columns were renamed; renames must be approved
    /// (`approve_renames`) or skipped (`skip_renames`: the renamed column is not copied).
    pub fn new(
        orig: Table,
        ghost: Table,
        names: TableNames,
        alter: &AlterPlan,
        approve_renames: bool,
        skip_renames: bool,
    ) -> Result<Plan> {
        if !alter.renamed_columns.is_empty() && !approve_renames && !skip_renames {
            let list: Vec<String> =
                alter.renamed_columns.iter().map(|(a, b)| format!("{} -> {}", sql::ident(a), sql::ident(b))).collect();
            return Err(Error::refused(format!("the ALTER renames columns: {}", list.join(", ")))
                .hint("add --approve-renamed-columns to copy the data into the new names, or --skip-renamed-columns to leave the renamed columns empty"));
        }
        let renamed: Vec<(String, String)> = if skip_renames { Vec::new() } else { alter.renamed_columns.clone() };
        let is_renamed = |name: &str| alter.renamed_columns.iter().any(|(old, _)| old.eq_ignore_ascii_case(name));

        let mut columns = Vec::new();
        let mut dropped = Vec::new();
        for oc in &orig.columns {
            // Dropped columns (also one dropped and added again: a new column) and skipped
            // renames are not copied.
            let target = if skip_renames && is_renamed(&oc.name) { None } else { alter.ghost_column_name(&oc.name) };
            match target.as_deref().and_then(|t| ghost.column(t)) {
                Some(gc) => {
                    if !gc.generated {
                        columns.push(SharedColumn { orig: oc.clone(), ghost: gc.clone() });
                    }
                }
                _ => dropped.push(oc.name.clone()),
            }
        }
        let added: Vec<String> = ghost
            .columns
            .iter()
            .filter(|gc| !gc.generated && !columns.iter().any(|s| s.ghost.name == gc.name))
            .map(|gc| gc.name.clone())
            .collect();
        if columns.is_empty() {
            return Err(Error::refused("the original and the ghost table share no column")
                .hint("check the --alter: it must keep at least the key columns"));
        }

        let (key, key_name, ghost_key_name) = choose_key(&orig, &ghost, &columns)?;
        Ok(Plan {
            ghost_name: names.ghost,
            changelog_name: names.changelog,
            old_name: names.old,
            orig,
            ghost,
            columns,
            key,
            key_name,
            ghost_key_name,
            dropped,
            added,
            renamed,
            alter_sets_auto_increment: {
                let re = regex::Regex::new(r"(?i)(^|\s|,)AUTO_INCREMENT\s*(=\s*)?\d").expect("static regex");
                alter.clauses.iter().any(|c| re.is_match(c))
            },
        })
    }

    pub fn key_columns(&self) -> impl Iterator<Item = &SharedColumn> {
        self.key.iter().map(|&i| &self.columns[i])
    }

    /// Whether changes to different keys may be written by different connections in any
    /// order: only when equal key bytes are exactly equal keys (no collation, trailing-space
    /// or -0 equality, on either side) and the ghost has no other unique key that two rows
    /// could contend for. Otherwise the binlog order across keys matters and one writer keeps
    /// it.
    pub fn keys_independent(&self) -> bool {
        let exact = |k: &Kind| {
            matches!(
                k,
                Kind::Int { .. }
                    | Kind::Decimal
                    | Kind::Bit { .. }
                    | Kind::Year
                    | Kind::Date
                    | Kind::Time
                    | Kind::DateTime
                    | Kind::Timestamp
                    | Kind::Binary { fixed: None }
                    | Kind::Enum { .. }
                    | Kind::Set { .. }
            )
        };
        self.key_columns().all(|c| exact(&c.orig.kind) && exact(&c.ghost.kind))
            && self.ghost.keys.iter().filter(|k| k.unique || k.primary).all(|k| k.name == self.ghost_key_name)
    }
}

/// Picks the key the copy walks and the apply matches on: a usable unique key of the original
/// whose columns (through the renames) form a usable unique key of the ghost, with the same
/// column order. The primary key first, then the key with the fewest columns, integers first.
fn choose_key(orig: &Table, ghost: &Table, columns: &[SharedColumn]) -> Result<(Vec<usize>, String, String)> {
    if orig.usable_unique_keys().next().is_none() {
        return Err(Error::refused(format!(
            "table {} has no PRIMARY KEY and no UNIQUE key on NOT NULL columns",
            sql::table(&orig.database, &orig.name)
        ))
        .hint("ghost-rs needs a key that identifies every row: add a PRIMARY KEY (or a UNIQUE key on NOT NULL columns) first"));
    }
    let mut candidates = Vec::new();
    for ok in orig.usable_unique_keys() {
        let idx: Option<Vec<usize>> =
            ok.columns.iter().map(|c| columns.iter().position(|s| s.orig.name.eq_ignore_ascii_case(c))).collect();
        let Some(idx) = idx else { continue };
        let ghost_cols: Vec<&str> = idx.iter().map(|&i| columns[i].ghost.name.as_str()).collect();
        let gk = ghost.usable_unique_keys().find(|gk| {
            gk.columns.len() == ghost_cols.len()
                && gk.columns.iter().zip(&ghost_cols).all(|(a, b)| a.eq_ignore_ascii_case(b))
        });
        if let Some(gk) = gk {
            let ints = idx.iter().all(|&i| matches!(columns[i].orig.kind, Kind::Int { .. }));
            candidates.push((!ok.primary, idx.len(), !ints, idx, ok.name.clone(), gk.name.clone()));
        }
    }
    candidates.sort_by_key(|a| (a.0, a.1, a.2));
    match candidates.into_iter().next() {
        Some((_, _, _, idx, name, gname)) => Ok((idx, name, gname)),
        None => Err(Error::refused(format!(
            "no unique key of {} survives the ALTER unchanged",
            sql::table(&orig.database, &orig.name)
        ))
        .hint("keep the PRIMARY KEY or another UNIQUE key on NOT NULL columns with the same columns in both schemas (to change the primary key, make sure the new one already exists as a UNIQUE key)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Key;

    fn col(name: &str, pos: usize, kind: Kind) -> Column {
        Column::for_test(name, pos, kind)
    }
    fn int() -> Kind {
        Kind::Int { bytes: 4, unsigned: false }
    }
    fn key(name: &str, cols: &[&str]) -> Key {
        Key {
            name: name.into(),
            primary: name == "PRIMARY",
            unique: true,
            columns: cols.iter().map(|s| s.to_string()).collect(),
            nullable: false,
            partial: false,
            prefixes: vec![None; cols.len()],
        }
    }
    fn table(cols: Vec<Column>, keys: Vec<Key>) -> Table {
        Table {
            database: "d".into(),
            name: "t".into(),
            engine: "InnoDB".into(),
            columns: cols,
            keys,
            estimated_rows: 0,
        }
    }
    fn alter(text: &str) -> AlterPlan {
        crate::alter::parse_alter(text, "t").expect("valid alter")
    }
    fn names() -> TableNames {
        TableNames::new("t", None).unwrap()
    }

    #[test]
    fn shared_columns_with_drop_add_and_rename() {
        let orig =
            table(vec![col("id", 0, int()), col("a", 1, int()), col("b", 2, int())], vec![key("PRIMARY", &["id"])]);
        let ghost =
            table(vec![col("id", 0, int()), col("c", 1, int()), col("x", 2, int())], vec![key("PRIMARY", &["id"])]);
        let a = alter("DROP COLUMN a, CHANGE b c INT, ADD COLUMN x INT");
        assert!(Plan::new(orig.clone(), ghost.clone(), names(), &a, false, false).is_err());
        let p = Plan::new(orig.clone(), ghost.clone(), names(), &a, true, false).unwrap();
        let pairs: Vec<_> = p.columns.iter().map(|s| (s.orig.name.as_str(), s.ghost.name.as_str())).collect();
        assert_eq!(pairs, vec![("id", "id"), ("b", "c")]);
        assert_eq!(p.dropped, vec!["a"]);
        assert_eq!(p.added, vec!["x"]);
        let p = Plan::new(orig, ghost, names(), &a, false, true).unwrap();
        assert_eq!(p.columns.len(), 1);
        assert_eq!(p.added, vec!["c", "x"]);
    }

    #[test]
    fn key_choice_prefers_primary_then_survivor() {
        let cols = vec![col("id", 0, int()), col("u", 1, int())];
        let orig = table(cols.clone(), vec![key("PRIMARY", &["id"]), key("uk", &["u"])]);
        let ghost = table(cols.clone(), vec![key("PRIMARY", &["u"]), key("id_uk", &["id"])]);
        let p = Plan::new(orig, ghost, names(), &alter("DROP PRIMARY KEY, ADD PRIMARY KEY (u)"), false, false).unwrap();
        assert_eq!(p.key_name, "PRIMARY");
        assert_eq!(p.ghost_key_name, "id_uk");
        assert_eq!(p.key, vec![0]);
    }

    #[test]
    fn keys_independent_only_for_exact_keys_and_no_other_unique_key() {
        let cols = vec![col("id", 0, int()), col("u", 1, int())];
        let one = |keys: Vec<Key>| {
            let t = table(cols.clone(), keys);
            Plan::new(t.clone(), t, names(), &alter("ENGINE=InnoDB"), false, false).unwrap()
        };
        assert!(one(vec![key("PRIMARY", &["id"])]).keys_independent());
        assert!(!one(vec![key("PRIMARY", &["id"]), key("uk", &["u"])]).keys_independent());
        let text = Kind::Text { charset: "utf8mb4".into(), collation: "utf8mb4_bin".into() };
        let t = table(vec![col("s", 0, text)], vec![key("PRIMARY", &["s"])]);
        let p = Plan::new(t.clone(), t, names(), &alter("ENGINE=InnoDB"), false, false).unwrap();
        assert!(!p.keys_independent(), "PAD SPACE makes 'a' and 'a ' equal even in a _bin collation");
    }

    #[test]
    fn alter_setting_auto_increment() {
        let cols = vec![col("id", 0, int())];
        let t = table(cols, vec![key("PRIMARY", &["id"])]);
        let p = |a: &str| Plan::new(t.clone(), t.clone(), names(), &alter(a), false, false).unwrap();
        assert!(p("ENGINE=InnoDB AUTO_INCREMENT=100").alter_sets_auto_increment);
        assert!(p("AUTO_INCREMENT 7").alter_sets_auto_increment);
        assert!(!p("MODIFY id BIGINT AUTO_INCREMENT").alter_sets_auto_increment);
    }

    #[test]
    fn refuses_without_key() {
        let cols = vec![col("id", 0, int())];
        let orig = table(cols.clone(), vec![]);
        let e = Plan::new(orig, table(cols.clone(), vec![]), names(), &alter("ADD COLUMN x INT"), false, false)
            .unwrap_err();
        assert!(e.message.contains("no PRIMARY KEY"), "{e}");
        let orig = table(cols.clone(), vec![key("PRIMARY", &["id"])]);
        let e = Plan::new(orig, table(cols, vec![]), names(), &alter("DROP PRIMARY KEY"), false, false).unwrap_err();
        assert!(e.message.contains("survives"), "{e}");
    }

    #[test]
    fn generated_ghost_columns_are_not_written() {
        let mut g = col("g", 1, int());
        g.generated = true;
        let orig = table(vec![col("id", 0, int()), col("g", 1, int())], vec![key("PRIMARY", &["id"])]);
        let ghost = table(vec![col("id", 0, int()), g], vec![key("PRIMARY", &["id"])]);
        let p = Plan::new(orig, ghost, names(), &alter("FORCE"), false, false).unwrap();
        assert_eq!(p.columns.len(), 1);
        assert!(p.added.is_empty());
    }

    #[test]
    fn enum_compatibility() {
        let e = |m: &[&str]| Kind::Enum { members: m.iter().map(|s| s.to_string()).collect() };
        let s = |a, b| SharedColumn { orig: col("e", 0, a), ghost: col("e", 0, b) };
        assert!(s(e(&["a", "b"]), e(&["a", "b", "c"])).ordinals_compatible());
        assert!(!s(e(&["a", "b"]), e(&["b", "a"])).ordinals_compatible());
        assert!(
            !s(e(&["a", "b"]), Kind::Text { charset: "utf8mb4".into(), collation: "x".into() }).ordinals_compatible()
        );
    }

    #[test]
    fn long_names_refused() {
        assert!(TableNames::new(&"x".repeat(59), None).is_ok());
        assert!(TableNames::new(&"x".repeat(60), None).is_err());
        let n = TableNames::new("t", Some("20260102030405")).unwrap();
        assert_eq!(n.old, "_t_20260102030405_del");
    }
}
