package lint

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/actionport/actionport/internal/diag"
)

// Files lints the given files and directories. Directories are searched
// recursively (skipping .git and node_modules) for .yaml, .yml and .json
// files that Detect recognizes; others are passed over silently. A file named
// explicitly that Detect does not recognize yields a lint-unrecognized error.
// The error is for paths that cannot be read.
func Files(paths []string) (diag.List, error) {
	var all diag.List
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return all, fmt.Errorf("lint: %w", err)
		}
		if !st.IsDir() {
			l, err := lintFile(p, true)
			if err != nil {
				return all, err
			}
			all = append(all, l...)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
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
			all = append(all, l...)
			return err
		})
		if err != nil {
			return all, fmt.Errorf("lint: walking %s: %w", p, err)
		}
	}
	all.Sort()
	return all, nil
}

func lintFile(path string, explicit bool) (diag.List, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("lint: %w", err)
	}
	kind := Detect(path, src)
	if kind == Unknown && !explicit {
		return nil, nil
	}
	return Bytes(path, src, kind), nil
}
