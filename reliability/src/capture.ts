import type { LogFields, ScimLogger } from '@scim/core';

/** Everything a run wrote where an operator could read it: log lines, console output, answers, errors. */
export class Capture {
  readonly texts: { source: string; text: string }[] = [];

  add(source: string, text: string): void {
    this.texts.push({ source, text });
  }

  /** A logger that records each line with its fields. */
  logger(source: string): ScimLogger {
    const sink = (level: string) => (message: string, fields?: LogFields) =>
      this.add(source, `${level} ${message} ${JSON.stringify(fields ?? {})}`);
    return { debug: sink('debug'), info: sink('info'), warn: sink('warn'), error: sink('error') };
  }

  /** An error with its stack and every `cause` below it, as a crash report would show it. */
  error(source: string, error: unknown): void {
    for (let current: unknown = error, depth = 0; current !== undefined && depth < 10; depth++) {
      if (current instanceof Error) {
        this.add(source, `${current.name}: ${current.message}\n${current.stack ?? ''}`);
        const extra = Object.entries(current).filter(([key]) => key !== 'cause');
        if (extra.length > 0) this.add(source, safeJson(Object.fromEntries(extra)));
        current = current.cause;
      } else {
        this.add(source, safeJson(current));
        current = undefined;
      }
    }
  }

  /**
   * Records console output and anything written to stdout/stderr until `stop()`; the output still goes
   * through, so a failing run stays readable.
   */
  console(): () => void {
    const streams = [process.stdout, process.stderr] as const;
    const originals = streams.map((stream) => stream.write);
    streams.forEach((stream, index) => {
      const original = originals[index]!;
      stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        this.add(
          index === 0 ? 'stdout' : 'stderr',
          typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'),
        );
        return (original as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
      }) as typeof stream.write;
    });
    return () => {
      streams.forEach((stream, index) => {
        stream.write = originals[index]!;
      });
    };
  }

  /** Where each needle appears: `source: needle` lines, empty when none does. */
  find(needles: Record<string, string>): string[] {
    const hits: string[] = [];
    for (const { source, text } of this.texts) {
      for (const [name, needle] of Object.entries(needles)) {
        if (needle.length > 0 && text.includes(needle)) hits.push(`${name} found in ${source}: ${text.slice(0, 200)}`);
      }
    }
    return hits;
  }

  get bytes(): number {
    return this.texts.reduce((sum, { text }) => sum + text.length, 0);
  }
}

function safeJson(value: unknown): string {
  try {
    return (
      JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item)) ??
      String(value)
    );
  } catch {
    return String(value);
  }
}
