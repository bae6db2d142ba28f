//! Ciphertext in IPFS: a kubo daemon reached over its HTTP RPC API
//! (`/api/v0/...`). Only envelopes, never plaintext, go through here.
//!
//! A small client of our own: `ipfs-api-backend-hyper` 0.6 no longer
//! resolves (it needs the yanked `core2` 0.4.0).

use futures::TryStreamExt;
use reqwest::{multipart, Body, Client};
use sha2::{Digest, Sha256};
use std::{
	io::{self, Write},
	path::Path,
};
use tokio_util::io::ReaderStream;

/// What can go wrong talking to IPFS.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
	#[error(
		"IPFS is not reachable at {url}: {reason}. Is the daemon running? (scripts/ipfs start)"
	)]
	Unreachable { url: String, reason: String },
	#[error("IPFS refused the request: {0}")]
	Refused(String),
	#[error("the ciphertext from IPFS does not match the digest on chain (expected {expected}, got {actual})")]
	DigestMismatch { expected: String, actual: String },
	#[error(transparent)]
	Io(#[from] io::Error),
}

/// A kubo daemon's RPC endpoint, e.g. `http://127.0.0.1:5001`.
pub struct Ipfs {
	http: Client,
	url: String,
}

/// A stored ciphertext: its CID, SHA-256 and size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stored {
	pub cid: String,
	pub digest: [u8; 32],
	pub size: u64,
}

#[derive(serde::Deserialize)]
struct AddResponse {
	#[serde(rename = "Hash")]
	hash: String,
}

impl Ipfs {
	pub fn new(url: &str) -> Self {
		Ipfs { http: Client::new(), url: url.trim_end_matches('/').to_string() }
	}

	/// POSTs to `/api/v0/{command}`; a transport failure means the daemon is
	/// down, a non-2xx answer carries kubo's message.
	async fn call(
		&self,
		command: &str,
		query: &[(&str, &str)],
		form: Option<multipart::Form>,
	) -> Result<reqwest::Response, StorageError> {
		let mut request = self.http.post(format!("{}/api/v0/{command}", self.url)).query(query);
		if let Some(form) = form {
			request = request.multipart(form);
		}
		let response = request.send().await.map_err(|e| StorageError::Unreachable {
			url: self.url.clone(),
			reason: e.to_string(),
		})?;
		if response.status().is_success() {
			Ok(response)
		} else {
			let body = response.text().await.unwrap_or_default();
			Err(StorageError::Refused(body.trim().to_string()))
		}
	}

	/// Checks the daemon answers.
	pub async fn ping(&self) -> Result<(), StorageError> {
		self.call("version", &[], None).await.map(|_| ())
	}

	/// Adds and pins the file at `path` as a CIDv1 (raw leaves), streaming
	/// it; returns its CID and the SHA-256 of its bytes.
	pub async fn add_pinned(&self, path: &Path) -> Result<Stored, StorageError> {
		let (digest, size) = sha256_file(path)?;
		let file = tokio::fs::File::open(path).await?;
		let part =
			multipart::Part::stream_with_length(Body::wrap_stream(ReaderStream::new(file)), size)
				.file_name("envelope");
		let form = multipart::Form::new().part("file", part);
		let query =
			[("cid-version", "1"), ("raw-leaves", "true"), ("pin", "true"), ("quieter", "true")];
		let response = self.call("add", &query, Some(form)).await?;
		let added: AddResponse = response
			.json()
			.await
			.map_err(|e| StorageError::Refused(format!("unexpected add reply: {e}")))?;
		Ok(Stored { cid: added.hash, digest, size })
	}

	/// Streams the object `cid` into `out`; returns the SHA-256 of what was
	/// written and its size.
	pub async fn cat_into(
		&self,
		cid: &str,
		out: &mut impl Write,
	) -> Result<([u8; 32], u64), StorageError> {
		let response = self.call("cat", &[("arg", cid)], None).await?;
		let mut hasher = Sha256::new();
		let mut size = 0u64;
		let mut stream = response.bytes_stream();
		while let Some(chunk) = stream.try_next().await.map_err(|e| StorageError::Unreachable {
			url: self.url.clone(),
			reason: e.to_string(),
		})? {
			hasher.update(&chunk);
			out.write_all(&chunk)?;
			size += chunk.len() as u64;
		}
		out.flush()?;
		Ok((hasher.finalize().into(), size))
	}

	/// Unpins `cid`; an object that is not pinned is not an error.
	pub async fn unpin(&self, cid: &str) -> Result<(), StorageError> {
		match self.call("pin/rm", &[("arg", cid)], None).await {
			Err(StorageError::Refused(message)) if message.contains("not pinned") => Ok(()),
			other => other.map(|_| ()),
		}
	}

	/// Whether `cid` is pinned directly or recursively.
	pub async fn is_pinned(&self, cid: &str) -> Result<bool, StorageError> {
		match self.call("pin/ls", &[("arg", cid)], None).await {
			Ok(_) => Ok(true),
			Err(StorageError::Refused(message)) if message.contains("not pinned") => Ok(false),
			Err(e) => Err(e),
		}
	}
}

/// SHA-256 and size of a file, read in constant memory.
pub fn sha256_file(path: &Path) -> io::Result<([u8; 32], u64)> {
	let mut hasher = Sha256::new();
	let size = io::copy(&mut std::fs::File::open(path)?, &mut hasher)?;
	Ok((hasher.finalize().into(), size))
}
