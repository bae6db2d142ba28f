//! Hostile input at every boundary of a real deployment: raw extrinsics
//! against a real node, the `ehr` binary against a real node and kubo with
//! bad files, corrupt keystores, the wrong chain and records whose CID is
//! malformed or missing, and the node or kubo killed in the middle of an
//! operation. Each must end with a clear error and exit code, change
//! nothing, leave nothing half-written and print no secret.

mod common;

use ehr::chain::query;

use common::{
	files_where, kubo_rpc, pinned_count, wait_for_node, DevNode, Kubo, World, PASSPHRASE,
};
use ehr::{
	chain::{
		self,
		runtime::{
			self,
			runtime_types::{
				bounded_collections::bounded_vec::BoundedVec,
				pallet_ehr_acl::types::{RecordKind, Role},
			},
		},
		Client, Config,
	},
	crypto::{
		os_rng,
		wrap::{self, EncryptionKeypair, WrapContext},
		DataKey,
	},
	files,
	keystore::KeystoreFile,
	records::{Session, MAX_RECORD_BYTES},
	storage::Ipfs,
};
use serde_json::Value;
use std::{
	path::Path,
	process::{Child, Stdio},
	time::{Duration, Instant},
};
use subxt::{
	ext::codec::{Compact, Encode},
	rpcs::{methods::LegacyRpcMethods, RpcClient},
};
use subxt_signer::sr25519::dev;

/// Index of the ACL pallet in the runtime (`construct_runtime!`).
const EHR_ACL: u8 = 10;

/// A string every plaintext in these tests holds, to look for in places
/// plaintext must never reach.
const MARKER: &str = "PLAINTEXT-MARKER-3f9c1e";

async fn next_record_id(client: &Client) -> u64 {
	chain::at_best(client)
		.await
		.expect("best block")
		.storage()
		.fetch(runtime::storage().ehr_acl().next_record_id(), ())
		.await
		.expect("NextRecordId")
		.decode()
		.expect("decodes")
}

async fn user_count(client: &Client) -> usize {
	let at = chain::at_best(client).await.expect("best block");
	let mut users = at.storage().iter(runtime::storage().ehr_acl().users(), ()).await.unwrap();
	let mut n = 0;
	while let Some(user) = users.next().await {
		user.expect("user entry");
		n += 1;
	}
	n
}

/// An unsigned extrinsic (format v4) around raw call bytes.
fn unsigned_extrinsic(call: &[u8]) -> Vec<u8> {
	let mut body = vec![0x04];
	body.extend_from_slice(call);
	let mut bytes = Compact(body.len() as u32).encode();
	bytes.extend(body);
	bytes
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_extrinsics_are_refused_by_a_real_node() {
	let node = DevNode::start();
	let client = wait_for_node(&node.ws_url).await;
	let rpc = LegacyRpcMethods::<subxt::config::RpcConfigFor<Config>>::new(
		RpcClient::from_url(&node.ws_url).await.expect("rpc"),
	);
	let patient = dev::charlie();
	let who = patient.public_key().to_account_id();
	let acl = runtime::transactions().ehr_acl();

	// Replay: the same signed registration submitted again after it landed
	// is refused (its nonce is used); the user is registered once.
	let at = chain::at_best(&client).await.unwrap();
	let params = subxt::config::DefaultExtrinsicParamsBuilder::<Config>::new().nonce(0).build();
	let key = EncryptionKeypair::from_secret(&[1; 32]);
	let proof = key.key_proof(&client.genesis_hash().0, &who.0, &mut os_rng());
	let register = acl.register_user(who, Role::Patient, key.public_bytes(), proof, None);
	let signed = at
		.transactions()
		.create_signable_offline(&register, params)
		.and_then(|mut tx| tx.sign(&patient))
		.expect("sign");
	let bytes = signed.encoded().to_vec();
	rpc.author_submit_extrinsic(&bytes).await.expect("first submission is accepted");
	let deadline = Instant::now() + Duration::from_secs(60);
	while user_count(&client).await == 0 {
		assert!(Instant::now() < deadline, "the registration never landed");
		tokio::time::sleep(Duration::from_millis(500)).await;
	}
	// A pool that still knows the call (the fork-aware one, until its block
	// is final) refuses it as already imported; otherwise its nonce is
	// stale: refused either way.
	let replay = rpc.author_submit_extrinsic(&bytes).await.expect_err("a replay is refused");
	let replayed = format!("{replay:?}");
	assert!(replayed.contains("Already Imported") || replayed.contains("outdated"), "{replay}");

	// A signature that does not cover the bytes: the last byte of the call
	// (of the key proof) altered after signing.
	let at = chain::at_best(&client).await.unwrap();
	let params = subxt::config::DefaultExtrinsicParamsBuilder::<Config>::new().nonce(1).build();
	let mut forged = at
		.transactions()
		.create_signable_offline(&acl.rotate_encryption_key([2; 32], [3; 64]), params)
		.and_then(|mut tx| tx.sign(&patient))
		.expect("sign")
		.encoded()
		.to_vec();
	*forged.last_mut().unwrap() ^= 1;
	let refused = rpc.author_submit_extrinsic(&forged).await.expect_err("bad proof");
	assert!(format!("{refused:?}").contains("bad signature"), "{refused:?}");

	// Calls that do not decode: a CID one byte over the bound, an unknown
	// role, an unknown record kind, a truncated call, garbage, 1 MiB of
	// noise. The pool refuses each before any pallet code runs.
	let add_record = |cid_len: usize, kind: u8| {
		let mut call = vec![EHR_ACL, 5];
		who.0.encode_to(&mut call);
		vec![b'b'; cid_len].encode_to(&mut call);
		([1u8; 32], kind, vec![1u8; 80], None::<(u64, Vec<u8>)>).encode_to(&mut call);
		// No initial readers.
		Vec::<u8>::new().encode_to(&mut call);
		call
	};
	let mut register = vec![EHR_ACL, 2];
	(who.0, 4u8, [1u8; 32]).encode_to(&mut register);
	let hostile: Vec<(&str, Vec<u8>)> = vec![
		("CID over 128 bytes", add_record(129, 0)),
		("unknown record kind", add_record(59, 42)),
		("unknown role", register.clone()),
		("truncated call", register[..register.len() - 3].to_vec()),
		("unknown call", vec![EHR_ACL, 200]),
		("unknown pallet", vec![250, 0]),
		("noise", vec![0xa5; 1 << 20]),
	];
	for (what, call) in hostile {
		let refused =
			rpc.author_submit_extrinsic(&unsigned_extrinsic(&call)).await.expect_err(what);
		// The node hands the bytes to the runtime's `validate_transaction`,
		// whose argument decoding traps (contained by the wasm executor).
		let message = format!("{refused:?}");
		assert!(
			message.contains("invalid format") || message.contains("Verification Error"),
			"{what}: {message}"
		);
	}
	// A well-formed call without a signature is refused too.
	let unsigned = rpc.author_submit_extrinsic(&unsigned_extrinsic(&add_record(59, 0))).await;
	assert!(unsigned.is_err(), "an unsigned add_record is refused");

	// A CID that is a path, signed and valid otherwise: the pallet refuses it.
	let genesis = client.genesis_hash().0;
	let key = DataKey::generate(&mut os_rng());
	let context = WrapContext::V2 {
		genesis_hash: genesis,
		owner: who.0,
		ciphertext_digest: [1; 32],
		key_version: 1,
	};
	let wrapped = BoundedVec(wrap::wrap(&key, &[1; 32], &context, &mut os_rng()).expect("wraps"));
	let refused = chain::submit(
		&client,
		&acl.add_record(
			who,
			BoundedVec(b"bafy/../../api/v0/shutdown".to_vec()),
			[1; 32],
			RecordKind::Note,
			(0, wrapped),
			None,
			BoundedVec(vec![]),
		),
		&patient,
		chain::Wait::InBlock,
	)
	.await
	.expect_err("a path is not a CID");
	assert_eq!(refused.pallet_error(), Some("InvalidCid"));

	// Nothing of the above changed state, and the node still makes blocks.
	assert_eq!((user_count(&client).await, next_record_id(&client).await), (1, 0));
	let before = chain::at_best(&client).await.unwrap().block_number();
	let deadline = Instant::now() + Duration::from_secs(30);
	while chain::at_best(&client).await.unwrap().block_number() <= before {
		assert!(Instant::now() < deadline, "the node stopped producing blocks");
		tokio::time::sleep(Duration::from_millis(500)).await;
	}
}

/// The plain-text parts of `ehr`'s output, for secret checks.
fn all_output(out: &std::process::Output) -> String {
	format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// A record whose ciphertext is at `cid`, added straight through the chain
/// (as another client could), with a data key properly wrapped for the
/// patient so that reading reaches IPFS. Returns its id.
async fn record_at(client: &Client, patient_key: [u8; 32], cid: &str) -> u64 {
	let owner = dev::charlie().public_key().to_account_id();
	let context = WrapContext::V2 {
		genesis_hash: client.genesis_hash().0,
		owner: owner.0,
		ciphertext_digest: [0; 32],
		key_version: 1,
	};
	let key = DataKey::generate(&mut os_rng());
	let wrapped =
		BoundedVec(wrap::wrap(&key, &patient_key, &context, &mut os_rng()).expect("wraps"));
	let call = runtime::transactions().ehr_acl().add_record(
		owner,
		BoundedVec(cid.as_bytes().to_vec()),
		[0; 32],
		RecordKind::Note,
		// Key version 0: the patient has not rotated its key yet.
		(0, wrapped),
		None,
		BoundedVec(vec![]),
	);
	let events = chain::submit(client, &call, &dev::charlie(), chain::Wait::InBlock)
		.await
		.expect("add_record");
	events
		.find_first::<runtime::ehr_acl::events::RecordAdded>()
		.expect("events decode")
		.expect("RecordAdded")
		.id
}

/// The CID kubo would give `bytes`, without storing them.
async fn cid_without_storing(api: &str, bytes: &[u8]) -> String {
	let form = reqwest::multipart::Form::new()
		.part("file", reqwest::multipart::Part::bytes(bytes.to_vec()).file_name("x"));
	let call = "add?only-hash=true&cid-version=1&raw-leaves=true";
	let reply = kubo_rpc(api, call, Some(form)).await;
	reply["Hash"].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn cli_refuses_hostile_input_and_changes_nothing() {
	let w =
		World { node: DevNode::start(), kubo: Kubo::start(), dir: tempfile::tempdir().unwrap() };
	let client = wait_for_node(&w.node.ws_url).await;
	w.import("patient", "//Charlie");
	w.ok("patient", &["user", "register"]);
	let note = w.file("note.txt", format!("{MARKER} blood pressure 120/80").as_bytes());
	// Kept opaque: the kind is not on chain.
	let id =
		w.ok("patient", &["record", "add", &note, "--kind", "unspecified"])["id"].as_u64().unwrap();
	assert_eq!(w.record(id)["record"]["kind"], "Unspecified");
	let pins = pinned_count(&w.kubo.api).await;
	let next = next_record_id(&client).await;
	let mut outputs = Vec::new();

	// Files that cannot be a record: missing, a directory, a dangling
	// symbolic link, larger than a record may be (a sparse file).
	let directory = w.dir.path().join("a-directory");
	std::fs::create_dir(&directory).unwrap();
	let dangling = w.dir.path().join("dangling");
	std::os::unix::fs::symlink(w.dir.path().join("nowhere"), &dangling).unwrap();
	let huge = w.dir.path().join("huge.bin");
	std::fs::File::create(&huge).unwrap().set_len(MAX_RECORD_BYTES + 1).unwrap();
	let missing = w.dir.path().join("missing.json");
	for (path, needle) in [
		(&missing, "No such file"),
		(&directory, "not a regular file"),
		(&dangling, "No such file"),
		(&huge, "more than the 64 GiB"),
	] {
		let path = path.to_str().unwrap();
		outputs.push(w.fails("patient", &["record", "add", path, "--kind", "note"], 2, needle));
		outputs.push(w.fails("patient", &["record", "update", &id.to_string(), path], 2, needle));
	}
	assert_eq!((pinned_count(&w.kubo.api).await, next_record_id(&client).await), (pins, next));

	// Corrupt keystores: each refused with exit 3 before any key is used,
	// an Argon2 cost from the file is bounded before anything is allocated.
	let original = std::fs::read_to_string(w.keystore("patient")).unwrap();
	let valid: Value = serde_json::from_str(&original).unwrap();
	let altered = |edit: &dyn Fn(&mut Value)| {
		let mut v = valid.clone();
		edit(&mut v);
		v.to_string()
	};
	let flip = |hex: &str| {
		let first = if hex.starts_with('0') { "1" } else { "0" };
		format!("{first}{}", &hex[1..])
	};
	let corrupt = [
		(String::new(), "malformed"),
		(original[..original.len() / 2].to_string(), "malformed"),
		(altered(&|v| v["kdf"]["memory_kib"] = u32::MAX.into()), "Argon2 parameters"),
		(altered(&|v| v["kdf"]["iterations"] = 1_000_000.into()), "Argon2 parameters"),
		(altered(&|v| v["sealed"] = flip(v["sealed"].as_str().unwrap()).into()), "altered"),
		(altered(&|v| v["nonce"] = flip(v["nonce"].as_str().unwrap()).into()), "altered"),
		(
			altered(&|v| {
				v["public"]["account"] = dev::dave().public_key().to_account_id().to_string().into()
			}),
			"altered",
		),
		(altered(&|v| v["salt"] = "zz".into()), "salt is not 16 hex bytes"),
		(altered(&|v| v["version"] = 3.into()), "version 3 is not supported"),
		// Relabelled as the older format: its seal names the version.
		(altered(&|v| v["version"] = 1.into()), "altered"),
		("x".repeat(100_000), "larger than"),
	];
	let read = w.out_path("read.txt");
	for (content, needle) in &corrupt {
		std::fs::write(w.keystore("corrupt"), content).unwrap();
		let args = ["record", "get", &id.to_string(), "-o", &read];
		outputs.push(w.fails("corrupt", &args, 3, needle));
		assert!(!Path::new(&read).exists());
	}

	// The same account in a keystore with another encryption key than the
	// one on chain (an old keystore, or a key rotated elsewhere): refused
	// with exit 3 before anything is pinned, wrapped or signed.
	w.import("stale", "//Charlie");
	let args = ["record", "get", &id.to_string(), "-o", &read];
	outputs.push(w.fails("stale", &args, 3, "not the one in this keystore"));
	assert!(!Path::new(&read).exists());
	outputs.push(w.fails("stale", &["record", "add", &note, "--kind", "note"], 3, "not the one"));
	outputs.push(w.fails("stale", &["record", "update", &id.to_string(), &note], 3, "not the one"));
	assert_eq!((pinned_count(&w.kubo.api).await, next_record_id(&client).await), (pins, next));
	assert_eq!(w.record(id)["record"]["version"], 1);

	// The wrong chain: a pinned genesis hash that is not this node's.
	let genesis = format!("0x{}", hex::encode(client.genesis_hash().0));
	let other = format!("0x{}", "11".repeat(32));
	let out = w.command("patient", &["user", "show", "--genesis", &other]).output().unwrap();
	assert_eq!(out.status.code(), Some(7), "{}", all_output(&out));
	assert!(all_output(&out).contains(&genesis), "the error names the node's chain");
	// ... also from the config file, before any signature.
	let config = w.dir.path().join("ehr/config.toml");
	std::fs::create_dir_all(config.parent().unwrap()).unwrap();
	std::fs::write(&config, format!("genesis_hash = \"{other}\"\n")).unwrap();
	let out = w.command("patient", &["record", "list"]).output().unwrap();
	assert_eq!(out.status.code(), Some(7), "{}", all_output(&out));
	std::fs::write(&config, format!("genesis_hash = \"{genesis}\"\n")).unwrap();
	w.ok("patient", &["user", "show"]);
	std::fs::write(&config, "genesis_hash = \"0x1234\"\n").unwrap();
	outputs.push(w.fails("patient", &["user", "show"], 2, "64 hex digits"));
	std::fs::remove_file(&config).unwrap();

	// Records another client wrote with a CID that is not one, or with one
	// whose bytes no IPFS node has: a clear error, no output file, and no
	// read logged on chain.
	let patient_key: [u8; 32] = hex::decode(valid["public"]["encryption_key"].as_str().unwrap())
		.unwrap()
		.try_into()
		.unwrap();
	let bogus = record_at(&client, patient_key, "bafybogus").await;
	let absent_cid = cid_without_storing(&w.kubo.api, b"never stored anywhere").await;
	let absent = record_at(&client, patient_key, &absent_cid).await;
	let args = ["record", "get", &bogus.to_string(), "-o", &read];
	outputs.push(w.fails("patient", &args, 1, "IPFS refused"));
	let args = ["record", "get", &absent.to_string(), "-o", &read, "--ipfs-timeout", "2"];
	outputs.push(w.fails("patient", &args, 5, "found no copy"));
	assert!(!Path::new(&read).exists());
	let history = w.run("auditor", &["audit", "record", &absent.to_string(), "--json"]);
	assert!(!String::from_utf8_lossy(&history.stdout).contains("AccessLogged"));

	// The good record still reads, and the plaintext is what was stored.
	w.ok("patient", &["record", "get", &id.to_string(), "-o", &read]);
	assert!(std::fs::read_to_string(&read).unwrap().starts_with(MARKER));

	// The chain holds a key this keystore never had (here submitted by
	// hand and lost; a device whose keystore was lost): the owner's commands
	// refuse with exit 3, `user rotate-key` refuses to replace it unless
	// asked, and asked, replaces it from the keystore's key, which the
	// owner's grants still wrap; the record then reads again.
	let lost = EncryptionKeypair::generate(&mut os_rng());
	let charlie = dev::charlie().public_key().to_account_id();
	let proof = lost.key_proof(&client.genesis_hash().0, &charlie.0, &mut os_rng());
	let rotate =
		runtime::transactions().ehr_acl().rotate_encryption_key(lost.public_bytes(), proof);
	chain::submit(&client, &rotate, &dev::charlie(), chain::Wait::InBlock).await.expect("rotates");
	std::fs::remove_file(&read).unwrap();
	let args = ["record", "get", &id.to_string(), "-o", &read];
	outputs.push(w.fails("patient", &args, 3, "not the one in this keystore"));
	assert!(!Path::new(&read).exists());
	// Not replaced without being asked: another device may hold that key.
	outputs.push(w.fails("patient", &["user", "rotate-key"], 3, "never had"));
	// The records this test gave a malformed or missing CID cannot be
	// re-encrypted: each is listed, the others are done.
	let partial = w.fails("patient", &["user", "rotate-key", "--replace-unknown-key"], 1, "");
	assert!(partial.contains(&format!("re-encrypted records [{id}]")), "{partial}");
	assert!(partial.contains("invalid cid") && partial.contains("found no copy"), "{partial}");
	outputs.push(partial);
	w.ok("patient", &["record", "get", &id.to_string(), "-o", &read]);
	assert!(std::fs::read_to_string(&read).unwrap().starts_with(MARKER));

	// No secret in anything printed: not the passphrase, not the secret
	// encryption key, not the secret URI; no plaintext in kubo's repository
	// or log.
	let keys = KeystoreFile::read(&w.keystore("patient")).unwrap().unlock(PASSPHRASE).unwrap();
	let secret = hex::encode(keys.encryption.secret_bytes().as_ref());
	for text in &outputs {
		assert!(
			!text.contains(PASSPHRASE) && !text.contains(&secret) && !text.contains("//Charlie")
		);
	}
	let marker = MARKER.as_bytes();
	let holding = files_where(&w.kubo.repo(), |b| b.windows(marker.len()).any(|w| w == marker));
	assert_eq!(holding, Vec::<std::path::PathBuf>::new(), "plaintext in kubo's repository");
}

/// Bytes `pid` has read from (`rchar`) or written to (`wchar`) files so
/// far, from /proc/PID/io.
fn io_bytes(pid: u32, field: &str) -> u64 {
	let io = std::fs::read_to_string(format!("/proc/{pid}/io")).unwrap_or_default();
	io.lines()
		.find_map(|l| l.strip_prefix(field)?.strip_prefix(": "))
		.and_then(|n| n.parse().ok())
		.unwrap_or(0)
}

/// Waits until `child` has read (`rchar`: an upload reading its input) or
/// written (`wchar`: a download writing plaintext) `bytes`, so that it is
/// mid-transfer.
fn wait_transferring(child: &mut Child, field: &str, bytes: u64) {
	let deadline = Instant::now() + Duration::from_secs(60);
	while io_bytes(child.id(), field) < bytes {
		if child.try_wait().unwrap().is_some() {
			let mut stderr = String::new();
			std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
			panic!("ehr ended before the transfer was under way: {stderr}");
		}
		assert!(Instant::now() < deadline, "ehr did not start the transfer");
		std::thread::sleep(Duration::from_millis(10));
	}
}

/// Waits for `child` and checks it failed with `code` and `needle`.
fn failed(child: Child, code: i32, needle: &str) {
	let out = child.wait_with_output().unwrap();
	let text = all_output(&out);
	assert_eq!(out.status.code(), Some(code), "{text}");
	assert!(text.contains(needle), "{text}");
}

/// Temporary files `ehr` left in `dir`.
fn leftovers(dir: &Path) -> Vec<String> {
	std::fs::read_dir(dir)
		.unwrap()
		.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
		.filter(|name| name.starts_with(".tmp"))
		.collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn killing_the_node_or_kubo_mid_operation_leaves_nothing_half_done() {
	let chain_dir = tempfile::tempdir().unwrap();
	let mut w = World {
		node: DevNode::start_in(chain_dir.path()),
		kubo: Kubo::start(),
		dir: tempfile::tempdir().unwrap(),
	};
	let client = wait_for_node(&w.node.ws_url).await;
	w.import("patient", "//Charlie");
	w.ok("patient", &["user", "register"]);
	// 512 MiB of zeros (sparse): a few seconds to encrypt, store and fetch.
	let big = w.dir.path().join("scan.bin");
	std::fs::File::create(&big).unwrap().set_len(512 << 20).unwrap();
	let big = big.to_str().unwrap();
	let id = w.ok("patient", &["record", "add", big, "--kind", "imaging"])["id"].as_u64().unwrap();
	let pins = pinned_count(&w.kubo.api).await;
	let quiet = |who: &str, args: &[&str]| {
		w.command(who, args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap()
	};

	// kubo dies while `record get` streams the ciphertext: exit 5, and
	// neither the output nor a temporary file is left.
	let out = w.out_path("scan-read.bin");
	let mut get = quiet("patient", &["record", "get", &id.to_string(), "-o", &out]);
	wait_transferring(&mut get, "wchar", 32 << 20);
	w.kubo.kill();
	failed(get, 5, "IPFS");
	assert!(!Path::new(&out).exists());
	assert_eq!(leftovers(w.dir.path()), Vec::<String>::new());
	w.kubo.restart();

	// kubo dies while `record add` uploads: exit 5, no record on chain, and
	// the half-sent upload is not pinned.
	let mut add = quiet("patient", &["record", "add", big, "--kind", "imaging"]);
	wait_transferring(&mut add, "rchar", 64 << 20);
	w.kubo.kill();
	failed(add, 5, "IPFS");
	w.kubo.restart();
	assert_eq!((next_record_id(&client).await, pinned_count(&w.kubo.api).await), (id + 1, pins));

	// The node dies while `record add` uploads: exit 5, and the uploaded
	// ciphertext is unpinned since no call was submitted.
	let mut add = quiet("patient", &["record", "add", big, "--kind", "imaging"]);
	wait_transferring(&mut add, "rchar", 64 << 20);
	w.node.kill();
	failed(add, 5, "node");
	assert_eq!(pinned_count(&w.kubo.api).await, pins);

	// Restarted on the same database, the chain has the one record, and it
	// still reads in full.
	w.node = DevNode::start_in(chain_dir.path());
	let client = wait_for_node(&w.node.ws_url).await;
	assert_eq!(next_record_id(&client).await, id + 1);
	w.ok("patient", &["record", "get", &id.to_string(), "-o", &out]);
	assert_eq!(std::fs::metadata(&out).unwrap().len(), 512 << 20);
}

/// `user rotate-key` killed (SIGKILL) after it re-encrypted some of the
/// owner's records: every record still opens for its owner (through the
/// retired key the keystore kept) and its reader; run again, it finishes
/// the same rotation without another key, every record has new ciphertext
/// that both still read, and no old or half-used ciphertext stays pinned.
/// Then the reader rotates: the owner's client refuses to wrap for the new
/// key it did not pin until the owner confirms its fingerprint; a
/// revocation still takes access away, and the owner's own rotation goes
/// as far as it can and lists what is left.
#[tokio::test(flavor = "multi_thread")]
async fn rotate_key_killed_half_way_finishes_when_run_again() {
	const RECORDS: usize = 6;
	let w =
		World { node: DevNode::start(), kubo: Kubo::start(), dir: tempfile::tempdir().unwrap() };
	let client = wait_for_node(&w.node.ws_url).await;
	w.import("patient", "//Charlie");
	w.ok("patient", &["user", "register"]);
	let reader = w.import("reader", "//Dave");
	w.ok("reader", &["user", "register"]);
	let share = format!("{reader}:read");
	let pins = pinned_count(&w.kubo.api).await;
	let mut ids = Vec::new();
	for n in 0..RECORDS {
		let note = w.file(&format!("note-{n}.txt"), format!("{MARKER} note {n}").as_bytes());
		let added = w.ok("patient", &["record", "add", &note, "--kind", "note", "--share", &share]);
		ids.push(added["id"].as_u64().unwrap());
	}
	let cids = || async {
		let mut cids = Vec::new();
		for id in &ids {
			let view = query::record(&client, *id).await.unwrap().expect("record exists");
			cids.push(String::from_utf8(view.record.cid.0).unwrap());
		}
		cids
	};
	let old = cids().await;
	// Reads as `record get` does, without its trace on chain (a block each).
	let reads = |stage: &'static str, which: Vec<usize>| {
		let (w, client, ids) = (&w, client.clone(), &ids);
		async move {
			for who in ["patient", "reader"] {
				let keys =
					KeystoreFile::read(&w.keystore(who)).unwrap().unlock(PASSPHRASE).unwrap();
				let session = Session {
					chain: client.clone(),
					ipfs: Ipfs::new(&w.kubo.api),
					keys,
					progress: None,
					contacts: None,
					wait: chain::Wait::InBlock,
				};
				for &n in &which {
					let out = w.out_path(&format!("{stage}-{who}-{n}.txt"));
					session.read_record(ids[n], Path::new(&out)).await.unwrap();
					let text = std::fs::read_to_string(&out).unwrap();
					assert_eq!(text, format!("{MARKER} note {n}"), "{stage}: {who}, record {n}");
				}
			}
		}
	};

	// Killed once the first record points at its new ciphertext.
	let mut rotate = w
		.command("patient", &["user", "rotate-key"])
		.stdout(Stdio::piped())
		.stderr(Stdio::piped())
		.spawn()
		.unwrap();
	loop {
		assert!(rotate.try_wait().unwrap().is_none(), "rotate-key ended before it was killed");
		let now = cids().await;
		if now.iter().zip(&old).any(|(new, old)| new != old) {
			break;
		}
		tokio::time::sleep(Duration::from_millis(50)).await;
	}
	rotate.kill().unwrap();
	rotate.wait().unwrap();
	let half = cids().await;
	let done = half.iter().zip(&old).filter(|(new, old)| new != old).count();
	assert!((1..RECORDS).contains(&done), "killed half-way: {done} of {RECORDS} re-encrypted");
	let journal = files::beside(&w.keystore("patient"), ".rotation.json");
	assert!(journal.exists(), "an unfinished rotation is in the journal");
	let key = w.ok("patient", &["keys", "show"])["encryption_key"].clone();
	let user = w.ok("patient", &["user", "show"]);
	assert_eq!(user["user"]["encryption_key"], key, "the chain holds the keystore's new key");
	// One record done and one not: both open for both.
	let first_left = (0..RECORDS).find(|&n| half[n] == old[n]).unwrap();
	let first_done = (0..RECORDS).find(|&n| half[n] != old[n]).unwrap();
	reads("half-way", vec![first_done, first_left]).await;

	// Run again: the same rotation is finished.
	let finished = w.ok("patient", &["user", "rotate-key"]);
	assert_eq!(finished["new_key"], false, "{finished}");
	assert_eq!(finished["encryption_key"], key);
	// What it re-encrypted was not done at the kill; at most one more (the
	// call in flight when it was killed, which landed) it found done.
	let reencrypted: Vec<u64> = serde_json::from_value(finished["reencrypted"].clone()).unwrap();
	let left: Vec<u64> = (0..RECORDS).filter(|&n| half[n] == old[n]).map(|n| ids[n]).collect();
	assert!(reencrypted.iter().all(|id| left.contains(id)), "{finished}");
	assert!(left.len() - reencrypted.len() <= 1, "{finished}");
	let new = cids().await;
	let ipfs = Ipfs::new(&w.kubo.api);
	for (old, new) in old.iter().zip(&new) {
		assert_ne!(old, new, "every record has new ciphertext");
		assert!(!ipfs.is_pinned(old).await.unwrap(), "old ciphertext {old} unpinned");
		assert!(ipfs.is_pinned(new).await.unwrap(), "new ciphertext {new} pinned");
	}
	assert_eq!(pinned_count(&w.kubo.api).await, pins + RECORDS, "nothing else stays pinned");
	assert!(!journal.exists(), "journal settled");
	reads("finished", (0..RECORDS).collect()).await;

	// A second reader on record 1, then the first reader rotates its key:
	// its grants still open with its retired key.
	let eve = w.import("eve", "//Eve");
	w.ok("eve", &["user", "register"]);
	w.ok("patient", &["access", "grant", &ids[1].to_string(), &eve, "--read"]);
	let rotated = w.ok("reader", &["user", "rotate-key"]);
	assert_eq!(rotated["reencrypted"], serde_json::json!([]));
	reads("reader-rotated", vec![0]).await;
	let reader_keys =
		KeystoreFile::read(&w.keystore("reader")).unwrap().unlock(PASSPHRASE).unwrap();
	let opens_with_new_key = |n: usize| {
		let (client, ids, reader_keys) = (client.clone(), &ids, &reader_keys);
		async move {
			let view = query::record(&client, ids[n]).await.unwrap().unwrap();
			let dave = dev::dave().public_key().to_account_id();
			let grant = view.grant_of(&dave).expect("the reader's grant");
			let context = WrapContext::V2 {
				genesis_hash: client.genesis_hash().0,
				owner: view.record.owner.0,
				ciphertext_digest: view.record.ciphertext_digest,
				key_version: grant.key_version,
			};
			wrap::unwrap(&grant.wrapped_key.0, &reader_keys.encryption, &context).is_ok()
		}
	};
	assert!(!opens_with_new_key(0).await);
	let reader_key_current = |n: usize| {
		let listed = w.ok("patient", &["access", "list", &ids[n].to_string()]);
		let grants = listed["grants"].as_array().unwrap().clone();
		let grant = grants.iter().find(|g| g["account"] == reader.as_str()).unwrap().clone();
		grant["reader_key_current"].as_bool().unwrap()
	};
	assert!(!reader_key_current(0), "the list shows the grant wraps a rotated key");

	// The owner pinned the reader's first key when it shared with it (trust
	// on first use): nothing is wrapped for the new one until the owner
	// confirms its fingerprint, compared with the reader out of band.
	let pinned = w.ok("patient", &["contacts", "list"]);
	assert_eq!(pinned["contacts"].as_object().unwrap().len(), 2, "{pinned}");
	let (before, pins_before) = (cids().await, pinned_count(&w.kubo.api).await);
	let refused =
		w.fails("patient", &["record", "rekey", &ids[0].to_string()], 9, "contacts trust");
	let new_fp =
		w.ok("reader", &["user", "show"])["user"]["fingerprint"].as_str().unwrap().to_string();
	assert!(refused.contains(&new_fp), "the changed key's fingerprint is shown: {refused}");
	assert_eq!((cids().await, pinned_count(&w.kubo.api).await), (before, pins_before));
	// Revoking Eve cannot re-encrypt for the reader: Eve's access still
	// goes, and the command says the re-encryption is left to do.
	let args = ["access", "revoke", &ids[1].to_string(), eve.as_str()];
	w.fails("patient", &args, 9, "was not re-encrypted");
	let eve_id = dev::eve().public_key().to_account_id();
	let view = query::record(&client, ids[1]).await.unwrap().unwrap();
	assert!(view.grant_of(&eve_id).is_none(), "Eve's grant is gone");
	// A rotation of the owner's key goes through; no record can be
	// re-encrypted, each is listed, and the run exits with that code.
	let partial = w.fails("patient", &["user", "rotate-key"], 9, "Not re-encrypted yet");
	assert!(ids.iter().all(|id| partial.contains(&format!("record {id}:"))), "{partial}");
	// Run again, it finishes that rotation (no other key); asked, it starts
	// a new one.
	let key = |w: &World| w.ok("patient", &["keys", "show"])["encryption_key"].clone();
	let unfinished = key(&w);
	let again = w.fails("patient", &["user", "rotate-key"], 9, "finished the rotation to");
	assert!(again.contains(unfinished.as_str().unwrap()), "{again}");
	w.fails("patient", &["user", "rotate-key", "--new-key"], 9, "new encryption key");
	assert_ne!(key(&w), unfinished);
	let old_fp = pinned["contacts"][&reader]["fingerprint"].as_str().unwrap();
	w.fails("patient", &["contacts", "trust", &reader, "--fingerprint", old_fp], 2, "not that of");
	w.ok("patient", &["contacts", "trust", &reader, "--fingerprint", &new_fp]);
	// Confirmed: the rerun finishes that rotation (every record wrapped
	// for the reader's new key), and `record rekey` works too.
	let finished = w.ok("patient", &["user", "rotate-key"]);
	assert_eq!(finished["new_key"], false, "{finished}");
	assert_eq!(finished["reencrypted"].as_array().unwrap().len(), RECORDS, "{finished}");
	assert!(opens_with_new_key(0).await);
	w.ok("patient", &["record", "rekey", &ids[1].to_string()]);
	assert!(opens_with_new_key(1).await);
	assert!(reader_key_current(1));
	reads("all-rotated", (0..RECORDS).collect()).await;
}
