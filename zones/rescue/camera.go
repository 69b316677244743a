package rescue

import (
	"sort"

	"github.com/riverwatch/riverwatch/zones/waterway"
)

// Camera is a camera site as this package needs it: where it stands.
type Camera struct {
	ID     string
	Name   string
	NameZH string
	Lat    float64
	Lon    float64
}

// CameraSites lists the camera sites to consider. The video registry
// implements it (through an adapter in cmd); the list may change at any
// time, so Seeing asks for it every time. CameraSites must be safe for
// concurrent use and must not block.
type CameraSites interface {
	CameraSites() []Camera
}

// SeenBy is a camera that sees a spot, and how far the spot is from it.
type SeenBy struct {
	Camera
	DistanceM float64
}

// Seeing lists Config.Cameras' cameras that see the spot, nearest first.
func (l *Locator) Seeing(lat, lon float64) []SeenBy {
	if l.cfg.Cameras == nil {
		return nil
	}
	return l.SeeingOf(lat, lon, l.cfg.Cameras.CameraSites())
}

// SeeingOf lists the cameras of cams within the camera range of the spot
// (a camera looks across water and land alike, so straight-line distance),
// nearest first.
func (l *Locator) SeeingOf(lat, lon float64, cams []Camera) []SeenBy {
	p := [2]float64{lon, lat}
	var out []SeenBy
	for _, c := range cams {
		if d := waterway.Distance(p, [2]float64{c.Lon, c.Lat}); d <= l.cfg.CameraRangeM {
			out = append(out, SeenBy{Camera: c, DistanceM: d})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].DistanceM < out[j].DistanceM })
	return out
}
