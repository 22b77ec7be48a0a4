import { describe, expect, it } from 'vitest';
import { ComposeError } from './compose-error.ts';
import { requireComposeV2, type ComposeExecutable } from './compose-executable.ts';

const v1: ComposeExecutable = {
  generation: 1,
  version: '1.29.2',
  executable: { standalone: true },
  command: ['docker-compose'],
};
const v2: ComposeExecutable = {
  generation: 2,
  version: '2.29.7',
  executable: undefined,
  command: ['docker', 'compose'],
};

describe('Compose V2 for running containers', () => {
  it('accepts the plugin', () => {
    expect(requireComposeV2(v2, 'up')).toBe(v2);
  });

  it("refuses V1 and says why: KeyError 'ContainerConfig' on Engine 25+ when a container is recreated", () => {
    expect(() => requireComposeV2(v1, 'up')).toThrow(ComposeError);
    const message = (() => {
      try {
        requireComposeV2(v1, 'up');
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    })();
    expect(message).toContain('only docker-compose 1.29.2 (Compose V1) is installed');
    expect(message).toContain("KeyError: 'ContainerConfig'");
    expect(message).toContain('docker-compose-plugin');
    expect(() => requireComposeV2(undefined, 'up')).toThrow('no Docker Compose is installed');
  });
});
