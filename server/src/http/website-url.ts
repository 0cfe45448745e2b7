/** The longest website URL an agent may have: far more than any page address needs. */
export const MAX_WEBSITE_URL_LENGTH = 2048;

export type WebsiteUrlCheck = { ok: true; url: string } | { ok: false; message: string };

/**
 * Checks an agent's `website_url` (CONTRACT §12): the absolute http(s) address of the page
 * that embeds the chat, where follow-up emails send visitors back with `#ama2_resume=…`. So it
 * carries no `#fragment` (the link's own would be lost) and no user name or password (an email
 * would hand them out). Returns it as the URL parser writes it.
 */
export function checkWebsiteUrl(raw: string): WebsiteUrlCheck {
  const value = raw.trim();
  if (value.length === 0 || value.length > MAX_WEBSITE_URL_LENGTH) {
    return { ok: false, message: `website_url must be an address of 1 to ${MAX_WEBSITE_URL_LENGTH} characters, or null.` };
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return {
      ok: false,
      message: 'website_url must be a full address starting with https:// (or http://), such as https://www.example.com/help.',
    };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, message: `website_url must start with https:// or http://, not ${url.protocol}//.` };
  }
  if (url.username !== '' || url.password !== '') {
    return { ok: false, message: 'website_url must not contain a user name or password: it is sent to visitors in emails.' };
  }
  if (value.includes('#')) {
    return { ok: false, message: 'website_url must not contain a #fragment: the follow-up link adds its own.' };
  }
  return { ok: true, url: url.href };
}
