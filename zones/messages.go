package zones

import (
	"fmt"
	"strconv"
)

// kindNames are each alert kind's name in Chinese and English.
var kindNames = map[AlertKind][2]string{
	AlertZoneEntry:        {"进入区域", "zone entry"},
	AlertZoneExit:         {"离开区域", "zone exit"},
	AlertRestrictedEntry:  {"闯入禁航区", "restricted zone entry"},
	AlertBanViolation:     {"违反禁限航令", "navigation ban violation"},
	AlertSpeeding:         {"超速", "speeding"},
	AlertBorderApproach:   {"靠近国境线", "approaching the border"},
	AlertBorderCrossing:   {"越过国境线", "border crossing"},
	AlertBorderLoitering:  {"国境线附近徘徊", "loitering near the border"},
	AlertBridgeApproach:   {"高速驶近桥区", "fast approach to a bridge"},
	AlertFerryConflict:    {"渡口交会冲突", "ferry crossing conflict"},
	AlertCollisionRisk:    {"碰撞危险", "collision risk"},
	AlertAISGap:           {"AIS信号中断", "AIS signal lost under way"},
	AlertLongUnsupervised: {"长期脱管船舶", "long unsupervised vessel"},
	AlertGroundingSuspect: {"疑似搁浅", "suspected grounding"},
	AlertAnchorDrag:       {"走锚", "anchor dragging"},
	AlertOvercrowding:     {"超员", "overcrowding"},
	AlertDistress:         {"遇险求救", "distress"},
	AlertPositionJump:     {"位置跳变", "position jump"},
}

// KindName returns an alert kind's Chinese and English names.
func KindName(k AlertKind) (zh, en string) {
	n := kindNames[k]
	return n[0], n[1]
}

// alert builds the alert of an episode of kind for vessel s (and zone z,
// may be nil). Its message is written by describe when it is sent.
func (e *Engine) alert(kind AlertKind, sev Severity, s *vstate, z *Zone, vals map[string]float64) Alert {
	a := Alert{Kind: kind, Severity: sev, MMSI: s.mmsi, Lat: s.lat, Lon: s.lon, Values: vals}
	zoneID := ""
	if z != nil {
		zoneID = z.ID
		a.ZoneID = z.ID
	}
	a.Key = key(kind, s.mmsi, 0, zoneID)
	return a
}

// describe writes an alert's bilingual message from its kind, vessel,
// zone and figures. Vessel names are AIS text: they are quoted as data here
// and rendered as text by every client.
func (e *Engine) describe(a *Alert) {
	zh, en := KindName(a.Kind)
	who := func(mmsi uint32) string {
		w := strconv.FormatUint(uint64(mmsi), 10)
		if s := e.vs[mmsi]; s != nil && s.name != "" {
			w = s.name + " (" + w + ")"
		}
		return w
	}
	a.MessageZH, a.MessageEN = zh+"：船舶 "+who(a.MMSI), en+": vessel "+who(a.MMSI)
	if a.OtherMMSI != 0 {
		a.MessageZH += " 与 " + who(a.OtherMMSI)
		a.MessageEN += " and " + who(a.OtherMMSI)
	}
	if z, ok := e.zone(a.ZoneID); ok {
		zzh, zen := z.NameZH, z.Name
		if zzh == "" {
			zzh = z.ID
		}
		if zen == "" {
			zen = z.ID
		}
		a.MessageZH += "，" + zzh
		a.MessageEN += ", " + zen
	}
	if zh, en := detail(a.Values); zh != "" {
		a.MessageZH += "，" + zh
		a.MessageEN += ", " + en
	}
}

// details are the figures that explain an alert, each with its label in
// Chinese and English, in the order they are written.
var details = []struct {
	key    string
	zh, en string // format of the value
}{
	{"source", "", ""}, // written by sourceName
	{"sog_kn", "航速 %.1f 节", "%.1f kn"},
	{"limit_kn", "限速 %.1f 节", "limit %.1f kn"},
	{"cpa_m", "最近会遇距离 %.0f 米", "CPA %.0f m"},
	{"tcpa_s", "%.0f 秒后", "TCPA %.0f s"},
	{"distance_m", "距离 %.0f 米", "distance %.0f m"},
	{"persons", "船上 %.0f 人", "%.0f persons on board"},
	{"capacity", "核定 %.0f 人", "capacity %.0f"},
	{"gap_s", "已 %.0f 秒无信号", "silent %.0f s"},
	{"hours", "已 %.0f 小时未见", "unseen %.0f h"},
	{"minutes", "已 %.0f 分钟", "for %.0f min"},
}

// distressSources name what sent a distress (Values["source"]).
var distressSources = map[float64][2]string{
	1: {"AIS搜救应答器（SART）", "AIS-SART"},
	2: {"落水人员示位标（MOB）", "man overboard (MOB)"},
	3: {"应急无线电示位标（EPIRB）", "EPIRB-AIS"},
	4: {"船舶报告遇险状态", "vessel reports distress (status 14)"},
}

// detail writes the figures in Chinese and in English.
func detail(vals map[string]float64) (zh, en string) {
	for _, d := range details {
		v, ok := vals[d.key]
		if !ok {
			continue
		}
		z, e := "", ""
		if d.key == "source" {
			n := distressSources[v]
			z, e = n[0], n[1]
		} else {
			z, e = fmt.Sprintf(d.zh, v), fmt.Sprintf(d.en, v)
		}
		if z == "" {
			continue
		}
		if zh != "" {
			zh += "，"
			en += ", "
		}
		zh += z
		en += e
	}
	return zh, en
}
