package audit

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Find expands the user's paths into workflow files. A file is taken as is.
// A directory is searched recursively for .github/workflows directories (one
// per repository; hidden directories other than .github and node_modules are
// skipped); when it holds none, the .yml/.yaml files directly inside it are
// used, so a flat directory of workflow files can be audited too.
func Find(paths []string) ([]Input, error) {
	seen := map[string]bool{}
	var out []Input
	add := func(path, repo string) {
		if !seen[path] {
			seen[path] = true
			out = append(out, Input{Path: path, Repo: repo})
		}
	}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", p, err)
		}
		if !st.IsDir() {
			add(p, repoOf(p))
			continue
		}
		var dirs []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() || path == p {
				return nil
			}
			name := d.Name()
			if name == "node_modules" || strings.HasPrefix(name, ".") && name != ".github" {
				return filepath.SkipDir
			}
			if name == "workflows" && filepath.Base(filepath.Dir(path)) == ".github" {
				dirs = append(dirs, path)
				return filepath.SkipDir
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("searching %s: %w", p, err)
		}
		if len(dirs) == 0 {
			// A flat directory of workflow files (or p is itself .github/workflows).
			dirs = []string{p}
		}
		for _, dir := range dirs {
			files, err := yamlFiles(dir)
			if err != nil {
				return nil, err
			}
			for _, f := range files {
				add(f, repoOf(f))
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// yamlFiles lists the .yml/.yaml files directly in dir, sorted.
func yamlFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", dir, err)
	}
	var out []string
	for _, e := range entries {
		ext := filepath.Ext(e.Name())
		if !e.IsDir() && (ext == ".yml" || ext == ".yaml") {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	return out, nil
}

// repoOf is the repository directory of a workflow file: the directory holding
// .github for .github/workflows/x.yml, else the file's directory.
func repoOf(path string) string {
	dir := filepath.Dir(path)
	if filepath.Base(dir) == "workflows" && filepath.Base(filepath.Dir(dir)) == ".github" {
		return filepath.Dir(filepath.Dir(dir))
	}
	return dir
}

// repoRoot is the repository root used to inline local actions and reusable
// workflows: only workflows inside .github/workflows have one.
func repoRoot(in Input) string {
	dir := filepath.Dir(in.Path)
	if filepath.Base(dir) != "workflows" || filepath.Base(filepath.Dir(dir)) != ".github" {
		return ""
	}
	abs, err := filepath.Abs(filepath.Dir(filepath.Dir(dir)))
	if err != nil {
		return ""
	}
	return abs
}
