import { InvalidArgumentError } from 'commander';

/** A whole number in [min, max] for commander: anything else is refused with the option's name. */
export function integerArgument(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(`expected a whole number, got "${value}".`);
    const n = Number(value);
    if (n < min || n > max) throw new InvalidArgumentError(`expected a number from ${min} to ${max}, got ${n}.`);
    return n;
  };
}

/** An organization id as Scalekit writes them; catches a pasted directory id or a typo early. */
export function organizationArgument(value: string): string {
  if (!/^org_[A-Za-z0-9_-]+$/.test(value)) {
    throw new InvalidArgumentError(`"${value}" is not an organization id (they look like org_123...).`);
  }
  return value;
}
