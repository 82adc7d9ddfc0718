import { randomBytes } from 'node:crypto';
import type { ServiceContext } from './context.js';
import { ForbiddenError, UnauthenticatedError } from './service-errors.js';

export const STAFF_ROLES = ['authority', 'tracer', 'checkpoint', 'venue', 'auditor'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export interface StaffMember {
  id: string;
  name: string;
  role: StaffRole;
}

/** Staff credentials: bearer tokens kept only as keyed digests, each with one role. */
export class StaffService {
  constructor(private readonly ctx: ServiceContext) {}

  /** Creates a credential; the token is shown once and never stored. */
  async create(name: string, role: StaffRole): Promise<StaffMember & { token: string }> {
    const id = this.ctx.newId();
    const token = `hcs_${randomBytes(32).toString('base64url')}`;
    await this.ctx.stores.staff.insert({ id, name, role, tokenDigest: this.ctx.cipher.secretDigest('staff-token', token), now: this.ctx.clock.now().getTime() });
    return { id, name, role, token };
  }

  async authenticate(token: string, roles: readonly StaffRole[]): Promise<StaffMember> {
    const row = await this.ctx.stores.staff.byTokenDigest(this.ctx.cipher.secretDigest('staff-token', token));
    if (!row) throw new UnauthenticatedError('the staff credential is not valid');
    if (!(roles as readonly string[]).includes(row.role)) throw new ForbiddenError(`this needs the ${roles.join(' or ')} role; the credential has ${row.role}`);
    return { id: row.id, name: row.name, role: row.role as StaffRole };
  }
}
