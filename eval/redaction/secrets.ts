/**
 * Provider secrets synthesised in each provider's documented shape with random bodies, and the config
 * keys they are usually stored under. Shapes come from the providers' own documentation of their token
 * formats (prefixes, lengths, alphabets), not from any detector rule set.
 */
import type { Dice } from '../../agent/simulator/values.js';

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const ALNUM = UPPER + LOWER + DIGITS;
const B64URL = `${ALNUM}-_`;
const B64 = `${ALNUM}+/`;
const HEX = '0123456789abcdef';

/** One provider's secret: how to make a value and the keys a config file stores it under. */
export interface SecretShape {
  readonly id: string;
  readonly make: (d: Dice) => string;
  readonly keys: readonly string[];
}

const base64url = (s: string): string => Buffer.from(s).toString('base64url');

function jwt(d: Dice): string {
  const header = base64url(JSON.stringify({ alg: d.pick(['HS256', 'RS256', 'ES256']), typ: 'JWT' }));
  const payload = base64url(
    JSON.stringify({ sub: d.chars(DIGITS, 8), iat: d.int(1_600_000_000, 1_800_000_000), scope: 'read' }),
  );
  return `${header}.${payload}.${d.chars(B64URL, d.int(43, 86))}`;
}

function uuid(d: Dice): string {
  const h = (n: number) => d.chars(HEX, n);
  return `${h(8)}-${h(4)}-4${h(3)}-${d.pick(['8', '9', 'a', 'b'])}${h(3)}-${h(12)}`;
}

function pem(d: Dice): string {
  const kind = d.pick(['RSA PRIVATE KEY', 'PRIVATE KEY', 'EC PRIVATE KEY', 'OPENSSH PRIVATE KEY']);
  const lines = Array.from({ length: d.int(2, 5) }, () => d.chars(B64, 64));
  return `-----BEGIN ${kind}-----\n${lines.join('\n')}\n${d.chars(B64, d.int(8, 40))}=\n-----END ${kind}-----`;
}

function password(d: Dice): string {
  const words = ['Sommer', 'winter', 'Dragon', 'kissa', 'Lua', 'tiger', 'Paris', 'blue', 'Orange'];
  const symbols = '!#$%&*/+?@^';
  return `${d.pick(words)}${d.chars(symbols, 1)}${d.chars(DIGITS, d.int(2, 4))}${d.chars(ALNUM + symbols, d.int(2, 6))}`;
}

/** Every provider shape the corpus plants. */
export const SECRET_SHAPES: readonly SecretShape[] = [
  {
    id: 'aws-access-key-id',
    make: (d) => `${d.pick(['AKIA', 'ASIA'])}${d.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`,
    keys: ['aws_access_key_id', 'AWS_ACCESS_KEY_ID'],
  },
  {
    id: 'aws-secret-access-key',
    make: (d) => d.chars(B64, 40),
    keys: ['aws_secret_access_key', 'AWS_SECRET_ACCESS_KEY'],
  },
  {
    id: 'github-classic',
    make: (d) => `${d.pick(['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'])}${d.chars(ALNUM, 36)}`,
    keys: ['GITHUB_TOKEN', 'GH_TOKEN', 'token'],
  },
  {
    id: 'github-fine-grained',
    make: (d) => `github_pat_${d.chars(ALNUM, 22)}_${d.chars(ALNUM, 59)}`,
    keys: ['GITHUB_TOKEN', 'github_token'],
  },
  { id: 'gitlab', make: (d) => `glpat-${d.chars(B64URL, 20)}`, keys: ['GITLAB_TOKEN', 'CI_JOB_TOKEN'] },
  {
    id: 'slack-token',
    make: (d) =>
      `${d.pick(['xoxb', 'xoxp', 'xoxa', 'xoxe'])}-${d.chars(DIGITS, 12)}-${d.chars(DIGITS, 13)}-${d.chars(ALNUM, 24)}`,
    keys: ['SLACK_BOT_TOKEN', 'slack_token'],
  },
  {
    id: 'slack-webhook',
    make: (d) =>
      `https://hooks.slack.com/services/T${d.chars(UPPER + DIGITS, 10)}/B${d.chars(UPPER + DIGITS, 10)}/${d.chars(ALNUM, 24)}`,
    keys: ['SLACK_WEBHOOK_URL', 'webhook'],
  },
  {
    id: 'stripe',
    make: (d) => `${d.pick(['sk_live_', 'rk_live_', 'sk_test_'])}${d.chars(ALNUM, d.int(24, 99))}`,
    keys: ['STRIPE_SECRET_KEY', 'stripe_key'],
  },
  {
    id: 'openai',
    make: (d) =>
      d.chance(0.5)
        ? `sk-proj-${d.chars(B64URL, 74)}T3BlbkFJ${d.chars(B64URL, 74)}`
        : `sk-${d.chars(ALNUM, 20)}T3BlbkFJ${d.chars(ALNUM, 20)}`,
    keys: ['OPENAI_API_KEY', 'openai_key'],
  },
  {
    id: 'anthropic',
    make: (d) => `sk-ant-${d.pick(['api03', 'admin01'])}-${d.chars(B64URL, 93)}AA`,
    keys: ['ANTHROPIC_API_KEY'],
  },
  {
    id: 'grafana-cloud',
    make: (d) =>
      `glc_${base64url(JSON.stringify({ o: d.chars(DIGITS, 6), n: `stack-${d.chars(DIGITS, 6)}`, k: d.chars(ALNUM, 24), m: { r: 'eu' } }))}`,
    keys: ['GRAFANA_CLOUD_TOKEN'],
  },
  {
    id: 'grafana-service-account',
    make: (d) => `glsa_${d.chars(ALNUM, 32)}_${d.chars(HEX, 8)}`,
    keys: ['GRAFANA_TOKEN', 'GF_SA_TOKEN'],
  },
  {
    id: 'tailscale',
    make: (d) =>
      `tskey-${d.pick(['auth', 'api', 'client'])}-k${d.chars(ALNUM, 11)}CNTRL-${d.chars(ALNUM, 33)}`,
    keys: ['TS_AUTHKEY', 'TAILSCALE_API_KEY'],
  },
  {
    id: 'hugging-face',
    make: (d) => `hf_${d.chars(UPPER + LOWER, 34)}`,
    keys: ['HF_TOKEN', 'HUGGING_FACE_HUB_TOKEN'],
  },
  {
    id: '1password-service-account',
    make: (d) =>
      `ops_${base64url(JSON.stringify({ signInAddress: 'my.1password.com', userAuth: { method: 'SRPg-4096', alg: 'PBES2g-HS256', iterations: 650000, salt: d.chars(B64URL, 22) }, email: `${d.chars(LOWER, 13)}@1passwordserviceaccounts.com`, srpX: d.chars(HEX, 64), muk: { alg: 'A256GCM', ext: true, k: d.chars(B64URL, 43), key_ops: ['encrypt', 'decrypt'], kty: 'oct', kid: 'mp' }, secretKey: `A3-${d.chars(UPPER + DIGITS, 6)}-${d.chars(UPPER + DIGITS, 6)}`, throttleSecret: { seed: d.chars(HEX, 64), uuid: d.chars(UPPER + DIGITS, 26) }, deviceUuid: d.chars(LOWER + DIGITS, 26) }))}`,
    keys: ['OP_SERVICE_ACCOUNT_TOKEN'],
  },
  {
    id: '1password-secret-key',
    make: (d) =>
      `A3-${d.chars(UPPER + DIGITS, 6)}-${d.chars(UPPER + DIGITS, 6)}-${d.chars(UPPER + DIGITS, 5)}-${d.chars(UPPER + DIGITS, 5)}-${d.chars(UPPER + DIGITS, 5)}-${d.chars(UPPER + DIGITS, 5)}`,
    keys: ['Secret Key'],
  },
  {
    id: 'azure-ad-client-secret',
    make: (d) => `${d.chars(`${ALNUM}_~.-`, 3)}${d.int(0, 9)}Q~${d.chars(`${ALNUM}_~.-`, 34)}`,
    keys: ['AZURE_CLIENT_SECRET', 'client_secret'],
  },
  { id: 'azure-ad-tenant-id', make: uuid, keys: ['AZURE_TENANT_ID', 'tenant_id', 'tenantId'] },
  {
    id: 'azure-storage-key',
    make: (d) => `${d.chars(B64, 86)}==`,
    keys: ['AZURE_STORAGE_KEY', 'AccountKey'],
  },
  {
    id: 'secp256k1-private-key',
    make: (d) => `${d.chance(0.5) ? '0x' : ''}${d.chars(HEX, 64)}`,
    keys: ['PRIVATE_KEY', 'ETH_PRIVATE_KEY', 'WALLET_PRIVATE_KEY'],
  },
  { id: 'jwt', make: jwt, keys: ['ACCESS_TOKEN', 'id_token', 'SESSION_JWT'] },
  { id: 'pem-private-key', make: pem, keys: ['private_key', 'SSH_KEY'] },
  {
    id: 'npm',
    make: (d) => `npm_${d.chars(ALNUM, 36)}`,
    keys: ['NPM_TOKEN', '//registry.npmjs.org/:_authToken'],
  },
  {
    id: 'sendgrid',
    make: (d) => `SG.${d.chars(B64URL, 22)}.${d.chars(B64URL, 43)}`,
    keys: ['SENDGRID_API_KEY'],
  },
  { id: 'google-api-key', make: (d) => `AIza${d.chars(B64URL, 35)}`, keys: ['GOOGLE_API_KEY', 'apiKey'] },
  { id: 'twilio', make: (d) => `SK${d.chars(HEX, 32)}`, keys: ['TWILIO_API_KEY'] },
  {
    id: 'shopify',
    make: (d) => `${d.pick(['shpat_', 'shpss_', 'shpca_'])}${d.chars(HEX, 32)}`,
    keys: ['SHOPIFY_ACCESS_TOKEN'],
  },
  { id: 'digitalocean', make: (d) => `dop_v1_${d.chars(HEX, 64)}`, keys: ['DIGITALOCEAN_TOKEN'] },
  { id: 'databricks', make: (d) => `dapi${d.chars(HEX, 32)}`, keys: ['DATABRICKS_TOKEN'] },
  { id: 'linear', make: (d) => `lin_api_${d.chars(ALNUM, 40)}`, keys: ['LINEAR_API_KEY'] },
  {
    id: 'telegram-bot',
    make: (d) => `${d.chars(DIGITS, 10)}:AA${d.chars(B64URL, 33)}`,
    keys: ['TELEGRAM_BOT_TOKEN'],
  },
  {
    id: 'pypi',
    make: (d) => `pypi-AgEIcHlwaS5vcmc${d.chars(B64URL, 60)}`,
    keys: ['PYPI_TOKEN', 'TWINE_PASSWORD'],
  },
  {
    id: 'password',
    make: password,
    keys: ['DB_PASSWORD', 'password', 'pass', 'PGPASSWORD', 'pwd', 'SMTP_PASS'],
  },
  {
    id: 'generic-api-key',
    make: (d) => d.chars(ALNUM, d.int(24, 48)),
    keys: ['x-api-key', 'api_key', 'API_SECRET'],
  },
];

/** A PIN as typed into a form or chat: four to six digits. */
export function pin(d: Dice): string {
  return d.chars(DIGITS, d.int(4, 6));
}

/** A basic-auth password holding `/` or `#`, the characters that break naive URL parsing. */
export function urlPassword(d: Dice): string {
  return `${d.chars(ALNUM, d.int(3, 6))}${d.pick(['/', '#', '/#', '#/'])}${d.chars(ALNUM, d.int(3, 8))}`;
}
