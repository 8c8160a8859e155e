package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// ErrDigest is wrapped by the error of a download whose sha256 (or size)
// is not the catalogue's or the pinned one.
var ErrDigest = errors.New("models: digest mismatch")

// Cache downloads catalogue models into a folder and finds them there.
type Cache struct {
	// Dir is the cache folder; the files go to Dir/models.
	Dir string
	// Client makes the requests (nil: http.DefaultClient).
	Client *http.Client
	// Progress, when set, receives a line per second of download progress.
	Progress io.Writer
	// Attempts is how many times a dropped download is resumed before
	// Fetch gives up (0: 5).
	Attempts int
	// Now is the clock for progress lines (nil: time.Now).
	Now func() time.Time
}

// DefaultDir is $TOKENMILL_CACHE, else the user cache folder's tokenmill.
func DefaultDir() (string, error) {
	if d := os.Getenv("TOKENMILL_CACHE"); d != "" {
		return d, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("models: no cache folder (set TOKENMILL_CACHE): %w", err)
	}
	return filepath.Join(d, "tokenmill"), nil
}

// NewCache returns the cache in DefaultDir.
func NewCache() (*Cache, error) {
	d, err := DefaultDir()
	if err != nil {
		return nil, err
	}
	return &Cache{Dir: d}, nil
}

// Path returns where m lives in the cache (whether or not it is there).
func (c *Cache) Path(m Model) string { return filepath.Join(c.Dir, "models", m.File) }

// Pin is what the cache knows of a downloaded file.
type Pin struct {
	URL    string `json:"url"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

func (c *Cache) pinsPath() string { return filepath.Join(c.Dir, "models", "pins.json") }

// Pins returns the digests recorded by earlier downloads, by name.
func (c *Cache) Pins() (map[string]Pin, error) {
	b, err := os.ReadFile(c.pinsPath())
	if errors.Is(err, os.ErrNotExist) {
		return map[string]Pin{}, nil
	}
	if err != nil {
		return nil, err
	}
	pins := map[string]Pin{}
	if err := json.Unmarshal(b, &pins); err != nil {
		return nil, fmt.Errorf("models: %s: %w", c.pinsPath(), err)
	}
	return pins, nil
}

func (c *Cache) savePin(name string, p Pin) error {
	pins, err := c.Pins()
	if err != nil {
		return err
	}
	pins[name] = p
	b, _ := json.MarshalIndent(pins, "", "  ")
	tmp := c.pinsPath() + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, c.pinsPath())
}

// expected returns the size and digest a download of m must have: the
// catalogue's, else the pinned ones, else unknown (0, "").
func (c *Cache) expected(m Model) (int64, string, error) {
	if m.SHA256 != "" {
		return m.Size, m.SHA256, nil
	}
	pins, err := c.Pins()
	if err != nil {
		return 0, "", err
	}
	if p, ok := pins[m.Name]; ok && p.URL == m.URL {
		return p.Size, p.SHA256, nil
	}
	return m.Size, "", nil
}

// Resolve returns the cached file of m, or an error that says how to fetch it.
func (c *Cache) Resolve(m Model) (string, error) {
	p := c.Path(m)
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("models: %s is not in the cache %s: run `tokenmill models fetch %s` (%s)", m.Name, c.Dir, m.Name, m.URL)
	}
	return p, nil
}

// Fetch makes sure m is in the cache and returns its path and sha256. A
// partial download is resumed; a file already in place is not downloaded
// again.
func (c *Cache) Fetch(ctx context.Context, m Model) (path, digest string, err error) {
	final := c.Path(m)
	size, want, err := c.expected(m)
	if err != nil {
		return "", "", err
	}
	if _, err := os.Stat(final); err == nil {
		if want != "" {
			return final, want, nil // verified when it was renamed into place
		}
		d, err := fileDigest(final)
		return final, d, err
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
		return "", "", err
	}
	part := final + ".part"
	attempts := c.Attempts
	if attempts <= 0 {
		attempts = 5
	}
	var last error
	for try := 0; try < attempts; try++ {
		if err := ctx.Err(); err != nil {
			return "", "", err
		}
		var done bool
		done, last = c.download(ctx, m, part, size)
		if done {
			break
		}
		if errors.Is(last, ErrDigest) || errors.Is(last, errPermanent) {
			return "", "", last
		}
		if try+1 == attempts {
			return "", "", fmt.Errorf("models: %s: gave up after %d attempts (the partial file %s is kept for the next fetch): %w", m.Name, attempts, part, last)
		}
	}
	got, n, err := fileDigestSize(part)
	if err != nil {
		return "", "", err
	}
	if (size > 0 && n != size) || (want != "" && got != want) {
		os.Remove(part)
		return "", "", fmt.Errorf("%w: %s from %s: got %d bytes with sha256 %s, want %d bytes with sha256 %s (the download was deleted)",
			ErrDigest, m.Name, m.URL, n, got, size, orUnknown(want))
	}
	if want == "" {
		if err := c.savePin(m.Name, Pin{URL: m.URL, Size: n, SHA256: got}); err != nil {
			return "", "", err
		}
	}
	if err := os.Rename(part, final); err != nil {
		return "", "", err
	}
	return final, got, nil
}

func orUnknown(s string) string {
	if s == "" {
		return "(not pinned)"
	}
	return s
}

var errPermanent = errors.New("permanent")

// download appends the rest of m to part, from where it stops, and reports
// whether the file is complete. An error with done false may be retried.
func (c *Cache) download(ctx context.Context, m Model, part string, size int64) (done bool, err error) {
	f, err := os.OpenFile(part, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return false, fmt.Errorf("%w: %v", errPermanent, err)
	}
	defer f.Close()
	have, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return false, err
	}
	if size > 0 && have == size {
		return true, nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, m.URL, nil)
	if err != nil {
		return false, fmt.Errorf("%w: %v", errPermanent, err)
	}
	if have > 0 {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(have, 10)+"-")
	}
	client := c.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	total := int64(-1)
	switch {
	case resp.StatusCode == http.StatusPartialContent && have > 0:
		start, t, ok := parseContentRange(resp.Header.Get("Content-Range"))
		if !ok || start != have {
			// Not the range asked for: start again.
			if err := f.Truncate(0); err != nil {
				return false, err
			}
			return false, fmt.Errorf("models: %s: server answered range %q for bytes=%d-", m.Name, resp.Header.Get("Content-Range"), have)
		}
		total = t
	case resp.StatusCode == http.StatusOK:
		// A full answer (the server ignores ranges): start again.
		if err := f.Truncate(0); err != nil {
			return false, err
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return false, err
		}
		have = 0
		total = resp.ContentLength
	case resp.StatusCode == http.StatusRequestedRangeNotSatisfiable && have > 0:
		return true, nil // the partial file already holds everything
	case resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests:
		return false, fmt.Errorf("models: %s: %s", m.URL, resp.Status)
	default:
		return false, fmt.Errorf("%w: models: %s: %s", errPermanent, m.URL, resp.Status)
	}
	p := &progress{w: c.Progress, name: m.Name, done: have, total: total, now: c.Now}
	_, err = io.Copy(f, io.TeeReader(resp.Body, p))
	p.flush(true)
	if err != nil {
		return false, fmt.Errorf("models: %s: download interrupted after %d bytes: %w", m.Name, p.done, err)
	}
	if total >= 0 && p.done < total {
		return false, fmt.Errorf("models: %s: download stopped at %d of %d bytes", m.Name, p.done, total)
	}
	if err := f.Sync(); err != nil {
		return false, err
	}
	return true, nil
}

// parseContentRange reads "bytes START-END/TOTAL" (TOTAL may be "*").
func parseContentRange(s string) (start, total int64, ok bool) {
	s, ok = strings.CutPrefix(s, "bytes ")
	if !ok {
		return 0, 0, false
	}
	rng, tot, ok := strings.Cut(s, "/")
	if !ok {
		return 0, 0, false
	}
	a, _, ok := strings.Cut(rng, "-")
	if !ok {
		return 0, 0, false
	}
	start, err := strconv.ParseInt(a, 10, 64)
	if err != nil {
		return 0, 0, false
	}
	total = -1
	if tot != "*" {
		if total, err = strconv.ParseInt(tot, 10, 64); err != nil {
			return 0, 0, false
		}
	}
	return start, total, true
}

type progress struct {
	w     io.Writer
	name  string
	done  int64
	total int64
	now   func() time.Time
	last  time.Time
}

func (p *progress) Write(b []byte) (int, error) {
	p.done += int64(len(b))
	p.flush(false)
	return len(b), nil
}

func (p *progress) flush(final bool) {
	if p.w == nil {
		return
	}
	now := time.Now
	if p.now != nil {
		now = p.now
	}
	t := now()
	if !final && t.Sub(p.last) < time.Second {
		return
	}
	p.last = t
	if p.total > 0 {
		fmt.Fprintf(p.w, "%s: %.1f / %.1f MB (%.0f%%)\n", p.name, float64(p.done)/1e6, float64(p.total)/1e6, 100*float64(p.done)/float64(p.total))
	} else {
		fmt.Fprintf(p.w, "%s: %.1f MB\n", p.name, float64(p.done)/1e6)
	}
}

func fileDigest(path string) (string, error) {
	d, _, err := fileDigestSize(path)
	return d, err
}

func fileDigestSize(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}
