/**
 * Gaps and anomalies (GET /gaps, GET /anomalies): filters by state, enterprise, month, MN (and rule for anomalies)
 * kept in the hash (`#/gaps?tab=anomalies&state=open&month=2024-05`), offset paging. Enterprises (and admins) give
 * a 原因说明 to open entries (POST …/explanation) or open the back-fill form for a gap; regulators (and admins)
 * accept or reject explained ones (POST …/review).
 */
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { DataTable, type Column } from '../components/DataTable.js';
import { ErrorBox, Field } from '../components/Field.js';
import { Notice } from '../components/Notice.js';
import { FilterBar } from '../components/FilterBar.js';
import { Pager, useCursorPager } from '../components/Pager.js';
import { useLoad } from '../components/use-load.js';
import { msToLocalInput } from '../format.js';
import { defineMessages } from '../i18n/index.js';
import { useT } from '../i18n/use-t.js';
import en from '../i18n/en/gaps.js';
import zh from '../i18n/zh-CN/gaps.js';
import { ANOMALY_RULES, ANOMALY_STATES, GAP_STATES, type AnomalyEntry, type GapEntry, type LedgerPage } from '../ledger-types.js';
import { hrefOf, type ScreenProps } from '../routes.js';
import { useCan, useSession } from '../session.js';
import { canExplain, canReview, LEDGER_ROLES, ledgerFilterFromQuery, ledgerQuery, nextOffsetOf, NO_LEDGER_FILTER, offsetOf, type LedgerFilter } from './ledger-logic.js';
import { entryHeadColumns, LedgerFilterFields, ReviewButton, usePanel } from './ledger-list.js';
import { ExplainForm, LedgerState, ledgerMessages, ReviewForm, ReviewNote, showPeriod, useEnterprises } from './ledger-parts.js';
import { keyedByQuery } from './query-keyed.js';

const messages = defineMessages('gaps', { 'zh-CN': zh, en });

type Tab = 'gaps' | 'anomalies';
type Entry = GapEntry | AnomalyEntry;
const PAGE = 50;

function GapsScreen(props: ScreenProps) {
  const t = useT(messages);
  const tl = useT(ledgerMessages);
  const { user } = useSession();
  const canAct = useCan(LEDGER_ROLES.act);
  const mayReview = useCan(LEDGER_ROLES.review);
  const [tab, setTabState] = useState<Tab>(props.query.tab === 'anomalies' ? 'anomalies' : 'gaps');
  const [filter, setFilterState] = useState<LedgerFilter>(() => ledgerFilterFromQuery(props.query));
  const [draft, setDraft] = useState<LedgerFilter>(filter);
  const pager = useCursorPager();
  const enterprises = useEnterprises(user.role);
  const page = useLoad(
    () => api.get<LedgerPage<Entry>>(`/${tab}`, ledgerQuery(tab === 'gaps' ? { ...filter, rule: '' } : filter, offsetOf(pager.cursor), PAGE)),
    [tab, filter, pager.cursor],
  );
  const panel = usePanel<{ kind: 'explain' | 'review'; entry: Entry }>(page.reload);
  const action = panel.panel;

  const keep = (nextTab: Tab, f: LedgerFilter) =>
    history.replaceState(null, '', hrefOf('/gaps', {}, { tab: nextTab === 'gaps' ? undefined : nextTab, state: f.state, enterpriseId: f.enterpriseId, mn: f.mn, month: f.month, rule: f.rule }));
  const setFilter = (f: LedgerFilter) => {
    pager.reset();
    setFilterState(f);
    keep(tab, f);
  };
  const setTab = (next: Tab) => {
    const f = { ...filter, state: '', rule: '' };
    panel.close();
    pager.reset();
    setTabState(next);
    setFilterState(f);
    setDraft(f);
    keep(next, f);
  };

  const what = (e: Entry) => t(e.type === 'gap' ? 'gapWhat' : 'anomalyWhat', { mn: e.mn ?? '', factor: e.factor ?? '', period: showPeriod(e.periodStart, e.periodEnd) });
  const path = (e: Entry) => `/${tab}/${encodeURIComponent(e.id)}`;
  const states: readonly string[] = tab === 'gaps' ? GAP_STATES : ANOMALY_STATES;

  const columns: Column<Entry>[] = [
    ...entryHeadColumns<Entry>(tl, enterprises),
    ...(tab === 'anomalies' ? [{ id: 'rule', header: t('rule'), value: (e: Entry) => (e.type === 'anomaly' ? t(`rule.${e.rule}`) : '') }] : []),
    { id: 'state', header: tl('state'), value: (e) => e.state, render: (e) => <LedgerState state={e.state} /> },
    {
      id: 'note',
      header: tab === 'anomalies' ? t('evidence') : tl('explanation'),
      render: (e) => (
        <span title={[e.type === 'anomaly' ? e.evidence.detail : '', e.explanation?.text ?? '', e.review?.comment ?? ''].filter(Boolean).join('\n')}>
          {e.type === 'anomaly' ? e.evidence.detail : ''}
          {e.explanation ? `${e.type === 'anomaly' ? ' · ' : ''}${e.explanation.text}` : ''}
          {e.review && <> · <ReviewNote review={e.review} /></>}
        </span>
      ),
    },
    {
      id: 'actions',
      header: tl('actions'),
      render: (e) => (
        <span class="actions">
          {canAct && canExplain(e.type, e.state) && (
            <button type="button" class="secondary" data-action="explain" onClick={() => panel.open({ kind: 'explain', entry: e })}>
              {tl('explain')}
            </button>
          )}
          {canAct && e.type === 'gap' && (e.state === 'open' || e.state === 'repull-requested') && e.mn && (
            <a
              class="button-link"
              data-action="backfill"
              href={hrefOf('/backfills', {}, { mn: e.mn, factor: e.factor, kind: e.kind, periodStart: msToLocalInput(Date.parse(e.periodStart)) })}
            >
              {t('backfill')}
            </a>
          )}
          {mayReview && canReview(e.type, e.state) && <ReviewButton onClick={() => panel.open({ kind: 'review', entry: e })} />}
        </span>
      ),
    },
  ];

  const { done } = panel;

  return (
    <section data-screen="gaps" class="screen">
      <h1>{t('title')}</h1>
      <p class="muted">{t('hint')}</p>
      <div class="tabs" role="tablist">
        {(['gaps', 'anomalies'] as const).map((k) => (
          <button key={k} type="button" role="tab" data-tab={k} aria-selected={tab === k} onClick={() => setTab(k)}>
            {t(`tab.${k}`)}
          </button>
        ))}
      </div>
      <FilterBar name={tab} onApply={() => setFilter(draft)} onReset={() => (setDraft(NO_LEDGER_FILTER), setFilter(NO_LEDGER_FILTER))}>
        <LedgerFilterFields draft={draft} setDraft={setDraft} states={states} enterprises={enterprises} mn>
          {tab === 'anomalies' && (
            <Field name="rule" label={t('rule')}>
              {(c) => (
                <select {...c} value={draft.rule} onChange={(e) => setDraft({ ...draft, rule: (e.currentTarget as HTMLSelectElement).value })}>
                  <option value="">{t('anyRule')}</option>
                  {ANOMALY_RULES.map((r) => (
                    <option key={r} value={r}>
                      {t(`rule.${r}`)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          )}
        </LedgerFilterFields>
      </FilterBar>
      <Notice text={panel.notice} />
      {action?.kind === 'explain' && (
        <ExplainForm key={action.entry.id} path={path(action.entry)} what={what(action.entry)} onCancel={panel.close} onDone={done(t('explained'))} />
      )}
      {action?.kind === 'review' && (
        <ReviewForm key={action.entry.id} path={path(action.entry)} what={what(action.entry)} onCancel={panel.close} onDone={done(t('reviewedOk'))}>
          {action.entry.explanation && (
            <p>
              <strong>{tl('explanation')}:</strong> {action.entry.explanation.text} <span class="muted">· {action.entry.explanation.by.name}</span>
            </p>
          )}
        </ReviewForm>
      )}
      <ErrorBox error={page.error ?? enterprises.error} onRetry={page.reload} />
      <DataTable name={tab} columns={columns} rows={page.data?.items ?? []} rowKey={(e) => e.id} />
      <Pager pager={pager} total={page.data?.total} nextCursor={nextOffsetOf(page.data)} />
    </section>
  );
}

export default keyedByQuery(GapsScreen);
