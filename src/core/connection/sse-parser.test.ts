import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SseParser, type SseMessage } from './sse-parser.ts';

function parse(chunks: string[]): SseMessage[] {
  const messages: SseMessage[] = [];
  const parser = new SseParser((message) => messages.push(message));
  for (const chunk of chunks) parser.push(chunk);
  return messages;
}

describe('SseParser', () => {
  it('reads ids, data, comments and multi-line data', () => {
    const text = ': stream open\n\nid: 7\ndata: {"a":1}\n\n: keep-alive\n\ndata: line one\ndata: line two\n\ndata\n\n';
    expect(parse([text])).toEqual([
      { event: 'message', id: '7', data: '{"a":1}' },
      { event: 'message', id: null, data: 'line one\nline two' },
      { event: 'message', id: null, data: '' },
    ]);
  });

  it('accepts CRLF and CR line ends, a BOM, no space after the colon, and other fields', () => {
    const text = '\uFEFFid:3\r\nevent: update\r\nretry: 10\r\ndata:x\r\n\r\ndata: y\r\rdata:  two spaces\n\n';
    expect(parse([text])).toEqual([
      { event: 'update', id: '3', data: 'x' },
      { event: 'message', id: null, data: 'y' },
      { event: 'message', id: null, data: ' two spaces' },
    ]);
  });

  it('does not carry an id over to the next event, and drops an event without data', () => {
    expect(parse(['id: 1\n\ndata: a\n\n'])).toEqual([{ event: 'message', id: null, data: 'a' }]);
  });

  it('gives the same messages however the stream is split (also between CR and LF)', () => {
    const text = 'id: 1\r\ndata: {"x":"é"}\r\n\r\n: c\r\ndata: a\rdata: b\r\r\nid: 2\ndata: z\n\n';
    const whole = parse([text]);
    expect(whole).toHaveLength(3);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: text.length }), { maxLength: 12 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const chunks: string[] = [];
        let start = 0;
        for (const point of points) {
          chunks.push(text.slice(start, point));
          start = point;
        }
        chunks.push(text.slice(start));
        expect(parse(chunks)).toEqual(whole);
      }),
    );
  });

  it('keeps a CR-LF pair split by an empty chunk as one line end', () => {
    expect(parse(['data: a\r', '', '\ndata: b\n\n'])).toEqual([{ event: 'message', id: null, data: 'a\nb' }]);
  });

  it('waits for the blank line before dispatching', () => {
    expect(parse(['data: half'])).toEqual([]);
  });
});
