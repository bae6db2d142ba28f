//! Client of the EHR consortium chain: talks to a node over WebSocket with
//! types generated from the runtime's metadata.
#![forbid(unsafe_code)]

pub mod audit;
pub mod chain;
pub mod contacts;
pub mod crypto;
pub mod emergency;
pub mod fhir;
pub mod files;
pub mod governance;
pub mod index;
pub mod keystore;
pub mod progress;
pub mod records;
pub mod registration;
pub mod replication;
pub mod rotation;
pub mod storage;
pub mod verified;
