//! `--defer-secondary-indexes`: the ghost table's plain secondary indexes are dropped while it
//! is still empty and built again, in one `ALTER TABLE ... ADD KEY ...`, after the row copy.
//!
//! Inserting rows into a B-tree in key order costs little; keeping every secondary index up to
//! date row by row (random positions, page splits) is what makes a copy slow. Measured here on
//! 1M sysbench rows (doc/performance.md): `INSERT ... SELECT` into the new structure with its
//! two secondary indexes 13.9 s; into the primary key alone 3.7 s, then the two indexes built by
//! sorting 3.3 s. The price: the `ALTER` that builds them replicates as one statement, and every
//! replica applies nothing else while it runs it (replication lag of about the build's time).
//! That is why the default (`auto`, decided by the Inspector) defers only where nothing
//! replicates from the server that writes the ghost.
//!
//! Only plain `KEY`s are deferred. `PRIMARY` and `UNIQUE` keys stay: the copy's `INSERT IGNORE`
//! and the apply's `REPLACE` depend on them. `FULLTEXT` and `SPATIAL` indexes stay too (they
//! cannot be built online). An index the server will not drop (the only index of an
//! AUTO_INCREMENT column) stays.
//!
//! The definitions are kept in the changelog table (hint `deferred_indexes`), so that a resumed
//! run builds them too. Building skips an index that already exists: a run interrupted after
//! the build and before the row was removed builds nothing twice.
//!
//! Talks to: the applier server (its own connections); the migrator decides when.

use log::{debug, info};
use mysql::prelude::Queryable;
use mysql::Conn;

use crate::checkpoint::{hex, unhex};
use crate::db::Endpoint;
use crate::error::{Context, Error, Result};
use crate::plan::Plan;
use crate::sql;

/// The changelog row that holds the deferred definitions.
const CHANGELOG_ID: u64 = 4;
const CHANGELOG_HINT: &str = "deferred_indexes";

/// A plain secondary index of a `SHOW CREATE TABLE` text: its name and its definition as
/// written there (`KEY `name` (...) ...`, usable after `ADD `).
#[derive(Debug, Clone, PartialEq)]
pub struct IndexDef {
    pub name: String,
    pub definition: String,
}

/// The plain `KEY` lines of a `SHOW CREATE TABLE` text, except the key named `keep`.
pub fn plain_keys(create_table: &str, keep: &str) -> Vec<IndexDef> {
    create_table
        .lines()
        .filter_map(|line| {
            let def = line.trim().trim_end_matches(',');
            let rest = def.strip_prefix("KEY `")?;
            let name = quoted_name(rest)?;
            (name != keep).then(|| IndexDef { name, definition: def.to_string() })
        })
        .collect()
}

/// The identifier at the start of `s` (after its opening backtick), up to the closing one;
/// a doubled backtick is one backtick of the name.
fn quoted_name(s: &str) -> Option<String> {
    let mut name = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '`' {
            if chars.peek() == Some(&'`') {
                chars.next();
            } else {
                return Some(name);
            }
        }
        name.push(c);
    }
    None
}

/// The changelog value: the definitions, one per line, hex-encoded (the column is ASCII).
fn encode(defs: &[IndexDef]) -> String {
    let text: Vec<&str> = defs.iter().map(|d| d.definition.as_str()).collect();
    hex(text.join("\n").as_bytes())
}

fn decode(value: &str) -> Option<Vec<IndexDef>> {
    let text = String::from_utf8(unhex(value)?).ok()?;
    let defs: Vec<IndexDef> = text.lines().flat_map(|l| plain_keys(l, "")).collect();
    (defs.len() == text.lines().count()).then_some(defs)
}

fn show_create(conn: &mut Conn, plan: &Plan) -> Result<String> {
    let table = sql::table(&plan.orig.database, &plan.ghost_name);
    conn.query_drop("SET SESSION sql_quote_show_create = 1")?;
    let row: Option<(Vec<u8>, Vec<u8>)> =
        conn.query_first(format!("SHOW CREATE TABLE {table}")).with_context(|| format!("reading {table}"))?;
    let (_, create) = row.ok_or_else(|| Error::failed(format!("SHOW CREATE TABLE {table} returned nothing")))?;
    Ok(String::from_utf8_lossy(&create).into_owned())
}

/// Drops the plain secondary indexes of the (still empty) ghost table and records them in the
/// changelog; returns those dropped.
pub fn defer(conn: &mut Conn, plan: &Plan) -> Result<Vec<IndexDef>> {
    let create = show_create(conn, plan)?;
    let table = sql::table(&plan.orig.database, &plan.ghost_name);
    let mut deferred = Vec::new();
    for def in plain_keys(&create, &plan.ghost_key_name) {
        let stmt = format!("ALTER TABLE {table} DROP INDEX {}", sql::ident(&def.name));
        debug!("deferring an index: {stmt}");
        match conn.query_drop(&stmt) {
            Ok(()) => deferred.push(def),
            // e.g. the only index of an AUTO_INCREMENT column: it stays, and is filled row by row
            Err(e) => {
                info!("index {} of the ghost table is not deferred: {}", sql::ident(&def.name), Error::from(e).message)
            }
        }
    }
    if !deferred.is_empty() {
        super::write_changelog(
            conn,
            &plan.orig.database,
            &plan.changelog_name,
            CHANGELOG_ID,
            CHANGELOG_HINT,
            &encode(&deferred),
        )?;
        let names: Vec<String> = deferred.iter().map(|d| sql::ident(&d.name)).collect();
        info!("secondary indexes deferred until the row copy is done: {}", names.join(", "));
    }
    Ok(deferred)
}

/// The indexes still to build: those recorded in the changelog that the ghost does not have.
pub fn pending(endpoint: &Endpoint, plan: &Plan) -> Result<Vec<IndexDef>> {
    let mut conn = endpoint.connect("deferred indexes")?;
    let value: Option<Vec<u8>> = conn
        .exec_first(
            format!("SELECT value FROM {} WHERE id = ?", sql::table(&plan.orig.database, &plan.changelog_name)),
            (CHANGELOG_ID,),
        )
        .context("reading the deferred indexes from the changelog table")?;
    let Some(value) = value else { return Ok(Vec::new()) };
    let recorded = decode(&String::from_utf8_lossy(&value)).ok_or_else(|| {
        Error::failed("the changelog's record of the deferred indexes cannot be read")
            .hint("build them yourself after the migration (they are not on the ghost table), or start over with --initially-drop-ghost-table")
    })?;
    let present = present(&mut conn, plan)?;
    Ok(recorded.into_iter().filter(|d| !present.contains(&d.name)).collect())
}

/// Those of `defs` that the ghost table does not have (after the build: none, or it failed).
pub fn missing(endpoint: &Endpoint, plan: &Plan, defs: &[IndexDef]) -> Result<Vec<String>> {
    let present = present(&mut endpoint.connect("deferred indexes")?, plan)?;
    Ok(defs.iter().filter(|d| !present.contains(&d.name)).map(|d| sql::ident(&d.name)).collect())
}

/// The names of the ghost table's plain secondary indexes.
fn present(conn: &mut Conn, plan: &Plan) -> Result<Vec<String>> {
    Ok(plain_keys(&show_create(conn, plan)?, "").into_iter().map(|d| d.name).collect())
}

/// The statement that builds `defs` on the ghost table, all in one pass over it.
pub fn build_statement(database: &str, ghost: &str, defs: &[IndexDef]) -> String {
    let adds: Vec<String> = defs.iter().map(|d| format!("ADD {}", d.definition)).collect();
    format!("ALTER TABLE {} {}", sql::table(database, ghost), adds.join(", "))
}

/// Forgets the record once the indexes are built and checked.
pub fn done(conn: &mut Conn, plan: &Plan) -> Result<()> {
    conn.exec_drop(
        format!("DELETE FROM {} WHERE id = ?", sql::table(&plan.orig.database, &plan.changelog_name)),
        (CHANGELOG_ID,),
    )
    .context("removing the record of the deferred indexes")
}

#[cfg(test)]
mod tests {
    use super::*;

    const CREATE: &str = "CREATE TABLE `_t_gho` (\n  `id` int(11) NOT NULL,\n  `k` int(11) NOT NULL DEFAULT 0,\n  `c` char(120) NOT NULL DEFAULT '',\n  `KEY x` int DEFAULT NULL,\n  PRIMARY KEY (`id`),\n  UNIQUE KEY `u` (`c`),\n  KEY `k_1` (`k`),\n  KEY `odd``name, é` (`k`,`c`(10) DESC) COMMENT 'a, b',\n  FULLTEXT KEY `ft` (`c`),\n  SPATIAL KEY `sp` (`g`),\n  KEY `keep_me` (`k`) /*!80000 INVISIBLE */\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";

    #[test]
    fn only_plain_keys_are_deferred() {
        let keys = plain_keys(CREATE, "keep_me");
        assert_eq!(
            keys,
            vec![
                IndexDef { name: "k_1".into(), definition: "KEY `k_1` (`k`)".into() },
                IndexDef {
                    name: "odd`name, é".into(),
                    definition: "KEY `odd``name, é` (`k`,`c`(10) DESC) COMMENT 'a, b'".into()
                },
            ]
        );
        let all = plain_keys(CREATE, "");
        assert_eq!(all.last().map(|d| d.definition.as_str()), Some("KEY `keep_me` (`k`) /*!80000 INVISIBLE */"));
    }

    #[test]
    fn the_changelog_record_round_trips() {
        let keys = plain_keys(CREATE, "");
        let v = encode(&keys);
        assert!(v.is_ascii());
        assert_eq!(decode(&v), Some(keys));
        assert_eq!(decode("zz"), None);
        assert_eq!(decode(&hex(b"not a key")), None);
    }

    #[test]
    fn one_alter_builds_them_all() {
        let keys = plain_keys(CREATE, "keep_me");
        let s = build_statement("my db", "_t_gho", &keys);
        assert!(s.starts_with("ALTER TABLE `my db`.`_t_gho` ADD KEY `k_1`"), "{s}");
        assert!(s.ends_with("ADD KEY `k_1` (`k`), ADD KEY `odd``name, é` (`k`,`c`(10) DESC) COMMENT 'a, b'"), "{s}");
    }
}
