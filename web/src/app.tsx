/**
 * The console's shell: top bar (product, user and role, language switch, sign-out), side navigation filtered by the
 * user's role (routes.ts), and the screen of the current hash route, loaded on demand.
 */
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Session } from './api.js';
import { LANGS, type Lang } from './i18n/index.js';
import { useT } from './i18n/use-t.js';
import { homeOf, matchRoute, routesFor, hrefOf, type ScreenProps } from './routes.js';
import { SessionContext } from './session.js';

const LANG_LABELS: Record<Lang, string> = { 'zh-CN': '中文', en: 'English' };

export function LangSwitch(props: { lang: Lang; onChange: (lang: Lang) => void }) {
  const t = useT();
  return (
    <label class="lang-switch">
      <span class="sr-only">{t('language')}</span>
      <select name="lang" value={props.lang} onChange={(e) => props.onChange((e.currentTarget as HTMLSelectElement).value as Lang)}>
        {LANGS.map((l) => (
          <option key={l} value={l} lang={l}>
            {LANG_LABELS[l]}
          </option>
        ))}
      </select>
    </label>
  );
}

function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const onChange = () => setHash(location.hash);
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return hash;
}

const loaded = new Map<string, ComponentType<ScreenProps>>();

export interface AppProps {
  session: Session;
  lang: Lang;
  onLang: (lang: Lang) => void;
  onSignOut: () => void;
}

export function App(props: AppProps) {
  const t = useT();
  const hash = useHash();
  const role = props.session.user.role;
  const match = matchRoute(hash);
  const [, setVersion] = useState(0);
  const [loadError, setLoadError] = useState<unknown>(null);

  useEffect(() => {
    if (hash === '' || hash === '#' || hash === '#/') location.replace(homeOf(role));
  }, [hash, role]);

  const allowed = match !== undefined && match.route.roles.includes(role);
  const Screen = match ? loaded.get(match.route.name) : undefined;
  useEffect(() => {
    if (!match || !allowed || loaded.has(match.route.name)) return;
    let live = true;
    match.route.load().then(
      (mod) => {
        loaded.set(match.route.name, mod.default);
        if (live) setVersion((v) => v + 1);
      },
      (err: unknown) => live && setLoadError(err),
    );
    return () => {
      live = false;
    };
  }, [match?.route.name, allowed]);

  useEffect(() => {
    document.title = match ? `${t(match.route.titleKey)} · ${t('appName')}` : t('appName');
  }, [match?.route.name, props.lang]);

  const current = match?.route.nav ? match.route.name : match?.route.path.startsWith('/collectors') ? 'collectors' : undefined;
  return (
    <SessionContext.Provider value={props.session}>
      <div class="shell">
        <header class="top-bar">
          <button type="button" class="skip-link" data-action="skip-to-content" onClick={() => document.getElementById('content')?.focus()}>
            {t('skipToContent')}
          </button>
          <a class="brand" href={homeOf(role)}>
            {t('appName')}
          </a>
          <a class="user" href={hrefOf('/account')} data-user={props.session.user.username} title={t('nav.account')}>
            {props.session.user.username} · <span data-role={role}>{t(`role.${role}`)}</span>
          </a>
          <a class="password-link" href={hrefOf('/account')} data-nav="account">
            {t('changePassword')}
          </a>
          <LangSwitch lang={props.lang} onChange={props.onLang} />
          <button type="button" class="secondary" data-action="sign-out" onClick={props.onSignOut}>
            {t('signOut')}
          </button>
        </header>
        <nav class="side-nav" aria-label={t('nav.main')}>
          <ul>
            {routesFor(role)
              .filter((r) => r.nav)
              .map((r) => (
                <li key={r.name}>
                  <a href={hrefOf(r.path)} data-nav={r.name} aria-current={current === r.name ? 'page' : undefined}>
                    {t(r.titleKey)}
                  </a>
                </li>
              ))}
          </ul>
        </nav>
        <main class="content" id="content" tabIndex={-1}>
          {!match ? (
            hash === '' || hash === '#' || hash === '#/' ? null : (
              <section data-screen="not-found" class="screen">
                <h1>{t('notFound')}</h1>
              </section>
            )
          ) : !allowed ? (
            <section data-screen="forbidden" class="screen">
              <h1>{t('forbidden')}</h1>
            </section>
          ) : Screen ? (
            <Screen key={hash.split('?')[0]} params={match.params} query={match.query} />
          ) : loadError ? (
            <p role="alert">{String(loadError)}</p>
          ) : (
            <p class="muted">{t('loading')}</p>
          )}
        </main>
      </div>
    </SessionContext.Provider>
  );
}
