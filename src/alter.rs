//! The `--alter` text: lexing, clause splitting and the refusals. Pure, no I/O.
//!
//! The user passes either the clauses (`ADD COLUMN x INT, DROP COLUMN y`) or a whole
//! `ALTER [ONLINE] [IGNORE] TABLE [db.]name ...` statement. [`parse_alter`] turns it into an
//! [`AlterPlan`]:
//!
//! * `statement`: the clauses as the server must receive them after `ALTER TABLE <ghost> `
//!   (the Migrator runs exactly that on the ghost table; the server, not this module, checks
//!   the column types and options);
//! * the columns the ALTER adds, drops, modifies and renames, which the Inspector / `Plan` use
//!   to pair the original's columns with the ghost's (a renamed column is copied into its new
//!   name, a dropped column is not copied);
//! * the facts worth a warning: unique or primary keys added (rows that collide are lost by
//!   `INSERT IGNORE`), the primary key dropped, a charset conversion, an engine change,
//!   `ALGORITHM=`/`LOCK=` (harmless on the ghost).
//!
//! The lexer knows MySQL's quoting: backtick identifiers (with doubled backticks), single and
//! double quoted strings (backslash escapes, doubled quotes), `--`, `#` and `/* */` comments,
//! and `/*! ... */` version comments whose content is kept as code. Commas split clauses only
//! outside strings, quoted identifiers, comments and parentheses.
//!
//! Refused (an [`AlterError`] saying what is wrong and how to fix it):
//! * an empty ALTER, or an empty clause (`a INT,, b INT`);
//! * a statement naming another table than `--table`, or any statement that is not an
//!   `ALTER TABLE` (`RENAME TABLE`, `CREATE`, `DROP TABLE`, `UPDATE`, ...), or several
//!   statements;
//! * renaming the table (`RENAME [TO|AS] x`);
//! * partition management (`ADD/DROP/TRUNCATE/COALESCE/REORGANIZE/EXCHANGE/ANALYZE/CHECK/
//!   OPTIMIZE/REBUILD/REPAIR PARTITION`, `CONVERT PARTITION|TABLE`, `UPGRADE PARTITIONING`);
//!   `PARTITION BY` and `REMOVE PARTITIONING` rewrite the table and are allowed;
//! * `DISCARD|IMPORT [PARTITION ...] TABLESPACE`;
//! * foreign keys (`ADD [CONSTRAINT [sym]] FOREIGN KEY`, an inline `REFERENCES`);
//! * unbalanced parentheses, unterminated strings, quoted identifiers and comments (with the
//!   line and column);
//! * a clause whose column names cannot be read (`CHANGE a`, `RENAME COLUMN a b`).

use std::fmt;

/// The parsed `--alter`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AlterPlan {
    /// The clauses as the server must receive them after `ALTER TABLE <ghost> ` (comma-joined),
    /// with a leading `ALTER TABLE name` removed. Comments are dropped, the content of
    /// `/*! ... */` version comments is kept as code.
    pub statement: String,
    /// Top-level clauses, trimmed, original text (comments replaced by a space).
    pub clauses: Vec<String>,
    /// Columns renamed: (old, new), unquoted names, from `CHANGE [COLUMN] old new ...` with
    /// old != new (case-insensitive compare) and `RENAME COLUMN old TO new`.
    pub renamed_columns: Vec<(String, String)>,
    /// `DROP [COLUMN] [IF EXISTS] x`.
    pub dropped_columns: Vec<String>,
    /// `ADD [COLUMN] [IF NOT EXISTS] x ...`, `ADD [COLUMN] (a ..., b ...)`.
    pub added_columns: Vec<String>,
    /// `MODIFY [COLUMN] x ...`, `CHANGE [COLUMN] old new ...` (by the new name). Not
    /// `ALTER [COLUMN] x SET DEFAULT ...` (data-neutral) nor `RENAME COLUMN`.
    pub modified_columns: Vec<String>,
    /// `ADD UNIQUE ...`, `ADD CONSTRAINT [sym] UNIQUE ...`, `ADD [CONSTRAINT [sym]] PRIMARY KEY`,
    /// and the inline `UNIQUE`/`PRIMARY KEY`/`KEY` attributes of added, changed or modified
    /// columns.
    pub added_unique_keys: Vec<AddedKey>,
    /// `DROP PRIMARY KEY`.
    pub drops_primary_key: bool,
    /// `CONVERT TO CHARACTER SET x [COLLATE y]` -> `Some("x")`.
    pub converts_charset: Option<String>,
    /// `ENGINE [=] x` -> `Some("x")`.
    pub changes_engine: Option<String>,
    /// `ALGORITHM=...` or `LOCK=...` clauses (harmless on the ghost, reported).
    pub has_algorithm_or_lock: bool,
}

/// A unique or primary key the ALTER adds.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AddedKey {
    /// The index name: the given name, else the constraint symbol, else `None`; `PRIMARY` for
    /// a primary key.
    pub name: Option<String>,
    /// The column names of the key parts, in order (functional key parts are left out).
    pub columns: Vec<String>,
    pub is_primary: bool,
    /// A key part is a prefix (`name(10)`): the key does not make whole values unique.
    pub has_prefix_part: bool,
    /// A key part is an expression (`((a + b))`).
    pub has_expression_part: bool,
}

/// Why the `--alter` is refused: what is wrong, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlterError {
    pub message: String,
    pub hint: String,
}

impl AlterError {
    fn new(message: impl Into<String>, hint: impl Into<String>) -> Self {
        AlterError { message: message.into(), hint: hint.into() }
    }
}

impl fmt::Display for AlterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (hint: {})", self.message, self.hint)
    }
}

impl std::error::Error for AlterError {}

impl AlterPlan {
    /// The name a column of the original table has in the ghost table: `None` if the ALTER
    /// drops it, the new name if it renames it, else the same name. Names compare
    /// case-insensitively, as MySQL column names do.
    pub fn ghost_column_name(&self, original: &str) -> Option<String> {
        if let Some((_, new)) = self.renamed_columns.iter().find(|(old, _)| same_name(old, original)) {
            return Some(new.clone());
        }
        if self.dropped_columns.iter().any(|d| same_name(d, original)) {
            return None;
        }
        Some(original.to_string())
    }

    /// One line per risky fact of the ALTER, for the operator to read before the cut-over.
    pub fn warnings(&self) -> Vec<String> {
        let mut w = Vec::new();
        if !self.dropped_columns.is_empty() {
            w.push(format!("the ALTER drops columns (their data is not copied): {}", self.dropped_columns.join(", ")));
        }
        if !self.renamed_columns.is_empty() {
            let list: Vec<String> = self.renamed_columns.iter().map(|(a, b)| format!("{a} -> {b}")).collect();
            w.push(format!("the ALTER renames columns: {}", list.join(", ")));
        }
        if self.drops_primary_key {
            w.push("the ALTER drops the primary key".to_string());
        }
        for k in &self.added_unique_keys {
            let what = if k.is_primary {
                "a primary key".to_string()
            } else {
                format!("unique key {}", k.name.as_deref().unwrap_or("(unnamed)"))
            };
            w.push(format!(
                "the ALTER adds {what} on ({}): if rows of the original collide on it, the copy stops (rather than dropping them)",
                k.columns.join(", ")
            ));
        }
        if let Some(cs) = &self.converts_charset {
            w.push(format!(
                "the ALTER converts the table to character set {cs}: the copy stops on a value that does not fit"
            ));
        }
        if let Some(e) = &self.changes_engine {
            w.push(format!("the ALTER changes the engine to {e}"));
        }
        if self.has_algorithm_or_lock {
            w.push("ALGORITHM=/LOCK= apply to the ghost table only; the migration itself is always online".to_string());
        }
        w
    }
}

/// Whether an SQL statement names `name` as an identifier (bare or backtick-quoted, exactly,
/// not as a part of a longer name such as `_t_gho` or `t~del`); strings and comments do not
/// count. Used to recognise DDL on the original table in the binlog. A statement that cannot
/// be lexed counts as naming it when its text contains the name (the careful answer).
pub fn mentions_identifier(sql: &str, name: &str) -> bool {
    match lex(sql) {
        Ok(tokens) => tokens.iter().any(|t| t.ident().as_deref() == Some(name)),
        Err(_) => sql.contains(name),
    }
}

/// What a logged statement does to tables, for the streamer's check for DDL on the original.
#[derive(Debug, PartialEq, Eq)]
pub enum DdlTargets {
    /// Not a statement that changes a table's definition or contents as a whole.
    NotTableDdl,
    /// The tables it changes, as (schema if qualified, name).
    Tables(Vec<(Option<String>, String)>),
    /// It could not be lexed: the caller must be careful.
    Unparsed,
}

/// The tables a statement alters, drops, renames (both sides), truncates, rebuilds,
/// re-creates (`CREATE OR REPLACE TABLE`) or adds or drops an index on. Other statements that
/// merely name a table (`CREATE TABLE x LIKE t`, `ALTER EVENT t ...`, `DROP VIEW t`) change
/// none.
pub fn ddl_targets(sql: &str) -> DdlTargets {
    let Ok(t) = lex(sql) else { return DdlTargets::Unparsed };
    let kw = |i: usize, k: &str| t.get(i).is_some_and(|x| x.is_kw(k));
    let skip = |mut i: usize, words: &[&str]| {
        while t.get(i).is_some_and(|x| x.is_any_kw(words)) {
            i += 1;
        }
        i
    };
    // IF [NOT] EXISTS
    let skip_if = |i: usize| if kw(i, "IF") { skip(i + 1, &["NOT", "EXISTS"]) } else { i };
    let name = |i: usize| -> Option<((Option<String>, String), usize)> {
        let a = t.get(i)?.ident()?;
        if t.get(i + 1).is_some_and(|x| x.is_punct('.')) {
            Some(((Some(a), t.get(i + 2)?.ident()?), i + 3))
        } else {
            Some(((None, a), i + 1))
        }
    };
    // name [TO name] {, name [TO name]}
    let list = |mut i: usize| {
        let mut out = Vec::new();
        while let Some((n, next)) = name(i) {
            out.push(n);
            i = next;
            if kw(i, "TO") {
                i += 1;
                continue;
            }
            if t.get(i).is_some_and(|x| x.is_punct(',')) {
                i += 1;
                continue;
            }
            break;
        }
        out
    };
    let after_on = |i: usize| {
        (i..t.len()).find(|&j| kw(j, "ON")).and_then(|j| name(j + 1)).map(|(n, _)| vec![n]).unwrap_or_default()
    };
    let tables = |v: Vec<(Option<String>, String)>| DdlTargets::Tables(v);
    let first = 0;
    if kw(first, "ALTER") {
        let i = skip(1, &["ONLINE", "OFFLINE", "IGNORE"]);
        if kw(i, "TABLE") {
            return tables(name(skip_if(i + 1)).map(|(n, _)| vec![n]).unwrap_or_default());
        }
    } else if kw(first, "DROP") {
        let i = skip(1, &["TEMPORARY"]);
        if kw(i, "TABLE") || kw(i, "TABLES") {
            return tables(list(skip_if(i + 1)));
        }
        if kw(i, "INDEX") {
            return tables(after_on(i + 1));
        }
    } else if kw(first, "RENAME") && (kw(1, "TABLE") || kw(1, "TABLES")) {
        return tables(list(2));
    } else if kw(first, "TRUNCATE") {
        let i = if kw(1, "TABLE") { 2 } else { 1 };
        return tables(name(i).map(|(n, _)| vec![n]).unwrap_or_default());
    } else if kw(first, "OPTIMIZE") || kw(first, "REPAIR") {
        let i = skip(1, &["NO_WRITE_TO_BINLOG", "LOCAL"]);
        if kw(i, "TABLE") || kw(i, "TABLES") {
            return tables(list(i + 1));
        }
    } else if kw(first, "CREATE") {
        let replace = kw(1, "OR") && kw(2, "REPLACE");
        let i = skip(if replace { 3 } else { 1 }, &["ONLINE", "OFFLINE", "UNIQUE", "FULLTEXT", "SPATIAL"]);
        if kw(i, "INDEX") {
            return tables(after_on(i + 1));
        }
        if replace && kw(i, "TABLE") {
            return tables(name(skip_if(i + 1)).map(|(n, _)| vec![n]).unwrap_or_default());
        }
    }
    DdlTargets::NotTableDdl
}

/// Parses `--alter` for the table `table` (the unquoted name given with `--table`).
pub fn parse_alter(text: &str, table: &str) -> Result<AlterPlan, AlterError> {
    let tokens = lex(text)?;
    let tokens = single_statement(text, tokens)?;
    check_parens(text, &tokens)?;
    let body = strip_alter_table(&tokens, table)?;
    if body.is_empty() {
        return Err(AlterError::new(
            "the --alter is empty: there is no change to make",
            "pass the change, e.g. --alter \"ADD COLUMN c INT\" (or a whole \"ALTER TABLE t ADD COLUMN c INT\")",
        ));
    }

    // Split at the top-level commas.
    let mut clauses: Vec<&[Token]> = Vec::new();
    let mut start = 0;
    for (i, t) in body.iter().enumerate() {
        if t.depth == 0 && t.is_punct(',') {
            if i == start {
                return Err(empty_clause(text, t));
            }
            clauses.push(&body[start..i]);
            start = i + 1;
        }
    }
    if start == body.len() {
        return Err(empty_clause(text, &body[body.len() - 1]));
    }
    clauses.push(&body[start..]);

    let mut plan = AlterPlan::default();
    for c in &clauses {
        let clause_text = source_text(text, c);
        analyze_clause(&mut plan, c, &clause_text)?;
        plan.clauses.push(clause_text);
    }
    plan.statement = plan.clauses.join(", ");
    Ok(plan)
}

// ---------------------------------------------------------------------------------------------
// Lexing

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A bare word: keyword, identifier or number.
    Word,
    /// A backtick-quoted identifier.
    Quoted,
    /// A single or double quoted string.
    Str,
    /// Any other character.
    Punct(char),
}

#[derive(Debug, Clone)]
struct Token {
    kind: Kind,
    /// The word, the unquoted identifier, the unescaped string, or the character.
    value: String,
    /// Byte offsets in the original text.
    start: usize,
    end: usize,
    /// Parenthesis depth: for `(` and `)`, the depth outside them.
    depth: usize,
}

impl Token {
    fn is_kw(&self, kw: &str) -> bool {
        self.kind == Kind::Word && self.value.eq_ignore_ascii_case(kw)
    }
    fn is_any_kw(&self, kws: &[&str]) -> bool {
        kws.iter().any(|k| self.is_kw(k))
    }
    fn is_punct(&self, c: char) -> bool {
        self.kind == Kind::Punct(c)
    }
    /// The unquoted name, if the token can be an identifier.
    fn ident(&self) -> Option<String> {
        match self.kind {
            Kind::Word | Kind::Quoted => Some(self.value.clone()),
            _ => None,
        }
    }
    /// An identifier or a string (charset and engine names may be given as strings).
    fn name_or_string(&self) -> Option<String> {
        match self.kind {
            Kind::Word | Kind::Quoted | Kind::Str => Some(self.value.clone()),
            _ => None,
        }
    }
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$' || !c.is_ascii()
}

/// "line L, column C" of a byte offset (1-based, columns in characters).
fn position(text: &str, offset: usize) -> String {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    format!("line {line}, column {column}")
}

const QUOTING_HINT: &str = "check the quoting of --alter; a shell may eat backticks and quotes, so put the whole value in single quotes (--alter 'ADD COLUMN `c` INT')";

fn lex(text: &str) -> Result<Vec<Token>, AlterError> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let offset = |i: usize| chars.get(i).map(|&(o, _)| o).unwrap_or(text.len());
    let mut tokens = Vec::new();
    let mut version_comment: Option<usize> = None; // start offset of an open `/*! ... */`
    let mut i = 0;
    while let Some(c) = at(i) {
        let start = offset(i);
        if c.is_whitespace() {
            i += 1;
        } else if c == '#'
            || (c == '-'
                && at(i + 1) == Some('-')
                && !matches!(at(i + 2), Some(n) if !n.is_whitespace() && !n.is_control()))
        {
            while let Some(n) = at(i) {
                if n == '\n' {
                    break;
                }
                i += 1;
            }
        } else if c == '*' && at(i + 1) == Some('/') && version_comment.is_some() {
            version_comment = None;
            i += 2;
        } else if c == '/' && at(i + 1) == Some('*') {
            let bang = if at(i + 2) == Some('!') {
                Some(i + 3)
            } else if at(i + 2) == Some('M') && at(i + 3) == Some('!') {
                Some(i + 4) // MariaDB's /*M!version ... */
            } else {
                None
            };
            match bang {
                Some(mut j) if version_comment.is_none() => {
                    while at(j).is_some_and(|d| d.is_ascii_digit()) {
                        j += 1;
                    }
                    version_comment = Some(start);
                    i = j;
                }
                _ => {
                    let mut j = i + 2;
                    loop {
                        match at(j) {
                            None => {
                                return Err(AlterError::new(
                                    format!(
                                        "unterminated comment: the /* at {} is never closed by */",
                                        position(text, start)
                                    ),
                                    QUOTING_HINT,
                                ))
                            }
                            Some('*') if at(j + 1) == Some('/') => break,
                            _ => j += 1,
                        }
                    }
                    i = j + 2;
                }
            }
        } else if c == '\'' || c == '"' {
            let mut value = String::new();
            let mut j = i + 1;
            loop {
                match at(j) {
                    None => {
                        return Err(AlterError::new(
                            format!("unterminated string: the {c} at {} is never closed", position(text, start)),
                            QUOTING_HINT,
                        ))
                    }
                    Some('\\') => {
                        if let Some(e) = at(j + 1) {
                            value.push(match e {
                                'n' => '\n',
                                't' => '\t',
                                'r' => '\r',
                                '0' => '\0',
                                other => other,
                            });
                        }
                        j += 2;
                    }
                    Some(q) if q == c => {
                        if at(j + 1) == Some(c) {
                            value.push(c);
                            j += 2;
                        } else {
                            j += 1;
                            break;
                        }
                    }
                    Some(o) => {
                        value.push(o);
                        j += 1;
                    }
                }
            }
            tokens.push(Token { kind: Kind::Str, value, start, end: offset(j), depth: 0 });
            i = j;
        } else if c == '`' {
            let mut value = String::new();
            let mut j = i + 1;
            loop {
                match at(j) {
                    None => {
                        return Err(AlterError::new(
                            format!(
                                "unterminated quoted identifier: the ` at {} is never closed",
                                position(text, start)
                            ),
                            QUOTING_HINT,
                        ))
                    }
                    Some('`') if at(j + 1) == Some('`') => {
                        value.push('`');
                        j += 2;
                    }
                    Some('`') => {
                        j += 1;
                        break;
                    }
                    Some(o) => {
                        value.push(o);
                        j += 1;
                    }
                }
            }
            tokens.push(Token { kind: Kind::Quoted, value, start, end: offset(j), depth: 0 });
            i = j;
        } else if is_word_char(c) {
            let mut j = i;
            while at(j).is_some_and(is_word_char) {
                j += 1;
            }
            tokens.push(Token {
                kind: Kind::Word,
                value: text[start..offset(j)].to_string(),
                start,
                end: offset(j),
                depth: 0,
            });
            i = j;
        } else {
            tokens.push(Token { kind: Kind::Punct(c), value: c.to_string(), start, end: offset(i + 1), depth: 0 });
            i += 1;
        }
    }
    if let Some(start) = version_comment {
        return Err(AlterError::new(
            format!("unterminated comment: the /*! at {} is never closed by */", position(text, start)),
            QUOTING_HINT,
        ));
    }
    Ok(tokens)
}

/// Drops the trailing `;`s; refuses anything after a `;`.
fn single_statement(text: &str, mut tokens: Vec<Token>) -> Result<Vec<Token>, AlterError> {
    if let Some(semi) = tokens.iter().position(|t| t.is_punct(';')) {
        if let Some(extra) = tokens[semi..].iter().find(|t| !t.is_punct(';')) {
            return Err(AlterError::new(
                format!(
                    "the --alter holds more than one statement: the ; at {} is followed by `{}` at {}",
                    position(text, tokens[semi].start),
                    extra.value,
                    position(text, extra.start)
                ),
                "pass a single ALTER (its clauses separated by commas); run any other statement separately",
            ));
        }
        tokens.truncate(semi);
    }
    Ok(tokens)
}

/// Refuses unbalanced parentheses (the depths are set afterwards by `set_depths`).
fn check_parens(text: &str, tokens: &[Token]) -> Result<(), AlterError> {
    let mut open: Vec<usize> = Vec::new();
    for t in tokens {
        if t.is_punct('(') {
            open.push(t.start);
        } else if t.is_punct(')') && open.pop().is_none() {
            return Err(AlterError::new(
                format!("unbalanced parentheses: the ) at {} has no matching (", position(text, t.start)),
                "check the parentheses of --alter (column types, key column lists, CHECK and generated column expressions)",
            ));
        }
    }
    if let Some(&start) = open.last() {
        return Err(AlterError::new(
            format!("unbalanced parentheses: the ( at {} is never closed", position(text, start)),
            "check the parentheses of --alter (column types, key column lists, CHECK and generated column expressions)",
        ));
    }
    Ok(())
}

fn set_depths(tokens: &mut [Token]) {
    let mut depth = 0usize;
    for t in tokens.iter_mut() {
        if t.is_punct('(') {
            t.depth = depth;
            depth += 1;
        } else if t.is_punct(')') {
            depth = depth.saturating_sub(1);
            t.depth = depth;
        } else {
            t.depth = depth;
        }
    }
}

/// The original text of consecutive tokens: whitespace between them is kept, a gap holding a
/// comment (or the markers of a version comment) becomes one space.
fn source_text(text: &str, tokens: &[Token]) -> String {
    let mut s = String::new();
    for (k, t) in tokens.iter().enumerate() {
        if k > 0 {
            let gap = &text[tokens[k - 1].end..t.start];
            if gap.chars().all(char::is_whitespace) {
                s.push_str(gap);
            } else {
                s.push(' ');
            }
        }
        s.push_str(&text[t.start..t.end]);
    }
    s
}

fn empty_clause(text: &str, comma: &Token) -> AlterError {
    AlterError::new(
        format!(
            "empty clause in --alter near the , at {} (two commas in a row, or a leading or trailing comma)",
            position(text, comma.start)
        ),
        "separate the clauses with single commas: --alter \"ADD COLUMN a INT, DROP COLUMN b\"",
    )
}

// ---------------------------------------------------------------------------------------------
// The statement

/// Words that start a statement other than ALTER TABLE (and never an ALTER TABLE clause).
const OTHER_VERBS: &[&str] = &[
    "CREATE",
    "UPDATE",
    "INSERT",
    "DELETE",
    "REPLACE",
    "SELECT",
    "SET",
    "GRANT",
    "REVOKE",
    "USE",
    "CALL",
    "LOAD",
    "SHOW",
    "DESCRIBE",
    "DESC",
    "EXPLAIN",
    "BEGIN",
    "START",
    "COMMIT",
    "ROLLBACK",
    "KILL",
    "FLUSH",
    "PURGE",
    "RESET",
    "HANDLER",
    "DO",
    "PREPARE",
    "EXECUTE",
    "DEALLOCATE",
    "UNLOCK",
    "SAVEPOINT",
    "RELEASE",
    "INSTALL",
    "UNINSTALL",
    "SHUTDOWN",
    "RESTART",
    "CLONE",
    "XA",
    "BINLOG",
    "CACHE",
    "VALUES",
    "TABLE",
    "HELP",
    "STOP",
];

/// Objects of `ALTER <object>` statements other than ALTER TABLE.
const ALTER_OBJECTS: &[&str] = &[
    "DATABASE",
    "SCHEMA",
    "VIEW",
    "USER",
    "EVENT",
    "FUNCTION",
    "PROCEDURE",
    "SERVER",
    "TABLESPACE",
    "LOGFILE",
    "INSTANCE",
    "RESOURCE",
    "SEQUENCE",
    "DEFINER",
    "SQL",
    "ALGORITHM",
    "UNDO",
    "ROLE",
];

fn other_statement(verb: &str) -> AlterError {
    AlterError::new(
        format!("the --alter is {} {verb} statement, not an ALTER TABLE", if verb.starts_with(['A', 'E', 'I', 'O', 'U']) { "an" } else { "a" }),
        "pass only the ALTER TABLE clauses (--alter \"ADD COLUMN c INT\") or a whole \"ALTER TABLE <table> ...\"; run other statements yourself",
    )
}

fn words(tokens: &[Token], n: usize) -> String {
    tokens.iter().take(n).map(|t| t.value.to_uppercase()).collect::<Vec<_>>().join(" ")
}

/// Removes a leading `ALTER [ONLINE] [IGNORE] TABLE [IF EXISTS] [db.]name [WAIT n|NOWAIT]`,
/// checking the name; refuses other statements. Returns the clause tokens, with their depths.
fn strip_alter_table(tokens: &[Token], table: &str) -> Result<Vec<Token>, AlterError> {
    let mut tokens = tokens.to_vec();
    set_depths(&mut tokens);
    let Some(first) = tokens.first() else { return Ok(tokens) };
    if !first.is_kw("ALTER") {
        return Ok(tokens);
    }
    let mut i = 1;
    let kw = |i: usize, k: &str| tokens.get(i).is_some_and(|t| t.is_kw(k));
    if kw(i, "ONLINE") && (kw(i + 1, "TABLE") || kw(i + 1, "IGNORE")) {
        i += 1;
    }
    if kw(i, "IGNORE") {
        i += 1;
        if !kw(i, "TABLE") {
            return Err(other_statement(&words(&tokens, i)));
        }
    }
    if !kw(i, "TABLE") {
        // `ALTER [COLUMN] c SET DEFAULT ...`, `ALTER INDEX i INVISIBLE`: a clause. `ALTER VIEW v
        // AS ...`, `ALTER USER 'u' ...`: another statement (a column named like the object
        // would be followed by SET or DROP).
        if tokens.get(1).is_some_and(|t| t.is_any_kw(ALTER_OBJECTS))
            && !tokens.get(2).is_some_and(|t| t.is_any_kw(&["SET", "DROP"]))
        {
            return Err(other_statement(&words(&tokens, 2)));
        }
        return Ok(tokens);
    }
    i += 1;
    if kw(i, "IF") && kw(i + 1, "EXISTS") {
        i += 2;
    }
    let no_name = || {
        AlterError::new(
            "the --alter starts with ALTER TABLE but no table name follows",
            format!("write \"ALTER TABLE {table} <clauses>\", or pass only the clauses"),
        )
    };
    let mut name = tokens.get(i).and_then(Token::ident).ok_or_else(no_name)?;
    i += 1;
    if tokens.get(i).is_some_and(|t| t.is_punct('.')) {
        name = tokens.get(i + 1).and_then(Token::ident).ok_or_else(no_name)?;
        i += 2;
    }
    if name != table {
        return Err(AlterError::new(
            format!("the ALTER names table {name}, but --table is {table}"),
            format!("pass only the clauses, or make the statement and --table name the same table (--table {name})"),
        ));
    }
    // MariaDB's lock wait options apply to the statement, not to the table: dropped.
    if kw(i, "NOWAIT") {
        i += 1;
    } else if kw(i, "WAIT")
        && tokens.get(i + 1).is_some_and(|t| t.kind == Kind::Word && t.value.chars().all(|c| c.is_ascii_digit()))
    {
        i += 2;
    }
    Ok(tokens.split_off(i))
}

// ---------------------------------------------------------------------------------------------
// Clauses

fn partition_refusal(clause: &str, what: &str) -> AlterError {
    AlterError::new(
        format!("`{what}` manages the partitions of the table in place and cannot be done through a ghost table (in `{clause}`)"),
        "run this ALTER TABLE directly on the table, outside ghost-rs (it only touches the named partitions); ghost-rs supports PARTITION BY and REMOVE PARTITIONING",
    )
}

fn foreign_key_refusal(clause: &str) -> AlterError {
    AlterError::new(
        format!("the ALTER adds a foreign key (in `{clause}`): ghost-rs cannot migrate tables with foreign keys"),
        "add the foreign key with a direct ALTER TABLE after the migration, or migrate without it",
    )
}

fn tablespace_refusal(clause: &str) -> AlterError {
    AlterError::new(
        format!("`{clause}` works on the table's data files and cannot be done through a ghost table"),
        "run DISCARD/IMPORT TABLESPACE directly on the table, outside ghost-rs",
    )
}

fn syntax_error(clause: &str, expected: &str) -> AlterError {
    AlterError::new(
        format!("cannot read the clause `{clause}`: expected {expected}"),
        "check the clause's syntax; ghost-rs must know which columns the ALTER adds, drops and renames",
    )
}

/// A cursor over one clause's tokens.
struct Cur<'a> {
    t: &'a [Token],
    i: usize,
}

impl<'a> Cur<'a> {
    fn peek(&self) -> Option<&'a Token> {
        self.t.get(self.i)
    }
    fn peek_kw(&self, k: &str) -> bool {
        self.peek().is_some_and(|t| t.is_kw(k))
    }
    fn peek_kw_at(&self, n: usize, k: &str) -> bool {
        self.t.get(self.i + n).is_some_and(|t| t.is_kw(k))
    }
    fn eat(&mut self, k: &str) -> bool {
        let yes = self.peek_kw(k);
        if yes {
            self.i += 1;
        }
        yes
    }
    /// Skips `IF EXISTS` (`not = false`) or `IF NOT EXISTS` (`not = true`).
    fn eat_if_exists(&mut self, not: bool) {
        if not && self.peek_kw("IF") && self.peek_kw_at(1, "NOT") && self.peek_kw_at(2, "EXISTS") {
            self.i += 3;
        } else if !not && self.peek_kw("IF") && self.peek_kw_at(1, "EXISTS") {
            self.i += 2;
        }
    }
    fn ident(&mut self) -> Option<String> {
        let name = self.peek()?.ident()?;
        self.i += 1;
        Some(name)
    }
    fn rest(&self) -> &'a [Token] {
        &self.t[self.i.min(self.t.len())..]
    }
}

fn same_name(a: &str, b: &str) -> bool {
    a.to_lowercase() == b.to_lowercase()
}

fn push_unique(list: &mut Vec<String>, name: String) {
    if !list.iter().any(|n| same_name(n, &name)) {
        list.push(name);
    }
}

/// Words after ADD (or inside `ADD (...)`) that start something other than a column.
const NOT_A_COLUMN: &[&str] =
    &["INDEX", "KEY", "FULLTEXT", "SPATIAL", "CHECK", "UNIQUE", "PRIMARY", "CONSTRAINT", "FOREIGN"];

fn analyze_clause(plan: &mut AlterPlan, toks: &[Token], clause: &str) -> Result<(), AlterError> {
    let mut c = Cur { t: toks, i: 1 };
    let first = &toks[0];
    let second_is = |k: &str| toks.get(1).is_some_and(|t| t.is_kw(k));

    if first.is_any_kw(OTHER_VERBS) {
        return Err(other_statement(&first.value.to_uppercase()));
    }
    if first.is_kw("WITH") && !second_is("VALIDATION") {
        return Err(other_statement("WITH"));
    }
    if first.is_any_kw(&["DISCARD", "IMPORT"]) {
        return Err(tablespace_refusal(clause));
    }
    if first.is_any_kw(&[
        "TRUNCATE",
        "COALESCE",
        "REORGANIZE",
        "EXCHANGE",
        "ANALYZE",
        "CHECK",
        "OPTIMIZE",
        "REBUILD",
        "REPAIR",
    ]) && second_is("PARTITION")
    {
        return Err(partition_refusal(clause, &words(toks, 2)));
    }
    if first.is_any_kw(&["TRUNCATE", "ANALYZE", "CHECK", "OPTIMIZE", "REPAIR", "CHECKSUM"])
        && (second_is("TABLE") || second_is("TABLES"))
    {
        return Err(other_statement(&words(toks, 2)));
    }
    if first.is_kw("TRUNCATE") {
        return Err(other_statement("TRUNCATE"));
    }
    if first.is_kw("ALTER") && (toks.len() < 2 || (toks.len() < 3 && second_is("COLUMN"))) {
        return Err(syntax_error(clause, "a column, index or constraint name after ALTER"));
    }
    if first.is_kw("UPGRADE") && second_is("PARTITIONING") {
        return Err(partition_refusal(clause, "UPGRADE PARTITIONING"));
    }
    if first.is_kw("LOCK") && (second_is("TABLES") || second_is("TABLE")) {
        return Err(other_statement(&words(toks, 2)));
    }
    if first.is_kw("ALTER")
        && (second_is("TABLE")
            || second_is("IGNORE")
            || second_is("ONLINE") && toks.get(2).is_some_and(|t| t.is_any_kw(&["TABLE", "IGNORE"])))
    {
        return Err(AlterError::new(
            format!("`{clause}`: ALTER TABLE can only start the --alter, not follow a comma"),
            "pass a single ALTER TABLE statement, or only its clauses",
        ));
    }

    if first.is_kw("ADD") {
        analyze_add(plan, &mut c, clause)
    } else if first.is_kw("DROP") {
        analyze_drop(plan, &mut c, clause)
    } else if first.is_kw("CHANGE") {
        // CHANGE MASTER TO, CHANGE REPLICATION SOURCE TO / FILTER (a column may be named master).
        if (c.peek_kw("MASTER") && c.peek_kw_at(1, "TO"))
            || (c.peek_kw("REPLICATION")
                && (c.peek_kw_at(1, "FILTER") || (c.peek_kw_at(1, "SOURCE") && c.peek_kw_at(2, "TO"))))
        {
            return Err(other_statement(&words(toks, 2)));
        }
        c.eat("COLUMN");
        c.eat_if_exists(false);
        let old = c.ident().ok_or_else(|| syntax_error(clause, "the column's current name after CHANGE"))?;
        let (new, keys) = column_definition(c.rest(), clause)?;
        let new = new.ok_or_else(|| syntax_error(clause, "the column's new name after its current name"))?;
        if !same_name(&old, &new) {
            plan.renamed_columns.push((old, new.clone()));
        }
        push_keys(plan, &new, keys);
        push_unique(&mut plan.modified_columns, new);
        Ok(())
    } else if first.is_kw("MODIFY") {
        c.eat("COLUMN");
        c.eat_if_exists(false);
        let (name, keys) = column_definition(c.rest(), clause)?;
        let name = name.ok_or_else(|| syntax_error(clause, "a column name after MODIFY"))?;
        push_keys(plan, &name, keys);
        push_unique(&mut plan.modified_columns, name);
        Ok(())
    } else if first.is_kw("RENAME") {
        if c.peek_kw("COLUMN") {
            c.i += 1;
            let old = c.ident().ok_or_else(|| syntax_error(clause, "a column name after RENAME COLUMN"))?;
            if !c.eat("TO") {
                return Err(syntax_error(clause, "TO after RENAME COLUMN <old>"));
            }
            let new = c.ident().ok_or_else(|| syntax_error(clause, "the new column name after TO"))?;
            if !same_name(&old, &new) {
                plan.renamed_columns.push((old, new));
            }
            Ok(())
        } else if c.peek().is_some_and(|t| t.is_any_kw(&["INDEX", "KEY"])) {
            Ok(())
        } else if c.peek().is_some_and(|t| t.is_any_kw(&["TABLE", "TABLES"])) {
            Err(AlterError::new(
                "the --alter is a RENAME TABLE statement, not an ALTER TABLE",
                "run RENAME TABLE yourself (it is instant); --alter takes the changes to the table's definition",
            ))
        } else if c.peek_kw("USER") && toks.len() > 2 && !c.peek_kw_at(1, "TO") && !c.peek_kw_at(1, "AS") {
            Err(other_statement("RENAME USER"))
        } else {
            Err(AlterError::new(
                format!("`{clause}` renames the table, which ghost-rs cannot do: the cut-over swaps the ghost table in under the original name"),
                "migrate without the RENAME, then rename the table with RENAME TABLE; RENAME COLUMN a TO b and RENAME INDEX a TO b are fine",
            ))
        }
    } else if first.is_kw("CONVERT") {
        if c.peek().is_some_and(|t| t.is_any_kw(&["PARTITION", "TABLE"])) {
            return Err(partition_refusal(clause, &words(toks, 2)));
        }
        if !c.eat("TO") {
            return Err(syntax_error(clause, "TO CHARACTER SET after CONVERT"));
        }
        if !(c.eat("CHARSET") || (c.eat("CHARACTER") && c.eat("SET"))) {
            return Err(syntax_error(clause, "CHARACTER SET after CONVERT TO"));
        }
        if c.peek().is_some_and(|t| t.is_punct('=')) {
            c.i += 1;
        }
        let cs =
            c.peek().and_then(Token::name_or_string).ok_or_else(|| syntax_error(clause, "a character set name"))?;
        plan.converts_charset = Some(cs);
        Ok(())
    } else if first.is_any_kw(&[
        "PARTITION",
        "REMOVE",
        "ALTER",
        "ORDER",
        "ENABLE",
        "DISABLE",
        "FORCE",
        "WITH",
        "WITHOUT",
    ]) {
        // PARTITION BY, REMOVE PARTITIONING (table rewrites), ALTER [COLUMN] c SET DEFAULT,
        // ALTER INDEX, ORDER BY, ENABLE/DISABLE KEYS, FORCE, WITH[OUT] VALIDATION: nothing to note.
        Ok(())
    } else {
        // Table options, possibly several separated by spaces: ENGINE=x ROW_FORMAT=y ...
        let mut k = 0;
        while k < toks.len() {
            let t = &toks[k];
            if t.depth == 0 && t.is_kw("PARTITION") {
                break; // partition options (PARTITION BY KEY ALGORITHM=2 ...) follow the table options
            }
            if t.depth == 0 && t.is_any_kw(&["ENGINE", "ALGORITHM", "LOCK"]) {
                let mut v = k + 1;
                if toks.get(v).is_some_and(|t| t.is_punct('=')) {
                    v += 1;
                }
                if let Some(value) = toks.get(v).and_then(Token::name_or_string) {
                    if t.is_kw("ENGINE") {
                        plan.changes_engine = Some(value);
                    } else {
                        plan.has_algorithm_or_lock = true;
                    }
                    k = v;
                }
            }
            k += 1;
        }
        Ok(())
    }
}

fn analyze_add(plan: &mut AlterPlan, c: &mut Cur, clause: &str) -> Result<(), AlterError> {
    if c.eat("COLUMN") {
        return add_columns(plan, c, clause);
    }
    let Some(next) = c.peek() else { return Err(syntax_error(clause, "what to add after ADD")) };
    if next.is_kw("PARTITION") {
        return Err(partition_refusal(clause, "ADD PARTITION"));
    }
    if next.is_kw("FOREIGN") {
        return Err(foreign_key_refusal(clause));
    }
    if next.is_kw("CONSTRAINT") {
        c.i += 1;
        c.eat_if_exists(true);
        let symbol = if c.peek().is_some_and(|t| {
            t.kind == Kind::Quoted || (t.kind == Kind::Word && !t.is_any_kw(&["UNIQUE", "PRIMARY", "FOREIGN", "CHECK"]))
        }) {
            c.ident()
        } else {
            None
        };
        return match c.peek() {
            Some(t) if t.is_kw("FOREIGN") => Err(foreign_key_refusal(clause)),
            Some(t) if t.is_kw("UNIQUE") => {
                c.i += 1;
                add_key(plan, c, clause, symbol, false)
            }
            Some(t) if t.is_kw("PRIMARY") => {
                c.i += 1;
                add_key(plan, c, clause, symbol, true)
            }
            _ => Ok(()), // CHECK (...)
        };
    }
    if next.is_kw("UNIQUE") {
        c.i += 1;
        return add_key(plan, c, clause, None, false);
    }
    if next.is_kw("PRIMARY") {
        c.i += 1;
        return add_key(plan, c, clause, None, true);
    }
    if next.is_any_kw(NOT_A_COLUMN)
        || (next.is_kw("SYSTEM") && c.peek_kw_at(1, "VERSIONING"))
        || (next.is_kw("PERIOD") && c.peek_kw_at(1, "FOR"))
    {
        return Ok(());
    }
    add_columns(plan, c, clause)
}

/// After `ADD [COLUMN]`: `[IF NOT EXISTS] name def` or `(name def, ...)`.
fn add_columns(plan: &mut AlterPlan, c: &mut Cur, clause: &str) -> Result<(), AlterError> {
    c.eat_if_exists(true);
    let rest = c.rest();
    if rest.first().is_some_and(|t| t.is_punct('(')) {
        let inner_depth = rest[0].depth + 1;
        let close = rest.iter().position(|t| t.is_punct(')') && t.depth == rest[0].depth).unwrap_or(rest.len());
        for item in rest[1..close].split(|t| t.is_punct(',') && t.depth == inner_depth) {
            if item.is_empty() {
                return Err(syntax_error(clause, "a column definition between the commas of ADD (...)"));
            }
            if item[0].is_any_kw(NOT_A_COLUMN) {
                continue;
            }
            add_one_column(plan, item, clause)?;
        }
        Ok(())
    } else {
        add_one_column(plan, rest, clause)
    }
}

fn add_one_column(plan: &mut AlterPlan, def: &[Token], clause: &str) -> Result<(), AlterError> {
    let (name, keys) = column_definition(def, clause)?;
    let name = name.ok_or_else(|| syntax_error(clause, "a column name after ADD"))?;
    push_keys(plan, &name, keys);
    push_unique(&mut plan.added_columns, name);
    Ok(())
}

/// An inline key attribute of a column definition: `PRIMARY KEY` / `KEY` (primary) or `UNIQUE`.
struct InlineKey {
    is_primary: bool,
}

/// `name type [attributes]`: the name (None if the definition does not start with one) and the
/// inline keys. Refuses an inline `REFERENCES` (a foreign key).
fn column_definition(def: &[Token], clause: &str) -> Result<(Option<String>, Vec<InlineKey>), AlterError> {
    let Some(first) = def.first() else { return Ok((None, Vec::new())) };
    let name = first.ident();
    if name.is_none() {
        return Ok((None, Vec::new()));
    }
    let level = first.depth;
    let mut keys = Vec::new();
    let mut k = 1;
    while k < def.len() {
        let t = &def[k];
        if t.is_kw("REFERENCES") {
            return Err(foreign_key_refusal(clause));
        }
        if t.depth == level {
            if t.is_kw("PARTITION") {
                break; // partition options after the clause: not part of the column
            }
            if t.is_kw("UNIQUE") {
                keys.push(InlineKey { is_primary: false });
                if def.get(k + 1).is_some_and(|n| n.is_any_kw(&["KEY", "INDEX"])) {
                    k += 1;
                }
            } else if t.is_kw("PRIMARY") {
                keys.push(InlineKey { is_primary: true });
                if def.get(k + 1).is_some_and(|n| n.is_kw("KEY")) {
                    k += 1;
                }
            } else if t.is_kw("KEY") {
                keys.push(InlineKey { is_primary: true });
            }
        }
        k += 1;
    }
    Ok((name, keys))
}

fn push_keys(plan: &mut AlterPlan, column: &str, keys: Vec<InlineKey>) {
    for k in keys {
        plan.added_unique_keys.push(AddedKey {
            name: k.is_primary.then(|| "PRIMARY".to_string()),
            columns: vec![column.to_string()],
            is_primary: k.is_primary,
            ..AddedKey::default()
        });
    }
}

/// After `UNIQUE` or `PRIMARY`: `[KEY|INDEX] [IF NOT EXISTS] [name] [USING x] (parts) ...`.
fn add_key(
    plan: &mut AlterPlan,
    c: &mut Cur,
    clause: &str,
    symbol: Option<String>,
    is_primary: bool,
) -> Result<(), AlterError> {
    if !(c.eat("KEY") || c.eat("INDEX")) && is_primary {
        return Err(syntax_error(clause, "KEY after PRIMARY"));
    }
    c.eat_if_exists(true);
    let mut name = None;
    if c.peek().is_some_and(|t| t.kind == Kind::Quoted || (t.kind == Kind::Word && !t.is_any_kw(&["USING", "TYPE"]))) {
        name = c.ident();
    }
    while c.peek().is_some_and(|t| !t.is_punct('(')) {
        c.i += 1;
    }
    let rest = c.rest();
    let Some(open) = rest.first() else { return Err(syntax_error(clause, "the key's column list in parentheses")) };
    let close = rest.iter().position(|t| t.is_punct(')') && t.depth == open.depth).unwrap_or(rest.len());
    let mut key = AddedKey {
        name: if is_primary { Some("PRIMARY".to_string()) } else { name.or(symbol) },
        is_primary,
        ..AddedKey::default()
    };
    for part in rest[1..close].split(|t| t.is_punct(',') && t.depth == open.depth + 1) {
        match part.first() {
            None => return Err(syntax_error(clause, "a key part between the commas of the key's column list")),
            Some(t) if t.is_punct('(') => key.has_expression_part = true,
            Some(t) => {
                let col = t.ident().ok_or_else(|| syntax_error(clause, "a column name in the key's column list"))?;
                if part.get(1).is_some_and(|n| n.is_punct('(')) {
                    key.has_prefix_part = true;
                }
                key.columns.push(col);
            }
        }
    }
    plan.added_unique_keys.push(key);
    Ok(())
}

fn analyze_drop(plan: &mut AlterPlan, c: &mut Cur, clause: &str) -> Result<(), AlterError> {
    let Some(next) = c.peek() else { return Err(syntax_error(clause, "what to drop after DROP")) };
    if next.is_any_kw(&["TABLE", "TABLES", "DATABASE", "SCHEMA", "TEMPORARY"]) {
        return Err(other_statement(&words(c.t, 2)));
    }
    if next.is_any_kw(&[
        "VIEW",
        "USER",
        "EVENT",
        "TRIGGER",
        "PROCEDURE",
        "FUNCTION",
        "SERVER",
        "ROLE",
        "SEQUENCE",
        "TABLESPACE",
        "LOGFILE",
        "SPATIAL",
        "RESOURCE",
        "UNDO",
    ]) && c.t.len() > 2
        && !c.peek_kw_at(1, "RESTRICT")
        && !c.peek_kw_at(1, "CASCADE")
    {
        return Err(other_statement(&words(c.t, 2)));
    }
    if next.is_kw("PARTITION") {
        return Err(partition_refusal(clause, "DROP PARTITION"));
    }
    if next.is_kw("PRIMARY") {
        plan.drops_primary_key = true;
        return Ok(());
    }
    if next.is_any_kw(&["INDEX", "KEY", "FOREIGN", "CONSTRAINT", "CHECK"])
        || (next.is_kw("SYSTEM") && c.peek_kw_at(1, "VERSIONING"))
        || (next.is_kw("PERIOD") && c.peek_kw_at(1, "FOR"))
    {
        return Ok(());
    }
    c.eat("COLUMN");
    c.eat_if_exists(false);
    let name = c.ident().ok_or_else(|| syntax_error(clause, "a column name after DROP [COLUMN]"))?;
    push_unique(&mut plan.dropped_columns, name);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> AlterPlan {
        match parse_alter(text, "t") {
            Ok(p) => p,
            Err(e) => panic!("{text:?} refused: {e}"),
        }
    }
    fn err(text: &str) -> AlterError {
        match parse_alter(text, "t") {
            Ok(p) => panic!("{text:?} accepted: {p:?}"),
            Err(e) => e,
        }
    }
    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }
    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn add_columns_all_forms() {
        let p = ok("ADD COLUMN a INT, ADD b VARCHAR(10) NOT NULL DEFAULT '', ADD COLUMN IF NOT EXISTS c INT, ADD IF NOT EXISTS d INT");
        assert_eq!(p.added_columns, s(&["a", "b", "c", "d"]));
        assert_eq!(p.clauses.len(), 4);
        let p = ok("ADD COLUMN (x INT, y DECIMAL(10,2) DEFAULT 1.5, z ENUM('a','b,c')) ");
        assert_eq!(p.added_columns, s(&["x", "y", "z"]));
        assert_eq!(p.statement, "ADD COLUMN (x INT, y DECIMAL(10,2) DEFAULT 1.5, z ENUM('a','b,c'))");
        let p = ok("add (x int, `y y` int)");
        assert_eq!(p.added_columns, s(&["x", "y y"]));
        assert!(p.modified_columns.is_empty() && p.dropped_columns.is_empty() && p.renamed_columns.is_empty());
    }

    #[test]
    fn add_non_columns() {
        let p =
            ok("ADD INDEX i (a), ADD KEY (b), ADD FULLTEXT KEY ft (c), ADD SPATIAL INDEX sp (g), ADD CHECK (a > 0), \
                    ADD CONSTRAINT ck CHECK (a < 10), ADD PERIOD FOR p(s, e), ADD SYSTEM VERSIONING");
        assert!(p.added_columns.is_empty(), "{:?}", p.added_columns);
        assert!(p.added_unique_keys.is_empty());
        assert_eq!(p.clauses.len(), 8);
        // quoted keywords are names
        let p = ok("ADD `index` INT, ADD COLUMN `key` INT, ADD period INT, ADD system INT");
        assert_eq!(p.added_columns, s(&["index", "key", "period", "system"]));
    }

    #[test]
    fn unique_and_primary_keys() {
        let p = ok("ADD UNIQUE KEY uk (a, d), ADD UNIQUE INDEX `u 2` USING BTREE (b(10) DESC), ADD UNIQUE (c), ADD PRIMARY KEY (id, `x`)");
        assert_eq!(
            p.added_unique_keys,
            vec![
                AddedKey { name: Some("uk".into()), columns: s(&["a", "d"]), ..Default::default() },
                AddedKey { name: Some("u 2".into()), columns: s(&["b"]), has_prefix_part: true, ..Default::default() },
                AddedKey { name: None, columns: s(&["c"]), ..Default::default() },
                AddedKey {
                    name: Some("PRIMARY".into()),
                    columns: s(&["id", "x"]),
                    is_primary: true,
                    ..Default::default()
                },
            ]
        );
        let p = ok(
            "ADD CONSTRAINT sym UNIQUE (a), ADD CONSTRAINT UNIQUE KEY named (b), ADD CONSTRAINT c2 UNIQUE KEY k2 (c), \
                    ADD CONSTRAINT pk PRIMARY KEY (id), ADD UNIQUE uq ((a + b))",
        );
        let names: Vec<_> = p.added_unique_keys.iter().map(|k| k.name.clone()).collect();
        assert_eq!(
            names,
            vec![
                Some("sym".into()),
                Some("named".into()),
                Some("k2".into()),
                Some("PRIMARY".into()),
                Some("uq".into())
            ]
        );
        assert!(p.added_unique_keys[3].is_primary);
        assert!(p.added_unique_keys[4].has_expression_part && p.added_unique_keys[4].columns.is_empty());
        assert!(p.added_columns.is_empty());
    }

    #[test]
    fn inline_keys_of_columns() {
        let p = ok(
            "ADD COLUMN email VARCHAR(100) UNIQUE, MODIFY id BIGINT PRIMARY KEY, ADD k INT KEY, ADD u INT UNIQUE KEY COMMENT 'unique key'",
        );
        assert_eq!(
            p.added_unique_keys,
            vec![
                AddedKey { name: None, columns: s(&["email"]), ..Default::default() },
                AddedKey { name: Some("PRIMARY".into()), columns: s(&["id"]), is_primary: true, ..Default::default() },
                AddedKey { name: Some("PRIMARY".into()), columns: s(&["k"]), is_primary: true, ..Default::default() },
                AddedKey { name: None, columns: s(&["u"]), ..Default::default() },
            ]
        );
        // a KEY in partition options after the clause is not an inline key
        let p = ok("ADD COLUMN c INT PARTITION BY KEY (id) PARTITIONS 4");
        assert!(p.added_unique_keys.is_empty());
        assert_eq!(p.added_columns, s(&["c"]));
    }

    #[test]
    fn drop_columns_and_non_columns() {
        let p = ok("DROP COLUMN a, DROP b, DROP COLUMN IF EXISTS c, DROP IF EXISTS d");
        assert_eq!(p.dropped_columns, s(&["a", "b", "c", "d"]));
        let p = ok(
            "DROP INDEX i, DROP KEY k, DROP FOREIGN KEY fk, DROP CONSTRAINT c, DROP CHECK ck, DROP SYSTEM VERSIONING, DROP PERIOD FOR p",
        );
        assert!(p.dropped_columns.is_empty(), "{:?}", p.dropped_columns);
        assert!(!p.drops_primary_key);
        let p = ok("DROP PRIMARY KEY, ADD PRIMARY KEY (a, b)");
        assert!(p.drops_primary_key);
        assert!(p.dropped_columns.is_empty());
        assert_eq!(p.added_unique_keys[0].columns, s(&["a", "b"]));
        let p = ok("DROP `index`, DROP COLUMN `primary`, DROP view");
        assert_eq!(p.dropped_columns, s(&["index", "primary", "view"]));
    }

    #[test]
    fn change_and_modify() {
        let p = ok("CHANGE COLUMN a b INT, CHANGE c c BIGINT, CHANGE D d INT, CHANGE IF EXISTS e f INT FIRST, MODIFY g TEXT AFTER b, MODIFY COLUMN h INT");
        assert_eq!(p.renamed_columns, pairs(&[("a", "b"), ("e", "f")]));
        assert_eq!(p.modified_columns, s(&["b", "c", "d", "f", "g", "h"]));
        assert!(p.added_columns.is_empty() && p.dropped_columns.is_empty());
    }

    #[test]
    fn rename_column_and_index() {
        let p = ok("RENAME COLUMN a TO b, RENAME INDEX i TO j, RENAME KEY k TO l, RENAME COLUMN `x` TO `X`");
        assert_eq!(p.renamed_columns, pairs(&[("a", "b")]));
        assert!(p.modified_columns.is_empty());
        assert_eq!(p.ghost_column_name("a").as_deref(), Some("b"));
        assert_eq!(p.ghost_column_name("A").as_deref(), Some("b"));
        assert_eq!(p.ghost_column_name("z").as_deref(), Some("z"));
        // swapping two names in one ALTER maps the original names
        let p = ok("RENAME COLUMN a TO b, RENAME COLUMN b TO a, DROP c");
        assert_eq!(p.ghost_column_name("b").as_deref(), Some("a"));
        assert_eq!(p.ghost_column_name("c"), None);
    }

    #[test]
    fn alter_column_is_data_neutral() {
        let p = ok("ALTER COLUMN a SET DEFAULT 'x, y', ALTER b DROP DEFAULT, ALTER COLUMN c SET INVISIBLE, ALTER d SET VISIBLE, ALTER INDEX i INVISIBLE");
        assert!(p.modified_columns.is_empty());
        assert_eq!(p.clauses.len(), 5);
        assert_eq!(p.clauses[0], "ALTER COLUMN a SET DEFAULT 'x, y'");
        // a column named like an ALTER object
        let p = ok("ALTER user SET DEFAULT 'x', ALTER view DROP DEFAULT");
        assert_eq!(p.clauses.len(), 2);
    }

    #[test]
    fn table_options_charset_engine_algorithm() {
        let p = ok(
            "CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci, ENGINE=InnoDB, ALGORITHM=INPLACE, LOCK=NONE",
        );
        assert_eq!(p.converts_charset.as_deref(), Some("utf8mb4"));
        assert_eq!(p.changes_engine.as_deref(), Some("InnoDB"));
        assert!(p.has_algorithm_or_lock);
        let p = ok("convert to charset 'latin1', engine rocksdb");
        assert_eq!(p.converts_charset.as_deref(), Some("latin1"));
        assert_eq!(p.changes_engine.as_deref(), Some("rocksdb"));
        assert!(!p.has_algorithm_or_lock);
        let p = ok("COMMENT='engine, lock', ROW_FORMAT=DYNAMIC KEY_BLOCK_SIZE=8, AUTO_INCREMENT=100, DEFAULT CHARSET=utf8mb4, CHARACTER SET latin1, FORCE");
        assert_eq!(p.clauses.len(), 6);
        assert_eq!(p.changes_engine, None);
        assert_eq!(p.converts_charset, None);
        assert!(!p.has_algorithm_or_lock);
        let p = ok("ROW_FORMAT=COMPRESSED ENGINE=InnoDB");
        assert_eq!(p.changes_engine.as_deref(), Some("InnoDB"));
        let p = ok("ALGORITHM INSTANT");
        assert!(p.has_algorithm_or_lock);
    }

    #[test]
    fn odd_identifiers() {
        let p = ok("ADD COLUMN `a``b` INT, DROP COLUMN `with space`, CHANGE `prénom` `名前` VARCHAR(10), ADD 名前2 INT, DROP `select`, MODIFY `from` INT");
        assert_eq!(p.added_columns, s(&["a`b", "名前2"]));
        assert_eq!(p.dropped_columns, s(&["with space", "select"]));
        assert_eq!(p.renamed_columns, pairs(&[("prénom", "名前")]));
        assert_eq!(p.modified_columns, s(&["名前", "from"]));
        assert_eq!(p.statement, "ADD COLUMN `a``b` INT, DROP COLUMN `with space`, CHANGE `prénom` `名前` VARCHAR(10), ADD 名前2 INT, DROP `select`, MODIFY `from` INT");
        // $ and digits in bare names; a quoted name with a comma and parentheses
        let p = ok("ADD a$1 INT, ADD `x, (y)` INT");
        assert_eq!(p.added_columns, s(&["a$1", "x, (y)"]));
        // case-insensitive unicode compare for CHANGE
        let p = ok("CHANGE `Prénom` `PRÉNOM` TEXT");
        assert!(p.renamed_columns.is_empty());
    }

    #[test]
    fn strings_do_not_split() {
        let p = ok(
            r#"ADD a VARCHAR(5) DEFAULT 'a,b', ADD b INT COMMENT "x, y", ADD c ENUM('a','b,c',')'), ADD d TEXT COMMENT 'it''s, (fine', ADD e TEXT COMMENT 'a\'b, c', ADD f TEXT COMMENT "say ""hi"", ok", ADD g INT COMMENT 'back\\', ADD h INT"#,
        );
        assert_eq!(p.added_columns, s(&["a", "b", "c", "d", "e", "f", "g", "h"]));
        assert_eq!(p.clauses[3], "ADD d TEXT COMMENT 'it''s, (fine'");
        assert_eq!(p.clauses[4], r"ADD e TEXT COMMENT 'a\'b, c'");
        assert_eq!(p.clauses[6], r"ADD g INT COMMENT 'back\\'");
    }

    #[test]
    fn parens_do_not_split() {
        let p = ok("ADD total DECIMAL(10,2) AS (price * qty) STORED, ADD CONSTRAINT ck CHECK (a IN (1, 2, 3)), MODIFY s SET('x','y') NOT NULL, ADD INDEX (a, b)");
        assert_eq!(p.clauses.len(), 4);
        assert_eq!(p.added_columns, s(&["total"]));
        assert_eq!(p.modified_columns, s(&["s"]));
        assert_eq!(p.clauses[1], "ADD CONSTRAINT ck CHECK (a IN (1, 2, 3))");
    }

    #[test]
    fn comments_are_dropped() {
        let p = ok("ADD a INT, -- a comment, with a comma\nADD b INT # another, one\n, /* c, d */ DROP e");
        assert_eq!(p.clauses, s(&["ADD a INT", "ADD b INT", "DROP e"]));
        assert_eq!(p.statement, "ADD a INT, ADD b INT, DROP e");
        let p = ok("ADD a/* x */INT");
        assert_eq!(p.statement, "ADD a INT");
        // `--` without a space is not a comment (1--2 is arithmetic)
        let p = ok("ADD a INT DEFAULT 1--2");
        assert_eq!(p.statement, "ADD a INT DEFAULT 1--2");
        // comment markers inside strings are text
        let p = ok("ADD a TEXT DEFAULT '-- not, /* a */ # comment'");
        assert_eq!(p.statement, "ADD a TEXT DEFAULT '-- not, /* a */ # comment'");
    }

    #[test]
    fn version_comments_are_code() {
        let p = ok("ADD a INT /*!50100 , ADD b INT */, ENGINE=InnoDB /*M!100100 , DROP c*/");
        assert_eq!(p.added_columns, s(&["a", "b"]));
        assert_eq!(p.dropped_columns, s(&["c"]));
        assert_eq!(p.statement, "ADD a INT, ADD b INT, ENGINE=InnoDB, DROP c");
        let p = ok("/*! ADD x INT */");
        assert_eq!(p.statement, "ADD x INT");
    }

    #[test]
    fn whitespace_case_and_semicolon() {
        let p = ok("\n\tadd\tcolumn  a int ,\r\n  drop   COLUMN b ;  ");
        assert_eq!(p.added_columns, s(&["a"]));
        assert_eq!(p.dropped_columns, s(&["b"]));
        assert_eq!(p.statement, "add\tcolumn  a int, drop   COLUMN b");
        let p = ok("ADD a INT;;");
        assert_eq!(p.statement, "ADD a INT");
    }

    #[test]
    fn full_statement_forms() {
        for text in [
            "ALTER TABLE t ADD COLUMN x INT",
            "alter table `t` ADD COLUMN x INT;",
            "ALTER TABLE db.t ADD COLUMN x INT",
            "ALTER TABLE `my db`.`t` ADD COLUMN x INT",
            "ALTER ONLINE TABLE t ADD COLUMN x INT",
            "ALTER IGNORE TABLE t ADD COLUMN x INT",
            "ALTER ONLINE IGNORE TABLE t ADD COLUMN x INT",
            "ALTER TABLE IF EXISTS t ADD COLUMN x INT",
            "ALTER TABLE t WAIT 5 ADD COLUMN x INT",
            "ALTER TABLE t NOWAIT ADD COLUMN x INT",
            "/* why */ ALTER TABLE t -- now\n ADD COLUMN x INT",
        ] {
            let p = ok(text);
            assert_eq!(p.statement, "ADD COLUMN x INT", "{text}");
            assert_eq!(p.added_columns, s(&["x"]), "{text}");
        }
        let p = parse_alter("ALTER TABLE `we``ird tâble` DROP a", "we`ird tâble").unwrap();
        assert_eq!(p.statement, "DROP a");
    }

    #[test]
    fn multi_clause_mix() {
        let p = ok("ADD COLUMN a INT, DROP COLUMN b, CHANGE c d VARCHAR(10) DEFAULT 'x,y', ADD UNIQUE KEY uk (a, d)");
        assert_eq!(p.added_columns, s(&["a"]));
        assert_eq!(p.dropped_columns, s(&["b"]));
        assert_eq!(p.renamed_columns, pairs(&[("c", "d")]));
        assert_eq!(p.modified_columns, s(&["d"]));
        assert_eq!(
            p.added_unique_keys,
            vec![AddedKey { name: Some("uk".into()), columns: s(&["a", "d"]), ..Default::default() }]
        );
        assert_eq!(
            p.statement,
            "ADD COLUMN a INT, DROP COLUMN b, CHANGE c d VARCHAR(10) DEFAULT 'x,y', ADD UNIQUE KEY uk (a, d)"
        );
        assert_eq!(p.clauses.len(), 4);
        assert!(
            !p.drops_primary_key
                && p.converts_charset.is_none()
                && p.changes_engine.is_none()
                && !p.has_algorithm_or_lock
        );
        // dropping and changing in one ALTER is allowed
        let p = ok("DROP COLUMN a, CHANGE b a INT");
        assert_eq!(p.dropped_columns, s(&["a"]));
        assert_eq!(p.renamed_columns, pairs(&[("b", "a")]));
        assert!(!p.warnings().is_empty());
    }

    #[test]
    fn partition_rewrites_allowed() {
        let p =
            ok("PARTITION BY RANGE (id) (PARTITION p0 VALUES LESS THAN (10), PARTITION p1 VALUES LESS THAN MAXVALUE)");
        assert_eq!(p.clauses.len(), 1);
        let p = ok("REMOVE PARTITIONING");
        assert_eq!(p.statement, "REMOVE PARTITIONING");
        let p = ok("ENGINE=InnoDB PARTITION BY KEY ALGORITHM=2 (id) PARTITIONS 4");
        assert_eq!(p.changes_engine.as_deref(), Some("InnoDB"));
        assert!(!p.has_algorithm_or_lock);
    }

    #[test]
    fn refuses_empty() {
        for text in ["", "   ", "-- nothing\n", ";", "ALTER TABLE t", "ALTER TABLE t;", "/* x */"] {
            let e = err(text);
            assert!(e.message.contains("empty"), "{text:?}: {e}");
        }
        assert!(err("ADD a INT,, DROP b").message.contains("empty clause"));
        assert!(err("ADD a INT,").message.contains("empty clause"));
        assert!(err(", ADD a INT").message.contains("empty clause"));
    }

    #[test]
    fn refuses_table_rename() {
        for text in ["RENAME TO t2", "RENAME AS t2", "RENAME t2", "ADD a INT, RENAME TO `x`"] {
            let e = err(text);
            assert!(e.message.contains("renames the table"), "{text}: {e}");
            assert!(e.hint.contains("RENAME TABLE"));
        }
        let e = err("RENAME TABLE t TO t2");
        assert_eq!(e.message, "the --alter is a RENAME TABLE statement, not an ALTER TABLE");
    }

    #[test]
    fn refuses_partition_management() {
        for (text, what) in [
            ("ADD PARTITION (PARTITION p3 VALUES LESS THAN (30))", "ADD PARTITION"),
            ("DROP PARTITION p0", "DROP PARTITION"),
            ("TRUNCATE PARTITION p0, p1", "TRUNCATE PARTITION"),
            ("COALESCE PARTITION 2", "COALESCE PARTITION"),
            (
                "REORGANIZE PARTITION p0 INTO (PARTITION a VALUES LESS THAN (5), PARTITION b VALUES LESS THAN (10))",
                "REORGANIZE PARTITION",
            ),
            ("EXCHANGE PARTITION p0 WITH TABLE t2 WITHOUT VALIDATION", "EXCHANGE PARTITION"),
            ("ANALYZE PARTITION p0", "ANALYZE PARTITION"),
            ("CHECK PARTITION ALL", "CHECK PARTITION"),
            ("optimize partition p0", "OPTIMIZE PARTITION"),
            ("REBUILD PARTITION p0", "REBUILD PARTITION"),
            ("REPAIR PARTITION p0", "REPAIR PARTITION"),
            ("CONVERT PARTITION p0 TO TABLE x", "CONVERT PARTITION"),
            ("UPGRADE PARTITIONING", "UPGRADE PARTITIONING"),
        ] {
            let e = err(text);
            assert!(e.message.starts_with(&format!("`{what}` manages the partitions")), "{text}: {e}");
            assert!(e.hint.contains("directly on the table"));
        }
    }

    #[test]
    fn refuses_tablespace() {
        for text in [
            "DISCARD TABLESPACE",
            "IMPORT TABLESPACE",
            "DISCARD PARTITION p0 TABLESPACE",
            "import partition all tablespace",
        ] {
            let e = err(text);
            assert!(e.message.contains("data files"), "{text}: {e}");
        }
    }

    #[test]
    fn refuses_foreign_keys() {
        for text in [
            "ADD FOREIGN KEY (a) REFERENCES p (id)",
            "ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES p (id)",
            "ADD CONSTRAINT `fk` FOREIGN KEY fk_idx (a) REFERENCES p (id) ON DELETE CASCADE",
            "ADD CONSTRAINT FOREIGN KEY (a) REFERENCES p (id)",
            "ADD COLUMN p_id INT REFERENCES p (id)",
            "MODIFY p_id INT REFERENCES p (id)",
        ] {
            let e = err(text);
            assert!(e.message.contains("foreign key"), "{text}: {e}");
        }
        // the word in a string or a quoted name is fine
        let p = ok("ADD `references` INT COMMENT 'references p(id), foreign key'");
        assert_eq!(p.added_columns, s(&["references"]));
        // dropping a foreign key is not adding one
        ok("DROP FOREIGN KEY fk");
    }

    #[test]
    fn refuses_other_table() {
        let e = err("ALTER TABLE other ADD COLUMN x INT");
        assert_eq!(e.message, "the ALTER names table other, but --table is t");
        let e = err("ALTER TABLE db.T ADD COLUMN x INT");
        assert_eq!(e.message, "the ALTER names table T, but --table is t");
        let e = err("ALTER TABLE `t ` ADD x INT");
        assert!(e.message.contains("names table t "));
        assert!(err("ALTER TABLE").message.contains("no table name"));
    }

    #[test]
    fn refuses_other_statements() {
        for (text, verb) in [
            ("CREATE TABLE x (a INT)", "CREATE"),
            ("DROP TABLE t", "DROP TABLE"),
            ("drop database d", "DROP DATABASE"),
            ("UPDATE t SET a = 1", "UPDATE"),
            ("DELETE FROM t", "DELETE"),
            ("INSERT INTO t VALUES (1)", "INSERT"),
            ("SELECT 1", "SELECT"),
            ("TRUNCATE TABLE t", "TRUNCATE TABLE"),
            ("TRUNCATE t", "TRUNCATE"),
            ("SET foreign_key_checks = 0", "SET"),
            ("OPTIMIZE TABLE t", "OPTIMIZE TABLE"),
            ("ALTER DATABASE d CHARACTER SET utf8mb4", "ALTER DATABASE"),
            ("ALTER USER 'u'@'%' IDENTIFIED BY 'x'", "ALTER USER"),
            ("ALTER VIEW v AS SELECT 1", "ALTER VIEW"),
            ("DROP VIEW v", "DROP VIEW"),
            ("CHANGE MASTER TO MASTER_HOST='h'", "CHANGE MASTER"),
            ("LOCK TABLES t WRITE", "LOCK TABLES"),
            ("GRANT ALL ON *.* TO u", "GRANT"),
            ("WITH x AS (SELECT 1) SELECT * FROM x", "WITH"),
            ("RENAME USER a TO b", "RENAME USER"),
            ("ALTER IGNORE x", "ALTER IGNORE"),
        ] {
            let e = err(text);
            let article = if verb.starts_with(['A', 'E', 'I', 'O', 'U']) { "an" } else { "a" };
            assert_eq!(e.message, format!("the --alter is {article} {verb} statement, not an ALTER TABLE"), "{text}");
            assert!(e.hint.contains("pass only the ALTER TABLE clauses"));
        }
        // columns named like statement words are fine where a name is expected
        let p = ok("CHANGE master master INT, DROP view, ALTER user SET DEFAULT 1");
        assert_eq!(p.modified_columns, s(&["master"]));
        assert_eq!(p.dropped_columns, s(&["view"]));
        // ALTER TABLE after a comma
        assert!(err("ADD x INT, ALTER TABLE t ADD y INT").message.contains("can only start"));
    }

    #[test]
    fn refuses_multiple_statements() {
        let e = err("ADD a INT; DROP TABLE x");
        assert!(e.message.contains("more than one statement"), "{e}");
        assert!(e.message.contains("line 1, column 10"), "{e}");
        assert!(err("ALTER TABLE t ADD a INT;\nALTER TABLE t DROP b;").message.contains("more than one statement"));
        // a ; in a string or comment is text
        ok("ADD a TEXT DEFAULT 'a;b' -- x; y\n");
    }

    #[test]
    fn refuses_lexing_errors_with_position() {
        let e = err("ADD a INT DEFAULT 'x, DROP b");
        assert_eq!(e.message, "unterminated string: the ' at line 1, column 19 is never closed");
        let e = err("ADD a INT COMMENT \"x");
        assert!(e.message.contains("unterminated string") && e.message.contains("column 19"), "{e}");
        let e = err("ADD `a INT");
        assert_eq!(e.message, "unterminated quoted identifier: the ` at line 1, column 5 is never closed");
        let e = err("ADD a INT /* note");
        assert!(e.message.contains("unterminated comment") && e.message.contains("column 11"), "{e}");
        let e = err("ADD a INT /*!50100 , ADD b INT");
        assert!(e.message.contains("unterminated comment"), "{e}");
        let e = err("ADD a DECIMAL(10,2, DROP b");
        assert_eq!(e.message, "unbalanced parentheses: the ( at line 1, column 14 is never closed");
        let e = err("ADD a INT,\n  ADD b INT)");
        assert_eq!(e.message, "unbalanced parentheses: the ) at line 2, column 12 has no matching (");
        let e = err("ADD `prénom` ENUM('a'");
        assert!(e.message.contains("column 18"), "{e}");
        // a doubled backtick does not close
        assert!(err("ADD `a`` INT").message.contains("quoted identifier"));
        assert!(!e.hint.is_empty());
    }

    #[test]
    fn refuses_unreadable_clauses() {
        assert!(err("CHANGE a").message.contains("cannot read"));
        assert!(err("RENAME COLUMN a b").message.contains("TO after RENAME COLUMN"));
        assert!(err("DROP").message.contains("cannot read"));
        assert!(err("ADD").message.contains("cannot read"));
        assert!(err("MODIFY 'x' INT").message.contains("cannot read"));
        assert!(err("ALTER").message.contains("cannot read"));
        assert!(err("ALTER COLUMN").message.contains("cannot read"));
        assert!(err("ADD UNIQUE KEY uk").message.contains("column list"));
        assert!(err("ADD PRIMARY (a)").message.contains("KEY after PRIMARY"));
        assert!(err("CONVERT TO utf8mb4").message.contains("CHARACTER SET"));
    }

    #[test]
    fn error_display() {
        let e = err("RENAME TO x");
        let shown = e.to_string();
        assert!(shown.contains(&e.message) && shown.contains(&e.hint));
        let _: &dyn std::error::Error = &e;
    }

    #[test]
    fn identifiers_in_statements() {
        let q = "RENAME TABLE `d`.`t` TO `d`.`t~del`, `d`.`t~gho` TO `d`.`t`";
        assert!(mentions_identifier(q, "t"));
        assert!(!mentions_identifier("DROP TABLE `d`.`t~del` /* generated by server */", "t"));
        assert!(!mentions_identifier("CREATE TABLE `d`.`_t_gho` LIKE `d`.`x`", "t"));
        assert!(mentions_identifier("ALTER TABLE t ADD COLUMN x INT", "t"));
        assert!(mentions_identifier("alter table d.t add column x int", "t"));
        assert!(!mentions_identifier("ALTER TABLE u COMMENT 't'", "t"));
        assert!(mentions_identifier("ALTER TABLE `we``ird` FORCE", "we`ird"));
    }

    #[test]
    fn ddl_targets_of_statements() {
        let one = |d: Option<&str>, n: &str| (d.map(str::to_string), n.to_string());
        let t = |v: Vec<(Option<String>, String)>| DdlTargets::Tables(v);
        assert_eq!(ddl_targets("ALTER TABLE t ADD COLUMN x INT"), t(vec![one(None, "t")]));
        assert_eq!(ddl_targets("alter online ignore table `d`.`t` force"), t(vec![one(Some("d"), "t")]));
        assert_eq!(ddl_targets("ALTER TABLE IF EXISTS t FORCE"), t(vec![one(None, "t")]));
        assert_eq!(
            ddl_targets("RENAME TABLE `d`.`t` TO `d`.`t~del`, `d`.`t~gho` TO `d`.`t`"),
            t(vec![one(Some("d"), "t"), one(Some("d"), "t~del"), one(Some("d"), "t~gho"), one(Some("d"), "t")])
        );
        assert_eq!(
            ddl_targets("DROP TABLE IF EXISTS `a`, d.t /* generated by server */"),
            t(vec![one(None, "a"), one(Some("d"), "t")])
        );
        assert_eq!(ddl_targets("TRUNCATE t"), t(vec![one(None, "t")]));
        assert_eq!(ddl_targets("TRUNCATE TABLE d.t"), t(vec![one(Some("d"), "t")]));
        assert_eq!(ddl_targets("OPTIMIZE NO_WRITE_TO_BINLOG TABLE t, u"), t(vec![one(None, "t"), one(None, "u")]));
        assert_eq!(ddl_targets("CREATE UNIQUE INDEX i USING BTREE ON t (a)"), t(vec![one(None, "t")]));
        assert_eq!(ddl_targets("DROP INDEX IF EXISTS i ON `d`.`t`"), t(vec![one(Some("d"), "t")]));
        assert_eq!(ddl_targets("CREATE OR REPLACE TABLE t (a INT)"), t(vec![one(None, "t")]));
        // statements that only name a table
        for q in [
            "CREATE TABLE `d`.`_t_gho` LIKE `d`.`t`",
            "ALTER EVENT `d`.`t` DISABLE",
            "DROP EVENT IF EXISTS `t`",
            "ALTER DEFINER=`root`@`localhost` EVENT `t` ON COMPLETION PRESERVE DISABLE",
            "DROP VIEW t",
            "CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET @x = 1",
            "INSERT INTO t VALUES (1)",
        ] {
            assert_eq!(ddl_targets(q), DdlTargets::NotTableDdl, "{q}");
        }
        assert_eq!(ddl_targets("ALTER TABLE t COMMENT 'unterminated"), DdlTargets::Unparsed);
    }
}
