/** What a listing shows in place of a query parameter's value. */
export const HIDDEN_QUERY_VALUE = 'hidden';

/**
 * A callback URL as the thread's other participants may see it: where events go (scheme,
 * host, port, path, and the names of query parameters), without what could let them post to
 * the receiver themselves. Userinfo is removed (new subscriptions cannot carry it, older rows
 * might), query values are hidden (receivers often take a token there) and the fragment,
 * never sent, is dropped.
 */
export function shownCallbackUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // Stored URLs were parsed when subscribing; anything else shows nothing of itself.
    return '';
  }
  url.username = '';
  url.password = '';
  url.hash = '';
  const names = [...new Set(url.searchParams.keys())];
  url.search = '';
  for (const name of names) url.searchParams.append(name, HIDDEN_QUERY_VALUE);
  return url.toString();
}
