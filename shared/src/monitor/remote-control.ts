import { isLoopbackHost } from '../http/index.ts';

/**
 * Refusal to serve the fault-injection controls (kill, pause, resume, restart) beyond this machine
 * without being told to: they have no authentication, so on 0.0.0.0 anyone who can reach the port
 * can stop the servers.
 */
export class RemoteControlRefusedError extends Error {
  override name = 'RemoteControlRefusedError';

  constructor(readonly host: string) {
    super(
      `refusing to serve the unauthenticated kill/pause/resume/restart controls on ${host}, which is not a ` +
        'loopback address: anyone who can reach it could stop the servers. Listen on 127.0.0.1, or pass ' +
        'allowRemoteControl (--allow-remote-control) if that is really what you want',
    );
  }
}

/** Throws RemoteControlRefusedError when controls would be served on a non-loopback address unasked. */
export function assertControlsStayLocal({
  host,
  controls,
  allowRemoteControl = false,
}: {
  host: string;
  controls: boolean;
  allowRemoteControl?: boolean;
}): void {
  if (controls && !allowRemoteControl && !isLoopbackHost(host)) throw new RemoteControlRefusedError(host);
}
