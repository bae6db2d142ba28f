//! `ehr portal`: the patient's web interface, on this machine only.
//!
//! An HTTP server on 127.0.0.1 that serves plain HTML forms. The patient
//! unlocks the keystore with its passphrase in the page; from then on the
//! server process holds the keys, decrypts and encrypts locally, and talks
//! to the node and kubo exactly as the CLI does (the same library calls).
//! Like the CLI, it only parses, calls the library and presents.
//!
//! Guards: only the loopback address and `Host` names for it (a page of
//! another site, DNS-rebound to 127.0.0.1, is refused); a session cookie
//! (`HttpOnly`, `SameSite=Strict`) plus a per-session CSRF token in every
//! form that changes anything; `Cache-Control: no-store` and a strict
//! content security policy on every response; decrypted content is written
//! to a private temporary file that is unlinked before it is streamed.

mod page;

use crate::cli::{context::Ctx, error::CliError};
use axum::{
	body::Body,
	extract::{DefaultBodyLimit, Multipart, Path as UrlPath, Request, State},
	http::{header, HeaderMap, HeaderValue, StatusCode},
	middleware::{self, Next},
	response::{IntoResponse, Redirect, Response},
	routing::{get, post},
	Form, Router,
};
use ehr::{
	audit::{self, Entry},
	chain::{query, AccountId},
	crypto::os_rng,
	records::{Access, RecordError, RecordId, RecordKind, RecordView, Revocation, Session},
	registration::role_name,
	replication,
};
use page::{csrf_field, esc, table, Notice};
use rand_core::RngCore;
use serde::Deserialize;
use std::{io::Write, net::SocketAddr, str::FromStr, sync::Arc};
use tokio::sync::Mutex;

/// The portal's state: the CLI's settings and, once unlocked, one session.
struct Portal {
	ctx: Ctx,
	/// Where the server listens (what `Host` must name).
	addr: SocketAddr,
	unlocked: Mutex<Option<Arc<Unlocked>>>,
}

/// An unlocked keystore's session and the secrets that admit the browser.
struct Unlocked {
	cookie: String,
	csrf: String,
	session: Session,
}

type Shared = Arc<Portal>;

const COOKIE: &str = "ehr_portal";

/// Serves the portal on 127.0.0.1:`port` until the process is stopped;
/// `ready` is told the address once it listens.
pub async fn serve(ctx: Ctx, port: u16, ready: impl FnOnce(SocketAddr)) -> Result<(), CliError> {
	// The keystore must exist before anyone is invited to unlock it.
	ctx.keystore_file()?;
	let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
	let addr = listener.local_addr()?;
	let portal = Arc::new(Portal { ctx, addr, unlocked: Mutex::new(None) });
	let app = Router::new()
		.route("/", get(records))
		.route("/style.css", get(style))
		.route("/unlock", post(unlock))
		.route("/lock", post(lock))
		.route("/records/{id}", get(record))
		.route("/records/{id}/content", get(content))
		.route("/records/{id}/grant", post(grant))
		.route("/records/{id}/revoke", post(revoke))
		.route("/records/{id}/answer", post(answer))
		.route(
			"/upload",
			get(upload_form)
				.post(upload)
				.layer(DefaultBodyLimit::max(ehr::records::MAX_RECORD_BYTES as usize)),
		)
		.layer(middleware::from_fn_with_state(portal.clone(), guard))
		.with_state(portal);
	ready(addr);
	axum::serve(listener, app).await?;
	Ok(())
}

/// Refuses a request whose `Host` is not this loopback server (DNS
/// rebinding), and marks every response as not to be cached or framed.
async fn guard(State(portal): State<Shared>, request: Request, next: Next) -> Response {
	let port = portal.addr.port();
	let host = request.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
	let allowed = [format!("127.0.0.1:{port}"), format!("localhost:{port}")];
	let mut response = if allowed.iter().any(|a| a == host) {
		next.run(request).await
	} else {
		(StatusCode::MISDIRECTED_REQUEST, "this portal answers only on 127.0.0.1").into_response()
	};
	let headers = response.headers_mut();
	headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
	headers.insert(
		header::CONTENT_SECURITY_POLICY,
		HeaderValue::from_static(
			"default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
		),
	);
	headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
	headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
	response
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
	/// The unlocked session this browser holds (its cookie), if any.
	async fn session_of(&self, headers: &HeaderMap) -> Option<Arc<Unlocked>> {
		let cookie = headers
			.get_all(header::COOKIE)
			.iter()
			.filter_map(|v| v.to_str().ok())
			.flat_map(|v| v.split(';'))
			.filter_map(|kv| kv.trim().split_once('='))
			.find(|(k, _)| *k == COOKIE)
			.map(|(_, v)| v.to_string())?;
		let unlocked = self.unlocked.lock().await.clone()?;
		same(&unlocked.cookie, &cookie).then_some(unlocked)
	}

	/// The unlock page, with `error` if the last try failed.
	fn locked(&self, status: StatusCode, error: Option<String>) -> Response {
		let account = self
			.ctx
			.keystore_file()
			.map(|f| f.public.account)
			.unwrap_or_else(|e| format!("(keystore unreadable: {e})"));
		html(status, page::page("Unlock", None, error.map(Notice::Error), &page::unlock(&account)))
	}

	/// A page of the unlocked portal; a failure becomes the page's error.
	fn show(
		&self,
		u: &Unlocked,
		title: &str,
		done: Option<String>,
		body: Result<String, CliError>,
	) -> Response {
		match body {
			Ok(body) => html(
				StatusCode::OK,
				page::page(title, Some(&u.csrf), done.map(Notice::Done), &body),
			),
			Err(e) => html(
				status_of(&e),
				page::page(title, Some(&u.csrf), Some(Notice::Error(e.to_string())), ""),
			),
		}
	}
}

/// What every state-changing form carries.
#[derive(Deserialize)]
struct Csrf {
	csrf: String,
}

/// The session for a state-changing request: its cookie and its form's
/// CSRF token must both match.
async fn checked(
	portal: &Portal,
	headers: &HeaderMap,
	csrf: &str,
) -> Result<Arc<Unlocked>, Response> {
	match portal.session_of(headers).await {
		Some(u) if same(&u.csrf, csrf) => Ok(u),
		_ => Err(portal.locked(
			StatusCode::FORBIDDEN,
			Some("This page's session has ended (locked, or the portal restarted): unlock again; nothing was changed.".into()),
		)),
	}
}

#[derive(Deserialize)]
struct UnlockForm {
	passphrase: String,
}

async fn unlock(State(portal): State<Shared>, Form(form): Form<UnlockForm>) -> Response {
	let passphrase = zeroize::Zeroizing::new(form.passphrase);
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
		Ok(session) => {
			let unlocked = Arc::new(Unlocked { cookie: token(), csrf: token(), session });
			let cookie = format!("{COOKIE}={}; HttpOnly; SameSite=Strict; Path=/", unlocked.cookie);
			*portal.unlocked.lock().await = Some(unlocked);
			(
				[(header::SET_COOKIE, HeaderValue::from_str(&cookie).expect("hex cookie"))],
				Redirect::to("/"),
			)
				.into_response()
		}
		Err(e) => portal.locked(status_of(&e), Some(e.to_string())),
	}
}

async fn lock(
	State(portal): State<Shared>,
	headers: HeaderMap,
	Form(form): Form<Csrf>,
) -> Response {
	if checked(&portal, &headers, &form.csrf).await.is_ok() {
		*portal.unlocked.lock().await = None;
	}
	let expired = format!("{COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
	([(header::SET_COOKIE, HeaderValue::from_str(&expired).expect("ascii"))], Redirect::to("/"))
		.into_response()
}

fn kind_name(kind: &RecordKind) -> String {
	format!("{kind:?}")
}

fn access_name(access: &Access) -> &'static str {
	match access {
		Access::Read => "Read",
		Access::ReadWrite => "ReadWrite",
	}
}

fn account(who: &AccountId) -> String {
	format!("<code>{}</code>", esc(&who.to_string()))
}

/// "My records": what this account owns and what is shared with it.
async fn records(State(portal): State<Shared>, headers: HeaderMap) -> Response {
	let Some(u) = portal.session_of(&headers).await else {
		return portal.locked(StatusCode::OK, None);
	};
	let body = async {
		let chain = &u.session.chain;
		let me = u.session.account();
		let (owned, held) = query::records_and_grants(chain, &me, true).await?;
		let mut rows = Vec::new();
		for view in &owned {
			let readers = view.grants.iter().filter(|(who, _)| *who != me).count();
			let replicas = replication::replicas(chain, view.id)
				.await?
				.map(|r| format!("{} of {} needed", r.holders.len(), r.needed))
				.unwrap_or_else(|| "not replicated".into());
			rows.push(vec![
				format!("<a href=\"/records/{0}\">record {0}</a>", view.id),
				esc(&kind_name(&view.record.kind)),
				view.record.version.to_string(),
				readers.to_string(),
				esc(&replicas),
			]);
		}
		let mut body = format!("<p>Account {}</p>", account(&me));
		body.push_str(&table(
			"Records you own",
			&["Record", "Kind", "Version", "Readers", "Hospitals holding it"],
			&rows,
		));
		let shared: Vec<Vec<String>> = held
			.iter()
			.map(|(view, grant)| {
				vec![
					format!("<a href=\"/records/{0}\">record {0}</a>", view.id),
					account(&view.record.owner),
					esc(access_name(&grant.access)),
				]
			})
			.collect();
		body.push_str(&table("Records shared with you", &["Record", "Owner", "Access"], &shared));
		Ok::<_, CliError>(body)
	}
	.await;
	portal.show(&u, "My records", None, body)
}

/// Staff to choose readers from, as `(account, "Doctor, hospital 1")`.
async fn staff(session: &Session) -> Result<Vec<(AccountId, String)>, CliError> {
	let me = session.account();
	Ok(query::staff(&session.chain)
		.await?
		.into_iter()
		.filter(|(who, _)| *who != me)
		.map(|(who, user)| {
			let org = user.org.map(|o| format!("hospital {o}")).unwrap_or_default();
			(who, format!("{}, {org}", role_name(&user.role)))
		})
		.collect())
}

/// A `<select>` of staff accounts named `name`.
fn staff_select(name: &str, staff: &[(AccountId, String)]) -> String {
	let mut out = format!("<select id=\"{name}\" name=\"{name}\" required>");
	for (who, label) in staff {
		out.push_str(&format!(
			"<option value=\"{0}\">{1}: {0}</option>",
			esc(&who.to_string()),
			esc(label)
		));
	}
	out.push_str("</select>");
	out
}

async fn record(
	State(portal): State<Shared>,
	UrlPath(id): UrlPath<RecordId>,
	headers: HeaderMap,
) -> Response {
	let Some(u) = portal.session_of(&headers).await else {
		return portal.locked(StatusCode::OK, None);
	};
	let body = record_page(&portal, &u, id).await;
	portal.show(&u, &format!("Record {id}"), None, body)
}

/// Record `id`: its readers, its pending requests, its audit trail, and
/// (for its owner) the forms that change them.
async fn record_page(portal: &Portal, u: &Unlocked, id: RecordId) -> Result<String, CliError> {
	let chain = &u.session.chain;
	let me = u.session.account();
	let view = query::record(chain, id).await?.ok_or(RecordError::RecordNotFound(id))?;
	let r = &view.record;
	let owner = r.owner == me;
	let csrf = csrf_field(&u.csrf);
	let mut body = format!(
		"<p>{} record, version {}, owned by {}. <a href=\"/records/{id}/content\" download>Download (decrypted here)</a></p>",
		esc(&kind_name(&r.kind)),
		r.version,
		account(&r.owner)
	);
	let readers: Vec<Vec<String>> = view
		.grants
		.iter()
		.filter(|(who, _)| *who != r.owner)
		.map(|(who, g)| {
			let mut row = vec![
				account(who),
				esc(access_name(&g.access)),
				g.expires_at.map(|b| format!("block {b}")).unwrap_or_else(|| "never".into()),
				account(&g.granted_by),
			];
			if owner {
				row.push(format!(
					"<form class=\"inline\" method=\"post\" action=\"/records/{id}/revoke\">{csrf}\
					 <input type=\"hidden\" name=\"account\" value=\"{0}\">\
					 <button type=\"submit\" aria-label=\"Revoke {0}\">Revoke</button></form>",
					esc(&who.to_string())
				));
			}
			row
		})
		.collect();
	let mut header = vec!["Reader", "Access", "Expires", "Granted by"];
	if owner {
		header.push("Action");
	}
	body.push_str(&table("Who may read it", &header, &readers));
	if owner {
		body.push_str(&grant_form(id, &csrf, &staff(&u.session).await?));
		let requests = query::requests(chain, id).await?;
		let rows: Vec<Vec<String>> = requests
			.iter()
			.map(|(who, access, at)| {
				let who = esc(&who.to_string());
				let button = |decision: &str, label: &str| {
					format!(
						"<form class=\"inline\" method=\"post\" action=\"/records/{id}/answer\">{csrf}\
						 <input type=\"hidden\" name=\"account\" value=\"{who}\">\
						 <input type=\"hidden\" name=\"decision\" value=\"{decision}\">\
						 <button type=\"submit\">{label}</button></form> "
					)
				};
				vec![
					format!("<code>{who}</code>"),
					esc(access_name(access)),
					format!("block {at}"),
					button("approve", "Approve") + &button("deny", "Deny"),
				]
			})
			.collect();
		body.push_str(&table(
			"Pending requests",
			&["From", "Asks for", "Asked at", "Answer"],
			&rows,
		));
	}
	body.push_str(&trail(portal, chain, &view).await?);
	Ok(body)
}

fn grant_form(id: RecordId, csrf: &str, staff: &[(AccountId, String)]) -> String {
	format!(
		"<form method=\"post\" action=\"/records/{id}/grant\"><fieldset><legend>Share with a clinician</legend>{csrf}\
		 <label for=\"account\">Clinician</label>{}\
		 <label><input type=\"radio\" name=\"level\" value=\"read\" checked> Read</label>\
		 <label><input type=\"radio\" name=\"level\" value=\"readwrite\"> Read and write</label>\
		 <label for=\"expires\">Expires (12h, 30d, #BLOCK; empty: never)</label>\
		 <input type=\"text\" id=\"expires\" name=\"expires\">\
		 <button type=\"submit\">Grant</button></fieldset></form>",
		staff_select("account", staff)
	)
}

/// The record's audit trail since it was added: from the audit index when
/// one is configured, else from the node's blocks. Emergency accesses
/// stand out.
async fn trail(
	portal: &Portal,
	chain: &ehr::chain::Client,
	view: &RecordView,
) -> Result<String, CliError> {
	let window = audit::Window::new(Some(view.record.created_at.into()), None, None, None, vec![])
		.map_err(CliError::Usage)?;
	let subject = audit::Subject::Record(view.id);
	let entries: Vec<Entry> = match &portal.ctx.settings.index_url {
		Some(url) => ehr::index::Index::new(url).history(&subject, &window).await?,
		None => audit::history(chain, &subject, &window).await?,
	};
	let mut out =
		format!("<table><caption>Audit trail ({} events)</caption><thead><tr>", entries.len());
	for h in ["Block", "Time", "Event", "By", "Subject", "Details"] {
		out.push_str(&format!("<th scope=\"col\">{h}</th>"));
	}
	out.push_str("</tr></thead><tbody>");
	for e in &entries {
		let emergency = audit::is_emergency(&e.event);
		out.push_str(&format!(
			"<tr{}><td>{}</td><td>{}</td><td>{}{}</td><td><code>{}</code></td><td><code>{}</code></td><td>{}</td></tr>",
			if emergency { " class=\"emergency\"" } else { "" },
			e.block,
			esc(&e.time),
			if emergency { "EMERGENCY " } else { "" },
			esc(&e.event),
			esc(e.by.as_deref().unwrap_or("")),
			esc(e.subject.as_deref().unwrap_or("")),
			esc(&e.details),
		));
	}
	out.push_str("</tbody></table>");
	Ok(out)
}

fn parse_account(text: &str) -> Result<AccountId, CliError> {
	AccountId::from_str(text.trim())
		.map_err(|_| CliError::Usage(format!("`{text}` is not an SS58 account address")))
}

#[derive(Deserialize)]
struct GrantForm {
	csrf: String,
	account: String,
	level: String,
	#[serde(default)]
	expires: String,
}

async fn grant(
	State(portal): State<Shared>,
	UrlPath(id): UrlPath<RecordId>,
	headers: HeaderMap,
	Form(form): Form<GrantForm>,
) -> Response {
	let u = match checked(&portal, &headers, &form.csrf).await {
		Ok(u) => u,
		Err(page) => return page,
	};
	let done = async {
		let to = parse_account(&form.account)?;
		let access = match form.level.as_str() {
			"readwrite" => Access::ReadWrite,
			_ => Access::Read,
		};
		let expires = Some(form.expires.trim()).filter(|e| !e.is_empty());
		let expires = portal.ctx.expiry(&u.session.chain, expires).await?;
		u.session.grant(id, &to, access.clone(), expires).await?;
		Ok::<_, CliError>(format!("Granted {} on record {id} to {to}.", access_name(&access)))
	}
	.await;
	after(&portal, &u, id, done).await
}

#[derive(Deserialize)]
struct AccountForm {
	csrf: String,
	account: String,
	#[serde(default)]
	decision: String,
}

async fn revoke(
	State(portal): State<Shared>,
	UrlPath(id): UrlPath<RecordId>,
	headers: HeaderMap,
	Form(form): Form<AccountForm>,
) -> Response {
	let u = match checked(&portal, &headers, &form.csrf).await {
		Ok(u) => u,
		Err(page) => return page,
	};
	let done = async {
		let from = parse_account(&form.account)?;
		// As the CLI does by default: the data key is rotated, so a key the
		// reader kept opens nothing current.
		let outcome = u.session.revoke(id, &from, true).await?;
		Ok::<_, CliError>(match outcome {
			Revocation::Revoked => {
				format!("Revoked {from} on record {id}; the record was re-encrypted.")
			}
			Revocation::RotatedOnly => {
				format!("{from} held no grant on record {id}; the record was re-encrypted.")
			}
		})
	}
	.await;
	after(&portal, &u, id, done).await
}

async fn answer(
	State(portal): State<Shared>,
	UrlPath(id): UrlPath<RecordId>,
	headers: HeaderMap,
	Form(form): Form<AccountForm>,
) -> Response {
	let u = match checked(&portal, &headers, &form.csrf).await {
		Ok(u) => u,
		Err(page) => return page,
	};
	let done = async {
		let who = parse_account(&form.account)?;
		let approve = match form.decision.as_str() {
			"approve" => true,
			"deny" => false,
			other => return Err(CliError::Usage(format!("`{other}` is not an answer"))),
		};
		u.session.answer(id, &who, approve, None).await?;
		Ok::<_, CliError>(format!(
			"{} {who}'s request on record {id}.",
			if approve { "Approved" } else { "Denied" }
		))
	}
	.await;
	after(&portal, &u, id, done).await
}

/// The record's page after a change: with what was done, or with why
/// nothing was.
async fn after(
	portal: &Portal,
	u: &Unlocked,
	id: RecordId,
	done: Result<String, CliError>,
) -> Response {
	let title = format!("Record {id}");
	match done {
		Ok(text) => portal.show(u, &title, Some(text), record_page(portal, u, id).await),
		Err(e) => {
			let status = status_of(&e);
			let body = record_page(portal, u, id).await.unwrap_or_default();
			html(
				status,
				page::page(&title, Some(&u.csrf), Some(Notice::Error(e.to_string())), &body),
			)
		}
	}
}

/// The record's current content, decrypted in this process: written to a
/// private temporary file (only once every chunk authenticated), opened,
/// unlinked, and streamed from the open file.
async fn content(
	State(portal): State<Shared>,
	UrlPath(id): UrlPath<RecordId>,
	headers: HeaderMap,
) -> Response {
	let Some(u) = portal.session_of(&headers).await else {
		return portal.locked(StatusCode::FORBIDDEN, None);
	};
	let opened = async {
		let dir = tempfile::tempdir()?;
		let path = dir.path().join("record");
		let version = u.session.get_record(id, &path).await?;
		let file = tokio::fs::File::open(&path).await?;
		let len = file.metadata().await?.len();
		drop(dir);
		Ok::<_, CliError>((file, len, version))
	}
	.await;
	match opened {
		Ok((file, len, version)) => {
			let body = Body::from_stream(tokio_util::io::ReaderStream::new(file));
			let name = format!("attachment; filename=\"record-{id}-v{version}\"");
			(
				[
					(header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream")),
					(header::CONTENT_LENGTH, HeaderValue::from(len)),
					(header::CONTENT_DISPOSITION, HeaderValue::from_str(&name).expect("ascii")),
				],
				body,
			)
				.into_response()
		}
		Err(e) => {
			let title = format!("Record {id}");
			html(
				status_of(&e),
				page::page(&title, Some(&u.csrf), Some(Notice::Error(e.to_string())), ""),
			)
		}
	}
}

const KINDS: [(&str, RecordKind); 7] = [
	("observation", RecordKind::Observation),
	("prescription", RecordKind::Prescription),
	("lab", RecordKind::Lab),
	("imaging", RecordKind::Imaging),
	("note", RecordKind::Note),
	("fhir", RecordKind::Fhir),
	("unspecified", RecordKind::Unspecified),
];

async fn upload_form(State(portal): State<Shared>, headers: HeaderMap) -> Response {
	let Some(u) = portal.session_of(&headers).await else {
		return portal.locked(StatusCode::OK, None);
	};
	let body = upload_page(&u).await;
	portal.show(&u, "Upload a record", None, body)
}

async fn upload_page(u: &Unlocked) -> Result<String, CliError> {
	let staff = staff(&u.session).await?;
	let mut kinds = String::new();
	for (name, _) in KINDS {
		kinds.push_str(&format!("<option value=\"{name}\">{name}</option>"));
	}
	let mut share = String::new();
	for (who, label) in &staff {
		let who = esc(&who.to_string());
		share.push_str(&format!(
			"<label><input type=\"checkbox\" name=\"share\" value=\"{who}\"> {}: <code>{who}</code></label>",
			esc(label)
		));
	}
	Ok(format!(
		"<form method=\"post\" action=\"/upload\" enctype=\"multipart/form-data\">{}\
		 <label for=\"file\">File</label><input type=\"file\" id=\"file\" name=\"file\" required>\
		 <label for=\"kind\">Kind</label><select id=\"kind\" name=\"kind\">{kinds}</select>\
		 <fieldset><legend>Share (Read) with</legend>{share}</fieldset>\
		 <p>The file is encrypted here before it is stored; each reader gets the key wrapped for them.</p>\
		 <button type=\"submit\">Encrypt and upload</button></form>",
		csrf_field(&u.csrf)
	))
}

/// An upload's form fields; the file itself is spooled to a private
/// temporary file, which the library reads as the CLI reads a file.
struct Upload {
	csrf: String,
	kind: RecordKind,
	share: Vec<AccountId>,
	file: Option<tempfile::NamedTempFile>,
}

async fn read_upload(mut form: Multipart) -> Result<Upload, CliError> {
	let bad = |e: axum::extract::multipart::MultipartError| {
		CliError::Usage(format!("the upload did not arrive whole: {e}"))
	};
	let mut upload =
		Upload { csrf: String::new(), kind: RecordKind::Unspecified, share: vec![], file: None };
	while let Some(mut field) = form.next_field().await.map_err(bad)? {
		let name = field.name().unwrap_or("").to_string();
		match name.as_str() {
			"file" => {
				let mut spool = tempfile::NamedTempFile::new()?;
				while let Some(chunk) = field.chunk().await.map_err(bad)? {
					spool.write_all(&chunk)?;
				}
				spool.flush()?;
				upload.file = Some(spool);
			}
			_ => {
				let value = field.text().await.map_err(bad)?;
				match name.as_str() {
					"csrf" => upload.csrf = value,
					"kind" => {
						upload.kind = KINDS
							.iter()
							.find(|(n, _)| *n == value)
							.map(|(_, k)| k.clone())
							.ok_or_else(|| {
								CliError::Usage(format!("`{value}` is not a record kind"))
							})?
					}
					"share" => upload.share.push(parse_account(&value)?),
					_ => {}
				}
			}
		}
	}
	Ok(upload)
}

async fn upload(State(portal): State<Shared>, headers: HeaderMap, form: Multipart) -> Response {
	let parsed = read_upload(form).await;
	let csrf = parsed.as_ref().map(|p| p.csrf.clone()).unwrap_or_default();
	let u = match checked(&portal, &headers, &csrf).await {
		Ok(u) => u,
		Err(page) => return page,
	};
	let done = async {
		let upload = parsed?;
		let file = upload.file.ok_or_else(|| CliError::Usage("choose a file to upload".into()))?;
		let me = u.session.account();
		let share: Vec<(AccountId, Access)> =
			upload.share.iter().map(|who| (*who, Access::Read)).collect();
		let id = u.session.add_record(&me, file.path(), upload.kind, None, &share).await?;
		Ok::<_, CliError>(id)
	}
	.await;
	match done {
		Ok(id) => portal.show(
			&u,
			&format!("Record {id}"),
			Some(format!("Added record {id}.")),
			record_page(&portal, &u, id).await,
		),
		Err(e) => {
			let body = upload_page(&u).await.unwrap_or_default();
			html(
				status_of(&e),
				page::page(
					"Upload a record",
					Some(&u.csrf),
					Some(Notice::Error(e.to_string())),
					&body,
				),
			)
		}
	}
}
