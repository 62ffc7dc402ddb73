/**
 * A collector's page `#/collectors/<MN>?tab=…`: its state and binding, then tabs — latest values per factor against
 * the item limits, the readings chart, its frame log, commands with their outcome, password rotation. Tabs the role
 * cannot use (the API routes' roles) are not shown.
 */
import { api, ApiError } from '../api.js';
import type { Collector, CollectorStatus, Enterprise, Item, Point, Reading, Site } from '../api-types.js';
import { DataTable, type Column } from '../components/DataTable.js';
import { ErrorBox } from '../components/Field.js';
import { FrameLog } from '../components/FrameLog.js';
import { StateBadge, type Tone } from '../components/StateBadge.js';
import { useLoad } from '../components/use-load.js';
import { showNumber, showTime } from '../format.js';
import { useT } from '../i18n/use-t.js';
import { fetchAll } from '../list.js';
import { hrefOf, type ScreenProps } from '../routes.js';
import { useSession } from '../session.js';
import { CollectorChart } from './collector-chart.js';
import { CollectorCommands } from './collector-commands.js';
import { latestRows, tabsFor, type CollectorTab as Tab, type LatestRow, type LimitState } from './collector-logic.js';
import { collectorMessages } from './collector-messages.js';
import { CollectorPassword } from './collector-password.js';


const TONES: Record<LimitState, Tone> = { ok: 'ok', above: 'bad', below: 'warn', invalid: 'warn', none: 'neutral' };

export interface CollectorData {
  status: CollectorStatus;
  collector: Collector | undefined;
  point: Point | undefined;
  /** Names of the collector's enterprise and site, when the role may read them. */
  enterpriseName: string | undefined;
  siteName: string | undefined;
  items: Item[];
  latest: Reading[];
}

async function load(mn: string): Promise<CollectorData> {
  const path = encodeURIComponent(mn);
  const [status, collector, latest] = await Promise.all([
    api.get<CollectorStatus>(`/collectors/${path}/status`),
    // Readers see status and readings, not the registry record.
    api.get<Collector>(`/collectors/${path}`).catch((err: unknown) => {
      if (err instanceof ApiError && err.status === 403) return undefined;
      throw err;
    }),
    api.get<{ readings: Reading[] }>(`/collectors/${path}/latest`).then((x) => x.readings),
  ]);
  const { pointId, siteId, enterpriseId } = status;
  const optional = <T,>(path: string | undefined): Promise<T | undefined> => (path === undefined ? Promise.resolve(undefined) : api.get<T>(path).catch(() => undefined));
  const [point, items, site, enterprise] = await Promise.all([
    optional<Point>(pointId && `/points/${encodeURIComponent(pointId)}`),
    pointId ? fetchAll<Item>(api, `/points/${encodeURIComponent(pointId)}/items`).catch(() => []) : [],
    optional<Site>(siteId && `/sites/${encodeURIComponent(siteId)}`),
    optional<Enterprise>(enterpriseId && `/enterprises/${encodeURIComponent(enterpriseId)}`),
  ]);
  return { status, collector, point, items, latest, siteName: site?.name, enterpriseName: enterprise?.name };
}

export default function CollectorScreen(props: ScreenProps) {
  const t = useT(collectorMessages);
  const tc = useT();
  const { user } = useSession();
  const mn = props.params.mn ?? '';
  const data = useLoad(() => load(mn), [mn]);
  const tabs = tabsFor(user.role);
  const tab: Tab = tabs.includes(props.query.tab as Tab) ? (props.query.tab as Tab) : 'overview';
  const s = data.data?.status;

  return (
    <section data-screen="collector" data-mn={mn} class="screen">
      <p>
        <a href="#/collectors" data-action="back">
          ← {t('back')}
        </a>
      </p>
      <h1>
        {t('title', { mn })}{' '}
        {s && (!s.enabled ? <StateBadge state="disabled" tone="neutral" label={t('disabled')} /> : s.online ? <StateBadge state="online" tone="ok" label={tc('state.online')} /> : <StateBadge state="offline" tone="bad" label={tc('state.offline')} />)}
      </h1>
      <ErrorBox error={data.error} onRetry={data.reload} />
      {data.data && <Summary data={data.data} />}
      <div class="tabs" role="tablist">
        {tabs.map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            aria-selected={tab === name}
            data-action={`tab-${name}`}
            onClick={() => location.replace(hrefOf('/collectors/:mn', { mn }, { tab: name }))}
          >
            {t(`tab.${name}`)}
          </button>
        ))}
      </div>
      <div role="tabpanel" data-tab={tab}>
        {tab === 'overview' && data.data && <Latest data={data.data} />}
        {tab === 'chart' && data.data && <CollectorChart mn={mn} data={data.data} />}
        {tab === 'frames' && <FrameLog name="collector-frames" mn={mn} />}
        {tab === 'commands' && <CollectorCommands mn={mn} />}
        {tab === 'password' && data.data?.collector && <CollectorPassword collector={data.data.collector} onChanged={data.reload} />}
      </div>
    </section>
  );
}

function Summary({ data }: { data: CollectorData }) {
  const t = useT(collectorMessages);
  const { status: s, collector: c, point } = data;
  const entries: [string, string][] = [
    ['enterprise', data.enterpriseName ?? s.enterpriseId ?? ''],
    ['site', data.siteName ?? s.siteId ?? ''],
    ['point', point?.name ?? s.pointId ?? ''],
    ['version', c?.version ? `HJ 212-${c.version}` : ''],
    ['timeZone', c?.profile.timeZone ?? ''],
    ['remote', s.remote ?? ''],
    ['connectedAt', showTime(s.connectedAt)],
    ['lastFrame', showTime(s.lastFrameAt)],
    ['lastAck', showTime(s.lastAckAt)],
    ['framesToday', String(s.framesToday)],
    ['rejectionsToday', String(s.rejectionsToday)],
    ['replaced', String(s.replaced)],
  ];
  return (
    <>
      {c?.weakPassword && (
        <p class="error-box" role="alert" data-warning="weak-password">
          {t('weakPassword')}
        </p>
      )}
      {s.unknownFactors && s.unknownFactors.codes.length > 0 && <p class="warn-text">{t('unknownFactors', { codes: s.unknownFactors.codes.join(', '), dropped: s.unknownFactors.dropped })}</p>}
      <dl class="grid2 panel" data-summary="collector">
        {entries.map(([key, value]) => (
          <div key={key} data-field={key}>
            <dt>{t(key)}</dt>
            <dd>{value || '—'}</dd>
          </div>
        ))}
      </dl>
    </>
  );
}

function Latest({ data }: { data: CollectorData }) {
  const t = useT(collectorMessages);
  const rows = latestRows(data.latest, data.items);
  const limits = (r: LatestRow) => {
    const i = r.item;
    if (!i || (i.standardLower === undefined && i.standardUpper === undefined)) return '';
    return `${i.standardLower === undefined ? '' : showNumber(i.standardLower)} – ${i.standardUpper === undefined ? '' : showNumber(i.standardUpper)}`;
  };
  const columns: Column<LatestRow>[] = [
    { id: 'factor', header: t('factor'), value: (r) => r.factor, render: (r) => <span class="mono">{r.factor}</span> },
    { id: 'kind', header: t('kind'), value: (r) => r.kind, render: (r) => t(`kind.${r.kind}`) },
    { id: 'time', header: t('time'), value: (r) => r.time, render: (r) => showTime(r.time) },
    { id: 'value', header: t('value'), value: (r) => r.value, numeric: true, render: (r) => showNumber(r.value) },
    { id: 'unit', header: t('unit'), render: (r) => r.item?.unit ?? '' },
    { id: 'flag', header: t('flag'), render: (r) => r.flag },
    { id: 'limits', header: t('limits'), render: limits },
    { id: 'verdict', header: t('verdict'), value: (r) => r.state, render: (r) => <StateBadge state={r.state} tone={TONES[r.state]} label={t(`state.${r.state}`)} /> },
  ];
  return <DataTable name="latest" columns={columns} rows={rows} rowKey={(r) => r.key} />;
}
