#!/usr/bin/env node
// The `jobs` command of the installed package (compiled by `npm run build`). In this repository,
// `npm run -s jobs -- …` runs the TypeScript sources instead.
require('../dist/cli/main.js')
  .main(process.argv.slice(2))
  .then((code) => process.exit(code));
