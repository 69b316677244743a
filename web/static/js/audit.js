// The audit log panel (officers): who changed what, when and from where,
// newest first, from GET /api/v1/audit. Refused changes are listed as
// refused, never as done. Everything is set as text.

import { el, clear, setText } from './dom.js';
import { clip, parseTime, dateTime } from './format.js';
import { getJSON } from './api.js';
import { L, localize } from './i18n.js';

const EVERY = 15000; // ms
const LIMIT = 200;

const ACTION = localize({
  login: '登录 Login', login_failed: '登录失败 Login failed', logout: '退出 Logout',
  zone_put: '修改区域 Zone changed', zone_delete: '删除区域 Zone deleted',
  ban_set: '发布禁航令 Ban set', ban_lift: '解除禁航令 Ban lifted',
  alert_ack: '确认告警 Alert acknowledged', alert_resolve: '解除告警 Alert resolved',
  persons_set: '登记人数 Persons set', account_create: '新建账户 Account created',
  account_update: '修改账户 Account changed', account_delete: '删除账户 Account deleted',
  feed_key_create: '新建接入密钥 Feed key created', feed_key_delete: '删除接入密钥 Feed key deleted',
  forbidden: '被拒绝 Refused', camera_put: '修改摄像头 Camera changed', camera_delete: '删除摄像头 Camera deleted',
});

// brief is a JSON value as short text.
function brief(raw) {
  if (raw === undefined || raw === null) return '';
  return clip(typeof raw === 'string' ? raw : JSON.stringify(raw), 160);
}

export class AuditPanel {
  constructor(panel) {
    this.panel = panel;
    this.timer = 0;
    this.actor = el('input', { class: 'audit-actor', type: 'search', maxlength: '64', placeholder: L('操作人 Actor'), 'aria-label': L('操作人 Actor') });
    this.action = el('select', { class: 'audit-action', 'aria-label': L('操作 Action') },
      el('option', { value: '' }, L('全部操作 All actions')), ...Object.entries(ACTION).map(([k, t]) => el('option', { value: k }, t)));
    this.note = el('p', { class: 'muted audit-note' });
    this.list = el('ol', { class: 'audit-list' });
    panel.append(el('div', { class: 'panel-head' }, el('h2', null, L('审计日志 Audit log')),
      el('button', { class: 'close', type: 'button', title: L('关闭 Close'), 'aria-label': L('关闭 Close'), onclick: () => this.close() }, '×')),
    el('div', { class: 'panel-body' }, el('div', { class: 'audit-filters' }, this.actor, this.action), this.note, this.list));
    this.actor.addEventListener('change', () => this.refresh());
    this.action.addEventListener('change', () => this.refresh());
  }

  get isOpen() { return !this.panel.hidden; }

  open() {
    this.panel.hidden = false;
    this.refresh();
    clearInterval(this.timer);
    this.timer = setInterval(() => this.refresh(), EVERY);
  }

  close() {
    this.panel.hidden = true;
    clearInterval(this.timer);
  }

  async refresh() {
    const q = new URLSearchParams({ limit: String(LIMIT) });
    if (this.actor.value.trim()) q.set('actor', this.actor.value.trim().slice(0, 64));
    if (this.action.value) q.set('action', this.action.value);
    let body;
    try {
      body = await getJSON(`/api/v1/audit?${q}`);
    } catch (err) {
      setText(this.note, err.status === 404 ? L('审计日志不可用 Audit log unavailable') : `${L('加载失败 Failed to load')}: ${clip(err.message, 120)}`);
      return;
    }
    const entries = Array.isArray(body && body.entries) ? body.entries.slice(0, LIMIT) : [];
    clear(this.list);
    setText(this.note, entries.length ? '' : L('无记录 No entries'));
    for (const e of entries) {
      const at = parseTime(e.at);
      const action = clip(e.action, 32);
      const change = [brief(e.before), brief(e.after)].filter(Boolean).join(' → ');
      this.list.append(el('li', { class: `audit-entry${action === 'forbidden' ? ' refused' : ''}`, dataset: { action } },
        el('div', null, el('time', null, at ? dateTime(at) : '—'), ' ',
          el('strong', { class: 'audit-actor-name' }, clip(e.actor, 64) || '—'), ' ',
          el('span', { class: 'audit-what' }, ACTION[action] || action), ' ',
          el('span', { class: 'audit-target' }, clip(e.target, 128)),
          e.ip ? el('span', { class: 'muted' }, ` · ${clip(e.ip, 64)}`) : null),
        change ? el('div', { class: 'audit-change muted' }, change) : null));
    }
    this.panel.dataset.entries = String(entries.length);
  }
}
