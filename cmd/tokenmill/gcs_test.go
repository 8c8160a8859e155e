package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/tokenmill/tokenmill/internal/testserver"
	"github.com/tokenmill/tokenmill/pipeline/manifest"
)

// startGCS starts fake-gcs-server with the given buckets.
func startGCS(t *testing.T, buckets ...string) (endpoint string) {
	return testserver.GCS(t, buckets...)
}

// gcsCall sends one request to the emulator's JSON API and returns the body
// of a 2xx answer; anything else fails the test. The test talks to the
// server this way, not through pipeline/storage, so that what it puts and
// reads back does not depend on the code under test.
func gcsCall(t *testing.T, method, u, contentType string, body []byte) []byte {
	t.Helper()
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	if resp.StatusCode/100 != 2 {
		t.Fatalf("%s %s: %s: %s", method, u, resp.Status, b)
	}
	return b
}

// gcsPut uploads one object (simple media upload).
func gcsPut(t *testing.T, endpoint, bucket, name string, data []byte) {
	t.Helper()
	gcsCall(t, http.MethodPost, fmt.Sprintf("%s/upload/storage/v1/b/%s/o?uploadType=media&name=%s",
		endpoint, bucket, url.QueryEscape(name)), "application/octet-stream", data)
}

// gcsObjects downloads every object under prefix, keyed by its name without
// the prefix.
func gcsObjects(t *testing.T, endpoint, bucket, prefix string) map[string][]byte {
	t.Helper()
	objs := map[string][]byte{}
	token := ""
	for {
		u := fmt.Sprintf("%s/storage/v1/b/%s/o?prefix=%s", endpoint, bucket, url.QueryEscape(prefix))
		if token != "" {
			u += "&pageToken=" + url.QueryEscape(token)
		}
		var page struct {
			Items []struct {
				Name string `json:"name"`
				Size string `json:"size"`
			} `json:"items"`
			NextPageToken string `json:"nextPageToken"`
		}
		if err := json.Unmarshal(gcsCall(t, http.MethodGet, u, "", nil), &page); err != nil {
			t.Fatalf("listing %s: %v", u, err)
		}
		for _, it := range page.Items {
			b := gcsCall(t, http.MethodGet, fmt.Sprintf("%s/storage/v1/b/%s/o/%s?alt=media",
				endpoint, bucket, url.PathEscape(it.Name)), "", nil)
			if it.Size != fmt.Sprint(len(b)) {
				t.Errorf("%s: listed with size %s, downloaded %d bytes", it.Name, it.Size, len(b))
			}
			objs[strings.TrimPrefix(it.Name, prefix)] = b
		}
		if page.NextPageToken == "" {
			return objs
		}
		token = page.NextPageToken
	}
}

// TestGCSRoundTrip reads WET inputs from GCS and writes the build to GCS, then
// checks the objects are byte-identical to a local build of the embedded
// sample and that inspect reads the manifest back through GCS.
func TestGCSRoundTrip(t *testing.T) {
	endpoint := startGCS(t, "corpus")
	// Inputs: the sample's WET files, uploaded as objects.
	src := "../../recipes/sample/commoncrawl"
	ents, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	// What the build must record of each input: its size and SHA-256.
	inputs := map[string]manifest.Input{}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		gcsPut(t, endpoint, "corpus", "inputs/"+e.Name(), b)
		p := "gs://corpus/inputs/" + e.Name()
		inputs[p] = manifest.Input{Path: p, Size: int64(len(b)), SHA256: fmt.Sprintf("%x", sha256.Sum256(b))}
	}
	if len(inputs) != 3 {
		t.Fatalf("%d sample inputs in %s, want 3", len(inputs), src)
	}
	only := []string{"commoncrawl"}
	build(t, defaultRegistry(), buildFlags{out: "gs://corpus/builds/llama", only: only, inputs: []string{"commoncrawl=gs://corpus/inputs"}, workers: 2})

	local := t.TempDir()
	build(t, defaultRegistry(), buildFlags{out: local, only: only, workers: 1})
	want := outputFiles(t, local)
	remote := gcsObjects(t, endpoint, "corpus", "builds/llama/")
	if _, ok := remote["stats.json"]; !ok {
		t.Error("no stats.json in the bucket")
	}
	delete(remote, "stats.json")

	// The same objects as the local build's files, nothing left over (no
	// temporary or half-written objects), and the shards are the same bytes:
	// the inputs are the same whether read from GCS or the embedded corpus.
	// Task markers and the manifest name their inputs, so those are
	// compared apart from the input.
	var names []string
	for k := range want {
		names = append(names, k)
	}
	sort.Strings(names)
	shards := 0
	for _, k := range names {
		got, ok := remote[k]
		switch {
		case !ok:
			t.Errorf("%s is missing from the bucket", k)
		case k == "manifest.json":
		case strings.HasPrefix(k, "_tasks/"):
			sameMarker(t, k, got, want[k], inputs)
		case !bytes.Equal(got, want[k]):
			t.Errorf("%s differs between the GCS and the local build (%d vs %d bytes)", k, len(got), len(want[k]))
		case strings.HasPrefix(k, "tokens/"), strings.HasPrefix(k, "docs/"):
			shards++
		}
	}
	for k := range remote {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected object builds/llama/%s in the bucket", k)
		}
	}
	if shards < 2 {
		t.Errorf("only %d docs/tokens shards compared; the sample build should write both kinds", shards)
	}

	// The manifests differ only in the inputs: gs:// objects with their
	// sizes and digests here, embed:// files there.
	m, err := manifest.Parse(remote["manifest.json"])
	if err != nil {
		t.Fatal(err)
	}
	lm, err := manifest.Parse(want["manifest.json"])
	if err != nil {
		t.Fatal(err)
	}
	cc := m.Source("commoncrawl")
	if cc == nil {
		t.Fatalf("no commoncrawl source in the manifest:\n%s", remote["manifest.json"])
	}
	if len(cc.Inputs) != len(inputs) {
		t.Errorf("manifest lists %d inputs, want %d: %+v", len(cc.Inputs), len(inputs), cc.Inputs)
	}
	for _, in := range cc.Inputs {
		if w := inputs[in.Path]; in.Size != w.Size || in.SHA256 != w.SHA256 || in.ETag == "" {
			t.Errorf("manifest input %+v; want one of the gs:// inputs with its size, sha256 and an etag: %+v", in, inputs)
		}
	}
	if len(m.Sources) != len(lm.Sources) {
		t.Fatalf("%d sources in the GCS manifest, %d in the local one", len(m.Sources), len(lm.Sources))
	}
	for i := range m.Sources {
		m.Sources[i].Inputs = lm.Sources[i].Inputs
	}
	if canon, err := m.Marshal(); err != nil || !bytes.Equal(canon, want["manifest.json"]) {
		t.Errorf("GCS manifest, with the local inputs, differs from the local manifest (err %v):\n%s\nlocal:\n%s", err, canon, want["manifest.json"])
	}

	// inspect reads the manifest back through gs://.
	inspected, err := runCLI(t, "", true, "inspect", "gs://corpus/builds/llama")
	if err != nil {
		t.Fatalf("inspect gs://corpus/builds/llama: %v", err)
	}
	out := inspected
	if !strings.HasPrefix(out, "manifest gs://corpus/builds/llama/manifest.json\n") {
		t.Errorf("inspect did not read gs://corpus/builds/llama/manifest.json:\n%s", out)
	}
	// The source's row: name, weight, inputs, docs, tokens, bytes, shards.
	row := ""
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) == 7 && f[0] == "commoncrawl" {
			row = strings.Join(append(f[:1], f[2:]...), " ")
		}
	}
	if wantRow := fmt.Sprintf("commoncrawl %d %d %d %d %d", len(inputs), cc.Docs, cc.Tokens, cc.Bytes, len(cc.Shards)); row != wantRow {
		t.Errorf("inspect's commoncrawl row is %q, want %q:\n%s", row, wantRow, out)
	}
	for _, sh := range cc.Shards {
		if !strings.Contains(out, sh.SHA256) {
			t.Errorf("inspect output lacks shard %s (sha256 %s):\n%s", sh.Path, sh.SHA256, out)
		}
	}
}

// sameMarker checks that a task marker written to GCS names one of the gs://
// inputs with its size and digest and otherwise says what the local build's
// marker says.
func sameMarker(t *testing.T, key string, got, want []byte, inputs map[string]manifest.Input) {
	t.Helper()
	var g, w map[string]any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Errorf("%s in the bucket: %v", key, err)
		return
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Errorf("%s of the local build: %v", key, err)
		return
	}
	in, _ := g["input"].(map[string]any)
	p, _ := in["path"].(string)
	size, _ := in["size"].(float64)
	sum, _ := in["sha256"].(string)
	etag, _ := in["etag"].(string)
	// The marker of input NAME.warc.wet.gz is NAME.json.
	task := strings.TrimSuffix(path.Base(key), ".json")
	if w, ok := inputs[p]; !ok || int64(size) != w.Size || sum != w.SHA256 || etag == "" || !strings.HasPrefix(path.Base(p), task+".") {
		t.Errorf("%s names input %v; want its gs:// input with the size and sha256 uploaded and an etag", key, in)
	}
	g["input"] = w["input"]
	// The examples of skipped records name the input's URL.
	if gs, ok := g["stats"].(map[string]any); ok {
		if ws, ok := w["stats"].(map[string]any); ok {
			gs["skip_examples"] = ws["skip_examples"]
		}
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s differs from the local build's beyond its input:\n%s\nlocal:\n%s", key, got, want)
	}
}
