package videobench

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
)

// hdClip is the camera: 720p at 2 Mbit/s, 25 fps, a keyframe every
// 10 s.
var hdClip = ClipSpec{Width: 1280, Height: 720, FPS: 25, Keyframe: 10 * time.Second, Duration: 20 * time.Second, BitrateKbps: 2000, FrameCode: true}

// joinAt is how far into a keyframe group viewers join.
const joinAt = 4 * time.Second

// system is one of the relays compared: join makes v watch, timed from the
// instant v's Picture starts.
type system struct {
	name  string
	veth  bool // Janus: viewers on the veth pair
	start func(b *testing.B, cam *Camera) (join func(ctx context.Context, v *Viewer) (end func(), err error))
}

func systems(b *testing.B) []system {
	return []system{
		{name: "riverwatch", start: func(b *testing.B, cam *Camera) func(context.Context, *Viewer) (func(), error) {
			r := startRelay(b, cam)
			return func(ctx context.Context, v *Viewer) (func(), error) {
				offer, err := v.Offer()
				if err != nil {
					return nil, err
				}
				ans, id, err := r.WHEP(ctx, "cam", offer, relayViewer)
				if err != nil {
					return nil, err
				}
				return func() { _ = r.End("cam", id) }, v.SetAnswer(ans)
			}
		}},
		{name: "plain", start: func(b *testing.B, cam *Camera) func(context.Context, *Viewer) (func(), error) {
			p, err := StartPlain(cam.URL())
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(p.Close)
			srv := httptest.NewServer(p)
			b.Cleanup(srv.Close)
			return func(ctx context.Context, v *Viewer) (func(), error) {
				err := WHEP(ctx, http.DefaultClient, srv.URL+"/whep", v)
				return func() { _ = EndWHEP(context.Background(), http.DefaultClient, v) }, err
			}
		}},
		janusSystem("janus", false),
		janusSystem("janus-videobufferkf", true),
	}
}

func janusSystem(name string, kf bool) system {
	return system{name: name, veth: true, start: func(b *testing.B, cam *Camera) func(context.Context, *Viewer) (func(), error) {
		j := MustJanus(b, cam, kf)
		return func(ctx context.Context, v *Viewer) (func(), error) {
			s, err := j.Watch(ctx, v, nil)
			if err != nil {
				return nil, err
			}
			return func() { s.Close(context.Background()) }, nil
		}
	}}
}

func viewerAPI(b *testing.B, veth bool) *webrtc.API {
	api, err := NewAPI()
	if veth {
		api, err = NewVethAPI()
	}
	if err != nil {
		b.Fatal(err)
	}
	return api
}

// BenchmarkFirstFrame is the time from a viewer's offer (Janus: its
// "watch") to its first whole picture — an IDR with its parameter sets and
// every frame after it — joining 4 s into a 10 s keyframe group of a 720p
// 2 Mbit/s camera. Each iteration joins a new group. Reported: whole-ms
// (median), first-ms (the first access unit of any kind, median),
// connected-ms (ICE and DTLS up, median: Janus's include about a second of
// connectivity checks with a pion viewer),
// broken-AUs (frames a decoder could not show whole before the whole
// picture, mean) and lone-IDRs (keyframes sent alone, whose next frame
// broke, mean).
func BenchmarkFirstFrame(b *testing.B) {
	needBenchVideo(b)
	cam, err := StartCamera(MustClip(b, hdClip))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(cam.Close)
	for _, sys := range systems(b) {
		b.Run(sys.name, func(b *testing.B) {
			join := sys.start(b, cam)
			api := viewerAPI(b, sys.veth)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			defer cancel()
			// A keyframe the system saw (Janus's videobufferkf caches it).
			if err := cam.WaitNextKeyframe(ctx); err != nil {
				b.Fatal(err)
			}
			var whole, first, conn []float64
			var broken, lone float64
			b.ResetTimer()
			for range b.N {
				if err := cam.WaitIntoGroup(ctx, joinAt); err != nil {
					b.Fatal(err)
				}
				v, err := NewViewer(api, time.Now(), true)
				if err != nil {
					b.Fatal(err)
				}
				end, err := join(ctx, v)
				if err != nil {
					b.Fatal(err)
				}
				select {
				case <-v.Picture().Whole():
				case <-time.After(20 * time.Second):
					b.Fatalf("no whole picture in 20 s: %+v", v.Picture().Result())
				}
				r := v.Picture().Result()
				end()
				v.Close()
				whole = append(whole, ms(r.FirstWhole))
				first = append(first, ms(r.FirstAU))
				conn = append(conn, ms(v.Connected()))
				broken += float64(r.Broken)
				lone += float64(r.LoneIDRs)
				b.Logf("%s: whole %.0f ms, first frame %.0f ms, connected %.0f ms, %d broken before, %d lone keyframes",
					sys.name, ms(r.FirstWhole), ms(r.FirstAU), ms(v.Connected()), r.Broken, r.LoneIDRs)
			}
			b.ReportMetric(0, "ns/op")
			b.ReportMetric(median(whole), "whole-ms")
			b.ReportMetric(median(first), "first-ms")
			b.ReportMetric(median(conn), "connected-ms")
			b.ReportMetric(broken/float64(b.N), "broken-AUs")
			b.ReportMetric(lone/float64(b.N), "lone-IDRs")
		})
	}
}

// BenchmarkRelayCost100 is the relay's cost for 100 viewers
// (RIVERWATCH_BENCH_VIEWERS) of the 720p 2 Mbit/s camera: its process
// alone (riverwatch and plain pion fan-out run as child processes, Janus
// is its own), CPU over 10 s in steady state as a share of one core, and
// resident memory added per viewer. The viewers run in this process; the
// rate they received is reported (Mbit/s/viewer), and CPU per delivered
// Gbit/s beside it, since viewers starved on a loaded machine make the
// relay skip frames and understate its cost.
func BenchmarkRelayCost100(b *testing.B) {
	needBenchVideo(b)
	n := 100
	if s := os.Getenv("RIVERWATCH_BENCH_VIEWERS"); s != "" {
		if v, err := strconv.Atoi(s); err == nil && v > 0 {
			n = v
		}
	}
	cam, err := StartCamera(MustClip(b, hdClip))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(cam.Close)
	starts := []struct {
		name  string
		veth  bool
		start func(b *testing.B) proc
	}{
		{RoleRiverwatch, false, func(b *testing.B) proc { return childProc(b, RoleRiverwatch, cam) }},
		{RolePlain, false, func(b *testing.B) proc { return childProc(b, RolePlain, cam) }},
		{"janus", true, func(b *testing.B) proc {
			j := MustJanus(b, cam, true)
			return proc{pid: j.PID(), join: func(ctx context.Context, v *Viewer) (func(), error) {
				s, err := j.Watch(ctx, v, nil)
				if err != nil {
					return nil, err
				}
				return func() { s.Close(context.Background()) }, nil
			}}
		}},
	}
	for _, sys := range starts {
		b.Run(sys.name, func(b *testing.B) {
			api := viewerAPI(b, sys.veth)
			for range b.N {
				p := sys.start(b)
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
				time.Sleep(2 * time.Second) // pulling, no viewers
				base, err := SampleProc(p.pid)
				if err != nil {
					b.Fatal(err)
				}
				viewers := make([]*Viewer, 0, n)
				var ends []func()
				for range n {
					v, err := NewViewer(api, time.Now(), false)
					if err != nil {
						b.Fatal(err)
					}
					end, err := p.join(ctx, v)
					if err != nil {
						b.Fatal(err)
					}
					viewers = append(viewers, v)
					ends = append(ends, end)
				}
				deadline := time.Now().Add(60 * time.Second)
				for _, v := range viewers {
					for v.Bytes() == 0 {
						if time.Now().After(deadline) {
							b.Fatal("a viewer received nothing in 60 s")
						}
						time.Sleep(20 * time.Millisecond)
					}
				}
				time.Sleep(3 * time.Second) // catch-ups done, steady state
				s1, _ := SampleProc(p.pid)
				bytes1 := total(viewers)
				time.Sleep(10 * time.Second)
				s2, err := SampleProc(p.pid)
				if err != nil {
					b.Fatal(err)
				}
				rate := float64(total(viewers)-bytes1) * 8 / s2.At.Sub(s1.At).Seconds() / float64(n) / 1e6
				b.ReportMetric(0, "ns/op")
				b.ReportMetric(100*CPUShare(s1, s2), "%-core")
				b.ReportMetric(float64(s2.RSS-base.RSS)/float64(n)/(1<<20), "MiB/viewer")
				b.ReportMetric(float64(s2.RSS)/(1<<20), "MiB-rss")
				b.ReportMetric(rate, "Mbit/s/viewer")
				// CPU per delivered throughput, comparable when a loaded
				// machine kept the viewers below the camera's rate.
				b.ReportMetric(100*CPUShare(s1, s2)/(rate*float64(n)/1000), "%-core/Gbit/s")
				if want := float64(hdClip.BitrateKbps) / 1000; rate < 0.9*want {
					b.Logf("WARNING: viewers received %.2f of %.2f Mbit/s each: this machine could not keep up, the relay skipped frames and its cost is understated", rate, want)
				}
				b.Logf("%s: %d viewers, %.1f %% of a core, RSS %.1f MiB (%.1f MiB with none), %.2f Mbit/s per viewer received",
					sys.name, n, 100*CPUShare(s1, s2), float64(s2.RSS)/(1<<20), float64(base.RSS)/(1<<20), rate)
				if p.profile != nil {
					p.profile() // after every measure: it collects garbage
				}
				for i, v := range viewers {
					ends[i]()
					v.Close()
				}
				cancel()
			}
		})
	}
}

// needBenchVideo skips the video benchmarks (minutes each, with ffmpeg and
// Janus) unless RIVERWATCH_BENCH_VIDEO=1, as `make bench-video` sets, so
// that `go test -bench=. ./...` stays quick.
func needBenchVideo(b *testing.B) {
	b.Helper()
	if os.Getenv("RIVERWATCH_BENCH_VIDEO") != "1" {
		b.Skip("the video comparison takes minutes: make bench-video (RIVERWATCH_BENCH_VIDEO=1)")
	}
}

// proc is a relay process under measure and how a viewer joins it.
type proc struct {
	pid     int
	join    func(ctx context.Context, v *Viewer) (func(), error)
	profile func() // a relay child's heap profile (EnvRelayHeapProfile); nil for Janus
}

func childProc(b *testing.B, role string, cam *Camera) (p proc) {
	rp, err := StartRelayProc(role, cam.URL())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(rp.Close)
	p.pid = rp.PID()
	p.profile = rp.HeapProfile
	p.join = func(ctx context.Context, v *Viewer) (func(), error) {
		if err := WHEP(ctx, http.DefaultClient, rp.URL, v); err != nil {
			return nil, err
		}
		return func() { _ = EndWHEP(context.Background(), http.DefaultClient, v) }, nil
	}
	return p
}

func total(vs []*Viewer) int64 {
	var n int64
	for _, v := range vs {
		n += v.Bytes()
	}
	return n
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}
