import { localize } from './i18n.js';

// Chinese + English text and colours for zones, bans and alerts, keyed by
// the API's codes (zones.Kind, zones.AlertKind, ...).

// ZONE_KINDS are the zone kinds in the legend's order, each with its map
// colour.
export const ZONE_KINDS = [
  { key: 'ferry_crossing', label: '渡口 Ferry crossing', color: '#0d9488' },
  { key: 'quay', label: '码头 Quay', color: '#1e3a8a' },
  { key: 'restricted', label: '禁航区 Restricted', color: '#b91c1c' },
  { key: 'bridge', label: '桥梁 Bridge', color: '#78716c' },
  { key: 'border', label: '国境线 Border', color: '#dc2626' },
  { key: 'speed_limit', label: '限速区 Speed limit', color: '#d97706' },
  { key: 'anchorage', label: '锚地 Anchorage', color: '#7c3aed' },
  { key: 'river_section', label: '航段 River section', color: '#0284c7' },
  { key: 'lake', label: '湖泊 Lake', color: '#2563eb' },
];

const BY_KEY = new Map(ZONE_KINDS.map((k) => [k.key, k]));
const OTHER_KIND = localize({ x: { key: 'other', label: '区域 Zone', color: '#64748b' } }).x;

// zoneKind is the ZONE_KINDS entry of a kind code (a grey "zone" if unknown).
export function zoneKind(key) {
  return BY_KEY.get(key) || OTHER_KIND;
}

export const ALERT_KIND = {
  zone_entry: '进入区域 Zone entry',
  zone_exit: '离开区域 Zone exit',
  restricted_entry: '闯入禁航区 Restricted area entry',
  ban_violation: '违反禁航令 Ban violation',
  speeding: '超速 Speeding',
  border_approach: '接近国境线 Border approach',
  border_crossing: '越过国境线 Border crossing',
  border_loitering: '国境线附近逗留 Loitering near the border',
  bridge_approach: '接近桥梁 Bridge approach',
  ferry_conflict: '渡口交会冲突 Ferry crossing conflict',
  collision_risk: '碰撞危险 Collision risk',
  ais_gap: 'AIS 信号中断 AIS gap',
  long_unsupervised: '长时间无监管 Long unsupervised',
  grounding_suspect: '疑似搁浅 Suspected grounding',
  anchor_drag: '走锚 Anchor drag',
  overcrowding: '超员 Overcrowding',
  distress: '遇险 Distress',
  position_jump: '位置跳变 Position jump',
};

// SEVERITY lists the severities, highest first, with their rank.
export const SEVERITY = {
  critical: { rank: 4, label: '紧急 Critical' },
  alarm: { rank: 3, label: '警报 Alarm' },
  warning: { rank: 2, label: '警告 Warning' },
  info: { rank: 1, label: '提示 Info' },
};

export const ALERT_STATE = { open: '未处理 Open', acknowledged: '已确认 Acknowledged', resolved: '已解除 Resolved' };

export const BAN_KIND = { prohibit: '禁航 Navigation prohibited', restrict: '限航 Navigation restricted' };

export const BAN_REASON = {
  wind: '大风 Wind', fog: '大雾 Fog', ice: '冰封 Ice', flood: '洪水 Flood',
  night: '夜间 Night', event: '活动 Event', other: '其他 Other',
};

for (const t of [ZONE_KINDS, ALERT_KIND, SEVERITY, ALERT_STATE, BAN_KIND, BAN_REASON]) localize(t);
