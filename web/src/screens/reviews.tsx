/**
 * The regulator's review inbox (GET /reviews): gaps and anomalies with a 原因说明, back-fills and registrations
 * awaiting review, the longest waiting first, filtered by type (kept in the hash, `#/reviews?type=gap`). Each row
 * links to where it is reviewed in its own screen and opens the same review form (POST <entry>/review).
 */
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { DataTable, type Column } from '../components/DataTable.js';
import { ErrorBox, SelectField } from '../components/Field.js';
import { FilterBar } from '../components/FilterBar.js';
import { Notice } from '../components/Notice.js';
import { Pager, useCursorPager } from '../components/Pager.js';
import { useLoad } from '../components/use-load.js';
import { showTime } from '../format.js';
import { defineMessages } from '../i18n/index.js';
import { useT } from '../i18n/use-t.js';
import en from '../i18n/en/reviews.js';
import zh from '../i18n/zh-CN/reviews.js';
import type { LedgerEntry, LedgerPage } from '../ledger-types.js';
import { hrefOf, type ScreenProps } from '../routes.js';
import { useCan, useSession } from '../session.js';
import { canReview, LEDGER_ROLES, nextOffsetOf, offsetOf } from './ledger-logic.js';
import { entryHeadColumns, LEDGER_PAGE, ReviewButton, usePanel } from './ledger-list.js';
import { LedgerState, ledgerMessages, ReviewForm, showPeriod, useEnterprises } from './ledger-parts.js';
import { keyedByQuery } from './query-keyed.js';
import { detailOf, inboxQuery, REVIEW_TYPES, reviewHrefOf, reviewPathOf } from './reviews-logic.js';

const messages = defineMessages('reviews', { 'zh-CN': zh, en });

function ReviewsScreen(props: ScreenProps) {
  const t = useT(messages);
  const tl = useT(ledgerMessages);
  const { user } = useSession();
  const mayReview = useCan(LEDGER_ROLES.review);
  const [type, setType] = useState(props.query.type ?? '');
  const [draft, setDraft] = useState(type);
  const pager = useCursorPager();
  const enterprises = useEnterprises(user.role);
  const page = useLoad(() => api.get<LedgerPage<LedgerEntry>>('/reviews', inboxQuery(type, offsetOf(pager.cursor), LEDGER_PAGE)), [type, pager.cursor]);
  const review = usePanel<LedgerEntry>(page.reload);

  const apply = (next: string) => {
    pager.reset();
    setType(next);
    history.replaceState(null, '', hrefOf('/reviews', {}, { type: next }));
  };
  const what = (e: LedgerEntry) => t('what', { type: t(`type.${e.type}`), mn: e.mn ?? '', factor: e.factor ?? '', period: showPeriod(e.periodStart, e.periodEnd) });

  const columns: Column<LedgerEntry>[] = [
    { id: 'type', header: t('type'), value: (e) => t(`type.${e.type}`) },
    ...entryHeadColumns<LedgerEntry>(tl, enterprises),
    { id: 'state', header: tl('state'), value: (e) => e.state, render: (e) => <LedgerState state={e.state} /> },
    { id: 'detail', header: t('detail'), render: (e) => <span title={detailOf(e)}>{detailOf(e)}</span> },
    { id: 'waiting', header: t('waitingSince'), value: (e) => e.updatedAt, render: (e) => showTime(e.updatedAt) },
    {
      id: 'actions',
      header: tl('actions'),
      render: (e) => (
        <span class="actions">
          <a class="button-link" data-action="open" href={reviewHrefOf(e)}>
            {t('open')}
          </a>
          {mayReview && canReview(e.type, e.state) && <ReviewButton onClick={() => review.open(e)} />}
        </span>
      ),
    },
  ];

  return (
    <section data-screen="reviews" class="screen">
      <h1>{t('title')}</h1>
      <p class="muted">{t('hint')}</p>
      <FilterBar name="reviews" onApply={() => apply(draft)} onReset={() => (setDraft(''), apply(''))}>
        <SelectField name="type" label={t('type')} value={draft} onChange={setDraft} options={[{ value: '', label: t('anyType') }, ...REVIEW_TYPES.map((k) => ({ value: k, label: t(`type.${k}`) }))]} />
      </FilterBar>
      <Notice text={review.notice} />
      {review.panel && (
        <ReviewForm key={review.panel.id} path={reviewPathOf(review.panel)} what={what(review.panel)} onCancel={review.close} onDone={review.done(t('reviewedOk'))}>
          {detailOf(review.panel) && <p>{detailOf(review.panel)}</p>}
        </ReviewForm>
      )}
      <ErrorBox error={page.error ?? enterprises.error} onRetry={page.reload} />
      <DataTable name="reviews" columns={columns} rows={page.data?.items ?? []} rowKey={(e) => e.id} />
      <Pager pager={pager} total={page.data?.total} nextCursor={nextOffsetOf(page.data)} />
    </section>
  );
}

export default keyedByQuery(ReviewsScreen);
