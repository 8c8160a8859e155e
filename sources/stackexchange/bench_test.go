package stackexchange

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"regexp"
	"testing"
)

// postIDs matches the Id and ParentId attributes (not PostTypeId,
// OwnerUserId, AcceptedAnswerId: those have no space before "Id").
var postIDs = regexp.MustCompile(` (Id|ParentId)="(\d+)"`)

// benchPosts is the planted fixture's rows repeated n times with their post
// Ids shifted, so that every copy is a distinct set of questions.
func benchPosts(b *testing.B, n int) []byte {
	data, err := os.ReadFile("testdata/extracted/cooking.stackexchange.com/Posts.xml")
	if err != nil {
		b.Fatal(err)
	}
	var rows [][]byte
	for _, line := range bytes.SplitAfter(data, []byte("\n")) {
		if bytes.HasPrefix(line, []byte("  <row")) {
			rows = append(rows, line)
		}
	}
	var out bytes.Buffer
	out.WriteString("<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<posts>\r\n")
	for k := 0; k < n; k++ {
		for _, r := range rows {
			out.Write(postIDs.ReplaceAllFunc(r, func(m []byte) []byte {
				sub := postIDs.FindSubmatch(m)
				var id int
				fmt.Sscan(string(sub[2]), &id)
				return fmt.Appendf(nil, ` %s="%d"`, sub[1], id+k*1000)
			}))
		}
	}
	out.WriteString("</posts>\r\n")
	return out.Bytes()
}

// BenchmarkReader measures row scanning, the join and HTML to text on one
// core's worth of work (bench/stackexchange/run.sh compares it with
// RedPajama's scripts).
func BenchmarkReader(b *testing.B) {
	data := benchPosts(b, 500)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r := NewReader(context.Background(), "bench", bytes.NewReader(data), nil, nil, nil,
			Options{Site: "bench.stackexchange.com", KeepUnanswered: true, TempDir: b.TempDir()})
		n := 0
		for r.Next() {
			n++
		}
		if err := r.Close(); err != nil || n == 0 {
			b.Fatalf("%d documents, %v", n, err)
		}
	}
}

// BenchmarkHTMLToText measures the HTML-to-text rules over every case of
// testdata/html.txt.
func BenchmarkHTMLToText(b *testing.B) {
	cases := readHTMLCases(b, "testdata/html.txt")
	var n int64
	for _, c := range cases {
		n += int64(len(c.input))
	}
	b.SetBytes(n)
	b.ReportAllocs()
	var conv htmlConverter
	for b.Loop() {
		for _, c := range cases {
			conv.convert(c.input)
		}
	}
}
