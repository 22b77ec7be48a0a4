/* global document, EventSource */
// The gateway's live page: plain JavaScript and SVG, everything from this gateway (no CDN).
const COLOURS = ['#5470c6', '#91cc75', '#ee6666', '#fac858', '#73c0de', '#3ba272', '#fc8452', '#9a60b4'];
const HISTORY = 60;
const SVG = 'http://www.w3.org/2000/svg';

const $ = (selector) => document.querySelector(selector);
let csrf = { header: 'x-csrf-token', token: '' };
let samples = [];
let state = { providers: [], strategy: 'round-robin', preferZone: null, totals: {} };
const colourOf = new Map();

function colour(id) {
  if (!colourOf.has(id)) colourOf.set(id, COLOURS[colourOf.size % COLOURS.length]);
  return colourOf.get(id);
}

async function loadToken() {
  const response = await fetch('/gateway/csrf');
  if (response.ok) csrf = await response.json();
}

async function send(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: { 'content-type': 'application/json', [csrf.header]: csrf.token },
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  return { ok: response.ok, status: response.status, answer };
}

function element(tag, attributes = {}, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = String(text);
  return node;
}

function drawChart() {
  const svg = $('#chart');
  svg.replaceChildren();
  const width = 800;
  const height = 240;
  const left = 40;
  const bottom = 20;
  const ids = [
    ...new Set([...state.providers.map((p) => p.id), ...samples.flatMap((s) => Object.keys(s.served))]),
  ];
  const rate = (sample, id) => (sample.served[id] ?? 0) / sample.seconds;
  let top = 1;
  for (const sample of samples)
    for (const id of Object.keys(sample.served)) top = Math.max(top, rate(sample, id));
  const x = (index) => left + ((width - left - 10) * index) / (HISTORY - 1);
  const y = (value) => height - bottom - ((height - bottom - 10) * value) / top;
  for (const fraction of [0, 0.5, 1]) {
    const value = Math.round(top * fraction);
    const line = document.createElementNS(SVG, 'line');
    Object.entries({ x1: left, x2: width - 10, y1: y(value), y2: y(value), stroke: '#d5d9e0' }).forEach(
      ([k, v]) => line.setAttribute(k, v),
    );
    const label = document.createElementNS(SVG, 'text');
    Object.entries({ x: 4, y: y(value) + 4, 'font-size': 11, fill: '#667' }).forEach(([k, v]) =>
      label.setAttribute(k, v),
    );
    label.textContent = `${value}/s`;
    svg.append(line, label);
  }
  const offset = HISTORY - samples.length;
  for (const id of ids) {
    const points = samples.map(
      (sample, index) => `${x(offset + index).toFixed(1)},${y(rate(sample, id)).toFixed(1)}`,
    );
    if (points.length === 0) continue;
    const line = document.createElementNS(SVG, 'polyline');
    line.setAttribute('points', points.join(' '));
    line.setAttribute('fill', 'none');
    line.setAttribute('stroke', colour(id));
    line.setAttribute('stroke-width', '2');
    line.setAttribute('data-testid', 'series');
    line.setAttribute('data-provider', id);
    svg.append(line);
  }
  $('#legend').replaceChildren(
    ...ids.map((id) => {
      const entry = element('span');
      const swatch = element('i');
      swatch.style.background = colour(id);
      entry.append(swatch, document.createTextNode(id));
      return entry;
    }),
  );
}

function recentShare() {
  const recent = samples.slice(-10);
  const totals = {};
  let all = 0;
  for (const sample of recent)
    for (const [id, value] of Object.entries(sample.served)) {
      totals[id] = (totals[id] ?? 0) + value;
      all += value;
    }
  return { totals, all };
}

/** One row per provider, made once and updated in place, so that a click or an edit is never lost to a redraw. */
const rowsById = new Map();

function makeRow(provider) {
  const row = element('tr', { 'data-testid': 'provider-row', 'data-provider': provider.id });
  const weight = element('input', {
    class: 'weight',
    type: 'number',
    min: 0,
    max: 100,
    'data-testid': 'weight-input',
  });
  const set = element('button', { 'data-testid': 'weight-set' }, 'set');
  set.addEventListener('click', async () => {
    const result = await send('PUT', `/gateway/providers/${encodeURIComponent(provider.id)}/weight`, {
      weight: Number(weight.value),
    });
    set.textContent = result.ok ? 'set ✓' : `${result.status}`;
  });
  const weightCell = element('td');
  weightCell.append(weight, set);
  const cells = {
    zone: element('td'),
    circuit: element('td', { 'data-testid': 'circuit' }),
    active: element('td', { class: 'number' }),
    served: element('td', { class: 'number', 'data-testid': 'served' }),
    failed: element('td', { class: 'number' }),
    share: element('td', { 'data-testid': 'share' }),
  };
  row.append(
    element('td', { 'data-testid': 'provider-id' }, provider.id),
    cells.zone,
    weightCell,
    cells.circuit,
    cells.active,
    cells.served,
    cells.failed,
    cells.share,
  );
  return { row, weight, cells, shownWeight: undefined };
}

function drawTable() {
  const { totals, all } = recentShare();
  const body = $('#providers tbody');
  const present = new Set(state.providers.map((provider) => provider.id));
  for (const [id, entry] of rowsById) {
    if (present.has(id)) continue;
    entry.row.remove();
    rowsById.delete(id);
  }
  for (const provider of state.providers) {
    let entry = rowsById.get(provider.id);
    if (!entry) {
      entry = makeRow(provider);
      rowsById.set(provider.id, entry);
    }
    // Keep the order of the list; appending a row that is already there moves it.
    body.append(entry.row);
    entry.row.dataset.circuit = provider.circuit;
    // The registered weight replaces what the input shows only when it changes, and never mid-edit.
    if (entry.shownWeight !== provider.weight && document.activeElement !== entry.weight) {
      entry.weight.value = String(provider.weight);
      entry.shownWeight = provider.weight;
    }
    entry.cells.zone.textContent = provider.zone;
    entry.cells.circuit.textContent = provider.circuit;
    entry.cells.active.textContent = String(provider.active);
    entry.cells.served.textContent = String(provider.served);
    entry.cells.failed.textContent = String(provider.failed);
    const share = all > 0 ? (totals[provider.id] ?? 0) / all : 0;
    const bar = element('span', { class: 'bar' });
    bar.style.width = `${Math.round(share * 200)}px`;
    entry.cells.share.replaceChildren(bar, document.createTextNode(` ${(share * 100).toFixed(0)} %`));
  }
  const t = state.totals;
  $('#totals').textContent =
    `strategy ${state.strategy}${state.preferZone ? `, preferring ${state.preferZone}` : ''} · ` +
    `client requests ${t.requests ?? 0}: ${t.answered ?? 0} answered, ${t.failed ?? 0} failed at the gateway, ${t.retries ?? 0} retried attempts`;
  $('#connection').textContent = `ZooKeeper: ${state.connection}`;
}

function showMovement(movement) {
  const percent = (value) => `${(value * 100).toFixed(1)} %`;
  $('#movement').textContent =
    `Last change ${movement.providersBefore} → ${movement.providersAfter} providers: consistent hashing moved ` +
    `${percent(movement.consistentHash)} of 10,000 keys, modulo hashing would have moved ${percent(movement.modulo)} ` +
    `(the least possible: ${percent(movement.ideal)}).`;
  $('#movement').dataset.consistent = String(movement.consistentHash);
}

function addMembership(change) {
  const item = element('li', {
    'data-type': change.type,
    'data-provider': change.id,
    'data-testid': 'membership-entry',
  });
  item.textContent =
    `${new Date(change.at).toLocaleTimeString()} ${change.id} ${change.type}` +
    (change.type === 'left' ? '' : ` (weight ${change.provider.weight}, zone ${change.provider.zone})`);
  const list = $('#membership');
  list.prepend(item);
  while (list.children.length > 30) list.lastElementChild.remove();
}

function connect() {
  const events = new EventSource('/gateway/events');
  const status = $('#stream-status');
  events.addEventListener('open', () => {
    status.dataset.state = 'live';
    status.textContent = 'live';
  });
  events.addEventListener('error', () => {
    status.dataset.state = 'down';
    status.textContent = 'reconnecting…';
  });
  events.addEventListener('state', (event) => {
    state = JSON.parse(event.data);
    $('#strategy').value = state.strategy;
    $('#prefer-zone').value = state.preferZone ?? '';
    drawTable();
  });
  events.addEventListener('history', (event) => {
    samples = JSON.parse(event.data).slice(-HISTORY);
    drawChart();
  });
  events.addEventListener('traffic', (event) => {
    const { sample, state: now } = JSON.parse(event.data);
    state = now;
    samples.push(sample);
    if (samples.length > HISTORY) samples.shift();
    drawChart();
    drawTable();
  });
  events.addEventListener('membership', (event) => addMembership(JSON.parse(event.data)));
  events.addEventListener('movement', (event) => showMovement(JSON.parse(event.data)));
}

$('#strategy-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const zone = $('#prefer-zone').value.trim();
  const result = await send('PUT', '/gateway/strategy', {
    strategy: $('#strategy').value,
    preferZone: zone || null,
  });
  $('#strategy-status').textContent = result.ok
    ? `now ${result.answer.strategy}${result.answer.preferZone ? ` in ${result.answer.preferZone}` : ''}`
    : `${result.status} ${result.answer.error?.code ?? ''}`;
});

// Traffic from the page itself, so a workshop sees the distribution without another tool.
let trafficTimer;
const traffic = { ok: 0, failed: 0 };
function scheduleTraffic() {
  clearInterval(trafficTimer);
  if (!$('#traffic').checked) return;
  const rate = Number($('#rate').value);
  trafficTimer = setInterval(async () => {
    const key = `key-${Math.floor(Math.random() * 100)}`;
    try {
      const response = await fetch(`/app/items/${key}`);
      if (response.ok) traffic.ok++;
      else traffic.failed++;
      await response.arrayBuffer();
    } catch {
      traffic.failed++;
    }
    $('#traffic-result').textContent = `sent from here: ${traffic.ok} ok, ${traffic.failed} failed`;
    $('#traffic-result').dataset.ok = String(traffic.ok);
    $('#traffic-result').dataset.failed = String(traffic.failed);
  }, 1000 / rate);
}
$('#traffic').addEventListener('change', scheduleTraffic);
$('#rate').addEventListener('input', () => {
  $('#rate-label').textContent = $('#rate').value;
  scheduleTraffic();
});

await loadToken();
connect();
