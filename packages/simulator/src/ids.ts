import { createRandom, type Random } from './random.js';

/** The id prefixes Scalekit uses, and checks. */
export const ID_PREFIX = {
  organization: 'org_',
  directory: 'dir_',
  user: 'diruser_',
  group: 'dirgroup_',
  event: 'evt_',
  environment: 'env_',
  client: 'skc_',
} as const;

export type IdKind = keyof typeof ID_PREFIX;

/** Scalekit rejects longer organization ids. */
export const MAX_ORGANIZATION_ID_LENGTH = 32;

/**
 * Scalekit-looking ids (`diruser_` and 17 digits) from one increasing sequence. Because each id is larger
 * than the one before, records created in order are already sorted by id: new users append to the
 * keyset-ordered lists in O(1).
 */
export class IdGenerator {
  private readonly random: Random;
  private counter: bigint;

  /** `stream` separates sequences drawn from one seed (entity ids apart from event ids). */
  constructor(seed: number | string, stream = 1) {
    this.random = createRandom(seed, stream);
    // 17 digits, starting from a seed-dependent point well below the top of the range.
    this.counter = 60_000_000_000_000_000n + BigInt(this.random.int(0, 999_999)) * 1_000_000_000n;
  }

  next(kind: IdKind): string {
    this.counter += BigInt(this.random.int(1, 4096));
    return ID_PREFIX[kind] + this.counter.toString();
  }
}

export function hasPrefix(id: string, kind: IdKind): boolean {
  const prefix = ID_PREFIX[kind];
  return typeof id === 'string' && id.length > prefix.length && id.startsWith(prefix);
}
