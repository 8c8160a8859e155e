package data_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/tokenmill/tokenmill/train/data"
)

// A two-source corpus read by rank 1 of 2; the position goes into a
// checkpoint as JSON, and a new loader resumes from it. (The test corpus
// numbers its tokens 10 + source*1e6 + document*1000 + position; BOS is 1
// and EOS 2.)
func Example() {
	dir, _ := os.MkdirTemp("", "data-example")
	defer os.RemoveAll(dir)
	manifestPath, _ := data.WriteCorpusFiles(dir, []data.CorpusSource{
		{Name: "wiki", Weight: 0.25, Shards: [][]int{{20, 20}}},
		{Name: "web", Weight: 0.75, Shards: [][]int{{50}, {50, 50}}},
	})
	cfg := data.Config{Seed: 42, SeqLen: 8, GlobalBatch: 4, TokenBudget: 8 * 4 * 50, Rank: 1, World: 2}
	l, err := data.Open(context.Background(), manifestPath, cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer l.Close()
	for _, s := range l.Plan().Sources {
		fmt.Printf("%s: %d samples, %.2f epochs\n", s.Name, s.Quota, s.Epochs)
	}
	b, _ := l.Next()
	fmt.Println(b.Sources, b.Inputs[0], b.Targets[0][7])
	saved, _ := json.Marshal(l.Position())

	var st data.State
	json.Unmarshal(saved, &st)
	l2, _ := data.Open(context.Background(), manifestPath, cfg)
	defer l2.Close()
	fmt.Println(l2.Resume(st, false))
	b1, _ := l.Next()
	b2, _ := l2.Next()
	fmt.Println(b2.Step, b2.Sources, b2.Inputs[1][:4], b1.Inputs[1][:4])
	// Output:
	// web: 150 samples, 0.38 epochs
	// wiki: 50 samples, 0.47 epochs
	// [web wiki] [1021025 1021026 1021027 1021028 1021029 1021030 1021031 1021032] 1021033
	// <nil>
	// 1 [web wiki] [38010 38011 38012 38013] [38010 38011 38012 38013]
}
