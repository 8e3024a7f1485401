package codepipeline

import (
	"path"
	"slices"
	"strings"

	"github.com/actionport/actionport/internal/emit"
	"github.com/actionport/actionport/internal/emit/shell"
)

// specFiles writes each distinct buildspec once. Projects whose buildspecs
// are byte-identical (matrix combinations that differ only in project
// environment variables or image, and the same job in the pipelines of a
// workflow's event specializations, NAME and NAME-pr) share one file, named
// after the first project that has it; every project's BuildSpec names
// that file.
type specFiles struct {
	byBody map[string]*specFile
	order  []*specFile
	// runtimeUsed is whether a buildspec copies the step runtime file
	// (shell.RuntimeFile) from the source.
	runtimeUsed bool
}

// specFile is one buildspec file and the projects that use it.
type specFile struct {
	path   string // relative to the output directory: BASE/buildspec-NAME.yml
	dir    string // BASE, the pipeline directory that holds the file
	source string // the workflow file, for the header
	body   []byte
	users  []string // projects, as PROJECT or BASE/PROJECT when in another pipeline
	jobs   []string // GitHub job ids, each once
}

// add registers the buildspec body of project name (of pipeline directory
// base, running jobs) and returns the file that holds it.
func (s *specFiles) add(base, source, name string, jobs []string, body []byte) *specFile {
	if s.byBody == nil {
		s.byBody = map[string]*specFile{}
	}
	f := s.byBody[string(body)]
	if f == nil {
		f = &specFile{path: base + "/buildspec-" + name + ".yml", dir: base, source: source, body: body}
		s.byBody[string(body)] = f
		s.order = append(s.order, f)
	}
	user := name
	if base != f.dir {
		user = base + "/" + name
	}
	f.users = append(f.users, user)
	for _, j := range jobs {
		if !slices.Contains(f.jobs, j) {
			f.jobs = append(f.jobs, j)
		}
	}
	return f
}

// files renders every buildspec file with its header.
func (s *specFiles) files() []emit.File {
	out := make([]emit.File, 0, len(s.order))
	for _, f := range s.order {
		jobs := "(jobs: " + strings.Join(f.jobs, ", ") + ")"
		var lines []string
		switch {
		case len(f.users) == 1 && len(f.jobs) == 1 && f.jobs[0] == f.users[0]:
			// buildspec-NAME.yml of project NAME for job NAME: the name says it.
		case len(f.users) == 1:
			lines = []string{"CodeBuild buildspec of project " + f.users[0] + " " + jobs}
		default:
			lines = append(wrapWords("CodeBuild buildspec shared by the projects "+strings.Join(f.users, ", "), 100), jobs)
		}
		header := emit.Header(f.source, lines...)
		out = append(out, emit.File{Path: f.path, Data: append([]byte(header), f.body...)})
	}
	if s.runtimeUsed {
		out = append(out, emit.File{Path: shell.RuntimeFileName, Data: shell.RuntimeFile()})
	}
	return out
}

// runtimeWord is the shell word that names the step runtime file in the
// build's source ("" with InlineBuildspecs: the runtime is inlined).
func (e *emitter) runtimeWord() string {
	if e.opts.InlineBuildspecs || e.files == nil {
		return ""
	}
	p := path.Join(e.outDir(), shell.RuntimeFileName)
	return shell.RuntimeWord("CODEBUILD_SRC_DIR", "the build has no source", p)
}

// prelude is the job's runtime prelude; it records that the runtime file
// is needed when the prelude copies it.
func (e *emitter) prelude(r *shell.Renderer) string {
	if r.LibFile != "" {
		e.files.runtimeUsed = true
	}
	return r.Prelude()
}

// specPath is the file's path from the repository root, where CodeBuild
// looks for it in the source; dir is the output directory there.
func (f *specFile) specPath(dir string) string {
	return path.Join(dir, f.path)
}

// wrapWords splits s at spaces into lines of at most width bytes (a longer
// word gets a line of its own).
func wrapWords(s string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		switch {
		case line == "":
			line = w
		case len(line)+1+len(w) > width:
			lines = append(lines, line)
			line = w
		default:
			line += " " + w
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}
