import { describe, expect, it } from 'vitest';
import { runDemo } from '../demo/run-demo.ts';
import { assertControlsStayLocal, RemoteControlRefusedError } from './index.ts';

describe('fault controls stay on this machine unless asked', () => {
  it.each(['0.0.0.0', '::', '192.168.1.20', 'monitor.example.com'])(
    'refuses controls on %s without allowRemoteControl',
    (host) => {
      expect(() => assertControlsStayLocal({ host, controls: true })).toThrow(RemoteControlRefusedError);
      expect(() => assertControlsStayLocal({ host, controls: true, allowRemoteControl: true })).not.toThrow();
      // Read-only monitoring may be exposed (the docs warn about it).
      expect(() => assertControlsStayLocal({ host, controls: false })).not.toThrow();
    },
  );

  it.each(['127.0.0.1', 'localhost', '::1'])('serves controls on %s', (host) => {
    expect(() => assertControlsStayLocal({ host, controls: true })).not.toThrow();
  });

  it('makes the demo refuse before it starts an ensemble', async () => {
    const lines: string[] = [];
    await expect(runDemo({ host: '0.0.0.0', say: (line) => lines.push(line) })).rejects.toMatchObject({
      name: 'RemoteControlRefusedError',
      host: '0.0.0.0',
    });
    expect(lines).toEqual([]);
  });
});
