import { describe, expect, it } from 'vitest';
import { shortZooKeeperVersion } from './zookeeper-version.ts';

describe('shortZooKeeperVersion', () => {
  it('drops the build date and an unfilled git placeholder', () => {
    expect(shortZooKeeperVersion('3.8.0-${mvngit.commit.id}, built on 2024-12-29 17:54 UTC')).toBe('3.8.0');
  });

  it('keeps a real commit id', () => {
    expect(shortZooKeeperVersion('3.9.2-e454e8c7283100c7caec6dcae2bc82aaecb63023, built on 2024-02-12')).toBe(
      '3.9.2-e454e8c7283100c7caec6dcae2bc82aaecb63023',
    );
  });
});
