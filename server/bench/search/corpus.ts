/**
 * The synthetic conversations of `npm run bench:search`: a deterministic stream of
 * messages whose words follow a Zipf law over a fixed vocabulary (a few words in most
 * messages, most words rare), as in real chat, plus a planted phrase.
 */

/** Words per message, from MIN to MIN + SPREAD - 1. */
const MIN_WORDS = 6;
const WORD_SPREAD = 10;
/** Distinct words besides the common ones below. */
const VOCABULARY_SIZE = 20_000;
/** One message in this many holds the planted phrase. */
const PHRASE_EVERY = 500;

/** The most frequent words, in order (rank 1 first). */
const COMMON = ['the', 'order', 'thanks', 'please', 'delivery', 'account', 'payment', 'hello', 'refund', 'issue'];
/** Put into one message in {@link PHRASE_EVERY}: a phrase query's target. */
export const PLANTED_PHRASE = 'shipping label printer';
/** Accented names for thread titles (accent-folding is part of what is measured). */
const NAMES = ['José', 'Zoë', 'Łukasz', 'Ana', 'Björn', 'Chloé', 'Søren', 'Renée', 'Jürgen', 'Inès'];

/** A small, fast, seeded PRNG (mulberry32): the same corpus on every run and both databases. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'ze', 'pa', 'qui', 'dor', 'len', 'mar', 'tes', 'bri'];

/** The vocabulary: the common words, then made-up words of 2–4 syllables. */
export function vocabulary(): string[] {
  const next = random(7);
  const words = new Set(COMMON);
  while (words.size < COMMON.length + VOCABULARY_SIZE) {
    const syllables = 2 + Math.floor(next() * 3);
    let word = '';
    for (let index = 0; index < syllables; index++) word += SYLLABLES[Math.floor(next() * SYLLABLES.length)]!;
    words.add(word);
  }
  return [...words];
}

/** Draws word ranks by a Zipf law (exponent 1) from a precomputed cumulative table. */
function zipfSampler(size: number, next: () => number): () => number {
  const cumulative = new Float64Array(size);
  let total = 0;
  for (let rank = 0; rank < size; rank++) {
    total += 1 / (rank + 1);
    cumulative[rank] = total;
  }
  return () => {
    const target = next() * total;
    let low = 0;
    let high = size - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (cumulative[middle]! < target) low = middle + 1;
      else high = middle;
    }
    return low;
  };
}

/** Message texts, one after another, the same sequence on every run. */
export function messageTexts(words: readonly string[]): () => string {
  const next = random(42);
  const rank = zipfSampler(words.length, next);
  let count = 0;
  return () => {
    count++;
    const length = MIN_WORDS + Math.floor(next() * WORD_SPREAD);
    const parts: string[] = [];
    for (let index = 0; index < length; index++) parts.push(words[rank()]!);
    if (count % PHRASE_EVERY === 0) parts.splice(Math.floor(length / 2), 0, PLANTED_PHRASE);
    return parts.join(' ');
  };
}

/** Thread n's title ("Order 17 from Zoë"). */
export function threadTitle(n: number): string {
  return `Order ${n} from ${NAMES[n % NAMES.length]}`;
}
