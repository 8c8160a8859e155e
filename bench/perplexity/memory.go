// Command memory loads an ARPA file with filters/perplexity and prints the
// live heap it takes next to the size of KenLM's probing binary for the
// same counts (perplexity.KenLMProbingBytes). Used by run.sh.
//
//	go run ./bench/perplexity/memory.go MODEL.arpa
package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"

	"github.com/tokenmill/tokenmill/filters/perplexity"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: memory MODEL.arpa")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m, err := perplexity.ReadARPA(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	var words int64
	for id := 0; id < m.VocabSize(); id++ {
		words += int64(len(m.Word(uint32(id)))) + 1
	}
	live := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	kenlm := perplexity.KenLMProbingBytes(m.Counts(), words)
	fmt.Printf("memory: counts %v, live heap %.1f MB, KenLM probing %.1f MB, ratio %.3f\n",
		m.Counts(), float64(live)/1e6, float64(kenlm)/1e6, float64(live)/float64(kenlm))
	runtime.KeepAlive(m)
}
