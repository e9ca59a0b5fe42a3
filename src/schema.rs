//! What a table looks like: [`Table`], [`Column`], [`Key`], read from `information_schema`.
//!
//! The Inspector reads the original table and the Applier reads the ghost table after the
//! ALTER; [`crate::plan::Plan`] pairs them. Everything that decodes or writes row values takes
//! signedness, charset, collation, ENUM/SET members and BINARY widths from here, never from the
//! binlog's table map alone (MariaDB's default `binlog_row_metadata=NO_LOG` carries none of it).

use mysql::prelude::Queryable;
use mysql::Conn;

use crate::error::{Context, Error, Result};
use crate::sql;

/// How a column's values are represented, as far as copying them byte-exactly needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// TINYINT (1), SMALLINT (2), MEDIUMINT (3), INT (4), BIGINT (8).
    Int {
        bytes: u8,
        unsigned: bool,
    },
    Decimal,
    Float,
    Double,
    Bit {
        bits: u32,
    },
    Year,
    Date,
    Time,
    DateTime,
    Timestamp,
    /// CHAR, VARCHAR and the TEXT types in a non-binary charset.
    Text {
        charset: String,
        collation: String,
    },
    /// BINARY(n) (`fixed` = Some(n)), VARBINARY and the BLOB types.
    Binary {
        fixed: Option<usize>,
    },
    Enum {
        members: Vec<String>,
    },
    Set {
        members: Vec<String>,
    },
    /// MySQL's native JSON (MariaDB's JSON is a LONGTEXT and comes as `Text`).
    Json,
    /// GEOMETRY and its subtypes, VECTOR, and anything else passed as bytes.
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Column {
    pub name: String,
    /// 0-based position in the table: the index of the column in a binlog row image.
    pub position: usize,
    /// `COLUMN_TYPE` as the server shows it, e.g. `int(10) unsigned`, `enum('a','b')`.
    pub column_type: String,
    pub kind: Kind,
    pub nullable: bool,
    /// VIRTUAL or STORED generated column: never written.
    pub generated: bool,
    /// `CHARACTER_MAXIMUM_LENGTH` / `CHARACTER_OCTET_LENGTH` of string columns.
    pub max_chars: Option<u64>,
    pub max_bytes: Option<u64>,
    /// `NUMERIC_PRECISION` / `NUMERIC_SCALE` of numeric columns.
    pub precision: Option<u64>,
    pub scale: Option<u64>,
    /// `DATETIME_PRECISION` of temporal columns.
    pub fraction_digits: Option<u64>,
}

#[cfg(test)]
impl Column {
    /// A NOT NULL, non-generated column for unit tests.
    pub fn for_test(name: &str, position: usize, kind: Kind) -> Column {
        Column { name: name.into(), position, kind, ..Column::default() }
    }
}

impl Default for Kind {
    fn default() -> Kind {
        Kind::Other(String::new())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub name: String,
    pub primary: bool,
    pub unique: bool,
    pub columns: Vec<String>,
    /// Some column of the key accepts NULL.
    pub nullable: bool,
    /// Some part is a prefix (`col(10)`) or an expression: the key does not identify full values.
    pub partial: bool,
    /// The prefix length of each column (`col(10)` -> Some(10)), in `columns` order.
    pub prefixes: Vec<Option<u64>>,
}

#[derive(Debug, Clone)]
pub struct Table {
    pub database: String,
    pub name: String,
    pub engine: String,
    pub columns: Vec<Column>,
    pub keys: Vec<Key>,
    /// `TABLE_ROWS` from information_schema (an estimate for InnoDB).
    pub estimated_rows: u64,
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name.eq_ignore_ascii_case(name))
    }

    /// Unique keys whose columns are all NOT NULL and whole: keys that identify a row.
    pub fn usable_unique_keys(&self) -> impl Iterator<Item = &Key> {
        self.keys.iter().filter(|k| k.unique && !k.nullable && !k.partial)
    }

    /// Whether the table exists; does not read it.
    pub fn exists(conn: &mut Conn, database: &str, name: &str) -> Result<bool> {
        let n: Option<u64> = conn
            .exec_first(
                "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?",
                (database, name),
            )
            .with_context(|| format!("checking whether {} exists", sql::table(database, name)))?;
        Ok(n.unwrap_or(0) > 0)
    }

    /// Reads columns, keys, engine and the row estimate of `database`.`name`.
    pub fn read(conn: &mut Conn, database: &str, name: &str) -> Result<Table> {
        let what = || format!("reading the structure of {}", sql::table(database, name));
        type TableRow = (Vec<u8>, Option<Vec<u8>>, Option<u64>);
        let info: Option<TableRow> = conn
            .exec_first(
                "SELECT TABLE_TYPE, ENGINE, TABLE_ROWS FROM information_schema.TABLES \
                 WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?",
                (database, name),
            )
            .with_context(what)?;
        let Some((table_type, engine, rows)) = info else {
            return Err(Error::refused(format!("table {} does not exist", sql::table(database, name)))
                .hint("check --database and --table (names are case-sensitive on Linux)"));
        };
        if table_type != b"BASE TABLE" {
            return Err(Error::refused(format!(
                "{} is a {}, not a base table",
                sql::table(database, name),
                text(table_type)
            ))
            .hint("ghost-rs migrates base tables only"));
        }

        let rows_: Vec<mysql::Row> = conn
            .exec(
                "SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, CHARACTER_SET_NAME, COLLATION_NAME, \
                 EXTRA, CHARACTER_OCTET_LENGTH, CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE, \
                 DATETIME_PRECISION \
                 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? \
                 ORDER BY ORDINAL_POSITION",
                (database, name),
            )
            .with_context(what)?;
        let mut columns = Vec::with_capacity(rows_.len());
        for (i, row) in rows_.into_iter().enumerate() {
            let bytes = |i: usize| -> Option<Vec<u8>> { value_bytes(row.as_ref(i)) };
            let number = |i: usize| -> Option<u64> { bytes(i).and_then(|b| String::from_utf8_lossy(&b).parse().ok()) };
            let data_type = text(bytes(1).unwrap_or_default()).to_ascii_lowercase();
            let column_type = text(bytes(2).unwrap_or_default());
            let extra = text(bytes(6).unwrap_or_default()).to_ascii_uppercase();
            let kind = kind_of(
                &data_type,
                &column_type,
                bytes(4).map(text).as_deref(),
                bytes(5).map(text).as_deref(),
                number(7),
            );
            columns.push(Column {
                name: text(bytes(0).unwrap_or_default()),
                position: i,
                column_type,
                kind,
                nullable: bytes(3).as_deref() == Some(b"YES"),
                generated: extra.contains("VIRTUAL GENERATED")
                    || extra.contains("STORED GENERATED")
                    || extra.contains("PERSISTENT GENERATED"),
                max_chars: number(8),
                max_bytes: number(7),
                precision: number(9),
                scale: number(10),
                fraction_digits: number(11),
            });
        }

        type KeyRow = (Vec<u8>, u64, Option<Vec<u8>>, Option<u64>, Vec<u8>);
        let key_rows: Vec<KeyRow> = conn
            .exec(
                "SELECT INDEX_NAME, NON_UNIQUE, COLUMN_NAME, SUB_PART, NULLABLE \
                 FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? \
                 ORDER BY INDEX_NAME = 'PRIMARY' DESC, INDEX_NAME, SEQ_IN_INDEX",
                (database, name),
            )
            .with_context(what)?;
        let mut keys: Vec<Key> = Vec::new();
        for (kname, non_unique, column, sub_part, nullable) in key_rows {
            let kname = text(kname);
            if keys.last().map(|k| k.name != kname).unwrap_or(true) {
                keys.push(Key {
                    primary: kname == "PRIMARY",
                    unique: non_unique == 0,
                    name: kname,
                    columns: Vec::new(),
                    nullable: false,
                    partial: false,
                    prefixes: Vec::new(),
                });
            }
            let key = keys.last_mut().expect("pushed above");
            match column {
                Some(c) => {
                    key.columns.push(text(c));
                    key.prefixes.push(sub_part);
                }
                None => key.partial = true, // functional key part
            }
            key.partial |= sub_part.is_some();
            key.nullable |= nullable == b"YES";
        }

        Ok(Table {
            database: database.to_string(),
            name: name.to_string(),
            engine: engine.map(text).unwrap_or_default(),
            columns,
            keys,
            estimated_rows: rows.unwrap_or(0),
        })
    }
}

/// A column of a result row as text bytes, whatever protocol it came in (never panics).
pub fn value_bytes(v: Option<&mysql::Value>) -> Option<Vec<u8>> {
    match v? {
        mysql::Value::NULL => None,
        mysql::Value::Bytes(b) => Some(b.clone()),
        mysql::Value::Int(i) => Some(i.to_string().into_bytes()),
        mysql::Value::UInt(u) => Some(u.to_string().into_bytes()),
        mysql::Value::Float(f) => Some(f.to_string().into_bytes()),
        mysql::Value::Double(f) => Some(f.to_string().into_bytes()),
        other => Some(other.as_sql(true).trim_matches('\'').as_bytes().to_vec()),
    }
}

/// information_schema text (utf8) as a String; names are never row data.
fn text(b: Vec<u8>) -> String {
    String::from_utf8(b).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The representation of a column from its `DATA_TYPE` and `COLUMN_TYPE`.
pub fn kind_of(
    data_type: &str,
    column_type: &str,
    charset: Option<&str>,
    collation: Option<&str>,
    octets: Option<u64>,
) -> Kind {
    let unsigned = column_type.to_ascii_lowercase().contains("unsigned");
    let int = |bytes| Kind::Int { bytes, unsigned };
    match data_type {
        "tinyint" => int(1),
        "smallint" => int(2),
        "mediumint" => int(3),
        "int" | "integer" => int(4),
        "bigint" => int(8),
        "decimal" | "numeric" => Kind::Decimal,
        "float" => Kind::Float,
        "double" | "real" => Kind::Double,
        "bit" => Kind::Bit { bits: paren_number(column_type).unwrap_or(1) as u32 },
        "year" => Kind::Year,
        "date" => Kind::Date,
        "time" => Kind::Time,
        "datetime" => Kind::DateTime,
        "timestamp" => Kind::Timestamp,
        "enum" => Kind::Enum { members: parse_members(column_type) },
        "set" => Kind::Set { members: parse_members(column_type) },
        "json" => Kind::Json,
        "binary" => Kind::Binary { fixed: octets.map(|n| n as usize).or(paren_number(column_type)) },
        "varbinary" | "tinyblob" | "blob" | "mediumblob" | "longblob" => Kind::Binary { fixed: None },
        "char" | "varchar" | "tinytext" | "text" | "mediumtext" | "longtext" => match (charset, collation) {
            (Some(cs), Some(coll)) if cs != "binary" => {
                Kind::Text { charset: cs.to_string(), collation: coll.to_string() }
            }
            _ if data_type == "char" => Kind::Binary { fixed: octets.map(|n| n as usize) },
            _ => Kind::Binary { fixed: None },
        },
        other => Kind::Other(other.to_string()),
    }
}

fn paren_number(column_type: &str) -> Option<usize> {
    let start = column_type.find('(')? + 1;
    let end = start + column_type[start..].find(')')?;
    column_type[start..end].trim().parse().ok()
}

/// The members of `enum('a','b''c')` or `set(...)`, unescaped, in ordinal order.
pub fn parse_members(column_type: &str) -> Vec<String> {
    let Some(start) = column_type.find('(') else { return Vec::new() };
    let mut out = Vec::new();
    let mut chars = column_type[start + 1..].chars().peekable();
    let mut current: Option<String> = None;
    while let Some(c) = chars.next() {
        match (&mut current, c) {
            (None, '\'') => current = Some(String::new()),
            (None, ')') => break,
            (None, _) => {}
            (Some(s), '\'') => {
                if chars.peek() == Some(&'\'') {
                    chars.next();
                    s.push('\'');
                } else {
                    out.push(current.take().expect("inside a member"));
                }
            }
            (Some(s), '\\') => {
                // information_schema may show a backslash doubled
                match chars.next() {
                    Some('\\') | None => s.push('\\'),
                    Some(other) => {
                        s.push('\\');
                        s.push(other)
                    }
                }
            }
            (Some(s), other) => s.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        assert_eq!(kind_of("int", "int(10) unsigned", None, None, None), Kind::Int { bytes: 4, unsigned: true });
        assert_eq!(kind_of("mediumint", "mediumint(9)", None, None, None), Kind::Int { bytes: 3, unsigned: false });
        assert_eq!(kind_of("bit", "bit(17)", None, None, None), Kind::Bit { bits: 17 });
        assert_eq!(kind_of("binary", "binary(16)", None, None, Some(16)), Kind::Binary { fixed: Some(16) });
        assert_eq!(
            kind_of("varchar", "varchar(10)", Some("latin1"), Some("latin1_swedish_ci"), Some(10)),
            Kind::Text { charset: "latin1".into(), collation: "latin1_swedish_ci".into() }
        );
        assert_eq!(
            kind_of("varchar", "varbinary(10)", Some("binary"), Some("binary"), None),
            Kind::Binary { fixed: None }
        );
        assert_eq!(kind_of("geometry", "geometry", None, None, None), Kind::Other("geometry".into()));
    }

    #[test]
    fn members() {
        assert_eq!(parse_members("enum('a','b''c','d,e')"), vec!["a", "b'c", "d,e"]);
        assert_eq!(parse_members("set('x','')"), vec!["x", ""]);
        assert_eq!(parse_members("enum('ü','日本')"), vec!["ü", "日本"]);
    }

    #[test]
    fn usable_keys() {
        let k = |name: &str, unique, nullable, partial| Key {
            name: name.into(),
            primary: name == "PRIMARY",
            unique,
            columns: vec!["a".into()],
            nullable,
            partial,
            prefixes: vec![None],
        };
        let t = Table {
            database: "d".into(),
            name: "t".into(),
            engine: "InnoDB".into(),
            columns: vec![],
            keys: vec![
                k("PRIMARY", true, false, false),
                k("n", true, true, false),
                k("p", true, false, true),
                k("i", false, false, false),
            ],
            estimated_rows: 0,
        };
        let names: Vec<_> = t.usable_unique_keys().map(|k| k.name.as_str()).collect();
        assert_eq!(names, vec!["PRIMARY"]);
    }
}
