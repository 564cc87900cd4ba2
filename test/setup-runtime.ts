import { DefaultLogger, Runtime } from '@temporalio/worker';

// Workers log every poll at INFO and every failed attempt at WARN; tests fail those on purpose.
Runtime.install({ logger: new DefaultLogger('ERROR') });
