import type { Kysely } from 'kysely';

interface Tables {
  decisions: { id: string; resident_id: string; fired: string };
  resident_status: { resident_id: string; decision: string | null };
  corrections: { id: string; resident_id: string; decided_at: number | null };
}

interface Evidence {
  fact: string;
  at: string;
  detail: Record<string, unknown>;
}

/**
 * A correction's note was copied in clear into every decision it made (its evidence), where neither
 * its encryption nor a sunset reached it. Decisions now name the correction instead, and the note is
 * opened from it when shown: the copies already stored are replaced by the correction's id, found by
 * the resident and the approval time the evidence records.
 */
export async function up(untyped: Kysely<unknown>): Promise<void> {
  const db = untyped as unknown as Kysely<Tables>;
  const approved = new Map<string, string>();
  for (const c of await db.selectFrom('corrections').select(['id', 'resident_id', 'decided_at']).where('decided_at', 'is not', null).execute()) {
    approved.set(`${c.resident_id}@${new Date(Number(c.decided_at)).toISOString()}`, c.id);
  }
  const rewrite = (residentId: string, rules: { evidence?: Evidence[] }[]): boolean => {
    let changed = false;
    for (const rule of rules) {
      for (const e of rule.evidence ?? []) {
        if (e.fact !== 'correction' || !('note' in e.detail)) continue;
        const { note: _note, ...rest } = e.detail;
        e.detail = { correctionId: approved.get(`${residentId}@${e.at}`) ?? null, ...rest };
        changed = true;
      }
    }
    return changed;
  };
  for (const row of await db.selectFrom('decisions').select(['id', 'resident_id', 'fired']).where('fired', 'like', '%"correction"%').execute()) {
    const rules = JSON.parse(row.fired) as { evidence?: Evidence[] }[];
    if (rewrite(row.resident_id, rules)) await db.updateTable('decisions').set({ fired: JSON.stringify(rules) }).where('id', '=', row.id).execute();
  }
  for (const row of await db.selectFrom('resident_status').select(['resident_id', 'decision']).where('decision', 'like', '%"correction"%').execute()) {
    const decision = JSON.parse(row.decision!) as { rules: { evidence?: Evidence[] }[] };
    if (rewrite(row.resident_id, decision.rules)) await db.updateTable('resident_status').set({ decision: JSON.stringify(decision) }).where('resident_id', '=', row.resident_id).execute();
  }
}

export async function down(): Promise<void> {}
