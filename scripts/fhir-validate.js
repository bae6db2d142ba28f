// Validates one FHIR R4 resource (a Bundle validates with every resource in
// it) against the official R4 JSON schema; see scripts/fhir-validate.
const fs = require('fs');
const Validator = require('@asymmetrik/fhir-json-schema-validator');

const resource = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const errors = new Validator().validate(resource);
if (errors.length > 0) {
	console.error(JSON.stringify(errors, null, 1));
	process.exit(1);
}
const inside = resource.resourceType === 'Bundle' ? (resource.entry || []).length : 1;
console.log(`valid FHIR R4 ${resource.resourceType} (${inside} resources)`);
