// Helpers shared by the desktop journeys (tour.test.mjs, desktop.test.mjs, screens.test.mjs): a
// WebDriver session on the real app with small waits (each with a timeout), the focus as a user's
// keyboard and screen reader see it, keys sent to the focused element, screenshots of the app's
// window, and the stand-in SMS.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';

import { appBinary, artifacts, networksFile, repo } from './harness.mjs';
import { Session } from './webdriver.mjs';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const byId = (id) => `[data-testid="${id}"]`;

/** WebDriver key codes (W3C "Element Send Keys"). */
export const KEY = { tab: '\uE004', enter: '\uE007', space: ' ', shiftTab: '\uE008\uE004', down: '\uE015', escape: '\uE00C' };

/** Polls `check` (async, returns a truthy value when done) until `timeoutMs`; returns its value. */
export async function waitUntil(check, what, timeoutMs = 20000, everyMs = 100) {
  const end = Date.now() + timeoutMs;
  let lastErr;
  let last;
  while (Date.now() < end) {
    try {
      last = await check();
      if (last) return last;
    } catch (e) {
      lastErr = e;
    }
    await sleep(everyMs);
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}` +
      `${lastErr ? ` (last error: ${lastErr.message})` : ''}${last !== undefined ? ` (last value: ${JSON.stringify(last)})` : ''}`,
  );
}

/**
 * Starts a WebDriver session on the app; `args` are given to the app's command line (tauri-driver's
 * `tauri:options.args`), as the file manager's "Open with" does.
 */
export async function createSession(driverUrl, { args, timeoutMs = 60000 } = {}) {
  if (!args) return Session.create(driverUrl, appBinary, { timeoutMs });
  const body = { capabilities: { alwaysMatch: { 'tauri:options': { application: appBinary, args } } } };
  const res = await fetch(`${driverUrl}/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`new session: ${res.status} ${json.value?.message ?? ''}`);
  return new Session(driverUrl, json.sessionId ?? json.value.sessionId);
}

/** A user in front of the app: one WebDriver session and the environment it runs in. */
export class User {
  constructor(env, session) {
    this.env = env;
    this.s = session;
  }

  async restart(opts) {
    await this.s?.delete();
    this.s = await createSession(this.env.driverUrl, opts);
  }

  find(css, opts) {
    return this.s.find(css, opts);
  }

  async click(css, opts) {
    await (await this.s.find(css, opts)).click();
  }

  async typeInto(css, text, { clear = false } = {}) {
    const el = await this.s.find(css);
    await el.click();
    if (clear) await el.clear();
    await el.sendKeys(text);
    return el;
  }

  exec(script, args = []) {
    return this.s.execute(script, args);
  }

  /** The next native file dialog (open or save) returns `p` (test hook of RESULT_VAULT_E2E). */
  async nextPath(p) {
    await this.exec('return window.__resultVault.setNextPath(arguments[0]).then(() => true);', [p]);
  }

  /** Opens a file as a drop does (test hook: WebDriver cannot make a native drop). */
  async openPath(p) {
    await this.exec('window.__resultVault.openPath(arguments[0]); return true;', [p]);
  }

  attr(css, name) {
    return this.exec('const el = document.querySelector(arguments[0]); return el ? el.getAttribute(arguments[1]) : null;', [css, name]);
  }

  text(css) {
    return this.exec('const el = document.querySelector(arguments[0]); return el ? el.innerText.trim() : null;', [css]);
  }

  texts(css) {
    return this.exec('return [...document.querySelectorAll(arguments[0])].map((e) => e.innerText.trim());', [css]);
  }

  attrs(css, name) {
    return this.exec('return [...document.querySelectorAll(arguments[0])].map((e) => e.getAttribute(arguments[1]));', [css, name]);
  }

  async count(css) {
    return (await this.s.findAll(css)).length;
  }

  waitGone(css, opts) {
    return this.s.waitGone(css, opts);
  }

  /**
   * Waits until the attribute `name` of `css` reads `expected`; on a timeout, the error says
   * what it read last (null: no such element) and what the window's main heading said.
   */
  async waitAttr(css, name, expected, what, timeoutMs = 20000) {
    let seen;
    try {
      return await waitUntil(async () => {
        seen = await this.attr(css, name);
        return seen === expected;
      }, what, timeoutMs);
    } catch (e) {
      const heading = await this.text('main h2, main h1').catch(() => null);
      throw new Error(`${e.message}: ${css} ${name}=${JSON.stringify(seen)}, heading ${JSON.stringify(heading)}`);
    }
  }

  /** Waits until the text of `css` matches `re`; returns it. */
  waitText(css, re, timeoutMs = 15000) {
    return waitUntil(async () => {
      const t = await this.text(css);
      return t !== null && re.test(t) ? t : null;
    }, `${css} to read ${re}`, timeoutMs);
  }

  /**
   * What has the keyboard focus: tag, id, testid, text, and whether the focus is drawn (the
   * element matches :focus-visible and has an outline of 2px or more, as app.css draws it).
   */
  focused() {
    return this.exec(`
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const st = getComputedStyle(el);
      const outline = st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) >= 2;
      return {
        tag: el.tagName.toLowerCase(),
        id: el.id || null,
        testid: el.getAttribute('data-testid'),
        text: (el.innerText || el.value || el.getAttribute('aria-label') || '').trim(),
        visible: outline && el.matches(':focus-visible'),
        outline: st.outlineStyle + ' ' + st.outlineWidth,
        focusVisible: el.matches(':focus-visible'),
      };
    `);
  }

  /** Waits until the focus is on a heading (h2/h3) whose text matches `re`; returns it. */
  waitHeadingFocus(re, timeoutMs = 10000) {
    return waitUntil(async () => {
      const f = await this.focused();
      return f && /^h[1-3]$/.test(f.tag) && re.test(f.text) ? f : null;
    }, `the focus on a heading reading ${re}`, timeoutMs);
  }

  /** Sends keys to the element that has the focus, as a keyboard does. */
  async press(keys) {
    const active = await this.s.cmd('GET', '/element/active');
    const id = Object.values(active)[0];
    await this.s.cmd('POST', `/element/${id}/value`, { text: keys });
  }

  /**
   * Presses Tab until the focus is on `testid` (at most `max` times); every element reached on the
   * way shows its focus. Returns the focused element's description.
   */
  async tabTo(testid, { max = 25, back = false } = {}) {
    for (let i = 0; i < max; i++) {
      await this.press(back ? KEY.shiftTab : KEY.tab);
      const f = await this.focused();
      if (f) {
        if (!f.visible) throw new Error(`the focus is not drawn on ${JSON.stringify(f)}`);
        if (f.testid === testid) return f;
      }
    }
    throw new Error(`${testid} not reached in ${max} presses of Tab`);
  }

  /** A screenshot of the app's window (900x640 at the top left of the virtual screen). */
  async shot(file, css, block = 'center') {
    if (css) {
      await this.exec('document.querySelector(arguments[0])?.scrollIntoView({ block: arguments[1] }); return true;', [css, block]);
    }
    await sleep(200); // the scroll and the last change are painted
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const size = await this.exec('return [window.outerWidth, window.outerHeight];');
    const [w, h] = size.map((v) => Math.min(Number(v) || 900, 1280));
    execFileSync('import', ['-display', this.env.display, '-window', 'root', '-crop', `${w}x${h}+0+0`, '+repage', file], {
      timeout: 15000,
    });
  }
}

/** The stand-in SMS (tests/standins/sms-standin.mjs) on 127.0.0.1; stop() ends it. */
export async function startSms(name) {
  const child = spawn(process.execPath, ['tests/standins/sms-standin.mjs'], {
    cwd: repo,
    stdio: ['pipe', 'pipe', fs.openSync(path.join(artifacts, `sms-standin-${name}.log`), 'w')],
  });
  const lines = readline.createInterface({ input: child.stdout });
  const first = await Promise.race([
    new Promise((resolve) => lines.once('line', resolve)),
    new Promise((_, reject) => child.once('exit', (c) => reject(new Error(`stand-in SMS exited (${c})`)))),
    sleep(20000).then(() => {
      throw new Error('the stand-in SMS did not start');
    }),
  ]);
  const { sms: url, control } = JSON.parse(first);
  const state = async () => {
    const res = await fetch(`${control}/state`, { signal: AbortSignal.timeout(5000) });
    return res.json();
  };
  const stop = async () => {
    try {
      child.stdin.end();
    } catch {}
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    if (!(await Promise.race([gone.then(() => true), sleep(3000).then(() => false)]))) child.kill('SIGKILL');
  };
  return { url, control, state, stop };
}

/** The networks file of the harness (every URL closed but the SMS). */
export { networksFile };

/** A V3 keystore (and its address) made by ethers, with cheap KDF parameters. */
export function makeKeystore(dir, password) {
  const out = execFileSync(process.execPath, ['tests/interop/scripts/make-keystores.mjs', dir, password], {
    cwd: repo,
    encoding: 'utf8',
    timeout: 60000,
  });
  return { ...JSON.parse(out.trim().split('\n').pop()), file: path.join(dir, 'pbkdf2.json') };
}

/**
 * The environment that makes a process French as a French system does: LANG=fr_FR.UTF-8, with the
 * locale compiled into `dir` (LOCPATH) when the machine has not generated it (a fresh Debian
 * has only C.UTF-8; the `locales` package's sources are enough, no root needed). WebKitGTK takes
 * navigator.language from the process locale (setlocale), which fails for a locale not compiled.
 */
export function frenchEnv(dir) {
  const installed = execFileSync('locale', ['-a'], { encoding: 'utf8' }).split('\n').some((l) => /^fr_FR\.utf-?8$/i.test(l.trim()));
  if (installed) return { LANG: 'fr_FR.UTF-8' };
  const locales = path.join(dir, 'locales');
  fs.mkdirSync(locales, { recursive: true });
  execFileSync('localedef', ['-i', 'fr_FR', '-f', 'UTF-8', path.join(locales, 'fr_FR.UTF-8')], { timeout: 60000, stdio: 'ignore' });
  return { LANG: 'fr_FR.UTF-8', LOCPATH: locales };
}
