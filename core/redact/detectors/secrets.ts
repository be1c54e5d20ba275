/**
 * Secret detectors: provider tokens, key=value secrets, bearer tokens, PEM private keys, JWTs, URL
 * credentials and query values, and generic high-entropy tokens.
 */
import type { EntityType } from '../scrub-types.js';
import {
  type Candidate,
  collect,
  copyPatterns,
  type DetectorLayer,
  type Enabled,
  freezePatterns,
  shannonEntropy,
} from './common.js';

/** Named regexes, exported so the ReDoS test can analyse every one. Frozen: layers run copies. */
export const SECRET_PATTERNS = freezePatterns({
  awsAccessKey: /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA|ASCA)[A-Z0-9]{16}\b/g,
  awsSecretKey: /aws_?secret_?(?:access_?)?key["']?\s{0,3}[:=]\s{0,3}["']?([A-Za-z0-9/+]{40})/gi,
  github: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})/g,
  gitlab: /\bglpat-[A-Za-z0-9_-]{20,64}/g,
  slack: /\bxox[abposr]-[A-Za-z0-9-]{10,200}/g,
  slackWebhook: /hooks\.slack\.com\/services\/[A-Za-z0-9/]{10,200}/g,
  stripe: /\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,200}/g,
  openai: /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,200}/g,
  gcpApiKey: /\bAIza[0-9A-Za-z_-]{35}/g,
  gcpOauth: /\bya29\.[0-9A-Za-z_-]{20,300}/g,
  gcpKeyId: /"private_key_id"\s{0,3}:\s{0,3}"([a-f0-9]{40})"/g,
  azureAccountKey: /(?:AccountKey|SharedAccessKey|SharedAccessSignature)=([A-Za-z0-9+/=%]{20,200})/g,
  azureClientSecret: /\b[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}/g,
  bearer: /\b[Bb]earer\s{1,3}([A-Za-z0-9._~+/-]{8,2000}=*)/g,
  keyValueSecret:
    /\b(password|passwd|pwd|passphrase|secret|client_?secret|token|access_?token|auth_?token|refresh_?token|api_?key|apikey)["']?\s{0,3}[:=]\s{0,3}("[^"\n]{1,200}"|'[^'\n]{1,200}'|[^\s,;&"'<>]{1,200})/gi,
  url: /\b[a-zA-Z][a-zA-Z0-9+.-]{1,20}:\/\/[^\s<>"'`]{1,2000}/g,
} as const);

/** PEM private key blocks, whole; an unterminated block runs to the end of the field. */
function privateKeys(out: Candidate[], text: string): void {
  let from = 0;
  for (;;) {
    const begin = text.indexOf('-----BEGIN', from);
    if (begin === -1) return;
    const headerEnd = text.indexOf('-----', begin + 10);
    const header = headerEnd === -1 ? '' : text.slice(begin, headerEnd);
    if (headerEnd === -1 || !header.includes('PRIVATE KEY') || header.length > 60) {
      from = begin + 10;
      continue;
    }
    const endMarker = text.indexOf('-----END', headerEnd + 5);
    let end = text.length;
    if (endMarker !== -1) {
      const close = text.indexOf('-----', endMarker + 8);
      end = close === -1 ? text.length : close + 5;
    }
    out.push({ type: 'PRIVATE_KEY', start: begin, end, priority: 100, norm: text.slice(begin, end) });
    from = end;
  }
}

/** JWTs: within each run of base64url characters and dots, three segments of which the first two start 'eyJ'. */
function jwts(out: Candidate[], text: string): void {
  const isPart = (c: number) =>
    (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45 || c === 46;
  let i = text.indexOf('eyJ');
  while (i !== -1 && i < text.length) {
    let j = i;
    while (j < text.length && isPart(text.charCodeAt(j))) j++;
    const parts = text.slice(i, j).split('.');
    let offset = i;
    for (let k = 0; k + 2 < parts.length; k++) {
      const [h, p, sig] = [parts[k] as string, parts[k + 1] as string, parts[k + 2] as string];
      if (h.startsWith('eyJ') && p.startsWith('eyJ') && h.length >= 8 && p.length >= 8 && sig.length >= 5) {
        const end = offset + h.length + p.length + sig.length + 2;
        out.push({ type: 'JWT', start: offset, end, priority: 97, norm: text.slice(offset, end) });
        break;
      }
      offset += h.length + 1;
    }
    i = text.indexOf('eyJ', j);
  }
}

/**
 * Generic high-entropy tokens: runs of [A-Za-z0-9_+/=-] of 20-512 characters that mix letters and digits
 * (upper, lower and digits; or long hex; or long base64) with entropy near the maximum for their length.
 */
/** Characters of a generic token: [A-Za-z0-9_+/=-], as a lookup table over ASCII. */
const TOKEN_CHARS = (() => {
  const table = new Uint8Array(128);
  for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+/=-')
    table[ch.charCodeAt(0)] = 1;
  return table;
})();

function highEntropy(out: Candidate[], text: string): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c >= 128 || TOKEN_CHARS[c] === 0) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < n) {
      const d = text.charCodeAt(j);
      if (d >= 128 || TOKEN_CHARS[d] === 0) break;
      j++;
    }
    let s = i;
    let e = j;
    i = j;
    if (e - s < 20) continue;
    while (s < e && '/-+='.includes(text[s] as string)) s++;
    while (e > s && '/-'.includes(text[e - 1] as string)) e--;
    const len = e - s;
    if (len >= 20 && len <= 512) {
      const token = text.slice(s, e);
      const upper = /[A-Z]/.test(token);
      const lower = /[a-z]/.test(token);
      const digit = /\d/.test(token);
      // Long hex strings (API keys, hashes) top out at 4 bits/char; UUIDs (dashed) are kept as record ids.
      const hex = len >= 32 && /^[0-9a-fA-F]+$/.test(token);
      const shaped =
        (upper && lower && digit) || hex || (digit && (upper || lower) && /[+/]/.test(token) && len >= 30);
      const threshold = hex ? 3.3 : Math.min(4.0, Math.log2(len) - 0.7);
      if (shaped && shannonEntropy(token) >= threshold) {
        out.push({ type: 'SECRET', start: s, end: e, priority: 20, norm: token });
      }
    }
  }
}

/** URLs: userinfo is dropped (its parts reported), query values and the fragment are tokenised. */
function urls(out: Candidate[], text: string, re: RegExp): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    let url = m[0];
    while (url.length > 0 && '.,;:!?)]}'.includes(url[url.length - 1] as string)) url = url.slice(0, -1);
    const base = m.index;
    const authStart = url.indexOf('://') + 3;
    let authEnd = url.length;
    for (const ch of ['/', '?', '#']) {
      const k = url.indexOf(ch, authStart);
      if (k !== -1 && k < authEnd) authEnd = k;
    }
    const at = url.lastIndexOf('@', authEnd - 1);
    if (at >= authStart) {
      // userinfo is removed entirely, '@' included; a password inside it is reported as PASSWORD
      const colon = url.indexOf(':', authStart);
      if (colon !== -1 && colon < at) {
        out.push({
          type: 'URL_USERINFO',
          start: base + authStart,
          end: base + colon,
          priority: 90,
          norm: '',
          drop: true,
        });
        out.push({
          type: 'PASSWORD',
          start: base + colon,
          end: base + at + 1,
          priority: 90,
          norm: '',
          drop: true,
        });
      } else {
        out.push({
          type: 'URL_USERINFO',
          start: base + authStart,
          end: base + at + 1,
          priority: 90,
          norm: '',
          drop: true,
        });
      }
    }
    const q = url.indexOf('?', authEnd);
    const hash = url.indexOf('#', authEnd);
    const queryEnd = hash === -1 ? url.length : hash;
    if (q !== -1 && q < queryEnd) {
      let p = q + 1;
      while (p < queryEnd) {
        let amp = url.indexOf('&', p);
        if (amp === -1 || amp > queryEnd) amp = queryEnd;
        const eq = url.indexOf('=', p);
        if (eq !== -1 && eq < amp && amp > eq + 1) {
          const value = url.slice(eq + 1, amp);
          out.push({ type: 'URL_QUERY', start: base + eq + 1, end: base + amp, priority: 85, norm: value });
        }
        p = amp + 1;
      }
    }
    if (hash !== -1 && hash + 1 < url.length) {
      out.push({
        type: 'URL_FRAGMENT',
        start: base + hash + 1,
        end: base + url.length,
        priority: 85,
        norm: url.slice(hash + 1),
      });
    }
    re.lastIndex = base + Math.max(url.length, 1);
  }
}

/** The secret layer, with its own regex copies. */
export function secretLayer(on: Enabled): DetectorLayer {
  const P = copyPatterns(SECRET_PATTERNS);
  return (out, text, f) => {
    if (on('PRIVATE_KEY') && text.includes('-----BEGIN')) privateKeys(out, text);
    if (f.hasScheme) urls(out, text, P.url);
    if (f.hasUpper || f.digits > 0) {
      if (on('AWS_ACCESS_KEY')) collect(out, P.awsAccessKey, text, 'AWS_ACCESS_KEY', 95);
      if (on('GCP_KEY')) {
        collect(out, P.gcpApiKey, text, 'GCP_KEY', 95);
        collect(out, P.gcpOauth, text, 'GCP_KEY', 95);
      }
    }
    if (on('AWS_SECRET_KEY') && (f.hasEquals || f.hasColon))
      collect(out, P.awsSecretKey, text, 'AWS_SECRET_KEY', 96, 1);
    if (on('GCP_KEY') && text.includes('private_key_id')) collect(out, P.gcpKeyId, text, 'GCP_KEY', 95, 1);
    if (on('GITHUB_TOKEN')) collect(out, P.github, text, 'GITHUB_TOKEN', 95);
    if (on('GITLAB_TOKEN')) collect(out, P.gitlab, text, 'GITLAB_TOKEN', 95);
    if (on('SLACK_TOKEN')) {
      collect(out, P.slack, text, 'SLACK_TOKEN', 95);
      if (f.hasScheme) collect(out, P.slackWebhook, text, 'SLACK_TOKEN', 95);
    }
    if (on('STRIPE_KEY')) collect(out, P.stripe, text, 'STRIPE_KEY', 95);
    if (on('OPENAI_KEY')) collect(out, P.openai, text, 'OPENAI_KEY', 94);
    if (on('AZURE_KEY')) {
      if (f.hasEquals) collect(out, P.azureAccountKey, text, 'AZURE_KEY', 95, 1);
      if (text.includes('Q~')) collect(out, P.azureClientSecret, text, 'AZURE_KEY', 95);
    }
    if (on('JWT') && text.includes('eyJ')) jwts(out, text);
    if (on('BEARER_TOKEN')) collect(out, P.bearer, text, 'BEARER_TOKEN', 93, 1);
    if (f.hasEquals || f.hasColon) {
      const re = P.keyValueSecret;
      re.lastIndex = 0;
      for (let m = re.exec(text); m !== null; m = re.exec(text)) {
        const key = (m[1] as string).toLowerCase();
        let value = m[2] as string;
        let start = m.index + m[0].length - value.length;
        if ((value.startsWith('"') || value.startsWith("'")) && value.length >= 2) {
          value = value.slice(1, -1);
          start += 1;
        }
        const type: EntityType = key.startsWith('pass') || key === 'pwd' ? 'PASSWORD' : 'SECRET';
        if (value !== '' && on(type))
          out.push({ type, start, end: start + value.length, priority: 80, norm: value });
      }
    }
    if (on('SECRET') && text.length >= 20) highEntropy(out, text);
  };
}
