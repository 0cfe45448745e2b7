/**
 * A whole-number setting from the environment: `fallback` when unset or empty, else a whole
 * number from `min` to `max`, or an error that names the setting and what it got. The one
 * reader of numeric settings (config.ts, and the parts that parse their own settings).
 */
export function wholeSetting<F extends number | null>(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: F,
  min: number,
  max: number,
): number | F {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}, got "${raw}".`);
  }
  return value;
}
