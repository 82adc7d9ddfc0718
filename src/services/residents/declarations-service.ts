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
    await this.ctx.database.transaction((trx) => this.ctx.stores.declarations.withTransaction(trx).insert(stored, this.ctx.newId));
    // Another write to the resident's facts while this decides (a second declaration, a correction)
    // makes its save give way and decide again from fresh facts (DecisionsStore.save).
    await this.decisions.redecide([residentId], 'declaration');
    return declarationView(stored);
  }

  async history(residentId: string, limit: number): Promise<DeclarationView[]> {
    const list = await this.ctx.stores.declarations.listForResident(residentId, limit);
    return list.map(declarationView);
  }
}
