/**
 * The episode viewer: a pure function from one episode, as the training views publish it, to one
 * self-contained HTML page (inline CSS, inline script, inline SVG; a Content-Security-Policy that forbids
 * every fetch). The screen is an SVG of the episode's aspect ratio with each positioned step drawn where it
 * happened; steps without a position (type, key, hotkey, switch_app, focus_window, wait) are in the list
 * only, and selecting one says so under the screen. Every value is escaped: window titles and typed text
 * come from people's screens, scrubbed but not trusted. No pseudonym is printed, only the episode id.
 */
import { createHash } from 'node:crypto';
import type { ViewEpisode, ViewStep } from '#core/export/rows.js';
import { POINTER_ACTIONS } from '#core/sequence/action-json.js';

/** One step, normalised from either engine (core/export/rows.ts): a STEP_COLUMNS row. */
export type ViewerStep = ViewStep;

/** One episode as the training views publish it, with its recovery span, normalised (episodeOf). */
export type ViewerEpisode = Pick<
  ViewEpisode,
  | 'episode_id'
  | 'start_ts'
  | 'duration_ms'
  | 'apps'
  | 'labels'
  | 'task_label'
  | 'completed'
  | 'cut_reason'
  | 'error_recovery'
  | 'recovery_start_step'
  | 'recovery_end_step'
> & { readonly steps: readonly ViewStep[] };

/** The shape of an episode id: 32 lower-case hex characters (a truncated SHA-256). */
export const EPISODE_ID_PATTERN = /^[0-9a-f]{32}$/;

/** Width of the SVG's coordinate space; its height follows the screen's aspect ratio. */
const VIEW_W = 1000;
/** The screen assumed when no step carries its size. */
const DEFAULT_SCREEN = { width: 1920, height: 1080 } as const;

const CSS = `*{box-sizing:border-box}body{font:14px/1.4 system-ui,sans-serif;margin:0 auto;max-width:1280px;padding:12px 16px;color:#1b1f24;background:#fff}
h1{font-size:18px;margin:0 0 2px}h1 code{font-size:15px;color:#555}.task{margin:0 0 6px;font-size:15px}
.meta{margin:0 0 6px;color:#444}.badge{display:inline-block;border-radius:9px;padding:0 8px;margin:0 4px 2px 0;background:#e7edf5;color:#1b3a5c;font-size:12px}
.badge.error_recovery{background:#fde2e1;color:#8a1c17}.badge.completed{background:#dff3e4;color:#1d5e2e}
.wrap{display:grid;grid-template-columns:minmax(0,1.3fr) minmax(0,1fr);gap:16px;align-items:start}
.left{position:sticky;top:8px}svg{width:100%;height:auto;display:block;border:1px solid #8a929c;background:#f6f7f9}
svg text{font-size:15px;paint-order:stroke;stroke:#fff;stroke-width:4px;fill:#1b1f24;font-weight:600}
.trail{fill:none;stroke:#aab2bb;stroke-width:1.2;stroke-dasharray:4 5}
.m{cursor:pointer}.m :is(circle,rect,path){fill:#2563eb;stroke:#fff;stroke-width:2}.m .o{fill:none;stroke:#2563eb;stroke-width:2.5}
.m.g line{stroke:#2563eb;stroke-width:3}.m.s path{fill:none;stroke:#2563eb;stroke-width:4;stroke-linecap:round;stroke-linejoin:round}
.m.rec :is(circle,rect,path){fill:#dc2626}.m.rec .o,.m.rec.s path{fill:none;stroke:#dc2626}.m.rec line{stroke:#dc2626}
.m.cur :is(circle,rect){stroke:#f59e0b;stroke-width:5}.m.cur.s path,.m.cur line{stroke-width:6}.m.cur text{font-size:20px}
#ah path{fill:#2563eb}#ahr path{fill:#dc2626}
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:12px;color:#444;margin:6px 0;padding:0;list-style:none}.legend li{white-space:nowrap}.legend svg{width:18px;height:18px;border:0;background:none;display:inline-block;vertical-align:-4px;margin-right:3px}
.sw{display:inline-block;width:10px;height:10px;border-radius:5px;background:#dc2626;vertical-align:-1px;margin-right:3px}
#note{min-height:1.4em;margin:4px 0;color:#6b3a00}
ol{list-style:none;margin:0;padding:0;max-height:calc(100vh - 120px);overflow:auto;border:1px solid #d5d9de;border-radius:4px}
#steps li{border-bottom:1px solid #eceef1;border-left:4px solid transparent}#steps li.rec{border-left-color:#dc2626}
#steps button{all:unset;box-sizing:border-box;display:grid;grid-template-columns:2.6em 1fr auto;gap:0 8px;width:100%;padding:4px 8px;cursor:pointer}
#steps button:hover{background:#f2f5f9}#steps button[aria-current]{background:#fff7e0}#steps button:focus-visible{outline:3px solid #1d4ed8;outline-offset:-3px}
.i{font-weight:700;color:#555;text-align:right}.a{font-weight:600}.d{color:#666;font-size:12px;text-align:right}
.w{grid-column:2/4;color:#666;font-size:12px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.x{grid-column:2/4;display:none;font-size:12px;color:#333;overflow-wrap:anywhere}[aria-current] .x{display:block}
.t{color:#0f5132}kbd{font:12px ui-monospace,monospace;border:1px solid #bbb;border-radius:3px;padding:0 3px;background:#fafafa}
.tag{font-size:11px;color:#8a1c17;margin-left:6px}
@media (max-width:800px){.wrap{grid-template-columns:1fr}.left{position:static}ol{max-height:none}}`;

/** Selection and keyboard navigation: reads only the DOM the page was rendered with (no data in code). */
const SCRIPT = `(()=>{const L=[...document.querySelectorAll('#steps li[data-step]')];if(!L.length)return;
const M=new Map();for(const m of document.querySelectorAll('#screen [data-step]'))M.set(m.getAttribute('data-step'),m);
const note=document.getElementById('note');let c=0;
function go(i,focus){i=Math.max(0,Math.min(L.length-1,i));const p=L[c].firstElementChild;p.removeAttribute('aria-current');p.tabIndex=-1;
M.get(L[c].getAttribute('data-step'))?.classList.remove('cur');c=i;const li=L[i],b=li.firstElementChild,k=li.getAttribute('data-step');
b.setAttribute('aria-current','step');b.tabIndex=0;if(focus){b.focus({preventScroll:true});li.scrollIntoView({block:'nearest'});}
const m=M.get(k);if(m){m.classList.add('cur');m.parentNode.appendChild(m);note.textContent='';}
else note.textContent='Step '+k+' ('+li.getAttribute('data-type')+') has no screen position: list only.';}
L.forEach((li,i)=>li.firstElementChild.addEventListener('click',()=>go(i,true)));
M.forEach((m,k)=>m.addEventListener('click',()=>go(L.findIndex((l)=>l.getAttribute('data-step')===k),true)));
document.addEventListener('keydown',(e)=>{if(e.altKey||e.ctrlKey||e.metaKey)return;const d={ArrowDown:1,j:1,ArrowUp:-1,k:-1}[e.key];
const i=d?c+d:e.key==='Home'?0:e.key==='End'?L.length-1:null;if(i===null)return;e.preventDefault();go(i,true);});go(0,false);})();`;

/** Escapes text for HTML content (quotes stay: they are text there). */
function esc(s: string): string {
  return s.replace(/[&<>]/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** Escapes text for a quoted attribute value. */
function attr(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** A duration for people: 120 ms, 4.2 s, 3 min 5 s. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** A step's index in its episode (its position when the column is null). */
function indexOf(step: ViewerStep, position: number): number {
  return step.step_index ?? position;
}

/** The screen size of the episode: the first step that knows it, else the default. */
function screenOf(steps: readonly ViewerStep[]): { width: number; height: number } {
  for (const s of steps) {
    const width = s.screen_width ?? 0;
    const height = s.screen_height ?? 0;
    if (width > 0 && height > 0) return { width, height };
  }
  return DEFAULT_SCREEN;
}

/** The inclusive recovery span, or null. */
function recoveryOf(e: ViewerEpisode): { start: number; end: number } | null {
  const start = e.recovery_start_step;
  const end = e.recovery_end_step;
  return start === null || end === null ? null : { start, end };
}

/** True when the step is drawn on the screen: a pointer action with a known position. */
export function isPositioned(s: ViewerStep): boolean {
  return POINTER_ACTIONS.has(s.action_type) && typeof s.x === 'number' && typeof s.y === 'number';
}

/** A view-space coordinate, rounded to one decimal to keep the file small. */
const r1 = (v: number): string => String(Math.round(v * 10) / 10);

/** The shape of a step's mark, centred on the origin: clicks by kind, scroll chevrons by direction. */
function markShape(s: ViewerStep): string {
  switch (s.action_type) {
    case 'double_click':
      return '<circle r="8"/><circle class="o" r="13"/>';
    case 'triple_click':
      return '<circle r="7"/><circle class="o" r="12"/><circle class="o" r="17"/>';
    case 'right_click':
      return '<rect x="-8" y="-8" width="16" height="16" rx="2"/>';
    case 'middle_click':
      return '<path d="M0-10L10 0 0 10-10 0z"/>';
    case 'scroll': {
      const turn = { down: 0, up: 180, left: 90, right: -90 }[s.scroll_direction ?? 'down'] ?? 0;
      return `<path d="M-10-9L0 0 10-9M-10 2L0 11 10 2" transform="rotate(${turn})"/>`;
    }
    default:
      return '<circle r="9"/>';
  }
}

/** Human name of a mark's kind, for its tooltip. */
function markTitle(s: ViewerStep, index: number): string {
  const detail =
    s.action_type === 'scroll'
      ? ` ${s.scroll_direction ?? ''}`
      : s.button && s.button !== 'left'
        ? ` (${s.button})`
        : '';
  return esc(`step ${index}: ${s.action_type}${detail}`);
}

/** A box on the screen, in view units. */
interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

const overlaps = (a: Box, b: Box): boolean =>
  a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/** Where a step number may go, relative to its mark, nearest first: right, left, below, above, further out. */
function labelOffsets(w: number): [number, number][] {
  const out: [number, number][] = [];
  for (const dy of [-6, 12, -22, 28]) out.push([13, dy], [-13 - w, dy]);
  for (let k = 1; k <= 3; k++) out.push([13 + k * (w + 4), -6], [-13 - w - k * (w + 4), -6]);
  return out;
}

/**
 * A step number beside its mark, at the first spot nearby that covers neither a number placed before nor
 * another mark (dense clusters of clicks are common); `placed` collects the boxes taken.
 */
function labelAt(placed: Box[], marks: readonly Box[], x: number, y: number, height: number, index: number) {
  const w = String(index).length * 9 + 2;
  const boxAt = ([dx, dy]: [number, number]): Box => ({ x: x + dx, y: y + dy - 12, w, h: 15 });
  const inside = (b: Box) => b.x >= 0 && b.y >= 0 && b.x + b.w <= VIEW_W && b.y + b.h <= height;
  const candidates = labelOffsets(w).filter((o) => inside(boxAt(o)));
  const free = (o: [number, number], avoidMarks: boolean) => {
    const b = boxAt(o);
    return !placed.some((p) => overlaps(p, b)) && !(avoidMarks && marks.some((m) => overlaps(m, b)));
  };
  const [dx, dy] = candidates.find((o) => free(o, true)) ??
    candidates.find((o) => free(o, false)) ??
    candidates[0] ?? [13, -6];
  placed.push(boxAt([dx, dy]));
  return `<text x="${dx}" y="${dy}">${index}</text>`;
}

/** The SVG marks of the positioned steps, the dashed trail between them, and their numbers. */
function screenSvg(e: ViewerEpisode, recovery: { start: number; end: number } | null): string {
  const screen = screenOf(e.steps);
  const h = (VIEW_W * screen.height) / screen.width;
  const inRecovery = (i: number) => recovery !== null && i >= recovery.start && i <= recovery.end;
  const placed: Box[] = [];
  // Every mark's core; a number's spots never reach its own mark, so one list serves all.
  const cores: Box[] = e.steps
    .filter(isPositioned)
    .map((s) => ({ x: (s.x as number) * VIEW_W - 7, y: (s.y as number) * h - 7, w: 14, h: 14 }));
  const trail: string[] = [];
  const marks: string[] = [];
  e.steps.forEach((s, position) => {
    if (!isPositioned(s)) return;
    const i = indexOf(s, position);
    const x = (s.x as number) * VIEW_W;
    const y = (s.y as number) * h;
    const label = labelAt(placed, cores, x, y, h, i);
    const cls = `m${s.action_type === 'drag' ? ' g' : s.action_type === 'scroll' ? ' s' : ''}${inRecovery(i) ? ' rec' : ''}`;
    const title = `<title>${markTitle(s, i)}</title>`;
    trail.push(`${r1(x)},${r1(y)}`);
    if (s.action_type === 'drag' && typeof s.to_x === 'number' && typeof s.to_y === 'number') {
      const tx = s.to_x * VIEW_W;
      const ty = s.to_y * h;
      trail.push(`${r1(tx)},${r1(ty)}`);
      const head = inRecovery(i) ? 'ahr' : 'ah';
      marks.push(
        `<g data-step="${i}" class="${cls}">${title}<line x1="${r1(x)}" y1="${r1(y)}" x2="${r1(tx)}" y2="${r1(ty)}" marker-end="url(#${head})"/><g transform="translate(${r1(x)} ${r1(y)})"><circle r="6"/>${label}</g></g>`,
      );
      return;
    }
    marks.push(
      `<g data-step="${i}" class="${cls}" transform="translate(${r1(x)} ${r1(y)})">${title}${markShape(s)}${label}</g>`,
    );
  });
  const arrow = (id: string) =>
    `<marker id="${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="5" markerHeight="5" orient="auto"><path d="M0 0L10 5 0 10z"/></marker>`;
  return [
    `<svg id="screen" viewBox="0 0 ${VIEW_W} ${r1(h)}" role="img" aria-label="Screen ${screen.width}×${screen.height} with ${marks.length} positioned steps">`,
    `<defs>${arrow('ah')}${arrow('ahr')}</defs>`,
    trail.length > 1 ? `<polyline class="trail" points="${trail.join(' ')}"/>` : '',
    marks.join(''),
    '</svg>',
  ].join('');
}

/** Quoted text, or a note when a secure field kept it on the device. */
function typedText(s: ViewerStep): string {
  return s.text === null ? '<i>(secure field: not kept)</i>' : `<span class="t">“${esc(s.text)}”</span>`;
}

/** What a step did, beyond its type: text, keys, scroll, app or window. */
function stepDetail(s: ViewerStep): string {
  const repeat = s.repeat;
  switch (s.action_type) {
    case 'type':
      return typedText(s);
    case 'key':
    case 'hotkey':
      return `<kbd>${esc(s.keys ?? '?')}</kbd>${repeat !== null && repeat > 1 ? ` ×${repeat}` : ''}`;
    case 'scroll':
      return esc(`${s.scroll_direction ?? ''} ${s.scroll_amount ?? ''}`.trim());
    case 'switch_app':
      return `→ ${esc(s.app_id ?? '?')}`;
    case 'focus_window':
      return `→ ${esc(s.window_title ?? '?')}`;
    default:
      return s.button && s.button !== 'left' ? esc(s.button) : '';
  }
}

/** The UI element of a step: role and quoted name. */
function elementOf(s: ViewerStep): string {
  if (!s.element_role && !s.element_name) return '';
  return esc(`${s.element_role ?? ''}${s.element_name ? ` “${s.element_name}”` : ''}`.trim());
}

/** App and window title of a step. */
function whereOf(s: ViewerStep | undefined): string {
  return s ? [s.app_id, s.window_title].filter((v): v is string => !!v).join(' — ') : '';
}

/**
 * One list item: index, action, element, detail, duration; app and window when they changed since the
 * previous step; time offset, app and window and the canonical action JSON when current.
 */
function stepItem(
  s: ViewerStep,
  position: number,
  previous: ViewerStep | undefined,
  startMs: number | null,
  rec: boolean,
): string {
  const i = indexOf(s, position);
  const ts = s.ts;
  const offset = startMs !== null && ts !== null ? `+${formatDuration(ts - startMs)} · ` : '';
  const what = [elementOf(s), stepDetail(s)].filter(Boolean).join(' ');
  const where = whereOf(s);
  const changed = where !== '' && (previous === undefined || whereOf(previous) !== where);
  return [
    `<li data-step="${i}" data-type="${attr(s.action_type)}"${rec ? ' class="rec"' : ''}>`,
    `<button type="button" tabindex="${position === 0 ? 0 : -1}"${position === 0 ? ' aria-current="step"' : ''}>`,
    `<span class="i">${i}</span><span><span class="a">${esc(s.action_type)}</span>${rec ? '<span class="tag">recovery</span>' : ''} ${what}</span>`,
    `<span class="d">${formatDuration(s.duration_ms)}</span>`,
    changed ? `<span class="w">${esc(where)}</span>` : '',
    `<span class="x">${offset}${changed || !where ? '' : `${esc(where)} · `}<code>${esc(s.action)}</code></span>`,
    '</button></li>',
  ].join('');
}

/** The header: id, task, facts, labels as badges, recovery span. */
function header(e: ViewerEpisode, recovery: { start: number; end: number } | null): string {
  const start = e.start_ts;
  const duration = e.duration_ms;
  const facts = [
    start !== null ? `${new Date(start).toISOString().replace('T', ' ').slice(0, 19)} UTC` : null,
    duration !== null ? formatDuration(duration) : null,
    `${e.steps.length} steps (${e.steps.filter(isPositioned).length} on screen)`,
    e.apps?.length ? `apps: ${e.apps.join(', ')}` : null,
    e.cut_reason ? `ended by ${e.cut_reason}` : null,
    e.completed ? 'completed' : null,
  ].filter((f): f is string => f !== null);
  const labels = (e.labels ?? [])
    .map((l) => `<span class="badge ${attr(l.replace(/[^a-z_]/g, ''))}">${esc(l)}</span>`)
    .join('');
  return [
    `<h1>Episode <code>${esc(e.episode_id)}</code></h1>`,
    e.task_label ? `<p class="task">Task: ${esc(e.task_label)}</p>` : '',
    `<p class="meta">${esc(facts.join(' · '))}</p>`,
    `<p class="labels" aria-label="labels">${labels || '<span class="badge">no labels</span>'}</p>`,
    recovery
      ? `<p class="meta"><span class="sw"></span>Recovery span: ${recovery.start === recovery.end ? `step ${recovery.start}` : `steps ${recovery.start}–${recovery.end}`}</p>`
      : '',
  ].join('');
}

/** A legend icon: a mark shape in a small SVG of its own. */
const icon = (cls: string, shape: string): string =>
  `<svg viewBox="-20 -20 40 40" aria-hidden="true"><g class="m${cls}">${shape}</g></svg>`;

/** What the marks mean, with the marks themselves as icons. */
const LEGEND = `<ul class="legend">${[
  `${icon('', '<circle r="9"/>')}click`,
  `${icon('', '<circle r="8"/><circle class="o" r="13"/>')}double`,
  `${icon('', '<circle r="7"/><circle class="o" r="12"/><circle class="o" r="17"/>')}triple`,
  `${icon('', '<rect x="-8" y="-8" width="16" height="16" rx="2"/>')}right`,
  `${icon('', '<path d="M0-10L10 0 0 10-10 0z"/>')}middle`,
  `${icon(' g', '<line x1="-16" y1="10" x2="12" y2="-8" marker-end="url(#ah)"/><circle cx="-16" cy="10" r="5"/>')}drag`,
  `${icon(' s', '<path d="M-10-9L0 0 10-9M-10 2L0 11 10 2"/>')}scroll (points its way)`,
  '<span class="sw"></span>recovery span',
  'type, key, hotkey, switch_app, focus_window, wait: no position, list only',
  'keys: ↑/↓ or k/j, Home/End',
]
  .map((item) => `<li>${item}</li>`)
  .join('')}</ul>`;

/** A CSP source for an inline block: its SHA-256. */
const hashSource = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** Renders one episode as a self-contained HTML page. */
export function renderEpisode(e: ViewerEpisode): string {
  const recovery = recoveryOf(e);
  const startMs = e.start_ts;
  const rec = (i: number) => recovery !== null && i >= recovery.start && i <= recovery.end;
  const items = e.steps.map((s, p) => stepItem(s, p, e.steps[p - 1], startMs, rec(indexOf(s, p)))).join('\n');
  const csp = `default-src 'none'; style-src ${hashSource(CSS)}; script-src ${hashSource(SCRIPT)}; base-uri 'none'; form-action 'none'`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>worktrace episode ${esc(e.episode_id.slice(0, 12))}</title>
<style>${CSS}</style></head>
<body>${header(e, recovery)}
<div class="wrap"><div class="left">${screenSvg(e, recovery)}
<p id="note" aria-live="polite"></p>
${LEGEND}</div>
<ol id="steps" aria-label="Steps">
${items}
</ol></div>
<script>${SCRIPT}</script>
</body></html>
`;
}

/**
 * The query of episodes as the training views publish them: training_trajectories (retention, opt-outs,
 * minimum length applied) joined to episodes for the recovery span only, as error_recovery_examples does.
 * `where` is SQL written by the caller (values in it must be validated first); longest first.
 */
export function publishedEpisodeSql(where: string, limit: number): string {
  return `SELECT t.episode_id, t.start_ts, t.duration_ms, t.step_count, t.apps, t.labels, t.task_label,
  t.completed, t.cut_reason, t.error_recovery, e.recovery_start_step, e.recovery_end_step, t.steps
FROM training_trajectories t JOIN episodes e ON e.episode_id = t.episode_id AND e.dt = t.dt
WHERE ${where}
ORDER BY t.error_recovery DESC, t.step_count DESC, t.episode_id
LIMIT ${limit}`;
}
