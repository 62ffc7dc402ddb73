/**
 * What the ledger lists (gaps / anomalies, back-fills, registrations) share: the filter fields (state, enterprise,
 * month, MN), the leading columns of an entry, the review button of a row, and the open-panel / notice state.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { Column } from '../components/DataTable.js';
import { Field } from '../components/Field.js';
import type { T } from '../i18n/use-t.js';
import { useT } from '../i18n/use-t.js';
import { api } from '../api.js';
import { useCursorPager } from '../components/Pager.js';
import { useLoad } from '../components/use-load.js';
import { showTime } from '../format.js';
import type { BackfillEntry, LedgerPage, RegistrationEntry } from '../ledger-types.js';
import { hrefOf } from '../routes.js';
import { useSession } from '../session.js';
import { canReview, ledgerQuery, offsetOf, type LedgerFilter } from './ledger-logic.js';
import { EnterprisePicker, LedgerState, ledgerMessages, ReviewNote, showPeriod, useEnterprises } from './ledger-parts.js';

/** Entries a ledger list shows a page. */
export const LEDGER_PAGE = 50;

type Enterprises = ReturnType<typeof useEnterprises>;

/** The filter bar's fields: state (of `states`), then `children` (the anomaly rule), enterprise, month and, with `mn`, the MN. */
export function LedgerFilterFields(props: { draft: LedgerFilter; setDraft: (f: LedgerFilter) => void; states: readonly string[]; enterprises: Enterprises; mn: boolean; children?: ComponentChildren }) {
  const tl = useT(ledgerMessages);
  const { draft, setDraft } = props;
  return (
    <>
      <Field name="state" label={tl('state')}>
        {(c) => (
          <select {...c} value={draft.state} onChange={(e) => setDraft({ ...draft, state: (e.currentTarget as HTMLSelectElement).value })}>
            <option value="">{tl('anyState')}</option>
            {props.states.map((s) => (
              <option key={s} value={s}>
                {tl(`state.${s}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      {props.children}
      {props.enterprises.pick && <EnterprisePicker enterprises={props.enterprises.list} value={draft.enterpriseId} onChange={(v) => setDraft({ ...draft, enterpriseId: v })} />}
      <Field name="month" label={tl('month')}>
        {(c) => <input {...c} type="month" value={draft.month} onInput={(e) => setDraft({ ...draft, month: (e.currentTarget as HTMLInputElement).value })} />}
      </Field>
      {props.mn && (
        <Field name="mn" label={tl('mn')}>
          {(c) => <input {...c} class="mono" value={draft.mn} onInput={(e) => setDraft({ ...draft, mn: (e.currentTarget as HTMLInputElement).value })} />}
        </Field>
      )}
    </>
  );
}

interface EntryHead {
  mn?: string | undefined;
  enterpriseId: string;
  factor?: string | undefined;
  kind?: string | undefined;
  periodStart: string;
  periodEnd: string;
}

/** MN (a link to the collector), enterprise (for those who pick one), factor, kind and period. */
export function entryHeadColumns<E extends EntryHead>(tl: T, enterprises: Enterprises): Column<E>[] {
  return [
    { id: 'mn', header: tl('mn'), value: (e) => e.mn, render: (e) => <a class="mono" href={hrefOf('/collectors/:mn', { mn: e.mn ?? '' })}>{e.mn}</a> },
    ...(enterprises.pick ? [{ id: 'enterprise', header: tl('enterprise'), value: (e: E) => enterprises.nameOf(e.enterpriseId) }] : []),
    { id: 'factor', header: tl('factor'), value: (e) => e.factor },
    { id: 'kind', header: tl('kind'), value: (e) => (e.kind ? tl(`kind.${e.kind}`) : '') },
    { id: 'period', header: tl('period'), value: (e) => e.periodStart, render: (e) => showPeriod(e.periodStart, e.periodEnd) },
  ];
}

/** A row's review button (`data-action="review"`). */
export function ReviewButton(props: { onClick: () => void }) {
  const tl = useT(ledgerMessages);
  return (
    <button type="button" class="secondary" data-action="review" onClick={props.onClick}>
      {tl('review')}
    </button>
  );
}

/** A screen's create button (`data-action="create"`) in its own paragraph. */
export function CreateButton(props: { label: string; onClick: () => void }) {
  return (
    <p>
      <button type="button" data-action="create" onClick={props.onClick}>
        {props.label}
      </button>
    </p>
  );
}

/**
 * The panel a list has open (a form for one entry) and its notice: opening a panel clears the notice; `done(message)`
 * makes the handler that closes the panel, shows the message and reloads the list.
 */
export function usePanel<P>(reload: () => void) {
  const [panel, setPanel] = useState<P | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const open = (p: P) => (setNotice(null), setPanel(p));
  const close = () => setPanel(null);
  const done = (message: string) => () => {
    setPanel(null);
    setNotice(message);
    reload();
  };
  return { panel, notice, setNotice, open, close, done };
}

/** Who entered it, its state with the review, and (for reviewers, while it awaits one) the review button. */
export function reviewedTailColumns<E extends BackfillEntry | RegistrationEntry>(tl: T, mayReview: boolean, onReview: (e: E) => void): Column<E>[] {
  return [
    { id: 'by', header: tl('by'), value: (e) => e.by.name, render: (e) => `${e.by.name} · ${showTime(e.createdAt)}` },
    { id: 'state', header: tl('state'), value: (e) => e.state, render: (e) => <>
      <LedgerState state={e.state} /> <ReviewNote review={e.review} />
    </> },
    {
      id: 'actions',
      header: tl('actions'),
      render: (e) => (mayReview && canReview(e.type, e.state) ? <ReviewButton onClick={() => onReview(e)} /> : null),
    },
  ];
}

/**
 * A ledger list's state: the applied filter and the one being edited, the pager, the enterprises to pick from, the
 * page of `path` (the filter narrowed by `narrow` to what the list takes) and its review panel.
 */
export function useLedgerList<E>(path: string, initial: () => LedgerFilter, narrow: (f: LedgerFilter) => LedgerFilter) {
  const { user } = useSession();
  const [filter, setFilter] = useState<LedgerFilter>(initial);
  const [draft, setDraft] = useState<LedgerFilter>(filter);
  const pager = useCursorPager();
  const enterprises = useEnterprises(user.role);
  const page = useLoad(() => api.get<LedgerPage<E>>(path, ledgerQuery(narrow(filter), offsetOf(pager.cursor), LEDGER_PAGE)), [filter, pager.cursor]);
  const apply = (f: LedgerFilter) => (pager.reset(), setFilter(f));
  const review = usePanel<E>(page.reload);
  return { draft, setDraft, pager, enterprises, page, apply, review };
}
