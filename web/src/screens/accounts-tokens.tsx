/** The API tokens tab of the accounts screen: list, create (the secret shown once), revoke after a confirming click. */
import { useState } from 'preact/hooks';
import { api, type Role } from '../api.js';
import type { Enterprise } from '../api-types.js';
import { DataTable, type Column } from '../components/DataTable.js';
import { Pager } from '../components/Pager.js';
import { StateBadge } from '../components/StateBadge.js';
import { showTime } from '../format.js';
import { useT, type T } from '../i18n/use-t.js';
import { useSession } from '../session.js';
import { NewAccountForm } from './accounts-form.js';
import { enterpriseNameOf } from './accounts-logic.js';
import { AccountFilterBar, AccountListError, useAccountList } from './accounts-list.js';

export interface TokenRow {
  id: string;
  name: string;
  role: Role;
  enterpriseId?: string;
  main: boolean;
  createdBy: string;
  createdAt: string;
  revokedAt?: string;
}

export function Tokens(props: { t: T; enterprises: readonly Enterprise[] }) {
  const { t } = props;
  const tc = useT();
  const { user } = useSession();
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<{ name: string; token: string } | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const tokens = useAccountList<TokenRow>('/tokens', 'revoked');
  const { setNotice, pager, list } = tokens;
  const nameOf = (id: string | undefined) => enterpriseNameOf(props.enterprises, id);

  const revoke = (tok: TokenRow) => {
    setConfirming(null);
    return tokens.act(() => api.del(`/tokens/${encodeURIComponent(tok.id)}`), () => t('revokedOk', { name: tok.name }));
  };
  const columns: Column<TokenRow>[] = [
    { id: 'name', header: t('name'), value: (x) => x.name },
    { id: 'role', header: t('role'), value: (x) => x.role, render: (x) => `${tc(`role.${x.role}`)}${x.role === 'enterprise' ? ` · ${t(x.main ? 'main' : 'subAccount')}` : ''}` },
    ...(user.role === 'admin' ? [{ id: 'enterprise', header: t('enterprise'), value: (x: TokenRow) => nameOf(x.enterpriseId) }] : []),
    { id: 'createdAt', header: t('createdAt'), value: (x) => x.createdAt, render: (x) => showTime(x.createdAt) },
    { id: 'state', header: t('state'), value: (x) => x.revokedAt === undefined, render: (x) => (x.revokedAt ? <StateBadge state="revoked" tone="neutral" label={`${t('revoked')} ${showTime(x.revokedAt)}`} /> : <StateBadge state="active" tone="ok" label={t('active')} />) },
    {
      id: 'actions',
      header: '',
      render: (x) =>
        x.revokedAt || (user.role === 'enterprise' && x.main) ? null : confirming === x.id ? (
          <span class="actions">
            <button type="button" class="danger" data-action="confirm-revoke" onClick={() => void revoke(x)}>
              {t('confirmRevoke')}
            </button>
            <button type="button" class="secondary" data-action="cancel" onClick={() => setConfirming(null)}>
              {t('cancel')}
            </button>
          </span>
        ) : (
          <button type="button" class="secondary" data-action="revoke" onClick={() => (setNotice(null), setConfirming(x.id))}>
            {t('revoke')}
          </button>
        ),
    },
  ];

  return (
    <div data-tab-panel="tokens">
      <AccountFilterBar name="tokens" t={t} list={tokens} inactive={t('revoked')} onCreate={() => (setSecret(null), setCreating(true))} />
      {secret && (
        <div class="panel" role="status" data-token-created={secret.name}>
          <p>{t('tokenCreated')}</p>
          <code class="secret mono" data-secret tabIndex={0}>
            {secret.token}
          </code>
        </div>
      )}
      {creating && (
        <NewAccountForm<{ token: string; record: TokenRow }>
          kind="token"
          t={t}
          creator={user.role}
          enterprises={props.enterprises}
          onCancel={() => setCreating(false)}
          onDone={(created) => {
            setCreating(false);
            setSecret({ name: created.record.name, token: created.token });
            list.reload();
          }}
        />
      )}
      <AccountListError list={tokens} />
      <DataTable name="tokens" columns={columns} rows={list.data?.items ?? []} rowKey={(x) => x.id} />
      <Pager pager={pager} total={list.data?.total} nextCursor={list.data?.nextCursor} />
    </div>
  );
}
