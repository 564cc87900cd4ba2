/**
 * Ends the run with one plain line, `tests: N passed, N failed, N skipped`, that any CI can read.
 * @type {import('@jest/reporters').Reporter}
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failedSuites = results.numRuntimeErrorTestSuites;
    process.stdout.write(
      `\ntests: ${results.numPassedTests} passed, ${results.numFailedTests + failedSuites} failed, ${skipped} skipped\n`,
    );
  }
}

module.exports = SummaryReporter;
