//! `ehr storage` and `ehr record add --durable`: which hospitals hold each
//! record's ciphertext. Parses, calls `ehr::replication`, presents.

use super::{context::Ctx, error::CliError};
use clap::Subcommand;
use ehr::{
	chain::Client,
	records::RecordId,
	replication::{self, Replicas},
};
use std::time::Duration;

#[derive(Subcommand)]
pub enum StorageCommand {
	/// Records held by fewer hospitals than the consortium asks
	/// (`storage-replicas`), from finalized state; exit code 10 if any.
	Status {
		/// List every record, durable or not.
		#[arg(long)]
		all: bool,
	},
	/// Which hospitals hold record ID's current ciphertext.
	Show { id: RecordId },
}

fn holders(r: &Replicas) -> String {
	let names: Vec<String> = r.holders.iter().map(|o| o.to_string()).collect();
	match names.is_empty() {
		true => "none".into(),
		false => names.join(","),
	}
}

fn line(r: &Replicas) -> String {
	format!(
		"record {}: held by {} of {} needed (hospitals {}){}",
		r.record,
		r.holders.len(),
		r.needed,
		holders(r),
		if r.durable() { "" } else { " NOT DURABLE" }
	)
}

pub async fn storage(ctx: &Ctx, command: StorageCommand) -> Result<(), CliError> {
	let chain = ctx.chain().await?;
	match command {
		StorageCommand::Status { all } => {
			let records = replication::status(&chain, !all).await?;
			let short = records.iter().filter(|r| !r.durable()).count();
			if ctx.out.json {
				println!("{}", serde_json::json!({ "records": records, "not_durable": short }));
			} else {
				for r in &records {
					println!("{}", line(r));
				}
				if short == 0 {
					println!("every record is held by as many hospitals as needed");
				}
			}
			if short > 0 {
				let text = format!("{short} record(s) held by fewer hospitals than needed");
				return Err(CliError::Incomplete(text, super::error::exit::NOT_DURABLE));
			}
		}
		StorageCommand::Show { id } => {
			let r = replication::replicas(&chain, id)
				.await?
				.ok_or(ehr::records::RecordError::RecordNotFound(id))?;
			ctx.out.done(&line(&r), serde_json::to_value(&r).expect("serializes"));
		}
	}
	Ok(())
}

/// Waits until record `id` is durable, with a progress line on stderr
/// (unless `--json`).
pub async fn wait_durable(
	ctx: &Ctx,
	chain: &Client,
	id: RecordId,
	timeout: Duration,
) -> Result<Replicas, CliError> {
	let json = ctx.out.json;
	let progress = |r: &Replicas| {
		if !json {
			eprintln!(
				"record {id}: held by {} of {} hospitals needed ({})",
				r.holders.len(),
				r.needed,
				holders(r)
			);
		}
	};
	Ok(replication::wait_durable(chain, id, timeout, progress).await?)
}
