//! `ehr gov` on a real dev node, whose council is Alice and Bob: a stranger
//! cannot propose; a hospital (Charlie) is admitted by one motion (member,
//! registrar, node, validator); a runtime upgrade is authorised by two
//! thirds and applied only with the authorised code; two thirds change a
//! parameter (the fee multiplier) within its range and the chain refuses one
//! outside it; a majority kills a motion.

mod common;

use common::{wait_for_node, DevNode, Kubo, World};
use ehr::{
	chain::{self, runtime, AccountId, Client, Wait},
	governance::{self, Operation, Parameter},
};
use runtime::runtime_types::sp_core::OpaquePeerId;
use serde_json::Value;
use subxt_signer::sr25519::dev;

/// Raw peer id of the node key 0x…05 (the consortium's fifth node).
const PEER: [u8; 38] = hex_literal::hex!(
	"002408011220fde4fba030ad002f7c2f7d4c331f49d13fb0ec747eceebec634f1ff4cbca9def"
);

async fn storage<Addr>(client: &Client, address: Addr, keys: Addr::KeyParts) -> Option<Addr::Value>
where
	Addr: subxt::storage::Address,
{
	let at = chain::at_best(client).await.unwrap();
	at.storage().try_fetch(address, keys).await.unwrap().map(|v| v.decode().unwrap())
}

fn motions(w: &World, who: &str) -> Vec<Value> {
	w.ok(who, &["gov", "list"])["motions"].as_array().unwrap().clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn ehr_gov_admits_a_hospital_authorises_an_upgrade_and_kills_a_motion() {
	let w =
		World { node: DevNode::start(), kubo: Kubo::start(), dir: tempfile::tempdir().unwrap() };
	let client = wait_for_node(&w.node.ws_url).await;
	w.import("alice", "//Alice");
	w.import("bob", "//Bob");
	let charlie = w.import("charlie", "//Charlie");
	let eve = w.import("eve", "//Eve");
	let peer = bs58::encode(PEER).into_string();
	assert!(motions(&w, "bob").is_empty());

	// Not on the council: refused, nothing proposed.
	let admit = ["gov", "propose", "admit-hospital", &charlie, "--org", "3", "--peer", &peer];
	w.fails("eve", &admit, 4, "NotMember");
	w.fails(
		"alice",
		&["gov", "propose", "admit-hospital", &charlie, "--org", "3", "--peer", "12D3x"],
		2,
		"peer id",
	);
	assert!(motions(&w, "bob").is_empty());

	// Alice proposes (her aye counts); two of two seats are needed.
	let proposed = w.ok("alice", &admit);
	assert_eq!(proposed["threshold"], 2);
	let index = proposed["index"].as_u64().unwrap().to_string();
	let listed = motions(&w, "bob");
	assert_eq!(listed.len(), 1);
	assert_eq!(
		listed[0]["call"],
		"Utility.batch_all[HospitalMembership.add_member, EhrAcl.add_registrar, \
		 NodeAuthorization.add_well_known_node, Validators.add_validator]"
	);
	assert_eq!(listed[0]["ayes"].as_array().unwrap().len(), 1);
	w.fails("bob", &["gov", "close", &index], 4, "TooEarly");
	w.fails("eve", &["gov", "vote", &index, "--aye"], 4, "NotMember");
	w.ok("bob", &["gov", "vote", &index, "--aye"]);
	let closed = w.ok("bob", &["gov", "close", &index]);
	assert_eq!(closed["outcome"], "executed", "{closed}");
	assert!(closed["error"].is_null(), "{closed}");

	let who: AccountId = charlie.parse().unwrap();
	let members = storage(&client, runtime::storage().hospital_membership().members(), ()).await;
	assert!(members.unwrap().0.contains(&who));
	let registrar = storage(&client, runtime::storage().ehr_acl().registrars(), (who,)).await;
	assert_eq!(registrar, Some(3));
	let owner = storage(
		&client,
		runtime::storage().node_authorization().owners(),
		(OpaquePeerId(PEER.to_vec()),),
	)
	.await;
	assert_eq!(owner, Some(who));
	let validators = storage(&client, runtime::storage().validators().validators(), ()).await;
	assert!(validators.unwrap().0.contains(&who));
	assert!(motions(&w, "charlie").is_empty());

	// An upgrade: two thirds of the three seats. The "runtime" here is not
	// one: the authorisation is for its hash, and applying other code is
	// refused; applying it shows the chain's own check refusing it.
	let code = w.file("runtime.wasm", b"\0asm not really a runtime");
	let other = w.file("other.wasm", b"\0asm another");
	let proposed = w.ok("alice", &["gov", "propose", "upgrade", &code]);
	assert_eq!(proposed["threshold"], 2);
	let index = proposed["index"].as_u64().unwrap().to_string();
	w.ok("charlie", &["gov", "vote", &index, "--aye"]);
	assert_eq!(w.ok("bob", &["gov", "close", &index])["outcome"], "executed");
	w.fails("eve", &["gov", "apply-upgrade", &other], 4, "Unauthorized");
	w.fails("eve", &["gov", "apply-upgrade", &code], 4, "refused the authorised code");

	// A parameter: fees to twice the benchmarked cost, by two thirds.
	let fee = |w: &World| w.ok("bob", &["gov", "params"])["parameters"][0].clone();
	assert_eq!(fee(&w)["name"], "fee-multiplier-percent");
	assert_eq!((fee(&w)["value"].as_u64(), fee(&w)["set"].as_bool()), (Some(100), Some(false)));
	// The client's default is the runtime's (`FixedU128`: 10^18 is 1).
	let multiplier = || async {
		storage(&client, runtime::storage().transaction_payment().next_fee_multiplier(), ())
			.await
			.map(|m| m.0)
	};
	assert_eq!(multiplier().await, Some(10u128.pow(18)));
	let set_fee = |value| ["gov", "propose", "set-parameter", "fee-multiplier-percent", value];
	w.fails("alice", &set_fee("5"), 2, "from 10 to 10000");
	w.fails("alice", &["gov", "propose", "set-parameter", "fees", "200"], 2, "no parameter");
	let proposed = w.ok("alice", &set_fee("200"));
	assert_eq!(proposed["threshold"], 2);
	assert!(proposed["what"].as_str().unwrap().starts_with("set fee-multiplier-percent to 200"));
	let index = proposed["index"].as_u64().unwrap().to_string();
	w.ok("charlie", &["gov", "vote", &index, "--aye"]);
	assert_eq!(w.ok("bob", &["gov", "close", &index])["outcome"], "executed");
	assert_eq!((fee(&w)["value"].as_u64(), fee(&w)["set"].as_bool()), (Some(200), Some(true)));
	// Set at the end of the block that ran the motion, for the blocks after
	// it: the weight part of every fee doubles.
	assert_eq!(multiplier().await, Some(2 * 10u128.pow(18)));
	// A motion built past the client's check: the chain refuses its call.
	let too_cheap =
		Operation::SetParameter { parameter: Parameter::FeeMultiplierPercent, value: Some(1) };
	let proposed =
		governance::propose(&client, &dev::alice(), &too_cheap, Wait::Finalized).await.unwrap();
	let index = proposed.index.unwrap().to_string();
	w.ok("alice", &["gov", "vote", &index, "--aye"]);
	w.ok("charlie", &["gov", "vote", &index, "--aye"]);
	// Closed and run, so it says so on stdout; its call failed: exit 4.
	let out = w.run("bob", &["gov", "close", &index]);
	assert_eq!(out.status.code(), Some(4));
	let closed: Value = serde_json::from_slice(&out.stdout).unwrap();
	assert_eq!(closed["error"], "System.CallFiltered", "{closed}");
	assert_eq!(fee(&w)["value"].as_u64(), Some(200));

	// Sessions: a dev chain's spec leaves them at the runtime's 100 blocks;
	// two thirds make them 50 (checked against the chain's bound first).
	let length =
		|| async { storage(&client, runtime::storage().validators().session_length(), ()).await };
	assert_eq!(length().await, Some(100));
	for refused in ["0", "9", "14401"] {
		let args = ["gov", "propose", "session-length", refused];
		w.fails("alice", &args, 2, "a session lasts 10 to 14400 blocks");
	}
	let proposed = w.ok("alice", &["gov", "propose", "session-length", "50"]);
	assert_eq!(proposed["threshold"], 2);
	assert!(
		proposed["what"].as_str().unwrap().starts_with("sessions last 50 blocks"),
		"{proposed}"
	);
	let index = proposed["index"].as_u64().unwrap().to_string();
	w.ok("charlie", &["gov", "vote", &index, "--aye"]);
	assert_eq!(w.ok("bob", &["gov", "close", &index])["outcome"], "executed");
	assert_eq!(length().await, Some(50));

	// A majority kills a motion: Bob's registrar motion for Eve.
	let doomed = w.ok("bob", &["gov", "propose", "add-registrar", &eve, "--org", "9"]);
	let doomed = doomed["index"].as_u64().unwrap().to_string();
	let kill = w.ok("alice", &["gov", "propose", "kill", &doomed]);
	let kill = kill["index"].as_u64().unwrap().to_string();
	w.ok("charlie", &["gov", "vote", &kill, "--aye"]);
	assert_eq!(w.ok("alice", &["gov", "close", &kill])["outcome"], "executed");
	assert!(motions(&w, "bob").is_empty(), "the killed motion is gone");
	w.fails("bob", &["gov", "vote", &doomed, "--aye"], 4, "no open motion");
	let registrar =
		storage(&client, runtime::storage().ehr_acl().registrars(), (eve.parse().unwrap(),)).await;
	assert_eq!(registrar, None);
}
