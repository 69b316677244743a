package zones

import (
	"fmt"
	"slices"
	"time"
)

// Ban kinds and reasons accepted by Validate.
var (
	BanKinds   = []BanKind{BanProhibit, BanRestrict}
	BanReasons = []BanReason{ReasonWind, ReasonFog, ReasonIce, ReasonFlood, ReasonNight, ReasonEvent, ReasonOther}
)

// maxBanZones bounds one ban's zone list.
const maxBanZones = 1000

// Validate checks a ban's own fields (not whether its zones exist): a kind
// and a reason of the lists above, at least one zone, From before Until,
// ship types 0–99, a sane restrict speed. A yearly season is at most a year
// long. Errors wrap ErrInvalid.
func (b *Ban) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: ban: %s", ErrInvalid, fmt.Sprintf(format, args...))
	}
	if !slices.Contains(BanKinds, b.Kind) {
		return bad("kind %q: want prohibit or restrict", b.Kind)
	}
	if !slices.Contains(BanReasons, b.Reason) {
		return bad("reason %q: want one of wind, fog, ice, flood, night, event, other", b.Reason)
	}
	if len(b.ZoneIDs) == 0 || len(b.ZoneIDs) > maxBanZones {
		return bad("zone_ids: want 1 to %d zone ids", maxBanZones)
	}
	for _, id := range b.ZoneIDs {
		if !zoneID.MatchString(id) {
			return bad("zone id %q is not a valid id", id)
		}
	}
	if b.From.IsZero() || b.Until.IsZero() {
		return bad("from and until are required (RFC 3339)")
	}
	if !b.Until.After(b.From) {
		return bad("until %s is not after from %s", b.Until.Format(time.RFC3339), b.From.Format(time.RFC3339))
	}
	if b.Yearly && b.Until.Sub(b.From) > 366*24*time.Hour {
		return bad("a yearly season lasts at most a year")
	}
	for _, t := range append(slices.Clone(b.AllowedTypes), b.AppliesTo...) {
		if t < 0 || t > 99 {
			return bad("ship type %d: want 0–99 (ITU-R M.1371)", t)
		}
	}
	if b.MaxSpeedKn < 0 || b.MaxSpeedKn > 50 || (b.Kind == BanProhibit && b.MaxSpeedKn != 0) {
		return bad("max_speed_kn: 0–50, and only for restrict")
	}
	if len([]rune(b.Note)) > 500 {
		return bad("note: at most 500 characters")
	}
	return nil
}

// ActiveAt reports whether the ban is in force at t: within From–Until (for
// a yearly ban, within that season of t's year or of the year before, for a
// season across the new year), and not lifted before t.
func (b *Ban) ActiveAt(t time.Time) bool {
	if !b.LiftedAt.IsZero() && !t.Before(b.LiftedAt) {
		return false
	}
	if t.Before(b.From) {
		return false
	}
	if !b.Yearly {
		return t.Before(b.Until)
	}
	years := t.Year() - b.From.Year()
	for _, y := range []int{years, years - 1} {
		if y < 0 {
			continue
		}
		from, until := b.From.AddDate(y, 0, 0), b.Until.AddDate(y, 0, 0)
		if !t.Before(from) && t.Before(until) {
			return true
		}
	}
	return false
}

// Ended reports whether the ban can no longer come into force after t.
func (b *Ban) Ended(t time.Time) bool {
	if !b.LiftedAt.IsZero() && !t.Before(b.LiftedAt) {
		return true
	}
	return !b.Yearly && !t.Before(b.Until)
}

// Binds reports whether the ban applies to a vessel of this ITU ship type
// (0 = unknown: bound by every ban that does not name the types it applies
// to, and let through by none).
func (b *Ban) Binds(shipType int) bool {
	if len(b.AppliesTo) > 0 && !slices.Contains(b.AppliesTo, shipType) {
		return false
	}
	return !slices.Contains(b.AllowedTypes, shipType)
}

// SpeedLimitKn is the speed a restricting ban allows.
func (b *Ban) SpeedLimitKn() float64 {
	if b.Kind != BanRestrict {
		return 0
	}
	if b.MaxSpeedKn > 0 {
		return b.MaxSpeedKn
	}
	return DefaultRestrictSpeedKn
}
