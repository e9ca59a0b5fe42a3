//! The ledger model: writers that insert, update (including key changes) and delete rows of a
//! table while it is migrated, each remembering exactly what the server acknowledged. After the
//! migration the table must hold exactly the model: nothing lost, nothing added, nothing
//! changed.
//!
//! Each writer owns the ids `id % writers == index`, so the models never overlap and each one
//! is exact whatever the interleaving.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use mysql::prelude::Queryable;
use mysql::Conn;

use super::Sandbox;

/// The table every ledger test migrates: `d` is there to be dropped, `c` is latin1.
pub const LEDGER_DDL: &str = "CREATE TABLE {t} (
    id BIGINT NOT NULL PRIMARY KEY,
    uk BIGINT NOT NULL,
    a VARCHAR(64) CHARACTER SET utf8mb4,
    b INT NOT NULL,
    c VARCHAR(32) CHARACTER SET latin1,
    d INT DEFAULT 5,
    UNIQUE KEY uk (uk)
) ENGINE=InnoDB";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub uk: i64,
    pub a: Option<String>,
    pub b: i64,
    pub c: Option<String>,
}

pub const SEED_ROWS: i64 = 20_000;
pub const KEY_SPACE: i64 = 30_000;

pub fn seed_row(id: i64) -> Row {
    Row { uk: id * 10, a: Some(format!("seed-{id}")), b: id, c: Some(format!("café-{id}")) }
}

/// Creates `db`.`t` with SEED_ROWS rows.
pub fn create_ledger_table(sb: &Sandbox, db: &str) {
    let mut c = sb.primary();
    c.query_drop(LEDGER_DDL.replace("{t}", &format!("`{db}`.t"))).unwrap();
    for start in (1..=SEED_ROWS).step_by(2000) {
        let values: Vec<String> = (start..(start + 2000).min(SEED_ROWS + 1))
            .map(|id| {
                let r = seed_row(id);
                format!("({id}, {}, '{}', {}, '{}')", r.uk, r.a.unwrap(), r.b, r.c.unwrap())
            })
            .collect();
        c.query_drop(format!("INSERT INTO `{db}`.t (id, uk, a, b, c) VALUES {}", values.join(","))).unwrap();
    }
}

pub struct WriterResult {
    pub model: HashMap<i64, Row>,
    pub statements: u64,
    pub max_latency: Duration,
    pub errors: Vec<String>,
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const TEXTS: &[&str] = &["plain", "ünïcødé", "漢字", "emoji 🦀🎉", "quote ' \" \\ back", "", "tab\tnl\n"];
const LATIN1: &[&str] = &["café", "niño", "façade", "Ærø", "plain"];

pub struct Writers {
    stop: Arc<AtomicBool>,
    /// Statements executed so far by all the writers (acknowledged or not).
    done: Arc<AtomicU64>,
    handles: Vec<JoinHandle<WriterResult>>,
}

/// How fast a writer writes.
#[derive(Clone, Copy)]
pub enum Pace {
    /// As fast as the server answers, with a pause after each statement.
    Pause(Duration),
    /// At most this many statements a second: a load that does not grow with the machine's
    /// speed, so that a replica that keeps up on one machine keeps up on the next.
    PerSecond(u32),
}

impl Writers {
    /// Starts `n` writers on `db`.`t` (through the primary), pausing `pause` between statements.
    pub fn start(sb: &Sandbox, db: &str, n: usize, pause: Duration) -> Writers {
        Self::paced(sb, db, n, Pace::Pause(pause))
    }

    /// Starts `n` writers on `db`.`t` (through the primary), each at `pace`.
    pub fn paced(sb: &Sandbox, db: &str, n: usize, pace: Pace) -> Writers {
        let stop = Arc::new(AtomicBool::new(false));
        let done = Arc::new(AtomicU64::new(0));
        let mut handles = Vec::new();
        for idx in 0..n {
            let conn = sb.primary();
            let db = db.to_string();
            let (stop, done) = (stop.clone(), done.clone());
            handles.push(std::thread::spawn(move || write_loop(conn, db, idx as i64, n as i64, stop, done, pace)));
        }
        Writers { stop, done, handles }
    }

    /// Statements executed so far by all the writers.
    pub fn statements(&self) -> u64 {
        self.done.load(Ordering::SeqCst)
    }

    pub fn stop(mut self) -> Vec<WriterResult> {
        self.stop.store(true, Ordering::SeqCst);
        std::mem::take(&mut self.handles).into_iter().map(|h| h.join().expect("writer thread")).collect()
    }
}

/// A test that fails before [`Writers::stop`] must not leave its writers loading the servers
/// for the tests that run after it in the same binary.
impl Drop for Writers {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

fn write_loop(
    mut c: Conn,
    db: String,
    idx: i64,
    n: i64,
    stop: Arc<AtomicBool>,
    done: Arc<AtomicU64>,
    pace: Pace,
) -> WriterResult {
    let mut model: HashMap<i64, Row> =
        (1..=SEED_ROWS).filter(|id| id % n == idx).map(|id| (id, seed_row(id))).collect();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ ((idx as u64 + 1) * 0x1000_0001));
    let mut version: HashMap<i64, i64> = HashMap::new();
    let mut out =
        WriterResult { model: HashMap::new(), statements: 0, max_latency: Duration::ZERO, errors: Vec::new() };
    let t = format!("`{db}`.t");
    while !stop.load(Ordering::Relaxed) {
        // an id of this writer's partition
        let id = (rng.below((KEY_SPACE / n) as u64) as i64) * n + idx;
        if id == 0 {
            continue;
        }
        let op = rng.below(100);
        let text = TEXTS[rng.below(TEXTS.len() as u64) as usize].to_string();
        let latin = format!("{}-{}", LATIN1[rng.below(LATIN1.len() as u64) as usize], rng.below(1000));
        let b = rng.below(2_000_000_000) as i64 - 1_000_000_000;
        let started = Instant::now();
        type Apply = Box<dyn FnOnce(&mut HashMap<i64, Row>)>;
        let (res, apply): (Result<(), mysql::Error>, Apply) = if let Some(row) = model.get(&id).cloned() {
            if op < 55 {
                let r = c.exec_drop(format!("UPDATE {t} SET a = ?, b = ?, c = ? WHERE id = ?"), (&text, b, &latin, id));
                (
                    r,
                    Box::new(move |m: &mut HashMap<i64, Row>| {
                        m.insert(id, Row { uk: row.uk, a: Some(text), b, c: Some(latin) });
                    }),
                )
            } else if op < 70 {
                // change the unique key
                let v = version.entry(id).or_insert(0);
                *v = (*v + 1) % 10;
                let uk = id * 10 + *v;
                let r = c.exec_drop(format!("UPDATE {t} SET uk = ? WHERE id = ?"), (uk, id));
                (
                    r,
                    Box::new(move |m: &mut HashMap<i64, Row>| {
                        m.insert(id, Row { uk, ..row });
                    }),
                )
            } else if op < 80 {
                // change the primary key: move the row to a free id of this partition
                let to = (rng.below((KEY_SPACE / n) as u64) as i64) * n + idx;
                if to == 0 || model.contains_key(&to) {
                    continue;
                }
                let uk = to * 10;
                let r = c.exec_drop(format!("UPDATE {t} SET id = ?, uk = ? WHERE id = ?"), (to, uk, id));
                (
                    r,
                    Box::new(move |m: &mut HashMap<i64, Row>| {
                        m.remove(&id);
                        m.insert(to, Row { uk, ..row });
                    }),
                )
            } else {
                let r = c.exec_drop(format!("DELETE FROM {t} WHERE id = ?"), (id,));
                (
                    r,
                    Box::new(move |m: &mut HashMap<i64, Row>| {
                        m.remove(&id);
                    }),
                )
            }
        } else {
            let uk = id * 10;
            let r = c.exec_drop(
                format!("INSERT INTO {t} (id, uk, a, b, c) VALUES (?, ?, ?, ?, ?)"),
                (id, uk, &text, b, &latin),
            );
            (
                r,
                Box::new(move |m: &mut HashMap<i64, Row>| {
                    m.insert(id, Row { uk, a: Some(text), b, c: Some(latin) });
                }),
            )
        };
        let took = started.elapsed();
        out.statements += 1;
        done.fetch_add(1, Ordering::SeqCst);
        out.max_latency = out.max_latency.max(took);
        match res {
            Ok(()) => apply(&mut model),
            // not acknowledged: rolled back (deadlock, lock wait timeout), or the table was
            // briefly missing (two-step cut-over)
            Err(mysql::Error::MySqlError(e)) if [1213, 1205, 1146].contains(&e.code) => {}
            Err(e) => out.errors.push(e.to_string()),
        }
        std::thread::sleep(match pace {
            Pace::Pause(p) => p,
            Pace::PerSecond(r) => Duration::from_secs(1).div_f64(r.max(1) as f64).saturating_sub(started.elapsed()),
        });
    }
    out.model = model;
    out
}

/// Reads `db`.`table` as the model's rows.
pub fn read_table(c: &mut Conn, db: &str, table: &str) -> HashMap<i64, Row> {
    type Raw = (i64, i64, Option<String>, i64, Option<String>);
    let rows: Vec<Raw> = c.query(format!("SELECT id, uk, a, b, c FROM `{db}`.`{table}`")).unwrap();
    rows.into_iter().map(|(id, uk, a, b, cc)| (id, Row { uk, a, b, c: cc })).collect()
}

/// Compares the table with the merged models; returns a description of every difference.
pub fn compare(actual: &HashMap<i64, Row>, results: &[WriterResult]) -> Vec<String> {
    let mut expected: HashMap<i64, Row> = HashMap::new();
    for r in results {
        expected.extend(r.model.iter().map(|(k, v)| (*k, v.clone())));
    }
    let mut diffs = Vec::new();
    for (id, want) in &expected {
        match actual.get(id) {
            None => diffs.push(format!("lost row id={id}: {want:?}")),
            Some(got) if got != want => diffs.push(format!("changed row id={id}: expected {want:?}, found {got:?}")),
            _ => {}
        }
    }
    for id in actual.keys() {
        if !expected.contains_key(id) {
            diffs.push(format!("extra row id={id}: {:?}", actual[id]));
        }
    }
    diffs.sort();
    diffs
}

/// Appends a line to target/test-metrics.txt (printed by `make test`).
pub fn metric(line: &str) {
    use std::io::Write;
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/target");
    let _ = std::fs::create_dir_all(dir);
    let flavor = std::env::var("GHOST_RS_TEST_FLAVOR").unwrap_or_else(|_| "mariadb".into());
    if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(format!("{dir}/test-metrics.txt")) {
        let _ = writeln!(f, "[{flavor}] {line}");
    }
}
