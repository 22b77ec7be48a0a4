/* global document, EventSource */
// The monitor's page: workers and the task over GET /api/events, barrier rounds over /api/rounds.

/** instanceId → WorkerState, as the monitor reports it */
const workers = new Map();
let task = { total: 0, checkpoint: undefined, version: undefined };
let lateAfterMs = 1500;

const byId = (id) => document.getElementById(id);

function element(tag, text, attributes = {}) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  return node;
}

function age(ms) {
  return ms < 1000 ? `${ms} ms ago` : `${(ms / 1000).toFixed(1)} s ago`;
}

function renderTask() {
  const offset = task.checkpoint ? task.checkpoint.offset : 0;
  const progress = byId('progress');
  progress.max = Math.max(1, task.total);
  progress.value = offset;
  progress.setAttribute('data-offset', String(offset));
  byId('progress-text').textContent = task.checkpoint
    ? `${offset} / ${task.total} records applied — checkpoint v${task.version} by ${task.checkpoint.instanceId || '—'}` +
      ` (token ${task.checkpoint.token})`
    : `0 / ${task.total} records — no checkpoint yet`;
}

function renderWorkers() {
  const now = Date.now();
  const rows = [...workers.values()]
    .sort((a, b) => a.instanceId.localeCompare(b.instanceId))
    .map((worker) => {
      const beat = worker.heartbeat;
      const role =
        worker.liveness === 'alive' || worker.liveness === 'late' ? (beat ? beat.state : '?') : '—';
      const row = element('tr', undefined, {
        'data-testid': 'worker-row',
        'data-worker': worker.instanceId,
        'data-role': role,
        'data-liveness': worker.liveness,
      });
      row.append(
        element('th', worker.instanceId),
        element('td', role),
        element('td', worker.liveness, { 'data-liveness': worker.liveness }),
        element('td', age(now - worker.lastBeatAt)),
        element('td', beat ? String(beat.beat) : '—', { 'data-testid': 'beat' }),
        element('td', beat ? `${beat.offset} / ${beat.total}` : '—'),
        element('td', beat ? String(beat.appliedByUs) : '—'),
        element('td', beat && beat.token ? beat.token : '—'),
      );
      return row;
    });
  byId('workers').replaceChildren(...rows);
}

function connect() {
  const status = byId('stream-status');
  const events = new EventSource('/api/events');
  events.addEventListener('board', (event) => {
    const board = JSON.parse(event.data);
    workers.clear();
    for (const worker of board.workers) workers.set(worker.instanceId, worker);
    task = board.task;
    lateAfterMs = board.lateAfterMs;
    status.textContent = board.connected
      ? `live — a worker silent for ${lateAfterMs} ms is late`
      : 'the monitor is cut off from ZooKeeper: this may be stale';
    status.setAttribute('data-state', board.connected ? 'live' : 'stale');
    renderTask();
    renderWorkers();
  });
  events.addEventListener('worker', (event) => {
    const worker = JSON.parse(event.data);
    workers.set(worker.instanceId, worker);
    renderWorkers();
  });
  events.addEventListener('forgotten', (event) => {
    workers.delete(JSON.parse(event.data).instanceId);
    renderWorkers();
  });
  events.addEventListener('task', (event) => {
    task = JSON.parse(event.data);
    renderTask();
  });
  events.addEventListener('lagged', () => {
    // Events were dropped: start over with a fresh snapshot.
    events.close();
    connect();
  });
  events.onerror = () => {
    status.textContent = 'reconnecting to the monitor…';
    status.setAttribute('data-state', 'stale');
  };
}

async function csrfHeaders() {
  const { header, token } = await (await fetch('/api/csrf')).json();
  return { 'content-type': 'application/json', [header]: token };
}

function renderRound(round) {
  const status = byId('round-status');
  const verdict = round.verdict;
  status.setAttribute('data-round', round.roundId);
  status.setAttribute('data-done', String(Boolean(verdict)));
  if (verdict) {
    status.setAttribute('data-ok', String(verdict.startedTogether && verdict.finishedTogether));
    status.textContent =
      `${round.roundId}: ${round.reports.length} workers — ` +
      `${verdict.startedTogether ? 'started together' : 'did NOT start together'} (spread ${verdict.startSpreadMs} ms), ` +
      `${verdict.finishedTogether ? 'finished together' : 'did NOT finish together'} (spread ${verdict.finishSpreadMs} ms)`;
  } else {
    status.textContent = `${round.roundId}: ${round.reports.length} of ${round.round.memberQty} workers done…`;
  }
  byId('round-reports').replaceChildren(
    ...round.reports.map((report) => {
      const row = element('tr', undefined, {
        'data-testid': 'round-report',
        'data-worker': report.instanceId,
      });
      row.append(
        element('th', report.instanceId),
        element('td', String(report.enteredAt - report.arrivedAt)),
        element('td', String(report.workEndedAt - report.enteredAt)),
        element('td', String(report.leftAt - report.workEndedAt)),
      );
      return row;
    }),
  );
}

async function followRound(roundId) {
  for (let tries = 0; tries < 300; tries++) {
    const response = await fetch(`/api/rounds/${roundId}`);
    if (response.ok) {
      const round = await response.json();
      renderRound(round);
      if (round.verdict) return;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

byId('run-round').addEventListener('click', async () => {
  const status = byId('round-status');
  status.textContent = 'starting a round…';
  status.removeAttribute('data-ok');
  try {
    const response = await fetch('/api/rounds', {
      method: 'POST',
      headers: await csrfHeaders(),
      body: JSON.stringify({ workMs: 800 }),
    });
    const body = await response.json();
    if (!response.ok) {
      status.textContent = `${response.status} ${body.error.code}: ${body.error.message}`;
      status.setAttribute('data-ok', 'false');
      return;
    }
    await followRound(body.roundId);
  } catch (error) {
    status.textContent = `failed: ${error.message}`;
    status.setAttribute('data-ok', 'false');
  }
});

connect();
// Heartbeat ages move on even when nothing arrives.
setInterval(renderWorkers, 500);
