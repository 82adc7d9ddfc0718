import type { Kysely } from 'kysely';
import type { FieldCipher } from '../../privacy/field-cipher.js';
import { SHREDDED } from '../oversight/sunset-store.js';
import type { Database } from '../schema.js';

/** Rows per statement: well under both engines' limits on bound values. */
const ROWS_PER_STATEMENT = 500;

/** What telling a resident of a change reads of them: their phone and district, and for one without a phone, the name their relatives are told. */
export interface PhoneHolder {
  phone: string | null;
  region: string;
  /** Opened only for a resident without a phone, whose relatives are told their masked name. */
  name: string | null;
  identityCheckedAt: number | null;
  /** The script their texts are written in, as stored (zh-CN or zh-Hant). */
  smsScript: string;
}

/**
 * Whom the colour notices of a batch go to, read for the whole batch in a few statements: opening
 * each resident whole (identity, name, phone, address) one at a time cost more than the decision.
 */
export class NoticeRecipientsStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly cipher: FieldCipher,
  ) {}

  /** The residents still held (not deleted, nor destroyed by their region's sunset), with their phone as it stands now. */
  async holders(ids: string[]): Promise<Map<string, PhoneHolder>> {
    const out = new Map<string, PhoneHolder>();
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += ROWS_PER_STATEMENT) {
      const rows = await this.db
        .selectFrom('residents')
        .select(['id', 'phone_enc', 'name_enc', 'address_region', 'identity_checked_at', 'sms_script'])
        .where('id', 'in', unique.slice(i, i + ROWS_PER_STATEMENT))
        .where('name_enc', '!=', SHREDDED)
        .execute();
      for (const r of rows) {
        const phone = r.phone_enc === null ? null : this.cipher.decrypt(r.phone_enc, `resident:${r.id}:phone`);
        out.set(r.id, { phone, region: r.address_region, name: phone === null ? this.cipher.decrypt(r.name_enc, `resident:${r.id}:name`) : null, identityCheckedAt: r.identity_checked_at, smsScript: r.sms_script });
      }
    }
    return out;
  }

  /** Each dependent's guardians, earliest first (as HouseholdsStore.guardiansOf lists them). */
  async guardiansOf(dependentIds: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    const unique = [...new Set(dependentIds)];
    for (let i = 0; i < unique.length; i += ROWS_PER_STATEMENT) {
      const rows = await this.db
        .selectFrom('guardianships')
        .select(['dependent_id', 'guardian_id'])
        .where('dependent_id', 'in', unique.slice(i, i + ROWS_PER_STATEMENT))
        .orderBy('created_at')
        .execute();
      for (const r of rows) out.set(r.dependent_id, [...(out.get(r.dependent_id) ?? []), r.guardian_id]);
    }
    return out;
  }
}
