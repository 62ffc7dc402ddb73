/**
 * The new-account form shared by tokens (`form[name="token"]`, POST /tokens) and user accounts (`form[name="user"]`,
 * POST /users): name, role and enterprise as the creator may give them (an enterprise main account makes
 * sub-accounts of its own enterprise only), a password for users.
 */
import { useState } from 'preact/hooks';
import { api, type Role } from '../api.js';
import type { Enterprise } from '../api-types.js';
import { SelectField, TextField } from '../components/Field.js';
import { FormFooter } from '../components/FormFooter.js';
import { useSubmit, validationError } from '../components/use-submit.js';
import { useT, type T } from '../i18n/use-t.js';
import { creatableRoles, passwordProblem, tokenBodyOf, userBodyOf, type AccountForm } from './accounts-logic.js';

export function NewAccountForm<R>(props: { kind: 'token' | 'user'; t: T; creator: Role; enterprises: readonly Enterprise[]; onDone: (created: R) => void; onCancel: () => void }) {
  const { t, kind, creator } = props;
  const tc = useT();
  const [form, setForm] = useState<AccountForm>({ name: '', role: 'enterprise', enterpriseId: '', main: false, ...(kind === 'user' ? { password: '' } : {}) });
  const { error, setError, busy, run } = useSubmit();
  const admin = creator === 'admin';

  const submit = (e: Event) => {
    e.preventDefault();
    const problem = kind === 'user' ? passwordProblem(form.password ?? '') : undefined;
    if (problem) return setError(validationError(tc('form.invalid'), { password: t(problem) }));
    void run(async () => props.onDone(kind === 'token' ? await api.post<R>('/tokens', tokenBodyOf(form, creator)) : await api.post<R>('/users', userBodyOf(form, creator))));
  };

  return (
    <form name={kind} class="panel" onSubmit={submit}>
      <div class="row">
        <TextField
          name={kind === 'token' ? 'name' : 'username'}
          label={t(kind === 'token' ? 'name' : 'username')}
          required
          autoComplete="off"
          value={form.name}
          onInput={(v) => setForm({ ...form, name: v })}
          error={error}
        />
        {kind === 'user' && <TextField name="password" label={t('password')} type="password" required autoComplete="new-password" value={form.password ?? ''} onInput={(v) => setForm({ ...form, password: v })} error={error} />}
        {admin && <SelectField name="role" label={t('role')} value={form.role} onChange={(v) => setForm({ ...form, role: v })} error={error} options={creatableRoles(creator).map((r) => ({ value: r, label: tc(`role.${r}`) }))} />}
        {admin && form.role === 'enterprise' && (
          <SelectField
            name="enterpriseId"
            label={t('enterprise')}
            value={form.enterpriseId}
            onChange={(v) => setForm({ ...form, enterpriseId: v })}
            error={error}
            options={[{ value: '', label: t('chooseEnterprise') }, ...props.enterprises.filter((x) => x.enabled).map((x) => ({ value: x.id, label: x.name }))]}
          />
        )}
        {admin && form.role === 'enterprise' && (
          <label class="check" title={t('mainHint')}>
            <input type="checkbox" name="main" checked={form.main} onChange={(e) => setForm({ ...form, main: (e.currentTarget as HTMLInputElement).checked })} />
            {t('main')}
          </label>
        )}
      </div>
      <FormFooter error={error} submit={{ label: t('save'), disabled: busy || form.name.trim() === '' }} cancelLabel={t('cancel')} onCancel={props.onCancel} />
    </form>
  );
}
