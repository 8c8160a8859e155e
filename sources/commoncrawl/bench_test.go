package commoncrawl

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"math/rand"
	"strings"
	"testing"

	kgzip "github.com/klauspost/compress/gzip"
)

// syntheticWET returns a WET file of n conversion records of about size
// bytes of text each, one gzip member per record, and its decompressed size.
func syntheticWET(n, size int) ([]byte, int64) {
	r := rand.New(rand.NewSource(1))
	words := strings.Fields("the of and to in a is that for it as was with be by on not he this are or his from at which but have an they you were her she there one all we their")
	var out bytes.Buffer
	var raw int64
	for i := 0; i < n; i++ {
		var text strings.Builder
		for text.Len() < size {
			text.WriteString(words[r.Intn(len(words))])
			if r.Intn(12) == 0 {
				text.WriteString(".\n")
			} else {
				text.WriteByte(' ')
			}
		}
		rec := fmt.Sprintf("WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Target-URI: http://x%d.test/\r\nWARC-Date: 2023-01-01T00:00:00Z\r\nWARC-Record-ID: <urn:uuid:%036d>\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n", i, i, text.Len(), text.String())
		raw += int64(len(rec))
		z, _ := gzip.NewWriterLevel(&out, gzip.DefaultCompression)
		z.Write([]byte(rec))
		z.Close()
	}
	return out.Bytes(), raw
}

// BenchmarkReader measures decompressed MB/s of the WET reader on one core.
func BenchmarkReader(b *testing.B) {
	data, raw := syntheticWET(2000, 4000)
	b.SetBytes(raw)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := NewReader(context.Background(), "bench", io.NopCloser(bytes.NewReader(data)), nil, Options{})
		n := 0
		for r.Next() {
			n++
		}
		if err := r.Close(); err != nil || n != 2000 {
			b.Fatalf("%d docs, %v", n, err)
		}
	}
}

// BenchmarkGzipBaseline decodes the same file with the bare decompressor:
// the reader's MB/s over this one is its overhead.
func BenchmarkGzipBaseline(b *testing.B) {
	data, raw := syntheticWET(2000, 4000)
	b.SetBytes(raw)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		z, _ := kgzip.NewReader(bytes.NewReader(data))
		io.Copy(io.Discard, z)
	}
}
