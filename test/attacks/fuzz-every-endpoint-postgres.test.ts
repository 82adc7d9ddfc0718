import { fuzzEveryEndpointOn } from '../support/fuzz-every-endpoint.js';

// The SQLite half is fuzz-every-endpoint.test.ts.
fuzzEveryEndpointOn('postgres');
