package feed

import (
	"errors"
	"reflect"
	"testing"
)

// FuzzParseTicket: any bytes either decode to a ticket that survives a
// round trip through Marshal or fail with ErrBadTicket; never a panic.
func FuzzParseTicket(f *testing.F) {
	for _, s := range []string{
		string(baseTicket.Marshal()),
		`{"manifest":"run/manifest.json","manifest_version":3,"config_hash":"ab","seed":1,"seq_len":2048,"global_batch":512,"steps":100000,"rank":5,"world":64,"start_step":41000,"end_step":41001}`,
		`{"seed":1,"seq_len":16,"global_batch":8,"token_budget":1000,"weights":{"wiki":0.5,"books":0},"window":4,"max_epochs":2.5}`,
		`{"seed":1,"seq_len":16,"global_batch":8,"steps":1e300}`,
		`{"seq_len":9223372036854775807,"global_batch":9223372036854775807,"steps":9223372036854775807}`,
		`{"seed":1,"seq_len":16,"global_batch":8,"steps":1,"weights":{}}`, `{"seed":-1}`, `[]`, `null`, `{}{}`, `{"rank":1.5}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		tk, err := ParseTicket(b)
		if err != nil {
			if !errors.Is(err, ErrBadTicket) {
				t.Fatalf("%q: error %v does not wrap ErrBadTicket", b, err)
			}
			return
		}
		again, err := ParseTicket(tk.Marshal())
		if err != nil || !reflect.DeepEqual(again, tk) {
			t.Fatalf("%q: round trip gave %+v, %v; want %+v", b, again, err, tk)
		}
		if cfg := tk.Config(); cfg.TokenBudget <= 0 {
			t.Fatalf("%q: token budget %d", b, cfg.TokenBudget)
		}
	})
}
