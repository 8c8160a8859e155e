package kenlm

import (
	"bytes"
	"io"
	"runtime"
	"testing"
)

// TestMemoryWithinKenLM measures the live heap of a loaded o3.arpa and
// checks it against 1.5 times what KenLM's probing binary takes for the
// same counts (KenLMProbingBytes).
func TestMemoryWithinKenLM(t *testing.T) {
	text, err := io.ReadAll(openTestdata(t, "o3.arpa.gz"))
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m, err := ReadARPA(bytes.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	live := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	var strBytes int64
	for _, w := range m.words {
		strBytes += int64(len(w)) + 1
	}
	kenlm := KenLMProbingBytes(m.Counts(), strBytes)
	t.Logf("live heap %d bytes, estimate %d, KenLM probing %d, ratio %.3f", live, m.MemoryBytes(), kenlm, float64(live)/float64(kenlm))
	if float64(live) > 1.5*float64(kenlm) {
		t.Errorf("model takes %d bytes, more than 1.5 x KenLM's %d", live, kenlm)
	}
	runtime.KeepAlive(m)
	runtime.KeepAlive(text)
}
