package feed

import (
	"context"
	"io"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/flight"

	"github.com/tokenmill/tokenmill/train/data"
)

// benchSources is train/data's BenchmarkNext corpus: 4,000 documents of up
// to 990 tokens (about 2M tokens) in 16 row groups over 4 shards, two sources.
var benchSources = []corpusSource{
	{"a", 0.6, [][]int{{250, 250, 250, 250}, {250, 250, 250, 250}}, 990},
	{"b", 0.4, [][]int{{250, 250, 250, 250}, {250, 250, 250, 250}}, 990},
}

var benchTicket = Ticket{Seed: 1, SeqLen: 1024, GlobalBatch: 16, Steps: 1 << 30, MaxEpochs: 1e9}

// BenchmarkServe compares the steps one Flight client on loopback receives
// (DoGet of b.N steps, records decoded by arrow-go's reader) with the steps
// train/data's Loader.Next returns in process, on the same corpus and run;
// one op is one step of 16×1025 tokens. The ratio of the two tokens/s is
// the cost of the wire.
func BenchmarkServe(b *testing.B) {
	dir := b.TempDir()
	path := writeCorpus(b, dir, benchSources)
	step := int64(benchTicket.GlobalBatch * (benchTicket.SeqLen + 1) * 4)
	b.Run("inprocess", func(b *testing.B) {
		l, err := data.Open(context.Background(), path, benchTicket.Config())
		if err != nil {
			b.Fatal(err)
		}
		defer l.Close()
		b.SetBytes(step)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := l.Next(); err != nil && err != io.EOF {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N*benchTicket.GlobalBatch*benchTicket.SeqLen)/b.Elapsed().Seconds(), "tokens/s")
	})
	b.Run("flight", func(b *testing.B) {
		c, _ := serve(b, Options{Root: dir, Manifest: path})
		tk := benchTicket
		tk.EndStep = int64(b.N)
		b.SetBytes(step)
		b.ResetTimer()
		st, err := c.DoGet(context.Background(), &flight.Ticket{Ticket: tk.Marshal()})
		if err != nil {
			b.Fatal(err)
		}
		rd, err := flight.NewRecordReader(st)
		if err != nil {
			b.Fatal(err)
		}
		defer rd.Release()
		rows := 0
		for rd.Next() {
			rec := rd.RecordBatch()
			toks := rec.Column(2).(*array.FixedSizeList).ListValues().(*array.Int32)
			rows += int(rec.NumRows())
			_ = toks.Int32Values()
		}
		if rd.Err() != nil {
			b.Fatal(rd.Err())
		}
		if rows != b.N*tk.GlobalBatch {
			b.Fatalf("%d rows, want %d", rows, b.N*tk.GlobalBatch)
		}
		b.ReportMetric(float64(b.N*tk.GlobalBatch*tk.SeqLen)/b.Elapsed().Seconds(), "tokens/s")
	})
}
