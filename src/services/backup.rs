//! Backups of the database: consistent online copies, verified, written
//! atomically; kept under `daily/` (pruned to the last N) and `yearly/` (the
//! first backup of each year, kept for good); restored only after checking.
//!
//! A backup is written as a hidden `.*.partial` file (mode 0600), fsynced,
//! checked (readable throughout, and the row count of every table against the
//! snapshot it was copied from; on SQLite also `PRAGMA integrity_check`),
//! optionally compressed with zstd, then renamed into place; a JSON manifest
//! beside it records what was checked. A failed or interrupted backup never
//! leaves a file that looks complete.
//!
//! On SQLite a backup is a database file (`.db`, `.db.zst`); on PostgreSQL it
//! is a `pg_dump` custom-format archive (`.dump`, compressed by pg_dump) of one
//! snapshot, checked by reading it back with `pg_restore`.

use super::{App, Error, Progress, Result};
use crate::config::Compression;
use crate::store::{Backend, BackupFormat, Verification};
use chrono::{DateTime, Datelike, NaiveDateTime, Utc};
use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

const PREFIX: &str = "helpdesk-";
const STAMP: &str = "%Y%m%d-%H%M%S";

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Daily,
    Yearly,
}

/// What is recorded beside each backup.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Manifest {
    pub file: String,
    pub taken_at: DateTime<Utc>,
    pub database: String,
    pub verified: bool,
    pub integrity: String,
    pub rows: BTreeMap<String, i64>,
    pub schema_version: i64,
    pub compressed: bool,
    pub size: u64,
}

/// One backup file found in the backup directory.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Entry {
    pub path: PathBuf,
    pub kind: Kind,
    pub taken_at: DateTime<Utc>,
    pub size: u64,
    /// From the manifest; `None` when there is none.
    pub verified: Option<bool>,
}

/// What a backup produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taken {
    pub daily: Entry,
    /// Set when this was the first backup of its year.
    pub yearly: Option<Entry>,
    pub manifest: Manifest,
}

fn io(what: &str, path: &Path, e: std::io::Error) -> Error {
    let hint = match e.kind() {
        std::io::ErrorKind::PermissionDenied => "; check the permissions or set HELPDESK_BACKUP_DIR",
        std::io::ErrorKind::StorageFull => "; free some space",
        _ => "",
    };
    Error::Invalid(format!("cannot {what} {}: {e}{hint}", path.display()))
}

/// Creates `dir` (owner-only) if needed and checks it can be written to.
fn ready_dir(dir: &Path) -> Result<()> {
    fs::create_dir_all(dir).map_err(|e| io("create the backup directory", dir, e))?;
    let probe = dir.join(".helpdesk-write-test");
    fs::write(&probe, b"").map_err(|e| io("write to the backup directory", dir, e))?;
    let _ = fs::remove_file(&probe);
    Ok(())
}

fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Creates an empty file readable by the owner only.
fn private_file(path: &Path) -> Result<fs::File> {
    fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path).map_err(|e| io("create", path, e))
}

fn fsync(path: &Path) -> Result<()> {
    fs::File::open(path).and_then(|f| f.sync_all()).map_err(|e| io("sync", path, e))
}

/// Removes a half-made file when dropped, unless disarmed.
struct Partial(Option<PathBuf>);

impl Partial {
    fn done(mut self) {
        self.0 = None;
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = fs::remove_file(p);
        }
    }
}

fn file_stamp(name: &str) -> Option<DateTime<Utc>> {
    let rest = name.strip_prefix(PREFIX)?;
    let stamp = rest.get(..15)?;
    NaiveDateTime::parse_from_str(stamp, STAMP).ok().map(|t| t.and_utc())
}

fn is_backup_name(name: &str) -> bool {
    !name.starts_with('.')
        && (name.ends_with(".db") || name.ends_with(".db.zst") || name.ends_with(".dump"))
        && file_stamp(name).is_some()
}

/// The tables whose row counts differ, as `table: N rows copied, M in the database`.
fn count_differences(copied: &BTreeMap<String, i64>, expected: &BTreeMap<String, i64>) -> String {
    let tables: std::collections::BTreeSet<&String> = copied.keys().chain(expected.keys()).collect();
    let n = |m: &BTreeMap<String, i64>, t: &String| m.get(t).map_or("no".to_string(), |n| n.to_string());
    tables
        .into_iter()
        .filter(|t| copied.get(*t) != expected.get(*t))
        .map(|t| format!("{t}: {} rows copied, {} in the database", n(copied, t), n(expected, t)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Takes a backup now; `verify` false skips the checks: the integrity check and the row counts of the copy.
pub fn take(app: &App, verify: bool, progress: &dyn Progress) -> Result<Taken> {
    let format = match app.store.backend() {
        Backend::Sqlite => BackupFormat::Sqlite,
        Backend::Postgres => BackupFormat::PgDump,
    };
    let now = app.now();
    let root = &app.settings.backup.dir;
    let daily = root.join("daily");
    let yearly = root.join("yearly");
    ready_dir(&daily)?;
    ready_dir(&yearly)?;
    // A pg_dump archive is compressed already.
    let compress = format == BackupFormat::Sqlite && app.settings.backup.compress == Compression::Zstd;
    let ext = match format {
        BackupFormat::PgDump => "dump",
        BackupFormat::Sqlite if compress => "db.zst",
        BackupFormat::Sqlite => "db",
    };
    let stamp = now.format(STAMP).to_string();
    let raw_ext = if format == BackupFormat::Sqlite { "db" } else { "dump" };
    let raw_of = |name: &str| daily.join(format!(".{name}.partial.{raw_ext}"));
    let packed_of = |name: &str| daily.join(format!(".{name}.partial"));
    // A name nobody uses, finished or not: a backup killed in this very
    // second left its partial files behind.
    let taken = |name: &str| daily.join(name).exists() || raw_of(name).exists() || packed_of(name).exists();
    let mut name = format!("{PREFIX}{stamp}.{ext}");
    let mut n = 2;
    while taken(&name) {
        name = format!("{PREFIX}{stamp}-{n}.{ext}");
        n += 1;
    }
    progress.start("backup", None);
    let raw = raw_of(&name);
    // Made before its guard: a file someone else made is never ours to remove.
    drop(private_file(&raw)?);
    let raw_guard = Partial(Some(raw.clone()));
    let rows = app.store.backup_to(&raw, verify)?;
    progress.advance(1);
    let check = if verify {
        let check = format.verify(&raw, true)?;
        if !check.ok() {
            return Err(Error::Invalid(format!(
                "the backup failed its integrity check ({}); nothing was kept",
                check.integrity
            )));
        }
        if check.rows != rows {
            return Err(Error::Invalid(format!(
                "the backup's row counts differ from the database's snapshot ({}); nothing was kept",
                count_differences(&check.rows, &rows)
            )));
        }
        check
    } else {
        Verification {
            integrity: "not checked".into(),
            rows: BTreeMap::new(),
            schema_version: app.store.schema()?.applied.iter().map(|m| m.version).max().unwrap_or(0),
        }
    };
    fsync(&raw)?;
    let (ready, ready_guard) = if compress {
        let packed = packed_of(&name);
        let mut out = private_file(&packed)?;
        let guard = Partial(Some(packed.clone()));
        let mut input = fs::File::open(&raw).map_err(|e| io("read", &raw, e))?;
        zstd::stream::copy_encode(&mut input, &mut out, 3).map_err(|e| io("compress", &packed, e))?;
        out.flush().and_then(|_| out.sync_all()).map_err(|e| io("sync", &packed, e))?;
        drop(raw_guard);
        (packed, guard)
    } else {
        (raw, raw_guard)
    };
    let final_path = daily.join(&name);
    fs::rename(&ready, &final_path).map_err(|e| io("finish", &final_path, e))?;
    ready_guard.done();
    sync_dir(&daily);
    let size = fs::metadata(&final_path).map(|m| m.len()).unwrap_or(0);
    let manifest = Manifest {
        file: name.clone(),
        taken_at: now,
        database: app.store.location(),
        verified: verify && check.ok(),
        integrity: check.integrity.clone(),
        rows,
        schema_version: check.schema_version,
        compressed: compress,
        size,
    };
    write_manifest(&final_path, &manifest)?;
    let daily_entry =
        Entry { path: final_path.clone(), kind: Kind::Daily, taken_at: now, size, verified: Some(manifest.verified) };
    // The first backup of each year is also kept in yearly/ for good.
    let year = format!("{PREFIX}{}", now.year());
    let have_year = fs::read_dir(&yearly).map_err(|e| io("read", &yearly, e))?.filter_map(|e| e.ok()).any(|e| {
        e.file_name().to_string_lossy().starts_with(&year) && is_backup_name(&e.file_name().to_string_lossy())
    });
    let yearly_entry = if have_year {
        None
    } else {
        // A finished backup never changes: a hard link keeps it for good at no cost
        // (a copy when yearly/ is on another file system).
        let tmp = yearly.join(format!(".{name}.partial"));
        let guard = Partial(Some(tmp.clone()));
        if fs::hard_link(&final_path, &tmp).is_err() {
            let mut out = private_file(&tmp)?;
            let mut input = fs::File::open(&final_path).map_err(|e| io("read", &final_path, e))?;
            std::io::copy(&mut input, &mut out).map_err(|e| io("copy to", &tmp, e))?;
            out.sync_all().map_err(|e| io("sync", &tmp, e))?;
        }
        let target = yearly.join(&name);
        fs::rename(&tmp, &target).map_err(|e| io("finish", &target, e))?;
        guard.done();
        sync_dir(&yearly);
        write_manifest(&target, &manifest)?;
        Some(Entry { path: target, kind: Kind::Yearly, taken_at: now, size, verified: Some(manifest.verified) })
    };
    progress.finish();
    Ok(Taken { daily: daily_entry, yearly: yearly_entry, manifest })
}

fn manifest_path(backup: &Path) -> PathBuf {
    let mut name = backup.file_name().unwrap_or_default().to_os_string();
    name.push(".json");
    backup.with_file_name(name)
}

fn write_manifest(backup: &Path, manifest: &Manifest) -> Result<()> {
    let path = manifest_path(backup);
    let tmp = path.with_extension("json.partial");
    let json = serde_json::to_vec_pretty(manifest).expect("manifests serialise");
    let mut f = private_file(&tmp)?;
    f.write_all(&json).and_then(|_| f.sync_all()).map_err(|e| io("write", &tmp, e))?;
    fs::rename(&tmp, &path).map_err(|e| io("finish", &path, e))
}

fn read_manifest(backup: &Path) -> Option<Manifest> {
    serde_json::from_slice(&fs::read(manifest_path(backup)).ok()?).ok()
}

/// Every backup in the directory, newest first.
pub fn list(app: &App) -> Result<Vec<Entry>> {
    let root = &app.settings.backup.dir;
    let mut out = Vec::new();
    for (kind, dir) in [(Kind::Daily, root.join("daily")), (Kind::Yearly, root.join("yearly"))] {
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        for e in entries.filter_map(|e| e.ok()) {
            let name = e.file_name().to_string_lossy().to_string();
            if !is_backup_name(&name) {
                continue;
            }
            let path = e.path();
            let manifest = read_manifest(&path);
            out.push(Entry {
                taken_at: manifest.as_ref().map(|m| m.taken_at).or_else(|| file_stamp(&name)).unwrap_or_default(),
                size: e.metadata().map(|m| m.len()).unwrap_or(0),
                verified: manifest.map(|m| m.verified),
                kind,
                path,
            });
        }
    }
    out.sort_by(|a, b| b.taken_at.cmp(&a.taken_at).then(a.path.cmp(&b.path)));
    Ok(out)
}

/// Removes all but the newest `keep` daily backups (yearly ones stay), and
/// partial files older than a day; returns what was (or would be) removed.
pub fn prune(app: &App, keep: u32, dry_run: bool) -> Result<Vec<PathBuf>> {
    let mut removed = Vec::new();
    let daily: Vec<Entry> = list(app)?.into_iter().filter(|e| e.kind == Kind::Daily).collect();
    for e in daily.into_iter().skip(keep as usize) {
        if !dry_run {
            fs::remove_file(&e.path).map_err(|err| io("remove", &e.path, err))?;
            let _ = fs::remove_file(manifest_path(&e.path));
        }
        removed.push(e.path);
    }
    let stale = std::time::SystemTime::now() - std::time::Duration::from_secs(24 * 3600);
    for dir in ["daily", "yearly"] {
        let Ok(entries) = fs::read_dir(app.settings.backup.dir.join(dir)) else { continue };
        for e in entries.filter_map(|e| e.ok()) {
            let name = e.file_name().to_string_lossy().to_string();
            let old = e.metadata().and_then(|m| m.modified()).is_ok_and(|t| t < stale);
            if name.starts_with('.') && name.contains(".partial") && old {
                if !dry_run {
                    let _ = fs::remove_file(e.path());
                }
                removed.push(e.path());
            }
        }
    }
    Ok(removed)
}

/// Checks a backup file (decompressing it if needed, into a temporary file).
pub fn check(file: &Path) -> Result<(Verification, Option<Manifest>)> {
    let (plain, format) = open_backup(file)?;
    let v = format.verify(plain.path(), true)?;
    Ok((v, read_manifest(file)))
}

/// A plain SQLite file to read: the file itself, or a decompressed temporary copy.
enum Plain {
    Original(PathBuf),
    Unpacked(tempfile::NamedTempFile),
}

impl Plain {
    fn path(&self) -> &Path {
        match self {
            Plain::Original(p) => p,
            Plain::Unpacked(t) => t.path(),
        }
    }
}

fn unpack(file: &Path) -> Result<Plain> {
    let mut input = fs::File::open(file).map_err(|e| io("read", file, e))?;
    let mut magic = [0u8; 4];
    use std::io::Read;
    let is_zstd = input.read(&mut magic).map(|n| n == 4 && magic == [0x28, 0xb5, 0x2f, 0xfd]).unwrap_or(false);
    if !is_zstd {
        return Ok(Plain::Original(file.to_path_buf()));
    }
    let input = fs::File::open(file).map_err(|e| io("read", file, e))?;
    let mut tmp =
        tempfile::NamedTempFile::new().map_err(|e| Error::Invalid(format!("cannot make a temporary file: {e}")))?;
    zstd::stream::copy_decode(input, tmp.as_file_mut())
        .map_err(|e| Error::Invalid(format!("{} is not a readable zstd backup: {e}", file.display())))?;
    Ok(Plain::Unpacked(tmp))
}

/// The backup to read, decompressed, and what kind it is.
fn open_backup(file: &Path) -> Result<(Plain, BackupFormat)> {
    if !file.is_file() {
        return Err(Error::Invalid(format!("{} is not a file; see `helpdesk backup list`", file.display())));
    }
    let plain = unpack(file)?;
    let mut head = [0u8; 16];
    let n = {
        use std::io::Read;
        let mut f = fs::File::open(plain.path()).map_err(|e| io("read", file, e))?;
        f.read(&mut head).map_err(|e| io("read", file, e))?
    };
    let format = BackupFormat::of(&head[..n]).ok_or_else(|| {
        Error::Invalid(format!(
            "{} is not a helpdesk backup (neither a SQLite database nor a pg_dump archive); nothing was changed",
            file.display()
        ))
    })?;
    Ok((plain, format))
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// Where the database as it was before is kept.
    pub aside: PathBuf,
    pub verification: Verification,
}

/// Restores `file` over the database after checking it; the current database
/// is kept aside first under a dated name (beside a SQLite file; on
/// PostgreSQL, as a dump under `BACKUP_DIR/before-restore/`). Refuses while
/// `serve` holds the database unless `force`.
pub fn restore(app: &App, file: &Path, force: bool) -> Result<Restored> {
    let (plain, format) = open_backup(file)?;
    let backend = app.store.backend();
    if format.backend() != backend {
        let (is, db) = match format {
            BackupFormat::Sqlite => ("a SQLite backup", "PostgreSQL"),
            BackupFormat::PgDump => ("a PostgreSQL dump", "SQLite"),
        };
        let hint = if format == BackupFormat::Sqlite {
            "; to move SQLite data to PostgreSQL use `helpdesk migrate --from sqlite:FILE --to postgres://...`"
        } else {
            "; restore it into a PostgreSQL database (HELPDESK_DATABASE_URL=postgres://...)"
        };
        return Err(Error::Invalid(format!(
            "{} is {is} but the database is {db}; nothing was changed{hint}",
            file.display()
        )));
    }
    if app.store.served()? && !force {
        return Err(Error::Conflict(
            "a helpdesk serve process is using the database; stop it first (e.g. systemctl stop helpdesk), or pass --force".into(),
        ));
    }
    let verification = format.verify(plain.path(), true).map_err(|e| match e {
        crate::store::StoreError::Corrupt { message, .. } => {
            Error::Invalid(format!("{} is not a usable backup ({message}); nothing was changed", file.display()))
        }
        other => Error::from(other),
    })?;
    if !verification.ok() {
        return Err(Error::Invalid(format!(
            "{} is damaged (integrity check: {}); nothing was changed",
            file.display(),
            verification.integrity
        )));
    }
    if let Some(m) = read_manifest(file)
        && m.verified
        && m.rows != verification.rows
    {
        return Err(Error::Invalid(format!(
            "{} does not hold what its manifest says it was backed up with; nothing was changed",
            file.display()
        )));
    }
    let stamp = app.now().format(STAMP);
    let (dir, base) = match app.store.file_path() {
        Some(db_path) => (
            db_path.parent().map(Path::to_path_buf).unwrap_or_default(),
            format!("{}.before-restore-{stamp}", db_path.file_name().unwrap_or_default().to_string_lossy()),
        ),
        None => {
            let dir = app.settings.backup.dir.join("before-restore");
            ready_dir(&dir)?;
            (dir, format!("{PREFIX}{stamp}.dump"))
        }
    };
    let mut aside = dir.join(&base);
    let mut n = 2;
    while aside.exists() {
        aside = dir.join(format!("{base}-{n}"));
        n += 1;
    }
    drop(private_file(&aside)?);
    let aside_guard = Partial(Some(aside.clone()));
    app.store.backup_to(&aside, false)?;
    fsync(&aside)?;
    aside_guard.done();
    app.store.restore_from(plain.path())?;
    Ok(Restored { aside, verification })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_differences_name_each_table_that_differs() {
        let m = |pairs: &[(&str, i64)]| pairs.iter().map(|(t, n)| (t.to_string(), *n)).collect::<BTreeMap<_, _>>();
        let copied = m(&[("logs", 5), ("requests", 10), ("users", 3)]);
        let expected = m(&[("branches", 2), ("logs", 5), ("requests", 11), ("users", 3)]);
        assert_eq!(
            count_differences(&copied, &expected),
            "branches: no rows copied, 2 in the database, requests: 10 rows copied, 11 in the database"
        );
        assert_eq!(count_differences(&copied, &copied), "");
    }
}
