'use strict';
// `npm pack` / `npm publish` from bindings/node: refuses to make a package
// without the addon (it would install fine and fail at the first require), and
// brings in the repository's LICENSE. Release packages (the main one plus one
// per platform) are made by scripts/dist instead, which does not run this.

const { copyFileSync, existsSync, readdirSync } = require('node:fs');
const { join } = require('node:path');

const here = join(__dirname, '..');
const addons = readdirSync(here).filter((name) => /^cloudsso\..+\.node$/.test(name));
if (addons.length === 0) {
  console.error(
    'cloudsso: refusing to pack without the native addon (no cloudsso.<platform>.node here). ' +
      'Run `npm run build` first, or `scripts/dist` at the repository root for the release packages.',
  );
  process.exit(1);
}
const license = join(here, '..', '..', 'LICENSE');
if (!existsSync(join(here, 'LICENSE')) && existsSync(license)) {
  copyFileSync(license, join(here, 'LICENSE'));
}
console.error(`cloudsso: packing with ${addons.join(', ')}`);
