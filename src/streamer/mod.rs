//! The EventsStreamer: reads the binlog as a replica and sends the original table's row
//! changes, in binlog order, to the apply loop.
//!
//! It connects to the inspected server with `--replica-server-id`, asks for the binlog from
//! the coordinates recorded before the copy started, and for every event:
//!
//! * verifies its CRC32 checksum;
//! * tracks the transaction it belongs to (MySQL GTID/BEGIN ... XID/COMMIT, MariaDB GTID ...
//!   XID/COMMIT, standalone statements), so that it always knows the position right after the
//!   last complete transaction (the **boundary**: where a reconnect resumes, never "the next
//!   event found");
//! * decodes the rows of the original table (only those: the ghost table's own writes dominate
//!   the binlog and are skipped from the table id alone, without parsing) into
//!   [`Change`](crate::messages::Change)s with [`decode`];
//! * reads ghost-rs's changelog table back: heartbeats give the lag, state values are markers;
//! * refuses, with the reason, what it cannot follow: MariaDB compressed or encrypted events,
//!   partial JSON updates, row images that are not full, XA transactions on the table,
//!   statement-based changes to the table, unknown event types. Nothing is skipped silently.
//!
//! A dropped connection is re-opened at the boundary: changes of the interrupted transaction
//! that were already sent are sent again, which is harmless because applying a row image twice
//! in order gives the same result.
//!
//! Talks to: the inspected server (replication protocol); sends [`StreamMsg`] to the apply
//! loop. Back-pressure is a byte budget ([`Progress::queued_bytes`]): a slow apply slows the
//! reading and gets large batches to coalesce, and memory stays bounded.

pub mod decode;
pub mod mariadb;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::Sender;
use log::{debug, info, warn};
use mysql::prelude::Queryable;
use mysql_common::binlog::consts::{BinlogChecksumAlg, EventType};
use mysql_common::binlog::events::{Event, EventData, RowsEventData, TableMapEvent};
use mysql_common::binlog::row::BinlogRow;
use mysql_common::binlog::value::BinlogValue;
use mysql_common::binlog::EventStreamReader;
use mysql_common::packets::binlog_request::BinlogRequest;

use crate::alter::DdlTargets;
use crate::db::{BinlogPos, Endpoint, Flavor};
use crate::error::{Context, Error, Result};
use crate::messages::{key_bytes, Change, StreamMsg};
use crate::plan::Plan;
use crate::progress::Progress;

/// Changes are sent in slices of at most this many (a huge transaction never sits in memory
/// whole).
const SEND_BATCH: usize = 1000;
/// Memory the changes in flight to the apply loop may hold before the streamer waits.
const QUEUE_BUDGET_BYTES: u64 = 32 << 20;

pub struct StreamerSpec {
    pub endpoint: Endpoint,
    pub flavor: Flavor,
    pub server_id: u32,
    pub start: BinlogPos,
    pub plan: Arc<Plan>,
    pub heartbeat_period: Duration,
    pub retries: u32,
}

/// The migrator's handle on a running streamer: stops it from another thread.
#[derive(Clone)]
pub struct StreamerHandle {
    stop: Arc<AtomicBool>,
    conn_id: Arc<AtomicU32>,
    endpoint: Endpoint,
}

impl StreamerHandle {
    /// Stops the streamer: sets the flag and kills its dump connection (a blocked read returns
    /// within milliseconds).
    pub fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
        let id = self.conn_id.load(Ordering::SeqCst);
        if id != 0 {
            if let Ok(mut c) = self.endpoint.connect("stopping the streamer") {
                let _ = c.query_drop(format!("KILL {id}"));
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Orig,
    Changelog,
    Other,
}

pub struct Streamer {
    spec: StreamerSpec,
    tx: Sender<StreamMsg>,
    progress: Arc<Progress>,
    stop: Arc<AtomicBool>,
    conn_id: Arc<AtomicU32>,
    /// Position right after the last complete transaction seen.
    boundary: BinlogPos,
    /// The file being read.
    file: String,
    targets: HashMap<u64, Target>,
    txn: Txn,
    ddl_re: regex::Regex,
    stmt_re: regex::Regex,
    last_pos_report: Instant,
    last_position_sent: Instant,
}

#[derive(Default)]
struct Txn {
    in_txn: bool,
    /// Changes decoded and not yet sent.
    pending: Vec<Change>,
    /// Some changes of this transaction were already sent.
    sent: bool,
    /// An XA transaction: its rows may still be rolled back after PREPARE.
    xa: bool,
}

impl Streamer {
    pub fn new(spec: StreamerSpec, tx: Sender<StreamMsg>, progress: Arc<Progress>) -> (Streamer, StreamerHandle) {
        let stop = Arc::new(AtomicBool::new(false));
        let conn_id = Arc::new(AtomicU32::new(0));
        let handle = StreamerHandle { stop: stop.clone(), conn_id: conn_id.clone(), endpoint: spec.endpoint.clone() };
        let s = Streamer {
            boundary: spec.start.clone(),
            file: spec.start.file.clone(),
            spec,
            tx,
            progress,
            stop,
            conn_id,
            targets: HashMap::new(),
            txn: Txn::default(),
            // statements that may change a table they name, for statements that cannot be lexed
            ddl_re: regex::Regex::new(
                r"(?is)^(\s|/\*.*?\*/)*(ALTER|DROP|RENAME|TRUNCATE|OPTIMIZE|REPAIR|CREATE\s+((UNIQUE|FULLTEXT|SPATIAL)\s+)?INDEX)\b",
            )
            .expect("static regex"),
            stmt_re: regex::Regex::new(r"(?is)^\s*(INSERT|UPDATE|DELETE|REPLACE|LOAD)\b").expect("static regex"),
            last_pos_report: Instant::now(),
            last_position_sent: Instant::now(),
        };
        (s, handle)
    }

    /// Streams until stopped or a definite error. Reconnects at the boundary on transient
    /// errors, up to `retries` times in a row.
    pub fn run(mut self) -> Result<()> {
        let mut failures = 0u32;
        loop {
            if self.stop.load(Ordering::SeqCst) {
                return Ok(());
            }
            let from = self.boundary.clone();
            match self.stream_from(&from) {
                Ok(()) => return Ok(()),
                Err(_) if self.stop.load(Ordering::SeqCst) => return Ok(()),
                Err(e) if e.is_transient() && failures < self.spec.retries => {
                    failures += 1;
                    warn!("binlog stream interrupted ({e}); reconnecting at {} (attempt {failures})", self.boundary);
                    // Changes decoded after the boundary are read again.
                    self.txn = Txn::default();
                    std::thread::sleep(Duration::from_millis(200 * failures.min(10) as u64));
                }
                Err(e) => {
                    return Err(e.context(format!("streaming the binlog of {} from {}", self.spec.endpoint, from)))
                }
            }
        }
    }

    fn stream_from(&mut self, from: &BinlogPos) -> Result<()> {
        let mut conn = self
            .spec
            .endpoint
            .connect_binlog("binlog streamer", self.spec.heartbeat_period * 10 + Duration::from_secs(5))?;
        let period_ns = self.spec.heartbeat_period.as_nanos().max(1_000_000);
        conn.query_drop(format!("SET @master_heartbeat_period = {period_ns}"))?;
        if self.spec.flavor == Flavor::MariaDb {
            // Without it MariaDB hides GTID, annotate and checkpoint events behind dummy queries.
            conn.query_drop("SET @mariadb_slave_capability = 4")?;
        }
        self.conn_id.store(conn.connection_id(), Ordering::SeqCst);
        if self.stop.load(Ordering::SeqCst) {
            return Ok(());
        }
        info!("streaming binlog from {} at {}", self.spec.endpoint, from);
        let request =
            BinlogRequest::new(self.spec.server_id).with_filename(from.file.as_bytes().to_vec()).with_pos(from.pos);
        let mut stream = conn.get_binlog_stream(request).context("requesting the binlog stream")?;
        self.file = from.file.clone();
        let mut seen_fde = false;
        self.targets.clear();
        while let Some(event) = stream.next() {
            let event = event.map_err(Error::from)?;
            if self.stop.load(Ordering::SeqCst) {
                return Ok(());
            }
            let t = event.header().event_type_raw();
            if t == EventType::FORMAT_DESCRIPTION_EVENT as u8 {
                seen_fde = true;
                continue;
            }
            if t == EventType::ROTATE_EVENT as u8 {
                self.on_rotate(&event, seen_fde, from)?;
                continue;
            }
            verify_checksum(&event)?;
            let pos = event.header().log_pos() as u64;
            self.on_event(&event, pos, &|id| stream.get_tme(id))?;
        }
        Err(Error::failed("the server closed the binlog stream").transient())
    }

    fn on_rotate(&mut self, event: &Event, seen_fde: bool, requested: &BinlogPos) -> Result<()> {
        let Some(EventData::RotateEvent(r)) = event.read_data()? else {
            return Err(Error::failed("unreadable ROTATE event"));
        };
        let mut name = r.name_raw().to_vec();
        // The first (artificial) ROTATE comes before the format description: its checksum is
        // not stripped, so its name carries 4 more bytes.
        if !seen_fde && name.len() == requested.file.len() + 4 && name.starts_with(requested.file.as_bytes()) {
            name.truncate(requested.file.len());
        }
        let name = String::from_utf8_lossy(&name).into_owned();
        let artificial = event.header().timestamp() == 0 || event.header().flags_raw() & 0x20 != 0;
        if !artificial {
            // A real rotation: the previous file ended; nothing of a transaction spans files.
            debug!("binlog rotated to {name}:{}", r.position());
            self.boundary = BinlogPos { file: name.clone(), pos: r.position() };
        }
        self.file = name;
        Ok(())
    }

    fn here(&self, pos: u64) -> BinlogPos {
        BinlogPos { file: self.file.clone(), pos }
    }

    /// One event at `pos` (the position after it; for events inside a transaction payload, the
    /// position after the payload).
    fn on_event<'a>(
        &mut self,
        event: &Event,
        pos: u64,
        tme: &dyn Fn(u64) -> Option<&'a TableMapEvent<'static>>,
    ) -> Result<()> {
        let t = event.header().event_type_raw();
        match EventType::try_from(t) {
            Ok(EventType::TABLE_MAP_EVENT) => {
                let id = table_id(event.data());
                let target = match tme(id) {
                    Some(m) => self.target_of(m)?,
                    None => Target::Other,
                };
                self.targets.insert(id, target);
            }
            Ok(
                EventType::WRITE_ROWS_EVENT
                | EventType::UPDATE_ROWS_EVENT
                | EventType::DELETE_ROWS_EVENT
                | EventType::WRITE_ROWS_EVENT_V1
                | EventType::UPDATE_ROWS_EVENT_V1
                | EventType::DELETE_ROWS_EVENT_V1,
            ) => {
                let id = table_id(event.data());
                match self.targets.get(&id).copied().unwrap_or(Target::Other) {
                    Target::Other => {}
                    target => {
                        let map =
                            tme(id).ok_or_else(|| Error::failed(format!("rows event for unknown table id {id}")))?;
                        self.on_rows(event, map, target)?;
                    }
                }
            }
            Ok(EventType::PARTIAL_UPDATE_ROWS_EVENT) => {
                let id = table_id(event.data());
                if self.targets.get(&id).copied().unwrap_or(Target::Other) != Target::Other {
                    return Err(Error::failed("a partial JSON update of the table was logged")
                        .hint("set binlog_row_value_options='' on the server: ghost-rs needs full row images"));
                }
            }
            Ok(
                EventType::PRE_GA_WRITE_ROWS_EVENT
                | EventType::PRE_GA_UPDATE_ROWS_EVENT
                | EventType::PRE_GA_DELETE_ROWS_EVENT,
            ) => {
                return Err(Error::failed("pre-GA rows events (binlog from MySQL 5.1.15 or older) are not supported"));
            }
            Ok(EventType::QUERY_EVENT) => self.on_query(event, pos)?,
            Ok(EventType::XID_EVENT) => self.end_txn(pos, false)?,
            Ok(EventType::XA_PREPARE_LOG_EVENT) => {
                // rows of the table inside XA were refused when they arrived
                self.txn = Txn::default();
                self.boundary = self.here(pos);
            }
            Ok(EventType::GTID_EVENT | EventType::GTID_TAGGED_LOG_EVENT | EventType::ANONYMOUS_GTID_EVENT) => {}
            Ok(EventType::TRANSACTION_PAYLOAD_EVENT) => self.on_payload(event, pos)?,
            Ok(
                EventType::PREVIOUS_GTIDS_EVENT
                | EventType::HEARTBEAT_EVENT
                | EventType::ROWS_QUERY_EVENT
                | EventType::IGNORABLE_EVENT
                | EventType::INTVAR_EVENT
                | EventType::RAND_EVENT
                | EventType::USER_VAR_EVENT
                | EventType::STOP_EVENT
                | EventType::TRANSACTION_CONTEXT_EVENT
                | EventType::VIEW_CHANGE_EVENT
                | EventType::BEGIN_LOAD_QUERY_EVENT
                | EventType::APPEND_BLOCK_EVENT,
            ) => {}
            Ok(EventType::EXECUTE_LOAD_QUERY_EVENT) => {
                if let Ok(Some(EventData::ExecuteLoadQueryEvent(q))) = event.read_data() {
                    self.check_statement(q.query_raw(), q.schema_raw())?;
                }
            }
            Ok(EventType::INCIDENT_EVENT) => {
                return Err(Error::failed("the binlog holds an INCIDENT event: the server may have lost changes")
                    .hint("check the server's error log; the migration must be started again"));
            }
            _ if t == 41 => {} // HEARTBEAT_LOG_EVENT_V2
            _ => match mariadb::handling(t) {
                mariadb::Handling::Gtid => {
                    let g = mariadb::parse_gtid(event.data())
                        .ok_or_else(|| Error::failed("unreadable MariaDB GTID event"))?;
                    self.txn.in_txn = !g.standalone;
                    self.txn.xa = g.xa_prepare;
                }
                mariadb::Handling::Informational => {}
                mariadb::Handling::Refuse(why) => return Err(Error::failed(why)),
                mariadb::Handling::Unknown => {
                    return Err(Error::failed(format!(
                        "binlog event type {t} at {} is not known to ghost-rs",
                        self.here(pos)
                    ))
                    .hint("refusing rather than skipping it: report the server version and event type"));
                }
            },
        }
        if self.last_pos_report.elapsed() > Duration::from_millis(200) && pos > 0 {
            self.last_pos_report = Instant::now();
            Progress::set_text(&self.progress.read_pos, self.here(pos).to_string());
        }
        Ok(())
    }

    fn target_of(&self, m: &TableMapEvent<'_>) -> Result<Target> {
        let plan = &self.spec.plan;
        if m.database_name_raw() != plan.orig.database.as_bytes() {
            return Ok(Target::Other);
        }
        let t = m.table_name_raw();
        if t == plan.orig.name.as_bytes() {
            if m.columns_count() as usize != plan.orig.columns.len() {
                return Err(Error::failed(format!(
                    "the binlog shows {} columns for the original table, the migration started with {}: its structure changed",
                    m.columns_count(),
                    plan.orig.columns.len()
                ))
                .hint("a DDL ran on the original table during the migration; run the migration again"));
            }
            Ok(Target::Orig)
        } else if t == plan.changelog_name.as_bytes() {
            Ok(Target::Changelog)
        } else {
            Ok(Target::Other)
        }
    }

    fn on_rows(&mut self, event: &Event, map: &TableMapEvent<'_>, target: Target) -> Result<()> {
        let Some(EventData::RowsEvent(rows)) = event.read_data()? else {
            return Err(Error::failed("unreadable rows event"));
        };
        let full_before = rows.columns_before_image().map(|b| b.count_ones() == b.len()).unwrap_or(true);
        let full_after = rows.columns_after_image().map(|b| b.count_ones() == b.len()).unwrap_or(true);
        if target == Target::Orig && !(full_before && full_after) {
            return Err(Error::failed("a row image of the table is not full").hint(
                "some session writes with binlog_row_image other than FULL; set it to FULL globally and for every writer",
            ));
        }
        let is_update = matches!(rows, RowsEventData::UpdateRowsEvent(_) | RowsEventData::UpdateRowsEventV1(_));
        for row in rows.rows(map) {
            let (before, after) = row.map_err(|e| Error::failed(format!("cannot decode a row of the table: {e}")))?;
            match target {
                Target::Orig => self.on_orig_row(before, after, is_update)?,
                Target::Changelog => self.on_changelog_row(after)?,
                Target::Other => {}
            }
        }
        Ok(())
    }

    fn on_orig_row(&mut self, before: Option<BinlogRow>, after: Option<BinlogRow>, is_update: bool) -> Result<()> {
        if self.txn.xa {
            return Err(Error::failed("an XA transaction changed the table").hint(
                "ghost-rs cannot follow XA transactions (their rows may still be rolled back after PREPARE); migrate when no XA transaction writes to the table",
            ));
        }
        let plan = self.spec.plan.clone();
        let key_of = |row: &mut BinlogRow| -> Result<Vec<mysql::Value>> {
            plan.key_columns().map(|c| take(row, c.orig.position).and_then(|v| decode::decode(v, c))).collect()
        };
        let mut n = 0;
        match (before, after) {
            (None, Some(mut a)) => {
                let row = decode_row(&plan, &mut a)?;
                let key = key_bytes(&plan.key.iter().map(|&i| &row[i]).collect::<Vec<_>>());
                self.txn.pending.push(Change::Replace { key, row });
                n += 1;
            }
            (Some(mut b), None) => {
                let values = key_of(&mut b)?;
                let key = key_bytes(&values.iter().collect::<Vec<_>>());
                self.txn.pending.push(Change::Delete { key, values });
                n += 1;
            }
            (Some(mut b), Some(mut a)) if is_update => {
                let old = key_of(&mut b)?;
                let old_key = key_bytes(&old.iter().collect::<Vec<_>>());
                let row = decode_row(&plan, &mut a)?;
                let key = key_bytes(&plan.key.iter().map(|&i| &row[i]).collect::<Vec<_>>());
                if key != old_key {
                    self.txn.pending.push(Change::Delete { key: old_key, values: old });
                }
                self.txn.pending.push(Change::Replace { key, row });
                n += 1;
            }
            _ => return Err(Error::failed("a rows event without the images it must carry")),
        }
        self.progress.events_received.fetch_add(n, Ordering::Relaxed);
        if self.txn.pending.len() >= SEND_BATCH {
            self.flush_pending()?;
        }
        Ok(())
    }

    fn on_changelog_row(&mut self, after: Option<BinlogRow>) -> Result<()> {
        // ghost-rs's own table: (id, last_update, hint, value)
        let Some(mut a) = after else { return Ok(()) };
        let text = |v: Result<BinlogValue>| match v {
            Ok(BinlogValue::Value(mysql::Value::Bytes(b))) => Some(b),
            _ => None,
        };
        let (Some(hint), Some(value)) = (text(take(&mut a, 2)), text(take(&mut a, 3))) else { return Ok(()) };
        match hint.as_slice() {
            b"heartbeat" => {
                if let Some(written) = std::str::from_utf8(&value).ok().and_then(|s| s.parse::<i64>().ok()) {
                    self.progress.record_heartbeat(written);
                }
            }
            b"state" => {
                self.flush_pending()?;
                self.send(StreamMsg::Marker(String::from_utf8_lossy(&value).into_owned()))?;
            }
            _ => {}
        }
        Ok(())
    }

    fn on_query(&mut self, event: &Event, pos: u64) -> Result<()> {
        let Some(EventData::QueryEvent(q)) = event.read_data()? else {
            return Err(Error::failed("unreadable QUERY event"));
        };
        let query = q.query_raw();
        let head: Vec<u8> = query.iter().take(16).map(|c| c.to_ascii_uppercase()).collect();
        let starts = |w: &[u8]| head.starts_with(w) && head.get(w.len()).is_none_or(|c| !c.is_ascii_alphanumeric());
        if starts(b"BEGIN") {
            self.txn.in_txn = true;
            return Ok(());
        }
        if starts(b"XA START") || starts(b"XA BEGIN") {
            self.txn.in_txn = true;
            self.txn.xa = true;
            return Ok(());
        }
        if starts(b"COMMIT") || starts(b"XA COMMIT") {
            return self.end_txn(pos, false);
        }
        if starts(b"ROLLBACK") || starts(b"XA ROLLBACK") {
            return self.end_txn(pos, true);
        }
        if starts(b"XA END") || starts(b"XA PREPARE") || starts(b"SAVEPOINT") {
            return Ok(());
        }
        self.check_statement(query, q.schema_raw())?;
        if !self.txn.in_txn {
            // an autocommitted statement (DDL): a transaction of its own
            self.end_txn(pos, false)?;
        }
        Ok(())
    }

    /// A statement in the binlog: a DDL on the original table, or a statement-based change to
    /// it, cannot be followed.
    fn check_statement(&mut self, query: &[u8], schema: &[u8]) -> Result<()> {
        let q = String::from_utf8_lossy(query);
        let db = &self.spec.plan.orig.database;
        let table = &self.spec.plan.orig.name;
        let in_db = schema == db.as_bytes() || crate::alter::mentions_identifier(&q, db);
        if !in_db || !crate::alter::mentions_identifier(&q, table) {
            return Ok(());
        }
        let changes_table = match crate::alter::ddl_targets(&q) {
            DdlTargets::Tables(ts) => {
                ts.iter().any(|(d, n)| n == table && d.as_deref().map_or(schema == db.as_bytes(), |d| d == db.as_str()))
            }
            DdlTargets::NotTableDdl => false,
            // not lexable: careful, a DDL keyword and the name anywhere count
            DdlTargets::Unparsed => self.ddl_re.is_match(&q),
        };
        if changes_table {
            self.flush_pending()?;
            self.send(StreamMsg::Ddl(q.into_owned()))?;
        } else if self.stmt_re.is_match(&q) {
            return Err(Error::failed(format!("a statement-based change to the table was logged: {}", truncate(&q, 200))).hint(
                "every writer must use binlog_format=ROW; a session that changed its own binlog_format wrote this statement",
            ));
        }
        Ok(())
    }

    fn on_payload(&mut self, event: &Event, pos: u64) -> Result<()> {
        let Some(EventData::TransactionPayloadEvent(p)) = event.read_data()? else {
            return Err(Error::failed("unreadable transaction payload event"));
        };
        let mut reader =
            p.decompressed().map_err(|e| Error::failed(format!("cannot decompress a transaction payload: {e}")))?;
        let mut inner = EventStreamReader::new(mysql_common::binlog::consts::BinlogVersion::Version4);
        loop {
            let ev = inner
                .read_decompressed(&mut reader)
                .map_err(|e| Error::failed(format!("cannot read a compressed transaction: {e}")))?;
            let Some(ev) = ev else { break };
            let tmes: &EventStreamReader = &inner;
            // SAFETY of lifetimes: table maps live in `inner` for the duration of this event.
            let lookup = |id: u64| -> Option<&TableMapEvent<'static>> { tmes.get_tme(id) };
            self.on_event(&ev, pos, &lookup)?;
        }
        Ok(())
    }

    fn end_txn(&mut self, pos: u64, rolled_back: bool) -> Result<()> {
        if rolled_back {
            if self.txn.sent {
                return Err(Error::failed("a transaction that changed the table was rolled back after ghost-rs had applied part of it")
                    .hint("this happens only with transactions mixing transactional and non-transactional tables; run the migration again"));
            }
            let dropped = self.txn.pending.len() as u64;
            self.progress.events_received.fetch_sub(dropped, Ordering::Relaxed);
            self.txn = Txn::default();
        } else {
            let touched = self.txn.sent || !self.txn.pending.is_empty();
            self.flush_pending()?;
            if touched && pos > 0 {
                self.send(StreamMsg::TxnEnd(self.here(pos)))?;
            }
            self.txn = Txn::default();
        }
        if pos > 0 {
            self.boundary = self.here(pos);
            if self.last_position_sent.elapsed() > Duration::from_secs(1) {
                self.last_position_sent = Instant::now();
                self.send(StreamMsg::Position(self.boundary.clone()))?;
            }
        }
        Ok(())
    }

    fn flush_pending(&mut self) -> Result<()> {
        if self.txn.pending.is_empty() {
            return Ok(());
        }
        let batch = std::mem::take(&mut self.txn.pending);
        self.txn.sent = true;
        // back-pressure: wait while the apply loop holds its budget of changes
        while self.progress.queued_bytes.load(Ordering::Relaxed) > QUEUE_BUDGET_BYTES {
            if self.stop.load(Ordering::Relaxed) {
                return Err(Error::aborted("the streamer was stopped"));
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        let bytes: u64 = batch.iter().map(Change::approx_bytes).sum();
        self.progress.queued_bytes.fetch_add(bytes, Ordering::Relaxed);
        self.send(StreamMsg::Changes(batch))
    }

    fn send(&self, msg: StreamMsg) -> Result<()> {
        self.tx.send(msg).map_err(|_| Error::aborted("the apply loop stopped"))
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}...", s.chars().take(n).collect::<String>())
    }
}

/// The table id at the start of a TABLE_MAP or rows event body (6 bytes, little endian).
fn table_id(data: &[u8]) -> u64 {
    let mut b = [0u8; 8];
    let n = data.len().min(6);
    b[..n].copy_from_slice(&data[..n]);
    u64::from_le_bytes(b)
}

fn take(row: &mut BinlogRow, pos: usize) -> Result<BinlogValue<'static>> {
    row.take(pos)
        .map(|v| v.into_owned())
        .ok_or_else(|| Error::failed(format!("column {pos} is missing from a row image")))
}

/// The shared columns of a full after image, decoded, in plan order.
fn decode_row(plan: &Plan, row: &mut BinlogRow) -> Result<Vec<mysql::Value>> {
    plan.columns.iter().map(|c| take(row, c.orig.position).and_then(|v| decode::decode(v, c))).collect()
}

fn verify_checksum(event: &Event) -> Result<()> {
    let footer = event.footer();
    if let Ok(Some(BinlogChecksumAlg::BINLOG_CHECKSUM_ALG_CRC32)) = footer.get_checksum_alg() {
        if let Some(sum) = event.checksum() {
            let expected = u32::from_le_bytes(sum);
            let actual = event.calc_checksum(BinlogChecksumAlg::BINLOG_CHECKSUM_ALG_CRC32);
            if expected != actual {
                return Err(Error::failed(format!(
                    "binlog event checksum mismatch at position {} (event type {})",
                    event.header().log_pos(),
                    event.header().event_type_raw()
                ))
                .transient());
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_ids() {
        assert_eq!(table_id(&[1, 0, 0, 0, 0, 0, 9, 9]), 1);
        assert_eq!(table_id(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), (1 << 48) - 1);
    }
}
