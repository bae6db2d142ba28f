//! The encrypted envelope a record's bytes are stored in (spec:
//! `docs/envelope.md`).
//!
//! A 68-byte header, then the payload as AES-256-GCM chunks in the STREAM
//! construction: every chunk but the last holds exactly `chunk_size`
//! plaintext bytes, each nonce is the chunk counter plus a last-chunk flag,
//! so dropping, reordering, swapping or appending chunks fails
//! authentication. Encryption and decryption stream from any `Read` to any
//! `Write` holding two chunks in memory.

use super::DataKey;
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM};
use sha2::Sha256;
use std::io::{self, Read, Write};
use zeroize::Zeroizing;

/// First bytes of every envelope.
pub const MAGIC: [u8; 4] = *b"EHRE";
/// The format version this code writes and reads.
pub const VERSION: u8 = 1;
/// Suite 1: HKDF-SHA256 subkeys, HMAC-SHA256 header MAC, AES-256-GCM STREAM.
pub const SUITE_AES256GCM_STREAM: u8 = 1;
/// Plaintext bytes per chunk unless the writer chooses otherwise.
pub const DEFAULT_CHUNK_SIZE: u32 = 64 * 1024;
pub const MIN_CHUNK_SIZE: u32 = 1024;
pub const MAX_CHUNK_SIZE: u32 = 16 * 1024 * 1024;
/// Bytes of the header.
pub const HEADER_LEN: usize = 68;
/// Bytes the AEAD tag adds to every chunk.
pub const TAG_LEN: usize = 16;

const SALT_LEN: usize = 16;
const KEY_CHECK_LEN: usize = 8;
const MAC_OFFSET: usize = HEADER_LEN - 32;

/// Why an envelope could not be opened. Each failure has its own variant so
/// callers (and the test vectors) can tell them apart.
#[derive(Debug, thiserror::Error)]
pub enum EnvelopeError {
	#[error("not an EHR envelope (bad magic bytes)")]
	BadMagic,
	#[error("envelope version {0} is not supported (this client reads version {VERSION})")]
	UnsupportedVersion(u8),
	#[error("cipher suite {0} is not supported")]
	UnsupportedSuite(u8),
	#[error("chunk size {0} is outside {MIN_CHUNK_SIZE}..={MAX_CHUNK_SIZE}")]
	BadChunkSize(u32),
	#[error("reserved header bytes are not zero")]
	BadReserved,
	#[error("the data key does not open this envelope (wrong key)")]
	WrongKey,
	#[error("the envelope header was altered")]
	HeaderTampered,
	#[error("chunk {index} was altered, reordered or comes from another envelope")]
	ChunkTampered { index: u64 },
	#[error("the envelope is truncated")]
	Truncated,
	#[error("data follows the envelope's last chunk")]
	TrailingData,
	#[error("the envelope has more chunks than the format allows")]
	TooManyChunks,
	#[error(transparent)]
	Io(#[from] io::Error),
}

/// The parsed, not yet authenticated, header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
	pub chunk_size: u32,
	pub salt: [u8; SALT_LEN],
	key_check: [u8; KEY_CHECK_LEN],
	mac: [u8; 32],
}

impl Header {
	/// Parses the fixed header fields; authenticity is checked against a key
	/// later by [`Keys::verify`].
	pub fn parse(bytes: &[u8; HEADER_LEN]) -> Result<Self, EnvelopeError> {
		if bytes[..4] != MAGIC {
			return Err(EnvelopeError::BadMagic);
		}
		if bytes[4] != VERSION {
			return Err(EnvelopeError::UnsupportedVersion(bytes[4]));
		}
		if bytes[5] != SUITE_AES256GCM_STREAM {
			return Err(EnvelopeError::UnsupportedSuite(bytes[5]));
		}
		if bytes[6..8] != [0, 0] {
			return Err(EnvelopeError::BadReserved);
		}
		let chunk_size = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
		if !(MIN_CHUNK_SIZE..=MAX_CHUNK_SIZE).contains(&chunk_size) {
			return Err(EnvelopeError::BadChunkSize(chunk_size));
		}
		Ok(Header {
			chunk_size,
			salt: bytes[12..28].try_into().expect("16 bytes"),
			key_check: bytes[28..36].try_into().expect("8 bytes"),
			mac: bytes[MAC_OFFSET..].try_into().expect("32 bytes"),
		})
	}

	/// The header's bytes up to (not including) the MAC.
	fn unmacced(&self) -> [u8; MAC_OFFSET] {
		let mut out = [0u8; MAC_OFFSET];
		out[..4].copy_from_slice(&MAGIC);
		out[4] = VERSION;
		out[5] = SUITE_AES256GCM_STREAM;
		out[8..12].copy_from_slice(&self.chunk_size.to_le_bytes());
		out[12..28].copy_from_slice(&self.salt);
		out[28..36].copy_from_slice(&self.key_check);
		out
	}

	pub fn to_bytes(&self) -> [u8; HEADER_LEN] {
		let mut out = [0u8; HEADER_LEN];
		out[..MAC_OFFSET].copy_from_slice(&self.unmacced());
		out[MAC_OFFSET..].copy_from_slice(&self.mac);
		out
	}
}

/// Subkeys of one envelope, derived from the data key and the header salt.
struct Keys {
	payload: LessSafeKey,
	key_check: [u8; KEY_CHECK_LEN],
	mac_key: Zeroizing<[u8; 32]>,
}

impl Keys {
	fn derive(data_key: &DataKey, salt: &[u8; SALT_LEN]) -> Self {
		let hk = Hkdf::<Sha256>::new(Some(salt), data_key.as_bytes());
		let mut payload = Zeroizing::new([0u8; 32]);
		let mut key_check = [0u8; KEY_CHECK_LEN];
		let mut mac_key = Zeroizing::new([0u8; 32]);
		hk.expand(b"ehr-envelope v1 payload", payload.as_mut())
			.expect("32 bytes is a valid length");
		hk.expand(b"ehr-envelope v1 key check", &mut key_check).expect("valid length");
		hk.expand(b"ehr-envelope v1 header mac", mac_key.as_mut()).expect("valid length");
		let payload = LessSafeKey::new(
			UnboundKey::new(&AES_256_GCM, payload.as_ref()).expect("32-byte AES key"),
		);
		Keys { payload, key_check, mac_key }
	}

	fn mac(&self, header: &Header) -> [u8; 32] {
		let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.mac_key.as_ref())
			.expect("HMAC takes any key length");
		mac.update(&header.unmacced());
		mac.finalize().into_bytes().into()
	}

	fn verify(&self, header: &Header) -> Result<(), EnvelopeError> {
		if !constant_time_eq(&self.key_check, &header.key_check) {
			return Err(EnvelopeError::WrongKey);
		}
		let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.mac_key.as_ref())
			.expect("HMAC takes any key length");
		mac.update(&header.unmacced());
		mac.verify_slice(&header.mac).map_err(|_| EnvelopeError::HeaderTampered)
	}
}

/// Whether `data_key` is the key of the envelope whose header is `header`
/// (its key check and MAC), without reading any payload.
pub fn opens(data_key: &DataKey, header: &[u8; HEADER_LEN]) -> Result<(), EnvelopeError> {
	let header = Header::parse(header)?;
	Keys::derive(data_key, &header.salt).verify(&header)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
	a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// 96-bit nonce: 3 zero bytes, the chunk counter (big-endian u64), and 1 on
/// the last chunk.
fn nonce(index: u64, last: bool) -> Nonce {
	let mut n = [0u8; 12];
	n[3..11].copy_from_slice(&index.to_be_bytes());
	n[11] = u8::from(last);
	Nonce::assume_unique_for_key(n)
}

/// Reads until `buf` is full or the input ends; returns the bytes read.
fn read_full(input: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
	let mut filled = 0;
	while filled < buf.len() {
		match input.read(&mut buf[filled..]) {
			Ok(0) => break,
			Ok(n) => filled += n,
			Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
			Err(e) => return Err(e),
		}
	}
	Ok(filled)
}

/// Encrypts everything `input` yields into `output` under `data_key`.
/// Returns the number of plaintext bytes encrypted.
pub fn encrypt(
	data_key: &DataKey,
	chunk_size: u32,
	salt: [u8; SALT_LEN],
	input: &mut impl Read,
	output: &mut impl Write,
) -> Result<u64, EnvelopeError> {
	if !(MIN_CHUNK_SIZE..=MAX_CHUNK_SIZE).contains(&chunk_size) {
		return Err(EnvelopeError::BadChunkSize(chunk_size));
	}
	let keys = Keys::derive(data_key, &salt);
	let mut header = Header { chunk_size, salt, key_check: keys.key_check, mac: [0; 32] };
	header.mac = keys.mac(&header);
	output.write_all(&header.to_bytes())?;

	let size = chunk_size as usize;
	// Two buffers: the chunk being sealed and the next one, read ahead to know
	// whether the current chunk is the last.
	let mut current = Zeroizing::new(vec![0u8; size + TAG_LEN]);
	let mut next = Zeroizing::new(vec![0u8; size + TAG_LEN]);
	let mut len = read_full(input, &mut current[..size])?;
	let mut total = 0u64;
	for index in 0u64.. {
		let next_len = if len == size { read_full(input, &mut next[..size])? } else { 0 };
		let last = next_len == 0;
		let tag = keys
			.payload
			.seal_in_place_separate_tag(
				nonce(index, last),
				Aad::from(&header.mac),
				&mut current[..len],
			)
			.map_err(|_| EnvelopeError::TooManyChunks)?;
		current[len..len + TAG_LEN].copy_from_slice(tag.as_ref());
		output.write_all(&current[..len + TAG_LEN])?;
		total += len as u64;
		if last {
			break;
		}
		std::mem::swap(&mut current, &mut next);
		len = next_len;
	}
	output.flush()?;
	Ok(total)
}

/// Decrypts an envelope from `input` into `output`. Plaintext is written
/// chunk by chunk as each authenticates, so on error the output holds a
/// prefix of the plaintext and the caller must discard it.
pub fn decrypt(
	data_key: &DataKey,
	input: &mut impl Read,
	output: &mut impl Write,
) -> Result<u64, EnvelopeError> {
	let mut header_bytes = [0u8; HEADER_LEN];
	if read_full(input, &mut header_bytes)? < HEADER_LEN {
		// Too short to be anything: tell a stranger from a cut-off envelope.
		return Err(if header_bytes[..4] == MAGIC {
			EnvelopeError::Truncated
		} else {
			EnvelopeError::BadMagic
		});
	}
	let header = Header::parse(&header_bytes)?;
	let keys = Keys::derive(data_key, &header.salt);
	keys.verify(&header)?;

	let sealed = header.chunk_size as usize + TAG_LEN;
	let mut current = Zeroizing::new(vec![0u8; sealed]);
	let mut next = Zeroizing::new(vec![0u8; sealed]);
	let mut len = read_full(input, &mut current)?;
	let mut total = 0u64;
	for index in 0u64.. {
		if len < TAG_LEN {
			return Err(EnvelopeError::Truncated);
		}
		let next_len = if len == sealed { read_full(input, &mut next)? } else { 0 };
		let last = next_len == 0;
		// Opening fails destructively, so keep the ciphertext of the two
		// chunks where the other last-chunk flag tells something: the final
		// piece (opens as non-last: cut at a chunk boundary) and a full chunk
		// right before it (opens as last: data appended after the end).
		let fallback = (last || next_len < sealed).then(|| Zeroizing::new(current[..len].to_vec()));
		let opened = keys.payload.open_in_place(
			nonce(index, last),
			Aad::from(&header.mac),
			&mut current[..len],
		);
		let plain_len = match opened {
			Ok(plain) => plain.len(),
			Err(_) => {
				let other_flag_opens = fallback.is_some_and(|mut copy| {
					keys.payload
						.open_in_place(nonce(index, !last), Aad::from(&header.mac), &mut copy)
						.is_ok()
				});
				return Err(match (other_flag_opens, last) {
					(true, true) => EnvelopeError::Truncated,
					(true, false) => EnvelopeError::TrailingData,
					(false, _) => EnvelopeError::ChunkTampered { index },
				});
			}
		};
		if !last && plain_len != header.chunk_size as usize {
			return Err(EnvelopeError::ChunkTampered { index });
		}
		output.write_all(&current[..plain_len])?;
		total += plain_len as u64;
		if last {
			break;
		}
		std::mem::swap(&mut current, &mut next);
		len = next_len;
	}
	output.flush()?;
	Ok(total)
}

/// Size of the envelope of `plaintext_len` bytes.
pub fn sealed_len(plaintext_len: u64, chunk_size: u32) -> u64 {
	let chunks = plaintext_len.div_ceil(chunk_size as u64).max(1);
	HEADER_LEN as u64 + plaintext_len + chunks * TAG_LEN as u64
}
