// Live keeps a WebSocket to /api/v1/live open, reconnecting with capped
// exponential backoff and jitter, and reports its state.

const MIN_DELAY = 500;  // ms
const MAX_DELAY = 30000;
const MAX_MESSAGE = 16 << 20; // characters; a bigger message is dropped

export class Live {
  // onMessage(obj) gets each parsed message; onState(state) gets
  // 'connecting' | 'live' | 'reconnecting'.
  constructor(path, onMessage, onState) {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    this.url = `${proto}//${location.host}${path}`;
    this.onMessage = onMessage;
    this.onState = onState;
    this.attempt = 0;
    this.ws = null;
    this.timer = 0;
    this.stopped = false;
  }

  start() {
    this.onState('connecting');
    this._open();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.ws) this.ws.close(1000, 'bye');
  }

  _open() {
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch (_) {
      this._retry();
      return;
    }
    this.ws = ws;
    ws.addEventListener('open', () => {
      this.attempt = 0;
      this.onState('live');
    });
    ws.addEventListener('message', (e) => {
      if (typeof e.data !== 'string' || e.data.length > MAX_MESSAGE) return;
      let msg;
      try { msg = JSON.parse(e.data); } catch (_) { return; }
      if (msg && typeof msg === 'object') this.onMessage(msg);
    });
    ws.addEventListener('close', () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this._retry();
    });
    // 'error' is always followed by 'close'.
  }

  _retry() {
    if (this.stopped) return;
    this.onState('reconnecting');
    const base = Math.min(MAX_DELAY, MIN_DELAY * 2 ** Math.min(this.attempt, 10));
    this.attempt++;
    const delay = base / 2 + Math.random() * base / 2;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this._open(), delay);
  }
}
