//! Sustained throughput of pre-signed calls against running nodes, with
//! inclusion and finality latency and the nodes' memory and CPU.
//!
//!   bench_tps WORKLOAD SECONDS RATE URL[,URL...] [PID,...]
//!
//! WORKLOAD is `acl` (a round-robin mix of `grant_access`, `add_record` and
//! `log_access` from many accounts), `audit` (the same mix with every read
//! on one record, for the audit index's benchmark), `acl-batch` (the same
//! operations as calls carrying several: a care team of `TEAM` readers
//! granted by `grant_access_many`, a record added with `RECORD_READERS`
//! readers, `LOG_BATCH` reads logged by `log_access_many`), `acl-utility`
//! (the same operations as `acl-batch`, each call made of the single calls
//! in `Utility.batch_all`: the generic batch as the baseline), one of the
//! mixes' calls alone (`grant_access`, `add_record`, `log_access`,
//! `grant_access_many`, `log_access_many`; see [`alone_plan`]) or
//! `transfer` (`transfer_keep_alive` between the same accounts: the
//! baseline). Calls
//! are signed before the clock starts and offered at RATE per second, spread
//! over the URLs, while at most `MAX_PENDING` wait in the pools. The first
//! URL's blocks are watched. Prints one Markdown table row (see
//! `scripts/bench`); operations count a call's grants, records and logged
//! reads (a transfer is one).

use std::{
	collections::{BTreeMap, HashMap},
	sync::{Arc, Mutex},
	time::{Duration, Instant},
};

use ehr::chain::{
	self,
	runtime::{
		self,
		runtime_types::{
			bounded_collections::bounded_vec::BoundedVec,
			ehr_runtime::RuntimeCall,
			pallet_ehr_acl::{pallet::Call as AclCall, types},
		},
	},
	AccountId, Client, Config, Keypair,
};
use ehr::{crypto::wrap::EncryptionKeypair, registration};
use futures::{stream, StreamExt};
use subxt::{
	config::DefaultExtrinsicParamsBuilder,
	events::Phase,
	rpcs::{methods::LegacyRpcMethods, RpcClient},
	transactions::Payload,
	utils::H256,
};
use subxt_signer::sr25519::dev;

/// Accounts that send the load.
const SENDERS: usize = 256;
/// Records the ACL load works on; each sender owns about
/// `RECORDS / SENDERS` of them.
const RECORDS: usize = 1_000;
/// Records of each sender in the batched workloads: what one call logs
/// reads of.
const LOG_BATCH: usize = 16;
/// Readers of one care-team grant.
const TEAM: usize = 10;
/// Readers a record is added with in the batched workloads.
const RECORD_READERS: usize = 4;
/// Read grants a sender gives on each of its records (the chain allows 31
/// besides the owner's own).
const GRANTS_PER_RECORD: usize = 30;
/// The calls a workload may send alone.
const ALONE: [&str; 5] =
	["grant_access", "add_record", "log_access", "grant_access_many", "log_access_many"];
/// Accounts that add records under load, each one a patient with room for
/// 1,000 records.
const ADDERS: usize = 32;
/// The same in the batched workloads, whose records come with
/// `RECORD_READERS` grants each: enough adders that none reaches the 512
/// grants an account may give within a run.
const BATCH_ADDERS: usize = 256;
/// Calls submitted but not yet seen in a block, at most.
const MAX_PENDING: usize = 20_000;
/// Seconds at the start of the run left out of the throughput.
const WARM_UP: f64 = 12.0;

type Rpc = LegacyRpcMethods<subxt::config::RpcConfigFor<Config>>;

fn sender_key(role: u8, i: usize) -> Keypair {
	let mut seed = [role; 32];
	seed[..8].copy_from_slice(&(i as u64).to_le_bytes());
	Keypair::from_secret_key(seed).expect("any 32 bytes are a seed")
}

fn account(key: &Keypair) -> AccountId {
	key.public_key().to_account_id()
}

fn bytes(len: usize, fill: u8) -> BoundedVec<u8> {
	BoundedVec(vec![fill; len])
}

/// One pre-signed call: its kind (for the per-call tally), the operations
/// it carries, and its bytes.
struct Signed {
	kind: &'static str,
	ops: usize,
	hash: H256,
	bytes: Vec<u8>,
}

/// Signs calls with consecutive nonces per sender, starting at each
/// sender's next nonce on the chain. Immortal: a run is shorter than any
/// lifetime would be.
struct Signer {
	at: chain::At,
	nonces: HashMap<[u8; 32], u64>,
	out: Vec<Signed>,
}

impl Signer {
	async fn new(client: &Client) -> Self {
		Signer {
			at: chain::at_best(client).await.expect("best"),
			nonces: HashMap::new(),
			out: vec![],
		}
	}

	async fn sign(&mut self, kind: &'static str, signer: &Keypair, call: impl Payload) {
		self.sign_ops(kind, 1, signer, call).await
	}

	async fn sign_ops(
		&mut self,
		kind: &'static str,
		ops: usize,
		signer: &Keypair,
		call: impl Payload,
	) {
		let who = account(signer);
		let nonce = match self.nonces.get(&who.0) {
			Some(n) => *n,
			None => self.at.transactions().account_nonce(&who).await.expect("nonce"),
		};
		self.nonces.insert(who.0, nonce + 1);
		let params = DefaultExtrinsicParamsBuilder::<Config>::new().nonce(nonce).build();
		let tx = self
			.at
			.transactions()
			.create_signable_offline(&call, params)
			.expect("signable")
			.sign(signer)
			.expect("sign");
		self.out.push(Signed { kind, ops, hash: tx.hash(), bytes: tx.into_encoded() });
	}
}

/// What the block watcher saw of one submitted call.
#[derive(Default, Clone)]
struct Seen {
	submitted: Option<Instant>,
	included: Option<(Instant, u64, bool)>,
	finalized: Option<Instant>,
	/// Why it failed in its block, if it did.
	error: Option<String>,
	/// Operations the call carries.
	ops: usize,
}

/// A block as the watcher saw it.
struct BlockSeen {
	at: Instant,
	/// Its timestamp (ms): the slot it was built in.
	moment: u64,
	ours: usize,
	succeeded: usize,
	/// Operations of the calls that succeeded.
	ops: usize,
	normal_ref_time: u64,
}

#[derive(Default)]
struct Tracker {
	calls: HashMap<H256, Seen>,
	blocks: BTreeMap<u64, BlockSeen>,
	/// Load calls submitted, and how many of those are in a block.
	submitted: usize,
	landed: usize,
}

type Shared = Arc<Mutex<Tracker>>;

/// How long the calls that set a run up may take to land.
const SETUP_TIMEOUT: Duration = Duration::from_secs(300);

/// How often the watchers ask for the best and the finalized block.
const POLL: Duration = Duration::from_millis(200);

/// The number of the block `hash` names, or of the best block.
async fn number(rpc: &Rpc, hash: Option<H256>) -> Result<u64, String> {
	let header = rpc.chain_get_header(hash).await.map_err(|e| e.to_string())?;
	Ok(header.ok_or("no such block")?.number)
}

/// What the watcher reads of one block: its extrinsics' hashes, why those
/// that failed failed (by index), its normal-class weight and timestamp.
struct BlockRead {
	extrinsics: Vec<H256>,
	failed: HashMap<usize, String>,
	normal_ref_time: u64,
	moment: u64,
}

/// Reads block `n` of the best chain.
async fn read_block(client: &Client, rpc: &Rpc, n: u64) -> Result<BlockRead, String> {
	let hash = rpc.chain_get_block_hash(Some(n.into())).await.map_err(|x| x.to_string())?;
	let at = client
		.at_block(hash.ok_or("no block at that height yet")?)
		.await
		.map_err(|x| x.to_string())?;
	let extrinsics = at.extrinsics().fetch().await.map_err(|x| x.to_string())?;
	let extrinsics: Result<Vec<H256>, String> =
		extrinsics.iter().map(|x| x.map(|x| x.hash()).map_err(|x| x.to_string())).collect();
	let mut failed = HashMap::new();
	for event in at.events().fetch().await.map_err(|x| x.to_string())?.iter() {
		let event = event.map_err(|x| x.to_string())?;
		if let (Phase::ApplyExtrinsic(i), "System", "ExtrinsicFailed") =
			(event.phase(), event.pallet_name(), event.event_name())
		{
			failed.insert(i as usize, why(&event));
		}
	}
	let storage = at.storage();
	let weight = storage.fetch(runtime::storage().system().block_weight(), ()).await;
	let weight = weight.map_err(|x| x.to_string())?.decode().map_err(|x| x.to_string())?;
	let moment = storage.fetch(runtime::storage().timestamp().now(), ()).await;
	let moment = moment.map_err(|x| x.to_string())?.decode().map_err(|x| x.to_string())?;
	Ok(BlockRead {
		extrinsics: extrinsics?,
		failed,
		normal_ref_time: weight.normal.ref_time,
		moment,
	})
}

/// Follows the best chain block by block (polling, so that no block is
/// skipped however long a large one takes to read): which of our calls each
/// holds, whether each succeeded, the block's normal-class weight and its
/// timestamp. A failed read is retried (and said on stderr); a block that
/// a reorganisation replaces after it was read is not read again (one
/// dev node does not reorganise).
async fn watch_best(client: Client, rpc: Rpc, tracker: Shared) {
	// The first block after the best one at start.
	let mut next = None;
	loop {
		let block = match number(&rpc, None).await {
			Ok(best) => {
				let n = *next.get_or_insert(best + 1);
				if best < n {
					tokio::time::sleep(POLL).await;
					continue;
				}
				read_block(&client, &rpc, n).await
			}
			Err(e) => Err(e),
		};
		let block = match block {
			Ok(block) => block,
			Err(e) => {
				eprintln!("run: reading block {next:?}: {e}; trying again");
				tokio::time::sleep(POLL).await;
				continue;
			}
		};
		let n = next.expect("set before a block is read");
		let now = Instant::now();
		let mut t = tracker.lock().expect("tracker");
		let (mut ours, mut succeeded, mut ops) = (0, 0, 0);
		for (index, hash) in block.extrinsics.iter().enumerate() {
			if let Some(seen) = t.calls.get_mut(hash) {
				let error = block.failed.get(&index).cloned();
				let ok = error.is_none();
				let first_time = seen.included.is_none() && seen.submitted.is_some();
				seen.included = Some((now, n, ok));
				seen.error = error;
				ops += if ok { seen.ops } else { 0 };
				t.landed += first_time as usize;
				ours += 1;
				succeeded += ok as usize;
			}
		}
		// Progress, left out of `scripts/bench`'s report.
		eprintln!(
			"run: block {n}: {ours} of ours ({succeeded} succeeded); {} submitted, {} landed",
			t.submitted, t.landed
		);
		let (normal_ref_time, moment) = (block.normal_ref_time, block.moment);
		t.blocks.insert(n, BlockSeen { at: now, moment, ours, succeeded, ops, normal_ref_time });
		next = Some(n + 1);
	}
}

/// Follows finality (polling) and stamps every call in a finalized block.
async fn watch_finalized(rpc: Rpc, tracker: Shared) {
	let mut done = 0;
	loop {
		tokio::time::sleep(POLL).await;
		let upto = match rpc.chain_get_finalized_head().await {
			Ok(head) => number(&rpc, Some(head)).await,
			Err(e) => Err(e.to_string()),
		};
		let upto = match upto {
			Ok(upto) if upto > done => upto,
			Ok(_) => continue,
			Err(e) => {
				eprintln!("run: reading the finalized head: {e}; trying again");
				continue;
			}
		};
		let now = Instant::now();
		let mut t = tracker.lock().expect("tracker");
		for seen in t.calls.values_mut() {
			if let (Some((_, n, _)), None) = (seen.included, seen.finalized) {
				if n <= upto {
					seen.finalized = Some(now);
				}
			}
		}
		done = upto;
	}
}

/// Submits `calls` and waits until every one is in a block, refusing none.
async fn setup(rpc: &Rpc, tracker: &Shared, calls: Vec<Signed>) {
	let hashes: Vec<H256> = calls.iter().map(|c| c.hash).collect();
	{
		let mut t = tracker.lock().expect("tracker");
		for h in &hashes {
			t.calls.insert(*h, Seen::default());
		}
	}
	stream::iter(calls)
		.for_each_concurrent(64, |c| async move {
			rpc.author_submit_extrinsic(&c.bytes).await.expect("setup call accepted");
		})
		.await;
	let started = Instant::now();
	loop {
		tokio::time::sleep(Duration::from_millis(500)).await;
		let t = tracker.lock().expect("tracker");
		let done: Vec<bool> =
			hashes.iter().filter_map(|h| t.calls[h].included.map(|(_, _, ok)| ok)).collect();
		if done.len() == hashes.len() {
			assert!(done.iter().all(|ok| *ok), "a setup call failed");
			break;
		}
		assert!(
			started.elapsed() < SETUP_TIMEOUT,
			"{} of {} setup calls seen in a block after {SETUP_TIMEOUT:?}",
			done.len(),
			hashes.len()
		);
	}
}

/// Samples VmRSS (KiB) and CPU ticks of `pids`.
fn proc_sample(pids: &[u32]) -> (u64, u64) {
	let (mut rss, mut ticks) = (0, 0);
	for pid in pids {
		let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
		rss += status
			.lines()
			.find_map(|l| l.strip_prefix("VmRSS:"))
			.and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
			.unwrap_or(0);
		let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
		// Fields after the command name (which may hold spaces): utime is the
		// 12th, stime the 13th.
		let after = stat.rsplit_once(") ").map_or("", |(_, rest)| rest);
		let fields: Vec<u64> = after.split_whitespace().map(|f| f.parse().unwrap_or(0)).collect();
		ticks += fields.get(11).copied().unwrap_or(0) + fields.get(12).copied().unwrap_or(0);
	}
	(rss, ticks)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
	if sorted.is_empty() {
		return f64::NAN;
	}
	sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[tokio::main]
async fn main() {
	let args: Vec<String> = std::env::args().collect();
	let usage = "bench_tps acl|audit|acl-batch|acl-utility|transfer|grant_access|add_record|\
		log_access|grant_access_many|log_access_many SECONDS RATE URL[,URL...] [PID,...]";
	let [_, workload, seconds, rate, urls, rest @ ..] = &args[..] else { panic!("{usage}") };
	let seconds: f64 = seconds.parse().expect(usage);
	let rate: f64 = rate.parse().expect(usage);
	let pids: Vec<u32> =
		rest.first().map_or(vec![], |p| p.split(',').map(|p| p.parse().expect(usage)).collect());
	let urls: Vec<&str> = urls.split(',').collect();
	let client = chain::connect(urls[0]).await.expect("connect");
	let mut rpcs = Vec::new();
	for url in &urls {
		rpcs.push(Rpc::new(RpcClient::from_url(*url).await.expect("rpc")));
	}
	let tracker: Shared = Arc::default();
	tokio::spawn(watch_best(client.clone(), rpcs[0].clone(), tracker.clone()));
	tokio::spawn(watch_finalized(rpcs[0].clone(), tracker.clone()));

	let senders: Vec<Keypair> = (0..SENDERS).map(|i| sender_key(1, i)).collect();
	let mixed = matches!(workload.as_str(), "acl" | "audit");
	let adders = if mixed { ADDERS } else { BATCH_ADDERS };
	let adders: Vec<Keypair> = (0..adders).map(|i| sender_key(2, i)).collect();
	let load = (rate * seconds) as usize;
	let plan = match workload.as_str() {
		"acl" | "audit" => {
			let hot = workload == "audit";
			acl_plan(&client, &rpcs[0], &tracker, &senders, &adders, load, hot).await
		}
		"acl-batch" | "acl-utility" => {
			let utility = workload == "acl-utility";
			batch_plan(&client, &rpcs[0], &tracker, &senders, &adders, load, utility).await
		}
		"transfer" => transfer_plan(&client, &rpcs[0], &tracker, &senders, load).await,
		call if ALONE.contains(&call) => {
			let call = ALONE.into_iter().find(|c| *c == call).expect("listed");
			alone_plan(&client, &rpcs[0], &tracker, &senders, &adders, call, load).await
		}
		_ => panic!("{usage}"),
	};
	// A plan cut short (the grants its senders may give) is offered over the
	// whole run, so that the window after the warm-up still sees its calls.
	let rate = rate.min(plan.len() as f64 / seconds);
	run(&tracker, &rpcs, plan, seconds, rate, &pids, workload).await;
}

/// Funds every account the run uses, from Alice.
async fn fund(client: &Client, rpc: &Rpc, tracker: &Shared, accounts: &[&Keypair]) {
	let balances = runtime::transactions().balances();
	let mut s = Signer::new(client).await;
	for k in accounts {
		let call = balances.transfer_keep_alive(account(k).into(), 10u128.pow(14));
		s.sign("fund", &dev::alice(), call).await;
	}
	setup(rpc, tracker, s.out).await;
}

async fn transfer_plan(
	client: &Client,
	rpc: &Rpc,
	tracker: &Shared,
	senders: &[Keypair],
	load: usize,
) -> Vec<Signed> {
	fund(client, rpc, tracker, &senders.iter().collect::<Vec<_>>()).await;
	let balances = runtime::transactions().balances();
	let mut s = Signer::new(client).await;
	for k in 0..load {
		let to = account(&senders[(k + 1) % SENDERS]);
		let call = balances.transfer_keep_alive(to.into(), 1_000_000_000);
		s.sign("transfer_keep_alive", &senders[k % SENDERS], call).await;
	}
	s.out
}

fn add_record(patient: &Keypair) -> impl Payload {
	add_record_with(patient, vec![])
}

/// A record of `patient` added with `readers` (Read, wrapped keys of the
/// real size).
fn add_record_with(patient: &Keypair, readers: Vec<AccountId>) -> impl Payload {
	runtime::transactions().ehr_acl().add_record(
		account(patient),
		bytes(59, b'b'),
		[9; 32],
		types::RecordKind::Observation,
		(0, bytes(80, 1)),
		None,
		BoundedVec(readers.into_iter().map(read_for).collect()),
	)
}

/// `grant_access` of Read on `id` (key version 1) to `to`.
fn grant_read(id: u64, to: AccountId) -> impl Payload {
	let read = types::Access::Read;
	runtime::transactions().ehr_acl().grant_access(id, to, read, bytes(80, 3), 1, 0, None)
}

/// The `team`-th care team sender `i` grants a record to: `TEAM` of the
/// `GRANTS_PER_RECORD` senders after it, the next `TEAM` for each next team
/// (`GRANTS_PER_RECORD / TEAM` teams fill a record).
fn care_team(senders: &[Keypair], i: usize, team: usize) -> Vec<AccountId> {
	let first = i + 1 + (team % (GRANTS_PER_RECORD / TEAM)) * TEAM;
	(0..TEAM).map(|j| account(&senders[(first + j) % SENDERS])).collect()
}

/// A Read grant's reader entry for `reader`, wrapping key version 1.
fn read_for(reader: AccountId) -> types::NewReader<AccountId, u32> {
	types::NewReader {
		reader,
		access: types::Access::Read,
		wrapped_key: bytes(80, 3),
		reader_key_version: 0,
		expires_at: None,
	}
}

/// Registers `senders` and `adders` as patients and has the senders add
/// `records` records between them (the chain numbers them); returns the
/// ids each sender owns.
async fn registered_with_records(
	client: &Client,
	rpc: &Rpc,
	tracker: &Shared,
	senders: &[Keypair],
	adders: &[Keypair],
	records: usize,
) -> Vec<Vec<u64>> {
	let everyone: Vec<&Keypair> = senders.iter().chain(adders).collect();
	fund(client, rpc, tracker, &everyone).await;
	let mut s = Signer::new(client).await;
	let key = EncryptionKeypair::from_secret(&[7; 32]);
	let genesis = client.genesis_hash().0;
	for k in &everyone {
		let call = registration::self_registration(k, &key, genesis, types::Role::Patient);
		s.sign("register_user", k, call).await;
	}
	setup(rpc, tracker, s.out).await;
	let mut s = Signer::new(client).await;
	for r in 0..records {
		let owner = &senders[r % SENDERS];
		s.sign("add_record", owner, add_record(owner)).await;
	}
	setup(rpc, tracker, s.out).await;
	let at = chain::at_best(client).await.expect("best");
	let api = runtime::runtime_apis().ehr_acl_api();
	let mut owned = Vec::new();
	for sender in senders {
		owned.push(at.runtime_apis().call(api.records_of(account(sender))).await.expect("records"));
	}
	owned
}

/// Registers the senders and adders as patients and has the senders add
/// `RECORDS` records between them (the chain numbers them); then signs the
/// load: senders grant Read on their records to other senders (built on key
/// version 1), adders add records, senders log reads of their records (with
/// `hot`, the first sender logs reads of its first record, the one the
/// audit index's benchmark asks for).
async fn acl_plan(
	client: &Client,
	rpc: &Rpc,
	tracker: &Shared,
	senders: &[Keypair],
	adders: &[Keypair],
	load: usize,
	hot: bool,
) -> Vec<Signed> {
	let owned = registered_with_records(client, rpc, tracker, senders, adders, RECORDS).await;
	let acl = runtime::transactions().ehr_acl();
	let mut s = Signer::new(client).await;
	let mut grants_made = vec![0usize; SENDERS];
	for k in 0..load {
		let i = (k / 3) % SENDERS;
		let sender = &senders[i];
		let own = |n: usize| owned[i][n % owned[i].len()];
		match k % 3 {
			0 => {
				let g = grants_made[i];
				grants_made[i] += 1;
				let to = account(&senders[(i + 1 + g % GRANTS_PER_RECORD) % SENDERS]);
				s.sign("grant_access", sender, grant_read(own(g / GRANTS_PER_RECORD), to)).await;
			}
			1 => {
				s.sign(
					"add_record",
					&adders[(k / 3) % ADDERS],
					add_record(&adders[(k / 3) % ADDERS]),
				)
				.await
			}
			_ if hot => s.sign("log_access", &senders[0], acl.log_access(owned[0][0])).await,
			_ => s.sign("log_access", sender, acl.log_access(own(k / 3 / SENDERS))).await,
		}
	}
	s.out
}

/// As [`acl_plan`] with calls that carry several operations: senders grant
/// Read on their records to care teams of `TEAM` other senders (three teams
/// fill a record), adders add records with `RECORD_READERS` readers, senders
/// log reads of their `LOG_BATCH` records. With `utility`, each call is
/// `Utility.batch_all` of the single calls doing the same.
async fn batch_plan(
	client: &Client,
	rpc: &Rpc,
	tracker: &Shared,
	senders: &[Keypair],
	adders: &[Keypair],
	load: usize,
	utility: bool,
) -> Vec<Signed> {
	let records = SENDERS * LOG_BATCH;
	let owned = registered_with_records(client, rpc, tracker, senders, adders, records).await;
	let acl = runtime::transactions().ehr_acl();
	let batch_all = |calls: Vec<AclCall>| {
		runtime::transactions()
			.utility()
			.batch_all(calls.into_iter().map(RuntimeCall::EhrAcl).collect())
	};
	let mut s = Signer::new(client).await;
	let mut teams_made = vec![0usize; SENDERS];
	for k in 0..load {
		let i = (k / 3) % SENDERS;
		let sender = &senders[i];
		match k % 3 {
			0 => {
				let g = teams_made[i];
				teams_made[i] += 1;
				let id = owned[i][(g / 3) % owned[i].len()];
				let team = care_team(senders, i, g);
				if utility {
					let calls = team
						.into_iter()
						.map(|to| AclCall::grant_access {
							id,
							to,
							access: types::Access::Read,
							wrapped_key: bytes(80, 3),
							key_version: 1,
							reader_key_version: 0,
							expires_at: None,
						})
						.collect();
					s.sign_ops("grant_access x10 (batch_all)", TEAM, sender, batch_all(calls))
						.await;
				} else {
					let readers = BoundedVec(team.into_iter().map(read_for).collect());
					let call = acl.grant_access_many(id, 1, readers);
					s.sign_ops("grant_access_many (10)", TEAM, sender, call).await;
				}
			}
			1 => {
				let adder = &adders[(k / 3) % adders.len()];
				let readers = (0..RECORD_READERS)
					.map(|j| account(&senders[(k / 3 + j * 7) % SENDERS]))
					.collect();
				let call = add_record_with(adder, readers);
				s.sign_ops("add_record (4 readers)", 1 + RECORD_READERS, adder, call).await
			}
			_ => {
				let ids = owned[i][..LOG_BATCH.min(owned[i].len())].to_vec();
				let n = ids.len();
				if utility {
					let calls = ids.into_iter().map(|id| AclCall::log_access { id }).collect();
					s.sign_ops("log_access x16 (batch_all)", n, sender, batch_all(calls)).await
				} else {
					let call = acl.log_access_many(BoundedVec(ids));
					s.sign_ops("log_access_many (16)", n, sender, call).await
				}
			}
		}
	}
	s.out
}

/// One call of the mixes alone, `load` of them, by senders owning room for
/// every grant they may give (the chain's `MaxGrantsPerAccount`,
/// `GRANTS_PER_RECORD` on a record; adders add records): `grant_access` (Read
/// to one other sender, `GRANTS_PER_RECORD` on a record), `add_record` (one
/// wrapped key, as in the ACL mix), `log_access` (one record),
/// `grant_access_many` (a care team of `TEAM`) or `log_access_many`
/// (`LOG_BATCH` records). Signs no more grants than the senders may give
/// (every one must be able to succeed) and says so if that is fewer than
/// `load`.
async fn alone_plan(
	client: &Client,
	rpc: &Rpc,
	tracker: &Shared,
	senders: &[Keypair],
	adders: &[Keypair],
	call: &'static str,
	load: usize,
) -> Vec<Signed> {
	let at = chain::at_best(client).await.expect("best");
	let limit = runtime::constants().ehr_acl().max_grants_per_account();
	let given = at.constants().entry(limit).expect("MaxGrantsPerAccount") as usize;
	let records = SENDERS * given.div_ceil(GRANTS_PER_RECORD);
	let owned = registered_with_records(client, rpc, tracker, senders, adders, records).await;
	let acl = runtime::transactions().ehr_acl();
	let calls = match call {
		"grant_access" => load.min(SENDERS * given),
		"grant_access_many" => load.min(SENDERS * (given / TEAM)),
		_ => load,
	};
	if calls < load {
		eprintln!("{call}: {calls} of {load} calls signed: the senders may give no more grants");
	}
	let mut s = Signer::new(client).await;
	for k in 0..calls {
		// The `n`-th call of sender `i`.
		let (i, n) = (k % SENDERS, k / SENDERS);
		let (sender, own) = (&senders[i], &owned[i]);
		match call {
			"grant_access" => {
				let to = account(&senders[(i + 1 + n % GRANTS_PER_RECORD) % SENDERS]);
				s.sign(call, sender, grant_read(own[n / GRANTS_PER_RECORD], to)).await
			}
			"grant_access_many" => {
				let id = own[n / (GRANTS_PER_RECORD / TEAM)];
				let readers = care_team(senders, i, n).into_iter().map(read_for).collect();
				s.sign_ops(call, TEAM, sender, acl.grant_access_many(id, 1, BoundedVec(readers)))
					.await
			}
			"add_record" => {
				let adder = &adders[k % adders.len()];
				s.sign(call, adder, add_record(adder)).await
			}
			"log_access" => s.sign(call, sender, acl.log_access(own[n % own.len()])).await,
			_ => {
				let ids = own[..LOG_BATCH].to_vec();
				s.sign_ops(call, LOG_BATCH, sender, acl.log_access_many(BoundedVec(ids))).await
			}
		}
	}
	s.out
}

/// Offers `plan` at `rate` per second for `seconds`, spread over `rpcs`,
/// then waits for the pools to drain and prints the row.
async fn run(
	tracker: &Shared,
	rpcs: &[Rpc],
	plan: Vec<Signed>,
	seconds: f64,
	rate: f64,
	pids: &[u32],
	workload: &str,
) {
	let kinds: HashMap<H256, &'static str> = plan.iter().map(|c| (c.hash, c.kind)).collect();
	{
		let mut t = tracker.lock().expect("tracker");
		for c in &plan {
			t.calls.insert(c.hash, Seen { ops: c.ops, ..Seen::default() });
		}
	}
	let start = Instant::now();
	let (_, ticks0) = proc_sample(pids);
	let sampler = {
		let pids = pids.to_vec();
		tokio::spawn(async move {
			let mut peak = 0;
			loop {
				peak = peak.max(proc_sample(&pids).0);
				tokio::time::sleep(Duration::from_millis(500)).await;
				if start.elapsed().as_secs_f64() > seconds {
					return peak;
				}
			}
		})
	};
	let refused = Arc::new(Mutex::new(0usize));
	stream::iter(plan.into_iter().enumerate())
		.for_each_concurrent(256, |(k, call)| {
			let refused = refused.clone();
			async move {
				let due = start + Duration::from_secs_f64(k as f64 / rate);
				tokio::time::sleep_until(due.into()).await;
				loop {
					let pending = {
						let t = tracker.lock().expect("tracker");
						t.submitted - t.landed
					};
					if pending < MAX_PENDING || start.elapsed().as_secs_f64() > seconds {
						break;
					}
					tokio::time::sleep(Duration::from_millis(50)).await;
				}
				if start.elapsed().as_secs_f64() > seconds {
					return;
				}
				{
					let mut t = tracker.lock().expect("tracker");
					t.submitted += 1;
					t.calls.get_mut(&call.hash).expect("tracked").submitted = Some(Instant::now());
				}
				if let Err(e) = rpcs[k % rpcs.len()].author_submit_extrinsic(&call.bytes).await {
					let mut refused = refused.lock().expect("refused");
					if *refused == 0 {
						eprintln!("first call the pool refused: {e}");
					}
					*refused += 1;
				}
			}
		})
		.await;
	let elapsed = start.elapsed().as_secs_f64();
	let (_, ticks1) = proc_sample(pids);
	let peak_rss = sampler.await.expect("sampler");
	// Let what is in the pools land and finalize (bounded).
	let settle = Instant::now();
	loop {
		tokio::time::sleep(Duration::from_secs(1)).await;
		let t = tracker.lock().expect("tracker");
		let open = t
			.calls
			.values()
			.filter(|s| s.submitted.is_some() && (s.included.is_none() || s.finalized.is_none()))
			.count();
		if open == 0 || settle.elapsed() > Duration::from_secs(40) {
			break;
		}
	}
	let t = tracker.lock().expect("tracker");
	let window = start + Duration::from_secs_f64(WARM_UP)..start + Duration::from_secs_f64(elapsed);
	let blocks: Vec<(&u64, &BlockSeen)> =
		t.blocks.iter().filter(|(_, b)| window.contains(&b.at)).collect();
	if blocks.len() < 2 {
		println!(
			"| {workload} | {rate:.0} | fewer than two blocks after the warm-up: run longer |"
		);
		return;
	}
	let (first, last) = (blocks[0].1, blocks[blocks.len() - 1].1);
	// Between the slots the first and the last were built in.
	let span = (last.moment - first.moment) as f64 / 1000.0;
	let counted = &blocks[1..];
	let tps = counted.iter().map(|(_, b)| b.ours).sum::<usize>() as f64 / span;
	let ok_tps = counted.iter().map(|(_, b)| b.succeeded).sum::<usize>() as f64 / span;
	let ops_tps = counted.iter().map(|(_, b)| b.ops).sum::<usize>() as f64 / span;
	let per_block = counted.iter().map(|(_, b)| b.ours).max().unwrap_or(0);
	let weight_ms = counted.iter().map(|(_, b)| b.normal_ref_time).sum::<u64>() as f64
		/ counted.len() as f64
		/ 1e9;
	let (mut inclusion, mut finality) = (vec![], vec![]);
	let mut by_kind: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
	let mut errors: BTreeMap<(&str, &str), usize> = BTreeMap::new();
	for (hash, seen) in &t.calls {
		let Some(sent) = seen.submitted.filter(|s| window.contains(s)) else { continue };
		if let Some((at, _, ok)) = seen.included {
			inclusion.push((at - sent).as_secs_f64());
			let tally = by_kind.entry(kinds[hash]).or_default();
			tally.0 += 1;
			tally.1 += ok as usize;
			if let Some(error) = &seen.error {
				*errors.entry((kinds[hash], error)).or_default() += 1;
			}
		}
		if let Some(at) = seen.finalized {
			finality.push((at - sent).as_secs_f64());
		}
	}
	inclusion.sort_by(f64::total_cmp);
	finality.sort_by(f64::total_cmp);
	let cpu = (ticks1 - ticks0) as f64 / 100.0 / elapsed * 100.0 / pids.len().max(1) as f64;
	let refused = *refused.lock().expect("refused");
	println!(
		"| {workload} | {rate:.0} | {tps:.0} | {ok_tps:.0} | {ops_tps:.0} | {per_block} | {weight_ms:.0} ms | \
		 {:.1} / {:.1} s | {:.1} / {:.1} s | {} MiB | {cpu:.0} % | {refused} |",
		percentile(&inclusion, 0.5),
		percentile(&inclusion, 0.95),
		percentile(&finality, 0.5),
		percentile(&finality, 0.95),
		peak_rss / 1024 / pids.len().max(1) as u64,
	);
	let kinds: Vec<String> =
		by_kind.iter().map(|(k, (n, ok))| format!("{k} {ok}/{n} succeeded")).collect();
	eprintln!("{workload}: {} in the window over {span:.1} s; {}", blocks.len(), kinds.join(", "));
	for ((kind, error), n) in errors {
		eprintln!("{workload}: {n} {kind} failed: {error}");
	}
}

/// The error an `ExtrinsicFailed` event carries (a module error by its
/// pallet's and error's indices in the metadata).
fn why(event: &subxt::events::Event<Config>) -> String {
	match event.decode_as::<runtime::Event>() {
		Ok(runtime::Event::System(runtime::system::Event::ExtrinsicFailed {
			dispatch_error,
			..
		})) => format!("{dispatch_error:?}"),
		_ => "undecodable ExtrinsicFailed".into(),
	}
}
