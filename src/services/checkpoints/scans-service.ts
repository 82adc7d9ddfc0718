import { fixedPurpose } from '../../domain/audit-wording.js';
import { TokenVerifier, CLOCK_SKEW_SECONDS, type RejectionReason, type VerificationResult } from '../../codes/token-verifier.js';
import { PRESENTATION_PREFIX, verifyPresentation } from '../../codes/offline-pass.js';
import type { Colour } from '../../domain/colour.js';
import type { Decision } from '../../domain/rules/decide.js';
import { DAY_MS, HOUR_MS } from '../../domain/clock.js';
import { contactAt } from '../../domain/checkpoints/checkpoint-device-contact.js';
import { entryVerdict } from '../../domain/checkpoints/entry-policy.js';
import { HOLDER_GONE } from '../../domain/checkpoints/holder-refusals.js';
import { InvalidInputError } from '../../domain/field-errors.js';
import { checkIdentity } from '../../domain/identity/identity-document.js';
import { maskName } from '../../domain/masking.js';
import type { VenueType } from '../../domain/checkpoints/venue.js';
import { scanKey, type ScanRow } from '../../store/checkpoints/scans-store.js';
import type { AuditService } from '../audit-service.js';
import { limitsOf, type ServiceContext } from '../context.js';
import type { DecisionsService } from '../decisions/decisions-service.js';
import type { NationalListService } from '../federation/national-list-service.js';
import type { PaperCardsService } from '../residents/paper-cards-service.js';
import { spend } from '../rate-limiter.js';
import { NotFoundError } from '../service-errors.js';
import type { CardCheck, ScanInput, ScanOutcome, ServerTimedScan } from './scan-outcome.js';
import type { CheckpointDevice, VenuesService } from './venues-service.js';

/** Scans older than this are not accepted: they would be deleted by retention anyway. */
export const MAX_SCAN_AGE_DAYS = 28;
export const MAX_BATCH = 1000;

/** Every scan at a checkpoint and every place-code visit, kept exactly once; ID-number checks; retention. */
export class ScansService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly venues: VenuesService,
    private readonly trust: NationalListService,
    private readonly decisions: DecisionsService,
    private readonly audit: AuditService,
    private readonly paperCards: PaperCardsService,
  ) {}

  /**
   * Records scans from a device (one online, or a batch uploaded after being offline). Each token is
   * verified as of its scan time; a scan id already stored is reported as a duplicate, never stored twice;
   * a bad row is rejected by itself.
   */
  async recordScans(device: CheckpointDevice, scans: (ScanInput | ServerTimedScan)[], method: 'online' | 'offline'): Promise<ScanOutcome[]> {
    if (scans.length > MAX_BATCH) throw new InvalidInputError([{ field: 'scans', message: `at most ${MAX_BATCH} scans a batch` }]);
    // Every member's keys, not only ours: visitors show codes their home operator signed.
    const { trustList, origins } = await this.trust.combined();
    const verifier = new TokenVerifier(trustList, this.ctx.signatures.verify);
    // An offline code (a pass presented by its phone) reads as a code: colour, masked name, its expiry.
    const verify = async (text: string, at: number): Promise<VerificationResult & { decidedAt?: number }> => {
      if (!text.trim().startsWith(PRESENTATION_PREFIX)) return verifier.verify(text, at);
      const shown = await verifyPresentation(text, trustList, this.ctx.signatures.verify, at);
      if (!shown.valid) return { valid: false, reason: shown.reason as RejectionReason, detail: shown.detail };
      const { decidedAt, deviceKey: _phone, ...claims } = shown.claims;
      return { valid: true, kid: shown.kid, claims: { ...claims, notBefore: claims.issuedAt }, decidedAt: decidedAt * 1000 };
    };
    const policy = await this.venues.policy(device.venueType);
    const now = this.ctx.clock.now().getTime();
    // A scan claimed from before the device last reached the server would have been uploaded then:
    // it is flagged, and its code judged as of that contact, so back-dating cannot revive an expired code.
    const { contact, earliestScan } = contactAt(device.contact, now);
    await this.ctx.stores.venues.recordContact(device.id, contact);
    const bound = earliestScan - CLOCK_SKEW_SECONDS * 1000;
    // Each row is checked, and every well-formed one's token verified, all at once: the signature
    // checks of a batch go to the worker threads together.
    const checked = scans.map((scan, i) => {
      const rejected = (field: string, reason: string): ScanOutcome => ({ scanId: scan.scanId, status: 'rejected', colour: null, maskedName: null, validUntil: null, admitted: false, reason, field: `scans[${i}].${field}` });
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(scan.scanId)) return { rejected: rejected('scanId', 'must be 1 to 64 letters, digits, - or _') };
      const at = typeof scan.scannedAt === 'number' ? scan.scannedAt : Date.parse(scan.scannedAt);
      if ((typeof scan.scannedAt === 'string' && !/^\d{4}-\d{2}-\d{2}T/.test(scan.scannedAt)) || Number.isNaN(at)) return { rejected: rejected('scannedAt', 'must be an ISO 8601 date-time') };
      if (at > now + CLOCK_SKEW_SECONDS * 1000 || at < now - MAX_SCAN_AGE_DAYS * DAY_MS) return { rejected: rejected('scannedAt', `must lie between ${MAX_SCAN_AGE_DAYS} days ago and now`) };
      const timeFlag = at < bound ? ('before-last-contact' as const) : null;
      return { scan, at, timeFlag, result: verify(scan.token, timeFlag === null ? at : bound) };
    });
    const results = await Promise.all(checked.map((entry) => entry.result));
    // A code or pass outlives its holder: an account deleted, a region's sunset. Every holder of a
    // valid code of ours is looked for, in one statement a batch.
    const holders = results.flatMap((r) => (r?.valid ? [this.ctx.subjects.open(r.claims.subject)] : [])).filter((id): id is string => id !== undefined);
    const held = holders.length === 0 ? new Set<string>() : await this.ctx.stores.residents.held([...new Set(holders)]);
    // Checked online, a code or pass of ours is judged by the colour decided now, not the one signed in
    // it: a resident turned red, or an identity reclaimed, is refused at once rather than when the code
    // expires. One read each (the kept decision); visitors' codes keep their signed colour, as we hold
    // no decision for them.
    const decidedNow = new Map<string, Decision>();
    if (method === 'online') {
      const ours = [...new Set(holders.filter((id) => held.has(id)))];
      await Promise.all(ours.map(async (id) => decidedNow.set(id, (await this.decisions.current(id)).decision)));
    }
    const outcomes: ScanOutcome[] = [];
    const rows: ScanRow[] = [];
    // For each outcome, the key of its row, or null for a row rejected before storing.
    const keys: (string | null)[] = [];
    for (const [i, entry] of checked.entries()) {
      const result = results[i];
      if (entry.rejected || result === undefined) {
        outcomes.push(entry.rejected!);
        keys.push(null);
        continue;
      }
      const { scan, at, timeFlag } = entry;
      const opened = result.valid ? this.ctx.subjects.open(result.claims.subject) : undefined;
      // Ours, but its holder gone (deleted, or their region ended): refused whatever colour it carries,
      // and kept as a refusal tied to nobody, naming neither colour nor issuing region.
      if (opened !== undefined && !held.has(opened)) {
        const row = this.row({ deviceId: device.id, scanId: scan.scanId, venueId: device.venueId, residentId: null, at, colour: null, admitted: false, reason: HOLDER_GONE, method, timeFlag, issuer: null });
        rows.push(row);
        keys.push(scanKey(row));
        outcomes.push({ scanId: scan.scanId, status: 'stored', colour: null, maskedName: null, validUntil: null, admitted: false, reason: HOLDER_GONE, ...(timeFlag === null ? {} : { timeFlag }) });
        continue;
      }
      const residentId = opened;
      const current = result.valid && residentId !== undefined ? decidedNow.get(residentId) : undefined;
      const colour = current ? current.colour : result.valid ? result.claims.colour : null;
      // The server vouches for the colour as of now; offline, a pass's colour is as old as its decision.
      const decidedAt = current ? now : result.valid ? result.decidedAt : undefined;
      // A pass's colour is as old as its decision, which the venue's policy may find too old; one decided now is not.
      const reason = !result.valid || colour === null ? (result.valid ? 'malformed-claims' : result.reason) : entryVerdict(policy, colour, current ? null : (decidedAt ?? null), at);
      const admitted = reason === 'allowed';
      const row = this.row({ deviceId: device.id, scanId: scan.scanId, venueId: device.venueId, residentId: residentId ?? null, at, colour, admitted, reason, method, timeFlag, issuer: result.valid ? result.claims.issuer : null });
      const origin = result.valid ? origins.get(result.kid) : undefined;
      rows.push(row);
      keys.push(scanKey(row));
      outcomes.push({
        scanId: scan.scanId,
        status: 'stored',
        colour,
        maskedName: result.valid ? result.claims.maskedName : null,
        validUntil: result.valid ? result.claims.expiresAt * 1000 : null,
        admitted,
        reason,
        ...(timeFlag === null ? {} : { timeFlag }),
        ...(decidedAt === undefined ? {} : { decidedAt }),
        ...(origin ? { issuer: { operator: origin.operator, operatorName: origin.operatorName, region: origin.region } } : {}),
      });
    }
    // One statement for the whole batch; whatever it did not store was there already. An online
    // verification is timed by the server, so its retry has a new time: it is looked for by id.
    const stored = await this.ctx.stores.scans.insertNew(rows);
    const counted = new Set<string>();
    for (const [i, outcome] of outcomes.entries()) {
      const key = keys[i];
      if (key === undefined || key === null) continue;
      if (!stored.has(key) || counted.has(key)) outcome.status = 'duplicate';
      counted.add(key);
    }
    // Counted once each: a duplicate was counted when it was first stored.
    for (const o of outcomes) {
      if (o.status === 'duplicate') continue;
      this.ctx.meter.scanChecked(o.admitted ? 'accepted' : 'refused', o.status === 'rejected' ? 'malformed-row' : o.reason);
    }
    return outcomes;
  }

  private row(s: { deviceId: string; scanId: string; venueId: string; residentId: string | null; at: number; colour: string | null; admitted: boolean; reason: string; method: string; timeFlag?: string | null; issuer?: string | null }): ScanRow {
    return {
      id: `${s.deviceId}:${s.scanId}`,
      device_id: s.deviceId,
      scan_id: s.scanId,
      venue_id: s.venueId,
      resident_id: s.residentId,
      scanned_at: s.at,
      colour: s.colour,
      admitted: s.admitted ? 1 : 0,
      reason: s.reason,
      method: s.method,
      received_at: this.ctx.clock.now().getTime(),
      time_flag: s.timeFlag ?? null,
      issuer: s.issuer ?? null,
    };
  }

  /** Stores one scan timed by the server: an ID-number check, or a place-code visit whose retry has a new time. */
  private async store(s: Parameters<ScansService['row']>[0]): Promise<boolean> {
    return (await this.ctx.stores.scans.insertNew([this.row(s)])).size === 1;
  }

  /** A code verified online: the scan is timed by the server, and a retry is the same scan. */
  async verifyOnline(device: CheckpointDevice, input: { scanId: string; token: string }): Promise<ScanOutcome> {
    const [outcome] = await this.recordScans(device, [{ ...input, scannedAt: this.ctx.clock.now().getTime() }], 'online');
    return outcome!;
  }

  /**
   * For a person without a phone: staff type the ID number from the document in their hand and see
   * the colour only. Seeing the document counts as checking the identity. Every look-up is audited,
   * misses too, and a device, and a venue's devices together, may make only so many an hour: a gate is
   * no oracle for who is registered.
   */
  async lookUpByIdNumber(device: CheckpointDevice, input: { idType: string; idNumber: string; idCountry?: string }): Promise<{ colour: Colour; admitted: boolean }> {
    const now = this.ctx.clock.now().getTime();
    const actor = `checkpoint device ${device.id}`;
    // A typo costs none of the checks below.
    const identity = checkIdentity(input, this.ctx.clock.now());
    if (!identity.ok) throw new InvalidInputError([{ field: identity.field, message: identity.message }]);
    // A gate checks a few people without phones an hour, not a list of ID numbers. Each check is
    // counted before any work, atomically, per device and per venue: checks racing each other are
    // refused past the limit, and a venue's many devices share one bound.
    const limits = limitsOf(this.ctx);
    await spend(this.ctx.limiter, `id-lookups-device:${device.id}`, limits.idLookupsPerCheckpointDevicePerHour, HOUR_MS, `at most ${limits.idLookupsPerCheckpointDevicePerHour} ID-number checks an hour from one device`);
    await spend(this.ctx.limiter, `id-lookups-venue:${device.venueId}`, limits.idLookupsPerVenuePerHour, HOUR_MS, `at most ${limits.idLookupsPerVenuePerHour} ID-number checks an hour from the devices of one venue`);
    // And per venue operator: a credential free to register venues would otherwise multiply the bound.
    const operator = await this.ctx.stores.venues.operatorOf(device.venueId);
    if (operator) await spend(this.ctx.limiter, `id-lookups-operator:${operator}`, limits.idLookupsPerVenuePerHour, HOUR_MS, `at most ${limits.idLookupsPerVenuePerHour} ID-number checks an hour from the venues of one operator`);
    const { residents, residentLookups } = this.ctx.stores;
    const residentId = await residentLookups.findIdByIdentityKey(identity.value.key);
    // The gate by its venue's name, as the resident's access log says it.
    const venue = (await this.ctx.stores.venues.findById(device.venueId))?.name ?? null;
    if (!residentId) {
      await this.audit.append(actor, 'check-by-id-number-miss', fixedPurpose('gate-check-without-phone'), null, { venueId: device.venueId, venue, idType: identity.value.type });
      throw new NotFoundError('resident with this identity document');
    }
    await residents.markIdentityChecked(residentId, now);
    const verdict = await this.judgeWithoutPhone(device, residentId, { scanId: this.ctx.newId(), method: 'id-number', why: 'checked at a checkpoint by ID number' });
    await this.audit.append(actor, 'check-by-id-number', fixedPurpose('gate-check-without-phone'), residentId, { venueId: device.venueId, venue, colour: verdict.colour });
    return verdict;
  }

  /**
   * A paper card scanned at a gate: its reference is resolved here, and the holder judged by the
   * very path an ID-number check takes (the current decision, the venue's policy, one stored scan),
   * without anyone typing or seeing an ID number. The card carries no colour, so there is no offline
   * verdict to forge. Refusals are logged too, naming the card's resident where the card is known.
   */
  async checkPaperCard(device: CheckpointDevice, input: { scanId: string; card: string }): Promise<CardCheck> {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(input.scanId)) throw new InvalidInputError([{ field: 'scanId', message: 'must be 1 to 64 letters, digits, - or _' }]);
    const actor = `checkpoint device ${device.id}`;
    const venue = (await this.ctx.stores.venues.findById(device.venueId))?.name ?? null;
    const card = await this.paperCards.resolve(input.card);
    if (!card.ok) {
      await this.audit.append(actor, 'check-by-paper-card-refused', fixedPurpose('gate-check-without-phone'), card.residentId, { venueId: device.venueId, venue, reason: card.reason });
      this.ctx.meter.scanChecked('refused', card.reason);
      return { colour: null, admitted: false, maskedName: null, validUntil: null, reason: card.reason };
    }
    const verdict = await this.judgeWithoutPhone(device, card.residentId, { scanId: input.scanId, method: 'paper-card', why: 'checked at a checkpoint by paper card' });
    await this.audit.append(actor, 'check-by-paper-card', fixedPurpose('gate-check-without-phone'), card.residentId, { venueId: device.venueId, venue, colour: verdict.colour });
    this.ctx.meter.scanChecked(verdict.admitted ? 'accepted' : 'refused', verdict.admitted ? 'allowed' : 'colour-not-admitted');
    const names = await this.ctx.stores.residents.names([card.residentId]);
    return { ...verdict, maskedName: maskName(names.get(card.residentId) ?? ''), validUntil: card.expiresAt, reason: verdict.admitted ? 'allowed' : 'colour-not-admitted' };
  }

  /** The colour of someone checked without a phone, as decided now, against the venue's policy; stored as one scan. */
  private async judgeWithoutPhone(device: CheckpointDevice, residentId: string, how: { scanId: string; method: 'id-number' | 'paper-card'; why: string }): Promise<{ colour: Colour; admitted: boolean }> {
    const decision = await this.decisions.decide(residentId, how.why);
    const admitted = (await this.venues.policy(device.venueType)).allowed.includes(decision.colour);
    await this.store({ deviceId: device.id, scanId: how.scanId, venueId: device.venueId, residentId, at: this.ctx.clock.now().getTime(), colour: decision.colour, admitted, reason: admitted ? 'allowed' : 'colour-not-admitted', method: how.method });
    return { colour: decision.colour, admitted };
  }

  /** A resident's app scanned a venue's place code: the visit is recorded like a scan; the app shows colour, venue and time. */
  async visit(residentId: string, venueId: string, visitId: string): Promise<{ venue: string; venueType: VenueType; at: number; colour: Colour; maskedName: string; status: 'stored' | 'duplicate'; admitted: boolean }> {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(visitId)) throw new InvalidInputError([{ field: 'visitId', message: 'must be 1 to 64 letters, digits, - or _' }]);
    const venue = await this.venues.venue(venueId);
    // The colour staff at the door are shown: a decision, not a code nobody would scan.
    const decision = await this.decisions.decide(residentId, 'place-code visit');
    const now = this.ctx.clock.now().getTime();
    const admitted = (await this.venues.policy(venue.type)).allowed.includes(decision.colour);
    const stored = await this.store({ deviceId: `resident:${residentId}`, scanId: visitId, venueId, residentId, at: now, colour: decision.colour, admitted, reason: admitted ? 'allowed' : 'colour-not-admitted', method: 'place-code' });
    const names = await this.ctx.stores.residents.names([residentId]);
    return { venue: venue.name, venueType: venue.type, at: now, colour: decision.colour, maskedName: maskName(names.get(residentId) ?? ''), status: stored ? 'stored' : 'duplicate', admitted };
  }

  /**
   * Retention: deletes scans and check-ins older than `days`; returns how many. On PostgreSQL it also
   * gives the coming days their scan partitions, so the default partition stays empty.
   */
  async purge(days: number): Promise<{ scans: number; checkIns: number }> {
    const now = this.ctx.clock.now().getTime();
    const cutoff = now - days * DAY_MS;
    const scans = await this.ctx.stores.scans.deleteBefore(cutoff);
    await this.ctx.stores.scans.prepareDays(cutoff, now + 3 * DAY_MS);
    return { scans, checkIns: await this.ctx.stores.checkIns.deleteBefore(cutoff) };
  }
}
