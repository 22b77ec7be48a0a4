import { describe, expect, it } from 'vitest';
import { useZooKeeper } from '@zk-cookbook/core/testing';
import { formatAnnotatedFrame, type AnnotatedFrame } from './jute-annotate.ts';
import { traceConversation } from './jute-trace.ts';

function field(frame: AnnotatedFrame | undefined, name: string): string | undefined {
  return frame?.fields.find((candidate) => candidate.name === name)?.value;
}

describe('the Jute tracer, on our client talking to a real server', () => {
  const zk = useZooKeeper('internals-jute');

  it('annotates the handshake, a create, a getData reply and a watch event field by field', async () => {
    const trace = await traceConversation(zk.connectString, '/traced');
    const titles = trace.frames.map((frame) => frame.title);
    expect(titles.slice(0, 7)).toEqual([
      'ConnectRequest',
      'ConnectResponse',
      'create request',
      'create reply',
      'getData request',
      'getData reply',
      'watch event',
    ]);
    const byTitle = (title: string): AnnotatedFrame | undefined =>
      trace.frames.find((frame) => frame.title === title);

    // 4 + 8 + 4 + 8 + (4 + 16) + 1: the handshake has no request header.
    expect(field(byTitle('ConnectRequest'), 'length')).toMatch(/^45 /);
    expect(field(byTitle('ConnectRequest'), 'sessionId')).toBe('0 (new session)');
    expect(field(byTitle('ConnectResponse'), 'sessionId')).toBe(`0x${trace.sessionId.toString(16)}`);

    // The server sees the chrooted path: the client prefixes it on the way out.
    expect(field(byTitle('create request'), 'path')).toBe(JSON.stringify(`${zk.chroot}/traced`));
    expect(field(byTitle('create request'), 'data')).toBe('"hello"');
    expect(field(byTitle('create request'), 'type')).toMatch(/^(1 \(create\)|15 \(create2\))$/);
    const createXid = field(byTitle('create request'), 'xid');
    expect(field(byTitle('create reply'), 'xid')).toBe(createXid);

    const reply = byTitle('getData reply');
    expect(field(reply, 'err')).toBe('0 (OK)');
    expect(field(reply, 'data')).toBe('"hello"');
    expect(field(reply, 'stat.czxid')).toBe(`0x${trace.createdZxid.toString(16)}`);
    expect(field(reply, 'stat.dataLength')).toBe('5');
    expect(field(byTitle('getData request'), 'watch')).toBe('true');

    const event = byTitle('watch event');
    expect(field(event, 'xid')).toBe('-1 (notification)');
    expect(field(event, 'type')).toBe('3 (NodeDataChanged)');
    expect(field(event, 'path')).toBe(JSON.stringify(`${zk.chroot}/traced`));

    // Every byte of every frame belongs to some field, and no field is left unnamed.
    for (const frame of trace.frames) {
      expect(frame.fields.map((entry) => entry.name)).not.toContain('unannotated');
      expect(formatAnnotatedFrame(frame)).toContain(frame.title);
    }
  });
});
