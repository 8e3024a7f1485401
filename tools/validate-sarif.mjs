#!/usr/bin/env node
// validate-sarif.mjs — outside referee for actionport's SARIF output.
//
// Validates SARIF logs against the OASIS SARIF 2.1.0 JSON Schema
// (sarif-2.1.0-rtm.5.json, the final 2.1.0 schema) as shipped in the npm
// package @microsoft/jest-sarif, with ajv (draft-04 dialect, ajv-formats for
// uri/date-time; unicodeRegExp off because the schema's "language" pattern is
// not valid in JavaScript's unicode mode). Nothing of the schema is copied
// into this repository.
//
// Usage:
//   node validate-sarif.mjs FILE...   SARIF files
//   node validate-sarif.mjs -         one SARIF log on stdin
//
// Output: one JSON object per input, one per line:
//   {"file": "...", "valid": true|false, "errors": ["...", ...]}
// Exit status: 0 when every log is valid, 1 when one is not, 2 on usage error.

import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Ajv = require('ajv-draft-04');
const addFormats = require('ajv-formats');
const schema = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

const args = process.argv.slice(2);
if (args.length === 0 || args.includes('-h') || args.includes('--help')) {
  process.stderr.write('usage: node validate-sarif.mjs FILE...|-\n');
  process.exit(2);
}

const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(schema);

let allValid = true;
for (const file of args) {
  let errors = [];
  try {
    const text = fs.readFileSync(file === '-' ? 0 : file, 'utf8');
    const log = JSON.parse(text);
    if (!validate(log)) {
      errors = validate.errors.map((e) => `${e.instancePath || '/'} ${e.message}`);
    }
  } catch (err) {
    errors = [err.message];
  }
  if (errors.length) allValid = false;
  process.stdout.write(JSON.stringify({ file, valid: errors.length === 0, errors }) + '\n');
}
process.exit(allValid ? 0 : 1);
