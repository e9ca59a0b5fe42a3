//! Safety beyond gh-ost: exact resume from a checkpoint, refusal to resume without the binlog
//! it needs, and the fault-injection matrix (ghost-rs killed at named points).

mod common;

use std::time::{Duration, Instant};

use common::ledger::*;
use common::*;
use mysql::prelude::Queryable;

/// Adds rows `SEED_ROWS+1 ..= total` (outside the writers' key space when `total` is large)
/// to the ledger table.
fn grow(sb: &Sandbox, db: &str, total: i64) {
    let mut c = sb.primary();
    let mut start = KEY_SPACE + 1;
    while start <= total {
        let end = (start + 49_999).min(total);
        c.query_drop(format!(
            "INSERT INTO `{db}`.t (id, uk, a, b, c) SELECT n, n * 10, CONCAT('bulk-', n), n % 1000, 'café' FROM \
             (SELECT {start} + a.i + b.i * 100 + c.i * 10000 AS n FROM \
              (SELECT 0 i UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9 \
               UNION ALL SELECT 10 UNION ALL SELECT 11 UNION ALL SELECT 12 UNION ALL SELECT 13 UNION ALL SELECT 14 UNION ALL SELECT 15 UNION ALL SELECT 16 UNION ALL SELECT 17 UNION ALL SELECT 18 UNION ALL SELECT 19 \
               UNION ALL SELECT 20 UNION ALL SELECT 21 UNION ALL SELECT 22 UNION ALL SELECT 23 UNION ALL SELECT 24 UNION ALL SELECT 25 UNION ALL SELECT 26 UNION ALL SELECT 27 UNION ALL SELECT 28 UNION ALL SELECT 29 \
               UNION ALL SELECT 30 UNION ALL SELECT 31 UNION ALL SELECT 32 UNION ALL SELECT 33 UNION ALL SELECT 34 UNION ALL SELECT 35 UNION ALL SELECT 36 UNION ALL SELECT 37 UNION ALL SELECT 38 UNION ALL SELECT 39 \
               UNION ALL SELECT 40 UNION ALL SELECT 41 UNION ALL SELECT 42 UNION ALL SELECT 43 UNION ALL SELECT 44 UNION ALL SELECT 45 UNION ALL SELECT 46 UNION ALL SELECT 47 UNION ALL SELECT 48 UNION ALL SELECT 49 \
               UNION ALL SELECT 50 UNION ALL SELECT 51 UNION ALL SELECT 52 UNION ALL SELECT 53 UNION ALL SELECT 54 UNION ALL SELECT 55 UNION ALL SELECT 56 UNION ALL SELECT 57 UNION ALL SELECT 58 UNION ALL SELECT 59 \
               UNION ALL SELECT 60 UNION ALL SELECT 61 UNION ALL SELECT 62 UNION ALL SELECT 63 UNION ALL SELECT 64 UNION ALL SELECT 65 UNION ALL SELECT 66 UNION ALL SELECT 67 UNION ALL SELECT 68 UNION ALL SELECT 69 \
               UNION ALL SELECT 70 UNION ALL SELECT 71 UNION ALL SELECT 72 UNION ALL SELECT 73 UNION ALL SELECT 74 UNION ALL SELECT 75 UNION ALL SELECT 76 UNION ALL SELECT 77 UNION ALL SELECT 78 UNION ALL SELECT 79 \
               UNION ALL SELECT 80 UNION ALL SELECT 81 UNION ALL SELECT 82 UNION ALL SELECT 83 UNION ALL SELECT 84 UNION ALL SELECT 85 UNION ALL SELECT 86 UNION ALL SELECT 87 UNION ALL SELECT 88 UNION ALL SELECT 89 \
               UNION ALL SELECT 90 UNION ALL SELECT 91 UNION ALL SELECT 92 UNION ALL SELECT 93 UNION ALL SELECT 94 UNION ALL SELECT 95 UNION ALL SELECT 96 UNION ALL SELECT 97 UNION ALL SELECT 98 UNION ALL SELECT 99) a, \
              (SELECT 0 i UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9 \
               UNION ALL SELECT 10 UNION ALL SELECT 11 UNION ALL SELECT 12 UNION ALL SELECT 13 UNION ALL SELECT 14 UNION ALL SELECT 15 UNION ALL SELECT 16 UNION ALL SELECT 17 UNION ALL SELECT 18 UNION ALL SELECT 19 \
               UNION ALL SELECT 20 UNION ALL SELECT 21 UNION ALL SELECT 22 UNION ALL SELECT 23 UNION ALL SELECT 24 UNION ALL SELECT 25 UNION ALL SELECT 26 UNION ALL SELECT 27 UNION ALL SELECT 28 UNION ALL SELECT 29 \
               UNION ALL SELECT 30 UNION ALL SELECT 31 UNION ALL SELECT 32 UNION ALL SELECT 33 UNION ALL SELECT 34 UNION ALL SELECT 35 UNION ALL SELECT 36 UNION ALL SELECT 37 UNION ALL SELECT 38 UNION ALL SELECT 39 \
               UNION ALL SELECT 40 UNION ALL SELECT 41 UNION ALL SELECT 42 UNION ALL SELECT 43 UNION ALL SELECT 44 UNION ALL SELECT 45 UNION ALL SELECT 46 UNION ALL SELECT 47 UNION ALL SELECT 48 UNION ALL SELECT 49 \
               UNION ALL SELECT 50 UNION ALL SELECT 51 UNION ALL SELECT 52 UNION ALL SELECT 53 UNION ALL SELECT 54 UNION ALL SELECT 55 UNION ALL SELECT 56 UNION ALL SELECT 57 UNION ALL SELECT 58 UNION ALL SELECT 59 \
               UNION ALL SELECT 60 UNION ALL SELECT 61 UNION ALL SELECT 62 UNION ALL SELECT 63 UNION ALL SELECT 64 UNION ALL SELECT 65 UNION ALL SELECT 66 UNION ALL SELECT 67 UNION ALL SELECT 68 UNION ALL SELECT 69 \
               UNION ALL SELECT 70 UNION ALL SELECT 71 UNION ALL SELECT 72 UNION ALL SELECT 73 UNION ALL SELECT 74 UNION ALL SELECT 75 UNION ALL SELECT 76 UNION ALL SELECT 77 UNION ALL SELECT 78 UNION ALL SELECT 79 \
               UNION ALL SELECT 80 UNION ALL SELECT 81 UNION ALL SELECT 82 UNION ALL SELECT 83 UNION ALL SELECT 84 UNION ALL SELECT 85 UNION ALL SELECT 86 UNION ALL SELECT 87 UNION ALL SELECT 88 UNION ALL SELECT 89 \
               UNION ALL SELECT 90 UNION ALL SELECT 91 UNION ALL SELECT 92 UNION ALL SELECT 93 UNION ALL SELECT 94 UNION ALL SELECT 95 UNION ALL SELECT 96 UNION ALL SELECT 97 UNION ALL SELECT 98 UNION ALL SELECT 99) b, \
              (SELECT 0 i UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4) c) nums \
             WHERE n <= {end}"
        ))
        .unwrap();
        start = end + 1;
    }
}

/// The `copied=` of the checkpoint in the changelog, if any.
fn checkpoint_copied(c: &mut mysql::Conn, db: &str) -> Option<u64> {
    let v: Option<String> =
        c.query_first(format!("SELECT value FROM `{db}`.`_t_ghc` WHERE hint = 'checkpoint'")).ok().flatten();
    v?.split(';').find_map(|f| f.strip_prefix("copied=")).and_then(|n| n.parse().ok())
}

/// The ledger's rows (ids within the writers' key space) must match the models; the rest of the
/// table must be identical in the old and the migrated table.
fn verify(sb: &Sandbox, db: &str, results: &[WriterResult]) {
    let mut c = sb.primary();
    let mut actual = read_table(&mut c, db, "t");
    actual.retain(|id, _| *id <= KEY_SPACE);
    let diffs = compare(&actual, results);
    assert!(diffs.is_empty(), "{} differences: {:?}", diffs.len(), &diffs[..diffs.len().min(10)]);
    let cols = "id, uk, a, b, c";
    let mut q = |t: &str| {
        let r: Option<(u64, Option<i64>)> = c
            .query_first(format!(
                "SELECT COUNT(*), SUM(CRC32(CONCAT_WS('|', {cols}))) FROM `{db}`.`{t}` WHERE id > {KEY_SPACE}"
            ))
            .unwrap();
        r.unwrap()
    };
    let old = q("_t_del");
    let new = q("t");
    assert_eq!(old, new, "rows outside the writers' key space");
}

/// A 1,000,000-row migration killed (SIGKILL) at half its copy resumes from its checkpoint and
/// finishes with nothing lost, reading about half of the rows again.
#[test]
fn killed_at_half_resumes_from_the_checkpoint() {
    let _g = GLOBAL_SETTINGS.read();
    let sb = Sandbox::get();
    let db = sb.fresh_db("resume");
    let total: i64 = 1_000_000;
    create_ledger_table(&sb, &db);
    grow(&sb, &db, total);
    let writers = Writers::start(&sb, &db, 2, Duration::from_millis(3));

    let mut args = sb.args_primary(&db, "t", "ADD COLUMN x INT DEFAULT 7");
    args.extend([
        "--execute".into(),
        "--chunk-size=2000".into(),
        "--chunk-time=0".into(),
        "--checkpoint-seconds=1".into(),
    ]);
    let faults = [("GHOST_RS_FAULTS", "copy.chunk=sleep:5")];
    let mut first = spawn(&sb, &args, &faults);
    let mut c = sb.primary();
    let started = Instant::now();
    let half = wait_for(Duration::from_secs(300), Duration::from_millis(10), || {
        checkpoint_copied(&mut c, &db).filter(|n| *n >= total as u64 / 2)
    });
    first.kill().unwrap(); // SIGKILL, right after a checkpoint past half
    first.wait().unwrap();
    let at_kill = half.unwrap_or_else(|| panic!("no checkpoint past half after {:?}", started.elapsed()));
    assert!(tables(&mut c, &db).contains(&"_t_gho".to_string()));

    // the same command again: it finds the checkpoint and resumes
    let out = run(&sb, &args, &faults);
    let results = writers.stop();
    let txt = text(&out);
    assert_eq!(out.status.code(), Some(0), "{txt}");
    assert!(txt.contains("resuming the interrupted migration"), "{txt}");
    let read_again: u64 = txt
        .split("read by this run")
        .next()
        .and_then(|s| s.rsplit(", ").next())
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("{txt}"));
    verify(&sb, &db, &results);
    let share = read_again as f64 / total as f64;
    assert!(share <= 0.55, "the resumed run read {read_again} rows ({:.1}%)", share * 100.0);
    metric(&format!(
        "resume: killed with {at_kill} of {total} rows copied (checkpoint), the resumed run read {read_again} rows ({:.1}% of the table); ledger clean",
        share * 100.0
    ));
}

/// A checkpoint whose binlog was purged is not resumed: resuming would skip changes.
#[test]
fn resume_refused_when_its_binlog_was_purged() {
    let _g = GLOBAL_SETTINGS.write(); // purges binlogs: nobody else streams meanwhile
    let sb = Sandbox::get();
    let db = sb.fresh_db("purged");
    create_ledger_table(&sb, &db);
    let mut args = sb.args_primary(&db, "t", "ADD COLUMN x INT");
    args.extend([
        "--execute".into(),
        "--chunk-size=100".into(),
        "--chunk-time=0".into(),
        "--checkpoint-seconds=1".into(),
    ]);
    let mut child = spawn(&sb, &args, &[("GHOST_RS_FAULTS", "copy.chunk=sleep:50")]);
    let mut c = sb.primary();
    let ok = wait_for(Duration::from_secs(60), Duration::from_millis(50), || checkpoint_copied(&mut c, &db));
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(ok.is_some(), "no checkpoint was written");
    let needed: String = {
        let v: String =
            c.query_first(format!("SELECT value FROM `{db}`.`_t_ghc` WHERE hint = 'checkpoint'")).unwrap().unwrap();
        let hex = v.split(';').find_map(|f| f.strip_prefix("file=")).unwrap().to_string();
        let bytes: Vec<u8> =
            (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect();
        String::from_utf8(bytes).unwrap()
    };
    // a server keeps a binlog file until its engines' checkpoint passes it: rotate and purge
    // until the file the checkpoint needs is gone
    let status = if sb.flavor == "mysql" { "SHOW BINARY LOG STATUS" } else { "SHOW MASTER STATUS" };
    let purged = wait_for(Duration::from_secs(30), Duration::from_millis(300), || {
        c.query_drop("FLUSH BINARY LOGS").unwrap();
        sb.wait_replica_caught_up();
        let row: mysql::Row = c.query_first(status).unwrap().unwrap();
        let current: String = row.get("File").unwrap();
        c.query_drop(format!("PURGE BINARY LOGS TO '{current}'")).unwrap();
        let logs: Vec<mysql::Row> = c.query("SHOW BINARY LOGS").unwrap();
        (!logs.iter().any(|r| r.get::<String, _>("Log_name").as_deref() == Some(needed.as_str()))).then_some(())
    });
    assert!(purged.is_some(), "the server would not purge {needed}");

    let before = checksum(&mut c, &db, "t");
    let out = run(&sb, &args, &[]);
    let txt = text(&out);
    assert_eq!(out.status.code(), Some(1), "{txt}");
    assert!(txt.contains("that the checkpoint needs to resume has been purged"), "{txt}");
    assert!(txt.contains("--initially-drop-ghost-table"), "{txt}");
    assert_eq!(checksum(&mut c, &db, "t"), before);
    // starting over works
    args.push("--initially-drop-ghost-table".into());
    let out = run(&sb, &args, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

/// Starts a migration of the 20,000-row ledger table, postponed, with a socket; returns once
/// the copy is done and the first checksum passed.
fn postponed(sb: &Sandbox, name: &str) -> (String, Captured, std::path::PathBuf) {
    let db = sb.fresh_db(name);
    create_ledger_table(sb, &db);
    let flag = postpone_flag(name);
    let mut args = sb.args_primary(&db, "t", "ADD COLUMN x INT DEFAULT 7");
    args.extend([
        "--execute".into(),
        "--checkpoint-seconds=1".into(),
        format!("--postpone-cut-over-flag-file={}", flag.display()),
    ]);
    let cap = Captured::new(spawn(sb, &args, &[]));
    cap.wait_postponed();
    (db, cap, flag)
}

/// A row of the ghost table corrupted (on purpose) while the cut-over is postponed: the
/// continuous checksum finds it and copies its chunk again; the migrated table is exact.
#[test]
fn checksum_finds_and_repairs_a_corrupted_ghost_row() {
    let _g = GLOBAL_SETTINGS.read();
    let sb = Sandbox::get();
    let (db, cap, flag) = postponed(&sb, "corrupt");
    let mut c = sb.primary();
    c.query_drop(format!("UPDATE `{db}`.`_t_gho` SET b = b + 1000 WHERE id = 4242")).unwrap();
    let repaired = cap.wait_for_log("chunk(s) differ; copying them again", Duration::from_secs(30));
    assert!(repaired, "the corruption was not found: {}", cap.text());
    let fixed = wait_for(Duration::from_secs(30), Duration::from_millis(200), || {
        let n: Option<i64> = c.query_first(format!("SELECT b FROM `{db}`.`_t_gho` WHERE id = 4242")).unwrap();
        (n == Some(4242)).then_some(())
    });
    assert!(fixed.is_some(), "the ghost row was not repaired");
    std::fs::remove_file(&flag).unwrap();
    let (code, out) = cap.wait(Duration::from_secs(60));
    assert_eq!(code, Some(0), "{out}");
    let cols = "id, uk, a, b, c, d";
    assert_eq!(digest(&mut c, &db, "_t_del", cols, "id"), digest(&mut c, &db, "t", cols, "id"));
    metric("checksum: a ghost row corrupted while postponed was found and repaired; tables equal after cut-over");
}

/// A corruption that comes back (a trigger on the ghost table rewrites the row on every
/// write): after three repairs the migration stops without cutting over, naming the key.
#[test]
fn checksum_aborts_when_the_repair_cannot_succeed() {
    let _g = GLOBAL_SETTINGS.read();
    let sb = Sandbox::get();
    let (db, cap, flag) = postponed(&sb, "corrupt_forever");
    let mut c = sb.primary();
    let before = checksum(&mut c, &db, "t");
    c.query_drop(format!(
        "CREATE TRIGGER `{db}`.corrupt BEFORE INSERT ON `{db}`.`_t_gho` FOR EACH ROW SET NEW.b = IF(NEW.id = 777, NEW.b + 1, NEW.b)"
    ))
    .unwrap();
    c.query_drop(format!("UPDATE `{db}`.`_t_gho` SET b = b + 1 WHERE id = 777")).unwrap();
    let (code, out) = cap.wait(Duration::from_secs(90));
    let _ = std::fs::remove_file(&flag);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("still differs from the original after 3 repairs, at the key(s) (777)"), "{out}");
    assert!(out.contains("the cut-over was not done"), "{out}");
    assert_eq!(checksum(&mut c, &db, "t"), before, "the original is untouched");
    assert!(!show_create(&mut c, &db, "t").contains("`x`"), "no cut-over happened");
}

/// The fault-injection matrix: ghost-rs aborts (as SIGKILL would: no cleanup, no unlock) at a
/// named point while writers keep writing. After each: the original table is intact and
/// writable, nothing is locked; then the same command resumes (or, without a checkpoint, a
/// fresh run starts over) and completes, and the ledger finds nothing lost.
fn fault_case(name: &str, crashes: &[&str]) {
    fault_case_with(name, crashes, "", &[])
}

/// [`fault_case`] with more ALTER clauses and flags.
fn fault_case_with(name: &str, crashes: &[&str], more_alter: &str, extra: &[&str]) {
    let _g = GLOBAL_SETTINGS.read();
    let sb = Sandbox::get();
    let db = sb.fresh_db(name);
    create_ledger_table(&sb, &db);
    let writers = Writers::start(&sb, &db, 2, Duration::from_millis(3));
    let mut args = sb.args_primary(&db, "t", &format!("ADD COLUMN x INT DEFAULT 7{more_alter}"));
    args.extend(extra.iter().map(|s| s.to_string()));
    args.extend([
        "--execute".into(),
        "--chunk-size=50".into(),
        "--chunk-time=0".into(),
        "--nice-ratio=5".into(),
        "--checkpoint-seconds=1".into(),
        "--cut-over-lock-timeout-seconds=2".into(),
    ]);
    let mut c = sb.primary();
    let mut resumed = 0;
    for fault in crashes {
        let out = run(&sb, &args, &[("GHOST_RS_FAULTS", fault)]);
        let txt = text(&out);
        assert_ne!(out.status.code(), Some(0), "{fault} should have crashed the run:\n{txt}");
        assert!(txt.contains("fault injection"), "{txt}");
        resumed += usize::from(txt.contains("resuming the interrupted migration"));
        // the original is writable at once, nothing holds a lock on it
        let mut w = sb.primary();
        w.query_drop("SET SESSION lock_wait_timeout = 2, innodb_lock_wait_timeout = 2").unwrap();
        w.query_drop(format!("UPDATE `{db}`.t SET d = d WHERE id = 3")).expect("writable after the crash");
        let swapped = show_create(&mut c, &db, "t").contains("`x`");
        if !swapped {
            assert!(tables(&mut c, &db).contains(&"t".to_string()));
        }
    }
    // the same command again: resumes from the checkpoint, or explains that it cannot
    let swapped_already = show_create(&mut c, &db, "t").contains("`x`");
    let mut how = "resumed";
    let mut out = run(&sb, &args, &[]);
    if swapped_already {
        how = "nothing to redo: the swap had happened";
    } else if !text(&out).contains("resuming the interrupted migration") {
        assert!(text(&out).contains("--initially-drop-ghost-table"), "{}", text(&out));
        args.push("--initially-drop-ghost-table".into());
        args.push("--initially-drop-old-table".into());
        out = run(&sb, &args, &[]);
        how = "started over (no checkpoint)";
    }
    if !swapped_already {
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    }
    std::thread::sleep(Duration::from_millis(300));
    let results = writers.stop();
    let diffs = compare(&read_table(&mut c, &db, "t"), &results);
    assert!(diffs.is_empty(), "{} differences: {:?}", diffs.len(), &diffs[..diffs.len().min(10)]);
    assert!(show_create(&mut c, &db, "t").contains("`x`"), "migrated in the end");
    metric(&format!(
        "fault {name:<16} {:<60} original intact and writable after each crash; {how}{}; ledger clean",
        crashes.join(" then "),
        if resumed > 0 { format!(" (a crashed run had resumed {resumed}x)") } else { String::new() }
    ));
}

#[test]
fn fault_during_copy() {
    fault_case("fault_copy", &["copy.chunk=crash@250"]);
}

#[test]
fn fault_during_apply() {
    fault_case("fault_apply", &["apply.batch=crash@80"]);
}

#[test]
fn fault_between_lock_and_rename() {
    fault_case("fault_locked", &["cutover.locked=crash"]);
}

#[test]
fn fault_after_rename_before_cleanup() {
    fault_case("fault_renamed", &["cutover.renamed=crash"]);
}

/// --defer-secondary-indexes: a crash right after a checkpoint (mid-copy), then one after the deferred index is built
/// but before its record is removed; the last run builds nothing twice, and the index is there.
#[test]
fn fault_with_deferred_indexes() {
    fault_case_with(
        "fault_deferred",
        &["copy.chunk=sleep:10,checkpoint.written=crash@2", "deferred.built=crash"],
        ", ADD INDEX ib (b)",
        &["--defer-secondary-indexes"],
    );
    let sb = Sandbox::get();
    let mut c = sb.primary();
    let create = show_create(&mut c, "t_fault_deferred", "t");
    assert!(create.contains("KEY `ib` (`b`)"), "{create}");
}

#[test]
fn fault_during_resume() {
    fault_case("fault_resume", &["copy.chunk=crash@200", "copy.chunk=crash@100"]);
}

/// A ledger table in a fresh database, its checksum, and the arguments of a two-step migration.
fn two_step_case(sb: &Sandbox, name: &str) -> (String, mysql::Conn, (u64, Option<u64>), Vec<String>) {
    let db = sb.fresh_db(name);
    create_ledger_table(sb, &db);
    let mut c = sb.primary();
    let before = checksum(&mut c, &db, "t");
    let mut args = sb.args_primary(&db, "t", "ADD COLUMN x INT DEFAULT 7");
    args.extend(["--execute".into(), "--cut-over=two-step".into()]);
    (db, c, before, args)
}

/// `--cut-over two-step` killed between its two renames (the case gh-ost's two-step also has):
/// the table is missing; the next run names the two tables and the RENAME that brings the
/// original back; after that RENAME the original holds every row, and a new run migrates it.
#[test]
fn two_step_killed_between_its_renames() {
    let _g = GLOBAL_SETTINGS.read();
    let sb = Sandbox::get();
    let (db, mut c, before, mut args) = two_step_case(&sb, "two_step_kill");
    let out = run(&sb, &args, &[("GHOST_RS_FAULTS", "cutover.twostep.between=crash")]);
    assert_ne!(out.status.code(), Some(0), "the run should have crashed:\n{}", text(&out));
    assert_eq!(tables(&mut c, &db), vec!["_t_del".to_string(), "_t_ghc".to_string(), "_t_gho".to_string()]);

    let out = run(&sb, &args, &[]);
    let txt = text(&out);
    assert_eq!(out.status.code(), Some(1), "{txt}");
    let back = format!("RENAME TABLE `{db}`.`_t_del` TO `{db}`.`t`");
    assert!(
        txt.contains("a two-step cut-over was interrupted between its two renames") && txt.contains(&back),
        "{txt}"
    );

    c.query_drop(&back).unwrap();
    assert_eq!(checksum(&mut c, &db, "t"), before, "the original, renamed back, holds every row");
    args.push("--initially-drop-ghost-table".into());
    let out = run(&sb, &args, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(show_create(&mut c, &db, "t").contains("`x`"), "migrated in the end");
    metric("two-step killed between its renames: the next run named the way back; renamed back, nothing lost, migrated again");
}

/// The two-step cut-over's second rename fails (injected): the original is renamed back at
/// once, still locked by the cut-over's session, and the next attempt completes.
#[test]
fn two_step_puts_the_original_back_when_the_ghost_rename_fails() {
    let _g = GLOBAL_SETTINGS.read();
    let sb = Sandbox::get();
    let (db, mut c, before, args) = two_step_case(&sb, "two_step_back");
    let out = run(&sb, &args, &[("GHOST_RS_FAULTS", "cutover.twostep.between=fail:once")]);
    let txt = text(&out);
    assert_eq!(out.status.code(), Some(0), "{txt}");
    assert!(txt.contains("renaming the ghost table in"), "the failed attempt is reported: {txt}");
    assert!(txt.contains("cut-over attempt 2"), "and retried: {txt}");
    assert!(show_create(&mut c, &db, "t").contains("`x`"), "migrated");
    assert_eq!(checksum(&mut c, &db, "_t_del"), before, "the original, put back and swapped later, is whole");
    metric("two-step: the ghost rename failed (injected); the original was renamed back and the retry cut over");
}
