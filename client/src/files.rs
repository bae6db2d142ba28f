//! Small local files kept beside the keystore (the rotation journal, the
//! contacts), and the keystore itself: written owner-only and atomically,
//! changed under an exclusive lock.

use std::{
	ffi::OsString,
	fs::File,
	io::{self, Write},
	path::{Path, PathBuf},
};

/// `path` with `suffix` appended to its file name: `alice.json` and
/// `.rotation.json` give `alice.json.rotation.json`, never the file of
/// another keystore that differs only in its extension.
pub fn beside(path: &Path, suffix: &str) -> PathBuf {
	let mut name = OsString::from(path.as_os_str());
	name.push(suffix);
	PathBuf::from(name)
}

/// Replaces `path` with `bytes`: a temporary file of its own (mode 0600)
/// in the same directory, synced, then renamed over it, so a reader sees
/// the old or the new content, never a part, and two writers never share a
/// temporary file; the directory is synced too, so the new content survives
/// a crash once this returns.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
	let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
	std::fs::create_dir_all(dir)?;
	let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
	tmp.write_all(bytes)?;
	tmp.as_file().sync_all()?;
	tmp.persist(path).map_err(|e| e.error)?;
	// The rename itself survives a crash only once the directory is synced.
	File::open(dir)?.sync_all()
}

/// An exclusive lock on `<path>.lock`, held until the returned file is
/// dropped (or the process ends); waits while another process holds it.
pub fn lock(path: &Path) -> io::Result<File> {
	let file = std::fs::OpenOptions::new()
		.create(true)
		.truncate(false)
		.write(true)
		.open(beside(path, ".lock"))?;
	file.lock()?;
	Ok(file)
}
