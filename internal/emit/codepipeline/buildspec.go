package codepipeline

import (
	"fmt"
	"strings"

	"github.com/actionport/actionport/internal/yamlnode"

	"github.com/actionport/actionport/internal/emit/shell"
)

// buildspecDoc renders a unit's buildspec.
func (e *emitter) buildspecDoc(u *unit) *yamlnode.Node {
	s := u.merged
	doc := mapping("version", buildspecVersion)
	env := mapping("shell", "bash")
	if len(s.vars) > 0 {
		v := mapping()
		for _, x := range s.vars {
			set(v, x.k, x.v)
		}
		set(env, "variables", v)
	}
	if len(s.refs.params) > 0 {
		v := mapping()
		for _, x := range sortedKV(s.refs.params) {
			set(v, x.k, x.v)
		}
		set(env, "parameter-store", v)
	}
	if len(s.refs.secrets) > 0 {
		v := mapping()
		for _, x := range sortedKV(s.refs.secrets) {
			set(v, x.k, x.v)
		}
		set(env, "secrets-manager", v)
	}
	if len(s.exported) > 0 {
		set(env, "exported-variables", strs(s.exported))
	}
	set(doc, "env", env)
	if u.batch {
		idx := make([]string, len(u.jobs))
		for i := range idx {
			idx[i] = fmt.Sprint(i + 1)
		}
		set(doc, "batch", mapping("fast-fail", false, "build-matrix", mapping("dynamic", mapping("env", mapping("variables", mapping("AP_MATRIX_INDEX", strs(idx)))))))
	}
	phases := mapping()
	if len(s.runtimes) > 0 {
		rv := mapping()
		for _, x := range s.runtimes {
			set(rv, x.k, x.v)
		}
		set(phases, "install", mapping("runtime-versions", rv))
	}
	if len(s.pre) > 0 {
		set(phases, "pre_build", mapping("commands", commandNodes(s.pre)))
	}
	if s.steps != nil {
		set(phases, "build", mapping("steps", seq(s.steps...)))
	} else {
		build := s.build
		if u.batch {
			build = append([]command{build[0], {text: matrixCase(u.matrixVars), comment: "# actionport: values of this matrix combination"}}, build[1:]...)
		}
		set(phases, "build", mapping("commands", commandNodes(build)))
	}
	if len(s.post) > 0 {
		set(phases, "post_build", mapping("commands", commandNodes(s.post)))
	}
	set(doc, "phases", phases)
	if len(s.outputs) > 0 {
		art := artifactNode(s.outputs[0])
		if len(s.outputs) > 1 {
			sec := mapping()
			for _, o := range s.outputs {
				set(sec, o.name, artifactNode(o))
			}
			set(art, "secondary-artifacts", sec)
		}
		set(doc, "artifacts", art)
	}
	if len(s.cache) > 0 {
		set(doc, "cache", mapping("paths", strs(s.cache)))
	}
	return doc
}

func artifactNode(o outArtifact) *yamlnode.Node {
	n := mapping("files", strs(o.files))
	if o.base != "" {
		set(n, "base-directory", o.base)
	}
	if o.discard {
		set(n, "discard-paths", "yes")
	}
	return n
}

// matrixCase exports each combination's values, selected by AP_MATRIX_INDEX (batch builds).
func matrixCase(per [][]kv) string {
	var b strings.Builder
	b.WriteString(`case "${AP_MATRIX_INDEX:-1}" in`)
	for i, vs := range per {
		fmt.Fprintf(&b, "\n%d)", i+1)
		for _, v := range vs {
			if v.k == "AP_MATRIX_INDEX" {
				continue
			}
			fmt.Fprintf(&b, "\n  export %s=%s", v.k, shell.Quote(v.v))
		}
		b.WriteString("\n  ;;")
	}
	b.WriteString("\nesac")
	return b.String()
}
