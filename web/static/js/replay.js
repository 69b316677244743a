// The time slider: the whole river as it was at a moment of the last six
// hours, from GET /api/v1/snapshot?at=...&lookback=30m, drawn in place of
// the live vessels until the officer returns to live. Without a history
// store (404) the slider says so and stays live.

import { el, setText } from './dom.js';
import { dateTime, zoneLabel } from './format.js';
import { getJSON, HTTPError } from './api.js';
import { L } from './i18n.js';

const HOURS = 6;
const STEP = 5 * 60 * 1000; // ms
const STEPS = (HOURS * 3600 * 1000) / STEP;
const MAX_VESSELS = 20000;

export class Replay {
  // bar: the element to fill; fleet: the Fleet; onMode(live bool).
  constructor(bar, fleet, onMode) {
    this.bar = bar;
    this.fleet = fleet;
    this.onMode = onMode || (() => {});
    this.seq = 0;
    this.timer = 0;
    this.range = el('input', { class: 'replay-range', type: 'range', min: '0', max: String(STEPS), step: '1', value: String(STEPS), 'aria-label': L('回放时间 Replay time') });
    this.text = el('span', { class: 'replay-text' }, L('实时 Live'));
    this.live = el('button', { class: 'replay-live', type: 'button', disabled: true }, L('回到实时 Back to live'));
    bar.append(el('span', { class: 'replay-label' }, L(`回放 Replay ${HOURS} h`)), this.range, this.text, this.live);
    this.range.addEventListener('input', () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this._load(), 200);
    });
    this.live.addEventListener('click', () => this.toLive());
  }

  get isLive() { return this.fleet.override === null; }

  toLive() {
    this.seq++;
    this.range.value = String(STEPS);
    this.fleet.showReplay(null);
    setText(this.text, L('实时 Live'));
    this.live.disabled = true;
    this.bar.classList.remove('replaying');
    this.bar.dataset.at = '';
    this.onMode(true);
  }

  // at returns the moment the slider points at.
  at() {
    const back = (STEPS - Number(this.range.value)) * STEP;
    return new Date(Math.floor((Date.now() - back) / 60000) * 60000);
  }

  async _load() {
    if (Number(this.range.value) >= STEPS) { this.toLive(); return; }
    const at = this.at();
    const seq = ++this.seq;
    setText(this.text, `${L('加载中 Loading')} ${dateTime(at)}`);
    try {
      const body = await getJSON(`/api/v1/snapshot?at=${encodeURIComponent(at.toISOString())}&lookback=30m`);
      if (seq !== this.seq) return;
      const list = Array.isArray(body && body.vessels) ? body.vessels.slice(0, MAX_VESSELS) : [];
      this.fleet.showReplay(list);
      setText(this.text, `${dateTime(at)} ${zoneLabel()} · ${L('船舶 Vessels')} ${list.length}`);
      this.live.disabled = false;
      this.bar.classList.add('replaying');
      this.bar.dataset.at = at.toISOString();
      this.bar.dataset.count = String(list.length);
      this.onMode(false);
    } catch (err) {
      if (seq !== this.seq) return;
      this.range.value = String(STEPS);
      this.fleet.showReplay(null);
      this.live.disabled = true;
      setText(this.text, err instanceof HTTPError && err.status === 404
        ? L('无历史存储，无法回放 No history store: replay unavailable')
        : L('回放加载失败 Replay unavailable'));
      this.onMode(true);
    }
  }
}
