/** The wire protocol's version, sent in `ready` by both sockets (CONTRACT §6) and spoken by this client. */
export const PROTOCOL_VERSION = 1;

/**
 * The `failed` reason when the server speaks a newer protocol than this client: a cached old
 * app against a new server. Only a reload (the new app) can fix it, so the client stops trying.
 */
export const OUTDATED_CLIENT_REASON = 'outdated_client';

/**
 * True when a server's `protocol_version` is a newer major version than this client speaks.
 * A server that sends none (an older one, or one with only the seed's fields) is accepted.
 */
export const isNewerProtocol = (serverVersion: number | null | undefined): boolean =>
  serverVersion != null && serverVersion > PROTOCOL_VERSION;
