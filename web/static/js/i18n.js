// Language and theme. The board speaks Chinese first with English beside
// it; the switch shows English only. Both choices persist in localStorage
// and apply from the next page load (the switch reloads), so every label
// table is localised once, at import time.
//
// L works on the board's own bilingual labels ("船舶 Vessels"), never on
// data from the wire: a vessel's Chinese name is never stripped.

const LANG_KEY = 'rw_lang';
const THEME_KEY = 'rw_theme';

function stored(key) {
  try { return localStorage.getItem(key) || ''; } catch (_) { return ''; }
}

function store(key, v) {
  try { localStorage.setItem(key, v); } catch (_) { /* private mode: not kept */ }
}

export const lang = stored(LANG_KEY) === 'en' ? 'en' : 'zh';

// CJK ideographs, CJK and full-width punctuation: the Chinese half of a label.
const CJK = /[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]+/g;

// L is a bilingual label in the chosen language: as written in Chinese
// mode, its English words alone in English mode.
export function L(s) {
  const t = String(s);
  if (lang === 'zh') return t;
  const en = t.replace(CJK, ' ').replace(/\s+([,;)])/g, '$1').replace(/([(])\s+/g, '$1').replace(/\s{2,}/g, ' ')
    .replace(/^[\s·:,;/|]+/, '').replace(/\s*[/]\s*$/, '').trim();
  return /[A-Za-z]/.test(en) ? en : t;
}

// T picks one of two texts: Chinese and English (zh mode shows both).
export function T(zh, en) {
  return lang === 'zh' ? `${zh} ${en}` : en;
}

// localize maps every string value of a label table through L, in place.
export function localize(table) {
  for (const k of Object.keys(table)) {
    const v = table[k];
    if (typeof v === 'string') table[k] = L(v);
    else if (v && typeof v === 'object' && typeof v.label === 'string') v.label = L(v.label);
  }
  return table;
}

// localizeTree rewrites the page's own static labels (text and the title,
// placeholder and aria-label attributes) under root; run before any data
// is drawn.
export function localizeTree(root) {
  if (lang === 'zh') return;
  const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    if (n.nodeValue.trim()) n.nodeValue = L(n.nodeValue);
  }
  for (const e of root.querySelectorAll('[title], [placeholder], [aria-label]')) {
    for (const a of ['title', 'placeholder', 'aria-label']) if (e.hasAttribute(a)) e.setAttribute(a, L(e.getAttribute(a)));
  }
  document.documentElement.lang = 'en';
}

export function setLang(l) {
  store(LANG_KEY, l === 'en' ? 'en' : 'zh');
  location.reload();
}

export const theme = stored(THEME_KEY) === 'dark' ? 'dark' : 'light';

// applyTheme sets the theme on the document (night shifts want dark).
export function applyTheme(t) {
  document.documentElement.dataset.theme = t;
}

export function setTheme(t) {
  store(THEME_KEY, t);
  applyTheme(t);
}

// Units: knots and metres; km on request (persisted).
const UNITS_KEY = 'rw_units';
export let distUnit = stored(UNITS_KEY) === 'km' ? 'km' : 'm';
export function setDistUnit(u) {
  distUnit = u === 'km' ? 'km' : 'm';
  store(UNITS_KEY, distUnit);
}

// distance formats metres in the chosen unit.
export function distance(m) {
  if (typeof m !== 'number' || !Number.isFinite(m)) return '—';
  if (distUnit === 'km') return `${(m / 1000).toFixed(m < 10000 ? 2 : 1)} km`;
  return `${Math.round(m)} m`;
}

// duration formats seconds as "12 分 min" / "1 小时 h 5 分 min".
export function duration(s) {
  if (typeof s !== 'number' || !Number.isFinite(s) || s < 0) return '—';
  const m = Math.round(s / 60);
  if (m < 60) return T(`${m} 分钟`, `${m} min`);
  return T(`${Math.floor(m / 60)} 小时 ${m % 60} 分钟`, `${Math.floor(m / 60)} h ${m % 60} min`);
}
