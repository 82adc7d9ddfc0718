import { createHash } from 'node:crypto';
import { DAY_MS } from '../../domain/clock.js';
import { checkAuthorityRow, type AuthorityRecord, type ImportKind, type PersonMatch } from '../../domain/decisions/authority-records.js';
import { DistrictTallies } from '../../domain/decisions/district-tallies.js';
import { FACT_HORIZON_DAYS } from '../../domain/facts.js';
import { InvalidInputError } from '../../domain/field-errors.js';
import { checkIdentity } from '../../domain/identity/identity-document.js';
import { checkMobileNumber } from '../../domain/phone.js';
import { regionName } from '../../domain/regions.js';
import { fixedPurpose } from '../../domain/audit-wording.js';
import type { AuditService } from '../audit-service.js';
import type { ServiceContext } from '../context.js';
import { answersFor, type StaffMember } from '../staff-service.js';
import type { CountedChanges, DecisionsService } from './decisions-service.js';
import type { RedecisionChunk, Redecided } from './batch-redecision.js';
import type { ParsedRow } from './import-parsing.js';
import type { QueuedRedecision } from '../../store/decisions/redecision-queue-store.js';

export interface ImportReport {
  kind: ImportKind;
  rows: number;
  accepted: number;
  /** Rows already imported before: re-importing a file changes nothing. */
  unchanged: number;
  invalid: { line: number; field: string; message: string }[];
  unmatched: { line: number }[];
  redecided: number;
  colourChanges: number;
  /** Phones texted about those changes (the residents' own, or their relatives'). */
  notified: number;
}

/**
 * Who imports: an officer, who reaches only residents of the regions they answer for, or the
 * operator's command line (`healthcode import`), which answers for every region this operator serves.
 */
export type Importer = { staff: StaffMember } | { operator: string };

export interface RiskArea {
  id: string;
  region: string | null;
  regionName: string | null;
  country: string | null;
  level: string;
  from: number;
  to: number | null;
}

/** Queue entries decided per chunk, each chunk committed with their removal from the queue. */
const QUEUE_CHUNK = 1000;

const digest = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('base64url');

/** Authority data: risk areas and per-person records, imported idempotently; affected residents are re-decided at once. */
export class AuthorityService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly decisions: DecisionsService,
    private readonly audit: AuditService,
  ) {}

  private get queue() {
    return this.ctx.stores.redecisions;
  }

  async riskAreas(): Promise<RiskArea[]> {
    const rows = await this.ctx.stores.authorityRecords.riskAreas();
    return rows.map((r) => ({
      id: r.id,
      region: r.region_code,
      regionName: r.region_code ? (regionName(r.region_code) ?? null) : null,
      country: r.country_code,
      level: r.level,
      from: r.valid_from,
      to: r.valid_to,
    }));
  }

  /** Lists or updates one risk area (ending it by setting `to`), then re-decides the residents who were there: exact counts, for ImpactPreviewsService to show. */
  async setRiskArea(row: Record<string, unknown>): Promise<Redecided & { area: RiskArea }> {
    const record = checkAuthorityRow('risk-areas', row, this.ctx.clock.now().getTime());
    const cause = `risk area ${record.kind === 'risk-area' ? (record.region ?? record.country) : ''} ${record.kind === 'risk-area' ? record.level : ''}`.trim();
    const { id, affected } = await this.storeRecord(record, null, cause);
    const redecided = await this.redecideQueued(affected);
    const area = (await this.riskAreas()).find((a) => a.id === id)!;
    return { area, ...redecided };
  }

  /**
   * What listing `row` would do, before it is saved: the residents `counted` accepts (by home
   * region) who stayed there and would be decided again, per district, and their changes of
   * colour. Nothing is stored; the counts are exact, for ImpactPreviewsService to show.
   */
  async previewRiskArea(row: Record<string, unknown>, counted: (region: string) => boolean): Promise<CountedChanges & { area: { region: string | null; country: string | null; level: string; from: number; to: number | null } }> {
    const now = this.ctx.clock.now().getTime();
    const record = checkAuthorityRow('risk-areas', row, now);
    if (record.kind !== 'risk-area') throw new Error('a risk-area row checks as a risk area');
    const affected = await this.ctx.stores.facts.residentsWithStaysIn(record, Math.min(record.from, now - FACT_HORIZON_DAYS * DAY_MS));
    const listed = await this.ctx.stores.authorityRecords.riskAreaMeeting(record);
    const areas = (await this.ctx.stores.facts.riskAreas(now)).filter((a) => !(listed && a.from === listed.valid_from && a.to === listed.valid_to && a.level === listed.level && a.region === listed.region_code && a.country === listed.country_code));
    areas.push({ region: record.region, country: record.country, level: record.level, from: record.from, to: record.to });
    const area = { region: record.region, country: record.country, level: record.level, from: record.from, to: record.to };
    return { area, ...(await this.decisions.previewWithAreas(affected, areas, counted)) };
  }

  /**
   * Imports rows; bad rows are reported by line and the good ones kept. A row naming a resident
   * `by` does not answer for is reported unmatched, exactly as a number nobody registered: the
   * import must not tell an officer who is registered elsewhere, nor write their records. With `by`
   * each import is one audit entry, and each resident whose record it wrote sees it in their
   * access log; without it (demo data, in-process callers) nothing is audited and every region is reached.
   */
  async import(kind: ImportKind, rows: AsyncIterable<ParsedRow>, by?: Importer, onProgress?: (rows: number) => void): Promise<ImportReport> {
    const report: ImportReport = { kind, rows: 0, accepted: 0, unchanged: 0, invalid: [], unmatched: [], redecided: 0, colourChanges: 0, notified: 0 };
    const staff = by && 'staff' in by ? by.staff : undefined;
    const affected = new Set<string>();
    for await (const row of rows) {
      report.rows += 1;
      onProgress?.(report.rows);
      if ('error' in row) {
        report.invalid.push({ line: row.line, field: '(row)', message: row.error });
        continue;
      }
      let record: AuthorityRecord;
      try {
        record = checkAuthorityRow(kind, row.record, this.ctx.clock.now().getTime());
      } catch (error) {
        if (!(error instanceof InvalidInputError)) throw error;
        for (const e of error.errors) report.invalid.push({ line: row.line, ...e });
        continue;
      }
      let residentId: string | null = null;
      if (record.kind !== 'risk-area') {
        const match = await this.match(record.person);
        if ('invalid' in match) {
          report.invalid.push({ line: row.line, ...match.invalid });
          continue;
        }
        // Someone outside the officer's regions is answered as nobody: the same lookup was made either way.
        if (match.resident === undefined || (staff !== undefined && !answersFor(staff, match.resident.region))) {
          report.unmatched.push({ line: row.line });
          continue;
        }
        residentId = match.resident.id;
      }
      const stored = await this.storeRecord(record, residentId, `import of ${kind}`, by && residentId !== null ? { by, line: row.line } : undefined);
      if (stored.inserted) report.accepted += 1;
      else report.unchanged += 1;
      for (const id of stored.affected) affected.add(id);
    }
    const { redecided, colourChanges, notified } = await this.redecideQueued([...affected]);
    report.redecided = redecided;
    report.colourChanges = colourChanges;
    report.notified = notified;
    if (by) await this.appendImport(by, 'import-records', null, { kind, rows: report.rows, accepted: report.accepted, unchanged: report.unchanged, unmatched: report.unmatched.length, invalid: report.invalid.length });
    return report;
  }

  private appendImport(by: Importer, action: 'import-records' | 'imported-record', residentId: string | null, detail: Record<string, unknown>, within?: Parameters<AuditService['append']>[5]) {
    if ('staff' in by) return this.audit.appendBy(by.staff, action, fixedPurpose('authority-import'), residentId, detail, within);
    return this.audit.append(by.operator, action, fixedPurpose('authority-import'), residentId, detail, within);
  }

  private async match(person: PersonMatch): Promise<{ resident: { id: string; region: string } | undefined } | { invalid: { field: string; message: string } }> {
    if ('phone' in person) {
      const phone = checkMobileNumber(person.phone);
      if (!phone.ok) return { invalid: { field: 'phone', message: phone.message } };
      return { resident: await this.ctx.stores.residentLookups.findByPhone(phone.value) };
    }
    const identity = checkIdentity(person, this.ctx.clock.now());
    if (!identity.ok) return { invalid: { field: identity.field, message: identity.message } };
    return { resident: await this.ctx.stores.residentLookups.findByIdentityKey(identity.value.key) };
  }

  /**
   * Stores a record under a digest of its content, so the same row imported twice is stored once.
   * The residents it affects are queued for re-decision in the same transaction: a crash before
   * their decision is recorded leaves them queued, never without a colour.
   */
  private async storeRecord(record: AuthorityRecord, residentId: string | null, cause: string, audited?: { by: Importer; line: number }): Promise<{ id: string; inserted: boolean; affected: string[] }> {
    const now = this.ctx.clock.now().getTime();
    const stored = await this.ctx.database.transaction(async (trx) => {
      const records = this.ctx.stores.authorityRecords.withTransaction(trx);
      const queue = this.queue.withTransaction(trx);
      if (record.kind === 'risk-area') {
        // One writer per place and level: two saves at once must not both list it.
        await this.ctx.database.lock(trx, `risk area ${record.region ?? record.country} ${record.level}`);
        // The same place at the same level listed again over a period that meets one already listed
        // is that listing changed (its start moved, its end set), not a second one.
        const same = await records.riskAreaMeeting(record);
        if (same && same.valid_from === record.from && same.valid_to === record.to) return { id: same.id, inserted: false, affected: [] };
        const id = same?.id ?? digest(['risk-area', record.region, record.country, record.level, record.from]);
        if (same) await records.setRiskAreaPeriod(id, record.from, record.to, now);
        else await records.insertRiskArea({ id, region_code: record.region, country_code: record.country, level: record.level, valid_from: record.from, valid_to: record.to, source: 'authority', updated_at: now });
        const since = Math.min(record.from, same?.valid_from ?? Infinity, now - FACT_HORIZON_DAYS * DAY_MS);
        const facts = this.ctx.stores.facts.withTransaction(trx);
        // A declaration committing while this selects would be missed, and decided from the areas before this one.
        await facts.holdStays(this.ctx.database.engine);
        const affected = await facts.residentsWithStaysIn(record, since);
        // A re-decision in flight of someone who stayed there read the areas before this one.
        await facts.changed(affected);
        await queue.enqueue(affected, cause, now);
        return { id, inserted: true, affected };
      }
      const id = digest([record, residentId]);
      const table = record.kind === 'travel' ? 'travel_records' : 'authority_facts';
      // The same file imported twice at once: the second waits for the first row, then finds it there.
      await this.ctx.database.lock(trx, `${table} ${id}`);
      if (await records.hasRecord(table, id)) return { id, inserted: false, affected: [] };
      if (record.kind === 'travel') {
        await records.insertTravel({ id, resident_id: residentId!, region_code: record.region, country_code: record.country, arrival: record.arrival, departure: record.departure, source: record.source, carrier_ref: record.carrierRef, recorded_at: now });
      } else {
        const value = record.kind === 'case' ? record.status : record.kind === 'contact' ? record.contact : record.kind === 'test' ? record.result : String(record.dose);
        const detail = record.kind === 'vaccination' ? { dose: record.dose, courseDoses: record.courseDoses, product: record.product } : {};
        await records.insertFact({ id, resident_id: residentId!, kind: record.kind, value, detail: JSON.stringify(detail), occurred_at: record.at, source: 'authority', recorded_at: now });
      }
      await queue.enqueue([residentId!], cause, now);
      // In the record's own transaction: no record written without its line in the resident's access log.
      if (audited) await this.appendImport(audited.by, 'imported-record', residentId, { kind: record.kind, line: audited.line }, trx);
      return { id, inserted: true, affected: [residentId!] };
    }, (result) => ({ kind: 'decisions', residentIds: result.affected }));
    return stored;
  }

  /**
   * Decides the queued residents among `ids` (all queued ones when absent, oldest first, up to
   * `limit`), each under the cause it was queued with, and takes them off the queue in the
   * transaction that records their decisions: one commit per chunk of a thousand.
   */
  async redecideQueued(ids?: string[], limit = 100_000): Promise<Redecided> {
    const total: Redecided = { redecided: 0, colourChanges: 0, notified: 0, districts: new DistrictTallies() };
    for (;;) {
      // The oldest entries are taken all at once, before any is decided: chunks read ahead while
      // earlier ones are saved (BatchRedecision), and would otherwise take the same entries twice.
      const oldest = ids === undefined ? await this.queue.take(limit - total.redecided) : undefined;
      if (oldest?.length === 0) break;
      const result = await this.decisions.redecideChunks(this.queuedChunks(ids, oldest, limit));
      total.redecided += result.redecided;
      total.colourChanges += result.colourChanges;
      total.notified += result.notified;
      total.districts.add(result.districts);
      if (ids !== undefined || total.redecided >= limit) break;
    }
    return total;
  }

  /** Queue entries in chunks of a thousand, one chunk per cause: those of `ids` (up to about `limit`) taken as the chunks are read, or `taken`. */
  private async *queuedChunks(ids: string[] | undefined, taken: QueuedRedecision[] | undefined, limit: number): AsyncIterable<RedecisionChunk> {
    const count = ids?.length ?? taken!.length;
    let yielded = 0;
    for (let i = 0; i < count && yielded < limit; i += QUEUE_CHUNK) {
      const entries = ids === undefined ? taken!.slice(i, i + QUEUE_CHUNK) : await this.queue.take(QUEUE_CHUNK, ids.slice(i, i + QUEUE_CHUNK));
      const byCause = new Map<string, QueuedRedecision[]>();
      for (const e of entries) {
        const group = byCause.get(e.cause);
        if (group) group.push(e);
        else byCause.set(e.cause, [e]);
      }
      yielded += entries.length;
      for (const [cause, group] of byCause) yield { ids: group.map((e) => e.residentId), cause, alongside: (trx) => this.queue.withTransaction(trx).remove(group) };
    }
  }
}
