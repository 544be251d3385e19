import { DASHBOARD_CLIENT_ID } from './dashboard-client.js';

/**
 * The dashboard's browser code: plain DOM and SVG, no library and no network beyond the platform's own API, so
 * the page works on an administrators' network without internet access. Written without template literals so it
 * can live in a TypeScript string as it is (the one substitution is the client id).
 */
export const DASHBOARD_SCRIPT = String.raw`
'use strict';
const $ = (id) => document.getElementById(id);
const SVG = 'http://www.w3.org/2000/svg';
const fmt = new Intl.NumberFormat('en-GB');

function token() { return sessionStorage.getItem('adminToken'); }

async function api(path) {
  const response = await fetch(path, { headers: { authorization: 'Bearer ' + token() } });
  if (response.status === 401 || response.status === 403) {
    sessionStorage.removeItem('adminToken');
    showLogin('the token was refused or has expired: sign in again');
    throw new Error('unauthorised');
  }
  if (!response.ok) throw new Error((await response.json()).detail || response.statusText);
  return response.json();
}

function showLogin(message) {
  $('login').hidden = false; $('board').hidden = true;
  $('login-error').textContent = message || '';
}

function query(extra) {
  const params = new URLSearchParams({ from: $('from').value, to: $('to').value });
  if ($('department').value) params.set('department', $('department').value);
  for (const [k, v] of Object.entries(extra || {})) params.set(k, v);
  return params.toString();
}

function el(name, attributes, parent) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, v);
  if (parent) parent.appendChild(node);
  return node;
}

function text(parent, x, y, content, anchor, cls) {
  const node = el('text', { x: x, y: y, 'text-anchor': anchor || 'start', class: cls || '' }, parent);
  node.textContent = content;
  return node;
}

function lineChart(container, series) {
  const width = 760, height = 260, left = 56, bottom = 28, top = 12;
  const svg = el('svg', { viewBox: '0 0 ' + width + ' ' + height, role: 'img' });
  const points = series[0].points;
  const max = Math.max(1, ...series.flatMap((s) => s.points.map((p) => p.value)));
  const x = (i) => left + (points.length <= 1 ? 0 : (i * (width - left - 10)) / (points.length - 1));
  const y = (v) => top + (height - top - bottom) * (1 - v / max);
  for (let g = 0; g <= 4; g++) {
    const v = (max * g) / 4;
    el('line', { x1: left, x2: width - 10, y1: y(v), y2: y(v), class: 'grid' }, svg);
    text(svg, left - 6, y(v) + 4, fmt.format(Math.round(v)), 'end', 'axis');
  }
  const step = Math.max(1, Math.ceil(points.length / 8));
  points.forEach((p, i) => { if (i % step === 0) text(svg, x(i), height - 8, p.period, 'middle', 'axis'); });
  series.forEach((s) => {
    const d = s.points.map((p, i) => (i === 0 ? 'M' : 'L') + x(i).toFixed(1) + ',' + y(p.value).toFixed(1)).join(' ');
    el('path', { d: d, class: 'line ' + s.cls, 'data-series': s.name }, svg);
  });
  container.replaceChildren(svg);
}

function barChart(container, rows, format) {
  const rowHeight = 22, width = 760, label = 220;
  const svg = el('svg', { viewBox: '0 0 ' + width + ' ' + Math.max(rowHeight, rows.length * rowHeight), role: 'img' });
  const max = Math.max(1e-9, ...rows.map((r) => r.value));
  rows.forEach((r, i) => {
    const y = i * rowHeight;
    text(svg, label - 8, y + 15, r.label, 'end', 'axis');
    el('rect', { x: label, y: y + 3, height: rowHeight - 6, width: Math.max(1, ((width - label - 70) * r.value) / max), class: 'bar', 'data-label': r.label, 'data-value': r.value }, svg);
    text(svg, label + 6 + ((width - label - 70) * r.value) / max, y + 15, format(r.value), 'start', 'value');
  });
  container.replaceChildren(svg);
}

function tile(name, value) {
  const node = document.querySelector('[data-metric="' + name + '"] .figure');
  node.textContent = value;
}

async function load() {
  $('status').textContent = 'loading…';
  const started = performance.now();
  const granularity = $('granularity').value;
  const [summary, logins, active, registrations, departments, eservices] = await Promise.all([
    api('/admin/metrics/summary?' + query()),
    api('/admin/metrics/series/logins?' + query({ granularity: granularity })),
    api('/admin/metrics/series/active-citizens?' + query({ granularity: granularity })),
    api('/admin/metrics/series/citizens-registered?' + query({ granularity: granularity })),
    api('/admin/metrics/departments?' + query()),
    api('/admin/metrics/eservices?' + query({ limit: '10' })),
  ]);
  tile('registered-citizens', fmt.format(summary.registeredCitizens.total));
  tile('logins', fmt.format(summary.logins));
  tile('daily-active', fmt.format(summary.dailyActiveCitizens));
  tile('monthly-active', fmt.format(summary.monthlyActiveCitizens));
  tile('adoption-rate', (summary.eservices.adoptionRate * 100).toFixed(1) + ' %');
  tile('login-failures', fmt.format(summary.loginFailures));
  const total = (s) => s.points.reduce((a, p) => a + p.value, 0);
  $('series').dataset.totalLogins = String(total(logins));
  $('series').dataset.totalRegistrations = String(total(registrations));
  lineChart($('series-chart'), [
    { name: 'logins', cls: 'logins', points: logins.points },
    { name: 'active-citizens', cls: 'active', points: active.points },
    { name: 'citizens-registered', cls: 'registrations', points: registrations.points },
  ]);
  $('top-services').dataset.total = String(eservices.eservices.reduce((a, s) => a + s.logins, 0));
  barChart($('top-services-chart'), eservices.eservices.map((s) => ({ label: s.name, value: s.logins })), (v) => fmt.format(v));
  const adoption = departments.departments.slice().sort((a, b) => b.adoptionRate - a.adoptionRate || a.department.localeCompare(b.department));
  $('departments').dataset.registered = String(departments.departments.reduce((a, d) => a + d.eservicesRegistered, 0));
  barChart($('departments-chart'), adoption.map((d) => ({ label: d.department + ' (' + d.eservicesIntegrated + '/' + d.eservicesRegistered + ')', value: d.adoptionRate })), (v) => (v * 100).toFixed(0) + ' %');
  consentFunnel(summary.consents);
  corporateFigures(summary.corporate);
  markScopes(summary, [logins, active, registrations]);
  const select = $('department');
  if (select.options.length === 1 && !select.value) {
    for (const d of departments.departments.map((d) => d.department).sort()) select.add(new Option(d, d));
  }
  $('status').textContent = 'updated in ' + Math.round(performance.now() - started) + ' ms';
  document.body.dataset.ready = 'true';
}

/** Fills once departments request consents; until then it says so. */
function consentFunnel(consents) {
  const container = $('consent-chart');
  if (consents.funnel.every((step) => step.count === 0)) {
    container.replaceChildren(document.createTextNode('No consent events yet: the funnel fills once departments request consents.'));
    $('consents').dataset.state = 'empty';
    return;
  }
  $('consents').dataset.state = 'filled';
  $('consents').dataset.requested = String(consents.funnel[0].count);
  $('consents').dataset.exchanges = String(consents.exchanges);
  barChart(container, consents.funnel.map((step) => ({ label: step.status, value: step.count })).concat([
    { label: 'data exchanged', value: consents.exchanges },
    { label: 'exchanges refused', value: Object.values(consents.refusedExchangesByReason).reduce((a, n) => a + n, 0) },
    { label: 'exchanges failed', value: consents.failedExchanges },
  ]), (v) => fmt.format(v));
}

/** Corporate identity in the range: registrations, representatives, signatures, timestamps and validations by result. */
function corporateFigures(corporate) {
  $('corporate').dataset.signatures = String(corporate.signatures);
  barChart($('corporate-chart'), [
    { label: 'corporations registered', value: corporate.corporations.registered },
    { label: 'representatives appointed', value: corporate.representatives.appointed },
    { label: 'representative signatures', value: corporate.signatures },
    { label: 'seal signatures timestamped', value: corporate.sealsTimestamped },
  ].concat(Object.entries(corporate.verificationsByResult).sort().map(([result, n]) => ({ label: 'validated ' + result, value: n }))), (v) => fmt.format(v));
}

/**
 * With a department chosen, the figures that stay the whole platform's say so, rather than pass for the
 * department's: the API names them (summary.platformWide, each series' scope).
 */
function markScopes(summary, series) {
  const filtered = summary.range.department !== null;
  const wide = new Set(summary.platformWide);
  document.querySelectorAll('[data-figure]').forEach((node) => {
    const platformWide = filtered && wide.has(node.dataset.figure);
    node.dataset.scope = platformWide ? 'platform-wide' : filtered ? 'department' : 'all';
    node.querySelector('.scope').textContent = platformWide ? '(platform-wide)' : '';
  });
  series.forEach((s) => {
    const node = document.querySelector('.legend [data-series="' + s.name + '"]');
    const platformWide = filtered && s.scope === 'platform-wide';
    node.dataset.scope = platformWide ? 'platform-wide' : filtered ? 'department' : 'all';
    node.querySelector('.scope').textContent = platformWide ? ' (platform-wide)' : '';
  });
}

function run() { load().catch((error) => { $('status').textContent = 'could not load: ' + error.message; }); }

/*
 * Sign in with iAM Smart: the authorization code flow with PKCE, run by this page as a public client of the
 * platform's own OpenID Provider; the access token (admin scope) stays in this tab's sessionStorage.
 */
const CLIENT_ID = ${JSON.stringify(DASHBOARD_CLIENT_ID)};
const base64url = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const randomValue = () => base64url(crypto.getRandomValues(new Uint8Array(32)));
const redirectUri = () => location.origin + location.pathname;
async function provider() { return (await fetch('/oidc/.well-known/openid-configuration')).json(); }

async function signIn() {
  const op = await provider();
  const verifier = randomValue();
  const state = randomValue();
  sessionStorage.setItem('signIn', JSON.stringify({ verifier, state }));
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  location.assign(op.authorization_endpoint + '?' + new URLSearchParams({
    client_id: CLIENT_ID, response_type: 'code', scope: 'openid admin', redirect_uri: redirectUri(),
    code_challenge: challenge, code_challenge_method: 'S256', state,
  }));
}

async function completeSignIn(returned) {
  const started = JSON.parse(sessionStorage.getItem('signIn') || 'null');
  sessionStorage.removeItem('signIn');
  history.replaceState(null, '', location.pathname);
  if (returned.has('error')) return showLogin('sign-in refused: ' + (returned.get('error_description') || returned.get('error')));
  if (!started || started.state !== returned.get('state')) return showLogin('this sign-in was not started from this tab: sign in again');
  const op = await provider();
  const response = await fetch(op.token_endpoint, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'authorization_code', code: returned.get('code'), redirect_uri: redirectUri(),
      client_id: CLIENT_ID, code_verifier: started.verifier,
    }),
  });
  const tokens = await response.json();
  if (!response.ok) return showLogin('sign-in failed: ' + (tokens.error_description || tokens.error));
  if (!String(tokens.scope || '').split(' ').includes('admin')) return showLogin('you signed in, but do not hold the administrator role');
  sessionStorage.setItem('adminToken', tokens.access_token);
  $('login').hidden = true; $('board').hidden = false;
  run();
}

$('sign-in').addEventListener('click', () => { signIn().catch((error) => showLogin('sign-in failed: ' + error.message)); });
$('login-form').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem('adminToken', $('token').value);
  $('login').hidden = true; $('board').hidden = false;
  run();
});
$('filters').addEventListener('submit', (event) => { event.preventDefault(); document.body.dataset.ready = 'false'; run(); });

const today = new Date().toISOString().slice(0, 10);
$('to').value = today;
$('from').value = new Date(Date.now() - 364 * 86400000).toISOString().slice(0, 10);
const returned = new URLSearchParams(location.search);
if (returned.has('code') || returned.has('error')) completeSignIn(returned).catch((error) => showLogin('sign-in failed: ' + error.message));
else if (token()) { $('login').hidden = true; $('board').hidden = false; run(); } else showLogin();
`;
