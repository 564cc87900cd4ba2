import { DefaultLogger, Runtime } from '@temporalio/worker';

// Workers log every poll at INFO; tests only want warnings and errors.
Runtime.install({ logger: new DefaultLogger('WARN') });
