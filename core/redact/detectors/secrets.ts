/**
 * Secret detectors: provider tokens (rules kept as data in `secret-rules.ts`), key=value and header
 * secrets, passwords after bare cue words, access and one-time codes, PostgreSQL password-file lines, PEM
 * private keys, JWTs, URL credentials and query values, logins (home-directory paths, user cues, sudo and
 * sshd logs, the Common Log Format, shell prompts, ssh targets, `DOMAIN\user`), and generic high-entropy
 * tokens scored by shape and context so hashes, UUIDs and encoded blobs stay.
 */

import { UI_WORD_KEYS } from '../lexicon.js';
import type { EntityType } from '../scrub-types.js';
import {
  type Candidate,
  copyPatterns,
  type DetectorLayer,
  type Enabled,
  freezePatterns,
  shannonEntropy,
} from './common.js';
import { type ContextCues, contextOf } from './context.js';
import { SECRET_RULE_PATTERNS, SECRET_RULES, type SecretRule } from './secret-rules.js';

/** The layer's own patterns (besides the provider rules). */
const OWN_SECRET_PATTERNS = {
  // Short keys need a non-alphanumeric before them (`db_pass=` yes, `bypass=` no); long ones may follow
  // anything, so `DB_PASSWORD=`, `dbPassword:` and `x-api-key:` are keys too.
  keyValueSecret:
    /(?:(?<![A-Za-z0-9])(pass|pwd|token|secret|credentials?|auth)|(passw(?:or)?d|passwort|kennwort|wachtwoord|lösenord|salasana|hasło|heslo|jelszó|parola|passord|adgangskode|senha|contraseña|mot de passe|passphrase|passcode|secret[_-]?key(?:[_-]?base)?|api[_ -]?key|apikey|access[_-]?key|(?:access|auth|refresh|session|id|bearer)[_-]?token|private[_-]?key|client[_-]?secret|signing[_-]?key|encryption[_-]?key|master[_-]?key|webhook[_-]?secret))["']?\s{0,3}[:=][ \t]{0,3}("[^"\n]{1,200}"|'[^'\n]{1,200}'|[^\s,;"'<>]{1,200})/gi,
  // Command-line flags: `--password hunter2`, `--api-key=…`, `--client-secret '…'`.
  cliSecret:
    /(?<![A-Za-z0-9-])--?(?:[a-z0-9]{1,20}-){0,3}(pass|passwd|password|pwd|token|secret|api[_-]?key|client[_-]?secret|(?:auth|access|refresh)[_-]?token)(?:=|[ \t]{1,3})("[^"\n]{1,200}"|'[^'\n]{1,200}'|[^\s"'<>-][^\s"'<>]{0,199})/gi,
  // `curl -u user:password`, `--user user:password`.
  cliUser: /(?<![A-Za-z0-9-])(?:-u|--user)(?:=|\s{1,3})["']?/g,
  // Upper-case environment names ending in KEY: `AUTH_KEY=…`, `LICENSE_KEY: …` (code's `sort_key` stays).
  envKey:
    /(?<![A-Za-z0-9_])(?:[A-Z0-9]{1,20}_){1,5}KEY["']?\s{0,3}[:=]\s{0,3}("[^"\n]{1,200}"|'[^'\n]{1,200}'|[^\s,;"'<>]{1,200})/g,
  // `setx DB_PASSWORD hunter2` (Windows), `sshpass -p pw`, `mysql -pSecret`, `echo pw | … --password-stdin`.
  setx: /(?<![A-Za-z0-9])(?:setx|config(?:ure)?\s{1,3}set|secret\s{1,3}set)\s{1,3}([^\s="']{1,100})\s{1,3}("[^"\n]{1,200}"|[^\s"-][^\s"]{0,199})/gi,
  // `redis-cli -a <password>` (checked only on fields naming redis-cli), `net user <name> <password>`.
  redisAuth: /(?<=\s)-a\s{1,3}("[^"\n]{1,200}"|'[^'\n]{1,200}'|[^\s"'-][^\s"']{0,199})/gi,
  netUser:
    /(?<![A-Za-z0-9])net\s{1,3}user\s{1,3}[^\s/]{1,64}\s{1,3}("[^"\n]{1,200}"|[^\s"/*][^\s"]{0,199})/gi,
  sshpass:
    /(?<![A-Za-z0-9-])sshpass\s{1,3}-p\s{0,3}("[^"\n]{1,200}"|'[^'\n]{1,200}'|[^\s"'-][^\s"']{0,199})/gi,
  // mysql's password flag takes its value attached (`-pSecret`); checked only on fields naming mysql.
  mysqlPassword: /(?<=\s)-p("[^"\n]{1,200}"|'[^'\n]{1,200}'|[^\s"'-][^\s"']{0,199})/g,
  echoStdin:
    /(?<![A-Za-z0-9-])echo\s{1,3}(?:-n\s{1,3})?("[^"\n]{1,200}"|'[^'\n]{1,200}'|[^\s|"'$][^\s|"']{0,199})\s{0,3}\|/gi,
  pin: /(?<![A-Za-z0-9])pin(?:[ _-]?(?:code|number))?["']?(?:\s{0,3}(?:[:=#]|is)\s{0,3}|[ \t]{1,3})["']?(\d{4,8})(?![\d.,:/-])/gi,
  // Registry logins: `docker login -u me -p <password>` (checked only on fields holding ' login').
  loginPassword: /(?<=\s)-p[ \t]{1,3}("[^"\n]{1,200}"|'[^'\n]{1,200}'|[^\s"'-][^\s"']{0,199})/g,
  // PowerShell: `ConvertTo-SecureString "<password>" -AsPlainText`.
  secureString:
    /ConvertTo-SecureString[ \t]{1,3}(?:-String[ \t]{1,3})?("[^"\n]{1,200}"|'[^'\n]{1,200}')(?=[ \t]{1,3}-AsPlainText)/gi,
  authorization: /authorization["']?\s{0,3}[:=]\s{0,3}["']?/gi,
  cookie: /(?<![A-Za-z0-9-])(?:set-)?cookie["']?\s{0,3}:\s{0,3}/gi,
  homeWindows: /\b[A-Za-z]:(?:\\{1,2}|\/)(?:users|documents and settings|profiles?)(?:\\{1,2}|\/)/gi,
  // UNC homes, also behind a WSL distribution's share: `\\\\wsl.localhost\\Ubuntu\\home\\<user>\\`.
  homeUnc: /\\\\[A-Za-z0-9._$-]{1,64}\\(?:[A-Za-z0-9._-]{1,64}\\)?(?:home|homes|users|profiles?)\$?\\/gi,
  // Home directories and mail spools (`/var/mail/<user>`), whose next segment is the account name; Git
  // Bash and MSYS write drives as `/c/Users/<user>`.
  homeUnix:
    /(?<![A-Za-z0-9_.~%$-])(?:(?:\/(?:var|export|mnt\/[A-Za-z]|[A-Za-z]))?\/(?:home|Users)|\/var(?:\/spool)?\/mail)\//g,
  homeTilde: /(?<![A-Za-z0-9_~.$-])~[A-Za-z_][A-Za-z0-9_.-]{0,31}(?=\/)/g,
  // `cd ~jdoe`: the shell expands `~name` to that user's home, with or without a path after it.
  homeTildeBare:
    /(?<![A-Za-z0-9_-])(?:cd|pushd|ls|ll|du|cp|mv|rm|find|chown|chmod|tree|stat|cat|echo)[ \t]{1,3}(?:-[A-Za-z]{1,5}[ \t]{1,3}){0,3}~([A-Za-z_][A-Za-z0-9_.-]{0,31})(?![A-Za-z0-9_./-])/g,
  // A login after a user cue, in several languages: `log in as jdoe`, `Username  jdoe`, `login: jdoe`,
  // netrc's `login jdoe`, `skype: jdoe`, `for user 'jdoe'` (group 1: the separator, if any).
  userCue:
    /(?<![\p{L}\p{N}_-])(?:(?:log(?:ged)?[ -]?(?:in|on)|sign(?:ed)?[ -]?in|connected|authenticated|run(?:ning)?)[ \t]{1,3}as|user(?:[ _-]?(?:name|id))?|login(?:[ _-]?name)?|logon(?:[ _-]?name)?|account[ _-]name|skype(?:[ _-]?id)?|benutzer(?:name)?|utilisateur|usuario|utente|gebruiker(?:snaam)?|käyttäjä(?:tunnus)?|użytkownik|uživatel|felhasználó(?:név)?|brugernavn|användar(?:e|namn))(?:[ \t]{0,3}([:=])[ \t]{0,3}|[ \t]{1,8})["']?(?:[A-Za-z0-9][A-Za-z0-9-]{0,14}\\)?([A-Za-z][A-Za-z0-9._-]{1,63})/giu,
  // Environment names of accounts: `USER=`, `LOGNAME=`, `SUDO_USER=`, `PGUSER=`, `DB_USERNAME=`.
  envUser:
    /(?<![A-Za-z0-9_])(?:[A-Z][A-Z0-9_]{0,30})?(?:USER|USERNAME|LOGIN|LOGNAME)=["']?([A-Za-z][A-Za-z0-9._-]{0,63})/g,
  // Tool syntaxes naming an account: `--docker-username=jdoe`, `--username jdoe`, proxy headers
  // (`X-Forwarded-User: jdoe`), and gh's `Logged in to github.com account jdoe`.
  toolUser:
    /(?:(?<![A-Za-z0-9-])--(?:[a-z0-9]{1,20}-){0,3}username(?:=|[ \t]{1,3})|(?<![A-Za-z0-9-])(?:x-(?:forwarded|remote|auth-request|webauth|authenticated)-user|remote-user)[ \t]{0,3}:[ \t]{0,3}|\blogged in to [A-Za-z0-9.-]{1,253} (?:account|as) )["']?([A-Za-z][A-Za-z0-9._-]{0,63})/gi,
  // Account names in YAML environments: `POSTGRES_USER: jdoe`, `PGUSER: "jdoe"`.
  yamlEnvUser:
    /(?<![A-Za-z0-9_])[A-Z][A-Z0-9_]{0,30}(?:USER|USERNAME|LOGIN)["']?:[ \t]{1,3}["']?([A-Za-z][A-Za-z0-9._-]{0,63})/g,
  // `uid=` of an LDAP DN (`uid=jdoe,ou=people,dc=corp`) or of `id`'s output (`uid=1000(jdoe)`).
  uidUser:
    /(?<![A-Za-z0-9_-])uid=(?:\d{1,10}\(([a-z_][a-z0-9._-]{0,31})\)|([A-Za-z][A-Za-z0-9._-]{0,63})(?=,[ \t]{0,2}(?:ou|dc|cn|o)=))/gi,
  // Profile slugs: `linkedin.com/in/jdoe`; apport's crash files: `/var/crash/_home_jdoe_bin_app.1000.crash`.
  profileUser:
    /(?:(?<![A-Za-z0-9-])linkedin\.com\/in\/|\/var\/crash\/_(?:home|Users)_)([A-Za-z0-9][A-Za-z0-9.-]{0,99})/gi,
  // sudo's log line: `sudo: jdoe : 3 incorrect password attempts ; ...`, `sudo[812]: jdoe : TTY=...`.
  sudoUser: /(?<![A-Za-z0-9_-])sudo(?:\[\d{1,10}\])?:[ \t]{1,3}([A-Za-z_][A-Za-z0-9._-]{0,63})[ \t]{1,3}:/g,
  // Authentication logs: `Accepted publickey for jdoe from`, `Failed password for invalid user x from`.
  authFor:
    /\bfor[ \t]{1,3}(?:invalid[ \t]{1,3})?(?:user[ \t]{1,3})?["']?([A-Za-z_][A-Za-z0-9._-]{0,63})["']?[ \t]{1,3}from[ \t]/gi,
  // Common Log Format's authuser: `203.0.113.9 - jdoe [03/Nov/2026:10:14:03 +0000] "GET ...`.
  clfUser: /[ \t]-[ \t]([A-Za-z_][A-Za-z0-9._-]{0,63})[ \t]\[\d{1,2}\/[A-Za-z]{3}\/\d{4}:\d/g,
  // Shell prompts: `jdoe@devbox:~/src$`, `[jdoe@devbox src]$`.
  prompt:
    /(?<![^\s>(["'])\[?([a-z_][a-z0-9._-]{0,31})@[A-Za-z0-9][A-Za-z0-9.-]{0,62}(?::[~/][^\s$#@]{0,200}|[ \t][^\]\n@]{1,100}\])[$#%]/g,
  // `user@host` arguments of ssh-family commands (the host checked apart: an e-mail domain is not one).
  sshTarget: /(?<![A-Za-z0-9._%+-])([a-z_][a-z0-9._-]{0,31})@([A-Za-z0-9.:[\]-]{1,253})/g,
  // Down-level logon names: `CONTOSO\jdoe` (NetBIOS domain in capitals, then the account).
  domainUser:
    /(?<![A-Za-z0-9_\\/:.$%-])([A-Z][A-Z0-9-]{1,14})\\([A-Za-z][A-Za-z0-9._-]{0,63})(?![\\/A-Za-z0-9._$-])/g,
  // A password word of many languages followed by the value with only blanks, "is" or a colon between:
  // netrc `password x`, form dumps `Password  x`, chat `pw: x` (the value's shape is checked apart).
  barePassword:
    /(?<![\p{L}\p{N}_-])(?:password|passwd|passwort|kennwort|pwd?|mot de passe|contraseña|senha|wachtwoord|lösenord|salasana|hasło|heslo|jelszó|parola|adgangskode|passord|пароль)(?:[ \t]{0,3}[:=]|[ \t]{1,3}(?:is|ist|est|es|é|on|er|jest|je))?[ \t]{1,8}([^\s"'<>]{6,128})/giu,
  // Form dumps that put the password word alone on its line and the value alone on the next:
  // `password\nTr0ub4dor&3x` (the value's shape is checked apart, more strictly).
  linePassword:
    /(?<![^\n])[ \t]{0,8}(?:password|passwort|kennwort|mot de passe|contraseña|senha|wachtwoord|lösenord|salasana|hasło|heslo|jelszó|parola|passord|пароль)[ \t]{0,3}:?[ \t]{0,3}\r?\n[ \t]{0,8}([^\s"'<>]{6,128})[ \t]{0,3}(?![^\r\n])/giu,
  // Wi-Fi keys shared in chat: `guest wifi upstairs: blue/613Yf!`, `WLAN = Sommer#24x` (shape checked apart).
  wifiPassword:
    /(?<![\p{L}\p{N}_-])(?:wi-?fi|wlan)(?:[ \t]{1,3}\p{L}{2,20}){0,3}[ \t]{0,3}[:=][ \t]{1,3}([^\s"'<>]{6,128})/giu,
  // A CSV header cell naming a PIN or password column: `door_pin`, `PIN`, `password`, `wifi-passcode`.
  csvSecretHeader:
    /^(?:[a-z0-9]{1,20}[ _-]){0,2}(?:pin|pin[ _-]?code|passcode|password|passwd|pwd|door[ _-]?code)$/,
  // Codes that open something: `Door code: 4821`, `Türcode 0829`, `gate code is 1234`, `digicode 4B21`,
  // and one-time codes (`verification code: 482913`); `error code 4821` and `exit code 1` stay.
  accessCode:
    /(?<![\p{L}\p{N}])(?:(?:door|gate|entry|access|alarm|garage|lock|locker|safe|keysafe|lockbox|building|keypad|unlock|verification|one-time|otp|2fa|mfa|sms|security|auth|authentication|login|sign-in|tür|tor|zugangs|eingangs|haustür|porte|portail|acceso|puerta|portão|portone|deur|ovi|drzwi|dveř[ei]|kapu)[ -]?(?:code|kode|kod|koodi|kód|código|codice)|passcode|digicode)(?:[ \t]{0,3}(?:[:=#]|is|ist|est)[ \t]{0,3}|[ \t]{1,3})["']?([0-9A-D#*]{4,8})(?![\p{L}\p{N}])/giu,
  // PostgreSQL password-file lines: `hostname:port:database:username:password`.
  pgpass:
    /(?<![^\s"'`])[A-Za-z0-9*][A-Za-z0-9.*_-]{0,252}:(?:\d{1,5}|\*):[^\s:]{1,63}:([A-Za-z_*][^\s:]{0,62}:\S{1,200})/g,
  url: /\b[a-zA-Z][a-zA-Z0-9+.-]{1,20}:\/\/[^\s<>"'`]{1,2000}/g,
  // Non-global helpers (stateless, so the frozen definitions run directly).
  hostAfterAt: /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.){0,10}[A-Za-z0-9-]{0,63}(?:$|[:/?#])/,
  port: /^\d{1,5}$/,
  pinDigits: /^\d{4,8}$/,
  authScheme: /^[A-Za-z][A-Za-z0-9_-]{0,30}$/,
  letters: /^[A-Za-z]+$/,
  hexAndColons: /^[0-9A-Fa-f:]+$/,
  passwordKey:
    /pass|pw|wort|wachtwoord|lösenord|salasana|hasło|heslo|jelsz|parola|adgangskode|senha|contrase/,
  version: /^v?\d{1,4}(?:\.\d{1,4}){1,3}$/i,
  domainLike: /\.[A-Za-z]{2,}$/,
  roamingSuffix: /\.V\d{1,2}$/,
  fileExtension:
    /\.(?:txt|log|md|json|xml|csv|exe|dll|cfg|conf|ini|ya?ml|docx?|xlsx?|pptx?|pdf|png|jpe?g|gif|zip|bat|cmd|ps1|sys|tmp|bak|dat|db|sql|html?|js|ts|py|cs|java|go|rs|sh|lnk|msi)$/i,
  codeReceiver:
    /^(?:this|self|req|res|ctx|props|state|session|request|response|params|args|options|opts|config|env|process|os|data|auth|context|window|document|user|users|current|event|e|m|r|it|obj)\./,
  placeholderWord:
    /^(?:null|none|nil|true|false|yes|no|undefined|empty|required|optional|string|redacted|hidden|changeit|changeme|replace_?me|todo|tbd|\*+)$/,
  secretName: /pass|pwd|token|secret|key|credential|auth/,
  sampleToken: /sample|dummy|fake|01234567|abcdefgh|sha(?:1|256|384|512)-/,
} as const;

/** Named regexes, exported so the ReDoS test can analyse every one. Frozen: layers run copies. */
export const SECRET_PATTERNS = freezePatterns({ ...SECRET_RULE_PATTERNS, ...OWN_SECRET_PATTERNS });
for (const rule of SECRET_RULES) Object.freeze(rule);

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

/** A rule with its own runnable regex copy. */
interface RunnableRule {
  readonly rule: SecretRule;
  readonly re: RegExp;
}

/**
 * Words whose presence lets one of the layer's own detectors run, found in the same pass over the field
 * as the rules' keywords (lower case, the first two characters ASCII).
 */
const GATES = [
  // barePassword
  [
    'pw',
    'pass',
    'wort',
    'contrase',
    'senha',
    'wachtwoord',
    'senord',
    'salasana',
    'hasł',
    'heslo',
    'jelsz',
    'parola',
    'adgangskode',
  ],
  // accessCode
  ['cod', 'kod'],
  ['pin'],
  [' login'],
  ['securestring'],
  // userCue, envUser
  [
    'user',
    'log',
    'sign',
    'as ',
    'skype',
    'account',
    'benutzer',
    'ytt',
    'gebruiker',
    'ivatel',
    'ytkownik',
    'felhaszn',
    'bruger',
    'använd',
    'utilisateur',
    'usuario',
    'utente',
  ],
  ['sudo'],
  ['from'],
  ['accepted', 'failed', 'invalid', 'authenticat', 'password', 'publickey', 'denied', 'login'],
  [' ['],
  ['ssh ', 'scp ', 'sftp ', 'rsync ', 'mosh ', 'ssh-copy-id '],
  ['authorization'],
  ['cookie'],
  ['setx', ' set '],
  ['redis-cli'],
  ['net user'],
  ['sshpass'],
  ['mysql', 'mariadb'],
  ['-stdin'],
  ['echo'],
  ['_key'],
  // Windows and UNC homes
  ['users', 'settings', 'home', 'profile'],
  // Unix homes and mail spools
  ['/home/', '/users/', '/mail/'],
  // uidUser, profileUser
  ['uid=', 'linkedin.com/in/', '/var/crash/_'],
  ['wifi', 'wi-fi', 'wlan'],
] as const;

enum Gate {
  Password,
  Code,
  Pin,
  LoginCommand,
  SecureString,
  UserCue,
  Sudo,
  From,
  AuthWord,
  Bracket,
  Ssh,
  Authorization,
  Cookie,
  Setx,
  Redis,
  NetUser,
  Sshpass,
  Mysql,
  Stdin,
  Echo,
  EnvKey,
  WindowsHome,
  UnixHome,
  Profile,
  Wifi,
}

/** A keyword and the rules (indexes) it wakes. */
interface Keyword {
  readonly word: string;
  readonly rules: readonly number[];
}

/**
 * The rules' keywords indexed by their first two characters (all ASCII, at least two long), so one pass
 * over the lower-cased field finds every rule to run: a lookup per character instead of one `includes`
 * per keyword.
 */
class KeywordIndex {
  /** Per first-two-character slot, 1 + the index of its keyword list in `lists` (0: none). */
  private readonly slots = new Uint16Array(128 * 128);
  private readonly lists: Keyword[][] = [];
  /** Whether a character starts any keyword (most characters do not: one typed-array read skips them). */
  private readonly first = new Uint8Array(128);
  private readonly woken: Uint8Array;

  /** Rules get ids 0..n-1; gate g (a GATES entry) gets id n + g. */
  constructor(rules: readonly RunnableRule[]) {
    this.woken = new Uint8Array(rules.length + GATES.length);
    const byWord = new Map<string, number[]>();
    const add = (k: string, id: number) => byWord.set(k, [...(byWord.get(k) ?? []), id]);
    rules.forEach(({ rule }, i) => {
      for (const k of rule.keywords) add(k, i);
    });
    GATES.forEach((words, g) => {
      for (const k of words) add(k, rules.length + g);
    });
    for (const [word, ids] of byWord) {
      const a = word.charCodeAt(0);
      const b = word.charCodeAt(1);
      // The rule-data test holds every keyword to printable ASCII of two or more characters; so do GATES.
      const slot = a * 128 + b;
      if (this.slots[slot] === 0) this.slots[slot] = this.lists.push([]);
      this.lists[(this.slots[slot] as number) - 1]?.push({ word, rules: ids });
      this.first[a] = 1;
    }
  }

  /** Marks the rules whose keywords occur in `lower`; the result is valid until the next call. */
  wake(lower: string): Uint8Array {
    const woken = this.woken;
    woken.fill(0);
    const { first, slots, lists } = this;
    const n = lower.length - 1;
    for (let i = 0; i < n; i++) {
      const a = lower.charCodeAt(i);
      if (a >= 128 || first[a] === 0) continue;
      const b = lower.charCodeAt(i + 1);
      if (b >= 128) continue;
      const slot = slots[a * 128 + b] as number;
      if (slot === 0) continue;
      for (const k of lists[slot - 1] as Keyword[])
        if (lower.startsWith(k.word, i)) for (const r of k.rules) woken[r] = 1;
    }
    return woken;
  }
}

/** Provider rules: each runs only when one of its keywords occurs in the lower-cased field. */
function providerRules(
  out: Candidate[],
  text: string,
  lower: string,
  rules: readonly RunnableRule[],
  woken: Uint8Array,
): void {
  for (let i = 0; i < rules.length; i++) {
    if (woken[i] === 0) continue;
    const { rule, re } = rules[i] as RunnableRule;
    const group = rule.group ?? 0;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const value = m[group];
      if (value === undefined || value === '') continue;
      const start = group === 0 ? m.index : m.index + m[0].lastIndexOf(value);
      const end = start + value.length;
      if (rule.entropy !== undefined && entropyOf(value) < rule.entropy) continue;
      if (isTemplate(value)) continue;
      if (rule.near && contextOf(lower, start, end, rule.near) !== 1) continue;
      out.push({ type: rule.type, start, end, priority: rule.priority ?? 95, norm: value });
    }
  }
}

/**
 * A provider-shaped value that is a template, not a token: `AKIAXXXXXXXXXXXXXXXX`, `xoxb-your-token`.
 */
function isTemplate(value: string): boolean {
  const v = value.toLowerCase();
  return (
    v.includes('xxxx') || v.includes('your-') || v.includes('your_') || v.includes('<') || v.includes('...')
  );
}

/** Values that stand for a secret without being one: variables, masks, templates, examples. */
function isPlaceholder(value: string): boolean {
  const c = value[0];
  if (c === '$' || c === '%' || c === '{' || c === '<' || c === '[' || c === '(' || c === '*') return true;
  // A file path names where the secret is kept (`/run/secrets/db`, `./key.pem`), not the secret.
  if (c === '/' || value.startsWith('./') || value.startsWith('../') || value.startsWith('~/')) return true;
  const v = value.toLowerCase();
  if (SECRET_PATTERNS.placeholderWord.test(v)) return true;
  return (
    v.includes('xxxx') ||
    v.includes('****') ||
    v.includes('...') ||
    v.includes('\u2026') ||
    v.includes('example') ||
    v.includes('your_') ||
    v.includes('your-') ||
    v.includes('_here') ||
    v.includes('placeholder') ||
    v.includes('process.env') ||
    v.includes('environ') ||
    v.includes('getenv')
  );
}

/** `password=…`, `"api_key": "…"`, `DB_PASSWORD=…`, `x-api-key: …`, connection-string `Password=…;`. */
function keyValues(out: Candidate[], text: string, re: RegExp, on: Enabled): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const key = ((m[1] ?? m[2]) as string).toLowerCase();
    let value = m[3] as string;
    let start = m.index + m[0].length - value.length;
    if ((value.startsWith('"') || value.startsWith("'")) && value.length >= 2) {
      value = value.slice(1, -1);
      start += 1;
    } else if (text[m.index - 1] === '?' || text[m.index - 1] === '&') {
      // In a URL query '&' separates parameters; in env and config lines it belongs to the value.
      const amp = value.indexOf('&');
      if (amp !== -1) value = value.slice(0, amp);
    } else if (value.endsWith(')') && !value.includes('(')) value = value.slice(0, -1);
    const type: EntityType = SECRET_PATTERNS.passwordKey.test(key) ? 'PASSWORD' : 'SECRET';
    if (value === '' || isPlaceholder(value) || !on(type)) continue;
    // `auth` alone also names switches and schemes (`auth: true`, `"auth": "basic"`): a credential only.
    if (key === 'auth' && !credentialLike(value)) continue;
    out.push({ type, start, end: start + value.length, priority: 80, norm: value });
  }
}

/** A value that can be a credential: eight or more characters, no blanks, not a plain word. */
function credentialLike(value: string): boolean {
  if (value.length < 8 || /\s/.test(value)) return false;
  // base64 of `user:pass` may be letters only, but then of both cases and longer than a word
  return (
    !SECRET_PATTERNS.letters.test(value) ||
    (value.length >= 12 && value !== value.toLowerCase() && value !== value.toUpperCase())
  );
}

/**
 * Whether a word after a bare password cue reads as a password rather than prose ("password attempts",
 * "password reset", "pw v2.1"): letters and digits together, or a symbol among letters or digits.
 */
function passwordShaped(value: string): boolean {
  let letter = false;
  let digit = false;
  let symbol = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c > 127) letter = true;
    else if (c >= 48 && c <= 57) digit = true;
    else symbol = true;
  }
  if (!letter || !(digit || symbol)) return false;
  return !isPlaceholder(value) && !SECRET_PATTERNS.version.test(value);
}

/** Passwords after a bare cue word: `password Tr0ub4dor&3x`, `pw is hunter22`, `Passwort  Sommer#24`. */
function barePasswords(out: Candidate[], text: string, re: RegExp): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    let value = m[1] as string;
    const start = m.index + m[0].length - value.length;
    if (value.endsWith('.') || value.endsWith(',')) value = value.slice(0, -1);
    if (passwordShaped(value))
      out.push({ type: 'PASSWORD', start, end: start + value.length, priority: 80, norm: value });
  }
}

/** Passwords on the line after a lone password word: letters and digits both, and no UI word. */
function linePasswords(out: Candidate[], text: string, re: RegExp): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const value = m[1] as string;
    const start = m.index + m[0].lastIndexOf(value);
    let digit = false;
    for (let i = 0; i < value.length && !digit; i++) {
      const c = value.charCodeAt(i);
      digit = c >= 48 && c <= 57;
    }
    if (digit && passwordShaped(value) && !UI_WORD_KEYS.has(value.toLowerCase()))
      out.push({ type: 'PASSWORD', start, end: start + value.length, priority: 80, norm: value });
  }
}

/**
 * Wi-Fi keys after a Wi-Fi cue: letters, digits and a symbol that network names do not hold (an SSID such
 * as `Guest-5G` or a speed such as `100Mbit/s` stays).
 */
function wifiPasswords(out: Candidate[], text: string, re: RegExp): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const value = m[1] as string;
    let digit = false;
    let symbol = false;
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (c >= 48 && c <= 57) digit = true;
      else if ('!#$%&*+=?@^~'.includes(value[i] as string)) symbol = true;
    }
    if (!digit || !symbol || !passwordShaped(value)) continue;
    const start = m.index + m[0].length - value.length;
    out.push({ type: 'PASSWORD', start, end: start + value.length, priority: 80, norm: value });
  }
}

/** The cells of one CSV line (no quoting), with their offsets. */
function csvCells(text: string, from: number, to: number, sep: string): [number, number][] {
  const cells: [number, number][] = [];
  let s = from;
  for (let k = text.indexOf(sep, from); k !== -1 && k < to; k = text.indexOf(sep, k + 1)) {
    cells.push([s, k]);
    s = k + 1;
  }
  cells.push([s, to]);
  return cells;
}

/**
 * Values in a CSV column whose header names a PIN or password (`employee,badge,door_pin`): PINs are 4-8
 * digits, passwords password-shaped; rows with quotes or another cell count are skipped.
 */
function csvSecretColumns(out: Candidate[], text: string): void {
  const headEnd = text.indexOf('\n');
  const head = text.slice(0, headEnd).toLowerCase();
  const sep = head.includes(';') ? ';' : head.includes(',') ? ',' : head.includes('\t') ? '\t' : '';
  if (sep === '' || head.includes('"')) return;
  const header = csvCells(head, 0, head.length, sep);
  const columns: number[] = [];
  header.forEach(([a, b], i) => {
    if (b - a <= 40 && SECRET_PATTERNS.csvSecretHeader.test(head.slice(a, b).trim())) columns.push(i);
  });
  if (columns.length === 0) return;
  let from = headEnd + 1;
  for (let row = 0; row < 500 && from < text.length; row++) {
    let to = text.indexOf('\n', from);
    if (to === -1) to = text.length;
    const cells = csvCells(text, from, to, sep);
    if (cells.length === header.length && !text.slice(from, to).includes('"')) {
      for (const i of columns) {
        const [a, b] = cells[i] as [number, number];
        const value = text.slice(a, b).trim();
        const pin = head.slice(...(header[i] as [number, number])).includes('pin');
        const ok = pin ? SECRET_PATTERNS.pinDigits.test(value) : value.length >= 6 && passwordShaped(value);
        if (!ok) continue;
        const start = a + text.slice(a, b).indexOf(value);
        out.push({ type: 'PASSWORD', start, end: start + value.length, priority: 80, norm: value });
      }
    }
    from = to + 1;
  }
}

/** PostgreSQL password-file lines: `user:password` of `host:port:db:user:password` as one credential. */
function pgpassLines(out: Candidate[], text: string, re: RegExp): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    // An IPv6 address is hex digits and colons only.
    if (SECRET_PATTERNS.hexAndColons.test(m[0])) continue;
    const value = m[1] as string;
    const start = m.index + m[0].length - value.length;
    const password = value.slice(value.indexOf(':') + 1);
    if (password === '' || isPlaceholder(password)) continue;
    out.push({ type: 'PASSWORD', start, end: start + value.length, priority: 80, norm: value });
  }
}

/** HTTP authentication schemes (IANA registry and common vendor ones). */
const AUTH_SCHEMES = new Set([
  'basic',
  'bearer',
  'digest',
  'token',
  'negotiate',
  'ntlm',
  'hoba',
  'mutual',
  'vapid',
  'scram-sha-256',
  'aws4-hmac-sha256',
  'apikey',
  'api-key',
  'key',
  'sso-key',
  'hmac',
  'otp',
  'dpop',
  'gitlab-ci-token',
]);

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t';
const ends = (c: string | undefined): boolean =>
  c === undefined ||
  c === ' ' ||
  c === '\t' ||
  c === '\n' ||
  c === '\r' ||
  c === '"' ||
  c === "'" ||
  c === ',' ||
  c === ';';

/**
 * `Authorization: <scheme> <credentials>` (and a bare `Authorization: <credentials>`): Bearer values are
 * BEARER_TOKEN, Basic PASSWORD, any other scheme API_TOKEN; Digest parameters run to the end of the line.
 */
function authorizations(out: Candidate[], text: string, re: RegExp, on: Enabled): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const p = m.index + m[0].length;
    let q = p;
    while (q < text.length && q - p < 2000 && !ends(text[q])) q++;
    const first = text.slice(p, q);
    let s = q;
    while (s < text.length && s - q < 3 && isSpace(text[s])) s++;
    let start = p;
    let end = q;
    let type: EntityType = 'API_TOKEN';
    const scheme = first.toLowerCase();
    const known = AUTH_SCHEMES.has(scheme);
    if (s > q && SECRET_PATTERNS.authScheme.test(first) && !ends(text[s])) {
      start = s;
      end = s;
      if (scheme === 'digest') while (end < text.length && text[end] !== '\n' && text[end] !== '\r') end++;
      else while (end < text.length && end - s < 2000 && !ends(text[end])) end++;
      while (end > start && (isSpace(text[end - 1]) || text[end - 1] === '"' || text[end - 1] === "'")) end--;
      if (scheme === 'bearer') type = 'BEARER_TOKEN';
      else if (scheme === 'basic') type = 'PASSWORD';
    } else if (known) continue;
    const value = text.slice(start, end);
    // An unknown scheme word, or no scheme, needs a credential-like value: "Authorization: pending approval".
    if (value.length < 4 || isPlaceholder(value) || !on(type)) continue;
    if (!known && (value.length < 8 || SECRET_PATTERNS.letters.test(value))) continue;
    out.push({ type, start, end, priority: 93, norm: value });
    re.lastIndex = Math.max(re.lastIndex, end);
  }
}

const COOKIE_ATTRIBUTES = new Set(['path', 'domain', 'expires', 'max-age', 'samesite', 'secure', 'httponly']);

/** `Cookie:` values (every pair) and `Set-Cookie:` values (the first pair; the rest are attributes). */
function cookies(out: Candidate[], text: string, re: RegExp): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const isSet = m[0].toLowerCase().startsWith('set-');
    let p = m.index + m[0].length;
    let end = p;
    while (end < text.length && end - p < 4000 && !'\n\r"\''.includes(text[end] as string)) end++;
    while (p < end) {
      let semi = text.indexOf(';', p);
      if (semi === -1 || semi > end) semi = end;
      const eq = text.indexOf('=', p);
      if (eq !== -1 && eq < semi) {
        const name = text.slice(p, eq).trim().toLowerCase();
        let vs = eq + 1;
        let ve = semi;
        while (vs < ve && isSpace(text[vs])) vs++;
        while (ve > vs && isSpace(text[ve - 1])) ve--;
        const value = text.slice(vs, ve);
        if (value !== '' && !COOKIE_ATTRIBUTES.has(name) && !isPlaceholder(value))
          out.push({ type: 'SECRET', start: vs, end: ve, priority: 80, norm: value });
      }
      if (isSet) break;
      p = semi + 1;
    }
    re.lastIndex = Math.max(re.lastIndex, end);
  }
}

/** Secrets passed as command-line flags, and `curl -u user:password` passwords. */
function cliSecrets(
  out: Candidate[],
  text: string,
  lower: string,
  flag: RegExp,
  userPass: RegExp,
  on: Enabled,
): void {
  flag.lastIndex = 0;
  for (let m = flag.exec(text); m !== null; m = flag.exec(text)) {
    const key = (m[1] as string).toLowerCase();
    let value = m[2] as string;
    let start = m.index + m[0].length - value.length;
    if ((value.startsWith('"') || value.startsWith("'")) && value.length >= 2) {
      value = value.slice(1, -1);
      start += 1;
    }
    const type: EntityType = key.startsWith('pass') || key === 'pwd' ? 'PASSWORD' : 'SECRET';
    if (value === '' || isPlaceholder(value) || !on(type)) continue;
    out.push({ type, start, end: start + value.length, priority: 80, norm: value });
  }
  if (!on('PASSWORD') || !(lower.includes('-u') || lower.includes('--user'))) return;
  userPass.lastIndex = 0;
  for (let m = userPass.exec(text); m !== null; m = userPass.exec(text)) {
    const p = m.index + m[0].length;
    let end = p;
    while (end < text.length && end - p < 300 && !ends(text[end])) end++;
    const colon = text.indexOf(':', p);
    if (colon === -1 || colon >= end - 1 || text.slice(p, colon).includes('@')) continue;
    // The login goes with its password: `user:password` is one credential.
    const value = text.slice(colon + 1, end);
    if (!isPlaceholder(value))
      out.push({ type: 'PASSWORD', start: p, end, priority: 80, norm: text.slice(p, end) });
  }
}

/** The last capture group of each match (quotes stripped) as a secret of `type`, unless a placeholder. */
function quotedValues(out: Candidate[], text: string, re: RegExp, type: EntityType, on: Enabled): void {
  if (!on(type)) return;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    let value = m[m.length - 1] as string;
    let start = m.index + m[0].length - value.length;
    if (m[0].endsWith('|')) start = m.index + m[0].lastIndexOf(value);
    if ((value.startsWith('"') || value.startsWith("'")) && value.length >= 2) {
      value = value.slice(1, -1);
      start += 1;
    }
    if (value !== '' && !isPlaceholder(value))
      out.push({ type, start, end: start + value.length, priority: 80, norm: value });
  }
}

/** Secret-named variables set with `setx NAME value`. */
function setxValues(out: Candidate[], text: string, re: RegExp, on: Enabled): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const name = (m[1] as string).toLowerCase();
    const type: EntityType = name.includes('pass') || name.includes('pwd') ? 'PASSWORD' : 'SECRET';
    if (!SECRET_PATTERNS.secretName.test(name) || !on(type)) continue;
    let value = m[2] as string;
    let start = m.index + m[0].length - value.length;
    if (value.startsWith('"') && value.length >= 2) {
      value = value.slice(1, -1);
      start += 1;
    }
    if (value !== '' && !isPlaceholder(value))
      out.push({ type, start, end: start + value.length, priority: 80, norm: value });
  }
}

/** PIN codes, only after a PIN cue (`PIN: 4821`, `pin=1234`, `PIN code is 0000`). */
function pins(out: Candidate[], text: string, re: RegExp): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const value = m[1] as string;
    const start = m.index + m[0].length - value.length;
    out.push({ type: 'PASSWORD', start, end: start + value.length, priority: 80, norm: value });
  }
}

/** Account names that belong to no person: built-in profiles, CI and cloud image users, placeholders. */
const SYSTEM_USERS = new Set([
  'public',
  'default',
  'default user',
  'default.migrated',
  'all users',
  'shared',
  'root',
  'runner',
  'runneradmin',
  'ubuntu',
  'ec2-user',
  'node',
  'admin',
  'administrator',
  'guest',
  'user',
  'username',
  'users',
  'yourname',
  'your-name',
  'your_name',
  'your-username',
  'your_username',
  'me',
  'you',
  'someone',
  'vagrant',
  'docker',
  'git',
  'jenkins',
  'circleci',
  'travis',
  'vsts',
  'azureuser',
  'centos',
  'debian',
  'fedora',
  'pi',
  'www-data',
  'nobody',
  'linuxbrew',
  'localservice',
  'networkservice',
  'systemprofile',
  'system',
  'daemon',
  'bin',
  'sys',
  'sync',
  'mail',
  'postfix',
  'sshd',
  'ftp',
  'anonymous',
  'postgres',
  'mysql',
  'redis',
  'oracle',
  'nginx',
  'apache',
  'httpd',
  'tomcat',
  'app',
  'api',
  'web',
  'www',
  'deploy',
  'deployer',
  'build',
  'builder',
  'ci',
  'service',
  'svc',
  'bot',
  'backup',
  'test',
  'tester',
  'demo',
  'sa',
  'dbadmin',
  'ansible',
  'terraform',
  'gitlab-runner',
  'buildkite-agent',
  'localsystem',
  'local',
  'none',
  'unknown',
]);

/**
 * Service accounts by naming convention (`svc-backup`, `sa_reporting`, `deploy-bot`, `WEB01$`): they
 * name a system, not a person.
 */
function isServiceAccount(lower: string): boolean {
  if (SYSTEM_USERS.has(lower) || lower.endsWith('$')) return true;
  for (const p of ['svc', 'sa', 'srv', 'app', 'bot', 'ci', 'build', 'deploy', 'service', 'system', 'sys'])
    if (lower.startsWith(`${p}-`) || lower.startsWith(`${p}_`) || lower.startsWith(`${p}.`)) return true;
  for (const sfx of ['svc', 'bot', 'sa', 'service', 'runner', 'agent', 'daemon', 'admin'])
    if (lower.endsWith(`-${sfx}`) || lower.endsWith(`_${sfx}`)) return true;
  return false;
}

/**
 * Whether a word after a user cue reads as a person's login: not a service account, a placeholder, an
 * everyday or UI word ("log in as guest", "user settings") or a code expression (`user = getUser()`,
 * `username: req.body.username`). `strict` (no ':' or '=' after the cue) also wants the lower case that
 * logins are written in ("Login Items" is a menu).
 */
function isLogin(value: string, next: string | undefined, strict: boolean): boolean {
  const lower = value.toLowerCase();
  if (value.length < 2 || isServiceAccount(lower) || isPlaceholder(value)) return false;
  // `user = "jdoe@example.com"` is an e-mail address, for the PII layer; `(`, `[` follow code.
  if (next === '(' || next === '[' || next === '{' || next === '@') return false;
  if (strict && value !== lower) return false;
  if (UI_WORD_KEYS.has(lower) || SECRET_PATTERNS.codeReceiver.test(lower)) return false;
  // camelCase is an identifier, not a login
  for (let i = 1; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const b = value.charCodeAt(i - 1);
    if (c >= 65 && c <= 90 && b >= 97 && b <= 122) return false;
  }
  return true;
}

/** Characters of a Unix user name: ASCII letters, digits, '.', '_', '-', and any non-ASCII letter. */
const isUserChar = (c: number): boolean =>
  (c >= 48 && c <= 57) ||
  (c >= 65 && c <= 90) ||
  (c >= 97 && c <= 122) ||
  c === 46 ||
  c === 95 ||
  c === 45 ||
  (c > 127 && c !== 0xa0 && c !== 0x3000 && !(c >= 0x2000 && c <= 0x206f));

/** Pushes the user-name segment starting at `p` unless it names no person. */
function userSegment(out: Candidate[], text: string, p: number, windows: boolean): number {
  let e = p;
  if (windows) {
    // A Windows profile folder may hold spaces ("Jane Doe"): take them only when a separator follows.
    while (e < text.length && e - p < 64 && !'\\/:*?"<>|\n\r\t'.includes(text[e] as string)) e++;
    if (text[e] !== '\\' && text[e] !== '/') {
      e = p;
      while (e < text.length && e - p < 64 && !' \\/:*?"<>|\n\r\t'.includes(text[e] as string)) e++;
    }
  } else {
    while (e < text.length && e - p < 64 && isUserChar(text.charCodeAt(e))) e++;
  }
  while (e > p && (text[e - 1] === '.' || text[e - 1] === ' ')) e--;
  // Roaming profiles carry a version suffix: `\\Profiles\jdoe.V6\`.
  if (windows) {
    const v = SECRET_PATTERNS.roamingSuffix.exec(text.slice(p, e));
    if (v) e -= v[0].length;
  }
  const name = text.slice(p, e);
  const lower = name.toLowerCase();
  if (name === '' || '$%{<*.~'.includes(name[0] as string) || SYSTEM_USERS.has(lower)) return e;
  out.push({ type: 'USERNAME', start: p, end: e, priority: 66, norm: lower });
  return e;
}

/** User names in home-directory paths: `C:\Users\<name>`, `/home/<name>`, `/Users/<name>`, `~<name>`, UNC homes. */
function homePaths(
  out: Candidate[],
  text: string,
  windowsLike: boolean,
  unixLike: boolean,
  P: {
    homeWindows: RegExp;
    homeUnc: RegExp;
    homeUnix: RegExp;
    homeTilde: RegExp;
    homeTildeBare: RegExp;
  },
): void {
  if (windowsLike && text.includes(':')) {
    const re = P.homeWindows;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text))
      userSegment(out, text, m.index + m[0].length, true);
  }
  if (windowsLike && text.includes('\\\\')) {
    const re = P.homeUnc;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text))
      userSegment(out, text, m.index + m[0].length, true);
  }
  if (unixLike) {
    const re = P.homeUnix;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text))
      userSegment(out, text, m.index + m[0].length, false);
  }
  if (text.includes('~')) {
    const re = P.homeTilde;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) userSegment(out, text, m.index + 1, false);
    const bare = P.homeTildeBare;
    bare.lastIndex = 0;
    for (let m = bare.exec(text); m !== null; m = bare.exec(text))
      userSegment(out, text, m.index + m[0].length - (m[1] as string).length, false);
  }
}

/** Pushes a login at `start` unless it names no person. */
function pushLogin(out: Candidate[], start: number, value: string): void {
  let v = value;
  while (v.endsWith('.') || v.endsWith('-')) v = v.slice(0, -1);
  const lower = v.toLowerCase();
  if (v === '' || isServiceAccount(lower) || isPlaceholder(v)) return;
  out.push({ type: 'USERNAME', start, end: start + v.length, priority: 66, norm: lower });
}

/** Patterns of the login detectors. */
interface LoginPatterns {
  readonly userCue: RegExp;
  readonly envUser: RegExp;
  readonly toolUser: RegExp;
  readonly yamlEnvUser: RegExp;
  readonly uidUser: RegExp;
  readonly profileUser: RegExp;
  readonly sudoUser: RegExp;
  readonly authFor: RegExp;
  readonly clfUser: RegExp;
  readonly prompt: RegExp;
  readonly sshTarget: RegExp;
  readonly domainUser: RegExp;
}

/**
 * Logins outside home paths, by the syntax real tools write them in: user cues (`login:`, `Username`,
 * `signed in as`), environment names (`USER=`), sudo and sshd log lines, the Common Log Format's authuser,
 * shell prompts, ssh targets and `DOMAIN\user` logon names.
 */
function logins(out: Candidate[], text: string, woken: Uint8Array, g0: number, P: LoginPatterns): void {
  let re: RegExp;
  if (woken[g0 + Gate.UserCue] === 1) {
    re = P.userCue;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const value = m[2] as string;
      const start = m.index + m[0].length - value.length;
      if (isLogin(value, text[start + value.length], m[1] === undefined)) pushLogin(out, start, value);
    }
    if (text.includes('=')) {
      re = P.envUser;
      re.lastIndex = 0;
      for (let m = re.exec(text); m !== null; m = re.exec(text)) {
        const value = m[1] as string;
        if (text[m.index + m[0].length] !== '@') pushLogin(out, m.index + m[0].length - value.length, value);
      }
    }
    for (const r of text.includes(':') ? [P.toolUser, P.yamlEnvUser] : [P.toolUser]) {
      r.lastIndex = 0;
      for (let m = r.exec(text); m !== null; m = r.exec(text)) {
        const value = m[1] as string;
        const start = m.index + m[0].length - value.length;
        if (isLogin(value, text[start + value.length], false)) pushLogin(out, start, value);
      }
    }
  }
  if (woken[g0 + Gate.Profile] === 1) {
    for (const r of [P.uidUser, P.profileUser]) {
      r.lastIndex = 0;
      for (let m = r.exec(text); m !== null; m = r.exec(text)) {
        const value = (m[1] ?? m[2]) as string;
        pushLogin(out, m.index + m[0].lastIndexOf(value), value);
      }
    }
  }
  if (woken[g0 + Gate.Sudo] === 1) {
    re = P.sudoUser;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text))
      pushLogin(out, m.index + m[0].indexOf(m[1] as string, 5), m[1] as string);
  }
  if (woken[g0 + Gate.From] === 1 && woken[g0 + Gate.AuthWord] === 1) {
    re = P.authFor;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const value = m[1] as string;
      const start = m.index + m[0].lastIndexOf(value, m[0].length - 5);
      if (!UI_WORD_KEYS.has(value.toLowerCase())) pushLogin(out, start, value);
    }
  }
  if (woken[g0 + Gate.Bracket] === 1) {
    re = P.clfUser;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) pushLogin(out, m.index + 3, m[1] as string);
  }
  if (text.includes('@')) {
    if (text.includes('$') || text.includes('#') || text.includes('%')) {
      re = P.prompt;
      re.lastIndex = 0;
      for (let m = re.exec(text); m !== null; m = re.exec(text))
        pushLogin(out, m.index + m[0].indexOf(m[1] as string), m[1] as string);
    }
    if (woken[g0 + Gate.Ssh] === 1) {
      re = P.sshTarget;
      re.lastIndex = 0;
      for (let m = re.exec(text); m !== null; m = re.exec(text)) {
        // `jdoe@server.example.com` is an e-mail address to the PII layer, which removes it whole.
        if (!SECRET_PATTERNS.domainLike.test(m[2] as string)) pushLogin(out, m.index, m[1] as string);
      }
    }
  }
  if (text.includes('\\')) {
    re = P.domainUser;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const domain = (m[1] as string).toLowerCase();
      const value = m[2] as string;
      const v = value.toLowerCase();
      if (DOMAIN_NOT_USER.has(domain) || SECRET_PATTERNS.fileExtension.test(value) || UI_WORD_KEYS.has(v))
        continue;
      // `"FAILED\nretrying"`: an escape sequence after a capitalised word, not a logon name
      if ('ntr'.includes(v[0] as string) && UI_WORD_KEYS.has(domain)) continue;
      pushLogin(out, m.index + (m[1] as string).length + 1, value);
    }
  }
}

/** Capitalised prefixes before a backslash that are no logon domain. */
const DOMAIN_NOT_USER = new Set([
  'nt',
  'builtin',
  'hklm',
  'hkcu',
  'hkcr',
  'hku',
  'hkey',
  'iis',
  'window manager',
]);

/**
 * Every other whole-word occurrence of a login found in the field: `sudo: jdoe : ... PWD=/home/jdoe`
 * names the same person twice, and once found the name is evidence for the rest of the field.
 */
function echoLogins(out: Candidate[], lower: string, from: number): void {
  const names = new Set<string>();
  for (let i = from; i < out.length; i++) {
    const c = out[i] as Candidate;
    if (c.type === 'USERNAME' && c.norm.length >= 3) names.add(c.norm);
  }
  const taken = out.slice(from).filter((c) => c.type === 'USERNAME');
  for (const name of names) {
    for (let k = lower.indexOf(name); k !== -1; k = lower.indexOf(name, k + 1)) {
      const end = k + name.length;
      const before = k === 0 ? 32 : lower.charCodeAt(k - 1);
      const after = end >= lower.length ? 32 : lower.charCodeAt(end);
      const afterNext = end + 1 >= lower.length ? 32 : lower.charCodeAt(end + 1);
      if (isUserChar(before) || (isUserChar(after) && !(after === 46 && !isUserChar(afterNext)))) continue;
      if (taken.some((c) => c.start < end && c.end > k)) continue;
      out.push({ type: 'USERNAME', start: k, end, priority: 66, norm: name });
    }
  }
}

/** Index just past the URL's authority, and the userinfo end ('@' index) or -1. */
function authorityOf(url: string, authStart: number): { at: number; hostStart: number } {
  let stdEnd = url.length;
  for (const ch of ['/', '?', '#']) {
    const k = url.indexOf(ch, authStart);
    if (k !== -1 && k < stdEnd) stdEnd = k;
  }
  const at = url.lastIndexOf('@', stdEnd - 1);
  if (at >= authStart) return { at, hostStart: at + 1 };
  // A password holding '/', '?' or '#' ends the standard authority early: `user:p/a#s?s@host/path`. The
  // userinfo then runs to the last '@' that a host follows; `host:8080/@user` (a port) is not a password.
  const colon = url.indexOf(':', authStart);
  if (colon === -1 || colon >= stdEnd || colon === authStart) return { at: -1, hostStart: authStart };
  if (SECRET_PATTERNS.port.test(url.slice(colon + 1, stdEnd))) return { at: -1, hostStart: authStart };
  for (let k = url.lastIndexOf('@'); k > stdEnd; k = url.lastIndexOf('@', k - 1)) {
    if (SECRET_PATTERNS.hostAfterAt.test(url.slice(k + 1, k + 260))) return { at: k, hostStart: k + 1 };
  }
  return { at: -1, hostStart: authStart };
}

/** End of a secret query value starting at `from`: the next '&' that starts a `name=` parameter, or the end. */
function secretQueryEnd(url: string, from: number): number {
  let end = url.indexOf('&', from);
  while (end !== -1) {
    const next = url.indexOf('&', end + 1);
    const eq = url.indexOf('=', end + 1);
    if (eq !== -1 && (next === -1 || eq < next)) return end;
    end = next;
  }
  return url.length;
}

/** URLs: userinfo is dropped (its parts reported), query values and the fragment are tokenised. */
function urls(out: Candidate[], text: string, re: RegExp, paths: [number, number][]): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    let url = m[0];
    while (url.length > 0 && '.,;:!?)]}'.includes(url[url.length - 1] as string)) url = url.slice(0, -1);
    const base = m.index;
    const authStart = url.indexOf('://') + 3;
    const { at, hostStart } = authorityOf(url, authStart);
    if (at !== -1) {
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
    let authEnd = url.length;
    for (const ch of ['/', '?', '#']) {
      const k = url.indexOf(ch, hostStart);
      if (k !== -1 && k < authEnd) authEnd = k;
    }
    const q = url.indexOf('?', authEnd);
    const hash = url.indexOf('#', authEnd);
    const queryEnd = hash === -1 ? url.length : hash;
    const pathEnd = q !== -1 && q < queryEnd ? q : queryEnd;
    if (pathEnd > authEnd) paths.push([base + authEnd, base + pathEnd]);
    let fragmentStart = hash + 1;
    if (q !== -1 && q < queryEnd) {
      let p = q + 1;
      while (p < queryEnd) {
        let amp = url.indexOf('&', p);
        if (amp === -1 || amp > queryEnd) amp = queryEnd;
        const eq = url.indexOf('=', p);
        if (eq !== -1 && eq < amp && amp > eq + 1) {
          const name = url.slice(p, eq).toLowerCase();
          if (SECRET_PATTERNS.secretName.test(name)) {
            // A hand-typed credential may hold '&' or '#': segments without '=' (and a '#') continue it.
            const end = secretQueryEnd(url, eq + 1);
            const type: EntityType = name.includes('pass') || name.includes('pwd') ? 'PASSWORD' : 'SECRET';
            const value = url.slice(eq + 1, end);
            out.push({ type, start: base + eq + 1, end: base + end, priority: 86, norm: value });
            if (hash !== -1 && end > hash) fragmentStart = end + 1;
            amp = Math.max(amp, end);
          } else {
            const value = url.slice(eq + 1, amp);
            out.push({ type: 'URL_QUERY', start: base + eq + 1, end: base + amp, priority: 85, norm: value });
          }
        }
        p = amp + 1;
      }
    }
    if (hash !== -1 && fragmentStart < url.length) {
      out.push({
        type: 'URL_FRAGMENT',
        start: base + fragmentStart,
        end: base + url.length,
        priority: 85,
        norm: url.slice(fragmentStart),
      });
    }
    re.lastIndex = base + Math.max(url.length, 1);
  }
}

/**
 * Shannon entropy in bits per character, as common.ts's `shannonEntropy`, counting ASCII in a typed array
 * instead of a Map (tokens are ASCII here; anything else falls back to the Map version).
 */
function entropyOf(s: string): number {
  const n = s.length;
  if (n === 0 || n > 65535) return shannonEntropy(s);
  const counts = new Uint16Array(128);
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128) return shannonEntropy(s);
    counts[c] = (counts[c] as number) + 1;
  }
  let h = 0;
  for (let c = 0; c < 128; c++) {
    const k = counts[c] as number;
    if (k === 0) continue;
    const p = k / n;
    h -= p * Math.log2(p);
  }
  return h;
}

/** Characters of a generic token: [A-Za-z0-9_+/=-], as a lookup table over ASCII. */
const TOKEN_CHARS = (() => {
  const table = new Uint8Array(128);
  for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+/=-')
    table[ch.charCodeAt(0)] = 1;
  return table;
})();

/** Words near a generic token: credentials raise its score, hashes, ids and encodings lower it. */
const GENERIC_CUES: ContextCues = {
  raise: [
    'key',
    'secret',
    'token',
    'password',
    'passwd',
    'pwd',
    'credential',
    'credentials',
    'auth',
    'apikey',
    'secretkey',
    'accesskey',
    'authtoken',
    'accesstoken',
    'privatekey',
    'clientsecret',
    'bearer',
  ],
  lower: [
    'sha',
    'sha1',
    'sha224',
    'sha256',
    'sha384',
    'sha512',
    'sha-1',
    'sha-256',
    'sha-384',
    'sha-512',
    'md5',
    'commit',
    'checksum',
    'digest',
    'hash',
    'integrity',
    'etag',
    'fingerprint',
    'revision',
    'rev',
    'git',
    'checkout',
    'merge',
    'tree',
    'parent',
    'object',
    'blob',
    'base64',
    'data',
    'image',
    'uuid',
    'guid',
    'id',
    'request',
    'trace',
    'correlation',
    'build',
    'version',
  ],
  before: 40,
};

/** Base64 starts of SSH public keys and common binary formats (PNG, JPEG, GIF, PDF, ZIP, gzip, RIFF, SVG, XML, WOFF). */
const BINARY_MAGIC = [
  'AAAAB3NzaC1',
  'AAAAC3NzaC1',
  'AAAAE2VjZHNh',
  'iVBORw0KGgo',
  '/9j/',
  'R0lGOD',
  'JVBERi0',
  'UEsDB',
  'H4sI',
  'UklGR',
  'PHN2Zy',
  'PD94bWw',
  'd09GR',
];

/**
 * Share of the token in camel-case words (an optional capital, then three or more lower-case letters):
 * identifiers (`getUserAccountById2`) are mostly words; random tokens rarely (1 % reach 0.5).
 */
function wordiness(token: string): number {
  const n = token.length;
  let inWords = 0;
  let i = 0;
  while (i < n) {
    const c = token.charCodeAt(i);
    let j = c >= 65 && c <= 90 ? i + 1 : i;
    const lowerStart = j;
    while (j < n && token.charCodeAt(j) >= 97 && token.charCodeAt(j) <= 122) j++;
    if (j - lowerStart >= 3 && j - i >= 4) {
      inWords += j - i;
      i = j;
    } else i = Math.max(i + 1, j);
  }
  return inWords / n;
}

/** Confidence that a token of [A-Za-z0-9_+/=-] is a secret: shape first, then context. */
function genericScore(token: string, lower: string, s: number, e: number, inPath: boolean): number {
  const len = token.length;
  let upper = false;
  let low = false;
  let digit = false;
  let slashPlus = false;
  let nonHex = false;
  for (let i = 0; i < len; i++) {
    const c = token.charCodeAt(i);
    if (c >= 65 && c <= 90) {
      upper = true;
      if (c > 70) nonHex = true;
    } else if (c >= 97 && c <= 122) {
      low = true;
      if (c > 102) nonHex = true;
    } else if (c >= 48 && c <= 57) digit = true;
    else {
      nonHex = true;
      if (c === 43 || c === 47) slashPlus = true;
    }
  }
  const hex = len >= 32 && !nonHex;
  const b64 = digit && (upper || low) && slashPlus && len >= 30;
  let score: number;
  if (hex) score = entropyOf(token) >= 3.3 ? 0.4 : 0;
  else if ((upper && low && digit) || b64)
    score = entropyOf(token) >= Math.min(4.0, Math.log2(len) - 0.7) ? 0.6 : 0;
  else if (low && digit && len >= 24) score = entropyOf(token) >= 4.0 ? 0.3 : 0;
  else return 0;
  if (score === 0) return 0;
  const t = token.toLowerCase();
  if (isPlaceholder(token) || SECRET_PATTERNS.sampleToken.test(t)) return 0;
  if (lower.endsWith('base64,', s) || BINARY_MAGIC.some((m) => token.startsWith(m))) return 0;
  if (b64 && len > 100) score -= 0.2;
  if (wordiness(token) >= 0.55) score -= 0.3;
  if (inPath) score -= 0.3;
  const ctx = contextOf(lower, s, e, GENERIC_CUES);
  if (ctx === 1) score += 0.35;
  else if (ctx === -1) score -= 0.4;
  return score;
}

/** Generic high-entropy tokens: runs of [A-Za-z0-9_+/=-] of 20-512 characters, scored by genericScore. */
function highEntropy(
  out: Candidate[],
  text: string,
  lower: string,
  paths: readonly [number, number][],
): void {
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
    const runStart = i;
    i = j;
    if (j - runStart < 20) continue;
    // Inside a URL path, '/' separates segments (ids, slugs), each judged on its own.
    const inPath = paths.some(([ps, pe]) => runStart < pe && j > ps);
    // `KEY=value` inside one run: the value is judged on its own, with the key as its context (base64
    // padding '=' only ends a token).
    let from = runStart;
    while (from < j) {
      let to = j;
      const eq = text.indexOf('=', from);
      if (eq !== -1 && eq + 1 < j && text[eq + 1] !== '=') to = eq;
      if (inPath) {
        const slash = text.indexOf('/', from);
        if (slash !== -1 && slash < to) to = slash;
      }
      pushToken(out, text, lower, from, to, inPath);
      from = to + 1;
    }
  }
}

function pushToken(
  out: Candidate[],
  text: string,
  lower: string,
  s: number,
  e: number,
  inPath: boolean,
): void {
  while (s < e && '/-+='.includes(text[s] as string)) s++;
  while (e > s && '/-'.includes(text[e - 1] as string)) e--;
  const len = e - s;
  if (len < 20 || len > 512) return;
  const token = text.slice(s, e);
  const score = genericScore(token, lower, s, e, inPath);
  if (score > 0)
    out.push({ type: 'SECRET', start: s, end: e, priority: 20, norm: token, score: Math.min(score, 1) });
}

/** Whether `text` holds at least `n` colons. */
function atLeastColons(text: string, n: number): boolean {
  let seen = 0;
  for (let k = text.indexOf(':'); k !== -1; k = text.indexOf(':', k + 1)) if (++seen >= n) return true;
  return false;
}

/** The secret layer, with its own regex copies. */
export function secretLayer(on: Enabled): DetectorLayer {
  const P = copyPatterns(OWN_SECRET_PATTERNS);
  const rules: RunnableRule[] = SECRET_RULES.filter((r) => on(r.type)).map((rule) => ({
    rule,
    re: new RegExp(rule.pattern.source, rule.pattern.flags),
  }));
  const index = new KeywordIndex(rules);
  const g0 = rules.length;
  const password = on('PASSWORD');
  const [privateKey, jwt, secret, username] = [on('PRIVATE_KEY'), on('JWT'), on('SECRET'), on('USERNAME')];
  return (out, text, f) => {
    const lower = f.lower;
    const paths: [number, number][] = [];
    const woken = index.wake(lower);
    if (privateKey && text.includes('-----BEGIN')) privateKeys(out, text);
    if (f.hasScheme) urls(out, text, P.url, paths);
    providerRules(out, text, lower, rules, woken);
    if (jwt && text.includes('eyJ')) jwts(out, text);
    if (f.hasEquals || f.hasColon) {
      if (woken[g0 + Gate.Authorization] === 1) authorizations(out, text, P.authorization, on);
      if (secret && woken[g0 + Gate.Cookie] === 1) cookies(out, text, P.cookie);
      keyValues(out, text, P.keyValueSecret, on);
    }
    if (lower.includes('-')) cliSecrets(out, text, lower, P.cliSecret, P.cliUser, on);
    if (f.hasUpper && (f.hasEquals || f.hasColon) && woken[g0 + Gate.EnvKey] === 1 && text.includes('_KEY'))
      quotedValues(out, text, P.envKey, 'SECRET', on);
    if (woken[g0 + Gate.Setx] === 1) setxValues(out, text, P.setx, on);
    if (woken[g0 + Gate.Redis] === 1) quotedValues(out, text, P.redisAuth, 'PASSWORD', on);
    if (woken[g0 + Gate.NetUser] === 1) quotedValues(out, text, P.netUser, 'PASSWORD', on);
    if (woken[g0 + Gate.Sshpass] === 1) quotedValues(out, text, P.sshpass, 'PASSWORD', on);
    if (woken[g0 + Gate.Mysql] === 1) quotedValues(out, text, P.mysqlPassword, 'PASSWORD', on);
    if (woken[g0 + Gate.Stdin] === 1 && woken[g0 + Gate.Echo] === 1)
      quotedValues(out, text, P.echoStdin, 'PASSWORD', on);
    if (password) {
      if (woken[g0 + Gate.Pin] === 1 && f.digits >= 4) pins(out, text, P.pin);
      if (woken[g0 + Gate.LoginCommand] === 1) quotedValues(out, text, P.loginPassword, 'PASSWORD', on);
      if (woken[g0 + Gate.SecureString] === 1) quotedValues(out, text, P.secureString, 'PASSWORD', on);
      if (woken[g0 + Gate.Password] === 1 || lower.includes('пароль')) {
        barePasswords(out, text, P.barePassword);
        if (text.includes('\n')) linePasswords(out, text, P.linePassword);
      }
      if (woken[g0 + Gate.Wifi] === 1) wifiPasswords(out, text, P.wifiPassword);
      const csvCue =
        woken[g0 + Gate.Pin] === 1 || woken[g0 + Gate.Password] === 1 || woken[g0 + Gate.Code] === 1;
      if (csvCue && text.includes('\n')) csvSecretColumns(out, text);
      if (f.digits >= 4 && (woken[g0 + Gate.Code] === 1 || lower.includes('kód')))
        quotedValues(out, text, P.accessCode, 'PASSWORD', on);
      if (f.hasColon && atLeastColons(text, 4)) pgpassLines(out, text, P.pgpass);
    }
    if (username) {
      const from = out.length;
      homePaths(out, text, woken[g0 + Gate.WindowsHome] === 1, woken[g0 + Gate.UnixHome] === 1, P);
      logins(out, text, woken, g0, P);
      if (out.length > from) echoLogins(out, lower, from);
    }
    if (secret && text.length >= 20) highEntropy(out, text, lower, paths);
  };
}
