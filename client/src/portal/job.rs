//! Uploads and downloads run as the session's job, not inside the request:
//! the browser is sent to `/progress`, a page that refreshes itself every
//! two seconds (no script) and shows how far the job got, from the library's
//! progress callback, until it ends. A job goes on if the tab is closed; a
//! download ends with a Save button, so the plaintext is sent once, to a
//! form carrying the session's CSRF token.

use super::{html, page, Shared, Unlocked, Viewer};
use crate::cli::error::CliError;
use axum::{
	body::Body,
	extract::State,
	http::{header, HeaderMap, HeaderValue, StatusCode},
	response::{IntoResponse, Redirect, Response},
	routing::{get, post},
	Form, Router,
};
use ehr::{progress::Progress, records::RecordId};
use futures::FutureExt;
use page::{esc, Notice};
use serde::Deserialize;
use std::{
	future::Future,
	panic::AssertUnwindSafe,
	sync::{Arc, Mutex, MutexGuard, OnceLock},
	time::Duration,
};

pub(super) fn routes() -> Router<Shared> {
	Router::new().route("/progress", get(progress)).route("/progress/save", post(save))
}

fn locked<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
	m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The session's transfers as the library reports them (one at a time:
/// jobs hold the portal's busy lock).
#[derive(Default)]
pub(super) struct Meter(Mutex<Transfer>);

#[derive(Clone, Copy, Default)]
struct Transfer {
	total: u64,
	done: u64,
	active: bool,
	/// How many transfers have ended since the session was unlocked.
	ended: u64,
}

impl Progress for Meter {
	fn start(&self, _label: &'static str, total: u64) {
		let mut t = locked(&self.0);
		(t.total, t.done, t.active) = (total, 0, true);
	}
	fn advance(&self, bytes: u64) {
		let mut t = locked(&self.0);
		t.done = t.done.saturating_add(bytes);
	}
	fn finish(&self) {
		let mut t = locked(&self.0);
		t.active = false;
		t.ended += 1;
	}
}

impl Meter {
	fn now(&self) -> Transfer {
		*locked(&self.0)
	}
}

/// What a job does, for the words its page shows.
#[derive(Clone, Copy)]
pub(super) enum Kind {
	Upload,
	Download,
}

impl Kind {
	fn title(self) -> &'static str {
		match self {
			Kind::Upload => "Uploading",
			Kind::Download => "Downloading",
		}
	}

	/// What the job is doing before, during and after its transfer.
	fn steps(self) -> [&'static str; 3] {
		match self {
			Kind::Upload => [
				"Looking up the readers' keys",
				"Encrypting and storing in IPFS",
				"Recording the record on the chain and waiting for its block",
			],
			Kind::Download => [
				"Checking your access on the chain and asking IPFS for it",
				"Fetching from IPFS and decrypting",
				"Recording your read on the chain and waiting for its block",
			],
		}
	}
}

/// How a job ended.
pub(super) enum Outcome {
	/// A change that worked: its message, shown on the page at `to`.
	Done { text: String, to: String },
	/// Why nothing was changed; `back` is the page to go back to.
	Failed { title: String, error: CliError, back: String },
	/// Version `version` of record `id`, decrypted, to save once: an
	/// unlinked file in the work directory.
	File { id: RecordId, version: u32, file: tokio::fs::File, len: u64 },
}

pub(super) struct Job {
	kind: Kind,
	/// The meter's `ended` count once the job began (it waits for the busy
	/// lock first).
	began: OnceLock<u64>,
	outcome: Mutex<Option<Outcome>>,
}

/// How long a decrypted record waits to be saved before it is discarded.
const KEEP: Duration = Duration::from_secs(600);

/// Whether `slot`'s job keeps a new one from starting: it still runs, or
/// its decrypted record waits to be saved or discarded.
fn blocks(slot: &Option<Arc<Job>>) -> bool {
	slot.as_ref()
		.is_some_and(|job| matches!(*locked(&job.outcome), None | Some(Outcome::File { .. })))
}

/// The page refusing a new job while `u`'s current one blocks it, if it does.
pub(super) fn refused(u: &Unlocked) -> Option<Response> {
	blocks(&locked(&u.job)).then(|| busy(u))
}

fn busy(u: &Unlocked) -> Response {
	html(
		StatusCode::CONFLICT,
		page::page(
			"Busy",
			Some(&u.csrf),
			Some(Notice::Error(
				"Another upload or download is under way, or its decrypted record waits to be \
				 saved or discarded: nothing was started."
					.into(),
			)),
			"<p><a href=\"/progress\">See it</a>.</p>",
		),
	)
}

/// Runs `work` as `u`'s job after the portal's other calls, and sends the
/// browser to its progress. One job at a time (see [`refused`]); a new one
/// replaces one whose end was shown or that failed.
pub(super) fn start(
	portal: &Shared,
	u: &Unlocked,
	kind: Kind,
	work: impl Future<Output = Outcome> + Send + 'static,
) -> Response {
	let job = Arc::new(Job { kind, began: OnceLock::new(), outcome: Mutex::new(None) });
	{
		let mut slot = locked(&u.job);
		if blocks(&slot) {
			return busy(u);
		}
		*slot = Some(job.clone());
	}
	// The task holds neither the session nor, once it ended, the job: after
	// Lock, the keys and a decrypted file go as soon as the work is done.
	let (portal, meter) = (portal.clone(), u.meter.clone());
	tokio::spawn(async move {
		let outcome = run(&portal.busy, &meter, &job, work).await;
		let saving = matches!(outcome, Outcome::File { .. });
		*locked(&job.outcome) = Some(outcome);
		if saving {
			let job = Arc::downgrade(&job);
			tokio::time::sleep(KEEP).await;
			if let Some(job) = job.upgrade() {
				let mut outcome = locked(&job.outcome);
				if let Some(Outcome::File { id, .. }) = *outcome {
					*outcome = Some(Outcome::Failed {
						title: format!("Record {id}"),
						error: CliError::Usage(
							"the decrypted record was not saved within 10 minutes and was \
							 discarded; download it again"
								.into(),
						),
						back: format!("/records/{id}"),
					});
				}
			}
		}
	});
	Redirect::to("/progress").into_response()
}

/// `work` after the portal's other calls, as `job`: its outcome, or a
/// failure if it panicked (a bug must not leave the job running for ever,
/// every later one refused).
async fn run(
	busy: &tokio::sync::Mutex<()>,
	meter: &Meter,
	job: &Job,
	work: impl Future<Output = Outcome>,
) -> Outcome {
	let _busy = busy.lock().await;
	let _ = job.began.set(meter.now().ended);
	AssertUnwindSafe(work).catch_unwind().await.unwrap_or_else(|_| Outcome::Failed {
		title: job.kind.title().into(),
		error: CliError::Io(std::io::Error::other(
			"the job stopped on an internal error; check the record's page for whether it \
			 was done",
		)),
		back: "/".into(),
	})
}

/// `bytes` for people: B, kB, MB, GB.
fn size(bytes: u64) -> String {
	const UNITS: [&str; 3] = ["kB", "MB", "GB"];
	if bytes < 1000 {
		return format!("{bytes} B");
	}
	let mut value = bytes as f64 / 1000.0;
	let mut unit = 0;
	// 999,950 B is "1.0 MB", not "1000.0 kB".
	while value >= 999.95 && unit + 1 < UNITS.len() {
		value /= 1000.0;
		unit += 1;
	}
	format!("{value:.1} {}", UNITS[unit])
}

/// The page of a job under way: its step, and a bar during the transfer.
fn running(kind: Kind, began: Option<u64>, now: Transfer) -> String {
	let [before, during, after] = kind.steps();
	let step = match began {
		None => "Waiting for another change in this portal to finish".to_string(),
		Some(_) if now.active => format!("{during}: {} of {}", size(now.done), size(now.total)),
		Some(began) if now.ended > began => after.to_string(),
		Some(_) => before.to_string(),
	};
	let bar = if now.active && began.is_some() {
		format!(
			"<progress id=\"bar\" max=\"{}\" value=\"{}\" aria-labelledby=\"step\"></progress>",
			now.total.max(1),
			now.done.min(now.total)
		)
	} else {
		String::new()
	};
	format!(
		"<p id=\"step\" role=\"status\">{}…</p>{bar}\
		 <p>This page refreshes itself every two seconds. You may leave it: the job goes on, \
		 and <a href=\"/progress\">this page</a> shows how it ended.</p>",
		esc(&step)
	)
}

async fn progress(State(portal): State<Shared>, Viewer(u): Viewer) -> Response {
	// The slot stays locked from reading the job to clearing it: another
	// tab's new job is never the one cleared.
	let ended = {
		let mut slot = locked(&u.job);
		let Some(job) = slot.clone() else { return Redirect::to("/").into_response() };
		let mut outcome = locked(&job.outcome);
		match &*outcome {
			None => {
				let body = running(job.kind, job.began.get().copied(), u.meter.now());
				return html(StatusCode::OK, page::refreshing(job.kind.title(), &u.csrf, &body));
			}
			Some(Outcome::File { id, version, len, .. }) => {
				let body = format!(
					"<p>Version {version} of record {id} is decrypted ({}). Save sends it \
					 to this browser once; unsaved, it is discarded after 10 minutes.</p>\
					 <form method=\"post\" action=\"/progress/save\">{}\
					 <button type=\"submit\" id=\"save\">Save {}</button> \
					 <button type=\"submit\" name=\"discard\" value=\"1\">Discard</button></form>",
					size(*len),
					page::csrf_field(&u.csrf),
					file_name(*id, *version)
				);
				return portal.show(&u, job.kind.title(), Ok(body));
			}
			Some(_) => {}
		}
		let ended = outcome.take();
		*slot = None;
		ended
	};
	match ended {
		Some(Outcome::Done { text, to }) => u.done(text, &to),
		Some(Outcome::Failed { title, error, back }) => {
			let body = format!("<p><a href=\"{}\">Back</a></p>", esc(&back));
			portal.failed(&u, &title, &error, body)
		}
		_ => Redirect::to("/").into_response(),
	}
}

fn file_name(id: RecordId, version: u32) -> String {
	format!("record-{id}-v{version}")
}

/// The Save (or Discard) form under a decrypted record.
#[derive(Deserialize)]
struct Finish {
	csrf: String,
	discard: Option<String>,
}

/// The decrypted content of the session's download, once (or nothing, if
/// discarded).
async fn save(
	State(portal): State<Shared>,
	headers: HeaderMap,
	Form(form): Form<Finish>,
) -> Response {
	let u = match portal.checked(&headers, &form.csrf).await {
		Ok(u) => u,
		Err(refused) => return refused,
	};
	let saved = {
		let mut slot = locked(&u.job);
		let ready = slot
			.as_ref()
			.is_some_and(|job| matches!(*locked(&job.outcome), Some(Outcome::File { .. })));
		if ready {
			slot.take().and_then(|job| locked(&job.outcome).take())
		} else {
			None
		}
	};
	let Some(Outcome::File { id, version, file, len }) = saved else {
		let e = CliError::Usage("there is no decrypted record to save (saved already?)".into());
		return portal.failed(&u, "Save", &e, "<p><a href=\"/\">My records</a></p>".into());
	};
	if form.discard.is_some() {
		drop(file);
		return u.done(format!("Discarded the decrypted record {id}."), &format!("/records/{id}"));
	}
	let body = Body::from_stream(tokio_util::io::ReaderStream::new(file));
	let disposition = format!("attachment; filename=\"{}\"", file_name(id, version));
	(
		[
			(header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream")),
			(header::CONTENT_LENGTH, HeaderValue::from(len)),
			(header::CONTENT_DISPOSITION, HeaderValue::from_str(&disposition).expect("ascii")),
		],
		body,
	)
		.into_response()
}

#[cfg(test)]
mod tests {
	use super::*;

	fn job() -> Arc<Job> {
		Arc::new(Job { kind: Kind::Upload, began: OnceLock::new(), outcome: Mutex::new(None) })
	}

	#[tokio::test]
	async fn a_job_that_panics_ends_failed_and_frees_the_slot() {
		let (busy, meter, job) = (tokio::sync::Mutex::new(()), Meter::default(), job());
		let slot = Some(job.clone());
		assert!(blocks(&slot), "a running job blocks the next");
		let outcome = run(&busy, &meter, &job, async { panic!("a bug") }).await;
		assert!(matches!(outcome, Outcome::Failed { .. }));
		*locked(&job.outcome) = Some(outcome);
		assert!(!blocks(&slot), "a failed job is replaced");
		assert!(busy.try_lock().is_ok(), "the busy lock is free again");
		assert_eq!(job.began.get(), Some(&0));
	}

	#[tokio::test]
	async fn a_decrypted_record_blocks_the_next_job_until_taken() {
		let job = job();
		let file = tokio::fs::File::from_std(tempfile::tempfile().unwrap());
		*locked(&job.outcome) = Some(Outcome::File { id: 3, version: 1, file, len: 0 });
		let mut slot = Some(job.clone());
		assert!(blocks(&slot));
		*locked(&job.outcome) = None;
		slot.take();
		assert!(!blocks(&slot));
	}

	#[test]
	fn sizes_read_like_people_write_them() {
		let shown: Vec<String> = [0, 999, 1000, 2900, 999_950, 1_500_000, 64_000_000_000]
			.into_iter()
			.map(size)
			.collect();
		assert_eq!(shown, ["0 B", "999 B", "1.0 kB", "2.9 kB", "1.0 MB", "1.5 MB", "64.0 GB"]);
	}

	#[test]
	fn the_page_names_the_step_and_shows_the_transfer() {
		let meter = Meter::default();
		let waiting = running(Kind::Upload, None, meter.now());
		assert!(waiting.contains("Waiting for another change") && !waiting.contains("<progress"));
		assert!(running(Kind::Upload, Some(0), meter.now()).contains("Looking up the readers"));
		meter.start("encrypt", 2_000_000);
		meter.advance(500_000);
		let during = running(Kind::Upload, Some(0), meter.now());
		assert!(during.contains("500.0 kB of 2.0 MB"), "{during}");
		assert!(during.contains("max=\"2000000\" value=\"500000\""), "{during}");
		meter.finish();
		let after = running(Kind::Download, Some(0), meter.now());
		assert!(after.contains("Recording your read") && !after.contains("<progress"));
	}
}
