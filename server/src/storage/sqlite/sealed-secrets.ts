import type Database from 'better-sqlite3';
import { DATA_KEY_VERSION, newKeyCheck, verifyKeyCheck } from '../secrets/key-check.ts';
import { sealedColumn, type SecretBox } from '../secrets/secret-box.ts';

/**
 * Checks that `box` holds the key this file's secrets are sealed with (DataKeyMismatch if
 * not), and on the first start with sealing seals the identity and webhook secrets stored
 * in plain text before, in one transaction. Returns whether it sealed (then the caller
 * rewrites the file, so the plain text left in free pages goes too).
 */
export function sealSecrets(db: Database.Database, box: SecretBox): boolean {
  return db
    .transaction(() => {
      const row = db.prepare('SELECT key_check FROM data_keys WHERE version = ?').get(DATA_KEY_VERSION) as
        { key_check: string } | undefined;
      if (row) {
        verifyKeyCheck(box, row.key_check);
        return false;
      }
      const agents = db.prepare('SELECT id, identity_secret FROM agents WHERE identity_secret IS NOT NULL').all() as {
        id: string;
        identity_secret: string;
      }[];
      const sealAgent = db.prepare('UPDATE agents SET identity_secret = ? WHERE id = ?');
      for (const agent of agents) sealAgent.run(box.seal(agent.identity_secret, sealedColumn.identitySecret(agent.id)), agent.id);
      const webhooks = db.prepare('SELECT id, secret FROM webhooks').all() as { id: string; secret: string }[];
      const sealWebhook = db.prepare('UPDATE webhooks SET secret = ? WHERE id = ?');
      for (const webhook of webhooks) sealWebhook.run(box.seal(webhook.secret, sealedColumn.webhookSecret(webhook.id)), webhook.id);
      db.prepare('INSERT INTO data_keys (version, key_check, created_at) VALUES (?, ?, ?)').run(
        DATA_KEY_VERSION,
        newKeyCheck(box),
        new Date().toISOString(),
      );
      return true;
    })
    .immediate();
}
