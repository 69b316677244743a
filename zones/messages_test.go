package zones

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/paulmach/orb"
)

// describeFmt is how alert messages were written with fmt before describe
// wrote them into a buffer: the reference TestDescribeUnchanged holds it to.
func describeFmt(e *Engine, a *Alert) (string, string) {
	zh, en := KindName(a.Kind)
	who := func(mmsi uint32) string {
		w := strconv.FormatUint(uint64(mmsi), 10)
		if s := e.vs.get(mmsi); s != nil && s.name != "" {
			w = s.name + " (" + w + ")"
		}
		return w
	}
	mzh, men := zh+"：船舶 "+who(a.MMSI), en+": vessel "+who(a.MMSI)
	if a.OtherMMSI != 0 {
		mzh += " 与 " + who(a.OtherMMSI)
		men += " and " + who(a.OtherMMSI)
	}
	if z, ok := e.zone(a.ZoneID); ok {
		zzh, zen := z.NameZH, z.Name
		if zzh == "" {
			zzh = z.ID
		}
		if zen == "" {
			zen = z.ID
		}
		mzh += "，" + zzh
		men += ", " + zen
	}
	formats := []struct{ key, zh, en string }{
		{"source", "", ""},
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
	dzh, den := "", ""
	for _, d := range formats {
		v, ok := a.Values.Get(d.key)
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
		if dzh != "" {
			dzh += "，"
			den += ", "
		}
		dzh += z
		den += e
	}
	if dzh != "" {
		mzh += "，" + dzh
		men += ", " + den
	}
	return mzh, men
}

// TestDescribeUnchanged checks the messages describe writes against
// describeFmt for every kind, with and without vessel and zone names, a
// partner, and random figures (halves, negatives, huge, NaN, Inf).
func TestDescribeUnchanged(t *testing.T) {
	named := Zone{ID: "q1", Name: "Jilin quay", NameZH: "吉林码头", Kind: KindQuay, Geom: orb.Point{126.55, 43.85}, RadiusM: 300}
	bare := Zone{ID: "q2", Kind: KindQuay, Geom: orb.Point{126.6, 43.85}, RadiusM: 300}
	border := Zone{ID: "b1", Name: "Yalu", Kind: KindBorder, Geom: orb.LineString{{124.3, 40.1}, {124.4, 40.2}}}
	e := NewEngine(EngineConfig{}, nil, &countSink{})
	if err := e.SetZones([]Zone{named, bare, border}); err != nil {
		t.Fatal(err)
	}
	e.vs.put(&vstate{mmsi: 413_000_001, name: "CHANG BAI 3"})
	e.vs.put(&vstate{mmsi: 413_000_002})
	kinds := make([]AlertKind, 0, len(kindNames)+1)
	for k := range kindNames {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	kinds = append(kinds, "unknown_kind")
	keys := []string{"source", "sog_kn", "limit_kn", "cpa_m", "tcpa_s", "distance_m", "persons", "capacity", "gap_s", "hours", "minutes", "other"}
	values := []float64{0, 0.05, 0.5, 1.5, 2.5, -0.5, -3.25, 6, 12.349, 99.95, 1e21, -1e-9, math.NaN(), math.Inf(1), math.Inf(-1), 1, 2, 3, 4, 5}
	rng := rand.New(rand.NewPCG(5, 4))
	n := 0
	for _, k := range kinds {
		for _, mmsi := range []uint32{413_000_001, 413_000_002, 970_123_456} {
			for _, other := range []uint32{0, 413_000_001, 413_000_003} {
				for _, zone := range []string{"", "q1", "q2", "b1", "gone"} {
					for range 8 {
						a := Alert{Kind: k, MMSI: mmsi, OtherMMSI: other, ZoneID: zone}
						if m := rng.IntN(4); m > 0 {
							for range m {
								a.Values.Set(keys[rng.IntN(len(keys))], values[rng.IntN(len(values))])
							}
						}
						e.describe(&a)
						zh, en := describeFmt(e, &a)
						if a.MessageZH != zh || a.MessageEN != en {
							t.Fatalf("%+v:\nzh %q\nwant %q\nen %q\nwant %q", a, a.MessageZH, zh, a.MessageEN, en)
						}
						n++
					}
				}
			}
		}
	}
	t.Logf("%d messages", n)
}
