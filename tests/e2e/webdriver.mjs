// A small W3C WebDriver client over fetch, with a timeout on every request (a session whose app
// failed to start must not hang the test run).
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export class Session {
  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  static async create(driverUrl, application, { timeoutMs = 60000 } = {}) {
    const body = { capabilities: { alwaysMatch: { 'tauri:options': { application } } } };
    const res = await request(`${driverUrl}/session`, 'POST', body, timeoutMs);
    return new Session(driverUrl, res.sessionId ?? res.value.sessionId);
  }

  cmd(method, path, body) {
    return request(`${this.base}/session/${this.id}${path}`, method, body).then((r) => r.value);
  }

  async find(css, { timeoutMs = 15000, visible = true } = {}) {
    const end = Date.now() + timeoutMs;
    let lastErr;
    while (Date.now() < end) {
      try {
        const el = await this.cmd('POST', '/element', { using: 'css selector', value: css });
        const id = Object.values(el)[0];
        if (!visible || (await this.cmd('GET', `/element/${id}/displayed`))) return new Element(this, id);
      } catch (e) {
        lastErr = e;
      }
      await sleep(150);
    }
    throw new Error(`element ${css} not found: ${lastErr?.message ?? 'not displayed'}`);
  }

  async findAll(css) {
    const els = await this.cmd('POST', '/elements', { using: 'css selector', value: css });
    return els.map((e) => new Element(this, Object.values(e)[0]));
  }

  async waitGone(css, { timeoutMs = 15000 } = {}) {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if ((await this.findAll(css)).length === 0) return;
      await sleep(150);
    }
    throw new Error(`${css} still present`);
  }

  execute(script, args = []) {
    return this.cmd('POST', '/execute/sync', { script, args });
  }

  executeAsync(script, args = []) {
    return this.cmd('POST', '/execute/async', { script, args });
  }

  async screenshot() {
    return Buffer.from(await this.cmd('GET', '/screenshot'), 'base64');
  }

  async delete() {
    try {
      await request(`${this.base}/session/${this.id}`, 'DELETE', undefined, 10000);
    } catch {}
  }
}

export class Element {
  constructor(session, id) {
    this.s = session;
    this.id = id;
  }
  click() {
    return this.s.cmd('POST', `/element/${this.id}/click`, {});
  }
  text() {
    return this.s.cmd('GET', `/element/${this.id}/text`);
  }
  attr(name) {
    return this.s.cmd('GET', `/element/${this.id}/attribute/${name}`);
  }
  clear() {
    return this.s.cmd('POST', `/element/${this.id}/clear`, {});
  }
  sendKeys(text) {
    return this.s.cmd('POST', `/element/${this.id}/value`, { text });
  }
}

async function request(url, method, body, timeoutMs = 30000) {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) {
    const v = json.value ?? {};
    throw new Error(`${method} ${url}: ${res.status} ${v.error ?? ''} ${v.message ?? ''}`);
  }
  return json;
}
