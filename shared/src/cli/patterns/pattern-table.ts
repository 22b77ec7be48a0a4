import { formatTable } from '../table.ts';
import type { PatternManifest } from './pattern-manifest.ts';

/** One running instance of a pattern's service, however it runs (a process, a container). */
export interface RunningInstance {
  readonly instanceId: string;
  readonly url: string;
  /** what identifies the instance to its runner: a pid, a container name */
  readonly detail: string;
}

export interface PatternTable {
  /** the first line, e.g. "Configuration centre (examples/config-center) is running." */
  readonly heading: string;
  /** the third column's header: "pid", "container" */
  readonly detailHeader: string;
  readonly instances: readonly RunningInstance[];
  /** the pages worth opening, with their full URLs */
  readonly pages: readonly { readonly title: string; readonly url: string }[];
  readonly connectString: string;
  /** how to stop it */
  readonly closing: string;
}

/**
 * The table `zk-cookbook run` and `zk-cookbook compose up` print once a pattern is ready, so that a
 * pattern looks the same whichever way it was started: every instance and its URL, the pages to open,
 * and the ensemble with the shell command that reaches it.
 */
export function formatPatternTable(table: PatternTable): string {
  const rows = table.instances.map((instance) => [instance.instanceId, instance.url, instance.detail]);
  const pages = table.pages.map((page) => `  ${page.title}: ${page.url}`);
  return [
    table.heading,
    '',
    formatTable(['instance', 'url', table.detailHeader], rows),
    '',
    ...(pages.length > 0 ? ['Open:', ...pages, ''] : []),
    `ZooKeeper: ${table.connectString}   (npx zk-cookbook shell --server ${table.connectString.split(',')[0] ?? ''})`,
    table.closing,
  ].join('\n');
}

/** The manifest's pages at the first URL of the service each names. */
export function manifestPages(
  manifest: PatternManifest,
  urls: Readonly<Record<string, readonly string[]>>,
): { title: string; url: string }[] {
  return manifest.pages.map((page) => ({
    title: page.title,
    url: `${urls[page.service]?.[0] ?? ''}${page.path}`,
  }));
}
