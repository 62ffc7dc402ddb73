/**
 * Collectors: every collector the role may see with its online state, last frame and ack, frames and rejections
 * today (GET /status, read whole, a page of 1000 at a time), joined with enterprise and site names. Filters run in
 * the browser over the loaded list and are kept in the hash (`#/collectors?online=offline&q=…`); the table renders
 * only the rows in view, so 5,000 collectors stay fast. Enter or double click opens the collector.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api } from '../api.js';
import type { CollectorStatus, Enterprise, Site } from '../api-types.js';
import { DataTable, type Column } from '../components/DataTable.js';
import { ErrorBox, Field } from '../components/Field.js';
import { FilterBar } from '../components/FilterBar.js';
import { StateBadge } from '../components/StateBadge.js';
import { useLoad } from '../components/use-load.js';
import { useSession } from '../session.js';
import { showTime } from '../format.js';
import { defineMessages } from '../i18n/index.js';
import { useT } from '../i18n/use-t.js';
import en from '../i18n/en/collectors.js';
import zh from '../i18n/zh-CN/collectors.js';
import { fetchAll } from '../list.js';
import { hrefOf, type ScreenProps } from '../routes.js';
import { filterCollectors, filterFromQuery, filterToQuery, joinNames, NO_FILTER, type CollectorFilter, type CollectorRow } from './collectors-logic.js';

const messages = defineMessages('collectors', { 'zh-CN': zh, en });

/** The list refreshes itself this often while the page is visible (online state and counters move). */
const REFRESH_MS = 30_000;

interface Loaded {
  rows: CollectorRow[];
  enterprises: Enterprise[];
  /** Collectors in all (the rows may still be arriving). */
  total: number;
}

/**
 * The statuses page by page, with enterprise and site names: `onProgress` gets the rows read so far after each page,
 * so the first thousand collectors show while the rest of a long list arrives.
 */
async function loadAll(withNames: boolean, onProgress: (partial: Loaded) => void): Promise<Loaded> {
  let enterprises: Enterprise[] = [];
  let sites: Site[] = [];
  // Names and statuses are read at the same time; pages arriving before the names show ids until the final join.
  const names = Promise.all([withNames ? fetchAll<Enterprise>(api, '/enterprises') : [], withNames ? fetchAll<Site>(api, '/sites') : []]).then(([e, s]) => {
    enterprises = e;
    sites = s;
  });
  const statuses = fetchAll<CollectorStatus>(api, '/status', {}, { onPage: (soFar, total) => onProgress({ rows: joinNames(soFar, enterprises, sites), enterprises, total }) });
  const [all] = await Promise.all([statuses, names]);
  return { rows: joinNames(all, enterprises, sites), enterprises, total: all.length };
}

export default function CollectorsScreen(props: ScreenProps) {
  const t = useT(messages);
  const tc = useT();
  const { user } = useSession();
  const [filter, setFilterState] = useState<CollectorFilter>(() => filterFromQuery(props.query));
  const [partial, setPartial] = useState<Loaded | null>(null);
  const loaded = useLoad(() => loadAll(user.role !== 'reader', setPartial), []);
  // The first load shows pages as they arrive; a refresh keeps the previous list until the new one is complete.
  const current = loaded.data ?? partial;
  const [auto, setAuto] = useState(true);
  useEffect(() => {
    if (!auto) return;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') loaded.reload();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [auto]);

  const setFilter = (next: CollectorFilter) => {
    setFilterState(next);
    history.replaceState(null, '', hrefOf('/collectors', {}, filterToQuery(next)));
  };

  const all = current?.rows ?? [];
  const rows = useMemo(() => filterCollectors(all, filter), [all, filter]);
  const onlineCount = useMemo(() => rows.filter((r) => r.online).length, [rows]);
  // Rejections link to the frame log (GET /frames roles).
  const canSeeFrames = ['admin', 'ops', 'enterprise'].includes(user.role);
  const open = (r: CollectorRow) => (location.hash = hrefOf('/collectors/:mn', { mn: r.mn }));

  const columns: Column<CollectorRow>[] = [
    { id: 'mn', header: t('mn'), value: (r) => r.mn, render: (r) => <a href={hrefOf('/collectors/:mn', { mn: r.mn })} class="mono">{r.mn}</a>, width: '200px' },
    ...(user.role === 'enterprise' ? [] : [{ id: 'enterprise', header: t('enterprise'), value: (r: CollectorRow) => r.enterpriseName }]),
    { id: 'site', header: t('site'), value: (r) => r.siteName },
    {
      id: 'state',
      header: t('state'),
      value: (r) => (r.online ? 1 : 0),
      render: (r) =>
        !r.enabled ? <StateBadge state="disabled" tone="neutral" label={t('disabled')} /> : r.online ? <StateBadge state="online" tone="ok" label={tc('state.online')} /> : <StateBadge state="offline" tone="bad" label={tc('state.offline')} />,
    },
    { id: 'lastFrame', header: t('lastFrame'), value: (r) => r.lastFrameAt, render: (r) => showTime(r.lastFrameAt) },
    { id: 'lastAck', header: t('lastAck'), value: (r) => r.lastAckAt, render: (r) => showTime(r.lastAckAt) },
    { id: 'framesToday', header: t('framesToday'), value: (r) => r.framesToday, numeric: true },
    {
      id: 'rejectionsToday',
      header: t('rejectionsToday'),
      value: (r) => r.rejectionsToday,
      numeric: true,
      render: (r) =>
        r.rejectionsToday === 0 ? (
          '0'
        ) : canSeeFrames ? (
          <a href={hrefOf('/frames', {}, { mn: r.mn, verdict: 'rejected' })} data-action="rejections">
            <StateBadge state="rejections" tone="warn" label={String(r.rejectionsToday)} />
          </a>
        ) : (
          <StateBadge state="rejections" tone="warn" label={String(r.rejectionsToday)} />
        ),
    },
    { id: 'remote', header: t('remote'), value: (r) => r.remote, render: (r) => <span class="mono">{r.remote ?? ''}</span> },
  ];

  return (
    <section data-screen="collectors" class="screen">
      <h1>{t('title')}</h1>
      <FilterBar name="collectors" onReset={() => setFilter(NO_FILTER)}>
        <Field name="q" label={t('search')}>
          {(c) => <input {...c} type="search" value={filter.text} onInput={(e) => setFilter({ ...filter, text: (e.currentTarget as HTMLInputElement).value })} />}
        </Field>
        <Field name="online" label={t('filterState')}>
          {(c) => (
            <select {...c} value={filter.online} onChange={(e) => setFilter({ ...filter, online: (e.currentTarget as HTMLSelectElement).value as CollectorFilter['online'] })}>
              <option value="">{t('all')}</option>
              <option value="online">{tc('state.online')}</option>
              <option value="offline">{tc('state.offline')}</option>
            </select>
          )}
        </Field>
        {user.role !== 'enterprise' && user.role !== 'reader' && (
          <Field name="enterprise" label={t('enterprise')}>
            {(c) => (
              <select {...c} value={filter.enterpriseId} onChange={(e) => setFilter({ ...filter, enterpriseId: (e.currentTarget as HTMLSelectElement).value })}>
                <option value="">{t('allEnterprises')}</option>
                {(current?.enterprises ?? []).map((e) => (
                  <option key={e.id} value={e.id}>
                    {e.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <label class="check">
          <input type="checkbox" name="rejected" checked={filter.rejected} onChange={(e) => setFilter({ ...filter, rejected: (e.currentTarget as HTMLInputElement).checked })} />
          {t('onlyRejected')}
        </label>
        <label class="check">
          <input type="checkbox" name="autoRefresh" checked={auto} onChange={(e) => setAuto((e.currentTarget as HTMLInputElement).checked)} />
          {t('autoRefresh')}
        </label>
        <button type="button" class="secondary" data-action="refresh" onClick={loaded.reload} disabled={loaded.loading}>
          {t('refresh')}
        </button>
      </FilterBar>
      <ErrorBox error={loaded.error} onRetry={loaded.reload} />
      <p class="muted summary" data-count={rows.length} data-loading={String(loaded.loading)}>
        {!current ? tc('loading') : `${t('shown', { shown: rows.length, total: current.total })} · ${t('online', { count: onlineCount })}`}
        {loaded.loading && current && ` · ${tc('loading')}`}
      </p>
      <DataTable name="collectors" columns={columns} rows={rows} rowKey={(r) => r.mn} onActivate={open} sort={{ column: 'mn', dir: 'asc' }} />
    </section>
  );
}
