import { createContext, type ComponentChildren, type JSX } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import { chooseLang, isLang, LANGUAGES, MESSAGES, type Lang, type MessageKey } from './messages.js';

export type { Lang, MessageKey };
export const LANGS: Lang[] = LANGUAGES.map((l) => l.code);
export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

const STORAGE_KEY = 'healthcode.lang';

function initialLang(): Lang {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (isLang(saved)) return saved;
  return chooseLang(navigator.languages.length > 0 ? navigator.languages : [navigator.language]);
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
    <div class="lang-switch" role="group" aria-label="Language / 语言 / 語言">
      {LANGUAGES.map((l) => (
        <button type="button" class={l.code === lang ? 'active' : ''} aria-pressed={l.code === lang} onClick={() => setLang(l.code)} data-lang={l.code} lang={l.code}>
          {l.name}
        </button>
      ))}
    </div>
  );
}
