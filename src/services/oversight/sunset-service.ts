import { fixedPurpose } from '../../domain/audit-wording.js';
import { channel } from 'node:diagnostics_channel';
import { DOCUMENT_TYPES } from '../../codes/signed-document.js';
import { signDocument } from '../../codes/token-signer.js';
import { DAY_MS } from '../../domain/clock.js';
import { DEFAULT_SMALL_COUNT, shownCell, type ShownCount } from '../../domain/small-counts.js';
import { FieldErrorCollector } from '../../domain/field-errors.js';
import { RegionKeyShreddedError } from '../../privacy/region-keys.js';
import { isRegionCode, regionName, regionPrefix } from '../../domain/regions.js';
import type { FilesCleaned, RegionReach, SunsetRow } from '../../store/oversight/sunset-store.js';
import type { AuditService } from '../audit-service.js';
import { DEFAULT_BACKUP_RETENTION_DAYS } from '../../config.js';
import { operatorOf, type ServiceContext } from '../context.js';
import { signInCodeIndexes } from '../residents/phone-records.js';
import type { KeysService } from '../keys-service.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../service-errors.js';
import type { StaffMember } from '../staff-service.js';

/**
 * The destruction report, as published: counts, times and the ids of the keys destroyed. Published to
 * anyone, so its counts are shown as the dashboard shows them (a 1 in a district's small table points at
 * a person): the exact figures are in the run's audit entry, for auditors.
 */
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
  /** Counts from 1 to this less one are shown as a range (absent in reports published before they were). */
  smallCount?: number;
  residents: ShownCount;
  deleted: Record<string, ShownCount>;
  keysDestroyed: { region: string; kid: string }[];
  /** What a backup taken before the sunset can still reveal, and until when. */
  backups: { keyBackups: string; databaseCopies: string; until: string };
  /** How the database's files were cleaned after the deletion, and what the engine's logs and backups may still hold. */
  files: FilesCleaned;
}

/**
 * Each step of a run, told on a diagnostics channel: nothing listens in production (publishing to no
 * one costs nothing); tests kill the process at a step (test/support/crash-at.ts) to show a run
 * resumes from every one of them.
 */
const steps = channel('healthcode:sunset-step');
const step = (sunsetId: string, name: string) => steps.publish({ sunsetId, step: name });

/** The signed report's own format, read by whoever checks a published report: instants as ISO 8601 in UTC. */
function reportTime(ms: number): string {
  return new Date(ms).toISOString();
}

function backupsStatement(escrow: boolean, until: string): SunsetReport['backups'] {
  return {
    keyBackups: escrow
      ? "Key backups made with `healthcode keys backup` hold each district's key sealed under the district's entry in the key escrow; the entries of this region's districts were destroyed with the keys, so no such backup, whenever taken, opens them."
      : "No key escrow is configured: this operator makes no key backups the sunset can reach. A copy of the keys directory made by other means and kept with the master key would open this region's data in a database copy taken before the sunset.",
    databaseCopies: `A database copy taken before the sunset still holds, until it is deleted (${until} under this operator's backup retention), what of the region was not sealed under its district keys: rows that name residents only by a random id (scans, check-ins, decisions, declarations, with their times and places), and whatever was keyed by the master key alone. Names, ID numbers, phones and addresses were sealed under the district keys and are not readable from it.`,
    until,
  };
}

const PURPOSE = fixedPurpose('sunset');

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
    // The step and its audit entry in one transaction: a step taken is in the log under its authority's
    // name, and a step that failed (a busy database, say) is neither taken nor logged.
    await this.ctx.database.transaction(async (trx) => {
      await this.ctx.stores.sunsets.withTransaction(trx).insert({ id, region, requestedBy: staff.id, now: this.ctx.clock.now().getTime() });
      await this.audit.appendBy(staff, 'request-sunset', PURPOSE, null, { sunsetId: id, region }, trx);
    });
    return (await this.ctx.stores.sunsets.findById(id))!;
  }

  /** The second authority's approval; who asked may not give it. */
  async approve(staff: StaffMember, id: string): Promise<SunsetRow> {
    const row = await this.ctx.stores.sunsets.findById(id);
    if (!row) throw new NotFoundError('sunset');
    if (row.requested_by === staff.id) throw new ForbiddenError('a sunset needs a second authority: who asked for it may not approve it', { reason: 'second-authority' });
    await this.ctx.database.transaction(async (trx) => {
      if (!(await this.ctx.stores.sunsets.withTransaction(trx).approve(id, staff.id, this.ctx.clock.now().getTime()))) throw new ConflictError(`this sunset is ${row.status}, not waiting for approval`);
      await this.audit.appendBy(staff, 'approve-sunset', PURPOSE, null, { sunsetId: id, region: row.region, requestedBy: row.requested_by }, trx);
    });
    this.ctx.endedRegions.forget();
    return (await this.ctx.stores.sunsets.findById(id))!;
  }

  /**
   * Runs an approved sunset, or resumes one a crash cut short, from the step its row records:
   * approved → erased (the data deleted and overwritten, committed) → keys-destroyed (the district
   * keys and their escrow entries, only once the erasure is committed) → done (the signed report).
   * Each step is idempotent, so a run killed at any point is finished by the next. Returns the report.
   */
  async run(id: string): Promise<SunsetReport> {
    let row = await this.ctx.stores.sunsets.findById(id);
    if (!row) throw new NotFoundError('sunset');
    if (row.status === 'requested' || row.status === 'done') throw new ConflictError(`this sunset is ${row.status}: it runs once, after a second authority approved it`);
    if (row.status === 'approved') row = await this.erase(row);
    if (row.status === 'erased') row = await this.destroyKeys(row);
    if (row.status === 'keys-destroyed') row = await this.publish(row);
    if (row.status !== 'done') throw new Error(`sunset ${id} is in an unknown state '${row.status}'`);
    return JSON.parse(row.report!) as SunsetReport;
  }

  /** Step 1: the region's data deleted and overwritten, and the keys to destroy named, in one transaction. */
  private async erase(row: SunsetRow): Promise<SunsetRow> {
    // Read before the transaction: opening claims sealed under the master key needs no lock. No claim
    // in the region can arrive in between: a claim follows an insert refused as a duplicate, and since
    // the approval the insert refuses the region first (ResidentsStore.insert).
    const prefix = regionPrefix(row.region);
    const reclaimIds = await this.ctx.stores.reclaims.idsOfClaimsIn(prefix);
    await this.ctx.stores.sunsets.destroy(row.id, prefix, await this.reach(prefix, reclaimIds), () => {
      // The keys are named here and destroyed only after this commits: a crash before leaves them and
      // the data together, one after leaves nothing their loss could strand.
      const keys = JSON.stringify(this.ctx.regionKeys.list(prefix));
      step(row.id, 'erase-before-commit');
      return { keys, at: this.ctx.clock.now().getTime() };
    });
    step(row.id, 'erased');
    return this.reread(row.id);
  }

  /** Step 2: the district keys and their escrow entries destroyed; any made since step 1 named first. */
  private async destroyKeys(row: SunsetRow): Promise<SunsetRow> {
    const prefix = regionPrefix(row.region);
    // The files first, so that a run resumed after a crash cleans them too (cleaning again is harmless).
    await this.ctx.stores.sunsets.cleanFiles().catch((error: unknown) => {
      throw new Error(`the sunset's deletion committed, but cleaning the database files failed (${error instanceof Error ? error.message : String(error)}): run \`healthcode sunset --region ${row.region}\` again, or ${this.ctx.stores.sunsets.filesCleaned().compacted} by hand`, { cause: error });
    });
    step(row.id, 'files-cleaned');
    const escrow = this.ctx.keyEscrow;
    let escrowed: string[] = [];
    try {
      escrowed = escrow ? escrow.regions().filter((r) => r.startsWith(prefix)) : [];
    } catch (error) {
      // Nothing destroyed yet: the run stops here and the next one, with the escrow mounted, finishes it.
      throw new Error(`the key escrow (HEALTHCODE_KEY_ESCROW) cannot be read: ${(error as Error).message}; the region's data is erased and its keys are kept until the escrow is reachable: mount it and run \`healthcode sunset --region ${row.region}\` again`, { cause: error });
    }
    const named = JSON.parse(row.keys ?? '[]') as SunsetReport['keysDestroyed'];
    const added = this.ctx.regionKeys.list(prefix).filter((k) => !named.some((n) => n.region === k.region && n.kid === k.kid));
    if (added.length > 0) await this.ctx.stores.sunsets.recordKeys(row.id, JSON.stringify([...named, ...added]));
    for (const region of new Set([...named, ...added].map((k) => k.region).concat(escrowed))) {
      // The escrow entry first: a crash between the two leaves a live key the resumed run destroys,
      // never a backup that `keys restore` could still open while the key itself is gone.
      escrow?.destroy(region);
      this.ctx.regionKeys.destroyOne(region);
      step(row.id, 'key-destroyed');
    }
    await this.ctx.stores.sunsets.keysDestroyed(row.id, this.ctx.clock.now().getTime());
    step(row.id, 'keys-destroyed');
    return this.reread(row.id);
  }

  /** Step 3: the report, signed with the operator key, published; the audit log says so. */
  private async publish(row: SunsetRow): Promise<SunsetRow> {
    const key = await this.keys.operatorKey();
    const finishedAt = this.ctx.clock.now().getTime();
    const { residents = 0, ...deleted } = JSON.parse(row.deleted ?? '{}') as Record<string, number>;
    const k = this.ctx.settings.smallCount ?? DEFAULT_SMALL_COUNT;
    const keysDestroyed = JSON.parse(row.keys ?? '[]') as SunsetReport['keysDestroyed'];
    const report: SunsetReport = {
      id: row.id,
      operator: operatorOf(this.ctx).id,
      region: row.region,
      regionName: regionName(row.region) ?? row.region,
      requestedBy: row.requested_by,
      requestedAt: reportTime(row.requested_at),
      approvedBy: row.approved_by!,
      approvedAt: reportTime(row.approved_at!),
      finishedAt: reportTime(finishedAt),
      smallCount: k,
      // Each count is its own table's, of no group summed here: each shown by itself, as a dashboard cell.
      residents: shownCell(residents, k),
      deleted: Object.fromEntries(Object.entries(deleted).map(([table, n]) => [table, shownCell(n, k)])),
      keysDestroyed,
      backups: backupsStatement(this.ctx.keyEscrow !== undefined, reportTime(finishedAt + (this.ctx.settings.backupRetentionDays ?? DEFAULT_BACKUP_RETENTION_DAYS) * DAY_MS)),
      files: this.ctx.stores.sunsets.filesCleaned(),
    };
    const signed = Buffer.from(signDocument(key, DOCUMENT_TYPES.sunsetReport, report)).toString('base64');
    if (await this.ctx.stores.sunsets.publish(row.id, JSON.stringify(report), signed, finishedAt)) {
      await this.audit.append('system', 'sunset', PURPOSE, null, { sunsetId: row.id, region: row.region, residents, deleted, keysDestroyed: report.keysDestroyed.length });
      this.ctx.logger.warn({ sunsetId: row.id, region: row.region, residents }, 'sunset: personal data of the region destroyed');
    }
    step(row.id, 'done');
    return this.reread(row.id);
  }

  private async reread(id: string): Promise<SunsetRow> {
    return (await this.ctx.stores.sunsets.findById(id))!;
  }

  /** Sunsets approved whose run has not finished (a crash cut it short): `healthcode sunset` resumes them. */
  async unfinished(): Promise<SunsetRow[]> {
    return (await this.ctx.stores.sunsets.open()).filter((s) => s.status !== 'requested');
  }

  /**
   * The phones of the region's residents and claimants, opened while their keys exist, as the
   * sign-in codes index them (under every district key, and as a phone no account uses).
   */
  private async reach(prefix: string, reclaimIds: string[]): Promise<RegionReach> {
    const { residents, reclaims } = this.ctx.stores;
    const phones = new Set(await residents.phonesIn(prefix));
    for (const claimId of reclaimIds) {
      // A claim sealed under a key a run cut short already destroyed names a phone nobody can read.
      const phone = await reclaims.findById(claimId).then(
        (claim) => claim?.registration.phone,
        (error: unknown) => {
          if (error instanceof RegionKeyShreddedError) return undefined;
          throw error;
        },
      );
      if (phone) phones.add(phone);
    }
    return { reclaimIds, signInIndexes: [...phones].flatMap((p) => signInCodeIndexes(this.ctx, p)) };
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
