// Entry point of the dashboard: three independent views on one page.
import { startEnsembleView } from './ensemble-view.js';
import { startEventFeed } from './event-feed.js';
import { startZnodeBrowser } from './znode-browser.js';

startEnsembleView(document);
let browser;
const events = startEventFeed(document, {
  onOpenPath: (path) => browser.navigate(path),
  // What the feed reports changed is shown fresh in the browser too.
  onChange: (change) => browser.changed(change.path),
  onLagged: () => browser.refresh(),
});
browser = startZnodeBrowser(document, { onNavigate: (path) => events.suggest(path) });
