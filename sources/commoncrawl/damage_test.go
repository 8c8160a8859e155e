package commoncrawl

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/tokenmill/tokenmill/pipeline"
)

// sampleWET is the embedded sample's first shard: CommonCrawl's layout,
// one gzip member per record, 123 conversion records.
const sampleWET = "../../recipes/sample/commoncrawl/CC-SAMPLE-2023-06-00000.warc.wet.gz"

type readOut struct {
	docs  map[string]string
	order []string
	skips []*pipeline.RecordError
	err   error
}

func readBytes(data []byte) readOut {
	out := readOut{docs: map[string]string{}}
	skip := func(err error) {
		var re *pipeline.RecordError
		errors.As(err, &re)
		out.skips = append(out.skips, re)
	}
	r := NewReader(context.Background(), "sample", io.NopCloser(bytes.NewReader(data)), skip, Options{RepairUTF8: true})
	for r.Next() {
		d := r.Doc()
		out.order = append(out.order, d.ID)
		if _, dup := out.docs[d.ID]; dup {
			out.docs[d.ID+"#dup"] = d.Text
			continue
		}
		out.docs[d.ID] = d.Text
	}
	out.err = r.Close()
	return out
}

// checkDamaged asserts the promises for a damaged copy of an intact file:
// no record twice, no altered text, and at most one record lost per
// damaged member (each flip damages at most one member).
func checkDamaged(t *testing.T, orig readOut, data []byte, flips int) readOut {
	t.Helper()
	got := readBytes(data)
	if got.err != nil {
		t.Fatalf("fatal error on damaged input: %v", got.err)
	}
	for id, text := range got.docs {
		if strings.HasSuffix(id, "#dup") {
			t.Fatalf("record %s emitted twice", strings.TrimSuffix(id, "#dup"))
		}
		want, ok := orig.docs[id]
		if !ok {
			t.Fatalf("record %s is not in the intact file", id)
		}
		if text != want {
			t.Fatalf("record %s emitted with altered text", id)
		}
	}
	if lost := len(orig.docs) - len(got.docs); lost > flips {
		t.Fatalf("%d records lost for %d damaged bytes; skips %v", lost, flips, got.skips)
	}
	// Order is kept.
	pos := map[string]int{}
	for i, id := range orig.order {
		pos[id] = i
	}
	for i := 1; i < len(got.order); i++ {
		if pos[got.order[i]] <= pos[got.order[i-1]] {
			t.Fatalf("records out of order: %s after %s", got.order[i], got.order[i-1])
		}
	}
	return got
}

// TestDamagedMembers reproduces the byte flips of the reliability issue on
// the sample shard: the reader lost 38 intact records and emitted two with
// altered text (first pair), or re-read earlier records (second pair).
func TestDamagedMembers(t *testing.T) {
	data, err := os.ReadFile(sampleWET)
	if err != nil {
		t.Fatal(err)
	}
	orig := readBytes(data)
	if len(orig.docs) != 123 || len(orig.skips) != 1 {
		t.Fatalf("intact sample: %d docs, %d skips", len(orig.docs), len(orig.skips))
	}
	for _, flips := range [][2][2]int{
		{{14662, 0x20}, {64042, 0x01}},
		{{44345, 0x80}, {117741, 0x02}},
	} {
		t.Run(fmt.Sprint(flips), func(t *testing.T) {
			bad := append([]byte(nil), data...)
			for _, f := range flips {
				bad[f[0]] ^= byte(f[1])
			}
			got := checkDamaged(t, orig, bad, len(flips))
			lost := len(orig.docs) - len(got.docs)
			if len(got.skips)-len(orig.skips) != lost {
				t.Errorf("%d records lost but %d skips reported: %v", lost, len(got.skips), got.skips)
			}
			for _, s := range got.skips {
				if !errors.Is(s, pipeline.ErrCorrupt) || s.Path != "sample" {
					t.Errorf("skip %v", s)
				}
			}
		})
	}
}

// FuzzDamagedSample flips bytes of the sample shard; CI runs it for a
// bounded time (scripts/test.sh).
func FuzzDamagedSample(f *testing.F) {
	data, err := os.ReadFile(sampleWET)
	if err != nil {
		f.Fatal(err)
	}
	orig := readBytes(data)
	f.Add(uint32(14662), byte(0x20), uint32(64042), byte(0x01))
	f.Add(uint32(44345), byte(0x80), uint32(117741), byte(0x02))
	f.Add(uint32(10), byte(0xff), uint32(0), byte(0))
	f.Fuzz(func(t *testing.T, p1 uint32, x1 byte, p2 uint32, x2 byte) {
		bad := append([]byte(nil), data...)
		n := 0
		for _, fl := range []struct {
			p uint32
			x byte
		}{{p1, x1}, {p2, x2}} {
			if fl.x != 0 {
				bad[int(fl.p%uint32(len(bad)))] ^= fl.x
				n++
			}
		}
		checkDamaged(t, orig, bad, n)
	})
}

// TestGarbageLineBounded: a bad header followed by a huge line (a small gzip
// bomb) is skipped without holding the line, and the next record is read.
func TestGarbageLineBounded(t *testing.T) {
	var b bytes.Buffer
	w, _ := gzip.NewWriterLevel(&b, gzip.BestSpeed)
	io.WriteString(w, "WARC/1.0\r\nthis header line has no colon\r\n")
	chunk := bytes.Repeat([]byte("x"), 1<<20)
	for i := 0; i < 300; i++ { // a 300 MiB line
		w.Write(chunk)
	}
	io.WriteString(w, "\r\n\r\n")
	w.Close()
	w = gzip.NewWriter(&b)
	body := "After the bomb."
	fmt.Fprintf(w, "WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Record-ID: <urn:uuid:after>\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n", len(body), body)
	w.Close()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	got := readBytes(b.Bytes())
	runtime.ReadMemStats(&after)
	if got.docs["urn:uuid:after"] != body || len(got.skips) != 1 {
		t.Fatalf("docs %v skips %v", got.docs, got.skips)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
		t.Fatalf("skipping a 300 MiB line allocated %d MiB", alloc>>20)
	}
}
