/**
 * The registry: enterprises → sites → points → items as tabs, each a paged list (name search, enabled filter) with
 * its parent picked above it (kept in the hash: `#/registry?tab=items&siteId=…&pointId=…`). Admins and ops create,
 * edit, disable and enable records (PATCH `enabled`; nothing is ever deleted); regulators and enterprises read.
 */
import { useState } from 'preact/hooks';
import { api, ApiError } from '../api.js';
import type { Enterprise, ListPage, Point, Site } from '../api-types.js';
import { DataTable, type Column } from '../components/DataTable.js';
import { ErrorBox, Field } from '../components/Field.js';
import { Notice } from '../components/Notice.js';
import { FilterBar } from '../components/FilterBar.js';
import { Pager, useCursorPager } from '../components/Pager.js';
import { StateBadge } from '../components/StateBadge.js';
import { useLoad } from '../components/use-load.js';
import { showNumber, showTime } from '../format.js';
import { defineMessages } from '../i18n/index.js';
import { useT } from '../i18n/use-t.js';
import en from '../i18n/en/registry.js';
import zh from '../i18n/zh-CN/registry.js';
import { fetchAll } from '../list.js';
import { hrefOf, type ScreenProps } from '../routes.js';
import { useCan, useSession } from '../session.js';
import { asApiError, EnterprisePicker } from './ledger-parts.js';
import { RecordForm } from './registry-form.js';
import { childTab, pathsOf, REGISTRY_TABS, REGISTRY_WRITERS, type RegistryTab } from './registry-logic.js';
import { keyedByQuery } from './query-keyed.js';

const messages = defineMessages('registry', { 'zh-CN': zh, en });

/** A record of any tab as listed. */
type Rec = { id: string; name?: string; factor?: string; enabled: boolean; createdAt?: string; enterpriseId?: string; siteId?: string } & Record<string, unknown>;

interface Selection {
  tab: RegistryTab;
  enterpriseId: string;
  siteId: string;
  pointId: string;
}

const num = (v: unknown) => (typeof v === 'number' ? showNumber(v) : '');
const pair = (a: unknown, b: unknown) => (a === undefined && b === undefined ? '' : `${num(a)} ~ ${num(b)}`);

function RegistryScreen(props: ScreenProps) {
  const t = useT(messages);
  const { user } = useSession();
  const canWrite = useCan(REGISTRY_WRITERS);
  const q0 = props.query;
  const [sel, setSelState] = useState<Selection>({
    tab: (REGISTRY_TABS as readonly string[]).includes(q0.tab ?? '') ? (q0.tab as RegistryTab) : 'enterprises',
    enterpriseId: q0.enterpriseId ?? '',
    siteId: q0.siteId ?? '',
    pointId: q0.pointId ?? '',
  });
  const [search, setSearch] = useState({ q: '', enabled: '' });
  const [draft, setDraft] = useState(search);
  const [editing, setEditing] = useState<Rec | 'new' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [actionError, setActionError] = useState<ApiError | null>(null);
  const pager = useCursorPager();

  const setSel = (next: Selection) => {
    pager.reset();
    setEditing(null);
    setSelState(next);
    history.replaceState(null, '', hrefOf('/registry', {}, { tab: next.tab, enterpriseId: next.enterpriseId, siteId: next.siteId, pointId: next.pointId }));
  };

  const pickEnterprises = user.role !== 'enterprise';
  const enterprises = useLoad(() => fetchAll<Enterprise>(api, '/enterprises'), []);
  const sites = useLoad(() => (sel.tab === 'points' || sel.tab === 'items' ? fetchAll<Site>(api, '/sites', { enterpriseId: sel.enterpriseId }) : Promise.resolve([])), [sel.tab, sel.enterpriseId]);
  const points = useLoad(() => (sel.tab === 'items' && sel.siteId ? fetchAll<Point>(api, `/sites/${encodeURIComponent(sel.siteId)}/points`) : Promise.resolve([])), [sel.tab, sel.siteId]);
  const paths = pathsOf(sel.tab, sel);
  const list = useLoad(
    () =>
      paths.list
        ? api.get<ListPage<Rec>>(paths.list, { q: search.q, enabled: search.enabled, enterpriseId: sel.tab === 'sites' ? sel.enterpriseId : undefined, limit: 100, cursor: pager.cursor })
        : Promise.resolve(undefined),
    [paths.list, sel.enterpriseId, search, pager.cursor],
  );

  const toggle = async (r: Rec) => {
    setActionError(null);
    setNotice(null);
    try {
      await api.patch(paths.record(r.id), { enabled: !r.enabled });
      setNotice(t('saved'));
      list.reload();
    } catch (err) {
      setActionError(asApiError(err));
    }
  };
  const openChildren = (r: Rec) => {
    const child = childTab(sel.tab);
    if (!child) return;
    setSel({ ...sel, tab: child.tab, [child.param]: r.id, ...(child.param === 'siteId' ? { pointId: '' } : {}) });
  };
  const enterpriseName = (id: unknown) => enterprises.data?.find((e) => e.id === id)?.name ?? String(id ?? '');

  const columns: Column<Rec>[] = [
    sel.tab === 'items'
      ? { id: 'factor', header: t('field.factor'), value: (r) => r.factor, render: (r) => <span class="mono">{r.factor}</span> }
      : { id: 'name', header: t('field.name'), value: (r) => r.name },
    ...(sel.tab === 'enterprises' ? [{ id: 'creditCode', header: t('field.creditCode'), value: (r: Rec) => r.creditCode as string | undefined }, { id: 'region', header: t('field.region'), value: (r: Rec) => r.region as string | undefined }] : []),
    ...(sel.tab === 'sites' ? [{ id: 'enterprise', header: t('field.enterpriseId'), value: (r: Rec) => enterpriseName(r.enterpriseId) }, { id: 'address', header: t('field.address'), value: (r: Rec) => r.address as string | undefined }] : []),
    ...(sel.tab === 'points' || sel.tab === 'sites' ? [{ id: 'code', header: t('field.code'), value: (r: Rec) => r.code as string | undefined }] : []),
    ...(sel.tab === 'points' ? [{ id: 'st', header: t('field.st'), value: (r: Rec) => r.st as string | undefined }] : []),
    ...(sel.tab === 'items'
      ? [
          { id: 'mode', header: t('field.mode'), value: (r: Rec) => t(`mode.${String(r.mode)}`) },
          { id: 'unit', header: t('field.unit'), value: (r: Rec) => r.unit as string | undefined },
          { id: 'limits', header: t('limits'), render: (r: Rec) => pair(r.standardLower, r.standardUpper) },
          { id: 'range', header: t('range'), render: (r: Rec) => pair(r.rangeLower, r.rangeUpper) },
          { id: 'period', header: t('field.startAt'), render: (r: Rec) => `${showTime(r.startAt as string | undefined)} ~ ${showTime(r.endAt as string | undefined)}` },
        ]
      : []),
    { id: 'state', header: t('state'), value: (r) => r.enabled, render: (r) => <StateBadge state={r.enabled ? 'enabled' : 'disabled'} tone={r.enabled ? 'ok' : 'neutral'} label={t(r.enabled ? 'enabled' : 'disabled')} /> },
    { id: 'createdAt', header: t('createdAt'), value: (r) => r.createdAt, render: (r) => showTime(r.createdAt) },
    {
      id: 'actions',
      header: '',
      render: (r) => (
        <span class="actions">
          {childTab(sel.tab) && (
            <button type="button" class="secondary" data-action="open" onClick={() => openChildren(r)}>
              {t('open')}
            </button>
          )}
          {canWrite && (
            <button type="button" class="secondary" data-action="edit" onClick={() => (setNotice(null), setEditing(r))}>
              {t('edit')}
            </button>
          )}
          {canWrite && (
            <button type="button" class="secondary" data-action={r.enabled ? 'disable' : 'enable'} onClick={() => void toggle(r)}>
              {t(r.enabled ? 'disable' : 'enable')}
            </button>
          )}
        </span>
      ),
    },
  ];

  return (
    <section data-screen="registry" class="screen">
      <h1>{t('title')}</h1>
      <div class="tabs" role="tablist">
        {REGISTRY_TABS.map((k) => (
          <button key={k} type="button" role="tab" data-tab={k} aria-selected={sel.tab === k} onClick={() => setSel({ ...sel, tab: k })}>
            {t(`tab.${k}`)}
          </button>
        ))}
      </div>
      <FilterBar name="registry" onApply={() => (pager.reset(), setSearch(draft))} onReset={() => (setDraft({ q: '', enabled: '' }), pager.reset(), setSearch({ q: '', enabled: '' }))}>
        {sel.tab !== 'enterprises' && pickEnterprises && (
          <EnterprisePicker enterprises={enterprises.data ?? []} value={sel.enterpriseId} onChange={(v) => setSel({ ...sel, enterpriseId: v, siteId: '', pointId: '' })} />
        )}
        {(sel.tab === 'points' || sel.tab === 'items') && (
          <Field name="siteId" label={t('tab.sites')}>
            {(c) => (
              <select {...c} value={sel.siteId} onChange={(e) => setSel({ ...sel, siteId: (e.currentTarget as HTMLSelectElement).value, pointId: '' })}>
                <option value="">{t('chooseSite')}</option>
                {(sites.data ?? []).map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        {sel.tab === 'items' && (
          <Field name="pointId" label={t('tab.points')}>
            {(c) => (
              <select {...c} value={sel.pointId} onChange={(e) => setSel({ ...sel, pointId: (e.currentTarget as HTMLSelectElement).value })}>
                <option value="">{t('choosePoint')}</option>
                {(points.data ?? []).map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <Field name="q" label={sel.tab === 'items' ? t('field.factor') : t('search')}>
          {(c) => <input {...c} type="search" value={draft.q} onInput={(e) => setDraft({ ...draft, q: (e.currentTarget as HTMLInputElement).value })} />}
        </Field>
        <Field name="enabled" label={t('enabledFilter')}>
          {(c) => (
            <select {...c} value={draft.enabled} onChange={(e) => setDraft({ ...draft, enabled: (e.currentTarget as HTMLSelectElement).value })}>
              <option value="">{t('any')}</option>
              <option value="true">{t('enabled')}</option>
              <option value="false">{t('disabled')}</option>
            </select>
          )}
        </Field>
        {canWrite && paths.create && (
          <button type="button" data-action="create" onClick={() => (setNotice(null), setEditing('new'))}>
            {t('create')}
          </button>
        )}
      </FilterBar>
      {canWrite && <p class="muted">{t('neverDeleted')}</p>}
      <Notice text={notice} />
      {canWrite && editing && (
        <RecordForm<Rec>
          key={editing === 'new' ? `new-${sel.tab}` : editing.id}
          tab={sel.tab}
          t={t}
          {...(editing === 'new' ? {} : { record: editing })}
          {...(paths.create ? { createPath: paths.create } : {})}
          recordPath={paths.record}
          enterprises={enterprises.data ?? []}
          defaultEnterpriseId={sel.enterpriseId}
          onCancel={() => setEditing(null)}
          onDone={() => {
            setEditing(null);
            setNotice(t('saved'));
            list.reload();
          }}
        />
      )}
      <ErrorBox error={actionError ?? list.error ?? enterprises.error ?? sites.error ?? points.error} onRetry={list.reload} />
      <DataTable name={sel.tab} columns={columns} rows={list.data?.items ?? []} rowKey={(r) => r.id} onActivate={childTab(sel.tab) ? openChildren : undefined} />
      <Pager pager={pager} total={list.data?.total} nextCursor={list.data?.nextCursor} />
    </section>
  );
}

export default keyedByQuery(RegistryScreen);
