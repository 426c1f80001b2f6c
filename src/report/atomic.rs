//! Atomic file output: write to a temporary file in the target folder, then
//! rename it over the final name, so a killed run never leaves a
//! half-written file that looks complete.
//!
//! The temporary file is created with `create_new` (`O_CREAT | O_EXCL`), so
//! a file or symlink already at its name (planted in a folder others can
//! write to) is never opened, followed or truncated: the next name is tried,
//! up to [`TEMP_ATTEMPTS`] names, then the write fails with an error.
//!
//! A long streamed file can start going to disk while it is still being
//! written ([`AtomicFile::start_writeback`]): the sync at commit then has
//! only the last part left to wait for, instead of the whole file.

use super::ReportError;
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// A file being written; call [`AtomicFile::commit`] to publish it. Dropping
/// it without committing removes the temporary file.
pub struct AtomicFile {
    tmp: PathBuf,
    dest: PathBuf,
    writer: Option<BufWriter<File>>,
    /// The background data sync started by [`AtomicFile::start_writeback`],
    /// not yet joined.
    writeback: Option<std::thread::JoinHandle<std::io::Result<()>>>,
}

/// How many temporary names [`AtomicFile::create`] tries before giving up.
pub const TEMP_ATTEMPTS: u32 = 16;

/// The `attempt`-th temporary name for `dest`: `.<name>.tmp-<pid>`, then
/// `.<name>.tmp-<pid>-<attempt>`, beside `dest`.
fn temp_path(dest: &Path, attempt: u32) -> PathBuf {
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let pid = std::process::id();
    dest.with_file_name(match attempt {
        0 => format!(".{name}.tmp-{pid}"),
        n => format!(".{name}.tmp-{pid}-{n}"),
    })
}

impl AtomicFile {
    /// Create a new temporary file beside `dest`. Never opens an existing
    /// file or follows a symlink: a taken name is skipped.
    pub fn create(dest: &Path) -> Result<AtomicFile, ReportError> {
        for attempt in 0..TEMP_ATTEMPTS {
            let tmp = temp_path(dest, attempt);
            match OpenOptions::new().write(true).create_new(true).open(&tmp) {
                Ok(f) => {
                    return Ok(AtomicFile {
                        tmp,
                        dest: dest.to_path_buf(),
                        writer: Some(BufWriter::new(f)),
                        writeback: None,
                    })
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(io_err(&tmp, e)),
            }
        }
        Err(ReportError::Other {
            path: dest.display().to_string(),
            reason: format!(
                "no free name for the temporary file: {TEMP_ATTEMPTS} names like {} already exist (left untouched)",
                temp_path(dest, 0).display()
            ),
        })
    }

    pub fn path(&self) -> &Path {
        &self.dest
    }

    /// Flush what is buffered and start syncing the file's data to disk on
    /// a background thread (`fdatasync` of a second handle to the file),
    /// while the caller goes on writing. Does nothing while the previous
    /// one is still running. The output is the same either way; the final
    /// sync at commit just has less left to do. An error of the background
    /// sync is returned by the next call or by the commit (the kernel
    /// reports a write-back error only once per open file, so it must not
    /// be dropped here).
    pub fn start_writeback(&mut self) -> Result<(), ReportError> {
        if self.writeback.as_ref().is_some_and(|h| !h.is_finished()) {
            return Ok(());
        }
        self.join_writeback()?;
        let w = self.writer.as_mut().expect("writer present until commit");
        w.flush().map_err(|e| io_err(&self.tmp, e))?;
        let f = w.get_ref().try_clone().map_err(|e| io_err(&self.tmp, e))?;
        // No thread to be had is no error: the commit syncs everything anyway.
        self.writeback = std::thread::Builder::new()
            .name("framelens-sync".into())
            .spawn(move || f.sync_data())
            .ok();
        Ok(())
    }

    /// Wait for the background sync, if any, and return its error.
    fn join_writeback(&mut self) -> Result<(), ReportError> {
        match self.writeback.take() {
            Some(h) => h
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p))
                .map_err(|e| io_err(&self.tmp, e)),
            None => Ok(()),
        }
    }

    /// Flush and sync to disk, without publishing yet.
    fn sync(&mut self) -> Result<(), ReportError> {
        self.join_writeback()?;
        let w = self.writer.as_mut().expect("writer present until commit");
        w.flush().map_err(|e| io_err(&self.tmp, e))?;
        w.get_ref().sync_all().map_err(|e| io_err(&self.tmp, e))
    }

    /// Close a file [`AtomicFile::sync`] has synced (nothing written since)
    /// and rename it into place.
    fn publish(mut self) -> Result<(), ReportError> {
        let w = self.writer.take().expect("writer present until commit");
        let f = w
            .into_inner()
            .map_err(|e| io_err(&self.tmp, e.into_error()))?;
        drop(f);
        std::fs::rename(&self.tmp, &self.dest).map_err(|e| io_err(&self.dest, e))
    }

    /// [`AtomicFile::commit`] several files: flush and sync them all at the
    /// same time (a thread each, so their waits for the disk overlap instead
    /// of adding up), then rename them into place in the order given. If a
    /// sync fails, no file is published.
    pub fn commit_all(mut files: Vec<AtomicFile>) -> Result<(), ReportError> {
        let synced: Vec<Result<(), ReportError>> = std::thread::scope(|s| {
            let jobs: Vec<_> = files.iter_mut().map(|f| s.spawn(|| f.sync())).collect();
            jobs.into_iter()
                .map(|j| j.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                .collect()
        });
        synced.into_iter().collect::<Result<Vec<()>, _>>()?;
        // Each file is synced and written no more: no second sync (each
        // would wait for a journal commit of the renames before it).
        files.into_iter().try_for_each(AtomicFile::publish)
    }

    /// Flush, sync and rename into place.
    pub fn commit(mut self) -> Result<(), ReportError> {
        self.sync()?;
        self.publish()
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.writer
            .as_mut()
            .expect("writer present until commit")
            .write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.writer
            .as_mut()
            .expect("writer present until commit")
            .flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.writer.is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Write a whole file atomically.
pub fn write_file(dest: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    let mut f = AtomicFile::create(dest)?;
    f.write_all(bytes).map_err(|e| io_err(dest, e))?;
    f.commit()
}

pub(crate) fn io_err(p: &Path, source: std::io::Error) -> ReportError {
    ReportError::Io {
        path: p.display().to_string(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_all_publishes_every_file_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let files: Vec<AtomicFile> = (0..5)
            .map(|i| {
                let mut f = AtomicFile::create(&dir.path().join(format!("f{i}.csv"))).unwrap();
                write!(f, "file {i}").unwrap();
                f
            })
            .collect();
        AtomicFile::commit_all(files).unwrap();
        let mut names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["f0.csv", "f1.csv", "f2.csv", "f3.csv", "f4.csv"]);
        for i in 0..5 {
            let text = std::fs::read_to_string(dir.path().join(format!("f{i}.csv"))).unwrap();
            assert_eq!(text, format!("file {i}"));
        }
        AtomicFile::commit_all(Vec::new()).unwrap();
    }

    #[test]
    fn writeback_while_writing_keeps_every_byte() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("long.csv");
        let mut f = AtomicFile::create(&dest).unwrap();
        let mut expected = Vec::new();
        for i in 0..200 {
            let line = format!("row {i},{}\n", "x".repeat(i * 37 % 5000));
            f.write_all(line.as_bytes()).unwrap();
            expected.extend_from_slice(line.as_bytes());
            if i % 7 == 0 {
                f.start_writeback().unwrap();
            }
        }
        f.start_writeback().unwrap();
        AtomicFile::commit_all(vec![f]).unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), expected);
        // Dropped unfinished with a sync still running: no file is left.
        let mut g = AtomicFile::create(&dest.with_file_name("gone.csv")).unwrap();
        g.write_all(b"a,b\n").unwrap();
        g.start_writeback().unwrap();
        drop(g);
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("long.csv")]);
    }

    #[test]
    fn writes_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out.csv");
        write_file(&dest, b"a,b\n").unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"a,b\n");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("out.csv")]);
    }

    #[test]
    fn a_file_at_the_temporary_name_is_not_clobbered() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out.csv");
        let planted = temp_path(&dest, 0);
        std::fs::write(&planted, b"someone else's").unwrap();
        write_file(&dest, b"ours").unwrap();
        assert_eq!(std::fs::read(&planted).unwrap(), b"someone else's");
        assert_eq!(std::fs::read(&dest).unwrap(), b"ours");
    }

    #[cfg(unix)]
    #[test]
    fn issue7_planted_symlink_at_the_temporary_name_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let victim = outside.path().join("victim.txt");
        std::fs::write(&victim, b"precious").unwrap();
        let dangling = outside.path().join("not-yet.txt");
        let dest = dir.path().join("articles.csv");
        // Symlinks at the first names the writer tries: one to an existing
        // file, one dangling (following it would create a file outside).
        std::os::unix::fs::symlink(&victim, temp_path(&dest, 0)).unwrap();
        std::os::unix::fs::symlink(&dangling, temp_path(&dest, 1)).unwrap();

        let mut f = AtomicFile::create(&dest).unwrap();
        f.write_all(b"article_id\n").unwrap();
        f.commit().unwrap();

        assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
        assert!(!dangling.exists(), "dangling symlink was followed");
        assert_eq!(std::fs::read(&dest).unwrap(), b"article_id\n");
        assert!(!std::fs::symlink_metadata(&dest).unwrap().is_symlink());
        for attempt in [0, 1] {
            let p = temp_path(&dest, attempt);
            assert!(std::fs::symlink_metadata(&p).unwrap().is_symlink());
        }
        // A writer dropped without committing removes only its own file.
        let g = AtomicFile::create(&dest).unwrap();
        drop(g);
        assert!(std::fs::symlink_metadata(temp_path(&dest, 0)).is_ok());
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
    }

    #[cfg(unix)]
    #[test]
    fn issue7_every_temporary_name_taken_is_an_error_not_a_write() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let victim = outside.path().join("victim.txt");
        std::fs::write(&victim, b"precious").unwrap();
        let dest = dir.path().join("report.html");
        for attempt in 0..TEMP_ATTEMPTS {
            std::os::unix::fs::symlink(&victim, temp_path(&dest, attempt)).unwrap();
        }
        let err = write_file(&dest, b"<html>").unwrap_err().to_string();
        assert!(err.contains("report.html"), "{err}");
        assert!(err.contains("temporary"), "{err}");
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
        assert!(!dest.exists());
    }
}
