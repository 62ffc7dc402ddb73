/**
 * 数据录入 (manual back-fill): the form (POST /backfills, several factors of one period at once, each value's
 * problem shown at its field from the problem document's `/factors/<i>/values/<field>` paths), prefilled from a gap
 * (`#/backfills?mn=…&factor=…&kind=…&periodStart=…`); the list of back-fills with their review state (GET
 * /backfills) and the regulator's review (POST /backfills/:id/review).
 */
import { useState } from 'preact/hooks';
import { api, ApiError } from '../api.js';
import type { CollectorStatus } from '../api-types.js';
import { DataTable, type Column } from '../components/DataTable.js';
import { ErrorBox, Field, SelectField, TextField } from '../components/Field.js';
import { FilterBar } from '../components/FilterBar.js';
import { Pager, useCursorPager } from '../components/Pager.js';
import { useLoad } from '../components/use-load.js';
import { showNumber, showTime } from '../format.js';
import { defineMessages } from '../i18n/index.js';
import { useT } from '../i18n/use-t.js';
import en from '../i18n/en/backfills.js';
import zh from '../i18n/zh-CN/backfills.js';
import { BACKFILL_STATES, VALUE_FIELDS, VALUE_KINDS, type BackfillEntry, type LedgerPage } from '../ledger-types.js';
import { fetchAll } from '../list.js';
import { hrefOf, type ScreenProps } from '../routes.js';
import { useCan, useSession } from '../session.js';
import { backfillBodyOf, canReview, LEDGER_ROLES, ledgerFilterFromQuery, ledgerQuery, nextOffsetOf, NO_LEDGER_FILTER, offsetOf, type BackfillForm, type LedgerFilter } from './ledger-logic.js';
import { asApiError, EnterprisePicker, LedgerState, ledgerMessages, ReviewForm, ReviewNote, showPeriod, TextArea, useEnterprises } from './ledger-parts.js';
import { keyedByQuery } from './query-keyed.js';

const messages = defineMessages('backfills', { 'zh-CN': zh, en });
const PAGE = 50;

const emptyRow = (factor = '') => ({ factor, values: Object.fromEntries(VALUE_FIELDS.map((f) => [f, ''])) as Record<string, string> });

function BackfillsScreen(props: ScreenProps) {
  const t = useT(messages);
  const tl = useT(ledgerMessages);
  const { user } = useSession();
  const canAct = useCan(LEDGER_ROLES.act);
  const mayReview = useCan(LEDGER_ROLES.review);
  const prefill = props.query.mn !== undefined;
  const [showForm, setShowForm] = useState(canAct && prefill);
  const [filter, setFilter] = useState<LedgerFilter>(() => ({ ...ledgerFilterFromQuery(props.query), mn: prefill ? '' : (props.query.mn ?? '') }));
  const [draft, setDraft] = useState<LedgerFilter>(filter);
  const [reviewing, setReviewing] = useState<BackfillEntry | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const pager = useCursorPager();
  const enterprises = useEnterprises(user.role);
  const page = useLoad(() => api.get<LedgerPage<BackfillEntry>>('/backfills', ledgerQuery({ ...filter, rule: '' }, offsetOf(pager.cursor), PAGE)), [filter, pager.cursor]);
  const apply = (f: LedgerFilter) => (pager.reset(), setFilter(f));

  const what = (e: BackfillEntry) => t('what', { mn: e.mn ?? '', factor: e.factor ?? '', period: showPeriod(e.periodStart, e.periodEnd) });
  const columns: Column<BackfillEntry>[] = [
    { id: 'mn', header: tl('mn'), value: (e) => e.mn, render: (e) => <a class="mono" href={hrefOf('/collectors/:mn', { mn: e.mn ?? '' })}>{e.mn}</a> },
    ...(enterprises.pick ? [{ id: 'enterprise', header: tl('enterprise'), value: (e: BackfillEntry) => enterprises.nameOf(e.enterpriseId) }] : []),
    { id: 'factor', header: tl('factor'), value: (e) => e.factor },
    { id: 'kind', header: tl('kind'), value: (e) => (e.kind ? tl(`kind.${e.kind}`) : '') },
    { id: 'period', header: tl('period'), value: (e) => e.periodStart, render: (e) => showPeriod(e.periodStart, e.periodEnd) },
    { id: 'values', header: t('valuesCol'), render: (e) => Object.entries(e.values).map(([k, v]) => `${k}=${showNumber(v)}`).join(' ') },
    { id: 'reason', header: t('reason'), render: (e) => <span title={e.reason}>{e.reason}</span> },
    { id: 'by', header: tl('by'), value: (e) => e.by.name, render: (e) => `${e.by.name} · ${showTime(e.createdAt)}` },
    { id: 'state', header: tl('state'), value: (e) => e.state, render: (e) => <>
      <LedgerState state={e.state} /> <ReviewNote review={e.review} />
    </> },
    {
      id: 'actions',
      header: tl('actions'),
      render: (e) =>
        mayReview && canReview('backfill', e.state) ? (
          <button type="button" class="secondary" data-action="review" onClick={() => (setNotice(null), setReviewing(e))}>
            {tl('review')}
          </button>
        ) : null,
    },
  ];

  return (
    <section data-screen="backfills" class="screen">
      <h1>{t('title')}</h1>
      <p class="muted">{t('hint')}</p>
      {canAct && !showForm && (
        <p>
          <button type="button" data-action="create" onClick={() => (setNotice(null), setShowForm(true))}>
            {t('showForm')}
          </button>
        </p>
      )}
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {canAct && showForm && (
        <BackfillFormView
          initial={{ mn: props.query.mn ?? '', kind: props.query.kind ?? 'hour', periodStart: props.query.periodStart ?? '', factors: [emptyRow(props.query.factor ?? '')], reason: '' }}
          onCancel={() => setShowForm(false)}
          onDone={(count) => {
            setShowForm(false);
            setNotice(t('submitted', { count }));
            page.reload();
          }}
        />
      )}
      {reviewing && (
        <ReviewForm
          key={reviewing.id}
          path={`/backfills/${encodeURIComponent(reviewing.id)}`}
          what={what(reviewing)}
          onCancel={() => setReviewing(null)}
          onDone={() => {
            setReviewing(null);
            setNotice(t('reviewedOk'));
            page.reload();
          }}
        >
          <p>
            {Object.entries(reviewing.values).map(([k, v]) => `${k}=${showNumber(v)}`).join(' ')} · {reviewing.reason}
          </p>
        </ReviewForm>
      )}
      <FilterBar name="backfills" onApply={() => apply(draft)} onReset={() => (setDraft(NO_LEDGER_FILTER), apply(NO_LEDGER_FILTER))}>
        <Field name="state" label={tl('state')}>
          {(c) => (
            <select {...c} value={draft.state} onChange={(e) => setDraft({ ...draft, state: (e.currentTarget as HTMLSelectElement).value })}>
              <option value="">{tl('anyState')}</option>
              {BACKFILL_STATES.map((s) => (
                <option key={s} value={s}>
                  {tl(`state.${s}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        {enterprises.pick && <EnterprisePicker enterprises={enterprises.list} value={draft.enterpriseId} onChange={(v) => setDraft({ ...draft, enterpriseId: v })} />}
        <Field name="month" label={tl('month')}>
          {(c) => <input {...c} type="month" value={draft.month} onInput={(e) => setDraft({ ...draft, month: (e.currentTarget as HTMLInputElement).value })} />}
        </Field>
        <Field name="mn" label={tl('mn')}>
          {(c) => <input {...c} class="mono" value={draft.mn} onInput={(e) => setDraft({ ...draft, mn: (e.currentTarget as HTMLInputElement).value })} />}
        </Field>
      </FilterBar>
      <ErrorBox error={page.error ?? enterprises.error} onRetry={page.reload} />
      <DataTable name="backfills" columns={columns} rows={page.data?.items ?? []} rowKey={(e) => e.id} />
      <Pager pager={pager} total={page.data?.total} nextCursor={nextOffsetOf(page.data)} />
    </section>
  );
}

function BackfillFormView(props: { initial: BackfillForm; onCancel: () => void; onDone: (count: number) => void }) {
  const t = useT(messages);
  const tl = useT(ledgerMessages);
  const [form, setForm] = useState<BackfillForm>(props.initial);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const collectors = useLoad(() => fetchAll<CollectorStatus>(api, '/status'), []);

  const setRow = (i: number, row: BackfillForm['factors'][number]) => setForm({ ...form, factors: form.factors.map((r, j) => (j === i ? row : r)) });
  const submit = async (e: Event) => {
    e.preventDefault();
    const { body, invalid } = backfillBodyOf(form);
    if (invalid.length > 0) {
      setError(new ApiError({ status: 400, code: 'APP_ERR_VALIDATION', title: t('invalidNumber'), fieldErrors: Object.fromEntries(invalid.map((f) => [f, t('invalidNumber')])) }));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const answer = await api.post<{ items: unknown[] }>('/backfills', body);
      props.onDone(answer.items.length);
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form name="backfill" class="panel" onSubmit={submit}>
      <h2>{t('newTitle')}</h2>
      <div class="row">
        <Field name="mn" label={tl('mn')} error={error}>
          {(c) => <input {...c} class="mono" list="backfill-mns" required value={form.mn} onInput={(e) => setForm({ ...form, mn: (e.currentTarget as HTMLInputElement).value })} />}
        </Field>
        <datalist id="backfill-mns">
          {(collectors.data ?? []).map((c) => (
            <option key={c.mn} value={c.mn} />
          ))}
        </datalist>
        <SelectField name="kind" label={tl('kind')} value={form.kind} onChange={(v) => setForm({ ...form, kind: v })} error={error} options={VALUE_KINDS.map((k) => ({ value: k, label: tl(`kind.${k}`) }))} />
        <TextField name="periodStart" label={t('periodStart')} type="datetime-local" required value={form.periodStart} onInput={(v) => setForm({ ...form, periodStart: v })} error={error} />
      </div>
      {form.factors.map((row, i) => (
        <fieldset key={i} class="row factor-row" data-factor-row={i}>
          <legend class="sr-only">{`${tl('factor')} ${i + 1}`}</legend>
          <TextField name={`factors.${i}.factor`} label={tl('factor')} value={row.factor} onInput={(v) => setRow(i, { ...row, factor: v })} error={error} required />
          {VALUE_FIELDS.map((f) => (
            <Field key={f} name={`factors.${i}.values.${f}`} label={t(`field.${f}`)} error={error}>
              {(c) => <input {...c} inputMode="decimal" size={8} value={row.values[f] ?? ''} onInput={(e) => setRow(i, { ...row, values: { ...row.values, [f]: (e.currentTarget as HTMLInputElement).value } })} />}
            </Field>
          ))}
          {error?.fieldErrors[`factors.${i}.values`] && (
            <small class="field-error" role="alert" data-error-for={`factors.${i}.values`}>
              {error.fieldErrors[`factors.${i}.values`]}
            </small>
          )}
          {form.factors.length > 1 && (
            <button type="button" class="secondary" data-action="remove-factor" onClick={() => setForm({ ...form, factors: form.factors.filter((_, j) => j !== i) })}>
              {t('removeFactor')}
            </button>
          )}
        </fieldset>
      ))}
      <p>
        <button type="button" class="secondary" data-action="add-factor" onClick={() => setForm({ ...form, factors: [...form.factors, emptyRow()] })}>
          {t('addFactor')}
        </button>
      </p>
      <TextArea name="reason" label={t('reason')} value={form.reason} onInput={(v) => setForm({ ...form, reason: v })} error={error} required />
      <ErrorBox error={error ?? collectors.error} />
      <div class="row">
        <button type="submit" data-action="submit" disabled={busy}>
          {tl('submit')}
        </button>
        <button type="button" class="secondary" data-action="cancel" onClick={props.onCancel}>
          {tl('cancel')}
        </button>
      </div>
    </form>
  );
}

export default keyedByQuery(BackfillsScreen);
