import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  durableEvents,
  fixtureAgentProfile,
  fixtureAgentSettings,
  fixtureAgentTokenInfo,
  fixtureIdentitySecret,
  fixtureIssuedAgentToken,
  fixtureMessage,
  fixturePublicThread,
  fixtureResolvedThread,
  fixtureThread,
  fixtureUser,
  seedResolvedThread,
} from '../../../src/core/protocol/fixtures.ts';
import {
  agentProfileSchema,
  agentSettingsSchema,
  agentTokenListSchema,
  issuedAgentTokenSchema,
  issuedIdentitySecretSchema,
  resolvedThreadSchema,
  threadSchema,
  userSchema,
} from '../../../src/core/protocol/rest-schemas.ts';
import { errorBody, participant } from '../../../src/core/protocol/rest-shapes.ts';
import { parseEvent, parseMessage } from '../../../src/core/protocol/server-frame-schemas.ts';
import { api, createThread, startTestServer, type TestServer } from '../support/test-server.ts';

/**
 * Each REST shape is written once (src/core/protocol/rest-shapes.ts): the OpenAPI document
 * the server publishes and the client's parser come from the same definition, so they agree
 * on every example, and the send body's published schema is the whole rule the server applies.
 */
describe('one definition of each REST shape', () => {
  let server: TestServer;
  let token: string;
  let threadId: string;
  let openapi: { components: { schemas: Record<string, { title?: string }> }; paths: Record<string, any> };
  const ajv = addFormats(new Ajv({ strict: false }));

  beforeAll(async () => {
    server = await startTestServer();
    const alice = await server.login('alice@example.com');
    const bob = await server.login('bob@example.com');
    token = alice.token;
    threadId = (await createThread(server, token, { target_user_ids: [bob.user.id] })).id;
    openapi = (await api(server, 'GET', '/openapi.json')).body;
    ajv.addSchema({ components: openapi.components }, 'openapi');
  });
  afterAll(() => server.close());

  /** The published component titled `title` (Fastify names them def-N), as a validator. */
  function component(title: string): (value: unknown) => boolean {
    const entry = Object.entries(openapi.components.schemas).find(([, schema]) => schema.title === title);
    if (!entry) throw new Error(`no component ${title}`);
    const validate = ajv.compile({ $ref: `openapi#/components/schemas/${entry[0]}` });
    return (value) => validate(value);
  }

  /** The published schema of one answer of one route, as a validator. */
  function answer(path: string, method: string, status: number): (value: unknown) => boolean {
    const validate = ajv.compile(openapi.paths[`/api/v1${path}`][method].responses[status].content['application/json'].schema);
    return (value) => validate(value);
  }

  const accepts = (schema: v.GenericSchema) => (value: unknown) => v.safeParse(schema, value).success;
  const [fixtureParticipant] = fixtureThread.participants;

  type Case = {
    title: string;
    server?: () => (value: unknown) => boolean;
    client: (value: unknown) => boolean;
    good: unknown[];
    bad: unknown[];
  };
  const cases: Case[] = [
    {
      title: 'Error',
      client: accepts(errorBody.lenient),
      good: [{ error: { code: 'not_found', message: 'No such thread.', retryable: false } }],
      bad: [{ error: { code: 'no_such_code', message: 'x', retryable: false } }, { error: { code: 'conflict', retryable: false } }],
    },
    {
      title: 'User',
      client: accepts(userSchema),
      good: [fixtureUser],
      bad: [
        { ...fixtureUser, name: 5 },
        { ...fixtureUser, id: '' },
      ],
    },
    {
      title: 'Participant',
      client: accepts(participant.lenient),
      good: [fixtureParticipant],
      bad: [
        { ...fixtureParticipant, sender_id: '' },
        { ...fixtureParticipant, avatar_url: 7 },
      ],
    },
    {
      title: 'Thread',
      client: accepts(threadSchema),
      good: [fixtureThread, fixturePublicThread],
      bad: [
        { ...fixtureThread, kind: 'group' },
        { ...fixtureThread, unread_count: -1 },
        { ...fixtureThread, participants: [{ name: 'No sender' }] },
        { ...fixturePublicThread, visitor: { ...fixturePublicThread.visitor, sender_id: 'user:x' } },
      ],
    },
    {
      title: 'Message',
      client: (value) => parseMessage(value) !== null,
      good: [fixtureMessage],
      bad: [
        { ...fixtureMessage, thread_seq: 0 },
        { ...fixtureMessage, content: 5 },
        { ...fixtureMessage, role: 'robot' },
      ],
    },
    {
      title: 'ThreadEvent',
      client: (value) => parseEvent(value) !== null,
      good: Object.values(durableEvents),
      bad: [
        { ...durableEvents.message_committed, thread_seq: 0 },
        { ...durableEvents.message_committed, data: 'text' },
      ],
    },
    {
      title: 'ResolvedThread',
      client: accepts(resolvedThreadSchema),
      good: [fixtureResolvedThread],
      bad: [
        { ...fixtureResolvedThread, resumed: 'yes' },
        { ...fixtureResolvedThread, sender_id: 'user:x' },
      ],
    },
    {
      title: 'GET /chat/public/{slug}',
      server: () => answer('/chat/public/{slug}', 'get', 200),
      client: accepts(agentProfileSchema),
      good: [fixtureAgentProfile],
      bad: [
        { ...fixtureAgentProfile, name: null },
        { ...fixtureAgentProfile, expected_reply_minutes: 'soon' },
      ],
    },
    {
      title: 'GET /agents/{slug}/settings',
      server: () => answer('/agents/{slug}/settings', 'get', 200),
      client: accepts(agentSettingsSchema),
      good: [fixtureAgentSettings],
      bad: [
        { ...fixtureAgentSettings, allowed_origins: 'https://example.com' },
        { ...fixtureAgentSettings, expected_reply_minutes: '1 hour' },
      ],
    },
    {
      title: 'POST /agents/{slug}/identity-secret',
      server: () => answer('/agents/{slug}/identity-secret', 'post', 201),
      client: accepts(issuedIdentitySecretSchema),
      good: [fixtureIdentitySecret],
      bad: [{ ...fixtureIdentitySecret, secret: '' }],
    },
    {
      title: 'POST /agents/{slug}/tokens',
      server: () => answer('/agents/{slug}/tokens', 'post', 201),
      client: accepts(issuedAgentTokenSchema),
      good: [fixtureIssuedAgentToken],
      bad: [{ ...fixtureIssuedAgentToken, token: '' }],
    },
    {
      title: 'GET /agents/{slug}/tokens',
      server: () => answer('/agents/{slug}/tokens', 'get', 200),
      client: accepts(agentTokenListSchema),
      good: [{ tokens: [fixtureAgentTokenInfo] }],
      bad: [{ tokens: [{ ...fixtureAgentTokenInfo, prefix: 5 }] }],
    },
  ];

  for (const { title, server: published = () => component(title), client, good, bad } of cases) {
    it(`${title}: the published schema and the client's parser accept the same examples and refuse the same broken ones`, () => {
      const server = published();
      for (const example of good) expect([server(example), client(example)]).toEqual([true, true]);
      for (const example of bad) expect([server(example), client(example)]).toEqual([false, false]);
    });
  }

  it('the client alone reads a seed-only answer: [ext] fields this server always sends are optional to it', () => {
    expect(component('ResolvedThread')(seedResolvedThread)).toBe(false);
    expect(v.safeParse(resolvedThreadSchema, seedResolvedThread).success).toBe(true);
  });

  it("the send body's published schema is the whole rule: what it accepts is committed, what it refuses is a 400", async () => {
    const schema = openapi.paths['/api/v1/chat/threads/{id}/messages'].post.requestBody.content['application/json'].schema;
    const published = ajv.compile(schema);
    let next = 0;
    const body = (fields: Record<string, unknown>) => ({ content: 'hi', client_message_id: `shape-${next++}`, ...fields });
    // Well-formed Unicode is required of every body's text, outside any one schema (validator-compiler.ts).
    const bodies = [
      body({}),
      body({ content: ' padded ' }),
      body({ content: 'x'.repeat(5000) }),
      body({ content: '😀'.repeat(5000) }),
      body({ base_seq: null, latest_seen_seq: 0, mentions: [] }),
      body({ content: '' }),
      body({ content: '   \n\t  ' }),
      body({ content: '\u00a0\u2003\ufeff' }),
      body({ content: 'x'.repeat(5001) }),
      body({ content: '😀'.repeat(5001) }),
      body({ content: 5 }),
      body({ client_message_id: '' }),
      body({ client_message_id: 'x'.repeat(129) }),
      body({ base_seq: -1 }),
      body({ base_seq: 'ten' }),
      body({ mentions: [5] }),
      body({ mentions: Array.from({ length: 51 }, (_, index) => `user:${index}`) }),
      { client_message_id: 'no-content' },
    ];
    const outcomes = [];
    for (const sent of bodies) {
      const response = await api(server, 'POST', `/chat/threads/${threadId}/messages`, { token, body: sent });
      outcomes.push({ sent, published: published(sent), status: response.status });
    }
    expect(outcomes.filter((outcome) => outcome.status !== (outcome.published ? 201 : 400))).toEqual([]);
    expect(outcomes.filter((outcome) => outcome.published)).toHaveLength(5);
  });
});
