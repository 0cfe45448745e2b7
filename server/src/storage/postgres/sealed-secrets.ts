import type postgres from 'postgres';
import { DATA_KEY_VERSION, newKeyCheck, verifyKeyCheck } from '../secrets/key-check.ts';
import { sealedColumn, type SecretBox } from '../secrets/secret-box.ts';

/**
 * Checks that `box` holds the key this database's secrets are sealed with (DataKeyMismatch
 * if not), and on the first start with sealing seals the identity and webhook secrets stored
 * in plain text before, in the transaction that records the key. Processes that start
 * together agree: the first to insert the key's row seals; the others wait for its commit
 * on that row, then only check their key against it.
 */
export async function sealSecrets(sql: postgres.Sql, box: SecretBox): Promise<void> {
  const sealed = await sql.begin(async (tx) => {
    const [inserted] = await tx<{ version: number }[]>`
      INSERT INTO data_keys (version, key_check, created_at) VALUES (${DATA_KEY_VERSION}, ${newKeyCheck(box)}, now())
      ON CONFLICT (version) DO NOTHING RETURNING version`;
    if (!inserted) {
      const [row] = await tx<{ key_check: string }[]>`SELECT key_check FROM data_keys WHERE version = ${DATA_KEY_VERSION}`;
      verifyKeyCheck(box, row!.key_check);
      return false;
    }
    const agents = await tx<{ id: string; identity_secret: string }[]>`
      SELECT id, identity_secret FROM agents WHERE identity_secret IS NOT NULL FOR UPDATE`;
    for (const agent of agents) {
      await tx`UPDATE agents SET identity_secret = ${box.seal(agent.identity_secret, sealedColumn.identitySecret(agent.id))}
               WHERE id = ${agent.id}`;
    }
    const webhooks = await tx<{ id: string; secret: string }[]>`SELECT id, secret FROM webhooks FOR UPDATE`;
    for (const webhook of webhooks) {
      await tx`UPDATE webhooks SET secret = ${box.seal(webhook.secret, sealedColumn.webhookSecret(webhook.id))} WHERE id = ${webhook.id}`;
    }
    return agents.length + webhooks.length > 0;
  });
  if (!sealed) return;
  // The plain text stays in the tables' dead row versions until rewritten: rewrite the two (small) tables once.
  try {
    await sql`VACUUM (FULL) agents, webhooks`;
  } catch (error) {
    console.warn(`VACUUM FULL after sealing the secrets failed (${(error as Error).message}); run it later to drop the old row versions.`);
  }
}
