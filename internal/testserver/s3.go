package testserver

import (
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Find returns the path of a test server binary: $env, .tools/bin/name
// above the test's folder, or name on PATH.
func Find(t testing.TB, name, env string) string {
	t.Helper()
	cands := []string{os.Getenv(env)}
	if wd, err := os.Getwd(); err == nil {
		for d := wd; ; d = filepath.Dir(d) {
			cands = append(cands, filepath.Join(d, ".tools", "bin", name))
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	for _, p := range cands {
		if p != "" {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	if os.Getenv("TOKENMILL_REQUIRE_SERVERS") != "" {
		t.Fatalf("%s not found: run scripts/test.sh, which installs it", name)
	}
	t.Skipf("%s not installed (scripts/test.sh installs it)", name)
	return ""
}

// FreeAddr returns a loopback address with a free port.
func FreeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// WaitHTTP polls url until the server answers at all.
func WaitHTTP(t testing.TB, url string) {
	t.Helper()
	for i := 0; ; i++ {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			return
		}
		if i > 400 {
			t.Fatalf("no answer from %s", url)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// S3 starts versitygw with a posix backend rooted at root (a bucket is a
// folder of root; make them before or after) and sets the AWS_* variables
// the SDK needs for the test. It returns the endpoint, http://127.0.0.1:PORT.
func S3(t testing.TB, root string) string {
	bin := Find(t, "versitygw", "TOKENMILL_VERSITYGW")
	addr := FreeAddr(t)
	cmd := exec.Command(bin, "--port", addr, "--quiet", "posix", "--nometa", root)
	cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY=testaccess", "ROOT_SECRET_KEY=testsecret123")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	endpoint := "http://" + addr
	WaitHTTP(t, endpoint+"/")
	t.Setenv("AWS_ACCESS_KEY_ID", "testaccess")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "testsecret123")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_RESPONSE_CHECKSUM_VALIDATION", "when_required")
	return endpoint
}
