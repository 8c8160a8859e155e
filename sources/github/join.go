package github

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"

	"github.com/tokenmill/tokenmill/pipeline"
)

// The join runs in two steps.
//
// The prepass reads every shard once (in parallel, one shard per worker at a
// time) and appends each files and contents row to the spill file of its
// hash partition (FNV-1a of the blob id, modulo the partition count) under
// the build's TempDir; contents rows whose id is not the git SHA-1 of their
// content are reported there and never spilled. The licenses table (one
// short row per repository) is held in memory.
//
// Each input is then one partition: its files rows are loaded, its contents
// rows streamed past them, and the joined rows sorted by document ID, so the
// output is the same whatever the order of shards or of rows in them.
// Memory per input is one partition's files rows plus its joined rows; the
// partition count is chosen from the export's size so that this stays under
// the memory budget.

const spillBuf = 32 << 10

// prepared is the prepass of one export at one partition count, shared by
// the inputs of a build (they all need it; the first to arrive makes it).
type prepared struct {
	once     sync.Once
	dir      string
	licenses map[string]string
	err      error
	// skipped holds the rows the prepass skipped. They are reported again by
	// every Open of partition 0, whatever Open ran the prepass: a build may
	// open an input twice (a gatherer's pre-pass, then the real pass) and
	// counts the skips of one of them only.
	skipped []error
	// inMemory: a single partition, whose rows are held in files and
	// contents instead of spilled (the partition count is chosen so that
	// one partition fits the memory budget).
	inMemory bool
	mu       sync.Mutex
	files    []Row
	contents []*Row
}

// exportKey names a prepass: the shards (URL, size, ETag) and the partition
// count.
func exportKey(shards []shard, n int) string {
	h := sha256.New()
	for _, s := range shards {
		fmt.Fprintf(h, "%s\x00%d\x00%s\x00", s.URL, s.Size, s.ETag)
	}
	fmt.Fprintf(h, "n=%d", n)
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// spill appends encoded records to the partition files, buffering per
// partition; it is shared by the prepass workers.
type spill struct {
	dir  string
	kind string // "files" or "contents"
	mu   []sync.Mutex
}

func (s *spill) name(p int) string {
	return filepath.Join(s.dir, fmt.Sprintf("%s-%05d", s.kind, p))
}

func (s *spill) flush(p int, b []byte) error {
	if len(b) == 0 {
		return nil
	}
	s.mu[p].Lock()
	defer s.mu[p].Unlock()
	f, err := os.OpenFile(s.name(p), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func putString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func putBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

func encodeFile(b []byte, r *Row) []byte {
	b = putString(b, r.RepoName)
	b = putString(b, r.Ref)
	b = putString(b, r.Path)
	b = putString(b, r.ID)
	b = putBool(b, r.HasSymlink)
	b = putString(b, r.SymlinkTarget)
	b = putBool(b, r.HasMode)
	return binary.AppendVarint(b, r.Mode)
}

func encodeContent(b []byte, r *Row) []byte {
	b = putString(b, r.ID)
	b = binary.AppendVarint(b, r.Size)
	b = binary.AppendVarint(b, r.Copies)
	b = putBool(b, r.Binary)
	b = putBool(b, r.HasContent)
	return putString(b, r.Content)
}

// spillReader decodes a partition file.
type spillReader struct {
	br  *bufio.Reader
	err error
}

func (s *spillReader) str() string {
	n, err := binary.ReadUvarint(s.br)
	if err != nil {
		s.err = err
		return ""
	}
	if n > 1<<31 {
		s.err = fmt.Errorf("string of %d bytes", n)
		return ""
	}
	if n == 0 {
		return ""
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(s.br, b); err != nil {
		s.err = err
		return ""
	}
	// b is never written again: the string takes it without a copy.
	return unsafe.String(&b[0], len(b))
}

func (s *spillReader) boolean() bool {
	c, err := s.br.ReadByte()
	if err != nil {
		s.err = err
	}
	return c == 1
}

func (s *spillReader) varint() int64 {
	v, err := binary.ReadVarint(s.br)
	if err != nil {
		s.err = err
	}
	return v
}

func (s *spillReader) file(r *Row) bool {
	if _, err := s.br.Peek(1); err != nil {
		return false
	}
	r.reset()
	r.RepoName, r.Ref, r.Path, r.ID = s.str(), s.str(), s.str(), s.str()
	r.HasSymlink = s.boolean()
	r.SymlinkTarget = s.str()
	r.HasMode = s.boolean()
	r.Mode = s.varint()
	return s.err == nil
}

func (s *spillReader) content(r *Row) bool {
	if _, err := s.br.Peek(1); err != nil {
		return false
	}
	r.reset()
	r.ID = s.str()
	r.Size, r.Copies = s.varint(), s.varint()
	r.Binary, r.HasContent = s.boolean(), s.boolean()
	r.Content = s.str()
	return s.err == nil
}

// prepass partitions the export's files and contents rows into n spill
// files each, and loads the licenses.
func (s *Source) prepass(ctx context.Context, fs pipeline.Files, shards []shard, n int, p *prepared, skip pipeline.SkipFunc) error {
	// A prepass killed half-way left appends behind: start over.
	if err := os.RemoveAll(p.dir); err != nil {
		return err
	}
	p.inMemory = n == 1
	if err := os.MkdirAll(p.dir, 0o755); err != nil {
		return err
	}
	// Licenses: one row per repository in the real table; were a repository
	// listed twice, the smallest licence name wins, whatever the order.
	p.licenses = map[string]string{}
	for _, sh := range shards {
		if sh.Table != TableLicenses {
			continue
		}
		if err := eachRow(ctx, fs, sh, p.dir, skip, func(r *Row) error {
			if old, ok := p.licenses[r.RepoName]; !ok || r.License < old {
				p.licenses[r.RepoName] = r.License
			}
			return nil
		}); err != nil {
			return err
		}
	}
	sp := map[Table]*spill{
		TableFiles:    {dir: p.dir, kind: "files", mu: make([]sync.Mutex, n)},
		TableContents: {dir: p.dir, kind: "contents", mu: make([]sync.Mutex, n)},
	}
	work := make(chan shard)
	errs := make(chan error, s.workers)
	var wg sync.WaitGroup
	for w := 0; w < s.workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			bufs := make([][]byte, n)
			for sh := range work {
				out := sp[sh.Table]
				enc := encodeFile
				if sh.Table == TableContents {
					enc = encodeContent
				}
				err := eachRow(ctx, fs, sh, p.dir, skip, func(r *Row) error {
					if p.inMemory {
						// One partition, sized to the memory budget: keep the
						// rows as they are, no spill to write and read back.
						c := *r
						p.mu.Lock()
						if sh.Table == TableFiles {
							p.files = append(p.files, c)
						} else {
							p.contents = append(p.contents, &c)
						}
						p.mu.Unlock()
						return nil
					}
					q := partitionOf(r.ID, n)
					bufs[q] = enc(bufs[q], r)
					if len(bufs[q]) >= spillBuf {
						if err := out.flush(q, bufs[q]); err != nil {
							return err
						}
						bufs[q] = bufs[q][:0]
					}
					return nil
				})
				for q := range bufs {
					if err == nil {
						err = out.flush(q, bufs[q])
					}
					bufs[q] = bufs[q][:0]
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	var ferr error
feed:
	for _, sh := range shards {
		if sh.Table == TableLicenses {
			continue
		}
		select {
		case work <- sh:
		case ferr = <-errs:
			break feed
		case <-ctx.Done():
			ferr = ctx.Err()
			break feed
		}
	}
	close(work)
	wg.Wait()
	close(errs)
	if ferr != nil {
		return ferr
	}
	for err := range errs {
		return err
	}
	return nil
}

// eachRow calls fn for every good row of a shard. A shard that cannot be
// opened because it is malformed is reported and skipped.
func eachRow(ctx context.Context, fs pipeline.Files, sh shard, tmp string, skip pipeline.SkipFunc, fn func(*Row) error) error {
	rr, err := openShard(ctx, fs, sh, tmp, skip)
	if err != nil {
		if errors.Is(err, pipeline.ErrCorrupt) {
			if skip != nil {
				skip(&pipeline.RecordError{Path: sh.URL, Record: "0", Err: err})
			}
			return nil
		}
		return err
	}
	var r Row
	for rr.Next(&r) {
		if err := ctx.Err(); err != nil {
			rr.Close()
			return err
		}
		if err := fn(&r); err != nil {
			rr.Close()
			return err
		}
	}
	return rr.Close()
}

// joined is one files row with its blob's contents row, if any.
type joined struct {
	id         string // document ID
	file       Row
	license    string
	hasLicense bool
	content    *Row // nil: no contents row for the blob
}

// joinPartition joins partition q: files rows with their contents row and
// licence, sorted by document ID (then blob id, for the rare re-export that
// lists one path twice, of which the first is kept).
func joinPartition(p *prepared, q int) ([]joined, error) {
	byBlob := map[string][]int{}
	var out []joined
	addFile := func(r Row) {
		j := joined{id: DocID(r.RepoName, r.Ref, r.Path), file: r}
		j.license, j.hasLicense = p.licenses[r.RepoName]
		byBlob[r.ID] = append(byBlob[r.ID], len(out))
		out = append(out, j)
	}
	addContent := func(c *Row) {
		for _, i := range byBlob[c.ID] {
			if out[i].content == nil {
				out[i].content = c
			}
		}
	}
	if p.inMemory {
		for _, r := range p.files {
			addFile(r)
		}
		for _, c := range p.contents {
			addContent(c)
		}
	} else {
		f, err := os.Open(filepath.Join(p.dir, fmt.Sprintf("files-%05d", q)))
		if err == nil {
			sr := &spillReader{br: bufio.NewReaderSize(f, 256<<10)}
			var r Row
			for sr.file(&r) {
				addFile(r)
			}
			f.Close()
			if sr.err != nil && sr.err != io.EOF {
				return nil, fmt.Errorf("github spill files-%05d: %w", q, sr.err)
			}
		} else if !os.IsNotExist(err) {
			return nil, err
		}
		f, err = os.Open(filepath.Join(p.dir, fmt.Sprintf("contents-%05d", q)))
		if err == nil {
			sr := &spillReader{br: bufio.NewReaderSize(f, 256<<10)}
			for {
				c := new(Row)
				if !sr.content(c) {
					break
				}
				addContent(c)
			}
			f.Close()
			if sr.err != nil && sr.err != io.EOF {
				return nil, fmt.Errorf("github spill contents-%05d: %w", q, sr.err)
			}
		} else if !os.IsNotExist(err) {
			return nil, err
		}
	}
	sort.Slice(out, func(a, b int) bool {
		if out[a].id != out[b].id {
			return out[a].id < out[b].id
		}
		return out[a].file.ID < out[b].file.ID
	})
	// One document per ID.
	k := 0
	for i := range out {
		if i > 0 && out[i].id == out[k-1].id {
			continue
		}
		out[k] = out[i]
		k++
	}
	return out[:k], nil
}

// BlobDoc is the document of a files row joined with its content (in
// r.Content) and licence, for readers of a join made elsewhere (BigQuery):
// the content must hash to the blob id.
func BlobDoc(source string, r Row) (*pipeline.Doc, error) {
	if got := blobID(r.Content); got != r.ID {
		return nil, pipeline.Corruptf("github-blob-sha1", "blob %s: content hashes to %s", r.ID, got)
	}
	c := r
	j := joined{id: DocID(r.RepoName, r.Ref, r.Path), file: r, license: r.License, hasLicense: true, content: &c}
	return j.doc(source), nil
}

// doc turns a joined row into a document.
func (j *joined) doc(source string) *pipeline.Doc {
	f := &j.file
	d := &pipeline.Doc{ID: j.id, Source: source, URL: FileURL(f.RepoName, f.Ref, f.Path)}
	d.SetMeta("repo", f.RepoName)
	d.SetMeta("ref", f.Ref)
	d.SetMeta("path", f.Path)
	d.SetMeta("blob", f.ID)
	if j.hasLicense {
		d.SetMeta("license", j.license)
	}
	if lang := Language(f.Path); lang != "" {
		d.SetMeta("language", lang)
	}
	if f.HasMode {
		d.SetMeta("mode", strconv.FormatInt(f.Mode, 8))
	}
	switch {
	case f.HasSymlink || f.Mode == modeSymlink:
		d.SetMeta("kind", "symlink")
	case f.Mode == modeSubmodule:
		d.SetMeta("kind", "submodule")
	}
	switch {
	case j.content == nil:
		d.SetMeta("content", "missing")
	case !j.content.HasContent:
		d.SetMeta("content", "null")
	case j.content.Binary:
		d.SetMeta("content", "binary")
	default:
		d.Text = j.content.Content
		if !utf8.ValidString(d.Text) {
			// Avro and Parquet strings are not checked by their writers.
			d.Text = strings.ToValidUTF8(d.Text, "\uFFFD")
			d.SetMeta("repaired_utf8", "true")
		}
	}
	return d
}
