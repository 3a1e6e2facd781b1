//! The values snapshot: every stored value of an SQLite database, written
//! compactly to a file beside it (by a server's clean stop, and by the
//! first import into an empty value table), so that a server starting
//! reads them in a fraction of the time SQLite takes to hand over millions
//! of rows. It is a copy of the value table and nothing else: indicators and
//! units are still read from the database, and the rollups still made.
//!
//! A snapshot says which database it was read from and how far that
//! database had got: its identity (a random name made with the database and
//! never copied by a backup), its last migration and its change-log
//! sequence, all read in the same transaction as the values. Every write to
//! a value appends a change of the entity `value` to the change log, so
//! while the identity and migration match and no such change follows the
//! sequence, the value table is as the snapshot has it; otherwise the
//! snapshot is passed over and the values are read from the database. The
//! file ends with a count and a CRC-32 of everything before it, so a file
//! cut short or damaged is refused too, never half used.
//!
//! The layout (integers little-endian):
//!
//! ```text
//! "STOCKTAKE VALUES\n"  format: u32 = 1
//! identity: u16 length, bytes   migration: i64   sequence: i64
//! records, each a tag byte:
//!   1  a period: u16 number, u8 length, its canonical text
//!   2  a value: u32 indicator id, u32 unit id, u16 period number,
//!      u8 flags (1 approved, 2 numerator, 4 denominator, 8 note),
//!      f64 value, then f64 numerator, f64 denominator and u32 length and
//!      text of the note where the flags say so
//!   0  the end: u64 values, u32 CRC-32 of every byte before it
//! ```

use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use rusqlite::Connection;
use rustc_hash::FxHashMap;

use stocktake_core::{Period, ValueState};

use super::bulk::{RawValue, Resolved, for_each_value_in, open_for_reading};
use crate::error::{Result, StoreError};
use crate::store::StoreOptions;

const MAGIC: &[u8] = b"STOCKTAKE VALUES\n";
const FORMAT: u32 = 1;
const END: u8 = 0;
const PERIOD: u8 = 1;
const VALUE: u8 = 2;
const APPROVED: u8 = 1;
const NUMERATOR: u8 = 2;
const DENOMINATOR: u8 = 4;
const NOTE: u8 = 8;
/// The longest note a snapshot holds: a length beyond it can only be damage
/// (and is not trusted to size a buffer).
const LONGEST_NOTE: usize = 16 << 20;

/// Where the snapshot of the SQLite file `database` is kept: beside it.
pub(crate) fn path_of(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".values-snapshot");
    PathBuf::from(name)
}

/// How far a database had got: what a snapshot must match to be used.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Mark {
    identity: String,
    migration: i64,
    sequence: i64,
}

fn mark(conn: &Connection) -> Result<Mark> {
    let read = |sql: &str| -> Result<rusqlite::types::Value> {
        conn.query_row(sql, [], |row| row.get(0))
            .map_err(|e| StoreError::Bulk(e.to_string()))
    };
    let identity = match read("select id from database_identity")? {
        rusqlite::types::Value::Text(t) => t,
        other => {
            return Err(StoreError::Bulk(format!(
                "the database's identity is {other:?}, not text"
            )));
        }
    };
    let integer = |v: rusqlite::types::Value| match v {
        rusqlite::types::Value::Integer(i) => Ok(i),
        other => Err(StoreError::Bulk(format!(
            "expected a number, found {other:?}"
        ))),
    };
    Ok(Mark {
        identity,
        migration: integer(read(
            "select coalesce(max(version), 0) from _sqlx_migrations",
        )?)?,
        sequence: integer(read("select coalesce(max(seq), 0) from change_log")?)?,
    })
}

/// Whether the value table is still as a snapshot marked `header` has it:
/// the same database, the same migrations, and no value written since.
/// Every write to a value logs a change of the entity `value` (the rule
/// other instances apply changes by, `stocktake::sync`); other writes
/// since (a token made, a unit renamed) leave the values as they were. That
/// needs every change since the snapshot still in the log: the log is
/// pruned from its oldest end, so it is whole after the snapshot's
/// sequence while its oldest row is at or before it.
fn still_holds(conn: &Connection, header: &Mark) -> Result<bool> {
    let now = mark(conn)?;
    if now.identity != header.identity || now.migration != header.migration {
        return Ok(false);
    }
    if now.sequence == header.sequence {
        return Ok(true);
    }
    let (oldest, values_written): (i64, bool) = conn
        .query_row(
            "select coalesce(min(seq), 0), \
             exists (select 1 from change_log where seq > ?1 and entity = 'value') \
             from change_log",
            [header.sequence],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .map_err(|e| StoreError::Bulk(e.to_string()))?;
    Ok(now.sequence > header.sequence && oldest <= header.sequence && !values_written)
}

/// Writes the snapshot of the SQLite file `database`: its mark and every
/// value, read in one transaction, into a file of its own that then
/// replaces the snapshot at once (a reader sees the old file or the new,
/// never half of one). Blocks the calling thread. Returns the values
/// written.
pub(crate) fn save(database: &Path, options: StoreOptions) -> Result<u64> {
    let target = path_of(database);
    let temporary = Partial::beside(&target);
    let count = write_file(database, options, &temporary.0)?;
    temporary.put_in_place(&target)?;
    Ok(count)
}

fn write_file(database: &Path, options: StoreOptions, file: &Path) -> Result<u64> {
    let io = |e: std::io::Error| {
        StoreError::Bulk(format!(
            "cannot write the values snapshot {}: {e}",
            file.display()
        ))
    };
    let conn = open_for_reading(database, options)?;
    conn.execute_batch("begin")
        .map_err(|e| StoreError::Bulk(e.to_string()))?;
    let mark = mark(&conn)?;
    let mut out = Checked::new(BufWriter::with_capacity(
        1 << 20,
        File::create(file).map_err(io)?,
    ));
    out.put(&header_before_sequence(&mark)?);
    out.put(&mark.sequence.to_le_bytes());
    let mut periods: FxHashMap<String, u16> = FxHashMap::default();
    let mut bytes = Vec::with_capacity(64);
    let mut count: u64 = 0;
    let mut refused = None;
    for_each_value_in(&conn, i64::MIN..=i64::MAX, |v| {
        if refused.is_some() {
            return;
        }
        match record(&mut out, &mut periods, &mut bytes, &v) {
            Ok(()) => count += 1,
            Err(why) => refused = Some(why),
        }
    })?;
    if let Some(why) = refused {
        return Err(StoreError::Bulk(format!(
            "cannot write the values snapshot: {why}"
        )));
    }
    conn.execute_batch("commit")
        .map_err(|e| StoreError::Bulk(e.to_string()))?;
    out.put(&[END]);
    out.put(&count.to_le_bytes());
    let crc = out.crc.clone().finalize();
    out.put(&crc.to_le_bytes());
    let mut inner = out.finish().map_err(io)?;
    inner.flush().map_err(io)?;
    inner
        .into_inner()
        .map_err(|e| io(e.into_error()))?
        .sync_all()
        .map_err(io)?;
    Ok(count)
}

/// A snapshot's header up to its sequence (see the layout above).
fn header_before_sequence(mark: &Mark) -> Result<Vec<u8>> {
    let identity = mark.identity.as_bytes();
    let length = u16::try_from(identity.len())
        .map_err(|_| StoreError::Bulk("the database's identity is too long".into()))?;
    let mut header = Vec::with_capacity(64);
    header.extend_from_slice(MAGIC);
    header.extend_from_slice(&FORMAT.to_le_bytes());
    header.extend_from_slice(&length.to_le_bytes());
    header.extend_from_slice(identity);
    header.extend_from_slice(&mark.migration.to_le_bytes());
    Ok(header)
}

/// The snapshot an import writes as it adds every value of an empty value
/// table (the first load of a database), so that the first start after it
/// reads the snapshot instead of every row: written as the rows are handed
/// to the import's writer, on the thread that parses them (which has time
/// to spare while the writer inserts), and put in place only once the
/// import has committed, marked with the change-log sequence of its
/// commit. An import that fails, or that meets a stored value after all,
/// leaves no snapshot. Not synced to disk: one cut short by a crash fails
/// its checksum and is passed over.
pub(crate) struct ImportSnapshot {
    temporary: Partial,
    target: PathBuf,
    /// The header up to the sequence, known from the start.
    header: Vec<u8>,
    /// The records; its CRC covers them only (the header's is combined
    /// with it at the end, once the sequence is known).
    out: Checked<BufWriter<File>>,
    periods: FxHashMap<String, u16>,
    period_texts: FxHashMap<Period, String>,
    bytes: Vec<u8>,
    count: u64,
    refused: Option<String>,
}

impl ImportSnapshot {
    /// Starts the snapshot of an import into the SQLite file `database`,
    /// on `conn` inside the import's transaction; `None` where the value
    /// table holds values already (the snapshot would have to hold them
    /// too). An error here costs the import only its snapshot.
    pub(crate) fn start(conn: &Connection, database: &Path) -> Result<Option<ImportSnapshot>> {
        let empty: bool = conn
            .query_row("select not exists (select 1 from value)", [], |row| {
                row.get(0)
            })
            .map_err(|e| StoreError::Bulk(e.to_string()))?;
        if !empty {
            return Ok(None);
        }
        let mark = mark(conn)?;
        let target = path_of(database);
        let temporary = Partial::beside(&target);
        let file = File::create(&temporary.0).map_err(|e| {
            StoreError::Bulk(format!(
                "cannot make the values snapshot {}: {e}",
                temporary.0.display()
            ))
        })?;
        let header = header_before_sequence(&mark)?;
        let mut out = Checked::new(BufWriter::with_capacity(1 << 20, file));
        // The sequence's place, filled in at the end; outside the records' CRC.
        out.inner
            .write_all(&header)
            .and_then(|()| out.inner.write_all(&[0; 8]))
            .map_err(|e| StoreError::Bulk(format!("cannot write the values snapshot: {e}")))?;
        Ok(Some(ImportSnapshot {
            temporary,
            target,
            header,
            out,
            periods: FxHashMap::default(),
            period_texts: FxHashMap::default(),
            bytes: Vec::with_capacity(64),
            count: 0,
            refused: None,
        }))
    }

    /// Adds the values of `rows`, as the import will store them.
    pub(crate) fn add(&mut self, rows: &[Resolved]) {
        for r in rows {
            if self.refused.is_some() {
                return;
            }
            let period = self
                .period_texts
                .entry(r.period)
                .or_insert_with(|| r.period.to_string());
            let value = RawValue {
                indicator_id: r.indicator,
                org_unit_id: r.org_unit,
                period,
                value: r.value,
                numerator: r.numerator,
                denominator: r.denominator,
                note: r.note.as_deref(),
                approved: r.state == ValueState::Approved,
            };
            match record(&mut self.out, &mut self.periods, &mut self.bytes, &value) {
                Ok(()) => self.count += 1,
                Err(why) => self.refused = Some(why),
            }
        }
    }

    /// Ends the file and puts it in place, marked with `sequence`: the
    /// change-log sequence of the import's commit. Returns the values
    /// written.
    pub(crate) fn finish(self, sequence: i64) -> Result<u64> {
        let ImportSnapshot {
            temporary,
            target,
            header,
            mut out,
            count,
            refused,
            ..
        } = self;
        if let Some(why) = refused {
            return Err(StoreError::Bulk(format!(
                "cannot write the values snapshot: {why}"
            )));
        }
        let io =
            |e: std::io::Error| StoreError::Bulk(format!("cannot write the values snapshot: {e}"));
        out.put(&[END]);
        out.put(&count.to_le_bytes());
        let mut crc = crc32fast::Hasher::new();
        crc.update(&header);
        crc.update(&sequence.to_le_bytes());
        crc.combine(&out.crc);
        let mut file = out
            .finish()
            .map_err(io)?
            .into_inner()
            .map_err(|e| io(e.into_error()))?;
        file.write_all(&crc.finalize().to_le_bytes()).map_err(io)?;
        file.seek(SeekFrom::Start(header.len() as u64))
            .map_err(io)?;
        file.write_all(&sequence.to_le_bytes()).map_err(io)?;
        drop(file);
        temporary.put_in_place(&target)?;
        Ok(count)
    }
}

/// A file being written beside a snapshot, under a name of its own until
/// it replaces the snapshot at once (a reader sees the old file or the
/// new, never half of one); removed if it is dropped before that.
struct Partial(PathBuf);

impl Partial {
    fn beside(target: &Path) -> Partial {
        // One process may write two at once (a stop during an import).
        static WRITTEN: AtomicU64 = AtomicU64::new(0);
        let n = WRITTEN.fetch_add(1, Ordering::Relaxed);
        let mut name = target.as_os_str().to_owned();
        name.push(format!(".{}-{n}.partial", std::process::id()));
        Partial(PathBuf::from(name))
    }

    fn put_in_place(self, target: &Path) -> Result<()> {
        std::fs::rename(&self.0, target).map_err(|e| {
            StoreError::Bulk(format!(
                "cannot put the values snapshot in place at {}: {e}",
                target.display()
            ))
        })
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        // Already gone where it was put in place.
        let _ = std::fs::remove_file(&self.0);
    }
}

/// One value's record, its period's before it the first time it is used,
/// put whole (one CRC update per record, not per field).
fn record<W: Write>(
    out: &mut Checked<W>,
    periods: &mut FxHashMap<String, u16>,
    bytes: &mut Vec<u8>,
    v: &RawValue<'_>,
) -> std::result::Result<(), String> {
    bytes.clear();
    let period = match periods.get(v.period) {
        Some(n) => *n,
        None => {
            let n =
                u16::try_from(periods.len()).map_err(|_| "more than 65,536 periods".to_owned())?;
            let text = v.period.as_bytes();
            let length = u8::try_from(text.len())
                .map_err(|_| format!("the period {:?} is too long", v.period))?;
            bytes.push(PERIOD);
            bytes.extend_from_slice(&n.to_le_bytes());
            bytes.push(length);
            bytes.extend_from_slice(text);
            periods.insert(v.period.to_owned(), n);
            n
        }
    };
    let id = |id: i64| {
        u32::try_from(id).map_err(|_| format!("the id {id} is beyond a snapshot's range"))
    };
    let flag = |set: bool, flag: u8| if set { flag } else { 0 };
    let flags = flag(v.approved, APPROVED)
        | flag(v.numerator.is_some(), NUMERATOR)
        | flag(v.denominator.is_some(), DENOMINATOR)
        | flag(v.note.is_some(), NOTE);
    bytes.push(VALUE);
    bytes.extend_from_slice(&id(v.indicator_id)?.to_le_bytes());
    bytes.extend_from_slice(&id(v.org_unit_id)?.to_le_bytes());
    bytes.extend_from_slice(&period.to_le_bytes());
    bytes.push(flags);
    bytes.extend_from_slice(&v.value.to_le_bytes());
    if let Some(n) = v.numerator {
        bytes.extend_from_slice(&n.to_le_bytes());
    }
    if let Some(d) = v.denominator {
        bytes.extend_from_slice(&d.to_le_bytes());
    }
    if let Some(note) = v.note {
        let length = u32::try_from(note.len())
            .ok()
            .filter(|n| *n as usize <= LONGEST_NOTE)
            .ok_or_else(|| "a note over 16 MiB".to_owned())?;
        bytes.extend_from_slice(&length.to_le_bytes());
        bytes.extend_from_slice(note.as_bytes());
    }
    out.put(bytes);
    Ok(())
}

/// Whether there is a snapshot beside the SQLite file `database` that the
/// value table is still as it has it (see [`read`]), without reading its
/// values.
pub(crate) fn usable(database: &Path, options: StoreOptions) -> Result<bool> {
    Ok(holding(database, options)?.is_some())
}

/// The snapshot beside `database`, read up to its first record, where
/// there is one and the value table is still as it has it.
fn holding(database: &Path, options: StoreOptions) -> Result<Option<Input>> {
    let path = path_of(database);
    let file = match File::open(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(StoreError::Bulk(format!(
                "cannot open the values snapshot {}: {e}",
                path.display()
            )));
        }
    };
    let cut = |e: std::io::Error| {
        StoreError::Bulk(format!(
            "the values snapshot {} is damaged: {e}",
            path.display()
        ))
    };
    let mut input = Input::new(file);
    let starts_well = input.take(MAGIC.len()).is_ok_and(|m| m == MAGIC)
        && input.u32().is_ok_and(|format| format == FORMAT);
    if !starts_well {
        // Not a snapshot this version of Stocktake writes: passed over.
        return Ok(None);
    }
    let length = usize::from(input.u16().map_err(cut)?);
    let identity = String::from_utf8_lossy(input.take(length).map_err(cut)?).into_owned();
    let header = Mark {
        identity,
        migration: input.i64().map_err(cut)?,
        sequence: input.i64().map_err(cut)?,
    };
    let holds = still_holds(&open_for_reading(database, options)?, &header)?;
    Ok(holds.then_some(input))
}

/// Calls `f` with every value of the snapshot beside the SQLite file
/// `database`, if there is one and the value table is still as it has it
/// (the same database and migrations, and no value written since);
/// returns the values read, or `None` (having called `f` for none) where
/// there is no such snapshot. A snapshot found damaged part way is an
/// error, after `f` has been called for some values: the caller must then
/// throw away what it built from them. Blocks the calling thread.
pub(crate) fn read(
    database: &Path,
    options: StoreOptions,
    mut f: impl FnMut(RawValue<'_>),
) -> Result<Option<u64>> {
    let path = path_of(database);
    let damaged = |why: String| {
        StoreError::Bulk(format!(
            "the values snapshot {} is damaged: {why}",
            path.display()
        ))
    };
    let cut = |e: std::io::Error| damaged(e.to_string());
    let Some(mut input) = holding(database, options)? else {
        return Ok(None);
    };
    let mut periods: Vec<Option<String>> = Vec::new();
    let mut count: u64 = 0;
    loop {
        match input.u8().map_err(cut)? {
            PERIOD => {
                let n = usize::from(input.u16().map_err(cut)?);
                let length = usize::from(input.u8().map_err(cut)?);
                let text = std::str::from_utf8(input.take(length).map_err(cut)?)
                    .map_err(|_| damaged("a period is not text".into()))?
                    .to_owned();
                if periods.len() <= n {
                    periods.resize(n + 1, None);
                }
                periods[n] = Some(text);
            }
            VALUE => {
                let indicator = input.u32().map_err(cut)?;
                let unit = input.u32().map_err(cut)?;
                let period = usize::from(input.u16().map_err(cut)?);
                let flags = input.u8().map_err(cut)?;
                let value = input.f64().map_err(cut)?;
                let numerator = match flags & NUMERATOR {
                    0 => None,
                    _ => Some(input.f64().map_err(cut)?),
                };
                let denominator = match flags & DENOMINATOR {
                    0 => None,
                    _ => Some(input.f64().map_err(cut)?),
                };
                let note = match flags & NOTE {
                    0 => None,
                    _ => {
                        let length = input.u32().map_err(cut)?;
                        let length = usize::try_from(length)
                            .ok()
                            .filter(|n| *n <= LONGEST_NOTE)
                            .ok_or_else(|| damaged("a note is longer than any written".into()))?;
                        Some(
                            std::str::from_utf8(input.take(length).map_err(cut)?)
                                .map_err(|_| damaged("a note is not text".into()))?
                                .to_owned(),
                        )
                    }
                };
                let period = periods
                    .get(period)
                    .and_then(Option::as_deref)
                    .ok_or_else(|| damaged("a value names a period not given before it".into()))?;
                f(RawValue {
                    indicator_id: i64::from(indicator),
                    org_unit_id: i64::from(unit),
                    period,
                    value,
                    numerator,
                    denominator,
                    note: note.as_deref(),
                    approved: flags & APPROVED != 0,
                });
                count += 1;
            }
            END => {
                let values = input.u64().map_err(cut)?;
                let computed = input.checksum();
                let stored = input.u32().map_err(cut)?;
                if values != count {
                    return Err(damaged(format!(
                        "it says {values} values but holds {count}"
                    )));
                }
                if stored != computed {
                    return Err(damaged("its checksum does not match what it holds".into()));
                }
                if !input.at_end().map_err(cut)? {
                    return Err(damaged("there is more after its end".into()));
                }
                return Ok(Some(count));
            }
            other => return Err(damaged(format!("a record of an unknown kind ({other})"))),
        }
    }
}

/// A writer that keeps a CRC-32 of everything put through it, and the first
/// error, so records are written without a check at every field.
struct Checked<W: Write> {
    inner: W,
    crc: crc32fast::Hasher,
    failed: Option<std::io::Error>,
}

impl<W: Write> Checked<W> {
    fn new(inner: W) -> Self {
        Checked {
            inner,
            crc: crc32fast::Hasher::new(),
            failed: None,
        }
    }

    fn put(&mut self, bytes: &[u8]) {
        if self.failed.is_none() {
            self.crc.update(bytes);
            if let Err(e) = self.inner.write_all(bytes) {
                self.failed = Some(e);
            }
        }
    }

    fn finish(self) -> std::io::Result<W> {
        match self.failed {
            Some(e) => Err(e),
            None => Ok(self.inner),
        }
    }
}

/// A buffered reader of the snapshot that keeps a CRC-32 of what it has
/// handed out, a buffer at a time rather than a field at a time.
struct Input {
    file: File,
    buffer: Vec<u8>,
    /// Handed out up to here; read from the file up to `filled`.
    at: usize,
    filled: usize,
    /// Counted in the CRC up to here.
    counted: usize,
    crc: crc32fast::Hasher,
}

impl Input {
    fn new(file: File) -> Self {
        Input {
            file,
            buffer: vec![0; 1 << 20],
            at: 0,
            filled: 0,
            counted: 0,
            crc: crc32fast::Hasher::new(),
        }
    }

    /// The next `n` bytes.
    fn take(&mut self, n: usize) -> std::io::Result<&[u8]> {
        if self.filled - self.at < n {
            self.refill(n)?;
        }
        let start = self.at;
        self.at += n;
        Ok(&self.buffer[start..self.at])
    }

    /// Counts what was handed out, keeps what was not, and reads until `n`
    /// bytes are waiting.
    fn refill(&mut self, n: usize) -> std::io::Result<()> {
        self.crc.update(&self.buffer[self.counted..self.at]);
        self.buffer.copy_within(self.at..self.filled, 0);
        self.filled -= self.at;
        self.at = 0;
        self.counted = 0;
        if self.buffer.len() < n {
            self.buffer.resize(n, 0);
        }
        while self.filled < n {
            let read = self.file.read(&mut self.buffer[self.filled..])?;
            if read == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            self.filled += read;
        }
        Ok(())
    }

    /// The CRC-32 of everything handed out so far.
    fn checksum(&mut self) -> u32 {
        self.crc.update(&self.buffer[self.counted..self.at]);
        self.counted = self.at;
        self.crc.clone().finalize()
    }

    /// Whether nothing is left.
    fn at_end(&mut self) -> std::io::Result<bool> {
        Ok(self.at == self.filled && self.file.read(&mut [0u8; 1])? == 0)
    }

    fn array<const N: usize>(&mut self) -> std::io::Result<[u8; N]> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn u8(&mut self) -> std::io::Result<u8> {
        Ok(self.array::<1>()?[0])
    }

    fn u16(&mut self) -> std::io::Result<u16> {
        self.array().map(u16::from_le_bytes)
    }

    fn u32(&mut self) -> std::io::Result<u32> {
        self.array().map(u32::from_le_bytes)
    }

    fn u64(&mut self) -> std::io::Result<u64> {
        self.array().map(u64::from_le_bytes)
    }

    fn i64(&mut self) -> std::io::Result<i64> {
        self.array().map(i64::from_le_bytes)
    }

    fn f64(&mut self) -> std::io::Result<f64> {
        self.array().map(f64::from_le_bytes)
    }
}
