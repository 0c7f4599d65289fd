import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomText } from './random.ts';

describe('random text from the pool', () => {
  it('gives text of the length asked, never the same twice, across refills of the pool', () => {
    const seen = new Set<string>();
    // 1,000 nonces of 16 bytes use the pool of 4,096 bytes four times over.
    for (let i = 0; i < 1000; i += 1) {
      const hex = randomText(16, 'hex');
      assert.match(hex, /^[0-9a-f]{32}$/);
      seen.add(hex);
    }
    assert.equal(seen.size, 1000);
    assert.match(randomText(24, 'base64url'), /^[A-Za-z0-9_-]{32}$/);
    assert.equal(randomText(5000, 'hex').length, 10000);
  });
});
