import { fixedPurpose } from '../../domain/audit-wording.js';
import { shownChanges, shownTexted, type ShownChanges } from '../../domain/shown-changes.js';
import { DEFAULT_SMALL_COUNT, type ShownCount } from '../../domain/small-counts.js';
import type { RuleSet } from '../../domain/rules/rule-set.js';
import { regionName } from '../../domain/regions.js';
import { auditTime, type AuditService } from '../audit-service.js';
import type { ServiceContext } from '../context.js';
import { answersFor, type StaffMember } from '../staff-service.js';
import type { AuthorityService, RiskArea } from './authority-records-service.js';
import type { CountedChanges, DecisionsService } from './decisions-service.js';
import { requireRulesJurisdiction } from './rules-service.js';

/** What a preview shows: counts of the residents of one region only, each through the small-count protection. */
export interface ImpactPreview extends ShownChanges {
  /** The region whose residents were counted: the staff member's own (CN: every region this operator serves). */
  counted: string;
  /** Its name (Simplified Chinese); null for CN. */
  countedName: string | null;
  /** Counts from 1 to this less one are shown as a range (HEALTHCODE_SMALL_COUNT). */
  smallCount: number;
  /** False when there were more residents than could be evaluated: the counts are a lower bound. */
  complete: boolean;
}

/** What saving a risk area answers: what it did, counted as its preview counts (no lower bound: everyone was decided). */
export interface SavedRiskArea extends Omit<ImpactPreview, 'residents' | 'wouldChange' | 'complete'> {
  area: RiskArea;
  /** Residents of the counted region decided again. */
  redecided: ShownCount;
  /** Of them, residents whose colour changed. */
  colourChanges: ShownCount;
  /** Phones texted about those changes, in districts counted smallCount or more. */
  notified: ShownCount;
}

/**
 * Previews of what listing a risk area or publishing a rule set would do. A preview is a count of
 * residents matching what its author chose (a place and dates, a narrow condition), so it is an
 * oracle unless held like the dashboard: only the author's own region's residents are counted,
 * every count is shown as the dashboard shows counts, and every preview is written to the audit
 * log with what it showed, so an auditor sees who counted what (docs/api.md, "Previews").
 */
export class ImpactPreviewsService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly authority: AuthorityService,
    private readonly decisions: DecisionsService,
    private readonly audit: AuditService,
  ) {}

  /** What listing `row` would do to the residents `staff` answers for. */
  async riskArea(staff: StaffMember, row: Record<string, unknown>): Promise<ImpactPreview> {
    const { area, ...changes } = await this.authority.previewRiskArea(row, (region) => answersFor(staff, region));
    const preview = this.shown(staff.region ?? 'CN', changes);
    const asked = { region: area.region, country: area.country, level: area.level, from: auditTime(area.from), to: area.to === null ? null : auditTime(area.to) };
    await this.audit.appendBy(staff, 'preview-risk-area', fixedPurpose('preview-impact'), null, { area: asked, ...shownInLog(preview) });
    return preview;
  }

  /**
   * Lists or changes a risk area and answers what it did as its preview would have: a save's exact
   * counts are the same oracle, at the cost of a listing. The exact operator-wide figures go to the
   * audit entry of the listing, for auditors.
   */
  async setRiskArea(staff: StaffMember, row: Record<string, unknown>): Promise<SavedRiskArea> {
    const { area, districts, ...exact } = await this.authority.setRiskArea(row);
    const counted = districts.counted((region) => answersFor(staff, region));
    const { residents, wouldChange, complete: _, ...shown } = this.shown(staff.region ?? 'CN', { complete: true, districts: counted });
    const saved = { area, ...shown, redecided: residents, colourChanges: wouldChange, notified: shownTexted(counted, shown.smallCount) };
    const listed = { region: area.region, country: area.country, level: area.level, from: auditTime(area.from), to: area.to === null ? null : auditTime(area.to) };
    await this.audit.appendBy(staff, 'list-risk-area', fixedPurpose('list-risk-area'), null, { area: listed, exact, shown: { counted: saved.counted, redecided: residents, colourChanges: wouldChange, notified: saved.notified, transitions: saved.transitions, undivided: saved.undivided } });
    return saved;
  }

  /** What publishing `candidate` would do to the residents it governs, all of whom `staff` answers for. */
  async rules(staff: StaffMember, candidate: RuleSet): Promise<Omit<ImpactPreview, 'residents'> & { region: string; evaluated: ShownCount }> {
    requireRulesJurisdiction(staff, candidate.region);
    const changes = await this.decisions.preview(candidate, (region) => answersFor(staff, region));
    const preview = this.shown(candidate.region, changes);
    await this.audit.appendBy(staff, 'preview-rules', fixedPurpose('preview-impact'), null, { rulesRegion: candidate.region, rules: candidate.rules, ...shownInLog(preview) });
    // Every resident governed is decided again: the residents a rules preview counts are those it evaluated.
    const { residents, ...rest } = preview;
    return { region: candidate.region, evaluated: residents, ...rest };
  }

  private shown(counted: string, changes: CountedChanges): ImpactPreview {
    const k = this.ctx.settings.smallCount ?? DEFAULT_SMALL_COUNT;
    return { counted, countedName: regionName(counted)?.replaceAll(' ', '') ?? null, smallCount: k, complete: changes.complete, ...shownChanges(changes.districts, k) };
  }
}

/** What the log keeps of an answer: the counts as shown, which is all its reader saw. */
const shownInLog = (p: ImpactPreview) => ({ counted: p.counted, residents: p.residents, wouldChange: p.wouldChange, transitions: p.transitions, undivided: p.undivided });
