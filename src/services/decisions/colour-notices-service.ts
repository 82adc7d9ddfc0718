import { MINUTE_MS } from '../../domain/clock.js';
import type { Colour } from '../../domain/colour.js';
import { colourNotice } from '../../domain/decisions/colour-notice.js';
import { maskName } from '../../domain/masking.js';
import { smsScriptOf, type SmsScript } from '../../domain/sms-script.js';
import type { FiredRule } from '../../domain/rules/decide.js';
import { withholdAuthorityDetail } from '../../domain/decisions/withheld-records.js';
import type { ColourNoticeRow } from '../../store/decisions/colour-notices-store.js';
import type { PhoneHolder } from '../../store/decisions/notice-recipients-store.js';
import type { ServiceContext } from '../context.js';
import { SMS_TEXTS } from '../sms-texts.js';

/** How long a process sending a notice holds it: past it, the sweep takes it up (the sender died). */
export const NOTICE_LEASE_MS = 5 * MINUTE_MS;
/** Notices sent per sweep; the rest wait a minute. */
export const NOTICE_BATCH = 1000;

/** Who is told of a resident's change: their own phone, or their relatives' for a member without one. */
interface Recipient {
  phone: string;
  /** The district of the account the phone belongs to: the key its message is kept under. */
  region: string;
  /** The member's masked name when the phone is a relative's. */
  member: string | null;
  /** The relative may not read the authority's records about the member (unchecked identity). */
  withheld: boolean;
  /** The script the phone's holder reads their texts in: the account's own, a relative's for a member. */
  script: SmsScript;
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
   * because a text could not go. `onTexted` hears, notice by notice, whose phones were texted.
   */
  async deliver(ids?: string[], limit = NOTICE_BATCH, onTexted?: (residentId: string, phones: number) => void): Promise<number> {
    const now = this.ctx.clock.now().getTime();
    let claimed: ColourNoticeRow[];
    try {
      claimed = await this.ctx.stores.notices.claim(now, now + NOTICE_LEASE_MS, limit, ids);
    } catch (error) {
      this.ctx.logger.error({ err: error }, 'colour notices could not be claimed; the next sweep sends them');
      return 0;
    }
    let recipients: Map<string, Recipient[]>;
    try {
      recipients = await this.recipientsOf(claimed.map((n) => n.resident_id));
    } catch (error) {
      this.ctx.logger.error({ err: error }, 'the phones for colour notices could not be read; the next sweep sends them');
      for (const notice of claimed) await this.ctx.stores.notices.release(notice.id).catch(() => undefined);
      return 0;
    }
    let texted = 0;
    for (const notice of claimed) {
      const told = recipients.get(notice.resident_id) ?? [];
      try {
        // The district is known: the sender need not look the phone up again to choose the key its message is kept under.
        for (const r of told) await this.ctx.sms.send(r.phone, this.text(notice, r), 'notice', { region: r.region });
        // Marked one by one: a crash mid-batch sends again at most the one notice being sent.
        await this.ctx.stores.notices.markSent(notice.id, this.ctx.clock.now().getTime(), told.length);
        texted += told.length;
        onTexted?.(notice.resident_id, told.length);
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
    return SMS_TEXTS.colourChanged(colourNotice(colour, shown.rules, shown.greenOn, this.ctx.settings.timeZone, r.member), this.link(), r.script);
  }

  /**
   * The phones that answer for a resident now, their own or their relatives', each with the script
   * its holder reads: whoever is told of their appeals too.
   */
  async phonesFor(residentId: string): Promise<{ phone: string; script: SmsScript }[]> {
    return ((await this.recipientsOf([residentId])).get(residentId) ?? []).map(({ phone, script }) => ({ phone, script }));
  }

  /**
   * The phone holders for each resident as the records stand now, read for all at once: nobody for
   * one deleted, or a member whose relatives have no phone.
   */
  private async recipientsOf(residentIds: string[]): Promise<Map<string, Recipient[]>> {
    const store = this.ctx.stores.noticeRecipients;
    const holders = await store.holders(residentIds);
    const members = [...holders].filter(([, h]) => h.phone === null).map(([id]) => id);
    const guardians = members.length === 0 ? new Map<string, string[]>() : await store.guardiansOf(members);
    const relatives = guardians.size === 0 ? new Map<string, PhoneHolder>() : await store.holders([...guardians.values()].flat());
    const out = new Map<string, Recipient[]>();
    for (const [id, holder] of holders) {
      if (holder.phone !== null) {
        out.set(id, [{ phone: holder.phone, region: holder.region, member: null, withheld: false, script: smsScriptOf(holder.smsScript) }]);
        continue;
      }
      const told: Recipient[] = [];
      for (const guardianId of guardians.get(id) ?? []) {
        const relative = relatives.get(guardianId);
        if (relative?.phone && !told.some((r) => r.phone === relative.phone)) told.push({ phone: relative.phone, region: relative.region, member: maskName(holder.name ?? ''), withheld: holder.identityCheckedAt === null, script: smsScriptOf(relative.smsScript) });
      }
      out.set(id, told);
    }
    return out;
  }
}
