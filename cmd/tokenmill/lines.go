package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
)

// The line commands (tokenizer encode/decode, lm score/docpp/cutoffs,
// classify predict, langid) read stdin the same way and, where a line's
// work is heavy, map it in parallel with the output in input order. These
// two helpers are the only implementations of either.

// scanLines calls fn for each line of r, with its "\n" when it has one
// (only the last line may lack it; an empty input has no lines). A "\r"
// before the "\n" stays, as spm_encode's std::getline, KenLM and fastText
// keep it. Lines of any length are read whole. line is valid only during
// the call.
func scanLines(r io.Reader, fn func(line []byte) error) error {
	br := bufio.NewReaderSize(r, 1<<20)
	var long []byte
	for {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			long = append(long, line...)
			continue
		}
		if long != nil {
			line = append(long, line...)
			long = long[:0]
		}
		if len(line) > 0 {
			if ferr := fn(line); ferr != nil {
				return ferr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// eachLine is scanLines with the "\n" removed.
func eachLine(r io.Reader, fn func(line []byte) error) error {
	return scanLines(r, func(line []byte) error {
		return fn(bytes.TrimSuffix(line, []byte{'\n'}))
	})
}

// lineFunc appends the output for one line (without its "\n") to dst;
// lineNo counts from 1. On error it returns dst as it got it.
type lineFunc func(dst, line []byte, lineNo int) ([]byte, error)

// mapLines runs the lines of r through fn on threads goroutines (0: one per
// CPU) and writes the outputs to w in input order. newFn is called once
// per goroutine, so each may keep scratch state. Lines go in batches of
// about 256 KiB, and at most 3×threads+1 batches are in memory. After an
// error the outputs of every line before the failing one are written and
// the first error is returned; a read error is wrapped with "stdin".
func mapLines(r io.Reader, w io.Writer, threads int, newFn func() lineFunc) error {
	if threads < 1 {
		threads = runtime.GOMAXPROCS(0)
	}
	type batch struct {
		lines [][]byte
		first int
		out   []byte
		err   error
		done  chan struct{}
	}
	const batchBytes = 256 << 10
	work := make(chan *batch, threads)
	order := make(chan *batch, 2*threads)
	var wg sync.WaitGroup
	for range threads {
		fn := newFn()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range work {
				for i, l := range b.lines {
					if b.out, b.err = fn(b.out, l, b.first+i); b.err != nil {
						break
					}
				}
				close(b.done)
			}
		}()
	}
	writeErr := make(chan error, 1)
	var failed atomic.Bool // tells the reader to stop early
	go func() {
		var err error
		for b := range order {
			<-b.done
			if err != nil {
				continue // drain: the reader may still be sending
			}
			if _, werr := w.Write(b.out); werr != nil {
				err = werr
			} else {
				err = b.err
			}
			if err != nil {
				failed.Store(true)
			}
		}
		writeErr <- err
	}()
	cur := &batch{first: 1, done: make(chan struct{})}
	size, lineNo := 0, 0
	flush := func() {
		order <- cur
		work <- cur
		cur = &batch{first: lineNo + 1, done: make(chan struct{})}
		size = 0
	}
	errStop := errors.New("stop")
	rerr := eachLine(r, func(line []byte) error {
		if failed.Load() {
			return errStop
		}
		lineNo++
		cur.lines = append(cur.lines, append([]byte(nil), line...))
		size += len(line) + 16
		if size >= batchBytes {
			flush()
		}
		return nil
	})
	if len(cur.lines) > 0 {
		flush()
	}
	close(work)
	close(order)
	wg.Wait()
	if err := <-writeErr; err != nil {
		return err
	}
	if rerr != nil && rerr != errStop {
		return fmt.Errorf("stdin: %w", rerr)
	}
	return nil
}
