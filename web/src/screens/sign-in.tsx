/** Sign-in (POST /auth/login): user name and password; on success the shell gets the session. */
import { useState } from 'preact/hooks';
import { api, ApiError, type Session } from '../api.js';
import { ErrorBox, TextField } from '../components/Field.js';
import { useSubmit } from '../components/use-submit.js';
import { defineMessages } from '../i18n/index.js';
import { useT } from '../i18n/use-t.js';
import en from '../i18n/en/sign-in.js';
import zh from '../i18n/zh-CN/sign-in.js';

const messages = defineMessages('sign-in', { 'zh-CN': zh, en });

export function SignIn(props: { onSignedIn: (session: Session) => void }) {
  const t = useT(messages);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { error, busy, run } = useSubmit<unknown>((err) => {
    if (err instanceof ApiError && err.status === 401) return new Error(t('failed'));
    if (err instanceof ApiError && err.status === 429) return new Error(t('locked', { seconds: err.retryAfter ?? 60 }));
    return err;
  });

  const submit = (e: Event) => {
    e.preventDefault();
    void run(async () => props.onSignedIn(await api.post<Session>('/auth/login', { username, password })));
  };

  const apiError = error instanceof ApiError ? error : null;
  return (
    <main data-screen="sign-in" class="sign-in">
      <form onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">{t('title')}</h1>
        <TextField name="username" label={t('username')} value={username} onInput={setUsername} error={apiError} required autoComplete="username" />
        <TextField name="password" label={t('password')} type="password" value={password} onInput={setPassword} error={apiError} required autoComplete="current-password" />
        <ErrorBox error={error} />
        <button type="submit" data-action="sign-in" disabled={busy}>
          {t('submit')}
        </button>
      </form>
    </main>
  );
}
