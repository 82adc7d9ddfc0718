import { fuzzEveryEndpointOn } from '../support/fuzz-every-endpoint.js';

// The PostgreSQL half is fuzz-every-endpoint-postgres.test.ts: each engine's run alone fills most of a file's time.
fuzzEveryEndpointOn('sqlite');
