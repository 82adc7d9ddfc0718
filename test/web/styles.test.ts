import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { COLOURS, contrastRatio } from '../../src/domain/colour.js';

/**
 * The palette of web/src/shared/styles.css against WCAG 2 AA, computed from the file itself: a
 * palette change that puts text below 4.5:1 on its background fails here, before any browser runs.
 * 4.5:1 for all text, whatever its size (the large-text allowance of 3:1 is not used).
 */

const CSS = readFileSync(new URL('../../web/src/shared/styles.css', import.meta.url), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
const AA = 4.5;
/** The light surfaces text in a code colour sits on: cards, the page, the soft accent (chips, notices). */
const LIGHT = ['--card', '--bg', '--accent-soft'];

interface Rule {
  selector: string;
  declarations: Map<string, string>;
}

/** Every innermost `selector { declarations }` of the file (the rules inside @media included). */
const RULES: Rule[] = [...CSS.matchAll(/([^{}]+)\{([^{}]*)\}/g)].map(([, selector, body]) => ({
  selector: selector!.trim(),
  declarations: new Map(
    body!
      .split(';')
      .map((d) => d.split(/:(.*)/s).map((part) => part.trim()))
      .filter((d): d is [string, string] => d.length >= 2 && d[0] !== '')
      .map(([property, value]) => [property, value.replace(/\s*!important$/, '')]),
  ),
}));

function rule(selector: string): Rule {
  const found = RULES.find((r) => r.selector === selector);
  assert.ok(found, `styles.css has no rule ${selector}`);
  return found;
}

const ROOT = rule(':root').declarations;

/** A value as a #rrggbb colour, following var() through `scopes` then :root; null when not an opaque hex colour. */
function resolve(value: string | undefined, ...scopes: Map<string, string>[]): string | null {
  if (value === undefined) return null;
  const variable = /^var\((--[\w-]+)\)$/.exec(value);
  if (variable) {
    const name = variable[1]!;
    const scope = [...scopes, ROOT].find((s) => s.has(name));
    return scope ? resolve(scope.get(name), ...scopes) : null;
  }
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(value);
  if (!hex) return null;
  const digits = hex[1]!.toLowerCase();
  return `#${digits.length === 3 ? [...digits].map((d) => d + d).join('') : digits}`;
}

const token = (name: string): string => {
  const colour = resolve(`var(${name})`);
  assert.ok(colour, `styles.css defines no colour ${name}`);
  return colour;
};

function assertContrast(text: string, background: string, what: string, minimum = AA): void {
  const ratio = contrastRatio(text, background);
  assert.ok(ratio >= minimum, `${what}: ${text} on ${background} is ${ratio.toFixed(2)}:1, under ${minimum}:1`);
}

describe('the colour palette (styles.css) at WCAG AA', () => {
  for (const colour of COLOURS) {
    it(`puts --on-${colour}-fill text on --${colour}-fill at 4.5:1 or more`, () => {
      assertContrast(token(`--on-${colour}-fill`), token(`--${colour}-fill`), colour);
    });

    it(`has --${colour}-text readable at 4.5:1 on every light surface`, () => {
      for (const background of LIGHT) assertContrast(token(`--${colour}-text`), token(background), `${colour} on ${background}`);
    });

    it(`fills a ${colour} code card with its fill and writes on it in its on-fill colour`, () => {
      const card = rule('.code-card').declarations;
      const own = rule(`.code-${colour}`).declarations;
      const fill = resolve(card.get('background'), own, card);
      const text = resolve(card.get('color'), own, card);
      assert.equal(fill, token(`--${colour}-fill`));
      assert.equal(text, token(`--on-${colour}-fill`));
      assertContrast(text!, fill!, `.code-${colour}`);
    });

    it(`shows the scanner's ${colour} verdict in its fill with its on-fill text`, () => {
      const verdict = rule(`.result-${colour}`).declarations;
      assert.equal(resolve(verdict.get('background')), token(`--${colour}-fill`));
      assert.equal(resolve(verdict.get('color')), token(`--on-${colour}-fill`));
    });

    it(`writes the ${colour} badge's word in a colour readable on white and on every light surface`, () => {
      const text = resolve(rule(`.badge-${colour} .badge-text`).declarations.get('color'));
      assert.ok(text, `.badge-${colour} .badge-text has no colour`);
      assertContrast(text, resolve(rule('.code-card .badge').declarations.get('background'))!, `${colour} badge on the code card`);
      for (const background of LIGHT) assertContrast(text, token(background), `${colour} badge on ${background}`);
    });
  }

  it('draws each colour as a shape at 3:1 or more on white (WCAG 1.4.11)', () => {
    for (const shape of ['--green', '--yellow-icon', '--red', '--gray']) assertContrast(token(shape), '#ffffff', shape, 3);
  });

  it('gives every rule that sets both a text colour and an opaque background 4.5:1', () => {
    let checked = 0;
    for (const { selector, declarations } of RULES) {
      const background = resolve(declarations.get('background') ?? declarations.get('background-color'), declarations);
      const text = resolve(declarations.get('color'), declarations);
      if (!background || !text) continue;
      checked++;
      assertContrast(text, background, selector);
    }
    assert.ok(checked >= 20, `only ${checked} rules were checked: the reader of styles.css lost its way`);
  });

  it('catches the green that failed: white on #1b8a3c is 4.42:1', () => {
    assert.throws(() => assertContrast('#ffffff', '#1b8a3c', 'the old verdict green'), /4\.42:1, under 4\.5:1/);
  });
});
