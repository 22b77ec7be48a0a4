import { HttpError } from '@zk-cookbook/core/http';
import type { Logger } from 'pino';
import type { ConfigStore } from './config-store.ts';
import type { EditorSessions, Editor } from './editors.ts';

/** The schema of the demo namespace: what a reader sees refused with 422 in the exercises. */
export const DEMO_SCHEMA = {
  type: 'object',
  properties: {
    greeting: { type: 'string', minLength: 1 },
    maxConnections: { type: 'integer', minimum: 1, maximum: 10_000 },
    features: { type: 'object', additionalProperties: { type: 'boolean' } },
  },
  required: ['greeting', 'maxConnections'],
  additionalProperties: false,
};

/**
 * Namespace "demo" with key "app" at version 1, so that `zk-cookbook run configurator` shows
 * something at once. Done as the first editor configured with a password; nothing is overwritten.
 */
export async function seedDemo(
  store: ConfigStore,
  editors: readonly Editor[],
  sessions: EditorSessions,
  logger: Logger,
): Promise<void> {
  const editor = editors.find((candidate) => candidate.password !== undefined);
  if (!editor?.password) {
    logger.warn('no editor with a password is configured: the demo namespace is not created');
    return;
  }
  const writer = await sessions.sessionOf({ user: editor.user, password: editor.password });
  try {
    await store.createNamespace(writer, {
      name: 'demo',
      description: 'the demo namespace',
      schema: DEMO_SCHEMA,
      author: editor.user,
    });
  } catch (error) {
    if (error instanceof HttpError && error.code === 'NAMESPACE_EXISTS') return;
    throw error;
  }
  await store.publish(writer, {
    namespace: 'demo',
    key: 'app',
    value: { greeting: 'hello', maxConnections: 100, features: { darkMode: false } },
    message: 'first version (seeded by the demo)',
    author: editor.user,
    baseVersion: 0,
  });
  logger.info('seeded namespace demo with demo/app at version 1');
}
