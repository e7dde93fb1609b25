/** The errors along a cause chain (an error, its cause, the cause's cause, ...), at most a few deep. */
export function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current !== undefined && current !== null && !chain.includes(current) && chain.length < 8) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

/** Every `code` / `errno` along the chain, as text (driver codes such as 42P01, ECONNREFUSED, 1146, P2021). */
export function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  for (const link of causeChain(error)) {
    if (typeof link !== 'object' || link === null) continue;
    for (const key of ['code', 'errno'] as const) {
      const value = (link as Record<string, unknown>)[key];
      if (typeof value === 'string' || typeof value === 'number') codes.push(String(value));
    }
    // AggregateError (a host with several addresses) keeps the connection errors in `errors`.
    const inner = (link as { errors?: unknown }).errors;
    if (Array.isArray(inner)) for (const e of inner) codes.push(...codesOf(e));
  }
  return codes;
}

/** Every message along the chain. */
export function messagesOf(error: unknown): string[] {
  return causeChain(error).map((link) => (link instanceof Error ? link.message : String(link)));
}

/** The first line of the innermost message: what a driver or a server said. */
export function rootMessage(error: unknown): string {
  const chain = causeChain(error);
  const last = chain[chain.length - 1];
  const text = last instanceof Error ? last.message : String(last);
  return text.split('\n')[0] ?? text;
}
