//! Replica topologies on the sandbox pair: `--test-on-replica` (rehearse on the replica, leave
//! both tables for comparison, replication stopped) and `--migrate-on-replica`. The default
//! topology (inspect and stream on the replica, write on the primary) is exercised by the
//! ledger tests in engine.rs; the refusal of a primary without `--allow-on-master` in
//! inspect.rs.

mod common;

use std::time::Duration;

use common::ledger::{create_ledger_table, metric, Writers};
use common::*;
use mysql::prelude::Queryable;

fn replication_running(sb: &Sandbox) -> (bool, bool) {
    let mut r = sb.replica();
    let q = if sb.flavor == "mysql" { "SHOW REPLICA STATUS" } else { "SHOW SLAVE STATUS" };
    let row: mysql::Row = r.query_first(q).unwrap().expect("the replica has a replication status");
    let yes = |names: &[&str]| {
        names.iter().any(|n| row.get_opt::<String, _>(*n).and_then(|v| v.ok()).map(|v| v == "Yes").unwrap_or(false))
    };
    (yes(&["Replica_IO_Running", "Slave_IO_Running"]), yes(&["Replica_SQL_Running", "Slave_SQL_Running"]))
}

/// Restarts replication however the test ends (other tests need it).
struct RestartReplication<'a>(&'a Sandbox);
impl Drop for RestartReplication<'_> {
    fn drop(&mut self) {
        let mut r = self.0.replica();
        let q = if self.0.flavor == "mysql" { "START REPLICA" } else { "START SLAVE" };
        r.query_drop(q).expect("restart replication");
    }
}

#[test]
fn test_on_replica_leaves_both_tables_equal_and_replication_stopped() {
    let _g = GLOBAL_SETTINGS.write(); // stops replication: nobody else runs meanwhile
    let sb = Sandbox::get();
    let db = sb.fresh_db("test_on_replica");
    create_ledger_table(&sb, &db);
    sb.wait_replica_caught_up();
    let mut p = sb.primary();
    let primary_before = show_create(&mut p, &db, "t");

    let writers = Writers::start(&sb, &db, 2, Duration::from_millis(3));
    let mut args = sb.args_replica(&db, "t", "ADD COLUMN x INT DEFAULT 9");
    args.extend(["--test-on-replica".into(), "--execute".into(), "--chunk-size=500".into()]);
    let _restart = RestartReplication(&sb);
    let cap = Captured::new(spawn(&sb, &args, &[("GHOST_RS_FAULTS", "copy.chunk=sleep:20")]));
    let (code, out) = cap.wait(Duration::from_secs(120));
    let results = writers.stop();
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("Test on replica done") && out.contains("Replication is stopped"), "{out}");
    assert!(out.contains("START"), "says how to restart replication: {out}");
    let statements: u64 = results.iter().map(|r| r.statements).sum();

    assert_eq!(replication_running(&sb), (false, false), "replication stays stopped");
    let mut r = sb.replica();
    let names = tables(&mut r, &db);
    assert_eq!(names, vec!["_t_gho".to_string(), "t".to_string()], "original and migrated table, nothing else");
    assert!(!show_create(&mut r, &db, "t").contains("`x`"), "the replica serves the original");
    assert!(show_create(&mut r, &db, "_t_gho").contains("`x`"));
    let cols = "id, uk, a, b, c, d";
    let (orig, ghost) = (digest(&mut r, &db, "t", cols, "id"), digest(&mut r, &db, "_t_gho", cols, "id"));
    assert_eq!(orig, ghost, "checksums over the shared columns");
    assert!(orig.0 > 10_000);

    assert_eq!(tables(&mut p, &db), vec!["t".to_string()], "the primary has no ghost-rs table");
    assert_eq!(show_create(&mut p, &db, "t"), primary_before, "the primary is untouched");
    metric(&format!(
        "test-on-replica: {} rows equal on the replica after {statements} writes on the primary; replication left stopped",
        orig.0
    ));
    // clean up on the replica, then replication resumes (RestartReplication)
    r.query_drop(format!("DROP TABLE `{db}`.`_t_gho`")).unwrap();
}

#[test]
fn migrate_on_replica_cuts_over_there_only() {
    let _g = GLOBAL_SETTINGS.write();
    let sb = Sandbox::get();
    let db = sb.fresh_db("migrate_on_replica");
    create_ledger_table(&sb, &db);
    sb.wait_replica_caught_up();
    let mut p = sb.primary();
    let primary_before = show_create(&mut p, &db, "t");
    let mut r = sb.replica();
    let before = checksum(&mut r, &db, "t");

    let mut args = sb.args_replica(&db, "t", "ADD COLUMN x INT DEFAULT 9, ADD KEY bx (b, x)");
    args.extend(["--migrate-on-replica".into(), "--execute".into()]);
    let out = run(&sb, &args, &[]);
    let txt = text(&out);
    assert_eq!(out.status.code(), Some(0), "{txt}");
    assert_eq!(tables(&mut r, &db), vec!["_t_del".to_string(), "t".to_string()]);
    let create = show_create(&mut r, &db, "t");
    assert!(create.contains("`x`"));
    // nothing replicates from the replica: --defer-secondary-indexes=auto builds `bx` after the copy
    assert!(txt.contains("no replica replicates from "), "{txt}");
    assert!(txt.contains("secondary indexes deferred until the row copy is done: `bx`"), "{txt}");
    assert!(txt.contains("deferred secondary index(es) built in"), "{txt}");
    assert!(create.contains("KEY `bx` (`b`,`x`)"), "{create}");
    assert_eq!(checksum(&mut r, &db, "_t_del"), before, "the original, untouched, is the old table");
    assert_eq!(replication_running(&sb), (true, true), "replication keeps running");
    assert_eq!(show_create(&mut p, &db, "t"), primary_before, "the primary is untouched");
    assert_eq!(tables(&mut p, &db), vec!["t".to_string()]);
    // the replica diverged on purpose: drop the database everywhere
    p.query_drop(format!("DROP DATABASE `{db}`")).unwrap();
    sb.wait_replica_caught_up();
}
