'use strict';
// Every agreed encoding of a secret, and a check that none of them is in a
// captured text. The list is the project's one list (the core's
// `redact::encoded_forms`; golden copy in tests/leaks/forms.json, checked by
// test/leaks-helper.test.js): raw; percent-encoded with the RFC 3986
// unreserved characters kept, upper- then lower-case hex; each of those
// percent-encoded again; form encoding (space as `+`), both hex cases;
// standard base64. Without duplicates, raw first.

const assert = require('node:assert/strict');

const UNRESERVED = /^[A-Za-z0-9\-_.~]$/;

function percent(text, upper, plusForSpace = false) {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    if (UNRESERVED.test(char)) out += char;
    else if (byte === 0x20 && plusForSpace) out += '+';
    else {
      const hex = byte.toString(16).padStart(2, '0');
      out += `%${upper ? hex.toUpperCase() : hex}`;
    }
  }
  return out;
}

/** [name, text] of each agreed encoding of `secret`, raw first, without duplicates. */
function namedForms(secret) {
  if (!secret) return [];
  const upper = percent(secret, true);
  const lower = percent(secret, false);
  const forms = [
    ['raw', secret],
    ['percent-encoded', upper],
    ['percent-encoded, lower-case hex', lower],
    ['percent-encoded twice', percent(upper, true)],
    ['percent-encoded twice, lower-case hex', percent(lower, false)],
    ['form-encoded', percent(secret, true, true)],
    ['form-encoded, lower-case hex', percent(secret, false, true)],
    ['base64', Buffer.from(secret, 'utf8').toString('base64')],
  ];
  const seen = new Map();
  for (const [name, text] of forms) if (!seen.has(text)) seen.set(text, name);
  return [...seen].map(([text, name]) => [name, text]);
}

/** The agreed encodings of `secret`, raw first, without duplicates; none for "". */
function encodedForms(secret) {
  return namedForms(secret).map(([, text]) => text);
}

/** Which secrets (by index) appear in `text` and in which encoding; never the secret itself. */
function leaks(text, secrets) {
  const found = [];
  secrets.forEach((secret, index) => {
    for (const [name, form] of namedForms(String(secret))) {
      if (text.includes(form)) found.push(`secret #${index} (${String(secret).length} chars), ${name}`);
    }
  });
  return found;
}

/** Fails naming the secret's index and the encoding found, without printing the secret. */
function assertNoLeak(text, secrets, where = 'captured output') {
  const found = leaks(text, secrets);
  assert.deepEqual(found, [], `${where}: a secret leaked: ${found.join('; ')}`);
}

module.exports = { encodedForms, leaks, assertNoLeak };
