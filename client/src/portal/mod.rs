//! `ehr portal`: the patient's web interface, on this machine only.
//!
//! An HTTP server on 127.0.0.1 that serves plain HTML forms. The patient
//! opens the address it prints (it carries a launch key) and unlocks the
//! keystore with its passphrase in the page; from then on the server
//! process holds the keys, decrypts and encrypts locally, and talks to the
//! node and kubo exactly as the CLI does (the same library calls). Like the
//! CLI, it only parses, calls the library and presents.
//!
//! Guards (docs/portal.md): loopback only, `Host` must name it (DNS
//! rebinding), the connection must come from the user who started the
//! portal (Linux), browser requests from other origins are refused
//! (`Sec-Fetch-Site`, `Origin`); unlocking needs the launch key and is paced
//! after failures; a session cookie plus a per-session CSRF token on every
//! form that changes or reveals anything; `no-store`, a strict CSP and no
//! framing on every response; plaintext only in a private directory (an
//! upload's spool until its job ends, a download as an unlinked open file
//! until it is saved), removed when the portal stops.

mod job;
mod page;
mod peer;
mod records;
mod upload;

use crate::cli::{context::Ctx, error::CliError};
use axum::{
	extract::{ConnectInfo, FromRequestParts, Query, Request, State},
	http::{header, request::Parts, HeaderMap, HeaderValue, Method, StatusCode},
	middleware::{self, Next},
	response::{IntoResponse, Redirect, Response},
	routing::{get, post},
	Form, Router,
};
use ehr::crypto::os_rng;
use page::Notice;
use rand_core::RngCore;
use serde::Deserialize;
use std::{
	future::IntoFuture, net::SocketAddr, os::unix::fs::MetadataExt, path::PathBuf, sync::Arc,
	time::Duration,
};
use tokio::sync::Mutex;

/// The portal's state: the CLI's settings and, once unlocked, one session.
struct Portal {
	ctx: Ctx,
	/// Where the server listens (what `Host` and `Origin` must name).
	addr: SocketAddr,
	/// The key in the printed address, without which nobody may unlock.
	launch: String,
	/// Private directory (0700) for uploads being spooled and downloads
	/// being decrypted.
	work: PathBuf,
	unlocked: Mutex<Option<Arc<Unlocked>>>,
	/// Held while a passphrase is tried; counts the failures in a row.
	unlocking: Mutex<u32>,
	/// Held by every call that submits a transaction: two at once (two
	/// tabs, a double click, a call still running across a lock and a new
	/// unlock) would pick the same nonce.
	busy: Mutex<()>,
	/// The session cookie's name: per port, so that two portals on
	/// 127.0.0.1 do not overwrite (or, locking, delete) each other's.
	cookie_name: String,
}

/// An unlocked keystore's session and the secrets that admit the browser.
struct Unlocked {
	cookie: String,
	csrf: String,
	session: ehr::records::Session,
	/// What the last change did, shown once by the page it redirected to.
	flash: std::sync::Mutex<Option<Notice>>,
	/// The session's transfers, as the library reports them.
	meter: Arc<job::Meter>,
	/// The upload or download under way, or the last one until its end is
	/// shown.
	job: std::sync::Mutex<Option<Arc<job::Job>>>,
}

impl Unlocked {
	fn take_flash(&self) -> Option<Notice> {
		self.flash.lock().unwrap_or_else(|p| p.into_inner()).take()
	}

	/// After a change that worked: remember what it did and show `to`
	/// (a reload does not repeat the change).
	fn done(&self, text: String, to: &str) -> Response {
		*self.flash.lock().unwrap_or_else(|p| p.into_inner()) = Some(Notice::Done(text));
		Redirect::to(to).into_response()
	}
}

type Shared = Arc<Portal>;

/// Serves the portal on 127.0.0.1:`port` until Ctrl-C or SIGTERM; `ready`
/// is given the address to open (with its launch key) once it listens.
pub async fn serve(ctx: Ctx, port: u16, ready: impl FnOnce(&str)) -> Result<(), CliError> {
	// The keystore must exist before anyone is invited to unlock it.
	ctx.keystore_file()?;
	let work = WorkDir::create()?;
	let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
	let addr = listener.local_addr()?;
	let portal = Arc::new(Portal {
		ctx,
		addr,
		launch: token(),
		work: work.dir.path().to_path_buf(),
		unlocked: Mutex::new(None),
		unlocking: Mutex::new(0),
		busy: Mutex::new(()),
		cookie_name: format!("ehr_portal_{}", addr.port()),
	});
	let app = Router::new()
		.route("/", get(records::list))
		.route("/style.css", get(style))
		.route("/unlock", post(unlock))
		.route("/lock", post(lock))
		.merge(records::routes())
		.merge(upload::routes())
		.merge(job::routes())
		.layer(middleware::from_fn_with_state(portal.clone(), guard))
		.with_state(portal.clone());
	ready(&format!("http://{addr}/?launch={}", portal.launch));
	let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
	let (stop, stopping) = tokio::sync::oneshot::channel::<()>();
	let server = axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
		.with_graceful_shutdown(async {
			let _ = stopping.await;
		})
		.into_future();
	tokio::pin!(server);
	tokio::select! {
		served = &mut server => served?,
		_ = signal(&mut term) => {
			// Requests and jobs under way get up to 10 s (or until a second
			// signal) to finish; then the process goes, and the work
			// directory with it.
			let _ = stop.send(());
			let finished = async {
				let _ = (&mut server).await;
				portal.busy.lock().await
			};
			// Held while the directory goes: no job queued behind it starts.
			let _idle = tokio::select! {
				idle = finished => Some(idle),
				_ = tokio::time::sleep(Duration::from_secs(10)) => None,
				_ = signal(&mut term) => None,
			};
			drop(work);
			return Ok(());
		}
	}
	drop(work);
	Ok(())
}

/// Ctrl-C or SIGTERM.
async fn signal(term: &mut tokio::signal::unix::Signal) {
	tokio::select! {
		_ = tokio::signal::ctrl_c() => {},
		_ = term.recv() => {},
	}
}

/// This process's private work directory (0700, `ehr-portal-PID.*` in the
/// temporary directory), locked while it lives.
struct WorkDir {
	dir: tempfile::TempDir,
	/// The lock on `.lock` inside it: a sweep of another portal skips a
	/// directory whose lock is held.
	_lock: std::fs::File,
}

impl WorkDir {
	/// Creates this process's directory after removing those that portals
	/// which died without cleaning up (killed) left: named like ours,
	/// directories (not links) of this user, whose lock nobody holds.
	fn create() -> Result<WorkDir, CliError> {
		let temp = std::env::temp_dir();
		let dir = tempfile::Builder::new()
			.prefix(&format!("ehr-portal-{}.", std::process::id()))
			.tempdir_in(&temp)?;
		let lock = std::fs::File::create(dir.path().join(".lock"))?;
		lock.try_lock()
			.map_err(|e| CliError::Usage(format!("cannot lock the work directory: {e}")))?;
		let me = std::fs::metadata(dir.path())?.uid();
		for entry in std::fs::read_dir(&temp)?.flatten() {
			let name = entry.file_name().to_string_lossy().into_owned();
			let ours = name
				.strip_prefix("ehr-portal-")
				.and_then(|rest| rest.split_once('.'))
				.is_some_and(|(pid, _)| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()));
			let Ok(meta) = std::fs::symlink_metadata(entry.path()) else { continue };
			if !ours || !meta.is_dir() || meta.uid() != me || entry.path() == dir.path() {
				continue;
			}
			let abandoned = std::fs::File::open(entry.path().join(".lock"))
				.map(|other| other.try_lock().is_ok())
				.unwrap_or(true);
			if abandoned {
				let _ = std::fs::remove_dir_all(entry.path());
			}
		}
		Ok(WorkDir { dir, _lock: lock })
	}
}

/// Refuses what is not the patient's own browser talking to this server,
/// and marks every response as not to be cached or framed.
async fn guard(
	State(portal): State<Shared>,
	ConnectInfo(peer): ConnectInfo<SocketAddr>,
	request: Request,
	next: Next,
) -> Response {
	let mut response = match refused(&portal, peer, &request) {
		Some((status, why)) => (status, why).into_response(),
		None => next.run(request).await,
	};
	let headers = response.headers_mut();
	for (name, value) in [
		(header::CACHE_CONTROL, "no-store"),
		(
			header::CONTENT_SECURITY_POLICY,
			"default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
			 frame-ancestors 'none'; base-uri 'none'",
		),
		(header::X_FRAME_OPTIONS, "DENY"),
		(header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
		// Not `no-referrer`: with it, browsers send `Origin: null` on forms.
		(header::REFERRER_POLICY, "same-origin"),
	] {
		headers.insert(name, HeaderValue::from_static(value));
	}
	response
}

/// Why `request` from `peer` is refused, if it is.
fn refused(
	portal: &Portal,
	peer: SocketAddr,
	request: &Request,
) -> Option<(StatusCode, &'static str)> {
	let port = portal.addr.port();
	// Not `localhost`: it may resolve to ::1 first, where this server does
	// not listen and another user's may.
	let ours = |value: &str, prefix: &str| value == format!("{prefix}127.0.0.1:{port}");
	let header = |name| request.headers().get(name).and_then(|v: &HeaderValue| v.to_str().ok());
	// A page of another site whose name was re-pointed to 127.0.0.1.
	if !header(header::HOST).is_some_and(|h| ours(h, "")) {
		return Some((StatusCode::MISDIRECTED_REQUEST, "this portal answers only as 127.0.0.1"));
	}
	// Where the system cannot say (no /proc), only off Linux is that let through.
	if !peer::same_user(peer, portal.addr).unwrap_or(!cfg!(target_os = "linux")) {
		return Some((StatusCode::FORBIDDEN, "only the user who started this portal may use it"));
	}
	// A browser says where a request comes from: a page of another origin
	// (another port of 127.0.0.1 included) gets nothing.
	if header(header::HeaderName::from_static("sec-fetch-site"))
		.is_some_and(|site| site != "same-origin" && site != "none")
	{
		return Some((StatusCode::FORBIDDEN, "requests from other sites are refused"));
	}
	if request.method() != Method::GET && request.method() != Method::HEAD {
		if let Some(origin) = header(header::ORIGIN) {
			if !ours(origin, "http://") {
				return Some((StatusCode::FORBIDDEN, "requests from other sites are refused"));
			}
		}
	}
	None
}

async fn style() -> Response {
	([(header::CONTENT_TYPE, "text/css; charset=utf-8")], page::STYLE).into_response()
}

/// A random token (32 bytes, hex).
fn token() -> String {
	let mut bytes = [0u8; 32];
	os_rng().fill_bytes(&mut bytes);
	hex::encode(bytes)
}

/// Constant-time comparison of two tokens.
fn same(a: &str, b: &str) -> bool {
	a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn html(status: StatusCode, body: String) -> Response {
	(status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

/// The HTTP status of a failure, from the CLI's exit code for it.
fn status_of(e: &CliError) -> StatusCode {
	use crate::cli::error::exit;
	match e.exit_code() {
		exit::USAGE => StatusCode::BAD_REQUEST,
		exit::KEYSTORE => StatusCode::UNAUTHORIZED,
		exit::REFUSED | exit::KEY_CHANGED => StatusCode::FORBIDDEN,
		exit::UNREACHABLE | exit::HISTORY_PRUNED => StatusCode::SERVICE_UNAVAILABLE,
		exit::INTEGRITY | exit::WRONG_CHAIN => StatusCode::BAD_GATEWAY,
		_ => StatusCode::INTERNAL_SERVER_ERROR,
	}
}

impl Portal {
	/// The unlocked session this browser holds, if any of its cookies is it
	/// (another port of 127.0.0.1 may have set a cookie of the same name).
	async fn session_of(&self, headers: &HeaderMap) -> Option<Arc<Unlocked>> {
		let unlocked = self.unlocked.lock().await.clone()?;
		headers
			.get_all(header::COOKIE)
			.iter()
			.filter_map(|v| v.to_str().ok())
			.flat_map(|v| v.split(';'))
			.filter_map(|kv| kv.trim().split_once('='))
			.any(|(k, v)| k == self.cookie_name && same(&unlocked.cookie, v))
			.then_some(unlocked)
	}

	/// The locked page: the unlock form if `launch` is the launch key,
	/// else where to find it.
	fn locked(&self, status: StatusCode, launch: Option<&str>, error: Option<String>) -> Response {
		let body = match launch.filter(|l| same(l, &self.launch)) {
			Some(launch) => {
				let account = self
					.ctx
					.keystore_file()
					.map(|f| f.public.account)
					.unwrap_or_else(|e| format!("(keystore unreadable: {e})"));
				page::unlock(&account, launch)
			}
			None => page::launch_needed(),
		};
		html(status, page::page("Unlock", None, error.map(Notice::Error), &body))
	}

	/// A page of the unlocked portal, with the message of the last change;
	/// a failure becomes the page's error.
	fn show(&self, u: &Unlocked, title: &str, body: Result<String, CliError>) -> Response {
		match body {
			Ok(body) => {
				html(StatusCode::OK, page::page(title, Some(&u.csrf), u.take_flash(), &body))
			}
			Err(e) => self.failed(u, title, &e, String::new()),
		}
	}

	/// A page saying why a call failed (it changed nothing), above `body`.
	fn failed(&self, u: &Unlocked, title: &str, e: &CliError, body: String) -> Response {
		html(
			status_of(e),
			page::page(title, Some(&u.csrf), Some(Notice::Error(e.to_string())), &body),
		)
	}

	/// The session for a request that changes or reveals something: its
	/// cookie and its form's CSRF token must both match.
	async fn checked(&self, headers: &HeaderMap, csrf: &str) -> Result<Arc<Unlocked>, Response> {
		match self.session_of(headers).await {
			Some(u) if same(&u.csrf, csrf) => Ok(u),
			_ => Err(self.locked(
				StatusCode::FORBIDDEN,
				None,
				Some("This page's session has ended (locked, or the portal restarted), or the request did not come from it: nothing was changed. Open the address `ehr portal` printed to unlock again.".into()),
			)),
		}
	}
}

/// What every state-changing form carries.
#[derive(Deserialize)]
struct Csrf {
	csrf: String,
}

#[derive(Deserialize)]
struct Launch {
	launch: Option<String>,
}

#[derive(Deserialize)]
struct UnlockForm {
	launch: String,
	passphrase: String,
}

/// How long the next try waits after `failures` wrong passphrases in a row.
fn pace(failures: u32) -> Duration {
	Duration::from_secs(match failures {
		0 => 0,
		n => (1u64 << (n - 1).min(5)).min(30),
	})
}

async fn unlock(State(portal): State<Shared>, Form(form): Form<UnlockForm>) -> Response {
	let passphrase = zeroize::Zeroizing::new(form.passphrase);
	if !same(&form.launch, &portal.launch) {
		return portal.locked(
			StatusCode::FORBIDDEN,
			None,
			Some("This form did not come from the address `ehr portal` printed.".into()),
		);
	}
	// One try at a time, each after a pause that grows with the failures.
	let Ok(mut failures) = portal.unlocking.try_lock() else {
		return portal.locked(
			StatusCode::TOO_MANY_REQUESTS,
			Some(&form.launch),
			Some("Another unlock is under way: wait for it.".into()),
		);
	};
	tokio::time::sleep(pace(*failures)).await;
	let opened = async {
		let file = portal.ctx.keystore_file()?;
		// The key derivation takes a second of CPU: not on the server's threads.
		let keys = tokio::task::spawn_blocking(move || file.unlock(&passphrase))
			.await
			.map_err(|e| CliError::Usage(format!("unlocking failed: {e}")))??;
		portal.ctx.session_with(keys, false).await
	}
	.await;
	match opened {
		Ok(mut session) => {
			*failures = 0;
			let meter = Arc::new(job::Meter::default());
			session.progress = Some(meter.clone());
			let unlocked = Arc::new(Unlocked {
				cookie: token(),
				csrf: token(),
				session,
				flash: std::sync::Mutex::new(None),
				meter,
				job: std::sync::Mutex::new(None),
			});
			let cookie = format!(
				"{}={}; HttpOnly; SameSite=Strict; Path=/",
				portal.cookie_name, unlocked.cookie
			);
			*portal.unlocked.lock().await = Some(unlocked);
			(
				[(header::SET_COOKIE, HeaderValue::from_str(&cookie).expect("hex cookie"))],
				Redirect::to("/"),
			)
				.into_response()
		}
		Err(e) => {
			if matches!(e, CliError::Keystore(_)) {
				*failures = failures.saturating_add(1);
			}
			portal.locked(status_of(&e), Some(&form.launch), Some(e.to_string()))
		}
	}
}

async fn lock(
	State(portal): State<Shared>,
	headers: HeaderMap,
	Form(form): Form<Csrf>,
) -> Response {
	if let Err(refused) = portal.checked(&headers, &form.csrf).await {
		return refused;
	}
	*portal.unlocked.lock().await = None;
	let expired = format!("{}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0", portal.cookie_name);
	// A redirect: reloading the page after does not post the lock again.
	([(header::SET_COOKIE, HeaderValue::from_str(&expired).expect("ascii"))], Redirect::to("/"))
		.into_response()
}

/// The unlocked session of a page request; without it the request gets the
/// locked page (with the unlock form if its query has the launch key).
struct Viewer(Arc<Unlocked>);

impl FromRequestParts<Shared> for Viewer {
	type Rejection = Response;

	async fn from_request_parts(parts: &mut Parts, portal: &Shared) -> Result<Self, Response> {
		let launch = Query::<Launch>::try_from_uri(&parts.uri).ok().and_then(|q| q.0.launch);
		match portal.session_of(&parts.headers).await {
			Some(u) => Ok(Viewer(u)),
			None => Err(portal.locked(StatusCode::OK, launch.as_deref(), None)),
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn unlocking_slows_down_after_failures() {
		let waits: Vec<u64> = (0..9).map(|n| pace(n).as_secs()).collect();
		assert_eq!(waits, [0, 1, 2, 4, 8, 16, 30, 30, 30]);
	}

	#[test]
	fn tokens_compare_whole() {
		assert!(same("abc", "abc"));
		assert!(!same("abc", "abd") && !same("abc", "ab") && !same("", "a"));
	}
}
