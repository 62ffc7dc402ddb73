/**
 * Boot: pick the language (stored choice, else zh-CN), ask GET /auth/me whether a session exists, then show the
 * sign-in screen or the shell. Any API answer 401 later (the session ended) returns to the sign-in screen.
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type Session } from './api.js';
import { App, LangSwitch } from './app.js';
import { LANG_STORAGE_KEY, pickLang, type Lang } from './i18n/index.js';
import { LangContext } from './i18n/use-t.js';
import { SignIn } from './screens/sign-in.js';
import './styles.css';

function readLang(): Lang {
  try {
    return pickLang(localStorage.getItem(LANG_STORAGE_KEY));
  } catch {
    return pickLang(null);
  }
}

function Root() {
  const [lang, setLang] = useState<Lang>(readLang);
  const [session, setSession] = useState<Session | null | undefined>(undefined);

  const changeLang = (next: Lang) => {
    setLang(next);
    try {
      localStorage.setItem(LANG_STORAGE_KEY, next);
    } catch {
      // Storage disabled: the choice lasts for this page only.
    }
  };

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  const adopt = (s: Session | null) => {
    api.setCsrfToken(s?.csrfToken);
    setSession(s);
  };

  useEffect(() => {
    api.onUnauthenticated(() => adopt(null));
    api.get<Session>('/auth/me').then(adopt, (err: unknown) => {
      adopt(null);
      if (!(err instanceof ApiError) || err.status !== 401) console.error(err);
    });
  }, []);

  const signOut = async () => {
    try {
      await api.post('/auth/logout');
    } catch {
      // Already signed out or the server is gone: either way the session is over here.
    }
    // The next user lands on their own home screen, not on the screen the last one left open.
    history.replaceState(null, '', location.pathname);
    adopt(null);
  };

  return (
    <LangContext.Provider value={lang}>
      {session === undefined ? null : session === null ? (
        <div class="sign-in-page">
          <LangSwitch lang={lang} onChange={changeLang} />
          <SignIn onSignedIn={adopt} />
        </div>
      ) : (
        <App session={session} lang={lang} onLang={changeLang} onSignOut={signOut} />
      )}
    </LangContext.Provider>
  );
}

render(<Root />, document.getElementById('app')!);
