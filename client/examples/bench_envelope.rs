//! Envelope throughput and memory, one core. Run through
//! `scripts/bench-crypto`, which also measures OpenSSL for the ratio.
//!
//!   bench_envelope throughput OPENSSL_MIB_S SIZE_MIB...
//!   bench_envelope stream SIZE_MIB      (prints peak RSS; run it alone)

use aes_gcm::{aead::AeadInPlace, Aes256Gcm, KeyInit};
use ehr::crypto::{
	envelope::{self, DEFAULT_CHUNK_SIZE},
	os_rng, DataKey,
};
use std::{
	fs::File,
	io::{self, BufReader, BufWriter, Read},
	time::Instant,
};

const MIB: u64 = 1024 * 1024;

fn peak_rss_mib() -> f64 {
	let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
	let kib: f64 = status
		.lines()
		.find_map(|l| l.strip_prefix("VmHWM:"))
		.and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
		.unwrap_or(f64::NAN);
	kib / 1024.0
}

/// Seals `size` zero bytes into `path`, returning encryption MiB/s.
fn encrypt_to(key: &DataKey, size: u64, path: &std::path::Path) -> f64 {
	let mut out = BufWriter::with_capacity(1 << 20, File::create(path).expect("create"));
	let start = Instant::now();
	envelope::encrypt(key, DEFAULT_CHUNK_SIZE, [7; 16], &mut io::repeat(0).take(size), &mut out)
		.expect("encrypt");
	(size / MIB) as f64 / start.elapsed().as_secs_f64()
}

fn encrypt_to_sink(key: &DataKey, size: u64) -> f64 {
	let start = Instant::now();
	envelope::encrypt(
		key,
		DEFAULT_CHUNK_SIZE,
		[7; 16],
		&mut io::repeat(0).take(size),
		&mut io::sink(),
	)
	.expect("encrypt");
	(size / MIB) as f64 / start.elapsed().as_secs_f64()
}

fn decrypt_from(key: &DataKey, size: u64, path: &std::path::Path) -> f64 {
	let mut input = BufReader::with_capacity(1 << 20, File::open(path).expect("open"));
	let start = Instant::now();
	let n = envelope::decrypt(key, &mut input, &mut io::sink()).expect("decrypt");
	assert_eq!(n, size);
	(size / MIB) as f64 / start.elapsed().as_secs_f64()
}

/// The RustCrypto `aes-gcm` crate sealing 64 KiB chunks in place: the
/// alternative to `ring` for the payload.
fn rustcrypto_seal(size: u64) -> f64 {
	let cipher = Aes256Gcm::new_from_slice(&[1; 32]).expect("key");
	let mut chunk = vec![0u8; DEFAULT_CHUNK_SIZE as usize];
	let start = Instant::now();
	for i in 0..size / DEFAULT_CHUNK_SIZE as u64 {
		let mut nonce = [0u8; 12];
		nonce[..8].copy_from_slice(&i.to_be_bytes());
		cipher.encrypt_in_place_detached(&nonce.into(), b"", &mut chunk).expect("seal");
	}
	(size / MIB) as f64 / start.elapsed().as_secs_f64()
}

fn main() {
	let args: Vec<String> = std::env::args().skip(1).collect();
	let key = DataKey::generate(&mut os_rng());
	let dir = tempfile::tempdir().expect("tempdir");
	let path = dir.path().join("sealed");
	match args.first().map(String::as_str) {
		Some("throughput") => {
			let openssl: f64 = args[1].parse().expect("OpenSSL MiB/s");
			println!("| input | encrypt MiB/s | × OpenSSL | decrypt MiB/s | × OpenSSL | aes-gcm crate seal MiB/s |");
			println!("|---|---|---|---|---|---|");
			for size_mib in &args[2..] {
				let size = size_mib.parse::<u64>().expect("size in MiB") * MIB;
				// Warm up, then measure encryption without disk, decryption from
				// the page cache.
				encrypt_to(&key, size.min(64 * MIB), &path);
				let enc = encrypt_to_sink(&key, size);
				encrypt_to(&key, size, &path);
				let dec = decrypt_from(&key, size, &path);
				let alt = rustcrypto_seal(size);
				println!(
					"| {size_mib} MiB | {enc:.0} | {:.2} | {dec:.0} | {:.2} | {alt:.0} |",
					enc / openssl,
					dec / openssl
				);
			}
		}
		Some("stream") => {
			let size = args[1].parse::<u64>().expect("size in MiB") * MIB;
			let enc = encrypt_to(&key, size, &path);
			let dec = decrypt_from(&key, size, &path);
			println!(
				"streamed {} MiB: encrypt {enc:.0} MiB/s, decrypt {dec:.0} MiB/s, peak RSS {:.1} MiB",
				size / MIB,
				peak_rss_mib()
			);
		}
		_ => eprintln!(
			"usage: bench_envelope throughput OPENSSL_MIB_S SIZE_MIB... | stream SIZE_MIB"
		),
	}
}
