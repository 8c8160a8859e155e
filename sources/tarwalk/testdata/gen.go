//go:build ignore

// gen writes the tar fixtures of this folder: go run gen.go. README.md says
// what each holds and what the walker must make of it.
package main

import (
	"archive/tar"
	"bytes"
	"os"
	"strings"
	"time"
)

type member struct {
	name, body string
	format     tar.Format
	dir        bool
}

var mtime = time.Date(2023, 1, 2, 3, 4, 5, 0, time.UTC)

func archive(ms []member) []byte {
	var b bytes.Buffer
	w := tar.NewWriter(&b)
	for _, m := range ms {
		h := &tar.Header{Name: m.name, Mode: 0o644, Size: int64(len(m.body)), ModTime: mtime, Typeflag: tar.TypeReg, Format: m.format}
		if m.dir {
			h.Typeflag, h.Size, h.Mode = tar.TypeDir, 0, 0o755
		}
		if err := w.WriteHeader(h); err != nil {
			panic(err)
		}
		w.Write([]byte(m.body))
	}
	w.Close()
	return b.Bytes()
}

func main() {
	normal := []member{
		{name: "2301/", dir: true},
		{name: "2301/a.txt", body: "alpha\n"},
		{name: "2301/b.txt", body: strings.Repeat("b", 600)}, // two data blocks
		{name: "2301/c.txt", body: ""},
	}
	write("normal.tar", archive(normal))

	long := strings.Repeat("d", 120) + "/" + strings.Repeat("e", 60) + ".txt"
	write("gnu-longname.tar", archive([]member{
		{name: "short.txt", body: "one\n", format: tar.FormatGNU},
		{name: long, body: "two\n", format: tar.FormatGNU},
		{name: "after.txt", body: "three\n", format: tar.FormatGNU},
	}))

	write("pax.tar", archive([]member{
		{name: "ünïcode/名前.txt", body: "pax one\n", format: tar.FormatPAX},
		{name: strings.Repeat("p", 150) + ".txt", body: "pax two\n", format: tar.FormatPAX},
	}))

	// Three members; the second's header block has its checksum broken.
	// Blocks: 0 hdr a, 1 data a, 2 hdr b (bad), 3 data b, 4 hdr c, 5 data c.
	bad := archive([]member{{name: "a.txt", body: "good a\n"}, {name: "b.txt", body: "lost b\n"}, {name: "c.txt", body: "good c\n"}})
	bad[2*512+148] ^= 0x07
	write("corrupt-header.tar", bad)

	// The normal archive cut in the middle of b.txt's data.
	n := archive(normal)
	write("truncated.tar", n[:4*512+100])
}

func write(name string, b []byte) {
	if err := os.WriteFile(name, b, 0o644); err != nil {
		panic(err)
	}
}
