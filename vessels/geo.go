package vessels

import "math"

const (
	earthRadiusM = 6371008.8 // mean Earth radius, metres
	metresPerNM  = 1852.0
)

// DistanceM is the great-circle distance in metres between two points given
// in degrees. It is exact enough (well under 0.5 %) for judging whether a
// river boat could have covered the distance between two reports.
func DistanceM(lat1, lon1, lat2, lon2 float64) float64 {
	const rad = math.Pi / 180
	φ1, φ2 := lat1*rad, lat2*rad
	dφ := (lat2 - lat1) * rad
	dλ := (lon2 - lon1) * rad
	s1, s2 := math.Sin(dφ/2), math.Sin(dλ/2)
	a := s1*s1 + math.Cos(φ1)*math.Cos(φ2)*s2*s2
	return 2 * earthRadiusM * math.Asin(math.Sqrt(min(1, a)))
}

// flatDistanceM is the equirectangular approximation of DistanceM: good to
// well under 1 % for points a few tens of kilometres apart away from the
// poles, and much cheaper.
func flatDistanceM(lat1, lon1, lat2, lon2 float64) float64 {
	const rad = math.Pi / 180
	x := lonDelta(lon1, lon2) * rad * math.Cos((lat1+lat2)/2*rad)
	y := (lat2 - lat1) * rad
	return earthRadiusM * math.Sqrt(x*x+y*y)
}

// flatDistanceBoundM is flatDistanceM with the cosine taken as 1: never
// less than it, and free of trigonometry.
func flatDistanceBoundM(lat1, lon1, lat2, lon2 float64) float64 {
	const rad = math.Pi / 180
	x := lonDelta(lon1, lon2) * rad
	y := (lat2 - lat1) * rad
	return earthRadiusM * math.Sqrt(x*x+y*y)
}

// lonDelta is lon2 − lon1 across the antimeridian the short way.
func lonDelta(lon1, lon2 float64) float64 {
	dλ := lon2 - lon1
	if dλ > 180 {
		dλ -= 360
	} else if dλ < -180 {
		dλ += 360
	}
	return dλ
}

// validLatLon reports whether the point is a real position: finite and in
// range. AIS "not available" (91, 181) fails.
func validLatLon(lat, lon float64) bool {
	return lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180 // NaN fails every comparison
}
