// Command pack is the archiving half of scripts/build-release.sh:
//
//	pack touch -mtime UNIX FILE...             set FILEs' modification time (goreleaser's mod_timestamp)
//	pack archive -mtime UNIX -o OUT FILE...    write OUT (.tar.gz or .zip) holding FILEs under their base names
//	pack sums -o OUT FILE...                   write the SHA256SUMS file of FILEs
//
// See package release for what makes the archives reproducible.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/actionport/actionport/internal/release"
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "pack: %v\n", err)
		os.Exit(2)
	}
}

func run(args []string, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("want a subcommand: touch, archive or sums")
	}
	fs := flag.NewFlagSet("pack "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	mtime := fs.Int64("mtime", -1, "modification time, seconds since the epoch")
	out := fs.String("o", "", "output file")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	files := fs.Args()
	if len(files) == 0 {
		return fmt.Errorf("%s: no files given", args[0])
	}
	needMtime := func() (time.Time, error) {
		if *mtime < 0 {
			return time.Time{}, fmt.Errorf("%s needs -mtime", args[0])
		}
		return time.Unix(*mtime, 0).UTC(), nil
	}
	switch args[0] {
	case "touch":
		t, err := needMtime()
		if err != nil {
			return err
		}
		for _, f := range files {
			if err := os.Chtimes(f, t, t); err != nil {
				return fmt.Errorf("touch: %w", err)
			}
		}
		return nil
	case "archive":
		t, err := needMtime()
		if err != nil {
			return err
		}
		if *out == "" {
			return fmt.Errorf("archive needs -o")
		}
		entries := make([]release.Entry, len(files))
		for i, f := range files {
			entries[i] = release.Entry{Name: filepath.Base(f), Path: f}
		}
		return release.WriteArchive(*out, entries, t)
	case "sums":
		if *out == "" {
			return fmt.Errorf("sums needs -o")
		}
		b, err := release.Checksums(files)
		if err != nil {
			return err
		}
		if err := os.WriteFile(*out, b, 0o644); err != nil {
			return fmt.Errorf("sums: %w", err)
		}
		return nil
	}
	return fmt.Errorf("unknown subcommand %q (want touch, archive or sums)", args[0])
}
