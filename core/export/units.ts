/**
 * Unit conversions the adapters share. Canonical scroll amounts are wheel units: the capture agent's wheel
 * deltas, summed over a gesture. Agents report line deltas, 3 per wheel notch (the Windows and X11 default,
 * and what the simulator sends), so a "click" of the wheel in the Anthropic and pyautogui sense is
 * {@link WHEEL_UNITS_PER_CLICK} units; OpenAI scrolls in pixels, {@link PIXELS_PER_CLICK} per click (what
 * Chromium scrolls per notch).
 */

/** Wheel units per wheel click (notch). */
export const WHEEL_UNITS_PER_CLICK = 3;

/** Pixels scrolled per wheel click (Chromium's per-notch delta). */
export const PIXELS_PER_CLICK = 100;

/** Wheel clicks of a scroll amount: rounded, at least 1 (a scroll action scrolled). */
export function wheelClicks(amount: number | undefined): number {
  return Math.max(1, Math.round((amount ?? 0) / WHEEL_UNITS_PER_CLICK));
}

/** Pixels of a scroll amount, via whole wheel clicks. */
export function wheelPixels(amount: number | undefined): number {
  return wheelClicks(amount) * PIXELS_PER_CLICK;
}

/** Milliseconds as seconds with at most 3 decimals. */
export function seconds(ms: number | undefined): number {
  return Math.round(ms ?? 0) / 1000;
}
