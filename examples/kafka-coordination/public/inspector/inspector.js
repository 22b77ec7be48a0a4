/* global document, EventSource */
// The live view: one Server-Sent Events stream from the inspector, a full snapshot per change.
const statusLine = document.getElementById('status');
const byId = (id) => document.getElementById(id);

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  for (const child of children) node.append(child);
  return node;
}

const row = (attributes, ...cells) =>
  element('tr', attributes, ...cells.map((cell) => element('td', {}, cell)));
const list = (ids) => `[${ids.join(', ')}]`;

function renderCluster(view) {
  byId('cluster-id').textContent = view.clusterId ?? '(none yet)';
  const controller = byId('controller');
  const epoch = byId('controller-epoch');
  if (view.controller) {
    controller.textContent = `broker ${view.controller.brokerId}`;
    controller.dataset.brokerId = view.controller.brokerId;
    epoch.textContent = `${view.controller.epoch} (zkVersion ${view.controller.epochZkVersion})`;
    epoch.dataset.epoch = view.controller.epoch;
    epoch.dataset.zkVersion = view.controller.epochZkVersion;
  } else {
    controller.textContent = 'none: an election is under way';
    delete controller.dataset.brokerId;
    epoch.textContent = '–';
    delete epoch.dataset.epoch;
    delete epoch.dataset.zkVersion;
  }
}

function renderBrokers(view) {
  byId('brokers').replaceChildren(
    ...view.brokers.map((broker) =>
      row(
        { 'data-broker': broker.id },
        String(broker.id),
        broker.registration.endpoints.join(' '),
        broker.brokerEpoch,
        broker.sessionId,
        view.controller?.brokerId === broker.id ? 'controller' : '',
      ),
    ),
  );
}

function renderPartitions(view) {
  const rows = view.topics.flatMap((topic) =>
    topic.partitions.map((partition) =>
      row(
        {
          'data-partition': `${topic.name}-${partition.partition}`,
          'data-leader': partition.leader,
          'data-isr': partition.isr.join(','),
          'data-under-replicated': partition.underReplicated,
        },
        `${topic.name}-${partition.partition}`,
        list(partition.replicas),
        partition.leader < 0 ? 'none' : String(partition.leader),
        String(partition.leaderEpoch),
        list(partition.isr),
        String(partition.controllerEpoch),
      ),
    ),
  );
  byId('partitions').replaceChildren(...rows);
}

function renderQueues(view) {
  const admin = [
    ...view.pendingTopicDeletions.map((topic) => `delete topic ${topic}`),
    ...(view.reassignmentPending ? ['partition reassignment in progress'] : []),
  ];
  byId('admin').replaceChildren(...(admin.length ? admin : ['none']).map((text) => element('li', {}, text)));
  const changes = view.configChanges.slice(-10).reverse();
  byId('config-changes').replaceChildren(
    ...(changes.length
      ? changes.map((change) => element('li', {}, `#${change.sequence} ${change.entityPath}`))
      : [element('li', {}, 'none')]),
  );
  byId('issues').replaceChildren(
    ...(view.issues.length
      ? view.issues.map((issue) => element('li', { class: 'issue' }, `${issue.path}: ${issue.problem}`))
      : [element('li', {}, 'none: every znode decodes')]),
  );
}

function renderLog(log) {
  byId('log').replaceChildren(
    ...log
      .slice(-30)
      .reverse()
      .map((entry) =>
        element(
          'li',
          { 'data-kind': entry.kind },
          `${new Date(entry.at).toLocaleTimeString()} ${entry.detail}`,
        ),
      ),
  );
}

function render(snapshot) {
  if (!snapshot.view) {
    statusLine.textContent = `waiting for the first read${snapshot.lastError ? `: ${snapshot.lastError}` : ''}`;
    return;
  }
  document.body.dataset.version = snapshot.version;
  renderCluster(snapshot.view);
  renderBrokers(snapshot.view);
  renderPartitions(snapshot.view);
  renderQueues(snapshot.view);
  renderLog(snapshot.log);
}

const stream = new EventSource('/api/cluster/events');
stream.addEventListener('cluster', (message) => {
  statusLine.dataset.state = 'live';
  statusLine.textContent = 'live: updated by ZooKeeper watches';
  render(JSON.parse(message.data));
});
stream.addEventListener('error', () => {
  statusLine.dataset.state = 'lost';
  statusLine.textContent = 'connection to the inspector lost; retrying…';
});
