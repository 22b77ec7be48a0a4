import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { jsonValue } from '../records.ts';

export const lastKnownConfigFile = z.object({
  namespace: z.string(),
  savedAt: z.string(),
  keys: z.record(z.string(), z.object({ version: z.number().int().positive(), value: jsonValue })),
});
export type LastKnownConfig = z.infer<typeof lastKnownConfigFile>;

/**
 * The subscriber's copy on local disk of the configuration it last applied, so that a restart while
 * ZooKeeper is unreachable starts with that rather than with nothing. Written after every change
 * through a temporary file and a rename: a crash mid-write leaves the previous copy whole, never a
 * truncated one.
 */
export class LastKnownConfigFile {
  constructor(readonly path: string) {}

  async save(config: LastKnownConfig): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
    await rename(temporary, this.path);
  }

  /** The saved copy; undefined if there is none. A file that does not parse is an error naming it. */
  async load(): Promise<LastKnownConfig | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const parsed = lastKnownConfigFile.safeParse(safeJson(text));
    if (!parsed.success)
      throw new Error(
        `${this.path} is not a last-known-config file: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
      );
    return parsed.data;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
