package service

import (
	"bufio"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"io"
	"net/http"
	"strings"
)

// authenticator checks bearer tokens. It keeps the tokens' SHA-256 and
// compares digests in constant time against every token, so neither the
// comparison nor the number of tokens tried leaks how much of a guess was
// right.
type authenticator struct {
	sums [][32]byte
}

func newAuthenticator(tokens []string) (*authenticator, error) {
	a := &authenticator{}
	for _, t := range tokens {
		if t = strings.TrimSpace(t); t != "" {
			a.sums = append(a.sums, sha256.Sum256([]byte(t)))
		}
	}
	if len(a.sums) == 0 {
		return nil, errors.New("service: no bearer token configured (a server without tokens would be open to anyone)")
	}
	return a, nil
}

// ReadTokens reads tokens one per line; blank lines and lines starting
// with # are skipped.
func ReadTokens(r io.Reader) ([]string, error) {
	var out []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		t := strings.TrimSpace(sc.Text())
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		out = append(out, t)
	}
	return out, sc.Err()
}

// SplitTokens splits the TOKENMILL_TOKENS variable: tokens separated by
// commas, spaces or newlines.
func SplitTokens(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' || r == '\r' })
}

func (a *authenticator) ok(r *http.Request) bool {
	h := r.Header.Get("Authorization")
	scheme, tok, found := strings.Cut(h, " ")
	if !found || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return false
	}
	sum := sha256.Sum256([]byte(strings.TrimSpace(tok)))
	match := 0
	for i := range a.sums {
		match |= subtle.ConstantTimeCompare(sum[:], a.sums[i][:])
	}
	return match == 1
}
