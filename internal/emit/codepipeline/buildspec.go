package codepipeline

import (
	"fmt"
	"slices"
	"strings"

	"github.com/actionport/actionport/internal/yamlnode"

	"github.com/actionport/actionport/internal/emit/shell"
)

// buildspecDoc renders a unit's buildspec.
func (e *emitter) buildspecDoc(u *unit) *yamlnode.Node {
	s := u.merged
	doc := e.mappingCap(6, "version", buildspecVersion)
	env := e.mappingCap(5, "shell", s.buildspecShell())
	if len(s.vars) > 0 {
		v := e.mappingCap(len(s.vars))
		for _, x := range s.vars {
			e.setStr(v, x.k, x.v)
		}
		e.set(env, "variables", v)
	}
	if len(s.refs.params) > 0 {
		v := e.mappingCap(len(s.refs.params))
		for _, x := range sortedKV(s.refs.params) {
			e.setStr(v, x.k, x.v)
		}
		e.set(env, "parameter-store", v)
	}
	if len(s.refs.secrets) > 0 {
		v := e.mappingCap(len(s.refs.secrets))
		for _, x := range sortedKV(s.refs.secrets) {
			e.setStr(v, x.k, x.v)
		}
		e.set(env, "secrets-manager", v)
	}
	if len(s.exported) > 0 {
		e.set(env, "exported-variables", e.strs(s.exported))
	}
	e.set(doc, "env", env)
	if u.batch {
		idx := make([]string, len(u.jobs))
		for i := range idx {
			idx[i] = fmt.Sprint(i + 1)
		}
		e.set(doc, "batch", e.mapping("fast-fail", false, "build-matrix", e.mapping("dynamic", e.mapping("env", e.mapping("variables", e.mapping("AP_MATRIX_INDEX", e.strs(idx)))))))
	}
	phases := e.mappingCap(4)
	if len(s.runtimes) > 0 {
		rv := e.mappingCap(len(s.runtimes))
		for _, x := range s.runtimes {
			e.setStr(rv, x.k, x.v)
		}
		e.set(phases, "install", e.mapping("runtime-versions", rv))
	}
	if len(s.pre) > 0 {
		e.set(phases, "pre_build", e.mapping("commands", e.commandNodes(s.pre)))
	}
	if s.steps != nil {
		e.set(phases, "build", e.mapping("steps", e.seq(s.steps...)))
	} else {
		build := s.build
		if u.batch {
			// The values come first, after the runtime's prelude if any.
			at := 1
			if s.plain {
				at = 0
			}
			build = slices.Insert(slices.Clone(build), at, command{text: matrixCase(u.matrixVars), comment: "# actionport: values of this matrix combination"})
		}
		e.set(phases, "build", e.mapping("commands", e.commandNodes(build)))
	}
	if len(s.post) > 0 {
		e.set(phases, "post_build", e.mapping("commands", e.commandNodes(s.post)))
	}
	e.set(doc, "phases", phases)
	if len(s.outputs) > 0 {
		art := e.artifactNode(s.outputs[0])
		if len(s.outputs) > 1 {
			sec := e.mappingCap(len(s.outputs))
			for _, o := range s.outputs {
				e.set(sec, o.name, e.artifactNode(o))
			}
			e.set(art, "secondary-artifacts", sec)
		}
		e.set(doc, "artifacts", art)
	}
	if len(s.cache) > 0 {
		e.set(doc, "cache", e.mapping("paths", e.strs(s.cache)))
	}
	return doc
}

func (b *nodes) artifactNode(o outArtifact) *yamlnode.Node {
	n := b.mapping("files", b.strs(o.files))
	if o.base != "" {
		b.setStr(n, "base-directory", o.base)
	}
	if o.discard {
		b.setStr(n, "discard-paths", "yes")
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
