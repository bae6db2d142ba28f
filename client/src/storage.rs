//! Ciphertext in IPFS: a kubo daemon reached over its HTTP RPC API
//! (`/api/v0/...`). Only envelopes, never plaintext, go through here.
//!
//! A small client of our own: `ipfs-api-backend-hyper` 0.6 no longer
//! resolves (it needs the yanked `core2` 0.4.0).

use bytes::{Bytes, BytesMut};
use futures::TryStreamExt;
use reqwest::{multipart, Body, Client};
use sha2::{Digest, Sha256};
use std::{
	io::{self, Read, Write},
	path::Path,
};

/// Bytes per frame handed between the network and the thread that
/// encrypts or decrypts: kubo's default chunk size (4 KiB frames halved
/// throughput).
const UPLOAD_CHUNK: usize = 256 * 1024;

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
	#[error("{0:?} is not a CID (only letters, digits, `-` and `_`, at most 128)")]
	BadCid(String),
	#[error("IPFS found no copy of {cid} within {seconds} s: the ciphertext is not on this daemon nor on a peer it reaches")]
	NotFound { cid: String, seconds: u64 },
	#[error("{cid} is larger than {max} bytes")]
	TooLarge { cid: String, max: u64 },
	#[error(transparent)]
	Io(#[from] io::Error),
}

/// A kubo daemon's RPC endpoint, e.g. `http://127.0.0.1:5001`.
pub struct Ipfs {
	http: Client,
	url: String,
	find_timeout: std::time::Duration,
}

/// How long a read waits for IPFS to find an object before giving up.
pub const DEFAULT_FIND_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

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

/// Checks that `cid` can only be a CID: non-empty, at most 128 characters of
/// the multibase alphabets (the rule the pallet enforces). A CID comes from
/// chain state that another client wrote; this keeps paths, queries and
/// terminal escapes out of requests to kubo and out of messages.
pub fn check_cid(cid: &str) -> Result<&str, StorageError> {
	let alphabet = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
	if cid.is_empty() || cid.len() > 128 || !cid.bytes().all(alphabet) {
		return Err(StorageError::BadCid(cid.chars().take(128).collect()));
	}
	Ok(cid)
}

impl Ipfs {
	pub fn new(url: &str) -> Self {
		Ipfs {
			http: Client::new(),
			url: url.trim_end_matches('/').to_string(),
			find_timeout: DEFAULT_FIND_TIMEOUT,
		}
	}

	/// Waits at most `timeout` for IPFS to find an object before a read
	/// fails with [`StorageError::NotFound`] (kubo itself would wait forever).
	pub fn with_find_timeout(mut self, timeout: std::time::Duration) -> Self {
		self.find_timeout = timeout;
		self
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
		let mut file = std::fs::File::open(path)?;
		let (stored, copied) = self.add_pinned_from(move |out| io::copy(&mut file, out)).await?;
		copied?;
		Ok(stored)
	}

	/// Adds and pins, as a CIDv1 (raw leaves), the bytes `produce` writes
	/// on a thread of its own; they go to kubo as they are written, in
	/// constant memory and without a temporary file. Returns what was
	/// stored (CID, SHA-256, size) and `produce`'s own outcome, which the
	/// caller must check: a producer that failed half-way leaves a
	/// truncated object pinned.
	pub async fn add_pinned_from<T: Send + 'static, E: Send + 'static>(
		&self,
		produce: impl FnOnce(&mut dyn Write) -> Result<T, E> + Send + 'static,
	) -> Result<(Stored, Result<T, E>), StorageError> {
		let (frames, receiver) = tokio::sync::mpsc::channel(4);
		let producer = tokio::task::spawn_blocking(move || {
			let mut out = FrameWriter::new(frames);
			let produced = produce(&mut out);
			let flushed = out.flush();
			(out.hasher.finalize().into(), out.size, produced, flushed)
		});
		let body = futures::stream::unfold(receiver, |mut receiver| async move {
			receiver.recv().await.map(|frame| (Ok::<_, io::Error>(frame), receiver))
		});
		let form = multipart::Form::new()
			.part("file", multipart::Part::stream(Body::wrap_stream(body)).file_name("envelope"));
		let query =
			[("cid-version", "1"), ("raw-leaves", "true"), ("pin", "true"), ("quieter", "true")];
		let added = match self.call("add", &query, Some(form)).await {
			Ok(response) => response
				.json::<AddResponse>()
				.await
				.map_err(|e| StorageError::Refused(format!("unexpected add reply: {e}"))),
			Err(e) => Err(e),
		};
		let (digest, size, produced, flushed) =
			producer.await.expect("the producing thread does not panic");
		let added = added?;
		flushed?;
		Ok((Stored { cid: added.hash, digest, size }, produced))
	}

	/// Streams the object `cid` into `out` once IPFS found it; returns the
	/// SHA-256 of what was written and its size.
	pub async fn cat_into(
		&self,
		cid: &str,
		out: &mut impl Write,
	) -> Result<([u8; 32], u64), StorageError> {
		self.size_of(cid).await?;
		let response = self.call("cat", &[("arg", cid)], None).await?;
		let hashed = self.hashed(response, cid, u64::MAX, out).await?;
		out.flush()?;
		Ok(hashed)
	}

	/// Streams a reply into `out`, hashing it; fails with
	/// [`StorageError::TooLarge`] past `max` bytes.
	async fn hashed(
		&self,
		response: reqwest::Response,
		cid: &str,
		max: u64,
		out: &mut impl Write,
	) -> Result<([u8; 32], u64), StorageError> {
		let mut hasher = Sha256::new();
		let mut size = 0u64;
		let mut stream = response.bytes_stream();
		while let Some(chunk) = stream.try_next().await.map_err(|e| StorageError::Unreachable {
			url: self.url.clone(),
			reason: e.to_string(),
		})? {
			size += chunk.len() as u64;
			if size > max {
				return Err(StorageError::TooLarge { cid: cid.to_string(), max });
			}
			hasher.update(&chunk);
			out.write_all(&chunk)?;
		}
		Ok((hasher.finalize().into(), size))
	}

	/// The first `len` bytes of the file `cid` (fewer if it is shorter).
	pub async fn head(&self, cid: &str, len: usize) -> Result<Vec<u8>, StorageError> {
		self.size_of(cid).await?;
		let length = len.to_string();
		let response = self.call("cat", &[("arg", cid), ("length", &length)], None).await?;
		let bytes = response.bytes().await.map_err(|e| StorageError::Unreachable {
			url: self.url.clone(),
			reason: e.to_string(),
		})?;
		Ok(bytes[..bytes.len().min(len)].to_vec())
	}

	/// The size in bytes of the file `cid`; fails with
	/// [`StorageError::NotFound`] if IPFS cannot find it within the find
	/// timeout.
	pub async fn size_of(&self, cid: &str) -> Result<u64, StorageError> {
		#[derive(serde::Deserialize)]
		struct Stat {
			#[serde(rename = "Size")]
			size: u64,
		}
		let path = format!("/ipfs/{}", check_cid(cid)?);
		let timeout = format!("{}ms", self.find_timeout.as_millis());
		let response =
			match self.call("files/stat", &[("arg", &path), ("timeout", &timeout)], None).await {
				Err(StorageError::Refused(message)) if message.contains("deadline exceeded") => {
					let seconds = self.find_timeout.as_secs();
					return Err(StorageError::NotFound { cid: cid.to_string(), seconds });
				}
				other => other?,
			};
		let stat: Stat = response
			.json()
			.await
			.map_err(|e| StorageError::Refused(format!("unexpected files/stat reply: {e}")))?;
		Ok(stat.size)
	}

	/// Once IPFS found it, streams the object `cid` into `consume`, run on a
	/// thread of its own as the bytes arrive (in constant memory, without a
	/// temporary file), with the object's size as kubo reported it.
	/// Returns the SHA-256 and size of everything IPFS sent (whatever
	/// `consume` did not read is read anyway, so that the digest is
	/// always of the whole object) and `consume`'s own outcome.
	pub async fn cat_to<T: Send + 'static, E: Send + 'static>(
		&self,
		cid: &str,
		consume: impl FnOnce(&mut dyn Read, u64) -> Result<T, E> + Send + 'static,
	) -> Result<([u8; 32], u64, Result<T, E>), StorageError> {
		let len = self.size_of(cid).await?;
		let response = self.call("cat", &[("arg", cid)], None).await?;
		let (frames, receiver) = tokio::sync::mpsc::channel(16);
		let consumer = tokio::task::spawn_blocking(move || {
			let mut input = FrameReader {
				frames: receiver,
				frame: Bytes::new(),
				hasher: Sha256::new(),
				size: 0,
			};
			let consumed = consume(&mut input, len);
			let drained = io::copy(&mut input, &mut io::sink());
			(input.hasher.finalize().into(), input.size, consumed, drained)
		});
		let mut stream = response.bytes_stream();
		// HTTP hands over a few KiB at a time; waking the consumer for each
		// piece cost more than decrypting it, so pieces are gathered into
		// frames of `UPLOAD_CHUNK` bytes first.
		let mut frame = BytesMut::with_capacity(UPLOAD_CHUNK);
		let fetched = loop {
			match stream.try_next().await {
				Ok(Some(chunk)) => {
					frame.extend_from_slice(&chunk);
					if frame.len() >= UPLOAD_CHUNK {
						let full =
							std::mem::replace(&mut frame, BytesMut::with_capacity(UPLOAD_CHUNK));
						if frames.send(Ok(full.freeze())).await.is_err() {
							break Ok(());
						}
					}
				}
				Ok(None) => {
					if !frame.is_empty() {
						let _ = frames.send(Ok(frame.freeze())).await;
					}
					break Ok(());
				}
				Err(e) => {
					let reason = e.to_string();
					let _ = frames.send(Err(reason.clone())).await;
					break Err(StorageError::Unreachable { url: self.url.clone(), reason });
				}
			}
		};
		drop(frames);
		let (digest, size, consumed, drained) =
			consumer.await.expect("the consuming thread does not panic");
		fetched?;
		drained?;
		Ok((digest, size, consumed))
	}

	/// Unpins `cid`; an object that is not pinned is not an error.
	pub async fn unpin(&self, cid: &str) -> Result<(), StorageError> {
		match self.call("pin/rm", &[("arg", check_cid(cid)?)], None).await {
			Err(StorageError::Refused(message)) if message.contains("not pinned") => Ok(()),
			other => other.map(|_| ()),
		}
	}

	/// Pins `cid`, fetching what this daemon lacks from its peers, under
	/// `name`; fails with [`StorageError::NotFound`] when the whole object
	/// was not fetched within `timeout`.
	pub async fn pin(
		&self,
		cid: &str,
		name: &str,
		timeout: std::time::Duration,
	) -> Result<(), StorageError> {
		let deadline = format!("{}ms", timeout.as_millis());
		let query = [("arg", check_cid(cid)?), ("name", name), ("timeout", &deadline)];
		match self.call("pin/add", &query, None).await {
			Err(StorageError::Refused(message)) if message.contains("deadline exceeded") => {
				Err(StorageError::NotFound { cid: cid.to_string(), seconds: timeout.as_secs() })
			}
			other => other.map(|_| ()),
		}
	}

	/// The CIDs pinned recursively (what `pin` and `add_pinned` pin), with
	/// each pin's name (empty if it has none).
	pub async fn pins(&self) -> Result<std::collections::BTreeMap<String, String>, StorageError> {
		#[derive(serde::Deserialize)]
		struct Pin {
			#[serde(rename = "Name", default)]
			name: String,
		}
		#[derive(serde::Deserialize)]
		struct Listed {
			#[serde(rename = "Keys", default)]
			keys: std::collections::BTreeMap<String, Pin>,
		}
		let query = [("type", "recursive"), ("names", "true")];
		let response = self.call("pin/ls", &query, None).await?;
		let listed: Listed = response
			.json()
			.await
			.map_err(|e| StorageError::Refused(format!("unexpected pin/ls reply: {e}")))?;
		Ok(listed.keys.into_iter().map(|(cid, pin)| (cid, pin.name)).collect())
	}

	/// Removes every block that no pin holds (kubo's garbage collection).
	pub async fn collect_garbage(&self) -> Result<(), StorageError> {
		let response = self.call("repo/gc", &[("quiet", "true")], None).await?;
		// kubo reports as it goes, errors included, in a reply that began
		// with 200; it is done when the reply ends.
		let body = response.bytes().await.map_err(|e| StorageError::Unreachable {
			url: self.url.clone(),
			reason: e.to_string(),
		})?;
		for line in body.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
			let error = serde_json::from_slice::<serde_json::Value>(line)
				.ok()
				.and_then(|v| v.get("Error").and_then(|e| e.as_str()).map(str::to_string));
			if let Some(error) = error.filter(|e| !e.is_empty()) {
				return Err(StorageError::Refused(format!("garbage collection: {error}")));
			}
		}
		Ok(())
	}

	/// The SHA-256 and size of the object `cid`, reading at most `max`
	/// bytes of it within `timeout` (what a DAG's root claims is not
	/// trusted); fails with [`StorageError::TooLarge`] past `max`, and with
	/// [`StorageError::NotFound`] when fewer bytes came than the root
	/// claims (the rest was not found in time). The blocks read stay in the
	/// daemon's cache (unpinned) until its garbage collection.
	pub async fn digest_of(
		&self,
		cid: &str,
		max: u64,
		timeout: std::time::Duration,
	) -> Result<([u8; 32], u64), StorageError> {
		let claimed = self.size_of(cid).await?;
		let length = max.saturating_add(1).to_string();
		let deadline = format!("{}ms", timeout.as_millis());
		let query = [("arg", cid), ("length", &length), ("timeout", &deadline)];
		let response = self.call("cat", &query, None).await?;
		let (digest, size) = self.hashed(response, cid, max, &mut io::sink()).await?;
		if size < claimed.min(max) {
			return Err(StorageError::NotFound {
				cid: cid.to_string(),
				seconds: timeout.as_secs(),
			});
		}
		Ok((digest, size))
	}

	/// The daemon's libp2p peer id: a repo made anew has another.
	pub async fn peer_id(&self) -> Result<String, StorageError> {
		#[derive(serde::Deserialize)]
		struct Id {
			#[serde(rename = "ID")]
			id: String,
		}
		let response = self.call("id", &[], None).await?;
		let id: Id = response
			.json()
			.await
			.map_err(|e| StorageError::Refused(format!("unexpected id reply: {e}")))?;
		Ok(id.id)
	}

	/// Whether `cid` is pinned directly or recursively.
	pub async fn is_pinned(&self, cid: &str) -> Result<bool, StorageError> {
		match self.call("pin/ls", &[("arg", check_cid(cid)?)], None).await {
			Ok(_) => Ok(true),
			Err(StorageError::Refused(message)) if message.contains("not pinned") => Ok(false),
			Err(e) => Err(e),
		}
	}
}

/// A `Write` that hashes what it is given and hands it on in frames of
/// `UPLOAD_CHUNK` bytes to an upload; fails once the upload has stopped.
struct FrameWriter {
	frames: tokio::sync::mpsc::Sender<Vec<u8>>,
	frame: Vec<u8>,
	hasher: Sha256,
	size: u64,
}

impl FrameWriter {
	fn new(frames: tokio::sync::mpsc::Sender<Vec<u8>>) -> Self {
		FrameWriter {
			frames,
			frame: Vec::with_capacity(UPLOAD_CHUNK),
			hasher: Sha256::new(),
			size: 0,
		}
	}
}

impl Write for FrameWriter {
	fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
		let n = bytes.len().min(UPLOAD_CHUNK - self.frame.len());
		self.frame.extend_from_slice(&bytes[..n]);
		self.hasher.update(&bytes[..n]);
		self.size += n as u64;
		if self.frame.len() == UPLOAD_CHUNK {
			self.flush()?;
		}
		Ok(n)
	}

	fn flush(&mut self) -> io::Result<()> {
		if self.frame.is_empty() {
			return Ok(());
		}
		let frame = std::mem::replace(&mut self.frame, Vec::with_capacity(UPLOAD_CHUNK));
		self.frames
			.blocking_send(frame)
			.map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the upload to IPFS stopped"))
	}
}

/// A `Read` over the frames of a download, hashing them as they are read.
struct FrameReader {
	frames: tokio::sync::mpsc::Receiver<Result<Bytes, String>>,
	frame: Bytes,
	hasher: Sha256,
	size: u64,
}

impl Read for FrameReader {
	fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
		while self.frame.is_empty() {
			match self.frames.blocking_recv() {
				Some(Ok(frame)) => self.frame = frame,
				Some(Err(reason)) => return Err(io::Error::other(reason)),
				None => return Ok(0),
			}
		}
		let n = buf.len().min(self.frame.len());
		let taken = self.frame.split_to(n);
		buf[..n].copy_from_slice(&taken);
		self.hasher.update(&taken);
		self.size += n as u64;
		Ok(n)
	}
}

/// SHA-256 and size of a file, read in constant memory.
pub fn sha256_file(path: &Path) -> io::Result<([u8; 32], u64)> {
	let mut hasher = Sha256::new();
	let size = io::copy(&mut std::fs::File::open(path)?, &mut hasher)?;
	Ok((hasher.finalize().into(), size))
}
