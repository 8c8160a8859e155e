package wikipedia

import (
	"html"
	"net/url"
	"strings"
	"unsafe"
)

// maxURLs bounds the URLs kept per page (a list article may cite
// thousands; the classifier needs which pages are cited, not all of them).
const maxURLs = 4096

// collectURLs gathers the http(s) URLs in a citation or a template's text:
// "{{cite web |url=https://example.org/a |title=...}}" or a bare URL in a
// <ref>. A URL ends at whitespace or at the markup that can follow it.
func (c *Cleaner) collectURLs(s []byte) {
	for i := 0; i < len(s); {
		k := indexFrom(s, i, "://")
		if k < 0 {
			return
		}
		b := k
		for b > 0 && (s[b-1]|0x20 >= 'a' && s[b-1]|0x20 <= 'z') && k-b < 5 {
			b--
		}
		if sc := string(s[b:k]); !strings.EqualFold(sc, "http") && !strings.EqualFold(sc, "https") {
			i = k + 3
			continue
		}
		e := k + 3
		for e < len(s) && isURLByte(s[e]) {
			e++
		}
		c.addURL(string(s[b:e]))
		i = e
	}
}

// isURLByte: the bytes a URL in wikitext runs over (it stops at spaces,
// '|', ']', '}', '<', quotes and brackets).
func isURLByte(b byte) bool {
	switch b {
	case ' ', '\t', '\n', '\r', '|', ']', '[', '}', '{', '<', '>', '"':
		return false
	}
	return true
}

func (c *Cleaner) addURL(raw string) {
	if len(c.urls) >= maxURLs {
		return
	}
	u := NormalizeURL(raw)
	if u == "" || c.seen[u] {
		return
	}
	c.seen[u] = true
	c.urls = append(c.urls, u)
}

// NormalizeURL is the form cited URLs are compared in (LLaMA's reference
// classifier matches CommonCrawl pages against them): HTML entities decoded,
// scheme and host lower-cased, a leading "www." removed, no fragment, no
// trailing slash; protocol-relative "//host" becomes https. It returns ""
// for what is not an http(s) URL with a host.
func NormalizeURL(raw string) string {
	raw = strings.TrimSpace(raw)
	if strings.IndexByte(raw, '&') >= 0 {
		raw = html.UnescapeString(raw)
	}
	raw = strings.TrimRight(raw, ".,;:!?)'")
	if strings.HasPrefix(raw, "//") {
		raw = "https:" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return ""
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" {
		return ""
	}
	u.Host = strings.TrimPrefix(strings.ToLower(u.Host), "www.")
	u.Fragment, u.RawFragment = "", ""
	u.User = nil
	s := u.String()
	s = strings.TrimRight(s, "/")
	if strings.HasSuffix(s, "?") {
		s = strings.TrimSuffix(s, "?")
	}
	return s
}

// unsafeBytes and unsafeString view a string's bytes and a byte slice as a
// string without copying; the callers never modify the bytes nor keep the
// views past the call.
func unsafeBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

func unsafeString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
