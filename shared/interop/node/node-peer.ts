// A TypeScript participant in its own process, driven like the Curator and Kazoo peers (same JSON-line
// protocol, see ../curator/CuratorPeer.java), so safety tests can put contenders in several
// processes and kill whole processes.
//
// "op" is "<family>.<action>": the family names a module commands-<family>.ts in this directory
// exporting handle(action, args, peer). "client.*" ops are handled here. Commands of one "actor" run
// in order; different actors run concurrently.
import { createInterface } from 'node:readline';
import { ZooKeeperClient } from '../../src/client/index.ts';

export type Args = Record<string, unknown>;

export interface CommandFamily {
  handle(action: string, args: Args, peer: NodePeer): Promise<unknown>;
}

export class NodePeer {
  readonly clients = new Map<string, ZooKeeperClient>();
  readonly objects = new Map<string, unknown>();
  private readonly actors = new Map<string, Promise<unknown>>();
  private readonly families = new Map<string, CommandFamily>();

  emit(event: string, data: Record<string, unknown>): void {
    process.stdout.write(`${JSON.stringify({ event, data }, bigintAsString)}\n`);
  }

  client(args: Args): ZooKeeperClient {
    const name = String(args.client ?? 'default');
    const client = this.clients.get(name);
    if (!client) throw new Error(`no client named ${name} (open it with client.open)`);
    return client;
  }

  object<T>(name: unknown): T {
    const value = this.objects.get(String(name));
    if (value === undefined) throw new Error(`no object named ${String(name)}`);
    return value as T;
  }

  dispatch(command: { id?: number; op?: string; actor?: string; args?: Args }): void {
    const actor = command.actor ?? 'main';
    const previous = this.actors.get(actor) ?? Promise.resolve();
    const next = previous.then(async () => {
      try {
        const result = await this.run(command.op ?? '', command.args ?? {});
        this.reply({ id: command.id, ok: true, result: result ?? null });
      } catch (error) {
        this.reply({
          id: command.id,
          ok: false,
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        });
      }
    });
    this.actors.set(actor, next);
  }

  private async run(op: string, args: Args): Promise<unknown> {
    const [family, action] = op.split('.', 2) as [string, string | undefined];
    if (!action) throw new Error(`op must be <family>.<action>: ${op}`);
    if (family === 'client') return this.clientCommand(action, args);
    let commands = this.families.get(family);
    if (!commands) {
      commands = (await import(new URL(`./commands-${family}.ts`, import.meta.url).href)) as CommandFamily;
      this.families.set(family, commands);
    }
    return commands.handle(action, args, this);
  }

  private async clientCommand(action: string, args: Args): Promise<unknown> {
    const name = String(args.client ?? 'default');
    switch (action) {
      case 'open': {
        const client = await ZooKeeperClient.connect(String(args.connect), {
          sessionTimeoutMs: Number(args.sessionTimeoutMs ?? 10_000),
          logger: {},
        });
        client.on('state', (change) =>
          this.emit('connectionState', {
            client: name,
            state: change.event,
            sessionId: change.sessionId.toString(16),
          }),
        );
        this.clients.set(name, client);
        return this.session(client);
      }
      case 'session':
        return this.session(this.client(args));
      case 'close': {
        await this.clients.get(name)?.close();
        this.clients.delete(name);
        return true;
      }
      default:
        throw new Error(`unknown client action ${action}`);
    }
  }

  private session(client: ZooKeeperClient): Record<string, string | undefined> {
    return {
      sessionId: client.sessionId.toString(16),
      password: client.sessionPassword.toString('base64'),
      server: client.connectedServer,
    };
  }

  private reply(message: Record<string, unknown>): void {
    process.stdout.write(`${JSON.stringify(message, bigintAsString)}\n`);
  }
}

function bigintAsString(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

const peer = new NodePeer();
peer.emit('ready', {});
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim()) peer.dispatch(JSON.parse(line) as Parameters<NodePeer['dispatch']>[0]);
});
lines.on('close', () => {
  void Promise.all([...peer.clients.values()].map((client) => client.close())).then(() => process.exit(0));
});
