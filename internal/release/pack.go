// Package release writes the release archives and the checksums file the way
// .goreleaser.yaml describes them, for scripts/build-release.sh (through
// internal/release/cmd/pack), so that a release can be rebuilt and compared
// without goreleaser. Its tests check the script, the goreleaser
// configuration, the release workflow and the companion actions' download of
// a release against each other.
//
// Archives are reproducible: entries in the order given, owner and group
// root (0), modes 0755 (executables) or 0644, one modification time for
// every entry, and no time or name in the gzip header.
package release

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// ChecksumsFile is the name of the checksums file of a release (checksum:
// name_template in .goreleaser.yaml): one "SHA-256  NAME" line per archive,
// sorted by name, as sha256sum prints them.
const ChecksumsFile = "SHA256SUMS"

// Entry is one file of an archive.
type Entry struct {
	Name string // name in the archive
	Path string // file to read
}

// entryMode is the mode an archive gives a file: 0755 if the file has any
// execute bit, else 0644 (as goreleaser's builds_info and files info in
// .goreleaser.yaml set them).
func entryMode(info os.FileInfo) os.FileMode {
	if info.Mode()&0o111 != 0 {
		return 0o755
	}
	return 0o644
}

// WriteArchive writes the archive out (format from its name: .tar.gz or
// .zip) holding entries, each with modification time mtime.
func WriteArchive(out string, entries []Entry, mtime time.Time) (err error) {
	f, err := os.Create(out)
	if err != nil {
		return fmt.Errorf("creating archive: %w", err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("closing %s: %w", out, cerr)
		}
		if err != nil {
			_ = os.Remove(out)
		}
	}()
	switch {
	case strings.HasSuffix(out, ".tar.gz"):
		return WriteTarGz(f, entries, mtime)
	case strings.HasSuffix(out, ".zip"):
		return WriteZip(f, entries, mtime)
	}
	return fmt.Errorf("archive %s: unknown format (want .tar.gz or .zip)", out)
}

// WriteTarGz writes entries as a gzip-compressed tar archive to w.
func WriteTarGz(w io.Writer, entries []Entry, mtime time.Time) error {
	gz, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return fmt.Errorf("gzip: %w", err)
	}
	tw := tar.NewWriter(gz)
	for _, e := range entries {
		if err := addFile(e, func(info os.FileInfo, r io.Reader) error {
			hdr := &tar.Header{
				Typeflag: tar.TypeReg,
				Name:     e.Name,
				Size:     info.Size(),
				Mode:     int64(entryMode(info)),
				ModTime:  mtime.UTC(),
				Uname:    "root",
				Gname:    "root",
				Format:   tar.FormatUSTAR,
			}
			if err := tw.WriteHeader(hdr); err != nil {
				return err
			}
			_, err := io.Copy(tw, r)
			return err
		}); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("tar: %w", err)
	}
	if err := gz.Close(); err != nil {
		return fmt.Errorf("gzip: %w", err)
	}
	return nil
}

// WriteZip writes entries as a zip archive (deflate) to w.
func WriteZip(w io.Writer, entries []Entry, mtime time.Time) error {
	zw := zip.NewWriter(w)
	for _, e := range entries {
		if err := addFile(e, func(info os.FileInfo, r io.Reader) error {
			hdr := &zip.FileHeader{Name: e.Name, Method: zip.Deflate, Modified: mtime.UTC()}
			hdr.SetMode(entryMode(info))
			fw, err := zw.CreateHeader(hdr)
			if err != nil {
				return err
			}
			_, err = io.Copy(fw, r)
			return err
		}); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("zip: %w", err)
	}
	return nil
}

// addFile opens e.Path, checks that it is a regular file and hands it to add.
func addFile(e Entry, add func(os.FileInfo, io.Reader) error) error {
	f, err := os.Open(e.Path)
	if err != nil {
		return fmt.Errorf("archive entry %s: %w", e.Name, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return fmt.Errorf("archive entry %s: %w", e.Name, err)
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("archive entry %s: %s is not a regular file", e.Name, e.Path)
	}
	if err := add(info, f); err != nil {
		return fmt.Errorf("archive entry %s: %w", e.Name, err)
	}
	return nil
}

// Checksums returns the checksums file of the given files: one line
// "<SHA-256 in hex>  <base name>" per file, sorted by name.
func Checksums(files []string) ([]byte, error) {
	lines := make([]string, 0, len(files))
	for _, p := range files {
		sum, err := SHA256File(p)
		if err != nil {
			return nil, err
		}
		lines = append(lines, sum+"  "+filepath.Base(p)+"\n")
	}
	sort.Slice(lines, func(i, j int) bool { return lines[i][66:] < lines[j][66:] })
	return []byte(strings.Join(lines, "")), nil
}

// SHA256File returns the SHA-256 of the file at path in lower-case hex.
func SHA256File(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("checksum: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("checksum of %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
