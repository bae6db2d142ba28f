//! The relational store of the index: one schema, the same SQL, on SQLite
//! (a file, no server) or PostgreSQL (a URL). Every block's events are
//! written in one transaction with the cursor (the last block indexed and
//! its hash), so a crash leaves the index at a block boundary: no gap and
//! no duplicate when it resumes.

use ehr::{
	audit::{BlockEvents, Entry, Subject, Window},
	index::IndexStatus,
};
use sqlx::{any::AnyPoolOptions, AnyPool, AssertSqlSafe, Row};
use std::time::Duration;

/// What can go wrong with the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
	#[error("the index database: {0}")]
	Db(#[from] sqlx::Error),
	#[error("the index at {url} belongs to chain {stored}, not {actual} (genesis hashes): use another database")]
	OtherChain { url: String, stored: String, actual: String },
	#[error(
		"another indexer wrote to this database (it is at block {0}): run one indexer per database"
	)]
	Concurrent(u64),
}

impl StoreError {
	/// Whether the database may answer again soon (a lost connection, a
	/// server restarting, a busy SQLite file), as opposed to an error
	/// that waiting does not mend (a full disk, a constraint, another
	/// chain).
	pub fn transient(&self) -> bool {
		let StoreError::Db(e) = self else { return false };
		match e {
			sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::Tls(_) => true,
			sqlx::Error::Database(db) => db.code().is_some_and(|code| {
				// PostgreSQL: connection exceptions, the server shutting down;
				// SQLite: busy, locked.
				code.starts_with("08") || code.starts_with("57P0") || code == "5" || code == "6"
			}),
			_ => false,
		}
	}
}

/// The schema, one migration per entry, applied in order and recorded in
/// `schema_migrations`. Integers are BIGINT on both databases.
const MIGRATIONS: &[&[&str]] = &[&[
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
	"CREATE TABLE cursor (
		id BIGINT PRIMARY KEY,
		block BIGINT NOT NULL,
		block_hash TEXT NOT NULL,
		events BIGINT NOT NULL
	)",
	"CREATE TABLE events (
		block BIGINT NOT NULL,
		block_hash TEXT NOT NULL,
		event_index BIGINT NOT NULL,
		time TEXT NOT NULL,
		event TEXT NOT NULL,
		record BIGINT,
		by_account TEXT,
		subject TEXT,
		details TEXT NOT NULL,
		PRIMARY KEY (block, event_index)
	)",
	"CREATE INDEX events_record ON events (record, block, event_index)",
	"CREATE INDEX events_by ON events (by_account, block, event_index)",
	"CREATE INDEX events_subject ON events (subject, block, event_index)",
	"CREATE TABLE records (id BIGINT PRIMARY KEY, owner TEXT NOT NULL)",
	"CREATE INDEX records_owner ON records (owner)",
]];

/// Rows per multi-row INSERT: 9 parameters each, well under SQLite's and
/// PostgreSQL's limits.
const ROWS_PER_INSERT: usize = 200;

/// The last block in the index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
	pub block: u64,
	pub hash: String,
}

/// One writer (the follower, one connection) and readers (the HTTP API)
/// in pools of their own: slow queries never hold up indexing.
pub struct Store {
	writer: AnyPool,
	reader: AnyPool,
	url: String,
	postgres: bool,
}

/// `url` without its password, for messages.
fn redacted(url: &str) -> String {
	match (url.find("://"), url.rfind('@')) {
		(Some(scheme), Some(at)) if at > scheme => {
			let user_info = &url[scheme + 3..at];
			match user_info.split_once(':') {
				Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
				None => url.to_string(),
			}
		}
		_ => url.to_string(),
	}
}

/// `sqlite://…` and `postgres://…` URLs as given; a plain path is a SQLite
/// file, created if missing.
fn database_url(given: &str) -> String {
	if given.contains("://") || given.starts_with("sqlite:") {
		given.to_string()
	} else {
		format!("sqlite://{given}?mode=rwc")
	}
}

/// Makes `tx` wait for any other process's transaction that set up the
/// database (two indexers started at once on a new database take turns
/// to create its tables), by writing the lock row (version 0) of
/// `schema_migrations`.
/// PostgreSQL's transaction must be READ COMMITTED (its default) for the
/// waiting one to see the other's row rather than fail.
async fn lock(tx: &mut sqlx::Transaction<'_, sqlx::Any>, postgres: bool) -> Result<(), StoreError> {
	if postgres {
		sqlx::query("SET TRANSACTION ISOLATION LEVEL READ COMMITTED").execute(&mut **tx).await?;
	}
	for statement in [
		"INSERT INTO schema_migrations (version) VALUES (0) ON CONFLICT (version) DO NOTHING",
		"UPDATE schema_migrations SET version = 0 WHERE version = 0",
	] {
		sqlx::query(statement).execute(&mut **tx).await?;
	}
	Ok(())
}

impl Store {
	/// Opens (and creates or migrates) the index at `url` for the chain with
	/// genesis hash `genesis`.
	pub async fn open(url: &str, genesis: &str) -> Result<Store, StoreError> {
		// Another process opening the same new SQLite file at the same
		// moment can find it locked where no busy timeout applies (while
		// it switches to WAL): that, and a database server not answering
		// yet, is tried again for a few seconds, at staggered times.
		let mut attempt = 0;
		loop {
			match Self::open_once(url, genesis).await {
				Err(e) if e.transient() && attempt < 20 => {
					attempt += 1;
					let jitter = u64::from(std::process::id() % 50);
					tokio::time::sleep(Duration::from_millis(50 * attempt + jitter)).await;
				}
				outcome => return outcome,
			}
		}
	}

	async fn open_once(url: &str, genesis: &str) -> Result<Store, StoreError> {
		sqlx::any::install_default_drivers();
		let full = database_url(url);
		let writer = AnyPoolOptions::new().max_connections(1).connect(&full).await?;
		if full.starts_with("sqlite:") {
			// Readers (the HTTP API) do not block the writer, nor it them.
			sqlx::query("PRAGMA journal_mode=WAL").execute(&writer).await?;
			// Who read whose records: for this account's eyes only.
			if !url.contains("://") && !url.starts_with("sqlite:") {
				use std::os::unix::fs::PermissionsExt;
				std::fs::set_permissions(url, std::fs::Permissions::from_mode(0o600))
					.map_err(|e| StoreError::Db(e.into()))?;
			}
		}
		let reader = AnyPoolOptions::new().max_connections(4).connect(&full).await?;
		let postgres = !full.starts_with("sqlite:");
		let store = Store { writer, reader, url: redacted(url), postgres };
		store.migrate().await?;
		store.bind_to_chain(genesis).await?;
		Ok(store)
	}

	async fn migrate(&self) -> Result<(), StoreError> {
		// Two processes creating it at once: PostgreSQL may fail one of them
		// (IF NOT EXISTS is not atomic there); its second try finds it.
		let create = "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY)";
		if sqlx::query(create).execute(&self.writer).await.is_err() {
			sqlx::query(create).execute(&self.writer).await?;
		}
		for (version, statements) in MIGRATIONS.iter().enumerate() {
			let version = version as i64 + 1;
			let mut tx = self.writer.begin().await?;
			lock(&mut tx, self.postgres).await?;
			let applied = sqlx::query("SELECT version FROM schema_migrations WHERE version = $1")
				.bind(version)
				.fetch_optional(&mut *tx)
				.await?
				.is_some();
			if applied {
				tx.rollback().await?;
				continue;
			}
			for statement in *statements {
				sqlx::query(*statement).execute(&mut *tx).await?;
			}
			sqlx::query("INSERT INTO schema_migrations (version) VALUES ($1)")
				.bind(version)
				.execute(&mut *tx)
				.await?;
			tx.commit().await?;
		}
		Ok(())
	}

	/// Records the chain on first use; refuses another chain afterwards.
	async fn bind_to_chain(&self, genesis: &str) -> Result<(), StoreError> {
		let mut tx = self.writer.begin().await?;
		lock(&mut tx, self.postgres).await?;
		let stored: Option<String> = sqlx::query("SELECT value FROM meta WHERE key = 'genesis'")
			.fetch_optional(&mut *tx)
			.await?
			.map(|row| row.try_get(0))
			.transpose()?;
		match stored {
			Some(stored) if stored != genesis => {
				return Err(StoreError::OtherChain {
					url: self.url.clone(),
					stored,
					actual: genesis.into(),
				})
			}
			Some(_) => {}
			None => {
				sqlx::query("INSERT INTO meta (key, value) VALUES ('genesis', $1)")
					.bind(genesis)
					.execute(&mut *tx)
					.await?;
				sqlx::query(
					"INSERT INTO cursor (id, block, block_hash, events) VALUES (1, 0, $1, 0)",
				)
				.bind(genesis)
				.execute(&mut *tx)
				.await?;
			}
		}
		tx.commit().await?;
		Ok(())
	}

	pub async fn genesis(&self) -> Result<String, StoreError> {
		Ok(sqlx::query("SELECT value FROM meta WHERE key = 'genesis'")
			.fetch_one(&self.reader)
			.await?
			.try_get(0)?)
	}

	/// The last block indexed (block 0, the genesis, before any).
	pub async fn cursor(&self) -> Result<Cursor, StoreError> {
		let row = sqlx::query("SELECT block, block_hash FROM cursor WHERE id = 1")
			.fetch_one(&self.writer)
			.await?;
		Ok(Cursor { block: row.try_get::<i64, _>(0)? as u64, hash: row.try_get(1)? })
	}

	/// Appends `blocks` (consecutive, right after `after`) in one
	/// transaction that also moves the cursor to the last of them. Fails
	/// without writing anything if the cursor is no longer at `after`.
	pub async fn append(
		&self,
		after: &Cursor,
		blocks: &[BlockEvents],
	) -> Result<Cursor, StoreError> {
		let Some(last) = blocks.last() else { return Ok(after.clone()) };
		let mut tx = self.writer.begin().await?;
		let entries: Vec<&Entry> = blocks.iter().flat_map(|b| &b.entries).collect();
		let moved = sqlx::query(
			"UPDATE cursor SET block = $1, block_hash = $2, events = events + $3
			 WHERE id = 1 AND block = $4 AND block_hash = $5",
		)
		.bind(last.number as i64)
		.bind(&last.hash)
		.bind(entries.len() as i64)
		.bind(after.block as i64)
		.bind(&after.hash)
		.execute(&mut *tx)
		.await?;
		if moved.rows_affected() != 1 {
			drop(tx);
			return Err(StoreError::Concurrent(self.cursor().await?.block));
		}
		for chunk in entries.chunks(ROWS_PER_INSERT) {
			let rows: Vec<String> = (0..chunk.len())
				.map(|i| {
					let p: Vec<String> = (1..=9).map(|c| format!("${}", i * 9 + c)).collect();
					format!("({})", p.join(", "))
				})
				.collect();
			let sql = format!(
				"INSERT INTO events (block, block_hash, event_index, time, event, record, by_account, subject, details) VALUES {}",
				rows.join(", ")
			);
			// Only numbered placeholders go into the text; the values are bound.
			let mut query = sqlx::query(AssertSqlSafe(sql));
			for e in chunk {
				query = query
					.bind(e.block as i64)
					.bind(&e.block_hash)
					.bind(e.event_index as i64)
					.bind(&e.time)
					.bind(&e.event)
					.bind(e.record.map(|r| r as i64))
					.bind(&e.by)
					.bind(&e.subject)
					.bind(&e.details);
			}
			query.execute(&mut *tx).await?;
		}
		for e in entries.iter().filter(|e| e.event == "RecordAdded") {
			if let (Some(id), Some(owner)) = (e.record, &e.subject) {
				sqlx::query("INSERT INTO records (id, owner) VALUES ($1, $2)")
					.bind(id as i64)
					.bind(owner)
					.execute(&mut *tx)
					.await?;
			}
		}
		tx.commit().await?;
		Ok(Cursor { block: last.number, hash: last.hash.clone() })
	}

	/// `subject`'s history in `window`, oldest first. A patient's history
	/// holds every event on the records it owns (whenever they were added)
	/// and the events about the patient's account itself.
	pub async fn history(
		&self,
		subject: &Subject,
		window: &Window,
	) -> Result<Vec<Entry>, StoreError> {
		enum Arg {
			Int(i64),
			Text(String),
		}
		let mut args = Vec::new();
		let mut param = |arg: Arg| {
			args.push(arg);
			format!("${}", args.len())
		};
		// Numbers past i64::MAX (the databases' BIGINT) mean "no bound".
		let bounded = |n: u64| Arg::Int(n.min(i64::MAX as u64) as i64);
		let mut conditions = vec![match subject {
			Subject::Record(id) => format!("record = {}", param(bounded(*id))),
			Subject::Account(who) => {
				let p = param(Arg::Text(who.to_string()));
				format!("(by_account = {p} OR subject = {p})")
			}
			Subject::Patient(who) => {
				let p = param(Arg::Text(who.to_string()));
				format!(
					"(record IN (SELECT id FROM records WHERE owner = {p}) OR (record IS NULL AND (by_account = {p} OR subject = {p})))"
				)
			}
		}];
		if let Some(since) = window.since {
			conditions.push(format!("block >= {}", param(bounded(since))));
		}
		if let Some(until) = window.until {
			conditions.push(format!("block <= {}", param(bounded(until))));
		}
		if let Some(from) = &window.from {
			conditions.push(format!("time >= {}", param(Arg::Text(from.clone()))));
		}
		if let Some(to) = &window.to {
			conditions.push(format!("time < {}", param(Arg::Text(to.clone()))));
		}
		if !window.events.is_empty() {
			let names: Vec<String> =
				window.events.iter().map(|name| param(Arg::Text(name.clone()))).collect();
			conditions.push(format!("event IN ({})", names.join(", ")));
		}
		let sql = format!(
			"SELECT block, block_hash, event_index, time, event, record, by_account, subject, details
			 FROM events WHERE {} ORDER BY block, event_index",
			conditions.join(" AND ")
		);
		// The text holds fixed column names and numbered placeholders only;
		// every value the caller gave is bound.
		let mut query = sqlx::query(AssertSqlSafe(sql));
		for arg in args {
			query = match arg {
				Arg::Int(v) => query.bind(v),
				Arg::Text(v) => query.bind(v),
			};
		}
		let rows = query.fetch_all(&self.reader).await?;
		rows.iter()
			.map(|row| {
				Ok(Entry {
					block: row.try_get::<i64, _>(0)? as u64,
					block_hash: row.try_get(1)?,
					event_index: row.try_get::<i64, _>(2)? as u32,
					time: row.try_get(3)?,
					event: row.try_get(4)?,
					record: row.try_get::<Option<i64>, _>(5)?.map(|r| r as u64),
					by: row.try_get(6)?,
					subject: row.try_get(7)?,
					details: row.try_get(8)?,
					finalized: true,
				})
			})
			.collect()
	}

	/// How far the index is; `finalized_block` as the caller last saw it.
	pub async fn status(&self, finalized_block: u64) -> Result<IndexStatus, StoreError> {
		let row = sqlx::query("SELECT block, block_hash, events FROM cursor WHERE id = 1")
			.fetch_one(&self.reader)
			.await?;
		Ok(IndexStatus {
			genesis: self.genesis().await?,
			indexed_block: row.try_get::<i64, _>(0)? as u64,
			indexed_hash: row.try_get(1)?,
			finalized_block,
			events: row.try_get::<i64, _>(2)? as u64,
		})
	}
}

#[cfg(test)]
mod tests {
	use super::redacted;

	#[test]
	fn messages_never_carry_a_database_password() {
		assert_eq!(
			redacted("postgres://ehr:s3cret@db/ehr_index"),
			"postgres://ehr:***@db/ehr_index"
		);
		assert_eq!(
			redacted("postgres://ehr@db/ehr_index?host=/x"),
			"postgres://ehr@db/ehr_index?host=/x"
		);
		assert_eq!(redacted("/var/lib/ehr/index.sqlite"), "/var/lib/ehr/index.sqlite");
	}
}
