import { describe, expect, it } from 'vitest';
import type { WorktraceEvent } from '#core/contract/event-contract.js';
import {
  appKey,
  domainRuleHost,
  exclusionsOf,
  hostOf,
  PolicyError,
  parsePolicy,
} from '#core/redact/policy.js';
import { redactBatch } from '#core/redact/transform.js';
import { DevicePrivacy } from '../../../agent/privacy.js';
import { makeEvent } from '../../fixtures/events.js';
import { sources, testContext } from '../../fixtures/redact.js';

/** The rules of issue 15, observation 5. */
const policy = parsePolicy({
  version: 'exclusions',
  excludedApps: ['keepassxc', '1password'],
  excludedDomains: ['bank.example.com'],
});
const exclusions = exclusionsOf(policy);
const app = (processName: string, appId = 'app.unrelated') =>
  exclusions.focusExclusion(appId, processName, undefined);
const page = (url: string) => exclusions.focusExclusion('com.google.chrome', 'chrome', url);

describe('exclusionsOf: apps match by process name, whatever the platform spells around it', () => {
  it.each([
    'KeePassXC.exe',
    '1Password.exe',
    'keepassxc',
    'KEEPASSXC',
    '  KeePassXC  ',
    'C:\\Program Files\\KeePassXC\\KeePassXC.exe',
    '"C:\\Program Files\\1Password\\1Password.EXE"',
    '/usr/bin/keepassxc',
    '/Applications/KeePassXC.app',
    '/Applications/1Password.app/',
    '/Applications/KeePassXC.app/Contents/MacOS/KeePassXC',
  ])('excludes %s', (processName) => {
    expect(app(processName)).toBe('excluded_app');
  });

  it('excludes by app id too, and normalises the rule as it normalises the process', () => {
    expect(app('other', 'KeePassXC')).toBe('excluded_app');
    const byExe = exclusionsOf(parsePolicy({ version: 'v', excludedApps: ['KeePassXC.exe'] }));
    expect(byExe.focusExclusion('x', 'keepassxc', undefined)).toBe('excluded_app');
    expect(byExe.focusExclusion('x', '/usr/bin/keepassxc', undefined)).toBe('excluded_app');
    const byId = exclusionsOf(parsePolicy({ version: 'v', excludedApps: ['com.1password.1password'] }));
    expect(byId.focusExclusion('COM.1Password.1Password', 'whatever', undefined)).toBe('excluded_app');
  });

  // Decision: an app rule names a whole program, never a substring. A program or page merely named
  // after it (docs, a helper, a browser tab titled "KeePassXC") is not excluded by the app rule; a
  // site is excluded with excludedDomains, a second program with its own excludedApps entry.
  it.each([
    'keepassxc-docs',
    'keepassxc-cli',
    'keepassxc.docs.exe',
    'mykeepassxc',
    '1password-helper',
    'notepad.exe',
    'C:\\keepassxc\\notepad.exe',
    '/Applications/KeePassXC.app/Contents/MacOS/Updater',
  ])('does not exclude %s', (processName) => {
    expect(app(processName)).toBeNull();
  });

  it('does not exclude a browser page about the app (use excludedDomains for a site)', () => {
    expect(page('https://keepassxc.org/docs/KeePassXC_UserGuide')).toBeNull();
  });

  it('appKey strips directory, .exe/.app and case, and nothing else', () => {
    expect(appKey('C:\\Tools\\KeePassXC.exe')).toBe('keepassxc');
    expect(appKey('/Applications/1Password.app')).toBe('1password');
    expect(appKey('com.1password.1password')).toBe('com.1password.1password');
    expect(appKey('keepassxc-docs')).toBe('keepassxc-docs');
  });
});

describe('exclusionsOf: domains match by host, and every subdomain of it', () => {
  it.each([
    'https://bank.example.com/login',
    'https://bank.example.com./login',
    'bank.example.com/login',
    'bank.example.com',
    'bank.example.com.',
    'BANK.Example.COM/Login',
    '//bank.example.com/login',
    'https://bank.example.com:8443/login',
    'bank.example.com:8443/login',
    'https://user:pw@bank.example.com/login',
    'https://www.bank.example.com/',
    'https://secure.login.bank.example.com./x',
    'http://bank%2Eexample.com/login',
    'https://bank\u3002example\u3002com/login',
    'https://evil.io@bank.example.com/',
    'https://bank.example.com\\@evil.io/',
    'https://bank.example.com:99999/login',
    '  https://bank.example.com/login  ',
  ])('excludes %s', (url) => {
    expect(page(url)).toBe('excluded_domain');
  });

  it.each([
    'https://notbank.example.com.evil.io/login',
    'https://bank.example.com.evil.io/login',
    'bank.example.com.evil.io/login',
    'https://mybank.example.community/',
    'https://notbank.example.com/',
    'https://example.com/bank.example.com',
    'https://evil.io/?next=https://bank.example.com/',
    'https://bank.example.com@evil.io/',
    'mailto:support@bank.example.com',
    'about:blank',
    'New Tab',
  ])('does not exclude %s', (url) => {
    expect(page(url)).toBeNull();
  });

  it('matches IDN hosts and rules in either Unicode or punycode', () => {
    const unicodeRule = exclusionsOf(parsePolicy({ version: 'v', excludedDomains: ['bänk.example'] }));
    const punyRule = exclusionsOf(
      parsePolicy({ version: 'v', excludedDomains: [domainRuleHost('bänk.example') as string] }),
    );
    for (const rules of [unicodeRule, punyRule]) {
      for (const url of ['https://BÄNK.example/login', 'bänk.example/login', 'https://xn--bnk-qla.example/'])
        expect(rules.focusExclusion('c', 'chrome', url), url).toBe('excluded_domain');
      expect(rules.focusExclusion('c', 'chrome', 'https://bank.example/')).toBeNull();
    }
  });

  it('reads the rule forms an operator may write as the same host', () => {
    for (const rule of [
      'bank.example.com',
      '.bank.example.com',
      '*.bank.example.com',
      'BANK.example.com.',
      'https://bank.example.com/',
      ' bank.example.com ',
    ])
      expect(domainRuleHost(rule), rule).toBe('bank.example.com');
  });

  it('hostOf reads schemeless URLs as host and path, and opaque schemes as no host', () => {
    expect(hostOf('bank.example.com/login?next=/home')).toBe('bank.example.com');
    expect(hostOf('localhost:3000/')).toBe('localhost');
    expect(hostOf('https://[::1]:8443/')).toBe('[::1]');
    expect(hostOf('data:text/html,hello')).toBeNull();
    expect(hostOf(undefined)).toBeNull();
    expect(hostOf('')).toBeNull();
  });

  it('rejects, naming the field and not the value, a rule that names no host or no app', () => {
    for (const [value, path] of [
      [{ excludedDomains: ['*.'] }, 'policy.excludedDomains.0'],
      [{ excludedDomains: ['bank.example.com', 'private bank'] }, 'policy.excludedDomains.1'],
      [{ excludedApps: ['   '] }, 'policy.excludedApps.0'],
      [{ excludedDomains: ['<private bank@->'] }, 'policy.excludedDomains.0'],
      [{ excludedDomains: ['private bank@bank.example.com'] }, 'policy.excludedDomains.0'],
      [{ excludedDomains: ['<private bank#x>'] }, 'policy.excludedDomains.0'],
    ] as const) {
      let message = '';
      try {
        parsePolicy({ version: 'v', ...value });
      } catch (err) {
        expect(err).toBeInstanceOf(PolicyError);
        message = (err as Error).message;
      }
      expect(message).toContain(path);
      expect(message).not.toContain('private bank');
    }
  });
});

describe('the agent and the redactor exclude with the same rules', () => {
  const focusThenType = (patch: Record<string, unknown>): WorktraceEvent[] => [
    makeEvent('focus', { seq: 1, ...patch }) as WorktraceEvent,
    makeEvent('text', { seq: 2 }) as WorktraceEvent,
  ];
  const cases: [string, Record<string, unknown>, 'excluded_app' | 'excluded_domain'][] = [
    ['KeePassXC.exe', { appId: 'x', processName: 'KeePassXC.exe', url: undefined }, 'excluded_app'],
    ['1Password.exe', { appId: 'x', processName: '1Password.exe', url: undefined }, 'excluded_app'],
    [
      'a trailing-dot host',
      { processName: 'chrome', url: 'https://bank.example.com./login' },
      'excluded_domain',
    ],
    ['a schemeless URL', { processName: 'chrome', url: 'bank.example.com/login' }, 'excluded_domain'],
  ];

  it.each(cases)('%s: dropped on the device', (_name, patch, reason) => {
    const device = new DevicePrivacy(policy);
    const kept = focusThenType(patch).flatMap((e) => device.accept(e));
    expect(kept).toEqual([]);
    expect(device.dropped[reason]).toBe(2);
  });

  it.each(cases)('%s: dropped by the redactor', async (_name, patch, reason) => {
    const out = await redactBatch(sources(focusThenType(patch)), testContext(policy));
    expect(out.rows).toEqual([]);
    expect(out.counts.dropped[reason]).toBe(2);
  });
});

describe('the default policy (config/policy.default.json)', () => {
  it('excludes the password managers and the bank however the platform names them', async () => {
    const { readFileSync } = await import('node:fs');
    const defaults = exclusionsOf(
      parsePolicy(JSON.parse(readFileSync('config/policy.default.json', 'utf8'))),
    );
    for (const processName of ['1Password.exe', 'KeePassXC.exe', '/Applications/1Password.app'])
      expect(defaults.focusExclusion('app.unrelated', processName, undefined), processName).toBe(
        'excluded_app',
      );
    expect(defaults.focusExclusion('com.google.chrome', 'chrome', 'bank.example.com./login')).toBe(
      'excluded_domain',
    );
    expect(defaults.focusExclusion('com.microsoft.Excel', 'EXCEL.EXE', undefined)).toBeNull();
  });
});
