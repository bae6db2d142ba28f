//! What the CLI prints: a human table or sentence by default, one JSON
//! value with `--json`. Nothing secret ever passes through here.

use comfy_table::{presets::UTF8_BORDERS_ONLY, Table};
use ehr::{
	audit::{Entry, Verification},
	chain::AccountId,
	contacts::{fingerprint, Pin},
	emergency::RecordEmergency,
	governance::{Motion, ParameterValue},
	index::IndexStatus,
	keystore::PublicKeys,
	records::{Access, BlockNumber, Grant, RecordView, User},
	replication::Replicas,
};
use serde_json::{json, Value};
use std::{collections::BTreeMap, path::Path};

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Format {
	Table,
	Json,
	Csv,
	/// A FHIR R4 Bundle of AuditEvent resources.
	Fhir,
}

pub struct Out {
	pub json: bool,
}

fn table(header: &[&str], rows: Vec<Vec<String>>) -> Table {
	let mut table = Table::new();
	table.load_preset(UTF8_BORDERS_ONLY).set_header(header.to_vec());
	for row in rows {
		table.add_row(row);
	}
	table
}

fn expiry(at: Option<BlockNumber>) -> String {
	at.map_or_else(|| "never".into(), |b| format!("block {b}"))
}

fn record_json(view: &RecordView) -> Value {
	let r = &view.record;
	json!({
		"id": view.id,
		"owner": r.owner.to_string(),
		"author": r.author.to_string(),
		"kind": format!("{:?}", r.kind),
		"cid": String::from_utf8_lossy(&r.cid.0),
		"digest": hex::encode(r.ciphertext_digest),
		"version": r.version,
		"key_version": r.key_version,
		"readers": r.grant_count,
		"created_at": r.created_at,
		"updated_at": r.updated_at,
	})
}

fn grant_json(who: &AccountId, g: &Grant) -> Value {
	json!({
		"account": who.to_string(),
		"access": format!("{:?}", g.access),
		"granted_by": g.granted_by.to_string(),
		"granted_at": g.granted_at,
		"expires_at": g.expires_at,
		"key_version": g.key_version,
		"reader_key_version": g.reader_key_version,
	})
}

impl Out {
	/// A sentence for people, or `value` for machines.
	pub fn done(&self, text: &str, value: Value) {
		if self.json {
			println!("{value}");
		} else {
			println!("{text}");
		}
	}

	/// The outcome of `ehr audit verify`.
	pub fn verified(&self, outcome: &Verification) {
		if self.json {
			println!("{}", serde_json::to_value(outcome).expect("serializes"));
			return;
		}
		if !outcome.discrepancies.is_empty() {
			let rows = outcome
				.discrepancies
				.iter()
				.map(|d| {
					let e = &d.entry;
					vec![
						e.block.to_string(),
						e.event_index.to_string(),
						e.event.clone(),
						d.problem.clone(),
					]
				})
				.collect();
			println!("{}", table(&["block", "event index", "event", "what is wrong"], rows));
		}
		println!(
			"re-read {} of {} rows and {} blocks from the chain: {} discrepancies",
			outcome.checked,
			outcome.rows,
			outcome.blocks,
			outcome.discrepancies.len()
		);
	}

	/// An index's progress beside this node's finalized head.
	pub fn index_status(&self, status: &IndexStatus, finalized: u64) {
		let lag = finalized.saturating_sub(status.indexed_block);
		if self.json {
			let mut value = serde_json::to_value(status).expect("serializes");
			value["node_finalized_block"] = json!(finalized);
			value["lag_blocks"] = json!(lag);
			println!("{value}");
		} else {
			println!(
				"indexed up to block {} of {finalized} finalized ({lag} behind), {} events",
				status.indexed_block, status.events
			);
		}
	}

	pub fn public_keys(&self, public: &PublicKeys, path: &Path) {
		let fingerprint = key_fingerprint(&public.encryption_key);
		let value = json!({
			"keystore": path.display().to_string(),
			"account": public.account,
			"encryption_key": public.encryption_key,
			"fingerprint": fingerprint,
			"retired_keys": public.retired_keys,
		});
		let text = format!(
			"keystore:        {}\naccount:         {}\nencryption key:  {}\nfingerprint:     {}\nretired keys:    {}",
			path.display(),
			public.account,
			public.encryption_key,
			fingerprint,
			public.retired_keys.len()
		);
		self.done(&text, value);
	}

	/// The council's open motions.
	pub fn motions(&self, motions: &[Motion]) {
		let text = if motions.is_empty() {
			"no open motion".to_string()
		} else {
			let rows = motions
				.iter()
				.map(|m| {
					vec![
						m.index.to_string(),
						m.call.clone(),
						m.proposer.clone().unwrap_or_default(),
						format!("{}/{} (of {})", m.ayes.len(), m.threshold, m.seats),
						m.nays.len().to_string(),
						format!("block {}", m.end),
					]
				})
				.collect();
			let header = ["#", "call", "proposer", "ayes/needed", "nays", "votes until"];
			table(&header, rows).to_string()
		};
		self.done(&text, json!({ "motions": motions }));
	}

	/// The council's parameters (`ehr gov params`).
	pub fn parameters(&self, parameters: &[ParameterValue]) {
		let rows = parameters
			.iter()
			.map(|p| {
				vec![
					p.name.to_string(),
					match (p.set, p.value == p.effective) {
						(false, _) => format!("{} (default)", p.value),
						(true, true) => p.value.to_string(),
						(true, false) => format!("{} (acts as {})", p.value, p.effective),
					},
					format!("{}..={}", p.min, p.max),
					p.about.to_string(),
				]
			})
			.collect();
		let text = table(&["parameter", "value", "range", "what"], rows).to_string();
		self.done(&text, json!({ "parameters": parameters }));
	}

	/// The pinned keys of `ehr contacts list`.
	pub fn contacts(&self, pins: &BTreeMap<String, Pin>) {
		let text = if pins.is_empty() {
			"no account pinned yet: keys are pinned the first time you wrap for them".to_string()
		} else {
			pins.iter()
				.map(|(account, pin)| format!("{account}  {}", pin.fingerprint))
				.collect::<Vec<_>>()
				.join("\n")
		};
		self.done(&text, json!({ "contacts": pins }));
	}

	pub fn user(&self, who: &AccountId, user: Option<&User>, registrar_of: Option<u32>) {
		let value = json!({
			"account": who.to_string(),
			"registrar_of": registrar_of,
			"user": user.map(|u| json!({
				"role": format!("{:?}", u.role),
				"hospital": u.org,
				"encryption_key": hex::encode(u.enc_key),
				"fingerprint": fingerprint(&u.enc_key),
				"encryption_key_version": u.enc_key_version,
				"registered_by": u.registered_by.to_string(),
				"registered_at": u.registered_at,
				"records_owned": u.records_owned,
				"grants_held": u.grants_held,
			})),
		});
		let mut lines = vec![format!("account:         {who}")];
		if let Some(org) = registrar_of {
			lines.push(format!("registrar of:    hospital {org}"));
		}
		if let Some(u) = user {
			lines.push(format!("role:            {:?}", u.role));
			if let Some(org) = u.org {
				lines.push(format!("hospital:        {org}"));
			}
			lines.push(format!(
				"encryption key:  {} (version {})",
				hex::encode(u.enc_key),
				u.enc_key_version
			));
			lines.push(format!("fingerprint:     {}", fingerprint(&u.enc_key)));
			lines
				.push(format!("registered by:   {} at block {}", u.registered_by, u.registered_at));
			lines.push(format!(
				"records owned:   {}, grants held: {}",
				u.records_owned, u.grants_held
			));
		}
		self.done(&lines.join("\n"), value);
	}

	pub fn records(&self, owned: &[RecordView], shared: &[(RecordView, Grant)]) {
		if self.json {
			let shared: Vec<Value> = shared
				.iter()
				.map(|(v, g)| {
					let mut value = record_json(v);
					value["my_access"] = json!(format!("{:?}", g.access));
					value["expires_at"] = json!(g.expires_at);
					value
				})
				.collect();
			let owned: Vec<Value> = owned.iter().map(record_json).collect();
			println!("{}", json!({ "owned": owned, "shared_with_me": shared }));
			return;
		}
		let row = |v: &RecordView, access: String| {
			let r = &v.record;
			vec![
				v.id.to_string(),
				format!("{:?}", r.kind),
				r.version.to_string(),
				r.owner.to_string(),
				r.author.to_string(),
				r.grant_count.to_string(),
				access,
			]
		};
		let header = ["id", "kind", "version", "owner", "author", "readers", "access"];
		println!("Owned ({}):", owned.len());
		println!("{}", table(&header, owned.iter().map(|v| row(v, "owner".into())).collect()));
		if !shared.is_empty() {
			println!("Shared with you ({}):", shared.len());
			let rows = shared
				.iter()
				.map(|(v, g)| row(v, format!("{:?}, expires {}", g.access, expiry(g.expires_at))))
				.collect();
			println!("{}", table(&header, rows));
		}
	}

	/// Record `view`'s grants and pending requests; `reader_keys` holds
	/// each grant holder's current encryption key version, in the order of
	/// `view.grants` (`None`: not registered any more).
	pub fn grants(
		&self,
		view: &RecordView,
		requests: &[(AccountId, Access, BlockNumber)],
		reader_keys: &[Option<u32>],
		emergency: &RecordEmergency,
		replicas: Option<&Replicas>,
	) {
		let reader_key_current =
			|n: usize| reader_keys[n] == Some(view.grants[n].1.reader_key_version);
		if self.json {
			let grants: Vec<Value> = view
				.grants
				.iter()
				.enumerate()
				.map(|(n, (w, g))| {
					let mut grant = grant_json(w, g);
					grant["reader_key_current"] = reader_key_current(n).into();
					grant
				})
				.collect();
			let requests: Vec<Value> = requests
				.iter()
				.map(|(w, a, at)| {
					json!({ "account": w.to_string(), "access": format!("{a:?}"), "requested_at": at })
				})
				.collect();
			println!(
				"{}",
				json!({
					"record": record_json(view),
					"grants": grants,
					"requests": requests,
					"emergency": emergency,
					"replicas": replicas,
				})
			);
			return;
		}
		let r = &view.record;
		println!(
			"record {} ({:?}, version {}, key version {}), owner {}",
			view.id, r.kind, r.version, r.key_version, r.owner
		);
		let rows = view
			.grants
			.iter()
			.enumerate()
			.map(|(n, (who, g))| {
				vec![
					who.to_string(),
					format!("{:?}", g.access),
					g.granted_by.to_string(),
					g.granted_at.to_string(),
					expiry(g.expires_at),
					if g.key_version == r.key_version { "current" } else { "outdated" }.into(),
					match reader_keys[n] {
						None => "not registered",
						Some(_) if reader_key_current(n) => "current",
						Some(_) => "rotated since: rekey",
					}
					.into(),
				]
			})
			.collect();
		let header =
			["reader", "access", "granted by", "at block", "expires", "key", "reader's key"];
		println!("{}", table(&header, rows));
		if let Some(r) = replicas {
			println!(
				"Storage: held by {} of the {} hospitals needed {:?}{}",
				r.holders.len(),
				r.needed,
				r.holders,
				if r.durable() { "" } else { " (not yet durable)" }
			);
		}
		if !requests.is_empty() {
			let rows = requests
				.iter()
				.map(|(w, a, at)| vec![w.to_string(), format!("{a:?}"), at.to_string()])
				.collect();
			println!("Pending requests:\n{}", table(&["account", "access", "at block"], rows));
		}
		match (&emergency.escrowed, emergency.owner_opted_out) {
			(_, true) => println!("Break-glass: the owner refused emergency access"),
			(None, false) => println!("Break-glass: no shares deposited (`ehr emergency escrow`)"),
			(Some(e), false) => println!(
				"Break-glass: shares of key version {}{} with hospitals {:?}; {} of them open it",
				e.key_version,
				if e.current { "" } else { " (outdated: escrow it again)" },
				e.hospitals,
				e.threshold
			),
		}
		for r in &emergency.open_requests {
			println!(
				"EMERGENCY request {} by {} (hospital {}, {}): approved by {:?}, shares released by {:?} ({} needed), ends at block {}",
				r.emergency,
				r.requester,
				r.hospital,
				r.reason,
				r.approved_by,
				r.released_by,
				r.threshold,
				r.expires_at
			);
		}
	}
}

fn csv_field(text: &str) -> String {
	if text.contains([',', '"', '\n']) {
		format!("\"{}\"", text.replace('"', "\"\""))
	} else {
		text.to_string()
	}
}

/// Prints an audit trail in `format`.
pub fn audit(entries: &[Entry], format: Format) {
	let fields = |e: &Entry| {
		vec![
			e.block.to_string(),
			e.time.clone(),
			if ehr::audit::is_emergency(&e.event) {
				format!("EMERGENCY {}", e.event)
			} else {
				e.event.clone()
			},
			e.record.map(|r| r.to_string()).unwrap_or_default(),
			e.by.clone().unwrap_or_default(),
			e.subject.clone().unwrap_or_default(),
			e.details.clone(),
			if e.finalized { "yes" } else { "not yet" }.into(),
		]
	};
	let header = ["block", "time", "event", "record", "by", "subject", "details", "finalized"];
	match format {
		Format::Json => println!("{}", serde_json::to_string(entries).expect("serializes")),
		Format::Fhir => println!("{}", ehr::fhir::bundle(entries)),
		Format::Csv => {
			// Where each row is on chain comes last, for `ehr audit verify`.
			println!("{},block_hash,event_index", header.join(","));
			for entry in entries {
				let mut row = fields(entry);
				row.extend([entry.block_hash.clone(), entry.event_index.to_string()]);
				let row: Vec<String> = row.iter().map(|f| csv_field(f)).collect();
				println!("{}", row.join(","));
			}
		}
		Format::Table => {
			println!("{}", table(&header, entries.iter().map(fields).collect()));
			println!("{} events", entries.len());
			let reads = entries.iter().filter(|e| e.event == "EmergencyRead").count();
			let requests = entries.iter().filter(|e| e.event == "EmergencyRequested").count();
			if requests > 0 {
				println!(
					"EMERGENCY (break-glass): {requests} requests, {reads} emergency reads in this history"
				);
			}
		}
	}
}

/// The fingerprint of a hex public key from a keystore file.
fn key_fingerprint(hex_key: &str) -> String {
	let key: [u8; 32] = hex::decode(hex_key)
		.ok()
		.and_then(|bytes| bytes.try_into().ok())
		.expect("a checked keystore holds a 32-byte key");
	fingerprint(&key)
}
