import { randomUUID } from 'node:crypto';
import { Router, type Request } from 'express';
import { HttpError, parseRequest } from '@zk-cookbook/core/http';
import { z } from 'zod';
import { NAME_PATTERN } from '../layout.ts';
import { jsonValue } from '../records.ts';
import type { ConfigStore, PublishResult } from './config-store.ts';
import { authenticate, type Editor, type EditorSessions } from './editors.ts';
import type { ConfiguratorMetrics } from './metrics.ts';

const name = z
  .string()
  .regex(NAME_PATTERN, 'letters, digits, ".", "_" and "-", at most 100, starting with a letter or digit');
const namespaceParams = z.object({ namespace: name });
const keyParams = z.object({ namespace: name, key: name });
const versionNumber = z.coerce.number().int().positive().max(9_999_999_999);
const message = z.string().trim().min(1, 'say why: a message is required').max(1_000);
const publishId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,64}$/, '8 to 64 letters, digits, "_" or "-" (a UUID will do)');
const jsonSchema = z.record(z.string(), z.unknown()).nullable();

const publishBody = z.object({
  // z.json() accepts null, so a missing value must be refused separately.
  value: jsonValue.refine((value) => value !== undefined, 'value is required'),
  message,
  baseVersion: z.number().int().nonnegative().optional(),
  publishId: publishId.optional(),
  mode: z.enum(['all', 'gray']).default('all'),
});

/** The JSON API under /api. Reads are open; every change needs an editor (HTTP Basic, see editors.ts). */
export function configuratorApi({
  store,
  editors,
  sessions,
  metrics,
}: {
  store: ConfigStore;
  editors: readonly Editor[];
  sessions: EditorSessions;
  metrics: ConfiguratorMetrics;
}): Router {
  const router = Router();
  const editorOf = async (request: Request) => {
    const credentials = authenticate(request, editors);
    return { author: credentials.user, writer: await sessions.sessionOf(credentials) };
  };

  /** Runs a publish and counts it by outcome, whatever the outcome. */
  const counted = async (kind: 'publish' | 'gray' | 'rollback', run: () => Promise<PublishResult>) => {
    const started = process.hrtime.bigint();
    try {
      const result = await run();
      metrics.publishes.inc({ kind, outcome: result.outcome.replace('-', '_') });
      metrics.publishSeconds.observe({ kind }, Number(process.hrtime.bigint() - started) / 1e9);
      if (result.resolvedAfter) metrics.ambiguousPublishes.inc({ resolution: 'published' });
      metrics.prunedVersions.inc(result.pruned.length);
      return result;
    } catch (error) {
      const code = error instanceof HttpError ? error.code : 'error';
      const outcome =
        {
          VERSION_CONFLICT: 'conflict',
          GRAY_RELEASE_IN_PROGRESS: 'conflict',
          SCHEMA_VIOLATION: 'schema_violation',
          VALUE_TOO_LARGE: 'too_large',
          PUBLISH_NOT_APPLIED: 'not_applied',
          PUBLISH_OUTCOME_UNKNOWN: 'unknown',
        }[code] ?? 'error';
      metrics.publishes.inc({ kind, outcome });
      if (outcome === 'not_applied') metrics.ambiguousPublishes.inc({ resolution: 'not_published' });
      if (outcome === 'unknown') metrics.ambiguousPublishes.inc({ resolution: 'unknown' });
      throw error;
    }
  };

  router.get('/api/whoami', (request, response) => {
    response.json({ user: authenticate(request, editors).user });
  });

  router.get('/api/namespaces', async (_request, response) => {
    await store.syncReads();
    response.json({ namespaces: await store.listNamespaces() });
  });

  router.post('/api/namespaces', async (request, response) => {
    const { body } = parseRequest(request, {
      body: z.object({
        name,
        description: z.string().max(1_000).default(''),
        schema: jsonSchema.default(null),
      }),
    });
    const { author, writer } = await editorOf(request);
    const record = await store.createNamespace(writer, { ...body, author });
    response.status(201).json({ name: body.name, ...record });
  });

  router.get('/api/namespaces/:namespace', async (request, response) => {
    const { params } = parseRequest(request, { params: namespaceParams });
    await store.syncReads(params.namespace);
    const [record, canary] = await Promise.all([
      store.namespace(params.namespace),
      store.canary(params.namespace),
    ]);
    response.json({ name: params.namespace, ...record, canary: canary.instances });
  });

  router.put('/api/namespaces/:namespace', async (request, response) => {
    const { params, body } = parseRequest(request, {
      params: namespaceParams,
      body: z
        .object({ description: z.string().max(1_000).optional(), schema: jsonSchema.optional() })
        .refine(
          (changes) => changes.description !== undefined || changes.schema !== undefined,
          'give a description or a schema',
        ),
    });
    const { writer } = await editorOf(request);
    response.json({
      name: params.namespace,
      ...(await store.updateNamespace(writer, params.namespace, body)),
    });
  });

  router.put('/api/namespaces/:namespace/canary', async (request, response) => {
    const { params, body } = parseRequest(request, {
      params: namespaceParams,
      body: z.object({ instances: z.array(name).max(100) }),
    });
    const { writer } = await editorOf(request);
    response.json(await store.setCanary(writer, params.namespace, body.instances));
  });

  router.get('/api/namespaces/:namespace/instances', async (request, response) => {
    const { params } = parseRequest(request, { params: namespaceParams });
    await store.syncReads();
    response.json({ instances: await store.instances(params.namespace) });
  });

  router.get('/api/namespaces/:namespace/keys', async (request, response) => {
    const { params } = parseRequest(request, { params: namespaceParams });
    await store.syncReads(params.namespace);
    response.json({ keys: await store.listKeys(params.namespace) });
  });

  router.get('/api/namespaces/:namespace/keys/:key', async (request, response) => {
    const { params } = parseRequest(request, { params: keyParams });
    await store.syncReads(params.namespace);
    response.json(await store.keyState(params.namespace, params.key));
  });

  // Schema and size check without publishing: what the UI's "validate" button asks.
  router.post('/api/namespaces/:namespace/keys/:key/validate', async (request, response) => {
    const { params, body } = parseRequest(request, {
      params: keyParams,
      body: z.object({ value: jsonValue.refine((value) => value !== undefined, 'value is required') }),
    });
    await store.syncReads(params.namespace);
    await store.validate(params.namespace, body.value);
    response.json({ valid: true });
  });

  router.get('/api/namespaces/:namespace/keys/:key/versions', async (request, response) => {
    const { params } = parseRequest(request, { params: keyParams });
    await store.syncReads(params.namespace);
    response.json({ versions: await store.history(params.namespace, params.key) });
  });

  router.post('/api/namespaces/:namespace/keys/:key/versions', async (request, response) => {
    const { params, body } = parseRequest(request, { params: keyParams, body: publishBody });
    const { author, writer } = await editorOf(request);
    const result = await counted(body.mode === 'gray' ? 'gray' : 'publish', () =>
      store.publish(writer, { ...params, ...body, author, publishId: body.publishId ?? randomUUID() }),
    );
    response.status(result.outcome === 'published' ? 201 : 200).json(result);
  });

  router.get('/api/namespaces/:namespace/keys/:key/versions/:version', async (request, response) => {
    const { params } = parseRequest(request, { params: keyParams.extend({ version: versionNumber }) });
    await store.syncReads(params.namespace);
    response.json(await store.version(params.namespace, params.key, params.version));
  });

  router.get('/api/namespaces/:namespace/keys/:key/diff', async (request, response) => {
    const { params, query } = parseRequest(request, {
      params: keyParams,
      query: z.object({ from: versionNumber, to: versionNumber }),
    });
    await store.syncReads(params.namespace);
    response.json(await store.diff(params.namespace, params.key, query.from, query.to));
  });

  router.post('/api/namespaces/:namespace/keys/:key/rollback', async (request, response) => {
    const { params, body } = parseRequest(request, {
      params: keyParams,
      body: z.object({
        toVersion: z.number().int().positive(),
        message,
        baseVersion: z.number().int().nonnegative().optional(),
        publishId: publishId.optional(),
      }),
    });
    const { author, writer } = await editorOf(request);
    const result = await counted('rollback', () =>
      store.rollback(writer, { ...params, ...body, author, publishId: body.publishId ?? randomUUID() }),
    );
    response.status(result.outcome === 'published' ? 201 : 200).json(result);
  });

  router.post('/api/namespaces/:namespace/keys/:key/gray/promote', async (request, response) => {
    const { params } = parseRequest(request, { params: keyParams });
    const { author, writer } = await editorOf(request);
    const result = await store.promote(writer, { ...params, author });
    metrics.grayActions.inc({ action: 'promote' });
    metrics.prunedVersions.inc(result.pruned.length);
    response.json(result);
  });

  router.post('/api/namespaces/:namespace/keys/:key/gray/abort', async (request, response) => {
    const { params } = parseRequest(request, { params: keyParams });
    const { writer } = await editorOf(request);
    const result = await store.abortGray(writer, params);
    metrics.grayActions.inc({ action: 'abort' });
    response.json(result);
  });

  // How a client settles a publish answered PUBLISH_OUTCOME_UNKNOWN.
  router.get('/api/namespaces/:namespace/keys/:key/publishes/:publishId', async (request, response) => {
    const { params } = parseRequest(request, { params: keyParams.extend({ publishId }) });
    await store.syncReads(params.namespace);
    const found = await store.findPublish(params.namespace, params.key, params.publishId);
    if (!found)
      throw new HttpError(
        404,
        'PUBLISH_NOT_FOUND',
        `no version of ${params.namespace}/${params.key} came from publish ${params.publishId}`,
        {
          publishId: params.publishId,
        },
      );
    response.json({ outcome: 'published', version: found });
  });

  return router;
}
