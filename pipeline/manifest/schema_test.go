package manifest

import (
	"reflect"
	"strings"
	"testing"
)

// TestSchemaNames: the column constants are the names in the row types'
// tags, so a reader looking columns up finds what the writer wrote.
func TestSchemaNames(t *testing.T) {
	tags := map[string]string{}
	rt := reflect.TypeOf(TokenRow{})
	for i := 0; i < rt.NumField(); i++ {
		f := rt.Field(i)
		tags[f.Name] = strings.Split(f.Tag.Get("parquet"), ",")[0]
	}
	want := map[string]string{"ID": ColumnID, "Source": ColumnSource, "Tokens": ColumnTokens, "NTokens": ColumnNTokens}
	if !reflect.DeepEqual(tags, want) {
		t.Errorf("TokenRow tags %v, constants %v", tags, want)
	}
	d := reflect.TypeOf(DocRow{})
	for _, f := range []string{"ID", "Source"} {
		sf, _ := d.FieldByName(f)
		if got := strings.Split(sf.Tag.Get("parquet"), ",")[0]; got != tags[f] {
			t.Errorf("DocRow.%s is %q, TokenRow's %q", f, got, tags[f])
		}
	}
}
