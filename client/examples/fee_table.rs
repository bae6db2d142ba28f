//! Runs each ACL call once on a dev node and prints, per call, the weight
//! the runtime charged (ref_time, proof size), its share of a block and how
//! many fit in one, the fee actually paid, the deposit it held from (or
//! returned to) the caller and the bytes of ACL state it added, next to the paper's Table 2 gas where an operation matches and
//! what that gas means on Ethereum (36M gas per 12 s block).
//!
//!   fee_table ws://127.0.0.1:9944     (see `scripts/fee-table`)

use ehr::chain::{
	self,
	runtime::{
		self,
		runtime_types::{
			bounded_collections::bounded_vec::BoundedVec,
			pallet_ehr_acl::types::{Access, Approval, NewContent, NewReader, RecordKind, Role},
		},
	},
	AccountId, Client, Events, Keypair,
};
use ehr::{
	crypto::{os_rng, wrap::EncryptionKeypair},
	registration,
};
use subxt::{
	ext::codec::{Compact, Decode, Encode},
	rpcs::{methods::LegacyRpcMethods, RpcClient},
	transactions::Payload,
};
use subxt_signer::sr25519::dev;

fn account(key: &Keypair) -> AccountId {
	key.public_key().to_account_id()
}

fn bytes(len: usize, fill: u8) -> BoundedVec<u8> {
	BoundedVec(vec![fill; len])
}

/// A CIDv1 (base32, sha2-256) is 59 characters; a wrapped key is 80 bytes.
const CID_LEN: usize = 59;
const WRAPPED_LEN: usize = 80;

/// Paper Table 2 (Ethereum gas on Rinkeby) for the operation a call
/// replaces. The paper's addUser "adds an access user to an EHR" and
/// removeUser "removes the user's authorization": our grant and revoke.
fn paper_gas(call: &str) -> Option<(&'static str, u64)> {
	match call {
		"grant_access" => Some(("addUser", 42_192)),
		"revoke_access" => Some(("removeUser", 27_314)),
		"add_record" => Some(("AddEHR", 106_285)),
		"remove_record" => Some(("RemoveEHR", 17_141)),
		_ => None,
	}
}

/// Ethereum mainnet: 36M gas per block, a block every 12 s.
const ETH_GAS_PER_SECOND: u64 = 36_000_000 / 12;

/// The chain's block limits that decide how many calls fit in a block.
struct Limits {
	block_ms: f64,
	max_block: u64,
	normal_max: u64,
	base_extrinsic: u64,
}

async fn limits(client: &Client) -> Limits {
	let at = client.at_current_block().await.expect("block");
	let weights =
		at.constants().entry(runtime::constants().system().block_weights()).expect("weights");
	let normal = weights.per_class.normal;
	Limits {
		block_ms: chain::block_time_ms(client).await.expect("block time") as f64,
		max_block: weights.max_block.ref_time,
		normal_max: normal.max_total.map_or(weights.max_block.ref_time, |w| w.ref_time),
		base_extrinsic: normal.base_extrinsic.ref_time,
	}
}

/// Bytes (keys and values) the ACL pallet holds in state.
async fn acl_state_bytes(client: &Client, rpc: &Rpc) -> usize {
	let at = chain::at_best(client).await.expect("best");
	let entry = at.storage().entry(runtime::storage().ehr_acl().next_record_id()).expect("entry");
	let pallet = &entry.key_prefix()[..16];
	let keys = rpc.state_get_keys_paged(pallet, 1000, None, None).await.expect("keys");
	assert!(keys.len() < 1000, "more ACL keys than one page");
	let mut total = 0;
	for key in keys {
		total += key.len()
			+ rpc.state_get_storage(&key, None).await.expect("value").map_or(0, |v| v.len());
	}
	total
}

/// The call's own benchmarked weight (no transaction extensions), from the
/// runtime's `TransactionPaymentCallApi::query_call_info`.
async fn call_weight(client: &Client, call: &impl Payload) -> (u64, u64) {
	let at = client.at_current_block().await.expect("block");
	let mut params = at.transactions().call_data(call).expect("call data");
	let len = params.len() as u32;
	len.encode_to(&mut params);
	let raw = at
		.runtime_apis()
		.call_raw("TransactionPaymentCallApi_query_call_info", Some(&params))
		.await
		.expect("query_call_info");
	let (ref_time, proof_size, _class, _fee) =
		<(Compact<u64>, Compact<u64>, u8, u128)>::decode(&mut &raw[..])
			.expect("RuntimeDispatchInfo");
	(ref_time.0, proof_size.0)
}

/// What `who` has on hold (the ACL pallet's deposits), in planck.
async fn held(client: &Client, who: &AccountId) -> i128 {
	let at = chain::at_best(client).await.expect("best");
	let info = at
		.storage()
		.fetch(runtime::storage().system().account(), (*who,))
		.await
		.expect("account")
		.decode()
		.expect("account decodes");
	info.data.reserved as i128
}

type Rpc = LegacyRpcMethods<subxt::config::RpcConfigFor<chain::Config>>;

struct Bench {
	client: Client,
	rpc: Rpc,
	limits: Limits,
}

async fn run(b: &Bench, name: &str, call: &impl Payload, signer: &Keypair) -> Events {
	let client = &b.client;
	let (bench_ref_time, bench_proof) = call_weight(client, call).await;
	let state_before = acl_state_bytes(client, &b.rpc).await;
	let caller = account(signer);
	let held_before = held(client, &caller).await;
	let events = chain::submit(client, call, signer, chain::Wait::Finalized)
		.await
		.unwrap_or_else(|e| panic!("{name}: {e}"));
	let success = events
		.find_first::<runtime::system::events::ExtrinsicSuccess>()
		.expect("decode")
		.expect("ExtrinsicSuccess");
	let fee = events
		.find_first::<runtime::transaction_payment::events::TransactionFeePaid>()
		.expect("decode")
		.expect("TransactionFeePaid");
	let weight = success.dispatch_info.weight;
	let added = acl_state_bytes(client, &b.rpc).await as i64 - state_before as i64;
	let deposit = held(client, &caller).await - held_before;
	let l = &b.limits;
	// The event's weight already holds the base extrinsic weight.
	let per_tx = weight.ref_time;
	let fit = l.normal_max / per_tx;
	let (paper, eth) = match paper_gas(name) {
		Some((op, gas)) => {
			(format!("{op} {gas}"), format!("{:.0}", ETH_GAS_PER_SECOND as f64 / gas as f64))
		}
		None => (String::new(), String::new()),
	};
	println!(
		"| `{name}` | {:.1} µs | {bench_proof} B | {:.1} µs | {:.3} % | {fit} | {:.0} | {:.6} | {:+.3} | {added:+} B | {paper} | {eth} |",
		bench_ref_time as f64 / 1e6,
		per_tx as f64 / 1e6,
		per_tx as f64 / l.max_block as f64 * 100.0,
		fit as f64 * 1000.0 / l.block_ms,
		fee.actual_fee as f64 / 1e12,
		deposit as f64 / 1e12,
	);
	events
}

#[tokio::main]
async fn main() {
	let url = std::env::args().nth(1).unwrap_or_else(|| "ws://127.0.0.1:9944".into());
	let client = chain::connect(&url).await.expect("connect");
	let rpc = Rpc::new(RpcClient::from_url(&url).await.expect("rpc"));
	let limits = limits(&client).await;
	let b = Bench { client, rpc, limits };
	let acl = runtime::transactions().ehr_acl();
	let (registrar, patient, doctor, pharmacist) =
		(dev::alice(), dev::charlie(), dev::dave(), dev::eve());

	println!(
		"| call | benchmarked ref_time | benchmarked proof size | weight per call | \
		 share of a block | calls per block | calls/s | fee (EHR) | caller's deposit (EHR) | \
		 ACL state added | paper Table 2 gas | Ethereum calls/s at that gas |"
	);
	println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
	let genesis = b.client.genesis_hash().0;
	let key = |n: u8| EncryptionKeypair::from_secret(&[n; 32]);
	let patient_joins = registration::self_registration(&patient, &key(1), genesis, Role::Patient);
	run(&b, "register_user", &patient_joins, &patient).await;
	for (who, role, n) in [(&doctor, Role::Doctor, 2), (&pharmacist, Role::Pharmacist, 3)] {
		let consent = registration::consent(who, &key(n), genesis, role, (1, 0));
		let call = consent.register_call().expect("a consent just made");
		run(&b, "register_user", &call, &registrar).await;
	}
	let rotated = key(4);
	let proof = rotated.key_proof(&genesis, &account(&pharmacist).0, &mut os_rng());
	let rotate = acl.rotate_encryption_key(rotated.public_bytes(), proof);
	run(&b, "rotate_encryption_key", &rotate, &pharmacist).await;
	// The worst case that fits one reader: the record shared as it is added.
	let add = acl.add_record(
		account(&patient),
		bytes(CID_LEN, b'b'),
		[9; 32],
		RecordKind::Observation,
		(0, bytes(WRAPPED_LEN, 1)),
		None,
		BoundedVec(vec![NewReader {
			reader: account(&doctor),
			access: Access::ReadWrite,
			wrapped_key: bytes(WRAPPED_LEN, 2),
			reader_key_version: 0,
			expires_at: None,
		}]),
	);
	run(&b, "add_record", &add, &patient).await;
	run(&b, "log_access", &acl.log_access(0), &doctor).await;
	let content = |based_on, keys: Vec<(AccountId, u32, BoundedVec<u8>)>| NewContent {
		based_on,
		cid: bytes(CID_LEN, b'c'),
		ciphertext_digest: [10; 32],
		keys: BoundedVec(keys),
	};
	run(
		&b,
		"update_record",
		&acl.update_record(
			0,
			content(
				1,
				vec![
					(account(&patient), 0, bytes(WRAPPED_LEN, 11)),
					(account(&doctor), 0, bytes(WRAPPED_LEN, 12)),
				],
			),
		),
		&doctor,
	)
	.await;
	run(
		&b,
		"grant_access",
		// The pharmacist's key was rotated once above: version 1.
		&acl.grant_access(0, account(&pharmacist), Access::Read, bytes(WRAPPED_LEN, 3), 2, 1, None),
		&doctor,
	)
	.await;
	run(&b, "renounce_grant", &acl.renounce_grant(0), &pharmacist).await;
	run(&b, "request_access", &acl.request_access(0, Access::Read), &pharmacist).await;
	run(&b, "cancel_request", &acl.cancel_request(0), &pharmacist).await;
	run(&b, "request_access", &acl.request_access(0, Access::Read), &pharmacist).await;
	let approval = Approval {
		wrapped_key: bytes(WRAPPED_LEN, 13),
		key_version: 2,
		reader_key_version: 1,
		expires_at: None,
		access: None,
	};
	run(
		&b,
		"answer_request",
		&acl.answer_request(0, account(&pharmacist), Some(approval)),
		&patient,
	)
	.await;
	run(
		&b,
		"update_access",
		&acl.update_access(0, account(&pharmacist), Access::Read, Some(1_000_000)),
		&patient,
	)
	.await;
	run(
		&b,
		"revoke_access",
		&acl.revoke_access(
			0,
			account(&doctor),
			Some(content(
				2,
				vec![
					(account(&patient), 0, bytes(WRAPPED_LEN, 14)),
					(account(&pharmacist), 1, bytes(WRAPPED_LEN, 15)),
				],
			)),
		),
		&patient,
	)
	.await;
	run(
		&b,
		"revoke_access, no re-key",
		&acl.revoke_access(0, account(&pharmacist), None),
		&patient,
	)
	.await;
	run(&b, "remove_record", &acl.remove_record(0), &patient).await;
	run(&b, "deregister_user", &acl.deregister_user(account(&pharmacist)), &registrar).await;
	let l = &b.limits;
	println!(
		"\nBlock: {:.0} ms of ref_time, {:.0} ms of it for normal calls, one every {:.0} s; \
		 each call pays the base extrinsic weight ({:.1} µs) and its transaction \
		 extensions' weights on top of its own.",
		l.max_block as f64 / 1e9,
		l.normal_max as f64 / 1e9,
		l.block_ms / 1000.0,
		l.base_extrinsic as f64 / 1e6
	);
	println!(
		"\nBenchmarked: the call's declared weight (weights.rs at the call's arguments; \
		 worst case where a component is bounded but unknown before dispatch), from \
		 query_call_info. Weight per call: the ExtrinsicSuccess weight after refunds \
		 (call + transaction extensions: nonce, era, fee payment, ... + the base \
		 extrinsic weight); share of a block is of its full ref_time, calls per block of \
		 the normal-class limit. Fee: TransactionFeePaid = base extrinsic weight + \
		 charged weight + length, at 1 planck per picosecond and per byte; \
		 1 EHR = 10^12 planck. ACL state added: change in the bytes (keys + values) \
		 under the EhrAcl prefix. Ethereum calls/s: 3,000,000 gas/s (36M gas per \
		 12 s block) divided by the paper's gas for the matching operation."
	);
}
