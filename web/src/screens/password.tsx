/**
 * Change the signed-in account's password (POST /auth/password `{ currentPassword, newPassword }` → 204; the
 * account's other sessions end, this one stays). Reached from the top bar. A wrong current password comes back as
 * the API's problem, shown at the form.
 */
import { useState } from 'preact/hooks';
import { api, ApiError } from '../api.js';
import { ErrorBox, TextField } from '../components/Field.js';
import { defineMessages } from '../i18n/index.js';
import { useT } from '../i18n/use-t.js';
import en from '../i18n/en/password.js';
import zh from '../i18n/zh-CN/password.js';
import { accountMessages } from './accounts-messages.js';
import { passwordProblem } from './accounts-logic.js';
import { asApiError } from './ledger-parts.js';

const messages = defineMessages('password', { 'zh-CN': zh, en });

export default function PasswordScreen() {
  const t = useT(messages);
  const ta = useT(accountMessages);
  const tc = useT();
  const [form, setForm] = useState({ currentPassword: '', newPassword: '', confirmPassword: '' });
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setDone(false);
    const problem = passwordProblem(form.newPassword, form.confirmPassword);
    if (problem) {
      const field = problem === 'password.mismatch' ? 'confirmPassword' : 'newPassword';
      setError(new ApiError({ status: 400, code: 'APP_ERR_VALIDATION', title: tc('form.invalid'), fieldErrors: { [field]: ta(problem) } }));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.post('/auth/password', { currentPassword: form.currentPassword, newPassword: form.newPassword });
      setForm({ currentPassword: '', newPassword: '', confirmPassword: '' });
      setDone(true);
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section data-screen="password" class="screen">
      <h1>{t('title')}</h1>
      <p class="muted">{t('hint')}</p>
      {done && (
        <p class="notice" role="status" data-password-changed>
          {t('changed')}
        </p>
      )}
      <form name="password" class="panel narrow" onSubmit={submit}>
        <TextField name="currentPassword" label={t('currentPassword')} type="password" required autoComplete="current-password" value={form.currentPassword} onInput={(v) => setForm({ ...form, currentPassword: v })} error={error} />
        <TextField name="newPassword" label={t('newPassword')} type="password" required autoComplete="new-password" value={form.newPassword} onInput={(v) => setForm({ ...form, newPassword: v })} error={error} />
        <TextField name="confirmPassword" label={t('confirmPassword')} type="password" required autoComplete="new-password" value={form.confirmPassword} onInput={(v) => setForm({ ...form, confirmPassword: v })} error={error} />
        <ErrorBox error={error} />
        <button type="submit" data-action="submit" disabled={busy}>
          {t('save')}
        </button>
      </form>
    </section>
  );
}
