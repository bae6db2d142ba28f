//! A lying node: the `ehr` binary talks to a real node through a WebSocket
//! relay that rewrites chosen bytes in every answer (a reader's encryption
//! key, a record's digest, a grant's wrapped key), as a compromised node or
//! a man in the middle would. Every command that would act on a forged
//! value fails with an integrity error and changes nothing on chain; the
//! same commands through an honest relay succeed.

mod common;

use common::{readers, wait_for_node, DevNode, Kubo, World};
use ehr::chain::query;
use futures::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message;

/// Starts a relay to `node` that replaces `from` by `to` (lowercase hex) in
/// every text frame the node sends; returns its URL.
async fn relay(node: &str, from: &[u8], to: &[u8]) -> String {
	assert_eq!(from.len(), to.len());
	let (from, to) = (hex::encode(from), hex::encode(to));
	let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
	let url = format!("ws://{}", listener.local_addr().expect("addr"));
	let node = node.to_string();
	tokio::spawn(async move {
		while let Ok((tcp, _)) = listener.accept().await {
			let (node, from, to) = (node.clone(), from.clone(), to.clone());
			tokio::spawn(async move {
				let Ok(client) = tokio_tungstenite::accept_async(tcp).await else { return };
				let Ok((upstream, _)) = tokio_tungstenite::connect_async(node.as_str()).await
				else {
					return;
				};
				let (mut to_client, mut from_client) = client.split();
				let (mut to_node, mut from_node) = upstream.split();
				let up = async {
					while let Some(Ok(message)) = from_client.next().await {
						if to_node.send(message).await.is_err() {
							break;
						}
					}
				};
				let down = async {
					while let Some(Ok(message)) = from_node.next().await {
						let message = match message {
							Message::Text(text) if !from.is_empty() => {
								Message::text(text.as_str().replace(&from, &to))
							}
							other => other,
						};
						if to_client.send(message).await.is_err() {
							break;
						}
					}
				};
				tokio::select! {
					_ = up => {},
					_ = down => {},
				}
			});
		}
	});
	url
}

/// `metadata` (prefixed with `meta` and its version) with the indices of the
/// pallet's `Access` variants (Read, ReadWrite) swapped.
fn swap_access_variants(metadata: &[u8]) -> Vec<u8> {
	use subxt::ext::{
		codec::{Decode, Encode},
		frame_metadata::{RuntimeMetadata, RuntimeMetadataPrefixed},
	};
	let mut prefixed = RuntimeMetadataPrefixed::decode(&mut &metadata[..]).expect("metadata");
	let types = match &mut prefixed.1 {
		RuntimeMetadata::V14(m) => &mut m.types,
		RuntimeMetadata::V15(m) => &mut m.types,
		RuntimeMetadata::V16(m) => &mut m.types,
		_ => panic!("unexpected metadata version"),
	};
	for ty in &mut types.types {
		let path = &ty.ty.path.segments;
		if path.last().map(String::as_str) == Some("Access")
			&& path.iter().any(|s| s == "pallet_ehr_acl")
		{
			let scale_info::TypeDef::Variant(access) = &mut ty.ty.type_def else {
				panic!("Access is an enum")
			};
			let (a, b) = (access.variants[0].index, access.variants[1].index);
			access.variants[0].index = b;
			access.variants[1].index = a;
		}
	}
	prefixed.encode()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lying_node_cannot_make_the_client_act_on_forged_state() {
	let w =
		World { node: DevNode::start(), kubo: Kubo::start(), dir: tempfile::tempdir().unwrap() };
	let client = wait_for_node(&w.node.ws_url).await;
	w.import("registrar", "//Alice");
	let patient = w.import("patient", "//Charlie");
	let doctor = w.import("doctor", "//Dave");
	let attacker = w.import("attacker", "//Ferdie");
	let consent = w.run("doctor", &["user", "consent", "--role", "doctor", "--hospital", "1"]);
	let consent = w.file("doctor.consent.json", &consent.stdout);
	w.ok("registrar", &["user", "register", "--consent", &consent]);
	w.ok("patient", &["user", "register"]);
	w.ok("attacker", &["user", "register"]);
	let content = b"blood pressure 120/80, verified".repeat(100);
	let file = w.file("record.txt", &content);
	let id = w.ok("patient", &["record", "add", &file, "--kind", "observation"])["id"]
		.as_u64()
		.unwrap()
		.to_string();

	let account = |text: &str| text.parse::<ehr::chain::AccountId>().unwrap();
	let key_of = |who| {
		let client = client.clone();
		async move { query::user(&client, &who).await.unwrap().unwrap().enc_key }
	};
	let (doctor_key, attacker_key) =
		(key_of(account(&doctor)).await, key_of(account(&attacker)).await);
	let via = |url: &str, who: &str, args: &[&str]| {
		w.command(who, args).env("EHR_NODE_URL", url).output().expect("run ehr")
	};
	let refused = |out: std::process::Output| {
		let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
		assert_eq!(out.status.code(), Some(6), "{stderr}");
		assert!(stderr.contains("failed verification"), "{stderr}");
		assert!(out.stdout.is_empty());
	};
	let succeeded = |out: std::process::Output| -> Value {
		assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
		serde_json::from_slice(&out.stdout).expect("--json output")
	};

	// 1. A node that answers with the attacker's key for the doctor: the
	// patient's grant is refused before anything is wrapped or signed.
	let lying = relay(&w.node.ws_url, &doctor_key, &attacker_key).await;
	refused(via(&lying, "patient", &["access", "grant", &id, &doctor, "--read"]));
	refused(via(&lying, "patient", &["user", "show", &doctor]));
	assert_eq!(readers(&w.record(id.parse().unwrap())), vec![patient.clone()]);
	let honest = relay(&w.node.ws_url, &[], &[]).await;
	succeeded(via(&honest, "patient", &["access", "grant", &id, &doctor, "--read"]));
	let mut both = vec![patient.clone(), doctor.clone()];
	both.sort();
	assert_eq!(readers(&w.record(id.parse().unwrap())), both);

	// 2. A forged record (another ciphertext digest) and 3. a forged grant
	// (another wrapped key): the doctor's read fails verification, writes
	// no output, and the same read through the honest relay returns the
	// record.
	let view = query::record(&client, id.parse().unwrap()).await.unwrap().unwrap();
	let digest = view.record.ciphertext_digest;
	let wrapped = view.grant_of(&account(&doctor)).unwrap().wrapped_key.0[..24].to_vec();
	let out = w.out_path("read.txt");
	for (from, to) in [(digest.to_vec(), vec![0x5a; 32]), (wrapped, vec![0xa5; 24])] {
		let lying = relay(&w.node.ws_url, &from, &to).await;
		refused(via(&lying, "doctor", &["record", "get", &id, "-o", &out]));
		assert!(!std::path::Path::new(&out).exists());
		refused(via(&lying, "patient", &["access", "list", &id]));
	}
	let got = succeeded(via(&honest, "doctor", &["record", "get", &id, "-o", &out]));
	assert_eq!((got["version"].as_u64(), std::fs::read(&out).unwrap()), (Some(1), content));

	// 4. A node that sends metadata with `Access`'s variants swapped: the
	// client encodes and decodes with the metadata it was built with, so a
	// `--read` grant lands as Read (or nothing is signed), never ReadWrite.
	// The metadata as the runtime API returns it (SCALE `Option<Vec<u8>>`),
	// which is where clients fetch it from.
	let answer = subxt::rpcs::methods::LegacyRpcMethods::<
		subxt::config::RpcConfigFor<ehr::chain::Config>,
	>::new(subxt::rpcs::RpcClient::from_url(&w.node.ws_url).await.unwrap())
	.state_call("Metadata_metadata_at_version", Some(&16u32.to_le_bytes()), None)
	.await
	.unwrap();
	let raw: Option<Vec<u8>> = subxt::ext::codec::Decode::decode(&mut &answer[..]).unwrap();
	let raw = raw.expect("metadata version 16");
	let forged = swap_access_variants(&raw);
	assert_ne!(raw, forged);
	let second =
		w.ok("patient", &["record", "add", &file, "--kind", "observation"])["id"].as_u64().unwrap();
	let lying = relay(&w.node.ws_url, &raw, &forged).await;
	let granted =
		via(&lying, "patient", &["access", "grant", &second.to_string(), &doctor, "--read"]);
	let view = query::record(&client, second).await.unwrap().unwrap();
	match view.grant_of(&account(&doctor)) {
		Some(grant) => assert_eq!(grant.access, ehr::records::Access::Read),
		None => assert!(!granted.status.success()),
	}

	// 5. A node of another chain (its own genesis, its own validators, any
	// keys it likes): the chain these clients first used is pinned, so it
	// is refused before anything is read.
	let other = DevNode::start_with(&["--chain", "local"]);
	let out = via(&other.ws_url, "patient", &["user", "show", &doctor]);
	let stderr = String::from_utf8_lossy(&out.stderr);
	assert_eq!(out.status.code(), Some(7), "{stderr}");
	assert!(stderr.contains("first used"), "{stderr}");
}
