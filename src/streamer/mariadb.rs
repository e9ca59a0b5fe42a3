//! MariaDB's own binlog events, which `mysql_common` does not know (its `read_data()` returns
//! `Ok(None)` for them). Each is handled or refused by number, so that nothing is skipped
//! silently: MariaDB replaces GTID, GTID list, checkpoint and annotate events with dummy
//! queries unless the dump connection declares `@mariadb_slave_capability=4`, which the
//! streamer does.

/// `ANNOTATE_ROWS_EVENT`: the SQL text of the statement that produced the next rows events.
pub const ANNOTATE_ROWS: u8 = 160;
/// `BINLOG_CHECKPOINT_EVENT`: which binlog files crash recovery still needs.
pub const BINLOG_CHECKPOINT: u8 = 161;
/// `GTID_EVENT`: starts an event group (a transaction, or one standalone statement).
pub const GTID: u8 = 162;
/// `GTID_LIST_EVENT`: the GTID state at the start of a binlog file.
pub const GTID_LIST: u8 = 163;
/// `START_ENCRYPTION_EVENT`.
pub const START_ENCRYPTION: u8 = 164;
/// `QUERY_COMPRESSED_EVENT` .. `DELETE_ROWS_COMPRESSED_EVENT` (`log_bin_compress=ON`).
pub const COMPRESSED_FIRST: u8 = 165;
pub const COMPRESSED_LAST: u8 = 171;

/// MariaDB GTID event flags (`flags2`).
const FL_STANDALONE: u8 = 1;
const FL_GROUP_COMMIT_ID: u8 = 2;
const FL_PREPARED_XA: u8 = 64;
const FL_COMPLETED_XA: u8 = 128;

/// The fields of a MariaDB GTID event that ghost-rs uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gtid {
    pub domain_id: u32,
    pub seq_no: u64,
    /// A single statement without BEGIN/COMMIT (DDL, or a non-transactional write).
    pub standalone: bool,
    /// The group is an XA PREPARE (its rows may still be rolled back).
    pub xa_prepare: bool,
    pub xa_complete: bool,
}

/// Parses a GTID event body (after the 19-byte header, checksum removed):
/// `seq_no: u64 LE, domain_id: u32 LE, flags2: u8, [commit_id: u64 LE]`.
pub fn parse_gtid(body: &[u8]) -> Option<Gtid> {
    if body.len() < 13 {
        return None;
    }
    let seq_no = u64::from_le_bytes(body[0..8].try_into().ok()?);
    let domain_id = u32::from_le_bytes(body[8..12].try_into().ok()?);
    let flags = body[12];
    if flags & FL_GROUP_COMMIT_ID != 0 && body.len() < 21 {
        return None;
    }
    Some(Gtid {
        domain_id,
        seq_no,
        standalone: flags & FL_STANDALONE != 0,
        xa_prepare: flags & FL_PREPARED_XA != 0,
        xa_complete: flags & FL_COMPLETED_XA != 0,
    })
}

/// What to do with a MariaDB event type.
#[derive(Debug, PartialEq, Eq)]
pub enum Handling {
    Gtid,
    /// Carries no row change: annotate rows, checkpoint, GTID list.
    Informational,
    /// Cannot be followed; the message says why and how to fix it.
    Refuse(&'static str),
    Unknown,
}

pub fn handling(event_type: u8) -> Handling {
    match event_type {
        GTID => Handling::Gtid,
        ANNOTATE_ROWS | BINLOG_CHECKPOINT | GTID_LIST => Handling::Informational,
        START_ENCRYPTION => Handling::Refuse("the binlog stream is encrypted (START_ENCRYPTION_EVENT); ghost-rs cannot read it"),
        COMPRESSED_FIRST..=COMPRESSED_LAST => Handling::Refuse(
            "the binlog holds compressed events (log_bin_compress=ON), which ghost-rs does not decode; set log_bin_compress=OFF before the migration",
        ),
        _ => Handling::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gtid_parsing() {
        let mut b = Vec::new();
        b.extend_from_slice(&42u64.to_le_bytes());
        b.extend_from_slice(&7u32.to_le_bytes());
        b.push(FL_STANDALONE);
        assert_eq!(
            parse_gtid(&b),
            Some(Gtid { domain_id: 7, seq_no: 42, standalone: true, xa_prepare: false, xa_complete: false })
        );
        b[12] = FL_GROUP_COMMIT_ID;
        assert_eq!(parse_gtid(&b), None, "group commit id announced but missing");
        b.extend_from_slice(&1u64.to_le_bytes());
        assert!(!parse_gtid(&b).unwrap().standalone);
        b[12] = FL_PREPARED_XA | FL_GROUP_COMMIT_ID;
        assert!(parse_gtid(&b).unwrap().xa_prepare);
        assert_eq!(parse_gtid(&[1, 2, 3]), None);
    }

    #[test]
    fn every_mariadb_type_has_a_handling() {
        for t in 160..=171u8 {
            assert_ne!(handling(t), Handling::Unknown, "type {t}");
        }
        assert!(matches!(handling(167), Handling::Refuse(m) if m.contains("log_bin_compress")));
        assert_eq!(handling(200), Handling::Unknown);
    }
}
