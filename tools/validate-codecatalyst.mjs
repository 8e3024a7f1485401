#!/usr/bin/env node
// validate-codecatalyst.mjs — outside referee for generated CodeCatalyst workflows.
//
// Validates YAML files against AWS's own CodeCatalyst workflow JSON Schema,
// using the validator the SDK exposes (WorkflowDefinition.validate from
// @aws/codecatalyst-workflows-sdk, which loads models/workflow/Workflow.json
// and every schema it references from node_modules). Nothing of the SDK is
// copied into this repository.
//
// Usage:
//   node validate-codecatalyst.mjs PATH...      files, or directories (searched
//                                               recursively for *.yaml / *.yml)
//   node validate-codecatalyst.mjs --stdin      newline-separated paths on stdin
//   (both can be combined)
//   --sdk    call WorkflowDefinition.validate for each file (slower; the
//            default reuses one Validator built exactly as it builds it)
//
// Output: one JSON object per input file, one per line, in input order:
//   {"file": "...", "valid": true|false, "errors": ["...", ...]}
// YAML syntax errors and unreadable files are reported as invalid with an
// error message. Exit status is 0 whenever the arguments were usable, 2 on a
// usage error.

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const YAML = require('yaml');
const { WorkflowDefinition, fetchSchema } = require('@aws/codecatalyst-workflows-sdk');

function usage(msg) {
  if (msg) process.stderr.write(`validate-codecatalyst: ${msg}\n`);
  process.stderr.write('usage: node validate-codecatalyst.mjs [--stdin] [--sdk] [FILE|DIR]...\n');
  process.exit(2);
}

function walk(dir, out) {
  const entries = fs.readdirSync(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name === 'node_modules' || e.name === '.git') continue;
      walk(p, out);
    } else if (/\.ya?ml$/i.test(e.name)) {
      out.push(p);
    }
  }
}

function collect(args) {
  const files = [];
  for (const a of args) {
    let st;
    try {
      st = fs.statSync(a);
    } catch {
      files.push(a); // reported as unreadable below
      continue;
    }
    if (st.isDirectory()) walk(a, files);
    else files.push(a);
  }
  return files;
}

// The SDK's validator (jsonschema) reports a failed oneOf — an action, an
// action group, a trigger, a compute block — only as "is not exactly one from
// ...", which does not say what is wrong. To explain it, the instance is
// re-validated against the one alternative its discriminating key selects
// (Identifier, Type, presence of Actions), recursively. The verdict itself
// always comes from WorkflowDefinition.validate; this only adds detail.
let explainer;
function getExplainer() {
  if (explainer) return explainer;
  const { Validator } = require('jsonschema');
  const v = new Validator();
  // Same loading procedure as WorkflowDefinition.validate.
  v.addSchema(fetchSchema('workflow/Workflow.json'));
  while (v.unresolvedRefs.length) {
    const next = v.unresolvedRefs.shift();
    if (next && !v.schemas[next]) v.addSchema({ ...fetchSchema(next), $id: next, id: next }, next);
  }
  explainer = v;
  return v;
}

function schemaOf(e) {
  // jsonschema gives the schema URI instead of the object when it was reached by $ref.
  if (typeof e.schema === 'string') return getExplainer().schemas[e.schema] || {};
  return e.schema || {};
}

function selectAlternative(e) {
  const schema = schemaOf(e);
  const refs = JSON.stringify(schema.oneOf || []);
  const inst = e.instance;
  const alts = schema.oneOf || [];
  if (alts.length === 2 && new Set(alts.map((a) => a.type)).size === 2 && alts.every((a) => a.type === 'array' || a.type === 'object')) {
    // list form vs map form (interfaces/InputVariables.json, OutputArtifacts.json)
    const want = Array.isArray(inst) ? 'array' : typeof inst === 'object' && inst !== null ? 'object' : '';
    const i = alts.findIndex((a) => a.type === want);
    if (i < 0) return { error: ' must be a list or a map' };
    return { schema: alts[i], label: `${want === 'array' ? 'list' : 'map'} form` };
  }
  if (inst === null || typeof inst !== 'object' || Array.isArray(inst)) return null;
  if (refs.includes('definitions/ActionGroup')) {
    return 'Identifier' in inst || !('Actions' in inst) ? '/Workflow#/definitions/Action' : '/Workflow#/definitions/ActionGroup';
  }
  if (refs.includes('Build.json')) {
    const id = typeof inst.Identifier === 'string' ? inst.Identifier : '';
    if (/aws\/build@v1/.test(id)) return '/actions/Build.json';
    if (/aws\/github-actions-runner@v1/.test(id)) return '/actions/GitHubActionsRunner.json';
    if (/aws\/managed-test@v1/.test(id)) return '/actions/ManagedTest.json';
    return '/actions/GenericAction.json';
  }
  if (refs.includes('Push.json')) {
    const t = { PUSH: '/triggers/Push.json', PULLREQUEST: '/triggers/PullRequest.json', SCHEDULE: '/triggers/Schedule.json' };
    return t[inst.Type] || { error: `.Type ${JSON.stringify(inst.Type)} is not one of ${Object.keys(t).join(',')}` };
  }
  if (alts.length && alts.every((a) => a.properties && a.properties.Type && a.properties.Type.enum)) {
    // inline alternatives told apart by Type (interfaces/Compute.json)
    const i = alts.findIndex((a) => a.properties.Type.enum.includes(inst.Type));
    if (i < 0) {
      const all = alts.flatMap((a) => a.properties.Type.enum);
      return { error: `.Type ${JSON.stringify(inst.Type)} is not one of ${all.join(',')}` };
    }
    return { schema: alts[i], label: `${inst.Type} form` };
  }
  if (refs.includes('EC2Compute')) {
    if (/^(EC2|ec2)$/.test(inst.Type)) return '/Workflow#/definitions/EC2Compute';
    if (/^(LAMBDA|Lambda)$/.test(inst.Type)) return '/Workflow#/definitions/LambdaCompute';
    return { error: `.Type ${JSON.stringify(inst.Type)} is not one of EC2,ec2,LAMBDA,Lambda` };
  }
  return null;
}

function explain(errors, prefix, depth) {
  const out = [];
  for (const e of errors) {
    const where = prefix + e.property.replace(/^instance/, '');
    if (e.name !== 'oneOf') {
      out.push(`${where} ${e.message}`);
      continue;
    }
    const alt = depth < 8 ? selectAlternative(e) : null;
    if (!alt) {
      const what = JSON.stringify(schemaOf(e).oneOf || []).includes('Compute') ? ' (check Type)' : '';
      out.push(`${where} matches none (or several) of the allowed forms${what}: ${e.message}`);
      continue;
    }
    if (alt.error) {
      out.push(`${where}${alt.error}`);
      continue;
    }
    const label = alt.label || alt.replace(/^.*[/#]/, '').replace(/\.json$/, '');
    const r = getExplainer().validate(e.instance, alt.schema || { $ref: alt });
    if (r.valid) {
      out.push(`${where} is ambiguous: it is a valid ${label} but also matches another alternative of oneOf`);
    } else {
      out.push(...explain(r.errors, where, depth + 1).map((s) => (s.includes('[as ') ? s : `${s} [as ${label}]`)));
    }
  }
  return out;
}

function schemaErrors(result) {
  return explain(result.errors, '$', 0);
}

// verdict validates one parsed workflow. WorkflowDefinition.validate builds a
// new jsonschema Validator and re-reads every schema file on each call
// (~2.5 ms per workflow); with --fast (the default) one Validator, loaded by
// the very same procedure (getExplainer), is reused instead (~10x faster).
// --sdk calls WorkflowDefinition.validate for every file.
let useSDK = false;
let rootSchema;
function verdict(obj) {
  if (useSDK) return WorkflowDefinition.validate(obj);
  rootSchema ||= fetchSchema('workflow/Workflow.json');
  return getExplainer().validate(obj, rootSchema);
}

function validateFile(file) {
  let src;
  try {
    src = fs.readFileSync(file, 'utf8');
  } catch (err) {
    return { file, valid: false, errors: [`read: ${err.message}`] };
  }
  const docs = YAML.parseAllDocuments(src, { uniqueKeys: true, prettyErrors: true });
  if (!Array.isArray(docs)) {
    // EmptyStream: a file with no document at all
    return { file, valid: false, errors: ['yaml: empty file'] };
  }
  const yamlErrors = [];
  for (const d of docs) for (const err of d.errors) yamlErrors.push(`yaml: ${err.message}`);
  if (yamlErrors.length) return { file, valid: false, errors: yamlErrors };
  if (docs.length !== 1) {
    return { file, valid: false, errors: [`yaml: expected exactly one document, found ${docs.length}`] };
  }
  let obj;
  try {
    obj = docs[0].toJS({ maxAliasCount: 1000 });
  } catch (err) {
    return { file, valid: false, errors: [`yaml: ${err.message}`] };
  }
  const result = verdict(obj);
  return { file, valid: result.valid, errors: result.valid ? [] : schemaErrors(result) };
}

function main() {
  const argv = process.argv.slice(2);
  let useStdin = false;
  const args = [];
  for (const a of argv) {
    if (a === '--stdin') useStdin = true;
    else if (a === '--sdk') useSDK = true;
    else if (a === '--fast') useSDK = false;
    else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('--')) usage(`unknown flag ${a}`);
    else args.push(a);
  }
  if (useStdin) {
    const text = fs.readFileSync(0, 'utf8');
    for (const line of text.split(/\r?\n/)) if (line.trim() !== '') args.push(line);
  }
  if (args.length === 0) usage('no files given');
  const files = collect(args);
  const out = [];
  for (const f of files) out.push(JSON.stringify(validateFile(f)));
  if (out.length) fs.writeSync(1, out.join('\n') + '\n');
}

main();
