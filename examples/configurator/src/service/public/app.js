/* global document, window */
// The Configurator's web UI: plain ES module, no build step. Everything goes through the JSON API;
// failures arrive as { error: { code, message, details } } and are shown as they are.

const $ = (id) => document.getElementById(id);
const state = { credentials: null, namespace: '', key: '', baseVersion: undefined, csrf: null, history: [] };

class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.error?.code ?? `HTTP_${status}`;
    this.details = body?.error?.details;
  }
}

async function api(method, path, body) {
  // X-Requested-With: no Basic challenge back, which would open the browser's own login dialog.
  const headers = { accept: 'application/json', 'x-requested-with': 'configurator-ui' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (state.credentials) headers.authorization = state.credentials;
  if (method !== 'GET') {
    // State-changing requests carry the service's per-start token (shared/src/http/csrf-protection.ts).
    state.csrf ??= await (await fetch('/api/csrf-token')).json();
    headers[state.csrf.header] = state.csrf.token;
  }
  const response = await fetch(path, {
    method,
    headers,
    cache: 'no-store',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json().catch(() => null);
  if (!response.ok) {
    if (json?.error?.code === 'CSRF_TOKEN_INVALID') state.csrf = null;
    throw new ApiError(response.status, json);
  }
  return json;
}

const keyPath = () =>
  `/api/namespaces/${encodeURIComponent(state.namespace)}/keys/${encodeURIComponent(state.key)}`;

function say(text, kind = 'ok') {
  const status = $('status');
  status.textContent = text;
  status.className = kind;
  status.dataset.kind = kind;
}

function sayError(error) {
  const field = error.details?.field !== undefined ? ` [field ${error.details.field || '(value)'}]` : '';
  say(`${error.status} ${error.code}: ${error.message}${field}`, 'error');
}

function element(tag, text, attributes = {}) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

function fillSelect(select, values, selected) {
  select.replaceChildren(
    ...values.map((value) => element('option', String(value), { value: String(value) })),
  );
  if (selected !== undefined && values.map(String).includes(String(selected)))
    select.value = String(selected);
}

async function loadNamespaces() {
  const { namespaces } = await api('GET', '/api/namespaces');
  const names = namespaces.map((namespace) => namespace.name);
  fillSelect($('namespace'), names, state.namespace || names[0]);
  state.namespace = $('namespace').value;
  await loadKeys();
}

async function loadKeys(selected) {
  if (!state.namespace) return;
  const { keys } = await api('GET', `/api/namespaces/${encodeURIComponent(state.namespace)}/keys`);
  const names = keys.map((key) => key.key);
  fillSelect($('key'), names, selected ?? (state.key || names[0]));
  state.key = $('key').value;
  await loadKey({ intoEditor: true });
}

async function loadKey({ intoEditor = false } = {}) {
  if (!state.key) {
    $('key-state').textContent = 'no key yet: type a new key name';
    state.baseVersion = 0;
    return;
  }
  const key = await api('GET', keyPath()).catch((error) =>
    error.status === 404 ? null : Promise.reject(error),
  );
  const current = key?.current?.version ?? 0;
  const gray = key?.gray?.version;
  const keyState = $('key-state');
  keyState.textContent = `current v${current}${gray ? `, gray v${gray} on canaries` : ''}`;
  keyState.dataset.current = String(current);
  keyState.dataset.gray = gray ? String(gray) : '';
  if (intoEditor) {
    state.baseVersion = current;
    if (current > 0) {
      const version = await api('GET', `${keyPath()}/versions/${current}`);
      $('value').value = JSON.stringify(version.value, null, 2);
    }
  }
  await loadHistory();
}

async function loadHistory() {
  const { versions } = await api('GET', `${keyPath()}/versions`).catch(() => ({ versions: [] }));
  // Unchanged history: leave the rows alone, so that a button being clicked stays where it is.
  const signature = JSON.stringify([
    state.namespace,
    state.key,
    ...versions.map((version) => version.version),
  ]);
  if ($('history').dataset.signature === signature) return;
  $('history').dataset.signature = signature;
  state.history = versions;
  const numbers = versions.map((version) => version.version);
  fillSelect($('diff-from'), numbers, $('diff-from').value || numbers[1]);
  fillSelect($('diff-to'), numbers, $('diff-to').value || numbers[0]);
  $('history').replaceChildren(
    ...versions.map((version) => {
      const row = element('tr', undefined, {
        'data-testid': 'history-row',
        'data-version': String(version.version),
      });
      const kind = version.kind === 'rollback' ? `rollback of v${version.rollbackOf}` : version.kind;
      for (const text of [
        `v${version.version}`,
        kind,
        version.author,
        new Date(version.publishedAt).toLocaleString(),
        version.message,
      ])
        row.append(element('td', text));
      const actions = element('td');
      const load = element('button', 'load', { 'data-action': 'load' });
      load.addEventListener('click', () => run(() => loadIntoEditor(version.version)));
      const rollback = element('button', 'roll back to this', { 'data-action': 'rollback' });
      rollback.addEventListener('click', () => run(() => rollbackTo(version.version)));
      actions.append(load, rollback);
      row.append(actions);
      return row;
    }),
  );
}

async function loadInstances() {
  if (!state.namespace) return;
  const [{ instances }, namespace] = await Promise.all([
    api('GET', `/api/namespaces/${encodeURIComponent(state.namespace)}/instances`),
    api('GET', `/api/namespaces/${encodeURIComponent(state.namespace)}`),
  ]);
  const checked = new Set(namespace.canary);
  // Keep boxes the user is editing: instances on the canary list that are down still show.
  const names = [...new Set([...instances.map((instance) => instance.instanceId), ...checked])].sort();
  const reports = new Map(instances.map((instance) => [instance.instanceId, instance]));
  const rows = names.map((name) => {
    const report = reports.get(name);
    const version = report?.versions?.[state.key];
    const row = element('tr', undefined, {
      'data-testid': 'instance-row',
      'data-instance': name,
      'data-version': version ? String(version) : '',
    });
    row.append(
      element('td', name),
      element('td', report ? (version ? `v${version}` : '—') : 'not running'),
      element('td', report?.source ?? ''),
    );
    const box = element('input', undefined, { type: 'checkbox', 'data-action': 'canary' });
    box.checked = checked.has(name);
    const cell = element('td');
    cell.append(box);
    row.append(cell);
    if (report && version && String(version) === $('key-state').dataset.gray) row.className = 'gray';
    return row;
  });
  // Only replace when something changed, so that a box being clicked is not swapped away.
  const signature = JSON.stringify(
    rows.map((row) => [
      row.dataset.instance,
      row.dataset.version,
      row.textContent,
      row.querySelector('input').checked,
    ]),
  );
  if ($('instances').dataset.signature !== signature) {
    $('instances').replaceChildren(...rows);
    $('instances').dataset.signature = signature;
  }
}

function editorValue() {
  try {
    return JSON.parse($('value').value);
  } catch (error) {
    throw new ApiError(400, {
      error: { code: 'MALFORMED_JSON', message: `the editor does not hold JSON: ${error.message}` },
    });
  }
}

function currentKey() {
  const typed = $('new-key').value.trim();
  if (typed) {
    state.key = typed;
    state.baseVersion = 0;
  }
  return state.key;
}

async function publish(mode) {
  currentKey();
  const result = await api('POST', `${keyPath()}/versions`, {
    value: editorValue(),
    message: $('message').value,
    baseVersion: state.baseVersion,
    mode,
  });
  say(`published v${result.version.version}${mode === 'gray' ? ' to the canaries' : ''}`);
  $('new-key').value = '';
  await loadKeys(state.key);
}

async function rollbackTo(version) {
  const result = await api('POST', `${keyPath()}/rollback`, {
    toVersion: version,
    message: $('message').value || `roll back to v${version}`,
    baseVersion: state.baseVersion,
  });
  say(`rolled back: v${result.version.version} repeats v${version}`);
  await loadKeys(state.key);
}

async function loadIntoEditor(version) {
  const record = await api('GET', `${keyPath()}/versions/${version}`);
  $('value').value = JSON.stringify(record.value, null, 2);
  say(`loaded v${version} into the editor (publishing it makes a new version)`);
}

async function run(action) {
  try {
    await action();
  } catch (error) {
    sayError(error);
  }
}

function wire() {
  $('login').addEventListener('submit', (event) => {
    event.preventDefault();
    const form = new window.FormData($('login'));
    const bytes = new TextEncoder().encode(`${form.get('user')}:${form.get('password')}`);
    state.credentials = `Basic ${btoa(String.fromCharCode(...bytes))}`;
    run(async () => {
      try {
        const { user } = await api('GET', '/api/whoami');
        $('whoami').textContent = `signed in as ${user}`;
        $('whoami').dataset.user = user;
      } catch (error) {
        state.credentials = null;
        $('whoami').textContent = 'read-only: sign in to publish';
        throw error;
      }
    });
  });
  $('namespace').addEventListener('change', () => {
    state.namespace = $('namespace').value;
    state.key = '';
    run(() => loadKeys());
  });
  $('key').addEventListener('change', () => {
    state.key = $('key').value;
    run(() => loadKey({ intoEditor: true }));
  });
  $('validate').addEventListener('click', () =>
    run(async () => {
      const key = encodeURIComponent(currentKey() || 'new');
      await api('POST', `/api/namespaces/${encodeURIComponent(state.namespace)}/keys/${key}/validate`, {
        value: editorValue(),
      });
      say('valid: the namespace schema accepts it');
    }),
  );
  $('publish').addEventListener('click', () => run(() => publish('all')));
  $('publish-gray').addEventListener('click', () => run(() => publish('gray')));
  $('promote').addEventListener('click', () =>
    run(async () => {
      const result = await api('POST', `${keyPath()}/gray/promote`);
      say(`promoted: everybody runs v${result.current.version}`);
      await loadKey({ intoEditor: true });
    }),
  );
  $('abort').addEventListener('click', () =>
    run(async () => {
      const result = await api('POST', `${keyPath()}/gray/abort`);
      say(`gray release of v${result.aborted} aborted`);
      await loadKey({ intoEditor: true });
    }),
  );
  $('save-canaries').addEventListener('click', () =>
    run(async () => {
      const instances = [...document.querySelectorAll('[data-testid="instance-row"]')]
        .filter((row) => row.querySelector('input').checked)
        .map((row) => row.dataset.instance);
      const saved = await api('PUT', `/api/namespaces/${encodeURIComponent(state.namespace)}/canary`, {
        instances,
      });
      say(`canary list: ${saved.instances.join(', ') || '(empty)'}`);
    }),
  );
  $('diff').addEventListener('click', () =>
    run(async () => {
      const { changes } = await api(
        'GET',
        `${keyPath()}/diff?from=${$('diff-from').value}&to=${$('diff-to').value}`,
      );
      const describe = (change) =>
        change.op === 'added'
          ? `+ ${change.path || '(value)'} = ${JSON.stringify(change.after)}`
          : change.op === 'removed'
            ? `- ${change.path || '(value)'} (was ${JSON.stringify(change.before)})`
            : `~ ${change.path || '(value)'}: ${JSON.stringify(change.before)} → ${JSON.stringify(change.after)}`;
      $('diff-output').replaceChildren(
        ...(changes.length === 0
          ? [element('li', 'no differences')]
          : changes.map((change) =>
              element('li', describe(change), { class: `diff-${change.op}`, 'data-testid': 'diff-change' }),
            )),
      );
    }),
  );
}

wire();
run(loadNamespaces);
// What instances run changes without anything happening on this page: poll it.
window.setInterval(() => {
  if (state.key) run(() => Promise.all([loadKey(), loadInstances()]));
  else run(loadInstances);
}, 1_000);
