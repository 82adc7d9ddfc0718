import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.js';
import { useLang, useT } from './i18n.js';

interface Region {
  code: string;
  name: string;
  englishName: string;
}

/**
 * Type a place name (武昌, 杭州 余杭, Yuhang, wuchang) or a code; pick from what the server's division
 * list offers, named in the language of the app (the Chinese name beside the English one, as signs show it).
 */
export function RegionPicker({ value, onChange, id }: { value: string; onChange: (code: string) => void; id?: string }): JSX.Element {
  const t = useT();
  const lang = useLang();
  const label = (r: Region) => (lang === 'en' ? `${r.englishName} · ${r.name.split(' ').at(-1)}` : r.name);
  const [query, setQuery] = useState('');
  const [options, setOptions] = useState<Region[]>([]);
  const [chosen, setChosen] = useState<Region | null>(null);

  useEffect(() => {
    if (!/^\d{6}$/.test(value) || chosen?.code === value) return;
    api<Region>('GET', `/api/v1/regions/${value}`).then(setChosen, () => setChosen(null));
  }, [value]);

  useEffect(() => {
    const q = query.trim();
    if (q === '') return setOptions([]);
    const controller = new AbortController();
    const timer = setTimeout(() => {
      api<Region[]>('GET', `/api/v1/regions?q=${encodeURIComponent(q)}&limit=8`, { signal: controller.signal }).then(setOptions, () => undefined);
    }, 200);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [query]);

  return (
    <div class="region-picker">
      {chosen && value === chosen.code ? (
        <div class="region-chosen">
          <span>{label(chosen)}</span> <code>{chosen.code}</code>
          <button type="button" class="link" onClick={() => (onChange(''), setChosen(null))}>
            {t('region.change')}
          </button>
        </div>
      ) : (
        <>
          <input id={id} type="search" value={query} placeholder={t('region.placeholder')} onInput={(e) => setQuery(e.currentTarget.value)} autocomplete="off" />
          {options.length > 0 && (
            <ul class="region-options" role="listbox">
              {options.map((o) => (
                <li key={o.code}>
                  <button type="button" role="option" onClick={() => (setChosen(o), onChange(o.code), setQuery(''), setOptions([]))}>
                    {label(o)} <code>{o.code}</code>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  );
}
