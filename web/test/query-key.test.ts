/** The key that remounts a screen when its hash query changes. */
import t from 'tap';
import { queryKey } from '../src/screens/query-key.js';

t.test('same parameters in any order give one key; any difference another', async (tt) => {
  tt.equal(queryKey({ state: 'open', month: '2024-05' }), queryKey({ month: '2024-05', state: 'open' }));
  tt.not(queryKey({ tab: 'anomalies' }), queryKey({}));
  tt.not(queryKey({ state: 'open' }), queryKey({ state: 'explained' }));
  tt.equal(queryKey({}), '');
  tt.equal(queryKey({ q: 'a&b=c' }), 'q=a%26b%3Dc', 'values cannot forge another parameter');
});
