import { checkDeclaration, type DeclarationInput } from '../../domain/declaration.js';
import { regionName } from '../../domain/regions.js';
import type { StoredDeclaration } from '../../store/residents/declarations-store.js';
import type { DecisionsService } from '../decisions/decisions-service.js';
import type { ServiceContext } from '../context.js';

/** A declaration as the API returns it: instants as ISO 8601, regions with their names. */
export function declarationView(d: StoredDeclaration) {
  return {
    id: d.id,
    declaredAt: new Date(d.declaredAt).toISOString(),
    stays: d.stays.map((s) => ({
      ...('region' in s ? { region: s.region, regionName: regionName(s.region) ?? s.region } : { country: s.country }),
      arrival: new Date(s.arrival).toISOString(),
      departure: s.departure === null ? null : new Date(s.departure).toISOString(),
    })),
    contacts: d.contacts,
    symptoms: d.symptoms,
    temperature: d.temperature,
  };
}

export type DeclarationView = ReturnType<typeof declarationView>;

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
    await this.decisions.redecide([residentId], 'declaration');
    return declarationView(stored);
  }

  async history(residentId: string, limit: number): Promise<DeclarationView[]> {
    const list = await this.ctx.stores.declarations.listForResident(residentId, limit);
    return list.map(declarationView);
  }
}
