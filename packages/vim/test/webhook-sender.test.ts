/**
 * The webhook sender against real HTTP servers on 127.0.0.1: delivery, retry with backoff, bounded
 * attempts, no retry of a refusal, and receivers that are dead or hang costing other webhooks nothing.
 */
import { createLogger } from '@acs/daemon';
import { WebhookSender, type AlertPayload, type WebhookSenderOptions } from '../src/alerts';
import { deadReceiverUrl, startHangingReceiver, startWebhookReceiver } from '../../../test/support/webhook-receiver';

const log = createLogger('test', 'silent');
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function sender(urls: string[], options: Partial<WebhookSenderOptions> = {}): WebhookSender {
  const s = new WebhookSender({ urls, attemptTimeoutMs: 2000, maxAttempts: 3, firstDelayMs: 10, maxDelayMs: 50, queueSize: 10, log, ...options });
  cleanups.push(() => s.close());
  return s;
}

const payload = (message: string): AlertPayload => ({ kind: 'vm-lost', severity: 'critical', service: null, vm: 'vm-1', message, time: new Date(0).toISOString(), details: { reason: 'peer-closed' } });

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('an alert is POSTed as JSON to every webhook', async () => {
  const a = await startWebhookReceiver();
  const b = await startWebhookReceiver();
  cleanups.push(() => a.close(), () => b.close());
  sender([a.url, b.url]).send(payload('one'));
  await until(() => a.received.length === 1 && b.received.length === 1, 'both receivers');
  expect(a.received[0]).toEqual({ ...payload('one'), _contentType: 'application/json' });
});

test('a 503 is retried with backoff until it is accepted', async () => {
  const receiver = await startWebhookReceiver((_body, n) => (n <= 2 ? 503 : 200));
  cleanups.push(() => receiver.close());
  sender([receiver.url]).send(payload('flaky'));
  await until(() => receiver.received.length === 3, 'the third attempt');
  expect(receiver.received.map((r) => r['message'])).toEqual(['flaky', 'flaky', 'flaky']);
});

test('attempts are bounded: an alert always refused with 500 is given up on after maxAttempts, and the next one goes', async () => {
  const receiver = await startWebhookReceiver((body) => (body['message'] === 'doomed' ? 500 : 200));
  cleanups.push(() => receiver.close());
  const s = sender([receiver.url], { maxAttempts: 3 });
  s.send(payload('doomed'));
  s.send(payload('next'));
  // One delivery at a time per webhook: when "next" arrives, "doomed" is over.
  await until(() => receiver.received.some((r) => r['message'] === 'next'), 'the next alert');
  expect(receiver.received.filter((r) => r['message'] === 'doomed')).toHaveLength(3);
});

test('a 400 is a refusal that retrying would not change: one attempt only', async () => {
  const receiver = await startWebhookReceiver((body) => (body['message'] === 'bad' ? 400 : 200));
  cleanups.push(() => receiver.close());
  const s = sender([receiver.url]);
  s.send(payload('bad'));
  s.send(payload('next'));
  await until(() => receiver.received.some((r) => r['message'] === 'next'), 'the next alert');
  expect(receiver.received.filter((r) => r['message'] === 'bad')).toHaveLength(1);
});

test('a dead receiver and a hanging one hold up neither send() nor the healthy webhook', async () => {
  const good = await startWebhookReceiver();
  const hanging = await startHangingReceiver();
  cleanups.push(() => good.close(), () => hanging.close());
  const s = sender([await deadReceiverUrl(), hanging.url, good.url], { attemptTimeoutMs: 60_000, maxAttempts: 5, firstDelayMs: 60_000 });
  for (const m of ['a', 'b', 'c']) s.send(payload(m));
  await until(() => good.received.length === 3, 'all three at the healthy webhook');
  expect(good.received.map((r) => r['message'])).toEqual(['a', 'b', 'c']);
  // The hanging one is still holding its first attempt open, as it should be (60 s timeout).
  await until(() => hanging.open() === 1, 'the hanging connection');
  expect(hanging.accepted()).toBe(1);
  // Closing aborts it: nothing of the sender lingers.
  s.close();
  await until(() => hanging.open() === 0, 'the hanging connection aborted on close');
});

test('an attempt a hanging receiver never answers is aborted after attemptTimeoutMs and retried', async () => {
  const hanging = await startHangingReceiver();
  cleanups.push(() => hanging.close());
  sender([hanging.url], { attemptTimeoutMs: 100, maxAttempts: 3, firstDelayMs: 10 }).send(payload('x'));
  await until(() => hanging.accepted() === 3, 'three attempts');
  await until(() => hanging.open() === 0, 'every attempt aborted');
});

test('the queue is bounded: past queueSize the oldest waiting alert is dropped, and said so', async () => {
  const hanging = await startHangingReceiver();
  cleanups.push(() => hanging.close());
  const dropped: string[] = [];
  const s = sender([hanging.url], { attemptTimeoutMs: 60_000, queueSize: 2, onDropped: (_url, p) => dropped.push(p.message) });
  // "1" is being delivered (and hangs); "2" and "3" wait; "4" and "5" push out the oldest waiting.
  for (const m of ['1', '2', '3', '4', '5']) s.send(payload(m));
  expect(dropped).toEqual(['2', '3']);
});
