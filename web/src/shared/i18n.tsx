import { createContext, type ComponentChildren, type JSX } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import { MESSAGES, type MessageKey } from './messages.js';

export type Lang = 'zh-CN' | 'en';
export const LANGS: Lang[] = ['zh-CN', 'en'];
export type { MessageKey };
export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

const STORAGE_KEY = 'healthcode.lang';

function initialLang(): Lang {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved === 'zh-CN' || saved === 'en') return saved;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

const LangContext = createContext<{ lang: Lang; setLang: (lang: Lang) => void }>({ lang: 'zh-CN', setLang: () => undefined });

/** A message; a key made at run time that has no message (a new action name, say) shows as itself. */
export function translate(lang: Lang, key: MessageKey, params: Record<string, string | number> = {}): string {
  const text: string | undefined = MESSAGES[lang][key];
  return (text ?? key).replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

/** Whether a key made at run time (a problem type, say) has a message. */
export function hasMessage(key: string): key is MessageKey {
  return Object.hasOwn(MESSAGES.en, key);
}

export function I18n({ children }: { children: ComponentChildren }): JSX.Element {
  const [lang, setLangState] = useState<Lang>(initialLang);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const setLang = (next: Lang) => {
    localStorage.setItem(STORAGE_KEY, next);
    setLangState(next);
  };
  return <LangContext.Provider value={{ lang, setLang }}>{children}</LangContext.Provider>;
}

export function useLang(): Lang {
  return useContext(LangContext).lang;
}

export function useT(): Translate {
  const { lang } = useContext(LangContext);
  return (key, params) => translate(lang, key, params);
}

/** The language switch: each language named in itself. */
export function LangSwitch(): JSX.Element {
  const { lang, setLang } = useContext(LangContext);
  return (
    <div class="lang-switch" role="group" aria-label="Language / 语言">
      {LANGS.map((l) => (
        <button type="button" class={l === lang ? 'active' : ''} aria-pressed={l === lang} onClick={() => setLang(l)} data-lang={l}>
          {l === 'zh-CN' ? '中文' : 'EN'}
        </button>
      ))}
    </div>
  );
}
