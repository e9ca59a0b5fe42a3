//! The engine end to end under write load, against the sandbox: nothing acknowledged is lost,
//! added or changed (the ledger model), every type round-trips byte for byte through the
//! binlog path, a killed cut-over lock session gives the table back and is retried, and a
//! SIGKILL mid-copy leaves the original untouched.

mod common;

use std::time::{Duration, Instant};

use common::ledger::*;
use common::*;
use mysql::prelude::Queryable;

/// Each ledger writer's rate (three per test).
const WRITES_PER_SECOND: u32 = 50;

/// Migrates `db`.t under three writers and checks the result against their models.
fn ledger_migration(name: &str, alter: &str, via_replica: bool, check: impl Fn(&mut mysql::Conn, &str)) {
    ledger_migration_with(name, alter, via_replica, &[], false, "", check)
}

/// The same, with more flags; `kill_dumps` kills ghost-rs's binlog connections now and then
/// (it must reconnect at a transaction boundary and lose nothing).
fn ledger_migration_with(
    name: &str,
    alter: &str,
    via_replica: bool,
    extra: &[&str],
    kill_dumps: bool,
    more_faults: &str,
    check: impl Fn(&mut mysql::Conn, &str),
) {
    let _g = GLOBAL_SETTINGS.read();
    ledger_migration_unlocked(name, alter, via_replica, extra, kill_dumps, more_faults, check)
}

/// [`ledger_migration_with`] for a caller that holds [`GLOBAL_SETTINGS`] already.
fn ledger_migration_unlocked(
    name: &str,
    alter: &str,
    via_replica: bool,
    extra: &[&str],
    kill_dumps: bool,
    more_faults: &str,
    check: impl Fn(&mut mysql::Conn, &str),
) {
    let sb = Sandbox::get();
    let db = sb.fresh_db(name);
    create_ledger_table(&sb, &db);
    if via_replica {
        sb.wait_replica_caught_up();
    }
    // A fixed rate (at most 600 statements/s across the four tests that run at once), not as
    // fast as the server answers: unpaced, the writers of four tests outran the MySQL replica,
    // whose lag then throttled the migrations read there for good. The parallel-apply test
    // needs more than PARALLEL_MIN (256) changes to pile up behind each of its slowed (400 ms)
    // flushes: its writers write faster, for its short run.
    let parallel_apply = extra.iter().any(|a| a.starts_with("--apply-threads"));
    let rate = if parallel_apply { 5 * WRITES_PER_SECOND } else { WRITES_PER_SECOND };
    let writers = Writers::paced(&sb, &db, 3, Pace::PerSecond(rate));
    std::thread::sleep(Duration::from_millis(300));

    let mut args = if via_replica { sb.args_replica(&db, "t", alter) } else { sb.args_primary(&db, "t", alter) };
    args.extend(["--execute".to_string(), "--chunk-size=500".to_string(), "--chunk-time=0".to_string()]);
    // The dump-killing test runs ghost-rs as a user of its own, so that it kills only its own
    // binlog connections and not those of the tests running beside it.
    const KILL_USER: &str = "ghost_dumpkill";
    if kill_dumps {
        let mut c = sb.primary();
        c.query_drop(format!("CREATE USER IF NOT EXISTS '{KILL_USER}'@'%' IDENTIFIED BY '{}'", sb.password)).unwrap();
        c.query_drop(format!("GRANT ALL PRIVILEGES ON *.* TO '{KILL_USER}'@'%'")).unwrap();
        for a in args.iter_mut().filter(|a| a.starts_with("--user=")) {
            *a = format!("--user={KILL_USER}");
        }
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    // a slower copy, so that many changes interleave with it
    let faults = format!("copy.chunk=sleep:25{more_faults}");
    let child = spawn(&sb, &args, &[("GHOST_RS_FAULTS", &faults)]);
    let cap = Captured::new(child);
    let before = writers.statements();
    let mut kills = 0;
    if kill_dumps {
        // kill this ghost-rs's binlog dump connections (the sandbox replica's user is repl)
        let mut admin = if via_replica { sb.replica() } else { sb.primary() };
        for _ in 0..4 {
            std::thread::sleep(Duration::from_millis(400));
            // MySQL's information_schema processlist fails on 4-byte characters in any query
            let q = if sb.flavor == "mysql" {
                "SELECT PROCESSLIST_ID FROM performance_schema.threads WHERE PROCESSLIST_COMMAND LIKE 'Binlog Dump%' AND PROCESSLIST_USER = 'ghost_dumpkill'"
            } else {
                "SELECT ID FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%' AND USER = 'ghost_dumpkill'"
            };
            let ids: Vec<u64> = admin.query(q).unwrap();
            for id in ids {
                if admin.query_drop(format!("KILL {id}")).is_ok() {
                    kills += 1;
                }
            }
            // and a binlog rotation between the kills
            admin.query_drop("FLUSH BINARY LOGS").unwrap();
        }
        assert!(kills > 0, "no binlog connection of ghost-rs was found to kill");
    }
    let (code, out) = cap.wait(Duration::from_secs(180));
    let during = writers.statements() - before;
    let _ = std::fs::write(format!("{}/target/ledger-{name}.log", env!("CARGO_MANIFEST_DIR")), &out);
    std::thread::sleep(Duration::from_millis(300));
    let results = writers.stop();

    assert_eq!(code, Some(0), "ghost-rs failed:\n{out}");
    assert!(out.contains("Done:"), "{out}");
    for r in &results {
        assert!(r.errors.is_empty(), "writer errors: {:?}", &r.errors[..r.errors.len().min(5)]);
    }
    // At 150 statements/s, 50 is a third of a second of writing while ghost-rs ran (the
    // shortest migrations here take about a second; a faster machine makes them shorter).
    assert!(during >= 50, "the writers must have been writing during the migration: {during} statements");
    let mut c = sb.primary();
    let diffs = compare(&read_table(&mut c, &db, "t"), &results);
    assert!(
        diffs.is_empty(),
        "{} differences after the migration, first ones:\n{}",
        diffs.len(),
        diffs[..diffs.len().min(20)].join("\n")
    );
    assert_eq!(
        tables(&mut c, &db),
        vec!["_t_del".to_string(), "t".to_string()],
        "old table kept, ghost and changelog gone"
    );
    check(&mut c, &db);

    let stall = results.iter().map(|r| r.max_latency).max().unwrap_or_default();
    let lock_ms = out.split("table locked ").nth(1).and_then(|s| s.split(' ').next()).unwrap_or("?").to_string();
    let statements: u64 = results.iter().map(|r| r.statements).sum();
    if parallel_apply {
        assert!(out.contains("connections in parallel"), "the backlog should have been split over the writers:\n{out}");
    }
    if kill_dumps {
        assert!(out.contains("binlog stream interrupted"), "ghost-rs should have reconnected:\n{out}");
    }
    metric(&format!(
        "ledger {name:<14} {}: {statements} writes ({during} while ghost-rs ran), 0 lost; longest writer stall {} ms; table locked {lock_ms} ms at cut-over{}",
        if via_replica { "via replica" } else { "on primary " },
        stall.as_millis(),
        if kills > 0 { format!("; binlog connection killed {kills} times") } else { String::new() }
    ));
}

#[test]
fn ledger_reconnects_when_the_binlog_connection_is_killed() {
    ledger_migration_with("dump_kill", "ADD COLUMN x INT", false, &["--chunk-size=200"], true, "", |_, _| {});
}

#[test]
fn ledger_parallel_copy() {
    ledger_migration_with("parallel", "ADD COLUMN x INT", true, &["--copy-threads=3"], false, "", |_, _| {});
}

/// Apply on four connections, keys partitioned: the unique key besides the primary is dropped
/// (with it the order across keys would matter and one writer is used), and each flush is
/// slowed so that a backlog builds and is split.
#[test]
fn ledger_parallel_apply() {
    ledger_migration_with(
        "parallel_apply",
        "DROP INDEX uk, ADD COLUMN x INT",
        false,
        &["--apply-threads=4"],
        false,
        ",apply.batch=sleep:400",
        |_, _| {},
    );
}

/// Changes to rows the copy has not reached yet are left to the copy (its later locking read
/// copies them as changed); the ledger proves none is lost. The ghost has no unique key
/// besides the primary (else every change is applied), three copy threads race the apply with
/// small chunks, and the writers also insert above the largest key (always applied).
#[test]
fn ledger_changes_ahead_of_the_copy_are_left_to_it() {
    ledger_migration_with(
        "frontier",
        "DROP INDEX uk, ADD COLUMN x INT",
        false,
        &["--copy-threads=3", "--chunk-size=100"],
        false,
        "",
        |_, _| {},
    );
    let log = std::fs::read_to_string(format!("{}/target/ledger-frontier.log", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let left: u64 = log
        .lines()
        .find(|l| l.contains("binlog changes to rows not copied yet were left to the copy"))
        .and_then(|l| l.split("rows copied; ").nth(1))
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no change was left to the copy:\n{log}"));
    assert!(left > 100, "the writers change rows ahead of the copy all along: {left}");
    metric(&format!("frontier: {left} changes to rows ahead of the copy were left to it; ledger clean"));
}

/// The sandbox replicates with GTIDs; this switches the replica to file-and-position
/// replication for one test, and back however the test ends.
struct FilePositionReplication<'a>(&'a Sandbox);

impl<'a> FilePositionReplication<'a> {
    fn start(sb: &'a Sandbox) -> Self {
        sb.wait_replica_caught_up();
        let mut r = sb.replica();
        let mysql = sb.flavor == "mysql";
        r.query_drop(if mysql { "STOP REPLICA" } else { "STOP SLAVE" }).unwrap();
        let row: mysql::Row =
            r.query_first(if mysql { "SHOW REPLICA STATUS" } else { "SHOW SLAVE STATUS" }).unwrap().unwrap();
        let get = |n: &str| row.get_opt::<String, _>(n).and_then(|v| v.ok()).unwrap_or_default();
        let guard = FilePositionReplication(sb);
        if mysql {
            let (file, pos) = (get("Relay_Source_Log_File"), get("Exec_Source_Log_Pos"));
            r.query_drop(format!(
                "CHANGE REPLICATION SOURCE TO SOURCE_AUTO_POSITION=0, SOURCE_LOG_FILE='{file}', SOURCE_LOG_POS={pos}"
            ))
            .unwrap();
            r.query_drop("START REPLICA").unwrap();
        } else {
            let (file, pos) = (get("Relay_Master_Log_File"), get("Exec_Master_Log_Pos"));
            r.query_drop(format!(
                "CHANGE MASTER TO MASTER_USE_GTID=no, MASTER_LOG_FILE='{file}', MASTER_LOG_POS={pos}"
            ))
            .unwrap();
            r.query_drop("START SLAVE").unwrap();
        }
        let row: mysql::Row =
            r.query_first(if mysql { "SHOW REPLICA STATUS" } else { "SHOW SLAVE STATUS" }).unwrap().unwrap();
        let get = |n: &str| row.get_opt::<String, _>(n).and_then(|v| v.ok()).unwrap_or_default();
        if mysql {
            assert_eq!(get("Auto_Position"), "0", "the replica must now replicate by file and position");
        } else {
            assert_eq!(get("Using_Gtid"), "No", "the replica must now replicate by file and position");
        }
        guard
    }
}

impl Drop for FilePositionReplication<'_> {
    fn drop(&mut self) {
        let mut r = self.0.replica();
        let statements: &[&str] = if self.0.flavor == "mysql" {
            &["STOP REPLICA", "CHANGE REPLICATION SOURCE TO SOURCE_AUTO_POSITION=1", "START REPLICA"]
        } else {
            &["STOP SLAVE", "CHANGE MASTER TO MASTER_USE_GTID=slave_pos", "START SLAVE"]
        };
        for q in statements {
            r.query_drop(*q).unwrap_or_else(|e| panic!("restoring GTID replication ({q}): {e}"));
        }
    }
}

#[test]
fn ledger_via_replica_with_file_and_position_replication() {
    let _g = GLOBAL_SETTINGS.write(); // changes how the replica replicates: nobody else runs
    let sb = Sandbox::get();
    let _fp = FilePositionReplication::start(&sb);
    ledger_migration_unlocked("filepos", "ADD COLUMN x INT DEFAULT 7", true, &[], false, "", |c, db| {
        assert!(show_create(c, db, "t").contains("`x`"));
    });
    sb.wait_replica_caught_up();
}

/// Makes the sandbox's MariaDB replica apply with 2 parallel threads while it lives, and
/// puts back the number it had.
struct ParallelReplica<'a>(&'a Sandbox, u64);

impl<'a> ParallelReplica<'a> {
    fn start(sb: &'a Sandbox) -> ParallelReplica<'a> {
        let mut r = sb.replica();
        let before: u64 = r.query_first("SELECT @@GLOBAL.slave_parallel_threads").unwrap().unwrap();
        for q in ["STOP SLAVE", "SET GLOBAL slave_parallel_threads = 2", "START SLAVE"] {
            r.query_drop(q).unwrap_or_else(|e| panic!("{q}: {e}"));
        }
        ParallelReplica(sb, before)
    }
}

impl Drop for ParallelReplica<'_> {
    fn drop(&mut self) {
        let mut r = self.0.replica();
        for q in
            ["STOP SLAVE".to_string(), format!("SET GLOBAL slave_parallel_threads = {}", self.1), "START SLAVE".into()]
        {
            r.query_drop(&q).unwrap_or_else(|e| panic!("restoring the replica ({q}): {e}"));
        }
    }
}

/// The `Info` of every binlog event the server logged from `file:pos` on.
fn binlog_events_since(c: &mut mysql::Conn, (file, pos): &(String, u64)) -> Vec<(String, String)> {
    let logs: Vec<mysql::Row> = c.query("SHOW BINARY LOGS").unwrap();
    let names: Vec<String> = logs.iter().map(|r| r.get::<String, _>(0).unwrap()).filter(|n| n >= file).collect();
    let mut events = Vec::new();
    for name in names {
        let from = if name == *file { *pos } else { 4 };
        let rows: Vec<mysql::Row> = c.query(format!("SHOW BINLOG EVENTS IN '{name}' FROM {from}")).unwrap();
        let text =
            |r: &mysql::Row, c: &str| String::from_utf8_lossy(&r.get::<Vec<u8>, _>(c).unwrap_or_default()).into_owned();
        events.extend(rows.iter().map(|r| (text(r, "Event_type"), text(r, "Info"))));
    }
    events
}

/// MariaDB 10.8+: where every replica applies in parallel, `--defer-secondary-indexes=auto`
/// defers the indexes in the default topology too, and the build is logged in two phases
/// (START ALTER, then COMMIT ALTER), so that the replica starts it when the primary does.
#[test]
fn ledger_deferred_build_starts_on_a_parallel_replica_at_once() {
    let sb = Sandbox::get();
    if sb.flavor != "mariadb" {
        eprintln!("skipped: two-phase ALTER logging is MariaDB's (10.8 and later)");
        return;
    }
    let _g = GLOBAL_SETTINGS.write(); // changes how the replica applies: nobody else runs
    let _parallel = ParallelReplica::start(&sb);
    let mut p = sb.primary();
    let row: mysql::Row = p.query_first("SHOW MASTER STATUS").unwrap().unwrap();
    let start: (String, u64) = (row.get(0).unwrap(), row.get(1).unwrap());
    ledger_migration_unlocked(
        "two_phase",
        "ADD COLUMN x INT DEFAULT 7, ADD KEY bx (b, x)",
        true,
        &[],
        false,
        "",
        |c, db| {
            assert!(show_create(c, db, "t").contains("KEY `bx` (`b`,`x`)"));
        },
    );
    let out = std::fs::read_to_string(format!("{}/target/ledger-two_phase.log", env!("CARGO_MANIFEST_DIR"))).unwrap();
    for expect in [
        "applies in parallel and starts the build when",
        "secondary indexes deferred until the row copy is done: `bx`",
        "the build is logged in two phases (binlog_alter_two_phase)",
    ] {
        assert!(out.contains(expect), "expected {expect:?} in:\n{out}");
    }
    // the primary logged the start of the ghost's build apart from its end
    let events = binlog_events_since(&mut p, &start);
    let build = |i: usize| {
        events.get(i + 1).is_some_and(|(t, info)| t == "Query" && info.contains("_t_gho") && info.contains("ADD KEY"))
    };
    let started =
        events.iter().enumerate().position(|(i, (t, info))| t == "Gtid" && info.contains("START ALTER") && build(i));
    let started =
        started.unwrap_or_else(|| panic!("no START ALTER of the ghost's index build in the primary's binlog"));
    assert!(
        events[started..]
            .iter()
            .enumerate()
            .any(|(i, (t, info))| t == "Gtid" && info.contains("COMMIT ALTER") && build(started + i)),
        "no COMMIT ALTER after the START ALTER of the ghost's index build"
    );
    sb.wait_replica_caught_up();
    assert!(
        show_create(&mut sb.replica(), "t_two_phase", "t").contains("KEY `bx` (`b`,`x`)"),
        "the replica has the index too"
    );
}

#[test]
fn ledger_two_step_cut_over() {
    ledger_migration_with("two_step", "ADD COLUMN x INT", false, &["--cut-over=two-step"], false, "", |_, _| {});
}

/// A DDL on the original table while the migration runs stops it, with the original intact.
#[test]
fn ddl_on_the_original_aborts_the_migration() {
    let _g = GLOBAL_SETTINGS.read();
    let sb = Sandbox::get();
    let db = sb.fresh_db("ddl_abort");
    create_ledger_table(&sb, &db);
    let flag = postpone_flag("ddl");
    let mut args = sb.args_primary(&db, "t", "ADD COLUMN x INT");
    args.push("--execute".into());
    args.push(format!("--postpone-cut-over-flag-file={}", flag.display()));
    let cap = Captured::new(spawn(&sb, &args, &[]));
    cap.wait_postponed();
    let mut c = sb.primary();
    c.query_drop(format!("ALTER TABLE `{db}`.t ADD COLUMN surprise INT")).unwrap();
    c.query_drop(format!("UPDATE `{db}`.t SET b = b + 1 WHERE id = 1")).unwrap();
    let (code, out) = cap.wait(Duration::from_secs(60));
    let _ = std::fs::remove_file(&flag);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("DDL statement on the original table") || out.contains("structure changed"), "{out}");
    assert!(out.contains("is untouched and writable"), "{out}");
    assert!(show_create(&mut c, &db, "t").contains("surprise"), "the original is the table the DDL changed");
}

#[test]
fn ledger_add_column() {
    ledger_migration("add_column", "ADD COLUMN x INT NOT NULL DEFAULT 7", true, |c, db| {
        let bad: Option<u64> = c.query_first(format!("SELECT COUNT(*) FROM `{db}`.t WHERE x <> 7")).unwrap();
        assert_eq!(bad, Some(0), "every row has the new column's default");
    });
}

#[test]
fn ledger_drop_column() {
    ledger_migration("drop_column", "DROP COLUMN d", false, |c, db| {
        assert!(!show_create(c, db, "t").contains("`d`"));
    });
}

#[test]
fn ledger_widen_type() {
    ledger_migration("widen_type", "MODIFY b BIGINT NOT NULL", true, |c, db| {
        assert!(show_create(c, db, "t").contains("`b` bigint"));
    });
}

#[test]
fn ledger_add_index() {
    ledger_migration("add_index", "ADD INDEX ib (b), ADD INDEX ia (a(10))", false, |c, db| {
        let create = show_create(c, db, "t");
        assert!(create.contains("KEY `ib`") && create.contains("KEY `ia`"), "{create}");
    });
}

/// --defer-secondary-indexes: the new and the existing plain indexes are dropped from the empty
/// ghost and built after the copy, the unique key stays; via the replica, the stream must wait
/// for the replica to replay the build before the checksum and the cut-over.
#[test]
fn ledger_defer_secondary_indexes() {
    ledger_migration_with(
        "defer_indexes",
        "ADD INDEX ib (b), ADD INDEX `odd name` (a(10), b DESC)",
        true,
        &["--defer-secondary-indexes"],
        false,
        "",
        |c, db| {
            let create = show_create(c, db, "t");
            assert!(create.contains("KEY `ib` (`b`)"), "{create}");
            assert!(create.contains("KEY `odd name` (`a`(10),`b` DESC)"), "{create}");
            assert!(create.contains("UNIQUE KEY `uk` (`uk`)"), "{create}");
        },
    );
    let log =
        std::fs::read_to_string(format!("{}/target/ledger-defer_indexes.log", env!("CARGO_MANIFEST_DIR"))).unwrap();
    assert!(log.contains("secondary indexes deferred until the row copy is done: `ib`, `odd name`"), "{log}");
    assert!(log.contains("the binlog stream passed the index build"), "{log}");
}

#[test]
fn ledger_primary_key_to_unique_key() {
    // the new primary key is the existing unique key `uk`; the copy and the apply go by `uk`,
    // and the writers change both `id` and `uk`
    ledger_migration("pk_change", "DROP PRIMARY KEY, ADD PRIMARY KEY (uk), ADD INDEX (id)", true, |c, db| {
        assert!(show_create(c, db, "t").contains("PRIMARY KEY (`uk`)"));
    });
}

#[test]
fn ledger_latin1_to_utf8mb4() {
    ledger_migration("latin1_utf8", "CONVERT TO CHARACTER SET utf8mb4", false, |c, db| {
        let cs: Option<String> = c
            .exec_first(
                "SELECT CHARACTER_SET_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 't' AND COLUMN_NAME = 'c'",
                (db,),
            )
            .unwrap();
        assert_eq!(cs.as_deref(), Some("utf8mb4"));
    });
}

/// Every type, extremes and NULLs, written only while the migration runs (after the copy), so
/// that every row reaches the ghost through the binlog; then compared byte for byte.
#[test]
fn every_type_round_trips_through_the_binlog() {
    let _g = GLOBAL_SETTINGS.read();
    let sb = Sandbox::get();
    let db = sb.fresh_db("types");
    let mysql = sb.flavor == "mysql";
    let mut c = sb.primary();
    c.query_drop(format!(
        "CREATE TABLE `{db}`.types (
          id INT NOT NULL PRIMARY KEY,
          ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED,
          mi MEDIUMINT, miu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED,
          dc DECIMAL(65,30), dcu DECIMAL(10,2) UNSIGNED, f FLOAT, d DOUBLE,
          vc VARCHAR(100) CHARACTER SET utf8mb4, ch CHAR(10) CHARACTER SET utf8mb4, tx TEXT CHARACTER SET utf8mb4,
          l1 VARCHAR(100) CHARACTER SET latin1, l1b CHAR(5) CHARACTER SET latin1 COLLATE latin1_bin,
          bn BINARY(8), vb VARBINARY(100), bl BLOB, lb LONGBLOB,
          e ENUM('a','b','c d'), s SET('x','y','z'),
          b1 BIT(1), b64 BIT(64),
          dt DATE, tm TIME(6), tm0 TIME, dtm DATETIME(6), dtm0 DATETIME, ts TIMESTAMP(6) NULL DEFAULT NULL, ts0 TIMESTAMP NULL DEFAULT NULL,
          yr YEAR, js JSON,
          gv BIGINT AS (i + 1) VIRTUAL, gs VARCHAR(120) AS (CONCAT(vc, '!')) STORED
        ) ENGINE=InnoDB"
    ))
    .unwrap();

    let flag = postpone_flag("postpone");
    let mut args = sb.args_primary(&db, "types", "ADD COLUMN extra INT");
    args.push("--execute".into());
    args.push(format!("--postpone-cut-over-flag-file={}", flag.display()));
    let cap = Captured::new(spawn(&sb, &args, &[]));
    cap.wait_postponed();

    let mut w = sb.primary();
    w.query_drop("SET SESSION time_zone = '+00:00', sql_mode = 'ALLOW_INVALID_DATES', NAMES utf8mb4").unwrap();
    let t = format!("`{db}`.types");
    let cols = "(id, ti, tiu, si, siu, mi, miu, i, iu, bi, biu, dc, dcu, f, d, vc, ch, tx, l1, l1b, bn, vb, bl, lb, e, s, b1, b64, dt, tm, tm0, dtm, dtm0, ts, ts0, yr, js)";
    let rows = [
        // minimums and edge values
        "(1, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0, \
          '-99999999999999999999999999999999999.999999999999999999999999999999', 0.00, -3.40282e38, -1.7976931348623157e308, \
          '', '', '', '', '', x'0000000000000000', x'', x'', x'', 'a', '', b'0', b'0', \
          '1000-01-01', '-838:59:59.000000', '-838:59:59', '1000-01-01 00:00:00.000000', '1000-01-01 00:00:00', '1970-01-01 00:00:01.000000', '1970-01-01 00:00:01', \
          1901, '[]')",
        // maximums
        "(2, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295, 9223372036854775807, 18446744073709551615, \
          '99999999999999999999999999999999999.999999999999999999999999999999', 99999999.99, 3.40282e38, 1.7976931348623157e308, \
          'max 🦀 ünï 漢字', 'abcdefghij', REPEAT('long text ', 500), x'E9E8FF00', x'FFFE000102', x'FFFFFFFFFFFFFFFF', x'00FF00', x'DEADBEEF00', REPEAT(x'00FF', 10000), \
          'c d', 'x,y,z', b'1', x'FFFFFFFFFFFFFFFF', \
          '9999-12-31', '838:59:59.000000', '838:59:59', '9999-12-31 23:59:59.999999', '9999-12-31 23:59:59', '2038-01-19 03:14:07.999999', '2038-01-19 03:14:07', \
          2155, '{\"k\": [1, 2.5, -3, 18446744073709551615, true, null, \"ü🦀\"], \"nested\": {\"a\": {}}}')",
        // zero dates, trailing bytes, fractions
        "(3, 0, 1, 0, 1, -1, 1, -1, 1, -1, 9223372036854775808, 0.000000000000000000000000000001, 0.01, 1.5, 0.1, \
          'tab\\tnl\\nquote''\"\\\\', 'x ', 'a', x'41', x'41', x'0102000000000000', x'0102000000', x'00', x'00', \
          'b', 'y', b'0', x'0000000000000001', \
          '0000-00-00', '00:00:00.000001', '00:00:00', '0000-00-00 00:00:00.000000', '0000-00-00 00:00:00', NULL, NULL, \
          0, '\"just a string\"')",
        // NULLs everywhere
        "(4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, \
          NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
        // invalid dates allowed by ALLOW_INVALID_DATES, and a row to be deleted
        "(5, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1.5, 2.25, 3.25, 4.125, 'x', 'y', 'z', 'w', 'v', x'01', x'02', x'03', x'04', \
          'a', 'x,z', b'1', x'0102030405060708', '2020-02-31', '12:34:56.789012', '12:34:56', '2020-02-30 01:02:03.456789', '2020-04-31 10:11:12', \
          '2021-03-27 21:00:00.500000', '2000-02-29 00:00:00', 2000, '{}')",
        "(6, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1.5, 2.25, 3.25, 4.125, 'gone', 'y', 'z', 'w', 'v', x'01', x'02', x'03', x'04', \
          'a', 'x', b'1', x'01', '2020-01-01', '00:00:01', '00:00:01', '2020-01-01 00:00:00', '2020-01-01 00:00:00', NULL, NULL, 1999, NULL)",
    ];
    for r in rows {
        w.query_drop(format!("INSERT INTO {t} {cols} VALUES {r}")).unwrap_or_else(|e| panic!("insert {r}: {e}"));
    }
    // updates: every column through the update path (before and after images), a key change, a delete
    w.query_drop(format!(
        "UPDATE {t} SET ti = -ti, biu = biu - 1, vc = CONCAT(vc, '+é'), l1 = CONCAT(l1, x'E9'), bn = x'FF', e = 'b', s = 'y', \
         b64 = b64 >> 1, ts = '1999-12-31 23:59:59.123456', js = JSON_ARRAY(1, 'two') WHERE id = 2"
    ))
    .unwrap();
    w.query_drop(format!("UPDATE {t} SET id = 50 WHERE id = 5")).unwrap();
    w.query_drop(format!("DELETE FROM {t} WHERE id = 6")).unwrap();
    if mysql {
        // MySQL: a JSON document holding a large number and a double, changed in place
        w.query_drop(format!("UPDATE {t} SET js = JSON_SET(js, '$.n', 1.25e300) WHERE id = 3")).ok();
    }

    std::fs::remove_file(&flag).unwrap();
    let (code, out) = cap.wait(Duration::from_secs(120));
    assert_eq!(code, Some(0), "{out}");

    // byte for byte, over the original's columns (generated ones included: recomputed equal)
    let names = "id, ti, tiu, si, siu, mi, miu, i, iu, bi, biu, dc, dcu, f, d, vc, ch, tx, l1, l1b, bn, vb, bl, lb, e, s, b1, b64, dt, tm, tm0, dtm, dtm0, ts, ts0, yr, js, gv, gs";
    let mut r = sb.primary();
    r.query_drop("SET NAMES binary, time_zone = '+00:00'").unwrap();
    let read = |r: &mut mysql::Conn, table: &str| -> Vec<Vec<mysql::Value>> {
        let rows: Vec<mysql::Row> = r.query(format!("SELECT {names} FROM `{db}`.`{table}` ORDER BY id")).unwrap();
        rows.into_iter().map(|row| row.unwrap()).collect()
    };
    let old = read(&mut r, "_types_del");
    let new = read(&mut r, "types");
    assert_eq!(old.len(), 5, "rows 1-4 and 50");
    let names: Vec<&str> = names.split(", ").collect();
    for (o, n) in old.iter().zip(&new) {
        for (i, (a, b)) in o.iter().zip(n).enumerate() {
            assert_eq!(a, b, "row {:?}, column {}: original {:?}, migrated {:?}", o[0], names[i], a, b);
        }
    }
    assert_eq!(old.len(), new.len());
    metric(&format!(
        "types: {} rows x {} columns identical byte for byte after the binlog path",
        old.len(),
        names.len()
    ));
}

/// Kills the cut-over's lock session while it holds the original table locked: the table must
/// be writable again at once (well within the lock timeout), and the retried cut-over succeed.
#[test]
fn killed_lock_session_releases_the_table_and_the_cut_over_is_retried() {
    let _g = GLOBAL_SETTINGS.read();
    let sb = Sandbox::get();
    let db = sb.fresh_db("killlock");
    create_ledger_table(&sb, &db);
    let writers = Writers::start(&sb, &db, 2, Duration::from_millis(5));
    let mut args = sb.args_primary(&db, "t", "ADD COLUMN x INT");
    args.extend(["--execute".into(), "--cut-over-lock-timeout-seconds=3".into()]);
    // hold the lock 4 s on the first attempt, so the test can kill the lock session
    let cap = Captured::new(spawn(&sb, &args, &[("GHOST_RS_FAULTS", "cutover.locked=sleep:4000:once")]));

    let mut admin = sb.primary();
    let lock_name = format!("ghost-rs.{db}.t");
    let holder: u64 = wait_for(Duration::from_secs(60), Duration::from_millis(5), || {
        admin.exec_first::<Option<u64>, _, _>("SELECT IS_USED_LOCK(?)", (&lock_name,)).unwrap().flatten()
    })
    .unwrap_or_else(|| panic!("the cut-over never took its lock:\n{}", cap.text()));
    // the table is locked (LOCK TABLES follows the named lock, after the sentry; on a busy
    // server that can take a while): a write that touches no row times out
    let mut probe = sb.primary();
    probe.query_drop("SET SESSION lock_wait_timeout = 1").unwrap();
    let started = Instant::now();
    let blocked = loop {
        match probe.query_drop(format!("UPDATE `{db}`.t SET b = b WHERE id = -1")) {
            Err(e) => break Some(e),
            Ok(()) if started.elapsed() > Duration::from_secs(3) => break None,
            Ok(()) => std::thread::sleep(Duration::from_millis(20)),
        }
    };
    let blocked =
        blocked.unwrap_or_else(|| panic!("the original table was never locked during the cut-over:\n{}", cap.text()));
    assert!(blocked.to_string().contains("Lock wait timeout"), "a write should wait for the lock: {blocked}");

    admin.query_drop(format!("KILL {holder}")).unwrap();
    let killed_at = Instant::now();
    probe.query_drop("SET SESSION lock_wait_timeout = 10").unwrap();
    probe.query_drop(format!("INSERT INTO `{db}`.t (id, uk, b) VALUES (0, 0, 0)")).unwrap();
    let writable_after = killed_at.elapsed();
    probe.query_drop(format!("DELETE FROM `{db}`.t WHERE id = 0")).unwrap();
    assert!(
        writable_after < Duration::from_secs(3),
        "writable again after {writable_after:?}, more than the lock timeout"
    );

    let (code, out) = cap.wait(Duration::from_secs(120));
    let results = writers.stop();
    assert_eq!(code, Some(0), "the retried cut-over should succeed:\n{out}");
    assert!(out.contains("cut-over attempt 2"), "{out}");
    let mut c = sb.primary();
    let diffs = compare(&read_table(&mut c, &db, "t"), &results);
    assert!(diffs.is_empty(), "{:?}", &diffs[..diffs.len().min(10)]);
    metric(&format!(
        "killed lock session: table writable again {} ms after the kill; retry succeeded",
        writable_after.as_millis()
    ));
}

/// SIGKILL in the middle of the copy: the original is untouched and writable, nothing is
/// locked, and a new run (dropping the leftovers) completes.
#[test]
fn sigkill_mid_copy_leaves_the_original_untouched() {
    let _g = GLOBAL_SETTINGS.read();
    let sb = Sandbox::get();
    let db = sb.fresh_db("sigkill");
    create_ledger_table(&sb, &db);
    let mut c = sb.primary();
    let before = checksum(&mut c, &db, "t");
    let create_before = show_create(&mut c, &db, "t");

    let mut args = sb.args_primary(&db, "t", "ADD COLUMN x INT");
    // no checkpoint before the kill: the next run finds leftovers, not a run to resume
    args.extend([
        "--execute".into(),
        "--chunk-size=200".into(),
        "--chunk-time=0".into(),
        "--checkpoint-seconds=3600".into(),
    ]);
    let mut child = spawn(&sb, &args, &[("GHOST_RS_FAULTS", "copy.chunk=sleep:30")]);
    let copied = wait_for(Duration::from_secs(60), Duration::from_millis(20), || {
        let n: Option<u64> = c.query_first(format!("SELECT COUNT(*) FROM `{db}`.`_t_gho`")).ok().flatten();
        n.filter(|n| *n >= 2000)
    });
    assert!(copied.is_some(), "the copy did not start");
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    assert_eq!(checksum(&mut c, &db, "t"), before, "the original table's data is untouched");
    assert_eq!(show_create(&mut c, &db, "t"), create_before);
    let mut w = sb.primary();
    w.query_drop("SET SESSION lock_wait_timeout = 2, innodb_lock_wait_timeout = 2").unwrap();
    w.query_drop(format!("UPDATE `{db}`.t SET b = b + 1 WHERE id = 1")).expect("the original is writable");
    w.query_drop(format!("UPDATE `{db}`.t SET b = b - 1 WHERE id = 1")).unwrap();
    assert_eq!(tables(&mut c, &db), vec!["_t_ghc".to_string(), "_t_gho".to_string(), "t".to_string()]);

    // a second run refuses the leftovers, then drops them on request and completes
    let out = run(&sb, &args, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("--initially-drop-ghost-table"), "{}", text(&out));
    args.push("--initially-drop-ghost-table".into());
    let out = run(&sb, &args, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(checksum(&mut c, &db, "_t_del"), before);
}

/// A composite primary key of a case-insensitive string and an integer with negative values,
/// written to during the copy; the migrated table must equal the original (compared with the
/// cut-over postponed until the writer stopped).
#[test]
fn composite_string_key_with_negative_values() {
    let _g = GLOBAL_SETTINGS.read();
    let sb = Sandbox::get();
    let db = sb.fresh_db("composite");
    let mut c = sb.primary();
    c.query_drop(format!(
        "CREATE TABLE `{db}`.t (region VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL, \
         id INT NOT NULL, v VARCHAR(30), PRIMARY KEY (region, id)) ENGINE=InnoDB"
    ))
    .unwrap();
    let regions = ["A", "b", "Ü", "zz", "é", "-", "A b", "日本"];
    let mut values = Vec::new();
    for (ri, r) in regions.iter().enumerate() {
        for id in -300..300 {
            values.push(format!("('{r}', {id}, 'v{ri}/{id}')"));
        }
    }
    c.query_drop(format!("INSERT INTO `{db}`.t VALUES {}", values.join(","))).unwrap();

    let flag = postpone_flag("composite");
    let mut args = sb.args_primary(&db, "t", "ADD COLUMN extra INT DEFAULT 3");
    args.extend([
        "--execute".into(),
        "--chunk-size=100".into(),
        "--chunk-time=0".into(),
        format!("--postpone-cut-over-flag-file={}", flag.display()),
    ]);
    let cap = Captured::new(spawn(&sb, &args, &[("GHOST_RS_FAULTS", "copy.chunk=sleep:20")]));
    // a writer changing rows while the copy runs: updates, deletes, inserts of new keys
    let mut w = sb.primary();
    let mut n = 0;
    while !cap.contains("postponing the cut-over") && n < 3000 {
        let r = regions[n % regions.len()];
        let id = (n as i64 * 7919 % 700) - 350;
        match n % 4 {
            0 => {
                w.exec_drop(format!("UPDATE `{db}`.t SET v = ? WHERE region = ? AND id = ?"), (format!("u{n}"), r, id))
            }
            1 => w.exec_drop(format!("DELETE FROM `{db}`.t WHERE region = ? AND id = ?"), (r, id)),
            2 => w.exec_drop(format!("INSERT IGNORE INTO `{db}`.t VALUES (?, ?, ?)"), (r, id, format!("i{n}"))),
            _ => w.exec_drop(format!("UPDATE `{db}`.t SET id = id - 1000 WHERE region = ? AND id = ?"), (r, id)),
        }
        .unwrap();
        n += 1;
    }
    cap.wait_postponed();
    std::fs::remove_file(&flag).unwrap();
    let (code, out) = cap.wait(Duration::from_secs(60));
    assert_eq!(code, Some(0), "{out}");
    let cols = "region, id, v";
    let order = "region, id";
    assert_eq!(
        digest(&mut c, &db, "_t_del", cols, order),
        digest(&mut c, &db, "t", cols, order),
        "{n} writes during the copy"
    );
    metric(&format!("composite (ci string, negative int) key: {n} writes during the copy, tables equal"));
}

/// `--timestamp-old-table` names the old table with the time; `--ok-to-drop-table` drops it.
#[test]
fn old_table_naming_and_dropping() {
    let _g = GLOBAL_SETTINGS.read();
    let sb = Sandbox::get();
    let db = sb.fresh_db("oldtable");
    let mut c = sb.primary();
    c.query_drop(format!("CREATE TABLE `{db}`.t (id INT PRIMARY KEY, v INT) ENGINE=InnoDB")).unwrap();
    c.query_drop(format!("INSERT INTO `{db}`.t VALUES (1, 1), (2, 2)")).unwrap();
    let mut args = sb.args_primary(&db, "t", "ADD COLUMN a INT");
    args.extend(["--execute".into(), "--timestamp-old-table".into()]);
    let out = run(&sb, &args, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let names = tables(&mut c, &db);
    assert_eq!(names.len(), 2, "{names:?}");
    let old = &names[0];
    assert!(old.starts_with("_t_20") && old.ends_with("_del") && old.len() == "_t_20261202150405_del".len(), "{old}");

    let mut args = sb.args_primary(&db, "t", "ADD COLUMN b INT");
    args.extend(["--execute".into(), "--ok-to-drop-table".into()]);
    let out = run(&sb, &args, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(tables(&mut c, &db), vec![old.clone(), "t".to_string()], "the old table of this run is dropped");
    assert!(show_create(&mut c, &db, "t").contains("`b`"));
}

/// SIGINT (Ctrl-C) mid-copy: a clean stop, the original untouched and writable, and a message
/// naming what is left behind.
#[test]
fn interrupt_stops_cleanly() {
    let _g = GLOBAL_SETTINGS.read();
    let sb = Sandbox::get();
    let db = sb.fresh_db("sigint");
    create_ledger_table(&sb, &db);
    let mut c = sb.primary();
    let before = checksum(&mut c, &db, "t");
    let mut args = sb.args_primary(&db, "t", "ADD COLUMN x INT");
    args.extend(["--execute".into(), "--chunk-size=200".into(), "--chunk-time=0".into()]);
    let cap = Captured::new(spawn(&sb, &args, &[("GHOST_RS_FAULTS", "copy.chunk=sleep:30")]));
    assert!(cap.wait_for_log("starting the row copy", Duration::from_secs(60)), "{}", cap.text());
    std::thread::sleep(Duration::from_millis(300));
    let pid = cap.child.id();
    assert!(std::process::Command::new("kill").args(["-INT", &pid.to_string()]).status().unwrap().success());
    let (code, out) = cap.wait(Duration::from_secs(30));
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("interrupted"), "{out}");
    assert!(
        out.contains("is untouched and writable; left behind: `t_sigint`.`_t_gho` and `t_sigint`.`_t_ghc`"),
        "{out}"
    );
    assert_eq!(checksum(&mut c, &db, "t"), before);
    let mut w = sb.primary();
    w.query_drop("SET SESSION innodb_lock_wait_timeout = 2").unwrap();
    w.query_drop(format!("UPDATE `{db}`.t SET b = b WHERE id = 1")).expect("writable");
}
