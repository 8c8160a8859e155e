package models

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// server serves blob at /blob with range requests (http.ServeContent). The
// first drops requests end the connection after cut bytes of the body.
type server struct {
	mu       sync.Mutex
	blob     []byte
	drops    int
	cut      int
	noRanges bool
	ranges   []string // the Range header of each request
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.ranges = append(s.ranges, r.Header.Get("Range"))
	drop := s.drops > 0
	if drop {
		s.drops--
	}
	blob, cut, noRanges := s.blob, s.cut, s.noRanges
	s.mu.Unlock()
	if noRanges {
		r.Header.Del("Range")
	}
	if drop {
		// Announce everything that is left, send cut bytes, then cut the
		// connection, as a dropped download does.
		start := 0
		if rg := r.Header.Get("Range"); rg != "" {
			fmt.Sscanf(rg, "bytes=%d-", &start)
			w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, len(blob)-1, len(blob)))
			w.Header().Set("Content-Length", fmt.Sprint(len(blob)-start))
			w.WriteHeader(http.StatusPartialContent)
		} else {
			w.Header().Set("Content-Length", fmt.Sprint(len(blob)))
			w.WriteHeader(http.StatusOK)
		}
		w.Write(blob[start : start+cut])
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler)
	}
	http.ServeContent(w, r, "blob", time.Time{}, bytes.NewReader(blob))
}

func newServer(t *testing.T, n int) (*server, *httptest.Server, string) {
	blob := make([]byte, n)
	rand.New(rand.NewSource(1)).Read(blob)
	s := &server{blob: blob}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	sum := sha256.Sum256(blob)
	return s, ts, hex.EncodeToString(sum[:])
}

func testModel(ts *httptest.Server, digest string, size int64) Model {
	return Model{Name: "test:blob", URL: ts.URL + "/blob", File: "blob.bin", SHA256: digest, Size: size}
}

func entries(t *testing.T, dir string) []string {
	t.Helper()
	des, _ := os.ReadDir(filepath.Join(dir, "models"))
	var names []string
	for _, d := range des {
		names = append(names, d.Name())
	}
	return names
}

// TestFetchResumesAfterDrop: the connection drops twice mid-body; Fetch
// resumes each time with a range request from the byte it stopped at, and
// the file that lands under the final name is the whole, verified blob.
func TestFetchResumesAfterDrop(t *testing.T) {
	s, ts, digest := newServer(t, 300_000)
	s.drops, s.cut = 2, 100_000
	var prog bytes.Buffer
	c := &Cache{Dir: t.TempDir(), Progress: &prog}
	path, got, err := c.Fetch(context.Background(), testModel(ts, digest, 300_000))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if got != digest || !bytes.Equal(b, s.blob) || path != filepath.Join(c.Dir, "models", "blob.bin") {
		t.Fatalf("path %s digest %s, %d bytes", path, got, len(b))
	}
	if want := []string{"", "bytes=100000-", "bytes=200000-"}; fmt.Sprint(s.ranges) != fmt.Sprint(want) {
		t.Errorf("ranges %q, want %q", s.ranges, want)
	}
	if n := entries(t, c.Dir); len(n) != 1 || n[0] != "blob.bin" {
		t.Errorf("cache holds %v", n)
	}
	if !strings.Contains(prog.String(), "test:blob: 0.3 / 0.3 MB (100%)") {
		t.Errorf("progress:\n%s", prog.String())
	}
	// Fetched again: nothing is downloaded.
	if _, _, err := c.Fetch(context.Background(), testModel(ts, digest, 300_000)); err != nil || len(s.ranges) != 3 {
		t.Errorf("second fetch: %v, %d requests", err, len(s.ranges))
	}
}

// TestFetchWrongDigest: a download whose sha256 is not the catalogue's is
// deleted and reported; nothing is left under the final name.
func TestFetchWrongDigest(t *testing.T) {
	_, ts, _ := newServer(t, 50_000)
	c := &Cache{Dir: t.TempDir()}
	wrong := strings.Repeat("0", 64)
	_, _, err := c.Fetch(context.Background(), testModel(ts, wrong, 0))
	if !errors.Is(err, ErrDigest) || !strings.Contains(err.Error(), wrong) {
		t.Fatalf("got %v", err)
	}
	if n := entries(t, c.Dir); len(n) != 0 {
		t.Errorf("cache holds %v", n)
	}
	// A wrong size is caught too.
	_, ts2, digest := newServer(t, 50_000)
	if _, _, err := c.Fetch(context.Background(), testModel(ts2, digest, 49_999)); !errors.Is(err, ErrDigest) {
		t.Errorf("wrong size: %v", err)
	}
}

// TestFetchPins: a model without a known digest is pinned on its first
// download; a later download with other bytes is refused.
func TestFetchPins(t *testing.T) {
	s, ts, digest := newServer(t, 20_000)
	c := &Cache{Dir: t.TempDir()}
	m := testModel(ts, "", 0)
	path, got, err := c.Fetch(context.Background(), m)
	if err != nil || got != digest {
		t.Fatalf("%v %s", err, got)
	}
	pins, _ := c.Pins()
	if p := pins["test:blob"]; p.SHA256 != digest || p.Size != 20_000 || p.URL != m.URL {
		t.Errorf("pins %+v", pins)
	}
	os.Remove(path)
	s.mu.Lock()
	s.blob = append([]byte(nil), s.blob...)
	s.blob[7] ^= 1
	s.mu.Unlock()
	if _, _, err := c.Fetch(context.Background(), m); !errors.Is(err, ErrDigest) {
		t.Errorf("changed file: %v", err)
	}
}

// TestFetchServerWithoutRanges: a server that answers a range request
// with the whole file makes the download start again, not append.
func TestFetchServerWithoutRanges(t *testing.T) {
	s, ts, digest := newServer(t, 40_000)
	s.drops, s.cut, s.noRanges = 1, 10_000, true
	c := &Cache{Dir: t.TempDir()}
	path, _, err := c.Fetch(context.Background(), testModel(ts, digest, 40_000))
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); !bytes.Equal(b, s.blob) {
		t.Error("wrong bytes")
	}
}

// TestFetchGivesUpKeepsPartial: after too many drops Fetch fails and keeps
// the partial file (never under the final name); the next Fetch resumes it.
func TestFetchGivesUpKeepsPartial(t *testing.T) {
	s, ts, digest := newServer(t, 30_000)
	s.drops, s.cut = 2, 5_000
	c := &Cache{Dir: t.TempDir(), Attempts: 2}
	m := testModel(ts, digest, 30_000)
	if _, _, err := c.Fetch(context.Background(), m); err == nil || !strings.Contains(err.Error(), "gave up after 2 attempts") {
		t.Fatalf("got %v", err)
	}
	if n := entries(t, c.Dir); len(n) != 1 || n[0] != "blob.bin.part" {
		t.Fatalf("cache holds %v", n)
	}
	if _, err := c.Resolve(m); err == nil || !strings.Contains(err.Error(), "tokenmill models fetch test:blob") {
		t.Errorf("Resolve of a partial download: %v", err)
	}
	path, _, err := c.Fetch(context.Background(), m)
	if err != nil || s.ranges[2] != "bytes=10000-" {
		t.Fatalf("%v, ranges %q", err, s.ranges)
	}
	if p, err := c.Resolve(m); err != nil || p != path {
		t.Errorf("Resolve: %s %v", p, err)
	}
}

func TestNotFound(t *testing.T) {
	ts := httptest.NewServer(http.NotFoundHandler())
	defer ts.Close()
	c := &Cache{Dir: t.TempDir()}
	_, _, err := c.Fetch(context.Background(), testModel(ts, "", 0))
	if err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("got %v", err)
	}
}

func TestDefaultDir(t *testing.T) {
	t.Setenv("TOKENMILL_CACHE", "/x/y")
	if d, err := DefaultDir(); d != "/x/y" || err != nil {
		t.Errorf("%s %v", d, err)
	}
	t.Setenv("TOKENMILL_CACHE", "")
	if d, err := DefaultDir(); err == nil && filepath.Base(d) != "tokenmill" {
		t.Errorf("%s", d)
	}
}
