package main

import (
	"bytes"
	"context"
	"io"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/flight"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/tokenmill/tokenmill/train/data"
	"github.com/tokenmill/tokenmill/train/feed"
)

// syncBuffer is an output a test reads while the command writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestFeedCmd runs `tokenmill feed` in-process, reads rank 1 of 2 from step
// 3 through a Flight client, checks it against train/data, and stops the
// server the way SIGINT does (its context ends).
func TestFeedCmd(t *testing.T) {
	path := writeTrainCorpus(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncBuffer
	root := newRootCmd()
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs([]string{"feed", "--data", path, "--addr", "127.0.0.1:0"})
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()

	var addr string
	re := regexp.MustCompile(`grpc://(\S+)`)
	for deadline := time.Now().Add(30 * time.Second); addr == ""; time.Sleep(10 * time.Millisecond) {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			addr = m[1]
		}
		select {
		case err := <-done:
			t.Fatalf("feed exited: %v\n%s", err, out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no address after 30 s:\n%s", out.String())
		}
	}
	c, err := flight.NewClientWithMiddleware(addr, nil, nil, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tk := feed.Ticket{Seed: 3, SeqLen: 32, GlobalBatch: 4, Steps: 10, Rank: 1, World: 2, StartStep: 3}
	st, err := c.DoGet(ctx, &flight.Ticket{Ticket: tk.Marshal()})
	if err != nil {
		t.Fatal(err)
	}
	rd, err := flight.NewRecordReader(st)
	if err != nil {
		t.Fatal(err)
	}
	var got [][]int32
	for rd.Next() {
		rec := rd.RecordBatch()
		toks := rec.Column(2).(*array.FixedSizeList)
		vals := toks.ListValues().(*array.Int32).Int32Values()
		w := int(toks.DataType().(*arrow.FixedSizeListType).Len())
		for i := 0; i < int(rec.NumRows()); i++ {
			got = append(got, slices.Clone(vals[i*w:(i+1)*w]))
		}
	}
	if rd.Err() != nil {
		t.Fatal(rd.Err())
	}
	rd.Release()

	l, err := data.Open(ctx, path, tk.Config())
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := l.Resume(data.State{Samples: 3 * 4, ConfigHash: l.Plan().ConfigHash}, false); err != nil {
		t.Fatal(err)
	}
	var want [][]int32
	for {
		b, err := l.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		for i := range b.Inputs {
			want = append(want, append(slices.Clone(b.Inputs[i]), b.Targets[i][31]))
		}
	}
	if len(got) != 14 || !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("%d rows, train/data gives %d; first got %v want %v", len(got), len(want), got[:1], want[:1])
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("feed did not stop")
	}
	if s := out.String(); !strings.Contains(s, "stopped") || !strings.Contains(s, "feed stream") {
		t.Errorf("output:\n%s", s)
	}
}

func TestFeedCmdUsage(t *testing.T) {
	for _, args := range [][]string{
		{"feed"},
		{"feed", "--data", "/nonexistent/manifest.json"},
		{"feed", "--root", t.TempDir(), "--data", "/etc/passwd"},
	} {
		if _, err := runCLI(t, "", true, args...); err == nil || exitCode(err) != 2 {
			t.Errorf("%v: %v (exit %d), want a usage error", args, err, exitCode(err))
		}
	}
}
