//! The kubo path of `ehr record add` / `get` next to kubo's own CLI on the
//! same bytes, to show what the client adds (encryption, a temporary
//! ciphertext file, digest check, decryption).
//!
//!   bench_store NODE_URL IPFS_URL MIB REPEATS     (see `scripts/bench`)
//!
//! `ipfs` must be on PATH with IPFS_PATH (or `--api`) pointing at the same
//! daemon. Prints Markdown rows: median MiB/s of each and the ratio.

use std::{path::Path, process::Command, time::Instant};

use ehr::{
	chain::{self, Wait},
	crypto::{os_rng, DataKey},
	keystore::Keys,
	records::{RecordKind, Role, Session},
	storage::Ipfs,
};
use rand_core::RngCore;

fn ipfs(args: &[&str], api: &str) -> String {
	let out = Command::new("ipfs").arg("--api").arg(api).args(args).output().expect("ipfs");
	assert!(out.status.success(), "ipfs {args:?}: {}", String::from_utf8_lossy(&out.stderr));
	String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Median seconds of `repeats` runs of `f`.
async fn median<F: std::future::Future<Output = ()>>(
	repeats: usize,
	mut f: impl FnMut() -> F,
) -> f64 {
	let mut secs = Vec::new();
	for _ in 0..repeats {
		let started = Instant::now();
		f().await;
		secs.push(started.elapsed().as_secs_f64());
	}
	secs.sort_by(f64::total_cmp);
	secs[secs.len() / 2]
}

fn row(what: &str, mib: f64, ours: f64, theirs: f64, baseline: &str) {
	println!(
		"| {what} | {mib:.0} MiB | {:.0} MiB/s | {baseline} {:.0} MiB/s | {:.2}× |",
		mib / ours,
		mib / theirs,
		theirs / ours
	);
}

#[tokio::main]
async fn main() {
	let args: Vec<String> = std::env::args().collect();
	let [_, node, ipfs_url, mib, repeats] = &args[..] else {
		panic!("bench_store NODE_URL IPFS_URL MIB REPEATS")
	};
	let (mib, repeats): (f64, usize) =
		(mib.parse().expect("MIB"), repeats.parse().expect("REPEATS"));
	// kubo's CLI takes the API as a multiaddr.
	let (host, port) = ipfs_url.trim_start_matches("http://").split_once(':').expect("host:port");
	let api = format!("/ip4/{host}/tcp/{}", port.trim_end_matches('/'));
	let patient = Session {
		chain: chain::connect(node).await.expect("node"),
		ipfs: Ipfs::new(ipfs_url),
		keys: Keys::from_secret_uri("//Ferdie", &mut os_rng()).expect("dev key"),
		progress: None,
		contacts: None,
		wait: Wait::InBlock,
	};
	let me = patient.account();
	let key = patient.keys.encryption.public_bytes();
	if patient.register_self(Role::Patient).await.is_err() {
		// Registered by an earlier run, with another encryption key.
		let genesis = patient.chain.genesis_hash().0;
		let proof = patient.keys.encryption.key_proof(&genesis, &me.0, &mut os_rng());
		let call = chain::runtime::transactions().ehr_acl().rotate_encryption_key(key, proof);
		chain::submit(&patient.chain, &call, &patient.keys.signer, Wait::InBlock)
			.await
			.expect("rotate");
	}

	let dir = tempfile::tempdir().expect("tempdir");
	let file = dir.path().join("plain");
	let mut bytes = vec![0u8; (mib * 1024.0 * 1024.0) as usize];
	os_rng().fill_bytes(&mut bytes);
	std::fs::write(&file, &bytes).expect("write");
	drop(bytes);
	let path = file.to_str().expect("utf-8 path");

	let raw_add = median(repeats, || async {
		ipfs(&["add", "-Q", "--pin=true", path], &api);
	})
	.await;
	let our_add = median(repeats, || async {
		let key = DataKey::generate(&mut os_rng());
		let input = std::fs::File::open(&file).expect("open");
		let len = input.metadata().expect("len").len();
		patient.seal_and_store(&key, input, len).await.expect("store");
	})
	.await;

	let id = patient.add_record(&me, &file, RecordKind::Imaging, None, &[]).await.expect("add");
	let cid = ehr::chain::query::record(&patient.chain, id).await.expect("query").expect("record");
	let cid = String::from_utf8_lossy(&cid.record.cid.0).into_owned();
	let raw_cat = median(repeats, || async {
		let out = Command::new("sh")
			.arg("-c")
			.arg(format!("ipfs --api {api} cat {cid} > /dev/null"))
			.status()
			.expect("ipfs cat");
		assert!(out.success());
	})
	.await;
	let out = dir.path().join("read");
	let our_get = median(repeats, || async {
		patient.read_record(id, Path::new(&out)).await.expect("read");
	})
	.await;
	row(
		"`ehr record add` storage path (encrypt + pin) vs `ipfs add --pin`",
		mib,
		our_add,
		raw_add,
		"`ipfs add`",
	);
	row(
		"`ehr record get` (fetch + digest + decrypt) vs `ipfs cat`",
		mib,
		our_get,
		raw_cat,
		"`ipfs cat`",
	);
}
