import { describe, expect, it } from 'vitest';
import { readEventStream, type ReceivedEvent } from '../src/viewer/event-stream-reader.ts';

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield new TextEncoder().encode(part);
}

async function collect(body: AsyncIterable<Uint8Array>, maxEventBytes?: number): Promise<ReceivedEvent[]> {
  const events: ReceivedEvent[] = [];
  for await (const event of readEventStream(body, maxEventBytes === undefined ? {} : { maxEventBytes }))
    events.push(event);
  return events;
}

describe('readEventStream', () => {
  it('reads events split anywhere across chunks, skipping comments and retry lines', async () => {
    const stream =
      'retry: 2000\n\n: heartbeat\n\nevent: snapshot\ndata: {"a":1}\n\nevent: change\ndata: {"b":2}\n\n';
    for (let cut = 0; cut <= stream.length; cut++) {
      expect(await collect(chunks(stream.slice(0, cut), stream.slice(cut)))).toEqual([
        { event: 'snapshot', data: '{"a":1}' },
        { event: 'change', data: '{"b":2}' },
      ]);
    }
  });

  it('joins data lines, accepts CRLF, defaults the type to "message", and drops an unfinished event', async () => {
    expect(
      await collect(
        chunks('data: one\r\ndata: two\r\n\r\nevent: x\ndata:no-space\n\nevent: cut\ndata: half'),
      ),
    ).toEqual([
      { event: 'message', data: 'one\ntwo' },
      { event: 'x', data: 'no-space' },
    ]);
  });

  it('refuses an event larger than the bound instead of buffering without end', async () => {
    const endless = async function* (): AsyncGenerator<Uint8Array> {
      for (;;) yield new TextEncoder().encode('data: xxxxxxxxxxxxxxxxxxxxxxxx');
    };
    await expect(collect(endless(), 1024)).rejects.toThrow('an event exceeds 1024 bytes');
  });
});
