// The package's entry point: loads the TypeScript sources through tsx, so no build step is needed.
require('tsx/cjs');
module.exports = require('./src/index.ts');
