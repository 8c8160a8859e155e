package bigquery

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
)

func gitBlob(s string) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(s))
	h.Write([]byte(s))
	return hex.EncodeToString(h.Sum(nil))
}
