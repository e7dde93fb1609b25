import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { getHeader, type HeadersLike } from './headers.js';

describe('getHeader', () => {
  describe('Fetch Headers', () => {
    it('reads a header whatever the case of the name asked for', () => {
      const headers = new Headers({ 'Webhook-Id': 'msg_1' });
      expect(getHeader(headers, 'webhook-id')).toBe('msg_1');
      expect(getHeader(headers, 'WEBHOOK-ID')).toBe('msg_1');
    });

    it('returns undefined for an absent header', () => {
      expect(getHeader(new Headers(), 'webhook-id')).toBeUndefined();
    });

    it('returns the value Headers combined for a repeated header', () => {
      const headers = new Headers();
      headers.append('webhook-signature', 'v1,a');
      headers.append('webhook-signature', 'v1,b');
      expect(getHeader(headers, 'webhook-signature')).toBe('v1,a, v1,b');
    });
  });

  describe('plain object (IncomingHttpHeaders)', () => {
    it('reads lowercase keys', () => {
      expect(getHeader({ 'webhook-id': 'msg_1' }, 'webhook-id')).toBe('msg_1');
    });

    it('reads keys in any letter case', () => {
      expect(getHeader({ 'WebHook-ID': 'msg_1' }, 'webhook-id')).toBe('msg_1');
      expect(getHeader({ 'webhook-id': 'msg_1' }, 'Webhook-Id')).toBe('msg_1');
    });

    it('joins an array value with single spaces', () => {
      expect(getHeader({ 'webhook-signature': ['v1,a', 'v1,b', 'v1,c'] }, 'webhook-signature')).toBe('v1,a v1,b v1,c');
    });

    it('joins keys that differ only in case', () => {
      expect(getHeader({ 'webhook-signature': 'v1,a', 'Webhook-Signature': 'v1,b' }, 'webhook-signature')).toBe(
        'v1,a v1,b',
      );
    });

    it('returns undefined for an absent or undefined header and for an empty array', () => {
      expect(getHeader({}, 'webhook-id')).toBeUndefined();
      expect(getHeader({ 'webhook-id': undefined }, 'webhook-id')).toBeUndefined();
      expect(getHeader({ 'webhook-id': [] }, 'webhook-id')).toBeUndefined();
    });

    it('ignores values that are not strings', () => {
      const headers = { 'webhook-id': 42, other: 'x' } as unknown as HeadersLike;
      expect(getHeader(headers, 'webhook-id')).toBeUndefined();
      const mixed = { 'webhook-signature': ['v1,a', 7, 'v1,b'] } as unknown as HeadersLike;
      expect(getHeader(mixed, 'webhook-signature')).toBe('v1,a v1,b');
    });

    it('does not match a longer or shorter name', () => {
      expect(getHeader({ 'webhook-idx': 'a', 'webhook-i': 'b' }, 'webhook-id')).toBeUndefined();
    });

    it('reads a null-prototype object, as Node builds req.headers', () => {
      const headers: IncomingHttpHeaders = Object.assign(Object.create(null), { 'webhook-id': 'msg_1' });
      expect(getHeader(headers, 'Webhook-Id')).toBe('msg_1');
    });

    it('reads own properties of a non-iterable class instance', () => {
      class Carrier {
        'Webhook-Id' = 'msg_1';
      }
      expect(getHeader(new Carrier() as unknown as HeadersLike, 'webhook-id')).toBe('msg_1');
    });

    it('ignores inherited properties', () => {
      const headers = Object.create({ 'webhook-id': 'inherited' }) as HeadersLike;
      expect(getHeader(headers, 'webhook-id')).toBeUndefined();
    });

    it('keeps an empty string value', () => {
      expect(getHeader({ 'webhook-id': '' }, 'webhook-id')).toBe('');
    });
  });

  describe('Node rawHeaders', () => {
    it('reads a flat [name, value, ...] array in any case', () => {
      const raw = ['Host', 'example.test', 'Webhook-Id', 'msg_1', 'Content-Type', 'application/json'];
      expect(getHeader(raw, 'webhook-id')).toBe('msg_1');
      expect(getHeader(raw, 'content-type')).toBe('application/json');
    });

    it('joins repeated entries with single spaces', () => {
      const raw = ['webhook-signature', 'v1,a', 'Host', 'h', 'Webhook-Signature', 'v1,b'];
      expect(getHeader(raw, 'webhook-signature')).toBe('v1,a v1,b');
    });

    it('returns undefined when absent, and ignores a dangling name without value', () => {
      expect(getHeader(['Host', 'h'], 'webhook-id')).toBeUndefined();
      expect(getHeader(['Host', 'h', 'webhook-id'], 'webhook-id')).toBeUndefined();
      expect(getHeader([], 'webhook-id')).toBeUndefined();
    });

    it('does not mistake a value for a name', () => {
      expect(getHeader(['x-note', 'webhook-id', 'webhook-id', 'msg_1'], 'webhook-id')).toBe('msg_1');
    });
  });

  describe('iterable of pairs', () => {
    it('reads an array of pairs in any case and joins repeats', () => {
      const pairs: [string, string][] = [
        ['Webhook-Signature', 'v1,a'],
        ['webhook-id', 'msg_1'],
        ['WEBHOOK-SIGNATURE', 'v1,b'],
      ];
      expect(getHeader(pairs, 'webhook-id')).toBe('msg_1');
      expect(getHeader(pairs, 'webhook-signature')).toBe('v1,a v1,b');
    });

    it('reads a Map (case-insensitively, unlike Map#get)', () => {
      const map = new Map([['Webhook-Timestamp', '1700000000']]);
      expect(getHeader(map, 'webhook-timestamp')).toBe('1700000000');
    });

    it('reads a generator and returns undefined when absent', () => {
      function* pairs(): Generator<readonly [string, string]> {
        yield ['a', '1'];
        yield ['webhook-id', 'msg_2'];
      }
      expect(getHeader(pairs(), 'webhook-id')).toBe('msg_2');
      expect(getHeader(pairs(), 'webhook-signature')).toBeUndefined();
    });
  });
});
