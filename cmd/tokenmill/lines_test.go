package main

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
)

func TestScanLines(t *testing.T) {
	long := strings.Repeat("x", 3<<20) // over the 1 MiB read buffer
	for _, c := range []struct {
		in   string
		want []string // scanLines' lines; eachLine's are the same without "\n"
	}{
		{"", nil},
		{"\n", []string{"\n"}},
		{"a", []string{"a"}},
		{"a\n", []string{"a\n"}},
		{"a\r\nb\n\nc", []string{"a\r\n", "b\n", "\n", "c"}},
		{long + "\nz", []string{long + "\n", "z"}},
	} {
		var got, gotEach []string
		if err := scanLines(strings.NewReader(c.in), func(l []byte) error { got = append(got, string(l)); return nil }); err != nil {
			t.Fatal(err)
		}
		eachLine(strings.NewReader(c.in), func(l []byte) error { gotEach = append(gotEach, string(l)); return nil })
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%.20q: scanLines %.40q, want %.40q", c.in, got, c.want)
		}
		for i := range c.want {
			c.want[i] = strings.TrimSuffix(c.want[i], "\n")
		}
		if fmt.Sprint(gotEach) != fmt.Sprint(c.want) {
			t.Errorf("%.20q: eachLine %.40q, want %.40q", c.in, gotEach, c.want)
		}
	}
}

// TestMapLinesOrder: outputs come in input order whatever the threads, each
// goroutine keeps its own state, and line numbers count from 1.
func TestMapLinesOrder(t *testing.T) {
	var in, want strings.Builder
	for i := 1; i <= 50000; i++ {
		line := strings.Repeat("w", i%97)
		fmt.Fprintf(&in, "%s\n", line)
		fmt.Fprintf(&want, "%d:%d\n", i, len(line))
	}
	for _, threads := range []int{1, 3, 8} {
		var out bytes.Buffer
		err := mapLines(strings.NewReader(in.String()), &out, threads, func() lineFunc {
			var own []byte // per goroutine: a shared one would race
			return func(dst, line []byte, n int) ([]byte, error) {
				own = strconv.AppendInt(own[:0], int64(n), 10)
				dst = append(dst, own...)
				return append(strconv.AppendInt(append(dst, ':'), int64(len(line)), 10), '\n'), nil
			}
		})
		if err != nil || out.String() != want.String() {
			t.Errorf("threads %d: err %v, output differs (%d bytes, want %d)", threads, err, out.Len(), want.Len())
		}
	}
}

// TestMapLinesError: the outputs of every line before the failing one are
// written, the first error is returned, and reading stops early.
func TestMapLinesError(t *testing.T) {
	const bad = 70000
	var in strings.Builder
	for i := 1; i <= 2_000_000; i++ {
		fmt.Fprintf(&in, "%d\n", i)
	}
	boom := errors.New("boom")
	var out bytes.Buffer
	r := strings.NewReader(in.String())
	err := mapLines(r, &out, 4, func() lineFunc {
		return func(dst, line []byte, n int) ([]byte, error) {
			if n >= bad {
				return dst, fmt.Errorf("line %d: %w", n, boom)
			}
			return append(append(dst, line...), '\n'), nil
		}
	})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), fmt.Sprintf("line %d:", bad)) {
		t.Fatalf("err %v, want the error of line %d", err, bad)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != bad-1 || lines[len(lines)-1] != strconv.Itoa(bad-1) {
		t.Errorf("wrote %d lines ending %q, want the %d before the failure", len(lines), lines[len(lines)-1], bad-1)
	}
	if r.Len() == 0 {
		t.Error("the whole input was read after the failure")
	}
}
