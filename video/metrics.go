package video

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Collector exposes the relay's cameras and viewers to Prometheus, read at
// scrape time.
type Collector struct {
	r                                                   *Relay
	up, fps, bitrate, keyint, viewers, lost, reconnects *prometheus.Desc
	width, height                                       *prometheus.Desc
	vbytes, vstart, vdropped, vlost                     *prometheus.Desc
}

// NewCollector is the Prometheus collector of r.
func NewCollector(r *Relay) *Collector {
	cam := []string{"camera"}
	d := func(name, help string, labels []string) *prometheus.Desc {
		return prometheus.NewDesc("riverwatch_camera_"+name, help, labels, nil)
	}
	viewer := []string{"camera", "session", "station"}
	return &Collector{r: r,
		up:         d("state", "1 for the camera's current state (online, offline, connecting, idle), with its codec.", []string{"camera", "state", "codec"}),
		fps:        d("fps", "Frames per second received from the camera.", cam),
		bitrate:    d("bitrate_bps", "Video bitrate received from the camera, bits per second.", cam),
		keyint:     d("keyframe_interval_seconds", "Time between the camera's last two keyframes.", cam),
		width:      d("width_pixels", "Picture width.", cam),
		height:     d("height_pixels", "Picture height.", cam),
		viewers:    d("viewers", "Viewers watching the camera.", cam),
		lost:       d("packets_lost_total", "RTP packets lost between the camera and the relay.", cam),
		reconnects: d("reconnects_total", "Times the camera's upstream session failed and was redialled.", cam),
		vbytes:     d("viewer_bytes_sent_total", "Bytes of media sent to one viewer.", viewer),
		vstart:     d("viewer_start_time_seconds", "When the viewer's session started, unix seconds.", viewer),
		vdropped:   d("viewer_dropped_units_total", "Units a slow viewer skipped to catch up at a keyframe.", viewer),
		vlost:      d("viewer_packets_lost_total", "Packets the viewer reports lost (RTCP receiver reports).", viewer),
	}
}

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.up, c.fps, c.bitrate, c.keyint, c.width, c.height, c.viewers, c.lost, c.reconnects, c.vbytes, c.vstart, c.vdropped, c.vlost} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	g := func(d *prometheus.Desc, v float64, l ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, l...)
	}
	n := func(d *prometheus.Desc, v float64, l ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, l...)
	}
	for _, cam := range c.r.Cameras() {
		id := cam.ID
		g(c.up, 1, id, cam.State, cam.Codec)
		g(c.fps, cam.FPS, id)
		g(c.bitrate, cam.BitrateBPS, id)
		g(c.keyint, cam.KeyframeInterval, id)
		g(c.width, float64(cam.Width), id)
		g(c.height, float64(cam.Height), id)
		g(c.viewers, float64(cam.Viewers), id)
		n(c.lost, float64(cam.PacketsLost), id)
		n(c.reconnects, float64(cam.Reconnects), id)
		for _, v := range cam.ViewerList {
			n(c.vbytes, float64(v.BytesSent), id, v.Session, v.Station)
			g(c.vstart, float64(v.Started.Unix()), id, v.Session, v.Station)
			n(c.vdropped, float64(v.Dropped), id, v.Session, v.Station)
			n(c.vlost, float64(v.Lost), id, v.Session, v.Station)
		}
	}
}
