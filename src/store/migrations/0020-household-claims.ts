import type { Kysely } from 'kysely';

/**
 * Household claims and two-officer reclaims. A household member whose document another account
 * holds is added at once, holding no identity (`dependent_id` names them) while the claim waits; a
 * reclaim is proposed by one authority with the evidence they checked and approved by another, who
 * records their own.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('identity_reclaims').addColumn('dependent_id', 'text').execute();
  await db.schema.alterTable('identity_reclaims').addColumn('proposed_by', 'text').execute();
  await db.schema.alterTable('identity_reclaims').addColumn('proposed_at', 'bigint').execute();
  /** JSON: { method, document, reference } as the proposing officer checked them. */
  await db.schema.alterTable('identity_reclaims').addColumn('proposal_evidence', 'text').execute();
  /** JSON: the approving officer's own check. */
  await db.schema.alterTable('identity_reclaims').addColumn('approval_evidence', 'text').execute();
  await db.schema.createIndex('identity_reclaims_dependent').on('identity_reclaims').column('dependent_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('identity_reclaims_dependent').execute();
  for (const column of ['approval_evidence', 'proposal_evidence', 'proposed_at', 'proposed_by', 'dependent_id']) await db.schema.alterTable('identity_reclaims').dropColumn(column).execute();
}
