/** The current language as a Preact context, and translators bound to it. */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { common, DEFAULT_LANG, type Lang, type Params } from './index.js';

export const LangContext = createContext<Lang>(DEFAULT_LANG);

export function useLang(): Lang {
  return useContext(LangContext);
}

export type T = (key: string, params?: Params) => string;

/** Bind a namespace's translator (from defineMessages) to the current language; the shell's messages by default. */
export function useT(translator: (lang: Lang, key: string, params?: Params) => string = common): T {
  const lang = useLang();
  return (key, params) => translator(lang, key, params);
}
