//! The Inspector's refusals, the command line's errors and the dry run, against the sandbox.
//! Every refusal asserts the exit code, a message naming the cause, and that nothing changed.

mod common;

use std::time::Duration;

use common::*;
use mysql::prelude::Queryable;

/// The state of a database that a refused or dry run must leave exactly as it was.
fn snapshot(sb: &Sandbox, db: &str) -> Vec<(String, String, (u64, Option<u64>))> {
    let mut c = sb.primary();
    tables(&mut c, db)
        .into_iter()
        .map(|t| {
            let create = show_create(&mut c, db, &t);
            let d = checksum(&mut c, db, &t);
            (t, create, d)
        })
        .collect()
}

fn simple_table(sb: &Sandbox, name: &str, ddl_extra: &str) -> String {
    let db = sb.fresh_db(name);
    let mut c = sb.primary();
    c.query_drop(format!("CREATE TABLE `{db}`.t (id INT NOT NULL, v VARCHAR(20){ddl_extra}) ENGINE=InnoDB")).unwrap();
    c.query_drop(format!("INSERT INTO `{db}`.t (id, v) VALUES (1, 'a'), (2, 'b'), (3, 'c')")).unwrap();
    db
}

fn assert_refused(sb: &Sandbox, db: &str, args: &[String], expect: &str) -> String {
    let before = snapshot(sb, db);
    let out = run(sb, args, &[]);
    let txt = text(&out);
    assert_eq!(out.status.code(), Some(1), "expected exit 1 (refused), got {:?}:\n{txt}", out.status.code());
    assert!(txt.contains(expect), "expected the message to contain {expect:?}:\n{txt}");
    assert!(txt.contains("fix:"), "a refusal says how to fix it:\n{txt}");
    assert_eq!(snapshot(sb, db), before, "a refused migration must change nothing");
    txt
}

#[test]
fn refuses_table_without_usable_unique_key() {
    let _g = GLOBAL_SETTINGS.read();
    let sb = Sandbox::get();
    // a plain index and a UNIQUE key on a NULLable column do not identify rows
    let db = simple_table(&sb, "nokey", ", KEY (id), UNIQUE KEY (v)");
    let args = sb.args_primary(&db, "t", "ADD COLUMN x INT");
    assert_refused(&sb, &db, &args, "no PRIMARY KEY and no UNIQUE key on NOT NULL columns");
}

#[test]
fn refuses_foreign_keys_in_both_directions() {
    let _g = GLOBAL_SETTINGS.read();
    let sb = Sandbox::get();
    let db = sb.fresh_db("fk");
    let mut c = sb.primary();
    c.query_drop(format!("CREATE TABLE `{db}`.parent (id INT PRIMARY KEY) ENGINE=InnoDB")).unwrap();
    c.query_drop(format!(
        "CREATE TABLE `{db}`.child (id INT PRIMARY KEY, pid INT, CONSTRAINT fk_parent FOREIGN KEY (pid) REFERENCES `{db}`.parent (id)) ENGINE=InnoDB"
    ))
    .unwrap();
    let txt = assert_refused(&sb, &db, &sb.args_primary(&db, "child", "ADD COLUMN x INT"), "foreign key");
    assert!(txt.contains("references `parent`"), "{txt}");
    let txt = assert_refused(&sb, &db, &sb.args_primary(&db, "parent", "ADD COLUMN x INT"), "foreign key");
    assert!(txt.contains("is referenced by `child`"), "{txt}");
}

#[test]
fn refuses_triggers() {
    let _g = GLOBAL_SETTINGS.read();
    let sb = Sandbox::get();
    let db = simple_table(&sb, "trigger", ", PRIMARY KEY (id)");
    let mut c = sb.primary();
    c.query_drop(format!("CREATE TRIGGER `{db}`.trg BEFORE INSERT ON `{db}`.t FOR EACH ROW SET NEW.v = UPPER(NEW.v)"))
        .unwrap();
    assert_refused(&sb, &db, &sb.args_primary(&db, "t", "ADD COLUMN x INT"), "trigger(s) `trg`");
}

#[test]
fn refuses_statement_based_binlog() {
    // changes a server-wide setting: no other test runs meanwhile
    let _g = GLOBAL_SETTINGS.write();
    let sb = Sandbox::get();
    let db = simple_table(&sb, "sbr", ", PRIMARY KEY (id)");
    struct RestoreRow(mysql::Conn);
    impl Drop for RestoreRow {
        fn drop(&mut self) {
            self.0.query_drop("SET GLOBAL binlog_format = 'ROW'").expect("restore binlog_format=ROW");
        }
    }
    let mut c = sb.primary();
    c.query_drop("SET GLOBAL binlog_format = 'STATEMENT'").unwrap();
    let restore = RestoreRow(sb.primary());
    let before = snapshot(&sb, &db);
    let out = run(&sb, &sb.args_primary(&db, "t", "ADD COLUMN x INT"), &[]);
    drop(restore);
    let txt = text(&out);
    assert_eq!(out.status.code(), Some(1), "{txt}");
    assert!(txt.contains("binlog_format is STATEMENT"), "{txt}");
    assert_eq!(snapshot(&sb, &db), before);
}

#[test]
fn refuses_missing_table_and_database() {
    let _g = GLOBAL_SETTINGS.read();
    let sb = Sandbox::get();
    let db = simple_table(&sb, "missing", ", PRIMARY KEY (id)");
    assert_refused(
        &sb,
        &db,
        &sb.args_primary(&db, "nope", "ADD COLUMN x INT"),
        "table `t_missing`.`nope` does not exist",
    );
    let out = run(&sb, &sb.args_primary("no_such_db_xyz", "t", "ADD COLUMN x INT"), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("database `no_such_db_xyz` does not exist"), "{}", text(&out));
}

#[test]
fn refuses_wrong_password_without_printing_it() {
    let _g = GLOBAL_SETTINGS.read();
    let sb = Sandbox::get();
    let db = simple_table(&sb, "badpass", ", PRIMARY KEY (id)");
    let before = snapshot(&sb, &db);
    let out = std::process::Command::new(binary())
        .args(sb.args_primary(&db, "t", "ADD COLUMN x INT"))
        .env("GHOST_RS_PASSWORD", "Wr0ng-Secret-123")
        .output()
        .unwrap();
    let txt = text(&out);
    assert_eq!(out.status.code(), Some(1), "{txt}");
    assert!(txt.contains("Access denied"), "{txt}");
    assert!(txt.contains("check the user and password"), "{txt}");
    assert!(!txt.contains("Wr0ng-Secret-123"), "the password must never be printed:\n{txt}");
    assert_eq!(snapshot(&sb, &db), before);
}

#[test]
fn refuses_alter_that_renames_the_table() {
    let _g = GLOBAL_SETTINGS.read();
    let sb = Sandbox::get();
    let db = simple_table(&sb, "renametable", ", PRIMARY KEY (id)");
    assert_refused(&sb, &db, &sb.args_primary(&db, "t", "RENAME TO t2"), "renames the table");
    assert_refused(&sb, &db, &sb.args_primary(&db, "t", "ALTER TABLE other ADD COLUMN x INT"), "names table other");
    // an ALTER the server rejects is refused on the ghost table, which is dropped again
    assert_refused(
        &sb,
        &db,
        &sb.args_primary(&db, "t", "ADD COLUMN x NOSUCHTYPE"),
        "the ALTER failed on the ghost table",
    );
}

#[test]
fn refuses_primary_without_allow_on_master() {
    let _g = GLOBAL_SETTINGS.read();
    let sb = Sandbox::get();
    let db = simple_table(&sb, "onmaster", ", PRIMARY KEY (id)");
    let args: Vec<String> =
        sb.args_primary(&db, "t", "ADD COLUMN x INT").into_iter().filter(|a| a != "--allow-on-master").collect();
    assert_refused(&sb, &db, &args, "is not a replica");
}

#[test]
fn refuses_user_without_replication_grants() {
    let _g = GLOBAL_SETTINGS.read();
    let sb = Sandbox::get();
    let db = simple_table(&sb, "grants", ", PRIMARY KEY (id)");
    let mut c = sb.primary();
    c.query_drop("CREATE USER IF NOT EXISTS 'ghost_limited'@'%' IDENTIFIED BY 'limited-pw'").unwrap();
    c.query_drop(format!("GRANT SELECT, INSERT ON `{db}`.* TO 'ghost_limited'@'%'")).unwrap();
    let mut args = sb.args_primary(&db, "t", "ADD COLUMN x INT");
    args.retain(|a| !a.starts_with("--user="));
    args.push("--user=ghost_limited".into());
    let before = snapshot(&sb, &db);
    let out = std::process::Command::new(binary()).args(&args).env("GHOST_RS_PASSWORD", "limited-pw").output().unwrap();
    let txt = text(&out);
    assert_eq!(out.status.code(), Some(1), "{txt}");
    assert!(txt.contains("lacks REPLICATION SLAVE on *.*"), "{txt}");
    assert!(txt.contains("GRANT REPLICATION SLAVE"), "{txt}");
    assert_eq!(snapshot(&sb, &db), before);
}

#[test]
fn bad_command_lines_exit_2_and_name_the_problem() {
    let cases: &[(&[&str], &str)] = &[
        (&["--chunk-size=5"], "chunk-size"),
        (&["--cut-over=fast"], "cut-over"),
        (&["--max-load=Threads_running"], "max-load"),
        (&["--nice-ratio=-1"], "nice-ratio"),
        (&["--switch-to-rbr"], "not implemented yet"),
        (&["--database=d", "--table=t"], "--alter is required"),
        (&["--no-such-flag"], "no-such-flag"),
    ];
    for (args, expect) in cases {
        let out = std::process::Command::new(binary()).args(*args).env_remove("GHOST_RS_PASSWORD").output().unwrap();
        let txt = text(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?} should exit 2:\n{txt}");
        assert!(txt.contains(expect), "{args:?}: expected {expect:?} in:\n{txt}");
    }
}

#[test]
fn dry_run_on_100k_rows_prints_the_plan_and_changes_nothing() {
    let _g = GLOBAL_SETTINGS.read();
    let sb = Sandbox::get();
    let db = sb.fresh_db("dryrun");
    let mut c = sb.primary();
    c.query_drop(format!(
        "CREATE TABLE `{db}`.`big t` (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, `select` VARCHAR(40), amount DECIMAL(12,2), created DATETIME) ENGINE=InnoDB"
    ))
    .unwrap();
    c.query_drop(format!(
        "INSERT INTO `{db}`.`big t` (`select`, amount, created) \
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) \
         SELECT CONCAT('row ', i), i / 100, '2024-01-01' + INTERVAL i SECOND FROM n"
    ))
    .unwrap_or_else(|_| {
        // servers without recursive CTE limits large enough: insert in batches
        for start in (0..100_000).step_by(10_000) {
            let values: Vec<String> = (start..start + 10_000).map(|i| format!("('row {i}', {i}/100, NOW())")).collect();
            c.query_drop(format!("INSERT INTO `{db}`.`big t` (`select`, amount, created) VALUES {}", values.join(",")))
                .unwrap();
        }
    });
    sb.wait_replica_caught_up();
    let before_primary = snapshot(&sb, &db);
    let mut r = sb.replica();
    let before_replica: Vec<String> = tables(&mut r, &db);

    let mut args = sb.args_replica(&db, "big t", "ADD COLUMN note VARCHAR(10) DEFAULT 'x', ADD INDEX (created)");
    args.push("--exact-rowcount".into());
    let out = run(&sb, &args, &[]);
    let txt = text(&out);
    assert_eq!(out.status.code(), Some(0), "{txt}");
    for expect in [
        "Migration plan for `t_dryrun`.`big t`",
        "a replica: the binlog is read there",
        "ghost table:      `t_dryrun`.`_big t_gho`",
        "shared key:       `PRIMARY` (`id`)",
        "columns copied:   `id`, `select`, `amount`, `created` (4)",
        "new columns:      `note`",
        "rows:             100000 (exact count)",
        "Dry run complete",
    ] {
        assert!(txt.contains(expect), "expected {expect:?} in:\n{txt}");
    }
    // the free-disk check ran on both servers that will hold the ghost (sandbox = this machine)
    assert_eq!(txt.matches("free disk on ").count(), 2, "a free-disk line for the replica and the primary:\n{txt}");
    assert!(txt.contains("the ghost table ~") && txt.contains("the binlog of the copy ~"), "{txt}");
    sb.wait_replica_caught_up();
    assert_eq!(snapshot(&sb, &db), before_primary, "the dry run must leave the schema and data as they were");
    assert_eq!(tables(&mut r, &db), before_replica, "no _gho/_ghc left on the replica");
    assert_eq!(tables(&mut c, &db), vec!["big t".to_string()], "no _gho/_ghc left behind");
    let _ = Duration::from_secs(0);
}

#[test]
fn refuses_a_migration_larger_than_the_free_disk() {
    let _g = GLOBAL_SETTINGS.read();
    let sb = Sandbox::get();
    let db = simple_table(&sb, "disk", ", PRIMARY KEY (id)");
    let args = {
        let mut a = sb.args_primary(&db, "t", "ADD COLUMN x INT");
        a.push("--execute".into());
        a
    };
    // the server's free space is what it is: the test makes the check see 1,000 bytes free
    let before = snapshot(&sb, &db);
    let out = run(&sb, &args, &[("GHOST_RS_FAULTS", "disk.free=value:1000")]);
    let txt = text(&out);
    assert_eq!(out.status.code(), Some(1), "{txt}");
    for expect in ["not enough free disk on", "only 1000 B is free", "the ghost table ~", "--skip-disk-check"] {
        assert!(txt.contains(expect), "expected {expect:?} in:\n{txt}");
    }
    assert_eq!(snapshot(&sb, &db), before, "nothing created");

    // --skip-disk-check goes on (as a dry run here) and says why
    let mut dry = sb.args_primary(&db, "t", "ADD COLUMN x INT");
    dry.push("--skip-disk-check".into());
    let out = run(&sb, &dry, &[("GHOST_RS_FAULTS", "disk.free=value:1000")]);
    let txt = text(&out);
    assert_eq!(out.status.code(), Some(0), "{txt}");
    assert!(txt.contains("going on because of --skip-disk-check"), "{txt}");
    // --defer-secondary-indexes=auto (the default): the primary has the sandbox's replica
    assert!(txt.contains("plain secondary indexes are kept on the ghost during the row copy: "), "{txt}");
    assert!(txt.contains(" has replicas (server_id "), "{txt}");
    assert!(txt.contains("indexes:          all built during the row copy"), "{txt}");
    assert!(!txt.contains("sorting the deferred indexes"), "{txt}");
    assert_eq!(snapshot(&sb, &db), before);

    // with --defer-secondary-indexes the index build's sort files count too
    dry.push("--defer-secondary-indexes".into());
    let txt = text(&run(&sb, &dry, &[("GHOST_RS_FAULTS", "disk.free=value:1000")]));
    assert!(txt.contains("sorting the deferred indexes <= ~"), "{txt}");
    assert_eq!(snapshot(&sb, &db), before);
}

/// A two-step cut-over killed between its renames leaves the table missing, the original as
/// `_t_del` and the migrated table as `_t_gho`: the next run says so and how to recover,
/// instead of "table does not exist".
#[test]
fn an_interrupted_two_step_cut_over_is_explained() {
    let _g = GLOBAL_SETTINGS.read();
    let sb = Sandbox::get();
    let db = simple_table(&sb, "stranded", ", PRIMARY KEY (id)");
    let mut c = sb.primary();
    c.query_drop(format!("CREATE TABLE `{db}`._t_gho LIKE `{db}`.t")).unwrap();
    c.query_drop(format!("RENAME TABLE `{db}`.t TO `{db}`._t_del")).unwrap();
    let args = sb.args_primary(&db, "t", "ADD COLUMN x INT");
    let txt = assert_refused(&sb, &db, &args, "a two-step cut-over was interrupted between its two renames");
    for expect in
        [&format!("RENAME TABLE `{db}`.`_t_del` TO `{db}`.`t`"), &format!("RENAME TABLE `{db}`.`_t_gho` TO `{db}`.`t`")]
    {
        assert!(txt.contains(expect.as_str()), "expected {expect:?} in:\n{txt}");
    }
}

/// A `--replica-server-id` that a connected replica uses would disconnect that replica (the
/// server drops a dump thread when another registers with its id): refused before the binlog
/// stream starts, the original untouched, and the message names what is left behind.
#[test]
fn refuses_the_server_id_of_a_connected_replica() {
    let _g = GLOBAL_SETTINGS.read();
    let sb = Sandbox::get();
    let db = simple_table(&sb, "server_id_taken", ", PRIMARY KEY (id)");
    let id: u32 = sb.replica().query_first("SELECT @@server_id").unwrap().unwrap();
    let mut args = sb.args_primary(&db, "t", "ADD COLUMN x INT");
    args.extend([format!("--replica-server-id={id}"), "--execute".into()]);
    let mut c = sb.primary();
    let before = show_create(&mut c, &db, "t");
    let out = run(&sb, &args, &[]);
    let txt = text(&out);
    assert_eq!(out.status.code(), Some(1), "{txt}");
    assert!(txt.contains(&format!("--replica-server-id {id} is used by a replica connected to")), "{txt}");
    assert!(txt.contains("fix:"), "{txt}");
    assert_eq!(show_create(&mut c, &db, "t"), before, "the original is untouched");
    let rows: u64 = c.query_first(format!("SELECT COUNT(*) FROM `{db}`.t")).unwrap().unwrap();
    assert_eq!(rows, 3);
    assert!(txt.contains("left behind:") && txt.contains("_t_gho"), "names what is left: {txt}");
}
