/** One Server-Sent Event as received: its type (default "message") and its data lines joined. */
export interface ReceivedEvent {
  event: string;
  data: string;
}

/**
 * Reads a text/event-stream body event by event (the parts of the SSE format our services send:
 * `event:`, `data:`, comments and `retry:`). An event larger than maxEventBytes ends the read with
 * an error: the stream comes from another process, and a broken or hostile one must not make this
 * one buffer without bound.
 */
export async function* readEventStream(
  body: AsyncIterable<Uint8Array>,
  { maxEventBytes = 1024 * 1024 }: { maxEventBytes?: number } = {},
): AsyncGenerator<ReceivedEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true }).replace(/\r\n?/g, '\n');
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const parsed = parseBlock(block);
      if (parsed) yield parsed;
    }
    if (buffer.length > maxEventBytes) throw new Error(`an event exceeds ${maxEventBytes} bytes`);
  }
}

function parseBlock(block: string): ReceivedEvent | undefined {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return data.length > 0 ? { event, data: data.join('\n') } : undefined;
}
