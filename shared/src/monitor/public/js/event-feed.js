// The live event feed: an EventSource on /api/events?path=..., newest event first.
import { apiUrl } from './api.js';
import { byTestId, el } from './dom.js';
import { formatClock, pathProblem } from './format.js';

const MAX_EVENTS = 200;

export function startEventFeed(root, { onOpenPath, onChange, onLagged } = {}) {
  const form = byTestId(root, 'event-form');
  const input = byTestId(root, 'event-path-input');
  const stopButton = byTestId(root, 'event-stop');
  const status = byTestId(root, 'event-status');
  const hint = byTestId(root, 'event-hint');
  const feed = byTestId(root, 'event-feed');
  let source = null;

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    watch(input.value.trim() || '/');
  });
  stopButton.addEventListener('click', () => {
    stop();
    setStatus('off', 'off');
  });
  renderEmpty();

  function watch(path) {
    stop();
    const problem = pathProblem(path);
    if (problem) {
      setStatus('error', 'invalid path');
      hint.textContent = `${path}: ${problem}`;
      return;
    }
    feed.replaceChildren();
    renderEmpty();
    setStatus('connecting', 'connecting');
    hint.textContent = `Changes at or under ${path}`;
    source = new EventSource(apiUrl('/api/events', { path }));
    stopButton.disabled = false;
    source.addEventListener('ready', () => setStatus('live', 'live'));
    source.addEventListener('change', (message) => {
      const change = JSON.parse(message.data);
      add(change);
      onChange?.(change);
    });
    source.addEventListener('reset', () => setStatus('connecting', 'session lost, re-watching'));
    // The monitor dropped events because this page fell behind: what it shows may be stale.
    source.addEventListener('lagged', (message) => {
      const { dropped } = JSON.parse(message.data);
      addNotice(`${dropped} event(s) dropped: this page fell behind. Views reloaded.`);
      onLagged?.();
    });
    source.addEventListener('error', () => {
      // EventSource retries on its own unless the answer was not a stream at all (e.g. a 400).
      if (source && source.readyState === EventSource.CLOSED) {
        setStatus('error', 'failed');
        hint.textContent = `Could not watch ${path}`;
        stopButton.disabled = true;
      } else setStatus('connecting', 'reconnecting');
    });
  }

  function stop() {
    source?.close();
    source = null;
    stopButton.disabled = true;
  }

  function setStatus(state, text) {
    status.dataset.state = state;
    status.textContent = text;
  }

  function renderEmpty() {
    if (feed.children.length === 0) feed.append(el('li', { class: 'empty', text: 'No events yet.' }));
  }

  function addNotice(text) {
    feed.querySelector('.empty')?.remove();
    feed.prepend(el('li', { class: 'notice', 'data-testid': 'event-lagged', text }));
    while (feed.children.length > MAX_EVENTS) feed.lastElementChild.remove();
  }

  function add(change) {
    feed.querySelector('.empty')?.remove();
    const pathLink = el('a', {
      class: 'path',
      href: `#node=${encodeURIComponent(change.path)}`,
      text: change.path,
      title: change.path,
      onclick: (event) => {
        if (!onOpenPath) return;
        event.preventDefault();
        onOpenPath(change.path);
      },
    });
    feed.prepend(
      el(
        'li',
        { 'data-testid': 'event-item', 'data-type': change.type, 'data-path': change.path },
        el('span', { class: 'time', text: formatClock(change.time) }),
        el('span', { class: 'type', text: change.type }),
        pathLink,
        change.zxid ? el('span', { class: 'zxid', text: `zxid ${change.zxid}` }) : null,
      ),
    );
    while (feed.children.length > MAX_EVENTS) feed.lastElementChild.remove();
  }

  return {
    watch,
    /** Prefills the path while no stream runs, so "watch what I am looking at" is one click. */
    suggest(path) {
      if (!source) input.value = path;
    },
  };
}
