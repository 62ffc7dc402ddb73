/**
 * The readings chart of a collector: factor, kind and a time range (presets or from/to), from GET /readings
 * (pages of 10,000 followed up to a cap), drawn by ECharts with the item's standard limits as dashed lines.
 */
import { useMemo, useState } from 'preact/hooks';
import { api } from '../api.js';
import { DATA_KINDS, type Reading, type ReadingsPage } from '../api-types.js';
import { Chart } from '../components/Chart.js';
import { ErrorBox, Field } from '../components/Field.js';
import { FilterBar } from '../components/FilterBar.js';
import { useLoad } from '../components/use-load.js';
import { isoWithOffset, localInputToIso, msToLocalInput } from '../format.js';
import { useT } from '../i18n/use-t.js';
import type { CollectorData } from './collector.js';
import { chartFactors, chartOption, itemsByFactor, kindForRange, RANGES, type RangeKey } from './collector-logic.js';
import { collectorMessages } from './collector-messages.js';

/** Points drawn at most (5 pages): a month of realtime data must not freeze the tab. */
const MAX_POINTS = 50_000;

interface Query {
  factor: string;
  kind: (typeof DATA_KINDS)[number];
  range: RangeKey;
  from: string;
  to: string;
}

async function loadReadings(mn: string, q: Query): Promise<{ readings: Reading[]; capped: boolean }> {
  if (q.factor === '') return { readings: [], capped: false };
  const now = Date.now();
  const from = q.range === 'custom' ? localInputToIso(q.from) : isoWithOffset(now - RANGES[q.range]);
  const to = q.range === 'custom' ? localInputToIso(q.to) : undefined;
  const readings: Reading[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.get<ReadingsPage>('/readings', { mn, factor: q.factor, kind: q.kind, from, to, limit: 10_000, cursor });
    readings.push(...page.readings);
    cursor = page.nextCursor;
  } while (cursor !== undefined && readings.length < MAX_POINTS);
  return { readings, capped: cursor !== undefined };
}

export function CollectorChart({ mn, data }: { mn: string; data: CollectorData }) {
  const t = useT(collectorMessages);
  const factors = useMemo(() => chartFactors(data.latest, data.items), [data]);
  const initial: Query = { factor: factors[0] ?? '', kind: kindForRange('24h'), range: '24h', from: msToLocalInput(Date.now() - 86_400_000), to: msToLocalInput(Date.now()) };
  const [draft, setDraft] = useState<Query>(initial);
  const [query, setQuery] = useState<Query>(initial);
  const result = useLoad(() => loadReadings(mn, query), [mn, query]);
  const item = itemsByFactor(data.items).get(query.factor);
  const option = useMemo(
    () => chartOption(result.data?.readings ?? [], item, { value: query.factor, upper: t('upper'), lower: t('lower') }),
    [result.data, item, query.factor],
  );
  const set = <K extends keyof Query>(key: K, value: Query[K]) => {
    const next = { ...draft, [key]: value };
    if (key === 'range' && value !== 'custom') next.kind = kindForRange(value as RangeKey);
    setDraft(next);
  };

  if (factors.length === 0) return <p class="muted">{t('noFactor')}</p>;
  return (
    <div data-chart-panel="readings">
      <FilterBar name="chart" onApply={() => setQuery(draft)} applyLabel={t('show')}>
        <Field name="factor" label={t('factor')}>
          {(c) => (
            <select {...c} value={draft.factor} onChange={(e) => set('factor', (e.currentTarget as HTMLSelectElement).value)}>
              {factors.map((f) => (
                <option key={f} value={f}>
                  {f}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field name="range" label={t('range')}>
          {(c) => (
            <select {...c} value={draft.range} onChange={(e) => set('range', (e.currentTarget as HTMLSelectElement).value as RangeKey)}>
              {[...Object.keys(RANGES), 'custom'].map((r) => (
                <option key={r} value={r}>
                  {t(`range.${r}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field name="kind" label={t('kind')}>
          {(c) => (
            <select {...c} value={draft.kind} onChange={(e) => set('kind', (e.currentTarget as HTMLSelectElement).value as Query['kind'])}>
              {DATA_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`kind.${k}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        {draft.range === 'custom' && (
          <>
            <Field name="from" label={t('from')}>{(c) => <input {...c} type="datetime-local" value={draft.from} onInput={(e) => set('from', (e.currentTarget as HTMLInputElement).value)} />}</Field>
            <Field name="to" label={t('to')}>{(c) => <input {...c} type="datetime-local" value={draft.to} onInput={(e) => set('to', (e.currentTarget as HTMLInputElement).value)} />}</Field>
          </>
        )}
      </FilterBar>
      <ErrorBox error={result.error} onRetry={result.reload} />
      <Chart name="readings" option={option} label={t('chartLabel', { factor: query.factor, kind: t(`kind.${query.kind}`) })} height={360} />
      <p class="muted" data-points={result.data?.readings.length ?? 0}>
        {result.loading ? '…' : result.data?.capped ? t('capped', { count: result.data.readings.length }) : t('points', { count: result.data?.readings.length ?? 0 })}
      </p>
    </div>
  );
}
