//! How far a long transfer got, for a front end to show: the CLI draws a
//! bar on the terminal, the portal reports it to the page. The library only
//! counts bytes.

use std::{io::Read, sync::Arc};

/// Told about each transfer of a record's bytes: encryption on the way into
/// IPFS, decryption on the way out. One transfer at a time per session.
pub trait Progress: Send + Sync {
	/// A transfer of `total` bytes named `label` ("encrypt", "decrypt") starts.
	fn start(&self, label: &'static str, total: u64);
	/// `bytes` more went through.
	fn advance(&self, bytes: u64);
	/// The transfer ended, done or failed.
	fn finish(&self);
}

/// A reader that reports each read to a [`Progress`], from its creation
/// (start) to its drop (finish).
pub(crate) struct Reported<R> {
	inner: R,
	progress: Option<Arc<dyn Progress>>,
}

impl<R> Reported<R> {
	pub(crate) fn new(
		inner: R,
		progress: Option<Arc<dyn Progress>>,
		label: &'static str,
		total: u64,
	) -> Self {
		if let Some(p) = &progress {
			p.start(label, total);
		}
		Reported { inner, progress }
	}
}

impl<R: Read> Read for Reported<R> {
	fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
		let n = self.inner.read(buf)?;
		if let Some(p) = &self.progress {
			p.advance(n as u64);
		}
		Ok(n)
	}
}

impl<R> Drop for Reported<R> {
	fn drop(&mut self) {
		if let Some(p) = &self.progress {
			p.finish();
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use std::sync::Mutex;

	#[derive(Default)]
	struct Log(Mutex<Vec<String>>);

	impl Progress for Log {
		fn start(&self, label: &'static str, total: u64) {
			self.0.lock().unwrap().push(format!("start {label} {total}"));
		}
		fn advance(&self, bytes: u64) {
			self.0.lock().unwrap().push(format!("+{bytes}"));
		}
		fn finish(&self) {
			self.0.lock().unwrap().push("finish".into());
		}
	}

	#[test]
	fn reports_every_read_between_start_and_finish() {
		let log = Arc::new(Log::default());
		let mut reader = Reported::new(&[7u8; 10][..], Some(log.clone()), "encrypt", 10);
		let mut buf = [0u8; 4];
		while reader.read(&mut buf).unwrap() > 0 {}
		drop(reader);
		let seen = log.0.lock().unwrap().clone();
		assert_eq!(seen, ["start encrypt 10", "+4", "+4", "+2", "+0", "finish"]);
	}
}
