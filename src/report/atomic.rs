//! Atomic file output: write to a temporary file in the target folder, then
//! rename it over the final name, so a killed run never leaves a
//! half-written file that looks complete.

use super::ReportError;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// A file being written; call [`AtomicFile::commit`] to publish it. Dropping
/// it without committing removes the temporary file.
pub struct AtomicFile {
    tmp: PathBuf,
    dest: PathBuf,
    writer: Option<BufWriter<File>>,
}

impl AtomicFile {
    pub fn create(dest: &Path) -> Result<AtomicFile, ReportError> {
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = dest.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
        let f = File::create(&tmp).map_err(|e| io_err(&tmp, e))?;
        Ok(AtomicFile {
            tmp,
            dest: dest.to_path_buf(),
            writer: Some(BufWriter::new(f)),
        })
    }

    pub fn path(&self) -> &Path {
        &self.dest
    }

    /// Flush, sync and rename into place.
    pub fn commit(mut self) -> Result<(), ReportError> {
        let w = self.writer.take().expect("writer present until commit");
        let f = w
            .into_inner()
            .map_err(|e| io_err(&self.tmp, e.into_error()))?;
        f.sync_all().map_err(|e| io_err(&self.tmp, e))?;
        drop(f);
        std::fs::rename(&self.tmp, &self.dest).map_err(|e| io_err(&self.dest, e))
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
