package service

import (
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"
)

// TestLoad measures the server alone: 50 clients poll build status and the
// list for two seconds while 3 builds (fakes that hold their slot, so the
// server's own memory is what is measured) wait behind a limit of one and
// the running one is polled for progress. It reports latency percentiles
// and the heap; it fails only on errors or a p99 over a second.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	const clients, builds = 50, 3
	e := newEnv(t, nil)
	var ids []string
	for i := range builds {
		out := fmt.Sprintf("%s/out%d", e.root, i)
		e.fake.block(out)
		_, st := e.submit(BuildRequest{Output: out})
		ids = append(ids, st.ID)
	}
	runtime.GC()
	var m0 runtime.MemStats
	runtime.ReadMemStats(&m0)
	stop := make(chan struct{})
	var mu sync.Mutex
	var lat []time.Duration
	var errs int
	var peak uint64
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapInuse)
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	})
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	for c := range clients {
		wg.Go(func() {
			var mine []time.Duration
			for i := 0; ; i++ {
				select {
				case <-stop:
					mu.Lock()
					lat = append(lat, mine...)
					mu.Unlock()
					return
				default:
				}
				path := "/v1/builds/" + ids[(c+i)%builds]
				if i%10 == 0 {
					path = "/v1/builds"
				}
				req, _ := http.NewRequest("GET", e.http.URL+path, nil)
				req.Header.Set("Authorization", "Bearer "+token)
				t0 := time.Now()
				resp, err := client.Do(req)
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				mine = append(mine, time.Since(t0))
				if err != nil || resp.StatusCode != 200 {
					mu.Lock()
					errs++
					mu.Unlock()
				}
			}
		})
	}
	time.Sleep(2 * time.Second)
	close(stop)
	wg.Wait()
	for _, id := range ids {
		e.do("POST", "/v1/builds/"+id+"/cancel", token, nil)
	}
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	t.Logf("%d clients for 2s, %d builds (1 running, 2 queued): %d requests (%.0f/s), %d errors; latency p50 %v p95 %v p99 %v max %v; heap in use %.1f MiB at start, peak %.1f MiB",
		clients, builds, len(lat), float64(len(lat))/2, errs, pct(0.5), pct(0.95), pct(0.99), lat[len(lat)-1],
		float64(m0.HeapInuse)/(1<<20), float64(peak)/(1<<20))
	if errs > 0 {
		t.Errorf("%d requests failed", errs)
	}
	if pct(0.99) > time.Second {
		t.Errorf("p99 latency %v", pct(0.99))
	}
}
