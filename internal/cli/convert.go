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
	"runtime/debug"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/actionport/actionport/internal/config"
	"github.com/actionport/actionport/internal/diag"
	"github.com/actionport/actionport/internal/diagfmt"
	"github.com/actionport/actionport/internal/emit"
	"github.com/actionport/actionport/internal/fsutil"
	"github.com/actionport/actionport/internal/gitremote"
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

// FindWorkflows expands paths: a directory yields its .yml/.yaml files
// (recursively when recursive is set). A file found twice is listed once.
// It refuses (an error naming the files, before anything is converted)
// workflow files whose outputs cannot be written safely: a path with a
// control or line-break character or invalid UTF-8 (it is quoted in every
// generated file's header), a base name that gives no output name ("",
// "." or ".."; "...yml" would write into the parent of --out), and two
// files whose outputs would be the same file (a.yml and a.yaml, or names
// that differ only in case, which collide on case-insensitive file systems
// and checkouts).
func FindWorkflows(paths []string, recursive bool) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	add := func(p string) {
		if c := filepath.Clean(p); !seen[c] {
			seen[c] = true
			out = append(out, p)
		}
	}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", p, err)
		}
		if !st.IsDir() {
			add(p)
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
				add(path)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", p, err)
		}
	}
	sort.Strings(out)
	if err := checkOutputNames(out); err != nil {
		return nil, err
	}
	return out, nil
}

// checkOutputNames is FindWorkflows' check of the output names of files.
func checkOutputNames(files []string) error {
	var problems []string
	byName := map[string]string{}
	for _, f := range files {
		if msg := unsafeText(f); msg != "" {
			problems = append(problems, fmt.Sprintf("%q: the path %s, which generated files cannot carry in their header; rename it", f, msg))
			continue
		}
		stem := strings.TrimSuffix(filepath.Base(f), filepath.Ext(f))
		if stem == "" || stem == "." || stem == ".." {
			problems = append(problems, fmt.Sprintf("%s: the base name %q gives no usable output name; rename the file", f, stem))
			continue
		}
		key := strings.ToLower(stem)
		if prev, ok := byName[key]; ok {
			problems = append(problems, fmt.Sprintf("%s and %s would be converted to the same output (%q; names that differ only in extension or case collide); rename one, or convert them into different --out directories", prev, f, stem))
			continue
		}
		byName[key] = f
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// unsafeText says why s cannot go into a comment line of a generated YAML
// file, or "": a control character, or a character YAML parsers take for a
// line break (NEL, LS, PS), or invalid UTF-8.
func unsafeText(s string) string {
	if !utf8.ValidString(s) {
		return "is not valid UTF-8"
	}
	for _, r := range s {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return fmt.Sprintf("holds the character %U", r)
		}
	}
	return ""
}

func isWorkflowPath(p string) bool {
	return strings.Contains(filepath.ToSlash(p), ".github/workflows/")
}

// ConvertEach converts files on GOMAXPROCS workers. Each worker hands the
// Result of a file to process, in the worker (so that, say, writing the files
// runs in parallel too), and done receives what process returned, on the
// calling goroutine and in input order. At most a small window of processed
// files waits for done, so memory stays bounded however many files there are
// (a slow done, such as a deployment, holds the workers back).
func ConvertEach[T any](files []string, cfg *config.Config, em Emitter, process func(Result) T, done func(T)) {
	workers := max(1, min(runtime.GOMAXPROCS(0), len(files)))
	window := 4 * workers
	slots := make([]chan T, len(files))
	for i := range slots {
		slots[i] = make(chan T, 1)
	}
	// A token per file started and not yet through done; tokens are taken in
	// input order, so the file done waits for has always been started.
	tokens := make(chan struct{}, window)
	next := make(chan int)
	go func() {
		defer close(next)
		for i := range files {
			tokens <- struct{}{}
			next <- i
		}
	}()
	for range workers {
		go func() {
			for i := range next {
				slots[i] <- process(ConvertFile(files[i], cfg, em))
			}
		}()
	}
	for i := range files {
		v := <-slots[i]
		slots[i] = nil
		done(v)
		<-tokens
	}
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

// converted is what runConvert keeps of one input file once a worker
// converted it and wrote (or, with --check, compared) its files: the
// diagnostics and the messages for the user, not the generated bytes (unless
// --stdout or --deploy needs them).
type converted struct {
	Result
	// msgs is what the sequential conversion printed for the file, in order:
	// the diffs (stdout) with --check, else the "wrote" lines and write errors
	// (stderr). Either mode writes to one stream only, so keeping the two
	// streams apart loses no interleaving.
	msgs bytes.Buffer
	// drift: --check found a difference; writeFailed: a file could not be
	// written; hadFiles: the conversion produced files.
	drift, writeFailed, hadFiles bool
	// produced are the output paths of the conversion.
	produced []string
}

type convertFlags struct {
	// prog is the program name that starts the error messages.
	prog                string
	out, format, config string
	// workflowsFrom are the --workflows-from copies of other repositories.
	workflowsFrom        map[string]string
	stdout, force, check bool
	// deploy, when set, runs after a workflow's files were written (not with
	// --stdout or --check); it returns the exit status for that workflow.
	deploy func(r Result) int
}

func (c *convertFlags) register(fs *flag.FlagSet, defaultOut string) {
	fs.StringVar(&c.out, "out", defaultOut, "output directory")
	fs.StringVar(&c.format, "format", "", "diagnostics format on stderr: text, json, sarif or github (default: github under GitHub Actions, else text); with json and sarif stderr holds only that document (no \"wrote\" lines)")
	fs.StringVar(&c.config, "config", "", "configuration file (default "+config.DefaultFile+" when present)")
	fs.BoolVar(&c.force, "force", false, "overwrite files that actionport did not generate")
	fs.BoolVar(&c.check, "check", false, "do not write; exit 1 with a diff when the files in --out differ from a fresh conversion")
	fs.BoolVar(&c.stdout, "stdout", false, "print the generated files instead of writing them")
	fs.Func("workflows-from", "OWNER/REPO=DIR: inline reusable workflows of that repository from the local copy DIR (repeatable; also workflows-from: in the configuration)", func(v string) error {
		repo, dir, ok := strings.Cut(v, "=")
		if !ok || strings.Count(repo, "/") != 1 || dir == "" {
			return fmt.Errorf("want OWNER/REPO=DIR, got %q", v)
		}
		if c.workflowsFrom == nil {
			c.workflowsFrom = map[string]string{}
		}
		c.workflowsFrom[repo] = dir
		return nil
	})
}

// dirOf is p when it is a directory, else the directory holding it.
func dirOf(p string) string {
	if fi, err := os.Stat(p); err == nil && fi.IsDir() {
		return p
	}
	return filepath.Dir(p)
}

func loadConfig(path string) (*config.Config, error) {
	if path == "" {
		return config.Load(config.DefaultFile, false)
	}
	return config.Load(path, true)
}

// convertGCPercent is the GOGC of a conversion, unless GOGC is set.
var convertGCPercent = 200

// convertMemoryLimit is the soft memory limit of a conversion on the given
// number of workers, unless GOMEMLIMIT is set: a base for the runtime and the
// collected diagnostics, plus room for one large workflow per worker (its
// syntax tree, IR, output tree and bytes).
func convertMemoryLimit(workers int) int64 { return (8 + 4*int64(workers)) << 20 }

// tuneGC sets the collector for a conversion and returns the function that
// restores the previous settings. Converting allocates much short-lived
// memory while little stays live (files are written and dropped as they are
// converted): at the default GOGC (100) the collector would run two to three
// times as often as needed, so GOGC is 200; the soft memory limit keeps the
// peak small anyway (it makes the collector run earlier, never fails). The
// environment variables GOGC and GOMEMLIMIT take precedence.
func tuneGC() (restore func()) {
	var undo []func()
	if os.Getenv("GOGC") == "" {
		old := debug.SetGCPercent(convertGCPercent)
		undo = append(undo, func() { debug.SetGCPercent(old) })
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		old := debug.SetMemoryLimit(convertMemoryLimit(runtime.GOMAXPROCS(0)))
		undo = append(undo, func() { debug.SetMemoryLimit(old) })
	}
	return func() {
		for _, f := range undo {
			f()
		}
	}
}

// runConvert is the shared body of the conversion subcommands.
func runConvert(c *convertFlags, paths []string, em Emitter, stdout, stderr io.Writer) int {
	if c.prog == "" {
		c.prog = "convert"
	}
	format := diagfmt.Auto(c.format)
	if !diagfmt.Valid(format) {
		fmt.Fprintf(stderr, "%s: unknown --format %q (want %s)\n", c.prog, c.format, strings.Join(diagfmt.Formats, ", "))
		return ExitUsage
	}
	cfg, err := loadConfig(c.config)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", c.prog, err)
		return ExitUsage
	}
	for repo, dir := range c.workflowsFrom {
		if cfg.WorkflowsFrom == nil {
			cfg.WorkflowsFrom = map[string]string{}
		}
		cfg.WorkflowsFrom[repo] = dir
	}
	paths = pathsOrDefault(paths)
	if cfg.Repository == "" {
		// github.repository and friends, and CodePipeline's source, name
		// the repository the workflows come from: the remote origin's.
		if repo, ok := gitremote.GitHubRepository(dirOf(paths[0])); ok {
			cfg.Repository = repo
			if format != diagfmt.JSON && format != diagfmt.SARIF {
				fmt.Fprintf(stderr, "%s: repository %s, from the git remote origin (set repository: in %s to name another)\n", c.prog, repo, config.DefaultFile)
			}
		}
	}
	files, err := FindWorkflows(paths, false)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", c.prog, err)
		return ExitUsage
	}
	if len(files) == 0 {
		fmt.Fprintf(stderr, "%s: no workflow files (.yml, .yaml) in %s\n", c.prog, strings.Join(paths, ", "))
		return ExitUsage
	}
	defer tuneGC()()
	code := ExitOK
	var all diag.List
	drift := false
	// Root: nothing is written outside --out, even through a symbolic link
	// to a directory elsewhere.
	w := &fsutil.Writer{Force: c.force, Root: c.out}
	// Only --stdout (which prints them) and --deploy (which deploys
	// template.yaml) need the generated bytes after process.
	keepFiles := c.stdout || c.deploy != nil
	// json and sarif leave stderr to the one machine-readable document.
	progress := format != diagfmt.JSON && format != diagfmt.SARIF
	process := func(r Result) *converted {
		cv := &converted{Result: r}
		if r.Err != nil || c.stdout {
			return cv
		}
		for _, f := range r.Files {
			dest := filepath.Join(c.out, filepath.FromSlash(f.Path))
			cv.produced = append(cv.produced, dest)
			if c.check {
				if d := Diff(dest, f.Data); d != "" {
					cv.drift = true
					cv.msgs.WriteString(d)
				}
				continue
			}
			if err := w.WriteGenerated(dest, f.Data); err != nil {
				fmt.Fprintf(&cv.msgs, "%s: %v\n", c.prog, err)
				cv.writeFailed = true
				continue
			}
			if progress {
				fmt.Fprintf(&cv.msgs, "wrote %s\n", dest)
			}
		}
		if !keepFiles {
			cv.Files = nil
		}
		cv.hadFiles = len(r.Files) > 0
		return cv
	}
	// Sources that produced files, and the files: what an earlier
	// conversion of those sources left behind is stale.
	sources, produced := map[string]bool{}, map[string]bool{}
	ConvertEach(files, cfg, em, process, func(cv *converted) {
		r := cv.Result
		if r.Err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", c.prog, r.Err)
			code = max(code, ExitUsage)
			return
		}
		if len(cv.produced) > 0 {
			sources[r.Path] = true
			for _, p := range cv.produced {
				produced[p] = true
			}
		}
		all = append(all, r.Diags...)
		if r.Diags.HasErrors() {
			code = max(code, ExitDiag)
		}
		switch {
		case c.stdout:
			for _, f := range r.Files {
				fmt.Fprintf(stdout, "--- %s\n", filepath.Join(c.out, filepath.FromSlash(f.Path)))
				_, _ = stdout.Write(f.Data)
			}
			return
		case c.check:
			_, _ = stdout.Write(cv.msgs.Bytes())
			drift = drift || cv.drift
			return
		}
		_, _ = stderr.Write(cv.msgs.Bytes())
		if cv.writeFailed {
			code = max(code, ExitUsage)
		}
		if c.deploy != nil && !cv.writeFailed && cv.hadFiles {
			code = max(code, c.deploy(r))
		}
	})
	if !c.stdout && len(sources) > 0 {
		msgs, found := removeStale(c.out, sources, produced, c.check)
		if c.check {
			fmt.Fprint(stdout, msgs)
			drift = drift || found
		} else if progress {
			fmt.Fprint(stderr, msgs)
		}
	}
	if err := diagfmt.Write(stderr, format, all); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", c.prog, err)
		return ExitUsage
	}
	if drift {
		fmt.Fprintln(stderr, c.prog+": generated files are out of date or were edited; run the conversion again without --check")
		code = max(code, ExitDiag)
	}
	return code
}

// Diff compares want with the file at path and returns a unified diff ("" when equal).
func Diff(path string, want []byte) string {
	// Bounded, regular files only: an output path that is a named pipe or a
	// link to a device must not hang or exhaust memory (a file this much
	// larger than the generated one differs anyway).
	got, err := fsutil.ReadFile(path, len(want)+1<<20)
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
