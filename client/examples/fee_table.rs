//! Runs each ACL call once on a dev node and prints, per call, the weight
//! the runtime charged (ref_time, proof size) and the fee actually paid,
//! next to the paper's Table 2 gas where an operation matches.
//!
//!   fee_table ws://127.0.0.1:9944     (see `scripts/fee-table`)

use ehr::chain::{
	self,
	runtime::{
		self,
		runtime_types::{
			bounded_collections::bounded_vec::BoundedVec,
			pallet_ehr_acl::types::{Access, NewContent, RecordKind, Role},
		},
	},
	AccountId, Client, Events, Keypair,
};
use subxt::{
	ext::codec::{Compact, Decode, Encode},
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

/// Paper Table 2 (Ethereum gas) for the operation a call replaces.
fn paper_gas(call: &str) -> &'static str {
	match call {
		"register_user" => "AddUser 42,192",
		"deregister_user" => "RemoveUser 27,314",
		"add_record" => "AddEHR 106,285",
		"remove_record" => "RemoveEHR 17,141",
		_ => "",
	}
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

async fn run(client: &Client, name: &str, call: &impl Payload, signer: &Keypair) -> Events {
	let (bench_ref_time, bench_proof) = call_weight(client, call).await;
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
	println!(
		"| `{name}` | {:.1} µs | {bench_proof} B | {:.1} µs | {} B | {} | {:.6} | {} |",
		bench_ref_time as f64 / 1e6,
		weight.ref_time as f64 / 1e6,
		weight.proof_size,
		fee.actual_fee,
		fee.actual_fee as f64 / 1e12,
		paper_gas(name)
	);
	events
}

#[tokio::main]
async fn main() {
	let url = std::env::args().nth(1).unwrap_or_else(|| "ws://127.0.0.1:9944".into());
	let client = chain::connect(&url).await.expect("connect");
	let acl = runtime::transactions().ehr_acl();
	let (registrar, patient, doctor, pharmacist) =
		(dev::alice(), dev::charlie(), dev::dave(), dev::eve());

	println!(
		"| call | benchmarked ref_time | benchmarked proof size | charged ref_time | \
		 charged proof size | fee (planck) | fee (EHR) | paper Table 2 gas |"
	);
	println!("|---|---|---|---|---|---|---|---|");
	run(
		&client,
		"register_user",
		&acl.register_user(account(&patient), Role::Patient, [1; 32]),
		&patient,
	)
	.await;
	run(
		&client,
		"register_user",
		&acl.register_user(account(&doctor), Role::Doctor, [2; 32]),
		&registrar,
	)
	.await;
	run(
		&client,
		"register_user",
		&acl.register_user(account(&pharmacist), Role::Pharmacist, [3; 32]),
		&registrar,
	)
	.await;
	run(&client, "rotate_encryption_key", &acl.rotate_encryption_key([4; 32]), &pharmacist).await;
	let add = |id: u64| {
		acl.add_record(
			id,
			account(&patient),
			bytes(CID_LEN, b'b'),
			[9; 32],
			RecordKind::Observation,
			bytes(WRAPPED_LEN, 1),
			None,
		)
	};
	run(&client, "add_record", &add(0), &patient).await;
	run(
		&client,
		"grant_access",
		&acl.grant_access(0, account(&doctor), Access::ReadWrite, bytes(WRAPPED_LEN, 2), None),
		&patient,
	)
	.await;
	run(&client, "log_access", &acl.log_access(0), &doctor).await;
	let content = |keys: Vec<(AccountId, BoundedVec<u8>)>| NewContent {
		cid: bytes(CID_LEN, b'c'),
		ciphertext_digest: [10; 32],
		keys: BoundedVec(keys),
	};
	run(
		&client,
		"update_record",
		&acl.update_record(
			0,
			content(vec![
				(account(&patient), bytes(WRAPPED_LEN, 11)),
				(account(&doctor), bytes(WRAPPED_LEN, 12)),
			]),
		),
		&doctor,
	)
	.await;
	run(&client, "request_access", &acl.request_access(0, Access::Read), &pharmacist).await;
	run(
		&client,
		"answer_request",
		&acl.answer_request(0, account(&pharmacist), Some(bytes(WRAPPED_LEN, 13)), None),
		&patient,
	)
	.await;
	run(
		&client,
		"update_access",
		&acl.update_access(0, account(&pharmacist), Access::Read, Some(1_000_000)),
		&patient,
	)
	.await;
	run(
		&client,
		"revoke_access",
		&acl.revoke_access(
			0,
			account(&doctor),
			Some(content(vec![
				(account(&patient), bytes(WRAPPED_LEN, 14)),
				(account(&pharmacist), bytes(WRAPPED_LEN, 15)),
			])),
		),
		&patient,
	)
	.await;
	run(&client, "remove_record", &acl.remove_record(0), &patient).await;
	run(&client, "deregister_user", &acl.deregister_user(account(&pharmacist)), &registrar).await;
	println!(
		"\nBenchmarked: the call's declared weight (weights.rs at the call's arguments; \
		 worst case where a component is bounded but unknown before dispatch), from \
		 query_call_info. Charged: the ExtrinsicSuccess weight after refunds, including \
		 the transaction extensions (nonce, fee payment, ...). Fee: TransactionFeePaid = \
		 base extrinsic weight + charged weight + length, at 1 planck per picosecond and \
		 per byte; 1 EHR = 10^12 planck."
	);
}
