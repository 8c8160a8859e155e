package github

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"path"
	"strconv"
	"strings"
	"unsafe"
)

// Table is one of the three tables of bigquery-public-data.github_repos.
type Table int

// The tables, in the order the prepass reads them.
const (
	TableLicenses Table = iota
	TableFiles
	TableContents
)

func (t Table) String() string {
	return [...]string{"licenses", "files", "contents"}[t]
}

// Row is one row of any of the three tables. Only the columns of its table
// are set; Has* say which nullable columns were present (BigQuery omits NULL
// columns from its JSON export and writes them as nulls in Avro and Parquet).
//
// The real schemas (github_repos, as BigQuery describes them):
//
//	files:    repo_name STRING, ref STRING, path STRING, mode INT64, id STRING, symlink_target STRING
//	contents: id STRING, size INT64, content STRING, binary BOOL, copies INT64
//	licenses: repo_name STRING, license STRING
type Row struct {
	RepoName, Ref, Path, ID, SymlinkTarget, License string
	Mode, Size, Copies                              int64
	Content                                         string
	Binary                                          bool
	HasSymlink, HasContent, HasMode                 bool
}

// reset clears r for the next row, keeping nothing.
func (r *Row) reset() { *r = Row{} }

// Git file modes in the files table (git's tree entry modes, as integers).
const (
	modeSymlink   = 0o120000
	modeSubmodule = 0o160000
)

// blobID returns git's object id of a blob holding content: the SHA-1 of
// "blob <len>\x00<content>". The contents table's id is this value, so a
// row whose id differs has a content that is not the blob it names.
func blobID(content string) string {
	h := sha1.New()
	var hdr [32]byte
	b := append(hdr[:0], "blob "...)
	b = strconv.AppendInt(b, int64(len(content)), 10)
	b = append(b, 0)
	h.Write(b)
	// The content's bytes are hashed in place, not copied ([]byte(content)
	// would copy every blob once more).
	h.Write(unsafe.Slice(unsafe.StringData(content), len(content)))
	var sum [20]byte
	return hex.EncodeToString(h.Sum(sum[:0]))
}

// partitionOf returns the hash partition (of n) a blob id belongs to. Every
// files and contents row of one blob lands in the same partition, so a
// partition joins without looking at the others.
func partitionOf(id string, n int) int {
	if n <= 1 {
		return 0
	}
	h := fnv.New64a()
	h.Write([]byte(id))
	return int(h.Sum64() % uint64(n))
}

// DocID is the GitHub document ID convention: <repo_name>:<ref>:<path>.
func DocID(repo, ref, p string) string { return repo + ":" + ref + ":" + p }

// FileURL is the file's page on GitHub: refs/heads/ and refs/tags/ prefixes
// are dropped, other refs kept whole.
func FileURL(repo, ref, p string) string {
	r := strings.TrimPrefix(strings.TrimPrefix(ref, "refs/heads/"), "refs/tags/")
	return "https://github.com/" + repo + "/blob/" + r + "/" + p
}

// Language returns the language of a file from its name, "" when the name is
// not one of the source kinds LLaMA's GitHub subset keeps (RedPajama's
// whitelist, matched the way Python's str.endswith matches it, so
// "GNUMakefile" is not a Makefile but "foo.Makefile" is).
func Language(p string) string {
	base := path.Base(p)
	for _, s := range languageSuffixes {
		if strings.HasSuffix(base, s.suffix) {
			return s.lang
		}
	}
	return ""
}

type suffixLang struct{ suffix, lang string }

// languageSuffixes names the language of each entry of RedPajama's
// extensions whitelist (data_prep/github/github_run_filter.py). No entry
// is a suffix of another (".h" does not end ".hh"), so order is free.
var languageSuffixes = []suffixLang{
	{".asm", "Assembly"}, {".bat", "Batchfile"}, {".cmd", "Batchfile"},
	{".c", "C"}, {".h", "C"}, {".cs", "C#"}, {".cpp", "C++"}, {".hpp", "C++"},
	{".c++", "C++"}, {".h++", "C++"}, {".cc", "C++"}, {".hh", "C++"}, {".C", "C++"}, {".H", "C++"},
	{".cmake", "CMake"}, {".css", "CSS"}, {".dockerfile", "Dockerfile"},
	{".f90", "Fortran"}, {".f", "Fortran"}, {".f03", "Fortran"}, {".f08", "Fortran"},
	{".f77", "Fortran"}, {".f95", "Fortran"}, {".for", "Fortran"}, {".fpp", "Fortran"},
	{".go", "Go"}, {".hs", "Haskell"}, {".html", "HTML"}, {".java", "Java"},
	{".js", "JavaScript"}, {".jl", "Julia"}, {".lua", "Lua"}, {".md", "Markdown"},
	{".markdown", "Markdown"}, {".php", "PHP"}, {".php3", "PHP"}, {".php4", "PHP"},
	{".php5", "PHP"}, {".phps", "PHP"}, {".phpt", "PHP"}, {".pl", "Perl"}, {".pm", "Perl"},
	{".pod", "Perl"}, {".perl", "Perl"}, {".ps1", "PowerShell"}, {".psd1", "PowerShell"},
	{".psm1", "PowerShell"}, {".py", "Python"}, {".rb", "Ruby"}, {".rs", "Rust"},
	{".sql", "SQL"}, {".scala", "Scala"}, {".sh", "Shell"}, {".bash", "Shell"},
	{".command", "Shell"}, {".zsh", "Shell"}, {".ts", "TypeScript"}, {".tsx", "TypeScript"},
	{".tex", "TeX"}, {".vb", "Visual Basic"}, {"Dockerfile", "Dockerfile"},
	{"Makefile", "Makefile"}, {".xml", "XML"}, {".rst", "reStructuredText"},
	{".m", "Objective-C"}, {".smali", "Smali"},
}

// checkRow says what is wrong with a row of table t, as a stats reason, or
// "" when it has what the join needs.
func checkRow(t Table, r *Row) (reason string, err error) {
	switch t {
	case TableLicenses:
		if r.RepoName == "" {
			return "github-missing-repo", fmt.Errorf("licenses row without repo_name")
		}
	case TableFiles:
		if r.ID == "" || r.RepoName == "" || r.Path == "" {
			return "github-missing-column", fmt.Errorf("files row without id, repo_name or path")
		}
	case TableContents:
		if r.ID == "" {
			return "github-missing-id", fmt.Errorf("contents row without id")
		}
		if r.HasContent {
			if got := blobID(r.Content); got != r.ID {
				return "github-blob-sha1", fmt.Errorf("contents row %s: content hashes to blob %s", r.ID, got)
			}
		}
	}
	return "", nil
}
