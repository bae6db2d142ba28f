//! Audit entries as FHIR R4 `AuditEvent` resources, after IHE's Basic
//! Audit Log Patterns: who acted (agent), on what (entity: the record, the
//! account acted upon, and the event itself with its on-chain reference),
//! the action, the outcome, when (recorded: the block's time) and where
//! (source: the chain, observer = block and event). A Bundle of type
//! `collection` holds a history.

use crate::audit::Entry;
use serde_json::{json, Value};

/// Identifier systems for what the chain names (accounts are SS58).
const ACCOUNT: &str = "urn:ehr-chain:account";
const RECORD: &str = "urn:ehr-chain:record";
const EVENT: &str = "urn:ehr-chain:event";
const DICOM: &str = "http://dicom.nema.org/resources/ontology/DCM";

/// The audit event type (DICOM) and action (C, R, U, D, E) of an event.
fn kind(event: &str) -> (&'static str, &'static str, &'static str) {
	const RECORD_ACCESS: (&str, &str) = ("110110", "Patient Record");
	const PERMISSIONS: (&str, &str) = ("110136", "Security Roles Changed");
	const USER: (&str, &str) = ("110137", "User Security Attributes Changed");
	let ((code, display), action) = match event {
		"EmergencyRequested" => (("110127", "Emergency Override Started"), "E"),
		"EmergencyClosed" => (("110128", "Emergency Override Stopped"), "E"),
		"AccessLogged" | "EmergencyRead" => (RECORD_ACCESS, "R"),
		"EmergencyAnswered" | "ShareReleased" => (PERMISSIONS, "E"),
		"RecordAdded" => (RECORD_ACCESS, "C"),
		"RecordUpdated" => (RECORD_ACCESS, "U"),
		"RecordRemoved" => (RECORD_ACCESS, "D"),
		"GrantAdded" | "AccessRequested" => (PERMISSIONS, "C"),
		"AccessUpdated" | "RequestClosed" => (PERMISSIONS, "U"),
		"GrantRemoved" => (PERMISSIONS, "D"),
		"UserRegistered" | "RegistrarAdded" => (USER, "C"),
		"EncryptionKeyRotated" | "DeregistrationContinues" => (USER, "U"),
		"UserDeregistered" | "RegistrarRemoved" => (USER, "D"),
		// Governance: validators, nodes, members, council, root, upgrades.
		_ => (PERMISSIONS, "E"),
	};
	(code, display, action)
}

fn account(who: &str) -> Value {
	json!({ "identifier": { "system": ACCOUNT, "value": who } })
}

/// `entry` as an AuditEvent.
pub fn audit_event(entry: &Entry) -> Value {
	let (code, display, action) = kind(&entry.event);
	let reference = format!("{}/{}", entry.block_hash, entry.event_index);
	let agent = match &entry.by {
		Some(by) => json!({ "who": account(by), "requestor": true }),
		None => json!({
			"who": { "display": "the consortium's governance (council, validators)" },
			"requestor": false,
		}),
	};
	let mut event = json!({
		"what": { "identifier": { "system": EVENT, "value": reference } },
		"type": { "system": "http://terminology.hl7.org/CodeSystem/audit-entity-type", "code": "2", "display": "System Object" },
		"name": entry.event,
	});
	// A FHIR string is never empty.
	if !entry.details.is_empty() {
		event["detail"] = json!([{ "type": "details", "valueString": entry.details }]);
	}
	let mut entities = vec![event];
	if let Some(record) = entry.record {
		entities.push(json!({
			"what": { "identifier": { "system": RECORD, "value": record.to_string() } },
			"type": { "system": "http://terminology.hl7.org/CodeSystem/audit-entity-type", "code": "2", "display": "System Object" },
			"role": { "system": "http://terminology.hl7.org/CodeSystem/object-role", "code": "4", "display": "Domain Resource" },
		}));
	}
	if let Some(subject) = &entry.subject {
		entities.push(json!({
			"what": account(subject),
			"type": { "system": "http://terminology.hl7.org/CodeSystem/audit-entity-type", "code": "1", "display": "Person" },
		}));
	}
	let mut audit_event = json!({
		"resourceType": "AuditEvent",
		"id": format!("{}-{}", entry.block, entry.event_index),
		"type": { "system": DICOM, "code": code, "display": display },
		"subtype": [{ "system": EVENT, "code": entry.event }],
		"action": action,
		"recorded": entry.time,
		// Events are emitted only by calls that succeeded.
		"outcome": "0",
		"agent": [agent],
		"source": {
			"site": "EHR consortium chain",
			"observer": {
				"identifier": { "system": EVENT, "value": reference },
				"display": format!("block {} ({}), event {}", entry.block, entry.block_hash, entry.event_index),
			},
			"type": [{ "system": "http://terminology.hl7.org/CodeSystem/security-source-type", "code": "4", "display": "Application Server" }],
		},
		"entity": entities,
	});
	if crate::audit::is_emergency(&entry.event) {
		audit_event["purposeOfEvent"] = json!([{ "coding": [{
			"system": "http://terminology.hl7.org/CodeSystem/v3-ActReason",
			"code": "ETREAT",
			"display": "Emergency Treatment",
		}] }]);
	}
	audit_event
}

/// A history as a FHIR Bundle (type `collection`) of AuditEvents.
pub fn bundle(entries: &[Entry]) -> Value {
	let resources: Vec<Value> =
		entries.iter().map(|entry| json!({ "resource": audit_event(entry) })).collect();
	json!({ "resourceType": "Bundle", "type": "collection", "entry": resources })
}
