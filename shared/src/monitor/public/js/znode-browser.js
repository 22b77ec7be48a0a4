// The znode browser: the children of the current node on the left (its siblings when it is a leaf),
// its data, Stat and ACL in the middle. The current path lives in the URL hash (#node=/a/b), so a
// view can be bookmarked and Back works.
import { apiUrl, getJson } from './api.js';
import { byTestId, el } from './dom.js';
import { formatBytes, formatDateTime, formatNumber, hexDumpLines, pathProblem } from './format.js';

// Three pairs per row, as the stylesheet lays them out; times take half a row each.
const STAT_FIELDS = [
  ['version', 'version'],
  ['cversion', 'cversion'],
  ['aversion', 'aversion'],
  ['czxid', 'czxid'],
  ['mzxid', 'mzxid'],
  ['pzxid', 'pzxid'],
  ['dataLength', 'data length'],
  ['numChildren', 'children'],
  ['ephemeralOwner', 'owner'],
  ['ctime', 'created'],
  ['mtime', 'modified'],
];

const parentOf = (path) => path.slice(0, path.lastIndexOf('/')) || '/';
const hashOf = (path) => `#node=${encodeURIComponent(path)}`;

export function startZnodeBrowser(root, { onNavigate } = {}) {
  const form = byTestId(root, 'tree-form');
  const input = byTestId(root, 'tree-path-input');
  const breadcrumb = byTestId(root, 'tree-breadcrumb');
  const list = byTestId(root, 'tree-children');
  const title = byTestId(root, 'node-path');
  const errorBox = byTestId(root, 'node-error');
  const body = byTestId(root, 'node-body');
  const dataView = byTestId(root, 'node-data');
  const statView = byTestId(root, 'node-stat');
  const aclBody = byTestId(root, 'node-acl').querySelector('tbody');
  const tabs = [...root.querySelectorAll('.tabs [data-format]')];

  let current = '/';
  let node = null;
  let chosenFormat = null;
  let generation = 0;
  let reloadTimer = null;

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const path = input.value.trim() || '/';
    const problem = pathProblem(path);
    if (problem) return showError(`${path}: ${problem}`);
    go(path);
  });
  for (const tab of tabs) {
    tab.addEventListener('click', () => {
      if (tab.disabled) return;
      chosenFormat = tab.dataset.format;
      renderData();
    });
  }
  window.addEventListener('hashchange', () => load(pathFromHash()));
  // Links carry real hrefs (open in a new tab, copy), but a click goes through go(), so clicking the
  // node already shown (a breadcrumb, say) reloads it instead of doing nothing.
  for (const container of [breadcrumb, list]) {
    container.addEventListener('click', (event) => {
      const link = event.target.closest('a[href^="#node="]');
      if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
      event.preventDefault();
      go(decodeURIComponent(link.getAttribute('href').slice('#node='.length)));
    });
  }

  function go(path) {
    if (window.location.hash === hashOf(path)) load(path);
    else window.location.hash = hashOf(path);
  }

  function pathFromHash() {
    const match = /^#node=(.*)$/.exec(window.location.hash);
    return match ? decodeURIComponent(match[1]) : '/';
  }

  // 503 means the monitor's session is between servers (one was just killed): try again shortly.
  const RETRIES = 3;

  async function load(path, { keepFormat = false, attempt = 0 } = {}) {
    const mine = ++generation;
    if (!keepFormat || path !== current) chosenFormat = null;
    current = path;
    input.value = path;
    title.textContent = path;
    title.title = path;
    renderBreadcrumb(path);
    onNavigate?.(path);
    const [tree, nodeResult] = await Promise.allSettled([
      getJson(apiUrl('/api/tree', { path })),
      getJson(apiUrl('/api/node', { path })),
    ]);
    if (mine !== generation) return; // the user moved on meanwhile
    const unavailable = [tree, nodeResult].some(
      (result) => result.status === 'rejected' && result.reason.status === 503,
    );
    if (unavailable && attempt < RETRIES) {
      setTimeout(() => mine === generation && load(path, { keepFormat: true, attempt: attempt + 1 }), 1000);
    }
    await renderTree(path, tree, mine);
    if (mine !== generation) return;
    body.hidden = nodeResult.status !== 'fulfilled';
    if (nodeResult.status === 'fulfilled') {
      errorBox.hidden = true;
      node = nodeResult.value;
      renderNode();
    } else {
      node = null;
      showError(nodeResult.reason.message);
      for (const tab of tabs) tab.disabled = true;
    }
  }

  // A leaf has nothing to list, so the list shows its siblings instead, with the leaf highlighted.
  async function renderTree(path, tree, mine) {
    if (tree.status === 'rejected') {
      list.replaceChildren(el('li', { class: 'empty', text: tree.reason.message }));
      return;
    }
    if (tree.value.children.length > 0 || path === '/') return renderChildren(tree.value, null);
    try {
      const siblings = await getJson(apiUrl('/api/tree', { path: parentOf(path) }));
      if (mine === generation) renderChildren(siblings, path);
    } catch {
      renderChildren(tree.value, null);
    }
  }

  function showError(message) {
    errorBox.hidden = false;
    errorBox.textContent = message;
  }

  function renderBreadcrumb(path) {
    const parts = path === '/' ? [] : path.slice(1).split('/');
    const crumbs = [el('a', { href: hashOf('/'), text: '/', 'data-testid': 'crumb' })];
    parts.forEach((part, index) => {
      if (index > 0) crumbs.push(el('span', { class: 'sep', text: '/' }));
      const target = `/${parts.slice(0, index + 1).join('/')}`;
      crumbs.push(el('a', { href: hashOf(target), text: part, 'data-testid': 'crumb' }));
    });
    breadcrumb.replaceChildren(...crumbs);
  }

  function renderChildren(tree, selected) {
    const link = (href, testId, ...content) => el('a', { href, 'data-testid': testId }, ...content);
    const items = [];
    if (tree.path !== '/') {
      items.push(
        el(
          'li',
          {},
          link(
            hashOf(parentOf(tree.path)),
            'tree-up',
            el('span', { class: 'icon', text: '↰' }),
            el('span', { class: 'name', text: '..' }),
          ),
        ),
      );
    }
    for (const child of tree.children) {
      const anchor = link(
        hashOf(child.path),
        'tree-child',
        el('span', { class: 'icon', text: child.stat.numChildren > 0 ? '▸' : '·' }),
        el('span', { class: 'name', text: child.name, title: child.path }),
        child.stat.ephemeralOwner ? el('span', { class: 'tag', text: 'ephemeral' }) : null,
        el('span', {
          class: 'count',
          text:
            child.stat.numChildren > 0
              ? `${formatNumber(child.stat.numChildren)} children`
              : formatBytes(child.stat.dataLength),
        }),
      );
      anchor.dataset.path = child.path;
      if (child.path === selected) anchor.setAttribute('aria-current', 'true');
      items.push(el('li', {}, anchor));
    }
    if (tree.children.length === 0) items.push(el('li', { class: 'empty', text: 'no children' }));
    if (tree.truncated) items.push(el('li', { class: 'empty', text: 'more children not shown' }));
    list.replaceChildren(...items);
  }

  function renderNode() {
    renderData();
    const stat = node.stat;
    statView.replaceChildren(
      ...STAT_FIELDS.flatMap(([field, label]) => {
        let value = stat[field];
        if (field === 'ctime' || field === 'mtime') value = formatDateTime(value);
        else if (field === 'ephemeralOwner') value = value ?? 'persistent';
        else if (typeof value === 'number') value = formatNumber(value);
        const wide = field === 'ctime' || field === 'mtime';
        return [
          el('dt', { text: label }),
          el('dd', { class: wide ? 'wide' : null, text: value, title: String(value), 'data-field': field }),
        ];
      }),
    );
    aclBody.replaceChildren(
      ...node.acl.map((entry) =>
        el(
          'tr',
          {},
          el('td', { text: entry.scheme }),
          el('td', { text: entry.id }),
          el('td', { text: entry.perms }),
        ),
      ),
    );
  }

  function renderData() {
    if (!node) return;
    const data = node.data;
    const available = { text: data.text !== null, json: data.format === 'json', hex: true };
    const preferred = data.format === 'json' ? 'json' : data.format === 'binary' ? 'hex' : 'text';
    const format = chosenFormat && available[chosenFormat] ? chosenFormat : preferred;
    for (const tab of tabs) {
      tab.disabled = !available[tab.dataset.format];
      tab.setAttribute('aria-selected', String(tab.dataset.format === format));
    }
    dataView.dataset.format = format;
    if (data.format === 'null') {
      // Null data (created without data, as zkCli's `create /x`) is not the same as zero bytes.
      dataView.replaceChildren(el('span', { class: 'placeholder', text: 'null' }));
    } else if (data.size === 0) {
      dataView.replaceChildren(el('span', { class: 'placeholder', text: '(empty)' }));
    } else if (format === 'json') {
      dataView.replaceChildren(JSON.stringify(data.json, null, 2));
    } else if (format === 'text') {
      dataView.replaceChildren(data.text);
    } else {
      dataView.replaceChildren(
        ...hexDumpLines(data.hex).flatMap((line) => [
          el('span', { class: 'offset', text: line.offset }),
          `  ${line.hex}  `,
          el('span', { class: 'ascii', text: line.ascii }),
          '\n',
        ]),
      );
    }
    if (data.truncated) {
      const shown = formatBytes(data.hex.length / 2);
      dataView.append(
        el('span', { class: 'placeholder', text: `\n… first ${shown} of ${formatBytes(data.size)}` }),
      );
    }
  }

  load(pathFromHash());
  return {
    navigate: go,
    /** Reloads the view (once per burst of changes) if a change touched the node shown or its list. */
    /** Reloads what is on display, e.g. after events about it were lost. */
    refresh() {
      this.changed(current);
    },
    changed(path) {
      const touches = path === current || parentOf(path) === current || parentOf(path) === parentOf(current);
      if (!touches || reloadTimer) return;
      reloadTimer = setTimeout(() => {
        reloadTimer = null;
        load(current, { keepFormat: true });
      }, 200);
    },
  };
}
