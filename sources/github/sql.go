package github

import (
	"fmt"
	"strings"
)

// QueryOptions are what the BigQuery path pushes into SQL.
type QueryOptions struct {
	// Dataset holds the three tables: "bigquery-public-data.github_repos".
	Dataset string
	// Licenses kept (the licenses table's spelling).
	Licenses []string
	// Extensions kept: path suffixes, as str.endswith tests them.
	Extensions []string
	// MaxSize is the largest blob kept, in bytes (BigQuery stores content
	// only up to 1 MiB; larger blobs have NULL content).
	MaxSize int64
	// DuckDB writes the query in DuckDB's dialect (tables named files,
	// contents, licenses; double-quoted identifiers), for the test that runs
	// it on the fixture tables.
	DuckDB bool
}

// DefaultLicenses are LLaMA's: Apache, BSD and MIT.
var DefaultLicenses = []string{"apache-2.0", "bsd-2-clause", "bsd-3-clause", "mit"}

// DefaultExtensions is RedPajama's extension whitelist.
func DefaultExtensions() []string {
	out := make([]string, len(languageSuffixes))
	for i, s := range languageSuffixes {
		out[i] = s.suffix
	}
	return out
}

func sqlString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// Query is the join the BigQuery path runs: files ⋈ licenses ⋈ contents with
// every metadata rule of code_files pushed down (licence, extension, size,
// NULL content, binary, symlinks, submodules), then exact dedup on the blob:
// of the files rows of one blob id (the git SHA-1 of the content), the one
// with the smallest (repo_name, ref, path) is kept, the same survivor the
// export path's doc_dedup keeps.
func Query(o QueryOptions) string {
	q := func(id string) string {
		if o.DuckDB {
			return `"` + id + `"`
		}
		return "`" + id + "`"
	}
	table := func(name string) string {
		if o.DuckDB {
			return name
		}
		return q(o.Dataset + "." + name)
	}
	var lic, ext []string
	for _, l := range o.Licenses {
		lic = append(lic, sqlString(l))
	}
	for _, e := range o.Extensions {
		ext = append(ext, "ENDS_WITH(f.path, "+sqlString(e)+")")
	}
	if len(ext) == 0 {
		ext = []string{"TRUE"}
	}
	// BigQuery writes the result to a table, which has no order to keep (and
	// sorting terabytes would fail); the table, once written, is read back in
	// its stored order. DuckDB's result is compared in ID order.
	order := ""
	if o.DuckDB {
		order = "\nORDER BY f.repo_name, f.ref, f.path"
	}
	return fmt.Sprintf(`SELECT f.repo_name, f.ref, f.path, f.mode, f.id, l.license, c.size, c.content
FROM %s AS f
JOIN %s AS l ON l.repo_name = f.repo_name
JOIN %s AS c ON c.id = f.id
WHERE l.license IN (%s)
  AND (%s)
  AND c.content IS NOT NULL AND c.size <= %d AND NOT c.%s
  AND f.symlink_target IS NULL AND (f.mode IS NULL OR f.mode NOT IN (%d, %d))
QUALIFY ROW_NUMBER() OVER (PARTITION BY f.id ORDER BY f.repo_name, f.ref, f.path) = 1%s`,
		table("files"), table("licenses"), table("contents"), strings.Join(lic, ", "),
		strings.Join(ext, " OR "), o.MaxSize, q("binary"), modeSymlink, modeSubmodule, order)
}
