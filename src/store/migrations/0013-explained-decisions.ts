import type { Kysely } from 'kysely';

/**
 * Decisions now say how each rule clears in words generated from its outcome, and cite facts read by
 * name with their time. Kept current decisions are dropped, so each is decided again, with them, on
 * first use; the history keeps what was said then.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const table = db as unknown as Kysely<{ resident_status: { decision: string | null; valid_until: number | null } }>;
  await table.updateTable('resident_status').set({ decision: null, valid_until: null }).execute();
}

export async function down(): Promise<void> {
  // Nothing to undo: a dropped decision is made again on first use.
}
