package github

import (
	"encoding/json"
	"testing"
)

// FuzzDecodeRow compares the row decoder with encoding/json: what it
// accepts is valid JSON, and its strings are what encoding/json decodes.
func FuzzDecodeRow(f *testing.F) {
	for _, s := range []string{
		`{"id":"abc","content":"a\nb\u00e9\ud83d\ude00\ud800x\"\\\/","size":"12","binary":false}`,
		`{"repo_name":"o/r","mode":33188,"extra":{"a":[1,2,{"b":null}]},"license":null}`,
		`{"content":"\xff\xfeok"}`, `{}`, `{"id":1}`, `{"size":"1e3"}`, `[1]`, `{"a":tru}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		var r Row
		err := decodeRow(line, &r)
		if err != nil {
			return
		}
		if !json.Valid(line) {
			t.Fatalf("accepted invalid JSON %q", line)
		}
		var m map[string]any
		if json.Unmarshal(line, &m) != nil {
			t.Fatalf("encoding/json rejects %q", line)
		}
		for k, got := range map[string]string{"id": r.ID, "content": r.Content, "repo_name": r.RepoName, "path": r.Path} {
			if want, ok := m[k].(string); ok && want != got {
				t.Fatalf("%s: got %q, encoding/json %q (line %q)", k, got, want, line)
			}
		}
	})
}
