/**
 * An incremental parser of the `text/event-stream` format (WHATWG HTML, "Server-sent
 * events", the event stream interpretation), for readers built on `fetch`: `EventSource`
 * cannot send an `Authorization` header.
 */

/** One dispatched event: `data` lines joined with "\n"; `id` only when the event carried one. */
export interface SseMessage {
  /** The `event:` field, `message` when absent. */
  event: string;
  data: string;
  /**
   * The event's own `id:` field, or null when it had none (ephemeral events on our server).
   * Unlike `EventSource`'s lastEventId it does not carry over to later events: the caller
   * needs to know which events were durable.
   */
  id: string | null;
}

/**
 * Feed it text chunks as they arrive (split anywhere, even between CR and LF); it calls
 * `onMessage` for every complete event. Comments (`: keep-alive`) are swallowed: a caller
 * that watches for stalls counts chunks, not messages.
 */
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private event = '';
  private id: string | null = null;
  private sawText = false;
  /** The previous chunk ended in CR: a leading LF of the next chunk belongs to that line break. */
  private pendingCr = false;

  constructor(private readonly onMessage: (message: SseMessage) => void) {}

  push(chunk: string): void {
    let text = chunk;
    if (text.length === 0) return;
    if (this.pendingCr && text.startsWith('\n')) text = text.slice(1);
    this.pendingCr = false;
    if (!this.sawText && text.length > 0) {
      this.sawText = true;
      // A byte order mark at the very start of the stream is not part of the first line.
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    this.buffer += text;
    let start = 0;
    for (;;) {
      const cr = this.buffer.indexOf('\r', start);
      const lf = this.buffer.indexOf('\n', start);
      if (cr < 0 && lf < 0) break;
      let end: number;
      let next: number;
      if (cr >= 0 && (lf < 0 || cr < lf)) {
        end = cr;
        if (cr + 1 < this.buffer.length) {
          next = this.buffer[cr + 1] === '\n' ? cr + 2 : cr + 1;
        } else {
          // CR at the very end: the line is complete; an LF may still follow in the next chunk.
          next = cr + 1;
          this.pendingCr = true;
        }
      } else {
        end = lf;
        next = lf + 1;
      }
      this.line(this.buffer.slice(start, end));
      start = next;
    }
    this.buffer = this.buffer.slice(start);
  }

  private line(line: string): void {
    if (line === '') {
      this.dispatch();
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.data.push(value);
        return;
      case 'event':
        this.event = value;
        return;
      case 'id':
        // The spec ignores ids containing NUL.
        if (!value.includes('\0')) this.id = value;
        return;
      default:
        // `retry:` and unknown fields: our reconnect policy is our own.
        return;
    }
  }

  private dispatch(): void {
    const data = this.data;
    const event = this.event || 'message';
    const id = this.id;
    this.data = [];
    this.event = '';
    this.id = null;
    if (data.length === 0) return;
    this.onMessage({ event, data: data.join('\n'), id });
  }
}
