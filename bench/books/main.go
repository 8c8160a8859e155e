// Command books is the near_dedup side of bench/books/run.sh.
//
//	books prepare -dir MIRROR -mb 40 -out books.jsonl   # strip real Gutenberg files into {"id","text"} lines
//	books neardup -in books.jsonl -profile books|datatrove
//
// neardup observes every book (one shard per 64 books, as the build's
// pre-pass does), seals and counts the drops; it prints one line of
// figures and, last, the bytes of text processed (run.sh divides them by
// the CPU seconds /usr/bin/time measured).
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/tokenmill/tokenmill/dedup"
	"github.com/tokenmill/tokenmill/sources/books"
)

type row struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

func main() {
	if len(os.Args) < 2 {
		log.Fatal("usage: books prepare|neardup [flags]")
	}
	switch os.Args[1] {
	case "prepare":
		prepare(os.Args[2:])
	case "neardup":
		neardup(os.Args[2:])
	default:
		log.Fatalf("unknown command %q", os.Args[1])
	}
}

// prepare strips the .txt files under dir, in path order, until mb MB of
// book text, and writes them as JSON lines.
func prepare(args []string) {
	fl := flag.NewFlagSet("prepare", flag.ExitOnError)
	dir := fl.String("dir", "", "folder of Gutenberg .txt files")
	mb := fl.Int("mb", 40, "MB of book text to keep")
	out := fl.String("out", "books.jsonl", "output")
	fl.Parse(args)
	var paths []string
	filepath.WalkDir(*dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".txt") {
			paths = append(paths, p)
		}
		return nil
	})
	sort.Strings(paths)
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	w := bufio.NewWriter(f)
	total, n := 0, 0
	for _, p := range paths {
		if total >= *mb<<20 {
			break
		}
		data, err := os.ReadFile(p)
		if err != nil {
			log.Fatal(err)
		}
		text, _ := books.Decode(data, "")
		b := books.Strip(strings.ReplaceAll(text, "\r\n", "\n"))
		if len(b.Text) < 1000 {
			continue
		}
		rel, _ := filepath.Rel(*dir, p)
		line, _ := json.Marshal(row{rel, b.Text})
		w.Write(line)
		w.WriteByte('\n')
		total += len(b.Text)
		n++
	}
	if err := w.Flush(); err != nil {
		log.Fatal(err)
	}
	f.Close()
	fmt.Fprintf(os.Stderr, "%d books, %.1f MB of text\n", n, float64(total)/1e6)
}

func neardup(args []string) {
	fl := flag.NewFlagSet("neardup", flag.ExitOnError)
	in := fl.String("in", "books.jsonl", "input from prepare")
	profile := fl.String("profile", "books", "books (the recipe's: 50x2, containment 0.9, 1/16 samples) or datatrove (14x8, Jaccard 0.8)")
	workers := fl.Int("workers", 1, "workers verifying pairs at Seal")
	mem := fl.Int64("memory-kb", 1<<20, "memory cap of band records and pairs, KiB")
	list := fl.Bool("list", false, "print the dropped books' IDs to stderr")
	fl.Parse(args)
	o := dedup.NearOptions{Workers: *workers, MemoryBytes: *mem << 10, TempDir: os.TempDir()}
	if *profile == "books" {
		o.Measure, o.Threshold, o.Bands, o.Rows, o.SampleRate = dedup.MeasureContainment, 0.9, 50, 2, 1.0/16
	}
	n, err := dedup.NewNear(o)
	if err != nil {
		log.Fatal(err)
	}
	defer n.Close()
	f, err := os.Open(*in)
	if err != nil {
		log.Fatal(err)
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 256<<20)
	var ids []string
	var bytes int64
	t0 := time.Now()
	for i := 0; sc.Scan(); i++ {
		var r row
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			log.Fatal(err)
		}
		if err := n.Observe(i/64, r.ID, r.Text); err != nil {
			log.Fatal(err)
		}
		ids = append(ids, r.ID)
		bytes += int64(len(r.Text))
	}
	if err := sc.Err(); err != nil {
		log.Fatal(err)
	}
	t1 := time.Now()
	if err := n.Seal(context.Background()); err != nil {
		log.Fatal(err)
	}
	dropped := 0
	for _, id := range ids {
		if dup, _ := n.Duplicate(id); dup {
			dropped++
			if *list {
				fmt.Fprintln(os.Stderr, "dropped", id)
			}
		}
	}
	c := n.Counters()
	fmt.Printf("%s: %d books, %d dropped, %d candidate pairs, %d verified duplicates, %d spills; observe %.1fs, seal %.1fs\n",
		*profile, len(ids), dropped, c["candidate_pairs"], c["duplicate_pairs"], c["spills"], t1.Sub(t0).Seconds(), time.Since(t1).Seconds())
	fmt.Println(bytes)
}
