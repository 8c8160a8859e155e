// Package storage gives the pipeline one small interface over the places
// inputs and outputs live: local folders (plain paths or file://), S3 and
// S3-compatible servers (s3://), Google Cloud Storage (gs://), read-only HTTP(S) (https://, as
// CommonCrawl serves its dumps) and the sample
// corpus compiled into the binary (embed://).
//
// # Atomic commit
//
// Every output goes through a Writer, and nothing is visible under its final
// name until Commit returns: local files are written under a hidden, unique
// temporary name in the same folder, synced and renamed (the protocol of
// the leaf package storage/atomicfile, which the libraries and the CLI use
// for the local files they write outside a Store); objects in S3 and GCS
// appear only when their upload completes (single PUT or multipart
// complete). Abort, or a crash, leaves nothing that a reader could take for
// a finished file: at worst a ".tmp-" file locally, which never matches an
// output name, is not listed, and is cleared when the key is written again.
//
// # URLs
//
// A Store is opened on a folder-like URL. Query parameters of s3:// and gs://
// URLs are handed to gocloud.dev's openers, so an S3-compatible server is
// reached with, for example,
//
//	s3://bucket/prefix?endpoint=http://127.0.0.1:17070&use_path_style=true&region=us-east-1&disable_https=true
//
// and when AWS_ENDPOINT_URL is set, s3:// URLs without an endpoint use it with
// path-style addressing. Credentials come from the usual environment
// (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, GOOGLE_APPLICATION_CREDENTIALS,
// STORAGE_EMULATOR_HOST).
package storage
