// Command github is the side-by-side benchmark of the github chain
// (bench/github/run.sh drives it).
//
//	github gen -root DIR -mb N -out DIR   export (three tables) + joined rows for the peer
//	github run -in DIR                    reader + join + code_files + dedup + code_headers + code_quality
//
// gen makes an export of the three github_repos tables from the files of a
// source tree (the Go tree by default: BSD-3-Clause), as BigQuery writes
// NDJSON gzip shards, under two repositories (the second holds every fifth
// file again: exact duplicates) plus an unlicensed one; it also writes the
// joined rows (repo_name, ref, path, license, content) that RedPajama's
// scripts read, as the BigQuery query of RedPajama exported them, licence
// filter applied. run prints the content bytes it read on its last line.
package main

import (
	"bufio"
	"compress/gzip"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"github.com/tokenmill/tokenmill/dedup"
	"github.com/tokenmill/tokenmill/filters/heuristics"
	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/sources/github"
	"github.com/tokenmill/tokenmill/stages/codeheader"
)

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

type shardW struct {
	f  *os.File
	gz *gzip.Writer
	w  *bufio.Writer
}

func newShard(path string) *shardW {
	f, err := os.Create(path)
	must(err)
	gz, _ := gzip.NewWriterLevel(f, 6)
	return &shardW{f: f, gz: gz, w: bufio.NewWriterSize(gz, 1<<20)}
}

func (s *shardW) line(v any) {
	b, err := json.Marshal(v)
	must(err)
	s.w.Write(b)
	s.w.WriteByte('\n')
}

func (s *shardW) close() {
	must(s.w.Flush())
	must(s.gz.Close())
	must(s.f.Close())
}

func gen(root string, mb int, out string) {
	must(os.MkdirAll(filepath.Join(out, "export"), 0o755))
	must(os.MkdirAll(filepath.Join(out, "peer"), 0o755))
	var paths []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			paths = append(paths, p)
		}
		return nil
	})
	sort.Strings(paths)
	const shards = 4
	var files, contents [shards]*shardW
	for i := range shards {
		files[i] = newShard(filepath.Join(out, "export", fmt.Sprintf("files-%012d.json.gz", i)))
		contents[i] = newShard(filepath.Join(out, "export", fmt.Sprintf("contents-%012d.json.gz", i)))
	}
	lic := newShard(filepath.Join(out, "export", "licenses-000000000000.json.gz"))
	lic.line(map[string]string{"repo_name": "golang/go", "license": "bsd-3-clause"})
	lic.line(map[string]string{"repo_name": "mirror/go", "license": "mit"})
	lic.close()
	peer := newShard(filepath.Join(out, "peer", "rows-000000000000.json.gz"))
	var total int64
	seen := map[string]bool{}
	for i, p := range paths {
		if total >= int64(mb)<<20 {
			break
		}
		b, err := os.ReadFile(p)
		if err != nil || len(b) > 1<<20 || !utf8Valid(b) {
			continue
		}
		rel, _ := filepath.Rel(root, p)
		content := string(b)
		id := gitBlob(content)
		k := i % shards
		if !seen[id] {
			seen[id] = true
			contents[k].line(map[string]any{"id": id, "size": fmt.Sprint(len(b)), "content": content, "binary": false, "copies": "1"})
		}
		repos := []string{"golang/go"}
		if i%5 == 0 {
			repos = append(repos, "mirror/go")
		}
		if i%7 == 0 {
			repos = append(repos, "someone/unlicensed")
		}
		for _, repo := range repos {
			files[k].line(map[string]any{"repo_name": repo, "ref": "refs/heads/master", "path": rel, "mode": "33188", "id": id})
			total += int64(len(b))
			if repo != "someone/unlicensed" {
				// RedPajama's query output: licence filter applied in BigQuery.
				lic := map[string]string{"golang/go": "bsd-3-clause", "mirror/go": "mit"}[repo]
				peer.line(map[string]any{"repo_name": repo, "ref": "refs/heads/master", "path": rel, "license": lic,
					"size": len(b), "content": content})
			}
		}
	}
	for i := range shards {
		files[i].close()
		contents[i].close()
	}
	peer.close()
	fmt.Printf("export: %d MB of content in files rows\n", total>>20)
}

func utf8Valid(b []byte) bool { return strings.ToValidUTF8(string(b), "\uFFFD") == string(b) }

func gitBlob(s string) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(s))
	h.Write([]byte(s))
	return hex.EncodeToString(h.Sum(nil))
}

func run(in string) {
	ctx := context.Background()
	tmp, err := os.MkdirTemp("", "ghbench")
	must(err)
	defer os.RemoveAll(tmp)
	src := github.New("github", 1, 0, runtime.GOMAXPROCS(0), tmp)
	stores := pipeline.NewStores()
	ins, err := src.Inputs(ctx, stores, []string{in})
	must(err)
	files := heuristics.NewCodeFiles(heuristics.LLaMALicenses, heuristics.RedPajamaExtensions)
	hdr := &codeheader.Step{}
	q := &heuristics.CodeQuality{MaxLine: 1000, MaxMeanLine: 100, MinAlnum: 0.25, MinAlphaPerToken: 1.5}
	// Exact dedup on the content, as doc_dedup {key: blob} does it (first in
	// ID order).
	docs := dedup.NewDocs(dedup.Options{TempDir: tmp})
	var kept []*pipeline.Doc
	var bytesIn int64
	drops := map[string]int{}
	for _, input := range ins {
		r, err := src.Open(ctx, stores, input, nil)
		must(err)
		for r.Next() {
			d := r.Doc()
			bytesIn += int64(len(d.Text))
			if drop, _ := files.Process(d); drop != "" {
				drops[drop]++
				continue
			}
			must(docs.ObserveKey(0, d.ID, dedup.BlobKey(d)))
			kept = append(kept, d)
		}
		must(r.Close())
	}
	must(docs.Seal(ctx))
	out := 0
	for _, d := range kept {
		if dup, _ := docs.DuplicateKey(d.ID, dedup.BlobKey(d)); dup {
			drops["doc_dedup:duplicate"]++
			continue
		}
		hdr.Process(d)
		if drop, _ := q.Process(d); drop != "" {
			drops[drop]++
			continue
		}
		out++
	}
	fmt.Fprintf(os.Stderr, "ours: %d docs kept, drops %v\n", out, drops)
	fmt.Println(bytesIn)
}

func main() {
	if len(os.Args) < 2 {
		must(fmt.Errorf("usage: github gen|run ..."))
	}
	fl := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	root := fl.String("root", filepath.Join(runtime.GOROOT(), "src"), "source tree to export")
	mb := fl.Int("mb", 40, "MB of content in files rows")
	out := fl.String("out", "", "output folder")
	in := fl.String("in", "", "export folder")
	fl.Parse(os.Args[2:])
	switch os.Args[1] {
	case "gen":
		gen(*root, *mb, *out)
	case "run":
		run(*in)
	default:
		must(fmt.Errorf("unknown command %q", os.Args[1]))
	}
}
