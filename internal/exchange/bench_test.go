package exchange

import (
	"testing"
	"time"
)

// BenchmarkHandshake runs whole handshakes between two in-memory parties
// with crypto/rand and reports the message sizes and the time each side
// spends in its own calls. The parties run one after the other on one
// goroutine, so each side's time is its CPU time plus any time the
// scheduler gives to other processes.
func BenchmarkHandshake(b *testing.B) {
	var initiatorTime, responderTime time.Duration
	var sizes [StepKey + 1]int
	timed := func(total *time.Duration, f func()) {
		start := time.Now()
		f()
		*total += time.Since(start)
	}
	fail := func(err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	cpuStart, haveCPU := processCPU()
	b.ResetTimer()
	for range b.N {
		var (
			in           *Initiator
			re           *Responder
			hello, reply []byte
			offer, km    []byte
			err          error
		)
		timed(&initiatorTime, func() { in, err = NewInitiator(Options{}); fail(err); hello = in.Hello() })
		timed(&responderTime, func() {
			re, err = NewResponder(Options{})
			fail(err)
			fail(re.ReadHello(hello))
			reply, err = re.Reply(responderProfile())
			fail(err)
		})
		timed(&initiatorTime, func() {
			_, err = in.ReadReply(reply)
			fail(err)
			offer, err = in.Offer(initiatorProfile(), initiatorKey)
			fail(err)
			_, err = in.Code()
			fail(err)
		})
		timed(&responderTime, func() {
			_, _, err = re.ReadOffer(offer)
			fail(err)
			_, err = re.Code()
			fail(err)
			km, err = re.KeyMessage(responderKey)
			fail(err)
		})
		timed(&initiatorTime, func() { _, err = in.ReadKey(km); fail(err) })
		sizes = [StepKey + 1]int{0, len(hello), len(reply), len(offer), len(km)}
	}
	b.StopTimer()
	cpuEnd, _ := processCPU()

	n := float64(b.N)
	b.ReportMetric(float64(initiatorTime.Microseconds())/n, "initiator-µs/op")
	b.ReportMetric(float64(responderTime.Microseconds())/n, "responder-µs/op")
	if haveCPU {
		b.ReportMetric(float64((cpuEnd-cpuStart).Microseconds())/n, "cpu-µs/op")
	}
	b.ReportMetric(float64(sizes[StepHello]), "hello-bytes")
	b.ReportMetric(float64(sizes[StepReply]), "reply-bytes")
	b.ReportMetric(float64(sizes[StepOffer]), "offer-bytes")
	b.ReportMetric(float64(sizes[StepKey]), "key-bytes")
}
