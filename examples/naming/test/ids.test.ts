import { useZooKeeper, eventually } from '@zk-cookbook/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  IdTypes,
  idOfName,
  namingLayout,
  sequenceParent,
  startNamingService,
  sweepLeftoverIdNodes,
  type NamingServiceOptions,
  type RunningNamingService,
} from '../src/index.ts';
import { quietLogger, requestJson, type ErrorAnswer, type TakenAnswer } from './support.ts';

/**
 * The ID service on the shared ensemble: names unique across instances, increasing, in the type's
 * format; a type's generator fixed once defined; the sequence nodes cleaned up.
 */
const zk = useZooKeeper('naming-ids');
const running: RunningNamingService[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((service) => service.close()));
});

async function start(options: Partial<NamingServiceOptions> = {}): Promise<RunningNamingService> {
  const service = await startNamingService({
    connectString: zk.connectString,
    idTypes: { job: { generator: 'sequential' }, invoice: { generator: 'range', rangeSize: 10 } },
    logger: quietLogger,
    ...options,
  });
  running.push(service);
  await eventually(async () => expect((await fetch(`${service.url}/readyz`)).status).toBe(200), {
    timeoutMs: 20_000,
  });
  return service;
}

const take = (service: RunningNamingService, type: string, count?: number) =>
  requestJson<TakenAnswer>(`${service.url}/ids/${type}${count ? `?count=${count}` : ''}`, 'POST');

describe('POST /ids/:type', () => {
  it('hands out names in the type’s format, increasing, from the generator the type names', async () => {
    const service = await start({ root: '/format' });
    const first = await take(service, 'job');
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ type: 'job', generator: 'sequential', names: ['job-0000000000'] });
    const batch = await take(service, 'job', 5);
    expect(batch.body.names).toEqual([1, 2, 3, 4, 5].map((n) => `job-${String(n).padStart(10, '0')}`));

    const invoices = await take(service, 'invoice', 3);
    expect(invoices.body).toEqual({
      type: 'invoice',
      generator: 'range',
      names: ['invoice-0000000000000000001', 'invoice-0000000000000000002', 'invoice-0000000000000000003'],
    });
    const stats = await requestJson<{ types: { type: string; issued: number; rangesReserved?: number }[] }>(
      `${service.url}/ids/stats`,
    );
    expect(stats.body.types).toEqual([
      expect.objectContaining({ type: 'invoice', issued: 3, rangesReserved: 1 }),
      expect.objectContaining({ type: 'job', issued: 6 }),
    ]);
  });

  it('no name is handed out twice by two instances taking IDs at the same time', async () => {
    const [one, two] = await Promise.all([
      start({ root: '/concurrent', instanceId: 'naming-1' }),
      start({ root: '/concurrent', instanceId: 'naming-2' }),
    ]);
    const loop = async (service: RunningNamingService, type: string): Promise<string[]> => {
      const names: string[] = [];
      for (let request = 0; request < 20; request++) {
        const answer = await take(service, type, 3);
        expect(answer.status, JSON.stringify(answer.body)).toBe(200);
        names.push(...answer.body.names);
      }
      return names;
    };
    const results = await Promise.all(
      [one!, two!].flatMap((service) => [
        loop(service, 'job'),
        loop(service, 'job'),
        loop(service, 'invoice'),
      ]),
    );
    const jobs = [...results[0]!, ...results[1]!, ...results[3]!, ...results[4]!];
    const invoices = [...results[2]!, ...results[5]!];
    expect(new Set(jobs).size).toBe(jobs.length);
    expect(new Set(invoices).size).toBe(invoices.length);
    // Each caller saw its own names only grow.
    for (const names of results) {
      const numbers = names.map(idOfName);
      expect(numbers).toEqual([...numbers].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    // Sequential IDs are consecutive while nothing else creates children under the type's parent.
    expect(jobs.map(idOfName).sort((a, b) => Number(a - b))).toEqual(
      Array.from({ length: jobs.length }, (_, index) => BigInt(index)),
    );
  });

  it('answers bad input and unknown types with 4xx JSON', async () => {
    const service = await start({ root: '/bad-input' });
    const unknown = await take(service, 'ticket');
    expect(unknown.status).toBe(404);
    expect((unknown.body as unknown as ErrorAnswer).error.code).toBe('UNKNOWN_ID_TYPE');
    for (const [type, count] of [
      ['Job', undefined],
      ['job', 0],
      ['job', 1001],
      ['job', 'many'],
    ] as const) {
      const answer = await requestJson<ErrorAnswer>(
        `${service.url}/ids/${type}${count === undefined ? '' : `?count=${count}`}`,
        'POST',
      );
      expect(answer.status, `${type} ${count}`).toBe(400);
      expect(answer.body.error.code).toBe('INVALID_REQUEST');
    }
  });
});

describe('ID types', () => {
  it('a type’s generator is fixed once defined: the same definition is accepted, another refused', async () => {
    const service = await start({ root: '/types' });
    const created = await requestJson(`${service.url}/id-types/order`, 'PUT', {
      generator: 'range',
      rangeSize: 500,
    });
    expect(created.status).toBe(201);
    const again = await requestJson(`${service.url}/id-types/order`, 'PUT', {
      generator: 'range',
      rangeSize: 500,
    });
    expect(again.status).toBe(200);
    const other = await requestJson<ErrorAnswer>(`${service.url}/id-types/order`, 'PUT', {
      generator: 'sequential',
    });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('ID_TYPE_CONFLICT');
    const resized = await requestJson<ErrorAnswer>(`${service.url}/id-types/order`, 'PUT', {
      generator: 'range',
      rangeSize: 10,
    });
    expect(resized.status).toBe(409);
    const invalid = await requestJson<ErrorAnswer>(`${service.url}/id-types/order`, 'PUT', {
      generator: 'range',
      rangeSize: 0,
    });
    expect(invalid.status).toBe(400);
    const listed = await requestJson<{ types: unknown[] }>(`${service.url}/id-types`);
    expect(listed.body.types).toEqual([
      { type: 'invoice', generator: 'range', rangeSize: 10 },
      { type: 'job', generator: 'sequential' },
      { type: 'order', generator: 'range', rangeSize: 500 },
    ]);
  });

  it('an instance configured with another generator for an existing type uses the stored one', async () => {
    const first = await start({ root: '/disagree', instanceId: 'naming-1' });
    await take(first, 'job', 2);
    const second = await start({
      root: '/disagree',
      instanceId: 'naming-2',
      idTypes: { job: { generator: 'range', rangeSize: 1000 } },
    });
    const answer = await take(second, 'job');
    expect(answer.body).toEqual({ type: 'job', generator: 'sequential', names: ['job-0000000002'] });
  });
});

describe('sequence nodes do not pile up', () => {
  it('every ID node is deleted once its number is taken', async () => {
    const service = await start({ root: '/cleanup' });
    await take(service, 'job', 200);
    const reader = await zk.connect();
    const parent = sequenceParent(namingLayout('/cleanup'), 'job');
    await eventually(async () => {
      await reader.sync(parent);
      expect((await reader.getChildren(parent)).children).toEqual([]);
    });
    expect((await reader.exists(parent))?.cversion).toBeGreaterThanOrEqual(200);
  });

  it('the sweeper deletes ID nodes a crashed process left behind, once they are old enough', async () => {
    const service = await start({ root: '/sweep' });
    await take(service, 'job');
    const client = await zk.connect();
    const layout = namingLayout('/sweep');
    const parent = sequenceParent(layout, 'job');
    await eventually(async () => expect((await client.getChildren(parent)).children).toEqual([]));
    // What a process killed between its create and its batched delete leaves behind.
    const leftover = await client.create(`${parent}/_c_00000000-0000-0000-0000-000000000000-id-`, null, {
      mode: 'persistentSequential',
    });
    const types = new IdTypes(client, layout);
    expect(await sweepLeftoverIdNodes(client, layout, types, { minAgeMs: 3_600_000 })).toEqual({
      examined: 1,
      deleted: 0,
    });
    expect(await client.exists(leftover)).not.toBeNull();
    const swept = await sweepLeftoverIdNodes(client, layout, types, { minAgeMs: 0, now: Date.now() + 1000 });
    expect(swept).toEqual({ examined: 1, deleted: 1 });
    expect(await client.exists(leftover)).toBeNull();
    // The number it held is a gap, never handed out again.
    expect((await take(service, 'job')).body.names).toEqual(['job-0000000002']);
  });
});
