/* global document, EventSource */
// One subscriber's own page: its values and its change log, live from GET /config/events.
const values = new Map();
const changes = [];

function element(tag, text) {
  const node = document.createElement(tag);
  node.textContent = text;
  return node;
}

function row(...cells) {
  const tr = document.createElement('tr');
  tr.append(...cells.map((cell) => element('td', cell)));
  return tr;
}

function describe(change) {
  if (change.type === 'set')
    return `${change.key} = ${change.value} (v${change.version}, ${change.lagMs} ms after the commit)`;
  if (change.type === 'deleted') return `${change.key} deleted`;
  return `re-read everything (${change.reason})`;
}

function render() {
  document
    .getElementById('values')
    .replaceChildren(
      ...[...values.values()].map((value) => row(value.key, value.value, String(value.version), value.mzxid)),
    );
  document.getElementById('changes').replaceChildren(
    ...changes
      .slice(-50)
      .reverse()
      .map((change) =>
        row(String(change.seq), new Date(change.appliedAt).toLocaleTimeString(), describe(change)),
      ),
  );
}

const response = await fetch('/changes?limit=50');
if (response.ok) changes.push(...(await response.json()).changes);

const events = new EventSource('/config/events');
events.addEventListener('snapshot', (event) => {
  const view = JSON.parse(event.data);
  document.getElementById('title').textContent = `Configuration subscriber ${view.instanceId}`;
  document.getElementById('connection').textContent = view.connection;
  values.clear();
  for (const value of view.values) values.set(value.key, value);
  render();
});
events.addEventListener('change', (event) => {
  const change = JSON.parse(event.data);
  if (changes.some((known) => known.seq === change.seq)) return;
  changes.push(change);
  if (change.type === 'set') values.set(change.key, change);
  if (change.type === 'deleted') values.delete(change.key);
  render();
});
events.addEventListener('connection', (event) => {
  document.getElementById('connection').textContent = JSON.parse(event.data).connection;
});
