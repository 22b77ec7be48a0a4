import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  startCuratorPeer,
  useZooKeeper,
  type JsonLinePeer,
} from '../../../test-support/index.ts';
import { GroupMember } from './group-member.ts';

/** Our GroupMember and Curator 5.4.0's GroupMember in one group. */
const zk = useZooKeeper('group-member-interop');
let curator: JsonLinePeer;

beforeAll(async () => {
  curator = await startCuratorPeer();
  await curator.call('client.open', { connect: zk.connectString });
}, 120_000);

afterAll(async () => {
  await curator?.close();
});

function asText(members: Map<string, Buffer>): Record<string, string> {
  return Object.fromEntries([...members].map(([id, data]) => [id, data.toString()]));
}

describe('GroupMember with Curator GroupMember', () => {
  it('see each other’s membership and payload changes, and each other leave', async () => {
    const path = '/interop/group';
    await curator.call('group.create', { name: 'java', path, id: 'java-1', payload: 'from-java' });
    const ours = new GroupMember(await zk.connect(), path, 'ts-1', 'from-ts');
    await ours.start();
    await eventually(() =>
      expect(asText(ours.currentMembers)).toEqual({ 'java-1': 'from-java', 'ts-1': 'from-ts' }),
    );
    await eventually(async () =>
      expect(await curator.call('group.members', { name: 'java' })).toEqual({
        'java-1': 'from-java',
        'ts-1': 'from-ts',
      }),
    );
    await ours.setPayload('updated');
    await eventually(async () =>
      expect(await curator.call('group.members', { name: 'java' })).toMatchObject({ 'ts-1': 'updated' }),
    );
    await curator.call('group.setPayload', { name: 'java', payload: 'java-updated' });
    await eventually(() => expect(asText(ours.currentMembers)).toMatchObject({ 'java-1': 'java-updated' }));
    await curator.call('group.close', { name: 'java' });
    await eventually(() => expect([...ours.currentMembers.keys()]).toEqual(['ts-1']));
    await ours.close();
  });
});
