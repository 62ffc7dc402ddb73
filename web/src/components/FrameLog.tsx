/**
 * The frame log (GET /frames): newest first, filters (verdict, CN, time range, MN and address unless fixed), cursor
 * paging, the raw frame shown monospace (passwords arrive masked). Used by the frame log screen and the collector
 * page's frames tab.
 */
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import type { FramesPage, LoggedFrame } from '../api-types.js';
import { localInputToIso, showTime } from '../format.js';
import { defineMessages } from '../i18n/index.js';
import { useT } from '../i18n/use-t.js';
import en from '../i18n/en/frames.js';
import zh from '../i18n/zh-CN/frames.js';
import { DataTable, type Column } from './DataTable.js';
import { ErrorBox, Field } from './Field.js';
import { FilterBar } from './FilterBar.js';
import { Pager, useCursorPager } from './Pager.js';
import { StateBadge, type Tone } from './StateBadge.js';
import { useLoad } from './use-load.js';

export const frameMessages = defineMessages('frames', { 'zh-CN': zh, en });

const VERDICTS = ['stored', 'duplicate', 'reply', 'bad-password', 'unknown-mn'];

/** Accepted frames are green, duplicates neutral, everything else (a rejection code) red. */
export function verdictTone(verdict: string): Tone {
  if (verdict === 'stored' || verdict === 'reply') return 'ok';
  if (verdict === 'duplicate') return 'neutral';
  return 'bad';
}

interface Filter {
  mn: string;
  verdict: string;
  cn: string;
  address: string;
  from: string;
  to: string;
}

const EMPTY: Filter = { mn: '', verdict: '', cn: '', address: '', from: '', to: '' };

export function FrameLog(props: { name: string; mn?: string; initial?: Partial<Filter> }) {
  const t = useT(frameMessages);
  const [draft, setDraft] = useState<Filter>({ ...EMPTY, ...props.initial });
  const [filter, setFilter] = useState<Filter>(draft);
  const [selected, setSelected] = useState<LoggedFrame | null>(null);
  const pager = useCursorPager();
  const mn = props.mn ?? filter.mn;
  const page = useLoad(
    () =>
      api.get<FramesPage>('/frames', {
        mn,
        verdict: filter.verdict,
        cn: filter.cn,
        address: props.mn ? undefined : filter.address,
        from: localInputToIso(filter.from),
        to: localInputToIso(filter.to),
        limit: 100,
        cursor: pager.cursor,
      }),
    [mn, filter, pager.cursor],
  );

  const apply = () => {
    pager.reset();
    setFilter(draft);
  };
  const set = (key: keyof Filter) => (e: Event) => setDraft({ ...draft, [key]: (e.currentTarget as HTMLInputElement).value });
  const verdictLabel = (v: string) => (VERDICTS.includes(v) ? t(`verdict.${v}`) : v);

  const columns: Column<LoggedFrame>[] = [
    { id: 'receivedAt', header: t('receivedAt'), render: (f) => showTime(f.receivedAt), width: '160px' },
    ...(props.mn ? [] : [{ id: 'mn', header: t('mn'), render: (f: LoggedFrame) => <span class="mono">{f.mn ?? ''}</span> }]),
    { id: 'cn', header: t('cn'), render: (f) => f.cn ?? '' },
    { id: 'verdict', header: t('verdict'), render: (f) => <StateBadge state={f.verdict} tone={verdictTone(f.verdict)} label={verdictLabel(f.verdict)} /> },
    { id: 'reason', header: t('reason'), render: (f) => f.reason ?? '' },
    { id: 'source', header: t('source'), render: (f) => <span class="mono">{f.sourceAddress}</span> },
    { id: 'repeats', header: t('repeats'), numeric: true, render: (f) => (f.repeats ? String(f.repeats) : '') },
    { id: 'raw', header: t('raw'), render: (f) => <code title={f.raw}>{f.raw}</code> },
  ];

  const data = page.data;
  return (
    <div data-frame-log={props.name}>
      <FilterBar name="frames" onApply={apply} onReset={() => { setDraft(EMPTY); pager.reset(); setFilter(EMPTY); }}>
        {!props.mn && <Field name="mn" label={t('mn')}>{(c) => <input {...c} value={draft.mn} onInput={set('mn')} class="mono" />}</Field>}
        <Field name="verdict" label={t('verdict')}>
          {(c) => (
            <select {...c} value={draft.verdict} onChange={set('verdict')}>
              <option value="">{t('anyVerdict')}</option>
              <option value="rejected">{t('rejected')}</option>
              {VERDICTS.map((v) => (
                <option key={v} value={v}>
                  {verdictLabel(v)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field name="cn" label={t('cn')}>{(c) => <input {...c} value={draft.cn} onInput={set('cn')} size={6} />}</Field>
        {!props.mn && <Field name="address" label={t('address')}>{(c) => <input {...c} value={draft.address} onInput={set('address')} />}</Field>}
        <Field name="from" label={t('from')}>{(c) => <input {...c} type="datetime-local" value={draft.from} onInput={set('from')} />}</Field>
        <Field name="to" label={t('to')}>{(c) => <input {...c} type="datetime-local" value={draft.to} onInput={set('to')} />}</Field>
      </FilterBar>
      <ErrorBox error={page.error} onRetry={page.reload} />
      <DataTable name={props.name} columns={columns} rows={data?.frames ?? []} rowKey={(f) => f.id} onActivate={setSelected} clickToActivate />
      <Pager pager={pager} nextCursor={data?.nextCursor} />
      {data && (
        <p class="muted">
          {data.oldest ? `${t('oldest', { oldest: showTime(data.oldest) })} · ` : ''}
          {t('scanned', { scanned: data.scanned })}
        </p>
      )}
      {selected && (
        <div class="panel" data-selected-frame={selected.id}>
          <strong>{t('selected')}</strong> {showTime(selected.receivedAt)} {selected.reason ? `· ${selected.reason}` : ''}
          {selected.size !== undefined && <span class="warn-text"> · {t('truncated', { size: selected.size })}</span>}
          <pre class="raw mono">{selected.raw}</pre>
        </div>
      )}
    </div>
  );
}
