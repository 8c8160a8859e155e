package data

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/tokenmill/tokenmill/internal/testserver"
)

// TestS3SameStream serves a corpus from versitygw (a posix backend whose
// bucket is a folder) and checks that the loader reads through s3:// the
// same batches as from the local folder.
func TestS3SameStream(t *testing.T) {
	root := t.TempDir()
	path := WriteCorpus(t, filepath.Join(root, "corpus", "build"), mixSources)
	endpoint := testserver.S3(t, root)

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
