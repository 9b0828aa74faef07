import { registerUser } from '../support/factories';
import { useTestApp } from '../support/test-app';

const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';

describe('GET /metrics', () => {
  const t = useTestApp({ env: { METRICS_TOKEN, LOGIN_FREE_FAILURES: '0', RATE_LIMIT_FORGOT_PASSWORD: '1/1m' } });

  const scrape = async () =>
    (
      await t
        .api()
        .get('/metrics')
        .set('Authorization', `Bearer ${METRICS_TOKEN}`)
        .expect(200)
        .expect('Content-Type', /text\/plain/)
    ).text;

  it('refuses a scrape without the token, or with a wrong one', async () => {
    await t.api().get('/metrics').expect(401);
    await t.api().get('/metrics').set('Authorization', 'Bearer wrong').expect(401);
  });

  it('counts requests by route pattern and status, with latency histograms', async () => {
    await t.api().get('/healthz').expect(200);
    await t.api().get('/no/such/route').expect(404);
    const text = await scrape();
    expect(text).toMatch(/identity_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
    expect(text).toMatch(/identity_http_requests_total\{method="GET",route="unmatched",status="404"\} \d+/);
    expect(text).toMatch(
      /identity_http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/healthz",status="200"\}/,
    );
  });

  it('counts login outcomes and rate-limit blocks', async () => {
    const user = await registerUser(t.api);
    await t.api().post('/api/v1/login').send({ username: user.email, password: user.password }).expect(200);
    await t.api().post('/api/v1/login').send({ username: user.email, password: 'wrong-password' }).expect(401);
    await t.api().post('/api/v1/login').send({ username: user.email, password: 'wrong-password' }).expect(429);
    await t.api().post('/api/v1/password/forgot').send({ username: 'a@example.com' }).expect(200);
    await t.api().post('/api/v1/password/forgot').send({ username: 'a@example.com' }).expect(429);
    const text = await scrape();
    expect(text).toContain('identity_login_attempts_total{outcome="success"} 1');
    expect(text).toContain('identity_login_attempts_total{outcome="invalid_credentials"} 1');
    expect(text).toContain('identity_login_attempts_total{outcome="rate_limited"} 1');
    expect(text).toContain('identity_rate_limit_blocks_total{scope="account",action="login"} 1');
    expect(text).toContain('identity_rate_limit_blocks_total{scope="ip",action="forgot_password"} 1');
  });

  it('reports the outbox backlog and the database pool', async () => {
    const text = await scrape();
    expect(text).toMatch(/identity_outbox_backlog\{kind="email"\} \d+/);
    // Without NATS_URL no event is kept, so none waits.
    expect(text).toContain('identity_outbox_backlog{kind="event"} 0');
    expect(text).toMatch(/identity_db_pool_connections\{state="total"\} \d+/);
    expect(text).toContain('process_cpu_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(text).not.toContain('identity_process_');
  });
});

describe('GET /metrics without METRICS_TOKEN', () => {
  const t = useTestApp();

  it('does not exist on the public port', async () => {
    const response = await t.api().get('/metrics').expect(404);
    expect(response.body.code).toBe('not_found');
  });
});
