//! The audit index over HTTP: the read-only JSON API that `ehr-indexer`
//! serves, and the client for it. The index answers the same questions as a
//! block scan, fast; `audit::verify` checks its answers against the chain.

use crate::{
	audit::{Entry, Subject, Window},
	chain::AccountId,
};
use serde::{Deserialize, Serialize};

/// What can go wrong asking the index.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
	#[error("the audit index is not reachable at {url}: {reason}. Is ehr-indexer running?")]
	Unreachable { url: String, reason: String },
	#[error("the audit index at {url} refused the query: {reason}")]
	Refused { url: String, reason: String },
	#[error("the audit index at {url} serves chain {actual}, not this node's {expected} (genesis hashes)")]
	WrongChain { url: String, expected: String, actual: String },
}

/// `GET /v1/history`: one subject (exactly one of `record`, `patient`,
/// `account`) and a window, as URL query parameters; `events` is a
/// comma-separated list.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct HistoryQuery {
	#[serde(skip_serializing_if = "Option::is_none")]
	pub record: Option<u64>,
	#[serde(skip_serializing_if = "Option::is_none")]
	pub patient: Option<String>,
	#[serde(skip_serializing_if = "Option::is_none")]
	pub account: Option<String>,
	#[serde(skip_serializing_if = "Option::is_none")]
	pub since: Option<u64>,
	#[serde(skip_serializing_if = "Option::is_none")]
	pub until: Option<u64>,
	#[serde(skip_serializing_if = "Option::is_none")]
	pub from: Option<String>,
	#[serde(skip_serializing_if = "Option::is_none")]
	pub to: Option<String>,
	#[serde(skip_serializing_if = "Option::is_none")]
	pub events: Option<String>,
}

impl HistoryQuery {
	pub fn new(subject: &Subject, window: &Window) -> HistoryQuery {
		let mut query = HistoryQuery {
			since: window.since,
			until: window.until,
			from: window.from.clone(),
			to: window.to.clone(),
			events: (!window.events.is_empty()).then(|| window.events.join(",")),
			..HistoryQuery::default()
		};
		match subject {
			Subject::Record(id) => query.record = Some(*id),
			Subject::Patient(who) => query.patient = Some(who.to_string()),
			Subject::Account(who) => query.account = Some(who.to_string()),
		}
		query
	}

	/// The subject and window asked for, or why the query is malformed.
	pub fn parts(&self) -> Result<(Subject, Window), String> {
		let account =
			|text: &str| text.parse::<AccountId>().map_err(|_| format!("not an account: {text}"));
		let subject = match (self.record, &self.patient, &self.account) {
			(Some(id), None, None) => Subject::Record(id),
			(None, Some(who), None) => Subject::Patient(account(who)?),
			(None, None, Some(who)) => Subject::Account(account(who)?),
			_ => return Err("name exactly one of record, patient, account".into()),
		};
		let events = self
			.events
			.iter()
			.flat_map(|list| list.split(','))
			.filter(|name| !name.is_empty())
			.map(str::to_string)
			.collect();
		let window =
			Window::new(self.since, self.until, self.from.as_deref(), self.to.as_deref(), events)?;
		Ok((subject, window))
	}
}

/// `GET /v1/status`: how far the index is.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct IndexStatus {
	/// The chain's genesis hash (0x-hex).
	pub genesis: String,
	/// The last block indexed (0: none yet) and its hash.
	pub indexed_block: u64,
	pub indexed_hash: String,
	/// The finalized head the indexer last saw.
	pub finalized_block: u64,
	/// Events held.
	pub events: u64,
}

/// A client of an indexer's HTTP API.
pub struct Index {
	http: reqwest::Client,
	url: String,
}

impl Index {
	pub fn new(url: &str) -> Index {
		// An index that stops answering must not hang an audit.
		let http = reqwest::Client::builder()
			.timeout(std::time::Duration::from_secs(120))
			.build()
			.expect("a client with a timeout");
		Index { http, url: url.trim_end_matches('/').to_string() }
	}

	async fn get<T: serde::de::DeserializeOwned>(
		&self,
		path: &str,
		query: &impl Serialize,
	) -> Result<T, IndexError> {
		let unreachable = |e: reqwest::Error| IndexError::Unreachable {
			url: self.url.clone(),
			reason: e.to_string(),
		};
		let response = self
			.http
			.get(format!("{}{path}", self.url))
			.query(query)
			.send()
			.await
			.map_err(unreachable)?;
		if !response.status().is_success() {
			let reason =
				format!("{}: {}", response.status(), response.text().await.unwrap_or_default());
			return Err(IndexError::Refused { url: self.url.clone(), reason });
		}
		response.json().await.map_err(unreachable)
	}

	/// `subject`'s history in `window`, as the index holds it (finalized
	/// blocks only).
	pub async fn history(
		&self,
		subject: &Subject,
		window: &Window,
	) -> Result<Vec<Entry>, IndexError> {
		self.get("/v1/history", &HistoryQuery::new(subject, window)).await
	}

	pub async fn status(&self) -> Result<IndexStatus, IndexError> {
		self.get("/v1/status", &()).await
	}

	/// Fails unless the index follows the chain whose genesis is `genesis`.
	pub async fn ensure_chain(&self, genesis: &str) -> Result<IndexStatus, IndexError> {
		let status = self.status().await?;
		if status.genesis != genesis {
			return Err(IndexError::WrongChain {
				url: self.url.clone(),
				expected: genesis.into(),
				actual: status.genesis,
			});
		}
		Ok(status)
	}
}
