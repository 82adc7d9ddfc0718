import { randomBytes } from 'node:crypto';
import { FieldErrorCollector } from '../domain/field-errors.js';
import { isRegionCode, regionName, servingRegion } from '../domain/regions.js';
import { servedRegionFor, type ServiceContext } from './context.js';
import { ForbiddenError, UnauthenticatedError } from './service-errors.js';

export const STAFF_ROLES = ['authority', 'tracer', 'checkpoint', 'venue', 'auditor'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export interface StaffMember {
  id: string;
  name: string;
  role: StaffRole;
  /** The district, city or province this person answers for; null: every region this operator serves. */
  region: string | null;
}

/** Whether the staff member answers for a resident of `residentRegion`. */
export function answersFor(staff: StaffMember, residentRegion: string): boolean {
  return staff.region === null || servingRegion(residentRegion, [staff.region]) !== undefined;
}

/** Refuses staff acting on a resident outside the region they answer for. */
export function requireJurisdiction(staff: StaffMember, residentRegion: string): void {
  if (staff.region !== null && !answersFor(staff, residentRegion)) {
    throw new ForbiddenError(`${staff.name} answers for ${regionName(staff.region) ?? staff.region} (${staff.region}); this resident lives in ${regionName(residentRegion) ?? residentRegion}`, { reason: 'outside-jurisdiction' });
  }
}

/** Staff credentials: bearer tokens kept only as keyed digests, each with one role. */
export class StaffService {
  constructor(private readonly ctx: ServiceContext) {}

  /** Creates a credential, for one region or (null) all this operator serves; the token is shown once and never stored. */
  async create(name: string, role: StaffRole, region: string | null = null): Promise<StaffMember & { token: string }> {
    if (region !== null) {
      const errors = new FieldErrorCollector();
      if (!/^\d{6}$/.test(region) || !isRegionCode(region)) errors.add('region', 'must be a district, city or province code (GB/T 2260)');
      errors.throwIfAny();
      servedRegionFor(this.ctx, region);
    }
    const id = this.ctx.newId();
    const token = `hcs_${randomBytes(32).toString('base64url')}`;
    await this.ctx.stores.staff.insert({ id, name, role, region, tokenDigest: this.ctx.cipher.secretDigest('staff-token', token), now: this.ctx.clock.now().getTime() });
    return { id, name, role, region, token };
  }

  async authenticate(token: string, roles: readonly StaffRole[]): Promise<StaffMember> {
    const row = await this.ctx.stores.staff.byTokenDigest(this.ctx.cipher.secretDigest('staff-token', token));
    if (!row) throw new UnauthenticatedError('the staff credential is not valid');
    if (!(roles as readonly string[]).includes(row.role)) throw new ForbiddenError(`this needs the ${roles.join(' or ')} role; the credential has ${row.role}`, { reason: 'wrong-role' });
    return { id: row.id, name: row.name, role: row.role as StaffRole, region: row.region };
  }
}
