import { ShellError } from './shell-error.ts';

/**
 * The checks of the Java client's PathUtils.validatePath with its messages, so that a mistyped path
 * reads exactly as in zkCli ("Path must start with / character"). The client validates again; this
 * copy exists only for the wording.
 */
export function checkPath(path: string, options: { sequential?: boolean } = {}): void {
  // A sequential create may end in "/": the server appends the counter, hence the "1".
  const checked = options.sequential ? `${path}1` : path;
  const fail = (message: string): never => {
    throw new ShellError(message);
  };
  if (checked.length === 0) fail('Path length must be > 0');
  if (checked[0] !== '/') fail('Path must start with / character');
  if (checked.length === 1) return;
  if (checked.endsWith('/')) fail('Path must not end with / character');
  const invalid = (reason: string): never => fail(`Invalid path string "${checked}" caused by ${reason}`);
  for (let i = 1; i < checked.length; i++) {
    const c = checked.charCodeAt(i);
    const previous = checked[i - 1];
    const endsSegment = i + 1 === checked.length || checked[i + 1] === '/';
    if (c === 0) invalid(`null character not allowed @${i}`);
    if (checked[i] === '/' && previous === '/') invalid(`empty node name specified @${i}`);
    if (checked[i] === '.' && previous === '.' && checked[i - 2] === '/' && endsSegment) {
      invalid(`relative paths not allowed @${i}`);
    }
    if (checked[i] === '.' && previous === '/' && endsSegment) invalid(`relative paths not allowed @${i}`);
    if (
      (c > 0x00 && c <= 0x1f) ||
      (c >= 0x7f && c <= 0x9f) ||
      (c >= 0xd800 && c <= 0xf8ff) ||
      (c >= 0xfff0 && c <= 0xffff)
    ) {
      invalid(`invalid character @${i}`);
    }
  }
}
