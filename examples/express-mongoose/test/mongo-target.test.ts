import { describe, expect, it } from 'vitest';
import { withDatabase } from './mongo-target.js';

describe('withDatabase', () => {
  it('sets the database and keeps hosts, credentials and options', () => {
    expect(withDatabase('mongodb://127.0.0.1:27017', 'x')).toBe('mongodb://127.0.0.1:27017/x');
    expect(withDatabase('mongodb://127.0.0.1:27017/', 'x')).toBe('mongodb://127.0.0.1:27017/x');
    expect(withDatabase('mongodb://u:p@a:1,b:2/app?replicaSet=rs0&authSource=admin', 'x')).toBe(
      'mongodb://u:p@a:1,b:2/x?replicaSet=rs0&authSource=admin',
    );
    expect(withDatabase('mongodb+srv://cluster.example.net/?retryWrites=true', 'x')).toBe(
      'mongodb+srv://cluster.example.net/x?retryWrites=true',
    );
  });
});
