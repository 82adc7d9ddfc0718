import { checkDeclaration, type DeclarationInput } from '../../domain/declaration.js';
import { regionName } from '../../domain/regions.js';
import type { StoredDeclaration } from '../../store/residents/declarations-store.js';
import type { DecisionsService } from '../decisions/decisions-service.js';
import type { ServiceContext } from '../context.js';

/** A declaration as a reader sees it: instants as epoch ms, regions with their names. */
export function declarationView(d: StoredDeclaration) {
  return {
    id: d.id,
    declaredAt: d.declaredAt,
    stays: d.stays.map((s) => ({
      ...('region' in s ? { region: s.region, regionName: regionName(s.region) ?? s.region } : { country: s.country }),
      arrival: s.arrival,
      departure: s.departure,
    })),
    contacts: d.contacts,
    symptoms: d.symptoms,
    temperature: d.temperature,
  };
}

export type DeclarationView = ReturnType<typeof declarationView>;

/**
 * A declaration with its instants written as text by `write`: the API's wireTime at the routes, the
 * personal export's exportTime in the export. One shape, two documented formats.
 */
export function declarationWritten(d: DeclarationView, write: (ms: number) => string) {
  return { ...d, declaredAt: write(d.declaredAt), stays: d.stays.map((s) => ({ ...s, arrival: write(s.arrival), departure: s.departure === null ? null : write(s.departure) })) };
}

export type WrittenDeclaration = ReturnType<typeof declarationWritten>;

/** Thrown to undo a re-decision that a later declaration's re-decision supersedes. */
class Superseded extends Error {}

export class DeclarationsService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly decisions: DecisionsService,
  ) {}

  /** Validates and stores a declaration with its stays, all or nothing. */
  async declare(residentId: string, input: DeclarationInput): Promise<DeclarationView> {
    const now = this.ctx.clock.now();
    const declaration = checkDeclaration(input, now, this.ctx.settings.timeZone);
    const stored: StoredDeclaration = { ...declaration, id: this.ctx.newId(), residentId, declaredAt: now.getTime() };
    // The resident's declarations are stored one at a time (the lock), so the count after this one
    // tells which came last: only the last one's re-decision read them all.
    const upTo = await this.ctx.database.transaction(async (trx) => {
      await this.ctx.database.lock(trx, `declarations of ${residentId}`);
      const declarations = this.ctx.stores.declarations.withTransaction(trx);
      await declarations.insert(stored, this.ctx.newId);
      return declarations.countFor(residentId);
    });
    // Two declarations at once: this re-decision may read the facts before the other is stored and
    // save after the other's re-decision. Its save, holding the resident's decision row, gives way if
    // a declaration came since: that one's re-decision read both and saves after this one.
    try {
      await this.decisions.redecide([residentId], 'declaration', async (trx) => {
        if ((await this.ctx.stores.declarations.withTransaction(trx).countFor(residentId)) > upTo) throw new Superseded();
      });
    } catch (error) {
      if (!(error instanceof Superseded)) throw error;
    }
    return declarationView(stored);
  }

  async history(residentId: string, limit: number): Promise<DeclarationView[]> {
    const list = await this.ctx.stores.declarations.listForResident(residentId, limit);
    return list.map(declarationView);
  }
}
