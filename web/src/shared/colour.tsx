import type { JSX } from 'preact';
import type { ShownCount } from '../../../src/domain/index.js';
import { useT } from './i18n.js';
import { useShown } from './shown-count.js';

export type Colour = 'green' | 'yellow' | 'red' | 'gray';

/**
 * A colour never stands alone: each has its own shape and word, so a resident or guard who cannot
 * tell red from green still reads it (circle with tick, triangle, octagon with cross, square with ?).
 */
export function ColourIcon({ colour, size = 48 }: { colour: string; size?: number }): JSX.Element {
  const common = { width: size, height: size, viewBox: '0 0 48 48', 'aria-hidden': true, class: `icon icon-${colour}` } as const;
  switch (colour) {
    case 'green':
      return (
        <svg {...common}>
          <circle cx="24" cy="24" r="22" fill="var(--green)" />
          <path d="M13 25l7 7 15-16" stroke="#fff" stroke-width="5" fill="none" stroke-linecap="round" stroke-linejoin="round" />
        </svg>
      );
    case 'yellow':
      return (
        <svg {...common}>
          <path d="M24 3L46 43H2z" fill="var(--yellow-icon)" />
          <path d="M24 17v12" stroke="#222" stroke-width="5" stroke-linecap="round" />
          <circle cx="24" cy="36" r="3" fill="#222" />
        </svg>
      );
    case 'red':
      return (
        <svg {...common}>
          <path d="M15 2h18l13 13v18L33 46H15L2 33V15z" fill="var(--red)" />
          <path d="M16 16l16 16M32 16L16 32" stroke="#fff" stroke-width="5" stroke-linecap="round" />
        </svg>
      );
    default:
      return (
        <svg {...common}>
          <rect x="3" y="3" width="42" height="42" rx="6" fill="var(--gray)" />
          <text x="24" y="34" font-size="28" text-anchor="middle" fill="#fff" font-weight="700">?</text>
        </svg>
      );
  }
}

export function ColourBadge({ colour, size = 'normal' }: { colour: string; size?: 'normal' | 'large' }): JSX.Element {
  const t = useT();
  return (
    <span class={`badge badge-${colour} badge-${size}`} data-colour={colour}>
      <ColourIcon colour={colour} size={size === 'large' ? 56 : 24} />
      <span class="badge-text">{t(`colour.${colour}` as 'colour.green')}</span>
    </span>
  );
}

/** Colour changes a change would make, from → to with how many residents each, as the console previews them. */
export function ColourTransitions({ transitions, smallCount = 5 }: { transitions: { from: string; to: string; residents: ShownCount }[]; smallCount?: number }): JSX.Element {
  const t = useT();
  const shown = useShown(smallCount);
  return (
    <ul>
      {transitions.map((tr) => (
        <li>
          <ColourBadge colour={tr.from} /> → <ColourBadge colour={tr.to} /> {t('rules.residents', { n: shown(tr.residents) })}
        </li>
      ))}
    </ul>
  );
}
