import { DOCUMENT_TYPES } from '../codes/signed-document.js';
import { signDocument } from '../codes/token-signer.js';
import { FieldErrorCollector } from '../domain/field-errors.js';
import { isRegionCode, regionName, regionPrefix } from '../domain/regions.js';
import type { FilesCleaned, RegionReach, SunsetRow } from '../store/sunset-store.js';
import type { AuditService } from './audit-service.js';
import { operatorOf, type ServiceContext } from './context.js';
import type { KeysService } from './keys-service.js';
import { ConflictError, ForbiddenError, NotFoundError } from './service-errors.js';
import type { StaffMember } from './staff-service.js';

/** The destruction report, as published: counts, times and the ids of the keys destroyed. */
export interface SunsetReport {
  id: string;
  operator: string;
  region: string;
  regionName: string;
  requestedBy: string;
  requestedAt: string;
  approvedBy: string;
  approvedAt: string;
  finishedAt: string;
  residents: number;
  deleted: Record<string, number>;
  keysDestroyed: { region: string; kid: string }[];
  /** How the database's files were cleaned after the deletion, and what the engine's logs and backups may still hold. */
  files: FilesCleaned;
}

const PURPOSE = 'destroy personal data when the epidemic response ends (sunset)';

/**
 * The seeds' promise kept: "the data will be destroyed when efforts to control the epidemic end".
 * One authority asks for a region's sunset, a second approves it, and it runs: the districts' data
 * keys are destroyed (crypto-shredding: names, documents and phones sealed under them are gone even
 * from backups), the residents' scans, decisions, sessions and health records deleted, and a report
 * signed with the operator key is published at /api/v1/sunset-reports/{id}.
 */
export class SunsetService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly keys: KeysService,
    private readonly audit: AuditService,
  ) {}

  async request(staff: StaffMember, region: string): Promise<SunsetRow> {
    const errors = new FieldErrorCollector();
    if (!/^\d{6}$/.test(region) || !isRegionCode(region)) errors.add('region', 'must be a district, city or province code (GB/T 2260)');
    errors.throwIfAny();
    const prefix = regionPrefix(region);
    const clash = (await this.ctx.stores.sunsets.open()).find((s) => prefix.startsWith(regionPrefix(s.region)) || regionPrefix(s.region).startsWith(prefix));
    if (clash) throw new ConflictError(`a sunset of ${clash.region} is already waiting (${clash.id})`);
    const id = this.ctx.newId();
    await this.ctx.stores.sunsets.insert({ id, region, requestedBy: staff.id, now: this.ctx.clock.now().getTime() });
    await this.audit.appendBy(staff, 'request-sunset', PURPOSE, null, { sunsetId: id, region });
    return (await this.ctx.stores.sunsets.findById(id))!;
  }

  /** The second authority's approval; who asked may not give it. */
  async approve(staff: StaffMember, id: string): Promise<SunsetRow> {
    const row = await this.ctx.stores.sunsets.findById(id);
    if (!row) throw new NotFoundError('sunset');
    if (row.requested_by === staff.id) throw new ForbiddenError('a sunset needs a second authority: who asked for it may not approve it');
    if (!(await this.ctx.stores.sunsets.approve(id, staff.id, this.ctx.clock.now().getTime()))) throw new ConflictError(`this sunset is ${row.status}, not waiting for approval`);
    this.ctx.endedRegions.forget();
    await this.audit.appendBy(staff, 'approve-sunset', PURPOSE, null, { sunsetId: id, region: row.region, requestedBy: row.requested_by });
    return (await this.ctx.stores.sunsets.findById(id))!;
  }

  /** Runs an approved sunset; returns its report. */
  async run(id: string): Promise<SunsetReport> {
    const row = await this.ctx.stores.sunsets.findById(id);
    if (!row) throw new NotFoundError('sunset');
    if (row.status !== 'approved') throw new ConflictError(`this sunset is ${row.status}: it runs once, after a second authority approved it`);
    const key = await this.keys.operatorKey();
    const iso = (t: number) => new Date(t).toISOString();
    let report: SunsetReport | undefined;
    // Read before the transaction: opening claims sealed under the master key needs no lock. No claim
    // in the region can arrive in between: a claim follows an insert refused as a duplicate, and since
    // the approval the insert refuses the region first (ResidentsStore.insert).
    const prefix = regionPrefix(row.region);
    const reclaimIds = await this.ctx.stores.reclaims.idsOfClaimsIn(prefix);
    const counts = await this.ctx.stores.sunsets.destroy(id, prefix, await this.reach(prefix, reclaimIds), (deleted) => {
      // Inside the transaction that overwrote the ciphertexts: the keys go before it commits.
      const keysDestroyed = this.ctx.regionKeys.destroy(prefix);
      const finishedAt = this.ctx.clock.now().getTime();
      const { residents, ...rest } = deleted;
      report = {
        id,
        operator: operatorOf(this.ctx).id,
        region: row.region,
        regionName: regionName(row.region) ?? row.region,
        requestedBy: row.requested_by,
        requestedAt: iso(row.requested_at),
        approvedBy: row.approved_by!,
        approvedAt: iso(row.approved_at!),
        finishedAt: iso(finishedAt),
        residents: residents ?? 0,
        deleted: rest,
        keysDestroyed,
        files: this.ctx.stores.sunsets.filesCleaned(),
      };
      return { report: JSON.stringify(report), signed: Buffer.from(signDocument(key, DOCUMENT_TYPES.sunsetReport, report)).toString('base64'), at: finishedAt };
    });
    if (!counts || !report) throw new ConflictError('this sunset ran a moment ago');
    await this.audit.append('system', 'sunset', PURPOSE, null, { sunsetId: id, region: row.region, residents: report.residents, keysDestroyed: report.keysDestroyed.length });
    this.ctx.logger.warn({ sunsetId: id, region: row.region, residents: report.residents }, 'sunset: personal data of the region destroyed');
    return report;
  }

  /**
   * The phones of the region's residents and claimants, opened while their keys exist, as the outbox
   * and the sign-in codes index them: each store computes its own index, whatever its scheme.
   */
  private async reach(prefix: string, reclaimIds: string[]): Promise<RegionReach> {
    const { residents, reclaims, outbox } = this.ctx.stores;
    const phones = new Set(await residents.phonesIn(prefix));
    for (const claimId of reclaimIds) {
      const phone = (await reclaims.findById(claimId))?.registration.phone;
      if (phone) phones.add(phone);
    }
    return { reclaimIds, outboxIndexes: [...phones].map((p) => outbox.recipientIndex(p)), signInIndexes: [...phones].map((p) => residents.phoneIndex(p)) };
  }

  /** Sunsets asked for or approved, not yet run. */
  async pending(): Promise<SunsetRow[]> {
    return this.ctx.stores.sunsets.open();
  }

  /** Published reports, newest first, each with its signed form. */
  async reports(): Promise<{ report: SunsetReport; signed: string }[]> {
    return (await this.ctx.stores.sunsets.done()).map((r) => ({ report: JSON.parse(r.report!) as SunsetReport, signed: r.signed_report! }));
  }

  async report(id: string): Promise<{ report: SunsetReport; signed: string }> {
    const row = await this.ctx.stores.sunsets.findById(id);
    if (!row || row.status !== 'done') throw new NotFoundError('sunset report');
    return { report: JSON.parse(row.report!) as SunsetReport, signed: row.signed_report! };
  }
}
