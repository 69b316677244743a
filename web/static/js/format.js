// Formatting of AIS values for display: "—" for anything not available,
// never a made-up 0; times in China Standard Time.

import { L } from './i18n.js';

export const DASH = '—';

// Display limits for attacker-controlled text, in code points.
export const LIMIT = { name: 40, callsign: 12, destination: 40, eni: 16, station: 48, flag: 32, eta: 16 };

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g;

// clip bounds a string from the wire: control and bidi characters dropped,
// surrounding spaces and AIS '@' padding trimmed, at most n code points.
export function clip(s, n) {
  if (s === undefined || s === null) return '';
  let t = String(s).replace(CONTROL, '').replace(/@+$/, '').trim();
  const cps = Array.from(t);
  if (cps.length > n) t = cps.slice(0, n - 1).join('') + '…';
  return t;
}

// textOr returns the clipped text or DASH when empty.
export function textOr(s, n) {
  const t = clip(s, n);
  return t === '' ? DASH : t;
}

// isNum reports whether v is a usable finite number (null = not available).
export function isNum(v) {
  return typeof v === 'number' && Number.isFinite(v);
}

// num formats v with digits decimals and a unit, or DASH.
export function num(v, digits, unit) {
  if (!isNum(v)) return DASH;
  if (!unit) return v.toFixed(digits);
  return v.toFixed(digits) + (unit === '°' ? unit : ' ' + unit);
}

// positive formats a dimension where 0 means "not available".
export function positive(v, digits, unit) {
  return isNum(v) && v > 0 ? num(v, digits, unit) : DASH;
}

// validHeading is the true heading in degrees, or null (511 = n/a).
export function validHeading(v) {
  return isNum(v) && v >= 0 && v < 360 ? v : null;
}

// validCOG is the course over ground in degrees, or null (360 = n/a).
export function validCOG(v) {
  return isNum(v) && v >= 0 && v < 360 ? v : null;
}

// validSOG is the speed in knots, or null (102.3 = n/a).
export function validSOG(v) {
  return isNum(v) && v >= 0 && v < 102.2 ? v : null;
}

// position returns [lat, lon] or null when the vessel has no usable position.
export function position(v) {
  if (!v || !isNum(v.lat) || !isNum(v.lon)) return null;
  if (Math.abs(v.lat) > 90 || Math.abs(v.lon) > 180) return null;
  return [v.lat, v.lon];
}

let zone = 'Asia/Shanghai';
let fmtFull = null;
let fmtShort = null;

const CST_ZONES = new Set(['Asia/Shanghai', 'Asia/Harbin', 'Asia/Chongqing', 'Asia/Chungking', 'PRC']);

// setTimeZone selects the display zone (default Asia/Shanghai); an unknown
// zone is ignored. It returns the label for the zone.
export function setTimeZone(tz) {
  if (fmtFull && tz === zone) return zoneLabel();
  if (tz) {
    try {
      new Intl.DateTimeFormat('zh-CN', { timeZone: tz });
      zone = tz;
    } catch (_) { /* keep the default */ }
  }
  const opts = { timeZone: zone, hourCycle: 'h23' };
  fmtFull = new Intl.DateTimeFormat('zh-CN', { ...opts, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  fmtShort = new Intl.DateTimeFormat('zh-CN', { ...opts, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
  return zoneLabel();
}

// zoneLabel is "北京时间 CST" for China Standard Time, else the zone name.
export function zoneLabel() {
  return CST_ZONES.has(zone) ? L('北京时间 CST') : clip(zone, 40);
}

setTimeZone('Asia/Shanghai');

function parts(fmt, d) {
  const o = {};
  for (const p of fmt.formatToParts(d)) o[p.type] = p.value;
  return o;
}

// parseTime reads an RFC 3339 string; null for missing or zero times.
export function parseTime(s) {
  if (!s || typeof s !== 'string') return null;
  const d = new Date(s);
  const t = d.getTime();
  if (!Number.isFinite(t) || d.getUTCFullYear() <= 1) return null;
  return d;
}

// dateTime formats a Date as "2026-01-15 12:05:06" in the display zone.
export function dateTime(d) {
  if (!d) return DASH;
  const p = parts(fmtFull, d);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

// clock formats the header clock.
export function clock(d) {
  return dateTime(d);
}

// shortTime formats "01-15 12:05" in the display zone.
export function shortTime(d) {
  if (!d) return DASH;
  const p = parts(fmtShort, d);
  return `${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

// ago is "x 秒前 s ago" style relative time from d to now.
export function ago(d, now) {
  if (!d) return '';
  const s = Math.round((now - d.getTime()) / 1000);
  if (s < 0) return L('刚刚 just now');
  if (s < 120) return L(`${s} 秒前 s ago`);
  const m = Math.floor(s / 60);
  if (m < 120) return L(`${m} 分钟前 min ago`);
  const h = Math.floor(m / 60);
  if (h < 48) return L(`${h} 小时前 h ago`);
  return L(`${Math.floor(h / 24)} 天前 d ago`);
}

// eta converts the AIS ETA "MM-DD HH:MM" (UTC, no year) to display-zone
// text; the year is the one that puts the ETA nearest to now.
export function eta(s, now) {
  const t = clip(s, LIMIT.eta);
  const m = /^(\d{2})-(\d{2}) (\d{2}):(\d{2})$/.exec(t);
  if (!m) return t === '' ? DASH : t;
  const [mo, da, hh, mi] = m.slice(1).map(Number);
  if (mo < 1 || mo > 12 || da < 1 || da > 31 || hh > 23 || mi > 59) return DASH;
  const y = new Date(now).getUTCFullYear();
  let best = null;
  for (const yy of [y - 1, y, y + 1]) {
    const ms = Date.UTC(yy, mo - 1, da, hh, mi);
    if (best === null || Math.abs(ms - now) < Math.abs(best - now)) best = ms;
  }
  return `${shortTime(new Date(best))} (UTC ${t})`;
}
