'use strict';
// The leak helper lists the project's encodings (tests/leaks/forms.json) and finds each.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { encodedForms, leaks } = require('../test-support/leaks');

const GOLDEN = path.resolve(__dirname, '..', '..', '..', 'tests', 'leaks', 'forms.json');

test('encodedForms is the agreed list', () => {
  const { cases } = JSON.parse(fs.readFileSync(GOLDEN, 'utf8'));
  assert.ok(cases.length > 0);
  for (const { secret, forms } of cases) assert.deepEqual(encodedForms(secret), forms, secret);
  assert.deepEqual(encodedForms(''), []);
});

test('every form is found inside a longer text, and the secret is not repeated', () => {
  const secret = 'a b/c+d%e*f';
  const forms = encodedForms(secret);
  assert.equal(forms.length, 8);
  for (const form of forms) {
    const found = leaks(`before ${form} after`, ['unrelated-secret', secret]);
    assert.ok(found.length > 0 && found.every((f) => f.startsWith('secret #1 ')), form);
    assert.ok(!found.join(' ').includes(secret));
  }
  assert.deepEqual(leaks('nothing here', [secret]), []);
});
