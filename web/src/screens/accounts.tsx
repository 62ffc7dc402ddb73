/**
 * Tokens and sub-accounts. User accounts (GET/POST /users, disable / enable, password reset) and API tokens
 * (GET/POST /tokens with the secret shown once, DELETE /tokens/:id to revoke after a confirming second click). Admins
 * manage all; an enterprise main account manages its enterprise's sub-accounts; other enterprise accounts only see
 * why the screen is empty.
 */
import { useState } from 'preact/hooks';
import { api, type Role } from '../api.js';
import type { Enterprise } from '../api-types.js';
import { DataTable, type Column } from '../components/DataTable.js';
import { ErrorBox, TextField } from '../components/Field.js';
import { FormFooter } from '../components/FormFooter.js';
import { Pager } from '../components/Pager.js';
import { StateBadge } from '../components/StateBadge.js';
import { useLoad } from '../components/use-load.js';
import { useSubmit, validationError } from '../components/use-submit.js';
import { showTime } from '../format.js';
import { useT, type T } from '../i18n/use-t.js';
import { fetchAll } from '../list.js';
import { hrefOf, type ScreenProps } from '../routes.js';
import { useSession } from '../session.js';
import { NewAccountForm } from './accounts-form.js';
import { accountMessages } from './accounts-messages.js';
import { enterpriseNameOf, managesAccounts, passwordProblem } from './accounts-logic.js';
import { Tokens } from './accounts-tokens.js';
import { AccountFilterBar, AccountListError, useAccountList } from './accounts-list.js';
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
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<UserRow | null>(null);
  const users = useAccountList<UserRow>('/users', 'disabled');
  const { setNotice, pager, list } = users;
  const nameOf = (id: string | undefined) => enterpriseNameOf(props.enterprises, id);

  const setDisabled = (u: UserRow, disable: boolean) => users.act(() => api.post(`/users/${encodeURIComponent(u.username)}/${disable ? 'disable' : 'enable'}`), () => t('saved'));
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
      <AccountFilterBar name="users" t={t} list={users} inactive={t('disabled')} onCreate={() => setCreating(true)} />
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
      <AccountListError list={users} />
      <DataTable name="users" columns={columns} rows={list.data?.items ?? []} rowKey={(u) => u.username} />
      <Pager pager={pager} total={list.data?.total} nextCursor={list.data?.nextCursor} />
    </div>
  );
}

function ResetPassword(props: { t: T; username: string; onDone: () => void; onCancel: () => void }) {
  const { t } = props;
  const tc = useT();
  const [password, setPassword] = useState('');
  const { error, setError, busy, run } = useSubmit();
  const submit = (e: Event) => {
    e.preventDefault();
    const problem = passwordProblem(password);
    if (problem) return setError(validationError(tc('form.invalid'), { password: t(problem) }));
    void run(async () => {
      await api.post(`/users/${encodeURIComponent(props.username)}/password`, { password });
      props.onDone();
    });
  };
  return (
    <form name="reset-password" class="panel" onSubmit={submit} data-username={props.username}>
      <h2>{t('resetTitle', { username: props.username })}</h2>
      <TextField name="password" label={t('newPassword')} type="password" required autoComplete="new-password" value={password} onInput={setPassword} error={error} />
      <FormFooter error={error} submit={{ label: t('save'), disabled: busy }} cancelLabel={t('cancel')} onCancel={props.onCancel} />
    </form>
  );
}

export default keyedByQuery(AccountsScreen);
