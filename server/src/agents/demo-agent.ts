import { escapeMarkdown } from '../../../src/markdown-core/escape-markdown.ts';
import type { AttachmentSummary } from '../../../src/core/protocol/model.ts';
import type { Agent, AgentStep, AgentTurn, ApprovalOutcome } from './agent.ts';

/** The commands the demo agent understands (CONTRACT §9), matched at the start of a word. */
const COMMAND = /(^|\s)\/(tool|approve|fail|long|escalate|stream)\b/;

type Command = 'tool' | 'approve' | 'fail' | 'long' | 'escalate' | 'stream' | 'reply';

/** `/stream N` streams N characters of markdown (for benchmarks): at most this many, 10,000 without N. */
const MAX_STREAM_CHARS = 50_000;
const DEFAULT_STREAM_CHARS = 10_000;

function streamLengthOf(content: string): number {
  const requested = /(?:^|\s)\/stream\s+(\d{1,9})\b/.exec(content)?.[1];
  return requested === undefined ? DEFAULT_STREAM_CHARS : Math.min(MAX_STREAM_CHARS, Math.max(1, Number(requested)));
}

function commandOf(content: string): Command {
  return (COMMAND.exec(content)?.[2] as Command | undefined) ?? 'reply';
}

/** The message without its command, trimmed and shortened for quoting. */
function topicOf(content: string): string {
  const text = content.replace(COMMAND, ' ').replace(/\s+/g, ' ').trim();
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

/**
 * The built-in deterministic agent (slug `demo`): every runtime event can be seen and
 * tested without a model. The same message always gets the same reply. Its replies are
 * markdown; the visitor's name and words in them are escaped (`escapeMarkdown`), so what
 * someone else wrote comes back as their words, never as a link or other markup.
 */
export class DemoAgent implements Agent {
  decide(turn: AgentTurn): string[] {
    if (describesFiles(turn)) return ['describe_attachments', 'reply'];
    switch (commandOf(turn.message.content)) {
      case 'tool':
        return ['call_tool:lookup', 'reply'];
      case 'approve':
        return ['request_approval:send_email', 'reply'];
      case 'fail':
        return ['reply'];
      case 'escalate':
        return ['escalate:human', 'reply'];
      case 'long':
        return ['reply:long'];
      case 'stream':
        return ['reply:stream'];
      case 'reply':
        return ['reply'];
    }
  }

  async *run(turn: AgentTurn): AsyncGenerator<AgentStep, void, ApprovalOutcome | undefined> {
    const content = turn.message.content;
    const topic = topicOf(content);
    if (describesFiles(turn)) {
      yield { type: 'text', content: describeFiles(turn.senderName, turn.message.attachments ?? [], topic) };
      return;
    }
    switch (commandOf(content)) {
      case 'tool': {
        const query = topic || 'recent orders';
        yield { type: 'text', content: `Let me look up **${escapeMarkdown(query)}**. ` };
        const matches = (query.length % 5) + 1;
        yield {
          type: 'tool',
          name: 'lookup',
          preview: { query },
          execute: async () => ({ ok: true, resultPreview: `${matches} matching records for "${query}"` }),
        };
        yield { type: 'text', content: `I found ${matches} matching records for “${escapeMarkdown(query)}”.` };
        return;
      }
      case 'approve': {
        const subject = topic || 'Weekly summary';
        yield { type: 'text', content: `I'd like to send an email titled “${escapeMarkdown(subject)}”. ` };
        const outcome = yield { type: 'approval', toolName: 'send_email', preview: { to: 'team@example.com', subject } };
        if (outcome === 'approved') {
          yield {
            type: 'tool',
            name: 'send_email',
            preview: { to: 'team@example.com', subject },
            execute: async () => ({ ok: true, resultPreview: 'queued for delivery' }),
          };
          yield { type: 'text', content: 'Approved, so I sent it.' };
        } else if (outcome === 'rejected') {
          yield { type: 'text', content: 'Rejected, so I did not send anything.' };
        } else {
          yield { type: 'text', content: 'Nobody answered in time, so I did not send anything.' };
        }
        return;
      }
      case 'fail':
        yield { type: 'text', content: 'Working on it… ' };
        yield {
          type: 'fail',
          error: { code: 'upstream_error', message: 'The demo agent failed on purpose (/fail).', retryable: true },
        };
        return;
      case 'escalate':
        yield { type: 'escalate', to: 'human', reason: topic || 'The visitor asked for a person.' };
        yield { type: 'text', content: 'I have asked a person from the team to join this conversation.' };
        return;
      case 'long':
        yield { type: 'text', content: longReply(topic) };
        return;
      case 'stream': {
        // The stream is longer than a message may be: it is shown while it streams, and the
        // committed reply only says how much came (the contract's 5,000-character limit).
        const length = streamLengthOf(content);
        yield { type: 'text', content: streamedMarkdown(length), transient: true };
        yield { type: 'text', content: `Streamed ${length.toLocaleString('en-US')} characters of markdown.` };
        return;
      }
      case 'reply':
        yield {
          type: 'text',
          content:
            `Hi ${escapeMarkdown(turn.senderName)}! You said: “${escapeMarkdown(topic)}”. I'm the demo agent: ` +
            'send **/tool**, **/approve**, **/fail**, **/escalate** or **/long** to see what I can show.',
        };
    }
  }
}

/** A message with files and no command: the agent says what it received (CONTRACT §9, §13). */
function describesFiles(turn: AgentTurn): boolean {
  return (turn.message.attachments?.length ?? 0) > 0 && commandOf(turn.message.content) === 'reply';
}

/** `image/png` → "PNG image", `application/pdf` → "PDF", text → "text file". */
function typeWords(contentType: string): string {
  if (contentType.startsWith('image/')) return `${contentType.slice('image/'.length).toUpperCase()} image`;
  if (contentType === 'application/pdf') return 'PDF';
  if (contentType.startsWith('text/plain')) return 'text file';
  return contentType;
}

/**
 * Names each file as the runtime sees it: its name (escaped: a visitor chose it), its type,
 * and an image's pixel size or another file's size in bytes.
 */
function describeFiles(senderName: string, files: readonly AttachmentSummary[], topic: string): string {
  const lines = files.map((file) => {
    const size =
      file.width !== undefined && file.height !== undefined
        ? `${file.width} × ${file.height} pixels`
        : `${file.size.toLocaleString('en-US')} bytes`;
    return `- **${escapeMarkdown(file.name)}**: ${typeWords(file.content_type)}, ${size}`;
  });
  const said = topic ? `\n\nYou said: “${escapeMarkdown(topic)}”.` : '';
  const received = files.length === 1 ? 'I received one file' : `I received ${files.length} files`;
  return `Thanks, ${escapeMarkdown(senderName)}! ${received}:\n\n${lines.join('\n')}${said}`;
}

function longReply(topic: string): string {
  const sections = [
    `# A long answer${topic ? ` about ${escapeMarkdown(topic)}` : ''}`,
    'This reply is long on purpose, so that streaming, scrolling and markdown can be seen at length.',
  ];
  for (let part = 1; part <= 6; part++) {
    sections.push(
      `## Part ${part}`,
      `Paragraph ${part} explains one idea in plain words. A thread is a log of events, each with a ` +
        'sequence number; a client that has applied event *n* needs exactly the events after *n* to be ' +
        'current, which is why a gap can always be filled by asking for what comes after the last one seen.',
      `- point ${part}.1: events are numbered 1, 2, 3 with no holes\n- point ${part}.2: a repeat is dropped\n- point ${part}.3: a gap is fetched`,
      '```ts\n' + `function catchUp(after: number) {\n  return poll({ last_thread_seq: after, limit: 50 });\n}\n` + '```',
      `| step | what happens |\n| --- | --- |\n| ${part}a | the event arrives |\n| ${part}b | it is applied in order |`,
    );
  }
  sections.push('That is the end of the long answer.');
  return sections.join('\n\n');
}

/** Exactly `length` characters (code points) of varied markdown: headings, emphasis, lists, code, links. */
function streamedMarkdown(length: number): string {
  const parts: string[] = [];
  let size = 0;
  for (let section = 1; size < length; section++) {
    const part =
      `## Section ${section}\n\n` +
      `Paragraph ${section} has **bold words**, *a little emphasis*, \`inline code\` and a [link](https://example.com/${section}) ` +
      'so that the renderer has real work to do while the reply keeps growing.\n\n' +
      `- first point of section ${section}\n- second point, with **more** words\n- third point\n\n` +
      '```ts\n' +
      `const section = ${section};\n` +
      '```\n\n';
    parts.push(part);
    size += part.length;
  }
  return [...parts.join('')].slice(0, length).join('');
}
