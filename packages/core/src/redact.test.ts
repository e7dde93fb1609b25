import { describe, expect, it } from 'vitest';
import { markSensitive, redact, registerSecret, sensitiveValues, stringsOf } from './redact.js';

describe('redact', () => {
  it('blanks URL passwords and values named as credentials', () => {
    const text = redact(
      'could not connect to postgres://app:s3cr3t@db:5432/x (password s3cr3t) token=abc, api_key: k1',
    );
    expect(text).not.toMatch(/s3cr3t|abc|k1/);
    expect(text).toContain('postgres://app:[redacted]@db:5432/x');
  });

  it('blanks registered secrets and the values attached to an error or its causes', () => {
    registerSecret('whsec_registered_value');
    const inner = new Error('duplicate row ada@example.com');
    markSensitive(inner, stringsOf({ email: 'ada@example.com', nested: ['x'] }));
    const outer = new Error('wrapped', { cause: inner });
    expect(sensitiveValues(outer)).toContain('ada@example.com');
    expect(redact('ada@example.com and whsec_registered_value', sensitiveValues(outer))).toBe(
      '[redacted] and [redacted]',
    );
  });
});
