// Display helpers: numbers, sizes, times, hex dumps.

const DASH = '—';

export function formatNumber(value) {
  return value === null || value === undefined ? DASH : Number(value).toLocaleString('en-US');
}

export function formatLatency(latency) {
  if (!latency) return DASH;
  const avg = Number.isInteger(latency.avgMs) ? String(latency.avgMs) : latency.avgMs.toFixed(1);
  return `${latency.minMs} / ${avg} / ${latency.maxMs}`;
}

export function formatBytes(bytes) {
  if (bytes === null || bytes === undefined) return DASH;
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** 14:03:27.481 in local time */
export function formatClock(iso) {
  const date = new Date(iso);
  const pad = (value, width = 2) => String(value).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

export function formatDateTime(iso) {
  const date = new Date(iso);
  if (date.getTime() === 0) return DASH;
  return `${date.toLocaleDateString('en-CA')} ${formatClock(iso)}`;
}

export function timeAgo(iso, now = Date.now()) {
  const seconds = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  return `${Math.floor(seconds / 3600)}h ago`;
}

/** Lines of "00000010  6b 65 79 ...  key..." from a hex string. */
export function hexDumpLines(hex) {
  const lines = [];
  for (let offset = 0; offset * 2 < hex.length; offset += 16) {
    const bytes = [];
    for (let index = 0; index < 16 && (offset + index) * 2 < hex.length; index++) {
      bytes.push(parseInt(hex.slice((offset + index) * 2, (offset + index) * 2 + 2), 16));
    }
    const hexPart = bytes
      .map((byte, index) => byte.toString(16).padStart(2, '0') + (index === 7 ? ' ' : ''))
      .join(' ')
      .padEnd(16 * 3, ' ');
    const ascii = bytes
      .map((byte) => (byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.'))
      .join('');
    lines.push({ offset: offset.toString(16).padStart(8, '0'), hex: hexPart, ascii });
  }
  return lines;
}

/** The client's path rules, checked before asking the server, for an immediate message. */
export function pathProblem(path) {
  if (!path.startsWith('/')) return 'a path starts with /';
  if (path.length > 1 && path.endsWith('/')) return 'a path does not end with /';
  if (path.includes('//')) return 'a path has no empty segments (//)';
  return null;
}
