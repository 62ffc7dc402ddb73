/** The signed-in user's own account (every role): who and until when, and changing one's password (POST /auth/password). */
import { useState } from 'preact/hooks';
import { api, ApiError } from '../api.js';
import { ErrorBox, TextField } from '../components/Field.js';
import { asApiError, useSubmit } from '../components/use-submit.js';
import { showTime } from '../format.js';
import { defineMessages } from '../i18n/index.js';
import { useT } from '../i18n/use-t.js';
import en from '../i18n/en/account.js';
import zh from '../i18n/zh-CN/account.js';
import { useSession } from '../session.js';

const messages = defineMessages('account', { 'zh-CN': zh, en });

export default function AccountScreen() {
  const t = useT(messages);
  const tc = useT();
  const session = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [done, setDone] = useState(false);
  // A wrong current password answers 403 APP_ERR_WRONG_PASSWORD (the session stays).
  const { error, setError, busy, run } = useSubmit((err) => {
    const apiErr = asApiError(err);
    return apiErr.code === 'APP_ERR_WRONG_PASSWORD' ? new ApiError({ status: apiErr.status, code: apiErr.code, title: t('wrongCurrent'), fieldErrors: { currentPassword: t('wrongCurrent') } }) : apiErr;
  });

  const submit = async (e: Event) => {
    e.preventDefault();
    setDone(false);
    if (next !== repeat) {
      setError(new ApiError({ status: 400, code: 'MISMATCH', title: t('mismatch'), fieldErrors: { repeatPassword: t('mismatch') } }));
      return;
    }
    await run(async () => {
      await api.post('/auth/password', { currentPassword: current, newPassword: next });
      setDone(true);
      setCurrent('');
      setNext('');
      setRepeat('');
    });
  };

  const u = session.user;
  return (
    <section data-screen="account" class="screen">
      <h1>{t('title')}</h1>
      <dl class="grid2 panel">
        <div>
          <dt>{t('username')}</dt>
          <dd data-field="username">{u.username}</dd>
        </div>
        <div>
          <dt>{t('role')}</dt>
          <dd data-field="role">{tc(`role.${u.role}`)}</dd>
        </div>
        {u.enterpriseId && (
          <div>
            <dt>{t('enterprise')}</dt>
            <dd data-field="enterprise">{u.enterpriseId}</dd>
          </div>
        )}
        <div>
          <dt>{t('expiresAt')}</dt>
          <dd data-field="expiresAt">{showTime(session.expiresAt)}</dd>
        </div>
      </dl>
      <form class="panel" onSubmit={submit} data-form="change-password">
        <h2>{t('changePassword')}</h2>
        <TextField name="currentPassword" label={t('currentPassword')} type="password" value={current} onInput={setCurrent} error={error} required autoComplete="current-password" />
        <TextField name="newPassword" label={t('newPassword')} type="password" value={next} onInput={setNext} error={error} required autoComplete="new-password" />
        <TextField name="repeatPassword" label={t('repeatPassword')} type="password" value={repeat} onInput={setRepeat} error={error} required autoComplete="new-password" />
        <ErrorBox error={error} />
        {done && (
          <p class="notice" role="status" data-changed="true">
            {t('changed')}
          </p>
        )}
        <button type="submit" data-action="change-password" disabled={busy}>
          {t('save')}
        </button>
      </form>
    </section>
  );
}
