#!/usr/bin/env node
// Validates catena-emulator responses against the contract (openapi.yaml).
//
//   node validate_responses.mjs [--spec openapi.yaml] [--emulator path/to/catena-emulator] [--dir DIR]...
//
// --emulator: starts the emulator (recording its responses), drives a scenario that reaches every
//             endpoint and status the contract declares (success, 401, 403, 404, 405, 422, 429, 501,
//             202/200/502 writes), stops it, then validates what it recorded.
// --dir:      also validates responses-*.jsonl files recorded by other tests (CATENA_EMU_RECORD_DIR).
// Each response body is checked against the schema of (path template, method, status) in the spec.
// Needs: npm install --prefix tests/contract (ajv, ajv-formats, js-yaml).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import yaml from 'js-yaml';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = { spec: resolve(here, '../../contract/openapi.yaml'), emulator: null, dirs: [] };
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--spec') opt.spec = args[++i];
  else if (args[i] === '--emulator') opt.emulator = args[++i];
  else if (args[i] === '--dir') opt.dirs.push(args[++i]);
  else { console.error(`unknown argument ${args[i]}`); process.exit(2); }
}
if (!existsSync(opt.spec)) { console.error(`spec not found: ${opt.spec}`); process.exit(2); }
const spec = yaml.load(readFileSync(opt.spec, 'utf8'));

// ---------------------------------------------------------------- schema compilation
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
addFormats(ajv);
ajv.addSchema({ $id: 'catena-spec', components: spec.components });
const rewrite = (node) => {
  if (Array.isArray(node)) return node.map(rewrite);
  if (node && typeof node === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(node))
      out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `catena-spec${v}` : rewrite(v);
    return out;
  }
  return node;
};
const templates = Object.keys(spec.paths)
  .map((t) => ({
    template: t,
    params: (t.match(/\{/g) || []).length,
    re: new RegExp('^' + t.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+') + '$'),
  }))
  .sort((a, b) => a.params - b.params);
const compiled = new Map();
function componentValidator(name) {
  const key = `#/components/schemas/${name}`;
  if (!compiled.has(key)) compiled.set(key, ajv.getSchema(`catena-spec${key}`));
  return { validate: compiled.get(key), key };
}
function validatorFor(path, method, status) {
  const p = path.replace(/^\/realms\/catena(?=\/protocol\/)/, '');
  let t = templates.find((x) => x.re.test(p) && spec.paths[x.template][method.toLowerCase()]);
  let m = method.toLowerCase();
  if (!t && status === 405) {
    // a method the path does not have: use the 405 response any operation of the path declares
    t = templates.find((x) => x.re.test(p));
    m = t && Object.keys(spec.paths[t.template]).find((k) => spec.paths[t.template][k]?.responses?.['405']);
  }
  if ((!t || !m) && status === 404) return componentValidator('NotFound'); // unknown route
  if (!t || !m) return { error: `no operation ${method} ${path}` };
  const op = spec.paths[t.template][m];
  let resp = op.responses[String(status)] || op.responses.default;
  // Keycloak answers 400 (unsupported_grant_type, invalid_request, invalid_scope) with the same body as
  // its 401; the subset spec lists only 401, so check those against the 401 schema (ErrorResponse).
  if (!resp && t.template === '/protocol/openid-connect/token' && status === 400) resp = op.responses['401'];
  if (!resp) return { error: `status ${status} not declared for ${method} ${t.template}` };
  const schema = resp.content?.['application/json']?.schema;
  if (!schema) return { skip: true };
  const key = `${t.template} ${m.toUpperCase()} ${status}`;
  if (!compiled.has(key)) compiled.set(key, ajv.compile(rewrite(schema)));
  return { validate: compiled.get(key), key };
}

// The request body of (method, path) checked against the contract's requestBody schema; null if valid.
function requestProblem(method, path, body) {
  const t = templates.find((x) => x.re.test(path) && spec.paths[x.template][method.toLowerCase()]);
  const schema = t && spec.paths[t.template][method.toLowerCase()].requestBody?.content?.['application/json']?.schema;
  if (!schema) return `no request schema for ${method} ${path}`;
  const validate = ajv.compile(rewrite(schema));
  return validate(body) ? null : ajv.errorsText(validate.errors, { separator: '; ' }).slice(0, 600);
}

// ---------------------------------------------------------------- scenario against a fresh emulator
let scenarioChild = null; // killed when the scenario throws, so that node can exit and report
async function runScenario(bin, recordDir) {
  const child = scenarioChild = spawn(bin, ['--port', '0', '--time-scale', '0.001', '--token-lifetime', '100000000', '--seed', '9',
    '--message-history', '--chatter'], {
    env: { ...process.env, CATENA_EMU_RECORD_DIR: recordDir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const base = await new Promise((res, rej) => {
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      const m = buf.match(/listening on (http:\/\/\S+)/);
      if (m) res(m[1]);
    });
    child.on('exit', (c) => rej(new Error(`emulator exited ${c}`)));
  });
  const call = async (method, path, { token, body, form, auth } = {}) => {
    const headers = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (auth) headers.authorization = auth;
    let payload;
    if (form) { headers['content-type'] = 'application/x-www-form-urlencoded'; payload = form; }
    else if (body !== undefined) { headers['content-type'] = 'application/json'; payload = typeof body === 'string' ? body : JSON.stringify(body); }
    const r = await fetch(base + path, { method, headers, body: payload });
    const text = await r.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* not JSON */ }
    return { status: r.status, json };
  };
  const tokenForm = 'grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret&scope=organization';
  await call('POST', '/realms/catena/protocol/openid-connect/token', { form: 'grant_type=client_credentials&client_id=x&client_secret=y' });
  const tok = (await call('POST', '/realms/catena/protocol/openid-connect/token', { form: tokenForm })).json.access_token;
  const conns = (await call('GET', '/v2/integrations/connections', { token: tok })).json.items;
  const ids = [];
  for (const c of conns) {
    const q = (s) => call('GET', s, { token: tok }).then((r) => r.json.items);
    ids.push({
      conn: c.id,
      dispatcher: (await q(`/v2/telematics/users?is_driver=false&connection_id=${c.id}`))[0].id,
      drivers: (await q(`/v2/telematics/users?is_driver=true&connection_id=${c.id}`)).map((u) => u.id),
      vehicle: (await q(`/v2/telematics/vehicles?connection_id=${c.id}`))[0].id,
      trailer: (await q(`/v2/telematics/trailers?connection_id=${c.id}`))[0].id,
    });
  }
  const [a, b, g, o] = ids;
  const get = (p, t = tok) => call('GET', p, { token: t });
  for (const p of ['/v2/integrations/connections', `/v2/integrations/connections/${a.conn}`,
    '/v2/integrations/connections/data-freshness', '/v2/integrations/tsps', '/v2/integrations/tsps?size=2',
    '/v2/telematics/vehicles?include_source_data=true', `/v2/telematics/vehicles/${a.vehicle}`,
    '/v2/telematics/users', `/v2/telematics/users/${a.dispatcher}`, '/v2/telematics/trailers',
    `/v2/telematics/trailers/${a.trailer}?include_source_data=true`, '/v2/telematics/users?size=0',
    '/v2/telematics/vehicles?vehicle_ids=bad', `/v2/telematics/vehicles/${a.trailer}`,
    '/v2/integrations/connections/019a0000-0000-7000-8000-000000000000', '/v2/integrations/connections?size=abc',
    '/v2/integrations/tsps/019a0000-0000-7000-8000-000000000000', '/v2/telematics/messages',
    '/v2/telematics/group-messages', '/v2/telematics/dvir-logs', '/v2/telematics/fuel-transactions',
    '/v2/telematics/messages?from_datetime=2020-01-01T00:00:00Z&to_datetime=2020-06-01T00:00:00Z']) await get(p);
  await get('/v2/telematics/vehicles', 'garbage');
  await get('/v2/integrations/connections', null);
  await call('DELETE', '/v2/telematics/vehicles', { token: tok });
  const tspIds = (await get('/v2/integrations/tsps')).json.items.map((t) => t.tsp_id);
  await get(`/v2/integrations/tsps/${tspIds[0]}`);
  const post = (p, body, sync) => call('POST', `${p}${sync ? '?is_sync=true' : ''}`, { token: tok, body });
  const msg = (text) => ({ connection_id: a.conn, sender_id: a.dispatcher, recipient_id: a.drivers[0], message_text: text, priority: 'low' });
  await post('/v2/telematics/messages', msg('async hello'));
  await post('/v2/telematics/messages', msg('async FAIL-TRANSIENT'));
  await post('/v2/telematics/messages', msg('async FAIL-TIMEOUT'));
  await post('/v2/telematics/messages', msg('sync hello'), true);
  await post('/v2/telematics/messages', msg('sync FAIL-AUTH'), true);
  await post('/v2/telematics/messages', { connection_id: a.conn }, false);
  await post('/v2/telematics/messages', '{bad json', false);
  await post('/v2/telematics/group-messages', { connection_id: a.conn, sender_id: a.dispatcher, recipient_ids: a.drivers.slice(0, 2), message_text: 'all hands' }, true);
  await post('/v2/telematics/group-messages', { connection_id: g.conn, sender_id: g.dispatcher, recipient_ids: [g.drivers[0]] });
  await post('/v2/telematics/vehicles', { connection_id: a.conn, vehicle_name: 'Truck 5', vin: '1XKYD49X0KJ123456', status: 'IN_SERVICE', engine_type: 'DIESEL' }, true);
  await post('/v2/telematics/vehicles', { connection_id: g.conn, vehicle_name: 'ro' });
  await post('/v2/telematics/users', { connection_id: b.conn, username: 'newdriver', first_name: 'Zoë', last_name: '佐藤', is_driver: true, hos_ruleset_code: 'US_INT_PROP_70_8', default_time_zone: 'America/Denver' }, true);
  await post('/v2/telematics/users', { connection_id: b.conn, first_name: 'no username' }, true);
  await post('/v2/telematics/trailers', { connection_id: a.conn, trailer_name: 'RF-1', trailer_length: 16.15, trailer_type: 'reefer' }, true);
  await post('/v2/telematics/dvir-logs', { connection_id: a.conn, driver_id: a.drivers[0], vehicle_id: a.vehicle, log_type: 'post_trip', defects: ['brakes'], odometer: 1000, odometer_unit: 'miles' }, true);
  await post('/v2/telematics/dvir-logs', { connection_id: o.conn, driver_id: o.drivers[0] });
  await post('/v2/telematics/fuel-transactions', { connection_id: a.conn, driver_id: a.drivers[0], vehicle_id: a.vehicle, fuel_volume: 300, fuel_volume_unit: 'LITER', latitude: 41.9, longitude: -87.6, total_cost: 512.3, currency: 'USD', fuel_type: 'DIESEL', odometer: 1200, odometer_unit: 'kilo_meters' }, true);
  await call('PATCH', `/v2/telematics/vehicles/${a.vehicle}?is_sync=true`, { token: tok, body: { connection_id: a.conn, notes: null, vehicle_name: 'Renamed' } });
  await call('PATCH', `/v2/telematics/users/${a.drivers[1]}`, { token: tok, body: { connection_id: a.conn, phone_number: '+13125550100' } });
  await call('PATCH', `/v2/telematics/trailers/${b.trailer}`, { token: tok, body: { connection_id: a.conn } });
  // The contract lets a PATCH clear the enums of VehicleUpdate and UserUpdate with null: the body must be
  // valid against the request schema, and the emulator must accept it (not 422).
  const clearing = [
    [`/v2/telematics/vehicles/${a.vehicle}?is_sync=true`, { connection_id: a.conn, status: null, engine_type: null }],
    [`/v2/telematics/users/${a.drivers[0]}?is_sync=true`, { connection_id: a.conn, status: null, hos_ruleset_code: null,
      default_time_zone: null, hos_compliance_type: null, hos_tracking_method: null }],
    [`/v2/telematics/users/${a.drivers[0]}`, { connection_id: a.conn, hos_ruleset_code: null }],
  ];
  for (const [path, body] of clearing) {
    const problem = requestProblem('PATCH', path.split('?')[0], body);
    if (problem) throw new Error(`scenario body for PATCH ${path} is not valid against the contract: ${problem}`);
    const r = await call('PATCH', path, { token: tok, body });
    if (r.status !== 200 && r.status !== 202) throw new Error(`PATCH ${path} with null enums answered ${r.status}`);
  }
  await fetch(`${base}/_emulator/operations/drain?timeout_ms=20000`, { method: 'POST' });
  await fetch(`${base}/_emulator/clock/advance?ms=900000`, { method: 'POST' });
  const ops = await get('/v2/integrations/connections/resource-operations?size=100');
  for (const op of ops.json.items.slice(0, 5)) await get(`/v2/integrations/connections/${op.connection_id}/resource-operations/${op.id}`);
  await get(`/v2/integrations/connections/${b.conn}/resource-operations/${ops.json.items[0].id}`);
  await get('/v2/integrations/connections/resource-operations?source_id=1');
  await get('/v2/telematics/messages');
  // Drivers talk back: a control call, the seeded history (90 days, two 45-day windows), replies and chatter.
  const says = await fetch(`${base}/_emulator/drivers/${b.drivers[0]}/messages`, { method: 'POST', body: JSON.stringify({ message_text: 'At the dock' }) });
  if (says.status !== 201) throw new Error(`POST /_emulator/drivers/{id}/messages answered ${says.status}`);
  const clock = await (await fetch(`${base}/_emulator/clock`)).json();
  const now = Date.parse(clock.now), iso = (ms) => new Date(ms).toISOString();
  for (const [from, to] of [[now - 90 * 864e5, now - 45 * 864e5], [now - 45 * 864e5, now]]) {
    let page = await get(`/v2/telematics/messages?size=50&from_datetime=${iso(from)}&to_datetime=${iso(to)}`);
    if (!page.json.items.length) throw new Error('no seeded message history');
    for (let i = 0; i < 3 && page.json.next_page; i++)
      page = await get(`/v2/telematics/messages?size=50&from_datetime=${iso(from)}&to_datetime=${iso(to)}&cursor=${encodeURIComponent(page.json.next_page)}`);
  }
  await get(`/v2/telematics/messages?sender_ids=${b.drivers[0]}&recipient_ids=${b.dispatcher}&from_datetime=${iso(now - 864e5)}`);
  // Live locations: pages, filters, sorting, problems; after the clock moved (positions move with it).
  const live = '/v2/telematics/analytics/vehicles/live-locations';
  let lp = await get(`${live}?size=25`);
  while (lp.json.next_page) lp = await get(`${live}?size=25&cursor=${encodeURIComponent(lp.json.next_page)}`);
  for (const q of [`connection_id=${a.conn}`, `vehicle_ids=${a.vehicle}&vehicle_ids=${b.vehicle}`, `driver_ids=${a.drivers[0]}`,
    `fleet_refs=x&sort_by=speed&sort_order=desc`, 'sort_by=fuel_level', 'source_ids=nope', 'sort_by=colour', 'size=0',
    'cursor=bad', 'vehicle_ids=bad']) await get(`${live}?${q}`);
  await get(live, 'garbage');
  await call('POST', live, { token: tok, body: {} });
  await get('/v2/telematics/group-messages');
  await get('/v2/telematics/dvir-logs');
  await get('/v2/telematics/fuel-transactions');
  // The event resources written back are listed again, with the contract's filters (issue 10).
  const past = iso(now - 3 * 864e5), week = `from_datetime=${iso(now - 7 * 864e5)}&to_datetime=${iso(now + 864e5)}`; // the clock runs 1000x
  const made = [
    ['/v2/telematics/dvir-logs', { connection_id: a.conn, driver_id: a.drivers[1], vehicle_id: a.vehicle, trailer_id: a.trailer, log_type: 'pre_trip', defects: ['tires', 'brakes'], defect_count: 2, is_safety_critical: true, occurred_at: past }, `driver_ids=${a.drivers[1]}&vehicle_ids=${a.vehicle}`],
    ['/v2/telematics/fuel-transactions', { connection_id: a.conn, driver_id: a.drivers[1], vehicle_id: a.vehicle, fuel_volume: 80, fuel_volume_unit: 'US_GALLON', transaction_time: past, fuel_vendor: 'Pilot' }, `driver_ids=${a.drivers[1]}&vehicle_ids=${a.vehicle}`],
    ['/v2/telematics/group-messages', { connection_id: b.conn, sender_id: b.dispatcher, recipient_ids: b.drivers.slice(0, 3), message_text: 'yard closes at 6' }, `sender_ids=${b.dispatcher}`],
  ];
  for (const [path, body, filter] of made) {
    const problem = requestProblem('POST', path, body);
    if (problem) throw new Error(`scenario body for POST ${path} is not valid against the contract: ${problem}`);
    const op = await post(path, body, true);
    if (op.status !== 200) throw new Error(`POST ${path} answered ${op.status}`);
    let found = false, page = await get(`${path}?${week}&${filter}&size=1`);
    for (;;) {
      found ||= page.json.items.some((r) => r.id === op.json.resource_id);
      if (!page.json.next_page) break;
      page = await get(`${path}?${week}&${filter}&size=1&cursor=${encodeURIComponent(page.json.next_page)}`);
    }
    if (!found) throw new Error(`${path}: the record written is not listed with ${filter}`);
    await get(`${path}?connection_id=${a.conn}&fleet_refs=none&${week}`);
  }
  await get(`/v2/telematics/fuel-transactions?source_driver_ids=x&${week}&sort_by=fuel_volume&sort_order=desc`);
  await get(`/v2/telematics/group-messages?group_ids=${a.conn}&source_group_ids=g&source_sender_ids=s`);
  await get(`/v2/telematics/dvir-logs?from_datetime=${iso(now - 50 * 864e5)}&to_datetime=${iso(now)}`);
  await get(`/v2/telematics/vehicles/${a.vehicle}`);
  child.kill('SIGTERM');
  const code = await new Promise((res) => child.on('exit', (c) => res(c)));
  if (code !== 0) throw new Error(`emulator exited with ${code}`);
}

// ---------------------------------------------------------------- validation of recordings
function validateDir(dir, tally) {
  if (!existsSync(dir)) return;
  for (const f of readdirSync(dir).filter((n) => n.startsWith('responses-') && n.endsWith('.jsonl'))) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const rec = JSON.parse(line);
      if (rec.injected) { tally.skipped++; continue; }
      if (rec.status === 413) { tally.skipped++; continue; } // body limit, not part of the contract
      const v = validatorFor(rec.path, rec.method, rec.status);
      const label = `${rec.method} ${rec.path}${rec.query ? '?' + rec.query : ''} -> ${rec.status}`;
      if (v.skip) { tally.skipped++; continue; }
      if (v.error) { tally.failed++; tally.errors.push(`${label}: ${v.error}`); continue; }
      let body;
      try { body = JSON.parse(rec.body); } catch {
        tally.failed++; tally.errors.push(`${label}: body is not JSON`); continue;
      }
      if (v.validate(body)) { tally.passed++; tally.covered.add(v.key); }
      else {
        tally.failed++;
        tally.errors.push(`${label}: ${ajv.errorsText(v.validate.errors, { separator: '; ' }).slice(0, 600)}`);
      }
    }
  }
}

const tally = { passed: 0, failed: 0, skipped: 0, errors: [], covered: new Set() };
if (opt.emulator) {
  const dir = mkdtempSync(join(tmpdir(), 'emu-contract-'));
  try {
    try {
      await runScenario(opt.emulator, dir);
    } catch (e) {
      scenarioChild?.kill('SIGKILL');
      tally.failed++;
      tally.errors.push(`scenario: ${e.message}`);
    }
    validateDir(dir, tally);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
for (const d of opt.dirs) validateDir(d, tally);
for (const e of tally.errors.slice(0, 50)) console.log(`FAIL ${e}`);
console.log(`covered ${tally.covered.size} (path, method, status) combinations; skipped ${tally.skipped}`);
console.log(`${tally.passed} passed, ${tally.failed} failed`);
process.exit(tally.failed === 0 && tally.passed > 0 ? 0 : 1);
