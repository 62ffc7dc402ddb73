/**
 * Messages of the console: Chinese first (zh-CN, the default and the fallback), English second. Each screen owns
 * one file per language (i18n/zh-CN/<screen>.ts, i18n/en/<screen>.ts) and registers them itself with
 * {@link defineMessages}, so adding a screen never edits a shared file. Keys are `<namespace>.<key>`; `{name}` in a
 * message is replaced by the parameter of that name.
 */
import enCommon from './en/common.js';
import zhCommon from './zh-CN/common.js';

export const LANGS = ['zh-CN', 'en'] as const;
export type Lang = (typeof LANGS)[number];
export const DEFAULT_LANG: Lang = 'zh-CN';

/** One language's messages of one namespace. */
export type Messages = Readonly<Record<string, string>>;
/** A namespace's messages: zh-CN complete, other languages may lack keys (zh-CN is shown then). */
export interface Catalog {
  'zh-CN': Messages;
  en?: Messages;
}

const catalogs = new Map<string, Catalog>();

/** Register a namespace's messages (idempotent); returns a translator bound to the namespace. */
export function defineMessages(namespace: string, catalog: Catalog): (lang: Lang, key: string, params?: Params) => string {
  catalogs.set(namespace, catalog);
  return (lang, key, params) => translate(lang, `${namespace}.${key}`, params);
}

export type Params = Readonly<Record<string, string | number>>;

function interpolate(message: string, params?: Params): string {
  if (!params) return message;
  return message.replace(/\{(\w+)\}/g, (whole, name: string) => (params[name] === undefined ? whole : String(params[name])));
}

/**
 * The message of `namespace.key` in `lang`, else in zh-CN, else the key itself (visible, so a missing message is
 * noticed, never a blank).
 */
export function translate(lang: Lang, fullKey: string, params?: Params): string {
  const dot = fullKey.indexOf('.');
  const catalog = dot > 0 ? catalogs.get(fullKey.slice(0, dot)) : undefined;
  const key = fullKey.slice(dot + 1);
  const message = catalog?.[lang]?.[key] ?? catalog?.[DEFAULT_LANG]?.[key];
  return message === undefined ? fullKey : interpolate(message, params);
}

/** A stored or browser language, or the default: only known languages are accepted. */
export function pickLang(stored: string | null | undefined): Lang {
  return (LANGS as readonly string[]).includes(stored ?? '') ? (stored as Lang) : DEFAULT_LANG;
}

export const LANG_STORAGE_KEY = 'hj212.console.lang';

/** The shell's own messages (top bar, navigation, shared components). */
export const common = defineMessages('common', { 'zh-CN': zhCommon, en: enCommon });
