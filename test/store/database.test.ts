import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openDatabase } from '../../src/store/database.js';
import { ENGINES, postgresUrlInSchema } from '../support/engines.js';

describe('opening the database', { skip: !ENGINES.includes('postgres') }, () => {
  it('names HEALTHCODE_DATABASE_URL when its search_path names no schema that exists (as after a schema was dropped)', async () => {
    await assert.rejects(openDatabase({ kind: 'postgres', url: postgresUrlInSchema('hc_never_made') }), /^Error: HEALTHCODE_DATABASE_URL: its search_path \(hc_never_made\) names no schema that exists/);
  });
});
