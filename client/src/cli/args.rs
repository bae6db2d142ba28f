//! Argument types and parsers shared by the command groups.

use super::error::CliError;
use clap::ValueEnum;
use ehr::{
	chain::AccountId,
	records::{Access, RecordKind, Role},
};
use std::str::FromStr;

#[derive(Clone, Copy, ValueEnum)]
pub enum RoleArg {
	Patient,
	Doctor,
	Pharmacist,
	Researcher,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum KindArg {
	Observation,
	Prescription,
	Lab,
	Imaging,
	Note,
	Fhir,
	/// Keep the kind off the chain: readers learn it by opening the record.
	Unspecified,
}

impl From<RoleArg> for Role {
	fn from(r: RoleArg) -> Role {
		match r {
			RoleArg::Patient => Role::Patient,
			RoleArg::Doctor => Role::Doctor,
			RoleArg::Pharmacist => Role::Pharmacist,
			RoleArg::Researcher => Role::Researcher,
		}
	}
}

impl From<KindArg> for RecordKind {
	fn from(k: KindArg) -> RecordKind {
		match k {
			KindArg::Observation => RecordKind::Observation,
			KindArg::Prescription => RecordKind::Prescription,
			KindArg::Lab => RecordKind::Lab,
			KindArg::Imaging => RecordKind::Imaging,
			KindArg::Note => RecordKind::Note,
			KindArg::Fhir => RecordKind::Fhir,
			KindArg::Unspecified => RecordKind::Unspecified,
		}
	}
}

pub fn parse_account(text: &str) -> Result<AccountId, CliError> {
	AccountId::from_str(text.trim())
		.map_err(|_| CliError::Usage(format!("`{text}` is not an SS58 account address")))
}

/// `ACCOUNT`, `ACCOUNT:read` or `ACCOUNT:readwrite`.
pub fn parse_share(text: &str) -> Result<(AccountId, Access), CliError> {
	let (who, access) = text.split_once(':').unwrap_or((text, "read"));
	let access = match access {
		"read" => Access::Read,
		"readwrite" => Access::ReadWrite,
		other => {
			return Err(CliError::Usage(format!(
				"`{other}` is not an access level: use read or readwrite"
			)))
		}
	};
	Ok((parse_account(who)?, access))
}

/// 64 hex digits, with or without `0x`, as 32 bytes.
pub fn parse_hex32(text: &str) -> Option<[u8; 32]> {
	hex::decode(text.trim().trim_start_matches("0x")).ok().and_then(|v| v.try_into().ok())
}
