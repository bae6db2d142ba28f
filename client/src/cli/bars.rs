//! Progress bars on stderr for the library's long transfers.

use ehr::progress::Progress;
use indicatif::{ProgressBar, ProgressStyle};
use std::sync::Mutex;

/// Transfers at least this large get a bar (when stderr is a terminal).
const THRESHOLD: u64 = 4 * 1024 * 1024;

/// The bar of the transfer under way, if it is large enough to draw.
#[derive(Default)]
pub struct Bars(Mutex<Option<ProgressBar>>);

impl Bars {
	fn bar(&self) -> std::sync::MutexGuard<'_, Option<ProgressBar>> {
		// A panic while drawing leaves only a bar behind: draw on.
		self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
	}
}

impl Progress for Bars {
	fn start(&self, label: &'static str, total: u64) {
		if total < THRESHOLD {
			return;
		}
		let bar = ProgressBar::new(total).with_message(label);
		bar.set_style(
			ProgressStyle::with_template(
				"{msg:>10} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
			)
			.expect("valid template")
			.progress_chars("=> "),
		);
		*self.bar() = Some(bar);
	}

	fn advance(&self, bytes: u64) {
		if let Some(bar) = &*self.bar() {
			bar.inc(bytes);
		}
	}

	fn finish(&self) {
		if let Some(bar) = self.bar().take() {
			bar.finish_and_clear();
		}
	}
}
