package lint

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/actionport/actionport/internal/diag"
	"github.com/actionport/actionport/internal/fsutil"
)

// MaxFileBytes is the largest file lint reads. The YAML parser takes about
// 400 bytes of memory per node, so a file of mostly tiny nodes costs some
// hundred times its size; the largest outputs of the converter (whose
// inputs are at most 4 MiB) stay far below this.
const MaxFileBytes = 8 << 20

// Files lints the given files and directories. Directories are searched
// recursively (skipping .git and node_modules) for .yaml, .yml and .json
// files that Detect recognizes; others are passed over silently. A file named
// explicitly that Detect does not recognize yields a lint-unrecognized error.
// The error lists the paths that could not be read (missing, unreadable, not
// a regular file, larger than MaxFileBytes), one per line; the other files
// are linted all the same.
func Files(paths []string) (diag.List, error) {
	var all diag.List
	var errs []error
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !st.IsDir() {
			l, err := lintFile(p, true)
			if err != nil {
				errs = append(errs, err)
			}
			all = append(all, l...)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				// An unreadable directory: report it, lint the rest.
				errs = append(errs, err)
				if d != nil && d.IsDir() && path != p {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				if path != p && (d.Name() == ".git" || d.Name() == "node_modules") {
					return filepath.SkipDir
				}
				return nil
			}
			switch strings.ToLower(filepath.Ext(path)) {
			case ".yaml", ".yml", ".json":
			default:
				return nil
			}
			l, err := lintFile(path, false)
			if err != nil {
				errs = append(errs, err)
			}
			all = append(all, l...)
			return nil
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("walking %s: %w", p, err))
		}
	}
	all.Sort()
	return all, errors.Join(errs...)
}

func lintFile(path string, explicit bool) (diag.List, error) {
	src, err := fsutil.ReadFile(path, MaxFileBytes)
	if err != nil {
		return nil, err
	}
	kind := Detect(path, src)
	if kind == Unknown && !explicit {
		return nil, nil
	}
	return Bytes(path, src, kind), nil
}
