//! The records pages: the list, one record with its readers, requests and
//! audit trail, and the calls that change them or read its content.

use super::{
	job, page,
	page::{csrf_field, esc, table},
	Portal, Shared, Unlocked, Viewer,
};
use crate::cli::{args::parse_account, error::CliError};
use axum::{
	extract::{Path as UrlPath, State},
	http::HeaderMap,
	response::Response,
	routing::{get, post},
	Form, Router,
};
use ehr::{
	audit::{self, Entry},
	chain::{query, AccountId, Client},
	index::Index,
	records::{Access, Answer, RecordError, RecordId, RecordKind, RecordView, Revocation, Session},
	registration::role_name,
	replication,
};
use serde::Deserialize;
use std::{future::Future, sync::Arc};

/// Without an audit index, the trail reads at most this many blocks back
/// (a day of 6 s blocks): reading every block since a years-old record was
/// added would take hours.
const TRAIL_BLOCKS: u64 = 14_400;

pub(super) fn routes() -> Router<Shared> {
	Router::new()
		.route("/records/{id}", get(record))
		.route("/records/{id}/content", post(content))
		.route("/records/{id}/grant", post(grant))
		.route("/records/{id}/revoke", post(revoke))
		.route("/records/{id}/answer", post(answer))
}

pub(super) fn kind_name(kind: &RecordKind) -> String {
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
pub(super) async fn list(State(portal): State<Shared>, Viewer(u): Viewer) -> Response {
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
	portal.show(&u, "My records", body)
}

/// Staff to choose readers from, as `(account, "doctor, hospital 1")`.
pub(super) async fn staff(session: &Session) -> Result<Vec<(AccountId, String)>, CliError> {
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

/// A section that could not be read, in place of it: the rest of the page
/// still works.
pub(super) fn unavailable(what: &str, e: &CliError) -> String {
	format!("<div class=\"error\" role=\"alert\">{}: {}</div>", esc(what), esc(&e.to_string()))
}

async fn record(
	State(portal): State<Shared>,
	UrlPath(id): UrlPath<RecordId>,
	Viewer(u): Viewer,
) -> Response {
	let body = record_page(&portal, &u, id).await;
	portal.show(&u, &format!("Record {id}"), body)
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
		"<p>{} record, version {}, owned by {}.</p>\
		 <form method=\"post\" action=\"/records/{id}/content\">{csrf}\
		 <button type=\"submit\">Download (decrypted here; the read is logged on chain)</button></form>",
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
		body.push_str(&match staff(&u.session).await {
			Ok(staff) => page::grant_form(id, &csrf, &staff),
			Err(e) => unavailable("The list of clinicians is unavailable", &e),
		});
		let requests = query::requests(chain, id).await?;
		let rows: Vec<Vec<String>> = requests
			.iter()
			.map(|(who, access, at)| {
				let who = esc(&who.to_string());
				// An approval names the level shown: a request changed since
				// (withdrawn and made again for more) is not granted more.
				let button = |decision: &str, level: &Access, label: &str| {
					format!(
						"<form class=\"inline\" method=\"post\" action=\"/records/{id}/answer\">{csrf}\
						 <input type=\"hidden\" name=\"account\" value=\"{who}\">\
						 <input type=\"hidden\" name=\"decision\" value=\"{decision}\">\
						 <input type=\"hidden\" name=\"level\" value=\"{}\">\
						 <button type=\"submit\" aria-label=\"{label} {who}\">{label}</button></form> ",
						access_name(level)
					)
				};
				vec![
					format!("<code>{who}</code>"),
					esc(access_name(access)),
					format!("block {at}"),
					match access {
						// Less than asked: Read to a request for ReadWrite.
						Access::ReadWrite => {
							button("approve", access, "Approve")
								+ &button("approve", &Access::Read, "Approve as Read")
						}
						Access::Read => button("approve", access, "Approve"),
					} + &button("deny", access, "Deny"),
				]
			})
			.collect();
		body.push_str(&table(
			"Pending requests",
			&["From", "Asks for", "Asked at", "Answer"],
			&rows,
		));
	}
	body.push_str(&match trail(portal, chain, &view).await {
		Ok(trail) => trail,
		Err(e) => unavailable("The audit trail is unavailable", &e),
	});
	Ok(body)
}

/// The record's audit trail: from the audit index when one is configured
/// (after checking it follows this chain), else from the node's last
/// [`TRAIL_BLOCKS`] blocks. Emergency accesses stand out.
async fn trail(portal: &Portal, chain: &Client, view: &RecordView) -> Result<String, CliError> {
	let created = u64::from(view.record.created_at);
	let subject = audit::Subject::Record(view.id);
	let (entries, source): (Vec<Entry>, String) = match &portal.ctx.settings.index_url {
		Some(url) => {
			let index = Index::new(url);
			let status = index.ensure_chain(&format!("{:?}", chain.genesis_hash())).await?;
			let window = audit::Window::new(Some(created), None, None, None, vec![])
				.map_err(CliError::Usage)?;
			let source = format!(
				"since block {created}, from the audit index (it holds blocks up to {}; the finalized head was {} when it last looked)",
				status.indexed_block, status.finalized_block
			);
			(index.history(&subject, &window).await?, source)
		}
		None => {
			let head = u64::from(query::block_number(chain).await?);
			let since = created.max(head.saturating_sub(TRAIL_BLOCKS));
			let window = audit::Window::new(Some(since), None, None, None, vec![])
				.map_err(CliError::Usage)?;
			let source = if since > created {
				format!("since block {since} only (the record is from block {created}): configure an audit index (`index_url`) for all of it")
			} else {
				format!("since block {since}, read from the node")
			};
			(audit::history(chain, &subject, &window).await?, source)
		}
	};
	let rows: Vec<Vec<String>> = entries
		.iter()
		.map(|e| {
			let emergency = audit::is_emergency(&e.event);
			vec![
				e.block.to_string(),
				esc(&e.time),
				format!("{}{}", if emergency { "EMERGENCY " } else { "" }, esc(&e.event)),
				format!("<code>{}</code>", esc(e.by.as_deref().unwrap_or(""))),
				format!("<code>{}</code>", esc(e.subject.as_deref().unwrap_or(""))),
				esc(&e.details),
				if e.finalized { "yes" } else { "not yet" }.into(),
			]
		})
		.collect();
	let emergency: Vec<bool> = entries.iter().map(|e| audit::is_emergency(&e.event)).collect();
	Ok(page::marked_table(
		&format!("Audit trail, {} events {source}", entries.len()),
		&["Block", "Time", "Event", "By", "Subject", "Details", "Finalized"],
		&rows,
		&emergency,
	))
}

#[derive(Deserialize)]
struct GrantForm {
	csrf: String,
	account: String,
	level: String,
	#[serde(default)]
	expires: String,
}

/// A change to record `id` that a page's form asked for: refused (and
/// nothing done) without the session's token; then `act`, alone (it
/// submits a transaction), whose answer [`after`] presents.
async fn change<Act, Done>(
	portal: &Portal,
	headers: &HeaderMap,
	csrf: &str,
	id: RecordId,
	act: Act,
) -> Response
where
	Act: FnOnce(Arc<Unlocked>) -> Done,
	Done: Future<Output = Result<String, CliError>>,
{
	let u = match portal.checked(headers, csrf).await {
		Ok(u) => u,
		Err(refused) => return refused,
	};
	let done = {
		let _busy = portal.busy.lock().await;
		act(u.clone()).await
	};
	after(portal, &u, id, done).await
}

async fn grant(
	State(portal): State<Shared>,
	UrlPath(id): UrlPath<RecordId>,
	headers: HeaderMap,
	Form(form): Form<GrantForm>,
) -> Response {
	let ctx = portal.clone();
	change(&portal, &headers, &form.csrf, id, |u| async move {
		let to = parse_account(&form.account)?;
		let access = match form.level.as_str() {
			"read" => Access::Read,
			"readwrite" => Access::ReadWrite,
			other => return Err(CliError::Usage(format!("`{other}` is not an access level"))),
		};
		let expires = Some(form.expires.trim()).filter(|e| !e.is_empty());
		let expires = ctx.ctx.expiry(&u.session.chain, expires).await?;
		u.session.grant(id, std::slice::from_ref(&to), access.clone(), expires).await?;
		Ok(format!("Granted {} on record {id} to {to}.", access_name(&access)))
	})
	.await
}

#[derive(Deserialize)]
struct AccountForm {
	csrf: String,
	account: String,
	#[serde(default)]
	decision: String,
	#[serde(default)]
	level: String,
}

async fn revoke(
	State(portal): State<Shared>,
	UrlPath(id): UrlPath<RecordId>,
	headers: HeaderMap,
	Form(form): Form<AccountForm>,
) -> Response {
	change(&portal, &headers, &form.csrf, id, |u| async move {
		let from = parse_account(&form.account)?;
		// As the CLI does by default: the data key is rotated, so a key the
		// reader kept opens nothing current.
		Ok(match u.session.revoke(id, &from, true).await? {
			Revocation::Revoked => {
				format!("Revoked {from} on record {id}; the record was re-encrypted.")
			}
			Revocation::RotatedOnly => {
				format!("{from} held no grant on record {id}; the record was re-encrypted.")
			}
		})
	})
	.await
}

async fn answer(
	State(portal): State<Shared>,
	UrlPath(id): UrlPath<RecordId>,
	headers: HeaderMap,
	Form(form): Form<AccountForm>,
) -> Response {
	change(&portal, &headers, &form.csrf, id, |u| async move {
		let who = parse_account(&form.account)?;
		let (answer, done) = match (form.decision.as_str(), form.level.as_str()) {
			("approve", "Read") => (Answer::Approve(Some(Access::Read)), "Approved (Read)"),
			("approve", "ReadWrite") => {
				(Answer::Approve(Some(Access::ReadWrite)), "Approved (ReadWrite)")
			}
			("deny", _) => (Answer::Deny, "Denied"),
			(decision, level) => {
				return Err(CliError::Usage(format!("`{decision}` at `{level}` is not an answer")))
			}
		};
		u.session.answer(id, &who, answer, None).await?;
		Ok(format!("{done}: {who}'s request on record {id}."))
	})
	.await
}

/// After a change to record `id`: the record's page (by a redirect, so a
/// reload does not repeat it) with what was done, or the page with why
/// nothing was.
async fn after(
	portal: &Portal,
	u: &Unlocked,
	id: RecordId,
	done: Result<String, CliError>,
) -> Response {
	match done {
		Ok(text) => u.done(text, &format!("/records/{id}")),
		Err(e) => {
			let body = record_page(portal, u, id).await.unwrap_or_default();
			portal.failed(u, &format!("Record {id}"), &e, body)
		}
	}
}

/// The record's current content, decrypted in this process as the
/// session's job (a POST: it logs the read on chain): written to a file in
/// the portal's private directory only once every chunk authenticated,
/// opened and unlinked; the job's page then offers it once.
async fn content(
	State(portal): State<Shared>,
	UrlPath(id): UrlPath<RecordId>,
	headers: HeaderMap,
	Form(form): Form<super::Csrf>,
) -> Response {
	let u = match portal.checked(&headers, &form.csrf).await {
		Ok(u) => u,
		Err(refused) => return refused,
	};
	let (work, session) = (portal.work.clone(), u.clone());
	job::start(&portal, &u, job::Kind::Download, async move {
		let opened = async {
			let dir = tempfile::tempdir_in(&work)?;
			let path = dir.path().join("record");
			let version = session.session.get_record(id, &path).await?;
			let file = tokio::fs::File::open(&path).await?;
			let len = file.metadata().await?.len();
			drop(dir);
			Ok::<_, CliError>((file, len, version))
		}
		.await;
		match opened {
			Ok((file, len, version)) => job::Outcome::File { id, version, file, len },
			Err(error) => job::Outcome::Failed {
				title: format!("Record {id}"),
				error,
				back: format!("/records/{id}"),
			},
		}
	})
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn refuses_what_is_not_an_account() {
		assert!(parse_account("<script>").is_err());
		assert!(parse_account(" 5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY ").is_ok());
	}
}
