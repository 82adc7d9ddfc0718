import type { Services } from '../../src/services/services.js';

/** The exact counts of a sunset's run, as its audit entry keeps them for auditors (the public report shows small ones as ranges). */
export async function auditedCounts(services: Pick<Services, 'audit'>, sunsetId: string): Promise<{ residents: number; deleted: Record<string, number> }> {
  const entry = (await services.audit.entries({ limit: 1000 })).find((e) => e.action === 'sunset' && e.detail.sunsetId === sunsetId);
  if (!entry) throw new Error(`no audit entry of the run of sunset ${sunsetId}`);
  return { residents: entry.detail.residents as number, deleted: entry.detail.deleted as Record<string, number> };
}
