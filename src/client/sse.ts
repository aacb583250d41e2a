/**
 * Reads a server-sent event stream, fed as decoded text in chunks of any size, and hands each
 * event's `data` to `onData` (eventsource-parser follows the WHATWG rules: CR, LF and CRLF
 * line ends, comments, multi-line data, an event cut off by the end never dispatched). The
 * parser is loaded with the first stream: a page that never streams never downloads it.
 */
export async function sseReader(onData: (data: string) => void): Promise<(text: string) => void> {
  const { createParser } = await import('eventsource-parser');
  const parser = createParser({ onEvent: (event) => onData(event.data) });
  return (text) => parser.feed(text);
}
