// The header's controls: who is signed in and in which role, sign out, the
// language, the night theme and the distance unit, and the clock.

import { setText } from './dom.js';
import { clock } from './format.js';
import { logout } from './api.js';
import { L, lang, setLang, theme, setTheme, applyTheme, distUnit, setDistUnit } from './i18n.js';

const $ = (id) => document.getElementById(id);

const ROLE = { officer: '海事执法 Officer', admin: '管理员 Admin', station: '救助站 Station', viewer: '只读 Viewer' };

// roleText names the roles of a user, most powerful first.
export function roleText(user) {
  const order = ['admin', 'officer', 'station', 'viewer'];
  const known = order.filter((r) => user.roles.includes(r));
  return known.map((r) => L(ROLE[r])).join(' · ');
}

export function wireHeader(user, onUnits) {
  applyTheme(theme);
  setText($('user-name'), user.username || '—');
  setText($('user-role'), roleText(user));
  const out = $('logout');
  out.hidden = user.anonymous;
  out.addEventListener('click', () => logout());
  const lb = $('lang');
  setText(lb, lang === 'en' ? '中文' : 'EN');
  lb.addEventListener('click', () => setLang(lang === 'en' ? 'zh' : 'en'));
  const tb = $('theme');
  const themeIcon = () => setText(tb, L(document.documentElement.dataset.theme === 'dark' ? '日间 Day' : '夜间 Night'));
  themeIcon();
  tb.addEventListener('click', () => {
    setTheme(document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark');
    themeIcon();
    onUnits();
  });
  const units = $('units');
  units.value = distUnit;
  units.addEventListener('change', () => { setDistUnit(units.value); onUnits(); });
  const tick = () => setText($('clock'), clock(new Date()));
  tick();
  setInterval(tick, 1000);
}
