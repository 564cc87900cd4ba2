/**
 * The import graph of src/ has no circle, counting type-only imports (`npm run lint` checks it): the wire
 * contract (src/contract/) imports nothing of ours but itself, workflows import no activity, and activities
 * and the client import workflow files only for a workflow's signature.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'A circle in the imports, type-only ones included.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'contract-imports-only-contract',
      comment: 'src/contract/ holds what crosses processes and runs; it depends on nothing else of ours.',
      severity: 'error',
      from: { path: '^src/contract/' },
      to: { path: '^src/', pathNot: '^src/contract/' },
    },
    {
      name: 'workflows-import-no-activity',
      comment:
        'Workflows reach activities through the contract (JobActivities), never their implementations.',
      severity: 'error',
      from: { path: '^src/workflows/' },
      to: { path: '^src/(activities|client|dashboard|cli)/' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
  },
};
