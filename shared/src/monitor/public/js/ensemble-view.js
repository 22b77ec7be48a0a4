// The ensemble table: one row per member, refreshed from /api/ensemble, updated in place so that a
// button under the pointer is never replaced between mousedown and click.
import { getJson, postJson } from './api.js';
import { byTestId, el } from './dom.js';
import { formatNumber, formatLatency, timeAgo } from './format.js';

const ACTIONS = [
  {
    action: 'kill',
    label: 'Kill',
    title: 'SIGKILL: the machine vanishes',
    from: ['running', 'paused'],
    doing: 'Killing',
  },
  { action: 'pause', label: 'Pause', title: 'SIGSTOP: a long GC pause', from: ['running'], doing: 'Pausing' },
  { action: 'resume', label: 'Resume', title: 'SIGCONT', from: ['paused'], doing: 'Resuming' },
  {
    action: 'restart',
    label: 'Restart',
    title: 'stop if needed, start again with the same data',
    from: ['running', 'paused', 'stopped'],
    doing: 'Restarting',
  },
];

const DONE = {
  kill: 'killed',
  pause: 'paused',
  resume: 'resumed',
  restart: 'restarted (it serves once it has rejoined the quorum)',
};

export function startEnsembleView(root) {
  const tbody = byTestId(root, 'ensemble-table').querySelector('tbody');
  const summary = byTestId(root, 'ensemble-summary');
  const actionsHead = byTestId(root, 'actions-head');
  const status = byTestId(root, 'action-status');
  const live = byTestId(root, 'live-indicator');
  const connectString = byTestId(root, 'connect-string');
  const session = byTestId(root, 'session-state');
  const rows = new Map();
  const busy = new Set();
  let intervalMs = 1000;

  async function refresh() {
    try {
      const state = await getJson('/api/ensemble');
      intervalMs = state.pollIntervalMs;
      render(state);
      setLive('live', `live · every ${intervalMs / 1000} s`);
    } catch (error) {
      setLive('error', `monitor unreachable: ${error.message}`);
    } finally {
      setTimeout(refresh, intervalMs);
    }
  }

  function setLive(state, text) {
    live.dataset.state = state;
    live.querySelector('.live-text').textContent = text;
  }

  function render(state) {
    connectString.textContent = state.connectString;
    connectString.title = state.connectString;
    session.dataset.state = state.session.state;
    session.textContent = state.session.server
      ? `${state.session.state} to ${state.session.server}`
      : state.session.state;
    actionsHead.hidden = !state.controls;
    renderSummary(state.summary);
    for (const member of state.members) {
      let row = rows.get(member.id);
      if (!row) {
        row = createRow(member.id);
        rows.set(member.id, row);
        tbody.append(row.element);
      }
      updateRow(row, member, state.controls);
    }
  }

  function renderSummary(s) {
    const pill = (testId, label, value, kind) =>
      el(
        'span',
        { class: `pill ${kind ?? ''}`, 'data-testid': testId },
        label,
        el('strong', { text: value }),
      );
    summary.replaceChildren(
      s.leaderPresent
        ? pill('summary-leader', 'Leader', `server ${s.leaderId}`, 'ok')
        : pill(
            'summary-leader',
            'Leader',
            s.leaderIds.length > 1 ? `${s.leaderIds.length} claim it` : 'none',
            'bad',
          ),
      pill(
        'summary-serving',
        'Serving',
        `${s.serving} / ${s.members}`,
        s.serving === s.members ? 'ok' : 'bad',
      ),
      pill('summary-synced', 'Synced followers', formatNumber(s.syncedFollowers)),
      pill('summary-quorum', 'Quorum size', formatNumber(s.quorumSize)),
      pill('summary-epoch', 'Epoch', formatNumber(s.epoch)),
      pill('summary-zxid', 'Zxid', s.highestZxid ?? '—'),
    );
    summary.querySelector('[data-testid="summary-leader"]').dataset.leaderId = s.leaderId ?? '';
  }

  function createRow(id) {
    const cell = (testId, className) => el('td', { class: className, 'data-testid': testId });
    const cells = {
      server: cell('member-server'),
      mode: cell('member-mode'),
      zxid: cell('member-zxid', 'num mono'),
      epoch: cell('member-epoch', 'num'),
      latency: cell('member-latency', 'num'),
      outstanding: cell('member-outstanding', 'num'),
      connections: cell('member-connections', 'num'),
      watches: cell('member-watches', 'num'),
      znodes: cell('member-znodes', 'num'),
      error: cell('member-error', 'error-cell'),
      actions: cell('member-actions', 'actions-cell'),
    };
    const buttons = ACTIONS.map((spec) =>
      el('button', {
        type: 'button',
        text: spec.label,
        title: spec.title,
        'data-action': spec.action,
        'data-testid': `action-${spec.action}`,
        onclick: () => runAction(id, spec),
      }),
    );
    cells.actions.append(el('div', { class: 'actions' }, buttons));
    const element = el('tr', { 'data-testid': 'member-row', 'data-member-id': id }, Object.values(cells));
    return { element, cells, buttons };
  }

  function updateRow(row, member, controls) {
    const { element, cells, buttons } = row;
    element.dataset.mode = member.mode;
    element.dataset.process = member.process ?? '';
    const role = member.role ?? (member.serving ? '' : 'role unknown');
    cells.server.replaceChildren(
      el(
        'div',
        { class: 'server' },
        el('span', { class: 'server-id', text: member.id }),
        el(
          'span',
          { class: 'server-address' },
          el('span', { class: 'mono', text: member.address }),
          el('span', { class: 'server-role', text: role }),
        ),
      ),
    );
    const modeLabel = member.process === 'paused' ? `${member.mode} · paused` : member.mode;
    cells.mode.replaceChildren(el('span', { class: 'mode', 'data-mode': member.mode, text: modeLabel }));
    cells.zxid.textContent = member.zxid ?? '—';
    cells.epoch.textContent = formatNumber(member.epoch);
    cells.latency.textContent = formatLatency(member.latency);
    cells.outstanding.textContent = formatNumber(member.outstanding);
    cells.connections.textContent = formatNumber(member.connections);
    cells.watches.textContent = formatNumber(member.watches);
    cells.znodes.textContent = formatNumber(member.znodes);

    const error = member.error ?? member.lastError?.message ?? null;
    cells.error.className = `error-cell ${member.error ? 'current' : member.lastError ? 'past' : ''}`;
    cells.error.textContent = member.error
      ? member.error
      : member.lastError
        ? `${timeAgo(member.lastError.at)}: ${member.lastError.message}`
        : '—';
    cells.error.title = error ?? '';

    cells.actions.hidden = !controls;
    for (const button of buttons) {
      const spec = ACTIONS.find((each) => each.action === button.dataset.action);
      button.disabled = busy.has(member.id) || !spec.from.includes(member.process);
    }
  }

  async function runAction(id, spec) {
    busy.add(id);
    for (const button of rows.get(id).buttons) button.disabled = true;
    setStatus('info', `${spec.doing} server ${id}…`);
    try {
      await postJson(`/api/members/${id}/${spec.action}`);
      setStatus('info', `Server ${id} ${DONE[spec.action]}.`);
    } catch (error) {
      setStatus('error', `Could not ${spec.action} server ${id}: ${error.message}`);
    } finally {
      busy.delete(id);
    }
  }

  function setStatus(kind, text) {
    status.dataset.kind = kind;
    status.textContent = text;
  }

  refresh();
}
