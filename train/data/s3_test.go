package data

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// versitygw finds the S3-compatible server (scripts/test.sh installs it into
// .tools/bin). Without it the test skips, unless TOKENMILL_REQUIRE_SERVERS
// is set (as CI does), where it fails.
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

// TestS3SameStream serves a corpus from versitygw (a posix backend whose
// bucket is a folder) and checks that the loader reads through s3:// the
// same batches as from the local folder.
func TestS3SameStream(t *testing.T) {
	bin := versitygw(t)
	root := t.TempDir()
	path := WriteCorpus(t, filepath.Join(root, "corpus", "build"), mixSources)
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
	endpoint := "http://" + addr
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

	url := "s3://corpus/build/manifest.json?endpoint=" + endpoint + "&use_path_style=true&region=us-east-1&disable_https=true"
	cfg := mixConfig
	cfg.World, cfg.Rank = 2, 0
	remote, err := Open(context.Background(), url, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer remote.Close()
	got := drain(t, remote)
	want := drain(t, openT(t, path, cfg))
	if len(got) != len(want) {
		t.Fatalf("%d batches through S3, %d locally", len(got), len(want))
	}
	for i := range want {
		if !sameBatch(got[i], want[i]) {
			t.Fatalf("step %d differs between S3 and the local folder", i)
		}
	}
	t.Logf("S3: %+v", remote.Stats())
}
