import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import {
  ANYONE_ID,
  Perms,
  ZooKeeperClient,
  type ACL,
  type ZooKeeperClientOptions,
} from '@zk-cookbook/core/client';
import { HttpError } from '@zk-cookbook/core/http';
import type { Logger } from 'pino';

/**
 * Who may publish. Each editor is a ZooKeeper digest identity: the ACL of every node the
 * Configurator writes names the editors' digests (`user:base64(sha1(user:password))`) with all
 * permissions and gives the world read access only. A publish runs on a ZooKeeper session of its
 * editor, authenticated with that editor's credentials — so the server itself enforces who writes,
 * and the author recorded in the history is the identity ZooKeeper checked.
 */
export interface Editor {
  readonly user: string;
  /** base64(sha1("user:password")), as ZooKeeper's digest scheme stores it */
  readonly digest: string;
  /** only for editors configured with a password (a demo): lets the service seed demo data */
  readonly password?: string;
}

const USER_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

export function digestOf(user: string, password: string): string {
  return createHash('sha1').update(`${user}:${password}`).digest('base64');
}

/**
 * Editors from configuration: `user:password` entries (a demo) and/or `user:digest` entries (what
 * a real deployment holds, so that no password is stored at rest), comma-separated.
 */
export function parseEditors({
  passwords = '',
  digests = '',
}: {
  passwords?: string;
  digests?: string;
}): Editor[] {
  const editors = new Map<string, Editor>();
  const entries = (text: string) =>
    text
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
  for (const entry of entries(passwords)) {
    const [user, password] = splitEntry(entry, 'user:password');
    editors.set(user, { user, digest: digestOf(user, password), password });
  }
  for (const entry of entries(digests)) {
    const [user, digest] = splitEntry(entry, 'user:digest');
    if (!/^[A-Za-z0-9+/]{27}=$/.test(digest))
      throw new TypeError(`editor ${user}: "${digest}" is not a SHA-1 digest in base64`);
    editors.set(user, { user, digest });
  }
  return [...editors.values()];
}

function splitEntry(entry: string, shape: string): [string, string] {
  const colon = entry.indexOf(':');
  const user = entry.slice(0, colon);
  const secret = entry.slice(colon + 1);
  if (colon < 1 || !USER_PATTERN.test(user) || secret === '')
    throw new TypeError(`editor entry "${entry.replace(/:.*/, ':…')}" is not ${shape}`);
  return [user, secret];
}

/** The ACL of every node editors write: editors may do anything, everyone else may read. */
export function editorAcl(editors: readonly Editor[]): ACL[] {
  return [
    ...editors.map((editor) => ({
      perms: Perms.ALL,
      id: { scheme: 'digest', id: `${editor.user}:${editor.digest}` },
    })),
    { perms: Perms.READ, id: ANYONE_ID },
  ];
}

export interface Credentials {
  user: string;
  password: string;
}

/**
 * The credentials of an HTTP request (Basic), checked against the editors: 401 when missing or
 * wrong. Checking here answers a wrong password at once; ZooKeeper checks again on every write.
 */
export function authenticate(request: Request, editors: readonly Editor[]): Credentials {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header.trim()) : null;
  if (!match) throw unauthorized(request, 'publishing needs an editor: send HTTP Basic credentials');
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  const editor = editors.find((candidate) => candidate.user === user);
  const given = Buffer.from(digestOf(user, password));
  // Compared in constant time even for an unknown user, so timing does not tell which users exist.
  const expected = Buffer.from(editor?.digest ?? digestOf('\u0000', password + '\u0000'));
  if (colon < 1 || !editor || !timingSafeEqual(given, expected))
    throw unauthorized(request, 'unknown editor or wrong password');
  return { user, password };
}

/**
 * The challenge tells curl and friends which scheme to use. The web UI marks its requests with
 * X-Requested-With and gets none: a browser answers a Basic challenge to fetch() with its own login
 * dialog (and in a headless browser, with a request that never ends).
 */
function unauthorized(request: Request, message: string): HttpError {
  const fromPage = request.headers['x-requested-with'] !== undefined;
  return new HttpError(
    401,
    'UNAUTHENTICATED',
    message,
    undefined,
    fromPage ? {} : { 'WWW-Authenticate': 'Basic realm="configurator", charset="UTF-8"' },
  );
}

/**
 * One ZooKeeper session per editor, opened on the editor's first write and kept: a session carries
 * its digest identity for its whole life (ZooKeeper re-sends it on every reconnect), so sessions
 * cannot be shared between editors without mixing up who wrote what.
 */
export class EditorSessions {
  private readonly sessions = new Map<string, Promise<ZooKeeperClient>>();
  private closed = false;

  constructor(
    private readonly connectString: string,
    private readonly clientOptions: ZooKeeperClientOptions,
    private readonly logger: Logger,
  ) {}

  async sessionOf({ user, password }: Credentials): Promise<ZooKeeperClient> {
    if (this.closed) throw new HttpError(503, 'SHUTTING_DOWN', 'the service is shutting down');
    let session = this.sessions.get(user);
    if (!session) {
      session = ZooKeeperClient.connect(this.connectString, {
        ...this.clientOptions,
        logger: this.logger.child({ component: 'zookeeper', editor: user }),
        auth: [{ scheme: 'digest', auth: `${user}:${password}` }],
      });
      this.sessions.set(user, session);
      // A failed connect is not cached: the next request tries again.
      session.catch(() => this.sessions.delete(user));
    }
    return session;
  }

  async close(): Promise<void> {
    this.closed = true;
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(
      sessions.map((session) =>
        session.then(
          (client) => client.close(),
          // A connect that failed has nothing to close; its error was answered to the request.
          () => undefined,
        ),
      ),
    );
  }
}
