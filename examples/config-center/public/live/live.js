/* global document, EventSource */
// The live page: what ZooKeeper holds, and next to it what every subscriber holds in memory.
// Subscribers come and go through GET /api/subscribers/events (the publisher relays each
// subscriber's own event stream); the ZooKeeper column is read from GET /api/config.

/** instanceId → { instanceId, url, reachable, connection, initialized, values: { key → value } } */
const subscribers = new Map();
/** key → { value, version, mzxid } as ZooKeeper holds it */
let stored = new Map();
const flashes = new Set();

const headRow = document.getElementById('head-row');
const rows = document.getElementById('rows');
const streamStatus = document.getElementById('stream-status');
const publishStatus = document.getElementById('publish-status');

function element(tag, text, attributes = {}) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  return node;
}

function zxid(hex) {
  return BigInt(hex);
}

function render() {
  const ids = [...subscribers.keys()].sort();
  const keys = new Set(stored.keys());
  for (const subscriber of subscribers.values())
    for (const key of Object.keys(subscriber.values)) keys.add(key);

  headRow.replaceChildren(element('th', 'key'), element('th', 'in ZooKeeper'));
  for (const id of ids) {
    const subscriber = subscribers.get(id);
    const head = element('th', id, {
      'data-testid': 'subscriber-head',
      'data-subscriber': id,
      'data-connection': subscriber.connection,
      'data-reachable': subscriber.reachable,
    });
    const live = subscriber.reachable && subscriber.connection === 'connected';
    head.append(
      ' ',
      element('span', live ? 'live' : subscriber.reachable ? subscriber.connection : 'unreachable', {
        class: 'badge',
        'data-ok': live,
      }),
    );
    if (subscriber.problem) head.append(element('small', subscriber.problem, { class: 'problem' }));
    headRow.append(head);
  }

  const body = [];
  for (const key of [...keys].sort()) {
    const row = element('tr', undefined, { 'data-key': key });
    row.append(element('th', key));
    const truth = stored.get(key);
    const zkCell = element('td', undefined, { 'data-testid': 'stored-cell', 'data-key': key });
    if (truth) {
      zkCell.append(
        element('span', truth.value, { class: 'value' }),
        element('small', `v${truth.version} ${truth.mzxid}`),
      );
    } else zkCell.append(element('small', '(none)'));
    row.append(zkCell);
    for (const id of ids) {
      const held = subscribers.get(id).values[key];
      const state = !held ? 'missing' : truth && zxid(held.mzxid) < zxid(truth.mzxid) ? 'behind' : 'current';
      const cell = element('td', undefined, {
        'data-testid': 'cell',
        'data-subscriber': id,
        'data-key': key,
        'data-state': state,
        'data-mzxid': held ? held.mzxid : '',
      });
      if (held) {
        const lag = Math.max(0, held.appliedAt - held.modifiedAt);
        cell.append(
          element('span', held.value, { class: 'value', 'data-testid': 'cell-value' }),
          element('small', `v${held.version}, applied ${lag} ms after the commit`),
        );
      } else cell.append(element('small', '(not held)'));
      if (flashes.has(`${id}/${key}`)) cell.classList.add('flash');
      row.append(cell);
    }
    body.push(row);
  }
  rows.replaceChildren(...body);
}

let refreshing;
async function refreshStored() {
  // One read at a time; a burst of changes ends with one more read, never a stale last one.
  if (refreshing) {
    refreshing.again = true;
    return;
  }
  refreshing = { again: false };
  try {
    do {
      refreshing.again = false;
      const response = await fetch('/api/config', { headers: { accept: 'application/json' } });
      if (response.ok) {
        const { values } = await response.json();
        stored = new Map(values.map((value) => [value.key, value]));
        render();
      }
    } while (refreshing.again);
  } finally {
    refreshing = undefined;
  }
}

function flash(id, key) {
  flashes.add(`${id}/${key}`);
  setTimeout(() => {
    flashes.delete(`${id}/${key}`);
    render();
  }, 1500);
}

function connect() {
  const events = new EventSource('/api/subscribers/events');
  events.addEventListener('open', () => {
    streamStatus.textContent = "live: every subscriber's changes arrive here as they are applied";
    streamStatus.dataset.state = 'live';
  });
  events.addEventListener('error', () => {
    streamStatus.textContent = 'the page lost its event stream; reconnecting…';
    streamStatus.dataset.state = 'reconnecting';
  });
  events.addEventListener('subscribers', (event) => {
    subscribers.clear();
    for (const subscriber of JSON.parse(event.data).subscribers)
      subscribers.set(subscriber.instanceId, subscriber);
    void refreshStored();
    render();
  });
  events.addEventListener('subscriber', (event) => {
    const next = JSON.parse(event.data);
    const previous = subscribers.get(next.instanceId);
    subscribers.set(next.instanceId, next);
    let unknown = false;
    for (const [key, value] of Object.entries(next.values)) {
      if (previous && previous.values[key]?.mzxid !== value.mzxid) flash(next.instanceId, key);
      const truth = stored.get(key);
      if (!truth || zxid(truth.mzxid) < zxid(value.mzxid)) unknown = true;
    }
    // A subscriber knows of a write the ZooKeeper column does not show yet: read it again.
    if (unknown || Object.keys(next.values).length !== stored.size) void refreshStored();
    render();
  });
  events.addEventListener('removed', (event) => {
    subscribers.delete(JSON.parse(event.data).instanceId);
    render();
  });
  // The service sends `lagged` when this page fell behind and events were dropped: start afresh.
  events.addEventListener('lagged', () => {
    events.close();
    connect();
  });
}

function basicAuth(user, secret) {
  const bytes = new TextEncoder().encode(`${user}:${secret}`);
  return `Basic ${btoa(String.fromCharCode(...bytes))}`;
}

document.getElementById('publish').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const key = String(form.get('key'));
  publishStatus.textContent = 'publishing…';
  delete publishStatus.dataset.ok;
  try {
    const response = await fetch(`/api/config/${encodeURIComponent(key)}`, {
      method: 'PUT',
      headers: {
        'content-type': 'application/json',
        authorization: basicAuth(String(form.get('user')), String(form.get('secret'))),
      },
      body: JSON.stringify({ value: String(form.get('value')) }),
    });
    const answer = await response.json();
    publishStatus.dataset.ok = String(response.ok);
    publishStatus.textContent = response.ok
      ? `${key} = ${answer.value} committed as v${answer.version} (${answer.mzxid}); watch it arrive below`
      : `${response.status} ${answer.error.code}: ${answer.error.message}`;
    void refreshStored();
  } catch (error) {
    publishStatus.dataset.ok = 'false';
    publishStatus.textContent = `failed: ${error.message}`;
  }
});

connect();
void refreshStored();
