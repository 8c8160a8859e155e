// Command largemodel loads a model with filters/kenlm (ARPA, gzipped ARPA
// or KenLM binary, by content), prints its load time and the process's
// resident memory, for an ARPA the live heap next to the size of KenLM's
// probing binary for the same counts (kenlm.KenLMProbingBytes), then scores
// a file of space-separated pieces with <s> and </s> and prints the rate
// per CPU second (user+sys, so it holds on a busy machine). Used by run.sh
// and binary.sh.
//
//	GOMAXPROCS=1 go run ./bench/kenlm/largemodel.go MODEL TEST.txt
package main

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/tokenmill/tokenmill/filters/kenlm"
)

func cpu() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "largemodel:", err)
	os.Exit(1)
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: largemodel MODEL.arpa TEST.txt")
		os.Exit(2)
	}
	test, err := os.ReadFile(os.Args[2])
	if err != nil {
		fail(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(test), "\n"), "\n")
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	c0 := cpu()
	w0 := time.Now()
	m, err := kenlm.Load(os.Args[1])
	if err != nil {
		fail(err)
	}
	load := cpu() - c0
	loadWall := time.Since(w0)
	runtime.GC()
	runtime.ReadMemStats(&after)
	live := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	fmt.Printf("model: %s, counts %v, loaded in %.3f s CPU (%.3f s wall), RSS after load %s\n",
		m.Format(), m.Counts(), load.Seconds(), loadWall.Seconds(), rss())
	if m.Format() == "ARPA" {
		var words int64
		for id := 0; id < m.VocabSize(); id++ {
			words += int64(len(m.Word(uint32(id)))) + 1
		}
		kb := kenlm.KenLMProbingBytes(m.Counts(), words)
		fmt.Printf("memory: live heap %.1f MB, KenLM probing %.1f MB, ratio %.3f\n",
			float64(live)/1e6, float64(kb)/1e6, float64(live)/float64(kb))
	}
	// Score the test text several times so the run is long enough to time.
	tokens := 0
	var sum float64
	c0 = cpu()
	for rep := 0; rep < 5; rep++ {
		for _, l := range lines {
			lp, n, _ := m.ScoreLine(l, true, true)
			sum += lp
			tokens += n + 1
		}
	}
	sc := cpu() - c0
	fmt.Printf("scoring: %d tokens in %.2f s CPU: %.2f M tokens/s per core (mean log10 %.4f), RSS %s\n",
		tokens, sc.Seconds(), float64(tokens)/sc.Seconds()/1e6, sum/float64(tokens), rss())
}

// rss returns the process's resident and peak resident memory from
// /proc/self/status (mapped file pages included).
func rss() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "?"
	}
	var cur, peak string
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			cur = strings.TrimSpace(v)
		}
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			peak = strings.TrimSpace(v)
		}
	}
	return cur + " (peak " + peak + ")"
}
