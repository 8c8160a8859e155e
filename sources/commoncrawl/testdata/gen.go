//go:build ignore

// gen writes the WET fixtures of this folder: go run gen.go. Each file is
// named after what is wrong with it; README.md says what a reader must make
// of each. The records are made up here, with text we wrote.
package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
)

type rec struct {
	typ, id, uri, date, body string
	clDelta                  int    // added to the true Content-Length
	raw                      string // if set, the member's whole content
}

func (r rec) bytes() []byte {
	if r.raw != "" {
		return []byte(r.raw)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "WARC/1.0\r\nWARC-Type: %s\r\n", r.typ)
	if r.uri != "" {
		fmt.Fprintf(&b, "WARC-Target-URI: %s\r\n", r.uri)
	}
	fmt.Fprintf(&b, "WARC-Date: %s\r\nWARC-Record-ID: <%s>\r\n", r.date, r.id)
	if r.typ == "conversion" {
		b.WriteString("WARC-Block-Digest: sha1:AAAABBBBCCCCDDDD\r\nContent-Type: text/plain\r\n")
	}
	fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n%s\r\n\r\n", len(r.body)+r.clDelta, r.body)
	return b.Bytes()
}

func member(p []byte) []byte {
	var b bytes.Buffer
	z := gzip.NewWriter(&b)
	z.Write(p)
	z.Close()
	return b.Bytes()
}

func info() rec {
	return rec{typ: "warcinfo", id: "urn:uuid:00000000-0000-0000-0000-000000000000", date: "2023-01-27T00:00:00Z",
		body: "Software-Info: tokenmill-fixture\r\nformat: WARC File Format 1.0\r\n"}
}

func conv(n int, body string) rec {
	return rec{typ: "conversion", id: fmt.Sprintf("urn:uuid:00000000-0000-0000-0000-%012d", n),
		uri: fmt.Sprintf("http://example.%d.test/page", n), date: fmt.Sprintf("2023-01-27T10:%02d:00Z", n), body: body}
}

var bodies = []string{
	"First page.\nIt has two lines.",
	"Zweite Seite mit deutschem Text.\nNoch eine Zeile.",
	"Troisième page, en français.",
	"Fourth page: the last good one.",
}

func write(name string, members ...[]byte) {
	if err := os.WriteFile(name, bytes.Join(members, nil), 0o644); err != nil {
		panic(err)
	}
}

func main() {
	good := [][]byte{member(info().bytes())}
	for i, b := range bodies {
		good = append(good, member(conv(i+1, b).bytes()))
	}
	write("good.warc.wet.gz", good...)

	// Several records in one member, as some tools write them.
	var all []byte
	all = append(all, info().bytes()...)
	for i, b := range bodies {
		all = append(all, conv(i+1, b).bytes()...)
	}
	write("one-member.warc.wet.gz", member(all))

	// The last member cut in half.
	last := member(conv(5, "A fifth page that is cut short by the end of the file.").bytes())
	write("truncated-member.warc.wet.gz", append(append([][]byte{}, good...), last[:len(last)/2])...)

	// Record 2 claims 5 bytes too many (runs past its member's end), record 3 claims 3 too few.
	long, short := conv(2, bodies[1]), conv(3, bodies[2])
	long.clDelta, short.clDelta = 5, -3
	write("bad-content-length.warc.wet.gz", good[0], good[1], member(long.bytes()), member(short.bytes()), good[4])

	// Record 2's member holds garbage instead of a WARC header; record 3 has a header line without a colon.
	garbage := rec{raw: "GET / HTTP/1.1\r\nthis is not a warc record\r\n\r\n"}
	noColon := []byte(string(conv(3, bodies[2]).bytes()))
	noColon = bytes.Replace(noColon, []byte("Content-Type: text/plain"), []byte("Content-Type text/plain"), 1)
	write("header-garbage.warc.wet.gz", good[0], good[1], member(garbage.bytes()), member(noColon), good[4])

	// Record 2's text has bytes that are not UTF-8.
	bad := conv(2, "Caf\xe9 au lait \xff\xfe costs 3 \x80.")
	write("invalid-utf8.warc.wet.gz", good[0], good[1], member(bad.bytes()), good[3], good[4])

	// A member whose deflate data is damaged between good members.
	damaged := member(conv(2, bodies[1]).bytes())
	for i := 12; i < len(damaged)-8; i++ {
		damaged[i] ^= 0x5a
	}
	write("corrupt-member.warc.wet.gz", good[0], good[1], damaged, good[3], good[4])

	write("empty.warc.wet.gz")
}
