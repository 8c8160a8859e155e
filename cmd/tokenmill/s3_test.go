package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenmill/tokenmill/internal/testserver"
	"github.com/tokenmill/tokenmill/pipeline/manifest"
)

// startS3 runs versitygw on loopback with a posix backend in a temporary
// folder holding the given buckets (folders), and returns its endpoint and
// that folder.
func startS3(t *testing.T, buckets ...string) (endpoint, root string) {
	root = t.TempDir()
	for _, b := range buckets {
		os.MkdirAll(filepath.Join(root, b), 0o755)
	}
	return testserver.S3(t, root), root
}

// TestS3RoundTrip reads WET inputs from S3 and writes the build to S3, then
// checks the objects are byte-identical to a local build and that inspect
// reads the manifest back through S3.
func TestS3RoundTrip(t *testing.T) {
	endpoint, root := startS3(t, "corpus")
	// Inputs: the sample's WET files, put into the bucket as objects.
	inDir := filepath.Join(root, "corpus", "inputs")
	os.MkdirAll(inDir, 0o755)
	src := "../../recipes/sample/commoncrawl"
	ents, _ := os.ReadDir(src)
	for _, e := range ents {
		b, _ := os.ReadFile(filepath.Join(src, e.Name()))
		os.WriteFile(filepath.Join(inDir, e.Name()), b, 0o644)
	}
	q := fmt.Sprintf("?endpoint=%s&use_path_style=true&region=us-east-1&disable_https=true", endpoint)
	out := "s3://corpus/builds/llama" + q
	build(t, defaultRegistry(), buildFlags{out: out, inputs: []string{"commoncrawl=s3://corpus/inputs" + q}, workers: 2, only: []string{"commoncrawl"}})

	local := t.TempDir()
	build(t, defaultRegistry(), buildFlags{out: local, workers: 1, only: []string{"commoncrawl"}})
	// The same inputs through S3 and from the embedded corpus: the shards
	// are the same bytes; the manifests differ only in the input paths.
	remote := outputFiles(t, filepath.Join(root, "corpus", "builds", "llama"))
	want := outputFiles(t, local)
	for k, v := range want {
		if strings.HasPrefix(k, "docs/") || strings.HasPrefix(k, "tokens/") {
			if string(remote[k]) != string(v) {
				t.Errorf("%s differs between the S3 and the local build", k)
			}
		}
	}
	m, err := manifest.Parse(remote["manifest.json"])
	if err != nil {
		t.Fatal(err)
	}
	if in := m.Source("commoncrawl").Inputs; len(in) != 3 || !strings.HasPrefix(in[0].Path, "s3://corpus/inputs/") || in[0].Size == 0 {
		t.Errorf("inputs in manifest: %+v", in)
	}

	// inspect through S3, with the endpoint from the environment this time.
	t.Setenv("AWS_ENDPOINT_URL", endpoint)
	inspected, err := runCLI(t, "", true, "inspect", "s3://corpus/builds/llama")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(inspected, "commoncrawl") || !strings.Contains(inspected, m.Sources[0].Shards[0].SHA256) {
		t.Errorf("inspect output:\n%s", inspected)
	}
}
