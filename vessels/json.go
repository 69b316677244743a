package vessels

import (
	"encoding/json"
	"fmt"
)

// The wire form writes AIS "not available" codes as null, never as a
// number a reader could take for real: IMO 0, ship type 0, navigational
// status 15 ("not defined", and what class B and static-only records carry),
// hazardous cargo 5 ("unknown"), and -1 speed, course or heading in a track.
// Reading the JSON back restores the codes.

// hazardUnknown is the Inland AIS hazardous-cargo code for "unknown".
const hazardUnknown = 5

// vesselWire overrides the fields of Vessel whose "not available" is a code.
// It is what UnmarshalJSON reads, and what MarshalJSON writes.
type vesselWire struct {
	plainVessel
	IMO       *uint32 `json:"imo"`
	ShipType  *int    `json:"ship_type"`
	NavStatus *int    `json:"nav_status"`
}

type plainVessel Vessel

// MarshalJSON implements json.Marshaler with AppendJSON: what
// encoding/json would write for vesselWire, written by hand.
func (v Vessel) MarshalJSON() ([]byte, error) {
	return v.AppendJSON(make([]byte, 0, 512))
}

// UnmarshalJSON implements json.Unmarshaler.
func (v *Vessel) UnmarshalJSON(b []byte) error {
	var w vesselWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*v = Vessel(w.plainVessel)
	v.IMO, v.ShipType, v.NavStatus = 0, 0, navStatusUndefined
	if w.IMO != nil {
		v.IMO = *w.IMO
	}
	if w.ShipType != nil {
		v.ShipType = *w.ShipType
	}
	if w.NavStatus != nil {
		v.NavStatus = *w.NavStatus
	}
	return nil
}

type inlandWire struct {
	plainInland
	HazardousCones *int `json:"hazardous_cones"`
}

type plainInland Inland

// MarshalJSON implements json.Marshaler, writing what encoding/json would
// write for inlandWire.
func (in Inland) MarshalJSON() ([]byte, error) {
	if !isFinite(in.Length) || !isFinite(in.Beam) || !isFinite(in.Draught) {
		return nil, fmt.Errorf("vessels: inland %q: %w", in.ENI, errNotFinite)
	}
	return in.appendJSON(make([]byte, 0, 128)), nil
}

// UnmarshalJSON implements json.Unmarshaler.
func (in *Inland) UnmarshalJSON(b []byte) error {
	var w inlandWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*in = Inland(w.plainInland)
	in.HazardousCones = hazardUnknown
	if w.HazardousCones != nil {
		in.HazardousCones = *w.HazardousCones
	}
	return nil
}

type trackPointWire struct {
	plainTrackPoint
	SOG     *float64 `json:"sog"`
	COG     *float64 `json:"cog"`
	Heading *int     `json:"heading"`
}

type plainTrackPoint TrackPoint

// MarshalJSON implements json.Marshaler.
func (p TrackPoint) MarshalJSON() ([]byte, error) {
	w := trackPointWire{plainTrackPoint: plainTrackPoint(p)}
	if p.SOG >= 0 {
		w.SOG = &p.SOG
	}
	if p.COG >= 0 {
		w.COG = &p.COG
	}
	if p.Heading >= 0 {
		w.Heading = &p.Heading
	}
	return json.Marshal(w)
}

// UnmarshalJSON implements json.Unmarshaler.
func (p *TrackPoint) UnmarshalJSON(b []byte) error {
	var w trackPointWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*p = TrackPoint(w.plainTrackPoint)
	p.SOG, p.COG, p.Heading = -1, -1, -1
	if w.SOG != nil {
		p.SOG = *w.SOG
	}
	if w.COG != nil {
		p.COG = *w.COG
	}
	if w.Heading != nil {
		p.Heading = *w.Heading
	}
	return nil
}
