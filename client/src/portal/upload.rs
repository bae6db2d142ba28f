//! The upload page: a file, its kind, and the clinicians to share it with.

use super::{
	job,
	records::{kind_name, staff, unavailable},
	Portal, Shared, Unlocked, Viewer,
};
use crate::cli::{args::parse_account, error::CliError};
use axum::{
	extract::{multipart::Field, DefaultBodyLimit, Multipart, State},
	http::HeaderMap,
	response::Response,
	routing::get,
	Router,
};
use ehr::{
	chain::AccountId,
	records::{Access, RecordError, RecordKind, MAX_INITIAL_READERS, MAX_RECORD_BYTES},
};
use tokio::io::AsyncWriteExt;

/// The most a form field other than the file may hold.
const FIELD_BYTES: usize = 4096;

const KINDS: [(&str, RecordKind); 7] = [
	("observation", RecordKind::Observation),
	("prescription", RecordKind::Prescription),
	("lab", RecordKind::Lab),
	("imaging", RecordKind::Imaging),
	("note", RecordKind::Note),
	("fhir", RecordKind::Fhir),
	("unspecified", RecordKind::Unspecified),
];

pub(super) fn routes() -> Router<Shared> {
	Router::new().route(
		"/upload",
		get(form).post(upload).layer(DefaultBodyLimit::max(
			// The file, plus room for the other fields and the multipart framing.
			usize::try_from(MAX_RECORD_BYTES).unwrap_or(usize::MAX).saturating_add(1 << 20),
		)),
	)
}

async fn form(State(portal): State<Shared>, Viewer(u): Viewer) -> Response {
	portal.show(&u, "Upload a record", Ok(page(&u).await))
}

async fn page(u: &Unlocked) -> String {
	let share = match staff(&u.session).await {
		Ok(staff) => super::page::share_boxes(&staff),
		Err(e) => unavailable("The list of clinicians is unavailable (upload without sharing)", &e),
	};
	let kinds: Vec<String> = KINDS
		.iter()
		.map(|(name, kind)| format!("<option value=\"{name}\">{}</option>", kind_name(kind)))
		.collect();
	super::page::upload_form(&u.csrf, &kinds.concat(), &share)
}

/// A text field, at most [`FIELD_BYTES`].
async fn text(mut field: Field<'_>) -> Result<String, CliError> {
	let mut bytes = Vec::new();
	while let Some(chunk) = field.chunk().await.map_err(broken)? {
		if bytes.len() + chunk.len() > FIELD_BYTES {
			return Err(CliError::Usage("a form field is too long".into()));
		}
		bytes.extend_from_slice(&chunk);
	}
	String::from_utf8(bytes).map_err(|_| CliError::Usage("a form field is not UTF-8".into()))
}

fn broken(e: axum::extract::multipart::MultipartError) -> CliError {
	CliError::Usage(format!("the upload did not arrive whole: {e}"))
}

/// An upload's fields after its CSRF token; the file is spooled to the
/// portal's private directory (deleted when dropped), which the library
/// reads as the CLI reads a file.
struct Upload {
	kind: RecordKind,
	share: Vec<AccountId>,
	file: Option<tempfile::NamedTempFile>,
}

async fn read(portal: &Portal, mut form: Multipart) -> Result<Upload, CliError> {
	let mut upload = Upload { kind: RecordKind::Unspecified, share: vec![], file: None };
	while let Some(mut field) = form.next_field().await.map_err(broken)? {
		let name = field.name().unwrap_or("").to_string();
		match name.as_str() {
			"file" => {
				let spool = tempfile::NamedTempFile::new_in(&portal.work)?;
				let mut out = tokio::fs::File::from_std(spool.reopen()?);
				while let Some(chunk) = field.chunk().await.map_err(broken)? {
					out.write_all(&chunk).await?;
				}
				out.flush().await?;
				upload.file = Some(spool);
			}
			"kind" => {
				let value = text(field).await?;
				upload.kind = KINDS
					.iter()
					.find(|(n, _)| *n == value)
					.map(|(_, k)| k.clone())
					.ok_or_else(|| CliError::Usage(format!("`{value}` is not a record kind")))?
			}
			"share" => {
				let who = parse_account(&text(field).await?)?;
				if !upload.share.contains(&who) {
					upload.share.push(who);
				}
				if upload.share.len() > MAX_INITIAL_READERS {
					return Err(RecordError::TooManyReaders(upload.share.len()).into());
				}
			}
			_ => return Err(CliError::Usage(format!("unexpected form field `{name}`"))),
		}
	}
	Ok(upload)
}

/// The form's first field must be the session's CSRF token: nothing of an
/// upload from elsewhere is read, let alone written.
async fn upload(State(portal): State<Shared>, headers: HeaderMap, mut form: Multipart) -> Response {
	let first = match form.next_field().await {
		Ok(Some(field)) if field.name() == Some("csrf") => text(field).await.unwrap_or_default(),
		_ => String::new(),
	};
	let u = match portal.checked(&headers, &first).await {
		Ok(u) => u,
		Err(refused) => return refused,
	};
	// Before the file is received: it may be large.
	if let Some(busy) = job::refused(&u) {
		return busy;
	}
	let received = async {
		let upload = read(&portal, form).await?;
		let file = upload.file.ok_or_else(|| CliError::Usage("choose a file to upload".into()))?;
		Ok::<_, CliError>((upload.kind, upload.share, file))
	}
	.await;
	let (kind, share, file) = match received {
		Ok(read) => read,
		Err(e) => {
			let body = page(&u).await;
			return portal.failed(&u, "Upload a record", &e, body);
		}
	};
	let session = u.clone();
	job::start(&portal, &u, job::Kind::Upload, async move {
		let me = session.session.account();
		let share: Vec<(AccountId, Access)> =
			share.iter().map(|who| (*who, Access::Read)).collect();
		// `file`, the spooled upload, is deleted when this ends.
		match session.session.add_record(&me, file.path(), kind, None, &share).await {
			Ok(id) => job::Outcome::Done {
				text: format!("Added record {id}."),
				to: format!("/records/{id}"),
			},
			Err(e) => job::Outcome::Failed {
				title: "Upload a record".into(),
				error: e.into(),
				back: "/upload".into(),
			},
		}
	})
}
