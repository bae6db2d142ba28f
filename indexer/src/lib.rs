//! `ehr-indexer`: follows the EHR chain's finalized blocks into SQLite or
//! PostgreSQL, and answers auditors' questions from there over a read-only
//! HTTP API. `ehr audit … --index URL` asks it; `ehr audit verify` checks
//! its answers against the chain.
#![forbid(unsafe_code)]

pub mod follow;
pub mod http;
pub mod store;
