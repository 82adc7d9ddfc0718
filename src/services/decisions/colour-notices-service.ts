import { MINUTE_MS } from '../../domain/clock.js';
import type { Colour } from '../../domain/colour.js';
import { colourNotice } from '../../domain/decisions/colour-notice.js';
import { maskName } from '../../domain/masking.js';
import type { FiredRule } from '../../domain/rules/decide.js';
import { withholdAuthorityDetail } from '../../domain/decisions/withheld-records.js';
import type { ColourNoticeRow } from '../../store/decisions/colour-notices-store.js';
import type { ServiceContext } from '../context.js';
import { SMS_TEXTS } from '../sms-texts.js';

/** How long a process sending a notice holds it: past it, the sweep takes it up (the sender died). */
export const NOTICE_LEASE_MS = 5 * MINUTE_MS;
/** Notices sent per sweep; the rest wait a minute. */
export const NOTICE_BATCH = 1000;

/** Who is told of a resident's change: their own phone, or their relatives' for a member without one. */
interface Recipient {
  phone: string;
  /** The member's masked name when the phone is a relative's. */
  member: string | null;
  /** The relative may not read the authority's records about the member (unchecked identity). */
  withheld: boolean;
}

/**
 * Tells whoever holds the phone for a resident that their colour changed, whatever changed it:
 * DecisionsStore.save queues a notice with each change it records, and this sends them, right
 * after the change and again every minute for any a crash or a failed gateway left unsent. The
 * phone is read when the notice is sent, never kept with it: an account whose phone was taken back
 * since texts the phone it has now.
 */
export class NoticesService {
  #origin: string | undefined;

  constructor(private readonly ctx: ServiceContext) {}

  /** Where residents reach the app (HEALTHCODE_PUBLIC_URL, else the address this server listens on): the link each text ends with. */
  setOrigin(origin: string): void {
    this.#origin ??= origin.replace(/\/+$/, '');
  }

  private link(): string {
    return `${(this.ctx.settings.operator?.publicUrl ?? this.#origin ?? '').replace(/\/+$/, '')}/resident/`;
  }

  /**
   * Sends the notices named (just queued), or the oldest unsent ones; how many phones were texted.
   * A failure is logged and leaves the notice for the next sweep: a colour recorded is never undone
   * because a text could not go.
   */
  async deliver(ids?: string[], limit = NOTICE_BATCH): Promise<number> {
    const now = this.ctx.clock.now().getTime();
    let claimed: ColourNoticeRow[];
    try {
      claimed = await this.ctx.stores.notices.claim(now, now + NOTICE_LEASE_MS, limit, ids);
    } catch (error) {
      this.ctx.logger.error({ err: error }, 'colour notices could not be claimed; the next sweep sends them');
      return 0;
    }
    let texted = 0;
    for (const notice of claimed) {
      try {
        const recipients = await this.recipientsOf(notice.resident_id);
        for (const r of recipients) await this.ctx.sms.send(r.phone, this.text(notice, r));
        await this.ctx.stores.notices.markSent(notice.id, this.ctx.clock.now().getTime(), recipients.length);
        texted += recipients.length;
      } catch (error) {
        this.ctx.logger.error({ err: error, noticeId: notice.id }, 'a colour notice could not be sent; the next sweep tries again');
        await this.ctx.stores.notices.release(notice.id).catch(() => undefined);
      }
    }
    return texted;
  }

  private text(notice: ColourNoticeRow, r: Recipient): string {
    const colour = notice.colour as Colour;
    const shown = r.withheld
      ? withholdAuthorityDetail({ colour, mark: null, evaluatedAt: notice.created_at, ruleSet: { region: '', version: 0 }, rules: JSON.parse(notice.fired) as FiredRule[], greenOn: notice.green_on, greenOnNote: null })
      : { rules: JSON.parse(notice.fired) as FiredRule[], greenOn: notice.green_on };
    return SMS_TEXTS.colourChanged(colourNotice(colour, shown.rules, shown.greenOn, this.ctx.settings.timeZone, r.member), this.link());
  }

  /** The phones that answer for a resident now: their own, or their relatives'. Whoever is told of their appeals too. */
  async phonesFor(residentId: string): Promise<string[]> {
    return (await this.recipientsOf(residentId)).map((r) => r.phone);
  }

  /** The phone holders for a resident as the records stand now; nobody for one deleted, or a member whose relatives have no phone. */
  private async recipientsOf(residentId: string): Promise<Recipient[]> {
    const { residents, households } = this.ctx.stores;
    const resident = await residents.findById(residentId);
    if (!resident) return [];
    if (resident.phone) return [{ phone: resident.phone, member: null, withheld: false }];
    const out: Recipient[] = [];
    for (const g of await households.guardiansOf(residentId)) {
      const phone = (await residents.findById(g.guardianId))?.phone;
      if (phone && !out.some((r) => r.phone === phone)) out.push({ phone, member: maskName(resident.name), withheld: resident.identityCheckedAt === null });
    }
    return out;
  }
}
