//! Free-disk guard: before anything is created, estimates the disk a migration will take on
//! each server it writes to (the ghost table in the datadir, the row images of its copy in the
//! binlog directory) and compares it with the free space of those file systems.
//!
//! A full disk stops every write on the server, not only the migration's, so a run that
//! cannot fit is refused (`--skip-disk-check` runs it anyway) and a tight one is warned about.
//! Free space can only be read on this machine: for a server elsewhere (its `@@hostname` is
//! not ours, or its datadir does not exist here) the check says it was not done.
//!
//! Talks to: the Inspector, which calls [`check`] once per server with a connection to it.

use std::collections::BTreeMap;
use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use log::{info, warn};
use mysql::prelude::Queryable;
use mysql::Conn;

use crate::db::{global_var, Endpoint, Flavor, ServerInfo};
use crate::error::{Context, Error, Result};
use crate::plan::TableNames;
use crate::sql;

/// Space the migration will take on one file system, and what for.
#[derive(Debug, Clone, PartialEq)]
pub struct Need {
    /// A directory on that file system (the one statted).
    pub path: PathBuf,
    pub bytes: u64,
    pub what: Vec<String>,
}

/// What to do about a need against the free space.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Verdict {
    Fits,
    /// Fits, but takes more than half of what is free.
    Tight,
    /// Does not fit: the disk would fill.
    Refuse,
}

/// `need` bytes against `free` bytes.
pub fn verdict(need: u64, free: u64) -> Verdict {
    if need >= free {
        Verdict::Refuse
    } else if need.saturating_mul(2) > free {
        Verdict::Tight
    } else {
        Verdict::Fits
    }
}

/// Groups what must be written by file system (`dev` of each directory), so that a datadir
/// and a binlog directory on the same volume add up.
pub fn group(items: Vec<(u64, PathBuf, u64, String)>) -> Vec<Need> {
    let mut by_dev: BTreeMap<u64, Need> = BTreeMap::new();
    for (dev, path, bytes, what) in items {
        let n = by_dev.entry(dev).or_insert_with(|| Need { path, bytes: 0, what: vec![] });
        n.bytes = n.bytes.saturating_add(bytes);
        n.what.push(what);
    }
    by_dev.into_values().collect()
}

/// Bytes in a human unit.
pub fn human(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = bytes as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{bytes} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// Free bytes for an unprivileged writer on the file system holding `path` (the server runs
/// as its own user, so root's reserve does not count).
fn free_bytes(path: &Path) -> Option<u64> {
    let c = CString::new(path.as_os_str().as_bytes()).ok()?;
    // SAFETY: `c` is a valid NUL-terminated path and `st` a properly sized, writable struct.
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::statvfs(c.as_ptr(), &mut st) };
    if rc != 0 {
        return None;
    }
    Some((st.f_bavail as u64).saturating_mul(st.f_frsize as u64))
}

fn local_hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname").map(|s| s.trim().to_string()).unwrap_or_default()
}

/// Bytes a table takes on disk (0 when it does not exist): the size of its InnoDB tablespace
/// file where the server shows it (accurate), else information_schema's DATA_LENGTH +
/// INDEX_LENGTH (which InnoDB updates lazily: right after a bulk load it can be far too small).
fn table_bytes(conn: &mut Conn, info: &ServerInfo, database: &str, table: &str) -> Result<u64> {
    let view = match info.flavor {
        Flavor::MariaDb => "information_schema.INNODB_SYS_TABLESPACES",
        Flavor::MySql => "information_schema.INNODB_TABLESPACES",
    };
    // Tablespace names are `db/table` in the server's filename encoding; plain names match as is.
    let file: Option<Option<u64>> = conn
        .exec_first(format!("SELECT FILE_SIZE FROM {view} WHERE NAME = ?"), (format!("{database}/{table}"),))
        .ok()
        .flatten();
    let r: Option<(Option<u64>, Option<u64>)> = conn
        .exec_first(
            "SELECT DATA_LENGTH, INDEX_LENGTH FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?",
            (database, table),
        )
        .with_context(|| format!("reading the size of {}", sql::table(database, table)))?;
    let Some((data, index)) = r else { return Ok(0) };
    let stats = data.unwrap_or(0).saturating_add(index.unwrap_or(0));
    Ok(file.flatten().unwrap_or(0).max(stats))
}

/// Checks one server the migration writes to (`binlog`: it logs the copy's rows).
/// `deferred_indexes`: the ghost's secondary indexes are built after the copy, by sorting in
/// temporary files (`innodb_tmpdir`, else `tmpdir`).
pub fn check(
    conn: &mut Conn,
    endpoint: &Endpoint,
    info: &ServerInfo,
    database: &str,
    table: &str,
    skip: bool,
    deferred_indexes: bool,
) -> Result<()> {
    let server_hostname = info.hostname.as_str();
    let datadir = PathBuf::from(global_var(conn, "datadir")?.unwrap_or_default());
    let here = local_hostname();
    if datadir.as_os_str().is_empty() || !datadir.is_dir() || (!server_hostname.is_empty() && server_hostname != here) {
        info!("free disk on {endpoint}: not checked (the server is not on this machine); the ghost table needs about as much as `{table}` takes there");
        return Ok(());
    }
    let size = table_bytes(conn, info, database, table)?;
    let names = TableNames::new(table, None)?;
    // An existing ghost (a resume, or one about to be dropped) already holds its part.
    let ghost_need = size.saturating_sub(table_bytes(conn, info, database, &names.ghost)?);
    // The copy logs every row once as a full row image: less than the table's pages hold
    // (no indexes, no free space), so this is an upper bound.
    let binlog_need = ghost_need;

    let db_dir = datadir.join(database);
    let table_dir = if db_dir.is_dir() { db_dir } else { datadir.clone() };
    let dev = |p: &Path| std::fs::metadata(p).map(|m| m.dev()).ok();
    let mut items = vec![];
    let Some(tdev) = dev(&table_dir) else {
        info!("free disk on {endpoint}: not checked ({} cannot be read here)", table_dir.display());
        return Ok(());
    };
    items.push((tdev, table_dir.clone(), ghost_need, format!("the ghost table ~{}", human(ghost_need))));
    if info.log_bin {
        let base = global_var(conn, "log_bin_basename")?.unwrap_or_default();
        let dir = Path::new(&base).parent().map(Path::to_path_buf).filter(|p| p.is_dir()).unwrap_or(datadir.clone());
        if let Some(bdev) = dev(&dir) {
            items.push((bdev, dir, binlog_need, format!("the binlog of the copy ~{}", human(binlog_need))));
        }
    }
    if deferred_indexes {
        // The sort files of an index build hold each index's entries once: at most about the
        // size of the table (the indexes the ALTER adds are not known by size beforehand).
        let tmp = match global_var(conn, "innodb_tmpdir")?.filter(|d| !d.is_empty()) {
            Some(d) => Some(d),
            None => global_var(conn, "tmpdir")?,
        };
        let dir = tmp.map(|t| PathBuf::from(t.split(':').next().unwrap_or_default())).filter(|p| p.is_dir());
        if let Some((sdev, dir)) = dir.and_then(|d| dev(&d).map(|v| (v, d))) {
            items.push((sdev, dir, ghost_need, format!("sorting the deferred indexes <= ~{}", human(ghost_need))));
        }
    }
    for need in group(items) {
        let free = crate::fault::value("disk.free").or_else(|| free_bytes(&need.path));
        let Some(free) = free else {
            info!("free disk on {endpoint}: not checked (statvfs {} failed)", need.path.display());
            continue;
        };
        let what = need.what.join(" + ");
        match verdict(need.bytes, free) {
            Verdict::Fits => info!(
                "free disk on {endpoint}: {} free on the file system of {}; the migration needs about {} ({what})",
                human(free),
                need.path.display(),
                human(need.bytes)
            ),
            Verdict::Tight => warn!(
                "free disk on {endpoint} is tight: the migration needs about {} ({what}) of the {} free on the file system of {}; watch it while it runs",
                human(need.bytes),
                human(free),
                need.path.display()
            ),
            Verdict::Refuse if skip => warn!(
                "free disk on {endpoint}: the migration needs about {} ({what}) but only {} is free on the file system of {}; going on because of --skip-disk-check",
                human(need.bytes),
                human(free),
                need.path.display()
            ),
            Verdict::Refuse => {
                return Err(Error::refused(format!(
                    "not enough free disk on {endpoint}: the migration needs about {} ({what}) but only {} is free on the file system of {}; a full disk would stop every write on that server",
                    human(need.bytes),
                    human(free),
                    need.path.display()
                ))
                .hint("free space there (purge old binlogs, extend the volume) and run again; --skip-disk-check runs anyway"));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts() {
        assert_eq!(verdict(0, 0), Verdict::Refuse);
        assert_eq!(verdict(10, 10), Verdict::Refuse);
        assert_eq!(verdict(11, 10), Verdict::Refuse);
        assert_eq!(verdict(6, 10), Verdict::Tight);
        assert_eq!(verdict(5, 10), Verdict::Fits);
        assert_eq!(verdict(0, 10), Verdict::Fits);
        assert_eq!(verdict(u64::MAX, u64::MAX - 1), Verdict::Refuse);
    }

    #[test]
    fn same_filesystem_adds_up() {
        let g = group(vec![
            (1, PathBuf::from("/data/db"), 100, "ghost".into()),
            (2, PathBuf::from("/binlog"), 40, "binlog".into()),
            (1, PathBuf::from("/data"), 60, "binlog2".into()),
        ]);
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].bytes, 160);
        assert_eq!(g[0].path, PathBuf::from("/data/db"));
        assert_eq!(g[0].what, vec!["ghost".to_string(), "binlog2".to_string()]);
        assert_eq!(g[1].bytes, 40);
    }

    #[test]
    fn human_units() {
        assert_eq!(human(0), "0 B");
        assert_eq!(human(1023), "1023 B");
        assert_eq!(human(1536), "1.5 KiB");
        assert_eq!(human(5 * 1024 * 1024 * 1024), "5.0 GiB");
    }
}
