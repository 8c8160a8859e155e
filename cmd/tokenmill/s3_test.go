package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tokenmill/tokenmill/pipeline/manifest"
)

// versitygw finds the S3-compatible server the tests run against (scripts/test.sh
// installs it into .tools/bin). Without it the S3 tests skip, unless
// TOKENMILL_REQUIRE_SERVERS is set (as CI does), where they fail.
func versitygw(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("TOKENMILL_VERSITYGW"), "../../.tools/bin/versitygw"} {
		if p != "" {
			if _, err := os.Stat(p); err == nil {
				abs, _ := filepath.Abs(p)
				return abs
			}
		}
	}
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p
	}
	if os.Getenv("TOKENMILL_REQUIRE_SERVERS") != "" {
		t.Fatal("versitygw not found: run scripts/test.sh, which installs it")
	}
	t.Skip("versitygw not installed (scripts/test.sh installs it)")
	return ""
}

// startS3 runs versitygw on a free loopback port with a posix backend in a
// temporary folder and returns its endpoint and that folder. Buckets are
// folders of the backend, made here before the server starts.
func startS3(t *testing.T, buckets ...string) (endpoint, root string) {
	bin := versitygw(t)
	root = t.TempDir()
	for _, b := range buckets {
		os.MkdirAll(filepath.Join(root, b), 0o755)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(bin, "--port", addr, "--quiet", "posix", "--nometa", root)
	cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY=testaccess", "ROOT_SECRET_KEY=testsecret123")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	endpoint = "http://" + addr
	for i := 0; ; i++ {
		resp, err := http.Get(endpoint + "/")
		if err == nil {
			resp.Body.Close()
			break
		}
		if i > 200 {
			t.Fatalf("versitygw did not answer on %s", addr)
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "testaccess")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "testsecret123")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_RESPONSE_CHECKSUM_VALIDATION", "when_required")
	return endpoint, root
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
	build(t, defaultRegistry(), buildFlags{out: out, inputs: []string{"commoncrawl=s3://corpus/inputs" + q}, workers: 2})

	local := t.TempDir()
	build(t, defaultRegistry(), buildFlags{out: local, workers: 1})
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
	cmd := newInspectCmd()
	var sb strings.Builder
	cmd.SetOut(&sb)
	cmd.SetArgs([]string{"s3://corpus/builds/llama"})
	cmd.SetContext(context.Background())
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sb.String(), "commoncrawl") || !strings.Contains(sb.String(), m.Sources[0].Shards[0].SHA256) {
		t.Errorf("inspect output:\n%s", sb.String())
	}
}
