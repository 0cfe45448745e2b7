import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeEnvironment } from '../testing/fake-environment.ts';
import { FakeOutboxTabs } from '../testing/fake-outbox-tabs.ts';
import { FakeSendServer, type SendFault, type UploadFault } from '../testing/fake-send-server.ts';
import { Outbox } from './outbox.ts';
import { MemoryOutboxStore } from './outbox-store.ts';
import { uploadProgress } from './outbox-uploads.ts';

// Messages that carry files (CONTRACT §13): one outbox item uploads its files, then sends.

function createOutbox(store: MemoryOutboxStore, server: FakeSendServer, environment: FakeEnvironment) {
  let next = 0;
  const outbox: Outbox = new Outbox({
    store,
    send: server.send,
    upload: server.upload,
    environment,
    onChange: () => undefined,
    onSent: (_threadId, message) => queueMicrotask(() => outbox.confirm(message.client_message_id!)),
    createId: () => `c-${Date.now()}-${next++}-${Math.random().toString(36).slice(2, 8)}`,
  });
  return outbox;
}

// Node's Blob: the test DOM's does not survive structuredClone (the fake tab channel clones as a browser's does).
// Imported by a name TypeScript does not resolve: this project has no Node types, the test runs in Node.
const nodeBuffer = 'node:buffer';
const { File: NodeFile } = (await import(/* @vite-ignore */ nodeBuffer)) as { File: typeof File };
const png = (name: string) => new NodeFile([`bytes of ${name}`], name, { type: 'image/png' });

describe('Outbox with files', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('stores the files with the message, uploads each, then sends the message with their ids (text may be empty)', async () => {
    const store = new MemoryOutboxStore();
    const server = new FakeSendServer();
    const outbox = createOutbox(store, server, new FakeEnvironment());
    const item = await outbox.add({
      threadId: 't',
      content: '',
      files: [png('one.png'), png('two.png')],
      baseSeq: null,
      latestSeenSeq: null,
    });
    expect(store.items.get(item.clientMessageId)?.files?.map((file) => [file.name, file.size, file.attachmentId])).toEqual([
      ['one.png', 16, null],
      ['two.png', 16, null],
    ]);
    await vi.runAllTimersAsync();
    expect(server.committed).toHaveLength(1);
    expect(server.committed[0]!.content).toBe('');
    expect(server.fileNames(server.committed[0]!)).toEqual(['one.png', 'two.png']);
    expect(store.items.size).toBe(0);
  });

  it('keeps an uploaded file’s id across a reload and uploads only what is missing', async () => {
    const store = new MemoryOutboxStore();
    const server = new FakeSendServer();
    server.latencyMs = 10;
    const environment = new FakeEnvironment();
    const first = createOutbox(store, server, environment);
    const item = await first.add({
      threadId: 't',
      content: 'two files',
      files: [png('a.png'), png('b.png')],
      baseSeq: null,
      latestSeenSeq: null,
    });
    // a.png is up (two legs of 10 ms); b.png is on its way when the page goes.
    await vi.advanceTimersByTimeAsync(25);
    expect(store.items.get(item.clientMessageId)?.files?.map((file) => file.attachmentId)).toEqual(['a-1', null]);
    first.stop();
    const second = createOutbox(store, server, environment);
    await second.restore();
    await vi.runAllTimersAsync();
    expect(server.answeredUploads.get('a.png')).toBe(1);
    expect(server.committed.map((message) => server.fileNames(message))).toEqual([['a.png', 'b.png']]);
  });

  it('shows upload progress, and a discard while uploading cancels the upload and sends nothing', async () => {
    const server = new FakeSendServer();
    server.latencyMs = 10;
    const outbox = createOutbox(new MemoryOutboxStore(), server, new FakeEnvironment());
    const item = await outbox.add({ threadId: 't', content: 'x', files: [png('slow.png')], baseSeq: null, latestSeenSeq: null });
    await vi.advanceTimersByTimeAsync(12);
    expect(outbox.get(item.clientMessageId)?.status).toBe('sending');
    expect(uploadProgress(outbox, item.clientMessageId)?.get('f0')).toBe(17);
    outbox.discard(item.clientMessageId);
    await vi.runAllTimersAsync();
    expect(outbox.list('t')).toEqual([]);
    expect(server.committed).toEqual([]);
  });

  it('holds a refused upload for the user with the server’s words', async () => {
    const server = new FakeSendServer();
    const outbox = createOutbox(new MemoryOutboxStore(), server, new FakeEnvironment());
    const upload = server.upload;
    server.upload = async (...args) => {
      await upload(...args);
      throw new (await import('../api/api-error.ts')).ApiError(
        'unsupported_media_type',
        'The file is not a kind this chat takes.',
        false,
        415,
      );
    };
    const refused = new Outbox({ ...outbox.options, upload: server.upload });
    const item = await refused.add({ threadId: 't', content: 'x', files: [png('fake.png')], baseSeq: null, latestSeenSeq: null });
    await vi.runAllTimersAsync();
    expect(refused.get(item.clientMessageId)).toMatchObject({
      status: 'failed',
      error: { code: 'unsupported_media_type', message: 'The file is not a kind this chat takes.', retryable: false },
    });
    expect(server.committed).toEqual([]);
  });
});

describe('Outbox with files under random upload and send failures and reloads (property)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('commits every message once with all its files, and never uploads a file again once its id is known', async () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('send' as const), thread: fc.constantFrom('t1', 't2'), files: fc.integer({ min: 0, max: 3 }) }),
      fc.record({ kind: fc.constant('reload' as const) }),
      fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 120 }) }),
      fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 5_000 }) }),
      fc.record({ kind: fc.constant('offline' as const), online: fc.boolean() }),
    );
    const sendFault = fc.constantFrom<SendFault>('ok', 'ok', 'lost_request', 'lost_response', 'server_busy');
    const uploadFault = fc.constantFrom<UploadFault>('ok', 'ok', 'lost_request', 'cut', 'lost_response', 'server_busy');
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { maxLength: 30 }),
        fc.array(sendFault, { maxLength: 40 }),
        fc.array(uploadFault, { maxLength: 60 }),
        async (steps, sendFaults, uploadFaults) => {
          vi.setSystemTime(1_700_000_000_000);
          const store = new MemoryOutboxStore();
          const server = new FakeSendServer();
          server.faults = [...sendFaults];
          server.uploadFaults = [...uploadFaults];
          server.latencyMs = 40;
          const environment = new FakeEnvironment(() => 0.5);
          let current = createOutbox(store, server, environment);
          await current.restore();
          const written = new Map<string, string[]>();
          for (const [index, action] of steps.entries()) {
            if (action.kind === 'send') {
              const content = `message ${index}`;
              const files = Array.from({ length: action.files }, (_, n) => png(`m${index}-f${n}.png`));
              await current.add({ threadId: action.thread, content, files, baseSeq: null, latestSeenSeq: null });
              written.set(
                content,
                files.map((file) => file.name),
              );
            } else if (action.kind === 'reload') {
              current.stop();
              current = createOutbox(store, server, environment);
              await current.restore();
            } else if (action.kind === 'offline') {
              environment.setOnline(action.online);
            } else {
              await vi.advanceTimersByTimeAsync(action.ms);
            }
          }
          server.faults = [];
          server.uploadFaults = [];
          environment.setOnline(true);
          await vi.runAllTimersAsync();
          const committed = new Map(server.committed.map((message) => [message.content, server.fileNames(message)]));
          expect(server.committed).toHaveLength(written.size);
          expect(committed).toEqual(written);
          for (const count of server.answeredUploads.values()) expect(count).toBe(1);
          expect(store.items.size).toBe(0);
          current.stop();
        },
      ),
      { numRuns: 150 },
    );
  });

  it('shared by tabs: one tab uploads and sends each message once, whatever the leader changes', async () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('send' as const), tab: fc.nat(), files: fc.integer({ min: 0, max: 2 }) }),
      fc.record({ kind: fc.constant('close_leader' as const) }),
      fc.record({ kind: fc.constant('open_tab' as const) }),
      fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 200 }) }),
      fc.record({ kind: fc.constant('offline' as const), online: fc.boolean() }),
    );
    const uploadFault = fc.constantFrom<UploadFault>('ok', 'ok', 'lost_request', 'cut', 'lost_response');
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 30 }), fc.array(uploadFault, { maxLength: 40 }), async (steps, uploadFaults) => {
        vi.setSystemTime(1_700_000_000_000);
        const world = new FakeOutboxTabs(true);
        world.server.uploadFaults = [...uploadFaults];
        world.server.latencyMs = 40;
        for (let i = 0; i < 2; i++) await world.open();
        const written: string[][] = [];
        for (const [index, action] of steps.entries()) {
          if (action.kind === 'send') {
            const files = Array.from({ length: action.files }, (_, n) => png(`m${index}-f${n}.png`));
            await world.tabs[action.tab % world.tabs.length]!.outbox.add({
              threadId: 't1',
              content: `message ${index}`,
              files,
              baseSeq: null,
              latestSeenSeq: null,
            });
            written.push(files.map((file) => file.name));
          } else if (action.kind === 'close_leader') {
            world.leader()?.close();
            if (world.tabs.length === 0) await world.open();
          } else if (action.kind === 'open_tab') {
            if (world.tabs.length < 4) await world.open();
          } else if (action.kind === 'offline') {
            world.environment.setOnline(action.online);
          } else {
            await vi.advanceTimersByTimeAsync(action.ms);
          }
          await world.hub.flush();
        }
        world.server.uploadFaults = [];
        world.environment.setOnline(true);
        await world.settle(() => vi.runAllTimersAsync());
        expect(world.server.committed.map((message) => world.server.fileNames(message))).toEqual(written);
        expect(world.overlappingSends).toBe(0);
        for (const tab of [...world.tabs]) tab.close();
      }),
      { numRuns: 100 },
    );
  });
});
