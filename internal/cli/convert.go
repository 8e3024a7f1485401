// Package cli implements the convert command's subcommands; cmd/convert only
// calls Run.
package cli

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/actionport/actionport/internal/config"
	"github.com/actionport/actionport/internal/diag"
	"github.com/actionport/actionport/internal/diagfmt"
	"github.com/actionport/actionport/internal/emit"
	"github.com/actionport/actionport/internal/fsutil"
	"github.com/actionport/actionport/internal/ir"
	"github.com/actionport/actionport/internal/translate"
)

// Exit codes.
const (
	ExitOK    = 0 // everything translated (warnings allowed)
	ExitDiag  = 1 // some item needed an error diagnostic, or --check found drift
	ExitUsage = 2 // usage or I/O error
)

// Emitter turns one IR workflow into files for a target.
type Emitter func(w *ir.Workflow, cfg *config.Config) ([]emit.File, diag.List)

// Result is the conversion of one input file.
type Result struct {
	Path  string
	Files []emit.File
	Diags diag.List
	// Err is an I/O error reading the input.
	Err error
}

// FindWorkflows expands paths: a directory yields its .yml/.yaml files (recursively when recursive is set).
func FindWorkflows(paths []string, recursive bool) ([]string, error) {
	var out []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", p, err)
		}
		if !st.IsDir() {
			out = append(out, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path != p && !recursive {
					return filepath.SkipDir
				}
				if recursive && (d.Name() == "node_modules" || d.Name() == ".git" && path != p) {
					return filepath.SkipDir
				}
				return nil
			}
			ext := filepath.Ext(path)
			if (ext == ".yml" || ext == ".yaml") && (!recursive || isWorkflowPath(path)) {
				out = append(out, path)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", p, err)
		}
	}
	sort.Strings(out)
	return out, nil
}

func isWorkflowPath(p string) bool {
	return strings.Contains(filepath.ToSlash(p), ".github/workflows/")
}

// ConvertAll converts files concurrently (bounded by GOMAXPROCS); results keep input order.
func ConvertAll(files []string, cfg *config.Config, em Emitter) []Result {
	results := make([]Result, len(files))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, f := range files {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			results[i] = ConvertFile(f, cfg, em)
		}()
	}
	wg.Wait()
	return results
}

// ConvertFile reads, translates and emits one workflow; it never panics.
func ConvertFile(path string, cfg *config.Config, em Emitter) (res Result) {
	res.Path = path
	defer func() {
		if r := recover(); r != nil {
			res.Files = nil
			res.Diags = append(res.Diags, diag.Diagnostic{Rule: "internal", Severity: diag.Error, Pos: diag.Pos{File: path},
				Message: fmt.Sprintf("internal error while converting (please report it): %v", r)})
		}
	}()
	src, err := fsutil.ReadLimited(path, translate.MaxInputBytes)
	if err != nil {
		res.Err = err
		return res
	}
	w, ds := translate.Translate(path, src, translate.Options{Config: cfg, RepoRoot: repoRoot(path)})
	res.Diags = ds
	if w == nil {
		return res
	}
	files, eds := em(w, cfg)
	res.Files = files
	res.Diags = append(res.Diags, eds...)
	res.Diags.Sort()
	return res
}

// repoRoot is the directory holding .github for a workflow file, or "".
func repoRoot(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return ""
	}
	dir := filepath.Dir(abs)
	if filepath.Base(dir) == "workflows" && filepath.Base(filepath.Dir(dir)) == ".github" {
		return filepath.Dir(filepath.Dir(dir))
	}
	return ""
}

type convertFlags struct {
	out, format, config  string
	stdout, force, check bool
	// deploy, when set, runs after a workflow's files were written (not with
	// --stdout or --check); it returns the exit status for that workflow.
	deploy func(r Result) int
}

func (c *convertFlags) register(fs *flag.FlagSet, defaultOut string) {
	fs.StringVar(&c.out, "out", defaultOut, "output directory")
	fs.StringVar(&c.format, "format", "", "diagnostics format: text, json, sarif or github (default: github under GitHub Actions, else text)")
	fs.StringVar(&c.config, "config", "", "configuration file (default "+config.DefaultFile+" when present)")
	fs.BoolVar(&c.force, "force", false, "overwrite files that actionport did not generate")
	fs.BoolVar(&c.check, "check", false, "do not write; exit 1 with a diff when the files in --out differ from a fresh conversion")
	fs.BoolVar(&c.stdout, "stdout", false, "print the generated files instead of writing them")
}

func loadConfig(path string) (*config.Config, error) {
	if path == "" {
		return config.Load(config.DefaultFile, false)
	}
	return config.Load(path, true)
}

// runConvert is the shared body of the conversion subcommands.
func runConvert(c *convertFlags, paths []string, em Emitter, stdout, stderr io.Writer) int {
	format := diagfmt.Auto(c.format)
	if !diagfmt.Valid(format) {
		fmt.Fprintf(stderr, "convert: unknown --format %q (want %s)\n", c.format, strings.Join(diagfmt.Formats, ", "))
		return ExitUsage
	}
	cfg, err := loadConfig(c.config)
	if err != nil {
		fmt.Fprintf(stderr, "convert: %v\n", err)
		return ExitUsage
	}
	paths = pathsOrDefault(paths)
	files, err := FindWorkflows(paths, false)
	if err != nil {
		fmt.Fprintf(stderr, "convert: %v\n", err)
		return ExitUsage
	}
	if len(files) == 0 {
		fmt.Fprintf(stderr, "convert: no workflow files (.yml, .yaml) in %s\n", strings.Join(paths, ", "))
		return ExitUsage
	}
	code := ExitOK
	var all diag.List
	drift := false
	for _, r := range ConvertAll(files, cfg, em) {
		if r.Err != nil {
			fmt.Fprintf(stderr, "convert: %v\n", r.Err)
			code = max(code, ExitUsage)
			continue
		}
		all = append(all, r.Diags...)
		if r.Diags.HasErrors() {
			code = max(code, ExitDiag)
		}
		writeFailed := false
		for _, f := range r.Files {
			dest := filepath.Join(c.out, filepath.FromSlash(f.Path))
			switch {
			case c.stdout:
				fmt.Fprintf(stdout, "--- %s\n", dest)
				_, _ = stdout.Write(f.Data)
			case c.check:
				if d := Diff(dest, f.Data); d != "" {
					drift = true
					fmt.Fprint(stdout, d)
				}
			default:
				if err := fsutil.WriteGenerated(dest, f.Data, c.force); err != nil {
					fmt.Fprintf(stderr, "convert: %v\n", err)
					code = max(code, ExitUsage)
					writeFailed = true
					continue
				}
				fmt.Fprintf(stderr, "wrote %s\n", dest)
			}
		}
		if c.deploy != nil && !c.stdout && !c.check && !writeFailed && len(r.Files) > 0 {
			code = max(code, c.deploy(r))
		}
	}
	if err := diagfmt.Write(stderr, format, all); err != nil {
		fmt.Fprintf(stderr, "convert: %v\n", err)
		return ExitUsage
	}
	if drift {
		fmt.Fprintln(stderr, "convert: generated files are out of date or were edited; run the conversion again without --check")
		code = max(code, ExitDiag)
	}
	return code
}

// Diff compares want with the file at path and returns a unified diff ("" when equal).
func Diff(path string, want []byte) string {
	got, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Sprintf("--- %s (missing)\n+++ %s (generated)\n", path, path)
	}
	if err != nil {
		return fmt.Sprintf("--- %s: %v\n", path, err)
	}
	if bytes.Equal(got, want) {
		return ""
	}
	return unifiedDiff(path, string(got), string(want))
}

// pathsOrDefault returns paths, or the default .github/workflows when empty.
func pathsOrDefault(paths []string) []string {
	if len(paths) == 0 {
		return []string{".github/workflows"}
	}
	return paths
}

// parseExit is the exit status for a flag parsing error: 0 for -h, else 2.
func parseExit(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	return ExitUsage
}
