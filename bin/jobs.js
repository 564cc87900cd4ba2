#!/usr/bin/env node
// The `jobs` command: runs the TypeScript sources through tsx, so no build step is needed.
require('tsx/cjs');
require('../src/cli/main.ts')
  .main(process.argv.slice(2))
  .then((code) => process.exit(code));
