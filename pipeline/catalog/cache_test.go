package catalog

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// blobServer serves named blobs with ETags and range requests
// (http.ServeContent). cut makes the next plain or range response of a blob
// stop after that many body bytes and drop the connection.
type blobServer struct {
	mu     sync.Mutex
	blobs  map[string][]byte
	cut    map[string]int
	ranges []string // Range headers seen
	*httptest.Server
}

func newBlobServer(t *testing.T) *blobServer {
	s := &blobServer{blobs: map[string][]byte{}, cut: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		b, ok := s.blobs[r.URL.Path]
		cut, cutOK := s.cut[r.URL.Path]
		delete(s.cut, r.URL.Path)
		s.ranges = append(s.ranges, r.Header.Get("Range"))
		s.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		sum := sha256.Sum256(b)
		w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:8])+`"`)
		if cutOK {
			w.Header().Set("Content-Length", strconv.Itoa(len(b)))
			w.WriteHeader(http.StatusOK)
			w.Write(b[:cut])
			w.(http.Flusher).Flush()
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(b))
	}))
	t.Cleanup(s.Close)
	return s
}

func itoa(n int) string { return strings.TrimSpace(strings.Repeat(" ", 0) + fmtInt(n)) }

func fmtInt(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func digest(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func payload(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

// TestFetchResumes: a connection dropped mid-body is resumed with a range
// request from the byte it stopped at, and the file appears whole and
// verified; a second fetch downloads nothing.
func TestFetchResumes(t *testing.T) {
	srv := newBlobServer(t)
	data := payload(3 << 20)
	srv.blobs["/m/model.bin"] = data
	srv.cut["/m/model.bin"] = 1 << 20
	c := &Cache{Dir: t.TempDir()}
	var last int64
	c.Progress = func(_ string, done, total int64) { last = done }
	e := Entry{Name: "test:m", Files: []File{{Name: "model.bin", URL: srv.URL + "/m/model.bin", Size: int64(len(data)), SHA256: digest(data)}}}
	res, err := c.Fetch(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(res.Path)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("cached file differs (%v)", err)
	}
	if res.Path != filepath.Join(c.Dir, "test", "m", "model.bin") {
		t.Errorf("path %s", res.Path)
	}
	if len(srv.ranges) != 2 || srv.ranges[0] != "" || srv.ranges[1] != "bytes=1048576-" {
		t.Errorf("requests' Range headers %q, want a plain request then bytes=1048576-", srv.ranges)
	}
	if last != int64(len(data)) {
		t.Errorf("progress ended at %d", last)
	}
	if ok, err := c.Cached(e); !ok || err != nil {
		t.Errorf("Cached = %v, %v", ok, err)
	}
	if _, err := c.Fetch(context.Background(), e); err != nil || len(srv.ranges) != 2 {
		t.Errorf("a second fetch requested again (%d requests, %v)", len(srv.ranges), err)
	}
	if m, _ := filepath.Glob(filepath.Join(c.Dir, "test", "m", "*.part*")); len(m) != 0 {
		t.Errorf("leftovers %v", m)
	}
}

// TestFetchWrongDigest: a download whose digest is not the catalogue's is
// an error, and nothing is left under the final name or as a part.
func TestFetchWrongDigest(t *testing.T) {
	srv := newBlobServer(t)
	srv.blobs["/x"] = payload(1000)
	c := &Cache{Dir: t.TempDir(), Attempts: 2}
	e := Entry{Name: "x", Files: []File{{Name: "x.bin", URL: srv.URL + "/x", SHA256: digest([]byte("other"))}}}
	_, err := c.Fetch(context.Background(), e)
	if err == nil || !strings.Contains(err.Error(), "sha256") || !strings.Contains(err.Error(), srv.URL+"/x") {
		t.Fatalf("got %v, want a digest error naming the URL", err)
	}
	if m, _ := filepath.Glob(filepath.Join(c.Dir, "x", "*")); len(m) != 0 {
		t.Errorf("left %v", m)
	}
	// A missing file is an HTTP error, not retried forever.
	e.Files[0].URL = srv.URL + "/missing"
	if _, err := c.Fetch(context.Background(), e); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("missing: %v", err)
	}
}

// TestFetchPins: a file without a published digest is pinned on its first
// download; when the file changes upstream a later download is refused.
func TestFetchPins(t *testing.T) {
	srv := newBlobServer(t)
	v1 := payload(5000)
	srv.blobs["/lm"] = v1
	c := &Cache{Dir: t.TempDir(), Attempts: 1}
	e := Entry{Name: "lm", Files: []File{{Name: "lm.bin", URL: srv.URL + "/lm"}}}
	res, err := c.Fetch(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	if res.Files[0].SHA256 != digest(v1) || res.Files[0].Size != 5000 {
		t.Fatalf("resolved %+v", res.Files[0])
	}
	srv.blobs["/lm"] = append(payload(4999), 1)
	os.Remove(res.Path)
	if ok, _ := c.Cached(e); ok {
		t.Fatal("a removed file counts as cached")
	}
	if _, err := c.Fetch(context.Background(), e); err == nil || !strings.Contains(err.Error(), digest(v1)) {
		t.Fatalf("changed upstream: got %v, want the pinned digest named", err)
	}
}

func TestCatalogue(t *testing.T) {
	names := map[string]bool{}
	for _, e := range Entries() {
		if names[e.Name] {
			t.Errorf("%s twice", e.Name)
		}
		names[e.Name] = true
		if len(e.Files) == 0 || e.Doc == "" || e.License == "" {
			t.Errorf("%s: incomplete %+v", e.Name, e)
		}
		for _, f := range e.Files {
			if !strings.HasPrefix(f.URL, "http") || (f.SHA256 != "" && len(f.SHA256) != 64) {
				t.Errorf("%s: %+v", e.Name, f)
			}
		}
	}
	for _, n := range []string{"ccnet:en", "ccnet:de", "ccnet-cutoffs", "lid176", "llama-tokenizer"} {
		if !IsName(n) {
			t.Errorf("%s is not a catalogue name", n)
		}
	}
	for _, n := range []string{"ccnet:en/en.sp.model", "ccnet:en/en.arpa.bin", "lid176/lid.176.bin"} {
		if !IsName(n) {
			t.Errorf("%s is not a catalogue reference", n)
		}
	}
	for _, n := range []string{"ccnet:sv", "en.arpa.bin", "models/lid176", "embed://sample/lm.arpa.gz", "ccnet:en/de.sp.model", "lid176/x"} {
		if IsName(n) {
			t.Errorf("%s taken for a catalogue name", n)
		}
	}
	e, _ := Lookup("ccnet:en")
	if e.Path("/c") != "/c/ccnet/en" || e.Files[0].URL != "http://dl.fbaipublicfiles.com/cc_net/lm/en.arpa.bin" {
		t.Errorf("ccnet:en: %s %+v", e.Path("/c"), e.Files)
	}
}
