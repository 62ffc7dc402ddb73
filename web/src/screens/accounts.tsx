/**
 * Tokens and sub-accounts. User accounts (GET/POST /users, disable / enable, password reset) and API tokens
 * (GET/POST /tokens with the secret shown once, DELETE /tokens/:id to revoke after a confirming second click). Admins
 * manage all; an enterprise main account manages its enterprise's sub-accounts; other enterprise accounts only see
 * why the screen is empty.
 */
import { useState } from 'preact/hooks';
import { api, ApiError, type Role } from '../api.js';
import type { Enterprise, ListPage } from '../api-types.js';
import { DataTable, type Column } from '../components/DataTable.js';
import { ErrorBox, Field, TextField } from '../components/Field.js';
import { FilterBar } from '../components/FilterBar.js';
import { Pager, useCursorPager } from '../components/Pager.js';
import { StateBadge } from '../components/StateBadge.js';
import { useLoad } from '../components/use-load.js';
import { showTime } from '../format.js';
import { useT, type T } from '../i18n/use-t.js';
import { fetchAll } from '../list.js';
import { hrefOf, type ScreenProps } from '../routes.js';
import { useSession } from '../session.js';
import { NewAccountForm } from './accounts-form.js';
import { accountMessages } from './accounts-messages.js';
import { enterpriseNameOf, managesAccounts, passwordProblem } from './accounts-logic.js';
import { Tokens } from './accounts-tokens.js';
import { asApiError } from './ledger-parts.js';
import { keyedByQuery } from './query-keyed.js';


interface UserRow {
  username: string;
  role: Role;
  enterpriseId?: string;
  main: boolean;
  createdBy: string;
  createdAt: string;
  disabledAt?: string;
}

type Tab = 'users' | 'tokens';

function AccountsScreen(props: ScreenProps) {
  const t = useT(accountMessages);
  const { user } = useSession();
  const [tab, setTab] = useState<Tab>(props.query.tab === 'tokens' ? 'tokens' : 'users');
  const manages = managesAccounts(user);
  const enterprises = useLoad(() => (user.role === 'admin' ? fetchAll<Enterprise>(api, '/enterprises') : Promise.resolve([])), []);

  const switchTab = (next: Tab) => {
    setTab(next);
    history.replaceState(null, '', hrefOf('/accounts', {}, { tab: next === 'users' ? undefined : next }));
  };

  return (
    <section data-screen="accounts" class="screen">
      <h1>{t('title')}</h1>
      {!manages ? (
        <p class="muted">{t('onlyMain')}</p>
      ) : (
        <>
          <div class="tabs" role="tablist">
            {(['users', 'tokens'] as const).map((k) => (
              <button key={k} type="button" role="tab" data-tab={k} aria-selected={tab === k} onClick={() => switchTab(k)}>
                {t(`tab.${k}`)}
              </button>
            ))}
          </div>
          <ErrorBox error={enterprises.error} />
          {tab === 'users' ? <Users t={t} enterprises={enterprises.data ?? []} /> : <Tokens t={t} enterprises={enterprises.data ?? []} />}
        </>
      )}
    </section>
  );
}

function Users(props: { t: T; enterprises: readonly Enterprise[] }) {
  const { t } = props;
  const tc = useT();
  const { user } = useSession();
  const [draft, setDraft] = useState({ q: '', disabled: '' });
  const [search, setSearch] = useState(draft);
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<UserRow | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const pager = useCursorPager();
  const list = useLoad(() => api.get<ListPage<UserRow>>('/users', { ...search, limit: 100, cursor: pager.cursor }), [search, pager.cursor]);
  const nameOf = (id: string | undefined) => enterpriseNameOf(props.enterprises, id);

  const setDisabled = async (u: UserRow, disable: boolean) => {
    setActionError(null);
    setNotice(null);
    try {
      await api.post(`/users/${encodeURIComponent(u.username)}/${disable ? 'disable' : 'enable'}`);
      setNotice(t('saved'));
      list.reload();
    } catch (err) {
      setActionError(asApiError(err));
    }
  };
  const self = (u: UserRow) => u.username === user.username;
  const columns: Column<UserRow>[] = [
    { id: 'username', header: t('username'), value: (u) => u.username },
    { id: 'role', header: t('role'), value: (u) => u.role, render: (u) => `${tc(`role.${u.role}`)}${u.role === 'enterprise' ? ` · ${t(u.main ? 'main' : 'subAccount')}` : ''}` },
    ...(user.role === 'admin' ? [{ id: 'enterprise', header: t('enterprise'), value: (u: UserRow) => nameOf(u.enterpriseId) }] : []),
    { id: 'createdAt', header: t('createdAt'), value: (u) => u.createdAt, render: (u) => showTime(u.createdAt) },
    { id: 'createdBy', header: t('createdBy'), value: (u) => u.createdBy },
    { id: 'state', header: t('state'), value: (u) => u.disabledAt === undefined, render: (u) => (u.disabledAt ? <StateBadge state="disabled" tone="neutral" label={t('disabled')} /> : <StateBadge state="active" tone="ok" label={t('active')} />) },
    {
      id: 'actions',
      header: '',
      render: (u) =>
        self(u) || (user.role === 'enterprise' && u.main) ? null : (
          <span class="actions">
            <button type="button" class="secondary" data-action={u.disabledAt ? 'enable' : 'disable'} onClick={() => void setDisabled(u, u.disabledAt === undefined)}>
              {t(u.disabledAt ? 'enable' : 'disable')}
            </button>
            <button type="button" class="secondary" data-action="reset-password" onClick={() => (setNotice(null), setResetting(u))}>
              {t('resetPassword')}
            </button>
          </span>
        ),
    },
  ];

  return (
    <div data-tab-panel="users">
      <FilterBar name="users" onApply={() => (pager.reset(), setSearch(draft))} onReset={() => (setDraft({ q: '', disabled: '' }), pager.reset(), setSearch({ q: '', disabled: '' }))}>
        <Field name="q" label={t('search')}>
          {(c) => <input {...c} type="search" value={draft.q} onInput={(e) => setDraft({ ...draft, q: (e.currentTarget as HTMLInputElement).value })} />}
        </Field>
        <Field name="disabled" label={t('stateFilter')}>
          {(c) => (
            <select {...c} value={draft.disabled} onChange={(e) => setDraft({ ...draft, disabled: (e.currentTarget as HTMLSelectElement).value })}>
              <option value="">{t('any')}</option>
              <option value="false">{t('active')}</option>
              <option value="true">{t('disabled')}</option>
            </select>
          )}
        </Field>
        <button type="button" data-action="create" onClick={() => (setNotice(null), setCreating(true))}>
          {t('create')}
        </button>
      </FilterBar>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {creating && (
        <NewAccountForm<UserRow>
          kind="user"
          t={t}
          creator={user.role}
          enterprises={props.enterprises}
          onCancel={() => setCreating(false)}
          onDone={(u) => {
            setCreating(false);
            setNotice(t('userCreated', { username: u.username }));
            list.reload();
          }}
        />
      )}
      {resetting && (
        <ResetPassword
          key={resetting.username}
          t={t}
          username={resetting.username}
          onCancel={() => setResetting(null)}
          onDone={() => {
            setNotice(t('passwordReset', { username: resetting.username }));
            setResetting(null);
          }}
        />
      )}
      <ErrorBox error={actionError ?? list.error} onRetry={list.reload} />
      <DataTable name="users" columns={columns} rows={list.data?.items ?? []} rowKey={(u) => u.username} />
      <Pager pager={pager} total={list.data?.total} nextCursor={list.data?.nextCursor} />
    </div>
  );
}

function ResetPassword(props: { t: T; username: string; onDone: () => void; onCancel: () => void }) {
  const { t } = props;
  const tc = useT();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const problem = passwordProblem(password);
    if (problem) {
      setError(new ApiError({ status: 400, code: 'APP_ERR_VALIDATION', title: tc('form.invalid'), fieldErrors: { password: t(problem) } }));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.post(`/users/${encodeURIComponent(props.username)}/password`, { password });
      props.onDone();
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form name="reset-password" class="panel" onSubmit={submit} data-username={props.username}>
      <h2>{t('resetTitle', { username: props.username })}</h2>
      <TextField name="password" label={t('newPassword')} type="password" required autoComplete="new-password" value={password} onInput={setPassword} error={error} />
      <ErrorBox error={error} />
      <div class="row">
        <button type="submit" data-action="submit" disabled={busy}>
          {t('save')}
        </button>
        <button type="button" class="secondary" data-action="cancel" onClick={props.onCancel}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}

export default keyedByQuery(AccountsScreen);
