import { SEALED_PREFIX, SealedValueError, sealedColumn, type SecretBox } from './secret-box.ts';

/** The version of the data encryption key this server seals with (the `v1:` of sealed values). */
export const DATA_KEY_VERSION = 1;
/** What `data_keys.key_check` holds, sealed: opening it proves the key is the database's. */
const KEY_CHECK_TEXT = 'ama2 data encryption key check';

/** A start with a key that is not the one the database's secrets are sealed with. */
export class DataKeyMismatch extends Error {
  constructor() {
    super(
      `The data encryption key does not open this database's secrets (sealed with key version ${DATA_KEY_VERSION}, ${SEALED_PREFIX}). ` +
        'Start with the DATA_ENCRYPTION_KEY (or DATA_ENCRYPTION_KEY_FILE, or <DATABASE_PATH>.data-key file) the database was first started with.',
    );
  }
}

/** The value to store in `data_keys.key_check` for a new database. */
export function newKeyCheck(box: SecretBox): string {
  return box.seal(KEY_CHECK_TEXT, sealedColumn.keyCheck(DATA_KEY_VERSION));
}

/** Throws {@link DataKeyMismatch} unless `stored` was sealed with this box's key. */
export function verifyKeyCheck(box: SecretBox, stored: string): void {
  try {
    if (box.open(stored, sealedColumn.keyCheck(DATA_KEY_VERSION)) === KEY_CHECK_TEXT) return;
  } catch (error) {
    if (!(error instanceof SealedValueError)) throw error;
  }
  throw new DataKeyMismatch();
}
