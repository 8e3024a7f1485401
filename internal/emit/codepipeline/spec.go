package codepipeline

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/actionport/actionport/internal/yamlnode"

	"github.com/actionport/actionport/internal/config"
	"github.com/actionport/actionport/internal/diag"
	"github.com/actionport/actionport/internal/emit/shell"
	"github.com/actionport/actionport/internal/ir"
)

// kv is an ordered key/value pair.
type kv struct{ k, v string }

// command is one buildspec command with an optional comment above it.
// command is one build command with the comments above (comment) and
// below it (foot).
type command struct{ text, comment, foot string }

// outArtifact is one uploaded artifact: the pipeline artifact name and the buildspec files.
type outArtifact struct {
	name, base string
	files      []string
	discard    bool
}

// jobSpec is everything the buildspec and the project need for one job
// (one matrix combination).
type jobSpec struct {
	job  *ir.Job
	refs *jobRefs
	comp compute
	// vars are literal env variables (env.variables).
	vars     []kv
	runtimes []kv
	pre      []command
	build    []command
	// steps is set instead of build for jobs that run GitHub actions.
	steps      []*yamlnode.Node
	post       []command
	exported   []string
	outputs    []outArtifact
	inputs     []string // input artifact names besides the source
	cache      []string
	privileged bool
	// plain is set when the build commands are plain (no step runtime).
	plain bool
	// perms are the rights .actionport.yml gives the job beyond those of
	// every job; deployRole is set when it assumes DeployRoleArn (see
	// permissions).
	perms      config.Permissions
	deployRole bool
	// assumed is the role-to-assume the build assumes (a literal ARN);
	// assumedDynamic is set when it is computed at run time.
	assumed        string
	assumedDynamic bool
}

// envNameOK reports whether s is already a shell variable name, that is
// whether shell.EnvName(s) == s: ASCII letters, digits and _, not starting
// with a digit.
func envNameOK(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// buildJob renders one job.
func (e *emitter) buildJob(j *ir.Job) *jobSpec {
	s := &jobSpec{job: j, refs: newJobRefs(e, j), comp: e.computeFor(j)}
	r := &shell.Renderer{Job: j, Refs: s.refs.word, JobIfChecked: e.entryChecked[j.Key], LibFile: e.runtimeWord()}

	// Environment: workflow env overridden by job env.
	var dynamic []ir.EnvVar
	for _, v := range ir.MergeEnv(e.w.Env, j.Env) {
		if v.Value.IsLiteral() && envNameOK(v.Name) {
			s.vars = append(s.vars, kv{v.Name, v.Value.String(nil)})
		} else {
			dynamic = append(dynamic, v)
		}
	}
	if j.AWS != nil {
		if j.AWS.Region.IsLiteral() && j.AWS.Region.Raw != "" {
			for _, n := range []string{"AWS_REGION", "AWS_DEFAULT_REGION"} {
				s.vars = setKV(s.vars, n, j.AWS.Region.String(nil))
			}
		} else if j.AWS.Region.Raw != "" {
			dynamic = append(dynamic, ir.EnvVar{Name: "AWS_REGION", Value: j.AWS.Region}, ir.EnvVar{Name: "AWS_DEFAULT_REGION", Value: j.AWS.Region})
		}
	}
	e.permissions(s)
	e.runtimes(s)
	switch {
	case s.windows():
		e.windowsJob(s, r, dynamic)
	case j.UsesActions:
		e.services(s, r)
		e.downloads(s)
		e.stepsMode(s, r, dynamic)
	default:
		e.services(s, r)
		e.downloads(s)
		e.commandsMode(s, r, dynamic)
	}
	e.uploads(s)
	e.caches(s)
	s.privileged = len(j.Services) > 0 || usesDocker(j)
	s.refs.report(r.Unresolved)
	return s
}

func usesDocker(j *ir.Job) bool {
	for _, st := range j.Steps {
		if strings.Contains(st.Run.Raw, "docker") || strings.Contains(strings.ToLower(st.Uses), "docker") {
			return true
		}
	}
	return false
}

func (e *emitter) runtimes(s *jobSpec) {
	if s.comp.custom && len(s.job.Runtimes) > 0 {
		e.d.add(RuleRuntime, diag.Warning, s.job.Runtimes[0].Pos, "runtime-versions do not apply to the custom image %q; install the runtime in the image", s.comp.image)
		return
	}
	for _, rt := range s.job.Runtimes {
		if _, seen := lookup(s.runtimes, rt.Name); seen {
			continue
		}
		v, ok := runtimeVersion(rt.Name, rt.Version)
		if !ok {
			e.d.add(RuleRuntime, diag.Warning, rt.Pos, "%s version %q cannot be mapped to a CodeBuild runtime version; the image's default %s is used. Set a major version CodeBuild offers", rt.Name, rt.Version, rt.Name)
			continue
		}
		s.runtimes = append(s.runtimes, kv{rt.Name, v})
	}
}

// downloads copies input artifacts to where the job expects them.
func (e *emitter) downloads(s *jobSpec) {
	for _, d := range s.job.Downloads {
		p := e.jobs[d.FromJob]
		if p == nil || !e.before(p, s.job) {
			e.d.add(RuleArtifact, diag.Error, d.Pos, "artifact %q: the uploading job is not an earlier action of the pipeline; the download was dropped. Add the job to needs:", d.Name)
			continue
		}
		name := e.artifactName(p, d.Name)
		if containsStr(s.inputs, name) {
			continue
		}
		if len(s.inputs) >= 4 {
			e.d.add(RuleArtifact, diag.Error, d.Pos, "artifact %q: a CodeBuild action takes at most 5 input artifacts (the source and 4 more); the download was dropped", d.Name)
			continue
		}
		s.inputs = append(s.inputs, name)
		dest := d.Path
		if dest == "" {
			dest = "."
		}
		// An unset variable (an artifact not produced, a run started by
		// hand) must not expand to "/.": that copies the root file system.
		text := fmt.Sprintf(`mkdir -p %s && cp -R "${CODEBUILD_SRC_DIR_%s:?artifact %s was not produced}/." %s/`, shell.Quote(dest), name, name, shell.Quote(dest))
		if s.windows() {
			text = psDownload(dest, name)
		}
		s.pre = append(s.pre, command{text: text, comment: fmt.Sprintf("# actionport: download-artifact %s (%s)", d.Name, d.Pos)})
	}
}

// uploads becomes the buildspec artifacts and the action's output artifacts.
func (e *emitter) uploads(s *jobSpec) {
	for _, u := range s.job.Uploads {
		if len(s.outputs) >= 5 {
			e.d.add(RuleArtifact, diag.Error, u.Pos, "artifact %q: a CodeBuild action has at most 5 output artifacts; the upload was dropped", u.Name)
			continue
		}
		o := outArtifact{name: e.artifactName(s.job, u.Name)}
		paths := u.Paths
		if len(paths) == 1 && !strings.ContainsAny(paths[0], "*?[") && !strings.HasPrefix(paths[0], "!") {
			p := strings.TrimSuffix(paths[0], "/")
			if path.Ext(p) == "" || strings.HasSuffix(paths[0], "/") {
				o.base, o.files = p, []string{"**/*"}
			} else {
				o.files, o.discard = []string{p}, true
			}
		} else {
			for _, p := range paths {
				if strings.HasPrefix(p, "!") {
					e.d.add(RuleArtifact, diag.Warning, u.Pos, "artifact %q: exclusion %q is not carried over", u.Name, p)
					continue
				}
				if !strings.ContainsAny(p, "*?[") && path.Ext(p) == "" {
					p = strings.TrimSuffix(p, "/") + "/**/*"
				}
				o.files = append(o.files, p)
			}
		}
		if len(o.files) == 0 {
			o.files = []string{"**/*"}
		}
		s.outputs = append(s.outputs, o)
	}
}

func (e *emitter) caches(s *jobSpec) {
	for _, c := range s.job.Caches {
		for _, p := range c.Paths {
			if strings.HasPrefix(p, "!") {
				continue
			}
			if strings.HasPrefix(p, "~/") {
				p = "/root/" + p[2:]
			}
			if !strings.ContainsAny(p, "*?") {
				p = strings.TrimSuffix(p, "/") + "/**/*"
			}
			if !containsStr(s.cache, p) {
				s.cache = append(s.cache, p)
			}
		}
		e.d.add(RuleCache, diag.Info, c.Pos, "cache paths become the project's local cache (cache.paths); the key %q and restore-keys are not used: CodeBuild keeps the cache on the build host", c.Key.Raw)
	}
}

// setKV replaces or appends k.
func setKV(kvs []kv, k, v string) []kv {
	for i := range kvs {
		if kvs[i].k == k {
			kvs[i].v = v
			return kvs
		}
	}
	return append(kvs, kv{k, v})
}

func containsStr(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// sortedKV returns a map's entries sorted by key.
func sortedKV(m map[string]string) []kv {
	out := make([]kv, 0, len(m))
	for k, v := range m {
		out = append(out, kv{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].k < out[j].k })
	return out
}
