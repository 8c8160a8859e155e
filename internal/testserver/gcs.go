package testserver

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"testing"
)

// GCS starts fake-gcs-server on loopback with a filesystem backend in a
// temporary folder, creates the buckets and sets STORAGE_EMULATOR_HOST so
// gs:// URLs reach it. It returns the endpoint, http://127.0.0.1:PORT.
func GCS(t testing.TB, buckets ...string) string {
	bin := Find(t, "fake-gcs-server", "TOKENMILL_FAKE_GCS")
	root := t.TempDir()
	addr := FreeAddr(t)
	_, port, _ := net.SplitHostPort(addr)
	endpoint := "http://" + addr
	// Its defaults are https with a self-signed certificate on every
	// interface; the external URL and public host make the upload and
	// download URLs it hands back point at this loopback address.
	cmd := exec.Command(bin, "-scheme", "http", "-host", "127.0.0.1", "-port", port,
		"-backend", "filesystem", "-filesystem-root", root,
		"-external-url", endpoint, "-public-host", addr, "-log-level", "warn")
	cmd.Stdout = os.Stderr
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	WaitHTTP(t, endpoint+"/storage/v1/b")
	for _, b := range buckets {
		body, _ := json.Marshal(map[string]string{"name": b})
		resp, err := http.Post(endpoint+"/storage/v1/b?project=tokenmill-test", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			t.Fatalf("create bucket %s: %s", b, resp.Status)
		}
	}
	t.Setenv("STORAGE_EMULATOR_HOST", addr)
	return endpoint
}
