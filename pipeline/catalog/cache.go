package catalog

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/tokenmill/tokenmill/pipeline/storage/atomicfile"
)

// DefaultDir is the cache folder: $TOKENMILL_CACHE, else tokenmill/ under
// the user's cache folder (~/.cache on Linux).
func DefaultDir() (string, error) {
	if d := os.Getenv("TOKENMILL_CACHE"); d != "" {
		return d, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("catalog: no cache folder (set TOKENMILL_CACHE): %w", err)
	}
	return filepath.Join(d, "tokenmill"), nil
}

// Cache downloads entries into Dir.
type Cache struct {
	Dir string
	// Client does the downloads; nil means a client whose dial and
	// response-header waits time out (never the body: models are GBs).
	Client *http.Client
	// Attempts is how many times a file's download is tried, resuming
	// where the last try stopped (0: 6).
	Attempts int
	// IdleTimeout ends an attempt that received nothing for this long
	// (0: one minute).
	IdleTimeout time.Duration
	// Progress, when set, is called as bytes arrive.
	Progress func(file string, done, total int64)

	mu sync.Mutex
}

// Pin is what the cache knows of one downloaded file.
type Pin struct {
	URL    string `json:"url"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
	// ModTime of the verified file: a file with the same size and time is
	// not hashed again on use.
	ModTime time.Time `json:"mod_time"`
}

// Resolved is a fetched entry, as a manifest records it.
type Resolved struct {
	Name  string         `json:"name"`
	Path  string         `json:"-"`
	Files []ResolvedFile `json:"files"`
}

// ResolvedFile is one verified file of a Resolved entry.
type ResolvedFile struct {
	Name   string `json:"name"`
	URL    string `json:"url"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

func (c *Cache) pinsPath() string { return filepath.Join(c.Dir, "pins.json") }

func (c *Cache) loadPins() (map[string]Pin, error) {
	pins := map[string]Pin{}
	b, err := os.ReadFile(c.pinsPath())
	if errors.Is(err, os.ErrNotExist) {
		return pins, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &pins); err != nil {
		return nil, fmt.Errorf("catalog: %s: %w", c.pinsPath(), err)
	}
	return pins, nil
}

func (c *Cache) savePins(pins map[string]Pin) error {
	b, err := json.MarshalIndent(pins, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(c.pinsPath(), 0o644, func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	})
}

// Cached reports whether every file of e is in the cache and matches its
// pin (by size and modification time, as verified when it was fetched).
func (c *Cache) Cached(e Entry) (bool, error) {
	pins, err := c.loadPins()
	if err != nil {
		return false, err
	}
	for _, f := range e.Files {
		if !c.verified(e, f, pins) {
			return false, nil
		}
	}
	return true, nil
}

func (c *Cache) verified(e Entry, f File, pins map[string]Pin) bool {
	p, ok := pins[e.Name+"/"+f.Name]
	if !ok || (f.SHA256 != "" && p.SHA256 != f.SHA256) || (f.Size > 0 && p.Size != f.Size) {
		return false
	}
	st, err := os.Stat(filepath.Join(e.Dir(c.Dir), f.Name))
	return err == nil && st.Size() == p.Size && st.ModTime().Equal(p.ModTime)
}

// Fetch downloads what of e is not in the cache yet, verifies it, and
// returns where it is. A file whose digest the catalogue does not know is
// pinned to the digest of its first download.
func (c *Cache) Fetch(ctx context.Context, e Entry) (*Resolved, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	dir := e.Dir(c.Dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	pins, err := c.loadPins()
	if err != nil {
		return nil, err
	}
	res := &Resolved{Name: e.Name, Path: e.Path(c.Dir)}
	for _, f := range e.Files {
		key := e.Name + "/" + f.Name
		if !c.verified(e, f, pins) {
			want := f.SHA256
			if p, ok := pins[key]; ok && want == "" && p.URL == f.URL {
				want = p.SHA256 // pinned by an earlier download
			}
			pin, err := c.download(ctx, filepath.Join(dir, f.Name), f, want)
			if err != nil {
				return nil, fmt.Errorf("catalog: %s: %s: %w", e.Name, f.URL, err)
			}
			pins[key] = pin
			if err := c.savePins(pins); err != nil {
				return nil, fmt.Errorf("catalog: %w", err)
			}
		}
		p := pins[key]
		res.Files = append(res.Files, ResolvedFile{Name: f.Name, URL: f.URL, Size: p.Size, SHA256: p.SHA256})
	}
	return res, nil
}

// Resolve fetches what a recipe reference (ParseRef) names when it is not
// in the cache yet, and returns the entry and the local path the reference
// stands for.
func (c *Cache) Resolve(ctx context.Context, ref string) (*Resolved, error) {
	e, file, ok := ParseRef(ref)
	if !ok {
		return nil, fmt.Errorf("catalog: no model named %q (tokenmill models list)", ref)
	}
	res, err := c.Fetch(ctx, e)
	if err != nil {
		return nil, err
	}
	if file != "" {
		res.Path = filepath.Join(e.Dir(c.Dir), file)
	}
	return res, nil
}

// errRetry marks a failed attempt that a later one may finish.
type errRetry struct{ err error }

func (e errRetry) Error() string { return e.err.Error() }
func (e errRetry) Unwrap() error { return e.err }

// download brings f to path through path+".part", resuming a part left by
// an earlier attempt or run, and verifies size and digest before the rename.
func (c *Cache) download(ctx context.Context, path string, f File, want string) (Pin, error) {
	part := path + ".part"
	attempts := c.Attempts
	if attempts <= 0 {
		attempts = 6
	}
	var last error
	for i := 0; i < attempts; i++ {
		if i > 0 {
			d := time.Duration(float64(200*time.Millisecond) * float64(int(1)<<min(i-1, 6)) * (0.5 + rand.Float64()))
			select {
			case <-ctx.Done():
				return Pin{}, ctx.Err()
			case <-time.After(d):
			}
		}
		err := c.attempt(ctx, part, f)
		if err == nil {
			last = nil
			break
		}
		last = err
		var r errRetry
		if !errors.As(err, &r) || ctx.Err() != nil {
			return Pin{}, err
		}
	}
	if last != nil {
		return Pin{}, fmt.Errorf("after %d attempts: %w", attempts, last)
	}
	got, size, err := hashFile(part)
	if err != nil {
		return Pin{}, err
	}
	if f.Size > 0 && size != f.Size {
		os.Remove(part)
		os.Remove(part + ".etag")
		return Pin{}, fmt.Errorf("downloaded %d bytes, the catalogue says %d", size, f.Size)
	}
	if want != "" && got != want {
		os.Remove(part)
		os.Remove(part + ".etag")
		return Pin{}, fmt.Errorf("sha256 %s, want %s: the download is damaged or the file changed upstream; nothing was kept", got, want)
	}
	if err := os.Rename(part, path); err != nil {
		return Pin{}, err
	}
	os.Remove(part + ".etag")
	st, err := os.Stat(path)
	if err != nil {
		return Pin{}, err
	}
	return Pin{URL: f.URL, Size: size, SHA256: got, ModTime: st.ModTime()}, nil
}

// attempt fetches the rest of the file into part: a range request from the
// part's size, valid only while the server's ETag is the one the part was
// started with (If-Range); a server that ignores ranges sends it all again.
func (c *Cache) attempt(ctx context.Context, part string, f File) error {
	var off int64
	if st, err := os.Stat(part); err == nil {
		off = st.Size()
	}
	etag, _ := os.ReadFile(part + ".etag")
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.URL, nil)
	if err != nil {
		return err
	}
	if off > 0 && len(etag) > 0 {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(off, 10)+"-")
		req.Header.Set("If-Range", string(etag))
	} else {
		off = 0
	}
	client := c.Client
	if client == nil {
		client = defaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return errRetry{err}
	}
	defer resp.Body.Close()
	var out *os.File
	switch {
	case resp.StatusCode == http.StatusPartialContent && off > 0:
		out, err = os.OpenFile(part, os.O_WRONLY|os.O_APPEND, 0o644)
	case resp.StatusCode == http.StatusOK:
		off = 0
		out, err = os.Create(part)
		if err == nil {
			if et := resp.Header.Get("ETag"); et != "" {
				err = os.WriteFile(part+".etag", []byte(et), 0o644)
			} else {
				os.Remove(part + ".etag")
			}
		}
	case resp.StatusCode == http.StatusRequestedRangeNotSatisfiable && off > 0:
		return nil // the part is already whole; verification decides
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return errRetry{fmt.Errorf("HTTP %s", resp.Status)}
	default:
		return fmt.Errorf("HTTP %s", resp.Status)
	}
	if err != nil {
		return err
	}
	total := int64(-1)
	if resp.ContentLength >= 0 {
		total = off + resp.ContentLength
	}
	// An attempt that receives nothing for IdleTimeout ends (and resumes).
	idle := c.IdleTimeout
	if idle <= 0 {
		idle = time.Minute
	}
	timer := time.AfterFunc(idle, cancel)
	defer timer.Stop()
	buf := make([]byte, 256<<10)
	done := off
	var werr error
	for {
		n, rerr := resp.Body.Read(buf)
		if n > 0 {
			timer.Reset(idle)
			if _, werr = out.Write(buf[:n]); werr != nil {
				break
			}
			done += int64(n)
			if c.Progress != nil {
				c.Progress(f.Name, done, total)
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			werr = errRetry{rerr}
			break
		}
	}
	if cerr := out.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil && total >= 0 && done != total {
		werr = errRetry{fmt.Errorf("connection closed at byte %d of %d", done, total)}
	}
	return werr
}

var defaultClient = &http.Client{Transport: &http.Transport{
	Proxy:                 http.ProxyFromEnvironment,
	DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
	ResponseHeaderTimeout: time.Minute,
	TLSHandshakeTimeout:   30 * time.Second,
	IdleConnTimeout:       90 * time.Second,
}}

func hashFile(path string) (string, int64, error) {
	fh, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer fh.Close()
	h := sha256.New()
	n, err := io.Copy(h, fh)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}
