// Package bigquery reads LLaMA's GitHub subset straight from BigQuery's
// bigquery-public-data.github_repos with the official client
// (cloud.google.com/go/bigquery). It is its own package so that the client,
// a large dependency, is linked only into the programs that ask for it
// (cmd/tokenmill registers it through github.RegisterWith).
//
// # What runs where
//
// The join (files ⋈ licenses ⋈ contents), the licence, extension and size
// limits, the binary/NULL/symlink/submodule rules and the exact dedup on the
// blob id all run in BigQuery ([github.Query]); the rows come back with the
// same IDs and metadata as the export path's, so the rest of the github chain
// (code_headers, code_quality; code_files and doc_dedup then find nothing to
// drop) is unchanged.
//
// # Paying once
//
// The query's result is written to a table named after the SHA-256 of its
// SQL, github_<16 hex digits>, in the cache dataset of the billing project,
// by a job whose id is derived from the same digest. Inputs first looks the
// table up: when it exists (a rerun, another machine of the same build, a
// later build with the same options), nothing is queried again; when a job
// with that id already runs (two planners at once), the second one waits for
// it instead of starting another. Drop the table to pay again.
//
// # Reading
//
// Inputs splits the result table into ranges of rows (one input per range,
// rows_per_input rows each) and Open reads its range through tabledata.list,
// one page at a time (page_rows), so memory is one page whatever the size of
// the result.
//
// It must not filter by quality: that is the chain's steps.
package bigquery
