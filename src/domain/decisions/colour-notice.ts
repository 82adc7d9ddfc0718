import type { Colour } from '../colour.js';
import { localDate } from '../local-time.js';
import type { FiredRule } from '../rules/decide.js';

/** What a colour-change text says, before it is worded: the SMS template (sms-texts) words it. */
export interface ColourNotice {
  colour: Colour;
  /** Why, in one line of Chinese (the SMS language). */
  why: string;
  /** The local date the code turns green if nothing new happens; null when it is green, or needs an action. */
  greenOn: string | null;
  /** The masked name of the household member it is about, when it goes to their relative; null for one's own code. */
  member: string | null;
}

/** An SMS is one line per thought: a rule's description, its final stop and line breaks taken out. */
const oneLine = (text: string) => text.replace(/\s*[\r\n]+\s*/g, ' ').replace(/[。.\s]+$/u, '').trim();

/**
 * The change as the phone holder is told it: the colour, the rule that set it (the first that fired
 * with that colour, active before awaiting check-ins), and the date to green. `rules` are as the
 * holder may read them (a relative reads withheld records as withheld).
 */
export function colourNotice(colour: Colour, rules: FiredRule[], greenOn: number | null, timeZone: string, member: string | null): ColourNotice {
  const setting = rules.filter((r) => r.colour === colour).sort((a, b) => (a.status === b.status ? 0 : a.status === 'active' ? -1 : 1))[0];
  const why = setting ? oneLine(setting.description['zh-CN']) : colour === 'green' ? '此前使健康码变色的情况已解除' : '请在应用中查看';
  return { colour, why, greenOn: colour === 'green' || greenOn === null ? null : localDate(new Date(greenOn), timeZone), member };
}
