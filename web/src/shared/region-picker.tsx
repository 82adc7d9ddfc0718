import type { JSX } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { client, ok, type Answer } from './api.js';
import { nextTabbable } from './focus.js';
import { useLang, useT, type Lang } from './i18n.js';

type Region = Answer<'/api/v1/regions/{code}'>;

/** A division's name in the app's language: the server sends it in Simplified, Traditional and English. */
function nameIn(region: Region, lang: Lang): string {
  return lang === 'en' ? region.englishName : lang === 'zh-Hant' ? region.traditionalName : region.name;
}

/**
 * Type a place name (武昌, 杭州 余杭, Yuhang, wuchang) or a code; pick from what the server's division
 * list offers, named in the language of the app (the Chinese name beside the English one, as signs show it).
 */
export function RegionPicker({ value, onChange, id }: { value: string; onChange: (code: string) => void; id?: string }): JSX.Element {
  const t = useT();
  const lang = useLang();
  const label = (r: Region) => (lang === 'en' ? `${r.englishName} · ${r.name.split(' ').at(-1)}` : nameIn(r, lang));
  const [query, setQuery] = useState('');
  const [options, setOptions] = useState<Region[]>([]);
  const [chosen, setChosen] = useState<Region | null>(null);
  // The option the arrow keys are on, announced through aria-activedescendant (the ARIA combobox pattern).
  const [active, setActive] = useState(-1);
  const listId = useId();
  const container = useRef<HTMLDivElement>(null);
  // Picked: the field it was typed in is gone. The focus goes on to the next field, as Tab would.
  const [picked, setPicked] = useState(0);
  useEffect(() => {
    if (picked > 0 && container.current) nextTabbable(container.current)?.focus();
  }, [picked]);
  // "Change": the button is gone, the field to type in is back and takes the focus.
  const field = useRef<HTMLInputElement>(null);
  const [reopened, setReopened] = useState(0);
  useEffect(() => {
    if (reopened > 0) field.current?.focus();
  }, [reopened]);
  const pick = (o: Region) => {
    setChosen(o);
    onChange(o.code);
    setQuery('');
    setOptions([]);
    setActive(-1);
    setPicked((n) => n + 1);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown' && options.length > 0) setActive((active + 1) % options.length);
    else if (e.key === 'ArrowUp' && options.length > 0) setActive(active <= 0 ? options.length - 1 : active - 1);
    else if (e.key === 'Enter' && options.length > 0) pick(options[Math.max(active, 0)]!);
    else if (e.key === 'Escape') (setOptions([]), setActive(-1));
    else return;
    e.preventDefault();
  };

  useEffect(() => {
    if (!/^\d{6}$/.test(value) || chosen?.code === value) return;
    ok(client.GET('/api/v1/regions/{code}', { params: { path: { code: value } } })).then(setChosen, () => setChosen(null));
  }, [value]);

  useEffect(() => {
    const q = query.trim();
    setActive(-1);
    if (q === '') return setOptions([]);
    const controller = new AbortController();
    const timer = setTimeout(() => {
      ok(client.GET('/api/v1/regions', { params: { query: { q, limit: 8 } }, signal: controller.signal })).then(setOptions, () => undefined);
    }, 200);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [query]);

  return (
    <div class="region-picker" ref={container}>
      {chosen && value === chosen.code ? (
        <div class="region-chosen" role="status">
          <span>{label(chosen)}</span> <code>{chosen.code}</code>
          <button type="button" class="link" onClick={() => (onChange(''), setChosen(null), setReopened((n) => n + 1))}>
            {t('region.change')}
          </button>
        </div>
      ) : (
        <>
          <input
            ref={field}
            id={id}
            type="text"
            role="combobox"
            aria-expanded={options.length > 0}
            aria-controls={listId}
            aria-autocomplete="list"
            aria-activedescendant={active >= 0 ? `${listId}-${active}` : undefined}
            value={query}
            placeholder={t('region.placeholder')}
            onInput={(e) => setQuery(e.currentTarget.value)}
            onKeyDown={onKeyDown}
            autocomplete="off"
          />
          <ul class="region-options" role="listbox" id={listId} hidden={options.length === 0}>
            {options.map((o, i) => (
              <li key={o.code} role="presentation">
                <button type="button" role="option" id={`${listId}-${i}`} aria-selected={i === active} class={i === active ? 'active' : ''} tabIndex={-1} onClick={() => pick(o)}>
                  {label(o)} <code>{o.code}</code>
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

/** Divisions already fetched, by code: a page lists the same districts many times. */
const regions = new Map<string, Promise<Region | null>>();

function regionOf(code: string): Promise<Region | null> {
  let region = regions.get(code);
  if (!region) {
    region = ok(client.GET('/api/v1/regions/{code}', { params: { path: { code } } })).catch(() => null);
    regions.set(code, region);
  }
  return region;
}

/** The division's name in `lang`, once fetched. */
function placeNameOf(code: string, lang: Lang): Promise<string | null> {
  return regionOf(code).then((r) => (r ? nameIn(r, lang) : null));
}

/**
 * A division's name as text, for a sentence that names it: the country's word for CN, else the
 * division's name (English in the English UI), the code itself only until the name is loaded or
 * when there is none.
 */
export function useRegionName(code: string): string {
  const t = useT();
  const lang = useLang();
  const region = useRegion(code);
  if (code === 'CN') return t('region.country');
  return (region && nameIn(region, lang)) ?? code;
}

function useRegion(code: string): Region | null {
  const [region, setRegion] = useState<Region | null>(null);
  useEffect(() => {
    setRegion(null);
    if (!/^\d{6}$/.test(code)) return;
    let live = true;
    void regionOf(code).then((r) => live && setRegion(r));
    return () => {
      live = false;
    };
  }, [code]);
  return region;
}

/** A division named by code alone, in the app's language; CN is the country. */
export function RegionLabel({ code }: { code: string }): JSX.Element {
  const t = useT();
  const lang = useLang();
  const region = useRegion(code);
  if (code === 'CN') return <span>{t('rules.national')}</span>;
  return <span lang={region ? lang : 'zh-CN'}>{(region && nameIn(region, lang)) ?? code}</span>;
}

/** Names of `codes` as they arrive, in English or Traditional Chinese (an empty map in Simplified, which evidence already names them in). */
export function usePlaceNames(codes: (string | null | undefined)[]): Map<string, string> {
  const lang = useLang();
  const [names, setNames] = useState(new Map<string, string>());
  const wanted = [...new Set(codes.filter((c): c is string => !!c && /^\d{6}$/.test(c)))].sort();
  useEffect(() => {
    if (lang === 'zh-CN' || wanted.length === 0) return setNames(new Map());
    let live = true;
    void Promise.all(wanted.map(async (c) => [c, await placeNameOf(c, lang)] as const)).then((pairs) => {
      if (live) setNames(new Map(pairs.filter((p): p is readonly [string, string] => p[1] !== null)));
    });
    return () => {
      live = false;
    };
  }, [lang, wanted.join(',')]);
  return names;
}

/** The place's own part of a full name (余杭区 of 浙江省 杭州市 余杭区, Yuhang District of "Yuhang District, Hangzhou, Zhejiang"), for a list that already names the places above it. */
export const ownPart = (name: string): string => (/[\u4e00-\u9fff]/.test(name) ? name.split(' ').at(-1)! : name.split(', ')[0]!);

/** A division's name in the app's language: the Simplified name it came with, or its English or Traditional name once known; `short`, its own part alone. */
export function PlaceName({ code, name, short = false }: { code: string | null | undefined; name: string | null | undefined; short?: boolean }): JSX.Element {
  const lang = useLang();
  const [known, setKnown] = useState<string | null>(null);
  useEffect(() => {
    setKnown(null);
    if (lang === 'zh-CN' || !code || !/^\d{6}$/.test(code)) return;
    let live = true;
    void placeNameOf(code, lang).then((n) => live && setKnown(n));
    return () => {
      live = false;
    };
  }, [code, lang]);
  const full = known ?? name ?? code ?? '';
  return <span lang={known ? lang : 'zh-CN'}>{short ? ownPart(full) : full}</span>;
}
