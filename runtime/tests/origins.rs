//! Who may make each privileged call of the runtime, checked call by call on
//! the consortium preset (the table "Who may change what" in the README):
//! a council majority, the council's two thirds acting as root, or nobody
//! signed. The council's origin is made as a closed motion makes it
//! (`Members(ayes, seats)`); one test drives a real motion end to end.

use ehr_runtime::{
	configs::{
		dynamic_params::{
			council as council_params, emergency as emergency_params, fees,
			storage as storage_params,
		},
		RuntimeParameters, ROOT_AYES_DENOMINATOR, ROOT_AYES_NUMERATOR,
	},
	genesis_config_presets::{consortium_config_genesis, CONSORTIUM_PEERS},
	AccountId, Council, Runtime, RuntimeCall, RuntimeEvent, RuntimeGenesisConfig, RuntimeOrigin,
	System,
};
use frame_support::{
	dispatch::GetDispatchInfo,
	traits::{Get, Hooks},
	weights::Weight,
};
use pallet_collective::{Instance1, RawOrigin as CouncilOrigin};
use serde_json::Value;
use sp_core::{OpaquePeerId, H256};
use sp_keyring::Sr25519Keyring;
use sp_runtime::{traits::Dispatchable, DispatchError};

/// The consortium preset over the runtime's defaults, as the node builds it.
fn consortium() -> sp_io::TestExternalities {
	fn merge(base: &mut Value, patch: Value) {
		match (base, patch) {
			(Value::Object(base), Value::Object(patch)) => {
				for (key, value) in patch {
					merge(base.entry(key).or_insert(Value::Null), value);
				}
			}
			(base, patch) => *base = patch,
		}
	}
	let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).unwrap();
	merge(&mut config, consortium_config_genesis());
	let mut ext = sp_io::TestExternalities::new_empty();
	ext.execute_with(|| {
		frame_support::genesis_builder_helper::build_state::<RuntimeGenesisConfig>(
			serde_json::to_vec(&config).unwrap(),
		)
		.unwrap();
		System::set_block_number(1);
	});
	ext
}

fn account(k: Sr25519Keyring) -> AccountId {
	k.to_account_id()
}

fn peer(i: usize) -> OpaquePeerId {
	OpaquePeerId(CONSORTIUM_PEERS[i].to_vec())
}

/// `ayes` of `seats` hospitals, as a closed council motion dispatches.
fn council(ayes: u32, seats: u32) -> RuntimeOrigin {
	CouncilOrigin::<AccountId, Instance1>::Members(ayes, seats).into()
}

fn refused_for_its_origin(call: &RuntimeCall, origin: RuntimeOrigin) -> bool {
	matches!(call.clone().dispatch(origin), Err(e) if e.error == DispatchError::BadOrigin)
}

/// `who` proposes `call` to the council: its hash, index, weight and length.
fn propose(who: &AccountId, threshold: u32, call: RuntimeCall) -> (H256, u32, Weight, u32) {
	let weight = call.get_dispatch_info().call_weight;
	let len = codec::Encode::encoded_size(&call) as u32;
	let proposed =
		Council::propose(RuntimeOrigin::signed(who.clone()), threshold, Box::new(call), len);
	assert!(proposed.is_ok(), "{proposed:?}");
	let (hash, index) = System::events()
		.iter()
		.rev()
		.find_map(|r| match r.event {
			RuntimeEvent::Council(pallet_collective::Event::Proposed {
				proposal_hash,
				proposal_index,
				..
			}) => Some((proposal_hash, proposal_index)),
			_ => None,
		})
		.expect("proposed");
	(hash, index, weight, len)
}

fn as_root(call: RuntimeCall) -> RuntimeCall {
	RuntimeCall::Governance(pallet_ehr_governance::Call::dispatch_as_root { call: Box::new(call) })
}

/// The calls a council majority makes (`GovernanceOrigin`).
fn majority_calls() -> Vec<(&'static str, RuntimeCall)> {
	let ferdie = account(Sr25519Keyring::Ferdie);
	let alice = account(Sr25519Keyring::Alice);
	vec![
		(
			"EhrAcl::add_registrar",
			pallet_ehr_acl::Call::add_registrar { registrar: ferdie.clone(), org: 9 }.into(),
		),
		(
			"EhrAcl::remove_registrar",
			pallet_ehr_acl::Call::remove_registrar { registrar: alice.clone() }.into(),
		),
		(
			"NodeAuthorization::add_well_known_node",
			pallet_node_authorization::Call::add_well_known_node {
				node: peer(4),
				owner: ferdie.clone().into(),
			}
			.into(),
		),
		(
			"NodeAuthorization::remove_well_known_node",
			pallet_node_authorization::Call::remove_well_known_node { node: peer(0) }.into(),
		),
		(
			"NodeAuthorization::swap_well_known_node",
			pallet_node_authorization::Call::swap_well_known_node { remove: peer(0), add: peer(4) }
				.into(),
		),
		(
			"NodeAuthorization::reset_well_known_nodes",
			pallet_node_authorization::Call::reset_well_known_nodes {
				nodes: vec![(peer(0), alice.clone())],
			}
			.into(),
		),
		(
			"Council::disapprove_proposal",
			pallet_collective::Call::disapprove_proposal { proposal_hash: H256::zero() }.into(),
		),
		("Council::kill", pallet_collective::Call::kill { proposal_hash: H256::zero() }.into()),
		(
			"Replication::set_storage_agent",
			pallet_ehr_storage::Call::set_storage_agent { org: 9, agent: ferdie.clone() }.into(),
		),
		(
			"Replication::remove_storage_agent",
			pallet_ehr_storage::Call::remove_storage_agent { org: 1 }.into(),
		),
	]
}

/// The calls that change who governs or finalizes: two thirds of the
/// council (`SupermajorityOrigin`), or root.
fn two_thirds_calls() -> Vec<(&'static str, RuntimeCall)> {
	let ferdie = account(Sr25519Keyring::Ferdie);
	let alice = account(Sr25519Keyring::Alice);
	vec![
		(
			"Validators::add_validator",
			pallet_ehr_validators::Call::add_validator { who: ferdie.clone() }.into(),
		),
		(
			"Validators::remove_validator",
			pallet_ehr_validators::Call::remove_validator { who: alice.clone() }.into(),
		),
		(
			"Validators::set_session_length",
			pallet_ehr_validators::Call::set_session_length { length: 100 }.into(),
		),
		(
			"HospitalMembership::add_member",
			pallet_membership::Call::add_member { who: ferdie.clone().into() }.into(),
		),
		(
			"HospitalMembership::remove_member",
			pallet_membership::Call::remove_member { who: alice.clone().into() }.into(),
		),
		(
			"HospitalMembership::swap_member",
			pallet_membership::Call::swap_member {
				remove: alice.clone().into(),
				add: ferdie.clone().into(),
			}
			.into(),
		),
		(
			"HospitalMembership::reset_members",
			pallet_membership::Call::reset_members { members: vec![alice.clone()] }.into(),
		),
		(
			"HospitalMembership::set_prime",
			pallet_membership::Call::set_prime { who: alice.clone().into() }.into(),
		),
		("HospitalMembership::clear_prime", pallet_membership::Call::clear_prime {}.into()),
		("Parameters::set_parameter", fee_percent(Some(200))),
		(
			"Emergency::set_escrow_key",
			pallet_ehr_emergency::Call::set_escrow_key {
				org: 1,
				key: [9; 32],
				key_proof: [0; 64],
				agent: alice.clone(),
			}
			.into(),
		),
		(
			"Emergency::remove_escrow_key",
			pallet_ehr_emergency::Call::remove_escrow_key { org: 1 }.into(),
		),
	]
}

fn set_parameter(key_value: RuntimeParameters) -> RuntimeCall {
	pallet_parameters::Call::set_parameter { key_value }.into()
}

fn fee_percent(value: Option<u32>) -> RuntimeCall {
	set_parameter(RuntimeParameters::Fees(fees::Parameters::MultiplierPercent(
		fees::MultiplierPercent,
		value,
	)))
}

fn emergency_threshold(value: Option<u8>) -> RuntimeCall {
	set_parameter(RuntimeParameters::Emergency(emergency_params::Parameters::Threshold(
		emergency_params::Threshold,
		value,
	)))
}

fn emergency_access_blocks(value: Option<u32>) -> RuntimeCall {
	set_parameter(RuntimeParameters::Emergency(emergency_params::Parameters::AccessBlocks(
		emergency_params::AccessBlocks,
		value,
	)))
}

fn storage_replicas(value: Option<u8>) -> RuntimeCall {
	set_parameter(RuntimeParameters::Storage(storage_params::Parameters::Replicas(
		storage_params::Replicas,
		value,
	)))
}

fn motion_duration(value: Option<u32>) -> RuntimeCall {
	set_parameter(RuntimeParameters::Council(council_params::Parameters::MotionDuration(
		council_params::MotionDuration,
		value,
	)))
}

/// Root-only calls, which the council reaches only through
/// `Governance::dispatch_as_root` with two thirds.
fn root_calls() -> Vec<(&'static str, RuntimeCall)> {
	vec![
		(
			"System::authorize_upgrade",
			frame_system::Call::authorize_upgrade { code_hash: H256::repeat_byte(1) }.into(),
		),
		(
			"System::set_storage",
			frame_system::Call::set_storage { items: vec![(b"k".to_vec(), b"v".to_vec())] }.into(),
		),
		(
			"Council::set_members",
			pallet_collective::Call::set_members {
				new_members: vec![account(Sr25519Keyring::Eve)],
				prime: None,
				old_count: 4,
			}
			.into(),
		),
		(
			"Balances::force_set_balance",
			pallet_balances::Call::force_set_balance {
				who: account(Sr25519Keyring::Eve).into(),
				new_free: 1,
			}
			.into(),
		),
	]
}

#[test]
fn a_council_majority_makes_the_governance_calls_and_no_one_else_does() {
	consortium().execute_with(|| {
		for (name, call) in majority_calls() {
			for (who, origin) in [
				("a signed stranger", RuntimeOrigin::signed(account(Sr25519Keyring::Eve))),
				("a signed hospital", RuntimeOrigin::signed(account(Sr25519Keyring::Alice))),
				("half the council", council(2, 4)),
				(
					"one member",
					CouncilOrigin::<AccountId, Instance1>::Member(account(Sr25519Keyring::Alice))
						.into(),
				),
			] {
				assert!(refused_for_its_origin(&call, origin), "{name}: {who} was let through");
			}
			assert!(
				!refused_for_its_origin(&call, council(3, 5)),
				"{name}: a majority was refused"
			);
		}
	});
}

#[test]
fn seats_and_validators_take_two_thirds_of_the_council() {
	consortium().execute_with(|| {
		for (name, call) in two_thirds_calls() {
			for (who, origin) in [
				("a signed hospital", RuntimeOrigin::signed(account(Sr25519Keyring::Alice))),
				("a bare majority", council(3, 5)),
				("half the council", council(2, 4)),
			] {
				assert!(refused_for_its_origin(&call, origin), "{name}: {who} was let through");
			}
			assert!(!refused_for_its_origin(&call, council(4, 6)), "{name}: two thirds refused");
		}
	});
}

#[test]
fn root_takes_two_thirds_of_the_council() {
	assert_eq!((ROOT_AYES_NUMERATOR, ROOT_AYES_DENOMINATOR), (2, 3));
	consortium().execute_with(|| {
		for (name, call) in root_calls() {
			assert!(
				refused_for_its_origin(&call, council(5, 5)),
				"{name}: the council reached it without the root path"
			);
			for origin in [RuntimeOrigin::signed(account(Sr25519Keyring::Alice)), council(3, 5)] {
				assert!(
					refused_for_its_origin(&as_root(call.clone()), origin),
					"{name}: root without two thirds"
				);
			}
			let dispatched = as_root(call.clone()).dispatch(council(4, 6));
			assert!(dispatched.is_ok(), "{name}: {dispatched:?}");
			System::assert_last_event(
				pallet_ehr_governance::Event::<Runtime, Instance1>::DispatchedAsRoot {
					result: Ok(()),
				}
				.into(),
			);
		}
	});
}

#[test]
fn no_signed_account_claims_or_hands_over_a_node() {
	consortium().execute_with(|| {
		let filtered: DispatchError = frame_system::Error::<Runtime>::CallFiltered.into();
		let eve = RuntimeOrigin::signed(account(Sr25519Keyring::Eve));
		let alice = RuntimeOrigin::signed(account(Sr25519Keyring::Alice));
		// Eve squats the peer id of the fifth hospital's node before the
		// council adds it; Alice would give her own node away.
		for (origin, call) in [
			(eve.clone(), pallet_node_authorization::Call::claim_node { node: peer(4) }),
			(eve, pallet_node_authorization::Call::remove_claim { node: peer(4) }),
			(
				alice.clone(),
				pallet_node_authorization::Call::transfer_node {
					node: peer(0),
					owner: account(Sr25519Keyring::Eve).into(),
				},
			),
		] {
			let call = RuntimeCall::from(call);
			assert_eq!(call.clone().dispatch(origin).map_err(|e| e.error), Err(filtered));
		}
		// Nor wrapped in a batch.
		let batch: RuntimeCall = pallet_utility::Call::batch_all {
			calls: vec![pallet_node_authorization::Call::claim_node { node: peer(4) }.into()],
		}
		.into();
		let eve = RuntimeOrigin::signed(account(Sr25519Keyring::Eve));
		assert_eq!(batch.dispatch(eve).map_err(|e| e.error), Err(filtered));
		assert!(pallet_node_authorization::Owners::<Runtime>::get(peer(4)).is_none());
		// The owner of an authorised node still manages its connections.
		let connect: RuntimeCall = pallet_node_authorization::Call::add_connections {
			node: peer(0),
			connections: vec![peer(1)],
		}
		.into();
		assert!(connect.dispatch(alice).is_ok());
	});
}

#[test]
fn a_council_motion_with_three_of_four_hospitals_authorizes_an_upgrade() {
	consortium().execute_with(|| {
		let [alice, bob, charlie] =
			[Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie].map(account);
		let upgrade = as_root(
			frame_system::Call::authorize_upgrade { code_hash: H256::repeat_byte(9) }.into(),
		);
		let (hash, index, weight, len) = propose(&alice, 3, upgrade);
		for who in [&alice, &bob, &charlie] {
			assert!(Council::vote(RuntimeOrigin::signed(who.clone()), hash, index, true).is_ok());
		}
		let closed = Council::close(RuntimeOrigin::signed(alice), hash, index, weight, len);
		assert!(closed.is_ok(), "{closed:?}");
		System::assert_has_event(
			frame_system::Event::<Runtime>::UpgradeAuthorized {
				code_hash: H256::repeat_byte(9),
				check_version: true,
			}
			.into(),
		);
	});
}

#[test]
fn abstentions_never_count_as_ayes_even_with_a_prime() {
	consortium().execute_with(|| {
		let [alice, bob] = [Sr25519Keyring::Alice, Sr25519Keyring::Bob].map(account);
		let prime: RuntimeCall =
			pallet_membership::Call::set_prime { who: alice.clone().into() }.into();
		assert!(prime.dispatch(council(3, 4)).is_ok());
		let upgrade = as_root(
			frame_system::Call::authorize_upgrade { code_hash: H256::repeat_byte(9) }.into(),
		);
		let (hash, index, weight, len) = propose(&alice, 3, upgrade);
		// The prime and one other vote aye; two stay silent until the end.
		for who in [&alice, &bob] {
			assert!(Council::vote(RuntimeOrigin::signed(who.clone()), hash, index, true).is_ok());
		}
		let end = System::block_number() + council_params::MotionDuration::get();
		System::set_block_number(end);
		assert!(Council::close(RuntimeOrigin::signed(bob), hash, index, weight, len).is_ok());
		System::assert_has_event(
			pallet_collective::Event::<Runtime, Instance1>::Disapproved { proposal_hash: hash }
				.into(),
		);
	});
}

#[test]
fn parameters_change_fees_and_motion_length_only_within_their_ranges() {
	consortium().execute_with(|| {
		let two_thirds = || council(4, 6);
		let filtered: DispatchError = frame_system::Error::<Runtime>::CallFiltered.into();
		for out_of_range in [
			fee_percent(Some(0)),
			fee_percent(Some(9)),
			fee_percent(Some(10_001)),
			motion_duration(Some(0)),
			motion_duration(Some(599)),
			motion_duration(Some(30 * 24 * 600 + 1)),
			emergency_threshold(Some(1)),
			emergency_threshold(Some(17)),
			emergency_access_blocks(Some(29)),
			emergency_access_blocks(Some(7 * 24 * 600 + 1)),
			storage_replicas(Some(0)),
			storage_replicas(Some(17)),
		] {
			let result = out_of_range.clone().dispatch(two_thirds()).map_err(|e| e.error);
			assert_eq!(result, Err(filtered), "{out_of_range:?}");
		}
		assert_eq!(fees::MultiplierPercent::get(), 100);
		// Nor inside a batch.
		let batch: RuntimeCall =
			pallet_utility::Call::batch_all { calls: vec![fee_percent(Some(1))] }.into();
		assert_eq!(batch.dispatch(two_thirds()).map_err(|e| e.error), Err(filtered));

		// Twice the call's weight fee (not the base or length fee), from
		// the block after the change: one planck per picosecond.
		let call: RuntimeCall = frame_system::Call::remark { remark: vec![0; 100] }.into();
		let info = call.get_dispatch_info();
		let fee = || pallet_transaction_payment::Pallet::<Runtime>::compute_fee(150, &info, 0);
		let before = fee();
		assert!(fee_percent(Some(200)).dispatch(two_thirds()).is_ok());
		assert_eq!(fee(), before, "not before the block ends");
		pallet_transaction_payment::Pallet::<Runtime>::on_finalize(1);
		assert_eq!(fee(), before + u128::from(info.total_weight().ref_time()));
		// Root is not filtered, but what it stores outside the range acts as
		// the nearest bound: a tenth of the weight fee, not one percent.
		let weight_fee = u128::from(info.total_weight().ref_time());
		assert!(as_root(fee_percent(Some(1))).dispatch(two_thirds()).is_ok());
		assert_eq!(fees::MultiplierPercent::get(), 1);
		pallet_transaction_payment::Pallet::<Runtime>::on_finalize(1);
		assert_eq!(fee(), before - weight_fee + weight_fee / 10);
		// `None` restores the default.
		assert!(fee_percent(None).dispatch(two_thirds()).is_ok());
		pallet_transaction_payment::Pallet::<Runtime>::on_finalize(1);
		assert_eq!(fee(), before);

		// Motions proposed after the change are open for the new length.
		assert!(motion_duration(Some(1_200)).dispatch(two_thirds()).is_ok());
		let alice = account(Sr25519Keyring::Alice);
		let registrar: RuntimeCall =
			pallet_ehr_acl::Call::remove_registrar { registrar: account(Sr25519Keyring::Eve) }
				.into();
		let (hash, index, weight, len) = propose(&alice, 3, registrar);
		let close = || {
			Council::close(RuntimeOrigin::signed(alice.clone()), hash, index, weight, len)
				.map_err(|e| e.error)
		};
		let end = System::block_number() + 1_200;
		System::set_block_number(end - 1);
		let too_early: DispatchError =
			pallet_collective::Error::<Runtime, Instance1>::TooEarly.into();
		assert_eq!(close(), Err(too_early));
		System::set_block_number(end);
		assert!(close().is_ok());
		// A length root set below the range acts as an hour.
		assert!(as_root(motion_duration(Some(1))).dispatch(two_thirds()).is_ok());
		let registrar: RuntimeCall =
			pallet_ehr_acl::Call::remove_registrar { registrar: account(Sr25519Keyring::Ferdie) }
				.into();
		let (hash, index, weight, len) = propose(&alice, 3, registrar);
		let end = System::block_number() + 600;
		System::set_block_number(end - 1);
		let closed = Council::close(RuntimeOrigin::signed(alice.clone()), hash, index, weight, len);
		assert_eq!(closed.map_err(|e| e.error), Err(too_early));
	});
}

#[test]
fn the_emergency_threshold_and_access_length_hold_to_their_ranges() {
	type Emergency = pallet_ehr_emergency::Pallet<Runtime>;
	type AccessBlocks = <Runtime as pallet_ehr_emergency::Config>::AccessBlocks;
	consortium().execute_with(|| {
		let two_thirds = || council(4, 6);
		assert_eq!((Emergency::threshold(), AccessBlocks::get()), (3, 24 * 600));
		assert!(emergency_threshold(Some(4)).dispatch(two_thirds()).is_ok());
		assert!(emergency_access_blocks(Some(30)).dispatch(two_thirds()).is_ok());
		assert_eq!((Emergency::threshold(), AccessBlocks::get()), (4, 30));
		// What root stores outside the ranges acts as the nearest bound.
		assert!(as_root(emergency_threshold(Some(1))).dispatch(two_thirds()).is_ok());
		assert!(as_root(emergency_access_blocks(Some(1))).dispatch(two_thirds()).is_ok());
		assert_eq!((Emergency::threshold(), AccessBlocks::get()), (2, 30));
		assert!(as_root(emergency_threshold(Some(200))).dispatch(two_thirds()).is_ok());
		assert_eq!(Emergency::threshold(), 16);
	});
}

#[test]
fn the_replication_setting_holds_to_its_range() {
	consortium().execute_with(|| {
		let two_thirds = || council(4, 6);
		assert_eq!(storage_params::Replicas::get(), 2);
		assert!(storage_replicas(Some(3)).dispatch(two_thirds()).is_ok());
		assert_eq!(storage_params::Replicas::get(), 3);
		assert!(storage_replicas(Some(16)).dispatch(two_thirds()).is_ok());
		assert!(storage_replicas(None).dispatch(two_thirds()).is_ok());
		assert_eq!(storage_params::Replicas::get(), 2);
	});
}
