// Alarm beeps (WebAudio, no audio files) while a high-severity alert waits
// for acknowledgement. Browsers start audio only after a user gesture: the
// context is resumed on the first click or key, and until then the page
// says that the sound is blocked.

const PERIOD = 1800; // ms between beeps

export class Alarm {
  constructor(onState) {
    this.onState = onState || (() => {});
    this.ctx = null;
    this.timer = 0;
    this.on = false;
    this.beeps = 0;
    const unlock = () => { this._context(); if (this.ctx && this.ctx.state === 'suspended') this.ctx.resume().then(() => this._report(), () => {}); };
    document.addEventListener('pointerdown', unlock, true);
    document.addEventListener('keydown', unlock, true);
  }

  _context() {
    if (this.ctx) return this.ctx;
    const AC = window.AudioContext || window.webkitAudioContext;
    if (!AC) return null;
    try { this.ctx = new AC(); } catch (_) { this.ctx = null; }
    return this.ctx;
  }

  // set turns the alarm on (beeping until set(false)) or off.
  set(on) {
    if (on === this.on) return;
    this.on = on;
    clearInterval(this.timer);
    this.timer = 0;
    if (on) {
      this._beep();
      this.timer = setInterval(() => this._beep(), PERIOD);
    }
    this._report();
  }

  _report() {
    let s = 'silent';
    if (this.on) s = this.ctx && this.ctx.state === 'running' ? 'sounding' : 'blocked';
    this.onState(s);
  }

  _beep() {
    const ctx = this._context();
    this.beeps++;
    if (!ctx) { this._report(); return; }
    if (ctx.state === 'suspended') ctx.resume().catch(() => {});
    const t = ctx.currentTime;
    for (const [at, f] of [[0, 880], [0.25, 660]]) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'square';
      osc.frequency.value = f;
      gain.gain.setValueAtTime(0.0001, t + at);
      gain.gain.exponentialRampToValueAtTime(0.2, t + at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + at + 0.2);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t + at);
      osc.stop(t + at + 0.22);
    }
    this._report();
  }
}
