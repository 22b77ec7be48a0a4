/* global document, EventSource */
// The live view: one Server-Sent Events stream from the coordinator, a full snapshot per change.
const statusLine = document.getElementById('status');
const coordinatorList = document.getElementById('coordinators');
const summary = document.getElementById('assignment-summary');
const collectorCards = document.getElementById('collectors');
const unassignedLine = document.getElementById('unassigned');
const eventList = document.getElementById('events');

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  for (const child of children) node.append(child);
  return node;
}

function sourceBadge(id, working) {
  return element('span', { class: 'source', 'data-source': id, 'data-working': working }, id);
}

function render(snapshot) {
  const { machines, assignment, sources, events } = snapshot;
  const coordinators = machines.filter((machine) => machine.status?.role === 'coordinator');
  coordinatorList.replaceChildren(
    ...coordinators.map((machine) =>
      element(
        'li',
        { 'data-coordinator': machine.id },
        machine.id + (machine.id === assignment.coordinator ? ' — wrote the assignment' : ''),
      ),
    ),
  );
  summary.textContent =
    `assignment generation ${assignment.generation}` +
    (assignment.strategy
      ? `, strategy ${assignment.strategy}, fencing token ${assignment.fencingToken}`
      : '');

  const collectors = machines.filter((machine) => machine.status?.role === 'collector');
  collectorCards.replaceChildren(
    ...collectors.map((machine) => {
      const assigned = assignment.collectors[machine.id] ?? [];
      const working = new Set(machine.status.working);
      return element(
        'div',
        { class: 'collector', 'data-collector': machine.id },
        element('h3', {}, machine.id),
        element('div', { class: 'meta' }, `${working.size} working, ${machine.status.load} lines/s`),
        element('div', {}, ...assigned.map((source) => sourceBadge(source, working.has(source)))),
      );
    }),
  );
  const assignedAnywhere = new Set(Object.values(assignment.collectors).flat());
  const unassigned = sources.filter((source) => !assignedAnywhere.has(source.id));
  unassignedLine.replaceChildren(
    unassigned.length === 0 ? 'every source is assigned' : 'unassigned: ',
    ...unassigned.map((source) => sourceBadge(source.id, false)),
  );
  eventList.replaceChildren(
    ...events
      .slice(-15)
      .reverse()
      .map((event) =>
        element(
          'li',
          {},
          `${new Date(event.at).toLocaleTimeString()} ${event.type} ${event.machine ?? event.source ?? ''} ${event.detail ?? ''}`,
        ),
      ),
  );
}

const stream = new EventSource('/api/cluster/events');
stream.addEventListener('cluster', (message) => {
  statusLine.dataset.state = 'live';
  statusLine.textContent = 'live';
  render(JSON.parse(message.data));
});
stream.addEventListener('error', () => {
  statusLine.dataset.state = 'lost';
  statusLine.textContent = 'connection to the coordinator lost; retrying…';
});
