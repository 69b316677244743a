package video

import (
	"sync"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/rtcp"
)

// nackBudget bounds the retransmissions one peer can ask for: its NACKs
// draw on a token bucket of packets, and a NACK the bucket cannot pay is
// dropped before pion's responder sees it. Without it a viewer whose
// network (or CPU) loses packets asks for more and more resends, and
// resends are what the relay then spends its time on.
type nackBudget struct {
	interceptor.NoOp
	rate  float64 // packets per second
	burst float64

	mu     sync.Mutex
	tokens float64
	last   time.Time
	denied uint64
}

// nackBudgetFactory makes one budget per peer connection.
type nackBudgetFactory struct{ rate, burst float64 }

func (f nackBudgetFactory) NewInterceptor(string) (interceptor.Interceptor, error) {
	return &nackBudget{rate: f.rate, burst: f.burst, tokens: f.burst}, nil
}

// take spends n tokens if there are that many.
func (b *nackBudget) take(n int, now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.last.IsZero() {
		b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	}
	b.last = now
	if float64(n) > b.tokens {
		b.denied++
		return false
	}
	b.tokens -= float64(n)
	return true
}

// BindRTCPReader drops the NACKs over budget from each compound packet.
func (b *nackBudget) BindRTCPReader(r interceptor.RTCPReader) interceptor.RTCPReader {
	return interceptor.RTCPReaderFunc(func(buf []byte, a interceptor.Attributes) (int, interceptor.Attributes, error) {
		n, a, err := r.Read(buf, a)
		if err != nil || n == 0 {
			return n, a, err
		}
		pkts, perr := rtcp.Unmarshal(buf[:n])
		if perr != nil {
			return n, a, err
		}
		kept := pkts[:0]
		dropped := false
		now := time.Now()
		for _, p := range pkts {
			if nack, ok := p.(*rtcp.TransportLayerNack); ok {
				count := 0
				for _, pair := range nack.Nacks {
					count += len(pair.PacketList())
				}
				if !b.take(count, now) {
					dropped = true
					continue
				}
			}
			kept = append(kept, p)
		}
		if !dropped {
			return n, a, err
		}
		if len(kept) == 0 {
			// Nothing left: hand on an empty receiver report.
			kept = append(kept, &rtcp.ReceiverReport{})
		}
		out, merr := rtcp.Marshal(kept)
		if merr != nil || len(out) > len(buf) {
			return n, a, err
		}
		return copy(buf, out), a, err
	})
}
