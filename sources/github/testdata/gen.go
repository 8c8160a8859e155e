//go:build ignore

// gen writes the github fixtures: the same small export of the three
// github_repos tables in BigQuery's three export formats (testdata/export-*),
// a reshuffled copy of the JSON export, damaged NDJSON shards for the reader
// tests, and the embedded sample (recipes/sample/github). Run it from this
// folder: go run gen.go. The code in it comes from the Go source tree of the
// toolchain that runs it ($(go env GOROOT), BSD-3-Clause, see its LICENSE);
// the planted cases are written here.
package main

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"crypto/sha1"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/klauspost/compress/snappy"
	"github.com/parquet-go/parquet-go"
)

type fileRow struct {
	Repo, Ref, Path, ID string
	Mode                int64
	Symlink             *string
}

type contentRow struct {
	ID      string
	Size    int64
	Content *string
	Binary  bool
	Copies  int64
}

type licenseRow struct{ Repo, License string }

func blob(s string) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(s))
	h.Write([]byte(s))
	return hex.EncodeToString(h.Sum(nil))
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func goroot(p string) string {
	b, err := os.ReadFile(filepath.Join(runtime.GOROOT(), p))
	must(err)
	return string(b)
}

var (
	files    []fileRow
	contents []contentRow
	licenses []licenseRow
	seen     = map[string]bool{}
)

func addContent(text string, binary bool) string {
	id := blob(text)
	if !seen[id] {
		seen[id] = true
		t := text
		contents = append(contents, contentRow{ID: id, Size: int64(len(text)), Content: &t, Binary: binary, Copies: 1})
	}
	return id
}

func addFile(repo, ref, path, text string) {
	files = append(files, fileRow{Repo: repo, Ref: ref, Path: path, ID: addContent(text, false), Mode: 0o100644})
}

func build() {
	const gogo, master = "golang/go", "refs/heads/master"
	licenses = append(licenses, licenseRow{gogo, "bsd-3-clause"}, licenseRow{"mirror/gosort", "mit"},
		licenseRow{"example/gpl-tool", "gpl-3.0"}, licenseRow{"example/assets", "apache-2.0"})
	// Real files of the Go tree.
	for _, p := range []string{"src/cmp/cmp.go", "src/sort/search.go", "src/unicode/utf8/example_test.go",
		"src/make.bash", "src/runtime/cgo/gcc_linux_amd64.c", "src/runtime/cgo/libcgo.h",
		"lib/wasm/wasm_exec.js", "src/runtime/runtime-gdb.py", "LICENSE", "src/cmd/dist/README"} {
		addFile(gogo, master, p, goroot(p))
	}
	// A symlink: git stores the target as the blob.
	target := "../src/cmp/cmp.go"
	files = append(files, fileRow{Repo: gogo, Ref: master, Path: "misc/cmp.go", ID: addContent(target, false), Mode: 0o120000, Symlink: &target})
	// A submodule: the id is a commit, absent from contents.
	files = append(files, fileRow{Repo: gogo, Ref: master, Path: "third_party/tools", ID: "4f4a3c6e0b1d2a9e8c7b6a5f4e3d2c1b0a998877", Mode: 0o160000})
	// The same blob in a second, MIT-licensed repository (exact duplicate).
	addFile("mirror/gosort", "refs/heads/main", "sort/search.go", goroot("src/sort/search.go"))
	// A minified JavaScript line (over 1000 characters).
	var min strings.Builder
	min.WriteString("/*! app v1 | MIT */\n")
	for i := 0; i < 60; i++ {
		fmt.Fprintf(&min, "function f%d(a,b){return a*%d+b}", i, i)
	}
	min.WriteString("\n")
	addFile("mirror/gosort", "refs/heads/main", "dist/app.min.js", min.String())
	// A table with little alphanumeric text.
	addFile("mirror/gosort", "refs/heads/main", "docs/table.md", strings.Repeat("|---|---|---|---|\n| - | + | * | / |\n", 20))
	// Unlicensed and GPL repositories.
	addFile("example/unlicensed", "refs/heads/master", "main.go", "package main\n\nfunc main() { println(\"hello\") }\n")
	addFile("example/gpl-tool", "refs/heads/master", "tool.c", "// SPDX-License-Identifier: GPL-3.0-or-later\n#include <stdio.h>\nint main(void) { puts(\"tool\"); return 0; }\n")
	// A binary blob whose name is on the list (an MPEG transport stream).
	// Bytes under 0x80 only: a STRING column (and so the JSON export) cannot
	// hold invalid UTF-8.
	bin := "G@\x11\x10\x00\x42\x70\x25\x00\x01\x41\x00\x00\x7f\x01\x7f\x00\x01\x7c\x00\x14H\x12\x01\x06FFmpeg\tService01w|C\x0a"
	binID := blob(bin)
	seen[binID] = true
	contents = append(contents, contentRow{ID: binID, Size: int64(len(bin)), Content: &bin, Binary: true, Copies: 1})
	files = append(files, fileRow{Repo: "example/assets", Ref: "refs/heads/main", Path: "media/intro.ts", ID: binID, Mode: 0o100644})
	// A blob over 1 MiB: BigQuery keeps its size but its content is NULL.
	big := strings.Repeat("var x = 1;\n", 1500000/11+1)
	bigID := blob(big)
	contents = append(contents, contentRow{ID: bigID, Size: int64(len(big)), Binary: false, Copies: 1})
	files = append(files, fileRow{Repo: "example/assets", Ref: "refs/heads/main", Path: "vendor/big.js", ID: bigID, Mode: 0o100644})
	// A corrupt row: the id is not the git SHA-1 of the content.
	good := "package corrupt\n\nconst X = 1\n"
	badID := blob(good)
	bad := "package corrupt\n\nconst X = 2\n"
	contents = append(contents, contentRow{ID: badID, Size: int64(len(bad)), Content: &bad, Copies: 1})
	files = append(files, fileRow{Repo: "example/assets", Ref: "refs/heads/main", Path: "src/corrupt.go", ID: badID, Mode: 0o100644})
}

// NDJSON as BigQuery writes it: INT64 as strings, NULL columns omitted,
// columns in schema order.
func jsonFile(r fileRow) string {
	var b bytes.Buffer
	q := func(s string) string { j, _ := json.Marshal(s); return string(j) }
	fmt.Fprintf(&b, `{"repo_name":%s,"ref":%s,"path":%s,"mode":"%d","id":%s`, q(r.Repo), q(r.Ref), q(r.Path), r.Mode, q(r.ID))
	if r.Symlink != nil {
		fmt.Fprintf(&b, `,"symlink_target":%s`, q(*r.Symlink))
	}
	b.WriteString("}\n")
	return b.String()
}

func jsonContent(r contentRow) string {
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"id":"%s","size":"%d"`, r.ID, r.Size)
	if r.Content != nil {
		j, _ := json.Marshal(*r.Content)
		fmt.Fprintf(&b, `,"content":%s`, j)
	}
	fmt.Fprintf(&b, `,"binary":%v,"copies":"%d"}`+"\n", r.Binary, r.Copies)
	return b.String()
}

func jsonLicense(r licenseRow) string {
	return fmt.Sprintf(`{"repo_name":%q,"license":%q}`+"\n", r.Repo, r.License)
}

func gz(path string, lines []string) {
	var b bytes.Buffer
	w, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	for _, l := range lines {
		w.Write([]byte(l))
	}
	must(w.Close())
	must(os.WriteFile(path, b.Bytes(), 0o644))
}

// split deals lines round-robin into n shards.
func split(lines []string, n int) [][]string {
	out := make([][]string, n)
	for i, l := range lines {
		out[i%n] = append(out[i%n], l)
	}
	return out
}

func writeJSON(dir string, shards int, shuffle *rand.Rand) {
	must(os.MkdirAll(dir, 0o755))
	var f, c, l []string
	for _, r := range files {
		f = append(f, jsonFile(r))
	}
	for _, r := range contents {
		c = append(c, jsonContent(r))
	}
	for _, r := range licenses {
		l = append(l, jsonLicense(r))
	}
	if shuffle != nil {
		for _, s := range [][]string{f, c, l} {
			shuffle.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
		}
	}
	for i, s := range split(f, shards) {
		gz(filepath.Join(dir, fmt.Sprintf("files-%012d.json.gz", i)), s)
	}
	for i, s := range split(c, shards) {
		gz(filepath.Join(dir, fmt.Sprintf("contents-%012d.json.gz", i)), s)
	}
	gz(filepath.Join(dir, "licenses-000000000000.json.gz"), l)
}

// Parquet as BigQuery writes it: every column OPTIONAL.
type pqFile struct {
	RepoName      *string `parquet:"repo_name,optional"`
	Ref           *string `parquet:"ref,optional"`
	Path          *string `parquet:"path,optional"`
	Mode          *int64  `parquet:"mode,optional"`
	ID            *string `parquet:"id,optional"`
	SymlinkTarget *string `parquet:"symlink_target,optional"`
}

type pqContent struct {
	ID      *string `parquet:"id,optional"`
	Size    *int64  `parquet:"size,optional"`
	Content *string `parquet:"content,optional"`
	Binary  *bool   `parquet:"binary,optional"`
	Copies  *int64  `parquet:"copies,optional"`
}

type pqLicense struct {
	RepoName *string `parquet:"repo_name,optional"`
	License  *string `parquet:"license,optional"`
}

func writePQ[T any](path string, rows []T) {
	f, err := os.Create(path)
	must(err)
	w := parquet.NewGenericWriter[T](f, parquet.Compression(&parquet.Snappy))
	_, err = w.Write(rows)
	must(err)
	must(w.Close())
	must(f.Close())
}

func writeParquet(dir string) {
	must(os.MkdirAll(dir, 0o755))
	var f []pqFile
	for _, r := range files {
		r := r
		f = append(f, pqFile{&r.Repo, &r.Ref, &r.Path, &r.Mode, &r.ID, r.Symlink})
	}
	var c []pqContent
	for _, r := range contents {
		r := r
		c = append(c, pqContent{&r.ID, &r.Size, r.Content, &r.Binary, &r.Copies})
	}
	var l []pqLicense
	for _, r := range licenses {
		r := r
		l = append(l, pqLicense{&r.Repo, &r.License})
	}
	writePQ(filepath.Join(dir, "files-000000000000.parquet"), f)
	writePQ(filepath.Join(dir, "contents-000000000000.parquet"), c)
	writePQ(filepath.Join(dir, "licenses-000000000000.parquet"), l)
}

// Avro object container files as BigQuery writes them: a record named
// Root, every column a ["null", T] union.
type avroW struct{ b bytes.Buffer }

func (a *avroW) long(v int64) { a.b.Write(binary.AppendVarint(nil, v)) }
func (a *avroW) str(s string) { a.long(int64(len(s))); a.b.WriteString(s) }
func (a *avroW) null()        { a.long(0) }
func (a *avroW) optStr(s *string) {
	if s == nil {
		a.null()
		return
	}
	a.long(1)
	a.str(*s)
}
func (a *avroW) optLong(v int64) { a.long(1); a.long(v) }
func (a *avroW) optBool(v bool) {
	a.long(1)
	if v {
		a.b.WriteByte(1)
	} else {
		a.b.WriteByte(0)
	}
}

func avroSchema(cols [][2]string) string {
	var fs []string
	for _, c := range cols {
		fs = append(fs, fmt.Sprintf(`{"name":%q,"type":["null",%q]}`, c[0], c[1]))
	}
	return `{"type":"record","name":"Root","fields":[` + strings.Join(fs, ",") + `]}`
}

func writeAvro(path, schema, codec string, rows [][]byte, perBlock int) {
	var out avroW
	out.b.WriteString("Obj\x01")
	out.long(2)
	out.str("avro.schema")
	out.str(schema)
	out.str("avro.codec")
	out.str(codec)
	out.long(0)
	sync := []byte("tokenmill-sync16")
	out.b.Write(sync)
	for i := 0; i < len(rows); i += perBlock {
		j := min(i+perBlock, len(rows))
		var blk []byte
		for _, r := range rows[i:j] {
			blk = append(blk, r...)
		}
		switch codec {
		case "deflate":
			var z bytes.Buffer
			w, _ := flate.NewWriter(&z, flate.BestCompression)
			w.Write(blk)
			w.Close()
			blk = z.Bytes()
		case "snappy":
			crc := crc32.ChecksumIEEE(blk)
			blk = binary.BigEndian.AppendUint32(snappy.Encode(nil, blk), crc)
		}
		out.long(int64(j - i))
		out.long(int64(len(blk)))
		out.b.Write(blk)
		out.b.Write(sync)
	}
	must(os.WriteFile(path, out.b.Bytes(), 0o644))
}

func writeAvroExport(dir string) {
	must(os.MkdirAll(dir, 0o755))
	var f, c, l [][]byte
	for _, r := range files {
		var a avroW
		a.optStr(&r.Repo)
		a.optStr(&r.Ref)
		a.optStr(&r.Path)
		a.optLong(r.Mode)
		a.optStr(&r.ID)
		a.optStr(r.Symlink)
		f = append(f, a.b.Bytes())
	}
	for _, r := range contents {
		var a avroW
		a.optStr(&r.ID)
		a.optLong(r.Size)
		a.optStr(r.Content)
		a.optBool(r.Binary)
		a.optLong(r.Copies)
		c = append(c, a.b.Bytes())
	}
	for _, r := range licenses {
		var a avroW
		a.optStr(&r.Repo)
		a.optStr(&r.License)
		l = append(l, a.b.Bytes())
	}
	writeAvro(filepath.Join(dir, "files-000000000000.avro"), avroSchema([][2]string{{"repo_name", "string"}, {"ref", "string"},
		{"path", "string"}, {"mode", "long"}, {"id", "string"}, {"symlink_target", "string"}}), "deflate", f, 4)
	writeAvro(filepath.Join(dir, "contents-000000000000.avro"), avroSchema([][2]string{{"id", "string"}, {"size", "long"},
		{"content", "string"}, {"binary", "boolean"}, {"copies", "long"}}), "snappy", c, 3)
	writeAvro(filepath.Join(dir, "licenses-000000000000.avro"), avroSchema([][2]string{{"repo_name", "string"}, {"license", "string"}}), "null", l, 100)
}

// Damaged NDJSON shards for the row reader's tests.
func writeBroken(dir string) {
	must(os.MkdirAll(dir, 0o755))
	var lines []string
	for _, r := range contents[:4] {
		lines = append(lines, jsonContent(r))
	}
	gz(filepath.Join(dir, "good.json.gz"), lines)
	// A row cut in the middle of the gzip stream.
	b, _ := os.ReadFile(filepath.Join(dir, "good.json.gz"))
	must(os.WriteFile(filepath.Join(dir, "truncated.json.gz"), b[:len(b)*2/3], 0o644))
	// Malformed rows between good ones: bad JSON, a non-integer INT64, no id,
	// blank lines and CRLF line ends.
	bad := []string{lines[0], "{\"id\":\"abc\",\"size\":\n", "\r\n", `{"id":"` + contents[1].ID + `","size":"twelve"}` + "\n",
		`{"size":"1","content":"x"}` + "\n", strings.TrimSuffix(lines[2], "\n") + "\r\n", "\n", lines[3]}
	gz(filepath.Join(dir, "malformed.json.gz"), bad)
	// Two gzip members, as concatenated shards are.
	var m bytes.Buffer
	for _, part := range [][]string{lines[:2], lines[2:]} {
		w := gzip.NewWriter(&m)
		for _, l := range part {
			w.Write([]byte(l))
		}
		w.Close()
	}
	must(os.WriteFile(filepath.Join(dir, "two-members.json.gz"), m.Bytes(), 0o644))
	// Uncompressed, last row without a newline.
	must(os.WriteFile(filepath.Join(dir, "plain-no-final-newline.json"), []byte(strings.Join(lines, "")[:len(strings.Join(lines, ""))-1]), 0o644))
}

func main() {
	build()
	writeJSON("export-json", 2, nil)
	writeJSON("export-json-shuffled", 3, rand.New(rand.NewSource(7)))
	writeParquet("export-parquet")
	writeAvroExport("export-avro")
	writeBroken("ndjson")
	sample := filepath.Join("..", "..", "..", "recipes", "sample", "github")
	must(os.RemoveAll(sample))
	writeJSON(sample, 2, nil)
	fmt.Println("wrote", len(files), "files rows,", len(contents), "contents rows,", len(licenses), "licenses rows;", strconv.Quote(runtime.Version()))
}
